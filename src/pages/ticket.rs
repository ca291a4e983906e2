//! Pending.

use leptos::prelude::*;

#[component]
pub fn Ticket() -> impl IntoView {
    view! { <h1>"Ticket"</h1> }
}
