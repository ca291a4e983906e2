//! axum's extractors, with their rejections answered as problem+json.

use axum::extract::{FromRequest, FromRequestParts};

use crate::error::ApiError;

/// A JSON body: 415 without a JSON content type, 400 when malformed, 413 over the body limit,
/// 422 when it does not fit the expected shape (unknown or missing fields, wrong types).
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// A path parameter; one that does not parse names nothing, so 404.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// Query parameters; ones that do not parse are a 422.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);
