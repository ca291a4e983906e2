//! Live updates: each server process has one [`Hub`], fed by one pump that reads new timeline
//! entries from the database in [`Position`] order (see `store::events`) and hands each to the
//! streams whose reader may see it.
//!
//! The database is the only source: a notification only wakes the pump (PostgreSQL's
//! `LISTEN/NOTIFY` from every process, delivered at commit; this process's own commits
//! directly), and the pump reads from its last position on, so a missed notification or a
//! listener that reconnects delays an entry and never loses it. It also looks every
//! [`EventSettings::poll`] without being woken.
//!
//! Each stream has a bounded channel ([`EventSettings::buffer`]). A stream whose channel is
//! full (its reader does not read) is dropped by the hub: it ends after what it holds, and
//! its client resumes with `Last-Event-ID`. The server never holds more than that per stream.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::Stream;
use tokio::sync::mpsc;

use crate::auth::Viewer;
use crate::config::EventSettings;
use crate::db::{Backend, Db};
use crate::domain::Position;
use crate::state::AppState;
use crate::store::events::{self, Published};
use crate::store::tickets::{self, Scope};

/// The channel every server process listens on (the migration's trigger notifies it).
const CHANNEL: &str = "ticket_entries";
/// Entries the pump reads at once, and a catch-up's page.
const PAGE: u32 = 500;
/// The longest the pump waits before looking again at entries that wait for an older
/// transaction.
const PENDING_WAIT: Duration = Duration::from_millis(20);

#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    #[error("no such ticket")]
    NotFound,
    #[error("{0} streams are open already")]
    TooManyStreams(usize),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Whose stream it is: which entries it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    /// The one account whose tickets a customer sees; `None` for an engineer (every ticket).
    pub account: Option<i64>,
    /// Only this ticket's entries (`?ticket=`).
    pub ticket: Option<i64>,
}

impl Reader {
    /// A customer sees their account's tickets and never an internal note; an engineer sees
    /// everything.
    pub fn may_see(&self, entry: &Published) -> bool {
        let account = match self.account {
            None => true,
            Some(account) => entry.account_id == account && !entry.internal,
        };
        account && self.ticket.is_none_or(|ticket| ticket == entry.ticket_id)
    }
}

struct Subscriber {
    reader: Reader,
    sender: mpsc::Sender<Published>,
}

struct Inner {
    /// Every entry up to here was published; every later one will be, in order.
    published: Position,
    next_id: u64,
    subscribers: HashMap<u64, Subscriber>,
    /// Open streams per person.
    open: HashMap<i64, usize>,
    closed: bool,
}

/// This process's live updates: the position published so far and the open streams.
pub struct Hub {
    settings: EventSettings,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// A stream's place in the hub: its channel, and where the hub stood when it joined. Dropping
/// it frees the person's slot.
pub struct Subscription {
    receiver: mpsc::Receiver<Published>,
    joined_at: Position,
    _slot: Slot,
}

struct Slot {
    hub: Arc<Hub>,
    id: u64,
    person: i64,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut inner = self.hub.lock();
        inner.subscribers.remove(&self.id);
        if let Some(open) = inner.open.get_mut(&self.person) {
            *open -= 1;
            if *open == 0 {
                inner.open.remove(&self.person);
            }
        }
    }
}

impl Hub {
    /// A hub that has published everything up to `start` (see `store::events::start`).
    pub fn new(settings: EventSettings, start: Position) -> Self {
        Self {
            settings,
            inner: Mutex::new(Inner {
                published: start,
                next_id: 0,
                subscribers: HashMap::new(),
                open: HashMap::new(),
                closed: false,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain counters behind: go on with them.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn published(&self) -> Position {
        self.lock().published
    }

    /// How many streams are open in this process.
    pub fn open_streams(&self) -> usize {
        self.lock().open.values().sum()
    }

    /// A new stream of `person`'s, unless they hold the most they may already.
    pub fn subscribe(
        self: &Arc<Self>,
        person: i64,
        reader: Reader,
    ) -> Result<Subscription, EventsError> {
        let max = self.settings.max_streams_per_person;
        let (sender, receiver) = mpsc::channel(self.settings.buffer.max(1));
        let mut inner = self.lock();
        let open = inner.open.entry(person).or_insert(0);
        if *open >= max {
            return Err(EventsError::TooManyStreams(max));
        }
        *open += 1;
        let id = inner.next_id;
        inner.next_id += 1;
        // After `close` the sender is dropped at once: the stream ends.
        if !inner.closed {
            inner.subscribers.insert(id, Subscriber { reader, sender });
        }
        Ok(Subscription {
            receiver,
            joined_at: inner.published,
            _slot: Slot {
                hub: Arc::clone(self),
                id,
                person,
            },
        })
    }

    /// Hands `entries` (stable, in order, after the published position) to the streams that
    /// may see them; a stream with a full channel is dropped.
    pub fn publish(&self, entries: &[Published]) {
        let Some(last) = entries.last() else {
            return;
        };
        let mut inner = self.lock();
        let mut behind = Vec::new();
        for entry in entries {
            for (id, subscriber) in &inner.subscribers {
                if !subscriber.reader.may_see(entry) {
                    continue;
                }
                if let Err(error) = subscriber.sender.try_send(*entry) {
                    if matches!(error, mpsc::error::TrySendError::Full(_)) {
                        tracing::warn!(
                            stream = id,
                            buffer = self.settings.buffer,
                            "a live-update stream fell behind its reader: closed"
                        );
                    }
                    behind.push(*id);
                }
            }
            for id in behind.drain(..) {
                inner.subscribers.remove(&id);
            }
        }
        inner.published = last.position;
    }

    /// Ends every stream (the server is shutting down) and every later one at once.
    pub fn close(&self) {
        let mut inner = self.lock();
        inner.closed = true;
        inner.subscribers.clear();
    }
}

/// Publishes new entries forever (the server aborts it when it stops).
pub async fn run(db: Db, hub: Arc<Hub>, settings: EventSettings) {
    if db.backend() == Backend::Postgres {
        tokio::spawn(listen(db.clone()));
    }
    loop {
        tokio::select! {
            () = db.entries_committed_signal() => {}
            () = tokio::time::sleep(settings.poll) => {}
        }
        pump(&db, &hub, settings.poll).await;
    }
}

/// Publishes every stable entry after the hub's position; while some wait for an older
/// transaction to end, looks again shortly.
async fn pump(db: &Db, hub: &Hub, poll: Duration) {
    let mut wait = Duration::from_millis(5);
    loop {
        match events::after(db, hub.published(), PAGE).await {
            Ok(batch) => {
                hub.publish(&batch.entries);
                if batch.entries.len() == PAGE as usize {
                    continue;
                }
                if !batch.pending {
                    return;
                }
                // An older transaction is still running: they take milliseconds, so look again
                // soon (or at the next commit), never later than `PENDING_WAIT`.
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = db.entries_committed_signal() => {}
                }
                wait = (wait * 2).min(PENDING_WAIT.min(poll));
            }
            Err(error) => {
                tracing::error!(%error, "reading new timeline entries failed");
                return;
            }
        }
    }
}

/// PostgreSQL: wakes the pump on every notification of a commit with entries, from any
/// process. After the listening connection is lost (and on connecting) the pump is woken
/// too, to catch up what committed meanwhile.
async fn listen(db: Db) {
    loop {
        match sqlx::postgres::PgListener::connect(db.postgres_url()).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => {
                    db.entries_committed();
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(_)) => db.entries_committed(),
                            Ok(None) => {
                                tracing::warn!(
                                    "the connection listening for new entries was lost: reconnected, catching up"
                                );
                                db.entries_committed();
                            }
                            Err(error) => {
                                tracing::warn!(%error, "listening for new entries failed");
                                break;
                            }
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot LISTEN for new entries"),
            },
            Err(error) => tracing::warn!(%error, "cannot connect to listen for new entries"),
        }
        db.entries_committed();
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// `GET /api/events`: the entries the viewer may see (of one ticket with `ticket`), each once,
/// in position order: after `last` (`Last-Event-ID`) when given, otherwise from now on.
pub async fn open(
    state: &AppState,
    viewer: &Viewer,
    ticket: Option<i64>,
    last: Option<Position>,
) -> Result<impl Stream<Item = Published> + Send + use<>, EventsError> {
    if let Some(id) = ticket {
        let scope = match viewer.account_id() {
            Some(account) => Scope::Account(account),
            None => Scope::AllAccounts,
        };
        tickets::find(&state.db, scope, id)
            .await?
            .ok_or(EventsError::NotFound)?;
    }
    let reader = Reader {
        account: viewer.account_id(),
        ticket,
    };
    let subscription = state.events.subscribe(viewer.person().id, reader)?;
    let joined_at = subscription.joined_at;
    let stream = Streaming {
        db: state.db.clone(),
        reader,
        // Catch up (last, joined_at] from the database; the channel has what follows.
        scanned: last.unwrap_or(joined_at),
        catching_up: last.is_some_and(|last| last < joined_at),
        skip_through: last.unwrap_or(joined_at),
        backlog: VecDeque::new(),
        subscription,
    };
    Ok(futures_util::stream::unfold(stream, Streaming::next))
}

struct Streaming {
    db: Db,
    reader: Reader,
    /// The catch-up has read the database up to here.
    scanned: Position,
    catching_up: bool,
    /// The client has everything up to here: live entries at or before it are skipped.
    skip_through: Position,
    backlog: VecDeque<Published>,
    subscription: Subscription,
}

impl Streaming {
    async fn next(mut self) -> Option<(Published, Self)> {
        loop {
            if let Some(entry) = self.backlog.pop_front() {
                return Some((entry, self));
            }
            if self.catching_up {
                let page =
                    events::between(&self.db, self.scanned, self.subscription.joined_at, PAGE)
                        .await;
                match page {
                    Ok(page) => {
                        let Some(last) = page.last() else {
                            self.catching_up = false;
                            continue;
                        };
                        self.scanned = last.position;
                        let reader = self.reader;
                        self.backlog
                            .extend(page.into_iter().filter(|entry| reader.may_see(entry)));
                    }
                    Err(error) => {
                        tracing::error!(%error, "catching a live-update stream up failed: closed");
                        return None;
                    }
                }
                continue;
            }
            let entry = self.subscription.receiver.recv().await?;
            if entry.position > self.skip_through {
                return Some((entry, self));
            }
        }
    }
}
