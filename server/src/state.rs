//! Shared state of the HTTP layer: storage, hub, configuration, metrics, limiters.

use crate::auth::LoginLimiter;
use crate::config::ServerConfig;
use crate::hub::{Hub, HubConfig};
use crate::metrics::Metrics;
use crate::storage::Db;
use fieldsync::UserId;
use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Syncs admitted at once per core (see [`AppState::sync_slots`]).
const SYNCS_PER_CORE: usize = 2;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub hub: Arc<Hub>,
    pub config: Arc<ServerConfig>,
    pub metrics: Arc<Metrics>,
    pub login_limiter: Arc<LoginLimiter>,
    pub sync_limiter: Arc<RequestLimiter>,
    /// Set when shutdown starts: new syncs get 503, in-flight ones finish.
    pub shutting_down: Arc<AtomicBool>,
    /// Syncs running at once (the rest queue): bounds memory and keeps latency fair. More
    /// than one per core, so that while some validate, others' writes commit as one group.
    pub sync_slots: Arc<tokio::sync::Semaphore>,
    /// Password checks running at once: each Argon2 hash takes 19 MiB and a core, so a crowd
    /// of sign-ins queues instead of multiplying the server's memory.
    pub password_slots: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(db: Db, config: ServerConfig) -> Result<Self, crate::hub::HubError> {
        let hub = Hub::new(
            db.clone(),
            HubConfig {
                cache_docs: config.cache_docs,
                max_page_bytes: config.max_page_bytes,
                ..HubConfig::default()
            },
        )?;
        Ok(Self {
            db,
            hub: Arc::new(hub),
            login_limiter: Arc::new(LoginLimiter::new(
                config.login_max_failures,
                Duration::from_secs(config.login_window_secs),
            )),
            sync_limiter: Arc::new(RequestLimiter::new(config.sync_per_minute)),
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            shutting_down: Arc::new(AtomicBool::new(false)),
            sync_slots: Arc::new(tokio::sync::Semaphore::new(
                SYNCS_PER_CORE * std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
            password_slots: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
        })
    }
}

/// Requests per user per minute (fixed window).
pub struct RequestLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<UserId, (Instant, u32)>>,
}

impl RequestLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    pub fn allow(&self, user: UserId, now: Instant) -> bool {
        let mut w = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let entry = w.entry(user).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(60) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.per_minute
    }
}
