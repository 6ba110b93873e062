//! The `.sessionlens` project file: a SQLite database holding every imported file's rows.
//!
//! [`Project::open`] creates or migrates a file; [`Project::open_in_memory`] gives a scratch
//! project for tests. Pragmas are set once per connection. An import is one transaction taken
//! with `BEGIN IMMEDIATE`, so a cancelled or crashed import leaves the project as it was, and a
//! second writer waits (up to [`BUSY_TIMEOUT_MS`]) and then gets [`Error::ProjectBusy`].
//! Besides the data, a project keeps how it is looked at (saved views; see `views.rs`).

pub mod ads;
mod chunk;
mod delete;
mod dictionary;
mod hits;
mod loader;
mod migrate;
mod query;
pub mod reports;
mod sessions;
mod views;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};
pub use delete::DeletedFile;
pub use loader::{truncate_ip, ImportControl, ImportReport, Progress};
pub use migrate::SCHEMA_VERSION;
pub use query::{FileInfo, ProjectInfo, StoredReject};
pub use sessions::{SessionRun, StoredBotHit, StoredSession};
pub use views::{rename_project, CopiedSettings, NamedView, VIEW_NAME_MAX};

/// Marks a SQLite file as a SessionLens project ("SLNS").
const APPLICATION_ID: i32 = 0x534c_4e53;
/// How long a writer waits for another writer before giving up with "project is busy".
pub const BUSY_TIMEOUT_MS: u32 = 5_000;

/// A stop switch shared between the UI (or Ctrl-C handler) and a running import.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// An open project.
pub struct Project {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Project {
    /// Open a project file, creating it if it does not exist, and migrate it to this build's
    /// schema. A file that is not a SessionLens project, or is from a newer build, is refused.
    pub fn open(path: impl AsRef<Path>) -> Result<Project> {
        let path = path.as_ref();
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| not_a_project(path, e))?;
        Project::init(conn, Some(path.to_path_buf()))
    }

    /// A project that lives in memory only.
    pub fn open_in_memory() -> Result<Project> {
        Project::init(Connection::open_in_memory()?, None)
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<Project> {
        let shown = path.clone().unwrap_or_else(|| ":memory:".into());
        let app_id: i32 =
            conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(|e| not_a_project(&shown, e))?;
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if tables > 0 && app_id != APPLICATION_ID {
            return Err(Error::NotAProject {
                path: shown,
                reason: "it is a SQLite database of another program".into(),
            });
        }
        conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS.into()))?;
        if tables == 0 {
            // Settings that only take effect on an empty file.
            conn.execute_batch(&format!("PRAGMA page_size = 8192; PRAGMA application_id = {APPLICATION_ID};"))?;
        }
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA cache_size = -65536;
             PRAGMA temp_store = MEMORY;",
        )?;
        migrate::migrate(&mut conn)?;
        let project = Project { conn, path };
        project.ensure_salt()?;
        Ok(project)
    }

    /// Where the project lives (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version of the open file (after migration, this build's).
    pub fn schema_version(&self) -> Result<i64> {
        migrate::current_version(&self.conn)
    }

    /// The connection, for the engine's own queries within the core.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    fn ensure_salt(&self) -> Result<()> {
        let exists: bool =
            self.conn.query_row("SELECT count(*) > 0 FROM meta WHERE key = 'ip_salt'", [], |r| r.get(0))?;
        if !exists {
            let mut salt = [0u8; 16];
            getrandom::fill(&mut salt).map_err(|e| Error::InvalidInput(format!("no random source: {e}")))?;
            let hex: String = salt.iter().map(|b| format!("{b:02x}")).collect();
            self.conn.execute("INSERT INTO meta (key, value) VALUES ('ip_salt', ?1)", [hex])?;
        }
        Ok(())
    }

    fn meta(&self, key: &str) -> Result<String> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))?)
    }
}

fn not_a_project(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            Error::NotAProject { path: path.into(), reason: "it is not a SQLite database".into() }
        }
        Some(rusqlite::ErrorCode::CannotOpen) => Error::Io {
            path: path.into(),
            source: std::io::Error::other("cannot open the file (does the folder exist and is it writable?)"),
        },
        _ => Error::Sqlite(e),
    }
}
