//! `sessionlens sql --dialect duckdb|spark|bigquery|snowflake|postgres [--input hits|ga4-export]
//! [rule flags]`: prints the SQL script that turns a table `hits` (as `sessionlens export hits`
//! writes it) into a table `sessions` under the rule set, for data that outgrows this machine.
//! With `--input ga4-export` the BigQuery script reads a GA4 export's `events_*` tables itself
//! (`--ga4-table`, and `--from`/`--to` for the days of its daily tables). A rule the dialect
//! cannot express exactly is refused, naming its flag (see `sessionlens_core::sql`).

use chrono::NaiveDate;
use clap::ValueEnum;
use sessionlens_core::sql::{compile, Dialect, Ga4Export, Input};
use sessionlens_core::{Error, Result};

use crate::metrics::parse_date;
use crate::rules::RuleArgs;

#[derive(clap::Args)]
#[command(after_long_help = "The script reads a table `hits` with the columns of `sessionlens export hits` \
    (ts TIMESTAMP in UTC, interaction BOOLEAN, every other column text), or with --input ga4-export \
    (BigQuery) a GA4 export's events, and writes a table `sessions` with the columns of \
    `sessionlens export sessions`. See docs/sql.md.")]
pub struct Args {
    /// The SQL dialect: duckdb, spark, bigquery, snowflake, postgres
    #[arg(long, value_name = "DIALECT", value_parser = parse_dialect)]
    dialect: Dialect,
    /// What the script reads: the table `hits`, or a GA4 BigQuery export's events (bigquery only)
    #[arg(long, value_enum, value_name = "INPUT", default_value = "hits")]
    input: InputKind,
    #[arg(long, value_name = "TABLE", help = format!(
        "With --input ga4-export, the export's table: a wildcard over its daily tables [default: {}]",
        Ga4Export::DEFAULT_TABLE
    ))]
    ga4_table: Option<String>,
    /// With --input ga4-export, read only the daily tables from this day (YYYY-MM-DD, the property's day)
    #[arg(long, value_name = "DAY", value_parser = parse_date, requires = "to")]
    from: Option<NaiveDate>,
    /// With --input ga4-export, read only the daily tables up to this day (inclusive)
    #[arg(long, value_name = "DAY", value_parser = parse_date, requires = "from")]
    to: Option<NaiveDate>,
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum InputKind {
    Hits,
    Ga4Export,
}

fn parse_dialect(s: &str) -> Result<Dialect, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

pub fn run(args: Args) -> Result<()> {
    let input = match args.input {
        InputKind::Ga4Export => Input::Ga4Export(Ga4Export {
            table: args.ga4_table.unwrap_or_else(|| Ga4Export::DEFAULT_TABLE.into()),
            days: args.from.zip(args.to),
        }),
        InputKind::Hits if args.ga4_table.is_some() || args.from.is_some() => {
            return Err(Error::InvalidInput("--ga4-table, --from and --to go with --input ga4-export".into()));
        }
        InputKind::Hits => Input::Hits,
    };
    print!("{}", compile(&args.rules.rule_set()?, args.dialect, &input)?);
    Ok(())
}
