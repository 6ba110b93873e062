//! Timestamp and date parsing for every shape exports use: ISO 8601 with or without offset,
//! RFC 2822, Apache's `10/Oct/2000:13:55:36 -0700`, epoch seconds/ms/µs/ns, day-first and
//! month-first numeric dates, month names, 12-hour clocks and `YYYYMMDD`.
//!
//! A timestamp without an offset is read in the given IANA zone (a time skipped by a DST change
//! moves forward by the gap; a repeated one takes the earlier instant). Results are UTC
//! milliseconds.

use chrono::{LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// How to read an ambiguous numeric date such as `03/04/2024`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateOrder {
    DayFirst,
    /// Month first, as in US-locale exports (the default when nothing in a file decides).
    #[default]
    MonthFirst,
}

impl DateOrder {
    /// The order some sample decides (a first number above 12 means day-first, a second
    /// number above 12 means month-first), or `None` if every sample is ambiguous.
    pub fn detect<'a>(samples: impl IntoIterator<Item = &'a str>) -> Option<DateOrder> {
        samples.into_iter().find_map(|s| {
            let tokens = Tokens::new(s);
            match tokens.as_slice() {
                [Tok::Num(a, 1..=2), Tok::Sep(s1), Tok::Num(b, 1..=2), Tok::Sep(s2), Tok::Num(_, 2 | 4), ..]
                    if s1 == s2 && matches!(s1, b'/' | b'.' | b'-') =>
                {
                    if *a > 12 && *b <= 12 {
                        Some(DateOrder::DayFirst)
                    } else if *b > 12 && *a <= 12 {
                        Some(DateOrder::MonthFirst)
                    } else {
                        None
                    }
                }
                _ => None,
            }
        })
    }
}

/// Parses timestamps in one zone and date order.
#[derive(Clone, Copy, Debug)]
pub struct TimestampParser {
    pub tz: Tz,
    pub order: DateOrder,
}

impl TimestampParser {
    pub fn new(tz: Tz, order: DateOrder) -> Self {
        TimestampParser { tz, order }
    }

    /// UTC milliseconds, or why the text is not a timestamp.
    pub fn parse(&self, text: &str) -> Result<i64, &'static str> {
        let text = text.trim();
        if text.is_empty() {
            return Err("the timestamp is empty");
        }
        if let Some(ms) = self.parse_iso_fast(text.as_bytes()) {
            return Ok(ms);
        }
        if let Some(ms) = parse_epoch(text) {
            return Ok(ms);
        }
        let tokens = Tokens::new(text);
        let mut rest = tokens.as_slice();
        let date = take_date(&mut rest, self.order).ok_or("not a date or timestamp this importer knows")?;
        let time = take_time(&mut rest)?;
        let offset_s = take_offset(&mut rest)?;
        if !rest.is_empty() {
            return Err("unexpected text after the timestamp");
        }
        let naive = NaiveDateTime::new(date, time.unwrap_or(NaiveTime::MIN));
        let utc_ms = match offset_s {
            Some(offset) => naive.and_utc().timestamp_millis() - i64::from(offset) * 1000,
            None => local_to_utc_ms(self.tz, naive),
        };
        Ok(utc_ms)
    }
}

impl TimestampParser {
    /// The common `YYYY-MM-DD[T ]hh:mm:ss[.fff][Z|±hh:mm|±hhmm]` without tokenising; `None`
    /// sends anything else (including every malformed case) to the general parser.
    fn parse_iso_fast(&self, b: &[u8]) -> Option<i64> {
        if b.len() < 19
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let digit = |i: usize| b[i].is_ascii_digit().then(|| u32::from(b[i] - b'0'));
        let two = |i: usize| Some(digit(i)? * 10 + digit(i + 1)?);
        let year = two(0)? * 100 + two(2)?;
        let date = NaiveDate::from_ymd_opt(year as i32, two(5)?, two(8)?)?;
        let naive = date.and_hms_opt(two(11)?, two(14)?, two(17)?)?;
        let mut rest = &b[19..];
        let mut ms = 0i64;
        if let [b'.', tail @ ..] = rest {
            let digits = tail.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            for i in 0..3 {
                ms = ms * 10 + tail.get(i).filter(|_| i < digits).map_or(0, |c| i64::from(c - b'0'));
            }
            rest = &tail[digits..];
        }
        let at = b.len() - rest.len();
        let offset_minutes = |sign: u8, hours: u32, minutes: u32| {
            let total = i64::from(hours * 60 + minutes);
            (hours <= 18 && minutes <= 59).then_some(if sign == b'-' { -total } else { total })
        };
        let offset = match rest {
            [] => None,
            [b'Z' | b'z'] => Some(0),
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => Some(offset_minutes(*sign, two(at + 1)?, two(at + 4)?)?),
            [sign @ (b'+' | b'-'), _, _, _, _] => Some(offset_minutes(*sign, two(at + 1)?, two(at + 3)?)?),
            _ => return None,
        };
        let utc = match offset {
            Some(minutes) => naive.and_utc().timestamp_millis() - minutes * 60_000,
            None => local_to_utc_ms(self.tz, naive),
        };
        Some(utc + ms)
    }
}

/// A date alone (as in ad exports), in the given order for ambiguous numeric dates.
/// A trailing time of day is allowed and ignored.
pub fn parse_date(text: &str, order: DateOrder) -> Option<NaiveDate> {
    let tokens = Tokens::new(text.trim());
    let mut rest = tokens.as_slice();
    let date = take_date(&mut rest, order)?;
    take_time(&mut rest).ok()?;
    take_offset(&mut rest).ok()?;
    rest.is_empty().then_some(date)
}

/// A naive local time in `tz` as UTC ms: a skipped time moves forward by the gap, a repeated
/// time takes the earlier instant.
pub fn local_to_utc_ms(tz: Tz, naive: NaiveDateTime) -> i64 {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.timestamp_millis(),
        LocalResult::None => {
            // In a DST gap: the wall clock jumped; read it with the offset from before the jump.
            let before = tz.offset_from_utc_datetime(&(naive - chrono::Duration::hours(3)));
            let offset = chrono::Offset::fix(&before).local_minus_utc();
            naive.and_utc().timestamp_millis() - i64::from(offset) * 1000
        }
    }
}

/// Epoch numbers: seconds (up to 11 digits, optionally with a fraction), ms (12-14 digits),
/// µs (15-17), ns (18-19).
fn parse_epoch(text: &str) -> Option<i64> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    let value: i64 = int.parse().ok()?;
    // Eight digits starting 19 or 20 read as YYYYMMDD, not as a 1970s epoch.
    if int.len() == 8 && frac.is_none() && (int.starts_with("19") || int.starts_with("20")) {
        return None;
    }
    match (int.len(), frac) {
        (1..=11, None) => value.checked_mul(1000),
        (1..=11, Some(f)) => {
            let ms: i64 = format!("{f:0<3}")[..3].parse().ok()?;
            value.checked_mul(1000)?.checked_add(ms)
        }
        (12..=14, None) => Some(value),
        (15..=17, None) => Some(value / 1000),
        (18..=19, None) => Some(value / 1_000_000),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok<'a> {
    /// A number and how many digits it had.
    Num(u32, usize),
    Word(&'a str),
    Sep(u8),
}

/// Up to 24 tokens, on the stack.
struct Tokens<'a> {
    toks: [Tok<'a>; 24],
    len: usize,
}

impl<'a> Tokens<'a> {
    fn new(text: &'a str) -> Self {
        let mut out = Tokens { toks: [Tok::Sep(0); 24], len: 0 };
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() && out.len < out.toks.len() {
            let start = i;
            let b = bytes[i];
            let tok = if b.is_ascii_digit() {
                let mut v: u64 = 0;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    v = v.saturating_mul(10).saturating_add(u64::from(bytes[i] - b'0'));
                    i += 1;
                }
                Tok::Num(v.min(u64::from(u32::MAX)) as u32, i - start)
            } else if b.is_ascii_alphabetic() {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                Tok::Word(&text[start..i])
            } else if b == b' ' || b == b'\t' || b == b',' {
                i += 1;
                continue;
            } else if b.is_ascii() {
                i += 1;
                Tok::Sep(b)
            } else {
                // Non-ASCII: a word of its own (fails any pattern, keeps char boundaries).
                i += 1;
                while i < bytes.len() && !text.is_char_boundary(i) {
                    i += 1;
                }
                Tok::Word(&text[start..i])
            };
            out.toks[out.len] = tok;
            out.len += 1;
        }
        if i < bytes.len() {
            // Too long to be a timestamp: make it fail to parse.
            out.toks[out.len - 1] = Tok::Word("");
        }
        out
    }

    fn as_slice(&self) -> &[Tok<'a>] {
        &self.toks[..self.len]
    }
}

fn month_from_name(word: &str) -> Option<u32> {
    const NAMES: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    if word.len() < 3 {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    // A non-ASCII word may have no char boundary at byte 3; it is no month name anyway.
    let prefix = lower.get(..3)?;
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    NAMES
        .iter()
        .position(|n| *n == prefix)
        .filter(|&i| lower.len() == 3 || full[i].starts_with(&lower))
        .map(|i| i as u32 + 1)
}

fn is_weekday(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].iter().any(|d| lower.starts_with(d))
}

fn full_year(y: u32, digits: usize) -> i32 {
    match digits {
        2 if y < 70 => 2000 + y as i32,
        2 => 1900 + y as i32,
        _ => y as i32,
    }
}

fn take_date(rest: &mut &[Tok<'_>], order: DateOrder) -> Option<NaiveDate> {
    if let [Tok::Word(w), tail @ ..] = *rest {
        if is_weekday(w) && month_from_name(w).is_none() {
            *rest = tail;
        }
    }
    let is_date_sep = |s: u8| matches!(s, b'-' | b'/' | b'.');
    let (y, m, d, used) = match **rest {
        [Tok::Num(y, 4), Tok::Sep(s1), Tok::Num(m, 1..=2), Tok::Sep(s2), Tok::Num(d, 1..=2), ..]
            if s1 == s2 && is_date_sep(s1) =>
        {
            (y as i32, m, d, 5)
        }
        [Tok::Num(ymd, 8), ..] => (ymd as i32 / 10000, ymd / 100 % 100, ymd % 100, 1),
        [Tok::Num(a, 1..=2), Tok::Sep(s1), Tok::Num(b, 1..=2), Tok::Sep(s2), Tok::Num(y, yd @ (2 | 4)), ..]
            if s1 == s2 && is_date_sep(s1) =>
        {
            let day_first = match order {
                _ if a > 12 => true,
                _ if b > 12 => false,
                DateOrder::DayFirst => true,
                DateOrder::MonthFirst => false,
            };
            let (m, d) = if day_first { (b, a) } else { (a, b) };
            (full_year(y, yd), m, d, 5)
        }
        [Tok::Num(d, 1..=2), Tok::Sep(s1), Tok::Word(mon), Tok::Sep(s2), Tok::Num(y, yd @ (2 | 4)), ..]
            if s1 == s2 && is_date_sep(s1) =>
        {
            (full_year(y, yd), month_from_name(mon)?, d, 5)
        }
        [Tok::Num(d, 1..=2), Tok::Word(mon), Tok::Num(y, yd @ (2 | 4)), ..] => {
            (full_year(y, yd), month_from_name(mon)?, d, 3)
        }
        [Tok::Word(mon), Tok::Num(d, 1..=2), Tok::Num(y, 4), ..] => (y as i32, month_from_name(mon)?, d, 3),
        _ => return None,
    };
    *rest = &rest[used..];
    NaiveDate::from_ymd_opt(y, m, d)
}

fn take_time(rest: &mut &[Tok<'_>]) -> Result<Option<NaiveTime>, &'static str> {
    let mut r = *rest;
    match r {
        // ISO's `T` and Apache's `:` between date and time.
        [Tok::Word("T" | "t"), tail @ ..] | [Tok::Sep(b':'), tail @ ..] => r = tail,
        _ => {}
    }
    let (h, m, s, used) = match r {
        [Tok::Num(h, 1..=2), Tok::Sep(b':'), Tok::Num(m, 2), Tok::Sep(b':'), Tok::Num(s, 2), ..] => (*h, *m, *s, 5),
        [Tok::Num(h, 1..=2), Tok::Sep(b':'), Tok::Num(m, 2), ..] => (*h, *m, 0, 3),
        _ => return Ok(None),
    };
    r = &r[used..];
    let mut nanos = 0;
    if let [Tok::Sep(b'.' | b','), Tok::Num(_, digits), ..] = r {
        // The digits were saturated into a u32; read the fraction from its first 9 digits.
        let Tok::Num(v, _) = r[1] else { unreachable!() };
        let digits = *digits;
        nanos = if digits <= 9 { v * 10u32.pow(9 - digits as u32) } else { 0 };
        r = &r[2..];
    }
    let mut hour = h;
    if let [Tok::Word(w), tail @ ..] = r {
        let am = w.eq_ignore_ascii_case("am");
        let pm = w.eq_ignore_ascii_case("pm");
        if am || pm {
            if !(1..=12).contains(&hour) {
                return Err("a 12-hour time needs an hour from 1 to 12");
            }
            hour = hour % 12 + if pm { 12 } else { 0 };
            r = tail;
        }
    }
    let time = NaiveTime::from_hms_nano_opt(hour, m, s.min(59), nanos).ok_or("the time of day is out of range")?;
    *rest = r;
    Ok(Some(time))
}

/// An explicit offset in seconds east of UTC, if the text has one.
fn take_offset(rest: &mut &[Tok<'_>]) -> Result<Option<i32>, &'static str> {
    let mut r = *rest;
    let mut offset = None;
    if let [Tok::Word(w), tail @ ..] = r {
        if ["z", "utc", "gmt", "ut"].iter().any(|z| w.eq_ignore_ascii_case(z)) {
            offset = Some(0);
            r = tail;
        }
    }
    if let [Tok::Sep(sign @ (b'+' | b'-')), tail @ ..] = r {
        let (hours, minutes, used) = match tail {
            [Tok::Num(h, 1..=2), Tok::Sep(b':'), Tok::Num(m, 2), ..] => (*h, *m, 3),
            [Tok::Num(hm, 4), ..] => (hm / 100, hm % 100, 1),
            [Tok::Num(h, 1..=2), ..] => (*h, 0, 1),
            _ => return Err("the time-zone offset is not ±hh:mm"),
        };
        if hours > 18 || minutes > 59 {
            return Err("the time-zone offset is out of range");
        }
        let seconds = (hours * 3600 + minutes * 60) as i32;
        offset = Some(if *sign == b'-' { -seconds } else { seconds });
        r = &tail[used..];
    }
    *rest = r;
    Ok(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> i64 {
        TimestampParser::new(Tz::UTC, DateOrder::MonthFirst).parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    const T: i64 = 1_682_339_696_000; // 2023-04-24T12:34:56Z

    #[test]
    fn iso_8601_variants() {
        assert_eq!(utc("2023-04-24T12:34:56Z"), T);
        assert_eq!(utc("2023-04-24 12:34:56"), T);
        assert_eq!(utc("2023-04-24T12:34:56.789Z"), T + 789);
        assert_eq!(utc("2023-04-24T14:34:56+02:00"), T);
        assert_eq!(utc("2023-04-24T07:34:56-0500"), T);
        assert_eq!(utc("2023-04-24T12:34:56.123456 UTC"), T + 123);
        assert_eq!(utc("2023/04/24 12:34"), T - 56_000);
    }

    #[test]
    fn fuzz_timestamp_four_byte_char_as_month_name() {
        let parser = TimestampParser::new(Tz::UTC, DateOrder::MonthFirst);
        for text in ["1-\u{8d34d}-2024", "1 \u{1F600} 2024", "\u{1F600} 1 2024"] {
            assert!(parser.parse(text).is_err(), "{text}");
            assert_eq!(parse_date(text, DateOrder::DayFirst), None, "{text}");
        }
    }

    #[test]
    fn rfc_2822_and_apache() {
        assert_eq!(utc("Mon, 24 Apr 2023 12:34:56 +0000"), T);
        assert_eq!(utc("Mon, 24 Apr 2023 13:34:56 +0100"), T);
        assert_eq!(utc("24/Apr/2023:05:34:56 -0700"), T);
        assert_eq!(utc("Apr 24, 2023 12:34:56 PM"), T);
        assert_eq!(utc("24-Apr-2023 12:34:56"), T);
    }

    #[test]
    fn epochs() {
        assert_eq!(utc("1682339696"), T);
        assert_eq!(utc("1682339696.5"), T + 500);
        assert_eq!(utc("1682339696000"), T);
        assert_eq!(utc("1682339696000000"), T);
        assert_eq!(utc("1682339696000000000"), T);
    }

    #[test]
    fn day_first_and_month_first() {
        let day = TimestampParser::new(Tz::UTC, DateOrder::DayFirst);
        let month = TimestampParser::new(Tz::UTC, DateOrder::MonthFirst);
        assert_eq!(day.parse("24/04/2023 12:34:56"), Ok(T));
        assert_eq!(day.parse("24.04.2023 12:34:56"), Ok(T));
        assert_eq!(month.parse("04/24/2023 12:34:56"), Ok(T));
        assert_eq!(month.parse("4/24/2023 12:34:56 PM"), Ok(T));
        // A number above 12 decides the order whatever the default.
        assert_eq!(month.parse("24/04/2023 12:34:56"), Ok(T));
        assert_ne!(day.parse("03/04/2023"), month.parse("03/04/2023"));
        assert_eq!(DateOrder::detect(["03/04/2023", "13/04/2023"]), Some(DateOrder::DayFirst));
        assert_eq!(DateOrder::detect(["04/13/2023"]), Some(DateOrder::MonthFirst));
        assert_eq!(DateOrder::detect(["03/04/2023", "2023-04-24"]), None);
    }

    #[test]
    fn twelve_hour_clock() {
        assert_eq!(utc("2023-04-24 12:00 AM"), utc("2023-04-24 00:00"));
        assert_eq!(utc("2023-04-24 12:00 PM"), utc("2023-04-24 12:00"));
        assert!(TimestampParser::new(Tz::UTC, DateOrder::MonthFirst).parse("2023-04-24 13:00 PM").is_err());
    }

    #[test]
    fn naive_times_use_the_stated_zone_across_dst() {
        let london = TimestampParser::new(chrono_tz::Europe::London, DateOrder::DayFirst);
        assert_eq!(london.parse("2023-04-24 13:34:56"), Ok(T)); // BST = UTC+1
                                                                // 01:30 on 26 March 2023 does not exist in London: it moves forward by the gap.
        assert_eq!(london.parse("2023-03-26 01:30"), Ok(utc("2023-03-26 01:30")));
        // 01:30 on 29 October 2023 happens twice: the earlier (BST) one.
        assert_eq!(london.parse("2023-10-29 01:30"), Ok(utc("2023-10-29 00:30")));
        let sydney = TimestampParser::new(chrono_tz::Australia::Sydney, DateOrder::DayFirst);
        assert_eq!(sydney.parse("2023-04-02 02:30"), Ok(utc("2023-04-01 15:30")));
        // AEDT, the earlier
    }

    #[test]
    fn dates_alone() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(parse_date("2024-03-01", DateOrder::MonthFirst), d(2024, 3, 1));
        assert_eq!(parse_date("20240301", DateOrder::MonthFirst), d(2024, 3, 1));
        assert_eq!(parse_date("03/01/2024", DateOrder::MonthFirst), d(2024, 3, 1));
        assert_eq!(parse_date("03/01/2024", DateOrder::DayFirst), d(2024, 1, 3));
        assert_eq!(parse_date("Mar 1, 2024", DateOrder::DayFirst), d(2024, 3, 1));
        assert_eq!(parse_date("1 March 2024", DateOrder::DayFirst), d(2024, 3, 1));
        assert_eq!(parse_date("2018-09-01 00:00:00 UTC", DateOrder::DayFirst), d(2018, 9, 1));
        assert_eq!(parse_date("2024-02-30", DateOrder::DayFirst), None);
        assert_eq!(parse_date("Total", DateOrder::DayFirst), None);
    }

    proptest::proptest! {
        /// Every ISO shape (the fast path) and its RFC 2822 twin (the general path) agree with
        /// chrono's own reading of the same instant.
        #[test]
        fn iso_and_rfc2822_agree_with_chrono(secs in 0i64..4_102_444_800, ms in 0i64..1000, offset_min in -720i32..840, sep in 0usize..2) {
            let offset = chrono::FixedOffset::east_opt(offset_min * 60).unwrap();
            let t = chrono::DateTime::from_timestamp_millis(secs * 1000 + ms).unwrap().with_timezone(&offset);
            let p = TimestampParser::new(chrono_tz::Europe::Berlin, DateOrder::DayFirst);
            let iso = t.format(if sep == 0 { "%Y-%m-%dT%H:%M:%S%.3f%:z" } else { "%Y-%m-%d %H:%M:%S%.3f%z" }).to_string();
            proptest::prop_assert_eq!(p.parse(&iso), Ok(secs * 1000 + ms), "{}", iso);
            proptest::prop_assert_eq!(p.parse(&t.to_rfc2822()), Ok(secs * 1000), "{}", t.to_rfc2822());
            let naive = t.naive_utc().format("%Y-%m-%dT%H:%M:%S%.3f").to_string();
            proptest::prop_assert_eq!(p.parse(&naive), Ok(local_to_utc_ms(chrono_tz::Europe::Berlin, t.naive_utc())));
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let p = TimestampParser::new(Tz::UTC, DateOrder::MonthFirst);
        for bad in [
            "",
            "yesterday",
            "2023-13-01",
            "2023-04-24 25:00",
            "2023-04-24T12:00+99:00",
            "12:00",
            "1.2.3",
            "२०२३-०४-२४",
            &"9".repeat(400),
        ] {
            assert!(p.parse(bad).is_err(), "{bad} parsed");
        }
    }
}
