//! The hits table contract: every hit of a project as the sessionization engine sees it, one
//! row per hit in the engine's canonical order, for the SQL scripts of [`crate::sql`] to
//! sessionize elsewhere (DuckDB, Spark, BigQuery, Snowflake, PostgreSQL).
//!
//! Columns ([`HIT_COLUMNS`]), all text but `ts` and `interaction`: `ts`, `visitor_id`,
//! `user_id`, `source_session_id`, `hit_type`, `event_name`, `interaction`, `url`, `referrer`,
//! `user_agent`, `ip`, `utm_source`, `utm_medium`, `utm_campaign`, `utm_term`, `utm_content`,
//! `click_id_param`, `click_id`.
//!
//! Values are the engine's: campaign tags as the loader filled them from landing URLs, IPs as
//! stored (truncated or hashed if the import did so), an absent value as an empty cell. Unlike
//! the other exports this file is for machines: cells are never prefixed to keep spreadsheets
//! from running them as formulas, so a user agent of `-` stays `-`. Identifiers stay text: read
//! the file with every column as a string (a client id such as `1443685882.1682380031` is not
//! a number) and cast `ts` to a timestamp and `interaction` to a boolean.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::DateTime;

use super::Column;
use crate::error::{Error, Result};
use crate::sessionize::HitTable;

const fn col(name: &'static str, meaning: &'static str) -> Column {
    Column { name, meaning }
}

pub const HIT_COLUMNS: [Column; 18] = [
    col("ts", "UTC time, `YYYY-MM-DD HH:MM:SS.mmm` (no offset: it is UTC)"),
    col("visitor_id", "the source's visitor id (GA client id, user_pseudo_id, Snowplow domain_userid)"),
    col("user_id", "the logged-in user id"),
    col("source_session_id", "the source's own session id (ga_session_id, visitId, domain_sessionid)"),
    col("hit_type", "pageview, event or asset"),
    col("event_name", "event name (page_view for page views when the source has none)"),
    col("interaction", "true when the hit counts as an interaction (GA's non-interaction flag inverted)"),
    col("url", "full URL where known, else a path"),
    col("referrer", "the referring URL"),
    col("user_agent", "the browser's user agent"),
    col("ip", "the client address as stored (truncated or hashed if the import did so)"),
    col("utm_source", "campaign source, tagged or from the landing URL"),
    col("utm_medium", "campaign medium"),
    col("utm_campaign", "campaign name"),
    col("utm_term", "campaign term"),
    col("utm_content", "campaign content"),
    col("click_id_param", "the ad click id's parameter (gclid, msclkid, fbclid, ...)"),
    col("click_id", "the ad click id"),
];

/// `ts` as the contract writes it: UTC with milliseconds, no offset.
fn utc_time(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map_or_else(|| ms.to_string(), |t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
}

/// Writes every hit of `table` to the file at `path`; returns the row count. Errors name `path`.
pub fn save_hits(path: &Path, table: &HitTable) -> Result<u64> {
    let file = File::create(path).map_err(|e| Error::io(path, e))?;
    write_hits(BufWriter::new(file), table).map_err(|e| match e {
        Error::Io { source, .. } => Error::io(path, source),
        other => other,
    })
}

/// Every hit of `table` as CSV in the table's order; returns the row count.
pub fn write_hits<W: Write>(out: W, table: &HitTable) -> Result<u64> {
    let failed = |e: csv::Error| Error::Io { path: "the CSV output".into(), source: std::io::Error::other(e) };
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(HIT_COLUMNS.iter().map(|c| c.name)).map_err(failed)?;
    for i in 0..table.len() {
        let h = table.hit(i);
        let c = h.campaign;
        csv.write_record([
            utc_time(h.ts_ms).as_str(),
            h.client_id,
            h.user_id,
            h.source_session_id,
            h.hit_type.as_str(),
            h.event,
            if h.interaction { "true" } else { "false" },
            h.url,
            h.referrer,
            h.user_agent,
            h.ip,
            &c.source,
            &c.medium,
            &c.name,
            &c.term,
            &c.content,
            &c.click_id_param,
            &c.click_id,
        ])
        .map_err(failed)?;
    }
    csv.flush().map_err(|e| Error::Io { path: "the CSV output".into(), source: e })?;
    Ok(table.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CampaignTags, HitRow, HitType};
    use crate::sessionize::HitTableBuilder;

    #[test]
    fn hits_keep_ids_as_text_and_cells_unprefixed() {
        let mut b = HitTableBuilder::new();
        b.push(&HitRow {
            ts_ms: 1_709_287_620_123,
            hit_type: HitType::Event,
            event: "scroll",
            interaction: false,
            client_id: "1443685882.1682380031",
            url: "https://shop.example/?gclid=x",
            user_agent: "-",
            tags: CampaignTags { click_id_param: "gclid", click_id: "x", ..Default::default() },
            ..Default::default()
        });
        let table = b.finish();
        let mut bytes = Vec::new();
        assert_eq!(write_hits(&mut bytes, &table).unwrap(), 1);
        let text = String::from_utf8(bytes).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        assert_eq!(header.split(',').count(), HIT_COLUMNS.len());
        assert_eq!(
            lines.next().unwrap(),
            "2024-03-01 10:07:00.123,1443685882.1682380031,,,event,scroll,false,https://shop.example/?gclid=x,,-,,,,,,,gclid,x"
        );
    }

    #[test]
    fn every_column_is_named_in_the_module_doc() {
        let doc: String = include_str!("hits.rs").lines().take_while(|l| l.starts_with("//!")).collect();
        for c in &HIT_COLUMNS {
            assert!(doc.contains(&format!("`{}`", c.name)), "{} is not documented", c.name);
        }
    }
}
