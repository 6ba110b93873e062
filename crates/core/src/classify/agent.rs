//! User agent → device category, browser and operating system, through the `woothee` parser
//! (Apache-2.0; pure Rust, a few microseconds a string), plus [`AgentMemo`], which parses each
//! distinct user agent of a run once, keyed by its dictionary id.
//!
//! Device categories: woothee's `pc` is desktop, `smartphone` and `mobilephone` are mobile
//! except iPads and Android devices whose user agent lacks `Mobile` (Android's convention for
//! tablets), which are tablets; crawlers are bots; game consoles, TVs and anything unrecognised
//! are other. A user agent on the bot list ([`super::bots`]) is a bot whatever woothee says, so
//! every user agent the bot filter drops has device Bot; woothee knows a few crawlers the list
//! does not, which get device Bot without being filtered.

use rustc_hash::FxHashMap;

use super::Classifier;

/// A device category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Device {
    Desktop,
    Mobile,
    Tablet,
    Bot,
    Other,
}

impl Device {
    pub fn as_str(self) -> &'static str {
        match self {
            Device::Desktop => "desktop",
            Device::Mobile => "mobile",
            Device::Tablet => "tablet",
            Device::Bot => "bot",
            Device::Other => "other",
        }
    }
}

/// What a user agent says about the visitor. `browser` and `os` are woothee's names
/// (`Chrome`, `Firefox`, `Safari`, `Edge`, `Internet Explorer`; `Windows 10`, `Mac OSX`,
/// `iPhone`, `Android`, `Linux`, `ChromeOS`), empty when unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    pub device: Device,
    pub browser: String,
    pub os: String,
    /// Is it on the bot list (the bot filter's verdict)?
    pub bot: bool,
}

/// Parses a user agent. `bot` is the bot list's verdict on it.
pub(super) fn parse(parser: &woothee::parser::Parser, user_agent: &str, bot: bool) -> Agent {
    let user_agent = user_agent.trim();
    let parsed = parser.parse(user_agent).unwrap_or_default();
    let known = |value: &str| if value == woothee::woothee::VALUE_UNKNOWN { String::new() } else { value.to_owned() };
    let device = if bot {
        Device::Bot
    } else {
        match parsed.category {
            "pc" => Device::Desktop,
            "smartphone" | "mobilephone" if is_tablet(parsed.os, user_agent) => Device::Tablet,
            "smartphone" | "mobilephone" => Device::Mobile,
            "crawler" => Device::Bot,
            _ => Device::Other,
        }
    };
    Agent { device, browser: known(parsed.name), os: known(parsed.os), bot }
}

fn is_tablet(os: &str, user_agent: &str) -> bool {
    os == "iPad" || (os == "Android" && !user_agent.contains("Mobile"))
}

/// Each distinct user agent parsed once: callers pass the user agent's dictionary id with its
/// text, and repeated ids cost one hash lookup.
pub struct AgentMemo<'c> {
    classifier: &'c Classifier,
    by_id: FxHashMap<i64, Agent>,
}

impl<'c> AgentMemo<'c> {
    pub fn new(classifier: &'c Classifier) -> Self {
        AgentMemo { classifier, by_id: FxHashMap::default() }
    }

    /// The agent of dictionary entry `id`, whose text is `user_agent` (parsed on first sight only).
    pub fn get(&mut self, id: i64, user_agent: &str) -> &Agent {
        self.by_id.entry(id).or_insert_with(|| self.classifier.agent(user_agent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(ua: &str) -> (Device, String, String) {
        let a = Classifier::shared().agent(ua);
        (a.device, a.browser, a.os)
    }

    fn expect(device: Device, browser: &str, os: &str) -> (Device, String, String) {
        (device, browser.to_owned(), os.to_owned())
    }

    #[test]
    fn desktop_browsers() {
        assert_eq!(
            agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"),
            expect(Device::Desktop, "Chrome", "Windows 10")
        );
        assert_eq!(
            agent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51"),
            expect(Device::Desktop, "Edge", "Windows 10")
        );
        assert_eq!(
            agent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"),
            expect(Device::Desktop, "Safari", "Mac OSX")
        );
        assert_eq!(
            agent("Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"),
            expect(Device::Desktop, "Firefox", "Linux")
        );
    }

    #[test]
    fn fixture_user_agents() {
        assert_eq!(
            agent("Mozilla/5.0 (Windows NT 6.3; WOW64; Trident/7.0; rv:11.0) like Gecko"),
            expect(Device::Desktop, "Internet Explorer", "Windows 8.1")
        );
        assert_eq!(
            agent("Mozilla/5.0 (Windows NT 6.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/39.0.2171.95 Safari/537.36 OPR/26.0.1656.60"),
            expect(Device::Desktop, "Opera", "Windows 7")
        );
        assert_eq!(
            agent("Mozilla/5.0 (X11; CrOS x86_64 6310.68.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/39.0.2171.96 Safari/537.36"),
            expect(Device::Desktop, "Chrome", "ChromeOS")
        );
    }

    #[test]
    fn phones_and_tablets() {
        assert_eq!(
            agent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"),
            expect(Device::Mobile, "Safari", "iPhone")
        );
        assert_eq!(
            agent("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36"),
            expect(Device::Mobile, "Chrome", "Android")
        );
        assert_eq!(
            agent("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1"),
            expect(Device::Tablet, "Safari", "iPad")
        );
        assert_eq!(
            agent("Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Safari/537.36"),
            expect(Device::Tablet, "Chrome", "Android")
        );
    }

    #[test]
    fn bots_and_unknowns() {
        let (device, browser, _) = agent("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
        assert_eq!((device, browser.as_str()), (Device::Bot, "Googlebot"));
        assert_eq!(agent("curl/8.5.0").0, Device::Bot);
        assert_eq!(agent(""), expect(Device::Other, "", ""));
        assert_eq!(agent("-"), expect(Device::Other, "", ""));
        assert_eq!(agent("something odd \u{1F600}"), expect(Device::Other, "", ""));
        assert!(!Classifier::shared().agent("").bot);
        assert!(Classifier::shared().agent("curl/8.5.0").bot);
    }

    #[test]
    fn the_memo_parses_each_id_once() {
        let classifier = Classifier::shared();
        let mut memo = AgentMemo::new(classifier);
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
        assert_eq!(memo.get(7, firefox).browser, "Firefox");
        // The same id is not parsed again: its first text stands.
        assert_eq!(memo.get(7, "curl/8.5.0").browser, "Firefox");
        assert!(memo.get(8, "curl/8.5.0").bot);
    }
}
