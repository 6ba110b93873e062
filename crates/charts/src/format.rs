//! How chart labels show numbers and dates: grouped thousands, a true minus sign, short dates on axes.

/// `1234567` → `1,234,567`; `-85.25` → `−85.3`; whole numbers lose their decimals; non-finite → `–`.
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let rounded = if (value - value.round()).abs() < 0.05 {
        format!("{:.0}", value.abs())
    } else {
        format!("{:.1}", value.abs())
    };
    let (int_part, frac_part) = match rounded.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rounded.as_str(), None),
    };
    let mut grouped = String::new();
    for (i, digit) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if value < 0.0 && rounded.chars().any(|c| c.is_ascii_digit() && c != '0') { "\u{2212}" } else { "" };
    match frac_part {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Like [`format_number`] but always signed: `+120`, `−85`, `0`.
pub fn format_signed(value: f64) -> String {
    let text = format_number(value);
    if value > 0.0 && text != "0" {
        format!("+{text}")
    } else {
        text
    }
}

/// `93.456` → `93.5 %`.
pub fn format_percent(value: f64) -> String {
    if value.is_finite() {
        format!("{value:.1} %")
    } else {
        "–".to_string()
    }
}

/// `2024-03-05` → `Mar 5` for axis labels; anything else is shown unchanged.
pub fn short_date(date: &str) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let mut parts = date.splitn(3, '-');
    let (Some(year), Some(month), Some(day)) = (parts.next(), parts.next(), parts.next()) else {
        return date.to_string();
    };
    let month: Option<usize> = month.parse().ok().filter(|m| (1..=12).contains(m));
    let day: Option<u32> = day.get(..2).and_then(|d| d.parse().ok()).filter(|d| (1..=31).contains(d));
    match (year.len() == 4, month, day) {
        (true, Some(month), Some(day)) => format!("{} {day}", MONTHS[month - 1]),
        _ => date.to_string(),
    }
}

/// Splits a label into at most `max_lines` lines of at most `max_chars` characters, breaking at spaces where it
/// can; a label that does not fit ends in `…`.
pub(crate) fn wrap_label(label: &str, max_chars: usize, max_lines: usize) -> Vec<String> {
    let max_chars = max_chars.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut words = label.split_whitespace().flat_map(|word| {
        let chars: Vec<char> = word.chars().collect();
        chars.chunks(max_chars).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>()
    });
    let mut truncated = false;
    for word in words.by_ref() {
        let needed =
            if current.is_empty() { word.chars().count() } else { current.chars().count() + 1 + word.chars().count() };
        if needed <= max_chars {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(&word);
        } else {
            lines.push(std::mem::take(&mut current));
            if lines.len() == max_lines {
                truncated = true;
                break;
            }
            current = word;
        }
    }
    if !current.is_empty() && lines.len() < max_lines {
        lines.push(current);
    }
    if truncated {
        if let Some(last) = lines.last_mut() {
            let keep: String = last.chars().take(max_chars - 1).collect();
            *last = format!("{}…", keep.trim_end());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_thousands_and_use_a_true_minus() {
        assert_eq!(format_number(1_234_567.0), "1,234,567");
        assert_eq!(format_number(-85.26), "\u{2212}85.3");
        assert_eq!(format_number(999.0), "999");
        assert_eq!(format_number(-0.01), "0");
        assert_eq!(format_number(f64::NAN), "–");
        assert_eq!(format_signed(120.0), "+120");
        assert_eq!(format_signed(-4.0), "\u{2212}4");
        assert_eq!(format_percent(93.456), "93.5 %");
    }

    #[test]
    fn short_dates_and_fallbacks() {
        assert_eq!(short_date("2024-03-05"), "Mar 5");
        assert_eq!(short_date("2024-13-05"), "2024-13-05");
        assert_eq!(short_date("week 12"), "week 12");
        assert_eq!(short_date("2024-é-ü"), "2024-é-ü");
    }

    #[test]
    fn labels_wrap_and_truncate() {
        assert_eq!(wrap_label("Clicks without a landing hit", 12, 3), vec!["Clicks", "without a", "landing hit"]);
        assert_eq!(wrap_label("Clicks without a landing hit", 12, 2), vec!["Clicks", "without a…"]);
        assert_eq!(wrap_label("Supercalifragilistic", 8, 2), vec!["Supercal", "ifragil…"]);
        assert_eq!(wrap_label("", 8, 2), Vec::<String>::new());
    }
}
