//! `sessionlens metrics` and `sessionlens discrepancy` end to end on real project files: repeat
//! clicks with manual tags, a campaign that needs the mapping, an ad account in New York with the
//! view in London, and the same gap under two presets.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const HEADER: &str = "timestamp,client_id,user_id,url,referrer,user_agent,ip,event\n";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
const SPRING: &str = "https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=spring_sale_search";
const BRAND: &str = "https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=brandkw";

fn sessionlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sessionlens")).args(args).output().expect("the CLI runs")
}

fn json(output: &Output) -> Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn line(time: &str, client: &str, url: &str, referrer: &str, event: &str) -> String {
    format!("{time},{client},,{url},{referrer},{FIREFOX},203.0.113.5,{event}\n")
}

/// A project with one visitor clicking the Spring Sale ad three times in 20 minutes (manual
/// tags), one Brand visit tagged `brandkw`, and the campaign report of an account in New York.
fn project(dir: &Path) -> PathBuf {
    let google = "https://www.google.com/";
    let hits = [
        line("2024-03-01T10:01:00Z", "c1", SPRING, google, "page_view"),
        line("2024-03-01T10:02:00Z", "c1", "https://shop.example/products", "https://shop.example/", "page_view"),
        line("2024-03-01T10:07:00Z", "c1", SPRING, google, "page_view"),
        line("2024-03-01T10:20:00Z", "c1", SPRING, google, "page_view"),
        line("2024-03-01T12:00:00Z", "c2", BRAND, google, "page_view"),
        line("2024-03-01T12:05:00Z", "c2", "https://shop.example/checkout/thanks", "https://shop.example/", "purchase"),
    ];
    let traffic = dir.join("hits.csv");
    std::fs::write(&traffic, format!("{HEADER}{}", hits.concat())).unwrap();
    let ads = dir.join("campaigns.csv");
    std::fs::write(
        &ads,
        "Campaign report\n1 March 2024 - 1 March 2024\n\
         Campaign,Campaign ID,Day,Device,Currency code,Impr.,Clicks,Cost,Avg. CPC\n\
         Spring Sale - Search,20547336021,2024-03-01,Computers,EUR,\"1,204\",3,€6.00,€2.00\n\
         Brand - Exact,20547336188,2024-03-01,Computers,EUR,512,2,€3.00,€1.50\n",
    )
    .unwrap();
    let project = dir.join("p.sessionlens");
    let p = project.to_str().unwrap();
    assert!(sessionlens(&["import", p, traffic.to_str().unwrap()]).status.success());
    assert!(sessionlens(&["import", p, ads.to_str().unwrap(), "--tz", "America/New_York"]).status.success());
    project
}

#[test]
fn discrepancy_json_shows_folded_repeat_clicks_the_mapping_and_the_new_york_days() {
    let dir = tempfile::tempdir().unwrap();
    let project = project(dir.path());
    let p = project.to_str().unwrap();
    let base = ["discrepancy", p, "--preset", "ua", "--tz", "Europe/London", "--json"];

    let doc = json(&sessionlens(&base));
    let w = &doc["waterfall"];
    // Spring: 3 clicks, 3 tagged landings, one session. Brand - Exact: 2 clicks, matched by nothing.
    assert_eq!(w["clicks"], 5);
    assert_eq!(w["folded_into_open_session"]["count"], -2);
    assert_eq!(w["sessions"], 1);
    assert_eq!(
        w["folded_into_open_session"]["examples"][0]["summary"],
        "3 tagged landings, 1 session: landings at 10:01, 10:07 and 10:20 carried the same manual tags \
         (utm_source=google, utm_medium=cpc, utm_campaign=spring_sale_search)"
    );
    assert_eq!(doc["unmatched"][0]["campaign"], "Brand - Exact");
    assert_eq!(doc["unmatched_utm"][0]["utm_campaign"], "brandkw");
    let spring = &doc["rows"][0];
    assert_eq!((spring["campaign"].as_str(), spring["clicks"].as_i64()), (Some("Spring Sale - Search"), Some(3)));
    assert_eq!((spring["sessions"].as_i64(), spring["flagged"].as_bool()), (Some(1), Some(true)));
    assert!(spring.get("date").is_none(), "rows by campaign carry no date");
    let zone = &doc["time_zones"][0];
    assert_eq!((zone["time_zone"].as_str(), zone["differs"].as_bool()), (Some("America/New_York"), Some(true)));
    assert_eq!(zone["max_clicks_moved"], 5);

    // The mapping is stored with the project and used from then on.
    let mut mapped = base.to_vec();
    mapped.extend(["--map", "Brand - Exact=brandkw", "--by", "campaign,day"]);
    let doc = json(&sessionlens(&mapped));
    assert_eq!(doc["unmatched"], serde_json::json!([]));
    let brand = doc["rows"].as_array().unwrap().iter().find(|r| r["campaign"] == "Brand - Exact").unwrap();
    assert_eq!((brand["date"].as_str(), brand["clicks"].as_i64()), (Some("2024-03-01"), Some(2)));
    assert_eq!((brand["sessions"].as_i64(), brand["ratio"].as_f64()), (Some(1), Some(0.5)));
    let doc = json(&sessionlens(&base));
    assert_eq!(doc["waterfall"]["sessions"], 2, "the stored mapping applies without --map");

    // What-if: the same gap under GA4 beside UA.
    let mut versus = base.to_vec();
    versus.extend(["--versus", "ga4"]);
    let doc = json(&sessionlens(&versus));
    assert_eq!(doc["what_if"]["preset"], "ga4");
    assert_eq!(doc["what_if"]["campaigns"][0]["campaign"], "Spring Sale - Search");
    assert_eq!(doc["what_if"]["campaigns"][0]["right_sessions"], 1);

    let bad = sessionlens(&["discrepancy", p, "--band", "120-80", "--json"]);
    assert!(!bad.status.success());
}

#[test]
fn metrics_by_campaign_and_by_day_against_the_previous_period() {
    let dir = tempfile::tempdir().unwrap();
    let project = project(dir.path());
    let p = project.to_str().unwrap();
    let doc = json(&sessionlens(&[
        "metrics",
        p,
        "--preset",
        "ga4",
        "--tz",
        "Europe/London",
        "--by",
        "campaign",
        "--conversion-page",
        "/checkout/thanks*",
        "--json",
    ]));
    let totals = &doc["totals"];
    assert_eq!((totals["sessions"].as_u64(), totals["users"].as_u64()), (Some(2), Some(2)));
    assert_eq!((totals["clicks"].as_i64(), totals["cost_micros"].as_i64()), (Some(5), Some(9_000_000)));
    assert_eq!(totals["conversions"], 1, "the purchase event; the thanks page is an event hit, not a page view");
    assert_eq!(doc["currency"], "EUR");
    let rows = doc["rows"].as_array().unwrap();
    let spring = rows.iter().find(|r| r["keys"][0] == "Spring Sale - Search").unwrap();
    assert_eq!((spring["values"]["sessions"].as_u64(), spring["values"]["clicks"].as_i64()), (Some(1), Some(3)));

    let doc = json(&sessionlens(&[
        "metrics",
        p,
        "--tz",
        "Europe/London",
        "--by",
        "day",
        "--from",
        "2024-03-01",
        "--to",
        "2024-03-01",
        "--compare",
        "previous",
        "--json",
    ]));
    assert_eq!(doc["previous_period"]["from"], "2024-02-29");
    assert_eq!(doc["rows"][0]["keys"][0], "2024-03-01");
    assert_eq!(doc["rows"][0]["previous"]["sessions"], 0);
    assert_eq!(doc["totals_change"]["sessions"], Value::Null, "no previous sessions to compare with");

    let text = sessionlens(&["metrics", p, "--by", "hour,device,channel"]);
    assert!(!text.status.success());
    let text = sessionlens(&["metrics", p, "--by", "browser"]);
    assert!(String::from_utf8_lossy(&text.stderr).contains("unknown dimension 'browser'"));
}

/// The contract other tools read: the verdict first, then rows per campaign (and account day)
/// with clicks, sessions, ratio, flag and causes, each cause with its count and action. Here
/// with the files a marketer downloads: a Google Ads report without a Day column and GA4's
/// Traffic acquisition CSV.
#[test]
fn discrepancy_json_leads_with_the_verdict_and_gives_causes_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures");
    let project = dir.path().join("p.sessionlens");
    let p = project.to_str().unwrap();
    let ads = fixtures.join("ads/google_ads_campaign_report_period.csv");
    let ga4 = fixtures.join("reports/ga4_traffic_acquisition_session_campaign.csv");
    assert!(sessionlens(&["import", p, ads.to_str().unwrap(), ga4.to_str().unwrap()]).status.success());

    let out = sessionlens(&["discrepancy", p, "--by", "campaign", "--json"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.trim_start().trim_start_matches('{').trim_start().starts_with("\"verdict\""), "{text}");
    let gap = json(&out);
    assert!(gap["verdict"].as_str().unwrap().starts_with("All campaigns: 1,567 clicks → 1,263 GA4 sessions"));
    let rows = gap["rows"].as_array().unwrap();
    let brand = rows.iter().find(|r| r["campaign"] == "Brand - Exact").unwrap();
    assert_eq!(
        (brand["clicks"].as_i64(), brand["sessions"].as_i64(), brand["flagged"].as_bool()),
        (Some(567), Some(1263), Some(true))
    );
    assert!(brand["date"].is_null(), "period totals have no day");
    assert!((brand["ratio"].as_f64().unwrap() - 1263.0 / 567.0).abs() < 1e-12);
    let spring = rows.iter().find(|r| r["campaign"] == "Spring Sale - Search").unwrap();
    let cause = &spring["causes"][0];
    assert_eq!((cause["count"].as_i64(), cause["kind"].as_str()), (Some(-912), Some("name_mismatch")));
    assert!(cause["cause"].as_str().unwrap().contains("matches no utm_campaign"));
    assert!(cause["action"].as_str().unwrap().contains("'Spring Sale'"));

    // By campaign and day: one row per campaign and account day where both sides have days.
    let traffic = dir.path().join("hits.csv");
    let url = "https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand";
    let hits: String = ["2024-03-01T10:00:00Z", "2024-03-02T10:00:00Z"]
        .iter()
        .enumerate()
        .map(|(i, t)| line(t, &format!("v{i}"), url, "", "page_view"))
        .collect();
    std::fs::write(&traffic, format!("{HEADER}{hits}")).unwrap();
    let daily = dir.path().join("daily.sessionlens");
    let d = daily.to_str().unwrap();
    let report = dir.path().join("days.csv");
    std::fs::write(
        &report,
        "Campaign report\n1 March 2024 - 2 March 2024\nDay,Campaign,Currency code,Clicks,Cost\n\
         2024-03-01,Brand,EUR,1,1.00\n2024-03-02,Brand,EUR,2,1.00\n",
    )
    .unwrap();
    assert!(sessionlens(&["import", d, traffic.to_str().unwrap(), report.to_str().unwrap()]).status.success());
    let gap = json(&sessionlens(&["discrepancy", d, "--by", "campaign,day", "--json"]));
    let days: Vec<(String, i64, i64)> = gap["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (r["date"].as_str().unwrap().to_string(), r["clicks"].as_i64().unwrap(), r["sessions"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(days, [("2024-03-01".to_string(), 1, 1), ("2024-03-02".to_string(), 2, 1)]);
}
