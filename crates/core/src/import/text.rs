//! Opening a file as text: transparent gzip/bzip2 decompression (with a bound on expansion),
//! spreadsheets (`.xlsx`, `.xls`, `.ods`) read as tab-separated text (see [`super::spreadsheet`]),
//! encoding detection (UTF-8 with or without BOM, UTF-16LE/BE with or without BOM, and a
//! Windows-1252 fallback), a byte counter that import progress reads, and a bound on the length
//! of a line for line-based readers ([`MAX_LINE_BYTES`]): a longer line is skipped without being
//! held and becomes a reject ([`Input::long_lines`]).

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::spreadsheet::{first_table_as_text, Workbook};
use super::Reject;
use crate::error::{Error, Result};

/// How much of a file sniffing looks at.
const HEAD_BYTES: usize = 64 * 1024;
/// A compressed file (or a workbook) may expand to at most this many times its size (or
/// [`MIN_EXPANSION_LIMIT`]).
const MAX_EXPANSION_RATIO: u64 = 1000;
const MIN_EXPANSION_LIMIT: u64 = 1 << 30;
/// The buffer between the decoder and the readers. It must not exceed [`MAX_LINE_BYTES`]: the
/// line bound is checked where a line crosses from one buffer-full to the next.
const BUFFER_BYTES: usize = 256 * 1024;
const _: () = assert!(BUFFER_BYTES <= MAX_LINE_BYTES);

/// The longest line, in bytes of text, that line-based readers ([`Input::next_line`],
/// [`Input::line_reader`]) take. A longer line is skipped as it is read, so it never needs more
/// memory than this, and is reported as a reject at its line number holding its first
/// [`LONG_LINE_KEPT_BYTES`]; the readers see a blank line (one space) in its place. Real rows (long URLs and
/// user agents, a JSON column in a CSV) are a few KiB.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// How much of a too-long line its reject keeps.
pub const LONG_LINE_KEPT_BYTES: usize = 16 << 10;

/// Lines skipped for being too long, as rejects, waiting to be taken by whoever feeds the sink.
#[derive(Clone, Default)]
pub struct LongLines(Arc<Mutex<Vec<Reject>>>);

impl LongLines {
    /// The rejects gathered since the last call.
    pub fn take(&self) -> Vec<Reject> {
        std::mem::take(&mut *self.lock())
    }

    /// The number of the first line skipped and not yet taken (a format checks that its header
    /// was not one).
    pub fn first_line(&self) -> Option<u64> {
        self.lock().first().map(|r| r.line)
    }

    fn push(&self, reject: Reject) {
        self.lock().push(reject);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Reject>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A file opened as UTF-8 text, whatever its compression and encoding.
pub struct Input {
    reader: LineGuard,
    raw_bytes_read: Arc<AtomicU64>,
    size: u64,
    pub encoding: &'static str,
    pub compression: Option<&'static str>,
    line: u64,
    raw_line: Vec<u8>,
}

impl Input {
    pub fn open(path: &Path) -> Result<Input> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
        let raw_bytes_read = Arc::new(AtomicU64::new(0));
        let counted = CountingReader { inner: file, position: 0, furthest: raw_bytes_read.clone() };
        let (reader, encoding, compression) =
            open_text(BufReader::new(counted), size).map_err(|e| Error::io(path, e))?;
        Ok(Input {
            reader: LineGuard::new(BufReader::with_capacity(BUFFER_BYTES, reader)),
            raw_bytes_read,
            size,
            encoding,
            compression,
            line: 0,
            raw_line: Vec::new(),
        })
    }

    /// The decoded text as a reader, with lines of any length (for JSON, where a whole array
    /// may be one line; its records carry their own bound).
    pub fn reader(&mut self) -> &mut (dyn BufRead + Send) {
        self.reader.limited = false;
        &mut self.reader
    }

    /// The decoded text as a reader in which no line is longer than [`MAX_LINE_BYTES`] (for CSV
    /// parsers): a longer line reads as a blank one and is added to [`Input::long_lines`].
    pub fn line_reader(&mut self) -> &mut (dyn BufRead + Send) {
        self.reader.limited = true;
        &mut self.reader
    }

    /// The lines skipped for being longer than [`MAX_LINE_BYTES`], as rejects. The store's
    /// loader and [`super::read_file`] move them into the sink.
    pub fn long_lines(&self) -> LongLines {
        self.reader.long_lines.clone()
    }

    /// A counter of the file's bytes read so far (compressed bytes for compressed files; for a
    /// workbook, how far into the file its reader has gone).
    pub fn progress_counter(&self) -> Arc<AtomicU64> {
        self.raw_bytes_read.clone()
    }

    /// The file's size on disk.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Read the next line into `buf` without its line ending; returns its 1-based number, or
    /// `None` at the end. Bytes that are not valid UTF-8 become U+FFFD. A line longer than
    /// [`MAX_LINE_BYTES`] reads as a blank line (one space) and is added to [`Input::long_lines`].
    pub fn next_line(&mut self, buf: &mut String) -> io::Result<Option<u64>> {
        buf.clear();
        self.raw_line.clear();
        self.reader.limited = true;
        // The guard bounds the text between any two line breaks, `\r` included; this bounds a
        // line whose lone `\r`s split it into short pieces.
        let mut bounded = (&mut self.reader).take(MAX_LINE_BYTES as u64 + 2);
        if bounded.read_until(b'\n', &mut self.raw_line)? == 0 {
            return Ok(None);
        }
        self.line += 1;
        if self.raw_line.len() > MAX_LINE_BYTES + 1 && self.raw_line.last() != Some(&b'\n') {
            self.reader.skip_long_line(self.line, &self.raw_line)?;
            buf.push(' ');
            return Ok(Some(self.line));
        }
        while matches!(self.raw_line.last(), Some(b'\n' | b'\r')) {
            self.raw_line.pop();
        }
        match std::str::from_utf8(&self.raw_line) {
            Ok(s) => buf.push_str(s),
            Err(_) => buf.push_str(&String::from_utf8_lossy(&self.raw_line)),
        }
        Ok(Some(self.line))
    }
}

/// The decoded text, passed through whole lines at a time when `limited`, so that a line longer
/// than [`MAX_LINE_BYTES`] can be skipped before any of it is handed on. Line breaks are `\n`
/// and `\r` (old Mac files end lines with `\r` alone); a skipped line is replaced by a space
/// and keeps its line break, so the lines after it keep their numbers.
struct LineGuard {
    inner: BufReader<BoxRead>,
    limited: bool,
    /// Text read ahead: `[pos..ready]` is whole lines not yet handed on, `[ready..]` the start
    /// of a line whose end has not been read yet.
    pending: Vec<u8>,
    pos: usize,
    ready: usize,
    /// `\n` bytes handed on or skipped (the line being read is number `newlines + 1`).
    newlines: u64,
    long_lines: LongLines,
}

/// Where [`LineGuard::skip_to_break`] stops: at either line break, or at a line feed only.
#[derive(Clone, Copy)]
enum Breaks {
    Any,
    LineFeed,
}

impl Breaks {
    fn find(self, bytes: &[u8]) -> Option<usize> {
        match self {
            Breaks::Any => memchr::memchr2(b'\n', b'\r', bytes),
            Breaks::LineFeed => memchr::memchr(b'\n', bytes),
        }
    }
}

impl LineGuard {
    fn new(inner: BufReader<BoxRead>) -> Self {
        LineGuard {
            inner,
            limited: false,
            pending: Vec::new(),
            pos: 0,
            ready: 0,
            newlines: 0,
            long_lines: LongLines::default(),
        }
    }

    /// Read on until at least one whole line is ready (or the text ends).
    fn fill_lines(&mut self) -> io::Result<()> {
        while self.pos == self.ready {
            self.pending.drain(..self.ready);
            (self.pos, self.ready) = (0, 0);
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                // The last line, without a line break.
                self.ready = self.pending.len();
                return Ok(());
            }
            let first_break = memchr::memchr2(b'\n', b'\r', chunk);
            let taken = first_break.unwrap_or(chunk.len());
            if self.pending.len() + taken > MAX_LINE_BYTES {
                self.skip_unfinished_line(taken)?;
                continue;
            }
            // Lines wholly inside the chunk are shorter than the chunk, so within the bound.
            let end = match memchr::memrchr2(b'\n', b'\r', chunk) {
                Some(last) => last + 1,
                None => chunk.len(),
            };
            self.newlines += memchr::memchr_iter(b'\n', &chunk[..end]).count() as u64;
            self.pending.extend_from_slice(&chunk[..end]);
            self.inner.consume(end);
            if first_break.is_some() {
                self.ready = self.pending.len();
            }
        }
        Ok(())
    }

    /// The line begun in `pending` and going on through the next `taken` bytes of the inner
    /// reader is too long: skip it up to its line break, which stays to be read.
    fn skip_unfinished_line(&mut self, taken: usize) -> io::Result<()> {
        let mut kept = std::mem::take(&mut self.pending);
        (self.pos, self.ready) = (0, 0);
        let read_before = kept.len() + taken;
        let room = LONG_LINE_KEPT_BYTES.saturating_sub(kept.len()).min(taken);
        kept.extend_from_slice(&self.inner.fill_buf()?[..room]);
        kept.truncate(LONG_LINE_KEPT_BYTES);
        self.inner.consume(taken);
        let length = read_before + self.skip_to_break(Breaks::Any, false)?;
        self.reject_long_line(self.newlines + 1, &kept, length);
        // A blank line stands for it: CSV readers count a line with a space, not an empty one.
        self.pending.push(b' ');
        Ok(())
    }

    /// [`Input::next_line`] read `read` (more than [`MAX_LINE_BYTES`]) of line `line`, which
    /// its lone `\r`s cut into short pieces, without reaching a `\n`: skip the rest of the line
    /// and its `\n`.
    fn skip_long_line(&mut self, line: u64, read: &[u8]) -> io::Result<()> {
        let length = read.len() + self.skip_to_break(Breaks::LineFeed, true)?;
        self.reject_long_line(line, &read[..read.len().min(LONG_LINE_KEPT_BYTES)], length);
        Ok(())
    }

    /// Skip text (what is read ahead first, then the inner reader's) up to the next of `breaks`,
    /// and that byte too if `through`; the number of bytes skipped before it.
    fn skip_to_break(&mut self, breaks: Breaks, through: bool) -> io::Result<usize> {
        let mut skipped = 0usize;
        loop {
            let from_pending = self.pos < self.pending.len();
            let rest = if from_pending { &self.pending[self.pos..] } else { self.inner.fill_buf()? };
            if rest.is_empty() {
                return Ok(skipped);
            }
            let found = breaks.find(rest);
            let n = found.map_or(rest.len(), |i| i + usize::from(through));
            // A `\n` read ahead is counted already; one taken from the inner reader is not.
            let counted_newline = through && !from_pending && found.is_some_and(|i| rest[i] == b'\n');
            skipped = skipped.saturating_add(found.unwrap_or(rest.len()));
            if from_pending {
                self.pos += n;
                self.ready = self.ready.max(self.pos);
            } else {
                self.inner.consume(n);
            }
            self.newlines += u64::from(counted_newline);
            if found.is_some() {
                return Ok(skipped);
            }
        }
    }

    fn reject_long_line(&self, line: u64, kept: &[u8], length: usize) {
        // Keep whole characters: the cut may fall inside one.
        let end = match std::str::from_utf8(kept) {
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            _ => kept.len(),
        };
        let reject = Reject {
            line,
            raw: String::from_utf8_lossy(&kept[..end]).into_owned(),
            reason: format!(
                "the line is too long: {length} bytes, more than the {} MiB a line may hold \
                 (only its first {} KiB are kept here)",
                MAX_LINE_BYTES >> 20,
                LONG_LINE_KEPT_BYTES >> 10
            ),
        };
        self.long_lines.push(reject);
    }
}
impl Read for LineGuard {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for LineGuard {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.limited {
            self.fill_lines()?;
            return Ok(&self.pending[self.pos..self.ready]);
        }
        if self.pos < self.pending.len() {
            return Ok(&self.pending[self.pos..]);
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        if self.pos < self.pending.len() {
            self.pos += n;
            self.ready = self.ready.max(self.pos);
        } else {
            self.inner.consume(n);
        }
    }
}

/// The start of a file, decoded, for sniffing formats.
pub struct Head {
    /// Up to 64 KiB of text, cut at the last complete line when the file is longer.
    pub text: String,
    /// The file name (formats may look at its extension).
    pub file_name: String,
    pub encoding: &'static str,
    pub compression: Option<&'static str>,
}

impl Head {
    pub fn read(path: &Path) -> Result<Head> {
        let mut input = Input::open(path)?;
        let mut bytes = Vec::with_capacity(HEAD_BYTES);
        input.reader().take(HEAD_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
        if bytes.len() > HEAD_BYTES {
            let end = memchr::memrchr(b'\n', &bytes[..HEAD_BYTES]).map_or(HEAD_BYTES, |i| i + 1);
            bytes.truncate(end);
        }
        Ok(Head {
            text: String::from_utf8_lossy(&bytes).into_owned(),
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            encoding: input.encoding,
            compression: input.compression,
        })
    }

    /// Head built from text, for tests of sniffing.
    pub fn from_text(file_name: &str, text: &str) -> Head {
        Head { text: text.into(), file_name: file_name.into(), encoding: "UTF-8", compression: None }
    }

    /// Non-empty lines of the head.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.text.lines().map(|l| l.trim_end_matches('\r')).filter(|l| !l.trim().is_empty())
    }

    pub fn first_line(&self) -> &str {
        self.lines().next().unwrap_or("")
    }
}

/// Counts how far into the file reading has gone (the furthest position read, so that a reader
/// that seeks back, as a workbook's does, is not counted twice).
struct CountingReader<R> {
    inner: R,
    position: u64,
    furthest: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.position += n as u64;
        self.furthest.fetch_max(self.position, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: Seek> Seek for CountingReader<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.position = self.inner.seek(pos)?;
        Ok(self.position)
    }
}

/// Stops a decompressor that expands beyond a bound (a "zip bomb") with a clear error.
struct ExpansionLimit<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for ExpansionLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(expansion_error)?;
        Ok(n)
    }
}

/// How many bytes a file of `size` bytes may expand to.
fn expansion_limit(size: u64) -> u64 {
    size.saturating_mul(MAX_EXPANSION_RATIO).max(MIN_EXPANSION_LIMIT)
}

/// The error for a file that expands beyond [`expansion_limit`].
pub(super) fn expansion_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "the compressed file expands to more than {MAX_EXPANSION_RATIO} times its size; \
             it looks like a decompression bomb, so it was not imported"
        ),
    )
}

type BoxRead = Box<dyn Read + Send>;

/// The file's text, its encoding, and its container: a compression or a workbook.
fn open_text<R>(mut raw: BufReader<R>, size: u64) -> io::Result<(BoxRead, &'static str, Option<&'static str>)>
where
    R: Read + Seek + Send + 'static,
{
    let limit = expansion_limit(size);
    if let Some(workbook) = Workbook::sniff(&mut raw, limit)? {
        let text = ExpansionLimit { inner: first_table_as_text(raw, workbook)?, left: limit };
        return Ok((Box::new(text), "UTF-8", Some(workbook.name())));
    }
    let (decompressed, compression) = decompress(raw, limit)?;
    let (reader, encoding) = decode(decompressed)?;
    Ok((reader, encoding, compression))
}

fn decompress<R: Read + Send + 'static>(
    mut raw: BufReader<R>,
    limit: u64,
) -> io::Result<(BoxRead, Option<&'static str>)> {
    let magic = raw.fill_buf()?;
    Ok(if magic.starts_with(&[0x1f, 0x8b]) {
        let inner = flate2::bufread::MultiGzDecoder::new(raw);
        (Box::new(ExpansionLimit { inner, left: limit }), Some("gzip"))
    } else if magic.starts_with(b"BZh") {
        let inner = bzip2::bufread::MultiBzDecoder::new(raw);
        (Box::new(ExpansionLimit { inner, left: limit }), Some("bzip2"))
    } else {
        (Box::new(raw), None)
    })
}

/// Pick the encoding from a BOM or the shape of the first bytes, and return a UTF-8 reader.
fn decode(mut reader: BoxRead) -> io::Result<(BoxRead, &'static str)> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut reader).take(HEAD_BYTES as u64).read_to_end(&mut head)?;
    let encoding = sniff_encoding(&head);
    let bom_len = match encoding {
        _ if head.starts_with(b"\xEF\xBB\xBF") => 3,
        _ if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") => 2,
        _ => 0,
    };
    let rest: BoxRead = Box::new(Cursor::new(head).chain(reader));
    let mut rest = rest;
    io::copy(&mut (&mut rest).take(bom_len), &mut io::sink())?;
    if encoding == encoding_rs::UTF_8 {
        return Ok((rest, "UTF-8"));
    }
    let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(Some(encoding)).build(rest);
    Ok((Box::new(decoded), encoding.name()))
}

fn sniff_encoding(head: &[u8]) -> &'static encoding_rs::Encoding {
    if head.starts_with(b"\xEF\xBB\xBF") {
        return encoding_rs::UTF_8;
    }
    if head.starts_with(b"\xFF\xFE") {
        return encoding_rs::UTF_16LE;
    }
    if head.starts_with(b"\xFE\xFF") {
        return encoding_rs::UTF_16BE;
    }
    // UTF-16 without a BOM: ASCII text has a zero in every other byte.
    let pairs = head.len() / 2;
    if pairs >= 2 {
        let zero_odd = head.chunks_exact(2).filter(|p| p[1] == 0 && p[0] != 0).count();
        let zero_even = head.chunks_exact(2).filter(|p| p[0] == 0 && p[1] != 0).count();
        if zero_odd * 10 >= pairs * 7 {
            return encoding_rs::UTF_16LE;
        }
        if zero_even * 10 >= pairs * 7 {
            return encoding_rs::UTF_16BE;
        }
    }
    match std::str::from_utf8(head) {
        Ok(_) => encoding_rs::UTF_8,
        // A multi-byte character cut off by the end of the sample is still UTF-8.
        Err(e) if e.error_len().is_none() => encoding_rs::UTF_8,
        Err(_) => encoding_rs::WINDOWS_1252,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> (String, &'static str) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        std::fs::write(&path, bytes).unwrap();
        let mut input = Input::open(&path).unwrap();
        let mut s = String::new();
        input.reader().read_to_string(&mut s).unwrap();
        (s, input.encoding)
    }

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if big_endian { [0xFE, 0xFF] } else { [0xFF, 0xFE] });
        }
        for unit in text.encode_utf16() {
            out.extend(if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        out
    }

    #[test]
    fn utf8_bom_is_stripped() {
        assert_eq!(read_all(b"\xEF\xBB\xBFa,b\n"), ("a,b\n".into(), "UTF-8"));
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "Campaign\tClicks\nCaf\u{e9}\t3\n";
        for big_endian in [false, true] {
            for bom in [false, true] {
                let (decoded, encoding) = read_all(&utf16(text, big_endian, bom));
                assert_eq!(decoded, text, "big_endian={big_endian} bom={bom}");
                assert_eq!(encoding, if big_endian { "UTF-16BE" } else { "UTF-16LE" });
            }
        }
    }

    #[test]
    fn latin1_falls_back_to_windows_1252() {
        assert_eq!(read_all(b"Caf\xE9 \x80\n"), ("Caf\u{e9} \u{20ac}\n".into(), "windows-1252"));
    }

    #[test]
    fn gzip_and_bzip2_are_read_directly() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"hello\n").unwrap();
        assert_eq!(read_all(&gz.finish().unwrap()).0, "hello\n");
        let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
        bz.write_all(b"hello\n").unwrap();
        assert_eq!(read_all(&bz.finish().unwrap()).0, "hello\n");
    }

    #[test]
    fn decompression_bomb_is_refused_with_a_clear_error() {
        let mut limited = ExpansionLimit { inner: io::repeat(b'a'), left: 10_000 };
        let err = io::copy(&mut limited, &mut io::sink()).unwrap_err();
        assert!(err.to_string().contains("decompression bomb"), "{err}");
    }

    fn open(bytes: &[u8]) -> (tempfile::TempDir, Input) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        std::fs::write(&path, bytes).unwrap();
        let input = Input::open(&path).unwrap();
        (dir, input)
    }

    fn all_lines(input: &mut Input) -> Vec<(u64, String)> {
        let mut buf = String::new();
        let mut seen = Vec::new();
        while let Some(n) = input.next_line(&mut buf).unwrap() {
            seen.push((n, buf.clone()));
        }
        seen
    }

    #[test]
    fn a_line_over_the_bound_is_skipped_and_rejected_with_its_number_and_start() {
        let longest = "a".repeat(MAX_LINE_BYTES);
        let too_long = format!("{}{}", "\u{e9}".repeat(LONG_LINE_KEPT_BYTES), "b".repeat(MAX_LINE_BYTES));
        let text = format!("first\r\n{longest}\n{too_long}\r\nafter\n{too_long}");
        let (_dir, mut input) = open(text.as_bytes());
        let lines = all_lines(&mut input);
        let expected: Vec<(u64, String)> =
            vec![(1, "first".into()), (2, longest.clone()), (3, " ".into()), (4, "after".into()), (5, " ".into())];
        assert_eq!(lines, expected, "a long line reads as blank");
        let rejects = input.long_lines().take();
        assert_eq!(rejects.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 5]);
        let length = too_long.len();
        for r in &rejects {
            assert_eq!(
                r.reason,
                format!("the line is too long: {length} bytes, more than the 1 MiB a line may hold (only its first 16 KiB are kept here)")
            );
            // 16 KiB is 8192 two-byte characters: a cut inside a character is not kept.
            assert_eq!(r.raw, "\u{e9}".repeat(LONG_LINE_KEPT_BYTES / 2));
        }
        assert!(input.long_lines().take().is_empty(), "taken once");
    }

    #[test]
    fn the_csv_reader_sees_the_same_lines_and_the_json_reader_every_byte() {
        let long = "x".repeat(MAX_LINE_BYTES * 3 + 7);
        let text = format!("a,b\n{long}\n1,2\r3,4\n");
        let (_dir, mut input) = open(text.as_bytes());
        let mut lines = String::new();
        input.line_reader().read_to_string(&mut lines).unwrap();
        assert_eq!(lines, "a,b\n \n1,2\r3,4\n", "old Mac line breaks (\\r) count as line ends");
        assert_eq!(input.long_lines().take()[0].line, 2);

        let (_dir, mut input) = open(text.as_bytes());
        let mut whole = String::new();
        input.reader().read_to_string(&mut whole).unwrap();
        assert_eq!(whole, text);
        assert!(input.long_lines().take().is_empty());
    }

    #[test]
    fn a_long_line_cut_short_by_lone_carriage_returns_is_still_bounded() {
        // Pieces under the bound, but no line feed for more than the bound.
        let pieces = "y".repeat(1000) + "\r";
        let long = pieces.repeat(MAX_LINE_BYTES / 1000 + 5);
        let text = format!("one\n{long}\nthree\n");
        let (_dir, mut input) = open(text.as_bytes());
        let lines = all_lines(&mut input);
        assert_eq!(lines, vec![(1, "one".into()), (2, " ".into()), (3, "three".into())]);
        let rejects = input.long_lines().take();
        assert_eq!((rejects.len(), rejects[0].line), (1, 2));
        assert!(rejects[0].reason.contains(&format!("{} bytes", long.len())), "{}", rejects[0].reason);
        assert_eq!(rejects[0].raw.len(), LONG_LINE_KEPT_BYTES);
    }

    #[test]
    fn next_line_strips_crlf_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        std::fs::write(&path, b"a\r\nb\n\nc").unwrap();
        let mut input = Input::open(&path).unwrap();
        let mut buf = String::new();
        let mut seen = Vec::new();
        while let Some(n) = input.next_line(&mut buf).unwrap() {
            seen.push((n, buf.clone()));
        }
        assert_eq!(seen, [(1, "a".into()), (2, "b".into()), (3, "".into()), (4, "c".into())]);
    }
}
