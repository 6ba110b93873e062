//! The dictionaries of hits as the project stores them, twice in one transaction: a table of
//! rows per dictionary (`id` and `value`, or a campaign's seven tags) for SQL, and the same
//! entries in `dictionary_chunk`, a row per [`ENTRIES_PER_CHUNK`] entries with their ids and
//! their strings as two blobs (encoded as `chunk.rs` says), so reading a project's million
//! strings decodes a few dozen blobs instead of a row each. Whatever writes a dictionary's rows
//! writes its chunks with them: an import appends chunks of its new entries ([`Appender`]), a
//! deletion writes the dictionary's chunks anew ([`rewrite`]). [`read`] checks that the
//! chunks end where the rows do.

use rusqlite::{Connection, Statement};

use super::chunk;
use crate::error::{Error, Result};

/// Every dictionary table of hits.
pub(super) const TABLES: [&str; 9] =
    ["url", "referrer", "user_agent", "client", "app_user", "source_session", "event_name", "ip_address", "campaign"];

/// The `campaign` table's tag columns, the strings of one of its entries in order.
pub(super) const CAMPAIGN_COLUMNS: [&str; 7] =
    ["source", "medium", "name", "term", "content", "click_id_param", "click_id"];

/// Entries per `dictionary_chunk` row.
const ENTRIES_PER_CHUNK: usize = 32_768;

/// The value columns of `table`'s rows, in the order of its entries' strings.
fn value_columns(table: &str) -> &'static [&'static str] {
    if table == "campaign" {
        &CAMPAIGN_COLUMNS
    } else {
        &["value"]
    }
}

/// Call `entry` with the id and the `W` strings (as many as the table's value columns) of each
/// entry of dictionary `table`, in id order; `entry` may take the strings. Refuses chunks that
/// do not decode, ids out of order or out of range, and chunks that do not end at the table's
/// last id.
pub(super) fn read<const W: usize>(
    conn: &Connection,
    table: &str,
    mut entry: impl FnMut(usize, &mut [String; W]),
) -> Result<()> {
    assert_eq!(W, value_columns(table).len(), "the strings of a {table} entry");
    let damaged = || Error::InvalidInput(format!("the project's stored {table} dictionary is damaged"));
    let mut select =
        conn.prepare("SELECT rows, ids, strings FROM dictionary_chunk WHERE dictionary = ?1 ORDER BY seq")?;
    let mut rows = select.query([table])?;
    let mut last = 0;
    while let Some(row) = rows.next()? {
        let n = usize::try_from(row.get::<_, i64>(0)?).ok().filter(|&n| n <= ENTRIES_PER_CHUNK).ok_or_else(damaged)?;
        let ids = chunk::decode_deltas(chunk::blob(row, 1)?, n).ok_or_else(damaged)?;
        let mut strings = chunk::decode_strings(chunk::blob(row, 2)?, n * W).ok_or_else(damaged)?;
        for (id, strings) in ids.into_iter().zip(strings.as_chunks_mut::<W>().0) {
            // Ids are dense from 1; one far beyond what memory could hold means a damaged file.
            if id <= last || id >= i64::from(u32::MAX / 2) {
                return Err(damaged());
            }
            last = id;
            entry(id as usize, strings);
        }
    }
    if last_id(conn, table)? != last {
        return Err(damaged());
    }
    Ok(())
}

/// The largest id of dictionary `table`'s rows, 0 when it has none. A damaged file may say
/// anything here; [`read`] checks it against the chunks.
pub(super) fn last_id(conn: &Connection, table: &str) -> Result<i64> {
    Ok(conn.query_row(&format!("SELECT coalesce(max(id), 0) FROM {table}"), [], |r| r.get(0))?)
}

/// Writes chunks of entries of one dictionary after those it has, in the caller's transaction.
pub(super) struct Appender<'c> {
    insert: Statement<'c>,
    table: &'static str,
    seq: i64,
    ids: Vec<i64>,
    strings: Vec<String>,
}

impl<'c> Appender<'c> {
    pub fn new(conn: &'c Connection, table: &'static str) -> Result<Self> {
        let seq = conn.query_row(
            "SELECT coalesce(max(seq) + 1, 0) FROM dictionary_chunk WHERE dictionary = ?1",
            [table],
            |r| r.get(0),
        )?;
        let insert = conn.prepare(
            "INSERT INTO dictionary_chunk (dictionary, seq, rows, ids, strings) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        Ok(Appender { insert, table, seq, ids: Vec::new(), strings: Vec::new() })
    }

    /// Add the entry `id` (greater than any before) with its strings, as many as the table's
    /// value columns.
    pub fn push<'s>(&mut self, id: i64, strings: impl IntoIterator<Item = &'s str>) -> Result<()> {
        self.ids.push(id);
        self.strings.extend(strings.into_iter().map(str::to_owned));
        debug_assert_eq!(self.strings.len(), self.ids.len() * value_columns(self.table).len());
        if self.ids.len() == ENTRIES_PER_CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    /// Write what is pending.
    pub fn finish(mut self) -> Result<()> {
        self.flush()
    }

    fn flush(&mut self) -> Result<()> {
        if self.ids.is_empty() {
            return Ok(());
        }
        let ids = chunk::encode_deltas(self.ids.iter().copied());
        let strings = chunk::encode_strings(self.strings.iter().map(String::as_str));
        self.insert.execute(rusqlite::params![self.table, self.seq, self.ids.len() as i64, ids, strings])?;
        self.seq += 1;
        self.ids.clear();
        self.strings.clear();
        Ok(())
    }
}

/// Write the chunks of dictionary `table` anew from its rows, in the caller's transaction.
pub(super) fn rewrite(conn: &Connection, table: &'static str) -> Result<()> {
    conn.execute("DELETE FROM dictionary_chunk WHERE dictionary = ?1", [table])?;
    let columns = value_columns(table);
    let mut appender = Appender::new(conn, table)?;
    let mut select = conn.prepare(&format!("SELECT id, {} FROM {table} ORDER BY id", columns.join(", ")))?;
    let mut rows = select.query([])?;
    while let Some(row) = rows.next()? {
        let strings = (1..=columns.len()).map(|i| row.get::<_, String>(i)).collect::<rusqlite::Result<Vec<_>>>()?;
        appender.push(row.get(0)?, strings.iter().map(String::as_str))?;
    }
    appender.finish()
}

/// Migration 11's step: the chunks of every dictionary, from its rows.
pub(super) fn chunk_dictionary_rows(conn: &Connection) -> Result<()> {
    TABLES.into_iter().try_for_each(|table| rewrite(conn, table))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::ImportOptions;
    use crate::store::{ImportControl, Project};

    /// Each dictionary with its entries: their ids and strings.
    type Entries = Vec<(&'static str, Vec<(usize, Vec<String>)>)>;

    /// Every dictionary's entries as its rows hold them.
    fn rows(conn: &Connection) -> Entries {
        let entries = |table: &'static str| {
            let columns = value_columns(table);
            let mut select =
                conn.prepare(&format!("SELECT id, {} FROM {table} ORDER BY id", columns.join(", "))).unwrap();
            let entries = select.query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)? as usize,
                    (1..=columns.len()).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?,
                ))
            });
            (table, entries.unwrap().collect::<rusqlite::Result<Vec<_>>>().unwrap())
        };
        TABLES.into_iter().map(entries).collect()
    }

    /// Every dictionary's entries as its chunks hold them.
    fn chunked(conn: &Connection) -> Entries {
        fn entries<const W: usize>(conn: &Connection, table: &'static str) -> Vec<(usize, Vec<String>)> {
            let mut out = Vec::new();
            read::<W>(conn, table, |id, strings| out.push((id, strings.to_vec()))).unwrap();
            out
        }
        let entries = |table| if table == "campaign" { entries::<7>(conn, table) } else { entries::<1>(conn, table) };
        TABLES.into_iter().map(|table| (table, entries(table))).collect()
    }

    #[test]
    fn the_chunks_hold_what_the_rows_hold_after_imports_and_a_deletion() {
        let dir = tempfile::tempdir().unwrap();
        let mut project = Project::open(dir.path().join("p.sessionlens")).unwrap();
        let import = |project: &mut Project, name: &str, hits: std::ops::Range<usize>| {
            let mut text = String::from("timestamp,client_id,user_id,session_id,url,referrer,user_agent,ip,event\n");
            for i in hits {
                let tags = ["", "?utm_source=news&utm_medium=email", "?gclid=abc"][i % 3];
                text += &format!(
                    "2024-03-01T10:00:{:02}Z,{}.1682380031,u{},s{},https://shop.example/p{i}{tags},\
                     https://ref{}.example/,Agent/{},198.51.{}.7,{}\n",
                    i % 60,
                    1_443_685_000 + i % 5000,
                    i % 7,
                    i % 97,
                    i % 11,
                    i % 13,
                    i % 200,
                    ["page_view", "purchase"][i % 2],
                );
            }
            let csv = dir.path().join(name);
            std::fs::write(&csv, text).unwrap();
            project.import(&csv, &ImportOptions::default(), ImportControl::default()).unwrap().file_id
        };
        // More urls than a chunk holds, then a file that shares some entries and adds others.
        let first = import(&mut project, "a.csv", 0..ENTRIES_PER_CHUNK + 500);
        let after_first = rows(project.conn());
        assert!(after_first.iter().all(|(_, entries)| !entries.is_empty()), "every dictionary has entries");
        assert_eq!(chunked(project.conn()), after_first);
        import(&mut project, "b.csv", ENTRIES_PER_CHUNK..ENTRIES_PER_CHUNK + 1000);
        assert_eq!(chunked(project.conn()), rows(project.conn()));
        let chunks: i64 = project
            .conn()
            .query_row("SELECT count(*) FROM dictionary_chunk WHERE dictionary = 'url'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(chunks, 3, "a full chunk and the rest of the first import, the second's new urls");
        // Deleting the first file leaves gaps in the ids.
        assert!(project.delete_file(first).unwrap().strings_removed > ENTRIES_PER_CHUNK as u64);
        let after_delete = rows(project.conn());
        assert_eq!(after_delete.iter().find(|(t, _)| *t == "url").unwrap().1[0].0, ENTRIES_PER_CHUNK + 1);
        assert_eq!(chunked(project.conn()), after_delete);
        let hits = project.load_hits().unwrap();
        let page = |i| {
            let url = hits.hit(i).url.strip_prefix("https://shop.example/p").unwrap();
            url.split('?').next().unwrap().parse::<usize>().unwrap()
        };
        let pages: std::collections::BTreeSet<usize> = (0..hits.len()).map(page).collect();
        assert_eq!(pages, (ENTRIES_PER_CHUNK..ENTRIES_PER_CHUNK + 1000).collect());
    }

    #[test]
    fn chunks_that_end_before_the_rows_do_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("hits.csv");
        std::fs::write(&csv, "timestamp,client_id,url\n2024-03-01T10:00:00Z,a,/x\n2024-03-01T10:01:00Z,b,/y\n")
            .unwrap();
        let mut project = Project::open(dir.path().join("p.sessionlens")).unwrap();
        project.import(&csv, &ImportOptions::default(), ImportControl::default()).unwrap();
        project.conn().execute("INSERT INTO client (id, value) VALUES (3, 'c')", []).unwrap();
        let err = project.load_hits().unwrap_err();
        assert!(err.to_string().contains("client dictionary is damaged"), "{err}");
        project.conn().execute("DELETE FROM client WHERE id = 3", []).unwrap();
        assert_eq!(project.load_hits().unwrap().len(), 2);
        // A last id no memory could index is refused too, not allocated for.
        for (table, id) in [("url", i64::MAX - 1), ("campaign", 1 << 40)] {
            let values = if table == "url" { "?1, 'x'" } else { "?1, '', '', '', '', '', '', ''" };
            project.conn().execute(&format!("INSERT INTO {table} VALUES ({values})"), [id]).unwrap();
            let err = project.load_hits().unwrap_err();
            assert!(err.to_string().contains(&format!("{table} dictionary is damaged")), "{err}");
            project.conn().execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id]).unwrap();
        }
    }
}
