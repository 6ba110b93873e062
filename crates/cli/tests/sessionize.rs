//! `sessionlens sessionize`, `compare` and `export` end to end: exact totals on a small
//! hand-worked file, reuse of stored sessions, formula-safe CSV with zoned times, errors as
//! JSON, and a real access log sessionized under every preset.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn sessionlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sessionlens")).args(args).output().expect("the CLI runs")
}

fn json(output: &Output) -> Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

/// Visitor 111.222: an e-mail campaign landing, a page 4 min later, a direct return at 24 min.
/// Visitor "=1+1" (a hostile id): 23:50 and 00:10 in Berlin. One Googlebot hit.
fn project(dir: &Path) -> PathBuf {
    let rows = [
        (
            "2024-03-05T10:00:00Z",
            "111.222",
            "https://shop.example/?utm_source=news&utm_medium=email&utm_campaign=march",
            "",
        ),
        ("2024-03-05T10:04:00Z", "111.222", "https://shop.example/cart", "https://shop.example/"),
        ("2024-03-05T10:24:00Z", "111.222", "https://shop.example/", ""),
        ("2024-03-05T22:50:00Z", "=1+1", "https://shop.example/", "https://www.google.com/"),
        ("2024-03-05T23:10:00Z", "=1+1", "https://shop.example/b", "https://shop.example/"),
    ];
    let mut csv = String::from("timestamp,client_id,url,referrer,user_agent,ip,event\n");
    for (time, client, url, referrer) in rows {
        csv += &format!("{time},{client},{url},{referrer},{FIREFOX},198.51.100.23,page_view\n");
    }
    csv += "2024-03-05T23:11:00Z,,https://shop.example/,,Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html),66.249.66.1,page_view\n";
    let input = dir.join("hits.csv");
    std::fs::write(&input, csv).unwrap();
    let project = dir.join("p.sessionlens");
    let out = sessionlens(&["import", project.to_str().unwrap(), input.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    project
}

#[test]
fn sessionize_prints_the_totals_of_the_rule_set_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path());
    let p = p.to_str().unwrap();
    let ua = json(&sessionlens(&["sessionize", p, "--preset", "ua", "--tz", "Europe/Berlin", "--json"]));
    let keys: Vec<&str> = ua.as_object().unwrap().keys().map(String::as_str).collect();
    for key in ["sessions", "users", "new_users", "pageviews", "bounces", "bounce_rate", "avg_duration_s"] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert!(keys.contains(&"engaged_sessions") && keys.contains(&"bot_hits") && keys.contains(&"rule_set"));
    assert_eq!((ua["sessions"].as_u64(), ua["users"].as_u64(), ua["pageviews"].as_u64()), (Some(3), Some(2), Some(5)));
    assert_eq!((ua["bounces"].as_u64(), ua["bot_hits"].as_u64()), (Some(2), Some(1)));
    // UA's duration runs to the last interaction: (24 min + 0 + 0) / 3 sessions.
    assert_eq!(ua["avg_duration_s"].as_f64(), Some(480.0));
    assert_eq!(ua["rule_set"]["preset"], "ua");
    assert_eq!(ua["rule_set"]["time_zone"], "Europe/Berlin");

    let ga4 = json(&sessionlens(&["sessionize", p, "--preset", "ga4", "--tz", "Europe/Berlin", "--json"]));
    assert_eq!(ga4["sessions"].as_u64(), Some(2), "no midnight split under GA4");
    let no_midnight = json(&sessionlens(&[
        "sessionize",
        p,
        "--preset",
        "ua",
        "--tz",
        "Europe/Berlin",
        "--midnight",
        "off",
        "--json",
    ]));
    assert_eq!(no_midnight["sessions"].as_u64(), Some(2));
    let no_bots = json(&sessionlens(&["sessionize", p, "--preset", "ua", "--bots", "off", "--json"]));
    assert_eq!((no_bots["sessions"].as_u64(), no_bots["bot_hits"].as_u64()), (Some(3), Some(0)));

    let text = sessionlens(&["sessionize", p, "--preset", "ua", "--tz", "Europe/Berlin"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("stored sessions reused") && text.contains("sessions:              3"), "{text}");
}

#[test]
fn compare_shows_presets_side_by_side_with_differences() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path());
    let doc = json(&sessionlens(&[
        "compare",
        p.to_str().unwrap(),
        "--presets",
        "ua,ga4,mixpanel",
        "--tz",
        "Europe/Berlin",
        "--json",
    ]));
    assert_eq!(doc["baseline"], "ua");
    let presets = doc["presets"].as_array().unwrap();
    assert_eq!(presets.len(), 3);
    assert_eq!(presets[1]["preset"], "ga4");
    assert_eq!(presets[1]["difference_from_first"]["sessions"].as_f64(), Some(-1.0));
    assert_eq!(presets[2]["sessions"].as_u64(), Some(3), "Mixpanel splits at midnight");
    assert!(presets[2]["bounce_rate"].is_null() && presets[2]["difference_from_first"]["bounce_rate"].is_null());
    let out = sessionlens(&["compare", p.to_str().unwrap(), "--presets", "ua,nope", "--json"]);
    assert!(!out.status.success());
}

#[test]
fn export_writes_formula_safe_csv_with_zoned_times() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path());
    let out_csv = dir.path().join("sessions.csv");
    let out = sessionlens(&[
        "export",
        "sessions",
        p.to_str().unwrap(),
        "--preset",
        "ua",
        "--tz",
        "Europe/Berlin",
        "--out",
        out_csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&out_csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with("visitor,visitor_session_number,new_visitor,start,end,duration_s"));
    assert!(lines[1].starts_with("111.222,1,true,2024-03-05T11:00:00+01:00,2024-03-05T11:24:00+01:00,1440.000,3,3,3,"));
    assert!(lines[1].contains(",news,email,march,") && lines[1].contains(",Email,desktop,Firefox,"), "{}", lines[1]);
    assert!(lines[2].starts_with("'=1+1,1,true,2024-03-05T23:50:00+01:00"), "{}", lines[2]);
    assert!(lines[3].starts_with("'=1+1,2,false,2024-03-06T00:10:00+01:00") && lines[3].contains(",midnight,"));

    let bots = dir.path().join("bots.csv");
    let out = sessionlens(&["export", "bots", p.to_str().unwrap(), "--out", bots.to_str().unwrap()]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&bots).unwrap();
    assert!(text
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("2024-03-05T23:11:00Z,https://shop.example/,Mozilla/5.0 (compatible; Googlebot"));
}

#[test]
fn bad_rules_and_missing_projects_fail_with_a_json_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path());
    let out = sessionlens(&["sessionize", p.to_str().unwrap(), "--tz", "Mars/Olympus", "--json"]);
    assert!(!out.status.success());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["error"]["code"], "invalid_input");
    let out = sessionlens(&["sessionize", p.to_str().unwrap(), "--timeout", "30s", "--json"]);
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap()["error"]["code"], "invalid_input");
    let out = sessionlens(&["sessionize", p.to_str().unwrap(), "--timeout", "soon"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("not a duration"));
    let missing = dir.path().join("missing.sessionlens");
    let out = sessionlens(&["sessionize", missing.to_str().unwrap(), "--json"]);
    assert!(!out.status.success());
    assert!(!missing.exists(), "an analysing command never creates a project");
}

#[test]
fn a_real_access_log_sessionizes_under_every_preset() {
    let log = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/access-logs/basjes-hackers-access.log");
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("log.sessionlens");
    let out = sessionlens(&["import", project.to_str().unwrap(), log.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let presets = "ua,ga4,adobe,matomo,plausible,posthog,mixpanel,server-log,snowplow,awstats,goaccess,umami";
    let doc = json(&sessionlens(&["compare", project.to_str().unwrap(), "--presets", presets, "--json"]));
    let listed: Vec<&str> = doc["presets"].as_array().unwrap().iter().map(|p| p["preset"].as_str().unwrap()).collect();
    assert_eq!(listed.join(","), presets);
    // An access log has no Snowplow session ids: the Snowplow preset falls back to visitors by
    // IP, user agent and day, and counts the sessions with a page view.
    for p in doc["presets"].as_array().unwrap() {
        let sessions = p["sessions"].as_u64().unwrap();
        assert!(sessions > 0 && sessions <= 3456, "{p}");
        assert!(p["users"].as_u64().unwrap() > 0, "{p}");
        assert!(p["pageviews"].as_u64().unwrap() <= 3456, "{p}");
        if p["preset"] == "goaccess" {
            assert_eq!(p["bot_hits"], 0, "GoAccess counts crawlers");
        } else {
            assert_eq!(p["bot_hits"], doc["presets"][0]["bot_hits"], "one bot list for every preset");
        }
    }
}
