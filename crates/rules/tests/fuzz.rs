//! Fuzzing at scale with proptest: the policy parser and the calendar arithmetic must never
//! panic and never hang, whatever they are given.
//!
//! - Policy files: random text, the shipped policy mutated byte by byte and token by token,
//!   and generated `[calendars.*]` tables with valid and broken zones, hours and holidays,
//!   through `Policy::from_toml`, `calendars_from_toml` and `Policy::from_json`.
//! - SLA clocks: random histories (in or out of order, valid or not) on the mutated shipped
//!   policy, asked about at any instant.
//! - Calendars: random weekly calendars in zones with unusual rules (30-minute DST, negative
//!   DST, skipped days, +14:00), at instants over the whole supported range (years -9999 to
//!   9999, and its very edges) with durations up to the longest there is (100 years).
//!
//! Each property runs 256 cases by default (a few seconds in `cargo test`); more with
//! `FUZZ_CASES`, for example:
//!
//! ```sh
//! FUZZ_CASES=100000 cargo test --release -p support-rules --test fuzz
//! ```
//!
//! "Never hangs" is checked by running every call on a worker thread with a deadline
//! (`FUZZ_CALL_LIMIT_MS`, default 20 s so that a slow debug build on a busy machine does not
//! fail spuriously): a call past it fails the test with its inputs.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use support_rules::{
    BusinessDuration, Calendar, CivilDate, DEFAULT_POLICY_TOML, Holiday, OpeningHours,
    OpeningInterval, Policy, QuoteRequest, ServiceId, Severity, SlaEvent, SlaEventKind, SlaTicket,
    SupportLevel, TicketKind, Timestamp, Weekday, calendars_from_toml, find_time_zone,
};

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(256)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        // A failure is reported with its shrunk inputs; no regression file is written for
        // inputs that are re-generated from the seed anyway.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn call_limit() -> Duration {
    Duration::from_millis(
        std::env::var("FUZZ_CALL_LIMIT_MS")
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(20_000),
    )
}

/// Runs `work` on its own thread and waits at most the call limit: a panic or a hang is a
/// test failure naming `what`.
fn bounded<T: Send + 'static>(
    what: impl Fn() -> String,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, TestCaseError> {
    let (sender, receiver) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let _ = sender.send(work());
    });
    match receiver.recv_timeout(call_limit()) {
        Ok(value) => {
            let _ = worker.join();
            Ok(value)
        }
        // The worker is left running: the test fails and the process ends with it.
        Err(mpsc::RecvTimeoutError::Timeout) => Err(TestCaseError::fail(format!(
            "no answer within {:?} (a hang?): {}",
            call_limit(),
            what()
        ))),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let message = match worker.join() {
                Err(payload) => payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default(),
                Ok(()) => String::new(),
            };
            Err(TestCaseError::fail(format!(
                "panicked ({message}): {}",
                what()
            )))
        }
    }
}

// ------------------------------------------------------------------ policy text

/// Pieces of TOML and of the policy's vocabulary that a mutation splices in.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "=",
    ",",
    ".",
    "\n",
    "#",
    "\\",
    "\\u0000",
    "\u{0}",
    "\u{7f}",
    "\u{feff}",
    "\u{202e}",
    "é",
    "🦀",
    "0",
    "-1",
    "1e309",
    "nan",
    "inf",
    "true",
    "9223372036854775808",
    "00:00",
    "24:00",
    "24:01",
    "99:99",
    "-",
    "00:00-24:00",
    "09:00-09:00",
    "18:00-09:00",
    "02-29",
    "02-30",
    "00-00",
    "9999-12-31",
    "-9999-01-01",
    "0000-02-29",
    "0h",
    "1s",
    "36500d",
    "36501d",
    "99999999999999999999d",
    "1h1h",
    "h",
    "business",
    "always",
    "nowhere",
    "Mars/Olympus",
    "UTC",
    "Pacific/Kiritimati",
    "../../etc/passwd",
    "[calendars.x]\n",
    "[levels.4]\n",
    "[levels.0]\n",
    "always_open = true\n",
    "time_zone = \"Europe/Lisbon\"\n",
    "hours = { mon = [\"09:00-18:00\"] }\n",
    "holidays = [\"12-25\"]\n",
    "target = \"1h\"",
    "tsm_target = \"100d\"",
    "counts_on = \"missing\"",
    "staffed_by = {}",
    "[services.\"\"]\n",
    "[[phone_numbers]]\n",
];

#[derive(Clone, Debug)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, token: usize },
    Replace { at: usize, len: usize, token: usize },
    FlipByte { at: usize, byte: u8 },
    DuplicateLine { line: usize },
    DropLine { line: usize },
    SwapLines { a: usize, b: usize },
    Truncate { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    let token = 0..TOKENS.len();
    prop_oneof![
        (at, 1usize..64).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (at, token.clone()).prop_map(|(at, token)| Mutation::Insert { at, token }),
        (at, 1usize..16, token).prop_map(|(at, len, token)| Mutation::Replace { at, len, token }),
        (at, any::<u8>()).prop_map(|(at, byte)| Mutation::FlipByte { at, byte }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        any::<usize>().prop_map(|line| Mutation::DropLine { line }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        at.prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn apply(text: &str, mutations: &[Mutation]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for mutation in mutations {
        let len = bytes.len().max(1);
        match *mutation {
            Mutation::Delete { at, len: n } => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            Mutation::Insert { at, token } => {
                let at = (at % len).min(bytes.len());
                bytes.splice(at..at, TOKENS[token].bytes());
            }
            Mutation::Replace { at, len: n, token } => {
                let at = (at % len).min(bytes.len());
                let end = (at + n).min(bytes.len());
                bytes.splice(at..end, TOKENS[token].bytes());
            }
            Mutation::FlipByte { at, byte } => {
                if !bytes.is_empty() {
                    let at = at % bytes.len();
                    bytes[at] = byte;
                }
            }
            Mutation::DuplicateLine { line }
            | Mutation::DropLine { line }
            | Mutation::SwapLines { a: line, .. } => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let mut lines: Vec<&str> = text.split('\n').collect();
                let count = lines.len();
                let i = line % count;
                match *mutation {
                    Mutation::DuplicateLine { .. } => lines.insert(i, lines[i]),
                    Mutation::DropLine { .. } => {
                        lines.remove(i);
                    }
                    Mutation::SwapLines { b, .. } => lines.swap(i, b % count),
                    _ => {}
                }
                bytes = lines.join("\n").into_bytes();
            }
            Mutation::Truncate { at } => bytes.truncate(at % len),
        }
    }
    // The parsers take `&str`: invalid UTF-8 cannot reach them, its replacement can.
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Zones with unusual rules, names that are not zones, and names that try to be paths.
const ZONE_NAMES: &[&str] = &[
    "Europe/Lisbon",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "Pacific/Apia",
    "Africa/Casablanca",
    "Antarctica/Troll",
    "Europe/Dublin",
    "America/St_Johns",
    "America/Santiago",
    "Asia/Tehran",
    "Etc/GMT+12",
    "Etc/GMT-14",
    "UTC",
    "",
    "Mars/Olympus",
    "utc",
    "../../../../etc/localtime",
    "Europe/Lisbon\u{0}",
];

fn clock() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (0u16..=24, prop::sample::select(&[0u16, 15, 30, 45][..]))
            .prop_map(|(h, m)| format!("{h:02}:{m:02}")),
        1 => (0u16..100, 0u16..100).prop_map(|(h, m)| format!("{h:02}:{m:02}")),
        1 => "[0-9:]{0,6}",
    ]
}

fn interval_text() -> impl Strategy<Value = String> {
    prop_oneof![
        9 => (clock(), clock()).prop_map(|(a, b)| format!("{a}-{b}")),
        1 => ".{0,12}",
    ]
}

fn holiday_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (1u8..=13, 0u8..=32).prop_map(|(m, d)| format!("{m:02}-{d:02}")),
        4 => (-10_000i32..=10_000, 1u8..=12, 1u8..=31)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        1 => "[0-9-]{0,12}",
    ]
}

fn toml_string(text: &str) -> String {
    // A TOML basic string, escaped the way serde_json escapes (a subset TOML accepts).
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

/// `[calendars.*]` tables, some valid and some not.
fn calendars_text() -> impl Strategy<Value = String> {
    let calendar = (
        any::<bool>(),
        prop::option::of(prop::sample::select(ZONE_NAMES)),
        prop::collection::vec(
            (
                prop::sample::select(&["mon", "tue", "wed", "thu", "fri", "sat", "sun", "xyz"][..]),
                prop::collection::vec(interval_text(), 0..4),
            ),
            0..8,
        ),
        prop::collection::vec(holiday_text(), 0..5),
    );
    prop::collection::vec(("[a-z-]{1,8}", calendar), 0..4).prop_map(|calendars| {
        let mut text = String::new();
        for (name, (always, zone, hours, holidays)) in calendars {
            text.push_str(&format!("[calendars.{}]\n", toml_string(&name)));
            if always {
                text.push_str("always_open = true\n");
            }
            if let Some(zone) = zone {
                text.push_str(&format!("time_zone = {}\n", toml_string(zone)));
            }
            if !hours.is_empty() {
                let days: Vec<String> = hours
                    .iter()
                    .map(|(day, intervals)| {
                        let list: Vec<String> = intervals.iter().map(|i| toml_string(i)).collect();
                        format!("{day} = [{}]", list.join(", "))
                    })
                    .collect();
                text.push_str(&format!("[calendars.{}.hours]\n", toml_string(&name)));
                text.push_str(&days.join("\n"));
                text.push('\n');
                text.push_str(&format!("[calendars.{}]\n", toml_string(&name)));
            }
            let list: Vec<String> = holidays.iter().map(|h| toml_string(h)).collect();
            text.push_str(&format!("holidays = [{}]\n\n", list.join(", ")));
        }
        text
    })
}

// ------------------------------------------------------------------ calendars and instants

fn interval_list() -> impl Strategy<Value = Vec<OpeningInterval>> {
    // Sorted, non-overlapping intervals on a 1-minute grid, from none to four per day.
    prop::collection::vec(0u16..=1440, 0..=8).prop_map(|mut marks| {
        marks.sort_unstable();
        marks.dedup();
        marks
            .chunks_exact(2)
            .filter_map(|pair| {
                format!(
                    "{:02}:{:02}-{:02}:{:02}",
                    pair[0] / 60,
                    pair[0] % 60,
                    pair[1] / 60,
                    pair[1] % 60
                )
                .parse()
                .ok()
            })
            .collect()
    })
}

fn holiday() -> impl Strategy<Value = Holiday> {
    prop_oneof![
        (1u8..=12, 1u8..=31).prop_filter_map("a day of some year", |(month, day)| {
            CivilDate::new(2000, month, day).map(|_| Holiday::EveryYear { month, day })
        }),
        (-9999i32..=9999, 1u8..=12, 1u8..=31)
            .prop_filter_map("a real date", |(y, m, d)| CivilDate::new(y, m, d)
                .map(Holiday::Once)),
    ]
}

fn calendar() -> impl Strategy<Value = Calendar> {
    prop_oneof![
        1 => Just(Calendar::always_open()),
        12 => (
            prop::sample::select(&ZONE_NAMES[..16]),
            prop::array::uniform7(interval_list()),
            prop::collection::vec(holiday(), 0..6),
        )
            .prop_filter_map("a calendar with some opening", |(zone, days, holidays)| {
                let zone = find_time_zone(zone).ok()?;
                let mut hours = OpeningHours::default();
                for (day, intervals) in Weekday::ALL.into_iter().zip(days) {
                    hours.set(day, intervals).ok()?;
                }
                Calendar::weekly(zone, hours, &holidays).ok()
            }),
    ]
}

fn min_second() -> i64 {
    Timestamp::MIN.as_second()
}

fn max_second() -> i64 {
    Timestamp::MAX.as_second()
}

/// Instants over the whole range jiff supports, with extra weight at its edges and now.
fn instant() -> impl Strategy<Value = Timestamp> {
    let edge = 400 * 86_400 * 7;
    prop_oneof![
        3 => min_second()..=max_second(),
        2 => min_second()..=min_second() + edge,
        2 => max_second() - edge..=max_second(),
        2 => 1_700_000_000i64..=1_900_000_000,
    ]
    .prop_flat_map(|second| (Just(second), 0i32..1_000_000_000))
    .prop_map(|(second, nanos)| {
        Timestamp::new(second, nanos)
            .or_else(|_| Timestamp::from_second(second))
            .unwrap_or(Timestamp::UNIX_EPOCH)
    })
}

fn duration() -> impl Strategy<Value = BusinessDuration> {
    prop_oneof![
        2 => 0i64..=BusinessDuration::MAX.as_seconds(),
        2 => 0i64..=86_400 * 30,
        1 => BusinessDuration::MAX.as_seconds() - 86_400 * 400..=BusinessDuration::MAX.as_seconds(),
    ]
    .prop_map(|seconds| BusinessDuration::from_seconds(seconds).unwrap_or(BusinessDuration::MAX))
}

fn kind() -> impl Strategy<Value = TicketKind> {
    prop_oneof![
        prop::sample::select(
            &[
                Severity::Urgent,
                Severity::High,
                Severity::Normal,
                Severity::Low
            ][..]
        )
        .prop_map(|severity| TicketKind::Incident { severity }),
        Just(TicketKind::Question),
        prop::sample::select(&["custom-domain", "vpn-setup", "nope"][..]).prop_filter_map(
            "a service id",
            |id| id
                .parse::<ServiceId>()
                .ok()
                .map(|service| TicketKind::Request { service })
        ),
    ]
}

fn sla_event() -> impl Strategy<Value = SlaEvent> {
    let severity = prop::sample::select(
        &[
            Severity::Urgent,
            Severity::High,
            Severity::Normal,
            Severity::Low,
        ][..],
    );
    let kind = prop_oneof![
        Just(SlaEventKind::Opened),
        Just(SlaEventKind::EngineerMessage),
        Just(SlaEventKind::EngineerRequestInformation),
        Just(SlaEventKind::CustomerMessage),
        severity.prop_map(|severity| SlaEventKind::SeverityChanged { severity }),
        Just(SlaEventKind::Solved),
        Just(SlaEventKind::Reopened),
    ];
    (instant(), kind).prop_map(|(at, kind)| SlaEvent { at, kind })
}

/// A history that opens first and then mostly goes forward, sometimes back.
fn sla_history() -> impl Strategy<Value = Vec<SlaEvent>> {
    (
        instant(),
        prop::collection::vec((sla_event(), -3_600i64..=30 * 86_400, 0u8..10), 0..12),
    )
        .prop_map(|(opened, steps)| {
            let mut at = opened;
            let mut history = vec![SlaEvent {
                at,
                kind: SlaEventKind::Opened,
            }];
            for (event, step, anywhere) in steps {
                at = if anywhere == 0 {
                    event.at
                } else {
                    at.checked_add(jiff::SignedDuration::from_secs(step))
                        .unwrap_or(at)
                };
                history.push(SlaEvent { at, ..event });
            }
            history
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sla_clocks_never_panic_or_hang_whatever_the_history(
        mutations in prop::collection::vec(mutation(), 0..3),
        history in sla_history(),
        level in 1u8..=3,
        tsm in any::<bool>(),
        kind in kind(),
        asked in prop::collection::vec(instant(), 1..4),
    ) {
        let text = apply(DEFAULT_POLICY_TOML, &mutations);
        let shown = format!("mutations {mutations:?}\nhistory {history:?}\nat {asked:?}");
        bounded(move || shown.clone(), move || {
            let (Ok(policy), Ok(level)) =
                (Policy::from_toml("fuzz.toml", &text), SupportLevel::try_from(level))
            else {
                return;
            };
            let ticket = SlaTicket { level, tsm, kind };
            if let Ok(clock) = policy.sla_clock(&ticket, &history) {
                for at in asked.into_iter().chain(history.iter().map(|event| event.at)) {
                    let _ = clock.status(at);
                    let _ = clock.records(at);
                }
            }
        })?;
    }

    #[test]
    fn random_text_never_panics_any_parser(text in "(?s).{0,400}") {
        let shown = text.clone();
        bounded(move || format!("text {shown:?}"), move || {
            let _ = Policy::from_toml("fuzz.toml", &text);
            let _ = calendars_from_toml("fuzz.toml", &text);
            let _ = Policy::from_json(&text);
            let _ = text.parse::<BusinessDuration>();
            let _ = text.parse::<OpeningInterval>();
            let _ = text.parse::<Holiday>();
            let _ = find_time_zone(&text);
        })?;
    }

    #[test]
    fn the_shipped_policy_mutated_never_panics_and_what_loads_quotes(
        mutations in prop::collection::vec(mutation(), 1..6),
        at in instant(),
        level in 1u8..=3,
        tsm in any::<bool>(),
        kind in kind(),
    ) {
        let text = apply(DEFAULT_POLICY_TOML, &mutations);
        let shown = mutations.clone();
        bounded(move || format!("mutations {shown:?} at {at}"), move || {
            let _ = calendars_from_toml("fuzz.toml", &text);
            if let Ok(policy) = Policy::from_toml("fuzz.toml", &text) {
                if let Ok(level) = SupportLevel::try_from(level) {
                    let _ = policy.quote(&QuoteRequest { level, tsm, kind, at });
                }
                // What the server sends the SPA must load again.
                Policy::from_json(&policy.to_json()).map(|_| ()).map_err(|e| e.to_string())
            } else {
                Ok(())
            }
        })?
        .map_err(|error| TestCaseError::fail(format!("the JSON form did not load back: {error}")))?;
    }

    #[test]
    fn the_policys_json_form_mutated_never_panics(
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let text = apply(&Policy::embedded_default().to_json(), &mutations);
        let shown = mutations.clone();
        bounded(move || format!("mutations {shown:?}"), move || {
            let _ = Policy::from_json(&text);
        })?;
    }

    #[test]
    fn generated_calendar_tables_never_panic_and_what_loads_computes(
        text in calendars_text(),
        at in instant(),
        other in instant(),
        d in duration(),
    ) {
        let shown = text.clone();
        bounded(move || format!("calendars {shown}\nat {at}, {other}, {d}"), move || {
            if let Ok(calendars) = calendars_from_toml("fuzz.toml", &text) {
                for calendar in calendars.values() {
                    exercise(calendar, at, other, d);
                }
            }
        })?;
    }

    #[test]
    fn calendar_arithmetic_never_panics_or_hangs_over_the_whole_range(
        calendar in calendar(),
        at in instant(),
        other in instant(),
        d in duration(),
    ) {
        let shown = calendar.clone();
        let facts = bounded(
            move || format!("{shown:?}\nat {at}, other {other}, duration {d}"),
            move || exercise(&calendar, at, other, d),
        )?;
        // What can be checked without an oracle: a deadline is never before its start, and
        // the business time up to it is the duration asked for.
        if let Some((due, spent)) = facts {
            prop_assert!(due >= at.checked_sub(jiff::SignedDuration::from_secs(1)).unwrap_or(at));
            prop_assert_eq!(spent, d);
        }
    }

    #[test]
    fn quotes_of_the_shipped_policy_never_panic_at_any_instant(
        at in instant(),
        level in 1u8..=3,
        tsm in any::<bool>(),
        kind in kind(),
    ) {
        let policy = Policy::embedded_default();
        bounded(move || format!("quote at {at}"), move || {
            if let Ok(level) = SupportLevel::try_from(level) {
                let _ = policy.quote(&QuoteRequest { level, tsm, kind, at });
            }
        })?;
    }
}

/// Every calendar question at `at`; `Some((due, business time up to it))` when `due` of `d`
/// has an answer.
fn exercise(
    calendar: &Calendar,
    at: Timestamp,
    other: Timestamp,
    d: BusinessDuration,
) -> Option<(Timestamp, BusinessDuration)> {
    let _ = calendar.is_open(at);
    let _ = calendar.next_open(at);
    let _ = calendar.next_close(at);
    let _ = calendar.status(at);
    let _ = calendar.business_time(at, other);
    let _ = calendar.business_time(other, at);
    // A timeline is as long as it is asked to be: ask for at most a few weeks of it.
    let weeks = jiff::SignedDuration::from_hours(24 * 7 * 3);
    if let Ok(until) = at.checked_add(weeks) {
        let windows = calendar.open_windows(at, until);
        assert!(windows.windows(2).all(|pair| pair[0].end <= pair[1].start));
    }
    let due = calendar.due(at, d).ok()?;
    Some((due, calendar.business_time(at, due)))
}
