//! Scaffolding shared by the charts: the canvas with its caption and legend, the palette, text styles, and the
//! fallback to a message SVG when there is nothing (or nothing drawable) to show.

use std::cell::RefCell;
use std::convert::Infallible;
use std::rc::Rc;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::svg::{self, Markup, SharedMarkup, SvgCanvas};

/// Mid-tone colours that read on white and on near-black backgrounds.
pub(crate) const SESSIONS: RGBColor = RGBColor(59, 130, 246);
pub(crate) const CLICKS: RGBColor = RGBColor(234, 145, 16);
pub(crate) const POSITIVE: RGBColor = RGBColor(34, 160, 107);
pub(crate) const NEGATIVE: RGBColor = RGBColor(229, 72, 77);
pub(crate) const TOTAL: RGBColor = RGBColor(107, 127, 163);
/// Pure black is written as `currentColor` (see [`crate::svg`]), so this is "the text colour".
pub(crate) const INK: RGBColor = BLACK;

pub(crate) type DrawResult = Result<(), DrawingAreaErrorKind<Infallible>>;
pub(crate) type Root = DrawingArea<SvgCanvas, Shift>;

/// Left/right padding of the canvas and the height reserved above the plot for caption and legend.
pub(crate) const PAD: i32 = 16;
pub(crate) const HEADER: u32 = 44;

pub(crate) fn text(size: f64) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&INK)
}

pub(crate) fn muted_text(size: f64) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&INK.mix(0.7))
}

pub(crate) fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// Draws a chart of `size` with `draw` under `title` (if not empty), or a message SVG when `draw` fails, so callers always get an SVG.
pub(crate) fn render(title: &str, size: (u32, u32), draw: impl FnOnce(&Root, &SharedMarkup) -> DrawResult) -> String {
    let markup: SharedMarkup = Rc::new(RefCell::new(Markup::default()));
    let root = SvgCanvas::new(size, markup.clone()).into_drawing_area();
    // An empty title draws no caption: the PDF report sets chart titles as headings of its own.
    let caption = if title.is_empty() {
        Ok(())
    } else {
        root.draw(&Text::new(
            title.to_string(),
            (PAD, 12),
            ("sans-serif", 15.0, FontStyle::Bold).into_font().color(&INK),
        ))
    };
    let outcome = caption.and_then(|()| draw(&root, &markup));
    drop(root);
    match outcome {
        Ok(()) => {
            let body = markup.borrow_mut().take_body();
            svg::document(title, size, &body)
        }
        Err(error) => svg::message_svg(title, &format!("This chart could not be drawn: {error}")),
    }
}

/// The SVG shown instead of a chart that has no data.
pub(crate) fn no_data(title: &str) -> String {
    svg::message_svg(title, "No data for this period")
}

/// A legend in the header, right-aligned: a colour swatch then the name, for each entry.
pub(crate) fn legend(root: &Root, entries: &[(&str, RGBAColor)]) -> DrawResult {
    let (width, _) = root.dim_in_pixel();
    let style = text(12.0);
    let mut x = width as i32 - PAD;
    for (name, color) in entries.iter().rev() {
        let name_width = svg::text_width(name, 12.0).ceil() as i32;
        x -= name_width;
        root.draw(&Text::new(name.to_string(), (x, 20), anchored(style.clone(), HPos::Left, VPos::Center)))?;
        root.draw(&Rectangle::new([(x - 18, 15), (x - 6, 25)], color.filled()))?;
        x -= 30;
    }
    Ok(())
}

/// Date labels under a day axis: at most `max` of them, evenly spaced, each centred under its day. `x_of` gives the
/// pixel x of day `i`; `axis_y` is the pixel y of the x axis.
pub(crate) fn date_labels(
    root: &Root,
    dates: &[&str],
    max: usize,
    axis_y: i32,
    x_of: impl Fn(usize) -> i32,
) -> DrawResult {
    let step = dates.len().div_ceil(max.max(1)).max(1);
    for i in (0..dates.len()).step_by(step) {
        let label = crate::format::short_date(dates[i]);
        root.draw(&Text::new(label, (x_of(i), axis_y + 6), anchored(muted_text(11.0), HPos::Center, VPos::Top)))?;
        root.draw(&PathElement::new(vec![(x_of(i), axis_y), (x_of(i), axis_y + 4)], axis_color()))?;
    }
    Ok(())
}

/// Axis and grid styling shared by all charts: faint horizontal grid, muted labels, no vertical grid.
pub(crate) fn grid_color() -> RGBAColor {
    INK.mix(0.1)
}

pub(crate) fn axis_color() -> RGBAColor {
    INK.mix(0.45)
}

/// `[lo, hi]` widened so that a flat or empty series still gets a usable axis.
pub(crate) fn padded_range(lo: f64, hi: f64, headroom: f64) -> (f64, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let span = if hi - lo > f64::EPSILON { hi - lo } else { hi.abs().max(1.0) };
    (lo - span * headroom * f64::from(lo < 0.0), hi + span * headroom)
}
