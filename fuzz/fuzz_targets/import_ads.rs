//! Every ad-platform export. Input: a settings byte whose low four bits pick the format of
//! `ads::FORMATS` (modulo their number; the high bits pick date order and time zone, see
//! `options_from_settings`), then the export. Each CSV row gives at most one row or reject.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionlens_core::import::ads::FORMATS;
use sessionlens_fuzz::{check_at_most_one_record_per_line, import_with, options_from_settings, split_settings};

fuzz_target!(|data: &[u8]| {
    let Some((settings, file)) = split_settings(data) else { return };
    let format = FORMATS[usize::from(settings & 0x0f) % FORMATS.len()];
    let imported = import_with(format, file, &options_from_settings(settings));
    check_at_most_one_record_per_line(format, &imported);
});
