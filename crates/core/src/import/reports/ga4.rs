//! GA4 report downloads from the web interface ("Share this report > Download File > CSV" in
//! Reports such as Traffic acquisition, and "Export data > CSV" in Explorations): `#` lines
//! naming the report, account, property and its `Start date`/`End date` (`20261101`), then a
//! table with session-scoped or first-user dimensions (`Session campaign`, `Session source /
//! medium`, `Session primary channel group (Default Channel Group)`, `First user campaign`, ...),
//! optionally `Date` (`20261101`), and the metrics `Sessions`, `Engaged sessions`, `Key events`
//! (`Conversions` before GA4 renamed them) and `Total users`. `Grand total` rows and the
//! Explorations' totals row (no dimension values) are skipped. A report without a `Sessions`
//! column (User acquisition has only new users) is refused.

use super::{read_report, Col, ColumnTable, FoundTable, Shape};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::{reporting_platform, Kind};

pub struct Ga4Report;

const SHAPE: Shape = Shape {
    platform: reporting_platform::GA4,
    columns: COLUMNS,
    expects: "a 'Sessions' column and a dimension such as 'Session campaign' or 'Date' (a GA4 report or \
              exploration with sessions)",
    label_means: None,
    renamed_values: &[],
};

const COLUMNS: ColumnTable = &[
    (
        Col::Campaign,
        &[
            "sessioncampaign",
            "sessionmanualcampaignname",
            "sessioncampaignname",
            "firstusercampaign",
            "firstusermanualcampaignname",
            "campaign",
        ],
    ),
    (Col::SourceMedium, &["sessionsourcemedium", "firstusersourcemedium", "sourcemedium"]),
    (Col::Source, &["sessionsource", "firstusersource", "source"]),
    (Col::Medium, &["sessionmedium", "firstusermedium", "medium"]),
    (
        Col::Channel,
        &[
            "sessionprimarychannelgroupdefaultchannelgroup",
            "sessiondefaultchannelgroup",
            "sessionprimarychannelgroup",
            "firstuserprimarychannelgroupdefaultchannelgroup",
            "firstuserdefaultchannelgroup",
            "defaultchannelgroup",
        ],
    ),
    (Col::Date, &["date"]),
    (Col::Sessions, &["sessions"]),
    (Col::EngagedSessions, &["engagedsessions"]),
    (Col::KeyEvents, &["keyevents", "conversions"]),
    (Col::Users, &["totalusers", "users", "activeusers"]),
];

/// Header names only GA4 writes.
const GA4_MARKERS: &[&str] = &[
    "engagedsessions",
    "engagementrate",
    "keyevents",
    "sessionkeyeventrate",
    "sessioncampaign",
    "sessionsourcemedium",
    "sessiondefaultchannelgroup",
    "sessionprimarychannelgroupdefaultchannelgroup",
    "firstusercampaign",
];

impl Format for Ga4Report {
    fn id(&self) -> &'static str {
        "ga4-report"
    }

    fn name(&self) -> &'static str {
        "GA4 report download"
    }

    fn description(&self) -> &'static str {
        "GA4 report or exploration downloaded as CSV (sessions by campaign, source/medium, channel or day)"
    }

    fn kind(&self) -> Kind {
        Kind::Report
    }

    fn sniff(&self, head: &Head) -> u8 {
        let Some((found, _)) = FoundTable::in_head(head, &SHAPE) else {
            return 0;
        };
        let states_dates = found.preamble.iter().any(|l| l.to_lowercase().contains("start date:"));
        match (states_dates, found.has_name(GA4_MARKERS)) {
            (true, _) => 90,
            (false, true) => 60,
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
    fn traffic_acquisition_by_campaign_covers_the_stated_week_and_skips_the_grand_total() {
        let path = fixture("ga4_traffic_acquisition_session_campaign.csv");
        let sink = read_path(&Ga4Report, &path).unwrap();
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        let rows: Vec<_> = sink.reported.iter().map(|r| (r.campaign.as_str(), r.sessions)).collect();
        assert_eq!(
            rows,
            [
                ("(organic)", 4812),
                ("(direct)", 2904),
                ("Brand - Exact", 1263),
                ("Spring Sale", 1031),
                ("(referral)", 655),
                ("(not set)", 37)
            ]
        );
        for r in &sink.reported {
            assert_eq!((r.platform.as_str(), r.first_date, r.last_date), ("ga4", day(2026, 11, 1), day(2026, 11, 7)));
            assert_eq!((r.source.as_str(), r.medium.as_str(), r.channel.as_str()), ("", "", ""));
            assert_eq!(r.users, None, "the report has no users column");
        }
        let brand = &sink.reported[2];
        assert_eq!((brand.engaged_sessions, brand.key_events), (Some(981), Some(87.5)));
        assert_eq!(detected(&path), "ga4-report");
    }

    #[test]
    fn exploration_by_date_and_campaign_gives_daily_rows_and_skips_the_totals_row() {
        let path = fixture("ga4_exploration_date_campaign.csv");
        let sink = read_path(&Ga4Report, &path).unwrap();
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        assert_eq!(sink.reported.len(), 9, "3 days x 3 campaigns; the totals row is not a row");
        let first = &sink.reported[0];
        assert_eq!(
            (first.first_date, first.last_date, first.campaign.as_str()),
            (day(2026, 11, 1), day(2026, 11, 1), "Brand - Exact")
        );
        assert_eq!(
            (first.sessions, first.engaged_sessions, first.key_events, first.users),
            (412, Some(330), Some(28.0), Some(377))
        );
        let total: i64 = sink.reported.iter().map(|r| r.sessions).sum();
        assert_eq!(total, 2_717, "equals the file's own totals row");
        assert_eq!(detected(&path), "ga4-report");
    }

    #[test]
    fn source_medium_splits_and_a_bad_row_is_rejected_with_its_line() {
        let text = "# Start date: 20261101\n# End date: 20261107\n\
                    Session source / medium,Sessions,Engaged sessions,Key events\n\
                    google / cpc,\"1,204\",900,31.5\n\
                    (direct) / (none),many,1,0\n\
                    newsletter,12,,\n";
        let sink = read_text(&Ga4Report, text).unwrap();
        let rows: Vec<_> = sink.reported.iter().map(|r| (r.source.as_str(), r.medium.as_str(), r.sessions)).collect();
        assert_eq!(rows, [("google", "cpc", 1204), ("newsletter", "", 12)]);
        assert_eq!((sink.reported[1].engaged_sessions, sink.reported[1].key_events), (None, None));
        let rejects: Vec<_> = sink.rejects.iter().map(|r| (r.line, r.reason.as_str(), r.raw.as_str())).collect();
        assert_eq!(rejects, [(5, "sessions 'many' is not a whole number", "(direct) / (none),many,1,0")]);
    }

    #[test]
    fn a_second_table_after_the_first_is_not_rows() {
        let text = "# Start date: 20261101\n# End date: 20261107\n\
                    Session default channel group,Sessions\nPaid Search,10\nDirect,5\n\n\
                    Session default channel group,Users\nPaid Search,9\n";
        let sink = read_text(&Ga4Report, text).unwrap();
        let rows: Vec<_> = sink.reported.iter().map(|r| (r.channel.as_str(), r.sessions)).collect();
        assert_eq!(rows, [("Paid Search", 10), ("Direct", 5)]);
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
    }

    #[test]
    fn a_report_without_sessions_or_without_a_period_is_one_clear_error() {
        let users_only = "# Start date: 20261101\n# End date: 20261107\nFirst user primary channel group (Default Channel Group),New users\nDirect,3\n";
        let err = read_text(&Ga4Report, users_only).unwrap_err();
        assert!(err.to_string().contains("a 'Sessions' column"), "{err}");
        let no_period = "Session campaign,Sessions\nSpring Sale,3\n";
        let err = read_text(&Ga4Report, no_period).unwrap_err();
        assert!(err.to_string().contains("no date column and states no period"), "{err}");
    }
}
