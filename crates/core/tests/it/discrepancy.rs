//! The discrepancy report through a real project file: a Google Ads click performance report
//! (crates/core/tests/fixtures/ads, exported in New York) and tagged traffic imported from CSV, the
//! campaign mapping stored in the project, and a campaign report with daily totals.

use sessionlens_core::discrepancy::{discrepancy, Breakdown, DiscrepancyOptions, MatchedBy};
use sessionlens_core::import::ImportOptions;
use sessionlens_core::sessionize::{sessionize, Preset, RuleSet};
use sessionlens_core::store::ads::CampaignMapping;
use sessionlens_core::store::ImportControl;
use sessionlens_core::Project;

use crate::{import, Scratch};

const HEADER: &str = "timestamp,client_id,user_id,url,referrer,user_agent,ip,event\n";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
/// The click ids of the fixture's two valid rows: 09:00 and 14:00 in New York on 1 March 2024.
const MORNING: &str = "Cj0KCQiA5-uuBhDzARIsAAa6d0ZcPq1b5hWyGG2yZjD8sXmK3kz4Uq7VQb3OQ5X9wYxT3sd8dK1xUaAo7_EALw_wcB";
const AFTERNOON: &str = "EAIaIQobChMI8ra3kOXvhAMVDZSDBx3PTw3kEAAYASAAEgJ8bPD_BwE";

fn line(time: &str, client: &str, url: &str, referrer: &str) -> String {
    format!("{time},{client},,{url},{referrer},{FIREFOX},198.51.100.23,page_view\n")
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/ads/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn import_in(project: &mut Project, path: &str, zone: &str) {
    let options = ImportOptions { time_zone: Some(zone.parse().unwrap()), ..Default::default() };
    project.import(path.as_ref(), &options, ImportControl::default()).unwrap();
}

fn london(preset: Preset) -> RuleSet {
    RuleSet { time_zone: "Europe/London".into(), ..RuleSet::preset(preset) }
}

#[test]
fn a_click_report_from_new_york_is_matched_click_by_click_in_a_london_view() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    import_in(&mut project, &fixture("google_ads_click_performance.csv"), "America/New_York");
    let traffic = [
        // The morning click lands at 14:00 London (09:00 New York) and browses on.
        line(
            "2024-03-01T14:00:40Z",
            "v1",
            &format!("https://shop.example/?gclid={MORNING}"),
            "https://www.google.com/",
        ),
        line("2024-03-01T14:03:00Z", "v1", "https://shop.example/products", "https://shop.example/"),
        // A bookmarked tagged URL: the campaign, no click. The afternoon click never lands.
        line(
            "2024-03-01T16:00:00Z",
            "v2",
            "https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=Spring%20Sale%20-%20Search",
            "",
        ),
        line("2024-03-01T15:00:00Z", "v3", "https://shop.example/blog", "https://www.bing.com/"),
    ];
    let csv = scratch.write("hits.csv", format!("{HEADER}{}", traffic.concat()));
    import(&mut project, &csv).unwrap();

    let ads = project.load_ads().unwrap();
    assert_eq!(ads.clicks.len(), 2);
    assert_eq!(ads.clicks[0].time_zone.as_deref(), Some("America/New_York"));
    assert_eq!(ads.clicks[0].ts_ms, Some(1_709_301_600_000), "09:00 in New York");
    let table = project.load_hits().unwrap();
    let sessions = sessionize(&table, &london(Preset::Ga4)).unwrap();
    let options = DiscrepancyOptions { by: Breakdown::CampaignDay, ..Default::default() };
    let r = discrepancy(&table, &sessions, &ads, &options).unwrap();

    let w = &r.waterfall;
    assert_eq!((w.clicks, w.no_landing_hit.count, w.sessions_without_click.count, w.sessions), (2, -1, 1, 2));
    assert_eq!(w.no_landing_hit.examples[0].click_ids, [AFTERNOON]);
    assert_eq!(w.no_landing_hit.examples[0].timeline[0].local_time, "2024-03-01 19:00");
    let c = &r.campaigns[0];
    assert!(c.click_level);
    assert_eq!(c.campaign, "Spring Sale - Search");
    assert!(c.matched.iter().any(|m| m.matched_by == MatchedBy::ClickId));
    let row = &r.rows[0];
    assert_eq!((row.date.map(|d| d.to_string()), row.clicks, row.sessions), (Some("2024-03-01".into()), 2, 2));
    assert!(!row.flagged);
    // The click times are whole hours in New York: exact days in London, and none moves.
    let z = &r.time_zones[0];
    assert_eq!(
        (z.differs, z.per_click_times, z.clicks_moved, z.offset_difference_hours),
        (true, true, Some(0), Some(5.0))
    );
}

#[test]
fn a_mapping_stored_in_the_project_matches_a_renamed_campaign() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    // Daily totals: Brand - Exact has 1,031 clicks on 2 March (the account's zone unstated).
    import_in(&mut project, &fixture("google_ads_campaign_report.csv"), "Europe/London");
    let traffic = [
        line(
            "2024-03-02T09:00:00Z",
            "b1",
            "https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand_2024",
            "",
        ),
        line(
            "2024-03-02T10:00:00Z",
            "b2",
            "https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand_2024",
            "",
        ),
    ];
    let csv = scratch.write("hits.csv", format!("{HEADER}{}", traffic.concat()));
    import(&mut project, &csv).unwrap();
    let table = project.load_hits().unwrap();
    let sessions = sessionize(&table, &london(Preset::Ga4)).unwrap();
    let report = |project: &Project| {
        discrepancy(&table, &sessions, &project.load_ads().unwrap(), &DiscrepancyOptions::default()).unwrap()
    };

    let before = report(&project);
    let unmatched: Vec<(&str, i64)> = before.unmatched.iter().map(|u| (u.campaign.as_str(), u.clicks)).collect();
    // Spring Sale has no traffic at all here, so it is listed too.
    assert_eq!(unmatched, [("Brand - Exact", 1031), ("Spring Sale - Search", 232)]);
    assert_eq!(before.unmatched_utm[0].utm_campaign, "brand_2024");

    let mapping = CampaignMapping {
        platform: "google_ads".into(),
        ad_campaign: " Brand - Exact ".into(),
        utm_campaign: "brand_2024".into(),
    };
    project.add_campaign_mapping(&mapping).unwrap();
    project.add_campaign_mapping(&mapping).unwrap();
    assert_eq!(project.campaign_mappings().unwrap().len(), 1, "adding it twice keeps one");
    assert_eq!(project.campaign_mappings().unwrap()[0].ad_campaign, "Brand - Exact", "stored trimmed");
    let after = report(&project);
    assert_eq!(after.unmatched.len(), 1);
    assert_eq!(after.unmatched[0].campaign, "Spring Sale - Search");
    let brand = after.campaigns.iter().find(|c| c.campaign == "Brand - Exact").unwrap();
    assert_eq!((brand.clicks, brand.sessions, brand.click_level), (1031, 2, false));
    // Daily totals: 2 landings for 1,031 clicks; the rest is the residual, not a guess.
    assert_eq!(brand.waterfall.residual.count, -1029);
    assert!(!brand.waterfall.residual.separable);

    assert!(project.remove_campaign_mapping(&mapping).unwrap());
    assert!(!project.remove_campaign_mapping(&mapping).unwrap());
    let blank = CampaignMapping { utm_campaign: " ".into(), ..mapping };
    assert_eq!(project.add_campaign_mapping(&blank).unwrap_err().code(), "invalid_input");
}

#[test]
fn an_export_without_account_or_time_zone_is_named_by_its_platform_alone() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    // A Google Ads campaign report with no account column and no time zone line.
    let campaigns = fixture("google_ads_campaign_report.csv");
    project.import(campaigns.as_ref(), &ImportOptions::default(), ImportControl::default()).unwrap();
    let table = project.load_hits().unwrap();
    let sessions = sessionize(&table, &london(Preset::Ga4)).unwrap();
    let report = discrepancy(&table, &sessions, &project.load_ads().unwrap(), &DiscrepancyOptions::default()).unwrap();
    let zone_notes: Vec<&String> = report.notes.iter().filter(|n| n.contains("does not state its time zone")).collect();
    assert!(!zone_notes.is_empty(), "{:?}", report.notes);
    for note in zone_notes {
        assert!(!note.contains("account ''"), "{note}");
        assert!(note.ends_with("taken as Europe/London days"), "{note}");
    }
}

/// The demo shop through a project file, as the app builds it: every cause the demo is made to
/// show is found, with its count, under the default rules (GA4).
#[test]
fn the_demo_shop_shows_lost_tags_repeat_clicks_and_the_day_shift() {
    use sessionlens_core::discrepancy::CauseKind;
    use sessionlens_core::synth::demo_shop::{demo_shop, ACCOUNT_TIME_ZONE};

    let scratch = Scratch::default();
    let mut project = scratch.project();
    let shop = demo_shop();
    let traffic = scratch.write("traffic.csv", &shop.traffic_csv);
    let ads = scratch.write("google-ads.csv", &shop.ads_csv);
    import(&mut project, &traffic).unwrap();
    import_in(&mut project, ads.to_str().unwrap(), ACCOUNT_TIME_ZONE);
    let table = project.load_hits().unwrap();
    let rules = RuleSet::default();
    assert_eq!(rules.preset, Preset::Ga4, "the default rules are GA4's");
    let sessions = sessionize(&table, &rules).unwrap();
    let options = DiscrepancyOptions { by: Breakdown::CampaignDay, ..Default::default() };
    let r = discrepancy(&table, &sessions, &project.load_ads().unwrap(), &options).unwrap();

    let campaign = |name: &str| r.campaigns.iter().find(|c| c.campaign == name).unwrap();
    let count =
        |name: &str, kind: CauseKind| campaign(name).causes.iter().find(|c| c.kind == kind).map_or(0, |c| c.count);
    let brand = campaign("Brand - Exact");
    assert!(brand.outside_band, "{}", brand.verdict);
    assert!(brand.verdict.starts_with("Brand - Exact: "), "{}", brand.verdict);
    assert!(brand.verdict.contains("below the usual 80–120"), "{}", brand.verdict);
    assert!(brand.verdict.contains("What to do: fix the redirect on /promo"), "{}", brand.verdict);
    assert_eq!(brand.causes[0].kind, CauseKind::TagsLost, "{:?}", brand.causes);
    assert!(count("Brand - Exact", CauseKind::TagsLost) < -100, "{:?}", brand.causes);
    assert!(
        count("Spring Sale - Search", CauseKind::RepeatClicks) < -50,
        "{:?}",
        campaign("Spring Sale - Search").causes
    );
    assert_eq!(count("Spring Sale - Search", CauseKind::TagsLost), 0, "its landing page gets no untagged ad visits");
    assert!(count("Retargeting - Display", CauseKind::SessionsWithoutClick) > 5);
    for name in ["Brand - Exact", "Spring Sale - Search", "Retargeting - Display"] {
        assert!(count(name, CauseKind::DayShift) > 20, "{name}: evening visits are the next UTC day");
        let c = campaign(name);
        let gap: i64 = c.causes.iter().filter(|k| k.kind != CauseKind::DayShift).map(|k| k.count).sum();
        assert_eq!(gap, c.sessions - c.clicks, "{name}: the causes add up to the difference");
    }
    assert!(r.verdict.starts_with("All campaigns: "), "{}", r.verdict);
    assert!(r.verdict.contains("Brand - Exact"), "the campaigns outside the band are named: {}", r.verdict);
    // Days are New York days: 30 per campaign.
    let brand_days = r.rows.iter().filter(|x| x.campaign.as_deref() == Some("Brand - Exact")).count();
    assert_eq!(brand_days, 30);
}

#[test]
fn a_stored_run_gives_the_same_report_over_hits_read_without_who_made_them() {
    use sessionlens_core::synth::demo_shop::{demo_shop, ACCOUNT_TIME_ZONE};

    let scratch = Scratch::default();
    let mut project = scratch.project();
    let shop = demo_shop();
    import(&mut project, &scratch.write("traffic.csv", &shop.traffic_csv)).unwrap();
    import_in(&mut project, scratch.write("google-ads.csv", &shop.ads_csv).to_str().unwrap(), ACCOUNT_TIME_ZONE);
    let ads = project.load_ads().unwrap();
    let options = DiscrepancyOptions { by: Breakdown::CampaignDay, ..Default::default() };
    for preset in [Preset::Ga4, Preset::UniversalAnalytics] {
        let rules = london(preset);
        let table = project.load_hits().unwrap();
        let whole = discrepancy(&table, &sessionize(&table, &rules).unwrap(), &ads, &options).unwrap();
        project.sessions(&rules, Some(&table)).unwrap();
        let (without, stored) = project.hits_for_reports(&rules).unwrap();
        assert!(without.hit(0).client_id.is_empty(), "{preset:?}: read without who made the hits");
        let report = discrepancy(&without, &stored, &ads, &options).unwrap();
        // Examples name their visitors as the stored run does, which is as the engine does.
        let w = &report.waterfall;
        let visitors: Vec<&String> = [&w.tags_lost, &w.folded_into_open_session, &w.extra_sessions_from_one_click]
            .iter()
            .flat_map(|step| &step.examples)
            .filter_map(|e| e.visitor.as_ref())
            .collect();
        assert!(!visitors.is_empty() && visitors.iter().all(|v| v.contains('.')), "{preset:?}: {visitors:?}");
        assert_eq!(report, whole, "{preset:?}");
    }
}

/// A Google Ads report without a Day column (the default download) against traffic: compared
/// per campaign over the report's period.
#[test]
fn period_totals_compare_per_campaign_over_the_report_s_period() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    import_in(&mut project, &fixture("google_ads_campaign_report_period.csv"), "UTC");
    let mut traffic = String::from(HEADER);
    for i in 0..500 {
        // 500 tagged Brand - Exact landings over the week (567 clicks), one in October.
        let day = if i == 0 { "2026-10-31".to_string() } else { format!("2026-11-0{}", 1 + i % 7) };
        let url = "https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=brand_exact";
        traffic.push_str(&line(&format!("{day}T12:{:02}:00Z", i % 60), &format!("b{i}"), url, ""));
    }
    let csv = scratch.write("hits.csv", traffic);
    import(&mut project, &csv).unwrap();
    let table = project.load_hits().unwrap();
    let sessions = sessionize(&table, &RuleSet::default()).unwrap();
    let options = DiscrepancyOptions { by: Breakdown::CampaignDay, ..Default::default() };
    let r = discrepancy(&table, &sessions, &project.load_ads().unwrap(), &options).unwrap();
    let period = r.period.unwrap();
    assert_eq!((period.from.to_string(), period.to.to_string()), ("2026-11-01".into(), "2026-11-07".into()));
    let brand = r.rows.iter().find(|x| x.campaign.as_deref() == Some("Brand - Exact")).unwrap();
    assert_eq!((brand.date, brand.clicks, brand.sessions), (None, 567, 499), "one row for the period");
    let spring = r.rows.iter().find(|x| x.campaign.as_deref() == Some("Spring Sale - Search")).unwrap();
    assert_eq!((spring.clicks, spring.sessions, spring.flagged), (912, 0, true));
}
