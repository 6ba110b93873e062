//! Crash safety: an import killed with SIGKILL at random moments never damages the project.
//! After every kill the project opens, passes `PRAGMA integrity_check`, and holds exactly
//! what it held before that import, or the complete import if the kill came after the commit.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use sessionlens_core::synth::{write_traffic_csv, TrafficSpec};
use sessionlens_core::Project;

const KILLS_PER_SEED: u64 = 35;
const SEEDS: [u64; 3] = [1, 2, 3];
const HITS: usize = 30_000;

fn state(project_path: &Path) -> (i64, usize, i64) {
    let project = Project::open(project_path).expect("the project opens after a kill");
    let info = project.info().unwrap();
    // Every stored chunk decodes.
    let stored_hits = project.load_hits().expect("the stored hits read back").len() as i64;
    drop(project);
    let conn = rusqlite::Connection::open(project_path).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    (info.hits, info.files.len(), stored_hits)
}

#[test]
fn imports_killed_at_random_points_leave_the_project_as_it_was_or_complete() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("hits.csv");
    write_traffic_csv(&TrafficSpec::new(HITS, 9), std::fs::File::create(&csv).unwrap()).unwrap();
    // Time one full import, so kills land anywhere from the start to just past the commit.
    let started = std::time::Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_sessionlens"))
        .args(["import", "--json"])
        .arg(dir.path().join("timing.sessionlens"))
        .arg(&csv)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let full_ms = started.elapsed().as_millis() as u64;
    let mut completed = 0;
    let mut interrupted = 0;
    for seed in SEEDS {
        let mut rng = fastrand::Rng::with_seed(seed);
        let project_path = dir.path().join(format!("seed-{seed}.sessionlens"));
        for _ in 0..KILLS_PER_SEED {
            let before = state(&project_path);
            let mut child = Command::new(env!("CARGO_BIN_EXE_sessionlens"))
                .args(["import", "--force", "--json"])
                .arg(&project_path)
                .arg(&csv)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(rng.u64(0..=full_ms * 6 / 5)));
            child.kill().unwrap(); // SIGKILL on Unix
            let finished = child.wait().unwrap().success();
            let after = state(&project_path);
            assert_eq!(after.0, after.2, "the file records match the stored hits");
            if after == before {
                interrupted += 1;
            } else {
                assert_eq!(after, (before.0 + HITS as i64, before.1 + 1, before.2 + HITS as i64), "all or nothing");
                completed += 1;
            }
            assert!(!finished || after != before, "a finished import is kept");
        }
    }
    println!("kill test: {interrupted} interrupted imports left no trace, {completed} completed before the kill");
    assert_eq!(interrupted + completed, KILLS_PER_SEED * SEEDS.len() as u64);
    assert!(interrupted > 0, "some kills must land mid-import");
    assert!(completed > 0, "some kills must land after the commit");
}
