-- The first schema of a .sessionlens project.
-- Hits are narrow: integer UTC milliseconds and ids into dictionary tables.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE source_file (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    path           TEXT NOT NULL,
    size           INTEGER NOT NULL,
    content_hash   TEXT NOT NULL,
    format         TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('traffic', 'ads')),
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
    imported_at    TEXT NOT NULL
);
CREATE INDEX source_file_by_hash ON source_file (content_hash);

CREATE TABLE reject (
    id      INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES source_file (id) ON DELETE CASCADE,
    line    INTEGER NOT NULL,
    raw     TEXT NOT NULL,
    reason  TEXT NOT NULL
);
CREATE INDEX reject_by_file ON reject (file_id);

-- Dictionaries: each distinct string once. The importer keeps them unique (it holds every
-- value in memory during an import, inside the import's write transaction), so the tables
-- carry no UNIQUE index: a bulk import appends to them without maintaining one.
CREATE TABLE url            (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE referrer       (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE user_agent     (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE client         (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE app_user       (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE source_session (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE event_name     (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE ip_address     (id INTEGER PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE campaign (
    id             INTEGER PRIMARY KEY,
    source         TEXT NOT NULL,
    medium         TEXT NOT NULL,
    name           TEXT NOT NULL,
    term           TEXT NOT NULL,
    content        TEXT NOT NULL,
    click_id_param TEXT NOT NULL,
    click_id       TEXT NOT NULL
);

-- hit_type: 0 page view, 1 event, 2 asset. Nullable ids mean "absent".
CREATE TABLE hit (
    file_id        INTEGER NOT NULL,
    ts_ms          INTEGER NOT NULL,
    hit_type       INTEGER NOT NULL,
    interaction    INTEGER NOT NULL,
    event_name_id  INTEGER NOT NULL,
    client_id      INTEGER,
    user_id        INTEGER,
    source_session_id INTEGER,
    url_id         INTEGER NOT NULL,
    referrer_id    INTEGER,
    user_agent_id  INTEGER,
    ip_id          INTEGER,
    campaign_id    INTEGER
);

CREATE TABLE ad_stat (
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL REFERENCES source_file (id) ON DELETE CASCADE,
    platform    TEXT NOT NULL,
    account     TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    campaign    TEXT NOT NULL,
    ad_group    TEXT NOT NULL,
    date        TEXT NOT NULL,
    device      TEXT NOT NULL,
    impressions INTEGER NOT NULL,
    clicks      INTEGER NOT NULL,
    cost_micros INTEGER NOT NULL,
    currency    TEXT NOT NULL
);
CREATE INDEX ad_stat_by_file ON ad_stat (file_id);

CREATE TABLE ad_click (
    id             INTEGER PRIMARY KEY,
    file_id        INTEGER NOT NULL REFERENCES source_file (id) ON DELETE CASCADE,
    platform       TEXT NOT NULL,
    account        TEXT NOT NULL,
    campaign_id    TEXT NOT NULL,
    campaign       TEXT NOT NULL,
    ad_group       TEXT NOT NULL,
    date           TEXT NOT NULL,
    ts_ms          INTEGER,
    device         TEXT NOT NULL,
    click_id_param TEXT NOT NULL,
    click_id       TEXT NOT NULL,
    clicks         INTEGER NOT NULL
);
CREATE INDEX ad_click_by_file ON ad_click (file_id);
