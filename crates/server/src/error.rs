//! One error type for the whole API, answered as RFC 9457 `application/problem+json`, and the
//! one place where the errors of the domain, the store and the rate limiter become HTTP.
//!
//! Each kind of problem has a stable `type` URI ([`ProblemType`], relative to the server,
//! listed in `/api/openapi.json`), a fixed `title`, and a `detail` that says what was wrong
//! with this request. Validation problems add `errors: [{field, code, problem}]`: the body
//! member, query parameter or header, the kind of problem ([`FieldCode`]) and the English words
//! for it.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use support_api::{FieldCode, FieldError, Problem, ProblemType, TicketStatus};
use support_rules::ByteSize;

use crate::domain::Invalid;
use crate::domain::rules::NotDelegable;
use crate::rate_limit::{Exhausted, LimitError};
use crate::service::events::EventsError;
use crate::service::life::LifeError;
use crate::service::tickets::{DecisionError, SubmitError};
use crate::store::people::ChangeError;
use crate::store::tickets::DecideError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the request is malformed: {0}")]
    Malformed(String),
    #[error("not signed in")]
    NotSignedIn,
    #[error("wrong email or password")]
    WrongCredentials,
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {detail}")]
    Conflict { kind: Conflict, detail: String },
    #[error("the request body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the file is larger than {limit}")]
    FileTooLarge { limit: ByteSize },
    #[error("unsupported content type: {0}")]
    UnsupportedMediaType(String),
    #[error("invalid values")]
    Invalid(Vec<FieldError>),
    #[error("invalid request: {0}")]
    InvalidBody(String),
    #[error("too many requests; retry in {retry_after} s")]
    RateLimited { retry_after: u64 },
    #[error("at most {max} event streams per person")]
    TooManyStreams { max: usize },
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

/// The kinds of 409, each with its own `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    IdempotencyKeyReused,
    TicketNotPending,
    LastContactManager,
    EmailTaken,
    ContactLimit,
    TicketTakesNoMessages,
    TicketStatus,
    ReopenWindowPassed,
    AlreadyRated,
}

impl ApiError {
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }

    pub fn conflict(kind: Conflict, detail: impl Into<String>) -> Self {
        Self::Conflict {
            kind,
            detail: detail.into(),
        }
    }

    /// One wrong field of no particular kind ([`FieldCode::Invalid`]).
    pub fn invalid(field: &str, problem: &str) -> Self {
        Self::Invalid(vec![FieldError::new(FieldCode::Invalid, field, problem)])
    }

    pub fn no_such_ticket() -> Self {
        Self::not_found("There is no such ticket in your account.")
    }

    fn kind(&self) -> ProblemType {
        match self {
            Self::Malformed(_) => ProblemType::MalformedRequest,
            Self::NotSignedIn => ProblemType::NotSignedIn,
            Self::WrongCredentials => ProblemType::WrongCredentials,
            Self::Forbidden(_) => ProblemType::Forbidden,
            Self::NotFound(_) => ProblemType::NotFound,
            Self::MethodNotAllowed => ProblemType::MethodNotAllowed,
            Self::Conflict { kind, .. } => match kind {
                Conflict::IdempotencyKeyReused => ProblemType::IdempotencyKeyReused,
                Conflict::TicketNotPending => ProblemType::TicketNotPending,
                Conflict::LastContactManager => ProblemType::LastContactManager,
                Conflict::EmailTaken => ProblemType::EmailTaken,
                Conflict::ContactLimit => ProblemType::ContactLimit,
                Conflict::TicketTakesNoMessages => ProblemType::TicketTakesNoMessages,
                Conflict::TicketStatus => ProblemType::TicketStatusConflict,
                Conflict::ReopenWindowPassed => ProblemType::ReopenWindowPassed,
                Conflict::AlreadyRated => ProblemType::AlreadyRated,
            },
            Self::TooLarge { .. } => ProblemType::BodyTooLarge,
            Self::FileTooLarge { .. } => ProblemType::FileTooLarge,
            Self::UnsupportedMediaType(_) => ProblemType::UnsupportedMediaType,
            Self::Invalid(_) | Self::InvalidBody(_) => ProblemType::Validation,
            Self::RateLimited { .. } | Self::TooManyStreams { .. } => ProblemType::TooManyRequests,
            Self::Database(sqlx::Error::PoolTimedOut) => ProblemType::Unavailable,
            Self::Database(_) | Self::Internal(_) => ProblemType::Internal,
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            Self::Malformed(detail)
            | Self::Forbidden(detail)
            | Self::NotFound(detail)
            | Self::UnsupportedMediaType(detail)
            | Self::InvalidBody(detail)
            | Self::Conflict { detail, .. } => Some(detail.clone()),
            Self::NotSignedIn => Some("Sign in to use this part of the API.".into()),
            Self::WrongCredentials => Some("The email or the password is wrong.".into()),
            Self::TooLarge { limit } => {
                Some(format!("Request bodies are limited to {limit} bytes."))
            }
            Self::FileTooLarge { limit } => Some(format!(
                "A file may be at most {limit} ({} bytes): the policy's attachments.max_file_size.",
                limit.bytes()
            )),
            Self::Invalid(errors) => Some(
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.problem))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Self::RateLimited { retry_after } => {
                Some(format!("Try again in {retry_after} seconds."))
            }
            Self::TooManyStreams { max } => Some(format!(
                "You have {max} event streams open already, the most a person may; close one (another tab or window) first."
            )),
            Self::MethodNotAllowed => Some("This path does not take that method.".into()),
            Self::Database(sqlx::Error::PoolTimedOut) => {
                Some("Every database connection is busy; try again in a moment.".into())
            }
            // Never show a database's or the system's words to a client: they are logged.
            Self::Database(_) | Self::Internal(_) => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if matches!(self, Self::Database(_) | Self::Internal(_)) {
            tracing::error!(error = %self, "request failed");
        }
        let kind = self.kind();
        let detail = self.detail();
        let (retry_after, errors) = match self {
            Self::RateLimited { retry_after } => (Some(retry_after), Vec::new()),
            Self::Database(sqlx::Error::PoolTimedOut) => (Some(1), Vec::new()),
            Self::Invalid(errors) => (None, errors),
            _ => (None, Vec::new()),
        };
        let problem = Problem::new(kind, detail, errors);
        let status =
            StatusCode::from_u16(kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(&problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        Self::Invalid(invalid.0)
    }
}

impl From<Exhausted> for ApiError {
    fn from(exhausted: Exhausted) -> Self {
        Self::RateLimited {
            retry_after: exhausted.retry_after.as_secs().max(1),
        }
    }
}

impl From<LimitError> for ApiError {
    fn from(error: LimitError) -> Self {
        match error {
            LimitError::Exhausted(exhausted) => exhausted.into(),
            LimitError::Database(error) => error.into(),
        }
    }
}

impl From<NotDelegable> for ApiError {
    fn from(_: NotDelegable) -> Self {
        Self::Forbidden(
            "The support policy does not let contacts grant the right to manage contacts.".into(),
        )
    }
}

impl From<SubmitError> for ApiError {
    fn from(error: SubmitError) -> Self {
        match error {
            SubmitError::Invalid(invalid) => invalid.into(),
            SubmitError::KeyReused => Self::conflict(
                Conflict::IdempotencyKeyReused,
                "This Idempotency-Key was used with a different request; use a new key for a new ticket.",
            ),
            SubmitError::RateLimited(exhausted) => exhausted.into(),
            SubmitError::Quote(error) => Self::Internal(format!("quote: {error}")),
            SubmitError::Database(error) => Self::Database(error),
        }
    }
}

impl From<DecisionError> for ApiError {
    fn from(error: DecisionError) -> Self {
        match error {
            DecisionError::Decide(error) => error.into(),
            DecisionError::Quote(error) => Self::Internal(format!("quote: {error}")),
        }
    }
}

impl From<DecideError> for ApiError {
    fn from(error: DecideError) -> Self {
        match error {
            DecideError::NotFound => Self::no_such_ticket(),
            DecideError::NotPending(status) => Self::conflict(
                Conflict::TicketNotPending,
                format!("The ticket is {status}; only a ticket pending approval can be decided."),
            ),
            DecideError::Database(error) => Self::Database(error),
        }
    }
}

impl From<LifeError> for ApiError {
    fn from(error: LifeError) -> Self {
        match error {
            LifeError::NotFound => Self::no_such_ticket(),
            LifeError::Forbidden(detail) => Self::Forbidden(detail.into()),
            LifeError::Invalid(invalid) => invalid.into(),
            LifeError::TakesNoMessages(status) => Self::conflict(
                Conflict::TicketTakesNoMessages,
                match status {
                    TicketStatus::PendingApproval => "The ticket waits for a technical contact's \
                        approval; messages can be added once it is open."
                        .to_owned(),
                    TicketStatus::Solved => {
                        "The ticket is solved; reopen it to go on with the conversation.".to_owned()
                    }
                    TicketStatus::Closed => {
                        "The ticket is closed; file a new ticket that refers to it.".to_owned()
                    }
                    status => format!("The ticket is {status} and takes no messages."),
                },
            ),
            LifeError::StatusConflict(detail) => Self::conflict(Conflict::TicketStatus, detail),
            LifeError::ReopenWindowPassed(until) => Self::conflict(
                Conflict::ReopenWindowPassed,
                format!(
                    "The ticket could be reopened until {until}; file a new ticket that refers to it."
                ),
            ),
            LifeError::AlreadyRated => Self::conflict(
                Conflict::AlreadyRated,
                "The ticket has its rating already; a ticket is rated once.",
            ),
            LifeError::KeyReused => Self::conflict(
                Conflict::IdempotencyKeyReused,
                "This Idempotency-Key was used with a different request; use a new key for a new message.",
            ),
            LifeError::NoSuchAttachment => {
                Self::not_found("There is no such attachment in your account.")
            }
            LifeError::NotAnUpload(file) => Self::Invalid(vec![FieldError::new(
                FieldCode::Invalid,
                "attachments",
                format!(
                    "file {file} is not one of your uploads to this ticket that is still to be sent"
                ),
            )]),
            LifeError::Busy => Self::Database(sqlx::Error::PoolTimedOut),
            LifeError::Sla(error) => Self::Internal(format!("SLA clock: {error}")),
            LifeError::Database(error) => Self::Database(error),
        }
    }
}

impl From<EventsError> for ApiError {
    fn from(error: EventsError) -> Self {
        match error {
            EventsError::NotFound => Self::no_such_ticket(),
            EventsError::TooManyStreams(max) => Self::TooManyStreams { max },
            EventsError::Database(error) => Self::Database(error),
        }
    }
}

impl From<ChangeError> for ApiError {
    fn from(error: ChangeError) -> Self {
        match error {
            ChangeError::NotFound => Self::not_found("There is no such person in your account."),
            ChangeError::NotAllowed => Self::Forbidden("You may no longer manage contacts.".into()),
            ChangeError::EmailTaken => Self::conflict(
                Conflict::EmailTaken,
                "The email address belongs to another person.",
            ),
            ChangeError::TooManyContacts(max) => Self::conflict(
                Conflict::ContactLimit,
                format!("The support policy allows at most {max} technical contacts per account."),
            ),
            ChangeError::LastManager => Self::conflict(
                Conflict::LastContactManager,
                "The account must keep at least one contact who can manage contacts.",
            ),
            ChangeError::Database(error) => Self::Database(error),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Self::TooLarge {
                limit: crate::config::DEFAULT_BODY_BYTES,
            },
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::UnsupportedMediaType(
                "The body must be JSON, sent with `Content-Type: application/json`.".into(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY => Self::InvalidBody(rejection.body_text()),
            _ => Self::Malformed(rejection.body_text()),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        Self::not_found("There is nothing at this path.")
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::InvalidBody(rejection.body_text())
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;

    use super::ApiError;

    #[test]
    fn an_exhausted_pool_is_503_with_retry_after_and_other_database_errors_500() {
        let busy = ApiError::Database(sqlx::Error::PoolTimedOut).into_response();
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[header::RETRY_AFTER], "1");
        assert_eq!(
            busy.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let broken = ApiError::Database(sqlx::Error::RowNotFound).into_response();
        assert_eq!(broken.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
