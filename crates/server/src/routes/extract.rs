//! axum's extractors, with their rejections answered as problem+json.

use axum::extract::{FromRequest, FromRequestParts, Request};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;

/// A JSON object body: 415 without a JSON content type, 400 when malformed, 413 over the body
/// limit, 422 when it is not an object or does not fit the expected shape (unknown or missing
/// members, wrong types). serde would read a struct from an array too; the API does not.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<Value>::from_request(request, state).await?;
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
