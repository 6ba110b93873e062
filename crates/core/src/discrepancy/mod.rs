//! Ad clicks against sessions: why a campaign's clicks in the ad platform and its sessions in
//! the analytics data differ, cause by cause (docs/session-rules.md lists six), with examples.
//!
//! [`discrepancy`] reads a [`Sessionized`], its [`HitTable`] and the loaded [`AdData`] (no
//! SQLite), and gives a [`DiscrepancyReport`]:
//!
//! - **Matching.** Ad campaigns are matched to utm_campaign values after folding case,
//!   whitespace and separators (`ad_index::names::normalise_campaign`), through the user's mapping for
//!   names that differ, or by campaign id; with a click export, landing hits are matched by
//!   click id (gclid, msclkid, ...) first. Ad campaigns that match nothing, and utm_campaign
//!   values that match no ad campaign, are listed.
//! - **Days.** Clicks and sessions are compared on the ad account's days when its export
//!   states its time zone (else the view's): a campaign's sessions are counted on the account's
//!   calendar, and the sessions that fall on another day of the view's zone are a cause of their
//!   own, counted exactly. Reports without a day column compare over their period. The report
//!   also says, per ad account, whether its zone differs from the view's.
//! - **Waterfall**, overall and per campaign: clicks − clicks with no landing hit − clicks folded
//!   into a session already open + extra sessions from one click + sessions with the campaign
//!   and no click − bot landings + bot sessions (± the residual daily totals cannot split) =
//!   sessions. Each step has a count and examples with a plain-words timeline.
//! - **Ratio rows** per campaign, day or both: sessions / clicks, flagged outside the expected
//!   band or (by day) outside mean ± 3σ of the period's daily ratios.
//! - **The headline ratio** ([`DiscrepancyReport::click_to_session`]): the waterfall's sessions per
//!   click, the one click-to-session figure the dashboard, the CLI and the PDF show.
//! - **Causes and verdicts** ([`verdict`]): each campaign, each ratio row and the whole report
//!   get their causes, largest first, each with a count and what to do, and a verdict in plain
//!   words, the report's first.
//! - **What-if**: [`what_if`] sets two reports of the same data under different rule sets side
//!   by side.
//!
//! Which sessions count for a campaign: those whose entrance (the campaign the session is
//! attributed to, carried-over campaigns included) matches it and that start in the period;
//! and, for a click export, every session started by a click id of a click in the period,
//! whatever its day.
//!
//! It builds on [`crate::metrics`] (the ratio's formula, [`metrics::sessions_per_click`]) and on
//! the crate-internal `ad_index`; metrics never depends on it.

mod ratio;
mod reported;
mod story;
mod verdict;
mod waterfall;
mod zones;

use std::str::FromStr;

use chrono::NaiveDate;
use serde::Serialize;

pub use crate::ad_index::MatchedBy;
pub use verdict::thousands;

use crate::ad_index::AdIndex;
use crate::error::{Error, Result};
use crate::metrics;
use crate::sessionize::{HitTable, Sessionized};
use crate::store::ads::AdData;
use crate::time::{DateRange, ViewClock};

/// What the ratio rows are per.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    Campaign,
    Day,
    CampaignDay,
}

impl FromStr for Breakdown {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        match parts.as_slice() {
            ["campaign"] => Ok(Breakdown::Campaign),
            ["day"] | ["date"] => Ok(Breakdown::Day),
            ["campaign", "day" | "date"] | ["day" | "date", "campaign"] => Ok(Breakdown::CampaignDay),
            _ => Err(Error::InvalidInput(format!("'{s}' is not a breakdown (campaign, day, or campaign,day)"))),
        }
    }
}

/// The expected range of sessions / clicks, as fractions (0.8 .. 1.2 is 80–120 %).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Band {
    pub low: f64,
    pub high: f64,
}

impl Default for Band {
    /// Google documents a gap of up to about 20 % between clicks and sessions as normal.
    fn default() -> Self {
        Band { low: 0.8, high: 1.2 }
    }
}

impl FromStr for Band {
    type Err = Error;
    /// `80-120` (per cent).
    fn from_str(s: &str) -> Result<Self> {
        let invalid = || Error::InvalidInput(format!("'{s}' is not a band of per cents (write e.g. 80-120)"));
        let (low, high) = s.trim().trim_end_matches('%').split_once('-').ok_or_else(invalid)?;
        let number = |t: &str| t.trim().trim_end_matches('%').trim().parse::<f64>().map_err(|_| invalid());
        let (low, high) = (number(low)?, number(high)?);
        if !(low.is_finite() && high.is_finite() && 0.0 <= low && low <= high) {
            return Err(invalid());
        }
        Ok(Band { low: low / 100.0, high: high / 100.0 })
    }
}

impl Band {
    pub fn contains(&self, ratio: f64) -> bool {
        self.low <= ratio && ratio <= self.high
    }
}

#[derive(Clone, Debug)]
pub struct DiscrepancyOptions {
    pub by: Breakdown,
    pub band: Band,
    /// Days of the view time zone; `None` is the span of the ad data.
    pub range: Option<DateRange>,
    /// Examples kept per waterfall step (per campaign, and overall).
    pub examples: usize,
}

impl Default for DiscrepancyOptions {
    fn default() -> Self {
        DiscrepancyOptions { by: Breakdown::Campaign, band: Band::default(), range: None, examples: 5 }
    }
}

/// A line of an example's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Click,
    SessionStart,
    Hit,
    BotHit,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    /// UTC ms, when known (daily ad rows have no time).
    pub ts_ms: Option<i64>,
    /// `2024-03-01 10:07` in the view time zone, or the ad account's date for a click without
    /// a time.
    pub local_time: String,
    pub kind: TimelineKind,
    pub text: String,
}

/// One case behind a waterfall step, to drill into.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Example {
    /// In plain words, e.g. "3 clicks, 1 session: clicks at 10:01, 10:07 and 10:20 carried the
    /// same manual tags".
    pub summary: String,
    pub campaign: String,
    pub visitor: Option<String>,
    pub click_ids: Vec<String>,
    pub timeline: Vec<TimelineEntry>,
}

/// One step of the waterfall.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Its effect on the count: negative for the steps that take away.
    pub count: i64,
    /// Is the count known on its own? `false` where daily totals hide part of it in the residual.
    pub separable: bool,
    pub explanation: String,
    pub examples: Vec<Example>,
}

/// From clicks to sessions; `clicks` plus every step's count is `sessions`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Waterfall {
    pub clicks: i64,
    /// Clicks whose click id no hit carries (left before the page loaded, tag blocked, the
    /// redirect dropped the click id).
    pub no_landing_hit: Step,
    /// Clicks matched to visits from the ad network that arrived with no tags on the campaign's
    /// landing pages (a redirect that drops the query string).
    pub tags_lost: Step,
    /// Clicks that landed inside a session already open: repeat clicks with manual tags, a gclid
    /// shared by several clicks, a click id arriving in a running session that does not split.
    pub folded_into_open_session: Step,
    /// More than one session from one click: the visit went on past the timeout or midnight, or
    /// the same tagged URL was opened again later.
    pub extra_sessions_from_one_click: Step,
    /// Sessions with the campaign and no click: a bookmarked or shared tagged URL, or the
    /// campaign carried over by a direct return.
    pub sessions_without_click: Step,
    /// Clicks whose landing hits all came from bots (filtered by the bot filter, or in a bot
    /// session); the ad platform filters the invalid clicks it recognises before reporting.
    pub bot_landings: Step,
    /// Sessions of bot user agents that carry the campaign (the bot filter is off).
    pub bot_sessions: Step,
    /// With daily totals only: clicks minus tagged landings, which hides clicks with no landing
    /// hit and landings with no click in one number.
    pub residual: Step,
    pub sessions: i64,
}

/// One step of a waterfall with the names everything else shows it by.
#[derive(Clone, Copy, Debug)]
pub struct NamedStep<'a> {
    /// Its JSON and CSV name, `no_landing_hit`.
    pub id: &'static str,
    /// Its name for people, "No landing we can see".
    pub label: &'static str,
    pub step: &'a Step,
}

impl Waterfall {
    /// Its steps in the order they are drawn and listed.
    pub fn steps(&self) -> [NamedStep<'_>; 8] {
        let named = |id, label, step| NamedStep { id, label, step };
        [
            named("tags_lost", "Tags lost on the way", &self.tags_lost),
            named("no_landing_hit", "No landing we can see", &self.no_landing_hit),
            named("folded_into_open_session", "Repeat clicks in one visit", &self.folded_into_open_session),
            named(
                "extra_sessions_from_one_click",
                "More than one session from a click",
                &self.extra_sessions_from_one_click,
            ),
            named("sessions_without_click", "Sessions without a click", &self.sessions_without_click),
            named("bot_landings", "Bot landings", &self.bot_landings),
            named("bot_sessions", "Bot sessions", &self.bot_sessions),
            named("residual", "Not separable with daily totals", &self.residual),
        ]
    }
}

/// A utm_campaign value found to stand for an ad campaign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MatchedName {
    pub utm_campaign: String,
    pub matched_by: MatchedBy,
}

/// Why clicks and sessions differ, one reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(into = "&'static str")]
pub enum CauseKind {
    TagsLost,
    NoLanding,
    RepeatClicks,
    ExtraSessions,
    SessionsWithoutClick,
    BotLandings,
    BotSessions,
    /// Sessions that the view's time zone puts on another day than the ad account's.
    DayShift,
    NameMismatch,
    /// With an analytics tool's reported totals, the whole difference, which they cannot split.
    NotSeparable,
}

impl CauseKind {
    /// Its JSON name, `tags_lost`.
    pub fn as_str(self) -> &'static str {
        match self {
            CauseKind::TagsLost => "tags_lost",
            CauseKind::NoLanding => "no_landing",
            CauseKind::RepeatClicks => "repeat_clicks",
            CauseKind::ExtraSessions => "extra_sessions",
            CauseKind::SessionsWithoutClick => "sessions_without_click",
            CauseKind::BotLandings => "bot_landings",
            CauseKind::BotSessions => "bot_sessions",
            CauseKind::DayShift => "day_shift",
            CauseKind::NameMismatch => "name_mismatch",
            CauseKind::NotSeparable => "not_separable",
        }
    }

    /// Is there something to repair (rather than a difference in what is counted)?
    pub fn needs_a_fix(self) -> bool {
        matches!(self, CauseKind::TagsLost | CauseKind::NameMismatch | CauseKind::BotSessions)
    }
}

impl From<CauseKind> for &'static str {
    fn from(kind: CauseKind) -> Self {
        kind.as_str()
    }
}

/// One cause with its count and what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cause {
    pub kind: CauseKind,
    /// In plain words.
    pub cause: String,
    /// Its effect on sessions against clicks (negative: fewer sessions); for the day shift, the
    /// sessions it moves to another day.
    pub count: i64,
    pub action: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CampaignReport {
    /// The campaign's answer in one paragraph.
    pub verdict: String,
    pub platform: String,
    pub campaign: String,
    pub campaign_id: String,
    /// The stand-in for a platform's auto-tagged sessions whose click ids name no campaign.
    pub stand_in: bool,
    /// Matched click by click through a click export.
    pub click_level: bool,
    pub matched: Vec<MatchedName>,
    pub clicks: i64,
    pub sessions: i64,
    pub ratio: Option<f64>,
    pub outside_band: bool,
    /// Largest first.
    pub causes: Vec<Cause>,
    pub waterfall: Waterfall,
}

/// An ad campaign with clicks whose name matched no utm_campaign and no click id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnmatchedCampaign {
    pub platform: String,
    pub campaign: String,
    pub campaign_id: String,
    pub clicks: i64,
    /// The utm_campaign sharing most words with it, to offer as a mapping.
    pub suggestion: Option<String>,
}

/// A utm_campaign value with sessions in the period that matched no ad campaign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnmatchedUtm {
    pub utm_campaign: String,
    pub source: String,
    pub medium: String,
    pub sessions: i64,
}

/// One row of the ratio table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RatioRow {
    /// Absent from JSON in rows by day only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// The ad account's day. Absent from JSON in rows by campaign only, and for a campaign
    /// reported in period totals (its row covers the period).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "crate::time::iso_date::option::serialize")]
    pub date: Option<NaiveDate>,
    pub clicks: i64,
    pub sessions: i64,
    /// Sessions / clicks; `None` without clicks.
    pub ratio: Option<f64>,
    pub outside_band: bool,
    /// Outside mean ± 3σ of the daily ratios over the period (day rows only).
    pub control_flag: bool,
    pub flagged: bool,
    /// Largest first.
    pub causes: Vec<Cause>,
}

/// One ad account's days against the view's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccountTimeZone {
    pub platform: String,
    pub account: String,
    /// The account's zone as its export stated it; `None` when it did not (its days are then
    /// taken as view days).
    pub time_zone: Option<String>,
    pub view_time_zone: String,
    pub differs: bool,
    /// View offset minus account offset at the period's start, in hours (London − New York = 5).
    pub offset_difference_hours: Option<f64>,
    pub clicks: i64,
    /// Every click has its own time, so `clicks_moved` is exact.
    pub per_click_times: bool,
    /// Clicks whose view day differs from the account's day: exact with click times.
    pub clicks_moved: Option<i64>,
    /// Daily totals: clicks moved if they were spread evenly over each day (an estimate) ...
    pub estimated_clicks_moved: Option<f64>,
    /// ... and at most this many (all clicks of days that straddle a view midnight).
    pub max_clicks_moved: Option<i64>,
    /// Sessions of the account's campaigns compared on an account day that the view puts on
    /// another day (exact, from the hits); set where the zones differ.
    pub sessions_on_another_view_day: Option<i64>,
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DiscrepancyReport {
    /// The whole answer in one paragraph: clicks against sessions, the band, the campaigns
    /// outside it, and the largest cause with what to do.
    pub verdict: String,
    /// Largest first, over all campaigns.
    pub causes: Vec<Cause>,
    pub preset: String,
    pub time_zone: String,
    pub rule_hash: String,
    /// Days of the view time zone covered (the options' range, or the ad data's span).
    pub period: Option<DateRange>,
    pub band: Band,
    pub by: Breakdown,
    pub rows: Vec<RatioRow>,
    pub waterfall: Waterfall,
    pub campaigns: Vec<CampaignReport>,
    pub unmatched: Vec<UnmatchedCampaign>,
    pub unmatched_utm: Vec<UnmatchedUtm>,
    pub time_zones: Vec<AccountTimeZone>,
    pub notes: Vec<String>,
}

impl DiscrepancyReport {
    /// The headline click-to-session ratio: the sessions this report matched to the ad clicks (its
    /// waterfall's end, which its causes explain) per ad click; `None` without clicks.
    pub fn click_to_session(&self) -> Option<f64> {
        metrics::sessions_per_click(self.waterfall.sessions, self.waterfall.clicks)
    }
}

/// The headline click-to-session ratio ([`DiscrepancyReport::click_to_session`]) over the view days
/// `range` (the ad data's span when `None`), for callers that need nothing else of the report.
pub fn click_to_session(
    table: &HitTable,
    sessions: &Sessionized,
    ads: &AdData,
    range: Option<DateRange>,
) -> Result<Option<f64>> {
    if ads.is_empty() {
        return Ok(None);
    }
    let clock = ViewClock::new(&sessions.rules.time_zone)?;
    let index = AdIndex::new(table, ads, &clock);
    // Without clicks in the period there is no ratio: the sessions need not be sorted.
    let period = analysed_period(&index, range);
    let clicks: i64 = index.entries.iter().filter(|e| period.is_none_or(|p| p.covers(e.days))).map(|e| e.clicks).sum();
    if clicks <= 0 {
        return Ok(None);
    }
    let options = DiscrepancyOptions { range, examples: 0, ..DiscrepancyOptions::default() };
    Ok(report(table, sessions, &index, clock, &options).click_to_session())
}

/// The days an analysis covers: `range`, or every day of an ad entry.
fn analysed_period(index: &AdIndex<'_>, range: Option<DateRange>) -> Option<DateRange> {
    range.or_else(|| {
        let firsts = || index.entries.iter().map(|e| e.days.from);
        Some(DateRange { from: firsts().min()?, to: index.entries.iter().map(|e| e.days.to).max()? })
    })
}

/// The discrepancy between `ads` and the sessions of `sessions` (a sessionization of `table`).
pub fn discrepancy(
    table: &HitTable,
    sessions: &Sessionized,
    ads: &AdData,
    options: &DiscrepancyOptions,
) -> Result<DiscrepancyReport> {
    let clock = ViewClock::new(&sessions.rules.time_zone)?;
    Ok(report(table, sessions, &AdIndex::new(table, ads, &clock), clock, options))
}

/// [`discrepancy`] with the ad data indexed on the view `clock`.
fn report(
    table: &HitTable,
    sessions: &Sessionized,
    index: &AdIndex<'_>,
    clock: ViewClock,
    options: &DiscrepancyOptions,
) -> DiscrepancyReport {
    let (rules, ads) = (&sessions.rules, index.ads);
    let period = analysed_period(index, options.range);
    // Without hits, the sessions an analytics tool reported stand in for the re-sessionized ones.
    let tool = reported::chosen_tool(&ads.reported).filter(|_| table.is_empty());
    let (analysis, unmatched) = match tool {
        Some(_) => {
            let analysis = reported::analyse(index, &ads.reported, period, options.examples);
            let unmatched = analysis.unmatched(index, ads.reported.iter().map(|r| r.campaign.as_str()));
            (analysis, unmatched)
        }
        None => {
            let analysis = waterfall::analyse(table, sessions, index, clock, period, options.examples);
            let unmatched = analysis.unmatched(index, table.dict.campaigns.iter().map(|c| c.name.as_str()));
            (analysis, unmatched)
        }
    };
    let time_zones = zones::account_zones(index, &analysis, clock, period);
    let wording = verdict::Wording {
        sessions_label: format!("{} sessions", tool.map_or(rules.preset.short_title(), |(_, name)| name)),
        band: options.band,
        timeout_minutes: rules.inactivity_timeout_s / 60,
        bot_filter: rules.bot_filter,
        view_zone: &rules.time_zone,
    };
    let subject = |a: u32| {
        let c = &index.campaigns[a as usize];
        verdict::Subject {
            platform: Some(c.platform.as_str()),
            account_zone: c.own_zone.then(|| c.clock.tz.name()),
            unmatched: unmatched
                .iter()
                .find(|u| u.platform == c.platform && u.campaign == c.name)
                .map(|u| u.suggestion.as_deref()),
        }
    };
    let rows = ratio::rows(options.by, options.band, index, &analysis, &wording, subject);
    let campaigns = analysis.campaign_reports(index, options.band, &wording, subject);
    let mut causes = verdict::causes(&analysis.overall_tally, verdict::Subject::default(), &wording);
    // Unmatched names and day shifts belong to campaigns (their words name the campaign's zone
    // and mapping); the overall causes gather them.
    for kind in [CauseKind::NameMismatch, CauseKind::DayShift] {
        let mut of_kind = campaigns.iter().flat_map(|c| &c.causes).filter(|c| c.kind == kind);
        if let Some(first) = of_kind.next() {
            let count = first.count + of_kind.map(|c| c.count).sum::<i64>();
            if kind == CauseKind::NameMismatch {
                let unexplained = [CauseKind::NoLanding, CauseKind::NotSeparable];
                if let Some(unseen) = causes.iter_mut().find(|c| unexplained.contains(&c.kind)) {
                    unseen.count -= count;
                }
                causes.retain(|c| c.count != 0);
            }
            causes.retain(|c| c.kind != kind);
            causes.push(Cause { count, ..first.clone() });
        }
    }
    verdict::sort_causes(&mut causes);
    let verdict = overall_verdict(&analysis, &campaigns, &causes, &wording, ads.is_empty());
    let mut notes = analysis.notes.clone();
    if ads.is_empty() {
        notes.push("the project holds no ad data: import an ad-platform export to compare clicks with sessions".into());
    }
    for z in &time_zones {
        if z.time_zone.is_none() {
            // Exports without an account column have no account name to show.
            let account = match z.account.as_str() {
                "" => String::new(),
                name => format!(" of account '{name}'"),
            };
            notes.push(format!(
                "the {} export{account} does not state its time zone: its days are taken as {} days",
                crate::model::platform::name(&z.platform),
                rules.time_zone
            ));
        }
    }
    DiscrepancyReport {
        verdict,
        causes,
        preset: rules.preset.as_str().to_string(),
        time_zone: rules.time_zone.clone(),
        rule_hash: rules.hash(),
        period,
        band: options.band,
        by: options.by,
        rows,
        waterfall: analysis.overall.clone(),
        campaigns,
        unmatched,
        unmatched_utm: analysis.unmatched_utm.clone(),
        time_zones,
        notes,
    }
}

/// The report's verdict: all campaigns' clicks against their sessions, then the campaigns
/// outside the band.
fn overall_verdict(
    analysis: &waterfall::Analysis,
    campaigns: &[CampaignReport],
    causes: &[Cause],
    wording: &verdict::Wording<'_>,
    no_ads: bool,
) -> String {
    if no_ads {
        return "No ad data yet: import a Google Ads, Microsoft Advertising or Meta report to compare its clicks with \
                the sessions."
            .into();
    }
    let t = &analysis.overall_tally;
    let mut text = verdict::verdict("All campaigns", t.clicks, t.sessions, causes, wording);
    let outside: Vec<String> = campaigns
        .iter()
        .filter(|c| c.outside_band)
        .map(|c| format!("{} ({:.0} per 100)", c.campaign, c.ratio.unwrap_or(0.0) * 100.0))
        .collect();
    let with_clicks = campaigns.iter().filter(|c| c.clicks > 0).count();
    if !outside.is_empty() {
        text.push_str(&format!(
            " {} of {with_clicks} campaigns {} outside the usual range: {}.",
            outside.len(),
            if outside.len() == 1 { "is" } else { "are" },
            outside.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    text
}

/// One campaign under two rule sets.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhatIfRow {
    pub platform: String,
    pub campaign: String,
    pub clicks: i64,
    pub left_sessions: i64,
    pub right_sessions: i64,
    pub left_ratio: Option<f64>,
    pub right_ratio: Option<f64>,
}

/// The same data's discrepancy under two rule sets, side by side.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhatIf {
    pub left: DiscrepancyReport,
    pub right: DiscrepancyReport,
    /// Every campaign of either report, in the left report's order.
    pub campaigns: Vec<WhatIfRow>,
}

/// Set two reports of the same ad data side by side, campaign by campaign.
pub fn what_if(left: DiscrepancyReport, right: DiscrepancyReport) -> WhatIf {
    let mut campaigns: Vec<WhatIfRow> = Vec::new();
    let find = |r: &DiscrepancyReport, p: &str, c: &str| -> Option<(i64, i64, Option<f64>)> {
        r.campaigns.iter().find(|x| x.platform == p && x.campaign == c).map(|x| (x.clicks, x.sessions, x.ratio))
    };
    for c in left.campaigns.iter().chain(&right.campaigns) {
        if campaigns.iter().any(|w| w.platform == c.platform && w.campaign == c.campaign) {
            continue;
        }
        let l = find(&left, &c.platform, &c.campaign);
        let r = find(&right, &c.platform, &c.campaign);
        campaigns.push(WhatIfRow {
            platform: c.platform.clone(),
            campaign: c.campaign.clone(),
            clicks: c.clicks,
            left_sessions: l.map_or(0, |x| x.1),
            right_sessions: r.map_or(0, |x| x.1),
            left_ratio: l.and_then(|x| x.2),
            right_ratio: r.and_then(|x| x.2),
        });
    }
    WhatIf { left, right, campaigns }
}

#[cfg(test)]
mod worked;
