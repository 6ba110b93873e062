//! Cause 6: the ad account's days against the view's. Per ad account (platform, account, zone):
//! does its zone differ from the view's; how many of its campaigns' sessions fall on another
//! view day than the account day they are compared on (exact, from the hits); and how many
//! clicks would land on another view day. With click times that count is exact; with daily
//! totals it cannot be known, and the report gives what can be: the hours of each account day
//! that fall on another view day, an estimate if clicks were spread evenly over the day, and
//! the most it could be.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::waterfall::Analysis;
use super::AccountTimeZone;
use crate::ad_index::{AdIndex, EntryRow};
use crate::time::{DateRange, ViewClock};

#[derive(Default)]
struct Account {
    clicks: i64,
    timed: i64,
    moved_exact: i64,
    estimated: f64,
    max_moved: i64,
    other_hours: f64,
    days: i64,
    first_date: Option<NaiveDate>,
}

pub(crate) fn account_zones(
    index: &AdIndex<'_>,
    analysis: &Analysis,
    clock: ViewClock,
    period: Option<DateRange>,
) -> Vec<AccountTimeZone> {
    let ads = index.ads;
    let in_period = |day| period.is_none_or(|p: DateRange| p.contains(day));
    let mut accounts: BTreeMap<(String, String, Option<String>), Account> = BTreeMap::new();
    for e in index.entries.iter().filter(|e| in_period(e.days.from) && in_period(e.days.to)) {
        if e.clicks == 0 {
            continue;
        }
        let (platform, account, zone_name, date, ts) = match e.row {
            EntryRow::Stat(i) => {
                let s = &ads.stats[i as usize];
                (&s.platform, &s.account, &s.time_zone, s.date, None)
            }
            EntryRow::Click(i) => {
                let c = &ads.clicks[i as usize];
                (&c.platform, &c.account, &c.time_zone, c.date, c.ts_ms)
            }
        };
        let acc = accounts.entry((platform.clone(), account.clone(), zone_name.clone())).or_default();
        acc.clicks += e.clicks;
        acc.first_date = Some(acc.first_date.map_or(date, |d| d.min(date)));
        let (Some(tz), Some(view_date)) = (index.zone_of(e.row), e.view_date) else { continue };
        if let Some(ts) = ts {
            acc.timed += e.clicks;
            if clock.date(ts) != date {
                acc.moved_exact += e.clicks;
            }
            continue;
        }
        // The account day's span, and how much of it lies outside the view day it is put on.
        let (start, end) = ViewClock::day_span(tz, date);
        let (view_start, view_end) = ViewClock::day_span(clock.tz, view_date);
        let overlap = (end.min(view_end) - start.max(view_start)).max(0);
        let length = (end - start).max(1);
        let other = length - overlap;
        acc.days += 1;
        acc.other_hours += other as f64 / 3_600_000.0;
        if other > 0 {
            acc.estimated += e.clicks as f64 * other as f64 / length as f64;
            acc.max_moved += e.clicks;
        }
    }
    let view = clock.tz.name();
    accounts
        .into_iter()
        .map(|((platform, account, time_zone), acc)| {
            let tz = time_zone.as_deref().and_then(|z| z.parse::<chrono_tz::Tz>().ok());
            let offset = tz.zip(acc.first_date).map(|(tz, d)| {
                let noon = ViewClock::day_span(tz, d).0 + 12 * 3_600_000;
                clock.offset_difference_hours(tz, noon)
            });
            let differs = tz.is_some_and(|tz| tz != clock.tz) && (offset != Some(0.0) || acc.other_hours > 0.0);
            let per_click_times = acc.clicks > 0 && acc.timed == acc.clicks;
            let sessions_shifted: i64 = index
                .campaigns
                .iter()
                .zip(&analysis.tallies)
                .filter(|(c, _)| c.platform == platform && tz.is_some_and(|tz| c.own_zone && c.clock.tz == tz))
                .map(|(_, t)| t.shifted)
                .sum();
            let compared = format!(
                " The comparison counts sessions on the account's days: {sessions_shifted} of its campaigns' \
                 sessions fall on another {view} day."
            );
            let explanation = match (&time_zone, tz) {
                (None, _) => format!("the export does not state the account's time zone; its days are taken as {view} days"),
                (Some(z), None) => format!("the export names the time zone '{z}', which is not an IANA zone; its days are taken as {view} days"),
                (Some(z), Some(_)) if !differs => format!("the account's days ({z}) are the view's days ({view}): no click changes day"),
                (Some(z), Some(_)) if per_click_times => format!(
                    "the account's days ({z}) are not the view's ({view}); from the click times, exactly {} of {} clicks \
                     fall on another {view} day than the account day they are reported under.{compared}",
                    acc.moved_exact, acc.clicks
                ),
                (Some(z), Some(_)) => format!(
                    "the account's days ({z}) are not the view's ({view}): about {:.1} hours of each account day fall on \
                     another {view} day. Daily totals cannot say how many clicks that moves; spread evenly over the day \
                     it would be about {:.0} of {} clicks, and at most {}{}",
                    acc.other_hours / acc.days.max(1) as f64,
                    acc.estimated,
                    acc.clicks - acc.timed,
                    acc.max_moved,
                    if acc.timed > 0 {
                        format!("; of the {} clicks with a time, exactly {} moved", acc.timed, acc.moved_exact)
                    } else {
                        String::new()
                    }
                ) + "." + &compared,
            };
            AccountTimeZone {
                platform,
                account,
                time_zone,
                view_time_zone: view.to_string(),
                differs,
                offset_difference_hours: offset,
                clicks: acc.clicks,
                per_click_times,
                clicks_moved: (tz.is_some() && acc.timed > 0).then_some(acc.moved_exact),
                estimated_clicks_moved: (tz.is_some() && !per_click_times).then_some(acc.estimated),
                max_clicks_moved: (tz.is_some() && !per_click_times).then_some(acc.max_moved),
                sessions_on_another_view_day: differs.then_some(sessions_shifted),
                explanation,
            }
        })
        .collect()
}
