//! Importing through a real project file: every bad input gets one clear error or its rows
//! in the rejects list, and a failed or cancelled import leaves the project as it was.

use sessionlens_core::import::{ImportOptions, IpPolicy};
use sessionlens_core::store::{CancelToken, ImportControl, Progress};
use sessionlens_core::synth::{write_traffic_csv, TrafficSpec};
use sessionlens_core::Project;

use crate::{import, Scratch};

const TWO_HITS: &str = "timestamp,client_id,url,ip\n\
    2024-03-01T10:00:00Z,1443685882.1682380031,https://shop.example/?utm_campaign=spring&gclid=abc,203.0.113.77\n\
    2024-03-01T10:05:00Z,1443685882.1682380031,https://shop.example/cart,2001:db8:85a3:1234::7\n";

fn synthetic(scratch: &Scratch, hits: usize) -> std::path::PathBuf {
    let path = scratch.path("synthetic.csv");
    write_traffic_csv(&TrafficSpec::new(hits, 1), std::fs::File::create(&path).unwrap()).unwrap();
    path
}

fn hit_count(project: &Project) -> i64 {
    project.info().unwrap().hits
}

#[test]
fn empty_files_get_one_clear_error() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    for (name, content, expected) in [
        ("empty.csv", "", "the file is empty"),
        ("blank.csv", "\n\n  \n", "the file is empty"),
        ("header-only.csv", "timestamp,url\n", "no data rows"),
    ] {
        let err = import(&mut project, &scratch.write(name, content)).unwrap_err();
        assert_eq!(err.code(), "unreadable_file", "{name}: {err}");
        assert!(err.to_string().contains(name) && err.to_string().contains(expected), "{name}: {err}");
    }
    assert_eq!(project.info().unwrap().files.len(), 0, "failed imports leave no trace");
}

#[test]
fn unrecognisable_file_names_what_was_expected() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let err = import(&mut project, &scratch.write("poem.txt", "roses are red\nviolets are blue\n")).unwrap_err();
    assert_eq!(err.code(), "unreadable_file");
    assert!(err.to_string().contains("expected a CSV/TSV or JSON export with a timestamp column"), "{err}");
}

#[test]
fn utf16_and_bom_prefixed_exports_import() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(TWO_HITS.encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(import(&mut project, &scratch.write("utf16.csv", utf16)).unwrap().rows_imported, 2);
    let bom = [b"\xEF\xBB\xBF".as_slice(), TWO_HITS.replace("10:0", "11:0").as_bytes()].concat();
    let report = import(&mut project, &scratch.write("bom.csv", bom)).unwrap();
    assert_eq!((report.rows_imported, report.encoding), (2, "UTF-8"));
}

#[test]
fn the_same_content_twice_is_refused_unless_forced() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    import(&mut project, &scratch.write("a.csv", TWO_HITS)).unwrap();
    let err = import(&mut project, &scratch.write("copy-of-a.csv", TWO_HITS)).unwrap_err();
    assert_eq!(err.code(), "duplicate_file");
    assert!(err.to_string().contains("'a.csv'") && err.to_string().contains("--force"), "{err}");
    let forced = ImportOptions { force: true, ..Default::default() };
    project.import(&scratch.path("copy-of-a.csv"), &forced, ImportControl::default()).unwrap();
    assert_eq!(hit_count(&project), 4);
}

#[test]
fn malformed_rows_go_to_the_rejects_with_file_line_and_reason() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let text = format!("{TWO_HITS}31/02/2024 10:00,x,/bad,\n2024-03-01T10:09:00Z,y\n");
    let report = import(&mut project, &scratch.write("mixed.csv", text)).unwrap();
    assert_eq!((report.rows_imported, report.rows_rejected), (2, 2));
    let rejects = project.rejects().unwrap();
    assert_eq!(
        rejects.iter().map(|r| (r.file.as_str(), r.line)).collect::<Vec<_>>(),
        [("mixed.csv", 4), ("mixed.csv", 5)]
    );
    assert!(rejects[0].reason.contains("31/02/2024"), "{}", rejects[0].reason);
    assert_eq!(rejects[1].raw, "2024-03-01T10:09:00Z,y");
}

#[test]
fn ip_addresses_are_truncated_by_default_and_never_stored_raw() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    import(&mut project, &scratch.write("ips.csv", TWO_HITS)).unwrap();
    drop(project);
    let conn = rusqlite::Connection::open(scratch.path("test.sessionlens")).unwrap();
    let stored: Vec<String> = conn
        .prepare("SELECT value FROM ip_address ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(stored, ["203.0.113.0", "2001:db8:85a3::"]);
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(conn);
    let bytes = std::fs::read(scratch.path("test.sessionlens")).unwrap();
    assert!(!bytes.windows(12).any(|w| w == b"203.0.113.77"), "a raw IP reached the project file");
}

#[test]
fn hashed_and_raw_ip_policies() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let hashed = ImportOptions { ip_policy: IpPolicy::Hash, ..Default::default() };
    project.import(&scratch.write("h.csv", TWO_HITS), &hashed, ImportControl::default()).unwrap();
    let raw = ImportOptions { ip_policy: IpPolicy::Raw, force: true, ..Default::default() };
    project.import(&scratch.path("h.csv"), &raw, ImportControl::default()).unwrap();
    drop(project);
    let conn = rusqlite::Connection::open(scratch.path("test.sessionlens")).unwrap();
    let stored: Vec<String> = conn
        .prepare("SELECT value FROM ip_address ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(stored[0].starts_with("h:") && stored[1].starts_with("h:") && stored[0] != stored[1], "{stored:?}");
    assert_eq!(&stored[2..], ["203.0.113.77", "2001:db8:85a3:1234::7"]);
}

#[test]
fn client_ids_that_look_like_floats_stay_exact_strings() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    import(&mut project, &scratch.write("ids.csv", TWO_HITS)).unwrap();
    drop(project);
    let conn = rusqlite::Connection::open(scratch.path("test.sessionlens")).unwrap();
    let (value, kind): (String, String) =
        conn.query_row("SELECT value, typeof(value) FROM client", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((value.as_str(), kind.as_str()), ("1443685882.1682380031", "text"));
}

#[test]
fn a_cancelled_import_leaves_the_project_exactly_as_it_was() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    import(&mut project, &scratch.write("first.csv", TWO_HITS)).unwrap();
    let before = project.info().unwrap();
    let big = synthetic(&scratch, 50_000);

    let cancel = CancelToken::default();
    let mut seen = Vec::new();
    let mut on_progress = |p: &Progress| {
        seen.push(p.rows);
        cancel.cancel();
    };
    let control = ImportControl { cancel: cancel.clone(), progress: Some(&mut on_progress) };
    let err = project.import(&big, &ImportOptions::default(), control).unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert!(seen[0] > 0 && seen[0] < 50_000, "cancelled part-way: {seen:?}");

    let after = project.info().unwrap();
    assert_eq!(after.hits, before.hits);
    assert_eq!(after.files.len(), before.files.len());
    assert!(project.rejects().unwrap().is_empty());
    // And the same file imports in full afterwards.
    assert_eq!(import(&mut project, &big).unwrap().rows_imported, 50_000);
}

#[test]
fn progress_reports_rows_and_bytes_until_the_end() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let big = synthetic(&scratch, 30_000);
    let size = std::fs::metadata(&big).unwrap().len();
    let mut reports = Vec::new();
    let mut on_progress = |p: &Progress| reports.push(p.clone());
    let control = ImportControl { progress: Some(&mut on_progress), ..Default::default() };
    project.import(&big, &ImportOptions::default(), control).unwrap();
    assert!(reports.len() >= 5, "{} reports", reports.len());
    assert!(reports.windows(2).all(|w| w[0].rows <= w[1].rows && w[0].bytes_read <= w[1].bytes_read));
    let last = reports.last().unwrap();
    assert_eq!((last.rows, last.bytes_read, last.bytes_total), (30_000, size, size));
}

#[test]
fn gzipped_traffic_imports_like_the_plain_file() {
    use std::io::Write;
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(TWO_HITS.as_bytes()).unwrap();
    let report = import(&mut project, &scratch.write("hits.csv.gz", gz.finish().unwrap())).unwrap();
    assert_eq!((report.rows_imported, report.compression), (2, Some("gzip")));
}
