//! Build script of the app: runs `tauri-build`, which validates `tauri.conf.json` and the
//! capabilities, and generates one `allow-<command>`/`deny-<command>` permission per app
//! command so `capabilities/default.json` can grant exactly the commands the UI calls.

/// Every command the app registers; each needs an `allow-` entry in a capability to be callable.
const COMMANDS: &[&str] = &[
    "startup_project",
    "open_project",
    "open_demo_project",
    "close_project",
    "project_info",
    "preview_import",
    "import_files",
    "cancel_import",
    "delete_file",
    "map_campaign",
    "saved_views",
    "remember_view",
    "save_named_view",
    "delete_named_view",
    "list_clients",
    "rename_client",
    "copy_client_settings",
    "list_rejects",
    "export_rejects",
    "recent_projects",
    "supported_formats",
    "rule_choices",
    "dashboard",
    "discrepancy",
    "prefetch",
    "compare_rules",
    "fidelity",
    "save_report",
    "save_csv",
    "save_chart",
];

fn main() {
    // The manifest lives at the workspace root, so the capabilities folder is not the default
    // `./capabilities` next to it.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
