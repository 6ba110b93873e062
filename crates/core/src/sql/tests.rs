use super::script::regex_for;
use super::*;
use crate::classify::bots;
use crate::sessionize::{BurstCut, Preset};

/// GA4's rules without the two it takes from GA4 exports, which SQL refuses.
fn ga4_compilable() -> RuleSet {
    RuleSet::with_changes(Preset::Ga4, [("first-source", "off"), ("engaged-as-recorded", "off")]).unwrap()
}

fn refused_flags(rules: &RuleSet, dialect: Dialect) -> Vec<&'static str> {
    refusals(&rules.normalized(), dialect).iter().map(|r| r.flag).collect()
}

#[test]
fn presets_compile_or_name_each_refused_rule() {
    let expected: [(Preset, &[&str]); 12] = [
        (Preset::UniversalAnalytics, &["--campaign-change", "--referrer-change", "--direct-keeps-campaign"]),
        (Preset::Ga4, &["--first-source", "--engaged-as-recorded"]),
        (Preset::Adobe, &["--max-length", "--burst"]),
        (Preset::Matomo, &["--campaign-change", "--direct-keeps-campaign", "--user-change"]),
        (Preset::Plausible, &["--identity fingerprint"]),
        (Preset::PostHog, &[]),
        (Preset::Mixpanel, &[]),
        (Preset::ServerLog, &[]),
        (Preset::Snowplow, &["--engaged-heartbeats", "--needs-pageview", "--drop-after"]),
        (Preset::Awstats, &[]),
        (Preset::GoAccess, &[]),
        (Preset::Umami, &["--identity fingerprint"]),
    ];
    for (preset, flags) in expected {
        let rules = RuleSet::preset(preset);
        for dialect in [Dialect::DuckDb, Dialect::Spark, Dialect::BigQuery] {
            assert_eq!(refused_flags(&rules, dialect), flags, "{preset:?} in {dialect:?}");
            match compile(&rules, dialect, &Input::Hits) {
                Ok(script) => assert!(flags.is_empty() && script.contains("CREATE")),
                Err(e) => {
                    let message = e.to_string();
                    assert!(message.contains(dialect.title()), "{message}");
                    assert!(flags.iter().all(|f| message.contains(f)), "{message}");
                }
            }
        }
        let mut with_bots = flags.to_vec();
        if rules.bot_filter {
            with_bots.push("--bots");
        }
        for dialect in [Dialect::Snowflake, Dialect::Postgres] {
            assert_eq!(refused_flags(&rules, dialect), with_bots, "{preset:?} in {dialect:?}");
        }
    }
}

#[test]
fn turning_the_refused_rules_off_gives_a_script_in_every_dialect() {
    for preset in Preset::ALL {
        let mut rules = RuleSet::preset(preset);
        rules.split_on_campaign_change = false;
        rules.split_on_referrer_change = false;
        rules.direct_keeps_campaign = false;
        rules.max_session_length_s = None;
        rules.burst_cut = None;
        rules.split_on_user_id_change = false;
        rules.bot_filter = false;
        rules.direct_session_takes_first_source = false;
        rules.engagement.as_recorded = false;
        rules.engagement.min_heartbeats = None;
        rules.session_needs_pageview = false;
        rules.drop_hits_after_s = None;
        if rules.identity == Identity::Fingerprint {
            rules.identity = Identity::IpUaDay;
        }
        for dialect in Dialect::ALL {
            let script =
                compile(&rules, dialect, &Input::Hits).unwrap_or_else(|e| panic!("{preset:?} {dialect:?}: {e}"));
            assert!(script.contains(&rules.hash()), "the script names its rule set");
            assert!(!script.contains("bot_pattern"), "no bot list without the bot filter");
        }
    }
}

#[test]
fn rules_without_effect_are_not_refused() {
    let mut rules = ga4_compilable();
    rules.click_id_is_campaign = true;
    rules.direct_session_adopts_campaign = true;
    rules.referral_exclusions = vec!["pay.example".into()];
    rules.max_hits_per_session = Some(5);
    assert!(refused_flags(&rules, Dialect::DuckDb).is_empty());
    rules.interaction_only = true;
    assert_eq!(refused_flags(&rules, Dialect::DuckDb), ["--max-hits"]);
    rules.split_on_user_id_change = true;
    assert_eq!(refused_flags(&rules, Dialect::DuckDb), ["--user-change", "--max-hits"]);
    rules.max_hits_per_session = None;
    assert!(compile(&rules, Dialect::BigQuery, &Input::Hits).unwrap().contains("'user-change'"));
    rules.max_session_length_s = Some(3600);
    assert_eq!(refused_flags(&rules, Dialect::DuckDb), ["--max-length"]);
    rules.split_on_user_id_change = false;
    let script = compile(&rules, Dialect::Spark, &Input::Hits).unwrap();
    assert!(script.contains("WITH RECURSIVE") && script.contains("RANGE BETWEEN 3600001 FOLLOWING"));
    rules.max_hits_per_session = Some(5);
    rules.burst_cut = Some(BurstCut { hits: 10, seconds: 10 });
    let message = compile(&rules, Dialect::Spark, &Input::Hits).unwrap_err().to_string();
    assert!(message.contains("--max-hits") && message.contains("--burst") && message.contains("Spark"), "{message}");
}

#[test]
fn each_dialect_writes_its_own_time_zone_epoch_and_hash_expressions() {
    let mut rules = RuleSet::preset(Preset::Mixpanel);
    rules.time_zone = "Europe/Berlin".into();
    let expect = [
        (
            Dialect::DuckDb,
            ["AT TIME ZONE 'Europe/Berlin'", "epoch_ms(ts)", "MD5(user_agent)", "CREATE OR REPLACE TABLE sessions"],
        ),
        (Dialect::Spark, ["from_utc_timestamp(ts, 'Europe/Berlin')", "unix_millis(ts)", "RLIKE", "USING parquet"]),
        (Dialect::BigQuery, ["DATE(ts, 'Europe/Berlin')", "UNIX_MILLIS(ts)", "TO_HEX(MD5(user_agent))", "UNNEST(["]),
        (
            Dialect::Snowflake,
            [
                "CONVERT_TIMEZONE('UTC', 'Europe/Berlin', ts)",
                "EPOCH_MILLISECOND",
                "MD5(",
                "CREATE OR REPLACE TABLE sessions",
            ],
        ),
        (
            Dialect::Postgres,
            ["AT TIME ZONE 'Europe/Berlin'", "EXTRACT(EPOCH FROM ts)", "COLLATE \"C\"", "DROP TABLE IF EXISTS"],
        ),
    ];
    for (dialect, needles) in expect {
        if !dialect.has_unicode_regex() {
            rules.bot_filter = false;
        }
        let script = compile(&rules, dialect, &Input::Hits).unwrap();
        for needle in needles {
            assert!(script.contains(needle), "{dialect:?} lacks {needle}");
        }
        assert!(script.contains("'midnight'"), "Mixpanel splits at midnight");
    }
}

#[test]
fn the_bot_list_is_emitted_whole_with_rust_regex_meaning() {
    let (plain, patterns) = bots::split_patterns();
    let script = compile(&ga4_compilable(), Dialect::DuckDb, &Input::Hits).unwrap();
    for needle in plain.iter().take(50).chain(plain.iter().rev().take(50)) {
        assert!(script.contains(&Dialect::DuckDb.string(needle)), "{needle}");
    }
    assert!(script.contains(r"'BlogTraffic\/\p{Nd}\.\p{Nd}+ Feed-Fetcher'"));
    // Every escape in the list means the same in Rust, RE2 and Java once `\d` is translated:
    // escaped punctuation, and `\s`/`\S` only as `[\s\S]` (any character).
    for pattern in &patterns {
        let rest = pattern.replace(r"[\s\S]", "");
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                let next = chars.next().unwrap();
                assert!(next == 'd' || !next.is_ascii_alphanumeric(), "{pattern}: \\{next}");
            }
        }
        assert!(!rest.replace(r"\.", "").contains('.'), "{pattern}: a bare . differs on line ends");
    }
    assert_eq!(regex_for(r"a\d+\.\/"), r"a\p{Nd}+\.\/");
}

#[test]
fn string_literals_are_escaped_per_dialect() {
    assert_eq!(Dialect::DuckDb.string(r"it's \d"), r"'it''s \d'");
    assert_eq!(Dialect::Postgres.string("it's"), "'it''s'");
    for dialect in [Dialect::Spark, Dialect::BigQuery, Dialect::Snowflake] {
        assert_eq!(dialect.string("it's \\d\n"), r"'it\'s \\d\n'");
    }
    assert_eq!("bigquery".parse::<Dialect>().unwrap(), Dialect::BigQuery);
    assert!("oracle".parse::<Dialect>().unwrap_err().to_string().contains("duckdb"));
}

fn ga4_export(table: &str, days: Option<(&str, &str)>) -> Input {
    let day = |d: &str| d.parse().unwrap();
    Input::Ga4Export(Ga4Export { table: table.into(), days: days.map(|(from, to)| (day(from), day(to))) })
}

#[test]
fn the_ga4_export_step_yields_the_hits_contract_columns_in_order() {
    let Input::Ga4Export(export) = ga4_export(Ga4Export::DEFAULT_TABLE, None) else { unreachable!() };
    let ctes = input::ga4_hits(&export);
    let names: Vec<&str> = ctes.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, ["ga4_event", "hits"]);
    // Each selected column starts a line indented by two spaces and ends with its name.
    let select = ctes[1].1.strip_prefix("SELECT\n").unwrap().split("\nFROM (").next().unwrap();
    let mut items: Vec<String> = Vec::new();
    for line in select.lines() {
        match items.last_mut() {
            Some(item) if line.starts_with("   ") => item.push_str(line),
            _ => items.push(line.to_string()),
        }
    }
    let columns: Vec<&str> = items.iter().map(|item| item.trim_end_matches(',').rsplit(' ').next().unwrap()).collect();
    let contract: Vec<&str> = crate::export::hits::HIT_COLUMNS.iter().map(|c| c.name).collect();
    assert_eq!(columns, contract);
    assert!(!ctes[0].1.contains("_TABLE_SUFFIX"), "no day range, no suffix filter");
}

#[test]
fn a_ga4_export_is_read_in_bigquery_only_and_its_table_and_days_are_checked() {
    let rules = ga4_compilable();
    let input = ga4_export("shop-123.analytics_987.events_*", Some(("2024-03-01", "2024-03-31")));
    let script = compile(&rules, Dialect::BigQuery, &input).unwrap();
    assert!(script.contains("FROM `shop-123.analytics_987.events_*`"), "{script}");
    assert!(script.contains("_TABLE_SUFFIX BETWEEN '20240301' AND '20240331'"));
    assert!(script.contains("GA4 export `shop-123.analytics_987.events_*` -> table `sessions`"));
    assert!(script.contains("hits AS (") && script.contains("FROM hits"), "the steps after it read `hits`");
    for dialect in [Dialect::DuckDb, Dialect::Spark, Dialect::Snowflake, Dialect::Postgres] {
        let message = compile(&rules, dialect, &input).unwrap_err().to_string();
        assert!(message.contains("--input ga4-export") && message.contains(dialect.title()), "{message}");
    }
    let refused = [
        (ga4_export("shop.analytics_1.events_`; DROP", None), "not a BigQuery table name"),
        (ga4_export("shop.analytics_1.events_20240301", Some(("2024-03-01", "2024-03-02"))), "has no *"),
        (ga4_export("shop.analytics_1.events_*", Some(("2024-03-02", "2024-03-01"))), "ends before it starts"),
    ];
    for (input, expected) in refused {
        let message = compile(&rules, Dialect::BigQuery, &input).unwrap_err().to_string();
        assert!(message.contains(expected), "{message}");
    }
    let message = compile(&RuleSet::preset(Preset::Ga4), Dialect::BigQuery, &input).unwrap_err().to_string();
    assert!(message.contains("--engaged-as-recorded"), "the export's own engagement flag stays refused: {message}");
}
