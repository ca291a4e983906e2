//! The one clock of the app: a signal holding "now", moved on by one interval timer, so
//! every live figure (open or closed, countdowns, the timeline's line) derives from it.
//! It reads the browser's `Date.now()`, which is what a test's fake clock controls.

use std::time::Duration;

use leptos::prelude::*;

/// Milliseconds since the Unix epoch, as the browser counts them.
#[derive(Debug, Clone, Copy)]
pub struct Clock(ReadSignal<f64>);

impl Clock {
    pub fn now_ms(self) -> f64 {
        self.0.get()
    }
}

pub fn provide_clock() {
    let (now, set_now) = signal(js_sys::Date::now());
    set_interval(
        move || set_now.set(js_sys::Date::now()),
        Duration::from_secs(1),
    );
    provide_context(Clock(now));
}

pub fn use_clock() -> Clock {
    expect_context()
}
