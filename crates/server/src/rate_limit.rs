//! Fixed-window request budgets kept in memory, per key (an email, an IP, a person).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
