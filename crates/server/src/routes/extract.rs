//! axum's extractors, with their rejections answered as problem+json, and the request headers
//! the API reads as domain values.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::domain::{IdempotencyKey, Invalid, Position};
use crate::error::ApiError;
use crate::state::AppState;

/// A JSON object body: 415 without a JSON content type, 400 when malformed, 413 over the body
/// limit, 422 when it is not an object or does not fit the expected shape (unknown or missing
/// members, wrong types). serde would read a struct from an array too; the API does not.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T> FromRequest<AppState> for ApiJson<T>
where
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<Value>::from_request(request, state)
            .await
            .map_err(|rejection| match ApiError::from(rejection) {
                // The rejection does not know the limit in force: the settings do.
                ApiError::TooLarge { .. } => ApiError::TooLarge {
                    limit: state.settings.limits.body_bytes,
                },
                other => other,
            })?;
        if !value.is_object() {
            return Err(ApiError::InvalidBody(
                "The body must be a JSON object.".into(),
            ));
        }
        serde_json::from_value(value)
            .map(ApiJson)
            .map_err(|error| ApiError::InvalidBody(format!("The body does not fit: {error}.")))
    }
}

/// A path parameter; one that does not parse names nothing, so 404.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// Query parameters; ones that do not parse are a 422.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// The request's `Idempotency-Key`, when it has one; a malformed one is a 422.
#[derive(Debug)]
pub struct Idempotency(pub Option<IdempotencyKey>);

impl<S: Send + Sync> FromRequestParts<S> for Idempotency {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get("idempotency-key") else {
            return Ok(Self(None));
        };
        IdempotencyKey::parse(value.as_bytes())
            .map(|key| Self(Some(key)))
            .map_err(|problem| Invalid::named("Idempotency-Key", problem).into())
    }
}

/// The `Last-Event-ID` a reconnecting event stream sends; one this server did not write is a
/// 400 (a client must not be resumed from a guess).
#[derive(Debug)]
pub struct LastEventId(pub Option<Position>);

impl<S: Send + Sync> FromRequestParts<S> for LastEventId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get("last-event-id") else {
            return Ok(Self(None));
        };
        Position::parse(value.as_bytes())
            .map(|position| Self(Some(position)))
            .map_err(|error| ApiError::Malformed(format!("{error}.")))
    }
}
