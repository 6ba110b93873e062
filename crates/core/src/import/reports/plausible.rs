//! Plausible's dashboard export (the "Export" zip, unzipped): `visitors.csv`, the main graph
//! by day — `date,visitors,pageviews,visits,views_per_visit,bounce_rate,visit_duration` with
//! ISO dates — gives each day's visits as sessions and its unique visitors as users, with no
//! campaign, source, medium or channel.
//!
//! A graph exported by week or month (its `date` is the first day of each) is refused rather than
//! put on single days. The zip's breakdown files (`utm_campaigns.csv`, `sources.csv`,
//! `channels.csv`, ...: `name,visitors,bounce_rate,visit_duration`) are recognised and refused:
//! they count unique visitors, not visits, over a period the file does not state.

use chrono::NaiveDate;

use super::{parse_period, read_report, Col, ColumnTable, FoundTable, Shape};
use crate::error::Result;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::{reporting_platform, Kind};

pub struct PlausibleVisitors;

const SHAPE: Shape = Shape {
    platform: reporting_platform::PLAUSIBLE,
    columns: COLUMNS,
    expects: "a 'date' and a 'visits' column (Plausible's visitors.csv; its breakdown files such as \
              utm_campaigns.csv and sources.csv count unique visitors over a period they do not state, not \
              visits, so they cannot be read)",
    label_means: None,
    renamed_values: &[],
};

const COLUMNS: ColumnTable = &[(Col::Date, &["date"]), (Col::Sessions, &["visits"]), (Col::Users, &["visitors"])];

/// The header of the export's breakdown files, normalised.
const BREAKDOWN_HEADER: [&str; 4] = ["name", "visitors", "bouncerate", "visitduration"];

impl Format for PlausibleVisitors {
    fn id(&self) -> &'static str {
        "plausible-visitors"
    }

    fn name(&self) -> &'static str {
        "Plausible visitors export"
    }

    fn description(&self) -> &'static str {
        "Plausible dashboard export's visitors.csv (visits per day)"
    }

    fn kind(&self) -> Kind {
        Kind::Report
    }

    fn sniff(&self, head: &Head) -> u8 {
        match FoundTable::in_head(head, &SHAPE) {
            Some((found, _)) if found.has_name(&["viewspervisit", "visitduration"]) => 80,
            Some(_) => 0,
            // Recognised, so that reading it says why it cannot be imported.
            None if is_breakdown(head) => 60,
            None => 0,
        }
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let head = Head::read(ctx.path)?;
        if let Some((found, rows)) = FoundTable::in_head(&head, &SHAPE) {
            let date = found.columns.get(Col::Date).expect("a complete header has a date");
            let days: Vec<NaiveDate> =
                rows.iter().filter_map(|r| parse_period(r.get(date)?).map(|(first, _)| first)).take(2).collect();
            if let [first, second] = days[..] {
                if (second - first).num_days() != 1 {
                    return Err(ctx.unreadable(format!(
                        "the graph's rows are {} days apart (exported by week or month); export it by day",
                        (second - first).num_days()
                    )));
                }
            }
        }
        read_report(&SHAPE, input, ctx, sink)
    }
}

fn is_breakdown(head: &Head) -> bool {
    let header: Vec<String> = head.first_line().split(',').map(crate::import::mapping::normalise).collect();
    header == BREAKDOWN_HEADER
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{day, detected, fixture, read_path, read_text};
    use super::*;

    #[test]
    fn visitors_csv_gives_each_days_visits_including_a_day_without_any() {
        let path = fixture("plausible_visitors.csv");
        let sink = read_path(&PlausibleVisitors, &path).unwrap();
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        let rows: Vec<_> = sink.reported.iter().map(|r| (r.first_date, r.sessions, r.users)).collect();
        assert_eq!(
            rows,
            [
                (day(2026, 11, 1), 934, Some(812)),
                (day(2026, 11, 2), 1040, Some(901)),
                (day(2026, 11, 3), 998, Some(877)),
                (day(2026, 11, 4), 0, Some(0)),
                (day(2026, 11, 5), 1102, Some(944)),
                (day(2026, 11, 6), 1187, Some(1003)),
                (day(2026, 11, 7), 861, Some(760)),
            ]
        );
        let r = &sink.reported[0];
        assert_eq!(
            (r.platform.as_str(), r.last_date, r.campaign.as_str(), r.channel.as_str()),
            ("plausible", r.first_date, "", "")
        );
        assert_eq!(detected(&path), "plausible-visitors");
    }

    #[test]
    fn breakdown_files_and_weekly_graphs_are_refused_saying_why() {
        let path = fixture("plausible_utm_campaigns.csv");
        assert_eq!(detected(&path), "plausible-visitors");
        let err = read_path(&PlausibleVisitors, &path).unwrap_err();
        assert!(err.to_string().contains("count unique visitors"), "{err}");
        let weekly = "date,visitors,pageviews,visits,views_per_visit,bounce_rate,visit_duration\n\
                      2021-09-20,1,1,1,1.0,100,0\n2021-09-27,0,0,0,0.0,0.0,\n";
        let err = read_text(&PlausibleVisitors, weekly).unwrap_err();
        assert!(err.to_string().contains("7 days apart"), "{err}");
    }
}
