//! Tickets, and the stored answers of idempotent ticket creations.

use std::collections::BTreeMap;

use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use crate::db::{from_micros, is_unique_violation, to_micros};

#[derive(Debug, Clone)]
pub struct Ticket {
    pub id: i64,
    pub kind: String,
    pub severity: Option<String>,
    pub service: Option<String>,
    pub subject: String,
    pub description: String,
    pub details: BTreeMap<String, String>,
    pub language: String,
    pub status: String,
    pub created_at: jiff::Timestamp,
    pub opened_at: Option<jiff::Timestamp>,
    pub first_response_due: Option<jiff::Timestamp>,
    pub submitter_id: i64,
    pub submitter_name: String,
    pub submitter_email: String,
    pub decided_at: Option<jiff::Timestamp>,
    pub rejection_reason: Option<String>,
}

macro_rules! ticket_select {
    () => {
        "SELECT t.id, t.kind, t.severity, t.service, t.subject, t.description, t.details, \
         t.language, t.status, t.created_at, t.opened_at, t.first_response_due, \
         t.submitter_id, p.name AS submitter_name, p.email AS submitter_email, t.decided_at, \
         t.rejection_reason FROM tickets t JOIN people p ON p.id = t.submitter_id"
    };
}

fn ticket_from_row(row: &AnyRow) -> Result<Ticket, sqlx::Error> {
    let instant = |column: &str| -> Result<Option<jiff::Timestamp>, sqlx::Error> {
        Ok(row.try_get::<Option<i64>, _>(column)?.map(from_micros))
    };
    let details: String = row.try_get("details")?;
    Ok(Ticket {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        severity: row.try_get("severity")?,
        service: row.try_get("service")?,
        subject: row.try_get("subject")?,
        description: row.try_get("description")?,
        details: serde_json::from_str(&details).unwrap_or_default(),
        language: row.try_get("language")?,
        status: row.try_get("status")?,
        created_at: from_micros(row.try_get("created_at")?),
        opened_at: instant("opened_at")?,
        first_response_due: instant("first_response_due")?,
        submitter_id: row.try_get("submitter_id")?,
        submitter_name: row.try_get("submitter_name")?,
        submitter_email: row.try_get("submitter_email")?,
        decided_at: instant("decided_at")?,
        rejection_reason: row.try_get("rejection_reason")?,
    })
}

/// A ticket about to be stored.
pub struct NewTicketRow<'a> {
    pub account_id: i64,
    pub submitter_id: i64,
    pub kind: &'a str,
    pub severity: Option<&'a str>,
    pub service: Option<&'a str>,
    pub subject: &'a str,
    pub description: &'a str,
    pub details: &'a BTreeMap<String, String>,
    pub language: &'a str,
    pub status: &'a str,
    pub created_at: jiff::Timestamp,
    pub opened_at: Option<jiff::Timestamp>,
    pub first_response_due: Option<jiff::Timestamp>,
}

/// The answer given to the first request with an idempotency key.
#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub request_hash: String,
    pub status: u16,
    pub body: String,
    pub location: String,
}

pub struct Idempotency<'a> {
    pub person_id: i64,
    pub key: &'a str,
    pub request_hash: &'a str,
}

pub enum Created {
    /// A new ticket, committed; the answer to give.
    New(StoredResponse),
    /// An earlier request with the same key created the ticket: its answer.
    Replay(StoredResponse),
}

pub async fn stored_response(
    pool: &AnyPool,
    person_id: i64,
    key: &str,
) -> Result<Option<StoredResponse>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT request_hash, response_status, response_body, response_location \
         FROM idempotency_keys WHERE person_id = $1 AND idempotency_key = $2",
    )
    .bind(person_id)
    .bind(key)
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        Ok(StoredResponse {
            request_hash: row.try_get("request_hash")?,
            status: u16::try_from(row.try_get::<i64, _>("response_status")?).unwrap_or(201),
            body: row.try_get("response_body")?,
            location: row.try_get("response_location")?,
        })
    })
    .transpose()
}

/// Stores a ticket and, in the same transaction, the answer under its idempotency key. When a
/// concurrent request with the same key committed first, the unique key makes this one roll
/// back, and its stored answer is returned instead: one ticket, one answer.
pub async fn create(
    pool: &AnyPool,
    ticket: &NewTicketRow<'_>,
    idempotency: Option<&Idempotency<'_>>,
    answer: impl FnOnce(i64) -> (String, String),
) -> Result<Created, sqlx::Error> {
    let details = serde_json::to_string(ticket.details).unwrap_or_else(|_| "{}".to_owned());
    let mut tx = pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tickets (account_id, submitter_id, kind, severity, service, subject, \
         description, details, language, status, created_at, opened_at, first_response_due) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(ticket.account_id)
    .bind(ticket.submitter_id)
    .bind(ticket.kind)
    .bind(ticket.severity)
    .bind(ticket.service)
    .bind(ticket.subject)
    .bind(ticket.description)
    .bind(details)
    .bind(ticket.language)
    .bind(ticket.status)
    .bind(to_micros(ticket.created_at))
    .bind(ticket.opened_at.map(to_micros))
    .bind(ticket.first_response_due.map(to_micros))
    .fetch_one(&mut *tx)
    .await?;
    let (body, location) = answer(id);
    let response = StoredResponse {
        request_hash: idempotency
            .map(|i| i.request_hash.to_owned())
            .unwrap_or_default(),
        status: 201,
        body,
        location,
    };
    if let Some(idempotency) = idempotency {
        let stored = sqlx::query(
            "INSERT INTO idempotency_keys (person_id, idempotency_key, request_hash, ticket_id, \
             response_status, response_body, response_location, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(idempotency.person_id)
        .bind(idempotency.key)
        .bind(idempotency.request_hash)
        .bind(id)
        .bind(i64::from(response.status))
        .bind(&response.body)
        .bind(&response.location)
        .bind(to_micros(ticket.created_at))
        .execute(&mut *tx)
        .await;
        match stored {
            Ok(_) => {}
            Err(error) if is_unique_violation(&error) => {
                tx.rollback().await?;
                return match stored_response(pool, idempotency.person_id, idempotency.key).await? {
                    Some(first) => Ok(Created::Replay(first)),
                    None => Err(error),
                };
            }
            Err(error) => return Err(error),
        }
    }
    tx.commit().await?;
    Ok(Created::New(response))
}

pub async fn find(pool: &AnyPool, account_id: i64, id: i64) -> Result<Option<Ticket>, sqlx::Error> {
    sqlx::query(concat!(
        ticket_select!(),
        " WHERE t.id = $1 AND t.account_id = $2"
    ))
    .bind(id)
    .bind(account_id)
    .fetch_optional(pool)
    .await?
    .as_ref()
    .map(ticket_from_row)
    .transpose()
}

/// A page of the account's tickets, newest first, and how many there are in all.
pub async fn page(
    pool: &AnyPool,
    account_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Ticket>, i64), sqlx::Error> {
    let tickets = sqlx::query(concat!(
        ticket_select!(),
        " WHERE t.account_id = $1 ORDER BY t.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(account_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?
    .iter()
    .map(ticket_from_row)
    .collect::<Result<Vec<_>, _>>()?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE account_id = $1")
        .bind(account_id)
        .fetch_one(pool)
        .await?;
    Ok((tickets, total))
}

pub enum Decision<'a> {
    /// Opens the ticket; its response clock starts now.
    Approve {
        due: jiff::Timestamp,
    },
    Reject {
        reason: &'a str,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("no such ticket")]
    NotFound,
    #[error("the ticket is {0}, not pending approval")]
    NotPending(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Approves or rejects a pending ticket in one statement, so two contacts deciding at once
/// cannot both succeed.
pub async fn decide(
    pool: &AnyPool,
    account_id: i64,
    id: i64,
    by: i64,
    at: jiff::Timestamp,
    decision: &Decision<'_>,
) -> Result<Ticket, DecideError> {
    let result =
        match decision {
            Decision::Approve { due } => {
                sqlx::query(
                    "UPDATE tickets SET status = 'open', opened_at = $1, first_response_due = $2, \
                 decided_by = $3, decided_at = $1 \
                 WHERE id = $4 AND account_id = $5 AND status = 'pending_approval'",
                )
                .bind(to_micros(at))
                .bind(to_micros(*due))
                .bind(by)
                .bind(id)
                .bind(account_id)
                .execute(pool)
                .await?
            }
            Decision::Reject { reason } => sqlx::query(
                "UPDATE tickets SET status = 'rejected', rejection_reason = $1, decided_by = $2, \
                 decided_at = $3 \
                 WHERE id = $4 AND account_id = $5 AND status = 'pending_approval'",
            )
            .bind(*reason)
            .bind(by)
            .bind(to_micros(at))
            .bind(id)
            .bind(account_id)
            .execute(pool)
            .await?,
        };
    let ticket = find(pool, account_id, id)
        .await?
        .ok_or(DecideError::NotFound)?;
    if result.rows_affected() == 1 {
        Ok(ticket)
    } else {
        Err(DecideError::NotPending(ticket.status))
    }
}
