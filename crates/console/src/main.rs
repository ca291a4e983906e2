//! The support console: the engineers' app, served under `/console/` with its own page and
//! wasm. It works the queue by time to breach, shows a ticket's whole timeline with its SLA
//! clock (computed here by the rules crate, as the customer's page and the server do) and its
//! actions, and draws the first-response report. Customers who open it are told it is for
//! engineers and fetch nothing beyond their session.

mod api;
mod app;
mod clock;
mod keys;
mod pages;
mod route;
mod words;

fn main() {
    leptos::mount::mount_to_body(app::Console);
}
