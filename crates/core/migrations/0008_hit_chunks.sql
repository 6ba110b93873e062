-- Hits in columnar chunks instead of one row per hit: per imported file, chunks of up to 32,768
-- hits in import order (seq from 0), every column one BLOB (src/store/chunk.rs says how a
-- column is encoded). migrate.rs then moves the rows of `hit` into chunks and drops it.
CREATE TABLE hit_chunk (
    file_id           INTEGER NOT NULL,
    seq               INTEGER NOT NULL,
    rows              INTEGER NOT NULL,
    ts_ms             BLOB NOT NULL,
    hit_type          BLOB NOT NULL,
    interaction       BLOB NOT NULL,
    event_name_id     BLOB NOT NULL,
    client_id         BLOB NOT NULL,
    user_id           BLOB NOT NULL,
    source_session_id BLOB NOT NULL,
    url_id            BLOB NOT NULL,
    referrer_id       BLOB NOT NULL,
    user_agent_id     BLOB NOT NULL,
    ip_id             BLOB NOT NULL,
    campaign_id       BLOB NOT NULL,
    session_engaged   BLOB NOT NULL,
    PRIMARY KEY (file_id, seq)
);
