//! Opening any bytes as text (`import::text`): gzip/bzip2 detection, BOMs, UTF-16 without a
//! BOM, the Windows-1252 fallback; then the line reader every line-based format uses and the
//! head every sniffer sees. The head, the lines and the whole decoded text must agree.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use sessionlens_core::import::{Head, Input};
use sessionlens_fuzz::scratch_file;

/// How much decoded text the target keeps to compare (the head is at most 64 KiB).
const KEEP: usize = 128 << 10;

fuzz_target!(|data: &[u8]| {
    let path = scratch_file(data);
    let Ok(head) = Head::read(path) else { return };
    let Ok(mut input) = Input::open(path) else { panic!("Head::read opened the file but Input::open did not") };
    assert_eq!((head.encoding, head.compression), (input.encoding, input.compression));

    let mut line = String::new();
    let mut lines = 0u64;
    let mut joined = String::new();
    while let Ok(Some(number)) = input.next_line(&mut line) {
        lines += 1;
        assert_eq!(number, lines, "line numbers count from 1 without gaps");
        assert!(!line.contains('\n') && !line.ends_with('\r'), "a line keeps its line ending: {line:?}");
        if joined.len() < KEEP {
            joined.push_str(&line);
            joined.push('\n');
        }
    }

    let Ok(mut input) = Input::open(path) else { return };
    let mut text = Vec::new();
    if (&mut input.reader()).take(KEEP as u64 + 1).read_to_end(&mut text).is_err() || text.len() > KEEP {
        return;
    }
    let text = String::from_utf8_lossy(&text);
    let newlines = text.bytes().filter(|&b| b == b'\n').count() as u64;
    assert_eq!(lines, newlines + u64::from(!text.is_empty() && !text.ends_with('\n')), "lines of {text:?}");
    if text.len() < (64 << 10) {
        assert_eq!(head.text, text, "the head of a short file is all of it");
    }
});
