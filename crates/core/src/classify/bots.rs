//! The bot filter: user agents matching the `crawler-user-agents` list (MIT; shipped unchanged
//! in `crates/core/data/bots/` with its licence, see the README there).
//!
//! Nearly all of the list's 1,500 patterns are plain strings: those go into one Aho-Corasick
//! automaton, the few real regular expressions into one combined regex. (One regex of every
//! pattern works too, but its lazy DFA has to build a new state for almost every byte of a user
//! agent it has not seen, about a third of a millisecond each; split, a first sight costs
//! about a microsecond.)
//!
//! An empty user agent (or `-`, a log's placeholder) is **not** a bot: many sources (GA4 exports,
//! CSV traffic without a user-agent column) carry none at all, and absent information is no
//! evidence. Matching is case-sensitive, as the list's patterns are written.

use aho_corasick::AhoCorasick;
use regex::{Regex, RegexBuilder};
use serde::Deserialize;

/// The list, as published in the npm package `crawler-user-agents`.
const LIST: &str = include_str!("../../data/bots/crawler-user-agents.json");

/// One entry of the list; its other fields (url, description) are not needed here.
#[derive(Deserialize)]
struct Entry {
    pattern: String,
    #[cfg(test)]
    instances: Vec<String>,
}

/// The list's entries. The list is part of the program; a test loads it.
fn entries() -> Vec<Entry> {
    serde_json::from_str(LIST).expect("data/bots/crawler-user-agents.json is the list's JSON array")
}

/// The string a pattern matches when it is a plain string (escaped punctuation allowed), else
/// `None`.
fn plain_string(pattern: &str) -> Option<String> {
    let mut text = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(escaped) if !escaped.is_ascii_alphanumeric() => text.push(escaped),
                _ => return None,
            },
            '[' | ']' | '(' | ')' | '{' | '}' | '.' | '*' | '+' | '?' | '|' | '^' | '$' => return None,
            c => text.push(c),
        }
    }
    Some(text)
}

/// The list's patterns split as the filter matches them: the plain strings (found anywhere in a
/// user agent, case-sensitively) and the real regular expressions (as the list writes them).
/// The SQL scripts of [`crate::sql`] emit the same two lists.
pub(crate) fn split_patterns() -> (Vec<String>, Vec<String>) {
    let mut plain = Vec::new();
    let mut patterns = Vec::new();
    for entry in entries() {
        match plain_string(&entry.pattern) {
            Some(text) => plain.push(text),
            None => patterns.push(entry.pattern),
        }
    }
    (plain, patterns)
}

/// The list's patterns, compiled once.
pub struct BotFilter {
    plain: AhoCorasick,
    patterns: Regex,
}

impl BotFilter {
    /// Compiles the list (a few milliseconds; build one and share it).
    pub fn new() -> Self {
        let (plain, patterns) = split_patterns();
        let patterns: Vec<String> = patterns.iter().map(|p| format!("(?:{p})")).collect();
        BotFilter {
            plain: AhoCorasick::new(&plain).expect("the plain crawler-user-agents strings build an automaton"),
            patterns: RegexBuilder::new(&patterns.join("|"))
                .dfa_size_limit(16 << 20)
                .build()
                .expect("the crawler-user-agents patterns compile as one regular expression"),
        }
    }

    /// Does `user_agent` match a known crawler, spider, monitor or HTTP library?
    pub fn is_bot(&self, user_agent: &str) -> bool {
        let user_agent = user_agent.trim();
        !user_agent.is_empty()
            && user_agent != "-"
            && (self.plain.is_match(user_agent) || self.patterns.is_match(user_agent))
    }
}

impl Default for BotFilter {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/access-logs/basjes-hackers-access.log"
    ));

    #[test]
    fn every_example_the_list_gives_is_a_bot() {
        let filter = BotFilter::new();
        let entries = entries();
        assert!(entries.len() > 1000, "{} patterns", entries.len());
        for entry in &entries {
            for instance in &entry.instances {
                assert!(filter.is_bot(instance), "{instance:?} (pattern {:?})", entry.pattern);
            }
        }
    }

    #[test]
    fn well_known_crawlers_are_bots() {
        let filter = BotFilter::new();
        for ua in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
            "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "curl/8.5.0",
            "python-requests/2.31.0",
            "Wget/1.21.4",
        ] {
            assert!(filter.is_bot(ua), "{ua}");
        }
    }

    #[test]
    fn browsers_are_not_bots() {
        let filter = BotFilter::new();
        for ua in [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        ] {
            assert!(!filter.is_bot(ua), "{ua}");
        }
    }

    #[test]
    fn plain_strings_and_patterns() {
        assert_eq!(plain_string("Googlebot\\/").as_deref(), Some("Googlebot/"));
        assert_eq!(plain_string("grub\\.org").as_deref(), Some("grub.org"));
        assert_eq!(plain_string("^curl"), None);
        assert_eq!(plain_string("[wW]get"), None);
        assert_eq!(plain_string("BlogTraffic\\/\\d"), None);
        assert_eq!(plain_string("trailing\\"), None);
        let filter = BotFilter::new();
        // `^curl` is anchored: curl named later in a browser-like string is no match.
        assert!(filter.is_bot("curl/7.29.0"));
        assert!(!filter.is_bot("Mozilla/5.0 (X11; Linux x86_64) uses-curl-inside"));
    }

    #[test]
    fn an_absent_user_agent_is_not_a_bot() {
        let filter = BotFilter::new();
        assert!(!filter.is_bot(""));
        assert!(!filter.is_bot("-"));
        assert!(!filter.is_bot("   "));
    }

    /// The fixture's 3,456 requests come from attack probes and people, all with browser user
    /// agents (the probes fake them): none is on the list, which is what a user-agent filter can
    /// and cannot do.
    #[test]
    fn the_fixture_log_has_only_browser_user_agents() {
        let filter = BotFilter::new();
        let mut agents: Vec<&str> = FIXTURE.lines().filter_map(|line| line.rsplit('"').nth(1)).collect();
        assert_eq!(agents.len(), 3456);
        agents.sort_unstable();
        agents.dedup();
        assert_eq!(agents.len(), 27);
        let bots: Vec<&str> = agents.iter().copied().filter(|ua| filter.is_bot(ua)).collect();
        assert_eq!(bots, Vec::<&str>::new());
    }
}
