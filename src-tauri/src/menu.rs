//! The application menu: File with Open project…, Import files…, Report (PDF)…, Close project
//! and Quit under the usual shortcuts, and Edit for text fields. A File choice reaches the UI as
//! a `menu` event carrying its id (`open`, `import`, `report`, `close`), and the UI presses the
//! screen's own button for it, so a shortcut and a click always do the same.

use tauri::menu::{Menu, MenuBuilder, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Runtime};

/// The File choices: id, label, shortcut.
const FILE: [(&str, &str, &str); 4] = [
    ("open", "Open project…", "CmdOrCtrl+O"),
    ("import", "Import files…", "CmdOrCtrl+I"),
    ("report", "Report (PDF)…", "CmdOrCtrl+P"),
    ("close", "Close project", "CmdOrCtrl+W"),
];

/// The menu bar of the main window.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let mut file = SubmenuBuilder::new(app, "File");
    for (id, label, shortcut) in FILE {
        file = file.item(&MenuItemBuilder::with_id(id, label).accelerator(shortcut).build(app)?);
    }
    let file = file.separator().quit().build()?;
    let edit = SubmenuBuilder::new(app, "Edit").undo().redo().separator().cut().copy().paste().select_all().build()?;
    MenuBuilder::new(app).items(&[&file, &edit]).build()
}

/// Passes a File choice on to the UI.
pub fn forward<R: Runtime>(app: &AppHandle<R>, id: &str) {
    if FILE.iter().any(|(file_id, _, _)| *file_id == id) {
        // Only fails when the window is gone, and then there is nothing to tell.
        let _ = app.emit("menu", id);
    }
}
