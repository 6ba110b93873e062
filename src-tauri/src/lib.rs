//! The SessionLens desktop app: a Tauri shell over `sessionlens_core`. The UI (in `ui/`) calls
//! the commands in [`commands`]; they forward to the [`workspace::Workspace`], which holds the
//! open project. No analytics logic lives here.
//!
//! `sessionlens-app PROJECT.sessionlens` opens that project at start; without one the start
//! screen offers recent projects and the bundled demo.

pub mod analysis;
mod commands;
mod demo;
pub mod dto;
pub mod error;
pub mod workspace;

use std::path::PathBuf;

use tauri::Manager;

use crate::workspace::Workspace;

pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .setup(|app| {
            let data_dir = app.path().app_data_dir()?;
            std::fs::create_dir_all(&data_dir)?;
            app.manage(Workspace::new(data_dir, project_from_args(std::env::args_os().skip(1))));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::startup_project,
            commands::open_project,
            commands::open_demo_project,
            commands::close_project,
            commands::project_info,
            commands::import_files,
            commands::cancel_import,
            commands::list_rejects,
            commands::export_rejects,
            commands::recent_projects,
            commands::supported_formats,
            commands::rule_choices,
            commands::dashboard,
            commands::discrepancy,
            commands::compare_rules,
        ])
        .run(tauri::generate_context!())
        .expect("SessionLens could not start");
}

/// The first argument that is not an option: the project to open.
fn project_from_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> Option<PathBuf> {
    args.into_iter().find(|a| !a.to_string_lossy().starts_with('-')).map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_path_is_the_first_non_option_argument() {
        let args = |list: &[&str]| list.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(project_from_args(args(&[])), None);
        assert_eq!(project_from_args(args(&["--verbose"])), None);
        assert_eq!(project_from_args(args(&["-v", "shop.sessionlens"])), Some(PathBuf::from("shop.sessionlens")));
    }
}
