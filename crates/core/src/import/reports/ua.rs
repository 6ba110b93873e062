//! Universal Analytics report downloads ("Export > CSV" in reports such as Acquisition > All
//! Traffic > Source/Medium, Campaigns or Channels): `#` lines naming the view and report and the
//! period (`# 20200101-20200131`), a table with `Source / Medium`, `Campaign` or `Default Channel
//! Grouping` (and `Date`, `20200101`, as a secondary dimension), the metrics `Users`, `Sessions`
//! and `Goal Completions` (or `Conversions`), a totals row with an empty first cell, then the
//! chart's `Day Index` series under a second `#` block, which is not rows. Rates, durations and
//! money are not read.

use super::{preamble_period, read_report, Col, ColumnTable, FoundTable, Shape};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::{reporting_platform, Kind};

pub struct UniversalAnalyticsReport;

const SHAPE: Shape = Shape {
    platform: reporting_platform::UNIVERSAL_ANALYTICS,
    columns: COLUMNS,
    expects: "a 'Sessions' column and a dimension such as 'Source / Medium', 'Campaign' or 'Default Channel \
              Grouping' (a Universal Analytics report)",
    label_means: None,
    renamed_values: &[],
};

const COLUMNS: ColumnTable = &[
    (Col::Campaign, &["campaign"]),
    (Col::SourceMedium, &["sourcemedium"]),
    (Col::Source, &["source"]),
    (Col::Medium, &["medium"]),
    (Col::Channel, &["defaultchannelgrouping", "channelgrouping"]),
    (Col::Date, &["date"]),
    (Col::Sessions, &["sessions"]),
    (Col::KeyEvents, &["goalcompletions", "conversions"]),
    (Col::Users, &["users"]),
];

/// Header names only Universal Analytics writes.
const UA_MARKERS: &[&str] =
    &["newusers", "bouncerate", "pagessession", "avgsessionduration", "goalconversionrate", "goalcompletions"];

impl Format for UniversalAnalyticsReport {
    fn id(&self) -> &'static str {
        "ua-report"
    }

    fn name(&self) -> &'static str {
        "Universal Analytics report download"
    }

    fn description(&self) -> &'static str {
        "Universal Analytics report exported as CSV (sessions by source/medium, campaign, channel or day)"
    }

    fn kind(&self) -> Kind {
        Kind::Report
    }

    fn sniff(&self, head: &Head) -> u8 {
        let Some((found, _)) = FoundTable::in_head(head, &SHAPE) else {
            return 0;
        };
        let states_period = !found.preamble.is_empty() && preamble_period(&found.preamble).is_some();
        let states_ga4_dates = found.preamble.iter().any(|l| l.to_lowercase().contains("start date:"));
        match (states_period && !states_ga4_dates, found.has_name(UA_MARKERS)) {
            (true, _) => 85,
            (false, true) => 55,
            (false, false) => 0,
        }
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        read_report(&SHAPE, input, ctx, sink)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{day, detected, fixture, read_path, read_text};
    use super::*;

    #[test]
    fn source_medium_report_over_the_stated_month_without_totals_or_the_day_index_series() {
        let path = fixture("ua_source_medium.csv");
        let sink = read_path(&UniversalAnalyticsReport, &path).unwrap();
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        let rows: Vec<_> =
            sink.reported.iter().map(|r| (r.source.as_str(), r.medium.as_str(), r.sessions, r.users)).collect();
        assert_eq!(
            rows,
            [
                ("google", "organic", 4011, Some(3120)),
                ("(direct)", "(none)", 2210, Some(1847)),
                ("google", "cpc", 1104, Some(902)),
                ("newsletter", "email", 455, Some(377))
            ]
        );
        for r in &sink.reported {
            assert_eq!((r.platform.as_str(), r.first_date, r.last_date), ("ua", day(2020, 1, 1), day(2020, 1, 31)));
            assert_eq!((r.campaign.as_str(), r.engaged_sessions), ("", None));
        }
        assert_eq!(sink.reported[2].key_events, Some(47.0), "Goal Completions");
        assert_eq!(detected(&path), "ua-report");
    }

    #[test]
    fn campaign_by_date_gives_daily_rows() {
        let text = "# ----------------------------------------\n# All Web Site Data\n# Campaigns\n\
                    # 20200101-20200102\n# ----------------------------------------\n\n\
                    Campaign,Date,Users,New Users,Sessions,Bounce Rate,Goal Completions\n\
                    spring_sale,20200101,90,80,101,40.00%,3\n\
                    spring_sale,20200102,95,81,110,41.00%,4\n\
                    ,,185,161,211,40.50%,7\n";
        let sink = read_text(&UniversalAnalyticsReport, text).unwrap();
        let rows: Vec<_> =
            sink.reported.iter().map(|r| (r.campaign.as_str(), r.first_date, r.last_date, r.sessions)).collect();
        assert_eq!(
            rows,
            [
                ("spring_sale", day(2020, 1, 1), day(2020, 1, 1), 101),
                ("spring_sale", day(2020, 1, 2), day(2020, 1, 2), 110)
            ]
        );
        assert_eq!(detected_text(text), "ua-report");
    }

    fn detected_text(text: &str) -> &'static str {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Analytics All Web Site Data Campaigns 20200101-20200102.csv");
        std::fs::write(&path, text).unwrap();
        detected(&path)
    }
}
