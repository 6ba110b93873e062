//! `sessionlens import PROJECT FILE...`: sniff, import and report each file. Ctrl-C cancels
//! the file being imported and leaves the project as it was before that file.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono_tz::Tz;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use sessionlens_core::import::{DateOrder, ImportOptions, IpPolicy, Mapping};
use sessionlens_core::model::Kind;
use sessionlens_core::store::{CancelToken, ImportControl, Progress};
use sessionlens_core::{Project, Result};

use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// The project file (`.sessionlens`); created if it does not exist.
    project: PathBuf,
    /// Files to import: CSV/TSV, JSON/NDJSON, GA4/UA/Snowplow exports, access logs, ad exports
    /// (`.gz` and `.bz2` are read directly).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Use this format instead of sniffing it (e.g. csv, combined, google-ads-ui).
    #[arg(long)]
    format: Option<String>,
    /// Expect this kind of data (traffic, ads or report); a file of another kind is refused.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<Kind>,
    /// IANA time zone of timestamps without an offset, and of ad accounts' dates.
    #[arg(long, value_parser = parse_tz)]
    tz: Option<Tz>,
    /// Assign a column to a field, e.g. --map client_id=visitor (repeatable).
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    map: Vec<String>,
    /// How to read ambiguous dates like 03/04/2024 (sniffed from the data when not given).
    #[arg(long, value_parser = parse_date_order)]
    date_order: Option<DateOrder>,
    /// Import a file even if the same content was imported before.
    #[arg(long)]
    force: bool,
    /// IP addresses: truncate (default: IPv4 /24, IPv6 /48), hash, or keep raw.
    #[arg(long, default_value = "truncate", value_parser = parse_ip_policy)]
    ip: IpPolicy,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct FileResult {
    path: String,
    format: &'static str,
    kind: Kind,
    rows_imported: u64,
    rows_rejected: u64,
    rows_duplicate: u64,
    encoding: &'static str,
    /// `gzip`, `bzip2`, or the workbook a sheet was read from (`xlsx`, `xls`, `ods`).
    compression: Option<&'static str>,
    time_zone: Option<String>,
}

pub fn run(args: Args) -> Result<()> {
    let options = ImportOptions {
        format: args.format,
        kind: args.kind,
        time_zone: args.tz,
        mapping: Mapping::parse(args.map.iter().map(String::as_str))?,
        date_order: args.date_order,
        force: args.force,
        ip_policy: args.ip,
    };
    let mut project = Project::open(&args.project)?;
    let cancel = CancelToken::default();
    {
        let cancel = cancel.clone();
        // If a handler cannot be installed, Ctrl-C simply ends the process; SQLite rolls back.
        let _ = ctrlc::set_handler(move || cancel.cancel());
    }
    let show_progress = !args.json && std::io::stderr().is_terminal();
    let mut results = Vec::new();
    for file in &args.files {
        let bar = show_progress.then(|| new_bar(file));
        let mut on_progress = |p: &Progress| {
            if let Some(bar) = &bar {
                bar.set_length(p.bytes_total);
                bar.set_position(p.bytes_read);
                bar.set_message(format!("{} rows, {} rejected", p.rows, p.rejected));
            }
        };
        let control = ImportControl { cancel: cancel.clone(), progress: Some(&mut on_progress) };
        let report = project.import(file, &options, control);
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let report = report?;
        let result = FileResult {
            path: file.display().to_string(),
            format: report.format,
            kind: report.kind,
            rows_imported: report.rows_imported,
            rows_rejected: report.rows_rejected,
            rows_duplicate: report.rows_duplicate,
            encoding: report.encoding,
            compression: report.compression,
            time_zone: report.time_zone,
        };
        if !args.json {
            print_text(&result, report.description);
        }
        results.push(result);
    }
    if args.json {
        output::print_json(&serde_json::json!({ "files": results }));
    }
    Ok(())
}

fn print_text(r: &FileResult, description: &str) {
    let what = if r.kind == Kind::Traffic { "hits" } else { "rows" };
    println!("{}", r.path);
    println!("  format:   {} ({description})", r.format);
    println!("  kind:     {}", r.kind.as_str());
    if let Some(container) = r.compression {
        println!("  read from: {container}");
    }
    println!("  imported: {} {what}", r.rows_imported);
    println!(
        "  rejected: {}{}",
        r.rows_rejected,
        if r.rows_rejected > 0 { " (see `sessionlens rejects`)" } else { "" }
    );
    if r.rows_duplicate > 0 {
        println!("  duplicate events dropped: {}", r.rows_duplicate);
    }
}

fn new_bar(file: &std::path::Path) -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {bytes}/{total_bytes} {msg}")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    bar.set_prefix(file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    bar
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| "expected traffic, ads or report".into())
}

pub fn parse_tz(s: &str) -> Result<Tz, String> {
    s.parse().map_err(|_| format!("'{s}' is not an IANA time zone (e.g. Europe/London, America/New_York, UTC)"))
}

fn parse_date_order(s: &str) -> Result<DateOrder, String> {
    match s {
        "day-first" | "dmy" => Ok(DateOrder::DayFirst),
        "month-first" | "mdy" => Ok(DateOrder::MonthFirst),
        _ => Err("expected day-first or month-first".into()),
    }
}

fn parse_ip_policy(s: &str) -> Result<IpPolicy, String> {
    match s {
        "truncate" => Ok(IpPolicy::Truncate),
        "hash" => Ok(IpPolicy::Hash),
        "raw" => Ok(IpPolicy::Raw),
        _ => Err("expected truncate, hash or raw".into()),
    }
}
