//! Web-server access logs: Apache/NCSA and nginx text logs and their hosting variants (Gandi,
//! OVH; Icecast's is combined), nginx, Caddy and Traefik JSON logs, W3C extended logs (IIS,
//! CloudFront, Incapsula, NetScaler, SHOUTcast), AWS load-balancer and S3 access logs, HAProxy
//! HTTP logs. Each family parses its lines into a [`Request`];
//! [`HitWriter`] then applies the rules every log shares, so one request is one hit everywhere:
//!
//! - url: `https://{host}{path}?{query}` when the log names the host (lower-cased, port
//!   dropped, the same for absolute request targets whatever their scheme), else the path and query;
//! - `-` means empty (referrer, user agent); the IP is passed on raw (the loader truncates it);
//!   logs have no client id or event id;
//! - classification, first rule that fits: a static asset by extension ([`ASSET_EXTENSIONS`]) is
//!   an [`HitType::Asset`] `asset`; status 4xx/5xx is an `http_error` event; a method other than
//!   GET/HEAD is an interaction event `http_{method}` (`http_post`); anything else, redirects
//!   included, is a `page_view`. Assets and errors are not interactions.
//!
//! Malformed lines, lines cut off mid-field among them, are rejected with their line number and
//! reason; blank lines and `#` lines (comments, W3C directives), wherever they are and in every
//! log, are neither rows nor rejects.

mod aws_elb;
mod caddy;
mod haproxy;
mod ncsa;
mod nginx_json;
mod s3;
mod traefik_json;
mod w3c;

use std::borrow::Cow;

use super::{Context, Format, Head, Input, Sink};
use crate::error::{Error, Result};
use crate::model::{HitRow, HitType};
use crate::time::{DateOrder, TimestampParser};

/// This family's formats, most specific first.
pub const FORMATS: &[&dyn Format] = &[
    &caddy::CaddyJson,
    &nginx_json::NginxJson,
    &traefik_json::TraefikJson,
    &w3c::CLOUDFRONT,
    &w3c::INCAPSULA,
    &w3c::NETSCALER,
    &w3c::SHOUTCAST,
    &w3c::IIS,
    &aws_elb::ALB,
    &aws_elb::CLASSIC_ELB,
    &s3::S3Access,
    &haproxy::HaproxyHttp,
    &ncsa::GANDI,
    &ncsa::VHOST_COMBINED,
    &ncsa::VHOST_COMMON,
    &ncsa::OVH,
    &ncsa::COMBINED,
    &ncsa::COMMON,
];

/// File extensions of static assets (lower case): images, icons, styles, scripts and their
/// source maps, fonts, audio and video, and the text/XML files robots and feeds fetch.
#[rustfmt::skip]
pub const ASSET_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "bmp", "tif", "tiff",
    "css", "js", "mjs", "map",
    "woff", "woff2", "ttf", "otf", "eot",
    "mp3", "mp4", "m4a", "m4v", "webm", "ogg", "oga", "ogv", "wav", "flac", "aac", "mov", "avi",
    "txt", "xml", "webmanifest",
];

/// How many non-empty lines sniffing looks at.
const SNIFF_LINES: usize = 20;

/// One request as a log line states it.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Request<'a> {
    /// UTC milliseconds.
    pub ts_ms: i64,
    /// `GET`, `POST`, ...; empty when the log does not record it (read as GET).
    pub method: &'a str,
    /// The host the log names (virtual host, Host header), possibly with a port; "" if none.
    pub host: &'a str,
    /// The request target: a path (with or without query) or an absolute URL.
    pub target: &'a str,
    /// A query string the log keeps apart from the path (W3C's cs-uri-query), without `?`.
    pub query: &'a str,
    pub status: u16,
    pub referrer: &'a str,
    pub user_agent: &'a str,
    /// The client address as logged.
    pub ip: &'a str,
}

/// Turns [`Request`]s into hits; holds the text a hit needs that no log field holds as such.
#[derive(Default)]
pub(super) struct HitWriter {
    url: String,
    event: String,
}

impl HitWriter {
    pub fn write(&mut self, request: &Request<'_>, sink: &mut dyn Sink) -> Result<()> {
        let path_start = build_url(request, &mut self.url);
        let path = self.url.get(path_start..).unwrap_or("");
        let (hit_type, event, interaction) = if is_asset(path) {
            (HitType::Asset, "asset", false)
        } else if request.status >= 400 {
            (HitType::Event, "http_error", false)
        } else if request.method.is_empty()
            || request.method.eq_ignore_ascii_case("GET")
            || request.method.eq_ignore_ascii_case("HEAD")
        {
            (HitType::PageView, "page_view", true)
        } else {
            self.event.clear();
            self.event.push_str("http_");
            self.event.extend(request.method.chars().map(|c| c.to_ascii_lowercase()));
            (HitType::Event, self.event.as_str(), true)
        };
        sink.hit(&HitRow {
            ts_ms: request.ts_ms,
            hit_type,
            event,
            interaction,
            url: &self.url,
            referrer: absent_if_dash(request.referrer),
            user_agent: absent_if_dash(request.user_agent),
            ip: absent_if_dash(request.ip),
            ..HitRow::default()
        })
    }
}

/// `-` is how logs write "none".
pub(super) fn absent_if_dash(value: &str) -> &str {
    match value.trim() {
        "-" => "",
        v => v,
    }
}

/// Write the request's URL into `url`; returns where its path starts.
fn build_url(request: &Request<'_>, url: &mut String) -> usize {
    url.clear();
    let (host, path) = match split_absolute(request.target) {
        Some((host, path)) => (host, path),
        None => (request.host.trim(), request.target),
    };
    let host = without_port(host);
    if !host.is_empty() {
        url.push_str("https://");
        url.extend(host.chars().map(|c| c.to_ascii_lowercase()));
        if !path.starts_with('/') {
            url.push('/');
        }
    }
    let path_start = url.len();
    url.push_str(path);
    if !request.query.is_empty() {
        url.push('?');
        url.push_str(request.query);
    }
    path_start
}

/// An absolute `http://` or `https://` target as (host with port, path and query).
fn split_absolute(target: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = target.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit('@').next().unwrap_or(authority);
    Some((host, &rest[end..]))
}

/// `example.com:8080` → `example.com`; `[2001:db8::1]:443` → `[2001:db8::1]`.
fn without_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port))
            if port.bytes().all(|b| b.is_ascii_digit()) && (!name.contains(':') || name.ends_with(']')) =>
        {
            name
        }
        _ => host,
    }
}

/// Does the path (query allowed) name a static file?
fn is_asset(path_and_query: &str) -> bool {
    let path = path_and_query.split(['?', '#']).next().unwrap_or("");
    let file = path.rsplit('/').next().unwrap_or(path);
    let Some((_, extension)) = file.rsplit_once('.') else {
        return false;
    };
    ASSET_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(extension))
}

/// A request line `METHOD target [HTTP/x.y]` as (method, target), or why it is not one.
pub(super) fn split_request_line(line: &str) -> Result<(&str, &str), &'static str> {
    let line = line.trim();
    if line.is_empty() || line == "-" {
        return Err("no request line (the client sent no request)");
    }
    let (method, rest) = line.split_once(' ').unwrap_or((line, ""));
    let is_method = (1..=20).contains(&method.len())
        && method.starts_with(|c: char| c.is_ascii_uppercase())
        && method.bytes().all(|b| b.is_ascii_uppercase() || b == b'-' || b == b'_');
    if !is_method {
        return Err("the request line does not start with an HTTP method (a binary or garbled request)");
    }
    let target = match rest.rsplit_once(' ') {
        Some((target, protocol)) if protocol.starts_with("HTTP/") => target.trim(),
        _ => rest.trim(),
    };
    if target.is_empty() {
        return Err("the request line has no target");
    }
    Ok((method, target))
}

/// A status code from its text, or why it is not one.
pub(super) fn parse_status(text: &str) -> Result<u16, String> {
    let text = text.trim();
    match text.parse::<u16>() {
        Ok(code) if text.len() == 3 && (100..=599).contains(&code) => Ok(code),
        _ => Err(format!("the status '{}' is not an HTTP status code", clip(text))),
    }
}

/// The start of a value for a reject reason (the whole line is in the reject anyway).
pub(super) fn clip(text: &str) -> &str {
    match text.char_indices().nth(60) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// How a JSON log turns one entry into a request (the request may borrow from the entry).
pub(super) type JsonRequest = for<'a> fn(
    &'a serde_json::Map<String, serde_json::Value>,
    &TimestampParser,
) -> std::result::Result<Request<'a>, String>;

/// Read a log of one JSON object per line into `sink`: each object becomes a request through
/// `request_of`; a line that is not a JSON object, or not a request, is a reject with its reason.
pub(super) fn read_json_lines(
    input: &mut Input,
    ctx: &Context,
    sink: &mut dyn Sink,
    request_of: JsonRequest,
) -> Result<()> {
    let parser = TimestampParser::new(ctx.time_zone(), DateOrder::DayFirst);
    let mut writer = HitWriter::default();
    for_each_line(input, ctx, |number, text| {
        let entry = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text) {
            Ok(entry) => entry,
            Err(e) => return sink.reject(number, text, &format!("not a JSON object: {e}")),
        };
        match request_of(&entry, &parser) {
            Ok(request) => writer.write(&request, sink),
            Err(reason) => sink.reject(number, text, &reason),
        }
    })
}

/// Feed every non-blank line that is not a `#` comment with its 1-based number to `each`.
pub(super) fn for_each_line(
    input: &mut Input,
    ctx: &Context,
    mut each: impl FnMut(u64, &str) -> Result<()>,
) -> Result<()> {
    for_each_line_with_comments(input, ctx, |number, line| if is_comment(line) { Ok(()) } else { each(number, line) })
}

/// Feed every non-blank line, `#` lines included, with its 1-based number to `each`: for logs
/// whose `#` lines are directives.
pub(super) fn for_each_line_with_comments(
    input: &mut Input,
    ctx: &Context,
    mut each: impl FnMut(u64, &str) -> Result<()>,
) -> Result<()> {
    let mut line = String::new();
    while let Some(number) = input.next_line(&mut line).map_err(|e| Error::io(ctx.path, e))? {
        if !line.trim().is_empty() {
            each(number, &line)?;
        }
    }
    Ok(())
}

/// A `#` line: a comment (or a W3C directive), in any log neither a row nor a reject.
pub(super) fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// `score` when most of the first non-empty lines that are not `#` directives fit, else 0.
pub(super) fn score_if_most_fit(head: &Head, score: u8, fits: impl Fn(&str) -> bool) -> u8 {
    let mut total = 0;
    let mut fitting = 0;
    for line in head.lines().filter(|l| !is_comment(l)).take(SNIFF_LINES) {
        total += 1;
        fitting += usize::from(fits(line));
    }
    if total > 0 && fitting * 2 > total {
        score
    } else {
        0
    }
}

/// A `"..."` field at the start of `text` (backslash escapes kept) and what follows it, which
/// must be the end or a space.
pub(super) fn quoted(text: &str) -> Option<(&str, &str)> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => {
                let rest = &text[i + 1..];
                return (rest.is_empty() || rest.starts_with(' ')).then_some((&text[1..i], rest));
            }
            _ => i += 1,
        }
    }
    None
}

/// How a field of a space-separated log line is enclosed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Enclosure {
    #[default]
    Bare,
    /// `"..."`, backslash escapes kept.
    Quoted,
    /// `[...]`, as timestamps are.
    Bracketed,
    /// `{...}`, as HAProxy's captured headers are.
    Braced,
}

/// One field of a space-separated log line, without its enclosing characters.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Field<'a> {
    pub text: &'a str,
    pub enclosure: Enclosure,
}

/// Space-separated fields, each `"quoted"`, `[bracketed]` or `{braced}` field counting as one.
/// A bracket or brace not closed right before a space or the end (`[2001:db8::1]:2817`)
/// belongs to a bare field; a quote not closed so means a cut-off line.
pub(super) fn split_fields(mut text: &str) -> Result<Vec<Field<'_>>, &'static str> {
    let mut fields = Vec::with_capacity(32);
    loop {
        text = text.trim_start_matches(' ');
        if text.is_empty() {
            return Ok(fields);
        }
        if text.starts_with('"') {
            let (value, rest) = quoted(text).ok_or("a quoted field is not closed (a truncated line?)")?;
            fields.push(Field { text: value, enclosure: Enclosure::Quoted });
            text = rest;
            continue;
        }
        let enclosed = match text.as_bytes()[0] {
            b'[' => Some((']', Enclosure::Bracketed)),
            b'{' => Some(('}', Enclosure::Braced)),
            _ => None,
        };
        let closed = enclosed.and_then(|(close, enclosure)| {
            let end = text.find(close)?;
            let rest = &text[end + 1..];
            (rest.is_empty() || rest.starts_with(' ')).then_some((Field { text: &text[1..end], enclosure }, rest))
        });
        let (field, rest) = closed.unwrap_or_else(|| {
            let end = text.find(' ').unwrap_or(text.len());
            (Field { text: &text[..end], enclosure: Enclosure::Bare }, &text[end..])
        });
        fields.push(field);
        text = rest;
    }
}

/// A client address without the port a proxy appends, to IPv6 addresses too without brackets:
/// `192.0.2.1:2817` → `192.0.2.1`, `2001:db8::1:2817` → `2001:db8::1`, `[2001:db8::1]:2817` →
/// `2001:db8::1`; `-` → "".
pub(super) fn client_address(client: &str) -> &str {
    if let Some(bracketed) = client.strip_prefix('[') {
        return bracketed.split(']').next().unwrap_or("");
    }
    match client.rsplit_once(':') {
        Some((address, _port)) => address,
        None if client == "-" => "",
        None => client,
    }
}

/// Undo the backslash escapes Apache and nginx write in quoted fields (`\"`, `\\`, `\xHH`,
/// `\n`, `\t`, `\r`); anything else stays as written.
pub(super) fn unescape(text: &str) -> Cow<'_, str> {
    if !text.contains('\\') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = if bytes[i] == b'\\' { bytes.get(i + 1).copied() } else { None };
        let hex_byte = || {
            let digits = text.get(i + 2..i + 4).filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))?;
            u8::from_str_radix(digits, 16).ok()
        };
        match escaped {
            Some(b'x') if hex_byte().is_some() => {
                out.extend(hex_byte());
                i += 4;
            }
            Some(c @ (b'"' | b'\\' | b'n' | b't' | b'r')) => {
                out.push(match c {
                    b'n' => b'\n',
                    b't' => b'\t',
                    b'r' => b'\r',
                    other => other,
                });
                i += 2;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
pub(super) mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::import::{ImportOptions, MemorySink};

    /// A fixture of this family, in `crates/core/tests/fixtures/logs/`.
    pub fn fixture(name: &str) -> PathBuf {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/logs")).join(name)
    }

    /// Sniff and read a file; also return the format detection chose.
    pub fn import(path: &std::path::Path) -> (&'static str, MemorySink) {
        let options = ImportOptions::default();
        let (format, _) = crate::import::detect(path, &options).unwrap();
        let sink = MemorySink::read(path, &options).unwrap();
        (format.id(), sink)
    }

    /// Read `text` as `format`, without sniffing.
    pub fn read_with(format: &dyn Format, text: &str) -> MemorySink {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("access.log");
        std::fs::write(&path, text).unwrap();
        let mut sink = MemorySink::default();
        crate::import::read_file(&path, format, &ImportOptions::default(), &mut sink).unwrap();
        sink
    }

    #[test]
    fn each_fixture_is_claimed_by_its_own_format_only() {
        let real = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/access-logs/basjes-hackers-access.log");
        let cases = [
            (fixture("apache-common.log"), "apache-common"),
            (fixture("nginx-combined.log"), "apache-combined"),
            (PathBuf::from(real), "apache-combined"),
            (fixture("apache-vhost-combined.log"), "apache-vhost-combined"),
            (fixture("nginx-json.log"), "nginx-json"),
            (fixture("caddy-access.log"), "caddy-json"),
            (fixture("iis-w3c.log"), "iis-w3c"),
            (fixture("cloudfront.log"), "cloudfront"),
            (fixture("aws-alb.log"), "aws-alb"),
            (fixture("aws-elb-classic.log"), "aws-elb-classic"),
            (fixture("aws-elb-classic-comment.log"), "aws-elb-classic"),
            (fixture("apache-vhost-common.log"), "apache-vhost-common"),
            (fixture("apache-vhost-combined-no-port.log"), "apache-vhost-combined"),
            (fixture("gandi.log"), "gandi"),
            (fixture("ovh.log"), "ovh"),
            (fixture("icecast-access.log"), "apache-combined"),
            (fixture("iis-advanced.log"), "iis-w3c"),
            (fixture("incapsula-w3c.log"), "incapsula-w3c"),
            (fixture("netscaler-w3c.log"), "netscaler-w3c"),
            (fixture("shoutcast-w3c.log"), "shoutcast-w3c"),
            (fixture("s3-access.log"), "s3-access"),
            (fixture("haproxy-http.log"), "haproxy-http"),
            (fixture("traefik-json.log"), "traefik-json"),
        ];
        let mut listed: Vec<String> = cases.iter().map(|(p, _)| p.display().to_string()).collect();
        listed.sort_unstable();
        let mut on_disk: Vec<String> = std::fs::read_dir(fixture(""))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "log"))
            .map(|p| p.display().to_string())
            .collect();
        on_disk.sort_unstable();
        listed.retain(|p| !p.ends_with("basjes-hackers-access.log"));
        assert_eq!(listed, on_disk, "every fixture log is checked here");
        for (path, id) in cases {
            let head = Head::read(&path).unwrap();
            let claims: Vec<&str> = FORMATS.iter().filter(|f| f.sniff(&head) > 0).map(|f| f.id()).collect();
            assert_eq!(claims, [id], "{}", path.display());
        }
    }

    #[test]
    fn csv_and_json_traffic_exports_are_not_logs() {
        let exports = [
            "timestamp,client_id,url,referrer\n2024-03-01T10:00:00Z,1.2,https://a.example/,-\n",
            "date\ttime\turl\tstatus\n2024-03-01\t10:00:00\t/\t200\n",
            r#"{"timestamp":"2024-03-01T10:00:00Z","client_id":"1.2","url":"/","ip":"192.0.2.1","status":200}"#,
            r#"[{"time_local":"01/Mar/2024:10:00:00 +0000","remote_addr":"192.0.2.1","request":"GET / HTTP/1.1","status":"200"}]"#,
        ];
        for text in exports {
            let head = Head::from_text("export", text);
            let claims: Vec<&str> = FORMATS.iter().filter(|f| f.sniff(&head) > 0).map(|f| f.id()).collect();
            assert!(claims.is_empty(), "{claims:?} claim {text}");
        }
    }

    /// Every line of this family's fixtures: material for the property test to damage.
    static FIXTURE_LINES: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        let mut lines = Vec::new();
        for entry in std::fs::read_dir(fixture("")).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            lines.extend(text.lines().map(String::from));
        }
        lines
    });

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Real lines cut short or with junk spliced in: no format panics, and each line yields
        /// at most one row or reject.
        #[test]
        fn damaged_lines_never_panic(
            edits in proptest::collection::vec(
                (
                    proptest::prelude::any::<proptest::sample::Index>(),
                    proptest::prelude::any::<proptest::sample::Index>(),
                    proptest::prelude::any::<bool>(),
                    "[ -~\t\u{0}-\u{1f}é]{0,12}",
                ),
                1..8,
            )
        ) {
            let damaged: Vec<String> = edits
                .iter()
                .map(|(line, at, truncate, junk)| {
                    let line = &FIXTURE_LINES[line.index(FIXTURE_LINES.len())];
                    let cuts: Vec<usize> = line.char_indices().map(|(i, _)| i).chain([line.len()]).collect();
                    let at = cuts[at.index(cuts.len())];
                    if *truncate { line[..at].to_string() } else { format!("{}{junk}{}", &line[..at], &line[at..]) }
                })
                .collect();
            let text = damaged.join("\n");
            let non_blank = text.lines().filter(|l| !l.trim().is_empty()).count();
            for format in FORMATS {
                let sink = read_with(*format, &text);
                proptest::prop_assert!(sink.hits.len() + sink.rejects.len() <= non_blank, "{}", format.id());
            }
        }
    }

    fn hit_of(method: &str, target: &str, status: u16) -> crate::import::OwnedHit {
        let mut sink = MemorySink::default();
        let request = Request { method, target, status, host: "Shop.Example:443", ..Request::default() };
        HitWriter::default().write(&request, &mut sink).unwrap();
        sink.hits.remove(0)
    }

    #[test]
    fn classification_follows_the_shared_rules() {
        let cases = [
            ("GET", "/", 200, HitType::PageView, "page_view", true),
            ("HEAD", "/about", 304, HitType::PageView, "page_view", true),
            ("GET", "/old", 301, HitType::PageView, "page_view", true),
            ("POST", "/cart", 302, HitType::Event, "http_post", true),
            ("DELETE", "/cart/1", 204, HitType::Event, "http_delete", true),
            ("GET", "/missing", 404, HitType::Event, "http_error", false),
            ("POST", "/cart", 500, HitType::Event, "http_error", false),
            ("GET", "/static/app.JS?v=3", 200, HitType::Asset, "asset", false),
            ("GET", "/favicon.ico", 404, HitType::Asset, "asset", false),
            ("GET", "/robots.txt", 200, HitType::Asset, "asset", false),
            ("GET", "/sitemap.xml", 200, HitType::Asset, "asset", false),
            ("GET", "/v1.2/docs", 200, HitType::PageView, "page_view", true),
            ("GET", "/go?to=https://cdn.example/app.js", 200, HitType::PageView, "page_view", true),
            ("GET", "/download.php?file=logo.png", 200, HitType::PageView, "page_view", true),
        ];
        for (method, target, status, hit_type, event, interaction) in cases {
            let hit = hit_of(method, target, status);
            assert_eq!((hit.hit_type, hit.event.as_str(), hit.interaction), (hit_type, event, interaction), "{target}");
        }
    }

    #[test]
    fn urls_name_the_host_when_the_log_does() {
        assert_eq!(hit_of("GET", "/a?b=1", 200).url, "https://shop.example/a?b=1");
        assert_eq!(hit_of("GET", "http://Other.Example:80/x", 200).url, "https://other.example/x");
        assert_eq!(hit_of("GET", "https://other.example", 200).url, "https://other.example/");
        let mut url = String::new();
        build_url(&Request { target: "/p", query: "q=1", ..Request::default() }, &mut url);
        assert_eq!(url, "/p?q=1");
        build_url(&Request { target: "/", host: "[2001:db8::1]:8443", ..Request::default() }, &mut url);
        assert_eq!(url, "https://[2001:db8::1]/");
    }

    #[test]
    fn request_lines() {
        assert_eq!(split_request_line("GET /a?b HTTP/1.1"), Ok(("GET", "/a?b")));
        assert_eq!(split_request_line("GET /"), Ok(("GET", "/")));
        assert_eq!(split_request_line("OPTIONS * HTTP/1.1"), Ok(("OPTIONS", "*")));
        assert!(split_request_line("-").is_err());
        assert!(split_request_line("- https://shop.example:443- -").is_err());
        assert_eq!(split_request_line("GET"), Err("the request line has no target"));
        assert!(split_request_line("\u{16}\u{3}\u{1}\u{0}").is_err());
        assert!(split_request_line("get / HTTP/1.1").is_err());
        assert!(split_request_line("GET  HTTP/1.1").is_err());
    }

    #[test]
    fn client_addresses() {
        assert_eq!(client_address("192.0.2.1:2817"), "192.0.2.1");
        assert_eq!(client_address("[2001:db8::1]:2817"), "2001:db8::1");
        assert_eq!(client_address("2001:db8::1:2817"), "2001:db8::1");
        assert_eq!(client_address("192.0.2.1"), "192.0.2.1");
        assert_eq!(client_address("-"), "");
    }

    #[test]
    fn fields_enclosed_in_quotes_brackets_or_braces() {
        let fields = split_fields(r#"a "b \" c" [d e] {f g} [::1]:80 {h"#).unwrap();
        let parts: Vec<(&str, Enclosure)> = fields.iter().map(|f| (f.text, f.enclosure)).collect();
        assert_eq!(
            parts,
            [
                ("a", Enclosure::Bare),
                (r#"b \" c"#, Enclosure::Quoted),
                ("d e", Enclosure::Bracketed),
                ("f g", Enclosure::Braced),
                ("[::1]:80", Enclosure::Bare),
                ("{h", Enclosure::Bare),
            ]
        );
        assert!(split_fields(r#"a "b c"#).is_err(), "a quote cut off");
    }

    #[test]
    fn backslash_escapes() {
        assert_eq!(unescape(r#"say \"hi\" \\ \x41\xc3\xa9"#), "say \"hi\" \\ Aé");
        assert_eq!(unescape(r"trailing \"), r"trailing \");
        assert_eq!(unescape(r"\xZZ \x+1 \q"), r"\xZZ \x+1 \q");
    }

    #[test]
    fn statuses() {
        assert_eq!(parse_status("404"), Ok(404));
        assert!(parse_status("-").is_err());
        assert!(parse_status("99").is_err());
        assert!(parse_status("+200").is_err());
        assert!(parse_status("600").is_err());
    }
}
