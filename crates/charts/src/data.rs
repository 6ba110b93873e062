//! The plain data each chart draws. Serde names are camelCase so the app's TypeScript can send them as-is.
//! Values are `f64` (counts arrive as JSON numbers); non-finite values are treated as absent by every chart.

use serde::{Deserialize, Serialize};

/// Sessions and ad clicks of one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyCounts {
    /// ISO date, `YYYY-MM-DD` (shown shortened on the axis, in full on hover).
    pub date: String,
    pub sessions: f64,
    pub clicks: f64,
}

/// Sessions and clicks per day: two lines over a date axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeSeriesChart {
    pub title: String,
    pub days: Vec<DailyCounts>,
}

/// One named change between the two totals of a waterfall (positive adds, negative removes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaterfallStep {
    pub label: String,
    pub value: f64,
}

/// From a starting total (ad clicks) through named steps to the end total (sessions). The end total is the start
/// plus all steps, so an unexplained remainder must be given as its own step to keep the bridge honest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WaterfallChart {
    pub title: String,
    pub start_label: String,
    pub start_value: f64,
    pub steps: Vec<WaterfallStep>,
    pub end_label: String,
}

impl WaterfallChart {
    /// The end total: start plus every finite step.
    pub fn end_value(&self) -> f64 {
        finite_or_zero(self.start_value) + self.steps.iter().map(|s| finite_or_zero(s.value)).sum::<f64>()
    }
}

/// The session-to-click ratio of one day in percent (sessions / clicks × 100).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RatioPoint {
    pub date: String,
    pub ratio_pct: f64,
}

/// Daily ratio with its mean, a ±3σ band and the band the client expects (e.g. 80–120 %).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlChart {
    pub title: String,
    pub points: Vec<RatioPoint>,
    pub expected_low_pct: f64,
    pub expected_high_pct: f64,
}

/// One row of a breakdown (e.g. a channel and its sessions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BreakdownRow {
    pub label: String,
    pub value: f64,
}

/// Horizontal bars, one per row, in the given order. `value_label` names the measure ("Sessions").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BreakdownChart {
    pub title: String,
    pub value_label: String,
    pub rows: Vec<BreakdownRow>,
}

/// Mean and ±3σ limits of a series (sample standard deviation; σ is 0 for a single value).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlLimits {
    pub mean: f64,
    pub sigma: f64,
    pub lower: f64,
    pub upper: f64,
}

impl ControlLimits {
    /// Limits of the finite values, or `None` when there are none.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<ControlLimits> {
        let values: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        if values.is_empty() {
            return None;
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sigma = if values.len() > 1 {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        Some(ControlLimits { mean, sigma, lower: mean - 3.0 * sigma, upper: mean + 3.0 * sigma })
    }
}

pub(crate) fn finite_or_zero(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_limits_use_sample_sigma_and_skip_non_finite() {
        let limits = ControlLimits::of([90.0, 100.0, 110.0, f64::NAN]).unwrap();
        assert_eq!(limits.mean, 100.0);
        assert_eq!(limits.sigma, 10.0);
        assert_eq!((limits.lower, limits.upper), (70.0, 130.0));
        assert_eq!(ControlLimits::of([f64::INFINITY]), None);
        assert_eq!(ControlLimits::of([5.0]).unwrap().sigma, 0.0);
    }

    #[test]
    fn waterfall_end_is_start_plus_steps() {
        let chart = WaterfallChart {
            title: String::new(),
            start_label: "Clicks".into(),
            start_value: 1000.0,
            steps: vec![
                WaterfallStep { label: "Bots".into(), value: -120.0 },
                WaterfallStep { label: "Bad".into(), value: f64::NAN },
                WaterfallStep { label: "Organic".into(), value: 40.0 },
            ],
            end_label: "Sessions".into(),
        };
        assert_eq!(chart.end_value(), 920.0);
    }

    #[test]
    fn serde_uses_camel_case() {
        let json = r#"{"title":"t","points":[{"date":"2024-01-01","ratioPct":91.5}],"expectedLowPct":80,"expectedHighPct":120}"#;
        let chart: ControlChart = serde_json::from_str(json).unwrap();
        assert_eq!(chart.points[0].ratio_pct, 91.5);
        assert_eq!(chart.expected_high_pct, 120.0);
    }
}
