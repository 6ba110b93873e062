//! The Google Ads click performance report: one row per click with its Google click ID (GCLID),
//! campaign, ad group, day and device, downloaded from the web interface (title lines above the
//! header as in other reports) or written from the API's `click_view`. Each row is one
//! [`AdClickRow`](crate::model::AdClickRow) with `clicks = 1`, unless the file has a clicks
//! column (Google issues one GCLID per impression, so one GCLID can carry several clicks).
//!
//! A time-of-day column gives the click's instant in the file's stated zone (else the user's);
//! an hour-of-day column gives the start of that hour; without either the click has a day only.

use super::{read_export, Col, ColumnTable, FoundHeader, RowKind, Shape};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::{platform, Kind};

pub struct GoogleAdsClicks;

const SHAPE: Shape = Shape {
    platform: platform::GOOGLE,
    columns: COLUMNS,
    rows: RowKind::Clicks,
    expects: "a 'Google click ID' (GCLID) and a 'Day' column (a click performance report)",
    nameless_rows_are_summaries: false,
};

const COLUMNS: ColumnTable = &[
    (Col::ClickId, &["googleclickid", "gclid", "clickviewgclid", "clickid"]),
    (Col::AccountId, &["customerid"]),
    (Col::AccountName, &["account", "accountname"]),
    (Col::CampaignId, &["campaignid"]),
    (Col::Campaign, &["campaign", "campaignname"]),
    (Col::AdGroupId, &["adgroupid"]),
    (Col::AdGroup, &["adgroup", "adgroupname"]),
    (Col::Date, &["day", "date", "clickdate", "segmentsdate"]),
    (Col::ClickTime, &["time", "clicktime"]),
    (Col::ClickHour, &["hourofday", "hour", "segmentshour"]),
    (Col::Device, &["device", "segmentsdevice"]),
    (Col::Clicks, &["clicks", "metricsclicks"]),
];

impl Format for GoogleAdsClicks {
    fn id(&self) -> &'static str {
        "google-ads-clicks"
    }

    fn name(&self) -> &'static str {
        "Google Ads click performance report"
    }

    fn description(&self) -> &'static str {
        "Google Ads click performance report (one row per click, with GCLID)"
    }

    fn kind(&self) -> Kind {
        Kind::Ads
    }

    /// A GCLID column alone could be a traffic export's; a campaign and an ad group beside it
    /// make it Google's click report.
    fn sniff(&self, head: &Head) -> u8 {
        let Some(found) = FoundHeader::in_head(head, &SHAPE) else {
            return 0;
        };
        let c = &found.columns;
        let campaign = c.has(Col::Campaign) || c.has(Col::CampaignId);
        let ad_group = c.has(Col::AdGroup) || c.has(Col::AdGroupId);
        if campaign && ad_group {
            90
        } else {
            0
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

    #[test]
    fn one_click_per_row_with_its_gclid_and_hour() {
        let path = own_fixture("google_ads_click_performance.csv");
        let sink = read_path(&GoogleAdsClicks, &path).unwrap();
        assert_eq!(sink.ad_clicks.len(), 2);
        let first = &sink.ad_clicks[0];
        assert_eq!(first.click_id_param, "gclid");
        assert_eq!(
            first.click_id,
            "Cj0KCQiA5-uuBhDzARIsAAa6d0ZcPq1b5hWyGG2yZjD8sXmK3kz4Uq7VQb3OQ5X9wYxT3sd8dK1xUaAo7_EALw_wcB"
        );
        assert_eq!((first.campaign.as_str(), first.ad_group.as_str()), ("Spring Sale - Search", "Running shoes"));
        assert_eq!((first.date, first.clicks), (NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(), 1));
        assert_eq!(first.ts_ms, Some(1_709_283_600_000), "09:00 UTC (no zone stated or chosen)");
        assert_eq!(sink.ad_clicks[1].device, "desktop");
        assert_eq!(sink.rejects.len(), 1);
        assert_eq!(
            (sink.rejects[0].line, sink.rejects[0].reason.as_str()),
            (6, "the hour '25' is not an hour of the day (0-23)")
        );
        assert_eq!(detected(&path), "google-ads-clicks");
    }

    #[test]
    fn a_time_column_and_a_clicks_column_are_used() {
        let text = "Google click ID,Campaign,Ad group,Day,Time,Clicks\n\
                    abc,C,G,2024-03-01,14:05:33,2\n\
                    def,C,G,2024-03-01,not a time,1\n";
        let sink = read_bytes(&GoogleAdsClicks, text.as_bytes()).unwrap();
        assert_eq!(sink.ad_clicks.len(), 1);
        assert_eq!((sink.ad_clicks[0].ts_ms, sink.ad_clicks[0].clicks), (Some(1_709_301_933_000), 2));
        assert_eq!(sink.rejects[0].reason, "the click time 'not a time' is not a time of day");
    }

    #[test]
    fn a_traffic_export_with_a_gclid_column_is_not_a_click_report() {
        assert_eq!(GoogleAdsClicks.sniff(&Head::from_text("t.csv", "date,page,gclid\n2024-03-01,/a,abc\n")), 0);
        assert_eq!(detected_text("timestamp,url,gclid\n2024-03-01T10:00:00Z,/a,abc\n"), "csv");
    }
}
