//! HAProxy's HTTP log format (`option httplog`), as syslog stores it
//! (`Feb  6 12:14:14 host haproxy[14389]: ` in front) or without the syslog prefix:
//! `client:port [accept date] frontend backend/server Tq/Tw/Tc/Tr/Ta status bytes
//! req-cookie res-cookie termination-state actconn/feconn/beconn/srv_conn/retries
//! srv_queue/backend_queue {captured request headers} {captured response headers} "request"`.
//!
//! The accept date (`06/Feb/2009:12:14:14.655`) has no zone: it is read in the import's time
//! zone (UTC unless one is given). The header captures appear only where the configuration
//! declares `capture request header`, and then hold the values alone, `|`-separated, in the
//! declared order; the first `{...}` block is taken as the request's, and in it a value that is
//! an `http(s)://` URL is the referrer, a bare host name the host and anything else with a `/`
//! (`Mozilla/5.0 (...)`) the user agent. Fields after the request (`option httpslog`'s TLS
//! fields) are ignored.

use super::{
    client_address, clip, for_each_line, parse_status, score_if_most_fit, split_fields, split_request_line, unescape,
    Enclosure, Field, HitWriter, Request,
};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::Kind;
use crate::time::{DateOrder, TimestampParser};

/// The fields before the header captures and the request.
const FIXED_FIELDS: usize = 12;

pub struct HaproxyHttp;

impl Format for HaproxyHttp {
    fn id(&self) -> &'static str {
        "haproxy-http"
    }

    fn name(&self) -> &'static str {
        "HAProxy HTTP log"
    }

    fn description(&self) -> &'static str {
        "HAProxy HTTP log (option httplog), with or without the syslog prefix"
    }

    fn kind(&self) -> Kind {
        Kind::Traffic
    }

    fn sniff(&self, head: &Head) -> u8 {
        score_if_most_fit(head, 90, |line| split_fields(without_syslog_prefix(line)).is_ok_and(|f| is_http_line(&f)))
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let parser = TimestampParser::new(ctx.time_zone(), DateOrder::DayFirst);
        let mut writer = HitWriter::default();
        for_each_line(input, ctx, |number, text| match parse(text, &parser) {
            Ok(line) => {
                let request_line = unescape(line.request);
                let (method, target) = match split_request_line(&request_line) {
                    Ok(parts) => parts,
                    Err(reason) => return sink.reject(number, text, reason),
                };
                let headers = CapturedHeaders::of(line.captured);
                let request = Request {
                    ts_ms: line.ts_ms,
                    method,
                    host: headers.host,
                    target,
                    query: "",
                    status: line.status,
                    referrer: headers.referrer,
                    user_agent: headers.user_agent,
                    ip: client_address(line.client),
                };
                writer.write(&request, sink)
            }
            Err(reason) => sink.reject(number, text, &reason),
        })
    }
}

/// The line after a syslog prefix ending in `tag[pid]: `, or the line itself if it has none.
fn without_syslog_prefix(line: &str) -> &str {
    match line.split_once("]: ") {
        Some((prefix, rest)) if !prefix.contains('"') && !prefix.contains(" [") => rest,
        _ => line,
    }
}

/// The shape of an HTTP log line: `addr:port [date] frontend backend/server t/t/t/t/t status`.
fn is_http_line(fields: &[Field<'_>]) -> bool {
    let slashes = |i: usize, n: usize| fields.get(i).is_some_and(|f| f.text.matches('/').count() == n);
    fields.len() > FIXED_FIELDS
        && fields[0].text.contains(':')
        && fields[1].enclosure == Enclosure::Bracketed
        && slashes(3, 1)
        && slashes(4, 4)
        && slashes(10, 4)
        && slashes(11, 1)
        && fields[FIXED_FIELDS..].iter().any(|f| f.enclosure == Enclosure::Quoted)
}

/// What a hit needs from one line.
struct Line<'a> {
    ts_ms: i64,
    client: &'a str,
    status: u16,
    /// The first `{...}` block: the captured request headers.
    captured: &'a str,
    request: &'a str,
}

fn parse<'a>(text: &'a str, parser: &TimestampParser) -> Result<Line<'a>, String> {
    let fields = split_fields(without_syslog_prefix(text))?;
    if !is_http_line(&fields) {
        return Err(format!(
            "not an HAProxy HTTP log line: expected 'client:port [date] frontend backend/server timers status ... \
             \"request\"', found {} fields (a truncated line, or a TCP log line?)",
            fields.len()
        ));
    }
    let time = fields[1].text;
    let ts_ms = parser.parse(time).map_err(|e| format!("the accept date '{}' is not valid: {e}", clip(time)))?;
    let status = parse_status(fields[5].text)?;
    let rest = &fields[FIXED_FIELDS..];
    let request = rest.iter().find(|f| f.enclosure == Enclosure::Quoted).map_or("", |f| f.text);
    let captured = rest.first().filter(|f| f.enclosure == Enclosure::Braced).map_or("", |f| f.text);
    Ok(Line { ts_ms, client: fields[0].text, status, captured, request })
}

/// The headers a `{...}` capture block names, told apart by their values.
#[derive(Default)]
struct CapturedHeaders<'a> {
    host: &'a str,
    referrer: &'a str,
    user_agent: &'a str,
}

impl<'a> CapturedHeaders<'a> {
    fn of(block: &'a str) -> Self {
        let mut headers = CapturedHeaders::default();
        for value in block.split('|').map(str::trim).filter(|v| !v.is_empty()) {
            if value.starts_with("http://") || value.starts_with("https://") {
                headers.referrer = value;
            } else if value.contains('/') {
                headers.user_agent = value;
            } else if value.contains('.') && !value.contains(' ') {
                headers.host = value;
            }
        }
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::logs::tests::{fixture, import, read_with};

    #[test]
    fn http_log_with_syslog_prefix_and_captured_headers() {
        let (format, sink) = import(&fixture("haproxy-http.log"));
        assert_eq!(format, "haproxy-http");
        assert_eq!(sink.rejects, []);
        let product = &sink.hits[0];
        assert_eq!(product.url, "https://shop.example.com/products?id=7");
        assert_eq!((product.ts_ms, product.ip.as_str()), (1_709_287_200_655, "192.0.2.70"));
        assert_eq!(product.user_agent, "Mozilla/5.0 (X11; Linux x86_64)");
        assert_eq!(product.referrer, "https://www.google.com/");
        let login = &sink.hits[1];
        assert_eq!((login.url.as_str(), login.event.as_str()), ("/login", "http_post"), "no captures: no host");
        assert_eq!((login.ts_ms, login.ip.as_str(), login.user_agent.as_str()), (1_709_287_202_120, "192.0.2.71", ""));
    }

    #[test]
    fn without_syslog_prefix_bad_requests_and_cut_off_lines() {
        let text = std::fs::read_to_string(fixture("haproxy-http.log")).unwrap();
        let second = text.lines().nth(1).unwrap();
        let bare = without_syslog_prefix(second);
        let bad = bare.replace("\"POST /login HTTP/1.1\"", "\"<BADREQ>\"");
        let cut = &bare[..bare.find("/login").unwrap()];
        let sink = read_with(&HaproxyHttp, &format!("{bare}\n{bad}\n{cut}\n"));
        assert_eq!(sink.hits.len(), 1);
        assert_eq!(sink.hits[0].url, "/login");
        let rejected: Vec<u64> = sink.rejects.iter().map(|r| r.line).collect();
        assert_eq!(rejected, [2, 3]);
        assert!(sink.rejects[1].reason.contains("not closed"), "{}", sink.rejects[1].reason);
    }
}
