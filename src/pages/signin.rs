//! Pending.

use leptos::prelude::*;

#[component]
pub fn SignIn() -> impl IntoView {
    view! { <h1>"SignIn"</h1> }
}
