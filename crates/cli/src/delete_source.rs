//! `sessionlens delete-source PROJECT FILE_ID`: remove one imported file's data (file ids are
//! the `#N` that `sessionlens info` shows) and compact the project.

use std::path::PathBuf;

use sessionlens_core::{Error, Project, Result};

use crate::output;

#[derive(clap::Args)]
pub struct Args {
    project: PathBuf,
    /// The file's id, as `sessionlens info` lists it (`#3` is 3).
    #[arg(value_parser = parse_file_id)]
    file_id: i64,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<()> {
    if !args.project.exists() {
        return Err(Error::InvalidInput(format!("{}: no such project file", args.project.display())));
    }
    let deleted = Project::open(&args.project)?.delete_file(args.file_id)?;
    if args.json {
        output::print_json(&deleted);
        return Ok(());
    }
    let what = match deleted.kind.as_str() {
        "traffic" => "hits",
        "report" => "reported-sessions rows",
        _ => "ad rows",
    };
    println!("removed #{} {} ({})", deleted.file_id, deleted.name, deleted.kind);
    println!("  {} {what}, {} rejected rows", deleted.rows_removed, deleted.rejects_removed);
    if deleted.session_runs_removed > 0 {
        println!("  {} stored session runs (computed again when asked for)", deleted.session_runs_removed);
    }
    println!("  project size: {} -> {} bytes", deleted.bytes_before, deleted.bytes_after);
    Ok(())
}

fn parse_file_id(s: &str) -> Result<i64, String> {
    s.trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| format!("'{s}' is not a file id; `sessionlens info PROJECT` lists them as #1, #2, ..."))
}
