//! Read-only questions about a project: what files it holds, their counts and date ranges,
//! the days and sites its data covers, and the rejected rows.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use super::Project;
use crate::error::Result;
use crate::import::fit::Coverage;

/// One imported file, as recorded.
#[derive(Clone, Debug, Serialize)]
pub struct FileInfo {
    pub id: i64,
    pub name: String,
    pub path: String,
    pub size: i64,
    pub format: String,
    pub kind: String,
    pub encoding: String,
    pub time_zone: Option<String>,
    pub rows_imported: i64,
    pub rows_rejected: i64,
    pub rows_duplicate: i64,
    /// First and last hit (traffic files), UTC ms.
    pub first_ts_ms: Option<i64>,
    pub last_ts_ms: Option<i64>,
    /// First and last day of the rows (ad and report files), `YYYY-MM-DD`.
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub imported_at: String,
}

/// What a project holds.
#[derive(Clone, Debug, Serialize)]
pub struct ProjectInfo {
    pub schema_version: i64,
    pub files: Vec<FileInfo>,
    pub hits: i64,
    pub ad_stat_rows: i64,
    pub ad_click_rows: i64,
    pub ad_clicks: i64,
    pub rejects: i64,
    /// First and last hit, UTC ms.
    pub first_hit_ms: Option<i64>,
    pub last_hit_ms: Option<i64>,
    /// First and last ad day (account time zone), `YYYY-MM-DD`.
    pub first_ad_date: Option<String>,
    pub last_ad_date: Option<String>,
    /// Rows of imported analytics reports and the sessions they add up to.
    pub reported_session_rows: i64,
    pub reported_sessions: i64,
    /// First and last day the reports cover, `YYYY-MM-DD`.
    pub first_report_date: Option<String>,
    pub last_report_date: Option<String>,
    /// Every time zone stated for an imported file.
    pub time_zones: Vec<String>,
}

/// A rejected row with the file it came from.
#[derive(Clone, Debug, Serialize)]
pub struct StoredReject {
    pub file: String,
    pub line: i64,
    pub raw: String,
    pub reason: String,
}

impl Project {
    pub fn info(&self) -> Result<ProjectInfo> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, name, path, size, format, kind, encoding, time_zone, rows_imported, rows_rejected,
                    rows_duplicate, first_ts_ms, last_ts_ms, first_date, last_date, imported_at
             FROM source_file ORDER BY id",
        )?;
        let files = stmt
            .query_map([], |r| {
                Ok(FileInfo {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    path: r.get(2)?,
                    size: r.get(3)?,
                    format: r.get(4)?,
                    kind: r.get(5)?,
                    encoding: r.get(6)?,
                    time_zone: r.get(7)?,
                    rows_imported: r.get(8)?,
                    rows_rejected: r.get(9)?,
                    rows_duplicate: r.get(10)?,
                    first_ts_ms: r.get(11)?,
                    last_ts_ms: r.get(12)?,
                    first_date: r.get(13)?,
                    last_date: r.get(14)?,
                    imported_at: r.get(15)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
        let hits = files.iter().filter(|f| f.kind == "traffic").map(|f| f.rows_imported).sum();
        let (first_hit_ms, last_hit_ms) =
            (files.iter().filter_map(|f| f.first_ts_ms).min(), files.iter().filter_map(|f| f.last_ts_ms).max());
        let (first_ad_date, last_ad_date) = ad_days(conn)?;
        let (reported_session_rows, reported_sessions, first_report_date, last_report_date) = conn.query_row(
            "SELECT count(*), coalesce(sum(sessions), 0), min(first_date), max(last_date) FROM reported_session",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let mut time_zones: Vec<String> = files.iter().filter_map(|f| f.time_zone.clone()).collect();
        time_zones.sort();
        time_zones.dedup();
        Ok(ProjectInfo {
            schema_version: self.schema_version()?,
            hits,
            ad_stat_rows: count("SELECT count(*) FROM ad_stat")?,
            ad_click_rows: count("SELECT count(*) FROM ad_click")?,
            ad_clicks: count("SELECT coalesce(sum(clicks), 0) FROM ad_stat")?,
            rejects: count("SELECT count(*) FROM reject")?,
            files,
            first_hit_ms,
            last_hit_ms,
            first_ad_date,
            last_ad_date,
            reported_session_rows,
            reported_sessions,
            first_report_date,
            last_report_date,
            time_zones,
        })
    }

    /// The days the project's hits (UTC) and ad rows (the account's days) cover, and the hosts
    /// of its page URLs: what a file about to be imported is checked against.
    pub fn coverage(&self) -> Result<Coverage> {
        let conn = self.conn();
        let (first_hit_ms, last_hit_ms): (Option<i64>, Option<i64>) = conn.query_row(
            "SELECT min(first_ts_ms), max(last_ts_ms) FROM source_file WHERE kind = 'traffic'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let hit_days = [first_hit_ms, last_hit_ms]
            .into_iter()
            .flatten()
            .filter_map(|ms| chrono::DateTime::from_timestamp_millis(ms).map(|t| t.date_naive()));
        let (first_ad, last_ad) = ad_days(conn)?;
        let ad_days = [first_ad, last_ad].into_iter().flatten().filter_map(|d| d.parse::<NaiveDate>().ok());
        // One URL at a time: a project may hold millions of them.
        let mut stmt = conn.prepare("SELECT value FROM url")?;
        let mut failed = None;
        let urls =
            stmt.query_map([], |r| r.get::<_, String>(0))?.map_while(|url| url.map_err(|e| failed = Some(e)).ok());
        let coverage = Coverage::new(hit_days.chain(ad_days), urls);
        match failed {
            Some(e) => Err(e.into()),
            None => Ok(coverage),
        }
    }

    /// Every rejected row, file by file, in line order.
    pub fn rejects(&self) -> Result<Vec<StoredReject>> {
        let mut stmt = self.conn().prepare(
            "SELECT f.name, r.line, r.raw, r.reason FROM reject r JOIN source_file f ON f.id = r.file_id
             ORDER BY r.file_id, r.line, r.id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(StoredReject { file: r.get(0)?, line: r.get(1)?, raw: r.get(2)?, reason: r.get(3)? })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

/// The first and last ad day (stat or click rows), `YYYY-MM-DD`.
fn ad_days(conn: &Connection) -> Result<(Option<String>, Option<String>)> {
    Ok(conn.query_row(
        "SELECT min(d), max(d) FROM (SELECT date AS d FROM ad_stat UNION ALL SELECT coalesce(last_date, date) FROM ad_stat
                                     UNION ALL SELECT date FROM ad_click)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}
