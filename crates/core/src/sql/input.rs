//! What a script reads: the table `hits` of the contract ([`crate::export::hits`]), or a GA4
//! BigQuery export's `events_*` tables, which the script then turns into that same `hits` as
//! its first step, so everything after it is one text whatever the input.
//!
//! **The GA4 export step** (BigQuery only: the export lives there) maps each event to the hit
//! the native GA4 importer (`crate::import::ga4`) and the project's loader make of it:
//!
//! - `ts`: `event_timestamp` (µs, UTC) truncated to the millisecond;
//! - `visitor_id` `user_pseudo_id`, `user_id`, `event_name`; `source_session_id`, `url` and
//!   `referrer` the event parameters `ga_session_id`, `page_location` and `page_referrer`
//!   (a parameter's first value that is set, of `string_value`, `int_value`, `double_value`,
//!   `float_value`, as text; the first parameter of the key wins);
//! - `hit_type` `pageview` for `page_view`, `screen_view` (and the other page-view names the
//!   importer knows, in any case), else `event`; `interaction` false only for an event whose
//!   `non_interaction` parameter is a true flag (`1`, `true`, `t`, `yes`, `y`);
//! - campaign tags from `collected_traffic_source` (`manual_*`; click id `gclid`, else
//!   `dclid`), each empty one taken from `page_location`'s query string as the loader takes it:
//!   the first non-empty `utm_*` value, percent-decoded with `+` as a space, and the first
//!   non-empty ad click id of [`crate::url::CLICK_ID_PARAMS`]. `traffic_source` is the user's
//!   first touch, never a hit's, and is not read;
//! - `user_agent` and `ip` are absent (the export has neither);
//! - an event without `event_timestamp` or `event_name` is left out (the importer rejects it).
//!
//! `session_engaged` is not read: the hits contract has no column for it, so
//! `--engaged-as-recorded` stays refused. Two values are BigQuery's own: a `double_value` or
//! `float_value` reads as its text of the number, which may differ from the JSON export's
//! (`1.0`), and invalid UTF-8 in a run of percent-escapes becomes U+FFFD per run.
//! `scripts/sql-equality.sh` runs the script (translated to DuckDB) over nested events in the
//! export's shape and compares it with the native import of the same events.

use chrono::NaiveDate;

use super::script::WHITE_SPACE;
use super::Dialect;
use crate::error::{Error, Result};
use crate::url::CLICK_ID_PARAMS;

/// The table a script starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A table `hits` with the contract's columns.
    Hits,
    /// A GA4 BigQuery export, read by the script itself.
    Ga4Export(Ga4Export),
}

/// A GA4 BigQuery export: its table and the days of its daily tables to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ga4Export {
    /// `project.dataset.events_*` (a wildcard over the daily tables) or one daily table.
    pub table: String,
    /// The first and last day of the `events_YYYYMMDD` tables read (`_TABLE_SUFFIX`), inclusive;
    /// `None`: every table the name matches (with a wildcard also `events_intraday_*`).
    pub days: Option<(NaiveDate, NaiveDate)>,
}

impl Ga4Export {
    /// The placeholder of `sessionlens sql --ga4-table`: the export's dataset is named
    /// `analytics_` and the property id.
    pub const DEFAULT_TABLE: &'static str = "project.analytics_123456789.events_*";

    /// Checks the table name (letters, digits, `_ - . : *`: nothing to escape in a quoted
    /// BigQuery name) and that a day range has a wildcard table and its days in order.
    pub(super) fn validate(&self) -> Result<()> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '*');
        if self.table.is_empty() || !self.table.chars().all(allowed) {
            return Err(Error::InvalidInput(format!(
                "'{}' is not a BigQuery table name such as {} (letters, digits and _ - . : * only)",
                self.table,
                Self::DEFAULT_TABLE
            )));
        }
        if let Some((from, to)) = self.days {
            if !self.table.ends_with('*') {
                return Err(Error::InvalidInput(format!(
                    "a day range reads the daily tables of a wildcard table such as {}; '{}' has no *",
                    Self::DEFAULT_TABLE,
                    self.table
                )));
            }
            if from > to {
                return Err(Error::InvalidInput(format!("the day range {from} to {to} ends before it starts")));
            }
        }
        Ok(())
    }
}

/// The page-view event names of the importer (`import::mapped::is_page_view_name`), lower case.
const PAGE_VIEW_NAMES: [&str; 6] = ["page_view", "pageview", "page", "page view", "$pageview", "screen_view"];
/// The texts `import::mapped::parse_flag` reads as true.
const TRUE_FLAGS: [&str; 5] = ["1", "true", "t", "yes", "y"];
/// `collected_traffic_source` fields of the contract's tags, in its order.
const COLLECTED_TAGS: [(&str, &str); 5] = [
    ("utm_source", "manual_source"),
    ("utm_medium", "manual_medium"),
    ("utm_campaign", "manual_campaign_name"),
    ("utm_term", "manual_term"),
    ("utm_content", "manual_content"),
];

/// The common table expressions that yield `hits` from `export`, in BigQuery SQL.
pub(super) fn ga4_hits(export: &Ga4Export) -> Vec<(&'static str, String)> {
    let d = Dialect::BigQuery;
    let mut filter =
        vec!["event_timestamp IS NOT NULL".to_string(), "event_name IS NOT NULL AND event_name <> ''".into()];
    if let Some((from, to)) = export.days {
        filter.push(format!(
            "_TABLE_SUFFIX BETWEEN {} AND {}",
            d.string(&from.format("%Y%m%d").to_string()),
            d.string(&to.format("%Y%m%d").to_string())
        ));
    }
    let mut event = vec![
        "TIMESTAMP_TRUNC(TIMESTAMP_MICROS(event_timestamp), MILLISECOND) AS ts".to_string(),
        "user_pseudo_id AS visitor_id".into(),
        "user_id".into(),
        format!("{} AS source_session_id", param("ga_session_id")),
        "event_name".into(),
        format!("{} AS non_interaction", param("non_interaction")),
        format!("{} AS url", param("page_location")),
        format!("{} AS referrer", param("page_referrer")),
    ];
    event.extend(
        COLLECTED_TAGS.iter().map(|(tag, field)| format!("collected_traffic_source.{field} AS collected_{tag}")),
    );
    event.push("collected_traffic_source.gclid AS collected_gclid".into());
    event.push("collected_traffic_source.dclid AS collected_dclid".into());
    let ga4_event =
        format!("SELECT\n  {}\nFROM `{}`\nWHERE {}", event.join(",\n  "), export.table, filter.join("\n  AND "));

    let names: Vec<String> = PAGE_VIEW_NAMES.iter().map(|n| d.string(n)).collect();
    let flags: Vec<String> = TRUE_FLAGS.iter().map(|f| d.string(f)).collect();
    let mut hit = vec![
        "ts".to_string(),
        "visitor_id".into(),
        "user_id".into(),
        "source_session_id".into(),
        format!("CASE WHEN LOWER(event_name) IN ({}) THEN 'pageview' ELSE 'event' END AS hit_type", names.join(", ")),
        "event_name".into(),
        format!(
            "NOT COALESCE(LOWER({}) IN ({}), FALSE) AS interaction",
            d.trim_class("non_interaction", WHITE_SPACE),
            flags.join(", ")
        ),
        "url".into(),
        "referrer".into(),
        "CAST(NULL AS STRING) AS user_agent".into(),
        "CAST(NULL AS STRING) AS ip".into(),
    ];
    hit.extend(COLLECTED_TAGS.iter().map(|(tag, _)| {
        let from_url = percent_decoded(&format!("REGEXP_EXTRACT(url_query, r'(?:^|&){tag}=([^&]+)')"));
        format!("COALESCE(NULLIF(collected_{tag}, ''), {from_url}) AS {tag}")
    }));
    let click_ids = CLICK_ID_PARAMS.join("|");
    let collected = "WHEN collected_gclid <> '' THEN 'gclid' WHEN collected_dclid <> '' THEN 'dclid'";
    hit.push(format!(
        "CASE {collected} ELSE REGEXP_EXTRACT(url_query, r'(?:^|&)({click_ids})=[^&]') END AS click_id_param"
    ));
    hit.push(format!(
        "CASE WHEN collected_gclid <> '' THEN collected_gclid WHEN collected_dclid <> '' THEN collected_dclid\n    \
         ELSE {} END AS click_id",
        percent_decoded(&format!("REGEXP_EXTRACT(url_query, r'(?:^|&)(?:{click_ids})=([^&]+)')"))
    ));
    let hits = format!(
        "SELECT\n  {}\nFROM (SELECT e.*, REGEXP_EXTRACT(url, r'\\?([^#]*)') AS url_query FROM ga4_event AS e) AS e",
        hit.join(",\n  ")
    );
    vec![("ga4_event", ga4_event), ("hits", hits)]
}

/// The text of the event parameter `key`: the first parameter of that key with a value, its
/// first value set, as text.
fn param(key: &str) -> String {
    format!(
        "(SELECT COALESCE(p.value.string_value, CAST(p.value.int_value AS STRING), \
         CAST(p.value.double_value AS STRING), CAST(p.value.float_value AS STRING))\n    \
         FROM UNNEST(event_params) AS p WITH OFFSET AS n WHERE p.key = {} AND p.value IS NOT NULL \
         ORDER BY n LIMIT 1)",
        Dialect::BigQuery.string(key)
    )
}

/// `text` percent-decoded as [`crate::url::percent_decode`] does it: `+` a space, each run
/// of `%XX` escapes the UTF-8 text of its bytes (invalid bytes U+FFFD), any other `%` as is.
fn percent_decoded(text: &str) -> String {
    format!(
        "(SELECT STRING_AGG(IF(STARTS_WITH(part, '%') AND LENGTH(part) > 1,\n      \
         SAFE_CONVERT_BYTES_TO_STRING(FROM_HEX(REPLACE(part, '%', ''))), part), '' ORDER BY k)\n    \
         FROM UNNEST(REGEXP_EXTRACT_ALL(REPLACE({text}, '+', ' '), r'(?:%[0-9A-Fa-f]{{2}})+|%|[^%]+')) AS part \
         WITH OFFSET AS k)"
    )
}
