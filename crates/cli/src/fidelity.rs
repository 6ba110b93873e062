//! `sessionlens fidelity PROJECT [--from DATE --to DATE] [rules] [--json]`: our sessions under a
//! rule set laid over the platform's own, where the hits carry its session ids (GA4 export, UA
//! `ga_sessions` rows, Snowplow): the platform's sessions and ours, sessions split and merged,
//! and the rules that started our extra sessions, per day; the plain-words summary first.
//! Without session ids it says why there is nothing to compare (`--json`: `"available": false`).

use std::path::PathBuf;

use chrono::NaiveDate;
use sessionlens_core::fidelity::{compare, platform_name, ReasonCount, NOT_AVAILABLE};
use sessionlens_core::Result;

use crate::metrics::{date_range, parse_date};
use crate::output;
use crate::rules::RuleArgs;
use crate::sessionize::open_existing;

#[derive(clap::Args)]
pub struct Args {
    project: PathBuf,
    /// First day (view time zone), YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "to")]
    from: Option<NaiveDate>,
    /// Last day (view time zone, inclusive), YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "from")]
    to: Option<NaiveDate>,
    #[command(flatten)]
    rules: RuleArgs,
    /// Print one JSON object
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<()> {
    let rules = args.rules.rule_set()?;
    let range = date_range(args.from, args.to)?;
    let project = open_existing(&args.project)?;
    let info = project.info()?;
    let table = project.load_hits()?;
    let ours = project.sessionized(&table, &rules)?;
    let platform = platform_name(info.files.iter().map(|f| f.format.as_str()));
    let Some(fidelity) = compare(&table, &ours, platform, range)? else {
        if args.json {
            output::print_json(&serde_json::json!({ "available": false, "reason": NOT_AVAILABLE }));
        } else {
            println!("{NOT_AVAILABLE}");
        }
        return Ok(());
    };
    if args.json {
        let mut doc = serde_json::to_value(&fidelity).expect("the comparison serialises");
        doc["available"] = true.into();
        doc["summary"] = fidelity.summary().into();
        doc["rule_set"] = serde_json::to_value(&ours.rules).expect("a rule set serialises");
        output::print_json(&doc);
        return Ok(());
    }
    println!("{}", fidelity.summary());
    println!();
    let sessions = format!("{} sessions", fidelity.platform);
    println!(
        "{:<12} {sessions:>18} {:>14} {:>8} {:>8}  reasons for our extra sessions",
        "day", "our sessions", "split", "merged"
    );
    for day in &fidelity.days {
        let c = &day.counts;
        println!(
            "{:<12} {:>18} {:>14} {:>8} {:>8}  {}",
            day.date,
            c.platform_sessions,
            c.our_sessions,
            c.split,
            c.merged,
            reasons(&day.reasons)
        );
    }
    let c = &fidelity.counts;
    println!(
        "{:<12} {:>18} {:>14} {:>8} {:>8}  {}",
        "all",
        c.platform_sessions,
        c.our_sessions,
        c.split,
        c.merged,
        reasons(&fidelity.reasons)
    );
    Ok(())
}

/// `midnight 9, timeout 5`.
fn reasons(reasons: &[ReasonCount]) -> String {
    let parts: Vec<String> = reasons.iter().map(|r| format!("{} {}", r.reason.as_str(), r.sessions)).collect();
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join(", ")
    }
}
