//! The ticket app: My tickets (`/tickets`) and one ticket's page (`/tickets/{id}`), its
//! conversation and its actions, in the same frame as the front app's pages. The front app's
//! pages are not in this wasm: a link to them loads the front app (see `router::Bundle`).

use leptos::prelude::*;
use support_spa::app::Frame;
use support_spa::pages;
use support_spa::router::{Bundle, Route};

fn main() {
    leptos::mount::mount_to_body(|| view! { <Frame bundle=Bundle::Ticket page=page/> });
}

fn page(route: Option<Route>) -> AnyView {
    match route {
        Some(Route::Tickets { .. }) => view! { <pages::tickets::Tickets/> }.into_any(),
        Some(Route::Ticket { id }) => view! { <pages::ticket::Ticket id=id/> }.into_any(),
        _ => view! { <pages::not_found::NotFound/> }.into_any(),
    }
}
