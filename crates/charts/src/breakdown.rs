//! A breakdown as horizontal bars (e.g. channel → sessions): one bar per row in the given order, the label on the
//! left (shortened with `…` when long; full on hover), the value at the bar's end.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::data::{finite_or_zero, BreakdownChart};
use crate::format::{format_number, wrap_label};
use crate::frame::{self, DrawResult, Root, HEADER, PAD, SESSIONS};
use crate::svg::{text_width, Markup, SharedMarkup};

const WIDTH: u32 = 760;
const ROW_HEIGHT: u32 = 26;
const LABEL_SIZE: f64 = 12.0;

/// The chart as a standalone SVG (its height grows with the rows); an explanatory SVG when there are no rows.
pub fn breakdown_svg(chart: &BreakdownChart) -> String {
    if chart.rows.is_empty() {
        return frame::no_data(&chart.title);
    }
    let height = HEADER + 36 + ROW_HEIGHT * chart.rows.len() as u32;
    frame::render(&chart.title, (WIDTH, height), |root, markup| draw(root, markup, chart))
}

fn draw(root: &Root, markup: &SharedMarkup, chart: &BreakdownChart) -> DrawResult {
    let rows = &chart.rows;
    let n = rows.len();
    let lo = rows.iter().map(|r| finite_or_zero(r.value)).fold(0.0, f64::min);
    let hi = rows.iter().map(|r| finite_or_zero(r.value)).fold(0.0, f64::max);
    // Room for the value text after the longest bar.
    let (x_lo, x_hi) = frame::padded_range(lo, hi, 0.14);
    let longest = rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(0);
    let max_label_px = f64::from(WIDTH) * 0.32;
    let label_px = text_width(&"x".repeat(longest), LABEL_SIZE).min(max_label_px) + 12.0;
    let max_chars = ((label_px - 12.0) / text_width("x", LABEL_SIZE)).floor().max(3.0) as usize;

    let mut plot = ChartBuilder::on(root)
        .margin_top(HEADER)
        .margin_left(PAD as u32)
        .margin_right(PAD as u32)
        .margin_bottom(4)
        .x_label_area_size(26)
        .y_label_area_size(label_px as u32)
        .build_cartesian_2d(x_lo..x_hi, -0.5..n as f64 - 0.5)?;
    plot.configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .bold_line_style(frame::grid_color())
        .light_line_style(TRANSPARENT)
        .axis_style(frame::axis_color())
        .label_style(frame::muted_text(11.0))
        .x_labels(6)
        .x_label_formatter(&|x| format_number(*x))
        .draw()?;

    for (i, row) in rows.iter().enumerate() {
        // Row 0 at the top: the y axis grows upwards, so flip the index.
        let y = (n - 1 - i) as f64;
        let value = finite_or_zero(row.value);
        let title = format!("{}: {} {}", row.label, format_number(value), chart.value_label.to_lowercase());
        Markup::titled(markup, &title, || {
            plot.draw_series(std::iter::once(Rectangle::new([(0.0, y - 0.34), (value, y + 0.34)], SESSIONS.filled())))
        })?;
        let (end_x, mid_y) = plot.backend_coord(&(value, y));
        let (value_x, anchor) = if value < 0.0 { (end_x - 4, HPos::Right) } else { (end_x + 4, HPos::Left) };
        root.draw(&Text::new(
            format_number(value),
            (value_x, mid_y),
            frame::anchored(frame::text(11.0), anchor, VPos::Center),
        ))?;
        let (axis_x, _) = plot.backend_coord(&(x_lo, y));
        let label = wrap_label(&row.label, max_chars, 1).into_iter().next().unwrap_or_default();
        Markup::titled(markup, &row.label, || {
            root.draw(&Text::new(
                label,
                (axis_x - 8, mid_y),
                frame::anchored(frame::text(LABEL_SIZE), HPos::Right, VPos::Center),
            ))
        })?;
    }
    Ok(())
}
