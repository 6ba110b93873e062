//! `sessionlens delete-source`: a file's data leaves the project by the id `info` shows, and a
//! wrong id fails with a JSON error that names it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name)
}

fn sessionlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sessionlens")).args(args).output().expect("the CLI runs")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

#[test]
fn delete_source_removes_the_file_that_info_lists() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.sessionlens");
    let project = project.to_str().unwrap();
    let log = fixture("access-logs/basjes-hackers-access.log");
    let ads = fixture("ad-exports/google_ads_campaign_stats.csv");
    let imported = sessionlens(&["import", project, log.to_str().unwrap(), ads.to_str().unwrap(), "--json"]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let info = json(&sessionlens(&["info", project, "--json"]));
    let log_id = info["files"][0]["id"].as_i64().unwrap();
    assert_eq!(info["files"][0]["name"], "basjes-hackers-access.log");

    let deleted = sessionlens(&["delete-source", project, &log_id.to_string(), "--json"]);
    assert!(deleted.status.success(), "{}", String::from_utf8_lossy(&deleted.stderr));
    let deleted = json(&deleted);
    assert_eq!((deleted["file_id"].as_i64(), deleted["rows_removed"].as_u64()), (Some(log_id), Some(3456)));
    assert!(deleted["bytes_after"].as_u64() < deleted["bytes_before"].as_u64(), "{deleted}");

    let info = json(&sessionlens(&["info", project, "--json"]));
    assert_eq!(info["files"].as_array().unwrap().len(), 1);
    assert_eq!(info["files"][0]["name"], "google_ads_campaign_stats.csv");
    assert_eq!((info["hits"].as_i64(), info["ad_stat_rows"].as_i64()), (Some(0), Some(16)));

    // Text output, with the id written as info shows it.
    let ads_id = format!("#{}", info["files"][0]["id"]);
    let text = sessionlens(&["delete-source", project, &ads_id]);
    assert!(text.status.success(), "{}", String::from_utf8_lossy(&text.stderr));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("removed ") && text.contains("google_ads_campaign_stats.csv") && text.contains("16 ad rows"));
    assert_eq!(json(&sessionlens(&["info", project, "--json"]))["files"].as_array().unwrap().len(), 0);
}

#[test]
fn a_wrong_file_id_fails_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.sessionlens");
    let project = project.to_str().unwrap();
    let log = fixture("access-logs/basjes-hackers-access.log");
    assert!(sessionlens(&["import", project, log.to_str().unwrap()]).status.success());

    let missing = sessionlens(&["delete-source", project, "9", "--json"]);
    assert!(!missing.status.success());
    let error = &json(&missing)["error"];
    assert_eq!(error["code"], "invalid_input");
    assert!(error["message"].as_str().unwrap().contains("no imported file with id 9"), "{error}");

    let not_a_number = sessionlens(&["delete-source", project, "latest"]);
    assert!(!not_a_number.status.success());
    assert!(String::from_utf8_lossy(&not_a_number.stderr).contains("sessionlens info"));

    let no_project = sessionlens(&["delete-source", dir.path().join("none.sessionlens").to_str().unwrap(), "1"]);
    assert!(String::from_utf8_lossy(&no_project.stderr).contains("no such project file"));
    assert_eq!(json(&sessionlens(&["info", project, "--json"]))["hits"], 3456, "nothing changed");
}
