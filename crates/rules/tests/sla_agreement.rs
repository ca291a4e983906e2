//! The SLA clock agrees with the minute-walk oracle of `sla_oracle/` on the same fixed cases
//! natively and on wasm32 (`cargo test --target wasm32-unknown-unknown -p support-rules`),
//! so the deadlines the browser shows are the ones the server records.

mod sla_oracle;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
fn the_sla_clock_agrees_with_the_oracle_on_fixed_cases_on_every_target() {
    for seed in 0..40 {
        if let Err(message) = sla_oracle::check(seed) {
            panic!("{message}");
        }
    }
}
