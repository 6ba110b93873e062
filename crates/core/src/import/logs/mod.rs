//! (placeholder until the logs importers land)

use super::Format;

/// This family's formats, most specific first.
pub const FORMATS: &[&dyn Format] = &[];
