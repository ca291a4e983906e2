//! The JSON API, one module per resource.

pub mod attachments;
pub mod console;
pub mod contacts;
pub mod events;
pub mod extract;
mod health;
pub mod life;
pub mod me;
mod openapi;
mod policy;
mod quote;
pub mod session;
pub mod tickets;

use axum::Router;
use axum::routing::{get, patch, post, put};

use crate::state::AppState;

/// Every route under `/api/` that reads at most a JSON body (see [`uploads`] for the other).
pub fn api() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route(
            "/session",
            get(session::state)
                .post(session::sign_in)
                .delete(session::sign_out),
        )
        .route("/me", get(me::me))
        .route("/me/notifications", put(me::set_notifications))
        .route("/events", get(events::events))
        .route("/openapi.json", get(openapi::openapi))
        .route("/policy", get(policy::policy))
        .route("/quote", get(quote::quote))
        .route("/tickets", get(tickets::list).post(tickets::create))
        .route("/tickets/{id}", get(tickets::show))
        .route("/tickets/{id}/approve", post(tickets::approve))
        .route("/tickets/{id}/reject", post(tickets::reject))
        .route("/tickets/{id}/timeline", get(life::timeline))
        .route("/tickets/{id}/messages", post(life::post_message))
        .route("/tickets/{id}/solve", post(life::solve))
        .route("/tickets/{id}/reopen", post(life::reopen))
        .route("/tickets/{id}/rating", post(life::rate))
        .route("/tickets/{id}/severity", post(life::change_severity))
        .route("/tickets/{id}/escalations", post(life::escalate))
        .route("/attachments/{id}", get(attachments::download))
        .route("/console/queue", get(console::queue))
        .route("/console/tickets/{id}/assignee", post(console::assign))
        .route("/console/report", get(console::report))
        .route("/console/engineers", get(console::engineers))
        .route("/contacts", get(contacts::list).post(contacts::add))
        .route(
            "/contacts/{id}",
            patch(contacts::change).delete(contacts::remove),
        )
}

/// The routes under `/api/` that take a file, and so a body up to the policy's largest file.
pub fn uploads() -> Router<AppState> {
    Router::new().route("/tickets/{id}/attachments", post(attachments::upload))
}
