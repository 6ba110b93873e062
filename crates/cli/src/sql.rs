//! `sessionlens sql --dialect duckdb|spark|bigquery|snowflake|postgres [rule flags]`: prints
//! the SQL script that turns a table `hits` (as `sessionlens export hits` writes it) into a
//! table `sessions` under the rule set, for data that outgrows this machine. A rule the
//! dialect cannot express exactly is refused, naming its flag (see `sessionlens_core::sql`).

use sessionlens_core::sql::{compile, Dialect};
use sessionlens_core::{Error, Result};

use crate::rules::RuleArgs;

#[derive(clap::Args)]
#[command(after_long_help = "The script reads a table `hits` with the columns of `sessionlens export hits` \
    (ts TIMESTAMP in UTC, interaction BOOLEAN, every other column text) and writes a table `sessions` \
    with the columns of `sessionlens export sessions`. See docs/sql.md.")]
pub struct Args {
    /// The SQL dialect: duckdb, spark, bigquery, snowflake, postgres
    #[arg(long, value_name = "DIALECT", value_parser = parse_dialect)]
    dialect: Dialect,
    #[command(flatten)]
    rules: RuleArgs,
}

fn parse_dialect(s: &str) -> Result<Dialect, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

pub fn run(args: Args) -> Result<()> {
    print!("{}", compile(&args.rules.rule_set()?, args.dialect)?);
    Ok(())
}
