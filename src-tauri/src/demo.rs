//! The bundled demo project: a small web shop's March 2024 — a traffic export of a few
//! thousand hits (with a handful of broken rows, so the rejects table has something to show)
//! and the matching Google Ads campaign report as the Ads UI downloads it.
//!
//! The two files are generated deterministically by the test `demo_files_match_generator`
//! (run it with `SESSIONLENS_WRITE_DEMO=1` to rewrite them), committed under `src-tauri/demo/`,
//! and compiled into the binary. On first use they are written to the app's data folder and
//! imported into a project there, which is reused afterwards.

use std::path::{Path, PathBuf};

use sessionlens_core::import::ImportOptions;
use sessionlens_core::store::ImportControl;
use sessionlens_core::Project;

use crate::error::AppError;

/// Bump when the demo files change, so existing installs build the new demo project.
const DEMO_VERSION: u32 = 1;

/// The demo's files: name and content.
pub const DEMO_FILES: [(&str, &[u8]); 2] = [
    ("shop-traffic-2024-03.csv", include_bytes!("../demo/shop-traffic-2024-03.csv")),
    ("google-ads-campaigns-2024-03.csv", include_bytes!("../demo/google-ads-campaigns-2024-03.csv")),
];

/// The demo project's path in `data_dir`, created and filled on first use. Both files import
/// (the test below builds it); if one did not, that is the demo's error, not a file left out.
pub fn ensure_project(data_dir: &Path) -> Result<PathBuf, AppError> {
    let folder = data_dir.join("demo");
    let project_path = folder.join(format!("Demo shop v{DEMO_VERSION}.sessionlens"));
    if project_path.exists() {
        return Ok(project_path);
    }
    std::fs::create_dir_all(&folder).map_err(|e| AppError::io(&folder, e))?;
    // Built under a temporary name and renamed when complete, so an interrupted first run
    // never leaves a half-filled demo behind.
    let partial = folder.join("Demo shop (being built).sessionlens");
    for stale in [partial.clone(), sidecar(&partial, "-wal"), sidecar(&partial, "-shm")] {
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(|e| AppError::io(&stale, e))?;
        }
    }
    {
        let mut project = Project::open(&partial)?;
        for (name, content) in DEMO_FILES {
            let file = folder.join(name);
            std::fs::write(&file, content).map_err(|e| AppError::io(&file, e))?;
            project.import(&file, &ImportOptions::default(), ImportControl::default())?;
        }
    } // The connection closes here, folding its write-ahead log into the file.
    std::fs::rename(&partial, &project_path).map_err(|e| AppError::io(&project_path, e))?;
    Ok(project_path)
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_project_is_built_once_with_the_traffic_and_its_rejects() {
        let dir = tempfile::tempdir().unwrap();
        let path = ensure_project(dir.path()).unwrap();
        let info = Project::open(&path).unwrap().info().unwrap();
        let traffic = info.files.iter().find(|f| f.name == "shop-traffic-2024-03.csv").unwrap();
        assert_eq!(traffic.kind, "traffic");
        assert_eq!(traffic.rows_imported, generator::HITS as i64);
        assert_eq!(traffic.rows_rejected, generator::BROKEN_ROWS.len() as i64);
        // 2024-03-01T00:00Z .. before 2024-04-01T00:00Z
        assert!(traffic.first_ts_ms.unwrap() >= 1_709_251_200_000);
        assert!(traffic.last_ts_ms.unwrap() < 1_711_929_600_000);
        let ads = info.files.iter().find(|f| f.name == "google-ads-campaigns-2024-03.csv").unwrap();
        assert_eq!(ads.kind, "ads");
        // A second call reuses the project.
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        assert_eq!(ensure_project(dir.path()).unwrap(), path);
        assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), modified);
        assert!(!dir.path().join("demo/Demo shop (being built).sessionlens").exists());
    }

    #[test]
    fn demo_files_match_generator() {
        let files = [generator::traffic_csv(), generator::ads_csv(&generator::traffic_csv())];
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/demo");
        if std::env::var_os("SESSIONLENS_WRITE_DEMO").is_some() {
            for ((name, _), content) in DEMO_FILES.iter().zip(&files) {
                std::fs::write(folder.join(name), content).unwrap();
            }
            return;
        }
        for ((name, committed), generated) in DEMO_FILES.iter().zip(&files) {
            assert!(
                *committed == generated.as_slice(),
                "src-tauri/demo/{name} is not what the generator writes; rerun with SESSIONLENS_WRITE_DEMO=1"
            );
        }
    }

    /// Deterministic generator of the demo files.
    mod generator {
        use std::collections::BTreeMap;

        use sessionlens_core::synth::{write_traffic_csv, TrafficSpec};

        pub const HITS: usize = 3_000;
        const SEED: u64 = 20_240_301;
        const CAMPAIGN: &str = "spring_sale";

        /// Rows a real export sometimes holds, each of which the importer must reject (and
        /// the last of which must stay text when the rejects are exported to a spreadsheet).
        pub const BROKEN_ROWS: [&str; 3] = [
            "2024-03-32T10:00:00Z,1000000001.1700000001,,https://shop.example/shop,,Mozilla/5.0,10.0.0.1,page_view",
            "yesterday,1000000002.1700000002,,https://shop.example/cart,,Mozilla/5.0,10.0.0.2,page_view",
            "=HYPERLINK(\"http://evil.example\"),1000000003.1700000003,,https://shop.example/,,Mozilla/5.0,10.0.0.3,page_view",
        ];

        pub fn traffic_csv() -> Vec<u8> {
            let mut out = Vec::new();
            write_traffic_csv(&TrafficSpec::new(HITS, SEED), &mut out).unwrap();
            for row in BROKEN_ROWS {
                out.extend_from_slice(row.as_bytes());
                out.push(b'\n');
            }
            out
        }

        /// A Google Ads "Campaign report" download (CSV): a title line, the date range, the
        /// header, one row per day, and the UI's total lines. Clicks run a little above the
        /// paid sessions in the traffic, as they do in life.
        pub fn ads_csv(traffic: &[u8]) -> Vec<u8> {
            let mut paid_per_day: BTreeMap<String, u64> = BTreeMap::new();
            let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(traffic);
            for record in reader.records().flatten() {
                if let (Some(ts), Some(url)) = (record.get(0), record.get(3)) {
                    if url.contains("gclid=") && ts.len() >= 10 {
                        *paid_per_day.entry(ts[..10].to_string()).or_default() += 1;
                    }
                }
            }
            let mut out = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
            out.write_record(["Campaign report"]).unwrap();
            out.write_record(["March 1, 2024 - March 31, 2024"]).unwrap();
            out.write_record([
                "Day",
                "Campaign",
                "Campaign type",
                "Currency code",
                "Clicks",
                "Impr.",
                "CTR",
                "Avg. CPC",
                "Cost",
                "Conversions",
            ])
            .unwrap();
            let (mut all_clicks, mut all_impressions, mut all_cost_cents, mut all_conversions) = (0, 0, 0, 0);
            for (day_index, (day, sessions)) in paid_per_day.iter().enumerate() {
                let d = day_index as u64;
                let clicks = sessions + sessions / 8 + u64::from(d.is_multiple_of(3));
                let impressions = clicks * 23 + (d * 37) % 90;
                let cpc_cents = 48 + (d * 13) % 33;
                let cost_cents = clicks * cpc_cents;
                let conversions = sessions / 9;
                out.write_record([
                    day.as_str(),
                    CAMPAIGN,
                    "Search",
                    "EUR",
                    &clicks.to_string(),
                    &thousands(impressions),
                    &format!("{:.2}%", clicks as f64 * 100.0 / impressions as f64),
                    &format!("{:.2}", cost_cents as f64 / 100.0 / clicks as f64),
                    &format!("{}.{:02}", cost_cents / 100, cost_cents % 100),
                    &format!("{conversions}.00"),
                ])
                .unwrap();
                all_clicks += clicks;
                all_impressions += impressions;
                all_cost_cents += cost_cents;
                all_conversions += conversions;
            }
            for total in ["Total: Account", "Total: Search", "Total: Campaigns"] {
                out.write_record([
                    total,
                    "--",
                    "--",
                    "EUR",
                    &thousands(all_clicks),
                    &thousands(all_impressions),
                    &format!("{:.2}%", all_clicks as f64 * 100.0 / all_impressions as f64),
                    &format!("{:.2}", all_cost_cents as f64 / 100.0 / all_clicks as f64),
                    &format!("{}.{:02}", thousands(all_cost_cents / 100), all_cost_cents % 100),
                    &format!("{all_conversions}.00"),
                ])
                .unwrap();
            }
            out.into_inner().unwrap()
        }

        /// 12345 → "12,345", as the Ads UI writes counts.
        fn thousands(n: u64) -> String {
            let digits = n.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
            out
        }
    }
}
