//! A ticket's life after filing: its timeline, messages, solving, reopening, rating, severity
//! changes and escalations. Each action reads the ticket, decides by the rules of
//! `domain::life`, and writes its change with its timeline entry in one transaction that
//! applies only if the ticket has not changed meanwhile (then it reads again).

use jiff::Timestamp;
use serde_json::json;
use sha2::{Digest, Sha256};
use support_api::{
    Entry, EscalationReason, NewEscalation, NewMessage, NewRating, Role, Severity, SeverityChange,
    TicketStatus, TimelineEntry,
};
use support_rules::{SlaError, SlaStatus, TicketKind};

use crate::auth::Viewer;
use crate::domain::life::{self, MessageBody, MessageFlagsError, MessageKind, Remark};
use crate::domain::queue::QueuePlace;
use crate::domain::{IdempotencyKey, Invalid, Ticket};
use crate::service::tickets::Submitted;
use crate::state::AppState;
use crate::store::tickets::{self, Idempotency, Scope, StoredResponse};
use crate::store::timeline::{self, Applied, Change, NewEntry, Readers};

/// How often an action reads the ticket again when it changed under it.
const ATTEMPTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum LifeError {
    #[error("no such ticket")]
    NotFound,
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("the ticket is {0} and takes no messages")]
    TakesNoMessages(TicketStatus),
    #[error("{0}")]
    StatusConflict(String),
    #[error("the reopening window ended at {0}")]
    ReopenWindowPassed(Timestamp),
    #[error("the ticket is already rated")]
    AlreadyRated,
    #[error("the idempotency key was used with a different request")]
    KeyReused,
    #[error("the ticket kept changing; try again")]
    Busy,
    #[error("no such attachment")]
    NoSuchAttachment,
    #[error("file {0} is not an unsent upload of the author to this ticket")]
    NotAnUpload(i64),
    #[error("the ticket's SLA clock: {0}")]
    Sla(#[from] SlaError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub(crate) fn scope(viewer: &Viewer) -> Scope {
    match viewer.account_id() {
        Some(account) => Scope::Account(account),
        None => Scope::AllAccounts,
    }
}

fn readers(viewer: &Viewer) -> Readers {
    if viewer.is_engineer() {
        Readers::Engineers
    } else {
        Readers::Customers
    }
}

fn role(viewer: &Viewer) -> Role {
    if viewer.is_engineer() {
        Role::Engineer
    } else {
        Role::Customer
    }
}

/// The ticket as the viewer may see it (404 for another account's), read through the writer
/// when about to change it.
pub(crate) async fn ticket_for(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    latest: bool,
) -> Result<Ticket, LifeError> {
    let found = if latest {
        tickets::find_latest(&state.db, scope(viewer), id).await?
    } else {
        tickets::find(&state.db, scope(viewer), id).await?
    };
    found.ok_or(LifeError::NotFound)
}

/// On the customer side only the account's technical contacts and the ticket's submitter act
/// on a ticket; engineers act on every ticket they can see.
pub(crate) fn check_may_act(viewer: &Viewer, ticket: &Ticket) -> Result<(), LifeError> {
    match viewer {
        Viewer::Engineer(_) => Ok(()),
        Viewer::Customer(signed_in) if life::may_act_on(&signed_in.person, ticket) => Ok(()),
        Viewer::Customer(_) => Err(LifeError::Forbidden(
            "Only the account's technical contacts and the person who filed the ticket can do this.",
        )),
    }
}

/// The ticket's deadlines as of `at`.
pub async fn sla_of(
    state: &AppState,
    ticket: &Ticket,
    at: Timestamp,
) -> Result<SlaStatus, LifeError> {
    let entries = timeline::entries(&state.db, ticket.id, Readers::Customers).await?;
    Ok(life::sla_status(
        &state.policy.policy,
        ticket,
        &entries,
        at,
    )?)
}

/// The ticket with its deadlines as of now, as the API answers it.
pub async fn answer(state: &AppState, ticket: Ticket) -> Result<support_api::Ticket, LifeError> {
    let sla = sla_of(state, &ticket, crate::db::now()).await?;
    Ok(ticket.answer(sla))
}

/// Tickets with their deadlines as of now, as the API answers them: every history in one
/// query, however many tickets (a page of `GET /api/tickets`).
pub async fn answer_all(
    state: &AppState,
    tickets: Vec<Ticket>,
) -> Result<Vec<support_api::Ticket>, LifeError> {
    let ids: Vec<i64> = tickets.iter().map(|ticket| ticket.id).collect();
    let mut histories = timeline::customer_entries_of(&state.db, &ids).await?;
    let now = crate::db::now();
    tickets
        .into_iter()
        .map(|ticket| {
            let entries = histories.remove(&ticket.id).unwrap_or_default();
            let sla = life::sla_status(&state.policy.policy, &ticket, &entries, now)?;
            Ok(ticket.answer(sla))
        })
        .collect()
}

/// `GET /api/tickets/{id}`.
pub async fn show(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<support_api::Ticket, LifeError> {
    let ticket = ticket_for(state, viewer, id, false).await?;
    answer(state, ticket).await
}

/// `GET /api/tickets/{id}/timeline`: oldest first, without internal notes for a customer.
pub async fn timeline(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<Vec<TimelineEntry>, LifeError> {
    let ticket = ticket_for(state, viewer, id, false).await?;
    Ok(timeline::entries(&state.db, ticket.id, readers(viewer)).await?)
}

/// What an action makes of the ticket it read, or why it refuses.
struct Plan {
    status: TicketStatus,
    solved_at: Option<Timestamp>,
    severity: Option<Severity>,
    entry: Entry,
}

fn severity_of(ticket: &Ticket) -> Option<Severity> {
    match ticket.kind {
        TicketKind::Incident { severity } => Some(severity),
        _ => None,
    }
}

/// Reads the ticket, plans the change, applies it (sending the viewer's uploads `attachments`
/// with its entry); again when the ticket changed meanwhile.
async fn act(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    idempotency: Option<(&Idempotency<'_>, &str)>,
    attachments: &[i64],
    plan: impl Fn(&Ticket, Timestamp) -> Result<Plan, LifeError>,
) -> Result<Acted, LifeError> {
    for _ in 0..ATTEMPTS {
        let ticket = ticket_for(state, viewer, id, true).await?;
        check_may_act(viewer, &ticket)?;
        let now = crate::db::now();
        let planned = plan(&ticket, now)?;
        let entry = NewEntry {
            ticket_id: ticket.id,
            at: now,
            author_id: Some(viewer.person().id),
            entry: &planned.entry,
        };
        let first_response_due = if planned.severity == severity_of(&ticket) {
            ticket.first_response_due
        } else {
            // The deadline the clock gives once this change is in the history.
            let mut entries = timeline::entries(&state.db, ticket.id, Readers::Customers).await?;
            entries.push(TimelineEntry {
                id: 0,
                at: now,
                author: None,
                entry: planned.entry.clone(),
            });
            life::sla_status(&state.policy.policy, &ticket, &entries, now)?
                .first_response
                .due
        };
        let change = Change {
            ticket_id: ticket.id,
            from_status: ticket.status,
            from_severity: severity_of(&ticket),
            status: planned.status,
            solved_at: planned.solved_at,
            severity: planned.severity,
            first_response_due,
            entry,
            attachments,
        };
        let policy = &state.policy.policy;
        let place = |history: &[TimelineEntry]| {
            let sla = life::sla_status(policy, &ticket, history, now)?;
            Ok(QueuePlace::of(planned.status, &sla))
        };
        match timeline::apply(
            &state.db,
            &state.links,
            &change,
            idempotency,
            |entry| serde_json::to_string(entry).unwrap_or_default(),
            place,
        )
        .await?
        {
            Applied::Done(entry) => {
                tracing::info!(ticket = id, by = viewer.person().id, status = %planned.status, "ticket changed");
                return Ok(Acted::Done(entry));
            }
            Applied::Replay(first) => return Ok(Acted::Replay(first)),
            Applied::Duplicate => return Err(LifeError::AlreadyRated),
            Applied::NotAnUpload(file) => return Err(LifeError::NotAnUpload(file)),
            Applied::Clock(error) => return Err(LifeError::Sla(error)),
            Applied::Stale => continue,
        }
    }
    Err(LifeError::Busy)
}

enum Acted {
    Done(TimelineEntry),
    Replay(StoredResponse),
}

fn unchanged(ticket: &Ticket, entry: Entry) -> Plan {
    Plan {
        status: ticket.status,
        solved_at: ticket.solved_at,
        severity: severity_of(ticket),
        entry,
    }
}

/// `POST /api/tickets/{id}/messages`: a customer's message, an engineer's public message,
/// internal note or request for information; with an idempotency key, a retry gets the first
/// answer again.
pub async fn post_message(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    key: Option<&IdempotencyKey>,
    message: &NewMessage,
) -> Result<Submitted, LifeError> {
    let person = viewer.person().id;
    let request = json!({
        "ticket": id,
        "body": message.body,
        "internal": message.internal,
        "request_information": message.request_information,
        "attachments": message.attachments,
    });
    let request_hash = hex::encode(Sha256::digest(request.to_string().as_bytes()));
    if let Some(key) = key
        && let Some(first) = tickets::stored_response(&state.db, person, key).await?
    {
        return replay(first, &request_hash);
    }
    let kind = MessageKind::of(
        viewer.is_engineer(),
        message.internal,
        message.request_information,
    )
    .map_err(|error| match error {
        MessageFlagsError::EngineersOnly => LifeError::Forbidden(
            "Only support engineers write internal notes and requests for information.",
        ),
        MessageFlagsError::Both => {
            LifeError::Invalid(Invalid::field(support_api::FieldError::new(
                support_api::FieldCode::Invalid,
                "request_information",
                "an internal note cannot also be a request for information",
            )))
        }
    })?;
    let body = MessageBody::parse(&message.body)
        .map_err(|problem| Invalid::named("body", problem))?
        .into_string();
    let most = state
        .policy
        .policy
        .document()
        .attachments
        .max_files_per_message;
    life::check_attachment_list(&message.attachments, most)
        .map_err(|problem| Invalid::named("attachments", problem))?;
    let stored_key = key.map(|key| Idempotency {
        person_id: person,
        key,
        request_hash: &request_hash,
    });
    let location = format!("/api/tickets/{id}/timeline");
    let acted = act(
        state,
        viewer,
        id,
        stored_key.as_ref().map(|k| (k, location.as_str())),
        &message.attachments,
        |ticket, _| {
            let status = kind
                .status_after(ticket.status)
                .map_err(LifeError::TakesNoMessages)?;
            Ok(Plan {
                status,
                ..unchanged(ticket, kind.entry(body.clone()))
            })
        },
    )
    .await?;
    match acted {
        Acted::Done(entry) => Ok(Submitted {
            status: 201,
            body: serde_json::to_string(&entry).unwrap_or_default(),
            location,
        }),
        Acted::Replay(first) => replay(first, &request_hash),
    }
}

fn replay(first: StoredResponse, request_hash: &str) -> Result<Submitted, LifeError> {
    if first.request_hash == request_hash {
        Ok(first.into())
    } else {
        Err(LifeError::KeyReused)
    }
}

fn done(acted: Acted) -> Result<TimelineEntry, LifeError> {
    match acted {
        Acted::Done(entry) => Ok(entry),
        // Only messages carry a key.
        Acted::Replay(_) => Err(LifeError::KeyReused),
    }
}

/// `POST /api/tickets/{id}/solve`.
pub async fn solve(state: &AppState, viewer: &Viewer, id: i64) -> Result<TimelineEntry, LifeError> {
    done(
        act(state, viewer, id, None, &[], |ticket, now| {
            if !life::is_active(ticket.status) {
                return Err(LifeError::StatusConflict(format!(
                    "The ticket is {}; only an open, in-progress or waiting ticket can be solved.",
                    ticket.status
                )));
            }
            Ok(Plan {
                status: TicketStatus::Solved,
                solved_at: Some(now),
                ..unchanged(ticket, Entry::Solved)
            })
        })
        .await?,
    )
}

/// `POST /api/tickets/{id}/reopen` with a reason, within the policy's window after solving.
pub async fn reopen(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    reason: &str,
) -> Result<TimelineEntry, LifeError> {
    let reason = Remark::parse(reason, "a reason")
        .map_err(|problem| Invalid::named("reason", problem))?
        .into_string();
    let days = state.policy.policy.document().lifecycle.reopen_within_days;
    done(
        act(state, viewer, id, None, &[], |ticket, now| {
            let until = ticket.solved_at.map(|at| life::reopen_until(at, days));
            match (ticket.status, until) {
                (TicketStatus::Solved, Some(until)) if now <= until => Ok(Plan {
                    status: TicketStatus::InProgress,
                    solved_at: None,
                    ..unchanged(
                        ticket,
                        Entry::Reopened {
                            reason: reason.clone(),
                        },
                    )
                }),
                (TicketStatus::Solved | TicketStatus::Closed, Some(until)) => {
                    Err(LifeError::ReopenWindowPassed(until))
                }
                (status, _) => Err(LifeError::StatusConflict(format!(
                    "The ticket is {status}; only a solved ticket can be reopened."
                ))),
            }
        })
        .await?,
    )
}

/// `POST /api/tickets/{id}/rating`: once, by the customer side, once the ticket is solved
/// (a reopened ticket keeps its rating).
pub async fn rate(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    rating: &NewRating,
) -> Result<TimelineEntry, LifeError> {
    if viewer.is_engineer() {
        return Err(LifeError::Forbidden(
            "Ratings are the customer's: support engineers cannot rate tickets.",
        ));
    }
    let mut errors = Vec::new();
    let score = u8::try_from(rating.score)
        .ok()
        .filter(|score| (1..=5).contains(score));
    if score.is_none() {
        errors.push(support_api::FieldError::new(
            support_api::FieldCode::Invalid,
            "score",
            "must be a whole number from 1 to 5",
        ));
    }
    let comment = match rating.comment.as_deref() {
        None => None,
        Some(text) => match Remark::parse(text, "a comment") {
            Ok(comment) => Some(comment.into_string()),
            Err(problem) => {
                errors.push(problem.named("comment"));
                None
            }
        },
    };
    let (Some(score), true) = (score, errors.is_empty()) else {
        return Err(Invalid(errors).into());
    };
    done(
        act(state, viewer, id, None, &[], |ticket, _| {
            if !matches!(ticket.status, TicketStatus::Solved | TicketStatus::Closed) {
                return Err(LifeError::StatusConflict(format!(
                    "The ticket is {}; a ticket is rated once it is solved.",
                    ticket.status
                )));
            }
            Ok(unchanged(
                ticket,
                Entry::Rated {
                    score,
                    comment: comment.clone(),
                },
            ))
        })
        .await?,
    )
}

/// `POST /api/tickets/{id}/severity`: the customer side raises or lowers an incident's
/// severity; an engineer may only lower it.
pub async fn change_severity(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    change: &SeverityChange,
) -> Result<TimelineEntry, LifeError> {
    let reason = Remark::parse(&change.reason, "a reason")
        .map_err(|problem| Invalid::named("reason", problem))?
        .into_string();
    let by = role(viewer);
    done(
        act(state, viewer, id, None, &[], |ticket, _| {
            let Some(from) = severity_of(ticket) else {
                return Err(Invalid::field(support_api::FieldError::new(
                    support_api::FieldCode::NotAllowed,
                    "severity",
                    format!("a {} has no severity: only incidents do", ticket.kind.ticket_type().key()),
                ))
                .into());
            };
            if !life::is_active(ticket.status) {
                return Err(LifeError::StatusConflict(format!(
                    "The ticket is {}; the severity of an open, in-progress or waiting ticket can be changed.",
                    ticket.status
                )));
            }
            let to = change.severity;
            if to == from {
                return Err(Invalid::field(support_api::FieldError::new(
                    support_api::FieldCode::Invalid,
                    "severity",
                    format!("the ticket's severity is already {}", to.key()),
                ))
                .into());
            }
            // `Severity` is ordered from the most urgent down.
            if by == Role::Engineer && to < from {
                return Err(LifeError::Forbidden(
                    "Support engineers may lower a severity, never raise it.",
                ));
            }
            Ok(Plan {
                severity: Some(to),
                ..unchanged(
                    ticket,
                    Entry::SeverityChanged {
                        from,
                        to,
                        reason: reason.clone(),
                        by,
                    },
                )
            })
        })
        .await?,
    )
}

/// `POST /api/tickets/{id}/escalations`: from the customer side, on any ticket not solved,
/// closed or rejected; "not handled appropriately" needs its detail.
pub async fn escalate(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    escalation: &NewEscalation,
) -> Result<TimelineEntry, LifeError> {
    if viewer.is_engineer() {
        return Err(LifeError::Forbidden(
            "Escalations are the customer's: support engineers cannot escalate tickets.",
        ));
    }
    let detail = match (escalation.reason, escalation.detail.as_deref()) {
        (EscalationReason::NotHandled, None) => {
            return Err(Invalid::field(support_api::FieldError::new(
                support_api::FieldCode::Required,
                "detail",
                "is required when the ticket is not handled appropriately: say how",
            ))
            .into());
        }
        (_, None) => None,
        (_, Some(text)) => Some(
            Remark::parse(text, "a detail")
                .map_err(|problem| Invalid::named("detail", problem))?
                .into_string(),
        ),
    };
    done(
        act(state, viewer, id, None, &[], |ticket, _| {
            if !life::may_escalate(ticket.status) {
                return Err(LifeError::StatusConflict(format!(
                    "The ticket is {}; a solved, closed or rejected ticket cannot be escalated.",
                    ticket.status
                )));
            }
            Ok(unchanged(
                ticket,
                Entry::Escalated {
                    reason: escalation.reason,
                    detail: detail.clone(),
                },
            ))
        })
        .await?,
    )
}
