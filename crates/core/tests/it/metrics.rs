//! Metrics through a real project file: traffic and a Google Ads campaign report imported, the
//! conversion goals stored in the project, clicks and cost by day beside sessions.

use chrono::NaiveDate;
use sessionlens_core::conversion::ConversionGoals;
use sessionlens_core::import::ImportOptions;
use sessionlens_core::metrics::{Dimension, MetricsQuery, Reports};
use sessionlens_core::sessionize::{sessionize, Preset, RuleSet};
use sessionlens_core::store::ImportControl;
use sessionlens_core::time::DateRange;

use crate::{import, Scratch};

const HEADER: &str = "timestamp,client_id,user_id,url,referrer,user_agent,ip,event\n";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

fn line(time: &str, client: &str, url: &str, event: &str) -> String {
    format!("{time},{client},,{url},,{FIREFOX},198.51.100.23,{event}\n")
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn clicks_cost_and_stored_conversion_goals_by_day() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let report = format!("{}/tests/fixtures/ads/google_ads_campaign_report.csv", env!("CARGO_MANIFEST_DIR"));
    let options = ImportOptions { time_zone: Some("Europe/Paris".parse().unwrap()), ..Default::default() };
    project.import(report.as_ref(), &options, ImportControl::default()).unwrap();
    let spring = "https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=spring-sale-search";
    let traffic = [
        line("2024-03-01T09:00:00Z", "a", spring, "page_view"),
        line("2024-03-01T09:01:00Z", "a", "https://shop.example/checkout/thanks", "page_view"),
        line("2024-03-01T18:00:00Z", "b", "https://shop.example/", "page_view"),
        line("2024-03-02T11:00:00Z", "c", spring, "page_view"),
    ];
    let csv = scratch.write("hits.csv", format!("{HEADER}{}", traffic.concat()));
    import(&mut project, &csv).unwrap();

    let goals = ConversionGoals { events: vec!["sign_up".into()], pages: vec!["/checkout/thanks*".into(), " ".into()] };
    project.set_conversion_goals(&goals).unwrap();
    let stored = project.conversion_goals().unwrap();
    assert_eq!(stored, ConversionGoals { events: vec!["sign_up".into()], pages: vec!["/checkout/thanks*".into()] });

    let table = project.load_hits().unwrap();
    let rules = RuleSet { time_zone: "Europe/Paris".into(), ..RuleSet::preset(Preset::Ga4) };
    let sessions = sessionize(&table, &rules).unwrap();
    let ads = project.load_ads().unwrap();
    assert_eq!(ads.stats.len(), 5, "the fixture's two bad rows are rejects");
    let query = MetricsQuery {
        dimensions: vec![Dimension::Day],
        range: Some(DateRange::new(date("2024-03-01"), date("2024-03-02")).unwrap()),
        ..Default::default()
    };
    let reports = Reports::new(&table, &sessions, &ads, stored).unwrap();
    let r = reports.report(&query).unwrap();
    let rows: Vec<_> = r
        .rows
        .iter()
        .map(|x| (x.keys[0].as_str(), x.values.sessions, x.values.conversions, x.values.clicks, x.values.cost_micros))
        .collect();
    // The fixture: 87 + 142 (+ 0 for Brand) clicks on 1 March, 3 + 1,031 on 2 March, in EUR.
    assert_eq!(
        rows,
        [("2024-03-01", 2, 1, Some(229), Some(179_370_000)), ("2024-03-02", 1, 0, Some(1034), Some(1_206_600_000))]
    );
    assert_eq!(r.currency.as_deref(), Some("EUR"));
    assert_eq!(r.totals.conversion_rate, Some(1.0 / 3.0));

    let by_campaign = MetricsQuery { dimensions: vec![Dimension::Campaign], ..query };
    let r = reports.report(&by_campaign).unwrap();
    let spring = r.rows.iter().find(|x| x.keys == ["Spring Sale - Search"]).unwrap();
    assert_eq!((spring.values.sessions, spring.values.clicks), (2, Some(232)));
}
