//! (placeholder until the ads importers land)

use super::Format;

/// This family's formats, most specific first.
pub const FORMATS: &[&dyn Format] = &[];
