//! The login back-off: failed logins per (username, client address). After `free_failures`
//! failures, each further attempt from that client for that user must wait a doubling delay
//! (1 s, 2 s, 4 s … at most [`MAX_WAIT`]): guessing slows to a crawl, while the real user —
//! even behind the same office NAT — waits at most `MAX_WAIT`, never a lock-out.
//!
//! Password spraying (one password tried on many usernames from one address) meets a second
//! counter per client address, across usernames: it is allowed [`ADDRESS_FACTOR`] times the
//! free failures of one user (a hotel NAT holds many honest users), then the same doubling
//! wait applies to every login from that address. A success does not clear it (an attacker's
//! own account must not reset it); only the window does.
//!
//! Memory is bounded by construction: at most `capacity` fixed-size entries per table (the username is
//! kept as a 128-bit hash, whatever its length). When full, entries older than the window go
//! first, then the one idle longest: a flood of new names evicts idle entries one at a time
//! instead of resetting everyone's counters, and an attacker's own target entry, touched at
//! every guess, is the last to go.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The longest wait the back-off imposes.
pub const MAX_WAIT: Duration = Duration::from_secs(30);
/// Entries kept at most per table (~100 bytes each).
pub const DEFAULT_CAPACITY: usize = 65_536;

/// How many more failures one client address may have, across usernames, than one user.
pub const ADDRESS_FACTOR: u32 = 20;

type UserKey = ([u8; 16], IpAddr);

#[derive(Clone, Copy, Debug)]
struct Entry {
    failures: u32,
    last: Instant,
}

/// Failure counts under one kind of key, at most `capacity` of them.
struct Counters<K> {
    capacity: usize,
    map: Mutex<HashMap<K, Entry>>,
}

impl<K: Copy + Eq + std::hash::Hash> Counters<K> {
    fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            map: Mutex::new(HashMap::new()),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<K, Entry>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The wait still due under `k` (forgetting it once `window` has passed).
    fn wait(&self, k: K, free: u32, window: Duration, now: Instant) -> Duration {
        let mut map = self.map();
        let Some(e) = map.get(&k).copied() else {
            return Duration::ZERO;
        };
        let idle = now.saturating_duration_since(e.last);
        if idle > window {
            map.remove(&k);
            return Duration::ZERO;
        }
        backoff(free, e.failures).saturating_sub(idle)
    }

    /// Count one failure under `k`, making room first when full: entries older than the
    /// window go first, then the one idle longest.
    fn bump(&self, k: K, window: Duration, now: Instant) {
        let mut map = self.map();
        if !map.contains_key(&k) && map.len() >= self.capacity {
            map.retain(|_, e| now.saturating_duration_since(e.last) <= window);
            if map.len() >= self.capacity
                && let Some(oldest) = map.iter().min_by_key(|(_, e)| e.last).map(|(k, _)| *k)
            {
                map.remove(&oldest);
            }
        }
        let e = map.entry(k).or_insert(Entry {
            failures: 0,
            last: now,
        });
        e.failures = e.failures.saturating_add(1);
        e.last = now;
    }

    fn remove(&self, k: K) {
        self.map().remove(&k);
    }

    fn len(&self) -> usize {
        self.map().len()
    }
}

pub struct LoginLimiter {
    free_failures: u32,
    /// Failures older than this (since the last one) are forgotten.
    window: Duration,
    /// Per (username hash, client address).
    users: Counters<UserKey>,
    /// Per client address, across usernames (password spraying).
    addresses: Counters<IpAddr>,
}

fn key(username: &str, ip: IpAddr) -> UserKey {
    let digest = Sha256::digest(username.as_bytes());
    let mut k = [0u8; 16];
    k.copy_from_slice(&digest[..16]);
    (k, ip)
}

/// The wait after `failures` failures (zero while within the `free` ones).
fn backoff(free: u32, failures: u32) -> Duration {
    let Some(extra) = failures.checked_sub(free) else {
        return Duration::ZERO;
    };
    Duration::from_secs(1u64 << extra.min(16)).min(MAX_WAIT)
}

impl LoginLimiter {
    pub fn new(free_failures: u32, window: Duration) -> Self {
        Self::with_capacity(free_failures, window, DEFAULT_CAPACITY)
    }

    pub fn with_capacity(free_failures: u32, window: Duration, capacity: usize) -> Self {
        Self {
            free_failures,
            window,
            users: Counters::new(capacity),
            addresses: Counters::new(capacity),
        }
    }

    /// `Err(seconds to wait)` while the back-off of this user and client, or of this client
    /// across usernames, runs.
    pub fn check(&self, username: &str, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let user = (self.users).wait(key(username, ip), self.free_failures, self.window, now);
        let address = self
            .addresses
            .wait(ip, self.address_free(), self.window, now);
        let wait = user.max(address);
        if wait.is_zero() {
            Ok(())
        } else {
            Err(wait.as_secs_f64().ceil() as u64)
        }
    }

    fn address_free(&self) -> u32 {
        self.free_failures.saturating_mul(ADDRESS_FACTOR)
    }

    pub fn failed(&self, username: &str, ip: IpAddr, now: Instant) {
        self.users.bump(key(username, ip), self.window, now);
        self.addresses.bump(ip, self.window, now);
    }

    pub fn succeeded(&self, username: &str, ip: IpAddr) {
        self.users.remove(key(username, ip));
    }

    /// Entries held now, both tables (for tests and metrics).
    pub fn len(&self) -> usize {
        self.users.len() + self.addresses.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn free_failures_then_a_doubling_wait_capped_never_a_lockout() {
        let l = LoginLimiter::new(3, Duration::from_secs(3600));
        let (a, t0) = (ip("192.0.2.1"), Instant::now());
        for _ in 0..3 {
            assert!(l.check("u", a, t0).is_ok());
            l.failed("u", a, t0);
        }
        assert_eq!(l.check("u", a, t0), Err(1));
        assert!(l.check("u", a, t0 + Duration::from_secs(1)).is_ok());
        l.failed("u", a, t0 + Duration::from_secs(1));
        assert_eq!(l.check("u", a, t0 + Duration::from_secs(1)), Err(2));
        // Many more failures: the wait stops growing at MAX_WAIT.
        let mut t = t0 + Duration::from_secs(2);
        for _ in 0..40 {
            l.failed("u", a, t);
            t += Duration::from_secs(1);
        }
        let last = t - Duration::from_secs(1);
        assert_eq!(l.check("u", a, last), Err(MAX_WAIT.as_secs()));
        assert!(l.check("u", a, last + MAX_WAIT).is_ok(), "no lock-out");
        // Other users and other clients are not slowed.
        assert!(l.check("v", a, last).is_ok());
        assert!(l.check("u", ip("192.0.2.2"), last).is_ok());
        // A success clears the back-off.
        l.succeeded("u", a);
        assert!(l.check("u", a, last).is_ok());
    }

    #[test]
    fn spraying_many_usernames_from_one_address_is_slowed_others_are_not() {
        let l = LoginLimiter::new(5, Duration::from_secs(900));
        let (attacker, t0) = (ip("198.51.100.7"), Instant::now());
        let free = 5 * ADDRESS_FACTOR;
        // One wrong password per username: each user's own counter never leaves its free
        // failures, but the address's count across usernames does.
        for i in 0..free {
            assert!(l.check(&format!("user{i}"), attacker, t0).is_ok());
            l.failed(&format!("user{i}"), attacker, t0);
        }
        assert_eq!(l.check("someone-new", attacker, t0), Err(1));
        l.failed("someone-new", attacker, t0);
        assert_eq!(l.check("another", attacker, t0), Err(2));
        // A success from that address (the attacker's own account) does not reset it.
        l.succeeded("user0", attacker);
        assert!(l.check("another", attacker, t0).is_err());
        // Other addresses are untouched; the address is forgiven after the window.
        assert!(l.check("user1", ip("198.51.100.8"), t0).is_ok());
        assert!(
            l.check("another", attacker, t0 + Duration::from_secs(901))
                .is_ok()
        );
    }

    #[test]
    fn failures_are_forgotten_after_the_window() {
        let l = LoginLimiter::new(1, Duration::from_secs(60));
        let (a, t0) = (ip("192.0.2.1"), Instant::now());
        for _ in 0..5 {
            l.failed("u", a, t0);
        }
        assert!(l.check("u", a, t0).is_err());
        assert!(l.check("u", a, t0 + Duration::from_secs(61)).is_ok());
        assert!(l.is_empty());
    }

    #[test]
    fn memory_is_bounded_and_a_flood_does_not_reset_active_entries() {
        let l = LoginLimiter::with_capacity(2, Duration::from_secs(3600), 1000);
        let (a, t0) = (ip("192.0.2.1"), Instant::now());
        for _ in 0..4 {
            l.failed("victim", a, t0);
        }
        // A flood of long, distinct names from many addresses; the attacked entry keeps
        // being touched (each guess), so it is not the one evicted.
        let long = "x".repeat(10_000);
        for i in 0..20_000u32 {
            let t = t0 + Duration::from_millis(u64::from(i));
            l.failed(&format!("{long}{i}"), IpAddr::from(i.to_be_bytes()), t);
            if i % 500 == 0 {
                l.failed("victim", a, t);
            }
            assert!(l.len() <= 2 * 1000, "two tables of at most 1000");
        }
        let t = t0 + Duration::from_millis(20_000);
        assert!(
            l.check("victim", a, t).is_err(),
            "the flood reset the victim's back-off"
        );
    }
}
