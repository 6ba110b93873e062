//! Ad clicks against the sessions an analytics tool reported (a GA4 Traffic acquisition
//! download, say), for a project that holds no hits. Without hits there is nothing to
//! re-sessionize and no visit to look at, so the difference is one number per cell that the
//! report cannot split into causes; what it can say is which campaigns are off, on which days,
//! and which names match nothing.
//!
//! - One tool's rows are used (GA4, then Universal Analytics, Matomo, Plausible: whichever holds
//!   campaign rows first), so two tools' reports of the same visits are not added up.
//! - Reported campaigns are matched to ad campaigns like utm_campaign values are: the user's
//!   mapping, the normalised name, or the campaign id. GA4's `(organic)`, `(direct)`,
//!   `(not set)` and the like are not ad campaigns.
//! - A campaign is compared per day when both sides have days, else over the period: where a
//!   campaign has daily rows those are used, else its period rows.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};

use super::waterfall::{waterfall, Analysis, Cell, Tally, RESIDUAL};
use super::{MatchedName, UnmatchedUtm};
use crate::ad_index::{platform_of_source, AdIndex, CampaignNames, NONE};
use crate::store::reports::ReportedSessions;
use crate::time::DateRange;

/// The tools whose reports can stand for sessions, in the order one is chosen.
/// A sessions table (`sessionlens sql`) comes first: its sessions follow the rules asked for.
const TOOLS: [(&str, &str); 5] =
    [("sessions-table", "warehouse"), ("ga4", "GA4"), ("ua", "UA"), ("matomo", "Matomo"), ("plausible", "Plausible")];

/// The tool whose campaign rows the comparison uses, and its name for sentences ("GA4").
pub(crate) fn chosen_tool(reported: &[ReportedSessions]) -> Option<(&'static str, &'static str)> {
    TOOLS.into_iter().find(|(id, _)| reported.iter().any(|r| r.platform == *id && r.is_ad_campaign()))
}

pub(crate) fn analyse(
    index: &AdIndex<'_>,
    reported: &[ReportedSessions],
    period: Option<DateRange>,
    limit: usize,
) -> Analysis {
    let campaigns = &index.campaigns;
    let in_period = |days: DateRange| period.is_none_or(|p| p.covers(days));
    let tool = chosen_tool(reported).map_or("", |(id, _)| id);
    let names = CampaignNames::new(campaigns, &index.ads.mappings);

    // The rows of the chosen tool, matched to ad campaigns.
    let mut matched_rows: Vec<(u32, &ReportedSessions)> = Vec::new();
    let mut matched: Vec<Vec<MatchedName>> = vec![Vec::new(); campaigns.len()];
    let mut unmatched: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    for r in reported.iter().filter(|r| r.platform == tool && r.is_ad_campaign()) {
        match names.find(&r.campaign, platform_of_source(&r.source), campaigns) {
            Some((a, how)) if a != NONE => {
                matched_rows.push((a, r));
                let list = &mut matched[a as usize];
                if !list.iter().any(|m| m.utm_campaign == r.campaign) {
                    list.push(MatchedName { utm_campaign: r.campaign.clone(), matched_by: how });
                }
            }
            _ => {
                let days = DateRange { from: r.first_date, to: r.last_date };
                if in_period(days) {
                    *unmatched.entry((r.campaign.clone(), r.source.clone(), r.medium.clone())).or_default() +=
                        r.sessions;
                }
            }
        }
    }
    // Daily rows where a campaign has them and its clicks have days too; else period rows.
    let has_daily_rows: FxHashSet<u32> =
        matched_rows.iter().filter(|(_, r)| r.first_date == r.last_date).map(|(a, _)| *a).collect();
    let by_day = |a: u32| campaigns[a as usize].daily && has_daily_rows.contains(&a);
    let key = |a: u32, day: NaiveDate| by_day(a).then_some(day);

    let mut cells: BTreeMap<Cell, Tally> = BTreeMap::new();
    for e in index.entries.iter().filter(|e| in_period(e.days)) {
        cells.entry((e.campaign, key(e.campaign, e.days.from))).or_default().clicks += e.clicks;
    }
    for (a, r) in &matched_rows {
        let daily_row = r.first_date == r.last_date;
        if daily_row != has_daily_rows.contains(a) || !in_period(DateRange { from: r.first_date, to: r.last_date }) {
            continue;
        }
        cells.entry((*a, key(*a, r.first_date))).or_default().sessions += r.sessions;
    }
    for tally in cells.values_mut() {
        let difference = tally.sessions - tally.clicks;
        tally.steps[RESIDUAL] = difference;
        tally.residual_short = (-difference).max(0);
        tally.residual_over = difference.max(0);
        tally.from_reports = true;
    }

    let tallies: Vec<Tally> = (0..campaigns.len() as u32)
        .map(|a| Tally::sum(cells.range((a, None)..=(a, Some(NaiveDate::MAX))).map(|(_, t)| t), limit))
        .collect();
    let overall_tally = Tally::sum(&tallies, limit);
    let mut unmatched_utm: Vec<UnmatchedUtm> = unmatched
        .into_iter()
        .map(|((utm_campaign, source, medium), sessions)| UnmatchedUtm { utm_campaign, source, medium, sessions })
        .collect();
    unmatched_utm.sort_by(|a, b| b.sessions.cmp(&a.sessions).then_with(|| a.utm_campaign.cmp(&b.utm_campaign)));
    let mut notes = vec![format!(
        "sessions are those the {} report states: without hits the difference per campaign cannot be split into \
         causes; import the raw events (GA4 BigQuery export) or the site's access log to see them",
        TOOLS.iter().find(|(id, _)| *id == tool).map_or(tool, |(_, name)| name)
    )];
    let other_tools: FxHashMap<&str, ()> =
        reported.iter().filter(|r| r.platform != tool).map(|r| (r.platform.as_str(), ())).collect();
    if !other_tools.is_empty() {
        let mut names: Vec<&str> = other_tools.into_keys().collect();
        names.sort_unstable();
        notes.push(format!("reports of other tools ({}) are not added, so no visit counts twice", names.join(", ")));
    }
    Analysis {
        overall: waterfall(&overall_tally, false, false),
        cells,
        tallies,
        overall_tally,
        matched,
        unmatched_utm,
        notes,
        bot_filter: false,
    }
}
