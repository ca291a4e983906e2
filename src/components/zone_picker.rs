//! Lets the visitor change the time zone every time is shown in (detected from the browser).

use leptos::prelude::*;

use crate::i18n::t;
use crate::prefs::use_prefs;
use crate::time;

#[component]
pub fn ZonePicker() -> impl IntoView {
    let prefs = use_prefs();
    let mut zones = time::known_zones();
    let current = prefs.zone.get_untracked();
    if !zones.contains(&current) {
        zones.insert(0, current);
    }
    view! {
        <p class="picker">
            <label for="zone">{t("Your time zone", "タイムゾーン")}</label>
            <select
                id="zone"
                on:change=move |event| prefs.set_zone(event_target_value(&event))
                prop:value=move || prefs.zone.get()
            >
                {zones
                    .into_iter()
                    .map(|zone| view! { <option value=zone.clone()>{zone.replace('_', " ")}</option> })
                    .collect_view()}
            </select>
        </p>
    }
}
