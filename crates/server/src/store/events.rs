//! The order live updates are sent in. Entries go out by [`Position`] (the writing
//! transaction's id, then the entry's), and only once they are *stable*: no transaction that
//! could still commit an entry at a smaller position is running. Then the entries sent so far
//! are always exactly those up to the last position sent, so resuming after a position loses
//! and repeats nothing, even when two processes commit out of the order of their ids.
//!
//! PostgreSQL: an entry is stable once its transaction id is below the snapshot's `xmin` (every
//! older transaction has ended). SQLite: one writer commits in id order, so every committed
//! entry is stable (`xact` is 0).

use sqlx::Row;
use sqlx::any::AnyRow;
use support_api::EntryType;

use crate::db::{Backend, Db};
use crate::domain::Position;

/// A committed entry, with what deciding who may see it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub position: Position,
    pub ticket_id: i64,
    pub account_id: i64,
    pub kind: EntryType,
    /// Only engineers see it (an internal note).
    pub internal: bool,
}

/// Entries after a position, in order: the stable ones, and whether unstable ones follow
/// (then ask again shortly).
#[derive(Debug, Default)]
pub struct Batch {
    pub entries: Vec<Published>,
    pub pending: bool,
}

const HORIZON_POSTGRES: &str = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint";
const HORIZON_SQLITE: &str = "SELECT COALESCE(MAX(id), 0) FROM ticket_entries";

/// A position that every stable entry is at or before and every entry still to come is
/// after: where a process that starts now begins.
pub async fn start(db: &Db) -> Result<Position, sqlx::Error> {
    Ok(match db.backend() {
        Backend::Postgres => {
            let xmin: i64 = sqlx::query_scalar(HORIZON_POSTGRES)
                .fetch_one(db.reader())
                .await?;
            Position {
                xact: xmin - 1,
                entry: i64::MAX,
            }
        }
        Backend::Sqlite => {
            let last: i64 = sqlx::query_scalar(HORIZON_SQLITE)
                .fetch_one(db.reader())
                .await?;
            Position {
                xact: 0,
                entry: last,
            }
        }
    })
}

/// The horizon is read in the same statement as the entries, so both see one snapshot.
const AFTER_POSTGRES: &str = "SELECT e.xact, e.id, e.ticket_id, e.kind, e.internal, t.account_id, \
     (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint) AS horizon \
     FROM ticket_entries e JOIN tickets t ON t.id = e.ticket_id \
     WHERE (e.xact, e.id) > ($1, $2) ORDER BY e.xact, e.id LIMIT $3";
const AFTER_SQLITE: &str = "SELECT e.xact, e.id, e.ticket_id, e.kind, e.internal, t.account_id, \
     9223372036854775807 AS horizon \
     FROM ticket_entries e JOIN tickets t ON t.id = e.ticket_id \
     WHERE (e.xact, e.id) > ($1, $2) ORDER BY e.xact, e.id LIMIT $3";

fn published_from_row(row: &AnyRow) -> Result<Published, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    Ok(Published {
        position: Position {
            xact: row.try_get("xact")?,
            entry: row.try_get("id")?,
        },
        ticket_id: row.try_get("ticket_id")?,
        account_id: row.try_get("account_id")?,
        kind: EntryType::from_key(&kind).ok_or_else(|| {
            sqlx::Error::Decode(format!("ticket_entries.kind holds `{kind}`").into())
        })?,
        internal: row.try_get::<i64, _>("internal")? != 0,
    })
}

/// Up to `limit` committed entries after `from`, in order, of which the stable ones.
pub async fn after(db: &Db, from: Position, limit: u32) -> Result<Batch, sqlx::Error> {
    let sql = match db.backend() {
        Backend::Postgres => AFTER_POSTGRES,
        Backend::Sqlite => AFTER_SQLITE,
    };
    let rows = sqlx::query(sql)
        .bind(from.xact)
        .bind(from.entry)
        .bind(i64::from(limit))
        .fetch_all(db.reader())
        .await?;
    let mut batch = Batch::default();
    for row in &rows {
        let horizon: i64 = row.try_get("horizon")?;
        let published = published_from_row(row)?;
        if published.position.xact >= horizon {
            // This and every later row wait for an older transaction to end.
            batch.pending = true;
            break;
        }
        batch.entries.push(published);
    }
    Ok(batch)
}

const BETWEEN: &str = "SELECT e.xact, e.id, e.ticket_id, e.kind, e.internal, t.account_id \
     FROM ticket_entries e JOIN tickets t ON t.id = e.ticket_id \
     WHERE (e.xact, e.id) > ($1, $2) AND (e.xact, e.id) <= ($3, $4) \
     ORDER BY e.xact, e.id LIMIT $5";

/// Up to `limit` entries after `from` and up to `through` (a position already published, so
/// every entry up to it is stable), in order.
pub async fn between(
    db: &Db,
    from: Position,
    through: Position,
    limit: u32,
) -> Result<Vec<Published>, sqlx::Error> {
    sqlx::query(BETWEEN)
        .bind(from.xact)
        .bind(from.entry)
        .bind(through.xact)
        .bind(through.entry)
        .bind(i64::from(limit))
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(published_from_row)
        .collect()
}
