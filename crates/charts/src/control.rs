//! The daily session-to-click ratio as a control chart: the expected band (e.g. 80–120 %) and the usual range
//! (the mean ± 3σ, "average ± 3 × its spread" in the words a reader sees) behind the line, the average as a dashed
//! line, and days outside either band drawn larger in red, each point with its date, ratio and verdict on hover.

use plotters::prelude::*;

use crate::data::{ControlChart, ControlLimits};
use crate::format::format_percent;
use crate::frame::{self, DrawResult, Root, HEADER, NEGATIVE, PAD, POSITIVE, SESSIONS};
use crate::svg::{Markup, SharedMarkup};

const SIZE: (u32, u32) = (760, 320);
const MAX_DATE_LABELS: usize = 8;

/// Why a day stands out, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Normal,
    OutsideExpected,
    Beyond3Sigma,
    OutsideBoth,
}

impl Verdict {
    /// Classifies `ratio_pct` against the expected band and the control limits.
    pub fn of(ratio_pct: f64, expected: (f64, f64), limits: &ControlLimits) -> Verdict {
        let outside_expected = ratio_pct < expected.0 || ratio_pct > expected.1;
        let beyond_sigma = ratio_pct < limits.lower || ratio_pct > limits.upper;
        match (outside_expected, beyond_sigma) {
            (false, false) => Verdict::Normal,
            (true, false) => Verdict::OutsideExpected,
            (false, true) => Verdict::Beyond3Sigma,
            (true, true) => Verdict::OutsideBoth,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Verdict::Normal => "within both bands",
            Verdict::OutsideExpected => "outside the expected band",
            Verdict::Beyond3Sigma => "outside the usual range",
            Verdict::OutsideBoth => "outside the expected band and the usual range",
        }
    }
}

/// The chart as a standalone SVG; an explanatory SVG when no day has a ratio.
pub fn control_chart_svg(chart: &ControlChart) -> String {
    let Some(limits) = ControlLimits::of(chart.points.iter().map(|p| p.ratio_pct)) else {
        return frame::no_data(&chart.title);
    };
    frame::render(&chart.title, SIZE, |root, markup| draw(root, markup, chart, &limits))
}

fn draw(root: &Root, markup: &SharedMarkup, chart: &ControlChart, limits: &ControlLimits) -> DrawResult {
    let points = &chart.points;
    let (exp_lo, exp_hi) = {
        let (a, b) = (chart.expected_low_pct, chart.expected_high_pct);
        let (a, b) = if a.is_finite() && b.is_finite() { (a, b) } else { (limits.mean, limits.mean) };
        (a.min(b), a.max(b))
    };
    let expected = (exp_lo, exp_hi);
    let mean_text = format!("Average {}", format_percent(limits.mean));
    frame::legend(
        root,
        &[
            (mean_text.as_str(), SESSIONS.to_rgba()),
            ("Usual range", SESSIONS.mix(0.18)),
            ("Expected band", POSITIVE.mix(0.22)),
            ("Unusual day", NEGATIVE.to_rgba()),
        ],
    )?;
    let finite = points.iter().map(|p| p.ratio_pct).filter(|v| v.is_finite());
    let lo = finite.clone().fold(exp_lo.min(limits.lower), f64::min);
    let hi = finite.fold(exp_hi.max(limits.upper), f64::max);
    let span = (hi - lo).max(1.0);
    let (y_lo, y_hi) = ((lo - span * 0.06).max(0.0).min(lo), hi + span * 0.06);

    let n = points.len();
    let x_lo = -0.5;
    let x_hi = n as f64 - 0.5;
    let mut plot = ChartBuilder::on(root)
        .margin_top(HEADER)
        .margin_left(PAD as u32)
        .margin_right(PAD as u32)
        .margin_bottom(8)
        .x_label_area_size(28)
        .y_label_area_size(56)
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
    plot.configure_mesh()
        .disable_x_mesh()
        .bold_line_style(frame::grid_color())
        .light_line_style(TRANSPARENT)
        .axis_style(frame::axis_color())
        .label_style(frame::muted_text(11.0))
        .y_labels(6)
        .x_labels(0)
        .y_label_formatter(&|y| format!("{y:.0} %"))
        .draw()?;
    let (_, axis_y) = plot.backend_coord(&(0.0, y_lo));
    let dates: Vec<&str> = points.iter().map(|d| d.date.as_str()).collect();
    frame::date_labels(root, &dates, MAX_DATE_LABELS, axis_y, |i| plot.backend_coord(&(i as f64, y_lo)).0)?;

    let expected_title = format!("Expected band: {} – {}", format_percent(exp_lo), format_percent(exp_hi));
    Markup::titled(markup, &expected_title, || {
        plot.draw_series(std::iter::once(Rectangle::new([(x_lo, exp_lo), (x_hi, exp_hi)], POSITIVE.mix(0.14).filled())))
    })?;
    let usual_title = format!(
        "Usual range (the average ± 3 × the day-to-day spread): {} – {}",
        format_percent(limits.lower),
        format_percent(limits.upper)
    );
    let (band_lo, band_hi) = (limits.lower.max(y_lo), limits.upper.min(y_hi));
    Markup::titled(markup, &usual_title, || {
        plot.draw_series(std::iter::once(Rectangle::new(
            [(x_lo, band_lo), (x_hi, band_hi)],
            SESSIONS.mix(0.12).filled(),
        )))
    })?;
    Markup::titled(markup, &mean_text, || {
        plot.draw_series(DashedLineSeries::new(
            vec![(x_lo, limits.mean), (x_hi, limits.mean)],
            6,
            4,
            SESSIONS.stroke_width(1),
        ))
    })?;

    let mut run: Vec<(f64, f64)> = Vec::new();
    for (i, point) in points.iter().enumerate() {
        if point.ratio_pct.is_finite() {
            run.push((i as f64, point.ratio_pct));
        } else {
            plot.draw_series(std::iter::once(PathElement::new(
                std::mem::take(&mut run),
                frame::INK.mix(0.55).stroke_width(1),
            )))?;
        }
    }
    plot.draw_series(std::iter::once(PathElement::new(run, frame::INK.mix(0.55).stroke_width(1))))?;

    for (i, point) in points.iter().enumerate() {
        if !point.ratio_pct.is_finite() {
            continue;
        }
        let verdict = Verdict::of(point.ratio_pct, expected, limits);
        let title = format!("{}: {} — {}", point.date, format_percent(point.ratio_pct), verdict.describe());
        let marker = if verdict == Verdict::Normal {
            Circle::new((i as f64, point.ratio_pct), 2, frame::INK.mix(0.75).filled())
        } else {
            Circle::new((i as f64, point.ratio_pct), 4, NEGATIVE.filled())
        };
        Markup::titled(markup, &title, || plot.draw_series(std::iter::once(marker)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_checks_both_bands() {
        let limits = ControlLimits { mean: 100.0, sigma: 5.0, lower: 85.0, upper: 115.0 };
        assert_eq!(Verdict::of(100.0, (80.0, 120.0), &limits), Verdict::Normal);
        assert_eq!(Verdict::of(117.0, (80.0, 120.0), &limits), Verdict::Beyond3Sigma);
        assert_eq!(Verdict::of(117.0, (80.0, 116.0), &limits), Verdict::OutsideBoth);
        assert_eq!(Verdict::of(86.0, (90.0, 120.0), &limits), Verdict::OutsideExpected);
    }
}
