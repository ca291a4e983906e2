//! Pending.

use leptos::prelude::*;

#[component]
pub fn Contacts() -> impl IntoView {
    view! { <h1>"Contacts"</h1> }
}
