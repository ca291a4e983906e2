//! Pending.

use leptos::prelude::*;

#[component]
pub fn Tickets() -> impl IntoView {
    view! { <h1>"Tickets"</h1> }
}
