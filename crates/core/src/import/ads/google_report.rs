//! Google Ads reports downloaded from the web interface: "CSV" (UTF-8, comma-separated) and
//! "CSV for Excel"/TSV (UTF-16LE, tab-separated). Report-title lines (`Campaign report`,
//! `1 March 2024 - 31 March 2024`) sit above the header and `Total: ...` rows below the data;
//! neither is a row. Figures are as displayed: `1,234`, `€1,204.50`, `1.033,90 €`, `--` for none.
//! A report segmented by day (a `Day` or `Date` column) gives daily rows; without one (the
//! default download) each row is the campaign's total over the date-range line's period.

use super::{read_export, Col, ColumnTable, FoundHeader, RowKind, Shape};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::{platform, Kind};

pub struct GoogleAdsReport;

const SHAPE: Shape = Shape {
    platform: platform::GOOGLE,
    columns: COLUMNS,
    rows: RowKind::Stats,
    expects: "a 'Clicks' column and a 'Campaign' or 'Day' column",
    nameless_rows_are_summaries: false,
};

const COLUMNS: ColumnTable = &[
    (Col::AccountId, &["customerid"]),
    (Col::AccountName, &["account", "accountname"]),
    (Col::CampaignId, &["campaignid"]),
    (Col::Campaign, &["campaign", "campaignname"]),
    (Col::AdGroupId, &["adgroupid"]),
    (Col::AdGroup, &["adgroup", "adgroupname"]),
    (Col::Date, &["day", "date"]),
    (Col::Device, &["device"]),
    (Col::Impressions, &["impr", "impressions"]),
    (Col::Clicks, &["clicks"]),
    (Col::Cost, &["cost"]),
    (Col::Currency, &["currencycode", "currency"]),
];

/// Header names only Google's interface writes.
const GOOGLE_MARKERS: &[&str] = &["impr", "currencycode", "customerid", "avgcpc", "interactions"];

impl Format for GoogleAdsReport {
    fn id(&self) -> &'static str {
        "google-ads-report"
    }

    fn name(&self) -> &'static str {
        "Google Ads report"
    }

    fn description(&self) -> &'static str {
        "Google Ads report downloaded from the web interface (CSV or CSV for Excel)"
    }

    fn kind(&self) -> Kind {
        Kind::Ads
    }

    fn sniff(&self, head: &Head) -> u8 {
        let Some(found) = FoundHeader::in_head(head, &SHAPE) else {
            return 0;
        };
        let columns = &found.columns;
        if !(columns.has(Col::Cost) && columns.has_identity()) {
            return 0;
        }
        if !found.preamble.is_empty() || found.has_name(GOOGLE_MARKERS) {
            75
        } else {
            55
        }
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        read_export(&SHAPE, input, ctx, sink)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{detected, detected_text, own_fixture, read_bytes, read_path};
    use super::*;
    use chrono::NaiveDate;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, d).unwrap()
    }

    #[test]
    fn utf8_csv_with_title_lines_totals_thousands_and_currency() {
        let sink = read_path(&GoogleAdsReport, &own_fixture("google_ads_campaign_report.csv")).unwrap();
        assert_eq!(sink.ad_stats.len(), 5, "Total rows are not rows");
        let first = &sink.ad_stats[0];
        assert_eq!(
            (first.platform.as_str(), first.campaign.as_str(), first.campaign_id.as_str()),
            ("google_ads", "Spring Sale - Search", "20547336021")
        );
        assert_eq!((first.date, first.device.as_str(), first.currency.as_str()), (day(1), "mobile", "EUR"));
        assert_eq!((first.impressions, first.clicks, first.cost_micros), (1204, 87, 61_350_000));
        let brand = &sink.ad_stats[4];
        assert_eq!((brand.impressions, brand.clicks, brand.cost_micros), (12_875, 1031, 1_204_500_000));
        let empty = &sink.ad_stats[3];
        assert_eq!((empty.impressions, empty.clicks, empty.cost_micros), (512, 0, 0), "'--' is none");
        let total_clicks: i64 = sink.ad_stats.iter().map(|s| s.clicks).sum();
        assert_eq!(total_clicks, 1263, "equals the file's own Total row");
    }

    #[test]
    fn the_default_download_without_days_holds_period_totals_in_csv_and_utf16_tsv() {
        let nov = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        for name in ["google_ads_campaign_report_period.csv", "google_ads_campaign_report_period_excel.tsv"] {
            let path = own_fixture(name);
            assert_eq!(detected(&path), "google-ads-report", "{name}");
            let sink = read_path(&GoogleAdsReport, &path).unwrap();
            assert!(sink.rejects.is_empty(), "Total rows are neither rows nor rejects: {:?}", sink.rejects);
            let rows: Vec<_> = sink
                .ad_stats
                .iter()
                .map(|s| (s.campaign.as_str(), s.date, s.last_date, s.clicks, s.cost_micros, s.currency.as_str()))
                .collect();
            assert_eq!(
                rows,
                [
                    ("Brand - Exact", nov(1), nov(7), 567, 351_540_000, "USD"),
                    ("Spring Sale - Search", nov(1), nov(7), 912, 829_920_000, "USD"),
                    ("Retargeting - Display", nov(1), nov(7), 88, 30_800_000, "USD"),
                ],
                "{name}"
            );
        }
    }

    #[test]
    fn a_report_without_days_or_a_date_range_line_is_refused_with_what_to_do() {
        let text = "Campaign,Currency code,Impr.,Clicks,Cost\nBrand,USD,10,2,1.00\n";
        let err = read_bytes(&GoogleAdsReport, text.as_bytes()).unwrap_err().to_string();
        assert!(err.contains("no day column and no date-range line"), "{err}");
        assert!(err.contains("add the Day segment"), "{err}");
    }

    #[test]
    fn bad_rows_are_rejected_with_line_and_reason() {
        let sink = read_path(&GoogleAdsReport, &own_fixture("google_ads_campaign_report.csv")).unwrap();
        let rejects: Vec<_> = sink.rejects.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(rejects, [(9, "the day '03/02/2024x' is not a date"), (10, "clicks 'many' is not a whole number")]);
        assert!(sink.rejects[1].raw.starts_with("Brand - Exact,20547336188,2024-03-02"));
    }

    #[test]
    fn utf16le_tsv_for_excel_with_bom_and_german_figures() {
        let path = own_fixture("google_ads_ad_group_report_excel.tsv");
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes[..2], [0xFF, 0xFE], "the fixture is UTF-16LE with a BOM");
        let sink = read_path(&GoogleAdsReport, &path).unwrap();
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        assert_eq!(sink.ad_stats.len(), 3);
        let [a, b, c] = [&sink.ad_stats[0], &sink.ad_stats[1], &sink.ad_stats[2]];
        assert_eq!((a.account.as_str(), a.ad_group.as_str()), ("123-456-7890", "Kaffeemaschinen"));
        assert_eq!(a.campaign, "Sommerschlussverkauf");
        assert_eq!(a.campaign_id, "", "no Campaign ID column");
        assert_eq!((a.date, a.impressions, a.clicks, a.cost_micros), (day(1), 2341, 58, 47_120_000));
        assert_eq!((b.date, b.impressions, b.cost_micros, b.device.as_str()), (day(2), 1877, 1_033_900_000, "desktop"));
        assert_eq!((c.ad_group.as_str(), c.impressions, c.device.as_str()), ("Mühlen", 0, "tablet"));
        assert_eq!(detected(&path), "google-ads-report");
    }

    #[test]
    fn sniffing_tells_a_google_report_from_traffic_and_other_ad_exports() {
        let path = own_fixture("google_ads_campaign_report.csv");
        assert_eq!(detected(&path), "google-ads-report");
        assert_eq!(
            GoogleAdsReport.sniff(&Head::from_text("x.csv", "Campaign,Day,Clicks,Cost\nA,2024-03-01,1,2\n")),
            55
        );
        assert_eq!(GoogleAdsReport.sniff(&Head::from_text("x.csv", "timestamp,url,campaign\n")), 0);
        assert_eq!(detected_text("timestamp,client_id,url\n2024-03-01T10:00:00Z,1,/a\n"), "csv");
    }
}
