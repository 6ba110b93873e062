//! Time zones as ad platforms print them — Microsoft's `(GMT-05:00) Eastern Time (US & Canada)`,
//! Google's `(GMT+01:00) Paris`, or an IANA name — mapped to IANA zones offline: a small table
//! for region names, and city names matched against the zone database. A candidate must have the
//! stated GMT offset in winter or in summer, so a look-alike city cannot pick a wrong zone.
//! A name this cannot place gives `None` (the user's zone applies).

use std::str::FromStr;

use chrono::{NaiveDate, Offset, TimeZone};
use chrono_tz::{America, Australia, Europe, Pacific, Tz, TZ_VARIANTS};

/// Names that are regions, not cities (lower case, after the `(GMT±hh:mm)` prefix).
const REGIONS: [(&str, Tz); 27] = [
    ("eastern time (us & canada)", America::New_York),
    ("eastern time", America::New_York),
    ("central time (us & canada)", America::Chicago),
    ("central time", America::Chicago),
    ("mountain time (us & canada)", America::Denver),
    ("mountain time", America::Denver),
    ("pacific time (us & canada)", America::Los_Angeles),
    ("pacific time (us & canada); tijuana", America::Los_Angeles),
    ("pacific time", America::Los_Angeles),
    ("arizona", America::Phoenix),
    ("alaska", America::Anchorage),
    ("hawaii", Pacific::Honolulu),
    ("atlantic time (canada)", America::Halifax),
    ("atlantic time", America::Halifax),
    ("newfoundland", America::St_Johns),
    ("indiana (east)", America::Indiana::Indianapolis),
    ("saskatchewan", America::Regina),
    ("central america", America::Guatemala),
    ("brasilia", America::Sao_Paulo),
    ("greenwich mean time : dublin, edinburgh, lisbon, london", Europe::London),
    ("greenwich mean time", Tz::UTC),
    ("coordinated universal time", Tz::UTC),
    ("gmt (no daylight saving)", Tz::UTC),
    ("gmt", Tz::UTC),
    ("utc", Tz::UTC),
    ("eastern australia", Australia::Sydney),
    ("western australia", Australia::Perth),
];

/// The zone a preamble line such as `"Time Zone: (GMT-05:00) Eastern Time (US & Canada)"` states.
pub fn stated_in(line: &str) -> Option<Tz> {
    let line = line.trim().trim_matches('"').trim();
    let (label, value) = line.split_once(':')?;
    let label = label.trim();
    (label.eq_ignore_ascii_case("time zone") || label.eq_ignore_ascii_case("timezone"))
        .then(|| from_display_name(value))
        .flatten()
}

/// An IANA zone for a platform's display name of a time zone.
pub fn from_display_name(text: &str) -> Option<Tz> {
    let text = text.trim().trim_matches('"').trim();
    if let Ok(tz) = Tz::from_str(text) {
        return Some(tz);
    }
    let (offset, rest) = split_gmt_prefix(text);
    let rest = rest.trim();
    let fits = |tz: &Tz| offset.is_none_or(|o| has_offset(*tz, o));
    if let Some((_, tz)) = REGIONS.iter().find(|(name, tz)| rest.eq_ignore_ascii_case(name) && fits(tz)) {
        return Some(*tz);
    }
    rest.split([',', ';', ':']).map(str::trim).filter(|city| !city.is_empty()).find_map(|city| {
        TZ_VARIANTS.iter().copied().find(|tz| {
            let last = tz.name().rsplit('/').next().unwrap_or("");
            last.len() == city.len()
                && last.bytes().zip(city.bytes()).all(|(a, b)| {
                    let a = if a == b'_' { b' ' } else { a };
                    a.eq_ignore_ascii_case(&b)
                })
                && fits(tz)
        })
    })
}

/// `(GMT-05:00) Eastern Time` → (offset in seconds east of UTC, the rest). `(GMT)` is zero;
/// text without the prefix has no stated offset.
fn split_gmt_prefix(text: &str) -> (Option<i32>, &str) {
    let Some(inner_and_rest) = text.strip_prefix('(') else {
        return (None, text);
    };
    let Some((inner, rest)) = inner_and_rest.split_once(')') else {
        return (None, text);
    };
    let inner = inner.trim();
    let Some(signed) = inner.strip_prefix("GMT").or_else(|| inner.strip_prefix("UTC")) else {
        return (None, text);
    };
    let signed = signed.trim();
    if signed.is_empty() {
        return (Some(0), rest);
    }
    let (sign, hm) = match signed.as_bytes().first() {
        Some(b'+') => (1, &signed[1..]),
        Some(b'-') => (-1, &signed[1..]),
        _ => return (None, rest),
    };
    let (h, m) = hm.split_once(':').unwrap_or((hm, "0"));
    match (h.parse::<i32>(), m.parse::<i32>()) {
        (Ok(h), Ok(m)) if h <= 14 && m < 60 => (Some(sign * (h * 3600 + m * 60)), rest),
        _ => (None, rest),
    }
}

/// Is `offset` (seconds east of UTC) the zone's offset in January or in July?
fn has_offset(tz: Tz, offset: i32) -> bool {
    [1, 7].into_iter().any(|month| {
        NaiveDate::from_ymd_opt(2024, month, 15)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .is_some_and(|noon| tz.offset_from_utc_datetime(&noon).fix().local_minus_utc() == offset)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{Asia, Europe};

    #[test]
    fn microsoft_display_names() {
        for (name, tz) in [
            ("(GMT-05:00) Eastern Time (US & Canada)", America::New_York),
            ("(GMT-08:00) Pacific Time (US & Canada)", America::Los_Angeles),
            ("(GMT-07:00) Arizona", America::Phoenix),
            ("(GMT) Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London", Europe::London),
            ("(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", Europe::Amsterdam),
            ("(GMT+01:00) Brussels, Copenhagen, Madrid, Paris", Europe::Brussels),
            ("(GMT+05:30) Chennai, Kolkata, Mumbai, New Delhi", Asia::Kolkata),
            ("(GMT+10:00) Canberra, Melbourne, Sydney", Australia::Canberra),
            ("(GMT+12:00) Auckland, Wellington", Pacific::Auckland),
            ("(GMT-03:00) Brasilia", America::Sao_Paulo),
        ] {
            assert_eq!(from_display_name(name), Some(tz), "{name}");
        }
    }

    #[test]
    fn google_display_names_and_iana_names() {
        assert_eq!(from_display_name("(GMT+01:00) Paris"), Some(Europe::Paris));
        assert_eq!(from_display_name("(GMT+02:00) Paris"), Some(Europe::Paris), "summer offset");
        assert_eq!(from_display_name("(GMT-05:00) Eastern Time"), Some(America::New_York));
        assert_eq!(from_display_name("(GMT+00:00) GMT (no daylight saving)"), Some(Tz::UTC));
        assert_eq!(from_display_name("America/New_York"), Some(America::New_York));
        assert_eq!(from_display_name("New York"), Some(America::New_York));
    }

    #[test]
    fn a_city_with_the_wrong_offset_or_an_unknown_name_is_not_guessed() {
        assert_eq!(from_display_name("(GMT+09:00) Paris"), None);
        assert_eq!(from_display_name("(GMT-04:00) Somewhere Else"), None);
        assert_eq!(from_display_name(""), None);
        assert_eq!(from_display_name("(GMT+99:99"), None);
    }

    #[test]
    fn preamble_lines() {
        assert_eq!(stated_in("\"Time Zone: (GMT-05:00) Eastern Time (US & Canada)\""), Some(America::New_York));
        assert_eq!(stated_in("Report Time: 3/1/2024"), None);
        assert_eq!(stated_in("Last Completed Available Day: 4/1/2024 (GMT-08:00) Pacific Time"), None);
    }
}
