//! Fidelity: do our rules give the sessions the platform itself counted? Where the source
//! carries the platform's own session id on every hit (GA4 export `ga_session_id`, Universal
//! Analytics `ga_sessions` rows, Snowplow `domain_sessionid`), [`compare`] lays our sessions
//! over the platform's, hit by hit.
//!
//! What it promises:
//! - A platform session is one (visitor id, source session id) pair; hits without a source
//!   session id are left out of the comparison and counted apart. Without any, there is no
//!   comparison ([`compare`] gives `None`; [`NOT_AVAILABLE`] says why in words).
//! - Ours are the sessions of the given sessionization that hold at least one compared hit.
//! - A platform session is *split* when its hits fall in two or more of our sessions, and one
//!   of ours is *merged* when it holds hits of two or more platform sessions. A platform
//!   session whose hits are in none of ours (all filtered as bots, or only non-interaction
//!   hits) is *not counted*.
//! - Each of our sessions that starts inside a platform session begun in an earlier one of
//!   ours is an *extra* session; its [`StartReason`] (the rule that started it: timeout,
//!   midnight, campaign change, ...) is tallied, and [`Fidelity::reasons`] holds the three
//!   largest, largest first (ties in [`StartReason::ALL`] order).
//! - Per local day of the rules' time zone: a platform session counts on the day of its first
//!   hit, one of ours on the day it starts; a split on the platform session's day, a merge and
//!   an extra session on our session's day. Given a range of days, only those days count (hits
//!   by their own day); a session reaching into them from outside is still compared whole.
//! - [`Fidelity::summary`] says it in plain words, the verdict first.

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::discrepancy::thousands;
use crate::error::{Error, Result};
use crate::sessionize::clock::LocalDays;
use crate::sessionize::{HitTable, Preset, Sessionized, StartReason, NO_SESSION};
use crate::time::DateRange;

/// Why the comparison cannot be made, for people.
pub const NOT_AVAILABLE: &str = "The fidelity check needs the platform's own session ids (GA4 export \
     ga_session_id, Universal Analytics ga_sessions rows, Snowplow domain_sessionid), and none of this \
     project's hits carries one.";

/// How many of the largest reasons are kept.
const REASONS_KEPT: usize = 3;

/// The platform's sessions beside ours.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    /// Sessions the platform counted (distinct visitor + source session id).
    pub platform_sessions: u64,
    /// Our sessions holding at least one hit with a source session id.
    pub our_sessions: u64,
    /// Platform sessions whose hits fall in more than one of ours.
    pub split: u64,
    /// Our sessions holding hits of more than one platform session.
    pub merged: u64,
    /// Platform sessions with no hit in any of ours (bots, only non-interaction hits).
    pub not_counted: u64,
}

/// How many of our extra sessions one rule started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    pub reason: StartReason,
    pub sessions: u64,
}

/// One local day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Day {
    /// `YYYY-MM-DD` in the rules' time zone.
    pub date: String,
    #[serde(flatten)]
    pub counts: Counts,
    /// The three largest reasons of the day's extra sessions.
    pub reasons: Vec<ReasonCount>,
}

/// The comparison of one sessionization with the platform's own sessions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fidelity {
    /// The platform as a sentence names it: `UA`, `GA4`, `Snowplow`, or `the source`.
    pub platform: String,
    /// The preset our rules started from (named in the summary: "Our UA rules").
    pub preset: Preset,
    #[serde(flatten)]
    pub counts: Counts,
    /// The three largest reasons of our extra sessions, largest first.
    pub reasons: Vec<ReasonCount>,
    pub days: Vec<Day>,
    /// Hits (of the days compared) with a source session id (compared) and without one (left out).
    pub hits_compared: u64,
    pub hits_without_session_id: u64,
}

/// The platform of a project's traffic files, by their import format ids, for [`compare`]'s
/// `platform`: `GA4`, `UA` or `Snowplow` when exactly one of them is among `formats`, else
/// `the source`.
pub fn platform_name<'a>(formats: impl IntoIterator<Item = &'a str>) -> &'static str {
    let mut named: Vec<&'static str> = formats
        .into_iter()
        .filter_map(|format| match format {
            "ga4" => Some("GA4"),
            "ua" => Some("UA"),
            "snowplow" => Some("Snowplow"),
            _ => None,
        })
        .collect();
    named.sort_unstable();
    named.dedup();
    match named[..] {
        [one] => one,
        _ => "the source",
    }
}

/// Per day index: the counts and the tally of extra sessions' reasons.
#[derive(Default)]
struct Tally {
    counts: Counts,
    reasons: [u64; StartReason::ALL.len()],
}

impl Tally {
    fn largest(&self) -> Vec<ReasonCount> {
        let mut out: Vec<ReasonCount> = StartReason::ALL
            .into_iter()
            .zip(self.reasons)
            .filter(|&(_, n)| n > 0)
            .map(|(reason, sessions)| ReasonCount { reason, sessions })
            .collect();
        // Stable: ties keep StartReason::ALL's order.
        out.sort_by_key(|r| std::cmp::Reverse(r.sessions));
        out.truncate(REASONS_KEPT);
        out
    }
}

const UNSET: u32 = u32::MAX;

/// Compare `ours` (a sessionization of `table`) with the platform's own sessions, named
/// `platform` in words (see [`platform_name`]), over `range` (every day when `None`). `None`
/// when no hit carries a source session id; an error when `ours` is not of `table`.
pub fn compare(
    table: &HitTable,
    ours: &Sessionized,
    platform: &str,
    range: Option<DateRange>,
) -> Result<Option<Fidelity>> {
    if ours.hit_session.len() != table.len() {
        return Err(Error::InvalidInput("the sessions compared are not those of these hits".into()));
    }
    if table.source_session.iter().all(|&s| s == 0) {
        return Ok(None);
    }
    let days = LocalDays::new(
        ours.rules.tz()?,
        table.ts_ms.first().copied().unwrap_or(0),
        table.ts_ms.last().copied().unwrap_or(0),
    );
    let shown = |day: u32| range.is_none_or(|r| r.contains(days.date(day)));
    let (mut compared, mut without) = (0u64, 0u64);
    for (&ts, &session) in table.ts_ms.iter().zip(&table.source_session) {
        if shown(days.day_index(ts)) {
            if session == 0 {
                without += 1;
            } else {
                compared += 1;
            }
        }
    }
    // Platform sessions get dense ids in order of their first hit (the table is in time order).
    let mut platform_ids: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    let mut platform_day: Vec<u32> = Vec::new();
    let mut platform_first_ours: Vec<u32> = Vec::new();
    let mut platform_split: Vec<bool> = Vec::new();
    let mut ours_first_platform = vec![UNSET; ours.sessions.len()];
    let mut ours_merged = vec![false; ours.sessions.len()];
    for i in 0..table.len() {
        let source_session = table.source_session[i];
        if source_session == 0 {
            continue;
        }
        let next = platform_ids.len() as u32;
        let p = *platform_ids.entry((table.client[i], source_session)).or_insert(next);
        if p == next {
            platform_day.push(days.day_index(table.ts_ms[i]));
            platform_first_ours.push(UNSET);
            platform_split.push(false);
        }
        let s = ours.hit_session[i];
        if s == NO_SESSION {
            continue;
        }
        let first_ours = &mut platform_first_ours[p as usize];
        if *first_ours == UNSET {
            *first_ours = s;
        } else if *first_ours != s {
            platform_split[p as usize] = true;
        }
        let first_platform = &mut ours_first_platform[s as usize];
        if *first_platform == UNSET {
            *first_platform = p;
        } else if *first_platform != p {
            ours_merged[s as usize] = true;
        }
    }

    let mut by_day: FxHashMap<u32, Tally> = FxHashMap::default();
    let mut total = Tally::default();
    let mut add = |day: u32, f: &dyn Fn(&mut Tally)| {
        if shown(day) {
            f(by_day.entry(day).or_default());
            f(&mut total);
        }
    };
    for (p, &day) in platform_day.iter().enumerate() {
        let (first_ours, split) = (platform_first_ours[p], platform_split[p]);
        add(day, &|t| {
            t.counts.platform_sessions += 1;
            t.counts.split += u64::from(split);
            t.counts.not_counted += u64::from(first_ours == UNSET);
        });
    }
    for (s, session) in ours.sessions.iter().enumerate() {
        let p = ours_first_platform[s];
        if p == UNSET {
            continue;
        }
        let merged = ours_merged[s];
        let extra = platform_first_ours[p as usize] != s as u32;
        let reason = StartReason::ALL.iter().position(|&r| r == session.start_reason).unwrap_or(0);
        add(days.day_index(session.start_ms), &|t| {
            t.counts.our_sessions += 1;
            t.counts.merged += u64::from(merged);
            if extra {
                t.reasons[reason] += 1;
            }
        });
    }
    let mut day_list: Vec<(u32, Tally)> = by_day.into_iter().collect();
    day_list.sort_by_key(|(day, _)| *day);
    Ok(Some(Fidelity {
        platform: platform.to_string(),
        preset: ours.rules.preset,
        reasons: total.largest(),
        counts: total.counts,
        days: day_list
            .into_iter()
            .map(|(day, t)| Day { date: days.date(day).to_string(), reasons: t.largest(), counts: t.counts })
            .collect(),
        hits_compared: compared,
        hits_without_session_id: without,
    }))
}

/// Where a rule cut a session, in words that follow "split": "at midnight", "by the
/// inactivity timeout".
pub fn cut_words(reason: StartReason) -> &'static str {
    match reason {
        StartReason::FirstHit => "where our visitors differ from the platform's",
        StartReason::Timeout => "by the inactivity timeout",
        StartReason::Midnight => "at midnight",
        StartReason::CampaignChange => "on a campaign change",
        StartReason::ReferrerChange => "on a new traffic source",
        StartReason::MaxLength => "at the longest session length",
        StartReason::MaxHits => "at the most hits per session",
        StartReason::Burst => "by a burst of hits",
        StartReason::UserChange => "on a user id change",
        StartReason::Hour => "at the clock hour",
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n as i64), if n == 1 { one } else { many })
}

impl Fidelity {
    /// The comparison in plain words, the verdict first: "Our UA rules give 1,012 sessions
    /// where UA counted 1,000: 14 of UA's sessions were split, mostly at midnight, and 2 of ours
    /// joined several of UA's."
    pub fn summary(&self) -> String {
        let c = &self.counts;
        let p = &self.platform;
        let ours = self.preset.short_title();
        if c.platform_sessions == 0 && c.our_sessions == 0 {
            return format!("Neither {p} nor our {ours} rules have a session in these days.");
        }
        let mut out = if c.our_sessions == c.platform_sessions {
            format!("Our {ours} rules give the same {} {p} counted", plural(c.platform_sessions, "session", "sessions"))
        } else {
            format!(
                "Our {ours} rules give {} where {p} counted {}",
                plural(c.our_sessions, "session", "sessions"),
                thousands(c.platform_sessions as i64)
            )
        };
        let mut parts = Vec::new();
        if c.split > 0 {
            let mut part = format!("{} of {p}'s sessions {} split", thousands(c.split as i64), were(c.split));
            if let Some(top) = self.reasons.first() {
                part.push_str(&format!(", mostly {}", cut_words(top.reason)));
            }
            parts.push(part);
        }
        if c.merged > 0 {
            parts.push(format!("{} of ours joined several of {p}'s", thousands(c.merged as i64)));
        }
        if c.not_counted > 0 {
            parts.push(format!(
                "{} of {p}'s {} not counted in ours (bots or only non-interaction hits)",
                thousands(c.not_counted as i64),
                were(c.not_counted)
            ));
        }
        match parts.len() {
            0 => out.push_str(": none was split or merged."),
            _ => {
                let last = parts.pop().unwrap_or_default();
                out.push_str(": ");
                if !parts.is_empty() {
                    out.push_str(&parts.join(", "));
                    out.push_str(" and ");
                }
                out.push_str(&last);
                out.push('.');
            }
        }
        if self.hits_without_session_id > 0 {
            out.push_str(&format!(
                " {} without a {p} session id {} left out.",
                plural(self.hits_without_session_id, "hit", "hits"),
                if self.hits_without_session_id == 1 { "is" } else { "are" }
            ));
        }
        out
    }
}

fn were(n: u64) -> &'static str {
    if n == 1 {
        "was"
    } else {
        "were"
    }
}
