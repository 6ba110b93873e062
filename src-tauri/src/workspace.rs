//! What the app holds between commands: the open project, the running import's stop switch and
//! the recent-projects list. Everything here is plain Rust over `sessionlens_core` (no Tauri),
//! so it is tested without a window; `commands.rs` only forwards to it.
//!
//! Reads go through the open project's connection. An import writes through a second
//! connection of its own on a background thread, so the UI can keep reading while it runs
//! (SQLite's write-ahead log lets readers see the project as it was until the import commits).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use sessionlens_core::export::CsvExport;
use sessionlens_core::import::ImportOptions;
use sessionlens_core::store::{CancelToken, ImportControl, Progress};
use sessionlens_core::Project;

use crate::demo;
use crate::dto::{FileOutcome, ImportProgress, ImportSummary, ProjectView, RecentProject, RejectedRow, RejectsPage};
use crate::error::{AppError, IMPORT_RUNNING};

/// Progress goes to the UI at most this often.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(250);
/// How many projects the start screen lists.
const RECENT_MAX: usize = 10;
/// The most rejected rows one page returns.
pub const REJECTS_PAGE_MAX: u64 = 1_000;

struct OpenProject {
    project: Project,
    path: PathBuf,
    is_demo: bool,
}

/// The app's state, shared by all commands.
pub struct Workspace {
    data_dir: PathBuf,
    /// A project named on the command line, opened by the first `startup_project`.
    startup_path: Mutex<Option<PathBuf>>,
    open: Mutex<Option<OpenProject>>,
    /// Set while an import runs; cancelling it stops that import.
    import: Mutex<Option<CancelToken>>,
}

impl Workspace {
    /// `data_dir` holds the demo project and the recent-projects list.
    pub fn new(data_dir: PathBuf, startup_path: Option<PathBuf>) -> Self {
        Workspace { data_dir, startup_path: Mutex::new(startup_path), open: Mutex::new(None), import: Mutex::new(None) }
    }

    /// The project to show when the UI starts: the one already open (the UI was reloaded), or
    /// the one named on the command line, or none (the start screen).
    pub fn startup_project(&self) -> Result<Option<ProjectView>, AppError> {
        if let Some(open) = lock(&self.open).as_ref() {
            return view(open).map(Some);
        }
        match lock(&self.startup_path).take() {
            Some(path) => self.open_project(&path).map(Some),
            None => Ok(None),
        }
    }

    /// Open (or create) the project at `path`, replacing the open one, and remember it.
    pub fn open_project(&self, path: &Path) -> Result<ProjectView, AppError> {
        let shown = self.open_at(path, false)?;
        self.remember(path);
        Ok(shown)
    }

    /// Open the demo project, building it on first use.
    pub fn open_demo_project(&self) -> Result<ProjectView, AppError> {
        let path = demo::ensure_project(&self.data_dir)?;
        self.open_at(&path, true)
    }

    fn open_at(&self, path: &Path, is_demo: bool) -> Result<ProjectView, AppError> {
        self.refuse_while_importing()?;
        let path = std::path::absolute(path).map_err(|e| AppError::io(path, e))?;
        let project = Project::open(&path)?;
        let open = OpenProject { project, path, is_demo };
        let shown = view(&open)?;
        *lock(&self.open) = Some(open);
        Ok(shown)
    }

    pub fn close_project(&self) -> Result<(), AppError> {
        self.refuse_while_importing()?;
        *lock(&self.open) = None;
        Ok(())
    }

    pub fn project_info(&self) -> Result<ProjectView, AppError> {
        lock(&self.open).as_ref().ok_or_else(AppError::no_project).and_then(view)
    }

    /// Import `files` one after another into the open project, calling `on_progress` at most
    /// every [`PROGRESS_EVERY`] (and once as each file starts and ends). A file that fails is
    /// reported and the next one tried; a cancel stops the import after rolling back the file
    /// being imported. Blocks until done: call it off the UI thread.
    pub fn import_files(
        &self,
        files: &[PathBuf],
        mut on_progress: impl FnMut(ImportProgress),
    ) -> Result<ImportSummary, AppError> {
        let project_path = lock(&self.open).as_ref().map(|open| open.path.clone()).ok_or_else(AppError::no_project)?;
        let running = RunningImport::start(&self.import)?;
        let mut writer = Project::open(&project_path)?;
        let mut outcomes = Vec::with_capacity(files.len());
        let mut cancelled = false;
        for (index, file) in files.iter().enumerate() {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let progress = |p: &Progress| ImportProgress::new(index, files.len(), &name, p);
            on_progress(progress(&Progress::default()));
            let mut last_sent = Instant::now();
            let mut last_seen = Progress::default();
            let mut throttled = |p: &Progress| {
                last_seen = p.clone();
                if last_sent.elapsed() >= PROGRESS_EVERY {
                    last_sent = Instant::now();
                    on_progress(progress(p));
                }
            };
            let control = ImportControl { cancel: running.token.clone(), progress: Some(&mut throttled) };
            let result = writer.import(file, &ImportOptions::default(), control);
            let done = Progress { bytes_read: last_seen.bytes_total, ..last_seen };
            on_progress(progress(&done));
            let (imported, error) = match result {
                Ok(report) => (Some(report.into()), None),
                Err(e) => {
                    cancelled = matches!(e, sessionlens_core::Error::Cancelled);
                    (None, Some(AppError::from(e)))
                }
            };
            outcomes.push(FileOutcome { path: file.display().to_string(), name, imported, error });
            if cancelled {
                break;
            }
        }
        drop(writer);
        drop(running);
        Ok(ImportSummary { files: outcomes, cancelled, project: self.project_info()? })
    }

    /// Stop the running import, if any. It returns (with `cancelled`) once it has rolled back.
    pub fn cancel_import(&self) {
        if let Some(token) = lock(&self.import).as_ref() {
            token.cancel();
        }
    }

    /// Up to `limit` (at most [`REJECTS_PAGE_MAX`]) rejected rows from `offset`.
    pub fn list_rejects(&self, offset: u64, limit: u64) -> Result<RejectsPage, AppError> {
        let guard = lock(&self.open);
        let open = guard.as_ref().ok_or_else(AppError::no_project)?;
        let all = open.project.rejects()?;
        let total = all.len() as u64;
        let rows: Vec<RejectedRow> = all
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit.min(REJECTS_PAGE_MAX)).unwrap_or(0))
            .map(RejectedRow::from)
            .collect();
        Ok(RejectsPage { total, offset, rows })
    }

    /// Write every rejected row to `path` as CSV (with a BOM, for Excel), every cell that a
    /// spreadsheet would run as a formula prefixed with `'`. Returns the number of rows.
    pub fn export_rejects(&self, path: &Path) -> Result<u64, AppError> {
        let rejects = {
            let guard = lock(&self.open);
            guard.as_ref().ok_or_else(AppError::no_project)?.project.rejects()?
        };
        let file = std::fs::File::create(path).map_err(|e| AppError::io(path, e))?;
        let io = |e| AppError::io(path, e);
        let mut csv = CsvExport::new(std::io::BufWriter::new(file), true).map_err(io)?;
        csv.row(["file", "line", "reason", "raw"]).map_err(io)?;
        for r in &rejects {
            csv.row([r.file.as_str(), &r.line.to_string(), &r.reason, &r.raw]).map_err(io)?;
        }
        std::io::Write::flush(&mut csv.finish().map_err(io)?).map_err(io)?;
        Ok(rejects.len() as u64)
    }

    /// Projects opened before, most recent first (the demo is not listed).
    pub fn recent_projects(&self) -> Vec<RecentProject> {
        let mut recent = self.read_recent();
        for r in &mut recent {
            r.exists = Path::new(&r.path).is_file();
        }
        recent
    }

    fn refuse_while_importing(&self) -> Result<(), AppError> {
        match lock(&self.import).is_some() {
            true => Err(AppError::new(IMPORT_RUNNING, "an import is running; wait for it or cancel it first")),
            false => Ok(()),
        }
    }

    fn recent_file(&self) -> PathBuf {
        self.data_dir.join("recent-projects.json")
    }

    /// A missing or damaged list is an empty one: it is a convenience, never worth an error.
    fn read_recent(&self) -> Vec<RecentProject> {
        std::fs::read(self.recent_file()).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
    }

    /// Put `path` first in the recent list. Failing to save the list does not fail the open.
    fn remember(&self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let shown = path.display().to_string();
        let mut recent = self.read_recent();
        recent.retain(|r| r.path != shown);
        recent.insert(0, RecentProject { path: shown, name: project_name(&path), exists: true });
        recent.truncate(RECENT_MAX);
        if let Ok(json) = serde_json::to_vec_pretty(&recent) {
            let _ = std::fs::create_dir_all(&self.data_dir);
            let _ = std::fs::write(self.recent_file(), json);
        }
    }
}

/// Marks an import as running for as long as it lives, so the mark is cleared however the
/// import ends.
struct RunningImport<'a> {
    slot: &'a Mutex<Option<CancelToken>>,
    token: CancelToken,
}

impl<'a> RunningImport<'a> {
    fn start(slot: &'a Mutex<Option<CancelToken>>) -> Result<Self, AppError> {
        let mut current = lock(slot);
        if current.is_some() {
            return Err(AppError::new(IMPORT_RUNNING, "an import is already running"));
        }
        let token = CancelToken::default();
        *current = Some(token.clone());
        Ok(RunningImport { slot, token })
    }
}

impl Drop for RunningImport<'_> {
    fn drop(&mut self) {
        *lock(self.slot) = None;
    }
}

fn view(open: &OpenProject) -> Result<ProjectView, AppError> {
    Ok(ProjectView {
        path: open.path.display().to_string(),
        name: project_name(&open.path),
        is_demo: open.is_demo,
        info: open.project.info()?.into(),
    })
}

/// `Shop 2024.sessionlens` → `Shop 2024`.
fn project_name(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

/// A poisoned lock only means a command panicked while holding it; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
