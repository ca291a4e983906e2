//! The support policy in force, as the SPA reads it.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Does an `If-None-Match` header name this ETag (or `*`)?
fn matches(if_none_match: &HeaderValue, etag: &str) -> bool {
    if_none_match.to_str().is_ok_and(|value| {
        value.split(',').map(str::trim).any(|candidate| {
            candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
        })
    })
}

/// `GET /api/policy`: the policy's JSON form with a strong ETag; 304 when the client has it.
pub async fn policy(State(state): State<AppState>, request_headers: HeaderMap) -> Response {
    let loaded = &state.policy;
    let etag = HeaderValue::from_str(&loaded.etag).unwrap_or(HeaderValue::from_static("\"0\""));
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if request_headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|value| matches(value, &loaded.etag))
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag), cache]).into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::ETAG, etag),
            cache,
        ],
        loaded.json.clone(),
    )
        .into_response()
}
