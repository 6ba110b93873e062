//! Huge lines, measured: importing a file that is one 2 GB line, good rows around a 256 MB one,
//! or a quoted field that never closes takes a few MiB of memory, not the file's size. A test binary of its own, because it counts every
//! allocation of the process (a global allocator) and its tests run one at a time.
//!
//! The files are sparse: real text at both ends and a hole between, which reads as zero bytes. The reader cannot tell a hole from written zeros, so the import reads all 2 GB exactly
//! as it would real content, without the test writing them to disk. On a file system without
//! holes the files take their full size: there the tests need that much free space, and fail
//! saying so (not pass unchecked) when it is not there.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use sessionlens_core::import::text::MAX_LINE_BYTES;
use sessionlens_core::import::ImportOptions;
use sessionlens_core::store::ImportControl;
use sessionlens_core::Project;

struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// One measured test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// What the import may allocate beyond what was live before it: the line bound and the
/// readers' buffers, with room to spare; far below the lines' sizes.
const IMPORT_BUDGET: usize = 16 * MAX_LINE_BYTES;

const TWO_GB: u64 = 2 << 30;

fn good_row(i: usize) -> String {
    format!("2024-03-01T10:{:02}:00Z,client-{},https://shop.example/p/{i}\n", i % 60, i % 7)
}

/// Free space where `dir` is, from `df` (`None` if it cannot tell).
fn free_bytes(dir: &Path) -> Option<u64> {
    let out = std::process::Command::new("df").args(["--output=avail", "-B1"]).arg(dir).output().ok()?;
    String::from_utf8_lossy(&out.stdout).lines().nth(1)?.trim().parse().ok()
}

/// A file of `size` bytes: `head`, then a hole, then `tail`.
fn sparse_file(dir: &Path, head: &str, tail: &str, size: u64) -> std::path::PathBuf {
    let path = dir.join("huge.csv");
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(head.as_bytes()).unwrap();
    file.seek(SeekFrom::Start(size - tail.len() as u64)).unwrap();
    file.write_all(tail.as_bytes()).unwrap();
    assert_eq!(file.metadata().unwrap().len(), size);
    path
}

/// Import `path` into a new project, with the peak of memory allocated meanwhile.
fn measured_import(
    dir: &Path,
    path: &Path,
) -> (Project, sessionlens_core::Result<sessionlens_core::store::ImportReport>, usize) {
    let mut project = Project::open(dir.join("p.sessionlens")).unwrap();
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = project.import(path, &ImportOptions::default(), ImportControl::default());
    let peak = PEAK.load(Ordering::Relaxed) - before;
    (project, result, peak)
}

/// A temp dir that can hold a sparse file of `size` bytes: its file system makes holes, or it has
/// room for all of the file. Panics, saying how to provide one, when it cannot.
fn scratch(size: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if !makes_holes(dir.path()) {
        let need = size + (512 << 20);
        if let Some(free) = free_bytes(dir.path()) {
            assert!(
                free >= need,
                "{} is on a file system without sparse files, where the {size}-byte test file takes all its \
                 size, and {free} bytes are free of the {need} needed: free some space, or set TMPDIR to a folder \
                 with room",
                dir.path().display()
            );
        }
    }
    dir
}

/// Whether a file written past its end in `dir` leaves a hole rather than taking the space.
fn makes_holes(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = dir.join("probe");
    let mut file = std::fs::File::create(&probe).unwrap();
    file.seek(SeekFrom::Start(16 << 20)).unwrap();
    file.write_all(b"x").unwrap();
    file.sync_all().unwrap();
    let taken = file.metadata().unwrap().blocks() * 512;
    drop(file);
    std::fs::remove_file(&probe).unwrap();
    taken < 1 << 20
}

#[test]
fn a_file_of_one_2_gb_line_is_refused_clearly_in_bounded_memory() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let dir = scratch(TWO_GB);
    // A header that starts like a CSV's and never ends.
    let path = sparse_file(dir.path(), "timestamp,client_id,url,", "x", TWO_GB);
    let (project, result, peak) = measured_import(dir.path(), &path);
    let err = result.unwrap_err();
    assert_eq!(err.code(), "unreadable_file", "{err}");
    assert!(
        err.to_string().ends_with(
            "huge.csv: the header row is too long: line 1 is longer than the 1 MiB a line may hold, so the \
             columns cannot be read"
        ),
        "{err}"
    );
    assert!(peak < IMPORT_BUDGET, "the import allocated {peak} bytes at its peak");
    assert_eq!(project.info().unwrap().files.len(), 0, "nothing was imported");
    drop(project);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_256_mb_line_among_good_rows_is_one_reject_in_bounded_memory() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let size = 256 << 20;
    let dir = scratch(size);
    let mut head = String::from("timestamp,client_id,url\n");
    (0..100).for_each(|i| head.push_str(&good_row(i)));
    head.push_str("2024-03-01T11:00:00Z,client-x,https://shop.example/?q=");
    let tail: String = std::iter::once("\n".to_string()).chain((100..200).map(good_row)).collect();
    let path = sparse_file(dir.path(), &head, &tail, size);
    let (project, result, peak) = measured_import(dir.path(), &path);
    let report = result.unwrap();
    assert_eq!((report.rows_imported, report.rows_rejected), (200, 1));
    let rejects = project.rejects().unwrap();
    assert_eq!(rejects[0].line, 102);
    // From the start of line 102 to the line break that begins the tail.
    let length = size - tail.len() as u64 - (head.rfind('\n').unwrap() + 1) as u64;
    let reason = &rejects[0].reason;
    assert!(reason.starts_with(&format!("the line is too long: {length} bytes, ")), "{reason}");
    assert!(peak < IMPORT_BUDGET, "the import allocated {peak} bytes at its peak");
    drop(project);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_quoted_field_that_never_closes_stops_in_bounded_memory() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().unwrap();
    // Real short lines (a hole has no line breaks), 16 MB of them after the quote.
    let path = dir.path().join("unclosed.csv");
    let mut text = String::from("timestamp,client_id,url\n2024-03-01T11:00:00Z,client-x,\"https://shop.example/?q=\n");
    text.push_str(&good_row(1).repeat((16 << 20) / good_row(1).len()));
    std::fs::write(&path, text).unwrap();
    let (project, result, peak) = measured_import(dir.path(), &path);
    let err = result.unwrap_err();
    assert!(err.to_string().contains("the quoted field that opens on line 2 does not close within 4 MiB"), "{err}");
    assert!(peak < IMPORT_BUDGET, "the import allocated {peak} bytes at its peak");
    assert_eq!(project.info().unwrap().files.len(), 0, "nothing was imported");
    drop(project);
    std::fs::remove_file(&path).unwrap();
}
