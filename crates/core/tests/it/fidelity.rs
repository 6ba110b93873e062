//! The fidelity check through the public API: the export fixtures (GA4 events, UA ga_sessions
//! rows, Snowplow enriched events) imported into a project and compared under their own
//! platform's preset, and hand-built hits that split, merge and drop platform sessions.

use sessionlens_core::fidelity::{compare, platform_name, Counts, Fidelity, ReasonCount, NOT_AVAILABLE};
use sessionlens_core::model::{HitRow, HitType};
use sessionlens_core::sessionize::{sessionize, HitTable, HitTableBuilder, Preset, RuleSet, StartReason};
use sessionlens_core::time::DateRange;

use crate::{import, Scratch};

const EXPORTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/exports/");

fn fixture(name: &str, preset: Preset) -> Fidelity {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    import(&mut project, format!("{EXPORTS}{name}").as_ref()).unwrap();
    let info = project.info().unwrap();
    let table = project.load_hits().unwrap();
    let ours = sessionize(&table, &RuleSet::preset(preset)).unwrap();
    let platform = platform_name(info.files.iter().map(|f| f.format.as_str()));
    compare(&table, &ours, platform, None).unwrap().expect("the export carries session ids")
}

#[test]
fn the_export_fixtures_agree_with_their_own_platforms_presets() {
    let same = |platform_sessions: u64, hits: u64| -> (Counts, Vec<ReasonCount>, u64, u64) {
        let counts = Counts { platform_sessions, our_sessions: platform_sessions, ..Counts::default() };
        (counts, Vec::new(), hits, 0)
    };
    let seen = |f: &Fidelity| (f.counts.clone(), f.reasons.clone(), f.hits_compared, f.hits_without_session_id);
    let ga4 = fixture("ga4_events_20230425.ndjson", Preset::Ga4);
    assert_eq!(seen(&ga4), same(1, 5));
    assert_eq!(ga4.summary(), "Our GA4 rules give the same 1 session GA4 counted: none was split or merged.");
    assert_eq!(ga4.days.len(), 1);
    assert_eq!((ga4.days[0].date.as_str(), &ga4.days[0].counts), ("2023-04-25", &ga4.counts));
    let ua = fixture("ua_ga_sessions_20170801.ndjson", Preset::UniversalAnalytics);
    assert_eq!(seen(&ua), same(2, 4));
    assert_eq!(ua.summary(), "Our UA rules give the same 2 sessions UA counted: none was split or merged.");
    let snowplow = fixture("snowplow_enriched_20230425.tsv", Preset::Ga4);
    assert_eq!(seen(&snowplow), same(1, 3));
    assert!(snowplow.summary().starts_with("Our GA4 rules give the same 1 session Snowplow counted"));
}

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

fn ms(time: &str) -> i64 {
    time.parse::<chrono::DateTime<chrono::Utc>>().unwrap().timestamp_millis()
}

/// A page view of `client` in the platform's session `session` at `time` (UTC).
fn pv(time: &str, client: &'static str, session: &'static str) -> HitRow<'static> {
    HitRow {
        ts_ms: ms(time),
        hit_type: HitType::PageView,
        event: "page_view",
        interaction: true,
        client_id: client,
        source_session_id: session,
        url: "https://shop.example/",
        user_agent: FIREFOX,
        ..Default::default()
    }
}

fn campaign(row: HitRow<'static>, name: &'static str) -> HitRow<'static> {
    HitRow {
        tags: sessionlens_core::model::CampaignTags { source: "news", medium: "email", campaign: name, ..row.tags },
        ..row
    }
}

fn table(rows: &[HitRow<'_>]) -> HitTable {
    let mut b = HitTableBuilder::new();
    for r in rows {
        b.push(r);
    }
    b.finish()
}

/// Six platform sessions: one crossing midnight, one changing campaign, one with a long pause,
/// two our rules join, one of a bot's; and a hit without a session id.
fn rows() -> Vec<HitRow<'static>> {
    vec![
        pv("2024-03-05T23:50:00Z", "c1", "c1.100"),
        pv("2024-03-06T00:10:00Z", "c1", "c1.100"),
        campaign(pv("2024-03-05T10:00:00Z", "c2", "c2.200"), "spring"),
        campaign(pv("2024-03-05T10:05:00Z", "c2", "c2.200"), "summer"),
        pv("2024-03-05T12:00:00Z", "c3", "c3.300"),
        pv("2024-03-05T12:10:00Z", "c3", "c3.301"),
        HitRow { user_agent: GOOGLEBOT, ..pv("2024-03-05T13:00:00Z", "c4", "c4.400") },
        pv("2024-03-05T14:00:00Z", "c5", ""),
        pv("2024-03-05T10:00:00Z", "c6", "c6.600"),
        pv("2024-03-05T10:45:00Z", "c6", "c6.600"),
    ]
}

#[test]
fn splits_merges_and_sessions_not_counted_are_found_with_the_rules_that_cut() {
    let t = table(&rows());
    let ours = sessionize(&t, &RuleSet::preset(Preset::UniversalAnalytics)).unwrap();
    let f = compare(&t, &ours, "UA", None).unwrap().unwrap();
    assert_eq!(
        f.counts,
        Counts { platform_sessions: 6, our_sessions: 7, split: 3, merged: 1, not_counted: 1 },
        "c1, c2 and c6 in two of ours each, c3's two in one, the bot's in none"
    );
    let reasons: Vec<(StartReason, u64)> = f.reasons.iter().map(|r| (r.reason, r.sessions)).collect();
    assert_eq!(reasons, [(StartReason::Timeout, 1), (StartReason::Midnight, 1), (StartReason::CampaignChange, 1)]);
    assert_eq!((f.hits_compared, f.hits_without_session_id), (9, 1));
    let days: Vec<(&str, &Counts)> = f.days.iter().map(|d| (d.date.as_str(), &d.counts)).collect();
    assert_eq!(
        days,
        [
            ("2024-03-05", &Counts { platform_sessions: 6, our_sessions: 6, split: 3, merged: 1, not_counted: 1 }),
            ("2024-03-06", &Counts { platform_sessions: 0, our_sessions: 1, split: 0, merged: 0, not_counted: 0 }),
        ]
    );
    assert_eq!(f.days[1].reasons, [ReasonCount { reason: StartReason::Midnight, sessions: 1 }]);
    assert_eq!(
        f.summary(),
        "Our UA rules give 7 sessions where UA counted 6: 3 of UA's sessions were split, mostly by the inactivity \
         timeout, 1 of ours joined several of UA's and 1 of UA's was not counted in ours (bots or only \
         non-interaction hits). 1 hit without a UA session id is left out."
    );

    // Over 6 March alone: the piece of c1's session after midnight, and nothing else.
    let march_6 = chrono::NaiveDate::from_ymd_opt(2024, 3, 6).unwrap();
    let f = compare(&t, &ours, "UA", Some(DateRange::new(march_6, march_6).unwrap())).unwrap().unwrap();
    assert_eq!(f.counts, Counts { platform_sessions: 0, our_sessions: 1, ..Counts::default() });
    assert_eq!((f.hits_compared, f.hits_without_session_id, f.days.len()), (1, 0, 1));
    assert_eq!(f.summary(), "Our UA rules give 1 session where UA counted 0: none was split or merged.");
    let march_7 = march_6.succ_opt().unwrap();
    let f = compare(&t, &ours, "UA", Some(DateRange::new(march_7, march_7).unwrap())).unwrap().unwrap();
    assert_eq!(f.summary(), "Neither UA nor our UA rules have a session in these days.");

    // The days follow the rules' zone: in Tokyo (UTC+9) c1's 23:50 UTC is 08:50 the next day.
    let tokyo = RuleSet { time_zone: "Asia/Tokyo".into(), ..RuleSet::preset(Preset::Ga4) };
    let f = compare(&t, &sessionize(&t, &tokyo).unwrap(), "UA", None).unwrap().unwrap();
    assert_eq!(f.counts, Counts { platform_sessions: 6, our_sessions: 5, split: 1, merged: 1, not_counted: 1 });
    assert_eq!(f.reasons, [ReasonCount { reason: StartReason::Timeout, sessions: 1 }]);
    let dates: Vec<&str> = f.days.iter().map(|d| d.date.as_str()).collect();
    assert_eq!(dates, ["2024-03-05", "2024-03-06"]);
}

#[test]
fn without_source_session_ids_there_is_nothing_to_compare() {
    let t = table(&[pv("2024-03-05T14:00:00Z", "c5", ""), pv("2024-03-05T14:01:00Z", "c5", "")]);
    let ours = sessionize(&t, &RuleSet::default()).unwrap();
    assert_eq!(compare(&t, &ours, "the source", None).unwrap(), None);
    let other = table(&rows());
    assert_eq!(compare(&other, &ours, "UA", None).unwrap_err().code(), "invalid_input");
    assert!(NOT_AVAILABLE.contains("ga_session_id"));
    assert_eq!(platform_name(["apache-combined", "ua", "ua"]), "UA");
    assert_eq!(platform_name(["ga4", "ua"]), "the source");
    assert_eq!(platform_name(["apache-combined"]), "the source");
}

/// One GA4 export event (BigQuery's JSON) of `user` in session `session` at `time` (UTC):
/// `params` are string event parameters besides `ga_session_id`; `tags` fill
/// `collected_traffic_source` (source, medium, campaign).
fn ga4_event(
    time: &str,
    name: &str,
    user: &str,
    session: &str,
    params: &[(&str, &str)],
    tags: Option<(&str, &str, &str)>,
) -> String {
    let mut event_params = vec![serde_json::json!({ "key": "ga_session_id", "value": { "int_value": session } })];
    for (key, value) in params {
        event_params.push(serde_json::json!({ "key": key, "value": { "string_value": value } }));
    }
    let event = serde_json::json!({
        "event_date": time[..10].replace('-', ""),
        "event_timestamp": (ms(time) * 1000).to_string(),
        "event_name": name,
        "event_params": event_params,
        "user_pseudo_id": user,
        "stream_id": "4184412319",
        "platform": "WEB",
        "collected_traffic_source": tags.map(|(source, medium, campaign)| serde_json::json!({
            "manual_source": source, "manual_medium": medium, "manual_campaign_name": campaign
        })),
    });
    format!("{event}\n")
}

const SHOP: &str = "https://shop.example/";

/// GA4-shaped events of three sessions, as GA4 groups them: A's first crosses midnight and
/// turns from direct to a newsletter on its last page; A's second, after 55 minutes, is
/// organic and not engaged by GA4's verdict though its span is 40 s; B's session_start carries
/// a stale campaign its page view does not, and its source is the search engine that follows.
fn ga4_export() -> String {
    let engaged = |flag| [("page_location", SHOP), ("session_engaged", flag)];
    [
        ga4_event("2024-03-05T23:45:00Z", "first_visit", "A", "1709682300", &[("page_location", SHOP)], None),
        ga4_event("2024-03-05T23:45:00Z", "session_start", "A", "1709682300", &engaged("0"), None),
        ga4_event("2024-03-05T23:45:00Z", "page_view", "A", "1709682300", &engaged("0"), None),
        ga4_event("2024-03-05T23:45:20Z", "user_engagement", "A", "1709682300", &engaged("1"), None),
        ga4_event(
            "2024-03-05T23:55:00Z",
            "page_view",
            "A",
            "1709682300",
            &[("page_location", "https://shop.example/b"), ("page_referrer", SHOP), ("session_engaged", "1")],
            None,
        ),
        ga4_event(
            "2024-03-06T00:05:00Z",
            "page_view",
            "A",
            "1709682300",
            &[("page_location", "https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=march")],
            Some(("newsletter", "email", "march")),
        ),
        ga4_event(
            "2024-03-06T01:00:00Z",
            "session_start",
            "A",
            "1709686800",
            &[("page_location", SHOP), ("page_referrer", "https://www.google.com/"), ("session_engaged", "0")],
            None,
        ),
        ga4_event(
            "2024-03-06T01:00:00Z",
            "page_view",
            "A",
            "1709686800",
            &[("page_location", SHOP), ("page_referrer", "https://www.google.com/"), ("session_engaged", "0")],
            None,
        ),
        ga4_event("2024-03-06T01:00:40Z", "scroll", "A", "1709686800", &engaged("0"), None),
        ga4_event(
            "2024-03-05T10:00:00Z",
            "session_start",
            "B",
            "1709632800",
            &[("page_location", "https://shop.example/?utm_source=old&utm_medium=cpc")],
            Some(("old", "cpc", "")),
        ),
        ga4_event("2024-03-05T10:00:00Z", "page_view", "B", "1709632800", &[("page_location", SHOP)], None),
        ga4_event(
            "2024-03-05T10:02:00Z",
            "page_view",
            "B",
            "1709632800",
            &[("page_location", "https://shop.example/c"), ("page_referrer", "https://www.bing.com/")],
            None,
        ),
    ]
    .concat()
}

fn ga4_project(scratch: &Scratch, export: &str) -> (HitTable, String) {
    let mut project = scratch.project();
    import(&mut project, &scratch.write("events_20240305.json", export)).unwrap();
    let info = project.info().unwrap();
    assert_eq!(info.files[0].format, "ga4");
    (project.load_hits().unwrap(), platform_name(info.files.iter().map(|f| f.format.as_str())).to_string())
}

#[test]
fn the_ga4_preset_regroups_a_ga4_export_as_ga4_did_with_its_sources_and_engagement() {
    let scratch = Scratch::default();
    let (table, platform) = ga4_project(&scratch, &ga4_export());
    let ga4 = sessionize(&table, &RuleSet::preset(Preset::Ga4)).unwrap();
    let f = compare(&table, &ga4, &platform, None).unwrap().unwrap();
    assert_eq!(f.counts, Counts { platform_sessions: 3, our_sessions: 3, ..Counts::default() });
    assert_eq!(f.summary(), "Our GA4 rules give the same 3 sessions GA4 counted: none was split or merged.");

    let seen: Vec<(String, &str, &str, bool)> = ga4
        .sessions
        .iter()
        .map(|s| {
            let t = &ga4.traffic[s.traffic as usize];
            (ga4.visitor_label(&table, s.visitor), t.source.as_str(), t.medium.as_str(), s.engaged)
        })
        .collect();
    assert_eq!(
        seen,
        [
            // B: the session_start's stale tags are no source; the search engine that follows is.
            // No hit carries session_engaged, so the rules decide: 2 minutes is engaged.
            ("B".into(), "bing", "organic", true),
            // A crosses midnight in one session, direct until the newsletter landing; engaged as GA4 says.
            ("A".into(), "newsletter", "email", true),
            // 40 s with a scroll, but GA4 never set session_engaged: not engaged.
            ("A".into(), "google", "organic", false),
        ]
    );

    // Without the two rules, the sessions keep their first hit's source and the span decides.
    let plain = RuleSet::with_changes(Preset::Ga4, [("first-source", "off"), ("engaged-as-recorded", "off")]);
    let plain = sessionize(&table, &plain.unwrap()).unwrap();
    let seen: Vec<(&str, bool)> =
        plain.sessions.iter().map(|s| (plain.traffic[s.traffic as usize].source.as_str(), s.engaged)).collect();
    assert_eq!(seen, [("(direct)", true), ("(direct)", true), ("google", true)]);

    // The same events under UA's rules: midnight cuts A's first session (at the newsletter
    // landing), and B's is cut twice: by the session_start's campaign and by the search engine.
    let ua = sessionize(&table, &RuleSet::preset(Preset::UniversalAnalytics)).unwrap();
    let f = compare(&table, &ua, &platform, None).unwrap().unwrap();
    assert_eq!(f.counts, Counts { platform_sessions: 3, our_sessions: 6, split: 2, ..Counts::default() });
    let reasons: Vec<(StartReason, u64)> = f.reasons.iter().map(|r| (r.reason, r.sessions)).collect();
    assert_eq!(
        reasons,
        [(StartReason::Midnight, 1), (StartReason::CampaignChange, 1), (StartReason::ReferrerChange, 1)]
    );
    assert_eq!(
        f.summary(),
        "Our UA rules give 6 sessions where GA4 counted 3: 2 of GA4's sessions were split, mostly at midnight."
    );
}

#[test]
fn a_ga4_session_kept_alive_by_events_the_export_lacks_is_split_by_the_timeout_alone() {
    // GA4 keeps ga_session_id for the life of the session on the device: events that kept it
    // alive but are not in the export (filtered, or never exported) leave a 40-minute gap here.
    let export = [
        ga4_event("2024-03-05T12:00:00Z", "page_view", "C", "1709640000", &[("page_location", SHOP)], None),
        ga4_event("2024-03-05T12:40:00Z", "page_view", "C", "1709640000", &[("page_location", SHOP)], None),
    ]
    .concat();
    let scratch = Scratch::default();
    let (table, platform) = ga4_project(&scratch, &export);
    let ga4 = sessionize(&table, &RuleSet::preset(Preset::Ga4)).unwrap();
    let f = compare(&table, &ga4, &platform, None).unwrap().unwrap();
    assert_eq!(f.counts, Counts { platform_sessions: 1, our_sessions: 2, split: 1, ..Counts::default() });
    assert_eq!(f.reasons, [ReasonCount { reason: StartReason::Timeout, sessions: 1 }]);
    assert_eq!(
        f.summary(),
        "Our GA4 rules give 2 sessions where GA4 counted 1: 1 of GA4's sessions was split, mostly by the \
         inactivity timeout."
    );
    // Taking the export's own session ids as they are agrees again.
    let recorded = RuleSet::with_changes(Preset::Ga4, [("identity", "source-session")]).unwrap();
    let f = compare(&table, &sessionize(&table, &recorded).unwrap(), &platform, None).unwrap().unwrap();
    assert_eq!((f.counts.split, f.counts.merged, f.counts.our_sessions), (0, 0, 1));
}
