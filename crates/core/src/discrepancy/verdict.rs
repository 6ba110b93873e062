//! The answer in plain words. A cell's, a campaign's or the report's tally becomes its causes,
//! largest first, each with its count and what to do about it, and a one-sentence verdict:
//! "Brand - Exact: 567 clicks → 389 GA4 sessions (69 per 100), below the usual 80–120. Likely
//! causes, largest first: …". The causes other than the day shift add up to sessions − clicks.

use super::waterfall::{Tally, BOT_LANDINGS, BOT_SESSIONS, EXTRA, FOLDED, NO_LANDING, TAGS_LOST, WITHOUT_CLICK};
use super::{Band, Cause, CauseKind};
use crate::metrics::sessions_per_click;
use crate::model::platform;

/// What the words of a verdict depend on besides the counts.
pub(crate) struct Wording<'a> {
    /// "GA4 sessions".
    pub sessions_label: String,
    pub band: Band,
    pub timeout_minutes: u32,
    pub bot_filter: bool,
    pub view_zone: &'a str,
}

/// What is known of the campaign a tally belongs to (none for a day or the whole report).
#[derive(Clone, Copy, Default)]
pub(crate) struct Subject<'a> {
    pub platform: Option<&'a str>,
    /// The ad account's zone, when it differs from the view's (named in the day-shift cause).
    pub account_zone: Option<&'a str>,
    /// The campaign's name matched no utm_campaign: the utm_campaign to map it to, if one is close.
    pub unmatched: Option<Option<&'a str>>,
}

/// `1,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("−{out}")
    } else {
        out
    }
}

fn click_id_name(p: Option<&str>) -> &'static str {
    match p {
        Some(platform::MICROSOFT) => "msclkid",
        Some(platform::META) => "fbclid",
        _ => "gclid",
    }
}

/// The causes of a tally in [`sort_causes`] order; causes with no count are left out.
pub(crate) fn causes(t: &Tally, subject: Subject<'_>, wording: &Wording<'_>) -> Vec<Cause> {
    let mut out = Vec::new();
    let mut add = |kind: CauseKind, count: i64, cause: String, action: String| {
        if count != 0 {
            out.push(Cause { kind, cause, count, action });
        }
    };
    let unseen = t.steps[NO_LANDING] - t.residual_short;
    if t.from_reports && subject.unmatched.is_none() {
        add(
            CauseKind::NotSeparable,
            t.residual_over - t.residual_short,
            "The difference reported totals cannot split: repeat clicks, lost tags, declined consent, bots or \
             bookmarks"
                .into(),
            "Import the raw events (GA4 BigQuery export) or the site's access log to see which of these it is".into(),
        );
        sort_causes(&mut out);
        return out;
    }
    match subject.unmatched {
        Some(suggestion) => add(
            CauseKind::NameMismatch,
            unseen,
            "No session carries this campaign: its name matches no utm_campaign".into(),
            match suggestion {
                Some(utm) => format!("Map this campaign to utm_campaign '{utm}' (Discrepancy → Unmatched campaigns)"),
                None => "Tag its ads with utm_campaign set to the campaign's name, or map it to the utm_campaign \
                         its links carry"
                    .into(),
            },
        ),
        None => add(
            CauseKind::NoLanding,
            unseen,
            "Clicks with no landing we can see: tag blocked, consent declined, or the visitor left before the page \
             loaded"
                .into(),
            "Up to 10–20 % is usual. If more, check landing-page speed, that the analytics tag loads on every \
             landing page, and how many visitors decline consent"
                .into(),
        ),
    }
    let page = t.main_lost_page().unwrap_or("the landing page");
    let id = click_id_name(subject.platform);
    add(
        CauseKind::TagsLost,
        t.steps[TAGS_LOST],
        format!("Tags lost on the way to {page}: visits from the ad network arrived with no utm tags and no {id}"),
        format!(
            "Fix the redirect on {page}: it must keep the query string (utm tags and {id}); check the ads' final \
             URLs and that auto-tagging is on"
        ),
    );
    add(
        CauseKind::RepeatClicks,
        t.steps[FOLDED],
        format!(
            "Repeat clicks inside one visit: the same visitor clicked again within {} minutes",
            wording.timeout_minutes
        ),
        "Nothing to fix: the ad platform counts every click, analytics one visit".into(),
    );
    add(
        CauseKind::ExtraSessions,
        t.steps[EXTRA],
        format!(
            "Visits that went on past the {}-minute timeout or midnight, or came back through the same ad link",
            wording.timeout_minutes
        ),
        "Nothing to fix: one click can start more than one session".into(),
    );
    add(
        CauseKind::SessionsWithoutClick,
        t.steps[WITHOUT_CLICK] + t.residual_over,
        "Sessions with the campaign's tags but no click: bookmarks, shared links, or returning visitors who keep the \
         campaign"
            .into(),
        format!(
            "Nothing to fix. If it is large, prefer auto-tagging ({id}) to manual utm tags, so shared links do not \
             count as the campaign"
        ),
    );
    add(
        CauseKind::BotLandings,
        t.steps[BOT_LANDINGS],
        "Clicks that reached the site only as bots".into(),
        "Check the platform's invalid-click report, and exclude placements or IP ranges that send bots".into(),
    );
    add(
        CauseKind::BotSessions,
        t.steps[BOT_SESSIONS],
        "Sessions of bots that carry the campaign's tags".into(),
        if wording.bot_filter {
            "Add these user agents to the bot list so they are left out".into()
        } else {
            "Turn on the bot filter (Rules panel) to leave them out".into()
        },
    );
    let zone = subject.account_zone.unwrap_or("its own zone");
    add(
        CauseKind::DayShift,
        t.shifted,
        format!(
            "Sessions on another day in the analytics time zone ({}) than in the ad account's ({zone}); they are \
             compared here on the account's days",
            wording.view_zone
        ),
        format!("Set the analytics property's time zone to the ad account's ({zone}) so daily reports line up"),
    );
    sort_causes(&mut out);
    out
}

/// Largest first, by size whatever the sign; the day shift, which moves sessions between days
/// without changing the gap, last.
pub(crate) fn sort_causes(causes: &mut [Cause]) {
    causes.sort_by_key(|c| (c.kind == CauseKind::DayShift, std::cmp::Reverse(c.count.abs())));
}

/// "Brand - Exact: 567 clicks → 389 GA4 sessions (69 per 100), below the usual 80–120. Likely
/// causes, largest first: … What to do: …".
pub(crate) fn verdict(subject: &str, clicks: i64, sessions: i64, causes: &[Cause], wording: &Wording<'_>) -> String {
    let label = &wording.sessions_label;
    let band = wording.band;
    let usual = format!("the usual {:.0}–{:.0}", band.low * 100.0, band.high * 100.0);
    let Some(ratio) = sessions_per_click(sessions, clicks) else {
        return format!("{subject}: no ad clicks in the period; {} {label} carry its campaign.", thousands(sessions));
    };
    let per_100 = (sessions as f64 * 100.0 / clicks as f64).round();
    let head =
        format!("{subject}: {} clicks → {} {label} ({per_100:.0} per 100)", thousands(clicks), thousands(sessions));
    let fixes: Vec<&Cause> = causes.iter().filter(|c| c.kind.needs_a_fix()).collect();
    if band.contains(ratio) {
        return match fixes.first() {
            Some(fix) => format!("{head}, within {usual}. Still worth fixing: {}.", lower_first(&fix.action)),
            None => format!("{head}, within {usual}: nothing needs fixing."),
        };
    }
    let side = if ratio < band.low { "below" } else { "above" };
    // The causes that push the ratio the way it is off.
    let pushing: Vec<&Cause> = causes
        .iter()
        .filter(|c| c.kind != CauseKind::DayShift && (c.count < 0) == (ratio < band.low))
        .take(3)
        .collect();
    let mut text = format!("{head}, {side} {usual}.");
    if !pushing.is_empty() {
        let list: Vec<String> = pushing
            .iter()
            .map(|c| format!("{} ({})", lower_first(short(&c.cause)), thousands(c.count.abs())))
            .collect();
        text.push_str(&format!(" Likely causes, largest first: {}.", list.join("; ")));
    }
    if let Some(first) = fixes.first().or(pushing.first()) {
        text.push_str(&format!(" What to do: {}.", lower_first(&first.action)));
    }
    text
}

/// A cause's words before the colon that explains it.
fn short(cause: &str) -> &str {
    cause.split(':').next().unwrap_or(cause)
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::waterfall::RESIDUAL;
    use super::*;

    fn wording() -> Wording<'static> {
        Wording {
            sessions_label: "GA4 sessions".into(),
            band: Band::default(),
            timeout_minutes: 30,
            bot_filter: true,
            view_zone: "UTC",
        }
    }

    #[test]
    fn numbers_read_with_thousands_separators() {
        assert_eq!(
            (thousands(0), thousands(999), thousands(1567), thousands(-1_234_567)),
            ("0".into(), "999".into(), "1,567".into(), "−1,234,567".into())
        );
    }

    #[test]
    fn a_campaign_below_the_band_names_its_largest_causes_and_the_fix() {
        let mut t = Tally { clicks: 567, sessions: 389, ..Tally::default() };
        t.steps[TAGS_LOST] = -120;
        t.steps[FOLDED] = -45;
        t.steps[RESIDUAL] = -13;
        t.residual_short = 13;
        t.lost_on.insert("/promo".into(), 120);
        let causes = causes(&t, Subject { platform: Some(platform::GOOGLE), ..Subject::default() }, &wording());
        let kinds: Vec<_> = causes.iter().map(|c| (c.kind, c.count)).collect();
        assert_eq!(kinds, [(CauseKind::TagsLost, -120), (CauseKind::RepeatClicks, -45), (CauseKind::NoLanding, -13)]);
        assert_eq!(causes.iter().map(|c| c.count).sum::<i64>(), 389 - 567, "the causes add up to the gap");
        let text = verdict("Brand - Exact", 567, 389, &causes, &wording());
        assert_eq!(
            text,
            "Brand - Exact: 567 clicks → 389 GA4 sessions (69 per 100), below the usual 80–120. Likely causes, \
             largest first: tags lost on the way to /promo (120); repeat clicks inside one visit (45); clicks with \
             no landing we can see (13). What to do: fix the redirect on /promo: it must keep the query string (utm \
             tags and gclid); check the ads' final URLs and that auto-tagging is on."
        );
    }

    #[test]
    fn within_the_band_nothing_needs_fixing_and_no_clicks_says_so() {
        let t = Tally { clicks: 100, sessions: 92, steps: [-8, 0, 0, 0, 0, 0, 0, 0], ..Tally::default() };
        let causes = causes(&t, Subject::default(), &wording());
        assert_eq!(
            verdict("All campaigns", 100, 92, &causes, &wording()),
            "All campaigns: 100 clicks → 92 GA4 sessions (92 per 100), within the usual 80–120: nothing needs fixing."
        );
        assert_eq!(
            verdict("Spring", 0, 4, &[], &wording()),
            "Spring: no ad clicks in the period; 4 GA4 sessions carry its campaign."
        );
    }

    #[test]
    fn an_unmatched_campaign_is_a_name_to_map_not_missing_landings() {
        let t = Tally { clicks: 50, residual_short: 50, steps: [0, 0, 0, 0, 0, 0, 0, -50], ..Tally::default() };
        let subject = Subject { unmatched: Some(Some("brand_exact")), ..Subject::default() };
        let causes = causes(&t, subject, &wording());
        assert_eq!(causes.len(), 1);
        assert_eq!((causes[0].kind, causes[0].count), (CauseKind::NameMismatch, -50));
        assert!(causes[0].action.contains("utm_campaign 'brand_exact'"), "{}", causes[0].action);
        let text = verdict("Brand", 50, 0, &causes, &wording());
        assert!(text.contains("below the usual 80–120") && text.contains("What to do: map this campaign"), "{text}");
    }
}
