//! Caddy 2 structured access logs: one JSON object per line, logger `http.log.access` (or a
//! named `http.log.access.NAME`), `ts` in epoch seconds (or a formatted time, if the log's
//! encoder was configured so), `status`, and the request under `request` with `client_ip`
//! (Caddy 2.7+, the client behind trusted proxies) or `remote_ip`, `method`, `host`, `uri` and
//! `headers` (`{"User-Agent": ["..."], "Referer": ["..."]}`).
//!
//! Entries from other loggers in the same file (Caddy's own messages) are rejected with their
//! logger's name, so nothing is dropped silently.

use serde_json::{Map, Value};

use super::{clip, parse_status, read_json_lines, score_if_most_fit, Request};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::Kind;
use crate::time::TimestampParser;

const ACCESS_LOGGER: &str = "http.log.access";

pub struct CaddyJson;

impl Format for CaddyJson {
    fn id(&self) -> &'static str {
        "caddy-json"
    }

    fn name(&self) -> &'static str {
        "Caddy JSON access log"
    }

    fn description(&self) -> &'static str {
        "Caddy JSON access log"
    }

    fn kind(&self) -> Kind {
        Kind::Traffic
    }

    fn sniff(&self, head: &Head) -> u8 {
        let is_access_entry = |line: &str| {
            let Ok(entry) = serde_json::from_str::<Map<String, Value>>(line) else {
                return false;
            };
            let request_ip = entry
                .get("request")
                .and_then(Value::as_object)
                .is_some_and(|r| r.contains_key("remote_ip") || r.contains_key("client_ip"));
            request_ip && entry.contains_key("status") && entry.contains_key("ts")
        };
        let named = head.lines().take(5).any(|l| l.contains(&format!("\"logger\":\"{ACCESS_LOGGER}")));
        score_if_most_fit(head, if named { 90 } else { 70 }, is_access_entry)
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        read_json_lines(input, ctx, sink, request_of)
    }
}

fn request_of<'a>(entry: &'a Map<String, Value>, parser: &TimestampParser) -> Result<Request<'a>, String> {
    if let Some(logger) = entry.get("logger").and_then(Value::as_str) {
        let is_access = logger.strip_prefix(ACCESS_LOGGER).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'));
        if !is_access {
            return Err(format!("a Caddy entry from logger '{}', not an HTTP access entry", clip(logger)));
        }
    }
    let ts_ms = match entry.get("ts") {
        Some(Value::Number(n)) => parser.parse(&n.to_string()),
        Some(Value::String(s)) => parser.parse(s),
        _ => Err("there is no ts value"),
    }
    .map_err(|e| format!("the ts value is not a time: {e}"))?;
    let status = match entry.get("status") {
        Some(Value::Number(n)) => parse_status(&n.to_string())?,
        Some(Value::String(s)) => parse_status(s)?,
        _ => return Err("there is no status value".into()),
    };
    let request = entry.get("request").and_then(Value::as_object).ok_or("there is no request object")?;
    let field = |key: &str| request.get(key).and_then(Value::as_str).unwrap_or("");
    let target = field("uri");
    if target.is_empty() {
        return Err("the request has no uri".into());
    }
    let headers = request.get("headers").and_then(Value::as_object);
    let header = |name: &str| {
        headers
            .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
            .and_then(|(_, values)| values.as_array()?.first()?.as_str())
            .unwrap_or("")
    };
    let ip = match field("client_ip") {
        "" => field("remote_ip"),
        client => client,
    };
    Ok(Request {
        ts_ms,
        method: field("method"),
        host: field("host"),
        target,
        query: "",
        status,
        referrer: header("Referer"),
        user_agent: header("User-Agent"),
        ip,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::logs::tests::{fixture, import};
    use crate::model::HitType;

    #[test]
    fn reads_caddy_access_log() {
        let (format, sink) = import(&fixture("caddy-access.log"));
        assert_eq!(format, "caddy-json");
        assert_eq!(sink.hits.len(), 4);
        let first = &sink.hits[0];
        assert_eq!(first.ts_ms, 1_646_861_401_524, "ts 1646861401.5241024");
        assert_eq!(first.url, "https://localhost/");
        assert_eq!(first.user_agent, "curl/7.82.0");
        assert_eq!(first.referrer, "");
        assert_eq!(first.ip, "127.0.0.1");
        assert_eq!(first.hit_type, HitType::PageView);
        let behind_proxy = &sink.hits[1];
        assert_eq!(behind_proxy.ip, "203.0.113.50", "client_ip wins over the proxy's remote_ip");
        assert_eq!(behind_proxy.url, "https://shop.example/search?q=red+widgets");
        assert_eq!(behind_proxy.referrer, "https://shop.example/");
        assert_eq!(behind_proxy.user_agent, "Mozilla/5.0 (X11; Linux x86_64)");
        assert_eq!(sink.hits[2].hit_type, HitType::Asset);
        assert_eq!(sink.hits[3].event, "http_put");

        let rejected: Vec<(u64, bool)> =
            sink.rejects.iter().map(|r| (r.line, r.reason.contains("http.handlers.reverse_proxy"))).collect();
        assert_eq!(rejected, [(3, true), (5, false), (7, false)]);
        assert!(sink.rejects[1].reason.contains("ts"), "{}", sink.rejects[1].reason);
        assert!(sink.rejects[2].reason.contains("not a JSON object"), "{}", sink.rejects[2].reason);
    }

    #[test]
    fn sniff_needs_caddys_shape() {
        let caddy = r#"{"level":"info","ts":1646861401.52,"logger":"http.log.access","request":{"remote_ip":"127.0.0.1","method":"GET","host":"localhost","uri":"/"},"status":200}"#;
        let unnamed = r#"{"ts":1646861401.52,"request":{"client_ip":"127.0.0.1","uri":"/"},"status":200}"#;
        let nginx = r#"{"time_local":"01/Mar/2024:10:00:00 +0000","remote_addr":"192.0.2.1","request":"GET / HTTP/1.1","status":"200"}"#;
        let score = |line: &str| CaddyJson.sniff(&Head::from_text("a.log", line));
        assert_eq!([score(caddy), score(unnamed), score(nginx)], [90, 70, 0]);
    }
}
