//! The fidelity check through the public API: the export fixtures (GA4 events, UA ga_sessions
//! rows, Snowplow enriched events) imported into a project and compared under their own
//! platform's preset, and hand-built hits that split, merge and drop platform sessions.

use sessionlens_core::fidelity::{compare, platform_name, Counts, Fidelity, ReasonCount, NOT_AVAILABLE};
use sessionlens_core::model::{HitRow, HitType};
use sessionlens_core::sessionize::{sessionize, HitTable, HitTableBuilder, Preset, RuleSet, StartReason};

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
    compare(&table, &ours, platform).unwrap().expect("the export carries session ids")
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
    let f = compare(&t, &ours, "UA").unwrap().unwrap();
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

    // The days follow the rules' zone: in Tokyo (UTC+9) c1's 23:50 UTC is 08:50 the next day.
    let tokyo = RuleSet { time_zone: "Asia/Tokyo".into(), ..RuleSet::preset(Preset::Ga4) };
    let f = compare(&t, &sessionize(&t, &tokyo).unwrap(), "UA").unwrap().unwrap();
    assert_eq!(f.counts, Counts { platform_sessions: 6, our_sessions: 5, split: 1, merged: 1, not_counted: 1 });
    assert_eq!(f.reasons, [ReasonCount { reason: StartReason::Timeout, sessions: 1 }]);
    let dates: Vec<&str> = f.days.iter().map(|d| d.date.as_str()).collect();
    assert_eq!(dates, ["2024-03-05", "2024-03-06"]);
}

#[test]
fn without_source_session_ids_there_is_nothing_to_compare() {
    let t = table(&[pv("2024-03-05T14:00:00Z", "c5", ""), pv("2024-03-05T14:01:00Z", "c5", "")]);
    let ours = sessionize(&t, &RuleSet::default()).unwrap();
    assert_eq!(compare(&t, &ours, "the source").unwrap(), None);
    assert!(NOT_AVAILABLE.contains("ga_session_id"));
    assert_eq!(platform_name(["apache-combined", "ua", "ua"]), "UA");
    assert_eq!(platform_name(["ga4", "ua"]), "the source");
    assert_eq!(platform_name(["apache-combined"]), "the source");
}
