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

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use super::index::{AdIndex, EntryRow, NONE};
use super::story::Story;
use super::{Band, CampaignReport, Example, MatchedBy, MatchedName, Step, UnmatchedCampaign, UnmatchedUtm, Waterfall};
use crate::classify::{Classifier, Referrer};
use crate::import::urlparts::host;
use crate::metrics::{DateRange, ViewClock};
use crate::model::HitType;
use crate::sessionize::{HitTable, Sessionized, StartReason, NO_SESSION};

const NO_LANDING: usize = 0;
const FOLDED: usize = 1;
const EXTRA: usize = 2;
const WITHOUT_CLICK: usize = 3;
const BOT_LANDINGS: usize = 4;
const BOT_SESSIONS: usize = 5;
const RESIDUAL: usize = 6;
const STEPS: usize = 7;

/// One campaign's counts: clicks, each step's effect, sessions, and examples per step.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tally {
    pub clicks: i64,
    pub steps: [i64; STEPS],
    pub sessions: i64,
    pub examples: [Vec<Example>; STEPS],
}

impl Tally {
    fn example(&mut self, step: usize, limit: usize, make: impl FnOnce() -> Example) {
        if self.examples[step].len() < limit {
            self.examples[step].push(make());
        }
    }
}

pub(crate) struct Analysis {
    pub tallies: Vec<Tally>,
    pub overall: Waterfall,
    pub clicks_by_day: FxHashMap<(u32, NaiveDate), i64>,
    pub sessions_by_day: FxHashMap<(u32, NaiveDate), i64>,
    pub matched: Vec<Vec<MatchedName>>,
    pub unmatched_utm: Vec<UnmatchedUtm>,
    pub notes: Vec<String>,
    bot_filter: bool,
}

#[derive(Clone, Copy, Default)]
struct Landings {
    human: i64,
    bot: i64,
}

pub(crate) fn analyse(
    table: &HitTable,
    sessions: &Sessionized,
    index: &AdIndex<'_>,
    clock: ViewClock,
    period: Option<DateRange>,
    limit: usize,
) -> Analysis {
    let story = Story::new(table, sessions, index, clock);
    let in_period = |date: NaiveDate| !matches!(period, Some(p) if !p.contains(date));
    let campaigns = &index.campaigns;
    let mut tallies = vec![Tally::default(); campaigns.len()];

    // Clicks in the period, per campaign and view day, and per click id.
    let mut clicks_by_day: FxHashMap<(u32, NaiveDate), i64> = FxHashMap::default();
    let mut group_of_click_row = vec![NONE; index.ads.clicks.len()];
    for (g, group) in index.groups.iter().enumerate() {
        for &r in &group.rows {
            group_of_click_row[r as usize] = g as u32;
        }
    }
    let mut group_clicks = vec![0i64; index.groups.len()];
    for e in index.entries.iter().filter(|e| in_period(e.view_date)) {
        tallies[e.campaign as usize].clicks += e.clicks;
        *clicks_by_day.entry((e.campaign, e.view_date)).or_default() += e.clicks;
        if let EntryRow::Click(r) = e.row {
            if let Some(&g) = group_of_click_row.get(r as usize).filter(|&&g| g != NONE) {
                group_clicks[g as usize] += e.clicks;
            }
        }
    }
    let group_in_scope = |g: u32| group_clicks[g as usize] > 0;

    // Each session's entrance hit: its first hit carrying the campaign it is attributed to.
    let n_sessions = sessions.sessions.len();
    let mut entrance = vec![NONE; n_sessions];
    for s in 0..n_sessions as u32 {
        let wanted = sessions.sessions[s as usize].entrance_campaign;
        if wanted != 0 {
            entrance[s as usize] =
                story.hits(s).iter().copied().find(|&i| table.campaign[i as usize] == wanted).unwrap_or(NONE);
        }
    }
    let mut bot_hit = vec![false; table.len()];
    for &i in &sessions.bot_hits {
        bot_hit[i as usize] = true;
    }
    let bot_session: Vec<bool> =
        sessions.sessions.iter().map(|s| sessions.devices[s.device as usize].device == "bot").collect();

    // Landings: page views with a campaign value (and entrance hits of any type).
    let mut group_landings = vec![Landings::default(); index.groups.len()];
    let mut group_arrivals: Vec<Vec<u32>> = vec![Vec::new(); index.groups.len()];
    let mut tagged_landings = vec![Landings::default(); campaigns.len()];
    // Tagged landings (daily totals) that did not start their session, by campaign and session.
    let mut folded_landings: FxHashMap<(u32, u32), Vec<u32>> = FxHashMap::default();
    for (i, &value) in table.campaign.iter().enumerate() {
        if value == 0 {
            continue;
        }
        let a = index.campaign_of[value as usize];
        if a == NONE {
            continue;
        }
        let session = sessions.hit_session[i];
        let bot = bot_hit[i] || (session != NO_SESSION && bot_session[session as usize]);
        let is_entrance = session != NO_SESSION && entrance[session as usize] == i as u32;
        if (session == NO_SESSION && !bot) || (table.hit_type[i] != HitType::PageView && !is_entrance) {
            continue;
        }
        let g = index.group_of[value as usize];
        if g != NONE {
            if group_in_scope(g) {
                let l = &mut group_landings[g as usize];
                if bot {
                    l.bot += 1;
                } else {
                    l.human += 1;
                }
                if group_arrivals[g as usize].len() < 10 {
                    group_arrivals[g as usize].push(i as u32);
                }
            }
            if bot && group_in_scope(g) {
                tallies[a as usize].example(BOT_LANDINGS, limit, || story.bot_landing(a, i as u32));
            }
            continue;
        }
        if campaigns[a as usize].click_level || !in_period(clock.date(table.ts_ms[i])) {
            continue;
        }
        let l = &mut tagged_landings[a as usize];
        if bot {
            l.bot += 1;
            tallies[a as usize].example(BOT_LANDINGS, limit, || story.bot_landing(a, i as u32));
        } else {
            l.human += 1;
            if !is_entrance {
                folded_landings.entry((a, session)).or_default().push(i as u32);
            }
        }
    }

    // Sessions.
    let rules = &sessions.rules;
    let classifier = Classifier::shared();
    let mut sessions_by_day: FxHashMap<(u32, NaiveDate), i64> = FxHashMap::default();
    let mut started_by_group: Vec<Vec<u32>> = vec![Vec::new(); index.groups.len()];
    let mut started_tagged = vec![0i64; campaigns.len()];
    let mut unmatched_utm: FxHashMap<(String, String, String), i64> = FxHashMap::default();
    let mut scope = vec![false; n_sessions];
    for (k, s) in sessions.sessions.iter().enumerate() {
        let k = k as u32;
        let value = s.entrance_campaign;
        let a = if value == 0 { NONE } else { index.campaign_of[value as usize] };
        let date = clock.date(s.start_ms);
        if a == NONE || campaigns[a as usize].stand_in {
            let c = &table.dict.campaigns[value as usize];
            if !c.name.is_empty() && in_period(date) {
                *unmatched_utm.entry((c.name.clone(), c.source.clone(), c.medium.clone())).or_default() += 1;
            }
        }
        if a == NONE {
            continue;
        }
        let h = entrance[k as usize];
        let g = if h == NONE { NONE } else { index.group_of[value as usize] };
        let bot = bot_session[k as usize];
        let went_on = h == NONE && !bot && {
            let first = story.hits(k).first().map_or(0, |&i| i as usize);
            match s.start_reason {
                StartReason::Midnight
                | StartReason::MaxLength
                | StartReason::MaxHits
                | StartReason::Burst
                | StartReason::Hour
                | StartReason::UserChange => true,
                _ => {
                    table.hit_type[first] != HitType::PageView
                        || matches!(
                            classifier.referrer(
                                &table.dict.referrers[table.referrer[first] as usize],
                                host(&table.dict.urls[table.url[first] as usize]),
                                &rules.referral_exclusions,
                            ),
                            Referrer::Internal
                        )
                }
            }
        };
        // A click's session counts with the click; a visit that went on counts with the
        // session it continues (a midnight split may start the day after the period).
        let in_scope = if g != NONE {
            group_in_scope(g)
        } else if went_on {
            match story.previous_session(k) {
                Some(p) if index.campaign_of[sessions.sessions[p as usize].entrance_campaign as usize] == a => {
                    scope[p as usize]
                }
                _ => in_period(date),
            }
        } else {
            in_period(date)
        };
        scope[k as usize] = in_scope;
        if !in_scope {
            continue;
        }
        let tally = &mut tallies[a as usize];
        tally.sessions += 1;
        *sessions_by_day.entry((a, date)).or_default() += 1;
        if bot {
            tally.steps[BOT_SESSIONS] += 1;
            tally.example(BOT_SESSIONS, limit, || story.bot_session(a, k));
        } else if g != NONE {
            started_by_group[g as usize].push(k);
        } else if h != NONE && !campaigns[a as usize].click_level {
            started_tagged[a as usize] += 1;
        } else if h != NONE {
            tally.steps[WITHOUT_CLICK] += 1;
            tally.example(WITHOUT_CLICK, limit, || story.without_click(a, k, false));
        } else if went_on {
            tally.steps[EXTRA] += 1;
            tally.example(EXTRA, limit, || story.continuation(a, k, rules.inactivity_timeout_s));
        } else {
            tally.steps[WITHOUT_CLICK] += 1;
            tally.example(WITHOUT_CLICK, limit, || story.without_click(a, k, true));
        }
    }

    // Click ids: landed, folded, extra.
    for (g, group) in index.groups.iter().enumerate() {
        let k = group_clicks[g];
        if k <= 0 {
            continue;
        }
        let l = group_landings[g];
        let started = &started_by_group[g];
        let human_landed = k.min(l.human);
        let bot_landed = (k - human_landed).min(l.bot);
        let missing = k - human_landed - bot_landed;
        let kept = human_landed.min(started.len() as i64);
        let folded = human_landed - kept;
        let extra = started.len() as i64 - kept;
        let a = group.campaign;
        let tally = &mut tallies[a as usize];
        tally.steps[NO_LANDING] -= missing;
        tally.steps[BOT_LANDINGS] -= bot_landed;
        tally.steps[FOLDED] -= folded;
        tally.steps[EXTRA] += extra;
        if missing > 0 {
            tally.example(NO_LANDING, limit, || story.no_landing(g as u32, missing));
        }
        if folded > 0 {
            tally.example(FOLDED, limit, || story.group_folded(g as u32, &group_arrivals[g], started, folded));
        }
        if extra > 0 {
            tally.example(EXTRA, limit, || story.group_extra(g as u32, started, extra));
        }
    }

    // Daily totals: tagged landings stand in for clicks.
    for (a, tally) in tallies.iter_mut().enumerate() {
        if campaigns[a].click_level {
            continue;
        }
        let l = tagged_landings[a];
        tally.steps[RESIDUAL] -= tally.clicks - (l.human + l.bot);
        tally.steps[BOT_LANDINGS] -= l.bot;
        tally.steps[FOLDED] -= l.human - started_tagged[a];
    }
    let mut folded_examples: Vec<(&(u32, u32), &Vec<u32>)> = folded_landings.iter().collect();
    folded_examples.sort_by_key(|((a, s), hits)| (*a, std::cmp::Reverse(hits.len()), *s));
    for ((a, s), hits) in folded_examples {
        tallies[*a as usize].example(FOLDED, limit, || story.tagged_folded(*a, *s, hits));
    }

    let mut notes = Vec::new();
    for (a, c) in campaigns.iter().enumerate() {
        if c.stand_in && tallies[a].sessions > 0 {
            notes.push(format!(
                "{} sessions carry a {} click id but no campaign name the ad data knows: add the platform's click \
                 report (e.g. Google Ads' click performance report) or utm_campaign tags to assign them to campaigns",
                tallies[a].sessions, c.platform
            ));
        }
    }
    let mut unmatched_utm: Vec<UnmatchedUtm> = unmatched_utm
        .into_iter()
        .map(|((utm_campaign, source, medium), sessions)| UnmatchedUtm { utm_campaign, source, medium, sessions })
        .collect();
    unmatched_utm.sort_by(|a, b| b.sessions.cmp(&a.sessions).then_with(|| a.utm_campaign.cmp(&b.utm_campaign)));

    let overall = {
        let mut sum = Tally::default();
        for t in &tallies {
            sum.clicks += t.clicks;
            sum.sessions += t.sessions;
            for step in 0..STEPS {
                sum.steps[step] += t.steps[step];
            }
        }
        for step in 0..STEPS {
            // Examples round-robin over campaigns, so one busy campaign does not fill the list.
            let mut round = 0;
            while sum.examples[step].len() < limit {
                let before = sum.examples[step].len();
                for t in &tallies {
                    if let Some(e) = t.examples[step].get(round) {
                        if sum.examples[step].len() < limit {
                            sum.examples[step].push(e.clone());
                        }
                    }
                }
                if sum.examples[step].len() == before {
                    break;
                }
                round += 1;
            }
        }
        let all_click_level = campaigns.iter().zip(&tallies).all(|(c, t)| c.click_level || t.clicks + t.sessions == 0);
        waterfall(&sum, all_click_level, rules.bot_filter)
    };

    let mut matched: Vec<Vec<MatchedName>> = vec![Vec::new(); campaigns.len()];
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
    Analysis {
        tallies,
        overall,
        clicks_by_day,
        sessions_by_day,
        matched,
        unmatched_utm,
        notes,
        bot_filter: rules.bot_filter,
    }
}

/// A tally as a waterfall; `click_level` says every step is known on its own.
fn waterfall(t: &Tally, click_level: bool, bot_filter: bool) -> Waterfall {
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
    pub fn campaign_reports(&self, index: &AdIndex<'_>, band: Band) -> Vec<CampaignReport> {
        let mut out: Vec<CampaignReport> = index
            .campaigns
            .iter()
            .zip(&self.tallies)
            .enumerate()
            .filter(|(_, (_, t))| t.clicks != 0 || t.sessions != 0)
            .map(|(a, (c, t))| {
                let ratio = (t.clicks > 0).then(|| t.sessions as f64 / t.clicks as f64);
                CampaignReport {
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
                    waterfall: waterfall(t, c.click_level, self.bot_filter),
                }
            })
            .collect();
        out.sort_by(|a, b| b.clicks.cmp(&a.clicks).then_with(|| a.campaign.cmp(&b.campaign)));
        out
    }

    /// Ad campaigns with clicks in the period that no utm_campaign or click id matched.
    pub fn unmatched(&self, index: &AdIndex<'_>, table: &HitTable) -> Vec<UnmatchedCampaign> {
        let utm_names: Vec<&str> = {
            let mut v: Vec<&str> =
                table.dict.campaigns.iter().map(|c| c.name.as_str()).filter(|n| !n.is_empty()).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let mut out: Vec<UnmatchedCampaign> = index
            .campaigns
            .iter()
            .enumerate()
            .filter(|(a, c)| {
                !c.stand_in
                    && self.tallies[*a].clicks > 0
                    && self.matched[*a].iter().all(|m| m.matched_by == MatchedBy::PlatformOnly)
            })
            .map(|(a, c)| UnmatchedCampaign {
                platform: c.platform.clone(),
                campaign: c.name.clone(),
                campaign_id: c.campaign_id.clone(),
                clicks: self.tallies[a].clicks,
                suggestion: super::names::closest(&c.name, utm_names.iter().copied()).map(str::to_owned),
            })
            .collect();
        out.sort_by(|a, b| b.clicks.cmp(&a.clicks).then_with(|| a.campaign.cmp(&b.campaign)));
        out
    }
}
