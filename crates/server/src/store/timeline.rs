//! Each ticket's timeline: entries are appended, never changed. An entry's type and its text
//! have columns of their own (`kind`, `body`); its other members are a JSON object (`data`).
//! Internal notes are kept from customers here, in the query itself.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use sqlx::Row;
use sqlx::any::AnyRow;
use support_api::{Author, Entry, Role, TimelineEntry};

use support_api::TicketStatus;
use support_rules::{Severity, SlaError};

use crate::db::{Backend, Db, flag, from_micros, is_unique_violation, to_micros};
use crate::domain::notice::Links;
use crate::domain::queue::QueuePlace;
use crate::store::attachments;
use crate::store::console;
use crate::store::outbox;
use crate::store::tickets::{Idempotency, Kept, StoredResponse, keep_answer};

/// Who reads a timeline: a customer never gets an internal note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readers {
    Customers,
    Engineers,
}

/// An entry about to be appended.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub ticket_id: i64,
    pub at: jiff::Timestamp,
    /// `None` for what the server records itself.
    pub author_id: Option<i64>,
    pub entry: &'a Entry,
}

/// The member of each entry type that is its text, kept in the `body` column.
fn text_member(kind: &str) -> Option<&'static str> {
    match kind {
        "public_message" | "internal_note" | "request_for_information" | "customer_message" => {
            Some("body")
        }
        "rejected" | "reopened" | "severity_changed" => Some("reason"),
        "escalated" => Some("detail"),
        "rated" => Some("comment"),
        _ => None,
    }
}

/// The `kind`, `body` and `data` columns of an entry.
fn columns(entry: &Entry) -> (String, Option<String>, String) {
    let mut members = match serde_json::to_value(entry) {
        Ok(Value::Object(members)) => members,
        _ => Map::new(),
    };
    let kind = match members.remove("type") {
        Some(Value::String(kind)) => kind,
        _ => String::new(),
    };
    let body = text_member(&kind)
        .and_then(|member| members.remove(member))
        .and_then(|value| match value {
            Value::String(text) => Some(text),
            _ => None,
        });
    (kind, body, Value::Object(members).to_string())
}

fn entry_from_row(row: &AnyRow) -> Result<TimelineEntry, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let body: Option<String> = row.try_get("body")?;
    let data: String = row.try_get("data")?;
    let broken = |what: String| sqlx::Error::Decode(what.into());
    let mut members: Map<String, Value> = serde_json::from_str(&data)
        .map_err(|e| broken(format!("ticket_entries.data is not a JSON object: {e}")))?;
    if let (Some(member), Some(body)) = (text_member(&kind), body) {
        members.insert(member.to_owned(), Value::String(body));
    }
    members.insert("type".to_owned(), Value::String(kind.clone()));
    let entry: Entry = serde_json::from_value(Value::Object(members))
        .map_err(|e| broken(format!("ticket entry of type `{kind}`: {e}")))?;
    let author = match row.try_get::<Option<String>, _>("author_name")? {
        None => None,
        Some(name) => {
            let role: String = row.try_get("author_role")?;
            Some(Author {
                name,
                role: Role::from_key(&role)
                    .ok_or_else(|| broken(format!("people.role holds `{role}`")))?,
            })
        }
    };
    Ok(TimelineEntry {
        id: row.try_get("id")?,
        at: from_micros(row.try_get("at")?),
        author,
        entry,
    })
}

macro_rules! entry_select {
    () => {
        "SELECT e.id, e.at, e.kind, e.body, e.data, p.name AS author_name, \
         p.role AS author_role FROM ticket_entries e LEFT JOIN people p ON p.id = e.author_id"
    };
}

/// Appends an entry inside the caller's transaction; returns it as it reads back.
pub async fn append(
    connection: &mut sqlx::AnyConnection,
    new: &NewEntry<'_>,
) -> Result<TimelineEntry, sqlx::Error> {
    let internal = matches!(new.entry, Entry::InternalNote { .. });
    insert_entry(connection, new, internal).await
}

/// Appends an entry that customers see unless `internal`.
async fn insert_entry(
    connection: &mut sqlx::AnyConnection,
    new: &NewEntry<'_>,
    internal: bool,
) -> Result<TimelineEntry, sqlx::Error> {
    let (kind, body, data) = columns(new.entry);
    let (deadline, number, deadline_at) = match new.entry {
        Entry::DeadlineMet {
            deadline, number, ..
        }
        | Entry::DeadlineBreached {
            deadline, number, ..
        } => (
            Some(deadline_key(*deadline)),
            Some(i64::from(*number)),
            Some(to_micros(new.at)),
        ),
        _ => (None, None, None),
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO ticket_entries (ticket_id, at, author_id, kind, internal, body, data, \
         deadline, deadline_number, deadline_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(new.ticket_id)
    .bind(to_micros(new.at))
    .bind(new.author_id)
    .bind(&kind)
    .bind(flag(internal))
    .bind(body)
    .bind(data)
    .bind(deadline)
    .bind(number)
    .bind(deadline_at)
    .fetch_one(&mut *connection)
    .await?;
    let row = sqlx::query(concat!(entry_select!(), " WHERE e.id = $1"))
        .bind(id)
        .fetch_one(&mut *connection)
        .await?;
    entry_from_row(&row)
}

/// Appends a deadline's outcome unless it is recorded already (by this server or another):
/// `true` when this call recorded it.
pub async fn record_once(db: &Db, new: &NewEntry<'_>) -> Result<bool, sqlx::Error> {
    let (kind, body, data) = columns(new.entry);
    let (deadline, number) = match new.entry {
        Entry::DeadlineMet {
            deadline, number, ..
        }
        | Entry::DeadlineBreached {
            deadline, number, ..
        } => (deadline_key(*deadline), i64::from(*number)),
        _ => return Ok(false),
    };
    let recorded: Option<i64> = sqlx::query_scalar(
        "INSERT INTO ticket_entries (ticket_id, at, author_id, kind, internal, body, data, \
         deadline, deadline_number, deadline_at) \
         VALUES ($1, $2, NULL, $3, 0, $4, $5, $6, $7, $2) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(new.ticket_id)
    .bind(to_micros(new.at))
    .bind(&kind)
    .bind(body)
    .bind(data)
    .bind(deadline)
    .bind(number)
    .fetch_optional(db.writer())
    .await?;
    if recorded.is_some() {
        db.entries_committed();
    }
    Ok(recorded.is_some())
}

fn deadline_key(deadline: support_api::Deadline) -> &'static str {
    match deadline {
        support_api::Deadline::FirstResponse => "first_response",
        support_api::Deadline::NextUpdate => "next_update",
    }
}

/// A ticket's timeline, oldest first, as `readers` may see it.
pub async fn entries(
    db: &Db,
    ticket_id: i64,
    readers: Readers,
) -> Result<Vec<TimelineEntry>, sqlx::Error> {
    let sql = match readers {
        Readers::Customers => ENTRIES_FOR_CUSTOMERS,
        Readers::Engineers => ENTRIES_FOR_ENGINEERS,
    };
    sqlx::query(sql)
        .bind(ticket_id)
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(entry_from_row)
        .collect()
}

/// The entries customers see of each ticket of `ticket_ids`, by ticket (in id order): the
/// histories of a page of tickets in one query. The ids travel as one JSON array, which each
/// database unpacks itself.
pub async fn customer_entries_of(
    db: &Db,
    ticket_ids: &[i64],
) -> Result<BTreeMap<i64, Vec<TimelineEntry>>, sqlx::Error> {
    let mut histories: BTreeMap<i64, Vec<TimelineEntry>> = BTreeMap::new();
    if ticket_ids.is_empty() {
        return Ok(histories);
    }
    let sql = match db.backend() {
        Backend::Sqlite => ENTRIES_OF_TICKETS_SQLITE,
        Backend::Postgres => ENTRIES_OF_TICKETS_POSTGRES,
    };
    let ids = Value::from(ticket_ids.to_vec()).to_string();
    for row in sqlx::query(sql).bind(ids).fetch_all(db.reader()).await? {
        let ticket_id: i64 = row.try_get("ticket_id")?;
        histories
            .entry(ticket_id)
            .or_default()
            .push(entry_from_row(&row)?);
    }
    Ok(histories)
}

macro_rules! entries_of_tickets {
    ($ids:literal) => {
        concat!(
            "SELECT e.ticket_id, e.id, e.at, e.kind, e.body, e.data, p.name AS author_name, \
             p.role AS author_role FROM ticket_entries e LEFT JOIN people p ON p.id = e.author_id \
             WHERE e.ticket_id IN (",
            $ids,
            ") AND e.internal = 0 ORDER BY e.ticket_id, e.id"
        )
    };
}
const ENTRIES_OF_TICKETS_SQLITE: &str = entries_of_tickets!("SELECT value FROM json_each($1)");
const ENTRIES_OF_TICKETS_POSTGRES: &str =
    entries_of_tickets!("SELECT jsonb_array_elements_text($1::jsonb)::bigint");

/// The entries customers see of every ticket opened in `[start, end)`, by ticket then id:
/// the report's histories, in one query.
pub async fn of_opened_between(
    db: &Db,
    start: jiff::Timestamp,
    end: jiff::Timestamp,
) -> Result<Vec<(i64, TimelineEntry)>, sqlx::Error> {
    sqlx::query(
        "SELECT e.ticket_id, e.id, e.at, e.kind, e.body, e.data, p.name AS author_name, \
         p.role AS author_role FROM ticket_entries e JOIN tickets t ON t.id = e.ticket_id \
         LEFT JOIN people p ON p.id = e.author_id \
         WHERE t.opened_at >= $1 AND t.opened_at < $2 AND e.internal = 0 \
         ORDER BY e.ticket_id, e.id",
    )
    .bind(to_micros(start))
    .bind(to_micros(end))
    .fetch_all(db.reader())
    .await?
    .iter()
    .map(|row| Ok((row.try_get("ticket_id")?, entry_from_row(row)?)))
    .collect()
}

const ENTRIES_FOR_CUSTOMERS: &str = concat!(
    entry_select!(),
    " WHERE e.ticket_id = $1 AND e.internal = 0 ORDER BY e.id"
);
const ENTRIES_FOR_ENGINEERS: &str =
    concat!(entry_select!(), " WHERE e.ticket_id = $1 ORDER BY e.id");

/// A change of a ticket as read a moment ago: its new status (and, as they become, its
/// solving instant, severity and first-response deadline) with the entry that records it.
/// It applies only if the ticket is still in the status and severity it was read with.
pub struct Change<'a> {
    pub ticket_id: i64,
    pub from_status: TicketStatus,
    pub from_severity: Option<Severity>,
    pub status: TicketStatus,
    pub solved_at: Option<jiff::Timestamp>,
    pub severity: Option<Severity>,
    pub first_response_due: Option<jiff::Timestamp>,
    pub entry: NewEntry<'a>,
    /// Uploads of the entry's author to send with it (a message's files): each is linked to
    /// the entry and gets an `attachment_added` entry after it, as hidden as the entry.
    pub attachments: &'a [i64],
}

pub enum Applied {
    /// Committed: the new entry.
    Done(TimelineEntry),
    /// The ticket changed since it was read: nothing was written; read it again.
    Stale,
    /// An earlier request with the same idempotency key was answered: its answer.
    Replay(StoredResponse),
    /// The entry breaks a uniqueness rule (a second rating): nothing was written.
    Duplicate,
    /// This file is not an unsent upload of the entry's author to the ticket: nothing was
    /// written.
    NotAnUpload(i64),
    /// The ticket's SLA clock cannot run on its history (the policy lacks a calendar or
    /// service it names): nothing was written.
    Clock(SlaError),
}

/// Applies `change` in one transaction, with the answer under its idempotency key when there
/// is one (`answer` turns the new entry into the body to store) and the e-mails the entry
/// owes (see `domain::notice`).
///
/// `place` gives the ticket's queue place from its history as the transaction sees it, the
/// new entry included, read after the ticket's row is locked: the place a change writes is
/// never computed from a history a concurrent change has moved on.
pub async fn apply(
    db: &Db,
    links: &Links,
    change: &Change<'_>,
    idempotency: Option<(&Idempotency<'_>, &str)>,
    answer: impl FnOnce(&TimelineEntry) -> String,
    place: impl FnOnce(&[TimelineEntry]) -> Result<QueuePlace, SlaError>,
) -> Result<Applied, sqlx::Error> {
    let mut tx = db.writer().begin().await?;
    let updated = sqlx::query(
        "UPDATE tickets SET status = $1, solved_at = $2, severity = $3, \
         first_response_due = $4 \
         WHERE id = $5 AND status = $6 AND COALESCE(severity, '') = $7",
    )
    .bind(change.status.key())
    .bind(change.solved_at.map(to_micros))
    .bind(change.severity.map(Severity::key))
    .bind(change.first_response_due.map(to_micros))
    .bind(change.ticket_id)
    .bind(change.from_status.key())
    .bind(change.from_severity.map(Severity::key).unwrap_or_default())
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(Applied::Stale);
    }
    let entry = match append(&mut tx, &change.entry).await {
        Ok(entry) => entry,
        Err(error) if is_unique_violation(&error) => {
            tx.rollback().await?;
            return Ok(Applied::Duplicate);
        }
        Err(error) => return Err(error),
    };
    let internal = matches!(change.entry.entry, Entry::InternalNote { .. });
    for &id in change.attachments {
        let linked = match change.entry.author_id {
            Some(author) => {
                attachments::link(&mut tx, id, change.ticket_id, author, entry.id).await?
            }
            None => None,
        };
        let Some(attachment) = linked else {
            tx.rollback().await?;
            return Ok(Applied::NotAnUpload(id));
        };
        let added = Entry::AttachmentAdded {
            message: entry.id,
            attachment,
        };
        let new = NewEntry {
            entry: &added,
            ..change.entry.clone()
        };
        insert_entry(&mut tx, &new, internal).await?;
    }
    let history: Vec<TimelineEntry> = sqlx::query(ENTRIES_FOR_CUSTOMERS)
        .bind(change.ticket_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(entry_from_row)
        .collect::<Result<_, _>>()?;
    match place(&history) {
        Ok(place) => console::set_place(&mut tx, change.ticket_id, place).await?,
        Err(error) => {
            tx.rollback().await?;
            return Ok(Applied::Clock(error));
        }
    }
    outbox::notify(&mut tx, &change.entry, links).await?;
    if let Some((idempotency, location)) = idempotency {
        let response = StoredResponse {
            request_hash: idempotency.request_hash.to_owned(),
            status: 201,
            body: answer(&entry),
            location: location.to_owned(),
        };
        match keep_answer(
            db,
            tx,
            idempotency,
            change.ticket_id,
            &response,
            change.entry.at,
        )
        .await?
        {
            Kept::Stored(stored) => tx = stored,
            Kept::Replay(first) => return Ok(Applied::Replay(first)),
        }
    }
    tx.commit().await?;
    db.entries_committed();
    Ok(Applied::Done(entry))
}

#[cfg(test)]
mod tests {
    use support_api::{Entry, EscalationReason, Role, Severity};

    use super::columns;

    #[test]
    fn an_entrys_text_has_its_own_column_and_the_rest_is_json() {
        let (kind, body, data) = columns(&Entry::SeverityChanged {
            from: Severity::High,
            to: Severity::Low,
            reason: "a workaround exists".into(),
            by: Role::Engineer,
        });
        assert_eq!(kind, "severity_changed");
        assert_eq!(body.as_deref(), Some("a workaround exists"));
        assert_eq!(data, r#"{"by":"engineer","from":"high","to":"low"}"#);
        let (kind, body, _) = columns(&Entry::Escalated {
            reason: EscalationReason::SeverityIncreased,
            detail: None,
        });
        assert_eq!((kind.as_str(), body), ("escalated", None));
    }
}
