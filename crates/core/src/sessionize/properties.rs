//! Property tests: sessions partition the counted hits, no session holds a gap longer than the
//! timeout, a longer timeout never gives more sessions, and neither input order nor batch
//! boundaries change the result.

use proptest::prelude::*;

use super::*;
use crate::model::{CampaignTags, HitRow, HitType};

const START_MS: i64 = 1_709_251_200_000; // 2024-03-01T00:00:00Z

#[derive(Clone, Debug)]
struct Hit {
    offset_s: i64,
    visitor: u8,
    user: u8,
    kind: u8,
    page: u8,
    referrer: u8,
    campaign: u8,
}

fn hits() -> impl Strategy<Value = Vec<Hit>> {
    prop::collection::vec(
        (0i64..3 * 86_400, 0u8..4, 0u8..3, 0u8..6, 0u8..4, 0u8..4, 0u8..4).prop_map(
            |(offset_s, visitor, user, kind, page, referrer, campaign)| Hit {
                offset_s,
                visitor,
                user,
                kind,
                page,
                referrer,
                campaign,
            },
        ),
        0..120,
    )
}

const CLIENTS: [&str; 4] = ["c0", "c1", "c2", ""];
const USERS: [&str; 3] = ["", "alice", "bob"];
const PAGES: [&str; 4] = ["https://shop.example/", "https://shop.example/a", "https://shop.example/b", "/c"];
const REFERRERS: [&str; 4] = ["", "https://shop.example/", "https://a.example/", "https://b.example/"];
const CAMPAIGNS: [&str; 4] = ["", "spring", "autumn", "spring"];
const CLICK_IDS: [&str; 4] = ["", "", "", "Cj0X"];
const AGENTS: [&str; 2] = ["Mozilla/5.0 Firefox/121.0", "Mozilla/5.0 Chrome/120.0"];

fn row(h: &Hit) -> HitRow<'static> {
    let (hit_type, interaction, event) = match h.kind {
        0..=2 => (HitType::PageView, true, "page_view"),
        3 => (HitType::Event, false, "video_progress"),
        4 => (HitType::Event, true, "page_ping"),
        _ => (HitType::Asset, true, "asset"),
    };
    let c = h.campaign as usize;
    HitRow {
        ts_ms: START_MS + h.offset_s * 1000,
        hit_type,
        interaction,
        event,
        client_id: CLIENTS[h.visitor as usize],
        user_id: USERS[h.user as usize],
        url: PAGES[h.page as usize],
        referrer: REFERRERS[h.referrer as usize],
        user_agent: AGENTS[h.visitor as usize % 2],
        ip: ["192.0.2.1", "192.0.2.2"][h.visitor as usize % 2],
        tags: CampaignTags {
            source: if c == 0 { "" } else { "mail" },
            medium: if c == 0 { "" } else { "email" },
            campaign: CAMPAIGNS[c],
            click_id_param: if CLICK_IDS[c].is_empty() { "" } else { "gclid" },
            click_id: CLICK_IDS[c],
            ..Default::default()
        },
        ..Default::default()
    }
}

fn build<'a>(rows: impl IntoIterator<Item = &'a Hit>) -> HitTable {
    let mut b = HitTableBuilder::new().salt("s");
    for h in rows {
        b.push(&row(h));
    }
    b.finish()
}

fn any_rules() -> impl Strategy<Value = RuleSet> {
    (
        prop::sample::select(Preset::ALL.to_vec()),
        prop::sample::select(Identity::ALL.to_vec()),
        60u32..7_200,
        any::<bool>(),
    )
        .prop_map(|(preset, identity, timeout, zone)| {
            let mut r = RuleSet::preset(preset);
            r.identity = identity;
            r.inactivity_timeout_s = timeout;
            r.time_zone = if zone { "Australia/Sydney".into() } else { "America/New_York".into() };
            r
        })
}

/// The sessions with their hits' rows and strings, independent of dictionary ids (which
/// follow insertion order).
fn described(t: &HitTable, s: &Sessionized) -> Vec<(Session, Vec<usize>, [String; 4])> {
    let mut members = vec![Vec::new(); s.sessions.len()];
    for (i, &session) in s.hit_session.iter().enumerate() {
        if session != NO_SESSION {
            members[session as usize].push(i);
        }
    }
    let d = t.dictionaries();
    let mut out: Vec<_> = s
        .sessions
        .iter()
        .zip(members)
        .map(|(x, m)| {
            let strings = [
                d.urls[x.landing_url as usize].clone(),
                d.urls[x.exit_url as usize].clone(),
                s.visitor_label(t, x.visitor),
                format!("{:?}", s.traffic[x.traffic as usize]),
            ];
            let ids_cleared = Session {
                visitor: 0,
                landing_url: 0,
                exit_url: 0,
                entrance_campaign: 0,
                entrance_referrer: 0,
                traffic: 0,
                device: 0,
                ..x.clone()
            };
            (ids_cleared, m, strings)
        })
        .collect();
    out.sort_by_key(|(x, m, _)| (x.start_ms, m.clone()));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn sessions_partition_the_counted_hits_and_hold_no_gap_over_the_timeout(h in hits(), rules in any_rules()) {
        let t = build(&h);
        let s = sessionize(&t, &rules).unwrap();
        let mut per_session = vec![0u32; s.sessions.len()];
        let mut last_activity: Vec<Option<i64>> = vec![None; s.sessions.len()];
        let mut in_no_session = 0u64;
        for i in 0..t.len() {
            let hit = t.hit(i);
            match s.hit_session[i] {
                NO_SESSION => in_no_session += 1,
                k => {
                    let k = k as usize;
                    per_session[k] += 1;
                    prop_assert!(hit.ts_ms >= s.sessions[k].start_ms && hit.ts_ms <= s.sessions[k].end_ms);
                    let activity = !rules.interaction_only
                        || (hit.interaction && !rules.non_interaction_events.iter().any(|e| e == hit.event));
                    if activity && rules.identity != Identity::SourceSession {
                        if let Some(previous) = last_activity[k] {
                            prop_assert!(hit.ts_ms - previous <= i64::from(rules.inactivity_timeout_s) * 1000);
                        }
                        last_activity[k] = Some(hit.ts_ms);
                    }
                }
            }
        }
        prop_assert_eq!(per_session, s.sessions.iter().map(|x| x.hits).collect::<Vec<_>>());
        prop_assert_eq!(in_no_session, s.bot_hits.len() as u64 + s.uncounted_hits);
        let totals = s.totals();
        prop_assert!(totals.users >= s.sessions.iter().filter(|x| x.is_new).count() as u64);
        prop_assert!(s.sessions.iter().all(|x| x.duration_ms >= 0 && x.end_ms >= x.start_ms));
    }

    #[test]
    fn with_only_the_timeout_rule_a_longer_timeout_never_gives_more_sessions(
        h in hits(), a in 60u32..86_400, b in 60u32..86_400, identity in prop::sample::select(Identity::ALL.to_vec()),
    ) {
        let t = build(&h);
        let mut rules = RuleSet::preset(Preset::Ga4);
        rules.identity = identity;
        let (short, long) = (a.min(b), a.max(b));
        rules.inactivity_timeout_s = short;
        let more = sessionize(&t, &rules).unwrap().sessions.len();
        rules.inactivity_timeout_s = long;
        let fewer = sessionize(&t, &rules).unwrap().sessions.len();
        prop_assert!(fewer <= more, "{} s gave {} sessions, {} s gave {}", long, fewer, short, more);
    }

    #[test]
    fn hits_out_of_order_or_in_batches_give_the_same_sessions(
        h in hits(), rules in any_rules(), seed in any::<u64>(), cut in 0usize..120,
    ) {
        let mut sorted = h.clone();
        sorted.sort_by_key(|x| x.offset_s);
        let reference = build(&sorted);
        let expected = described(&reference, &sessionize(&reference, &rules).unwrap());

        let mut shuffled = h.clone();
        fastrand::Rng::with_seed(seed).shuffle(&mut shuffled);
        let t = build(&shuffled);
        prop_assert_eq!(&described(&t, &sessionize(&t, &rules).unwrap()), &expected);

        // Two batches (the later hits first), as two imports would add them.
        let cut = cut.min(sorted.len());
        let t = build(sorted[cut..].iter().chain(&sorted[..cut]));
        prop_assert_eq!(&described(&t, &sessionize(&t, &rules).unwrap()), &expected);
    }
}
