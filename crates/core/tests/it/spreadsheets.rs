//! Spreadsheets import exactly as their CSV form: each ad fixture, and a Google Ads report in
//! its "CSV for Excel" form (UTF-16 TSV), written again as an .xlsx from the same cells (plain
//! numbers as number cells, ISO days as date cells), gives the same rows, rejects (by line and
//! reason) and time zone; traffic keeps text identifiers exact and reads date cells, in the import preview too; a workbook
//! without a table or cut short is one clear error naming the file.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter as xw;
use sessionlens_core::import::{preview, ImportOptions, MemorySink};

use crate::{import, Scratch};

fn ad_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ads").join(name)
}

/// The cells of a delimited file by line, as its own format's reader would split them.
fn cells_of(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let (text, delimiter) = match bytes.strip_prefix(b"\xFF\xFE") {
        Some(utf16) => (encoding_rs::UTF_16LE.decode_without_bom_handling(utf16).0.into_owned(), b'\t'),
        None => (String::from_utf8(bytes).unwrap(), b','),
    };
    let mut rows = Vec::new();
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    for record in reader.records() {
        let record = record.unwrap();
        // A blank line is a blank row, so rows keep their line numbers.
        rows.resize(record.position().unwrap().line() as usize - 1, Vec::new());
        rows.push(record.iter().map(String::from).collect());
    }
    rows
}

/// `rows` as an .xlsx on its first sheet, the way a spreadsheet holds them: a plain number as a
/// number cell, an ISO day as a date cell, anything else as text. Blank lines stay blank rows.
fn write_xlsx(path: &Path, rows: &[Vec<String>]) {
    let mut book = xw::Workbook::new();
    let sheet = book.add_worksheet();
    let day_format = xw::Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if let Some(number) = cell.parse::<f64>().ok().filter(|n| n.to_string() == *cell) {
                sheet.write_number(r, c, number).unwrap();
            } else if let Ok(day) = NaiveDate::parse_from_str(cell, "%Y-%m-%d") {
                let day = xw::ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8).unwrap();
                sheet.write_datetime_with_format(r, c, &day, &day_format).unwrap();
            } else if !cell.is_empty() {
                sheet.write_string(r, c, cell).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

/// What an import gives, rejects by line and reason (their raw text keeps the separator).
fn read(path: &Path) -> (MemorySink, Vec<(u64, String)>) {
    let sink = MemorySink::read(path, &ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let rejects = sink.rejects.iter().map(|r| (r.line, r.reason.clone())).collect();
    (sink, rejects)
}

fn assert_same_import(text_file: &Path, workbook: &Path) {
    let (text, text_rejects) = read(text_file);
    let (sheet, sheet_rejects) = read(workbook);
    assert!(!text.ad_stats.is_empty() || !text.ad_clicks.is_empty(), "{}: no rows", text_file.display());
    assert_eq!(sheet.ad_stats, text.ad_stats, "{}", text_file.display());
    assert_eq!(sheet.ad_clicks, text.ad_clicks, "{}", text_file.display());
    assert_eq!(sheet_rejects, text_rejects, "{}", text_file.display());
    assert_eq!(sheet.time_zone, text.time_zone, "{}", text_file.display());
}

#[test]
fn every_ad_fixture_imports_the_same_from_an_xlsx_of_its_cells() {
    let scratch = Scratch::default();
    for name in [
        "google_ads_campaign_report.csv",
        "google_ads_ad_group_report_excel.tsv",
        "google_ads_click_performance.csv",
        "meta_ads_manager_export.csv",
        "microsoft_ads_campaign_report.csv",
        // Reports without a Day column: totals over their period.
        "google_ads_campaign_report_period.csv",
        "google_ads_campaign_report_period_excel.tsv",
        "microsoft_ads_campaign_summary.csv",
        "meta_ads_manager_period.csv",
    ] {
        let workbook = scratch.path(&format!("{name}.xlsx"));
        write_xlsx(&workbook, &cells_of(&ad_fixture(name)));
        assert_same_import(&ad_fixture(name), &workbook);
    }
}

#[test]
fn a_microsoft_report_states_its_time_zone_from_the_sheet_too() {
    let scratch = Scratch::default();
    let workbook = scratch.path("microsoft.xlsx");
    write_xlsx(&workbook, &cells_of(&ad_fixture("microsoft_ads_campaign_report.csv")));
    let (sink, rejects) = read(&workbook);
    assert_eq!(sink.time_zone, Some(chrono_tz::America::New_York));
    assert_eq!(sink.ad_stats.len(), 3, "the Total row and the copyright line are not rows");
    assert_eq!(rejects.iter().map(|r| r.0).collect::<Vec<_>>(), [15], "the sheet's row number");
}

#[test]
fn a_google_ads_campaign_report_reads_the_same_as_xlsx_and_as_utf16_tsv() {
    let rows: Vec<Vec<String>> = [
        vec!["Campaign report"],
        vec!["November 1, 2026 - November 7, 2026"],
        vec!["Day", "Campaign", "Campaign state", "Clicks", "Impr.", "Currency code", "Cost", "Avg. CPC"],
        vec!["2026-11-01", "Winter Sale - Search", "Enabled", "87", "1204", "EUR", "61.35", "0.71"],
        vec!["2026-11-02", "Winter Sale - Search", "Enabled", "142", "3310", "EUR", "118.02", "0.83"],
        vec!["2026-11-07", "Brand \"Exact\"", "Paused", "0", "512", "EUR", "0", "0"],
        vec!["Total: Campaigns", "", "", "229", "5026", "EUR", "179.37", "0.78"],
    ]
    .iter()
    .map(|row| row.iter().map(|c| c.to_string()).collect())
    .collect();
    let scratch = Scratch::default();
    let tsv: String =
        rows.iter().map(|row| row.iter().map(|c| quoted(c)).collect::<Vec<_>>().join("\t") + "\r\n").collect();
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(tsv.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let text_file = scratch.write("campaign_report.csv", utf16);
    let workbook = scratch.path("campaign_report.xlsx");
    write_xlsx(&workbook, &rows);
    assert_same_import(&text_file, &workbook);
    let (sink, rejects) = read(&workbook);
    assert_eq!(rejects, []);
    let days: Vec<String> = sink.ad_stats.iter().map(|s| s.date.to_string()).collect();
    assert_eq!(days, ["2026-11-01", "2026-11-02", "2026-11-07"]);
    assert_eq!(sink.ad_stats[2].campaign, "Brand \"Exact\"");
    assert_eq!((sink.ad_stats[0].clicks, sink.ad_stats[0].cost_micros), (87, 61_350_000));
}

fn quoted(cell: &str) -> String {
    if cell.contains(['"', '\t']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

#[test]
fn a_traffic_table_keeps_text_ids_and_reads_numbers_and_date_cells() {
    let scratch = Scratch::default();
    let path = scratch.path("traffic.xlsx");
    let mut book = xw::Workbook::new();
    book.add_worksheet().set_name("Notes").unwrap();
    let sheet = book.add_worksheet();
    let stamp = xw::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (c, name) in ["timestamp", "client_id", "user_id", "url"].into_iter().enumerate() {
        sheet.write_string(0, c as u16, name).unwrap();
    }
    for (r, minute) in [(1, 0), (2, 5)] {
        let when = xw::ExcelDateTime::from_ymd(2026, 11, 1).unwrap().and_hms(10, minute, 0).unwrap();
        sheet.write_datetime_with_format(r, 0, &when, &stamp).unwrap();
        sheet.write_string(r, 1, "1443685882.1682380031").unwrap();
        sheet.write_number(r, 2, 12345.0).unwrap();
        sheet.write_string(r, 3, "https://shop.example/?utm_source=newsletter").unwrap();
    }
    book.save(&path).unwrap();

    let (sink, rejects) = read(&path);
    assert_eq!(rejects, []);
    let ids: Vec<(&str, &str)> = sink.hits.iter().map(|h| (h.client_id.as_str(), h.user_id.as_str())).collect();
    assert_eq!(ids, [("1443685882.1682380031", "12345"); 2]);
    let first = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap().and_hms_opt(10, 0, 0).unwrap().and_utc();
    assert_eq!(sink.hits[0].ts_ms, first.timestamp_millis());
    assert_eq!(sink.hits[1].ts_ms - sink.hits[0].ts_ms, 5 * 60 * 1000);

    let preview = preview(&path, &ImportOptions::default(), 10).unwrap();
    assert_eq!((preview.detected.compression, preview.hits.len()), (Some("xlsx"), 2));
    assert_eq!(preview.headers, ["timestamp", "client_id", "user_id", "url"]);

    let mut project = scratch.project();
    let report = import(&mut project, &path).unwrap();
    assert_eq!((report.format, report.rows_imported), ("csv", 2));
    assert_eq!((report.encoding, report.compression), ("UTF-8", Some("xlsx")));
}

#[test]
fn workbooks_without_a_table_or_cut_short_are_one_clear_error() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let empty = scratch.path("empty.xlsx");
    let mut book = xw::Workbook::new();
    book.add_worksheet();
    book.add_worksheet();
    book.save(&empty).unwrap();
    let err = import(&mut project, &empty).unwrap_err().to_string();
    assert!(err.contains("empty.xlsx") && err.contains("the workbook holds no table: every sheet is empty"), "{err}");

    let whole = scratch.path("whole.xlsx");
    write_xlsx(&whole, &cells_of(&ad_fixture("meta_ads_manager_export.csv")));
    let bytes = std::fs::read(&whole).unwrap();
    let truncated = scratch.write("truncated.xlsx", &bytes[..bytes.len() - 100]);
    let err = import(&mut project, &truncated).unwrap_err().to_string();
    assert!(err.contains("truncated.xlsx") && err.contains("cannot be read; is it truncated?"), "{err}");
    assert!(project.info().unwrap().files.is_empty());
}

/// The two files a marketer has on a Monday: the Google Ads campaign report over a week as
/// .xlsx (no Day column) and GA4's Traffic acquisition download by session campaign. Per
/// campaign: clicks against GA4's sessions with a verdict; a name GA4 spells differently is a
/// mapping to make, and once made the campaign compares.
#[test]
fn a_google_ads_week_as_xlsx_and_a_ga4_traffic_acquisition_csv_give_verdicts_per_campaign() {
    use sessionlens_core::discrepancy::{discrepancy, Breakdown, CauseKind, DiscrepancyOptions};
    use sessionlens_core::sessionize::{sessionize, RuleSet};
    use sessionlens_core::store::ads::CampaignMapping;

    let scratch = Scratch::default();
    let workbook = scratch.path("campaigns.xlsx");
    write_xlsx(&workbook, &cells_of(&ad_fixture("google_ads_campaign_report_period.csv")));
    let ga4 = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/reports/ga4_traffic_acquisition_session_campaign.csv");
    let mut project = scratch.project();
    import(&mut project, &workbook).unwrap();
    import(&mut project, &ga4).unwrap();
    let report = |project: &sessionlens_core::Project| {
        let table = project.load_hits().unwrap();
        let sessions = sessionize(&table, &RuleSet::default()).unwrap();
        let options = DiscrepancyOptions { by: Breakdown::CampaignDay, ..Default::default() };
        discrepancy(&table, &sessions, &project.load_ads().unwrap(), &options).unwrap()
    };

    let r = report(&project);
    let row = |name: &str| r.rows.iter().find(|x| x.campaign.as_deref() == Some(name)).unwrap();
    let brand = row("Brand - Exact");
    assert_eq!((brand.date, brand.clicks, brand.sessions, brand.flagged), (None, 567, 1263, true));
    assert_eq!(brand.causes[0].kind, CauseKind::NotSeparable);
    let campaign = r.campaigns.iter().find(|c| c.campaign == "Brand - Exact").unwrap();
    assert!(
        campaign
            .verdict
            .starts_with("Brand - Exact: 567 clicks → 1,263 GA4 sessions (223 per 100), above the usual 80–120."),
        "{}",
        campaign.verdict
    );
    let spring = row("Spring Sale - Search");
    assert_eq!((spring.clicks, spring.sessions), (912, 0));
    assert_eq!((spring.causes[0].kind, spring.causes[0].count), (CauseKind::NameMismatch, -912));
    assert!(spring.causes[0].action.contains("utm_campaign 'Spring Sale'"), "{}", spring.causes[0].action);
    let placeholders: Vec<&str> = r.unmatched_utm.iter().map(|u| u.utm_campaign.as_str()).collect();
    assert_eq!(placeholders, ["Spring Sale"], "(organic), (direct), (referral), (not set) are not campaigns");
    assert!(r.verdict.starts_with("All campaigns: 1,567 clicks → 1,263 GA4 sessions"), "{}", r.verdict);

    let mapping = CampaignMapping {
        platform: "google_ads".into(),
        ad_campaign: "Spring Sale - Search".into(),
        utm_campaign: "Spring Sale".into(),
    };
    project.add_campaign_mapping(&mapping).unwrap();
    let r = report(&project);
    let spring = r.rows.iter().find(|x| x.campaign.as_deref() == Some("Spring Sale - Search")).unwrap();
    assert_eq!((spring.clicks, spring.sessions, spring.flagged), (912, 1031, false));
}

/// Every platform's CSV download, saved again as UTF-16 tab-separated text with a BOM (what
/// "CSV for Excel" and Excel's "Unicode text" write), imports the same rows, rejects and time zone.
#[test]
fn every_ad_csv_imports_the_same_as_utf16_tsv() {
    let scratch = Scratch::default();
    for name in [
        "google_ads_campaign_report.csv",
        "google_ads_campaign_report_period.csv",
        "microsoft_ads_campaign_report.csv",
        "microsoft_ads_campaign_summary.csv",
        "meta_ads_manager_export.csv",
        "meta_ads_manager_period.csv",
    ] {
        let lines: Vec<String> = cells_of(&ad_fixture(name))
            .iter()
            .map(|row| row.iter().map(|c| quoted(c)).collect::<Vec<_>>().join("\t"))
            .collect();
        let mut bytes = vec![0xFF, 0xFE];
        for unit in format!("{}\r\n", lines.join("\r\n")).encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let tsv = scratch.write(&format!("{name}.tsv"), bytes);
        assert_same_import(&ad_fixture(name), &tsv);
    }
}
