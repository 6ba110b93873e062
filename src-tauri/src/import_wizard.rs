//! The import wizard's side of the transfer types: what the UI says about each file before it
//! is imported ([`FileImportOptions`], turned into the core's `ImportOptions`), and what a file
//! would import as ([`ImportPreview`], from `sessionlens_core::import::preview`) with its first
//! rows as a table of text, and warnings when it does not fit the open project
//! (`sessionlens_core::import::fit`).

use std::path::Path;

use serde::{Deserialize, Serialize};
use sessionlens_core::import::fit::{self, Coverage};
use sessionlens_core::import::{self, DateOrder, Field, ImportOptions, IpPolicy, Mapping, Preview};
use ts_rs::TS;

use crate::error::AppError;

/// How many rows the preview shows per file.
pub const PREVIEW_ROWS: usize = 10;

/// What the user chose for one file.
#[derive(Clone, Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileImportOptions {
    pub path: String,
    /// A format id from `supported_formats`; null detects it.
    #[serde(default)]
    pub format: Option<String>,
    /// Column per field for CSV/TSV traffic; a null column keeps a field unmapped. Fields not
    /// listed are found by their usual header names.
    #[serde(default)]
    pub mapping: Vec<ColumnChoice>,
    /// IANA zone of timestamps without an offset and of ad-account dates; null is UTC. A zone
    /// the file states itself wins.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// How to read dates like 03/04/2024; null decides from the data (month first if nothing does).
    #[serde(default)]
    #[ts(type = "\"day-first\" | \"month-first\" | null")]
    pub date_order: Option<DateOrder>,
    #[serde(default)]
    #[ts(type = "\"truncate\" | \"hash\" | \"raw\"")]
    pub ip_policy: IpPolicy,
}

/// One field and the column it is read from (null: not in the file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ColumnChoice {
    /// A field name, e.g. `timestamp`, `client_id`, `utm_source`.
    pub field: String,
    pub column: Option<String>,
}

/// A file as it would import, or why it would not.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    pub path: String,
    pub name: String,
    /// The detected (or chosen) format's id, name and description; null when none fits.
    pub format: Option<String>,
    pub format_name: Option<String>,
    pub description: Option<String>,
    /// `traffic`, `ads` or `report`.
    pub kind: Option<String>,
    pub encoding: Option<String>,
    pub compression: Option<String>,
    /// The first rows as the import reads them (times in UTC).
    pub table: PreviewTable,
    /// Rows among the first ones that would be rejected, with why.
    pub rejects: Vec<PreviewReject>,
    /// The file's header, for formats whose columns can be mapped (else empty).
    pub headers: Vec<String>,
    /// Every field with the column it is read from, for formats whose columns can be mapped.
    pub mapping: Vec<ColumnChoice>,
    /// The zone the file states for its dates (an ad account's), which the import uses.
    pub file_time_zone: Option<String>,
    /// The first rows read differently day-first and month-first.
    pub date_order_matters: bool,
    /// The table holds every row of the file.
    pub complete: bool,
    /// Why the file cannot be imported as it is (unreadable, no format fits, no timestamp column).
    pub error: Option<AppError>,
    /// Why the file may not fit the open project (another site, days far from the project's),
    /// in plain words; it can still be imported.
    pub warnings: Vec<String>,
}

/// Rows of text under column titles.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewTable {
    pub columns: Vec<String>,
    /// Right-aligned (number) columns.
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

/// A row the import would reject.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewReject {
    pub line: u64,
    pub reason: String,
    pub raw: String,
}

impl FileImportOptions {
    /// The core's options for this file (a file is never re-imported unasked: `force` stays off).
    pub fn to_import_options(&self) -> Result<ImportOptions, AppError> {
        let time_zone = match self.time_zone.as_deref().map(str::trim).filter(|z| !z.is_empty()) {
            None => None,
            Some(zone) => Some(zone.parse().map_err(|_| {
                AppError::new(
                    "invalid_input",
                    format!("unknown time zone '{zone}' (expected an IANA name such as Europe/Berlin)"),
                )
            })?),
        };
        let mapping = self
            .mapping
            .iter()
            .map(|c| Ok((c.field.parse::<Field>()?, c.column.clone().unwrap_or_default())))
            .collect::<Result<Vec<_>, sessionlens_core::Error>>()?;
        Ok(ImportOptions {
            format: self.format.clone().filter(|f| !f.is_empty()),
            time_zone,
            mapping: Mapping(mapping),
            date_order: self.date_order,
            ip_policy: self.ip_policy,
            ..ImportOptions::default()
        })
    }
}

/// Preview one file under the user's choices, checked against `project` (what the open project
/// covers) when there is one; every problem lands in the preview's `error`.
pub fn preview_file(file: &FileImportOptions, project: Option<&Coverage>) -> ImportPreview {
    let path = Path::new(&file.path);
    let name = path.file_name().map_or_else(|| file.path.clone(), |n| n.to_string_lossy().into_owned());
    let mut shown = ImportPreview {
        path: file.path.clone(),
        name,
        format: None,
        format_name: None,
        description: None,
        kind: None,
        encoding: None,
        compression: None,
        table: PreviewTable::default(),
        rejects: Vec::new(),
        headers: Vec::new(),
        mapping: Vec::new(),
        file_time_zone: None,
        date_order_matters: false,
        complete: false,
        error: None,
        warnings: Vec::new(),
    };
    let preview = match file.to_import_options().and_then(|o| Ok(import::preview(path, &o, PREVIEW_ROWS)?)) {
        Ok(preview) => preview,
        Err(error) => {
            shown.error = Some(error);
            return shown;
        }
    };
    let d = &preview.detected;
    shown.format = Some(d.format.to_string());
    shown.format_name = Some(import::format_name(d.format).to_string());
    shown.description = Some(d.description.to_string());
    shown.kind = Some(d.kind.as_str().to_string());
    shown.encoding = Some(d.encoding.to_string());
    shown.compression = d.compression.map(str::to_string);
    shown.table = table(&preview);
    shown.rejects = preview
        .rejects
        .iter()
        .map(|r| PreviewReject { line: r.line, reason: r.reason.clone(), raw: r.raw.clone() })
        .collect();
    if !preview.headers.is_empty() {
        shown.mapping = Field::ALL
            .into_iter()
            .map(|field| ColumnChoice {
                field: field.name().to_string(),
                column: preview.columns.iter().find(|(f, _)| *f == field).map(|(_, c)| c.clone()),
            })
            .collect();
    }
    shown.headers = preview.headers;
    shown.file_time_zone = preview.file_time_zone.map(|tz| tz.name().to_string());
    shown.date_order_matters = preview.date_order_matters;
    shown.complete = preview.complete;
    shown.error = preview.problem.map(AppError::from);
    shown.warnings = project.map(|p| fit::warnings(&preview.coverage, preview.complete, p)).unwrap_or_default();
    shown
}

/// The preview's rows under titles, leaving out columns empty in every row.
fn table(p: &Preview) -> PreviewTable {
    let utc = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M:%S").to_string())
    };
    let day = |d: &chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let (titles, rows): (&[(&str, bool)], Vec<Vec<String>>) = if !p.hits.is_empty() {
        (
            &[
                ("Time (UTC)", false),
                ("Event", false),
                ("Client id", false),
                ("User id", false),
                ("Session id", false),
                ("URL", false),
                ("Referrer", false),
                ("Source", false),
                ("Medium", false),
                ("Campaign", false),
                ("Click id", false),
                ("User agent", false),
            ],
            p.hits
                .iter()
                .map(|h| {
                    vec![
                        utc(h.ts_ms),
                        h.event.clone(),
                        h.client_id.clone(),
                        h.user_id.clone(),
                        h.source_session_id.clone(),
                        h.url.clone(),
                        h.referrer.clone(),
                        h.tags[0].clone(),
                        h.tags[1].clone(),
                        h.tags[2].clone(),
                        h.tags[6].clone(),
                        h.user_agent.clone(),
                    ]
                })
                .collect(),
        )
    } else if !p.ad_stats.is_empty() {
        (
            &[
                ("Date", false),
                ("Platform", false),
                ("Account", false),
                ("Campaign", false),
                ("Ad group", false),
                ("Device", false),
                ("Impressions", true),
                ("Clicks", true),
                ("Cost", true),
                ("Currency", false),
            ],
            p.ad_stats
                .iter()
                .map(|s| {
                    vec![
                        day(&s.date),
                        s.platform.clone(),
                        s.account.clone(),
                        if s.campaign.is_empty() { s.campaign_id.clone() } else { s.campaign.clone() },
                        s.ad_group.clone(),
                        s.device.clone(),
                        s.impressions.to_string(),
                        s.clicks.to_string(),
                        sessionlens_core::export::analysis::money(s.cost_micros),
                        s.currency.clone(),
                    ]
                })
                .collect(),
        )
    } else if !p.ad_clicks.is_empty() {
        (
            &[
                ("Date", false),
                ("Time (UTC)", false),
                ("Platform", false),
                ("Campaign", false),
                ("Ad group", false),
                ("Device", false),
                ("Click id", false),
                ("Clicks", true),
            ],
            p.ad_clicks
                .iter()
                .map(|c| {
                    vec![
                        day(&c.date),
                        c.ts_ms.map(utc).unwrap_or_default(),
                        c.platform.clone(),
                        if c.campaign.is_empty() { c.campaign_id.clone() } else { c.campaign.clone() },
                        c.ad_group.clone(),
                        c.device.clone(),
                        c.click_id.clone(),
                        c.clicks.to_string(),
                    ]
                })
                .collect(),
        )
    } else if !p.reported.is_empty() {
        let optional = |n: Option<String>| n.unwrap_or_default();
        (
            &[
                ("First day", false),
                ("Last day", false),
                ("Platform", false),
                ("Campaign", false),
                ("Source", false),
                ("Medium", false),
                ("Channel", false),
                ("Sessions", true),
                ("Engaged sessions", true),
                ("Key events", true),
                ("Users", true),
            ],
            p.reported
                .iter()
                .map(|r| {
                    vec![
                        day(&r.first_date),
                        day(&r.last_date),
                        r.platform.clone(),
                        r.campaign.clone(),
                        r.source.clone(),
                        r.medium.clone(),
                        r.channel.clone(),
                        r.sessions.to_string(),
                        optional(r.engaged_sessions.map(|n| n.to_string())),
                        optional(r.key_events.map(|n| n.to_string())),
                        optional(r.users.map(|n| n.to_string())),
                    ]
                })
                .collect(),
        )
    } else {
        (&[], Vec::new())
    };
    let kept: Vec<usize> = (0..titles.len()).filter(|&i| rows.iter().any(|r| !r[i].is_empty())).collect();
    PreviewTable {
        columns: kept.iter().map(|&i| titles[i].0.to_string()).collect(),
        numeric: kept.iter().map(|&i| titles[i].1).collect(),
        rows: rows.into_iter().map(|r| kept.iter().map(|&i| r[i].clone()).collect()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCESS_LOG: &str =
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/access-logs/basjes-hackers-access.log");
    const GOOGLE_ADS: &str =
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ad-exports/google_ads_campaign_stats.csv");

    fn options(path: &Path) -> FileImportOptions {
        FileImportOptions { path: path.display().to_string(), ..Default::default() }
    }

    #[test]
    fn options_map_onto_the_cores() {
        let chosen = FileImportOptions {
            path: "x.csv".into(),
            format: Some("csv".into()),
            mapping: vec![
                ColumnChoice { field: "timestamp".into(), column: Some("when".into()) },
                ColumnChoice { field: "referrer".into(), column: None },
            ],
            time_zone: Some("Europe/Berlin".into()),
            date_order: Some(DateOrder::DayFirst),
            ip_policy: IpPolicy::Hash,
        };
        let o = chosen.to_import_options().unwrap();
        assert_eq!(o.format.as_deref(), Some("csv"));
        assert_eq!(o.mapping, Mapping::parse(["timestamp=when", "referrer="]).unwrap());
        assert_eq!(o.time_zone.map(|tz| tz.name()), Some("Europe/Berlin"));
        assert_eq!((o.date_order, o.ip_policy, o.force), (Some(DateOrder::DayFirst), IpPolicy::Hash, false));

        let bad_zone = FileImportOptions { time_zone: Some("Mars/Olympus".into()), ..chosen.clone() };
        let error = bad_zone.to_import_options().unwrap_err();
        assert_eq!(error.code, "invalid_input");
        assert!(error.message.contains("Mars/Olympus"), "{}", error.message);
        let bad_field = FileImportOptions {
            mapping: vec![ColumnChoice { field: "colour".into(), column: Some("x".into()) }],
            ..chosen
        };
        assert_eq!(bad_field.to_import_options().unwrap_err().code, "invalid_input");
    }

    #[test]
    fn the_ui_sends_options_as_camel_case_json() {
        let json = r#"{"path":"/a.csv","format":null,"mapping":[{"field":"client_id","column":"who"}],
            "timeZone":"UTC","dateOrder":"month-first","ipPolicy":"raw"}"#;
        let o: FileImportOptions = serde_json::from_str(json).unwrap();
        assert_eq!((o.date_order, o.ip_policy), (Some(DateOrder::MonthFirst), IpPolicy::Raw));
        let bare: FileImportOptions = serde_json::from_str(r#"{"path":"/a.csv"}"#).unwrap();
        assert_eq!(bare.ip_policy, IpPolicy::Truncate, "IP addresses are truncated unless the user opts otherwise");
    }

    #[test]
    fn an_access_log_previews_as_a_table_of_its_first_hits() {
        let p = preview_file(&options(Path::new(ACCESS_LOG)), None);
        assert!(p.error.is_none(), "{:?}", p.error);
        assert_eq!((p.kind.as_deref(), p.name.as_str()), (Some("traffic"), "basjes-hackers-access.log"));
        assert_eq!(p.table.rows.len(), PREVIEW_ROWS);
        assert_eq!(p.table.columns[0], "Time (UTC)");
        assert_eq!(p.table.rows[0][0], "2015-10-25 03:11:25");
        assert!(!p.table.columns.contains(&"User id".to_string()), "columns empty in every row are left out");
        assert!(p.mapping.is_empty() && p.headers.is_empty(), "a log's columns are fixed");
    }

    #[test]
    fn a_csv_preview_lists_every_field_with_its_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hits.csv");
        std::fs::write(&path, "when,visitor,page\n03/04/2024 10:00,v1,/a\n").unwrap();
        let undetected = preview_file(&options(&path), None);
        assert_eq!(undetected.error.as_ref().unwrap().code, "unreadable_file");
        assert_eq!(undetected.format, None);

        let as_csv = FileImportOptions { format: Some("csv".into()), ..options(&path) };
        let no_time = preview_file(&as_csv, None);
        assert_eq!(no_time.headers, ["when", "visitor", "page"]);
        assert!(no_time.error.as_ref().unwrap().message.contains("no timestamp column"));
        let visitor = no_time.mapping.iter().find(|c| c.field == "client_id").unwrap();
        assert_eq!(visitor.column.as_deref(), Some("visitor"));
        assert_eq!(no_time.mapping.len(), Field::ALL.len());

        let mapped = FileImportOptions {
            mapping: vec![ColumnChoice { field: "timestamp".into(), column: Some("when".into()) }],
            time_zone: Some("Europe/Berlin".into()),
            ..as_csv
        };
        let p = preview_file(&mapped, None);
        assert!(p.error.is_none(), "{:?}", p.error);
        assert!(p.date_order_matters);
        // 4 March 10:00 in Berlin (month first when nothing decides).
        assert_eq!(p.table.rows[0][0], "2024-03-04 09:00:00");
    }

    #[test]
    fn an_ad_export_previews_its_numbers_right_aligned() {
        let p = preview_file(&options(Path::new(GOOGLE_ADS)), None);
        assert_eq!(p.kind.as_deref(), Some("ads"));
        let clicks = p.table.columns.iter().position(|c| c == "Clicks").unwrap();
        assert!(p.table.numeric[clicks]);
        assert_eq!(p.table.rows[0][0], "2021-02-01");
        assert_eq!(p.table.rows[0][clicks], "49");
    }

    #[test]
    fn a_missing_file_says_so_in_its_preview() {
        let p = preview_file(&options(Path::new("/nonexistent/traffic.csv")), None);
        assert_eq!((p.error.unwrap().code.as_str(), p.name.as_str()), ("io", "traffic.csv"));
    }
}
