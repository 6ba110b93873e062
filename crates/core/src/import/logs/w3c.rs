//! W3C extended logs: Microsoft IIS (its standard and Advanced Logging layouts) and the other
//! servers that write the format, named by their `#Software` directive where it says so: Imperva
//! Incapsula's log API, Citrix NetScaler Web Logging (NSWL) and SHOUTcast; and Amazon
//! CloudFront standard logs.
//!
//! `#` lines are directives: `#Fields:` names the columns of the lines that follow and may
//! change mid-file (IIS starts a new header block when it restarts), `#Date:` gives the date
//! when no date column is logged, the rest (`#Software`, `#Version`, `#Remark`, ...) are
//! ignored. Values are separated by tabs where a line has one (CloudFront, NetScaler's
//! recommended layout), else by spaces; a `"quoted"` value may hold spaces (Incapsula quotes
//! every value, IIS Advanced Logging some). A line with more values than `#Fields` names is
//! read (the extra ones ignored); one with fewer is cut off and rejected. `-` means empty.
//!
//! The time is `date` and `time` (UTC), `date-local` and `time-local` (in the import's time
//! zone), or one `datetime`/`date-time` column. The URL is cs-uri-stem (or cs-uri, which may
//! start with the host, as Incapsula's does) plus cs-uri-query, on the host from x-host-header,
//! cs-host or cs(Host) when one is logged. The status is sc-status (c-status in SHOUTcast).
//!
//! Unquoted user agents: IIS and NetScaler write spaces as `+`; CloudFront and SHOUTcast
//! percent-encode them (`Mozilla/5.0%20(...)`, keeping a literal `+`). Both are decoded; quoted
//! values and referrers stay as logged.

use std::borrow::Cow;

use super::{clip, for_each_line_with_comments, parse_status, quoted, HitWriter, Request};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::Kind;
use crate::time::{DateOrder, TimestampParser};
use crate::url::percent_decode_keep_plus;

/// How far into the file sniffing looks for the `#Fields` and `#Software` directives.
const SNIFF_DIRECTIVES: usize = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flavor {
    /// IIS, and any W3C log whose software has no flavor of its own.
    Iis,
    CloudFront,
    Incapsula,
    NetScaler,
    Shoutcast,
}

pub struct W3c {
    flavor: Flavor,
}

pub const IIS: W3c = W3c { flavor: Flavor::Iis };
pub const CLOUDFRONT: W3c = W3c { flavor: Flavor::CloudFront };
pub const INCAPSULA: W3c = W3c { flavor: Flavor::Incapsula };
pub const NETSCALER: W3c = W3c { flavor: Flavor::NetScaler };
pub const SHOUTCAST: W3c = W3c { flavor: Flavor::Shoutcast };

impl Flavor {
    /// The flavor a file's directives name, if any but the generic one.
    fn named_by(directives: &[&str]) -> Option<Flavor> {
        let software = directives.iter().find_map(|d| d.strip_prefix("#Software:")).unwrap_or("");
        let software = software.to_ascii_lowercase();
        let fields = directives.iter().find_map(|d| d.strip_prefix("#Fields:")).unwrap_or("");
        if fields.contains("x-edge-location") {
            Some(Flavor::CloudFront)
        } else if software.contains("incapsula") {
            Some(Flavor::Incapsula)
        } else if software.contains("netscaler") || software.contains("nswl") {
            Some(Flavor::NetScaler)
        } else if software.contains("shoutcast") {
            Some(Flavor::Shoutcast)
        } else {
            None
        }
    }

    /// An unquoted user agent, decoded.
    fn user_agent(self, logged: &str) -> Cow<'_, str> {
        match self {
            Flavor::CloudFront | Flavor::Shoutcast => percent_decode_keep_plus(logged),
            Flavor::Iis | Flavor::Incapsula | Flavor::NetScaler if logged.contains('+') => {
                Cow::Owned(logged.replace('+', " "))
            }
            Flavor::Iis | Flavor::Incapsula | Flavor::NetScaler => Cow::Borrowed(logged),
        }
    }
}

/// Where the time of a line is, as the latest `#Fields` directive says.
#[derive(Debug)]
enum TimeColumns {
    /// A date column (or, if none, the `#Date` directive) and a time column; local or UTC.
    DateAndTime { date: Option<usize>, time: usize, local: bool },
    /// One column holding both.
    Together(usize),
}

/// Where the fields a hit needs sit in a line, as the latest `#Fields` directive says.
#[derive(Debug)]
struct Columns {
    count: usize,
    /// The `#Fields` directive's line number, for reject reasons.
    line: u64,
    time: TimeColumns,
    method: Option<usize>,
    /// cs-uri-stem, else cs-uri.
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
        let missing = |what: &str| format!("the #Fields directive on line {line} has no {what} field");
        let time = if let Some(together) = find(&["datetime", "date-time"]) {
            TimeColumns::Together(together)
        } else if let Some(time) = find(&["time"]) {
            TimeColumns::DateAndTime { date: find(&["date"]), time, local: false }
        } else if let Some(time) = find(&["time-local"]) {
            TimeColumns::DateAndTime { date: find(&["date-local"]), time, local: true }
        } else {
            return Err(missing("time"));
        };
        Ok(Columns {
            count: names.len(),
            line,
            time,
            method: find(&["cs-method"]),
            stem: find(&["cs-uri-stem", "cs-uri"]).ok_or_else(|| missing("cs-uri-stem"))?,
            query: find(&["cs-uri-query"]),
            status: find(&["sc-status", "c-status"]),
            hosts: ["x-host-header", "cs-host", "cs(host)", "s-host"].iter().filter_map(|h| find(&[h])).collect(),
            referrer: find(&["cs(referer)", "cs(referrer)"]),
            user_agent: find(&["cs(user-agent)"]),
            ip: find(&["c-ip"]),
        })
    }
}

/// One value of a line, and whether it was quoted.
#[derive(Clone, Copy, Default)]
struct Value<'a> {
    text: &'a str,
    quoted: bool,
}

/// A line's values: tab-separated if it has a tab, else space-separated with `"quoted"` values
/// holding spaces.
fn split_values(text: &str) -> Result<Vec<Value<'_>>, &'static str> {
    if text.contains('\t') {
        return Ok(text.split('\t').map(|v| unquote(v.trim_matches(' '))).collect());
    }
    let mut values = Vec::with_capacity(32);
    let mut rest = text.trim_end_matches(['\r', ' ']);
    while !rest.is_empty() {
        if rest.starts_with('"') {
            let (value, after) = quoted(rest).ok_or("a quoted value is not closed (a truncated line?)")?;
            values.push(Value { text: value, quoted: true });
            rest = after.strip_prefix(' ').unwrap_or(after);
        } else {
            let (value, after) = rest.split_once(' ').unwrap_or((rest, ""));
            values.push(Value { text: value, quoted: false });
            rest = after;
        }
    }
    Ok(values)
}

fn unquote(value: &str) -> Value<'_> {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => Value { text: inner, quoted: true },
        None => Value { text: value, quoted: false },
    }
}

impl Format for W3c {
    fn id(&self) -> &'static str {
        match self.flavor {
            Flavor::Iis => "iis-w3c",
            Flavor::CloudFront => "cloudfront",
            Flavor::Incapsula => "incapsula-w3c",
            Flavor::NetScaler => "netscaler-w3c",
            Flavor::Shoutcast => "shoutcast-w3c",
        }
    }

    fn name(&self) -> &'static str {
        match self.flavor {
            Flavor::Iis => "IIS / W3C extended log",
            Flavor::CloudFront => "Amazon CloudFront log",
            Flavor::Incapsula => "Incapsula W3C log",
            Flavor::NetScaler => "Citrix NetScaler W3C log",
            Flavor::Shoutcast => "SHOUTcast W3C log",
        }
    }

    fn description(&self) -> &'static str {
        match self.flavor {
            Flavor::Iis => "IIS / W3C extended log",
            Flavor::CloudFront => "Amazon CloudFront standard log",
            Flavor::Incapsula => "Imperva Incapsula access log (W3C, from the logs API)",
            Flavor::NetScaler => "Citrix NetScaler Web Logging (NSWL) log in W3C extended format",
            Flavor::Shoutcast => "SHOUTcast server W3C log (sc_w3c.log)",
        }
    }

    fn kind(&self) -> Kind {
        Kind::Traffic
    }

    fn sniff(&self, head: &Head) -> u8 {
        let directives: Vec<&str> =
            head.lines().take(SNIFF_DIRECTIVES).map(str::trim_start).filter(|l| l.starts_with('#')).collect();
        let Some(fields) = directives.iter().find_map(|d| d.strip_prefix("#Fields:")) else {
            return 0;
        };
        let names_a_path = fields.split_whitespace().any(|f| f == "cs-uri-stem" || f == "cs-uri");
        match (Flavor::named_by(&directives), self.flavor) {
            (Some(named), flavor) if named == flavor && names_a_path => 95,
            (None, Flavor::Iis) if names_a_path => 90,
            _ => 0,
        }
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let parsers = Parsers {
            utc: TimestampParser::new(chrono_tz::Tz::UTC, DateOrder::MonthFirst),
            local: TimestampParser::new(ctx.time_zone(), DateOrder::MonthFirst),
        };
        let mut writer = HitWriter::default();
        let mut current: Option<Result<Columns, String>> = None;
        let mut directive_date = String::new();
        let mut when = String::new();
        for_each_line_with_comments(input, ctx, |number, text| {
            if let Some(directive) = text.trim_start().strip_prefix('#') {
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
            match self.request_of(text, columns, &directive_date, &parsers, &mut when) {
                Ok((request, user_agent)) => writer.write(&Request { user_agent: &user_agent, ..request }, sink),
                Err(reason) => sink.reject(number, text, &reason),
            }
        })
    }
}

/// Timestamps of UTC columns and of local ones (`date-local`, `time-local`).
struct Parsers {
    utc: TimestampParser,
    local: TimestampParser,
}

impl W3c {
    /// The request of one line, and its decoded user agent.
    fn request_of<'a>(
        &self,
        text: &'a str,
        columns: &Columns,
        directive_date: &str,
        parsers: &Parsers,
        when: &mut String,
    ) -> Result<(Request<'a>, Cow<'a, str>), String> {
        let values = split_values(text)?;
        if values.len() < columns.count {
            return Err(format!(
                "expected {} fields as the #Fields directive on line {} lists, found {} (a truncated line?)",
                columns.count,
                columns.line,
                values.len()
            ));
        }
        let raw = |column: Option<usize>| match column.and_then(|i| values.get(i)) {
            Some(v) if v.text.trim() == "-" => Value::default(),
            Some(v) => Value { text: v.text.trim(), quoted: v.quoted },
            None => Value::default(),
        };
        let value = |column: Option<usize>| raw(column).text;
        when.clear();
        let parser = match columns.time {
            TimeColumns::Together(column) => {
                when.push_str(value(Some(column)));
                &parsers.utc
            }
            TimeColumns::DateAndTime { date, time, local } => {
                when.push_str(if date.is_some() { value(date) } else { directive_date });
                when.push(' ');
                when.push_str(value(Some(time)));
                if local {
                    &parsers.local
                } else {
                    &parsers.utc
                }
            }
        };
        let ts_ms = parser.parse(when).map_err(|e| format!("the date and time '{}' are not valid: {e}", clip(when)))?;
        let status = match value(columns.status) {
            "" => 200,
            code => parse_status(code)?,
        };
        let (uri_host, target) = split_host(value(Some(columns.stem)));
        if target.is_empty() {
            return Err("the cs-uri-stem field is empty".into());
        }
        let logged_host = columns.hosts.iter().map(|&i| value(Some(i))).find(|h| !h.is_empty());
        let user_agent = match raw(columns.user_agent) {
            Value { text, quoted: true } => Cow::Borrowed(text),
            Value { text, quoted: false } => self.flavor.user_agent(text),
        };
        let request = Request {
            ts_ms,
            method: value(columns.method),
            host: logged_host.unwrap_or(uri_host),
            target,
            query: value(columns.query),
            status,
            referrer: value(columns.referrer),
            user_agent: "",
            ip: value(columns.ip),
        };
        Ok((request, user_agent))
    }
}

/// A cs-uri that starts with its host (`www.example.com/page`, as Incapsula logs it) as (host,
/// path); a path or an absolute URL as ("", itself).
fn split_host(uri: &str) -> (&str, &str) {
    if uri.starts_with('/') || uri.contains("://") {
        return ("", uri);
    }
    match uri.find('/') {
        Some(slash) if uri[..slash].contains('.') => (&uri[..slash], &uri[slash..]),
        _ => ("", uri),
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

    /// 2024-03-01T10:00:00Z.
    const MARCH_FIRST_TEN_UTC: i64 = 1_709_287_200_000;

    #[test]
    fn iis_advanced_logging_with_quoted_values_and_date_time_in_one_field() {
        let (format, sink) = import(&fixture("iis-advanced.log"));
        assert_eq!(format, "iis-w3c");
        assert_eq!(sink.rejects, []);
        let product = &sink.hits[0];
        assert_eq!(product.url, "https://shop.example.com/products/blue-widget?utm_source=bing");
        assert_eq!(product.ts_ms, MARCH_FIRST_TEN_UTC + 363, "local time, read in the default zone (UTC)");
        assert_eq!(product.ip, "192.0.2.40");
        assert_eq!(product.user_agent, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36");
        assert_eq!(product.referrer, "https://www.bing.com/search?q=blue widget");
        // The #Fields directive changed: one datetime field, then one date-time field.
        let checkout = &sink.hits[1];
        assert_eq!((checkout.url.as_str(), checkout.ts_ms), ("/checkout", MARCH_FIRST_TEN_UTC + 300_000));
        assert_eq!(checkout.user_agent, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X)");
        assert_eq!((checkout.ip.as_str(), checkout.referrer.as_str()), ("192.0.2.41", ""));
        let thanks = &sink.hits[2];
        assert_eq!(
            (thanks.url.as_str(), thanks.ts_ms, thanks.ip.as_str()),
            ("/thanks", MARCH_FIRST_TEN_UTC + 360_000, "192.0.2.42")
        );
        assert_eq!(sink.hits.len(), 3);
    }

    #[test]
    fn local_time_fields_follow_the_import_time_zone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ex240301.log");
        std::fs::write(&path, "#Fields: date-local time-local cs-uri-stem\n2024-03-01 11:00:00 /\n").unwrap();
        let options =
            crate::import::ImportOptions { time_zone: Some(chrono_tz::Tz::Europe__Paris), ..Default::default() };
        let sink = crate::import::MemorySink::read(&path, &options).unwrap();
        assert_eq!(sink.hits[0].ts_ms, MARCH_FIRST_TEN_UTC);
    }

    #[test]
    fn incapsula_log_quotes_every_value_and_logs_the_host_in_cs_uri() {
        let (format, sink) = import(&fixture("incapsula-w3c.log"));
        assert_eq!(format, "incapsula-w3c");
        assert_eq!(sink.rejects, []);
        let hit = &sink.hits[0];
        assert_eq!(hit.url, "https://www.example.com/landing.php?gclid=Cj0KCQ");
        assert_eq!((hit.ts_ms, hit.ip.as_str()), (MARCH_FIRST_TEN_UTC, "192.0.2.90"));
        assert_eq!(hit.referrer, "https://www.google.com/");
        assert_eq!(
            hit.user_agent,
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36"
        );
    }

    #[test]
    fn netscaler_web_logging_tab_separated() {
        let (format, sink) = import(&fixture("netscaler-w3c.log"));
        assert_eq!(format, "netscaler-w3c");
        assert_eq!(sink.rejects, []);
        let hit = &sink.hits[0];
        assert_eq!(hit.url, "/portal/home.html?sid=42");
        assert_eq!((hit.ts_ms, hit.ip.as_str()), (MARCH_FIRST_TEN_UTC, "192.0.2.110"));
        assert_eq!(hit.user_agent, "Mozilla/5.0 (Windows NT 10.0; Win64; x64)");
        assert_eq!(hit.referrer, "https://intranet.example.com/");
    }

    #[test]
    fn shoutcast_w3c_log() {
        let (format, sink) = import(&fixture("shoutcast-w3c.log"));
        assert_eq!(format, "shoutcast-w3c");
        assert_eq!(sink.rejects, []);
        let hit = &sink.hits[0];
        assert_eq!(hit.url, "/stream?title=Morning%20Show");
        assert_eq!((hit.ts_ms, hit.ip.as_str()), (MARCH_FIRST_TEN_UTC, "192.0.2.140"));
        assert_eq!(hit.user_agent, "NSPlayer/12.0 WMFSDK/12.0");
        assert_eq!((hit.referrer.as_str(), hit.event.as_str()), ("", "page_view"));
    }

    #[test]
    fn lines_cut_off_mid_field_are_rejected() {
        let fields = "#Fields: date time c-ip cs-uri-stem cs(User-Agent) sc-status\n";
        let cut_in_a_quote = format!("{fields}2024-03-01 10:00:00 192.0.2.1 / \"Mozilla/5.0 (X11\n");
        let cut_before_the_last = format!("{fields}2024-03-01 10:00:00 192.0.2.1 / curl/8.5.0\n");
        for (text, reason) in [(cut_in_a_quote, "not closed"), (cut_before_the_last, "truncated")] {
            let sink = read_with(&IIS, &text);
            assert_eq!(sink.hits.len(), 0);
            assert_eq!(sink.rejects.len(), 1);
            assert!(sink.rejects[0].reason.contains(reason), "{}", sink.rejects[0].reason);
        }
        let incapsula = std::fs::read_to_string(fixture("incapsula-w3c.log")).unwrap();
        let cut = &incapsula[..incapsula.find("\"HTTP/2.0\"").unwrap() + 4];
        let sink = read_with(&INCAPSULA, cut);
        assert_eq!((sink.hits.len(), sink.rejects.len(), sink.rejects[0].line), (0, 1, 5));
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
        let incapsula = Head::from_text("a.log", "#Software: Incapsula LOGS API\n#Fields: date time c-ip cs-uri\n");
        let heads = [&iis, &cloudfront, &csv, &incapsula];
        assert_eq!(heads.map(|h| IIS.sniff(h)), [90, 0, 0, 0]);
        assert_eq!(heads.map(|h| CLOUDFRONT.sniff(h)), [0, 95, 0, 0]);
        assert_eq!(heads.map(|h| INCAPSULA.sniff(h)), [0, 0, 0, 95]);
        assert_eq!(heads.map(|h| NETSCALER.sniff(h)), [0, 0, 0, 0]);
    }
}
