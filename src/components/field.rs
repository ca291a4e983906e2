//! A labelled form field with its error message next to it, tied together for screen
//! readers (`aria-describedby`, `aria-invalid`).

use leptos::prelude::*;

use crate::i18n::t;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Line,
    Text,
}

#[component]
pub fn Field(
    /// The form field's name, as the server names it; also the element id.
    id: &'static str,
    en: &'static str,
    ja: &'static str,
    kind: Kind,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || error.get().is_some().then_some("true");
    let control = match kind {
        Kind::Line => view! {
            <input
                id=id
                name=id
                type="text"
                required=required
                aria-invalid=invalid
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            />
        }
        .into_any(),
        Kind::Text => view! {
            <textarea
                id=id
                name=id
                rows="4"
                required=required
                aria-invalid=invalid
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            ></textarea>
        }
        .into_any(),
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id>
                {t(en, ja)}
                {required.then(|| view! { <span class="required">" *"</span> })}
            </label>
            {hint.map(|(en, ja)| view! { <p id=hint_id.clone() class="hint">{t(en, ja)}</p> })}
            {control}
            {move || error.get().map(|message| view! { <p id=error_id.clone() class="field-error">{message}</p> })}
        </div>
    }
}

/// Moves the keyboard focus to the element with this id (the first field in error).
pub fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}
