-- Settings the user edits for reports.
--
-- campaign_mapping: ad-platform campaign names that do not match any utm_campaign after
-- normalisation (case, whitespace, separators), each with the utm_campaign value(s) that stand
-- for it. platform '' applies to a campaign of that name on any platform.
CREATE TABLE campaign_mapping (
    platform     TEXT NOT NULL,
    ad_campaign  TEXT NOT NULL,
    utm_campaign TEXT NOT NULL,
    PRIMARY KEY (platform, ad_campaign, utm_campaign)
) WITHOUT ROWID;

-- What counts as a conversion (key event): an event name, or a page pattern ('*' matches any
-- run of characters; matched against the URL path, or the whole URL when it holds '://').
CREATE TABLE conversion_goal (
    kind    TEXT NOT NULL CHECK (kind IN ('event', 'page')),
    pattern TEXT NOT NULL,
    PRIMARY KEY (kind, pattern)
) WITHOUT ROWID;
