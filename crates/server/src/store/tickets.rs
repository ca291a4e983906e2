//! Tickets, and the stored answers of idempotent ticket creations.

use sqlx::any::Any;
use sqlx::any::AnyRow;
use sqlx::{Row, Transaction};
use support_api::Entry;
use support_api::{Submitter, TicketStatus};
use support_rules::{ServiceId, Severity, SupportLevel, TicketKind, TicketType};

use crate::db::{Db, from_micros, is_unique_violation, to_micros};
use crate::domain::notice::Links;
use crate::domain::queue::QueuePlace;
use crate::domain::rules::Opening;
use crate::domain::{Account, IdempotencyKey, NewTicket, Person, RejectionReason, Ticket};
use crate::store::outbox;
use crate::store::timeline::{self, NewEntry};

macro_rules! ticket_select {
    () => {
        "SELECT t.id, t.kind, t.severity, t.service, t.subject, t.description, t.details, \
         t.language, t.status, t.created_at, t.opened_at, t.first_response_due, \
         t.submitter_id, p.name AS submitter_name, p.email AS submitter_email, t.decided_at, \
         t.rejection_reason, t.solved_at, t.account_id, a.level AS account_level, \
         a.tsm AS account_tsm, t.follows_id FROM tickets t JOIN people p ON p.id = t.submitter_id \
         JOIN accounts a ON a.id = t.account_id"
    };
}

fn broken(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("tickets.{column} holds `{value}`").into())
}

/// The kind of a stored ticket from its `kind`, `severity` and `service` columns.
pub(crate) fn kind_from_row(row: &AnyRow) -> Result<TicketKind, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let severity: Option<String> = row.try_get("severity")?;
    let service: Option<String> = row.try_get("service")?;
    match kind.parse::<TicketType>() {
        Ok(TicketType::Incident) => {
            let severity = severity.unwrap_or_default();
            let severity = severity
                .parse::<Severity>()
                .map_err(|_| broken("severity", &severity))?;
            Ok(TicketKind::Incident { severity })
        }
        Ok(TicketType::Request) => {
            let service = service.unwrap_or_default();
            let service = service
                .parse::<ServiceId>()
                .map_err(|_| broken("service", &service))?;
            Ok(TicketKind::Request { service })
        }
        Ok(TicketType::Question) => Ok(TicketKind::Question),
        Err(_) => Err(broken("kind", &kind)),
    }
}

pub(crate) fn status_from_row(row: &AnyRow) -> Result<TicketStatus, sqlx::Error> {
    let status: String = row.try_get("status")?;
    TicketStatus::from_key(&status).ok_or_else(|| broken("status", &status))
}

/// The `kind`, `severity` and `service` columns of a kind.
fn kind_columns(kind: &TicketKind) -> (&'static str, Option<&'static str>, Option<&str>) {
    let key = kind.ticket_type().key();
    match kind {
        TicketKind::Incident { severity } => (key, Some(severity.key()), None),
        TicketKind::Request { service } => (key, None, Some(service.as_str())),
        TicketKind::Question => (key, None, None),
    }
}

fn ticket_from_row(row: &AnyRow) -> Result<Ticket, sqlx::Error> {
    let instant = |column: &str| -> Result<Option<jiff::Timestamp>, sqlx::Error> {
        Ok(row.try_get::<Option<i64>, _>(column)?.map(from_micros))
    };
    let details: String = row.try_get("details")?;
    Ok(Ticket {
        id: row.try_get("id")?,
        kind: kind_from_row(row)?,
        subject: row.try_get("subject")?,
        description: row.try_get("description")?,
        details: serde_json::from_str(&details).unwrap_or_default(),
        language: row.try_get("language")?,
        status: status_from_row(row)?,
        created_at: from_micros(row.try_get("created_at")?),
        opened_at: instant("opened_at")?,
        first_response_due: instant("first_response_due")?,
        submitter: Submitter {
            id: row.try_get("submitter_id")?,
            name: row.try_get("submitter_name")?,
            email: row.try_get("submitter_email")?,
        },
        decided_at: instant("decided_at")?,
        rejection_reason: row.try_get("rejection_reason")?,
        solved_at: instant("solved_at")?,
        account_id: row.try_get("account_id")?,
        level: level_column(row.try_get("account_level")?)?,
        tsm: row.try_get::<i64, _>("account_tsm")? != 0,
        follows: row.try_get("follows_id")?,
    })
}

fn level_column(level: i64) -> Result<SupportLevel, sqlx::Error> {
    u8::try_from(level)
        .ok()
        .and_then(|level| SupportLevel::try_from(level).ok())
        .ok_or_else(|| broken("accounts.level", &level.to_string()))
}

/// A ticket about to be stored: what was submitted, by whom, when, and how it opens.
pub struct NewTicketRow<'a> {
    pub account: &'a Account,
    pub submitter: &'a Person,
    pub ticket: &'a NewTicket,
    pub created_at: jiff::Timestamp,
    pub opening: Opening,
}

impl NewTicketRow<'_> {
    /// The ticket as it reads back once stored as `id`.
    fn stored(&self, id: i64) -> Ticket {
        Ticket {
            id,
            kind: self.ticket.kind.clone(),
            subject: self.ticket.subject.clone(),
            description: self.ticket.description.clone(),
            details: self.ticket.details.clone(),
            language: self.ticket.language.clone(),
            status: self.opening.status,
            created_at: self.created_at,
            opened_at: self.opening.opened_at,
            first_response_due: self.opening.first_response_due,
            submitter: Submitter {
                id: self.submitter.id,
                name: self.submitter.name.clone(),
                email: self.submitter.email.clone(),
            },
            decided_at: None,
            rejection_reason: None,
            solved_at: None,
            account_id: self.account.id,
            level: self.account.level,
            tsm: self.account.tsm,
            follows: self.ticket.follows,
        }
    }
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
    pub key: &'a IdempotencyKey,
    pub request_hash: &'a str,
}

pub enum Created {
    /// A new ticket, committed; the answer to give.
    New(StoredResponse),
    /// An earlier request with the same key created the ticket: its answer.
    Replay(StoredResponse),
}

pub async fn stored_response(
    db: &Db,
    person_id: i64,
    key: &IdempotencyKey,
) -> Result<Option<StoredResponse>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT request_hash, response_status, response_body, response_location \
         FROM idempotency_keys WHERE person_id = $1 AND idempotency_key = $2",
    )
    .bind(person_id)
    .bind(key.as_str())
    .fetch_optional(db.reader())
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

/// Stores a ticket and, in the same transaction, the answer under its idempotency key
/// (`answer` turns the stored ticket into the body and the location to answer with). When a
/// concurrent request with the same key committed first, the unique key makes this one roll
/// back, and its stored answer is returned instead: one ticket, one answer. The e-mails the
/// new ticket owes (see `domain::notice`) are written in the same transaction.
pub async fn create(
    db: &Db,
    row: &NewTicketRow<'_>,
    idempotency: Option<&Idempotency<'_>>,
    links: &Links,
    answer: impl FnOnce(Ticket) -> (String, String),
) -> Result<Created, sqlx::Error> {
    let ticket = row.ticket;
    let details = serde_json::to_string(&ticket.details).unwrap_or_else(|_| "{}".to_owned());
    let (kind, severity, service) = kind_columns(&ticket.kind);
    // An open ticket waits for its first response; a pending one is not in the queue yet.
    let queued = match (row.opening.status, row.opening.first_response_due) {
        (TicketStatus::Open, Some(due)) => QueuePlace::Due(due),
        _ => QueuePlace::Out,
    }
    .columns();
    let mut tx = db.writer().begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tickets (account_id, submitter_id, kind, severity, service, subject, \
         description, details, language, status, created_at, opened_at, first_response_due, \
         queue_paused, queue_due, follows_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
         RETURNING id",
    )
    .bind(row.account.id)
    .bind(row.submitter.id)
    .bind(kind)
    .bind(severity)
    .bind(service)
    .bind(&ticket.subject)
    .bind(&ticket.description)
    .bind(details)
    .bind(&ticket.language)
    .bind(row.opening.status.key())
    .bind(to_micros(row.created_at))
    .bind(row.opening.opened_at.map(to_micros))
    .bind(row.opening.first_response_due.map(to_micros))
    .bind(queued.0)
    .bind(queued.1)
    .bind(ticket.follows)
    .fetch_one(&mut *tx)
    .await?;
    let submitted = NewEntry {
        ticket_id: id,
        at: row.created_at,
        author_id: Some(row.submitter.id),
        entry: &Entry::Submitted,
    };
    timeline::append(&mut tx, &submitted).await?;
    outbox::notify(&mut tx, &submitted, links).await?;
    // The closed ticket's history says where its matter went on.
    if let Some(closed) = ticket.follows {
        let followed = NewEntry {
            ticket_id: closed,
            at: row.created_at,
            author_id: Some(row.submitter.id),
            entry: &Entry::FollowedUp { follow_up: id },
        };
        timeline::append(&mut tx, &followed).await?;
    }
    let (body, location) = answer(row.stored(id));
    let response = StoredResponse {
        request_hash: idempotency
            .map(|i| i.request_hash.to_owned())
            .unwrap_or_default(),
        status: 201,
        body,
        location,
    };
    if let Some(idempotency) = idempotency {
        match keep_answer(db, tx, idempotency, id, &response, row.created_at).await? {
            Kept::Stored(stored) => tx = stored,
            Kept::Replay(first) => return Ok(Created::Replay(first)),
        }
    }
    tx.commit().await?;
    db.entries_committed();
    Ok(Created::New(response))
}

/// What [`keep_answer`] did with the transaction.
pub enum Kept {
    /// The answer is in the transaction, handed back to be committed.
    Stored(Transaction<'static, Any>),
    /// A concurrent request with the same key committed first: the transaction was rolled
    /// back, and this is that request's answer.
    Replay(StoredResponse),
}

/// Stores `response` under the request's idempotency key inside `tx`, the transaction that
/// made what it answers (a ticket, a timeline entry), so that the answer and the change commit
/// together or not at all.
pub async fn keep_answer(
    db: &Db,
    mut tx: Transaction<'static, Any>,
    idempotency: &Idempotency<'_>,
    ticket_id: i64,
    response: &StoredResponse,
    at: jiff::Timestamp,
) -> Result<Kept, sqlx::Error> {
    let stored = sqlx::query(
        "INSERT INTO idempotency_keys (person_id, idempotency_key, request_hash, ticket_id, \
         response_status, response_body, response_location, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(idempotency.person_id)
    .bind(idempotency.key.as_str())
    .bind(idempotency.request_hash)
    .bind(ticket_id)
    .bind(i64::from(response.status))
    .bind(&response.body)
    .bind(&response.location)
    .bind(to_micros(at))
    .execute(&mut *tx)
    .await;
    match stored {
        Ok(_) => Ok(Kept::Stored(tx)),
        Err(error) if is_unique_violation(&error) => {
            tx.rollback().await?;
            match stored_response(db, idempotency.person_id, idempotency.key).await? {
                Some(first) => Ok(Kept::Replay(first)),
                None => Err(error),
            }
        }
        Err(error) => Err(error),
    }
}

/// Whose tickets a reader sees: one account's (a customer), or every account's (a support
/// engineer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Account(i64),
    AllAccounts,
}

pub async fn find(db: &Db, scope: Scope, id: i64) -> Result<Option<Ticket>, sqlx::Error> {
    find_in(db.reader(), scope, id).await
}

/// The ticket read through the writer, so that a change about to be made sees its latest state.
pub async fn find_latest(db: &Db, scope: Scope, id: i64) -> Result<Option<Ticket>, sqlx::Error> {
    find_in(db.writer(), scope, id).await
}

async fn find_in(
    pool: &sqlx::AnyPool,
    scope: Scope,
    id: i64,
) -> Result<Option<Ticket>, sqlx::Error> {
    let row = match scope {
        Scope::Account(account_id) => {
            sqlx::query(concat!(
                ticket_select!(),
                " WHERE t.id = $1 AND t.account_id = $2"
            ))
            .bind(id)
            .bind(account_id)
            .fetch_optional(pool)
            .await?
        }
        Scope::AllAccounts => {
            sqlx::query(concat!(ticket_select!(), " WHERE t.id = $1"))
                .bind(id)
                .fetch_optional(pool)
                .await?
        }
    };
    row.as_ref().map(ticket_from_row).transpose()
}

/// Which of the account's tickets a page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub scope: Scope,
    /// Only the tickets of this status; every ticket when `None`.
    pub status: Option<TicketStatus>,
    pub limit: u32,
    pub offset: u64,
}

const PAGE_OF_STATUS: &str = concat!(
    ticket_select!(),
    " WHERE t.account_id = $1 AND t.status = $2 ORDER BY t.id DESC LIMIT $3 OFFSET $4"
);
const COUNT_OF_STATUS: &str = "SELECT COUNT(*) FROM tickets WHERE account_id = $1 AND status = $2";

/// A page of the account's tickets (of one status, when asked), newest first, and how many
/// match in all. Both queries run on the index `(account_id, status, id)` or
/// `(account_id, id)`.
pub async fn page(db: &Db, request: PageRequest) -> Result<(Vec<Ticket>, u64), sqlx::Error> {
    let limit = i64::from(request.limit);
    let offset = i64::try_from(request.offset).unwrap_or(i64::MAX);
    let reader = db.reader();
    let (rows, total): (Vec<AnyRow>, i64) = match (request.scope, request.status) {
        (Scope::Account(account_id), None) => (
            sqlx::query(concat!(
                ticket_select!(),
                " WHERE t.account_id = $1 ORDER BY t.id DESC LIMIT $2 OFFSET $3"
            ))
            .bind(account_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(reader)
            .await?,
            sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE account_id = $1")
                .bind(account_id)
                .fetch_one(reader)
                .await?,
        ),
        (Scope::Account(account_id), Some(status)) => (
            sqlx::query(PAGE_OF_STATUS)
                .bind(account_id)
                .bind(status.key())
                .bind(limit)
                .bind(offset)
                .fetch_all(reader)
                .await?,
            sqlx::query_scalar(COUNT_OF_STATUS)
                .bind(account_id)
                .bind(status.key())
                .fetch_one(reader)
                .await?,
        ),
        (Scope::AllAccounts, None) => (
            sqlx::query(concat!(
                ticket_select!(),
                " ORDER BY t.id DESC LIMIT $1 OFFSET $2"
            ))
            .bind(limit)
            .bind(offset)
            .fetch_all(reader)
            .await?,
            sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
                .fetch_one(reader)
                .await?,
        ),
        (Scope::AllAccounts, Some(status)) => (
            sqlx::query(concat!(
                ticket_select!(),
                " WHERE t.status = $1 ORDER BY t.id DESC LIMIT $2 OFFSET $3"
            ))
            .bind(status.key())
            .bind(limit)
            .bind(offset)
            .fetch_all(reader)
            .await?,
            sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE status = $1")
                .bind(status.key())
                .fetch_one(reader)
                .await?,
        ),
    };
    let tickets = rows
        .iter()
        .map(ticket_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((tickets, u64::try_from(total).unwrap_or_default()))
}

pub enum Decision<'a> {
    /// Opens the ticket; its response clock starts at the decision.
    Approve {
        due: jiff::Timestamp,
    },
    Reject {
        reason: &'a RejectionReason,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("no such ticket")]
    NotFound,
    #[error("the ticket is {0}, not pending approval")]
    NotPending(TicketStatus),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Approves or rejects a pending ticket in one conditional statement, so two contacts
/// deciding at once cannot both succeed, and records the decision in its timeline (and the
/// e-mails it owes) in the same transaction.
pub async fn decide(
    db: &Db,
    links: &Links,
    account_id: i64,
    id: i64,
    by: i64,
    at: jiff::Timestamp,
    decision: &Decision<'_>,
) -> Result<Ticket, DecideError> {
    let mut tx = db.writer().begin().await?;
    let (result, entry) = match decision {
        Decision::Approve { due } => (
            sqlx::query(
                "UPDATE tickets SET status = $1, opened_at = $2, first_response_due = $3, \
                 decided_by = $4, decided_at = $2, queue_paused = 0, queue_due = $3 \
                 WHERE id = $5 AND account_id = $6 AND status = $7",
            )
            .bind(TicketStatus::Open.key())
            .bind(to_micros(at))
            .bind(to_micros(*due))
            .bind(by)
            .bind(id)
            .bind(account_id)
            .bind(TicketStatus::PendingApproval.key())
            .execute(&mut *tx)
            .await?,
            Entry::Approved,
        ),
        Decision::Reject { reason } => (
            sqlx::query(
                "UPDATE tickets SET status = $1, rejection_reason = $2, decided_by = $3, \
                 decided_at = $4 \
                 WHERE id = $5 AND account_id = $6 AND status = $7",
            )
            .bind(TicketStatus::Rejected.key())
            .bind(reason.as_str())
            .bind(by)
            .bind(to_micros(at))
            .bind(id)
            .bind(account_id)
            .bind(TicketStatus::PendingApproval.key())
            .execute(&mut *tx)
            .await?,
            Entry::Rejected {
                reason: reason.as_str().to_owned(),
            },
        ),
    };
    let decided = result.rows_affected() == 1;
    if decided {
        let decision = NewEntry {
            ticket_id: id,
            at,
            author_id: Some(by),
            entry: &entry,
        };
        timeline::append(&mut tx, &decision).await?;
        outbox::notify(&mut tx, &decision, links).await?;
    }
    tx.commit().await?;
    if decided {
        db.entries_committed();
    }
    let ticket = find_in(db.writer(), Scope::Account(account_id), id)
        .await?
        .ok_or(DecideError::NotFound)?;
    if decided {
        Ok(ticket)
    } else {
        Err(DecideError::NotPending(ticket.status))
    }
}

/// The tickets whose deadlines may still be recorded: those whose clock runs or ran until
/// they were solved (a closed ticket had its outcomes recorded before it closed).
pub async fn with_deadlines(db: &Db) -> Result<Vec<Ticket>, sqlx::Error> {
    sqlx::query(concat!(
        ticket_select!(),
        " WHERE t.status IN ('open', 'in_progress', 'waiting_for_customer', 'solved') \
         ORDER BY t.id"
    ))
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(ticket_from_row)
    .collect()
}

/// The tickets whose response clock started in `[start, end)`, by id (the report's).
pub async fn opened_between(
    db: &Db,
    start: jiff::Timestamp,
    end: jiff::Timestamp,
) -> Result<Vec<Ticket>, sqlx::Error> {
    sqlx::query(concat!(
        ticket_select!(),
        " WHERE t.opened_at >= $1 AND t.opened_at < $2 ORDER BY t.id"
    ))
    .bind(to_micros(start))
    .bind(to_micros(end))
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(ticket_from_row)
    .collect()
}

/// Closes the tickets solved before `cutoff` (their reopening window has passed), each with
/// its `closed` entry, in one conditional transaction per ticket: with several servers, each
/// ticket closes once. Returns the ids closed here.
pub async fn close_solved_before(
    db: &Db,
    cutoff: jiff::Timestamp,
    now: jiff::Timestamp,
) -> Result<Vec<i64>, sqlx::Error> {
    let candidates: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM tickets WHERE status = $1 AND solved_at < $2 ORDER BY id",
    )
    .bind(TicketStatus::Solved.key())
    .bind(to_micros(cutoff))
    .fetch_all(db.reader())
    .await?;
    let mut closed = Vec::new();
    for id in candidates {
        let mut tx = db.writer().begin().await?;
        let updated = sqlx::query(
            "UPDATE tickets SET status = $1 WHERE id = $2 AND status = $3 AND solved_at < $4",
        )
        .bind(TicketStatus::Closed.key())
        .bind(id)
        .bind(TicketStatus::Solved.key())
        .bind(to_micros(cutoff))
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 1 {
            timeline::append(
                &mut tx,
                &NewEntry {
                    ticket_id: id,
                    at: now,
                    author_id: None,
                    entry: &Entry::Closed,
                },
            )
            .await?;
            tx.commit().await?;
            db.entries_committed();
            closed.push(id);
        } else {
            tx.rollback().await?;
        }
    }
    Ok(closed)
}

#[cfg(test)]
mod tests {
    use super::{COUNT_OF_STATUS, PAGE_OF_STATUS};
    use crate::db::Db;

    /// What SQLite's planner says it does for `sql`.
    async fn plan(db: &Db, sql: &str) -> String {
        let rows: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")))
                .bind(1_i64)
                .bind("pending_approval")
                .bind(20_i64)
                .bind(0_i64)
                .fetch_all(db.reader())
                .await
                .expect("a query plan");
        rows.into_iter()
            .map(|(.., detail)| detail)
            .collect::<Vec<_>>()
            .join("; ")
    }

    #[tokio::test]
    async fn a_page_and_the_count_of_one_status_are_read_on_the_status_index_without_sorting() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let db = Db::connect(&format!("sqlite://{}/plan.db", folder.path().display()))
            .await
            .expect("a database");
        for sql in [PAGE_OF_STATUS, COUNT_OF_STATUS] {
            let plan = plan(&db, sql).await;
            assert!(plan.contains("tickets_account_status_newest"), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "sorted: {plan}");
        }
    }
}
