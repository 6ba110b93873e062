//! The seam between the engine and [`crate::classify`]: what a session's entrance (campaign
//! tags + referrer, seen from its landing page's host) is as source / medium / channel, which
//! traffic source (source / medium) a referrer or campaign tags give for the referrer-change
//! rule, what a user agent is as device / browser / OS, and whether it is a bot. The engine asks
//! once per distinct value and keeps the answers.
//!
//! It reads campaign tags as [`CampaignTags`] and user agents as text, never the hit table:
//! [`super::table`] uses it (devices and bots per user agent), not the other way round.

use serde::{Deserialize, Serialize};

use crate::classify::{source, Classifier, Referrer};
use crate::model::CampaignTags;

/// Where a session came from. The click id of a session is its entrance campaign's (see
/// [`super::Session::entrance_campaign`]), so one traffic value stands for every click.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Traffic {
    pub source: String,
    pub medium: String,
    pub campaign: String,
    pub term: String,
    pub content: String,
    pub channel: String,
}

/// What a session's user agent is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Device {
    /// desktop, mobile, tablet, bot or other.
    pub device: String,
    pub browser: String,
    pub os: String,
}

/// A traffic source as the platform classifies it: (source, medium), such as (`google`,
/// `organic`) for every google.* search domain or (`news.example`, `referral`).
pub(crate) type SourceMedium = (String, String);

/// What a referrer brings, for the split rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ReferrerKind {
    /// No referrer, or an excluded one: a direct arrival.
    Direct,
    /// A page of the same site (same registrable domain): navigation, no arrival.
    Internal,
    /// From outside, under this traffic source.
    External(SourceMedium),
}

fn classifier() -> &'static Classifier {
    Classifier::shared()
}

/// The traffic of an entrance with campaign tags `tags` landing on `landing_host`.
pub(crate) fn traffic(tags: &CampaignTags<'_>, referrer: &str, landing_host: &str, exclusions: &[String]) -> Traffic {
    let a = classifier().attribute(tags, referrer, landing_host, exclusions);
    Traffic {
        source: a.source.into_owned(),
        medium: a.medium.into_owned(),
        campaign: a.campaign.to_owned(),
        term: a.term.to_owned(),
        content: a.content.to_owned(),
        channel: a.channel.as_str().to_owned(),
    }
}

/// What `referrer` is, seen from a page of `landing_host`.
pub(crate) fn referrer_kind(referrer: &str, landing_host: &str, exclusions: &[String]) -> ReferrerKind {
    let referrer = classifier().referrer(referrer, landing_host, exclusions);
    if referrer == Referrer::Internal {
        return ReferrerKind::Internal;
    }
    match referrer.source_medium() {
        Some((source, medium)) => ReferrerKind::External((source.into_owned(), medium.to_owned())),
        None => ReferrerKind::Direct,
    }
}

/// The traffic source a campaign's tags state on their own (utm source / medium, or a click
/// id's defaults); `None` when the landing hit's referrer decides.
pub(crate) fn campaign_source(tags: &CampaignTags<'_>) -> Option<SourceMedium> {
    source::tagged_source(tags).map(|(source, medium)| (source.to_owned(), medium.to_owned()))
}

/// The device of a user agent.
pub(crate) fn device(user_agent: &str) -> Device {
    let agent = classifier().agent(user_agent);
    Device { device: agent.device.as_str().to_owned(), browser: agent.browser, os: agent.os }
}

/// Is the user agent on the bot list?
pub(crate) fn is_bot(user_agent: &str) -> bool {
    classifier().is_bot(user_agent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entrances_and_referrers_go_through_the_classifier() {
        let none: &[String] = &[];
        let paid = CampaignTags { click_id_param: "gclid", click_id: "Cj0", ..Default::default() };
        let t = traffic(&paid, "https://www.google.com/", "shop.example", none);
        assert_eq!((t.source.as_str(), t.medium.as_str(), t.channel.as_str()), ("google", "cpc", "Paid Search"));
        let t = traffic(&CampaignTags::default(), "", "shop.example", none);
        assert_eq!((t.source.as_str(), t.medium.as_str()), ("(direct)", "(none)"));
        let google = ReferrerKind::External(("google".into(), "organic".into()));
        assert_eq!(referrer_kind("https://www.google.de/", "shop.example", none), google);
        assert_eq!(referrer_kind("https://www.google.ca/url?q=x", "shop.example", none), google);
        assert_eq!(
            referrer_kind("https://www.a.com/post", "shop.example", none),
            ReferrerKind::External(("a.com".into(), "referral".into()))
        );
        assert_eq!(referrer_kind("https://www.example.com/", "shop.example.com", none), ReferrerKind::Internal);
        assert_eq!(campaign_source(&paid), Some(("google".into(), "cpc".into())));
        let name_only = CampaignTags { campaign: "spring", ..Default::default() };
        assert_eq!(campaign_source(&name_only), None);
        assert_eq!(referrer_kind("https://shop.example/a", "shop.example", none), ReferrerKind::Internal);
        assert_eq!(
            referrer_kind("https://pay.example/", "shop.example", &["pay.example".into()]),
            ReferrerKind::Direct
        );
        assert!(is_bot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"));
        assert_eq!(device("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0").device, "desktop");
    }
}
