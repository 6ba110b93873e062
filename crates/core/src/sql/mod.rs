//! Scale-out SQL: a [`RuleSet`] compiled into one SQL script that turns a table `hits` (the
//! contract of [`crate::export::hits`]: `ts` TIMESTAMP in UTC, `interaction` BOOLEAN, every
//! other column text) into a table `sessions` with the columns of `sessionlens export sessions`
//! ([`crate::export::stored::SESSION_COLUMNS`]), for data that outgrows one machine.
//!
//! **What it promises.** For every rule it writes, the script gives the sessions the native
//! engine ([`crate::sessionize::sessionize`]) gives on the same hits: the same sessions
//! (visitor, first and last hit), the same counts, bounces, engagement, durations, landing and
//! exit pages, entrance campaign tags and start reasons, ties of equal timestamps broken in the
//! engine's canonical hit order. A rule it cannot write exactly in a dialect is refused with an
//! error naming the rule's command-line flag and the dialect ([`compile`]); nothing is
//! approximated. The refusals (see [`refusals`] and `docs/sql.md`):
//!
//! - in every dialect: `--campaign-change`, `--referrer-change` and `--direct-keeps-campaign`
//!   (they tell an external referrer from internal navigation by registrable domain, i.e. the
//!   Public Suffix List, and classify referrers by the site lists: none of the engines carries
//!   them); `--burst`, and these together: `--max-hits` with `--interaction-only`,
//!   `--user-change` with `--max-hits`, `--max-length` with `--user-change` or `--max-hits`
//!   (each cut depends on where the running session started, which the other moves: a
//!   sequential walk); `--identity fingerprint` (a BLAKE3 hash keyed by the project's secret
//!   salt); `--first-source` (whether a session began direct needs the registrable domain too);
//!   `--engaged-as-recorded` (the hits table has no source engagement flag); `--drop-after`
//!   (a sequential walk); `--engaged-heartbeats` and `--needs-pageview` (not written yet);
//! - in Snowflake and PostgreSQL also `--bots` (the bot list's regular expressions need
//!   Unicode classes their POSIX regular expressions lack).
//!
//! The classification columns `source`, `medium`, `channel`, `device`, `browser` and `os` are
//! NULL in the script's `sessions`: they need the classifier's lists and user-agent parser.
//! `start` and `end` are UTC timestamps; `duration_s` is a number of seconds.
//!
//! The generator ([`script`]) is one text for every dialect; [`Dialect`] supplies the few
//! expressions that differ (literals, time zones, epoch milliseconds, MD5, regular expressions,
//! inline tables, the final `CREATE TABLE`).
//!
//! **Input.** The script reads the table `hits`, or with [`Input::Ga4Export`] (BigQuery only;
//! refused in the other dialects) a GA4 BigQuery export's `events_*` tables, which its first
//! step maps to the same `hits` as the native GA4 importer ([`input`] says how).

mod dialect;
mod input;
mod script;

use crate::error::{Error, Result};
use crate::sessionize::{Identity, RuleSet};

pub use dialect::Dialect;
pub use input::{Ga4Export, Input};

/// A rule the script cannot write exactly in a dialect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The rule's command-line flag, as `sessionlens` takes it (`--max-length`).
    pub flag: &'static str,
    pub reason: &'static str,
}

const NEEDS_REFERRER_CLASSES: &str = "it tells an external referrer from internal navigation by registrable domain \
     (the Public Suffix List) and classifies referrers by SessionLens's site lists, which no SQL engine carries";
const SEQUENTIAL: &str = "where it cuts depends on where the running session started, which depends on the cuts \
     before it: a sequential walk that no set-based query reproduces exactly";

/// The rules of `rules` (normalized) that `dialect` cannot write exactly. Rules that change
/// nothing under the others (the click-id campaign rule without a campaign split, say) are
/// not refused.
pub fn refusals(rules: &RuleSet, dialect: Dialect) -> Vec<Refusal> {
    let mut out = Vec::new();
    let mut refuse = |on: bool, flag, reason| {
        if on {
            out.push(Refusal { flag, reason });
        }
    };
    refuse(rules.split_on_campaign_change, "--campaign-change", NEEDS_REFERRER_CLASSES);
    refuse(rules.split_on_referrer_change, "--referrer-change", NEEDS_REFERRER_CLASSES);
    refuse(rules.direct_keeps_campaign, "--direct-keeps-campaign", NEEDS_REFERRER_CLASSES);
    refuse(
        rules.max_session_length_s.is_some() && (rules.split_on_user_id_change || rules.max_hits_per_session.is_some()),
        "--max-length",
        "with --user-change or --max-hits, a cut at the maximum length moves where those rules cut, and they \
         move it: a sequential walk that no set-based query reproduces exactly (turn one of them off)",
    );
    refuse(rules.burst_cut.is_some(), "--burst", SEQUENTIAL);
    refuse(
        rules.split_on_user_id_change && rules.max_hits_per_session.is_some(),
        "--user-change",
        "with --max-hits, a session cut at the limit forgets its user id, so where the next user change falls \
         depends on the cuts before it: a sequential walk that no set-based query reproduces exactly (turn one of \
         them off)",
    );
    refuse(
        rules.max_hits_per_session.is_some() && rules.interaction_only,
        "--max-hits",
        "with --interaction-only on, non-interaction hits past the limit are dropped until the next interaction \
         starts a session: a sequential walk that no set-based query reproduces exactly (turn one of them off)",
    );
    refuse(
        rules.direct_session_takes_first_source,
        "--first-source",
        "a session is direct, and so takes a later source, only when its referrer is no external site: that needs \
         the registrable domain (the Public Suffix List), which no engine carries",
    );
    refuse(
        rules.engagement.as_recorded,
        "--engaged-as-recorded",
        "the hits table carries no source's own engagement flag (GA4's session_engaged) to honour",
    );
    refuse(
        rules.engagement.min_heartbeats.is_some(),
        "--engaged-heartbeats",
        "heartbeats are counted per session by the engine only; the script does not write them yet",
    );
    refuse(
        rules.session_needs_pageview,
        "--needs-pageview",
        "sessions without a page view leave their hits uncounted, which the script does not write yet",
    );
    refuse(
        rules.drop_hits_after_s.is_some(),
        "--drop-after",
        "hits late in a session are dropped from where the session began, which moves where it begins: a \
         sequential walk that no set-based query reproduces exactly",
    );
    refuse(
        rules.identity == Identity::Fingerprint,
        "--identity fingerprint",
        "its visitor is a BLAKE3 hash keyed by the project's secret salt",
    );
    refuse(
        rules.bot_filter && !dialect.has_unicode_regex(),
        "--bots",
        "the bot list's regular expressions need Unicode classes (\\p{Nd}) that its POSIX regular expressions \
         lack; filter bots before and pass --bots off",
    );
    out
}

/// The script that turns `input` into `sessions` under `rules` in `dialect`, or an error
/// listing every refused rule (or saying that `dialect` cannot read `input`).
pub fn compile(rules: &RuleSet, dialect: Dialect, input: &Input) -> Result<String> {
    rules.validate()?;
    if let Input::Ga4Export(export) = input {
        if dialect != Dialect::BigQuery {
            return Err(Error::InvalidInput(format!(
                "--input ga4-export is written for BigQuery, where GA4 exports its events; for {} export the \
                 hits of a project (`sessionlens export hits`) or flatten the events to the hits table's columns \
                 and read them as `hits`",
                dialect.title()
            )));
        }
        export.validate()?;
    }
    let rules = rules.normalized();
    let refused = refusals(&rules, dialect);
    if !refused.is_empty() {
        let lines: Vec<String> = refused.iter().map(|r| format!("  {}: {}", r.flag, r.reason)).collect();
        return Err(Error::InvalidInput(format!(
            "{} SQL cannot express {} of the rule set exactly, so no script is written:\n{}\n\
             Turn such a rule off (e.g. `--max-length off`, `--campaign-change off`) or choose another \
             --identity to get a script.",
            dialect.title(),
            if refused.len() == 1 { "this rule" } else { "these rules" },
            lines.join("\n"),
        )));
    }
    Ok(script::write(&rules, dialect, input))
}

#[cfg(test)]
mod tests;
