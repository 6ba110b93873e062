//! The rule-set flags every analysing command shares (`sessionize`, `export`, `compare`,
//! `metrics`, `discrepancy`, `report`): flatten [`RuleArgs`] into a command's arguments and
//! call [`RuleArgs::rule_set`]. A preset sets every rule; each flag given then overrides one.

use clap::ValueEnum;
use sessionlens_core::sessionize::{BounceRule, BurstCut, DurationRule, Identity, Preset, RuleSet};
use sessionlens_core::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

impl Switch {
    fn on(self) -> bool {
        self == Switch::On
    }
}

#[derive(clap::Args, Clone, Debug, Default)]
#[command(next_help_heading = "Session rules")]
pub struct RuleArgs {
    /// Start from a platform's rules: ua, ga4, adobe, matomo, plausible, posthog, mixpanel,
    /// server-log [default: ga4]
    #[arg(long, value_name = "PRESET", value_parser = parse_preset)]
    pub preset: Option<Preset>,
    /// Inactivity timeout, e.g. 30m, 1h, 7h55m, 90s (1 minute .. 24 hours)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<u32>,
    /// The view's time zone (IANA name, e.g. Europe/Berlin): midnight splits, days, export times
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// A new session at local midnight
    #[arg(long, value_name = "on|off")]
    pub midnight: Option<Switch>,
    /// A new session at every UTC clock hour
    #[arg(long, value_name = "on|off")]
    pub hour: Option<Switch>,
    /// A new session when the campaign (utm tags, click id) changes
    #[arg(long, value_name = "on|off")]
    pub campaign_change: Option<Switch>,
    /// A new session on a referral from a new traffic source (source / medium, not host)
    #[arg(long, value_name = "on|off")]
    pub referrer_change: Option<Switch>,
    /// Direct arrivals keep the running campaign and sessions starting direct carry the last one
    #[arg(long, value_name = "on|off")]
    pub direct_keeps_campaign: Option<Switch>,
    /// A direct session takes a campaign arriving later instead of being split (Matomo)
    #[arg(long, value_name = "on|off")]
    pub direct_adopts_campaign: Option<Switch>,
    /// Every distinct click id (gclid, msclkid, ...) is a campaign of its own
    #[arg(long, value_name = "on|off")]
    pub click_id_campaign: Option<Switch>,
    /// A new session when the logged-in user id changes
    #[arg(long, value_name = "on|off")]
    pub user_change: Option<Switch>,
    /// Non-interaction hits neither start nor extend sessions
    #[arg(long, value_name = "on|off")]
    pub interaction_only: Option<Switch>,
    /// What makes a visitor
    #[arg(long, value_name = "MODE", value_parser = parse_identity)]
    pub identity: Option<Identity>,
    /// Drop hits from user agents on the bot list
    #[arg(long, value_name = "on|off")]
    pub bots: Option<Switch>,
    /// Cut sessions longer than this (a duration, or off)
    #[arg(long, value_name = "DURATION|off", value_parser = parse_optional_duration)]
    pub max_length: Option<Limit>,
    /// Cut sessions after this many hits (or off)
    #[arg(long, value_name = "N|off", value_parser = parse_optional_count)]
    pub max_hits: Option<Limit>,
    /// End a visit when more than N hits come in under S seconds, as N/S (or off)
    #[arg(long, value_name = "N/S|off", value_parser = parse_burst)]
    pub burst: Option<Burst>,
    /// Treat referrals from this host (and its subdomains) as direct; repeatable
    #[arg(long = "exclude-referrer", value_name = "HOST")]
    pub exclude_referrer: Vec<String>,
    /// Bounce definition: one-interaction-hit, not-engaged, one-hit, at-most-one-action,
    /// fewer-than-two-pageviews, posthog-bounce, none
    #[arg(long, value_name = "DEFINITION", value_parser = parse_bounce)]
    pub bounce: Option<BounceRule>,
    /// Duration definition: last-interaction-minus-first, last-minus-first, sum-of-time-spent,
    /// last-minus-first-plus-one-second
    #[arg(long, value_name = "DEFINITION", value_parser = parse_duration_rule)]
    pub duration: Option<DurationRule>,
    /// An engaged session lasts longer than this many seconds
    #[arg(long, value_name = "SECONDS")]
    pub engaged_seconds: Option<u32>,
    /// An event name that is a key event (conversion); repeatable, replaces the preset's list
    #[arg(long = "key-event", value_name = "NAME")]
    pub key_event: Vec<String>,
}

/// A limit given as a value or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit(pub Option<u32>);

/// A burst rule given as `N/S` or `off` (a type of its own: clap reads `Option<Option<_>>` as
/// a flag whose value may be left out, and panics on `--burst`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Burst(pub Option<BurstCut>);

impl RuleArgs {
    /// The rule set: `--preset` (default: the core's default, GA4) with every other flag applied, checked.
    pub fn rule_set(&self) -> Result<RuleSet> {
        self.rule_set_for(self.preset.unwrap_or(RuleSet::default().preset))
    }

    /// The rule set of `preset` with every flag but `--preset` applied, checked.
    pub fn rule_set_for(&self, preset: Preset) -> Result<RuleSet> {
        let mut r = RuleSet::preset(preset);
        let set = |target: &mut bool, switch: Option<Switch>| {
            if let Some(s) = switch {
                *target = s.on();
            }
        };
        if let Some(t) = self.timeout {
            r.inactivity_timeout_s = t;
        }
        if let Some(tz) = &self.tz {
            r.time_zone = tz.clone();
        }
        set(&mut r.split_at_midnight, self.midnight);
        set(&mut r.split_at_hour, self.hour);
        set(&mut r.split_on_campaign_change, self.campaign_change);
        set(&mut r.split_on_referrer_change, self.referrer_change);
        set(&mut r.direct_keeps_campaign, self.direct_keeps_campaign);
        set(&mut r.direct_session_adopts_campaign, self.direct_adopts_campaign);
        set(&mut r.click_id_is_campaign, self.click_id_campaign);
        set(&mut r.split_on_user_id_change, self.user_change);
        set(&mut r.interaction_only, self.interaction_only);
        set(&mut r.bot_filter, self.bots);
        if let Some(i) = self.identity {
            r.identity = i;
        }
        if let Some(Limit(l)) = self.max_length {
            r.max_session_length_s = l;
        }
        if let Some(Limit(l)) = self.max_hits {
            r.max_hits_per_session = l;
        }
        if let Some(Burst(b)) = self.burst {
            r.burst_cut = b;
        }
        r.referral_exclusions.extend(self.exclude_referrer.iter().cloned());
        if let Some(b) = self.bounce {
            r.bounce = b;
        }
        if let Some(d) = self.duration {
            r.duration = d;
        }
        if let Some(s) = self.engaged_seconds {
            r.engagement.min_duration_s = s;
        }
        if !self.key_event.is_empty() {
            r.engagement.key_events = self.key_event.clone();
        }
        r.validate()?;
        Ok(r.normalized())
    }
}

fn parse_preset(s: &str) -> Result<Preset, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

fn parse_identity(s: &str) -> Result<Identity, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

fn parse_bounce(s: &str) -> Result<BounceRule, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

fn parse_duration_rule(s: &str) -> Result<DurationRule, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

/// Seconds of a duration written as `90s`, `30m`, `1h`, `7h55m`, `1h30m15s` or bare seconds.
pub fn parse_duration(s: &str) -> Result<u32, String> {
    let text = s.trim();
    let invalid = || format!("'{s}' is not a duration (write e.g. 30m, 1h, 7h55m or 90s)");
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

fn parse_optional_duration(s: &str) -> Result<Limit, String> {
    if s == "off" {
        Ok(Limit(None))
    } else {
        parse_duration(s).map(|v| Limit(Some(v)))
    }
}

fn parse_optional_count(s: &str) -> Result<Limit, String> {
    if s == "off" {
        return Ok(Limit(None));
    }
    s.parse().map(|v| Limit(Some(v))).map_err(|_| format!("'{s}' is not a number of hits (or off)"))
}

fn parse_burst(s: &str) -> Result<Burst, String> {
    if s == "off" {
        return Ok(Burst(None));
    }
    let invalid = || format!("'{s}' is not a burst rule (write hits/seconds, e.g. 100/100, or off)");
    let (hits, seconds) = s.split_once('/').ok_or_else(invalid)?;
    Ok(Burst(Some(BurstCut {
        hits: hits.trim().parse().map_err(|_| invalid())?,
        seconds: parse_duration(seconds).map_err(|_| invalid())?,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_the_forms_people_write() {
        assert_eq!(parse_duration("30m"), Ok(1800));
        assert_eq!(parse_duration("7h55m"), Ok(28_500));
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("1h30m15s"), Ok(5415));
        assert_eq!(parse_duration("45"), Ok(45));
        for bad in ["", "m", "30x", "1h30", "-5m", "99999999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn flags_override_the_preset() {
        let args = RuleArgs {
            preset: Some(Preset::UniversalAnalytics),
            timeout: Some(3600),
            tz: Some("Australia/Sydney".into()),
            midnight: Some(Switch::Off),
            max_hits: Some(Limit(Some(500))),
            burst: Some(Burst(None)),
            exclude_referrer: vec!["pay.example".into()],
            ..Default::default()
        };
        let r = args.rule_set().unwrap();
        assert_eq!((r.inactivity_timeout_s, r.split_at_midnight, r.max_hits_per_session), (3600, false, Some(500)));
        assert!(r.split_on_campaign_change, "untouched rules stay the preset's");
        assert_eq!(r.referral_exclusions, ["pay.example"]);
        assert_eq!(RuleArgs::default().rule_set().unwrap(), RuleSet::preset(Preset::Ga4).normalized());
        let bad = RuleArgs { tz: Some("Nowhere/Atlantis".into()), ..Default::default() };
        assert_eq!(bad.rule_set().unwrap_err().code(), "invalid_input");
        assert_eq!(parse_burst("100/100"), Ok(Burst(Some(BurstCut { hits: 100, seconds: 100 }))));
    }
}
