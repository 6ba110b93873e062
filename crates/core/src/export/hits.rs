//! The hits table contract: every hit of a project as the sessionization engine sees it, one
//! row per hit in the engine's canonical order, for the SQL scripts of [`crate::sql`] to
//! sessionize elsewhere (DuckDB, Spark, BigQuery, Snowflake, PostgreSQL).
//!
//! Columns ([`HIT_COLUMNS`]), all text but `ts` and `interaction`: `ts`, `visitor_id`,
//! `user_id`, `source_session_id`, `hit_type`, `event_name`, `interaction`, `url`, `referrer`,
//! `user_agent`, `ip`, `utm_source`, `utm_medium`, `utm_campaign`, `utm_term`, `utm_content`,
//! `click_id_param`, `click_id`.
//!
//! Values are the engine's: campaign tags as the loader filled them from landing URLs, IPs as
//! stored (truncated or hashed if the import did so), an absent value as an empty cell. Unlike
//! the other exports this file is for machines: cells are never prefixed to keep spreadsheets
//! from running them as formulas, so a user agent of `-` stays `-`. Identifiers stay text: read
//! the file with every column as a string (a client id such as `1443685882.1682380031` is not
//! a number) and cast `ts` to a timestamp and `interaction` to a boolean.
//!
//! The same table as Parquet ([`HitsFormat::Parquet`], snappy-compressed) carries its types:
//! `ts` a TIMESTAMP in milliseconds adjusted to UTC, `interaction` a BOOLEAN, every other column
//! a UTF-8 string (ids stay strings), an absent value NULL rather than empty.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use chrono::DateTime;
use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use super::Column;
use crate::error::{Error, Result};
use crate::sessionize::{Campaign, HitTable, HitView};

const fn col(name: &'static str, meaning: &'static str) -> Column {
    Column { name, meaning }
}

pub const HIT_COLUMNS: [Column; 18] = [
    col("ts", "UTC time, `YYYY-MM-DD HH:MM:SS.mmm` (no offset: it is UTC)"),
    col("visitor_id", "the source's visitor id (GA client id, user_pseudo_id, Snowplow domain_userid)"),
    col("user_id", "the logged-in user id"),
    col("source_session_id", "the source's own session id (ga_session_id, visitId, domain_sessionid)"),
    col("hit_type", "pageview, event or asset"),
    col("event_name", "event name (page_view for page views when the source has none)"),
    col("interaction", "true when the hit counts as an interaction (GA's non-interaction flag inverted)"),
    col("url", "full URL where known, else a path"),
    col("referrer", "the referring URL"),
    col("user_agent", "the browser's user agent"),
    col("ip", "the client address as stored (truncated or hashed if the import did so)"),
    col("utm_source", "campaign source, tagged or from the landing URL"),
    col("utm_medium", "campaign medium"),
    col("utm_campaign", "campaign name"),
    col("utm_term", "campaign term"),
    col("utm_content", "campaign content"),
    col("click_id_param", "the ad click id's parameter (gclid, msclkid, fbclid, ...)"),
    col("click_id", "the ad click id"),
];

/// The file formats of the hits table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HitsFormat {
    Csv,
    Parquet,
}

impl HitsFormat {
    /// Parquet for a file name ending in `.parquet`, else CSV.
    pub fn of_path(path: &Path) -> HitsFormat {
        match path.extension() {
            Some(ext) if ext.eq_ignore_ascii_case("parquet") => HitsFormat::Parquet,
            _ => HitsFormat::Csv,
        }
    }
}

impl FromStr for HitsFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "csv" => Ok(HitsFormat::Csv),
            "parquet" => Ok(HitsFormat::Parquet),
            _ => Err(Error::InvalidInput(format!("unknown hits table format '{s}' (csv or parquet)"))),
        }
    }
}

/// A cell of the hits table: `ts`, `interaction`, or text (empty when absent).
#[derive(Clone, Copy)]
enum Cell<'h> {
    Time(i64),
    Flag(bool),
    Text(&'h str),
}

/// The hit's cells in [`HIT_COLUMNS`] order.
fn cells<'h>(h: &HitView<'h>) -> [Cell<'h>; HIT_COLUMNS.len()] {
    let c: &'h Campaign = h.campaign;
    [
        Cell::Time(h.ts_ms),
        Cell::Text(h.client_id),
        Cell::Text(h.user_id),
        Cell::Text(h.source_session_id),
        Cell::Text(h.hit_type.as_str()),
        Cell::Text(h.event),
        Cell::Flag(h.interaction),
        Cell::Text(h.url),
        Cell::Text(h.referrer),
        Cell::Text(h.user_agent),
        Cell::Text(h.ip),
        Cell::Text(&c.source),
        Cell::Text(&c.medium),
        Cell::Text(&c.name),
        Cell::Text(&c.term),
        Cell::Text(&c.content),
        Cell::Text(&c.click_id_param),
        Cell::Text(&c.click_id),
    ]
}

/// `ts` as the CSV writes it: UTC with milliseconds, no offset.
fn utc_time(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map_or_else(|| ms.to_string(), |t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
}

/// Writes every hit of `table` to the file at `path` in `format`; returns the row count.
/// Errors name `path`.
pub fn save_hits(path: &Path, table: &HitTable, format: HitsFormat) -> Result<u64> {
    let file = File::create(path).map_err(|e| Error::io(path, e))?;
    let out = BufWriter::new(file);
    let written = match format {
        HitsFormat::Csv => write_hits(out, table),
        HitsFormat::Parquet => write_hits_parquet(out, table),
    };
    written.map_err(|e| match e {
        Error::Io { source, .. } => Error::io(path, source),
        other => other,
    })
}

/// Every hit of `table` as CSV in the table's order; returns the row count.
pub fn write_hits<W: Write>(out: W, table: &HitTable) -> Result<u64> {
    let failed = |e: csv::Error| Error::Io { path: "the CSV output".into(), source: std::io::Error::other(e) };
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(HIT_COLUMNS.iter().map(|c| c.name)).map_err(failed)?;
    for i in 0..table.len() {
        let record = cells(&table.hit(i)).map(|cell| match cell {
            Cell::Time(ms) => utc_time(ms),
            Cell::Flag(flag) => flag.to_string(),
            Cell::Text(text) => text.to_string(),
        });
        csv.write_record(&record).map_err(failed)?;
    }
    csv.flush().map_err(|e| Error::Io { path: "the CSV output".into(), source: e })?;
    Ok(table.len() as u64)
}

/// Hits per Parquet row group: each column of a group is gathered in memory before it is written.
const ROW_GROUP_HITS: usize = 256 * 1024;

/// Every hit of `table` as a snappy-compressed Parquet file in the table's order; returns the
/// row count.
pub fn write_hits_parquet<W: Write + Send>(out: W, table: &HitTable) -> Result<u64> {
    let failed = |e: parquet::errors::ParquetError| Error::Io {
        path: "the Parquet output".into(),
        source: std::io::Error::other(e),
    };
    let fields: Vec<String> = HIT_COLUMNS
        .iter()
        .map(|c| match c.name {
            "ts" => "REQUIRED INT64 ts (TIMESTAMP(MILLIS,true));".to_string(),
            "interaction" => "REQUIRED BOOLEAN interaction;".to_string(),
            name => format!("OPTIONAL BYTE_ARRAY {name} (STRING);"),
        })
        .collect();
    let schema = parse_message_type(&format!("message hits {{ {} }}", fields.join(" "))).map_err(failed)?;
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("SessionLens {}", env!("CARGO_PKG_VERSION")))
        .build();
    let mut writer = SerializedFileWriter::new(out, Arc::new(schema), Arc::new(properties)).map_err(failed)?;
    for first in (0..table.len()).step_by(ROW_GROUP_HITS) {
        let rows = first..table.len().min(first + ROW_GROUP_HITS);
        let mut group = writer.next_row_group().map_err(failed)?;
        let mut column = 0;
        while let Some(mut out) = group.next_column().map_err(failed)? {
            let values: Vec<Cell> = rows.clone().map(|i| cells(&table.hit(i))[column]).collect();
            let written = match values.first() {
                Some(Cell::Time(_)) => {
                    let times: Vec<i64> =
                        values.iter().filter_map(|c| if let Cell::Time(t) = c { Some(*t) } else { None }).collect();
                    out.typed::<Int64Type>().write_batch(&times, None, None)
                }
                Some(Cell::Flag(_)) => {
                    let flags: Vec<bool> =
                        values.iter().filter_map(|c| if let Cell::Flag(f) = c { Some(*f) } else { None }).collect();
                    out.typed::<BoolType>().write_batch(&flags, None, None)
                }
                _ => {
                    let texts: Vec<&str> =
                        values.iter().filter_map(|c| if let Cell::Text(t) = c { Some(*t) } else { None }).collect();
                    let defined: Vec<i16> = texts.iter().map(|t| i16::from(!t.is_empty())).collect();
                    let present: Vec<ByteArray> =
                        texts.iter().filter(|t| !t.is_empty()).map(|t| ByteArray::from(*t)).collect();
                    out.typed::<ByteArrayType>().write_batch(&present, Some(&defined), None)
                }
            };
            written.map_err(failed)?;
            out.close().map_err(failed)?;
            column += 1;
        }
        group.close().map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(failed)?
        .flush()
        .map_err(|e| Error::Io { path: "the Parquet output".into(), source: e })?;
    Ok(table.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CampaignTags, HitRow, HitType};
    use crate::sessionize::HitTableBuilder;

    #[test]
    fn hits_keep_ids_as_text_and_cells_unprefixed() {
        let mut b = HitTableBuilder::new();
        b.push(&HitRow {
            ts_ms: 1_709_287_620_123,
            hit_type: HitType::Event,
            event: "scroll",
            interaction: false,
            client_id: "1443685882.1682380031",
            url: "https://shop.example/?gclid=x",
            user_agent: "-",
            tags: CampaignTags { click_id_param: "gclid", click_id: "x", ..Default::default() },
            ..Default::default()
        });
        let table = b.finish();
        let mut bytes = Vec::new();
        assert_eq!(write_hits(&mut bytes, &table).unwrap(), 1);
        let text = String::from_utf8(bytes).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        assert_eq!(header.split(',').count(), HIT_COLUMNS.len());
        assert_eq!(
            lines.next().unwrap(),
            "2024-03-01 10:07:00.123,1443685882.1682380031,,,event,scroll,false,https://shop.example/?gclid=x,,-,,,,,,,gclid,x"
        );
    }

    #[test]
    fn parquet_hits_carry_a_utc_timestamp_a_boolean_and_strings_with_absent_values_null() {
        use parquet::basic::{LogicalType, TimeUnit, Type as Physical};
        use parquet::file::reader::{FileReader, SerializedFileReader};
        use parquet::record::Field;

        let mut b = HitTableBuilder::new();
        for (ts_ms, client_id, interaction) in
            [(1_709_287_620_123, "1443685882.1682380031", false), (1_709_287_500_000, "007", true)]
        {
            b.push(&HitRow {
                ts_ms,
                hit_type: HitType::PageView,
                event: "page_view",
                interaction,
                client_id,
                url: "/",
                ..Default::default()
            });
        }
        let table = b.finish();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hits.PARQUET");
        assert_eq!(HitsFormat::of_path(&path), HitsFormat::Parquet);
        assert_eq!(HitsFormat::of_path(Path::new("hits.csv")), HitsFormat::Csv);
        assert_eq!(save_hits(&path, &table, HitsFormat::of_path(&path)).unwrap(), 2);

        let reader = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
        let schema = reader.metadata().file_metadata().schema_descr_ptr();
        let names: Vec<&str> = schema.columns().iter().map(|c| c.name()).collect();
        assert_eq!(names, HIT_COLUMNS.map(|c| c.name));
        for column in schema.columns() {
            let expected = match column.name() {
                "ts" => (Physical::INT64, Some(LogicalType::timestamp(true, TimeUnit::MILLIS))),
                "interaction" => (Physical::BOOLEAN, None),
                _ => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
            };
            assert_eq!((column.physical_type(), column.logical_type_ref().cloned()), expected, "{}", column.name());
        }
        let rows: Vec<Vec<(String, Field)>> =
            reader.get_row_iter(None).unwrap().map(|r| r.unwrap().into_columns()).collect();
        let cell = |row: usize, name: &str| rows[row].iter().find(|(n, _)| n == name).unwrap().1.clone();
        // In the table's (time) order; ids as strings, leading zeros kept.
        assert_eq!(cell(0, "ts"), Field::TimestampMillis(1_709_287_500_000));
        assert_eq!(cell(0, "visitor_id"), Field::Str("007".into()));
        assert_eq!(cell(1, "visitor_id"), Field::Str("1443685882.1682380031".into()));
        assert_eq!((cell(0, "interaction"), cell(1, "interaction")), (Field::Bool(true), Field::Bool(false)));
        assert_eq!(cell(1, "hit_type"), Field::Str("pageview".into()));
        assert_eq!(cell(1, "user_id"), Field::Null, "absent is NULL in Parquet");
        assert_eq!("parquet".parse::<HitsFormat>().unwrap(), HitsFormat::Parquet);
        assert!("xlsx".parse::<HitsFormat>().is_err());
    }

    #[test]
    fn every_column_is_named_in_the_module_doc() {
        let doc: String = include_str!("hits.rs").lines().take_while(|l| l.starts_with("//!")).collect();
        for c in &HIT_COLUMNS {
            assert!(doc.contains(&format!("`{}`", c.name)), "{} is not documented", c.name);
        }
    }
}
