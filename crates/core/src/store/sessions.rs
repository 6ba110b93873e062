//! Sessions stored in the project, one run per rule set: keyed by [`RuleSet::hash`] and by the
//! imports they were computed from ([`Project::data_stamp`]). [`Project::sessions`] reuses a
//! stored run for the same rules and data and otherwise sessionizes and stores a new one; runs
//! computed from older imports are dropped then. A run's sessions are stored as columnar chunks
//! (`session_chunk`, see [`SESSION_COLUMNS`]), a few blobs per 32,768 sessions rather than a row
//! each. Bot-filtered hits are stored with their run so they can be listed. A run also keeps its
//! visitors and each hit's session, so [`Project::stored_sessions`] reads it back whole, as the
//! engine gave it, instead of sessionizing again.

use std::sync::OnceLock;

use rayon::prelude::*;
use rusqlite::{params, OptionalExtension};
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::{chunk, hits, Project};
use crate::error::{Error, Result};
use crate::sessionize::{
    sessionize, view_days, Device, HitTable, Parts, RuleSet, Session, Sessionized, StartReason, Totals, Traffic,
    Visitor, NO_SESSION,
};

/// Rows per chunk of a stored run: sessions per `session_chunk` row, and likewise bot hits,
/// visitors and hits per row of theirs. Every chunk but a table's last is full.
const RUN_CHUNK_ROWS: usize = 32_768;

/// The columns of `session_chunk` after `visitor`, each a blob of [`chunk::encode_deltas`]:
/// booleans are 0 or 1, url ids 0 for none, `traffic_id` and `device_id` point into
/// `session_traffic` and `session_device`, `campaign_id` is the entrance campaign (the
/// `campaign` dictionary's id, 0 for none: its click id is the session's), `start_reason` is the
/// reason's position in [`StartReason::ALL`], `visitor_id` the position of the session's visitor
/// in the run's `session_visitor_chunk` list, `referrer_id` the entrance referrer (the `referrer`
/// dictionary's id, 0 for none).
const SESSION_COLUMNS: [&str; 18] = [
    "visitor_session",
    "is_new",
    "start_ms",
    "end_ms",
    "duration_ms",
    "hits",
    "interaction_hits",
    "pageviews",
    "landing_url_id",
    "exit_url_id",
    "bounce",
    "engaged",
    "traffic_id",
    "campaign_id",
    "device_id",
    "start_reason",
    "visitor_id",
    "referrer_id",
];

/// The columns of `session_visitor_chunk`: the fields of [`Visitor::to_fields`].
const VISITOR_COLUMNS: [&str; 5] = ["kind", "a", "b", "c", "d"];

/// The value of `session_hit_chunk.session` for a hit in no session, and for one the bot filter
/// dropped; a hit in session `k` has `k + 2`.
const HIT_IN_NO_SESSION: u32 = 0;
const HIT_OF_A_BOT: u32 = 1;

/// Bumped whenever the engine or the classification it stores changes what a rule set gives,
/// or the canonical order of the hits (whose rows a run names) changes, so sessions stored by
/// an older build are computed again.
const ENGINE_VERSION: u32 = 3;

/// A stored sessionization.
#[derive(Clone, Debug, Serialize)]
pub struct SessionRun {
    pub id: i64,
    pub rule_hash: String,
    pub rules: RuleSet,
    pub totals: Totals,
    /// Was the run found in the project rather than computed now?
    pub reused: bool,
}

/// A stored session with its strings.
#[derive(Clone, Debug, Serialize)]
pub struct StoredSession {
    pub visitor: String,
    pub visitor_session_number: u32,
    pub is_new: bool,
    pub start_ms: i64,
    pub end_ms: i64,
    pub duration_ms: i64,
    pub hits: u32,
    pub interaction_hits: u32,
    pub pageviews: u32,
    pub landing_page: String,
    pub exit_page: String,
    pub bounce: bool,
    pub engaged: bool,
    pub traffic: Traffic,
    /// The click id the session landed with (`gclid`, ...), empty if none.
    pub click_id_param: String,
    pub click_id: String,
    pub device: Device,
    pub start_reason: StartReason,
}

/// A hit the bot filter dropped.
#[derive(Clone, Debug, Serialize)]
pub struct StoredBotHit {
    pub ts_ms: i64,
    pub url: String,
    pub user_agent: String,
    pub ip: String,
}

impl Project {
    /// What the project's traffic is now: changes with every import or removed file (and with
    /// engine versions), so stored sessions of other data are not reused.
    pub fn data_stamp(&self) -> Result<String> {
        let (files, max_id, rows): (i64, i64, i64) = self.conn().query_row(
            "SELECT count(*), coalesce(max(id), 0), coalesce(sum(rows_imported), 0) FROM source_file
             WHERE kind = 'traffic'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(format!("engine {ENGINE_VERSION}; traffic files {files}, last id {max_id}, {rows} rows"))
    }

    /// The stored run of `rules` for the current data, if there is one.
    pub fn session_run(&self, rules: &RuleSet) -> Result<Option<SessionRun>> {
        let stamp = self.data_stamp()?;
        let row: Option<(i64, String, String)> = self
            .conn()
            .query_row(
                "SELECT id, rules, totals FROM session_run WHERE rule_hash = ?1 AND data_stamp = ?2",
                params![rules.hash(), stamp],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((id, rules_json, totals_json)) = row else { return Ok(None) };
        let damaged = |e: serde_json::Error| Error::InvalidInput(format!("stored sessions are damaged: {e}"));
        Ok(Some(SessionRun {
            id,
            rule_hash: rules.hash(),
            rules: serde_json::from_str(&rules_json).map_err(damaged)?,
            totals: serde_json::from_str(&totals_json).map_err(damaged)?,
            reused: true,
        }))
    }

    /// The sessions of `rules`: the stored run if the same rules ran on the same data, else
    /// sessionize and store. `cached` is the project's hit table if the caller keeps one (it
    /// must be [`Project::load_hits`] after the last import); otherwise it is read here.
    pub fn sessions(&mut self, rules: &RuleSet, cached: Option<&HitTable>) -> Result<SessionRun> {
        rules.validate()?;
        if let Some(run) = self.session_run(rules)? {
            return Ok(run);
        }
        let loaded;
        let table = match cached {
            Some(t) => t,
            None => {
                loaded = self.load_hits()?;
                &loaded
            }
        };
        let result = sessionize(table, rules)?;
        self.store_sessions(table, &result)
    }

    /// Store a sessionization of this project's hits as the run of its rule set, replacing a
    /// run of the same rules and dropping runs of older data, in one transaction.
    pub fn store_sessions(&mut self, table: &HitTable, result: &Sessionized) -> Result<SessionRun> {
        let stamp = self.data_stamp()?;
        let hash = result.rules.hash();
        let totals = result.totals();
        let conn = &self.conn;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let written = (|| -> Result<i64> {
            conn.execute("DELETE FROM session_run WHERE rule_hash = ?1 OR data_stamp <> ?2", params![hash, stamp])?;
            conn.execute(
                "INSERT INTO session_run (rule_hash, rules, data_stamp, totals, computed_at)
                 VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                params![
                    hash,
                    serde_json::to_string(&result.rules).expect("a rule set serialises"),
                    stamp,
                    serde_json::to_string(&totals).expect("totals serialise"),
                ],
            )?;
            let run = conn.last_insert_rowid();
            let mut insert_traffic = conn.prepare(
                "INSERT OR IGNORE INTO session_traffic (source, medium, campaign, term, content, channel)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut select_traffic = conn.prepare(
                "SELECT id FROM session_traffic WHERE source = ?1 AND medium = ?2 AND campaign = ?3
                     AND term = ?4 AND content = ?5 AND channel = ?6",
            )?;
            let traffic_ids = result
                .traffic
                .iter()
                .map(|t| {
                    let values = params![t.source, t.medium, t.campaign, t.term, t.content, t.channel];
                    insert_traffic.execute(values)?;
                    Ok(select_traffic.query_row(values, |r| r.get(0))?)
                })
                .collect::<Result<Vec<i64>>>()?;
            let device_ids = result
                .devices
                .iter()
                .map(|d| {
                    let values = params![d.device, d.browser, d.os];
                    conn.execute(
                        "INSERT OR IGNORE INTO session_device (device, browser, os) VALUES (?1, ?2, ?3)",
                        values,
                    )?;
                    Ok(conn.query_row(
                        "SELECT id FROM session_device WHERE device = ?1 AND browser = ?2 AND os = ?3",
                        values,
                        |r| r.get(0),
                    )?)
                })
                .collect::<Result<Vec<i64>>>()?;
            let mut insert = conn.prepare(&format!(
                "INSERT INTO session_chunk (run_id, seq, rows, visitor, {}) VALUES ({})",
                SESSION_COLUMNS.join(", "),
                vec!["?"; SESSION_COLUMNS.len() + 4].join(", ")
            ))?;
            // The chunks are encoded a batch at a time, a chunk per core, and written in order as
            // they come while the next batch is encoded.
            let threads = rayon::current_num_threads();
            let (encoded, to_write) = std::sync::mpsc::sync_channel(2 * threads);
            let (traffic_ids, device_ids) = (&traffic_ids, &device_ids);
            std::thread::scope(|scope| -> Result<()> {
                scope.spawn(move || {
                    for sessions in result.sessions.chunks(RUN_CHUNK_ROWS * threads) {
                        let chunks: Vec<EncodedChunk> = sessions
                            .par_chunks(RUN_CHUNK_ROWS)
                            .map(|sessions| encode_session_chunk(table, result, sessions, traffic_ids, device_ids))
                            .collect();
                        // The writer stopped (an error): nothing more is wanted.
                        if chunks.into_iter().try_for_each(|chunk| encoded.send(chunk)).is_err() {
                            return;
                        }
                    }
                });
                for (seq, chunk) in to_write.into_iter().enumerate() {
                    insert.raw_bind_parameter(1, run)?;
                    insert.raw_bind_parameter(2, seq as i64)?;
                    insert.raw_bind_parameter(3, chunk.rows as i64)?;
                    insert.raw_bind_parameter(4, chunk.visitors)?;
                    for (i, blob) in chunk.columns.iter().enumerate() {
                        insert.raw_bind_parameter(5 + i, blob)?;
                    }
                    insert.raw_execute()?;
                }
                Ok(())
            })?;
            let mut insert_bots = conn.prepare(
                "INSERT INTO session_bot_chunk (run_id, seq, rows, ts_ms, url_id, user_agent_id, ip_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (seq, rows) in result.bot_hits.chunks(RUN_CHUNK_ROWS).enumerate() {
                let column = |values: &[u32]| chunk::encode_deltas(rows.iter().map(|&i| i64::from(values[i as usize])));
                let times = chunk::encode_deltas(rows.iter().map(|&i| table.ts_ms[i as usize]));
                insert_bots.execute(params![
                    run,
                    seq as i64,
                    rows.len() as i64,
                    times,
                    column(&table.url),
                    column(&table.user_agent),
                    column(&table.ip)
                ])?;
            }
            let mut insert_visitors = conn.prepare(
                "INSERT INTO session_visitor_chunk (run_id, seq, rows, kind, a, b, c, d)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let (visitor_chunks, hit_chunks) = rayon::join(
                || result.visitors.par_chunks(RUN_CHUNK_ROWS).map(encode_visitor_chunk).collect::<Vec<_>>(),
                || encode_hit_chunks(result),
            );
            for (seq, (rows, [kind, a, b, c, d])) in visitor_chunks.into_iter().enumerate() {
                insert_visitors.execute(params![run, seq as i64, rows as i64, kind, a, b, c, d])?;
            }
            let mut insert_hits =
                conn.prepare("INSERT INTO session_hit_chunk (run_id, seq, rows, session) VALUES (?1, ?2, ?3, ?4)")?;
            for (seq, (rows, sessions)) in hit_chunks.into_iter().enumerate() {
                insert_hits.execute(params![run, seq as i64, rows as i64, sessions])?;
            }
            Ok(run)
        })();
        match written {
            Ok(id) => {
                conn.execute_batch("COMMIT")?;
                Ok(SessionRun { id, rule_hash: hash, rules: result.rules.clone(), totals, reused: false })
            }
            Err(e) => {
                conn.execute_batch("ROLLBACK")?;
                Err(e)
            }
        }
    }

    /// The stored run of `rules` read back whole over `table`, as [`sessionize`] gave it: `None`
    /// when no run of these rules is stored for the current data. `table` must be
    /// [`Project::load_hits`] after the last import (the sessions name its rows).
    pub fn stored_sessions(&self, table: &HitTable, rules: &RuleSet) -> Result<Option<Sessionized>> {
        self.session_run(rules)?.map(|run| self.restore(table, run)).transpose()
    }

    /// The stored `run` read back whole over `table` (see [`Project::stored_sessions`]), the
    /// project file mapped.
    fn restore(&self, table: &HitTable, run: SessionRun) -> Result<Sessionized> {
        self.mapped(|| self.read_run(table, run))
    }

    /// [`Project::restore`], however the project file is read.
    fn read_run(&self, table: &HitTable, run: SessionRun) -> Result<Sessionized> {
        let conn = self.conn();
        let hit_chunks = read_chunks(conn, "session_hit_chunk", &["session"], run.id)?;
        if hit_chunks.iter().map(|(rows, _)| rows).sum::<usize>() != table.len() {
            return Err(Error::InvalidInput("the stored sessions are not of these hits".into()));
        }
        let days = view_days(table, &run.rules)?;
        let visitors = read_chunks(conn, "session_visitor_chunk", &VISITOR_COLUMNS, run.id)?
            .par_iter()
            .map(|(rows, blobs)| {
                let fields = decode_columns(blobs, *rows)?;
                (0..*rows)
                    .map(|i| Visitor::from_fields(std::array::from_fn(|f| fields[f][i]), table, &days))
                    .collect::<Option<Vec<Visitor>>>()
                    .ok_or_else(unreadable)
            })
            .collect::<Result<Vec<_>>>()?
            .concat();
        let lookups = StoredLookups::new(self, table, visitors.len())?;
        let session_chunks = read_chunks(conn, "session_chunk", &SESSION_COLUMNS, run.id)?;
        let session_count = session_chunks.iter().map(|(rows, _)| rows).sum();
        // Each chunk decoded straight into its place among all the sessions.
        let mut sessions = vec![Session::default(); session_count];
        let (decoded, hits) = rayon::join(
            || chunk_slices(&mut sessions, &session_chunks)?.try_for_each(|(out, blobs)| lookups.sessions(blobs, out)),
            || decode_hit_chunks(&hit_chunks, table.len(), session_count),
        );
        let (hit_session, bot_hits) = decoded.and(hits)?;
        let traffic = lookups.run_traffic(&mut sessions)?;
        let parts =
            Parts { sessions, hit_session, bot_hits, uncounted_hits: run.totals.uncounted_hits, visitors, traffic };
        let sessions = Sessionized::assemble(table, run.rules, days, parts);
        if !table.without_visitors {
            return Ok(sessions);
        }
        // Who made the hits was not read: visitors are named as the run stored them, each chunk
        // of labels decoded when a session of it is first asked for (an example in a report).
        let chunks = read_chunks(conn, "session_chunk", &["visitor"], run.id)?;
        let decoded: Vec<OnceLock<Option<Vec<String>>>> = chunks.iter().map(|_| OnceLock::new()).collect();
        let label = move |s: u32| {
            let c = s as usize / RUN_CHUNK_ROWS;
            let (rows, blobs) = chunks.get(c)?;
            let labels = decoded[c].get_or_init(|| chunk::decode_strings(&blobs[0], *rows)).as_ref()?;
            labels.get(s as usize % RUN_CHUNK_ROWS).cloned()
        };
        Ok(sessions.with_stored_labels(Box::new(label)))
    }

    /// The hits and the sessions of `rules`, for reports: the stored run read back over the
    /// hits read without who made them (a third quicker to read; the run's sessions say who,
    /// and name them as it stored them) when these rules ran on this data before, else every
    /// hit sessionized now (and not stored).
    pub fn hits_for_reports(&self, rules: &RuleSet) -> Result<(HitTable, Sessionized)> {
        if let Some(run) = self.session_run(rules)? {
            let table = self.load_hits_without_visitors()?;
            let sessions = self.restore(&table, run)?;
            return Ok((table, sessions));
        }
        let table = self.load_hits()?;
        let sessions = sessionize(&table, rules)?;
        Ok((table, sessions))
    }

    /// The stored run of `rules` read back, or, if there is none, `table` sessionized now (and
    /// not stored): for reports that need every session.
    pub fn sessionized(&self, table: &HitTable, rules: &RuleSet) -> Result<Sessionized> {
        match self.stored_sessions(table, rules)? {
            Some(sessions) => Ok(sessions),
            None => sessionize(table, rules),
        }
    }

    /// Every stored attribution by id.
    fn stored_traffic(&self) -> Result<FxHashMap<i64, Traffic>> {
        let mut stmt =
            self.conn().prepare("SELECT id, source, medium, campaign, term, content, channel FROM session_traffic")?;
        let rows = stmt.query_map([], |r| {
            let traffic = Traffic {
                source: r.get(1)?,
                medium: r.get(2)?,
                campaign: r.get(3)?,
                term: r.get(4)?,
                content: r.get(5)?,
                channel: r.get(6)?,
            };
            Ok((r.get(0)?, traffic))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every stored device by id.
    fn stored_devices(&self) -> Result<FxHashMap<i64, Device>> {
        let mut stmt = self.conn().prepare("SELECT id, device, browser, os FROM session_device")?;
        let rows =
            stmt.query_map([], |r| Ok((r.get(0)?, Device { device: r.get(1)?, browser: r.get(2)?, os: r.get(3)? })))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every session of a run, in order of start time.
    pub fn for_each_session(&self, run_id: i64, mut f: impl FnMut(&StoredSession) -> Result<()>) -> Result<()> {
        let conn = self.conn();
        let traffic = self.stored_traffic()?;
        let campaigns = hits::campaigns(conn)?;
        let devices = self.stored_devices()?;
        let urls = hits::strings(conn, "url")?;
        let (mut labels, mut sessions) = (Vec::new(), Vec::new());
        for (rows, blobs) in read_chunks(conn, "session_chunk", &[&["visitor"], &SESSION_COLUMNS[..]].concat(), run_id)?
        {
            let first = sessions.len();
            sessions.resize(first + rows, Session::default());
            let (chunk_labels, decoded) = rayon::join(
                || chunk::decode_strings(&blobs[0], rows).ok_or_else(unreadable),
                || decode_sessions(&blobs[1..], &mut sessions[first..]),
            );
            labels.extend(chunk_labels?);
            decoded?;
        }
        let url = |id: u32| urls.get(id as usize).cloned().ok_or_else(unreadable);
        // Stable: sessions starting at the same time stay in the order they were stored.
        let mut order: Vec<usize> = (0..sessions.len()).collect();
        order.sort_by_key(|&i| sessions[i].start_ms);
        for i in order {
            let s = &sessions[i];
            let campaign = campaigns.get(s.entrance_campaign as usize).ok_or_else(unreadable)?;
            let session = StoredSession {
                visitor: labels[i].clone(),
                visitor_session_number: s.visitor_session_number,
                is_new: s.is_new,
                start_ms: s.start_ms,
                end_ms: s.end_ms,
                duration_ms: s.duration_ms,
                hits: s.hits,
                interaction_hits: s.interaction_hits,
                pageviews: s.pageviews,
                landing_page: url(s.landing_url)?,
                exit_page: url(s.exit_url)?,
                bounce: s.bounce,
                engaged: s.engaged,
                traffic: traffic.get(&i64::from(s.traffic)).cloned().ok_or_else(unreadable)?,
                click_id_param: campaign.click_id_param.clone(),
                click_id: campaign.click_id.clone(),
                device: devices.get(&i64::from(s.device)).cloned().ok_or_else(unreadable)?,
                start_reason: s.start_reason,
            };
            f(&session)?;
        }
        Ok(())
    }

    /// The hits a run's bot filter dropped, in time order.
    pub fn bot_hits(&self, run_id: i64) -> Result<Vec<StoredBotHit>> {
        let conn = self.conn();
        let mut columns: [Vec<i64>; 4] = Default::default();
        let names = ["ts_ms", "url_id", "user_agent_id", "ip_id"];
        for (rows, blobs) in read_chunks(conn, "session_bot_chunk", &names, run_id)? {
            for (column, values) in columns.iter_mut().zip(decode_columns(&blobs, rows)?) {
                column.extend(values);
            }
        }
        // Only the entries the bot hits name, not whole dictionaries.
        let [times, url_ids, agent_ids, ip_ids] = &columns;
        let urls = hits::strings_by_id(conn, "url", url_ids.iter().copied())?;
        let agents = hits::strings_by_id(conn, "user_agent", agent_ids.iter().copied())?;
        let ips = hits::strings_by_id(conn, "ip_address", ip_ids.iter().copied())?;
        let string = |strings: &FxHashMap<i64, String>, id: i64| strings.get(&id).cloned().ok_or_else(unreadable);
        (0..times.len())
            .map(|i| {
                Ok(StoredBotHit {
                    ts_ms: times[i],
                    url: string(&urls, url_ids[i])?,
                    user_agent: string(&agents, agent_ids[i])?,
                    ip: string(&ips, ip_ids[i])?,
                })
            })
            .collect()
    }
}

/// Every chunk of run `run_id` in `table`, in order: its row count and the blobs of `columns`.
fn read_chunks(
    conn: &rusqlite::Connection,
    table: &str,
    columns: &[&str],
    run_id: i64,
) -> Result<Vec<(usize, Vec<Vec<u8>>)>> {
    let mut stmt =
        conn.prepare(&format!("SELECT rows, {} FROM {table} WHERE run_id = ?1 ORDER BY seq", columns.join(", ")))?;
    let mut rows = stmt.query([run_id])?;
    let mut chunks = Vec::new();
    while let Some(row) = rows.next()? {
        let n = usize::try_from(row.get::<_, i64>(0)?).ok().filter(|&n| n <= RUN_CHUNK_ROWS).ok_or_else(unreadable)?;
        let blobs = (1..=columns.len())
            .map(|i| chunk::blob(row, i).map(<[u8]>::to_vec).map_err(|_| unreadable()))
            .collect::<Result<Vec<_>>>()?;
        chunks.push((n, blobs));
    }
    Ok(chunks)
}

/// The [`chunk::encode_deltas`] columns of a chunk of `rows`, decoded on any core.
fn decode_columns(blobs: &[Vec<u8>], rows: usize) -> Result<Vec<Vec<i64>>> {
    blobs.par_iter().map(|b| chunk::decode_deltas(b, rows).ok_or_else(unreadable)).collect()
}

/// The sessions of a chunk from the blobs of [`SESSION_COLUMNS`] into `out`, one per row of
/// the chunk, as stored: `traffic` and `device` the ids of their stored rows, `visitor` a
/// position in the run's visitors, other ids the dictionaries' (none checked against a table
/// here).
fn decode_sessions(blobs: &[Vec<u8>], out: &mut [Session]) -> Result<()> {
    let columns = decode_columns(blobs, out.len())?;
    let [number, is_new, start, end, duration, hits, interaction_hits, pageviews, landing, exit, bounce, engaged, traffic_id, campaign_id, device_id, reason, visitor_id, referrer_id] =
        &columns[..]
    else {
        return Err(unreadable());
    };
    let id = |v: i64| u32::try_from(v).map_err(|_| unreadable());
    let flag = |v: i64| match v {
        0 | 1 => Ok(v == 1),
        _ => Err(unreadable()),
    };
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = Session {
            visitor: id(visitor_id[i])?,
            visitor_session_number: id(number[i])?,
            is_new: flag(is_new[i])?,
            start_ms: start[i],
            end_ms: end[i],
            duration_ms: duration[i],
            hits: id(hits[i])?,
            interaction_hits: id(interaction_hits[i])?,
            pageviews: id(pageviews[i])?,
            landing_url: id(landing[i])?,
            exit_url: id(exit[i])?,
            bounce: flag(bounce[i])?,
            engaged: flag(engaged[i])?,
            entrance_campaign: id(campaign_id[i])?,
            entrance_referrer: id(referrer_id[i])?,
            traffic: id(traffic_id[i])?,
            device: id(device_id[i])?,
            start_reason: start_reason(reason[i])?,
        };
    }
    Ok(())
}

/// The start reason stored as its position in [`StartReason::ALL`].
fn start_reason(position: i64) -> Result<StartReason> {
    usize::try_from(position).ok().and_then(|r| StartReason::ALL.get(r).copied()).ok_or_else(unreadable)
}

/// What reading a run's sessions back over a table looks up: stored attributions and devices,
/// and the sizes every id must stay under.
struct StoredLookups<'t> {
    table: &'t HitTable,
    traffic: FxHashMap<i64, Traffic>,
    /// Stored device id to the table's device index.
    device: FxHashMap<i64, u32>,
    visitors: usize,
}

impl<'t> StoredLookups<'t> {
    fn new(project: &Project, table: &'t HitTable, visitors: usize) -> Result<Self> {
        let index: FxHashMap<&Device, u32> =
            table.agents().devices.iter().enumerate().map(|(i, d)| (d, i as u32)).collect();
        let device =
            project.stored_devices()?.into_iter().filter_map(|(id, d)| index.get(&d).map(|&i| (id, i))).collect();
        Ok(StoredLookups { table, traffic: project.stored_traffic()?, device, visitors })
    }

    /// The sessions of one `session_chunk` into `out` (one per row), checked against the
    /// table, their `traffic` still the stored id (see [`StoredLookups::run_traffic`]).
    fn sessions(&self, blobs: &[Vec<u8>], out: &mut [Session]) -> Result<()> {
        let d = &self.table.dict;
        let fits = |id: u32, len: usize| if (id as usize) < len { Ok(id) } else { Err(unreadable()) };
        decode_sessions(blobs, out)?;
        for s in out {
            fits(s.visitor, self.visitors)?;
            fits(s.landing_url, d.urls.len())?;
            fits(s.exit_url, d.urls.len())?;
            fits(s.entrance_campaign, d.campaigns.len())?;
            fits(s.entrance_referrer, d.referrers.len())?;
            s.device = *self.device.get(&i64::from(s.device)).ok_or_else(unreadable)?;
        }
        Ok(())
    }

    /// The run's attributions in order of first use, as the engine lists them, with each
    /// session's stored id turned into its position there.
    fn run_traffic(&self, sessions: &mut [Session]) -> Result<Vec<Traffic>> {
        let mut position: FxHashMap<u32, u32> = FxHashMap::default();
        let mut list = Vec::new();
        for s in sessions {
            s.traffic = match position.get(&s.traffic) {
                Some(&p) => p,
                None => {
                    let traffic = self.traffic.get(&i64::from(s.traffic)).ok_or_else(unreadable)?;
                    let p = list.len() as u32;
                    position.insert(s.traffic, p);
                    list.push(traffic.clone());
                    p
                }
            };
        }
        Ok(list)
    }
}

/// One `session_visitor_chunk`: its row count and the blobs of [`VISITOR_COLUMNS`].
fn encode_visitor_chunk(visitors: &[Visitor]) -> (usize, [Vec<u8>; 5]) {
    let fields: Vec<[i64; 5]> = visitors.iter().map(|v| v.to_fields()).collect();
    (visitors.len(), std::array::from_fn(|f| chunk::encode_deltas(fields.iter().map(|v| v[f]))))
}

/// Each hit's session (see [`HIT_OF_A_BOT`]) as `session_hit_chunk`s: row count and blob.
fn encode_hit_chunks(result: &Sessionized) -> Vec<(usize, Vec<u8>)> {
    let bots = &result.bot_hits;
    result
        .hit_session
        .par_chunks(RUN_CHUNK_ROWS)
        .enumerate()
        .map(|(c, sessions)| {
            let first = c * RUN_CHUNK_ROWS;
            let from = bots.partition_point(|&b| (b as usize) < first);
            let mut bots = bots[from..].iter().peekable();
            let values = sessions.iter().enumerate().map(|(i, &k)| {
                if k != NO_SESSION {
                    k + 2
                } else if bots.next_if(|&&b| b as usize == first + i).is_some() {
                    HIT_OF_A_BOT
                } else {
                    HIT_IN_NO_SESSION
                }
            });
            (sessions.len(), chunk::encode_ids(values))
        })
        .collect()
}

/// Each hit's session ([`NO_SESSION`] for none) and the rows of the bot filter's hits, from the
/// `session_hit_chunk`s of a table of `hits` (as many, in full chunks but the last) and a run of
/// `sessions`.
fn decode_hit_chunks(chunks: &[(usize, Vec<Vec<u8>>)], hits: usize, sessions: usize) -> Result<(Vec<u32>, Vec<u32>)> {
    let mut hit_session = vec![NO_SESSION; hits];
    let bots = chunk_slices(&mut hit_session, chunks)?
        .enumerate()
        .map(|(c, (out, blobs))| {
            let values = chunk::decode_ids(&blobs[0], out.len()).ok_or_else(unreadable)?;
            let first = c * RUN_CHUNK_ROWS;
            let mut bots = Vec::new();
            for (i, (slot, v)) in out.iter_mut().zip(values).enumerate() {
                match v {
                    HIT_IN_NO_SESSION => {}
                    HIT_OF_A_BOT => bots.push((first + i) as u32),
                    k if (k - 2) as usize >= sessions => return Err(unreadable()),
                    k => *slot = k - 2,
                }
            }
            Ok(bots)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((hit_session, bots.concat()))
}

/// `out` in the slices that the `chunks` of a stored run fill, each with its chunk's blobs,
/// for any core; refused unless the chunks are laid out as written: every one but the last
/// holds [`RUN_CHUNK_ROWS`] rows, and together as many as `out`.
fn chunk_slices<'o, 'c, T: Send>(
    out: &'o mut [T],
    chunks: &'c [(usize, Vec<Vec<u8>>)],
) -> Result<impl IndexedParallelIterator<Item = (&'o mut [T], &'c Vec<Vec<u8>>)>> {
    if !out.chunks(RUN_CHUNK_ROWS).map(<[T]>::len).eq(chunks.iter().map(|&(rows, _)| rows)) {
        return Err(unreadable());
    }
    Ok(out.par_chunks_mut(RUN_CHUNK_ROWS).zip(chunks.par_iter().map(|(_, blobs)| blobs)))
}

/// The error of stored sessions that do not read back.
fn unreadable() -> Error {
    Error::InvalidInput("stored sessions are damaged".into())
}

/// A `session_chunk` row's blobs.
struct EncodedChunk {
    rows: usize,
    visitors: Vec<u8>,
    /// In the order of [`SESSION_COLUMNS`].
    columns: Vec<Vec<u8>>,
}

/// One chunk of `sessions` (of `result`) as stored: the visitor labels and each of
/// [`SESSION_COLUMNS`], with traffic and devices as the ids of their stored rows.
fn encode_session_chunk(
    table: &HitTable,
    result: &Sessionized,
    sessions: &[Session],
    traffic_ids: &[i64],
    device_ids: &[i64],
) -> EncodedChunk {
    let mut labels: FxHashMap<u32, String> = FxHashMap::default();
    let mut columns: [Vec<i64>; SESSION_COLUMNS.len()] = Default::default();
    for s in sessions {
        labels.entry(s.visitor).or_insert_with(|| result.visitor_label(table, s.visitor));
        let reason = StartReason::ALL.iter().position(|&r| r == s.start_reason);
        let values = [
            i64::from(s.visitor_session_number),
            i64::from(s.is_new),
            s.start_ms,
            s.end_ms,
            s.duration_ms,
            i64::from(s.hits),
            i64::from(s.interaction_hits),
            i64::from(s.pageviews),
            i64::from(s.landing_url),
            i64::from(s.exit_url),
            i64::from(s.bounce),
            i64::from(s.engaged),
            traffic_ids[s.traffic as usize],
            i64::from(s.entrance_campaign),
            device_ids[s.device as usize],
            reason.expect("every start reason is listed") as i64,
            i64::from(s.visitor),
            i64::from(s.entrance_referrer),
        ];
        for (column, value) in columns.iter_mut().zip(values) {
            column.push(value);
        }
    }
    EncodedChunk {
        rows: sessions.len(),
        visitors: chunk::encode_strings(sessions.iter().map(|s| labels[&s.visitor].as_str())),
        columns: columns.iter().map(|c| chunk::encode_deltas(c.iter().copied())).collect(),
    }
}
