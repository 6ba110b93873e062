//! GA4 BigQuery export (NDJSON or a JSON array of events). Input: a settings byte (date order,
//! time zone; see `options_from_settings`), then the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionlens_core::import::format_by_id;
use sessionlens_fuzz::{import_with, options_from_settings, split_settings};

fuzz_target!(|data: &[u8]| {
    let Some((settings, file)) = split_settings(data) else { return };
    import_with(format_by_id("ga4").expect("the GA4 format"), file, &options_from_settings(settings));
});
