//! Every chart renders a well-formed, scalable SVG with hover titles for its data, handles empty and hostile input
//! without panicking, and converts to PNG.

use sessionlens_charts::*;

fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("invalid SVG ({e}):\n{svg}"))
}

/// Texts of all `<title>` and `<text>` elements.
fn texts(svg: &str, tag: &str) -> Vec<String> {
    parse(svg).descendants().filter(|n| n.has_tag_name(tag)).map(|n| n.text().unwrap_or_default().to_string()).collect()
}

fn assert_scalable(svg: &str) {
    let doc = parse(svg);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert!(root.attribute("viewBox").is_some(), "no viewBox");
    assert_eq!(root.attribute("width"), Some("100%"));
    assert_eq!(root.attribute("height"), None);
    assert!(root.attribute("font-family").unwrap().ends_with("sans-serif"));
    // No hard-coded black or white: the text colour comes from the page.
    assert!(!svg.contains("#000000") && !svg.to_lowercase().contains("#ffffff"), "hard-coded black/white");
}

fn days(n: usize) -> Vec<DailyCounts> {
    (0..n)
        .map(|i| DailyCounts {
            date: format!("2024-03-{:02}", i + 1),
            sessions: 1000.0 + (i as f64 * 37.0) % 200.0,
            clicks: 1100.0 + (i as f64 * 53.0) % 150.0,
        })
        .collect()
}

#[test]
fn time_series_has_a_point_title_per_day_and_series() {
    let chart = TimeSeriesChart { title: "Sessions and ad clicks per day".into(), days: days(31) };
    let svg = time_series_svg(&chart);
    assert_scalable(&svg);
    let titles = texts(&svg, "title");
    assert!(titles.contains(&"Sessions and ad clicks per day".to_string()));
    assert!(titles.contains(&"2024-03-01 · Sessions: 1,000".to_string()), "{titles:?}");
    assert!(titles.contains(&"2024-03-02 · Ad clicks: 1,153".to_string()), "{titles:?}");
    assert!(titles.contains(&"2024-03-31\nSessions: 1,110\nAd clicks: 1,190".to_string()), "{titles:?}");
    let labels = texts(&svg, "text");
    assert!(labels.contains(&"Mar 1".to_string()), "{labels:?}");
    assert!(labels.contains(&"Sessions".to_string()) && labels.contains(&"Ad clicks".to_string()));
    assert_eq!(svg.matches("<circle").count(), 62);
}

#[test]
fn a_long_range_has_a_hover_column_per_day_but_no_points() {
    let month_days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let year: Vec<DailyCounts> = (month_days.iter().enumerate())
        .flat_map(|(m, &n)| (1..=n).map(move |d| format!("2024-{:02}-{d:02}", m + 1)))
        .map(|date| DailyCounts { date, sessions: 1000.0, clicks: 900.0 })
        .collect();
    assert_eq!(year.len(), 366);
    let svg = time_series_svg(&TimeSeriesChart { title: "A year".into(), days: year });
    assert_scalable(&svg);
    assert_eq!(svg.matches("<circle").count(), 0);
    let titles = texts(&svg, "title");
    assert!(titles.contains(&"2024-12-31\nSessions: 1,000\nAd clicks: 900".to_string()), "{titles:?}");
    assert_eq!(titles.len(), 1 + 366, "the chart's and one per day");
    let points = |n: usize| {
        let days = days(31).into_iter().cycle().take(n).collect();
        time_series_svg(&TimeSeriesChart { title: "Days".into(), days }).matches("<circle").count()
    };
    assert_eq!((points(92), points(93)), (2 * 92, 0), "a point per day and series up to a quarter");
}

#[test]
fn time_series_single_day_and_gaps_do_not_break() {
    let mut chart = TimeSeriesChart { title: "One".into(), days: days(1) };
    let svg = time_series_svg(&chart);
    assert_scalable(&svg);
    assert!(texts(&svg, "text").contains(&"2024-03-01".to_string()));
    chart.days = days(5);
    chart.days[2].sessions = f64::NAN;
    let svg = time_series_svg(&chart);
    assert_scalable(&svg);
    assert_eq!(svg.matches("<circle").count(), 9);
}

fn waterfall() -> WaterfallChart {
    WaterfallChart {
        title: "From ad clicks to sessions".into(),
        start_label: "Ad clicks".into(),
        start_value: 12_480.0,
        steps: vec![
            WaterfallStep { label: "Clicks without a landing hit".into(), value: -1_310.0 },
            WaterfallStep { label: "Bot and invalid traffic".into(), value: -842.0 },
            WaterfallStep { label: "Sessions split at midnight".into(), value: 215.0 },
            WaterfallStep { label: "Unexplained".into(), value: -61.0 },
        ],
        end_label: "Sessions".into(),
    }
}

#[test]
fn waterfall_labels_every_bar_and_ends_at_the_sum() {
    let svg = waterfall_svg(&waterfall());
    assert_scalable(&svg);
    let labels = texts(&svg, "text");
    for value in ["12,480", "\u{2212}1,310", "\u{2212}842", "+215", "\u{2212}61", "10,482"] {
        assert!(labels.contains(&value.to_string()), "{value} missing from {labels:?}");
    }
    assert!(labels.contains(&"Unexplained".to_string()), "{labels:?}");
    let titles = texts(&svg, "title");
    assert!(
        titles.contains(&"Clicks without a landing hit: \u{2212}1,310 (running total 11,170)".to_string()),
        "{titles:?}"
    );
    assert!(titles.contains(&"Sessions: 10,482".to_string()));
}

fn control() -> ControlChart {
    let mut points: Vec<RatioPoint> = (0..28)
        .map(|i| RatioPoint { date: format!("2024-02-{:02}", i + 1), ratio_pct: 95.0 + (i % 5) as f64 })
        .collect();
    points[9].ratio_pct = 62.5;
    points[20].ratio_pct = f64::NAN;
    ControlChart { title: "Sessions per ad click".into(), points, expected_low_pct: 80.0, expected_high_pct: 120.0 }
}

#[test]
fn control_chart_flags_the_outlier_and_shows_bands() {
    let svg = control_chart_svg(&control());
    assert_scalable(&svg);
    let titles = texts(&svg, "title");
    assert!(
        titles.contains(&"2024-02-10: 62.5 % — outside the expected band and the usual range".to_string()),
        "{titles:?}"
    );
    assert!(titles.contains(&"2024-02-01: 95.0 % — within both bands".to_string()), "{titles:?}");
    assert!(titles.contains(&"Expected band: 80.0 % – 120.0 %".to_string()));
    assert!(titles.iter().any(|t| t.starts_with("Usual range (the average ± 3 × the day-to-day spread): ")));
    assert!(!titles.iter().any(|t| t.starts_with("2024-02-21")), "a day without a ratio gets no point");
    // One big red point, 26 small normal ones.
    assert_eq!(svg.matches("r=\"4\"").count(), 1);
    assert_eq!(svg.matches("<circle").count(), 27);
}

#[test]
fn breakdown_keeps_order_and_shortens_long_labels() {
    let long = "Paid social — retargeting audiences, EU and UK, spring campaign";
    let chart = BreakdownChart {
        title: "Sessions by channel".into(),
        value_label: "Sessions".into(),
        rows: vec![
            BreakdownRow { label: "Organic search".into(), value: 4_210.0 },
            BreakdownRow { label: "Paid search".into(), value: 3_380.0 },
            BreakdownRow { label: long.into(), value: 912.0 },
            BreakdownRow { label: "Direct".into(), value: 0.0 },
        ],
    };
    let svg = breakdown_svg(&chart);
    assert_scalable(&svg);
    let labels = texts(&svg, "text");
    assert!(labels.contains(&"Organic search".to_string()) && labels.contains(&"4,210".to_string()));
    assert!(labels.iter().any(|l| l.starts_with("Paid social") && l.ends_with('…')), "{labels:?}");
    let titles = texts(&svg, "title");
    assert!(titles.contains(&long.to_string()));
    assert!(titles.contains(&"Direct: 0 sessions".to_string()));
    let organic = svg.find(">Organic search<").unwrap();
    let paid = svg.find(">Paid search<").unwrap();
    assert!(organic < paid);
}

#[test]
fn empty_data_gives_a_no_data_svg() {
    let svgs = [
        time_series_svg(&TimeSeriesChart { title: "Daily".into(), days: vec![] }),
        waterfall_svg(&WaterfallChart {
            title: "Bridge".into(),
            start_label: "Clicks".into(),
            start_value: 0.0,
            steps: vec![],
            end_label: "Sessions".into(),
        }),
        control_chart_svg(&ControlChart {
            title: "Ratio".into(),
            points: vec![RatioPoint { date: "2024-01-01".into(), ratio_pct: f64::NAN }],
            expected_low_pct: 80.0,
            expected_high_pct: 120.0,
        }),
        breakdown_svg(&BreakdownChart { title: "Channels".into(), value_label: "Sessions".into(), rows: vec![] }),
    ];
    for svg in &svgs {
        assert_scalable(svg);
        assert!(texts(svg, "text").contains(&"No data for this period".to_string()), "{svg}");
    }
}

#[test]
fn hostile_and_odd_values_are_text_and_never_panic() {
    let hostile = "<script>alert('x')</script> & #panic() \u{0}";
    let chart = BreakdownChart {
        title: hostile.into(),
        value_label: hostile.into(),
        rows: vec![
            BreakdownRow { label: hostile.into(), value: f64::INFINITY },
            BreakdownRow { label: String::new(), value: -5.0 },
            BreakdownRow { label: "e\u{301}\u{1F600}".repeat(40), value: 1e15 },
        ],
    };
    let svg = breakdown_svg(&chart);
    assert_scalable(&svg);
    assert!(!svg.contains("<script"));
    assert!(texts(&svg, "title").iter().any(|t| t.starts_with("<script>alert('x')</script> & #panic()")));

    let flat = ControlChart {
        title: hostile.into(),
        points: vec![RatioPoint { date: hostile.into(), ratio_pct: 100.0 }; 3],
        expected_low_pct: f64::NAN,
        expected_high_pct: 120.0,
    };
    assert_scalable(&control_chart_svg(&flat));
    let negative = WaterfallChart {
        title: hostile.into(),
        start_label: hostile.into(),
        start_value: -10.0,
        steps: vec![WaterfallStep { label: hostile.into(), value: f64::NAN }],
        end_label: String::new(),
    };
    assert_scalable(&waterfall_svg(&negative));
    let zeros = TimeSeriesChart {
        title: String::new(),
        days: vec![DailyCounts { date: hostile.into(), sessions: 0.0, clicks: f64::NEG_INFINITY }; 400],
    };
    assert_scalable(&time_series_svg(&zeros));
}

#[test]
fn charts_convert_to_png_at_the_requested_width() {
    let svg = waterfall_svg(&waterfall());
    let png = svg_to_png(&svg, 1520).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1520, 720));
    assert_eq!(svg_to_png(&svg, 0), Err(PngError::Width(0)));
    assert!(matches!(svg_to_png("<svg", 100), Err(PngError::Svg(_))));
    if let Ok(dir) = std::env::var("SESSIONLENS_CHART_PNG_DIR") {
        // For looking at the charts: SESSIONLENS_CHART_PNG_DIR=/tmp/charts cargo test -p sessionlens-charts
        let charts = [
            (
                "time-series",
                time_series_svg(&TimeSeriesChart { title: "Sessions and ad clicks per day".into(), days: days(31) }),
            ),
            ("waterfall", svg),
            ("control", control_chart_svg(&control())),
        ];
        for (name, svg) in charts {
            std::fs::write(format!("{dir}/{name}.png"), svg_to_png(&svg, 1140).unwrap()).unwrap();
            std::fs::write(format!("{dir}/{name}.svg"), svg).unwrap();
        }
    }
}
