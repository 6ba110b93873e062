//! The Universal Analytics BigQuery export (`ga_sessions_YYYYMMDD`) as JSON: one session row per
//! line (NDJSON), or the same rows as a JSON array. Each row holds the session's hits; every
//! hit becomes one [`HitRow`], so a row with three hits gives three hits.
//!
//! - time: `visitStartTime` (UTC seconds) × 1000 + the hit's `time` (ms since the session
//!   started).
//! - url: `https://` + `page.hostname` + `page.pagePath` (the path as GA stored it, with its
//!   query string); events carry the page they were sent from.
//! - `PAGE` hits are page views (`page_view`), `APPVIEW` hits screen views; `EVENT` hits are
//!   named by their `eventInfo.eventAction` (else the category, else `event`); other hit types
//!   (`TRANSACTION`, `ITEM`, `SOCIAL`, `TIMING`, `EXCEPTION`) by their type in lower case.
//! - interaction: `isInteraction` as exported. GA writes it `true` for interaction hits and
//!   `null` for non-interaction ones, so a missing or null flag means non-interaction, except
//!   on page and screen views, which are always interactions in UA.
//! - visitor: `clientId` when the export has it (newer exports), else `fullVisitorId`.
//! - session: `{fullVisitorId}.{visitId}`. `visitId` alone is only unique per visitor (GA
//!   documents the pair as the session key), and source session ids are not scoped by visitor
//!   in the store, so the pair is kept.
//! - tags: `trafficSource` describes how the session began, so its source, medium, campaign,
//!   keyword, ad content and `adwordsClickInfo.gclId` go on the session's first hit only (the
//!   earliest). Later hits carry none, exactly as the visitor's later page loads carried no
//!   campaign parameters; put on every hit they would look like repeated arrivals. GA's
//!   placeholders `(not set)`, `(none)` and `(direct)` mean "no value" and are left empty.
//!
//! A row that cannot be read whole (broken JSON, `hits` not an array of hits, a hit without a
//! readable time or type) is one reject at the line where the row starts. The export has no
//! hit ids, user agents or IP addresses; those stay empty.

use std::borrow::Cow;

use serde::Deserialize;

use super::json_traffic::{describe_json_error, read_objects, text_of, JsonText};
use super::mapped::parse_flag;
use super::{Context, Format, Head, Input, Sink};
use crate::error::Result;
use crate::model::{CampaignTags, HitRow, HitType, Kind};

pub const FORMATS: &[&dyn Format] = &[&UaSessions];

pub struct UaSessions;

impl Format for UaSessions {
    fn id(&self) -> &'static str {
        "ua"
    }

    fn name(&self) -> &'static str {
        "Universal Analytics BigQuery export"
    }

    fn description(&self) -> &'static str {
        "Universal Analytics BigQuery export (ga_sessions rows as JSON/NDJSON)"
    }

    fn kind(&self) -> Kind {
        Kind::Traffic
    }

    fn sniff(&self, head: &Head) -> u8 {
        let starts_json = head.text.trim_start().starts_with(['{', '[']);
        let has_hits = head.text.contains("\"hits\"") || head.text.contains("\"totals\"");
        if starts_json && has_hits && head.text.contains("\"visitStartTime\"") {
            90
        } else {
            0
        }
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let nothing_found =
            "no sessions found; expected Universal Analytics ga_sessions rows, one JSON object per line";
        read_objects(input, ctx, sink, nothing_found, |text, sink| {
            let row =
                serde_json::from_str::<SessionRow>(text).map_err(|e| describe_json_error(&e)).and_then(|r| r.read());
            let (session, hits) = match row {
                Ok(read) => read,
                Err(reason) => return Ok(Err(reason)),
            };
            for (i, hit) in hits.iter().enumerate() {
                sink.hit(&session.row(hit, i == session.first_hit))?;
            }
            Ok(Ok(()))
        })
    }
}

/// The fields of a `ga_sessions` row that hits need; the export's other fields are skipped.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionRow<'a> {
    #[serde(borrow)]
    full_visitor_id: Option<JsonText<'a>>,
    #[serde(borrow)]
    client_id: Option<JsonText<'a>>,
    #[serde(borrow)]
    user_id: Option<JsonText<'a>>,
    #[serde(borrow)]
    visit_id: Option<JsonText<'a>>,
    #[serde(borrow)]
    visit_start_time: Option<JsonText<'a>>,
    #[serde(borrow)]
    traffic_source: Option<TrafficSource<'a>>,
    #[serde(borrow)]
    hits: Option<Vec<UaHit<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TrafficSource<'a> {
    #[serde(borrow)]
    source: Option<JsonText<'a>>,
    #[serde(borrow)]
    medium: Option<JsonText<'a>>,
    #[serde(borrow)]
    campaign: Option<JsonText<'a>>,
    #[serde(borrow)]
    keyword: Option<JsonText<'a>>,
    #[serde(borrow)]
    ad_content: Option<JsonText<'a>>,
    #[serde(borrow)]
    adwords_click_info: Option<AdwordsClickInfo<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdwordsClickInfo<'a> {
    #[serde(borrow)]
    gcl_id: Option<JsonText<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UaHit<'a> {
    #[serde(borrow)]
    hit_number: Option<JsonText<'a>>,
    #[serde(borrow)]
    time: Option<JsonText<'a>>,
    #[serde(borrow, rename = "type")]
    hit_type: Option<JsonText<'a>>,
    #[serde(borrow)]
    is_interaction: Option<JsonText<'a>>,
    #[serde(borrow)]
    referer: Option<JsonText<'a>>,
    #[serde(borrow)]
    page: Option<Page<'a>>,
    #[serde(borrow)]
    event_info: Option<EventInfo<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page<'a> {
    #[serde(borrow)]
    page_path: Option<JsonText<'a>>,
    #[serde(borrow)]
    hostname: Option<JsonText<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventInfo<'a> {
    #[serde(borrow)]
    event_category: Option<JsonText<'a>>,
    #[serde(borrow)]
    event_action: Option<JsonText<'a>>,
}

/// What all hits of a row share.
struct Session<'a> {
    client_id: Cow<'a, str>,
    user_id: Cow<'a, str>,
    session_id: String,
    /// source, medium, campaign, term, content, gclid
    tags: [Cow<'a, str>; 6],
    /// The index of the session's earliest hit, which carries the tags.
    first_hit: usize,
}

/// One hit's own values.
struct Hit<'a> {
    ts_ms: i64,
    hit_type: HitType,
    interaction: bool,
    event: Cow<'a, str>,
    url: String,
    referrer: Cow<'a, str>,
}

impl<'a> SessionRow<'a> {
    fn read(&self) -> Result<(Session<'a>, Vec<Hit<'a>>), String> {
        let mut session = self.session()?;
        let hits = self.hits()?;
        session.first_hit = hits.iter().enumerate().min_by_key(|(i, hit)| (hit.ts_ms, *i)).map_or(0, |(i, _)| i);
        Ok((session, hits))
    }

    fn session(&self) -> Result<Session<'a>, String> {
        let full_visitor_id = text_of(&self.full_visitor_id)?;
        let visit_id = text_of(&self.visit_id)?;
        let client_id = match text_of(&self.client_id)? {
            id if id.is_empty() => full_visitor_id.clone(),
            id => id,
        };
        let session_id = match (full_visitor_id.is_empty(), visit_id.is_empty()) {
            (false, false) => format!("{full_visitor_id}.{visit_id}"),
            _ => visit_id.into_owned(),
        };
        let empty = || Cow::Borrowed("");
        let mut tags = [empty(), empty(), empty(), empty(), empty(), empty()];
        if let Some(s) = &self.traffic_source {
            let gclid = s.adwords_click_info.as_ref().and_then(|a| a.gcl_id);
            for (tag, value) in tags.iter_mut().zip([s.source, s.medium, s.campaign, s.keyword, s.ad_content, gclid]) {
                let value = text_of(&value)?;
                *tag = if matches!(value.as_ref(), "(not set)" | "(none)" | "(direct)") { empty() } else { value };
            }
        }
        Ok(Session { client_id, user_id: text_of(&self.user_id)?, session_id, tags, first_hit: 0 })
    }

    fn hits(&self) -> Result<Vec<Hit<'a>>, String> {
        let start = text_of(&self.visit_start_time)?;
        let start_s: i64 = match start.parse() {
            Ok(s) => s,
            Err(_) if start.is_empty() => return Err("the row has no visitStartTime".into()),
            Err(_) => return Err(format!("visitStartTime '{start}' is not a whole number of seconds")),
        };
        let hits = self.hits.as_deref().unwrap_or_default();
        if hits.is_empty() {
            return Err("the session row has no hits".into());
        }
        hits.iter()
            .enumerate()
            .map(|(i, hit)| {
                hit.read(start_s).map_err(|why| match text_of(&hit.hit_number) {
                    Ok(n) if !n.is_empty() => format!("hit {n}: {why}"),
                    _ => format!("hit {}: {why}", i + 1),
                })
            })
            .collect()
    }
}

impl<'a> UaHit<'a> {
    fn read(&self, start_s: i64) -> Result<Hit<'a>, String> {
        let time = text_of(&self.time)?;
        let offset_ms: i64 =
            time.parse().map_err(|_| format!("time '{time}' is not a whole number of milliseconds"))?;
        let ts_ms = start_s
            .checked_mul(1000)
            .and_then(|ms| ms.checked_add(offset_ms))
            .ok_or_else(|| format!("time '{time}' is out of range"))?;
        let kind = text_of(&self.hit_type)?;
        let (hit_type, event) = match kind.as_ref() {
            "" => return Err("the hit has no type".into()),
            "PAGE" => (HitType::PageView, Cow::Borrowed("page_view")),
            "APPVIEW" => (HitType::PageView, Cow::Borrowed("screen_view")),
            "EVENT" => {
                let info = self.event_info.as_ref();
                let action = text_of(&info.and_then(|e| e.event_action))?;
                let category = text_of(&info.and_then(|e| e.event_category))?;
                let name = [action, category].into_iter().find(|n| !n.is_empty()).unwrap_or(Cow::Borrowed("event"));
                (HitType::Event, name)
            }
            other => (HitType::Event, Cow::Owned(other.to_ascii_lowercase())),
        };
        let interaction = match text_of(&self.is_interaction)? {
            flag if flag.is_empty() => hit_type == HitType::PageView,
            flag => parse_flag(&flag).ok_or_else(|| format!("isInteraction '{flag}' is not true/false"))?,
        };
        let page = self.page.as_ref();
        let host = text_of(&page.and_then(|p| p.hostname))?;
        let path = text_of(&page.and_then(|p| p.page_path))?;
        let url = match (host.is_empty(), path.starts_with('/')) {
            (true, _) => path.into_owned(),
            (false, true) => format!("https://{host}{path}"),
            (false, false) => format!("https://{host}/{path}"),
        };
        Ok(Hit { ts_ms, hit_type, interaction, event, url, referrer: text_of(&self.referer)? })
    }
}

impl Session<'_> {
    /// The session's tags go on `first` only; see the module doc.
    fn row<'h>(&'h self, hit: &'h Hit<'_>, first: bool) -> HitRow<'h> {
        let [source, medium, campaign, term, content, gclid] = &self.tags;
        let tags = if first {
            CampaignTags {
                source,
                medium,
                campaign,
                term,
                content,
                click_id_param: if gclid.is_empty() { "" } else { "gclid" },
                click_id: gclid,
            }
        } else {
            CampaignTags::default()
        };
        HitRow {
            ts_ms: hit.ts_ms,
            hit_type: hit.hit_type,
            event: &hit.event,
            interaction: hit.interaction,
            client_id: &self.client_id,
            user_id: &self.user_id,
            source_session_id: &self.session_id,
            url: &hit.url,
            referrer: &hit.referrer,
            tags,
            ..HitRow::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ImportOptions, MemorySink};

    const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/exports/ua_ga_sessions_20170801.ndjson");
    const GCLID: &str = "CJ2r7NTU2dUCFUOXGwod_zIJtw";

    fn import_text(text: &str) -> MemorySink {
        MemorySink::read_bytes("ga_sessions.json", text, &ImportOptions::default()).unwrap()
    }

    #[test]
    fn a_session_row_with_three_hits_gives_three_hits() {
        let sink = MemorySink::read(FIXTURE, &ImportOptions::default()).unwrap();
        let paid: Vec<_> =
            sink.hits.iter().filter(|h| h.source_session_id == "3418334011779872055.1501590368").collect();
        let got: Vec<_> =
            paid.iter().map(|h| (h.ts_ms, h.hit_type, h.event.as_str(), h.interaction, h.url.as_str())).collect();
        let landing = "https://shop.example/widgets/red?gclid=CJ2r7NTU2dUCFUOXGwod_zIJtw";
        assert_eq!(
            got,
            [
                (1_501_590_368_000, HitType::PageView, "page_view", true, landing),
                (1_501_590_383_342, HitType::Event, "Play", false, landing),
                (1_501_590_429_077, HitType::PageView, "page_view", true, "https://shop.example/cart"),
            ]
        );
        for hit in &paid {
            assert_eq!(hit.client_id, "1443685882.1501590368");
        }
        assert_eq!(paid[0].referrer, "https://www.google.com/");
        let tags = ["google", "cpc", "summer_sale", "red widgets", "Red Widgets - 20% off", "gclid", GCLID];
        assert_eq!(paid[0].tags, tags.map(String::from));
        assert_eq!(paid[1].tags, <[String; 7]>::default(), "the session's tags go on its first hit only");
    }

    #[test]
    fn direct_sessions_fall_back_to_full_visitor_id_and_drop_placeholders() {
        let sink = MemorySink::read(FIXTURE, &ImportOptions::default()).unwrap();
        assert_eq!(sink.hits.len(), 4);
        let direct = &sink.hits[3];
        assert_eq!(direct.client_id, "7194065619159478122");
        assert_eq!(direct.source_session_id, "7194065619159478122.1501598512");
        assert_eq!((direct.ts_ms, direct.url.as_str()), (1_501_598_512_000, "https://shop.example/"));
        assert_eq!(direct.tags, <[String; 7]>::default(), "(direct)/(none)/(not set) are no values");
    }

    #[test]
    fn rows_with_unreadable_hits_are_rejected_whole_with_their_line() {
        let sink = MemorySink::read(FIXTURE, &ImportOptions::default()).unwrap();
        let rejects: Vec<_> = sink.rejects.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(rejects.len(), 2, "{rejects:?}");
        assert_eq!(rejects[0].0, 3);
        assert!(rejects[0].1.contains("invalid type: string"), "{}", rejects[0].1);
        assert_eq!(rejects[1], (4, "hit 2: time 'about 5 s' is not a whole number of milliseconds"));
        assert!(sink.hits.iter().all(|h| !h.source_session_id.starts_with("5821904467382013944")));
    }

    #[test]
    fn tags_go_on_the_earliest_hit_and_numbers_may_be_numbers() {
        let sink = import_text(
            r#"[{"fullVisitorId": "42", "visitId": 1501590368, "visitStartTime": 1501590368,
                "trafficSource": {"source": "news.example", "medium": "referral"},
                "hits": [{"hitNumber": 2, "time": 5000, "type": "EVENT", "isInteraction": true,
                          "eventInfo": {"eventCategory": "Outbound"}},
                         {"hitNumber": 1, "time": 0, "type": "PAGE", "page": {"pagePath": "/a", "hostname": "s.example"}}]},
               {"fullVisitorId": "43", "visitStartTime": "1501590368", "hits": []}]"#,
        );
        let got: Vec<_> = sink.hits.iter().map(|h| (h.ts_ms, h.event.as_str(), h.tags[0].as_str())).collect();
        assert_eq!(got, [(1_501_590_373_000, "Outbound", ""), (1_501_590_368_000, "page_view", "news.example")]);
        assert_eq!(sink.hits[0].source_session_id, "42.1501590368");
        assert!(sink.hits[0].interaction);
        assert_eq!((sink.rejects[0].line, sink.rejects[0].reason.as_str()), (6, "the session row has no hits"));
    }

    #[test]
    fn sniffs_ua_above_generic_json() {
        let head = Head::read(FIXTURE.as_ref()).unwrap();
        assert_eq!(UaSessions.sniff(&head), 90);
        assert_eq!(crate::import::detect(FIXTURE.as_ref(), &ImportOptions::default()).unwrap().0.id(), "ua");
        assert_eq!(UaSessions.sniff(&Head::from_text("a.json", "[{\"visitStartTime\": 1}]")), 0);
    }
}
