//! nginx logs written with `log_format ... escape=json '{...}'`: one JSON object per line whose
//! keys are nginx variable names. The time comes from `time_iso8601`, `time_local`, `msec` or
//! `@timestamp`; the request from `request` (`GET /p HTTP/1.1`) or `request_method` with
//! `request_uri` (or `uri` and `args`); the host from `host`, `http_host` or `server_name`.
//! Values may be strings or bare numbers, as the `log_format` wrote them.
//!
//! Sniffing asks for nginx's own key names (`remote_addr`, `status`, a request key and a time
//! key), so generic NDJSON traffic and Caddy's JSON logs are not taken for this format.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::{clip, for_each_line, parse_status, score_if_most_fit, split_request_line, HitWriter, Request};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::Kind;
use crate::time::{DateOrder, TimestampParser};

const TIME_KEYS: [&str; 4] = ["time_iso8601", "time_local", "msec", "@timestamp"];
const HOST_KEYS: [&str; 3] = ["host", "http_host", "server_name"];

pub struct NginxJson;

impl Format for NginxJson {
    fn id(&self) -> &'static str {
        "nginx-json"
    }

    fn name(&self) -> &'static str {
        "nginx JSON access log"
    }

    fn description(&self) -> &'static str {
        "nginx JSON access log (log_format escape=json)"
    }

    fn kind(&self) -> Kind {
        Kind::Traffic
    }

    fn sniff(&self, head: &Head) -> u8 {
        score_if_most_fit(head, 80, |line| {
            let Ok(object) = serde_json::from_str::<Map<String, Value>>(line) else {
                return false;
            };
            let has = |key: &str| object.contains_key(key);
            has("remote_addr")
                && has("status")
                && ["request", "request_uri", "uri"].into_iter().any(has)
                && TIME_KEYS.into_iter().any(has)
        })
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let parser = TimestampParser::new(ctx.time_zone(), DateOrder::DayFirst);
        let mut writer = HitWriter::default();
        let mut target = String::new();
        for_each_line(input, ctx, |number, text| {
            let object = match serde_json::from_str::<Map<String, Value>>(text) {
                Ok(object) => object,
                Err(e) => return sink.reject(number, text, &format!("not a JSON object: {e}")),
            };
            match request_of(&object, &parser, &mut target) {
                Ok(request) => writer.write(&request, sink),
                Err(reason) => sink.reject(number, text, &reason),
            }
        })
    }
}

/// A value as text: strings as they are, numbers as written; "" for a missing key or `-`.
fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Cow<'a, str> {
    match object.get(key) {
        Some(Value::String(s)) if s != "-" => Cow::Borrowed(s.as_str()),
        Some(Value::Number(n)) => Cow::Owned(n.to_string()),
        _ => Cow::Borrowed(""),
    }
}

/// The first of `keys` with a non-empty value.
fn first<'a>(object: &'a Map<String, Value>, keys: &[&str]) -> Cow<'a, str> {
    keys.iter().map(|k| text(object, k)).find(|v| !v.is_empty()).unwrap_or_default()
}

fn request_of<'a>(
    object: &'a Map<String, Value>,
    parser: &TimestampParser,
    target_scratch: &'a mut String,
) -> Result<Request<'a>, String> {
    let time = first(object, &TIME_KEYS);
    if time.is_empty() {
        return Err("no time_iso8601, time_local, msec or @timestamp value".into());
    }
    let ts_ms = parser.parse(&time).map_err(|e| format!("the time '{}' is not valid: {e}", clip(&time)))?;
    let status = parse_status(&text(object, "status"))?;
    let (method, target) = match object.get("request") {
        Some(Value::String(line)) => split_request_line(line)?,
        _ => {
            let method = match object.get("request_method") {
                Some(Value::String(m)) => m.as_str(),
                _ => "",
            };
            target_scratch.clear();
            let uri = first(object, &["request_uri", "uri"]);
            target_scratch.push_str(&uri);
            let args = first(object, &["args", "query_string"]);
            if !args.is_empty() && !uri.contains('?') {
                target_scratch.push('?');
                target_scratch.push_str(&args);
            }
            if target_scratch.is_empty() {
                return Err("no request, request_uri or uri value".into());
            }
            (method, target_scratch.as_str())
        }
    };
    Ok(Request {
        ts_ms,
        method,
        host: borrowed(object, &HOST_KEYS),
        target,
        query: "",
        status,
        referrer: borrowed(object, &["http_referer", "http_referrer"]),
        user_agent: borrowed(object, &["http_user_agent"]),
        ip: borrowed(object, &["remote_addr"]),
    })
}

/// The first of `keys` holding a non-empty string, borrowed.
fn borrowed<'a>(object: &'a Map<String, Value>, keys: &[&str]) -> &'a str {
    keys.iter()
        .find_map(|k| match object.get(*k) {
            Some(Value::String(s)) if !s.is_empty() && s != "-" => Some(s.as_str()),
            _ => None,
        })
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::logs::tests::{fixture, import};
    use crate::model::HitType;

    #[test]
    fn reads_nginx_json_log() {
        let (format, sink) = import(&fixture("nginx-json.log"));
        assert_eq!(format, "nginx-json");
        assert_eq!(sink.hits.len(), 4);
        let home = &sink.hits[0];
        assert_eq!(home.ts_ms, 1_709_287_200_000, "2024-03-01T11:00:00+01:00");
        assert_eq!(home.url, "https://shop.example/?gclid=EAIaIQobChMI");
        assert_eq!(home.referrer, "https://www.google.com/");
        assert_eq!(home.user_agent, "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) \"Safari\"");
        assert_eq!(home.ip, "192.0.2.44");
        assert_eq!(home.hit_type, HitType::PageView);
        let post = &sink.hits[1];
        assert_eq!((post.event.as_str(), post.ts_ms), ("http_post", 1_709_287_203_250), "msec 1709287203.250");
        assert_eq!(post.url, "https://shop.example/cart?add=12");
        assert_eq!(sink.hits[2].hit_type, HitType::Asset);
        assert_eq!((sink.hits[3].event.as_str(), sink.hits[3].referrer.as_str()), ("http_error", ""));

        let lines: Vec<u64> = sink.rejects.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 5, 7]);
        assert!(sink.rejects[0].reason.contains("not a JSON object"), "{}", sink.rejects[0].reason);
        assert!(sink.rejects[1].reason.contains("time"), "{}", sink.rejects[1].reason);
        assert!(sink.rejects[2].reason.contains("status"), "{}", sink.rejects[2].reason);
    }

    #[test]
    fn sniffs_nginx_keys_only() {
        let nginx = r#"{"time_local":"01/Mar/2024:10:00:00 +0000","remote_addr":"192.0.2.1","request":"GET / HTTP/1.1","status":"200"}"#;
        let generic = r#"{"timestamp":"2024-03-01T10:00:00Z","url":"/","client_id":"1.2","status":200}"#;
        let caddy = r#"{"level":"info","ts":1709287200.5,"logger":"http.log.access","request":{"remote_ip":"192.0.2.1","method":"GET","uri":"/"},"status":200}"#;
        let score = |line: &str| NginxJson.sniff(&Head::from_text("a.log", line));
        assert_eq!([score(nginx), score(generic), score(caddy), score("time_local,remote_addr")], [80, 0, 0, 0]);
    }
}
