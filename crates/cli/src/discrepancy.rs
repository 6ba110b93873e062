//! `sessionlens discrepancy PROJECT [rules] [--by campaign|day|campaign,day] [--band 80-120]
//! [--from DATE --to DATE] [--versus PRESET] [--map 'AD CAMPAIGN=utm_campaign' ...] [--json]`:
//! ad clicks against sessions, with the waterfall of causes, the headline click-to-session ratio
//! (the waterfall's sessions per click, `click_to_session` in JSON), the ratio per campaign
//! and/or day (flagged outside the band or the control limits), unmatched campaign names, and
//! the ad accounts' time zones against the view's. `--map` stores a campaign mapping in the
//! project before the report; `--versus` adds the same report under another preset.

use std::path::PathBuf;

use chrono::NaiveDate;
use sessionlens_core::discrepancy::{
    discrepancy, what_if, Band, Breakdown, DiscrepancyOptions, DiscrepancyReport, Step,
};
use sessionlens_core::sessionize::Preset;
use sessionlens_core::store::ads::CampaignMapping;
use sessionlens_core::{Error, Result};

use crate::metrics::{clip, date_range, parse_date};
use crate::output;
use crate::rules::RuleArgs;
use crate::sessionize::open_existing;

/// The discrepancy question flags `discrepancy` and `export discrepancy` share.
#[derive(clap::Args)]
pub struct QuestionArgs {
    /// Ratio rows per campaign, day, or campaign,day
    #[arg(long, value_name = "campaign|day|campaign,day", default_value = "campaign", value_parser = parse_breakdown)]
    pub by: Breakdown,
    /// Expected sessions per 100 clicks, as LOW-HIGH per cent
    #[arg(long, value_name = "LOW-HIGH", default_value = "80-120", value_parser = parse_band)]
    pub band: Band,
    /// First day (view time zone), YYYY-MM-DD [default: the ad data's first]
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "to")]
    pub from: Option<NaiveDate>,
    /// Last day (view time zone, inclusive), YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "from")]
    pub to: Option<NaiveDate>,
}

impl QuestionArgs {
    /// The options of this question, with `examples` example cases per step.
    pub fn options(&self, examples: usize) -> Result<DiscrepancyOptions> {
        Ok(DiscrepancyOptions { by: self.by, band: self.band, range: date_range(self.from, self.to)?, examples })
    }
}

#[derive(clap::Args)]
pub struct Args {
    project: PathBuf,
    #[command(flatten)]
    rules: RuleArgs,
    #[command(flatten)]
    question: QuestionArgs,
    /// Also show the report under this preset (the session definition moves the gap)
    #[arg(long, value_name = "PRESET", value_parser = parse_preset)]
    versus: Option<Preset>,
    /// Store a mapping for an ad campaign whose name matches no utm_campaign, as
    /// 'AD CAMPAIGN=utm_campaign' (any platform); repeatable
    #[arg(long = "map", value_name = "AD=UTM", value_parser = parse_mapping)]
    map: Vec<CampaignMapping>,
    /// Examples kept per waterfall step
    #[arg(long, value_name = "N", default_value_t = 3)]
    examples: usize,
    /// Print one JSON object
    #[arg(long)]
    pub json: bool,
}

pub fn parse_breakdown(s: &str) -> Result<Breakdown, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

pub fn parse_band(s: &str) -> Result<Band, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

fn parse_preset(s: &str) -> Result<Preset, String> {
    s.trim().parse().map_err(|e: Error| e.to_string())
}

fn parse_mapping(s: &str) -> Result<CampaignMapping, String> {
    match s.rsplit_once('=') {
        Some((ad, utm)) if !ad.trim().is_empty() && !utm.trim().is_empty() => Ok(CampaignMapping {
            platform: String::new(),
            ad_campaign: ad.trim().to_string(),
            utm_campaign: utm.trim().to_string(),
        }),
        _ => Err(format!("'{s}' is not a mapping (write 'Ad campaign name=utm_campaign')")),
    }
}

pub fn run(args: Args) -> Result<()> {
    let rules = args.rules.rule_set()?;
    let project = open_existing(&args.project)?;
    for m in &args.map {
        project.add_campaign_mapping(m)?;
    }
    let options = args.question.options(args.examples)?;
    let ads = project.load_ads()?;
    let (table, sessions) = project.hits_for_reports(&rules)?;
    let report = discrepancy(&table, &sessions, &ads, &options)?;
    let versus = match args.versus {
        Some(preset) => {
            let other = args.rules.rule_set_for(preset)?;
            let sessions = project.sessionized(&table, &other)?;
            Some(discrepancy(&table, &sessions, &ads, &options)?)
        }
        None => None,
    };
    if args.json {
        let mut doc = serde_json::to_value(&report).expect("the report serialises");
        doc["click_to_session"] = report.click_to_session().into();
        if let Some(right) = versus {
            let side = what_if(report, right);
            doc["what_if"] = serde_json::json!({
                "preset": side.right.preset,
                "waterfall": side.right.waterfall,
                "campaigns": side.campaigns,
            });
        }
        output::print_json(&doc);
    } else {
        print_text(&report);
        if let Some(right) = versus {
            let left_preset = report.preset.clone();
            let side = what_if(report, right);
            println!();
            println!("what if: {} against {}", left_preset, side.right.preset);
            println!("{:<44}{:>8}{:>14}{:>14}", "campaign", "clicks", left_preset, side.right.preset);
            for c in &side.campaigns {
                let cell = |s: i64, r: Option<f64>| format!("{s} ({})", ratio(r));
                println!(
                    "{:<44}{:>8}{:>14}{:>14}",
                    clip(&c.campaign, 43),
                    c.clicks,
                    cell(c.left_sessions, c.left_ratio),
                    cell(c.right_sessions, c.right_ratio)
                );
            }
        }
    }
    crate::free_at_exit((table, sessions));
    Ok(())
}

fn ratio(r: Option<f64>) -> String {
    r.map_or("-".to_string(), |x| format!("{:.0} %", x * 100.0))
}

fn print_step(name: &str, step: &Step) {
    let known = if step.separable { "" } else { "  (not separable with daily totals)" };
    println!("  {name:<40}{:>+8}{known}", step.count);
    if let Some(e) = step.examples.first() {
        println!("      e.g. {}", e.summary);
    }
}

fn print_text(r: &DiscrepancyReport) {
    println!("{}", r.verdict);
    for c in r.campaigns.iter().filter(|c| c.outside_band) {
        println!("- {}", c.verdict);
    }
    println!();
    let period = r.period.map_or("no ad data".to_string(), |p| format!("{} to {}", p.from, p.to));
    println!("rules: {} preset, view time zone {}; {period}", r.preset, r.time_zone);
    for z in &r.time_zones {
        let account = if z.account.is_empty() { String::new() } else { format!(" account {}", z.account) };
        println!("{}{account}: {}", z.platform, z.explanation);
    }
    let w = &r.waterfall;
    println!();
    println!("  {:<40}{:>8}", "clicks", w.clicks);
    for named in w.steps() {
        if named.step.count != 0 {
            print_step(named.label, named.step);
        }
    }
    println!("  {:<40}{:>8}", "sessions", w.sessions);
    println!("  {:<40}{:>8}", "sessions per click", ratio(r.click_to_session()));
    println!();
    println!(
        "{:<44}{:>12}{:>9}{:>10}{:>9}  flag  (band {:.0}-{:.0} %)",
        "campaign",
        "date",
        "clicks",
        "sessions",
        "ratio",
        r.band.low * 100.0,
        r.band.high * 100.0
    );
    for row in &r.rows {
        let flag = match (row.outside_band, row.control_flag) {
            (true, true) => "band, 3σ",
            (true, false) => "band",
            (false, true) => "3σ",
            (false, false) => "",
        };
        println!(
            "{:<44}{:>12}{:>9}{:>10}{:>9}  {flag}",
            clip(row.campaign.as_deref().unwrap_or("(all)"), 43),
            row.date.map_or(String::new(), |d| d.to_string()),
            row.clicks,
            row.sessions,
            ratio(row.ratio)
        );
    }
    if !r.unmatched.is_empty() {
        println!();
        println!("ad campaigns matching no utm_campaign (map them with --map 'NAME=utm_campaign'):");
        for u in &r.unmatched {
            let hint = u.suggestion.as_ref().map_or(String::new(), |s| format!(" (perhaps '{s}'?)"));
            println!("  {} '{}': {} clicks{hint}", u.platform, u.campaign, u.clicks);
        }
    }
    if !r.unmatched_utm.is_empty() {
        println!();
        println!("utm_campaign values matching no ad campaign:");
        for u in r.unmatched_utm.iter().take(20) {
            println!("  '{}' ({} / {}): {} sessions", u.utm_campaign, u.source, u.medium, u.sessions);
        }
    }
    for note in &r.notes {
        println!("note: {note}");
    }
}
