use axum::Json;
use support_api::{Health, HealthStatus};

/// Answers as soon as the server accepts requests.
pub async fn health() -> Json<Health> {
    Json(Health {
        status: HealthStatus::Ok,
    })
}
