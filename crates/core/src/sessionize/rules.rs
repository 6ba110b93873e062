//! The rule set: every toggle of docs/session-rules.md in one serde-serialisable value, built from a
//! [`Preset`] and then adjusted. Its [`RuleSet::hash`] (BLAKE3 of its canonical JSON) keys the
//! sessions stored in a project, so the same rules reuse them and any changed toggle recomputes.

use std::str::FromStr;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Shortest and longest inactivity timeout the engine accepts (1 minute .. 24 hours).
pub const TIMEOUT_RANGE_S: std::ops::RangeInclusive<u32> = 60..=86_400;

/// What makes a visitor. Each mode falls back, for a hit that lacks what it needs, to the next
/// usable key in this order: user id (user mode only) → client id → IP + user agent + local
/// day → the hit alone (a visitor of one hit). So client mode with an empty client id groups by
/// IP + user agent + day, and IP mode with no IP gives one-hit visitors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Identity {
    /// The source's visitor id (GA client id, `user_pseudo_id`, Snowplow `domain_userid`).
    Client,
    /// The logged-in user id, with cross-device stitching: a client's anonymous hits (before and
    /// after login) join the first user id that client shows; clients never logged in stay
    /// client visitors.
    User,
    /// Cookie-free: a hash of a salt, IP, user agent and site (Plausible, PlainSignal, Umami).
    /// The visitor changes when the salt rotates ([`RuleSet::salt_rotation`]: every UTC day by
    /// default, or week, or month); a session running at the rotation carries on (Plausible
    /// keeps yesterday's salt for that).
    Fingerprint,
    /// IP + user agent + local day of the view time zone (GoAccess unique visitors).
    IpUaDay,
    /// IP address alone (AWStats, Webalizer).
    Ip,
    /// The source's own session id (GA4 `ga_session_id`, UA `visitId`, Snowplow
    /// `domain_sessionid`) within its client: each recorded session is taken as it is, none of
    /// the split rules applies inside it. Hits without one are sessionized in client mode.
    SourceSession,
}

impl Identity {
    pub const ALL: [Identity; 6] = [
        Identity::Client,
        Identity::User,
        Identity::Fingerprint,
        Identity::IpUaDay,
        Identity::Ip,
        Identity::SourceSession,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Identity::Client => "client",
            Identity::User => "user",
            Identity::Fingerprint => "fingerprint",
            Identity::IpUaDay => "ip-ua-day",
            Identity::Ip => "ip",
            Identity::SourceSession => "source-session",
        }
    }

    /// The mode's name for people.
    pub fn title(self) -> &'static str {
        match self {
            Identity::Client => "Client id",
            Identity::User => "User id",
            Identity::Fingerprint => "Salted fingerprint",
            Identity::IpUaDay => "IP + browser + day",
            Identity::Ip => "IP address",
            Identity::SourceSession => "Source session id",
        }
    }

    /// One line saying what makes a visitor under this mode.
    pub fn help(self) -> &'static str {
        match self {
            Identity::Client => "The visitor id the tracker stored (cookie or app instance).",
            Identity::User => "Logged-in users across devices; others by client id.",
            Identity::Fingerprint => {
                "A hash of IP, browser and a salt that changes every day, week or month (no cookies)."
            }
            Identity::IpUaDay => "Same IP address and user agent on the same local day.",
            Identity::Ip => "Everyone behind one IP address is one visitor.",
            Identity::SourceSession => "The session id the source recorded, taken as it is.",
        }
    }
}

impl FromStr for Identity {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Identity::ALL.into_iter().find(|i| i.as_str() == s).ok_or_else(|| {
            invalid(format!("unknown identity '{s}' (one of {})", names(Identity::ALL.map(Identity::as_str))))
        })
    }
}

/// How often the fingerprint identity's salt changes, and with it every visitor: at each UTC
/// midnight (Plausible), each Monday 00:00 UTC (ISO week), or each first of the month 00:00 UTC
/// (Umami, whose salt is the start of the month).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SaltRotation {
    #[default]
    Day,
    Week,
    Month,
}

impl SaltRotation {
    pub const ALL: [SaltRotation; 3] = [SaltRotation::Day, SaltRotation::Week, SaltRotation::Month];

    pub fn as_str(self) -> &'static str {
        match self {
            SaltRotation::Day => "day",
            SaltRotation::Week => "week",
            SaltRotation::Month => "month",
        }
    }

    /// The period's name for people.
    pub fn title(self) -> &'static str {
        match self {
            SaltRotation::Day => "Every day (Plausible)",
            SaltRotation::Week => "Every week",
            SaltRotation::Month => "Every month (Umami)",
        }
    }

    /// One line saying when the salt, and so the visitor, changes.
    pub fn help(self) -> &'static str {
        match self {
            SaltRotation::Day => "A new salt at every UTC midnight: nobody is followed for more than a day.",
            SaltRotation::Week => "A new salt every Monday at 00:00 UTC.",
            SaltRotation::Month => "A new salt on the first of every month at 00:00 UTC.",
        }
    }

    fn is_day(&self) -> bool {
        *self == SaltRotation::Day
    }
}

impl FromStr for SaltRotation {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        SaltRotation::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            invalid(format!(
                "unknown salt rotation '{s}' (one of {})",
                names(SaltRotation::ALL.map(SaltRotation::as_str))
            ))
        })
    }
}

/// When a session counts as a bounce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BounceRule {
    /// Universal Analytics: at most one interaction hit.
    OneInteractionHit,
    /// GA4: the session is not engaged (see [`EngagementRule`]).
    NotEngaged,
    /// Adobe Analytics: exactly one hit (server call).
    OneHit,
    /// Matomo: at most one action (page views and events; assets are not actions).
    AtMostOneAction,
    /// Plausible, and the server-log "one page" rule: fewer than two page views.
    FewerThanTwoPageviews,
    /// PostHog: at most one page view, under 10 s, and no interaction besides page views.
    PosthogBounce,
    /// Mixpanel, AWStats and GoAccess report no bounce; bounce rate is then not defined.
    None,
}

impl BounceRule {
    pub const ALL: [BounceRule; 7] = [
        BounceRule::OneInteractionHit,
        BounceRule::NotEngaged,
        BounceRule::OneHit,
        BounceRule::AtMostOneAction,
        BounceRule::FewerThanTwoPageviews,
        BounceRule::PosthogBounce,
        BounceRule::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BounceRule::OneInteractionHit => "one-interaction-hit",
            BounceRule::NotEngaged => "not-engaged",
            BounceRule::OneHit => "one-hit",
            BounceRule::AtMostOneAction => "at-most-one-action",
            BounceRule::FewerThanTwoPageviews => "fewer-than-two-pageviews",
            BounceRule::PosthogBounce => "posthog-bounce",
            BounceRule::None => "none",
        }
    }

    /// The definition's name for people.
    pub fn title(self) -> &'static str {
        match self {
            BounceRule::OneInteractionHit => "One interaction hit (UA)",
            BounceRule::NotEngaged => "Not engaged (GA4)",
            BounceRule::OneHit => "One hit (Adobe)",
            BounceRule::AtMostOneAction => "At most one action (Matomo)",
            BounceRule::FewerThanTwoPageviews => "One page (Plausible)",
            BounceRule::PosthogBounce => "PostHog bounce",
            BounceRule::None => "No bounce metric",
        }
    }

    /// One line saying when a session bounces.
    pub fn help(self) -> &'static str {
        match self {
            BounceRule::OneInteractionHit => "At most one hit that counts as an interaction.",
            BounceRule::NotEngaged => "Not engaged: short, one page view and no key event.",
            BounceRule::OneHit => "Exactly one hit of any kind.",
            BounceRule::AtMostOneAction => "At most one page view or event.",
            BounceRule::FewerThanTwoPageviews => "Fewer than two page views.",
            BounceRule::PosthogBounce => "One page view, under 10 seconds, nothing else done.",
            BounceRule::None => "Bounce rate is not computed (Mixpanel, AWStats, GoAccess).",
        }
    }
}

impl FromStr for BounceRule {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        BounceRule::ALL.into_iter().find(|b| b.as_str() == s).ok_or_else(|| {
            invalid(format!(
                "unknown bounce definition '{s}' (one of {})",
                names(BounceRule::ALL.map(BounceRule::as_str))
            ))
        })
    }
}

/// How long a session lasted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DurationRule {
    /// Universal Analytics: the last interaction hit's time minus the first hit's.
    LastInteractionMinusFirst,
    /// GA4, Plausible, PostHog, Mixpanel, Amplitude, Umami, server logs: last hit minus first.
    LastMinusFirst,
    /// Adobe Analytics: the sum over hits of (next hit's time − this hit's time), the last hit
    /// counting 0. Over one session's hits that sum telescopes to last − first; the rule is kept
    /// apart so the rule set names the platform's own definition.
    SumOfTimeSpent,
    /// Matomo: last − first + 1 s, and 0 for a one-action visit.
    LastMinusFirstPlusOneSecond,
}

impl DurationRule {
    pub const ALL: [DurationRule; 4] = [
        DurationRule::LastInteractionMinusFirst,
        DurationRule::LastMinusFirst,
        DurationRule::SumOfTimeSpent,
        DurationRule::LastMinusFirstPlusOneSecond,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DurationRule::LastInteractionMinusFirst => "last-interaction-minus-first",
            DurationRule::LastMinusFirst => "last-minus-first",
            DurationRule::SumOfTimeSpent => "sum-of-time-spent",
            DurationRule::LastMinusFirstPlusOneSecond => "last-minus-first-plus-one-second",
        }
    }

    /// The definition's name for people.
    pub fn title(self) -> &'static str {
        match self {
            DurationRule::LastInteractionMinusFirst => "Last interaction − first (UA)",
            DurationRule::LastMinusFirst => "Last − first hit",
            DurationRule::SumOfTimeSpent => "Sum of time spent (Adobe)",
            DurationRule::LastMinusFirstPlusOneSecond => "Last − first + 1 s (Matomo)",
        }
    }

    /// One line saying how the duration is measured.
    pub fn help(self) -> &'static str {
        match self {
            DurationRule::LastInteractionMinusFirst => "From the first hit to the last interaction hit.",
            DurationRule::LastMinusFirst => "From the first hit to the last hit.",
            DurationRule::SumOfTimeSpent => "The time between hits, added up.",
            DurationRule::LastMinusFirstPlusOneSecond => {
                "From the first hit to the last, plus one second; one action is 0 s."
            }
        }
    }
}

impl FromStr for DurationRule {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        DurationRule::ALL.into_iter().find(|d| d.as_str() == s).ok_or_else(|| {
            invalid(format!(
                "unknown duration definition '{s}' (one of {})",
                names(DurationRule::ALL.map(DurationRule::as_str))
            ))
        })
    }
}

/// An engaged session (GA4, Snowplow): longer than `min_duration_s` (last hit − first), OR at
/// least `min_pageviews` page views, OR one of `key_events`. GA4 measures foreground time;
/// hits carry no such time, so the session's span stands in for it. With `min_heartbeats` the
/// time is counted in heartbeats instead, as Snowplow counts page pings: at least that many
/// heartbeats (events named in [`RuleSet::non_interaction_events`]) make the session engaged,
/// and its span no longer does. With `as_recorded`, hits that carry GA4's own verdict decide.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EngagementRule {
    pub min_duration_s: u32,
    pub min_pageviews: u32,
    /// Event names that are key events (conversions).
    pub key_events: Vec<String>,
    /// Left out of the JSON when off, so rule sets from before it hash as they did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_heartbeats: Option<u32>,
    /// Where a session's hits carry the source's own engagement flag (the GA4 export's
    /// `session_engaged`), the session is engaged exactly when one of them says so; the rules
    /// above decide for sessions whose hits say nothing. Left out of the JSON when off.
    #[serde(default, skip_serializing_if = "is_false")]
    pub as_recorded: bool,
}

impl Default for EngagementRule {
    fn default() -> Self {
        EngagementRule {
            min_duration_s: 10,
            min_pageviews: 2,
            key_events: vec!["purchase".into()],
            min_heartbeats: None,
            as_recorded: false,
        }
    }
}

/// Adobe's anti-bot rule: more than `hits` hits in under `seconds` seconds end the visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BurstCut {
    pub hits: u32,
    pub seconds: u32,
}

/// Every session rule toggle. Build one with [`RuleSet::preset`] and adjust its fields.
///
/// Fields added after rule sets were first stored (`drop_hits_after_s`,
/// `session_needs_pageview`, `salt_rotation`, `engagement.min_heartbeats`) are left out of the
/// JSON at their default, which is the behaviour from before them, and read back as it: stored
/// rule sets load, and their [`RuleSet::hash`] stays what it was.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RuleSet {
    /// The preset this rule set started from (kept for display; it changes no rule by itself).
    pub preset: Preset,
    /// A gap between consecutive counted hits of a visitor longer than this starts a session.
    pub inactivity_timeout_s: u32,
    /// A session older than this is cut; the next hit starts a new one.
    pub max_session_length_s: Option<u32>,
    /// A session is cut after this many hits.
    pub max_hits_per_session: Option<u32>,
    pub burst_cut: Option<BurstCut>,
    /// Hits more than this after their session's first hit are dropped (Snowplow's
    /// `max_session_days`): they neither extend the session nor start another, recorded
    /// sessions included; a hit that starts a new session for another reason (a timeout)
    /// still does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop_hits_after_s: Option<u32>,
    /// The view's IANA time zone: local midnight for [`RuleSet::split_at_midnight`], the day of
    /// the IP + user agent + day identity, and the times of exports.
    pub time_zone: String,
    pub split_at_midnight: bool,
    /// A new session at every UTC clock hour (Umami).
    pub split_at_hour: bool,
    /// A change of any utm tag (or of the click id, with `click_id_is_campaign`) on an entrance
    /// starts a new session.
    pub split_on_campaign_change: bool,
    /// A direct arrival (no referrer, no campaign) never overrides or splits the running
    /// campaign, and a session starting direct carries the visitor's last campaign.
    pub direct_keeps_campaign: bool,
    /// Matomo: a running visit whose source is direct takes a campaign arriving later instead of
    /// being split by it.
    pub direct_session_adopts_campaign: bool,
    /// GA4 export: a session that began direct takes the first campaign or referral of its hits
    /// (where no split rule starts a new session there); GA4's automatic `session_start` and
    /// `first_visit` events bring no source. Left out of the JSON when off.
    #[serde(default, skip_serializing_if = "is_false")]
    pub direct_session_takes_first_source: bool,
    /// A new traffic source starts a new session: an external referrer counts by the source /
    /// medium it is classified as (every google.* search domain is google / organic), compared
    /// with the session's own (its tags' or its referrer's), never by host; the same source again
    /// does not split. A referrer on the page's own registrable domain is internal and an
    /// excluded one direct; a hit on the landing page repeating its referrer is no new arrival.
    pub split_on_referrer_change: bool,
    /// Hosts whose referrals count as direct (payment gateways, own subdomains); a host also
    /// matches its subdomains.
    pub referral_exclusions: Vec<String>,
    /// Every distinct click id (gclid, msclkid, fbclid, ...) is a campaign value of its own.
    pub click_id_is_campaign: bool,
    /// A different logged-in user id starts a new session.
    pub split_on_user_id_change: bool,
    /// Non-interaction hits (flagged so, or with an event name in `non_interaction_events`)
    /// neither start nor extend a session; a session of only such hits is not counted.
    pub interaction_only: bool,
    /// Event names of hits that are not interactions (page pings, heartbeats); they are also
    /// the heartbeats [`EngagementRule::min_heartbeats`] counts.
    pub non_interaction_events: Vec<String>,
    /// A session without a page view is not counted (Snowplow builds sessions from page views):
    /// its hits are uncounted, its visitor still a user.
    #[serde(default, skip_serializing_if = "is_false")]
    pub session_needs_pageview: bool,
    pub identity: Identity,
    /// When the [`Identity::Fingerprint`] salt changes.
    #[serde(default, skip_serializing_if = "SaltRotation::is_day")]
    pub salt_rotation: SaltRotation,
    /// Drop hits whose user agent is on the bot list.
    pub bot_filter: bool,
    pub bounce: BounceRule,
    pub engagement: EngagementRule,
    pub duration: DurationRule,
}

/// The platforms whose sessions a rule set can reproduce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// Universal Analytics (Google's "How a web session is defined in Universal Analytics" and
    /// campaign/traffic-source docs): 30 min timeout, a new session at midnight of the view's
    /// time zone, on any campaign change (utm values, each auto-tagged click id) and on a
    /// referral from a new traffic source (source / medium as UA classifies it, not the referrer
    /// host), direct returns keep the campaign; non-interaction hits do not count; bounce = one
    /// interaction hit; duration = last interaction − first hit.
    #[serde(rename = "ua")]
    UniversalAnalytics,
    /// GA4 ("[GA4] About sessions", "engaged sessions" help pages): 30 min timeout (settable up
    /// to 7 h 55 min), no midnight or campaign split; bounce = not engaged (engaged: > 10 s, two
    /// page views or a key event); duration = last − first. On GA4's BigQuery export it follows
    /// the export's own session semantics: a session that began direct takes the first non-direct
    /// source of its events other than `session_start` / `first_visit`, and engagement is the
    /// export's `session_engaged` where the events carry it. GA4 keeps `ga_session_id` for the
    /// life of the session on the device, so where the export lacks events that kept a session
    /// alive (filtered, or never exported) a gap longer than the timeout splits it here and not
    /// in GA4; `sessionlens fidelity` counts such splits (docs/session-rules.md).
    Ga4,
    /// Adobe Analytics ("Visit" in the Analytics components guide, bot rules): 30 min timeout,
    /// visits cut at 12 h, at 2,500 hits, and by more than 100 hits in under 100 s; no midnight
    /// split (a visit counts in each day it touches); bounce = one hit; duration = sum of time
    /// spent per hit.
    Adobe,
    /// Matomo with its defaults (FAQ "How is a visit defined", `visit_standard_length`,
    /// `Tracker/Visit.php`): 30 min, 10,000 actions, a new visit at midnight of the site's time
    /// zone, on a campaign change unless the current visit is direct (then it takes the
    /// campaign), and on a user id change; bounce = at most one action; duration = last −
    /// first + 1 s. Referrer change is off, as Matomo's `create_new_visit_when_website_referrer_changes`
    /// is by default. Matomo's option, when on, splits only on a referrer of its "website" type
    /// whose name differs (case-insensitively) from the visit's; turning
    /// [`RuleSet::split_on_referrer_change`] on here also splits on a new search engine or
    /// social network.
    Matomo,
    /// Plausible (its "data policy" page and source): a cookie-free hash of daily salt, IP, user
    /// agent and site; 30 min; the session carries across the salt rotation; bounce = fewer
    /// than two page views; duration = last − start.
    Plausible,
    /// PostHog (its "sessions" docs): 30 min, sessions cut at 24 h, identified users merge
    /// their anonymous events; bounce = one page view, under 10 s, no other interaction;
    /// duration = last − first.
    PostHog,
    /// Mixpanel ("Sessions" docs, timeout-based sessions): 30 min, a new session at midnight of
    /// the project's time zone, ID merge joins anonymous events to the user; Mixpanel has no
    /// bounce metric; duration = last − first. Midnight behaviour is as the SESSION-RULES table
    /// states it and is unverified against Mixpanel's current docs.
    Mixpanel,
    /// Server-log heuristic in the Webalizer style: visitors by IP, 30 min (Webalizer's
    /// `VisitTimeout` default, 1800 s), no other split; bounce = one page (Webalizer itself
    /// reports none); duration = last − first. AWStats, whose visit timeout is 60 min, has a
    /// preset of its own; this one stays as it was, as stored projects and saved rule sets name
    /// it.
    ServerLog,
    /// Snowplow's web data model (dbt `snowplow_web` / `snowplow_unified`): sessions are the
    /// tracker's `domain_sessionid`s taken as they are (hits without one by `domain_userid`,
    /// 30 min, the tracker's default); a session needs a page view (the model builds sessions
    /// from page views); hits more than 3 days after the session's first are dropped
    /// (`snowplow__max_session_days`); engaged = two page views, or engaged time of two
    /// heartbeats (`engaged_time_in_s / snowplow__heartbeat >= 2`, where a page's engaged time
    /// is 5 s for its first page ping plus 10 s for each further one, so three `page_ping`s);
    /// no conversion events by default; bounce = not engaged (the model has no bounce column,
    /// only `is_engaged`); duration = last − first (its `absolute_time_in_s`). Events are
    /// de-duplicated by `event_id` when imported, under every preset.
    Snowplow,
    /// AWStats (`awstats.pl`): visitors by host (IP address), a visit ends after 60 min without
    /// a hit (`$VISITTIMEOUT`, 1 hour), no other split; robots are counted apart; AWStats
    /// reports no bounce rate; duration = last − first.
    Awstats,
    /// GoAccess: a unique visitor is an IP address, user agent and day; GoAccess has no
    /// sessions, so each unique visitor of a day is one session (a 24 h timeout never splits
    /// inside a day, the day being the view time zone's: set it to the log's). Crawlers are
    /// counted, as GoAccess counts them unless run with `--ignore-crawlers`; no bounce rate;
    /// duration = last − first (GoAccess reports none).
    GoAccess,
    /// Umami (`src/lib/session`, `crypto`): the visitor is a hash of website, IP, user agent
    /// and a salt that changes every month (UTC); a visit is that visitor's hits within one UTC
    /// clock hour (no inactivity timeout, so the timeout is the hour's 60 min); bounce = a visit
    /// with one page view; duration = last − first.
    Umami,
}

impl Preset {
    pub const ALL: [Preset; 12] = [
        Preset::UniversalAnalytics,
        Preset::Ga4,
        Preset::Adobe,
        Preset::Matomo,
        Preset::Plausible,
        Preset::PostHog,
        Preset::Mixpanel,
        Preset::ServerLog,
        Preset::Snowplow,
        Preset::Awstats,
        Preset::GoAccess,
        Preset::Umami,
    ];

    /// The short name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::UniversalAnalytics => "ua",
            Preset::Ga4 => "ga4",
            Preset::Adobe => "adobe",
            Preset::Matomo => "matomo",
            Preset::Plausible => "plausible",
            Preset::PostHog => "posthog",
            Preset::Mixpanel => "mixpanel",
            Preset::ServerLog => "server-log",
            Preset::Snowplow => "snowplow",
            Preset::Awstats => "awstats",
            Preset::GoAccess => "goaccess",
            Preset::Umami => "umami",
        }
    }

    /// The platform's name as a sentence uses it: "389 GA4 sessions".
    pub fn short_title(self) -> &'static str {
        match self {
            Preset::UniversalAnalytics => "UA",
            Preset::Ga4 => "GA4",
            Preset::Adobe => "Adobe",
            Preset::Matomo => "Matomo",
            Preset::Plausible => "Plausible",
            Preset::PostHog => "PostHog",
            Preset::Mixpanel => "Mixpanel",
            Preset::ServerLog => "server-log",
            Preset::Snowplow => "snowplow",
            Preset::Awstats => "awstats",
            Preset::GoAccess => "goaccess",
            Preset::Umami => "umami",
        }
    }

    /// The platform's name for people.
    pub fn title(self) -> &'static str {
        match self {
            Preset::UniversalAnalytics => "Universal Analytics",
            Preset::Ga4 => "Google Analytics 4",
            Preset::Adobe => "Adobe Analytics",
            Preset::Matomo => "Matomo",
            Preset::Plausible => "Plausible",
            Preset::PostHog => "PostHog",
            Preset::Mixpanel => "Mixpanel",
            Preset::ServerLog => "Server-log heuristic (Webalizer)",
            Preset::Snowplow => "Snowplow web model",
            Preset::Awstats => "AWStats",
            Preset::GoAccess => "GoAccess",
            Preset::Umami => "Umami",
        }
    }

    /// What sets the preset apart, in one line.
    pub fn summary(self) -> &'static str {
        match self {
            Preset::UniversalAnalytics => "30 min timeout, new session at midnight and on any campaign change.",
            Preset::Ga4 => "30 min timeout, no midnight or campaign split; bounce means not engaged.",
            Preset::Adobe => "30 min timeout; visits cut at 12 h, 2,500 hits or a burst of hits.",
            Preset::Matomo => "30 min timeout, new visit at midnight and on a campaign change.",
            Preset::Plausible => "Cookie-free daily visitor hash, 30 min timeout.",
            Preset::PostHog => "30 min timeout, sessions cut at 24 h, users merged across devices.",
            Preset::Mixpanel => "30 min timeout, new session at midnight; no bounce metric.",
            Preset::ServerLog => "Visitors by IP address, 30 min timeout, nothing else splits.",
            Preset::Snowplow => "The tracker's sessions; a page view needed, hits after 3 days dropped.",
            Preset::Awstats => "Visitors by IP address, 60 min timeout; no bounce metric.",
            Preset::GoAccess => "One session per IP, browser and day; crawlers counted.",
            Preset::Umami => "Monthly visitor hash; a new visit every clock hour.",
        }
    }
}

impl FromStr for Preset {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Preset::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| invalid(format!("unknown preset '{s}' (one of {})", names(Preset::ALL.map(Preset::as_str)))))
    }
}

impl Default for RuleSet {
    /// GA4's rules: what most marketers' analytics count today (Universal Analytics stopped
    /// processing data in 2023–2024).
    fn default() -> Self {
        RuleSet::preset(Preset::Ga4)
    }
}

impl RuleSet {
    /// The rules of `preset`, in UTC; set [`RuleSet::time_zone`] to the view's zone.
    pub fn preset(preset: Preset) -> RuleSet {
        let base = RuleSet {
            preset,
            inactivity_timeout_s: 30 * 60,
            max_session_length_s: None,
            max_hits_per_session: None,
            burst_cut: None,
            drop_hits_after_s: None,
            time_zone: "UTC".into(),
            split_at_midnight: false,
            split_at_hour: false,
            split_on_campaign_change: false,
            direct_keeps_campaign: false,
            direct_session_adopts_campaign: false,
            direct_session_takes_first_source: false,
            split_on_referrer_change: false,
            referral_exclusions: Vec::new(),
            click_id_is_campaign: false,
            split_on_user_id_change: false,
            interaction_only: false,
            non_interaction_events: vec!["page_ping".into(), "heartbeat".into(), "scroll".into()],
            session_needs_pageview: false,
            identity: Identity::Client,
            salt_rotation: SaltRotation::Day,
            bot_filter: true,
            bounce: BounceRule::NotEngaged,
            engagement: EngagementRule::default(),
            duration: DurationRule::LastMinusFirst,
        };
        match preset {
            Preset::UniversalAnalytics => RuleSet {
                split_at_midnight: true,
                split_on_campaign_change: true,
                direct_keeps_campaign: true,
                split_on_referrer_change: true,
                click_id_is_campaign: true,
                interaction_only: true,
                bounce: BounceRule::OneInteractionHit,
                duration: DurationRule::LastInteractionMinusFirst,
                ..base
            },
            Preset::Ga4 => RuleSet {
                direct_session_takes_first_source: true,
                engagement: EngagementRule { as_recorded: true, ..EngagementRule::default() },
                ..base
            },
            Preset::Adobe => RuleSet {
                max_session_length_s: Some(12 * 3600),
                max_hits_per_session: Some(2_500),
                burst_cut: Some(BurstCut { hits: 100, seconds: 100 }),
                bounce: BounceRule::OneHit,
                duration: DurationRule::SumOfTimeSpent,
                ..base
            },
            Preset::Matomo => RuleSet {
                max_hits_per_session: Some(10_000),
                split_at_midnight: true,
                split_on_campaign_change: true,
                direct_keeps_campaign: true,
                direct_session_adopts_campaign: true,
                split_on_user_id_change: true,
                bounce: BounceRule::AtMostOneAction,
                duration: DurationRule::LastMinusFirstPlusOneSecond,
                ..base
            },
            Preset::Plausible => {
                RuleSet { identity: Identity::Fingerprint, bounce: BounceRule::FewerThanTwoPageviews, ..base }
            }
            Preset::PostHog => RuleSet {
                max_session_length_s: Some(24 * 3600),
                identity: Identity::User,
                bounce: BounceRule::PosthogBounce,
                ..base
            },
            Preset::Mixpanel => {
                RuleSet { split_at_midnight: true, identity: Identity::User, bounce: BounceRule::None, ..base }
            }
            Preset::ServerLog => RuleSet { identity: Identity::Ip, bounce: BounceRule::FewerThanTwoPageviews, ..base },
            Preset::Snowplow => RuleSet {
                drop_hits_after_s: Some(3 * 86_400),
                non_interaction_events: vec!["page_ping".into()],
                session_needs_pageview: true,
                identity: Identity::SourceSession,
                engagement: EngagementRule {
                    min_pageviews: 2,
                    key_events: Vec::new(),
                    min_heartbeats: Some(3),
                    ..base.engagement
                },
                ..base
            },
            Preset::Awstats => {
                RuleSet { inactivity_timeout_s: 3600, identity: Identity::Ip, bounce: BounceRule::None, ..base }
            }
            Preset::GoAccess => RuleSet {
                inactivity_timeout_s: 86_400,
                identity: Identity::IpUaDay,
                bot_filter: false,
                bounce: BounceRule::None,
                ..base
            },
            Preset::Umami => RuleSet {
                inactivity_timeout_s: 3600,
                split_at_hour: true,
                identity: Identity::Fingerprint,
                salt_rotation: SaltRotation::Month,
                bounce: BounceRule::FewerThanTwoPageviews,
                ..base
            },
        }
    }

    /// The view time zone, checked.
    pub fn tz(&self) -> Result<Tz> {
        self.time_zone.parse().map_err(|_| {
            invalid(format!("unknown time zone '{}' (expected an IANA name such as Europe/Berlin)", self.time_zone))
        })
    }

    /// Check every value is in range; the engine refuses rule sets that fail this.
    pub fn validate(&self) -> Result<()> {
        self.tz()?;
        if !TIMEOUT_RANGE_S.contains(&self.inactivity_timeout_s) {
            return Err(invalid(format!(
                "the inactivity timeout must be between 1 minute and 24 hours, not {} s",
                self.inactivity_timeout_s
            )));
        }
        if self.max_session_length_s == Some(0) {
            return Err(invalid("the maximum session length must be more than 0 s".into()));
        }
        if self.drop_hits_after_s == Some(0) {
            return Err(invalid("hits can be dropped only more than 0 s after their session's first".into()));
        }
        if self.engagement.min_heartbeats == Some(0) {
            return Err(invalid("an engaged session needs at least 1 heartbeat".into()));
        }
        if self.max_hits_per_session == Some(0) {
            return Err(invalid("the maximum hits per session must be at least 1".into()));
        }
        if let Some(b) = self.burst_cut {
            if b.hits == 0 || b.seconds == 0 {
                return Err(invalid("a burst cut needs at least 1 hit and 1 second".into()));
            }
        }
        Ok(())
    }

    /// The same rules with lists sorted, lower-cased where case does not matter and without
    /// duplicates, so equal rules hash equally whatever order they were given in.
    pub fn normalized(&self) -> RuleSet {
        let mut r = self.clone();
        for host in &mut r.referral_exclusions {
            *host = host.trim().trim_start_matches("*.").trim_start_matches('.').to_ascii_lowercase();
        }
        r.referral_exclusions.retain(|h| !h.is_empty());
        for list in [&mut r.referral_exclusions, &mut r.non_interaction_events, &mut r.engagement.key_events] {
            list.sort();
            list.dedup();
        }
        r
    }

    /// A stable content hash: BLAKE3 of the normalized rule set's JSON (fields in declaration
    /// order), first 16 hex digits.
    pub fn hash(&self) -> String {
        let json = serde_json::to_vec(&self.normalized()).expect("a rule set serialises");
        blake3::hash(&json).to_hex()[..16].to_string()
    }
}

fn is_false(value: &bool) -> bool {
    !value
}

fn invalid(message: String) -> Error {
    Error::InvalidInput(message)
}

fn names<const N: usize>(all: [&str; N]) -> String {
    all.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_validates_and_round_trips_through_json() {
        for preset in Preset::ALL {
            let rules = RuleSet::preset(preset);
            rules.validate().unwrap();
            let json = serde_json::to_string(&rules).unwrap();
            let back: RuleSet = serde_json::from_str(&json).unwrap();
            assert_eq!(back, rules);
            assert_eq!(back.hash(), rules.hash());
            assert_eq!(preset.as_str().parse::<Preset>().unwrap(), preset);
        }
    }

    #[test]
    fn hash_is_stable_ignores_list_order_and_changes_with_any_toggle() {
        let ua = RuleSet::preset(Preset::UniversalAnalytics);
        assert_eq!(ua.hash().len(), 16);
        let mut a = ua.clone();
        a.referral_exclusions = vec!["pay.example".into(), "Shop.Example".into()];
        let mut b = ua.clone();
        b.referral_exclusions = vec!["shop.example".into(), "pay.example".into(), "pay.example".into()];
        assert_eq!(a.hash(), b.hash());
        let mut c = ua.clone();
        c.split_at_midnight = false;
        assert_ne!(c.hash(), ua.hash());
        let mut d = ua.clone();
        d.time_zone = "Europe/Berlin".into();
        assert_ne!(d.hash(), ua.hash());
        let hashes: std::collections::HashSet<_> = Preset::ALL.iter().map(|p| RuleSet::preset(*p).hash()).collect();
        assert_eq!(hashes.len(), Preset::ALL.len());
    }

    #[test]
    fn rules_added_later_leave_the_earlier_presets_json_and_hash_as_they_were() {
        let added = ["drop_hits_after_s", "session_needs_pageview", "salt_rotation", "min_heartbeats"];
        for preset in &Preset::ALL[..8] {
            let json = serde_json::to_string(&RuleSet::preset(*preset)).unwrap();
            assert!(added.iter().all(|key| !json.contains(key)), "{json}");
        }
        // Pinned: stored session runs are keyed by these, so a change recomputes them all. GA4's
        // changed once, on purpose, when it took the GA4 export's session source and engagement.
        let hashes: Vec<String> = Preset::ALL[..8].iter().map(|p| RuleSet::preset(*p).hash()).collect();
        let pinned = [
            "a5a89980294f2203",
            "b26207f611342a78",
            "8705abd715aad9ac",
            "82101a04f472aed4",
            "1d5d6432f8e9762a",
            "9ffa45e3ca5296aa",
            "4fde3dc2e6a9b89f",
            "a835cb680102e81e",
        ];
        assert_eq!(hashes, pinned);
        // A rule set stored before the rules were added reads back with them at their defaults.
        let ga4 = RuleSet::preset(Preset::Ga4);
        let stored: RuleSet = serde_json::from_str(&serde_json::to_string(&ga4).unwrap()).unwrap();
        assert_eq!(stored, ga4);
        // Every added rule, changed, is in the JSON and so in the hash.
        let snowplow = serde_json::to_string(&RuleSet::preset(Preset::Snowplow)).unwrap();
        let umami = serde_json::to_string(&RuleSet::preset(Preset::Umami)).unwrap();
        for key in added {
            assert!(snowplow.contains(key) || umami.contains(key), "{key}");
        }
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let mut r = RuleSet::preset(Preset::Ga4);
        r.inactivity_timeout_s = 59;
        assert!(r.validate().is_err());
        r.inactivity_timeout_s = 86_401;
        assert!(r.validate().is_err());
        r.inactivity_timeout_s = 7 * 3600 + 55 * 60;
        r.validate().unwrap();
        r.time_zone = "Mars/Olympus".into();
        assert!(r.validate().unwrap_err().to_string().contains("Mars/Olympus"));
        r.time_zone = "Australia/Sydney".into();
        r.max_hits_per_session = Some(0);
        assert!(r.validate().is_err());
        assert!("nope".parse::<Preset>().unwrap_err().to_string().contains("ga4"));
        assert!("nope".parse::<Identity>().is_err());
    }
}
