//! `sessionlens fidelity` end to end: the UA export fixture agrees with the UA preset, a UA
//! session crossing midnight is split by the UA rules (and not by GA4's), and a project
//! without the platform's session ids says why there is nothing to compare.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

const UA_EXPORT: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/exports/ua_ga_sessions_20170801.ndjson");
const ACCESS_LOG: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/access-logs/basjes-hackers-access.log");

fn sessionlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sessionlens")).args(args).output().expect("the CLI runs")
}

fn json(output: &Output) -> Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn project(dir: &Path, files: &[&Path]) -> PathBuf {
    let project = dir.join("p.sessionlens");
    for file in files {
        let out = sessionlens(&["import", project.to_str().unwrap(), file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    project
}

/// One UA session from 23:50 UTC to 00:10, on 5 and 6 March 2024.
const ACROSS_MIDNIGHT: &str = r#"{"fullVisitorId":"77","visitId":"1709682600","visitStartTime":"1709682600","totals":{"visits":"1"},"hits":[{"hitNumber":"1","time":"0","type":"PAGE","isInteraction":true,"page":{"pagePath":"/","hostname":"shop.example"}},{"hitNumber":"2","time":"1200000","type":"PAGE","isInteraction":true,"page":{"pagePath":"/b","hostname":"shop.example"}}]}
"#;

#[test]
fn the_ua_export_is_compared_with_the_ua_rules_summary_first() {
    let dir = tempfile::tempdir().unwrap();
    let late = dir.path().join("ga_sessions_20240305.ndjson");
    std::fs::write(&late, ACROSS_MIDNIGHT).unwrap();
    let p = project(dir.path(), &[UA_EXPORT.as_ref(), &late]);
    let p = p.to_str().unwrap();

    let ua = json(&sessionlens(&["fidelity", p, "--preset", "ua", "--json"]));
    assert_eq!(ua["available"], true);
    assert_eq!(ua["platform"], "UA");
    assert_eq!(
        [&ua["platform_sessions"], &ua["our_sessions"], &ua["split"], &ua["merged"], &ua["not_counted"]],
        [3, 4, 1, 0, 0]
    );
    assert_eq!(ua["reasons"], json!([{ "reason": "midnight", "sessions": 1 }]));
    assert_eq!(
        ua["summary"],
        "Our UA rules give 4 sessions where UA counted 3: 1 of UA's sessions was split, mostly at midnight."
    );
    let days: Vec<(&str, &Value, &Value)> = ua["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["date"].as_str().unwrap(), &d["platform_sessions"], &d["our_sessions"]))
        .collect();
    assert_eq!(
        days,
        [
            ("2017-08-01", &json!(2), &json!(2)),
            ("2024-03-05", &json!(1), &json!(1)),
            ("2024-03-06", &json!(0), &json!(1))
        ]
    );
    assert_eq!(ua["rule_set"]["preset"], "ua");

    let night =
        json(&sessionlens(&["fidelity", p, "--preset", "ua", "--from", "2024-03-06", "--to", "2024-03-06", "--json"]));
    assert_eq!([&night["platform_sessions"], &night["our_sessions"], &night["split"]], [0, 1, 0]);
    assert_eq!(night["days"].as_array().unwrap().len(), 1);

    let ga4 = json(&sessionlens(&["fidelity", p, "--preset", "ga4", "--json"]));
    assert_eq!([&ga4["platform_sessions"], &ga4["our_sessions"], &ga4["split"], &ga4["merged"]], [3, 3, 0, 0]);

    let text = sessionlens(&["fidelity", p, "--preset", "ua"]);
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.starts_with("Our UA rules give 4 sessions where UA counted 3"), "{text}");
    assert!(text.contains("2024-03-06") && text.contains("midnight 1"), "{text}");
}

#[test]
fn without_session_ids_it_says_why_there_is_nothing_to_compare() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path(), &[ACCESS_LOG.as_ref()]);
    let p = p.to_str().unwrap();
    let doc = json(&sessionlens(&["fidelity", p, "--json"]));
    assert_eq!(doc["available"], false);
    assert!(doc["reason"].as_str().unwrap().contains("platform's own session ids"), "{doc}");
    let text = sessionlens(&["fidelity", p]);
    assert!(text.status.success());
    assert!(String::from_utf8(text.stdout).unwrap().contains("none of this project's hits carries one"));
    let missing = sessionlens(&["fidelity", dir.path().join("nope.sessionlens").to_str().unwrap(), "--json"]);
    assert!(!missing.status.success());
}
