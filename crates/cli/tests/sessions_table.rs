//! A sessions table back into a project: the demo's sessions exported as `sessionlens sql` leaves
//! them in a warehouse, imported next to the ad report into a project without hits, give the
//! discrepancy report its sessions per campaign and day, counted from the table's rows.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../src-tauri/demo");

fn sessionlens(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_sessionlens")).args(args).output().expect("the CLI runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn json(args: &[&str]) -> Value {
    serde_json::from_slice(&sessionlens(args).stdout).expect("one JSON document")
}

#[test]
fn exported_sessions_import_as_warehouse_sessions_and_the_discrepancy_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let ads = Path::new(DEMO).join("google-ads-campaigns-2026-11.csv");
    let ads = ads.to_str().unwrap();
    let traffic = Path::new(DEMO).join("shop-traffic-2026-11.csv");
    let (hits, warehouse, table) = (path("hits.sessionlens"), path("warehouse.sessionlens"), path("sessions.csv"));
    let rules = ["--preset", "ga4", "--tz", "America/New_York"];
    sessionlens(&["import", &hits, traffic.to_str().unwrap(), "--tz", "America/New_York"]);
    sessionlens(&[&["export", "sessions", &hits, "--out", &table][..], &rules].concat());

    let imported = json(&["import", &warehouse, &table, ads, "--tz", "America/New_York", "--json"]);
    let formats: Vec<&str> =
        imported["files"].as_array().unwrap().iter().map(|f| f["format"].as_str().unwrap()).collect();
    assert_eq!(formats, ["sessions-table", "google-ads-report"]);

    // The table's own rows, counted by campaign: what the report must find.
    let mut reader = csv::Reader::from_path(&table).unwrap();
    let campaign = reader.headers().unwrap().iter().position(|h| h == "campaign").unwrap();
    let mut per_campaign: HashMap<String, i64> = HashMap::new();
    for row in reader.records() {
        *per_campaign.entry(row.unwrap()[campaign].to_string()).or_default() += 1;
    }
    let gap = json(&["discrepancy", &warehouse, "--by", "campaign", "--json"]);
    assert!(gap["verdict"].as_str().unwrap().contains("warehouse sessions"), "{}", gap["verdict"]);
    let campaigns = gap["campaigns"].as_array().unwrap();
    assert!(!campaigns.is_empty());
    for c in campaigns {
        let name = c["campaign"].as_str().unwrap();
        let utm = c["matched"][0]["utm_campaign"].as_str().unwrap_or(name);
        assert_eq!(c["sessions"].as_i64(), per_campaign.get(utm).copied(), "{name} ({utm})");
    }
}
