//! Google Ads stats as the API writes them (and tools that copy it, such as Fivetran's
//! `campaign_stats` and `ad_stats` tables): `customer_id`, `date`, `campaign_id`, `device`,
//! `clicks`, `impressions`, `cost_micros`, or the same as `segments.date`, `metrics.clicks`,
//! `metrics.cost_micros`. Cost is already in micros.
//!
//! These tables often carry ids only. The campaign's and ad group's id is kept as their id, and
//! used as their name only when the file has no name column. Resource names
//! (`customers/2121450128/adGroups/100031227574`, as in Fivetran's `ad_group` and
//! `base_campaign`) are read as the id they end with. The ad network type has no place in a
//! row, so rows of one day and device on several networks stay separate rows.

use super::{read_export, Col, ColumnTable, FoundHeader, RowKind, Shape};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::{platform, Kind};

pub struct GoogleAdsApi;

const SHAPE: Shape = Shape {
    platform: platform::GOOGLE,
    columns: COLUMNS,
    rows: RowKind::Stats,
    expects: "'date' and 'clicks' columns (Google Ads API stats with cost_micros)",
    nameless_rows_are_summaries: false,
};

const COLUMNS: ColumnTable = &[
    (Col::AccountId, &["customerid"]),
    (Col::AccountName, &["customerdescriptivename", "accountname"]),
    // `id` is the campaign's id in a campaign table (Fivetran's `campaign_stats`).
    (Col::CampaignId, &["campaignid", "basecampaign", "id"]),
    (Col::Campaign, &["campaignname"]),
    (Col::AdGroupId, &["adgroupid"]),
    (Col::AdGroup, &["adgroupname", "adgroup"]),
    (Col::Date, &["date", "segmentsdate"]),
    (Col::Device, &["device", "segmentsdevice"]),
    (Col::Impressions, &["impressions", "metricsimpressions"]),
    (Col::Clicks, &["clicks", "metricsclicks"]),
    (Col::CostMicros, &["costmicros", "metricscostmicros"]),
    (Col::Currency, &["currencycode", "customercurrencycode"]),
];

impl Format for GoogleAdsApi {
    fn id(&self) -> &'static str {
        "google-ads-api"
    }

    fn name(&self) -> &'static str {
        "Google Ads API stats"
    }

    fn description(&self) -> &'static str {
        "Google Ads API stats (cost_micros; Fivetran campaign/ad stats tables)"
    }

    fn kind(&self) -> Kind {
        Kind::Ads
    }

    /// `cost_micros` beside a date and clicks is Google's API vocabulary and nobody else's.
    fn sniff(&self, head: &Head) -> u8 {
        match FoundHeader::in_head(head, &SHAPE) {
            Some(found) if found.columns.has(Col::CostMicros) => 90,
            _ => 0,
        }
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        read_export(&SHAPE, input, ctx, sink)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{detected, read_bytes, read_path, shared_fixture};
    use super::*;
    use chrono::NaiveDate;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn fivetran_campaign_stats_every_row_with_exact_values() {
        let path = shared_fixture("google_ads_campaign_stats.csv");
        let sink = read_path(&GoogleAdsApi, &path).unwrap();
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        assert_eq!(sink.ad_stats.len(), 16);
        let first = &sink.ad_stats[0];
        assert_eq!(
            (first.platform.as_str(), first.account.as_str(), first.campaign_id.as_str()),
            ("google_ads", "2121450128", "9935249409")
        );
        assert_eq!(first.campaign, "9935249409", "no name column: the id stands in");
        assert_eq!((first.date, first.device.as_str()), (date(2021, 2, 1), "mobile"));
        assert_eq!((first.clicks, first.impressions, first.cost_micros), (49, 166, 36_150_000));
        // The row whose Fivetran id reads "#ERROR!" is still a good row.
        let last = &sink.ad_stats[15];
        assert_eq!((last.date, last.clicks, last.cost_micros), (date(2021, 1, 6), 3, 2_520_000));
        assert_eq!(sink.ad_stats.iter().map(|s| s.clicks).sum::<i64>(), 280);
        assert_eq!(detected(&path), "google-ads-api");
    }

    #[test]
    fn fivetran_ad_stats_read_ad_group_resource_names_as_ids() {
        let path = shared_fixture("google_ads_ad_stats.csv");
        let sink = read_path(&GoogleAdsApi, &path).unwrap();
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        assert_eq!(sink.ad_stats.len(), 10);
        let first = &sink.ad_stats[0];
        assert_eq!((first.campaign_id.as_str(), first.ad_group.as_str()), ("10059986060", "100031227574"));
        assert_eq!((first.date, first.device.as_str()), (date(2021, 5, 19), "desktop"));
        assert_eq!((first.impressions, first.clicks, first.cost_micros), (1, 0, 0));
        assert_eq!(sink.ad_stats[7].device, "tablet");
        assert_eq!(detected(&path), "google-ads-api");
    }

    #[test]
    fn api_field_paths_and_a_bad_micros_value() {
        let text = "segments.date,campaign.id,campaign.name,metrics.clicks,metrics.impressions,metrics.cost_micros\n\
                    2024-03-01,111,Spring,4,90,1250000\n\
                    2024-03-02,111,Spring,4,90,1.5\n";
        let sink = read_bytes(&GoogleAdsApi, text.as_bytes()).unwrap();
        assert_eq!(sink.ad_stats.len(), 1);
        assert_eq!((sink.ad_stats[0].campaign.as_str(), sink.ad_stats[0].cost_micros), ("Spring", 1_250_000));
        assert_eq!(
            (sink.rejects[0].line, sink.rejects[0].reason.as_str()),
            (3, "cost_micros '1.5' is not a whole number")
        );
    }
}
