//! Business calendars: weekly opening hours in a time zone, minus holidays.
//!
//! Inside, every instant is a whole number of seconds since 1970-01-01T00:00Z and every local
//! wall-clock time a whole number of seconds since 1970-01-01T00:00 on the wall. Between two
//! transitions of its zone, the wall clock is the instant plus a fixed offset, so the open
//! instants of one such *segment* are the calendar's open wall-clock times shifted by that
//! offset. Walking segment by segment gives the DST rules of the crate documentation exactly:
//! in a spring-forward gap the wall clock jumps, so the calendar opens at the first instant
//! whose wall clock reads inside an interval; in a fall-back overlap the repeated wall-clock
//! hour belongs to two segments and both passes count.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::civil::{CivilDate, SECONDS_PER_DAY, SECONDS_PER_WEEK, weekday_index};
use crate::duration::BusinessDuration;
use crate::error::CalendarError;

/// How far searches look ahead: a calendar closed for this long counts as never opening.
const HORIZON: i64 = 60 * SECONDS_PER_WEEK;
const HORIZON_DAYS: i64 = HORIZON / SECONDS_PER_DAY;
/// "Never" for an instant: beyond every real one, far from overflowing.
const FAR: i64 = i64::MAX / 4;

/// A day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    /// Every weekday, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// The key of the weekday in a calendar's `hours` table: `mon` ... `sun`.
    pub fn key(self) -> &'static str {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][self.index()]
    }

    /// The weekday of a key of the `hours` table.
    pub fn from_key(key: &str) -> Option<Weekday> {
        Weekday::ALL.into_iter().find(|day| day.key() == key)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One opening of a day, `[start, end)` in minutes after local midnight; `end` may be 24:00.
///
/// ```
/// use support_rules::OpeningInterval;
/// let morning: OpeningInterval = "09:00-12:30".parse()?;
/// assert_eq!(morning.to_string(), "09:00-12:30");
/// assert!("18:00-09:00".parse::<OpeningInterval>().is_err());
/// assert!("22:00-24:00".parse::<OpeningInterval>().is_ok());
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpeningInterval {
    start: u16,
    end: u16,
}

impl OpeningInterval {
    /// Minutes after midnight at which it opens.
    pub fn start_minute(self) -> u16 {
        self.start
    }

    /// Minutes after midnight at which it closes (1440 for `24:00`).
    pub fn end_minute(self) -> u16 {
        self.end
    }

    fn length_seconds(self) -> i64 {
        i64::from(self.end - self.start) * 60
    }
}

/// Sorts the few items of a policy (a day's opening intervals, the holidays) by insertion:
/// the lists are short and sorted once, when the policy is read, and the standard library's
/// sort would add several KB of code per item type to the SPA's wasm.
fn sort_small<T: Ord>(items: &mut [T]) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && items[j - 1] > items[j] {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

fn parse_clock(text: &str) -> Option<u16> {
    let (hours, minutes) = text.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let hours: u16 = hours.parse().ok()?;
    let minutes: u16 = minutes.parse().ok()?;
    (hours <= 24 && minutes < 60 && (hours < 24 || minutes == 0)).then_some(hours * 60 + minutes)
}

impl FromStr for OpeningInterval {
    type Err = String;

    fn from_str(text: &str) -> Result<OpeningInterval, String> {
        let (start, end) = text
            .split_once('-')
            .ok_or_else(|| format!("`{text}` is not an interval like `09:00-18:00`"))?;
        let (Some(start), Some(end)) = (parse_clock(start), parse_clock(end)) else {
            return Err(format!(
                "`{text}` is not an interval like `09:00-18:00` (times are HH:MM, 00:00 to 24:00)"
            ));
        };
        if start >= end {
            return Err(format!(
                "`{text}` ends before it starts: an overnight shift is written as two intervals on two days"
            ));
        }
        Ok(OpeningInterval { start, end })
    }
}

impl fmt::Display for OpeningInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (start, end) = (self.start, self.end);
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            start / 60,
            start % 60,
            end / 60,
            end % 60
        )
    }
}

/// The weekly opening hours: for each weekday, sorted intervals that do not overlap.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpeningHours {
    days: [Vec<OpeningInterval>; 7],
}

impl OpeningHours {
    /// Sets the intervals of one weekday; they must not overlap (touching is fine).
    ///
    /// ```
    /// use support_rules::{OpeningHours, Weekday};
    /// let mut hours = OpeningHours::default();
    /// hours.set(Weekday::Tuesday, vec!["13:00-18:00".parse()?, "09:00-12:00".parse()?])?;
    /// assert!(hours.set(Weekday::Monday, vec!["09:00-13:00".parse()?, "12:00-18:00".parse()?]).is_err());
    /// # Ok::<(), String>(())
    /// ```
    pub fn set(&mut self, day: Weekday, mut intervals: Vec<OpeningInterval>) -> Result<(), String> {
        sort_small(&mut intervals);
        if let Some(pair) = intervals
            .windows(2)
            .find(|pair| pair[0].end > pair[1].start)
        {
            return Err(format!("`{}` and `{}` overlap", pair[0], pair[1]));
        }
        self.days[day.index()] = intervals;
        Ok(())
    }

    /// The intervals of one weekday, sorted.
    pub fn on(&self, day: Weekday) -> &[OpeningInterval] {
        &self.days[day.index()]
    }

    fn weekly_seconds(&self) -> i64 {
        self.days
            .iter()
            .flatten()
            .map(|interval| interval.length_seconds())
            .sum()
    }
}

/// A day on which a calendar is closed all day.
///
/// ```
/// use support_rules::Holiday;
/// assert_eq!("12-25".parse::<Holiday>()?.to_string(), "12-25");
/// assert_eq!("2026-04-03".parse::<Holiday>()?.to_string(), "2026-04-03");
/// assert!("02-30".parse::<Holiday>().is_err());
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Holiday {
    /// The same month and day every year (`02-29` only in leap years).
    EveryYear { month: u8, day: u8 },
    /// One date.
    Once(CivilDate),
}

impl FromStr for Holiday {
    type Err = String;

    fn from_str(text: &str) -> Result<Holiday, String> {
        let bad = || format!("`{text}` is not a date like `12-25` (every year) or `2026-04-03`");
        let parts: Vec<&str> = text.split('-').collect();
        let number = |part: &str, len: usize| {
            (part.len() == len && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse::<i32>().ok())
                .flatten()
        };
        match parts.as_slice() {
            [month, day] => {
                let (Some(month), Some(day)) = (number(month, 2), number(day, 2)) else {
                    return Err(bad());
                };
                // 2000 is a leap year, so this accepts exactly the days some year has.
                CivilDate::new(2000, month as u8, day as u8)
                    .map(|_| Holiday::EveryYear {
                        month: month as u8,
                        day: day as u8,
                    })
                    .ok_or_else(bad)
            }
            [year, month, day] => {
                let (Some(year), Some(month), Some(day)) =
                    (number(year, 4), number(month, 2), number(day, 2))
                else {
                    return Err(bad());
                };
                CivilDate::new(year, month as u8, day as u8)
                    .map(Holiday::Once)
                    .ok_or_else(bad)
            }
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for Holiday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Holiday::EveryYear { month, day } => write!(f, "{month:02}-{day:02}"),
            Holiday::Once(date) => write!(f, "{date}"),
        }
    }
}

/// A calendar's holidays, searchable in date order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Holidays {
    every_year: Vec<(u8, u8)>,
    once: Vec<i64>,
}

impl Holidays {
    fn new(holidays: &[Holiday]) -> Holidays {
        let mut every_year = Vec::new();
        let mut once = Vec::new();
        for holiday in holidays {
            match *holiday {
                Holiday::EveryYear { month, day } => every_year.push((month, day)),
                Holiday::Once(date) => once.push(date.day_number()),
            }
        }
        sort_small(&mut every_year);
        every_year.dedup();
        sort_small(&mut once);
        once.dedup();
        Holidays { every_year, once }
    }

    fn contains(&self, day: i64) -> bool {
        if self.once.binary_search(&day).is_ok() {
            return true;
        }
        let date = CivilDate::from_day_number(day);
        self.every_year.contains(&(date.month(), date.day()))
    }

    /// The first holiday on or after `day`.
    fn next_on_or_after(&self, day: i64) -> Option<i64> {
        let once = self
            .once
            .get(self.once.partition_point(|&d| d < day))
            .copied();
        let year = CivilDate::from_day_number(day).year();
        // Eight years always include a February 29.
        let every_year = (year..=year.saturating_add(8)).find_map(|year| {
            self.every_year.iter().find_map(|&(month, d)| {
                CivilDate::new(year, month, d)
                    .map(CivilDate::day_number)
                    .filter(|&n| n >= day)
            })
        });
        match (once, every_year) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Opening hours and holidays in a zone.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Weekly {
    zone: TimeZone,
    hours: OpeningHours,
    holidays: Holidays,
    open_per_week: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Rule {
    AlwaysOpen,
    Weekly(Box<Weekly>),
}

/// When support is open: always, or weekly opening hours in a time zone minus holidays.
///
/// ```
/// use support_rules::{Calendar, OpeningHours, Timestamp, Weekday, find_time_zone};
///
/// let mut hours = OpeningHours::default();
/// for day in [Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday, Weekday::Thursday, Weekday::Friday] {
///     hours.set(day, vec!["09:00-18:00".parse()?])?;
/// }
/// let zone = find_time_zone("Europe/Lisbon")?;
/// let office = Calendar::weekly(zone, hours, &["12-25".parse()?])?;
///
/// // Thursday 24 December 2026, 17:30 in Lisbon (UTC+0): half an hour before closing.
/// let t: Timestamp = "2026-12-24T17:30:00Z".parse()?;
/// assert!(office.is_open(t));
/// // Christmas is a holiday and then comes a weekend: 8 business hours end on Monday 16:30.
/// let due = office.due(t, "8h".parse()?)?;
/// assert_eq!(due.to_string(), "2026-12-28T16:30:00Z");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    rule: Rule,
}

/// Whether a calendar is open at an instant, and when that changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CalendarStatus {
    /// Open at the instant asked about.
    pub open: bool,
    /// When closed: the next opening. When open: the opening after the next close.
    /// `None` when there is none within 60 weeks.
    pub next_open: Option<Timestamp>,
    /// When open: the next close. When closed: the close after the next opening.
    /// `None` when there is none within 60 weeks (an always-open calendar).
    pub next_close: Option<Timestamp>,
}

/// A stretch of time during which a calendar is open, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OpenWindow {
    pub start: Timestamp,
    pub end: Timestamp,
}

fn seconds(t: Timestamp) -> i64 {
    // Precision is one second: sub-second parts are dropped (rounding toward the past).
    let whole = t.as_second();
    if t.subsec_nanosecond() < 0 {
        whole - 1
    } else {
        whole
    }
}

fn instant(seconds: i64) -> Result<Timestamp, CalendarError> {
    Timestamp::from_second(seconds).map_err(|_| CalendarError::OutOfRange)
}

fn max_seconds() -> i64 {
    Timestamp::MAX.as_second()
}

/// A stretch of instants with one UTC offset, from `from` (where it was looked up) to `end`
/// (exclusive).
#[derive(Clone, Copy)]
struct Segment {
    from: i64,
    end: i64,
    offset: i64,
}

/// The last segment looked up: long walks ask for the same one many times, and a zone
/// lookup costs more than the rest of a step.
#[derive(Default)]
struct Segments(Option<Segment>);

impl Segments {
    fn at(&mut self, zone: &TimeZone, t: i64) -> Option<Segment> {
        match self.0 {
            Some(segment) if segment.from <= t && t < segment.end => Some(segment),
            _ => {
                self.0 = segment_at(zone, t);
                self.0
            }
        }
    }
}

impl Calendar {
    /// A calendar that is open at every instant (round-the-clock support).
    pub fn always_open() -> Calendar {
        Calendar {
            rule: Rule::AlwaysOpen,
        }
    }

    /// A calendar open during `hours` in `zone`, except on `holidays` (local dates).
    ///
    /// Fails when the hours hold no open time at all.
    pub fn weekly(
        zone: TimeZone,
        hours: OpeningHours,
        holidays: &[Holiday],
    ) -> Result<Calendar, String> {
        let open_per_week = hours.weekly_seconds();
        if open_per_week == 0 {
            return Err("the calendar has no opening hours: list some under `hours`, or set `always_open = true`".to_owned());
        }
        Ok(Calendar {
            rule: Rule::Weekly(Box::new(Weekly {
                zone,
                hours,
                holidays: Holidays::new(holidays),
                open_per_week,
            })),
        })
    }

    /// The zone of the calendar's hours; `None` for an always-open calendar.
    pub fn time_zone(&self) -> Option<&TimeZone> {
        match &self.rule {
            Rule::AlwaysOpen => None,
            Rule::Weekly(weekly) => Some(&weekly.zone),
        }
    }

    /// Whether this calendar is open at every instant.
    pub fn is_always_open(&self) -> bool {
        matches!(self.rule, Rule::AlwaysOpen)
    }

    /// Whether the local date `date` is one of the calendar's holidays.
    pub fn is_holiday(&self, date: CivilDate) -> bool {
        match &self.rule {
            Rule::AlwaysOpen => false,
            Rule::Weekly(weekly) => weekly.holidays.contains(date.day_number()),
        }
    }

    /// Whether the calendar is open at `t`.
    pub fn is_open(&self, t: Timestamp) -> bool {
        let t = seconds(t);
        self.span(t).is_some_and(|(start, _)| start == t)
    }

    /// The first instant at or after `t` at which the calendar is open (`t` itself when open);
    /// `None` when it does not open within 60 weeks.
    pub fn next_open(&self, t: Timestamp) -> Option<Timestamp> {
        let (start, _) = self.span(seconds(t))?;
        instant(start).ok()
    }

    /// The first instant at or after `t` at which the calendar is closed (`t` itself when
    /// closed); `None` when it stays open for the next 60 weeks.
    pub fn next_close(&self, t: Timestamp) -> Option<Timestamp> {
        let t = seconds(t);
        match self.span(t) {
            Some((start, end)) if start == t => (end < FAR).then(|| instant(end).ok()).flatten(),
            _ => instant(t).ok(),
        }
    }

    /// Whether the calendar is open at `t`, and its next changes (see [`CalendarStatus`]).
    ///
    /// ```
    /// use support_rules::Calendar;
    /// let status = Calendar::always_open().status("2026-12-25T00:00:00Z".parse()?);
    /// assert!(status.open);
    /// assert_eq!((status.next_open, status.next_close), (None, None));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status(&self, t: Timestamp) -> CalendarStatus {
        let t = seconds(t);
        let real = |s: i64| (s < FAR).then(|| instant(s).ok()).flatten();
        match self.span(t) {
            Some((start, end)) if start == t => CalendarStatus {
                open: true,
                next_open: if end < FAR {
                    self.span(end).and_then(|(next, _)| real(next))
                } else {
                    None
                },
                next_close: real(end),
            },
            Some((start, end)) => CalendarStatus {
                open: false,
                next_open: real(start),
                next_close: real(end),
            },
            None => CalendarStatus {
                open: false,
                next_open: None,
                next_close: None,
            },
        }
    }

    /// The business time between `from` and `to`: how long the calendar is open in
    /// `[from, to)`. Zero when `to` is not after `from`.
    ///
    /// ```
    /// use support_rules::Calendar;
    /// let always = Calendar::always_open();
    /// let d = always.business_time("2026-01-01T00:00:00Z".parse()?, "2026-01-01T02:30:00Z".parse()?);
    /// assert_eq!(d.to_string(), "2h30m");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn business_time(&self, from: Timestamp, to: Timestamp) -> BusinessDuration {
        let (from, to) = (seconds(from), seconds(to));
        let mut total: i64 = 0;
        let mut cursor = from;
        let mut segments = Segments::default();
        while cursor < to {
            if let Rule::Weekly(weekly) = &self.rule {
                let weeks = self
                    .plain_weeks(weekly, cursor, &mut segments)
                    .min((to - cursor) / SECONDS_PER_WEEK);
                if weeks > 0 {
                    total += weeks * weekly.open_per_week;
                    cursor += weeks * SECONDS_PER_WEEK;
                    continue;
                }
            }
            match self.raw_span(cursor, &mut segments) {
                Some((start, end)) if start < to => {
                    total += end.min(to) - start;
                    cursor = end;
                }
                Some(_) => break,
                None => cursor = cursor.saturating_add(HORIZON),
            }
        }
        // Longer than any duration can be only across centuries: say the longest there is.
        BusinessDuration::from_seconds(total).unwrap_or(BusinessDuration::MAX)
    }

    /// Whether a deadline `due` counted on this calendar is in its warning window at `at`:
    /// the calendar is open at `at`, `at` is not after `due`, and the business time left,
    /// [`business_time`](Calendar::business_time)`(at, due)`, is at most `window`.
    ///
    /// The window counts business time, like the deadline: a ticket due on Monday morning
    /// on a Monday-to-Friday calendar enters its warning on Friday evening, and is not marked
    /// while the calendar is closed (at 2 a.m. on Saturday nobody is expected to act on it),
    /// however close the deadline is in hours. After `due` the deadline is breached, which
    /// is no warning. Sub-second parts are dropped.
    ///
    /// ```
    /// use support_rules::{BusinessDuration, Policy};
    /// let policy = Policy::embedded_default();
    /// // Lisbon, open around the clock Monday to Friday; a deadline on Monday 01:00.
    /// let business = policy.calendar("business").expect("the business calendar");
    /// let window: BusinessDuration = "1h15m".parse()?;
    /// let due = "2026-12-07T01:00:00Z".parse()?;
    /// // Friday 23:50: 1h10m of business time left.
    /// assert!(business.is_in_warning("2026-12-04T23:50:00Z".parse()?, due, window));
    /// // Saturday 02:00: still 1h left, but the calendar is closed.
    /// assert!(!business.is_in_warning("2026-12-05T02:00:00Z".parse()?, due, window));
    /// // Monday 00:30: warned again; Friday 23:00 was too early (2h left).
    /// assert!(business.is_in_warning("2026-12-07T00:30:00Z".parse()?, due, window));
    /// assert!(!business.is_in_warning("2026-12-04T23:00:00Z".parse()?, due, window));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_in_warning(&self, at: Timestamp, due: Timestamp, window: BusinessDuration) -> bool {
        seconds(at) <= seconds(due) && self.is_open(at) && self.business_time(at, due) <= window
    }

    /// The deadline of `duration` of business time counted from `t`: the earliest instant `T`
    /// at or after `t` such that the calendar is open for exactly `duration` in `[t, T)`.
    ///
    /// A deadline that uses up an opening exactly lands on its closing instant; a zero
    /// duration gives `t` itself.
    pub fn due(
        &self,
        t: Timestamp,
        duration: BusinessDuration,
    ) -> Result<Timestamp, CalendarError> {
        let start = seconds(t);
        let mut remaining = duration.as_seconds();
        if remaining == 0 {
            return instant(start);
        }
        let mut cursor = start;
        let mut segments = Segments::default();
        loop {
            if let Rule::Weekly(weekly) = &self.rule
                && remaining > weekly.open_per_week
            {
                // Jump whole weeks that cannot hold the deadline.
                let weeks = self
                    .plain_weeks(weekly, cursor, &mut segments)
                    .min((remaining - 1) / weekly.open_per_week);
                if weeks > 0 {
                    cursor += weeks * SECONDS_PER_WEEK;
                    remaining -= weeks * weekly.open_per_week;
                }
            }
            let (open, close) =
                self.raw_span(cursor, &mut segments)
                    .ok_or(CalendarError::NeverOpens {
                        from: instant(cursor)?,
                    })?;
            if close - open >= remaining {
                return instant(open + remaining);
            }
            remaining -= close - open;
            cursor = close;
            if cursor > max_seconds() {
                return Err(CalendarError::OutOfRange);
            }
        }
    }

    /// The open windows that overlap `[from, to)`, clipped to it, in order (for a timeline).
    pub fn open_windows(&self, from: Timestamp, to: Timestamp) -> Vec<OpenWindow> {
        let (from, to) = (seconds(from), seconds(to));
        let mut windows = Vec::new();
        let mut cursor = from;
        while cursor < to {
            let Some((start, end)) = self.span(cursor) else {
                break;
            };
            if start >= to {
                break;
            }
            let (Ok(start_at), Ok(end_at)) = (instant(start), instant(end.min(to))) else {
                break;
            };
            windows.push(OpenWindow {
                start: start_at,
                end: end_at,
            });
            cursor = end;
        }
        windows
    }

    /// The open span at or after `t`, merged over midnights and zone transitions: `(start,
    /// end)` with `start >= t`, `start == t` when open at `t`, `end == FAR` when it does not
    /// close within the horizon.
    fn span(&self, t: i64) -> Option<(i64, i64)> {
        let mut segments = Segments::default();
        let (start, mut end) = self.raw_span(t, &mut segments)?;
        while end < FAR {
            if end - start > HORIZON {
                end = FAR;
                break;
            }
            match self.raw_span(end, &mut segments) {
                Some((next, next_end)) if next == end => end = next_end,
                _ => break,
            }
        }
        Some((start, end))
    }

    /// An open stretch at or after `t` within one offset segment (not necessarily maximal).
    fn raw_span(&self, t: i64, segments: &mut Segments) -> Option<(i64, i64)> {
        let weekly = match &self.rule {
            Rule::AlwaysOpen => return Some((t, FAR)),
            Rule::Weekly(weekly) => weekly,
        };
        let limit = t.saturating_add(HORIZON).min(max_seconds());
        let mut cursor = t;
        while cursor <= limit {
            let segment = segments.at(&weekly.zone, cursor)?;
            let local = cursor + segment.offset;
            let (local_open, local_close) = local_interval(weekly, local)?;
            let open = cursor.max(local_open - segment.offset);
            if open < segment.end {
                return Some((
                    open,
                    segment.end.min(local_close.saturating_sub(segment.offset)),
                ));
            }
            cursor = segment.end;
        }
        None
    }

    /// How many whole weeks from `t` are plain: no holiday and no offset change, so that each
    /// holds exactly the weekly open time.
    fn plain_weeks(&self, weekly: &Weekly, t: i64, segments: &mut Segments) -> i64 {
        let Some(segment) = segments.at(&weekly.zone, t) else {
            return 0;
        };
        let local = t + segment.offset;
        let by_zone = (segment.end - t) / SECONDS_PER_WEEK;
        let by_holiday = weekly
            .holidays
            .next_on_or_after(local.div_euclid(SECONDS_PER_DAY))
            .map_or(i64::MAX, |day| {
                (day * SECONDS_PER_DAY - local).max(0) / SECONDS_PER_WEEK
            });
        by_zone.min(by_holiday)
    }
}

/// The offset at `t` and the next instant at which it changes.
fn segment_at(zone: &TimeZone, t: i64) -> Option<Segment> {
    let at = Timestamp::from_second(t).ok()?;
    let offset = i64::from(zone.to_offset(at).seconds());
    let end = zone
        .following(at)
        .map(|transition| transition.timestamp().as_second())
        .find(|&end| end > t)
        .unwrap_or(FAR);
    Some(Segment {
        from: t,
        end,
        offset,
    })
}

/// The first open interval of the wall clock that ends after `local`, merged over midnights:
/// `(open, close)` in local seconds; `None` when there is none within the horizon.
fn local_interval(weekly: &Weekly, local: i64) -> Option<(i64, i64)> {
    let first = local.div_euclid(SECONDS_PER_DAY);
    for day in first..=first + HORIZON_DAYS {
        if weekly.holidays.contains(day) {
            continue;
        }
        let midnight = day * SECONDS_PER_DAY;
        let on_day = &weekly.hours.days[weekday_index(day)];
        if let Some(interval) = on_day
            .iter()
            .find(|interval| midnight + i64::from(interval.end) * 60 > local)
        {
            let open = midnight + i64::from(interval.start) * 60;
            let close = midnight + i64::from(interval.end) * 60;
            return Some((open, extend_over_midnights(weekly, close)));
        }
    }
    None
}

/// An opening that ends at 24:00 goes on when the next day opens at 00:00.
fn extend_over_midnights(weekly: &Weekly, mut close: i64) -> i64 {
    if weekly.open_per_week == SECONDS_PER_WEEK {
        // Open all week: only a holiday closes it.
        let day = close.div_euclid(SECONDS_PER_DAY);
        return weekly
            .holidays
            .next_on_or_after(day)
            .map_or(FAR, |holiday| holiday * SECONDS_PER_DAY);
    }
    for _ in 0..7 {
        if close.rem_euclid(SECONDS_PER_DAY) != 0 {
            break;
        }
        let day = close.div_euclid(SECONDS_PER_DAY);
        if weekly.holidays.contains(day) {
            break;
        }
        match weekly.hours.days[weekday_index(day)].first() {
            Some(interval) if interval.start == 0 => {
                close = day * SECONDS_PER_DAY + i64::from(interval.end) * 60;
            }
            _ => break,
        }
    }
    close
}

#[cfg(test)]
mod tests {
    use super::sort_small;

    #[test]
    fn sort_small_sorts_like_the_standard_library() {
        let cases: [&[i64]; 4] = [&[], &[1], &[5, 3, 9, 1, 3, 0, -2], &[4, 3, 2, 1, 0]];
        for case in cases {
            let mut ours = case.to_vec();
            sort_small(&mut ours);
            let mut std = case.to_vec();
            std.sort_unstable();
            assert_eq!(ours, std);
        }
    }
}
