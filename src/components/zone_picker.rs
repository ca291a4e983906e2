//! Lets the visitor change the time zone every time is shown in (detected from the browser).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::i18n::t;
use crate::prefs::use_prefs;
use crate::time;

/// A list of the browser's zones, the visitor's own first. Until the visitor reaches for it
/// (it gets the focus, by keyboard, pointer or touch), it holds only that one: the 400-odd
/// options of every zone would be most of the page's elements, and a phone pays for each one
/// on every page with the picker. The other options are added once, at the first focus,
/// behind the one the view renders (which Leptos keeps; it never touches what follows).
#[component]
pub fn ZonePicker() -> impl IntoView {
    let prefs = use_prefs();
    let first = prefs.zone.get_untracked();
    let fill = {
        let first = first.clone();
        move |event: web_sys::FocusEvent| {
            let Some(select) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            if select.child_element_count() > 1 {
                return;
            }
            let document = document();
            for zone in time::known_zones()
                .into_iter()
                .filter(|zone| *zone != first)
            {
                if let Ok(option) = document.create_element("option") {
                    let _ = option.set_attribute("value", &zone);
                    option.set_text_content(Some(&zone.replace('_', " ")));
                    let _ = select.append_child(&option);
                }
            }
        }
    };
    view! {
        <p class="picker">
            <label for="zone">{t("Your time zone", "タイムゾーン")}</label>
            <select
                id="zone"
                on:focus=fill
                on:change=move |event| prefs.set_zone(event_target_value(&event))
                prop:value=move || prefs.zone.get()
            >
                <option value=first.clone()>{first.replace('_', " ")}</option>
            </select>
        </p>
    }
}
