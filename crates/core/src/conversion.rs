//! Conversions: hits the user marks as key events, by event name or by page pattern, counted
//! per session in one parallel pass over the hits.
//!
//! The goals are the store's to keep ([`crate::store`] saves them with the project) and
//! [`crate::metrics`]' to count, so they sit below both: this module reads only sessionized hits
//! ([`crate::sessionize`]) and URLs ([`crate::url`]).

use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::HitType;
use crate::sessionize::{HitTable, RuleSet, Sessionized, NO_SESSION};
use crate::url::path;

/// What counts as a conversion. A hit converts when its event name is in `events`, or when it
/// is a page view whose URL matches one of `pages`: `*` matches any run of characters, and a
/// pattern is matched against the URL's path (with its query) unless it holds `://`, when it is
/// matched against the whole URL. `/checkout/thanks*` matches `/checkout/thanks?order=1`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversionGoals {
    pub events: Vec<String>,
    pub pages: Vec<String>,
}

impl ConversionGoals {
    /// These goals and `more`, each list sorted and without repeats.
    pub fn merged(mut self, more: &ConversionGoals) -> ConversionGoals {
        self.events.extend(more.events.iter().cloned());
        self.pages.extend(more.pages.iter().cloned());
        for list in [&mut self.events, &mut self.pages] {
            list.sort();
            list.dedup();
        }
        self
    }

    /// These goals (a project's) with the rule set's key events: what the app, the CLI and the
    /// report count as conversions.
    pub fn with_rules(self, rules: &RuleSet) -> ConversionGoals {
        self.merged(&ConversionGoals { events: rules.engagement.key_events.clone(), pages: Vec::new() })
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.pages.is_empty()
    }

    /// Does a page at `url` match one of the page patterns?
    pub fn page_matches(&self, url: &str) -> bool {
        self.pages.iter().any(|p| {
            let subject = if p.contains("://") { url } else { path_and_query(url) };
            glob_match(p, subject)
        })
    }

    /// Conversion hits per session of `sessions` (indexed like `sessions.sessions`), counted on
    /// every core.
    pub fn per_session(&self, table: &HitTable, sessions: &Sessionized) -> Vec<u32> {
        if self.is_empty() {
            return vec![0; sessions.sessions.len()];
        }
        let d = &table.dict;
        let event_goal: Vec<bool> = d.events.iter().map(|e| !e.is_empty() && self.events.contains(e)).collect();
        let page_goal: Vec<bool> =
            if self.pages.is_empty() { Vec::new() } else { d.urls.par_iter().map(|u| self.page_matches(u)).collect() };
        let converts = |i: usize| {
            event_goal[table.event[i] as usize]
                || (!page_goal.is_empty() && table.hit_type[i] == HitType::PageView && page_goal[table.url[i] as usize])
        };
        let counts: Vec<AtomicU32> = sessions.sessions.iter().map(|_| AtomicU32::new(0)).collect();
        sessions.hit_session.par_iter().enumerate().with_min_len(1 << 16).for_each(|(i, &session)| {
            if session != NO_SESSION && converts(i) {
                counts[session as usize].fetch_add(1, Ordering::Relaxed);
            }
        });
        counts.into_iter().map(AtomicU32::into_inner).collect()
    }
}

/// The path of a URL with its query string (`/a?b=1`); a bare path stays as it is.
fn path_and_query(url: &str) -> &str {
    let p = path(url);
    // `path` returns a slice of `url` (or a static "/" for an empty path): read on from there.
    let offset = (p.as_ptr() as usize).wrapping_sub(url.as_ptr() as usize);
    match url.get(offset..) {
        Some(rest) if offset < url.len() && rest.starts_with(p) => rest.split('#').next().unwrap_or(rest),
        _ => p,
    }
}

/// `*` matches any run of characters (none included); everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            backtrack = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((star, matched)) = backtrack {
            pi = star + 1;
            ti = matched + 1;
            backtrack = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_s_goals_take_the_rule_set_s_key_events_and_more_once_each_sorted() {
        let project = ConversionGoals { events: vec!["sign_up".into()], pages: vec!["/thanks".into()] };
        let mut rules = RuleSet::default();
        rules.engagement.key_events = vec!["purchase".into(), "sign_up".into()];
        let more = ConversionGoals { events: vec!["purchase".into()], pages: vec!["/done".into(), "/thanks".into()] };
        let goals = project.with_rules(&rules).merged(&more);
        assert_eq!(goals.events, ["purchase", "sign_up"]);
        assert_eq!(goals.pages, ["/done", "/thanks"]);
    }

    #[test]
    fn globs_match_whole_strings_with_stars_for_any_run() {
        assert!(glob_match("/checkout/thanks*", "/checkout/thanks?order=1"));
        assert!(glob_match("/checkout/thanks*", "/checkout/thanks"));
        assert!(glob_match("*/thanks", "/en/checkout/thanks"));
        assert!(glob_match("/a*b*c", "/a-x-b-y-c"));
        assert!(!glob_match("/a*b*c", "/a-x-b-y-d"));
        assert!(!glob_match("/checkout", "/checkout/thanks"));
        assert!(glob_match("*", ""));
        assert!(glob_match("/ü*", "/über"));
    }

    #[test]
    fn page_patterns_read_the_path_unless_they_name_a_scheme() {
        let goals = ConversionGoals { events: vec![], pages: vec!["/checkout/thanks*".into()] };
        assert!(goals.page_matches("https://shop.example/checkout/thanks?o=1"));
        assert!(goals.page_matches("/checkout/thanks"));
        assert!(!goals.page_matches("https://shop.example/cart"));
        let full = ConversionGoals { events: vec![], pages: vec!["https://shop.example/*thanks".into()] };
        assert!(full.page_matches("https://shop.example/checkout/thanks"));
        assert!(!full.page_matches("https://other.example/checkout/thanks"));
    }
}
