//! Days in the view's time zone: [`ViewClock`] turns UTC instants into local dates and hours
//! and places an ad account's day on a view day; [`DateRange`] is an inclusive range of view
//! days with its previous period of the same length.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::timestamp::local_to_utc_ms;
use crate::error::{Error, Result};

/// First and last day (inclusive) in the view's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    #[serde(with = "iso_date")]
    pub from: NaiveDate,
    #[serde(with = "iso_date")]
    pub to: NaiveDate,
}

/// Dates as `YYYY-MM-DD` strings in JSON (the workspace builds chrono without its serde feature).
pub(crate) mod iso_date {
    use chrono::NaiveDate;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(|_| D::Error::custom(format!("'{text}' is not a date (YYYY-MM-DD)")))
    }

    /// The same for an optional date (`null` when absent).
    pub mod option {
        use chrono::NaiveDate;
        use serde::Serializer;

        pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
            match date {
                Some(d) => s.collect_str(d),
                None => s.serialize_none(),
            }
        }
    }
}

impl DateRange {
    /// A range, refused when `to` is before `from`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<DateRange> {
        if to < from {
            return Err(Error::InvalidInput(format!("the date range ends ({to}) before it starts ({from})")));
        }
        Ok(DateRange { from, to })
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// Does every day of `days` lie in this range?
    pub fn covers(&self, days: DateRange) -> bool {
        self.contains(days.from) && self.contains(days.to)
    }

    /// The period of the same length that ends the day before this one starts (cut at the
    /// calendar's first day).
    pub fn previous(&self) -> DateRange {
        let back = |d: NaiveDate| d.checked_sub_signed(Duration::days(self.days())).unwrap_or(NaiveDate::MIN);
        DateRange { from: back(self.from), to: back(self.to) }
    }
}

/// Local dates and hours of the view time zone.
#[derive(Clone, Copy, Debug)]
pub struct ViewClock {
    pub tz: Tz,
}

impl ViewClock {
    /// The clock of a rule set's `time_zone`.
    pub fn new(time_zone: &str) -> Result<ViewClock> {
        let tz = time_zone.parse().map_err(|_| {
            Error::InvalidInput(format!(
                "unknown time zone '{time_zone}' (expected an IANA name such as Europe/Berlin)"
            ))
        })?;
        Ok(ViewClock { tz })
    }

    fn local(&self, ms: i64) -> DateTime<Tz> {
        DateTime::from_timestamp_millis(ms).unwrap_or_default().with_timezone(&self.tz)
    }

    pub fn date(&self, ms: i64) -> NaiveDate {
        self.local(ms).date_naive()
    }

    pub fn hour(&self, ms: i64) -> u32 {
        self.local(ms).hour()
    }

    /// `2024-03-01 10:07`, local.
    pub fn date_time(&self, ms: i64) -> String {
        self.local(ms).format("%Y-%m-%d %H:%M").to_string()
    }

    /// `10:07`, local.
    pub fn time(&self, ms: i64) -> String {
        self.local(ms).format("%H:%M").to_string()
    }

    /// The Monday of the ISO week holding `date`.
    pub fn week_start(date: NaiveDate) -> NaiveDate {
        date.checked_sub_signed(Duration::days(date.weekday().num_days_from_monday().into())).unwrap_or(NaiveDate::MIN)
    }

    /// The UTC span `[start, end)` of a local day of `tz`.
    pub fn day_span(tz: Tz, date: NaiveDate) -> (i64, i64) {
        let start = local_to_utc_ms(tz, date.and_time(NaiveTime::MIN));
        let next = date.succ_opt().unwrap_or(date);
        (start, local_to_utc_ms(tz, next.and_time(NaiveTime::MIN)).max(start))
    }

    /// The view day an ad account's day (in `account_tz`, or the view's own zone when unknown)
    /// is reported on: the view day holding the account day's noon, which is where most of the
    /// account day falls for any pair of zones less than 12 hours apart.
    pub fn view_date_of_account_day(&self, account_tz: Option<Tz>, date: NaiveDate) -> NaiveDate {
        match account_tz {
            None => date,
            Some(tz) if tz == self.tz => date,
            Some(tz) => self.date(local_to_utc_ms(tz, date.and_hms_opt(12, 0, 0).unwrap_or_default())),
        }
    }

    /// UTC offset of the view zone minus that of `other`, in hours, at instant `ms`.
    pub fn offset_difference_hours(&self, other: Tz, ms: i64) -> f64 {
        use chrono::Offset;
        let at = DateTime::from_timestamp_millis(ms).unwrap_or_default().naive_utc();
        let view = self.tz.offset_from_utc_datetime(&at).fix().local_minus_utc();
        let account = other.offset_from_utc_datetime(&at).fix().local_minus_utc();
        f64::from(view - account) / 3600.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn previous_period_has_the_same_length_and_ends_the_day_before() {
        let r = DateRange::new(d("2024-03-08"), d("2024-03-14")).unwrap();
        assert_eq!(r.days(), 7);
        assert_eq!(r.previous(), DateRange { from: d("2024-03-01"), to: d("2024-03-07") });
        assert!(DateRange::new(d("2024-03-08"), d("2024-03-07")).is_err());
    }

    #[test]
    fn a_new_york_day_is_reported_on_the_london_day_of_its_noon() {
        let london = ViewClock::new("Europe/London").unwrap();
        let ny: Tz = "America/New_York".parse().unwrap();
        assert_eq!(london.view_date_of_account_day(Some(ny), d("2024-03-01")), d("2024-03-01"));
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        // Noon in Tokyo is 03:00 in London, the same date; a Honolulu noon is 22:00 in London.
        assert_eq!(london.view_date_of_account_day(Some(tokyo), d("2024-03-01")), d("2024-03-01"));
        assert_eq!(london.offset_difference_hours(ny, 1_709_294_400_000), 5.0);
        assert!(ViewClock::new("Mars/Olympus").is_err());
        assert_eq!(ViewClock::week_start(d("2024-03-03")), d("2024-02-26"));
        // The calendar's ends do not overflow.
        let all = DateRange::new(NaiveDate::MIN, NaiveDate::MAX).unwrap();
        assert_eq!(all.previous().from, NaiveDate::MIN);
        assert_eq!(ViewClock::week_start(NaiveDate::MIN), NaiveDate::MIN);
    }
}
