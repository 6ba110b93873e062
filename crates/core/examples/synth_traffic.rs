//! Writes a synthetic traffic CSV (the one the benchmarks import) for timing the app by hand
//! or with `scripts/bench-app.sh`: `cargo run --release -p sessionlens-core --example
//! synth_traffic -- HITS OUT.csv [SEED]`.

use std::fs::File;
use std::process::ExitCode;

use sessionlens_core::synth::{write_traffic_csv, TrafficSpec};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(hits), Some(out)) = (args.first().and_then(|h| h.parse().ok()), args.get(1)) else {
        eprintln!("usage: synth_traffic HITS OUT.csv [SEED]");
        return ExitCode::FAILURE;
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let written = File::create(out).and_then(|file| write_traffic_csv(&TrafficSpec::new(hits, seed), file));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synth_traffic: {out}: {e}");
            ExitCode::FAILURE
        }
    }
}
