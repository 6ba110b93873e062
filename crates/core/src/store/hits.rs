//! Reading every hit of a project into a [`HitTable`] for the sessionization engine: the hit
//! columns decoded from the `hit_chunk` blobs (see `chunk.rs`), the dictionaries indexed by
//! their ids (which the loader hands out densely from 1, so id = index; a gap only leaves an
//! empty entry).

use std::collections::hash_map::Entry;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use rustc_hash::FxHashMap;

use super::{chunk, Project};
use crate::error::{Error, Result};
use crate::model::HitType;
use crate::sessionize::{Campaign, Dictionaries, HitTable};

impl Project {
    /// Every hit with its dictionaries, in time order. The app keeps the table so a changed
    /// rule re-sessionizes without reading the project again.
    pub fn load_hits(&self) -> Result<HitTable> {
        let conn = self.conn();
        // Read the file mapped rather than copied page by page (a tenth off loading 10M hits),
        // and only while loading: mapped pages count towards the process's memory.
        conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
        let table = self.read_hits();
        conn.pragma_update(None, "mmap_size", 0)?;
        table
    }

    /// The hit columns and the dictionaries, read at once on two connections where the
    /// project is a file and no transaction of this connection is open (so a second
    /// connection sees what this one does), else one after the other.
    fn read_hits(&self) -> Result<HitTable> {
        let conn = self.conn();
        let table = HitTable { salt: self.meta("ip_salt")?, ..HitTable::default() };
        let Some(path) = self.path().filter(|_| conn.is_autocommit()) else {
            let n = hit_count(conn)?;
            let dict = dictionaries(conn)?;
            return HitTable { dict, ..columns(conn, table, n)? }.seal();
        };
        conn.execute_batch("BEGIN")?;
        let read = (|| -> Result<HitTable> {
            // This first read takes the connection's snapshot; the dictionaries' reader starts
            // after it, so it sees every entry the hits read here point at.
            let n = hit_count(conn)?;
            std::thread::scope(|scope| {
                let dict = scope.spawn(|| {
                    let reader = Connection::open_with_flags(
                        path,
                        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )?;
                    reader.pragma_update(None, "mmap_size", MMAP_BYTES)?;
                    dictionaries(&reader)
                });
                let table = columns(conn, table, n);
                let dict =
                    dict.join().unwrap_or_else(|_| Err(Error::InvalidInput("reading the dictionaries failed".into())));
                Ok(HitTable { dict: dict?, ..table? })
            })
        })();
        conn.execute_batch("COMMIT")?;
        read?.seal()
    }
}

/// How much of the project file is mapped while hits load.
const MMAP_BYTES: i64 = 1 << 32;

/// Every dictionary of the hits.
fn dictionaries(conn: &Connection) -> Result<Dictionaries> {
    Ok(Dictionaries {
        events: strings(conn, "event_name")?,
        clients: strings(conn, "client")?,
        users: strings(conn, "app_user")?,
        source_sessions: strings(conn, "source_session")?,
        urls: strings(conn, "url")?,
        referrers: strings(conn, "referrer")?,
        user_agents: strings(conn, "user_agent")?,
        ips: strings(conn, "ip_address")?,
        campaigns: campaigns(conn)?,
    })
}

/// How many hits the project stores.
fn hit_count(conn: &Connection) -> Result<usize> {
    let hits: i64 = conn.query_row("SELECT coalesce(sum(rows), 0) FROM hit_chunk", [], |r| r.get(0))?;
    Ok(usize::try_from(hits).unwrap_or(0))
}

/// `t` with the hit columns of every chunk, in import order (`n` hits in all).
fn columns(conn: &Connection, mut t: HitTable, n: usize) -> Result<HitTable> {
    let mut ids = [
        (&mut t.event, chunk::EVENT),
        (&mut t.client, chunk::CLIENT),
        (&mut t.user, chunk::USER),
        (&mut t.source_session, chunk::SESSION),
        (&mut t.url, chunk::URL),
        (&mut t.referrer, chunk::REFERRER),
        (&mut t.user_agent, chunk::USER_AGENT),
        (&mut t.ip, chunk::IP),
        (&mut t.campaign, chunk::CAMPAIGN),
    ];
    for (column, _) in &mut ids {
        column.reserve_exact(n);
    }
    t.ts_ms.reserve_exact(n);
    t.hit_type.reserve_exact(n);
    t.interaction.reserve_exact(n);
    t.session_engaged.reserve_exact(n);
    let mut stmt = conn.prepare(&chunk::select_sql("ORDER BY file_id, seq"))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let c = chunk::read(row)?;
        for (column, index) in &mut ids {
            column.extend_from_slice(&c.columns[*index]);
        }
        t.ts_ms.extend_from_slice(&c.ts_ms);
        t.hit_type.extend(c.columns[chunk::HIT_TYPE].iter().map(|&v| match v {
            0 => HitType::PageView,
            1 => HitType::Event,
            _ => HitType::Asset,
        }));
        t.interaction.extend(c.columns[chunk::INTERACTION].iter().map(|&v| v != 0));
        t.session_engaged.extend(c.columns[chunk::SESSION_ENGAGED].iter().map(|&v| v.checked_sub(1).map(|v| v != 0)));
    }
    Ok(t)
}

/// A dictionary table as a vector indexed by id (index 0 and any unused id are empty).
pub(super) fn strings(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut out = vec![String::new()];
    let mut stmt = conn.prepare(&format!("SELECT id, value FROM {table} ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let index = dictionary_index(row.get(0)?, table)?;
        if out.len() <= index {
            out.resize(index + 1, String::new());
        }
        out[index] = row.get(1)?;
    }
    Ok(out)
}

/// The entries of a dictionary table with the given ids, by id, 0 as the empty string; an id
/// the table does not hold is left out.
pub(super) fn strings_by_id(
    conn: &Connection,
    table: &str,
    ids: impl IntoIterator<Item = i64>,
) -> Result<FxHashMap<i64, String>> {
    let mut select = conn.prepare(&format!("SELECT value FROM {table} WHERE id = ?1"))?;
    let mut out = FxHashMap::from_iter([(0, String::new())]);
    for id in ids {
        if let Entry::Vacant(slot) = out.entry(id) {
            if let Some(value) = select.query_row([id], |r| r.get(0)).optional()? {
                slot.insert(value);
            }
        }
    }
    Ok(out)
}

/// The `campaign` dictionary as a vector indexed by id (index 0 is no campaign).
pub(super) fn campaigns(conn: &Connection) -> Result<Vec<Campaign>> {
    let mut out = vec![Campaign::default()];
    let mut stmt = conn.prepare(
        "SELECT id, source, medium, name, term, content, click_id_param, click_id FROM campaign ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let index = dictionary_index(row.get(0)?, "campaign")?;
        if out.len() <= index {
            out.resize(index + 1, Campaign::default());
        }
        out[index] = Campaign {
            source: row.get(1)?,
            medium: row.get(2)?,
            name: row.get(3)?,
            term: row.get(4)?,
            content: row.get(5)?,
            click_id_param: row.get(6)?,
            click_id: row.get(7)?,
        };
    }
    Ok(out)
}

/// Dictionary ids are dense from 1; one far beyond what memory could hold means a damaged file.
fn dictionary_index(id: i64, table: &str) -> Result<usize> {
    match u32::try_from(id) {
        Ok(v) if v > 0 && v < u32::MAX / 2 => Ok(v as usize),
        _ => Err(Error::InvalidInput(format!("the project's {table} table holds an id out of range ({id})"))),
    }
}
