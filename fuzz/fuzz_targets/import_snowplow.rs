//! Snowplow enriched events (TSV). Input: a settings byte (date order, time zone; see
//! `options_from_settings`), then the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionlens_core::import::format_by_id;
use sessionlens_fuzz::{check_at_most_one_record_per_line, import_with, options_from_settings, split_settings};

fuzz_target!(|data: &[u8]| {
    let Some((settings, file)) = split_settings(data) else { return };
    let snowplow = format_by_id("snowplow").expect("the Snowplow format");
    let imported = import_with(snowplow, file, &options_from_settings(settings));
    check_at_most_one_record_per_line(snowplow, &imported);
});
