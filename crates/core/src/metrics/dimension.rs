//! The dimensions a metrics report breaks down by, and the key each gives a session or an ad
//! row. Ad clicks and cost have a key under the date dimensions, campaign, device category,
//! and (by the platform's defaults) channel and source / medium; under hour of day, landing
//! page and exit page they have none, and those reports leave clicks and cost empty.

use std::str::FromStr;
use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::ad_index::{AdEntry, AdIndex, EntryRow, NONE};
use crate::error::{Error, Result};
use crate::model::platform;
use crate::sessionize::{HitTable, Session, Sessionized};
use crate::time::ViewClock;
use crate::url::path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// `2024-03-01`, the session's start day in the view time zone.
    Day,
    /// The Monday of the ISO week, `2024-02-26`.
    Week,
    /// `2024-03`.
    Month,
    /// `00` .. `23`, the session's start hour in the view time zone.
    HourOfDay,
    Channel,
    /// `google / cpc`.
    SourceMedium,
    /// The ad platform's campaign name where the session matches an ad campaign, else its
    /// utm_campaign, else `(not set)`.
    Campaign,
    /// The landing page's path.
    LandingPage,
    ExitPage,
    DeviceCategory,
}

impl Dimension {
    pub const ALL: [Dimension; 10] = [
        Dimension::Day,
        Dimension::Week,
        Dimension::Month,
        Dimension::HourOfDay,
        Dimension::Channel,
        Dimension::SourceMedium,
        Dimension::Campaign,
        Dimension::LandingPage,
        Dimension::ExitPage,
        Dimension::DeviceCategory,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Day => "day",
            Dimension::Week => "week",
            Dimension::Month => "month",
            Dimension::HourOfDay => "hour",
            Dimension::Channel => "channel",
            Dimension::SourceMedium => "source-medium",
            Dimension::Campaign => "campaign",
            Dimension::LandingPage => "landing-page",
            Dimension::ExitPage => "exit-page",
            Dimension::DeviceCategory => "device",
        }
    }

    /// Rows of a time dimension sort by key; others by sessions.
    pub fn is_time(self) -> bool {
        matches!(self, Dimension::Day | Dimension::Week | Dimension::Month | Dimension::HourOfDay)
    }

    /// Can ad clicks and cost be put under this dimension's keys?
    pub fn has_ads(self) -> bool {
        !matches!(self, Dimension::HourOfDay | Dimension::LandingPage | Dimension::ExitPage)
    }
}

impl FromStr for Dimension {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let s = s.trim();
        Dimension::ALL.into_iter().find(|d| d.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Dimension::ALL.iter().map(|d| d.as_str()).collect();
            Error::InvalidInput(format!("unknown dimension '{s}' (one of {})", names.join(", ")))
        })
    }
}

/// What the dimension keys are computed from.
pub(crate) struct KeyContext<'a> {
    pub clock: ViewClock,
    pub table: &'a HitTable,
    pub sessions: &'a Sessionized,
    pub index: AdIndex<'a>,
    /// Per url id, its page (path) as a number: urls with the same path share it. Numbered on
    /// first use, by the landing and exit page reports.
    pages: OnceLock<Vec<u32>>,
}

impl<'a> KeyContext<'a> {
    pub fn new(clock: ViewClock, table: &'a HitTable, sessions: &'a Sessionized, index: AdIndex<'a>) -> Self {
        KeyContext { clock, table, sessions, index, pages: OnceLock::new() }
    }

    fn page(&self, url: u32) -> u64 {
        let pages = self.pages.get_or_init(|| {
            let paths: Vec<&str> = self.table.dict.urls.par_iter().map(|u| path(u)).collect();
            let mut numbers: FxHashMap<&str, u32> = FxHashMap::default();
            paths
                .into_iter()
                .map(|p| {
                    let next = numbers.len() as u32;
                    *numbers.entry(p).or_insert(next)
                })
                .collect()
        });
        u64::from(pages[url as usize])
    }
}

const NOT_SET: &str = "(not set)";

fn date_key(d: Dimension, date: NaiveDate) -> String {
    match d {
        Dimension::Week => ViewClock::week_start(date).to_string(),
        Dimension::Month => date.format("%Y-%m").to_string(),
        _ => date.to_string(),
    }
}

/// `date` moved forward by `days` (kept at the calendar's end rather than overflowing).
pub(crate) fn shifted(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(Duration::days(days)).unwrap_or(NaiveDate::MAX)
}

fn or_not_set(s: &str) -> String {
    if s.is_empty() {
        NOT_SET.to_string()
    } else {
        s.to_string()
    }
}

impl KeyContext<'_> {
    /// The key of a session starting on view day `date` (moved forward by a previous period's
    /// length, so it lines up with the day it is compared with).
    pub fn session_key(&self, d: Dimension, s: &Session, date: NaiveDate) -> String {
        let traffic = &self.sessions.traffic[s.traffic as usize];
        let urls = &self.table.dict.urls;
        match d {
            Dimension::Day | Dimension::Week | Dimension::Month => date_key(d, date),
            Dimension::HourOfDay => format!("{:02}", self.clock.hour(s.start_ms)),
            Dimension::Channel => or_not_set(&traffic.channel),
            Dimension::SourceMedium => format!("{} / {}", traffic.source, traffic.medium),
            Dimension::Campaign => match self.ad_campaign(s) {
                Some(a) => self.index.campaigns[a as usize].name.clone(),
                None => or_not_set(&traffic.campaign),
            },
            Dimension::LandingPage => or_not_set(path(&urls[s.landing_url as usize])),
            Dimension::ExitPage => or_not_set(path(&urls[s.exit_url as usize])),
            Dimension::DeviceCategory => or_not_set(&self.sessions.devices[s.device as usize].device),
        }
    }

    /// What [`KeyContext::session_key`] makes the key of, as a number: sessions with the same
    /// number have the same key, so a report builds each key once, not once per session.
    pub fn session_key_source(&self, d: Dimension, s: &Session, date: NaiveDate) -> u64 {
        match d {
            Dimension::Day | Dimension::Week | Dimension::Month => date.num_days_from_ce() as u32 as u64,
            Dimension::HourOfDay => u64::from(self.clock.hour(s.start_ms)),
            Dimension::Channel | Dimension::SourceMedium => u64::from(s.traffic),
            Dimension::Campaign => self.ad_campaign(s).map_or(u64::from(s.traffic), |a| 1 << 32 | u64::from(a)),
            Dimension::LandingPage => self.page(s.landing_url),
            Dimension::ExitPage => self.page(s.exit_url),
            Dimension::DeviceCategory => u64::from(s.device),
        }
    }

    /// The ad campaign a session is matched to (not a stand-in for tags no ad data has).
    fn ad_campaign(&self, s: &Session) -> Option<u32> {
        let a = self.index.campaign_of.get(s.entrance_campaign as usize).copied().unwrap_or(NONE);
        self.index.campaigns.get(a as usize).is_some_and(|ad| !ad.stand_in).then_some(a)
    }

    /// The key of an ad entry, or `None` under a dimension ads have no value for.
    pub fn entry_key(&self, d: Dimension, e: &AdEntry, shift_days: i64) -> Option<String> {
        let campaign = &self.index.campaigns[e.campaign as usize];
        let defaults = platform_defaults(&campaign.platform);
        let ads = self.index.ads;
        Some(match d {
            Dimension::Day | Dimension::Week | Dimension::Month => date_key(d, shifted(e.view_date?, shift_days)),
            Dimension::HourOfDay | Dimension::LandingPage | Dimension::ExitPage => return None,
            Dimension::Channel => defaults.2.to_string(),
            Dimension::SourceMedium => format!("{} / {}", defaults.0, defaults.1),
            Dimension::Campaign => campaign.name.clone(),
            Dimension::DeviceCategory => or_not_set(match e.row {
                EntryRow::Stat(i) => &ads.stats[i as usize].device,
                EntryRow::Click(i) => &ads.clicks[i as usize].device,
            }),
        })
    }
}

/// Source, medium and channel of a platform's clicks, as its auto-tagged sessions report.
fn platform_defaults(p: &str) -> (&'static str, &'static str, &'static str) {
    match p {
        platform::GOOGLE => ("google", "cpc", "Paid Search"),
        platform::MICROSOFT => ("bing", "cpc", "Paid Search"),
        platform::META => ("facebook", "cpc", "Paid Social"),
        _ => (NOT_SET, NOT_SET, "Paid Other"),
    }
}
