//! The support console's use cases: a page of the queue with its marks, assigning a ticket,
//! and the first-response report. Only engineers reach them (the routes take an `Engineer`).

use std::collections::BTreeMap;

use jiff::Timestamp;
use support_api::{Engineer, Engineers, Queue, QueueTicket, Report, TimelineEntry};

use crate::domain::life as rules;
use crate::domain::queue::{self, Cursor, PageSize, QueueFilter, Queued};
use crate::domain::report::{self, Counted, DayRange};
use crate::domain::{Invalid, Person};
use crate::service::life::LifeError;
use crate::state::AppState;
use crate::store::{console, tickets, timeline};

/// A page of the queue after `cursor`, its marks as of `at`, and the next page's cursor.
pub async fn queue(
    state: &AppState,
    me: &Person,
    filter: &QueueFilter,
    cursor: Cursor,
    size: PageSize,
    at: Timestamp,
) -> Result<Queue, LifeError> {
    // One more than the page: whether there is a next one, without counting.
    let mut rows = console::queue_page(&state.db, filter, me.id, cursor, size.get() + 1).await?;
    let more = rows.len() > size.get() as usize;
    rows.truncate(size.get() as usize);
    let policy = &state.policy.policy;
    let window = policy.document().lifecycle.warning_window;
    let next = more
        .then(|| {
            rows.last()
                .map(|last| Cursor::after(last.place, last.id).encode())
        })
        .flatten();
    let mut tickets = Vec::with_capacity(rows.len());
    for row in rows {
        let queued = Queued {
            level: row.account.level,
            tsm: row.account.tsm,
            kind: row.kind.clone(),
            status: row.status,
            place: row.place,
        };
        let marks = queue::marks(policy, &queued, window, at)?;
        let (severity, service) = match row.kind {
            support_rules::TicketKind::Incident { severity } => (Some(severity), None),
            support_rules::TicketKind::Request { ref service } => {
                (None, Some(service.as_str().to_owned()))
            }
            support_rules::TicketKind::Question => (None, None),
        };
        tickets.push(QueueTicket {
            id: row.id,
            kind: row.kind.ticket_type(),
            account: row.account,
            severity,
            service,
            subject: row.subject,
            status: row.status,
            assignee: row.assignee,
            deadline: marks.deadline,
            due: marks.due,
            paused: marks.paused,
            in_warning: marks.in_warning,
            breached: marks.breached,
        });
    }
    Ok(Queue { tickets, next, at })
}

/// Every support engineer, to assign a ticket to.
pub async fn engineers(state: &AppState) -> Result<Engineers, LifeError> {
    Ok(Engineers {
        engineers: console::engineers(&state.db).await?,
    })
}

/// `POST /api/console/tickets/{id}/assignee`: to an engineer (`None`: nobody).
pub async fn assign(
    state: &AppState,
    me: &Person,
    id: i64,
    engineer_id: Option<i64>,
) -> Result<TimelineEntry, LifeError> {
    let engineer: Option<Engineer> = match engineer_id {
        None => None,
        Some(engineer_id) => Some(
            console::engineer(&state.db, engineer_id)
                .await?
                .ok_or_else(|| {
                    Invalid::field(support_api::FieldError::new(
                        support_api::FieldCode::Invalid,
                        "engineer_id",
                        format!("{engineer_id} is not a support engineer's id"),
                    ))
                })?,
        ),
    };
    let ticket = tickets::find_latest(&state.db, tickets::Scope::AllAccounts, id)
        .await?
        .ok_or(LifeError::NotFound)?;
    match console::assign(
        &state.db,
        ticket.id,
        engineer.as_ref(),
        me.id,
        crate::db::now(),
    )
    .await?
    {
        Some(entry) => {
            tracing::info!(ticket = id, by = me.id, assignee = ?engineer_id, "ticket assigned");
            Ok(entry)
        }
        None => {
            let status = tickets::find_latest(&state.db, tickets::Scope::AllAccounts, id)
                .await?
                .map_or(ticket.status, |t| t.status);
            Err(LifeError::StatusConflict(format!(
                "The ticket is {status}; only an open, in-progress or waiting ticket is assigned."
            )))
        }
    }
}

/// The report of the tickets opened in `range`, their deadlines as of now.
pub async fn report(state: &AppState, range: DayRange) -> Result<Report, LifeError> {
    let (start, end) = range.instants();
    let opened = tickets::opened_between(&state.db, start, end).await?;
    let mut histories: BTreeMap<i64, Vec<TimelineEntry>> = BTreeMap::new();
    for (ticket, entry) in timeline::of_opened_between(&state.db, start, end).await? {
        histories.entry(ticket).or_default().push(entry);
    }
    let policy = &state.policy.policy;
    let now = crate::db::now();
    let mut counted = Vec::with_capacity(opened.len());
    for ticket in opened {
        let Some(opened_at) = ticket.opened_at else {
            continue;
        };
        let history = histories.remove(&ticket.id).unwrap_or_default();
        let sla = rules::sla_status(policy, &ticket, &history, now)?;
        counted.push(Counted {
            level: ticket.level,
            tsm: ticket.tsm,
            kind: ticket.kind,
            opened_at,
            sla,
        });
    }
    Ok(Report {
        from: range.from,
        to: range.to,
        rows: report::rows(policy, &counted)?,
    })
}
