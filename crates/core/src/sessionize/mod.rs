//! Sessionization: hits → sessions under a [`RuleSet`] that can reproduce Universal Analytics,
//! GA4, Adobe Analytics, Matomo, Plausible, PostHog, Mixpanel, Snowplow, AWStats, GoAccess,
//! Umami or a server-log heuristic (see `docs/session-rules.md`).
//!
//! - [`table`]: [`HitTable`], the project's hits in memory (columnar, time-sorted), and a builder.
//! - [`rules`]: [`RuleSet`], its presets and its content hash.
//! - [`catalogue`]: every rule described once (id, title, help, value as text), read by the CLI's
//!   flags, the app's rules panel, the report and the SQL compiler.
//! - [`engine`]: [`sessionize`], giving [`Sessionized`]: sessions, each hit's session, bot hits.
//! - [`clock`]: local midnights of a time zone, DST-safe.
//! - [`identity`]: who a hit belongs to under each identity mode.
//! - [`attribution`]: the seam to classification (traffic source, device, bots).
//!
//! The engine is pure: it reads a [`HitTable`] and a [`RuleSet`] and touches no store, so the
//! app re-sessionizes a cached table after a toggle without reading SQLite again.

pub mod attribution;
pub mod catalogue;
pub mod clock;
pub mod engine;
pub mod identity;
pub mod rules;
pub mod table;

pub use attribution::{Device, Traffic};
pub use catalogue::{Rule, RuleKind, RULES};
pub use engine::{sessionize, sessionize_ahead, Session, Sessionized, StartReason, Totals, NO_SESSION};
pub(crate) use engine::{view_days, Parts};
pub use identity::Visitor;
pub use rules::{BounceRule, BurstCut, DurationRule, EngagementRule, Identity, Preset, RuleSet, SaltRotation};
pub use table::{Campaign, Dictionaries, HitTable, HitTableBuilder, HitView};
pub(crate) use table::{DictionaryKeys, KeysBuilder};

#[cfg(test)]
mod properties;
#[cfg(test)]
mod worked_examples;
