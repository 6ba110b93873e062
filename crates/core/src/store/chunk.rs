//! Hits as the project stores them: per imported file, chunks of up to [`CHUNK_ROWS`] hits in
//! the order they were imported, one `hit_chunk` row each with every column one BLOB, so reading
//! a project's hits decodes a few hundred blobs instead of one SQLite row per hit.
//!
//! A column is its values as LEB128 varints, each timestamp as the zigzag of its difference from
//! the hit before (a sorted export's times take a byte or two); the varints are compressed with
//! zstd when that is smaller. The blob's first byte says which: [`PLAIN`] or [`ZSTD`] (or
//! [`DEFLATED`], which files written before zstd hold and are still read). Ids are the
//! dictionaries' ids with 0 for "absent"; `hit_type` is 0 page view, 1 event, 2 asset;
//! `interaction` is 0 or 1; `session_engaged` is 0 unknown, 1 no, 2 yes. Decoding refuses a
//! blob that does not hold exactly the chunk's number of values, each in range.
//! Stored sessions use the same encodings ([`encode_deltas`], [`encode_ids`] for the session of
//! each hit, and [`encode_strings`] for a column of strings: their byte lengths as varints, then
//! their bytes; see `sessions.rs`).

use std::cell::RefCell;
use std::io::Read;

use flate2::read::DeflateDecoder;
use rayon::prelude::*;
use rusqlite::{Connection, Row, Statement};
use rustc_hash::FxHashMap;
use std::collections::hash_map::Entry;

use crate::error::{Error, Result};

/// Hits per chunk: large enough that a chunk's per-row overhead vanishes and its columns
/// compress, small enough that an import holds only a few in memory.
pub(crate) const CHUNK_ROWS: usize = 32_768;

/// The columns of a chunk after `ts_ms`, as named in `hit_chunk`.
pub(crate) const COLUMNS: [&str; 12] = [
    "hit_type",
    "interaction",
    "event_name_id",
    "client_id",
    "user_id",
    "source_session_id",
    "url_id",
    "referrer_id",
    "user_agent_id",
    "ip_id",
    "campaign_id",
    "session_engaged",
];
pub(crate) const HIT_TYPE: usize = 0;
pub(crate) const INTERACTION: usize = 1;
pub(crate) const EVENT: usize = 2;
pub(crate) const CLIENT: usize = 3;
pub(crate) const USER: usize = 4;
pub(crate) const SESSION: usize = 5;
pub(crate) const URL: usize = 6;
pub(crate) const REFERRER: usize = 7;
pub(crate) const USER_AGENT: usize = 8;
pub(crate) const IP: usize = 9;
pub(crate) const CAMPAIGN: usize = 10;
pub(crate) const SESSION_ENGAGED: usize = 11;

/// The first byte of a column blob: the varints follow as they are ...
const PLAIN: u8 = 0;
/// ... or deflated (as written until zstd took its place: read, never written) ...
const DEFLATED: u8 = 1;
/// ... or one zstd frame that states its content size.
const ZSTD: u8 = 2;
/// zstd's fastest positive level. Against deflate's fastest, at 10M hits: the imported file
/// 8 % smaller, the import 0.4 s and storing a rule set's sessions 0.3 s faster.
const ZSTD_LEVEL: i32 = 1;

/// Hits of one chunk, column by column.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Chunk {
    pub ts_ms: Vec<i64>,
    /// In the order of [`COLUMNS`].
    pub columns: [Vec<u32>; 12],
}

impl Chunk {
    pub fn len(&self) -> usize {
        self.ts_ms.len()
    }

    pub fn push(&mut self, ts_ms: i64, values: [u32; 12]) {
        self.ts_ms.push(ts_ms);
        for (column, value) in self.columns.iter_mut().zip(values) {
            column.push(value);
        }
    }

    /// The blobs of `ts_ms` and of each of [`COLUMNS`], encoded on every core.
    pub fn encode(&self) -> Vec<Vec<u8>> {
        let (times, columns) = rayon::join(
            || encode_deltas(self.ts_ms.iter().copied()),
            || self.columns.par_iter().map(|c| encode_ids(c.iter().copied())).collect::<Vec<_>>(),
        );
        std::iter::once(times).chain(columns).collect()
    }

    /// The chunk of `rows` hits in `blobs` (as [`Chunk::encode`] gives them), or `None` if they
    /// do not hold that.
    #[cfg(test)]
    pub fn decode(rows: usize, blobs: &[&[u8]]) -> Option<Chunk> {
        let mut chunk = Chunk { ts_ms: vec![0; rows], columns: std::array::from_fn(|_| vec![0; rows]) };
        decode_into(blobs, &mut chunk.ts_ms, chunk.columns.each_mut().map(Vec::as_mut_slice))?;
        Some(chunk)
    }
}

/// Decode the blobs of a chunk (as [`Chunk::encode`] gives them) into `ts_ms` and `columns`
/// (in the order of [`COLUMNS`]), every column on any core, so a caller can decode straight
/// into its own columns; a column given no slots is skipped (not read, so not checked).
/// `None` if the blobs do not hold exactly one value for each slot.
pub(crate) fn decode_into(blobs: &[&[u8]], ts_ms: &mut [i64], columns: [&mut [u32]; COLUMNS.len()]) -> Option<()> {
    let [times, blobs @ ..] = blobs else { return None };
    if blobs.len() != COLUMNS.len() || columns.iter().any(|c| !c.is_empty() && c.len() != ts_ms.len()) {
        return None;
    }
    let (times, ids) = rayon::join(
        || decode_deltas_into(times, ts_ms),
        || {
            columns
                .into_par_iter()
                .zip(blobs)
                .filter(|(column, _)| !column.is_empty())
                .map(|(column, blob)| decode_ids_into(blob, column))
                .collect::<Option<()>>()
        },
    );
    times.and(ids)
}

/// A column of ids (or other unsigned values), each as it is.
pub(crate) fn encode_ids(values: impl Iterator<Item = u32>) -> Vec<u8> {
    encode_column(values.map(u64::from))
}

/// The values of one id column's blob, or `None` if it does not hold `rows` of them.
pub(crate) fn decode_ids(blob: &[u8], rows: usize) -> Option<Vec<u32>> {
    let mut ids = vec![0; rows];
    decode_ids_into(blob, &mut ids)?;
    Some(ids)
}

/// [`decode_ids`] into `out`, which it must fill exactly.
fn decode_ids_into(blob: &[u8], out: &mut [u32]) -> Option<()> {
    let mut slots = out.iter_mut();
    decode_column(blob, slots.len(), |v| match (slots.next(), u32::try_from(v)) {
        (Some(slot), Ok(id)) => {
            *slot = id;
            true
        }
        _ => false,
    })
}

/// A column of signed values as the zigzag of each one's difference from the one before.
pub(crate) fn encode_deltas(values: impl Iterator<Item = i64>) -> Vec<u8> {
    let mut previous = 0i64;
    encode_column(values.map(|v| {
        let delta = v.wrapping_sub(previous);
        previous = v;
        ((delta << 1) ^ (delta >> 63)) as u64
    }))
}

/// The values of an [`encode_deltas`] blob, or `None` if it does not hold `rows` of them.
pub(crate) fn decode_deltas(blob: &[u8], rows: usize) -> Option<Vec<i64>> {
    let mut values = vec![0; rows];
    decode_deltas_into(blob, &mut values)?;
    Some(values)
}

/// [`decode_deltas`] into `out`, which it must fill exactly.
fn decode_deltas_into(blob: &[u8], out: &mut [i64]) -> Option<()> {
    let mut previous = 0i64;
    let mut slots = out.iter_mut();
    decode_column(blob, slots.len(), |z| {
        previous = previous.wrapping_add(((z >> 1) as i64) ^ -((z & 1) as i64));
        slots.next().map(|slot| *slot = previous).is_some()
    })
}

/// A column of strings: their byte lengths as varints, then their bytes.
pub(crate) fn encode_strings<'s>(values: impl Iterator<Item = &'s str> + Clone) -> Vec<u8> {
    let mut plain = Vec::new();
    values.clone().for_each(|v| push_varint(&mut plain, v.len() as u64));
    values.for_each(|v| plain.extend_from_slice(v.as_bytes()));
    pack(plain)
}

/// The strings of an [`encode_strings`] blob, or `None` if it does not hold `rows` of them.
pub(crate) fn decode_strings(blob: &[u8], rows: usize) -> Option<Vec<String>> {
    // Within a generous bound per string, so a damaged blob cannot inflate without end.
    unpacked(blob, rows as u64 * (10 + 65_536), |plain| {
        let mut bytes = plain.iter();
        let lengths = (0..rows).map(|_| read_varint(&mut bytes)).collect::<Option<Vec<u64>>>()?;
        let mut text = bytes.as_slice();
        let strings = lengths
            .into_iter()
            .map(|length| {
                let (value, rest) = text.split_at_checked(usize::try_from(length).ok()?)?;
                text = rest;
                String::from_utf8(value.to_vec()).ok()
            })
            .collect::<Option<Vec<String>>>()?;
        text.is_empty().then_some(strings)
    })
}

fn encode_column(values: impl Iterator<Item = u64>) -> Vec<u8> {
    // Room for two bytes a value, which most columns' varints take at most.
    let mut plain = Vec::with_capacity(values.size_hint().0 * 2);
    values.for_each(|v| push_varint(&mut plain, v));
    pack(plain)
}

/// Call `value` with each of the `rows` varints of a column blob, in order, while it returns
/// true; `None` if the blob is damaged, holds a different count, or `value` refused one.
fn decode_column(blob: &[u8], rows: usize, mut value: impl FnMut(u64) -> bool) -> Option<()> {
    // A varint takes at most 10 bytes: more than that is not this chunk's column.
    unpacked(blob, rows as u64 * 10, |varints| {
        let mut bytes = varints.iter();
        for _ in 0..rows {
            if !value(read_varint(&mut bytes)?) {
                return None;
            }
        }
        bytes.next().is_none().then_some(())
    })
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(bytes: &mut std::slice::Iter<'_, u8>) -> Option<u64> {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let b = *bytes.next()?;
        v |= u64::from(b & 0x7f).checked_shl(shift)?;
        if b < 0x80 {
            return Some(v);
        }
        shift += 7;
    }
}

/// The blob of a column's bytes: compressed if that is smaller, tagged either way.
fn pack(plain: Vec<u8>) -> Vec<u8> {
    thread_local! {
        // A compression context each thread keeps: making one costs as much as compressing a
        // small column.
        static COMPRESSOR: RefCell<zstd::bulk::Compressor<'static>> =
            RefCell::new(zstd::bulk::Compressor::new(ZSTD_LEVEL).expect("a zstd context"));
    }
    let compressed = COMPRESSOR.with_borrow_mut(|zstd| zstd.compress(&plain)).expect("compressing into memory");
    if compressed.len() < plain.len() {
        [&[ZSTD][..], &compressed].concat()
    } else {
        [&[PLAIN][..], &plain].concat()
    }
}

/// `f` of a column's bytes from its blob, inflating at most `limit` bytes; `None` if the blob
/// does not unpack.
fn unpacked<R>(blob: &[u8], limit: u64, f: impl FnOnce(&[u8]) -> Option<R>) -> Option<R> {
    thread_local! {
        // A decompression context and a buffer each thread keeps: making them anew for every
        // column costs more than a small column's decoding.
        static INFLATE: RefCell<(zstd::bulk::Decompressor<'static>, Vec<u8>)> =
            RefCell::new((zstd::bulk::Decompressor::new().expect("a zstd context"), Vec::new()));
    }
    match blob.split_first()? {
        (&PLAIN, plain) => f(plain),
        (&DEFLATED, deflated) => {
            let mut out = Vec::new();
            DeflateDecoder::new(deflated).take(limit + 1).read_to_end(&mut out).ok()?;
            (out.len() as u64 <= limit).then_some(())?;
            f(&out)
        }
        (&ZSTD, compressed) => {
            let size = zstd::zstd_safe::get_frame_content_size(compressed).ok()??;
            if size > limit {
                return None;
            }
            INFLATE.with_borrow_mut(|(zstd, out)| {
                out.clear();
                out.reserve(size as usize);
                let written = zstd.decompress_to_buffer(compressed, out).ok()?;
                (written as u64 == size).then_some(())?;
                f(out)
            })
        }
        _ => None,
    }
}

/// `SELECT rows, ts_ms, hit_type, ..., session_engaged FROM hit_chunk` and a `tail` (a WHERE
/// or ORDER BY clause), for [`read`].
pub(crate) fn select_sql(tail: &str) -> String {
    format!("SELECT rows, ts_ms, {} FROM hit_chunk {tail}", COLUMNS.join(", "))
}

/// The number of hits in a row of [`select_sql`] and its blobs, for [`decode_into`].
pub(crate) fn read<'r>(row: &'r Row<'_>) -> Result<(usize, Vec<&'r [u8]>)> {
    let rows = usize::try_from(row.get::<_, i64>(0)?).ok().filter(|&n| n <= CHUNK_ROWS).ok_or_else(damaged)?;
    let blobs = (1..=COLUMNS.len() + 1).map(|i| blob(row, i)).collect::<Result<Vec<_>>>()?;
    Ok((rows, blobs))
}

/// Column `i` of `row`, which must be a blob.
pub(crate) fn blob<'r>(row: &'r Row<'_>, i: usize) -> Result<&'r [u8]> {
    row.get_ref(i)?.as_blob().map_err(|_| damaged())
}

/// The error of a chunk that does not decode.
pub(crate) fn damaged() -> Error {
    Error::InvalidInput("the project's stored hits are damaged (a hit chunk does not decode)".into())
}

/// Writes one file's hits as chunks, in the caller's transaction.
pub(crate) struct ChunkWriter<'c> {
    insert: Statement<'c>,
    file_id: i64,
    seq: i64,
    pending: Chunk,
}

impl<'c> ChunkWriter<'c> {
    pub fn new(conn: &'c Connection, file_id: i64) -> Result<Self> {
        let insert = conn.prepare(&format!(
            "INSERT INTO hit_chunk (file_id, seq, rows, ts_ms, {}) VALUES ({})",
            COLUMNS.join(", "),
            vec!["?"; COLUMNS.len() + 4].join(", ")
        ))?;
        Ok(ChunkWriter { insert, file_id, seq: 0, pending: Chunk::default() })
    }

    pub fn push(&mut self, ts_ms: i64, values: [u32; 12]) -> Result<()> {
        self.pending.push(ts_ms, values);
        if self.pending.len() == CHUNK_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Write what is pending.
    pub fn finish(mut self) -> Result<()> {
        self.flush()
    }

    fn flush(&mut self) -> Result<()> {
        if self.pending.len() == 0 {
            return Ok(());
        }
        let chunk = std::mem::take(&mut self.pending);
        let s = &mut self.insert;
        s.raw_bind_parameter(1, self.file_id)?;
        s.raw_bind_parameter(2, self.seq)?;
        s.raw_bind_parameter(3, chunk.len() as i64)?;
        for (i, blob) in chunk.encode().iter().enumerate() {
            s.raw_bind_parameter(4 + i, blob)?;
        }
        s.raw_execute()?;
        self.seq += 1;
        Ok(())
    }
}

/// Migration 8's step: move the rows of the one-row-per-hit table `hit` into chunks, each file's
/// in the order they were inserted, then drop it.
pub(crate) fn chunk_hit_rows(conn: &Connection) -> Result<()> {
    let mut writers: FxHashMap<i64, ChunkWriter<'_>> = FxHashMap::default();
    let mut select = conn.prepare(
        "SELECT file_id, ts_ms, hit_type, interaction, event_name_id, coalesce(client_id, 0), coalesce(user_id, 0),
                coalesce(source_session_id, 0), url_id, coalesce(referrer_id, 0), coalesce(user_agent_id, 0),
                coalesce(ip_id, 0), coalesce(campaign_id, 0), coalesce(session_engaged + 1, 0)
         FROM hit ORDER BY rowid",
    )?;
    let mut rows = select.query([])?;
    while let Some(row) = rows.next()? {
        let file_id = row.get(0)?;
        let mut values = [0u32; 12];
        for (i, v) in values.iter_mut().enumerate() {
            *v = row.get(i + 2)?;
        }
        let writer = match writers.entry(file_id) {
            Entry::Occupied(writer) => writer.into_mut(),
            Entry::Vacant(slot) => slot.insert(ChunkWriter::new(conn, file_id)?),
        };
        writer.push(row.get(1)?, values)?;
    }
    writers.into_values().try_for_each(ChunkWriter::finish)?;
    drop(rows);
    drop(select);
    conn.execute_batch("DROP TABLE hit")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(rows: usize, seed: u64) -> Chunk {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut chunk = Chunk::default();
        let mut ts = 1_709_251_200_000i64;
        for _ in 0..rows {
            // Mostly forward in small steps, sometimes back, sometimes far.
            ts += match rng.u8(..10) {
                0 => -rng.i64(0..1_000_000),
                1 => rng.i64(0..i64::from(u32::MAX)),
                _ => rng.i64(0..500),
            };
            let mut values = [0u32; 12];
            for (i, v) in values.iter_mut().enumerate() {
                *v = match i {
                    HIT_TYPE | SESSION_ENGAGED => rng.u32(0..3),
                    INTERACTION => rng.u32(0..2),
                    EVENT => 1,
                    _ if rng.bool() => 0,
                    _ => {
                        let bits = rng.u32(0..32);
                        rng.u32(1..=u32::MAX >> bits)
                    }
                };
            }
            chunk.push(ts, values);
        }
        chunk
    }

    fn round_trip(chunk: &Chunk) -> Option<Chunk> {
        let blobs = chunk.encode();
        Chunk::decode(chunk.len(), &blobs.iter().map(Vec::as_slice).collect::<Vec<_>>())
    }

    #[test]
    fn chunks_decode_to_what_was_encoded() {
        for (rows, seed) in [(0, 1), (1, 2), (7, 3), (CHUNK_ROWS, 4)] {
            let chunk = sample(rows, seed);
            assert_eq!(round_trip(&chunk).as_ref(), Some(&chunk), "{rows} rows");
        }
        let mut extremes = Chunk::default();
        for ts in [i64::MIN, i64::MAX, 0, -1, i64::MIN, 1] {
            extremes.push(ts, [u32::MAX; 12]);
        }
        assert_eq!(round_trip(&extremes), Some(extremes));
    }

    #[test]
    fn varints_of_every_length_decode_wherever_they_end() {
        // Every length from 1 to 10 bytes, each followed by short ones, so that some are read
        // with eight bytes ahead and the last ones near the end of the column.
        let mut values: Vec<u64> = (0..64).map(|bits| (1u64 << bits) - 1).collect();
        values.extend((0..64).map(|bits| 1u64 << bits));
        values.extend([u64::MAX, 0x80, 0x3fff, 0x4000, 1, 0, 127, 128]);
        let mut plain = Vec::new();
        values.iter().for_each(|&v| push_varint(&mut plain, v));
        let mut decoded = Vec::new();
        decode_column(&[&[PLAIN][..], &plain].concat(), values.len(), |v| {
            decoded.push(v);
            true
        })
        .unwrap();
        assert_eq!(decoded, values);
        // A varint cut short at the end of a column is damage, whatever bytes stood before it.
        let cut = [&[PLAIN][..], &[1, 2, 3, 4, 5, 6, 7, 8, 0x80, 0x80]].concat();
        assert_eq!(decode_column(&cut, 9, |_| true), None);
    }

    #[test]
    fn repetitive_columns_are_compressed_and_varied_ones_stay_plain() {
        let blobs = sample(CHUNK_ROWS, 5).encode();
        assert_eq!(blobs[1 + EVENT][0], ZSTD);
        let compressed = blobs[1 + EVENT].len();
        assert!(compressed < CHUNK_ROWS / 64, "{compressed} bytes for {CHUNK_ROWS} times the same id");
        let mut rng = fastrand::Rng::with_seed(6);
        let noise: Vec<u8> = std::iter::repeat_with(|| rng.u8(..)).take(10_000).collect();
        assert_eq!(pack(noise.clone()), [&[PLAIN][..], &noise].concat(), "noise is kept as it is");
    }

    #[test]
    fn the_migration_moves_hit_rows_into_chunks_per_file_in_their_order() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE hit (file_id INTEGER NOT NULL, ts_ms INTEGER NOT NULL, hit_type INTEGER NOT NULL,
                 interaction INTEGER NOT NULL, event_name_id INTEGER NOT NULL, client_id INTEGER, user_id INTEGER,
                 source_session_id INTEGER, url_id INTEGER NOT NULL, referrer_id INTEGER, user_agent_id INTEGER,
                 ip_id INTEGER, campaign_id INTEGER, session_engaged INTEGER);",
        )
        .unwrap();
        conn.execute_batch(include_str!("../../migrations/0008_hit_chunks.sql")).unwrap();
        let mut expected = [Chunk::default(), Chunk::default()];
        let mut insert = conn.prepare(&format!("INSERT INTO hit VALUES ({})", ["?"; 14].join(", "))).unwrap();
        for i in 0..CHUNK_ROWS as u32 * 3 / 2 + 300 {
            // Two files' rows interleaved (the first's more than a chunk), times not in order, absent ids and flags as NULL.
            let file = usize::from(i % 3 == 0);
            let ts = 1_709_251_200_000 + i64::from(i) * 1000 - i64::from(i % 7) * 5000;
            let some = |v: u32| (i % 2 == 0).then_some(v);
            let engaged = [None, Some(0), Some(1)][(i % 3) as usize];
            let row = [i % 3, i % 2, 1, i + 1, 7, 3, i % 50 + 1, 2, 5, 9, 4];
            let stored: Vec<Option<u32>> = row
                .iter()
                .enumerate()
                .map(|(c, &v)| if [CLIENT, USER, CAMPAIGN].contains(&c) { some(v) } else { Some(v) })
                .collect();
            insert
                .execute(rusqlite::params_from_iter(
                    [Some(file as i64 + 1), Some(ts)]
                        .into_iter()
                        .chain(stored.iter().map(|v| v.map(i64::from)))
                        .chain([engaged]),
                ))
                .unwrap();
            let mut values = [0; 12];
            for (c, v) in stored.iter().enumerate() {
                values[c] = v.unwrap_or(0);
            }
            values[SESSION_ENGAGED] = engaged.map_or(0, |e| e as u32 + 1);
            expected[file].push(ts, values);
        }
        drop(insert);
        chunk_hit_rows(&conn).unwrap();
        let tables: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_schema WHERE name = 'hit'", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 0, "the old table is dropped");
        for (file, expected) in expected.iter().enumerate() {
            let mut stmt = conn.prepare(&select_sql("WHERE file_id = ?1 ORDER BY seq")).unwrap();
            let mut rows = stmt.query([file as i64 + 1]).unwrap();
            let mut stored = Chunk::default();
            while let Some(row) = rows.next().unwrap() {
                let (rows, blobs) = read(row).unwrap();
                let chunk = Chunk::decode(rows, &blobs).unwrap();
                for i in 0..chunk.len() {
                    stored.push(chunk.ts_ms[i], chunk.columns.each_ref().map(|c| c[i]));
                }
            }
            assert_eq!(&stored, expected, "file {}", file + 1);
        }
        let seqs: Vec<(i64, i64, i64)> = conn
            .prepare("SELECT file_id, seq, rows FROM hit_chunk ORDER BY file_id, seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let first = expected[0].len() as i64;
        assert_eq!(
            seqs,
            [(1, 0, CHUNK_ROWS as i64), (1, 1, first - CHUNK_ROWS as i64), (2, 0, expected[1].len() as i64)]
        );
    }

    #[test]
    fn string_columns_decode_to_what_was_encoded_and_refuse_damage() {
        let strings = ["", "1443685882.1682380031", "user:ü → 🚀", "", "ip:203.0.113.0 ua:1a2b3c4d day:2024-03-01"];
        let many: Vec<String> = (0..5000).map(|i| strings[i % strings.len()].repeat(i % 3)).collect();
        for values in [strings.iter().map(|s| s.to_string()).collect(), many, Vec::new()] {
            let blob = encode_strings(values.iter().map(String::as_str));
            assert_eq!(decode_strings(&blob, values.len()), Some(values.clone()));
            assert_eq!(decode_strings(&blob, values.len() + 1), None, "a string short");
            if let Some(fewer) = values.len().checked_sub(1) {
                assert_eq!(decode_strings(&blob, fewer), None, "a string too many");
            }
        }
        let mut not_utf8 = vec![PLAIN];
        push_varint(&mut not_utf8, 2);
        not_utf8.extend([0xc3, 0x28]);
        assert_eq!(decode_strings(&not_utf8, 1), None);
    }

    #[test]
    fn deflated_columns_of_older_files_are_still_read() {
        use std::io::Write;
        let chunk = sample(1000, 8);
        let deflated: Vec<Vec<u8>> = chunk
            .encode()
            .iter()
            .map(|blob| {
                let plain = unpacked(blob, u64::MAX, |plain| Some(plain.to_vec())).unwrap();
                let mut deflate = flate2::write::DeflateEncoder::new(vec![DEFLATED], flate2::Compression::fast());
                deflate.write_all(&plain).unwrap();
                deflate.finish().unwrap()
            })
            .collect();
        assert!(deflated.iter().all(|blob| blob[0] == DEFLATED));
        let blobs: Vec<&[u8]> = deflated.iter().map(Vec::as_slice).collect();
        assert_eq!(Chunk::decode(1000, &blobs), Some(chunk));
    }

    #[test]
    fn damaged_blobs_are_refused() {
        let chunk = sample(100, 7);
        let blobs = chunk.encode();
        let decode =
            |rows: usize, blobs: &[Vec<u8>]| Chunk::decode(rows, &blobs.iter().map(Vec::as_slice).collect::<Vec<_>>());
        assert!(decode(100, &blobs).is_some());
        assert!(decode(99, &blobs).is_none(), "a value too many");
        assert!(decode(101, &blobs).is_none(), "a value short");
        assert!(decode(100, &blobs[..12]).is_none(), "a column missing");
        for (i, damage) in [|b: &mut Vec<u8>| b[0] = 9, |b: &mut Vec<u8>| b.truncate(b.len() / 2)].iter().enumerate() {
            for column in 0..blobs.len() {
                let mut damaged = blobs.clone();
                damage(&mut damaged[column]);
                assert!(decode(100, &damaged).is_none(), "damage {i} to column {column}");
            }
        }
        let mut too_big = Chunk::default();
        too_big.ts_ms.push(0);
        too_big.columns.iter_mut().for_each(|c| c.push(1));
        let mut blobs = too_big.encode();
        blobs[1 + URL] = encode_column(std::iter::once(u64::from(u32::MAX) + 1));
        assert!(decode(1, &blobs).is_none(), "an id beyond u32");
        // A frame that would expand beyond what its rows can take is not expanded.
        let bomb = [&[ZSTD][..], &zstd::bulk::compress(&[0x80; 1 << 20], ZSTD_LEVEL).unwrap()].concat();
        assert!(bomb.len() < 1000);
        assert_eq!(unpacked(&bomb, (1 << 20) - 1, |_| Some(())), None);
        assert_eq!(unpacked(&bomb, 1 << 20, |plain| Some(plain.len())), Some(1 << 20));
    }
}
