//! `sessionlens info PROJECT`: what a project holds.

use std::path::PathBuf;

use sessionlens_core::{Error, Project, Result};

use crate::output::{self, iso};

#[derive(clap::Args)]
pub struct Args {
    project: PathBuf,
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<()> {
    if !args.project.exists() {
        return Err(Error::InvalidInput(format!("{}: no such project file", args.project.display())));
    }
    let info = Project::open(&args.project)?.info()?;
    if args.json {
        output::print_json(&info);
        return Ok(());
    }
    println!("{} (schema version {})", args.project.display(), info.schema_version);
    println!("files: {}", info.files.len());
    for f in &info.files {
        let range = match (f.first_ts_ms, f.last_ts_ms, &f.first_date, &f.last_date) {
            (Some(a), Some(b), _, _) => format!(", {} .. {}", iso(a), iso(b)),
            (_, _, Some(a), Some(b)) => format!(", {a} .. {b}"),
            _ => String::new(),
        };
        let tz = f.time_zone.as_deref().map(|t| format!(", time zone {t}")).unwrap_or_default();
        println!(
            "  #{} {} [{} {}]: {} rows, {} rejected{range}{tz}",
            f.id, f.name, f.kind, f.format, f.rows_imported, f.rows_rejected
        );
    }
    println!("hits: {}", info.hits);
    if let (Some(a), Some(b)) = (info.first_hit_ms, info.last_hit_ms) {
        println!("traffic from {} to {}", iso(a), iso(b));
    }
    println!(
        "ad rows: {} stats, {} clicks rows; {} clicks in stats",
        info.ad_stat_rows, info.ad_click_rows, info.ad_clicks
    );
    if let (Some(a), Some(b)) = (&info.first_ad_date, &info.last_ad_date) {
        println!("ad days from {a} to {b}");
    }
    if info.reported_session_rows > 0 {
        println!("reported sessions: {} in {} rows", info.reported_sessions, info.reported_session_rows);
    }
    if let (Some(a), Some(b)) = (&info.first_report_date, &info.last_report_date) {
        println!("reported days from {a} to {b}");
    }
    if !info.time_zones.is_empty() {
        println!("time zones: {}", info.time_zones.join(", "));
    }
    println!("rejected rows: {}", info.rejects);
    Ok(())
}
