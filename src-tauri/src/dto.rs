//! Transfer types between the Rust side and the UI: what commands take and return, in the
//! shape the UI reads (camelCase). TypeScript types for the UI are generated from these with
//! ts-rs into `ui/src/bindings/` (see the `bindings` test); they are committed, and
//! `npm run check:bindings` fails when the generated files no longer match.
//!
//! Row counts and timestamps are `i64`/`u64` here and `number` in TypeScript: counts and
//! UTC milliseconds stay far below 2^53.

use serde::{Deserialize, Serialize};
use sessionlens_core::import;
use sessionlens_core::store::{DeletedFile, FileInfo, ImportReport, Progress, ProjectInfo, StoredReject};
use ts_rs::TS;

use crate::error::AppError;

/// An open project as the UI shows it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectView {
    pub path: String,
    /// The file name without `.sessionlens`.
    pub name: String,
    /// The bundled demo project (kept in the app's data folder).
    pub is_demo: bool,
    pub info: ProjectSummary,
}

/// What a project holds (from `Project::info`).
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProjectSummary {
    pub files: Vec<SourceFile>,
    pub hits: i64,
    pub ad_stat_rows: i64,
    pub ad_click_rows: i64,
    pub ad_clicks: i64,
    pub rejects: i64,
    /// First and last hit, UTC ms.
    pub first_hit_ms: Option<i64>,
    pub last_hit_ms: Option<i64>,
    /// First and last ad day in the ad account's time zone, `YYYY-MM-DD`.
    pub first_ad_date: Option<String>,
    pub last_ad_date: Option<String>,
    pub time_zones: Vec<String>,
}

/// One imported file.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SourceFile {
    pub id: i64,
    pub name: String,
    pub path: String,
    pub size: i64,
    /// Format id, e.g. `csv`, `apache-combined`, `google-ads-report`.
    pub format: String,
    /// The format's name for people, e.g. "Google Ads report" (the id, for a format this
    /// build no longer reads).
    pub format_name: String,
    /// `traffic`, `ads` or `report`.
    pub kind: String,
    pub encoding: String,
    pub time_zone: Option<String>,
    pub rows_imported: i64,
    pub rows_rejected: i64,
    pub rows_duplicate: i64,
    /// First and last row's time, UTC ms (traffic).
    pub first_ts_ms: Option<i64>,
    pub last_ts_ms: Option<i64>,
    /// First and last day its rows cover, `YYYY-MM-DD` in the ad account's or the analytics
    /// tool's calendar (ad data and reports).
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    /// When it was imported, `YYYY-MM-DDTHH:MM:SSZ`.
    pub imported_at: String,
}

/// Progress of a running import, sent at most ten times a second.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    /// 0-based index of the file being imported, of `file_count`.
    pub file_index: u32,
    pub file_count: u32,
    pub file_name: String,
    pub rows: u64,
    pub rejected: u64,
    pub bytes_read: u64,
    pub bytes_total: u64,
}

/// What became of one file of an import: exactly one of `imported` and `error` is set.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileOutcome {
    pub path: String,
    pub name: String,
    pub imported: Option<ImportedFile>,
    pub error: Option<AppError>,
}

/// A file that was imported.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportedFile {
    pub format: String,
    /// The format's name, e.g. "CSV/TSV traffic export".
    pub format_name: String,
    /// The format in full words.
    pub description: String,
    pub kind: String,
    pub encoding: String,
    pub rows_imported: u64,
    pub rows_rejected: u64,
    pub rows_duplicate: u64,
    pub time_zone: Option<String>,
}

/// The outcome of `import_files`: one entry per file tried, and the project afterwards.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub files: Vec<FileOutcome>,
    /// The user cancelled; the file being imported then was left out entirely, and the files
    /// after it were not tried.
    pub cancelled: bool,
    pub project: ProjectView,
}

/// A page of rejected rows.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RejectsPage {
    /// All rejected rows in the project.
    pub total: u64,
    pub offset: u64,
    pub rows: Vec<RejectedRow>,
}

/// A row an importer could not use, with why.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RejectedRow {
    pub file: String,
    pub line: i64,
    pub raw: String,
    pub reason: String,
}

/// A file format the app reads, as the start screen lists it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FormatInfo {
    /// Stable id, as stored with each imported file.
    pub id: String,
    /// A short name, e.g. "Google Ads report".
    pub name: String,
    /// What the format is, in full.
    pub description: String,
    /// `traffic`, `ads` or `report`.
    pub kind: String,
}

/// What deleting an imported file's data removed, and the project afterwards.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FileDeleted {
    pub name: String,
    /// `traffic`, `ads` or `report`.
    pub kind: String,
    /// Hits, ad rows or reported-session rows, by the file's kind.
    pub rows_removed: u64,
    pub rejects_removed: u64,
    pub project: ProjectView,
}

impl FileDeleted {
    pub fn new(deleted: DeletedFile, project: ProjectView) -> Self {
        FileDeleted {
            name: deleted.name,
            kind: deleted.kind,
            rows_removed: deleted.rows_removed,
            rejects_removed: deleted.rejects_removed,
            project,
        }
    }
}

/// A project opened before, most recent first.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecentProject {
    pub path: String,
    pub name: String,
    /// False when the file has been moved or deleted since.
    #[serde(default)]
    pub exists: bool,
}

impl From<ProjectInfo> for ProjectSummary {
    fn from(info: ProjectInfo) -> Self {
        ProjectSummary {
            files: info.files.into_iter().map(SourceFile::from).collect(),
            hits: info.hits,
            ad_stat_rows: info.ad_stat_rows,
            ad_click_rows: info.ad_click_rows,
            ad_clicks: info.ad_clicks,
            rejects: info.rejects,
            first_hit_ms: info.first_hit_ms,
            last_hit_ms: info.last_hit_ms,
            first_ad_date: info.first_ad_date,
            last_ad_date: info.last_ad_date,
            time_zones: info.time_zones,
        }
    }
}

impl From<FileInfo> for SourceFile {
    fn from(f: FileInfo) -> Self {
        SourceFile {
            id: f.id,
            name: f.name,
            path: f.path,
            size: f.size,
            format_name: import::format_name(&f.format).to_string(),
            format: f.format,
            kind: f.kind,
            encoding: f.encoding,
            time_zone: f.time_zone,
            rows_imported: f.rows_imported,
            rows_rejected: f.rows_rejected,
            rows_duplicate: f.rows_duplicate,
            first_ts_ms: f.first_ts_ms,
            last_ts_ms: f.last_ts_ms,
            first_date: f.first_date,
            last_date: f.last_date,
            imported_at: f.imported_at,
        }
    }
}

impl From<ImportReport> for ImportedFile {
    fn from(r: ImportReport) -> Self {
        ImportedFile {
            format: r.format.to_string(),
            format_name: import::format_name(r.format).to_string(),
            description: r.description.to_string(),
            kind: r.kind.as_str().to_string(),
            encoding: r.encoding.to_string(),
            rows_imported: r.rows_imported,
            rows_rejected: r.rows_rejected,
            rows_duplicate: r.rows_duplicate,
            time_zone: r.time_zone,
        }
    }
}

impl From<StoredReject> for RejectedRow {
    fn from(r: StoredReject) -> Self {
        RejectedRow { file: r.file, line: r.line, raw: r.raw, reason: r.reason }
    }
}

impl ImportProgress {
    pub fn new(file_index: usize, file_count: usize, file_name: &str, p: &Progress) -> Self {
        ImportProgress {
            file_index: u32::try_from(file_index).unwrap_or(u32::MAX),
            file_count: u32::try_from(file_count).unwrap_or(u32::MAX),
            file_name: file_name.to_string(),
            rows: p.rows,
            rejected: p.rejected,
            bytes_read: p.bytes_read,
            bytes_total: p.bytes_total,
        }
    }
}

#[cfg(test)]
mod bindings {
    use super::*;

    /// Writes the TypeScript types to `ui/src/bindings/`. `npm run check:bindings` runs this and
    /// fails if the committed files differ from what it wrote.
    #[test]
    fn export_typescript_bindings() {
        let config = ts_rs::Config::new()
            .with_out_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/bindings"))
            .with_large_int("number");
        AppError::export_all(&config).unwrap();
        ProjectView::export_all(&config).unwrap();
        ImportProgress::export_all(&config).unwrap();
        ImportSummary::export_all(&config).unwrap();
        FileDeleted::export_all(&config).unwrap();
        crate::import_wizard::FileImportOptions::export_all(&config).unwrap();
        crate::import_wizard::ImportPreview::export_all(&config).unwrap();
        RejectsPage::export_all(&config).unwrap();
        RecentProject::export_all(&config).unwrap();
        FormatInfo::export_all(&config).unwrap();
        crate::analysis::RulesInput::export_all(&config).unwrap();
        crate::analysis::ViewKind::export_all(&config).unwrap();
        crate::exports::ReportSettings::export_all(&config).unwrap();
        crate::exports::CsvTable::export_all(&config).unwrap();
        crate::exports::ChartFormat::export_all(&config).unwrap();
        crate::exports::SavedFile::export_all(&config).unwrap();
        crate::analysis::RuleChoices::export_all(&config).unwrap();
        crate::analysis::DashboardView::export_all(&config).unwrap();
        crate::analysis::DiscrepancyView::export_all(&config).unwrap();
        crate::analysis::CompareView::export_all(&config).unwrap();
        crate::analysis::FidelityView::export_all(&config).unwrap();
        crate::views::SavedViews::export_all(&config).unwrap();
        crate::clients::ClientsView::export_all(&config).unwrap();
        crate::clients::SettingsCopied::export_all(&config).unwrap();
        // The rules panel's offer as data too, so the UI tests' stand-in backend serves the
        // catalogue itself instead of a copy of it.
        let choices = serde_json::to_string_pretty(&crate::analysis::rule_choices(&[])).unwrap();
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/bindings/rule-choices.json"), choices + "\n")
            .unwrap();
    }
}
