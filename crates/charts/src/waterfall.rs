//! The bridge from ad clicks to sessions: a total bar at each end, one floating bar per named step (green adds,
//! red removes), dashed connectors at the running total, the value over every bar and the full step on hover.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::data::{finite_or_zero, WaterfallChart};
use crate::format::{format_number, format_signed, wrap_label};
use crate::frame::{self, DrawResult, Root, HEADER, NEGATIVE, PAD, POSITIVE, TOTAL};
use crate::svg::{text_width, Markup, SharedMarkup};

const SIZE: (u32, u32) = (760, 360);
const LABEL_SIZE: f64 = 11.0;
const LABEL_LINES: usize = 3;

/// The chart as a standalone SVG; an explanatory SVG when there is neither a start value nor a step.
pub fn waterfall_svg(chart: &WaterfallChart) -> String {
    if chart.steps.is_empty() && finite_or_zero(chart.start_value) == 0.0 {
        return frame::no_data(&chart.title);
    }
    frame::render(&chart.title, SIZE, |root, markup| draw(root, markup, chart))
}

/// One bar: its axis label, where it starts and ends, its colour and the text above it.
struct Bar {
    label: String,
    from: f64,
    to: f64,
    color: RGBColor,
    value_text: String,
    hover: String,
}

fn bars(chart: &WaterfallChart) -> Vec<Bar> {
    let start = finite_or_zero(chart.start_value);
    let mut bars = vec![Bar {
        label: chart.start_label.clone(),
        from: 0.0,
        to: start,
        color: TOTAL,
        value_text: format_number(start),
        hover: format!("{}: {}", chart.start_label, format_number(start)),
    }];
    let mut running = start;
    for step in &chart.steps {
        let delta = finite_or_zero(step.value);
        bars.push(Bar {
            label: step.label.clone(),
            from: running,
            to: running + delta,
            color: if delta < 0.0 { NEGATIVE } else { POSITIVE },
            value_text: format_signed(delta),
            hover: format!(
                "{}: {} (running total {})",
                step.label,
                format_signed(delta),
                format_number(running + delta)
            ),
        });
        running += delta;
    }
    bars.push(Bar {
        label: chart.end_label.clone(),
        from: 0.0,
        to: running,
        color: TOTAL,
        value_text: format_number(running),
        hover: format!("{}: {}", chart.end_label, format_number(running)),
    });
    bars
}

fn draw(root: &Root, markup: &SharedMarkup, chart: &WaterfallChart) -> DrawResult {
    let bars = bars(chart);
    frame::legend(root, &[("Total", TOTAL.to_rgba()), ("Adds", POSITIVE.to_rgba()), ("Removes", NEGATIVE.to_rgba())])?;
    let lo = bars.iter().flat_map(|b| [b.from, b.to]).fold(0.0, f64::min);
    let hi = bars.iter().flat_map(|b| [b.from, b.to]).fold(0.0, f64::max);
    let (y_lo, y_hi) = frame::padded_range(lo, hi, 0.12);
    let n = bars.len();
    let mut plot = ChartBuilder::on(root)
        .margin_top(HEADER)
        .margin_left(PAD as u32)
        .margin_right(PAD as u32)
        .margin_bottom(8)
        .x_label_area_size((LABEL_LINES as f64 * LABEL_SIZE * 1.25 + 10.0) as u32)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, y_lo..y_hi)?;
    plot.configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .bold_line_style(frame::grid_color())
        .light_line_style(TRANSPARENT)
        .axis_style(frame::axis_color())
        .label_style(frame::muted_text(11.0))
        .y_labels(6)
        .y_label_formatter(&|y| format_number(*y))
        .draw()?;

    let (slot_left, _) = plot.backend_coord(&(-0.5, 0.0));
    let (slot_right, _) = plot.backend_coord(&(0.5, 0.0));
    let slot = f64::from((slot_right - slot_left).max(1));
    let max_chars = ((slot - 6.0) / text_width("x", LABEL_SIZE)).floor().max(3.0) as usize;
    let (_, axis_y) = plot.backend_coord(&(0.0, y_lo));

    for (i, bar) in bars.iter().enumerate() {
        let x = i as f64;
        let (bottom, top) = (bar.from.min(bar.to), bar.from.max(bar.to));
        Markup::titled(markup, &bar.hover, || {
            plot.draw_series(std::iter::once(Rectangle::new([(x - 0.32, bottom), (x + 0.32, top)], bar.color.filled())))
        })?;
        if i + 1 < n {
            // Each bar ends at the running total, which is where the next one starts (or tops out, for the total).
            let level = bar.to;
            plot.draw_series(std::iter::once(PathElement::new(
                vec![(x + 0.32, level), (x + 1.0 - 0.32, level)],
                frame::INK.mix(0.35).stroke_width(1),
            )))?;
        }
        let (value_x, value_y) = plot.backend_coord(&(x, top));
        root.draw(&Text::new(
            bar.value_text.clone(),
            (value_x, value_y - 3),
            frame::anchored(frame::text(11.0), HPos::Center, VPos::Bottom),
        ))?;
        for (line_no, line) in wrap_label(&bar.label, max_chars, LABEL_LINES).into_iter().enumerate() {
            let y = axis_y + 6 + (line_no as f64 * LABEL_SIZE * 1.25) as i32;
            root.draw(&Text::new(
                line,
                (value_x, y),
                frame::anchored(frame::muted_text(LABEL_SIZE), HPos::Center, VPos::Top),
            ))?;
        }
    }
    Ok(())
}
