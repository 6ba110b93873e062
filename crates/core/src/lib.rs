//! SessionLens core: everything the app and the CLI share, with no GUI dependency.
//!
//! - [`store`]: the `.sessionlens` project file (SQLite), its migrations and bulk loader.
//! - [`import`]: every input format behind one [`import::Format`] trait, pushing rows into a
//!   [`import::Sink`].
//! - [`model`]: the rows that cross from importers into the store.

pub mod classify;
pub mod discrepancy;
pub mod error;
pub mod export;
pub mod import;
pub mod metrics;
pub mod model;
pub mod sessionize;
pub mod store;
pub mod synth;

pub use error::{Error, Result};
pub use store::Project;
