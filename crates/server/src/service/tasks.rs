//! What the server does on its own, every few seconds: it records each deadline's outcome in
//! the ticket's timeline (a breach within a tick of its instant, not only when someone looks)
//! and closes the solved tickets whose reopening window has passed. Both are safe with
//! several server processes: a deadline's outcome has a unique key, and closing is a
//! conditional update.

use std::time::Duration;

use support_api::{Deadline, Entry};
use support_rules::{DeadlineKind, DeadlineOutcome};

use crate::domain::life;
use crate::state::AppState;
use crate::store::tickets;
use crate::store::timeline::{self, NewEntry, Readers};

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
        if let Err(error) = record_deadlines(&state).await {
            tracing::error!(%error, "recording deadlines failed");
        }
        if let Err(error) = close_expired(&state).await {
            tracing::error!(%error, "closing solved tickets failed");
        }
    }
}

/// Records every deadline outcome up to now that is not recorded yet. Returns how many this
/// call recorded.
pub async fn record_deadlines(state: &AppState) -> Result<usize, TaskError> {
    let now = crate::db::now();
    let mut recorded = 0;
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
                recorded += 1;
                tracing::info!(ticket = ticket.id, ?record.deadline, ?record.outcome, "deadline recorded");
            }
        }
    }
    Ok(recorded)
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
