//! What the server does on its own, every few seconds: it records each deadline's outcome in
//! the ticket's timeline (a breach within a tick of its instant, not only when someone looks),
//! e-mails the engineers when a running deadline enters the policy's warning window, and
//! closes the solved tickets whose reopening window has passed. All are safe with several
//! server processes: a deadline's outcome and its warning have unique keys, and closing is a
//! conditional update. It also forgets the sign-in budgets' windows that ended.

use std::time::Duration;

use jiff::Timestamp;
use support_api::{Deadline, Entry};
use support_rules::{DeadlineKind, DeadlineOutcome, SlaTicket};

use crate::domain::life;
use crate::domain::queue::QueuePlace;
use crate::state::AppState;
use crate::store::timeline::{self, NewEntry, Readers};
use crate::store::{console, outbox, rate_limits, tickets};

/// How often the tasks run: a breach is recorded within this much of its instant.
pub const INTERVAL: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Runs both tasks every `interval`, forever (the server aborts it when it stops).
pub async fn run(state: AppState, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(error) = schedule_unscheduled(&state).await {
            tracing::error!(%error, "placing tickets in the queue failed");
        }
        if let Err(error) = watch_deadlines(&state, crate::db::now()).await {
            tracing::error!(%error, "recording deadlines failed");
        }
        if let Err(error) = close_expired(&state).await {
            tracing::error!(%error, "closing solved tickets failed");
        }
        if let Err(error) = forget_spent_windows(&state).await {
            tracing::error!(%error, "forgetting past sign-in windows failed");
        }
    }
}

/// What one look at the deadlines did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Watched {
    /// Outcomes (met, breached) recorded in the timelines.
    pub recorded: usize,
    /// Deadlines the engineers were told are near.
    pub warned: usize,
}

/// As of `now`: records every deadline outcome that is not recorded yet, and tells the
/// engineers of each running deadline in the warning window that they were not told of.
pub async fn watch_deadlines(state: &AppState, now: Timestamp) -> Result<Watched, TaskError> {
    let mut watched = Watched::default();
    let window = state.policy.policy.document().lifecycle.warning_window;
    for ticket in tickets::with_deadlines(&state.db).await? {
        let entries = timeline::entries(&state.db, ticket.id, Readers::Customers).await?;
        let (sla_ticket, events) = life::sla_history(&ticket, &entries);
        let clock = match state.policy.policy.sla_clock(&sla_ticket, &events) {
            Ok(clock) => clock,
            Err(error) => {
                tracing::error!(ticket = ticket.id, %error, "the ticket's SLA clock");
                continue;
            }
        };
        for record in clock.records(now) {
            let deadline = match record.deadline {
                DeadlineKind::FirstResponse => Deadline::FirstResponse,
                DeadlineKind::NextUpdate => Deadline::NextUpdate,
            };
            let entry = match record.outcome {
                DeadlineOutcome::Met => Entry::DeadlineMet {
                    deadline,
                    number: record.number,
                    due: record.due,
                },
                DeadlineOutcome::Breached => Entry::DeadlineBreached {
                    deadline,
                    number: record.number,
                    due: record.due,
                },
            };
            let new = NewEntry {
                ticket_id: ticket.id,
                at: record.at,
                author_id: None,
                entry: &entry,
            };
            if timeline::record_once(&state.db, &new).await? {
                watched.recorded += 1;
                tracing::info!(ticket = ticket.id, ?record.deadline, ?record.outcome, "deadline recorded");
            }
        }
        let status = clock.status(now);
        let running = [
            (status.first_response.met_at.is_none() && !status.first_response.breached)
                .then_some(status.first_response.due)
                .flatten()
                .map(|due| (DeadlineKind::FirstResponse, due)),
            status.update.due.map(|due| (DeadlineKind::NextUpdate, due)),
        ];
        // The deadline counts on the calendar of the ticket's severity now.
        let current = SlaTicket {
            kind: ticket.kind.clone(),
            ..sla_ticket
        };
        for (kind, due) in running.into_iter().flatten() {
            let (near, zone) = match state.policy.policy.deadline_calendar(&current, kind) {
                Ok(calendar) => (
                    calendar.is_in_warning(now, due, window),
                    calendar.time_zone().cloned(),
                ),
                Err(error) => {
                    tracing::error!(ticket = ticket.id, %error, "the deadline's calendar");
                    (false, None)
                }
            };
            let deadline = match kind {
                DeadlineKind::FirstResponse => Deadline::FirstResponse,
                DeadlineKind::NextUpdate => Deadline::NextUpdate,
            };
            if near
                && outbox::warn_engineers(
                    &state.db,
                    ticket.id,
                    outbox::Warning {
                        deadline,
                        due,
                        zone,
                    },
                    now,
                    &state.links,
                )
                .await?
            {
                watched.warned += 1;
                tracing::info!(ticket = ticket.id, ?deadline, %due, "engineers warned of a near deadline");
            }
        }
    }
    Ok(watched)
}

/// Places in the queue the in-progress tickets the console's migration could not place (their
/// next update needs the calendar arithmetic). The first tick runs at startup; afterwards the
/// query finds nothing, on the queue index. Returns how many this call placed.
pub async fn schedule_unscheduled(state: &AppState) -> Result<usize, TaskError> {
    let mut placed = 0;
    for id in console::unscheduled(&state.db).await? {
        let Some(ticket) = tickets::find_latest(&state.db, tickets::Scope::AllAccounts, id).await?
        else {
            continue;
        };
        let entries = timeline::entries(&state.db, id, Readers::Customers).await?;
        let place =
            match life::sla_status(&state.policy.policy, &ticket, &entries, crate::db::now()) {
                Ok(sla) => QueuePlace::of(ticket.status, &sla),
                Err(error) => {
                    tracing::error!(ticket = id, %error, "the ticket's SLA clock");
                    continue;
                }
            };
        if console::schedule(&state.db, id, place).await? {
            placed += 1;
        }
    }
    Ok(placed)
}

/// Deletes the shared sign-in windows that ended (PostgreSQL keeps them; see `rate_limit`).
pub async fn forget_spent_windows(state: &AppState) -> Result<u64, TaskError> {
    if state.db.backend() != crate::db::Backend::Postgres {
        return Ok(0);
    }
    let window = jiff::SignedDuration::try_from(state.settings.limits.window)
        .unwrap_or(jiff::SignedDuration::MAX);
    let expired = crate::db::now()
        .checked_sub(window)
        .unwrap_or(jiff::Timestamp::MIN);
    Ok(rate_limits::forget_expired(&state.db, expired).await?)
}

/// Closes the solved tickets past the policy's reopening window. Returns the ids closed here.
pub async fn close_expired(state: &AppState) -> Result<Vec<i64>, TaskError> {
    let now = crate::db::now();
    let days = state.policy.policy.document().lifecycle.reopen_within_days;
    let cutoff = now
        .checked_sub(jiff::SignedDuration::from_hours(i64::from(days) * 24))
        .unwrap_or(jiff::Timestamp::MIN);
    let closed = tickets::close_solved_before(&state.db, cutoff, now).await?;
    for id in &closed {
        tracing::info!(
            ticket = id,
            "solved ticket closed: its reopening window passed"
        );
    }
    Ok(closed)
}
