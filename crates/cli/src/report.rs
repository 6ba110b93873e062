//! `sessionlens report PROJECT [rules] --out report.pdf [--from DATE --to DATE] [--title TEXT] [--client TEXT]
//! [--agency TEXT] [--logo FILE] [--findings FILE] [--sections summary,traffic,discrepancy,methodology]
//! [--paper a4|letter] [--band LOW-HIGH] [--conversion-page PATTERN ...]`: the PDF report of a project under a rule
//! set — cover, executive summary (the answer in plain words, the key figures against the previous period, the
//! preparer's findings), sessions and clicks over time, channel and campaign tables, the click/session
//! discrepancy, and the methodology appendix; the sections after the summary can be left out.
//! Built by `sessionlens_report::build_report` and rendered offline by `sessionlens_report::render_pdf`, the same
//! two calls the app makes.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::ValueEnum;
use sessionlens_core::conversion::ConversionGoals;
use sessionlens_core::discrepancy::Band;
use sessionlens_core::{Error, Result};
use sessionlens_report::{build_report, render_pdf, Options, Paper, ReportDate, ReportError, ReportRequest, Sections};

use crate::discrepancy::parse_band;
use crate::metrics::{date_range, parse_date};
use crate::rules::RuleArgs;
use crate::sessionize::open_existing;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PaperArg {
    A4,
    Letter,
}

#[derive(clap::Args)]
pub struct Args {
    project: PathBuf,
    #[command(flatten)]
    rules: RuleArgs,
    /// The PDF file to write
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
    /// First day (view time zone), YYYY-MM-DD [default: the first day with data]
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "to")]
    from: Option<NaiveDate>,
    /// Last day (view time zone, inclusive), YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "from")]
    to: Option<NaiveDate>,
    /// The cover's headline [default: Sessions and ad clicks]
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// Who the report is for [default: the project's name]
    #[arg(long, value_name = "TEXT")]
    client: Option<String>,
    /// Who prepared it, for the cover (an agency or a team)
    #[arg(long, value_name = "TEXT")]
    agency: Option<String>,
    /// A UTF-8 text file of findings and next steps for the summary page (blank lines separate paragraphs)
    #[arg(long, value_name = "FILE")]
    findings: Option<PathBuf>,
    /// The parts to print, comma-separated: summary, traffic, discrepancy, methodology (the cover and summary
    /// are always printed) [default: all]
    #[arg(long, value_name = "PART,...", value_delimiter = ',')]
    sections: Vec<String>,
    /// A logo for the cover: PNG, JPEG or SVG
    #[arg(long, value_name = "FILE")]
    logo: Option<PathBuf>,
    /// Page size
    #[arg(long, value_enum, default_value = "a4")]
    paper: PaperArg,
    /// Expected sessions per 100 clicks, as LOW-HIGH per cent
    #[arg(long, value_name = "LOW-HIGH", default_value = "80-120", value_parser = parse_band)]
    band: Band,
    /// A page that counts as a conversion ('*' matches anything); repeatable
    #[arg(long = "conversion-page", value_name = "PATTERN")]
    conversion_page: Vec<String>,
}

fn report_error(e: ReportError) -> Error {
    match e {
        ReportError::Core(e) => e,
        other => Error::InvalidInput(other.to_string()),
    }
}

pub fn run(args: Args) -> Result<()> {
    let rules = args.rules.rule_set()?;
    let project = open_existing(&args.project)?;
    let read = |path: &PathBuf| std::fs::read(path).map_err(|e| Error::Io { path: path.clone(), source: e });
    let logo = args.logo.as_ref().map(read).transpose()?;
    let findings = match &args.findings {
        Some(path) => Some(String::from_utf8(read(path)?).map_err(|_| {
            Error::InvalidInput(format!("{} is not UTF-8 text; save the findings as UTF-8", path.display()))
        })?),
        None => None,
    };
    let sections = if args.sections.is_empty() {
        Sections::default()
    } else {
        Sections::named(args.sections.iter().map(String::as_str)).map_err(report_error)?
    };
    let request = ReportRequest {
        range: date_range(args.from, args.to)?,
        band: args.band,
        client: args.client,
        agency: args.agency,
        title: args.title.clone(),
        findings,
        sections,
        extra_goals: ConversionGoals { events: Vec::new(), pages: args.conversion_page },
        ..ReportRequest::new(rules)
    };
    let data = build_report(&project, &request).map_err(report_error)?;
    let options = Options {
        paper: match args.paper {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        },
        logo,
        title: args.title,
        today: ReportDate::today(),
    };
    let pdf = render_pdf(&data, &options).map_err(report_error)?;
    std::fs::write(&args.out, &pdf).map_err(|e| Error::Io { path: args.out.clone(), source: e })?;
    eprintln!("wrote the report ({} KB) to {}", pdf.len().div_ceil(1024), args.out.display());
    Ok(())
}
