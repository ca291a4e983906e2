//! Tickets: submit (idempotently), list, read, approve and reject.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use support_rules::{QuoteRequest, Severity, SupportLevel, TicketKind};

use crate::auth::SignedIn;
use crate::domain::NewTicket;
use crate::error::{ApiError, Conflict, FieldError};
use crate::routes::extract::{ApiJson, ApiPath, ApiQuery};
use crate::startup::AppState;
use crate::store::people::Account;
use crate::store::tickets::{
    self, Created, DecideError, Decision, Idempotency, NewTicketRow, StoredResponse, Ticket,
};

pub const PENDING: &str = "pending_approval";
pub const OPEN: &str = "open";

/// The longest `Idempotency-Key` accepted.
pub const MAX_IDEMPOTENCY_KEY: usize = 255;
/// The longest rejection reason.
pub const MAX_REASON: usize = 2000;

#[derive(Debug, Serialize)]
pub struct TicketView {
    id: i64,
    #[serde(rename = "type")]
    kind: String,
    severity: Option<String>,
    service: Option<String>,
    subject: String,
    description: String,
    /// The policy's other ticket fields that were given (environment, impact, ...).
    #[serde(flatten)]
    details: BTreeMap<String, String>,
    language: String,
    status: String,
    created_at: jiff::Timestamp,
    /// When the response clock started: at submission, or at approval.
    opened_at: Option<jiff::Timestamp>,
    /// `null` while the ticket waits for approval.
    first_response_due: Option<jiff::Timestamp>,
    submitter: Submitter,
    decided_at: Option<jiff::Timestamp>,
    rejection_reason: Option<String>,
}

#[derive(Debug, Serialize)]
struct Submitter {
    id: i64,
    name: String,
    email: String,
}

impl From<Ticket> for TicketView {
    fn from(t: Ticket) -> Self {
        Self {
            id: t.id,
            kind: t.kind,
            severity: t.severity,
            service: t.service,
            subject: t.subject,
            description: t.description,
            details: t.details,
            language: t.language,
            status: t.status,
            created_at: t.created_at,
            opened_at: t.opened_at,
            first_response_due: t.first_response_due,
            submitter: Submitter {
                id: t.submitter_id,
                name: t.submitter_name,
                email: t.submitter_email,
            },
            decided_at: t.decided_at,
            rejection_reason: t.rejection_reason,
        }
    }
}

/// The answer to a new ticket: the ticket, and for an urgent incident the number to call.
#[derive(Debug, Serialize)]
struct CreatedView {
    #[serde(flatten)]
    ticket: TicketView,
    #[serde(skip_serializing_if = "Option::is_none")]
    call_now: Option<CallNow>,
}

#[derive(Debug, Serialize)]
pub struct CallNow {
    pub number: String,
    pub instruction: String,
}

fn level(account: &Account) -> Result<SupportLevel, ApiError> {
    SupportLevel::try_from(account.level).map_err(|_| {
        ApiError::Internal(format!(
            "account {} has level {}",
            account.id, account.level
        ))
    })
}

fn quote_due(
    state: &AppState,
    account: &Account,
    kind: &TicketKind,
    at: jiff::Timestamp,
) -> Result<jiff::Timestamp, ApiError> {
    let request = QuoteRequest {
        level: level(account)?,
        tsm: account.tsm,
        kind: kind.clone(),
        at,
    };
    state
        .policy
        .policy
        .quote(&request)
        .map(|quote| quote.first_response_due)
        .map_err(|error| ApiError::Internal(format!("quote: {error}")))
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default().trim();
    let valid = !key.is_empty()
        && key.len() <= MAX_IDEMPOTENCY_KEY
        && key.bytes().all(|b| b.is_ascii_graphic());
    if valid {
        Ok(Some(key.to_owned()))
    } else {
        Err(ApiError::invalid(
            "Idempotency-Key",
            &format!("must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters"),
        ))
    }
}

fn replay(first: StoredResponse, request_hash: &str) -> Result<Response, ApiError> {
    if first.request_hash != request_hash {
        return Err(ApiError::conflict(
            Conflict::IdempotencyKeyReused,
            "This Idempotency-Key was used with a different request; use a new key for a new ticket.",
        ));
    }
    Ok(stored_answer(first))
}

fn stored_answer(answer: StoredResponse) -> Response {
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

/// `POST /api/tickets`.
pub async fn create(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Response, ApiError> {
    // The deadline counts from the instant the server received the ticket.
    let received = crate::db::now();
    let SignedIn { person, account } = signed_in;
    let key = idempotency_key(&headers)?;
    let request_hash = hex::encode(Sha256::digest(
        serde_json::to_vec(&body).unwrap_or_default(),
    ));
    let pool = &state.db.pool;
    if let Some(key) = &key
        && let Some(first) = tickets::stored_response(pool, person.id, key).await?
    {
        return replay(first, &request_hash);
    }
    let policy = &state.policy.policy;
    let ticket = NewTicket::parse(&body, policy).map_err(ApiError::Invalid)?;
    // Retries with the same key (even concurrent twins of a request still in flight) count
    // once against the budget.
    state
        .limits
        .tickets_per_person
        .check_once(&person.id.to_string(), key.as_deref())?;

    let opens_now = person.is_contact || !policy.document().contacts.others_need_approval;
    let (status, opened_at, due) = if opens_now {
        let due = quote_due(&state, &account, &ticket.kind, received)?;
        (OPEN, Some(received), Some(due))
    } else {
        (PENDING, None, None)
    };
    let (severity, service) = match &ticket.kind {
        TicketKind::Incident { severity } => (Some(severity.key()), None),
        TicketKind::Request { service } => (None, Some(service.as_str())),
        TicketKind::Question => (None, None),
    };
    let call_now = match ticket.kind {
        TicketKind::Incident {
            severity: Severity::Urgent,
        } => state.call_now(&account.country),
        _ => None,
    };
    let row = NewTicketRow {
        account_id: account.id,
        submitter_id: person.id,
        kind: ticket.kind.ticket_type().key(),
        severity,
        service,
        subject: &ticket.subject,
        description: &ticket.description,
        details: &ticket.details,
        language: &ticket.language,
        status,
        created_at: received,
        opened_at,
        first_response_due: due,
    };
    let idempotency = key.as_deref().map(|key| Idempotency {
        person_id: person.id,
        key,
        request_hash: &request_hash,
    });
    let answer = |id: i64| {
        let view = CreatedView {
            ticket: TicketView::from(Ticket {
                id,
                kind: row.kind.to_owned(),
                severity: row.severity.map(str::to_owned),
                service: row.service.map(str::to_owned),
                subject: ticket.subject.clone(),
                description: ticket.description.clone(),
                details: ticket.details.clone(),
                language: ticket.language.clone(),
                status: status.to_owned(),
                created_at: received,
                opened_at,
                first_response_due: due,
                submitter_id: person.id,
                submitter_name: person.name.clone(),
                submitter_email: person.email.clone(),
                decided_at: None,
                rejection_reason: None,
            }),
            call_now,
        };
        (
            serde_json::to_string(&view).unwrap_or_default(),
            format!("/api/tickets/{id}"),
        )
    };
    match tickets::create(&state.db.writer, &row, idempotency.as_ref(), answer).await? {
        Created::New(answer) => {
            tracing::info!(person = person.id, status, location = %answer.location, "ticket created");
            Ok(stored_answer(answer))
        }
        Created::Replay(first) => replay(first, &request_hash),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    page: Option<String>,
    per_page: Option<String>,
}

pub const DEFAULT_PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;

#[derive(Debug, Serialize)]
pub struct TicketPage {
    tickets: Vec<TicketView>,
    page: i64,
    per_page: i64,
    total: i64,
    /// The next page's number, `null` on the last page.
    next_page: Option<i64>,
}

fn page_number(
    value: Option<&str>,
    field: &str,
    default: i64,
    max: i64,
    errors: &mut Vec<FieldError>,
) -> i64 {
    match value.map(str::parse::<i64>) {
        None => default,
        Some(Ok(n)) if (1..=max).contains(&n) => n,
        Some(_) => {
            errors.push(FieldError::new(
                field,
                format!("must be a whole number from 1 to {max}"),
            ));
            default
        }
    }
}

/// `GET /api/tickets?page=&per_page=`: the account's tickets, newest first.
pub async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<TicketPage>, ApiError> {
    let mut errors = Vec::new();
    let page = page_number(query.page.as_deref(), "page", 1, 1_000_000, &mut errors);
    let per_page = page_number(
        query.per_page.as_deref(),
        "per_page",
        DEFAULT_PER_PAGE,
        MAX_PER_PAGE,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let (tickets, total) = tickets::page(
        &state.db.pool,
        signed_in.account.id,
        per_page,
        (page - 1) * per_page,
    )
    .await?;
    Ok(Json(TicketPage {
        tickets: tickets.into_iter().map(TicketView::from).collect(),
        page,
        per_page,
        total,
        next_page: (page * per_page < total).then_some(page + 1),
    }))
}

fn no_such_ticket() -> ApiError {
    ApiError::not_found("There is no such ticket in your account.")
}

/// `GET /api/tickets/{id}`: 404 also for another account's ticket.
pub async fn show(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TicketView>, ApiError> {
    tickets::find(&state.db.pool, signed_in.account.id, id)
        .await?
        .map(|t| Json(TicketView::from(t)))
        .ok_or_else(no_such_ticket)
}

fn decide_error(error: DecideError) -> ApiError {
    match error {
        DecideError::NotFound => no_such_ticket(),
        DecideError::NotPending(status) => ApiError::conflict(
            Conflict::TicketNotPending,
            format!("The ticket is {status}; only a ticket pending approval can be decided."),
        ),
        DecideError::Database(error) => ApiError::Database(error),
    }
}

/// `POST /api/tickets/{id}/approve`: a contact opens a pending ticket; its deadline counts
/// from now.
pub async fn approve(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TicketView>, ApiError> {
    signed_in.require_contact()?;
    let pool = &state.db.pool;
    let ticket = tickets::find(pool, signed_in.account.id, id)
        .await?
        .ok_or_else(no_such_ticket)?;
    let kind = stored_kind(&ticket)?;
    let now = crate::db::now();
    let due = quote_due(&state, &signed_in.account, &kind, now)?;
    let ticket = tickets::decide(
        &state.db.writer,
        signed_in.account.id,
        id,
        signed_in.person.id,
        now,
        &Decision::Approve { due },
    )
    .await
    .map_err(decide_error)?;
    tracing::info!(ticket = id, by = signed_in.person.id, "ticket approved");
    Ok(Json(TicketView::from(ticket)))
}

/// The kind of a stored ticket, for its quote.
fn stored_kind(ticket: &Ticket) -> Result<TicketKind, ApiError> {
    let broken = || ApiError::Internal(format!("ticket {} has a broken kind", ticket.id));
    match ticket.kind.as_str() {
        "incident" => {
            let severity = ticket
                .severity
                .as_deref()
                .and_then(|s| s.parse().ok())
                .ok_or_else(broken)?;
            Ok(TicketKind::Incident { severity })
        }
        "request" => {
            let service = ticket
                .service
                .as_deref()
                .and_then(|s| s.parse().ok())
                .ok_or_else(broken)?;
            Ok(TicketKind::Request { service })
        }
        "question" => Ok(TicketKind::Question),
        _ => Err(broken()),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    reason: Option<String>,
}

/// `POST /api/tickets/{id}/reject` with `{"reason": "..."}`.
pub async fn reject(
    State(state): State<AppState>,
    signed_in: SignedIn,
    ApiPath(id): ApiPath<i64>,
    ApiJson(rejection): ApiJson<Rejection>,
) -> Result<Json<TicketView>, ApiError> {
    signed_in.require_contact()?;
    let reason = crate::domain::bounded_text(
        rejection.reason.as_deref().unwrap_or_default(),
        "a reason",
        1,
        MAX_REASON,
    )
    .map_err(|problem| ApiError::invalid("reason", &problem))?;
    let ticket = tickets::decide(
        &state.db.writer,
        signed_in.account.id,
        id,
        signed_in.person.id,
        crate::db::now(),
        &Decision::Reject { reason: &reason },
    )
    .await
    .map_err(decide_error)?;
    tracing::info!(ticket = id, by = signed_in.person.id, "ticket rejected");
    Ok(Json(TicketView::from(ticket)))
}
