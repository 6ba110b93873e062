//! Reading every hit of a project into a [`HitTable`] for the sessionization engine: the hit
//! columns decoded from the `hit_chunk` blobs (see `chunk.rs`), the dictionaries indexed by
//! their ids (which the loader hands out densely from 1, so id = index; a gap only leaves an
//! empty entry).

use std::collections::hash_map::Entry;
use std::sync::OnceLock;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use rustc_hash::FxHashMap;

use super::{chunk, dictionary, Project};
use crate::error::{Error, Result};
use crate::model::HitType;
use crate::sessionize::{Campaign, Dictionaries, DictionaryKeys, HitTable, KeysBuilder};

impl Project {
    /// Every hit with its dictionaries, in time order. The app keeps the table so a changed
    /// rule re-sessionizes without reading the project again.
    pub fn load_hits(&self) -> Result<HitTable> {
        self.read_mapped(HitTable::default())
    }

    /// Every hit but who made it (see `HitTable::without_visitors`), in the rows
    /// [`Project::load_hits`] gives: what reports over a stored run read, a third quicker.
    pub(super) fn load_hits_without_visitors(&self) -> Result<HitTable> {
        self.read_mapped(HitTable { without_visitors: true, ..HitTable::default() })
    }

    /// The hits into `table` (empty but for what it says to read), the project file mapped.
    fn read_mapped(&self, table: HitTable) -> Result<HitTable> {
        self.mapped(|| self.read_hits(HitTable { salt: self.meta("ip_salt")?, ..table }))
    }

    /// `read`, with the project file mapped rather than copied page by page (a tenth off
    /// loading 10M hits, about 4 % off reading their stored sessions back), and only
    /// meanwhile: mapped pages count towards the process's memory.
    pub(super) fn mapped<T>(&self, read: impl FnOnce() -> Result<T>) -> Result<T> {
        let conn = self.conn();
        conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
        let result = read();
        conn.pragma_update(None, "mmap_size", 0)?;
        result
    }

    /// The hit columns and the dictionaries, read at once on three connections where the
    /// project is a file and no transaction of this connection is open (so the others see
    /// what this one does), else one after the other.
    fn read_hits(&self, table: HitTable) -> Result<HitTable> {
        let conn = self.conn();
        let who = !table.without_visitors;
        let Some(path) = self.path().filter(|_| conn.is_autocommit()) else {
            let n = hit_count(conn)?;
            let (others, landings) = (other_dictionaries(conn, who)?, landings(conn)?);
            return landings.into_table(columns(conn, table, n)?, others).seal();
        };
        conn.execute_batch("BEGIN")?;
        let read = (|| -> Result<HitTable> {
            // This first read takes the connection's snapshot; the dictionaries' readers start
            // after it, so they see every entry the hits read here point at.
            let n = hit_count(conn)?;
            let reader = || -> Result<Connection> {
                let reader = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                reader.pragma_update(None, "mmap_size", MMAP_BYTES)?;
                Ok(reader)
            };
            std::thread::scope(|scope| {
                let landings = scope.spawn(|| landings(&reader()?));
                let others = scope.spawn(|| other_dictionaries(&reader()?, who));
                let table = columns(conn, table, n);
                fn joined<T>(reader: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
                    reader.join().unwrap_or_else(|_| Err(Error::InvalidInput("reading the dictionaries failed".into())))
                }
                let (landings, others) = (joined(landings), joined(others));
                Ok(landings?.into_table(table?, others?))
            })
        })();
        conn.execute_batch("COMMIT")?;
        read?.seal()
    }
}

/// How much of the project file is mapped while hits load.
const MMAP_BYTES: i64 = 1 << 32;

/// The url and campaign dictionaries, with what sessionizations ask of them worked out on the
/// thread that reads them, off the path of the hit columns.
struct Landings {
    urls: Vec<String>,
    campaigns: Vec<Campaign>,
    keys: DictionaryKeys,
}

fn landings(conn: &Connection) -> Result<Landings> {
    let mut keys = KeysBuilder::default();
    let urls = indexed(conn, "url", |[value]| std::mem::take(value), |url| keys.url(url))?;
    let campaigns = indexed(conn, "campaign", campaign, |c| keys.campaign(c))?;
    Ok(Landings { urls, campaigns, keys: keys.finish() })
}

impl Landings {
    /// `t` with these dictionaries and the `others`.
    fn into_table(self, t: HitTable, others: Dictionaries) -> HitTable {
        let dict = Dictionaries { urls: self.urls, campaigns: self.campaigns, ..others };
        HitTable { dict, keys: OnceLock::from(self.keys), ..t }
    }
}

/// Every dictionary of the hits but the urls and campaigns (see [`Landings`]), which it leaves
/// at the absent entry, as are those of who made the hits unless `who`.
fn other_dictionaries(conn: &Connection, who: bool) -> Result<Dictionaries> {
    let visitors = |table: &str| if who { strings(conn, table) } else { Ok(vec![String::new()]) };
    Ok(Dictionaries {
        events: strings(conn, "event_name")?,
        clients: visitors("client")?,
        users: visitors("app_user")?,
        source_sessions: visitors("source_session")?,
        referrers: strings(conn, "referrer")?,
        user_agents: strings(conn, "user_agent")?,
        ips: visitors("ip_address")?,
        ..Dictionaries::default()
    })
}

/// How many hits the project stores.
fn hit_count(conn: &Connection) -> Result<usize> {
    let hits: i64 = conn.query_row("SELECT coalesce(sum(rows), 0) FROM hit_chunk", [], |r| r.get(0))?;
    Ok(usize::try_from(hits).unwrap_or(0))
}

/// `t` with the hit columns of every chunk, in import order (`n` hits in all), each chunk
/// decoded on every core straight into the table's columns; those of who made the hits left
/// empty, and not decoded, if `t` is read without them.
fn columns(conn: &Connection, mut t: HitTable, n: usize) -> Result<HitTable> {
    t.ts_ms = vec![0; n];
    let visitors = if t.without_visitors { 0 } else { n };
    for column in [&mut t.event, &mut t.url, &mut t.referrer, &mut t.user_agent, &mut t.campaign] {
        *column = vec![0; n];
    }
    for column in [&mut t.client, &mut t.user, &mut t.source_session, &mut t.ip] {
        *column = vec![0; visitors];
    }
    t.hit_type.reserve_exact(n);
    t.interaction.reserve_exact(n);
    t.session_engaged.reserve_exact(n);
    // The small columns go through a chunk's worth of ids on their way to their own types.
    let [mut hit_type, mut interaction, mut engaged] = [Vec::new(), Vec::new(), Vec::new()];
    let mut stmt = conn.prepare(&chunk::select_sql("ORDER BY file_id, seq"))?;
    let mut rows = stmt.query([])?;
    let mut offset = 0;
    while let Some(row) = rows.next()? {
        let (len, blobs) = chunk::read(row)?;
        let at = offset..offset + len;
        if at.end > n {
            return Err(chunk::damaged());
        }
        for small in [&mut hit_type, &mut interaction, &mut engaged] {
            small.resize(len, 0);
        }
        let mut columns: [&mut [u32]; chunk::COLUMNS.len()] = Default::default();
        columns[chunk::HIT_TYPE] = &mut hit_type;
        columns[chunk::INTERACTION] = &mut interaction;
        columns[chunk::SESSION_ENGAGED] = &mut engaged;
        columns[chunk::EVENT] = &mut t.event[at.clone()];
        let who = if t.without_visitors { 0..0 } else { at.clone() };
        columns[chunk::CLIENT] = &mut t.client[who.clone()];
        columns[chunk::USER] = &mut t.user[who.clone()];
        columns[chunk::SESSION] = &mut t.source_session[who.clone()];
        columns[chunk::URL] = &mut t.url[at.clone()];
        columns[chunk::REFERRER] = &mut t.referrer[at.clone()];
        columns[chunk::USER_AGENT] = &mut t.user_agent[at.clone()];
        columns[chunk::IP] = &mut t.ip[who];
        columns[chunk::CAMPAIGN] = &mut t.campaign[at.clone()];
        chunk::decode_into(&blobs, &mut t.ts_ms[at.clone()], columns).ok_or_else(chunk::damaged)?;
        t.hit_type.extend(hit_type.iter().map(|&v| match v {
            0 => HitType::PageView,
            1 => HitType::Event,
            _ => HitType::Asset,
        }));
        t.interaction.extend(interaction.iter().map(|&v| v != 0));
        t.session_engaged.extend(engaged.iter().map(|&v| v.checked_sub(1).map(|v| v != 0)));
        offset = at.end;
    }
    if offset != n {
        return Err(chunk::damaged());
    }
    Ok(t)
}

/// A dictionary as a vector indexed by id (index 0 and any unused id are empty).
pub(super) fn strings(conn: &Connection, table: &str) -> Result<Vec<String>> {
    indexed(conn, table, |[value]| std::mem::take(value), |_| ())
}

/// Dictionary `table` as a vector indexed by id, each entry `make` of its strings (index 0 and
/// any unused id the default), every index shown to `seen` in order as soon as it is made.
fn indexed<T: Clone + Default, const W: usize>(
    conn: &Connection,
    table: &str,
    mut make: impl FnMut(&mut [String; W]) -> T,
    mut seen: impl FnMut(&T),
) -> Result<Vec<T>> {
    // Sized up front: grown as ids come, a large dictionary would be copied on every doubling.
    // Only tried: the last id of a damaged file may be absurd, and `read` refuses the file.
    let mut out = Vec::new();
    let _ = out.try_reserve_exact(usize::try_from(dictionary::last_id(conn, table)?).unwrap_or(0) + 1);
    out.push(T::default());
    let mut shown = 0;
    dictionary::read(conn, table, |id, strings| {
        if out.len() <= id {
            out.resize(id + 1, T::default());
        }
        out[id] = make(strings);
        out[shown..].iter().for_each(&mut seen);
        shown = out.len();
    })?;
    out[shown..].iter().for_each(seen);
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
    indexed(conn, "campaign", campaign, |_| ())
}

/// A campaign of its tags as the `campaign` dictionary stores them.
fn campaign(tags: &mut [String; dictionary::CAMPAIGN_COLUMNS.len()]) -> Campaign {
    let [source, medium, name, term, content, click_id_param, click_id] = tags.each_mut().map(std::mem::take);
    Campaign { source, medium, name, term, content, click_id_param, click_id }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::ImportOptions;
    use crate::store::ImportControl;

    /// A project file and an in-memory project, each with the CSV `text` imported: the loader
    /// reads the one on three connections and the other on one. The folder holds the file.
    fn file_and_memory(text: &str) -> (tempfile::TempDir, [Project; 2]) {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("hits.csv");
        std::fs::write(&csv, text).unwrap();
        let mut projects =
            [Project::open(dir.path().join("p.sessionlens")).unwrap(), Project::open_in_memory().unwrap()];
        for project in &mut projects {
            project.import(&csv, &ImportOptions::default(), ImportControl::default()).unwrap();
        }
        (dir, projects)
    }

    #[test]
    fn a_project_file_loads_as_an_in_memory_project_does_with_the_same_keys() {
        let mut text = String::from("timestamp,client_id,url,referrer\n");
        for i in 0..2000 {
            let host = ["shop.example", "Shop.Example", "blog.example", "www.example.org"][i % 4];
            let tags = ["", "?utm_source=news&utm_medium=email", "?gclid=abc", "?utm_source=x&gclid=def"][i % 3];
            let client = format!("{}.1682380031", 1_443_685_000 + i % 37);
            text += &format!(
                "2024-03-01T10:{:02}:{:02}Z,{client},https://{host}/p{}{tags},https://www.google.com/\n",
                i / 60 % 60,
                i % 60,
                i % 11
            );
        }
        let (_dir, [file, memory]) = file_and_memory(&text);
        let (from_file, from_memory) = (file.load_hits().unwrap(), memory.load_hits().unwrap());
        assert_eq!(from_file.len(), 2000);
        let hits = |t: &HitTable| (0..t.len()).map(|i| format!("{:?}", t.hit(i))).collect::<Vec<_>>();
        assert_eq!(hits(&from_file), hits(&from_memory));
        // The loader works the keys out as it reads the dictionaries: they are the keys a table
        // works out on first use.
        let fresh = DictionaryKeys::new(&from_file.dict.campaigns, &from_file.dict.urls);
        assert_eq!(from_file.keys(), &fresh);
        assert_eq!(from_memory.keys(), &fresh);
        assert!(fresh.url_site.iter().filter(|&&site| site != 0).count() > 1, "urls of more than one site");
    }

    #[test]
    fn hits_read_without_who_made_them_hold_the_same_hit_in_every_row() {
        // Many visitors in each second, on pages whose order is not their visitors' order, so
        // only an order that ranks who made a hit last keeps each row's page without them.
        let mut text = String::from("timestamp,client_id,url,ip\n");
        for i in 0..600 {
            let client = format!("{}.1682380031", 1_443_685_000 + (i * 7) % 50);
            text += &format!(
                "2024-03-01T10:00:{:02}Z,{client},https://shop.example/p{},10.0.0.{}\n",
                i / 100,
                i % 13,
                i % 9
            );
        }
        let (_dir, projects) = file_and_memory(&text);
        for project in projects {
            let (whole, without) = (project.load_hits().unwrap(), project.load_hits_without_visitors().unwrap());
            let what = |t: &HitTable| {
                (0..t.len())
                    .map(|i| {
                        let h = t.hit(i);
                        let what = (h.ts_ms, h.hit_type, h.interaction, h.event, h.url, h.referrer, h.user_agent);
                        format!("{what:?} {:?} {:?}", h.campaign, h.session_engaged)
                    })
                    .collect::<Vec<_>>()
            };
            assert_eq!(without.len(), 600);
            assert_eq!(what(&without), what(&whole));
            assert!((0..whole.len()).all(|i| !whole.hit(i).client_id.is_empty() && !whole.hit(i).ip.is_empty()));
            let who = |t: &HitTable| [&t.client, &t.user, &t.source_session, &t.ip].map(Vec::len);
            assert_eq!(who(&without), [0; 4], "who made the hits is not read");
            assert_eq!(without.dict.clients.len() + without.dict.ips.len(), 2, "only the absent entries");
            assert!((0..without.len()).all(|i| without.hit(i).client_id.is_empty()));
        }
    }
}
