//! (placeholder until the ua importer lands)

use super::Format;

pub const FORMATS: &[&dyn Format] = &[];
