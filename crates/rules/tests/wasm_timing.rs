//! The cost of `due` in wasm, printed (never asserted: machines are noisy). Run with
//! `cargo test --target wasm32-unknown-unknown -p support-rules --release --test wasm_timing -- --nocapture`.
#![cfg(target_arch = "wasm32")]

use support_rules::{BusinessDuration, Timestamp, calendars_from_toml};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

#[wasm_bindgen_test]
fn due_costs_about_the_same_for_1_and_2000_business_hours() {
    let calendars = calendars_from_toml(
        "bench",
        r#"
        [calendars.office]
        time_zone = "Europe/Lisbon"
        hours = { mon = ["09:00-12:30", "13:30-18:00"], tue = ["09:00-12:30", "13:30-18:00"], wed = ["09:00-12:30", "13:30-18:00"], thu = ["09:00-12:30", "13:30-18:00"], fri = ["09:00-12:30", "13:30-18:00"] }
        holidays = ["01-01", "12-25", "2027-04-02"]
        "#,
    );
    let Ok(Some(office)) = calendars.map(|mut all| all.remove("office")) else {
        panic!("the calendar does not load");
    };
    let start: Timestamp = "2026-11-24T10:15:00Z"
        .parse()
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let mut per_call = Vec::new();
    for hours in [1, 2_000] {
        let duration = BusinessDuration::from_hours(hours).unwrap_or(BusinessDuration::ZERO);
        let rounds = 20_000;
        let began = js_sys::Date::now();
        let mut last = start;
        for _ in 0..rounds {
            last = office
                .due(std::hint::black_box(start), duration)
                .unwrap_or(start);
        }
        let micros = (js_sys::Date::now() - began) * 1_000.0 / f64::from(rounds);
        console_log!("wasm: due {hours} business hours: {micros:.2} µs per call (-> {last})");
        per_call.push(micros);
    }
    console_log!(
        "wasm: ratio 2000 h / 1 h = {:.1}",
        per_call[1] / per_call[0]
    );
}
