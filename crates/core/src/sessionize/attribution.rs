//! The seam between the engine and classification: what a session's entrance (campaign tags +
//! referrer) is as source / medium / channel, what a user agent is as device / browser / OS,
//! and whether it is a bot. The engine asks once per distinct entrance or user agent and keeps
//! the answers; everything here goes through [`crate::classify`].
//!
//! Until `crate::classify` provides its `Classifier`, user-agent parsing and bot list, the seam
//! reports only what the data states outright: campaign tags as given, else the referrer's host
//! with medium `referral`, else `(direct)` / `(none)`; channel, device, browser and OS empty;
//! and no hit is a bot.

use serde::{Deserialize, Serialize};

use super::table::Campaign;
use crate::import::urlparts::host;

/// Where a session came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Traffic {
    pub source: String,
    pub medium: String,
    pub campaign: String,
    pub term: String,
    pub content: String,
    pub click_id_param: String,
    pub click_id: String,
    pub channel: String,
}

/// What a session's user agent is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Device {
    pub device: String,
    pub browser: String,
    pub os: String,
}

/// The traffic of an entrance: its campaign tags and referrer (both may be absent).
pub(crate) fn traffic(campaign: &Campaign, referrer: &str) -> Traffic {
    let referrer_host = host(referrer).to_ascii_lowercase();
    let (source, medium) = match (campaign.source.is_empty(), referrer_host.is_empty()) {
        (false, _) => (campaign.source.clone(), campaign.medium.clone()),
        (true, false) => {
            (referrer_host, if campaign.medium.is_empty() { "referral".into() } else { campaign.medium.clone() })
        }
        (true, true) if campaign.medium.is_empty() => ("(direct)".into(), "(none)".into()),
        (true, true) => (String::new(), campaign.medium.clone()),
    };
    Traffic {
        source,
        medium,
        campaign: campaign.name.clone(),
        term: campaign.term.clone(),
        content: campaign.content.clone(),
        click_id_param: campaign.click_id_param.clone(),
        click_id: campaign.click_id.clone(),
        channel: String::new(),
    }
}

/// The device of a user agent.
pub(crate) fn device(_user_agent: &str) -> Device {
    Device::default()
}

/// Is the user agent on the bot list?
pub(crate) fn is_bot(_user_agent: &str) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_win_then_referrer_then_direct() {
        let tagged =
            Campaign { source: "google".into(), medium: "cpc".into(), name: "spring".into(), ..Default::default() };
        let t = traffic(&tagged, "https://www.google.com/");
        assert_eq!((t.source.as_str(), t.medium.as_str(), t.campaign.as_str()), ("google", "cpc", "spring"));
        let t = traffic(&Campaign::default(), "https://News.Example/story");
        assert_eq!((t.source.as_str(), t.medium.as_str()), ("news.example", "referral"));
        let t = traffic(&Campaign::default(), "");
        assert_eq!((t.source.as_str(), t.medium.as_str()), ("(direct)", "(none)"));
    }
}
