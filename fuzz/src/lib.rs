//! What the fuzz targets share: a scratch file per process (the importers read files, and some
//! formats re-open their path to sniff the head again, so the input has to be a real file),
//! the settings byte that varies the import options, and the invariants every import must keep
//! whatever its input.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono_tz::Tz;
use sessionlens_core::import::{read_file, DateOrder, Format, Head, ImportOptions, Input, MemorySink};
use sessionlens_core::model::Kind;

/// The scratch file of this process: `$SESSIONLENS_FUZZ_DIR`, else `/dev/shm` (memory, no disk
/// writes), else the system temp dir. `scripts/fuzz.sh` points the variable at a directory it
/// removes afterwards.
fn scratch_path() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::var_os("SESSIONLENS_FUZZ_DIR").map(PathBuf::from).unwrap_or_else(|| {
            let shm = Path::new("/dev/shm");
            if shm.is_dir() {
                shm.to_path_buf()
            } else {
                std::env::temp_dir()
            }
        });
        dir.join(format!("sessionlens-fuzz-{}.input", std::process::id()))
    })
}

/// Writes `bytes` to this process's scratch file and returns its path.
pub fn scratch_file(bytes: &[u8]) -> &'static Path {
    let path = scratch_path();
    std::fs::write(path, bytes).expect("the fuzz scratch file is writable");
    path
}

/// Import options chosen by one settings byte, so one corpus explores them all: bits 4-5 pick
/// the date order (sniffed, day-first, month-first), bits 6-7 the time zone (none given, UTC,
/// New York, Lord Howe with its half-hour DST shift). Bits 0-3 are left to the target (which
/// format of a family to run, where four bits name them all).
pub fn options_from_settings(settings: u8) -> ImportOptions {
    let date_order = match (settings >> 4) & 3 {
        1 => Some(DateOrder::DayFirst),
        2 => Some(DateOrder::MonthFirst),
        _ => None,
    };
    let time_zone = match settings >> 6 {
        1 => Some(Tz::UTC),
        2 => Some(Tz::America__New_York),
        3 => Some(Tz::Australia__Lord_Howe),
        _ => None,
    };
    ImportOptions { date_order, time_zone, ..ImportOptions::default() }
}

/// Splits a target's input into its settings byte and the file's bytes.
pub fn split_settings(data: &[u8]) -> Option<(u8, &[u8])> {
    data.split_first().map(|(settings, file)| (*settings, file))
}

/// What one import of the scratch file gave.
pub struct Imported {
    pub sink: MemorySink,
    /// Did the format read the file (rows and rejects), or refuse it as a whole?
    pub read: bool,
    pub lines: Lines,
}

impl Imported {
    /// Rows and rejects together.
    pub fn records(&self) -> usize {
        let s = &self.sink;
        s.hits.len() + s.ad_stats.len() + s.ad_clicks.len() + s.reported.len() + s.rejects.len()
    }
}

/// The lines of the decoded text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Lines {
    /// Ended by `\n`, `\r\n` or a lone `\r`, as the CSV reader ends records ([`Input::next_line`]
    /// ends lines at `\n` only, so this is the higher count: a bound for every reader's numbers).
    pub any_ending: u64,
}

/// Sniffs and reads `bytes` with `format`, as the app does after detection, and checks the
/// invariants every format keeps (see [`check_import`]).
pub fn import_with(format: &dyn Format, bytes: &[u8], options: &ImportOptions) -> Imported {
    let path = scratch_file(bytes);
    if let Ok(head) = Head::read(path) {
        let _ = format.sniff(&head);
    }
    import_file(path, format, options)
}

/// Reads the file at `path` with `format` into memory and checks the invariants.
pub fn import_file(path: &Path, format: &dyn Format, options: &ImportOptions) -> Imported {
    let mut sink = MemorySink::default();
    let read = read_file(path, format, options, &mut sink).is_ok();
    let imported = Imported { sink, read, lines: decoded_lines(path) };
    check_import(format, &imported);
    imported
}

/// Counts the lines of the decoded text (none if it cannot be opened; up to a read error if one comes).
pub fn decoded_lines(path: &Path) -> Lines {
    let Ok(mut input) = Input::open(path) else { return Lines::default() };
    let reader = input.reader();
    let (mut newlines, mut lone_returns, mut last, mut any) = (0u64, 0u64, 0u8, false);
    loop {
        // Text that fails to decode part-way ends the count there, as it ends the import.
        let Ok(chunk) = reader.fill_buf() else { break };
        if chunk.is_empty() {
            break;
        }
        for &b in chunk {
            newlines += u64::from(b == b'\n');
            lone_returns += u64::from(last == b'\r' && b != b'\n');
            last = b;
        }
        any = true;
        let n = chunk.len();
        reader.consume(n);
    }
    let unterminated = u64::from(any && last != b'\n');
    Lines { any_ending: newlines + lone_returns + unterminated }
}

/// What holds for any import of any input:
/// - a reject names a line of the file (1-based, counting a lone `\r` as a line end too, as the
///   CSV-based readers do) and says why;
/// - every row is of the format's kind, its timestamp is one chrono can show (the store and the
///   reports turn it into a date), and a reported period does not end before it starts.
pub fn check_import(format: &dyn Format, imported: &Imported) {
    let sink = &imported.sink;
    for reject in &sink.rejects {
        assert!(
            (1..=imported.lines.any_ending.max(1)).contains(&reject.line),
            "{}: reject at line {} of a {}-line file: {reject:?}",
            format.id(),
            reject.line,
            imported.lines.any_ending
        );
        assert!(!reject.reason.trim().is_empty(), "{}: a reject without a reason: {reject:?}", format.id());
    }
    let kind = format.kind();
    let written = [
        (Kind::Traffic, !sink.hits.is_empty()),
        (Kind::Ads, !sink.ad_stats.is_empty() || !sink.ad_clicks.is_empty()),
        (Kind::Report, !sink.reported.is_empty()),
    ];
    for (other, wrote) in written.into_iter().filter(|(k, _)| *k != kind) {
        assert!(!wrote, "{}: a {} format wrote {} rows", format.id(), kind.as_str(), other.as_str());
    }
    for r in &sink.reported {
        assert!(r.first_date <= r.last_date, "{}: a period that ends before it starts: {r:?}", format.id());
    }
    for hit in &sink.hits {
        assert!(
            chrono::DateTime::from_timestamp_millis(hit.ts_ms).is_some(),
            "{}: a hit at {} ms is outside chrono's range",
            format.id(),
            hit.ts_ms
        );
    }
    for click in &sink.ad_clicks {
        if let Some(ts) = click.ts_ms {
            assert!(chrono::DateTime::from_timestamp_millis(ts).is_some(), "{}: click at {ts} ms", format.id());
        }
    }
}

/// A line-based format writes at most one row or reject per line of its file (a CSV reader
/// also ends a line at a lone `\r`).
pub fn check_at_most_one_record_per_line(format: &dyn Format, imported: &Imported) {
    assert!(
        imported.records() as u64 <= imported.lines.any_ending,
        "{}: {} rows and rejects from {} lines",
        format.id(),
        imported.records(),
        imported.lines.any_ending
    );
}
