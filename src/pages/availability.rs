//! `/availability`: whether support is staffed right now, per level, channel and severity,
//! and the next 7 days as a timeline.

use leptos::prelude::*;

use crate::clock::use_clock;
use crate::components::zone_picker::ZonePicker;
use crate::i18n::{t, use_i18n};
use crate::prefs::use_prefs;
use crate::time;

#[component]
pub fn Availability() -> impl IntoView {
    let i = use_i18n();
    let clock = use_clock();
    let prefs = use_prefs();
    view! {
        <h1>{t("Availability now", "現在の対応状況")}</h1>
        <ZonePicker/>
        <p id="now">
            {t("Now: ", "現在: ")}
            <time>{move || time::date_time(clock.now_ms(), &prefs.zone.get(), i.lang())}</time>
        </p>
    }
}
