//! The rules crate's quote: by when support would first respond to a ticket.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use support_api::{FieldCode, FieldError, Quote};
use support_rules::{QuoteRequest, SupportLevel};

use crate::domain::parse_kind;
use crate::error::ApiError;
use crate::routes::extract::ApiQuery;
use crate::state::AppState;

const PARAMETERS: [&str; 6] = ["level", "tsm", "type", "severity", "service", "at"];

/// `GET /api/quote?level=&tsm=&type=&severity=&service=&at=`: `at` (RFC 3339) defaults to
/// now, `tsm` to false.
pub async fn quote(
    State(state): State<AppState>,
    ApiQuery(mut query): ApiQuery<HashMap<String, String>>,
) -> Result<Json<Quote>, ApiError> {
    let mut errors = Vec::new();
    let mut unknown: Vec<&String> = query
        .keys()
        .filter(|key| !PARAMETERS.contains(&key.as_str()))
        .collect();
    unknown.sort();
    for key in unknown {
        errors.push(FieldError::new(
            FieldCode::Invalid,
            key,
            "is not a parameter of a quote",
        ));
    }
    let level = match query.get("level").map(|v| v.parse::<u8>()) {
        Some(Ok(n)) => SupportLevel::try_from(n).ok(),
        _ => None,
    };
    if level.is_none() {
        errors.push(FieldError::new(
            FieldCode::Invalid,
            "level",
            "must be 1, 2 or 3",
        ));
    }
    let tsm = match query.get("tsm").map(String::as_str) {
        None | Some("false" | "0") => false,
        Some("true" | "1") => true,
        Some(_) => {
            errors.push(FieldError::new(
                FieldCode::Invalid,
                "tsm",
                "must be true or false",
            ));
            false
        }
    };
    let at = match query.get("at") {
        None => jiff::Timestamp::now(),
        Some(text) => text.parse::<jiff::Timestamp>().unwrap_or_else(|_| {
            errors.push(FieldError::new(
                FieldCode::Invalid,
                "at",
                "must be an instant in RFC 3339 form, such as 2026-12-24T20:00:00Z",
            ));
            jiff::Timestamp::now()
        }),
    };
    let policy = &state.policy.policy;
    let severity = query.remove("severity");
    let service = query.remove("service");
    let kind = parse_kind(
        query.get("type").map(String::as_str),
        severity,
        service,
        policy,
    )
    .map_err(|kind_errors| errors.extend(kind_errors))
    .ok();
    let (Some(level), Some(kind)) = (level, kind) else {
        return Err(ApiError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    policy
        .quote(&QuoteRequest {
            level,
            tsm,
            kind,
            at,
        })
        .map(Json)
        .map_err(|error| ApiError::invalid("at", &error.to_string()))
}
