//! The bulk loader: an [`import::Sink`](crate::import::Sink) that dictionary-encodes rows in
//! memory and writes them with prepared statements inside the import's one transaction. It
//! truncates or hashes IP addresses, drops events whose id it has seen, reports progress and
//! honours cancellation.

use std::net::IpAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono_tz::Tz;
use rusqlite::{params, Connection, Statement};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::{CancelToken, Project};
use crate::error::{Error, Result};
use crate::import::urlparts::url_tags;
use crate::import::{self, Field, ImportOptions, Input, IpPolicy, Sink};
use crate::model::{AdClickRow, AdStatRow, HitRow, HitType, Kind};

/// How often (in rows) the loader checks for cancellation and reports progress.
const CHECK_EVERY: u64 = 4096;
/// Hits written per INSERT statement: one statement step per batch instead of per row.
const HIT_BATCH: usize = 64;
const HIT_COLUMNS: &str = "file_id, ts_ms, hit_type, interaction, event_name_id, client_id, user_id, \
                           source_session_id, url_id, referrer_id, user_agent_id, ip_id, campaign_id";

/// A hit as stored: the file's id, then the columns of [`HIT_COLUMNS`] after it.
type EncodedHit = [Option<i64>; 12];

/// What an import reports as it goes.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Progress {
    pub rows: u64,
    pub rejected: u64,
    pub bytes_read: u64,
    pub bytes_total: u64,
}

/// How the caller steers a running import.
#[derive(Default)]
pub struct ImportControl<'a> {
    pub cancel: CancelToken,
    pub progress: Option<&'a mut dyn FnMut(&Progress)>,
}

/// The outcome of importing one file.
#[derive(Clone, Debug, Serialize)]
pub struct ImportReport {
    pub file_id: i64,
    pub path: String,
    pub format: &'static str,
    pub description: &'static str,
    pub kind: Kind,
    pub encoding: &'static str,
    pub compression: Option<&'static str>,
    /// Hits for traffic files; stat and click rows for ad files.
    pub rows_imported: u64,
    pub rows_rejected: u64,
    /// Events dropped because their event id was seen before in the file.
    pub rows_duplicate: u64,
    pub time_zone: Option<String>,
}

impl Project {
    /// Import one file as one transaction. On any error or cancellation the project is left
    /// exactly as it was.
    pub fn import(&mut self, path: &Path, options: &ImportOptions, control: ImportControl<'_>) -> Result<ImportReport> {
        let (format, detected) = import::detect(path, options)?;
        let size = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
        let hash = content_hash(path)?;
        if !options.force {
            let previous: Option<String> = self
                .conn
                .query_row("SELECT name FROM source_file WHERE content_hash = ?1 LIMIT 1", [&hash], |r| r.get(0))
                .ok();
            if let Some(previous) = previous {
                return Err(Error::DuplicateFile { path: path.into(), previous });
            }
        }
        let salt = self.meta("ip_salt")?;

        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = (|| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            self.conn.execute(
                "INSERT INTO source_file (name, path, size, content_hash, format, kind, encoding, compression,
                                          time_zone, ip_policy, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                params![
                    name,
                    path.display().to_string(),
                    size as i64,
                    hash,
                    detected.format,
                    detected.kind.as_str(),
                    detected.encoding,
                    detected.compression,
                    options.time_zone.map(|tz| tz.name()),
                    options.ip_policy.as_str(),
                ],
            )?;
            let file_id = self.conn.last_insert_rowid();
            let mut input = Input::open(path)?;
            let mut loader = Loader::new(&self.conn, file_id, options.ip_policy, &salt, &input, control)?;
            format.read(&mut input, &import::Context { path, options }, &mut loader)?;
            let summary = loader.finish()?;
            if summary.rows == 0 && summary.rejected == 0 {
                return Err(Error::unreadable(path, "the file holds no data rows (only a header or preamble)"));
            }
            let time_zone = summary.time_zone.or(options.time_zone).map(|tz| tz.name().to_string());
            self.conn.execute(
                "UPDATE source_file SET rows_imported = ?2, rows_rejected = ?3, rows_duplicate = ?4,
                        first_ts_ms = ?5, last_ts_ms = ?6, time_zone = ?7, mapping = ?8
                 WHERE id = ?1",
                params![
                    file_id,
                    summary.rows as i64,
                    summary.rejected as i64,
                    summary.duplicates as i64,
                    summary.first_ts,
                    summary.last_ts,
                    time_zone,
                    serde_json::to_string(&summary.columns).expect("a mapping serialises"),
                ],
            )?;
            Ok(ImportReport {
                file_id,
                path: path.display().to_string(),
                format: detected.format,
                description: detected.description,
                kind: detected.kind,
                encoding: detected.encoding,
                compression: detected.compression,
                rows_imported: summary.rows,
                rows_rejected: summary.rejected,
                rows_duplicate: summary.duplicates,
                time_zone,
            })
        })();
        match result {
            Ok(report) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(report)
            }
            Err(e) => {
                self.conn.execute_batch("ROLLBACK")?;
                Err(e)
            }
        }
    }
}

/// BLAKE3 of the file's bytes, hex.
fn content_hash(path: &Path) -> Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_mmap(path).map_err(|e| Error::io(path, e))?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// One dictionary table, mirrored in memory.
struct Dict<'c> {
    ids: FxHashMap<Box<str>, i64>,
    insert: Statement<'c>,
}

impl<'c> Dict<'c> {
    fn load(conn: &'c Connection, table: &str) -> Result<Dict<'c>> {
        let mut ids = FxHashMap::default();
        let mut select = conn.prepare(&format!("SELECT id, value FROM {table}"))?;
        let mut rows = select.query([])?;
        while let Some(row) = rows.next()? {
            ids.insert(row.get::<_, String>(1)?.into_boxed_str(), row.get(0)?);
        }
        let insert = conn.prepare(&format!("INSERT INTO {table} (value) VALUES (?1)"))?;
        Ok(Dict { ids, insert })
    }

    fn id(&mut self, value: &str) -> Result<i64> {
        if let Some(&id) = self.ids.get(value) {
            return Ok(id);
        }
        let id = self.insert.insert([value])?;
        self.ids.insert(value.into(), id);
        Ok(id)
    }

    fn opt_id(&mut self, value: &str) -> Result<Option<i64>> {
        if value.is_empty() {
            Ok(None)
        } else {
            self.id(value).map(Some)
        }
    }
}

/// The campaign dictionary: one row per distinct tag tuple.
struct Campaigns<'c> {
    ids: FxHashMap<Box<str>, i64>,
    insert: Statement<'c>,
    key: String,
}

impl<'c> Campaigns<'c> {
    fn load(conn: &'c Connection) -> Result<Campaigns<'c>> {
        let mut ids = FxHashMap::default();
        let mut select =
            conn.prepare("SELECT id, source, medium, name, term, content, click_id_param, click_id FROM campaign")?;
        let mut rows = select.query([])?;
        while let Some(row) = rows.next()? {
            let parts: Vec<String> = (1..8).map(|i| row.get(i)).collect::<rusqlite::Result<_>>()?;
            ids.insert(parts.join("\u{1f}").into_boxed_str(), row.get(0)?);
        }
        let insert = conn.prepare(
            "INSERT INTO campaign (source, medium, name, term, content, click_id_param, click_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        Ok(Campaigns { ids, insert, key: String::new() })
    }

    /// The id of the tags, explicit ones first and the URL's for the rest; `None` if no tags.
    fn id(&mut self, row: &HitRow<'_>) -> Result<Option<i64>> {
        let from_url = if row.url.contains('?') { url_tags(row.url) } else { Default::default() };
        let t = &row.tags;
        let pick = |explicit: &'_ str, url: &'_ str| {
            if explicit.is_empty() {
                url.to_string()
            } else {
                explicit.to_string()
            }
        };
        let (param, click) = if t.click_id.is_empty() {
            (from_url.click_id_param.to_string(), from_url.click_id.to_string())
        } else {
            (t.click_id_param.to_string(), t.click_id.to_string())
        };
        let parts = [
            pick(t.source, &from_url.source),
            pick(t.medium, &from_url.medium),
            pick(t.campaign, &from_url.campaign),
            pick(t.term, &from_url.term),
            pick(t.content, &from_url.content),
            param,
            click,
        ];
        if parts.iter().all(String::is_empty) {
            return Ok(None);
        }
        self.key.clear();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                self.key.push('\u{1f}');
            }
            self.key.push_str(p);
        }
        if let Some(&id) = self.ids.get(self.key.as_str()) {
            return Ok(Some(id));
        }
        let id = self.insert.insert(rusqlite::params_from_iter(parts.iter()))?;
        self.ids.insert(self.key.as_str().into(), id);
        Ok(Some(id))
    }
}

struct Summary {
    rows: u64,
    rejected: u64,
    duplicates: u64,
    first_ts: Option<i64>,
    last_ts: Option<i64>,
    time_zone: Option<Tz>,
    columns: Vec<(Field, String)>,
}

struct Loader<'c, 'a> {
    file_id: i64,
    insert_hit: Statement<'c>,
    insert_hit_batch: Statement<'c>,
    pending_hits: Vec<EncodedHit>,
    insert_stat: Statement<'c>,
    insert_click: Statement<'c>,
    insert_reject: Statement<'c>,
    urls: Dict<'c>,
    referrers: Dict<'c>,
    user_agents: Dict<'c>,
    clients: Dict<'c>,
    users: Dict<'c>,
    sessions: Dict<'c>,
    events: Dict<'c>,
    ips: Dict<'c>,
    campaigns: Campaigns<'c>,
    seen_event_ids: FxHashSet<Box<str>>,
    ip_policy: IpPolicy,
    ip_key: [u8; 32],
    ip_text: String,
    control: ImportControl<'a>,
    bytes_read: Arc<AtomicU64>,
    bytes_total: u64,
    summary: Summary,
}

impl<'c, 'a> Loader<'c, 'a> {
    fn new(
        conn: &'c Connection,
        file_id: i64,
        ip_policy: IpPolicy,
        salt: &str,
        input: &Input,
        control: ImportControl<'a>,
    ) -> Result<Self> {
        Ok(Loader {
            file_id,
            insert_hit: conn.prepare(&insert_hits_sql(1))?,
            insert_hit_batch: conn.prepare(&insert_hits_sql(HIT_BATCH))?,
            pending_hits: Vec::with_capacity(HIT_BATCH),
            insert_stat: conn.prepare(
                "INSERT INTO ad_stat (file_id, platform, account, campaign_id, campaign, ad_group, date, device,
                                      impressions, clicks, cost_micros, currency)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?,
            insert_click: conn.prepare(
                "INSERT INTO ad_click (file_id, platform, account, campaign_id, campaign, ad_group, date, ts_ms,
                                       device, click_id_param, click_id, clicks)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?,
            insert_reject: conn.prepare("INSERT INTO reject (file_id, line, raw, reason) VALUES (?1, ?2, ?3, ?4)")?,
            urls: Dict::load(conn, "url")?,
            referrers: Dict::load(conn, "referrer")?,
            user_agents: Dict::load(conn, "user_agent")?,
            clients: Dict::load(conn, "client")?,
            users: Dict::load(conn, "app_user")?,
            sessions: Dict::load(conn, "source_session")?,
            events: Dict::load(conn, "event_name")?,
            ips: Dict::load(conn, "ip_address")?,
            campaigns: Campaigns::load(conn)?,
            seen_event_ids: FxHashSet::default(),
            ip_policy,
            ip_key: *blake3::hash(salt.as_bytes()).as_bytes(),
            ip_text: String::new(),
            control,
            bytes_read: input.progress_counter(),
            bytes_total: input.size(),
            summary: Summary {
                rows: 0,
                rejected: 0,
                duplicates: 0,
                first_ts: None,
                last_ts: None,
                time_zone: None,
                columns: Vec::new(),
            },
        })
    }

    fn tick(&mut self) -> Result<()> {
        if self.control.cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let progress = Progress {
            rows: self.summary.rows,
            rejected: self.summary.rejected,
            bytes_read: self.bytes_read.load(Ordering::Relaxed),
            bytes_total: self.bytes_total,
        };
        if let Some(report) = self.control.progress.as_mut() {
            report(&progress);
        }
        Ok(())
    }

    fn counted(&mut self) -> Result<()> {
        self.summary.rows += 1;
        if self.summary.rows % CHECK_EVERY == 0 {
            self.tick()?;
        }
        Ok(())
    }

    /// The stored form of an IP address under the file's policy.
    fn ip_id(&mut self, ip: &str) -> Result<Option<i64>> {
        if ip.is_empty() || ip == "-" {
            return Ok(None);
        }
        self.ip_text.clear();
        let parsed: Option<IpAddr> = ip.parse().ok();
        match (self.ip_policy, parsed) {
            (IpPolicy::Raw, _) => self.ip_text.push_str(ip),
            (IpPolicy::Truncate, Some(addr)) => self.ip_text.push_str(&truncate_ip(addr).to_string()),
            // A hash also stands in for what cannot be truncated (host names in some logs).
            (IpPolicy::Hash, _) | (IpPolicy::Truncate, None) => {
                let hash = blake3::keyed_hash(&self.ip_key, ip.as_bytes());
                self.ip_text.push_str("h:");
                self.ip_text.push_str(&hash.to_hex()[..16]);
            }
        }
        let text = std::mem::take(&mut self.ip_text);
        let id = self.ips.id(&text);
        self.ip_text = text;
        id.map(Some)
    }

    /// Write the pending hits: full batches with the batch statement, a remainder row by row.
    fn flush_hits(&mut self) -> Result<()> {
        let (statement, rows) = if self.pending_hits.len() == HIT_BATCH {
            (&mut self.insert_hit_batch, HIT_BATCH)
        } else {
            (&mut self.insert_hit, 1)
        };
        for chunk in self.pending_hits.chunks(rows) {
            let mut index = 0;
            for hit in chunk {
                for value in std::iter::once(Some(self.file_id)).chain(hit.iter().copied()) {
                    index += 1;
                    statement.raw_bind_parameter(index, value)?;
                }
            }
            statement.raw_execute()?;
        }
        self.pending_hits.clear();
        Ok(())
    }

    fn finish(mut self) -> Result<Summary> {
        self.flush_hits()?;
        self.tick()?;
        Ok(self.summary)
    }
}

/// `INSERT INTO hit ... VALUES (...), (...)` for `rows` rows.
fn insert_hits_sql(rows: usize) -> String {
    let one = format!("({})", vec!["?"; 13].join(", "));
    format!("INSERT INTO hit ({HIT_COLUMNS}) VALUES {}", vec![one; rows].join(", "))
}

/// IPv4 to its /24, IPv6 to its /48.
pub fn truncate_ip(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            IpAddr::from([a, b, c, 0])
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::from([s[0], s[1], s[2], 0, 0, 0, 0, 0])
        }
    }
}

impl Sink for Loader<'_, '_> {
    fn hit(&mut self, row: &HitRow<'_>) -> Result<()> {
        if !row.event_id.is_empty() && !self.seen_event_ids.insert(row.event_id.into()) {
            self.summary.duplicates += 1;
            return Ok(());
        }
        let event = self.events.id(row.event)?;
        let client = self.clients.opt_id(row.client_id)?;
        let user = self.users.opt_id(row.user_id)?;
        let session = self.sessions.opt_id(row.source_session_id)?;
        let url = self.urls.id(row.url)?;
        let referrer = self.referrers.opt_id(row.referrer)?;
        let user_agent = self.user_agents.opt_id(row.user_agent)?;
        let ip = self.ip_id(row.ip)?;
        let campaign = self.campaigns.id(row)?;
        let hit_type = match row.hit_type {
            HitType::PageView => 0,
            HitType::Event => 1,
            HitType::Asset => 2,
        };
        self.pending_hits.push([
            Some(row.ts_ms),
            Some(hit_type),
            Some(i64::from(row.interaction)),
            Some(event),
            client,
            user,
            session,
            Some(url),
            referrer,
            user_agent,
            ip,
            campaign,
        ]);
        if self.pending_hits.len() == HIT_BATCH {
            self.flush_hits()?;
        }
        let s = &mut self.summary;
        s.first_ts = Some(s.first_ts.map_or(row.ts_ms, |t| t.min(row.ts_ms)));
        s.last_ts = Some(s.last_ts.map_or(row.ts_ms, |t| t.max(row.ts_ms)));
        self.counted()
    }

    fn ad_stat(&mut self, r: &AdStatRow<'_>) -> Result<()> {
        self.insert_stat.execute(params![
            self.file_id,
            r.platform,
            r.account,
            r.campaign_id,
            r.campaign,
            r.ad_group,
            r.date.to_string(),
            r.device,
            r.impressions,
            r.clicks,
            r.cost_micros,
            r.currency
        ])?;
        self.counted()
    }

    fn ad_click(&mut self, r: &AdClickRow<'_>) -> Result<()> {
        self.insert_click.execute(params![
            self.file_id,
            r.platform,
            r.account,
            r.campaign_id,
            r.campaign,
            r.ad_group,
            r.date.to_string(),
            r.ts_ms,
            r.device,
            r.click_id_param,
            r.click_id,
            r.clicks
        ])?;
        self.counted()
    }

    fn reject(&mut self, line: u64, raw: &str, reason: &str) -> Result<()> {
        self.insert_reject.execute(params![self.file_id, line as i64, raw, reason])?;
        self.summary.rejected += 1;
        if self.summary.rejected % CHECK_EVERY == 0 {
            self.tick()?;
        }
        Ok(())
    }

    fn file_time_zone(&mut self, tz: Tz) -> Result<()> {
        self.summary.time_zone = Some(tz);
        Ok(())
    }

    fn columns(&mut self, mapping: &[(Field, String)]) -> Result<()> {
        self.summary.columns = mapping.to_vec();
        Ok(())
    }
}
