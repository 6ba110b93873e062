//! Opening a file as text: transparent gzip/bzip2 decompression (with a bound on expansion),
//! encoding detection (UTF-8 with or without BOM, UTF-16LE/BE with or without BOM, and a
//! Windows-1252 fallback), and a byte counter that import progress reads.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};

/// How much of a file sniffing looks at.
const HEAD_BYTES: usize = 64 * 1024;
/// A compressed file may expand to at most this many times its size (or [`MIN_EXPANSION_LIMIT`]).
const MAX_EXPANSION_RATIO: u64 = 1000;
const MIN_EXPANSION_LIMIT: u64 = 1 << 30;

/// A file opened as UTF-8 text, whatever its compression and encoding.
pub struct Input {
    reader: Box<dyn BufRead + Send>,
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
        let counted = CountingReader { inner: file, count: raw_bytes_read.clone() };
        let (decompressed, compression) = decompress(counted, size).map_err(|e| Error::io(path, e))?;
        let (reader, encoding) = decode(decompressed).map_err(|e| Error::io(path, e))?;
        Ok(Input {
            reader: Box::new(BufReader::with_capacity(256 * 1024, reader)),
            raw_bytes_read,
            size,
            encoding,
            compression,
            line: 0,
            raw_line: Vec::new(),
        })
    }

    /// The decoded text as a reader (for CSV and JSON parsers).
    pub fn reader(&mut self) -> &mut (dyn BufRead + Send) {
        &mut *self.reader
    }

    /// A counter of the file's bytes read so far (compressed bytes for compressed files).
    pub fn progress_counter(&self) -> Arc<AtomicU64> {
        self.raw_bytes_read.clone()
    }

    /// The file's size on disk.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Read the next line into `buf` without its line ending; returns its 1-based number, or
    /// `None` at the end. Bytes that are not valid UTF-8 become U+FFFD.
    pub fn next_line(&mut self, buf: &mut String) -> io::Result<Option<u64>> {
        buf.clear();
        self.raw_line.clear();
        if self.reader.read_until(b'\n', &mut self.raw_line)? == 0 {
            return Ok(None);
        }
        self.line += 1;
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

struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
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
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the compressed file expands to more than {MAX_EXPANSION_RATIO} times its size; \
                     it looks like a decompression bomb, so it was not read"
                ),
            )
        })?;
        Ok(n)
    }
}

type BoxRead = Box<dyn Read + Send>;

fn decompress<R: Read + Send + 'static>(raw: R, size: u64) -> io::Result<(BoxRead, Option<&'static str>)> {
    let mut raw = BufReader::new(raw);
    let magic = raw.fill_buf()?;
    let limit = (size.saturating_mul(MAX_EXPANSION_RATIO)).max(MIN_EXPANSION_LIMIT);
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
