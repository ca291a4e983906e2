//! A ticket's life: its timeline, messages, solve, reopen, rating, severity and escalations.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use support_api::{
    NewEscalation, NewMessage, NewRating, Reopening, SeverityChange, Timeline, TimelineEntry,
};

use crate::auth::Viewer;
use crate::error::ApiError;
use crate::routes::extract::{ApiJson, ApiPath, Idempotency};
use crate::routes::tickets::stored_answer;
use crate::service::life;
use crate::state::AppState;

type Created = (StatusCode, Json<TimelineEntry>);

fn created(entry: TimelineEntry) -> Created {
    (StatusCode::CREATED, Json(entry))
}

/// `GET /api/tickets/{id}/timeline`.
pub async fn timeline(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Timeline>, ApiError> {
    let entries = life::timeline(&state, &viewer, id).await?;
    Ok(Json(Timeline { entries }))
}

/// `POST /api/tickets/{id}/messages` with `{body, internal?, request_information?}`.
pub async fn post_message(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    Idempotency(key): Idempotency,
    ApiJson(message): ApiJson<NewMessage>,
) -> Result<Response, ApiError> {
    let posted = life::post_message(&state, &viewer, id, key.as_ref(), &message).await?;
    Ok(stored_answer(posted))
}

/// `POST /api/tickets/{id}/solve`.
pub async fn solve(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Created, ApiError> {
    Ok(created(life::solve(&state, &viewer, id).await?))
}

/// `POST /api/tickets/{id}/reopen` with `{reason}`.
pub async fn reopen(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(reopening): ApiJson<Reopening>,
) -> Result<Created, ApiError> {
    Ok(created(
        life::reopen(&state, &viewer, id, &reopening.reason).await?,
    ))
}

/// `POST /api/tickets/{id}/rating` with `{score, comment?}`.
pub async fn rate(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(rating): ApiJson<NewRating>,
) -> Result<Created, ApiError> {
    Ok(created(life::rate(&state, &viewer, id, &rating).await?))
}

/// `POST /api/tickets/{id}/severity` with `{severity, reason}`.
pub async fn change_severity(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(change): ApiJson<SeverityChange>,
) -> Result<Created, ApiError> {
    Ok(created(
        life::change_severity(&state, &viewer, id, &change).await?,
    ))
}

/// `POST /api/tickets/{id}/escalations` with `{reason, detail?}`.
pub async fn escalate(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(escalation): ApiJson<NewEscalation>,
) -> Result<Created, ApiError> {
    Ok(created(
        life::escalate(&state, &viewer, id, &escalation).await?,
    ))
}
