//! A labelled form field with its hint and its error message next to it, tied together for
//! screen readers (`aria-describedby`, `aria-invalid`).

use leptos::prelude::*;
use support_rules::LocalText;

use crate::i18n::policy_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Line,
    Text,
}

impl Kind {
    /// The longest text that still reads as one line.
    const LONGEST_LINE: u32 = 500;

    /// How a field of the policy is drawn: the policy says how long a field may be, not how
    /// it looks, so a field that may hold more than a line's worth is a text area.
    pub fn for_length(max_chars: u32) -> Self {
        if max_chars > Self::LONGEST_LINE {
            Kind::Text
        } else {
            Kind::Line
        }
    }
}

#[component]
pub fn Field(
    /// The form field's name, as the server names it; also the element id.
    #[prop(into)]
    id: String,
    /// The label in English and in Japanese.
    #[prop(into)]
    en: String,
    #[prop(into)] ja: String,
    kind: Kind,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    /// A line under the label; none when absent or empty.
    #[prop(optional_no_strip)]
    hint: Option<LocalText>,
    /// The most characters the field takes (`maxlength`; the browser counts UTF-16 units, so
    /// it never lets through more characters than the server accepts).
    #[prop(optional_no_strip)]
    max_chars: Option<u32>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let hint = hint.filter(|hint| !hint.en.is_empty() || !hint.ja.is_empty());
    let has_hint = hint.is_some();
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || error.get().is_some().then_some("true");
    let maxlength = max_chars.map(|max| max.to_string());
    let control = match kind {
        Kind::Line => view! {
            <input
                id=id.clone()
                name=id.clone()
                type="text"
                required=required
                maxlength=maxlength
                aria-invalid=invalid
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            />
        }
        .into_any(),
        Kind::Text => view! {
            <textarea
                id=id.clone()
                name=id.clone()
                rows="4"
                required=required
                maxlength=maxlength
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
                {policy_text(LocalText { en, ja })}
                {required.then(|| view! { <span class="required">" *"</span> })}
            </label>
            {hint.map(|hint| view! { <p id=hint_id.clone() class="hint">{policy_text(hint)}</p> })}
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

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn a_field_that_may_hold_more_than_a_line_is_a_text_area() {
        assert_eq!(Kind::for_length(200), Kind::Line);
        assert_eq!(Kind::for_length(500), Kind::Line);
        assert_eq!(Kind::for_length(501), Kind::Text);
        assert_eq!(Kind::for_length(20_000), Kind::Text);
    }
}
