//! The app's error: what every command rejects with, serialised as `{ code, message }`.
//! Core errors keep their stable [`sessionlens_core::Error::code`]; the app adds only the
//! codes its UI branches on.

use serde::Serialize;
use ts_rs::TS;

/// The one error shape every command rejects with. `code` is stable and the UI branches on
/// it (see `ui/src/ipc.ts`); `message` is for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppError {
    pub code: String,
    pub message: String,
}

/// No project is open (the UI goes back to the start screen).
pub const NO_PROJECT: &str = "no_project";
/// An import is already running in this window.
pub const IMPORT_RUNNING: &str = "import_running";

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        AppError { code: code.to_string(), message: message.into() }
    }

    pub fn no_project() -> Self {
        AppError::new(NO_PROJECT, "no project is open")
    }

    /// A file the app itself reads or writes (its data folder, an export).
    pub fn io(path: &std::path::Path, e: std::io::Error) -> Self {
        AppError::new("io", format!("{}: {e}", path.display()))
    }
}

impl From<sessionlens_core::Error> for AppError {
    fn from(e: sessionlens_core::Error) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for AppError {}
