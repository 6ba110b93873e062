-- The source's own statement that a hit's session is engaged by then (GA4's `session_engaged`
-- event parameter): 1 or 0, NULL where the source says nothing (every hit imported before).
ALTER TABLE hit ADD COLUMN session_engaged INTEGER;
