//! Fixed-window request budgets per key (an email, an IP, a person), kept where every server
//! process sees them ([`SharedLimiter`]: in PostgreSQL when the database is PostgreSQL; SQLite
//! has one process, so in memory there, [`RateLimiter`]).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::db::{Backend, Db};
use crate::store::rate_limits;

/// The budget of a key is spent for this window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the request budget is spent; it refills in {retry_after:?}")]
pub struct Exhausted {
    /// When the window ends, at least a second from now (what `Retry-After` can say).
    pub retry_after: Duration,
}

#[derive(Debug)]
pub struct RateLimiter {
    window: Duration,
    max: u32,
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Debug)]
struct Window {
    start: Instant,
    count: u32,
    /// The idempotency keys counted in this window: a retry of the same request (even one
    /// that arrives before the first has finished) is not counted again.
    tokens: HashSet<String>,
}

impl RateLimiter {
    pub fn new(window: Duration, max: u32) -> Self {
        Self {
            window,
            max,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request for `key`; past the budget, when to retry.
    pub fn check(&self, key: &str) -> Result<(), Exhausted> {
        self.check_once(key, None)
    }

    /// Like [`check`](Self::check), but a request carrying a `token` (its idempotency key)
    /// already counted in this window passes without counting again.
    pub fn check_once(&self, key: &str, token: Option<&str>) -> Result<(), Exhausted> {
        let now = Instant::now();
        // A poisoned lock only means another request panicked mid-update: the counts are
        // still usable.
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > 10_000 {
            windows.retain(|_, w| now.duration_since(w.start) < self.window);
        }
        let window = windows.entry(key.to_owned()).or_insert_with(|| Window {
            start: now,
            count: 0,
            tokens: HashSet::new(),
        });
        if now.duration_since(window.start) >= self.window {
            *window = Window {
                start: now,
                count: 0,
                tokens: HashSet::new(),
            };
        }
        if token.is_some_and(|token| window.tokens.contains(token)) {
            return Ok(());
        }
        if window.count >= self.max {
            let left = self.window.saturating_sub(now.duration_since(window.start));
            return Err(Exhausted {
                retry_after: Duration::from_secs(left.as_secs().max(1)),
            });
        }
        window.count += 1;
        if let Some(token) = token {
            window.tokens.insert(token.to_owned());
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LimitError {
    #[error(transparent)]
    Exhausted(#[from] Exhausted),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A budget all server processes share.
#[derive(Debug)]
pub enum SharedLimiter {
    /// One process (SQLite): its own counts.
    Memory(RateLimiter),
    /// The counts of `rate_limit_windows`, under this limiter's name.
    Database {
        db: Db,
        name: &'static str,
        window: Duration,
        max: u32,
    },
}

impl SharedLimiter {
    /// `name` tells this budget's rows from the other budgets'.
    pub fn new(db: &Db, name: &'static str, window: Duration, max: u32) -> Self {
        match db.backend() {
            Backend::Sqlite => Self::Memory(RateLimiter::new(window, max)),
            Backend::Postgres => Self::Database {
                db: db.clone(),
                name,
                window,
                max,
            },
        }
    }

    /// Counts one request for `key`; past the budget, when to retry.
    pub async fn check(&self, key: &str) -> Result<(), LimitError> {
        self.check_once(key, None).await
    }

    /// Like [`check`](Self::check), but a request carrying a `token` (its idempotency key)
    /// already counted, by this process or another, passes without counting again.
    pub async fn check_once(&self, key: &str, token: Option<&str>) -> Result<(), LimitError> {
        let (db, name) = match self {
            Self::Memory(limiter) => return Ok(limiter.check_once(key, token)?),
            Self::Database { db, name, .. } => (db, *name),
        };
        let Some(token) = token else {
            return self.count(key).await;
        };
        if !rate_limits::first_use(db, name, key, token, crate::db::now()).await? {
            return Ok(());
        }
        let counted = self.count(key).await;
        if counted.is_err() {
            // Refused: a retry of this request must be counted (and refused) again.
            rate_limits::forget_token(db, name, key, token).await?;
        }
        counted
    }

    async fn count(&self, key: &str) -> Result<(), LimitError> {
        let (db, name, window, max) = match self {
            Self::Memory(limiter) => return Ok(limiter.check(key)?),
            Self::Database {
                db,
                name,
                window,
                max,
            } => (db, *name, *window, *max),
        };
        let now = crate::db::now();
        let window = jiff::SignedDuration::try_from(window).unwrap_or(jiff::SignedDuration::MAX);
        let expired = now.checked_sub(window).unwrap_or(jiff::Timestamp::MIN);
        let counted = rate_limits::count(db, name, key, now, expired).await?;
        if counted.count <= i64::from(max) {
            return Ok(());
        }
        let ends = counted
            .window_start
            .checked_add(window)
            .unwrap_or(jiff::Timestamp::MAX);
        let left = now.duration_until(ends).as_secs().max(1);
        Err(Exhausted {
            retry_after: Duration::from_secs(u64::try_from(left).unwrap_or(1)),
        }
        .into())
    }
}

#[cfg(test)]
mod tests {
    use super::RateLimiter;
    use std::time::Duration;

    #[test]
    fn the_budget_is_per_key_and_refills_after_the_window() {
        let limiter = RateLimiter::new(Duration::from_millis(50), 2);
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_ok());
        assert!(limiter.check("a").is_err());
        assert!(limiter.check("b").is_ok());
        std::thread::sleep(Duration::from_millis(60));
        assert!(limiter.check("a").is_ok());
    }

    #[test]
    fn retries_with_the_same_token_count_once() {
        let limiter = RateLimiter::new(Duration::from_secs(60), 2);
        for _ in 0..10 {
            assert!(limiter.check_once("person", Some("key-1")).is_ok());
        }
        assert!(limiter.check_once("person", Some("key-2")).is_ok());
        assert!(limiter.check_once("person", Some("key-3")).is_err());
        assert!(limiter.check_once("person", None).is_err());
        assert!(limiter.check_once("person", Some("key-1")).is_ok());
    }
}
