//! The examples behind waterfall steps, told in plain words with a timeline of the clicks, hits
//! and session starts involved ("3 clicks, 1 session: clicks at 10:01, 10:07 and 10:20 carried
//! the same manual tags").

use std::sync::OnceLock;

use super::{Example, TimelineEntry, TimelineKind};
use crate::ad_index::{AdIndex, ClickGroup};
use crate::model::HitType;
use crate::sessionize::{HitTable, Session, Sessionized, StartReason, NO_SESSION};
use crate::time::ViewClock;
use crate::url::path;

/// Hits shown per session in a timeline.
const HITS_PER_SESSION: usize = 8;

pub(crate) struct Story<'a> {
    pub table: &'a HitTable,
    pub sessions: &'a Sessionized,
    pub index: &'a AdIndex<'a>,
    pub clock: ViewClock,
    /// Each session's hits (built on first use: only examples need them).
    members: OnceLock<Members>,
    /// Each session's first hit (built on first use).
    first_hits: OnceLock<Vec<u32>>,
    /// Per session, the same visitor's session before it (built on first use).
    previous: OnceLock<Vec<u32>>,
}

/// Hits of session `s`: `hits[offsets[s]..offsets[s + 1]]`, in time order.
struct Members {
    offsets: Vec<u32>,
    hits: Vec<u32>,
}

impl Members {
    fn new(sessions: &Sessionized) -> Members {
        let mut offsets = vec![0u32; sessions.sessions.len() + 1];
        for &s in &sessions.hit_session {
            if s != NO_SESSION {
                offsets[s as usize + 1] += 1;
            }
        }
        for k in 1..offsets.len() {
            offsets[k] += offsets[k - 1];
        }
        let mut cursor = offsets.clone();
        let mut hits = vec![0u32; offsets.last().copied().unwrap_or(0) as usize];
        for (i, &s) in sessions.hit_session.iter().enumerate() {
            if s != NO_SESSION {
                hits[cursor[s as usize] as usize] = i as u32;
                cursor[s as usize] += 1;
            }
        }
        Members { offsets, hits }
    }

    fn of(&self, s: u32) -> &[u32] {
        &self.hits[self.offsets[s as usize] as usize..self.offsets[s as usize + 1] as usize]
    }
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "10:01", "10:01 and 10:07", "10:01, 10:07 and 10:20".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl<'a> Story<'a> {
    pub fn new(table: &'a HitTable, sessions: &'a Sessionized, index: &'a AdIndex<'a>, clock: ViewClock) -> Self {
        Story {
            table,
            sessions,
            index,
            clock,
            members: OnceLock::new(),
            first_hits: OnceLock::new(),
            previous: OnceLock::new(),
        }
    }

    /// The hits of session `s`, in time order.
    pub fn hits(&self, s: u32) -> &[u32] {
        self.members.get_or_init(|| Members::new(self.sessions)).of(s)
    }

    /// Find now, rather than on first use, what sorting sessions asks of the story: each
    /// session's first hit and the same visitor's session before it (so another thread can).
    pub fn index_sessions(&self) {
        self.first_hits();
        self.previous();
    }

    /// The first hit of session `s` (the sessions' first hits are found in one pass on first
    /// use, which is cheaper than [`Story::hits`]).
    pub fn first_hit(&self, s: u32) -> u32 {
        self.first_hits()[s as usize]
    }

    fn first_hits(&self) -> &[u32] {
        self.first_hits.get_or_init(|| {
            // From the last hit back, so each session's earliest hit is written last: a store
            // per hit, without reading what is there.
            let mut firsts = vec![NO_SESSION; self.sessions.sessions.len()];
            for (i, &s) in self.sessions.hit_session.iter().enumerate().rev() {
                if s != NO_SESSION {
                    firsts[s as usize] = i as u32;
                }
            }
            firsts
        })
    }

    fn session(&self, s: u32) -> &Session {
        &self.sessions.sessions[s as usize]
    }

    fn visitor(&self, s: u32) -> String {
        self.sessions.session_visitor_label(self.table, s)
    }

    /// The visitor's session before `s`, if any.
    pub fn previous_session(&self, s: u32) -> Option<u32> {
        self.previous().get(s as usize).copied().filter(|&p| p != u32::MAX)
    }

    /// Per session, the same visitor's session before it, or `u32::MAX`.
    fn previous(&self) -> &[u32] {
        self.previous.get_or_init(|| {
            let all = &self.sessions.sessions;
            let mut previous = vec![u32::MAX; all.len()];
            for w in self.sessions.by_visitor.windows(2) {
                if all[w[0] as usize].visitor == all[w[1] as usize].visitor {
                    previous[w[1] as usize] = w[0];
                }
            }
            previous
        })
    }

    /// The campaign tags of a campaign value, as `utm_campaign=spring, gclid=Cj0KCQ…`.
    pub fn tags(&self, campaign: u32) -> String {
        let c = &self.table.dict.campaigns[campaign as usize];
        let mut parts = Vec::new();
        for (name, value) in [("utm_source", &c.source), ("utm_medium", &c.medium), ("utm_campaign", &c.name)] {
            if !value.is_empty() {
                parts.push(format!("{name}={value}"));
            }
        }
        if !c.click_id.is_empty() {
            parts.push(format!("{}={}", c.click_id_param, short_id(&c.click_id)));
        }
        parts.join(", ")
    }

    fn hit_entry(&self, i: u32, kind: TimelineKind) -> TimelineEntry {
        let i = i as usize;
        let t = self.table;
        let what = match t.hit_type[i] {
            HitType::PageView => format!("page view {}", path(&t.dict.urls[t.url[i] as usize])),
            HitType::Event => format!("event {}", t.dict.events[t.event[i] as usize]),
            HitType::Asset => format!("file {}", path(&t.dict.urls[t.url[i] as usize])),
        };
        let tags = if t.campaign[i] != 0 { format!(" ({})", self.tags(t.campaign[i])) } else { String::new() };
        let ts = t.ts_ms[i];
        TimelineEntry { ts_ms: Some(ts), local_time: self.clock.date_time(ts), kind, text: format!("{what}{tags}") }
    }

    fn click_entries(&self, group: &ClickGroup) -> Vec<TimelineEntry> {
        group
            .rows
            .iter()
            .map(|&r| {
                let row = &self.index.ads.clicks[r as usize];
                let clicks = plural(row.clicks, "click", "clicks");
                let text =
                    format!("{clicks} on '{}' with {}={}", row.campaign, row.click_id_param, short_id(&row.click_id));
                match row.ts_ms {
                    Some(ts) => TimelineEntry {
                        ts_ms: Some(ts),
                        local_time: self.clock.date_time(ts),
                        kind: TimelineKind::Click,
                        text,
                    },
                    None => TimelineEntry {
                        ts_ms: None,
                        local_time: format!("{} (account day)", row.date),
                        kind: TimelineKind::Click,
                        text,
                    },
                }
            })
            .collect()
    }

    /// The hits of `sessions` (a few each) with their session starts, and `extra` entries,
    /// in time order (clicks without a time first).
    pub fn timeline(&self, sessions: &[u32], extra: Vec<TimelineEntry>) -> Vec<TimelineEntry> {
        let mut out = extra;
        for &s in sessions {
            let session = self.session(s);
            let reason = match session.start_reason {
                StartReason::FirstHit => "first hit".to_string(),
                other => other.as_str().replace('-', " "),
            };
            let traffic = &self.sessions.traffic[session.traffic as usize];
            out.push(TimelineEntry {
                ts_ms: Some(session.start_ms),
                local_time: self.clock.date_time(session.start_ms),
                kind: TimelineKind::SessionStart,
                text: format!(
                    "session {} of {} starts ({reason}); attributed to {} / {}{}",
                    session.visitor_session_number,
                    self.visitor(s),
                    traffic.source,
                    traffic.medium,
                    if traffic.campaign.is_empty() { String::new() } else { format!(" / {}", traffic.campaign) }
                ),
            });
            out.extend(self.hits(s).iter().take(HITS_PER_SESSION).map(|&i| self.hit_entry(i, TimelineKind::Hit)));
        }
        out.sort_by_key(|e| (e.ts_ms.is_some(), e.ts_ms, e.kind == TimelineKind::Hit));
        out
    }

    fn times(&self, hits: &[u32]) -> String {
        let stamps: Vec<i64> = hits.iter().map(|&i| self.table.ts_ms[i as usize]).collect();
        let same_day = stamps.windows(2).all(|w| self.clock.date(w[0]) == self.clock.date(w[1]));
        let shown: Vec<String> =
            stamps.iter().map(|&t| if same_day { self.clock.time(t) } else { self.clock.date_time(t) }).collect();
        and_list(&shown)
    }

    fn example(&self, campaign: u32, summary: String, visitor: Option<u32>, ids: Vec<String>) -> Example {
        Example {
            summary,
            campaign: self.index.campaigns[campaign as usize].name.clone(),
            visitor: visitor.map(|s| self.visitor(s)),
            click_ids: ids,
            timeline: Vec::new(),
        }
    }

    pub fn no_landing(&self, g: u32, missing: i64) -> Example {
        let group = &self.index.groups[g as usize];
        let summary = format!(
            "{} with {}: no hit carries this click id",
            plural(missing, "click", "clicks"),
            short_id(&group.click_id)
        );
        let mut e = self.example(group.campaign, summary, None, vec![group.click_id.clone()]);
        e.timeline = self.click_entries(group);
        e
    }

    /// Clicks of one click id that started fewer sessions than they were: `arrivals` are its
    /// landing hits, `started` the sessions it started.
    pub fn group_folded(&self, g: u32, arrivals: &[u32], started: &[u32], folded: i64) -> Example {
        let group = &self.index.groups[g as usize];
        let clicks: i64 = group.rows.iter().map(|&r| self.index.ads.clicks[r as usize].clicks).sum();
        let hit_sessions: Vec<u32> = {
            let mut v: Vec<u32> =
                arrivals.iter().map(|&i| self.sessions.hit_session[i as usize]).filter(|&s| s != NO_SESSION).collect();
            v.dedup();
            v
        };
        let summary = if started.is_empty() {
            let into = hit_sessions.first().map_or(String::new(), |&s| {
                let traffic = &self.sessions.traffic[self.session(s).traffic as usize];
                format!(
                    " inside the session started at {} from {} / {}",
                    self.clock.time(self.session(s).start_ms),
                    traffic.source,
                    traffic.medium
                )
            });
            format!(
                "{}, no session of its own: the click id {} landed at {}{into}",
                plural(clicks, "click", "clicks"),
                short_id(&group.click_id),
                self.times(arrivals)
            )
        } else {
            format!(
                "{}, {}: landings at {} carried the same click id {} ({folded} folded)",
                plural(clicks, "click", "clicks"),
                plural(started.len() as i64, "session", "sessions"),
                self.times(arrivals),
                short_id(&group.click_id)
            )
        };
        let visitor = hit_sessions.first().copied();
        let mut e = self.example(group.campaign, summary, visitor, vec![group.click_id.clone()]);
        e.timeline = self.timeline(&hit_sessions, self.click_entries(group));
        e
    }

    /// One click id that started more sessions than it had clicks.
    pub fn group_extra(&self, g: u32, started: &[u32], extra: i64) -> Example {
        let group = &self.index.groups[g as usize];
        let times: Vec<String> = started.iter().map(|&s| self.clock.date_time(self.session(s).start_ms)).collect();
        let summary = format!(
            "the click id {} started {} (at {}): the tagged URL was opened again ({extra} extra)",
            short_id(&group.click_id),
            plural(started.len() as i64, "session", "sessions"),
            and_list(&times)
        );
        let mut e = self.example(group.campaign, summary, started.first().copied(), vec![group.click_id.clone()]);
        e.timeline = self.timeline(started, self.click_entries(group));
        e
    }

    /// Tagged landings inside one session (daily totals: each may be a click or a reload).
    pub fn tagged_folded(&self, campaign: u32, session: u32, arrivals: &[u32]) -> Example {
        let s = self.session(session);
        let campaign_value = self.table.campaign[arrivals[0] as usize];
        let same_entrance = s.entrance_campaign == campaign_value;
        let mut landings: Vec<u32> = arrivals.to_vec();
        if same_entrance {
            if let Some(&first) =
                self.hits(session).iter().find(|&&i| self.table.campaign[i as usize] == campaign_value)
            {
                landings.insert(0, first);
                landings.dedup();
            }
        }
        let n = landings.len() as i64;
        let manual = self.table.dict.campaigns[campaign_value as usize].click_id.is_empty();
        let summary = if same_entrance {
            format!(
                "{}, 1 session: {} at {} carried the same {} ({})",
                plural(n, "tagged landing", "tagged landings"),
                if n == 1 { "the landing" } else { "landings" },
                self.times(&landings),
                if manual { "manual tags" } else { "tags" },
                self.tags(campaign_value)
            )
        } else {
            let traffic = &self.sessions.traffic[s.traffic as usize];
            format!(
                "a tagged landing at {} ({}) came inside the session started at {} from {} / {}",
                self.times(arrivals),
                self.tags(campaign_value),
                self.clock.time(s.start_ms),
                traffic.source,
                traffic.medium
            )
        };
        let mut e = self.example(campaign, summary, Some(session), Vec::new());
        e.timeline = self.timeline(&[session], Vec::new());
        e
    }

    /// A session that carries the campaign without a landing of its own.
    pub fn continuation(&self, campaign: u32, s: u32, timeout_s: u32) -> Example {
        let session = self.session(s);
        let previous = self.previous_session(s);
        let summary = match (session.start_reason, previous) {
            (StartReason::Timeout, Some(p)) => {
                let gap_min = (session.start_ms - self.session(p).end_ms) / 60_000;
                format!(
                    "1 click, 2 sessions: the visit went on at {} after a {gap_min}-minute pause (timeout {} min); \
                     the new session keeps the campaign",
                    self.clock.time(session.start_ms),
                    timeout_s / 60
                )
            }
            (StartReason::Midnight, _) => format!(
                "1 click, 2 sessions: the visit crossed midnight ({}); the session from {} keeps the campaign",
                self.clock.tz.name(),
                self.clock.date_time(session.start_ms)
            ),
            (reason, _) => format!(
                "1 click, 2 sessions: the visit was cut ({}) at {}; the next session keeps the campaign",
                reason.as_str().replace('-', " "),
                self.clock.date_time(session.start_ms)
            ),
        };
        let shown: Vec<u32> = previous.into_iter().chain([s]).collect();
        let mut e = self.example(campaign, summary, Some(s), Vec::new());
        e.timeline = self.timeline(&shown, Vec::new());
        e
    }

    /// A session with the campaign and no click: `carried` when it started direct.
    pub fn without_click(&self, campaign: u32, s: u32, carried: bool) -> Example {
        let session = self.session(s);
        let summary = if carried {
            let since = self.previous_session(s).map_or(String::new(), |p| {
                format!(" of the session at {}", self.clock.date_time(self.session(p).start_ms))
            });
            format!(
                "a direct return at {} carried the campaign{since}: a session with no click",
                self.clock.date_time(session.start_ms)
            )
        } else {
            format!(
                "a session landed at {} with {} and no click id from the ad data (a bookmarked or shared tagged URL)",
                self.clock.date_time(session.start_ms),
                self.tags(session.entrance_campaign)
            )
        };
        let shown: Vec<u32> = if carried { self.previous_session(s).into_iter().chain([s]).collect() } else { vec![s] };
        let mut e = self.example(campaign, summary, Some(s), Vec::new());
        e.timeline = self.timeline(&shown, Vec::new());
        e
    }

    /// A session that arrived from the ad network with no tags on one of the campaign's landing
    /// pages while the campaign was short of landings.
    pub fn tags_lost(&self, campaign: u32, s: u32, referrer: &str, page: &str) -> Example {
        let summary = format!(
            "a visit from {referrer} landed on {page} at {} with no utm tags and no click id, on a day the campaign \
             had clicks without a tagged landing",
            self.clock.date_time(self.session(s).start_ms)
        );
        let mut e = self.example(campaign, summary, Some(s), Vec::new());
        e.timeline = self.timeline(&[s], Vec::new());
        e
    }

    pub fn bot_landing(&self, campaign: u32, hit: u32) -> Example {
        let i = hit as usize;
        let agent = &self.table.dict.user_agents[self.table.user_agent[i] as usize];
        let summary = format!(
            "a bot ({}) loaded the tagged URL at {}",
            agent.chars().take(60).collect::<String>(),
            self.clock.date_time(self.table.ts_ms[i])
        );
        let mut e = self.example(campaign, summary, None, Vec::new());
        e.timeline = vec![self.hit_entry(hit, TimelineKind::BotHit)];
        e
    }

    pub fn bot_session(&self, campaign: u32, s: u32) -> Example {
        let summary = format!(
            "a session of a bot user agent at {} carries the campaign (the bot filter is off)",
            self.clock.date_time(self.session(s).start_ms)
        );
        let mut e = self.example(campaign, summary, Some(s), Vec::new());
        e.timeline = self.timeline(&[s], Vec::new());
        e
    }
}

/// A click id cut to 12 characters for reading (`Cj0KCQiA5-uu…`).
fn short_id(id: &str) -> String {
    if id.chars().count() <= 14 {
        id.to_string()
    } else {
        format!("{}…", id.chars().take(12).collect::<String>())
    }
}
