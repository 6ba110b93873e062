//! Renders the sample report to PDF and reads it back with poppler (pdfinfo, pdftotext; installed by
//! scripts/setup.sh): page count and size, the figures and names that must appear, hostile text printed literally.

mod sample;

use std::io::Write;
use std::process::{Command, Stdio};

use sample::{options, sample, HOSTILE};
use sessionlens_report::*;

/// Runs a poppler tool on `pdf` (written to a temp file) and returns its stdout.
fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let dir = std::env::temp_dir().join(format!("sessionlens-report-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{tool}-{}.pdf", pdf.len()));
    std::fs::File::create(&path).unwrap().write_all(pdf).unwrap();
    let output = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" { &["-"][..] } else { &[][..] })
        // poppler warns about the tagged-PDF /Suspects flag typst writes; that is noise, not a failure.
        .stderr(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) is needed for this test: {e}"));
    assert!(output.status.success(), "{tool} failed on the PDF");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn info(pdf: &[u8], field: &str) -> String {
    poppler("pdfinfo", pdf, &[])
        .lines()
        .find_map(|l| l.strip_prefix(field).map(|v| v.trim_start_matches(':').trim().to_string()))
        .unwrap_or_else(|| panic!("pdfinfo has no {field}"))
}

/// pdftotext output with line breaks and runs of spaces collapsed, so wrapped cells still match.
fn text(pdf: &[u8]) -> String {
    poppler("pdftotext", pdf, &[]).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn sample_report_has_its_pages_figures_and_hostile_name_as_text() {
    let pdf = render_pdf(&sample(0), &options(Paper::A4)).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(info(&pdf, "Pages"), "6");
    assert!(info(&pdf, "Page size").contains("(A4)"));
    assert_eq!(info(&pdf, "Title"), "Paid traffic review, March 2024");
    let text = text(&pdf);
    for expected in [
        "Paid traffic review, March 2024",
        "Nordlicht Outdoor GmbH",
        "1 March 2024 – 31 March 2024 (Europe/Berlin)",
        "2 April 2024",
        // KPI tiles: values, previous values, changes.
        "19,193",
        "12,480",
        "84.0 %",
        "Previous period: 18,402",
        "▲ 4.3 %",
        // The client-facing parts: who prepared it, the answer first, the preparer's findings line by line.
        "Northwind Marketing",
        "IN SHORT",
        "(84 per 100)",
        "Findings and next steps",
        "Keep the redirect on /promo as it is. - it keeps the query string",
        "Check again in April.",
        "▼ 3.3 %",
        // Campaign table and the flag.
        "Brand – DE",
        "3,904",
        "Sessions below 80 % of clicks",
        // Appendix.
        "412,380",
        "< 0.1 %",
        "America/Los_Angeles, converted to Europe/Berlin",
        "Page 6 of 6",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from the PDF text:\n{text}");
    }
    // The hostile campaign name prints exactly as written (it may wrap inside its cell, hence no spaces).
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let hostile: String = HOSTILE.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(squeezed.contains(&hostile), "hostile name not printed literally:\n{text}");
}

#[test]
fn sections_left_out_are_not_printed() {
    let mut data = sample(0);
    data.sections = Sections { traffic: false, discrepancy: false, methodology: true };
    let pdf = render_pdf(&data, &options(Paper::A4)).unwrap();
    let text = text(&pdf);
    assert!(text.contains("Executive summary") && text.contains("Methodology"), "{text}");
    assert!(!text.contains("Why clicks and sessions differ") && !text.contains("Traffic in detail"), "{text}");
    assert!(!text.contains("No previous data"), "the sample has a previous period");
    assert!(info(&pdf, "Pages").parse::<u32>().unwrap() < 6);
    data.sections = Sections { traffic: false, discrepancy: false, methodology: false };
    data.agency = None;
    data.findings = None;
    data.has_previous = false;
    for kpi in &mut data.kpis {
        kpi.previous = None;
    }
    let text = self::text(&render_pdf(&data, &options(Paper::A4)).unwrap());
    assert!(text.contains("No previous data: the period before"), "{text}");
    assert!(!text.contains("Methodology") && !text.contains("Prepared by") && !text.contains("Findings"), "{text}");
}

#[test]
fn long_tables_continue_with_their_header_repeated() {
    let pdf = render_pdf(&sample(500), &options(Paper::A4)).unwrap();
    let pages: usize = info(&pdf, "Pages").parse().unwrap();
    assert!(pages >= 16, "500 table rows should take many pages, got {pages}");
    let text = text(&pdf);
    assert!(text.contains("/products/category-6/item-499"));
    // The landing-page header appears on every page the table spans, not just the first.
    let headers = text.matches("Landing page Sessions Bounce rate Avg. duration").count();
    assert!(headers >= pages - 6, "header repeated {headers} times over {pages} pages");
}

#[test]
fn letter_and_a4_differ_in_page_size() {
    let a4 = render_pdf(&sample(0), &options(Paper::A4)).unwrap();
    let letter = render_pdf(&sample(0), &options(Paper::Letter)).unwrap();
    assert!(info(&a4, "Page size").starts_with("595.276 x 841.89"));
    assert!(info(&letter, "Page size").starts_with("612 x 792"));
}

#[test]
fn logo_and_title_override_are_used() {
    let logo_svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40" rx="6" fill="#2f5d8a"/></svg>"##;
    let png = sessionlens_charts::svg_to_png(logo_svg, 240).unwrap();
    for logo in [png, logo_svg.as_bytes().to_vec()] {
        let options = Options { logo: Some(logo), title: Some("Q1 <review> #1".into()), ..options(Paper::A4) };
        let pdf = render_pdf(&sample(0), &options).unwrap();
        assert_eq!(info(&pdf, "Title"), "Q1 <review> #1");
        assert!(text(&pdf).contains("Q1 <review> #1 · Nordlicht Outdoor GmbH"));
    }
    let bad = Options { logo: Some(b"GIF89a....".to_vec()), ..options(Paper::A4) };
    assert!(matches!(render_pdf(&sample(0), &bad), Err(ReportError::Logo)));
}

#[test]
fn empty_and_odd_data_still_render() {
    let mut data = sample(0);
    data.kpis.clear();
    data.breakdowns.clear();
    data.tables =
        vec![Table { title: "Nothing".into(), columns: vec![], rows: vec![vec!["x".into()]], numeric: vec![] }];
    data.time_series.days.clear();
    data.discrepancy.campaigns.clear();
    data.discrepancy.control.points.clear();
    data.discrepancy.waterfall.steps.clear();
    data.discrepancy.waterfall.start_value = 0.0;
    data.discrepancy.summary = String::new();
    data.methodology = Methodology { rules: vec![], time_zones: vec![], bot_filtering: String::new(), sources: vec![] };
    data.rule_set.rules.clear();
    data.period.start = "not a date".into();
    data.client = "\\ `raw` ]) } = <= #{".into();
    let pdf = render_pdf(&data, &options(Paper::Letter)).unwrap();
    let text = text(&pdf);
    assert!(text.contains("No data for this period"));
    assert!(text.contains("No rows for this period."));
    assert!(text.contains("not a date"));
    assert!(text.contains("`raw` ]) } = <= #{"), "{text}");
}

#[test]
fn an_impossible_date_is_an_error_not_a_panic() {
    let options = Options { today: ReportDate { year: 2024, month: 2, day: 30 }, ..options(Paper::A4) };
    assert!(matches!(render_pdf(&sample(0), &options), Err(ReportError::Date(_))));
}

#[test]
fn report_data_round_trips_through_camel_case_json() {
    let data = sample(3);
    let json = serde_json::to_string(&data).unwrap();
    assert!(json.contains("\"timeSeries\"") && json.contains("\"changePct\"") && json.contains("\"botFiltering\""));
    let mut back: ReportData = serde_json::from_str(&json).unwrap();
    // JSON may move a computed ratio by one unit in the last place; everything else comes back exactly.
    for (got, sent) in back.discrepancy.control.points.iter_mut().zip(&data.discrepancy.control.points) {
        assert!((got.ratio_pct - sent.ratio_pct).abs() < 1e-9);
        got.ratio_pct = sent.ratio_pct;
    }
    assert_eq!(back, data);
}
