//! Times the report of a 1M-hit project: `cargo bench -p sessionlens-report --bench project`.
//!
//! Setup (not timed): 1,000,000 synthetic hits from `sessionlens_core::synth` and a Google Ads campaign report with
//! a row per day (clicks a little above the day's gclid landings), imported once into a project in a temp folder.
//! Timed: `build_report` (load the hits, sessionize, metrics, discrepancy) and `render_pdf`. Target: at most 3 s.

use std::collections::BTreeMap;
use std::time::Instant;

use sessionlens_core::import::ImportOptions;
use sessionlens_core::sessionize::{Preset, RuleSet};
use sessionlens_core::store::ImportControl;
use sessionlens_core::synth::{write_traffic_csv, TrafficSpec};
use sessionlens_core::Project;
use sessionlens_report::{build_report, render_pdf, Options, Paper, ReportDate, ReportRequest};

const HITS: usize = 1_000_000;

/// A Google Ads campaign report for the paid landings in `traffic` (timestamp first, URL fourth).
fn ads_csv(traffic: &[u8]) -> String {
    let mut per_day: BTreeMap<&str, u64> = BTreeMap::new();
    for line in traffic.split(|&b| b == b'\n').filter_map(|l| std::str::from_utf8(l).ok()) {
        let fields: Vec<&str> = line.splitn(5, ',').collect();
        if let [ts, _, _, url, _] = fields.as_slice() {
            if url.contains("gclid=") && ts.len() >= 10 {
                *per_day.entry(&ts[..10]).or_default() += 1;
            }
        }
    }
    let mut out =
        String::from("Campaign report\nMarch 1, 2024 - March 31, 2024\nDay,Campaign,Currency code,Clicks,Cost\n");
    for (day, landings) in per_day {
        let clicks = landings + landings / 8;
        out.push_str(&format!("{day},spring_sale,EUR,{clicks},{}.{:02}\n", clicks * 61 / 100, clicks * 61 % 100));
    }
    out
}

fn kpi<'a>(data: &'a sessionlens_report::ReportData, name: &str) -> &'a str {
    data.kpis.iter().find(|k| k.name == name).map_or("?", |k| k.value.as_str())
}

fn main() {
    let dir = tempfile::tempdir().expect("a temp folder");
    let mut traffic = Vec::new();
    write_traffic_csv(&TrafficSpec::new(HITS, 7), &mut traffic).expect("synthetic traffic");
    let traffic_path = dir.path().join("traffic.csv");
    let ads_path = dir.path().join("google-ads.csv");
    std::fs::write(&traffic_path, &traffic).unwrap();
    std::fs::write(&ads_path, ads_csv(&traffic)).unwrap();
    drop(traffic);
    let mut project = Project::open(dir.path().join("bench.sessionlens")).expect("a project");
    let started = Instant::now();
    for path in [&traffic_path, &ads_path] {
        project.import(path, &ImportOptions::default(), ImportControl::default()).expect("the import");
    }
    println!(
        "setup: imported {HITS} hits and the ad report in {:.1} s (not timed below)",
        started.elapsed().as_secs_f64()
    );

    let mut rules = RuleSet::preset(Preset::Ga4);
    rules.time_zone = "Europe/Berlin".into();
    let request = ReportRequest::new(rules);
    let options =
        Options { paper: Paper::A4, logo: None, title: None, today: ReportDate { year: 2024, month: 4, day: 2 } };
    for round in 1..=2 {
        let started = Instant::now();
        let data = build_report(&project, &request).expect("the report data");
        let built = started.elapsed().as_secs_f64();
        let pdf = render_pdf(&data, &options).expect("the PDF");
        let total = started.elapsed().as_secs_f64();
        println!(
            "round {round}: build {built:.2} s + render {:.2} s = {total:.2} s for {} sessions and {} ad clicks, {} KB \
             (target: at most 3 s)",
            total - built,
            kpi(&data, "Sessions"),
            kpi(&data, "Ad clicks"),
            pdf.len() / 1024
        );
    }
}
