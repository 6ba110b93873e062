//! Attribution and classification of sessions: pure functions over a session's landing hit and
//! user agent, no store access. Build one [`Classifier`] (or use [`Classifier::shared`]) and call
//! it once per session; it holds every lookup structure, built once.
//!
//! - [`Classifier::attribute`]: source, medium, campaign and default channel of a session from
//!   its landing hit's campaign tags and referrer (rules in [`source`], channels in [`channel`]).
//! - [`Classifier::referrer`]: what a referrer is (none, internal, excluded, external), and
//!   the traffic source (source / medium) an external one reports under
//!   ([`Referrer::source_medium`]), which the sessionizer's referrer-change rule compares.
//! - [`Classifier::agent`]: device category, browser and OS of a user agent ([`agent`]);
//!   [`AgentMemo`] parses each distinct user agent of a run once, by dictionary id.
//! - [`Classifier::is_bot`]: the bot filter ([`bots`]).
//!
//! The host lists live in `crates/core/data/` (search engines, social networks, video sites,
//! webmail hosts; bot patterns in `data/bots/`), compiled in.
//!
//! ```
//! use sessionlens_core::classify::{Channel, Classifier};
//! use sessionlens_core::model::CampaignTags;
//!
//! let classifier = Classifier::shared();
//! let tags = CampaignTags { click_id_param: "gclid", click_id: "Cj0KCQ", ..Default::default() };
//! let a = classifier.attribute(&tags, "", "shop.example.com", &[] as &[&str]);
//! assert_eq!((a.source.as_ref(), a.medium.as_ref(), a.channel), ("google", "cpc", Channel::PaidSearch));
//! let a = classifier.attribute(&CampaignTags::default(), "https://www.bing.com/", "shop.example.com", &["paypal.com"]);
//! assert_eq!(a.channel.as_str(), "Organic Search");
//! ```

pub mod agent;
pub mod bots;
pub mod channel;
pub mod sites;
pub mod source;

use std::sync::LazyLock;

pub use agent::{Agent, AgentMemo, Device};
pub use channel::Channel;
pub use sites::SiteKind;
pub use source::{Attribution, Referrer};

use crate::model::CampaignTags;
use bots::BotFilter;
use sites::Sites;

/// Every lookup structure classification needs, built once.
pub struct Classifier {
    sites: Sites,
    bots: BotFilter,
    parser: woothee::parser::Parser,
}

static SHARED: LazyLock<Classifier> = LazyLock::new(Classifier::new);

impl Classifier {
    /// Loads the host lists and compiles the bot patterns (tens of milliseconds).
    pub fn new() -> Self {
        Classifier { sites: Sites::load(), bots: BotFilter::new(), parser: woothee::parser::Parser::new() }
    }

    /// One classifier for the whole process, built on first use.
    pub fn shared() -> &'static Classifier {
        &SHARED
    }

    /// The attribution of a session whose landing hit carries `tags` and `referrer`, on a page
    /// of `landing_host`; `exclusions` are the referral-exclusion hosts (see [`source`]).
    pub fn attribute<'a, S: AsRef<str>>(
        &self,
        tags: &CampaignTags<'a>,
        referrer: &'a str,
        landing_host: &str,
        exclusions: &[S],
    ) -> Attribution<'a> {
        source::attribute(&self.sites, tags, referrer, landing_host, exclusions)
    }

    /// What `referrer` is, seen from a page of `landing_host`.
    pub fn referrer<'a, S: AsRef<str>>(&self, referrer: &'a str, landing_host: &str, exclusions: &[S]) -> Referrer<'a> {
        source::classify_referrer(&self.sites, referrer, landing_host, exclusions)
    }

    /// The default channel of a source / medium / campaign name stated elsewhere (a source's
    /// own session table, say).
    pub fn channel(&self, source: &str, medium: &str, campaign: &str) -> Channel {
        channel::default_channel(source, medium, campaign, self.sites.kind_of_source(source))
    }

    /// Device, browser and OS of a user agent. Use an [`AgentMemo`] when user agents repeat.
    pub fn agent(&self, user_agent: &str) -> Agent {
        agent::parse(&self.parser, user_agent, self.is_bot(user_agent))
    }

    /// Is `user_agent` on the bot list? An empty one is not (see [`bots`]).
    pub fn is_bot(&self, user_agent: &str) -> bool {
        self.bots.is_bot(user_agent)
    }
}

impl Default for Classifier {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stated_source_and_medium_get_a_channel() {
        let c = Classifier::shared();
        assert_eq!(c.channel("google", "organic", ""), Channel::OrganicSearch);
        assert_eq!(c.channel("m.facebook.com", "referral", ""), Channel::OrganicSocial);
        assert_eq!(c.channel("(direct)", "(none)", ""), Channel::Direct);
        assert_eq!(c.channel("example.com", "referral", ""), Channel::Referral);
    }

    proptest::proptest! {
        #[test]
        fn no_input_panics(
            ua in "\\PC{0,80}",
            referrer in "(https?://|//|/|android-app://)?[a-zA-Z0-9.:ü\\[\\]@-]{0,30}(/\\PC{0,10})?",
            landing in "[a-zA-Z0-9.ü-]{0,20}",
            source in "\\PC{0,12}",
            medium in "\\PC{0,12}",
            param in "(gclid|fbclid|dclid|x)?",
        ) {
            let c = Classifier::shared();
            let _ = c.agent(&ua);
            let tags = CampaignTags { source: &source, medium: &medium, click_id_param: &param, click_id: "1", ..Default::default() };
            let _ = c.attribute(&tags, &referrer, &landing, &["pay.example", "ü"]);
            let _ = c.attribute(&CampaignTags::default(), &referrer, &landing, &[&landing]);
        }
    }

    #[test]
    fn the_classifier_is_shared_across_threads() {
        fn assert_sync<T: Send + Sync>() {}
        assert_sync::<Classifier>();
    }
}
