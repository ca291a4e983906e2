//! The same answers on every target: a table of 400 cases computed natively is checked here
//! natively and on wasm32 (`cargo test --target wasm32-unknown-unknown -p support-rules`), so
//! the browser and the server cannot disagree. `BLESS=1 cargo test --test agreement`
//! rewrites the table after an intended change of the rules.

use support_rules::{BusinessDuration, Calendar, Timestamp, calendars_from_toml};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const CALENDARS: &str = r#"
[calendars.business]
time_zone = "Europe/Lisbon"
hours = { mon = ["00:00-24:00"], tue = ["00:00-24:00"], wed = ["00:00-24:00"], thu = ["00:00-24:00"], fri = ["00:00-24:00"] }
holidays = ["01-01", "12-25"]
[calendars.office]
time_zone = "Europe/Lisbon"
hours = { mon = ["09:00-12:30", "13:30-18:00"], tue = ["09:00-12:30", "13:30-18:00"], wed = ["09:00-18:00"], thu = ["09:00-18:00"], fri = ["09:00-17:00"] }
holidays = ["01-01", "12-25", "2026-04-03"]
[calendars.new-york-sundays]
time_zone = "America/New_York"
hours = { sun = ["00:00-24:00"], wed = ["01:30-02:30"] }
[calendars.lord-howe]
time_zone = "Australia/Lord_Howe"
hours = { sun = ["01:00-03:00"], sat = ["22:00-24:00"] }
holidays = ["10-04"]
[calendars.night-shift]
time_zone = "Asia/Kathmandu"
hours = { thu = ["22:00-24:00"], fri = ["00:00-06:00"] }
holidays = ["12-25"]
[calendars.always]
always_open = true
"#;

const TABLE: &str = include_str!("data/agreement.txt");

fn show(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "-".to_owned(), |t| t.to_string())
}

fn line(name: &str, calendar: &Calendar, t: Timestamp, d: BusinessDuration) -> String {
    let due = calendar
        .due(t, d)
        .map_or_else(|e| format!("error:{e}"), |t| t.to_string());
    format!(
        "{name} {t} {d} | {} {} {} {} {}",
        calendar.is_open(t),
        show(calendar.next_open(t)),
        show(calendar.next_close(t)),
        due,
        calendar.business_time(t, calendar.due(t, d).unwrap_or(t)),
    )
}

fn cases() -> Vec<String> {
    let calendars = match calendars_from_toml("agreement", CALENDARS) {
        Ok(calendars) => calendars,
        Err(error) => panic!("{error}"),
    };
    // A fixed linear congruential sequence: the same cases everywhere, no randomness crate.
    let mut state: u64 = 0x5eed_2026;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    let names: Vec<&String> = calendars.keys().collect();
    (0..400)
        .map(|_| {
            let name = names[(next() % names.len() as u64) as usize];
            let second = 1_735_689_600 + (next() % 94_608_000) as i64;
            let t = Timestamp::from_second(second).unwrap_or(Timestamp::UNIX_EPOCH);
            let d = BusinessDuration::from_seconds(
                (next() % 10_800_000) as i64 / [1, 60, 3_600][(next() % 3) as usize],
            )
            .unwrap_or(BusinessDuration::ZERO);
            line(name, &calendars[name], t, d)
        })
        .collect()
}

#[test]
fn every_target_gives_the_answers_of_the_table() {
    let computed = cases();
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("BLESS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/agreement.txt");
        if let Err(error) = std::fs::write(path, computed.join("\n") + "\n") {
            panic!("cannot write {path}: {error}");
        }
        return;
    }
    let expected: Vec<&str> = TABLE.lines().collect();
    assert_eq!(
        expected.len(),
        computed.len(),
        "the table has another number of cases: run with BLESS=1"
    );
    for (expected, computed) in expected.iter().zip(&computed) {
        assert_eq!(expected, computed);
    }
}
