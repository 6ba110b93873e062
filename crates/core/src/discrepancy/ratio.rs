//! The ratio table: sessions / clicks per campaign, per day or per campaign and day, each row
//! flagged when outside the expected band, and day rows also when outside a control chart's
//! limits (mean ± 3σ of the daily ratios over the period, per campaign for campaign-day rows).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::index::AdIndex;
use super::waterfall::Analysis;
use super::{Band, Breakdown, RatioRow};

pub(crate) fn rows(by: Breakdown, band: Band, index: &AdIndex<'_>, analysis: &Analysis) -> Vec<RatioRow> {
    // (campaign or NONE, date or None) → (clicks, sessions)
    let mut cells: BTreeMap<(Option<u32>, Option<NaiveDate>), (i64, i64)> = BTreeMap::new();
    let key = |campaign: u32, date: NaiveDate| match by {
        Breakdown::Campaign => (Some(campaign), None),
        Breakdown::Day => (None, Some(date)),
        Breakdown::CampaignDay => (Some(campaign), Some(date)),
    };
    for (&(campaign, date), &clicks) in &analysis.clicks_by_day {
        cells.entry(key(campaign, date)).or_default().0 += clicks;
    }
    for (&(campaign, date), &sessions) in &analysis.sessions_by_day {
        cells.entry(key(campaign, date)).or_default().1 += sessions;
    }
    let mut out: Vec<RatioRow> = cells
        .into_iter()
        .filter(|(_, (clicks, sessions))| *clicks != 0 || *sessions != 0)
        .map(|((campaign, date), (clicks, sessions))| {
            let ad = campaign.map(|c| &index.campaigns[c as usize]);
            let ratio = (clicks > 0).then(|| sessions as f64 / clicks as f64);
            let outside_band = ratio.is_some_and(|r| !band.contains(r));
            RatioRow {
                campaign: ad.map(|a| a.name.clone()),
                platform: ad.map(|a| a.platform.clone()),
                date,
                clicks,
                sessions,
                ratio,
                outside_band,
                control_flag: false,
                flagged: outside_band,
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
