//! Generic JSON traffic: a top-level array of hit objects (`[{...}, ...]`) or NDJSON (one
//! object per line). Keys are assigned to fields exactly as CSV headers are, through
//! [`Mapping`](super::Mapping), and rows are built by [`MappedRow`]. Nested objects are flattened
//! to dotted keys (`{"page": {"url": ...}}` is `page.url`); scalars become their text as written
//! (a numeric client id keeps every digit, `true` stays `true`); arrays become their JSON text;
//! `null` is absent.
//!
//! [`JsonRecords`] splits a file into records without loading it: the elements of a top-level
//! array (streamed, so an array of millions of objects needs memory for one), or the lines of
//! NDJSON. The GA4 and Universal Analytics importers read their exports through it too. A record
//! that is not valid JSON, too large, or nested too deep is a reject at the line where it starts.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::io::{self, BufRead};

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::mapped::{has_subject, has_time, MappedRow, Scratch};
use super::mapping::{Columns, Field, Mapping};
use super::{Context, Format, Head, Input, Sink};
use crate::error::{Error, Result};
use crate::model::Kind;
use crate::time::{DateOrder, TimestampParser};

pub const FORMATS: &[&dyn Format] = &[&JsonTraffic];

/// A record larger than this is rejected (a UA session row with thousands of hits is a few MiB).
const MAX_RECORD_BYTES: usize = 64 << 20;
/// Objects nested deeper than this are rejected rather than flattened.
const MAX_NESTING: usize = 32;
/// Records read before the first hit is written, to decide day-first or month-first dates.
const DATE_ORDER_SAMPLE: usize = 1000;
/// Why a file that does not start with `[` or `{` is refused.
pub const NOT_JSON: &str = "not JSON: expected a JSON array ('[') or one JSON object per line ('{')";
/// The rejects list keeps at most this much of a record's text.
const MAX_REJECT_TEXT: usize = 16 << 10;

pub struct JsonTraffic;

impl Format for JsonTraffic {
    fn id(&self) -> &'static str {
        "json"
    }

    fn name(&self) -> &'static str {
        "JSON traffic export"
    }

    fn description(&self) -> &'static str {
        "JSON or NDJSON traffic export (one hit per object)"
    }

    fn kind(&self) -> Kind {
        Kind::Traffic
    }

    fn sniff(&self, head: &Head) -> u8 {
        let mut text = head.text.as_bytes();
        let mut records = JsonRecords::new(&mut text);
        let Ok(Some(record)) = records.next_record() else {
            return 0;
        };
        if record.problem.is_some() {
            return 0;
        }
        let mut keys = Vec::new();
        if flatten(record.text, &mut |key, _| keys.push(key.to_string())).is_err() {
            return 0;
        }
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        match Mapping::default().resolve(&keys) {
            Ok(columns) if has_time(&columns) && has_subject(&columns) => 10,
            _ => 0,
        }
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let mut records = JsonRecords::new(input.reader());
        if !records.starts_as_json().map_err(|e| Error::io(ctx.path, e))? {
            return Err(ctx.unreadable(NOT_JSON));
        }
        let mut reader = FlatReader { records, keys: KeyTable::new(&ctx.options.mapping), records_seen: 0 };
        let mut first_keys = None;
        let mut sample = Vec::new();
        while sample.len() < DATE_ORDER_SAMPLE {
            let Some(flat) = reader.next(ctx, sink)? else { break };
            first_keys.get_or_insert_with(|| reader.keys.names.join(", "));
            sample.push(flat);
        }
        if sample.is_empty() {
            return match reader.records_seen {
                0 => Err(ctx.unreadable(
                    "no JSON objects found; expected a JSON array of hit objects or one object per line (NDJSON)",
                )),
                _ => Ok(()),
            };
        }
        let keys = &mut reader.keys;
        keys.resolve()?;
        if !has_time(&keys.columns) {
            return Err(ctx.unreadable(format!(
                "no timestamp key; expected a key like 'timestamp', 'event_time' or 'date' (the keys that \
                 mean a field are: {}); name it with --map timestamp=KEY",
                first_keys.unwrap_or_default()
            )));
        }
        let order = ctx.options.date_order.or_else(|| {
            let time_key =
                [Field::Timestamp, Field::Date, Field::Time].into_iter().find_map(|f| keys.columns.get(f))?;
            DateOrder::detect(sample.iter().filter_map(|flat| flat.value(time_key)))
        });
        let parser = TimestampParser::new(ctx.time_zone(), order.unwrap_or_default());

        let mut scratch = Scratch::default();
        for flat in sample {
            flat.emit(&reader.keys.columns, &parser, &mut scratch, sink)?;
        }
        while let Some(flat) = reader.next(ctx, sink)? {
            if reader.keys.changed {
                reader.keys.resolve()?;
            }
            flat.emit(&reader.keys.columns, &parser, &mut scratch, sink)?;
        }
        let names: Vec<&str> = reader.keys.names.iter().map(String::as_str).collect();
        sink.columns(&reader.keys.columns.describe(&names))
    }
}

/// Records of a file as values of the keys that can mean a field; broken records go to the
/// rejects list.
struct FlatReader<'r, 'm> {
    records: JsonRecords<'r>,
    keys: KeyTable<'m>,
    records_seen: u64,
}

impl FlatReader<'_, '_> {
    fn next(&mut self, ctx: &Context, sink: &mut dyn Sink) -> Result<Option<Flat>> {
        loop {
            let Some(record) = self.records.next_record().map_err(|e| Error::io(ctx.path, e))? else {
                return Ok(None);
            };
            self.records_seen += 1;
            if let Some(problem) = record.problem {
                sink.reject(record.line, reject_text(record.text), problem)?;
                continue;
            }
            let mut values = Vec::new();
            let keys = &mut self.keys;
            let flat = flatten(record.text, &mut |key, value| {
                if let Some(i) = keys.index(key) {
                    values.push((i, value.into_owned()));
                }
            });
            match flat {
                Ok(()) => return Ok(Some(Flat { line: record.line, text: record.text.to_string(), values })),
                Err(reason) => sink.reject(record.line, reject_text(record.text), &reason)?,
            }
        }
    }
}

/// One record's values for the keys that can mean a field.
struct Flat {
    line: u64,
    text: String,
    /// (index in [`KeyTable::names`], value)
    values: Vec<(usize, String)>,
}

impl Flat {
    fn value(&self, key: usize) -> Option<&str> {
        self.values.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| v.as_str())
    }

    fn emit(
        &self,
        columns: &Columns,
        parser: &TimestampParser,
        scratch: &mut Scratch,
        sink: &mut dyn Sink,
    ) -> Result<()> {
        let row = MappedRow { columns, cell: |i| self.value(i) };
        match row.hit(parser, scratch) {
            Ok(hit) => sink.hit(&hit),
            Err(reason) => sink.reject(self.line, reject_text(&self.text), &reason),
        }
    }
}

/// The keys that can mean a field (by the user's mapping or a header synonym), in order of
/// first appearance, and the fields assigned to them.
struct KeyTable<'m> {
    mapping: &'m Mapping,
    /// Every key seen, with its index in `names` when it can mean a field.
    known: HashMap<String, Option<usize>>,
    names: Vec<String>,
    columns: Columns,
    /// A key that can mean a field appeared since the last [`KeyTable::resolve`].
    changed: bool,
}

impl<'m> KeyTable<'m> {
    fn new(mapping: &'m Mapping) -> Self {
        KeyTable { mapping, known: HashMap::new(), names: Vec::new(), columns: Columns::default(), changed: false }
    }

    fn index(&mut self, key: &str) -> Option<usize> {
        if let Some(&index) = self.known.get(key) {
            return index;
        }
        let named = self.mapping.0.iter().any(|(_, name)| name.eq_ignore_ascii_case(key));
        let synonym = Mapping::default().resolve(&[key]).is_ok_and(|c| c != Columns::default());
        let index = (named || synonym).then(|| {
            self.names.push(key.to_string());
            self.changed = true;
            self.names.len() - 1
        });
        self.known.insert(key.to_string(), index);
        index
    }

    /// Assign fields to keys. Fields assigned before keep their keys; keys seen for the first
    /// time may fill the fields still open.
    fn resolve(&mut self) -> Result<()> {
        let names: Vec<&str> = self.names.iter().map(String::as_str).collect();
        let mut mapping = self.mapping.clone();
        mapping.0.extend(self.columns.describe(&names));
        self.columns = mapping.resolve(&names)?;
        self.changed = false;
        Ok(())
    }
}

/// Call `visit(key, text)` for every scalar of a JSON object, nested objects flattened to
/// dotted keys. Fails (with a reason for the rejects list) on anything but an object, on
/// invalid JSON and on nesting deeper than [`MAX_NESTING`].
fn flatten(text: &str, visit: &mut dyn FnMut(&str, Cow<'_, str>)) -> Result<(), String> {
    let mut key = String::new();
    flatten_into(text, &mut key, 0, visit)
}

fn flatten_into(
    text: &str,
    key: &mut String,
    depth: usize,
    visit: &mut dyn FnMut(&str, Cow<'_, str>),
) -> Result<(), String> {
    if depth >= MAX_NESTING {
        return Err(format!("objects nested more than {MAX_NESTING} deep"));
    }
    let Entries(entries) = serde_json::from_str(text).map_err(|e| describe_json_error(&e))?;
    let prefix_len = key.len();
    for (name, value) in entries {
        if prefix_len > 0 {
            key.push('.');
        }
        key.push_str(&name);
        let raw = value.get();
        match raw.as_bytes().first() {
            Some(b'{') => flatten_into(raw, key, depth + 1, visit)?,
            Some(b'n') => {}
            _ => visit(key, JsonText(value).text()?),
        }
        key.truncate(prefix_len);
    }
    Ok(())
}

/// An object's members in the order written, values unparsed.
struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

/// A JSON value read as text: strings unescaped, numbers and `true`/`false` exactly as written
/// (a numeric id keeps every digit), `null` empty, objects and arrays as their JSON text.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(transparent)]
pub struct JsonText<'a>(#[serde(borrow)] pub &'a RawValue);

impl<'a> JsonText<'a> {
    pub fn text(self) -> Result<Cow<'a, str>, String> {
        let raw = self.0.get();
        if raw == "null" {
            return Ok(Cow::Borrowed(""));
        }
        let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
            return Ok(Cow::Borrowed(raw));
        };
        if !inner.contains('\\') {
            return Ok(Cow::Borrowed(inner));
        }
        serde_json::from_str::<String>(raw).map(Cow::Owned).map_err(|e| describe_json_error(&e))
    }
}

/// The text of an optional JSON value; absent and `null` are both empty.
pub fn text_of<'a>(value: &Option<JsonText<'a>>) -> Result<Cow<'a, str>, String> {
    value.map_or(Ok(Cow::Borrowed("")), JsonText::text)
}

/// Read an export of one JSON object per record (GA4 events, UA session rows).
/// `read_object` turns a record's text into hits in the sink (`Ok(Ok(()))`), or says why the
/// record cannot be read (`Ok(Err(reason))`, which rejects it at its line); a sink error stops
/// the import. A file that is not JSON, or holds no record, is one error: `nothing_found` says
/// what was expected.
pub fn read_objects(
    input: &mut Input,
    ctx: &Context,
    sink: &mut dyn Sink,
    nothing_found: &str,
    mut read_object: impl FnMut(&str, &mut dyn Sink) -> Result<Result<(), String>>,
) -> Result<()> {
    let mut records = JsonRecords::new(input.reader());
    if !records.starts_as_json().map_err(|e| Error::io(ctx.path, e))? {
        return Err(ctx.unreadable(NOT_JSON));
    }
    let mut seen = false;
    while let Some(record) = records.next_record().map_err(|e| Error::io(ctx.path, e))? {
        seen = true;
        let outcome = match record.problem {
            Some(problem) => Err(problem.to_string()),
            None => read_object(record.text, sink)?,
        };
        if let Err(reason) = outcome {
            sink.reject(record.line, reject_text(record.text), &reason)?;
        }
    }
    if !seen {
        return Err(ctx.unreadable(nothing_found));
    }
    Ok(())
}

/// A serde_json error in words for the rejects list.
pub fn describe_json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof => format!("not valid JSON: {e}"),
        Category::Data | Category::Io => e.to_string(),
    }
}

/// A record's text cut to a size the rejects list keeps.
pub fn reject_text(text: &str) -> &str {
    if text.len() <= MAX_REJECT_TEXT {
        return text;
    }
    let mut end = MAX_REJECT_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// One record of a JSON file.
#[derive(Debug)]
pub struct Record<'a> {
    /// The 1-based line where the record starts.
    pub line: u64,
    /// Its text (cut short when there is a problem).
    pub text: &'a str,
    /// Why the record could not be taken whole: the file ends inside it, or it is too large.
    pub problem: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// Nothing read yet.
    Start,
    /// One record per line (NDJSON).
    Lines,
    /// Elements of a top-level array; `inside` is false after its closing `]`.
    Array { inside: bool },
}

/// Splits JSON text into records: the elements of a top-level array, or the non-blank lines of
/// NDJSON. Which one is decided by the first character (`[` is an array).
///
/// Between array elements the splitter is lenient (a missing comma, a second array after the
/// first, stray closing brackets are all read on): each element is validated when it is parsed,
/// and nothing between elements is data that could be lost.
pub struct JsonRecords<'r> {
    reader: &'r mut dyn BufRead,
    shape: Shape,
    /// The line the reader is on.
    line: u64,
    bytes: Vec<u8>,
    text: String,
    max_record_bytes: usize,
}

impl<'r> JsonRecords<'r> {
    pub fn new(reader: &'r mut dyn BufRead) -> Self {
        let max_record_bytes = MAX_RECORD_BYTES;
        JsonRecords { reader, shape: Shape::Start, line: 1, bytes: Vec::new(), text: String::new(), max_record_bytes }
    }

    /// Does the text start as JSON records do, with `[` or `{`? (Empty text counts: it simply
    /// has no records.) Importers call this first to refuse a file that is not JSON at all as a
    /// whole, rather than rejecting each of its lines.
    pub fn starts_as_json(&mut self) -> io::Result<bool> {
        let first = match self.shape {
            Shape::Start => self.begin()?,
            _ => return Ok(true),
        };
        Ok(matches!(first, None | Some(b'[' | b'{')))
    }

    /// Decide the shape from the first non-blank byte, which is returned.
    fn begin(&mut self) -> io::Result<Option<u8>> {
        let first = self.skip_whitespace()?;
        self.shape = match first {
            Some(b'[') => {
                self.reader.consume(1);
                Shape::Array { inside: true }
            }
            _ => Shape::Lines,
        };
        Ok(first)
    }

    /// The next record, or `None` at the end of the file.
    pub fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        loop {
            let found = match self.shape {
                Shape::Start => {
                    self.begin()?;
                    continue;
                }
                Shape::Lines => self.read_line()?,
                Shape::Array { inside } => match self.skip_whitespace()? {
                    None => None,
                    Some(b',') => {
                        self.reader.consume(1);
                        continue;
                    }
                    Some(b']') => {
                        self.reader.consume(1);
                        self.shape = Shape::Array { inside: false };
                        continue;
                    }
                    Some(b'[') if !inside => {
                        self.reader.consume(1);
                        self.shape = Shape::Array { inside: true };
                        continue;
                    }
                    Some(b'}') => {
                        self.reader.consume(1);
                        self.bytes.clear();
                        self.bytes.push(b'}');
                        Some((self.line, Some("a '}' with no '{' before it")))
                    }
                    Some(_) => Some(self.read_element()?),
                },
            };
            let Some((line, problem)) = found else {
                return Ok(None);
            };
            let text = match std::str::from_utf8(&self.bytes) {
                Ok(text) => text,
                Err(_) => {
                    self.text = String::from_utf8_lossy(&self.bytes).into_owned();
                    &self.text
                }
            };
            return Ok(Some(Record { line, text, problem }));
        }
    }

    /// Skip whitespace, counting lines; the next byte, not consumed.
    fn skip_whitespace(&mut self) -> io::Result<Option<u8>> {
        loop {
            let (used, next) = {
                let buf = self.reader.fill_buf()?;
                if buf.is_empty() {
                    return Ok(None);
                }
                let used = buf.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(buf.len());
                self.line += memchr::memchr_iter(b'\n', &buf[..used]).count() as u64;
                (used, buf.get(used).copied())
            };
            self.reader.consume(used);
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// The next non-blank line into `bytes`: its number and any problem.
    fn read_line(&mut self) -> io::Result<Option<(u64, Option<&'static str>)>> {
        loop {
            let line = self.line;
            self.bytes.clear();
            let mut oversized = false;
            let mut any = false;
            loop {
                let (used, done) = {
                    let buf = self.reader.fill_buf()?;
                    if buf.is_empty() {
                        break;
                    }
                    any = true;
                    let (used, done) = match memchr::memchr(b'\n', buf) {
                        Some(i) => (i + 1, true),
                        None => (buf.len(), false),
                    };
                    let content = &buf[..if done { used - 1 } else { used }];
                    if self.bytes.len() + content.len() > self.max_record_bytes {
                        oversized = true;
                    } else {
                        self.bytes.extend_from_slice(content);
                    }
                    (used, done)
                };
                self.reader.consume(used);
                if done {
                    self.line += 1;
                    break;
                }
            }
            if !any {
                return Ok(None);
            }
            if oversized {
                return Ok(Some((line, Some("the line is larger than 64 MiB"))));
            }
            if self.bytes.last() == Some(&b'\r') {
                self.bytes.pop();
            }
            if !self.bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(Some((line, None)));
            }
        }
    }

    /// Read one array element (starting at a non-blank byte) into `bytes`.
    fn read_element(&mut self) -> io::Result<(u64, Option<&'static str>)> {
        let line = self.line;
        self.bytes.clear();
        let (mut depth, mut in_string, mut escaped, mut oversized) = (0u64, false, false, false);
        loop {
            let (used, done) = {
                let buf = self.reader.fill_buf()?;
                if buf.is_empty() {
                    let complete_scalar = depth == 0 && !in_string;
                    let problem = (!complete_scalar).then_some("the file ends inside this record");
                    return Ok((line, if oversized { Some("the record is larger than 64 MiB") } else { problem }));
                }
                let mut end = None;
                for (i, &b) in buf.iter().enumerate() {
                    if in_string {
                        if escaped {
                            escaped = false;
                        } else if b == b'\\' {
                            escaped = true;
                        } else if b == b'"' {
                            in_string = false;
                            if depth == 0 {
                                end = Some(i + 1);
                                break;
                            }
                        }
                    } else {
                        match b {
                            b'"' => in_string = true,
                            b'{' | b'[' => depth += 1,
                            b'}' | b']' if depth == 0 => {
                                end = Some(i);
                                break;
                            }
                            b'}' | b']' => {
                                depth -= 1;
                                if depth == 0 {
                                    end = Some(i + 1);
                                    break;
                                }
                            }
                            b',' if depth == 0 => {
                                end = Some(i);
                                break;
                            }
                            _ if depth == 0 && b.is_ascii_whitespace() => {
                                end = Some(i);
                                break;
                            }
                            _ => {}
                        }
                    }
                    if b == b'\n' {
                        self.line += 1;
                    }
                }
                let used = end.unwrap_or(buf.len());
                if self.bytes.len() + used > self.max_record_bytes {
                    oversized = true;
                } else {
                    self.bytes.extend_from_slice(&buf[..used]);
                }
                (used, end.is_some())
            };
            self.reader.consume(used);
            if done {
                return Ok((line, oversized.then_some("the record is larger than 64 MiB")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ImportOptions, MemorySink};
    use std::io::Write;

    fn import_as(name: &str, text: &[u8], options: &ImportOptions) -> Result<MemorySink> {
        MemorySink::read_bytes(name, text, options)
    }

    fn import(text: &[u8]) -> MemorySink {
        let options = ImportOptions { format: Some("json".into()), ..Default::default() };
        import_as("hits.json", text, &options).unwrap()
    }

    fn records(text: &str) -> Vec<(u64, String, Option<&'static str>)> {
        let mut bytes = text.as_bytes();
        let mut records = JsonRecords::new(&mut bytes);
        let mut out = Vec::new();
        while let Some(r) = records.next_record().unwrap() {
            out.push((r.line, r.text.to_string(), r.problem));
        }
        out
    }

    #[test]
    fn array_elements_are_split_with_their_start_lines() {
        let text = "[\n  {\"a\": \"x,]}\\\"\"},\n  {\"b\": [1, {\"c\": 2}]}\n  ,{\"d\":\n1}\n]\n";
        let got = records(text);
        assert_eq!(
            got,
            [
                (2, r#"{"a": "x,]}\""}"#.to_string(), None),
                (3, r#"{"b": [1, {"c": 2}]}"#.to_string(), None),
                (4, "{\"d\":\n1}".to_string(), None),
            ]
        );
    }

    #[test]
    fn ndjson_lines_are_records_and_blank_lines_are_skipped() {
        let got = records("{\"a\":1}\r\n\n  \n{\"b\":2}\n{broken\n");
        assert_eq!(got, [(1, "{\"a\":1}".into(), None), (4, "{\"b\":2}".into(), None), (5, "{broken".into(), None)]);
    }

    #[test]
    fn oversized_records_are_problems_and_reading_goes_on() {
        for text in ["[{\"a\": \"0123456789\"}, {\"b\": 1}]", "{\"a\": \"0123456789\"}\n{\"b\": 1}\n"] {
            let mut bytes = text.as_bytes();
            let mut records = JsonRecords::new(&mut bytes);
            records.max_record_bytes = 12;
            let first = records.next_record().unwrap().unwrap();
            assert!(first.problem.is_some_and(|p| p.contains("larger than")), "{first:?}");
            let second = records.next_record().unwrap().unwrap();
            assert_eq!((second.text, second.problem), ("{\"b\": 1}", None));
        }
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        let mut bytes: &[u8] = b"[{\"a\": \"caf\xe9\"}]";
        let mut records = JsonRecords::new(&mut bytes);
        assert_eq!(records.next_record().unwrap().unwrap().text, "{\"a\": \"caf\u{fffd}\"}");
    }

    #[test]
    fn a_file_that_is_not_json_is_one_clear_error() {
        let options = ImportOptions { format: Some("json".into()), ..Default::default() };
        let err = import_as("e.json", b"timestamp,url\n2024-03-01,/a\n", &options).unwrap_err();
        assert_eq!(err.code(), "unreadable_file");
        assert!(err.to_string().contains("not JSON"), "{err}");
    }

    #[test]
    fn truncated_array_and_stray_brackets_are_problems_not_errors() {
        let got = records("[{\"a\":1}, }, {\"b\":\n2, \"c\": [");
        assert_eq!(got[0], (1, "{\"a\":1}".into(), None));
        assert_eq!(got[1], (1, "}".into(), Some("a '}' with no '{' before it")));
        assert_eq!(got[2], (1, "{\"b\":\n2, \"c\": [".into(), Some("the file ends inside this record")));
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn numbers_keep_their_digits_and_nested_objects_flatten_to_dotted_keys() {
        let sink = import(
            br#"[{"ts": "2024-03-01T10:00:00Z", "cid": 1443685882.1682380031, "user_id": 12345678901234567890,
                  "page": {"url": "https://shop.example/?gclid=abc", "referrer": null},
                  "non_interaction": true, "items": [1, 2]}]"#,
        );
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        let hit = &sink.hits[0];
        assert_eq!(hit.ts_ms, 1_709_287_200_000);
        assert_eq!(hit.client_id, "1443685882.1682380031");
        assert_eq!(hit.user_id, "12345678901234567890");
        assert_eq!(hit.url, "https://shop.example/?gclid=abc");
        assert_eq!(hit.referrer, "");
        assert!(!hit.interaction);
        let columns: Vec<_> = sink.columns.iter().map(|(f, k)| (f.name(), k.as_str())).collect();
        assert!(columns.contains(&("url", "page.url")), "{columns:?}");
    }

    #[test]
    fn ndjson_rejects_carry_their_line_and_the_rest_imports() {
        let sink = import(
            b"{\"timestamp\": 1709287200000, \"client_id\": \"a\", \"url\": \"/x\"}\n\
              {\"timestamp\": \"soon\", \"client_id\": \"b\", \"url\": \"/y\"}\n\
              {\"timestamp\": 1709287260000, \"client_id\": \n\
              [1, 2]\n\
              {\"timestamp\": \"03/13/2024 10:00\", \"client_id\": \"c\", \"url\": \"/z\", \"event\": \"signup\"}\n",
        );
        assert_eq!(sink.hits.len(), 2);
        assert_eq!(sink.hits[1].event, "signup");
        let mut rejects: Vec<_> = sink.rejects.iter().map(|r| (r.line, r.reason.as_str())).collect();
        rejects.sort();
        assert_eq!(rejects.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 3, 4]);
        assert!(rejects[0].1.contains("not a date"), "{}", rejects[0].1);
        assert!(rejects[1].1.starts_with("not valid JSON"), "{}", rejects[1].1);
        assert!(rejects[2].1.contains("expected a JSON object"), "{}", rejects[2].1);
    }

    #[test]
    fn keys_first_seen_later_fill_open_fields() {
        let sink = import(
            b"[{\"time\": \"2024-03-01 10:00:00\", \"url\": \"/a\"},\n\
               {\"time\": \"2024-03-01 10:01:00\", \"url\": \"/b\", \"visitor_id\": \"v9\"}]",
        );
        assert_eq!(sink.hits.len(), 2);
        assert_eq!((sink.hits[0].client_id.as_str(), sink.hits[1].client_id.as_str()), ("", "v9"));
    }

    #[test]
    fn deep_nesting_is_a_reject_not_a_crash() {
        let depth = 100_000;
        let mut text = String::from("{\"ts\": \"2024-03-01T10:00:00Z\", \"url\": \"/a\"}\n{\"x\":");
        text.push_str(&"{\"a\":".repeat(depth));
        text.push('1');
        text.push_str(&"}".repeat(depth + 1));
        text.push('\n');
        let sink = import(text.as_bytes());
        assert_eq!(sink.hits.len(), 1);
        assert_eq!(sink.rejects.len(), 1);
        assert_eq!(sink.rejects[0].line, 2);
        assert!(sink.rejects[0].reason.contains("nested"), "{}", sink.rejects[0].reason);
        assert!(sink.rejects[0].raw.len() <= MAX_REJECT_TEXT);
    }

    #[test]
    fn a_large_array_is_streamed_and_every_element_imported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let count = 200_000u64;
        out.write_all(b"[\n").unwrap();
        for i in 0..count {
            let sep = if i + 1 < count { "," } else { "" };
            writeln!(
                out,
                r#"  {{"timestamp": {}, "client_id": "c{}", "page_url": "/p/{}"}}{sep}"#,
                1_709_287_200_000 + i,
                i % 997,
                i
            )
            .unwrap();
        }
        out.write_all(b"]\n").unwrap();
        drop(out);
        let sink = MemorySink::read(&path, &ImportOptions::default()).unwrap();
        assert!(sink.rejects.is_empty());
        assert_eq!(sink.hits.len() as u64, count);
        let last = sink.hits.last().unwrap();
        assert_eq!((last.ts_ms, last.url.as_str()), (1_709_287_200_000 + count as i64 - 1, "/p/199999"));
    }

    #[test]
    fn sniffs_hits_as_generic_and_refuses_other_json() {
        let hits = Head::from_text("a.ndjson", "{\"timestamp\": 1, \"url\": \"/a\"}\n");
        assert_eq!(JsonTraffic.sniff(&hits), 10);
        let array = Head::from_text("a.json", "[ {\"event_time\": \"x\", \"client_id\": \"c\"}, {\"event_");
        assert_eq!(JsonTraffic.sniff(&array), 10);
        let config = Head::from_text("a.json", "{\n  \"name\": \"x\",\n  \"rows\": []\n}\n");
        assert_eq!(JsonTraffic.sniff(&config), 0);
    }

    #[test]
    fn files_without_objects_or_timestamps_are_one_clear_error() {
        let options = ImportOptions { format: Some("json".into()), ..Default::default() };
        let err = import_as("e.json", b"[]", &options).unwrap_err();
        assert!(err.to_string().contains("no JSON objects found"), "{err}");
        let err = import_as("e.json", b"[{\"url\": \"/a\", \"name\": \"x\"}]", &options).unwrap_err();
        assert!(err.to_string().contains("no timestamp key") && err.to_string().contains("url"), "{err}");
        let options = ImportOptions { mapping: Mapping::parse(["client_id=who"]).unwrap(), ..options };
        let err = import_as("e.json", b"[{\"ts\": 1709287200000, \"url\": \"/a\"}]", &options).unwrap_err();
        assert!(err.to_string().contains("there is no column 'who'"), "{err}");
    }

    #[test]
    fn explicit_mapping_names_a_nested_key() {
        let options = ImportOptions {
            format: Some("json".into()),
            mapping: Mapping::parse(["client_id=context.device.id"]).unwrap(),
            ..Default::default()
        };
        let text = br#"{"ts": "2024-03-01T10:00:00Z", "url": "/a", "context": {"device": {"id": 42}}}"#;
        let sink = import_as("m.ndjson", text, &options).unwrap();
        assert_eq!(sink.hits[0].client_id, "42");
    }
}
