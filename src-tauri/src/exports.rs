//! What the app writes to files the user picked in a save dialog: the PDF report, CSV tables and
//! charts as SVG or PNG. Each is made by the functions the CLI calls (`sessionlens_report`,
//! `sessionlens_core::export`, `sessionlens_charts`), so the app's file equals the CLI's for the
//! same project, rules and days.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sessionlens_charts::svg_to_png;
use sessionlens_core::discrepancy::{discrepancy, Breakdown, DiscrepancyOptions};
use sessionlens_core::export::analysis::{write_discrepancy, write_metrics, DiscrepancyTable};
use sessionlens_core::export::save;
use sessionlens_core::export::stored::{write_bot_hits, write_sessions};
use sessionlens_core::metrics::{Dimension, MetricsQuery};
use sessionlens_core::sessionize::RuleSet;
use sessionlens_core::store::ProjectInfo;
use sessionlens_core::time::DateRange;
use sessionlens_core::Project;
use sessionlens_report::build::{build, Inputs};
use sessionlens_report::{render_pdf, Options, Paper, ReportDate, ReportError, ReportRequest, Sections};
use ts_rs::TS;

use crate::analysis::LoadedData;
use crate::error::AppError;

/// Charts saved as PNG are this many pixels wide (twice the SVG's width: sharp on a slide).
pub const CHART_PNG_WIDTH: u32 = 1_800;

/// How the PDF report should look.
#[derive(Clone, Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportSettings {
    /// The cover's headline; "Sessions and ad clicks" when null or blank.
    pub title: Option<String>,
    /// Who the report is for; the project's name when null or blank.
    pub client: Option<String>,
    /// Who prepared it, for the cover; left out when null or blank.
    pub agency: Option<String>,
    /// Findings and next steps for the summary page; blank lines separate paragraphs.
    pub findings: Option<String>,
    /// A PNG, JPEG or SVG file for the cover.
    pub logo_path: Option<String>,
    /// The parts after the summary to print: `traffic`, `discrepancy`, `methodology`.
    pub sections: Vec<String>,
    /// `a4` or `letter`.
    pub paper: String,
}

/// A table to save as CSV (UTF-8 with a byte-order mark, for spreadsheets).
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum CsvTable {
    /// One row per session of every day (the date range does not apply).
    Sessions,
    /// The hits the bot filter left out, of every day.
    BotHits,
    /// Metrics per key of a dimension id (`channel`, `source_medium`, `campaign`, ...), or the
    /// totals when `dimension` is null; with the change against the previous period.
    Metrics { dimension: Option<String> },
    /// A discrepancy table: `campaigns`, `ratios` (per campaign and day), `waterfall` or `unmatched`.
    Discrepancy { table: String },
}

/// A chart file's format.
#[derive(Clone, Copy, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ChartFormat {
    Svg,
    Png,
}

/// A file the app wrote.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedFile {
    pub path: String,
    pub bytes: u64,
    /// Data rows, for a CSV file.
    pub rows: Option<u64>,
}

/// What a report or table is computed from: the project's data, its rules and days.
pub struct Subject<'a> {
    pub data: &'a LoadedData,
    pub rules: &'a RuleSet,
    pub range: Option<DateRange>,
}

/// Renders the report of `subject` and writes it to `path`. `info` and `project_name` are the
/// open project's (its files and rejects go to the methodology appendix; the name to the cover).
pub fn save_report(
    subject: &Subject<'_>,
    info: &ProjectInfo,
    project_name: &str,
    settings: &ReportSettings,
    path: &Path,
) -> Result<SavedFile, AppError> {
    let paper = match settings.paper.as_str() {
        "a4" => Paper::A4,
        "letter" => Paper::Letter,
        other => return Err(AppError::new("invalid_input", format!("'{other}' is not a paper size (a4 or letter)"))),
    };
    let given = |text: &Option<String>| text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
    let logo = match given(&settings.logo_path) {
        Some(logo) => Some(
            std::fs::read(&logo).map_err(|e| AppError::new("io", format!("the logo {logo} could not be read: {e}")))?,
        ),
        None => None,
    };
    let request = ReportRequest {
        range: subject.range,
        client: given(&settings.client),
        agency: given(&settings.agency),
        title: given(&settings.title),
        findings: given(&settings.findings),
        sections: Sections::named(settings.sections.iter().map(String::as_str)).map_err(report_error)?,
        ..ReportRequest::new(subject.rules.clone())
    };
    let sessions = subject.data.sessions(subject.rules)?;
    let inputs = Inputs {
        table: &subject.data.hits,
        sessions: &sessions,
        ads: &subject.data.ads,
        info,
        project: project_name,
        goals: subject.data.goals_for(subject.rules),
    };
    let data = build(&inputs, &request).map_err(report_error)?;
    let options = Options { paper, logo, title: request.title.clone(), today: ReportDate::today() };
    let pdf = render_pdf(&data, &options).map_err(report_error)?;
    write(path, &pdf)
}

/// Writes `table` of `subject` to `path` as CSV. Sessions and bot hits are stored in `project`
/// first (as `sessionlens export sessions` does), so the file lists the stored sessions' ids.
pub fn save_csv(
    subject: &Subject<'_>,
    project: &mut Project,
    table: &CsvTable,
    path: &Path,
) -> Result<SavedFile, AppError> {
    let data = subject.data;
    let rows = match table {
        CsvTable::Sessions | CsvTable::BotHits => {
            let run = project.sessions(subject.rules, Some(&data.hits))?;
            let project = &*project;
            save(path, true, |csv| match table {
                CsvTable::Sessions => write_sessions(csv, project, &run),
                _ => write_bot_hits(csv, project, &run),
            })?
        }
        CsvTable::Metrics { dimension } => {
            let dimensions: Vec<Dimension> = dimension.iter().map(|d| d.parse()).collect::<Result<_, _>>()?;
            let sessions = data.sessions(subject.rules)?;
            let query = MetricsQuery { dimensions, range: subject.range, compare_previous: true };
            let report = data.reports(&sessions)?.report(&query)?;
            save(path, true, |csv| write_metrics(csv, &report))?
        }
        CsvTable::Discrepancy { table } => {
            let table: DiscrepancyTable = table.parse()?;
            let by = match table {
                DiscrepancyTable::Ratios => Breakdown::CampaignDay,
                _ => Breakdown::Campaign,
            };
            let options = DiscrepancyOptions { by, range: subject.range, examples: 1, ..DiscrepancyOptions::default() };
            let sessions = data.sessions(subject.rules)?;
            let report = discrepancy(&data.hits, &sessions, &data.ads, &options)?;
            save(path, true, |csv| write_discrepancy(csv, &report, table))?
        }
    };
    let bytes = std::fs::metadata(path).map_err(|e| AppError::io(path, e))?.len();
    Ok(SavedFile { path: path.display().to_string(), bytes, rows: Some(rows) })
}

/// Writes a chart the app showed (an SVG document from the charts crate) as SVG or PNG.
pub fn save_chart(svg: &str, format: ChartFormat, path: &Path) -> Result<SavedFile, AppError> {
    match format {
        ChartFormat::Svg => write(path, svg.as_bytes()),
        ChartFormat::Png => {
            let png = svg_to_png(svg, CHART_PNG_WIDTH)
                .map_err(|e| AppError::new("invalid_input", format!("the chart could not be drawn as PNG: {e}")))?;
            write(path, &png)
        }
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<SavedFile, AppError> {
    std::fs::write(path, bytes).map_err(|e| AppError::io(path, e))?;
    Ok(SavedFile { path: path.display().to_string(), bytes: bytes.len() as u64, rows: None })
}

fn report_error(e: ReportError) -> AppError {
    match e {
        ReportError::Core(e) => e.into(),
        ReportError::Data(message) => AppError::new("no_data", message),
        other => AppError::new("report", other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{DayRange, RulesInput};
    use crate::workspace::{Startup, Workspace};

    struct Demo {
        dir: tempfile::TempDir,
        ws: Workspace,
        rules: RulesInput,
    }

    fn demo() -> Demo {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::new(dir.path().join("data"), Startup::StartScreen);
        ws.open_demo_project().unwrap();
        Demo { dir, ws, rules: RulesInput { preset: "ga4".into(), ..RulesInput::default() } }
    }

    /// The data rows of a CSV file the app wrote (after its byte-order mark and header).
    fn csv_rows(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
        let bytes = std::fs::read(path).unwrap();
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a byte-order mark for spreadsheets");
        let mut reader = csv::Reader::from_reader(text);
        let header = reader.headers().unwrap().iter().map(str::to_string).collect();
        (header, reader.records().map(Result::unwrap).collect())
    }

    fn column(header: &[String], name: &str) -> usize {
        header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"))
    }

    #[test]
    fn the_report_is_the_cli_report_byte_for_byte() {
        let d = demo();
        let out = d.dir.path().join("report.pdf");
        let logo = d.dir.path().join("logo.svg");
        let svg =
            br#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>"#;
        std::fs::write(&logo, svg).unwrap();
        let settings = ReportSettings {
            title: Some("  ".into()),
            client: Some("Acme".into()),
            agency: Some("Northwind".into()),
            findings: Some("Fix the redirect.".into()),
            logo_path: Some(logo.to_string_lossy().into_owned()),
            sections: vec!["discrepancy".into(), "methodology".into()],
            paper: "letter".into(),
        };
        let saved = d.ws.save_report(&d.rules, None, &settings, &out).unwrap();
        let written = std::fs::read(&out).unwrap();
        assert_eq!(saved.bytes, written.len() as u64);

        // The CLI's route: the report crate reads the project itself.
        let project = Project::open(d.ws.project_info().unwrap().path).unwrap();
        let request = ReportRequest {
            client: Some("Acme".into()),
            agency: Some("Northwind".into()),
            findings: Some("Fix the redirect.".into()),
            sections: Sections { traffic: false, discrepancy: true, methodology: true },
            ..ReportRequest::new(d.rules.rule_set().unwrap())
        };
        let data = sessionlens_report::build_report(&project, &request).unwrap();
        let options =
            Options { paper: Paper::Letter, logo: Some(svg.to_vec()), title: None, today: ReportDate::today() };
        assert!(written == render_pdf(&data, &options).unwrap(), "the app's PDF differs from the CLI's");
    }

    #[test]
    fn a_report_on_an_unknown_paper_size_is_refused() {
        let d = demo();
        let settings = ReportSettings { paper: "a3".into(), ..ReportSettings::default() };
        let err = d.ws.save_report(&d.rules, None, &settings, &d.dir.path().join("r.pdf")).unwrap_err();
        assert_eq!(err.code, "invalid_input", "{err}");
        let settings =
            ReportSettings { paper: "a4".into(), sections: vec!["appendix".into()], ..ReportSettings::default() };
        let err = d.ws.save_report(&d.rules, None, &settings, &d.dir.path().join("r.pdf")).unwrap_err();
        assert!(err.message.contains("'appendix' is not a part of the report"), "{err}");
        let missing = Some(d.dir.path().join("no-logo.png").to_string_lossy().into_owned());
        let settings = ReportSettings { paper: "a4".into(), logo_path: missing, ..ReportSettings::default() };
        assert_eq!(d.ws.save_report(&d.rules, None, &settings, &d.dir.path().join("r.pdf")).unwrap_err().code, "io");
        assert!(!d.dir.path().join("r.pdf").exists());
    }

    #[test]
    fn csv_tables_hold_the_figures_the_screens_show() {
        let d = demo();
        let range = DayRange { from: "2026-11-09".into(), to: "2026-11-22".into() };
        let dashboard = d.ws.dashboard(&d.rules, Some(&range)).unwrap();
        let gap = d.ws.discrepancy(&d.rules, Some(&range)).unwrap();
        assert!(dashboard.kpis.sessions > 0 && gap.clicks > 0, "the demo has sessions and clicks in {range:?}");

        let channels = d.dir.path().join("channels.csv");
        let table = CsvTable::Metrics { dimension: Some("channel".into()) };
        let saved = d.ws.save_csv(&table, &d.rules, Some(&range), &channels).unwrap();
        let (header, rows) = csv_rows(&channels);
        assert_eq!(saved.rows, Some(rows.len() as u64));
        let sessions = column(&header, "sessions");
        let total: u64 = rows.iter().map(|r| r[sessions].parse::<u64>().unwrap()).sum();
        assert_eq!(total, dashboard.kpis.sessions);

        let campaigns = d.dir.path().join("campaigns.csv");
        let table = CsvTable::Discrepancy { table: "campaigns".into() };
        d.ws.save_csv(&table, &d.rules, Some(&range), &campaigns).unwrap();
        let (header, rows) = csv_rows(&campaigns);
        assert_eq!(rows.len(), gap.campaigns.len());
        let clicks = column(&header, "clicks");
        assert_eq!(rows.iter().map(|r| r[clicks].parse::<i64>().unwrap()).sum::<i64>(), gap.clicks);
    }

    #[test]
    fn the_sessions_csv_lists_every_session_of_the_rules() {
        let d = demo();
        let all_days = d.ws.dashboard(&d.rules, None).unwrap();
        let out = d.dir.path().join("sessions.csv");
        let saved = d.ws.save_csv(&CsvTable::Sessions, &d.rules, None, &out).unwrap();
        assert_eq!(saved.rows, Some(all_days.kpis.sessions));
        assert_eq!(csv_rows(&out).1.len() as u64, all_days.kpis.sessions);
    }

    #[test]
    fn unknown_tables_are_refused_with_what_exists() {
        let d = demo();
        let out = d.dir.path().join("x.csv");
        let bad_dimension = CsvTable::Metrics { dimension: Some("colour".into()) };
        let err = d.ws.save_csv(&bad_dimension, &d.rules, None, &out).unwrap_err();
        assert!(err.message.contains("channel"), "{err}");
        let bad_table = CsvTable::Discrepancy { table: "pie".into() };
        let err = d.ws.save_csv(&bad_table, &d.rules, None, &out).unwrap_err();
        assert!(err.message.contains("waterfall"), "{err}");
    }

    #[test]
    fn a_chart_saves_as_the_same_svg_or_as_a_png() {
        let d = demo();
        let svg = d.ws.dashboard(&d.rules, None).unwrap().over_time_svg;
        let (svg_path, png_path) = (d.dir.path().join("chart.svg"), d.dir.path().join("chart.png"));
        save_chart(&svg, ChartFormat::Svg, &svg_path).unwrap();
        assert_eq!(std::fs::read_to_string(&svg_path).unwrap(), svg);
        let saved = save_chart(&svg, ChartFormat::Png, &png_path).unwrap();
        let png = std::fs::read(&png_path).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && saved.bytes == png.len() as u64);
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        assert_eq!(width, CHART_PNG_WIDTH);
        assert_eq!(save_chart("<svg", ChartFormat::Png, &png_path).unwrap_err().code, "invalid_input");
    }
}
