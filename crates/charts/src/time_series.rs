//! Sessions and clicks per day: two lines over a date axis. Every day has a full-height invisible column whose
//! hover text gives both values of the day, and, up to [`MAX_MARKED_DAYS`], a point per series with its value.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::data::TimeSeriesChart;
use crate::format::format_number;
use crate::frame::{self, DrawResult, Root, CLICKS, HEADER, PAD, SESSIONS};
use crate::svg::{Markup, SharedMarkup};

const SIZE: (u32, u32) = (760, 320);
const MAX_DATE_LABELS: usize = 8;
/// Beyond a quarter of days the points would touch, and each is three elements for the page to
/// parse and paint (over 9,000 for a three-year range): the lines and day columns carry the values.
const MAX_MARKED_DAYS: usize = 92;

/// The chart as a standalone SVG; an explanatory SVG when there are no days.
pub fn time_series_svg(chart: &TimeSeriesChart) -> String {
    if chart.days.is_empty() {
        return frame::no_data(&chart.title);
    }
    frame::render(&chart.title, SIZE, |root, markup| draw(root, markup, chart))
}

fn value(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn draw(root: &Root, markup: &SharedMarkup, chart: &TimeSeriesChart) -> DrawResult {
    let days = &chart.days;
    frame::legend(root, &[("Sessions", SESSIONS.to_rgba()), ("Ad clicks", CLICKS.to_rgba())])?;
    let max = days.iter().flat_map(|d| [value(d.sessions), value(d.clicks)]).flatten().fold(0.0, f64::max);
    let min = days.iter().flat_map(|d| [value(d.sessions), value(d.clicks)]).flatten().fold(0.0, f64::min);
    let (y_lo, y_hi) = frame::padded_range(min, max, 0.08);

    let n = days.len();
    let x_range = -0.5..n as f64 - 0.5;

    let mut plot = ChartBuilder::on(root)
        .margin_top(HEADER)
        .margin_left(PAD as u32)
        .margin_right(PAD as u32)
        .margin_bottom(8)
        .x_label_area_size(28)
        .y_label_area_size(56)
        .build_cartesian_2d(x_range, y_lo..y_hi)?;
    plot.configure_mesh()
        .disable_x_mesh()
        .bold_line_style(frame::grid_color())
        .light_line_style(TRANSPARENT)
        .axis_style(frame::axis_color())
        .label_style(frame::muted_text(11.0))
        .y_labels(6)
        .x_labels(0)
        .y_label_formatter(&|y| format_number(*y))
        .draw()?;
    let (_, axis_y) = plot.backend_coord(&(0.0, y_lo));
    let dates: Vec<&str> = days.iter().map(|d| d.date.as_str()).collect();
    frame::date_labels(root, &dates, MAX_DATE_LABELS, axis_y, |i| plot.backend_coord(&(i as f64, y_lo)).0)?;

    // Hover columns first, so the lines and points sit on top of them.
    let (_, top) = plot.backend_coord(&(0.0, y_hi));
    let (_, bottom) = plot.backend_coord(&(0.0, y_lo));
    for (i, day) in days.iter().enumerate() {
        let (left, _) = plot.backend_coord(&(i as f64 - 0.5, 0.0));
        let (right, _) = plot.backend_coord(&(i as f64 + 0.5, 0.0));
        let title = format!(
            "{}\nSessions: {}\nAd clicks: {}",
            day.date,
            format_number(day.sessions),
            format_number(day.clicks)
        );
        Markup::titled(markup, &title, || {
            root.draw(&Rectangle::new([(left, top), (right, bottom)], TRANSPARENT.filled()))
        })?;
    }

    for (name, color, pick) in [
        ("Ad clicks", CLICKS, (|d| d.clicks) as fn(&crate::data::DailyCounts) -> f64),
        ("Sessions", SESSIONS, |d| d.sessions),
    ] {
        // A gap in the data (a non-finite value) breaks the line rather than drawing through zero.
        let mut run: Vec<(f64, f64)> = Vec::new();
        for (i, day) in days.iter().enumerate() {
            match value(pick(day)) {
                Some(v) => run.push((i as f64, v)),
                None => {
                    plot.draw_series(std::iter::once(PathElement::new(
                        std::mem::take(&mut run),
                        color.stroke_width(2),
                    )))?;
                }
            }
        }
        plot.draw_series(std::iter::once(PathElement::new(run, color.stroke_width(2))))?;
        if n > MAX_MARKED_DAYS {
            continue;
        }
        let radius = if n > 62 { 2 } else { 3 };
        for (i, day) in days.iter().enumerate() {
            if let Some(v) = value(pick(day)) {
                let title = format!("{} · {name}: {}", day.date, format_number(v));
                Markup::titled(markup, &title, || {
                    plot.draw_series(std::iter::once(Circle::new((i as f64, v), radius, color.filled())))
                })?;
            }
        }
    }
    if n == 1 {
        // A single day has no line; say which day it is, as the axis label alone is easy to miss.
        let (x, y) = plot.backend_coord(&(0.0, y_hi));
        root.draw(&Text::new(
            days[0].date.clone(),
            (x, y),
            frame::anchored(frame::muted_text(11.0), HPos::Center, VPos::Top),
        ))?;
    }
    Ok(())
}
