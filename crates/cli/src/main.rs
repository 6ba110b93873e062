//! `sessionlens`: the command line over sessionlens-core. Each command group is a module;
//! every command exits non-zero on failure, and with `--json` prints one JSON document
//! (on failure: `{"error": {"code", "message"}}`).

mod compare;
mod delete_source;
mod discrepancy;
mod export;
mod fidelity;
mod import;
mod info;
mod metrics;
mod output;
mod rejects;
mod report;
mod rules;
mod sessionize;
mod sql;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "sessionlens",
    version,
    about = "Import website traffic and ad-platform exports into a SessionLens project and analyse them offline"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import traffic or ad files into a project (created if missing).
    Import(import::Args),
    /// Show the files, row counts, date ranges and time zones of a project.
    Info(info::Args),
    /// List or export the rows that could not be imported.
    Rejects(rejects::Args),
    /// Group hits into sessions under a rule set (a preset plus adjustments) and show the totals.
    Sessionize(sessionize::Args),
    /// Show the totals of several presets side by side, with their differences.
    Compare(compare::Args),
    /// Write sessions (or the hits filtered as bots) to a CSV file.
    Export(export::Args),
    /// Our sessions beside the platform's own, where the hits carry its session ids (GA4, UA, Snowplow exports).
    Fidelity(fidelity::Args),
    /// Sessions, users, engagement, conversions, clicks and cost, by up to two dimensions.
    Metrics(metrics::Args),
    /// Ad clicks against sessions: the waterfall of causes, ratios and flags per campaign and day.
    Discrepancy(discrepancy::Args),
    /// Write the PDF report: summary, traffic over time, channels, campaigns, discrepancy, methodology.
    Report(report::Args),
    /// Print the SQL script that sessionizes an exported hits table in DuckDB, Spark, BigQuery, ...
    Sql(sql::Args),
    /// Remove one imported file's data (its id as `info` shows it) and compact the project.
    DeleteSource(delete_source::Args),
}

/// Leave `value` to the end of the process instead of dropping it. A command's last step may
/// hold a 10M-hit table and its sessions, and freeing them allocation by allocation takes about
/// 0.2 s that the system spends at once when the process exits. Only for values that own
/// nothing but memory (no files, connections or unwritten output).
fn free_at_exit<T>(value: T) {
    std::mem::forget(value);
}

#[global_allocator]
static ALLOCATOR: sessionlens_core::huge_pages::HugePages = sessionlens_core::huge_pages::HugePages;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (json, result) = match cli.command {
        Command::Import(args) => (args.json, import::run(args)),
        Command::Info(args) => (args.json, info::run(args)),
        Command::Rejects(args) => (false, rejects::run(args)),
        Command::Sessionize(args) => (args.json, sessionize::run(args)),
        Command::Compare(args) => (args.json, compare::run(args)),
        Command::Export(args) => (false, export::run(args)),
        Command::Fidelity(args) => (args.json, fidelity::run(args)),
        Command::Metrics(args) => (args.json, metrics::run(args)),
        Command::Discrepancy(args) => (args.json, discrepancy::run(args)),
        Command::Report(args) => (false, report::run(args)),
        Command::Sql(args) => (false, sql::run(args)),
        Command::DeleteSource(args) => (args.json, delete_source::run(args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::print_error(&e, json);
            ExitCode::FAILURE
        }
    }
}
