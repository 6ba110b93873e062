//! Analytics report downloads through a project: imported as reported sessions with their
//! periods, listed by `info`, removed with their file, and added to a project of schema
//! version 3 whose other data the migration keeps.

use std::path::PathBuf;

use chrono::NaiveDate;
use rusqlite::Connection;
use sessionlens_core::model::Kind;
use sessionlens_core::store::reports::ReportedSessions;
use sessionlens_core::Project;

use crate::{import, Scratch};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reports")).join(name)
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// Sessions per campaign, with each row's period.
fn by_campaign(rows: &[ReportedSessions]) -> Vec<(&str, NaiveDate, NaiveDate, i64)> {
    rows.iter().map(|r| (r.campaign.as_str(), r.first_date, r.last_date, r.sessions)).collect()
}

#[test]
fn a_ga4_campaign_report_imports_as_reported_sessions_over_its_week() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let report = import(&mut project, &fixture("ga4_traffic_acquisition_session_campaign.csv")).unwrap();
    assert_eq!((report.format, report.kind), ("ga4-report", Kind::Report));
    assert_eq!((report.rows_imported, report.rows_rejected), (6, 0), "the Grand total row is neither");
    let rows = project.reported_sessions().unwrap();
    assert_eq!(
        by_campaign(&rows),
        [
            ("(organic)", day(1), day(7), 4812),
            ("(direct)", day(1), day(7), 2904),
            ("Brand - Exact", day(1), day(7), 1263),
            ("Spring Sale", day(1), day(7), 1031),
            ("(referral)", day(1), day(7), 655),
            ("(not set)", day(1), day(7), 37),
        ]
    );
    let ad_campaigns: Vec<_> = rows.iter().filter(|r| r.is_ad_campaign()).map(|r| r.campaign.as_str()).collect();
    assert_eq!(ad_campaigns, ["Brand - Exact", "Spring Sale"]);
    let brand = &rows[2];
    assert_eq!(
        (brand.platform.as_str(), brand.engaged_sessions, brand.key_events, brand.users),
        ("ga4", Some(981), Some(87.5), None)
    );
}

#[test]
fn an_exploration_by_day_gives_daily_rows_and_a_malformed_row_is_a_reject_with_its_line() {
    let scratch = Scratch::default();
    let text = std::fs::read_to_string(fixture("ga4_exploration_date_campaign.csv")).unwrap();
    let broken = text.replace("20261102,Spring Sale,287,", "20261102,Spring Sale,lots,");
    let path = scratch.write("exploration.csv", broken);
    let mut project = scratch.project();
    let report = import(&mut project, &path).unwrap();
    assert_eq!((report.rows_imported, report.rows_rejected), (8, 1));
    let rejects = project.rejects().unwrap();
    assert_eq!((rejects[0].line, rejects[0].reason.as_str()), (14, "sessions 'lots' is not a whole number"));
    assert_eq!(rejects[0].raw, "20261102,Spring Sale,lots,190,17,266");
    let rows = project.reported_sessions().unwrap();
    let brand: Vec<_> = by_campaign(&rows).into_iter().filter(|r| r.0 == "Brand - Exact").collect();
    assert_eq!(
        brand,
        [
            ("Brand - Exact", day(1), day(1), 412),
            ("Brand - Exact", day(2), day(2), 398),
            ("Brand - Exact", day(3), day(3), 405)
        ]
    );
    assert_eq!(rows.iter().map(|r| r.sessions).sum::<i64>(), 2_717 - 287);
}

#[test]
fn info_lists_report_files_with_their_periods_and_totals() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    import(&mut project, &fixture("matomo_channel_type_by_week_excel.tsv")).unwrap();
    import(&mut project, &fixture("plausible_visitors.csv")).unwrap();
    let info = project.info().unwrap();
    let files: Vec<_> = info
        .files
        .iter()
        .map(|f| (f.format.as_str(), f.kind.as_str(), f.rows_imported, f.first_date.as_deref(), f.last_date.as_deref()))
        .collect();
    assert_eq!(
        files,
        [
            ("matomo-report", "report", 6, Some("2026-11-02"), Some("2026-11-15")),
            ("plausible-visitors", "report", 7, Some("2026-11-01"), Some("2026-11-07")),
        ]
    );
    assert_eq!(info.files[0].encoding, "UTF-16LE");
    assert_eq!((info.reported_session_rows, info.reported_sessions), (13, 12_308 + 6_122));
    assert_eq!(
        (info.first_report_date.as_deref(), info.last_report_date.as_deref()),
        (Some("2026-11-01"), Some("2026-11-15"))
    );
    assert_eq!((info.hits, info.first_hit_ms), (0, None), "reports are not traffic");
}

#[test]
fn deleting_a_report_file_removes_its_reported_sessions_only() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let ua = import(&mut project, &fixture("ua_source_medium.csv")).unwrap();
    import(&mut project, &fixture("plausible_visitors.csv")).unwrap();
    let deleted = project.delete_file(ua.file_id).unwrap();
    assert_eq!((deleted.kind.as_str(), deleted.rows_removed, deleted.rejects_removed), ("report", 4, 0));
    let left = project.reported_sessions().unwrap();
    assert_eq!(left.len(), 7);
    assert!(left.iter().all(|r| r.platform == "plausible"), "{left:?}");
}

#[test]
fn a_version_3_project_migrates_keeping_its_ad_rows_and_takes_reports() {
    let scratch = Scratch::default();
    let copy = scratch.path("v3.sessionlens");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/projects/v3.sessionlens"), &copy).unwrap();
    // An ad file as a version 3 build stored it, with a reject: the rebuild of source_file must
    // neither cascade-delete its rows nor lose their link, and fills in its days.
    let conn = Connection::open(&copy).unwrap();
    conn.execute_batch(
        "INSERT INTO source_file (id, name, path, size, content_hash, format, kind, encoding, ip_policy,
                                  rows_imported, rows_rejected, imported_at)
         VALUES (7, 'ads.csv', '/ads.csv', 10, 'h', 'google-ads-report', 'ads', 'UTF-8', 'truncate', 2, 1, 'x');
         INSERT INTO ad_stat (file_id, platform, account, campaign_id, campaign, ad_group, date, device,
                              impressions, clicks, cost_micros, currency)
         VALUES (7, 'google_ads', 'a', '1', 'Spring Sale', '', '2024-03-02', '', 10, 3, 0, 'EUR'),
                (7, 'google_ads', 'a', '1', 'Spring Sale', '', '2024-03-01', '', 12, 4, 0, 'EUR');
         INSERT INTO reject (file_id, line, raw, reason) VALUES (7, 4, 'x', 'bad');",
    )
    .unwrap();
    drop(conn);

    let mut project = Project::open(&copy).unwrap();
    let info = project.info().unwrap();
    assert_eq!((info.hits, info.ad_stat_rows, info.rejects), (3, 2, 2));
    let ads = info.files.iter().find(|f| f.kind == "ads").unwrap();
    assert_eq!((ads.first_date.as_deref(), ads.last_date.as_deref()), (Some("2024-03-01"), Some("2024-03-02")));
    assert_eq!(info.files.iter().find(|f| f.kind == "traffic").unwrap().first_date, None);

    let report = import(&mut project, &fixture("ga4_traffic_acquisition_session_campaign.csv")).unwrap();
    assert_eq!(project.reported_sessions().unwrap().len(), 6);
    // The ad rows and the reject still belong to their file.
    let deleted = project.delete_file(7).unwrap();
    assert_eq!((deleted.rows_removed, deleted.rejects_removed), (2, 1));
    project.delete_file(report.file_id).unwrap();
    assert!(project.reported_sessions().unwrap().is_empty());
    assert_eq!(project.info().unwrap().rejects, 1, "the traffic file's reject stays");
}
