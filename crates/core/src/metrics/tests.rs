//! Metrics on small hand-built hit tables and ad rows.

use chrono::NaiveDate;

use super::*;
use crate::model::{CampaignTags, HitRow, HitType};
use crate::sessionize::{sessionize, HitTableBuilder, Identity, Preset, RuleSet};
use crate::store::ads::AdStat;

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

fn ms(time: &str) -> i64 {
    time.parse::<chrono::DateTime<chrono::Utc>>().unwrap().timestamp_millis()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn pv(time: &str, client: &'static str, url: &'static str) -> HitRow<'static> {
    HitRow {
        ts_ms: ms(time),
        hit_type: HitType::PageView,
        event: "page_view",
        interaction: true,
        client_id: client,
        url,
        user_agent: FIREFOX,
        ..Default::default()
    }
}

fn paid(time: &str, client: &'static str) -> HitRow<'static> {
    HitRow {
        tags: CampaignTags { source: "google", medium: "cpc", campaign: "spring_sale", ..Default::default() },
        referrer: "https://www.google.com/",
        ..pv(time, client, "https://shop.example/")
    }
}

/// Four visitors over two weeks in Berlin: paid, organic, direct; one purchase.
fn hits() -> Vec<HitRow<'static>> {
    vec![
        // Week 1 (4-10 March): a paid visit with two pages and a purchase ...
        paid("2024-03-05T09:00:00Z", "a"),
        pv("2024-03-05T09:02:00Z", "a", "https://shop.example/checkout/thanks?o=1"),
        HitRow {
            hit_type: HitType::Event,
            event: "purchase",
            ..pv("2024-03-05T09:02:30Z", "a", "https://shop.example/checkout/thanks?o=1")
        },
        // ... and an organic one-page visit from a phone.
        HitRow {
            referrer: "https://www.google.de/",
            user_agent: IPHONE,
            ..pv("2024-03-06T20:00:00Z", "b", "https://shop.example/blog")
        },
        // Week 2 (11-17 March): a returns direct; c arrives paid; d arrives paid at 23:30 UTC (00:30 Berlin on the 14th).
        pv("2024-03-12T10:00:00Z", "a", "https://shop.example/"),
        paid("2024-03-12T11:00:00Z", "c"),
        pv("2024-03-12T11:00:20Z", "c", "https://shop.example/p/1"),
        paid("2024-03-13T23:30:00Z", "d"),
    ]
}

fn stat(day: &str, clicks: i64, cost_eur: i64) -> AdStat {
    AdStat {
        platform: "google_ads".into(),
        account: "1".into(),
        campaign_id: "77".into(),
        campaign: "Spring Sale".into(),
        ad_group: String::new(),
        date: date(day),
        last_date: date(day),
        device: "desktop".into(),
        impressions: 100,
        clicks,
        cost_micros: cost_eur * 1_000_000,
        currency: "EUR".into(),
        time_zone: Some("Europe/Berlin".into()),
    }
}

fn run(query: &MetricsQuery, goals: ConversionGoals, ads: &AdData) -> MetricsReport {
    let mut b = HitTableBuilder::new();
    for h in hits() {
        b.push(&h);
    }
    let table = b.finish();
    let rules = RuleSet { time_zone: "Europe/Berlin".into(), ..RuleSet::preset(Preset::Ga4) };
    let sessions = sessionize(&table, &rules).unwrap();
    Reports::new(&table, &sessions, ads, goals).unwrap().report(query).unwrap()
}

fn goals() -> ConversionGoals {
    ConversionGoals { events: vec!["purchase".into()], pages: vec![] }
}

#[test]
fn totals_count_sessions_users_engagement_and_conversions() {
    let r = run(&MetricsQuery::default(), goals(), &AdData::default());
    let t = &r.totals;
    assert_eq!((t.sessions, t.users, t.new_users, t.pageviews), (5, 4, 4, 7));
    assert_eq!(t.pages_per_session, Some(7.0 / 5.0));
    // a's first visit lasts 150 s; c's 20 s; the rest are one hit.
    assert_eq!(t.avg_session_duration_s, Some((150.0 + 20.0) / 5.0));
    // GA4: engaged = over 10 s, two page views or a key event: a's first visit and c's.
    assert_eq!((t.engaged_sessions, t.bounces), (2, 3));
    assert_eq!(t.bounce_rate, Some(0.6));
    assert_eq!((t.conversions, t.converting_sessions, t.conversion_rate), (1, 1, Some(0.2)));
    assert_eq!((t.clicks, t.cost_micros), (None, None), "no ad data");
    assert_eq!(r.period, Some(DateRange { from: date("2024-03-05"), to: date("2024-03-14") }));
}

#[test]
fn a_page_pattern_is_a_conversion_too() {
    let pages = ConversionGoals { events: vec![], pages: vec!["/checkout/thanks*".into()] };
    let t = run(&MetricsQuery::default(), pages, &AdData::default()).totals;
    assert_eq!((t.conversions, t.converting_sessions), (1, 1));
}

#[test]
fn by_week_with_the_previous_period_lines_weeks_up() {
    let query = MetricsQuery {
        dimensions: vec![Dimension::Week],
        range: Some(DateRange::new(date("2024-03-11"), date("2024-03-17")).unwrap()),
        compare_previous: true,
    };
    let ads = AdData { stats: vec![stat("2024-03-05", 10, 5), stat("2024-03-12", 20, 8)], ..Default::default() };
    let r = run(&query, goals(), &ads);
    assert_eq!(r.previous_period, Some(DateRange { from: date("2024-03-04"), to: date("2024-03-10") }));
    assert_eq!(r.rows.len(), 1);
    let row = &r.rows[0];
    assert_eq!(row.keys, ["2024-03-11"]);
    assert_eq!((row.values.sessions, row.values.clicks, row.values.cost_micros), (3, Some(20), Some(8_000_000)));
    let before = row.previous.as_ref().unwrap();
    assert_eq!((before.sessions, before.clicks), (2, Some(10)));
    let change = row.change.as_ref().unwrap();
    assert_eq!((change.sessions, change.clicks), (Some(0.5), Some(1.0)));
    assert_eq!(r.totals.cost_per_session, Some(8.0 / 3.0));
    assert_eq!(r.currency.as_deref(), Some("EUR"));
}

#[test]
fn two_dimensions_and_clicks_on_the_matched_campaign() {
    let query = MetricsQuery { dimensions: vec![Dimension::Campaign, Dimension::Day], ..Default::default() };
    let ads = AdData { stats: vec![stat("2024-03-12", 4, 2)], ..Default::default() };
    let r = run(&query, ConversionGoals::default(), &ads);
    let find = |keys: [&str; 2]| r.rows.iter().find(|x| x.keys == keys).map(|x| (x.values.sessions, x.values.clicks));
    // utm_campaign=spring_sale matches the ad campaign "Spring Sale", whose name the row takes.
    assert_eq!(find(["Spring Sale", "2024-03-12"]), Some((1, Some(4))));
    assert_eq!(find(["Spring Sale", "2024-03-14"]), Some((1, Some(0))), "00:30 in Berlin is the 14th");
    assert_eq!(find(["(not set)", "2024-03-06"]), Some((1, Some(0))));
}

#[test]
fn hour_landing_page_and_device_keys() {
    let by = |d: Dimension| {
        run(
            &MetricsQuery { dimensions: vec![d], ..Default::default() },
            ConversionGoals::default(),
            &AdData { stats: vec![stat("2024-03-05", 1, 1)], ..Default::default() },
        )
    };
    let hours = by(Dimension::HourOfDay);
    assert_eq!(hours.rows.iter().map(|r| r.keys[0].as_str()).collect::<Vec<_>>(), ["00", "10", "11", "12", "21"]);
    assert!(hours.rows.iter().all(|r| r.values.clicks.is_none()), "clicks have no hour");
    assert_eq!(hours.totals.clicks, Some(1));
    assert!(hours.notes.iter().any(|n| n.contains("no hour")), "{:?}", hours.notes);
    let landing = by(Dimension::LandingPage);
    assert_eq!(landing.rows[0].keys, ["/"]);
    assert_eq!(landing.rows[0].values.sessions, 4);
    let device = by(Dimension::DeviceCategory);
    let keys: Vec<_> = device.rows.iter().map(|r| (r.keys[0].as_str(), r.values.sessions, r.values.clicks)).collect();
    assert_eq!(keys, [("desktop", 4, Some(1)), ("mobile", 1, Some(0))]);
}

#[test]
fn more_than_two_dimensions_and_unknown_names_are_refused() {
    let mut b = HitTableBuilder::new();
    b.push(&pv("2024-03-05T09:00:00Z", "a", "/"));
    let table = b.finish();
    let sessions = sessionize(&table, &RuleSet::preset(Preset::Ga4)).unwrap();
    let query = MetricsQuery { dimensions: vec![Dimension::Day; 3], ..Default::default() };
    let ads = AdData::default();
    let reports = Reports::new(&table, &sessions, &ads, ConversionGoals::default()).unwrap();
    assert_eq!(reports.report(&query).unwrap_err().code(), "invalid_input");
    assert!("browser".parse::<Dimension>().is_err());
    assert_eq!("source-medium".parse::<Dimension>().unwrap(), Dimension::SourceMedium);
}

#[test]
fn sessions_per_click_is_undefined_without_clicks() {
    assert_eq!(sessions_per_click(9, 10), Some(0.9));
    assert_eq!(sessions_per_click(12, 0), None);
}

#[test]
fn a_visitor_whose_recorded_sessions_come_apart_is_one_user() {
    // Under the source's own session ids, a's two recorded sessions are two groups with b's
    // between them, so a's sessions are not next to each other in the walk's order.
    let recorded =
        |time, client, session| HitRow { source_session_id: session, ..pv(time, client, "https://shop.example/") };
    let mut b = HitTableBuilder::new();
    for h in [
        recorded("2024-03-05T09:00:00Z", "a", "a1"),
        recorded("2024-03-05T09:10:00Z", "b", "b1"),
        recorded("2024-03-05T09:20:00Z", "a", "a2"),
        recorded("2024-03-05T09:30:00Z", "b", "b1"),
    ] {
        b.push(&h);
    }
    let table = b.finish();
    let rules = RuleSet { identity: Identity::SourceSession, ..RuleSet::preset(Preset::UniversalAnalytics) };
    let sessions = sessionize(&table, &rules).unwrap();
    let visitors: Vec<u32> = sessions.sessions.iter().map(|s| s.visitor).collect();
    assert_eq!(visitors.first(), visitors.get(2), "a's sessions come first and third: {visitors:?}");
    let by = |d: &str| MetricsQuery { dimensions: vec![d.parse().unwrap()], ..Default::default() };
    let ads = AdData::default();
    let reports = Reports::new(&table, &sessions, &ads, ConversionGoals::default()).unwrap();
    for query in [MetricsQuery::default(), by("day"), by("landing-page")] {
        let r = reports.report(&query).unwrap();
        assert_eq!((r.totals.sessions, r.totals.users, r.totals.new_users), (3, 2, 2));
        for row in &r.rows {
            assert_eq!((row.values.sessions, row.values.users), (3, 2), "{:?}", row.keys);
        }
    }
}
