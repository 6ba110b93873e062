//! From a project to [`ReportData`]: the sessions of one rule set over one period of view days, with every number
//! taken from the core — totals and their change from [`Reports`], the daily series and the channel and campaign
//! tables from [`Reports`] by dimension, the waterfall, campaign flags and daily ratios from [`discrepancy`], row
//! counts from [`Project::info`]. This module computes nothing of its own: it picks, orders, words and formats.
//!
//! [`build_report`] loads, sessionizes and builds in one call (what the CLI and the app's "Export PDF" button
//! call); [`build`] does the same from data already in memory.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use sessionlens_charts::{
    format_number, format_percent, format_signed, BreakdownChart, BreakdownRow, ControlChart, DailyCounts, RatioPoint,
    TimeSeriesChart, WaterfallChart, WaterfallStep,
};
use sessionlens_core::conversion::ConversionGoals;
use sessionlens_core::discrepancy::{discrepancy, Band, Breakdown, DiscrepancyOptions, DiscrepancyReport, Waterfall};
use sessionlens_core::metrics::{Dimension, MetricRow, MetricValues, MetricsQuery, MetricsReport, Reports};
use sessionlens_core::model::platform;
use sessionlens_core::sessionize::{sessionize, HitTable, RuleSet, Sessionized, RULES};
use sessionlens_core::store::ads::AdData;
use sessionlens_core::store::ProjectInfo;
use sessionlens_core::time::DateRange as ViewDays;
use sessionlens_core::Project;

use crate::data::{
    CampaignRow, DataSource, DateRange, Discrepancy, Kpi, Methodology, NameValue, ReportData, RuleSet as RuleWords,
    Sections, Table,
};
use crate::ReportError;

/// Most rows a campaign table shows; the rest are counted in its title.
pub const MAX_CAMPAIGN_ROWS: usize = 100;

/// What to report on.
#[derive(Clone, Debug)]
pub struct ReportRequest {
    pub rules: RuleSet,
    /// Days of the view time zone; `None` is every day with sessions or ad data.
    pub range: Option<ViewDays>,
    /// The sessions per click a campaign is expected to have.
    pub band: Band,
    /// Who the report is for; the project's name when `None`.
    pub client: Option<String>,
    /// Who prepared it (an agency), for the cover.
    pub agency: Option<String>,
    /// The cover's headline; "Sessions and ad clicks" when `None`.
    pub title: Option<String>,
    /// Findings and next steps in the preparer's words, for the summary page.
    pub findings: Option<String>,
    /// The parts printed after the cover and the summary.
    pub sections: Sections,
    /// Conversion goals besides the project's stored ones and the rule set's key events.
    pub extra_goals: ConversionGoals,
}

impl ReportRequest {
    pub fn new(rules: RuleSet) -> ReportRequest {
        ReportRequest {
            rules,
            range: None,
            band: Band::default(),
            client: None,
            agency: None,
            title: None,
            findings: None,
            sections: Sections::default(),
            extra_goals: ConversionGoals::default(),
        }
    }
}

/// The data a report is built from, already loaded.
pub struct Inputs<'a> {
    pub table: &'a HitTable,
    /// A sessionization of `table` under the request's rules.
    pub sessions: &'a Sessionized,
    pub ads: &'a AdData,
    pub info: &'a ProjectInfo,
    /// The project's name for the cover.
    pub project: &'a str,
    /// Every conversion goal (stored, key events, extra).
    pub goals: ConversionGoals,
}

/// Loads `project`, sessionizes it under the request's rules and builds the report.
pub fn build_report(project: &Project, request: &ReportRequest) -> Result<ReportData, ReportError> {
    let table = project.load_hits()?;
    let sessions = sessionize(&table, &request.rules)?;
    let ads = project.load_ads()?;
    let info = project.info()?;
    let goals = project.conversion_goals()?.with_rules(&request.rules).merged(&request.extra_goals);
    let name = project.path().and_then(|p| p.file_stem()).map(|s| s.to_string_lossy().into_owned());
    let inputs = Inputs {
        table: &table,
        sessions: &sessions,
        ads: &ads,
        info: &info,
        project: name.as_deref().unwrap_or("project"),
        goals,
    };
    build(&inputs, request)
}

/// The report of `inputs` as `request` asks.
pub fn build(inputs: &Inputs<'_>, request: &ReportRequest) -> Result<ReportData, ReportError> {
    let reports = Reports::new(inputs.table, inputs.sessions, inputs.ads, inputs.goals.clone())?;
    let query = |dimensions: Vec<Dimension>, compare_previous: bool| MetricsQuery {
        dimensions,
        range: request.range,
        compare_previous,
    };
    let run = |q: MetricsQuery| reports.report(&q);
    let totals = run(query(Vec::new(), true))?;
    let period = totals
        .period
        .ok_or_else(|| ReportError::Data("the project holds no sessions and no ad data to report on".to_string()))?;
    let daily = run(query(vec![Dimension::Day], false))?;
    let channels = run(query(vec![Dimension::Channel], true))?;
    let campaigns = run(query(vec![Dimension::Campaign], true))?;
    let options = DiscrepancyOptions { by: Breakdown::Day, band: request.band, range: Some(period), examples: 0 };
    let gap = discrepancy(inputs.table, inputs.sessions, inputs.ads, &options)?;
    let rules = &inputs.sessions.rules;
    // Ad figures lead the summary only when the period has ad clicks; a project's ads for other days say nothing here.
    let has_ads = totals.totals.clicks.is_some_and(|c| c > 0);

    let summary_rules = RULES
        .iter()
        .filter(|rule| rule.main)
        .map(|rule| NameValue { name: rule.title.to_string(), value: rule.words(rules) })
        .collect();
    let client = request.client.clone().unwrap_or_else(|| inputs.project.to_string());
    Ok(ReportData {
        title: request.title.clone().unwrap_or_else(|| "Sessions and ad clicks".to_string()),
        client,
        agency: given(&request.agency),
        verdict: has_ads.then(|| gap.verdict.clone()),
        findings: given(&request.findings),
        sections: request.sections,
        project: inputs.project.to_string(),
        period: DateRange {
            start: period.from.to_string(),
            end: period.to.to_string(),
            time_zone: totals.time_zone.clone(),
        },
        rule_set: RuleWords { name: rules.title(), rules: summary_rules },
        has_previous: previous_totals(&totals).is_some(),
        kpis: kpis(&totals, &gap, has_ads),
        time_series: time_series(&daily, period),
        breakdowns: vec![BreakdownChart {
            title: "Sessions by channel".to_string(),
            value_label: "Sessions".to_string(),
            rows: channels
                .rows
                .iter()
                .map(|r| BreakdownRow { label: key(r), value: r.values.sessions as f64 })
                .collect(),
        }],
        tables: vec![
            metric_table("Channels", "Channel", &channels, usize::MAX),
            metric_table("Campaigns", "Campaign", &campaigns, MAX_CAMPAIGN_ROWS),
        ],
        discrepancy: Discrepancy {
            summary: gap_summary(&gap, period, rules),
            waterfall: waterfall_chart(&gap.waterfall),
            control: ControlChart {
                title: "Sessions per 100 ad clicks, day by day".to_string(),
                points: gap
                    .rows
                    .iter()
                    .filter_map(|r| Some(RatioPoint { date: r.date?.to_string(), ratio_pct: r.ratio? * 100.0 }))
                    .collect(),
                expected_low_pct: gap.band.low * 100.0,
                expected_high_pct: gap.band.high * 100.0,
            },
            campaigns: campaign_rows(&gap),
        },
        methodology: Methodology {
            rules: rule_words(rules),
            time_zones: time_zones(&gap),
            bot_filtering: bot_filtering(rules, inputs.sessions),
            sources: inputs
                .info
                .files
                .iter()
                .map(|f| DataSource {
                    name: f.name.clone(),
                    format: sessionlens_core::import::format_name(&f.format).to_string(),
                    rows: f.rows_imported.max(0) as u64,
                    rejects: f.rows_rejected.max(0) as u64,
                })
                .collect(),
        },
    })
}

/// A text the user gave, unless it is blank.
fn given(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(String::from)
}

fn count(n: u64) -> String {
    format_number(n as f64)
}

/// A fraction (0.42) as `42.0 %`.
fn rate(value: Option<f64>) -> String {
    value.map_or("–".to_string(), |v| format_percent(v * 100.0))
}

fn key(row: &MetricRow) -> String {
    row.keys.join(" · ")
}

/// The rate a report shows for how sessions went: bounce rate, or engagement where the rules define no bounce.
fn quality(rules_bounce: bool) -> (&'static str, fn(&MetricValues) -> Option<f64>) {
    if rules_bounce {
        ("Bounce rate", |v| v.bounce_rate)
    } else {
        ("Engagement rate", |v| v.engagement_rate)
    }
}

/// The summary's key figures. With ad data: all sessions, sessions from ads, clicks, sessions per 100 clicks, and
/// cost, cost per click, conversions and cost per conversion where the data has them; without: how the site did.
/// A figure shows its previous value only where the previous period has data.
fn kpis(totals: &MetricsReport, gap: &DiscrepancyReport, has_ads: bool) -> Vec<Kpi> {
    let now = &totals.totals;
    let previous = previous_totals(totals);
    let change = totals.totals_change.as_ref().filter(|_| previous.is_some());
    let figure = |name: &str, value: String| Kpi { name: name.to_string(), value, previous: None, change_pct: None };
    let counted = |name: &str, value: fn(&MetricValues) -> u64, relative: Option<f64>| Kpi {
        previous: previous.map(|p| count(value(p))),
        change_pct: relative.map(|c| c * 100.0),
        ..figure(name, count(value(now)))
    };
    let money = |micros: i64| money(micros, totals.currency.as_deref());
    let (quality_name, quality_value) = quality(now.bounce_rate.is_some());
    // A rate's change is in points, not relative: the tile shows the previous value and no arrow.
    let quality_kpi =
        Kpi { previous: previous.map(|p| rate(quality_value(p))), ..figure(quality_name, rate(quality_value(now))) };
    if !has_ads {
        return vec![
            counted("All sessions", |v| v.sessions, change.and_then(|c| c.sessions)),
            counted("Users", |v| v.users, change.and_then(|c| c.users)),
            counted("Pageviews", |v| v.pageviews, change.and_then(|c| c.pageviews)),
            quality_kpi,
            counted("Conversions", |v| v.conversions, change.and_then(|c| c.conversions)),
        ];
    }
    let clicks = now.clicks.unwrap_or(0);
    let mut out = vec![
        counted("All sessions", |v| v.sessions, change.and_then(|c| c.sessions)),
        figure("Sessions from ads", count(gap.waterfall.sessions.max(0) as u64)),
        Kpi {
            previous: previous.map(|p| count(p.clicks.unwrap_or(0).max(0) as u64)),
            change_pct: change.and_then(|c| c.clicks).map(|c| c * 100.0),
            ..figure("Ad clicks", count(clicks.max(0) as u64))
        },
        figure("Sessions per 100 ad clicks", gap.click_to_session().map_or("–".into(), per_100)),
    ];
    if let Some(cost) = now.cost_micros {
        out.push(figure("Cost", money(cost)));
        if clicks > 0 {
            out.push(figure("Cost per click", money(cost / clicks)));
        }
    }
    out.push(counted("Conversions", |v| v.conversions, change.and_then(|c| c.conversions)));
    if let (Some(cost), conversions @ 1..) = (now.cost_micros, now.conversions) {
        out.push(figure("Cost per conversion", money(cost / conversions as i64)));
    }
    out
}

/// The previous period's totals, when it has any sessions or clicks to compare with.
fn previous_totals(totals: &MetricsReport) -> Option<&MetricValues> {
    totals.previous_totals.as_ref().filter(|p| p.sessions > 0 || p.clicks.is_some_and(|c| c > 0))
}

/// Sessions per click as sessions per 100 clicks: `0.79` → `79`.
pub(crate) fn per_100(ratio: f64) -> String {
    format_number((ratio * 100.0).round())
}

/// An amount of money in micros as `1,388.58 USD` (two decimals, grouped thousands).
fn money(micros: i64, currency: Option<&str>) -> String {
    let cents = (micros as f64 / 10_000.0).round() as i64;
    let units = format_number((cents.abs() / 100) as f64);
    let sign = if cents < 0 { "\u{2212}" } else { "" };
    let amount = format!("{sign}{units}.{:02}", cents.abs() % 100);
    match currency {
        Some(code) => format!("{amount} {code}"),
        None => amount,
    }
}

/// Every day of the period, with zero sessions on days without any (an outage shows as a gap to zero, never
/// vanishes); clicks are absent (not zero) without ad data. The app's dashboard draws the same chart.
pub fn time_series(daily: &MetricsReport, period: ViewDays) -> TimeSeriesChart {
    let rows: HashMap<&str, &MetricValues> =
        daily.rows.iter().filter_map(|r| Some((r.keys.first()?.as_str(), &r.values))).collect();
    let mut days = Vec::new();
    let mut date = period.from;
    let no_clicks = if daily.totals.clicks.is_some() { 0.0 } else { f64::NAN };
    while date <= period.to {
        let text = date.to_string();
        let values = rows.get(text.as_str());
        days.push(DailyCounts {
            sessions: values.map_or(0.0, |v| v.sessions as f64),
            clicks: values.and_then(|v| v.clicks).map_or(no_clicks, |c| c as f64),
            date: text,
        });
        match date.checked_add_signed(Duration::days(1)) {
            Some(next) => date = next,
            None => break,
        }
    }
    TimeSeriesChart { title: "Sessions and ad clicks per day".to_string(), days }
}

fn metric_table(title: &str, dimension: &str, report: &MetricsReport, max_rows: usize) -> Table {
    let (quality_name, quality_value) = quality(report.totals.bounce_rate.is_some());
    let cost = match &report.currency {
        Some(c) => format!("Cost ({c})"),
        None => "Cost".to_string(),
    };
    let columns = [dimension, "Sessions", "vs previous", "Users", quality_name, "Conversions", "Ad clicks", &cost];
    let rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .take(max_rows)
        .map(|r| {
            let v = &r.values;
            let change = match (r.change.as_ref().and_then(|c| c.sessions), &r.previous) {
                (Some(c), _) => format_signed(c * 100.0) + " %",
                (None, Some(p)) if p.sessions == 0 && v.sessions > 0 => "new".to_string(),
                _ => "–".to_string(),
            };
            vec![
                key(r),
                count(v.sessions),
                change,
                count(v.users),
                rate(quality_value(v)),
                count(v.conversions),
                v.clicks.map_or("–".to_string(), |c| format_number(c as f64)),
                v.cost_micros.map_or("–".to_string(), |m| format!("{:.2}", m as f64 / 1e6)),
            ]
        })
        .collect();
    let title = if report.rows.len() > rows.len() {
        format!("{title}: the {} with most sessions of {}", rows.len(), report.rows.len())
    } else {
        title.to_string()
    };
    Table {
        title,
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
        numeric: vec![false, true, true, true, true, true, true, true],
    }
}

/// The waterfall from ad clicks to sessions, as the report and the app draw it.
pub fn waterfall_chart(w: &Waterfall) -> WaterfallChart {
    WaterfallChart {
        title: "From ad clicks to sessions".to_string(),
        start_label: "Ad clicks".to_string(),
        start_value: w.clicks as f64,
        steps: w
            .steps()
            .iter()
            .filter(|s| s.step.count != 0)
            .map(|s| WaterfallStep { label: s.label.to_string(), value: s.step.count as f64 })
            .collect(),
        end_label: "Sessions".to_string(),
    }
}

fn band_text(band: Band) -> String {
    format!("{:.0}–{:.0} %", band.low * 100.0, band.high * 100.0)
}

fn campaign_rows(gap: &DiscrepancyReport) -> Vec<CampaignRow> {
    gap.campaigns
        .iter()
        .map(|c| {
            let unmatched = gap.unmatched.iter().any(|u| u.platform == c.platform && u.campaign == c.campaign);
            let flag = if unmatched {
                Some("Matches no utm_campaign".to_string())
            } else if c.outside_band {
                let side = if c.ratio.is_some_and(|r| r < gap.band.low) { "Below" } else { "Above" };
                Some(format!("{side} the expected {}", band_text(gap.band)))
            } else {
                None
            };
            CampaignRow {
                campaign: c.campaign.clone(),
                platform: platform::name(&c.platform).to_string(),
                clicks: c.clicks.max(0) as u64,
                sessions: c.sessions.max(0) as u64,
                flag,
            }
        })
        .collect()
}

fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The discrepancy in words: the verdict, each flagged campaign's verdict, the flagged days and the notes.
fn gap_summary(gap: &DiscrepancyReport, period: ViewDays, rules: &RuleSet) -> String {
    let w = &gap.waterfall;
    if w.clicks == 0 && w.sessions == 0 {
        let mut text = format!(
            "There are no ad clicks and no campaign sessions to compare from {} to {}.",
            long_date(period.from),
            long_date(period.to)
        );
        for note in &gap.notes {
            text.push_str(&format!("\n\nNote: {note}."));
        }
        return text;
    }
    // The core's verdicts, the report's and each flagged campaign's, with the period and rules.
    let mut paragraphs = vec![format!(
        "{} to {}, {} rules. {}",
        long_date(period.from),
        long_date(period.to),
        rules.title(),
        gap.verdict
    )];
    paragraphs.extend(gap.campaigns.iter().filter(|c| c.outside_band).take(5).map(|c| c.verdict.clone()));
    let days: Vec<String> = gap.rows.iter().filter(|r| r.control_flag).filter_map(|r| r.date).map(long_date).collect();
    if !days.is_empty() {
        paragraphs.push(format!(
            "Days far from the period's usual sessions per 100 clicks (worth a look for tracking or ad changes): {}.",
            and_list(&days)
        ));
    }
    for note in &gap.notes {
        paragraphs.push(format!("Note: {note}."));
    }
    paragraphs.join("\n\n")
}

/// Every rule of `rules` in words, in the catalogue's order, the preset first.
pub fn rule_words(rules: &RuleSet) -> Vec<NameValue> {
    let preset = NameValue { name: "Platform rules".to_string(), value: rules.title() };
    std::iter::once(preset)
        .chain(RULES.iter().map(|rule| NameValue { name: rule.title.to_string(), value: rule.words(rules) }))
        .collect()
}

fn time_zones(gap: &DiscrepancyReport) -> Vec<NameValue> {
    let mut out = vec![NameValue {
        name: "Report".to_string(),
        value: format!("{} (all days and times in this report)", gap.time_zone),
    }];
    for z in &gap.time_zones {
        let account = if z.account.is_empty() { String::new() } else { format!(" {}", z.account) };
        out.push(NameValue {
            name: format!("{} account{account}", platform::name(&z.platform)),
            value: z.explanation.clone(),
        });
    }
    out
}

fn bot_filtering(rules: &RuleSet, sessions: &Sessionized) -> String {
    let dropped = count(sessions.bot_hits.len() as u64);
    if rules.bot_filter {
        format!(
            "Hits whose user agent is on the bot list (crawlers, spiders, monitoring and preview tools, from the \
             crawler-user-agents project) were dropped before sessions were built: {dropped} hits in the project's \
             data.\n\nAd platforms remove the invalid clicks they recognise before reporting; clicks that reached \
             the site only as bot hits appear as \"Bot landings\" in the waterfall."
        )
    } else {
        "The bot filter was off: hits from user agents on the bot list were counted like any other, and sessions of \
         bots that carry a campaign appear as \"Bot sessions\" in the waterfall."
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sessionlens_core::sessionize::Preset;

    #[test]
    fn every_rule_reads_as_words_on_the_methodology_page() {
        let mut rules = RuleSet::preset(Preset::Ga4);
        rules.time_zone = "Europe/Berlin".into();
        assert_eq!(rules.title(), "Google Analytics 4");
        rules.inactivity_timeout_s = 3600;
        assert_eq!(rules.title(), "Google Analytics 4 (modified: session timeout)");
        let words = rule_words(&rules);
        assert_eq!(words[0].value, "Google Analytics 4 (modified: session timeout)");
        assert_eq!(
            words.iter().find(|w| w.name == "Session timeout").unwrap().value,
            "1 hour without a hit ends the session"
        );
        assert!(words.iter().any(|w| w.name == "View time zone" && w.value == "Europe/Berlin"));
        assert_eq!(words.len(), RULES.len() + 1);
    }

    #[test]
    fn lists_dates_and_platforms_read_as_words() {
        assert_eq!(and_list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
        assert_eq!(long_date("2024-03-05".parse().unwrap()), "5 March 2024");
    }
}
