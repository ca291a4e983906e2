//! Signing in and out, and asking whether one is signed in.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use support_api::{Credentials, SessionState};

use crate::auth::{self, Viewer};
use crate::domain::{Email, Invalid};
use crate::error::ApiError;
use crate::routes::extract::ApiJson;
use crate::routes::me;
use crate::state::AppState;
use crate::store::{people, sessions};

/// `GET /api/session`: 200 for everyone, `{"signed_in": false}` for a visitor (so a signed-out
/// page logs no failed request), or `{"signed_in": true, "me": ...}` as `GET /api/me` says.
pub async fn state(State(state): State<AppState>, viewer: Option<Viewer>) -> Json<SessionState> {
    Json(match viewer {
        Some(viewer) => SessionState::signed_in(me::view(&state.policy.policy, viewer)),
        None => SessionState::signed_out(),
    })
}

/// `POST /api/session`: 204 with the session cookie, or 401 for a wrong email or password.
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    ApiJson(credentials): ApiJson<Credentials>,
) -> Result<Response, ApiError> {
    state
        .limits
        .sign_in_per_ip
        .check(&client.ip().to_string())
        .await?;
    let email =
        Email::parse(&credentials.email).map_err(|problem| Invalid::named("email", problem))?;
    if credentials.password.is_empty() || credentials.password.len() > 1024 {
        return Err(ApiError::WrongCredentials);
    }
    state.limits.sign_in_per_email.check(&email.key()).await?;
    let found = people::by_email(&state.db, &email).await?;
    let (person, hash) = match found {
        Some((person, hash)) => (Some(person), hash),
        None => (None, None),
    };
    let password = credentials.password;
    let matches =
        tokio::task::spawn_blocking(move || auth::verify_password(&password, hash.as_deref()))
            .await
            .map_err(|e| ApiError::Internal(format!("password check: {e}")))?;
    let Some(person) = person.filter(|_| matches) else {
        tracing::info!(client = %client.ip(), "sign-in refused: wrong email or password");
        return Err(ApiError::WrongCredentials);
    };
    let (token, token_hash) =
        auth::new_session_token().map_err(|e| ApiError::Internal(e.to_string()))?;
    let now = jiff::Timestamp::now();
    let lifetime = state.settings.session_lifetime;
    let expires = now
        .checked_add(jiff::SignedDuration::try_from(lifetime).unwrap_or_default())
        .unwrap_or(now);
    sessions::delete_expired(&state.db, now).await?;
    sessions::create(&state.db, &token_hash, person.id, now, expires).await?;
    tracing::info!(person = person.id, "signed in");
    let mut headers = HeaderMap::new();
    auth::set_cookie(
        &mut headers,
        auth::session_cookie(&token, lifetime.as_secs(), state.settings.secure_cookies),
    );
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// `DELETE /api/session`: ends the session (if any) and clears the cookie; always 204.
pub async fn sign_out(
    State(state): State<AppState>,
    request_headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = auth::session_token(&request_headers) {
        sessions::delete(&state.db, &auth::token_hash(token)).await?;
    }
    let mut headers = HeaderMap::new();
    auth::set_cookie(
        &mut headers,
        auth::expired_cookie(state.settings.secure_cookies),
    );
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}
