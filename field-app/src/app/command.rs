//! How the app applies the screens' commands after drawing: navigation, searches, and edits
//! through `LocalStore::edit` (durable when it returns), then a nudge to the sync worker.
//! Refusals come back as plain words on the screen. File commands are in [`super::files`],
//! edits beyond one model call in [`super::edits`].

use super::FieldApp;
use super::views;
use crate::runtime::messages::ToWorker;
use crate::runtime::store::{explain, lock};
use crate::state::command::Command;
use crate::state::{ArticleView, Flash, Screen};
use automerge::AutoCommit;
use fieldsync::model::{self, CheckAnswer, CheckKind, ModelError};
use fieldsync::status::EventKind;
use fieldsync::{DocId, TimestampMs};
use fieldsync_i18n::t;

impl FieldApp {
    pub(super) fn me(&self) -> String {
        self.state
            .identity
            .as_ref()
            .map(|i| i.user_id.clone())
            .unwrap_or_default()
    }

    pub(super) fn flash(&mut self, text: impl Into<String>, error: bool) {
        self.state.flash = Some(Flash {
            text: text.into(),
            error,
        });
    }

    pub(crate) fn apply(&mut self, cmd: Command) {
        let now = self.state.now_ms;
        let navigates = matches!(
            cmd,
            Command::Go(_)
                | Command::OpenWorkOrder(_)
                | Command::OpenDevice(_)
                | Command::IncidentFromWorkOrder
        );
        if navigates && self.state.flash.as_ref().is_some_and(|f| !f.error) {
            self.state.flash = None;
        }
        match cmd {
            Command::Go(screen) => {
                self.state.screen = screen;
                if screen == Screen::MyWork {
                    self.refresh();
                }
            }
            Command::DismissFlash => self.state.flash = None,
            Command::SetLanguage(lang) => self.set_language(lang),
            Command::OpenReviewHistory(id) => self.open_review_history(id),
            Command::LoadPhoto(sha256) => self.load_photo(sha256),
            Command::Api(call) => self.send(ToWorker::Api(call)),
            Command::Subscribe(call) => self.send(ToWorker::Subscribe(call)),
            Command::Unsubscribe(tag) => self.send(ToWorker::Unsubscribe(tag)),
            Command::Review { id, kind, comment } => self.review(id, kind, comment, now),
            Command::DecideChange {
                id,
                decision,
                reason,
            } => self.decide_change(id, decision, reason, now),
            Command::OpenWorkOrder(id) => self.open_work_order(id),
            Command::OpenDevice(id) => {
                let me = self.state.identity.clone();
                let loaded = views::load_device(&mut lock(&self.store), id, me.as_ref());
                match loaded {
                    Ok(v) => {
                        self.state.devices.open = Some(v);
                        self.state.screen = Screen::Devices;
                    }
                    Err(e) => self.flash(explain(&e), true),
                }
            }
            Command::OpenArticle(id) => {
                let loaded = lock(&self.store).article(id);
                match loaded {
                    Ok(a) => self.state.knowledge.open = Some(ArticleView::from_article(id, &a)),
                    Err(e) => self.flash(explain(&e), true),
                }
            }
            Command::SearchDevices(q) => {
                let store = lock(&self.store);
                let found = store
                    .search_devices(&q, 10_000)
                    .and_then(|r| Ok((r, store.device_count()?)));
                drop(store);
                match found {
                    Ok((rows, total)) => {
                        self.state.devices.results = rows;
                        self.state.devices.total = total;
                    }
                    Err(e) => self.flash(explain(&e), true),
                }
                self.state.devices.searched = Some(q);
            }
            Command::SearchIncidentDevices(q) => {
                let found = lock(&self.store).search_devices(&q, 20);
                self.state.incident.device_results = found.unwrap_or_default();
            }
            Command::SearchKnowledge(q) => {
                let found = lock(&self.store).search_knowledge(&q);
                match found {
                    Ok(rows) => self.state.knowledge.results = rows,
                    Err(e) => self.flash(explain(&e), true),
                }
                self.state.knowledge.searched = Some(q);
            }
            Command::Status { kind, note } => {
                // The model refuses these too (in English); say it here in the user's words.
                if let Some(v) = &mut self.state.work_order {
                    let missing = v.wo.missing_required();
                    let unexplained: Vec<&str> =
                        v.wo.checklist
                            .values()
                            .filter(|i| i.needs_reason())
                            .map(|i| i.label.as_str())
                            .collect();
                    let refusal = if kind == EventKind::Completed && !missing.is_empty() {
                        let names: Vec<&str> = missing.iter().map(|i| i.label.as_str()).collect();
                        Some(t!(
                            "eng-cmd-required-empty",
                            items = names.join(&t!("eng-wo-list-sep"))
                        ))
                    } else if kind == EventKind::Completed && !unexplained.is_empty() {
                        Some(t!(
                            "eng-cmd-findings-need-reasons",
                            items = unexplained.join(&t!("eng-wo-list-sep"))
                        ))
                    } else if kind == EventKind::OnHold
                        && note.as_deref().is_none_or(|n| n.trim().is_empty())
                    {
                        Some(t!("eng-cmd-hold-needs-reason"))
                    } else {
                        None
                    };
                    if let Some(r) = refusal {
                        v.notice = Some(r);
                        return;
                    }
                    // Completing shows the summary first; its button completes.
                    if kind == EventKind::Completed && !v.drafts.confirming_complete {
                        v.drafts.confirming_complete = true;
                        return;
                    }
                    v.drafts.confirming_complete = false;
                }
                let me = self.me();
                // The fold orders events by device time, then by random id: never stamp an
                // action at or before the last event this replica shows (double clicks within
                // one millisecond, a clock set back), or it could sort before its cause.
                let last = self
                    .state
                    .work_order
                    .as_ref()
                    .and_then(|v| v.wo.events.iter().map(|e| e.at_ms).max());
                self.edit_work_order(|doc, now| {
                    let at = last.map_or(now, |l| now.max(l + 1));
                    let extra = model::EventExtra {
                        note,
                        ..Default::default()
                    };
                    model::record_event(doc, kind, &me, at, extra).map(|_| ())
                });
                if let Some(v) = &mut self.state.work_order
                    && v.notice.is_none()
                {
                    v.drafts.hold_reason.clear();
                    self.state.flash = Some(Flash {
                        text: t!(
                            "eng-cmd-status-saved",
                            event = fieldsync_i18n::words::event(fieldsync_i18n::current(), kind)
                        ),
                        error: false,
                    });
                }
            }
            Command::Answer { item, answer } => {
                let me = self.me();
                self.edit_work_order(|doc, now| {
                    model::answer_checklist_item(doc, &item, &answer, None, &me, now)
                });
            }
            Command::SaveFindings(text) => {
                self.edit_work_order(|doc, now| model::set_findings(doc, &text, now));
                if let Some(v) = &mut self.state.work_order
                    && v.notice.is_none()
                {
                    v.drafts.findings_dirty = false;
                    v.drafts.findings = v.wo.findings.as_str().to_string();
                }
            }
            Command::RemovePart(key) => {
                self.edit_work_order(|doc, now| model::remove_part(doc, &key, now));
            }
            Command::PutPart { key, part } => {
                let key = key.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
                self.edit_work_order(|doc, now| model::put_part(doc, &key, &part, now));
                if let Some(v) = &mut self.state.work_order
                    && v.notice.is_none()
                {
                    v.drafts.part = Default::default();
                }
            }
            Command::RecordOutage {
                device,
                down_from_ms,
                restored_at_ms,
            } => {
                let me = self.me();
                self.edit_work_order(|doc, now| {
                    model::record_outage(doc, &device, down_from_ms, restored_at_ms, &me, now)
                });
                self.close_outage_form();
            }
            Command::DeviceRestored(device) => {
                self.edit_work_order(|doc, now| {
                    model::mark_device_restored(doc, &device, Some(now), now)
                });
            }
            Command::ClearOutage(device) => {
                self.edit_work_order(|doc, now| model::clear_outage(doc, &device, now));
                self.close_outage_form();
            }
            Command::CancelOutageForm => {
                if let Some(v) = &mut self.state.work_order {
                    v.drafts.outage = None;
                }
            }
            Command::AttachPhoto { path, caption } => self.attach_photo(&path, &caption, now),
            Command::BrowseFiles { purpose, dir } => self.browse_files(purpose, dir),
            Command::PickFile(path) => self.pick_file(path),
            Command::ClosePicker => {
                let p = &mut self.state.file_picker;
                p.purpose = None;
                p.entries.clear();
                p.selected = None;
            }
            Command::Sign { signer, strokes } => self.sign(&signer, &strokes, now),
            Command::PickWorkOrderValue { path, value } => {
                let me = self.me();
                let answer = match path.as_slice() {
                    [_, item, field] => CheckAnswer::from_field_value(field, value)
                        .filter(|a| a.kind() != CheckKind::Photo)
                        .map(|a| (item.clone(), a)),
                    _ => None,
                };
                if let Some((item, answer)) = answer {
                    self.edit_work_order(|doc, now| {
                        model::answer_checklist_item(doc, &item, &answer, None, &me, now)
                    });
                }
            }
            Command::SetDeviceField { field, value } => self.set_device_field(&field, value, now),
            Command::ConfirmComplete => {
                if let Some(v) = &mut self.state.work_order {
                    v.drafts.confirming_complete = true;
                }
                self.apply(Command::Status {
                    kind: EventKind::Completed,
                    note: None,
                });
            }
            Command::CancelComplete => {
                if let Some(v) = &mut self.state.work_order {
                    v.drafts.confirming_complete = false;
                }
            }
            Command::CheckNote { item, note } => {
                self.edit_work_order(|doc, now| model::set_check_note(doc, &item, &note, now));
            }
            Command::LinkPhoto { sha, item } => {
                self.edit_work_order(|doc, now| {
                    model::link_photo_to_check(doc, &sha, item.as_deref(), now)
                });
            }
            Command::IncidentFromCheck(item_id) => {
                if let Some(v) = &self.state.work_order
                    && let Some(item) = v.wo.checklist.get(&item_id)
                {
                    let form = &mut self.state.incident;
                    *form = Default::default();
                    form.site_id = v.wo.site_id.clone();
                    form.devices = v.devices.clone();
                    form.parent_id = Some(v.id.to_string());
                    form.parent_check = Some(item_id.clone());
                    form.category = v.wo.category.clone().unwrap_or_else(|| "hardware".into());
                    form.title = t!("eng-finding-title", item = &item.label);
                    form.description = crate::state::finding_description(&v.wo, item);
                }
                self.state.screen = Screen::NewIncident;
            }
            Command::IncidentFromWorkOrder => {
                if let Some(v) = &self.state.work_order {
                    let form = &mut self.state.incident;
                    *form = Default::default();
                    form.site_id = v.wo.site_id.clone();
                    form.devices = v.devices.clone();
                    form.parent_id = Some(v.id.to_string());
                    form.category = v.wo.category.clone().unwrap_or_else(|| "hardware".into());
                }
                self.state.screen = Screen::NewIncident;
            }
            Command::CreateIncident => self.create_incident(now),
            Command::SignIn => self.sign_in(),
            Command::SignOut => self.send(ToWorker::SignOut),
            Command::TrustAndSignIn(print) => {
                self.state.sign_in.to_confirm = None;
                self.send(ToWorker::TrustCertificate(print));
                self.sign_in();
            }
            Command::DistrustCertificate => self.state.sign_in.to_confirm = None,
            Command::SyncNow => {
                if self.state.identity.is_none() || self.state.sync.server.is_none() {
                    self.state.screen = Screen::SignIn;
                } else {
                    self.send(ToWorker::SyncNow);
                }
            }
            Command::DismissQuarantine(id) => {
                let r = lock(&self.store).dismiss_quarantine(id);
                if let Err(e) = r {
                    self.flash(explain(&e), true);
                }
                self.refresh();
            }
        }
    }

    pub(crate) fn open_work_order(&mut self, id: DocId) {
        let me = self.state.identity.clone();
        let loaded = views::load_work_order(&mut lock(&self.store), id, me.as_ref(), None);
        match loaded {
            Ok(mut v) => {
                views::name_people(&mut v, &self.state.people);
                self.state.work_order = Some(v);
                self.state.screen = Screen::WorkOrder;
            }
            Err(e) => self.flash(explain(&e), true),
        }
    }

    /// Apply one edit to the open work order; on success reload it and nudge the worker, on
    /// refusal show why (nothing is kept then).
    pub(super) fn edit_work_order(
        &mut self,
        action: impl FnOnce(&mut AutoCommit, TimestampMs) -> Result<(), ModelError>,
    ) {
        let Some(view) = &mut self.state.work_order else {
            return;
        };
        let (id, now) = (view.id, self.state.now_ms);
        view.notice = None;
        let result = lock(&self.store).edit(id, now, |doc| action(doc, now));
        match result {
            Ok(()) => self.after_edit(),
            Err(e) => {
                if let Some(v) = &mut self.state.work_order {
                    v.notice = Some(explain(&e));
                }
            }
        }
    }

    /// Close the outage form unless the edit was refused (then the typed times stay to fix).
    pub(super) fn close_outage_form(&mut self) {
        if let Some(v) = &mut self.state.work_order
            && v.notice.is_none()
        {
            v.drafts.outage = None;
        }
    }

    /// Reload what an edit changed and tell the worker there is something to send.
    pub(super) fn after_edit(&mut self) {
        self.reload_open_views();
        self.refresh();
        self.send(ToWorker::Nudge);
    }

    /// Open the review page's history of `id`: the current report from this device at once,
    /// the change list from the server (needs a connection; the screen says so when offline).
    fn open_review_history(&mut self, id: DocId) {
        let loaded = lock(&self.store).work_order(id);
        match loaded {
            Ok(wo) => {
                let call = crate::state::review_history::history_call(id);
                self.state.review_history =
                    crate::state::review_history::HistoryState::open(id, wo);
                self.send(ToWorker::Api(call));
                // Names may have changed since the directory was last received.
                self.state.people.asked = false;
                self.ask_people();
            }
            Err(e) => self.flash(explain(&e), true),
        }
    }

    fn sign_in(&mut self) {
        let form = &mut self.state.sign_in;
        form.error = None;
        // An address handed out with the certificate's fingerprint is trusted as given.
        let checked =
            crate::runtime::net::split_fingerprint(&form.server).and_then(|(a, print)| {
                crate::runtime::net::check_server_url(&a, self.allow_insecure_http)
                    .map(|s| (s, print))
            });
        let (server, print) = match checked {
            Ok(s) => s,
            Err(e) => {
                form.error = Some(e.to_string());
                return;
            }
        };
        if form.username.trim().is_empty() || form.password.is_empty() {
            form.error = Some(t!("eng-cmd-credentials-missing"));
            return;
        }
        form.busy = true;
        if let Some(print) = print {
            self.send(ToWorker::TrustCertificate(print));
        }
        let form = &mut self.state.sign_in;
        let msg = ToWorker::SignIn {
            server,
            username: form.username.trim().to_string(),
            password: form.password.clone(),
            wait_for_server: false,
        };
        self.send(msg);
    }
}
