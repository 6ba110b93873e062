//! Spreadsheets as text. An Excel workbook (`.xlsx`, or `.xls` from Excel 97-2003) or an
//! OpenDocument spreadsheet (`.ods`), recognised by its content, reads as the first of its sheets
//! that holds a cell: one row to a line (so line numbers are the sheet's row numbers), cells
//! separated by tabs and quoted as in CSV when they hold a tab, a quote or a line break. A row
//! that holds anything is padded to the sheet's width, as in a CSV saved from a spreadsheet; a
//! row that holds nothing is an empty line. Text cells read as they are (identifiers stay
//! strings), numbers as written (`3`, `0.71`, never an exponent), date cells as `YYYY-MM-DD` or
//! `YYYY-MM-DD HH:MM:SS`, error cells as their text (`#N/A`).
//!
//! The sheet is turned into text on a thread of its own, a few chunks ahead of the reader, so
//! sniffing the start of a large workbook does not read all of it, and an `.xlsx` sheet is
//! never held whole in memory. The parts of a zip-based workbook may declare at most a bound of
//! expanded bytes, which the zip reader enforces as it inflates them.

use std::fmt::{Display, Write as _};
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use calamine::{DataType, ExcelDateTime, Ods, Reader, Xls, Xlsx};

/// The kinds of workbook read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Workbook {
    Xlsx,
    Xls,
    Ods,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// An OLE compound file, the container of Excel 97-2003 workbooks.
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ODS_MIME_TYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// Text is handed to the reader in chunks of about this size, at most [`CHUNKS_AHEAD`] ahead.
const CHUNK_BYTES: usize = 64 * 1024;
const CHUNKS_AHEAD: usize = 4;

impl Workbook {
    /// How the file's container is recorded (beside `gzip` and `bzip2`).
    pub fn name(self) -> &'static str {
        match self {
            Workbook::Xlsx => "xlsx",
            Workbook::Xls => "xls",
            Workbook::Ods => "ods",
        }
    }

    /// The workbook `file` holds, from its first bytes and, for a zip archive, its entries;
    /// `None` for any other file. The file is left at its start. A zip archive that is no
    /// workbook, that cannot be read, or whose parts declare more than `max_expanded` bytes,
    /// is an error.
    pub fn sniff<R: io::BufRead + Seek>(file: &mut R, max_expanded: u64) -> io::Result<Option<Workbook>> {
        let magic = file.fill_buf()?;
        let workbook = if magic.starts_with(CFB_MAGIC) {
            Workbook::Xls
        } else if magic.starts_with(ZIP_MAGIC) {
            zip_workbook(&mut *file, max_expanded)?
        } else {
            return Ok(None);
        };
        file.seek(SeekFrom::Start(0))?;
        Ok(Some(workbook))
    }
}

fn zip_workbook<R: Read + Seek>(file: R, max_expanded: u64) -> io::Result<Workbook> {
    let mut archive = zip::ZipArchive::new(file).map_err(|e| {
        invalid(format!(
            "the file is a zip archive (an .xlsx or .ods workbook?) that cannot be read; is it truncated? ({e})"
        ))
    })?;
    let declared = (0..archive.len()).try_fold(0u64, |total, i| {
        let size = archive.by_index_raw(i).map_err(damaged)?.size();
        Ok::<_, io::Error>(total.saturating_add(size))
    })?;
    if declared > max_expanded {
        return Err(super::text::expansion_error());
    }
    if archive.index_for_name("xl/workbook.xml").is_some() {
        return Ok(Workbook::Xlsx);
    }
    let mut mime_type = Vec::new();
    if let Ok(entry) = archive.by_name("mimetype") {
        entry.take(ODS_MIME_TYPE.len() as u64).read_to_end(&mut mime_type)?;
    }
    if mime_type == ODS_MIME_TYPE {
        return Ok(Workbook::Ods);
    }
    Err(invalid(
        "the file is a zip archive but not an Excel (.xlsx) or OpenDocument (.ods) workbook; \
         unpack it and import the files inside",
    ))
}

/// The first sheet of the workbook in `file` that holds a cell, as text (see the module's
/// doc). Opening the workbook happens here, so a damaged one fails at once; a workbook whose
/// sheets are all empty fails at the first read.
pub(super) fn first_table_as_text<R>(file: R, workbook: Workbook) -> io::Result<SheetReader>
where
    R: Read + Seek + Send + 'static,
{
    Ok(match workbook {
        Workbook::Xlsx => {
            let mut book = Xlsx::new(file).map_err(damaged)?;
            SheetReader::spawn(move |text| write_xlsx(&mut book, text))
        }
        Workbook::Xls => {
            let mut book = Xls::new(file).map_err(damaged)?;
            SheetReader::spawn(move |text| write_first_range(&mut book, text))
        }
        Workbook::Ods => {
            let mut book = Ods::new(file).map_err(damaged)?;
            SheetReader::spawn(move |text| write_first_range(&mut book, text))
        }
    })
}

/// An `.xlsx` sheet is read cell by cell, never whole.
fn write_xlsx<R: Read + Seek>(book: &mut Xlsx<R>, text: &mut SheetText) -> io::Result<()> {
    for name in book.sheet_names() {
        let mut cells = book.worksheet_cells_reader(&name).map_err(damaged)?;
        let declared_width = cells.dimensions().end.1 as usize + 1;
        let mut started = false;
        while let Some(cell) = cells.next_cell().map_err(damaged)? {
            started = started || !is_blank(cell.get_value());
            if started {
                text.width = text.width.max(declared_width);
                text.cell(cell.get_position(), cell.get_value())?;
            }
        }
        if started {
            return Ok(());
        }
    }
    Err(no_table())
}

/// `.xls` and `.ods` workbooks are read whole by their reader, a sheet at a time.
fn write_first_range<R, B>(book: &mut B, text: &mut SheetText) -> io::Result<()>
where
    R: Read + Seek,
    B: Reader<R>,
    B::Error: Display,
{
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(damaged)?;
        let (Some((first_row, first_col)), Some((_, last_col))) = (range.start(), range.end()) else { continue };
        if range.used_cells().all(|(_, _, value)| is_blank(value)) {
            continue;
        }
        text.width = last_col as usize + 1;
        for (row, col, value) in range.used_cells() {
            text.cell((first_row + row as u32, first_col + col as u32), value)?;
        }
        return Ok(());
    }
    Err(no_table())
}

fn is_blank(value: &impl DataType) -> bool {
    value.is_empty() || value.get_string().is_some_and(|s| s.trim().is_empty())
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

fn damaged(e: impl Display) -> io::Error {
    invalid(format!("the workbook cannot be read; it may be damaged, truncated or protected by a password ({e})"))
}

fn no_table() -> io::Error {
    invalid("the workbook holds no table: every sheet is empty")
}

/// A sheet's cells, given row by row, as lines of text sent to a [`SheetReader`].
struct SheetText {
    chunks: SyncSender<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    /// Fields are padded to this many; it grows with the widest row.
    width: usize,
    /// The row being gathered (0-based) and its fields by column.
    row: Option<u32>,
    fields: Vec<String>,
    /// The next row a line is written for.
    next_line_row: u32,
}

impl SheetText {
    fn cell(&mut self, (row, col): (u32, u32), value: &impl DataType) -> io::Result<()> {
        if self.row != Some(row) {
            self.end_row()?;
            self.row = Some(row);
        }
        let col = col as usize;
        if self.fields.len() <= col {
            self.fields.resize(col + 1, String::new());
        }
        let field = &mut self.fields[col];
        field.clear();
        write_value(value, field);
        Ok(())
    }

    /// Write the gathered row, after an empty line for each row without cells above it.
    fn end_row(&mut self) -> io::Result<()> {
        let Some(row) = self.row.take() else { return Ok(()) };
        for _ in self.next_line_row..row {
            self.chunk.push(b'\n');
        }
        self.next_line_row = row.saturating_add(1);
        if self.fields.iter().any(|f| !f.is_empty()) {
            self.width = self.width.max(self.fields.len());
            self.fields.resize(self.width, String::new());
            for (i, field) in self.fields.iter_mut().enumerate() {
                if i > 0 {
                    self.chunk.push(b'\t');
                }
                push_quoted(&mut self.chunk, field);
                field.clear();
            }
        }
        self.chunk.push(b'\n');
        if self.chunk.len() >= CHUNK_BYTES {
            self.send_chunk()?;
        }
        Ok(())
    }

    /// Send the text gathered; an empty chunk is the end.
    fn send_chunk(&mut self) -> io::Result<()> {
        let chunk = std::mem::take(&mut self.chunk);
        // The reader is gone (the sniffer read enough, or the import stopped): stop too.
        self.chunks.send(Ok(chunk)).map_err(|_| io::ErrorKind::BrokenPipe.into())
    }

    /// Send what is left and the end (an empty chunk), or the error that stopped the writing.
    fn finish(mut self, written: io::Result<()>) {
        let ended = written.and_then(|()| {
            self.end_row()?;
            if !self.chunk.is_empty() {
                self.send_chunk()?;
            }
            self.send_chunk()
        });
        if let Err(e) = ended {
            let _ = self.chunks.send(Err(e));
        }
    }
}

/// A cell's text: quoted as in CSV when it holds the separator, a quote or a line break.
fn push_quoted(line: &mut Vec<u8>, field: &str) {
    if field.contains(['\t', '"', '\n', '\r']) {
        line.push(b'"');
        line.extend_from_slice(field.replace('"', "\"\"").as_bytes());
        line.push(b'"');
    } else {
        line.extend_from_slice(field.as_bytes());
    }
}

/// A cell's value as text (see the module's doc).
fn write_value(value: &impl DataType, out: &mut String) {
    if let Some(s) = value.get_string() {
        out.push_str(s);
    } else if let Some(i) = value.get_int() {
        let _ = write!(out, "{i}");
    } else if let Some(x) = value.get_float() {
        write_number(x, out);
    } else if let Some(b) = value.get_bool() {
        out.push_str(if b { "TRUE" } else { "FALSE" });
    } else if let Some(when) = value.get_datetime() {
        write_date_time(&when, out);
    } else if let Some(iso) = value.get_datetime_iso() {
        // OpenDocument's `2026-11-01T10:00:00`, written as Excel's are.
        out.push_str(&iso.replacen('T', " ", 1));
    } else if let Some(iso) = value.get_duration_iso() {
        out.push_str(iso);
    } else if let Some(e) = value.get_error() {
        let _ = write!(out, "{e}");
    }
}

/// The shortest text that reads back as the same number, without an exponent: `3`, not `3.0`.
fn write_number(x: f64, out: &mut String) {
    let _ = write!(out, "{}", if x == 0.0 { 0.0 } else { x });
}

fn write_date_time(when: &ExcelDateTime, out: &mut String) {
    if when.is_duration() {
        if let Some(d) = when.as_duration() {
            let (s, ms) = (d.num_seconds(), d.num_milliseconds() % 1000);
            let _ = write!(out, "{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
            if ms != 0 {
                let _ = write!(out, ".{:03}", ms.abs());
            }
            return;
        }
    } else if let Some(t) = when.as_datetime() {
        let format = match (t.time() == chrono::NaiveTime::MIN, t.and_utc().timestamp_subsec_millis()) {
            (true, _) => "%Y-%m-%d",
            (false, 0) => "%Y-%m-%d %H:%M:%S",
            (false, _) => "%Y-%m-%d %H:%M:%S%.3f",
        };
        let _ = write!(out, "{}", t.format(format));
        return;
    }
    write_number(when.as_f64(), out);
}

/// The text of a sheet, read as it is written on its thread.
pub(super) struct SheetReader {
    chunks: Receiver<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    pos: usize,
    ended: bool,
}

impl SheetReader {
    fn spawn(write: impl FnOnce(&mut SheetText) -> io::Result<()> + Send + 'static) -> SheetReader {
        let (sender, chunks) = sync_channel(CHUNKS_AHEAD);
        std::thread::spawn(move || {
            let mut text = SheetText {
                chunks: sender,
                chunk: Vec::with_capacity(CHUNK_BYTES + 1024),
                width: 0,
                row: None,
                fields: Vec::new(),
                next_line_row: 0,
            };
            let written = write(&mut text);
            text.finish(written);
        });
        SheetReader { chunks, chunk: Vec::new(), pos: 0, ended: false }
    }
}

impl Read for SheetReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.chunk.len() {
            if self.ended {
                return Ok(0);
            }
            match self.chunks.recv() {
                Ok(Ok(chunk)) => {
                    self.ended = chunk.is_empty();
                    (self.chunk, self.pos) = (chunk, 0);
                }
                Ok(Err(e)) => {
                    self.ended = true;
                    return Err(e);
                }
                // The writer stopped without saying why: the reading library failed on the file.
                Err(_) => {
                    self.ended = true;
                    return Err(invalid("the workbook cannot be read; it may be damaged"));
                }
            }
        }
        let n = buf.len().min(self.chunk.len() - self.pos);
        buf[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use rust_xlsxwriter as xw;

    use super::*;
    use crate::import::Input;

    /// A workbook written by `fill` into a temp dir.
    fn xlsx(fill: impl FnOnce(&mut xw::Workbook)) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.xlsx");
        let mut book = xw::Workbook::new();
        fill(&mut book);
        book.save(&path).unwrap();
        (dir, path)
    }

    fn text_of(path: &Path) -> crate::error::Result<String> {
        let mut input = Input::open(path)?;
        let mut text = String::new();
        input.reader().read_to_string(&mut text).map_err(|e| crate::error::Error::io(path, e))?;
        assert_eq!((input.encoding, input.compression), ("UTF-8", Some("xlsx")));
        Ok(text)
    }

    #[test]
    fn cells_read_as_written_identifiers_stay_text_and_dates_are_iso() {
        let (_dir, path) = xlsx(|book| {
            let sheet = book.add_worksheet();
            let date = xw::Format::new().set_num_format("yyyy-mm-dd");
            let date_time = xw::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
            let day = xw::ExcelDateTime::from_ymd(2026, 11, 1).unwrap();
            let moment = day.clone().and_hms(10, 15, 30).unwrap();
            sheet.write_string(0, 0, "1443685882.1682380031").unwrap();
            sheet.write_number(0, 1, 3.0).unwrap();
            sheet.write_number(0, 2, 0.71).unwrap();
            sheet.write_number(0, 3, 20547336021.0).unwrap();
            sheet.write_number(0, 4, 1234567.125).unwrap();
            sheet.write_number(0, 5, -0.000001).unwrap();
            sheet.write_datetime_with_format(0, 6, &day, &date).unwrap();
            sheet.write_datetime_with_format(0, 7, &moment, &date_time).unwrap();
            sheet.write_boolean(0, 8, true).unwrap();
            sheet.write_formula(0, 9, xw::Formula::new("=NA()").set_result("#N/A")).unwrap();
        });
        let expected = "1443685882.1682380031\t3\t0.71\t20547336021\t1234567.125\t-0.000001\t2026-11-01\t\
                        2026-11-01 10:15:30\tTRUE\t#N/A\n";
        assert_eq!(text_of(&path).unwrap(), expected);
    }

    #[test]
    fn rows_keep_their_numbers_and_are_padded_to_the_sheet_width() {
        let (_dir, path) = xlsx(|book| {
            let sheet = book.add_worksheet();
            sheet.write_string(0, 0, "Campaign report").unwrap();
            for (col, name) in ["Day", "Campaign", "Clicks"].into_iter().enumerate() {
                sheet.write_string(2, col as u16, name).unwrap();
            }
            sheet.write_string(3, 0, "2026-11-01").unwrap();
            sheet.write_string(3, 1, "tab\there, \"quoted\"\nand two lines").unwrap();
            sheet.write_string(4, 0, "2026-11-02").unwrap();
            sheet.write_string(5, 1, "   ").unwrap();
        });
        let expected = "Campaign report\t\t\n\nDay\tCampaign\tClicks\n\
                        2026-11-01\t\"tab\there, \"\"quoted\"\"\nand two lines\"\t\n2026-11-02\t\t\n\t   \t\n";
        assert_eq!(text_of(&path).unwrap(), expected);
    }

    #[test]
    fn the_first_sheet_with_a_cell_is_read() {
        let (_dir, path) = xlsx(|book| {
            book.add_worksheet().set_name("Empty").unwrap();
            book.add_worksheet().write_string(1, 1, "second").unwrap();
            book.add_worksheet().write_string(0, 0, "third").unwrap();
        });
        assert_eq!(text_of(&path).unwrap(), "\n\tsecond\n");
    }

    #[test]
    fn a_workbook_without_a_table_a_truncated_one_and_other_containers_are_clear_errors() {
        let (dir, empty) = xlsx(|book| {
            book.add_worksheet();
            book.add_worksheet().write_string(3, 3, " ").unwrap();
        });
        let err = text_of(&empty).unwrap_err().to_string();
        assert!(
            err.contains("book.xlsx") && err.contains("the workbook holds no table: every sheet is empty"),
            "{err}"
        );

        let bytes = std::fs::read(&empty).unwrap();
        let truncated = dir.path().join("truncated.xlsx");
        std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
        let err = Input::open(&truncated).err().expect("an error").to_string();
        assert!(err.contains("truncated.xlsx") && err.contains("zip archive") && err.contains("truncated"), "{err}");

        let other = dir.path().join("other.zip");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&other).unwrap());
        zip.start_file("notes.txt", zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut zip, b"hello").unwrap();
        zip.finish().unwrap();
        let err = Input::open(&other).err().expect("an error").to_string();
        assert!(err.contains("not an Excel (.xlsx) or OpenDocument (.ods) workbook"), "{err}");

        let not_xls = dir.path().join("not.xls");
        std::fs::write(&not_xls, [CFB_MAGIC, &[0; 2000]].concat()).unwrap();
        let err = Input::open(&not_xls).err().expect("an error").to_string();
        assert!(err.contains("not.xls: the workbook cannot be read; it may be damaged"), "{err}");
    }

    #[test]
    fn parts_that_declare_more_than_the_bound_are_refused_before_reading() {
        let (_dir, path) = xlsx(|book| {
            let sheet = book.add_worksheet();
            for (col, letter) in ["a", "b", "c", "d"].into_iter().enumerate() {
                sheet.write_string(0, col as u16, letter.repeat(30_000)).unwrap();
            }
        });
        let sniff = |max_expanded| {
            let mut file = io::BufReader::new(std::fs::File::open(&path).unwrap());
            Workbook::sniff(&mut file, max_expanded)
        };
        let err = sniff(50_000).unwrap_err();
        assert!(err.to_string().contains("decompression bomb"), "{err}");
        assert_eq!(sniff(1 << 30).unwrap(), Some(Workbook::Xlsx));
    }

    #[test]
    fn an_open_document_spreadsheet_reads_as_its_first_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("book.ods");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        std::io::Write::write_all(&mut zip, ODS_MIME_TYPE).unwrap();
        zip.start_file("META-INF/manifest.xml", zip::write::SimpleFileOptions::default()).unwrap();
        let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#;
        std::io::Write::write_all(&mut zip, manifest.as_bytes()).unwrap();
        zip.start_file("content.xml", zip::write::SimpleFileOptions::default()).unwrap();
        // The reader wants no text between the cells of a row, as office suites write them.
        let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>
<table:table table:name="Empty"></table:table>
<table:table table:name="Hits">
<table:table-row><table:table-cell office:value-type="string"><text:p>timestamp</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>clicks</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="date" office:date-value="2026-11-01T10:15:30"><text:p>x</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell></table:table-row>
</table:table>
</office:spreadsheet></office:body></office:document-content>"#
            .replace('\n', "");
        std::io::Write::write_all(&mut zip, content.as_bytes()).unwrap();
        zip.finish().unwrap();
        let mut input = Input::open(&path).unwrap();
        let mut text = String::new();
        input.reader().read_to_string(&mut text).unwrap();
        assert_eq!(input.compression, Some("ods"));
        assert_eq!(text, "timestamp\tclicks\n2026-11-01 10:15:30\t3\n");
    }
}
