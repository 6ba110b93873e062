//! The rows importers produce. They borrow from the importer's buffers (no allocation per
//! row); the store's loader dictionary-encodes them. An empty string always means "absent".
//! Identifiers (client ids, user ids, click ids) are strings and stay strings.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a file holds: website traffic (hits), ad-platform data (clicks, cost) or an analytics
/// tool's own report (sessions it counted, by campaign, source/medium, channel or day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Traffic,
    Ads,
    Report,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Traffic, Kind::Ads, Kind::Report];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Traffic => "traffic",
            Kind::Ads => "ads",
            Kind::Report => "report",
        }
    }
}

/// What a hit is. Server logs mark static files as [`HitType::Asset`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum HitType {
    #[default]
    PageView,
    Event,
    Asset,
}

impl HitType {
    /// The name the hits export and the SQL scripts use: `pageview`, `event`, `asset`.
    pub fn as_str(self) -> &'static str {
        match self {
            HitType::PageView => "pageview",
            HitType::Event => "event",
            HitType::Asset => "asset",
        }
    }
}

/// Campaign tags a source states explicitly (utm columns, GA's traffic_source fields).
/// Any tag left empty is taken from the landing URL's query string by the loader.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CampaignTags<'a> {
    pub source: &'a str,
    pub medium: &'a str,
    pub campaign: &'a str,
    pub term: &'a str,
    pub content: &'a str,
    /// The click-id parameter name (`gclid`, `msclkid`, `fbclid`, ...) when `click_id` is set.
    pub click_id_param: &'a str,
    pub click_id: &'a str,
}

/// One website hit: a page view, an event or an asset request.
#[derive(Clone, Copy, Debug, Default)]
pub struct HitRow<'a> {
    /// UTC, milliseconds since the Unix epoch.
    pub ts_ms: i64,
    pub hit_type: HitType,
    /// Event name (`page_view` for page views when the source has none).
    pub event: &'a str,
    /// Does the hit count as an interaction (GA's non-interaction flag inverted)?
    pub interaction: bool,
    /// The source's visitor id: GA client id, `user_pseudo_id`, Snowplow `domain_userid`.
    pub client_id: &'a str,
    pub user_id: &'a str,
    /// The source's own session id (GA4 `ga_session_id`, UA `visitId`, Snowplow `domain_sessionid`).
    pub source_session_id: &'a str,
    /// The source's own statement that the session is engaged by this hit (GA4's
    /// `session_engaged` parameter, `"1"` or `"0"`); `None` where the source says nothing.
    pub session_engaged: Option<bool>,
    /// The source's own event id, used to drop duplicate events.
    pub event_id: &'a str,
    /// Full URL where known, else a path.
    pub url: &'a str,
    pub referrer: &'a str,
    pub user_agent: &'a str,
    /// The raw IP address; the loader truncates or hashes it unless the user opted in.
    pub ip: &'a str,
    pub tags: CampaignTags<'a>,
}

/// Aggregated ad-platform figures for one (platform, account, campaign, ad group, days, device):
/// one day when the report has a day column, else the report's whole period (period totals).
#[derive(Clone, Copy, Debug, Default)]
pub struct AdStatRow<'a> {
    pub platform: &'a str,
    pub account: &'a str,
    pub campaign_id: &'a str,
    pub campaign: &'a str,
    pub ad_group: &'a str,
    /// The first day the row covers, in the ad account's time zone.
    pub date: NaiveDate,
    /// The last day the row covers: `date` for a daily row.
    pub last_date: NaiveDate,
    pub device: &'a str,
    pub impressions: i64,
    pub clicks: i64,
    pub cost_micros: i64,
    pub currency: &'a str,
}

/// One ad click with its click id (Google Ads click performance report and the like).
#[derive(Clone, Copy, Debug, Default)]
pub struct AdClickRow<'a> {
    pub platform: &'a str,
    pub account: &'a str,
    pub campaign_id: &'a str,
    pub campaign: &'a str,
    pub ad_group: &'a str,
    /// The day in the ad account's time zone.
    pub date: NaiveDate,
    /// The click's time (UTC ms) when the export has one.
    pub ts_ms: Option<i64>,
    pub device: &'a str,
    pub click_id_param: &'a str,
    pub click_id: &'a str,
    /// How many clicks the row stands for (Google issues one gclid per impression, so a gclid
    /// may carry several clicks).
    pub clicks: i64,
}

/// Sessions an analytics tool reported for one combination of the report's dimensions over one
/// period: a day when the report has a date column, else the report's whole period. A dimension
/// the report does not have is empty.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReportedSessionsRow<'a> {
    /// The tool that counted them: one of [`reporting_platform`]'s names.
    pub platform: &'a str,
    /// First and last day the row covers (equal for a daily row), in the property's time zone.
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    pub campaign: &'a str,
    pub source: &'a str,
    pub medium: &'a str,
    /// The tool's channel grouping (`Paid Search`, `Organic Search`, `Direct`, ...).
    pub channel: &'a str,
    pub sessions: i64,
    pub engaged_sessions: Option<i64>,
    /// GA4 key events, Universal Analytics goal completions, Matomo conversions.
    pub key_events: Option<f64>,
    pub users: Option<i64>,
}

/// Analytics tools whose reports are read, as stored.
pub mod reporting_platform {
    pub const GA4: &str = "ga4";
    pub const UNIVERSAL_ANALYTICS: &str = "ua";
    pub const MATOMO: &str = "matomo";
    pub const PLAUSIBLE: &str = "plausible";
    /// A sessions table sessionized elsewhere under SessionLens's rules (`sessionlens sql`).
    pub const SESSIONS_TABLE: &str = "sessions-table";
}

/// Ad platforms, as stored.
pub mod platform {
    pub const GOOGLE: &str = "google_ads";
    pub const MICROSOFT: &str = "microsoft_ads";
    pub const META: &str = "meta_ads";

    /// The platform's name as people say it (`google_ads` → `Google Ads`); an unknown id as it is.
    pub fn name(id: &str) -> &str {
        match id {
            GOOGLE => "Google Ads",
            MICROSOFT => "Microsoft Ads",
            META => "Meta Ads",
            other => other,
        }
    }
}
