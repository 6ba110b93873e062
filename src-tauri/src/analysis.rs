//! The analysis screens' data: the rule choices the UI offers, the dashboard (KPIs, sessions
//! and clicks over time, breakdowns), the click/session discrepancy, several rule sets compared
//! (in total, by campaign and by day), and the fidelity of the rules to the platform's own sessions.
//! Everything is computed from a [`LoadedData`] (the project's hits and ad data read once and
//! kept by the workspace), so a toggle re-sessionizes in memory without reading SQLite again,
//! and a toggle back to rules shown a moment ago finds its view kept.
//!
//! Charts are SVG strings from `sessionlens-charts`, which XML-escapes every label it is given;
//! every other value goes to the UI as data and is shown there as text.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sessionlens_charts::{
    control_chart_svg, time_series_svg, waterfall_svg, ControlChart, RatioPoint, TimeSeriesChart,
};
use sessionlens_core::conversion::ConversionGoals;
use sessionlens_core::discrepancy::{
    click_to_session, discrepancy, Breakdown, Cause, DiscrepancyOptions, Example, Waterfall,
};
use sessionlens_core::fidelity::{self, cut_words, ReasonCount};
use sessionlens_core::metrics::{
    sessions_per_click, Dimension, MetricChanges, MetricRow, MetricValues, MetricsQuery, MetricsReport, Reports,
};
use sessionlens_core::model::platform;
use sessionlens_core::sessionize::{
    sessionize, sessionize_ahead, HitTable, Preset, Rule, RuleKind, RuleSet, Sessionized, RULES,
};
use sessionlens_core::store::ads::AdData;
use sessionlens_core::time::DateRange;
use sessionlens_core::Project;
use sessionlens_report::build::time_series;
use ts_rs::TS;

use crate::error::AppError;

/// Breakdown tables list at most this many rows (the largest by sessions).
pub const BREAKDOWN_ROWS_MAX: usize = 200;
/// The most rule sets one comparison computes (each is sessionized on its own): the rules
/// panel's and every preset.
pub const COMPARED_MAX: usize = Preset::ALL.len() + 1;

/// What the project holds for analysis, read from SQLite once per open project (and again after
/// an import), with the last sessionization kept so the screens of one rule set share it, and
/// the last dashboards and discrepancy views (small, unlike sessions) so that flipping between
/// rule sets redraws the ones already seen (or computed ahead) at once.
pub struct LoadedData {
    /// The project's [`Project::inputs_stamp`], read before the data: views computed from this
    /// data are kept in the project under it.
    pub(crate) inputs: String,
    pub(crate) hits: HitTable,
    pub(crate) ads: AdData,
    goals: ConversionGoals,
    last_sessions: Mutex<Option<Arc<Sessionized>>>,
    dashboards: Recent<DashboardView>,
    discrepancies: Recent<DiscrepancyView>,
    /// The key of each kind of view last kept in the project from this data.
    kept_as_shown: Mutex<BTreeMap<&'static str, String>>,
}

impl LoadedData {
    pub fn load(project: &Project) -> Result<Self, AppError> {
        Ok(LoadedData {
            inputs: project.inputs_stamp()?,
            hits: project.load_hits()?,
            ads: project.load_ads()?,
            goals: project.conversion_goals()?,
            last_sessions: Mutex::new(None),
            dashboards: Recent::default(),
            discrepancies: Recent::default(),
            kept_as_shown: Mutex::default(),
        })
    }

    /// The sessions under `rules`, reusing the last ones when the rules are the same.
    pub(crate) fn sessions(&self, rules: &RuleSet) -> Result<Arc<Sessionized>, AppError> {
        let mut last = self.last_sessions.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Sessions keep their rules normalized (lists sorted): the same rules written in
        // another order are the same rules.
        let wanted = rules.normalized();
        if let Some(kept) = last.as_ref().filter(|s| s.rules == wanted) {
            return Ok(kept.clone());
        }
        let fresh = Arc::new(sessionize(&self.hits, rules)?);
        *last = Some(fresh.clone());
        Ok(fresh)
    }

    /// The `V` view of `rules` over `range`: the kept one, or computed from the sessions the
    /// screens share, then kept.
    pub(crate) fn view<V: KeptView>(&self, rules: &RuleSet, range: Option<DateRange>) -> Result<V, AppError> {
        V::kept(self).get_or_compute(rules, range, || V::compute(self, &*self.sessions(rules)?, range))
    }

    /// Computes and keeps the `V` view of `rules` over `range`, unless it is kept already, from
    /// sessions of its own: the last sessionization, which the screens share, and the hits'
    /// groupings kept for the rules in use stay as they were. See [`crate::prefetch`].
    pub(crate) fn prefetch<V: KeptView>(&self, rules: &RuleSet, range: Option<DateRange>) -> Result<(), AppError> {
        V::kept(self)
            .get_or_compute(rules, range, || V::compute(self, &sessionize_ahead(&self.hits, rules)?, range))
            .map(drop)
    }

    /// Records that the `kind` view under `key` is kept in the project from this data; false
    /// when it was the last one kept already.
    pub(crate) fn newly_shown(&self, kind: &'static str, key: &str) -> bool {
        let mut kept = self.kept_as_shown.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.insert(kind, key.to_string()).as_deref() != Some(key)
    }

    /// Is the `V` view of `rules` over `range` kept?
    #[cfg(test)]
    pub(crate) fn is_kept<V: KeptView>(&self, rules: &RuleSet, range: Option<DateRange>) -> bool {
        V::kept(self).contains(rules, range)
    }

    /// The project's goals plus the rule set's key events, as the CLI's metrics count them.
    pub(crate) fn goals_for(&self, rules: &RuleSet) -> ConversionGoals {
        self.goals.clone().with_rules(rules)
    }

    /// `sessions` (of these hits) ready for metrics reports, with the goals of their rules.
    pub(crate) fn reports<'a>(&'a self, sessions: &'a Sessionized) -> Result<Reports<'a>, AppError> {
        Ok(Reports::new(&self.hits, sessions, &self.ads, self.goals_for(&sessions.rules))?)
    }
}

/// A view the UI can have computed before it is asked for (see [`crate::prefetch`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ViewKind {
    Dashboard,
    Discrepancy,
}

/// A view the loaded data keeps for the rule sets shown last (or computed ahead), and the
/// project keeps as the one shown last (see [`crate::workspace`]).
pub(crate) trait KeptView: Clone + Serialize + DeserializeOwned {
    /// The name it is kept under in the project.
    const NAME: &'static str;
    /// Where `data` keeps the views of this kind.
    fn kept(data: &LoadedData) -> &Recent<Self>;
    fn compute(data: &LoadedData, sessions: &Sessionized, range: Option<DateRange>) -> Result<Self, AppError>;
}

impl KeptView for DashboardView {
    const NAME: &'static str = "dashboard";
    fn kept(data: &LoadedData) -> &Recent<Self> {
        &data.dashboards
    }
    fn compute(data: &LoadedData, sessions: &Sessionized, range: Option<DateRange>) -> Result<Self, AppError> {
        compute_dashboard(data, sessions, range)
    }
}

impl KeptView for DiscrepancyView {
    const NAME: &'static str = "discrepancy";
    fn kept(data: &LoadedData) -> &Recent<Self> {
        &data.discrepancies
    }
    fn compute(data: &LoadedData, sessions: &Sessionized, range: Option<DateRange>) -> Result<Self, AppError> {
        compute_discrepancy_view(data, sessions, range)
    }
}

/// The views of one kind computed last, by the rules (normalized) and days they show, newest
/// last. They belong to the [`LoadedData`] they were computed from and go with it.
pub(crate) struct Recent<V> {
    views: Mutex<VecDeque<(RuleSet, Option<DateRange>, V)>>,
}

impl<V> Default for Recent<V> {
    fn default() -> Self {
        Recent { views: Mutex::new(VecDeque::new()) }
    }
}

impl<V: Clone> Recent<V> {
    /// How many views are kept: every preset (computed ahead, see [`crate::prefetch`]) and a
    /// few changed rule sets.
    const KEPT: usize = Preset::ALL.len() + 6;

    #[cfg(test)]
    fn contains(&self, rules: &RuleSet, range: Option<DateRange>) -> bool {
        let rules = rules.normalized();
        self.views.lock().unwrap().iter().any(|(r, d, _)| *r == rules && *d == range)
    }

    /// The view of `rules` over `range`: the kept one, or `compute`'s, then kept.
    fn get_or_compute(
        &self,
        rules: &RuleSet,
        range: Option<DateRange>,
        compute: impl FnOnce() -> Result<V, AppError>,
    ) -> Result<V, AppError> {
        let rules = rules.normalized();
        let views = || self.views.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, _, view)) = views().iter().find(|(r, d, _)| *r == rules && *d == range) {
            return Ok(view.clone());
        }
        let view = compute()?;
        let mut views = views();
        if views.len() == Self::KEPT {
            views.pop_front();
        }
        views.push_back((rules, range, view.clone()));
        Ok(view)
    }
}

/// The rules the UI asks for: a preset, and the rules the panel changed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RulesInput {
    /// A preset id, e.g. `ga4` (see [`RuleChoices::presets`]).
    pub preset: String,
    /// Rule id → value as text (`30m`, `on`, `off`, `client`, `a, b`; see [`RuleChoices::rules`]).
    /// A rule not named keeps the preset's value.
    pub changes: BTreeMap<String, String>,
}

/// The rules a view was computed with (the preset's values with the changes applied).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EffectiveRules {
    pub preset: String,
    /// The preset's name: `Google Analytics 4`.
    pub preset_title: String,
    /// The rule set's name: the preset's, and what changed (`… (modified: session timeout)`).
    pub title: String,
    /// The ids of the rules whose values differ from the preset's (the view time zone aside).
    pub changed: Vec<String>,
    /// Every rule's value as text, by rule id.
    pub values: BTreeMap<String, String>,
}

/// Days of the view time zone, `YYYY-MM-DD`, both included.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DayRange {
    pub from: String,
    pub to: String,
}

/// One option of a picker.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub id: String,
    pub title: String,
    /// One line saying what it means.
    pub explanation: String,
}

/// One rule of the core's catalogue, as the rules panel shows it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuleInfo {
    pub id: String,
    pub title: String,
    pub help: String,
    /// `switch` (a checkbox), `choice` (one of [`RuleInfo::choices`]) or `text` (typed as
    /// [`RuleInfo::hint`] says: a duration such as `30m`, `off`, a zone, names separated by commas).
    pub control: String,
    /// How a value is written, in words: `e.g. 30m, 1h or 90s`.
    pub hint: String,
    /// Shown unfolded; the others sit under "More rules".
    pub main: bool,
    pub choices: Vec<Choice>,
    /// The rule's value under each preset, by preset id.
    pub preset_values: BTreeMap<String, String>,
}

/// What the rules panel offers.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuleChoices {
    pub presets: Vec<Choice>,
    /// Every rule, in the catalogue's order.
    pub rules: Vec<RuleInfo>,
    /// Suggested view time zones: the project's ad accounts' zones, then UTC.
    pub time_zones: Vec<String>,
    /// The preset a project opens with.
    pub default_preset: String,
}

/// The headline figures of a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Kpis {
    pub sessions: u64,
    pub users: u64,
    pub pageviews: u64,
    /// Fractions (0.42 = 42 %); `null` where not defined (no session, or a preset with no bounce).
    pub bounce_rate: Option<f64>,
    pub avg_duration_s: Option<f64>,
    pub engagement_rate: Option<f64>,
    /// Ad clicks; `null` without ad data.
    pub clicks: Option<i64>,
    /// Sessions matched to ad clicks per ad click (1.0 = one session per click), as the
    /// discrepancy report counts them; `null` without clicks.
    pub click_to_session: Option<f64>,
}

/// Changes from the previous period: relative for counts (0.25 = +25 %), in points of a
/// fraction for rates (0.02 = +2 points); `null` where the previous value is 0 or undefined.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KpiChanges {
    pub sessions: Option<f64>,
    pub users: Option<f64>,
    pub pageviews: Option<f64>,
    pub bounce_rate_points: Option<f64>,
    pub avg_duration_s: Option<f64>,
    pub engagement_rate_points: Option<f64>,
    pub clicks: Option<f64>,
    pub click_to_session_points: Option<f64>,
}

/// One row of a breakdown table.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BreakdownLine {
    pub key: String,
    pub sessions: u64,
    pub users: u64,
    pub pageviews: u64,
    pub bounce_rate: Option<f64>,
    pub engagement_rate: Option<f64>,
    pub avg_duration_s: Option<f64>,
    pub clicks: Option<i64>,
}

/// Sessions by one dimension.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BreakdownTable {
    /// Stable id, e.g. `channel`, `source_medium`.
    pub dimension: String,
    pub title: String,
    /// The largest rows by sessions (at most [`BREAKDOWN_ROWS_MAX`]).
    pub rows: Vec<BreakdownLine>,
    /// All rows, when more than shown.
    pub total_rows: u32,
}

/// The dashboard of one rule set and date range.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DashboardView {
    pub rules: EffectiveRules,
    /// The days shown (the range asked for, or every day with data); `null` with no data.
    pub period: Option<DayRange>,
    pub previous_period: Option<DayRange>,
    /// First and last day with a session, for the date pickers.
    pub data_span: Option<DayRange>,
    pub kpis: Kpis,
    pub previous: Option<Kpis>,
    pub change: Option<KpiChanges>,
    /// Sessions and ad clicks per day: an SVG document from the charts crate.
    pub over_time_svg: String,
    pub breakdowns: Vec<BreakdownTable>,
    /// What the figures cannot say.
    pub notes: Vec<String>,
}

/// A line of an example's timeline.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TimelineLine {
    /// View time zone, `2024-03-01 10:07` (or the ad account's date for a click without time).
    pub local_time: String,
    /// `click`, `session_start`, `hit` or `bot_hit`.
    pub kind: String,
    pub text: String,
}

/// One case behind a waterfall step.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExampleView {
    /// In plain words.
    pub summary: String,
    pub timeline: Vec<TimelineLine>,
}

/// One step from clicks to sessions.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StepView {
    pub label: String,
    /// Negative for steps that take away.
    pub count: i64,
    /// False where daily totals hide part of it in the residual.
    pub separable: bool,
    pub explanation: String,
    pub examples: Vec<ExampleView>,
}

/// One reason clicks and sessions differ, with its count and what to do.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CauseView {
    /// `tags_lost`, `no_landing`, `repeat_clicks`, `extra_sessions`, `sessions_without_click`,
    /// `bot_landings`, `bot_sessions`, `day_shift`, `name_mismatch` or `not_separable` (reported
    /// totals only).
    pub kind: String,
    /// In plain words.
    pub cause: String,
    /// Its effect on sessions against clicks (negative: fewer sessions); for the day shift, the
    /// sessions it moves to another day.
    pub count: i64,
    pub action: String,
}

impl From<&Cause> for CauseView {
    fn from(c: &Cause) -> Self {
        CauseView { kind: c.kind.as_str().into(), cause: c.cause.clone(), count: c.count, action: c.action.clone() }
    }
}

/// One ad campaign: its clicks against its sessions.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CampaignLine {
    /// The campaign's answer in plain words.
    pub verdict: String,
    /// Largest first.
    pub causes: Vec<CauseView>,
    /// The platform's id (`google_ads`), as commands take it.
    pub platform: String,
    /// The platform's name as people say it (`Google Ads`).
    pub platform_name: String,
    pub campaign: String,
    pub clicks: i64,
    pub sessions: i64,
    /// Sessions per click.
    pub ratio: Option<f64>,
    /// Outside the expected band.
    pub outside_band: bool,
    /// Far from the other campaigns (outside their mean ± 3σ).
    pub control_flag: bool,
    pub steps: Vec<StepView>,
}

/// An ad campaign whose name matches no utm_campaign.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UnmatchedLine {
    /// The platform's id (`google_ads`), as `map_campaign` takes it.
    pub platform: String,
    /// The platform's name as people say it (`Google Ads`).
    pub platform_name: String,
    pub campaign: String,
    pub clicks: i64,
    /// The closest utm_campaign, if one is close.
    pub suggestion: Option<String>,
}

/// Ad clicks against sessions for one rule set and date range.
#[derive(Clone, Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiscrepancyView {
    /// The whole answer in plain words, shown first.
    pub verdict: String,
    /// Largest first, over all campaigns.
    pub causes: Vec<CauseView>,
    pub rules: EffectiveRules,
    pub period: Option<DayRange>,
    /// The expected sessions per click, as fractions.
    pub band_low: f64,
    pub band_high: f64,
    pub clicks: i64,
    pub sessions: i64,
    pub steps: Vec<StepView>,
    pub campaigns: Vec<CampaignLine>,
    pub unmatched: Vec<UnmatchedLine>,
    pub waterfall_svg: String,
    /// The daily ratio with its control limits and the band.
    pub control_svg: String,
    /// The ad accounts' time zones against the view's, in words, and other notes.
    pub notes: Vec<String>,
}

/// One preset's figures in a comparison.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CompareSide {
    pub rules: EffectiveRules,
    pub kpis: Kpis,
}

/// A campaign or a day: its figures under each rule set compared.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CompareLine {
    /// The campaign, or the day (`YYYY-MM-DD`).
    pub key: String,
    /// In the order of [`CompareView::columns`]; zeros where a rule set has none of it.
    pub columns: Vec<Kpis>,
}

/// A comparison broken down by campaign or by day.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CompareTable {
    /// `campaign` or `day`.
    pub dimension: String,
    pub title: String,
    /// Campaigns by sessions under the first rule set (at most [`BREAKDOWN_ROWS_MAX`]), or
    /// every day in order.
    pub rows: Vec<CompareLine>,
    /// All rows, when more than shown.
    pub total_rows: u32,
}

/// Several rule sets side by side over the same days; differences are from the first.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CompareView {
    pub period: Option<DayRange>,
    /// In the order asked for; the first is the one the others are measured against.
    pub columns: Vec<CompareSide>,
    pub by_campaign: CompareTable,
    /// The click-to-session ratio is per campaign only: `null` by day.
    pub by_day: CompareTable,
}

/// The platform's sessions beside ours (see `sessionlens_core::fidelity`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FidelityCounts {
    pub platform_sessions: u64,
    pub our_sessions: u64,
    /// Platform sessions our rules cut into several.
    pub split: u64,
    /// Our sessions that joined several of the platform's.
    pub merged: u64,
    /// Platform sessions none of ours holds (bots, only non-interaction hits).
    pub not_counted: u64,
}

/// How many of our extra sessions one rule started.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FidelityReason {
    /// The engine's start reason: `midnight`, `timeout`, `campaign-change`, ...
    pub reason: String,
    /// Where the rule cut, in words that follow "split": `at midnight`.
    pub words: String,
    pub sessions: u64,
}

/// One day of the data (the view time zone).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FidelityDay {
    pub date: String,
    pub counts: FidelityCounts,
    pub reasons: Vec<FidelityReason>,
}

/// Our sessions under the rules against the platform's own, over the days asked for.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FidelityView {
    pub rules: EffectiveRules,
    /// The days compared (null: every day of the data).
    pub period: Option<DayRange>,
    /// Why there is nothing to compare (no hit carries the platform's session id); null when
    /// there is.
    pub unavailable: Option<String>,
    /// The comparison in plain words, the verdict first (empty when unavailable).
    pub summary: String,
    /// The platform as a sentence names it: `UA`, `GA4`, `Snowplow` or `the source`.
    pub platform: String,
    pub totals: FidelityCounts,
    /// The three largest reasons of our extra sessions, largest first.
    pub reasons: Vec<FidelityReason>,
    pub days: Vec<FidelityDay>,
}

impl RulesInput {
    /// The preset's rules with the changes applied, refused (naming the rule) when a value is invalid.
    pub fn rule_set(&self) -> Result<RuleSet, AppError> {
        let changes = self.changes.iter().map(|(id, text)| (id.as_str(), text.as_str()));
        Ok(RuleSet::with_changes(self.preset.parse()?, changes)?)
    }
}

impl From<&RuleSet> for EffectiveRules {
    fn from(r: &RuleSet) -> Self {
        EffectiveRules {
            preset: r.preset.as_str().to_string(),
            preset_title: r.preset.title().to_string(),
            title: r.title(),
            changed: r.changed_rules().iter().map(|rule| rule.id.to_string()).collect(),
            values: RULES.iter().map(|rule| (rule.id.to_string(), rule.text(r))).collect(),
        }
    }
}

fn day_range(r: DateRange) -> DayRange {
    DayRange { from: r.from.to_string(), to: r.to.to_string() }
}

/// The date range a view asks for, refused when a day is not `YYYY-MM-DD` or it ends first.
pub fn parse_range(range: Option<&DayRange>) -> Result<Option<DateRange>, AppError> {
    let Some(range) = range else { return Ok(None) };
    let day = |text: &str| {
        text.trim().parse().map_err(|_| AppError::new("invalid_input", format!("'{text}' is not a date (YYYY-MM-DD)")))
    };
    Ok(Some(DateRange::new(day(&range.from)?, day(&range.to)?)?))
}

/// The presets, every rule of the catalogue and suggested time zones of `project_zones`.
pub fn rule_choices(project_zones: &[String]) -> RuleChoices {
    let presets = Preset::ALL
        .into_iter()
        .map(|p| Choice { id: p.as_str().into(), title: p.title().into(), explanation: p.summary().into() })
        .collect();
    let rules = RULES.iter().map(rule_info).collect();
    let mut time_zones: Vec<String> = project_zones.to_vec();
    if !time_zones.iter().any(|z| z == "UTC") {
        time_zones.push("UTC".into());
    }
    RuleChoices { presets, rules, time_zones, default_preset: RuleSet::default().preset.as_str().into() }
}

fn rule_info(rule: &Rule) -> RuleInfo {
    let control = match rule.kind {
        RuleKind::Switch { .. } => "switch",
        RuleKind::Choice { .. } => "choice",
        _ => "text",
    };
    RuleInfo {
        id: rule.id.into(),
        title: rule.title.into(),
        help: rule.help.into(),
        control: control.into(),
        hint: rule.kind.hint().into(),
        main: rule.main,
        choices: rule
            .choices()
            .into_iter()
            .map(|c| Choice { id: c.id.into(), title: c.title.into(), explanation: c.help.into() })
            .collect(),
        preset_values: Preset::ALL.iter().map(|p| (p.as_str().into(), rule.text(&RuleSet::preset(*p)))).collect(),
    }
}

/// The headline figures of a period's `values`, with its click-to-session ratio.
fn kpis(values: &MetricValues, click_to_session: Option<f64>) -> Kpis {
    Kpis {
        sessions: values.sessions,
        users: values.users,
        pageviews: values.pageviews,
        bounce_rate: values.bounce_rate,
        avg_duration_s: values.avg_session_duration_s,
        engagement_rate: values.engagement_rate,
        clicks: values.clicks,
        click_to_session,
    }
}

fn kpi_changes(now: &Kpis, before: &Kpis, change: &MetricChanges) -> KpiChanges {
    KpiChanges {
        sessions: change.sessions,
        users: change.users,
        pageviews: change.pageviews,
        bounce_rate_points: change.bounce_rate_points,
        avg_duration_s: change.avg_session_duration_s,
        engagement_rate_points: change.engagement_rate_points,
        clicks: change.clicks,
        click_to_session_points: now.click_to_session.zip(before.click_to_session).map(|(a, b)| a - b),
    }
}

/// The breakdowns the dashboard shows, with their titles.
const BREAKDOWNS: [(Dimension, &str); 5] = [
    (Dimension::Channel, "Channel"),
    (Dimension::SourceMedium, "Source / medium"),
    (Dimension::Campaign, "Campaign"),
    (Dimension::LandingPage, "Landing page"),
    (Dimension::DeviceCategory, "Device"),
];

/// The dashboard of `sessions` over `range` (every day with data when `None`).
fn compute_dashboard(
    data: &LoadedData,
    sessions: &Sessionized,
    range: Option<DateRange>,
) -> Result<DashboardView, AppError> {
    let reports = data.reports(sessions)?;
    // The reports and the click-to-session ratios of their days are computed side by side.
    let report = |dimension, compare_previous| {
        reports.report(&MetricsQuery { dimensions: vec![dimension], range, compare_previous })
    };
    let (period, previous_period) =
        reports.periods(&MetricsQuery { dimensions: vec![Dimension::Day], range, compare_previous: true });
    let ratio = |range| click_to_session(&data.hits, sessions, &data.ads, range);
    // The day report first, then the breakdowns (campaigns beside their previous period).
    let wanted: Vec<(Dimension, bool)> = std::iter::once((Dimension::Day, true))
        .chain(BREAKDOWNS.iter().map(|&(dimension, _)| (dimension, dimension == Dimension::Campaign)))
        .collect();
    let (reports, (ratio_now, ratio_before)) = rayon::join(
        || wanted.par_iter().map(|&(dimension, compare)| report(dimension, compare)).collect::<Result<Vec<_>, _>>(),
        || rayon::join(|| ratio(period), || previous_period.map(|p| ratio(Some(p))).transpose()),
    );
    let mut reports = reports?.into_iter();
    let by_day = reports.next().expect("the day report is asked for first");
    let now = kpis(&by_day.totals, ratio_now?);
    let previous = match (&by_day.previous_totals, ratio_before?) {
        (Some(p), Some(ratio)) => Some(kpis(p, ratio)),
        _ => None,
    };
    let change = match (&previous, &by_day.totals_change) {
        (Some(before), Some(change)) => Some(kpi_changes(&now, before, change)),
        _ => None,
    };
    let chart = match by_day.period {
        Some(period) => time_series(&by_day, period),
        None => TimeSeriesChart { title: "Sessions and ad clicks per day".into(), days: Vec::new() },
    };
    let mut breakdowns = Vec::with_capacity(BREAKDOWNS.len());
    let mut notes = by_day.notes.clone();
    for ((dimension, title), report) in BREAKDOWNS.into_iter().zip(reports) {
        for note in &report.notes {
            if !notes.contains(note) {
                notes.push(note.clone());
            }
        }
        breakdowns.push(breakdown_table(dimension, title, &report));
    }
    Ok(DashboardView {
        rules: (&sessions.rules).into(),
        period: by_day.period.map(day_range),
        previous_period: by_day.previous_period.map(day_range),
        data_span: data_span(sessions),
        kpis: now,
        previous,
        change,
        over_time_svg: time_series_svg(&chart),
        breakdowns,
        notes,
    })
}

fn breakdown_table(dimension: Dimension, title: &str, report: &MetricsReport) -> BreakdownTable {
    BreakdownTable {
        dimension: dimension.as_str().to_string(),
        title: title.to_string(),
        rows: report
            .rows
            .iter()
            .take(BREAKDOWN_ROWS_MAX)
            .map(|r| BreakdownLine {
                key: r.keys.join(" × "),
                sessions: r.values.sessions,
                users: r.values.users,
                pageviews: r.values.pageviews,
                bounce_rate: r.values.bounce_rate,
                engagement_rate: r.values.engagement_rate,
                avg_duration_s: r.values.avg_session_duration_s,
                clicks: r.values.clicks,
            })
            .collect(),
        total_rows: u32::try_from(report.rows.len()).unwrap_or(u32::MAX),
    }
}

/// First and last view day a session starts on.
fn data_span(sessions: &Sessionized) -> Option<DayRange> {
    sessions.start_dates().map(|(from, to)| DayRange { from: from.to_string(), to: to.to_string() })
}

fn step_views(w: &Waterfall) -> Vec<StepView> {
    w.steps()
        .into_iter()
        .filter(|named| named.step.count != 0 || !named.step.separable || !named.step.examples.is_empty())
        .map(|named| (named.label, named.step))
        .map(|(label, s)| StepView {
            label: label.into(),
            count: s.count,
            separable: s.separable,
            explanation: s.explanation.clone(),
            examples: s.examples.iter().map(example_view).collect(),
        })
        .collect()
}

fn example_view(e: &Example) -> ExampleView {
    ExampleView {
        summary: e.summary.clone(),
        timeline: e
            .timeline
            .iter()
            .map(|t| TimelineLine {
                local_time: t.local_time.clone(),
                kind: serde_json::to_value(&t.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                text: t.text.clone(),
            })
            .collect(),
    }
}

/// Ad clicks against `sessions` over `range` (the ad data's days when `None`).
fn compute_discrepancy_view(
    data: &LoadedData,
    sessions: &Sessionized,
    range: Option<DateRange>,
) -> Result<DiscrepancyView, AppError> {
    let options = DiscrepancyOptions { range, ..DiscrepancyOptions::default() };
    let report = discrepancy(&data.hits, sessions, &data.ads, &options)?;
    let daily = discrepancy(
        &data.hits,
        sessions,
        &data.ads,
        &DiscrepancyOptions { by: Breakdown::Day, examples: 0, ..options },
    )?;
    let w = &report.waterfall;
    let waterfall = sessionlens_report::build::waterfall_chart(w);
    let control = ControlChart {
        title: "Sessions per 100 clicks, by day".into(),
        points: daily
            .rows
            .iter()
            .filter_map(|r| Some(RatioPoint { date: r.date?.to_string(), ratio_pct: r.ratio? * 100.0 }))
            .collect(),
        expected_low_pct: report.band.low * 100.0,
        expected_high_pct: report.band.high * 100.0,
    };
    let campaigns = report
        .campaigns
        .iter()
        .map(|c| {
            let control_flag = report.rows.iter().any(|r| {
                r.control_flag
                    && r.campaign.as_deref() == Some(c.campaign.as_str())
                    && !matches!(r.platform.as_deref(), Some(p) if p != c.platform)
            });
            CampaignLine {
                verdict: c.verdict.clone(),
                causes: c.causes.iter().map(CauseView::from).collect(),
                platform: c.platform.clone(),
                platform_name: platform::name(&c.platform).into(),
                campaign: c.campaign.clone(),
                clicks: c.clicks,
                sessions: c.sessions,
                ratio: c.ratio,
                outside_band: c.outside_band,
                control_flag,
                steps: step_views(&c.waterfall),
            }
        })
        .collect();
    let mut notes: Vec<String> = report.time_zones.iter().map(|z| z.explanation.clone()).collect();
    notes.extend(report.notes.iter().cloned());
    Ok(DiscrepancyView {
        verdict: report.verdict.clone(),
        causes: report.causes.iter().map(CauseView::from).collect(),
        rules: (&sessions.rules).into(),
        period: report.period.map(day_range),
        band_low: report.band.low,
        band_high: report.band.high,
        clicks: w.clicks,
        sessions: w.sessions,
        steps: step_views(w),
        campaigns,
        unmatched: report
            .unmatched
            .iter()
            .map(|u| UnmatchedLine {
                platform: u.platform.clone(),
                platform_name: platform::name(&u.platform).into(),
                campaign: u.campaign.clone(),
                clicks: u.clicks,
                suggestion: u.suggestion.clone(),
            })
            .collect(),
        waterfall_svg: waterfall_svg(&waterfall),
        control_svg: control_chart_svg(&control),
        notes,
    })
}

/// The KPIs of each of `rule_sets` over the same days, in total, by campaign and by day.
pub fn compare(data: &LoadedData, rule_sets: &[RuleSet], range: Option<DateRange>) -> Result<CompareView, AppError> {
    if rule_sets.is_empty() || rule_sets.len() > COMPARED_MAX {
        return Err(AppError::new(
            "invalid_input",
            format!("compare between 1 and {COMPARED_MAX} rule sets, not {}", rule_sets.len()),
        ));
    }
    let (mut columns, mut campaigns, mut days, mut period) = (Vec::new(), Vec::new(), Vec::new(), None);
    // The first last: its sessions stay kept for the other views, which show the same rules.
    for rules in rule_sets.iter().rev() {
        let sessions = data.sessions(rules)?;
        let reports = data.reports(&sessions)?;
        let by =
            |dimension| reports.report(&MetricsQuery { dimensions: vec![dimension], range, compare_previous: false });
        let (by_campaign, by_day) = (by(Dimension::Campaign)?, by(Dimension::Day)?);
        let ratio = click_to_session(&data.hits, &sessions, &data.ads, by_campaign.period)?;
        let kpis = kpis(&by_campaign.totals, ratio);
        period = by_campaign.period.or(period);
        columns.push(CompareSide { rules: rules.into(), kpis });
        campaigns.push(by_campaign.rows);
        days.push(by_day.rows);
    }
    for computed in [&mut campaigns, &mut days] {
        computed.reverse();
    }
    columns.reverse();
    let mut by_campaign = compare_table(Dimension::Campaign, "Campaign", &campaigns, true);
    by_campaign.rows.truncate(BREAKDOWN_ROWS_MAX);
    Ok(CompareView {
        period: period.map(day_range),
        columns,
        by_campaign,
        by_day: compare_table(Dimension::Day, "Day", &days, false),
    })
}

/// The rows of every rule set (`per_set[i]`) lined up by key: campaigns by sessions under the
/// first rule set (then by name), days in order.
fn compare_table(dimension: Dimension, title: &str, per_set: &[Vec<MetricRow>], per_campaign: bool) -> CompareTable {
    let mut lines: BTreeMap<&str, Vec<Kpis>> = BTreeMap::new();
    for (column, rows) in per_set.iter().enumerate() {
        for row in rows {
            let key = row.keys.first().map(String::as_str).unwrap_or_default();
            let cells = lines.entry(key).or_insert_with(|| vec![Kpis::none(); per_set.len()]);
            let ratio = row.values.clicks.filter(|_| per_campaign);
            cells[column] = kpis(&row.values, ratio.and_then(|c| sessions_per_click(row.values.sessions as i64, c)));
        }
    }
    let mut rows: Vec<CompareLine> =
        lines.into_iter().map(|(key, columns)| CompareLine { key: key.to_string(), columns }).collect();
    if per_campaign {
        // Stable: equal sessions keep the keys' order.
        rows.sort_by_key(|line| std::cmp::Reverse(line.columns.first().map_or(0, |k| k.sessions)));
    }
    CompareTable {
        dimension: dimension.as_str().to_string(),
        title: title.to_string(),
        total_rows: u32::try_from(rows.len()).unwrap_or(u32::MAX),
        rows,
    }
}

impl Kpis {
    /// Nothing counted.
    fn none() -> Kpis {
        Kpis {
            sessions: 0,
            users: 0,
            pageviews: 0,
            bounce_rate: None,
            avg_duration_s: None,
            engagement_rate: None,
            clicks: None,
            click_to_session: None,
        }
    }
}

/// Our sessions under `rules` laid over the platform's own over `range` (every day when
/// `None`); `platform` names it (see `sessionlens_core::fidelity::platform_name`).
pub fn fidelity_view(
    data: &LoadedData,
    rules: &RuleSet,
    platform: &str,
    range: Option<DateRange>,
) -> Result<FidelityView, AppError> {
    let sessions = data.sessions(rules)?;
    let counts = |c: &fidelity::Counts| FidelityCounts {
        platform_sessions: c.platform_sessions,
        our_sessions: c.our_sessions,
        split: c.split,
        merged: c.merged,
        not_counted: c.not_counted,
    };
    let reasons = |list: &[ReasonCount]| -> Vec<FidelityReason> {
        list.iter()
            .map(|r| FidelityReason {
                reason: r.reason.as_str().to_string(),
                words: cut_words(r.reason).to_string(),
                sessions: r.sessions,
            })
            .collect()
    };
    let period = range.map(day_range);
    let Some(f) = fidelity::compare(&data.hits, &sessions, platform, range)? else {
        return Ok(FidelityView {
            rules: rules.into(),
            period,
            unavailable: Some(fidelity::NOT_AVAILABLE.to_string()),
            summary: String::new(),
            platform: platform.to_string(),
            totals: FidelityCounts::default(),
            reasons: Vec::new(),
            days: Vec::new(),
        });
    };
    Ok(FidelityView {
        rules: rules.into(),
        period,
        unavailable: None,
        summary: f.summary(),
        platform: f.platform.clone(),
        totals: counts(&f.counts),
        reasons: reasons(&f.reasons),
        days: f
            .days
            .iter()
            .map(|d| FidelityDay { date: d.date.clone(), counts: counts(&d.counts), reasons: reasons(&d.reasons) })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::{Startup, Workspace};
    use sessionlens_core::discrepancy::thousands;

    fn demo() -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::new(dir.path().join("data"), Startup::StartScreen);
        ws.open_demo_project().unwrap();
        (dir, ws)
    }

    fn preset(id: &str) -> RulesInput {
        RulesInput { preset: id.into(), ..RulesInput::default() }
    }

    fn changed(id: &str, changes: &[(&str, &str)]) -> RulesInput {
        RulesInput { preset: id.into(), changes: changes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
    }

    #[test]
    fn a_shorter_timeout_splits_the_demo_into_more_sessions() {
        let (_dir, ws) = demo();
        let ga4 = ws.dashboard(&preset("ga4"), None).unwrap();
        // Every hit of the demo is a page view; its clicks are the ad report's own Total row.
        assert_eq!(
            (ga4.kpis.sessions, ga4.kpis.users, ga4.kpis.pageviews, ga4.kpis.clicks),
            (3_780, 3_744, 9_815, Some(1_886))
        );
        // The last New York evening reaches into 1 December in UTC.
        let november = Some(DayRange { from: "2026-11-01".into(), to: "2026-12-01".into() });
        assert_eq!((&ga4.period, &ga4.data_span), (&november, &november));
        assert_eq!(ga4.previous_period.as_ref().map(|p| p.from.as_str()), Some("2026-10-01"));
        assert!(ga4.over_time_svg.starts_with("<svg"), "{}", &ga4.over_time_svg[..40]);
        let titles: Vec<_> = ga4.breakdowns.iter().map(|b| b.title.as_str()).collect();
        assert_eq!(titles, ["Channel", "Source / medium", "Campaign", "Landing page", "Device"]);
        let brand = ga4.breakdowns[2].rows.iter().find(|r| r.key == "Brand - Exact").unwrap();
        assert_eq!(brand.clicks, Some(624));

        let split = ws.dashboard(&changed("ga4", &[("timeout", "5m")]), None).unwrap();
        assert_eq!(
            (split.rules.values["timeout"].as_str(), &split.rules.changed[..]),
            ("5m", &["timeout".to_string()][..])
        );
        assert_eq!(split.rules.title, "Google Analytics 4 (modified: session timeout)");
        assert!(split.kpis.sessions > ga4.kpis.sessions, "{} sessions", split.kpis.sessions);
        assert_eq!((split.kpis.users, split.kpis.pageviews), (3_744, 9_815));
    }

    #[test]
    fn the_panel_offers_every_rule_of_the_catalogue_and_its_changes_come_back_in_effect() {
        let choices = rule_choices(&[]);
        assert_eq!(choices.rules.len(), RULES.len());
        for info in &choices.rules {
            assert_eq!(info.preset_values.len(), Preset::ALL.len(), "{}", info.id);
            assert_eq!(info.control == "choice", !info.choices.is_empty(), "{}", info.id);
        }
        let bounce = choices.rules.iter().find(|r| r.id == "bounce").unwrap();
        assert_eq!(bounce.choices.len(), 7);
        assert!(bounce.choices.iter().all(|c| !c.title.is_empty() && !c.explanation.is_empty()));
        assert_eq!(choices.rules.iter().find(|r| r.id == "midnight").unwrap().preset_values["ua"], "on");

        let input = changed(
            "ga4",
            &[
                ("max-length", "90m"),
                ("burst", "100/100s"),
                ("exclude-referrer", " Pay.Example , "),
                ("bounce", "one-hit"),
            ],
        );
        let rules = input.rule_set().unwrap();
        assert_eq!(rules.max_session_length_s, Some(5_400));
        assert_eq!(rules.burst_cut, RuleSet::preset(Preset::Adobe).burst_cut);
        assert_eq!(rules.referral_exclusions, ["pay.example"]);
        let shown = EffectiveRules::from(&rules);
        assert_eq!(shown.changed, ["max-length", "burst", "exclude-referrer", "bounce"]);
        assert_eq!((shown.values["max-length"].as_str(), shown.values["burst"].as_str()), ("1h30m", "100/1m40s"));
        let bad = changed("ga4", &[("bounce", "sometimes")]).rule_set().unwrap_err();
        assert!(bad.code == "invalid_input" && bad.message.contains("bounce: 'sometimes'"), "{bad}");
    }

    #[test]
    fn the_chart_shows_every_day_of_the_range_even_without_data() {
        let (_dir, ws) = demo();
        let past_the_end = DayRange { from: "2026-11-29".into(), to: "2026-12-04".into() };
        let d = ws.dashboard(&preset("ga4"), Some(&past_the_end)).unwrap();
        // 3 and 4 December hold no hit and no click: they are drawn at zero, not left out.
        for day in ["2026-11-29", "2026-12-03", "2026-12-04"] {
            assert!(d.over_time_svg.contains(&format!("{day} · Sessions: ")), "{day} missing");
        }
        assert!(d.over_time_svg.contains("2026-12-04 · Sessions: 0"));
    }

    #[test]
    fn one_week_is_compared_with_the_week_before() {
        let (_dir, ws) = demo();
        let week = DayRange { from: "2026-11-08".into(), to: "2026-11-14".into() };
        let d = ws.dashboard(&preset("ga4"), Some(&week)).unwrap();
        assert_eq!(d.previous_period, Some(DayRange { from: "2026-11-01".into(), to: "2026-11-07".into() }));
        let previous = d.previous.unwrap();
        assert!(previous.sessions > 0 && d.kpis.sessions > 0);
        let change = d.change.unwrap().sessions.unwrap();
        let expected = d.kpis.sessions as f64 / previous.sessions as f64 - 1.0;
        assert!((change - expected).abs() < 1e-9, "{change} against {expected}");
        let backwards = DayRange { from: "2026-11-14".into(), to: "2026-11-08".into() };
        assert_eq!(ws.dashboard(&preset("ga4"), Some(&backwards)).unwrap_err().code, "invalid_input");
    }

    #[test]
    fn discrepancy_answers_first_and_explains_the_demo_campaigns_from_clicks_to_sessions() {
        let (_dir, ws) = demo();
        let d = ws.discrepancy(&preset("ga4"), None).unwrap();
        assert_eq!(d.clicks + d.steps.iter().map(|s| s.count).sum::<i64>(), d.sessions);
        assert!(d
            .verdict
            .starts_with(&format!("All campaigns: 1,886 clicks → {} GA4 sessions", thousands(d.sessions))));
        assert_eq!(d.causes[0].kind, "tags_lost", "{:?}", d.causes);
        assert!(d.causes[0].action.contains("/promo"), "{}", d.causes[0].action);
        let names: Vec<&str> = d.campaigns.iter().map(|c| c.campaign.as_str()).collect();
        assert_eq!(names, ["Spring Sale - Search", "Brand - Exact", "Retargeting - Display"], "most clicks first");
        let brand = &d.campaigns[1];
        assert!(brand.outside_band && brand.verdict.contains("below the usual 80–120"), "{}", brand.verdict);
        assert!(brand.causes.iter().any(|c| c.kind == "day_shift" && c.count > 0), "{:?}", brand.causes);
        let lost = brand.steps.iter().find(|s| s.label == "Tags lost on the way").unwrap();
        assert!(lost.count < 0 && !lost.examples.is_empty(), "{lost:?}");
        assert!(d.waterfall_svg.contains("Ad clicks") && d.control_svg.starts_with("<svg"));
        assert!(d.notes.iter().any(|n| n.contains("America/New_York")), "{:?}", d.notes);
    }

    #[test]
    fn the_dashboard_compare_and_discrepancy_show_one_click_to_session_ratio() {
        let (_dir, ws) = demo();
        let november = DayRange { from: "2026-11-01".into(), to: "2026-11-30".into() };
        let d = ws.discrepancy(&preset("ga4"), Some(&november)).unwrap();
        let headline = Some(d.sessions as f64 / d.clicks as f64);
        assert_eq!(ws.dashboard(&preset("ga4"), Some(&november)).unwrap().kpis.click_to_session, headline);
        assert_eq!(
            ws.compare(&[preset("ua"), preset("ga4")], Some(&november)).unwrap().columns[1].kpis.click_to_session,
            headline
        );
    }

    #[test]
    fn compare_puts_two_presets_over_the_same_days() {
        let (_dir, ws) = demo();
        let c = ws.compare(&[preset("ua"), preset("ga4")], None).unwrap();
        let [left, right] = &c.columns[..] else { panic!("{:?}", c.columns) };
        assert_eq!((left.rules.preset.as_str(), right.rules.preset.as_str()), ("ua", "ga4"));
        // UA splits at midnight and on a campaign change; GA4 does neither.
        assert!(left.kpis.sessions > right.kpis.sessions, "{} against {}", left.kpis.sessions, right.kpis.sessions);
        assert_eq!(left.kpis.users, right.kpis.users);
    }

    #[test]
    fn compare_takes_any_number_of_rule_sets_and_breaks_them_down_by_campaign_and_by_day() {
        let (_dir, ws) = demo();
        let asked = [preset("ga4"), preset("ua"), changed("ga4", &[("timeout", "5m")]), preset("server-log")];
        let c = ws.compare(&asked, None).unwrap();
        let presets: Vec<_> = c.columns.iter().map(|side| side.rules.title.as_str()).collect();
        assert_eq!(
            presets,
            [
                "Google Analytics 4",
                "Universal Analytics",
                "Google Analytics 4 (modified: session timeout)",
                "Server-log heuristic (Webalizer)"
            ]
        );
        assert_eq!(
            c.columns[0].kpis,
            ws.dashboard(&preset("ga4"), None).unwrap().kpis,
            "the same figures as the dashboard"
        );
        assert_eq!(c.period, Some(DayRange { from: "2026-11-01".into(), to: "2026-12-01".into() }));

        for (table, dimension) in [(&c.by_campaign, "campaign"), (&c.by_day, "day")] {
            assert_eq!(table.dimension, dimension);
            assert_eq!(table.total_rows as usize, table.rows.len());
            for (i, side) in c.columns.iter().enumerate() {
                let sum: u64 = table.rows.iter().map(|line| line.columns[i].sessions).sum();
                assert_eq!(sum, side.kpis.sessions, "{dimension}: every session in one row, column {i}");
            }
        }
        let keys: Vec<_> = c.by_campaign.rows.iter().map(|line| line.key.as_str()).collect();
        let first = c.by_campaign.rows.iter().map(|line| line.columns[0].sessions).collect::<Vec<_>>();
        assert!(first.windows(2).all(|w| w[0] >= w[1]), "by sessions under the first: {keys:?} {first:?}");
        let brand = c.by_campaign.rows.iter().find(|line| line.key == "Brand - Exact").unwrap();
        assert!(brand.columns.iter().all(|k| k.clicks == Some(624) && k.click_to_session.is_some()), "{brand:?}");
        assert!(c.columns[2].kpis.sessions > c.columns[0].kpis.sessions, "a shorter timeout splits sessions");

        let days: Vec<_> = c.by_day.rows.iter().map(|line| line.key.as_str()).collect();
        assert_eq!((days.first(), days.last(), days.len()), (Some(&"2026-11-01"), Some(&"2026-12-01"), 31));
        assert!(days.windows(2).all(|w| w[0] < w[1]), "{days:?}");
        assert!(c.by_day.rows.iter().all(|line| line.columns.iter().all(|k| k.click_to_session.is_none())));

        let week = DayRange { from: "2026-11-08".into(), to: "2026-11-14".into() };
        assert_eq!(ws.compare(&asked[..2], Some(&week)).unwrap().by_day.rows.len(), 7);
        assert_eq!(ws.compare(&[], None).unwrap_err().code, "invalid_input");
        let too_many = vec![preset("ga4"); COMPARED_MAX + 1];
        assert!(ws.compare(&too_many, None).unwrap_err().message.contains(&format!("between 1 and {COMPARED_MAX}")));
    }

    /// The demo project's data as the analysis screens load it.
    fn demo_data() -> (tempfile::TempDir, LoadedData) {
        let dir = tempfile::tempdir().unwrap();
        let project = Project::open(crate::demo::ensure_project(dir.path()).unwrap()).unwrap();
        let data = LoadedData::load(&project).unwrap();
        (dir, data)
    }

    #[test]
    fn compare_leaves_the_first_rule_sets_sessions_kept_for_the_other_views() {
        let (_dir, data) = demo_data();
        let (ga4, ua) = (RuleSet::preset(Preset::Ga4), RuleSet::preset(Preset::UniversalAnalytics));
        let c = compare(&data, &[ga4.clone(), ua], None).unwrap();
        assert_eq!(c.columns[0].rules.preset, "ga4");
        let kept = data.last_sessions.lock().unwrap().clone().unwrap();
        let again = data.sessions(&ga4).unwrap();
        assert!(Arc::ptr_eq(&kept, &again), "the dashboard of the same rules does not sessionize again");
    }

    #[test]
    fn flipping_back_to_rules_shown_before_redraws_their_kept_views() {
        let (_dir, data) = demo_data();
        let (ga4, ua) = (RuleSet::preset(Preset::Ga4), RuleSet::preset(Preset::UniversalAnalytics));
        let last_rules = || data.last_sessions.lock().unwrap().as_ref().map(|s| s.rules.preset);
        let first = data.view::<DashboardView>(&ga4, None).unwrap();
        let first_gaps = data.view::<DiscrepancyView>(&ga4, None).unwrap();
        let other = data.view::<DashboardView>(&ua, None).unwrap();
        assert_ne!(first.kpis.sessions, other.kpis.sessions);
        assert_eq!(last_rules(), Some(Preset::UniversalAnalytics));

        let again = data.view::<DashboardView>(&ga4, None).unwrap();
        let gaps_again = data.view::<DiscrepancyView>(&ga4, None).unwrap();
        assert_eq!(last_rules(), Some(Preset::UniversalAnalytics), "GA4 was not sessionized again");
        assert_eq!((&again.kpis, &again.over_time_svg), (&first.kpis, &first.over_time_svg));
        assert_eq!((gaps_again.clicks, gaps_again.sessions), (first_gaps.clicks, first_gaps.sessions));

        // Other days are another view: computed, from the sessions of their rules.
        let week = DateRange::new("2026-11-08".parse().unwrap(), "2026-11-14".parse().unwrap()).unwrap();
        let one_week = data.view::<DashboardView>(&ga4, Some(week)).unwrap();
        assert_eq!(last_rules(), Some(Preset::Ga4));
        assert!(one_week.kpis.sessions < first.kpis.sessions);
    }

    #[test]
    fn an_empty_project_shows_empty_views_not_errors() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::new(dir.path().join("data"), Startup::StartScreen);
        ws.open_project(&dir.path().join("empty.sessionlens")).unwrap();
        let d = ws.dashboard(&preset("ga4"), None).unwrap();
        assert_eq!((d.kpis.sessions, d.kpis.clicks, d.period, d.data_span), (0, None, None, None));
        assert!(d.over_time_svg.contains("No data"), "{}", d.over_time_svg);
        let x = ws.discrepancy(&preset("ga4"), None).unwrap();
        assert!(x.campaigns.is_empty() && x.notes.iter().any(|n| n.contains("no ad data")), "{:?}", x.notes);
        assert_eq!(ws.compare(&[preset("ua"), preset("ga4")], None).unwrap().columns[1].kpis.sessions, 0);
    }

    #[test]
    fn fidelity_compares_a_ua_export_and_says_why_the_demo_has_nothing_to_compare() {
        let (_dir, ws) = demo();
        let demo = ws.fidelity(&preset("ua"), None).unwrap();
        assert!(demo.unavailable.as_deref().is_some_and(|why| why.contains("ga_session_id")), "{demo:?}");
        assert!(demo.days.is_empty() && demo.summary.is_empty());

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ua.sessionlens");
        let export =
            concat!(env!("CARGO_MANIFEST_DIR"), "/crates/core/tests/fixtures/exports/ua_ga_sessions_20170801.ndjson");
        Project::open(&path).unwrap().import(export.as_ref(), &Default::default(), Default::default()).unwrap();
        let ws = Workspace::new(dir.path().join("data"), Startup::StartScreen);
        ws.open_project(&path).unwrap();
        let f = ws.fidelity(&preset("ua"), None).unwrap();
        assert_eq!((f.unavailable, f.platform.as_str()), (None, "UA"));
        assert_eq!(f.totals, FidelityCounts { platform_sessions: 2, our_sessions: 2, ..FidelityCounts::default() });
        assert_eq!(f.summary, "Our UA rules give the same 2 sessions UA counted: none was split or merged.");
        assert_eq!(f.days.len(), 1);
        assert_eq!((f.rules.preset.as_str(), f.period), ("ua", None));
        let other_day = DayRange { from: "2017-08-02".into(), to: "2017-08-02".into() };
        let f = ws.fidelity(&preset("ua"), Some(&other_day)).unwrap();
        assert_eq!((f.totals.platform_sessions, f.period), (0, Some(other_day)));
    }

    #[test]
    fn invalid_rules_are_refused_with_their_reason() {
        let (_dir, ws) = demo();
        let bad_zone = changed("ga4", &[("tz", "Mars/Olympus")]);
        assert!(ws.dashboard(&bad_zone, None).unwrap_err().message.contains("Mars/Olympus"));
        assert!(ws.dashboard(&preset("nope"), None).unwrap_err().message.contains("unknown preset"));
        let choices = ws.rule_choices().unwrap();
        assert_eq!(choices.presets.len(), Preset::ALL.len());
        assert_eq!(choices.rules.iter().find(|r| r.id == "identity").unwrap().choices.len(), 6);
        assert!(choices.time_zones.contains(&"UTC".to_string()));
    }
}
