//! Every call the SPA makes to the server, typed with the server's JSON shapes.

use gloo_net::http::Request;
use serde::Deserialize;

/// Why a call to the server did not give an answer the SPA can use.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("the network request failed ({0})")]
    Network(String),
    #[error("the server answered with HTTP status {0}")]
    Status(u16),
    #[error("the server's answer could not be read ({0})")]
    Decode(String),
}

#[derive(Debug, Clone, Deserialize)]
pub struct Health {
    pub status: String,
}

pub async fn health() -> Result<Health, ApiError> {
    let response = Request::get("/api/health")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(ApiError::Status(response.status()));
    }
    response
        .json()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}
