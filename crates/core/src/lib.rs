//! SessionLens core: everything the app and the CLI share, with no GUI dependency.
//!
//! The data flows import → store → sessionize → metrics / discrepancy → export / report. A
//! format reads a file and hands its rows (and rejects) to the store, which writes them into
//! the project file in one transaction. The project's hits are read back into memory
//! ([`Project::load_hits`]) and sessionized under a rule set ([`Project::sessions`] stores each
//! run); metrics and the discrepancy report are computed from the sessions and the ad data
//! ([`Project::load_ads`]) without going back to SQLite, so a changed rule recomputes quickly.
//! The results leave as CSV exports (here) or as the PDF report (the `sessionlens-report` crate,
//! with charts from `sessionlens-charts`).
//!
//! - [`import`]: every input format behind one [`import::Format`] trait, pushing rows into an
//!   [`import::Sink`]; a malformed row is a reject, never the end of the file.
//! - [`model`]: the rows that cross from importers into the store.
//! - [`store`]: the `.sessionlens` project file (SQLite): migrations, the bulk loader, queries,
//!   deleting a file's data, stored sessions, and the hits and ad data read back.
//! - [`sessionize`]: hits → sessions under a [`sessionize::RuleSet`] that can reproduce each
//!   analytics tool's rules (`docs/session-rules.md`); pure, over an in-memory hit table.
//! - [`classify`]: a session's source, medium, campaign, channel, device and bot status.
//! - [`metrics`]: sessions, users, pageviews, bounce, conversions, ad clicks and cost, by up to
//!   two dimensions, beside the previous period.
//! - [`discrepancy`]: why a campaign's ad clicks and its sessions differ, cause by cause.
//! - [`export`]: CSV exports that stay text when opened in a spreadsheet, and the hits table
//!   for SQL engines.
//! - [`sql`]: a rule set as one SQL script (DuckDB, Spark, BigQuery, Snowflake, PostgreSQL)
//!   that sessionizes the exported hits the way the engine does, or refuses the rules it can't.
//! - [`synth`]: seeded synthetic traffic for benchmarks and tests.
//! - [`error`]: the one error type; each variant has a stable code the UI branches on.

pub mod classify;
pub mod discrepancy;
pub mod error;
pub mod export;
pub mod import;
pub mod metrics;
pub mod model;
pub mod sessionize;
pub mod sql;
pub mod store;
pub mod synth;

pub use error::{Error, Result};
pub use store::Project;
