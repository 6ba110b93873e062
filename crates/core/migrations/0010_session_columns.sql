-- Stored sessions without a row per distinct click id or per bot hit. A session's click id is
-- its entrance campaign's (`campaign_id` into the `campaign` dictionary, 0 for none), so
-- `session_traffic` keeps only the distinct attributions; the hits a run's bot filter dropped
-- are chunks of columns like the sessions (`session_bot_chunk`). Stored sessions are computed
-- from the hits and a rule set, so the runs stored before are dropped here and computed again
-- when next asked for.
DELETE FROM session_run;
DROP TABLE session_chunk;
DROP TABLE session_bot_hit;
DROP TABLE session_traffic;
CREATE TABLE session_traffic (
    id       INTEGER PRIMARY KEY,
    source   TEXT NOT NULL,
    medium   TEXT NOT NULL,
    campaign TEXT NOT NULL,
    term     TEXT NOT NULL,
    content  TEXT NOT NULL,
    channel  TEXT NOT NULL,
    UNIQUE (source, medium, campaign, term, content, channel)
);
CREATE TABLE session_chunk (
    run_id           INTEGER NOT NULL REFERENCES session_run (id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL,
    rows             INTEGER NOT NULL,
    visitor          BLOB NOT NULL,
    visitor_session  BLOB NOT NULL,
    is_new           BLOB NOT NULL,
    start_ms         BLOB NOT NULL,
    end_ms           BLOB NOT NULL,
    duration_ms      BLOB NOT NULL,
    hits             BLOB NOT NULL,
    interaction_hits BLOB NOT NULL,
    pageviews        BLOB NOT NULL,
    landing_url_id   BLOB NOT NULL,
    exit_url_id      BLOB NOT NULL,
    bounce           BLOB NOT NULL,
    engaged          BLOB NOT NULL,
    traffic_id       BLOB NOT NULL,
    campaign_id      BLOB NOT NULL,
    device_id        BLOB NOT NULL,
    start_reason     BLOB NOT NULL,
    PRIMARY KEY (run_id, seq)
);
-- Per run, chunks of the dropped hits in time order: time and the ids of their url, user agent
-- and IP address (0 for none), each column a blob like a session column.
CREATE TABLE session_bot_chunk (
    run_id        INTEGER NOT NULL REFERENCES session_run (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    rows          INTEGER NOT NULL,
    ts_ms         BLOB NOT NULL,
    url_id        BLOB NOT NULL,
    user_agent_id BLOB NOT NULL,
    ip_id         BLOB NOT NULL,
    PRIMARY KEY (run_id, seq)
);
