//! The worked examples of docs/session-rules.md, each a named test run under every preset it names,
//! plus the other rules each preset turns on.

use super::*;
use crate::model::{CampaignTags, HitRow, HitType};

const UA_STRING: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
const CHROME: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

fn ms(time: &str) -> i64 {
    time.parse::<chrono::DateTime<chrono::Utc>>().unwrap().timestamp_millis()
}

/// A page view of visitor `c1` at `time` (UTC) on `path`.
fn pv(time: &str, path: &'static str) -> HitRow<'static> {
    HitRow {
        ts_ms: ms(time),
        hit_type: HitType::PageView,
        event: "page_view",
        interaction: true,
        client_id: "c1",
        url: path,
        ip: "203.0.113.7",
        user_agent: UA_STRING,
        ..Default::default()
    }
}

fn event(time: &str, path: &'static str, name: &'static str, interaction: bool) -> HitRow<'static> {
    HitRow { hit_type: HitType::Event, event: name, interaction, ..pv(time, path) }
}

fn tagged(row: HitRow<'static>, tags: CampaignTags<'static>) -> HitRow<'static> {
    HitRow { tags, ..row }
}

fn table(rows: &[HitRow<'_>]) -> HitTable {
    let mut b = HitTableBuilder::new().salt("test-salt");
    for r in rows {
        b.push(r);
    }
    b.finish()
}

fn run(rows: &[HitRow<'_>], rules: &RuleSet) -> (HitTable, Sessionized) {
    let t = table(rows);
    let s = sessionize(&t, rules).unwrap();
    (t, s)
}

fn count(rows: &[HitRow<'_>], rules: &RuleSet) -> usize {
    run(rows, rules).1.sessions.len()
}

fn preset(p: Preset) -> RuleSet {
    RuleSet::preset(p)
}

/// The presets whose sessions end after 30 minutes without a hit, with no clock-hour split: the
/// premise of the timeout examples (AWStats waits 60 minutes, GoAccess a day, Umami splits at
/// every hour; each has an example of its own).
fn thirty_minute_presets() -> impl Iterator<Item = Preset> {
    Preset::ALL.into_iter().filter(|&p| {
        let rules = preset(p);
        rules.inactivity_timeout_s == 30 * 60 && !rules.split_at_hour
    })
}

fn reasons(s: &Sessionized) -> Vec<StartReason> {
    s.sessions.iter().map(|s| s.start_reason).collect()
}

const PAID_BLUE: CampaignTags<'static> =
    CampaignTags { source: "google", medium: "cpc", campaign: "widgets", term: "blue widgets", ..EMPTY_TAGS };
const EMPTY_TAGS: CampaignTags<'static> =
    CampaignTags { source: "", medium: "", campaign: "", term: "", content: "", click_id_param: "", click_id: "" };

#[test]
fn interaction_at_1125_ends_at_1155_and_last_interaction_at_1227_ends_at_1257() {
    for p in thirty_minute_presets() {
        let rules = preset(p);
        assert_eq!(count(&[pv("2024-03-05T11:25:00Z", "/"), pv("2024-03-05T11:55:00Z", "/a")], &rules), 1, "{p:?}");
        assert_eq!(count(&[pv("2024-03-05T11:25:00Z", "/"), pv("2024-03-05T11:55:01Z", "/a")], &rules), 2, "{p:?}");
        let mut rows = vec![
            pv("2024-03-05T11:25:00Z", "/"),
            pv("2024-03-05T11:40:00Z", "/a"),
            pv("2024-03-05T12:00:00Z", "/b"),
            pv("2024-03-05T12:27:00Z", "/c"),
        ];
        rows.push(pv("2024-03-05T12:57:00Z", "/d"));
        assert_eq!(count(&rows, &rules), 1, "{p:?}");
        rows.pop();
        rows.push(pv("2024-03-05T12:57:01Z", "/d"));
        let (_, s) = run(&rows, &rules);
        assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::Timeout], "{p:?}");
    }
}

#[test]
fn non_interaction_hits_do_not_extend_a_ua_session_but_do_under_ga4() {
    let rows = [
        pv("2024-03-05T12:27:00Z", "/"),
        event("2024-03-05T12:50:00Z", "/", "video_progress", false),
        pv("2024-03-05T13:00:00Z", "/next"),
    ];
    let (_, ua) = run(&rows, &preset(Preset::UniversalAnalytics));
    assert_eq!(reasons(&ua), [StartReason::FirstHit, StartReason::Timeout]);
    assert_eq!(ua.sessions[0].hits, 2, "the non-interaction hit joins the running session");
    assert_eq!(ua.sessions[0].duration_ms, 0, "UA's duration ends at the last interaction");
    assert_eq!(count(&rows, &preset(Preset::Ga4)), 1);
}

#[test]
fn pause_of_29_minutes_keeps_one_session_31_makes_two_landing_where_the_visitor_was() {
    // The second session is a click alone, which Snowplow, needing a page view, does not count.
    for p in thirty_minute_presets().filter(|&p| !preset(p).session_needs_pageview) {
        let rules = preset(p);
        let rows = |pause_end: &str| {
            [pv("2024-03-05T10:00:00Z", "/a"), pv("2024-03-05T10:05:00Z", "/b"), event(pause_end, "/b", "click", true)]
        };
        assert_eq!(count(&rows("2024-03-05T10:34:00Z"), &rules), 1, "{p:?}");
        let (t, s) = run(&rows("2024-03-05T10:36:00Z"), &rules);
        assert_eq!(s.sessions.len(), 2, "{p:?}");
        assert_eq!(t.dictionaries().urls[s.sessions[1].landing_url as usize], "/b", "{p:?}");
        assert_eq!(t.dictionaries().urls[s.sessions[0].exit_url as usize], "/b", "{p:?}");
    }
}

#[test]
fn across_midnight_in_the_view_time_zone_two_sessions_under_ua_one_under_ga4() {
    // 23:50 and 00:10 in Berlin (UTC+1 in winter).
    let rows = [pv("2024-01-15T22:50:00Z", "/"), pv("2024-01-15T23:10:00Z", "/a")];
    // Under an hourly split (Umami) 22:50 and 23:10 UTC are two sessions anyway.
    for p in Preset::ALL.into_iter().filter(|&p| !preset(p).split_at_hour) {
        let mut rules = preset(p);
        rules.time_zone = "Europe/Berlin".into();
        // The IP + user agent + day identity (GoAccess) makes a new visitor of the new day.
        let expected = if rules.split_at_midnight || rules.identity == Identity::IpUaDay { 2 } else { 1 };
        assert_eq!(count(&rows, &rules), expected, "{p:?}");
    }
    let mut ua = preset(Preset::UniversalAnalytics);
    ua.time_zone = "Europe/Berlin".into();
    assert_eq!(reasons(&run(&rows, &ua).1), [StartReason::FirstHit, StartReason::Midnight]);
    // The same hits are not across midnight in UTC.
    assert_eq!(count(&rows, &preset(Preset::UniversalAnalytics)), 1);
}

#[test]
fn organic_red_widgets_then_paid_blue_widgets_inside_30_minutes_is_two_sessions_under_ua() {
    let rows = [
        HitRow { referrer: "https://www.google.com/search?q=red+widgets", ..pv("2024-03-05T10:00:00Z", "/red") },
        tagged(HitRow { referrer: "https://www.google.com/", ..pv("2024-03-05T10:10:00Z", "/blue") }, PAID_BLUE),
    ];
    let (_, ua) = run(&rows, &preset(Preset::UniversalAnalytics));
    assert_eq!(reasons(&ua), [StartReason::FirstHit, StartReason::CampaignChange]);
    let organic = &ua.traffic[ua.sessions[0].traffic as usize];
    assert_eq!((organic.source.as_str(), organic.medium.as_str()), ("google", "organic"));
    assert_eq!(ua.traffic[ua.sessions[1].traffic as usize].term, "blue widgets");
    assert_eq!(count(&rows, &preset(Preset::Matomo)), 2);
    for p in [Preset::Ga4, Preset::Plausible, Preset::PostHog, Preset::Mixpanel, Preset::Adobe] {
        assert_eq!(count(&rows, &preset(p)), 1, "{p:?}");
    }
}

#[test]
fn two_ad_clicks_inside_30_minutes_one_session_with_manual_tags_two_with_auto_tagging() {
    let manual =
        [tagged(pv("2024-03-05T10:00:00Z", "/l"), PAID_BLUE), tagged(pv("2024-03-05T10:12:00Z", "/l"), PAID_BLUE)];
    let auto = [
        tagged(
            pv("2024-03-05T10:00:00Z", "/l"),
            CampaignTags { click_id_param: "gclid", click_id: "Cj0A", ..PAID_BLUE },
        ),
        tagged(
            pv("2024-03-05T10:12:00Z", "/l"),
            CampaignTags { click_id_param: "gclid", click_id: "Cj0B", ..PAID_BLUE },
        ),
    ];
    let ua = preset(Preset::UniversalAnalytics);
    assert_eq!(count(&manual, &ua), 1);
    let (t, s) = run(&auto, &ua);
    assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::CampaignChange]);
    assert_eq!(t.dictionaries().campaigns[s.sessions[1].entrance_campaign as usize].click_id, "Cj0B");
    assert_eq!(s.sessions[0].traffic, s.sessions[1].traffic, "one traffic value for every click");
    let ga4 = preset(Preset::Ga4);
    assert_eq!((count(&manual, &ga4), count(&auto, &ga4)), (1, 1));
}

#[test]
fn referral_from_a_then_b_is_two_sessions_and_one_when_b_is_excluded() {
    let rows = [
        HitRow { referrer: "https://a.com/post", ..pv("2024-03-05T10:00:00Z", "/") },
        HitRow { referrer: "https://b.com/pay", ..pv("2024-03-05T10:00:20Z", "/thanks") },
    ];
    // a.com again, under another host name of the same source, is no new source.
    let again = [rows[0], HitRow { referrer: "https://www.a.com/other", ..rows[1] }];
    assert_eq!(count(&again, &preset(Preset::UniversalAnalytics)), 1);
    let mut ua = preset(Preset::UniversalAnalytics);
    let (_, s) = run(&rows, &ua);
    assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::ReferrerChange]);
    ua.referral_exclusions = vec!["B.com".into()];
    let (_, s) = run(&rows, &ua);
    assert_eq!(s.sessions.len(), 1);
    assert_eq!(s.traffic[s.sessions[0].traffic as usize].source, "a.com");
    // Subdomains of an excluded host are excluded too.
    let sub = [rows[0], HitRow { referrer: "https://checkout.b.com/", ..rows[1] }];
    assert_eq!(count(&sub, &ua), 1);
}

#[test]
fn organic_from_google_com_then_google_ca_inside_30_minutes_is_one_session_google_organic() {
    let rows = [
        HitRow { referrer: "https://www.google.com/", ..pv("2024-03-05T10:00:00Z", "https://shop.example/") },
        HitRow { referrer: "https://shop.example/", ..pv("2024-03-05T10:05:00Z", "https://shop.example/a") },
        HitRow { referrer: "https://www.google.ca/", ..pv("2024-03-05T10:12:00Z", "https://shop.example/b") },
    ];
    for p in Preset::ALL {
        let (_, s) = run(&rows, &preset(p));
        assert_eq!(reasons(&s), [StartReason::FirstHit], "{p:?}");
        let traffic = &s.traffic[s.sessions[0].traffic as usize];
        assert_eq!((traffic.source.as_str(), traffic.medium.as_str()), ("google", "organic"), "{p:?}");
    }
    // The same when the session's source is stated by tags, as a UA export states it on the
    // first hit: the tags' google / organic is the referrer's google / organic.
    let organic = CampaignTags { source: "google", medium: "organic", ..EMPTY_TAGS };
    let tagged_first = [tagged(rows[0], organic), rows[1], rows[2]];
    assert_eq!(count(&tagged_first, &preset(Preset::UniversalAnalytics)), 1);
    // Another search engine is another source.
    let bing = [rows[0], rows[1], HitRow { referrer: "https://www.bing.com/", ..rows[2] }];
    let (_, s) = run(&bing, &preset(Preset::UniversalAnalytics));
    assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::ReferrerChange]);
}

#[test]
fn a_visit_on_shop_example_com_whose_next_page_carries_referrer_www_example_com_is_one_session() {
    let rows = [
        HitRow { referrer: "https://news.example.org/", ..pv("2024-03-05T10:00:00Z", "https://shop.example.com/") },
        HitRow { referrer: "https://www.example.com/", ..pv("2024-03-05T10:02:00Z", "https://shop.example.com/cart") },
    ];
    // www.shop.com to shop.com: the page's own registrable domain too.
    let www = [
        HitRow { referrer: "https://news.example.org/", ..pv("2024-03-05T10:00:00Z", "https://shop.com/") },
        HitRow { referrer: "https://www.shop.com/a", ..pv("2024-03-05T10:02:00Z", "https://shop.com/b") },
    ];
    for p in Preset::ALL {
        let mut rules = preset(p);
        for on in [false, true] {
            rules.split_on_referrer_change = on;
            assert_eq!(count(&rows, &rules), 1, "{p:?}, referrer change {on}");
            assert_eq!(count(&www, &rules), 1, "{p:?}, referrer change {on}");
        }
    }
}

#[test]
fn an_event_on_the_landing_page_that_repeats_its_referrer_does_not_split() {
    // An ad click (stated google / cpc) from www.google.com; a UA export leaves the later hits
    // of the landing page without tags but with the page's referrer.
    let click = CampaignTags { click_id_param: "gclid", click_id: "Cj0A", ..EMPTY_TAGS };
    let google = "https://www.google.com/";
    let rows = [
        tagged(HitRow { referrer: google, ..pv("2024-03-05T10:00:00Z", "/l") }, click),
        HitRow { referrer: google, ..event("2024-03-05T10:00:30Z", "/l", "click", true) },
        // A reload of the landing page repeats its referrer too.
        HitRow { referrer: google, ..pv("2024-03-05T10:01:00Z", "/l") },
    ];
    for p in [Preset::UniversalAnalytics, Preset::Matomo] {
        let mut rules = preset(p);
        rules.split_on_referrer_change = true;
        let (_, s) = run(&rows, &rules);
        assert_eq!(reasons(&s), [StartReason::FirstHit], "{p:?}");
        assert_eq!(s.traffic[s.sessions[0].traffic as usize].medium, "cpc", "{p:?}");
    }
    // Back to Google and in on another page is a new arrival: google / organic is not the
    // session's google / cpc.
    let back = [rows[0], rows[1], HitRow { referrer: google, ..pv("2024-03-05T10:02:00Z", "/other") }];
    let (_, s) = run(&back, &preset(Preset::UniversalAnalytics));
    assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::ReferrerChange]);
}

#[test]
fn direct_return_inside_30_minutes_continues_the_campaign_session_and_never_replaces_it() {
    let newsletter = CampaignTags { source: "newsletter", medium: "email", campaign: "march", ..EMPTY_TAGS };
    let rows = [
        tagged(pv("2024-03-05T10:00:00Z", "/offer"), newsletter),
        pv("2024-03-05T10:20:00Z", "/"),
        pv("2024-03-05T11:30:00Z", "/again"),
    ];
    for p in [Preset::UniversalAnalytics, Preset::Matomo] {
        let (_, s) = run(&rows, &preset(p));
        assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::Timeout], "{p:?}");
        assert_eq!(s.sessions[0].hits, 2, "{p:?}");
        // Both sessions keep the campaign: the direct return after the timeout carries it.
        for session in &s.sessions {
            assert_eq!(s.traffic[session.traffic as usize].source, "newsletter", "{p:?}");
        }
    }
    // Without the rule the later direct session is direct.
    let (_, s) = run(&rows, &preset(Preset::Ga4));
    assert_eq!(s.traffic[s.sessions[1].traffic as usize].source, "(direct)");
}

#[test]
fn a_session_of_only_non_interaction_hits_is_not_counted_but_its_user_is_a_new_user() {
    let rows = [
        event("2024-03-05T10:00:00Z", "/", "scroll", true),
        HitRow { client_id: "c2", ..event("2024-03-05T10:00:05Z", "/", "video_progress", false) },
        pv("2024-03-05T10:01:00Z", "/a"),
    ];
    let (_, s) = run(&rows, &preset(Preset::UniversalAnalytics));
    let totals = s.totals();
    assert_eq!(totals.sessions, 1);
    assert_eq!((totals.users, totals.new_users), (2, 2));
    assert_eq!(totals.uncounted_hits, 2, "the scroll before c1's first interaction, and c2's hit");
    assert_eq!(s.sessions[0].start_ms, ms("2024-03-05T10:01:00Z"));
    assert_eq!(s.hit_session.iter().filter(|&&h| h == NO_SESSION).count(), 2);
    // Without interaction_only both visitors have a session.
    assert_eq!(count(&rows, &preset(Preset::Ga4)), 2);
}

#[test]
fn matomo_direct_visit_takes_a_later_campaign_and_a_user_change_splits() {
    let rows = [
        pv("2024-03-05T10:00:00Z", "/"),
        tagged(pv("2024-03-05T10:05:00Z", "/offer"), PAID_BLUE),
        HitRow { user_id: "alice", ..pv("2024-03-05T10:06:00Z", "/account") },
        HitRow { user_id: "bob", ..pv("2024-03-05T10:07:00Z", "/account") },
    ];
    let (_, s) = run(&rows, &preset(Preset::Matomo));
    assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::UserChange]);
    assert_eq!(s.traffic[s.sessions[0].traffic as usize].medium, "cpc");
    let (_, ua) = run(&rows, &preset(Preset::UniversalAnalytics));
    assert_eq!(reasons(&ua), [StartReason::FirstHit, StartReason::CampaignChange]);
}

#[test]
fn adobe_cuts_at_2500_hits_at_12_hours_and_on_a_burst() {
    let adobe = preset(Preset::Adobe);
    let start = ms("2024-03-05T00:00:00Z");
    let at = |offset_ms: i64| HitRow { ts_ms: start + offset_ms, ..pv("2024-03-05T00:00:00Z", "/") };
    // 2,501 hits 10 s apart: no burst, under 12 h (7 h): cut at 2,500.
    let rows: Vec<_> = (0..2_501).map(|k| at(k * 10_000)).collect();
    let (_, s) = run(&rows, &adobe);
    assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::MaxHits]);
    assert_eq!(s.sessions[0].hits, 2_500);
    // One hit every 20 min for 13 h: cut after 12 h.
    let rows: Vec<_> = (0..40).map(|k| at(k * 1_200_000)).collect();
    let (_, s) = run(&rows, &adobe);
    assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::MaxLength]);
    // 101 hits in 50 s, then one more: the burst ended the visit.
    let rows: Vec<_> = (0..102).map(|k| at(k * 500)).collect();
    let (_, s) = run(&rows, &adobe);
    assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::Burst]);
    assert_eq!(s.sessions[0].hits, 101);
    // 101 hits spread over 150 s are no burst.
    let rows: Vec<_> = (0..102).map(|k| at(k * 1_500)).collect();
    assert_eq!(count(&rows, &adobe), 1);
}

#[test]
fn split_at_hour_starts_a_session_at_each_utc_hour() {
    let mut rules = preset(Preset::Ga4);
    rules.split_at_hour = true;
    let (_, s) = run(&[pv("2024-03-05T10:55:00Z", "/"), pv("2024-03-05T11:05:00Z", "/a")], &rules);
    assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::Hour]);
}

#[test]
fn each_preset_measures_one_session_its_own_way() {
    // Landing page view, a scroll (non-interaction) 5 s later, a click 8 s after landing.
    let rows = [
        pv("2024-03-05T10:00:00Z", "/"),
        event("2024-03-05T10:00:05Z", "/", "scroll", false),
        event("2024-03-05T10:00:08Z", "/", "click", true),
    ];
    let expect = |p: Preset, duration_ms: i64, bounce: bool, engaged: bool| {
        let (_, s) = run(&rows, &preset(p));
        let session = &s.sessions[0];
        assert_eq!((session.duration_ms, session.bounce, session.engaged), (duration_ms, bounce, engaged), "{p:?}");
    };
    expect(Preset::UniversalAnalytics, 8_000, false, false); // two interaction hits
    expect(Preset::Ga4, 8_000, true, false); // not engaged: 8 s, one page view, no key event
    expect(Preset::Adobe, 8_000, false, false); // three hits
    expect(Preset::Matomo, 9_000, false, false); // three actions, last - first + 1 s
    expect(Preset::Plausible, 8_000, true, false); // one page view
    expect(Preset::PostHog, 8_000, false, false); // the click is another interaction
    expect(Preset::Mixpanel, 8_000, false, false); // no bounce metric
    expect(Preset::ServerLog, 8_000, true, false); // one page
    expect(Preset::Snowplow, 8_000, true, false); // one page view, no page ping: not engaged
    expect(Preset::Awstats, 8_000, false, false); // no bounce metric
    expect(Preset::GoAccess, 8_000, false, false); // no bounce metric
    expect(Preset::Umami, 8_000, true, false); // a visit of one page view
    let (_, s) = run(&rows, &preset(Preset::Mixpanel));
    assert_eq!(s.totals().bounce_rate, None);
    // A key event makes a GA4 session engaged; so do 11 s.
    let purchase = [pv("2024-03-05T10:00:00Z", "/"), event("2024-03-05T10:00:02Z", "/", "purchase", true)];
    assert!(run(&purchase, &preset(Preset::Ga4)).1.sessions[0].engaged);
    let long = [pv("2024-03-05T10:00:00Z", "/"), event("2024-03-05T10:00:11Z", "/", "click", true)];
    assert!(run(&long, &preset(Preset::Ga4)).1.sessions[0].engaged);
    // A one-hit Matomo visit lasts 0 s.
    assert_eq!(run(&rows[..1], &preset(Preset::Matomo)).1.sessions[0].duration_ms, 0);
}

#[test]
fn user_identity_stitches_a_clients_anonymous_hits_to_the_user() {
    let rows = [
        pv("2024-03-05T10:00:00Z", "/"),
        HitRow { user_id: "alice", ..pv("2024-03-05T10:05:00Z", "/login") },
        // Alice on her phone (another client) a little later.
        HitRow { client_id: "phone", user_id: "alice", ..pv("2024-03-05T10:10:00Z", "/cart") },
        HitRow { client_id: "other", ..pv("2024-03-05T10:10:00Z", "/") },
    ];
    let (t, s) = run(&rows, &preset(Preset::PostHog));
    assert_eq!(s.sessions.len(), 2);
    let labels: Vec<_> = s.sessions.iter().map(|x| s.visitor_label(&t, x.visitor)).collect();
    assert_eq!(labels, ["user:alice", "other"]);
    assert_eq!(s.sessions[0].hits, 3);
    let mut by_client = preset(Preset::PostHog);
    by_client.identity = Identity::Client;
    assert_eq!(count(&rows, &by_client), 3);
}

#[test]
fn client_identity_without_a_client_id_falls_back_to_ip_user_agent_and_day() {
    let anon = |time, ip| HitRow { client_id: "", ip, ..pv(time, "/") };
    let rows = [
        anon("2024-03-05T10:00:00Z", "198.51.100.1"),
        anon("2024-03-05T10:01:00Z", "198.51.100.1"),
        anon("2024-03-05T10:01:00Z", "198.51.100.2"),
        HitRow { ip: "", user_agent: "", ..anon("2024-03-05T10:02:00Z", "") },
    ];
    let (t, s) = run(&rows, &preset(Preset::Ga4));
    assert_eq!(s.sessions.len(), 3);
    let label = s.visitor_label(&t, s.sessions[0].visitor);
    assert!(label.starts_with("ip:198.51.100.1 ua:") && label.ends_with("day:2024-03-05"), "{label}");
    assert!(s.visitor_label(&t, s.sessions[2].visitor).starts_with("hit:"));
}

#[test]
fn ip_identity_groups_clients_behind_one_address_and_ip_ua_day_splits_at_local_midnight() {
    let rows = [
        pv("2024-03-05T22:50:00Z", "/"),
        HitRow { client_id: "c2", ..pv("2024-03-05T22:55:00Z", "/") },
        HitRow { client_id: "c3", user_agent: CHROME, ..pv("2024-03-05T23:05:00Z", "/") },
    ];
    let (_, s) = run(&rows, &preset(Preset::ServerLog));
    assert_eq!(s.sessions.len(), 1);
    let mut day = preset(Preset::ServerLog);
    day.identity = Identity::IpUaDay;
    day.time_zone = "Europe/Paris".into(); // 23:50 and 23:55, then 00:05 the next day
    let (_, s) = run(&rows, &day);
    assert_eq!(s.sessions.len(), 2);
    assert_eq!(s.totals().users, 2);
}

#[test]
fn fingerprint_visitor_changes_with_the_daily_salt_but_a_running_session_carries_on() {
    let rows = [
        pv("2024-03-05T23:50:00Z", "https://shop.example/"),
        HitRow { client_id: "other-cookie", ..pv("2024-03-06T00:10:00Z", "https://shop.example/a") },
        pv("2024-03-06T01:00:00Z", "https://shop.example/b"),
    ];
    let (t, s) = run(&rows, &preset(Preset::Plausible));
    assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::Timeout]);
    assert_eq!(s.sessions[0].hits, 2, "carried across the salt rotation");
    let (a, b) = (s.visitor_label(&t, s.sessions[0].visitor), s.visitor_label(&t, s.sessions[1].visitor));
    assert_ne!(a, b, "a new day is a new visitor");
    assert_eq!(a.len(), 16);
    assert!(s.sessions[1].is_new);
    // The hash depends on the project's salt.
    let other = {
        let mut b = HitTableBuilder::new().salt("another-salt");
        rows.iter().for_each(|r| {
            b.push(r);
        });
        b.finish()
    };
    let s2 = sessionize(&other, &preset(Preset::Plausible)).unwrap();
    assert_ne!(s2.visitor_label(&other, s2.sessions[0].visitor), a);
}

#[test]
fn source_session_identity_takes_recorded_sessions_as_they_are() {
    let rows = [
        HitRow { source_session_id: "1709600000", ..pv("2024-03-05T10:00:00Z", "/") },
        // 45 minutes later, still in the recorded session.
        HitRow { source_session_id: "1709600000", ..pv("2024-03-05T10:45:00Z", "/a") },
        HitRow { source_session_id: "1709603000", ..pv("2024-03-05T10:46:00Z", "/b") },
        pv("2024-03-05T12:00:00Z", "/no-session-id"),
    ];
    let mut rules = preset(Preset::Ga4);
    rules.identity = Identity::SourceSession;
    let (t, s) = run(&rows, &rules);
    assert_eq!(s.sessions.len(), 3);
    let mut numbers: Vec<_> = s.sessions.iter().map(|x| (x.start_ms, x.visitor_session_number, x.hits)).collect();
    numbers.sort();
    assert_eq!(numbers.iter().map(|n| (n.1, n.2)).collect::<Vec<_>>(), [(1, 2), (2, 1), (3, 1)]);
    assert!(s.sessions.iter().all(|x| s.visitor_label(&t, x.visitor) == "c1"));
    assert_eq!(count(&rows, &preset(Preset::Ga4)), 3, "re-sessionized: 45 minutes is a timeout");
}

#[test]
fn session_numbers_and_new_flags_follow_the_visitor() {
    let rows = [pv("2024-03-05T10:00:00Z", "/"), pv("2024-03-05T11:00:00Z", "/"), pv("2024-03-05T12:00:00Z", "/")];
    let (_, s) = run(&rows, &preset(Preset::Ga4));
    let numbers: Vec<_> = s.sessions.iter().map(|x| (x.visitor_session_number, x.is_new)).collect();
    assert_eq!(numbers, [(1, true), (2, false), (3, false)]);
    assert_eq!(s.totals().avg_duration_s, 0.0);
}

#[test]
fn midnight_splits_follow_local_days_across_dst_in_new_york_and_sydney() {
    let mut rules = preset(Preset::UniversalAnalytics);
    rules.inactivity_timeout_s = 6 * 3600;
    // New York, 10 March 2024 (23 hours): 23:30 EDT on the 10th is 03:30Z on the 11th,
    // midnight of the 11th is 04:00Z.
    rules.time_zone = "America/New_York".into();
    let rows = [pv("2024-03-11T03:30:00Z", "/"), pv("2024-03-11T03:59:00Z", "/a"), pv("2024-03-11T04:01:00Z", "/b")];
    let (_, s) = run(&rows, &rules);
    assert_eq!(s.sessions.iter().map(|x| x.hits).collect::<Vec<_>>(), [2, 1]);
    // New York, 3 November 2024 (25 hours): midnight of the 4th is 05:00Z, 25 h after 04:00Z.
    let rows = [pv("2024-11-04T04:30:00Z", "/"), pv("2024-11-04T04:59:00Z", "/a"), pv("2024-11-04T05:00:00Z", "/b")];
    let (_, s) = run(&rows, &rules);
    assert_eq!(s.sessions.iter().map(|x| x.hits).collect::<Vec<_>>(), [2, 1]);
    // Sydney, 7 April 2024 (25 hours, DST ends): midnight of the 8th is 14:00Z on the 7th.
    rules.time_zone = "Australia/Sydney".into();
    let rows = [pv("2024-04-07T13:00:00Z", "/"), pv("2024-04-07T13:59:00Z", "/a"), pv("2024-04-07T14:00:00Z", "/b")];
    let (_, s) = run(&rows, &rules);
    assert_eq!(s.sessions.iter().map(|x| x.hits).collect::<Vec<_>>(), [2, 1]);
    // Sydney, 6 October 2024 (23 hours, DST starts): midnight of the 7th is 13:00Z on the 6th.
    let rows = [pv("2024-10-06T12:30:00Z", "/"), pv("2024-10-06T12:59:00Z", "/a"), pv("2024-10-06T13:00:00Z", "/b")];
    let (_, s) = run(&rows, &rules);
    assert_eq!(s.sessions.iter().map(|x| x.hits).collect::<Vec<_>>(), [2, 1]);
    // A session from before to after the 02:00 -> 03:00 jump is not split by it.
    let rows = [pv("2024-10-05T15:50:00Z", "/"), pv("2024-10-05T16:10:00Z", "/a")];
    assert_eq!(count(&rows, &rules), 1);
}

#[test]
fn bot_hits_are_filtered_counted_and_listed_unless_the_filter_is_off() {
    let rows = [
        pv("2024-03-05T10:00:00Z", "/"),
        HitRow {
            client_id: "",
            ip: "66.249.66.1",
            user_agent: GOOGLEBOT,
            ..pv("2024-03-05T10:00:01Z", "/robots-welcome")
        },
        HitRow { client_id: "", ip: "66.249.66.1", user_agent: GOOGLEBOT, ..pv("2024-03-05T10:00:02Z", "/a") },
    ];
    for p in Preset::ALL {
        // GoAccess counts crawlers: its preset turns the filter off.
        let filtered = RuleSet { bot_filter: true, ..preset(p) };
        assert_eq!(preset(p).bot_filter, p != Preset::GoAccess, "{p:?}");
        let (t, s) = run(&rows, &filtered);
        assert_eq!((s.sessions.len(), s.totals().bot_hits, s.totals().users), (1, 2, 1), "{p:?}");
        assert_eq!(t.hit(s.bot_hits[0] as usize).url, "/robots-welcome");
        assert_eq!(s.devices[s.sessions[0].device as usize].device, "desktop");
        let mut unfiltered = preset(p);
        unfiltered.bot_filter = false;
        let (_, s) = run(&rows, &unfiltered);
        assert_eq!((s.sessions.len(), s.totals().bot_hits), (2, 0), "{p:?}");
        assert!(s.devices.iter().any(|d| d.device == "bot"));
    }
}

/// A Snowplow event of tracker session `session`.
fn in_session(session: &'static str, row: HitRow<'static>) -> HitRow<'static> {
    HitRow { source_session_id: session, ..row }
}

/// A Snowplow page ping (non-interaction, as the Snowplow importer reads it).
fn ping(time: &str) -> HitRow<'static> {
    event(time, "/", "page_ping", false)
}

#[test]
fn snowplow_takes_the_trackers_sessions_needs_a_page_view_and_drops_hits_after_3_days() {
    let rows = [
        in_session("s1", pv("2024-03-05T10:00:00Z", "/")),
        // 45 minutes later: still the tracker's session s1, no timeout applies inside it.
        in_session("s1", pv("2024-03-05T10:45:00Z", "/a")),
        // 2 days 23 hours after s1 began: still in it.
        in_session("s1", event("2024-03-08T09:00:00Z", "/a", "click", true)),
        // 3 days and 1 minute after: dropped, no new session.
        in_session("s1", pv("2024-03-08T10:01:00Z", "/late")),
        // A session of pings and a click without a page view is not counted.
        in_session("s2", ping("2024-03-09T10:00:00Z")),
        in_session("s2", event("2024-03-09T10:00:20Z", "/", "click", true)),
    ];
    let (t, s) = run(&rows, &preset(Preset::Snowplow));
    assert_eq!(reasons(&s), [StartReason::FirstHit]);
    assert_eq!((s.sessions[0].hits, s.sessions[0].pageviews), (3, 2));
    assert_eq!(s.sessions[0].end_ms, ms("2024-03-08T09:00:00Z"));
    let totals = s.totals();
    assert_eq!((totals.uncounted_hits, totals.users), (3, 1), "the late hit and s2's two; c1 is still a user");
    let uncounted: Vec<&str> = (0..t.len()).filter(|&i| s.hit_session[i] == NO_SESSION).map(|i| t.hit(i).url).collect();
    assert_eq!(uncounted, ["/late", "/", "/"]);
    // Without the rules the late hit stays in s1, taken as recorded, and s2 counts.
    let mut plain = preset(Preset::Snowplow);
    plain.drop_hits_after_s = None;
    plain.session_needs_pageview = false;
    let (_, s) = run(&rows, &plain);
    assert_eq!(s.sessions.iter().map(|x| x.hits).collect::<Vec<_>>(), [4, 2]);
    // Computed sessions: a late hit after a timeout still starts a session of its own (the
    // click alone on the 8th is no session: it has no page view).
    let mut client = preset(Preset::Snowplow);
    client.identity = Identity::Client;
    let (t, s) = run(&rows[..4], &client);
    assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::Timeout, StartReason::Timeout]);
    assert_eq!(t.dictionaries().urls[s.sessions[2].landing_url as usize], "/late");
}

#[test]
fn snowplow_engaged_needs_two_page_views_or_three_page_pings_and_bounce_is_not_engaged() {
    // The tracker pings 5 s after the page view, then every 10 s: a page's engaged time is 5 s
    // plus 10 s per further ping, and the model calls 20 s (two heartbeats) engaged.
    let engaged = |rows: &[HitRow<'_>]| {
        let (_, s) = run(rows, &preset(Preset::Snowplow));
        let session = &s.sessions[0];
        assert_eq!(session.bounce, !session.engaged);
        session.engaged
    };
    let landing = pv("2024-03-05T10:00:00Z", "/");
    let pings = [ping("2024-03-05T10:00:05Z"), ping("2024-03-05T10:00:15Z"), ping("2024-03-05T10:00:25Z")];
    assert!(!engaged(&[landing, pings[0], pings[1]]), "15 s of engaged time");
    assert!(engaged(&[landing, pings[0], pings[1], pings[2]]), "25 s");
    assert!(engaged(&[landing, pv("2024-03-05T10:00:03Z", "/a")]), "two page views");
    // A click 30 s in, without pings: the span does not count, as it does under GA4.
    let click = [landing, event("2024-03-05T10:00:30Z", "/", "click", true)];
    assert!(!engaged(&click));
    assert!(run(&click, &preset(Preset::Ga4)).1.sessions[0].engaged);
    // Pings are heartbeats by name: a scroll is none under Snowplow's list.
    let scrolls = [landing, event("2024-03-05T10:00:05Z", "/", "scroll", false)];
    let mut rules = preset(Preset::Snowplow);
    rules.engagement.min_heartbeats = Some(1);
    assert!(!run(&scrolls, &rules).1.sessions[0].engaged);
    assert!(run(&[landing, pings[0]], &rules).1.sessions[0].engaged);
}

#[test]
fn awstats_waits_60_minutes_and_counts_everyone_behind_one_ip_as_one_visitor() {
    let rows = [
        pv("2024-03-05T10:00:00Z", "/"),
        HitRow { client_id: "c2", user_agent: CHROME, ..pv("2024-03-05T10:59:00Z", "/a") },
        pv("2024-03-05T12:00:00Z", "/b"),
    ];
    let (_, s) = run(&rows, &preset(Preset::Awstats));
    assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::Timeout]);
    assert_eq!(s.sessions[0].hits, 2);
    let totals = s.totals();
    assert_eq!((totals.users, totals.bounce_rate), (1, None), "AWStats reports no bounce rate");
    // The Webalizer-style server-log preset ends the visit after 30 minutes.
    assert_eq!(count(&rows, &preset(Preset::ServerLog)), 3);
}

#[test]
fn goaccess_counts_one_session_per_ip_user_agent_and_local_day_crawlers_included() {
    let mut rules = preset(Preset::GoAccess);
    rules.time_zone = "Europe/Berlin".into();
    let rows = [
        // 00:30, 09:00 and 23:50 in Berlin (UTC+1): one unique visitor of 5 March.
        pv("2024-03-04T23:30:00Z", "/"),
        pv("2024-03-05T08:00:00Z", "/a"),
        pv("2024-03-05T22:50:00Z", "/b"),
        // 00:10 on the 6th: a new day, a new visitor.
        pv("2024-03-05T23:10:00Z", "/c"),
        // Another browser on the same IP is another visitor; so is a crawler.
        HitRow { user_agent: CHROME, ..pv("2024-03-05T08:00:00Z", "/") },
        HitRow { user_agent: GOOGLEBOT, ..pv("2024-03-05T08:00:00Z", "/robots.txt") },
    ];
    let (_, s) = run(&rows, &rules);
    let mut hits: Vec<u32> = s.sessions.iter().map(|x| x.hits).collect();
    hits.sort();
    assert_eq!(hits, [1, 1, 1, 3]);
    let totals = s.totals();
    assert_eq!((totals.users, totals.bot_hits, totals.bounce_rate), (4, 0, None));
}

#[test]
fn umami_splits_visits_at_each_utc_hour_and_keeps_the_visitor_for_the_month() {
    let rows = [
        pv("2024-03-05T10:05:00Z", "/"),
        // 50 minutes later but in the same clock hour: the same visit.
        HitRow { client_id: "other-cookie", ..pv("2024-03-05T10:55:00Z", "/a") },
        pv("2024-03-05T11:01:00Z", "/b"),
        pv("2024-03-20T09:00:00Z", "/"),
        pv("2024-04-01T00:10:00Z", "/"),
    ];
    let (t, s) = run(&rows, &preset(Preset::Umami));
    assert_eq!(reasons(&s), [StartReason::FirstHit, StartReason::Hour, StartReason::Timeout, StartReason::Timeout]);
    assert_eq!((s.sessions[0].hits, s.sessions[0].bounce, s.sessions[1].bounce), (2, false, true));
    let label = |i: usize| s.visitor_label(&t, s.sessions[i].visitor);
    assert_eq!(label(0), label(2), "the same visitor on 5 and 20 March");
    assert_ne!(label(2), label(3), "a new salt on 1 April");
    assert_eq!(s.totals().users, 2);
    // Plausible's daily salt makes 20 March another visitor, and its 30 minutes end the visit.
    let (t, p) = run(&rows, &preset(Preset::Plausible));
    assert_ne!(p.visitor_label(&t, p.sessions[0].visitor), p.visitor_label(&t, p.sessions[2].visitor));
    assert_eq!(reasons(&p)[1], StartReason::Timeout);
    // A weekly salt: 5 and 20 March are in different weeks.
    let mut weekly = preset(Preset::Umami);
    weekly.salt_rotation = SaltRotation::Week;
    assert_eq!(run(&rows, &weekly).1.totals().users, 3);
}
