//! The bulk loader. An import runs on three threads:
//! - the import thread parses the file; its [`Collector`] (a [`Sink`]) copies the rows into
//!   batches, counts them, reports progress and honours cancellation;
//! - the [`HitEncoder`] dictionary-encodes the batches' hits, truncating or hashing IP
//!   addresses and dropping events whose id it has seen;
//! - the writer owns the connection and writes the encoded batches inside the import's one
//!   transaction, hits as chunks (see `chunk.rs`), other rows with prepared statements.
//!
//! Parsing and encoding each take about half of a large import, so on two cores they overlap.

use std::hash::BuildHasher;
use std::io::Read;
use std::net::IpAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use chrono::NaiveDate;
use chrono_tz::Tz;
use hashbrown::HashTable;
use rusqlite::{params, Connection};
use rustc_hash::FxBuildHasher;
use serde::Serialize;

use super::chunk::ChunkWriter;
use super::dictionary;
use super::{CancelToken, Project};
use crate::error::{Error, Result};
use crate::import::text::LongLines;
use crate::import::{self, Field, ImportOptions, Input, IpPolicy, OwnedAdClick, OwnedAdStat, Reject, Sink};
use crate::model::{AdClickRow, AdStatRow, CampaignTags, HitRow, HitType, Kind, ReportedSessionsRow};
use crate::store::reports::ReportedSessions;
use crate::url::url_tags;

/// How often (in rows) the collector checks for cancellation and reports progress.
const CHECK_EVERY: u64 = 4096;
/// Rows the collector gathers before handing a batch to the encoder.
const BATCH_ROWS: usize = 8192;
/// Batches that may wait for the encoder or the writer (bounds memory; the parser waits when
/// they are full).
const BATCHES_IN_FLIGHT: usize = 4;

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
    /// Hits for traffic files; stat and click rows for ad files; reported-sessions rows for
    /// report files.
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
            let encoder = HitEncoder::new(Dictionaries::load(&self.conn)?, options.ip_policy, &salt);
            let (to_encoder, collected) = sync_channel(BATCHES_IN_FLIGHT);
            let (to_writer, encoded) = sync_channel(BATCHES_IN_FLIGHT);
            let conn = &mut self.conn;
            let summary = std::thread::scope(|scope| {
                let writer = scope.spawn(move || write_batches(conn, file_id, encoded));
                let encoder = scope.spawn(move || encoder.run(collected, to_writer));
                let mut collector = Collector::new(&input, control, to_encoder);
                let read = format.read(&mut input, &import::Context { path, options }, &mut collector);
                // Finished or dropped, the collector closes its channel, so the encoder and then
                // the writer end.
                let summary = read.and_then(|()| collector.finish());
                let failed = |what: &str| Error::InvalidInput(format!("the import {what} failed"));
                let written = writer.join().unwrap_or_else(|_| Err(failed("writer")));
                let totals = encoder.join().unwrap_or_else(|_| Err(failed("encoder")));
                // A writer error (a full disk, say) explains the encoder's failed send, and that
                // the collector's.
                written?;
                let totals = totals?;
                summary.map(|s| s.with_hits(totals))
            })?;
            if summary.rows == 0 && summary.rejected == 0 {
                return Err(Error::unreadable(path, "the file holds no data rows (only a header or preamble)"));
            }
            let time_zone = summary.time_zone.or(options.time_zone).map(|tz| tz.name().to_string());
            self.conn.execute(
                "UPDATE source_file SET rows_imported = ?2, rows_rejected = ?3, rows_duplicate = ?4,
                        first_ts_ms = ?5, last_ts_ms = ?6, time_zone = ?7, mapping = ?8,
                        first_date = ?9, last_date = ?10
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
                    summary.first_date.map(|d| d.to_string()),
                    summary.last_date.map(|d| d.to_string()),
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

/// BLAKE3 of the file's bytes, hex. Read rather than memory-mapped: a mapped file that another
/// program truncates meanwhile (a log rotated with copytruncate, say) kills the process. Each
/// 8 MiB read is hashed on all cores: the hash runs before the import starts its own threads,
/// and on two cores this takes about 5 % off a 1M-hit import (`--bench import`).
fn content_hash(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0; 8 << 20];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return Ok(hasher.finalize().to_hex().to_string()),
            Ok(n) => {
                hasher.update_rayon(&buffer[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(path, e)),
        }
    }
}

/// The dictionary tables of plain strings, in the order of [`Dictionaries::strings`].
const STRING_TABLES: [&str; 8] =
    ["url", "referrer", "user_agent", "client", "app_user", "source_session", "event_name", "ip_address"];
const URL: usize = 0;
const REFERRER: usize = 1;
const USER_AGENT: usize = 2;
const CLIENT: usize = 3;
const USER: usize = 4;
const SESSION: usize = 5;
const EVENT: usize = 6;
const IP: usize = 7;

/// Strings mapped to values, the strings end to end in one buffer and found by hash: millions
/// of new strings cost no allocation each, and none to free when the import ends.
struct StringMap<V> {
    text: String,
    entries: HashTable<Entry<V>>,
}

/// A string of a [`StringMap`]: where it lies in the text, and its value.
struct Entry<V> {
    start: usize,
    end: usize,
    value: V,
}

impl<V> Default for StringMap<V> {
    fn default() -> Self {
        StringMap { text: String::new(), entries: HashTable::new() }
    }
}

impl<V: Copy> StringMap<V> {
    fn get(&self, key: &str) -> Option<V> {
        self.find(fx_hash(key), key)
    }

    /// The value of `key`, whose hash is `hash`.
    fn find(&self, hash: u64, key: &str) -> Option<V> {
        let text = &self.text;
        self.entries.find(hash, |e| &text[e.start..e.end] == key).map(|e| e.value)
    }

    /// Maps `key`, which must not be mapped yet, to `value`.
    fn insert(&mut self, key: &str, value: V) {
        self.insert_hashed(fx_hash(key), key, value);
    }

    /// The value of `key`, mapped to `value()` first if it is not yet; and whether it was new.
    /// The key is hashed once either way.
    fn get_or_insert_with(&mut self, key: &str, value: impl FnOnce() -> V) -> (V, bool) {
        let hash = fx_hash(key);
        if let Some(value) = self.find(hash, key) {
            return (value, false);
        }
        let value = value();
        self.insert_hashed(hash, key, value);
        (value, true)
    }

    fn insert_hashed(&mut self, hash: u64, key: &str, value: V) {
        let StringMap { text, entries } = self;
        let start = text.len();
        text.push_str(key);
        let entry = Entry { start, end: text.len(), value };
        entries.insert_unique(hash, entry, |e| fx_hash(&text[e.start..e.end]));
    }
}

fn fx_hash(value: &str) -> u64 {
    FxBuildHasher.hash_one(value)
}

/// One dictionary table mirrored in memory, with the next id to hand out.
#[derive(Default)]
struct Dictionary {
    ids: StringMap<u32>,
    next_id: u32,
}

impl Dictionary {
    /// The entries of dictionary `table`, each keyed by `key` of its strings.
    fn load<const W: usize>(conn: &Connection, table: &str, key: impl Fn(&mut [String; W]) -> String) -> Result<Self> {
        let mut dict = Dictionary { next_id: 1, ..Default::default() };
        dictionary::read(conn, table, |id, strings| {
            // `read` hands out ids from 1 below u32::MAX / 2.
            let id = id as u32;
            dict.ids.insert(&key(strings), id);
            dict.next_id = id + 1;
        })?;
        Ok(dict)
    }

    /// The id of `value`, and whether it is new (and must be written).
    fn id(&mut self, value: &str) -> (u32, bool) {
        let next_id = &mut self.next_id;
        self.ids.get_or_insert_with(value, || {
            let id = *next_id;
            *next_id += 1;
            id
        })
    }
}

/// Every dictionary of the project, loaded before an import.
struct Dictionaries {
    strings: [Dictionary; 8],
    /// Keyed by the seven tags joined with U+001F.
    campaigns: Dictionary,
}

impl Dictionaries {
    fn load(conn: &Connection) -> Result<Self> {
        let mut strings: [Dictionary; 8] = Default::default();
        for (dict, table) in strings.iter_mut().zip(STRING_TABLES) {
            *dict = Dictionary::load(conn, table, |[value]| std::mem::take(value))?;
        }
        let campaigns = Dictionary::load(conn, "campaign", |tags: &mut [String; 7]| tags.join("\u{1f}"))?;
        Ok(Dictionaries { strings, campaigns })
    }
}

/// What the encoder hands the writer.
#[derive(Default)]
struct Batch {
    /// New dictionary entries, each (table index, id) with its value.
    strings: NewValues<(usize, u32)>,
    /// New campaigns, each id with the key of its seven tags joined with U+001F.
    campaigns: NewValues<u32>,
    /// Time and the other columns of each hit, as a chunk stores them.
    hits: Vec<(i64, [u32; 12])>,
    stats: Vec<OwnedAdStat>,
    clicks: Vec<OwnedAdClick>,
    reported: Vec<ReportedSessions>,
    rejects: Vec<Reject>,
}

/// Values new to the dictionaries, in the order they were met, each with what names it: the
/// values end to end in one buffer, rather than one allocation each.
struct NewValues<K> {
    text: String,
    ends: Vec<(K, usize)>,
}

impl<K> Default for NewValues<K> {
    fn default() -> Self {
        NewValues { text: String::new(), ends: Vec::new() }
    }
}

impl<K: Copy> NewValues<K> {
    fn push(&mut self, key: K, value: &str) {
        self.text.push_str(value);
        self.ends.push((key, self.text.len()));
    }

    fn iter(&self) -> impl Iterator<Item = (K, &str)> {
        let mut start = 0;
        self.ends.iter().map(move |&(key, end)| {
            let value = &self.text[start..end];
            start = end;
            (key, value)
        })
    }
}

impl Batch {
    fn rows(&self) -> usize {
        self.hits.len() + self.stats.len() + self.clicks.len() + self.reported.len() + self.rejects.len()
    }
}

struct Summary {
    /// Rows written: hits (once their duplicates are known) and the other rows.
    rows: u64,
    rejected: u64,
    duplicates: u64,
    first_ts: Option<i64>,
    last_ts: Option<i64>,
    /// First and last day of the dated rows (ad days, report periods).
    first_date: Option<NaiveDate>,
    last_date: Option<NaiveDate>,
    time_zone: Option<Tz>,
    columns: Vec<(Field, String)>,
}

impl Summary {
    /// A row covering `first..=last` was written.
    fn dated_row(&mut self, first: NaiveDate, last: NaiveDate) {
        self.rows += 1;
        self.first_date = Some(self.first_date.map_or(first, |d| d.min(first)));
        self.last_date = Some(self.last_date.map_or(last, |d| d.max(last)));
    }

    /// The summary with the encoder's account of the hits the collector passed on.
    fn with_hits(self, totals: HitTotals) -> Summary {
        Summary {
            rows: self.rows + totals.hits,
            duplicates: totals.duplicates,
            first_ts: totals.first_ts,
            last_ts: totals.last_ts,
            ..self
        }
    }
}

/// Hits as the parser gave them, owned for the encoder thread: every string of a hit appended
/// to one buffer, each hit keeping where its strings end.
#[derive(Default)]
struct CollectedHits {
    text: String,
    hits: Vec<CollectedHit>,
}

/// The strings of a hit in the order [`CollectedHits::push`] appends them.
const HIT_STRINGS: usize = 16;

struct CollectedHit {
    ts_ms: i64,
    hit_type: HitType,
    interaction: bool,
    session_engaged: Option<bool>,
    /// Where each of its strings ends in the buffer.
    ends: [u32; HIT_STRINGS],
}

/// A batch's buffer of strings is sent on once it holds this many bytes, whatever its rows.
const BATCH_TEXT_BYTES: usize = 16 << 20;

impl CollectedHits {
    fn push(&mut self, row: &HitRow<'_>) {
        let t = &row.tags;
        let strings = [
            row.event,
            row.client_id,
            row.user_id,
            row.source_session_id,
            row.event_id,
            row.url,
            row.referrer,
            row.user_agent,
            row.ip,
            t.source,
            t.medium,
            t.campaign,
            t.term,
            t.content,
            t.click_id_param,
            t.click_id,
        ];
        let mut ends = [0; HIT_STRINGS];
        for (end, string) in ends.iter_mut().zip(strings) {
            self.text.push_str(string);
            *end = u32::try_from(self.text.len()).expect("a batch's strings stay below BATCH_TEXT_BYTES plus a line");
        }
        let (ts_ms, hit_type, interaction, session_engaged) =
            (row.ts_ms, row.hit_type, row.interaction, row.session_engaged);
        self.hits.push(CollectedHit { ts_ms, hit_type, interaction, session_engaged, ends });
    }

    /// Each hit as the parser gave it, in order.
    fn for_each(&self, mut f: impl FnMut(&HitRow<'_>)) {
        let mut start = 0;
        for hit in &self.hits {
            let mut strings = [""; HIT_STRINGS];
            for (string, &end) in strings.iter_mut().zip(&hit.ends) {
                *string = &self.text[start..end as usize];
                start = end as usize;
            }
            let [event, client_id, user_id, source_session_id, event_id, url, referrer, user_agent, ip, source, medium, campaign, term, content, click_id_param, click_id] =
                strings;
            f(&HitRow {
                ts_ms: hit.ts_ms,
                hit_type: hit.hit_type,
                event,
                interaction: hit.interaction,
                client_id,
                user_id,
                source_session_id,
                session_engaged: hit.session_engaged,
                event_id,
                url,
                referrer,
                user_agent,
                ip,
                tags: CampaignTags { source, medium, campaign, term, content, click_id_param, click_id },
            });
        }
    }
}

/// What the collector hands the encoder: hits still to encode, and the other rows as they will
/// be written.
#[derive(Default)]
struct Collected {
    hits: CollectedHits,
    rest: Batch,
}

/// The import thread's half: a [`Sink`] that copies rows into batches for the encoder.
struct Collector<'a> {
    batch: Collected,
    batches: SyncSender<Collected>,
    control: ImportControl<'a>,
    /// Hits passed on, duplicates or not (the encoder knows which).
    hits: u64,
    bytes_read: Arc<AtomicU64>,
    bytes_total: u64,
    /// Lines the input skipped as too long, to be stored as rejects.
    long_lines: LongLines,
    summary: Summary,
}

impl<'a> Collector<'a> {
    fn new(input: &Input, control: ImportControl<'a>, batches: SyncSender<Collected>) -> Self {
        Collector {
            batch: Collected::default(),
            batches,
            control,
            hits: 0,
            bytes_read: input.progress_counter(),
            bytes_total: input.size(),
            long_lines: input.long_lines(),
            summary: Summary {
                rows: 0,
                rejected: 0,
                duplicates: 0,
                first_ts: None,
                last_ts: None,
                first_date: None,
                last_date: None,
                time_zone: None,
                columns: Vec::new(),
            },
        }
    }

    fn row_added(&mut self) -> Result<()> {
        self.take_long_lines();
        let b = &self.batch;
        if b.hits.hits.len() + b.rest.rows() >= BATCH_ROWS || b.hits.text.len() >= BATCH_TEXT_BYTES {
            self.send()?;
        }
        if (self.hits + self.summary.rows + self.summary.rejected).is_multiple_of(CHECK_EVERY) {
            self.tick()?;
        }
        Ok(())
    }

    fn send(&mut self) -> Result<()> {
        let batch = std::mem::take(&mut self.batch);
        // A closed channel means the encoder or the writer stopped on an error, which the
        // import reports.
        self.batches.send(batch).map_err(|_| Error::InvalidInput("the import writer stopped".into()))
    }

    fn tick(&mut self) -> Result<()> {
        if self.control.cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let progress = Progress {
            rows: self.hits + self.summary.rows,
            rejected: self.summary.rejected,
            bytes_read: self.bytes_read.load(Ordering::Relaxed),
            bytes_total: self.bytes_total,
        };
        if let Some(report) = self.control.progress.as_mut() {
            report(&progress);
        }
        Ok(())
    }

    /// Move the lines the input skipped as too long into the batch's rejects.
    fn take_long_lines(&mut self) {
        let skipped = self.long_lines.take();
        self.summary.rejected += skipped.len() as u64;
        self.batch.rest.rejects.extend(skipped);
    }

    /// Send what is left; the summary lacks the hits, which the encoder accounts for.
    fn finish(mut self) -> Result<Summary> {
        self.take_long_lines();
        self.send()?;
        self.tick()?;
        Ok(self.summary)
    }
}

impl<'a> Sink for Collector<'a> {
    fn hit(&mut self, row: &HitRow<'_>) -> Result<()> {
        self.batch.hits.push(row);
        self.hits += 1;
        self.row_added()
    }

    fn ad_stat(&mut self, row: &AdStatRow<'_>) -> Result<()> {
        let mut owned = import::MemorySink::default();
        owned.ad_stat(row)?;
        self.batch.rest.stats.extend(owned.ad_stats);
        self.summary.dated_row(row.date, row.date);
        self.row_added()
    }

    fn ad_click(&mut self, row: &AdClickRow<'_>) -> Result<()> {
        let mut owned = import::MemorySink::default();
        owned.ad_click(row)?;
        self.batch.rest.clicks.extend(owned.ad_clicks);
        self.summary.dated_row(row.date, row.date);
        self.row_added()
    }

    fn reported_sessions(&mut self, row: &ReportedSessionsRow<'_>) -> Result<()> {
        self.batch.rest.reported.push(row.into());
        self.summary.dated_row(row.first_date, row.last_date);
        self.row_added()
    }

    fn reject(&mut self, line: u64, raw: &str, reason: &str) -> Result<()> {
        self.batch.rest.rejects.push(Reject { line, raw: raw.into(), reason: reason.into() });
        self.summary.rejected += 1;
        self.row_added()
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

/// The encoder's account of the hits: how many it passed on, how many it dropped as
/// duplicates, and their time span.
#[derive(Default)]
struct HitTotals {
    hits: u64,
    duplicates: u64,
    first_ts: Option<i64>,
    last_ts: Option<i64>,
}

/// The encoder thread's half: turns collected hits into dictionary ids.
struct HitEncoder {
    dicts: Dictionaries,
    /// New dictionary entries and encoded hits go here.
    batch: Batch,
    seen_event_ids: StringMap<()>,
    ip_policy: IpPolicy,
    ip_key: [u8; 32],
    /// Raw address to stored id, so each distinct address is truncated or hashed once.
    ip_ids: StringMap<u32>,
    campaign_key: String,
    totals: HitTotals,
}

impl HitEncoder {
    fn new(dicts: Dictionaries, ip_policy: IpPolicy, salt: &str) -> Self {
        HitEncoder {
            dicts,
            batch: Batch::default(),
            seen_event_ids: StringMap::default(),
            ip_policy,
            ip_key: *blake3::hash(salt.as_bytes()).as_bytes(),
            ip_ids: StringMap::default(),
            campaign_key: String::new(),
            totals: HitTotals::default(),
        }
    }

    /// Encode every collected batch and pass it on, until the collector is done.
    fn run(mut self, collected: Receiver<Collected>, encoded: SyncSender<Batch>) -> Result<HitTotals> {
        for Collected { hits, rest } in collected {
            self.batch = rest;
            hits.for_each(|hit| self.hit(hit));
            let batch = std::mem::take(&mut self.batch);
            // A closed channel means the writer stopped on an error, which the import reports.
            encoded.send(batch).map_err(|_| Error::InvalidInput("the import writer stopped".into()))?;
        }
        Ok(self.totals)
    }

    fn hit(&mut self, row: &HitRow<'_>) {
        if !row.event_id.is_empty() && !self.seen_event_ids.get_or_insert_with(row.event_id, || ()).1 {
            self.totals.duplicates += 1;
            return;
        }
        let hit_type = match row.hit_type {
            HitType::PageView => 0,
            HitType::Event => 1,
            HitType::Asset => 2,
        };
        let hit = [
            hit_type,
            u32::from(row.interaction),
            self.string_id(EVENT, row.event),
            self.optional_string_id(CLIENT, row.client_id),
            self.optional_string_id(USER, row.user_id),
            self.optional_string_id(SESSION, row.source_session_id),
            self.string_id(URL, row.url),
            self.optional_string_id(REFERRER, row.referrer),
            self.optional_string_id(USER_AGENT, row.user_agent),
            self.ip_id(row.ip),
            self.campaign_id(row),
            row.session_engaged.map_or(0, |engaged| 1 + u32::from(engaged)),
        ];
        self.batch.hits.push((row.ts_ms, hit));
        let t = &mut self.totals;
        t.hits += 1;
        t.first_ts = Some(t.first_ts.map_or(row.ts_ms, |v| v.min(row.ts_ms)));
        t.last_ts = Some(t.last_ts.map_or(row.ts_ms, |v| v.max(row.ts_ms)));
    }

    fn string_id(&mut self, table: usize, value: &str) -> u32 {
        let (id, new) = self.dicts.strings[table].id(value);
        if new {
            self.batch.strings.push((table, id), value);
        }
        id
    }

    /// The id of `value`, 0 (absent) for an empty one.
    fn optional_string_id(&mut self, table: usize, value: &str) -> u32 {
        if value.is_empty() {
            0
        } else {
            self.string_id(table, value)
        }
    }

    /// The id of the stored form of an IP address under the file's policy, 0 for none.
    fn ip_id(&mut self, ip: &str) -> u32 {
        if ip.is_empty() || ip == "-" {
            return 0;
        }
        if let Some(id) = self.ip_ids.get(ip) {
            return id;
        }
        let stored = match (self.ip_policy, ip.parse::<IpAddr>()) {
            (IpPolicy::Raw, _) => ip.to_string(),
            (IpPolicy::Truncate, Ok(addr)) => truncate_ip(addr).to_string(),
            // A hash also stands in for what cannot be truncated (host names in some logs).
            (IpPolicy::Hash, _) | (IpPolicy::Truncate, Err(_)) => {
                format!("h:{}", &blake3::keyed_hash(&self.ip_key, ip.as_bytes()).to_hex()[..16])
            }
        };
        let id = self.string_id(IP, &stored);
        self.ip_ids.insert(ip, id);
        id
    }

    /// The id of the hit's campaign tags (explicit ones first, the URL's for the rest), or 0
    /// when it has none.
    fn campaign_id(&mut self, row: &HitRow<'_>) -> u32 {
        let from_url = if row.url.contains('?') { url_tags(row.url) } else { Default::default() };
        let t = &row.tags;
        let (param, click) = if t.click_id.is_empty() {
            (from_url.click_id_param, from_url.click_id.as_ref())
        } else {
            (t.click_id_param, t.click_id)
        };
        fn or_url<'s>(explicit: &'s str, url: &'s str) -> &'s str {
            if explicit.is_empty() {
                url
            } else {
                explicit
            }
        }
        let parts: [&str; 7] = [
            or_url(t.source, &from_url.source),
            or_url(t.medium, &from_url.medium),
            or_url(t.campaign, &from_url.campaign),
            or_url(t.term, &from_url.term),
            or_url(t.content, &from_url.content),
            param,
            click,
        ];
        if parts.iter().all(|p| p.is_empty()) {
            return 0;
        }
        self.campaign_key.clear();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                self.campaign_key.push('\u{1f}');
            }
            self.campaign_key.push_str(part);
        }
        let (id, new) = self.dicts.campaigns.id(&self.campaign_key);
        if new {
            self.batch.campaigns.push(id, &self.campaign_key);
        }
        id
    }
}

/// The writer thread's half: owns the connection for the import and writes every batch.
fn write_batches(conn: &mut Connection, file_id: i64, batches: Receiver<Batch>) -> Result<()> {
    let mut insert_strings = STRING_TABLES
        .iter()
        .map(|table| conn.prepare(&format!("INSERT INTO {table} (id, value) VALUES (?1, ?2)")))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut string_chunks =
        STRING_TABLES.iter().map(|table| dictionary::Appender::new(conn, table)).collect::<Result<Vec<_>>>()?;
    let mut insert_campaign = conn.prepare(&format!(
        "INSERT INTO campaign (id, {}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        dictionary::CAMPAIGN_COLUMNS.join(", ")
    ))?;
    let mut campaign_chunks = dictionary::Appender::new(conn, "campaign")?;
    let mut hits = ChunkWriter::new(conn, file_id)?;
    let mut insert_stat = conn.prepare(
        "INSERT INTO ad_stat (file_id, platform, account, campaign_id, campaign, ad_group, date, last_date, device,
                              impressions, clicks, cost_micros, currency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    let mut insert_click = conn.prepare(
        "INSERT INTO ad_click (file_id, platform, account, campaign_id, campaign, ad_group, date, ts_ms,
                               device, click_id_param, click_id, clicks)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let mut insert_reported = conn.prepare(
        "INSERT INTO reported_session (file_id, platform, first_date, last_date, campaign, source, medium, channel,
                                       sessions, engaged_sessions, key_events, users)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let mut insert_reject = conn.prepare("INSERT INTO reject (file_id, line, raw, reason) VALUES (?1, ?2, ?3, ?4)")?;

    for batch in batches {
        for ((table, id), value) in batch.strings.iter() {
            insert_strings[table].execute(params![id, value])?;
            string_chunks[table].push(i64::from(id), [value])?;
        }
        for (id, key) in batch.campaigns.iter() {
            let tags: Vec<&str> = key.split('\u{1f}').collect();
            insert_campaign.execute(params![id, tags[0], tags[1], tags[2], tags[3], tags[4], tags[5], tags[6]])?;
            campaign_chunks.push(i64::from(id), tags)?;
        }
        for &(ts_ms, values) in &batch.hits {
            hits.push(ts_ms, values)?;
        }
        for r in &batch.stats {
            insert_stat.execute(params![
                file_id,
                r.platform,
                r.account,
                r.campaign_id,
                r.campaign,
                r.ad_group,
                r.date.to_string(),
                r.last_date.to_string(),
                r.device,
                r.impressions,
                r.clicks,
                r.cost_micros,
                r.currency
            ])?;
        }
        for r in &batch.clicks {
            insert_click.execute(params![
                file_id,
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
        }
        for r in &batch.reported {
            insert_reported.execute(params![
                file_id,
                r.platform,
                r.first_date.to_string(),
                r.last_date.to_string(),
                r.campaign,
                r.source,
                r.medium,
                r.channel,
                r.sessions,
                r.engaged_sessions,
                r.key_events,
                r.users
            ])?;
        }
        for r in &batch.rejects {
            insert_reject.execute(params![file_id, r.line as i64, r.raw, r.reason])?;
        }
    }
    string_chunks.into_iter().try_for_each(dictionary::Appender::finish)?;
    campaign_chunks.finish()?;
    hits.finish()
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
