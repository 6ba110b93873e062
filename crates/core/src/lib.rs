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
//! The modules, from the bottom up: each uses only modules listed before it (one exception is
//! noted at [`store`]), so helpers sit at the bottom and no two modules need each other.
//!
//! - [`error`]: the one error type; each variant has a stable code the UI branches on.
//! - [`model`]: the rows that cross from importers into the store.
//! - [`url`]: host, path and campaign tags of URLs, percent-decoding.
//! - [`time`]: timestamps and dates of input files into UTC milliseconds, and the days of the
//!   view's time zone ([`time::ViewClock`], [`time::DateRange`]).
//! - [`classify`]: a session's source, medium, campaign, channel, device and bot status.
//! - [`sessionize`]: hits → sessions under a [`sessionize::RuleSet`] that can reproduce each
//!   analytics tool's rules (`docs/session-rules.md`); pure, over an in-memory hit table.
//! - [`conversion`]: what counts as a conversion ([`conversion::ConversionGoals`]), counted per
//!   session; kept by the store, counted by metrics.
//! - [`import`]: every input format behind one [`import::Format`] trait, pushing rows into an
//!   [`import::Sink`]; a malformed row is a reject, never the end of the file.
//! - [`store`]: the `.sessionlens` project file (SQLite): migrations, the bulk loader (which
//!   drives the importers), queries, deleting a file's data, stored sessions and goals, the
//!   hits and ad data read back, and how the project is looked at (saved views). (The
//!   importers' in-memory sink still borrows the store's reported-sessions row type.)
//! - `ad_index` (crate-internal): the ad data laid out against the hits — campaigns matched to
//!   utm_campaign values and click ids, clicks and cost per day — which metrics and the
//!   discrepancy report both read.
//! - [`metrics`]: sessions, users, pageviews, bounce, conversions, ad clicks and cost, by up to
//!   two dimensions, beside the previous period; and the click-to-session ratio's formula.
//! - [`discrepancy`]: why a campaign's ad clicks and its sessions differ, cause by cause, and the
//!   headline click-to-session ratio every screen and the PDF show.
//! - [`export`]: CSV exports that stay text when opened in a spreadsheet, and the hits table
//!   for SQL engines.
//! - [`fidelity`]: our sessions laid over the platform's own (where the source carries its
//!   session ids): sessions split, merged, and the rules that cut them.
//! - [`sql`]: a rule set as one SQL script (DuckDB, Spark, BigQuery, Snowflake, PostgreSQL)
//!   that sessionizes the exported hits the way the engine does, or refuses the rules it can't.
//! - [`synth`]: seeded synthetic traffic for benchmarks and tests.
//! - [`huge_pages`]: the binaries' allocator, which backs large columns with huge pages.

pub(crate) mod ad_index;
pub mod classify;
pub mod conversion;
pub mod discrepancy;
pub mod error;
pub mod export;
pub mod fidelity;
pub mod huge_pages;
pub mod import;
pub mod metrics;
pub mod model;
pub mod sessionize;
pub mod sql;
pub mod store;
pub mod synth;
pub mod time;
pub mod url;

pub use error::{Error, Result};
pub use store::Project;
