//! (placeholder until the ga4 importer lands)

use super::Format;

pub const FORMATS: &[&dyn Format] = &[];
