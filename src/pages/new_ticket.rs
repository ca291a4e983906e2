//! Pending.

use leptos::prelude::*;

#[component]
pub fn NewTicket() -> impl IntoView {
    view! { <h1>"NewTicket"</h1> }
}
