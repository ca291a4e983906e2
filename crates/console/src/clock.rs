//! The console's one clock: a signal holding "now", moved on by one interval timer, so every
//! countdown and mark derives from it. A test (or an engineer rehearsing a shift) fixes where
//! it starts with the localStorage key [`INJECTED`]: an RFC 3339 instant, from which the clock
//! then runs; the queue's marks are then asked for as of that instant too (`?at=`).

use std::time::Duration;

use leptos::prelude::*;
use support_rules::Timestamp;
use wasm_bindgen::JsValue;

/// The localStorage key of the injected instant.
pub const INJECTED: &str = "support.console.now";

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    now: ReadSignal<f64>,
    injected: bool,
}

impl Clock {
    /// Milliseconds since the epoch, tracked.
    pub fn now_ms(self) -> f64 {
        self.now.get()
    }

    /// "Now" as the rules crate counts it, tracked.
    pub fn now(self) -> Timestamp {
        instant(self.now.get())
    }

    /// The `at` to ask the server's marks as of: `None` (the server's now) unless injected.
    /// Untracked, so that a request is not sent again each second.
    pub fn at(self) -> Option<String> {
        self.injected.then(|| iso(self.now.get_untracked()))
    }
}

pub fn instant(ms: f64) -> Timestamp {
    Timestamp::from_millisecond(ms as i64).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// An instant as RFC 3339 in UTC (`2026-12-24T20:00:00.000Z`), by the browser.
pub fn iso(ms: f64) -> String {
    js_sys::Date::new(&JsValue::from_f64(ms))
        .to_iso_string()
        .into()
}

pub fn provide_clock() {
    let injected = support_spa::storage::get(INJECTED)
        .map(|text| js_sys::Date::parse(&text))
        .filter(|ms| ms.is_finite());
    let offset = injected.map_or(0.0, |ms| ms - js_sys::Date::now());
    let (now, set_now) = signal(js_sys::Date::now() + offset);
    set_interval(
        move || set_now.set(js_sys::Date::now() + offset),
        Duration::from_secs(1),
    );
    provide_context(Clock {
        now,
        injected: injected.is_some(),
    });
}

pub fn use_clock() -> Clock {
    expect_context()
}
