//! The engine: hits → sessions under a [`RuleSet`]. Hit indices are put in (group, time) order
//! by a counting sort on the group id (the table is already in time order, so one stable pass
//! does it), kept by the table for the next rule sets that agree on who each hit is (see
//! [`Grouping`]); then one linear pass per group applies the rules, runs of groups on threads of
//! their own. Everything the rules ask of a dictionary value (bot or not, key event, the
//! campaign value a split compares, the traffic source of a referrer or of campaign tags, the
//! classification of an entrance) is worked out once per distinct value.

use std::ops::Range;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::NaiveDate;
use md5::Digest;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::attribution::{self, Device, ReferrerKind, SourceMedium, Traffic};
use super::clock::LocalDays;
use super::identity::{Grouping, GroupingKey, Groups, SaltedVisitors, Visitor};
use super::rules::{BounceRule, DurationRule, Identity, RuleSet, SaltRotation};
use super::table::HitTable;
use crate::error::{Error, Result};
use crate::model::HitType;
use crate::url::host;

/// In [`Sessionized::hit_session`]: the hit is in no counted session.
pub const NO_SESSION: u32 = u32::MAX;
const UNSET: u32 = u32::MAX;
const MS_PER_HOUR: i64 = 3_600_000;

/// Why a session started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StartReason {
    /// The visitor's first counted hit (in the data, or in the recorded session).
    #[default]
    FirstHit,
    Timeout,
    Midnight,
    CampaignChange,
    ReferrerChange,
    MaxLength,
    MaxHits,
    Burst,
    UserChange,
    Hour,
}

impl StartReason {
    pub const ALL: [StartReason; 10] = [
        StartReason::FirstHit,
        StartReason::Timeout,
        StartReason::Midnight,
        StartReason::CampaignChange,
        StartReason::ReferrerChange,
        StartReason::MaxLength,
        StartReason::MaxHits,
        StartReason::Burst,
        StartReason::UserChange,
        StartReason::Hour,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StartReason::FirstHit => "first-hit",
            StartReason::Timeout => "timeout",
            StartReason::Midnight => "midnight",
            StartReason::CampaignChange => "campaign-change",
            StartReason::ReferrerChange => "referrer-change",
            StartReason::MaxLength => "max-length",
            StartReason::MaxHits => "max-hits",
            StartReason::Burst => "burst",
            StartReason::UserChange => "user-change",
            StartReason::Hour => "hour",
        }
    }

    pub fn parse(s: &str) -> Option<StartReason> {
        StartReason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// One counted session. Ids index the table's dictionaries; `traffic`, `device` and `visitor`
/// index [`Sessionized`]'s lists.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Session {
    pub visitor: u32,
    /// 1 for the visitor's first counted session in the data, then 2, 3, ...
    pub visitor_session_number: u32,
    /// The visitor's first session (nothing before the data is known, so the first in it).
    pub is_new: bool,
    pub start_ms: i64,
    /// The last hit's time.
    pub end_ms: i64,
    /// Under the rule set's [`DurationRule`].
    pub duration_ms: i64,
    pub hits: u32,
    pub interaction_hits: u32,
    pub pageviews: u32,
    /// The url ids of the first and last page (page view or event) of the session.
    pub landing_url: u32,
    pub exit_url: u32,
    pub bounce: bool,
    pub engaged: bool,
    /// The entrance the session is attributed to: campaign and referrer ids of its first hit,
    /// or of the carried-over campaign; (0, 0) for direct.
    pub entrance_campaign: u32,
    pub entrance_referrer: u32,
    pub traffic: u32,
    pub device: u32,
    pub start_reason: StartReason,
}

/// Headline figures of a sessionization.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub sessions: u64,
    /// Distinct visitors with at least one hit that is not a bot's (counted session or not).
    pub users: u64,
    /// Visitors whose first activity is in the data: every visitor, as nothing before the data
    /// is known.
    pub new_users: u64,
    pub pageviews: u64,
    pub bounces: u64,
    /// Bounces / sessions; `None` when the bounce rule is `none` or there is no session.
    pub bounce_rate: Option<f64>,
    pub avg_duration_s: f64,
    pub engaged_sessions: u64,
    /// Hits dropped by the bot filter.
    pub bot_hits: u64,
    /// Hits in no counted session: non-interaction hits outside any session, hits dropped as
    /// too late ([`RuleSet::drop_hits_after_s`]) and the hits of sessions without a page view
    /// when sessions need one.
    pub uncounted_hits: u64,
}

/// The sessions of a table under a rule set.
pub struct Sessionized {
    pub rules: RuleSet,
    pub sessions: Vec<Session>,
    /// Per hit (table order): its session, or [`NO_SESSION`].
    pub hit_session: Vec<u32>,
    /// Table rows the bot filter dropped.
    pub bot_hits: Vec<u32>,
    pub uncounted_hits: u64,
    pub visitors: Vec<Visitor>,
    pub traffic: Vec<Traffic>,
    pub devices: Vec<Device>,
    /// Every session's index, by visitor and then start: each visitor's sessions side by side,
    /// so distinct visitors are counted without a set.
    pub by_visitor: Vec<u32>,
    /// The first and last view day a session starts on, asked for by every report.
    start_span: Option<(NaiveDate, NaiveDate)>,
    /// Each session's start day (view time zone), looked up once for every report's pass.
    start_days: Vec<NaiveDate>,
    days: LocalDays,
    /// Each session's visitor as a stored run names it, for a run read back over hits read
    /// without who made them (see [`Sessionized::session_visitor_label`]).
    stored_label: Option<StoredLabel>,
}

/// The label of a session's visitor as a stored run keeps it, by session index.
pub(crate) type StoredLabel = Box<dyn Fn(u32) -> Option<String> + Send + Sync>;

/// What a hit brings: the value campaign changes compare, or the traffic source of a referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// The hit says nothing about where the visitor came from (internal navigation, events).
    None,
    Direct,
    /// A campaign value (tags, plus the click id when click ids are campaigns).
    Campaign(u32),
    /// An external referrer, by the id of its traffic source (source / medium, as classified).
    Referral(u32),
}

impl Source {
    const VALUE_BITS: u32 = 30;
    const VALUE_MASK: u32 = (1 << Source::VALUE_BITS) - 1;

    /// Two bits of kind, 30 of value (dictionary sizes stay far below 2^30).
    fn pack(self) -> u32 {
        match self {
            Source::None => 0,
            Source::Direct => 1 << Source::VALUE_BITS,
            Source::Campaign(v) => 2 << Source::VALUE_BITS | (v & Source::VALUE_MASK),
            Source::Referral(v) => 3 << Source::VALUE_BITS | (v & Source::VALUE_MASK),
        }
    }

    fn unpack(packed: u32) -> Source {
        let v = packed & Source::VALUE_MASK;
        match packed >> Source::VALUE_BITS {
            0 => Source::None,
            1 => Source::Direct,
            2 => Source::Campaign(v),
            _ => Source::Referral(v),
        }
    }
}

/// What the rules ask of each dictionary value, worked out once per run (what does not depend
/// on the rules is worked out once per table: see [`HitTable`]).
struct Lookups {
    is_bot: Vec<bool>,
    non_interaction_event: Vec<bool>,
    key_event: Vec<bool>,
    /// Per event id: the event brings no source (see [`GA4_SESSION_MARKERS`]).
    sourceless_event: Vec<bool>,
    /// Per campaign id: the value campaign changes compare.
    campaign_value: Vec<u32>,
    /// Per referrer id: what it brings to a page of the main site (that of url id 1)...
    referrer_source: Vec<Source>,
    /// ... and to pages of other sites, by (referrer id, site).
    referrer_source_elsewhere: FxHashMap<(u32, u32), Source>,
    /// Per campaign attribution key: the id of the traffic source its tags state, if they do.
    tagged_source: Vec<Option<u32>>,
}

/// The traffic-source id of a direct arrival; classified sources are numbered from 1.
const DIRECT_TRAFFIC: u32 = 0;

/// GA4's automatic events that mark a session's (and a new user's) start. They repeat the
/// landing page's parameters; under [`RuleSet::direct_session_takes_first_source`] they bring
/// no source, as the export's session source is read from the other events.
const GA4_SESSION_MARKERS: [&str; 2] = ["session_start", "first_visit"];

impl Lookups {
    fn new(table: &HitTable, rules: &RuleSet) -> Lookups {
        let d = &table.dict;
        let is_bot = if rules.bot_filter { table.agents().is_bot.clone() } else { vec![false; d.user_agents.len()] };
        let named = |names: &[String]| d.events.iter().map(|e| names.iter().any(|n| n == e)).collect::<Vec<bool>>();
        let campaign_value = if rules.click_id_is_campaign {
            // Campaign ids are distinct tag tuples, click id included.
            (0..d.campaigns.len() as u32).collect()
        } else {
            table.keys().campaign_utm_key.clone()
        };
        let site_of_url = &table.keys().url_site;
        let main_site = site_of_url.get(1).copied().unwrap_or(0);
        let mut sources: FxHashMap<SourceMedium, u32> = FxHashMap::default();
        let mut source_id = |source: SourceMedium| {
            let next = sources.len() as u32 + 1;
            *sources.entry(source).or_insert(next)
        };
        let mut classify = |referrer: u32, site: u32| -> Source {
            let landing_host = host(&d.urls[site as usize]);
            match attribution::referrer_kind(&d.referrers[referrer as usize], landing_host, &rules.referral_exclusions)
            {
                ReferrerKind::Direct => Source::Direct,
                ReferrerKind::Internal => Source::None,
                ReferrerKind::External(source) => Source::Referral(source_id(source)),
            }
        };
        let referrer_source: Vec<Source> = (0..d.referrers.len() as u32).map(|r| classify(r, main_site)).collect();
        let mut referrer_source_elsewhere = FxHashMap::default();
        for i in 0..table.len() {
            let site = site_of_url[table.url[i] as usize];
            // Page views bring referrals; a tagged hit may be a session's entrance.
            if site != main_site && (table.hit_type[i] == HitType::PageView || table.campaign[i] != 0) {
                referrer_source_elsewhere
                    .entry((table.referrer[i], site))
                    .or_insert_with(|| classify(table.referrer[i], site));
            }
        }
        let attribution_key = &table.keys().campaign_attribution_key;
        let keys = attribution_key.iter().max().map_or(0, |&k| k as usize + 1);
        let (mut tagged_source, mut seen) = (vec![None; keys], vec![false; keys]);
        for (campaign, &key) in d.campaigns.iter().zip(attribution_key) {
            if !std::mem::replace(&mut seen[key as usize], true) {
                tagged_source[key as usize] = attribution::campaign_source(&campaign.tags()).map(&mut source_id);
            }
        }
        Lookups {
            is_bot,
            non_interaction_event: named(&rules.non_interaction_events),
            key_event: named(&rules.engagement.key_events),
            sourceless_event: d
                .events
                .iter()
                .map(|e| rules.direct_session_takes_first_source && GA4_SESSION_MARKERS.contains(&e.as_str()))
                .collect(),
            campaign_value,
            referrer_source,
            referrer_source_elsewhere,
            tagged_source,
        }
    }

    /// The campaign value hit `i` brings. Only page views (and hits with campaign tags) say
    /// where the visitor came from.
    fn source(&self, t: &HitTable, i: usize) -> Source {
        let campaign = t.campaign[i];
        if campaign != 0 {
            return Source::Campaign(self.campaign_value[campaign as usize]);
        }
        if t.hit_type[i] != HitType::PageView {
            return Source::None;
        }
        self.referrer_source(t.referrer[i], t.keys().url_site[t.url[i] as usize])
    }

    /// What `referrer` brings to a page of `site`.
    fn referrer_source(&self, referrer: u32, site: u32) -> Source {
        if !self.referrer_source_elsewhere.is_empty() {
            if let Some(&source) = self.referrer_source_elsewhere.get(&(referrer, site)) {
                return source;
            }
        }
        self.referrer_source[referrer as usize]
    }

    /// The traffic-source id of an entrance: the one its tags state, else its referrer's.
    fn traffic_source(&self, t: &HitTable, entrance: Entrance) -> u32 {
        let keys = t.keys();
        let key = keys.campaign_attribution_key[entrance.campaign as usize];
        if let Some(id) = self.tagged_source[key as usize] {
            return id;
        }
        match self.referrer_source(entrance.referrer, keys.url_site[entrance.url as usize]) {
            Source::Referral(id) => id,
            Source::None | Source::Direct | Source::Campaign(_) => DIRECT_TRAFFIC,
        }
    }
}

/// What the walk needs of one hit, gathered in (group, time) order so the walk reads memory
/// in sequence.
#[derive(Clone, Copy, Default)]
struct Packed {
    ts_ms: i64,
    /// The hit's row in the table.
    row: u32,
    /// [`Source::pack`] of what the hit brings.
    source: u32,
    user: u32,
    /// The hit's page, user agent, campaign and referrer, so a session's entrance, landing
    /// and exit pages and device come from here rather than from scattered table rows.
    url: u32,
    user_agent: u32,
    campaign: u32,
    referrer: u32,
    flags: u8,
}

const INTERACTION: u8 = 1;
const PAGE_VIEW: u8 = 2;
const EVENT: u8 = 4;
const ASSET: u8 = 8;
const KEY_EVENT: u8 = 16;
/// An event named in the rule set's non-interaction events: a heartbeat such as `page_ping`.
const HEARTBEAT: u8 = 32;
/// The source's own engagement flag, read under [`super::EngagementRule::as_recorded`].
const RECORDED_ENGAGED: u8 = 64;
const RECORDED_NOT_ENGAGED: u8 = 128;

/// Sessionize `table` under `rules` (checked first). The table keeps the hits' grouping for
/// the next rule sets that agree on who each hit is.
pub fn sessionize(table: &HitTable, rules: &RuleSet) -> Result<Sessionized> {
    sessionize_keeping(table, rules, Keep::Grouping)
}

/// As [`sessionize`], for work done ahead of need: it uses a grouping the table keeps, but
/// keeps none it makes, so that the groupings of the rules in use stay kept.
pub fn sessionize_ahead(table: &HitTable, rules: &RuleSet) -> Result<Sessionized> {
    sessionize_keeping(table, rules, Keep::Nothing)
}

/// Whether a sessionization keeps the grouping it makes (see [`HitTable::grouping`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    Grouping,
    Nothing,
}

fn sessionize_keeping(table: &HitTable, rules: &RuleSet, keep: Keep) -> Result<Sessionized> {
    rules.validate()?;
    if table.without_visitors {
        return Err(Error::InvalidInput(
            "these hits were read without who made them, so they cannot be sessionized".into(),
        ));
    }
    let rules = rules.normalized();
    let n = table.len();
    let days = view_days(table, &rules)?;
    let lookups = Lookups::new(table, &rules);
    let grouping = table.grouping(GroupingKey::of(&rules), &lookups.is_bot, &days, keep);
    let Grouping { groups, start, bot_hits } = &*grouping;
    let of_hit = &groups.of_hit;

    // Runs of whole groups, each gathered and walked in turn, so that only the runs being
    // walked hold their gathered hits: twice as many runs as threads. When the visitors are
    // known before the walk, the runs are walked in parallel, each numbering its sessions and
    // traffic from 0, and put end to end afterwards as one walk in group order would; else one
    // walk goes through them all.
    let runs = split_groups(start, 2 * rayon::current_num_threads());
    // Each hit's session, as numbered by the walk that met it.
    let hit_session: Vec<AtomicU32> = (0..n).map(|_| AtomicU32::new(NO_SESSION)).collect();
    let walk_run = |walk: &mut Walk, run: &Range<usize>| {
        let base = start[run.start];
        let len = (start[run.end] - base) as usize;
        let (mut packed, mut session_of) = (vec![Packed::default(); len], vec![NO_SESSION; len]);
        gather(table, &rules, &lookups, of_hit, start, run.clone(), &mut packed);
        for g in run.clone() {
            let hits = (start[g] - base) as usize..(start[g + 1] - base) as usize;
            walk.group(g as u32, &packed[hits.clone()], &mut session_of[hits]);
        }
        for (hit, &session) in packed.iter().zip(&session_of) {
            hit_session[hit.row as usize].store(session, Ordering::Relaxed);
        }
    };
    let new_walk = || Walk::new(table, &rules, &lookups, &days, groups);
    // The walks, each with the end of the groups it went through.
    let walked: Vec<(Walked, u32)> = if groups.visitors_known() {
        runs.par_iter()
            .map(|run| {
                let mut walk = new_walk();
                walk_run(&mut walk, run);
                (walk.done(), run.end as u32)
            })
            .collect()
    } else {
        let mut walk = new_walk();
        runs.iter().for_each(|run| walk_run(&mut walk, run));
        vec![(walk.done(), groups.count as u32)]
    };

    // Every hit's session numbered after the sessions of the walks before its own.
    let mut hit_session: Vec<u32> = hit_session.into_iter().map(AtomicU32::into_inner).collect();
    if walked.len() > 1 {
        let mut firsts = Vec::with_capacity(walked.len());
        let mut first = 0;
        for (walk, _) in &walked {
            firsts.push(first);
            first += walk.sessions.len() as u32;
        }
        let ends: Vec<u32> = walked.iter().map(|&(_, end)| end).collect();
        hit_session.par_iter_mut().zip(of_hit).for_each(|(session, &g)| {
            if *session != NO_SESSION {
                *session += firsts[ends.partition_point(|&end| end <= g)];
            }
        });
    }
    let mut visitors = groups.visitors.clone();
    let mut traffic = TrafficList::default();
    let mut uncounted_hits = 0;
    let mut sessions_of_runs = Vec::with_capacity(walked.len());
    for (mut walk, _) in walked {
        let traffic_ids: Vec<u32> = walk.traffic.into_iter().map(|t| traffic.id(t)).collect();
        for s in &mut walk.sessions {
            s.traffic = traffic_ids[s.traffic as usize];
        }
        sessions_of_runs.push(walk.sessions);
        visitors.extend(walk.salted_visitors);
        uncounted_hits += walk.uncounted_hits;
    }
    // The runs' sessions end to end, in memory sized once (and so backed by huge pages).
    let mut sessions = Vec::with_capacity(sessions_of_runs.iter().map(Vec::len).sum());
    for run in sessions_of_runs {
        sessions.extend(run);
    }
    let mut sessionized = Sessionized::assemble(
        table,
        rules,
        days,
        Parts { sessions, hit_session, bot_hits: bot_hits.clone(), uncounted_hits, visitors, traffic: traffic.list },
    );
    if sessionized.rules.identity == Identity::SourceSession {
        renumber_by_visitor(&mut sessionized.sessions, &sessionized.by_visitor);
    }
    Ok(sessionized)
}

/// The view days (of the rule set's time zone) the table's hits span.
pub(crate) fn view_days(table: &HitTable, rules: &RuleSet) -> Result<LocalDays> {
    let (first, last) = (table.ts_ms.first().copied().unwrap_or(0), table.ts_ms.last().copied().unwrap_or(0));
    Ok(LocalDays::new(rules.tz()?, first, last))
}

/// What a sessionization is made of, fresh from the engine or read back from a project (see
/// [`Sessionized::assemble`]).
pub(crate) struct Parts {
    pub sessions: Vec<Session>,
    pub hit_session: Vec<u32>,
    pub bot_hits: Vec<u32>,
    pub uncounted_hits: u64,
    pub visitors: Vec<Visitor>,
    pub traffic: Vec<Traffic>,
}

/// Up to `parts` runs of consecutive groups with about as many hits each.
fn split_groups(start: &[u32], parts: usize) -> Vec<Range<usize>> {
    let (count, total) = (start.len() - 1, u64::from(start[start.len() - 1]));
    let mut runs = Vec::with_capacity(parts);
    let mut from = 0;
    for k in 1..=parts {
        let goal = (total * k as u64 / parts as u64) as u32;
        let to = if k == parts { count } else { start.partition_point(|&s| s < goal).min(count) };
        if to > from {
            runs.push(from..to);
            from = to;
        }
    }
    runs
}

/// Gather what the walk needs of the hits of the groups in `run` into `packed`, in (group,
/// time) order: one stable pass over the table, which is in time order.
fn gather(
    table: &HitTable,
    rules: &RuleSet,
    lookups: &Lookups,
    of_hit: &[u32],
    start: &[u32],
    run: Range<usize>,
    packed: &mut [Packed],
) {
    let base = start[run.start];
    let mut cursor: Vec<u32> = start[run.clone()].iter().map(|&s| s - base).collect();
    let (first, end) = (run.start as u32, run.end as u32);
    for (i, &g) in of_hit.iter().enumerate() {
        if g < first || g >= end {
            continue;
        }
        let event = table.event[i] as usize;
        let interaction = table.interaction[i] && !lookups.non_interaction_event[event];
        let kind = match table.hit_type[i] {
            HitType::PageView => PAGE_VIEW,
            HitType::Event => EVENT,
            HitType::Asset => ASSET,
        };
        let heartbeat = kind == EVENT && lookups.non_interaction_event[event];
        let recorded = match table.session_engaged[i] {
            Some(true) if rules.engagement.as_recorded => RECORDED_ENGAGED,
            Some(false) if rules.engagement.as_recorded => RECORDED_NOT_ENGAGED,
            _ => 0,
        };
        let flags = kind
            | if interaction { INTERACTION } else { 0 }
            | if lookups.key_event[event] { KEY_EVENT } else { 0 }
            | if heartbeat { HEARTBEAT } else { 0 }
            | recorded;
        let brings_source = (interaction || !rules.interaction_only) && !lookups.sourceless_event[event];
        let source = if brings_source { lookups.source(table, i) } else { Source::None };
        let slot = &mut cursor[(g - first) as usize];
        packed[*slot as usize] = Packed {
            ts_ms: table.ts_ms[i],
            row: i as u32,
            source: source.pack(),
            user: table.user[i],
            url: table.url[i],
            user_agent: table.user_agent[i],
            campaign: table.campaign[i],
            referrer: table.referrer[i],
            flags,
        };
        *slot += 1;
    }
}

/// Distinct traffic sources, numbered in order of first appearance.
#[derive(Default)]
struct TrafficList {
    list: Vec<Traffic>,
    ids: FxHashMap<Traffic, u32>,
}

impl TrafficList {
    fn id(&mut self, traffic: Traffic) -> u32 {
        if let Some(&id) = self.ids.get(&traffic) {
            return id;
        }
        let id = self.list.len() as u32;
        self.ids.insert(traffic.clone(), id);
        self.list.push(traffic);
        id
    }
}

/// The sessions' indexes by visitor, start and index. Visitors are numbered as their groups
/// are walked, so this is the sessions' own order (sorted in one pass) unless a visitor's
/// sessions come from several groups.
fn visitor_order(sessions: &[Session]) -> Vec<u32> {
    let mut by_visitor: Vec<u32> = (0..sessions.len() as u32).collect();
    by_visitor.sort_unstable_by_key(|&i| {
        let s = &sessions[i as usize];
        (s.visitor, s.start_ms, i)
    });
    by_visitor
}

/// Recorded sessions of one visitor come from several groups: number them in time order.
fn renumber_by_visitor(sessions: &mut [Session], by_visitor: &[u32]) {
    let mut previous = UNSET;
    let mut number = 0;
    for &i in by_visitor {
        let s = &mut sessions[i as usize];
        number = if s.visitor == previous { number + 1 } else { 1 };
        previous = s.visitor;
        s.visitor_session_number = number;
        s.is_new = number == 1;
    }
}

/// A session being built.
struct Open {
    index: u32,
    visitor: u32,
    reason: StartReason,
    start_ms: i64,
    last_ms: i64,
    last_activity_ms: i64,
    last_interaction_ms: i64,
    hits: u32,
    interaction_hits: u32,
    interaction_events: u32,
    pageviews: u32,
    actions: u32,
    key_events: u32,
    heartbeats: u32,
    /// The url ids of the first and last page (page view or event); the first hit's until
    /// the session has a page.
    landing_url: u32,
    exit_url: u32,
    /// The first hit's device.
    device: u32,
    user: u32,
    arrival: Arrival,
    next_midnight: i64,
    next_hour: i64,
    burst_ended: bool,
    /// What the source's own engagement flags of its hits say: engaged once one says so.
    recorded_engaged: Option<bool>,
}

/// The hit a session is attributed to: its campaign, referrer and page (for the site's host).
#[derive(Clone, Copy)]
struct Entrance {
    campaign: u32,
    referrer: u32,
    url: u32,
}

impl Entrance {
    const DIRECT: Entrance = Entrance { campaign: 0, referrer: 0, url: 0 };

    fn of(hit: &Packed) -> Entrance {
        Entrance { campaign: hit.campaign, referrer: hit.referrer, url: hit.url }
    }

    /// Does `hit` repeat this entrance's referrer on its page (an event or a reload of the
    /// landing page)? Such a hit is no new arrival.
    fn repeated_by(self, hit: &Packed) -> bool {
        self.referrer != 0 && hit.referrer == self.referrer && hit.url == self.url
    }
}

/// Where a session came from: the value campaign changes compare, the traffic source referrer
/// changes compare, and the hit it is attributed to.
#[derive(Clone, Copy)]
struct Arrival {
    source: Source,
    traffic_source: u32,
    entrance: Entrance,
}

impl Arrival {
    const DIRECT: Arrival =
        Arrival { source: Source::Direct, traffic_source: DIRECT_TRAFFIC, entrance: Entrance::DIRECT };
}

enum Decision {
    Continue,
    /// A direct session takes the arriving campaign (Matomo).
    Adopt,
    Split(StartReason),
    /// The hit is too long after the session's first: it is left out (Snowplow).
    Drop,
}

/// What the walk over a run of groups found: its sessions and traffic are numbered from 0.
struct Walked {
    sessions: Vec<Session>,
    traffic: Vec<Traffic>,
    salted_visitors: Vec<Visitor>,
    uncounted_hits: u64,
}

/// The walk over a run of groups.
struct Walk<'a> {
    table: &'a HitTable,
    rules: &'a RuleSet,
    lookups: &'a Lookups,
    days: &'a LocalDays,
    groups: &'a Groups,
    salted: SaltedVisitors,
    sessions: Vec<Session>,
    uncounted_hits: u64,
    visitor_sessions: Vec<u32>,
    traffic: TrafficList,
    /// Entrance (campaign tags with the click-id parameter, referrer, site) → traffic id.
    traffic_ids: FxHashMap<(u32, u32, u32), u32>,
    /// The latest hit times of the open session, for the burst cut (a ring).
    recent: Vec<i64>,
}

impl<'a> Walk<'a> {
    fn new(
        table: &'a HitTable,
        rules: &'a RuleSet,
        lookups: &'a Lookups,
        days: &'a LocalDays,
        groups: &'a Groups,
    ) -> Walk<'a> {
        Walk {
            table,
            rules,
            lookups,
            days,
            groups,
            salted: groups.salted_visitors(),
            sessions: Vec::new(),
            uncounted_hits: 0,
            visitor_sessions: Vec::new(),
            traffic: TrafficList::default(),
            traffic_ids: FxHashMap::default(),
            recent: Vec::new(),
        }
    }

    fn done(self) -> Walked {
        Walked {
            sessions: self.sessions,
            traffic: self.traffic.list,
            salted_visitors: self.salted.visitors,
            uncounted_hits: self.uncounted_hits,
        }
    }

    /// Walk one group's `hits` in time order, writing each one's session (or [`NO_SESSION`])
    /// in `session_of`.
    fn group(&mut self, group: u32, hits: &[Packed], session_of: &mut [u32]) {
        let recorded = self.groups.recorded[group as usize];
        let mut open: Option<Open> = None;
        // The visitor's latest campaign or referral, carried into sessions that start direct.
        let mut carried: Option<Arrival> = None;
        // Where the open session's hits start in `hits`.
        let mut from = 0;
        for (k, hit) in hits.iter().enumerate() {
            let interaction = hit.flags & INTERACTION != 0;
            let activity = interaction || !self.rules.interaction_only;
            let source = Source::unpack(hit.source);
            let decision = match &open {
                None => Decision::Split(StartReason::FirstHit),
                Some(s) => match if recorded { Decision::Continue } else { self.decide(s, hit, source) } {
                    Decision::Continue | Decision::Adopt if self.too_late(s, hit.ts_ms) => Decision::Drop,
                    decision => decision,
                },
            };
            let split = match decision {
                Decision::Split(reason) => Some(reason),
                Decision::Drop => {
                    // The visitor is a user already: the session's first hit made it one.
                    self.uncounted_hits += 1;
                    continue;
                }
                Decision::Continue | Decision::Adopt => None,
            };
            match (split, open.as_mut()) {
                (None, Some(s)) => {
                    if matches!(decision, Decision::Adopt) {
                        s.arrival = self.arrival(source, hit);
                        carried = Some(s.arrival);
                    }
                    self.add(s, hit, activity);
                    session_of[k] = s.index;
                }
                _ if !activity => {
                    // Neither starts nor extends a session: outside one, the hit is uncounted,
                    // but its visitor is still a user.
                    self.uncounted_hits += 1;
                    self.groups.visitor_at(group, hit.ts_ms, &mut self.salted);
                }
                (split, _) => {
                    if let Some(s) = open.take() {
                        self.finish(s, &mut session_of[from..k]);
                    }
                    let visitor = self.groups.visitor_at(group, hit.ts_ms, &mut self.salted);
                    let reason = split.unwrap_or(StartReason::FirstHit);
                    let mut s = self.start(hit, visitor, reason, source, &mut carried);
                    self.add(&mut s, hit, activity);
                    session_of[k] = s.index;
                    open = Some(s);
                    from = k;
                }
            }
        }
        if let Some(s) = open {
            self.finish(s, &mut session_of[from..]);
        }
    }

    /// Is a hit at `ts` more than [`RuleSet::drop_hits_after_s`] after the session's first?
    fn too_late(&self, s: &Open, ts: i64) -> bool {
        self.rules.drop_hits_after_s.is_some_and(|after| ts - s.start_ms > i64::from(after) * 1000)
    }

    fn decide(&self, s: &Open, hit: &Packed, source: Source) -> Decision {
        let r = self.rules;
        let ts = hit.ts_ms;
        let split = if r.split_on_user_id_change && hit.user != 0 && s.user != 0 && hit.user != s.user {
            Some(StartReason::UserChange)
        } else if ts - s.last_activity_ms > i64::from(r.inactivity_timeout_s) * 1000 {
            Some(StartReason::Timeout)
        } else if ts >= s.next_midnight {
            Some(StartReason::Midnight)
        } else if ts >= s.next_hour {
            Some(StartReason::Hour)
        } else if r.max_session_length_s.is_some_and(|max| ts - s.start_ms > i64::from(max) * 1000) {
            Some(StartReason::MaxLength)
        } else if r.max_hits_per_session.is_some_and(|max| s.hits >= max) {
            Some(StartReason::MaxHits)
        } else if s.burst_ended {
            Some(StartReason::Burst)
        } else {
            None
        };
        if let Some(reason) = split {
            return Decision::Split(reason);
        }
        let changed = source != s.arrival.source;
        let adopt = s.arrival.source == Source::Direct && r.direct_session_adopts_campaign;
        match source {
            Source::Direct if changed && r.split_on_campaign_change && !r.direct_keeps_campaign => {
                Decision::Split(StartReason::CampaignChange)
            }
            Source::Campaign(_) if changed && r.split_on_campaign_change => {
                if adopt {
                    Decision::Adopt
                } else {
                    Decision::Split(StartReason::CampaignChange)
                }
            }
            Source::Referral(traffic_source)
                if r.split_on_referrer_change
                    && traffic_source != s.arrival.traffic_source
                    && !s.arrival.entrance.repeated_by(hit) =>
            {
                if adopt {
                    Decision::Adopt
                } else {
                    Decision::Split(StartReason::ReferrerChange)
                }
            }
            Source::Campaign(_) | Source::Referral(_)
                if r.direct_session_takes_first_source && s.arrival.source == Source::Direct =>
            {
                Decision::Adopt
            }
            _ => Decision::Continue,
        }
    }

    fn start(
        &mut self,
        hit: &Packed,
        visitor: u32,
        reason: StartReason,
        source: Source,
        carried: &mut Option<Arrival>,
    ) -> Open {
        let ts = hit.ts_ms;
        let arrival = match source {
            Source::Campaign(_) | Source::Referral(_) => {
                let arrival = self.arrival(source, hit);
                *carried = Some(arrival);
                arrival
            }
            Source::Direct | Source::None => match *carried {
                Some(c) if self.rules.direct_keeps_campaign => c,
                _ => Arrival::DIRECT,
            },
        };
        self.recent.clear();
        Open {
            index: self.sessions.len() as u32,
            visitor,
            reason,
            start_ms: ts,
            last_ms: ts,
            last_activity_ms: ts,
            last_interaction_ms: ts,
            hits: 0,
            interaction_hits: 0,
            interaction_events: 0,
            pageviews: 0,
            actions: 0,
            key_events: 0,
            heartbeats: 0,
            landing_url: hit.url,
            exit_url: hit.url,
            device: self.table.agents().device[hit.user_agent as usize],
            user: 0,
            arrival,
            next_midnight: if self.rules.split_at_midnight { self.days.next_midnight(ts) } else { i64::MAX },
            next_hour: if self.rules.split_at_hour { (ts.div_euclid(MS_PER_HOUR) + 1) * MS_PER_HOUR } else { i64::MAX },
            burst_ended: false,
            recorded_engaged: None,
        }
    }

    /// The arrival `hit` makes, bringing `source`.
    fn arrival(&self, source: Source, hit: &Packed) -> Arrival {
        let entrance = Entrance::of(hit);
        Arrival { source, traffic_source: self.lookups.traffic_source(self.table, entrance), entrance }
    }

    fn add(&mut self, s: &mut Open, hit: &Packed, activity: bool) {
        let ts = hit.ts_ms;
        s.hits += 1;
        s.last_ms = ts;
        if activity {
            s.last_activity_ms = ts;
        }
        if hit.flags & INTERACTION != 0 {
            s.interaction_hits += 1;
            s.last_interaction_ms = ts;
            if hit.flags & EVENT != 0 {
                s.interaction_events += 1;
            }
        }
        if hit.flags & PAGE_VIEW != 0 {
            s.pageviews += 1;
        }
        if hit.flags & ASSET == 0 {
            if s.actions == 0 {
                s.landing_url = hit.url;
            }
            s.actions += 1;
            s.exit_url = hit.url;
        }
        if hit.flags & KEY_EVENT != 0 {
            s.key_events += 1;
        }
        if hit.flags & HEARTBEAT != 0 {
            s.heartbeats += 1;
        }
        if hit.flags & RECORDED_ENGAGED != 0 {
            s.recorded_engaged = Some(true);
        } else if hit.flags & RECORDED_NOT_ENGAGED != 0 {
            s.recorded_engaged.get_or_insert(false);
        }
        if hit.user != 0 {
            s.user = hit.user;
        }
        if let Some(burst) = self.rules.burst_cut {
            // Ring of the last `hits + 1` hit times: more than `hits` hits in under `seconds`.
            let size = burst.hits as usize + 1;
            if self.recent.len() < size {
                self.recent.push(ts);
            } else {
                self.recent[(s.hits as usize - 1) % size] = ts;
            }
            if s.hits as usize >= size {
                let oldest = self.recent[s.hits as usize % size];
                if ts - oldest < i64::from(burst.seconds) * 1000 {
                    s.burst_ended = true;
                }
            }
        }
    }

    /// Count session `s`, whose hits' slots are among `session_of` (with uncounted ones
    /// between them).
    fn finish(&mut self, s: Open, session_of: &mut [u32]) {
        let r = self.rules;
        if r.session_needs_pageview && s.pageviews == 0 {
            for slot in session_of {
                if *slot == s.index {
                    *slot = NO_SESSION;
                }
            }
            self.uncounted_hits += u64::from(s.hits);
            return;
        }
        let span = s.last_ms - s.start_ms;
        let duration_ms = match r.duration {
            DurationRule::LastInteractionMinusFirst => s.last_interaction_ms - s.start_ms,
            DurationRule::LastMinusFirst | DurationRule::SumOfTimeSpent => span,
            DurationRule::LastMinusFirstPlusOneSecond if s.actions <= 1 => 0,
            DurationRule::LastMinusFirstPlusOneSecond => span + 1000,
        };
        let e = &r.engagement;
        let long_enough = match e.min_heartbeats {
            Some(min) => s.heartbeats >= min,
            None => span > i64::from(e.min_duration_s) * 1000,
        };
        let engaged = s.recorded_engaged.unwrap_or(long_enough || s.pageviews >= e.min_pageviews || s.key_events > 0);
        let bounce = match r.bounce {
            BounceRule::OneInteractionHit => s.interaction_hits <= 1,
            BounceRule::NotEngaged => !engaged,
            BounceRule::OneHit => s.hits == 1,
            BounceRule::AtMostOneAction => s.actions <= 1,
            BounceRule::FewerThanTwoPageviews => s.pageviews < 2,
            BounceRule::PosthogBounce => s.pageviews <= 1 && span < 10_000 && s.interaction_events == 0,
            BounceRule::None => false,
        };
        let v = s.visitor as usize;
        if self.visitor_sessions.len() <= v {
            self.visitor_sessions.resize(v + 1, 0);
        }
        self.visitor_sessions[v] += 1;
        let number = self.visitor_sessions[v];
        let session = Session {
            visitor: s.visitor,
            visitor_session_number: number,
            is_new: number == 1,
            start_ms: s.start_ms,
            end_ms: s.last_ms,
            duration_ms,
            hits: s.hits,
            interaction_hits: s.interaction_hits,
            pageviews: s.pageviews,
            landing_url: s.landing_url,
            exit_url: s.exit_url,
            bounce,
            engaged,
            entrance_campaign: s.arrival.entrance.campaign,
            entrance_referrer: s.arrival.entrance.referrer,
            traffic: self.traffic_of(s.arrival.entrance),
            device: s.device,
            start_reason: s.reason,
        };
        self.sessions.push(session);
    }

    fn traffic_of(&mut self, entrance: Entrance) -> u32 {
        let t = self.table;
        let keys = t.keys();
        let site = keys.url_site[entrance.url as usize];
        let key = (keys.campaign_attribution_key[entrance.campaign as usize], entrance.referrer, site);
        if let Some(&id) = self.traffic_ids.get(&key) {
            return id;
        }
        let d = &t.dict;
        let traffic = attribution::traffic(
            &d.campaigns[entrance.campaign as usize].tags(),
            &d.referrers[entrance.referrer as usize],
            host(&d.urls[site as usize]),
            &self.rules.referral_exclusions,
        );
        let id = self.traffic.id(traffic);
        self.traffic_ids.insert(key, id);
        id
    }
}

impl Sessionized {
    /// The sessionization of `table` under `rules` (normalized) made of `parts`, with what
    /// every report asks of it worked out once: sessions by visitor and each one's start day.
    pub(crate) fn assemble(table: &HitTable, rules: RuleSet, days: LocalDays, parts: Parts) -> Sessionized {
        let Parts { sessions, hit_session, bot_hits, uncounted_hits, visitors, traffic } = parts;
        let by_visitor = visitor_order(&sessions);
        let start_days: Vec<NaiveDate> = sessions.par_iter().map(|s| days.date(days.day_index(s.start_ms))).collect();
        let start_span = start_days.iter().min().copied().zip(start_days.iter().max().copied());
        Sessionized {
            sessions,
            hit_session,
            bot_hits,
            uncounted_hits,
            visitors,
            traffic,
            devices: table.agents().devices.clone(),
            by_visitor,
            start_span,
            start_days,
            days,
            rules,
            stored_label: None,
        }
    }

    /// These sessions naming their visitors by `label` (see [`StoredLabel`]).
    pub(crate) fn with_stored_labels(self, label: StoredLabel) -> Sessionized {
        Sessionized { stored_label: Some(label), ..self }
    }

    /// The visitor of session `s` as text: [`Sessionized::visitor_label`], or where `table` was
    /// read without who made the hits, the label the stored run keeps.
    pub fn session_visitor_label(&self, table: &HitTable, s: u32) -> String {
        let stored = self.stored_label.as_ref().filter(|_| table.without_visitors);
        match stored.and_then(|label| label(s)) {
            Some(label) => label,
            None => self.visitor_label(table, self.sessions[s as usize].visitor),
        }
    }

    /// The view day (of the rule set's time zone) the session of index `k` starts on.
    pub fn start_date(&self, k: usize) -> NaiveDate {
        self.start_days[k]
    }

    /// The first and last view day a session starts on.
    pub fn start_dates(&self) -> Option<(NaiveDate, NaiveDate)> {
        self.start_span
    }

    pub fn totals(&self) -> Totals {
        let sessions = self.sessions.len() as u64;
        // One pass: at 10M hits the sessions take a few hundred megabytes.
        let (mut pageviews, mut bounces, mut engaged_sessions, mut duration_ms) = (0u64, 0u64, 0u64, 0f64);
        for s in &self.sessions {
            pageviews += u64::from(s.pageviews);
            bounces += u64::from(s.bounce);
            engaged_sessions += u64::from(s.engaged);
            duration_ms += s.duration_ms as f64;
        }
        Totals {
            sessions,
            users: self.visitors.len() as u64,
            new_users: self.visitors.len() as u64,
            pageviews,
            bounces,
            bounce_rate: (self.rules.bounce != BounceRule::None && sessions > 0)
                .then(|| bounces as f64 / sessions as f64),
            avg_duration_s: if sessions == 0 { 0.0 } else { duration_ms / sessions as f64 / 1000.0 },
            engaged_sessions,
            bot_hits: self.bot_hits.len() as u64,
            uncounted_hits: self.uncounted_hits,
        }
    }

    /// A visitor as text: the client or user id (`user:` before a user id), or a description
    /// of the key for the IP-based modes (the user agent as the first 8 hex digits of its MD5,
    /// which SQL engines compute too: see [`crate::sql`]); fingerprints as 16 hex digits of the
    /// salted hash.
    pub fn visitor_label(&self, table: &HitTable, visitor: u32) -> String {
        if table.without_visitors {
            // Who made the hits was not read: the visitor's number in the run stands in.
            return format!("visitor #{visitor}");
        }
        let d = &table.dict;
        let Some(v) = self.visitors.get(visitor as usize) else { return String::new() };
        match *v {
            Visitor::Client(c) => d.clients[c as usize].clone(),
            Visitor::User(u) => format!("user:{}", d.users[u as usize]),
            Visitor::IpUaDay { ip, user_agent, day } => format!(
                "ip:{} ua:{} day:{}",
                d.ips[ip as usize],
                &format!("{:x}", md5::Md5::digest(d.user_agents[user_agent as usize].as_bytes()))[..8],
                self.days.date(day)
            ),
            Visitor::Ip(ip) => format!("ip:{}", d.ips[ip as usize]),
            Visitor::Fingerprint { ip, user_agent, site_url, salt_period } => {
                let salt = match self.rules.salt_rotation {
                    SaltRotation::Day => format!("{}:{salt_period}", table.salt),
                    rotation => format!("{}:{}:{salt_period}", table.salt, rotation.as_str()),
                };
                let mut h = blake3::Hasher::new_keyed(blake3::hash(salt.as_bytes()).as_bytes());
                let site = host(&d.urls[site_url as usize]).to_ascii_lowercase();
                for part in [d.ips[ip as usize].as_str(), &d.user_agents[user_agent as usize], &site] {
                    h.update(part.as_bytes()).update(b"\0");
                }
                h.finalize().to_hex()[..16].to_string()
            }
            Visitor::Hit(i) => format!("hit:{i}"),
        }
    }
}
