//! Filing a ticket (idempotently, within the person's budget) and deciding a pending one.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use support_api::{CreatedTicket, FieldCode, FieldError, TicketStatus};
use support_rules::QuoteError;

use crate::domain::life;
use crate::domain::rules::{self, Opening};
use crate::domain::{Account, IdempotencyKey, Invalid, NewTicket, Person, RejectionReason, Ticket};
use crate::rate_limit::{Exhausted, LimitError};
use crate::state::AppState;
use crate::store::tickets::{
    self, Created, DecideError, Decision, Idempotency as StoredKey, NewTicketRow, StoredResponse,
};

/// The answer to a submission, as the client must get it: for a retry with the same key, the
/// first answer again, byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub status: u16,
    /// The [`CreatedTicket`] as JSON.
    pub body: String,
    pub location: String,
}

impl From<StoredResponse> for Submitted {
    fn from(answer: StoredResponse) -> Self {
        Self {
            status: answer.status,
            body: answer.body,
            location: answer.location,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("the idempotency key was used with a different request")]
    KeyReused,
    #[error(transparent)]
    RateLimited(#[from] Exhausted),
    #[error("quote: {0}")]
    Quote(#[from] QuoteError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Files `body` as a new ticket of `person`: the first answer again for a retry with the same
/// key, a ticket that opens at once for a technical contact and waits for approval otherwise.
pub async fn submit(
    state: &AppState,
    person: &Person,
    account: &Account,
    key: Option<&IdempotencyKey>,
    body: &Map<String, Value>,
) -> Result<Submitted, SubmitError> {
    // The deadline counts from the instant the server received the ticket.
    let received = crate::db::now();
    let request_hash = hex::encode(Sha256::digest(serde_json::to_vec(body).unwrap_or_default()));
    if let Some(key) = key
        && let Some(first) = tickets::stored_response(&state.db, person.id, key).await?
    {
        return replay(first, &request_hash);
    }
    let policy = &state.policy.policy;
    let ticket = NewTicket::parse(body, policy)?;
    if let Some(closed) = ticket.follows {
        follows_closed_ticket(state, account, closed).await?;
    }
    // Retries with the same key (even concurrent twins of a request still in flight) count
    // once against the budget.
    state
        .limits
        .tickets_per_person
        .check_once(&person.id.to_string(), key.map(IdempotencyKey::as_str))
        .await
        .map_err(|error| match error {
            LimitError::Exhausted(exhausted) => SubmitError::RateLimited(exhausted),
            LimitError::Database(error) => SubmitError::Database(error),
        })?;
    let opening = Opening::of_new_ticket(policy, person, account, &ticket.kind, received)?;
    let call_now = rules::call_now(policy, &ticket.kind, &account.country);
    let row = NewTicketRow {
        account,
        submitter: person,
        ticket: &ticket,
        created_at: received,
        opening,
    };
    let stored_key = key.map(|key| StoredKey {
        person_id: person.id,
        key,
        request_hash: &request_hash,
    });
    let answer = |ticket: Ticket| {
        let location = format!("/api/tickets/{}", ticket.id);
        // A new ticket's history is its opening (if it opened): no entry of the timeline
        // counts yet.
        let sla = life::sla_status(policy, &ticket, &[], received);
        let created = CreatedTicket {
            ticket: ticket.answer(sla.unwrap_or_else(|_| life::no_clock())),
            call_now,
        };
        (
            serde_json::to_string(&created).unwrap_or_default(),
            location,
        )
    };
    match tickets::create(&state.db, &row, stored_key.as_ref(), &state.links, answer).await? {
        Created::New(answer) => {
            tracing::info!(person = person.id, status = %opening.status, location = %answer.location, "ticket created");
            Ok(answer.into())
        }
        Created::Replay(first) => replay(first, &request_hash),
    }
}

/// A follow-up names a closed ticket of the account: one still open is answered on itself, a
/// solved one is reopened, and another account's tickets do not exist for this one.
async fn follows_closed_ticket(
    state: &AppState,
    account: &Account,
    id: i64,
) -> Result<(), SubmitError> {
    let refused = |code: FieldCode, problem: String| {
        SubmitError::Invalid(Invalid(vec![FieldError::new(code, "follows", problem)]))
    };
    match tickets::find(&state.db, tickets::Scope::Account(account.id), id).await? {
        None => Err(refused(
            FieldCode::UnknownValue,
            format!("names ticket {id}, which is no ticket of your account"),
        )),
        Some(ticket) if ticket.status == TicketStatus::Closed => Ok(()),
        Some(ticket) => Err(refused(
            FieldCode::Invalid,
            format!(
                "names ticket {id}, which is {}: only a closed ticket gets a follow-up (write \
                 on the ticket itself, or reopen it while it is solved)",
                ticket.status
            ),
        )),
    }
}

/// The stored answer to a request with this key, unless the key came with another body.
fn replay(first: StoredResponse, request_hash: &str) -> Result<Submitted, SubmitError> {
    if first.request_hash == request_hash {
        Ok(first.into())
    } else {
        Err(SubmitError::KeyReused)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DecisionError {
    #[error(transparent)]
    Decide(#[from] DecideError),
    #[error("quote: {0}")]
    Quote(#[from] QuoteError),
}

impl From<sqlx::Error> for DecisionError {
    fn from(error: sqlx::Error) -> Self {
        Self::Decide(DecideError::Database(error))
    }
}

/// A technical contact opens a pending ticket of their account; its deadline counts from now.
pub async fn approve(
    state: &AppState,
    contact: &Person,
    account: &Account,
    id: i64,
) -> Result<Ticket, DecisionError> {
    let ticket = tickets::find(&state.db, tickets::Scope::Account(account.id), id)
        .await?
        .ok_or(DecideError::NotFound)?;
    let now = crate::db::now();
    let due = rules::first_response_due(&state.policy.policy, account, &ticket.kind, now)?;
    let ticket = tickets::decide(
        &state.db,
        &state.links,
        account.id,
        id,
        contact.id,
        now,
        &Decision::Approve { due },
    )
    .await?;
    tracing::info!(ticket = id, by = contact.id, "ticket approved");
    Ok(ticket)
}

/// A technical contact refuses a pending ticket of their account, saying why.
pub async fn reject(
    state: &AppState,
    contact: &Person,
    account: &Account,
    id: i64,
    reason: &RejectionReason,
) -> Result<Ticket, DecideError> {
    let ticket = tickets::decide(
        &state.db,
        &state.links,
        account.id,
        id,
        contact.id,
        crate::db::now(),
        &Decision::Reject { reason },
    )
    .await?;
    tracing::info!(ticket = id, by = contact.id, "ticket rejected");
    Ok(ticket)
}
