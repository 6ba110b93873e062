//! A look at a file before it is imported: the format [`detect`] finds (or the one the user
//! forced), the first rows exactly as that format's own reader turns them into hits, ad rows or
//! reported sessions, the first rejects with their reasons, and for column-mapped formats the
//! file's header and the column each field was taken from, and the days and sites those rows
//! cover (to check the file against its project with [`fit::warnings`](super::fit::warnings)).
//! Reading stops as soon as enough rows are seen, so a
//! preview of a large file costs about as much as one of a small file.
//!
//! Nothing is written anywhere: the rows go to an in-memory sink.

use std::path::Path;

use chrono_tz::Tz;

use super::fit::Coverage;
use super::mapping::Field;
use super::{
    detect, read_file, Detected, ImportOptions, MemorySink, OwnedAdClick, OwnedAdStat, OwnedHit, Reject, Sink,
};
use crate::error::{Error, Result};
use crate::model::{AdClickRow, AdStatRow, HitRow, ReportedSessionsRow};
use crate::store::reports::ReportedSessions;
use crate::time::DateOrder;

/// What a file would import as, from its first rows.
#[derive(Debug)]
pub struct Preview {
    pub detected: Detected,
    /// The file's header row, for formats whose columns are assigned by a mapping (CSV/TSV
    /// traffic); empty for formats with fixed columns.
    pub headers: Vec<String>,
    /// The column each field was read from (the user's mapping, then header synonyms).
    pub columns: Vec<(Field, String)>,
    /// Up to `rows` rows as the format reads them; only the kind the format produces is filled.
    pub hits: Vec<OwnedHit>,
    pub ad_stats: Vec<OwnedAdStat>,
    pub ad_clicks: Vec<OwnedAdClick>,
    pub reported: Vec<ReportedSessions>,
    /// Up to `rows` rows the format could not use among the first ones read.
    pub rejects: Vec<Reject>,
    /// The days and sites of the rows read (of the whole file only when [`Preview::complete`]).
    pub coverage: Coverage,
    /// The time zone the file itself states (an ad account's), which wins over the user's.
    pub file_time_zone: Option<Tz>,
    /// The previewed rows read differently day-first and month-first: the file has dates like
    /// 03/04/2024 and the user may want to say which order they are in.
    pub date_order_matters: bool,
    /// The file ended within the preview: these are all its rows.
    pub complete: bool,
    /// Why the format could not read the file as a whole (no timestamp column, say), with
    /// everything found before that (the header, for one); `None` when the rows read.
    pub problem: Option<Error>,
}

/// Preview `path` under `options`, reading until `rows` rows (or `rows` rejects) are seen.
/// Fails only when no format fits the file (or it cannot be opened); a file the chosen format
/// refuses as a whole gives a preview with [`Preview::problem`] set.
pub fn preview(path: &Path, options: &ImportOptions, rows: usize) -> Result<Preview> {
    let (format, detected) = detect(path, options)?;
    let first = read_rows(path, format, options, rows)?;
    let date_order_matters = first.problem.is_none() && {
        let as_order = |order| {
            let forced = ImportOptions { date_order: Some(order), ..options.clone() };
            read_rows(path, format, &forced, rows).map(|p| p.rows)
        };
        !same_rows(&as_order(DateOrder::DayFirst)?, &as_order(DateOrder::MonthFirst)?)
    };
    let PartialRead { rows: sink, headers, complete, problem } = first;
    Ok(Preview {
        detected,
        coverage: Coverage::of_rows(&sink.hits, &sink.ad_stats, &sink.ad_clicks),
        headers,
        columns: sink.columns,
        hits: sink.hits,
        ad_stats: sink.ad_stats,
        ad_clicks: sink.ad_clicks,
        reported: sink.reported,
        rejects: sink.rejects,
        file_time_zone: sink.time_zone,
        date_order_matters,
        complete,
        problem,
    })
}

struct PartialRead {
    rows: MemorySink,
    headers: Vec<String>,
    complete: bool,
    problem: Option<Error>,
}

/// Run the format until `limit` rows or rejects are collected.
fn read_rows(path: &Path, format: &dyn super::Format, options: &ImportOptions, limit: usize) -> Result<PartialRead> {
    let mut sink = LimitedSink { rows: MemorySink::default(), headers: Vec::new(), limit, full: false };
    let outcome = read_file(path, format, options, &mut sink);
    let stopped_here = sink.full;
    let LimitedSink { rows, headers, .. } = sink;
    match outcome {
        Ok(()) => Ok(PartialRead { rows, headers, complete: true, problem: None }),
        Err(Error::Cancelled) if stopped_here => Ok(PartialRead { rows, headers, complete: false, problem: None }),
        // The file could not be opened at all: nothing to show.
        Err(e @ Error::Io { .. }) => Err(e),
        Err(e) => Ok(PartialRead { rows, headers, complete: false, problem: Some(e) }),
    }
}

/// Keeps rows until `limit` of them (or of rejects) are in, then stops the reader by failing
/// the next write with [`Error::Cancelled`] (which [`read_rows`] recognises by `full`).
struct LimitedSink {
    rows: MemorySink,
    headers: Vec<String>,
    limit: usize,
    full: bool,
}

impl LimitedSink {
    fn room(&mut self) -> Result<()> {
        let rows = &self.rows;
        let kept = rows.hits.len() + rows.ad_stats.len() + rows.ad_clicks.len() + rows.reported.len();
        if kept >= self.limit || self.rows.rejects.len() >= self.limit {
            self.full = true;
            return Err(Error::Cancelled);
        }
        Ok(())
    }
}

impl Sink for LimitedSink {
    fn hit(&mut self, row: &HitRow<'_>) -> Result<()> {
        self.room()?;
        self.rows.hit(row)
    }

    fn ad_stat(&mut self, row: &AdStatRow<'_>) -> Result<()> {
        self.room()?;
        self.rows.ad_stat(row)
    }

    fn ad_click(&mut self, row: &AdClickRow<'_>) -> Result<()> {
        self.room()?;
        self.rows.ad_click(row)
    }

    fn reported_sessions(&mut self, row: &ReportedSessionsRow<'_>) -> Result<()> {
        self.room()?;
        self.rows.reported_sessions(row)
    }

    fn reject(&mut self, line: u64, raw: &str, reason: &str) -> Result<()> {
        self.room()?;
        self.rows.reject(line, raw, reason)
    }

    fn file_time_zone(&mut self, tz: Tz) -> Result<()> {
        self.rows.file_time_zone(tz)
    }

    fn columns(&mut self, mapping: &[(Field, String)]) -> Result<()> {
        self.rows.columns(mapping)
    }

    fn headers(&mut self, names: &[&str]) -> Result<()> {
        self.headers = names.iter().map(|n| n.to_string()).collect();
        Ok(())
    }
}

/// Did two readings of the same rows (under different date orders) give the same result?
fn same_rows(a: &MemorySink, b: &MemorySink) -> bool {
    a.hits == b.hits
        && a.ad_stats == b.ad_stats
        && a.ad_clicks == b.ad_clicks
        && a.reported == b.reported
        && a.rejects == b.rejects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Mapping;
    use crate::model::Kind;

    const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");
    const OWN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn an_access_log_previews_its_first_hits_only() {
        let path = Path::new(SHARED).join("access-logs/basjes-hackers-access.log");
        let p = preview(&path, &ImportOptions::default(), 10).unwrap();
        assert_eq!((p.detected.kind, p.hits.len(), p.complete), (Kind::Traffic, 10, false));
        assert!(p.problem.is_none() && p.headers.is_empty() && p.columns.is_empty());
        let first = &p.hits[0];
        // 25/Oct/2015:04:11:25 +0100
        assert_eq!(first.ts_ms, 1_445_742_685_000);
        assert!(first.url.ends_with("/linux/doing-pxe-without-dhcp-control"), "{}", first.url);
        assert_eq!(first.referrer, "http://howto.basjes.nl/");
        assert!(!p.date_order_matters, "log timestamps name their month");
        let oct_25 = chrono::NaiveDate::from_ymd_opt(2015, 10, 25).unwrap();
        assert_eq!(p.coverage.days, Some((oct_25, oct_25)));
    }

    #[test]
    fn a_csv_export_previews_with_its_header_and_mapping() {
        let path = Path::new(OWN).join("projects/v1-hits.csv");
        let p = preview(&path, &ImportOptions::default(), 3).unwrap();
        assert_eq!(p.detected.format, "csv");
        assert_eq!(p.headers, ["timestamp", "client_id", "user_id", "url", "referrer", "user_agent", "ip", "event"]);
        assert!(p.columns.contains(&(Field::ClientId, "client_id".into())), "{:?}", p.columns);
        assert_eq!(p.hits.len(), 3);
        assert_eq!((p.hits[0].ts_ms, p.hits[0].client_id.as_str()), (1_709_287_200_000, "1443685882.1682380031"));
        assert_eq!(p.hits[0].referrer, "https://www.google.com/");
    }

    #[test]
    fn a_users_mapping_changes_what_the_preview_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "hits.csv", "timestamp,visitor,account,url\n2024-03-01T10:00:00Z,v1,u1,/a\n");
        let sniffed = preview(&path, &ImportOptions::default(), 10).unwrap();
        assert_eq!(sniffed.hits[0].client_id, "v1");
        let options = ImportOptions { mapping: Mapping::parse(["client_id=account"]).unwrap(), ..Default::default() };
        let mapped = preview(&path, &options, 10).unwrap();
        assert_eq!(mapped.hits[0].client_id, "u1");
        assert!(mapped.columns.contains(&(Field::ClientId, "account".into())));
        assert!(mapped.complete);
    }

    #[test]
    fn a_csv_without_a_timestamp_column_still_shows_its_header_to_map() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "hits.csv", "when,visitor,page\n2024-03-01 10:00,v1,/a\n");
        let err = preview(&path, &ImportOptions::default(), 10).unwrap_err();
        assert_eq!(err.code(), "unreadable_file");
        let forced = ImportOptions { format: Some("csv".into()), ..Default::default() };
        let p = preview(&path, &forced, 10).unwrap();
        assert_eq!(p.headers, ["when", "visitor", "page"]);
        let problem = p.problem.unwrap();
        assert!(problem.to_string().contains("no timestamp column"), "{problem}");
        let mapped = ImportOptions { mapping: Mapping::parse(["timestamp=when"]).unwrap(), ..forced };
        let p = preview(&path, &mapped, 10).unwrap();
        assert_eq!((p.hits.len(), p.hits[0].ts_ms), (1, 1_709_287_200_000));
    }

    #[test]
    fn ambiguous_dates_are_flagged_and_the_chosen_order_applies() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "hits.csv", "date,client_id,url\n03/04/2024,a,/x\n05/04/2024,b,/y\n");
        let p = preview(&path, &ImportOptions::default(), 10).unwrap();
        assert!(p.date_order_matters);
        // Nothing in the file decides: month first, 4 March.
        assert_eq!(p.hits[0].ts_ms, 1_709_510_400_000);
        let day_first = ImportOptions { date_order: Some(DateOrder::DayFirst), ..Default::default() };
        // 3 April.
        assert_eq!(preview(&path, &day_first, 10).unwrap().hits[0].ts_ms, 1_712_102_400_000);

        let iso = write(&dir, "iso.csv", "date,client_id,url\n2024-04-03,a,/x\n");
        assert!(!preview(&iso, &ImportOptions::default(), 10).unwrap().date_order_matters);
    }

    #[test]
    fn the_time_zone_applies_to_naive_timestamps() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "hits.csv", "timestamp,client_id,url\n2024-03-01 11:00:00,a,/x\n");
        let berlin = ImportOptions { time_zone: Some(chrono_tz::Europe::Berlin), ..Default::default() };
        assert_eq!(preview(&path, &berlin, 10).unwrap().hits[0].ts_ms, 1_709_287_200_000);
    }

    #[test]
    fn ad_exports_preview_their_rows_and_stated_time_zone() {
        let path = Path::new(SHARED).join("ad-exports/google_ads_campaign_stats.csv");
        let p = preview(&path, &ImportOptions::default(), 5).unwrap();
        assert_eq!((p.detected.kind, p.ad_stats.len()), (Kind::Ads, 5));
        let first = &p.ad_stats[0];
        assert_eq!(first.date, chrono::NaiveDate::from_ymd_opt(2021, 2, 1).unwrap());
        assert_eq!((first.clicks, first.impressions, first.cost_micros), (49, 166, 36_150_000));

        let stated = Path::new(OWN).join("ads/microsoft_ads_campaign_report.csv");
        let p = preview(&stated, &ImportOptions::default(), 5).unwrap();
        assert!(!p.ad_stats.is_empty());
        assert!(p.file_time_zone.is_some(), "the report states its account's zone");
    }

    #[test]
    fn rejects_stop_the_preview_too_and_carry_their_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let bad: String = (0..50).map(|i| format!("not a time {i},a,/x\n")).collect();
        let path = write(&dir, "hits.csv", &format!("timestamp,client_id,url\n2024-03-01T10:00:00Z,a,/x\n{bad}"));
        let p = preview(&path, &ImportOptions::default(), 5).unwrap();
        assert_eq!((p.hits.len(), p.rejects.len(), p.complete), (1, 5, false));
        assert_eq!(p.rejects[0].line, 3);
        assert!(p.rejects[0].reason.contains("not a date"), "{}", p.rejects[0].reason);
    }

    #[test]
    fn unreadable_and_unknown_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = preview(&dir.path().join("missing.csv"), &ImportOptions::default(), 10).unwrap_err();
        assert_eq!(missing.code(), "io");
        let poem = write(&dir, "poem.txt", "roses are red\nviolets are blue\n");
        assert_eq!(preview(&poem, &ImportOptions::default(), 10).unwrap_err().code(), "unreadable_file");
        let unknown = ImportOptions { format: Some("nope".into()), ..Default::default() };
        assert_eq!(preview(&poem, &unknown, 10).unwrap_err().code(), "invalid_input");
    }
}
