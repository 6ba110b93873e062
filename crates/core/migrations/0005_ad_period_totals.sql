-- Ad reports downloaded without a day column hold totals over the report's period: an ad_stat
-- row covers the days date .. last_date (the ad account's calendar). Rows from before this
-- migration are daily, so an empty last_date means the row's own date.
ALTER TABLE ad_stat ADD COLUMN last_date TEXT;
