//! The commands the UI calls. Each is thin: it takes the state and arguments, calls the
//! [`Workspace`], and maps errors to [`AppError`]. Work that can take long (opening the demo
//! for the first time, importing) runs on a blocking thread, never on the UI thread.
//!
//! Every command here must also be listed in `build.rs` (which generates its permission) and
//! allowed in `capabilities/default.json`.

use std::path::PathBuf;

use sessionlens_core::store::ads::CampaignMapping;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use crate::analysis::{
    CompareView, DashboardView, DayRange, DiscrepancyView, FidelityView, RuleChoices, RulesInput, ViewKind,
};
use crate::clients::{ClientsView, SettingsCopied};
use crate::dto::{FileDeleted, FormatInfo, ImportProgress, ImportSummary, ProjectView, RecentProject, RejectsPage};
use crate::error::AppError;
use crate::exports::{self, ChartFormat, CsvTable, ReportSettings, SavedFile};
use crate::import_wizard::{FileImportOptions, ImportPreview};
use crate::views::{NamedView, SavedViews, ViewState};
use crate::workspace::Workspace;

/// Run `work` on the blocking pool with the app's [`Workspace`].
async fn blocking<T: Send + 'static>(
    app: AppHandle,
    work: impl FnOnce(&Workspace) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(move || work(&app.state::<Workspace>()))
        .await
        .map_err(|e| AppError::new("internal", format!("background task failed: {e}")))?
}

#[tauri::command]
pub async fn startup_project(app: AppHandle) -> Result<Option<ProjectView>, AppError> {
    blocking(app, |ws| ws.startup_project()).await
}

#[tauri::command]
pub async fn open_project(app: AppHandle, path: PathBuf) -> Result<ProjectView, AppError> {
    blocking(app, move |ws| ws.open_project(&path)).await
}

#[tauri::command]
pub async fn open_demo_project(app: AppHandle) -> Result<ProjectView, AppError> {
    blocking(app, |ws| ws.open_demo_project()).await
}

#[tauri::command]
pub fn close_project(state: State<'_, Workspace>) -> Result<(), AppError> {
    state.close_project()
}

#[tauri::command]
pub async fn project_info(app: AppHandle) -> Result<ProjectView, AppError> {
    blocking(app, |ws| ws.project_info()).await
}

/// What each file would import as under the user's choices (format, first rows, mapping), and
/// how it fits the open project.
#[tauri::command]
pub async fn preview_import(app: AppHandle, files: Vec<FileImportOptions>) -> Result<Vec<ImportPreview>, AppError> {
    blocking(app, move |ws| ws.preview_import(&files)).await
}

/// Import `files`, each under its own options, into the open project; progress arrives on
/// `on_progress`.
#[tauri::command]
pub async fn import_files(
    app: AppHandle,
    files: Vec<FileImportOptions>,
    on_progress: Channel<ImportProgress>,
) -> Result<ImportSummary, AppError> {
    blocking(app, move |ws| {
        ws.import_files(&files, |progress| {
            // The window may have closed; the import goes on and its result is kept.
            let _ = on_progress.send(progress);
        })
    })
    .await
}

/// Remove one imported file's data from the open project (asked for after a confirmation).
#[tauri::command]
pub async fn delete_file(app: AppHandle, file_id: i64) -> Result<FileDeleted, AppError> {
    blocking(app, move |ws| ws.delete_file(file_id)).await
}

/// Store in the open project that the ad campaign `ad_campaign` of `platform` (empty: any)
/// stands for `utm_campaign`; the analysis screens read the project again afterwards.
#[tauri::command]
pub async fn map_campaign(
    app: AppHandle,
    platform: String,
    ad_campaign: String,
    utm_campaign: String,
) -> Result<(), AppError> {
    blocking(app, move |ws| ws.map_campaign(&CampaignMapping { platform, ad_campaign, utm_campaign })).await
}

/// The open project's view last shown (to restore) and its named views.
#[tauri::command]
pub async fn saved_views(app: AppHandle) -> Result<SavedViews, AppError> {
    blocking(app, |ws| ws.saved_views()).await
}

/// Keep the rules, days and tab shown in the open project, to show them when it opens again.
#[tauri::command]
pub async fn remember_view(app: AppHandle, view: ViewState) -> Result<(), AppError> {
    blocking(app, move |ws| ws.remember_view(&view)).await
}

/// Save the rules and days of `view` under `name` in the open project; returns the named views.
#[tauri::command]
pub async fn save_named_view(app: AppHandle, name: String, view: ViewState) -> Result<Vec<NamedView>, AppError> {
    blocking(app, move |ws| ws.save_named_view(&name, &view)).await
}

/// Delete the open project's view named `name`; returns the named views left.
#[tauri::command]
pub async fn delete_named_view(app: AppHandle, name: String) -> Result<Vec<NamedView>, AppError> {
    blocking(app, move |ws| ws.delete_named_view(&name)).await
}

/// The clients (projects) in `folder`, which is remembered; without one, those of the folder
/// remembered (`null` when none was chosen yet).
#[tauri::command]
pub async fn list_clients(app: AppHandle, folder: Option<PathBuf>) -> Result<Option<ClientsView>, AppError> {
    blocking(app, move |ws| ws.list_clients(folder.as_deref())).await
}

/// Rename the client project at `path` to `name` (never overwriting a file); returns its folder's clients.
#[tauri::command]
pub async fn rename_client(app: AppHandle, path: PathBuf, name: String) -> Result<ClientsView, AppError> {
    blocking(app, move |ws| ws.rename_client(&path, &name)).await
}

/// Copy the saved views and campaign mappings of the project at `from` into the one at `to`.
#[tauri::command]
pub async fn copy_client_settings(app: AppHandle, from: PathBuf, to: PathBuf) -> Result<SettingsCopied, AppError> {
    blocking(app, move |ws| ws.copy_client_settings(&from, &to)).await
}

#[tauri::command]
pub fn cancel_import(state: State<'_, Workspace>) {
    state.cancel_import();
}

#[tauri::command]
pub async fn list_rejects(app: AppHandle, offset: u64, limit: u64) -> Result<RejectsPage, AppError> {
    blocking(app, move |ws| ws.list_rejects(offset, limit)).await
}

/// Write all rejected rows to `path` (chosen by the user in a save dialog); returns how many.
#[tauri::command]
pub async fn export_rejects(app: AppHandle, path: PathBuf) -> Result<u64, AppError> {
    blocking(app, move |ws| ws.export_rejects(&path)).await
}

#[tauri::command]
pub fn recent_projects(state: State<'_, Workspace>) -> Vec<RecentProject> {
    state.recent_projects()
}

#[tauri::command]
pub fn supported_formats(state: State<'_, Workspace>) -> Vec<FormatInfo> {
    state.supported_formats()
}

#[tauri::command]
pub fn rule_choices(state: State<'_, Workspace>) -> Result<RuleChoices, AppError> {
    state.rule_choices()
}

/// The dashboard under `rules` over `range` (every day with data when null). Sessionizes on a
/// blocking thread; the hits are read from the project only the first time.
#[tauri::command]
pub async fn dashboard(app: AppHandle, rules: RulesInput, range: Option<DayRange>) -> Result<DashboardView, AppError> {
    blocking(app, move |ws| ws.dashboard(&rules, range.as_ref())).await
}

#[tauri::command]
pub async fn discrepancy(
    app: AppHandle,
    rules: RulesInput,
    range: Option<DayRange>,
) -> Result<DiscrepancyView, AppError> {
    blocking(app, move |ws| ws.discrepancy(&rules, range.as_ref())).await
}

/// Computes the `view` of each of `rules` over `range` in the background, for the next click.
#[tauri::command]
pub async fn prefetch(
    app: AppHandle,
    rules: Vec<RulesInput>,
    range: Option<DayRange>,
    view: ViewKind,
) -> Result<(), AppError> {
    blocking(app, move |ws| ws.prefetch(&rules, range.as_ref(), view)).await
}

/// The KPIs of each of `rules` over `range`, in total, by campaign and by day; the first is the
/// one the others are measured against.
#[tauri::command]
pub async fn compare_rules(
    app: AppHandle,
    rules: Vec<RulesInput>,
    range: Option<DayRange>,
) -> Result<CompareView, AppError> {
    blocking(app, move |ws| ws.compare(&rules, range.as_ref())).await
}

/// Our sessions under `rules` against the platform's own (GA4, UA or Snowplow session ids in
/// the hits) over `range` (every day with data when null).
#[tauri::command]
pub async fn fidelity(app: AppHandle, rules: RulesInput, range: Option<DayRange>) -> Result<FidelityView, AppError> {
    blocking(app, move |ws| ws.fidelity(&rules, range.as_ref())).await
}

/// Write the PDF report under `rules` over `range` to `path` (chosen in a save dialog).
#[tauri::command]
pub async fn save_report(
    app: AppHandle,
    rules: RulesInput,
    range: Option<DayRange>,
    settings: ReportSettings,
    path: PathBuf,
) -> Result<SavedFile, AppError> {
    blocking(app, move |ws| ws.save_report(&rules, range.as_ref(), &settings, &path)).await
}

/// Write one table as CSV to `path` (chosen in a save dialog).
#[tauri::command]
pub async fn save_csv(
    app: AppHandle,
    table: CsvTable,
    rules: RulesInput,
    range: Option<DayRange>,
    path: PathBuf,
) -> Result<SavedFile, AppError> {
    blocking(app, move |ws| ws.save_csv(&table, &rules, range.as_ref(), &path)).await
}

/// Write a chart the UI shows (its SVG document) to `path` as SVG or PNG.
#[tauri::command]
pub async fn save_chart(svg: String, format: ChartFormat, path: PathBuf) -> Result<SavedFile, AppError> {
    tauri::async_runtime::spawn_blocking(move || exports::save_chart(&svg, format, &path))
        .await
        .map_err(|e| AppError::new("internal", format!("background task failed: {e}")))?
}
