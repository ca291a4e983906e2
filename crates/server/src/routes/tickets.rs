//! Tickets: submit (idempotently), list, read, approve and reject.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value};
use support_api::{FieldCode, FieldError, Rejection, TicketPage, TicketStatus};

use crate::auth::{Contact, SignedIn, Viewer};
use crate::domain::{Invalid, RejectionReason};
use crate::error::ApiError;
use crate::routes::extract::{ApiJson, ApiPath, ApiQuery, Idempotency};
use crate::service::life;
use crate::service::tickets::{self as service, Submitted};
use crate::state::AppState;
use crate::store::tickets::{self, PageRequest, Scope};

pub fn stored_answer(answer: Submitted) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::CREATED);
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(location) = HeaderValue::from_str(&answer.location) {
        headers.insert(header::LOCATION, location);
    }
    (status, headers, answer.body).into_response()
}

/// `POST /api/tickets`: parse, file, answer (the first answer again for a retry).
pub async fn create(
    State(state): State<AppState>,
    SignedIn { person, account }: SignedIn,
    Idempotency(key): Idempotency,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Response, ApiError> {
    let submitted = service::submit(&state, &person, &account, key.as_ref(), &body).await?;
    Ok(stored_answer(submitted))
}

/// `GET /api/tickets`'s query, as sent: each member is checked by [`PageQuery::parse`] so that
/// every wrong one is named at once.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    status: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 100;
const MAX_PAGE: u32 = 1_000_000;

/// A checked `GET /api/tickets` query.
struct ListQuery {
    status: Option<TicketStatus>,
    page: u32,
    per_page: u32,
}

impl PageQuery {
    fn parse(&self) -> Result<ListQuery, ApiError> {
        let mut errors = Vec::new();
        let mut number = |value: Option<&str>, field: &str, default: u32, max: u32| match value
            .map(str::parse::<u32>)
        {
            None => default,
            Some(Ok(n)) if (1..=max).contains(&n) => n,
            Some(_) => {
                errors.push(FieldError::new(
                    FieldCode::Invalid,
                    field,
                    format!("must be a whole number from 1 to {max}"),
                ));
                default
            }
        };
        let page = number(self.page.as_deref(), "page", 1, MAX_PAGE);
        let per_page = number(
            self.per_page.as_deref(),
            "per_page",
            DEFAULT_PER_PAGE,
            MAX_PER_PAGE,
        );
        let status = match self.status.as_deref() {
            None => None,
            Some(key) => TicketStatus::from_key(key).or_else(|| {
                let keys: Vec<&str> = TicketStatus::ALL.iter().map(|s| s.key()).collect();
                errors.push(FieldError::new(
                    FieldCode::UnknownValue,
                    "status",
                    format!("must be one of {}", keys.join(", ")),
                ));
                None
            }),
        };
        if errors.is_empty() {
            Ok(ListQuery {
                status,
                page,
                per_page,
            })
        } else {
            Err(ApiError::Invalid(errors))
        }
    }
}

/// `GET /api/tickets?status=&page=&per_page=`: the account's tickets (every account's for an
/// engineer; of one status, when asked), newest first.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<TicketPage>, ApiError> {
    let ListQuery {
        status,
        page,
        per_page,
    } = query.parse()?;
    let (tickets, total) = tickets::page(
        &state.db,
        PageRequest {
            scope: match viewer.account_id() {
                Some(account) => Scope::Account(account),
                None => Scope::AllAccounts,
            },
            status,
            limit: per_page,
            offset: u64::from(page - 1) * u64::from(per_page),
        },
    )
    .await?;
    Ok(Json(TicketPage {
        tickets: life::answer_all(&state, tickets).await?,
        page,
        per_page,
        total,
        next_page: (u64::from(page) * u64::from(per_page) < total).then_some(page + 1),
    }))
}

/// `GET /api/tickets/{id}`: 404 also for another account's ticket.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<support_api::Ticket>, ApiError> {
    Ok(Json(life::show(&state, &viewer, id).await?))
}

/// `POST /api/tickets/{id}/approve`: a contact opens a pending ticket; its deadline counts
/// from now.
pub async fn approve(
    State(state): State<AppState>,
    Contact(contact): Contact,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<support_api::Ticket>, ApiError> {
    let ticket = service::approve(&state, &contact.person, &contact.account, id).await?;
    Ok(Json(life::answer(&state, ticket).await?))
}

/// `POST /api/tickets/{id}/reject` with `{"reason": "..."}`.
pub async fn reject(
    State(state): State<AppState>,
    Contact(contact): Contact,
    ApiPath(id): ApiPath<i64>,
    ApiJson(rejection): ApiJson<Rejection>,
) -> Result<Json<support_api::Ticket>, ApiError> {
    let reason = RejectionReason::parse(&rejection.reason)
        .map_err(|problem| Invalid::named("reason", problem))?;
    let ticket = service::reject(&state, &contact.person, &contact.account, id, &reason).await?;
    Ok(Json(life::answer(&state, ticket).await?))
}
