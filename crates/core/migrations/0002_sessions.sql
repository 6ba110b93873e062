-- Sessions, stored per rule set. A run is one sessionization: the rule set (JSON) and its hash,
-- the imports it was computed from, and its totals. Re-running the same rule set on the same
-- imports reuses the run; a changed toggle or a new import computes a new one.

CREATE TABLE session_run (
    id           INTEGER PRIMARY KEY,
    rule_hash    TEXT NOT NULL UNIQUE,
    rules        TEXT NOT NULL,
    -- Which imports the sessions were computed from (see store/sessions.rs: data_stamp).
    data_stamp   TEXT NOT NULL,
    totals       TEXT NOT NULL,
    computed_at  TEXT NOT NULL
);

-- How sessions are attributed and what device they ran on, each distinct value once.
CREATE TABLE session_traffic (
    id             INTEGER PRIMARY KEY,
    source         TEXT NOT NULL,
    medium         TEXT NOT NULL,
    campaign       TEXT NOT NULL,
    term           TEXT NOT NULL,
    content        TEXT NOT NULL,
    click_id_param TEXT NOT NULL,
    click_id       TEXT NOT NULL,
    channel        TEXT NOT NULL,
    UNIQUE (source, medium, campaign, term, content, click_id_param, click_id, channel)
);

CREATE TABLE session_device (
    id      INTEGER PRIMARY KEY,
    device  TEXT NOT NULL,
    browser TEXT NOT NULL,
    os      TEXT NOT NULL,
    UNIQUE (device, browser, os)
);

-- One counted session. start_reason: first-hit, timeout, midnight, campaign-change,
-- referrer-change, max-length, max-hits, burst, user-change, hour.
CREATE TABLE session (
    run_id           INTEGER NOT NULL REFERENCES session_run (id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL,
    visitor          TEXT NOT NULL,
    visitor_session  INTEGER NOT NULL,
    is_new           INTEGER NOT NULL,
    start_ms         INTEGER NOT NULL,
    end_ms           INTEGER NOT NULL,
    duration_ms      INTEGER NOT NULL,
    hits             INTEGER NOT NULL,
    interaction_hits INTEGER NOT NULL,
    pageviews        INTEGER NOT NULL,
    landing_url_id   INTEGER,
    exit_url_id      INTEGER,
    bounce           INTEGER NOT NULL,
    engaged          INTEGER NOT NULL,
    traffic_id       INTEGER NOT NULL REFERENCES session_traffic (id),
    device_id        INTEGER NOT NULL REFERENCES session_device (id),
    start_reason     TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- Hits the run's bot filter dropped, so they can be listed.
CREATE TABLE session_bot_hit (
    run_id        INTEGER NOT NULL REFERENCES session_run (id) ON DELETE CASCADE,
    ts_ms         INTEGER NOT NULL,
    url_id        INTEGER,
    user_agent_id INTEGER,
    ip_id         INTEGER
);
CREATE INDEX session_bot_hit_by_run ON session_bot_hit (run_id);
