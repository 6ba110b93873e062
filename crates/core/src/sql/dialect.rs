//! The SQL dialects a script can be written in, and the few expressions in which they differ.
//! Everything else the generator writes is SQL all five accept.

use std::str::FromStr;

use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    DuckDb,
    /// Spark SQL (3.1 or later).
    Spark,
    BigQuery,
    Snowflake,
    Postgres,
}

impl Dialect {
    pub const ALL: [Dialect; 5] =
        [Dialect::DuckDb, Dialect::Spark, Dialect::BigQuery, Dialect::Snowflake, Dialect::Postgres];

    /// The name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::DuckDb => "duckdb",
            Dialect::Spark => "spark",
            Dialect::BigQuery => "bigquery",
            Dialect::Snowflake => "snowflake",
            Dialect::Postgres => "postgres",
        }
    }

    /// The name for people.
    pub fn title(self) -> &'static str {
        match self {
            Dialect::DuckDb => "DuckDB",
            Dialect::Spark => "Spark",
            Dialect::BigQuery => "BigQuery",
            Dialect::Snowflake => "Snowflake",
            Dialect::Postgres => "PostgreSQL",
        }
    }

    /// Does the dialect search with RE2 or Java regular expressions, whose `\p{Nd}` and
    /// escapes match as the bot filter's Rust expressions do?
    pub(super) fn has_unicode_regex(self) -> bool {
        matches!(self, Dialect::DuckDb | Dialect::Spark | Dialect::BigQuery)
    }

    /// Backslash escapes in string literals?
    fn backslash_escapes(self) -> bool {
        matches!(self, Dialect::Spark | Dialect::BigQuery | Dialect::Snowflake)
    }

    /// `s` as a string literal.
    pub(super) fn string(self, s: &str) -> String {
        if self.backslash_escapes() {
            let escaped = s.replace('\\', "\\\\").replace('\'', "\\'").replace('\n', "\\n").replace('\r', "\\r");
            format!("'{escaped}'")
        } else {
            format!("'{}'", s.replace('\'', "''"))
        }
    }

    /// A column name that may be a reserved word (`end`).
    pub(super) fn ident(self, name: &str) -> String {
        match self {
            Dialect::Spark | Dialect::BigQuery => format!("`{name}`"),
            Dialect::DuckDb | Dialect::Snowflake | Dialect::Postgres => format!("\"{name}\""),
        }
    }

    pub(super) fn text_type(self) -> &'static str {
        match self {
            Dialect::Spark | Dialect::BigQuery => "STRING",
            Dialect::DuckDb | Dialect::Snowflake => "VARCHAR",
            Dialect::Postgres => "TEXT",
        }
    }

    /// `expr` cast to text.
    pub(super) fn text(self, expr: &str) -> String {
        format!("CAST({expr} AS {})", self.text_type())
    }

    /// A string column in an `ORDER BY` that must compare bytes, as the engine does.
    pub(super) fn byte_order(self, column: &str) -> String {
        match self {
            Dialect::Postgres => format!("{column} COLLATE \"C\""),
            _ => column.to_string(),
        }
    }

    /// Milliseconds since the Unix epoch of the UTC TIMESTAMP `ts`.
    pub(super) fn epoch_ms(self, ts: &str) -> String {
        match self {
            Dialect::DuckDb => format!("epoch_ms({ts})"),
            Dialect::Spark => format!("unix_millis({ts})"),
            Dialect::BigQuery => format!("UNIX_MILLIS({ts})"),
            Dialect::Snowflake => format!("DATE_PART(EPOCH_MILLISECOND, {ts})"),
            Dialect::Postgres => format!("CAST(FLOOR(EXTRACT(EPOCH FROM {ts}) * 1000) AS BIGINT)"),
        }
    }

    /// Integer division of non-negative integers.
    pub(super) fn int_div(self, a: &str, b: &str) -> String {
        match self {
            Dialect::DuckDb => format!("(({a}) // ({b}))"),
            Dialect::Spark => format!("(({a}) DIV ({b}))"),
            // Operands in parentheses: sqlglot translates DIV(a - 1, b) to `a - 1 // b`.
            Dialect::BigQuery => format!("DIV(({a}), ({b}))"),
            Dialect::Snowflake => format!("FLOOR(({a}) / ({b}))"),
            Dialect::Postgres => format!("(({a}) / ({b}))"),
        }
    }

    /// The local date in `zone` (an IANA name) of the UTC TIMESTAMP `ts`, through the engine's
    /// own time zone conversion (DST-safe).
    pub(super) fn local_date(self, ts: &str, zone: &str) -> String {
        if zone == "UTC" {
            return format!("CAST({ts} AS DATE)");
        }
        let z = self.string(zone);
        match self {
            Dialect::DuckDb | Dialect::Postgres => format!("CAST(({ts} AT TIME ZONE 'UTC') AT TIME ZONE {z} AS DATE)"),
            // The script sets the session time zone to UTC first.
            Dialect::Spark => format!("to_date(from_utc_timestamp({ts}, {z}))"),
            Dialect::BigQuery => format!("DATE({ts}, {z})"),
            Dialect::Snowflake => format!("CAST(CONVERT_TIMEZONE('UTC', {z}, {ts}) AS DATE)"),
        }
    }

    /// Lower-case hex MD5 of the UTF-8 bytes of `expr`.
    pub(super) fn md5_hex(self, expr: &str) -> String {
        match self {
            Dialect::BigQuery => format!("TO_HEX(MD5({expr}))"),
            _ => format!("MD5({expr})"),
        }
    }

    /// Does `needle` occur in `haystack` (case-sensitively)? For the bot filter, so only for
    /// dialects with [`Dialect::has_unicode_regex`].
    pub(super) fn contains(self, haystack: &str, needle: &str) -> String {
        match self {
            Dialect::Spark => format!("instr({haystack}, {needle}) > 0"),
            _ => format!("strpos({haystack}, {needle}) > 0"),
        }
    }

    /// Does the regular expression `pattern` (a column or literal) match anywhere in `text`?
    /// Only for dialects with [`Dialect::has_unicode_regex`].
    pub(super) fn regex_search(self, text: &str, pattern: &str) -> String {
        match self {
            Dialect::Spark => format!("{text} RLIKE {pattern}"),
            Dialect::BigQuery => format!("REGEXP_CONTAINS({text}, {pattern})"),
            _ => format!("regexp_matches({text}, {pattern})"),
        }
    }

    /// `text` without a leading or trailing match of `class` (one anchored replace each, as
    /// some dialects replace only the first match).
    pub(super) fn trim_class(self, text: &str, class: &str) -> String {
        let (head, tail) = (self.string(&format!("^{class}+")), self.string(&format!("{class}+$")));
        format!("regexp_replace(regexp_replace({text}, {head}, ''), {tail}, '')")
    }

    /// A query giving one text column `column` with a row per item (at least one).
    pub(super) fn rows(self, column: &str, items: &[String]) -> String {
        let literals: Vec<String> = items.iter().map(|i| self.string(i)).collect();
        match self {
            Dialect::BigQuery => format!("SELECT {column} FROM UNNEST([{}]) AS {column}", literals.join(", ")),
            _ => {
                let rows: Vec<String> = literals.iter().map(|l| format!("({l})")).collect();
                match self {
                    Dialect::Spark => format!("SELECT * FROM VALUES {} AS t({column})", rows.join(", ")),
                    Dialect::Snowflake => format!("SELECT column1 AS {column} FROM VALUES {}", rows.join(", ")),
                    _ => format!("SELECT * FROM (VALUES {}) AS t({column})", rows.join(", ")),
                }
            }
        }
    }

    /// Statements that replace table `name` with the result of `query`.
    pub(super) fn create_table(self, name: &str, query: &str) -> String {
        match self {
            Dialect::Spark => {
                format!("SET TIME ZONE 'UTC';\nDROP TABLE IF EXISTS {name};\nCREATE TABLE {name} USING parquet AS\n{query};\n")
            }
            Dialect::Postgres => format!("DROP TABLE IF EXISTS {name};\nCREATE TABLE {name} AS\n{query};\n"),
            _ => format!("CREATE OR REPLACE TABLE {name} AS\n{query};\n"),
        }
    }
}

impl FromStr for Dialect {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Dialect::ALL.into_iter().find(|d| d.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Dialect::ALL.iter().map(|d| d.as_str()).collect();
            Error::InvalidInput(format!("unknown SQL dialect '{s}' (one of {})", names.join(", ")))
        })
    }
}
