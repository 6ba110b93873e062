//! A realistic report for tests and the bench: a month of a mid-sized shop's traffic, with a hostile campaign name.

use sessionlens_charts::{
    BreakdownChart, BreakdownRow, ControlChart, DailyCounts, RatioPoint, TimeSeriesChart, WaterfallChart, WaterfallStep,
};
use sessionlens_report::*;

/// A campaign name that would run code or inject markup if the data were ever spliced into Typst or HTML.
pub const HOSTILE: &str = "#panic(\"boom\") <script>alert(1)</script> *bold* $x$ @ref";

pub fn nv(name: &str, value: &str) -> NameValue {
    NameValue { name: name.into(), value: value.into() }
}

/// The sample report with `extra_rows` rows in an additional landing-page table (0 for none).
pub fn sample(extra_rows: usize) -> ReportData {
    let days: Vec<DailyCounts> = (0..31)
        .map(|i| {
            let weekend = i % 7 == 5 || i % 7 == 6;
            let clicks = if weekend { 310.0 } else { 420.0 } + ((i * 37) % 41) as f64;
            let ratio = if i == 17 { 0.58 } else { 0.88 + ((i * 13) % 9) as f64 / 100.0 };
            DailyCounts { date: format!("2024-03-{:02}", i + 1), sessions: (clicks * ratio).round(), clicks }
        })
        .collect();
    let ratio_points =
        days.iter().map(|d| RatioPoint { date: d.date.clone(), ratio_pct: d.sessions / d.clicks * 100.0 }).collect();
    let landing_rows = (0..extra_rows)
        .map(|i| {
            vec![
                format!("/products/category-{}/item-{i}", i % 17),
                format!("{}", 900 - i % 900),
                format!("{}.{} %", 30 + i % 50, i % 10),
                format!("0:{:02}:{:02}", 1 + i % 5, i % 60),
            ]
        })
        .collect();
    let mut tables = vec![Table {
        title: "Sessions by channel".into(),
        columns: vec!["Channel".into(), "Sessions".into(), "Share".into(), "Ad clicks".into()],
        rows: vec![
            vec!["Paid search".into(), "7,912".into(), "41.2 %".into(), "8,804".into()],
            vec!["Organic search".into(), "5,130".into(), "26.7 %".into(), "–".into()],
            vec!["Paid social".into(), "2,744".into(), "14.3 %".into(), "3,676".into()],
            vec!["Direct".into(), "2,106".into(), "11.0 %".into(), "–".into()],
            vec!["Referral".into(), "1,301".into(), "6.8 %".into(), "–".into()],
        ],
        numeric: vec![false, true, true, true],
    }];
    if extra_rows > 0 {
        tables.push(Table {
            title: "Landing pages".into(),
            columns: vec!["Landing page".into(), "Sessions".into(), "Bounce rate".into(), "Avg. duration".into()],
            rows: landing_rows,
            numeric: vec![false, true, true, true],
        });
    }
    ReportData {
        title: "Paid traffic review, March 2024".into(),
        client: "Nordlicht Outdoor GmbH".into(),
        agency: Some("Northwind Marketing".into()),
        verdict: Some(
            "All campaigns: 12,480 clicks → 10,483 GA4 sessions (84 per 100), within the usual 80–120: nothing \
             needs fixing."
                .into(),
        ),
        findings: Some(
            "Keep the redirect on /promo as it is.\n- it keeps the query string\n\nCheck again in April.".into(),
        ),
        sections: Sections::default(),
        has_previous: true,
        project: "nordlicht-shop".into(),
        period: DateRange { start: "2024-03-01".into(), end: "2024-03-31".into(), time_zone: "Europe/Berlin".into() },
        rule_set: RuleSet {
            name: "GA4 (default)".into(),
            rules: vec![
                nv("Session timeout", "30 minutes of inactivity"),
                nv("Midnight", "Sessions continue across midnight"),
                nv("Campaign change", "Does not start a new session"),
                nv("Bot filtering", "Known bots and spiders excluded"),
            ],
        },
        kpis: vec![
            Kpi {
                name: "Sessions".into(),
                value: "19,193".into(),
                previous: Some("18,402".into()),
                change_pct: Some(4.3),
            },
            Kpi {
                name: "Ad clicks".into(),
                value: "12,480".into(),
                previous: Some("12,911".into()),
                change_pct: Some(-3.3),
            },
            Kpi {
                name: "Sessions per ad click".into(),
                value: "84.0 %".into(),
                previous: Some("86.1 %".into()),
                change_pct: Some(-2.4),
            },
            Kpi { name: "Users".into(), value: "14,027".into(), previous: None, change_pct: None },
            Kpi {
                name: "Bot sessions removed".into(),
                value: "842".into(),
                previous: Some("790".into()),
                change_pct: Some(6.6),
            },
            Kpi {
                name: "Unexplained gap".into(),
                value: "0.5 %".into(),
                previous: Some("0.7 %".into()),
                change_pct: Some(0.0),
            },
        ],
        time_series: TimeSeriesChart { title: "Sessions and ad clicks per day".into(), days },
        breakdowns: vec![BreakdownChart {
            title: "Sessions by channel".into(),
            value_label: "Sessions".into(),
            rows: vec![
                BreakdownRow { label: "Paid search".into(), value: 7912.0 },
                BreakdownRow { label: "Organic search".into(), value: 5130.0 },
                BreakdownRow { label: "Paid social".into(), value: 2744.0 },
                BreakdownRow { label: "Direct".into(), value: 2106.0 },
                BreakdownRow { label: "Referral".into(), value: 1301.0 },
            ],
        }],
        tables,
        discrepancy: Discrepancy {
            summary: "Google Ads and Meta reported 12,480 clicks in March; the site recorded 10,166 sessions that \
                      started from those clicks under GA4 rules.\n\nMost of the gap is clicks that never reached a \
                      page view (the visitor left before the tag fired) and invalid traffic removed by bot filtering. \
                      One day, 18 March, falls well below the expected band: the checkout release that day dropped \
                      the tag on two landing pages."
                .into(),
            waterfall: WaterfallChart {
                title: "From ad clicks to sessions".into(),
                start_label: "Ad clicks".into(),
                start_value: 12480.0,
                steps: vec![
                    WaterfallStep { label: "Clicks without a landing hit".into(), value: -1310.0 },
                    WaterfallStep { label: "Bot and invalid traffic".into(), value: -842.0 },
                    WaterfallStep { label: "Repeat clicks in one session".into(), value: -316.0 },
                    WaterfallStep { label: "Sessions split by campaign change".into(), value: 215.0 },
                    WaterfallStep { label: "Unexplained".into(), value: -61.0 },
                ],
                end_label: "Sessions from ads".into(),
            },
            control: ControlChart {
                title: "Sessions per ad click, daily".into(),
                points: ratio_points,
                expected_low_pct: 80.0,
                expected_high_pct: 120.0,
            },
            campaigns: vec![
                CampaignRow {
                    campaign: "Brand – DE".into(),
                    platform: "Google Ads".into(),
                    clicks: 4210,
                    sessions: 3904,
                    flag: None,
                },
                CampaignRow {
                    campaign: "Generic – Tents".into(),
                    platform: "Google Ads".into(),
                    clicks: 3114,
                    sessions: 2590,
                    flag: None,
                },
                CampaignRow {
                    campaign: HOSTILE.into(),
                    platform: "Meta".into(),
                    clicks: 1480,
                    sessions: 902,
                    flag: Some("Sessions below 80 % of clicks".into()),
                },
                CampaignRow {
                    campaign: "Spring sale – retargeting".into(),
                    platform: "Meta".into(),
                    clicks: 2196,
                    sessions: 1893,
                    flag: None,
                },
                CampaignRow {
                    campaign: "Shopping – all products".into(),
                    platform: "Google Ads".into(),
                    clicks: 1480,
                    sessions: 1193,
                    flag: None,
                },
            ],
        },
        methodology: Methodology {
            rules: vec![
                nv("Platform rules", "GA4, as documented by Google in 2024"),
                nv("Session timeout", "30 minutes without a hit ends the session"),
                nv("Midnight", "Does not end a session"),
                nv("New campaign", "Does not end a session (GA4 keeps the first source)"),
                nv("Engaged session", "10 seconds, a conversion, or 2 page views"),
                nv("Identity", "Client id, then user id when signed in"),
            ],
            time_zones: vec![
                nv("Report", "Europe/Berlin (all days in this report)"),
                nv("Google Ads account", "Europe/Berlin"),
                nv("Meta ad account", "America/Los_Angeles, converted to Europe/Berlin"),
            ],
            bot_filtering: "Hits from user agents on the IAB/ABC international spiders and bots list were removed, \
                            as were hits from data-centre IP ranges with no JavaScript events.\n\nClicks flagged \
                            invalid by the ad platforms were removed before matching."
                .into(),
            sources: vec![
                DataSource {
                    name: "ga4_export_2024_03.jsonl.gz".into(),
                    format: "GA4 BigQuery export".into(),
                    rows: 412_380,
                    rejects: 12,
                },
                DataSource {
                    name: "google_ads_clicks_march.csv".into(),
                    format: "Google Ads click report".into(),
                    rows: 9_804,
                    rejects: 0,
                },
                DataSource {
                    name: "meta_ads_march.csv".into(),
                    format: "Meta Ads export".into(),
                    rows: 3_676,
                    rejects: 3,
                },
            ],
        },
    }
}

pub fn options(paper: Paper) -> Options {
    Options { paper, logo: None, title: None, today: ReportDate { year: 2024, month: 4, day: 2 } }
}
