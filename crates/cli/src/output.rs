//! How the CLI speaks: errors as `error: ...` on stderr or as a JSON error document, and
//! times shown in ISO 8601.

use chrono::{DateTime, Utc};
use sessionlens_core::Error;

pub fn print_error(e: &Error, json: bool) {
    if json {
        let doc = serde_json::json!({ "error": { "code": e.code(), "message": e.to_string() } });
        println!("{doc}");
    } else {
        eprintln!("error: {e}");
    }
}

pub fn print_json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(value).expect("CLI output serialises"));
}

/// UTC ms as ISO 8601.
pub fn iso(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map_or_else(|| ms.to_string(), |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}
