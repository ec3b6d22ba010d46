//! App layer: may import everything below it (screens, state, runtime, leaf helpers).
//!
//! `FieldApp`: screen state plus the runtime handles (shared store, sync worker, clock). Each
//! frame it reads the worker's reports, draws the screens, then applies their commands
//! ([`command`], [`edits`], [`files`], [`evidence`]); [`views`] reads the store into what the
//! screens show.

mod command;
mod edits;
mod evidence;
mod files;
pub mod views;

use crate::runtime::files::ReportSaved;
use crate::runtime::messages::{FromWorker, ToWorker};
use crate::runtime::store::{SharedStore, lock, meta};
use crate::runtime::thumbs::{Thumb, Thumbnailer};
use crate::runtime::worker::WorkerHandle;
use crate::state::command::Command;
use crate::state::{AppState, Flash, Screen};
use fieldsync::TimestampMs;
use fieldsync::store::LocalStore;
use fieldsync_i18n::t;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// The device clock (milliseconds since the epoch); tests inject a fixed one.
pub type Clock = Arc<dyn Fn() -> TimestampMs + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(|| chrono::Utc::now().timestamp_millis())
}

pub struct FieldApp {
    pub state: AppState,
    pub(crate) store: SharedStore,
    worker: Option<WorkerHandle>,
    clock: Clock,
    /// Messages for the worker when there is none (tests read them).
    pub unsent: Vec<ToWorker>,
    thumbnailer: Thumbnailer,
    /// Photos whose thumbnail was asked for (each is made once).
    thumbs_requested: HashSet<String>,
    pub(crate) allow_insecure_http: bool,
    /// Finished report saves (the report thread sends, each frame reads).
    reports: (
        std::sync::mpsc::Sender<ReportSaved>,
        std::sync::mpsc::Receiver<ReportSaved>,
    ),
    /// The window's context, so a background job can wake it (set on the first frame).
    ctx: Option<egui::Context>,
    /// Photo decoding and small store writes, off the UI thread.
    background: crate::runtime::background::Background,
    /// Textures of the review page's photos, oldest first (at most
    /// [`evidence::MAX_TEXTURES`]).
    textures: std::collections::VecDeque<(String, egui::TextureHandle)>,
}

impl std::fmt::Debug for FieldApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FieldApp")
            .field("screen", &self.state.screen)
            .finish_non_exhaustive()
    }
}

impl FieldApp {
    /// An app over `store`; `worker` is `None` in tests (nothing leaves the machine).
    pub fn new(store: SharedStore, clock: Clock, worker: Option<WorkerHandle>) -> Self {
        let mut app = FieldApp {
            state: AppState::default(),
            store: store.clone(),
            worker,
            clock,
            unsent: Vec::new(),
            thumbnailer: Thumbnailer::spawn(),
            thumbs_requested: HashSet::new(),
            allow_insecure_http: false,
            reports: std::sync::mpsc::channel(),
            ctx: None,
            background: crate::runtime::background::Background::spawn(store.clone()),
            textures: Default::default(),
        };
        app.state.now_ms = (app.clock)();
        let (identity, server, people) = {
            let store = lock(&app.store);
            (
                store.identity().ok().flatten(),
                store.meta(meta::SERVER_URL).ok().flatten(),
                store.meta(meta::PEOPLE).ok().flatten(),
            )
        };
        // Names as last received, so they show before (or without) a connection.
        app.state.people = crate::state::people::People::from_saved(people.as_deref());
        app.state.screen = match &identity {
            Some(me) => crate::state::dispatch::home_screen(me.role),
            None => Screen::SignIn,
        };
        app.state.identity = identity;
        if let Some(s) = server {
            app.state.sign_in.server = s;
        }
        if let Some(me) = &app.state.identity {
            app.state.sign_in.username = me.username.clone();
        }
        app.refresh();
        app
    }

    /// Show the language saved in this profile, or else the operating system's (the real
    /// app calls this once; tests choose theirs with `ThreadLang`).
    pub fn use_saved_language(&mut self) {
        fieldsync_i18n::set_current(saved_language(&lock(&self.store)));
    }

    /// Switch language at once and remember the choice in the profile.
    pub(crate) fn set_language(&mut self, lang: fieldsync_i18n::Lang) {
        fieldsync_i18n::set_current(lang);
        let saved = lock(&self.store).set_meta(meta::LANGUAGE, Some(lang.code()));
        if let Err(e) = saved {
            self.state.flash = Some(Flash {
                text: fieldsync_i18n::t!("language-not-saved", error = e.to_string()),
                error: true,
            });
        }
    }

    /// A test app: a store, a fixed clock, no worker.
    pub fn offline(store: LocalStore, now: TimestampMs) -> Self {
        Self::new(Arc::new(Mutex::new(store)), Arc::new(move || now), None)
    }

    pub fn store(&self) -> &SharedStore {
        &self.store
    }

    pub fn set_allow_insecure_http(&mut self, allow: bool) {
        self.allow_insecure_http = allow;
    }

    /// Move the injected clock (tests).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    pub(crate) fn send(&mut self, msg: ToWorker) {
        match &self.worker {
            Some(w) => w.send(msg),
            None => self.unsent.push(msg),
        }
    }

    /// Sign in through the worker, waiting for the server to come up (the demo starts one).
    pub fn start_demo_sign_in(&mut self, server: &str, username: &str, password: &str) {
        self.state.sign_in.server = server.into();
        self.state.sign_in.username = username.into();
        self.state.sign_in.busy = true;
        self.state.flash = Some(Flash {
            text: t!("eng-app-demo-starting", user = username),
            error: false,
        });
        self.send(ToWorker::SignIn {
            server: server.into(),
            username: username.into(),
            password: password.into(),
            wait_for_server: true,
        });
    }

    /// Re-read lists and sync counters from the store.
    pub fn refresh(&mut self) {
        self.learn_site_zones();
        let r = views::refresh_lists(&mut lock(&self.store), &mut self.state);
        // Separate statement: the lock above is released before the clocks take it again.
        let r = r.and_then(|()| refresh_clocks(&self.store, &mut self.state));
        if let Err(e) = r {
            self.state.flash = Some(Flash {
                text: t!("eng-app-local-db", error = e.to_string()),
                error: true,
            });
        }
    }

    /// Time zones of the sites in the lists, read once per site (lists show site times).
    fn learn_site_zones(&mut self) {
        let rows = lock(&self.store).list_work_orders(None).unwrap_or_default();
        for site in rows.into_iter().filter_map(|r| r.site_id) {
            if self.state.site_zones.contains_key(&site) {
                continue;
            }
            let zone = site
                .parse()
                .ok()
                .and_then(|id| lock(&self.store).site(id).ok())
                .map_or(crate::format::Zone::Device, |s| {
                    crate::format::Zone::of(s.time_zone.as_deref())
                });
            self.state.site_zones.insert(site, zone);
        }
    }

    /// Re-read the open work order and device (after an edit or a sync), keeping typed text.
    pub(crate) fn reload_open_views(&mut self) {
        let me = self.state.identity.clone();
        if let Some(v) = self.state.work_order.take() {
            let mut store = lock(&self.store);
            match views::load_work_order(&mut store, v.id, me.as_ref(), Some(v.drafts.clone())) {
                Ok(mut nv) => {
                    nv.notice = v.notice;
                    views::name_people(&mut nv, &self.state.people);
                    self.state.work_order = Some(nv);
                }
                // It left the briefcase (e.g. reassigned): back to the list.
                Err(_) => {
                    if self.state.screen == Screen::WorkOrder {
                        self.state.screen = Screen::MyWork;
                    }
                }
            }
        }
        if let Some(d) = self.state.devices.open.take() {
            let mut store = lock(&self.store);
            if let Ok(mut nd) = views::load_device(&mut store, d.id, me.as_ref()) {
                nd.drafts = d.drafts;
                nd.editing = d.editing;
                self.state.devices.open = Some(nd);
            }
        }
    }

    fn poll_worker(&mut self) {
        let Some(worker) = &self.worker else { return };
        let events: Vec<FromWorker> = worker.rx.try_iter().collect();
        for ev in events {
            self.on_worker(ev);
        }
    }

    pub(crate) fn reports_tx(&self) -> std::sync::mpsc::Sender<ReportSaved> {
        self.reports.0.clone()
    }

    pub(crate) fn repaint_ctx(&self) -> Option<egui::Context> {
        self.ctx.clone()
    }

    /// Show finished report saves: the path on success, the reason otherwise.
    fn poll_reports(&mut self) {
        use crate::state::ReportPdfStatus;
        let done: Vec<_> = self.reports.1.try_iter().collect();
        for saved in done {
            let doc = saved.doc;
            let (status, flash) = match saved.result {
                Ok(path) => (
                    ReportPdfStatus::Saved {
                        doc,
                        path: path.clone(),
                    },
                    Flash {
                        text: t!("eng-app-report-saved", path = path.display().to_string()),
                        error: false,
                    },
                ),
                Err(error) => (
                    ReportPdfStatus::Failed {
                        doc,
                        error: error.clone(),
                    },
                    Flash {
                        text: t!("eng-app-report-not-saved", error = &error),
                        error: true,
                    },
                ),
            };
            self.state.report_pdf = Some(status);
            self.state.flash = Some(flash);
        }
    }

    /// Wait up to `timeout` for a running report save to finish (tests; the UI never waits).
    pub fn wait_for_report(&mut self, timeout: std::time::Duration) -> bool {
        match self.reports.1.recv_timeout(timeout) {
            Ok(saved) => {
                // Put it back through the normal path.
                let _ = self.reports.0.send(saved);
                self.poll_reports();
                true
            }
            Err(_) => false,
        }
    }

    /// Ask for missing photo previews of the open work order and show finished ones.
    /// Returns whether some are still being made.
    fn poll_thumbnails(&mut self) -> bool {
        let done: Vec<_> = self.thumbnailer.done.try_iter().collect();
        let Some(v) = &mut self.state.work_order else {
            return false;
        };
        for (sha, result) in done {
            if let Some(t) = v.thumbs.get_mut(&sha) {
                *t = match result {
                    Ok(uri) => Thumb::Ready(uri),
                    Err(e) => Thumb::Unavailable(e),
                };
            }
        }
        let mut waiting = false;
        for (sha, t) in &v.thumbs {
            if let Thumb::Pending(blob) = t {
                waiting = true;
                if self.thumbs_requested.insert(sha.clone()) {
                    self.thumbnailer.request(sha, blob.clone());
                }
            }
        }
        waiting
    }

    /// Handle one report of the worker (public for tests).
    pub fn on_worker(&mut self, ev: FromWorker) {
        let s = &mut self.state;
        match ev {
            FromWorker::SignedIn(identity) => {
                s.sign_in.busy = false;
                s.sign_in.password.clear();
                s.sign_in.error = None;
                s.connectivity.reached();
                s.flash = Some(Flash {
                    text: t!("eng-app-signed-in", name = &identity.display_name),
                    error: false,
                });
                if s.screen == Screen::SignIn {
                    s.screen = crate::state::dispatch::home_screen(identity.role);
                }
                s.identity = Some(identity);
                self.state.people.asked = false;
                self.ask_people();
                self.refresh();
            }
            FromWorker::ServerPinned(print) => {
                s.flash = Some(Flash {
                    text: t!("eng-app-pinned", fingerprint = &print),
                    error: false,
                });
                s.sign_in.pinned_certificate = Some(print);
            }
            FromWorker::CertificateToConfirm(print) => {
                s.sign_in.busy = false;
                s.sign_in.error = None;
                s.sign_in.to_confirm = Some(print);
                s.screen = Screen::SignIn;
            }
            FromWorker::SignedOut { told_server } => {
                let pending = s.sync.pending;
                s.connectivity.signed_out();
                s.identity = None;
                s.sync.running = false;
                s.screen = Screen::SignIn;
                let mut text = if told_server {
                    t!("eng-app-signed-out")
                } else {
                    t!("eng-app-signed-out-offline")
                };
                if pending > 0 {
                    text.push('\n');
                    text.push_str(&t!("eng-app-signed-out-pending", count = pending));
                }
                s.flash = Some(Flash {
                    text,
                    error: !told_server,
                });
            }
            FromWorker::SignInFailed(msg) => {
                s.sign_in.busy = false;
                s.sign_in.error = Some(msg.clone());
                s.flash = Some(Flash {
                    text: t!("eng-app-sign-in-failed", error = &msg),
                    error: true,
                });
            }
            FromWorker::SyncStarted => {
                s.sync.running = true;
                s.sync.progress = Some(t!("eng-app-syncing"));
            }
            FromWorker::Progress {
                round_trips,
                pulled,
            } => {
                s.sync.progress = Some(t!(
                    "eng-app-sync-progress",
                    count = pulled,
                    pages = round_trips
                ));
            }
            FromWorker::Synced(sum) => {
                s.sync.running = false;
                s.sync.progress = None;
                s.connectivity.reached();
                s.sync.error = None;
                s.sync.retry_in_secs = None;
                s.sync.last_summary = Some(t!(
                    "eng-app-sync-summary",
                    sent = sum.accepted,
                    received = sum.pulled,
                    files = sum.blobs_uploaded,
                    trips = sum.round_trips,
                    up = format!("{:.1}", sum.bytes_up as f64 / 1024.0),
                    down = format!("{:.1}", sum.bytes_down as f64 / 1024.0),
                    ms = sum.elapsed_ms.to_string()
                ));
                if !sum.rejected.is_empty() {
                    s.flash = Some(Flash {
                        text: t!("eng-app-rejected", count = sum.rejected.len()),
                        error: true,
                    });
                }
                // The server is reached: names and photos that could not load are asked again.
                self.ask_people();
                self.state.photos.retry_unreachable();
                let before: std::collections::BTreeMap<_, _> = self
                    .state
                    .my_work
                    .iter()
                    .map(|r| (r.doc_id, r.status))
                    .collect();
                self.reload_open_views();
                self.refresh();
                // Rejections keep their (error) message; otherwise say what arrived.
                if self.state.flash.as_ref().is_none_or(|f| !f.error)
                    && let Some((text, stays)) =
                        crate::state::notices::after_sync(&before, &self.state.my_work)
                {
                    self.state.flash = Some(Flash { text, error: stays });
                }
            }
            FromWorker::SyncFailed {
                error,
                offline,
                needs_sign_in,
                retry_in_secs,
            } => {
                s.sync.running = false;
                s.sync.progress = None;
                if offline {
                    s.connectivity.unreachable(s.now_ms);
                } else if needs_sign_in {
                    s.connectivity.signed_out();
                } else {
                    // Refused or asked to wait: the server answered.
                    s.connectivity.reached();
                }
                s.sync.error = Some(error);
                s.sync.retry_in_secs = retry_in_secs;
            }
            FromWorker::Api(answer) if answer.tag == crate::state::supervisor::TAG_FILE => {
                self.save_summary_file(answer.result)
            }
            FromWorker::Api(answer) if answer.tag.starts_with(crate::state::photos::TAG) => {
                self.photo_answer(answer)
            }
            FromWorker::Api(answer) => {
                crate::state::on_api_answer(s, answer);
                self.save_people();
            }
        }
    }

    /// Draw one frame into `ui` and apply what the screens asked for.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.state.now_ms = (self.clock)();
        if self.ctx.is_none() {
            self.ctx = Some(ui.ctx().clone());
            self.background.wake(ui.ctx());
        }
        self.poll_worker();
        self.poll_reports();
        self.poll_background(&ui.ctx().clone());
        let commands: Vec<Command> = crate::screens::root_ui(ui, &mut self.state);
        for c in commands {
            self.apply(c);
        }
        // SLA countdowns move with the clock; previews appear when made.
        let wait = if self.poll_thumbnails() { 0.2 } else { 20.0 };
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs_f32(wait));
    }
}

impl eframe::App for FieldApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        FieldApp::ui(self, ui);
    }
}

impl FieldApp {
    /// Apply a command as if a screen had emitted it (tests, automation).
    pub fn apply_for_test(&mut self, cmd: Command) {
        self.apply(cmd);
    }
}

/// The language saved in `store`'s profile, or else the operating system's. `main` reads it
/// before the window opens, so the in-process demo server seeds in it.
pub fn saved_language(store: &LocalStore) -> fieldsync_i18n::Lang {
    let lang = match store.meta(meta::LANGUAGE) {
        Ok(code) => code.as_deref().and_then(fieldsync_i18n::Lang::from_code),
        Err(e) => {
            tracing::warn!(error = %e, "language setting unreadable; following the OS");
            None
        }
    };
    lang.unwrap_or_else(fieldsync_i18n::Lang::from_os)
}

/// After the app re-read its lists: keep learned contracts, re-read the SLA inputs.
fn refresh_clocks(store: &SharedStore, state: &mut AppState) -> fieldsync::store::Result<()> {
    let mut store = lock(store);
    state.sla_clocks.persist(&store)?;
    state.sla_clocks.refresh(&mut store, &state.my_work)
}
