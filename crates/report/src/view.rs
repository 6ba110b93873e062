//! Turns [`ReportData`] and [`Options`] into what the template reads from `data.json`: display text only (numbers
//! and dates formatted here, once, in the same style as the charts), chart SVGs as virtual file names, and tables
//! squared up so every row has one cell per column. The template does layout and nothing else.

use serde::Serialize;
use sessionlens_charts::{
    breakdown_svg, control_chart_svg, format_number, format_percent, time_series_svg, waterfall_svg, BreakdownChart,
    ControlChart, TimeSeriesChart, WaterfallChart,
};
use sessionlens_core::metrics;

use crate::build::per_100;
use crate::data::{NameValue, ReportData, RuleSet, Sections, Table};
use crate::{Options, Paper, ReportDate};

/// The template's data plus the virtual files (charts, logo) it refers to by name.
pub(crate) struct Prepared {
    pub json: String,
    pub files: Vec<(String, Vec<u8>)>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct View<'a> {
    title: &'a str,
    client: &'a str,
    agency: Option<&'a str>,
    verdict: Option<&'a str>,
    /// Paragraphs, each a list of lines (a findings text is often a list, one step per line).
    findings: Vec<Vec<String>>,
    has_previous: bool,
    sections: Sections,
    project: &'a str,
    period: String,
    time_zone: &'a str,
    prepared: String,
    paper: &'static str,
    logo: Option<String>,
    rule_set: &'a RuleSet,
    kpis: Vec<KpiView<'a>>,
    time_series: ChartView,
    breakdowns: Vec<ChartView>,
    tables: Vec<TableView>,
    discrepancy: DiscrepancyView,
    methodology: MethodologyView<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KpiView<'a> {
    name: &'a str,
    value: &'a str,
    previous: Option<&'a str>,
    /// E.g. "▲ 4.2 %"; absent without a previous period.
    change: Option<String>,
}

#[derive(Serialize)]
struct ChartView {
    title: String,
    file: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TableView {
    title: String,
    columns: Vec<String>,
    /// Typst alignment names, one per column: "left" or "right".
    align: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    /// Row indices to highlight (flagged campaigns).
    flagged: Vec<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DiscrepancyView {
    paragraphs: Vec<String>,
    waterfall: ChartView,
    control: ChartView,
    campaigns: TableView,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MethodologyView<'a> {
    rules: &'a [NameValue],
    time_zones: &'a [NameValue],
    bot_filtering: Vec<String>,
    sources: TableView,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2024-03-05` → `5 March 2024`; anything else unchanged.
fn long_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.splitn(3, '-').collect();
    match parts.as_slice() {
        [year, month, day] if year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()) => {
            match (month.parse::<usize>(), day.parse::<u32>()) {
                (Ok(m @ 1..=12), Ok(d @ 1..=31)) => format!("{d} {} {year}", MONTHS[m - 1]),
                _ => iso.to_string(),
            }
        }
        _ => iso.to_string(),
    }
}

fn report_date(date: &ReportDate) -> String {
    long_date(&format!("{:04}-{:02}-{:02}", date.year, date.month, date.day))
}

/// Paragraphs of a text field: split at blank lines, each paragraph's lines joined with spaces.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|p| !p.is_empty()).collect()
}

/// Paragraphs of a text the user wrote, split at blank lines, each keeping its lines.
fn lines_of_paragraphs(text: &str) -> Vec<Vec<String>> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect::<Vec<_>>())
        .filter(|p| !p.is_empty())
        .collect()
}

fn change_text(change_pct: f64) -> Option<String> {
    if !change_pct.is_finite() {
        return None;
    }
    let arrow = if change_pct > 0.05 {
        "▲ "
    } else if change_pct < -0.05 {
        "▼ "
    } else {
        ""
    };
    Some(format!("{arrow}{}", format_percent(change_pct.abs())))
}

/// Squares a table up: every row gets exactly one cell per column (extra cells are dropped, missing ones blank).
/// A table without columns has no rows to show.
fn table_view(table: &Table) -> TableView {
    let width = table.columns.len();
    let rows = if width == 0 { &[][..] } else { &table.rows[..] };
    let align =
        (0..width).map(|i| if table.numeric.get(i).copied().unwrap_or(false) { "right" } else { "left" }).collect();
    let rows = rows.iter().map(|row| (0..width).map(|i| row.get(i).cloned().unwrap_or_default()).collect()).collect();
    TableView { title: table.title.clone(), columns: table.columns.clone(), align, rows, flagged: Vec::new() }
}

fn sessions_per_click(sessions: u64, clicks: u64) -> String {
    metrics::sessions_per_click(sessions as i64, clicks as i64).map_or("–".to_string(), per_100)
}

/// `part` of `total` in percent; a small non-zero share never shows as 0.0 %.
fn share_text(part: u64, total: u64) -> String {
    if total == 0 {
        return "–".to_string();
    }
    let pct = part as f64 / total as f64 * 100.0;
    if part > 0 && pct < 0.05 {
        "< 0.1 %".to_string()
    } else {
        format_percent(pct)
    }
}

/// Sniffs the logo's format from its first bytes, so the template gets a file name Typst recognises.
fn logo_file(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("logo.png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("logo.jpg")
    } else {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
        head.contains("<svg").then_some("logo.svg")
    }
}

pub(crate) fn prepare(data: &ReportData, options: &Options) -> Result<Prepared, crate::ReportError> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    // Charts are drawn without their own caption: the template sets each title as a heading.
    let mut chart = |file: String, title: &str, svg: &dyn Fn(&str) -> String| {
        files.push((file.clone(), svg("").into_bytes()));
        ChartView { title: title.to_string(), file }
    };
    let time_series = chart("chart-time-series.svg".into(), &data.time_series.title, &|title| {
        time_series_svg(&TimeSeriesChart { title: title.to_string(), ..data.time_series.clone() })
    });
    let breakdowns = data
        .breakdowns
        .iter()
        .enumerate()
        .map(|(i, b)| {
            chart(format!("chart-breakdown-{i}.svg"), &b.title, &|title| {
                breakdown_svg(&BreakdownChart { title: title.to_string(), ..b.clone() })
            })
        })
        .collect();
    let discrepancy = &data.discrepancy;
    let waterfall = chart("chart-waterfall.svg".into(), &discrepancy.waterfall.title, &|title| {
        waterfall_svg(&WaterfallChart { title: title.to_string(), ..discrepancy.waterfall.clone() })
    });
    let control = chart("chart-control.svg".into(), &discrepancy.control.title, &|title| {
        control_chart_svg(&ControlChart { title: title.to_string(), ..discrepancy.control.clone() })
    });

    let campaigns = TableView {
        title: "Campaigns".to_string(),
        columns: ["Campaign", "Platform", "Ad clicks", "Sessions", "Per 100 clicks", "Flag"].map(String::from).to_vec(),
        align: vec!["left", "left", "right", "right", "right", "left"],
        rows: discrepancy
            .campaigns
            .iter()
            .map(|c| {
                vec![
                    c.campaign.clone(),
                    c.platform.clone(),
                    format_number(c.clicks as f64),
                    format_number(c.sessions as f64),
                    sessions_per_click(c.sessions, c.clicks),
                    c.flag.clone().unwrap_or_default(),
                ]
            })
            .collect(),
        flagged: discrepancy.campaigns.iter().enumerate().filter(|(_, c)| c.flag.is_some()).map(|(i, _)| i).collect(),
    };
    let sources = TableView {
        title: "Data sources".to_string(),
        columns: ["Source", "Format", "Rows imported", "Rows rejected", "Rejected"].map(String::from).to_vec(),
        align: vec!["left", "left", "right", "right", "right"],
        rows: data
            .methodology
            .sources
            .iter()
            .map(|s| {
                let share = share_text(s.rejects, s.rows + s.rejects);
                vec![
                    s.name.clone(),
                    s.format.clone(),
                    format_number(s.rows as f64),
                    format_number(s.rejects as f64),
                    share,
                ]
            })
            .collect(),
        flagged: Vec::new(),
    };

    let logo = match &options.logo {
        Some(bytes) => {
            let name = logo_file(bytes).ok_or(crate::ReportError::Logo)?;
            files.push((name.to_string(), bytes.clone()));
            Some(name.to_string())
        }
        None => None,
    };
    let view = View {
        title: options.title.as_deref().unwrap_or(&data.title),
        client: &data.client,
        agency: data.agency.as_deref(),
        verdict: data.verdict.as_deref(),
        findings: data.findings.as_deref().map(lines_of_paragraphs).unwrap_or_default(),
        has_previous: data.has_previous,
        sections: data.sections,
        project: &data.project,
        period: format!("{} – {}", long_date(&data.period.start), long_date(&data.period.end)),
        time_zone: &data.period.time_zone,
        prepared: report_date(&options.today),
        paper: match options.paper {
            Paper::A4 => "a4",
            Paper::Letter => "us-letter",
        },
        logo,
        rule_set: &data.rule_set,
        kpis: data
            .kpis
            .iter()
            .map(|k| KpiView {
                name: &k.name,
                value: &k.value,
                previous: k.previous.as_deref(),
                change: k.change_pct.and_then(change_text),
            })
            .collect(),
        time_series,
        breakdowns,
        tables: data.tables.iter().map(table_view).collect(),
        discrepancy: DiscrepancyView { paragraphs: paragraphs(&discrepancy.summary), waterfall, control, campaigns },
        methodology: MethodologyView {
            rules: &data.methodology.rules,
            time_zones: &data.methodology.time_zones,
            bot_filtering: paragraphs(&data.methodology.bot_filtering),
            sources,
        },
    };
    let json = serde_json::to_string(&view).map_err(|e| crate::ReportError::Data(e.to_string()))?;
    Ok(Prepared { json, files })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_words() {
        assert_eq!(long_date("2024-03-05"), "5 March 2024");
        assert_eq!(long_date("2024-00-05"), "2024-00-05");
        assert_eq!(long_date("last week"), "last week");
    }

    #[test]
    fn tables_are_squared_up() {
        let table = Table {
            title: "T".into(),
            columns: vec!["A".into(), "B".into()],
            rows: vec![vec!["1".into()], vec!["1".into(), "2".into(), "3".into()]],
            numeric: vec![false, true, true],
        };
        let view = table_view(&table);
        assert_eq!(view.rows, vec![vec!["1".to_string(), String::new()], vec!["1".into(), "2".into()]]);
        assert_eq!(view.align, vec!["left", "right"]);
    }

    #[test]
    fn changes_and_ratios() {
        assert_eq!(change_text(4.24).as_deref(), Some("▲ 4.2 %"));
        assert_eq!(change_text(-3.0).as_deref(), Some("▼ 3.0 %"));
        assert_eq!(change_text(0.0).as_deref(), Some("0.0 %"));
        assert_eq!(change_text(f64::NAN), None);
        assert_eq!(sessions_per_click(5, 0), "–");
        assert_eq!(sessions_per_click(9, 10), "90");
        assert_eq!(
            lines_of_paragraphs("Fix the redirect.\r\n- on /promo\n\n\n  Then check again.  \n"),
            [vec!["Fix the redirect.", "- on /promo"], vec!["Then check again."]]
        );
        assert_eq!(share_text(12, 412_392), "< 0.1 %");
        assert_eq!(share_text(0, 10), "0.0 %");
        assert_eq!(share_text(0, 0), "–");
    }

    #[test]
    fn logo_formats_are_sniffed() {
        assert_eq!(logo_file(b"\x89PNG\r\n\x1a\nrest"), Some("logo.png"));
        assert_eq!(logo_file(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("logo.jpg"));
        assert_eq!(logo_file(b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>"), Some("logo.svg"));
        assert_eq!(logo_file(b"GIF89a"), None);
    }

    #[test]
    fn paragraphs_split_at_blank_lines() {
        assert_eq!(paragraphs("One\nline.\n\n\n  Two. \n"), vec!["One line.", "Two."]);
    }
}
