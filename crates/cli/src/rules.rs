//! The rule-set flags every analysing command shares (`sessionize`, `export`, `compare`,
//! `metrics`, `discrepancy`, `report`): `--preset` and one flag per rule of the core's rule
//! catalogue, `--<rule id> VALUE` (lists may repeat the flag or separate names by commas).
//! Flatten [`RuleArgs`] into a command's arguments and call [`RuleArgs::rule_set`]. A preset
//! sets every rule; each flag given then replaces that rule's value, lists included.

use clap::{Arg, ArgAction, ArgMatches, Command, FromArgMatches};
use sessionlens_core::sessionize::{Preset, RuleKind, RuleSet, RULES};
use sessionlens_core::{Error, Result};

/// `--preset` and the rule flags given, in the catalogue's order.
#[derive(Clone, Debug, Default)]
pub struct RuleArgs {
    pub preset: Option<Preset>,
    /// Rule id and value as text, for each rule flag given.
    pub changes: Vec<(&'static str, String)>,
}

impl RuleArgs {
    /// The rule set: `--preset` (default: the core's default, GA4) with every other flag applied, checked.
    pub fn rule_set(&self) -> Result<RuleSet> {
        self.rule_set_for(self.preset.unwrap_or(RuleSet::default().preset))
    }

    /// Whether the flag of rule `id` was given.
    pub fn gives(&self, id: &str) -> bool {
        self.changes.iter().any(|(given, _)| *given == id)
    }

    /// The rule set of `preset` with every flag but `--preset` applied, checked.
    pub fn rule_set_for(&self, preset: Preset) -> Result<RuleSet> {
        RuleSet::with_changes(preset, self.changes.iter().map(|(id, text)| (*id, text.as_str())))
    }
}

impl clap::Args for RuleArgs {
    fn augment_args(cmd: Command) -> Command {
        let presets: Vec<&str> = Preset::ALL.iter().map(|p| p.as_str()).collect();
        let mut cmd = cmd.next_help_heading("Session rules").arg(
            Arg::new("preset")
                .long("preset")
                .value_name("PRESET")
                .value_parser(|s: &str| s.parse::<Preset>().map_err(|e: Error| e.to_string()))
                .help(format!("Start from a platform's rules: {} [default: ga4]", presets.join(", "))),
        );
        for rule in &RULES {
            let mut help = rule.help.to_string();
            let choices: Vec<&str> = rule.choices().iter().map(|c| c.id).collect();
            if !choices.is_empty() {
                help.push_str(&format!(" One of {}.", choices.join(", ")));
            }
            let mut arg = Arg::new(rule.id)
                .long(rule.id)
                .value_name(rule.kind.syntax())
                .help(help)
                // Each value is checked on its own here, so a typo is a usage error naming the
                // flag; the whole rule set is checked by `rule_set`.
                .value_parser(move |s: &str| {
                    rule.apply(&mut RuleSet::default(), s).map(|()| s.to_string()).map_err(|e| e.to_string())
                });
            if matches!(rule.kind, RuleKind::List { .. }) {
                arg = arg.action(ArgAction::Append);
            }
            cmd = cmd.arg(arg);
        }
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for RuleArgs {
    fn from_arg_matches(matches: &ArgMatches) -> std::result::Result<Self, clap::Error> {
        let mut args = RuleArgs::default();
        args.update_from_arg_matches(matches)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> std::result::Result<(), clap::Error> {
        if let Some(preset) = matches.get_one::<Preset>("preset") {
            self.preset = Some(*preset);
        }
        for rule in &RULES {
            if let Some(values) = matches.get_many::<String>(rule.id) {
                let text = values.map(String::as_str).collect::<Vec<_>>().join(",");
                self.changes.retain(|(id, _)| *id != rule.id);
                self.changes.push((rule.id, text));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        rules: RuleArgs,
    }

    fn parse(args: &[&str]) -> std::result::Result<RuleArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("sessionlens").chain(args.iter().copied())).map(|c| c.rules)
    }

    #[test]
    fn every_rule_of_the_catalogue_is_a_flag_that_overrides_the_preset() {
        let args = parse(&[
            "--preset",
            "ua",
            "--timeout",
            "1h",
            "--tz",
            "Australia/Sydney",
            "--midnight",
            "off",
            "--max-hits",
            "500",
            "--burst",
            "off",
            "--exclude-referrer",
            "pay.example",
            "--exclude-referrer",
            "shop.example,Bank.Example",
        ])
        .unwrap();
        let r = args.rule_set().unwrap();
        assert_eq!((r.inactivity_timeout_s, r.split_at_midnight, r.max_hits_per_session), (3600, false, Some(500)));
        assert!(r.split_on_campaign_change, "untouched rules stay the preset's");
        assert_eq!(r.referral_exclusions, ["bank.example", "pay.example", "shop.example"]);
        assert_eq!(parse(&[]).unwrap().rule_set().unwrap(), RuleSet::preset(Preset::Ga4).normalized());
        let help = Cli::command().render_long_help().to_string();
        for rule in &RULES {
            assert!(help.contains(&format!("--{} <{}>", rule.id, rule.kind.syntax())), "{}", rule.id);
        }
    }

    #[test]
    fn a_wrong_value_is_a_usage_error_naming_the_flag() {
        let err = parse(&["--timeout", "30x"]).err().unwrap().to_string();
        assert!(err.contains("--timeout") && err.contains("'30x' is not a duration"), "{err}");
        assert!(parse(&["--identity", "dna"]).is_err());
        let out_of_range = parse(&["--timeout", "10s"]).unwrap().rule_set().unwrap_err();
        assert_eq!(out_of_range.code(), "invalid_input");
        let bad_zone = parse(&["--tz", "Nowhere/Atlantis"]).unwrap().rule_set().unwrap_err();
        assert!(bad_zone.to_string().contains("Nowhere/Atlantis"));
    }
}
