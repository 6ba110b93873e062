//! The SessionLens desktop app: a Tauri shell over `sessionlens_core`. The UI (in `ui/`) calls
//! the commands in [`commands`]; they forward to the [`workspace::Workspace`], which holds the
//! open project. No analytics logic lives here.
//!
//! `sessionlens-app PROJECT.sessionlens` opens that project at start, `sessionlens-app --demo`
//! the bundled demo; without either the start screen offers recent projects and the demo.

pub mod analysis;
pub mod clients;
mod commands;
mod demo;
pub mod dto;
pub mod error;
pub mod exports;
pub mod import_wizard;
mod menu;
mod prefetch;
mod priority;
pub mod views;
pub mod workspace;

use std::path::PathBuf;

use tauri::Manager;

use crate::workspace::{Startup, Workspace};

pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .setup(|app| {
            let data_dir = app.path().app_data_dir()?;
            std::fs::create_dir_all(&data_dir)?;
            app.manage(Workspace::new(data_dir, startup_from_args(std::env::args_os().skip(1))));
            app.set_menu(menu::build(app.handle())?)?;
            Ok(())
        })
        .on_menu_event(|app, event| menu::forward(app, event.id().as_ref()))
        .invoke_handler(tauri::generate_handler![
            commands::startup_project,
            commands::open_project,
            commands::open_demo_project,
            commands::close_project,
            commands::project_info,
            commands::preview_import,
            commands::import_files,
            commands::cancel_import,
            commands::delete_file,
            commands::map_campaign,
            commands::saved_views,
            commands::remember_view,
            commands::save_named_view,
            commands::delete_named_view,
            commands::list_clients,
            commands::rename_client,
            commands::copy_client_settings,
            commands::list_rejects,
            commands::export_rejects,
            commands::recent_projects,
            commands::supported_formats,
            commands::rule_choices,
            commands::dashboard,
            commands::discrepancy,
            commands::prefetch,
            commands::compare_rules,
            commands::fidelity,
            commands::save_report,
            commands::save_csv,
            commands::save_chart,
        ])
        .run(tauri::generate_context!())
        .expect("SessionLens could not start");
}

/// `--demo` opens the demo project; else the first argument that is not an option is the
/// project to open; else the start screen.
fn startup_from_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> Startup {
    let args: Vec<_> = args.into_iter().collect();
    if args.iter().any(|a| a == "--demo") {
        return Startup::Demo;
    }
    args.into_iter()
        .find(|a| !a.to_string_lossy().starts_with('-'))
        .map_or(Startup::StartScreen, |a| Startup::Project(PathBuf::from(a)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn startup_comes_from_the_command_line() {
        let args = |list: &[&str]| list.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(startup_from_args(args(&[])), Startup::StartScreen);
        assert_eq!(startup_from_args(args(&["--verbose"])), Startup::StartScreen);
        assert_eq!(startup_from_args(args(&["-v", "shop.sessionlens"])), Startup::Project("shop.sessionlens".into()));
        assert_eq!(startup_from_args(args(&["--demo"])), Startup::Demo);
    }
}
