//! Traefik access logs in JSON (`accessLog.format: json`): one object per line with
//! `StartUTC` (or `StartLocal`, or the entry's `time`), `ClientHost` (or `ClientAddr` with its
//! port), `RequestMethod`, `RequestHost`, `RequestPath` (with the query), `DownstreamStatus`
//! (what the client got; `OriginStatus` if it is missing), and the request headers Traefik was
//! told to keep as `request_User-Agent` and `request_Referer`.
//!
//! Sniffing asks for Traefik's own key names, so other JSON logs are not taken for this one.

use serde_json::{Map, Value};

use super::{client_address, clip, parse_status, read_json_lines, score_if_most_fit, Request};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::Kind;
use crate::time::TimestampParser;

const TIME_KEYS: [&str; 3] = ["StartUTC", "StartLocal", "time"];
const STATUS_KEYS: [&str; 2] = ["DownstreamStatus", "OriginStatus"];

pub struct TraefikJson;

impl Format for TraefikJson {
    fn id(&self) -> &'static str {
        "traefik-json"
    }

    fn name(&self) -> &'static str {
        "Traefik JSON access log"
    }

    fn description(&self) -> &'static str {
        "Traefik JSON access log (accessLog format json)"
    }

    fn kind(&self) -> Kind {
        Kind::Traffic
    }

    fn sniff(&self, head: &Head) -> u8 {
        score_if_most_fit(head, 90, |line| {
            serde_json::from_str::<Map<String, Value>>(line).is_ok_and(|entry| {
                entry.contains_key("RequestPath") && STATUS_KEYS.iter().any(|k| entry.contains_key(*k))
            })
        })
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        read_json_lines(input, ctx, sink, request_of)
    }
}

/// The string at `key`; "" if it is missing, not a string or `-`.
fn text<'a>(entry: &'a Map<String, Value>, key: &str) -> &'a str {
    match entry.get(key).and_then(Value::as_str) {
        Some("-") | None => "",
        Some(value) => value,
    }
}

fn request_of<'a>(entry: &'a Map<String, Value>, parser: &TimestampParser) -> Result<Request<'a>, String> {
    let time = TIME_KEYS.iter().map(|k| text(entry, k)).find(|t| !t.is_empty()).ok_or("no StartUTC or time value")?;
    let ts_ms = parser.parse(time).map_err(|e| format!("the time '{}' is not valid: {e}", clip(time)))?;
    let status = match STATUS_KEYS.iter().find_map(|k| entry.get(*k)) {
        Some(Value::Number(n)) => parse_status(&n.to_string())?,
        Some(Value::String(s)) => parse_status(s)?,
        _ => return Err("no DownstreamStatus value".into()),
    };
    let target = text(entry, "RequestPath");
    if target.is_empty() {
        return Err("no RequestPath value".into());
    }
    let ip = match text(entry, "ClientHost") {
        "" => client_address(text(entry, "ClientAddr")),
        host => host,
    };
    Ok(Request {
        ts_ms,
        method: text(entry, "RequestMethod"),
        host: text(entry, "RequestHost"),
        target,
        query: "",
        status,
        referrer: text(entry, "request_Referer"),
        user_agent: text(entry, "request_User-Agent"),
        ip,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::logs::tests::{fixture, import, read_with};

    #[test]
    fn reads_traefik_json_log() {
        let (format, sink) = import(&fixture("traefik-json.log"));
        assert_eq!(format, "traefik-json");
        assert_eq!(sink.rejects, []);
        let hit = &sink.hits[0];
        assert_eq!(hit.url, "https://shop.example.com/search?q=red+shoes");
        assert_eq!((hit.ts_ms, hit.ip.as_str()), (1_709_287_200_773, "192.0.2.100"));
        assert_eq!(hit.referrer, "https://shop.example.com/");
        assert_eq!(hit.user_agent, "Mozilla/5.0 (Android 14; Mobile; rv:123.0) Gecko/123.0 Firefox/123.0");
    }

    #[test]
    fn cut_off_entries_are_rejected() {
        let text = std::fs::read_to_string(fixture("traefik-json.log")).unwrap();
        let cut = &text[..text.find("RequestPath").unwrap()];
        let sink = read_with(&TraefikJson, &format!("{text}{cut}\n"));
        assert_eq!((sink.hits.len(), sink.rejects.len(), sink.rejects[0].line), (1, 1, 2));
    }
}
