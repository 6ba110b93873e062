//! Sorting every ad click and every session of an ad campaign into the waterfall's steps.
//!
//! A session of a campaign is classified by its entrance hit (the first hit carrying the
//! campaign value it is attributed to): none (the campaign was carried in) makes it an extra
//! session of an earlier click when the visit went on (a timeout or midnight split whose first
//! hit is internal navigation or an event, or a cut for length, hits or burst) and a session
//! without click when the visitor came back direct; an entrance with a click id of the click
//! export makes it that click's session; an entrance with the campaign's tags but no exported
//! click id is a session without click (click export) or a tagged session (daily totals).
//! Sessions of bot user agents are counted apart.
//!
//! Per click id with `k` clicks, `h` human landings and `b` bot landings (page views carrying
//! it, plus entrance hits of any kind): `min(k, h)` landed, then `min(k − landed, b)` landed as
//! bots, the rest had no landing hit; of the landed clicks, those beyond the sessions the click
//! id started were folded into an open session, and sessions beyond them are extra. With daily
//! totals, tagged landings stand in for clicks: landings that did not start a session are
//! folded, and clicks minus landings is the residual. Either way clicks plus the steps equals
//! the campaign's sessions.
//!
//! Everything is counted per cell: a campaign on one day of its ad account's calendar (or over
//! the period, for a campaign reported in period totals), so a day's row has its own causes.
//! Clicks still short of a landing on a day are then matched against visits that came from the
//! ad network's own site with no tags at all, on pages where the campaign's tagged visits land:
//! those are tags lost on the way (a redirect that drops the query string), the rest had no
//! landing anyone can see.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};

use super::story::Story;
use super::verdict::{causes, verdict, Subject, Wording};
use super::{Band, CampaignReport, Example, MatchedBy, MatchedName, Step, UnmatchedCampaign, UnmatchedUtm, Waterfall};
use crate::ad_index::{AdCampaign, AdIndex, EntryRow, NONE};
use crate::classify::{Classifier, Referrer};
use crate::metrics::sessions_per_click;
use crate::model::{platform, HitType};
use crate::sessionize::{HitTable, Session, Sessionized, StartReason, NO_SESSION};
use crate::time::{DateRange, ViewClock};
use crate::url::{host, path};

pub(crate) const NO_LANDING: usize = 0;
pub(crate) const TAGS_LOST: usize = 1;
pub(crate) const FOLDED: usize = 2;
pub(crate) const EXTRA: usize = 3;
pub(crate) const WITHOUT_CLICK: usize = 4;
pub(crate) const BOT_LANDINGS: usize = 5;
pub(crate) const BOT_SESSIONS: usize = 6;
pub(crate) const RESIDUAL: usize = 7;
const STEPS: usize = 8;

/// A campaign on one day of its account's calendar, or over the period (`None`) for a campaign
/// reported in period totals.
pub(crate) type Cell = (u32, Option<NaiveDate>);

/// The counts of a cell, a campaign or the whole report: clicks, each step's effect, sessions,
/// and examples per step.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tally {
    pub clicks: i64,
    pub steps: [i64; STEPS],
    pub sessions: i64,
    /// With daily totals: clicks with no tagged landing (the residual's negative part, after
    /// the tags lost) and tagged landings with no click (its positive part).
    pub residual_short: i64,
    pub residual_over: i64,
    /// Sessions counted on an account day that fall on another day of the view's time zone.
    pub shifted: i64,
    /// The sessions are an analytics tool's reported totals: the difference has no causes
    /// of its own.
    pub from_reports: bool,
    /// Landing paths where tags were lost, with how many.
    pub lost_on: BTreeMap<String, i64>,
    pub examples: [Vec<Example>; STEPS],
}

impl Tally {
    fn example(&mut self, step: usize, limit: usize, make: impl FnOnce() -> Example) {
        if self.examples[step].len() < limit {
            self.examples[step].push(make());
        }
    }

    /// `t`'s counts added to these (not its examples).
    fn add_counts(&mut self, t: &Tally) {
        self.clicks += t.clicks;
        self.sessions += t.sessions;
        self.residual_short += t.residual_short;
        self.residual_over += t.residual_over;
        self.shifted += t.shifted;
        self.from_reports |= t.from_reports;
        for step in 0..STEPS {
            self.steps[step] += t.steps[step];
        }
        for (page, n) in &t.lost_on {
            *self.lost_on.entry(page.clone()).or_default() += n;
        }
    }

    /// `t` added to this tally, its examples after these (as many as `limit` leaves room for).
    fn absorb(&mut self, t: Tally, limit: usize) {
        self.add_counts(&t);
        for (mine, theirs) in self.examples.iter_mut().zip(t.examples) {
            mine.extend(theirs.into_iter().take(limit.saturating_sub(mine.len())));
        }
    }

    /// The sum of `parts`, with examples taken round-robin so one busy part does not fill the list.
    pub fn sum<'t>(parts: impl IntoIterator<Item = &'t Tally>, limit: usize) -> Tally {
        let parts: Vec<&Tally> = parts.into_iter().collect();
        let mut sum = Tally::default();
        for t in &parts {
            sum.add_counts(t);
        }
        for step in 0..STEPS {
            for round in 0.. {
                let before = sum.examples[step].len();
                for t in &parts {
                    if let Some(e) = t.examples[step].get(round).filter(|_| sum.examples[step].len() < limit) {
                        sum.examples[step].push(e.clone());
                    }
                }
                if sum.examples[step].len() == before || sum.examples[step].len() >= limit {
                    break;
                }
            }
        }
        sum
    }

    /// The landing path where most tags were lost.
    pub fn main_lost_page(&self) -> Option<&str> {
        self.lost_on.iter().max_by_key(|(page, n)| (**n, std::cmp::Reverse(*page))).map(|(page, _)| page.as_str())
    }
}

pub(crate) struct Analysis {
    /// Every cell with clicks or sessions, in campaign and day order.
    pub cells: BTreeMap<Cell, Tally>,
    /// Per campaign, the sum of its cells.
    pub tallies: Vec<Tally>,
    pub overall: Waterfall,
    pub overall_tally: Tally,
    pub matched: Vec<Vec<MatchedName>>,
    pub unmatched_utm: Vec<UnmatchedUtm>,
    pub notes: Vec<String>,
    pub bot_filter: bool,
}

#[derive(Clone, Copy, Default)]
struct Landings {
    human: i64,
    bot: i64,
}

/// The ad network's own sites, whose referrals an ad click brings when its tags are lost:
/// the referrer's source as the site lists name it, or an ad-serving host.
fn network_of(p: &str) -> (&'static [&'static str], &'static [&'static str]) {
    match p {
        platform::GOOGLE => (&["google"], &["googleadservices.com", "doubleclick.net", "googlesyndication.com"]),
        platform::MICROSOFT => (&["bing"], &["bat.bing.com"]),
        platform::META => (&["facebook", "instagram"], &["fb.me", "l.facebook.com", "l.instagram.com"]),
        _ => (&[], &[]),
    }
}

/// Where an untagged arrival came from: a listed site's source (and no host), or another host
/// (and no source); `None` for no external referrer.
type Origin<'s> = Option<(&'static str, Cow<'s, str>)>;

/// Sorts clicks and sessions into cells; each phase of [`analyse`] is one method.
struct Sorter<'a> {
    table: &'a HitTable,
    sessions: &'a Sessionized,
    index: &'a AdIndex<'a>,
    story: &'a Story<'a>,
    period: Option<DateRange>,
    limit: usize,
    /// The tallies by cell, hashed while sorting (a lookup per session); ordered by
    /// [`Sorter::cell_order`] wherever the order shows.
    cells: FxHashMap<Cell, Tally>,
    /// Per click group: its clicks in the period and the cell they are on.
    group_clicks: Vec<i64>,
    group_cell: Vec<Option<Cell>>,
    /// Per session: its entrance hit (the first hit carrying its campaign), or NONE.
    entrance: Vec<u32>,
    bot_hit: Vec<bool>,
    bot_session: Vec<bool>,
    landed: Landed,
    sorted: Sorted<'a>,
}

/// What [`Sorter::count_landings`] finds.
#[derive(Default)]
struct Landed {
    group_landings: Vec<Landings>,
    group_arrivals: Vec<Vec<u32>>,
    tagged_landings: FxHashMap<Cell, Landings>,
    /// Tagged landings (daily totals) that did not start their session, by campaign and session.
    folded_landings: FxHashMap<(u32, u32), Vec<u32>>,
    /// The cells of bot landings, with examples of them.
    bot_cells: FxHashMap<Cell, Tally>,
}

/// What [`Sorter::sort_sessions`] finds.
#[derive(Default)]
struct Sorted<'a> {
    /// The sessions' counts and examples, by cell.
    cells: FxHashMap<Cell, Tally>,
    started_by_group: Vec<Vec<u32>>,
    started_tagged: FxHashMap<Cell, i64>,
    /// Sessions of the period per campaign value that no ad campaign matches (named by their
    /// utm_campaign, source and medium once counted: see [`Sorter::into_analysis`]).
    unmatched_sessions: Vec<i64>,
    /// Tagged sessions per ad platform, by landing url id (paths are taken once per url).
    ad_pages: Vec<(&'a str, Vec<i64>)>,
}

impl<'a> Sorter<'a> {
    fn in_period(&self, day: NaiveDate) -> bool {
        self.period.is_none_or(|p| p.contains(day))
    }

    /// The cell of campaign `a` at instant `ms`, if that day is in the period.
    fn cell_at(&self, a: u32, ms: i64) -> Option<Cell> {
        let campaign = &self.index.campaigns[a as usize];
        let day = campaign.clock.date(ms);
        self.in_period(day).then(|| (a, campaign.day_key(day)))
    }

    fn cell(&mut self, cell: Cell) -> &mut Tally {
        self.cells.entry(cell).or_default()
    }

    /// The cells so far, by campaign then day.
    fn cell_order(&self) -> Vec<Cell> {
        let mut cells: Vec<Cell> = self.cells.keys().copied().collect();
        cells.sort_unstable();
        cells
    }

    /// Clicks of the period, per cell and per click group.
    fn count_clicks(&mut self) {
        let index = self.index;
        let mut group_of_click_row = vec![NONE; index.ads.clicks.len()];
        for (g, group) in index.groups.iter().enumerate() {
            for &r in &group.rows {
                group_of_click_row[r as usize] = g as u32;
            }
        }
        for e in &index.entries {
            if !(self.in_period(e.days.from) && self.in_period(e.days.to)) {
                continue;
            }
            let cell = (e.campaign, index.campaigns[e.campaign as usize].day_key(e.days.from));
            self.cell(cell).clicks += e.clicks;
            if let EntryRow::Click(r) = e.row {
                if let Some(&g) = group_of_click_row.get(r as usize).filter(|&&g| g != NONE) {
                    self.group_clicks[g as usize] += e.clicks;
                    self.group_cell[g as usize].get_or_insert(cell);
                }
            }
        }
    }

    fn group_in_scope(&self, g: u32) -> bool {
        self.group_clicks[g as usize] > 0
    }

    /// Each session's entrance hit, and which hits and sessions are bots'.
    fn find_entrances_and_bots(&mut self) {
        let (table, sessions) = (self.table, self.sessions);
        // Hits come in time order: the first seen of a session with its campaign is its entrance.
        for (i, (&value, &s)) in table.campaign.iter().zip(&sessions.hit_session).enumerate() {
            if value == 0 || s == NO_SESSION {
                continue;
            }
            let s = s as usize;
            if self.entrance[s] == NONE && sessions.sessions[s].entrance_campaign == value {
                self.entrance[s] = i as u32;
            }
        }
        for &i in &sessions.bot_hits {
            self.bot_hit[i as usize] = true;
        }
        self.bot_session =
            sessions.sessions.iter().map(|s| sessions.devices[s.device as usize].device == "bot").collect();
    }

    /// Landings: page views with a campaign value (and entrance hits of any type), per click
    /// group, or per cell for campaigns with daily totals.
    fn count_landings(&self) -> Landed {
        let (table, index, story, limit) = (self.table, self.index, self.story, self.limit);
        let groups = index.groups.len();
        let mut landed = Landed {
            group_landings: vec![Landings::default(); groups],
            group_arrivals: vec![Vec::new(); groups],
            ..Landed::default()
        };
        for (i, &value) in table.campaign.iter().enumerate() {
            if value == 0 {
                continue;
            }
            let a = index.campaign_of[value as usize];
            if a == NONE {
                continue;
            }
            let session = self.sessions.hit_session[i];
            let bot = self.bot_hit[i] || (session != NO_SESSION && self.bot_session[session as usize]);
            let is_entrance = session != NO_SESSION && self.entrance[session as usize] == i as u32;
            if (session == NO_SESSION && !bot) || (table.hit_type[i] != HitType::PageView && !is_entrance) {
                continue;
            }
            let g = index.group_of[value as usize];
            if g != NONE {
                if !self.group_in_scope(g) {
                    continue;
                }
                let l = &mut landed.group_landings[g as usize];
                if bot {
                    l.bot += 1;
                } else {
                    l.human += 1;
                }
                if landed.group_arrivals[g as usize].len() < 10 {
                    landed.group_arrivals[g as usize].push(i as u32);
                }
                if bot {
                    let cell = self.group_cell[g as usize].unwrap_or((a, None));
                    let tally = landed.bot_cells.entry(cell).or_default();
                    tally.example(BOT_LANDINGS, limit, || story.bot_landing(a, i as u32));
                }
                continue;
            }
            if index.campaigns[a as usize].click_level {
                continue;
            }
            let Some(cell) = self.cell_at(a, table.ts_ms[i]) else { continue };
            let l = landed.tagged_landings.entry(cell).or_default();
            if bot {
                l.bot += 1;
                let tally = landed.bot_cells.entry(cell).or_default();
                tally.example(BOT_LANDINGS, limit, || story.bot_landing(a, i as u32));
            } else {
                l.human += 1;
                if !is_entrance {
                    landed.folded_landings.entry((a, session)).or_default().push(i as u32);
                }
            }
        }
        landed
    }

    /// Did session `k` go on from an earlier visit (split by a rule, or starting on an internal
    /// page or with an event) rather than arrive?
    /// `internal` says whether a (referrer, url) pair of ids is a move inside the site, each
    /// pair classified once.
    fn went_on(&self, k: u32, s: &Session, internal: &mut FxHashMap<(u32, u32), bool>) -> bool {
        let (table, rules) = (self.table, &self.sessions.rules);
        let first = self.story.first_hit(k) as usize;
        match s.start_reason {
            StartReason::Midnight
            | StartReason::MaxLength
            | StartReason::MaxHits
            | StartReason::Burst
            | StartReason::Hour
            | StartReason::UserChange => true,
            _ => {
                let (referrer, url) = (table.referrer[first], table.url[first]);
                table.hit_type[first] != HitType::PageView
                    || *internal.entry((referrer, url)).or_insert_with(|| {
                        matches!(
                            Classifier::shared().referrer(
                                &table.dict.referrers[referrer as usize],
                                host(&table.dict.urls[url as usize]),
                                &rules.referral_exclusions,
                            ),
                            Referrer::Internal
                        )
                    })
            }
        }
    }

    /// Every session of an ad campaign into its cell and step.
    fn sort_sessions(&self) -> Sorted<'a> {
        let (table, index, sessions, limit) = (self.table, self.index, self.sessions, self.limit);
        let campaigns = &index.campaigns;
        let timeout_s = sessions.rules.inactivity_timeout_s;
        let mut sorted = Sorted {
            started_by_group: vec![Vec::new(); index.groups.len()],
            unmatched_sessions: vec![0; table.dict.campaigns.len()],
            ..Sorted::default()
        };
        let mut internal = FxHashMap::default();
        let mut scope = vec![false; sessions.sessions.len()];
        for (k, s) in sessions.sessions.iter().enumerate() {
            let k = k as u32;
            let value = s.entrance_campaign;
            let a = if value == 0 { NONE } else { index.campaign_of[value as usize] };
            if (a == NONE || campaigns[a as usize].stand_in) && self.in_period(sessions.start_date(k as usize)) {
                sorted.unmatched_sessions[value as usize] += 1;
            }
            if a == NONE {
                continue;
            }
            let h = self.entrance[k as usize];
            let g = if h == NONE { NONE } else { index.group_of[value as usize] };
            let bot = self.bot_session[k as usize];
            let went_on = h == NONE && !bot && self.went_on(k, s, &mut internal);
            // A click's session counts with the click; a visit that went on counts on its own
            // day when the session it continues counts (a midnight split may start the day
            // after the period).
            let campaign = &campaigns[a as usize];
            let view_day = sessions.start_date(k as usize);
            let day = if campaign.own_zone { campaign.clock.date(s.start_ms) } else { view_day };
            let own_cell = (a, campaign.day_key(day));
            let cell = if g != NONE {
                self.group_cell[g as usize].filter(|_| self.group_in_scope(g))
            } else if went_on {
                match self.story.previous_session(k) {
                    Some(p) if index.campaign_of[sessions.sessions[p as usize].entrance_campaign as usize] == a => {
                        scope[p as usize].then_some(own_cell)
                    }
                    _ => self.in_period(day).then_some(own_cell),
                }
            } else {
                self.in_period(day).then_some(own_cell)
            };
            let Some(cell) = cell else { continue };
            scope[k as usize] = true;
            if h != NONE && !bot {
                let platform = campaign.platform.as_str();
                let ad_pages = &mut sorted.ad_pages;
                let slot = ad_pages.iter().position(|(p, _)| *p == platform).unwrap_or_else(|| {
                    ad_pages.push((platform, vec![0; table.dict.urls.len()]));
                    ad_pages.len() - 1
                });
                ad_pages[slot].1[s.landing_url as usize] += 1;
            }
            let shifted = campaign.own_zone && day != view_day;
            let story = self.story;
            let tally = sorted.cells.entry(cell).or_default();
            tally.sessions += 1;
            tally.shifted += i64::from(shifted);
            if bot {
                tally.steps[BOT_SESSIONS] += 1;
                tally.example(BOT_SESSIONS, limit, || story.bot_session(a, k));
            } else if g != NONE {
                sorted.started_by_group[g as usize].push(k);
            } else if h != NONE && !campaign.click_level {
                *sorted.started_tagged.entry(cell).or_default() += 1;
            } else if h != NONE {
                tally.steps[WITHOUT_CLICK] += 1;
                tally.example(WITHOUT_CLICK, limit, || story.without_click(a, k, false));
            } else if went_on {
                tally.steps[EXTRA] += 1;
                tally.example(EXTRA, limit, || story.continuation(a, k, timeout_s));
            } else {
                tally.steps[WITHOUT_CLICK] += 1;
                tally.example(WITHOUT_CLICK, limit, || story.without_click(a, k, true));
            }
        }
        sorted
    }

    /// What counting landings and sorting sessions found, the cells of both joined to those of
    /// the clicks. Each fills its own examples' steps, so the order they ran in does not show.
    fn absorb(&mut self, mut landed: Landed, mut sorted: Sorted<'a>) {
        let limit = self.limit;
        for (cell, tally) in landed.bot_cells.drain().chain(sorted.cells.drain()) {
            self.cell(cell).absorb(tally, limit);
        }
        (self.landed, self.sorted) = (landed, sorted);
    }

    /// Click ids: landed, folded, extra, no landing.
    fn settle_click_groups(&mut self) {
        let limit = self.limit;
        for g in 0..self.index.groups.len() {
            let k = self.group_clicks[g];
            let Some(cell) = self.group_cell[g].filter(|_| k > 0) else { continue };
            let l = self.landed.group_landings[g];
            let started = &self.sorted.started_by_group[g];
            let human_landed = k.min(l.human);
            let bot_landed = (k - human_landed).min(l.bot);
            let missing = k - human_landed - bot_landed;
            let kept = human_landed.min(started.len() as i64);
            let folded = human_landed - kept;
            let extra = started.len() as i64 - kept;
            let story = self.story;
            let arrivals = &self.landed.group_arrivals[g];
            let tally = self.cells.entry(cell).or_default();
            tally.steps[NO_LANDING] -= missing;
            tally.steps[BOT_LANDINGS] -= bot_landed;
            tally.steps[FOLDED] -= folded;
            tally.steps[EXTRA] += extra;
            if missing > 0 {
                tally.example(NO_LANDING, limit, || story.no_landing(g as u32, missing));
            }
            if folded > 0 {
                tally.example(FOLDED, limit, || story.group_folded(g as u32, arrivals, started, folded));
            }
            if extra > 0 {
                tally.example(EXTRA, limit, || story.group_extra(g as u32, started, extra));
            }
        }
    }

    /// Daily totals: tagged landings stand in for clicks, cell by cell.
    fn settle_daily_totals(&mut self) {
        let campaigns = &self.index.campaigns;
        // Each cell on its own: in any order.
        for (cell, tally) in self.cells.iter_mut() {
            if campaigns[cell.0 as usize].click_level {
                continue;
            }
            let l = self.landed.tagged_landings.get(cell).copied().unwrap_or_default();
            let started = self.sorted.started_tagged.get(cell).copied().unwrap_or(0);
            let residual = l.human + l.bot - tally.clicks;
            tally.steps[RESIDUAL] += residual;
            tally.residual_short += (-residual).max(0);
            tally.residual_over += residual.max(0);
            tally.steps[BOT_LANDINGS] -= l.bot;
            tally.steps[FOLDED] -= l.human - started;
        }
        let mut folded: Vec<(&(u32, u32), &Vec<u32>)> = self.landed.folded_landings.iter().collect();
        folded.sort_by_key(|((a, s), hits)| (*a, std::cmp::Reverse(hits.len()), *s));
        for ((a, s), hits) in folded {
            let Some(cell) = self.cell_at(*a, self.table.ts_ms[hits[0] as usize]) else { continue };
            let story = self.story;
            self.cells.entry(cell).or_default().example(FOLDED, self.limit, || story.tagged_folded(*a, *s, hits));
        }
    }

    /// Ad landing pages: where at least half of the (human) sessions that start there carry
    /// the platform's campaigns. Organic visits land all over a site; a page that mostly ad
    /// clicks reach is where an untagged arrival from the ad network is a click that lost its
    /// tags.
    fn ad_landing_pages(&self) -> FxHashSet<(&'a str, &'a str)> {
        let table = self.table;
        let mut by_url = vec![0i64; table.dict.urls.len()];
        for (k, s) in self.sessions.sessions.iter().enumerate() {
            if !self.bot_session[k] {
                by_url[s.landing_url as usize] += 1;
            }
        }
        let mut entrances: FxHashMap<&str, i64> = FxHashMap::default();
        for (url, &n) in by_url.iter().enumerate().filter(|(_, &n)| n > 0) {
            *entrances.entry(path(&table.dict.urls[url])).or_default() += n;
        }
        let mut tagged: FxHashMap<(&'a str, &'a str), i64> = FxHashMap::default();
        for (platform, by_url) in &self.sorted.ad_pages {
            for (url, &n) in by_url.iter().enumerate().filter(|(_, &n)| n > 0) {
                *tagged.entry((platform, path(&table.dict.urls[url]))).or_default() += n;
            }
        }
        tagged
            .iter()
            .filter(|((_, page), tagged)| 2 * **tagged >= entrances.get(page).copied().unwrap_or(0))
            .map(|(&key, _)| key)
            .collect()
    }

    /// Clicks of `cell` still without a landing: click ids with no landing, or the negative
    /// part of a daily total's residual.
    fn short_of_landings(&self, cell: Cell, tally: &Tally) -> i64 {
        if self.index.campaigns[cell.0 as usize].click_level {
            -tally.steps[NO_LANDING]
        } else {
            tally.residual_short
        }
    }

    /// Clicks still short of a landing, matched to visits from the ad network's own site with no
    /// tags, on the platform's ad landing pages, in the same cell.
    fn find_lost_tags(&mut self) {
        let (table, sessions, index, limit) = (self.table, self.sessions, self.index, self.limit);
        // With no cell short of landings, there are no clicks to match arrivals to.
        if self.cells.iter().all(|(cell, tally)| self.short_of_landings(*cell, tally) <= 0) {
            return;
        }
        let classifier = Classifier::shared();
        let ad_pages = self.ad_landing_pages();
        // Untagged arrivals from each platform's network on its ad landing pages, by start time.
        let mut arrivals: FxHashMap<&str, Vec<(i64, u32, String, String)>> = FxHashMap::default();
        // Where each (referrer, landing site) comes from, classified once.
        let mut origins: FxHashMap<(u32, u32), Origin<'_>> = FxHashMap::default();
        for (k, s) in sessions.sessions.iter().enumerate() {
            if s.entrance_campaign != 0 || self.bot_session[k] {
                continue;
            }
            let landing = &table.dict.urls[s.landing_url as usize];
            let referrer = &table.dict.referrers[s.entrance_referrer as usize];
            let origin =
                origins.entry((s.entrance_referrer, table.keys().url_site[s.landing_url as usize])).or_insert_with(
                    || match classifier.referrer(referrer, host(landing), &sessions.rules.referral_exclusions) {
                        Referrer::Known(site) => Some((site.source, Cow::Borrowed(""))),
                        Referrer::Other(h) => Some(("", h)),
                        _ => None,
                    },
                );
            let Some((source, other_host)) = origin else { continue };
            let page = path(landing);
            for campaign in &index.campaigns {
                let (sources, hosts) = network_of(&campaign.platform);
                let from_network = sources.contains(source)
                    || hosts
                        .iter()
                        .any(|h| other_host.strip_suffix(h).is_some_and(|rest| rest.is_empty() || rest.ends_with('.')));
                if from_network && ad_pages.contains(&(campaign.platform.as_str(), page)) {
                    let list = arrivals.entry(platform_key(&campaign.platform)).or_default();
                    if list.last().is_none_or(|last| last.1 != k as u32) {
                        list.push((s.start_ms, k as u32, page.to_string(), host(referrer).to_string()));
                    }
                }
            }
        }
        for list in arrivals.values_mut() {
            list.sort_unstable_by_key(|a| (a.0, a.1));
        }
        let mut used: FxHashSet<u32> = FxHashSet::default();
        for cell in self.cell_order() {
            let campaign = &index.campaigns[cell.0 as usize];
            let Some(list) = arrivals.get(platform_key(&campaign.platform)) else { continue };
            let short = self.short_of_landings(cell, &self.cells[&cell]);
            if short <= 0 {
                continue;
            }
            let (from, to) = match cell.1 {
                Some(day) => ViewClock::day_span(campaign.clock.tz, day),
                None => self.period.map_or((i64::MIN, i64::MAX), |p| {
                    (ViewClock::day_span(campaign.clock.tz, p.from).0, ViewClock::day_span(campaign.clock.tz, p.to).1)
                }),
            };
            let start = list.partition_point(|a| a.0 < from);
            let mut found = Vec::new();
            for (ms, k, page, referrer) in list[start..].iter().take_while(|a| a.0 < to) {
                if found.len() as i64 >= short {
                    break;
                }
                if self.cell_at(cell.0, *ms) == Some(cell) && used.insert(*k) {
                    found.push((*k, page, referrer));
                }
            }
            let n = found.len() as i64;
            if n == 0 {
                continue;
            }
            let story = self.story;
            let tally = self.cells.get_mut(&cell).expect("the cell exists");
            tally.steps[TAGS_LOST] -= n;
            if campaign.click_level {
                tally.steps[NO_LANDING] += n;
            } else {
                tally.steps[RESIDUAL] += n;
                tally.residual_short -= n;
            }
            for (k, page, referrer) in found {
                *tally.lost_on.entry(page.clone()).or_default() += 1;
                tally.example(TAGS_LOST, limit, || story.tags_lost(cell.0, k, referrer, page));
            }
        }
    }
}

/// The platform name as a key that lives as long as the analysis (the known platforms, or "").
fn platform_key(p: &str) -> &'static str {
    [platform::GOOGLE, platform::MICROSOFT, platform::META].into_iter().find(|known| *known == p).unwrap_or("")
}

/// Sorts the clicks and sessions of `period` into cells (campaign and day) and waterfall steps,
/// phase by phase, then sums them per campaign and overall.
pub(crate) fn analyse(
    table: &HitTable,
    sessions: &Sessionized,
    index: &AdIndex<'_>,
    clock: ViewClock,
    period: Option<DateRange>,
    limit: usize,
) -> Analysis {
    let story = Story::new(table, sessions, index, clock);
    // What sorting sessions asks of the story is found on another core meanwhile, and landings
    // are counted on one core while sessions are sorted on the other.
    let ((), mut sorter) = rayon::join(
        || story.index_sessions(),
        || {
            let mut sorter = Sorter::new(table, sessions, index, &story, period, limit);
            sorter.count_clicks();
            sorter.find_entrances_and_bots();
            sorter
        },
    );
    let (landed, sorted) = rayon::join(|| sorter.count_landings(), || sorter.sort_sessions());
    sorter.absorb(landed, sorted);
    sorter.settle_click_groups();
    sorter.settle_daily_totals();
    sorter.find_lost_tags();
    sorter.into_analysis()
}

impl<'a> Sorter<'a> {
    fn new(
        table: &'a HitTable,
        sessions: &'a Sessionized,
        index: &'a AdIndex<'a>,
        story: &'a Story<'a>,
        period: Option<DateRange>,
        limit: usize,
    ) -> Sorter<'a> {
        let groups = index.groups.len();
        Sorter {
            table,
            sessions,
            index,
            story,
            period,
            limit,
            cells: FxHashMap::default(),
            group_clicks: vec![0; groups],
            group_cell: vec![None; groups],
            entrance: vec![NONE; sessions.sessions.len()],
            bot_hit: vec![false; table.len()],
            bot_session: Vec::new(),
            landed: Landed::default(),
            sorted: Sorted::default(),
        }
    }

    /// The sorted cells summed per campaign and overall, with the notes and the campaign names
    /// matched and not.
    fn into_analysis(self) -> Analysis {
        let (index, limit) = (self.index, self.limit);
        let campaigns = &index.campaigns;
        let cells: BTreeMap<Cell, Tally> = self.cells.into_iter().collect();
        let tallies = campaign_tallies(&cells, campaigns.len(), limit);
        let notes = stand_in_notes(campaigns, &tallies);
        let bot_filter = self.sessions.rules.bot_filter;
        let overall_tally = Tally::sum(&tallies, limit);
        let all_click_level = campaigns.iter().zip(&tallies).all(|(c, t)| c.click_level || t.clicks + t.sessions == 0);
        let overall = waterfall(&overall_tally, all_click_level, bot_filter);
        Analysis {
            cells,
            tallies,
            overall,
            overall_tally,
            matched: matched_names(self.table, index),
            unmatched_utm: unmatched_utm(self.table, &self.sorted.unmatched_sessions),
            notes,
            bot_filter,
        }
    }
}

/// Per campaign, the sum of its cells.
fn campaign_tallies(cells: &BTreeMap<Cell, Tally>, campaigns: usize, limit: usize) -> Vec<Tally> {
    (0..campaigns as u32)
        .map(|a| Tally::sum(cells.range((a, None)..=(a, Some(NaiveDate::MAX))).map(|(_, t)| t), limit))
        .collect()
}

/// A note for each platform stand-in with sessions: their click ids name no known campaign.
fn stand_in_notes(campaigns: &[AdCampaign], tallies: &[Tally]) -> Vec<String> {
    campaigns
        .iter()
        .zip(tallies)
        .filter(|(c, t)| c.stand_in && t.sessions > 0)
        .map(|(c, t)| {
            format!(
                "{} sessions carry a {} click id but no campaign name the ad data knows: add the platform's click \
                 report (e.g. Google Ads' click performance report) or utm_campaign tags to assign them to campaigns",
                t.sessions, c.platform
            )
        })
        .collect()
}

/// The utm_campaign values that matched no ad campaign, most sessions first, from the sessions
/// of each campaign value of `table` that matched none (values without a utm_campaign left out).
fn unmatched_utm(table: &HitTable, sessions_by_value: &[i64]) -> Vec<UnmatchedUtm> {
    let mut by_tags: FxHashMap<(&str, &str, &str), i64> = FxHashMap::default();
    for (c, &n) in table.dict.campaigns.iter().zip(sessions_by_value).filter(|(c, &n)| n > 0 && !c.name.is_empty()) {
        *by_tags.entry((&c.name, &c.source, &c.medium)).or_default() += n;
    }
    let mut unmatched: Vec<UnmatchedUtm> = by_tags
        .into_iter()
        .map(|((utm_campaign, source, medium), sessions)| UnmatchedUtm {
            utm_campaign: utm_campaign.into(),
            source: source.into(),
            medium: medium.into(),
            sessions,
        })
        .collect();
    unmatched.sort_by(|a, b| {
        (b.sessions, &a.utm_campaign, &a.source, &a.medium).cmp(&(a.sessions, &b.utm_campaign, &b.source, &b.medium))
    });
    unmatched
}

/// Per ad campaign, the utm_campaign values (or click ids) found to stand for it and how, sorted.
fn matched_names(table: &HitTable, index: &AdIndex<'_>) -> Vec<Vec<MatchedName>> {
    let mut matched: Vec<Vec<MatchedName>> = vec![Vec::new(); index.campaigns.len()];
    for (value, &a) in index.campaign_of.iter().enumerate() {
        if a == NONE {
            continue;
        }
        let how = index.matched_by[value];
        let name = &table.dict.campaigns[value].name;
        let utm_campaign = if name.is_empty() { "(none; matched by click id)".to_string() } else { name.clone() };
        let list = &mut matched[a as usize];
        if !list.iter().any(|m| m.utm_campaign == utm_campaign && m.matched_by == how) {
            list.push(MatchedName { utm_campaign, matched_by: how });
        }
    }
    for list in &mut matched {
        list.sort_by(|a, b| a.utm_campaign.cmp(&b.utm_campaign));
    }
    matched
}

/// A tally as a waterfall; `click_level` says every step is known on its own.
pub(crate) fn waterfall(t: &Tally, click_level: bool, bot_filter: bool) -> Waterfall {
    let step = |k: usize, explanation: String, separable: bool| Step {
        count: t.steps[k],
        separable,
        explanation,
        examples: t.examples[k].clone(),
    };
    let hidden = " With daily click totals only, this cannot be told apart from sessions without a click: both are \
                  in the residual.";
    Waterfall {
        clicks: t.clicks,
        no_landing_hit: step(
            NO_LANDING,
            format!(
                "Clicks whose click id no hit carries: the visitor left before the page or tag loaded, the tag was \
                 blocked, or a redirect dropped the click id.{}",
                if click_level { "" } else { hidden }
            ),
            click_level,
        ),
        tags_lost: step(
            TAGS_LOST,
            "Clicks whose tags were lost on the way: visits from the ad network's own site with no utm tags and no \
             click id, on pages where the campaign's tagged visits land, on days the campaign had clicks without a \
             tagged landing (a redirect that drops the query string, or a link without them)."
                .into(),
            true,
        ),
        folded_into_open_session: step(
            FOLDED,
            "Clicks that landed inside a session already open: repeat clicks with the same manual tags, several \
             clicks sharing one gclid (Google issues one per impression), or a click id that does not split the \
             running session under these rules. With daily totals, tagged landings that did not start a session \
             (each a repeat click or a reload)."
                .into(),
            true,
        ),
        extra_sessions_from_one_click: step(
            EXTRA,
            "Sessions beyond the click that brought them: the visit went on past the inactivity timeout or midnight \
             and the campaign was kept, or the same tagged URL was opened again later."
                .into(),
            true,
        ),
        sessions_without_click: step(
            WITHOUT_CLICK,
            format!(
                "Sessions with the campaign and no click: a bookmarked or shared tagged URL, or the campaign carried \
                 over by a direct return.{}",
                if click_level {
                    ""
                } else {
                    " Carried-over returns are counted here; tagged landings without a click are in the residual."
                }
            ),
            click_level,
        ),
        bot_landings: step(
            BOT_LANDINGS,
            format!(
                "Clicks (or tagged landings) that reached the site only as bot hits{}. The ad platform already \
                 leaves out the invalid clicks it recognises.",
                if bot_filter { ", which the bot filter dropped" } else { "" }
            ),
            true,
        ),
        bot_sessions: step(
            BOT_SESSIONS,
            if bot_filter {
                "Sessions of user agents recognised as bots but not on the filter list.".into()
            } else {
                "Sessions of bot user agents that carry the campaign: the bot filter is off.".into()
            },
            true,
        ),
        residual: step(
            RESIDUAL,
            if click_level {
                "Nothing: every click was matched by its click id.".into()
            } else {
                "Daily totals only: clicks minus tagged landings. Clicks with no landing hit (−) and tagged landings \
                 with no click, such as bookmarks and shared links (+), cannot be separated without a click export."
                    .into()
            },
            click_level,
        ),
        sessions: t.sessions,
    }
}

impl Analysis {
    /// Every campaign with clicks or sessions, most clicks first, with its causes and verdict.
    pub fn campaign_reports<'a>(
        &self,
        index: &AdIndex<'_>,
        band: Band,
        wording: &Wording<'_>,
        subject: impl Fn(u32) -> Subject<'a>,
    ) -> Vec<CampaignReport> {
        let mut out: Vec<CampaignReport> = index
            .campaigns
            .iter()
            .zip(&self.tallies)
            .enumerate()
            .filter(|(_, (_, t))| t.clicks != 0 || t.sessions != 0)
            .map(|(a, (c, t))| {
                let ratio = sessions_per_click(t.sessions, t.clicks);
                let causes = causes(t, subject(a as u32), wording);
                CampaignReport {
                    verdict: verdict(&c.name, t.clicks, t.sessions, &causes, wording),
                    platform: c.platform.clone(),
                    campaign: c.name.clone(),
                    campaign_id: c.campaign_id.clone(),
                    stand_in: c.stand_in,
                    click_level: c.click_level,
                    matched: self.matched[a].clone(),
                    clicks: t.clicks,
                    sessions: t.sessions,
                    ratio,
                    outside_band: ratio.is_some_and(|r| !band.contains(r)),
                    causes,
                    waterfall: waterfall(t, c.click_level, self.bot_filter),
                }
            })
            .collect();
        out.sort_by(|a, b| b.clicks.cmp(&a.clicks).then_with(|| a.campaign.cmp(&b.campaign)));
        out
    }

    /// Ad campaigns with clicks in the period that no utm_campaign or click id matched, each
    /// with the closest of `names` (the campaign names the sessions carry) to map it to.
    pub fn unmatched<'n>(&self, index: &AdIndex<'_>, names: impl Iterator<Item = &'n str>) -> Vec<UnmatchedCampaign> {
        let unmatched: Vec<(usize, &AdCampaign)> = index
            .campaigns
            .iter()
            .enumerate()
            .filter(|(a, c)| {
                !c.stand_in
                    && self.tallies[*a].clicks > 0
                    && self.matched[*a].iter().all(|m| m.matched_by == MatchedBy::PlatformOnly)
            })
            .collect();
        if unmatched.is_empty() {
            return Vec::new();
        }
        // Each name once: one campaign name is carried by many campaign values.
        let mut utm_names: Vec<&str> = names.filter(|n| !n.is_empty()).collect::<FxHashSet<_>>().into_iter().collect();
        utm_names.sort_unstable();
        let mut out: Vec<UnmatchedCampaign> = unmatched
            .into_iter()
            .map(|(a, c)| UnmatchedCampaign {
                platform: c.platform.clone(),
                campaign: c.name.clone(),
                campaign_id: c.campaign_id.clone(),
                clicks: self.tallies[a].clicks,
                suggestion: crate::ad_index::names::closest(&c.name, utm_names.iter().copied()).map(str::to_owned),
            })
            .collect();
        out.sort_by(|a, b| b.clicks.cmp(&a.clicks).then_with(|| a.campaign.cmp(&b.campaign)));
        out
    }
}
