//! Exports of rows a project stores: the sessions of a rule set, the hits its bot filter
//! dropped, and the rows no importer could read. Times are ISO 8601 with the offset of the rule
//! set's time zone (`2024-03-01T10:07:00+01:00`).
//!
//! Sessions ([`SESSION_COLUMNS`]), one row per session in start order: `visitor`,
//! `visitor_session_number`, `new_visitor`, `start`, `end`, `duration_s`, `hits`,
//! `interaction_hits`, `pageviews`, `landing_page`, `exit_page`, `bounce`, `engaged`, `source`,
//! `medium`, `campaign`, `term`, `content`, `click_id_param`, `click_id`, `channel`, `device`,
//! `browser`, `os`, `start_reason`, `rule_set`.
//!
//! Bot hits ([`BOT_HIT_COLUMNS`]): `time`, `url`, `user_agent`, `ip`.
//!
//! Rejects ([`REJECT_COLUMNS`]): `file`, `line`, `reason`, `raw`.

use std::io::Write;

use super::{iso_time, Column, CsvExport};
use crate::error::Result;
use crate::store::{Project, SessionRun, StoredReject};

const fn col(name: &'static str, meaning: &'static str) -> Column {
    Column { name, meaning }
}

pub const SESSION_COLUMNS: [Column; 26] = [
    col("visitor", "the visitor's id under the rule set's identity (client id, user id, IP, ...)"),
    col("visitor_session_number", "1 for the visitor's first session in the data, 2 for the next, ..."),
    col("new_visitor", "true for the visitor's first session"),
    col("start", "first hit, ISO 8601 with the view time zone's offset"),
    col("end", "last hit, ISO 8601 with the view time zone's offset"),
    col("duration_s", "seconds, under the rule set's duration definition"),
    col("hits", "hits in the session"),
    col("interaction_hits", "hits that count as interactions"),
    col("pageviews", "page views"),
    col("landing_page", "URL of the first page"),
    col("exit_page", "URL of the last page"),
    col("bounce", "true when the session is a bounce under the rule set's definition"),
    col("engaged", "true when the session is engaged"),
    col("source", "traffic source (google, newsletter, (direct))"),
    col("medium", "traffic medium (cpc, organic, email, (none))"),
    col("campaign", "campaign name (utm_campaign)"),
    col("term", "utm_term"),
    col("content", "utm_content"),
    col("click_id_param", "the ad click id's parameter (gclid, msclkid, fbclid, ...)"),
    col("click_id", "the ad click id"),
    col("channel", "default channel group (Paid Search, Organic Search, Direct, ...)"),
    col("device", "desktop, mobile, tablet, bot or other"),
    col("browser", "browser name"),
    col("os", "operating system"),
    col("start_reason", "why the session started (first hit, timeout, midnight, campaign change, ...)"),
    col("rule_set", "the rule set's content hash"),
];

pub const BOT_HIT_COLUMNS: [Column; 4] = [
    col("time", "ISO 8601 with the view time zone's offset"),
    col("url", "the page requested"),
    col("user_agent", "the user agent that matched the bot list"),
    col("ip", "the client address as stored (truncated if the import truncated it)"),
];

pub const REJECT_COLUMNS: [Column; 4] = [
    col("file", "the imported file's name"),
    col("line", "1-based line number in that file"),
    col("reason", "why the row could not be imported"),
    col("raw", "the row as it was read"),
];

fn flag(b: bool) -> String {
    b.to_string()
}

/// Every session of `run` (stored in `project`), in start order; returns the row count.
pub fn write_sessions<W: Write>(csv: &mut CsvExport<W>, project: &Project, run: &SessionRun) -> Result<u64> {
    let tz = run.rules.tz()?;
    csv.header(&SESSION_COLUMNS)?;
    let mut rows = 0u64;
    project.for_each_session(run.id, |s| {
        let (t, d) = (&s.traffic, &s.device);
        csv.record(&[
            s.visitor.clone(),
            s.visitor_session_number.to_string(),
            flag(s.is_new),
            iso_time(s.start_ms, tz),
            iso_time(s.end_ms, tz),
            format!("{:.3}", s.duration_ms as f64 / 1000.0),
            s.hits.to_string(),
            s.interaction_hits.to_string(),
            s.pageviews.to_string(),
            s.landing_page.clone(),
            s.exit_page.clone(),
            flag(s.bounce),
            flag(s.engaged),
            t.source.clone(),
            t.medium.clone(),
            t.campaign.clone(),
            t.term.clone(),
            t.content.clone(),
            s.click_id_param.clone(),
            s.click_id.clone(),
            t.channel.clone(),
            d.device.clone(),
            d.browser.clone(),
            d.os.clone(),
            s.start_reason.as_str().to_string(),
            run.rule_hash.clone(),
        ])?;
        rows += 1;
        Ok(())
    })?;
    Ok(rows)
}

/// The hits `run`'s bot filter dropped, in time order; returns the row count.
pub fn write_bot_hits<W: Write>(csv: &mut CsvExport<W>, project: &Project, run: &SessionRun) -> Result<u64> {
    let tz = run.rules.tz()?;
    csv.header(&BOT_HIT_COLUMNS)?;
    let hits = project.bot_hits(run.id)?;
    for hit in &hits {
        csv.record(&[iso_time(hit.ts_ms, tz), hit.url.clone(), hit.user_agent.clone(), hit.ip.clone()])?;
    }
    Ok(hits.len() as u64)
}

/// Rejected rows (from [`Project::rejects`]); returns the row count.
pub fn write_rejects<W: Write>(csv: &mut CsvExport<W>, rejects: &[StoredReject]) -> Result<u64> {
    csv.header(&REJECT_COLUMNS)?;
    for r in rejects {
        csv.record(&[r.file.clone(), r.line.to_string(), r.reason.clone(), r.raw.clone()])?;
    }
    Ok(rejects.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_is_named_in_the_module_doc() {
        let doc: String = include_str!("stored.rs").lines().take_while(|l| l.starts_with("//!")).collect();
        for c in SESSION_COLUMNS.iter().chain(&BOT_HIT_COLUMNS).chain(&REJECT_COLUMNS) {
            assert!(doc.contains(&format!("`{}`", c.name)), "{} is not documented", c.name);
        }
    }

    #[test]
    fn rejects_round_trip_and_hostile_raw_rows_stay_text() {
        let rejects = vec![
            StoredReject { file: "a.csv".into(), line: 7, raw: "=HYPERLINK(\"x\"),1".into(), reason: "bad".into() },
            StoredReject { file: "b,c.csv".into(), line: 12, raw: "ok \"quoted\"".into(), reason: "-1 day".into() },
        ];
        let mut csv = CsvExport::new(Vec::new(), false).unwrap();
        assert_eq!(write_rejects(&mut csv, &rejects).unwrap(), 2);
        let bytes = csv.finish().unwrap();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(reader.headers().unwrap(), vec!["file", "line", "reason", "raw"]);
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows[0], vec!["a.csv", "7", "bad", "'=HYPERLINK(\"x\"),1"]);
        assert_eq!(rows[1], vec!["b,c.csv", "12", "'-1 day", "ok \"quoted\""]);
    }
}
