//! Delimited text (CSV, TSV, `;` and `|` separated): finding the separator, reading records
//! with their line numbers, and telling the rows of a downloaded report that are not data (blank,
//! totals, footers). Shared by the traffic, ad-export and analytics-report importers.

use std::io::{self, BufRead, Read};

use super::{Context, Input, Sink};
use crate::error::{Error, Result};

/// The separator that splits the sample's lines most consistently into more than one field.
/// Quoted fields are respected; ties go to `,`, then tab, `;`, `|`.
pub fn detect_delimiter<'a>(lines: impl IntoIterator<Item = &'a str>) -> Option<u8> {
    let lines: Vec<&str> = lines.into_iter().take(20).collect();
    let mut best: Option<(u8, usize, usize)> = None; // (delimiter, consistent lines, fields)
    for delimiter in [b',', b'\t', b';', b'|'] {
        let counts: Vec<usize> = lines.iter().map(|l| count_fields(l, delimiter)).collect();
        let Some(&fields) = counts.iter().max() else {
            continue;
        };
        if fields < 2 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == fields).count();
        if best.is_none_or(|(_, c, f)| (consistent, fields) > (c, f)) {
            best = Some((delimiter, consistent, fields));
        }
    }
    best.map(|(d, _, _)| d)
}

fn count_fields(line: &str, delimiter: u8) -> usize {
    let mut in_quotes = false;
    let mut fields = 1;
    for b in line.bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b if b == delimiter && !in_quotes => fields += 1,
            _ => {}
        }
    }
    fields
}

/// A CSV reader over an input: no header handling (callers find their header row), ragged
/// rows allowed (callers reject them with a reason), no line longer than
/// [`MAX_LINE_BYTES`](super::text::MAX_LINE_BYTES) (a longer one becomes a reject on its own),
/// and no quoted field longer than [`MAX_QUOTED_FIELD_BYTES`] (the reading stops with an error).
pub fn csv_reader(input: &mut Input, delimiter: u8) -> csv::Reader<QuotedFieldBound<'_>> {
    let bounded = QuotedFieldBound::new(input.line_reader(), delimiter);
    csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(bounded)
}

/// A quoted field may hold line breaks, so one whose closing quote is missing would take the
/// rest of the file, in memory, as one field. One longer than this (which no export has) stops
/// the reading with an error naming the line where it opens.
pub const MAX_QUOTED_FIELD_BYTES: usize = 4 << 20;

/// Passes text to the CSV parser while following its quoting (a `"` at the start of a field
/// opens a quoted field, `""` inside is a quote, the next lone `"` closes it), to stop a quoted
/// field that runs past [`MAX_QUOTED_FIELD_BYTES`].
pub struct QuotedFieldBound<'a> {
    inner: &'a mut (dyn BufRead + Send),
    delimiter: u8,
    /// The last byte passed on outside a quoted field (a line break before the first).
    previous: u8,
    /// Inside a quoted field since `opened_on_line`, with `quoted_bytes` of it passed on.
    in_quotes: bool,
    /// Inside a quoted field, the last byte passed on was a `"` (closing, or half of `""`).
    quote_seen: bool,
    quoted_bytes: usize,
    opened_on_line: u64,
    /// Line breaks (`\n`) passed on.
    newlines: u64,
}

impl<'a> QuotedFieldBound<'a> {
    fn new(inner: &'a mut (dyn BufRead + Send), delimiter: u8) -> Self {
        QuotedFieldBound {
            inner,
            delimiter,
            previous: b'\n',
            in_quotes: false,
            quote_seen: false,
            quoted_bytes: 0,
            opened_on_line: 0,
            newlines: 0,
        }
    }

    /// Follow the quoting through `bytes`, the next text passed on.
    fn follow(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut i = 0;
        while i < bytes.len() {
            if self.in_quotes {
                if self.quote_seen {
                    self.quote_seen = false;
                    if bytes[i] != b'"' {
                        // The quote before closed the field; this byte is outside it.
                        (self.in_quotes, self.previous) = (false, b'"');
                        continue;
                    }
                    i += 1;
                    continue;
                }
                let rest = &bytes[i..];
                let run = memchr::memchr(b'"', rest).unwrap_or(rest.len());
                self.newlines += memchr::memchr_iter(b'\n', &rest[..run]).count() as u64;
                self.quoted_bytes += run;
                if self.quoted_bytes > MAX_QUOTED_FIELD_BYTES {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "the quoted field that opens on line {} does not close within {} MiB (is a \" \
                             missing?), so the rows after it cannot be read",
                            self.opened_on_line,
                            MAX_QUOTED_FIELD_BYTES >> 20
                        ),
                    ));
                }
                if run < rest.len() {
                    self.quote_seen = true;
                    i += run + 1;
                } else {
                    i = bytes.len();
                }
                continue;
            }
            let rest = &bytes[i..];
            let Some(quote) = memchr::memchr(b'"', rest) else {
                self.newlines += memchr::memchr_iter(b'\n', rest).count() as u64;
                self.previous = rest[rest.len() - 1];
                return Ok(());
            };
            self.newlines += memchr::memchr_iter(b'\n', &rest[..quote]).count() as u64;
            let before = if quote > 0 { rest[quote - 1] } else { self.previous };
            // Only a quote at the start of a field opens one; elsewhere it is a plain character.
            if before == self.delimiter || before == b'\n' || before == b'\r' {
                (self.in_quotes, self.quoted_bytes, self.opened_on_line) = (true, 0, self.newlines + 1);
            }
            self.previous = b'"';
            i += quote + 1;
        }
        Ok(())
    }
}

impl Read for QuotedFieldBound<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let n = unix_line_ends(&mut buf[..n], &mut *self.inner)?;
        self.follow(&buf[..n])?;
        Ok(n)
    }
}

/// Rewrite `\r\n` and a lone `\r` as `\n` in place, returning the new length; a `\r` ending
/// `buf` takes the `\n` that follows it in `next`. The CSV parser counts lines by `\n` alone and
/// numbers the records after a `\r\n` one line too low, so Windows exports (and old Mac ones)
/// would report their rejects on the wrong line.
fn unix_line_ends(buf: &mut [u8], next: &mut dyn BufRead) -> io::Result<usize> {
    let Some(first) = memchr::memchr(b'\r', buf) else {
        return Ok(buf.len());
    };
    let (mut read, mut write) = (first, first);
    while read < buf.len() {
        let byte = buf[read];
        read += 1;
        if byte == b'\r' {
            if read < buf.len() {
                read += usize::from(buf[read] == b'\n');
            } else if next.fill_buf()?.first() == Some(&b'\n') {
                next.consume(1);
            }
            buf[write] = b'\n';
        } else {
            buf[write] = byte;
        }
        write += 1;
    }
    Ok(write)
}

/// A record of empty or blank cells only.
pub fn is_blank(record: &csv::StringRecord) -> bool {
    record.iter().all(|c| c.trim().is_empty())
}

/// Rows that are part of a downloaded report but not data: "Total: Account", "Grand total" and
/// the like (Google, Microsoft, GA4), and a lone copyright line (Microsoft's `©2024 Microsoft
/// Corporation. All rights reserved.`).
pub fn is_total_or_footer(record: &csv::StringRecord) -> bool {
    let mut cells = record.iter().map(str::trim).filter(|c| !c.is_empty());
    let Some(first) = cells.next() else {
        return false;
    };
    let lower = first.to_lowercase();
    let total = ["total", "totals", "grand total"].contains(&lower.as_str())
        || ["total:", "totals:", "total -"].iter().any(|p| lower.starts_with(p));
    let footer = cells.next().is_none()
        && (first.contains('©') || lower.starts_with("copyright") || lower.contains("all rights reserved"));
    total || footer
}

/// A record's fields joined again, for the rejects list.
pub fn raw_text(record: &csv::StringRecord, delimiter: u8) -> String {
    let sep = (delimiter as char).to_string();
    record.iter().collect::<Vec<_>>().join(&sep)
}

/// What went wrong reading a record, in words for the rejects list; or, when reading the text
/// itself failed (a decompression bomb, a disk error), the error that stops the import, since
/// The record, or `None` once a row the CSV reader could not read has gone to `sink` as a
/// reject with its line: the one place every row loop of a delimited format turns reader
/// errors into rejects and goes on.
pub fn record_or_reject(
    record: csv::Result<csv::StringRecord>,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<Option<csv::StringRecord>> {
    match record {
        Ok(r) => Ok(Some(r)),
        Err(e) => {
            let line = e.position().map_or(0, |p| p.line());
            sink.reject(line, "", &describe_csv_error(&e, ctx)?)?;
            Ok(None)
        }
    }
}

/// the rest of the file cannot be read.
pub fn describe_csv_error(e: &csv::Error, ctx: &Context) -> Result<String> {
    match e.kind() {
        csv::ErrorKind::Io(cause) => Err(Error::io(ctx.path, std::io::Error::new(cause.kind(), cause.to_string()))),
        csv::ErrorKind::Utf8 { .. } => Ok("the row is not valid text in the file's encoding".into()),
        _ => Ok(format!("unreadable row: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str) -> (Vec<Vec<String>>, Option<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.csv");
        std::fs::write(&path, text).unwrap();
        let mut input = Input::open(&path).unwrap();
        let mut reader = csv_reader(&mut input, b',');
        let mut rows = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) => rows.push(r.iter().map(String::from).collect()),
                Err(e) => return (rows, Some(e.to_string())),
            }
        }
        (rows, None)
    }

    #[test]
    fn windows_and_old_mac_line_ends_read_as_unix_ones_across_buffer_ends() {
        let text = b"a\r\nb\r\nc\rd\r\ne\n";
        for split in 0..=text.len() {
            let mut head = text[..split].to_vec();
            let mut rest = io::Cursor::new(text[split..].to_vec());
            let n = unix_line_ends(&mut head, &mut rest).unwrap();
            let mut tail = text[split + rest.position() as usize..].to_vec();
            let m = unix_line_ends(&mut tail, &mut io::Cursor::new(Vec::new())).unwrap();
            let out = [&head[..n], &tail[..m]].concat();
            assert_eq!(out, b"a\nb\nc\nd\ne\n", "split at {split}");
        }
    }

    #[test]
    fn quoted_fields_across_lines_with_quotes_inside_read_as_csv_does() {
        let text = "a,b\n\"x\ny\",\"say \"\"hi\"\"\"\n5'10\",\"\"\n";
        let (rows, error) = read_all(text);
        assert_eq!(error, None);
        assert_eq!(rows, [vec!["a", "b"], vec!["x\ny", "say \"hi\""], vec!["5'10\"", ""]]);
    }

    #[test]
    fn a_quoted_field_that_never_closes_stops_the_reading_naming_its_line() {
        let rows = "2024-03-01T10:00:00Z,/page\n".repeat(MAX_QUOTED_FIELD_BYTES / 20);
        let (read, error) = read_all(&format!("a,b\n1,2\n3,\"/unclosed\n{rows}"));
        assert_eq!(read, [["a", "b"], ["1", "2"]]);
        let error = error.expect("an error");
        assert!(
            error.contains("the quoted field that opens on line 3 does not close within 4 MiB (is a \" missing?)"),
            "{error}"
        );
    }

    #[test]
    fn total_and_copyright_rows_are_recognised_and_campaigns_named_total_are_not() {
        let row = |cells: &[&str]| csv::StringRecord::from(cells.to_vec());
        assert!(is_total_or_footer(&row(&["Total: Account", "--", "1,234"])));
        assert!(is_total_or_footer(&row(&["", "Total", "12"])));
        assert!(is_total_or_footer(&row(&["Grand total", "", "1,234"])));
        assert!(is_total_or_footer(&row(&["©2024 Microsoft Corporation. All rights reserved. "])));
        assert!(!is_total_or_footer(&row(&["Total Gym Spring", "2024-03-01", "12"])));
        assert!(!is_total_or_footer(&row(&["Spring sale", "2024-03-01", "12"])));
    }

    #[test]
    fn detects_each_separator() {
        assert_eq!(detect_delimiter(["a,b,c", "1,2,3"]), Some(b','));
        assert_eq!(detect_delimiter(["a\tb", "1\t2"]), Some(b'\t'));
        assert_eq!(detect_delimiter(["a;b;c", "1,5;2,5;3"]), Some(b';'));
        assert_eq!(detect_delimiter(["a|b", "1|2"]), Some(b'|'));
        assert_eq!(detect_delimiter(["\"a,x\";b", "\"1,2\";3"]), Some(b';'));
        assert_eq!(detect_delimiter(["just text"]), None);
    }
}
