//! Writes seeded synthetic traffic as CSV (see `sessionlens_core::synth`), for tests outside
//! Rust such as the SQL equality harness (`tests/sql/`):
//! `cargo run -p sessionlens-core --example synth_traffic -- HITS SEED OUT.csv`.

use std::process::ExitCode;

use sessionlens_core::synth::{write_traffic_csv, TrafficSpec};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [hits, seed, out] = args.as_slice() else {
        eprintln!("usage: synth_traffic HITS SEED OUT.csv");
        return ExitCode::FAILURE;
    };
    let (Ok(hits), Ok(seed)) = (hits.parse(), seed.parse()) else {
        eprintln!("HITS and SEED are whole numbers");
        return ExitCode::FAILURE;
    };
    let written = std::fs::File::create(out).and_then(|file| write_traffic_csv(&TrafficSpec::new(hits, seed), file));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot write {out}: {e}");
            ExitCode::FAILURE
        }
    }
}
