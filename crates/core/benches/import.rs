//! Import throughput: generate N synthetic hits as CSV (seeded), import them into a fresh
//! project file, print hits per second. `cargo bench -p sessionlens-core --bench import [-- N]`
//! (default 1,000,000). Target on a 2-core machine: at least 1M hits/s.

use std::time::Instant;

use sessionlens_core::import::ImportOptions;
use sessionlens_core::store::ImportControl;
use sessionlens_core::synth::{write_traffic_csv, TrafficSpec};
use sessionlens_core::Project;

fn main() {
    let hits: usize = std::env::args().skip(1).find_map(|a| a.replace('_', "").parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("a temp dir");
    let csv = dir.path().join("hits.csv");
    let started = Instant::now();
    write_traffic_csv(&TrafficSpec::new(hits, 42), std::fs::File::create(&csv).expect("create csv"))
        .expect("write csv");
    let csv_mb = std::fs::metadata(&csv).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!("generated {hits} hits ({csv_mb:.0} MB CSV) in {:.1} s", started.elapsed().as_secs_f64());

    let project_path = dir.path().join("bench.sessionlens");
    let mut project = Project::open(&project_path).expect("open project");
    let started = Instant::now();
    let report = project.import(&csv, &ImportOptions::default(), ImportControl::default()).expect("import");
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(report.rows_imported as usize, hits);
    let db_mb = std::fs::metadata(&project_path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!(
        "import: {hits} hits in {secs:.2} s = {:.0} hits/s ({:.0} MB/s of CSV; project file {db_mb:.0} MB)",
        hits as f64 / secs,
        csv_mb / secs
    );
}
