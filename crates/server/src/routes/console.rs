//! The support console's API under `/api/console/`: engineers only (an `Engineer` extractor:
//! 401 without a session, 403 for customers).

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use support_api::{Assignment, Engineers, FieldCode, FieldError, Queue, TimelineEntry};

use crate::auth::Engineer;
use crate::domain::queue::{self, Cursor, PageSize, QueueFilter};
use crate::domain::report::{self, DayRange};
use crate::domain::{FieldProblem, Invalid};
use crate::error::ApiError;
use crate::routes::extract::{ApiJson, ApiPath, ApiQuery};
use crate::service::console as service;
use crate::state::AppState;

/// Every wrong parameter at once: unknown ones, and known ones that do not parse.
struct Parameters {
    query: HashMap<String, String>,
    errors: Vec<FieldError>,
}

impl Parameters {
    fn new(query: HashMap<String, String>, known: &[&str], what: &str) -> Self {
        let mut unknown: Vec<&String> = query
            .keys()
            .filter(|key| !known.contains(&key.as_str()))
            .collect();
        unknown.sort();
        let errors = unknown
            .into_iter()
            .map(|key| {
                FieldError::new(
                    FieldCode::Invalid,
                    key,
                    format!("is not a parameter of {what}"),
                )
            })
            .collect();
        Self { query, errors }
    }

    fn get<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, FieldProblem>,
    ) -> Option<T> {
        let text = self.query.get(name)?;
        match parse(text) {
            Ok(value) => Some(value),
            Err(problem) => {
                self.errors.push(problem.named(name));
                None
            }
        }
    }

    fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.errors).into())
        }
    }
}

const QUEUE_PARAMETERS: [&str; 9] = [
    "level", "severity", "type", "status", "account", "assigned", "cursor", "limit", "at",
];

fn instant(text: &str) -> Result<jiff::Timestamp, FieldProblem> {
    text.parse::<jiff::Timestamp>().map_err(|_| {
        FieldProblem::new(
            FieldCode::Invalid,
            "must be an instant in RFC 3339 form, such as 2026-12-24T20:00:00Z",
        )
    })
}

/// `GET /api/console/queue?level=&severity=&type=&status=&account=&assigned=&cursor=&limit=&at=`.
pub async fn queue(
    State(state): State<AppState>,
    Engineer(me): Engineer,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
) -> Result<Json<Queue>, ApiError> {
    let mut parameters = Parameters::new(query, &QUEUE_PARAMETERS, "the queue");
    let filter = QueueFilter {
        level: parameters.get("level", queue::parse_level),
        severity: parameters.get("severity", queue::parse_severity),
        ticket_type: parameters.get("type", queue::parse_type),
        status: parameters.get("status", queue::parse_queue_status),
        account: parameters.get("account", queue::parse_id),
        assigned: parameters.get("assigned", queue::parse_assigned),
    };
    let cursor = parameters
        .get("cursor", Cursor::parse)
        .unwrap_or(Cursor::START);
    let size = parameters
        .get("limit", PageSize::parse)
        .unwrap_or(PageSize::DEFAULT);
    let at = parameters.get("at", instant).unwrap_or_else(crate::db::now);
    parameters.finish()?;
    Ok(Json(
        service::queue(&state, &me, &filter, cursor, size, at).await?,
    ))
}

/// `GET /api/console/engineers`: who a ticket can be assigned to. It takes no parameter.
pub async fn engineers(
    State(state): State<AppState>,
    Engineer(_): Engineer,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
) -> Result<Json<Engineers>, ApiError> {
    Parameters::new(query, &[], "the engineers' list").finish()?;
    Ok(Json(service::engineers(&state).await?))
}

/// `POST /api/console/tickets/{id}/assignee` with `{engineer_id}` (`null`: nobody).
pub async fn assign(
    State(state): State<AppState>,
    Engineer(me): Engineer,
    ApiPath(id): ApiPath<i64>,
    ApiJson(assignment): ApiJson<Assignment>,
) -> Result<(StatusCode, Json<TimelineEntry>), ApiError> {
    let entry = service::assign(&state, &me, id, assignment.engineer_id).await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

/// How a report is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

fn format(text: &str) -> Result<Format, FieldProblem> {
    match text {
        "json" => Ok(Format::Json),
        "csv" => Ok(Format::Csv),
        _ => Err(FieldProblem::new(
            FieldCode::UnknownValue,
            "must be one of json, csv",
        )),
    }
}

/// `GET /api/console/report?from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|csv`.
pub async fn report(
    State(state): State<AppState>,
    Engineer(_): Engineer,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let mut parameters = Parameters::new(query, &["from", "to", "format"], "the report");
    let format = parameters.get("format", format).unwrap_or(Format::Json);
    let range = DayRange::parse(
        parameters.query.get("from").map(String::as_str),
        parameters.query.get("to").map(String::as_str),
    );
    let range = match range {
        Ok(range) => Some(range),
        Err(Invalid(errors)) => {
            parameters.errors.extend(errors);
            None
        }
    };
    parameters.finish()?;
    let Some(range) = range else {
        return Err(ApiError::invalid("from", "is required"));
    };
    let answer = service::report(&state, range).await?;
    Ok(match format {
        Format::Json => Json(answer).into_response(),
        Format::Csv => {
            let name = format!(
                "attachment; filename=\"report-{}-{}.csv\"",
                range.from, range.to
            );
            let mut response = report::csv(&answer.rows).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            if let Ok(value) = HeaderValue::from_str(&name) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
    })
}
