//! The login rate limiter: failed logins per (username, client address) in a sliding window.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed logins per (username, client address) within a sliding window.
pub struct LoginLimiter {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<(String, IpAddr), VecDeque<Instant>>>,
}

impl LoginLimiter {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures: max_failures as usize,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<(String, IpAddr), VecDeque<Instant>>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Refuse while too many recent failures; returns the seconds to wait.
    pub fn check(&self, username: &str, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let mut map = self.map();
        let key = (username.to_owned(), ip);
        let Some(q) = map.get_mut(&key) else {
            return Ok(());
        };
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) > self.window)
        {
            q.pop_front();
        }
        if q.is_empty() {
            map.remove(&key);
            return Ok(());
        }
        if q.len() >= self.max_failures {
            let oldest = q.front().copied().unwrap_or(now);
            let wait = self.window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs().max(1));
        }
        Ok(())
    }

    pub fn failed(&self, username: &str, ip: IpAddr, now: Instant) {
        let mut map = self.map();
        // Bound memory under a credential-stuffing flood.
        if map.len() > 100_000 {
            map.clear();
        }
        map.entry((username.to_owned(), ip))
            .or_default()
            .push_back(now);
    }

    pub fn succeeded(&self, username: &str, ip: IpAddr) {
        self.map().remove(&(username.to_owned(), ip));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_blocks_after_failures_and_forgets_after_the_window() {
        let l = LoginLimiter::new(3, Duration::from_secs(60));
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.check("a", ip, t0).is_ok());
            l.failed("a", ip, t0);
        }
        assert!(l.check("a", ip, t0).is_err());
        assert!(l.check("b", ip, t0).is_ok());
        assert!(l.check("a", ip, t0 + Duration::from_secs(61)).is_ok());
    }
}
