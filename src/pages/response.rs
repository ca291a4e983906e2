//! Pending.

use leptos::prelude::*;

#[component]
pub fn Response() -> impl IntoView {
    view! { <h1>"Response"</h1> }
}
