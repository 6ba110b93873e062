//! Meta (Facebook/Instagram) ads reports, in both shapes:
//! - Ads Manager exports: "Reporting starts", "Reporting ends", "Campaign name", "Ad set name",
//!   "Ad name", "Day", "Impressions", "Link clicks", "Amount spent (EUR)" (the currency is read
//!   from that header), with an optional summary row that names no campaign, ad set or ad;
//! - API-shaped tables (the Insights API, Fivetran's `basic_ad`): `date` or
//!   `date_start`/`date_stop`, `account_id`, `ad_id`, `impressions`, `inline_link_clicks`, `spend`.
//!
//! Clicks are *link clicks*: Meta's "Clicks (all)" also counts likes, comments, shares, profile
//! and "see more" clicks that never leave Meta, so only link clicks compare with landing
//! sessions and with other platforms' clicks. A file without a link-clicks column is refused.
//!
//! Ad sets are stored as ad groups. Without a "Day" breakdown a row holds the totals of its
//! "Reporting starts" to "Reporting ends" period.

use super::{read_export, Col, ColumnTable, FoundHeader, RowKind, Shape};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::{platform, Kind};

pub struct MetaAds;

const SHAPE: Shape = Shape {
    platform: platform::META,
    columns: COLUMNS,
    rows: RowKind::Stats,
    expects: "a 'Day' (or 'Reporting starts') and a 'Link clicks' column",
    nameless_rows_are_summaries: true,
};

const COLUMNS: ColumnTable = &[
    (Col::AccountId, &["accountid"]),
    (Col::AccountName, &["accountname"]),
    (Col::CampaignId, &["campaignid"]),
    (Col::Campaign, &["campaignname", "campaign"]),
    (Col::AdGroupId, &["adsetid"]),
    (Col::AdGroup, &["adsetname", "adset"]),
    (Col::Ad, &["adid", "adname", "ad"]),
    (Col::Date, &["day", "date"]),
    (Col::RangeStart, &["reportingstarts", "datestart"]),
    (Col::RangeEnd, &["reportingends", "datestop"]),
    (Col::Device, &["impressiondevice", "deviceplatform", "device"]),
    (Col::Impressions, &["impressions"]),
    (Col::Clicks, &["inlinelinkclicks", "linkclicks"]),
    (Col::Cost, &["spend", "amountspent"]),
    (Col::Currency, &["currency", "accountcurrency"]),
];

impl Format for MetaAds {
    fn id(&self) -> &'static str {
        "meta-ads"
    }

    fn name(&self) -> &'static str {
        "Meta Ads report"
    }

    fn description(&self) -> &'static str {
        "Meta ads report (Ads Manager export or Insights API; clicks are link clicks)"
    }

    fn kind(&self) -> Kind {
        Kind::Ads
    }

    /// Link clicks are Meta's vocabulary alone; with a date and an ad, ad set, campaign or
    /// account column the file is Meta's.
    fn sniff(&self, head: &Head) -> u8 {
        match FoundHeader::in_head(head, &SHAPE) {
            Some(found) if found.columns.has_identity() => 85,
            _ => 0,
        }
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        read_export(&SHAPE, input, ctx, sink)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{detected, own_fixture, read_bytes, read_path, shared_fixture};
    use super::*;
    use chrono::NaiveDate;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn fivetran_basic_ad_every_row_with_link_clicks_as_clicks() {
        let path = shared_fixture("facebook_ads_basic_ad.csv");
        let sink = read_path(&MetaAds, &path).unwrap();
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        assert_eq!(sink.ad_stats.len(), 10);
        let first = &sink.ad_stats[0];
        assert_eq!((first.platform.as_str(), first.account.as_str()), ("meta_ads", "1700252260223815"));
        assert_eq!(
            (first.date, first.impressions, first.clicks, first.cost_micros),
            (date(2020, 12, 10), 4233, 10, 76_530_000)
        );
        assert_eq!(sink.ad_stats[4].cost_micros, 144_000_000, "'144.' is 144");
        assert_eq!(sink.ad_stats.iter().map(|s| s.clicks).sum::<i64>(), 149);
        assert_eq!(detected(&path), "meta-ads");
    }

    #[test]
    fn ads_manager_export_skips_the_summary_row_and_reads_the_currency_from_the_header() {
        let path = own_fixture("meta_ads_manager_export.csv");
        let sink = read_path(&MetaAds, &path).unwrap();
        assert_eq!(sink.ad_stats.len(), 3, "the summary row is not a row");
        let first = &sink.ad_stats[0];
        assert_eq!(
            (first.campaign.as_str(), first.ad_group.as_str(), first.currency.as_str()),
            ("Spring Sale - Prospecting", "Lookalike 1%", "EUR")
        );
        assert_eq!(
            (first.date, first.impressions, first.clicks, first.cost_micros),
            (date(2024, 3, 1), 8120, 143, 371_900_000)
        );
        assert_eq!(first.campaign_id, "");
        assert_eq!(sink.rejects.len(), 1);
        assert_eq!((sink.rejects[0].line, sink.rejects[0].reason.as_str()), (6, "the day 'yesterday' is not a date"));
        assert_eq!(detected(&path), "meta-ads");
    }

    #[test]
    fn a_row_over_several_days_holds_the_totals_of_its_reporting_period() {
        let text = "Reporting starts,Reporting ends,Campaign name,Link clicks,Amount spent (USD)\n\
                    2024-03-01,2024-03-01,A,5,1.00\n\
                    2024-03-01,2024-03-31,A,90,30.00\n\
                    2024-03-31,2024-03-01,A,1,1.00\n";
        let sink = read_bytes(&MetaAds, text.as_bytes()).unwrap();
        let days: Vec<_> = sink.ad_stats.iter().map(|s| (s.date, s.last_date, s.clicks)).collect();
        assert_eq!(days, [(date(2024, 3, 1), date(2024, 3, 1), 5), (date(2024, 3, 1), date(2024, 3, 31), 90)]);
        assert_eq!(sink.ad_stats[0].currency, "USD");
        assert_eq!(sink.rejects.len(), 1);
        assert_eq!(sink.rejects[0].reason, "the reporting end 2024-03-01 is before its start 2024-03-31");
    }

    #[test]
    fn an_export_without_a_day_breakdown_holds_totals_and_skips_its_summary_row() {
        let path = own_fixture("meta_ads_manager_period.csv");
        assert_eq!(detected(&path), "meta-ads");
        let sink = read_path(&MetaAds, &path).unwrap();
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        let rows: Vec<_> = sink.ad_stats.iter().map(|s| (s.campaign.as_str(), s.date, s.last_date, s.clicks)).collect();
        let (first, last) = (date(2026, 11, 1), date(2026, 11, 7));
        assert_eq!(
            rows,
            [("Spring Sale - Prospecting", first, last, 640), ("Spring Sale - Retargeting", first, last, 382)]
        );
    }

    #[test]
    fn all_clicks_without_link_clicks_is_refused() {
        let text = "Day,Campaign name,Clicks (all),Amount spent (USD)\n2024-03-01,A,5,1.00\n";
        let err = read_bytes(&MetaAds, text.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("'Link clicks'"), "{err}");
        assert_eq!(MetaAds.sniff(&Head::from_text("m.csv", text)), 0);
    }
}
