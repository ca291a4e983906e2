//! Civil (wall-calendar) dates as day numbers, independent of any time zone.
//!
//! The calendar arithmetic works on plain integers: a local day is the number of days since
//! 1970-01-01 on the proleptic Gregorian calendar, a local instant the number of seconds since
//! 1970-01-01T00:00 on the wall clock. Converting between them is exact and cheap.

pub(crate) const SECONDS_PER_DAY: i64 = 86_400;
pub(crate) const SECONDS_PER_WEEK: i64 = 7 * SECONDS_PER_DAY;

/// A date on the wall calendar: year, month (1-12) and day (1-31), always valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    year: i32,
    month: u8,
    day: u8,
}

impl CivilDate {
    /// The date, if it exists (February 29 only in leap years).
    ///
    /// ```
    /// use support_rules::CivilDate;
    /// assert!(CivilDate::new(2028, 2, 29).is_some());
    /// assert!(CivilDate::new(2026, 2, 29).is_none());
    /// ```
    pub fn new(year: i32, month: u8, day: u8) -> Option<CivilDate> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(CivilDate { year, month, day })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub(crate) fn day_number(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date of a day number (see [`CivilDate::day_number`]).
    pub(crate) fn from_day_number(days: i64) -> CivilDate {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        CivilDate { year, month, day }
    }
}

impl std::fmt::Display for CivilDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for CivilDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

pub(crate) fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Monday = 0 ... Sunday = 6 of a day number (1970-01-01 was a Thursday).
pub(crate) fn weekday_index(day_number: i64) -> usize {
    (day_number + 3).rem_euclid(7) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_over_four_centuries() {
        for days in -146_097..146_097 {
            assert_eq!(CivilDate::from_day_number(days).day_number(), days);
        }
    }

    #[test]
    fn known_days() {
        assert_eq!(
            CivilDate::new(1970, 1, 1).map(CivilDate::day_number),
            Some(0)
        );
        let christmas = CivilDate::new(2026, 12, 25).map(CivilDate::day_number);
        assert_eq!(
            christmas.map(weekday_index),
            Some(4),
            "2026-12-25 is a Friday"
        );
        assert_eq!(CivilDate::from_day_number(20_820).to_string(), "2027-01-02");
    }
}
