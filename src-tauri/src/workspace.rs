//! What the app holds between commands: the open project, the running import's stop switch,
//! the recent-projects list, the views kept in the project and the clients folder. Everything
//! here is plain Rust over `sessionlens_core` (no Tauri), so it is tested without a window;
//! `commands.rs` only forwards to it.
//!
//! Reads go through the open project's connection. An import writes through a second
//! connection of its own on a background thread, so the UI can keep reading while it runs
//! (SQLite's write-ahead log lets readers see the project as it was until the import commits).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use sessionlens_core::sessionize::RuleSet;
use sessionlens_core::store::ads::CampaignMapping;
use sessionlens_core::store::{CancelToken, ImportControl, Progress};
use sessionlens_core::time::DateRange;
use sessionlens_core::Project;
use sessionlens_core::{export, fidelity};

use crate::analysis::{
    self, CompareView, DashboardView, DayRange, DiscrepancyView, FidelityView, KeptView, LoadedData, RuleChoices,
    RulesInput, ViewKind,
};
use crate::clients::{self, ClientsView, SettingsCopied};
use crate::demo;
use crate::dto::{
    FileDeleted, FileOutcome, FormatInfo, ImportProgress, ImportSummary, ProjectView, RecentProject, RejectedRow,
    RejectsPage,
};
use crate::error::{AppError, IMPORT_RUNNING};
use crate::exports::{self, CsvTable, ReportSettings, SavedFile, Subject};
use crate::import_wizard::{self, FileImportOptions, ImportPreview};
use crate::prefetch::{Prefetch, Prefetcher};
use crate::priority;
use crate::views::{self, NamedView, SavedViews, ViewState};

/// Progress goes to the UI at most this often (so the bar moves several times a second).
pub const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// How many projects the start screen lists.
const RECENT_MAX: usize = 10;
/// The most rejected rows one page returns.
pub const REJECTS_PAGE_MAX: u64 = 1_000;

struct OpenProject {
    project: Project,
    path: PathBuf,
    is_demo: bool,
    /// Hits and ad data for the analysis screens, read on first use and dropped by an import.
    data: Option<Arc<LoadedData>>,
    /// The view shown while an import held the project, kept once the import is done.
    unsaved_view: Option<ViewState>,
}

/// What the app shows when its UI first asks, as the command line chose.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Startup {
    /// The start screen: recent projects, open, new, demo.
    #[default]
    StartScreen,
    /// A project named on the command line (created if missing).
    Project(PathBuf),
    /// The bundled demo project (`--demo`).
    Demo,
}

/// The app's state, shared by all commands.
pub struct Workspace {
    data_dir: PathBuf,
    /// What the first `startup_project` opens.
    startup: Mutex<Startup>,
    open: Mutex<Option<OpenProject>>,
    /// Set while an import runs; cancelling it stops that import.
    import: Mutex<Option<CancelToken>>,
    prefetcher: Prefetcher,
}

impl Workspace {
    /// `data_dir` holds the demo project and the recent-projects list.
    pub fn new(data_dir: PathBuf, startup: Startup) -> Self {
        Workspace {
            data_dir,
            startup: Mutex::new(startup),
            open: Mutex::new(None),
            import: Mutex::new(None),
            prefetcher: Prefetcher::default(),
        }
    }

    /// The project to show when the UI starts: the one already open (the UI was reloaded), or
    /// the one the command line chose, or none (the start screen).
    pub fn startup_project(&self) -> Result<Option<ProjectView>, AppError> {
        if let Some(open) = lock(&self.open).as_ref() {
            return view(open).map(Some);
        }
        match std::mem::take(&mut *lock(&self.startup)) {
            Startup::Project(path) => self.open_project(&path).map(Some),
            Startup::Demo => self.open_demo_project().map(Some),
            Startup::StartScreen => Ok(None),
        }
    }

    /// Open (or create) the project at `path`, replacing the open one, and remember it.
    pub fn open_project(&self, path: &Path) -> Result<ProjectView, AppError> {
        let shown = self.open_at(path, false)?;
        self.remember(path);
        if let Some(open) = lock(&self.open).as_ref() {
            // For the clients screen's "last opened"; a project on a read-only disk still opens.
            let _ = open.project.mark_opened();
        }
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
        let open = OpenProject { project, path, is_demo, data: None, unsaved_view: None };
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

    /// What each file would import as under the user's choices: its format, first rows and
    /// mapping, or why it cannot be imported, and how it fits the open project (if any). Reads
    /// only the start of each file; writes nothing.
    pub fn preview_import(&self, files: &[FileImportOptions]) -> Result<Vec<ImportPreview>, AppError> {
        let project = lock(&self.open).as_ref().map(|open| open.project.coverage()).transpose()?;
        Ok(files.iter().map(|file| import_wizard::preview_file(file, project.as_ref())).collect())
    }

    /// Import `files` one after another into the open project, each under its own options,
    /// calling `on_progress` at most every [`PROGRESS_EVERY`] (and once as each file starts and
    /// ends). A file that fails (or whose options are invalid) is reported and the next one
    /// tried; a cancel stops the import after rolling back the file being imported. Blocks until
    /// done: call it off the UI thread. The import runs on a thread of its own at a lower
    /// priority: it keeps two threads busy, and on a two-core machine at normal priority they
    /// starve the window's own threads, and the page stops drawing for half a second at a time.
    pub fn import_files(
        &self,
        files: &[FileImportOptions],
        on_progress: impl FnMut(ImportProgress) + Send,
    ) -> Result<ImportSummary, AppError> {
        priority::at_low_priority(10, || self.import_each(files, on_progress))
    }

    fn import_each(
        &self,
        files: &[FileImportOptions],
        mut on_progress: impl FnMut(ImportProgress),
    ) -> Result<ImportSummary, AppError> {
        let project_path = lock(&self.open).as_ref().map(|open| open.path.clone()).ok_or_else(AppError::no_project)?;
        let running = RunningImport::start(&self.import)?;
        let mut writer = Project::open(&project_path)?;
        let mut outcomes = Vec::with_capacity(files.len());
        let mut cancelled = false;
        for (index, chosen) in files.iter().enumerate() {
            let file = Path::new(&chosen.path);
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
            let result = match chosen.to_import_options() {
                Ok(options) => writer.import(file, &options, control).map_err(AppError::from),
                Err(invalid) => Err(invalid),
            };
            let done = Progress { bytes_read: last_seen.bytes_total, ..last_seen };
            on_progress(progress(&done));
            let (imported, error) = match result {
                Ok(report) => (Some(report.into()), None),
                Err(e) => {
                    cancelled = e.code == "cancelled";
                    (None, Some(e))
                }
            };
            outcomes.push(FileOutcome { path: file.display().to_string(), name, imported, error });
            if cancelled {
                break;
            }
        }
        drop(writer);
        drop(running);
        if let Some(open) = lock(&self.open).as_mut() {
            open.data = None;
            if let Some(view) = open.unsaved_view.take() {
                // A convenience: failing to keep it does not fail the import.
                let _ = open.project.set_last_view(&view.to_json());
            }
        }
        Ok(ImportSummary { files: outcomes, cancelled, project: self.project_info()? })
    }

    /// Remove the data of the imported file `file_id` from the open project (its rows, rejects
    /// and the sessions computed from them; the file on disk is untouched). Refused while an
    /// import runs. The analysis screens read the project again afterwards.
    pub fn delete_file(&self, file_id: i64) -> Result<FileDeleted, AppError> {
        self.refuse_while_importing()?;
        let mut guard = lock(&self.open);
        let open = guard.as_mut().ok_or_else(AppError::no_project)?;
        let deleted = open.project.delete_file(file_id)?;
        open.data = None;
        Ok(FileDeleted::new(deleted, view(open)?))
    }

    /// Store a campaign mapping in the open project (an ad campaign whose name matches no
    /// utm_campaign, and the utm_campaign standing for it). Refused while an import runs. The
    /// analysis screens read the project again afterwards, so the mapping counts at once.
    pub fn map_campaign(&self, mapping: &CampaignMapping) -> Result<(), AppError> {
        self.refuse_while_importing()?;
        let mut guard = lock(&self.open);
        let open = guard.as_mut().ok_or_else(AppError::no_project)?;
        open.project.add_campaign_mapping(mapping)?;
        open.data = None;
        Ok(())
    }

    /// The open project's view last shown and its named views.
    pub fn saved_views(&self) -> Result<SavedViews, AppError> {
        let guard = lock(&self.open);
        views::saved_views(&guard.as_ref().ok_or_else(AppError::no_project)?.project)
    }

    /// Keep `view` in the open project as the view to show when it opens again. While an
    /// import holds the project it is kept once the import is done.
    pub fn remember_view(&self, view: &ViewState) -> Result<(), AppError> {
        view.check()?;
        // The project's lock first: an import ending takes it after its mark is gone, so the
        // view is either written now or found by the import's end.
        let mut guard = lock(&self.open);
        let open = guard.as_mut().ok_or_else(AppError::no_project)?;
        if lock(&self.import).is_some() {
            open.unsaved_view = Some(view.clone());
            return Ok(());
        }
        Ok(open.project.set_last_view(&view.to_json())?)
    }

    /// Save the rules and days of `view` in the open project under `name` (replacing a view of
    /// that name); returns the named views.
    pub fn save_named_view(&self, name: &str, view: &ViewState) -> Result<Vec<NamedView>, AppError> {
        self.refuse_while_importing()?;
        let view = ViewState { tab: None, ..view.clone() };
        view.check()?;
        let guard = lock(&self.open);
        let project = &guard.as_ref().ok_or_else(AppError::no_project)?.project;
        project.save_named_view(name, &view.to_json())?;
        views::named_views(project)
    }

    /// Delete the open project's view named `name`; returns the named views left.
    pub fn delete_named_view(&self, name: &str) -> Result<Vec<NamedView>, AppError> {
        self.refuse_while_importing()?;
        let guard = lock(&self.open);
        let project = &guard.as_ref().ok_or_else(AppError::no_project)?.project;
        project.delete_named_view(name)?;
        views::named_views(project)
    }

    /// The clients in `folder`, which is remembered; without a folder, those of the folder
    /// remembered (`None` when there is none yet).
    pub fn list_clients(&self, folder: Option<&Path>) -> Result<Option<ClientsView>, AppError> {
        let folder = match folder {
            Some(chosen) => {
                let chosen = std::path::absolute(chosen).map_err(|e| AppError::io(chosen, e))?;
                let listed = self.clients_in(&chosen)?;
                if let Ok(json) = serde_json::to_vec(&chosen) {
                    // Like the recent list: failing to remember it does not fail the listing.
                    let _ = std::fs::create_dir_all(&self.data_dir);
                    let _ = std::fs::write(self.clients_folder_file(), json);
                }
                return Ok(Some(listed));
            }
            None => self.clients_folder(),
        };
        folder.map(|f| self.clients_in(&f)).transpose()
    }

    /// Rename the client project at `path` to `name` (in the same folder), refusing to
    /// overwrite a file. The project open in this window is closed for the rename and opened
    /// again under its new name. Returns the clients of its folder.
    pub fn rename_client(&self, path: &Path, name: &str) -> Result<ClientsView, AppError> {
        self.refuse_while_importing()?;
        let path = std::path::absolute(path).map_err(|e| AppError::io(path, e))?;
        let to = clients::renamed_path(&path, name)?;
        let was_open = {
            let mut open = lock(&self.open);
            let is_it = open.as_ref().is_some_and(|o| same_path(&o.path, &path));
            if is_it {
                *open = None;
            }
            is_it
        };
        let renamed = sessionlens_core::store::rename_project(&path, &to);
        if was_open {
            self.open_at(if renamed.is_ok() { &to } else { &path }, false)?;
        }
        renamed?;
        self.rename_recent(&path, &to);
        let folder = to.parent().unwrap_or(Path::new("."));
        self.clients_in(folder)
    }

    /// Copy the saved views and campaign mappings of the project at `from` into the one at
    /// `to` (their views of the same names replaced, their own mappings kept).
    pub fn copy_client_settings(&self, from: &Path, to: &Path) -> Result<SettingsCopied, AppError> {
        self.refuse_while_importing()?;
        let (from, to) = (
            std::path::absolute(from).map_err(|e| AppError::io(from, e))?,
            std::path::absolute(to).map_err(|e| AppError::io(to, e))?,
        );
        for path in [&from, &to] {
            if !path.is_file() {
                return Err(AppError::io(path, std::io::ErrorKind::NotFound.into()));
            }
        }
        let mut guard = lock(&self.open);
        let copied = match guard.as_mut() {
            Some(open) if same_path(&open.path, &to) => {
                let copied = Project::open(&from)?.copy_views_and_mappings_to(&mut open.project)?;
                // Its mappings changed: the analysis reads the project again.
                open.data = None;
                copied
            }
            Some(open) if same_path(&open.path, &from) => {
                open.project.copy_views_and_mappings_to(&mut Project::open(&to)?)?
            }
            _ => Project::open(&from)?.copy_views_and_mappings_to(&mut Project::open(&to)?)?,
        };
        Ok(copied.into())
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
        // With a BOM: the file is for a spreadsheet.
        Ok(export::save(path, true, |csv| export::stored::write_rejects(csv, &rejects))?)
    }

    /// Projects opened before, most recent first (the demo is not listed).
    pub fn recent_projects(&self) -> Vec<RecentProject> {
        let mut recent = self.read_recent();
        for r in &mut recent {
            r.exists = Path::new(&r.path).is_file();
        }
        recent
    }

    /// Every format the core reads, in the order it tries them.
    pub fn supported_formats(&self) -> Vec<FormatInfo> {
        sessionlens_core::import::formats()
            .iter()
            .map(|f| FormatInfo {
                id: f.id().to_string(),
                name: f.name().to_string(),
                description: f.description().to_string(),
                kind: f.kind().as_str().to_string(),
            })
            .collect()
    }

    /// The rule choices the rules panel offers for the open project.
    pub fn rule_choices(&self) -> Result<RuleChoices, AppError> {
        let guard = lock(&self.open);
        let open = guard.as_ref().ok_or_else(AppError::no_project)?;
        Ok(analysis::rule_choices(&open.project.info()?.time_zones))
    }

    /// The dashboard of the open project under `rules` over `range`. Blocks while it
    /// sessionizes: call it off the UI thread.
    pub fn dashboard(&self, rules: &RulesInput, range: Option<&DayRange>) -> Result<DashboardView, AppError> {
        let (rules, range) = (rules.rule_set()?, analysis::parse_range(range)?);
        self.shown_or_computed(&rules, range)
    }

    /// Ad clicks against sessions of the open project under `rules` over `range`.
    pub fn discrepancy(&self, rules: &RulesInput, range: Option<&DayRange>) -> Result<DiscrepancyView, AppError> {
        let (rules, range) = (rules.rule_set()?, analysis::parse_range(range)?);
        self.shown_or_computed(&rules, range)
    }

    /// The `V` view of `rules` over `range`. Until the project's data is loaded, the view
    /// shown last is given back from the project when it is of the same rules, days and data
    /// (and this very build): a large project opens on its dashboard before its hits are read.
    /// Otherwise it comes from the loaded data and, while that is still the open project's
    /// data, is kept in the project as the one shown (unless it is kept already), stamped with
    /// the inputs read before that data.
    fn shown_or_computed<V: KeptView>(&self, rules: &RuleSet, range: Option<DateRange>) -> Result<V, AppError> {
        let kind = V::NAME;
        let key = build_identity().map(|build| format!("{kind} of {} over {range:?}; {build}", rules.hash()));
        if let Some(key) = &key {
            let guard = lock(&self.open);
            let open = guard.as_ref().ok_or_else(AppError::no_project)?;
            if open.data.is_none() {
                let kept = open.project.shown(kind, key)?;
                // A kept view this build cannot read is computed again.
                if let Some(view) = kept.and_then(|json| serde_json::from_str(&json).ok()) {
                    return Ok(view);
                }
            }
        }
        let data = self.loaded_data()?;
        let view = data.view::<V>(rules, range)?;
        // While an import writes, the project is not written to here (nor waited for).
        let importing = lock(&self.import).is_some();
        if let (Some(key), false) = (&key, importing) {
            let guard = lock(&self.open);
            // Only into the project the data is still the data of (not another one opened since).
            let open = guard.as_ref().filter(|o| o.data.as_ref().is_some_and(|d| Arc::ptr_eq(d, &data)));
            if let Some(open) = open.filter(|_| data.newly_shown(kind, key)) {
                let json = serde_json::to_string(&view).map_err(|e| AppError::new("internal", e.to_string()))?;
                // Not keeping it costs only the next opening's head start.
                let _ = open.project.keep_shown(kind, key, &data.inputs, &json);
            }
        }
        Ok(view)
    }

    /// Computes the `kind` view under each of `rules` over `range` in the background, so that a
    /// click to one of them redraws at once; returns at once (see [`crate::prefetch`]).
    pub fn prefetch(&self, rules: &[RulesInput], range: Option<&DayRange>, kind: ViewKind) -> Result<(), AppError> {
        let rules = rules.iter().map(RulesInput::rule_set).collect::<Result<Vec<_>, _>>()?;
        let range = analysis::parse_range(range)?;
        let data = Arc::downgrade(&self.loaded_data()?);
        self.prefetcher.request(Prefetch { data, kind, rules, range });
        Ok(())
    }

    /// The KPIs of several rule sets side by side (the first is the baseline), in total, by
    /// campaign and by day. Blocks while it sessionizes each: call it off the UI thread.
    pub fn compare(&self, rules: &[RulesInput], range: Option<&DayRange>) -> Result<CompareView, AppError> {
        let rule_sets = rules.iter().map(RulesInput::rule_set).collect::<Result<Vec<_>, _>>()?;
        analysis::compare(&*self.loaded_data()?, &rule_sets, analysis::parse_range(range)?)
    }

    /// Our sessions under `rules` against the platform's own over `range`, where the hits carry
    /// its session ids.
    pub fn fidelity(&self, rules: &RulesInput, range: Option<&DayRange>) -> Result<FidelityView, AppError> {
        let (rules, range) = (rules.rule_set()?, analysis::parse_range(range)?);
        let info = {
            let guard = lock(&self.open);
            guard.as_ref().ok_or_else(AppError::no_project)?.project.info()?
        };
        let platform = fidelity::platform_name(info.files.iter().map(|f| f.format.as_str()));
        analysis::fidelity_view(&*self.loaded_data()?, &rules, platform, range)
    }

    /// Writes the PDF report of the open project under `rules` over `range` to `path`.
    pub fn save_report(
        &self,
        rules: &RulesInput,
        range: Option<&DayRange>,
        settings: &ReportSettings,
        path: &Path,
    ) -> Result<SavedFile, AppError> {
        let (rules, range) = (rules.rule_set()?, analysis::parse_range(range)?);
        let data = self.loaded_data()?;
        let (info, name) = {
            let guard = lock(&self.open);
            let open = guard.as_ref().ok_or_else(AppError::no_project)?;
            (open.project.info()?, project_name(&open.path))
        };
        exports::save_report(&Subject { data: &data, rules: &rules, range }, &info, &name, settings, path)
    }

    /// Writes one table of the open project under `rules` over `range` to `path` as CSV.
    pub fn save_csv(
        &self,
        table: &CsvTable,
        rules: &RulesInput,
        range: Option<&DayRange>,
        path: &Path,
    ) -> Result<SavedFile, AppError> {
        // Sessions are stored in the project before they are written out.
        self.refuse_while_importing()?;
        let (rules, range) = (rules.rule_set()?, analysis::parse_range(range)?);
        let data = self.loaded_data()?;
        let mut guard = lock(&self.open);
        let open = guard.as_mut().ok_or_else(AppError::no_project)?;
        exports::save_csv(&Subject { data: &data, rules: &rules, range }, &mut open.project, table, path)
    }

    /// The open project's hits and ad data, read from the project on first use. The project's
    /// lock is held only while reading, never while computing.
    fn loaded_data(&self) -> Result<Arc<LoadedData>, AppError> {
        let mut guard = lock(&self.open);
        let open = guard.as_mut().ok_or_else(AppError::no_project)?;
        if let Some(data) = &open.data {
            return Ok(data.clone());
        }
        let data = Arc::new(LoadedData::load(&open.project)?);
        open.data = Some(data.clone());
        Ok(data)
    }

    fn refuse_while_importing(&self) -> Result<(), AppError> {
        match lock(&self.import).is_some() {
            true => Err(AppError::new(IMPORT_RUNNING, "an import is running; wait for it or cancel it first")),
            false => Ok(()),
        }
    }

    /// The clients in `folder`; the project open in this window is read through its connection.
    fn clients_in(&self, folder: &Path) -> Result<ClientsView, AppError> {
        let guard = lock(&self.open);
        clients::list(folder, |path| {
            let open = guard.as_ref().filter(|o| same_path(&o.path, path))?;
            let info = open.project.info().ok()?;
            Some(clients::client(path, &info, open.project.last_opened().ok().flatten()))
        })
    }

    fn clients_folder_file(&self) -> PathBuf {
        self.data_dir.join("clients-folder.json")
    }

    /// The clients folder chosen last; a missing or damaged file is none chosen.
    fn clients_folder(&self) -> Option<PathBuf> {
        std::fs::read(self.clients_folder_file()).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok())
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
        self.write_recent(&recent);
    }

    /// A project renamed keeps its place in the recent list under its new name.
    fn rename_recent(&self, from: &Path, to: &Path) {
        let mut recent = self.read_recent();
        let shown = from.display().to_string();
        let Some(entry) = recent.iter_mut().find(|r| r.path == shown) else { return };
        *entry = RecentProject { path: to.display().to_string(), name: project_name(to), exists: true };
        self.write_recent(&recent);
    }

    fn write_recent(&self, recent: &[RecentProject]) {
        if let Ok(json) = serde_json::to_vec_pretty(recent) {
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
pub(crate) fn project_name(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

/// The same file, whichever way the two paths were written (through a link, `..`).
fn same_path(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// A poisoned lock only means a command panicked while holding it; the data is still usable.
/// This build of the app, as the size and time of its executable: views it kept are read back
/// by this build only, as another may compute them otherwise. `None` if that cannot be known.
fn build_identity() -> Option<&'static str> {
    static IDENTITY: OnceLock<Option<String>> = OnceLock::new();
    IDENTITY
        .get_or_init(|| {
            let file = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
            let built = file.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
            Some(format!("build of {} bytes at {} ns", file.len(), built.as_nanos()))
        })
        .as_deref()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sessionlens_core::synth::{write_traffic_csv, TrafficSpec};

    use crate::error::NO_PROJECT;
    use crate::import_wizard::ColumnChoice;
    use crate::views::SavedViews;

    /// The hits of the demo's traffic file (every line but the header and the 3 broken rows).
    const DEMO_HITS: u64 = 9_815;

    struct Setup {
        dir: tempfile::TempDir,
        ws: Workspace,
    }

    fn setup() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::new(dir.path().join("data"), Startup::StartScreen);
        Setup { dir, ws }
    }

    /// Files imported as detected, with the default options.
    fn as_found(paths: &[PathBuf]) -> Vec<FileImportOptions> {
        paths.iter().map(|p| FileImportOptions { path: p.display().to_string(), ..Default::default() }).collect()
    }

    impl Setup {
        fn path(&self, name: &str) -> PathBuf {
            self.dir.path().join(name)
        }

        /// The demo's ad report written under `name`.
        fn demo_ads(&self, name: &str) -> PathBuf {
            let path = self.path(name);
            std::fs::write(&path, demo::DEMO_FILES[1].1).unwrap();
            path
        }

        /// The demo's traffic file ([`DEMO_HITS`] hits and 3 broken rows) written under `name`.
        fn demo_traffic(&self, name: &str) -> PathBuf {
            let path = self.path(name);
            std::fs::write(&path, demo::DEMO_FILES[0].1).unwrap();
            path
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_import_runs_below_the_windows_priority() {
        let thread_nice = || unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) };
        let s = setup();
        s.ws.open_project(&s.path("shop.sessionlens")).unwrap();
        let traffic = s.demo_traffic("traffic.csv");
        let (before, mut seen) = (thread_nice(), Vec::new());
        s.ws.import_files(&as_found(&[traffic]), |_| seen.push(thread_nice())).unwrap();
        assert!(!seen.is_empty() && seen.iter().all(|&nice| nice == (before + 10).min(19)), "{seen:?}");
        assert_eq!(thread_nice(), before, "the calling thread keeps its priority");
    }

    #[test]
    fn a_reopened_project_shows_its_last_view_before_its_hits_are_read() {
        let s = setup();
        let path = s.path("shop.sessionlens");
        s.ws.open_project(&path).unwrap();
        s.ws.import_files(&as_found(&[s.demo_traffic("traffic.csv"), s.demo_ads("ads.csv")]), |_| {}).unwrap();
        let ga4 = RulesInput { preset: "ga4".into(), ..RulesInput::default() };
        let shown = s.ws.dashboard(&ga4, None).unwrap();
        let reopen = || {
            let ws = Workspace::new(s.path("data"), Startup::StartScreen);
            ws.open_project(&path).unwrap();
            ws
        };
        let loaded = |ws: &Workspace| lock(&ws.open).as_ref().unwrap().data.is_some();
        let json = |view: &DashboardView| serde_json::to_value(view).unwrap();

        let ws = reopen();
        let again = ws.dashboard(&ga4, None).unwrap();
        assert!(!loaded(&ws), "the kept dashboard is drawn without reading the hits");
        assert_eq!(json(&again), json(&shown));
        let ua = RulesInput { preset: "ua".into(), ..RulesInput::default() };
        assert_ne!(json(&ws.dashboard(&ua, None).unwrap()), json(&shown), "other rules are computed");
        assert!(loaded(&ws));
        drop(ws);

        // The data analysed changes (here by a campaign mapping): the kept view is not used.
        let ws = reopen();
        ws.dashboard(&ua, None).unwrap();
        assert!(!loaded(&ws), "the last view shown, whatever its rules");
        ws.map_campaign(&CampaignMapping {
            platform: String::new(),
            ad_campaign: "Brand".into(),
            utm_campaign: "brand".into(),
        })
        .unwrap();
        drop(ws);
        let ws = reopen();
        ws.dashboard(&ua, None).unwrap();
        assert!(loaded(&ws), "computed again after the mapping");
    }

    #[test]
    fn import_reports_each_file_and_progress_that_ends_full() {
        let s = setup();
        s.ws.open_project(&s.path("shop.sessionlens")).unwrap();
        let traffic = s.demo_traffic("traffic.csv");
        let copy = s.demo_traffic("copy.csv");
        let missing = s.path("missing.csv");
        let mut progress = Vec::new();
        let summary = s.ws.import_files(&as_found(&[traffic, copy, missing]), |p| progress.push(p)).unwrap();

        assert!(!summary.cancelled);
        let [first, second, third] = &summary.files[..] else { panic!("{:?}", summary.files) };
        let imported = first.imported.as_ref().unwrap();
        assert_eq!((imported.rows_imported, imported.rows_rejected, imported.kind.as_str()), (DEMO_HITS, 3, "traffic"));
        assert_eq!(second.error.as_ref().unwrap().code, "duplicate_file");
        assert_eq!(second.name, "copy.csv");
        assert_eq!(third.error.as_ref().unwrap().code, "io");
        assert_eq!(summary.project.info.hits, DEMO_HITS as i64);
        assert_eq!(summary.project.info.files.len(), 1);
        let listed = &summary.project.info.files[0];
        assert_eq!((listed.format.as_str(), listed.format_name.as_str()), ("csv", "CSV/TSV traffic export"));
        assert_eq!(imported.format_name, listed.format_name);

        // Each file starts at zero; the first ends with all its bytes read.
        let first_file: Vec<_> = progress.iter().filter(|p| p.file_index == 0).collect();
        assert_eq!((first_file[0].rows, first_file[0].bytes_read), (0, 0));
        let last = first_file.last().unwrap();
        assert_eq!((last.file_count, last.file_name.as_str()), (3, "traffic.csv"));
        assert!(last.bytes_total > 0 && last.bytes_read == last.bytes_total, "{last:?}");
        assert!(progress.iter().any(|p| p.file_index == 2));
    }

    #[test]
    fn each_file_imports_under_its_own_options_and_bad_options_fail_only_that_file() {
        let s = setup();
        s.ws.open_project(&s.path("shop.sessionlens")).unwrap();
        let odd = s.path("odd.csv");
        std::fs::write(&odd, "when,who,page\n03/04/2024 11:00,v1,/a\n05/04/2024 11:00,v2,/b\n").unwrap();
        let chosen = FileImportOptions {
            path: odd.display().to_string(),
            format: Some("csv".into()),
            mapping: vec![ColumnChoice { field: "timestamp".into(), column: Some("when".into()) }],
            time_zone: Some("Europe/Berlin".into()),
            date_order: Some(sessionlens_core::import::DateOrder::DayFirst),
            ..Default::default()
        };
        let previews = s.ws.preview_import(std::slice::from_ref(&chosen)).unwrap();
        assert!(previews[0].error.is_none(), "{:?}", previews[0].error);
        assert_eq!(previews[0].table.rows[0][0], "2024-04-03 09:00:00");

        let bad_zone = FileImportOptions {
            time_zone: Some("Mars/Olympus".into()),
            ..as_found(&[s.demo_traffic("t.csv")])[0].clone()
        };
        let summary = s.ws.import_files(&[bad_zone, chosen], |_| {}).unwrap();
        assert_eq!(summary.files[0].error.as_ref().unwrap().code, "invalid_input");
        let imported = summary.files[1].imported.as_ref().unwrap();
        assert_eq!((imported.rows_imported, imported.time_zone.as_deref()), (2, Some("Europe/Berlin")));
        // 3 April 11:00 in Berlin (day first, as chosen).
        assert_eq!(summary.project.info.first_hit_ms, Some(1_712_134_800_000));
    }

    #[test]
    fn a_preview_warns_when_a_file_is_for_another_site_or_far_from_the_projects_days() {
        let s = setup();
        let old_log = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/access-logs/basjes-hackers-access.log");
        let other_site = s.path("other-site.csv");
        std::fs::write(&other_site, "timestamp,client_id,url\n2026-11-05T10:00:00Z,a,https://www.example.org/\n")
            .unwrap();
        let files = as_found(&[PathBuf::from(old_log), other_site, s.demo_ads("ads.csv")]);
        let no_project = s.ws.preview_import(&files).unwrap();
        assert!(no_project.iter().all(|p| p.warnings.is_empty()), "without a project there is nothing to fit");

        s.ws.open_project(&s.path("shop.sessionlens")).unwrap();
        s.ws.import_files(&as_found(&[s.demo_traffic("traffic.csv")]), |_| {}).unwrap();
        let [old, other, ads] = &s.ws.preview_import(&files).unwrap()[..] else { panic!() };
        assert_eq!(
            old.warnings,
            ["This file starts in Oct 2015; the project's data covers Nov – Dec 2026: nothing will line up."]
        );
        assert_eq!(
            other.warnings,
            ["This file's traffic is for www.example.org; the project's traffic is for shop.example. \
              Check that it is the site you meant."]
        );
        assert!(ads.warnings.is_empty(), "{:?}", ads.warnings);
        assert_eq!(ads.format_name.as_deref(), Some("Google Ads report"));
    }

    #[test]
    fn deleting_a_files_data_refreshes_the_project_and_drops_the_loaded_analysis_data() {
        let s = setup();
        s.ws.open_project(&s.path("shop.sessionlens")).unwrap();
        let ads = FileImportOptions { path: s.demo_ads("ads.csv").display().to_string(), ..Default::default() };
        let summary = s.ws.import_files(&[as_found(&[s.demo_traffic("traffic.csv")])[0].clone(), ads], |_| {}).unwrap();
        let traffic_id = summary.project.info.files.iter().find(|f| f.kind == "traffic").unwrap().id;
        let rules = RulesInput { preset: "ga4".into(), ..Default::default() };
        assert!(s.ws.dashboard(&rules, None).unwrap().kpis.sessions > 0);

        let deleted = s.ws.delete_file(traffic_id).unwrap();
        assert_eq!(
            (deleted.name.as_str(), deleted.rows_removed, deleted.rejects_removed),
            ("traffic.csv", DEMO_HITS, 3)
        );
        let info = &deleted.project.info;
        assert_eq!((info.hits, info.rejects, info.files.len()), (0, 0, 1));
        assert_eq!(s.ws.list_rejects(0, 10).unwrap().total, 0);
        assert_eq!(s.ws.dashboard(&rules, None).unwrap().kpis.sessions, 0, "the analysis reads the project again");

        assert_eq!(s.ws.delete_file(traffic_id).unwrap_err().code, "invalid_input");
        s.ws.close_project().unwrap();
        assert_eq!(s.ws.delete_file(traffic_id).unwrap_err().code, NO_PROJECT);
    }

    #[test]
    fn mapping_an_unmatched_campaign_stores_it_and_the_next_discrepancy_uses_it() {
        let s = setup();
        s.ws.open_project(&s.path("shop.sessionlens")).unwrap();
        // The demo's ad report with its brand campaign renamed, so it matches no utm_campaign.
        let renamed = s.path("renamed-campaign.csv");
        let report = String::from_utf8_lossy(demo::DEMO_FILES[1].1).replace("Brand - Exact", "Brand 2025");
        std::fs::write(&renamed, report).unwrap();
        s.ws.import_files(&as_found(&[s.demo_traffic("traffic.csv"), renamed]), |_| {}).unwrap();
        let rules = RulesInput { preset: "ga4".into(), ..Default::default() };
        let before = s.ws.discrepancy(&rules, None).unwrap();
        let unmatched: Vec<_> = before.unmatched.iter().map(|u| (u.platform.as_str(), u.campaign.as_str())).collect();
        assert_eq!(unmatched, [("google_ads", "Brand 2025")]);

        let mapping = CampaignMapping {
            platform: "google_ads".into(),
            ad_campaign: "Brand 2025".into(),
            utm_campaign: " brand_exact ".into(),
        };
        s.ws.map_campaign(&mapping).unwrap();
        let stored = lock(&s.ws.open).as_ref().unwrap().project.load_ads().unwrap().mappings;
        assert_eq!(stored, [CampaignMapping { utm_campaign: "brand_exact".into(), ..mapping.clone() }]);
        let after = s.ws.discrepancy(&rules, None).unwrap();
        assert!(after.unmatched.is_empty(), "the cached analysis data was dropped: {:?}", after.unmatched);
        let line = after.campaigns.iter().find(|c| c.campaign == "Brand 2025").unwrap();
        assert!(line.sessions > 0, "its clicks now meet brand_exact's sessions");

        let blank = CampaignMapping { utm_campaign: " ".into(), ..mapping.clone() };
        assert_eq!(s.ws.map_campaign(&blank).unwrap_err().code, "invalid_input");
        s.ws.close_project().unwrap();
        assert_eq!(s.ws.map_campaign(&mapping).unwrap_err().code, NO_PROJECT);
    }

    fn view(preset: &str, changes: &[(&str, &str)], range: Option<(&str, &str)>, tab: Option<&str>) -> ViewState {
        ViewState {
            rules: RulesInput {
                preset: preset.into(),
                changes: changes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            },
            range: range.map(|(from, to)| DayRange { from: from.into(), to: to.into() }),
            tab: tab.map(str::to_string),
        }
    }

    #[test]
    fn the_view_shown_and_named_views_are_kept_in_the_project_and_come_back_when_it_opens() {
        let s = setup();
        let path = s.path("acme.sessionlens");
        s.ws.open_project(&path).unwrap();
        assert_eq!(s.ws.saved_views().unwrap(), SavedViews { last: None, named: vec![] });
        let ua = view("ua", &[("timeout", "1h")], Some(("2026-11-01", "2026-11-14")), Some("compare"));
        s.ws.remember_view(&ua).unwrap();
        let named = s.ws.save_named_view(" UA legacy ", &ua).unwrap();
        assert_eq!((named[0].name.as_str(), &named[0].view), ("UA legacy", &ViewState { tab: None, ..ua.clone() }));
        s.ws.save_named_view("GA4 as configured", &view("ga4", &[], None, None)).unwrap();
        s.ws.close_project().unwrap();

        s.ws.open_project(&path).unwrap();
        let saved = s.ws.saved_views().unwrap();
        assert_eq!(saved.last, Some(ua.clone()));
        let names: Vec<_> = saved.named.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["GA4 as configured", "UA legacy"]);
        let left = s.ws.delete_named_view("ua legacy").unwrap();
        assert_eq!(left.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["GA4 as configured"]);

        // Views are checked before they are kept, and one this build cannot compute is left out.
        let refused = |e: AppError| (e.code, e.message);
        let (code, message) =
            refused(s.ws.remember_view(&view("ga4", &[("bounce", "sometimes")], None, None)).unwrap_err());
        assert!(code == "invalid_input" && message.contains("sometimes"), "{message}");
        assert_eq!(s.ws.remember_view(&view("ga4", &[], None, Some("settings"))).unwrap_err().code, "invalid_input");
        let backwards = view("ga4", &[], Some(("2026-11-14", "2026-11-01")), None);
        assert_eq!(s.ws.save_named_view("Backwards", &backwards).unwrap_err().code, "invalid_input");
        assert_eq!(s.ws.save_named_view("  ", &ua).unwrap_err().code, "invalid_input");
        let other = Project::open(&path).unwrap();
        other.set_last_view(r#"{"rules":{"preset":"gone","changes":{}},"range":null,"tab":"dashboard"}"#).unwrap();
        other
            .save_named_view("Gone", r#"{"rules":{"preset":"ga4","changes":{"no-such-rule":"on"}},"range":null}"#)
            .unwrap();
        let saved = s.ws.saved_views().unwrap();
        assert_eq!((saved.last, saved.named.len()), (None, 1));

        s.ws.close_project().unwrap();
        assert_eq!(s.ws.saved_views().unwrap_err().code, NO_PROJECT);
        assert_eq!(s.ws.remember_view(&ua).unwrap_err().code, NO_PROJECT);
    }

    #[test]
    fn a_view_shown_while_an_import_holds_the_project_is_kept_when_it_is_done() {
        let s = setup();
        s.ws.open_project(&s.path("shop.sessionlens")).unwrap();
        let shown = view("ua", &[], None, Some("dashboard"));
        let mut answers = Vec::new();
        s.ws.import_files(&as_found(&[s.demo_traffic("t.csv")]), |_| {
            if answers.is_empty() {
                answers.push(s.ws.remember_view(&shown).map_err(|e| e.code));
                answers.push(s.ws.save_named_view("UA", &shown).map(|_| ()).map_err(|e| e.code));
            }
        })
        .unwrap();
        assert_eq!(answers, [Ok(()), Err(IMPORT_RUNNING.to_string())]);
        assert_eq!(s.ws.saved_views().unwrap().last, Some(shown));
    }

    #[test]
    fn the_clients_folder_lists_its_projects_with_their_days_sources_and_last_opening_and_is_remembered() {
        let s = setup();
        assert!(s.ws.list_clients(None).unwrap().is_none(), "no folder chosen yet");
        let folder = s.path("clients");
        std::fs::create_dir_all(folder.join("archive")).unwrap();
        drop(Project::open(folder.join("archive/old.sessionlens")).unwrap());
        drop(Project::open(folder.join("globex.sessionlens")).unwrap());
        std::fs::write(folder.join("notes.SessionLens"), "notes, not a project\n".repeat(100)).unwrap();
        std::fs::write(folder.join("readme.txt"), "one project per client").unwrap();
        s.ws.open_project(&folder.join("Acme.sessionlens")).unwrap();
        let ads = FileImportOptions { path: s.demo_ads("ads.csv").display().to_string(), ..Default::default() };
        s.ws.import_files(&[as_found(&[s.demo_traffic("traffic.csv")])[0].clone(), ads], |_| {}).unwrap();

        let listed = s.ws.list_clients(Some(&folder)).unwrap().unwrap();
        assert_eq!(listed.folder, folder.display().to_string());
        let names: Vec<_> = listed.clients.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Acme", "globex", "notes"], "projects of the folder only, by name");
        let acme = &listed.clients[0];
        assert_eq!((acme.first_day.as_deref(), acme.last_day.as_deref()), (Some("2026-11-01"), Some("2026-12-01")));
        assert_eq!(
            (acme.sources.as_slice(), acme.files),
            (&["CSV/TSV traffic export".to_string(), "Google Ads report".into()][..], 2)
        );
        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
        assert!(acme.last_opened.as_ref().is_some_and(|t| t.starts_with(&today)), "{:?}", acme.last_opened);
        let globex = &listed.clients[1];
        assert_eq!((globex.first_day.as_ref(), globex.last_opened.as_ref(), globex.files), (None, None, 0));
        assert!(globex.error.is_none() && globex.sources.is_empty());
        assert_eq!(listed.clients[2].error.as_ref().unwrap().code, "not_a_project");

        // The folder is remembered in the app's data folder.
        s.ws.close_project().unwrap();
        let later = Workspace::new(s.path("data"), Startup::StartScreen);
        assert_eq!(later.list_clients(None).unwrap().unwrap().clients.len(), 3);
        assert_eq!(later.list_clients(Some(&s.path("gone"))).unwrap_err().code, "io");
        assert_eq!(
            later.list_clients(None).unwrap().unwrap().folder,
            folder.display().to_string(),
            "still the last that listed"
        );
    }

    #[test]
    fn renaming_a_client_refuses_to_overwrite_and_reopens_the_project_open_under_its_new_name() {
        let s = setup();
        let folder = s.path("clients");
        std::fs::create_dir_all(&folder).unwrap();
        let (acme, globex) = (folder.join("acme.sessionlens"), folder.join("Globex.sessionlens"));
        drop(Project::open(&globex).unwrap());
        s.ws.open_project(&acme).unwrap();
        s.ws.import_files(&as_found(&[s.demo_traffic("traffic.csv")]), |_| {}).unwrap();

        let taken = s.ws.rename_client(&acme, "Globex").unwrap_err();
        assert!(
            taken.code == "invalid_input" && taken.message.contains("Globex.sessionlens is already there"),
            "{taken}"
        );
        assert_eq!(s.ws.project_info().unwrap().path, acme.display().to_string(), "still open as it was");
        assert_eq!(s.ws.rename_client(&acme, "a/b").unwrap_err().code, "invalid_input");

        let listed = s.ws.rename_client(&acme, " Acme Corp ").unwrap();
        let names: Vec<_> = listed.clients.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Acme Corp", "Globex"]);
        let open = s.ws.project_info().unwrap();
        assert_eq!((open.name.as_str(), open.info.hits), ("Acme Corp", DEMO_HITS as i64), "open under its new name");
        assert_eq!(s.ws.recent_projects()[0].name, "Acme Corp");
        let mut files: Vec<_> =
            std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        files.sort();
        assert!(files.iter().all(|f| !f.starts_with("acme")), "nothing left under the old name: {files:?}");

        // A client that is not open is renamed as a file.
        s.ws.rename_client(&globex, "Initech").unwrap();
        assert!(folder.join("Initech.sessionlens").is_file() && !globex.exists());
    }

    #[test]
    fn a_clients_views_and_campaign_mappings_copy_to_another_client() {
        let s = setup();
        let (acme, globex) = (s.path("Acme.sessionlens"), s.path("Globex.sessionlens"));
        let source = Project::open(&acme).unwrap();
        source.save_named_view("UA legacy", &view("ua", &[], None, None).to_json()).unwrap();
        let mapping = CampaignMapping {
            platform: "google_ads".into(),
            ad_campaign: "Brand 2025".into(),
            utm_campaign: "brand_exact".into(),
        };
        source.add_campaign_mapping(&mapping).unwrap();
        drop(source);
        s.ws.open_project(&globex).unwrap();
        let rules = RulesInput { preset: "ga4".into(), ..Default::default() };
        s.ws.dashboard(&rules, None).unwrap();

        let copied = s.ws.copy_client_settings(&acme, &globex).unwrap();
        assert_eq!((copied.last_view, copied.named_views, copied.mappings_added), (false, 1, 1));
        assert_eq!(s.ws.saved_views().unwrap().named[0].name, "UA legacy");
        let guard = lock(&s.ws.open);
        let open = guard.as_ref().unwrap();
        assert_eq!(open.project.campaign_mappings().unwrap(), [mapping]);
        assert!(open.data.is_none(), "the analysis reads the mappings again");
        drop(guard);

        assert_eq!(s.ws.copy_client_settings(&globex, &acme).unwrap().named_views, 1, "from the open one too");
        assert_eq!(s.ws.copy_client_settings(&globex, &globex).unwrap_err().code, "invalid_input");
        assert_eq!(s.ws.copy_client_settings(&acme, &s.path("gone.sessionlens")).unwrap_err().code, "io");
        assert!(!s.path("gone.sessionlens").exists());
    }

    #[test]
    fn cancel_rolls_back_the_file_and_skips_the_rest() {
        let s = setup();
        s.ws.open_project(&s.path("shop.sessionlens")).unwrap();
        let big = s.path("big.csv");
        write_traffic_csv(&TrafficSpec::new(50_000, 7), std::fs::File::create(&big).unwrap()).unwrap();
        let next = s.demo_traffic("next.csv");
        let summary = s.ws.import_files(&as_found(&[big, next]), |_| s.ws.cancel_import()).unwrap();

        assert!(summary.cancelled);
        assert_eq!(summary.files.len(), 1, "the file after the cancelled one is not tried");
        assert_eq!(summary.files[0].error.as_ref().unwrap().code, "cancelled");
        assert_eq!(summary.project.info.files.len(), 0);
        // The switch is reset: the next import runs.
        let again = s.ws.import_files(&as_found(&[s.demo_traffic("again.csv")]), |_| {}).unwrap();
        assert!(again.files[0].imported.is_some());
    }

    #[test]
    fn opening_or_importing_while_an_import_runs_is_refused() {
        let s = setup();
        s.ws.open_project(&s.path("shop.sessionlens")).unwrap();
        let mut refusals = Vec::new();
        s.ws.import_files(&as_found(&[s.demo_traffic("t.csv")]), |_| {
            if refusals.is_empty() {
                refusals.push(s.ws.open_demo_project().unwrap_err().code);
                refusals.push(s.ws.close_project().unwrap_err().code);
                refusals.push(s.ws.import_files(&[], |_| {}).unwrap_err().code);
                refusals.push(s.ws.delete_file(1).unwrap_err().code);
            }
        })
        .unwrap();
        assert_eq!(refusals, [IMPORT_RUNNING; 4]);
    }

    #[test]
    fn rejects_come_in_pages_and_export_as_spreadsheet_safe_csv() {
        let s = setup();
        s.ws.open_project(&s.path("shop.sessionlens")).unwrap();
        s.ws.import_files(&as_found(&[s.demo_traffic("traffic.csv")]), |_| {}).unwrap();

        let page = s.ws.list_rejects(1, 1).unwrap();
        assert_eq!((page.total, page.offset, page.rows.len()), (3, 1, 1));
        // The broken rows follow the hits and the header: the second is on line DEMO_HITS + 3.
        assert_eq!((page.rows[0].file.as_str(), page.rows[0].line), ("traffic.csv", DEMO_HITS as i64 + 3));
        assert!(page.rows[0].raw.starts_with("yesterday,"));
        assert_eq!(s.ws.list_rejects(0, 10_000).unwrap().rows.len(), 3);

        let out = s.path("rejects.csv");
        assert_eq!(s.ws.export_rejects(&out).unwrap(), 3);
        let text = std::fs::read_to_string(&out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "\u{feff}file,line,reason,raw");
        assert_eq!(lines.len(), 4);
        assert!(lines[3].contains(",\"'=HYPERLINK(\"\"http://evil.example\"\")"), "{}", lines[3]);
    }

    #[test]
    fn recent_projects_are_most_recent_first_and_flag_missing_files() {
        let s = setup();
        assert!(s.ws.recent_projects().is_empty());
        s.ws.open_project(&s.path("a.sessionlens")).unwrap();
        s.ws.open_project(&s.path("b.sessionlens")).unwrap();
        s.ws.open_project(&s.path("a.sessionlens")).unwrap();
        s.ws.open_demo_project().unwrap();
        let names: Vec<_> = s.ws.recent_projects().into_iter().map(|r| (r.name, r.exists)).collect();
        assert_eq!(names, [("a".to_string(), true), ("b".to_string(), true)]);

        s.ws.close_project().unwrap();
        std::fs::remove_file(s.path("b.sessionlens")).unwrap();
        let b = &s.ws.recent_projects()[1];
        assert_eq!((b.name.as_str(), b.exists), ("b", false));
    }

    #[test]
    fn startup_opens_the_command_line_project_once_and_then_the_open_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cli.sessionlens");
        let ws = Workspace::new(dir.path().join("data"), Startup::Project(path.clone()));
        assert_eq!(ws.startup_project().unwrap().unwrap().name, "cli");
        assert!(path.exists());
        ws.close_project().unwrap();
        assert!(ws.startup_project().unwrap().is_none());
        let demo = ws.open_demo_project().unwrap();
        assert!(demo.is_demo);
        assert_eq!(ws.startup_project().unwrap().unwrap().path, demo.path);
    }

    #[test]
    fn startup_with_demo_opens_the_demo_project() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::new(dir.path().join("data"), Startup::Demo);
        let shown = ws.startup_project().unwrap().unwrap();
        assert!(shown.is_demo);
        assert!(shown.info.hits > 0);
    }

    #[test]
    fn supported_formats_list_traffic_and_ads_once_each() {
        let formats = setup().ws.supported_formats();
        let csv = formats.iter().find(|f| f.id == "csv").unwrap();
        assert_eq!((csv.kind.as_str(), csv.name.as_str()), ("traffic", "CSV/TSV traffic export"));
        assert!(formats.iter().any(|f| f.kind == "ads"), "{formats:?}");
        let mut ids: Vec<_> = formats.iter().map(|f| f.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), formats.len());
    }

    #[test]
    fn errors_carry_the_codes_the_ui_branches_on() {
        let s = setup();
        assert_eq!(s.ws.project_info().unwrap_err().code, NO_PROJECT);
        assert_eq!(s.ws.list_rejects(0, 10).unwrap_err().code, NO_PROJECT);
        assert_eq!(s.ws.import_files(&[], |_| {}).unwrap_err().code, NO_PROJECT);
        let text = s.path("notes.sessionlens");
        std::fs::write(&text, "these are notes, not a database\n".repeat(100)).unwrap();
        let error = s.ws.open_project(&text).unwrap_err();
        assert_eq!(error.code, "not_a_project");
        assert!(error.message.contains("notes.sessionlens"), "{}", error.message);
    }
}
