//! SessionLens charts: plain, serde-friendly data in, a self-contained SVG string out.
//!
//! Every chart scales to its container (`viewBox`, `width="100%"`), reads on light and dark backgrounds (axes and
//! text use `currentColor`, series use mid-tone colours, no background is painted), gives each data mark a
//! `<title>` so its value shows on hover, and never panics: empty data gives a "No data" SVG. The same SVGs go into
//! the app and the PDF report; [`svg_to_png`] turns one into a PNG for "save chart as PNG".

mod breakdown;
mod control;
mod data;
mod format;
mod frame;
mod png;
mod svg;
mod time_series;
mod waterfall;

pub use breakdown::breakdown_svg;
pub use control::{control_chart_svg, Verdict};
pub use data::{
    BreakdownChart, BreakdownRow, ControlChart, ControlLimits, DailyCounts, RatioPoint, TimeSeriesChart,
    WaterfallChart, WaterfallStep,
};
pub use format::{format_number, format_percent, format_signed, short_date};
pub use png::{svg_to_png, PngError, MAX_PNG_WIDTH};
pub use svg::FONT_FAMILY;
pub use time_series::time_series_svg;
pub use waterfall::waterfall_svg;

/// DejaVu Sans (Bitstream Vera licence, see `fonts/LICENSE`), embedded so PNG and PDF output look the same on every
/// machine. The report hands these to Typst; [`svg_to_png`] adds them to the system fonts.
pub mod fonts {
    pub const DEJAVU_SANS: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
    pub const DEJAVU_SANS_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
    /// Regular and bold, in that order.
    pub const DEJAVU_SANS_FAMILY: [&[u8]; 2] = [DEJAVU_SANS, DEJAVU_SANS_BOLD];
}
