//! The one error type of the core. Each variant has a stable [`Error::code`] the app's UI
//! branches on; the message is for people.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A whole file cannot be read as any known format (empty, truncated, unrecognisable).
    #[error("{}: {message}", path.display())]
    UnreadableFile { path: PathBuf, message: String },

    /// The same bytes were imported before; `--force` imports them again.
    #[error("{} has the same content as '{previous}', imported before; import it again with --force", path.display())]
    DuplicateFile { path: PathBuf, previous: String },

    /// The project file was written by a newer SessionLens.
    #[error("this project was written by a newer SessionLens (project schema version {found}, this build reads up to {supported}); update SessionLens to open it")]
    ProjectTooNew { found: i64, supported: i64 },

    /// The file is not a SessionLens project.
    #[error("{} is not a SessionLens project: {reason}", path.display())]
    NotAProject { path: PathBuf, reason: String },

    /// Another process holds the project's write lock for longer than we wait.
    #[error(
        "the project is busy: another SessionLens window or command is writing to it; try again when it has finished"
    )]
    ProjectBusy,

    /// The user (or a cancel token) stopped the operation; nothing was changed.
    #[error("cancelled; the project is unchanged")]
    Cancelled,

    /// An option or argument the user gave is not valid.
    #[error("{0}")]
    InvalidInput(String),

    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },

    /// A SQLite error; a read-only project and a full disk are said in words.
    #[error("{}", describe_sqlite(.0))]
    Sqlite(#[from] rusqlite::Error),
}

impl Error {
    /// A stable, machine-readable code for the UI and for `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            Error::UnreadableFile { .. } => "unreadable_file",
            Error::DuplicateFile { .. } => "duplicate_file",
            Error::ProjectTooNew { .. } => "project_too_new",
            Error::NotAProject { .. } => "not_a_project",
            Error::ProjectBusy => "project_busy",
            Error::Cancelled => "cancelled",
            Error::InvalidInput(_) => "invalid_input",
            Error::Io { .. } => "io",
            Error::Sqlite(e) if is_busy(e) => "project_busy",
            Error::Sqlite(e) => match write_failure(e) {
                Some(WriteFailure::ReadOnly) => "read_only",
                Some(WriteFailure::DiskFull) => "disk_full",
                Some(WriteFailure::WriteError) => "write_failed",
                None => "database",
            },
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }

    pub(crate) fn unreadable(path: impl Into<PathBuf>, message: impl Into<String>) -> Error {
        Error::UnreadableFile { path: path.into(), message: message.into() }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

/// Why SQLite could not write the project.
enum WriteFailure {
    /// The file, its folder or its disk is read-only.
    ReadOnly,
    /// The disk is full, or the file reached the size the system allows (SQLite's `SQLITE_FULL`).
    DiskFull,
    /// A write or sync failed: most often a full disk or a size limit, else a failing disk.
    WriteError,
}

fn write_failure(e: &rusqlite::Error) -> Option<WriteFailure> {
    use rusqlite::ffi;
    let rusqlite::Error::SqliteFailure(failure, _) = e else { return None };
    match failure.code {
        rusqlite::ErrorCode::ReadOnly => Some(WriteFailure::ReadOnly),
        rusqlite::ErrorCode::DiskFull => Some(WriteFailure::DiskFull),
        rusqlite::ErrorCode::SystemIoFailure
            if matches!(
                failure.extended_code,
                ffi::SQLITE_IOERR_WRITE
                    | ffi::SQLITE_IOERR_FSYNC
                    | ffi::SQLITE_IOERR_TRUNCATE
                    | ffi::SQLITE_IOERR_SHMSIZE
            ) =>
        {
            Some(WriteFailure::WriteError)
        }
        _ => None,
    }
}

fn describe_sqlite(e: &rusqlite::Error) -> String {
    match write_failure(e) {
        Some(WriteFailure::ReadOnly) => format!(
            "the project cannot be written: the file, its folder or its disk is read-only, so nothing was \
             changed; copy the project somewhere writable or change its permissions ({e})"
        ),
        Some(WriteFailure::DiskFull) => format!(
            "the disk is full (or the project file reached the largest size allowed), so the change was not \
             written and the project is as it was; free some space and try again ({e})"
        ),
        Some(WriteFailure::WriteError) => format!(
            "writing the project file failed: the disk is full, the file reached the largest size allowed, or \
             the disk is failing; the change was not written and the project is as it was ({e})"
        ),
        None => format!("database error: {e}"),
    }
}
