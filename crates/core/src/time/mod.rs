//! Time helpers every layer uses, depending on nothing else of the crate: reading the
//! timestamps and dates of input files into UTC milliseconds ([`TimestampParser`],
//! [`parse_date`], [`local_to_utc_ms`]), and the days of the view's time zone ([`ViewClock`],
//! [`DateRange`]) that metrics, the discrepancy report and the stored rows are counted and
//! written in.

mod days;
mod timestamp;

pub(crate) use days::iso_date;
pub use days::{DateRange, ViewClock};
pub use timestamp::{local_to_utc_ms, parse_date, DateOrder, TimestampParser};
