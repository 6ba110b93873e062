//! Metrics over the sessions of one rule set: sessions, users, new users, pageviews, pages per
//! session, average duration, bounce and engagement, conversions, and the ad clicks and cost
//! placed on the same keys, broken down by up to two [`Dimension`]s, within a date range of the
//! view time zone, optionally beside the previous period of the same length.
//!
//! [`Reports`] is pure: it reads a [`Sessionized`], its [`HitTable`] and the loaded [`AdData`]
//! and touches no store, so the app recomputes after a rule toggle without reading SQLite. What
//! every report of one sessionization needs (the ad data on view days, each session's
//! conversions) is worked out once, when the [`Reports`] is made; each report is then one pass
//! over the sessions.
//!
//! Definitions: a session belongs to the day it starts on (view time zone). Users are distinct
//! visitors with a session in the row; new users are sessions that are their visitor's first in
//! the data. Conversions are hits matching the [`ConversionGoals`]; the conversion rate is
//! sessions with at least one conversion over sessions. Clicks and cost come from the ad data:
//! a campaign's daily totals are placed on the view day holding the account day's noon, click
//! export rows with a time on their exact view day. The click-to-session ratio is sessions per
//! ad click ([`sessions_per_click`]); its headline figure counts the sessions the discrepancy
//! report matches to the clicks ([`crate::discrepancy::DiscrepancyReport::click_to_session`]).

mod dimension;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde::Serialize;

pub use dimension::Dimension;

use crate::ad_index::{AdIndex, EntryRow};
use crate::conversion::ConversionGoals;
use crate::error::{Error, Result};
use crate::sessionize::{BounceRule, HitTable, Sessionized};
use crate::store::ads::AdData;
use crate::time::{DateRange, ViewClock};
use dimension::KeyContext;

/// What to compute.
#[derive(Clone, Debug, Default)]
pub struct MetricsQuery {
    /// None (totals only), one or two dimensions.
    pub dimensions: Vec<Dimension>,
    /// Days of the view time zone; `None` is every day with data.
    pub range: Option<DateRange>,
    /// Also compute the previous period of the same length (with no range: of the data's span).
    pub compare_previous: bool,
}

/// The figures of one row (or of the totals).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MetricValues {
    pub sessions: u64,
    pub users: u64,
    pub new_users: u64,
    pub pageviews: u64,
    pub pages_per_session: Option<f64>,
    pub avg_session_duration_s: Option<f64>,
    pub bounces: u64,
    /// `None` under a bounce rule of `none`, or with no session.
    pub bounce_rate: Option<f64>,
    pub engaged_sessions: u64,
    pub engagement_rate: Option<f64>,
    /// Hits matching the conversion goals.
    pub conversions: u64,
    /// Sessions with at least one conversion.
    pub converting_sessions: u64,
    pub conversion_rate: Option<f64>,
    /// `None` where ad data has no key under the report's dimensions, or there is none.
    pub clicks: Option<i64>,
    /// In millionths of the report's currency; `None` as for clicks, or with several currencies.
    pub cost_micros: Option<i64>,
    pub cost_per_session: Option<f64>,
}

/// Relative changes from the previous period (0.25 = +25 %), and rate changes in points of a
/// fraction (0.02 = +2 percentage points). `None` where the previous value is 0 or undefined.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MetricChanges {
    pub sessions: Option<f64>,
    pub users: Option<f64>,
    pub new_users: Option<f64>,
    pub pageviews: Option<f64>,
    pub avg_session_duration_s: Option<f64>,
    pub bounce_rate_points: Option<f64>,
    pub engagement_rate_points: Option<f64>,
    pub conversions: Option<f64>,
    pub conversion_rate_points: Option<f64>,
    pub clicks: Option<f64>,
    pub cost_micros: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricRow {
    /// One key per dimension, in the query's order.
    pub keys: Vec<String>,
    pub values: MetricValues,
    pub previous: Option<MetricValues>,
    pub change: Option<MetricChanges>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricsReport {
    pub time_zone: String,
    pub preset: String,
    pub rule_hash: String,
    pub dimensions: Vec<Dimension>,
    /// The days covered (the query's range, or the data's span).
    pub period: Option<DateRange>,
    pub previous_period: Option<DateRange>,
    pub totals: MetricValues,
    pub previous_totals: Option<MetricValues>,
    pub totals_change: Option<MetricChanges>,
    pub rows: Vec<MetricRow>,
    /// The currency of `cost_micros`, when the ad data has exactly one.
    pub currency: Option<String>,
    pub goals: ConversionGoals,
    /// What the figures cannot say (e.g. "clicks and cost have no landing page").
    pub notes: Vec<String>,
}

/// Running sums of one row in one period.
#[derive(Default)]
struct Sums {
    sessions: u64,
    users: u64,
    /// The visitor of the last session counted: sessions come by visitor, so a new one is a
    /// user more.
    last_visitor: Option<u32>,
    new_users: u64,
    pageviews: u64,
    duration_ms: i128,
    bounces: u64,
    engaged: u64,
    conversions: u64,
    converting: u64,
    clicks: i64,
    cost_micros: i64,
}

impl Sums {
    fn values(&self, bounce_defined: bool, ads: bool, cost: bool) -> MetricValues {
        let n = self.sessions;
        let per_session = |x: f64| (n > 0).then(|| x / n as f64);
        MetricValues {
            sessions: n,
            users: self.users,
            new_users: self.new_users,
            pageviews: self.pageviews,
            pages_per_session: per_session(self.pageviews as f64),
            avg_session_duration_s: per_session(self.duration_ms as f64 / 1000.0),
            bounces: self.bounces,
            bounce_rate: if bounce_defined { per_session(self.bounces as f64) } else { None },
            engaged_sessions: self.engaged,
            engagement_rate: per_session(self.engaged as f64),
            conversions: self.conversions,
            converting_sessions: self.converting,
            conversion_rate: per_session(self.converting as f64),
            clicks: ads.then_some(self.clicks),
            cost_micros: (ads && cost).then_some(self.cost_micros),
            cost_per_session: if ads && cost { per_session(self.cost_micros as f64 / 1e6) } else { None },
        }
    }
}

fn relative(now: f64, before: f64) -> Option<f64> {
    (before != 0.0).then(|| (now - before) / before)
}

impl MetricValues {
    /// The change from `previous` to these values.
    pub fn change_from(&self, previous: &MetricValues) -> MetricChanges {
        let points = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a - b);
        let opt = |a: Option<i64>, b: Option<i64>| a.zip(b).and_then(|(a, b)| relative(a as f64, b as f64));
        MetricChanges {
            sessions: relative(self.sessions as f64, previous.sessions as f64),
            users: relative(self.users as f64, previous.users as f64),
            new_users: relative(self.new_users as f64, previous.new_users as f64),
            pageviews: relative(self.pageviews as f64, previous.pageviews as f64),
            avg_session_duration_s: self
                .avg_session_duration_s
                .zip(previous.avg_session_duration_s)
                .and_then(|(a, b)| relative(a, b)),
            bounce_rate_points: points(self.bounce_rate, previous.bounce_rate),
            engagement_rate_points: points(self.engagement_rate, previous.engagement_rate),
            conversions: relative(self.conversions as f64, previous.conversions as f64),
            conversion_rate_points: points(self.conversion_rate, previous.conversion_rate),
            clicks: opt(self.clicks, previous.clicks),
            cost_micros: opt(self.cost_micros, previous.cost_micros),
        }
    }
}

/// Sessions per ad click (1.0 = one session per click); `None` without clicks. The one formula of
/// the click-to-session ratio, wherever it is shown.
pub fn sessions_per_click(sessions: i64, clicks: i64) -> Option<f64> {
    (clicks > 0).then(|| sessions as f64 / clicks as f64)
}

/// The sessions of one rule set, ready for reports under one set of conversion goals.
pub struct Reports<'a> {
    keys: KeyContext<'a>,
    goals: ConversionGoals,
    /// Conversion hits per session (indexed like the sessions).
    conversions: Vec<u32>,
}

impl<'a> Reports<'a> {
    /// `sessions` (a sessionization of `table`) with `ads`, counting hits that meet `goals` as
    /// conversions.
    pub fn new(
        table: &'a HitTable,
        sessions: &'a Sessionized,
        ads: &'a AdData,
        goals: ConversionGoals,
    ) -> Result<Self> {
        let clock = ViewClock::new(&sessions.rules.time_zone)?;
        let index = AdIndex::new(table, ads, &clock);
        let conversions = goals.per_session(table, sessions);
        Ok(Reports { keys: KeyContext::new(clock, table, sessions, index), goals, conversions })
    }

    /// The days the report on `query` covers (its range, or every day with a session or an ad
    /// entry) and the previous period it is compared with, if it is: known before the report is
    /// computed, so figures of the same days can be computed beside it.
    pub fn periods(&self, query: &MetricsQuery) -> (Option<DateRange>, Option<DateRange>) {
        let period = query.range.or_else(|| data_span(self.keys.sessions, &self.keys.index));
        (period, if query.compare_previous { period.map(|p| p.previous()) } else { None })
    }

    /// The report `query` asks for.
    pub fn report(&self, query: &MetricsQuery) -> Result<MetricsReport> {
        if query.dimensions.len() > 2 {
            return Err(Error::InvalidInput(format!(
                "a report breaks down by at most two dimensions, not {}",
                query.dimensions.len()
            )));
        }
        let ctx = &self.keys;
        let (sessions, index, ads) = (ctx.sessions, &ctx.index, ctx.index.ads);
        let rules = &sessions.rules;
        let dims = &query.dimensions;
        let conversions = &self.conversions;

        let (period, previous_period) = self.periods(query);
        let shift = period.map_or(0, |p| p.days());
        let in_period = |date| !matches!(query.range, Some(r) if !r.contains(date));
        let in_previous = |date| previous_period.is_some_and(|p: DateRange| p.contains(date));

        // Sums of the period and of the previous one, per key and in total, visitor by visitor. A
        // session finds its row through the ids its key is made of, so each key is built once.
        let mut rows = Rows::default();
        let mut row_of_ids: FxHashMap<[u64; 2], usize> = FxHashMap::default();
        let mut totals: [Sums; 2] = Default::default();
        for &k in &sessions.by_visitor {
            let (k, s) = (k as usize, &sessions.sessions[k as usize]);
            let date = sessions.start_date(k);
            let (slot, date) = if in_period(date) {
                (0, date)
            } else if in_previous(date) {
                (1, dimension::shifted(date, shift))
            } else {
                continue;
            };
            let mut ids = [0; 2];
            for (id, &d) in ids.iter_mut().zip(dims) {
                *id = ctx.session_key_source(d, s, date);
            }
            let row = *row_of_ids
                .entry(ids)
                .or_insert_with(|| rows.index(dims.iter().map(|&d| ctx.session_key(d, s, date)).collect()));
            for sums in [&mut rows.sums[row][slot], &mut totals[slot]] {
                sums.sessions += 1;
                if sums.last_visitor != Some(s.visitor) {
                    sums.users += 1;
                    sums.last_visitor = Some(s.visitor);
                }
                sums.new_users += u64::from(s.is_new);
                sums.pageviews += u64::from(s.pageviews);
                sums.duration_ms += i128::from(s.duration_ms);
                sums.bounces += u64::from(s.bounce);
                sums.engaged += u64::from(s.engaged);
                sums.conversions += u64::from(conversions[k]);
                sums.converting += u64::from(conversions[k] > 0);
            }
        }

        let mut notes = Vec::new();
        let ads_keyed = !ads.is_empty() && dims.iter().all(|d| d.has_ads());
        let mut currencies: Vec<&str> = Vec::new();
        let mut period_total_clicks = 0;
        for e in &index.entries {
            // A one-day row by its view day; period totals when the whole period lies inside.
            let within = |test: &dyn Fn(NaiveDate) -> bool| match e.view_date {
                Some(day) => test(day),
                None => test(e.days.from) && test(e.days.to),
            };
            let (slot, shift_days) = if within(&in_period) {
                (0, 0)
            } else if within(&in_previous) {
                (1, shift)
            } else {
                continue;
            };
            if let EntryRow::Stat(i) = e.row {
                let currency = ads.stats[i as usize].currency.as_str();
                if !currency.is_empty() && !currencies.contains(&currency) {
                    currencies.push(currency);
                }
            }
            totals[slot].clicks += e.clicks;
            totals[slot].cost_micros += e.cost_micros;
            if e.view_date.is_none() && slot == 0 {
                period_total_clicks += e.clicks;
            }
            if !ads_keyed {
                continue;
            }
            let key: Option<Vec<String>> = dims.iter().map(|&d| ctx.entry_key(d, e, shift_days)).collect();
            if let Some(key) = key {
                let row = rows.index(key);
                let row = &mut rows.sums[row][slot];
                row.clicks += e.clicks;
                row.cost_micros += e.cost_micros;
            }
        }
        let single_currency = currencies.len() <= 1;
        if !single_currency {
            notes.push(format!("the ad data is in several currencies ({}); cost is not summed", currencies.join(", ")));
        }
        if !ads.is_empty() && !ads_keyed {
            let without: Vec<&str> = dims.iter().filter(|d| !d.has_ads()).map(|d| d.as_str()).collect();
            notes.push(format!(
                "ad clicks and cost have no {} (ad platforms report none); they appear in the totals only",
                without.join(" or ")
            ));
        }
        if period_total_clicks > 0 && dims.iter().any(|d| d.is_time()) {
            notes.push(format!(
                "{period_total_clicks} clicks come from ad reports without a day column (totals over their period): \
             they appear in the totals, not on days"
            ));
        }
        if dims.iter().any(|d| matches!(d, Dimension::Channel | Dimension::SourceMedium)) && ads_keyed {
            notes.push(
            "clicks and cost go to each ad platform's usual channel and source / medium (google / cpc, bing / cpc, \
             facebook / cpc)"
                .into(),
        );
        }

        let bounce_defined = rules.bounce != BounceRule::None;
        let has_ads = !ads.is_empty();
        let values = |s: &Sums, keyed: bool| s.values(bounce_defined, keyed, single_currency);
        let compare = previous_period.is_some();
        let mut out: Vec<MetricRow> = rows
            .keys
            .into_iter()
            .zip(rows.sums)
            .map(|(keys, [now, before])| {
                let values_now = values(&now, ads_keyed);
                let previous = compare.then(|| values(&before, ads_keyed));
                let change = previous.as_ref().map(|p| values_now.change_from(p));
                MetricRow { keys, values: values_now, previous, change }
            })
            .filter(|r| !r.keys.is_empty())
            .collect();
        let by_time = dims.first().is_some_and(|d| d.is_time());
        out.sort_by(|a, b| {
            if by_time {
                a.keys.cmp(&b.keys)
            } else {
                b.values.sessions.cmp(&a.values.sessions).then_with(|| a.keys.cmp(&b.keys))
            }
        });
        let totals_now = values(&totals[0], has_ads);
        let previous_totals = compare.then(|| values(&totals[1], has_ads));
        Ok(MetricsReport {
            time_zone: rules.time_zone.clone(),
            preset: rules.preset.as_str().to_string(),
            rule_hash: rules.hash(),
            dimensions: dims.clone(),
            period,
            previous_period,
            totals_change: previous_totals.as_ref().map(|p| totals_now.change_from(p)),
            totals: totals_now,
            previous_totals,
            rows: out,
            currency: if single_currency { currencies.first().map(|c| c.to_string()) } else { None },
            goals: self.goals.clone(),
            notes,
        })
    }
}

/// First and last view day with a session or an ad entry.
fn data_span(sessions: &Sessionized, index: &AdIndex<'_>) -> Option<DateRange> {
    let entries = index.entries.iter().flat_map(|e| match e.view_date {
        Some(day) => [day, day],
        None => [e.days.from, e.days.to],
    });
    let dates = || sessions.start_dates().into_iter().flat_map(|(from, to)| [from, to]).chain(entries.clone());
    Some(DateRange { from: dates().min()?, to: dates().max()? })
}

/// The rows of a report, numbered in order of first sight.
#[derive(Default)]
struct Rows {
    keys: Vec<Vec<String>>,
    sums: Vec<[Sums; 2]>,
    by_key: FxHashMap<Vec<String>, usize>,
}

impl Rows {
    fn index(&mut self, key: Vec<String>) -> usize {
        if let Some(&row) = self.by_key.get(&key) {
            return row;
        }
        self.by_key.insert(key.clone(), self.keys.len());
        self.keys.push(key);
        self.sums.push(Default::default());
        self.keys.len() - 1
    }
}

#[cfg(test)]
mod tests;
