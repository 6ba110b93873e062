//! The ratio table: sessions / clicks per campaign, per day or per campaign and day, each row
//! flagged when outside the expected band, and day rows also when outside a control chart's
//! limits (mean ± 3σ of the daily ratios over the period, per campaign for campaign-day rows).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::verdict::{causes, Subject, Wording};
use super::waterfall::{Analysis, Tally};
use super::{Band, Breakdown, RatioRow};
use crate::ad_index::AdIndex;
use crate::metrics::sessions_per_click;

/// The rows of `by`, each with its causes; `subject` says what is known of a campaign.
pub(crate) fn rows<'a>(
    by: Breakdown,
    band: Band,
    index: &AdIndex<'_>,
    analysis: &Analysis,
    wording: &Wording<'_>,
    subject: impl Fn(u32) -> Subject<'a>,
) -> Vec<RatioRow> {
    // (campaign or none, day or none) → its cells
    let mut groups: BTreeMap<(Option<u32>, Option<NaiveDate>), Vec<&Tally>> = BTreeMap::new();
    for (&(campaign, day), tally) in &analysis.cells {
        let key = match by {
            Breakdown::Campaign => (Some(campaign), None),
            Breakdown::Day => (None, day),
            Breakdown::CampaignDay => (Some(campaign), day),
        };
        groups.entry(key).or_default().push(tally);
    }
    let mut out: Vec<RatioRow> = groups
        .into_iter()
        .map(|(key, parts)| (key, Tally::sum(parts, 0)))
        .filter(|(_, t)| t.clicks != 0 || t.sessions != 0)
        .map(|((campaign, date), t)| {
            let ad = campaign.map(|c| &index.campaigns[c as usize]);
            let ratio = sessions_per_click(t.sessions, t.clicks);
            let outside_band = ratio.is_some_and(|r| !band.contains(r));
            RatioRow {
                campaign: ad.map(|a| a.name.clone()),
                platform: ad.map(|a| a.platform.clone()),
                date,
                clicks: t.clicks,
                sessions: t.sessions,
                ratio,
                outside_band,
                control_flag: false,
                flagged: outside_band,
                causes: causes(&t, campaign.map(&subject).unwrap_or_default(), wording),
            }
        })
        .collect();
    if by != Breakdown::Campaign {
        control_chart(&mut out);
    }
    if by == Breakdown::Campaign {
        out.sort_by(|a, b| b.clicks.cmp(&a.clicks).then_with(|| a.campaign.cmp(&b.campaign)));
    } else {
        out.sort_by(|a, b| (&a.campaign, &a.platform, a.date).cmp(&(&b.campaign, &b.platform, b.date)));
    }
    out
}

/// Flag day rows whose ratio is outside mean ± 3σ (population σ) of the ratios of the same
/// campaign's days. With n days no ratio can be more than (n − 1)/√n σ from the mean, so
/// fewer than 11 days never flag.
fn control_chart(rows: &mut [RatioRow]) {
    let mut series: BTreeMap<(Option<String>, Option<String>), Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        if r.ratio.is_some() {
            series.entry((r.campaign.clone(), r.platform.clone())).or_default().push(i);
        }
    }
    for members in series.values() {
        let ratios: Vec<f64> = members.iter().filter_map(|&i| rows[i].ratio).collect();
        if let Some((mean, sd)) = mean_sd(&ratios) {
            for &i in members {
                let r = &mut rows[i];
                r.control_flag = sd > 0.0 && r.ratio.is_some_and(|x| (x - mean).abs() > 3.0 * sd);
                r.flagged = r.outside_band || r.control_flag;
            }
        }
    }
}

fn mean_sd(xs: &[f64]) -> Option<(f64, f64)> {
    if xs.len() < 2 {
        return None;
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    Some((mean, var.sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ratio: f64) -> RatioRow {
        RatioRow {
            campaign: Some("c".into()),
            platform: Some("google_ads".into()),
            date: None,
            clicks: 100,
            sessions: (ratio * 100.0) as i64,
            ratio: Some(ratio),
            outside_band: false,
            control_flag: false,
            flagged: false,
            causes: Vec::new(),
        }
    }

    #[test]
    fn a_day_far_outside_the_period_s_spread_is_flagged_and_a_short_series_never_is() {
        let mut rows: Vec<RatioRow> = (0..20).map(|i| row(if i % 2 == 0 { 0.95 } else { 1.0 })).collect();
        rows.push(row(0.5));
        control_chart(&mut rows);
        assert!(rows[20].control_flag && rows[20].flagged);
        assert!(rows[..20].iter().all(|r| !r.control_flag));

        // Ten days: even an extreme one is within (n-1)/sqrt(n) < 3 sigma.
        let mut short: Vec<RatioRow> = (0..9).map(|_| row(1.0)).collect();
        short.push(row(0.1));
        control_chart(&mut short);
        assert!(short.iter().all(|r| !r.control_flag));
    }
}
