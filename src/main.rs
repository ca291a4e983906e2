//! The front app: every page of the support front door but the tickets' (My tickets and
//! `/tickets/{id}` are the ticket app, `src/bin/support-ticket.rs`).

use leptos::prelude::*;
use support_spa::app::Frame;
use support_spa::pages;
use support_spa::router::{Bundle, Route};

fn main() {
    // No panic hook (console_error_panic_hook): its message formatting cost 970 bytes brotli
    // of the 250,000-byte first-load budget. A panic still stops the app with a
    // `RuntimeError: unreachable` in the console (panic = "abort"); the browser tests fail on
    // any console error, so none goes unnoticed there.
    leptos::mount::mount_to_body(|| view! { <Frame bundle=Bundle::Front page=page/> });
}

fn page(route: Option<Route>) -> AnyView {
    match route {
        Some(Route::Overview) => view! { <pages::overview::Overview/> }.into_any(),
        Some(Route::Options) => view! { <pages::options::Options/> }.into_any(),
        Some(Route::Availability) => view! { <pages::availability::Availability/> }.into_any(),
        Some(Route::Response) => view! { <pages::response::Response/> }.into_any(),
        Some(Route::SignIn) => view! { <pages::signin::SignIn/> }.into_any(),
        Some(Route::NewTicket { follows }) => {
            view! { <pages::new_ticket::NewTicket follows=follows/> }.into_any()
        }
        Some(Route::Contacts) => view! { <pages::contacts::Contacts/> }.into_any(),
        // The tickets' pages are the ticket app's: the server never sends this app for them,
        // and the router loads that app for their links (Bundle::Ticket).
        Some(Route::Tickets { .. } | Route::Ticket { .. }) | None => {
            view! { <pages::not_found::NotFound/> }.into_any()
        }
    }
}
