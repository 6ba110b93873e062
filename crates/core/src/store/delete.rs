//! Removing one imported file's data from a project: its hits, ad rows or reported sessions, its
//! rejects, its file record, the dictionary strings only it used, and the stored sessions
//! computed from it, in one transaction; then the project file is compacted so the removed bytes
//! are gone from disk.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::{chunk, dictionary, Project};
use crate::error::{Error, Result};

/// The dictionary tables of hits and the chunk column that refers to each.
const HIT_DICTIONARIES: [(&str, usize); 9] = [
    ("url", chunk::URL),
    ("referrer", chunk::REFERRER),
    ("user_agent", chunk::USER_AGENT),
    ("client", chunk::CLIENT),
    ("app_user", chunk::USER),
    ("source_session", chunk::SESSION),
    ("event_name", chunk::EVENT),
    ("ip_address", chunk::IP),
    ("campaign", chunk::CAMPAIGN),
];

/// What [`Project::delete_file`] removed.
#[derive(Clone, Debug, Serialize)]
pub struct DeletedFile {
    pub file_id: i64,
    pub name: String,
    pub kind: String,
    /// Hits (traffic files), ad stat and click rows (ad files) or reported-sessions rows
    /// (report files).
    pub rows_removed: u64,
    pub rejects_removed: u64,
    /// Stored sessionizations dropped because they were computed from the file's hits.
    pub session_runs_removed: u64,
    /// Dictionary strings (URLs, user agents, ids, campaigns...) no other file uses.
    pub strings_removed: u64,
    /// The project's size before and after, in bytes (after compaction).
    pub bytes_before: u64,
    pub bytes_after: u64,
}

impl Project {
    /// Remove every trace of the imported file `file_id` in one transaction, then compact the
    /// project (VACUUM) so its bytes leave the disk. Stored sessions are dropped when the file
    /// held traffic, since every run of the current data counted its hits; a caller that keeps
    /// a [`crate::sessionize::HitTable`] must load it again.
    pub fn delete_file(&mut self, file_id: i64) -> Result<DeletedFile> {
        let bytes_before = self.stored_bytes()?;
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let removed = self.delete_file_rows(file_id);
        match removed {
            Ok(_) => self.conn.execute_batch("COMMIT")?,
            Err(_) => self.conn.execute_batch("ROLLBACK")?,
        }
        let mut deleted = removed?;
        self.compact().map_err(|e| {
            // SQLite's own words: the crate's would say the project is as it was, which it is not.
            let cause = match &e {
                Error::Sqlite(sqlite) => sqlite.to_string(),
                other => other.to_string(),
            };
            Error::InvalidInput(format!(
                "the data of file #{file_id} was removed, but compacting the project afterwards failed \
                 ({cause}), so the removed rows' bytes may remain in the project file's free space"
            ))
        })?;
        deleted.bytes_before = bytes_before;
        deleted.bytes_after = self.stored_bytes()?;
        Ok(deleted)
    }

    /// The deletions of [`Project::delete_file`], inside the caller's transaction.
    fn delete_file_rows(&self, file_id: i64) -> Result<DeletedFile> {
        let conn = &self.conn;
        let (name, kind): (String, String) = conn
            .query_row("SELECT name, kind FROM source_file WHERE id = ?1", [file_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| Error::InvalidInput(format!("the project has no imported file with id {file_id}")))?;
        let delete = |sql: &str| -> Result<u64> { Ok(conn.execute(sql, [file_id])? as u64) };
        let hits: i64 =
            conn.query_row("SELECT coalesce(sum(rows), 0) FROM hit_chunk WHERE file_id = ?1", [file_id], |r| r.get(0))?;
        delete("DELETE FROM hit_chunk WHERE file_id = ?1")?;
        let rows_removed = hits as u64
            + delete("DELETE FROM ad_stat WHERE file_id = ?1")?
            + delete("DELETE FROM ad_click WHERE file_id = ?1")?
            + delete("DELETE FROM reported_session WHERE file_id = ?1")?;
        let rejects_removed = delete("DELETE FROM reject WHERE file_id = ?1")?;
        delete("DELETE FROM source_file WHERE id = ?1")?;
        let mut deleted = DeletedFile {
            file_id,
            name,
            kind,
            rows_removed,
            rejects_removed,
            session_runs_removed: 0,
            strings_removed: 0,
            bytes_before: 0,
            bytes_after: 0,
        };
        if deleted.kind == "traffic" {
            // Sessions hold visitor ids, pages and click ids of every hit they were computed from.
            // Their chunks go with them (ON DELETE CASCADE).
            deleted.session_runs_removed = conn.execute("DELETE FROM session_run", [])? as u64;
            conn.execute("DELETE FROM session_traffic", [])?;
            conn.execute("DELETE FROM session_device", [])?;
            // With no stored sessions left, the remaining hits are the dictionaries' only users.
            for (table, column) in HIT_DICTIONARIES {
                let used = self.ids_in_use(column)?;
                let ids = conn
                    .prepare(&format!("SELECT id FROM {table}"))?
                    .query_map([], |r| r.get::<_, i64>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                let mut delete = conn.prepare(&format!("DELETE FROM {table} WHERE id = ?1"))?;
                let mut removed = 0;
                for id in ids {
                    if !usize::try_from(id).is_ok_and(|i| used.get(i) == Some(&true)) {
                        removed += delete.execute([id])? as u64;
                    }
                }
                if removed > 0 {
                    dictionary::rewrite(conn, table)?;
                }
                deleted.strings_removed += removed;
            }
        }
        Ok(deleted)
    }

    /// Which ids the stored hits' chunk column `column` holds, by id.
    fn ids_in_use(&self, column: usize) -> Result<Vec<bool>> {
        let mut used = Vec::new();
        let mut stmt = self.conn.prepare(&format!("SELECT rows, {} FROM hit_chunk", chunk::COLUMNS[column]))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let (rows, blob): (i64, &[u8]) = (row.get(0)?, chunk::blob(row, 1)?);
            let ids = usize::try_from(rows).ok().and_then(|n| chunk::decode_ids(blob, n)).ok_or_else(chunk::damaged)?;
            for id in ids {
                let id = id as usize;
                if used.len() <= id {
                    used.resize(id + 1, false);
                }
                used[id] = true;
            }
        }
        Ok(used)
    }

    /// Rebuild the project file without free pages and empty its write-ahead log, so removed
    /// rows are not left in either. The rebuild's scratch copy goes to a temporary file rather
    /// than memory, so a large project does not need its size in RAM.
    fn compact(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA temp_store = FILE;")?;
        let vacuumed = self.conn.execute_batch("VACUUM;");
        self.conn.execute_batch("PRAGMA temp_store = MEMORY;")?;
        vacuumed?;
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The size of the database in bytes (pages times page size).
    fn stored_bytes(&self) -> Result<u64> {
        let bytes: i64 = self.conn.query_row(
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            [],
            |r| r.get(0),
        )?;
        Ok(bytes.max(0) as u64)
    }
}
