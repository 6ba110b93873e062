//! `sessionlens compare PROJECT --presets ua,ga4,... [rules] [--json]`: the totals of several
//! presets side by side, each with its difference from the first. Other rule flags apply to
//! every preset. The hits are read once and shared by every preset that is not stored yet.

use std::path::PathBuf;

use sessionlens_core::sessionize::{Preset, Totals};
use sessionlens_core::store::SessionRun;
use sessionlens_core::{Error, Result};

use crate::output;
use crate::rules::RuleArgs;
use crate::sessionize::{human_duration, open_existing, totals_json};

#[derive(clap::Args)]
pub struct Args {
    project: PathBuf,
    /// The presets to compare, comma-separated (the first is the baseline)
    #[arg(long, value_delimiter = ',', required = true, value_parser = parse_preset)]
    presets: Vec<Preset>,
    #[command(flatten)]
    rules: RuleArgs,
    /// Print one JSON object
    #[arg(long)]
    pub json: bool,
}

fn parse_preset(s: &str) -> Result<Preset, String> {
    s.trim().parse().map_err(|e: Error| e.to_string())
}

/// How a compared figure reads from the totals (`None`: not defined under the rule set).
type Read = fn(&Totals) -> Option<f64>;

/// The figures compared.
const ROWS: [(&str, Read); 9] = [
    ("sessions", |t| Some(t.sessions as f64)),
    ("users", |t| Some(t.users as f64)),
    ("new_users", |t| Some(t.new_users as f64)),
    ("pageviews", |t| Some(t.pageviews as f64)),
    ("bounces", |t| Some(t.bounces as f64)),
    ("bounce_rate", |t| t.bounce_rate),
    ("avg_duration_s", |t| Some(t.avg_duration_s)),
    ("engaged_sessions", |t| Some(t.engaged_sessions as f64)),
    ("bot_hits", |t| Some(t.bot_hits as f64)),
];

pub fn run(args: Args) -> Result<()> {
    if args.rules.preset.is_some() {
        return Err(Error::InvalidInput("compare takes --presets (a list), not --preset".into()));
    }
    let mut project = open_existing(&args.project)?;
    let mut table = None;
    let mut runs: Vec<SessionRun> = Vec::new();
    for &preset in &args.presets {
        let rules = args.rules.rule_set_for(preset)?;
        let run = match project.session_run(&rules)? {
            Some(run) => run,
            None => {
                if table.is_none() {
                    table = Some(project.load_hits()?);
                }
                project.sessions(&rules, table.as_ref())?
            }
        };
        runs.push(run);
    }
    let Some(base) = runs.first() else { return Ok(()) };
    if args.json {
        let presets: Vec<_> = runs
            .iter()
            .map(|r| {
                let mut doc = totals_json(&r.totals, &r.rules);
                doc["preset"] = r.rules.preset.as_str().into();
                let differences: serde_json::Map<_, _> = ROWS
                    .iter()
                    .map(|(name, read)| {
                        let diff = read(&r.totals).zip(read(&base.totals)).map(|(a, b)| a - b);
                        (name.to_string(), serde_json::json!(diff))
                    })
                    .collect();
                doc["difference_from_first"] = differences.into();
                doc
            })
            .collect();
        output::print_json(&serde_json::json!({ "baseline": base.rules.preset.as_str(), "presets": presets }));
        return Ok(());
    }
    let width = 26;
    print!("{:<18}", "");
    for r in &runs {
        print!(" {:>width$}", r.rules.preset.as_str());
    }
    println!();
    for (name, read) in ROWS {
        print!("{name:<18}");
        for r in &runs {
            let cell = match (read(&r.totals), read(&base.totals)) {
                (Some(v), Some(b)) if !std::ptr::eq(r, base) => format!("{} ({})", show(name, v), signed(name, v - b)),
                (Some(v), _) => show(name, v),
                (None, _) => "n/a".into(),
            };
            print!(" {cell:>width$}");
        }
        println!();
    }
    println!("(differences are from {})", base.rules.preset.as_str());
    Ok(())
}

fn show(name: &str, v: f64) -> String {
    match name {
        "bounce_rate" => format!("{:.1} %", v * 100.0),
        "avg_duration_s" => human_duration(v),
        _ => format!("{v:.0}"),
    }
}

fn signed(name: &str, d: f64) -> String {
    match name {
        "bounce_rate" => format!("{:+.1} pt", d * 100.0),
        "avg_duration_s" => format!("{d:+.1} s"),
        _ => format!("{d:+.0}"),
    }
}
