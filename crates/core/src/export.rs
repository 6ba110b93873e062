//! CSV exports that are safe to open in a spreadsheet: UTF-8 (optionally with a BOM for
//! Excel), and every cell that a spreadsheet would read as a formula (starting with `=`, `+`,
//! `-`, `@`, tab or carriage return) prefixed with `'` so it stays text.

use std::borrow::Cow;
use std::io::Write;

/// A cell that cannot be run as a spreadsheet formula.
pub fn safe_cell(value: &str) -> Cow<'_, str> {
    match value.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
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
        for hostile in ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\tcmd", "\rcmd"] {
            assert!(safe_cell(hostile).starts_with('\''), "{hostile:?}");
        }
        assert_eq!(safe_cell("plain"), "plain");
        assert_eq!(safe_cell(""), "");
    }

    #[test]
    fn writes_csv_with_optional_bom_and_quotes() {
        let mut export = CsvExport::new(Vec::new(), true).unwrap();
        export.row(["a,b", "=1+1", "x\"y"]).unwrap();
        let bytes = export.finish().unwrap();
        assert_eq!(bytes, "\u{feff}\"a,b\",'=1+1,\"x\"\"y\"\n".as_bytes());
    }
}
