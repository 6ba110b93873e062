//! Numbers as exports write them: thousands separators (`1,234` `1.234` `1 234` `1'234`),
//! decimal commas, currency signs and codes, percentages, accounting negatives `(12.50)`, and
//! the placeholders platforms print for "nothing" (`--`, `-`, empty).
//!
//! Plain machine notation (`12.345`, as API-shaped exports write) is read as a decimal; only
//! a count reads a lone `.` before three digits as a thousands separator (`1.234` clicks).

/// A number as `f64`, or `None` when the cell holds none (empty or a placeholder).
/// `Err` when the cell holds text that is not a number, or a number beyond `f64`.
pub fn parse_number(text: &str) -> Result<Option<f64>, &'static str> {
    let mut s = text.trim();
    if s.is_empty() || s == "--" || s == "-" || s == "—" || s.eq_ignore_ascii_case("n/a") {
        return Ok(None);
    }
    let mut negative = false;
    if s.starts_with('(') && s.ends_with(')') {
        negative = true;
        s = &s[1..s.len() - 1];
    }
    // Strip currency codes/signs and percent signs on either side.
    let is_decoration = |c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '-' || c == '+');
    s = s.trim_matches(|c: char| is_decoration(c) || c.is_whitespace());
    if let Some(rest) = s.strip_prefix('-') {
        negative = !negative;
        s = rest.trim_start_matches(|c: char| is_decoration(c) || c.is_whitespace());
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    if s.is_empty() {
        return Err("not a number");
    }
    if let Ok(value) = s.parse::<f64>() {
        if value.is_finite() && !s.contains(['e', 'E', 'i', 'n', 'I', 'N']) {
            return Ok(Some(if negative { -value } else { value }));
        }
    }
    let mut digits = String::with_capacity(s.len());
    let decimal = decimal_separator(s);
    for c in s.chars() {
        match c {
            '0'..='9' => digits.push(c),
            c if Some(c) == decimal => digits.push('.'),
            ',' | '.' | ' ' | '\u{a0}' | '\u{202f}' | '\'' => {}
            _ => return Err("not a number"),
        }
    }
    let value: f64 = digits.parse().map_err(|_| "not a number")?;
    if !value.is_finite() {
        return Err("the number is out of range");
    }
    Ok(Some(if negative { -value } else { value }))
}

/// A count (clicks, impressions): a whole number, `None` when empty.
pub fn parse_count(text: &str) -> Result<Option<i64>, &'static str> {
    let whole = |v: f64| v.fract() == 0.0 && v.abs() < 9.0e15;
    match parse_number(text)? {
        Some(v) if whole(v) => Ok(Some(v as i64)),
        Some(v) if is_dotted_thousands(text.trim()) && whole(v * 1000.0) => Ok(Some((v * 1000.0).round() as i64)),
        Some(_) => Err("not a whole number"),
        None => Ok(None),
    }
}

/// `1.234`: one dot, three digits after it, one to three before.
fn is_dotted_thousands(s: &str) -> bool {
    let s = s.trim_start_matches('-');
    matches!(s.split_once('.'), Some((int, frac)) if (1..=3).contains(&int.len()) && frac.len() == 3
        && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()))
}

/// Money in micros (millionths of the currency unit), `None` when empty.
pub fn parse_money_micros(text: &str) -> Result<Option<i64>, &'static str> {
    match parse_number(text)? {
        Some(v) if v.abs() < 9.0e12 => Ok(Some((v * 1_000_000.0).round() as i64)),
        Some(_) => Err("the amount is out of range"),
        None => Ok(None),
    }
}

/// Which of `.` and `,` is the decimal separator in `s`, if either.
/// Both present: the last one. One kind, once, with other than three digits after it: decimal.
/// Otherwise it separates thousands (`1,234` and `1.234.567` are whole numbers).
fn decimal_separator(s: &str) -> Option<char> {
    let last_dot = s.rfind('.');
    let last_comma = s.rfind(',');
    match (last_dot, last_comma) {
        (Some(d), Some(c)) => Some(if d > c { '.' } else { ',' }),
        (Some(i), None) | (None, Some(i)) => {
            let sep = s.as_bytes()[i] as char;
            let once = s.matches(sep).count() == 1;
            let after = s.len() - i - 1;
            let before = s[..i].trim_start_matches(['0', ' ']).len();
            (once && (after != 3 || before == 0 || before > 3)).then_some(sep)
        }
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> f64 {
        parse_number(s).unwrap().unwrap()
    }

    #[test]
    fn fuzz_number_with_400_digits_and_separators_is_out_of_range() {
        let digits = "1".repeat(400);
        assert_eq!(parse_number(&digits), Err("the number is out of range"));
        assert_eq!(parse_number(&format!("{digits},5")), Err("the number is out of range"));
        assert_eq!(parse_number(&format!("1,{digits}.000")), Err("the number is out of range"));
        assert!(parse_count(&format!("1,{digits}")).is_err());
        assert!(parse_money_micros(&format!("€ {digits},00")).is_err());
    }

    #[test]
    fn thousands_and_decimal_separators() {
        assert_eq!(n("1,234"), 1234.0);
        assert_eq!(n("1,234,567"), 1_234_567.0);
        assert_eq!(n("1.234.567"), 1_234_567.0);
        assert_eq!(n("1,234.56"), 1234.56);
        assert_eq!(n("1.234,56"), 1234.56);
        assert_eq!(n("1 234,56"), 1234.56);
        assert_eq!(n("1\u{a0}234"), 1234.0);
        assert_eq!(n("1'234.5"), 1234.5);
        assert_eq!(n("0,5"), 0.5);
        assert_eq!(n("12.5"), 12.5);
        assert_eq!(n("12.345"), 12.345);
        assert_eq!(n("0,125"), 0.125);
        assert_eq!(n("1234,567"), 1234.567);
        assert_eq!(n("3"), 3.0);
    }

    #[test]
    fn currencies_percentages_and_negatives() {
        assert_eq!(n("$1,234.50"), 1234.5);
        assert_eq!(n("€ 12,50"), 12.5);
        assert_eq!(n("12.50 EUR"), 12.5);
        assert_eq!(n("USD 7"), 7.0);
        assert_eq!(n("4.5%"), 4.5);
        assert_eq!(n("(12.50)"), -12.5);
        assert_eq!(n("-$3.00"), -3.0);
        assert_eq!(n("£-3"), -3.0);
    }

    #[test]
    fn placeholders_are_none_and_text_is_an_error() {
        for empty in ["", "  ", "--", "-", "N/A"] {
            assert_eq!(parse_number(empty), Ok(None), "{empty:?}");
        }
        for bad in ["abc", "12abc34", "1-2", "$"] {
            assert!(parse_number(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn counts_and_money() {
        assert_eq!(parse_count("1,234"), Ok(Some(1234)));
        assert_eq!(parse_count("1.234"), Ok(Some(1234)));
        assert_eq!(parse_count("1.234.567"), Ok(Some(1_234_567)));
        assert!(parse_count("1.5").is_err());
        assert_eq!(parse_money_micros("$1,234.56"), Ok(Some(1_234_560_000)));
        assert_eq!(parse_money_micros(""), Ok(None));
    }
}
