//! Files on a ticket: uploading one (sent later with a message, see `life::post_message`)
//! and reading one back.

use serde_json::json;
use sha2::{Digest, Sha256};
use support_api::Attachment;

use crate::auth::Viewer;
use crate::domain::attachment::{self, NewFile};
use crate::domain::life::MessageKind;
use crate::domain::{IdempotencyKey, Ticket};
use crate::service::life::{LifeError, check_may_act, scope, ticket_for};
use crate::service::tickets::Submitted;
use crate::state::AppState;
use crate::store::tickets::{Idempotency, Kept, StoredResponse};
use crate::store::{attachments, tickets};

/// The ticket `id` if the viewer may attach a file to it: whoever may post a message on it
/// now (an engineer's upload may go with an internal note, so a solved ticket takes it).
/// Checked before the body is read, so a refused upload costs no storage.
pub async fn ticket_to_attach_to(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<Ticket, LifeError> {
    let ticket = ticket_for(state, viewer, id, false).await?;
    check_may_act(viewer, &ticket)?;
    let widest = if viewer.is_engineer() {
        MessageKind::InternalNote
    } else {
        MessageKind::Customer
    };
    widest
        .status_after(ticket.status)
        .map_err(LifeError::TakesNoMessages)?;
    Ok(ticket)
}

/// `POST /api/tickets/{id}/attachments`: stores the file, unsent until a message lists it;
/// with an idempotency key, a retry of the same file gets the first answer again (and no
/// second copy), and the key with another file is refused.
pub async fn upload(
    state: &AppState,
    viewer: &Viewer,
    ticket: &Ticket,
    file: &NewFile,
    key: Option<&IdempotencyKey>,
) -> Result<Submitted, LifeError> {
    let person = viewer.person().id;
    let request = json!({
        "ticket": ticket.id,
        "name": file.name.as_str(),
        "content_type": file.content_type.as_str(),
        "content": hex::encode(Sha256::digest(file.content.as_bytes())),
    });
    let request_hash = hex::encode(Sha256::digest(request.to_string().as_bytes()));
    if let Some(key) = key
        && let Some(first) = tickets::stored_response(&state.db, person, key).await?
    {
        return replay(first, &request_hash);
    }
    let now = crate::db::now();
    let mut tx = state.db.writer().begin().await?;
    let stored = attachments::insert(&mut tx, ticket.id, person, file, now).await?;
    let answer = StoredResponse {
        request_hash: request_hash.clone(),
        status: 201,
        body: serde_json::to_string(&stored).unwrap_or_default(),
        location: format!("/api/attachments/{}", stored.id),
    };
    let tx = match key {
        None => tx,
        Some(key) => {
            let idempotency = Idempotency {
                person_id: person,
                key,
                request_hash: &request_hash,
            };
            match tickets::keep_answer(&state.db, tx, &idempotency, ticket.id, &answer, now).await?
            {
                Kept::Stored(tx) => tx,
                Kept::Replay(first) => return replay(first, &request_hash),
            }
        }
    };
    tx.commit().await?;
    tracing::info!(
        ticket = ticket.id,
        by = person,
        attachment = stored.id,
        size = stored.size,
        "file uploaded"
    );
    Ok(answer.into())
}

fn replay(first: StoredResponse, request_hash: &str) -> Result<Submitted, LifeError> {
    if first.request_hash == request_hash {
        Ok(first.into())
    } else {
        Err(LifeError::KeyReused)
    }
}

/// A file and its bytes, for a download.
pub struct Download {
    pub attachment: Attachment,
    pub content: Vec<u8>,
}

/// `GET /api/attachments/{id}`: to whoever may see the ticket, except that a file not sent
/// yet is its uploader's and a file of an internal note the engineers'. Anything else is "no
/// such attachment", so an id reveals nothing.
pub async fn download(state: &AppState, viewer: &Viewer, id: i64) -> Result<Download, LifeError> {
    let stored = attachments::find(&state.db, id)
        .await?
        .ok_or(LifeError::NoSuchAttachment)?;
    let person = viewer.person().id;
    if !attachment::may_read(
        stored.link,
        stored.uploader_id,
        person,
        viewer.is_engineer(),
    ) || tickets::find(&state.db, scope(viewer), stored.ticket_id)
        .await?
        .is_none()
    {
        return Err(LifeError::NoSuchAttachment);
    }
    let content = attachments::content(&state.db, id)
        .await?
        .ok_or(LifeError::NoSuchAttachment)?;
    Ok(Download {
        attachment: stored.attachment,
        content,
    })
}
