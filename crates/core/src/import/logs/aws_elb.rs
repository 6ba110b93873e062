//! AWS Elastic Load Balancing access logs: Application Load Balancer
//! (`type time elb client:port target:port t1 t2 t3 elb_status target_status received sent
//! "request" "user_agent" ...`) and Classic Load Balancer (the same without `type`, and the user
//! agent only in logs written since 2015). Fields are space-separated, some `"quoted"`; times
//! are UTC. The request line holds an absolute URL (`GET https://host:443/p?q HTTP/1.1`), so
//! hits name the host. Fields after the user agent (TLS, target group, trace id, ...) are
//! ignored.

use std::borrow::Cow;

use super::{
    client_address, clip, parse_status, score_if_most_fit, split_fields, split_request_line, unescape, Enclosure,
    HitWriter, Request,
};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::Kind;
use crate::time::{DateOrder, TimestampParser};

/// The values of an ALB log's first field.
const ALB_TYPES: [&str; 6] = ["http", "https", "h2", "grpcs", "ws", "wss"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Balancer {
    Application,
    Classic,
}

pub struct AwsElb {
    balancer: Balancer,
}

pub const ALB: AwsElb = AwsElb { balancer: Balancer::Application };
pub const CLASSIC_ELB: AwsElb = AwsElb { balancer: Balancer::Classic };

impl Format for AwsElb {
    fn id(&self) -> &'static str {
        match self.balancer {
            Balancer::Application => "aws-alb",
            Balancer::Classic => "aws-elb-classic",
        }
    }

    fn name(&self) -> &'static str {
        match self.balancer {
            Balancer::Application => "AWS Application Load Balancer log",
            Balancer::Classic => "AWS Classic Load Balancer log",
        }
    }

    fn description(&self) -> &'static str {
        match self.balancer {
            Balancer::Application => "AWS Application Load Balancer access log",
            Balancer::Classic => "AWS Classic Load Balancer access log",
        }
    }

    fn kind(&self) -> Kind {
        Kind::Traffic
    }

    fn sniff(&self, head: &Head) -> u8 {
        let utc = utc_parser();
        let score = match self.balancer {
            Balancer::Application => 90,
            Balancer::Classic => 85,
        };
        score_if_most_fit(head, score, |line| self.parse(line, &utc).is_ok())
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let utc = utc_parser();
        let mut writer = HitWriter::default();
        super::for_each_line(input, ctx, |number, text| match self.parse(text, &utc) {
            Ok(line) => {
                let (method, target) = match split_request_line(&line.request) {
                    Ok(parts) => parts,
                    Err(reason) => return sink.reject(number, text, reason),
                };
                let request = Request {
                    ts_ms: line.ts_ms,
                    method,
                    host: "",
                    target,
                    query: "",
                    status: line.status,
                    referrer: "",
                    user_agent: &line.user_agent,
                    ip: line.client,
                };
                writer.write(&request, sink)
            }
            Err(reason) => sink.reject(number, text, &reason),
        })
    }
}

fn utc_parser() -> TimestampParser {
    TimestampParser::new(chrono_tz::Tz::UTC, DateOrder::MonthFirst)
}

/// What a hit needs from one line.
struct Line<'a> {
    ts_ms: i64,
    client: &'a str,
    status: u16,
    request: Cow<'a, str>,
    user_agent: Cow<'a, str>,
}

impl AwsElb {
    fn parse<'a>(&self, text: &'a str, utc: &TimestampParser) -> Result<Line<'a>, String> {
        let fields = split_fields(text)?;
        // Field positions from the client on; ALB has the type in front.
        let (first, needed) = match self.balancer {
            Balancer::Application => (1, 14),
            Balancer::Classic => (0, 12),
        };
        if fields.len() < needed {
            return Err(format!("expected at least {needed} fields, found {} (a truncated line?)", fields.len()));
        }
        if self.balancer == Balancer::Application && !ALB_TYPES.contains(&fields[0].text) {
            return Err(format!("'{}' is not an ALB request type (http, https, h2, ws, ...)", clip(fields[0].text)));
        }
        let field = |i: usize| fields.get(first + i).copied().unwrap_or_default();
        let time = field(0).text;
        let ts_ms = utc.parse(time).map_err(|e| format!("the time '{}' is not valid: {e}", clip(time)))?;
        let status = match field(7).text {
            "-" => return Err("the load balancer logged no status ('-'): the request was not answered".into()),
            code => parse_status(code)?,
        };
        let request = field(11);
        if request.enclosure != Enclosure::Quoted {
            return Err("the request field is not quoted".into());
        }
        Ok(Line {
            ts_ms,
            client: client_address(field(2).text),
            status,
            request: unescape(request.text),
            user_agent: unescape(field(12).text),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::logs::tests::{fixture, import};
    use crate::model::HitType;

    #[test]
    fn application_load_balancer_log() {
        let (format, sink) = import(&fixture("aws-alb.log"));
        assert_eq!(format, "aws-alb");
        assert_eq!(sink.hits.len(), 4);
        let first = &sink.hits[0];
        assert_eq!(first.ts_ms, 1_530_570_180_186, "2018-07-02T22:23:00.186641Z");
        assert_eq!(first.url, "https://www.example.com/");
        assert_eq!(first.user_agent, "curl/7.46.0");
        assert_eq!(first.ip, "192.168.131.39");
        assert_eq!(first.referrer, "");
        let landing = &sink.hits[1];
        assert_eq!(landing.url, "https://shop.example/products/blue-widget?utm_source=bing&msclkid=7a1b");
        assert_eq!(landing.ip, "2001:db8::44");
        assert_eq!(landing.user_agent, "Mozilla/5.0 (Windows NT 10.0; Win64; x64)");
        assert_eq!(sink.hits[2].hit_type, HitType::Asset);
        assert_eq!(sink.hits[3].event, "http_error", "a 502 from the load balancer");

        let rejected: Vec<u64> = sink.rejects.iter().map(|r| r.line).collect();
        assert_eq!(rejected, [3, 6, 7]);
        assert!(sink.rejects[0].reason.contains("HTTP method"), "{}", sink.rejects[0].reason);
        assert!(sink.rejects[1].reason.contains("no status"), "{}", sink.rejects[1].reason);
        assert!(sink.rejects[2].reason.contains("truncated"), "{}", sink.rejects[2].reason);
    }

    #[test]
    fn classic_load_balancer_log() {
        let (format, sink) = import(&fixture("aws-elb-classic.log"));
        assert_eq!(format, "aws-elb-classic");
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        assert_eq!(sink.hits.len(), 2);
        assert_eq!(sink.hits[0].ts_ms, 1_431_560_383_945, "2015-05-13T23:39:43.945958Z");
        assert_eq!(sink.hits[0].url, "https://www.example.com/");
        assert_eq!(sink.hits[0].user_agent, "curl/7.38.0");
        assert_eq!(sink.hits[1].user_agent, "", "old classic logs have no user agent");
        assert_eq!(sink.hits[1].event, "http_post");
    }

    #[test]
    fn classic_load_balancer_log_with_a_comment_line() {
        let (format, sink) = import(&fixture("aws-elb-classic-comment.log"));
        assert_eq!(format, "aws-elb-classic");
        assert_eq!(sink.rejects, []);
        let hit = &sink.hits[0];
        assert_eq!(hit.url, "https://www.example.com/path/index.html?lang=en");
        assert_eq!((hit.ts_ms, hit.ip.as_str()), (1_431_560_383_945, "192.0.2.50"));
        assert_eq!(
            (hit.user_agent.as_str(), hit.referrer.as_str()),
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36", "")
        );
    }

    #[test]
    fn lines_cut_off_mid_field_are_rejected() {
        let text = std::fs::read_to_string(fixture("aws-elb-classic-comment.log")).unwrap();
        let cut = &text[..text.find("Mozilla").unwrap() + 7];
        let sink = crate::import::logs::tests::read_with(&CLASSIC_ELB, cut);
        assert_eq!((sink.hits.len(), sink.rejects.len(), sink.rejects[0].line), (0, 1, 2));
        assert!(sink.rejects[0].reason.contains("truncated"), "{}", sink.rejects[0].reason);
    }

    #[test]
    fn sniffing_tells_the_balancers_apart() {
        let alb = Head::from_text(
            "a.log",
            r#"https 2018-07-02T22:23:00.186641Z app/my-lb/50dc6c495c0c9188 192.0.2.1:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" - -"#,
        );
        let classic = Head::from_text(
            "a.log",
            r#"2015-05-13T23:39:43.945958Z my-lb 192.0.2.1:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -"#,
        );
        let combined =
            Head::from_text("a.log", r#"1.2.3.4 - - [01/Mar/2024:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "-""#);
        assert_eq!([ALB.sniff(&alb), ALB.sniff(&classic), ALB.sniff(&combined)], [90, 0, 0]);
        assert_eq!([CLASSIC_ELB.sniff(&alb), CLASSIC_ELB.sniff(&classic), CLASSIC_ELB.sniff(&combined)], [0, 85, 0]);
    }
}
