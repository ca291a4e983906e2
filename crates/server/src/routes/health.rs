use axum::Json;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Health {
    status: &'static str,
}

/// Answers as soon as the server accepts requests.
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}
