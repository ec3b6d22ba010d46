//! The background sync worker: its own thread and HTTP client. It signs in, then loops
//! `prepare_sync` → `POST /v1/sync` → `apply_sync` until the server has nothing more, every
//! ~30 s and on demand, backing off exponentially while offline (it sleeps on its channel, so
//! there is no busy loop). It reports to the UI through a channel plus `request_repaint()`.

use super::api::{ApiHandle, ApiRequest};
use super::messages::{FromWorker, SyncSummary, ToWorker};
use super::net::{self, NetError};
use super::session;
use super::store::{SharedStore, lock, meta};
use super::trust::Pins;
use fieldsync::TimestampMs;
use fieldsync::engine::{APPLY_SLICE_BYTES, Applying};
use fieldsync::store::Identity;
use fieldsync::wire::LoginRequest;
use fieldsync_i18n::t;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// Automatic sync interval while online.
pub const SYNC_INTERVAL: Duration = Duration::from_secs(30);
/// First retry after a failed sync; doubles up to [`BACKOFF_MAX`].
pub const BACKOFF_START: Duration = Duration::from_secs(5);
pub const BACKOFF_MAX: Duration = Duration::from_secs(300);
/// Page size the app asks for, so a large first sync shows progress.
const PAGE_BYTES: u64 = 2 * 1024 * 1024;
/// Lease more work-order numbers when fewer than this many are left (a lease brings 20).
const NUMBERS_LOW: i64 = 10;

/// The UI's handle on the worker thread.
pub struct WorkerHandle {
    tx: Sender<ToWorker>,
    pub rx: Receiver<FromWorker>,
    thread: Option<std::thread::JoinHandle<()>>,
    api: ApiHandle,
}

impl std::fmt::Debug for WorkerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerHandle").finish_non_exhaustive()
    }
}

impl WorkerHandle {
    /// Start the worker. `repaint` is called after each report (egui's `request_repaint`).
    pub fn spawn(store: SharedStore, repaint: impl Fn() + Send + Sync + 'static) -> Self {
        let (tx, worker_rx) = std::sync::mpsc::channel();
        let (worker_tx, rx) = std::sync::mpsc::channel();
        let repaint: Arc<dyn Fn() + Send + Sync> = Arc::new(repaint);
        let api = ApiHandle::spawn(store.clone(), worker_tx.clone(), repaint.clone());
        let thread = std::thread::Builder::new()
            .name("fieldsync-sync".into())
            .spawn(move || {
                let mut w = Worker {
                    store,
                    rx: worker_rx,
                    tx: worker_tx,
                    repaint: Box::new(move || repaint()),
                    client: None,
                    pins: Pins::asking(None, None),
                    trusted: None,
                    backoff: None,
                    next_due: None,
                };
                w.run();
            })
            .ok();
        WorkerHandle {
            tx,
            rx,
            thread,
            api,
        }
    }

    pub fn send(&self, msg: ToWorker) {
        match msg {
            ToWorker::Api(call) => self.api.send(ApiRequest::Call(call)),
            ToWorker::Subscribe(call) => self.api.send(ApiRequest::Subscribe(call)),
            ToWorker::Unsubscribe(tag) => self.api.send(ApiRequest::Unsubscribe(tag)),
            // A dead worker cannot sync; the status bar shows the last state, edits stay local.
            msg => {
                let _ = self.tx.send(msg);
            }
        }
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        let _ = self.tx.send(ToWorker::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

enum SyncError {
    Net(NetError),
    Store(String),
    NotSignedIn,
}

struct Worker {
    store: SharedStore,
    rx: Receiver<ToWorker>,
    tx: Sender<FromWorker>,
    repaint: Box<dyn Fn() + Send>,
    client: Option<reqwest::blocking::Client>,
    /// The certificate pin `client` checks against.
    pins: Arc<Pins>,
    /// A fingerprint the user confirmed, for the next sign-in to pin.
    trusted: Option<String>,
    backoff: Option<Duration>,
    next_due: Option<Instant>,
}

fn now_ms() -> TimestampMs {
    chrono::Utc::now().timestamp_millis()
}

impl Worker {
    fn report(&self, ev: FromWorker) {
        let _ = self.tx.send(ev);
        (self.repaint)();
    }

    fn run(&mut self) {
        if self.may_sync() {
            self.next_due = Some(Instant::now()); // sync once at start
        }
        loop {
            let msg = match self.next_due {
                Some(due) => match self
                    .rx
                    .recv_timeout(due.saturating_duration_since(Instant::now()))
                {
                    Ok(m) => Some(m),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                },
                None => match self.rx.recv() {
                    Ok(m) => Some(m),
                    Err(_) => return,
                },
            };
            match msg {
                None => self.sync_and_schedule(),
                Some(ToWorker::Shutdown) => return,
                Some(ToWorker::SyncNow) => {
                    self.backoff = None;
                    self.sync_and_schedule();
                }
                Some(ToWorker::Nudge) => {
                    if self.backoff.is_none() && self.may_sync() {
                        let soon = Instant::now() + Duration::from_secs(2);
                        self.next_due = Some(self.next_due.map_or(soon, |d| d.min(soon)));
                    }
                }
                // `WorkerHandle::send` routes these to the API thread.
                Some(ToWorker::Api(_) | ToWorker::Subscribe(_) | ToWorker::Unsubscribe(_)) => {}
                Some(ToWorker::SignOut) => self.sign_out(),
                Some(ToWorker::TrustCertificate(print)) => self.trusted = Some(print),
                Some(ToWorker::SignIn {
                    server,
                    username,
                    password,
                    wait_for_server,
                }) => {
                    if self.sign_in(&server, &username, &password, wait_for_server) {
                        self.backoff = None;
                        self.sync_and_schedule();
                    }
                }
            }
        }
    }

    fn client(&mut self) -> Result<&reqwest::blocking::Client, NetError> {
        if self.client.is_none() {
            let pinned = lock(&self.store)
                .meta(meta::SERVER_CERT_SHA256)
                .ok()
                .flatten();
            // Never pin silently while syncing: an unknown certificate waits for a sign-in.
            self.pins = Pins::asking(pinned, None);
            self.client = Some(net::client(self.pins.clone())?);
        }
        Ok(self.client.as_ref().expect("set above"))
    }

    /// The server and token to sync with: `Ok(None)` when not signed in; an unreadable local
    /// database is an error (reported, and retried), never taken for "not signed in".
    fn credentials(&self) -> Result<Option<(String, String)>, String> {
        let store = lock(&self.store);
        let read = |key| store.meta(key).map_err(|e| e.to_string());
        Ok(read(meta::SERVER_URL)?.zip(read(meta::TOKEN)?))
    }

    /// Signed in, or unable to tell (then a sync runs and reports why).
    fn may_sync(&self) -> bool {
        !matches!(self.credentials(), Ok(None))
    }

    /// Forget the token here first (durable, works offline), then ask the server to revoke
    /// it. The profile, its identity and every unsent edit stay: signing in again sends them.
    fn sign_out(&mut self) {
        let creds = self.credentials().ok().flatten();
        let cleared = {
            let store = lock(&self.store);
            store
                .set_meta(meta::TOKEN, None)
                .and_then(|_| store.set_meta(meta::TOKEN_EXPIRES_MS, None))
                .and_then(|_| store.set_meta(meta::REFRESH_TOKEN, None))
        };
        if let Err(e) = cleared {
            self.report(FromWorker::SyncFailed {
                error: t!("eng-worker-local-db", error = e.to_string()),
                offline: false,
                needs_sign_in: false,
                retry_in_secs: None,
            });
            return;
        }
        self.next_due = None;
        self.backoff = None;
        let told_server = match creds {
            Some((server, token)) => self
                .client()
                .and_then(|c| net::logout(c, &server, &token))
                .is_ok(),
            None => false,
        };
        self.report(FromWorker::SignedOut { told_server });
    }

    fn sign_in(&mut self, server: &str, username: &str, password: &str, wait: bool) -> bool {
        let (request, existing) = {
            let store = lock(&self.store);
            let device_id = match store.device_id() {
                Ok(d) => d,
                Err(e) => {
                    drop(store);
                    self.report(FromWorker::SignInFailed(t!(
                        "eng-worker-local-db",
                        error = e.to_string()
                    )));
                    return false;
                }
            };
            let request = LoginRequest {
                username: username.trim().to_string(),
                password: password.to_string(),
                device_id,
                device_name: std::env::var("HOSTNAME").unwrap_or_else(|_| "fieldsync-app".into()),
                actors: vec![store.actor().to_hex_string()],
            };
            // The pin belongs to the saved server: signing in elsewhere starts a new trust.
            let same_server =
                store.meta(meta::SERVER_URL).ok().flatten().as_deref() == Some(server);
            let pinned = store.meta(meta::SERVER_CERT_SHA256).ok().flatten();
            self.pins = Pins::asking(pinned.filter(|_| same_server), self.trusted.take());
            self.client = None;
            // Whose profile this is decides who may sign in to it: unreadable is not "nobody's".
            let existing = match store.identity() {
                Ok(i) => i,
                Err(e) => {
                    drop(store);
                    self.report(FromWorker::SignInFailed(t!(
                        "eng-worker-local-db",
                        error = e.to_string()
                    )));
                    return false;
                }
            };
            (request, existing)
        };
        match net::client(self.pins.clone()) {
            Ok(c) => self.client = Some(c),
            Err(e) => {
                self.report(FromWorker::SignInFailed(e.to_string()));
                return false;
            }
        }
        let deadline = Instant::now() + Duration::from_secs(if wait { 60 } else { 0 });
        let result = loop {
            let result = self.client().and_then(|c| net::login(c, server, &request));
            match result {
                Err(NetError::Offline(_)) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(500));
                }
                other => break other,
            }
        };
        let resp = match result {
            Ok(r) => r,
            Err(e) => {
                match e.or_refusal(&self.pins) {
                    NetError::CertificateUnconfirmed(print) => {
                        self.report(FromWorker::CertificateToConfirm(print))
                    }
                    e => self.report(FromWorker::SignInFailed(e.to_string())),
                }
                return false;
            }
        };
        let user_id = resp.user_id.to_string();
        if let Some(me) = existing
            && me.user_id != user_id
        {
            self.report(FromWorker::SignInFailed(t!(
                "eng-worker-other-profile",
                name = &me.display_name,
                user = &me.username,
                other = &resp.username
            )));
            return false;
        }
        let identity = Identity {
            user_id,
            username: resp.username.clone(),
            display_name: resp.display_name.clone(),
            role: resp.role,
        };
        let saved = {
            let store = lock(&self.store);
            store
                .set_identity(&identity)
                .and_then(|_| store.set_meta(meta::SERVER_URL, Some(server)))
                .and_then(|_| store.set_meta(meta::TOKEN, Some(&resp.token)))
                .and_then(|_| store.set_meta(meta::REFRESH_TOKEN, resp.refresh_token.as_deref()))
                .and_then(|_| {
                    store.set_meta(meta::SERVER_CERT_SHA256, self.pins.pinned().as_deref())
                })
                .and_then(|_| {
                    store.set_meta(
                        meta::TOKEN_EXPIRES_MS,
                        Some(&resp.expires_at_ms.to_string()),
                    )
                })
        };
        if let Err(e) = saved {
            self.report(FromWorker::SignInFailed(t!(
                "eng-worker-sign-in-not-saved",
                error = e.to_string()
            )));
            return false;
        }
        self.report(FromWorker::SignedIn(identity));
        if let Some(print) = self.pins.take_new() {
            self.report(FromWorker::ServerPinned(print));
        }
        true
    }

    fn sync_and_schedule(&mut self) {
        if !self.may_sync() {
            self.next_due = None;
            return;
        }
        self.report(FromWorker::SyncStarted);
        match self.sync() {
            Ok(summary) => {
                self.backoff = None;
                self.next_due = Some(Instant::now() + SYNC_INTERVAL);
                self.report(FromWorker::Synced(summary));
            }
            Err(SyncError::NotSignedIn) => self.next_due = None,
            Err(SyncError::Net(
                e @ (NetError::Unauthorized
                | NetError::DeviceRevoked
                | NetError::SignedOutForSafety),
            )) => {
                // Never retried automatically: the engineer signs in again when convenient
                // (a revoked computer, or one signed out for safety, is told so; its unsent
                // work stays in the local store).
                self.next_due = None;
                self.report(FromWorker::SyncFailed {
                    error: e.to_string(),
                    offline: false,
                    needs_sign_in: true,
                    retry_in_secs: None,
                });
            }
            Err(e) => {
                let (error, offline, asked_wait) = match e {
                    SyncError::Net(n) => {
                        let n = n.or_refusal(&self.pins);
                        // A busy server says when to come back: that is not being offline.
                        let asked = match n {
                            NetError::Busy { retry_after_secs } => {
                                Some(Duration::from_secs(retry_after_secs))
                            }
                            _ => None,
                        };
                        (n.to_string(), n.is_offline(), asked)
                    }
                    SyncError::Store(s) => (
                        t!("eng-worker-local-db", error = s.to_string()),
                        false,
                        None,
                    ),
                    SyncError::NotSignedIn => unreachable!("handled above"),
                };
                let wait = match asked_wait {
                    Some(w) => w,
                    None => {
                        let w = self
                            .backoff
                            .map_or(BACKOFF_START, |b| (b * 2).min(BACKOFF_MAX));
                        self.backoff = Some(w);
                        w
                    }
                };
                self.next_due = Some(Instant::now() + wait);
                self.report(FromWorker::SyncFailed {
                    error,
                    offline,
                    needs_sign_in: false,
                    retry_in_secs: Some(wait.as_secs()),
                });
            }
        }
    }

    /// Upload attachments not yet on the server (after the documents that reference them).
    fn upload_blobs(&mut self, server: &str, token: &str) -> Result<usize, SyncError> {
        let pending = lock(&self.store)
            .pending_blobs()
            .map_err(|e| SyncError::Store(e.to_string()))?;
        let mut uploaded = 0;
        for (sha, media) in pending {
            let Some(path) = lock(&self.store).blob_path(&sha) else {
                continue; // in-memory store: nothing on disk to send
            };
            let bytes = std::fs::read(&path)
                .map_err(|e| SyncError::Store(format!("reading {}: {e}", path.display())))?;
            let client = self.client().map_err(SyncError::Net)?;
            net::put_blob(client, server, token, &sha, &media, bytes).map_err(SyncError::Net)?;
            lock(&self.store)
                .mark_blob_uploaded(&sha)
                .map_err(|e| SyncError::Store(e.to_string()))?;
            uploaded += 1;
        }
        Ok(uploaded)
    }

    /// Keep enough work-order numbers on an engineer's laptop to number the incidents they
    /// open offline: lease a block when fewer than [`NUMBERS_LOW`] are left, and in December
    /// one of the next year's too. A failure is logged and left for the next sync: without a
    /// number an incident is still saved, and the server numbers it when it arrives.
    fn top_up_numbers(&mut self, server: &str, token: &str) {
        use chrono::Datelike;
        let engineer = lock(&self.store)
            .identity()
            .ok()
            .flatten()
            .is_some_and(|i| i.role == fieldsync::Role::Engineer);
        if !engineer {
            return; // the office numbers its calls as it saves them
        }
        let today = chrono::Utc::now().date_naive();
        let mut years = vec![today.year()];
        if today.month() == 12 {
            years.push(today.year() + 1);
        }
        for year in years {
            let left = match lock(&self.store).numbers_left(year) {
                Ok(left) => left,
                Err(e) => {
                    // Unreadable: lease nothing now (a lease would be lost), say why.
                    tracing::warn!(year, "reading the leased numbers: {e}");
                    continue;
                }
            };
            if left >= NUMBERS_LOW {
                continue;
            }
            let leased = self
                .client()
                .and_then(|c| net::lease_numbers(c, server, token, year));
            let kept = leased.map(|block| lock(&self.store).add_number_block(&block));
            match kept {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(year, "keeping leased numbers: {e}"),
                Err(e) => tracing::warn!(year, "leasing work-order numbers: {e}"),
            }
        }
    }

    fn sync(&mut self) -> Result<SyncSummary, SyncError> {
        let (server, mut token) = self
            .credentials()
            .map_err(SyncError::Store)?
            .ok_or(SyncError::NotSignedIn)?;
        let mut renewed = false;
        let store = self.store.clone();
        let started = Instant::now();
        let mut summary = SyncSummary::default();
        loop {
            let out = lock(&self.store)
                .prepare_sync(Some(PAGE_BYTES))
                .map_err(|e| SyncError::Store(e.to_string()))?;
            let client = self.client().map_err(SyncError::Net)?;
            let answer = match net::sync(client, &server, &token, &out.request) {
                // The access token lapsed: renew it once with the refresh token, then again.
                Err(NetError::Unauthorized) if !renewed => {
                    renewed = true;
                    token =
                        session::renew(client, &server, &store, &token).map_err(SyncError::Net)?;
                    net::sync(client, &server, &token, &out.request)
                }
                other => other,
            };
            let (resp, up, down) = answer.map_err(SyncError::Net)?;
            // In slices, so a tick on the UI thread waits for one slice, not the whole page.
            let mut applying = Applying::new(resp);
            let now = now_ms();
            let report = loop {
                let step = applying.step(&mut lock(&self.store), &out, APPLY_SLICE_BYTES, now);
                if let Some(report) = step.map_err(|e| SyncError::Store(e.to_string()))? {
                    break report;
                }
            };
            summary.round_trips += 1;
            summary.bytes_up += up;
            summary.bytes_down += down;
            summary.accepted += report.accepted;
            summary.pulled += report.pulled;
            summary.removed += report.removed;
            summary.rejected.extend(report.rejected);
            if !report.more || summary.round_trips >= 10_000 {
                break;
            }
            self.report(FromWorker::Progress {
                round_trips: summary.round_trips,
                pulled: summary.pulled,
            });
        }
        summary.blobs_uploaded = self.upload_blobs(&server, &token)?;
        self.top_up_numbers(&server, &token);
        summary.elapsed_ms = started.elapsed().as_millis();
        summary.at_ms = now_ms();
        Ok(summary)
    }
}
