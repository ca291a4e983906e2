//! Delivering the outbox: a worker in every server process claims the due e-mails, sends them
//! and marks each sent, or puts it off with exponential backoff (2 s, doubling, at most
//! 15 minutes) and keeps the error. Delivery is at least once: a process that dies between the
//! mail server's acceptance and the mark leaves the row claimed, and once the claim runs out
//! another worker sends it again, with the same `Message-ID`.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;

use crate::mail::Mailer;
use crate::state::AppState;
use crate::store::outbox;

/// How many e-mails a worker claims (and sends concurrently) at once.
const BATCH: u32 = 8;
/// The first retry's delay, doubled for each further attempt...
const FIRST_RETRY: Duration = Duration::from_secs(2);
/// ... up to this.
const LONGEST_RETRY: Duration = Duration::from_secs(15 * 60);

/// How long to wait after the `attempts`-th failed attempt.
///
/// ```
/// use std::time::Duration;
/// use support_server::service::outbox::backoff;
/// assert_eq!(backoff(1), Duration::from_secs(2));
/// assert_eq!(backoff(3), Duration::from_secs(8));
/// assert_eq!(backoff(40), Duration::from_secs(900));
/// ```
pub fn backoff(attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(20);
    FIRST_RETRY
        .saturating_mul(1 << doublings)
        .min(LONGEST_RETRY)
}

fn later(at: jiff::Timestamp, by: Duration) -> jiff::Timestamp {
    jiff::SignedDuration::try_from(by)
        .ok()
        .and_then(|by| at.checked_add(by).ok())
        .unwrap_or(jiff::Timestamp::MAX)
}

/// Delivers the outbox forever (the server aborts it when it stops).
pub async fn run(state: AppState, mailer: Mailer) {
    let mailer = Arc::new(mailer);
    loop {
        match deliver_due(&state, &mailer).await {
            Ok(0) => tokio::time::sleep(state.settings.mail.poll).await,
            Ok(_) => {}
            Err(error) => {
                tracing::error!(%error, "delivering the outbox failed");
                tokio::time::sleep(state.settings.mail.poll).await;
            }
        }
    }
}

/// Claims the due e-mails and tries each once. Returns how many it tried.
pub async fn deliver_due(state: &AppState, mailer: &Arc<Mailer>) -> Result<usize, sqlx::Error> {
    let now = crate::db::now();
    // Past the claim, the row is due again: if this process dies, another one sends it.
    let claim_until = later(now, mailer.deadline() + Duration::from_secs(10));
    let claimed = outbox::claim(&state.db, now, claim_until, BATCH).await?;
    let tried = claimed.len();
    let mut sending = JoinSet::new();
    for outgoing in claimed {
        let mailer = Arc::clone(mailer);
        sending.spawn(async move {
            let sent = mailer.send(&outgoing).await;
            (outgoing, sent)
        });
    }
    while let Some(done) = sending.join_next().await {
        let Ok((outgoing, sent)) = done else {
            // A panicking send leaves its row claimed: it is tried again after the claim.
            continue;
        };
        match sent {
            Ok(()) => {
                outbox::mark_sent(&state.db, outgoing.id, crate::db::now()).await?;
                tracing::info!(
                    outbox = outgoing.id,
                    attempts = outgoing.attempts,
                    "e-mail sent"
                );
            }
            Err(error) => {
                let delay = backoff(outgoing.attempts);
                let error = error.to_string();
                outbox::put_off(
                    &state.db,
                    outgoing.id,
                    later(crate::db::now(), delay),
                    &error,
                )
                .await?;
                tracing::warn!(outbox = outgoing.id, attempts = outgoing.attempts, retry_in = ?delay, %error, "e-mail not sent");
            }
        }
    }
    Ok(tried)
}
