//! Microsoft Advertising (Bing Ads) performance reports, in both shapes:
//! - the web interface's download: `"Report Name: ..."`, `"Report Time: ..."`,
//!   `"Time Zone: (GMT-05:00) Eastern Time (US & Canada)"` and more lines above the header, a
//!   `Total` row and a `©... Microsoft Corporation` line below the data;
//! - API-shaped tables (the Reporting API, Fivetran's `campaign_performance_daily_report`):
//!   `date`/`TimePeriod`, `account_id`, `campaign_id`, `device_type`, `clicks`, `impressions`,
//!   `spend`, `currency_code`.
//!
//! One synonym table covers both, since they differ only in spelling. The stated time zone is
//! the account's; it goes to [`Sink::file_time_zone`]. Campaign ids stand in for names only when
//! the file has no name column. Network, match type and device OS have no place in a row, so
//! rows split by them stay separate rows.

use super::{read_export, Col, ColumnTable, FoundHeader, RowKind, Shape};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::{platform, Kind};

pub struct MicrosoftAds;

const SHAPE: Shape = Shape {
    platform: platform::MICROSOFT,
    columns: COLUMNS,
    rows: RowKind::Stats,
    expects: "a date ('Gregorian date', 'TimePeriod' or 'date') and a 'Clicks' column (a daily report)",
    nameless_rows_are_summaries: false,
};

const COLUMNS: ColumnTable = &[
    (Col::AccountId, &["accountid", "accountnumber"]),
    (Col::AccountName, &["accountname", "account"]),
    (Col::CampaignId, &["campaignid"]),
    (Col::Campaign, &["campaignname", "campaign"]),
    (Col::AdGroupId, &["adgroupid"]),
    (Col::AdGroup, &["adgroupname", "adgroup"]),
    (Col::Date, &["gregoriandate", "timeperiod", "date", "day"]),
    (Col::Device, &["devicetype", "device"]),
    (Col::Impressions, &["impressions", "impr"]),
    (Col::Clicks, &["clicks"]),
    (Col::Cost, &["spend"]),
    (Col::Currency, &["currencycode", "currency"]),
];

/// Header names only Microsoft writes.
const MICROSOFT_MARKERS: &[&str] = &[
    "accountnumber",
    "gregoriandate",
    "timeperiod",
    "deviceos",
    "bidmatchtype",
    "deliveredmatchtype",
    "topvsother",
    "addistribution",
    "budgetassociationstatus",
];
/// Header names that make a file Meta's: they share `spend`, `clicks` and `impressions`.
const META_MARKERS: &[&str] =
    &["adsetid", "adsetname", "adset", "reach", "frequency", "inlinelinkclicks", "linkclicks", "amountspent"];

impl Format for MicrosoftAds {
    fn id(&self) -> &'static str {
        "microsoft-ads"
    }

    fn name(&self) -> &'static str {
        "Microsoft Advertising report"
    }

    fn description(&self) -> &'static str {
        "Microsoft Advertising performance report (web download or API-shaped)"
    }

    fn kind(&self) -> Kind {
        Kind::Ads
    }

    fn sniff(&self, head: &Head) -> u8 {
        let Some(found) = FoundHeader::in_head(head, &SHAPE) else {
            return 0;
        };
        let columns = &found.columns;
        if !(columns.has(Col::Cost) && columns.has_identity()) || found.has_name(META_MARKERS) {
            return 0;
        }
        if found.preamble_starts_with(&["report name:", "time zone:"]) || found.has_name(MICROSOFT_MARKERS) {
            80
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
    use super::super::test_support::{detected, own_fixture, read_path, shared_fixture};
    use super::*;
    use chrono::NaiveDate;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_summary_report_holds_totals_over_its_report_time() {
        let path = own_fixture("microsoft_ads_campaign_summary.csv");
        assert_eq!(detected(&path), "microsoft-ads");
        let sink = read_path(&MicrosoftAds, &path).unwrap();
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        assert_eq!(sink.time_zone.map(|tz| tz.name()), Some("America/New_York"));
        let rows: Vec<_> = sink.ad_stats.iter().map(|s| (s.campaign.as_str(), s.date, s.last_date, s.clicks)).collect();
        let (first, last) = (date(2026, 11, 1), date(2026, 11, 7));
        assert_eq!(rows, [("Brand - Exact", first, last, 214), ("Spring Sale - Search", first, last, 301)]);
    }

    #[test]
    fn web_download_with_preamble_time_zone_total_and_copyright_footer() {
        let path = own_fixture("microsoft_ads_campaign_report.csv");
        let sink = read_path(&MicrosoftAds, &path).unwrap();
        assert_eq!(sink.time_zone, Some(chrono_tz::America::New_York), "from the Time Zone line");
        assert_eq!(sink.ad_stats.len(), 3, "the Total row and the copyright line are not rows");
        let first = &sink.ad_stats[0];
        assert_eq!(
            (first.platform.as_str(), first.account.as_str(), first.campaign.as_str(), first.campaign_id.as_str()),
            ("microsoft_ads", "F118X7K2", "Spring Sale - Search", "412345678")
        );
        assert_eq!((first.date, first.device.as_str()), (date(2024, 3, 1), "desktop"));
        assert_eq!((first.impressions, first.clicks, first.cost_micros), (2140, 67, 84_210_000));
        assert_eq!(first.currency, "USD");
        assert_eq!(sink.ad_stats[2].date, date(2024, 3, 13), "month-first, as 3/13 shows");
        assert_eq!(sink.rejects.len(), 1);
        assert_eq!(
            (sink.rejects[0].line, sink.rejects[0].reason.as_str()),
            (15, "clicks 'n/a clicks' is not a whole number")
        );
        assert_eq!(detected(&path), "microsoft-ads");
    }

    #[test]
    fn fivetran_daily_campaign_performance_every_row() {
        let path = shared_fixture("microsoft_ads_campaign_performance_daily.csv");
        let sink = read_path(&MicrosoftAds, &path).unwrap();
        assert!(sink.rejects.is_empty(), "{:?}", &sink.rejects[..sink.rejects.len().min(3)]);
        assert_eq!(sink.ad_stats.len(), 2630, "every data row (the file has 2,631 lines with its header)");
        assert_eq!(sink.time_zone, None, "the file states no zone");
        let first = &sink.ad_stats[0];
        assert_eq!(
            (first.account.as_str(), first.campaign_id.as_str(), first.campaign.as_str()),
            ("150175881", "359751135", "359751135")
        );
        assert_eq!((first.date, first.device.as_str(), first.currency.as_str()), (date(2019, 5, 22), "", "USD"));
        let last = &sink.ad_stats[2629];
        assert_eq!((last.date, last.device.as_str()), (date(2018, 10, 9), "desktop"));
        assert_eq!((last.clicks, last.impressions, last.cost_micros), (1, 6, 1_160_000));
        let clicks: i64 = sink.ad_stats.iter().map(|s| s.clicks).sum();
        let impressions: i64 = sink.ad_stats.iter().map(|s| s.impressions).sum();
        let cost: i64 = sink.ad_stats.iter().map(|s| s.cost_micros).sum();
        assert_eq!((clicks, impressions, cost), (592, 7569, 946_340_000));
        assert_eq!(detected(&path), "microsoft-ads");
    }
}
