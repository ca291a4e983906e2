//! The JSON API, one module per resource.

mod health;

use axum::Router;
use axum::routing::get;

/// Every route under `/api/`.
pub fn api() -> Router {
    Router::new().route("/health", get(health::health))
}
