//! W3C extended logs: Microsoft IIS (space-separated) and Amazon CloudFront standard logs
//! (tab-separated). `#` lines are directives: `#Fields:` names the columns of the lines that
//! follow and may change mid-file (IIS starts a new header block when it restarts), `#Date:`
//! gives the date when no `date` column is logged, the rest (`#Software`, `#Version`, ...) are
//! ignored. Dates and times are UTC. `-` means empty. The URL is cs-uri-stem plus cs-uri-query,
//! on the host from x-host-header, cs-host or cs(Host) when one is logged.
//!
//! Field values: IIS writes spaces in the user agent as `+`; CloudFront percent-encodes them
//! (`Mozilla/5.0%20(...)`, keeping a literal `+`). Both are decoded; referrers stay as logged.

use std::borrow::Cow;

use super::{clip, for_each_line, parse_status, HitWriter, Request};
use crate::error::Result;
use crate::import::timestamp::{DateOrder, TimestampParser};
use crate::import::urlparts::percent_decode_keep_plus;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::Kind;

/// How far into the file sniffing looks for the `#Fields` directive.
const SNIFF_DIRECTIVES: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flavor {
    Iis,
    CloudFront,
}

pub struct W3c {
    flavor: Flavor,
}

pub const IIS: W3c = W3c { flavor: Flavor::Iis };
pub const CLOUDFRONT: W3c = W3c { flavor: Flavor::CloudFront };

impl W3c {
    fn separator(&self) -> char {
        match self.flavor {
            Flavor::Iis => ' ',
            Flavor::CloudFront => '\t',
        }
    }

    fn user_agent<'a>(&self, logged: &'a str) -> Cow<'a, str> {
        match self.flavor {
            Flavor::Iis if logged.contains('+') => Cow::Owned(logged.replace('+', " ")),
            Flavor::Iis => Cow::Borrowed(logged),
            Flavor::CloudFront => percent_decode_keep_plus(logged),
        }
    }
}

/// Where the fields a hit needs sit in a line, as the latest `#Fields` directive says.
#[derive(Debug)]
struct Columns {
    count: usize,
    /// The `#Fields` directive's line number, for reject reasons.
    line: u64,
    date: Option<usize>,
    time: usize,
    method: Option<usize>,
    stem: usize,
    query: Option<usize>,
    status: Option<usize>,
    /// Host columns, best first: the first with a value names the host.
    hosts: Vec<usize>,
    referrer: Option<usize>,
    user_agent: Option<usize>,
    ip: Option<usize>,
}

impl Columns {
    fn from_directive(line: u64, fields: &str) -> Result<Columns, String> {
        let names: Vec<String> = fields.split_whitespace().map(str::to_ascii_lowercase).collect();
        let find = |candidates: &[&str]| candidates.iter().find_map(|c| names.iter().position(|n| n == c));
        let required = |name: &str| {
            find(&[name]).ok_or_else(|| format!("the #Fields directive on line {line} has no {name} field"))
        };
        Ok(Columns {
            count: names.len(),
            line,
            date: find(&["date"]),
            time: required("time")?,
            method: find(&["cs-method"]),
            stem: required("cs-uri-stem")?,
            query: find(&["cs-uri-query"]),
            status: find(&["sc-status"]),
            hosts: ["x-host-header", "cs-host", "cs(host)", "s-host"].iter().filter_map(|h| find(&[h])).collect(),
            referrer: find(&["cs(referer)", "cs(referrer)"]),
            user_agent: find(&["cs(user-agent)"]),
            ip: find(&["c-ip"]),
        })
    }
}

impl Format for W3c {
    fn id(&self) -> &'static str {
        match self.flavor {
            Flavor::Iis => "iis-w3c",
            Flavor::CloudFront => "cloudfront",
        }
    }

    fn name(&self) -> &'static str {
        match self.flavor {
            Flavor::Iis => "IIS / W3C extended log",
            Flavor::CloudFront => "Amazon CloudFront log",
        }
    }

    fn description(&self) -> &'static str {
        match self.flavor {
            Flavor::Iis => "IIS / W3C extended log",
            Flavor::CloudFront => "Amazon CloudFront standard log",
        }
    }

    fn kind(&self) -> Kind {
        Kind::Traffic
    }

    fn sniff(&self, head: &Head) -> u8 {
        let Some(fields) = head.lines().take(SNIFF_DIRECTIVES).find_map(|l| l.strip_prefix("#Fields:")) else {
            return 0;
        };
        let is_cloudfront = fields.contains("x-edge-location");
        match self.flavor {
            Flavor::CloudFront if is_cloudfront => 95,
            Flavor::Iis if !is_cloudfront && fields.contains("cs-uri-stem") => 90,
            _ => 0,
        }
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let utc = TimestampParser::new(chrono_tz::Tz::UTC, DateOrder::MonthFirst);
        let mut writer = HitWriter::default();
        let mut current: Option<Result<Columns, String>> = None;
        let mut directive_date = String::new();
        let mut when = String::new();
        for_each_line(input, ctx, |number, text| {
            if let Some(directive) = text.strip_prefix('#') {
                if let Some(fields) = directive.strip_prefix("Fields:") {
                    current = Some(Columns::from_directive(number, fields));
                } else if let Some(date) = directive.strip_prefix("Date:") {
                    directive_date.clear();
                    directive_date.push_str(date.split_whitespace().next().unwrap_or(""));
                }
                return Ok(());
            }
            let columns = match &current {
                None => return sink.reject(number, text, "a log line before any #Fields directive"),
                Some(Err(reason)) => return sink.reject(number, text, reason),
                Some(Ok(columns)) => columns,
            };
            match self.request_of(text, columns, &directive_date, &utc, &mut when) {
                Ok((request, user_agent)) => writer.write(&Request { user_agent: &user_agent, ..request }, sink),
                Err(reason) => sink.reject(number, text, &reason),
            }
        })
    }
}

impl W3c {
    /// The request of one line, and its decoded user agent.
    fn request_of<'a>(
        &self,
        text: &'a str,
        columns: &Columns,
        directive_date: &str,
        utc: &TimestampParser,
        when: &mut String,
    ) -> Result<(Request<'a>, Cow<'a, str>), String> {
        let values: Vec<&str> = text.split(self.separator()).collect();
        if values.len() != columns.count {
            return Err(format!(
                "expected {} fields as the #Fields directive on line {} lists, found {}",
                columns.count,
                columns.line,
                values.len()
            ));
        }
        let value = |column: Option<usize>| match column.and_then(|i| values.get(i)).map(|v| v.trim()) {
            Some("-") | None => "",
            Some(v) => v,
        };
        when.clear();
        when.push_str(match columns.date {
            Some(_) => value(columns.date),
            None => directive_date,
        });
        when.push(' ');
        when.push_str(value(Some(columns.time)));
        let ts_ms = utc.parse(when).map_err(|e| format!("the date and time '{}' are not valid: {e}", clip(when)))?;
        let status = match value(columns.status) {
            "" => 200,
            code => parse_status(code)?,
        };
        let target = value(Some(columns.stem));
        if target.is_empty() {
            return Err("the cs-uri-stem field is empty".into());
        }
        let request = Request {
            ts_ms,
            method: value(columns.method),
            host: columns.hosts.iter().map(|&i| value(Some(i))).find(|h| !h.is_empty()).unwrap_or(""),
            target,
            query: value(columns.query),
            status,
            referrer: value(columns.referrer),
            user_agent: "",
            ip: value(columns.ip),
        };
        Ok((request, self.user_agent(value(columns.user_agent))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::logs::tests::{fixture, import, read_with};
    use crate::model::HitType;

    #[test]
    fn iis_log_with_a_second_fields_block() {
        let (format, sink) = import(&fixture("iis-w3c.log"));
        assert_eq!(format, "iis-w3c");
        assert_eq!(sink.hits.len(), 5);
        let landing = &sink.hits[0];
        assert_eq!(landing.ts_ms, 1_709_287_200_000, "2024-03-01 10:00:00 UTC");
        assert_eq!(landing.url, "/default.aspx?utm_source=bing&msclkid=abc123");
        assert_eq!(landing.user_agent, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36");
        assert_eq!(landing.referrer, "https://www.bing.com/");
        assert_eq!(landing.ip, "192.0.2.20");
        assert_eq!(sink.hits[1].hit_type, HitType::Asset);
        assert_eq!(sink.hits[2].event, "http_post");
        // After the second #Fields line, cs-host is logged and the columns moved.
        let thanks = &sink.hits[3];
        assert_eq!(thanks.url, "https://www.example.com/thanks.aspx");
        assert_eq!(thanks.ip, "192.0.2.21");
        assert_eq!(thanks.referrer, "");
        assert_eq!(thanks.ts_ms, 1_709_290_800_000);
        assert_eq!(sink.hits[4].event, "http_error");

        let rejected: Vec<u64> = sink.rejects.iter().map(|r| r.line).collect();
        assert_eq!(rejected, [8, 15]);
        assert!(sink.rejects[0].reason.contains("expected 15 fields"), "{}", sink.rejects[0].reason);
        assert!(sink.rejects[1].reason.contains("2024-02-30 11:00:02"), "{}", sink.rejects[1].reason);
    }

    #[test]
    fn cloudfront_standard_log() {
        let (format, sink) = import(&fixture("cloudfront.log"));
        assert_eq!(format, "cloudfront");
        assert_eq!(sink.hits.len(), 4);
        let landing = &sink.hits[0];
        assert_eq!(landing.ts_ms, 1_709_287_200_000);
        assert_eq!(landing.url, "https://www.example.com/index.html?utm_source=google&utm_medium=cpc&gclid=Cj0KCQ");
        assert_eq!(landing.user_agent, "Mozilla/5.0 (Windows NT 10.0; Win64; x64)");
        assert_eq!(landing.referrer, "https://www.google.com/");
        assert_eq!(landing.ip, "198.51.100.7");
        assert_eq!(sink.hits[1].hit_type, HitType::Asset);
        let slackbot = &sink.hits[2];
        assert_eq!(slackbot.user_agent, "Slackbot 1.0 (+https://api.slack.com/robots)");
        assert_eq!((slackbot.hit_type, slackbot.url.as_str()), (HitType::PageView, "https://www.example.com/feed"));
        let denied = &sink.hits[3];
        assert_eq!(denied.url, "https://d111111abcdef8.cloudfront.net/private/report.pdf", "no x-host-header");
        assert_eq!(denied.event, "http_error");
        assert_eq!(sink.rejects.len(), 1);
        assert_eq!(sink.rejects[0].line, 7);
        assert!(sink.rejects[0].reason.contains("not valid"), "{}", sink.rejects[0].reason);
    }

    #[test]
    fn lines_without_usable_fields_are_rejected() {
        let sink =
            read_with(&IIS, "2024-03-01 10:00:00 GET /\n#Fields: date time cs-method\n2024-03-01 10:00:00 GET\n");
        let reasons: Vec<(u64, &str)> = sink.rejects.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(
            reasons,
            [
                (1, "a log line before any #Fields directive"),
                (3, "the #Fields directive on line 2 has no cs-uri-stem field")
            ]
        );
    }

    #[test]
    fn date_directive_stands_in_for_a_missing_date_field() {
        let sink =
            read_with(&IIS, "#Version: 1.0\n#Date: 2024-03-01 00:00:00\n#Fields: time cs-uri-stem\n10:00:00 /\n");
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        assert_eq!((sink.hits[0].ts_ms, sink.hits[0].url.as_str()), (1_709_287_200_000, "/"));
    }

    #[test]
    fn sniffing_tells_iis_from_cloudfront() {
        let iis = Head::from_text("u_ex240301.log", "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Fields: date time cs-method cs-uri-stem\n");
        let cloudfront = Head::from_text(
            "E1.2024-03-01-10.abc",
            "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem\n",
        );
        let csv = Head::from_text("a.csv", "date,time,url\n");
        assert_eq!([IIS.sniff(&iis), IIS.sniff(&cloudfront), IIS.sniff(&csv)], [90, 0, 0]);
        assert_eq!([CLOUDFRONT.sniff(&iis), CLOUDFRONT.sniff(&cloudfront), CLOUDFRONT.sniff(&csv)], [0, 95, 0]);
    }
}
