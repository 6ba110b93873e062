//! Integration tests of the core through its public API, on real files in temp dirs.

mod delete;
mod discrepancy;
mod fidelity;
mod import;
mod metrics;
mod pathological;
mod project;
mod reports;
mod sessions;
mod spreadsheets;
mod views;

use std::path::{Path, PathBuf};

use sessionlens_core::import::ImportOptions;
use sessionlens_core::store::{ImportControl, ImportReport};
use sessionlens_core::{Project, Result};

/// A temp dir that holds a project file and input files.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch { dir: tempfile::tempdir().expect("a temp dir") }
    }
}

impl Scratch {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write a test file");
        path
    }

    pub fn project(&self) -> Project {
        Project::open(self.path("test.sessionlens")).expect("open the project")
    }
}

pub fn import(project: &mut Project, path: &Path) -> Result<ImportReport> {
    project.import(path, &ImportOptions::default(), ImportControl::default())
}
