//! Seeded synthetic website traffic for benchmarks and tests of any size ([`demo_shop`] is the
//! app's demo month, made to tell the discrepancy story): visitors who come
//! back, sessions of page views with realistic pauses (some past 30 minutes), entrances from
//! direct, organic search, paid search with a gclid per click, social and e-mail campaigns.
//! The same seed always gives the same file.

pub mod demo_shop;

use std::io::{self, Write};

use chrono::{DateTime, Utc};

/// What to generate.
#[derive(Clone, Debug)]
pub struct TrafficSpec {
    pub hits: usize,
    pub seed: u64,
    /// First possible hit, UTC ms.
    pub start_ms: i64,
    pub days: u32,
}

impl TrafficSpec {
    /// `hits` hits over March 2024.
    pub fn new(hits: usize, seed: u64) -> Self {
        TrafficSpec { hits, seed, start_ms: 1_709_251_200_000, days: 31 }
    }
}

const PAGES: &[&str] = &[
    "/",
    "/shop",
    "/shop/widgets",
    "/shop/widgets/red",
    "/shop/widgets/blue",
    "/shop/gadgets",
    "/cart",
    "/checkout",
    "/checkout/thanks",
    "/about",
    "/blog",
    "/blog/how-to-choose-a-widget",
    "/contact",
    "/search",
];
const USER_AGENTS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
];

/// How a session arrived.
#[derive(Clone, Copy)]
enum Entrance {
    Direct,
    Organic,
    Paid { click: u64 },
    Social,
    Email,
}

struct Row {
    ts_ms: i64,
    visitor: u32,
    page: u8,
    agent: u8,
    entrance: Option<Entrance>,
}

/// Write `spec.hits` hits as CSV with a header (timestamp, client_id, user_id, url, referrer,
/// user_agent, ip, event), ordered by time as exports are.
pub fn write_traffic_csv(spec: &TrafficSpec, out: impl Write) -> io::Result<()> {
    let rows = generate(spec);
    let mut out = csv::Writer::from_writer(io::BufWriter::with_capacity(1 << 20, out));
    out.write_record(["timestamp", "client_id", "user_id", "url", "referrer", "user_agent", "ip", "event"])?;
    for row in &rows {
        let time = DateTime::<Utc>::from_timestamp_millis(row.ts_ms).unwrap_or_default();
        let v = row.visitor;
        let (query, referrer) = match row.entrance {
            None | Some(Entrance::Direct) => (String::new(), ""),
            Some(Entrance::Organic) => (String::new(), "https://www.google.com/"),
            Some(Entrance::Paid { click }) => (
                format!("?utm_source=google&utm_medium=cpc&utm_campaign=spring_sale&gclid=Cj0KCQ{click:016x}"),
                "https://www.google.com/",
            ),
            Some(Entrance::Social) => (String::new(), "https://www.facebook.com/"),
            Some(Entrance::Email) => ("?utm_source=newsletter&utm_medium=email&utm_campaign=march".into(), ""),
        };
        let user = if v % 7 == 0 { format!("u{v}") } else { String::new() };
        out.write_record([
            &time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            &format!("{}.{}", 1_000_000_000 + v, 1_700_000_000 + v % 1000),
            &user,
            &format!("https://shop.example{}{query}", PAGES[row.page as usize]),
            referrer,
            USER_AGENTS[row.agent as usize],
            &format!("{}.{}.{}.{}", 10 + v % 200, v / 65536 % 256, v / 256 % 256, v % 256),
            "page_view",
        ])?;
    }
    out.flush()
}

fn generate(spec: &TrafficSpec) -> Vec<Row> {
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    let span_ms = i64::from(spec.days) * 86_400_000;
    let mut rows = Vec::with_capacity(spec.hits);
    let mut visitor = 0u32;
    while rows.len() < spec.hits {
        visitor += 1;
        let agent = if rng.u8(..100) < 3 { USER_AGENTS.len() - 1 } else { rng.usize(..USER_AGENTS.len() - 1) } as u8;
        let sessions = 1 + (rng.f64().powi(3) * 6.0) as u32;
        for _ in 0..sessions {
            let mut ts = spec.start_ms + rng.i64(0..span_ms);
            let entrance = match rng.u8(..100) {
                0..=39 => Entrance::Direct,
                40..=64 => Entrance::Organic,
                65..=84 => Entrance::Paid { click: rng.u64(..) },
                85..=94 => Entrance::Social,
                _ => Entrance::Email,
            };
            let pages = 1 + (rng.f64().powi(2) * 12.0) as usize;
            for i in 0..pages {
                if rows.len() == spec.hits {
                    break;
                }
                rows.push(Row {
                    ts_ms: ts,
                    visitor,
                    page: rng.u8(..PAGES.len() as u8),
                    agent,
                    entrance: (i == 0).then_some(entrance),
                });
                // Mostly short pauses; one in twenty is longer than half an hour.
                ts += if rng.u8(..20) == 0 { rng.i64(1_800_000..7_200_000) } else { rng.i64(3_000..600_000) };
            }
        }
    }
    rows.sort_by_key(|r| r.ts_ms);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_file_and_exact_size() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        write_traffic_csv(&TrafficSpec::new(500, 7), &mut a).unwrap();
        write_traffic_csv(&TrafficSpec::new(500, 7), &mut b).unwrap();
        assert_eq!(a, b);
        let text = String::from_utf8(a).unwrap();
        assert_eq!(text.lines().count(), 501);
        assert!(text.contains("gclid=Cj0KCQ"));
    }
}
