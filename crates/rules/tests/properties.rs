//! Property tests: the calendar arithmetic against a second, independent implementation that
//! walks minute by minute and asks jiff for each minute's wall-clock time.
#![cfg(not(target_arch = "wasm32"))]

use jiff::tz::TimeZone;
use proptest::prelude::*;
use support_rules::{
    BusinessDuration, Calendar, CivilDate, Holiday, OpeningHours, OpeningInterval, Timestamp,
    Weekday, find_time_zone,
};

const ZONES: &[&str] = &[
    "Europe/Lisbon",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/Santiago",
    "UTC",
];

/// A random calendar, and what the oracle needs to judge it.
#[derive(Clone, Debug)]
struct Case {
    zone: TimeZone,
    days: [Vec<(u16, u16)>; 7],
    holidays: Vec<Holiday>,
    calendar: Calendar,
    open_minutes_per_week: i64,
}

impl Case {
    /// Open at the minute starting at `t` (instants are whole minutes, and so are all offsets
    /// and interval bounds, so a minute is open or closed as a whole).
    fn oracle_open(&self, t: i64) -> bool {
        let Ok(instant) = Timestamp::from_second(t) else {
            return false;
        };
        let local = self.zone.to_datetime(instant);
        let date = local.date();
        let holiday = self.holidays.iter().any(|holiday| match holiday {
            Holiday::EveryYear { month, day } => {
                date.month() as u8 == *month && date.day() as u8 == *day
            }
            Holiday::Once(once) => {
                i32::from(date.year()) == once.year()
                    && date.month() as u8 == once.month()
                    && date.day() as u8 == once.day()
            }
        });
        let minute = u16::try_from(local.hour()).unwrap_or(0) * 60
            + u16::try_from(local.minute()).unwrap_or(0);
        let weekday = date.weekday().to_monday_zero_offset() as usize;
        !holiday
            && self.days[weekday]
                .iter()
                .any(|&(start, end)| start <= minute && minute < end)
    }

    fn oracle_due(&self, t: i64, minutes: i64) -> i64 {
        let mut left = minutes;
        let mut at = t;
        while left > 0 {
            if self.oracle_open(at) {
                left -= 1;
            }
            at += 60;
        }
        at
    }

    fn oracle_business_minutes(&self, from: i64, to: i64) -> i64 {
        (0..(to - from) / 60)
            .filter(|minute| self.oracle_open(from + minute * 60))
            .count() as i64
    }

    fn oracle_next(&self, t: i64, open: bool) -> i64 {
        let mut at = t;
        while self.oracle_open(at) != open {
            at += 60;
        }
        at
    }
}

fn interval_list() -> impl Strategy<Value = Vec<(u16, u16)>> {
    // Up to three sorted, non-overlapping intervals on a 15-minute grid.
    prop::collection::vec(0u16..=96, 0..=6).prop_map(|mut marks| {
        marks.sort_unstable();
        marks.dedup();
        marks
            .chunks_exact(2)
            .map(|pair| (pair[0] * 15, pair[1] * 15))
            .collect()
    })
}

fn holiday() -> impl Strategy<Value = Holiday> {
    prop_oneof![
        (1u8..=12, 1u8..=28).prop_map(|(month, day)| Holiday::EveryYear { month, day }),
        (2025i32..=2027, 1u8..=12, 1u8..=28).prop_map(|(year, month, day)| {
            CivilDate::new(year, month, day)
                .map_or(Holiday::EveryYear { month, day }, Holiday::Once)
        }),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(ZONES),
        prop::array::uniform7(interval_list()),
        prop::collection::vec(holiday(), 0..4),
    )
        .prop_filter_map(
            "a calendar with no opening",
            |(zone_name, days, holidays)| {
                let zone = find_time_zone(zone_name).ok()?;
                let mut hours = OpeningHours::default();
                for (weekday, intervals) in Weekday::ALL.into_iter().zip(&days) {
                    let parsed: Vec<OpeningInterval> = intervals
                        .iter()
                        .map(|(start, end)| {
                            format!(
                                "{:02}:{:02}-{:02}:{:02}",
                                start / 60,
                                start % 60,
                                end / 60,
                                end % 60
                            )
                            .parse()
                        })
                        .collect::<Result<_, String>>()
                        .ok()?;
                    hours.set(weekday, parsed).ok()?;
                }
                let calendar = Calendar::weekly(zone.clone(), hours, &holidays).ok()?;
                let open_minutes_per_week = days
                    .iter()
                    .flatten()
                    .map(|(start, end)| i64::from(end - start))
                    .sum();
                Some(Case {
                    zone,
                    days,
                    holidays,
                    calendar,
                    open_minutes_per_week,
                })
            },
        )
}

/// Whole minutes from 2025 to 2027, where the zones above change offsets many times.
fn instant() -> impl Strategy<Value = i64> {
    (1_735_689_600i64 / 60..1_830_297_600i64 / 60).prop_map(|minute| minute * 60)
}

fn ts(seconds: i64) -> Timestamp {
    Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn minutes(count: i64) -> BusinessDuration {
    BusinessDuration::from_seconds(count * 60).unwrap_or(BusinessDuration::ZERO)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn open_agrees_with_the_oracle(case in case(), t in instant()) {
        prop_assert_eq!(case.calendar.is_open(ts(t)), case.oracle_open(t));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn due_agrees_with_the_oracle_and_spends_exactly_the_duration(
        case in case(), t in instant(), share in 0.0f64..2.0,
    ) {
        let count = ((case.open_minutes_per_week as f64) * share) as i64;
        let due = case.calendar.due(ts(t), minutes(count));
        prop_assert_eq!(due.clone(), Ok(ts(case.oracle_due(t, count))));
        let spent = case.calendar.business_time(ts(t), due.unwrap_or(ts(t)));
        prop_assert_eq!(spent, minutes(count));
    }

    #[test]
    fn next_open_is_open_and_nothing_before_it_is(case in case(), t in instant()) {
        let next = case.calendar.next_open(ts(t)).map(|next| next.as_second());
        prop_assert_eq!(next, Some(case.oracle_next(t, true)));
    }

    #[test]
    fn next_close_is_closed_and_everything_before_it_is_open(case in case(), t in instant()) {
        let next = case.calendar.next_close(ts(t)).map(|next| next.as_second());
        prop_assert_eq!(next, Some(case.oracle_next(t, false)));
    }

    #[test]
    fn business_time_agrees_with_the_oracle(case in case(), a in instant(), span in 0i64..30_000) {
        let b = a + span * 60;
        let business = case.calendar.business_time(ts(a), ts(b));
        prop_assert_eq!(business, minutes(case.oracle_business_minutes(a, b)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// The warning window against the minute walk: open now, the deadline not passed, and at
    /// most the window's minutes open between now and the deadline.
    #[test]
    fn the_warning_window_counts_business_time_on_the_deadlines_calendar(
        case in case(), at in instant(), span in -600i64..20_000, window in 1i64..3_000,
    ) {
        let due = at + span * 60;
        let expected = span >= 0
            && case.oracle_open(at)
            && case.oracle_business_minutes(at, due) <= window;
        prop_assert_eq!(case.calendar.is_in_warning(ts(at), ts(due), minutes(window)), expected);
    }

    /// A real deadline (one `due` gives) is in warning from the first open minute at which at
    /// most the window is left, and never while the calendar is closed.
    #[test]
    fn a_deadline_warns_from_the_first_open_minute_within_the_window(
        case in case(), t in instant(), share in 0.0f64..1.5, window in 1i64..2_000,
    ) {
        let count = ((case.open_minutes_per_week as f64) * share) as i64;
        let due = case.oracle_due(t, count);
        // Walk back from the deadline, counting open minutes, to the earliest minute from
        // which at most the window is left; the warning starts at the first open one.
        let mut earliest = due;
        let mut left = 0;
        while earliest > t {
            if case.oracle_open(earliest - 60) {
                left += 1;
            }
            if left > window {
                break;
            }
            earliest -= 60;
        }
        let mut first = earliest.max(t);
        while first < due && !case.oracle_open(first) {
            first += 60;
        }
        let mut minute = t;
        while minute < due {
            let warned = case.calendar.is_in_warning(ts(minute), ts(due), minutes(window));
            prop_assert_eq!(warned, minute >= first && case.oracle_open(minute), "at {}", minute);
            minute += 60 * 37;
        }
        if first < due {
            prop_assert!(case.calendar.is_in_warning(ts(first), ts(due), minutes(window)));
        }
        prop_assert!(!case.calendar.is_in_warning(ts(due + 60), ts(due), minutes(window)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn due_is_monotonic_in_the_instant_and_the_duration(
        case in case(), t in instant(), later in 0i64..20_000, d1 in 0i64..200_000, d2 in 0i64..200_000,
    ) {
        let calendar = &case.calendar;
        let (short, long) = (minutes(d1.min(d2)), minutes(d1.max(d2)));
        let first = calendar.due(ts(t), short).ok();
        prop_assert!(first.is_some());
        prop_assert!(first <= calendar.due(ts(t), long).ok());
        prop_assert!(first <= calendar.due(ts(t + later * 60), short).ok());
    }

    #[test]
    fn long_deadlines_add_up_from_short_steps(
        case in case(), t in instant(), d1 in 0i64..300_000, d2 in 0i64..300_000,
    ) {
        // Long durations jump whole weeks; short steps never do: both must agree.
        let calendar = &case.calendar;
        let whole = calendar.due(ts(t), minutes(d1 + d2));
        let halves = calendar.due(ts(t), minutes(d1)).and_then(|mid| calendar.due(mid, minutes(d2)));
        prop_assert_eq!(whole.clone(), halves);
        prop_assert_eq!(calendar.business_time(ts(t), whole.unwrap_or(ts(t))), minutes(d1 + d2));
    }
}
