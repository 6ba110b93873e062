//! `sessionlens export sessions|bots|metrics|discrepancy|rejects PROJECT [...] --out FILE.csv [--bom]`:
//! the tables of a project as CSV files a spreadsheet opens safely; and `export hits`, the hits
//! table the scripts of `sessionlens sql` read, written for machines (no cell prefixed) as CSV
//! or Parquet (`--format`, else by the name: `.parquet`). The writing is
//! `sessionlens_core::export` (the app calls the same functions): UTF-8 (a byte-order mark with
//! `--bom` for Excel), times in ISO 8601 with the view time zone's offset, days as ISO dates of
//! the view time zone, cells a spreadsheet would run as formulas prefixed with `'`. Each
//! subcommand's `--help` lists its columns.

use std::path::PathBuf;

use sessionlens_core::discrepancy::discrepancy;
use sessionlens_core::export::analysis::{metrics_columns_help, write_discrepancy, write_metrics, DiscrepancyTable};
use sessionlens_core::export::hits::{save_hits, HitsFormat, HIT_COLUMNS};
use sessionlens_core::export::stored::{
    write_bot_hits, write_rejects, write_sessions, BOT_HIT_COLUMNS, REJECT_COLUMNS, SESSION_COLUMNS,
};
use sessionlens_core::export::{columns_help, save};
use sessionlens_core::metrics::Reports;
use sessionlens_core::{Error, Result};

use crate::discrepancy::QuestionArgs;
use crate::metrics::QueryArgs;
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
    #[command(after_long_help = format!("Columns:\n{}", columns_help(&SESSION_COLUMNS)))]
    Sessions(Target),
    /// The hits the rule set's bot filter dropped
    #[command(after_long_help = format!("Columns:\n{}", columns_help(&BOT_HIT_COLUMNS)))]
    Bots(Target),
    /// A metrics table: totals, or one row per key of up to two dimensions
    #[command(after_long_help = format!(
        "Columns (rates and changes are fractions: 0.25 is 25 %):\n{}",
        columns_help(&metrics_columns_help())
    ))]
    Metrics(MetricsTarget),
    /// A discrepancy table: ratios, campaigns, waterfall or unmatched
    #[command(after_long_help = discrepancy_help())]
    Discrepancy(DiscrepancyTarget),
    /// Every hit, for the SQL scripts of `sessionlens sql`, as CSV (cells as they are: no formula guard) or Parquet
    #[command(after_long_help = format!(
        "Columns:\n{}\nIn Parquet, ts is a TIMESTAMP (milliseconds, UTC), interaction a BOOLEAN, every other \
         column a string, absent values NULL.",
        columns_help(&HIT_COLUMNS)
    ))]
    Hits(HitsOutput),
    /// The rows that could not be imported
    #[command(after_long_help = format!("Columns:\n{}", columns_help(&REJECT_COLUMNS)))]
    Rejects(Output),
}

/// Where to write.
#[derive(clap::Args)]
struct Output {
    project: PathBuf,
    /// The CSV file to write
    #[arg(long, value_name = "FILE.csv")]
    out: PathBuf,
    /// Start the file with a byte-order mark so Excel reads it as UTF-8
    #[arg(long)]
    bom: bool,
}

/// Where to write the hits, and as what.
#[derive(clap::Args)]
struct HitsOutput {
    project: PathBuf,
    /// The file to write: CSV, or Parquet for a name ending in .parquet
    #[arg(long, value_name = "FILE.csv|FILE.parquet")]
    out: PathBuf,
    /// csv or parquet, whatever the file's name [default: from the name]
    #[arg(long, value_name = "FORMAT", value_parser = parse_hits_format)]
    format: Option<HitsFormat>,
}

fn parse_hits_format(s: &str) -> Result<HitsFormat, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

#[derive(clap::Args)]
struct Target {
    #[command(flatten)]
    output: Output,
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(clap::Args)]
struct MetricsTarget {
    #[command(flatten)]
    target: Target,
    #[command(flatten)]
    query: QueryArgs,
}

#[derive(clap::Args)]
struct DiscrepancyTarget {
    #[command(flatten)]
    target: Target,
    /// Which table: ratios, campaigns, waterfall, unmatched
    #[arg(long, value_name = "TABLE", default_value = "ratios", value_parser = parse_table)]
    table: DiscrepancyTable,
    #[command(flatten)]
    question: QuestionArgs,
}

fn parse_table(s: &str) -> Result<DiscrepancyTable, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

fn discrepancy_help() -> String {
    let mut help = String::from("Columns (ratios are fractions: 0.8 is 80 %):\n");
    for table in DiscrepancyTable::ALL {
        help.push_str(&format!("\n--table {}:\n{}", table.as_str(), columns_help(table.columns())));
    }
    help
}

pub fn run(args: Args) -> Result<()> {
    let (what, (out, rows)) = match args.what {
        What::Sessions(t) => ("sessions", write_run(t, true)?),
        What::Bots(t) => ("bot hits", write_run(t, false)?),
        What::Metrics(m) => {
            let Target { output, rules } = m.target;
            let rules = rules.rule_set()?;
            let project = open_existing(&output.project)?;
            let (query, goals) = (m.query.query()?, m.query.goals(project.conversion_goals()?, &rules));
            let (table, sessions) = project.hits_for_reports(&rules)?;
            let ads = project.load_ads()?;
            let report = Reports::new(&table, &sessions, &ads, goals)?.report(&query)?;
            let rows = save(&output.out, output.bom, |csv| write_metrics(csv, &report))?;
            ("metrics rows", (output.out, rows))
        }
        What::Discrepancy(d) => {
            let Target { output, rules } = d.target;
            let rules = rules.rule_set()?;
            let project = open_existing(&output.project)?;
            let options = d.question.options(1)?;
            let (table, sessions) = project.hits_for_reports(&rules)?;
            let report = discrepancy(&table, &sessions, &project.load_ads()?, &options)?;
            let rows = save(&output.out, output.bom, |csv| write_discrepancy(csv, &report, d.table))?;
            ("discrepancy rows", (output.out, rows))
        }
        What::Hits(output) => {
            let format = output.format.unwrap_or_else(|| HitsFormat::of_path(&output.out));
            let rows = save_hits(&output.out, &open_existing(&output.project)?.load_hits()?, format)?;
            ("hits", (output.out, rows))
        }
        What::Rejects(output) => {
            let rejects = open_existing(&output.project)?.rejects()?;
            let rows = save(&output.out, output.bom, |csv| write_rejects(csv, &rejects))?;
            ("rejected rows", (output.out, rows))
        }
    };
    eprintln!("wrote {rows} {what} to {}", out.display());
    Ok(())
}

/// Sessions (or bot hits) of the target's rule set, stored in the project first if need be.
fn write_run(t: Target, sessions: bool) -> Result<(PathBuf, u64)> {
    let rules = t.rules.rule_set()?;
    let mut project = open_existing(&t.output.project)?;
    let run = project.sessions(&rules, None)?;
    let rows = save(&t.output.out, t.output.bom, |csv| {
        if sessions {
            write_sessions(csv, &project, &run)
        } else {
            write_bot_hits(csv, &project, &run)
        }
    })?;
    Ok((t.output.out, rows))
}
