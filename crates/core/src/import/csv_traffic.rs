//! Generic traffic tables: CSV, TSV, `;`- and `|`-separated hit or event exports with a header
//! row. Columns are assigned by [`Mapping`](super::Mapping): the user's explicit choices, then
//! header synonyms. Each data row becomes one hit.

use csv::StringRecord;

use super::delimited::{csv_reader, describe_csv_error, detect_delimiter, raw_text};
use super::mapped::{has_subject, has_time, MappedRow, Scratch};
use super::mapping::{Field, Mapping};
use super::text::MAX_LINE_BYTES;
use super::{Context, Format, Head, Input, Sink};
use crate::error::{Error, Result};
use crate::model::Kind;
use crate::time::{DateOrder, TimestampParser};

/// Rows read before the first hit is written, to decide day-first or month-first dates.
const DATE_ORDER_SAMPLE: usize = 1000;

pub struct CsvTraffic;

impl Format for CsvTraffic {
    fn id(&self) -> &'static str {
        "csv"
    }

    fn name(&self) -> &'static str {
        "CSV/TSV traffic export"
    }

    fn description(&self) -> &'static str {
        "CSV/TSV traffic export (one hit per row)"
    }

    fn kind(&self) -> Kind {
        Kind::Traffic
    }

    fn sniff(&self, head: &Head) -> u8 {
        let Some(delimiter) = detect_delimiter(head.lines()) else {
            return 0;
        };
        let header: Vec<String> = split_line(head.first_line(), delimiter);
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let Ok(columns) = Mapping::default().resolve(&header) else {
            return 0;
        };
        if has_time(&columns) && has_subject(&columns) {
            10
        } else {
            0
        }
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let head = Head::read(ctx.path)?;
        let delimiter = detect_delimiter(head.lines()).unwrap_or(b',');
        let long_lines = input.long_lines();
        let mut reader = csv_reader(input, delimiter);
        let mut records = reader.records();

        // A line before the header that was too long to read may have been the header.
        let header_too_long = |line: u64| {
            ctx.unreadable(format!(
                "the header row is too long: line {line} is longer than the {} MiB a line may hold, so the \
                 columns cannot be read",
                MAX_LINE_BYTES >> 20
            ))
        };
        let header = loop {
            match records.next() {
                None => {
                    return Err(long_lines
                        .first_line()
                        .map_or_else(|| ctx.unreadable("the file has no header row"), header_too_long))
                }
                Some(Ok(r)) if r.iter().all(|c| c.trim().is_empty()) => continue,
                Some(Ok(r)) => break r,
                Some(Err(e)) => return Err(ctx.unreadable(format!("the header row is unreadable: {e}"))),
            }
        };
        if let Some(line) = long_lines.first_line().filter(|&l| l < header.position().map_or(0, |p| p.line())) {
            return Err(header_too_long(line));
        }
        let names: Vec<&str> = header.iter().collect();
        sink.headers(&names)?;
        let columns = ctx.options.mapping.resolve(&names)?;
        sink.columns(&columns.describe(&names))?;
        if !has_time(&columns) {
            return Err(Error::unreadable(
                ctx.path,
                format!(
                    "no timestamp column; expected a column like 'timestamp', 'event_time' or 'date' \
                     (the columns are: {}); name it with --map timestamp=COLUMN",
                    names.join(", ")
                ),
            ));
        }

        // Read ahead to decide ambiguous day/month order from the data itself.
        let ahead: Vec<csv::Result<StringRecord>> = records.by_ref().take(DATE_ORDER_SAMPLE).collect();
        drop(records);
        let order = ctx.options.date_order.or_else(|| {
            let time_col = [Field::Timestamp, Field::Date, Field::Time].into_iter().find_map(|f| columns.get(f))?;
            DateOrder::detect(ahead.iter().filter_map(|r| r.as_ref().ok()?.get(time_col)))
        });
        let parser = TimestampParser::new(ctx.time_zone(), order.unwrap_or_default());

        let width = header.len();
        let mut scratch = Scratch::default();
        let mut take = |record: Result<&StringRecord, &csv::Error>| -> Result<()> {
            let record = match record {
                Ok(r) => r,
                Err(e) => return sink.reject(e.position().map_or(0, |p| p.line()), "", &describe_csv_error(e, ctx)?),
            };
            let line = record.position().map_or(0, |p| p.line());
            if record.len() == 1 && record[0].trim().is_empty() {
                return Ok(());
            }
            if record.len() != width {
                let reason = format!("expected {width} fields as in the header, found {}", record.len());
                return sink.reject(line, &raw_text(record, delimiter), &reason);
            }
            let row = MappedRow { columns: &columns, cell: |i| record.get(i) };
            match row.hit(&parser, &mut scratch) {
                Ok(hit) => sink.hit(&hit),
                Err(reason) => sink.reject(line, &raw_text(record, delimiter), &reason),
            }
        };
        for record in &ahead {
            take(record.as_ref())?;
        }
        // One record buffer for the rest of the file.
        let mut record = StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => take(Ok(&record))?,
                Err(e) => take(Err(&e))?,
            }
        }
        Ok(())
    }
}

/// Split one line by `delimiter`, honouring double quotes (enough for a header line).
fn split_line(line: &str, delimiter: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).from_reader(line.as_bytes());
    reader.records().next().and_then(|r| r.ok()).map(|r| r.iter().map(String::from).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ImportOptions, MemorySink};

    fn import(text: &[u8], options: &ImportOptions) -> Result<MemorySink> {
        MemorySink::read_bytes("hits.csv", text, options)
    }

    #[test]
    fn reads_hits_with_synonym_headers() {
        let sink = import(
            b"Timestamp,Client ID,Page URL,Referrer\n\
              2024-03-01T10:00:00Z,1443685882.1682380031,https://shop.example/?utm_source=google&gclid=abc,https://www.google.com/\n\
              2024-03-01T10:05:00Z,1443685882.1682380031,https://shop.example/cart,\n",
            &ImportOptions::default(),
        )
        .unwrap();
        assert_eq!(sink.hits.len(), 2);
        assert!(sink.rejects.is_empty());
        let first = &sink.hits[0];
        assert_eq!(first.client_id, "1443685882.1682380031", "client ids stay strings");
        assert_eq!(first.ts_ms, 1_709_287_200_000);
        assert_eq!(first.referrer, "https://www.google.com/");
        assert_eq!(first.event, "page_view");
    }

    #[test]
    fn malformed_rows_are_rejected_with_line_and_reason_and_the_rest_imports() {
        let sink = import(
            b"time;visitor;page\n\
              01/03/2024 10:00;a;/x\n\
              not a time;b;/y\n\
              13/03/2024 10:00;c\n\
              13/03/2024 11:00;d;/z\n",
            &ImportOptions::default(),
        )
        .unwrap();
        assert_eq!(sink.hits.len(), 2);
        // 13/03 decides day-first, so 01/03 is the first of March.
        assert_eq!(sink.hits[0].ts_ms, 1_709_287_200_000);
        let lines: Vec<_> = sink.rejects.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(lines[0].0, 3);
        assert!(lines[0].1.contains("not a date"), "{}", lines[0].1);
        assert_eq!(lines[1], (4, "expected 3 fields as in the header, found 2"));
        assert_eq!(sink.rejects[1].raw, "13/03/2024 10:00;c");
    }

    #[test]
    fn stated_time_zone_applies_to_naive_timestamps_only() {
        let options = ImportOptions { time_zone: Some(chrono_tz::America::New_York), ..Default::default() };
        let sink = import(b"timestamp,url\n2024-03-01 05:00:00,/a\n2024-03-01T10:00:00Z,/b\n", &options).unwrap();
        assert_eq!(sink.hits[0].ts_ms, sink.hits[1].ts_ms);
    }

    #[test]
    fn explicit_mapping_and_separate_date_and_time_columns() {
        let options = ImportOptions { mapping: Mapping::parse(["client_id=who"]).unwrap(), ..Default::default() };
        let sink = import(b"date\ttime\twho\tpath\n2024-03-01\t10:00:00\tv1\t/p\n", &options).unwrap();
        assert_eq!((sink.hits[0].ts_ms, sink.hits[0].client_id.as_str()), (1_709_287_200_000, "v1"));
    }

    #[test]
    fn file_without_timestamp_column_is_one_clear_error() {
        let options = ImportOptions { format: Some("csv".into()), ..Default::default() };
        let err = import(b"name,url\nx,/a\n", &options).unwrap_err();
        assert_eq!(err.code(), "unreadable_file");
        assert!(err.to_string().contains("no timestamp column"), "{err}");
    }
}
