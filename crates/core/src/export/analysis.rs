//! Exports of the analysis tables: a [`MetricsReport`] and the tables of a
//! [`DiscrepancyReport`]. Every value is written as the engine computed it: counts as integers,
//! rates and ratios as fractions (`0.4213` is 42.13 %), money in the currency's units. Days are
//! ISO dates (`2024-03-01`) of the view time zone, named in the `time_zone` column. An empty
//! cell means "not defined" (a rate without sessions, clicks where ad data has no key).
//!
//! **Metrics** ([`write_metrics`]), one row per key of the report's dimensions (one row of
//! totals without dimensions): first one column per dimension, named after it (`day`, `week`,
//! `month`, `hour`, `channel`, `source_medium`, `campaign`, `landing_page`, `exit_page`,
//! `device`); then `sessions`, `users`, `new_users`, `pageviews`, `pages_per_session`,
//! `avg_session_duration_s`, `bounces`, `bounce_rate`, `engaged_sessions`, `engagement_rate`,
//! `conversions`, `converting_sessions`, `conversion_rate`, `clicks`, `cost`,
//! `cost_per_session`; with a previous period, the same figures again as `previous_sessions`,
//! `previous_users`, ... and the changes `change_sessions`, `change_users`, `change_new_users`,
//! `change_pageviews`, `change_avg_session_duration_s`, `change_bounce_rate_points`,
//! `change_engagement_rate_points`, `change_conversions`, `change_conversion_rate_points`,
//! `change_clicks`, `change_cost` (relative: 0.25 = +25 %; `_points`: difference of two rates);
//! last `currency`, `period_start`, `period_end`, `time_zone`.
//!
//! **Discrepancy** ([`write_discrepancy`]), one of four [`DiscrepancyTable`]s:
//! - `ratios`: `campaign`, `platform`, `date`, `clicks`, `sessions`, `ratio`, `outside_band`,
//!   `control_flag`, `flagged`, `band_low`, `band_high`, `time_zone` (campaign or date empty as
//!   the breakdown has none);
//! - `campaigns`: `platform`, `campaign`, `campaign_id`, `matched_utm_campaigns`, `click_level`,
//!   `clicks`, the waterfall steps `tags_lost`, `no_landing_hit`, `folded_into_open_session`,
//!   `extra_sessions_from_one_click`, `sessions_without_click`, `bot_landings`, `bot_sessions`,
//!   `residual`, then `sessions`, `ratio`, `outside_band`, `period_start`, `period_end`,
//!   `time_zone`;
//! - `waterfall`: `step`, `count`, `separable`, `explanation`, `example` — from `clicks` through
//!   each step to `sessions`, over all campaigns;
//! - `unmatched`: `kind` (`ad_campaign` or `utm_campaign`), `platform`, `campaign`,
//!   `campaign_id`, `clicks`, `sessions`, `suggestion`, `source`, `medium`.

use std::io::Write;
use std::str::FromStr;

use super::{Column, CsvExport};
use crate::discrepancy::DiscrepancyReport;
use crate::error::{Error, Result};
use crate::metrics::{MetricChanges, MetricValues, MetricsReport};
use crate::time::DateRange;

const fn col(name: &'static str, meaning: &'static str) -> Column {
    Column { name, meaning }
}

type ValueCell = fn(&MetricValues) -> String;
type ChangeCell = fn(&MetricChanges) -> String;

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map_or(String::new(), |v| v.to_string())
}

/// Millionths of a currency unit as an exact decimal: 6_000_000 → `6`, 1_505_000 → `1.505`.
pub fn money(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let (units, fraction) = (micros.unsigned_abs() / 1_000_000, micros.unsigned_abs() % 1_000_000);
    if fraction == 0 {
        format!("{sign}{units}")
    } else {
        format!("{sign}{units}.{}", format!("{fraction:06}").trim_end_matches('0'))
    }
}

const VALUE_COLUMNS: [(Column, ValueCell); 16] = [
    (col("sessions", "sessions starting in the row"), |v| v.sessions.to_string()),
    (col("users", "distinct visitors with a session in the row"), |v| v.users.to_string()),
    (col("new_users", "sessions that are their visitor's first in the data"), |v| v.new_users.to_string()),
    (col("pageviews", "page views"), |v| v.pageviews.to_string()),
    (col("pages_per_session", "page views per session"), |v| opt(v.pages_per_session)),
    (col("avg_session_duration_s", "mean session duration, seconds"), |v| opt(v.avg_session_duration_s)),
    (col("bounces", "bounced sessions"), |v| v.bounces.to_string()),
    (col("bounce_rate", "bounces / sessions (empty under the bounce rule `none`)"), |v| opt(v.bounce_rate)),
    (col("engaged_sessions", "engaged sessions"), |v| v.engaged_sessions.to_string()),
    (col("engagement_rate", "engaged sessions / sessions"), |v| opt(v.engagement_rate)),
    (col("conversions", "hits matching the conversion goals"), |v| v.conversions.to_string()),
    (col("converting_sessions", "sessions with at least one conversion"), |v| v.converting_sessions.to_string()),
    (col("conversion_rate", "converting sessions / sessions"), |v| opt(v.conversion_rate)),
    (col("clicks", "ad clicks (empty where ad data has no key under the dimensions)"), |v| opt(v.clicks)),
    (col("cost", "ad cost in `currency` units"), |v| v.cost_micros.map_or(String::new(), money)),
    (col("cost_per_session", "cost / sessions"), |v| opt(v.cost_per_session)),
];

const CHANGE_COLUMNS: [(Column, ChangeCell); 11] = [
    (col("change_sessions", "relative change from the previous period (0.25 = +25 %)"), |c| opt(c.sessions)),
    (col("change_users", "relative change"), |c| opt(c.users)),
    (col("change_new_users", "relative change"), |c| opt(c.new_users)),
    (col("change_pageviews", "relative change"), |c| opt(c.pageviews)),
    (col("change_avg_session_duration_s", "relative change"), |c| opt(c.avg_session_duration_s)),
    (col("change_bounce_rate_points", "bounce rate minus the previous one"), |c| opt(c.bounce_rate_points)),
    (col("change_engagement_rate_points", "engagement rate minus the previous one"), |c| opt(c.engagement_rate_points)),
    (col("change_conversions", "relative change"), |c| opt(c.conversions)),
    (col("change_conversion_rate_points", "conversion rate minus the previous one"), |c| opt(c.conversion_rate_points)),
    (col("change_clicks", "relative change"), |c| opt(c.clicks)),
    (col("change_cost", "relative change"), |c| opt(c.cost_micros)),
];

const PERIOD_COLUMNS: [Column; 3] = [
    col("period_start", "first day of the period (view time zone)"),
    col("period_end", "last day of the period, inclusive"),
    col("time_zone", "the view time zone days and hours are counted in"),
];

/// The metrics export's columns in general form, for `--help`: the dimension columns as one
/// entry, the `previous_` figures as one.
pub fn metrics_columns_help() -> Vec<Column> {
    let mut out = vec![col(
        "<dimension>",
        "one column per dimension, named after it: day, week, month, hour, channel, source_medium, campaign, \
         landing_page, exit_page, device",
    )];
    out.extend(VALUE_COLUMNS.iter().map(|(c, _)| *c));
    out.push(col("previous_<figure>", "each figure above for the previous period (with a comparison)"));
    out.extend(CHANGE_COLUMNS.iter().map(|(c, _)| *c));
    out.push(col("currency", "currency of cost"));
    out.extend(PERIOD_COLUMNS);
    out
}

fn period_cells(period: Option<DateRange>, time_zone: &str) -> [String; 3] {
    [opt(period.map(|p| p.from)), opt(period.map(|p| p.to)), time_zone.to_string()]
}

/// The header of a metrics export of `report`.
pub fn metrics_header(report: &MetricsReport) -> Vec<String> {
    let compare = report.previous_period.is_some();
    let mut header: Vec<String> = report.dimensions.iter().map(|d| d.as_str().replace('-', "_")).collect();
    header.extend(VALUE_COLUMNS.iter().map(|(c, _)| c.name.to_string()));
    if compare {
        header.extend(VALUE_COLUMNS.iter().map(|(c, _)| format!("previous_{}", c.name)));
        header.extend(CHANGE_COLUMNS.iter().map(|(c, _)| c.name.to_string()));
    }
    header.push("currency".into());
    header.extend(PERIOD_COLUMNS.iter().map(|c| c.name.to_string()));
    header
}

/// `report` as CSV: its rows, or its totals when it has no dimensions. Returns the row count.
pub fn write_metrics<W: Write>(csv: &mut CsvExport<W>, report: &MetricsReport) -> Result<u64> {
    csv.record(&metrics_header(report))?;
    let compare = report.previous_period.is_some();
    let period = period_cells(report.period, &report.time_zone);
    let line =
        |keys: &[String], now: &MetricValues, previous: Option<&MetricValues>, change: Option<&MetricChanges>| {
            let mut cells: Vec<String> = keys.to_vec();
            cells.extend(VALUE_COLUMNS.iter().map(|(_, cell)| cell(now)));
            if compare {
                let empty = MetricValues::default();
                let before = previous.unwrap_or(&empty);
                cells.extend(
                    VALUE_COLUMNS.iter().map(|(_, cell)| if previous.is_some() { cell(before) } else { String::new() }),
                );
                cells.extend(CHANGE_COLUMNS.iter().map(|(_, cell)| change.map_or(String::new(), cell)));
            }
            cells.push(report.currency.clone().unwrap_or_default());
            cells.extend(period.iter().cloned());
            cells
        };
    if report.dimensions.is_empty() {
        csv.record(&line(&[], &report.totals, report.previous_totals.as_ref(), report.totals_change.as_ref()))?;
        return Ok(1);
    }
    for row in &report.rows {
        csv.record(&line(&row.keys, &row.values, row.previous.as_ref(), row.change.as_ref()))?;
    }
    Ok(report.rows.len() as u64)
}

/// Which table of a discrepancy report to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiscrepancyTable {
    Ratios,
    Campaigns,
    Waterfall,
    Unmatched,
}

impl DiscrepancyTable {
    pub const ALL: [DiscrepancyTable; 4] = [
        DiscrepancyTable::Ratios,
        DiscrepancyTable::Campaigns,
        DiscrepancyTable::Waterfall,
        DiscrepancyTable::Unmatched,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DiscrepancyTable::Ratios => "ratios",
            DiscrepancyTable::Campaigns => "campaigns",
            DiscrepancyTable::Waterfall => "waterfall",
            DiscrepancyTable::Unmatched => "unmatched",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            DiscrepancyTable::Ratios => &RATIO_COLUMNS,
            DiscrepancyTable::Campaigns => &CAMPAIGN_COLUMNS,
            DiscrepancyTable::Waterfall => &WATERFALL_COLUMNS,
            DiscrepancyTable::Unmatched => &UNMATCHED_COLUMNS,
        }
    }
}

impl FromStr for DiscrepancyTable {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        DiscrepancyTable::ALL.into_iter().find(|t| t.as_str() == s.trim()).ok_or_else(|| {
            Error::InvalidInput(format!("'{s}' is not a discrepancy table (ratios, campaigns, waterfall, unmatched)"))
        })
    }
}

const RATIO_COLUMNS: [Column; 12] = [
    col("campaign", "ad campaign (empty in rows by day only)"),
    col("platform", "ad platform"),
    col("date", "day of the view time zone (empty in rows by campaign only)"),
    col("clicks", "ad clicks"),
    col("sessions", "sessions counted for the clicks"),
    col("ratio", "sessions / clicks (empty without clicks)"),
    col("outside_band", "true when the ratio is outside the expected band"),
    col("control_flag", "true when a day's ratio is outside mean ± 3σ of the period's days"),
    col("flagged", "outside_band or control_flag"),
    col("band_low", "expected ratio, lower end"),
    col("band_high", "expected ratio, upper end"),
    col("time_zone", "the view time zone"),
];

const CAMPAIGN_COLUMNS: [Column; 20] = [
    col("platform", "ad platform"),
    col("campaign", "ad campaign name"),
    col("campaign_id", "the platform's campaign id"),
    col("matched_utm_campaigns", "utm_campaign values matched to it, separated by '; '"),
    col("click_level", "true when matched click by click through a click export"),
    col("clicks", "ad clicks"),
    col("tags_lost", "waterfall step: clicks whose tags a redirect or link lost (negative)"),
    col("no_landing_hit", "waterfall step: clicks no hit arrived for (negative)"),
    col("folded_into_open_session", "waterfall step: clicks inside a session already open (negative)"),
    col("extra_sessions_from_one_click", "waterfall step: more than one session from a click"),
    col("sessions_without_click", "waterfall step: sessions with the campaign and no click"),
    col("bot_landings", "waterfall step: clicks that arrived only as bot hits (negative)"),
    col("bot_sessions", "waterfall step: bot sessions carrying the campaign"),
    col("residual", "waterfall step: what daily totals cannot split"),
    col("sessions", "sessions: clicks plus every step"),
    col("ratio", "sessions / clicks"),
    col("outside_band", "true when the ratio is outside the expected band"),
    col("period_start", "first day (view time zone)"),
    col("period_end", "last day, inclusive"),
    col("time_zone", "the view time zone"),
];

const WATERFALL_COLUMNS: [Column; 5] = [
    col("step", "clicks, a waterfall step, or sessions"),
    col("count", "the clicks, the step's effect (negative takes away), or the sessions"),
    col("separable", "false where daily totals hide part of the step in the residual"),
    col("explanation", "what the step is, in words"),
    col("example", "the first example behind the step, in words"),
];

const UNMATCHED_COLUMNS: [Column; 9] = [
    col("kind", "ad_campaign (no utm_campaign matched it) or utm_campaign (no ad campaign matched it)"),
    col("platform", "ad platform (ad_campaign rows)"),
    col("campaign", "the unmatched name"),
    col("campaign_id", "the platform's campaign id (ad_campaign rows)"),
    col("clicks", "ad clicks (ad_campaign rows)"),
    col("sessions", "sessions (utm_campaign rows)"),
    col("suggestion", "the utm_campaign that shares most words with it, to map"),
    col("source", "utm_source (utm_campaign rows)"),
    col("medium", "utm_medium (utm_campaign rows)"),
];

/// One table of `report` as CSV; returns the row count.
pub fn write_discrepancy<W: Write>(
    csv: &mut CsvExport<W>,
    report: &DiscrepancyReport,
    table: DiscrepancyTable,
) -> Result<u64> {
    csv.header(table.columns())?;
    let period = period_cells(report.period, &report.time_zone);
    let mut rows = 0u64;
    let mut put = |csv: &mut CsvExport<W>, cells: Vec<String>| {
        rows += 1;
        csv.record(&cells)
    };
    match table {
        DiscrepancyTable::Ratios => {
            for r in &report.rows {
                put(
                    csv,
                    vec![
                        r.campaign.clone().unwrap_or_default(),
                        r.platform.clone().unwrap_or_default(),
                        opt(r.date),
                        r.clicks.to_string(),
                        r.sessions.to_string(),
                        opt(r.ratio),
                        r.outside_band.to_string(),
                        r.control_flag.to_string(),
                        r.flagged.to_string(),
                        report.band.low.to_string(),
                        report.band.high.to_string(),
                        report.time_zone.clone(),
                    ],
                )?;
            }
        }
        DiscrepancyTable::Campaigns => {
            for c in &report.campaigns {
                let mut cells = vec![
                    c.platform.clone(),
                    c.campaign.clone(),
                    c.campaign_id.clone(),
                    c.matched.iter().map(|m| m.utm_campaign.as_str()).collect::<Vec<_>>().join("; "),
                    c.click_level.to_string(),
                    c.clicks.to_string(),
                ];
                cells.extend(c.waterfall.steps().iter().map(|s| s.step.count.to_string()));
                cells.extend([c.sessions.to_string(), opt(c.ratio), c.outside_band.to_string()]);
                cells.extend(period.iter().cloned());
                put(csv, cells)?;
            }
        }
        DiscrepancyTable::Waterfall => {
            let w = &report.waterfall;
            let total = |name: &str, count: i64, explanation: &str| {
                vec![name.into(), count.to_string(), "true".into(), explanation.into(), String::new()]
            };
            put(csv, total("clicks", w.clicks, "ad clicks reported by the ad platforms"))?;
            for named in w.steps() {
                let step = named.step;
                put(
                    csv,
                    vec![
                        named.id.to_string(),
                        step.count.to_string(),
                        step.separable.to_string(),
                        step.explanation.clone(),
                        step.examples.first().map_or(String::new(), |e| e.summary.clone()),
                    ],
                )?;
            }
            put(csv, total("sessions", w.sessions, "sessions counted for the campaigns"))?;
        }
        DiscrepancyTable::Unmatched => {
            for u in &report.unmatched {
                put(
                    csv,
                    vec![
                        "ad_campaign".into(),
                        u.platform.clone(),
                        u.campaign.clone(),
                        u.campaign_id.clone(),
                        u.clicks.to_string(),
                        String::new(),
                        u.suggestion.clone().unwrap_or_default(),
                        String::new(),
                        String::new(),
                    ],
                )?;
            }
            for u in &report.unmatched_utm {
                put(
                    csv,
                    vec![
                        "utm_campaign".into(),
                        String::new(),
                        u.utm_campaign.clone(),
                        String::new(),
                        String::new(),
                        u.sessions.to_string(),
                        String::new(),
                        u.source.clone(),
                        u.medium.clone(),
                    ],
                )?;
            }
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_is_named_in_the_module_doc() {
        let doc: String = include_str!("analysis.rs").lines().take_while(|l| l.starts_with("//!")).collect();
        let fixed =
            VALUE_COLUMNS.iter().map(|(c, _)| c).chain(CHANGE_COLUMNS.iter().map(|(c, _)| c)).chain(&PERIOD_COLUMNS);
        for c in fixed.chain(DiscrepancyTable::ALL.iter().flat_map(|t| t.columns())) {
            assert!(doc.contains(&format!("`{}`", c.name)), "{} is not documented", c.name);
        }
        for d in crate::metrics::Dimension::ALL {
            assert!(doc.contains(&format!("`{}`", d.as_str().replace('-', "_"))), "{d:?}");
        }
        for t in DiscrepancyTable::ALL {
            assert_eq!(t.as_str().parse::<DiscrepancyTable>().unwrap(), t);
        }
        assert!("rows".parse::<DiscrepancyTable>().is_err());
    }

    #[test]
    fn money_is_exact() {
        assert_eq!(money(6_000_000), "6");
        assert_eq!(money(1_505_000), "1.505");
        assert_eq!(money(10), "0.00001");
        assert_eq!(money(-2_500_000), "-2.5");
        assert_eq!(money(i64::MIN), "-9223372036854.775808");
    }
}
