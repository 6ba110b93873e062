//! A sessions table, one row per session: what `sessionlens export sessions` writes and what the
//! script of `sessionlens sql` leaves in its `sessions` table, exported from the warehouse as
//! CSV or as Parquet (DuckDB's `COPY sessions TO 'sessions.parquet'`, Spark's or BigQuery's
//! Parquet files; a file starting with Parquet's magic `PAR1` is read as one). It imports as
//! reported sessions, counted per day (the date `start` is written with: the view's day in a
//! CSV export, the UTC day of a TIMESTAMP), campaign, source, medium and channel, so the
//! discrepancy report can compare ad clicks with sessions sessionized where the data lives, on
//! data no desktop could hold.
//!
//! A row whose `start` is not a date, or whose `engaged` is not true or false, is a reject with
//! its line (a Parquet row's number, counted from 1); the others count.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;

use chrono::{DateTime, NaiveDate};
use parquet::basic::{LogicalType, TimeUnit};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use parquet::schema::types::Type;

use crate::error::{Error, Result};
use crate::import::delimited::{csv_reader, raw_text, record_or_reject};
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::{reporting_platform, Kind, ReportedSessionsRow};

pub struct SessionsTable;

/// The columns read; the table has more (see `export::stored::SESSION_COLUMNS`).
const READ: [&str; 6] = ["start", "engaged", "campaign", "source", "medium", "channel"];
/// Columns only a sessions table has, for recognising one.
const MARKS: [&str; 3] = ["visitor_session_number", "start_reason", "rule_set"];
/// The first bytes of a Parquet file.
const PARQUET_MAGIC: &str = "PAR1";

/// Sessions of one day and traffic source: (day, campaign, source, medium, channel).
type Key = (NaiveDate, String, String, String, String);

impl Format for SessionsTable {
    fn id(&self) -> &'static str {
        "sessions-table"
    }

    fn name(&self) -> &'static str {
        "Sessions table (sessionlens sql)"
    }

    fn description(&self) -> &'static str {
        "One row per session, as SessionLens's SQL builds it in a warehouse or its sessions export writes it, \
         CSV or Parquet (counted per day and campaign as reported sessions)"
    }

    fn kind(&self) -> Kind {
        Kind::Report
    }

    fn sniff(&self, head: &Head) -> u8 {
        if head.text.starts_with(PARQUET_MAGIC) {
            return 95;
        }
        let header: Vec<String> =
            head.first_line().split(',').map(|c| c.trim().trim_matches('"').to_string()).collect();
        let has = |name: &str| header.iter().any(|h| h == name);
        if MARKS.iter().all(|m| has(m)) && READ.iter().all(|c| has(c)) {
            95
        } else {
            0
        }
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let mut counts = Counts::default();
        if is_parquet(ctx)? {
            read_parquet(ctx, sink, &mut counts)?;
        } else {
            read_csv(input, ctx, sink, &mut counts)?;
        }
        counts.write(sink)
    }
}

/// Does the file start with Parquet's magic? (Read from the file: the input is its decoded text.)
fn is_parquet(ctx: &Context) -> Result<bool> {
    let mut magic = Vec::with_capacity(PARQUET_MAGIC.len());
    let file = File::open(ctx.path).map_err(|e| Error::io(ctx.path, e))?;
    file.take(PARQUET_MAGIC.len() as u64).read_to_end(&mut magic).map_err(|e| Error::io(ctx.path, e))?;
    Ok(magic == PARQUET_MAGIC.as_bytes())
}

fn missing_column(ctx: &Context, name: &str) -> Error {
    ctx.unreadable(format!("the sessions table has no '{name}' column (it needs {})", READ.join(", ")))
}

fn read_csv(input: &mut Input, ctx: &Context, sink: &mut dyn Sink, counts: &mut Counts) -> Result<()> {
    let mut reader = csv_reader(input, b',');
    let mut records = reader.records();
    let header = match records.next() {
        Some(header) => header.map_err(|e| ctx.unreadable(e.to_string()))?,
        None => return Err(ctx.unreadable("the file is empty: a sessions table starts with its header row")),
    };
    let mut at = [0usize; READ.len()];
    for (slot, name) in at.iter_mut().zip(READ) {
        *slot = header.iter().position(|h| h.trim() == name).ok_or_else(|| missing_column(ctx, name))?;
    }
    for record in records {
        let Some(record) = record_or_reject(record, ctx, sink)? else { continue };
        let fields = at.map(|i| record.get(i).unwrap_or("").trim());
        if let Err(reason) = counts.add(fields) {
            sink.reject(record.position().map_or(0, |p| p.line()), &raw_text(&record, b','), &reason)?;
        }
    }
    Ok(())
}

/// The Parquet file at `ctx.path`, its columns of [`READ`] read by name as text: a TIMESTAMP
/// (INT64 in any unit, or Spark's INT96) as its UTC time, a BOOLEAN as `true`/`false`, NULL as
/// empty.
fn read_parquet(ctx: &Context, sink: &mut dyn Sink, counts: &mut Counts) -> Result<()> {
    let unreadable = |e: parquet::errors::ParquetError| ctx.unreadable(format!("not a readable Parquet file: {e}"));
    let file = File::open(ctx.path).map_err(|e| Error::io(ctx.path, e))?;
    let reader = SerializedFileReader::new(file).map_err(unreadable)?;
    let schema = reader.metadata().file_metadata().schema_descr().root_schema();
    let mut fields = Vec::with_capacity(READ.len());
    for name in READ {
        let field = schema.get_fields().iter().find(|f| f.name() == name).ok_or_else(|| missing_column(ctx, name))?;
        fields.push(field.clone());
    }
    let units: Vec<Option<TimeUnit>> = fields.iter().map(|f| timestamp_unit(f)).collect();
    let projection = Type::group_type_builder(schema.name()).with_fields(fields).build().map_err(unreadable)?;
    for (n, row) in reader.get_row_iter(Some(projection)).map_err(unreadable)?.enumerate() {
        let row = row.map_err(unreadable)?;
        let texts: Vec<String> =
            row.get_column_iter().zip(&units).map(|((_, field), unit)| text(field, unit)).collect();
        let fields: [&str; READ.len()] = std::array::from_fn(|i| texts[i].trim());
        if let Err(reason) = counts.add(fields) {
            sink.reject(n as u64 + 1, &texts.join(","), &reason)?;
        }
    }
    Ok(())
}

/// The unit of a TIMESTAMP column the record reader leaves as a plain integer (nanoseconds).
fn timestamp_unit(field: &Type) -> Option<TimeUnit> {
    match field.get_basic_info().logical_type_ref() {
        Some(LogicalType::Timestamp(timestamp)) => Some(timestamp.unit),
        _ => None,
    }
}

/// A Parquet value as the CSV export would write it.
fn text(field: &Field, unit: &Option<TimeUnit>) -> String {
    let utc =
        |t: Option<DateTime<chrono::Utc>>| t.map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M:%S%.f").to_string());
    match (field, unit) {
        (Field::Null, _) => String::new(),
        (Field::Str(s), _) => s.clone(),
        (Field::TimestampMillis(ms), _) => utc(DateTime::from_timestamp_millis(*ms)),
        (Field::TimestampMicros(us), _) => utc(DateTime::from_timestamp_micros(*us)),
        (Field::Long(ns), Some(TimeUnit::NANOS)) => utc(Some(DateTime::from_timestamp_nanos(*ns))),
        (Field::Date(days), _) => NaiveDate::from_epoch_days(*days).map_or_else(String::new, |d| d.to_string()),
        (other, _) => other.to_string(),
    }
}

/// Sessions and engaged sessions per [`Key`].
#[derive(Default)]
struct Counts(BTreeMap<Key, (i64, i64)>);

impl Counts {
    /// Counts one session from its [`READ`] fields, or says why it cannot.
    fn add(&mut self, [start, engaged, campaign, source, medium, channel]: [&str; READ.len()]) -> Result<(), String> {
        let Some(day) = start.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) else {
            return Err(format!("start '{start}' does not begin with a date"));
        };
        let engaged = match engaged.to_ascii_lowercase().as_str() {
            "true" | "1" => 1,
            "false" | "0" => 0,
            other => return Err(format!("engaged '{other}' is not true or false")),
        };
        let key = (day, campaign.to_string(), source.to_string(), medium.to_string(), channel.to_string());
        let count = self.0.entry(key).or_default();
        count.0 += 1;
        count.1 += engaged;
        Ok(())
    }

    fn write(self, sink: &mut dyn Sink) -> Result<()> {
        for ((day, campaign, source, medium, channel), (sessions, engaged)) in &self.0 {
            sink.reported_sessions(&ReportedSessionsRow {
                platform: reporting_platform::SESSIONS_TABLE,
                first_date: *day,
                last_date: *day,
                campaign,
                source,
                medium,
                channel,
                sessions: *sessions,
                engaged_sessions: Some(*engaged),
                key_events: None,
                users: None,
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{day, detected, read_text};
    use super::*;

    const HEADER: &str = "visitor,visitor_session_number,new_visitor,start,end,duration_s,hits,interaction_hits,\
                          pageviews,landing_page,exit_page,bounce,engaged,source,medium,campaign,term,content,\
                          click_id_param,click_id,channel,device,browser,os,start_reason,rule_set";

    fn row(
        visitor: &str,
        start: &str,
        engaged: &str,
        source: &str,
        medium: &str,
        campaign: &str,
        channel: &str,
    ) -> String {
        format!(
            "{visitor},1,true,{start},{start},0,1,1,1,https://shop.example/,https://shop.example/,true,{engaged},\
             {source},{medium},{campaign},,,,,{channel},desktop,Chrome,Linux,first_hit,ga4"
        )
    }

    #[test]
    fn sessions_count_per_day_and_campaign_and_bad_rows_are_rejected_with_their_line() {
        let text = [
            HEADER.to_string(),
            row("1443685882.1682380031", "2026-11-01T09:00:00-05:00", "true", "google", "cpc", "Brand", "Paid Search"),
            row("2", "2026-11-01T23:30:00-05:00", "false", "google", "cpc", "Brand", "Paid Search"),
            row("3", "2026-11-02T00:10:00-05:00", "true", "google", "cpc", "Brand", "Paid Search"),
            row("4", "2026-11-01T12:00:00-05:00", "true", "(direct)", "(none)", "", "Direct"),
            row("5", "yesterday", "true", "google", "cpc", "Brand", "Paid Search"),
            row("6", "2026-11-02T08:00:00-05:00", "maybe", "google", "cpc", "Brand", "Paid Search"),
        ]
        .join("\n");
        let sink = read_text(&SessionsTable, &text).unwrap();
        let rows: Vec<_> = sink
            .reported
            .iter()
            .map(|r| (r.first_date, r.campaign.as_str(), r.channel.as_str(), r.sessions, r.engaged_sessions))
            .collect();
        // The day is the one `start` is written in (the view's), not UTC's.
        assert_eq!(
            rows,
            [
                (day(2026, 11, 1), "", "Direct", 1, Some(1)),
                (day(2026, 11, 1), "Brand", "Paid Search", 2, Some(1)),
                (day(2026, 11, 2), "Brand", "Paid Search", 1, Some(1)),
            ]
        );
        assert!(sink.reported.iter().all(|r| r.platform == "sessions-table" && r.users.is_none()));
        let rejects: Vec<_> = sink.rejects.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(
            rejects,
            [(6, "start 'yesterday' does not begin with a date"), (7, "engaged 'maybe' is not true or false")]
        );
    }

    #[test]
    fn a_sessions_table_is_recognised_and_one_without_start_is_refused() {
        assert_eq!(detected_text(&format!("{HEADER}\n")), "sessions-table");
        let without_start = HEADER.replace(",start,", ",begin,");
        assert_ne!(detected_text(&format!("{without_start}\n")), "sessions-table");
        let err = read_text(&SessionsTable, &format!("{without_start}\n")).unwrap_err();
        assert!(err.to_string().contains("no 'start' column"), "{err}");
    }

    /// A sessions table as DuckDB writes it (`start` a TIMESTAMP in µs) or Spark does (INT96):
    /// the day is the UTC day of `start`; NULLs read as empty.
    #[test]
    fn a_parquet_sessions_table_counts_per_utc_day_and_campaign() {
        use std::sync::Arc;

        use parquet::data_type::{BoolType, ByteArray, ByteArrayType, Int64Type, Int96, Int96Type};
        use parquet::file::writer::SerializedFileWriter;
        use parquet::schema::parser::parse_message_type;

        const US_PER_DAY: i64 = 86_400_000_000;
        // 2026-11-01 09:00, 2026-11-01 23:30 and 2026-11-02 00:10 UTC, and one more.
        let starts: [i64; 4] =
            [1_793_523_600_000_000, 1_793_575_800_000_000, 1_793_578_200_000_000, 1_793_578_200_000_000];
        let engaged = [Some(true), Some(false), Some(true), None];
        let campaigns = [Some("Brand"), Some("Brand"), None, Some("Brand")];
        for start_type in ["INT64 start (TIMESTAMP(MICROS,false))", "INT96 start"] {
            let schema = format!(
                "message duckdb_schema {{ OPTIONAL BYTE_ARRAY visitor (UTF8); OPTIONAL INT64 visitor_session_number; \
                 OPTIONAL {start_type}; OPTIONAL BOOLEAN engaged; OPTIONAL BYTE_ARRAY source (UTF8); \
                 OPTIONAL BYTE_ARRAY medium (UTF8); OPTIONAL BYTE_ARRAY campaign (UTF8); OPTIONAL BYTE_ARRAY channel (UTF8); \
                 OPTIONAL BYTE_ARRAY start_reason (UTF8); OPTIONAL BYTE_ARRAY rule_set (UTF8); }}"
            );
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("part-00000.snappy.parquet");
            let file = std::fs::File::create(&path).unwrap();
            let schema = Arc::new(parse_message_type(&schema).unwrap());
            let mut writer = SerializedFileWriter::new(file, schema, Default::default()).unwrap();
            let mut group = writer.next_row_group().unwrap();
            let all = [1i16; 4];
            let mut column = 0;
            while let Some(mut out) = group.next_column().unwrap() {
                let texts = |values: [Option<&str>; 4]| {
                    let present: Vec<ByteArray> = values.iter().flatten().map(|v| ByteArray::from(*v)).collect();
                    (present, values.map(|v| i16::from(v.is_some())))
                };
                match column {
                    0 => out.typed::<ByteArrayType>().write_batch(
                        &texts([Some("1443685882.1682380031"); 4]).0,
                        Some(&all),
                        None,
                    ),
                    1 => out.typed::<Int64Type>().write_batch(&[1, 2, 3, 4], Some(&all), None),
                    2 if start_type.starts_with("INT96") => {
                        let values: Vec<Int96> = starts
                            .iter()
                            .map(|us| {
                                let nanos = (us.rem_euclid(US_PER_DAY) * 1000) as u64;
                                let mut v = Int96::new();
                                v.set_data(
                                    nanos as u32,
                                    (nanos >> 32) as u32,
                                    (us.div_euclid(US_PER_DAY) + 2_440_588) as u32,
                                );
                                v
                            })
                            .collect();
                        out.typed::<Int96Type>().write_batch(&values, Some(&all), None)
                    }
                    2 => out.typed::<Int64Type>().write_batch(&starts, Some(&all), None),
                    3 => {
                        let present: Vec<bool> = engaged.iter().flatten().copied().collect();
                        out.typed::<BoolType>().write_batch(
                            &present,
                            Some(&engaged.map(|e| i16::from(e.is_some()))),
                            None,
                        )
                    }
                    6 => {
                        let (present, defined) = texts(campaigns);
                        out.typed::<ByteArrayType>().write_batch(&present, Some(&defined), None)
                    }
                    _ => out.typed::<ByteArrayType>().write_batch(&[], Some(&[0; 4]), None),
                }
                .unwrap();
                out.close().unwrap();
                column += 1;
            }
            group.close().unwrap();
            writer.close().unwrap();

            assert_eq!(detected(&path), "sessions-table", "{start_type}");
            let sink = crate::import::MemorySink::read(&path, &crate::import::ImportOptions::default()).unwrap();
            let rows: Vec<_> = sink
                .reported
                .iter()
                .map(|r| (r.first_date, r.campaign.as_str(), r.sessions, r.engaged_sessions))
                .collect();
            assert_eq!(
                rows,
                [(day(2026, 11, 1), "Brand", 2, Some(1)), (day(2026, 11, 2), "", 1, Some(1))],
                "{start_type}"
            );
            let rejects: Vec<_> = sink.rejects.iter().map(|r| (r.line, r.reason.as_str())).collect();
            assert_eq!(rejects, [(4, "engaged '' is not true or false")], "{start_type}");
        }
    }

    #[test]
    fn a_parquet_file_without_a_start_column_is_one_clear_error() {
        use std::sync::Arc;

        use parquet::file::writer::SerializedFileWriter;
        use parquet::schema::parser::parse_message_type;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hits.parquet");
        let schema = Arc::new(parse_message_type("message hits { OPTIONAL BYTE_ARRAY url (UTF8); }").unwrap());
        SerializedFileWriter::new(std::fs::File::create(&path).unwrap(), schema, Default::default())
            .unwrap()
            .close()
            .unwrap();
        let options = crate::import::ImportOptions { format: Some("sessions-table".into()), ..Default::default() };
        let err = crate::import::MemorySink::read(&path, &options).unwrap_err();
        assert!(err.to_string().contains("no 'start' column"), "{err}");
    }

    fn detected_text(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions.csv");
        std::fs::write(&path, text).unwrap();
        detected(&path).to_string()
    }
}
