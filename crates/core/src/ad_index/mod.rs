//! [`AdIndex`]: the project's ad data laid out against its hits, built once per report. Both
//! [`crate::metrics`] (clicks and cost on their keys) and [`crate::discrepancy`] (clicks against
//! sessions) read it, so it sits below both and depends only on the loaded ad data
//! ([`crate::store::ads`]), the hit table, campaign [`names`] and [`crate::time`].
//!
//! - Ad campaigns, one per (platform, normalised name), each click-level when a click export
//!   covers it with a click id on every row (its clicks then come from that export) and
//!   otherwise counted from the daily totals.
//! - Click groups: one per click id of a click-level campaign, with every export row carrying it
//!   (one gclid may stand for several clicks).
//! - Entries: clicks and cost of each ad row on the ad account's days (the days the comparison
//!   uses: a click's time read in the account's zone, else the row's day or period) and on a
//!   view day for the dashboard (a click's time in the view's zone, else the view day holding
//!   the account day's noon, see [`ViewClock::view_date_of_account_day`]; none for period
//!   totals).
//! - Each campaign's calendar: the zone of its account when an export states it, else the
//!   view's; its sessions are counted on that calendar's days.
//! - For every campaign value of the hit table: the ad campaign it stands for, found by click id
//!   first, then by the user's mapping, the normalised name, or the campaign id; sessions of an
//!   ad platform's click id that name no known campaign go to a stand-in campaign of that
//!   platform ("auto-tagged, campaign unknown").

pub mod names;

use chrono::NaiveDate;
use chrono_tz::Tz;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::model::platform;
use crate::sessionize::HitTable;
use crate::store::ads::{AdData, CampaignMapping};
use crate::time::{DateRange, ViewClock};
use names::normalise_campaign;

pub(crate) const NONE: u32 = u32::MAX;

/// How a utm_campaign value (or click id) was found to stand for an ad campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The landing URL's click id is in the click export.
    ClickId,
    /// The user's campaign mapping.
    Mapping,
    /// Equal names after folding case, whitespace and separators.
    Name,
    /// utm_campaign holds the ad campaign's id (a `{campaignid}` ValueTrack tag).
    CampaignId,
    /// Only the platform is known (an auto-tagged click id with no campaign name).
    PlatformOnly,
}

/// An ad campaign as the reports see it.
#[derive(Clone, Debug)]
pub(crate) struct AdCampaign {
    pub platform: String,
    pub name: String,
    pub campaign_id: String,
    /// The stand-in for a platform's sessions that carry its click id but no known campaign.
    pub stand_in: bool,
    pub click_level: bool,
    /// The calendar its clicks are reported in: the ad account's zone when stated, else the view's.
    pub clock: ViewClock,
    /// Does the account's zone differ from the view's?
    pub own_zone: bool,
    /// Are all its figures per day? `false` when any row holds totals over a period.
    pub daily: bool,
}

impl AdCampaign {
    /// The key its figures of `day` are compared under: the day, or `None` for a campaign
    /// reported in period totals.
    pub fn day_key(&self, day: NaiveDate) -> Option<NaiveDate> {
        self.daily.then_some(day)
    }
}

/// One click id of a click export and the rows (indices into `AdData::clicks`) carrying it.
#[derive(Clone, Debug)]
pub(crate) struct ClickGroup {
    pub click_id: String,
    pub campaign: u32,
    pub rows: Vec<u32>,
}

/// Where an entry's figures come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryRow {
    Stat(u32),
    Click(u32),
}

/// Clicks and cost of one ad row, on the account's days and the view's.
#[derive(Clone, Debug)]
pub(crate) struct AdEntry {
    pub campaign: u32,
    /// The account days the row covers: one day, or a report's period.
    pub days: DateRange,
    /// The view day of a one-day row; `None` for period totals.
    pub view_date: Option<NaiveDate>,
    pub clicks: i64,
    pub cost_micros: i64,
    pub row: EntryRow,
}

pub(crate) struct AdIndex<'a> {
    pub ads: &'a AdData,
    pub campaigns: Vec<AdCampaign>,
    pub groups: Vec<ClickGroup>,
    pub entries: Vec<AdEntry>,
    /// Per campaign id of the hit table's dictionary: the ad campaign, or [`NONE`].
    pub campaign_of: Vec<u32>,
    /// Per campaign id of the dictionary: its click group, or [`NONE`].
    pub group_of: Vec<u32>,
    /// Per campaign id of the dictionary: how it was matched (meaningful where `campaign_of` is set).
    pub matched_by: Vec<MatchedBy>,
    /// The account time zone of each stat row and click row, parsed.
    pub stat_zone: Vec<Option<Tz>>,
    pub click_zone: Vec<Option<Tz>>,
}

/// The ad campaigns by the names a utm_campaign value (or a reported campaign) may give them:
/// the user's mapping, the normalised name, or the campaign id.
pub(crate) struct CampaignNames {
    by_mapping: FxHashMap<String, Vec<u32>>,
    by_name: FxHashMap<String, Vec<u32>>,
    by_id: FxHashMap<String, Vec<u32>>,
}

impl CampaignNames {
    pub fn new(campaigns: &[AdCampaign], mappings: &[CampaignMapping]) -> CampaignNames {
        let mut by_mapping: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for m in mappings {
            let ad = normalise_campaign(&m.ad_campaign);
            for (c, campaign) in campaigns.iter().enumerate() {
                let platform_fits = m.platform.is_empty() || m.platform == campaign.platform;
                if platform_fits && normalise_campaign(&campaign.name) == ad {
                    by_mapping.entry(normalise_campaign(&m.utm_campaign)).or_default().push(c as u32);
                }
            }
        }
        let mut by_name: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut by_id: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (c, campaign) in campaigns.iter().enumerate() {
            by_name.entry(normalise_campaign(&campaign.name)).or_default().push(c as u32);
            if !campaign.campaign_id.is_empty() {
                by_id.entry(campaign.campaign_id.clone()).or_default().push(c as u32);
            }
        }
        CampaignNames { by_mapping, by_name, by_id }
    }

    /// The ad campaign `name` stands for, preferring one of the `hint` platform, and how it was found.
    pub fn find(&self, name: &str, hint: Option<&str>, campaigns: &[AdCampaign]) -> Option<(u32, MatchedBy)> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let pick = |candidates: &Vec<u32>| -> u32 {
            let fits = |&&c: &&u32| hint.is_some_and(|p| campaigns[c as usize].platform == p);
            candidates.iter().find(fits).or(candidates.first()).copied().unwrap_or(NONE)
        };
        let normal = normalise_campaign(name);
        [
            (self.by_mapping.get(&normal), MatchedBy::Mapping),
            (self.by_name.get(&normal).filter(|_| !normal.is_empty()), MatchedBy::Name),
            (self.by_id.get(name), MatchedBy::CampaignId),
        ]
        .into_iter()
        .find_map(|(candidates, how)| candidates.map(|c| (pick(c), how)))
    }
}

/// The ad platform whose auto-tagging adds this click-id parameter.
pub(crate) fn platform_of_click_param(param: &str) -> Option<&'static str> {
    match param {
        "gclid" | "gbraid" | "wbraid" | "dclid" => Some(platform::GOOGLE),
        "msclkid" => Some(platform::MICROSOFT),
        "fbclid" => Some(platform::META),
        _ => None,
    }
}

/// The ad platform a utm_source names, when it names one.
pub(crate) fn platform_of_source(source: &str) -> Option<&'static str> {
    match source.to_ascii_lowercase().as_str() {
        "google" | "adwords" | "google_ads" | "googleads" => Some(platform::GOOGLE),
        "bing" | "microsoft" | "msn" | "microsoft_ads" => Some(platform::MICROSOFT),
        "facebook" | "fb" | "meta" | "instagram" | "ig" | "meta_ads" => Some(platform::META),
        _ => None,
    }
}

impl<'a> AdIndex<'a> {
    pub fn new(table: &HitTable, ads: &'a AdData, clock: &ViewClock) -> AdIndex<'a> {
        let mut zones: FxHashMap<&str, Option<Tz>> = FxHashMap::default();
        let mut zone = |name: &'a Option<String>| -> Option<Tz> {
            let name = name.as_deref()?;
            *zones.entry(name).or_insert_with(|| name.parse().ok())
        };
        let stat_zone: Vec<Option<Tz>> = ads.stats.iter().map(|s| zone(&s.time_zone)).collect();
        let click_zone: Vec<Option<Tz>> = ads.clicks.iter().map(|c| zone(&c.time_zone)).collect();

        let mut campaigns: Vec<AdCampaign> = Vec::new();
        let mut by_key: FxHashMap<(String, String), u32> = FxHashMap::default();
        let mut campaign_key = |platform: &str, name: &str, id: &str| -> u32 {
            let key = (platform.to_string(), normalise_campaign(if name.is_empty() { id } else { name }));
            *by_key.entry(key).or_insert_with(|| {
                campaigns.push(AdCampaign {
                    platform: platform.to_string(),
                    name: if name.is_empty() { id.to_string() } else { name.to_string() },
                    campaign_id: id.to_string(),
                    stand_in: false,
                    click_level: false,
                    clock: *clock,
                    own_zone: false,
                    daily: true,
                });
                (campaigns.len() - 1) as u32
            })
        };
        let stat_campaign: Vec<u32> =
            ads.stats.iter().map(|s| campaign_key(&s.platform, &s.campaign, &s.campaign_id)).collect();
        let click_campaign: Vec<u32> =
            ads.clicks.iter().map(|c| campaign_key(&c.platform, &c.campaign, &c.campaign_id)).collect();

        // Click-level: a click export covers the campaign with a click id on every row.
        let mut click_rows = vec![(0usize, 0usize); campaigns.len()];
        for (c, row) in click_campaign.iter().zip(&ads.clicks) {
            let slot = &mut click_rows[*c as usize];
            slot.0 += 1;
            slot.1 += usize::from(!row.click_id.is_empty());
        }
        let mut has_stats = vec![false; campaigns.len()];
        for &c in &stat_campaign {
            has_stats[c as usize] = true;
        }
        for (campaign, (rows, with_id)) in campaigns.iter_mut().zip(&click_rows) {
            campaign.click_level = *rows > 0 && rows == with_id;
        }
        let rows_zones = stat_campaign.iter().zip(&stat_zone).chain(click_campaign.iter().zip(&click_zone));
        for (&c, zone) in rows_zones {
            let campaign = &mut campaigns[c as usize];
            if let (Some(tz), false) = (zone, campaign.own_zone) {
                campaign.clock = ViewClock { tz: *tz };
                campaign.own_zone = *tz != clock.tz;
            }
        }
        for (s, &c) in ads.stats.iter().zip(&stat_campaign) {
            if s.last_date != s.date {
                campaigns[c as usize].daily = false;
            }
        }

        let mut groups: Vec<ClickGroup> = Vec::new();
        let mut group_by_id: FxHashMap<&str, u32> = FxHashMap::default();
        for (i, (row, &c)) in ads.clicks.iter().zip(&click_campaign).enumerate() {
            if !campaigns[c as usize].click_level {
                continue;
            }
            let g = *group_by_id.entry(row.click_id.as_str()).or_insert_with(|| {
                groups.push(ClickGroup { click_id: row.click_id.clone(), campaign: c, rows: Vec::new() });
                (groups.len() - 1) as u32
            });
            groups[g as usize].rows.push(i as u32);
        }

        // Entries: clicks from the click export for click-level campaigns (cost still from the
        // daily totals), from the daily totals otherwise, and from click rows for a campaign
        // that has no daily totals at all.
        let mut entries = Vec::with_capacity(ads.stats.len() + ads.clicks.len());
        for (i, (s, &c)) in ads.stats.iter().zip(&stat_campaign).enumerate() {
            let click_level = campaigns[c as usize].click_level;
            let one_day = s.last_date == s.date;
            entries.push(AdEntry {
                campaign: c,
                days: DateRange { from: s.date, to: s.last_date.max(s.date) },
                view_date: one_day.then(|| clock.view_date_of_account_day(stat_zone[i], s.date)),
                clicks: if click_level { 0 } else { s.clicks },
                cost_micros: s.cost_micros,
                row: EntryRow::Stat(i as u32),
            });
        }
        for (i, (k, &c)) in ads.clicks.iter().zip(&click_campaign).enumerate() {
            if !campaigns[c as usize].click_level && has_stats[c as usize] {
                continue;
            }
            let (day, view_date) = match k.ts_ms {
                Some(ms) => (campaigns[c as usize].clock.date(ms), clock.date(ms)),
                None => (k.date, clock.view_date_of_account_day(click_zone[i], k.date)),
            };
            entries.push(AdEntry {
                campaign: c,
                days: DateRange { from: day, to: day },
                view_date: Some(view_date),
                clicks: k.clicks,
                cost_micros: 0,
                row: EntryRow::Click(i as u32),
            });
        }

        let mut index = AdIndex {
            ads,
            campaigns,
            groups,
            entries,
            campaign_of: Vec::new(),
            group_of: Vec::new(),
            matched_by: Vec::new(),
            stat_zone,
            click_zone,
        };
        index.resolve(table, &group_by_id, clock);
        index
    }

    /// Which ad campaign each campaign value of the hit table stands for.
    fn resolve(&mut self, table: &HitTable, group_by_id: &FxHashMap<&str, u32>, view_clock: &ViewClock) {
        let names = CampaignNames::new(&self.campaigns, &self.ads.mappings);
        let platforms: Vec<String> = {
            let mut p: Vec<String> = self.campaigns.iter().map(|c| c.platform.clone()).collect();
            p.sort();
            p.dedup();
            p
        };
        let mut stand_ins: FxHashMap<&'static str, u32> = FxHashMap::default();
        // Values differ by click id far more often than by name: each name is looked up once.
        let mut found = FxHashMap::default();
        let dict = &table.dict.campaigns;
        let (mut campaign_of, mut group_of) = (vec![NONE; dict.len()], vec![NONE; dict.len()]);
        let mut matched_by = vec![MatchedBy::Name; dict.len()];
        for (id, value) in dict.iter().enumerate().skip(1) {
            if let Some(&g) = group_by_id.get(value.click_id.as_str()).filter(|_| !value.click_id.is_empty()) {
                group_of[id] = g;
                campaign_of[id] = self.groups[g as usize].campaign;
                matched_by[id] = MatchedBy::ClickId;
                continue;
            }
            let hint = platform_of_click_param(&value.click_id_param).or_else(|| platform_of_source(&value.source));
            let campaigns = &self.campaigns;
            let name = value.name.as_str();
            if let Some((c, how)) = *found.entry((name, hint)).or_insert_with(|| names.find(name, hint, campaigns)) {
                campaign_of[id] = c;
                matched_by[id] = how;
                continue;
            }
            let Some(p) = platform_of_click_param(&value.click_id_param) else { continue };
            if !platforms.iter().any(|known| known == p) || value.click_id.is_empty() {
                continue;
            }
            let c = *stand_ins.entry(p).or_insert_with(|| {
                self.campaigns.push(AdCampaign {
                    platform: p.to_string(),
                    name: format!("({p}: auto-tagged, campaign unknown)"),
                    campaign_id: String::new(),
                    stand_in: true,
                    click_level: false,
                    clock: *view_clock,
                    own_zone: false,
                    daily: true,
                });
                (self.campaigns.len() - 1) as u32
            });
            campaign_of[id] = c;
            matched_by[id] = MatchedBy::PlatformOnly;
        }
        self.campaign_of = campaign_of;
        self.group_of = group_of;
        self.matched_by = matched_by;
    }

    /// The account time zone of an entry's row.
    pub fn zone_of(&self, row: EntryRow) -> Option<Tz> {
        match row {
            EntryRow::Stat(i) => self.stat_zone[i as usize],
            EntryRow::Click(i) => self.click_zone[i as usize],
        }
    }
}
