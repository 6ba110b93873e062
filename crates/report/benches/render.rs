//! Times a full report with a 500-row table (about 20 pages): `cargo bench -p sessionlens-report`.
//! The target is at most 3 s per report. The first render also parses the bundled fonts once per process.

#[path = "../tests/sample/mod.rs"]
mod sample;

use std::time::Instant;

fn main() {
    let data = sample::sample(500);
    let options = sample::options(sessionlens_report::Paper::A4);
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..4 {
        let started = Instant::now();
        let pdf = sessionlens_report::render_pdf(&data, &options).expect("the sample report renders");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        size = pdf.len();
    }
    let first = times[0];
    let mut warm = times[1..].to_vec();
    warm.sort_by(f64::total_cmp);
    println!("report with a 500-row table: {size} bytes");
    println!("first render (includes font parsing): {first:.0} ms");
    println!("later renders, median of {}: {:.0} ms (target: at most 3000 ms)", warm.len(), warm[warm.len() / 2]);
}
