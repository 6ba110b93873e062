//! `sessionlens rejects PROJECT [--out FILE.csv]`: the rows that could not be imported, with
//! file, line and reason; as a table on the terminal or as a formula-safe CSV file.

use std::path::PathBuf;

use sessionlens_core::export::CsvExport;
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
    let io_err = |e| Error::Io { path: out.clone(), source: e };
    let file = std::fs::File::create(&out).map_err(io_err)?;
    let mut csv = CsvExport::new(std::io::BufWriter::new(file), args.bom).map_err(io_err)?;
    csv.row(["file", "line", "reason", "raw"]).map_err(io_err)?;
    for r in &rejects {
        csv.row([r.file.as_str(), &r.line.to_string(), &r.reason, &r.raw]).map_err(io_err)?;
    }
    csv.finish().map_err(io_err)?;
    eprintln!("wrote {} rejected rows to {}", rejects.len(), out.display());
    Ok(())
}
