//! Snowplow enriched events: the canonical enriched TSV (no header, 131 tab-separated fields in
//! the order of Snowplow's canonical event model, as its Analytics SDKs read them), and the
//! same columns exported with a header row (CSV or TSV, from a warehouse), found by name.
//!
//! Each event is one hit:
//! - time: `derived_tstamp` (Snowplow's best estimate, corrected for device clock skew), else
//!   `collector_tstamp`. Snowplow writes both in UTC, so a time zone the user states is not
//!   applied to them.
//! - `page_view` events are page views; `page_ping` (the tracker's heartbeat while a page stays
//!   open) is a non-interaction event; every other event is an interaction. The event name is
//!   `se_action` for structured events (their `event_name` is just `event`), else `event_name`,
//!   else `event`.
//! - `event_id` is the hit's event id, so the loader drops the duplicates Snowplow's
//!   at-least-once delivery produces.
//! - visitor `domain_userid` (else `network_userid`), user `user_id`, session
//!   `domain_sessionid`, url `page_url`, referrer `page_referrer`, user agent `useragent`,
//!   IP `user_ipaddress`.
//! - tags from the campaign attribution enrichment's `mkt_*` fields; `mkt_clickid` is a click id
//!   when `mkt_network` names the platform (Google, Microsoft, DoubleClick, as the enrichment's
//!   default mapping writes them); other click ids are read from `page_url` by the loader.
//!
//! A line without 131 fields, or whose time is unreadable, is a reject with its line number.
//! Fields are split on tabs only: enriched TSV does not quote, and its JSON fields (`contexts`)
//! contain quotes.

use chrono_tz::Tz;

use super::delimited::{csv_reader, describe_csv_error, raw_text};
use super::{Context, Format, Head, Input, Sink};
use crate::error::{Error, Result};
use crate::model::{CampaignTags, HitRow, HitType, Kind};
use crate::time::{DateOrder, TimestampParser};

pub const FORMATS: &[&dyn Format] = &[&SnowplowEnriched];

/// The enriched event's fields in canonical order.
const CANONICAL_FIELDS: [&str; 131] = [
    "app_id",
    "platform",
    "etl_tstamp",
    "collector_tstamp",
    "dvce_created_tstamp",
    "event",
    "event_id",
    "txn_id",
    "name_tracker",
    "v_tracker",
    "v_collector",
    "v_etl",
    "user_id",
    "user_ipaddress",
    "user_fingerprint",
    "domain_userid",
    "domain_sessionidx",
    "network_userid",
    "geo_country",
    "geo_region",
    "geo_city",
    "geo_zipcode",
    "geo_latitude",
    "geo_longitude",
    "geo_region_name",
    "ip_isp",
    "ip_organization",
    "ip_domain",
    "ip_netspeed",
    "page_url",
    "page_title",
    "page_referrer",
    "page_urlscheme",
    "page_urlhost",
    "page_urlport",
    "page_urlpath",
    "page_urlquery",
    "page_urlfragment",
    "refr_urlscheme",
    "refr_urlhost",
    "refr_urlport",
    "refr_urlpath",
    "refr_urlquery",
    "refr_urlfragment",
    "refr_medium",
    "refr_source",
    "refr_term",
    "mkt_medium",
    "mkt_source",
    "mkt_term",
    "mkt_content",
    "mkt_campaign",
    "contexts",
    "se_category",
    "se_action",
    "se_label",
    "se_property",
    "se_value",
    "unstruct_event",
    "tr_orderid",
    "tr_affiliation",
    "tr_total",
    "tr_tax",
    "tr_shipping",
    "tr_city",
    "tr_state",
    "tr_country",
    "ti_orderid",
    "ti_sku",
    "ti_name",
    "ti_category",
    "ti_price",
    "ti_quantity",
    "pp_xoffset_min",
    "pp_xoffset_max",
    "pp_yoffset_min",
    "pp_yoffset_max",
    "useragent",
    "br_name",
    "br_family",
    "br_version",
    "br_type",
    "br_renderengine",
    "br_lang",
    "br_features_pdf",
    "br_features_flash",
    "br_features_java",
    "br_features_director",
    "br_features_quicktime",
    "br_features_realplayer",
    "br_features_windowsmedia",
    "br_features_gears",
    "br_features_silverlight",
    "br_cookies",
    "br_colordepth",
    "br_viewwidth",
    "br_viewheight",
    "os_name",
    "os_family",
    "os_manufacturer",
    "os_timezone",
    "dvce_type",
    "dvce_ismobile",
    "dvce_screenwidth",
    "dvce_screenheight",
    "doc_charset",
    "doc_width",
    "doc_height",
    "tr_currency",
    "tr_total_base",
    "tr_tax_base",
    "tr_shipping_base",
    "ti_currency",
    "ti_price_base",
    "base_currency",
    "geo_timezone",
    "mkt_clickid",
    "mkt_network",
    "etl_tags",
    "dvce_sent_tstamp",
    "refr_domain_userid",
    "refr_device_tstamp",
    "derived_contexts",
    "domain_sessionid",
    "derived_tstamp",
    "event_vendor",
    "event_name",
    "event_format",
    "event_version",
    "event_fingerprint",
    "true_tstamp",
];

/// Header names that mark a file with a header row as Snowplow's.
const HEADER_MARKERS: [&str; 4] = ["app_id", "collector_tstamp", "event_id", "domain_userid"];

pub struct SnowplowEnriched;

impl Format for SnowplowEnriched {
    fn id(&self) -> &'static str {
        "snowplow"
    }

    fn name(&self) -> &'static str {
        "Snowplow enriched events"
    }

    fn description(&self) -> &'static str {
        "Snowplow enriched events (canonical TSV, or with a header row)"
    }

    fn kind(&self) -> Kind {
        Kind::Traffic
    }

    fn sniff(&self, head: &Head) -> u8 {
        let first = head.first_line();
        let fields: Vec<&str> = first.split('\t').collect();
        if fields.len() == CANONICAL_FIELDS.len() && is_uuid(fields[6]) {
            return 90;
        }
        let header = header_names(first);
        if HEADER_MARKERS.iter().all(|m| header.iter().any(|h| h == m)) {
            80
        } else {
            0
        }
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let head = Head::read(ctx.path)?;
        let first = head.first_line();
        // Snowplow writes its timestamps in UTC.
        let parser = TimestampParser::new(Tz::UTC, DateOrder::default());
        if header_names(first).iter().any(|h| h == "collector_tstamp") {
            let delimiter = if first.contains('\t') { b'\t' } else { b',' };
            return read_with_header(input, delimiter, ctx, &parser, sink);
        }
        let layout = Layout::new(|name| CANONICAL_FIELDS.iter().position(|f| *f == name));
        let mut line = String::new();
        let mut seen = false;
        while let Some(number) = input.next_line(&mut line).map_err(|e| Error::io(ctx.path, e))? {
            if line.trim().is_empty() {
                continue;
            }
            seen = true;
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() != CANONICAL_FIELDS.len() {
                let reason = format!(
                    "expected {} tab-separated fields (a Snowplow enriched event), found {}",
                    CANONICAL_FIELDS.len(),
                    fields.len()
                );
                sink.reject(number, &line, &reason)?;
                continue;
            }
            match layout.hit(|i| fields.get(i).copied(), &parser) {
                Ok(hit) => sink.hit(&hit)?,
                Err(reason) => sink.reject(number, &line, &reason)?,
            }
        }
        if !seen {
            return Err(ctx.unreadable("no events found; expected Snowplow enriched events, one per line"));
        }
        Ok(())
    }
}

/// The same fields with a header row: a warehouse export (CSV or TSV, quoted as CSV is).
fn read_with_header(
    input: &mut Input,
    delimiter: u8,
    ctx: &Context,
    parser: &TimestampParser,
    sink: &mut dyn Sink,
) -> Result<()> {
    let mut reader = csv_reader(input, delimiter);
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(e)) => return Err(ctx.unreadable(format!("the header row is unreadable: {e}"))),
        None => return Err(ctx.unreadable("the file has no header row")),
    };
    let names: Vec<String> = header.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    let layout = Layout::new(|name| names.iter().position(|h| h == name));
    if layout.event.is_none() {
        return Err(ctx.unreadable("a Snowplow export needs an 'event' column (page_view, page_ping, ...)"));
    }
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                sink.reject(e.position().map_or(0, |p| p.line()), "", &describe_csv_error(&e, ctx)?)?;
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        if record.len() != header.len() {
            let reason = format!("expected {} fields as in the header, found {}", header.len(), record.len());
            sink.reject(line, &raw_text(&record, delimiter), &reason)?;
            continue;
        }
        match layout.hit(|i| record.get(i), parser) {
            Ok(hit) => sink.hit(&hit)?,
            Err(reason) => sink.reject(line, &raw_text(&record, delimiter), &reason)?,
        }
    }
    Ok(())
}

/// The first line's fields as lower-case names, split on tabs or commas.
fn header_names(line: &str) -> Vec<String> {
    let delimiter = if line.contains('\t') { '\t' } else { ',' };
    line.split(delimiter).map(|n| n.trim().trim_matches('"').to_ascii_lowercase()).collect()
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex digits.
fn is_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Where each field this importer reads is in a row.
struct Layout {
    event: Option<usize>,
    event_id: Option<usize>,
    event_name: Option<usize>,
    se_action: Option<usize>,
    collector_tstamp: Option<usize>,
    derived_tstamp: Option<usize>,
    user_id: Option<usize>,
    user_ipaddress: Option<usize>,
    domain_userid: Option<usize>,
    network_userid: Option<usize>,
    domain_sessionid: Option<usize>,
    page_url: Option<usize>,
    page_referrer: Option<usize>,
    useragent: Option<usize>,
    mkt_medium: Option<usize>,
    mkt_source: Option<usize>,
    mkt_term: Option<usize>,
    mkt_content: Option<usize>,
    mkt_campaign: Option<usize>,
    mkt_clickid: Option<usize>,
    mkt_network: Option<usize>,
}

impl Layout {
    fn new(position: impl Fn(&str) -> Option<usize>) -> Layout {
        Layout {
            event: position("event"),
            event_id: position("event_id"),
            event_name: position("event_name"),
            se_action: position("se_action"),
            collector_tstamp: position("collector_tstamp"),
            derived_tstamp: position("derived_tstamp"),
            user_id: position("user_id"),
            user_ipaddress: position("user_ipaddress"),
            domain_userid: position("domain_userid"),
            network_userid: position("network_userid"),
            domain_sessionid: position("domain_sessionid"),
            page_url: position("page_url"),
            page_referrer: position("page_referrer"),
            useragent: position("useragent"),
            mkt_medium: position("mkt_medium"),
            mkt_source: position("mkt_source"),
            mkt_term: position("mkt_term"),
            mkt_content: position("mkt_content"),
            mkt_campaign: position("mkt_campaign"),
            mkt_clickid: position("mkt_clickid"),
            mkt_network: position("mkt_network"),
        }
    }

    /// Build the hit from a row's fields, or say why the row is not one.
    fn hit<'r>(
        &self,
        field: impl Fn(usize) -> Option<&'r str>,
        parser: &TimestampParser,
    ) -> Result<HitRow<'r>, String> {
        let get = |column: Option<usize>| column.and_then(&field).map_or("", str::trim);
        let stamp = [get(self.derived_tstamp), get(self.collector_tstamp)].into_iter().find(|t| !t.is_empty());
        let stamp = stamp.ok_or("the event has neither derived_tstamp nor collector_tstamp")?;
        let ts_ms = parser.parse(stamp).map_err(|why| format!("{why}: '{stamp}'"))?;
        let event = get(self.event);
        let name = match (event, get(self.se_action), get(self.event_name)) {
            ("struct", action, _) if !action.is_empty() => action,
            (_, _, name) if !name.is_empty() => name,
            _ => event,
        };
        if name.is_empty() {
            return Err("the event has no type ('event' is empty)".into());
        }
        let click_id = get(self.mkt_clickid);
        let click_id_param = match get(self.mkt_network) {
            _ if click_id.is_empty() => "",
            "Google" => "gclid",
            "Microsoft" => "msclkid",
            "DoubleClick" => "dclid",
            _ => "",
        };
        let client_id = match get(self.domain_userid) {
            "" => get(self.network_userid),
            id => id,
        };
        Ok(HitRow {
            ts_ms,
            hit_type: if event == "page_view" { HitType::PageView } else { HitType::Event },
            event: name,
            interaction: event != "page_ping",
            client_id,
            user_id: get(self.user_id),
            source_session_id: get(self.domain_sessionid),
            session_engaged: None,
            event_id: get(self.event_id),
            url: get(self.page_url),
            referrer: get(self.page_referrer),
            user_agent: get(self.useragent),
            ip: get(self.user_ipaddress),
            tags: CampaignTags {
                source: get(self.mkt_source),
                medium: get(self.mkt_medium),
                campaign: get(self.mkt_campaign),
                term: get(self.mkt_term),
                content: get(self.mkt_content),
                click_id_param,
                click_id: if click_id_param.is_empty() { "" } else { click_id },
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ImportOptions, MemorySink};
    use crate::store::{ImportControl, Project};

    const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/exports/snowplow_enriched_20230425.tsv");
    const GCLID: &str = "EAIaIQobChMIq9W7tLzZ_gIVh-R3Ch0cTQ2AEAAYASAAEgLK8vD_BwE";

    #[test]
    fn reads_page_views_pings_and_struct_events() {
        let options = ImportOptions { time_zone: Some(chrono_tz::America::New_York), ..Default::default() };
        let sink = MemorySink::read(FIXTURE, &options).unwrap();
        let got: Vec<_> = sink
            .hits
            .iter()
            .map(|h| (h.ts_ms, h.hit_type, h.event.as_str(), h.interaction, h.event_id.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (1_682_416_801_150, HitType::PageView, "page_view", true, "c6ef3124-b53a-4b13-a233-0088f79dcbcb"),
                (1_682_416_811_250, HitType::Event, "page_ping", false, "7d3b1f5e-2c4a-4e8b-9f6d-1a2b3c4d5e6f"),
                (1_682_416_801_150, HitType::PageView, "page_view", true, "c6ef3124-b53a-4b13-a233-0088f79dcbcb"),
                // No derived_tstamp: the collector's time.
                (1_682_416_858_731, HitType::Event, "play", true, "b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"),
            ]
        );
        let view = &sink.hits[0];
        assert_eq!(view.client_id, "5f1e0a3c-7b5e-4d2a-9c41-8b0f3a6e2d17");
        assert_eq!(view.source_session_id, "0a9d5c27-3e1f-4b8a-9d6c-7e5f4a3b2c1d");
        assert_eq!(view.ip, "203.0.113.54");
        assert_eq!(view.referrer, "https://www.google.com/");
        assert!(view.user_agent.contains("Chrome/112.0.0.0"));
        assert_eq!(view.tags, ["google", "cpc", "spring_sale", "", "", "gclid", GCLID].map(String::from));
        assert_eq!(sink.hits[3].tags, <[String; 7]>::default());
    }

    #[test]
    fn short_lines_and_bad_times_are_rejected_with_their_lines() {
        let sink = MemorySink::read(FIXTURE, &ImportOptions::default()).unwrap();
        let rejects: Vec<_> = sink.rejects.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(
            rejects,
            [
                (4, "expected 131 tab-separated fields (a Snowplow enriched event), found 40"),
                (6, "not a date or timestamp this importer knows: 'not-a-time'"),
            ]
        );
        assert!(sink.rejects[0].raw.starts_with("shop\tweb\t2023-04-25 10:00:03.412"));
    }

    #[test]
    fn the_loader_drops_the_duplicate_event_id() {
        let mut project = Project::open_in_memory().unwrap();
        let report = project.import(FIXTURE.as_ref(), &ImportOptions::default(), ImportControl::default()).unwrap();
        assert_eq!(report.format, "snowplow");
        assert_eq!((report.rows_imported, report.rows_duplicate, report.rows_rejected), (3, 1, 2));
    }

    #[test]
    fn the_same_events_with_a_header_row_are_found_by_name() {
        let fixture = std::fs::read_to_string(FIXTURE).unwrap();
        let mut text = CANONICAL_FIELDS.join("\t");
        for line in fixture.lines().take(2) {
            text.push('\n');
            text.push_str(line);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.tsv");
        std::fs::write(&path, &text).unwrap();
        let head = Head::read(&path).unwrap();
        assert_eq!(SnowplowEnriched.sniff(&head), 80);
        let sink = MemorySink::read(&path, &ImportOptions::default()).unwrap();
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        let got: Vec<_> = sink.hits.iter().map(|h| (h.ts_ms, h.interaction, h.tags[6].as_str())).collect();
        assert_eq!(got, [(1_682_416_801_150, true, GCLID), (1_682_416_811_250, false, GCLID)]);
    }

    #[test]
    fn sniffs_canonical_tsv_and_nothing_else() {
        let head = Head::read(FIXTURE.as_ref()).unwrap();
        assert_eq!(SnowplowEnriched.sniff(&head), 90);
        let not_uuid = ["x"; 131].join("\t");
        assert_eq!(SnowplowEnriched.sniff(&Head::from_text("a.tsv", &not_uuid)), 0);
        assert_eq!(SnowplowEnriched.sniff(&Head::from_text("a.csv", "timestamp,url\n1,/a\n")), 0);
    }

    #[test]
    fn uuids_are_checked_by_shape() {
        assert!(is_uuid("c6ef3124-b53a-4b13-a233-0088f79dcbcb"));
        assert!(!is_uuid("c6ef3124-b53a-4b13-a233-0088f79dcbc"));
        assert!(!is_uuid("c6ef3124xb53a-4b13-a233-0088f79dcbcb"));
        assert!(!is_uuid("g6ef3124-b53a-4b13-a233-0088f79dcbcb"));
        assert!(!is_uuid("é6ef3124-b53a-4b13-a233-0088f79dcbc"));
    }
}
