//! Every web-server log format. Input: a settings byte (its high bits pick date order and time
//! zone, see `options_from_settings`), a byte that picks the format of `logs::FORMATS` (modulo
//! their number: there are more than the settings byte's four low bits can name), then the
//! log. Logs have one request per line and no client or event ids.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionlens_core::import::logs::FORMATS;
use sessionlens_fuzz::{check_at_most_one_record_per_line, import_with, options_from_settings, split_settings};

fuzz_target!(|data: &[u8]| {
    let Some((settings, data)) = split_settings(data) else { return };
    let Some((&format_index, file)) = data.split_first() else { return };
    let format = FORMATS[usize::from(format_index) % FORMATS.len()];
    let imported = import_with(format, file, &options_from_settings(settings));
    check_at_most_one_record_per_line(format, &imported);
    for hit in &imported.sink.hits {
        assert!(hit.client_id.is_empty() && hit.event_id.is_empty(), "{}: a log hit with ids: {hit:?}", format.id());
    }
});
