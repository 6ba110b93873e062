//! User-agent classification (`classify::agent` over woothee, `classify::bots` over the
//! crawler list). Checks: the agent's bot flag is the bot filter's verdict, a listed bot is a
//! Bot device, surrounding whitespace changes nothing, and the memo gives the same answer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionlens_core::classify::{AgentMemo, Classifier, Device};

fuzz_target!(|data: &[u8]| {
    let user_agent = String::from_utf8_lossy(data);
    let classifier = Classifier::shared();
    let agent = classifier.agent(&user_agent);
    let bot = classifier.is_bot(&user_agent);
    assert_eq!(agent.bot, bot, "{user_agent:?}");
    if bot {
        assert_eq!(agent.device, Device::Bot, "{user_agent:?}");
    }
    if user_agent.trim().is_empty() || user_agent.trim() == "-" {
        assert!(!bot, "an absent user agent is not a bot");
    }
    assert_eq!(classifier.agent(&format!(" {user_agent}\t")), agent, "whitespace around {user_agent:?}");
    assert_eq!(AgentMemo::new(classifier).get(1, &user_agent), &agent);
});
