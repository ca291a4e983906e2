//! The outbox: the e-mails the server owes, written in the transaction of the timeline entry
//! they tell about (so a committed change has its e-mails, and a rolled-back one none), then
//! claimed by the delivery workers of every server process, marked sent or put off for a
//! retry. A row is never deleted: its id makes the e-mail's `Message-ID`.

use sqlx::Row;
use sqlx::any::AnyRow;
use support_api::{Deadline, Language};

use crate::db::{Backend, Db, to_micros};
use crate::domain::notice::{About, Audience, Links, Notice, letter, notice_of};
use crate::store::people::language_column;
use crate::store::tickets::{kind_from_row, status_from_row};
use crate::store::timeline::NewEntry;

/// Writes the e-mails that `entry` (just appended to its ticket's timeline in this
/// transaction) tells, one row a recipient; none for an entry that tells no one. The author
/// of the entry gets none. Returns how many it wrote.
pub async fn notify(
    connection: &mut sqlx::AnyConnection,
    entry: &NewEntry<'_>,
    links: &Links,
) -> Result<usize, sqlx::Error> {
    let ticket = sqlx::query(
        "SELECT kind, severity, service, status, subject, account_id, submitter_id \
         FROM tickets WHERE id = $1",
    )
    .bind(entry.ticket_id)
    .fetch_one(&mut *connection)
    .await?;
    let kind = kind_from_row(&ticket)?;
    let status = status_from_row(&ticket)?;
    let Some((notice, audience)) = notice_of(entry.entry, &kind, status) else {
        return Ok(0);
    };
    let subject: String = ticket.try_get("subject")?;
    let account_id: i64 = ticket.try_get("account_id")?;
    let submitter_id: i64 = ticket.try_get("submitter_id")?;
    // Ids start at 1: 0 is no one.
    let author = entry.author_id.unwrap_or(0);
    let recipients = match audience {
        Audience::Customer => {
            sqlx::query(
                "SELECT name, email, language FROM people \
                 WHERE account_id = $1 AND id <> $3 \
                 AND (id = $2 OR (is_contact = 1 AND account_ticket_mail = 1)) ORDER BY id",
            )
            .bind(account_id)
            .bind(submitter_id)
            .bind(author)
            .fetch_all(&mut *connection)
            .await?
        }
        Audience::Contacts => {
            sqlx::query(
                "SELECT name, email, language FROM people \
                 WHERE account_id = $1 AND is_contact = 1 AND id <> $2 ORDER BY id",
            )
            .bind(account_id)
            .bind(author)
            .fetch_all(&mut *connection)
            .await?
        }
        Audience::Engineers => {
            sqlx::query(
                "SELECT name, email, language FROM people \
                 WHERE role = 'engineer' AND id <> $1 ORDER BY id",
            )
            .bind(author)
            .fetch_all(&mut *connection)
            .await?
        }
    };
    let about = About {
        ticket_id: entry.ticket_id,
        subject: &subject,
    };
    write_letters(connection, &recipients, &notice, about, links, entry.at).await?;
    Ok(recipients.len())
}

/// Writes one e-mail telling `notice` to each recipient (rows of `name, email, language`), in
/// their language.
async fn write_letters(
    connection: &mut sqlx::AnyConnection,
    recipients: &[AnyRow],
    notice: &Notice,
    about: About<'_>,
    links: &Links,
    at: jiff::Timestamp,
) -> Result<(), sqlx::Error> {
    for recipient in recipients {
        let language = language_column(recipient)?;
        let written = letter(notice, language, about, links);
        sqlx::query(
            "INSERT INTO outbox (recipient_address, recipient_name, language, subject, \
             body_text, created_at, next_attempt_at, attempts) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, 0)",
        )
        .bind(recipient.try_get::<String, _>("email")?)
        .bind(recipient.try_get::<String, _>("name")?)
        .bind(language.key())
        .bind(&written.subject)
        .bind(&written.text)
        .bind(to_micros(at))
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

/// A running deadline in its warning window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub deadline: Deadline,
    pub due: jiff::Timestamp,
    /// The zone of the calendar the deadline counts on (the e-mail says the time there too).
    pub zone: Option<jiff::tz::TimeZone>,
}

/// Tells every engineer that the warning's deadline of ticket `ticket_id` entered the
/// warning window, unless this deadline was told already (by this server process or
/// another: the warning's row and its e-mails commit together). `true` when this call told
/// it.
pub async fn warn_engineers(
    db: &Db,
    ticket_id: i64,
    warning: Warning,
    now: jiff::Timestamp,
    links: &Links,
) -> Result<bool, sqlx::Error> {
    let Warning {
        deadline,
        due,
        zone,
    } = warning;
    let mut tx = db.writer().begin().await?;
    let key = match deadline {
        Deadline::FirstResponse => "first_response",
        Deadline::NextUpdate => "next_update",
    };
    let first: Option<i64> = sqlx::query_scalar(
        "INSERT INTO deadline_warnings (ticket_id, deadline, due, warned_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING ticket_id",
    )
    .bind(ticket_id)
    .bind(key)
    .bind(to_micros(due))
    .bind(to_micros(now))
    .fetch_optional(&mut *tx)
    .await?;
    if first.is_none() {
        return Ok(false);
    }
    let subject: String = sqlx::query_scalar("SELECT subject FROM tickets WHERE id = $1")
        .bind(ticket_id)
        .fetch_one(&mut *tx)
        .await?;
    let engineers =
        sqlx::query("SELECT name, email, language FROM people WHERE role = 'engineer' ORDER BY id")
            .fetch_all(&mut *tx)
            .await?;
    let about = About {
        ticket_id,
        subject: &subject,
    };
    let notice = Notice::DeadlineNear(deadline, due, zone);
    write_letters(&mut tx, &engineers, &notice, about, links, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// An e-mail a worker claimed, to send now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: i64,
    pub address: String,
    pub name: String,
    pub language: Language,
    pub subject: String,
    pub text: String,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

fn outgoing_from_row(row: &AnyRow) -> Result<Outgoing, sqlx::Error> {
    Ok(Outgoing {
        id: row.try_get("id")?,
        address: row.try_get("recipient_address")?,
        name: row.try_get("recipient_name")?,
        language: language_column(row)?,
        subject: row.try_get("subject")?,
        text: row.try_get("body_text")?,
        attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
    })
}

/// PostgreSQL: several processes claim at once, and `SKIP LOCKED` gives each its own rows.
const CLAIM_POSTGRES: &str = "UPDATE outbox SET next_attempt_at = $1, attempts = attempts + 1 \
     WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $2 \
     ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
     RETURNING id, recipient_address, recipient_name, language, subject, body_text, attempts";
/// SQLite: one process, one writer: the statement alone is the claim.
const CLAIM_SQLITE: &str = "UPDATE outbox SET next_attempt_at = $1, attempts = attempts + 1 \
     WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $2 \
     ORDER BY next_attempt_at, id LIMIT $3) \
     RETURNING id, recipient_address, recipient_name, language, subject, body_text, attempts";

/// Claims up to `limit` unsent e-mails due at `now`, each put off until `until`: no other
/// worker takes one before then, so a row is sent by one worker at a time, and taken again
/// only when its worker neither marked it sent nor put it off (it died).
pub async fn claim(
    db: &Db,
    now: jiff::Timestamp,
    until: jiff::Timestamp,
    limit: u32,
) -> Result<Vec<Outgoing>, sqlx::Error> {
    let sql = match db.backend() {
        Backend::Postgres => CLAIM_POSTGRES,
        Backend::Sqlite => CLAIM_SQLITE,
    };
    let mut claimed = sqlx::query(sql)
        .bind(to_micros(until))
        .bind(to_micros(now))
        .bind(i64::from(limit))
        .fetch_all(db.writer())
        .await?
        .iter()
        .map(outgoing_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    claimed.sort_by_key(|outgoing| outgoing.id);
    Ok(claimed)
}

/// The mail server accepted e-mail `id`.
pub async fn mark_sent(db: &Db, id: i64, at: jiff::Timestamp) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE outbox SET sent_at = $1, last_error = NULL WHERE id = $2")
        .bind(to_micros(at))
        .bind(id)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Sending e-mail `id` failed with `error`: try again at `retry_at`.
pub async fn put_off(
    db: &Db,
    id: i64,
    retry_at: jiff::Timestamp,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET next_attempt_at = $1, last_error = $2 WHERE id = $3 AND sent_at IS NULL",
    )
    .bind(to_micros(retry_at))
    .bind(error)
    .bind(id)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// This installation's random id, made once by the migration.
pub async fn installation_id(db: &Db) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM installation WHERE singleton = 1")
        .fetch_one(db.reader())
        .await
}
