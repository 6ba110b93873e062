//! The demo shop's November: a traffic export and the Google Ads campaign report of the same
//! month, made to show each cause the discrepancy report explains, with counts large enough to
//! see. The ad account runs on New York time; the traffic is stamped in UTC.
//!
//! - **Brand - Exact** sends a third of its clicks through an old `/sale` link that redirects
//!   to `/promo` and drops the query string: those visits arrive from google.com with no tags
//!   (tags lost), so the campaign shows far fewer sessions than clicks.
//! - **Spring Sale - Search** is tagged by hand; one click in seven is the same visitor
//!   clicking again a few minutes later (repeat clicks, one session under GA4), and a few
//!   clicks never land.
//! - **Retargeting - Display** brings back visitors who also return later through a
//!   bookmarked tagged link (sessions without a click).
//! - Clicks run from 7:00 to 23:00 New York time, so the evening's visits fall on the next
//!   UTC day (the day shift).
//!
//! Around them, organic, social and direct visits browse the shop's other pages, and three
//! broken rows give the rejects list something to show. The same build always writes the same
//! bytes.

use std::io;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::America::New_York;

use super::{PAGES, USER_AGENTS};

/// The ad account's time zone, which the demo states when it imports the ad report.
pub const ACCOUNT_TIME_ZONE: &str = "America/New_York";
/// The first and last day of the demo month.
pub const FIRST_DAY: (i32, u32, u32) = (2026, 11, 1);
pub const DAYS: u32 = 30;
const SEED: u64 = 20_261_101;

/// Rows a real export sometimes holds, appended to the traffic file: each must be rejected
/// (and the last must stay text when the rejects are exported to a spreadsheet).
pub const BROKEN_ROWS: [&str; 3] = [
    "2026-11-31T10:00:00Z,1200000001.1761955201,https://shop.example/shop,,Mozilla/5.0,page_view",
    "yesterday,1200000002.1761955202,https://shop.example/cart,,Mozilla/5.0,page_view",
    "=HYPERLINK(\"http://evil.example\"),1200000003.1761955203,https://shop.example/,,Mozilla/5.0,page_view",
];

/// The demo's two files.
pub struct DemoShop {
    pub traffic_csv: Vec<u8>,
    pub ads_csv: Vec<u8>,
}

/// How a click of a campaign reaches the site.
#[derive(Clone, Copy, PartialEq)]
enum Landing {
    Tagged,
    /// Through a redirect that drops the query string.
    Stripped,
    /// A second click by the same visitor a few minutes after the first.
    Repeat,
    /// The visitor left before the page loaded.
    None,
}

struct Campaign {
    name: &'static str,
    utm: &'static str,
    page: &'static str,
    clicks_per_day: (u32, u32),
    cpc_cents: u64,
    landing: fn(u8) -> Landing,
    /// Per cent of landed visitors who come back days later through a bookmarked tagged link.
    bookmark_returns: u8,
}

const CAMPAIGNS: [Campaign; 3] = [
    Campaign {
        name: "Brand - Exact",
        utm: "brand_exact",
        page: "/promo",
        clicks_per_day: (18, 26),
        cpc_cents: 62,
        landing: |roll| match roll {
            0..=61 => Landing::Tagged,
            62..=95 => Landing::Stripped,
            _ => Landing::None,
        },
        bookmark_returns: 0,
    },
    Campaign {
        name: "Spring Sale - Search",
        utm: "spring_sale_search",
        page: "/shop/widgets",
        clicks_per_day: (28, 38),
        cpc_cents: 91,
        landing: |roll| match roll {
            0..=81 => Landing::Tagged,
            82..=95 => Landing::Repeat,
            _ => Landing::None,
        },
        bookmark_returns: 0,
    },
    Campaign {
        name: "Retargeting - Display",
        utm: "retargeting_display",
        page: "/shop/gadgets",
        clicks_per_day: (7, 11),
        cpc_cents: 35,
        landing: |_| Landing::Tagged,
        bookmark_returns: 15,
    },
];

/// Pages visitors browse to after landing.
const BROWSE: &[&str] = PAGES;

/// Where visits from search, social and bookmarks start: any page but the campaigns' landing pages.
fn entry_page(rng: &mut fastrand::Rng) -> &'static str {
    loop {
        let page = PAGES[rng.usize(..PAGES.len())];
        if CAMPAIGNS.iter().all(|c| c.page != page) {
            return page;
        }
    }
}

struct Hit {
    ts_ms: i64,
    visitor: u32,
    url: String,
    referrer: &'static str,
    agent: u8,
}

/// The demo's files.
pub fn demo_shop() -> DemoShop {
    let mut rng = fastrand::Rng::with_seed(SEED);
    let mut hits: Vec<Hit> = Vec::new();
    let mut visitor = 0u32;
    let (y, m, d) = FIRST_DAY;
    let first = NaiveDate::from_ymd_opt(y, m, d).expect("a real date");
    let mut report: Vec<(NaiveDate, &Campaign, u64)> = Vec::new();
    let mut returns: Vec<(i64, u32, u8, &Campaign)> = Vec::new();

    for day in (0..DAYS).map(|i| first + Duration::days(i.into())) {
        let midnight = New_York.from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight")).earliest();
        let midnight_ms = midnight.expect("New York has a midnight").timestamp_millis();
        for campaign in &CAMPAIGNS {
            let clicks = rng.u32(campaign.clicks_per_day.0..=campaign.clicks_per_day.1);
            report.push((day, campaign, u64::from(clicks)));
            let mut clicker = None;
            for _ in 0..clicks {
                let landing = (campaign.landing)(rng.u8(..100));
                // 7:00 to 23:00 in New York.
                let at = midnight_ms + rng.i64(7 * 3_600_000..23 * 3_600_000);
                let (who, at) = match (landing, clicker) {
                    (Landing::Repeat, Some((who, last))) => (who, last + rng.i64(120_000..900_000)),
                    (Landing::None, _) => continue,
                    _ => {
                        visitor += 1;
                        (visitor, at)
                    }
                };
                clicker = Some((who, at));
                let agent = rng.u8(..USER_AGENTS.len() as u8 - 1);
                let url = match landing {
                    Landing::Stripped => format!("https://shop.example{}", campaign.page),
                    _ => tagged_url(campaign),
                };
                hits.push(Hit { ts_ms: at, visitor: who, url, referrer: "https://www.google.com/", agent });
                browse(&mut rng, &mut hits, who, at, agent);
                if rng.u8(..100) < campaign.bookmark_returns {
                    returns.push((at + rng.i64(2..6) * 86_400_000, who, agent, campaign));
                }
            }
        }
        // Background: organic, social and direct visitors on the shop's own pages.
        for _ in 0..rng.u32(60..80) {
            visitor += 1;
            let at = midnight_ms + rng.i64(0..86_400_000);
            let referrer = match rng.u8(..10) {
                0..=4 => "https://www.google.com/",
                5..=6 => "https://www.facebook.com/",
                _ => "",
            };
            let agent = rng.u8(..USER_AGENTS.len() as u8 - 1);
            let page = entry_page(&mut rng);
            hits.push(Hit { ts_ms: at, visitor, url: format!("https://shop.example{page}"), referrer, agent });
            browse(&mut rng, &mut hits, visitor, at, agent);
        }
    }
    let end_ms = New_York
        .from_local_datetime(&(first + Duration::days(DAYS.into())).and_hms_opt(0, 0, 0).expect("midnight"))
        .earliest()
        .expect("New York has a midnight")
        .timestamp_millis();
    for (at, who, agent, campaign) in returns.into_iter().filter(|r| r.0 < end_ms) {
        hits.push(Hit { ts_ms: at, visitor: who, url: tagged_url(campaign), referrer: "", agent });
        browse(&mut rng, &mut hits, who, at, agent);
    }
    hits.sort_by_key(|h| (h.ts_ms, h.visitor));
    DemoShop {
        traffic_csv: traffic_csv(&hits).expect("writing to memory"),
        ads_csv: ads_csv(&report).expect("writing to memory"),
    }
}

fn tagged_url(campaign: &Campaign) -> String {
    format!("https://shop.example{}?utm_source=google&utm_medium=cpc&utm_campaign={}", campaign.page, campaign.utm)
}

/// A few more page views after a landing, a minute or so apart.
fn browse(rng: &mut fastrand::Rng, hits: &mut Vec<Hit>, visitor: u32, mut at: i64, agent: u8) {
    for _ in 0..rng.usize(..4) {
        at += rng.i64(20_000..240_000);
        let page = BROWSE[rng.usize(..BROWSE.len())];
        hits.push(Hit { ts_ms: at, visitor, url: format!("https://shop.example{page}"), referrer: "", agent });
    }
}

fn traffic_csv(hits: &[Hit]) -> io::Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["timestamp", "client_id", "url", "referrer", "user_agent", "event"])?;
    for h in hits {
        let time = DateTime::<Utc>::from_timestamp_millis(h.ts_ms).unwrap_or_default();
        out.write_record([
            &time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            &format!("{}.{}", 1_200_000_000 + h.visitor, 1_761_955_200 + h.visitor % 997),
            &h.url,
            h.referrer,
            USER_AGENTS[h.agent as usize],
            "page_view",
        ])?;
    }
    let mut bytes = out.into_inner().map_err(|e| e.into_error())?;
    for row in BROKEN_ROWS {
        bytes.extend_from_slice(row.as_bytes());
        bytes.push(b'\n');
    }
    Ok(bytes)
}

/// A Google Ads campaign report as the web interface downloads it: a title line, the date
/// range, the header, a row per day and campaign, and the total lines.
fn ads_csv(report: &[(NaiveDate, &Campaign, u64)]) -> io::Result<Vec<u8>> {
    let mut out = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    out.write_record(["Campaign report"])?;
    let (first, last) = (report[0].0, report[report.len() - 1].0);
    out.write_record([format!("{} - {}", first.format("%B %-d, %Y"), last.format("%B %-d, %Y"))])?;
    out.write_record(["Day", "Campaign", "Campaign type", "Currency code", "Clicks", "Impr.", "Cost"])?;
    let (mut clicks_total, mut impressions_total, mut cost_total) = (0, 0, 0);
    for (i, (day, campaign, clicks)) in report.iter().enumerate() {
        let impressions = clicks * 17 + (i as u64 * 37) % 60;
        let cost = clicks * campaign.cpc_cents;
        out.write_record([
            day.to_string(),
            campaign.name.to_string(),
            if campaign.name.contains("Display") { "Display" } else { "Search" }.to_string(),
            "USD".to_string(),
            clicks.to_string(),
            thousands(impressions),
            money(cost),
        ])?;
        clicks_total += clicks;
        impressions_total += impressions;
        cost_total += cost;
    }
    for total in ["Total: Campaigns", "Total: Account"] {
        let row =
            [total, "--", "--", "USD", &thousands(clicks_total), &thousands(impressions_total), &money(cost_total)];
        out.write_record(row)?;
    }
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())
}

fn money(cents: u64) -> String {
    format!("{}.{:02}", thousands(cents / 100), cents % 100)
}

/// 12345 → "12,345", as the Ads interface writes counts.
fn thousands(n: u64) -> String {
    crate::discrepancy::thousands(n as i64)
}
