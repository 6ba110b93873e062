//! Sessionization speed and memory. Prints figures; asserts nothing.
//! `cargo bench -p sessionlens-core --bench sessionize [-- N]` (default N = 10,000,000).
//!
//! 1. One million synthetic hits through the real path: CSV import, `load_hits`, sessionize
//!    under Universal Analytics, re-sessionize after one toggle, store the sessions.
//! 2. N hits generated straight into a `HitTable` (an import of N hits would dominate the
//!    run): sessionize under several presets, with hits/s and the process's peak memory.
//!
//! Targets on a 2-core machine: 10M hits ≤ 3 s, re-sessionizing 1M hits after a toggle ≤ 300 ms,
//! peak memory for 10M hits ≤ 1.5 GB.

use std::time::Instant;

use sessionlens_core::import::ImportOptions;
use sessionlens_core::model::{CampaignTags, HitRow, HitType};
use sessionlens_core::sessionize::{sessionize, HitTable, HitTableBuilder, Preset, RuleSet};
use sessionlens_core::store::ImportControl;
use sessionlens_core::synth::{write_traffic_csv, TrafficSpec};
use sessionlens_core::Project;

fn main() {
    let hits: usize = std::env::args().skip(1).find_map(|a| a.replace('_', "").parse().ok()).unwrap_or(10_000_000);
    real_path(1_000_000);
    in_memory(hits);
}

fn seconds(started: Instant) -> f64 {
    started.elapsed().as_secs_f64()
}

/// CPU seconds this process has used (user + system), from /proc; 0 where there is none.
/// Shown beside wall time because other work on the machine stretches the wall clock.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name; 100 ticks a second.
    (ticks(11) + ticks(12)) / 100.0
}

fn real_path(hits: usize) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let csv = dir.path().join("hits.csv");
    write_traffic_csv(&TrafficSpec::new(hits, 42), std::fs::File::create(&csv).expect("create csv"))
        .expect("write csv");
    let mut project = Project::open(dir.path().join("bench.sessionlens")).expect("open project");
    let started = Instant::now();
    project.import(&csv, &ImportOptions::default(), ImportControl::default()).expect("import");
    println!("[1M real path] import {hits} hits: {:.2} s", seconds(started));

    let started = Instant::now();
    let table = project.load_hits().expect("load hits");
    println!("[1M real path] load_hits: {:.0} ms ({} hits)", seconds(started) * 1e3, table.len());

    let mut ua = RuleSet::preset(Preset::UniversalAnalytics);
    ua.time_zone = "Europe/Berlin".into();
    let started = Instant::now();
    let first = sessionize(&table, &ua).expect("sessionize");
    println!("[1M real path] sessionize (UA): {:.0} ms, {} sessions", seconds(started) * 1e3, first.sessions.len());
    drop(first);

    let mut toggled = ua.clone();
    toggled.split_at_midnight = false;
    for round in 1..=3 {
        let (started, cpu) = (Instant::now(), cpu_seconds());
        let again = sessionize(&table, &toggled).expect("sessionize");
        let ms = seconds(started) * 1e3;
        println!(
            "[1M real path] re-sessionize after one toggle (midnight off), run {round}: {ms:.0} ms (cpu {:.0} ms), {} sessions",
            (cpu_seconds() - cpu) * 1e3,
            again.sessions.len()
        );
    }
    let again = sessionize(&table, &toggled).expect("sessionize");
    let started = Instant::now();
    project.store_sessions(&table, &again).expect("store");
    println!("[1M real path] store {} sessions: {:.0} ms", again.sessions.len(), seconds(started) * 1e3);
}

fn in_memory(hits: usize) {
    let started = Instant::now();
    let table = generate(hits, 7);
    println!(
        "[{hits} in memory] generated the table in {:.1} s ({:.0} MB of columns and dictionaries)",
        seconds(started),
        table.heap_bytes() as f64 / 1e6
    );
    reset_peak_memory();
    let before = memory_mb("VmRSS");
    for (preset, toggle) in [
        (Preset::Ga4, false),
        (Preset::UniversalAnalytics, false),
        (Preset::UniversalAnalytics, true),
        (Preset::Adobe, false),
        (Preset::Plausible, false),
    ] {
        let mut rules = RuleSet::preset(preset);
        rules.time_zone = "America/New_York".into();
        if toggle {
            rules.split_on_campaign_change = false;
        }
        let (started, cpu) = (Instant::now(), cpu_seconds());
        let result = sessionize(&table, &rules).expect("sessionize");
        let secs = seconds(started);
        let cpu = cpu_seconds() - cpu;
        let label = if toggle {
            format!("{} (campaign change off; hits grouped already)", preset.as_str())
        } else {
            preset.as_str().to_string()
        };
        println!(
            "[{hits} in memory] sessionize {label}: {:.0} ms (cpu {:.0} ms) = {:.1} M hits/s; {} sessions, {} visitors",
            secs * 1e3,
            cpu * 1e3,
            hits as f64 / secs / 1e6,
            result.sessions.len(),
            result.visitors.len()
        );
    }
    let peak = memory_mb("VmHWM");
    println!(
        "[{hits} in memory] memory: {before:.0} MB resident with the table loaded (the table itself {:.0} MB, the \
         rest left over from generating it); peak while sessionizing {peak:.0} MB (VmHWM), {:.0} MB above",
        table.heap_bytes() as f64 / 1e6,
        peak - before
    );
}

/// Lets VmHWM show the peak from here on (Linux `clear_refs`; ignored elsewhere).
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn memory_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(field)?.trim_start_matches(':').trim().strip_suffix("kB")?.trim().parse::<f64>().ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

const PAGES: [&str; 10] = [
    "https://shop.example/",
    "https://shop.example/shop",
    "https://shop.example/shop/widgets",
    "https://shop.example/shop/widgets/red",
    "https://shop.example/cart",
    "https://shop.example/checkout",
    "https://shop.example/blog",
    "https://shop.example/about",
    "https://shop.example/contact",
    "https://shop.example/search",
];
const AGENTS: [&str; 4] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
];

/// Returning visitors with sessions of page views (one pause in twenty past 30 minutes), a
/// scroll event now and then, entrances from direct, search, paid search with a gclid per click,
/// and e-mail, over March 2024.
fn generate(hits: usize, seed: u64) -> HitTable {
    let mut rng = fastrand::Rng::with_seed(seed);
    let start_ms = 1_709_251_200_000i64;
    let span_ms = 31 * 86_400_000i64;
    let mut b = HitTableBuilder::new().salt("bench");
    let mut made = 0;
    let mut visitor = 0u64;
    while made < hits {
        visitor += 1;
        let client = format!("{}.{}", 1_000_000_000 + visitor, 1_700_000_000 + visitor % 1000);
        let ip = format!("10.{}.{}.0", visitor / 256 % 256, visitor % 256);
        let agent = AGENTS[if rng.u8(..100) < 3 { 3 } else { rng.usize(..3) }];
        let user = if visitor.is_multiple_of(7) { format!("u{visitor}") } else { String::new() };
        for _ in 0..1 + (rng.f64().powi(3) * 6.0) as u32 {
            let mut ts = start_ms + rng.i64(0..span_ms);
            let entrance = rng.u8(..100);
            let click = format!("Cj0KCQ{:016x}", rng.u64(..));
            for page in 0..1 + (rng.f64().powi(2) * 12.0) as usize {
                if made == hits {
                    break;
                }
                let first = page == 0;
                let (referrer, tags) = match entrance {
                    _ if !first => ("https://shop.example/", CampaignTags::default()),
                    0..=39 => ("", CampaignTags::default()),
                    40..=64 => ("https://www.google.com/", CampaignTags::default()),
                    65..=84 => (
                        "https://www.google.com/",
                        CampaignTags {
                            source: "google",
                            medium: "cpc",
                            campaign: "spring_sale",
                            click_id_param: "gclid",
                            click_id: &click,
                            ..Default::default()
                        },
                    ),
                    _ => (
                        "",
                        CampaignTags { source: "newsletter", medium: "email", campaign: "march", ..Default::default() },
                    ),
                };
                let scroll = rng.u8(..10) == 0;
                b.push(&HitRow {
                    ts_ms: ts,
                    hit_type: if scroll { HitType::Event } else { HitType::PageView },
                    event: if scroll { "scroll" } else { "page_view" },
                    interaction: !scroll,
                    client_id: &client,
                    user_id: &user,
                    url: PAGES[rng.usize(..PAGES.len())],
                    referrer,
                    user_agent: agent,
                    ip: &ip,
                    tags,
                    ..Default::default()
                });
                made += 1;
                ts += if rng.u8(..20) == 0 { rng.i64(1_800_000..7_200_000) } else { rng.i64(3_000..600_000) };
            }
        }
    }
    b.finish()
}
