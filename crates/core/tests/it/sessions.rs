//! Sessions through a real project file: hits loaded from the store, runs stored per rule set
//! and reused, recomputed on a changed toggle or a new import, and the same sessions whether
//! the hits came in one file or two.

use sessionlens_core::metrics::{Dimension, MetricsQuery, Reports};
use sessionlens_core::sessionize::{sessionize, HitTable, Preset, RuleSet, Sessionized, StartReason};
use sessionlens_core::synth::{write_traffic_csv, TrafficSpec};
use sessionlens_core::Project;

use crate::{import, Scratch};

const HEADER: &str = "timestamp,client_id,user_id,url,referrer,user_agent,ip,event\n";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

fn line(time: &str, client: &str, url: &str, referrer: &str) -> String {
    format!("{time},{client},,{url},{referrer},{FIREFOX},198.51.100.23,page_view\n")
}

fn hits() -> Vec<String> {
    vec![
        line(
            "2024-03-05T10:00:00Z",
            "111.222",
            "https://shop.example/?utm_source=news&utm_medium=email&utm_campaign=march",
            "",
        ),
        line("2024-03-05T10:04:00Z", "111.222", "https://shop.example/cart", "https://shop.example/"),
        // A direct return 20 minutes later: the campaign session goes on under UA.
        line("2024-03-05T10:24:00Z", "111.222", "https://shop.example/", ""),
        // 23:50 and 00:10 in Berlin: two sessions under UA with the Berlin view, one under GA4.
        line("2024-03-05T22:50:00Z", "333.444", "https://shop.example/", "https://news.example/"),
        line("2024-03-05T23:10:00Z", "333.444", "https://shop.example/b", "https://shop.example/"),
    ]
}

fn berlin(preset: Preset) -> RuleSet {
    RuleSet { time_zone: "Europe/Berlin".into(), ..RuleSet::preset(preset) }
}

#[test]
fn sessions_are_stored_per_rule_set_reused_and_recomputed_on_a_change() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let csv = scratch.write("hits.csv", format!("{HEADER}{}", hits().concat()));
    import(&mut project, &csv).unwrap();

    let table = project.load_hits().unwrap();
    assert_eq!(table.len(), 5);
    let first = table.hit(0);
    assert_eq!((first.client_id, first.campaign.source.as_str()), ("111.222", "news"));
    assert_eq!(table.hit(4).url, "https://shop.example/b");

    let ua = berlin(Preset::UniversalAnalytics);
    let run = project.sessions(&ua, Some(&table)).unwrap();
    assert!(!run.reused);
    assert_eq!((run.totals.sessions, run.totals.users, run.totals.pageviews), (3, 2, 5));
    assert_eq!(run.rule_hash, ua.hash());

    let again = project.sessions(&ua, None).unwrap();
    assert!(again.reused);
    assert_eq!((again.id, again.totals.clone()), (run.id, run.totals.clone()));
    assert_eq!(again.rules, ua.normalized());

    let ga4 = project.sessions(&berlin(Preset::Ga4), None).unwrap();
    assert!(!ga4.reused);
    assert_eq!(ga4.totals.sessions, 2);
    // Both runs stay stored; the first is still reused.
    assert!(project.sessions(&ua, None).unwrap().reused);

    let mut stored = Vec::new();
    project
        .for_each_session(run.id, |s| {
            stored.push(s.clone());
            Ok(())
        })
        .unwrap();
    let summary: Vec<_> =
        stored.iter().map(|s| (s.visitor.as_str(), s.hits, s.traffic.source.as_str(), s.start_reason)).collect();
    assert_eq!(
        summary,
        [
            ("111.222", 3, "news", StartReason::FirstHit),
            ("333.444", 1, "news.example", StartReason::FirstHit),
            ("333.444", 1, "news.example", StartReason::Midnight),
        ]
    );
    assert_eq!(stored[0].landing_page, "https://shop.example/?utm_source=news&utm_medium=email&utm_campaign=march");
    assert_eq!(stored[0].exit_page, "https://shop.example/");
    assert_eq!(stored[0].duration_ms, 24 * 60_000);

    // A new import makes the stored runs stale.
    let more = scratch.write("more.csv", format!("{HEADER}{}", line("2024-03-06T09:00:00Z", "555", "/x", "")));
    import(&mut project, &more).unwrap();
    let after = project.sessions(&ua, None).unwrap();
    assert!(!after.reused);
    assert_eq!(after.totals.sessions, 4);
    assert!(project.bot_hits(after.id).unwrap().is_empty());
}

#[test]
fn the_hits_a_run_filtered_as_bots_are_stored_with_it_in_time_order() {
    let scratch = Scratch::default();
    let bot = |time: &str, url: &str| {
        format!("{time},,,{url},,Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html),66.249.66.1,page_view\n")
    };
    let body = [
        bot("2024-03-05T09:00:00Z", "https://shop.example/robots.txt"),
        bot("2024-03-05T11:00:00Z", "https://shop.example/"),
    ];
    let file = scratch.write("bots.csv", format!("{HEADER}{}{}", hits().concat(), body.concat()));
    let mut project = scratch.project();
    import(&mut project, &file).unwrap();
    let ua = RuleSet::preset(Preset::UniversalAnalytics);
    let run = project.sessions(&ua, None).unwrap();
    let stored: Vec<_> = project
        .bot_hits(run.id)
        .unwrap()
        .into_iter()
        .map(|h| (h.ts_ms, h.url, h.user_agent.contains("Googlebot"), h.ip))
        .collect();
    assert_eq!(
        stored,
        [
            (1_709_629_200_000, "https://shop.example/robots.txt".to_string(), true, "66.249.66.0".to_string()),
            (1_709_636_400_000, "https://shop.example/".to_string(), true, "66.249.66.0".to_string()),
        ]
    );
    let without_filter = RuleSet { bot_filter: false, ..ua };
    let run = project.sessions(&without_filter, None).unwrap();
    assert!(project.bot_hits(run.id).unwrap().is_empty());
}

#[test]
fn the_same_hits_in_one_file_or_two_give_the_same_sessions() {
    let scratch = Scratch::default();
    let lines = hits();
    let mut whole = Project::open_in_memory().unwrap();
    let one = scratch.write("one.csv", format!("{HEADER}{}", lines.concat()));
    import(&mut whole, &one).unwrap();
    let mut split = Project::open(scratch.path("split.sessionlens")).unwrap();
    // The later hits first, as a second export imported before the first would be.
    let later = scratch.write("later.csv", format!("{HEADER}{}", lines[2..].concat()));
    let earlier = scratch.write("earlier.csv", format!("{HEADER}{}", lines[..2].concat()));
    import(&mut split, &later).unwrap();
    import(&mut split, &earlier).unwrap();
    for preset in Preset::ALL {
        let rules = berlin(preset);
        let (a, b) = (whole.load_hits().unwrap(), split.load_hits().unwrap());
        let (sa, sb) = (sessionize(&a, &rules).unwrap(), sessionize(&b, &rules).unwrap());
        assert_eq!(sa.totals(), sb.totals(), "{preset:?}");
        let starts = |s: &Sessionized| {
            let mut v: Vec<_> = s.sessions.iter().map(|x| (x.start_ms, x.end_ms, x.hits, x.start_reason)).collect();
            v.sort_by_key(|x| x.0);
            v
        };
        assert_eq!(starts(&sa), starts(&sb), "{preset:?}");
    }
}

/// A project of `hits` synthetic page views and events.
fn synthetic_project(scratch: &Scratch, hits: usize, seed: u64) -> Project {
    let mut project = scratch.project();
    let csv = scratch.path("hits.csv");
    write_traffic_csv(&TrafficSpec::new(hits, seed), std::fs::File::create(&csv).unwrap()).unwrap();
    import(&mut project, &csv).unwrap();
    project
}

/// The hits of `hits` synthetic page views and events, through a project.
fn synthetic_table(scratch: &Scratch, hits: usize, seed: u64) -> HitTable {
    synthetic_project(scratch, hits, seed).load_hits().unwrap()
}

/// Asserts that `a` and `b` are the same sessions of more than a thousand, hit for hit.
fn assert_same(a: &Sessionized, b: &Sessionized, what: &str) {
    assert!(a.sessions.len() > 1_000, "{what}: {} sessions", a.sessions.len());
    assert!(a.sessions == b.sessions, "{what}: the sessions differ");
    assert!(a.hit_session == b.hit_session, "{what}: the hits' sessions differ");
    assert_eq!((&a.traffic, &a.visitors), (&b.traffic, &b.visitors), "{what}");
    assert_eq!((&a.bot_hits, a.uncounted_hits), (&b.bot_hits, b.uncounted_hits), "{what}");
}

#[test]
fn sessions_are_the_same_however_many_threads_walk_them() {
    let table = synthetic_table(&Scratch::default(), 40_000, 11);
    let on = |threads: usize, rules: &RuleSet| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| sessionize(&table, rules).unwrap())
    };
    for preset in Preset::ALL {
        let rules = berlin(preset);
        assert_same(&on(1, &rules), &on(3, &rules), &format!("{preset:?}"));
    }
}

#[test]
fn sessions_are_the_same_from_hits_grouped_by_an_earlier_rule_set_as_from_fresh_ones() {
    // One table sessionized again and again, as the app's is, so that most rule sets find the
    // hits grouped already; each against a copy that groups them itself.
    let table = synthetic_table(&Scratch::default(), 20_000, 5);
    for preset in Preset::ALL {
        let rules = berlin(preset);
        let toggled =
            RuleSet { inactivity_timeout_s: 600, split_at_midnight: !rules.split_at_midnight, ..rules.clone() };
        // Days (and so IP + user agent + day visitors) of another zone.
        let elsewhere = RuleSet { time_zone: "Pacific/Auckland".into(), ..rules.clone() };
        let bots_too = RuleSet { bot_filter: !rules.bot_filter, ..rules.clone() };
        for rules in [&rules, &toggled, &elsewhere, &bots_too, &rules] {
            let kept = sessionize(&table, rules).unwrap();
            assert_eq!(kept.bot_hits.is_empty(), !rules.bot_filter, "{preset:?}: the data has bots");
            assert_same(&kept, &sessionize(&table.clone(), rules).unwrap(), &format!("{preset:?}"));
        }
    }
}

#[test]
fn stored_sessions_read_back_as_computed_over_several_chunks() {
    let scratch = Scratch::default();
    let mut project = synthetic_project(&scratch, 150_000, 3);
    let table = project.load_hits().unwrap();
    let rules = berlin(Preset::UniversalAnalytics);
    let computed = sessionize(&table, &rules).unwrap();
    assert!(computed.sessions.len() > 32_768, "more than a chunk of sessions: {}", computed.sessions.len());
    let mut expected: Vec<_> = computed
        .sessions
        .iter()
        .map(|s| {
            let url = table.dictionaries().urls[s.landing_url as usize].clone();
            (computed.visitor_label(&table, s.visitor), s.start_ms, s.end_ms, s.hits, url, s.bounce, s.start_reason)
        })
        .collect();
    expected.sort_by_key(|s| s.1);
    let run = project.sessions(&rules, Some(&table)).unwrap();
    let mut stored = Vec::new();
    project
        .for_each_session(run.id, |s| {
            stored.push((
                s.visitor.clone(),
                s.start_ms,
                s.end_ms,
                s.hits,
                s.landing_page.clone(),
                s.bounce,
                s.start_reason,
            ));
            Ok(())
        })
        .unwrap();
    assert!(stored == expected, "the stored sessions differ from the computed ones");
}

#[test]
fn a_stored_run_reads_back_whole_as_the_engine_gave_it() {
    // Over three chunks of hits, and of sessions under the rules that split the most.
    let scratch = Scratch::default();
    let mut project = synthetic_project(&scratch, 110_000, 8);
    let table = project.load_hits().unwrap();
    for preset in Preset::ALL {
        let rules = berlin(preset);
        let bots_too = RuleSet { bot_filter: !rules.bot_filter, ..rules.clone() };
        for rules in [rules, bots_too] {
            let what = format!("{preset:?}, bot filter {}", rules.bot_filter);
            assert!(project.stored_sessions(&table, &rules).unwrap().is_none(), "{what}: nothing is stored yet");
            let computed = sessionize(&table, &rules).unwrap();
            project.store_sessions(&table, &computed).unwrap();
            let stored = project.stored_sessions(&table, &rules).unwrap().expect("the run is stored");
            assert_same(&computed, &stored, &what);
            assert_eq!(stored.rules, computed.rules, "{what}");
            assert!(stored.by_visitor == computed.by_visitor, "{what}: the sessions by visitor differ");
            assert_eq!(stored.devices, computed.devices, "{what}");
            assert_eq!(stored.start_dates(), computed.start_dates(), "{what}");
            assert_eq!(stored.totals(), computed.totals(), "{what}");
        }
    }
}

#[test]
fn reports_over_a_stored_run_read_the_hits_without_who_made_them_and_come_out_the_same() {
    let scratch = Scratch::default();
    let mut project = synthetic_project(&scratch, 40_000, 13);
    let table = project.load_hits().unwrap();
    let (ads, goals) = (project.load_ads().unwrap(), project.conversion_goals().unwrap());
    let query = MetricsQuery { dimensions: vec![Dimension::Channel, Dimension::LandingPage], ..Default::default() };
    let report =
        |t: &HitTable, s: &Sessionized| Reports::new(t, s, &ads, goals.clone()).unwrap().report(&query).unwrap();
    let what = |t: &HitTable| {
        (0..t.len()).map(|i| format!("{} {} {}", t.hit(i).ts_ms, t.hit(i).url, t.hit(i).referrer)).collect::<Vec<_>>()
    };
    for preset in Preset::ALL {
        let rules = berlin(preset);
        let computed = sessionize(&table, &rules).unwrap();
        // Nothing stored: every hit is read and sessionized now, and nothing is stored.
        let (whole, now) = project.hits_for_reports(&rules).unwrap();
        assert!(!whole.hit(0).client_id.is_empty(), "{preset:?}: the whole hits");
        assert_same(&computed, &now, &format!("{preset:?}, not stored"));
        assert!(project.session_run(&rules).unwrap().is_none(), "{preset:?}");

        project.store_sessions(&table, &computed).unwrap();
        let (without, stored) = project.hits_for_reports(&rules).unwrap();
        assert!((0..without.len()).all(|i| without.hit(i).client_id.is_empty()), "{preset:?}: read without who");
        assert!(what(&without) == what(&table), "{preset:?}: every row holds the same hit");
        assert_same(&computed, &stored, &format!("{preset:?}, stored"));
        assert_eq!(report(&without, &stored), report(&table, &computed), "{preset:?}");
        let refused = sessionize(&without, &rules).err().expect("hits without who made them are not sessionized");
        assert!(refused.to_string().contains("without who made them"), "{refused}");
    }
}

#[test]
fn a_stored_run_is_not_read_back_over_other_hits_or_once_damaged() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let first = scratch.path("first.csv");
    std::fs::write(&first, [HEADER.to_string(), hits().concat()].concat()).unwrap();
    import(&mut project, &first).unwrap();
    let table = project.load_hits().unwrap();
    let ua = berlin(Preset::UniversalAnalytics);
    project.sessions(&ua, Some(&table)).unwrap();
    assert_eq!(project.stored_sessions(&table, &ua).unwrap().unwrap().sessions.len(), 3);

    // A table that is not the project's hits is refused, not misread.
    let fewer = HitTable::default();
    let refused = project.stored_sessions(&fewer, &ua).err().expect("other hits are refused");
    assert!(refused.to_string().contains("not of these hits"), "{refused}");

    // Chunks not laid out as a run writes them (here an empty one after the last) are damage.
    let path = project.path().unwrap().to_path_buf();
    drop(project);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("INSERT INTO session_hit_chunk SELECT run_id, seq + 1, 0, x'00' FROM session_hit_chunk", []).unwrap();
    let project = Project::open(&path).unwrap();
    let damaged = project.stored_sessions(&table, &ua).err().expect("a chunk too many is refused");
    assert!(damaged.to_string().contains("damaged"), "{damaged}");
    drop(project);

    // A hit whose session is past the run's sessions is damage.
    conn.execute("DELETE FROM session_hit_chunk WHERE rows = 0", []).unwrap();
    conn.execute("UPDATE session_hit_chunk SET session = x'000709090909'", []).unwrap();
    drop(conn);
    let mut project = Project::open(&path).unwrap();
    let damaged = project.stored_sessions(&table, &ua).err().expect("damage is refused");
    assert!(damaged.to_string().contains("damaged"), "{damaged}");
    // So is a chunk that claims more rows than a chunk holds, before anything is allocated for
    // them.
    let run = project.session_run(&ua).unwrap().expect("the run is still stored").id;
    rusqlite::Connection::open(&path).unwrap().execute("UPDATE session_chunk SET rows = 1 << 40", []).unwrap();
    let damaged = project.for_each_session(run, |_| Ok(())).expect_err("damage is refused");
    assert!(damaged.to_string().contains("damaged"), "{damaged}");

    // Another import: the stored run is of older data, so there is none to read back.
    let second = scratch.path("second.csv");
    std::fs::write(&second, [HEADER, &line("2024-03-06T09:00:00Z", "555.666", "https://shop.example/", "")].concat())
        .unwrap();
    import(&mut project, &second).unwrap();
    let table = project.load_hits().unwrap();
    assert!(project.stored_sessions(&table, &ua).unwrap().is_none());
    assert_eq!(project.sessionized(&table, &ua).unwrap().sessions.len(), 4, "sessionized now instead");
}

/// A copy of the project fixture `vN.sessionlens` holding a UA run as that build stored it:
/// `rows` are its session rows, inserted beside the run. Returns the project opened (so
/// migrated) and the UA rules.
fn project_with_an_old_run(scratch: &Scratch, version: u32, rows: &str) -> (Project, RuleSet) {
    let name = format!("v{version}.sessionlens");
    let copy = scratch.path(&name);
    std::fs::copy(format!("{}/tests/fixtures/projects/{name}", env!("CARGO_MANIFEST_DIR")), &copy).unwrap();
    let ua = RuleSet::preset(Preset::UniversalAnalytics);
    rusqlite::Connection::open(&copy)
        .unwrap()
        .execute_batch(&format!(
            "INSERT INTO session_run (id, rule_hash, rules, data_stamp, totals, computed_at)
                 VALUES (1, '{}', '{{}}', 'stamp', '{{}}', 'now');
             {rows}",
            ua.hash()
        ))
        .unwrap();
    (Project::open(&copy).unwrap(), ua)
}

#[test]
fn sessions_stored_with_a_traffic_row_per_click_id_are_dropped_and_computed_again() {
    let scratch = Scratch::default();
    let (mut project, ua) = project_with_an_old_run(
        &scratch,
        9,
        "INSERT INTO session_traffic VALUES (1, 'google', 'cpc', '', '', '', 'gclid', 'Cj0old', 'Paid Search');
         INSERT INTO session_chunk VALUES (1, 0, 1, x'00', x'00', x'00', x'00', x'00', x'00', x'00', x'00', x'00',
                                           x'00', x'00', x'00', x'00', x'00', x'00', x'00');
         INSERT INTO session_bot_hit (run_id, ts_ms) VALUES (1, 0);",
    );
    let run = project.sessions(&ua, None).unwrap();
    assert!(!run.reused, "the run stored by the older build is computed again");
    assert_eq!(run.totals.sessions, 2);
    let mut click_ids = Vec::new();
    project
        .for_each_session(run.id, |s| {
            click_ids.push((s.traffic.source.clone(), s.click_id_param.clone(), s.click_id.clone()));
            Ok(())
        })
        .unwrap();
    // The fixture's first session lands with a gclid, which the stored run gives back.
    assert_eq!(click_ids.len(), 2);
    assert_eq!(click_ids[0], ("google".into(), "gclid".into(), "Cj0KCQabc".into()));
    assert!(project.bot_hits(run.id).unwrap().is_empty());
}

#[test]
fn sessions_an_older_build_stored_row_by_row_are_dropped_and_computed_again() {
    let scratch = Scratch::default();
    let (mut project, ua) = project_with_an_old_run(
        &scratch,
        8,
        "INSERT INTO session_traffic VALUES (1, '', '', '', '', '', '', '', 'Direct');
         INSERT INTO session_device VALUES (1, 'desktop', 'Firefox', 'Linux');
         INSERT INTO session VALUES (1, 0, 'v', 1, 1, 0, 0, 0, 1, 1, 1, NULL, NULL, 1, 0, 1, 1, 'first-hit');
         INSERT INTO session_bot_hit (run_id, ts_ms) VALUES (1, 0);",
    );
    let run = project.sessions(&ua, None).unwrap();
    assert!(!run.reused);
    // The fixture's visitor: 10:00, 10:04, then 36 minutes later.
    assert_eq!(run.totals.sessions, 2);
    let mut visitors = Vec::new();
    project
        .for_each_session(run.id, |s| {
            visitors.push(s.visitor.clone());
            Ok(())
        })
        .unwrap();
    assert_eq!(visitors, ["1443685882.1682380031"; 2]);
    assert!(project.bot_hits(run.id).unwrap().is_empty());
}
