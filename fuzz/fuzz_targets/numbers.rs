//! Number parsing as exports write numbers (`import::number`): plain, with thousands
//! separators, decimal commas, currency, percentages, accounting negatives, placeholders.
//! Checks: results are finite and in range, whitespace changes nothing, a count prints back
//! and parses to itself, and what is a count or an amount is a number.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionlens_core::import::number::{parse_count, parse_money_micros, parse_number};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let number = parse_number(&text);
    assert_eq!(number, parse_number(&format!(" {text}\t")), "whitespace around {text:?}");
    if let Ok(Some(value)) = number {
        assert!(value.is_finite(), "{text:?} is {value}");
    }

    let count = parse_count(&text);
    if let Ok(Some(n)) = count {
        assert!(matches!(number, Ok(Some(_))), "{text:?} is a count ({n}) but not a number ({number:?})");
        assert!(n.unsigned_abs() < 9_000_000_000_000_000, "{text:?} is the count {n}");
        assert_eq!(parse_count(&n.to_string()), Ok(Some(n)), "{text:?} is {n}, printed back");
    }
    if let Ok(None) = count {
        assert_eq!(number, Ok(None));
    }

    if let Ok(Some(micros)) = parse_money_micros(&text) {
        assert!(matches!(number, Ok(Some(_))), "{text:?} is an amount ({micros}) but not a number");
        assert!(micros.unsigned_abs() <= 9_000_000_000_000_000_000, "{text:?} is {micros} micros");
    }
});
