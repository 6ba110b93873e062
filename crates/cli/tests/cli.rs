//! The `sessionlens` command end to end on the real public fixtures in `tests/fixtures`: every file imports
//! with the right format and row count (and an .xlsx report written at test time imports like its
//! CSV), `info` and `rejects` report it, and failures give a non-zero exit code with a JSON error
//! document.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn sessionlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sessionlens")).args(args).output().expect("the CLI runs")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

#[test]
fn every_shared_fixture_imports_with_its_format_and_row_count() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("fixtures.sessionlens");
    // (file, format, kind, rows imported, rows rejected), counted independently of SessionLens:
    // non-empty log lines, and CSV records under the header.
    let expected = [
        ("access-logs/basjes-hackers-access.log", "apache-combined", "traffic", 3456, 0),
        ("ad-exports/facebook_ads_basic_ad.csv", "meta-ads", "ads", 10, 0),
        ("ad-exports/google_ads_ad_stats.csv", "google-ads-api", "ads", 10, 0),
        ("ad-exports/google_ads_campaign_stats.csv", "google-ads-api", "ads", 16, 0),
        ("ad-exports/microsoft_ads_campaign_performance_daily.csv", "microsoft-ads", "ads", 2630, 0),
    ];
    let files: Vec<String> = expected.iter().map(|e| fixtures().join(e.0).display().to_string()).collect();
    let mut args = vec!["import", project.to_str().unwrap(), "--json"];
    args.extend(files.iter().map(String::as_str));
    let output = sessionlens(&args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report = json(&output);
    let got: Vec<(String, String, String, u64, u64)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let name = f["path"].as_str().unwrap().split("fixtures/").nth(1).unwrap().to_string();
            let text = |k: &str| f[k].as_str().unwrap().to_string();
            (
                name,
                text("format"),
                text("kind"),
                f["rows_imported"].as_u64().unwrap(),
                f["rows_rejected"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<_> = expected.iter().map(|e| (e.0.into(), e.1.into(), e.2.into(), e.3, e.4)).collect();
    assert_eq!(got, want);

    let info = json(&sessionlens(&["info", project.to_str().unwrap(), "--json"]));
    assert_eq!(info["hits"], 3456);
    assert_eq!(info["files"].as_array().unwrap().len(), 5);
    assert_eq!(info["ad_stat_rows"], 10 + 10 + 16 + 2630);
    // The first line: [25/Oct/2015:04:11:25 +0100], i.e. 03:11:25 UTC.
    assert_eq!(info["first_hit_ms"], 1_445_742_685_000_i64);

    // The same content again is refused with a clear message and a non-zero exit code.
    let again = sessionlens(&["import", project.to_str().unwrap(), &files[0], "--json"]);
    assert!(!again.status.success());
    assert_eq!(json(&again)["error"]["code"], "duplicate_file");
}

#[test]
fn rejects_are_listed_and_exported_as_formula_safe_csv() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.sessionlens");
    let csv = dir.path().join("hits.csv");
    std::fs::write(&csv, "timestamp,url\n2024-03-01T10:00:00Z,/a\n=HYPERLINK(\"x\"),/b\n").unwrap();
    assert!(sessionlens(&["import", project.to_str().unwrap(), csv.to_str().unwrap()]).status.success());
    let out = dir.path().join("rejects.csv");
    let output = sessionlens(&["rejects", project.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(output.status.success());
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("file,line,reason,raw"));
    let row = lines.next().unwrap();
    assert!(row.starts_with("hits.csv,3,") && row.contains("'=HYPERLINK"), "{row}");
}

#[test]
fn failures_exit_non_zero_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.sessionlens");
    let missing = dir.path().join("missing.csv");
    let output = sessionlens(&["import", project.to_str().unwrap(), missing.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing.csv"), "{output:?}");
    let output = sessionlens(&["import", project.to_str().unwrap(), missing.to_str().unwrap(), "--tz", "Mars/Base"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("IANA time zone"));
}

#[test]
fn an_xlsx_report_imports_like_its_csv() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.sessionlens");
    let path = dir.path().join("Campaign report.xlsx");
    let rows: [&[&str]; 6] = [
        &["Campaign report"],
        &["November 1, 2026 - November 7, 2026"],
        &["Day", "Campaign", "Campaign state", "Clicks", "Impr.", "Currency code", "Cost"],
        &["2026-11-01", "Winter Sale - Search", "Enabled", "87", "1204", "EUR", "61.35"],
        &["2026-11-02", "Winter Sale - Search", "Enabled", "142", "3310", "EUR", "118.02"],
        &["Total: Campaigns", "", "", "229", "4514", "EUR", "179.37"],
    ];
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(number) => sheet.write_number(r as u32, c as u16, number),
                Err(_) => sheet.write_string(r as u32, c as u16, *cell),
            }
            .unwrap();
        }
    }
    book.save(&path).unwrap();

    let output = sessionlens(&["import", project.to_str().unwrap(), path.to_str().unwrap(), "--json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let file = &json(&output)["files"][0];
    assert_eq!(
        (&file["format"], &file["kind"], &file["compression"], &file["rows_imported"], &file["rows_rejected"]),
        (
            &Value::from("google-ads-report"),
            &Value::from("ads"),
            &Value::from("xlsx"),
            &Value::from(2),
            &Value::from(0)
        )
    );
}
