//! A deadline: the time in the visitor's zone and a live countdown to it.

use leptos::prelude::*;
use support_rules::Timestamp;

use crate::clock::use_clock;
use crate::i18n::{t, use_i18n};
use crate::policy::ms;
use crate::prefs::use_prefs;
use crate::time;

/// `at` is the deadline in milliseconds since the epoch.
#[component]
pub fn Due(at: f64) -> impl IntoView {
    let i = use_i18n();
    let clock = use_clock();
    let prefs = use_prefs();
    let left = move || at - clock.now_ms();
    view! {
        <span class="due">
            <time>{move || time::date_time(at, &prefs.zone.get(), i.lang())}</time>
            " "
            <span class="countdown" class:overdue=move || left() < 0.0>
                {move || {
                    let left = left();
                    if left >= 0.0 {
                        format!("({}{})", i.t("in ", "あと"), time::duration(left, i.lang()))
                    } else {
                        format!("({}{})", i.t("overdue by ", "超過 "), time::duration(-left, i.lang()))
                    }
                }}
            </span>
        </span>
    }
}

/// A ticket's deadline, or why it has none yet: a ticket waiting for approval has no
/// running clock.
#[component]
pub fn DueOrPending(at: Option<Timestamp>) -> impl IntoView {
    match at {
        Some(at) => view! { <Due at=ms(at)/> }.into_any(),
        None => view! {
            <span class="due muted">{t("when a technical contact approves it", "テクニカルコンタクトの承認後に決まります")}</span>
        }
        .into_any(),
    }
}
