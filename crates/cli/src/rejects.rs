//! `sessionlens rejects PROJECT [--out FILE.csv]`: the rows that could not be imported, with
//! file, line and reason; as a table on the terminal or as a formula-safe CSV file.

use std::path::PathBuf;

use sessionlens_core::export::save;
use sessionlens_core::export::stored::write_rejects;
use sessionlens_core::{Error, Project, Result};

#[derive(clap::Args)]
pub struct Args {
    project: PathBuf,
    /// Write the rejects to this CSV file instead of the terminal.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Start the CSV with a byte-order mark so Excel reads it as UTF-8.
    #[arg(long)]
    bom: bool,
}

pub fn run(args: Args) -> Result<()> {
    if !args.project.exists() {
        return Err(Error::InvalidInput(format!("{}: no such project file", args.project.display())));
    }
    let rejects = Project::open(&args.project)?.rejects()?;
    let Some(out) = args.out else {
        for r in &rejects {
            println!("{}:{}: {}\n    {}", r.file, r.line, r.reason, r.raw);
        }
        println!("{} rejected rows", rejects.len());
        return Ok(());
    };
    save(&out, args.bom, |csv| write_rejects(csv, &rejects))?;
    eprintln!("wrote {} rejected rows to {}", rejects.len(), out.display());
    Ok(())
}
