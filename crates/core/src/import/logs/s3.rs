//! Amazon S3 server access logs: space-separated fields, some `"quoted"`, the time
//! `[bracketed]` in Apache's layout (UTC): `owner bucket [time] remote-ip requester request-id
//! operation key "request-uri" status error-code bytes-sent object-size total-time
//! turn-around-time "referer" "user-agent"`, then, in logs written since these were added,
//! `version-id host-id signature-version cipher-suite auth-type host-header tls-version
//! access-point-arn acl-required`. Later fields are ignored.
//!
//! The request URI is as the client sent it: the object's path on a virtual-hosted or website
//! endpoint, `/bucket/key` on a path-style one; hits name the host from the Host header field
//! where the log has it. Every operation that carries an HTTP request is a hit, the bucket
//! owner's own uploads and listings included (SessionLens's bot and rule settings sort them).

use std::borrow::Cow;

use super::{
    clip, for_each_line, parse_status, score_if_most_fit, split_fields, split_request_line, unescape, Enclosure, Field,
    HitWriter, Request,
};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::Kind;
use crate::time::{DateOrder, TimestampParser};

/// Fields up to the user agent, which every S3 access log has.
const REQUIRED_FIELDS: usize = 17;
/// Where the Host header is, in logs that have it.
const HOST_HEADER: usize = 22;

pub struct S3Access;

impl Format for S3Access {
    fn id(&self) -> &'static str {
        "s3-access"
    }

    fn name(&self) -> &'static str {
        "Amazon S3 server access log"
    }

    fn description(&self) -> &'static str {
        "Amazon S3 server access log"
    }

    fn kind(&self) -> Kind {
        Kind::Traffic
    }

    fn sniff(&self, head: &Head) -> u8 {
        score_if_most_fit(head, 90, |line| split_fields(line).is_ok_and(|fields| is_s3_line(&fields)))
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let utc = TimestampParser::new(chrono_tz::Tz::UTC, DateOrder::DayFirst);
        let mut writer = HitWriter::default();
        for_each_line(input, ctx, |number, text| match parse(text, &utc) {
            Ok(line) => {
                let (method, target) = match split_request_line(&line.request) {
                    Ok(parts) => parts,
                    Err(reason) => return sink.reject(number, text, reason),
                };
                let request = Request {
                    ts_ms: line.ts_ms,
                    method,
                    host: line.host,
                    target,
                    query: "",
                    status: line.status,
                    referrer: &line.referrer,
                    user_agent: &line.user_agent,
                    ip: line.ip,
                };
                writer.write(&request, sink)
            }
            Err(reason) => sink.reject(number, text, &reason),
        })
    }
}

/// The shape of an S3 line: a bracketed time third, an operation like `REST.GET.OBJECT` or
/// `WEBSITE.GET.OBJECT` seventh, a quoted request URI ninth.
fn is_s3_line(fields: &[Field<'_>]) -> bool {
    fields.len() >= REQUIRED_FIELDS
        && fields[2].enclosure == Enclosure::Bracketed
        && fields[6].text.split('.').count() >= 3
        && fields[6].text.bytes().all(|b| b.is_ascii_uppercase() || b == b'.' || b == b'_')
        && fields[8].enclosure == Enclosure::Quoted
}

/// What a hit needs from one line.
struct Line<'a> {
    ts_ms: i64,
    ip: &'a str,
    host: &'a str,
    status: u16,
    request: Cow<'a, str>,
    referrer: Cow<'a, str>,
    user_agent: Cow<'a, str>,
}

fn parse<'a>(text: &'a str, utc: &TimestampParser) -> Result<Line<'a>, String> {
    let fields = split_fields(text)?;
    if fields.len() < REQUIRED_FIELDS {
        return Err(format!("expected at least {REQUIRED_FIELDS} fields, found {} (a truncated line?)", fields.len()));
    }
    if !is_s3_line(&fields) {
        return Err("not an S3 access log line: expected '[time]', an operation and a \"request URI\"".into());
    }
    let time = fields[2].text;
    let ts_ms = utc.parse(time).map_err(|e| format!("the time '{}' is not valid: {e}", clip(time)))?;
    let status = parse_status(fields[9].text)?;
    let quoted = |i: usize| unescape(fields[i].text);
    let host = fields.get(HOST_HEADER).map_or("", |f| f.text);
    Ok(Line {
        ts_ms,
        ip: fields[3].text,
        host: if host == "-" { "" } else { host },
        status,
        request: quoted(8),
        referrer: quoted(15),
        user_agent: quoted(16),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::logs::tests::{fixture, import, read_with};
    use crate::model::HitType;

    #[test]
    fn website_and_rest_requests() {
        let (format, sink) = import(&fixture("s3-access.log"));
        assert_eq!(format, "s3-access");
        assert_eq!(sink.rejects, []);
        let page = &sink.hits[0];
        assert_eq!(page.url, "https://www.example.com/index.html?utm_source=newsletter");
        assert_eq!((page.ts_ms, page.ip.as_str()), (1_709_287_200_000, "192.0.2.60"));
        assert_eq!(page.referrer, "https://news.example.org/");
        assert_eq!(page.user_agent, "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15");
        assert_eq!(page.hit_type, HitType::PageView);
        let missing = &sink.hits[1];
        assert_eq!(missing.url, "https://amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com/reports/q1.pdf");
        assert_eq!((missing.event.as_str(), missing.ts_ms), ("http_error", 1_709_287_203_000));
        assert_eq!((missing.user_agent.as_str(), missing.referrer.as_str()), ("aws-cli/2.15.0 Python/3.11.6", ""));
    }

    #[test]
    fn old_logs_without_a_host_field_and_cut_off_lines() {
        let text = std::fs::read_to_string(fixture("s3-access.log")).unwrap();
        let first = text.lines().next().unwrap();
        let old = &first[..first.find("\" - ").unwrap() + 1];
        let cut = &first[..first.find("Macintosh").unwrap()];
        let sink = read_with(&S3Access, &format!("{old}\n{cut}\n"));
        assert_eq!(sink.hits.len(), 1);
        assert_eq!(sink.hits[0].url, "/index.html?utm_source=newsletter");
        assert_eq!(sink.rejects.len(), 1);
        assert_eq!(sink.rejects[0].line, 2);
        assert!(sink.rejects[0].reason.contains("not closed"), "{}", sink.rejects[0].reason);
    }
}
