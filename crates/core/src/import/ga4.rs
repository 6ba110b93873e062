//! The GA4 BigQuery export (`events_YYYYMMDD`) as BigQuery writes it to JSON: one event per
//! line (NDJSON), or the same rows as a JSON array. 64-bit integers may be strings (as BigQuery
//! writes them) or numbers; ids are kept as their exact text either way.
//!
//! Each event is one hit:
//! - time: `event_timestamp` (UTC µs) to ms; `event_date` (the property's zone) is not needed.
//! - `page_view` (and `screen_view`) are page views, every other event is an event.
//! - visitor `user_pseudo_id`, user `user_id`, session `ga_session_id` (an event parameter),
//!   url `page_location`, referrer `page_referrer`.
//! - tags from `collected_traffic_source`, which GA4 fills per event from the page's utm
//!   parameters and click ids. `traffic_source` is the user's first-touch acquisition, not this
//!   event's, so it is never used for a hit. `srsltid` (Google's organic Merchant Center
//!   listings) is not an ad click id and is left out.
//! - `session_engaged` (an event parameter GA4 sets to `1` once the session is engaged, `0`
//!   before) is kept on the hit, so the GA4 preset's engagement follows GA4's own verdict.
//! - interaction: GA4 has no non-interaction flag of its own, and its automatic events
//!   (`session_start`, `first_visit`, `user_engagement`, `scroll`) all come from a visitor who
//!   is on the page, so every event counts as an interaction, except one that carries a
//!   truthy `non_interaction` parameter (sites moved from Universal Analytics often still send
//!   it on heartbeat-style events).
//!
//! The export has no event id, user agent or IP address; those stay empty. Device and geo
//! fields are not read.

use std::borrow::Cow;

use serde::Deserialize;

use super::json_traffic::{describe_json_error, read_objects, text_of, JsonText};
use super::mapped::{is_page_view_name, parse_flag};
use super::{Context, Format, Head, Input, Sink};
use crate::error::Result;
use crate::model::{CampaignTags, HitRow, HitType, Kind};

pub const FORMATS: &[&dyn Format] = &[&Ga4Export];

pub struct Ga4Export;

impl Format for Ga4Export {
    fn id(&self) -> &'static str {
        "ga4"
    }

    fn name(&self) -> &'static str {
        "GA4 BigQuery export"
    }

    fn description(&self) -> &'static str {
        "GA4 BigQuery export (events as JSON/NDJSON)"
    }

    fn kind(&self) -> Kind {
        Kind::Traffic
    }

    fn sniff(&self, head: &Head) -> u8 {
        let starts_json = head.text.trim_start().starts_with(['{', '[']);
        let keys = ["\"event_timestamp\"", "\"event_name\"", "\"user_pseudo_id\""];
        if starts_json && keys.iter().all(|k| head.text.contains(k)) {
            90
        } else {
            0
        }
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let nothing_found = "no events found; expected GA4 BigQuery export rows, one JSON object per line";
        read_objects(input, ctx, sink, nothing_found, |text, sink| {
            let hit = serde_json::from_str::<Event>(text).map_err(|e| describe_json_error(&e)).and_then(|e| e.hit());
            Ok(match hit {
                Ok(hit) => Ok(sink.hit(&hit.row())?),
                Err(reason) => Err(reason),
            })
        })
    }
}

/// The fields of an exported event that a hit needs; the export's other fields are skipped.
#[derive(Deserialize)]
struct Event<'a> {
    #[serde(borrow)]
    event_timestamp: Option<JsonText<'a>>,
    #[serde(borrow)]
    event_name: Option<JsonText<'a>>,
    #[serde(borrow)]
    event_params: Option<Vec<Param<'a>>>,
    #[serde(borrow)]
    user_id: Option<JsonText<'a>>,
    #[serde(borrow)]
    user_pseudo_id: Option<JsonText<'a>>,
    #[serde(borrow)]
    collected_traffic_source: Option<CollectedTrafficSource<'a>>,
}

#[derive(Deserialize)]
struct Param<'a> {
    #[serde(borrow)]
    key: Option<JsonText<'a>>,
    #[serde(borrow)]
    value: Option<ParamValue<'a>>,
}

/// One of the four is set, by the parameter's type.
#[derive(Deserialize)]
struct ParamValue<'a> {
    #[serde(borrow)]
    string_value: Option<JsonText<'a>>,
    #[serde(borrow)]
    int_value: Option<JsonText<'a>>,
    #[serde(borrow)]
    double_value: Option<JsonText<'a>>,
    #[serde(borrow)]
    float_value: Option<JsonText<'a>>,
}

#[derive(Deserialize)]
struct CollectedTrafficSource<'a> {
    #[serde(borrow)]
    manual_campaign_name: Option<JsonText<'a>>,
    #[serde(borrow)]
    manual_source: Option<JsonText<'a>>,
    #[serde(borrow)]
    manual_medium: Option<JsonText<'a>>,
    #[serde(borrow)]
    manual_term: Option<JsonText<'a>>,
    #[serde(borrow)]
    manual_content: Option<JsonText<'a>>,
    #[serde(borrow)]
    gclid: Option<JsonText<'a>>,
    #[serde(borrow)]
    dclid: Option<JsonText<'a>>,
}

impl<'a> Event<'a> {
    /// The text of the event parameter `key`, whichever of its values is set.
    fn param(&self, key: &str) -> Result<Cow<'a, str>, String> {
        let params = self.event_params.as_deref().unwrap_or_default();
        for param in params {
            if text_of(&param.key)? != key {
                continue;
            }
            let Some(v) = &param.value else { continue };
            let set = [v.string_value, v.int_value, v.double_value, v.float_value].into_iter().flatten().next();
            return text_of(&set);
        }
        Ok(Cow::Borrowed(""))
    }

    fn hit(&self) -> Result<Hit<'a>, String> {
        let stamp = text_of(&self.event_timestamp)?;
        if stamp.is_empty() {
            return Err("the event has no event_timestamp".into());
        }
        let micros: i64 =
            stamp.parse().map_err(|_| format!("event_timestamp '{stamp}' is not a whole number of microseconds"))?;
        let name = text_of(&self.event_name)?;
        if name.is_empty() {
            return Err("the event has no event_name".into());
        }
        let non_interaction = self.param("non_interaction")?;
        let (mut click_id_param, mut click_id) = ("", Cow::Borrowed(""));
        let mut tags = [Cow::Borrowed(""), Cow::Borrowed(""), Cow::Borrowed(""), Cow::Borrowed(""), Cow::Borrowed("")];
        if let Some(source) = &self.collected_traffic_source {
            let s = source;
            for (tag, value) in tags.iter_mut().zip([
                s.manual_source,
                s.manual_medium,
                s.manual_campaign_name,
                s.manual_term,
                s.manual_content,
            ]) {
                *tag = text_of(&value)?;
            }
            for (param, value) in [("gclid", s.gclid), ("dclid", s.dclid)] {
                let value = text_of(&value)?;
                if click_id.is_empty() && !value.is_empty() {
                    (click_id_param, click_id) = (param, value);
                }
            }
        }
        Ok(Hit {
            ts_ms: micros.div_euclid(1000),
            hit_type: if is_page_view_name(&name) { HitType::PageView } else { HitType::Event },
            interaction: !parse_flag(&non_interaction).unwrap_or(false),
            event: name,
            client_id: text_of(&self.user_pseudo_id)?,
            user_id: text_of(&self.user_id)?,
            session_id: self.param("ga_session_id")?,
            session_engaged: match self.param("session_engaged")?.trim() {
                "" => None,
                flag => Some(flag == "1"),
            },
            url: self.param("page_location")?,
            referrer: self.param("page_referrer")?,
            tags,
            click_id_param,
            click_id,
        })
    }
}

/// A hit's values, unescaped where the JSON needed it.
struct Hit<'a> {
    ts_ms: i64,
    hit_type: HitType,
    interaction: bool,
    event: Cow<'a, str>,
    client_id: Cow<'a, str>,
    user_id: Cow<'a, str>,
    session_id: Cow<'a, str>,
    session_engaged: Option<bool>,
    url: Cow<'a, str>,
    referrer: Cow<'a, str>,
    /// source, medium, campaign, term, content
    tags: [Cow<'a, str>; 5],
    click_id_param: &'static str,
    click_id: Cow<'a, str>,
}

impl Hit<'_> {
    fn row(&self) -> HitRow<'_> {
        let [source, medium, campaign, term, content] = &self.tags;
        HitRow {
            ts_ms: self.ts_ms,
            hit_type: self.hit_type,
            event: &self.event,
            interaction: self.interaction,
            client_id: &self.client_id,
            user_id: &self.user_id,
            source_session_id: &self.session_id,
            session_engaged: self.session_engaged,
            url: &self.url,
            referrer: &self.referrer,
            tags: CampaignTags {
                source,
                medium,
                campaign,
                term,
                content,
                click_id_param: self.click_id_param,
                click_id: &self.click_id,
            },
            ..HitRow::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ImportOptions, MemorySink};

    const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/exports/ga4_events_20230425.ndjson");
    const GCLID: &str = "EAIaIQobChMIq9W7tLzZ_gIVh-R3Ch0cTQ2AEAAYASAAEgLK8vD_BwE";

    fn import_text(text: &str) -> MemorySink {
        MemorySink::read_bytes("events.json", text, &ImportOptions::default()).unwrap()
    }

    #[test]
    fn reads_the_bigquery_export_event_by_event() {
        let sink = MemorySink::read(FIXTURE, &ImportOptions::default()).unwrap();
        let got: Vec<_> = sink.hits.iter().map(|h| (h.ts_ms, h.event.as_str(), h.hit_type, h.interaction)).collect();
        assert_eq!(
            got,
            [
                (1_682_416_800_123, "session_start", HitType::Event, true),
                (1_682_416_800_123, "page_view", HitType::PageView, true),
                (1_682_416_825_456, "user_engagement", HitType::Event, true),
                (1_682_416_840_000, "video_progress", HitType::Event, false),
                (1_682_416_860_987, "page_view", HitType::PageView, true),
            ]
        );
        for hit in &sink.hits {
            assert_eq!(hit.client_id, "1443685882.1682380031");
            assert_eq!(hit.source_session_id, "1682416800");
            assert_eq!(hit.event_id, "");
        }
        let landing = &sink.hits[1];
        assert!(landing.url.starts_with("https://shop.example/shoes?utm_source=google"), "{}", landing.url);
        assert_eq!(landing.referrer, "https://www.google.com/");
        assert_eq!(landing.tags, ["google", "cpc", "spring_sale", "", "", "gclid", GCLID].map(String::from));
        let cart = &sink.hits[4];
        assert_eq!((cart.url.as_str(), cart.user_id.as_str()), ("https://shop.example/cart", "CRM-48151623"));
        assert_eq!(cart.tags, <[String; 7]>::default(), "first-touch traffic_source (bing/organic) is not a hit's");
    }

    #[test]
    fn session_engaged_is_kept_where_the_event_carries_it() {
        let sink = MemorySink::read(FIXTURE, &ImportOptions::default()).unwrap();
        let got: Vec<_> = sink.hits.iter().map(|h| (h.event.as_str(), h.session_engaged)).collect();
        assert_eq!(
            got,
            [
                ("session_start", Some(false)),
                ("page_view", None),
                ("user_engagement", Some(true)),
                ("video_progress", None),
                ("page_view", None),
            ]
        );
    }

    #[test]
    fn broken_rows_are_rejected_with_their_lines() {
        let sink = MemorySink::read(FIXTURE, &ImportOptions::default()).unwrap();
        let rejects: Vec<_> = sink.rejects.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(rejects.len(), 2, "{rejects:?}");
        assert_eq!(rejects[0].0, 6);
        assert!(rejects[0].1.starts_with("not valid JSON"), "{}", rejects[0].1);
        assert_eq!(rejects[1], (7, "the event has no event_timestamp"));
    }

    #[test]
    fn a_json_array_with_numeric_ids_and_escapes_reads_the_same() {
        let sink = import_text(
            r#"[
  {"event_timestamp": 1682416800123456, "event_name": "page_view", "user_pseudo_id": "17.42",
   "event_params": [{"key": "ga_session_id", "value": {"int_value": 1682416800}},
                    {"key": "page_location", "value": {"string_value": "https:\/\/shop.example\/caf\u00e9"}}]},
  {"event_timestamp": "16824168001234x", "event_name": "click", "user_pseudo_id": "17.42"}
]"#,
        );
        assert_eq!(sink.hits.len(), 1);
        let hit = &sink.hits[0];
        assert_eq!((hit.source_session_id.as_str(), hit.url.as_str()), ("1682416800", "https://shop.example/café"));
        assert_eq!(sink.rejects[0].line, 5);
        assert_eq!(sink.rejects[0].reason, "event_timestamp '16824168001234x' is not a whole number of microseconds");
    }

    #[test]
    fn a_field_of_the_wrong_shape_is_a_reject() {
        let sink = import_text(
            "{\"event_timestamp\": \"1\", \"event_name\": \"x\", \"user_pseudo_id\": \"a\", \"event_params\": 5}\n",
        );
        assert!(sink.hits.is_empty());
        assert!(sink.rejects[0].reason.contains("invalid type"), "{}", sink.rejects[0].reason);
    }

    #[test]
    fn a_file_that_is_not_json_is_one_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.csv");
        std::fs::write(&path, "event_timestamp,event_name\n1,page_view\n").unwrap();
        let options = ImportOptions { format: Some("ga4".into()), ..Default::default() };
        let err = MemorySink::read(&path, &options).unwrap_err();
        assert_eq!(err.code(), "unreadable_file");
        assert!(err.to_string().contains("not JSON"), "{err}");
    }

    #[test]
    fn sniffs_ga4_above_generic_json() {
        let head = Head::read(FIXTURE.as_ref()).unwrap();
        assert_eq!(Ga4Export.sniff(&head), 90);
        assert_eq!(crate::import::detect(FIXTURE.as_ref(), &ImportOptions::default()).unwrap().0.id(), "ga4");
        assert_eq!(Ga4Export.sniff(&Head::from_text("a.json", "{\"timestamp\": 1, \"url\": \"/\"}")), 0);
    }
}
