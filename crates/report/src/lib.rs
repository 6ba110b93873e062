//! SessionLens PDF report: [`render_pdf`] lays out a [`ReportData`] with the Typst template in
//! `templates/report.typ` and returns the PDF bytes.
//!
//! The data reaches the template only as a virtual `data.json` file read with `json("data.json")`, and the charts
//! (from `sessionlens-charts`) as virtual `chart-*.svg` files, so text from imported files — a campaign called
//! `#panic()` or `<script>` — prints literally and can never run as Typst code. Rendering is sealed: bundled fonts
//! only, no file system, no network, and a fixed "today" from [`Options`], so the same input gives the same PDF.
//!
//! [`build_report`] makes the [`ReportData`] of a project from the core's metrics and discrepancy results.

pub mod build;
mod data;
mod view;
mod world;

pub use build::{build_report, ReportRequest};
pub use data::{
    CampaignRow, DataSource, DateRange, Discrepancy, Kpi, Methodology, NameValue, ReportData, RuleSet, Sections, Table,
};

use serde::{Deserialize, Serialize};
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

/// Page size of the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

/// A calendar date (the report's "today").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl ReportDate {
    /// Today on this computer's calendar (the CLI and the app print it on the cover).
    pub fn today() -> ReportDate {
        use chrono::Datelike;
        let today = chrono::Local::now().date_naive();
        ReportDate { year: today.year(), month: today.month() as u8, day: today.day() as u8 }
    }
}

/// How to render: paper, branding, and the date the report is prepared on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Options {
    pub paper: Paper,
    /// The client's or agency's logo for the cover: PNG, JPEG or SVG bytes.
    pub logo: Option<Vec<u8>>,
    /// Replaces [`ReportData::title`] on the cover, in the footer and in the PDF metadata.
    pub title: Option<String>,
    /// "Today": printed on the cover and stored as the PDF's creation date.
    pub today: ReportDate,
}

/// Why no PDF was made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the logo is not a PNG, JPEG or SVG image")]
    Logo,
    #[error("{0} is not a valid date")]
    Date(String),
    #[error("'{0}' is not a part of the report (summary, traffic, discrepancy or methodology)")]
    Section(String),
    #[error("the report data could not be prepared: {0}")]
    Data(String),
    /// The project could not be read or analysed; the core's error, with its code.
    #[error(transparent)]
    Core(#[from] sessionlens_core::Error),
    /// Typst's own messages; a template or rendering problem, not a data problem.
    #[error("the report could not be laid out: {}", .0.join("; "))]
    Layout(Vec<String>),
}

/// Renders the report as PDF bytes.
pub fn render_pdf(data: &ReportData, options: &Options) -> Result<Vec<u8>, ReportError> {
    let ReportDate { year, month, day } = options.today;
    let today =
        Datetime::from_ymd(year, month, day).ok_or_else(|| ReportError::Date(format!("{year}-{month}-{day}")))?;
    let prepared = view::prepare(data, options)?;
    let mut files = prepared.files;
    files.push(("data.json".to_string(), prepared.json.into_bytes()));
    let world = world::ReportWorld::new(files, today)
        .ok_or_else(|| ReportError::Data("a virtual file name was not a valid path".to_string()))?;
    let compiled = typst::compile::<PagedDocument>(&world).output;
    // Typst memoizes layout work process-wide; a report is a one-off, so drop the cache rather than let an app
    // that renders many reports grow without bound.
    comemo::evict(0);
    let document =
        compiled.map_err(|errors| ReportError::Layout(errors.iter().map(|e| e.message.to_string()).collect()))?;
    let pdf_options = PdfOptions {
        ident: Smart::Custom(format!("sessionlens-report:{}:{}", data.project, data.period.start)),
        creator: Smart::Custom(Some("SessionLens".to_string())),
        timestamp: Some(Timestamp::new_utc(today)),
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &pdf_options)
        .map_err(|errors| ReportError::Layout(errors.iter().map(|e| e.message.to_string()).collect()))
}
