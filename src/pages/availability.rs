//! `/availability`: whether support is staffed right now, per level, channel and severity,
//! and the next 7 days as a timeline.

use leptos::prelude::*;

use crate::clock::use_clock;
use crate::components::unfinished::Unfinished;
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
        <Unfinished
            en="Whether support is staffed now, per level, channel and severity, and the 7-day timeline need the shared support rules, which this version does not include yet."
            ja="レベル・窓口・重要度ごとの現在の対応状況と7日間のタイムラインには共通のサポートルールが必要ですが、このバージョンにはまだ含まれていません。"
        />
    }
}
