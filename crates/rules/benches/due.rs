//! The cost of `due` for a short and a long deadline. The ratio shows that it does not grow
//! with the number of weeks spanned: `cargo bench -p support-rules --bench due`.

//!
//! Criterion does not build for wasm32; the wasm figure comes from
//! `tests/wasm_timing.rs` (see the crate README).

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{Criterion, criterion_group};
    use std::hint::black_box;
    use support_rules::{BusinessDuration, Calendar, Timestamp, calendars_from_toml};

    fn office() -> Calendar {
        let calendars = calendars_from_toml(
            "bench",
            r#"
            [calendars.office]
            time_zone = "Europe/Lisbon"
            hours = { mon = ["09:00-12:30", "13:30-18:00"], tue = ["09:00-12:30", "13:30-18:00"], wed = ["09:00-12:30", "13:30-18:00"], thu = ["09:00-12:30", "13:30-18:00"], fri = ["09:00-12:30", "13:30-18:00"] }
            holidays = ["01-01", "12-25", "2027-04-02"]
            "#,
        );
        match calendars.map(|mut all| all.remove("office")) {
            Ok(Some(calendar)) => calendar,
            other => panic!("the bench calendar does not load: {other:?}"),
        }
    }

    fn due(c: &mut Criterion) {
        let office = office();
        let start: Timestamp = "2026-11-24T10:15:00Z".parse().expect("a valid instant");
        for hours in [1, 2_000] {
            let duration = BusinessDuration::from_hours(hours).expect("a short duration");
            c.bench_function(&format!("due {hours} business hours"), |b| {
                b.iter(|| office.due(black_box(start), black_box(duration)))
            });
        }
    }

    criterion_group!(benches, due);
    pub(crate) fn main() {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
