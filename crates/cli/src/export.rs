//! `sessionlens export sessions PROJECT [rules] --out FILE.csv`: every session of a rule set as
//! CSV (times in ISO 8601 in the rule set's time zone, with its offset); `export bots` lists
//! the hits the bot filter dropped. Cells a spreadsheet would run as formulas are neutralised.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use chrono::{DateTime, SecondsFormat};
use chrono_tz::Tz;
use sessionlens_core::export::CsvExport;
use sessionlens_core::{Error, Result};

use crate::rules::RuleArgs;
use crate::sessionize::open_existing;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// One row per session under the rule set
    Sessions(Target),
    /// The hits the rule set's bot filter dropped
    Bots(Target),
}

#[derive(clap::Args)]
struct Target {
    project: PathBuf,
    #[command(flatten)]
    rules: RuleArgs,
    /// The CSV file to write
    #[arg(long, value_name = "FILE.csv")]
    out: PathBuf,
    /// Start the file with a byte-order mark so Excel reads it as UTF-8
    #[arg(long)]
    bom: bool,
}

const SESSION_COLUMNS: [&str; 26] = [
    "visitor",
    "visitor_session_number",
    "new_visitor",
    "start",
    "end",
    "duration_s",
    "hits",
    "interaction_hits",
    "pageviews",
    "landing_page",
    "exit_page",
    "bounce",
    "engaged",
    "source",
    "medium",
    "campaign",
    "term",
    "content",
    "click_id_param",
    "click_id",
    "channel",
    "device",
    "browser",
    "os",
    "start_reason",
    "rule_set",
];

pub fn run(args: Args) -> Result<()> {
    let (target, sessions) = match args.what {
        What::Sessions(t) => (t, true),
        What::Bots(t) => (t, false),
    };
    let rules = target.rules.rule_set()?;
    let tz = rules.tz()?;
    let mut project = open_existing(&target.project)?;
    let run = project.sessions(&rules, None)?;
    let io = |e: std::io::Error| Error::Io { path: target.out.clone(), source: e };
    let file = File::create(&target.out).map_err(io)?;
    let mut csv = CsvExport::new(BufWriter::new(file), target.bom).map_err(io)?;
    let mut rows = 0u64;
    if sessions {
        csv.row(SESSION_COLUMNS).map_err(io)?;
        project.for_each_session(run.id, |s| {
            let t = &s.traffic;
            let d = &s.device;
            let number = s.visitor_session_number.to_string();
            let (start, end) = (time(s.start_ms, tz), time(s.end_ms, tz));
            let duration = format!("{:.3}", s.duration_ms as f64 / 1000.0);
            let counts = [s.hits.to_string(), s.interaction_hits.to_string(), s.pageviews.to_string()];
            let flag = |b: bool| if b { "true" } else { "false" };
            csv.row([
                s.visitor.as_str(),
                &number,
                flag(s.is_new),
                &start,
                &end,
                &duration,
                &counts[0],
                &counts[1],
                &counts[2],
                &s.landing_page,
                &s.exit_page,
                flag(s.bounce),
                flag(s.engaged),
                &t.source,
                &t.medium,
                &t.campaign,
                &t.term,
                &t.content,
                &s.click_id_param,
                &s.click_id,
                &t.channel,
                &d.device,
                &d.browser,
                &d.os,
                s.start_reason.as_str(),
                &run.rule_hash,
            ])
            .map_err(io)?;
            rows += 1;
            Ok(())
        })?;
    } else {
        csv.row(["time", "url", "user_agent", "ip"]).map_err(io)?;
        for hit in project.bot_hits(run.id)? {
            csv.row([time(hit.ts_ms, tz).as_str(), &hit.url, &hit.user_agent, &hit.ip]).map_err(io)?;
            rows += 1;
        }
    }
    csv.finish().map_err(io)?;
    let what = if sessions { "sessions" } else { "bot hits" };
    eprintln!("wrote {rows} {what} to {}", target.out.display());
    Ok(())
}

/// UTC ms as ISO 8601 in `tz`, with its offset (`Z` for UTC).
fn time(ms: i64, tz: Tz) -> String {
    DateTime::from_timestamp_millis(ms)
        .map_or_else(|| ms.to_string(), |t| t.with_timezone(&tz).to_rfc3339_opts(SecondsFormat::Secs, true))
}
