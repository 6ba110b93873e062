//! (placeholder until the json_traffic importer lands)

use super::Format;

pub const FORMATS: &[&dyn Format] = &[];
