//! What a report says, as plain serde data (camelCase, so the app can build it in TypeScript). Text fields are
//! shown literally — they are handed to the template as JSON data, never spliced into Typst markup — and numbers
//! are formatted by the report, so the metrics side fills in values, not display strings, wherever it can.

use serde::{Deserialize, Serialize};
use sessionlens_charts::{BreakdownChart, ControlChart, TimeSeriesChart, WaterfallChart};

/// Everything one report shows, in reading order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportData {
    /// Report title (the cover's headline unless [`crate::Options::title`] overrides it).
    pub title: String,
    /// Who the report is for, e.g. "Acme GmbH".
    pub client: String,
    /// Who prepared it, e.g. "Northwind Marketing"; the cover leaves the line out when `None`.
    pub agency: Option<String>,
    /// The SessionLens project it was made from.
    pub project: String,
    pub period: DateRange,
    /// The rule set in words: name of the platform rules and each setting that shaped the sessions.
    pub rule_set: RuleSet,
    /// The answer in plain words, first on the summary page: why clicks and sessions differ (none without ad data).
    pub verdict: Option<String>,
    /// The preparer's findings and next steps, shown on the summary page; blank lines separate paragraphs.
    pub findings: Option<String>,
    /// Whether the previous period (as long as this one, just before it) has data; figures compared with it
    /// carry their previous value, and without it the summary says there is no previous data.
    pub has_previous: bool,
    pub kpis: Vec<Kpi>,
    pub time_series: TimeSeriesChart,
    /// Breakdown charts shown after the time series (e.g. sessions by channel); may be empty.
    pub breakdowns: Vec<BreakdownChart>,
    pub tables: Vec<Table>,
    pub discrepancy: Discrepancy,
    pub methodology: Methodology,
    /// The parts printed after the cover and the summary.
    pub sections: Sections,
}

/// Which parts of the report are printed; the cover and the summary always are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sections {
    /// Traffic in detail: breakdown charts and tables.
    pub traffic: bool,
    /// Why clicks and sessions differ.
    pub discrepancy: bool,
    /// How the numbers were made: rules, time zones, bots, data sources.
    pub methodology: bool,
}

impl Default for Sections {
    fn default() -> Self {
        Sections { traffic: true, discrepancy: true, methodology: true }
    }
}

impl Sections {
    /// The names [`Sections::named`] reads, in the report's order (`summary` is always printed).
    pub const NAMES: [&'static str; 4] = ["summary", "traffic", "discrepancy", "methodology"];

    /// The parts a list names, e.g. `summary, discrepancy`; an unknown name is refused.
    pub fn named<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Sections, crate::ReportError> {
        let mut sections = Sections { traffic: false, discrepancy: false, methodology: false };
        for name in names {
            match name.trim() {
                "summary" | "" => {}
                "traffic" => sections.traffic = true,
                "discrepancy" => sections.discrepancy = true,
                "methodology" => sections.methodology = true,
                other => return Err(crate::ReportError::Section(other.to_string())),
            }
        }
        Ok(sections)
    }
}

/// The reporting period: ISO dates (`YYYY-MM-DD`), both inclusive, and the time zone days are counted in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DateRange {
    pub start: String,
    pub end: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSet {
    /// E.g. "GA4 (default)".
    pub name: String,
    pub rules: Vec<NameValue>,
}

/// A labelled fact, e.g. "Session timeout" → "30 minutes of inactivity".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NameValue {
    pub name: String,
    pub value: String,
}

/// One key figure of the executive summary. `value` and `previous` are display text (they may be counts,
/// percentages or money); `previous` is `None` for a figure not compared with the previous period (or when that
/// has no data, see [`ReportData::has_previous`]); `change_pct` is the relative change to it, if there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kpi {
    pub name: String,
    pub value: String,
    pub previous: Option<String>,
    pub change_pct: Option<f64>,
}

/// A table of display text. `numeric[i]` right-aligns column `i` (missing flags mean text). Long tables continue
/// over pages with their header repeated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub numeric: Vec<bool>,
}

/// Why ad clicks and sessions differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Discrepancy {
    /// The explanation in words, shown above the charts. Blank lines separate paragraphs.
    pub summary: String,
    pub waterfall: WaterfallChart,
    pub control: ControlChart,
    pub campaigns: Vec<CampaignRow>,
}

/// Ad clicks against the sessions they led to, for one campaign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignRow {
    pub campaign: String,
    /// E.g. "Google Ads".
    pub platform: String,
    pub clicks: u64,
    pub sessions: u64,
    /// Why this campaign needs a look (e.g. "Sessions below 80 % of clicks"); `None` when it is fine.
    pub flag: Option<String>,
}

/// How the numbers were made: the appendix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Methodology {
    /// Every sessionization rule in words (more detailed than the summary's rule set).
    pub rules: Vec<NameValue>,
    /// Time zones involved, e.g. "Report" → "Europe/Berlin", "Google Ads account" → "America/New_York".
    pub time_zones: Vec<NameValue>,
    /// How bots and invalid traffic were filtered, in words.
    pub bot_filtering: String,
    pub sources: Vec<DataSource>,
}

/// One imported file or export and what came of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataSource {
    pub name: String,
    /// The detected format, e.g. "GA4 BigQuery export".
    pub format: String,
    pub rows: u64,
    pub rejects: u64,
}
