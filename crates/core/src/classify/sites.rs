//! The lists of search engines, social networks, video sites and webmail hosts
//! (`crates/core/data/*.txt`, compiled in), loaded once into hash maps. They answer two
//! questions: which site a referrer host belongs to, and whether a utm_source value names a
//! search, social, video or email site (the "source matches a list of ... sites" conditions of the
//! default channel grouping).

use std::borrow::Cow;
use std::net::IpAddr;

use rustc_hash::FxHashMap;

/// What kind of site a source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SiteKind {
    Search,
    Social,
    Video,
    Email,
}

impl SiteKind {
    /// The medium a referral from such a site gets.
    pub fn medium(self) -> &'static str {
        match self {
            SiteKind::Search => "organic",
            SiteKind::Social => "social",
            SiteKind::Video => "video",
            SiteKind::Email => "email",
        }
    }
}

/// A listed site: the source name it reports under, and its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Site {
    pub source: &'static str,
    pub kind: SiteKind,
}

/// The compiled-in lists: (kind, file name, text).
const LISTS: [(SiteKind, &str, &str); 4] = [
    (SiteKind::Search, "search-engines.txt", include_str!("../../data/search-engines.txt")),
    (SiteKind::Social, "social-networks.txt", include_str!("../../data/social-networks.txt")),
    (SiteKind::Video, "video-sites.txt", include_str!("../../data/video-sites.txt")),
    (SiteKind::Email, "email-hosts.txt", include_str!("../../data/email-hosts.txt")),
];

/// The site lists, indexed three ways.
pub struct Sites {
    /// Host suffixes (`duckduckgo.com`, `mail.google.com`): the host or any subdomain.
    hosts: FxHashMap<&'static str, Site>,
    /// Names listed with a wildcard public suffix (`google` of `google.*`).
    names: FxHashMap<&'static str, Site>,
    /// Every source name and alias, as a utm_source value may spell it (lower-case).
    sources: FxHashMap<&'static str, SiteKind>,
}

impl Sites {
    /// Loads the compiled-in lists. They are part of the program: a malformed line is a bug,
    /// caught by this module's tests, so it panics naming the file and line.
    pub fn load() -> Self {
        let mut sites =
            Sites { hosts: FxHashMap::default(), names: FxHashMap::default(), sources: FxHashMap::default() };
        for (kind, file, text) in LISTS {
            for (index, line) in text.lines().enumerate() {
                let content = line.split('#').next().unwrap_or("");
                let mut fields = content.split_whitespace();
                let Some(pattern) = fields.next() else { continue };
                let (Some(source), None) = (fields.next(), fields.next()) else {
                    panic!("data/{file} line {}: expected `pattern source`, got {line:?}", index + 1)
                };
                assert!(
                    pattern == pattern.to_ascii_lowercase() && source == source.to_ascii_lowercase(),
                    "data/{file} line {}: patterns and sources are lower-case",
                    index + 1
                );
                let site = Site { source, kind };
                if let Some(name) = pattern.strip_suffix(".*") {
                    sites.names.insert(name, site);
                    sites.sources.insert(name, kind);
                } else if pattern.contains('.') {
                    sites.hosts.insert(pattern, site);
                } else {
                    sites.sources.insert(pattern, kind);
                }
                sites.sources.insert(source, kind);
            }
        }
        sites
    }

    /// The listed site `host` belongs to. `host` is lower-case without a trailing dot. The longest
    /// listed host suffix wins (`mail.google.com` over `google.*`); a wildcard name is looked up
    /// only when no suffix matched.
    pub fn site_of_host(&self, host: &str) -> Option<Site> {
        let mut rest = host;
        loop {
            if let Some(site) = self.hosts.get(rest) {
                return Some(*site);
            }
            match rest.find('.') {
                Some(dot) => rest = &rest[dot + 1..],
                None => break,
            }
        }
        let domain = registrable_domain(host);
        let name = domain.split('.').next().unwrap_or(domain);
        self.names.get(name).copied()
    }

    /// The kind of site a source value names: a listed source name or alias (`google`, `fb`), or
    /// a host of a listed site (`m.facebook.com`). Case-insensitive.
    pub fn kind_of_source(&self, source: &str) -> Option<SiteKind> {
        let source = lower_case(source.trim());
        if let Some(kind) = self.sources.get(source.as_ref()) {
            return Some(*kind);
        }
        let host = source.trim_end_matches('.');
        if host.contains('.') {
            self.site_of_host(host).map(|site| site.kind)
        } else {
            None
        }
    }
}

/// The registrable domain of a host (`www.example.co.uk` -> `example.co.uk`) by the Public
/// Suffix List; the host itself for IP addresses, single labels (`localhost`) and public
/// suffixes.
pub fn registrable_domain(host: &str) -> &str {
    if host.parse::<IpAddr>().is_ok() {
        return host;
    }
    psl::domain_str(host).unwrap_or(host)
}

/// `s` with ASCII letters lower-cased, borrowed when it already is.
pub fn lower_case(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load_and_no_source_name_means_two_kinds() {
        let sites = Sites::load();
        assert!(sites.hosts.len() > 100, "{} hosts", sites.hosts.len());
        let mut kind_of_name: FxHashMap<&str, SiteKind> = FxHashMap::default();
        let mut patterns: FxHashMap<&str, &str> = FxHashMap::default();
        for (kind, file, text) in LISTS {
            for line in text.lines() {
                let mut fields = line.split('#').next().unwrap_or("").split_whitespace();
                let (Some(pattern), Some(source)) = (fields.next(), fields.next()) else { continue };
                if let Some(other) = patterns.insert(pattern, file) {
                    panic!("{pattern} is listed in {other} and {file}");
                }
                let known = *kind_of_name.entry(source).or_insert(kind);
                assert_eq!(known, kind, "source name {source} is used by two kinds of site");
            }
        }
    }

    #[test]
    fn hosts_resolve_by_longest_suffix_then_wildcard_name() {
        let sites = Sites::load();
        let site = |h| sites.site_of_host(h).map(|s| (s.source, s.kind));
        assert_eq!(site("www.google.com"), Some(("google", SiteKind::Search)));
        assert_eq!(site("www.google.co.uk"), Some(("google", SiteKind::Search)));
        assert_eq!(site("mail.google.com"), Some(("gmail", SiteKind::Email)));
        assert_eq!(site("l.facebook.com"), Some(("facebook", SiteKind::Social)));
        assert_eq!(site("t.co"), Some(("twitter", SiteKind::Social)));
        assert_eq!(site("duckduckgo.com"), Some(("duckduckgo", SiteKind::Search)));
        assert_eq!(site("mail.yandex.ru"), Some(("yandex-mail", SiteKind::Email)));
        assert_eq!(site("yandex.ru"), Some(("yandex", SiteKind::Search)));
        assert_eq!(site("www.youtube.com"), Some(("youtube", SiteKind::Video)));
        assert_eq!(site("com.google.android.googlequicksearchbox"), Some(("google", SiteKind::Search)));
        // A name counts only as the registrable domain's own label, not anywhere in the host.
        assert_eq!(site("google.evil.example"), None);
        assert_eq!(site("notgoogle.com"), None);
        assert_eq!(site("example.com"), None);
        assert_eq!(site("192.168.0.1"), None);
        assert_eq!(site(""), None);
    }

    #[test]
    fn sources_by_name_alias_or_host_in_any_case() {
        let sites = Sites::load();
        assert_eq!(sites.kind_of_source("Google"), Some(SiteKind::Search));
        assert_eq!(sites.kind_of_source("bing"), Some(SiteKind::Search));
        assert_eq!(sites.kind_of_source("fb"), Some(SiteKind::Social));
        assert_eq!(sites.kind_of_source("m.facebook.com"), Some(SiteKind::Social));
        assert_eq!(sites.kind_of_source("youtube"), Some(SiteKind::Video));
        assert_eq!(sites.kind_of_source("gmail"), Some(SiteKind::Email));
        assert_eq!(sites.kind_of_source("newsletter"), None);
        assert_eq!(sites.kind_of_source(""), None);
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable_domain("shop.example.co.uk"), "example.co.uk");
        assert_eq!(registrable_domain("www.example.com"), "example.com");
        assert_eq!(registrable_domain("10.0.0.1"), "10.0.0.1");
        assert_eq!(registrable_domain("localhost"), "localhost");
        assert_eq!(registrable_domain("co.uk"), "co.uk");
    }
}
