//! Numbered `.sql` migrations embedded at build time, each optionally followed by a step in
//! Rust for what SQL cannot do (encoding chunks). `schema_migration` records which ran;
//! opening a file migrates it forward, and a file from a newer build is refused.
//!
//! Migrations run with foreign keys off, so one can rebuild a table that others refer to
//! (SQLite's way to change a constraint: create, copy, drop, rename) without its drop deleting
//! the rows that refer to it; each checks every reference before it commits.

use rusqlite::Connection;

use super::{chunk, dictionary};
use crate::error::{Error, Result};

/// What runs after a migration's SQL, in its transaction.
type Step = fn(&Connection) -> Result<()>;

/// (version, name, SQL, step), in order. Append only: a released migration never changes.
const MIGRATIONS: &[(i64, &str, &str, Option<Step>)] = &[
    (1, "initial", include_str!("../../migrations/0001_initial.sql"), None),
    (2, "sessions", include_str!("../../migrations/0002_sessions.sql"), None),
    (3, "campaign_mapping", include_str!("../../migrations/0003_campaign_mapping.sql"), None),
    (4, "reported_sessions", include_str!("../../migrations/0004_reported_sessions.sql"), None),
    (5, "ad_period_totals", include_str!("../../migrations/0005_ad_period_totals.sql"), None),
    (6, "session_engaged", include_str!("../../migrations/0006_session_engaged.sql"), None),
    (7, "views", include_str!("../../migrations/0007_views.sql"), None),
    (8, "hit_chunks", include_str!("../../migrations/0008_hit_chunks.sql"), Some(chunk::chunk_hit_rows)),
    (9, "session_chunks", include_str!("../../migrations/0009_session_chunks.sql"), None),
    (10, "session_columns", include_str!("../../migrations/0010_session_columns.sql"), None),
    (
        11,
        "dictionary_chunks",
        include_str!("../../migrations/0011_dictionary_chunks.sql"),
        Some(dictionary::chunk_dictionary_rows),
    ),
    (12, "whole_runs", include_str!("../../migrations/0012_whole_runs.sql"), None),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// Bring the schema up to [`SCHEMA_VERSION`], each migration in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migration (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at TEXT NOT NULL
         )",
    )?;
    let current = current_version(conn)?;
    if current > SCHEMA_VERSION {
        return Err(Error::ProjectTooNew { found: current, supported: SCHEMA_VERSION });
    }
    let foreign_keys: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let migrated = MIGRATIONS.iter().filter(|(v, ..)| *v > current).try_for_each(|(version, name, sql, step)| {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        if let Some(step) = step {
            step(&tx)?;
        }
        let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
        if broken > 0 {
            return Err(Error::InvalidInput(format!(
                "migration {version} ({name}) would leave {broken} rows referring to rows that do not exist"
            )));
        }
        tx.execute(
            "INSERT INTO schema_migration (version, name, applied_at) VALUES (?1, ?2, datetime('now'))",
            (version, name),
        )?;
        tx.commit()?;
        Ok(())
    });
    conn.pragma_update(None, "foreign_keys", foreign_keys)?;
    migrated
}

pub fn current_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT coalesce(max(version), 0) FROM schema_migration", [], |r| r.get(0))?)
}
