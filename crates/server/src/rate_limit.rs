//! Fixed-window request budgets kept in memory, per key (an email, an IP, a person).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::ApiError;

#[derive(Debug)]
pub struct RateLimiter {
    window: Duration,
    max: u32,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(window: Duration, max: u32) -> Self {
        Self {
            window,
            max,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request for `key`; past the budget, a 429 that says when to retry.
    pub fn check(&self, key: &str) -> Result<(), ApiError> {
        let now = Instant::now();
        // A poisoned lock only means another request panicked mid-update: the counts are
        // still usable.
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.max {
            let left = self.window.saturating_sub(now.duration_since(entry.0));
            return Err(ApiError::RateLimited {
                retry_after: left.as_secs().max(1),
            });
        }
        entry.1 += 1;
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
}
