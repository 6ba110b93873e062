//! Local days of an IANA time zone as UTC instants: where each local midnight falls, so the
//! engine finds "the next midnight" of a session and "the local day" of a hit with a binary
//! search instead of a time-zone conversion per hit. Correct across DST changes (23- and 25-hour
//! days), and for zones whose clocks skip midnight itself (the day then starts at the first
//! local time that exists) or repeat it (the earlier midnight counts).

use chrono::{Duration, LocalResult, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// The local days covering a span of time.
pub struct LocalDays {
    /// The UTC ms at which each local day starts, ascending; `first_day` is the first's date.
    starts: Vec<i64>,
    first_day: NaiveDate,
}

impl LocalDays {
    /// The days of `tz` covering `from_ms ..= to_ms` (with a day of margin on both sides).
    pub fn new(tz: Tz, from_ms: i64, to_ms: i64) -> LocalDays {
        let local_date = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .map_or(NaiveDate::default(), |t| t.with_timezone(&tz).date_naive())
        };
        let first_day = local_date(from_ms).pred_opt().unwrap_or(NaiveDate::MIN);
        let last_day = local_date(to_ms).succ_opt().and_then(|d| d.succ_opt()).unwrap_or(NaiveDate::MAX);
        let starts = first_day.iter_days().take_while(|d| *d <= last_day).map(|d| day_start(tz, d)).collect();
        LocalDays { starts, first_day }
    }

    /// The index of the local day holding `ms` (0 is the day before the span's first).
    pub fn day_index(&self, ms: i64) -> u32 {
        self.starts.partition_point(|&s| s <= ms).saturating_sub(1) as u32
    }

    /// How many days there are: their indexes are `0..count`.
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// The local date of a day index.
    pub fn date(&self, index: u32) -> NaiveDate {
        self.first_day + Duration::days(index.into())
    }

    /// The first local midnight strictly after `ms`, as UTC ms (`i64::MAX` past the span).
    pub fn next_midnight(&self, ms: i64) -> i64 {
        let i = self.starts.partition_point(|&s| s <= ms);
        self.starts.get(i).copied().unwrap_or(i64::MAX)
    }
}

/// The UTC instant at which local date `day` begins in `tz`.
fn day_start(tz: Tz, day: NaiveDate) -> i64 {
    match tz.from_local_datetime(&day.and_time(NaiveTime::MIN)) {
        LocalResult::Single(t) => t.timestamp_millis(),
        LocalResult::Ambiguous(a, b) => a.timestamp_millis().min(b.timestamp_millis()),
        // Midnight does not exist (clocks jumped over it): the day starts at its first
        // existing minute, which is the instant of the jump.
        LocalResult::None => (1..=24 * 60)
            .find_map(|minute| {
                tz.from_local_datetime(&(day.and_time(NaiveTime::MIN) + Duration::minutes(minute))).earliest()
            })
            .map_or_else(|| day.and_time(NaiveTime::MIN).and_utc().timestamp_millis(), |t| t.timestamp_millis()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn utc(s: &str) -> i64 {
        s.parse::<chrono::DateTime<Utc>>().unwrap().timestamp_millis()
    }

    fn hours_of_day(days: &LocalDays, date: &str) -> f64 {
        let d: NaiveDate = date.parse().unwrap();
        let i = (d - days.first_day).num_days() as usize;
        (days.starts[i + 1] - days.starts[i]) as f64 / 3_600_000.0
    }

    #[test]
    fn new_york_has_a_23_and_a_25_hour_day() {
        let days =
            LocalDays::new(chrono_tz::America::New_York, utc("2024-03-01T12:00:00Z"), utc("2024-11-30T12:00:00Z"));
        assert_eq!(hours_of_day(&days, "2024-03-10"), 23.0);
        assert_eq!(hours_of_day(&days, "2024-11-03"), 25.0);
        assert_eq!(hours_of_day(&days, "2024-06-01"), 24.0);
        // Midnight of 11 March (EDT, UTC-4) is 04:00 UTC.
        assert_eq!(days.next_midnight(utc("2024-03-10T23:00:00Z")), utc("2024-03-11T04:00:00Z"));
    }

    #[test]
    fn sydney_days_across_its_dst_changes() {
        let days =
            LocalDays::new(chrono_tz::Australia::Sydney, utc("2024-03-01T00:00:00Z"), utc("2024-12-01T00:00:00Z"));
        // DST ends 7 April 2024 (03:00 AEDT -> 02:00 AEST), starts 6 October (02:00 -> 03:00).
        assert_eq!(hours_of_day(&days, "2024-04-07"), 25.0);
        assert_eq!(hours_of_day(&days, "2024-10-06"), 23.0);
        // 7 April starts at 00:00 AEDT (UTC+11) = 6 April 13:00 UTC; 8 April at 00:00 AEST (UTC+10).
        assert_eq!(days.next_midnight(utc("2024-04-06T12:59:59Z")), utc("2024-04-06T13:00:00Z"));
        assert_eq!(days.next_midnight(utc("2024-04-06T13:00:00Z")), utc("2024-04-07T14:00:00Z"));
        let d = days.day_index(utc("2024-04-07T13:59:59Z"));
        assert_eq!(days.date(d).to_string(), "2024-04-07");
        assert_eq!(days.date(d + 1).to_string(), "2024-04-08");
        assert_eq!(days.day_index(utc("2024-04-07T14:00:00Z")), d + 1);
    }

    #[test]
    fn a_day_whose_midnight_does_not_exist_starts_at_the_jump() {
        // Chile moved clocks from 00:00 to 01:00 on 8 September 2024 (UTC-4 -> UTC-3).
        let days =
            LocalDays::new(chrono_tz::America::Santiago, utc("2024-09-01T00:00:00Z"), utc("2024-09-30T00:00:00Z"));
        assert_eq!(days.next_midnight(utc("2024-09-08T03:00:00Z")), utc("2024-09-08T04:00:00Z"));
        assert_eq!(hours_of_day(&days, "2024-09-08"), 23.0);
    }
}
