//! Pathological inputs through a real project: a 100 MB line inside a good CSV, a header of a
//! million columns, JSON nested 100,000 deep, a gzip bomb, and a file that grows or shrinks
//! while it is imported. Each gives one clear error or one clear reject, and the project is left
//! as it was or holds a consistent import. (The 2 GB line, with its memory measured, is in
//! `tests/bounded_memory.rs`; a read-only project and a full disk are in the CLI's tests.)

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use sessionlens_core::import::text::{LONG_LINE_KEPT_BYTES, MAX_LINE_BYTES};
use sessionlens_core::Project;

use crate::{import, Scratch};

fn good_row(i: usize) -> String {
    format!("2024-03-01T{:02}:{:02}:00Z,client-{},https://shop.example/p/{i}\n", 10 + i / 60 % 10, i % 60, i % 7)
}

/// A project with one small import, and how to check it still holds exactly that.
struct Before {
    info: String,
}

impl Before {
    fn new(scratch: &Scratch, project: &mut Project) -> Before {
        let first = scratch.write("first.csv", format!("timestamp,client_id,url\n{}", good_row(0)));
        import(project, &first).unwrap();
        Before { info: files_and_counts(project) }
    }

    fn check(&self, project: &Project) {
        assert_eq!(files_and_counts(project), self.info, "the project is as it was");
    }
}

fn files_and_counts(project: &Project) -> String {
    let info = project.info().unwrap();
    let files: Vec<_> = info.files.iter().map(|f| (f.id, f.name.clone(), f.rows_imported, f.rows_rejected)).collect();
    format!("{files:?} hits {} rejects {} ads {}", info.hits, info.rejects, info.ad_stat_rows)
}

fn sql_i64(project_path: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(project_path).unwrap().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_100_mb_line_in_a_good_csv_is_one_reject_with_its_number_and_the_rest_imports() {
    let scratch = Scratch::default();
    let path = scratch.path("long-line.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    file.write_all(b"timestamp,client_id,url\n").unwrap();
    for i in 0..300 {
        file.write_all(good_row(i).as_bytes()).unwrap();
    }
    // Line 302: a row whose URL is 100 MB long.
    file.write_all(b"2024-03-01T12:00:00Z,client-x,https://shop.example/?q=").unwrap();
    let chunk = vec![b'q'; 1 << 20];
    for _ in 0..100 {
        file.write_all(&chunk).unwrap();
    }
    file.write_all(b"\n").unwrap();
    for i in 300..600 {
        file.write_all(good_row(i).as_bytes()).unwrap();
    }
    drop(file);

    let mut project = scratch.project();
    let report = import(&mut project, &path).unwrap();
    assert_eq!((report.rows_imported, report.rows_rejected), (600, 1));
    let rejects = project.rejects().unwrap();
    assert_eq!(rejects.len(), 1);
    let reject = &rejects[0];
    assert_eq!(reject.line, 302);
    let length = "2024-03-01T12:00:00Z,client-x,https://shop.example/?q=".len() + (100 << 20);
    assert_eq!(
        reject.reason,
        format!(
            "the line is too long: {length} bytes, more than the 1 MiB a line may hold (only its first 16 KiB are kept here)"
        )
    );
    assert!(reject.raw.starts_with("2024-03-01T12:00:00Z,client-x,https://shop.example/?q=qqqq"));
    assert_eq!(reject.raw.len(), LONG_LINE_KEPT_BYTES);
    drop(project);
    let project_path = scratch.path("test.sessionlens");
    assert_eq!(sql_i64(&project_path, "SELECT sum(length(raw)) FROM reject"), LONG_LINE_KEPT_BYTES as i64);
    let size = std::fs::metadata(&project_path).unwrap().len();
    assert!(size < 4 << 20, "the project holds the rows, not the long line: {size} bytes");
}

#[test]
fn a_header_of_a_million_columns_is_refused_as_too_long_and_the_project_is_unchanged() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let before = Before::new(&scratch, &mut project);
    let mut csv = String::from("timestamp,client_id,url");
    for i in 3..1_000_000 {
        csv.push_str(&format!(",extra_{i}"));
    }
    assert!(csv.len() > MAX_LINE_BYTES);
    csv.push('\n');
    csv.push_str(&good_row(1));
    let err = import(&mut project, &scratch.write("wide.csv", csv)).unwrap_err();
    assert_eq!(err.code(), "unreadable_file", "{err}");
    assert!(
        err.to_string().ends_with(
            "wide.csv: the header row is too long: line 1 is longer than the 1 MiB a line may hold, so the \
             columns cannot be read"
        ),
        "{err}"
    );
    before.check(&project);
}

#[test]
fn a_header_of_a_hundred_thousand_columns_within_the_bound_imports_its_rows() {
    let scratch = Scratch::default();
    let columns = 100_000;
    let mut csv = String::from("timestamp,client_id,url");
    for i in 3..columns {
        csv.push_str(&format!(",x{i}"));
    }
    csv.push('\n');
    for i in 0..3 {
        csv.push_str(good_row(i).trim_end());
        csv.push_str(&",".repeat(columns - 3));
        csv.push('\n');
    }
    csv.push_str(&good_row(3));
    let mut project = scratch.project();
    let report = import(&mut project, &scratch.write("wide.csv", csv)).unwrap();
    assert_eq!((report.rows_imported, report.rows_rejected), (3, 1));
    assert_eq!(project.rejects().unwrap()[0].reason, "expected 100000 fields as in the header, found 3");
}

fn nested_object(depth: usize) -> String {
    format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth))
}

#[test]
fn json_nested_100_000_deep_is_a_reject_in_json_and_in_ndjson() {
    let scratch = Scratch::default();
    let good = |url: &str| format!(r#"{{"timestamp":"2024-03-01T10:00:00Z","client_id":"c1","url":"{url}"}}"#);
    let deep_array = format!(
        r#"{{"timestamp":"2024-03-01T10:00:00Z","url":"/deep","x":{}}}"#,
        "[".repeat(100_000) + &"]".repeat(100_000)
    );
    let array = format!("[{},\n{},\n{deep_array},\n{}]\n", good("/a"), nested_object(100_000), good("/b"));
    let ndjson =
        format!("{}\n{}\n{deep_array}\n{}\n{}\n", good("/a"), nested_object(100_000), "[".repeat(100_000), good("/b"));
    // The array nested 100,000 deep sits in a key no field uses: valid JSON, so its hit imports.
    for (name, text, rejected) in [("nested.json", array, 1), ("nested.ndjson", ndjson, 2)] {
        let mut project = Project::open(scratch.path(&format!("{name}.sessionlens"))).unwrap();
        let report = import(&mut project, &scratch.write(name, text)).unwrap();
        assert_eq!((report.rows_imported, report.rows_rejected), (3, rejected), "{name}");
        let rejects = project.rejects().unwrap();
        for reject in &rejects {
            assert!(reject.raw.len() <= 16 << 10, "{name}: the reject keeps the start of the record");
        }
        assert_eq!((rejects[0].line, rejects[0].reason.as_str()), (2, "objects nested more than 32 deep"), "{name}");
        if let Some(unclosed) = rejects.get(1) {
            let reason = "invalid type: sequence, expected a JSON object at line 1 column 0";
            assert_eq!((unclosed.line, unclosed.reason.as_str()), (4, reason), "{name}");
        }
    }
}

#[test]
fn a_gzip_bomb_is_refused_as_one_and_the_project_is_unchanged() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let before = Before::new(&scratch, &mut project);
    // Good rows, then one member of zeros repeated: 1.1 GiB of text from about a megabyte.
    let mut head = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    head.write_all(b"timestamp,client_id,url\n").unwrap();
    for i in 0..1000 {
        head.write_all(good_row(i).as_bytes()).unwrap();
    }
    let mut zeros = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    zeros.write_all(&vec![b'0'; 64 << 20]).unwrap();
    let zeros = zeros.finish().unwrap();
    let mut bomb = head.finish().unwrap();
    for _ in 0..18 {
        bomb.extend_from_slice(&zeros);
    }
    let path = scratch.write("bomb.csv.gz", &bomb);
    let err = import(&mut project, &path).unwrap_err();
    assert_eq!(err.code(), "io", "{err}");
    assert!(
        err.to_string().ends_with(
            "bomb.csv.gz: the compressed file expands to more than 1000 times its size; it looks like a \
             decompression bomb, so it was not imported"
        ),
        "{err}"
    );
    before.check(&project);
}

/// Import `path` while another thread changes it with `change` over and over.
fn import_while_changing(scratch: &Scratch, name: &str, change: impl Fn(&Path) + Sync) {
    let path = scratch.path(name);
    let mut csv = String::from("timestamp,client_id,url\n");
    for i in 0..100_000 {
        csv.push_str(&good_row(i));
    }
    std::fs::write(&path, csv).unwrap();
    let mut project = Project::open(scratch.path(&format!("{name}.sessionlens"))).unwrap();
    let before = Before::new(scratch, &mut project);
    let done = AtomicBool::new(false);
    let result = std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                change(&path);
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        });
        let result = import(&mut project, &path);
        done.store(true, Ordering::Relaxed);
        result
    });
    match result {
        Ok(report) => {
            // Consistent: the file record, the stored hits and the rejects agree.
            let info = project.info().unwrap();
            let file = info.files.iter().find(|f| f.id == report.file_id).unwrap();
            assert_eq!(file.rows_imported as u64, report.rows_imported);
            let stored = sql_i64(
                &scratch.path(&format!("{name}.sessionlens")),
                &format!("SELECT coalesce(sum(rows), 0) FROM hit_chunk WHERE file_id = {}", report.file_id),
            );
            assert_eq!(stored as u64, report.rows_imported, "{name}");
            let rejects = project.rejects().unwrap().iter().filter(|r| r.file == name).count() as u64;
            assert_eq!(rejects, report.rows_rejected, "{name}");
            assert!(report.rows_imported > 0, "{name}");
        }
        Err(e) => {
            assert!(!e.to_string().is_empty() && e.to_string().contains(name), "{name}: a clear error: {e}");
            before.check(&project);
        }
    }
}

#[test]
fn a_file_appended_to_while_it_is_imported_gives_a_consistent_import() {
    let scratch = Scratch::default();
    import_while_changing(&scratch, "growing.csv", |path| {
        let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
        file.write_all(b"2024-03-02T10:00:00Z,late,https://shop.example/late\n2024-03-02T10:").unwrap();
        file.write_all(b"00:01Z,late,https://shop.example/late\n").unwrap();
    });
}

#[test]
fn a_file_truncated_while_it_is_imported_gives_a_consistent_import_or_a_clear_error() {
    let scratch = Scratch::default();
    import_while_changing(&scratch, "shrinking.csv", |path| {
        let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        let size = file.metadata().unwrap().len();
        file.set_len(size.saturating_sub(1_000).max(100)).unwrap();
    });
}

#[test]
fn the_import_preview_lists_a_too_long_line_among_its_rejects() {
    let scratch = Scratch::default();
    let long = format!("2024-03-01T12:00:00Z,client-x,https://shop.example/?q={}\n", "q".repeat(2 << 20));
    let path = scratch.write("preview.csv", format!("timestamp,client_id,url\n{}{long}{}", good_row(0), good_row(1)));
    let preview = sessionlens_core::import::preview(&path, &Default::default(), 50).unwrap();
    assert_eq!(preview.hits.len(), 2);
    assert_eq!(preview.rejects.len(), 1);
    assert_eq!(preview.rejects[0].line, 3);
    assert!(preview.rejects[0].reason.starts_with("the line is too long: "), "{}", preview.rejects[0].reason);
}

#[test]
fn a_quote_that_never_closes_stops_the_import_clearly_instead_of_swallowing_the_rest() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let before = Before::new(&scratch, &mut project);
    let mut csv = format!("timestamp,client_id,url\n{}", good_row(1));
    csv.push_str("2024-03-01T10:02:00Z,client-2,\"https://shop.example/unclosed\n");
    (3..400_000).for_each(|i| csv.push_str(&good_row(i)));
    let err = import(&mut project, &scratch.write("unclosed.csv", csv)).unwrap_err();
    assert!(
        err.to_string().ends_with(
            "unclosed.csv: the quoted field that opens on line 3 does not close within 4 MiB (is a \" missing?), \
             so the rows after it cannot be read"
        ),
        "{err}"
    );
    before.check(&project);
}
