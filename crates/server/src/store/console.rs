//! The support console's reads and writes: the queue (one range scan of `tickets_queue`, in
//! its order), assignment, the report's tickets, and the queue places the migration could not
//! compute.

use sqlx::Row;
use sqlx::any::AnyRow;
use support_api::{Engineer, Entry, QueueAccount, TicketStatus, TimelineEntry};
use support_rules::TicketKind;

use crate::db::{Db, from_micros};
use crate::domain::queue::{Assigned, Cursor, QueueFilter, QueuePlace};
use crate::store::tickets::{kind_from_row, status_from_row};
use crate::store::timeline::{self, NewEntry};

/// A ticket of the queue as stored.
#[derive(Debug, Clone)]
pub struct QueueRow {
    pub id: i64,
    pub account: QueueAccount,
    pub kind: TicketKind,
    pub subject: String,
    pub status: TicketStatus,
    pub assignee: Option<Engineer>,
    pub place: QueuePlace,
}

/// The queue's one query. Every filter is "`NULL` or equal", so one statement (and one plan)
/// serves every combination; the row-value comparison starts the scan after the cursor, and
/// the order is the index's: the database reads the index in order and stops at the limit.
pub const QUEUE_PAGE: &str = "SELECT t.id, t.kind, t.severity, t.service, t.subject, \
     t.status, t.queue_paused, t.queue_due, t.account_id, a.name AS account_name, \
     a.level AS account_level, a.tsm AS account_tsm, t.assignee_id, e.name AS assignee_name \
     FROM tickets t JOIN accounts a ON a.id = t.account_id \
     LEFT JOIN people e ON e.id = t.assignee_id \
     WHERE t.queue_paused IS NOT NULL \
     AND (t.queue_paused, t.queue_due, t.id) > ($1, $2, $3) \
     AND ($4 IS NULL OR a.level = $4) \
     AND ($5 IS NULL OR t.severity = $5) \
     AND ($6 IS NULL OR t.kind = $6) \
     AND ($7 IS NULL OR t.status = $7) \
     AND ($8 IS NULL OR t.account_id = $8) \
     AND ($9 IS NULL OR t.assignee_id = $9) \
     AND ($10 = 0 OR t.assignee_id IS NULL) \
     ORDER BY t.queue_paused, t.queue_due, t.id LIMIT $11";

fn queue_row(row: &AnyRow) -> Result<QueueRow, sqlx::Error> {
    let paused: i64 = row.try_get("queue_paused")?;
    let due: i64 = row.try_get("queue_due")?;
    let level: i64 = row.try_get("account_level")?;
    let level = u8::try_from(level)
        .ok()
        .and_then(|level| support_rules::SupportLevel::try_from(level).ok())
        .ok_or_else(|| sqlx::Error::Decode(format!("accounts.level holds {level}").into()))?;
    let assignee = match row.try_get::<Option<i64>, _>("assignee_id")? {
        Some(id) => Some(Engineer {
            id,
            name: row
                .try_get::<Option<String>, _>("assignee_name")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    Ok(QueueRow {
        id: row.try_get("id")?,
        account: QueueAccount {
            id: row.try_get("account_id")?,
            name: row.try_get("account_name")?,
            level,
            tsm: row.try_get::<i64, _>("account_tsm")? != 0,
        },
        kind: kind_from_row(row)?,
        subject: row.try_get("subject")?,
        status: status_from_row(row)?,
        assignee,
        place: if paused == 0 {
            QueuePlace::Due(from_micros(due))
        } else {
            QueuePlace::Paused
        },
    })
}

/// Up to `limit` tickets of the queue after `cursor`, in the queue's order, as `filter` lets
/// through (`me`: the engineer asking, for `assigned=me`).
pub async fn queue_page(
    db: &Db,
    filter: &QueueFilter,
    me: i64,
    cursor: Cursor,
    limit: u32,
) -> Result<Vec<QueueRow>, sqlx::Error> {
    sqlx::query(QUEUE_PAGE)
        .bind(cursor.paused)
        .bind(cursor.due)
        .bind(cursor.id)
        .bind(filter.level.map(|level| i64::from(level.number())))
        .bind(filter.severity.map(|severity| severity.key()))
        .bind(filter.ticket_type.map(|kind| kind.key()))
        .bind(filter.status.map(TicketStatus::key))
        .bind(filter.account)
        .bind((filter.assigned == Some(Assigned::Me)).then_some(me))
        .bind(i64::from(filter.assigned == Some(Assigned::Unassigned)))
        .bind(i64::from(limit))
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(queue_row)
        .collect()
}

/// The support engineer with this id.
pub async fn engineer(db: &Db, id: i64) -> Result<Option<Engineer>, sqlx::Error> {
    let row = sqlx::query("SELECT id, name FROM people WHERE id = $1 AND role = 'engineer'")
        .bind(id)
        .fetch_optional(db.reader())
        .await?;
    row.map(|row| {
        Ok(Engineer {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
        })
    })
    .transpose()
}

/// Every support engineer, by name (then id).
pub async fn engineers(db: &Db) -> Result<Vec<Engineer>, sqlx::Error> {
    sqlx::query("SELECT id, name FROM people WHERE role = 'engineer' ORDER BY name, id")
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| {
            Ok(Engineer {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
            })
        })
        .collect()
}

/// Assigns an open, in-progress or waiting ticket to `engineer` (nobody for `None`) with its
/// `assigned` entry, in one transaction; `None` when the ticket is not one of those.
pub async fn assign(
    db: &Db,
    ticket_id: i64,
    engineer: Option<&Engineer>,
    by: i64,
    at: jiff::Timestamp,
) -> Result<Option<TimelineEntry>, sqlx::Error> {
    let mut tx = db.writer().begin().await?;
    let updated = sqlx::query(
        "UPDATE tickets SET assignee_id = $1 WHERE id = $2 \
         AND status IN ('open', 'in_progress', 'waiting_for_customer')",
    )
    .bind(engineer.map(|e| e.id))
    .bind(ticket_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(None);
    }
    let entry = Entry::Assigned {
        assignee: engineer.map(|e| e.name.clone()),
    };
    let appended = timeline::append(
        &mut tx,
        &NewEntry {
            ticket_id,
            at,
            author_id: Some(by),
            entry: &entry,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Some(appended))
}

/// Writes a ticket's queue place inside the transaction of the change that moved it.
pub async fn set_place(
    connection: &mut sqlx::AnyConnection,
    ticket_id: i64,
    place: QueuePlace,
) -> Result<(), sqlx::Error> {
    let (paused, due) = place.columns();
    sqlx::query("UPDATE tickets SET queue_paused = $1, queue_due = $2 WHERE id = $3")
        .bind(paused)
        .bind(due)
        .bind(ticket_id)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

/// The in-progress tickets the migration left without a due instant.
pub async fn unscheduled(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM tickets WHERE queue_paused = 0 AND queue_due IS NULL ORDER BY id",
    )
    .fetch_all(db.reader())
    .await
}

/// Gives an unscheduled ticket its place, unless a change gave it one meanwhile (every change
/// writes the place, so a stale computation never overwrites a fresh one).
pub async fn schedule(db: &Db, ticket_id: i64, place: QueuePlace) -> Result<bool, sqlx::Error> {
    let (paused, due) = place.columns();
    let updated = sqlx::query(
        "UPDATE tickets SET queue_paused = $1, queue_due = $2 \
         WHERE id = $3 AND queue_paused = 0 AND queue_due IS NULL",
    )
    .bind(paused)
    .bind(due)
    .bind(ticket_id)
    .execute(db.writer())
    .await?;
    Ok(updated.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::QUEUE_PAGE;
    use crate::db::Db;

    #[tokio::test]
    async fn the_queue_is_read_in_the_order_of_its_index_without_sorting() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let db = Db::connect(&format!("sqlite://{}/plan.db", folder.path().display()))
            .await
            .expect("a database");
        let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "EXPLAIN QUERY PLAN {QUEUE_PAGE}"
        )))
        .bind(-1_i64)
        .bind(i64::MIN)
        .bind(0_i64)
        .bind(None::<i64>)
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(None::<String>)
        .bind(None::<i64>)
        .bind(None::<i64>)
        .bind(0_i64)
        .bind(50_i64)
        .fetch_all(db.reader())
        .await
        .expect("a query plan");
        let plan: Vec<String> = rows.into_iter().map(|(.., detail)| detail).collect();
        let plan = plan.join("; ");
        assert!(plan.contains("tickets_queue"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "sorted: {plan}");
    }
}
