//! CSV/TSV traffic with explicit column choices. Input: a settings byte (date order, time zone;
//! see `options_from_settings`), then one line of `field=column` pairs separated by `;` (the
//! `--map` arguments; an empty column keeps a field unmapped), then the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionlens_core::import::{format_by_id, Mapping};
use sessionlens_fuzz::{check_at_most_one_record_per_line, import_with, options_from_settings, split_settings};

fuzz_target!(|data: &[u8]| {
    let Some((settings, rest)) = split_settings(data) else { return };
    let (map_line, file) = match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let map_line = String::from_utf8_lossy(map_line);
    let pairs = map_line.split(';').filter(|p| !p.trim().is_empty());
    let mut options = options_from_settings(settings);
    options.mapping = match Mapping::parse(pairs) {
        Ok(mapping) => mapping,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    let csv = format_by_id("csv").expect("the CSV format");
    let imported = import_with(csv, file, &options);
    check_at_most_one_record_per_line(csv, &imported);
    if imported.read {
        // Per field: the last column named is recorded; an empty column alone keeps it unmapped.
        let recorded = |field| imported.sink.columns.iter().find(|(f, _)| *f == field).map(|(_, c)| c.trim());
        for (field, _) in &options.mapping.0 {
            let named = options.mapping.0.iter().rev().find(|(f, c)| f == field && !c.is_empty());
            match named {
                Some((_, column)) => assert!(
                    recorded(*field).is_some_and(|c| c.eq_ignore_ascii_case(column)),
                    "--map {field}={column}: the columns recorded are {:?}",
                    imported.sink.columns
                ),
                None => assert_eq!(recorded(*field), None, "--map {field}= leaves it unmapped"),
            }
        }
    }
});
