//! The generator: one chain of common table expressions, each a step of the engine.
//!
//! 0. with a GA4 export as input, `ga4_event` and `hits`: the export's events as the
//!    contract's hits (see [`super::input`]).
//! 1. `hit`: the contract's columns with absent values as `''`, each hit's canonical row
//!    index (the engine's order: time, hit type, interaction, then the values as text) and
//!    local day; `bot_agent` and `kept` drop the bot filter's user agents.
//! 2. `visited`: the visitor and walk group of each hit under the identity, with the engine's
//!    fallbacks (user → client → IP + user agent + local day → the hit alone).
//! 3. `walked` / `decided`: for each hit the group's previous activity hit (an interaction hit
//!    under `--interaction-only`, else any hit), which is always in the running session; the
//!    split rules compare with it (timeout, local midnight, UTC hour). An activity hit that
//!    splits starts a session; any other hit that would split is uncounted, and so is every
//!    hit before the group's first activity hit; the rest join the running session.
//!    `split` puts a user id change first, from the user of the running session, and cuts
//!    sessions at the maximum length (a recursive query follows the chain of cuts).
//! 4. `numbered`: sessions numbered within their group by a running count of starts, cut into
//!    parts of `--max-hits` hits.
//! 5. `member` / `session`: per session its first hit's values, landing and exit pages, and
//!    counts; the final query applies the duration, engagement and bounce definitions.

use super::input::{ga4_hits, Input};
use super::Dialect;
use crate::classify::bots;
use crate::sessionize::{BounceRule, DurationRule, Identity, RuleSet};

/// The walk group: a visitor, and under the source-session identity the recorded session.
const GROUP: &str = "visitor_kind, visitor_a, visitor_b, visitor_day, recorded_session";
/// A visitor, as the engine keys it (not its label: a client id may read like a user label).
const VISITOR: &str = "visitor_kind, visitor_a, visitor_b, visitor_day";
/// A session: its group, its number in the group, and its `--max-hits` part.
const SESSION: &str =
    "visitor_kind, visitor_a, visitor_b, visitor_day, recorded_session, session_in_group, session_part";
const MS_PER_HOUR: u32 = 3_600_000;

/// Unicode white space as Rust's `str::trim` strips it (the bot filter trims user agents), in
/// RE2 / Java class syntax.
pub(super) const WHITE_SPACE: &str =
    r"[\t\n\x0B\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]";

/// The contract's text columns (absent as `''`) with the names the script gives them, in the
/// order the engine breaks ties of time, hit type and interaction (see `sessionize::table`).
const TEXT_COLUMNS: [(&str, &str); 15] = [
    ("url", "url"),
    ("event_name", "event_name"),
    ("referrer", "referrer"),
    ("user_agent", "user_agent"),
    ("utm_source", "utm_source"),
    ("utm_medium", "utm_medium"),
    ("utm_campaign", "utm_campaign"),
    ("utm_term", "utm_term"),
    ("utm_content", "utm_content"),
    ("click_id_param", "click_id_param"),
    ("click_id", "click_id"),
    ("visitor_id", "client"),
    ("user_id", "app_user"),
    ("source_session_id", "source_session"),
    ("ip", "ip"),
];

/// The entrance's campaign columns of `sessions`, from the session's first hit.
const ENTRANCE: [(&str, &str); 5] = [
    ("campaign", "utm_campaign"),
    ("term", "utm_term"),
    ("content", "utm_content"),
    ("click_id_param", "click_id_param"),
    ("click_id", "click_id"),
];

/// Hit types as `kind` numbers, in the engine's order.
const PAGE_VIEW: u8 = 0;
const EVENT: u8 = 1;
const ASSET: u8 = 2;

/// The script for `rules` (normalized, with no refused rule) in `dialect`, reading `input`
/// (one `dialect` can read).
pub(super) fn write(rules: &RuleSet, d: Dialect, input: &Input) -> String {
    let mut ctes: Vec<(&str, String)> = Vec::new();
    let source = match input {
        Input::Hits => "table `hits`".to_string(),
        Input::Ga4Export(export) => {
            ctes.extend(ga4_hits(export));
            format!("GA4 export `{}`", export.table)
        }
    };
    ctes.push(("hit", hit(d)));
    ctes.push(("ranked", ranked(rules, d)));
    let mut kept = "ranked";
    if rules.bot_filter {
        let (plain, patterns) = bots::split_patterns();
        let patterns: Vec<String> = patterns.iter().map(|p| regex_for(p)).collect();
        ctes.push(("bot_string", d.rows("needle", &plain)));
        ctes.push(("bot_pattern", d.rows("pattern", &patterns)));
        ctes.push(("agent", agent(d)));
        ctes.push(("bot_agent", bot_agent(d)));
        ctes.push((
            "kept",
            "SELECT r.* FROM ranked AS r LEFT JOIN bot_agent AS b ON r.user_agent = b.user_agent\n\
             WHERE b.user_agent IS NULL"
                .into(),
        ));
        kept = "kept";
    }
    if rules.identity == Identity::User {
        ctes.push((
            "stitch",
            format!(
                "SELECT DISTINCT client AS stitch_client,\n  \
                 FIRST_VALUE(app_user) OVER (PARTITION BY client ORDER BY row_index) AS stitch_user\n\
                 FROM {kept} WHERE client <> '' AND app_user <> ''"
            ),
        ));
    }
    ctes.push(("visited", visited(rules, d, kept)));
    ctes.push(("walked", walked()));
    ctes.push(("decided", decided(rules)));
    ctes.extend(split(rules, d));
    ctes.push(("counted", counted()));
    ctes.push(("numbered", numbered(rules, d)));
    ctes.push(("session_hit", session_hit()));
    ctes.push(("session_total", session_total()));
    let with: Vec<String> = ctes.iter().map(|(name, body)| format!("{name} AS (\n{body}\n)")).collect();
    // The maximum length follows a chain of cuts (see `max_length`).
    let recursive = if rules.max_session_length_s.is_some() { " RECURSIVE" } else { "" };
    let query = format!("WITH{recursive}\n{}\n{}", with.join(",\n"), output(rules, d));
    let header = format!(
        "-- SessionLens sessions as {} SQL: {source} -> table `sessions`.\n\
         -- Rule set {} (preset {}), written by `sessionlens sql`.\n",
        d.title(),
        rules.hash(),
        rules.preset.as_str(),
    );
    format!("{header}{}", d.create_table("sessions", &query))
}

/// A bot list pattern as RE2 and Java read it the way Rust's `regex` does: `\d` is any
/// Unicode decimal digit there, ASCII digits only in RE2 and Java.
pub(super) fn regex_for(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str(r"\p{Nd}"),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// An `IN` list of string literals, or `None` for an empty list.
fn in_list(d: Dialect, items: &[String]) -> Option<String> {
    (!items.is_empty()).then(|| items.iter().map(|i| d.string(i)).collect::<Vec<_>>().join(", "))
}

fn hit(d: Dialect) -> String {
    let mut columns = vec![
        "ts".to_string(),
        format!("{} AS ts_ms", d.epoch_ms("ts")),
        format!("CASE hit_type WHEN 'pageview' THEN {PAGE_VIEW} WHEN 'event' THEN {EVENT} ELSE {ASSET} END AS kind"),
        "COALESCE(interaction, FALSE) AS interaction".to_string(),
    ];
    columns.extend(TEXT_COLUMNS.iter().map(|(from, to)| format!("COALESCE({from}, '') AS {to}")));
    format!("SELECT\n  {}\nFROM hits", columns.join(",\n  "))
}

fn ranked(rules: &RuleSet, d: Dialect) -> String {
    let mut order = vec!["ts_ms".to_string(), "kind".into(), "interaction".into()];
    order.extend(TEXT_COLUMNS.iter().map(|(_, name)| d.byte_order(name)));
    format!(
        "SELECT hit.*,\n  ROW_NUMBER() OVER (ORDER BY {}) - 1 AS row_index,\n  {} AS local_day\nFROM hit",
        order.join(", "),
        d.local_date("ts", &rules.time_zone),
    )
}

/// The distinct user agents the bot filter looks at: trimmed, neither empty nor `-`.
fn agent(d: Dialect) -> String {
    format!(
        "SELECT user_agent, trimmed FROM (\n  \
         SELECT user_agent, {} AS trimmed FROM (SELECT DISTINCT user_agent FROM ranked) AS distinct_agent\n\
         ) AS trimmed_agent\nWHERE trimmed <> '' AND trimmed <> '-'",
        d.trim_class("user_agent", WHITE_SPACE)
    )
}

fn bot_agent(d: Dialect) -> String {
    format!(
        "SELECT DISTINCT user_agent FROM (\n  \
         SELECT a.user_agent FROM agent AS a JOIN bot_string AS b ON {}\n  \
         UNION ALL\n  \
         SELECT a.user_agent FROM agent AS a JOIN bot_pattern AS p ON {}\n\
         ) AS matched",
        d.contains("a.trimmed", "b.needle"),
        d.regex_search("a.trimmed", "p.pattern"),
    )
}

/// A visitor key of the engine (`sessionize::identity::Visitor`) as the five columns the
/// script keeps of it: kind, two key parts, local day, label (as `visitor_label` gives it).
struct Key {
    kind: &'static str,
    a: String,
    b: String,
    day: String,
    label: String,
}

impl Key {
    fn client() -> Key {
        Key { kind: "1", a: "client".into(), b: "''".into(), day: "CAST(NULL AS DATE)".into(), label: "client".into() }
    }

    fn user(user: &str) -> Key {
        Key {
            kind: "2",
            a: user.into(),
            b: "''".into(),
            day: "CAST(NULL AS DATE)".into(),
            label: format!("CONCAT('user:', {user})"),
        }
    }

    fn ip_ua_day(d: Dialect) -> Key {
        Key {
            kind: "3",
            a: "ip".into(),
            b: "user_agent".into(),
            day: "local_day".into(),
            label: format!(
                "CONCAT('ip:', ip, ' ua:', SUBSTR({}, 1, 8), ' day:', {})",
                d.md5_hex("user_agent"),
                d.text("local_day")
            ),
        }
    }

    fn ip() -> Key {
        Key {
            kind: "4",
            a: "ip".into(),
            b: "''".into(),
            day: "CAST(NULL AS DATE)".into(),
            label: "CONCAT('ip:', ip)".into(),
        }
    }

    /// A hit with nothing to tie it to anyone, labelled by its row in the engine's order.
    fn hit(d: Dialect) -> Key {
        let row = d.text("row_index");
        Key {
            kind: "5",
            a: row.clone(),
            b: "''".into(),
            day: "CAST(NULL AS DATE)".into(),
            label: format!("CONCAT('hit:', {row})"),
        }
    }
}

/// The identity's keys, first match wins (`None`: always).
fn visitor_keys(identity: Identity, d: Dialect) -> Vec<(Option<&'static str>, Key)> {
    let no_ip_nor_agent = Some("ip = '' AND user_agent = ''");
    let by_client =
        || vec![(Some("client <> ''"), Key::client()), (no_ip_nor_agent, Key::hit(d)), (None, Key::ip_ua_day(d))];
    match identity {
        Identity::Client | Identity::SourceSession => by_client(),
        Identity::User => {
            let mut keys = vec![(Some("stitched_user <> ''"), Key::user("stitched_user"))];
            keys.extend(by_client());
            keys
        }
        Identity::IpUaDay => vec![(no_ip_nor_agent, Key::hit(d)), (None, Key::ip_ua_day(d))],
        // The fingerprint identity is refused before writing (see `super::refusals`).
        Identity::Ip | Identity::Fingerprint => vec![(Some("ip <> ''"), Key::ip()), (None, Key::hit(d))],
    }
}

fn visited(rules: &RuleSet, d: Dialect, kept: &str) -> String {
    let keys = visitor_keys(rules.identity, d);
    let case = |value: fn(&Key) -> &str| {
        let mut text = String::from("CASE");
        for (condition, key) in &keys {
            match condition {
                Some(c) => text.push_str(&format!(" WHEN {c} THEN {}", value(key))),
                None => text.push_str(&format!(" ELSE {}", value(key))),
            }
        }
        text + " END"
    };
    let interaction = match in_list(d, &rules.non_interaction_events) {
        Some(events) => format!("(interaction AND event_name NOT IN ({events}))"),
        None => "interaction".into(),
    };
    let activity = if rules.interaction_only { interaction.clone() } else { "TRUE".into() };
    let key_event = match in_list(d, &rules.engagement.key_events) {
        Some(events) => format!("event_name IN ({events})"),
        None => "FALSE".into(),
    };
    let recorded = if rules.identity == Identity::SourceSession { "source_session" } else { "''" };
    let from = if rules.identity == Identity::User {
        format!(
            "(SELECT k.*, CASE WHEN k.app_user <> '' THEN k.app_user ELSE COALESCE(s.stitch_user, '') END AS stitched_user\n  \
             FROM {kept} AS k LEFT JOIN stitch AS s ON s.stitch_client = k.client)"
        )
    } else {
        kept.to_string()
    };
    format!(
        "SELECT v.*,\n  \
         {} AS visitor_kind,\n  \
         {} AS visitor_a,\n  \
         {} AS visitor_b,\n  \
         {} AS visitor_day,\n  \
         {} AS visitor_label,\n  \
         {recorded} AS recorded_session,\n  \
         {interaction} AS counts_interaction,\n  \
         {activity} AS activity,\n  \
         {key_event} AS key_event,\n  \
         {} AS hour_index\n\
         FROM {from} AS v",
        case(|k| k.kind),
        case(|k| &k.a),
        case(|k| &k.b),
        case(|k| &k.day),
        case(|k| &k.label),
        d.int_div("ts_ms", &MS_PER_HOUR.to_string()),
    )
}

/// The running session's last activity hit is the group's previous one: its time, local day
/// and UTC hour are what the split rules compare with.
fn walked() -> String {
    let before =
        format!("OVER (PARTITION BY {GROUP} ORDER BY row_index ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)");
    format!(
        "SELECT v.*,\n  \
         MAX(CASE WHEN activity THEN ts_ms END) {before} AS previous_activity_ms,\n  \
         MAX(CASE WHEN activity THEN local_day END) {before} AS previous_activity_day,\n  \
         MAX(CASE WHEN activity THEN hour_index END) {before} AS previous_activity_hour,\n  \
         MIN(row_index) OVER (PARTITION BY {GROUP}) AS group_first_row\n\
         FROM visited AS v"
    )
}

/// Why a hit would start a session, in the engine's order of the rules; NULL: it continues
/// the running one.
fn decided(rules: &RuleSet) -> String {
    let mut case = vec![
        "WHEN previous_activity_ms IS NULL THEN 'first-hit'".to_string(),
        "WHEN recorded_session <> '' THEN NULL".into(),
        format!("WHEN ts_ms - previous_activity_ms > {} THEN 'timeout'", u64::from(rules.inactivity_timeout_s) * 1000),
    ];
    if rules.split_at_midnight {
        case.push("WHEN local_day > previous_activity_day THEN 'midnight'".into());
    }
    if rules.split_at_hour {
        case.push("WHEN hour_index > previous_activity_hour THEN 'hour'".into());
    }
    format!("SELECT w.*,\n  CASE\n    {}\n  END AS clock_reason\nFROM walked AS w", case.join("\n    "))
}

/// Why each hit would start a session: a user id change first, then the clock rules, then
/// the maximum length. (The user change and the maximum length together are refused.)
fn split(rules: &RuleSet, d: Dialect) -> Vec<(&'static str, String)> {
    if rules.split_on_user_id_change {
        return user_change(d);
    }
    if let Some(max) = rules.max_session_length_s {
        return max_length(u64::from(max) * 1000);
    }
    vec![("split", "SELECT c.*, clock_reason AS split_reason FROM decided AS c".into())]
}

/// The clock segments: the hits between two starts by the clock rules (dropping the hits those
/// leave uncounted), numbered within their group.
fn segmented() -> (&'static str, String) {
    (
        "segmented",
        format!(
            "SELECT c.*,\n  \
             SUM(CASE WHEN activity AND clock_reason IS NOT NULL THEN 1 ELSE 0 END)\n    \
             OVER (PARTITION BY {GROUP} ORDER BY row_index ROWS UNBOUNDED PRECEDING) AS segment\n\
             FROM decided AS c\nWHERE clock_reason IS NULL OR activity"
        ),
    )
}

/// The running session's user (the first user id added to it, which later hits either repeat
/// or split on) is that of the latest hit in its clock segment that has a user id and is an
/// activity hit or the segment's first with one; a non-interaction hit of another user is
/// uncounted and changes nothing.
fn user_change(d: Dialect) -> Vec<(&'static str, String)> {
    let row = format!("LPAD({}, 20, '0')", d.text("row_index"));
    vec![
        segmented(),
        (
            "user_tracked",
            format!(
                "SELECT t.*,\n  \
                 MAX(CASE WHEN app_user <> '' AND (activity OR row_index = segment_first_user_row)\n    \
                 THEN CONCAT({row}, app_user) END)\n    \
                 OVER (PARTITION BY {GROUP}, segment ORDER BY row_index ROWS UNBOUNDED PRECEDING) AS user_after\n\
                 FROM (\n  \
                 SELECT segmented.*,\n    \
                 MIN(CASE WHEN app_user <> '' THEN row_index END) OVER (PARTITION BY {GROUP}, segment)\n    \
                 AS segment_first_user_row\n  \
                 FROM segmented\n\
                 ) AS t"
            ),
        ),
        (
            "split",
            format!(
                "SELECT u.*,\n  \
                 CASE WHEN recorded_session = '' AND app_user <> '' AND session_user <> '' AND app_user <> session_user\n    \
                 THEN 'user-change' ELSE clock_reason END AS split_reason\n\
                 FROM (\n  \
                 SELECT user_tracked.*,\n    \
                 COALESCE(SUBSTR(LAG(user_after) OVER (PARTITION BY {GROUP} ORDER BY row_index), 21), '') AS session_user\n  \
                 FROM user_tracked\n\
                 ) AS u"
            ),
        ),
    ]
}

/// Sessions cut at `max_ms`: within a clock segment, each cut starts at the first activity hit
/// more than `max_ms` after the running session's start, a chain followed by a recursive query
/// from the segment's start; a non-interaction hit past the limit is uncounted.
fn max_length(max_ms: u64) -> Vec<(&'static str, String)> {
    vec![
        segmented(),
        (
            "reaching",
            format!(
                "SELECT s.*,\n  \
                 MIN(CASE WHEN activity THEN row_index END) OVER (PARTITION BY {GROUP}, segment ORDER BY ts_ms\n    \
                 RANGE BETWEEN {} FOLLOWING AND UNBOUNDED FOLLOWING) AS next_cut\n\
                 FROM segmented AS s",
                max_ms + 1
            ),
        ),
        (
            "cut_start",
            "SELECT row_index FROM reaching\n\
             WHERE activity AND clock_reason IS NOT NULL AND recorded_session = ''\n\
             UNION ALL\n\
             SELECT r.next_cut AS row_index FROM cut_start AS c JOIN reaching AS r ON r.row_index = c.row_index\n\
             WHERE r.next_cut IS NOT NULL"
                .into(),
        ),
        (
            "cut",
            "SELECT r.*, CASE WHEN r.clock_reason IS NULL AND k.row_index IS NOT NULL THEN 'max-length'\n  \
             ELSE r.clock_reason END AS cut_reason\n\
             FROM reaching AS r LEFT JOIN cut_start AS k ON k.row_index = r.row_index"
                .into(),
        ),
        (
            "split",
            format!(
                "SELECT t.*,\n  \
                 CASE WHEN cut_reason IS NOT NULL THEN cut_reason\n    \
                 WHEN recorded_session = '' AND ts_ms - session_start_ms > {max_ms} THEN 'max-length' END AS split_reason\n\
                 FROM (\n  \
                 SELECT cut.*,\n    \
                 MAX(CASE WHEN activity AND cut_reason IS NOT NULL THEN ts_ms END)\n      \
                 OVER (PARTITION BY {GROUP} ORDER BY row_index ROWS UNBOUNDED PRECEDING) AS session_start_ms\n  \
                 FROM cut\n\
                 ) AS t"
            ),
        ),
    ]
}

/// The counted hits (an activity hit that splits starts a session; any other hit that would
/// split is uncounted), each with its session's number in the group.
fn counted() -> String {
    format!(
        "SELECT c.*,\n  \
         SUM(CASE WHEN activity AND split_reason IS NOT NULL THEN 1 ELSE 0 END)\n    \
         OVER (PARTITION BY {GROUP} ORDER BY row_index ROWS UNBOUNDED PRECEDING) AS session_in_group\n\
         FROM split AS c\nWHERE split_reason IS NULL OR activity"
    )
}

/// Sessions cut into parts of `--max-hits` hits (without `--interaction-only`, every hit
/// counts towards the limit and none is dropped at it); recorded sessions are never cut.
fn numbered(rules: &RuleSet, d: Dialect) -> String {
    let Some(max) = rules.max_hits_per_session else {
        return "SELECT n.*, 0 AS session_part, split_reason AS hit_reason FROM counted AS n".into();
    };
    format!(
        "SELECT n.*,\n  \
         CASE WHEN recorded_session <> '' THEN 0 ELSE {} END AS session_part,\n  \
         CASE WHEN recorded_session = '' AND hit_position > 1 AND MOD(hit_position - 1, {max}) = 0 THEN 'max-hits'\n    \
         ELSE split_reason END AS hit_reason\n\
         FROM (\n  \
         SELECT counted.*, ROW_NUMBER() OVER (PARTITION BY {GROUP}, session_in_group ORDER BY row_index) AS hit_position\n  \
         FROM counted\n\
         ) AS n",
        d.int_div("hit_position - 1", &max.to_string()),
    )
}

/// Each hit with what its session takes from its first hit, its landing page (the first
/// page view or event, else the first hit) and its exit page (the last page view or event,
/// else the first hit).
fn session_hit() -> String {
    let first = |column: &str, name: &str| {
        format!("FIRST_VALUE({column}) OVER (PARTITION BY {SESSION} ORDER BY row_index) AS {name}")
    };
    let mut columns = vec![first("hit_reason", "start_reason")];
    columns.extend(ENTRANCE.iter().map(|(name, column)| first(column, &format!("entrance_{name}"))));
    let asset_last = format!("CASE WHEN kind = {ASSET} THEN 1 ELSE 0 END");
    columns.push(format!(
        "FIRST_VALUE(url) OVER (PARTITION BY {SESSION} ORDER BY {asset_last}, row_index) AS landing_page"
    ));
    columns.push(format!(
        "FIRST_VALUE(url) OVER (PARTITION BY {SESSION} ORDER BY {asset_last}, \
         CASE WHEN kind = {ASSET} THEN row_index ELSE -row_index END) AS exit_page"
    ));
    format!("SELECT m.*,\n  {}\nFROM numbered AS m", columns.join(",\n  "))
}

fn session_total() -> String {
    let count = |condition: &str, name: &str| format!("SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS {name}");
    let mut columns = vec![
        SESSION.to_string(),
        "MAX(visitor_label) AS visitor".into(),
        "MIN(ts_ms) AS start_ms".into(),
        "MAX(ts_ms) AS end_ms".into(),
        "MIN(ts) AS start_ts".into(),
        "MAX(ts) AS end_ts".into(),
        "COUNT(*) AS hits".into(),
        count("counts_interaction", "interaction_hits"),
        count(&format!("counts_interaction AND kind = {EVENT}"), "interaction_events"),
        count(&format!("kind = {PAGE_VIEW}"), "pageviews"),
        count(&format!("kind <> {ASSET}"), "actions"),
        count("key_event", "key_events"),
        "COALESCE(MAX(CASE WHEN counts_interaction THEN ts_ms END), MIN(ts_ms)) AS last_interaction_ms".into(),
        "MIN(group_first_row) AS group_first_row".into(),
        "MAX(start_reason) AS start_reason".into(),
        "MAX(landing_page) AS landing_page".into(),
        "MAX(exit_page) AS exit_page".into(),
    ];
    columns.extend(ENTRANCE.iter().map(|(name, _)| format!("MAX(entrance_{name}) AS entrance_{name}")));
    format!("SELECT\n  {}\nFROM session_hit\nGROUP BY {SESSION}", columns.join(",\n  "))
}

/// The `sessions` columns of `sessionlens export sessions`.
fn output(rules: &RuleSet, d: Dialect) -> String {
    let span = "(end_ms - start_ms)";
    let duration = match rules.duration {
        DurationRule::LastInteractionMinusFirst => "(last_interaction_ms - start_ms)".to_string(),
        DurationRule::LastMinusFirst | DurationRule::SumOfTimeSpent => span.into(),
        DurationRule::LastMinusFirstPlusOneSecond => format!("CASE WHEN actions <= 1 THEN 0 ELSE {span} + 1000 END"),
    };
    let e = &rules.engagement;
    let engaged = format!(
        "({span} > {} OR pageviews >= {} OR key_events > 0)",
        u64::from(e.min_duration_s) * 1000,
        e.min_pageviews
    );
    let bounce = match rules.bounce {
        BounceRule::OneInteractionHit => "interaction_hits <= 1".to_string(),
        BounceRule::NotEngaged => format!("NOT {engaged}"),
        BounceRule::OneHit => "hits = 1".into(),
        BounceRule::AtMostOneAction => "actions <= 1".into(),
        BounceRule::FewerThanTwoPageviews => "pageviews < 2".into(),
        BounceRule::PosthogBounce => format!("pageviews <= 1 AND {span} < 10000 AND interaction_events = 0"),
        BounceRule::None => "FALSE".into(),
    };
    let number = format!(
        "ROW_NUMBER() OVER (PARTITION BY {VISITOR} ORDER BY start_ms, group_first_row, session_in_group, session_part)"
    );
    let none = |name: &str| format!("CAST(NULL AS {}) AS {name}", d.text_type());
    let mut columns = vec![
        "visitor".to_string(),
        format!("{number} AS visitor_session_number"),
        format!("{number} = 1 AS new_visitor"),
        format!("start_ts AS {}", d.ident("start")),
        format!("end_ts AS {}", d.ident("end")),
        format!("{duration} / 1000.0 AS duration_s"),
        "hits".into(),
        "interaction_hits".into(),
        "pageviews".into(),
        "landing_page".into(),
        "exit_page".into(),
        format!("{bounce} AS bounce"),
        format!("{engaged} AS engaged"),
        none("source"),
        none("medium"),
    ];
    columns.extend(ENTRANCE.iter().map(|(name, _)| format!("entrance_{name} AS {name}")));
    columns.extend(["channel", "device", "browser", "os"].map(none));
    columns.push("start_reason".into());
    columns.push(format!("{} AS rule_set", d.string(&rules.hash())));
    format!("SELECT\n  {}\nFROM session_total", columns.join(",\n  "))
}
