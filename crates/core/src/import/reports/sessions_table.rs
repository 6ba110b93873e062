//! A sessions table, one row per session: what `sessionlens export sessions` writes and what the
//! script of `sessionlens sql` leaves in its `sessions` table (exported from the warehouse as
//! CSV). It imports as reported sessions, counted per day (the date `start` is written with,
//! the view's day), campaign, source, medium and channel, so the discrepancy report can compare
//! ad clicks with sessions sessionized where the data lives, on data no desktop could hold.
//!
//! A row whose `start` is not a date, or whose `engaged` is not true or false, is a reject with
//! its line; the others count.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::error::Result;
use crate::import::delimited::{csv_reader, raw_text, record_or_reject};
use crate::import::{Context, Format, Head, Input, Sink};
use crate::model::{reporting_platform, Kind, ReportedSessionsRow};

pub struct SessionsTable;

/// The columns read; the table has more (see `export::stored::SESSION_COLUMNS`).
const READ: [&str; 6] = ["start", "engaged", "campaign", "source", "medium", "channel"];
/// Columns only a sessions table has, for recognising one.
const MARKS: [&str; 3] = ["visitor_session_number", "start_reason", "rule_set"];

/// Sessions of one day and traffic source: (day, campaign, source, medium, channel).
type Key = (NaiveDate, String, String, String, String);

impl Format for SessionsTable {
    fn id(&self) -> &'static str {
        "sessions-table"
    }

    fn name(&self) -> &'static str {
        "Sessions table (sessionlens sql)"
    }

    fn description(&self) -> &'static str {
        "One row per session, as SessionLens's SQL builds it in a warehouse or its sessions export writes it \
         (counted per day and campaign as reported sessions)"
    }

    fn kind(&self) -> Kind {
        Kind::Report
    }

    fn sniff(&self, head: &Head) -> u8 {
        let header: Vec<String> =
            head.first_line().split(',').map(|c| c.trim().trim_matches('"').to_string()).collect();
        let has = |name: &str| header.iter().any(|h| h == name);
        if MARKS.iter().all(|m| has(m)) && READ.iter().all(|c| has(c)) {
            95
        } else {
            0
        }
    }

    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
        let mut reader = csv_reader(input, b',');
        let mut records = reader.records();
        let header = match records.next() {
            Some(header) => header.map_err(|e| ctx.unreadable(e.to_string()))?,
            None => return Err(ctx.unreadable("the file is empty: a sessions table starts with its header row")),
        };
        let mut at = [0usize; READ.len()];
        for (slot, name) in at.iter_mut().zip(READ) {
            *slot = header.iter().position(|h| h.trim() == name).ok_or_else(|| {
                ctx.unreadable(format!("the sessions table has no '{name}' column (it needs {})", READ.join(", ")))
            })?;
        }
        let mut counts: BTreeMap<Key, (i64, i64)> = BTreeMap::new();
        for record in records {
            let Some(record) = record_or_reject(record, ctx, sink)? else { continue };
            let line = record.position().map_or(0, |p| p.line());
            let field = |i: usize| record.get(at[i]).unwrap_or("").trim();
            let start = field(0);
            let Some(day) = start.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) else {
                sink.reject(line, &raw_text(&record, b','), &format!("start '{start}' does not begin with a date"))?;
                continue;
            };
            let engaged = match field(1).to_ascii_lowercase().as_str() {
                "true" | "1" => 1,
                "false" | "0" => 0,
                other => {
                    let reason = format!("engaged '{other}' is not true or false");
                    sink.reject(line, &raw_text(&record, b','), &reason)?;
                    continue;
                }
            };
            let key = (day, field(2).to_string(), field(3).to_string(), field(4).to_string(), field(5).to_string());
            let count = counts.entry(key).or_default();
            count.0 += 1;
            count.1 += engaged;
        }
        for ((day, campaign, source, medium, channel), (sessions, engaged)) in &counts {
            sink.reported_sessions(&ReportedSessionsRow {
                platform: reporting_platform::SESSIONS_TABLE,
                first_date: *day,
                last_date: *day,
                campaign,
                source,
                medium,
                channel,
                sessions: *sessions,
                engaged_sessions: Some(*engaged),
                key_events: None,
                users: None,
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{day, detected, read_text};
    use super::*;

    const HEADER: &str = "visitor,visitor_session_number,new_visitor,start,end,duration_s,hits,interaction_hits,\
                          pageviews,landing_page,exit_page,bounce,engaged,source,medium,campaign,term,content,\
                          click_id_param,click_id,channel,device,browser,os,start_reason,rule_set";

    fn row(
        visitor: &str,
        start: &str,
        engaged: &str,
        source: &str,
        medium: &str,
        campaign: &str,
        channel: &str,
    ) -> String {
        format!(
            "{visitor},1,true,{start},{start},0,1,1,1,https://shop.example/,https://shop.example/,true,{engaged},\
             {source},{medium},{campaign},,,,,{channel},desktop,Chrome,Linux,first_hit,ga4"
        )
    }

    #[test]
    fn sessions_count_per_day_and_campaign_and_bad_rows_are_rejected_with_their_line() {
        let text = [
            HEADER.to_string(),
            row("1443685882.1682380031", "2026-11-01T09:00:00-05:00", "true", "google", "cpc", "Brand", "Paid Search"),
            row("2", "2026-11-01T23:30:00-05:00", "false", "google", "cpc", "Brand", "Paid Search"),
            row("3", "2026-11-02T00:10:00-05:00", "true", "google", "cpc", "Brand", "Paid Search"),
            row("4", "2026-11-01T12:00:00-05:00", "true", "(direct)", "(none)", "", "Direct"),
            row("5", "yesterday", "true", "google", "cpc", "Brand", "Paid Search"),
            row("6", "2026-11-02T08:00:00-05:00", "maybe", "google", "cpc", "Brand", "Paid Search"),
        ]
        .join("\n");
        let sink = read_text(&SessionsTable, &text).unwrap();
        let rows: Vec<_> = sink
            .reported
            .iter()
            .map(|r| (r.first_date, r.campaign.as_str(), r.channel.as_str(), r.sessions, r.engaged_sessions))
            .collect();
        // The day is the one `start` is written in (the view's), not UTC's.
        assert_eq!(
            rows,
            [
                (day(2026, 11, 1), "", "Direct", 1, Some(1)),
                (day(2026, 11, 1), "Brand", "Paid Search", 2, Some(1)),
                (day(2026, 11, 2), "Brand", "Paid Search", 1, Some(1)),
            ]
        );
        assert!(sink.reported.iter().all(|r| r.platform == "sessions-table" && r.users.is_none()));
        let rejects: Vec<_> = sink.rejects.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(
            rejects,
            [(6, "start 'yesterday' does not begin with a date"), (7, "engaged 'maybe' is not true or false")]
        );
    }

    #[test]
    fn a_sessions_table_is_recognised_and_one_without_start_is_refused() {
        assert_eq!(detected_text(&format!("{HEADER}\n")), "sessions-table");
        let without_start = HEADER.replace(",start,", ",begin,");
        assert_ne!(detected_text(&format!("{without_start}\n")), "sessions-table");
        let err = read_text(&SessionsTable, &format!("{without_start}\n")).unwrap_err();
        assert!(err.to_string().contains("no 'start' column"), "{err}");
    }

    fn detected_text(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions.csv");
        std::fs::write(&path, text).unwrap();
        detected(&path).to_string()
    }
}
