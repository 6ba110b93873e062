//! The rule catalogue: every toggle of a [`RuleSet`] described once — its id, title, one-line
//! help, the kind of value it takes, and how to read and set it as text. The CLI's flags
//! (`--<id>`), the app's rules panel (through `rule_choices`), the report's methodology page
//! and the SQL compiler all read [`RULES`], so a rule added here appears everywhere, under one
//! name.
//!
//! Values are text, written the same everywhere: `on` / `off`; durations such as `30m`,
//! `7h55m` or `90s` (a bare number is seconds); counts; `off` for no limit; `hits/duration` for
//! a burst cut; a choice's id; an IANA zone; comma-separated lists. A value given replaces the
//! preset's. That holds for lists too: referral exclusions, key events and non-interaction
//! events given replace the preset's list (no preset excludes a referrer, so exclusions given
//! are the whole list).

use serde::Serialize;

use super::rules::{BounceRule, BurstCut, DurationRule, Identity, Preset, RuleSet, SaltRotation};
use crate::error::{Error, Result};

/// One rule: what it is called and means, and how its value is read and written.
pub struct Rule {
    /// Kebab-case: the CLI flag (`--user-change`), the app's key and the UI control's name.
    pub id: &'static str,
    /// A short label: "Split on a user id change".
    pub title: &'static str,
    /// One line saying what it does.
    pub help: &'static str,
    pub kind: RuleKind,
    /// Shown unfolded in the app and on the report's summary page; most people change only these.
    pub main: bool,
    get: fn(&RuleSet) -> Value,
    set: fn(&mut RuleSet, Value),
}

/// The kind of value a rule takes, with the words that describe it in a report.
#[derive(Clone, Copy, Debug)]
pub enum RuleKind {
    /// `on` or `off`; the words say what each means.
    Switch { on: &'static str, off: &'static str },
    /// A duration; `phrase` holds `{}` for it in words ("30 minutes").
    Duration { phrase: &'static str },
    /// A duration or `off`; `off` holds the words for that.
    DurationLimit { phrase: &'static str, off: &'static str },
    /// A count; `phrase` holds `{}` for it.
    Count { phrase: &'static str },
    /// A count or `off`; `off` holds the words for that.
    CountLimit { phrase: &'static str, off: &'static str },
    /// `hits/duration` or `off`.
    Burst,
    /// One of [`RuleKind::choices`]'s ids.
    Choice { choices: fn() -> Vec<Choice> },
    /// An IANA time zone name.
    TimeZone,
    /// Comma-separated names; `none` is said for an empty list.
    List { none: &'static str },
}

impl RuleKind {
    /// How a value of this kind is written, for a command line's help and a text field's hint.
    pub fn syntax(self) -> &'static str {
        match self {
            RuleKind::Switch { .. } => "on|off",
            RuleKind::Duration { .. } => "DURATION",
            RuleKind::DurationLimit { .. } => "DURATION|off",
            RuleKind::Count { .. } => "N",
            RuleKind::CountLimit { .. } => "N|off",
            RuleKind::Burst => "N/DURATION|off",
            RuleKind::Choice { .. } => "CHOICE",
            RuleKind::TimeZone => "ZONE",
            RuleKind::List { .. } => "NAME,...",
        }
    }
}

impl RuleKind {
    /// How a value of this kind is written, in words for people (a text field's hint).
    pub fn hint(self) -> &'static str {
        match self {
            RuleKind::Switch { .. } => "on or off",
            RuleKind::Duration { .. } => "e.g. 30m, 1h or 90s",
            RuleKind::DurationLimit { .. } => "e.g. 12h, or off",
            RuleKind::Count { .. } => "a whole number",
            RuleKind::CountLimit { .. } => "a whole number, or off",
            RuleKind::Burst => "hits/time, e.g. 100/100s, or off",
            RuleKind::Choice { .. } => "one of the choices",
            RuleKind::TimeZone => "e.g. Europe/Berlin",
            RuleKind::List { .. } => "names separated by commas",
        }
    }
}

/// One option of a choice rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub id: &'static str,
    pub title: &'static str,
    pub help: &'static str,
}

/// A rule's value, typed; [`RuleKind`] says which variant a rule holds.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Switch(bool),
    Seconds(u32),
    Count(u32),
    Limit(Option<u32>),
    Burst(Option<BurstCut>),
    Name(String),
    List(Vec<String>),
}

fn switch(v: Value) -> bool {
    matches!(v, Value::Switch(true))
}
fn number(v: Value) -> u32 {
    match v {
        Value::Seconds(s) | Value::Count(s) => s,
        _ => 0,
    }
}
fn limit(v: Value) -> Option<u32> {
    match v {
        Value::Limit(l) => l,
        _ => None,
    }
}
fn name(v: Value) -> String {
    match v {
        Value::Name(n) => n,
        _ => String::new(),
    }
}
fn list(v: Value) -> Vec<String> {
    match v {
        Value::List(l) => l,
        _ => Vec::new(),
    }
}

const ON_SPLIT: &str = "Starts a new session";
const OFF_SPLIT: &str = "No split";
const NO_LIMIT: &str = "No limit";

/// Every rule, in the order of docs/session-rules.md.
pub static RULES: [Rule; 29] = [
    Rule {
        id: "timeout",
        title: "Session timeout",
        help: "A pause longer than this between two hits of a visitor starts a new session.",
        kind: RuleKind::Duration { phrase: "{} without a hit ends the session" },
        main: true,
        get: |r| Value::Seconds(r.inactivity_timeout_s),
        set: |r, v| r.inactivity_timeout_s = number(v),
    },
    Rule {
        id: "max-length",
        title: "Longest session",
        help: "Sessions longer than this are cut; the next hit starts a new one.",
        kind: RuleKind::DurationLimit { phrase: "Cut after {}", off: NO_LIMIT },
        main: false,
        get: |r| Value::Limit(r.max_session_length_s),
        set: |r, v| r.max_session_length_s = limit(v),
    },
    Rule {
        id: "max-hits",
        title: "Most hits per session",
        help: "Sessions are cut after this many hits.",
        kind: RuleKind::CountLimit { phrase: "Cut after {} hits", off: NO_LIMIT },
        main: false,
        get: |r| Value::Limit(r.max_hits_per_session),
        set: |r, v| r.max_hits_per_session = limit(v),
    },
    Rule {
        id: "burst",
        title: "Hit bursts",
        help: "More hits than a person makes in a short time end the visit (Adobe: over 100 hits in under 100 s).",
        kind: RuleKind::Burst,
        main: false,
        get: |r| Value::Burst(r.burst_cut),
        set: |r, v| {
            if let Value::Burst(b) = v {
                r.burst_cut = b;
            }
        },
    },
    Rule {
        id: "drop-after",
        title: "Drop hits after",
        help: "Hits more than this after their session's first hit are dropped: they neither extend it nor start a new one \
               (Snowplow: 3 days).",
        kind: RuleKind::DurationLimit {
            phrase: "Hits over {} after the session's start are dropped",
            off: "No hit is dropped",
        },
        main: false,
        get: |r| Value::Limit(r.drop_hits_after_s),
        set: |r, v| r.drop_hits_after_s = limit(v),
    },
    Rule {
        id: "tz",
        title: "View time zone",
        help: "Days, midnight and every time shown are counted in this zone.",
        kind: RuleKind::TimeZone,
        main: true,
        get: |r| Value::Name(r.time_zone.clone()),
        set: |r, v| r.time_zone = name(v),
    },
    Rule {
        id: "midnight",
        title: "Split at midnight",
        help: "A new session starts at midnight of the view time zone.",
        kind: RuleKind::Switch { on: ON_SPLIT, off: "Sessions continue across midnight" },
        main: true,
        get: |r| Value::Switch(r.split_at_midnight),
        set: |r, v| r.split_at_midnight = switch(v),
    },
    Rule {
        id: "hour",
        title: "Split every clock hour",
        help: "A new session starts at every full UTC hour, as Umami counts.",
        kind: RuleKind::Switch { on: "Every UTC clock hour starts a new session", off: OFF_SPLIT },
        main: false,
        get: |r| Value::Switch(r.split_at_hour),
        set: |r, v| r.split_at_hour = switch(v),
    },
    Rule {
        id: "campaign-change",
        title: "Split on a campaign change",
        help: "Arriving from a different campaign (utm tags, or a click id when each is a campaign) starts a new session.",
        kind: RuleKind::Switch { on: "A new campaign starts a new session", off: "Does not start a new session" },
        main: true,
        get: |r| Value::Switch(r.split_on_campaign_change),
        set: |r, v| r.split_on_campaign_change = switch(v),
    },
    Rule {
        id: "direct-keeps-campaign",
        title: "Direct visits keep the campaign",
        help: "A visit typed in or bookmarked keeps the running campaign, and a session starting direct carries the last one.",
        kind: RuleKind::Switch { on: "Keep the running campaign", off: "Count as direct" },
        main: false,
        get: |r| Value::Switch(r.direct_keeps_campaign),
        set: |r, v| r.direct_keeps_campaign = switch(v),
    },
    Rule {
        id: "direct-adopts-campaign",
        title: "Direct visits adopt a later campaign",
        help: "A visit that began direct takes a campaign arriving later instead of being split by it (Matomo).",
        kind: RuleKind::Switch { on: "The visit takes the campaign", off: "The campaign splits the visit" },
        main: false,
        get: |r| Value::Switch(r.direct_session_adopts_campaign),
        set: |r, v| r.direct_session_adopts_campaign = switch(v),
    },
    Rule {
        id: "first-source",
        title: "Direct sessions take their first source",
        help: "A session that began direct takes the first campaign or referral of its hits, as GA4's export \
               reads; GA4's session_start and first_visit events bring none.",
        kind: RuleKind::Switch {
            on: "A direct session takes its first campaign or referral",
            off: "The session keeps its first hit's source",
        },
        main: false,
        get: |r| Value::Switch(r.direct_session_takes_first_source),
        set: |r, v| r.direct_session_takes_first_source = switch(v),
    },
    Rule {
        id: "referrer-change",
        title: "Split on a new traffic source",
        help: "A referral from a different source starts a new session; google.com and google.ca are one source \
               (google / organic), and the site's own domain is not a referral.",
        kind: RuleKind::Switch { on: "A referral from a new traffic source starts a new session", off: OFF_SPLIT },
        main: false,
        get: |r| Value::Switch(r.split_on_referrer_change),
        set: |r, v| r.split_on_referrer_change = switch(v),
    },
    Rule {
        id: "exclude-referrer",
        title: "Referrals counted as direct",
        help: "Referrals from these hosts and their subdomains count as direct (payment pages, your own domains).",
        kind: RuleKind::List { none: "None" },
        main: false,
        get: |r| Value::List(r.referral_exclusions.clone()),
        set: |r, v| r.referral_exclusions = list(v),
    },
    Rule {
        id: "click-id-campaign",
        title: "Each click id is a campaign",
        help: "Every ad click id (gclid, msclkid, fbclid…) counts as a campaign of its own.",
        kind: RuleKind::Switch { on: "Each distinct click id is a campaign of its own", off: "Part of the campaign" },
        main: false,
        get: |r| Value::Switch(r.click_id_is_campaign),
        set: |r, v| r.click_id_is_campaign = switch(v),
    },
    Rule {
        id: "user-change",
        title: "Split on a user id change",
        help: "A different logged-in user id starts a new session.",
        kind: RuleKind::Switch { on: ON_SPLIT, off: OFF_SPLIT },
        main: false,
        get: |r| Value::Switch(r.split_on_user_id_change),
        set: |r, v| r.split_on_user_id_change = switch(v),
    },
    Rule {
        id: "interaction-only",
        title: "Only interactions count",
        help: "Hits marked non-interaction, or named below, neither start nor extend a session.",
        kind: RuleKind::Switch { on: "Non-interaction hits neither start nor extend sessions", off: "Every hit counts" },
        main: false,
        get: |r| Value::Switch(r.interaction_only),
        set: |r, v| r.interaction_only = switch(v),
    },
    Rule {
        id: "non-interaction-event",
        title: "Non-interaction events",
        help: "Event names that are not interactions when only interactions count.",
        kind: RuleKind::List { none: "Only hits flagged so" },
        main: false,
        get: |r| Value::List(r.non_interaction_events.clone()),
        set: |r, v| r.non_interaction_events = list(v),
    },
    Rule {
        id: "needs-pageview",
        title: "Sessions need a page view",
        help: "A session without a page view is not counted; its hits are left out (Snowplow).",
        kind: RuleKind::Switch {
            on: "Sessions without a page view are not counted",
            off: "A session of any hit counts",
        },
        main: false,
        get: |r| Value::Switch(r.session_needs_pageview),
        set: |r, v| r.session_needs_pageview = switch(v),
    },
    Rule {
        id: "identity",
        title: "Visitor identity",
        help: "What makes a visitor.",
        kind: RuleKind::Choice { choices: identity_choices },
        main: true,
        get: |r| Value::Name(r.identity.as_str().into()),
        set: |r, v| r.identity = name(v).parse().unwrap_or(r.identity),
    },
    Rule {
        id: "salt-rotation",
        title: "Fingerprint salt changes",
        help: "How often the salted fingerprint's salt, and with it every visitor, changes (Plausible: daily, Umami: monthly).",
        kind: RuleKind::Choice { choices: salt_choices },
        main: false,
        get: |r| Value::Name(r.salt_rotation.as_str().into()),
        set: |r, v| r.salt_rotation = name(v).parse().unwrap_or(r.salt_rotation),
    },
    Rule {
        id: "bots",
        title: "Filter bots",
        help: "Hits from known bots and crawlers (by user agent) are left out.",
        kind: RuleKind::Switch {
            on: "Hits from user agents on the bot list are dropped",
            off: "Off: bot hits are counted",
        },
        main: true,
        get: |r| Value::Switch(r.bot_filter),
        set: |r, v| r.bot_filter = switch(v),
    },
    Rule {
        id: "bounce",
        title: "Bounce",
        help: "When a session counts as a bounce.",
        kind: RuleKind::Choice { choices: bounce_choices },
        main: false,
        get: |r| Value::Name(r.bounce.as_str().into()),
        set: |r, v| r.bounce = name(v).parse().unwrap_or(r.bounce),
    },
    Rule {
        id: "duration",
        title: "Session duration",
        help: "How long a session lasted.",
        kind: RuleKind::Choice { choices: duration_choices },
        main: false,
        get: |r| Value::Name(r.duration.as_str().into()),
        set: |r, v| r.duration = name(v).parse().unwrap_or(r.duration),
    },
    Rule {
        id: "engaged-seconds",
        title: "Engaged after",
        help: "A session lasting longer than this is engaged (GA4: 10 s).",
        kind: RuleKind::Duration { phrase: "Longer than {}" },
        main: false,
        get: |r| Value::Seconds(r.engagement.min_duration_s),
        set: |r, v| r.engagement.min_duration_s = number(v),
    },
    Rule {
        id: "engaged-pageviews",
        title: "Engaged from page views",
        help: "A session with at least this many page views is engaged (GA4: 2).",
        kind: RuleKind::Count { phrase: "At least {} page views" },
        main: false,
        get: |r| Value::Count(r.engagement.min_pageviews),
        set: |r, v| r.engagement.min_pageviews = number(v),
    },
    Rule {
        id: "engaged-heartbeats",
        title: "Engaged from heartbeats",
        help: "Engaged time counted in heartbeats (the non-interaction events, such as page_ping): a session with at \
               least this many is engaged, and its span no longer counts (Snowplow: 3 page pings).",
        kind: RuleKind::CountLimit {
            phrase: "At least {} heartbeats, instead of the span",
            off: "Off: the session's span counts",
        },
        main: false,
        get: |r| Value::Limit(r.engagement.min_heartbeats),
        set: |r, v| r.engagement.min_heartbeats = limit(v),
    },
    Rule {
        id: "key-event",
        title: "Key events",
        help: "Event names that count as conversions and make a session engaged.",
        kind: RuleKind::List { none: "None" },
        main: false,
        get: |r| Value::List(r.engagement.key_events.clone()),
        set: |r, v| r.engagement.key_events = list(v),
    },
    Rule {
        id: "engaged-as-recorded",
        title: "Engaged as the source recorded it",
        help: "Where the hits carry the source's own engagement flag (GA4 export: session_engaged), it decides \
               whether the session is engaged.",
        kind: RuleKind::Switch {
            on: "The source's own engagement flag decides where the hits carry it",
            off: "Decided by the rules above",
        },
        main: false,
        get: |r| Value::Switch(r.engagement.as_recorded),
        set: |r, v| r.engagement.as_recorded = switch(v),
    },
];

/// The rule called `id`.
pub fn rule(id: &str) -> Result<&'static Rule> {
    RULES.iter().find(|r| r.id == id).ok_or_else(|| {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        Error::InvalidInput(format!("unknown rule '{id}' (one of {})", ids.join(", ")))
    })
}

impl Rule {
    /// The rule's value in `rules`, as text (`on`, `30m`, `off`, `client`, `a, b`).
    pub fn text(&self, rules: &RuleSet) -> String {
        match (self.get)(rules) {
            Value::Switch(on) => if on { "on" } else { "off" }.into(),
            Value::Seconds(s) => duration_text(s),
            Value::Count(n) => n.to_string(),
            Value::Limit(None) | Value::Burst(None) => "off".into(),
            Value::Limit(Some(n)) => match self.kind {
                RuleKind::DurationLimit { .. } => duration_text(n),
                _ => n.to_string(),
            },
            Value::Burst(Some(b)) => format!("{}/{}", b.hits, duration_text(b.seconds)),
            Value::Name(n) => n,
            Value::List(l) => l.join(", "),
        }
    }

    /// Set the rule in `rules` from text; an error names the rule and says what it expects.
    /// The rule set is checked as a whole by [`RuleSet::validate`].
    pub fn apply(&self, rules: &mut RuleSet, text: &str) -> Result<()> {
        let value = self.parse(text.trim()).map_err(|why| Error::InvalidInput(format!("{}: {why}", self.id)))?;
        (self.set)(rules, value);
        Ok(())
    }

    fn parse(&self, text: &str) -> std::result::Result<Value, String> {
        let off = text.eq_ignore_ascii_case("off") || text.is_empty();
        Ok(match self.kind {
            RuleKind::Switch { .. } => match text.to_ascii_lowercase().as_str() {
                "on" | "true" | "yes" => Value::Switch(true),
                "off" | "false" | "no" => Value::Switch(false),
                _ => return Err(format!("'{text}' is not on or off")),
            },
            RuleKind::Duration { .. } => Value::Seconds(parse_duration(text)?),
            RuleKind::Count { .. } => Value::Count(parse_count(text)?),
            RuleKind::DurationLimit { .. } if off => Value::Limit(None),
            RuleKind::DurationLimit { .. } => Value::Limit(Some(parse_duration(text)?)),
            RuleKind::CountLimit { .. } if off => Value::Limit(None),
            RuleKind::CountLimit { .. } => Value::Limit(Some(parse_count(text)?)),
            RuleKind::Burst if off => Value::Burst(None),
            RuleKind::Burst => Value::Burst(Some(parse_burst(text)?)),
            RuleKind::Choice { choices } => {
                let all = choices();
                let id = all.iter().find(|c| c.id == text).map(|c| c.id).ok_or_else(|| {
                    let ids: Vec<&str> = all.iter().map(|c| c.id).collect();
                    format!("'{text}' is not one of {}", ids.join(", "))
                })?;
                Value::Name(id.into())
            }
            RuleKind::TimeZone => Value::Name(text.into()),
            RuleKind::List { .. } => {
                Value::List(text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect())
            }
        })
    }

    /// The rule's value in `rules` in plain words, for a report.
    pub fn words(&self, rules: &RuleSet) -> String {
        let value = (self.get)(rules);
        match (self.kind, value) {
            (RuleKind::Switch { on, off }, Value::Switch(v)) => if v { on } else { off }.into(),
            (RuleKind::Duration { phrase }, Value::Seconds(s)) => phrase.replace("{}", &duration_words(s)),
            (RuleKind::Count { phrase }, Value::Count(n)) => phrase.replace("{}", &n.to_string()),
            (RuleKind::DurationLimit { off, .. } | RuleKind::CountLimit { off, .. }, Value::Limit(None)) => off.into(),
            (RuleKind::DurationLimit { phrase, .. }, Value::Limit(Some(s))) => phrase.replace("{}", &duration_words(s)),
            (RuleKind::CountLimit { phrase, .. }, Value::Limit(Some(n))) => phrase.replace("{}", &n.to_string()),
            (RuleKind::Burst, Value::Burst(None)) => "Not cut".into(),
            (RuleKind::Burst, Value::Burst(Some(b))) => {
                format!("More than {} hits in under {} end the visit", b.hits, duration_words(b.seconds))
            }
            (RuleKind::Choice { choices }, Value::Name(id)) => {
                choices().into_iter().find(|c| c.id == id).map_or(id, |c| c.title.to_string())
            }
            (RuleKind::List { none }, Value::List(l)) if l.is_empty() => none.into(),
            // A kind holds one variant (the round-trip test checks every rule), so this is
            // never reached; the text form is the honest fallback.
            _ => self.text(rules),
        }
    }

    /// The choices of a choice rule (empty for other kinds).
    pub fn choices(&self) -> Vec<Choice> {
        match self.kind {
            RuleKind::Choice { choices } => choices(),
            _ => Vec::new(),
        }
    }
}

impl RuleSet {
    /// The rules of `preset` with `changes` (rule id, text value) applied in order, checked and
    /// normalized: what the CLI's flags and the app's rules panel both build.
    pub fn with_changes<'a>(preset: Preset, changes: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<RuleSet> {
        let mut rules = RuleSet::preset(preset);
        for (id, text) in changes {
            rule(id)?.apply(&mut rules, text)?;
        }
        rules.validate()?;
        Ok(rules.normalized())
    }

    /// The rule set's name for people: the preset's title, and the rules changed from it
    /// ("Google Analytics 4 (modified: session timeout, split at midnight)").
    pub fn title(&self) -> String {
        let changed: Vec<String> = self.changed_rules().iter().map(|r| r.title.to_lowercase()).collect();
        if changed.is_empty() {
            self.preset.title().to_string()
        } else {
            format!("{} (modified: {})", self.preset.title(), changed.join(", "))
        }
    }

    /// The rules whose values differ from the preset's (the view time zone aside: it is where
    /// the data is seen, not how sessions are defined).
    pub fn changed_rules(&self) -> Vec<&'static Rule> {
        let mut preset = RuleSet::preset(self.preset);
        preset.time_zone = self.time_zone.clone();
        let (mine, theirs) = (self.normalized(), preset.normalized());
        RULES.iter().filter(|r| r.text(&mine) != r.text(&theirs)).collect()
    }
}

fn identity_choices() -> Vec<Choice> {
    Identity::ALL.map(|i| Choice { id: i.as_str(), title: i.title(), help: i.help() }).to_vec()
}

fn salt_choices() -> Vec<Choice> {
    SaltRotation::ALL.map(|s| Choice { id: s.as_str(), title: s.title(), help: s.help() }).to_vec()
}

fn bounce_choices() -> Vec<Choice> {
    BounceRule::ALL.map(|b| Choice { id: b.as_str(), title: b.title(), help: b.help() }).to_vec()
}

fn duration_choices() -> Vec<Choice> {
    DurationRule::ALL.map(|d| Choice { id: d.as_str(), title: d.title(), help: d.help() }).to_vec()
}

/// Seconds of a duration written as `90s`, `30m`, `1h`, `7h55m`, `1h30m15s` or bare seconds.
pub fn parse_duration(text: &str) -> std::result::Result<u32, String> {
    let invalid = || format!("'{text}' is not a duration (write e.g. 30m, 1h, 7h55m or 90s)");
    if text.is_empty() {
        return Err(invalid());
    }
    if let Ok(seconds) = text.parse::<u32>() {
        return Ok(seconds);
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(invalid()),
        };
        let value: u64 = number.parse().map_err(|_| invalid())?;
        total = total.saturating_add(value.saturating_mul(unit));
        number.clear();
    }
    if !number.is_empty() {
        return Err(invalid());
    }
    u32::try_from(total).map_err(|_| invalid())
}

/// A duration as [`parse_duration`] reads it back: `30m`, `7h55m`, `10s`, `0s`.
pub fn duration_text(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let mut out = String::new();
    for (n, unit) in [(h, 'h'), (m, 'm'), (s, 's')] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    if out.is_empty() {
        "0s".into()
    } else {
        out
    }
}

/// A duration in words: `30 minutes`, `7 hours 55 minutes`, `1 second`.
pub fn duration_words(seconds: u32) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let part = |n: u32, one: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {one}s")),
    };
    let parts: Vec<String> = [part(h, "hour"), part(m, "minute"), part(s, "second")].into_iter().flatten().collect();
    if parts.is_empty() {
        "0 seconds".into()
    } else {
        parts.join(" ")
    }
}

fn parse_count(text: &str) -> std::result::Result<u32, String> {
    text.parse().map_err(|_| format!("'{text}' is not a whole number"))
}

fn parse_burst(text: &str) -> std::result::Result<BurstCut, String> {
    let invalid = || format!("'{text}' is not a burst rule (write hits/duration, e.g. 100/100s, or off)");
    let (hits, seconds) = text.split_once('/').ok_or_else(invalid)?;
    Ok(BurstCut {
        hits: hits.trim().parse().map_err(|_| invalid())?,
        seconds: parse_duration(seconds.trim()).map_err(|_| invalid())?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sessionize::EngagementRule;

    #[test]
    fn every_rule_reads_back_what_it_writes_for_every_preset() {
        for preset in Preset::ALL {
            let rules = RuleSet::preset(preset);
            for rule in &RULES {
                let mut copy = rules.clone();
                rule.apply(&mut copy, &rule.text(&rules)).unwrap();
                assert_eq!(copy, rules, "{} of {}", rule.id, preset.as_str());
                assert!(!rule.words(&rules).is_empty());
            }
        }
        let ids: std::collections::HashSet<_> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), RULES.len(), "ids are unique");
    }

    #[test]
    fn every_field_of_the_rule_set_has_a_rule() {
        // Each rule changed to a value no preset has moves exactly one field of the rule set, and
        // together they reach every field but the preset's own name: a field added to RuleSet
        // without a rule here fails this test.
        let base = RuleSet::preset(Preset::Ga4);
        let changed = [
            ("timeout", "45m"),
            ("max-length", "6h"),
            ("max-hits", "77"),
            ("burst", "50/20s"),
            ("drop-after", "2h"),
            ("tz", "Asia/Tokyo"),
            ("midnight", "on"),
            ("hour", "on"),
            ("campaign-change", "on"),
            ("direct-keeps-campaign", "on"),
            ("direct-adopts-campaign", "on"),
            ("first-source", "off"),
            ("referrer-change", "on"),
            ("exclude-referrer", "pay.example"),
            ("click-id-campaign", "on"),
            ("user-change", "on"),
            ("interaction-only", "on"),
            ("non-interaction-event", "ping"),
            ("needs-pageview", "on"),
            ("identity", "ip"),
            ("salt-rotation", "week"),
            ("bots", "off"),
            ("bounce", "one-hit"),
            ("duration", "sum-of-time-spent"),
            ("engaged-seconds", "20s"),
            ("engaged-pageviews", "3"),
            ("engaged-heartbeats", "4"),
            ("key-event", "sign_up, purchase"),
            ("engaged-as-recorded", "off"),
        ];
        assert_eq!(changed.len(), RULES.len());
        let json = |r: &RuleSet| serde_json::to_value(r).unwrap();
        let mut all = base.clone();
        for (id, text) in changed {
            let mut one = base.clone();
            rule(id).unwrap().apply(&mut one, text).unwrap();
            assert_ne!(one, base, "{id} changes the rule set");
            rule(id).unwrap().apply(&mut all, text).unwrap();
        }
        let (all, base) = (json(&all), json(&base));
        // Fields at their default may be left out of the JSON, so the fields are named by the
        // types themselves (what serde's derive declares), and a field missing from a JSON
        // counts as unchanged only when it is missing from both.
        let mut names: Vec<String> = field_names::<RuleSet>().iter().map(|f| f.to_string()).collect();
        names.retain(|f| f != "engagement");
        names.extend(field_names::<EngagementRule>().iter().map(|f| format!("engagement.{f}")));
        let field = |v: &serde_json::Value, name: &str| name.split('.').try_fold(v, |v, key| v.get(key)).cloned();
        let unchanged: Vec<String> = names.into_iter().filter(|name| field(&all, name) == field(&base, name)).collect();
        assert_eq!(unchanged, ["preset"]);
    }

    /// The field names serde's derive declares for `T`: a deserializer that only asks.
    fn field_names<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
        struct Names(&'static [&'static str]);
        impl<'de> serde::Deserializer<'de> for &mut Names {
            type Error = serde::de::value::Error;
            fn deserialize_struct<V: serde::de::Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> std::result::Result<V::Value, Self::Error> {
                self.0 = fields;
                Err(serde::de::Error::custom("field names only"))
            }
            fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> std::result::Result<V::Value, Self::Error> {
                Err(serde::de::Error::custom("not a struct"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 u8 u16 u32 u64 f32 f64 char str string bytes byte_buf option unit
                unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
            }
        }
        let mut names = Names(&[]);
        let _ = T::deserialize(&mut names);
        names.0
    }

    #[test]
    fn changes_override_the_preset_and_name_the_rule_when_wrong() {
        let r = RuleSet::with_changes(
            Preset::UniversalAnalytics,
            [("timeout", "1h"), ("midnight", "off"), ("max-hits", "500"), ("exclude-referrer", "Pay.Example, ")],
        )
        .unwrap();
        assert_eq!((r.inactivity_timeout_s, r.split_at_midnight, r.max_hits_per_session), (3600, false, Some(500)));
        assert!(r.split_on_campaign_change, "untouched rules stay the preset's");
        assert_eq!(r.referral_exclusions, ["pay.example"]);
        let ids: Vec<&str> = r.changed_rules().iter().map(|r| r.id).collect();
        assert_eq!(ids, ["timeout", "max-hits", "midnight", "exclude-referrer"]);
        assert!(RuleSet::preset(Preset::Matomo).changed_rules().is_empty());

        let err = |changes: &[(&str, &str)]| {
            RuleSet::with_changes(Preset::Ga4, changes.iter().copied()).unwrap_err().to_string()
        };
        assert!(err(&[("timeout", "30x")]).contains("timeout: '30x' is not a duration"));
        assert!(err(&[("timeout", "30s")]).contains("between 1 minute and 24 hours"));
        assert!(err(&[("midnight", "maybe")]).contains("midnight: 'maybe' is not on or off"));
        assert!(err(&[("identity", "dna")]).contains("identity: 'dna' is not one of client, user"));
        assert!(err(&[("tz", "Mars/Olympus")]).contains("Mars/Olympus"));
        assert!(err(&[("colour", "red")]).contains("unknown rule 'colour'"));
    }

    #[test]
    fn values_read_as_text_and_as_words() {
        let adobe = RuleSet::preset(Preset::Adobe);
        let text = |id: &str| rule(id).unwrap().text(&adobe);
        let words = |id: &str| rule(id).unwrap().words(&adobe);
        assert_eq!(
            (text("timeout"), text("max-length"), text("burst")),
            ("30m".into(), "12h".into(), "100/1m40s".into())
        );
        assert_eq!(words("timeout"), "30 minutes without a hit ends the session");
        assert_eq!(words("max-length"), "Cut after 12 hours");
        assert_eq!(words("max-hits"), "Cut after 2500 hits");
        assert_eq!(words("burst"), "More than 100 hits in under 1 minute 40 seconds end the visit");
        assert_eq!(words("identity"), "Client id");
        assert_eq!(words("exclude-referrer"), "None");
        assert_eq!(text("midnight"), "off");
        assert_eq!(parse_duration("7h55m"), Ok(28_500));
        assert_eq!(parse_duration("45"), Ok(45));
        for bad in ["", "m", "30x", "1h30", "-5m", "99999999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        for s in [0, 10, 90, 1800, 28_500, 86_400] {
            assert_eq!(parse_duration(&duration_text(s)), Ok(s));
        }
        assert_eq!(duration_words(28_500), "7 hours 55 minutes");

        let (snowplow, umami) = (RuleSet::preset(Preset::Snowplow), RuleSet::preset(Preset::Umami));
        let said = |id: &str, rules: &RuleSet| (rule(id).unwrap().text(rules), rule(id).unwrap().words(rules));
        assert_eq!(
            said("drop-after", &snowplow),
            ("72h".into(), "Hits over 72 hours after the session's start are dropped".into())
        );
        assert_eq!(said("drop-after", &adobe), ("off".into(), "No hit is dropped".into()));
        assert_eq!(said("engaged-heartbeats", &snowplow).1, "At least 3 heartbeats, instead of the span");
        assert_eq!(said("engaged-heartbeats", &adobe).1, "Off: the session's span counts");
        assert_eq!(said("needs-pageview", &snowplow).1, "Sessions without a page view are not counted");
        assert_eq!(said("salt-rotation", &umami), ("month".into(), "Every month (Umami)".into()));
    }
}
