//! Matomo report exports ("Export this dataset > CSV", or "TSV (Excel)", which Matomo writes as
//! UTF-16LE), with the API's column names (`label`, `nb_visits`, `nb_uniq_visitors`,
//! `nb_conversions`, `metadata_segment`, ...) or the interface's (`Label`, `Visits`, `Unique
//! visitors`). Exported for several periods (a date range by day, or the last N weeks), Matomo
//! puts the period first in a `date` column: `2026-11-01`, `2026-11-02,2026-11-08`, `2026-11`;
//! a file exported for one period has no date column and states no period, so it is refused.
//!
//! What `label` is depends on the report, which the file does not name; it is decided thus:
//! - a channel (Referrers > Channel Type) when its segment is `referrerType==...` or every label
//!   is one of Matomo's channel types (`Direct Entry`, `Search Engines`, `Websites`,
//!   `Campaigns`, `Social Networks`, `AI Assistants`);
//! - a source when rows carry a `metadata_url` (Websites, Search Engines, Social Networks name a
//!   referrer with its URL);
//! - otherwise a campaign name (Referrers > Campaigns; Matomo lower-cases them by default).
//!
//! Matomo's `Others` row (what a truncated report sums up) is stored as GA4's `(other)`.
//! `nb_uniq_visitors` are users, `nb_conversions` key events; engaged sessions are not known.

use csv::StringRecord;

use super::{read_report, Col, ColumnTable, FoundTable, Shape};
use crate::error::Result;
use crate::import::mapping::normalise;
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::{reporting_platform, Kind};

pub struct MatomoReport;

const SHAPE: Shape = Shape {
    platform: reporting_platform::MATOMO,
    columns: COLUMNS,
    expects: "a 'label' and an 'nb_visits' column (a Matomo report export)",
    label_means: Some(label_means),
    renamed_values: &[("Others", "(other)")],
};

const COLUMNS: ColumnTable = &[
    (Col::Date, &["date"]),
    (Col::Label, &["label"]),
    (Col::Sessions, &["nbvisits", "visits"]),
    (Col::KeyEvents, &["nbconversions", "conversions"]),
    (Col::Users, &["nbuniqvisitors", "uniquevisitors"]),
];

/// Matomo's channel types (Referrers > Channel Type), normalised.
const CHANNEL_TYPES: &[&str] =
    &["directentry", "searchengines", "websites", "campaigns", "socialnetworks", "aiassistants"];

/// Which dimension the `label` column holds (see the module's documentation).
fn label_means(header: &StringRecord, rows: &[StringRecord], label: usize) -> Col {
    let column = |names: &[&str]| header.iter().position(|h| names.contains(&normalise(h).as_str()));
    let cells = |i: usize| rows.iter().filter_map(move |r| r.get(i)).map(str::trim).filter(|c| !c.is_empty());
    let segment_is_type =
        column(&["metadatasegment"]).is_some_and(|i| cells(i).next().is_some_and(|s| s.starts_with("referrerType==")));
    let labels_are_types =
        cells(label).next().is_some() && cells(label).all(|l| CHANNEL_TYPES.contains(&normalise(l).as_str()));
    if segment_is_type || labels_are_types {
        Col::Channel
    } else if column(&["metadataurl"]).is_some() {
        Col::Source
    } else {
        Col::Campaign
    }
}

impl Format for MatomoReport {
    fn id(&self) -> &'static str {
        "matomo-report"
    }

    fn name(&self) -> &'static str {
        "Matomo report export"
    }

    fn description(&self) -> &'static str {
        "Matomo report exported as CSV or TSV (visits by campaign, channel type or referrer, per period)"
    }

    fn kind(&self) -> Kind {
        Kind::Report
    }

    fn sniff(&self, head: &Head) -> u8 {
        match FoundTable::in_head(head, &SHAPE) {
            Some((found, _)) if found.has_name(&["nbvisits", "nbuniqvisitors", "nbactions"]) => 85,
            Some((found, _)) if found.has_name(&["label"]) => 50,
            _ => 0,
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
    fn campaigns_by_day_with_the_others_row_as_other() {
        let path = fixture("matomo_referrers_campaigns_by_day.csv");
        let sink = read_path(&MatomoReport, &path).unwrap();
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        let rows: Vec<_> = sink.reported.iter().map(|r| (r.first_date, r.campaign.as_str(), r.sessions)).collect();
        assert_eq!(
            rows,
            [
                (day(2026, 11, 1), "brand - exact", 322),
                (day(2026, 11, 1), "spring sale", 241),
                (day(2026, 11, 1), "(other)", 17),
                (day(2026, 11, 2), "brand - exact", 307),
                (day(2026, 11, 2), "spring sale", 266),
            ]
        );
        let first = &sink.reported[0];
        assert_eq!((first.platform.as_str(), first.last_date), ("matomo", day(2026, 11, 1)));
        assert_eq!((first.users, first.key_events, first.engaged_sessions), (Some(301), Some(21.0), None));
        assert_eq!((first.channel.as_str(), first.source.as_str()), ("", ""));
        assert_eq!(detected(&path), "matomo-report");
    }

    #[test]
    fn channel_type_by_week_from_a_utf16_tsv_for_excel() {
        let path = fixture("matomo_channel_type_by_week_excel.tsv");
        assert_eq!(std::fs::read(&path).unwrap()[..2], [0xFF, 0xFE], "UTF-16LE with a BOM");
        let sink = read_path(&MatomoReport, &path).unwrap();
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
        let rows: Vec<_> = sink
            .reported
            .iter()
            .map(|r| (r.first_date, r.last_date, r.channel.as_str(), r.campaign.as_str(), r.sessions))
            .collect();
        assert_eq!(
            rows,
            [
                (day(2026, 11, 2), day(2026, 11, 8), "Direct Entry", "", 1840),
                (day(2026, 11, 2), day(2026, 11, 8), "Search Engines", "", 2975),
                (day(2026, 11, 2), day(2026, 11, 8), "Campaigns", "", 1292),
                (day(2026, 11, 9), day(2026, 11, 15), "Direct Entry", "", 1711),
                (day(2026, 11, 9), day(2026, 11, 15), "Search Engines", "", 3102),
                (day(2026, 11, 9), day(2026, 11, 15), "Campaigns", "", 1388),
            ]
        );
        assert_eq!(detected(&path), "matomo-report");
    }

    #[test]
    fn websites_are_sources_and_a_single_period_export_is_refused() {
        let text = "date,label,nb_visits,metadata_url\n2026-11,news.example,40,https://news.example\n";
        let sink = read_text(&MatomoReport, text).unwrap();
        let r = &sink.reported[0];
        assert_eq!((r.source.as_str(), r.campaign.as_str(), r.sessions), ("news.example", "", 40));
        assert_eq!((r.first_date, r.last_date), (day(2026, 11, 1), day(2026, 11, 30)));
        let err = read_text(&MatomoReport, "label,nb_visits\nspring sale,4\n").unwrap_err();
        assert!(err.to_string().contains("no date column and states no period"), "{err}");
    }
}
