//! Sessions stored in the project, one run per rule set: keyed by [`RuleSet::hash`] and by the
//! imports they were computed from ([`Project::data_stamp`]). [`Project::sessions`] reuses a
//! stored run for the same rules and data and otherwise sessionizes and stores a new one; runs
//! computed from older imports are dropped then. A run's sessions are stored as columnar chunks
//! (`session_chunk`, see [`SESSION_COLUMNS`]), a few blobs per 32,768 sessions rather than a row
//! each. Bot-filtered hits are stored with their run so they can be listed.

use rayon::prelude::*;
use rusqlite::{params, OptionalExtension};
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::{chunk, hits, Project};
use crate::error::{Error, Result};
use crate::sessionize::{sessionize, Device, HitTable, RuleSet, Session, Sessionized, StartReason, Totals, Traffic};

/// Sessions per `session_chunk` row.
const SESSIONS_PER_CHUNK: usize = 32_768;

/// The columns of `session_chunk` after `visitor`, each a blob of [`chunk::encode_deltas`]:
/// booleans are 0 or 1, url ids 0 for none, `traffic_id` and `device_id` point into
/// `session_traffic` and `session_device`, `campaign_id` is the entrance campaign (the
/// `campaign` dictionary's id, 0 for none: its click id is the session's), `start_reason` is the
/// reason's position in [`StartReason::ALL`].
const SESSION_COLUMNS: [&str; 16] = [
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
];

/// Bumped whenever the engine or the classification it stores changes what a rule set gives,
/// so sessions stored by an older build are computed again.
const ENGINE_VERSION: u32 = 2;

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
                    for sessions in result.sessions.chunks(SESSIONS_PER_CHUNK * threads) {
                        let chunks: Vec<EncodedChunk> = sessions
                            .par_chunks(SESSIONS_PER_CHUNK)
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
            for (seq, rows) in result.bot_hits.chunks(SESSIONS_PER_CHUNK).enumerate() {
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

    /// Every session of a run, in order of start time.
    pub fn for_each_session(&self, run_id: i64, mut f: impl FnMut(&StoredSession) -> Result<()>) -> Result<()> {
        let conn = self.conn();
        let traffic: FxHashMap<i64, Traffic> = conn
            .prepare("SELECT id, source, medium, campaign, term, content, channel FROM session_traffic")?
            .query_map([], |r| {
                let traffic = Traffic {
                    source: r.get(1)?,
                    medium: r.get(2)?,
                    campaign: r.get(3)?,
                    term: r.get(4)?,
                    content: r.get(5)?,
                    channel: r.get(6)?,
                };
                Ok((r.get(0)?, traffic))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let campaigns = hits::campaigns(conn)?;
        let devices: FxHashMap<i64, Device> = conn
            .prepare("SELECT id, device, browser, os FROM session_device")?
            .query_map([], |r| Ok((r.get(0)?, Device { device: r.get(1)?, browser: r.get(2)?, os: r.get(3)? })))?
            .collect::<rusqlite::Result<_>>()?;
        let urls = hits::strings(conn, "url")?;
        let mut visitors = Vec::new();
        let mut columns: [Vec<i64>; SESSION_COLUMNS.len()] = Default::default();
        let mut stmt = conn.prepare(&format!(
            "SELECT rows, visitor, {} FROM session_chunk WHERE run_id = ?1 ORDER BY seq",
            SESSION_COLUMNS.join(", ")
        ))?;
        let mut rows = stmt.query([run_id])?;
        while let Some(row) = rows.next()? {
            let n = usize::try_from(row.get::<_, i64>(0)?).map_err(|_| unreadable())?;
            let blob = |i| chunk::blob(row, i).map_err(|_| unreadable());
            let (labels, blobs) = (blob(1)?, (2..2 + SESSION_COLUMNS.len()).map(blob).collect::<Result<Vec<_>>>()?);
            let (labels, decoded) = rayon::join(
                || chunk::decode_strings(labels, n).ok_or_else(unreadable),
                || {
                    blobs
                        .par_iter()
                        .map(|b| chunk::decode_deltas(b, n).ok_or_else(unreadable))
                        .collect::<Result<Vec<_>>>()
                },
            );
            visitors.extend(labels?);
            for (column, values) in columns.iter_mut().zip(decoded?) {
                column.extend(values);
            }
        }
        let [number, is_new, start, end, duration, hits, interaction_hits, pageviews, landing, exit, bounce, engaged, traffic_id, campaign_id, device_id, reason] =
            &columns;
        let count = |v: i64| u32::try_from(v).map_err(|_| unreadable());
        let url = |id: i64| usize::try_from(id).ok().and_then(|id| urls.get(id)).cloned().ok_or_else(unreadable);
        // Stable: sessions starting at the same time stay in the order they were stored.
        let mut order: Vec<usize> = (0..visitors.len()).collect();
        order.sort_by_key(|&i| start[i]);
        for i in order {
            let traffic = traffic.get(&traffic_id[i]).ok_or_else(unreadable)?;
            let campaign =
                usize::try_from(campaign_id[i]).ok().and_then(|id| campaigns.get(id)).ok_or_else(unreadable)?;
            let session = StoredSession {
                visitor: visitors[i].clone(),
                visitor_session_number: count(number[i])?,
                is_new: is_new[i] != 0,
                start_ms: start[i],
                end_ms: end[i],
                duration_ms: duration[i],
                hits: count(hits[i])?,
                interaction_hits: count(interaction_hits[i])?,
                pageviews: count(pageviews[i])?,
                landing_page: url(landing[i])?,
                exit_page: url(exit[i])?,
                bounce: bounce[i] != 0,
                engaged: engaged[i] != 0,
                traffic: traffic.clone(),
                click_id_param: campaign.click_id_param.clone(),
                click_id: campaign.click_id.clone(),
                device: devices.get(&device_id[i]).cloned().ok_or_else(unreadable)?,
                start_reason: usize::try_from(reason[i])
                    .ok()
                    .and_then(|r| StartReason::ALL.get(r).copied())
                    .ok_or_else(unreadable)?,
            };
            f(&session)?;
        }
        Ok(())
    }

    /// The hits a run's bot filter dropped, in time order.
    pub fn bot_hits(&self, run_id: i64) -> Result<Vec<StoredBotHit>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT rows, ts_ms, url_id, user_agent_id, ip_id FROM session_bot_chunk WHERE run_id = ?1 ORDER BY seq",
        )?;
        let mut rows = stmt.query([run_id])?;
        let mut columns: [Vec<i64>; 4] = Default::default();
        while let Some(row) = rows.next()? {
            let n = usize::try_from(row.get::<_, i64>(0)?).map_err(|_| unreadable())?;
            for (i, column) in columns.iter_mut().enumerate() {
                let blob = chunk::blob(row, 1 + i).map_err(|_| unreadable())?;
                column.extend(chunk::decode_deltas(blob, n).ok_or_else(unreadable)?);
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
