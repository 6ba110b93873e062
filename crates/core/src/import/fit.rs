//! Does a file fit the project it is about to join? A preview's rows say which days the file
//! covers and which sites its traffic is for; the project says the same of what it holds
//! ([`Project::coverage`](crate::Project::coverage)). A traffic file for another site, or a file
//! whose days lie far from the project's, gets a warning in plain words before it is imported:
//! its rows would line up with nothing already there.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};

use super::{OwnedAdClick, OwnedAdStat, OwnedHit};
use crate::classify::sites::registrable_domain;
use crate::url;

/// A file that starts within this many days after the project's data ends (or ends within
/// them before it starts) continues it, as next month's logs do: no warning.
const NEAR_DAYS: u64 = 31;
/// How far past its last previewed row a file whose preview is not complete is taken to run.
const UNSEEN_DAYS: u64 = 366;
/// Host names listed in a warning before "and N more".
const HOSTS_NAMED: usize = 3;

/// The days and sites of some data: a file's first rows, or a whole project.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// First and last day: UTC days of hits, the ad account's days of ad rows.
    pub days: Option<(NaiveDate, NaiveDate)>,
    /// The host names of the traffic's page URLs, lower-case, sorted, each once; empty when
    /// pages carry no host (most access logs log paths only).
    pub hosts: Vec<String>,
}

impl Coverage {
    /// What rows read from a file cover.
    pub fn of_rows(hits: &[OwnedHit], ad_stats: &[OwnedAdStat], ad_clicks: &[OwnedAdClick]) -> Coverage {
        let days = hits
            .iter()
            .filter_map(|h| chrono::DateTime::from_timestamp_millis(h.ts_ms).map(|t| t.date_naive()))
            .chain(ad_stats.iter().map(|s| s.date))
            .chain(ad_clicks.iter().map(|c| c.date));
        Coverage::new(days, hits.iter().map(|h| h.url.as_str()))
    }

    /// The coverage of rows on `days` whose pages are `urls`.
    pub fn new(days: impl IntoIterator<Item = NaiveDate>, urls: impl IntoIterator<Item = impl AsRef<str>>) -> Coverage {
        let days = days.into_iter().fold(None, |span: Option<(NaiveDate, NaiveDate)>, day| match span {
            None => Some((day, day)),
            Some((first, last)) => Some((first.min(day), last.max(day))),
        });
        let mut hosts = BTreeSet::new();
        for url in urls {
            let host = url::host(url.as_ref());
            if !host.is_empty() && !hosts.contains(host) {
                hosts.insert(host.to_ascii_lowercase());
            }
        }
        Coverage { days, hosts: hosts.into_iter().collect() }
    }
}

/// Why a file would not line up with the project, in plain words; empty when it fits or when
/// either side has nothing to compare. `complete` says the file's coverage is of all its rows,
/// not just its first ones.
pub fn warnings(file: &Coverage, complete: bool, project: &Coverage) -> Vec<String> {
    let mut warnings = Vec::new();
    let sites = |hosts: &[String]| hosts.iter().map(|h| registrable_domain(h).to_string()).collect::<Vec<_>>();
    let project_sites = sites(&project.hosts);
    if !file.hosts.is_empty()
        && !project.hosts.is_empty()
        && !sites(&file.hosts).iter().any(|s| project_sites.contains(s))
    {
        warnings.push(format!(
            "This file's traffic is for {}; the project's traffic is for {}. Check that it is the site you meant.",
            named(&file.hosts),
            named(&project.hosts)
        ));
    }
    if let (Some((first, last)), Some((project_first, project_last))) = (file.days, project.days) {
        let runs_to = if complete { last } else { last + Days::new(UNSEEN_DAYS) };
        let near = Days::new(NEAR_DAYS);
        if runs_to + near < project_first || first > project_last + near {
            let file_days = if complete {
                format!("covers {}", months(first, last))
            } else {
                format!("starts in {}", month(first))
            };
            warnings.push(format!(
                "This file {file_days}; the project's data covers {}: nothing will line up.",
                months(project_first, project_last)
            ));
        }
    }
    warnings
}

/// "a.example", "a.example and b.example", "a.example, b.example, c.example and 2 more".
fn named(hosts: &[String]) -> String {
    let shown = &hosts[..hosts.len().min(HOSTS_NAMED)];
    let rest = hosts.len() - shown.len();
    match (shown, rest) {
        ([only], 0) => only.clone(),
        ([init @ .., last], 0) => format!("{} and {last}", init.join(", ")),
        _ => format!("{} and {rest} more", shown.join(", ")),
    }
}

/// "Oct 2015".
fn month(day: NaiveDate) -> String {
    day.format("%b %Y").to_string()
}

/// "Oct 2015", "Oct – Dec 2015" or "Nov 2015 – Jan 2016".
fn months(first: NaiveDate, last: NaiveDate) -> String {
    use chrono::Datelike;
    if (first.year(), first.month()) == (last.year(), last.month()) {
        month(first)
    } else if first.year() == last.year() {
        format!("{} – {}", first.format("%b"), month(last))
    } else {
        format!("{} – {}", month(first), month(last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn covering(first: NaiveDate, last: NaiveDate, hosts: &[&str]) -> Coverage {
        Coverage { days: Some((first, last)), hosts: hosts.iter().map(|h| h.to_string()).collect() }
    }

    #[test]
    fn rows_give_their_days_and_page_hosts() {
        let hit = |ts_ms, url: &str| OwnedHit { ts_ms, url: url.into(), ..Default::default() };
        let hits = [
            // 2024-03-02 23:30 UTC, then 2024-03-01 10:00 UTC: order does not matter.
            hit(1_709_422_200_000, "https://Shop.Example.com/a?x=1"),
            hit(1_709_287_200_000, "/cart"),
            hit(1_709_287_300_000, "https://shop.example.com:8443/b"),
        ];
        let c = Coverage::of_rows(&hits, &[], &[]);
        assert_eq!(c.days, Some((day(2024, 3, 1), day(2024, 3, 2))));
        assert_eq!(c.hosts, ["shop.example.com"]);

        let stat = OwnedAdStat { date: day(2026, 11, 3), ..Default::default() };
        let click = OwnedAdClick { date: day(2026, 11, 1), ..Default::default() };
        let ads = Coverage::of_rows(&[], &[stat], &[click]);
        assert_eq!((ads.days, ads.hosts.len()), (Some((day(2026, 11, 1), day(2026, 11, 3))), 0));
        assert_eq!(Coverage::of_rows(&[], &[], &[]), Coverage::default());
    }

    #[test]
    fn a_file_for_another_site_is_named_with_the_projects_sites() {
        let project = covering(day(2026, 11, 1), day(2026, 11, 30), &["shop.example.com"]);
        let file = covering(day(2026, 11, 5), day(2026, 11, 5), &["www.example.org"]);
        assert_eq!(
            warnings(&file, false, &project),
            ["This file's traffic is for www.example.org; the project's traffic is for shop.example.com. \
              Check that it is the site you meant."]
        );
        let same_site = covering(day(2026, 11, 5), day(2026, 11, 5), &["www.example.com"]);
        assert!(warnings(&same_site, false, &project).is_empty(), "another host of the same site fits");
        let no_hosts = covering(day(2026, 11, 5), day(2026, 11, 5), &[]);
        assert!(warnings(&no_hosts, false, &project).is_empty(), "a log of paths says nothing about its site");
        let many = covering(day(2026, 11, 5), day(2026, 11, 5), &["a.test", "b.test", "c.test", "d.test", "e.test"]);
        assert!(warnings(&many, false, &project)[0].contains("a.test, b.test, c.test and 2 more;"));
    }

    #[test]
    fn a_file_far_from_the_projects_days_will_not_line_up() {
        let project = covering(day(2026, 11, 1), day(2026, 11, 30), &[]);
        let old_log = covering(day(2015, 10, 25), day(2015, 10, 25), &[]);
        assert_eq!(
            warnings(&old_log, false, &project),
            ["This file starts in Oct 2015; the project's data covers Nov 2026: nothing will line up."]
        );
        let whole = covering(day(2015, 10, 25), day(2016, 1, 2), &[]);
        assert_eq!(
            warnings(&whole, true, &project),
            ["This file covers Oct 2015 – Jan 2016; the project's data covers Nov 2026: nothing will line up."]
        );
        let spring = covering(day(2026, 3, 1), day(2026, 5, 31), &[]);
        assert!(warnings(&spring, true, &project)[0].contains("covers Mar – May 2026;"));
    }

    #[test]
    fn overlapping_continuing_and_possibly_overlapping_files_fit() {
        let project = covering(day(2024, 3, 1), day(2024, 3, 31), &[]);
        let fits = |first, last, complete| warnings(&covering(first, last, &[]), complete, &project).is_empty();
        assert!(fits(day(2024, 3, 10), day(2024, 3, 12), true), "inside");
        assert!(fits(day(2024, 4, 1), day(2024, 4, 30), true), "next month's data continues the project");
        assert!(fits(day(2024, 2, 1), day(2024, 2, 29), true), "as does last month's");
        assert!(fits(day(2024, 1, 1), day(2024, 1, 1), false), "a long log may run on into March");
        assert!(!fits(day(2024, 1, 1), day(2024, 1, 10), true), "a whole January file is not near March");
        assert!(!fits(day(2024, 6, 1), day(2024, 6, 1), false), "a file that starts in June is after it");
        assert!(warnings(&covering(day(2015, 1, 1), day(2015, 1, 1), &[]), true, &Coverage::default()).is_empty());
    }
}
