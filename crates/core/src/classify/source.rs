//! Source and medium of a session from its landing hit: campaign tags, click id, referrer.
//!
//! The rules, first that applies wins:
//! 1. **utm tags**: a utm_source or utm_medium gives source and medium as tagged (the missing one
//!    is `(not set)`), kept in the case they were written.
//! 2. **click id** without those tags: the ad platform's defaults (see [`click_id_defaults`]).
//! 3. **referrer**: none → `(direct)` / `(none)`; a page of the same site (same registrable
//!    domain as the landing page, or a relative URL) or a host on the referral-exclusion list →
//!    `(direct)` / `(none)`; a listed search engine → (engine, `organic`), social network →
//!    (network, `social`), video site → (site, `video`), webmail host → (provider, `email`); any
//!    other host → (host without `www.`, `referral`).
//!
//! utm_campaign, utm_term and utm_content pass through as they are under every rule.

use std::borrow::Cow;

use super::channel::{default_channel, Channel};
use super::sites::{lower_case, registrable_domain, Site, SiteKind, Sites};
use crate::model::CampaignTags;
use crate::url;

/// The source of a visit with no referrer and no campaign.
pub const DIRECT: &str = "(direct)";
/// The medium of a direct visit.
pub const NO_MEDIUM: &str = "(none)";
/// A utm source or medium left out while the other was tagged.
pub const NOT_SET: &str = "(not set)";

/// Where a session came from. Empty strings mean absent, as in [`CampaignTags`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribution<'a> {
    pub source: Cow<'a, str>,
    pub medium: Cow<'a, str>,
    pub campaign: &'a str,
    pub term: &'a str,
    pub content: &'a str,
    pub click_id_param: &'a str,
    pub click_id: &'a str,
    pub channel: Channel,
}

impl Attribution<'_> {
    /// A direct visit: no campaign, no click id, no external referrer. Under the
    /// `direct_keeps_campaign` rule such a visit never replaces a running campaign.
    pub fn is_direct(&self) -> bool {
        self.channel == Channel::Direct
    }
}

/// What a landing hit's referrer says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Referrer<'a> {
    /// No referrer, or one that names no host (`-`, `(not set)`).
    None,
    /// A page of the same site: the same registrable domain as the landing page, or a relative URL.
    Internal,
    /// A host on the referral-exclusion list (or a subdomain of one).
    Excluded,
    /// A listed search engine, social network, video site or webmail host.
    Known(Site),
    /// Any other host, lower-case, without a leading `www.`.
    Other(Cow<'a, str>),
}

impl<'a> Referrer<'a> {
    /// Does the referrer bring the visit from outside?
    pub fn is_external(&self) -> bool {
        matches!(self, Referrer::Known(_) | Referrer::Other(_))
    }

    /// The (source, medium) an external referrer reports the visit under: a listed site's
    /// source name with its kind's medium (every `google.*` search domain is google / organic),
    /// any other host with `referral`. `None` for a referrer that brings no visit from outside.
    /// This, not the host, is what `split_on_referrer_change` compares.
    pub fn source_medium(self) -> Option<(Cow<'a, str>, &'static str)> {
        match self {
            Referrer::None | Referrer::Internal | Referrer::Excluded => None,
            Referrer::Known(site) => Some((site.source.into(), site.kind.medium())),
            Referrer::Other(host) => Some((host, "referral")),
        }
    }
}

/// The (source, medium) an ad click id implies when the landing URL has no utm source or medium.
///
/// - `gclid`, `gbraid`, `wbraid` → google / cpc (Google Ads auto-tagging).
/// - `dclid` → dfa / cpm: Campaign Manager 360 and Display & Video 360 clicks, which Universal
///   Analytics reported as dfa / cpm. Reporting them as google / cpc would put display clicks
///   under Paid Search.
/// - `msclkid` → bing / cpc (Microsoft Advertising auto-tagging).
/// - `fbclid` → facebook / social. Meta adds fbclid to every outbound link, organic posts
///   included, so on its own it proves a visit from Facebook, not a paid one (GA reports it as
///   facebook / referral, which its channel rules also group as Organic Social). Paid Meta traffic
///   is recognised by its utm tags.
/// - `ttclid` → tiktok / cpc and `li_fat_id` → linkedin / cpc: both are added to ad clicks only.
pub fn click_id_defaults(param: &str) -> Option<(&'static str, &'static str)> {
    match param {
        "gclid" | "gbraid" | "wbraid" => Some(("google", "cpc")),
        "dclid" => Some(("dfa", "cpm")),
        "msclkid" => Some(("bing", "cpc")),
        "fbclid" => Some(("facebook", "social")),
        "ttclid" => Some(("tiktok", "cpc")),
        "li_fat_id" => Some(("linkedin", "cpc")),
        _ => None,
    }
}

/// The (source, medium) campaign tags state on their own: utm_source and utm_medium as tagged
/// (the missing one `(not set)`), else a click id's defaults ([`click_id_defaults`]). `None`
/// when they state neither, and the referrer decides (rules 1 and 2 of the module doc).
pub fn tagged_source<'a>(tags: &CampaignTags<'a>) -> Option<(&'a str, &'a str)> {
    if !tags.source.is_empty() || !tags.medium.is_empty() {
        let or_not_set = |tag: &'a str| if tag.is_empty() { NOT_SET } else { tag };
        return Some((or_not_set(tags.source), or_not_set(tags.medium)));
    }
    click_id_defaults(tags.click_id_param).filter(|_| !tags.click_id.is_empty())
}

/// Classifies a referrer. `landing_host` is the host of the session's landing page (any case;
/// empty when the source only has paths, in which case no absolute referrer counts as internal).
/// `exclusions` are hosts whose referrals count as direct, each also excluding its subdomains;
/// entries may be written as URLs.
pub fn classify_referrer<'a, S: AsRef<str>>(
    sites: &Sites,
    referrer: &'a str,
    landing_host: &str,
    exclusions: &[S],
) -> Referrer<'a> {
    let referrer = referrer.trim();
    if referrer.starts_with('/') && !referrer.starts_with("//") {
        return Referrer::Internal;
    }
    let Some(host) = referrer_host(referrer) else { return Referrer::None };
    let host = match lower_case(host) {
        Cow::Borrowed(h) => Cow::Borrowed(h.trim_end_matches('.')),
        Cow::Owned(h) => Cow::Owned(h.trim_end_matches('.').to_owned()),
    };
    if is_same_site(&host, landing_host) {
        return Referrer::Internal;
    }
    if exclusions.iter().any(|entry| is_excluded(&host, entry.as_ref())) {
        return Referrer::Excluded;
    }
    if let Some(site) = sites.site_of_host(&host) {
        return Referrer::Known(site);
    }
    Referrer::Other(match host {
        Cow::Borrowed(h) => Cow::Borrowed(h.strip_prefix("www.").unwrap_or(h)),
        Cow::Owned(h) => match h.strip_prefix("www.") {
            Some(rest) => Cow::Owned(rest.to_owned()),
            None => Cow::Owned(h),
        },
    })
}

/// The attribution of a session whose landing hit carries `tags` and `referrer`.
pub fn attribute<'a, S: AsRef<str>>(
    sites: &Sites,
    tags: &CampaignTags<'a>,
    referrer: &'a str,
    landing_host: &str,
    exclusions: &[S],
) -> Attribution<'a> {
    let (source, medium, kind): (Cow<'a, str>, Cow<'a, str>, Option<SiteKind>) = match tagged_source(tags) {
        Some((source, medium)) => (source.into(), medium.into(), sites.kind_of_source(source)),
        None => {
            let referrer = classify_referrer(sites, referrer, landing_host, exclusions);
            let kind = match referrer {
                Referrer::Known(site) => Some(site.kind),
                _ => None,
            };
            match referrer.source_medium() {
                Some((source, medium)) => (source, medium.into(), kind),
                None => (DIRECT.into(), NO_MEDIUM.into(), None),
            }
        }
    };
    let channel = default_channel(&source, &medium, tags.campaign, kind);
    Attribution {
        source,
        medium,
        campaign: tags.campaign,
        term: tags.term,
        content: tags.content,
        click_id_param: tags.click_id_param,
        click_id: tags.click_id,
        channel,
    }
}

/// The host a referrer names: that of an absolute or protocol-relative URL, or the leading
/// host-like part of a scheme-less one (`www.google.com/search`). `None` when there is none.
fn referrer_host(referrer: &str) -> Option<&str> {
    let host = url::host(referrer);
    if !host.is_empty() {
        return Some(host);
    }
    if referrer.contains("://") {
        return None;
    }
    let bare = referrer.split(['/', '?', '#', ':']).next().unwrap_or("");
    let host_like = bare.contains('.') && bare.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
    host_like.then_some(bare)
}

/// Is `host` (lower-case) on the same site as the landing host?
fn is_same_site(host: &str, landing_host: &str) -> bool {
    let landing = lower_case(landing_host);
    let landing = landing.trim_end_matches('.');
    !landing.is_empty() && (host == landing || registrable_domain(host) == registrable_domain(landing))
}

/// Does the exclusion `entry` cover `host` (lower-case): the same host or a subdomain of it?
fn is_excluded(host: &str, entry: &str) -> bool {
    let entry = entry.trim();
    let entry = if entry.contains("://") { url::host(entry) } else { entry };
    let entry = entry.trim_start_matches("*.").trim_start_matches('.').trim_end_matches('.');
    if entry.is_empty() || entry.len() > host.len() {
        return false;
    }
    let (head, tail) = host.as_bytes().split_at(host.len() - entry.len());
    tail.eq_ignore_ascii_case(entry.as_bytes()) && (head.is_empty() || head.ends_with(b"."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::CLICK_ID_PARAMS;

    const NO_EXCLUSIONS: &[&str] = &[];

    fn tags<'a>(source: &'a str, medium: &'a str, campaign: &'a str) -> CampaignTags<'a> {
        CampaignTags { source, medium, campaign, ..Default::default() }
    }

    fn click<'a>(param: &'a str, id: &'a str) -> CampaignTags<'a> {
        CampaignTags { click_id_param: param, click_id: id, ..Default::default() }
    }

    /// (source, medium, channel) of a landing hit on shop.example.com.
    fn attribution<'a>(sites: &Sites, tags: &CampaignTags<'a>, referrer: &'a str) -> (String, String, &'static str) {
        let a = attribute(sites, tags, referrer, "shop.example.com", &["paypal.com", "https://checkout.stripe.com/"]);
        (a.source.into_owned(), a.medium.into_owned(), a.channel.as_str())
    }

    fn expect(source: &str, medium: &str, channel: &'static str) -> (String, String, &'static str) {
        (source.to_owned(), medium.to_owned(), channel)
    }

    #[test]
    fn search_engine_referrers_are_organic_search() {
        let sites = Sites::load();
        let none = CampaignTags::default();
        for referrer in ["https://www.google.com/", "https://www.google.co.uk/search?q=red+widgets", "www.google.de/"] {
            assert_eq!(
                attribution(&sites, &none, referrer),
                expect("google", "organic", "Organic Search"),
                "{referrer}"
            );
        }
        assert_eq!(
            attribution(&sites, &none, "https://duckduckgo.com/"),
            expect("duckduckgo", "organic", "Organic Search")
        );
        assert_eq!(
            attribution(&sites, &none, "android-app://com.google.android.googlequicksearchbox/"),
            expect("google", "organic", "Organic Search")
        );
    }

    #[test]
    fn utm_tags_win_over_referrer_and_click_id() {
        let sites = Sites::load();
        let t = tags("google", "cpc", "blue widgets");
        assert_eq!(attribution(&sites, &t, "https://www.google.com/"), expect("google", "cpc", "Paid Search"));
        let t = CampaignTags { click_id_param: "gclid", click_id: "Cj0K", ..tags("newsletter", "email", "may") };
        let a = attribute(&sites, &t, "https://mail.google.com/", "shop.example.com", NO_EXCLUSIONS);
        assert_eq!((a.source.as_ref(), a.medium.as_ref(), a.channel), ("newsletter", "email", Channel::Email));
        assert_eq!((a.campaign, a.click_id_param, a.click_id), ("may", "gclid", "Cj0K"));
        let t = tags("facebook", "paid_social", "spring");
        assert_eq!(attribution(&sites, &t, ""), expect("facebook", "paid_social", "Paid Social"));
        // Tagged values keep their case; the channel rules ignore it.
        assert_eq!(attribution(&sites, &tags("Google", "CPC", ""), ""), expect("Google", "CPC", "Paid Search"));
    }

    #[test]
    fn a_missing_utm_source_or_medium_is_not_set() {
        let sites = Sites::load();
        assert_eq!(attribution(&sites, &tags("", "email", ""), ""), expect("(not set)", "email", "Email"));
        assert_eq!(attribution(&sites, &tags("google", "", ""), ""), expect("google", "(not set)", "Organic Search"));
        // A campaign name alone leaves source and medium to the referrer.
        let a = attribute(&sites, &tags("", "", "spring"), "https://example.org/", "shop.example.com", NO_EXCLUSIONS);
        assert_eq!((a.source.as_ref(), a.medium.as_ref(), a.campaign), ("example.org", "referral", "spring"));
    }

    #[test]
    fn click_ids_without_utm_tags() {
        let sites = Sites::load();
        for param in ["gclid", "gbraid", "wbraid"] {
            assert_eq!(attribution(&sites, &click(param, "Cj0KCQ"), ""), expect("google", "cpc", "Paid Search"));
        }
        assert_eq!(attribution(&sites, &click("msclkid", "a1b2"), ""), expect("bing", "cpc", "Paid Search"));
        assert_eq!(attribution(&sites, &click("dclid", "CJ3x"), ""), expect("dfa", "cpm", "Display"));
        assert_eq!(
            attribution(&sites, &click("fbclid", "IwAR0"), "https://l.facebook.com/"),
            expect("facebook", "social", "Organic Social")
        );
        assert_eq!(attribution(&sites, &click("ttclid", "E.C.P"), ""), expect("tiktok", "cpc", "Paid Social"));
        assert_eq!(attribution(&sites, &click("li_fat_id", "3f2a"), ""), expect("linkedin", "cpc", "Paid Social"));
        // A click-id parameter with an empty value is no click.
        assert_eq!(attribution(&sites, &click("gclid", ""), ""), expect("(direct)", "(none)", "Direct"));
    }

    #[test]
    fn every_recognised_click_id_has_defaults() {
        for param in CLICK_ID_PARAMS {
            assert!(click_id_defaults(param).is_some(), "{param}");
        }
        assert_eq!(click_id_defaults("FBCLID"), None);
    }

    #[test]
    fn social_video_and_webmail_referrers() {
        let sites = Sites::load();
        let none = CampaignTags::default();
        assert_eq!(
            attribution(&sites, &none, "https://www.facebook.com/"),
            expect("facebook", "social", "Organic Social")
        );
        assert_eq!(attribution(&sites, &none, "https://t.co/xyz"), expect("twitter", "social", "Organic Social"));
        assert_eq!(
            attribution(&sites, &none, "https://www.youtube.com/watch?v=1"),
            expect("youtube", "video", "Organic Video")
        );
        assert_eq!(attribution(&sites, &none, "https://mail.google.com/mail/u/0/"), expect("gmail", "email", "Email"));
        assert_eq!(attribution(&sites, &none, "https://outlook.live.com/"), expect("outlook", "email", "Email"));
    }

    #[test]
    fn same_site_and_excluded_referrers_are_direct() {
        let sites = Sites::load();
        let none = CampaignTags::default();
        let direct = expect("(direct)", "(none)", "Direct");
        assert_eq!(attribution(&sites, &none, "https://shop.example.com/cart"), direct);
        assert_eq!(attribution(&sites, &none, "https://WWW.Example.com/blog"), direct);
        assert_eq!(attribution(&sites, &none, "/relative/page"), direct);
        assert_eq!(attribution(&sites, &none, "https://www.paypal.com/checkoutnow"), direct);
        assert_eq!(attribution(&sites, &none, "https://checkout.stripe.com/pay"), direct);
        // Exclusions match whole labels only.
        assert_eq!(
            attribution(&sites, &none, "https://notpaypal.com/"),
            expect("notpaypal.com", "referral", "Referral")
        );
        // Another site under the same public suffix is not the same site.
        let a = attribute(&sites, &none, "https://other.co.uk/", "shop.example.co.uk", NO_EXCLUSIONS);
        assert_eq!((a.source.as_ref(), a.channel), ("other.co.uk", Channel::Referral));
        let a = attribute(&sites, &none, "https://blog.example.co.uk/", "shop.example.co.uk", NO_EXCLUSIONS);
        assert_eq!(a.channel, Channel::Direct);
    }

    #[test]
    fn unknown_hosts_are_referrals_without_www() {
        let sites = Sites::load();
        let none = CampaignTags::default();
        assert_eq!(
            attribution(&sites, &none, "https://www.Example.org/post"),
            expect("example.org", "referral", "Referral")
        );
        assert_eq!(attribution(&sites, &none, "http://10.1.2.3:8080/"), expect("10.1.2.3", "referral", "Referral"));
    }

    #[test]
    fn no_referrer_or_a_hostless_one_is_direct() {
        let sites = Sites::load();
        let none = CampaignTags::default();
        for referrer in ["", "  ", "-", "(not set)", "about:blank", "https://", "not a url"] {
            assert_eq!(attribution(&sites, &none, referrer), expect("(direct)", "(none)", "Direct"), "{referrer:?}");
        }
    }

    #[test]
    fn odd_hosts_do_not_break_the_rules() {
        let sites = Sites::load();
        let class = |r| classify_referrer(&sites, r, "shop.example.com", &["ab", "paypal.com"]);
        // A multi-byte host shorter than, or ending inside, an exclusion entry.
        assert_eq!(class("https://xü/"), Referrer::Other("xü".into()));
        assert_eq!(class("https://ü.paypal.com/"), Referrer::Excluded);
        assert_eq!(class("https://münchen.de/"), Referrer::Other("münchen.de".into()));
        assert_eq!(class("http://[::1]:8080/"), Referrer::Other("::1".into()));
        assert_eq!(class("https://a..b/"), Referrer::Other("a..b".into()));
        assert_eq!(class("https://google.com./"), Referrer::Known(sites.site_of_host("google.com").unwrap()));
    }

    #[test]
    fn referrers_report_under_their_classified_source_not_their_host() {
        let sites = Sites::load();
        let source = |r| classify_referrer(&sites, r, "shop.example.com", NO_EXCLUSIONS).source_medium();
        for google in ["https://www.google.com/", "https://www.google.ca/url?q=x", "google.de/search"] {
            assert_eq!(source(google), Some(("google".into(), "organic")), "{google}");
        }
        assert_eq!(source("https://www.a.com/post"), Some(("a.com".into(), "referral")));
        assert_eq!(source("https://a.com/"), Some(("a.com".into(), "referral")));
        assert_eq!(source("https://m.facebook.com/"), Some(("facebook".into(), "social")));
        for none in ["", "https://www.example.com/", "/cart"] {
            assert_eq!(source(none), None, "{none}");
        }
    }

    #[test]
    fn tags_state_a_source_with_a_utm_tag_or_a_click_id() {
        assert_eq!(tagged_source(&tags("google", "organic", "")), Some(("google", "organic")));
        assert_eq!(tagged_source(&tags("", "email", "may")), Some(("(not set)", "email")));
        assert_eq!(tagged_source(&click("gclid", "Cj0")), Some(("google", "cpc")));
        assert_eq!(tagged_source(&click("gclid", "")), None);
        assert_eq!(tagged_source(&tags("", "", "spring")), None);
    }

    #[test]
    fn referrer_classes() {
        let sites = Sites::load();
        let class = |r| classify_referrer(&sites, r, "shop.example.com", &["paypal.com".to_owned()]);
        assert_eq!(class(""), Referrer::None);
        assert_eq!(class("https://shop.example.com/"), Referrer::Internal);
        assert_eq!(class("https://www.sandbox.paypal.com/"), Referrer::Excluded);
        assert!(class("https://bing.com/").is_external());
        assert_eq!(class("https://a.example.net/"), Referrer::Other("a.example.net".into()));
        assert!(!class("https://paypal.com/").is_external());
        // Without a landing host nothing absolute is internal.
        let r = classify_referrer(&sites, "https://shop.example.com/", "", NO_EXCLUSIONS);
        assert_eq!(r, Referrer::Other("shop.example.com".into()));
    }
}
