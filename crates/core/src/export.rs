//! CSV exports that are safe to open in a spreadsheet: UTF-8 (optionally with a BOM for
//! Excel), and every cell that a spreadsheet would read as a formula (starting with `=`, `+`,
//! `-`, `@`, tab or carriage return) prefixed with `'` so it stays text. A plain negative
//! number (`-12`, `-0.25`) is a value, not a formula, and is written as it is.
//!
//! Every export goes through [`CsvExport`]; the tables themselves are in [`stored`] (sessions,
//! bot hits and rejects, read from a project) and [`analysis`] (metrics and discrepancy
//! reports). [`hits`] is the exception: the hits table for SQL engines, written for machines. Times are ISO 8601 with the view time zone's offset ([`iso_time`]).

pub mod analysis;
pub mod hits;
pub mod stored;

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// A cell that cannot be run as a spreadsheet formula.
pub fn safe_cell(value: &str) -> Cow<'_, str> {
    match value.as_bytes().first() {
        Some(b'-') if is_plain_number(&value[1..]) => Cow::Borrowed(value),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

/// Digits with at most one decimal point inside them: `12`, `0.25`.
fn is_plain_number(s: &str) -> bool {
    let (whole, fraction) = s.split_once('.').unwrap_or((s, "0"));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}

/// UTC ms as ISO 8601 in `tz`, with its offset (`Z` for UTC): `2024-03-01T10:07:00+01:00`.
pub fn iso_time(ms: i64, tz: Tz) -> String {
    DateTime::from_timestamp_millis(ms)
        .map_or_else(|| ms.to_string(), |t| t.with_timezone(&tz).to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Writes one export to the file at `path` (UTF-8, with a BOM when `bom`): `write` fills it and
/// returns its row count. Output errors name `path`.
pub fn save(path: &Path, bom: bool, write: impl FnOnce(&mut CsvExport<BufWriter<File>>) -> Result<u64>) -> Result<u64> {
    let named = |e: Error| match e {
        Error::Io { source, .. } => Error::io(path, source),
        other => other,
    };
    let file = File::create(path).map_err(|e| Error::io(path, e))?;
    let mut csv = CsvExport::new(BufWriter::new(file), bom).map_err(|e| Error::io(path, e))?;
    let rows = write(&mut csv).map_err(named)?;
    csv.finish().map_err(|e| Error::io(path, e))?;
    Ok(rows)
}

/// An error writing a row; [`save`] names the file.
fn output_error(source: std::io::Error) -> Error {
    Error::Io { path: PathBuf::from("the CSV output"), source }
}

/// A column of an export: its header and what it holds (for `--help` and the app's tooltips).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub meaning: &'static str,
}

/// The columns as help text: one `name  meaning` line each.
pub fn columns_help(columns: &[Column]) -> String {
    let width = columns.iter().map(|c| c.name.len()).max().unwrap_or(0);
    columns.iter().map(|c| format!("  {:width$}  {}\n", c.name, c.meaning)).collect()
}

/// Writes rows of text cells as CSV, neutralising formulas.
pub struct CsvExport<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> CsvExport<W> {
    /// `bom`: start with a UTF-8 byte-order mark so Excel reads the file as UTF-8.
    pub fn new(mut out: W, bom: bool) -> std::io::Result<Self> {
        if bom {
            out.write_all(b"\xEF\xBB\xBF")?;
        }
        Ok(CsvExport { writer: csv::Writer::from_writer(out) })
    }

    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> std::io::Result<()> {
        self.writer.write_record(cells.into_iter().map(|c| safe_cell(c).into_owned())).map_err(std::io::Error::other)
    }

    /// [`CsvExport::row`] for the table writers: owned cells, the core's error.
    fn record(&mut self, cells: &[String]) -> Result<()> {
        self.row(cells.iter().map(String::as_str)).map_err(output_error)
    }

    /// The header row of `columns`.
    fn header(&mut self, columns: &[Column]) -> Result<()> {
        self.row(columns.iter().map(|c| c.name)).map_err(output_error)
    }

    pub fn finish(mut self) -> std::io::Result<W> {
        self.writer.flush()?;
        self.writer.into_inner().map_err(|e| std::io::Error::other(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        for hostile in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "+2",
            "-2+3+cmd|' /C calc'!A0",
            "-",
            "-.5",
            "-1.",
            "-1.2.3",
            "@SUM(A1)",
            "\tcmd",
            "\rcmd",
        ] {
            assert_eq!(safe_cell(hostile), format!("'{hostile}"), "{hostile:?}");
        }
        for value in ["plain", "", "-2", "-0.25", "12", "a=b"] {
            assert_eq!(safe_cell(value), value);
        }
    }

    #[test]
    fn writes_csv_with_optional_bom_and_quotes() {
        let mut export = CsvExport::new(Vec::new(), true).unwrap();
        export.row(["a,b", "=1+1", "x\"y"]).unwrap();
        let bytes = export.finish().unwrap();
        assert_eq!(bytes, "\u{feff}\"a,b\",'=1+1,\"x\"\"y\"\n".as_bytes());
    }
}
