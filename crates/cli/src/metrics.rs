//! `sessionlens metrics PROJECT [rules] [--by DIM[,DIM]] [--from DATE --to DATE]
//! [--compare previous] [--conversion-page PATTERN ...] [--json]`: sessions, users, engagement,
//! conversions, clicks and cost over the sessions of a rule set, broken down by up to two
//! dimensions. Conversions are the project's stored goals plus the rule set's key events and
//! any `--conversion-page` given (`--save-goals` stores the pages given with the project). With
//! ad data, the totals carry the headline click-to-session ratio the dashboard, `discrepancy` and
//! the PDF show (`click_to_session` in JSON).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::ValueEnum;
use sessionlens_core::conversion::ConversionGoals;
use sessionlens_core::discrepancy::click_to_session;
use sessionlens_core::metrics::{sessions_per_click, Dimension, MetricValues, MetricsQuery, MetricsReport, Reports};
use sessionlens_core::sessionize::RuleSet;
use sessionlens_core::time::DateRange;
use sessionlens_core::{Error, Result};

use crate::output;
use crate::rules::RuleArgs;
use crate::sessionize::{human_duration, open_existing};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Compare {
    /// The period of the same length just before
    Previous,
}

#[derive(clap::Args)]
pub struct Args {
    project: PathBuf,
    #[command(flatten)]
    rules: RuleArgs,
    #[command(flatten)]
    query: QueryArgs,
    /// Store the --conversion-page patterns (and --key-event names) as the project's goals
    #[arg(long)]
    save_goals: bool,
    /// Print one JSON object
    #[arg(long)]
    pub json: bool,
}

/// The metrics question, shared by `metrics` and `export metrics`.
#[derive(clap::Args)]
pub struct QueryArgs {
    /// Break down by one or two of: day, week, month, hour, channel, source-medium, campaign,
    /// landing-page, exit-page, device
    #[arg(long, value_delimiter = ',', value_name = "DIM[,DIM]", value_parser = parse_dimension)]
    by: Vec<Dimension>,
    /// First day (view time zone), YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "to")]
    from: Option<NaiveDate>,
    /// Last day (view time zone, inclusive), YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "from")]
    to: Option<NaiveDate>,
    /// Compare with the previous period of the same length
    #[arg(long, value_name = "previous")]
    compare: Option<Compare>,
    /// A page that counts as a conversion ('*' matches anything), e.g. /checkout/thanks*; repeatable
    #[arg(long = "conversion-page", value_name = "PATTERN")]
    conversion_page: Vec<String>,
}

impl QueryArgs {
    /// The project's stored `goals` plus the rule set's key events and the `--conversion-page`
    /// patterns: what counts as a conversion.
    pub fn goals(&self, stored: ConversionGoals, rules: &RuleSet) -> ConversionGoals {
        stored.with_rules(rules).merged(&ConversionGoals { events: Vec::new(), pages: self.conversion_page.clone() })
    }

    pub fn query(&self) -> Result<MetricsQuery> {
        Ok(MetricsQuery {
            dimensions: self.by.clone(),
            range: date_range(self.from, self.to)?,
            compare_previous: self.compare.is_some(),
        })
    }
}

pub fn parse_dimension(s: &str) -> Result<Dimension, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    s.trim().parse().map_err(|_| format!("'{s}' is not a date (write YYYY-MM-DD)"))
}

/// The view-day range of `--from` / `--to`, if given.
pub fn date_range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Option<DateRange>> {
    match (from, to) {
        (Some(from), Some(to)) => DateRange::new(from, to).map(Some),
        _ => Ok(None),
    }
}

pub fn run(args: Args) -> Result<()> {
    let rules = args.rules.rule_set()?;
    let mut project = open_existing(&args.project)?;
    let goals = project.conversion_goals()?;
    if args.save_goals {
        let events = if args.rules.gives("key-event") { rules.engagement.key_events.clone() } else { Vec::new() };
        let given = ConversionGoals { events, pages: args.query.conversion_page.clone() };
        project.set_conversion_goals(&goals.clone().merged(&given))?;
    }
    let query = args.query.query()?;
    let (table, sessions) = project.hits_for_reports(&rules)?;
    let ads = project.load_ads()?;
    let reports = Reports::new(&table, &sessions, &ads, args.query.goals(goals, &rules))?;
    // The report and the click-to-session ratios of its days, side by side.
    let (period, previous_period) = reports.periods(&query);
    let ratio = |period| click_to_session(&table, &sessions, &ads, period);
    let (report, (ratio, previous_ratio)) = rayon::join(
        || reports.report(&query),
        || rayon::join(|| ratio(period), || previous_period.map_or(Ok(None), |previous| ratio(Some(previous)))),
    );
    let (report, ratio, previous_ratio) = (report?, ratio?, previous_ratio?);
    if args.json {
        let mut doc = serde_json::to_value(&report).expect("the report serialises");
        doc["click_to_session"] = ratio.into();
        if report.previous_period.is_some() {
            doc["previous_click_to_session"] = previous_ratio.into();
        }
        output::print_json(&doc);
    } else {
        print_text(&report, [ratio, previous_ratio]);
    }
    drop(reports);
    crate::free_at_exit((table, sessions));
    Ok(())
}

/// The report in text; `ratios` are the headline click-to-session ratios of the period and of
/// the previous one.
fn print_text(r: &MetricsReport, ratios: [Option<f64>; 2]) {
    let period = r.period.map_or("no data".to_string(), |p| format!("{} to {}", p.from, p.to));
    println!("rules: {} preset, time zone {}; {period}", r.preset, r.time_zone);
    if let Some(p) = r.previous_period {
        println!("compared with {} to {}", p.from, p.to);
    }
    let money = |micros: Option<i64>| match (micros, &r.currency) {
        (Some(m), Some(c)) => format!("{:.2} {c}", m as f64 / 1e6),
        (Some(m), None) => format!("{:.2}", m as f64 / 1e6),
        (None, _) => "-".into(),
    };
    let pct = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{:.1} %", v * 100.0));
    let describe = |v: &MetricValues, ratio: Option<f64>| {
        vec![
            ("sessions", v.sessions.to_string()),
            ("users", v.users.to_string()),
            ("new users", v.new_users.to_string()),
            ("pageviews", v.pageviews.to_string()),
            ("pages / session", v.pages_per_session.map_or("-".into(), |x| format!("{x:.2}"))),
            ("avg duration", v.avg_session_duration_s.map_or("-".into(), human_duration)),
            ("bounce rate", pct(v.bounce_rate)),
            ("engaged", format!("{} ({})", v.engaged_sessions, pct(v.engagement_rate))),
            ("conversions", format!("{} ({} of sessions)", v.conversions, pct(v.conversion_rate))),
            ("clicks", v.clicks.map_or("-".into(), |c| c.to_string())),
            ("sessions / click", pct(ratio)),
            ("cost", money(v.cost_micros)),
            ("cost / session", v.cost_per_session.map_or("-".into(), |c| format!("{c:.2}"))),
        ]
    };
    println!();
    let previous = r.previous_totals.as_ref().map(|p| describe(p, ratios[1]));
    for (i, (name, value)) in describe(&r.totals, ratios[0]).into_iter().enumerate() {
        match &previous {
            Some(p) => println!("{name:<16}{value:>24}   previous {:>20}", p[i].1),
            None => println!("{name:<16}{value:>24}"),
        }
    }
    if !r.rows.is_empty() {
        println!();
        let header: Vec<&str> = r.dimensions.iter().map(|d| d.as_str()).collect();
        println!(
            "{:<40}{:>10}{:>8}{:>8}{:>10}{:>10}{:>9}{:>8}{:>12}{}",
            header.join(" x "),
            "sessions",
            "users",
            "conv",
            "bounce",
            "engaged",
            "clicks",
            "ratio",
            "cost",
            if r.previous_period.is_some() { "   sessions vs previous" } else { "" }
        );
        for row in &r.rows {
            let v = &row.values;
            let ratio = v
                .clicks
                .and_then(|c| sessions_per_click(v.sessions as i64, c))
                .map_or("-".into(), |x| format!("{:.0} %", x * 100.0));
            let change = row.change.as_ref().map_or(String::new(), |c| {
                let prev = row.previous.as_ref().map_or(0, |p| p.sessions);
                format!("   {prev} ({})", c.sessions.map_or("new".to_string(), |x| format!("{:+.0} %", x * 100.0)))
            });
            println!(
                "{:<40}{:>10}{:>8}{:>8}{:>10}{:>10}{:>9}{:>8}{:>12}{change}",
                clip(&row.keys.join(" x "), 39),
                v.sessions,
                v.users,
                v.conversions,
                pct(v.bounce_rate),
                pct(v.engagement_rate),
                v.clicks.map_or("-".into(), |c| c.to_string()),
                ratio,
                money(v.cost_micros),
            );
        }
    }
    for note in &r.notes {
        println!("note: {note}");
    }
}

/// At most `width` characters, with an ellipsis when cut.
pub fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(width.saturating_sub(1)).collect::<String>())
    }
}
