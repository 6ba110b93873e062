//! Timestamp and date parsing (`time`). Input: a settings byte (date order, time
//! zone; see `options_from_settings`), then the text. Checks: surrounding whitespace changes
//! nothing; whether text is a timestamp does not depend on the zone, and the zone moves it by
//! less than a day; what parses prints back as ISO 8601 and parses to the same instant; dates
//! round-trip the same way.
#![no_main]

use chrono::{DateTime, Datelike, NaiveDate};
use chrono_tz::Tz;
use libfuzzer_sys::fuzz_target;
use sessionlens_core::time::{parse_date, DateOrder, TimestampParser};
use sessionlens_fuzz::{options_from_settings, split_settings};

/// Zones differ from UTC by at most 14 hours (plus a DST gap's shift).
const MAX_ZONE_SHIFT_MS: i64 = 26 * 3_600_000;

fuzz_target!(|data: &[u8]| {
    let Some((settings, text)) = split_settings(data) else { return };
    let text = String::from_utf8_lossy(text);
    let options = options_from_settings(settings);
    let order = options.date_order.unwrap_or_default();
    let parser = TimestampParser::new(options.time_zone.unwrap_or(Tz::UTC), order);
    let utc = TimestampParser::new(Tz::UTC, order);

    let parsed = parser.parse(&text);
    assert_eq!(parsed, parser.parse(&format!(" \t{text} ")), "whitespace around {text:?}");
    match (parsed, utc.parse(&text)) {
        (Ok(local), Ok(in_utc)) => {
            assert!((local - in_utc).abs() <= MAX_ZONE_SHIFT_MS, "{text:?}: {local} in the zone, {in_utc} in UTC");
            let time = DateTime::from_timestamp_millis(local).expect("a parsed timestamp is in chrono's range");
            if (0..=9999).contains(&time.year()) {
                let iso = time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
                assert_eq!(utc.parse(&iso), Ok(local), "{text:?} printed as {iso}");
            }
        }
        (Err(_), Err(_)) => {}
        (local, in_utc) => panic!("{text:?} parses in one zone only: {local:?} vs {in_utc:?} in UTC"),
    }

    let _ = DateOrder::detect(text.lines());
    if let Some(date) = parse_date(&text, order) {
        assert_eq!(parse_date(&format!(" {text}\t"), order), Some(date));
        if (0..=9999).contains(&date.year()) {
            let iso = date.format("%Y-%m-%d").to_string();
            assert_eq!(parse_date(&iso, order), Some(date), "{text:?} printed as {iso}");
            assert_eq!(NaiveDate::parse_from_str(&iso, "%Y-%m-%d").ok(), Some(date));
        }
    }
});
