-- How the project is looked at, kept with it: it opens as it was left, and an agency can hand
-- one client's rules and mappings on to another client's project.
--
-- setting: small values by key, JSON text. `view` is the analysis view last shown (rules,
-- days, tab), `last_opened` when the app last opened the project (a JSON string).
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Analysis views saved under a name ("GA4 as configured"): rules and days as JSON text, as the
-- app writes them. Names are unique regardless of case.
CREATE TABLE saved_view (
    name     TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    value    TEXT NOT NULL,
    saved_at TEXT NOT NULL
) WITHOUT ROWID;
