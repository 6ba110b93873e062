//! (placeholder until the snowplow importer lands)

use super::Format;

pub const FORMATS: &[&dyn Format] = &[];
