//! Delimited text (CSV, TSV, `;` and `|` separated): finding the separator, and reading
//! records with their line numbers. Shared by the traffic and the ad-export importers.

use super::{Context, Input};
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
/// rows allowed (callers reject them with a reason), and no line longer than
/// [`MAX_LINE_BYTES`](super::text::MAX_LINE_BYTES) (a longer one becomes a reject on its own).
pub fn csv_reader(input: &mut Input, delimiter: u8) -> csv::Reader<&mut (dyn std::io::BufRead + Send)> {
    csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(input.line_reader())
}

/// A record's fields joined again, for the rejects list.
pub fn raw_text(record: &csv::StringRecord, delimiter: u8) -> String {
    let sep = (delimiter as char).to_string();
    record.iter().collect::<Vec<_>>().join(&sep)
}

/// What went wrong reading a record, in words for the rejects list; or, when reading the text
/// itself failed (a decompression bomb, a disk error), the error that stops the import, since
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
