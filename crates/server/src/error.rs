//! One error type for the whole API, answered as RFC 9457 `application/problem+json`.
//!
//! Each kind of problem has a stable `type` URI (relative to the server, listed in
//! `/api/openapi.json`), a fixed `title`, and a `detail` that says what was wrong with this
//! request. Validation problems add `errors: [{field, problem}]`.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The kind of a field's problem, for a client that words it in its own language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldCode {
    /// Missing or empty.
    Required,
    /// Longer than the policy allows.
    TooLong,
    /// Holds control characters (other than line breaks and tabs in long text).
    ControlCharacters,
    /// Not a string, number or boolean where one is expected.
    WrongType,
    /// A member the request does not take, or one that does not apply here.
    NotAllowed,
    /// Not one of the values the policy offers (a type, severity, service, language).
    UnknownValue,
    /// Anything else; `problem` says what.
    Invalid,
}

/// A field that failed to parse, and why, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: FieldCode,
    pub problem: String,
}

impl FieldError {
    /// A problem of no particular kind ([`FieldCode::Invalid`]).
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::coded(FieldCode::Invalid, field, problem)
    }

    pub fn coded(code: FieldCode, field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            problem: problem.into(),
        }
    }
}

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
    #[error("the request body is larger than {} bytes", crate::startup::BODY_LIMIT)]
    TooLarge,
    #[error("unsupported content type: {0}")]
    UnsupportedMediaType(String),
    #[error("invalid values")]
    Invalid(Vec<FieldError>),
    #[error("invalid request: {0}")]
    InvalidBody(String),
    #[error("too many requests; retry in {retry_after} s")]
    RateLimited { retry_after: u64 },
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
}

/// Every problem type the API answers with: `(slug, status, title)`. The `type` URI is
/// `/problems/{slug}`.
pub const PROBLEM_TYPES: &[(&str, u16, &str)] = &[
    ("malformed-request", 400, "The request is malformed"),
    ("not-signed-in", 401, "Not signed in"),
    ("wrong-credentials", 401, "Wrong email or password"),
    ("forbidden", 403, "Not allowed"),
    ("not-found", 404, "Not found"),
    ("method-not-allowed", 405, "Method not allowed"),
    (
        "idempotency-key-reused",
        409,
        "Idempotency key reused with another request",
    ),
    (
        "ticket-not-pending",
        409,
        "The ticket is not pending approval",
    ),
    (
        "last-contact-manager",
        409,
        "The account's last contact manager",
    ),
    ("email-taken", 409, "The email address is already in use"),
    (
        "contact-limit",
        409,
        "The account has as many contacts as the policy allows",
    ),
    ("body-too-large", 413, "The request body is too large"),
    ("unsupported-media-type", 415, "Unsupported content type"),
    ("validation", 422, "Invalid values"),
    ("too-many-requests", 429, "Too many requests"),
    ("internal", 500, "Internal error"),
    ("unavailable", 503, "The server is overloaded"),
];

#[derive(Debug, Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [FieldError]>,
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

    pub fn invalid(field: &str, problem: &str) -> Self {
        Self::Invalid(vec![FieldError::new(field, problem)])
    }

    fn slug(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed-request",
            Self::NotSignedIn => "not-signed-in",
            Self::WrongCredentials => "wrong-credentials",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::MethodNotAllowed => "method-not-allowed",
            Self::Conflict { kind, .. } => match kind {
                Conflict::IdempotencyKeyReused => "idempotency-key-reused",
                Conflict::TicketNotPending => "ticket-not-pending",
                Conflict::LastContactManager => "last-contact-manager",
                Conflict::EmailTaken => "email-taken",
                Conflict::ContactLimit => "contact-limit",
            },
            Self::TooLarge => "body-too-large",
            Self::UnsupportedMediaType(_) => "unsupported-media-type",
            Self::Invalid(_) | Self::InvalidBody(_) => "validation",
            Self::RateLimited { .. } => "too-many-requests",
            Self::Database(sqlx::Error::PoolTimedOut) => "unavailable",
            Self::Database(_) | Self::Internal(_) => "internal",
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
            Self::TooLarge => Some(format!(
                "Request bodies are limited to {} bytes.",
                crate::startup::BODY_LIMIT
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
            Self::MethodNotAllowed => Some("This path does not take that method.".into()),
            Self::Database(sqlx::Error::PoolTimedOut) => {
                Some("Every database connection is busy; try again in a moment.".into())
            }
            // Never show a database's or the system's words to a client: they are logged.
            Self::Database(_) | Self::Internal(_) => None,
        }
    }
}

/// The `(status, title)` of a problem type's slug.
fn lookup(slug: &str) -> (u16, &'static str) {
    PROBLEM_TYPES
        .iter()
        .find(|(s, _, _)| *s == slug)
        .map_or((500, "Internal error"), |(_, status, title)| {
            (*status, *title)
        })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let slug = self.slug();
        let (status, title) = lookup(slug);
        if matches!(self, Self::Database(_) | Self::Internal(_)) {
            tracing::error!(error = %self, "request failed");
        }
        let errors = match &self {
            Self::Invalid(errors) => Some(errors.as_slice()),
            _ => None,
        };
        let problem = Problem {
            kind: format!("/problems/{slug}"),
            title,
            status,
            detail: self.detail(),
            errors,
        };
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(&problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        match self {
            Self::RateLimited { retry_after } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            }
            Self::Database(sqlx::Error::PoolTimedOut) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(1));
            }
            _ => {}
        }
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Self::TooLarge,
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

    use super::{ApiError, PROBLEM_TYPES};

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

    #[test]
    fn every_problem_type_has_its_own_slug() {
        let mut slugs: Vec<&str> = PROBLEM_TYPES.iter().map(|(slug, _, _)| *slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), PROBLEM_TYPES.len());
    }
}
