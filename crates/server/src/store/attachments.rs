//! Files uploaded to tickets, with their bytes, and their link to the message they were sent
//! with (written in the message's transaction, see `timeline::apply`).

use sqlx::Row;
use sqlx::any::AnyRow;
use support_api::Attachment;

use crate::db::{Db, to_micros};
use crate::domain::attachment::{Link, NewFile};

/// A stored file without its bytes: what deciding who may read it needs.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub attachment: Attachment,
    pub ticket_id: i64,
    pub uploader_id: i64,
    pub link: Link,
}

fn attachment_from_row(row: &AnyRow) -> Result<Attachment, sqlx::Error> {
    let size: i64 = row.try_get("size")?;
    Ok(Attachment {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        size: u64::try_from(size)
            .map_err(|_| sqlx::Error::Decode(format!("attachments.size holds {size}").into()))?,
        content_type: row.try_get("content_type")?,
    })
}

/// Stores an upload, not linked to any message yet, in the caller's transaction.
pub async fn insert(
    connection: &mut sqlx::AnyConnection,
    ticket_id: i64,
    uploader_id: i64,
    file: &NewFile,
    at: jiff::Timestamp,
) -> Result<Attachment, sqlx::Error> {
    let bytes = file.content.as_bytes();
    let size = i64::try_from(bytes.len())
        .map_err(|_| sqlx::Error::Protocol("a file of more than 2^63 bytes".into()))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO attachments (ticket_id, uploader_id, name, size, content_type, created_at, \
         entry_id, content) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7) RETURNING id",
    )
    .bind(ticket_id)
    .bind(uploader_id)
    .bind(file.name.as_str())
    .bind(size)
    .bind(file.content_type.as_str())
    .bind(to_micros(at))
    .bind(bytes)
    .fetch_one(&mut *connection)
    .await?;
    Ok(Attachment {
        id,
        name: file.name.as_str().to_owned(),
        size: bytes.len() as u64,
        content_type: file.content_type.as_str().to_owned(),
    })
}

/// The file `id`, without its bytes.
pub async fn find(db: &Db, id: i64) -> Result<Option<StoredFile>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT a.id, a.name, a.size, a.content_type, a.ticket_id, a.uploader_id, a.entry_id, \
         e.internal FROM attachments a LEFT JOIN ticket_entries e ON e.id = a.entry_id \
         WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(db.reader())
    .await?
    else {
        return Ok(None);
    };
    let link = match (
        row.try_get::<Option<i64>, _>("entry_id")?,
        row.try_get::<Option<i64>, _>("internal")?,
    ) {
        (None, _) => Link::Unsent,
        (Some(_), Some(1)) => Link::Internal,
        (Some(_), _) => Link::Public,
    };
    Ok(Some(StoredFile {
        attachment: attachment_from_row(&row)?,
        ticket_id: row.try_get("ticket_id")?,
        uploader_id: row.try_get("uploader_id")?,
        link,
    }))
}

/// The bytes of the file `id`.
pub async fn content(db: &Db, id: i64) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar("SELECT content FROM attachments WHERE id = $1")
        .bind(id)
        .fetch_optional(db.reader())
        .await
}

/// Links the upload `id` to the message entry `entry_id`, inside the message's transaction,
/// if it is an unsent upload of `uploader_id` to `ticket_id`; `None` (and nothing changed)
/// otherwise.
pub async fn link(
    connection: &mut sqlx::AnyConnection,
    id: i64,
    ticket_id: i64,
    uploader_id: i64,
    entry_id: i64,
) -> Result<Option<Attachment>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE attachments SET entry_id = $1 \
         WHERE id = $2 AND ticket_id = $3 AND uploader_id = $4 AND entry_id IS NULL \
         RETURNING id, name, size, content_type",
    )
    .bind(entry_id)
    .bind(id)
    .bind(ticket_id)
    .bind(uploader_id)
    .fetch_optional(&mut *connection)
    .await?;
    row.as_ref().map(attachment_from_row).transpose()
}
