//! Keyboard shortcuts: a page says what a key does while it is shown. Keys typed into a
//! field, or with Ctrl, Alt or Meta, are the field's and the browser's.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Calls `act` with each shortcut key (`"j"`, `"Enter"`, …) while the calling page is shown;
/// `act` answers whether it used the key (the browser then does nothing else with it).
pub fn shortcuts(act: impl Fn(&str) -> bool + 'static) {
    let handle = window_event_listener(ev::keydown, move |event| {
        if event.ctrl_key() || event.alt_key() || event.meta_key() || event.default_prevented() {
            return;
        }
        let in_field = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|element| {
                matches!(
                    element.tag_name().as_str(),
                    "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON"
                ) || element
                    .closest("[contenteditable]")
                    .ok()
                    .flatten()
                    .is_some()
            });
        if in_field {
            return;
        }
        if act(&event.key()) {
            event.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());
}

/// Moves the keyboard focus to the element with this id, if it is there.
pub fn focus(id: &str) {
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}
