//! The bundled demo project: a small web shop's November 2026 — a traffic export (with a few
//! broken rows, so the rejects list has something to show) and the Google Ads campaign report
//! of the same month from an ad account on New York time. The discrepancy view shows each cause
//! the report explains: tags lost through a redirect, repeat clicks, bookmarked returns, and
//! the evening's visits that fall on the next UTC day.
//!
//! The files are written by the core's [`demo_shop`] generator, committed under
//! `src-tauri/demo/` (the test `demo_files_match_generator` checks them; run it with
//! `SESSIONLENS_WRITE_DEMO=1` to rewrite them) and compiled into the binary. On first use they
//! are written to the app's data folder and imported into a project there, which is reused
//! afterwards.

use std::path::{Path, PathBuf};

use sessionlens_core::import::ImportOptions;
use sessionlens_core::store::ImportControl;
#[cfg(doc)]
use sessionlens_core::synth::demo_shop::demo_shop;
use sessionlens_core::synth::demo_shop::ACCOUNT_TIME_ZONE;
use sessionlens_core::Project;

use crate::error::AppError;

/// Bump when the demo files change, so existing installs build the new demo project.
const DEMO_VERSION: u32 = 2;

/// The demo's files: name and content, traffic first.
pub const DEMO_FILES: [(&str, &[u8]); 2] = [
    ("shop-traffic-2026-11.csv", include_bytes!("../demo/shop-traffic-2026-11.csv")),
    ("google-ads-campaigns-2026-11.csv", include_bytes!("../demo/google-ads-campaigns-2026-11.csv")),
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
        // The traffic's timestamps carry their offset; the ad report's days are the account's,
        // whose zone a user states when importing it.
        let account = ImportOptions { time_zone: ACCOUNT_TIME_ZONE.parse().ok(), ..Default::default() };
        for ((name, content), options) in DEMO_FILES.into_iter().zip([ImportOptions::default(), account]) {
            let file = folder.join(name);
            std::fs::write(&file, content).map_err(|e| AppError::io(&file, e))?;
            project.import(&file, &options, ImportControl::default())?;
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
    use sessionlens_core::synth::demo_shop::{demo_shop, BROKEN_ROWS};

    use super::*;

    #[test]
    fn demo_project_is_built_once_with_the_traffic_its_rejects_and_the_account_zone() {
        let dir = tempfile::tempdir().unwrap();
        let path = ensure_project(dir.path()).unwrap();
        let info = Project::open(&path).unwrap().info().unwrap();
        let traffic = info.files.iter().find(|f| f.name == DEMO_FILES[0].0).unwrap();
        assert_eq!((traffic.kind.as_str(), traffic.time_zone.as_deref()), ("traffic", None));
        let rows = demo_shop().traffic_csv.iter().filter(|&&b| b == b'\n').count() - 1 - BROKEN_ROWS.len();
        assert_eq!(traffic.rows_imported, rows as i64);
        assert_eq!(traffic.rows_rejected, BROKEN_ROWS.len() as i64);
        let ads = info.files.iter().find(|f| f.name == DEMO_FILES[1].0).unwrap();
        assert_eq!((ads.kind.as_str(), ads.time_zone.as_deref()), ("ads", Some(ACCOUNT_TIME_ZONE)));
        // A second call reuses the project.
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        assert_eq!(ensure_project(dir.path()).unwrap(), path);
        assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), modified);
        assert!(!dir.path().join("demo/Demo shop (being built).sessionlens").exists());
    }

    #[test]
    fn demo_files_match_generator() {
        let shop = demo_shop();
        let files = [shop.traffic_csv, shop.ads_csv];
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/demo");
        if std::env::var_os("SESSIONLENS_WRITE_DEMO").is_some() {
            for ((name, _), content) in DEMO_FILES.iter().zip(&files) {
                std::fs::write(folder.join(name), content).unwrap();
            }
            return; // The binary holds the old files until it is rebuilt.
        }
        for ((name, committed), generated) in DEMO_FILES.iter().zip(&files) {
            assert!(
                *committed == generated.as_slice(),
                "src-tauri/demo/{name} is not what the generator writes; rerun with SESSIONLENS_WRITE_DEMO=1"
            );
        }
    }
}
