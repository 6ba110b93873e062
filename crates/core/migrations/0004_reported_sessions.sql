-- Analytics reports as a third kind of file, beside traffic and ads: the sessions GA4,
-- Universal Analytics, Matomo or Plausible reported, by campaign, source/medium, channel and
-- day (or the report's whole period).
--
-- source_file is rebuilt because SQLite cannot change a CHECK constraint in place (the
-- migrations run with foreign keys off, so the rows that refer to it stay as they are). It also
-- gains the first and last day of a file's dated rows (ad days, report periods), filled in here
-- for the ad files imported before.

CREATE TABLE source_file_v4 (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    path           TEXT NOT NULL,
    size           INTEGER NOT NULL,
    content_hash   TEXT NOT NULL,
    format         TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('traffic', 'ads', 'report')),
    encoding       TEXT NOT NULL,
    compression    TEXT,
    time_zone      TEXT,
    mapping        TEXT NOT NULL DEFAULT '[]',
    ip_policy      TEXT NOT NULL,
    rows_imported  INTEGER NOT NULL DEFAULT 0,
    rows_rejected  INTEGER NOT NULL DEFAULT 0,
    rows_duplicate INTEGER NOT NULL DEFAULT 0,
    first_ts_ms    INTEGER,
    last_ts_ms     INTEGER,
    first_date     TEXT,
    last_date      TEXT,
    imported_at    TEXT NOT NULL
);
INSERT INTO source_file_v4 (id, name, path, size, content_hash, format, kind, encoding, compression,
                            time_zone, mapping, ip_policy, rows_imported, rows_rejected, rows_duplicate,
                            first_ts_ms, last_ts_ms, first_date, last_date, imported_at)
SELECT f.id, f.name, f.path, f.size, f.content_hash, f.format, f.kind, f.encoding, f.compression,
       f.time_zone, f.mapping, f.ip_policy, f.rows_imported, f.rows_rejected, f.rows_duplicate,
       f.first_ts_ms, f.last_ts_ms, d.first_date, d.last_date, f.imported_at
FROM source_file f
LEFT JOIN (SELECT file_id, min(date) AS first_date, max(date) AS last_date
           FROM (SELECT file_id, date FROM ad_stat UNION ALL SELECT file_id, date FROM ad_click)
           GROUP BY file_id) d ON d.file_id = f.id;
DROP TABLE source_file;
ALTER TABLE source_file_v4 RENAME TO source_file;
CREATE INDEX source_file_by_hash ON source_file (content_hash);

-- Dates are YYYY-MM-DD in the property's time zone. Dimensions a report lacks are ''.
CREATE TABLE reported_session (
    id               INTEGER PRIMARY KEY,
    file_id          INTEGER NOT NULL REFERENCES source_file (id) ON DELETE CASCADE,
    platform         TEXT NOT NULL,
    first_date       TEXT NOT NULL,
    last_date        TEXT NOT NULL,
    campaign         TEXT NOT NULL,
    source           TEXT NOT NULL,
    medium           TEXT NOT NULL,
    channel          TEXT NOT NULL,
    sessions         INTEGER NOT NULL,
    engaged_sessions INTEGER,
    key_events       REAL,
    users            INTEGER
);
CREATE INDEX reported_session_by_file ON reported_session (file_id);
