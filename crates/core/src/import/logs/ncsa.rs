//! NCSA/Apache text logs: common (`%h %l %u %t "%r" %>s %b`), combined (common plus
//! `"%{Referer}i" "%{User-Agent}i"`, also nginx's default `combined` format and Icecast's access
//! log, which adds the seconds listened), and the variants that name the host:
//!
//! - vhost common and vhost combined: `%v` or `%v:%p` in front of common or combined (Apache's
//!   `vhost_common`, and `vhost_combined` as Debian's `other_vhosts_access.log` writes it);
//! - Gandi's hosting log: vhost combined with the time taken, `(0 s)`, after the timestamp;
//! - OVH's hosting log: combined with the site's host name where the ident (`%l`) stands.
//!
//! Lines may carry extra fields after the user agent (nginx's `"$http_x_forwarded_for"`,
//! Apache's `%I %O`, Icecast's duration); they are ignored. The layouts differ in their
//! fields, so sniffing never mistakes one for another; common and combined lines whose ident is
//! a host name are OVH's.

use std::borrow::Cow;

use super::{
    clip, for_each_line, parse_status, quoted, score_if_most_fit, split_request_line, unescape, HitWriter, Request,
};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::Kind;
use crate::time::{DateOrder, TimestampParser};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    Common,
    Combined,
    VhostCommon,
    VhostCombined,
    Gandi,
    Ovh,
}

impl Layout {
    /// Is the virtual host the line's first field?
    fn starts_with_vhost(self) -> bool {
        matches!(self, Layout::VhostCommon | Layout::VhostCombined | Layout::Gandi)
    }

    /// Does the line go on with the referrer and the user agent after the byte count?
    fn has_referrer_and_agent(self) -> bool {
        !matches!(self, Layout::Common | Layout::VhostCommon)
    }
}

pub struct Ncsa {
    layout: Layout,
}

pub const COMMON: Ncsa = Ncsa { layout: Layout::Common };
pub const COMBINED: Ncsa = Ncsa { layout: Layout::Combined };
pub const VHOST_COMMON: Ncsa = Ncsa { layout: Layout::VhostCommon };
pub const VHOST_COMBINED: Ncsa = Ncsa { layout: Layout::VhostCombined };
pub const GANDI: Ncsa = Ncsa { layout: Layout::Gandi };
pub const OVH: Ncsa = Ncsa { layout: Layout::Ovh };

/// The fields of one line, borrowed from it (unescaped where the line escapes).
struct Line<'a> {
    vhost: &'a str,
    client: &'a str,
    ident: &'a str,
    time: &'a str,
    request: Cow<'a, str>,
    status: &'a str,
    referrer: Cow<'a, str>,
    user_agent: Cow<'a, str>,
}

impl Format for Ncsa {
    fn id(&self) -> &'static str {
        match self.layout {
            Layout::Common => "apache-common",
            Layout::Combined => "apache-combined",
            Layout::VhostCommon => "apache-vhost-common",
            Layout::VhostCombined => "apache-vhost-combined",
            Layout::Gandi => "gandi",
            Layout::Ovh => "ovh",
        }
    }

    fn name(&self) -> &'static str {
        match self.layout {
            Layout::Common => "Apache/nginx access log (common)",
            Layout::Combined => "Apache/nginx access log (combined)",
            Layout::VhostCommon => "Apache access log (vhost common)",
            Layout::VhostCombined => "Apache/nginx access log (vhost combined)",
            Layout::Gandi => "Gandi hosting access log",
            Layout::Ovh => "OVH hosting access log",
        }
    }

    fn description(&self) -> &'static str {
        match self.layout {
            Layout::Common => "Apache/NCSA common log",
            Layout::Combined => "Apache/NCSA combined log (nginx's default log format, Icecast's access log)",
            Layout::VhostCommon => "Apache vhost-common log (%v or %v:%p in front of common)",
            Layout::VhostCombined => "Apache vhost-combined log (%v or %v:%p in front of combined)",
            Layout::Gandi => "Gandi Simple Hosting access log (vhost combined with the time taken)",
            Layout::Ovh => "OVH web hosting access log (combined with the host name as ident)",
        }
    }

    fn kind(&self) -> Kind {
        Kind::Traffic
    }

    fn sniff(&self, head: &Head) -> u8 {
        // The ident field names the host in OVH's logs only; elsewhere it is `-` or a user.
        let fits = |line: &Line<'_>| match self.layout {
            Layout::Ovh => is_host_name(line.ident),
            Layout::Common | Layout::Combined => !is_host_name(line.ident),
            _ => true,
        };
        score_if_most_fit(head, 90, |line| parse_line(line, self.layout).is_ok_and(|l| fits(&l)))
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let parser = TimestampParser::new(ctx.time_zone(), DateOrder::DayFirst);
        let mut writer = HitWriter::default();
        for_each_line(input, ctx, |number, text| match request_of(text, self.layout, &parser) {
            Ok((line, ts_ms, status)) => {
                let (method, target) = match split_request_line(&line.request) {
                    Ok(parts) => parts,
                    Err(reason) => return sink.reject(number, text, reason),
                };
                let request = Request {
                    ts_ms,
                    method,
                    host: if self.layout == Layout::Ovh { line.ident } else { line.vhost },
                    target,
                    query: "",
                    status,
                    referrer: &line.referrer,
                    user_agent: &line.user_agent,
                    ip: line.client,
                };
                writer.write(&request, sink)
            }
            Err(reason) => sink.reject(number, text, &reason),
        })
    }
}

/// The line's fields with its timestamp and status read.
fn request_of<'a>(text: &'a str, layout: Layout, parser: &TimestampParser) -> Result<(Line<'a>, i64, u16), String> {
    let line = parse_line(text, layout)?;
    let ts_ms =
        parser.parse(line.time).map_err(|e| format!("the timestamp '{}' is not valid: {e}", clip(line.time)))?;
    let status = parse_status(line.status)?;
    Ok((line, ts_ms, status))
}

/// `www.example.com`, `shop.example:8080`: a host name as a log field holds one (not `-`, not
/// a user name, not an address).
fn is_host_name(field: &str) -> bool {
    let name = field.split(':').next().unwrap_or("");
    name.contains('.')
        && name.bytes().any(|b| b.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

fn parse_line(text: &str, layout: Layout) -> Result<Line<'_>, &'static str> {
    let (ids, rest) = text.split_once(" [").ok_or("no [timestamp] field; not a line of this log format")?;
    let mut ids = ids.split_ascii_whitespace();
    let vhost = if layout.starts_with_vhost() { ids.next().unwrap_or("") } else { "" };
    let client = ids.next();
    let ident = ids.next();
    // The user field is of no use to analytics, but must be there.
    if ids.next().is_none() || ids.next().is_some() {
        return Err(if layout.starts_with_vhost() {
            "expected 'vhost client ident user' before the [timestamp]"
        } else {
            "expected 'client ident user' before the [timestamp]"
        });
    }
    let (time, mut rest) = rest.split_once("] ").ok_or("the [timestamp] is not closed")?;
    if layout == Layout::Gandi {
        let (taken, after) = rest.split_once(") ").ok_or("no (time taken) after the [timestamp]")?;
        let seconds = taken.strip_prefix('(').and_then(|t| t.strip_suffix(" s"));
        if !seconds.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())) {
            return Err("the time taken after the [timestamp] is not '(N s)'");
        }
        rest = after;
    }
    let (request, rest) = quoted(rest).ok_or("the \"request\" field is missing or not closed (a truncated line?)")?;
    let mut tail = rest.trim_start().splitn(3, ' ');
    let status = tail.next().unwrap_or("");
    let bytes = tail.next().ok_or("no byte count after the status (a truncated line?)")?;
    if bytes != "-" && (bytes.is_empty() || !bytes.bytes().all(|b| b.is_ascii_digit())) {
        return Err("the byte count is not a number");
    }
    let rest = tail.next().unwrap_or("").trim_start();
    let (referrer, user_agent) = if !layout.has_referrer_and_agent() {
        if !rest.is_empty() {
            return Err("unexpected fields after the byte count (a combined log?)");
        }
        ("", "")
    } else {
        let (referrer, rest) = quoted(rest).ok_or("the \"referrer\" field is missing or not closed")?;
        let (user_agent, _) = quoted(rest.trim_start()).ok_or("the \"user agent\" field is missing or not closed")?;
        (referrer, user_agent)
    };
    Ok(Line {
        vhost,
        client: client.unwrap_or(""),
        ident: ident.unwrap_or(""),
        time,
        request: unescape(request),
        status,
        referrer: unescape(referrer),
        user_agent: unescape(user_agent),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::logs::tests::{fixture, import, read_with};
    use crate::import::{ImportOptions, MemorySink};
    use crate::model::HitType;

    const REAL_LOG: &str =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/access-logs/basjes-hackers-access.log");

    /// 2015-10-25T03:11:25Z, the first line's `25/Oct/2015:04:11:25 +0100`.
    const FIRST_LINE_MS: i64 = 1_445_742_685_000;

    #[test]
    fn real_combined_log_every_line_is_a_hit_or_a_reject() {
        let text = std::fs::read_to_string(REAL_LOG).unwrap();
        let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
        assert_eq!(lines, 3456);
        let (format, sink) = import(REAL_LOG.as_ref());
        assert_eq!(format, "apache-combined");
        assert_eq!(sink.hits.len() + sink.rejects.len(), lines);
        // Every line of this real log is well-formed, probes included.
        assert_eq!(sink.rejects, []);

        let first = &sink.hits[0];
        assert_eq!(first.ts_ms, FIRST_LINE_MS);
        assert_eq!(first.url, "/linux/doing-pxe-without-dhcp-control");
        assert_eq!(first.referrer, "http://howto.basjes.nl/");
        assert_eq!(first.user_agent, "Mozilla/5.0 (Windows NT 5.1; rv:35.0) Gecko/20100101 Firefox/35.0");
        assert_eq!(first.ip, "195.154.46.135");
        assert_eq!((first.hit_type, first.event.as_str(), first.interaction), (HitType::PageView, "page_view", true));
        assert_eq!((first.client_id.as_str(), first.event_id.as_str()), ("", ""));

        // Line 3: the bot's form POST (answered with a redirect) is an interaction event.
        let post = &sink.hits[2];
        assert_eq!((post.hit_type, post.event.as_str(), post.interaction), (HitType::Event, "http_post", true));
        assert_eq!((post.url.as_str(), post.ts_ms), ("/join_form", FIRST_LINE_MS + 2_000));

        let count = |event: &str| sink.hits.iter().filter(|h| h.event == event).count();
        assert_eq!(count("http_post"), 1080);
        assert_eq!(count("http_error"), 13 + 12, "the 403 and 404 answers (all to GETs)");
        assert_eq!(count("page_view"), 2376 - 25);
        assert_eq!(count("asset"), 0, "this log has no static files");

        // Proxy-style absolute targets name their host.
        let absolute = sink.hits.iter().find(|h| h.url.contains("howto.basjes.nl/login_form")).unwrap();
        assert_eq!(absolute.url, "https://howto.basjes.nl/login_form");
    }

    #[test]
    fn malformed_lines_are_rejected_with_line_and_reason_and_reading_goes_on() {
        let real = std::fs::read_to_string(REAL_LOG).unwrap();
        let mut lines: Vec<&str> = real.lines().take(10).collect();
        lines.insert(2, r#"45.9.1.1 - - [25/Oct/2015:05:00:00 +0100] "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" 400 226 "-" "-""#);
        lines.insert(5, r#"45.9.1.1 - - [25/Oct/2015:05:00:01 +0100] "GET /join_form HTTP/1.1" 200 11"#);
        lines.insert(7, r#"45.9.1.1 - - [32/Oct/2015:05:00:02 +0100] "GET / HTTP/1.1" 200 11 "-" "-""#);
        lines.insert(8, r#"45.9.1.1 - - [25/Oct/2015:05:00:03 +0100] "-" 408 0 "-" "-""#);
        lines.insert(9, "");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("access.log");
        std::fs::write(&path, lines.join("\n")).unwrap();

        let sink = MemorySink::read(&path, &ImportOptions::default()).unwrap();
        assert_eq!(sink.hits.len(), 10);
        let rejected: Vec<(u64, &str)> = sink.rejects.iter().map(|r| (r.line, r.raw.as_str())).collect();
        assert_eq!(rejected, [(3, lines[2]), (6, lines[5]), (8, lines[7]), (9, lines[8])]);
        let reasons: Vec<&str> = sink.rejects.iter().map(|r| r.reason.as_str()).collect();
        assert!(reasons[0].contains("HTTP method"), "{}", reasons[0]);
        assert!(reasons[1].contains("referrer"), "{}", reasons[1]);
        assert!(reasons[2].contains("timestamp '32/Oct/2015:05:00:02 +0100'"), "{}", reasons[2]);
        assert!(reasons[3].contains("no request"), "{}", reasons[3]);
    }

    #[test]
    fn common_log_from_the_apache_documentation() {
        let (format, sink) = import(&fixture("apache-common.log"));
        assert_eq!(format, "apache-common");
        assert_eq!((sink.hits.len(), sink.rejects.len()), (4, 1));
        let doc = &sink.hits[0];
        assert_eq!(doc.ip, "127.0.0.1");
        assert_eq!(doc.ts_ms, 971_211_336_000, "10/Oct/2000:13:55:36 -0700 is 20:55:36 UTC");
        assert_eq!((doc.url.as_str(), doc.hit_type), ("/apache_pb.gif", HitType::Asset));
        assert_eq!((doc.referrer.as_str(), doc.user_agent.as_str()), ("", ""));
        assert_eq!(sink.hits[1].url, "/index.html?lang=en");
        assert_eq!(sink.hits[1].event, "page_view");
        assert_eq!(sink.rejects[0].line, 4);
        assert!(sink.rejects[0].reason.contains("unexpected fields"), "{}", sink.rejects[0].reason);
    }

    #[test]
    fn combined_log_from_nginx_with_escapes_and_extra_fields() {
        let (format, sink) = import(&fixture("nginx-combined.log"));
        assert_eq!(format, "apache-combined");
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        assert_eq!(sink.hits.len(), 4);
        let home = &sink.hits[0];
        assert_eq!(home.ts_ms, 1_709_287_200_000, "01/Mar/2024:11:00:00 +0100");
        assert_eq!(home.url, "/?utm_source=newsletter&utm_medium=email");
        assert_eq!(home.referrer, "https://www.google.com/");
        assert_eq!(home.ip, "2001:db8::7");
        assert_eq!(sink.hits[1].user_agent, "Mozilla/5.0 \"quoted\" agent");
        assert_eq!(sink.hits[2].hit_type, HitType::Asset);
        assert_eq!(sink.hits[3].event, "http_error");
    }

    #[test]
    fn vhost_combined_names_the_host() {
        let (format, sink) = import(&fixture("apache-vhost-combined.log"));
        assert_eq!(format, "apache-vhost-combined");
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        let urls: Vec<&str> = sink.hits.iter().map(|h| h.url.as_str()).collect();
        assert_eq!(urls, ["https://www.example.com/pricing", "https://blog.example.com/post/1?ref=hn"]);
        assert_eq!(sink.hits[1].referrer, "https://news.ycombinator.com/");
        assert_eq!(sink.hits[1].ip, "198.51.100.4");
    }

    /// 2024-03-01T10:00:00Z, the time most of this family's newer fixtures start at.
    const MARCH_FIRST_TEN_UTC: i64 = 1_709_287_200_000;

    #[test]
    fn vhost_common_with_and_without_port_and_a_comment_line() {
        let (format, sink) = import(&fixture("apache-vhost-common.log"));
        assert_eq!(format, "apache-vhost-common");
        assert_eq!(sink.rejects, [], "the # line is skipped, not rejected");
        let hits: Vec<(&str, i64, &str, &str)> =
            sink.hits.iter().map(|h| (h.url.as_str(), h.ts_ms, h.ip.as_str(), h.event.as_str())).collect();
        assert_eq!(
            hits,
            [
                ("https://www.example.com/docs/?page=2", MARCH_FIRST_TEN_UTC, "192.0.2.30", "page_view"),
                ("https://shop.example.com/cart", MARCH_FIRST_TEN_UTC + 5_000, "192.0.2.31", "http_post"),
            ]
        );
        assert_eq!((sink.hits[0].referrer.as_str(), sink.hits[0].user_agent.as_str()), ("", ""));
    }

    #[test]
    fn vhost_combined_without_port() {
        let (format, sink) = import(&fixture("apache-vhost-combined-no-port.log"));
        assert_eq!(format, "apache-vhost-combined");
        assert_eq!(sink.rejects, []);
        let hit = &sink.hits[0];
        assert_eq!(hit.url, "https://www.example.com/pricing?plan=pro");
        assert_eq!(
            (hit.referrer.as_str(), hit.user_agent.as_str()),
            ("https://www.google.com/", "Mozilla/5.0 (X11; Linux x86_64)")
        );
        assert_eq!((hit.ts_ms, hit.ip.as_str()), (MARCH_FIRST_TEN_UTC, "192.0.2.32"));
    }

    #[test]
    fn gandi_log_is_vhost_combined_with_the_time_taken() {
        let (format, sink) = import(&fixture("gandi.log"));
        assert_eq!(format, "gandi");
        assert_eq!(sink.rejects, []);
        let blog = &sink.hits[0];
        assert_eq!(blog.url, "https://www.example.com/blog/?tag=rust");
        assert_eq!(blog.ts_ms, MARCH_FIRST_TEN_UTC, "11:00:00 +0100");
        assert_eq!(blog.referrer, "https://duckduckgo.com/");
        assert_eq!(blog.user_agent, "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0");
        assert_eq!(blog.ip, "192.0.2.80");
        let denied = &sink.hits[1];
        assert_eq!((denied.url.as_str(), denied.event.as_str()), ("https://www.example.com/admin", "http_error"));
        assert_eq!((denied.ip.as_str(), denied.ts_ms), ("2001:db8::80", MARCH_FIRST_TEN_UTC + 4_000));
    }

    #[test]
    fn ovh_log_names_the_host_in_the_ident_field() {
        let (format, sink) = import(&fixture("ovh.log"));
        assert_eq!(format, "ovh");
        assert_eq!(sink.rejects, []);
        let hit = &sink.hits[0];
        assert_eq!(hit.url, "https://www.example.com/contact.html?ref=footer");
        assert_eq!((hit.ts_ms, hit.ip.as_str()), (MARCH_FIRST_TEN_UTC, "192.0.2.120"));
        assert_eq!(hit.referrer, "https://www.example.com/");
        assert_eq!(hit.user_agent, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Gecko/20100101 Firefox/123.0");
    }

    #[test]
    fn icecast_access_log_is_combined_with_the_seconds_listened() {
        let (format, sink) = import(&fixture("icecast-access.log"));
        assert_eq!(format, "apache-combined");
        assert_eq!(sink.rejects, []);
        let hit = &sink.hits[0];
        assert_eq!((hit.url.as_str(), hit.hit_type), ("/live.mp3", HitType::Asset));
        assert_eq!((hit.ts_ms, hit.ip.as_str()), (MARCH_FIRST_TEN_UTC, "192.0.2.130"));
        assert_eq!(
            (hit.referrer.as_str(), hit.user_agent.as_str()),
            ("https://radio.example.com/listen", "VLC/3.0.20 LibVLC/3.0.20")
        );
    }

    #[test]
    fn lines_cut_off_mid_field_are_rejected_in_every_layout() {
        let cases = [
            (&COMBINED, r#"192.0.2.1 - - [01/Mar/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0 (X11"#),
            (&VHOST_COMMON, r#"www.example.com 192.0.2.1 - - [01/Mar/2024:10:00:00 +0000] "GET /pa"#),
            (&GANDI, r#"www.example.com 192.0.2.1 - - [01/Mar/2024:10:00:00 +0000] (0"#),
            (&OVH, r#"192.0.2.1 www.example.com - [01/Mar/2024:10:0"#),
        ];
        for (format, line) in cases {
            let sink = read_with(format, &format!("# a comment\n{line}\n"));
            assert_eq!((sink.hits.len(), sink.rejects.len()), (0, 1), "{}", format.id());
            assert_eq!(sink.rejects[0].line, 2, "{}", format.id());
        }
    }

    #[test]
    fn gzipped_log_imports() {
        use std::io::Write;
        let plain = std::fs::read(fixture("nginx-combined.log")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("access.log.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&plain).unwrap();
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
        let (format, sink) = import(&path);
        assert_eq!(format, "apache-combined");
        assert_eq!(sink.hits.len(), 4);
        assert_eq!(sink.hits[0].url, "/?utm_source=newsletter&utm_medium=email");
    }

    #[test]
    fn layouts_do_not_claim_each_other_or_csv() {
        let combined =
            Head::from_text("a.log", r#"1.2.3.4 - - [01/Mar/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8""#);
        let common = Head::from_text("a.log", r#"1.2.3.4 - - [01/Mar/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 5"#);
        let vhost = Head::from_text(
            "a.log",
            r#"example.com:443 1.2.3.4 - - [01/Mar/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8""#,
        );
        let csv = Head::from_text("a.csv", "timestamp,url\n2024-03-01T10:00:00Z,/\n");
        let ovh = Head::from_text(
            "a.log",
            r#"1.2.3.4 www.example.com - [01/Mar/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8""#,
        );
        let heads = [&combined, &common, &vhost, &csv, &ovh];
        let score = |f: &Ncsa| heads.map(|h| f.sniff(h));
        assert_eq!(score(&COMBINED), [90, 0, 0, 0, 0]);
        assert_eq!(score(&COMMON), [0, 90, 0, 0, 0]);
        assert_eq!(score(&VHOST_COMBINED), [0, 0, 90, 0, 0]);
        assert_eq!(score(&VHOST_COMMON), [0, 0, 0, 0, 0]);
        assert_eq!(score(&GANDI), [0, 0, 0, 0, 0]);
        assert_eq!(score(&OVH), [0, 0, 0, 0, 90]);
    }

    #[test]
    fn quoted_fields_never_panic() {
        for text in ["", "\"", "\"\\", "\"é\\", "\"a\"b", "\"a\\\"\" rest", "\"\u{FFFD}\\\u{FFFD}\""] {
            let _ = quoted(text);
            let _ = parse_line(text, Layout::Combined);
        }
        assert_eq!(quoted(r#""a\"b" c"#), Some((r#"a\"b"#, " c")));
        let no_bytes = r#"1.2.3.4 - - [01/Mar/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 "#;
        assert_eq!(parse_line(no_bytes, Layout::Common).err(), Some("the byte count is not a number"));
    }
}
