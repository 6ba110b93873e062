-- Stored sessions in columnar chunks like hits: per run, chunks of up to 32,768 sessions in the
-- engine's order (seq from 0), `visitor` a blob of strings and every other column a blob of
-- integers (src/store/sessions.rs names them, src/store/chunk.rs says how they are encoded).
-- Stored sessions are computed from the hits and a rule set, so the runs stored before are
-- dropped here and computed again when next asked for.
DELETE FROM session_bot_hit;
DELETE FROM session_run;
DROP TABLE session;
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
    device_id        BLOB NOT NULL,
    start_reason     BLOB NOT NULL,
    PRIMARY KEY (run_id, seq)
);
