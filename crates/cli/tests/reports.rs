//! Analytics report downloads through the `sessionlens` command: sniffed without `--kind`,
//! forced with `--kind report`, refused under another kind, and listed by `info` with their
//! periods and reported sessions.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn report_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/reports").join(name)
}

fn sessionlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sessionlens")).args(args).output().expect("the CLI runs")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

#[test]
fn reports_import_by_sniffing_or_forced_kind_and_info_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.sessionlens");
    let project = project.to_str().unwrap();
    let ga4 = report_fixture("ga4_traffic_acquisition_session_campaign.csv");
    let ua = report_fixture("ua_source_medium.csv");

    let sniffed = sessionlens(&["import", project, ga4.to_str().unwrap(), "--json"]);
    assert!(sniffed.status.success(), "{}", String::from_utf8_lossy(&sniffed.stderr));
    let file = &json(&sniffed)["files"][0];
    assert_eq!((file["format"].as_str(), file["kind"].as_str()), (Some("ga4-report"), Some("report")));
    assert_eq!((file["rows_imported"].as_u64(), file["rows_rejected"].as_u64()), (Some(6), Some(0)));

    let forced = sessionlens(&["import", project, ua.to_str().unwrap(), "--kind", "report", "--json"]);
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    assert_eq!(json(&forced)["files"][0]["format"], "ua-report");

    let info = json(&sessionlens(&["info", project, "--json"]));
    let files = info["files"].as_array().unwrap();
    let periods: Vec<_> = files
        .iter()
        .map(|f| (f["kind"].as_str().unwrap(), f["first_date"].as_str().unwrap(), f["last_date"].as_str().unwrap()))
        .collect();
    assert_eq!(periods, [("report", "2026-11-01", "2026-11-07"), ("report", "2020-01-01", "2020-01-31")]);
    assert_eq!(
        (info["reported_session_rows"].as_i64(), info["reported_sessions"].as_i64()),
        (Some(10), Some(10_702 + 7_780))
    );
    assert_eq!(info["hits"], 0);

    let text = String::from_utf8(sessionlens(&["info", project]).stdout).unwrap();
    assert!(
        text.contains("ga4_traffic_acquisition_session_campaign.csv [report ga4-report]: 6 rows, 0 rejected, 2026-11-01 .. 2026-11-07"),
        "{text}"
    );
    assert!(text.contains("reported sessions: 18482 in 10 rows"), "{text}");
    assert!(text.contains("reported days from 2020-01-01 to 2026-11-07"), "{text}");
}

#[test]
fn a_report_under_another_kind_and_an_unknown_kind_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.sessionlens");
    let project = project.to_str().unwrap();
    let matomo = report_fixture("matomo_referrers_campaigns_by_day.csv");

    let as_traffic = sessionlens(&["import", project, matomo.to_str().unwrap(), "--kind", "traffic", "--json"]);
    assert!(!as_traffic.status.success());
    let message = json(&as_traffic)["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("not a format SessionLens recognises"), "{message}");

    let unknown = sessionlens(&["import", project, matomo.to_str().unwrap(), "--kind", "sessions"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("expected traffic, ads or report"));
}
