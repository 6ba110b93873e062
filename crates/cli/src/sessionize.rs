//! `sessionlens sessionize PROJECT [rules] [--json]`: sessionize a project under a rule set
//! and store the sessions (or reuse the stored ones), and print the totals.

use std::path::{Path, PathBuf};

use sessionlens_core::sessionize::{sessionize, RuleSet, Totals};
use sessionlens_core::store::SessionRun;
use sessionlens_core::{Error, Project, Result};

use crate::output;
use crate::rules::RuleArgs;

#[derive(clap::Args)]
pub struct Args {
    project: PathBuf,
    #[command(flatten)]
    rules: RuleArgs,
    /// Print one JSON object
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<()> {
    let rules = args.rules.rule_set()?;
    let mut project = open_existing(&args.project)?;
    let run = match project.session_run(&rules)? {
        Some(stored) => stored,
        None => {
            let table = project.load_hits()?;
            let sessions = sessionize(&table, &rules)?;
            let run = project.store_sessions(&table, &sessions)?;
            crate::free_at_exit((table, sessions));
            run
        }
    };
    if args.json {
        output::print_json(&totals_json(&run.totals, &run.rules));
    } else {
        print_text(&run);
    }
    Ok(())
}

/// Open a project that must already exist (analysing commands never create one).
pub fn open_existing(path: &Path) -> Result<Project> {
    if !path.exists() {
        return Err(Error::InvalidInput(format!("{}: no such project file", path.display())));
    }
    Project::open(path)
}

/// The `--json` document of one sessionization.
pub fn totals_json(t: &Totals, rules: &RuleSet) -> serde_json::Value {
    serde_json::json!({
        "sessions": t.sessions,
        "users": t.users,
        "new_users": t.new_users,
        "pageviews": t.pageviews,
        "bounces": t.bounces,
        "bounce_rate": t.bounce_rate,
        "avg_duration_s": t.avg_duration_s,
        "engaged_sessions": t.engaged_sessions,
        "bot_hits": t.bot_hits,
        "rule_set": rules,
    })
}

fn print_text(run: &SessionRun) {
    let (t, r) = (&run.totals, &run.rules);
    let stored = if run.reused { "stored sessions reused" } else { "computed and stored" };
    println!("rules: {} preset, time zone {} (rule set {}, {stored})", r.preset.title(), r.time_zone, run.rule_hash);
    println!("sessions:              {}", t.sessions);
    println!("users:                 {}", t.users);
    println!("new users:             {}", t.new_users);
    println!("pageviews:             {}", t.pageviews);
    match t.bounce_rate {
        Some(rate) => println!("bounces:               {} ({:.1} %)", t.bounces, rate * 100.0),
        None => println!("bounces:               not defined under this bounce rule"),
    }
    println!("average duration:      {}", human_duration(t.avg_duration_s));
    println!("engaged sessions:      {}", t.engaged_sessions);
    println!("hits filtered as bots: {}", t.bot_hits);
    if t.uncounted_hits > 0 {
        println!("non-interaction hits outside any session: {}", t.uncounted_hits);
    }
}

/// `2 min 05 s`, `1 h 02 min`, `12.5 s`.
pub fn human_duration(seconds: f64) -> String {
    if seconds < 60.0 {
        return format!("{seconds:.1} s");
    }
    let whole = seconds.round() as u64;
    if whole < 3600 {
        format!("{} min {:02} s", whole / 60, whole % 60)
    } else {
        format!("{} h {:02} min", whole / 3600, whole % 3600 / 60)
    }
}
