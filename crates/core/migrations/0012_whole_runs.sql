-- Stored runs that read back whole, so a report on a rule set that ran before need not
-- sessionize again: each session also keeps its visitor (`visitor_id`, a position in the run's
-- `session_visitor_chunk` list) and entrance referrer (`referrer_id`, the `referrer`
-- dictionary's id, 0 for none); each run keeps its visitors (`kind` the position of the
-- variant in src/sessionize/identity.rs's `Visitor`, `a` to `d` its fields in order, 0 where
-- it has fewer) and, per hit in the engine's order, `session`: 0 in no session, 1 dropped as a
-- bot's, else the session's position plus 2. Blobs are encoded as src/store/chunk.rs says.
-- Runs stored before have none of this, so they are dropped here and computed again when next
-- asked for (foreign keys are off while migrating: each table is emptied in turn).
DELETE FROM session_bot_chunk;
DELETE FROM session_run;
DROP TABLE session_chunk;
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
    visitor_id       BLOB NOT NULL,
    referrer_id      BLOB NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE session_visitor_chunk (
    run_id INTEGER NOT NULL REFERENCES session_run (id) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    rows   INTEGER NOT NULL,
    kind   BLOB NOT NULL,
    a      BLOB NOT NULL,
    b      BLOB NOT NULL,
    c      BLOB NOT NULL,
    d      BLOB NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE TABLE session_hit_chunk (
    run_id  INTEGER NOT NULL REFERENCES session_run (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    rows    INTEGER NOT NULL,
    session BLOB NOT NULL,
    PRIMARY KEY (run_id, seq)
);
