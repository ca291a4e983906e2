//! Property tests: the SLA clock against the independent minute-walk oracle of
//! `sla_oracle/`, on random policies, calendars and histories (paused spans, severity
//! changes, DST, holidays, events on a deadline's closing instant). `SLA_CASES=N` runs more.
#![cfg(not(target_arch = "wasm32"))]

mod sla_oracle;

use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("SLA_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(200)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn the_sla_clock_agrees_with_the_minute_walk_oracle(seed in any::<u64>()) {
        let outcome = sla_oracle::check(seed);
        prop_assert!(outcome.is_ok(), "{}", outcome.err().unwrap_or_default());
    }
}
