//! Any file through the app's own path: sniff every format ([`detect`]), then read the file with
//! the winner into memory. Covers every importer with inputs that look enough like its format
//! to be picked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionlens_core::import::{detect, format_by_id, ImportOptions};
use sessionlens_fuzz::{import_file, scratch_file};

fuzz_target!(|data: &[u8]| {
    let path = scratch_file(data);
    let options = ImportOptions::default();
    let Ok((format, detected)) = detect(path, &options) else { return };
    assert_eq!(format_by_id(detected.format).map(|f| f.id()), Some(format.id()));
    assert_eq!(detected.kind, format.kind());
    import_file(path, format, &options);
});
