//! The JSON API, one module per resource.

pub mod contacts;
pub mod extract;
mod health;
pub mod me;
pub mod session;

use axum::Router;
use axum::routing::{get, patch, post};

use crate::startup::AppState;

/// Every route under `/api/`.
pub fn api() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .route("/session", post(session::sign_in).delete(session::sign_out))
        .route("/me", get(me::me))
        .route("/contacts", get(contacts::list).post(contacts::add))
        .route(
            "/contacts/{id}",
            patch(contacts::change).delete(contacts::remove),
        )
}
