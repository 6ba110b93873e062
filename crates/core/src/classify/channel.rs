//! The default channel grouping, after GA4's "default channel group": rules over a session's
//! source, medium and campaign name, tried in GA4's order, the first that matches wins, all
//! case-insensitive. "Source matches a list of search/social/video sites" uses our own lists
//! ([`super::sites`]).
//!
//! Left out: Paid Shopping and Organic Shopping (they need a list of shopping sites we do not
//! keep), so shopping campaigns fall to Paid Search / Paid Other / Referral as their medium says.

use super::sites::{lower_case, SiteKind};

/// A default channel group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    Direct,
    CrossNetwork,
    PaidSearch,
    PaidSocial,
    PaidVideo,
    Display,
    PaidOther,
    OrganicSocial,
    OrganicVideo,
    OrganicSearch,
    Referral,
    Email,
    Affiliates,
    Audio,
    Sms,
    MobilePush,
    Unassigned,
}

impl Channel {
    /// Every channel, in the order the rules try them.
    pub const ALL: [Channel; 17] = [
        Channel::Direct,
        Channel::CrossNetwork,
        Channel::PaidSearch,
        Channel::PaidSocial,
        Channel::PaidVideo,
        Channel::Display,
        Channel::PaidOther,
        Channel::OrganicSocial,
        Channel::OrganicVideo,
        Channel::OrganicSearch,
        Channel::Referral,
        Channel::Email,
        Channel::Affiliates,
        Channel::Audio,
        Channel::Sms,
        Channel::MobilePush,
        Channel::Unassigned,
    ];

    /// The name GA4 shows.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Direct => "Direct",
            Channel::CrossNetwork => "Cross-network",
            Channel::PaidSearch => "Paid Search",
            Channel::PaidSocial => "Paid Social",
            Channel::PaidVideo => "Paid Video",
            Channel::Display => "Display",
            Channel::PaidOther => "Paid Other",
            Channel::OrganicSocial => "Organic Social",
            Channel::OrganicVideo => "Organic Video",
            Channel::OrganicSearch => "Organic Search",
            Channel::Referral => "Referral",
            Channel::Email => "Email",
            Channel::Affiliates => "Affiliates",
            Channel::Audio => "Audio",
            Channel::Sms => "SMS",
            Channel::MobilePush => "Mobile Push Notifications",
            Channel::Unassigned => "Unassigned",
        }
    }
}

/// The channel of a session with this source, medium and campaign name. `source_kind` is what
/// the site lists say the source is ([`super::sites::Sites::kind_of_source`]). An empty medium
/// counts as `(not set)`.
pub fn default_channel(source: &str, medium: &str, campaign: &str, source_kind: Option<SiteKind>) -> Channel {
    let source = lower_case(source);
    let medium = lower_case(medium);
    let (source, medium) = (source.as_ref(), medium.as_ref());
    let paid = medium.contains("cp") || medium == "ppc" || medium == "retargeting" || medium.starts_with("paid");
    let kind = |k| source_kind == Some(k);
    let email = |s: &str| matches!(s, "email" | "e-mail" | "e_mail" | "e mail");

    if source == "(direct)" && matches!(medium, "(none)" | "(not set)" | "") {
        Channel::Direct
    } else if lower_case(campaign).contains("cross-network") {
        Channel::CrossNetwork
    } else if paid && kind(SiteKind::Search) {
        Channel::PaidSearch
    } else if paid && kind(SiteKind::Social) {
        Channel::PaidSocial
    } else if paid && kind(SiteKind::Video) {
        Channel::PaidVideo
    } else if matches!(medium, "display" | "banner" | "expandable" | "interstitial" | "cpm") {
        Channel::Display
    } else if paid {
        Channel::PaidOther
    } else if kind(SiteKind::Social)
        || matches!(medium, "social" | "social-network" | "social-media" | "sm" | "social network" | "social media")
    {
        Channel::OrganicSocial
    } else if kind(SiteKind::Video) || medium.contains("video") {
        Channel::OrganicVideo
    } else if kind(SiteKind::Search) || medium == "organic" {
        Channel::OrganicSearch
    } else if matches!(medium, "referral" | "app" | "link") {
        Channel::Referral
    } else if email(source) || email(medium) {
        Channel::Email
    } else if medium == "affiliate" {
        Channel::Affiliates
    } else if medium == "audio" {
        Channel::Audio
    } else if source == "sms" || medium == "sms" {
        Channel::Sms
    } else if medium.ends_with("push")
        || medium.contains("mobile")
        || medium.contains("notification")
        || source == "firebase"
    {
        Channel::MobilePush
    } else {
        Channel::Unassigned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SiteKind::*;

    fn channel(source: &str, medium: &str, kind: Option<SiteKind>) -> Channel {
        default_channel(source, medium, "", kind)
    }

    #[test]
    fn direct_only_with_no_medium() {
        assert_eq!(channel("(direct)", "(none)", None), Channel::Direct);
        assert_eq!(channel("(direct)", "(not set)", None), Channel::Direct);
        assert_eq!(channel("(direct)", "", None), Channel::Direct);
        assert_eq!(channel("(direct)", "email", None), Channel::Email);
    }

    #[test]
    fn paid_mediums_split_by_source_kind() {
        assert_eq!(channel("google", "cpc", Some(Search)), Channel::PaidSearch);
        assert_eq!(channel("bing", "PPC", Some(Search)), Channel::PaidSearch);
        assert_eq!(channel("facebook", "paid_social", Some(Social)), Channel::PaidSocial);
        assert_eq!(channel("linkedin", "cpc", Some(Social)), Channel::PaidSocial);
        assert_eq!(channel("youtube", "cpv", Some(Video)), Channel::PaidVideo);
        assert_eq!(channel("partner-network", "retargeting", None), Channel::PaidOther);
        // GA4 tries Paid Search before Display, so google / cpm is Paid Search.
        assert_eq!(channel("google", "cpm", Some(Search)), Channel::PaidSearch);
    }

    #[test]
    fn display_mediums() {
        for medium in ["display", "banner", "expandable", "interstitial", "cpm", "Display"] {
            assert_eq!(channel("dfa", medium, None), Channel::Display, "{medium}");
        }
    }

    #[test]
    fn organic_channels() {
        assert_eq!(channel("google", "organic", Some(Search)), Channel::OrganicSearch);
        assert_eq!(channel("anything", "organic", None), Channel::OrganicSearch);
        assert_eq!(channel("facebook", "social", Some(Social)), Channel::OrganicSocial);
        assert_eq!(channel("mastodon.example", "social-media", None), Channel::OrganicSocial);
        // A social source with a referral medium is still social (the list wins).
        assert_eq!(channel("facebook", "referral", Some(Social)), Channel::OrganicSocial);
        assert_eq!(channel("youtube", "video", Some(Video)), Channel::OrganicVideo);
        assert_eq!(channel("podcast-host", "video_clip", None), Channel::OrganicVideo);
    }

    #[test]
    fn referral_email_affiliates_and_the_rest() {
        assert_eq!(channel("example.com", "referral", None), Channel::Referral);
        assert_eq!(channel("partner-app", "app", None), Channel::Referral);
        assert_eq!(channel("newsletter", "email", None), Channel::Email);
        assert_eq!(channel("newsletter", "E-Mail", None), Channel::Email);
        assert_eq!(channel("email", "spring_promo", None), Channel::Email);
        assert_eq!(channel("gmail", "email", Some(Email)), Channel::Email);
        assert_eq!(channel("awin", "affiliate", None), Channel::Affiliates);
        assert_eq!(channel("spotify", "audio", None), Channel::Audio);
        assert_eq!(channel("sms", "text", None), Channel::Sms);
        assert_eq!(channel("firebase", "notification", None), Channel::MobilePush);
        assert_eq!(channel("app", "web_push", None), Channel::MobilePush);
        assert_eq!(channel("foo", "bar", None), Channel::Unassigned);
        assert_eq!(channel("(not set)", "(not set)", None), Channel::Unassigned);
    }

    #[test]
    fn cross_network_campaigns() {
        assert_eq!(default_channel("google", "cpc", "PMax Cross-Network", Some(Search)), Channel::CrossNetwork);
    }

    #[test]
    fn every_channel_has_its_own_name() {
        let mut names: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Channel::ALL.len());
    }
}
