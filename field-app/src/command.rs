//! Commands the screens emit, and how the app applies them after drawing: navigation,
//! searches, and edits through [`LocalStore::edit`] (durable when it returns), then a nudge to
//! the sync worker. Refusals come back as plain words on the screen.

use crate::app::FieldApp;
use crate::runtime::files::{self, PickPurpose};
use crate::runtime::messages::{ApiError, ApiReply, ToWorker};
use crate::runtime::store::{explain, lock};
use crate::state::command::Command;
use crate::state::supervisor;
use crate::state::{ArticleView, Flash, Screen};
use crate::views;
use automerge::AutoCommit;
use fieldsync::model::{
    self, CheckAnswer, CheckKind, ModelError, NewWorkOrder, PhotoRef, Signature,
};
use fieldsync::status::EventKind;
use fieldsync::{DocId, DocKind, TimestampMs};
use fieldsync_i18n::t;
use std::path::PathBuf;

/// Largest photo the app copies into its store.
pub const MAX_PHOTO_BYTES: u64 = 50 * 1024 * 1024;

fn media_type(path: &str) -> Option<&'static str> {
    let ext = std::path::Path::new(path)
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "gif" => "image/gif",
        _ => return None,
    })
}

impl FieldApp {
    fn me(&self) -> String {
        self.state
            .identity
            .as_ref()
            .map(|i| i.user_id.clone())
            .unwrap_or_default()
    }

    fn flash(&mut self, text: impl Into<String>, error: bool) {
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
            Command::Api(call) => self.send(ToWorker::Api(call)),
            Command::Subscribe(call) => self.send(ToWorker::Subscribe(call)),
            Command::Unsubscribe(tag) => self.send(ToWorker::Unsubscribe(tag)),
            Command::Review { id, kind, comment } => self.review(id, kind, comment, now),
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
                    let refusal = if kind == EventKind::Completed && !missing.is_empty() {
                        let names: Vec<&str> = missing.iter().map(|i| i.label.as_str()).collect();
                        Some(t!(
                            "eng-cmd-required-empty",
                            items = names.join(&t!("eng-wo-list-sep"))
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
            Command::AddPart(part) => {
                let key = uuid::Uuid::new_v4().to_string();
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
            Ok(v) => {
                self.state.work_order = Some(v);
                self.state.screen = Screen::WorkOrder;
            }
            Err(e) => self.flash(explain(&e), true),
        }
    }

    /// Apply one edit to the open work order; on success reload it and nudge the worker, on
    /// refusal show why (nothing is kept then).
    fn edit_work_order(
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
    fn close_outage_form(&mut self) {
        if let Some(v) = &mut self.state.work_order
            && v.notice.is_none()
        {
            v.drafts.outage = None;
        }
    }

    /// Reload what an edit changed and tell the worker there is something to send.
    fn review(&mut self, id: DocId, kind: EventKind, comment: String, now: TimestampMs) {
        let me = self.me();
        let note = (!comment.trim().is_empty()).then_some(comment);
        let result = lock(&self.store).edit(id, now, |doc| {
            let wo = model::WorkOrder::from_doc(doc)?;
            let own = wo.is_assigned_to(&me)
                || wo
                    .events
                    .iter()
                    .any(|e| e.by == me && e.kind() == Some(EventKind::Completed));
            if own {
                return Err(ModelError::Invalid(t!("eng-cmd-own-review")));
            }
            let extra = model::EventExtra {
                note,
                ..Default::default()
            };
            model::record_event(doc, kind, &me, now, extra).map(|_| ())
        });
        match result {
            Ok(()) => {
                self.state.review_comments.remove(&id);
                let text = if kind == EventKind::Approved {
                    t!("eng-cmd-approved")
                } else {
                    t!("eng-cmd-sent-back")
                };
                self.flash(text, false);
                self.after_edit();
            }
            Err(e) => self.flash(explain(&e), true),
        }
    }

    fn after_edit(&mut self) {
        self.reload_open_views();
        self.refresh();
        self.send(ToWorker::Nudge);
    }

    /// Read a folder for the file dialog (here, not in the screen: screens do no I/O).
    fn browse_files(&mut self, purpose: PickPurpose, dir: Option<PathBuf>) {
        let opening = self.state.file_picker.purpose != Some(purpose);
        if opening && purpose.saves() {
            let summary = self.state.supervisor.summary.as_ref();
            self.state.file_picker.file_name = match purpose {
                PickPurpose::SaveSummaryPdf => {
                    summary.map(|s| supervisor::default_file_name(s, "pdf"))
                }
                PickPurpose::SaveSummaryCsv => {
                    summary.map(|s| supervisor::default_file_name(s, "csv"))
                }
                _ => self
                    .state
                    .work_order
                    .as_ref()
                    .map(|v| crate::file_names::default_file_name(&v.wo)),
            }
            .unwrap_or_default();
        }
        let p = &mut self.state.file_picker;
        let dir = dir.unwrap_or_else(|| match purpose {
            PickPurpose::AttachPhoto => files::start_dir(p.last_dir.as_deref()),
            _ => files::save_dir(p.last_save_dir.as_deref()),
        });
        p.purpose = Some(purpose);
        match files::list_dir(&dir, purpose) {
            Ok(entries) => {
                p.dir_text = dir.display().to_string();
                p.dir = dir;
                p.entries = entries;
                p.error = None;
                p.selected = None;
            }
            // Keep showing the folder we were in, with the reason beside it.
            Err(e) => p.error = Some(e),
        }
    }

    fn pick_file(&mut self, path: PathBuf) {
        let p = &mut self.state.file_picker;
        let purpose = p.purpose.take();
        let folder = path.parent().map(PathBuf::from);
        p.entries.clear();
        p.selected = None;
        match purpose {
            Some(PickPurpose::AttachPhoto) => {
                p.last_dir = folder;
                if let Some(v) = &mut self.state.work_order {
                    v.drafts.photo_path = path.display().to_string();
                }
            }
            Some(PickPurpose::SaveReport) => {
                p.last_save_dir = folder;
                self.save_report_pdf(path);
            }
            Some(PickPurpose::SaveSummaryPdf) => {
                p.last_save_dir = folder;
                self.fetch_summary_file(path, false);
            }
            Some(PickPurpose::SaveSummaryCsv) => {
                p.last_save_dir = folder;
                self.fetch_summary_file(path, true);
            }
            None => {}
        }
    }

    /// Ask the server for the loaded summary as a PDF or CSV, to be written to `path` when it
    /// arrives ([`Self::save_summary_file`]).
    fn fetch_summary_file(&mut self, path: PathBuf, csv: bool) {
        let Some(summary) = &self.state.supervisor.summary else {
            return;
        };
        let call = supervisor::file_call(summary, csv);
        let path = crate::file_names::with_extension(&path, if csv { "csv" } else { "pdf" });
        self.state.supervisor.file = Some(supervisor::SummaryFile::Saving(path));
        self.send(ToWorker::Api(call));
    }

    /// The server's answer to [`Self::fetch_summary_file`]: write it (through a temporary
    /// file) where the supervisor chose.
    pub(crate) fn save_summary_file(&mut self, result: Result<ApiReply, ApiError>) {
        use supervisor::SummaryFile;
        let s = &mut self.state.supervisor;
        let Some(SummaryFile::Saving(path)) = s.file.take() else {
            return; // nothing asked (an answer to an earlier session)
        };
        s.file = Some(match result {
            Ok(reply) => match crate::runtime::files::write_file(&path, &reply.bytes) {
                Ok(()) => SummaryFile::Saved(path),
                Err(e) => SummaryFile::Failed(e),
            },
            Err(e) => SummaryFile::Failed(e.to_string()),
        });
    }

    /// Make the open work order's service report from the local store and write it to
    /// `path`, on a thread of its own (works offline; the answer arrives in `poll_reports`).
    fn save_report_pdf(&mut self, path: PathBuf) {
        use crate::file_names::with_pdf_extension;
        use crate::runtime::files::spawn_save;
        use crate::state::ReportPdfStatus;
        let Some(v) = &self.state.work_order else {
            return;
        };
        let (doc, path) = (v.id, with_pdf_extension(&path));
        let busy = matches!(
            &self.state.report_pdf,
            Some(ReportPdfStatus::Saving { doc: d, .. }) if *d == doc
        );
        if busy {
            return; // the answer of the running save comes first
        }
        let started = spawn_save(
            self.store.clone(),
            doc,
            self.state.identity.clone(),
            self.state.now_ms,
            path.clone(),
            self.reports_tx(),
            self.repaint_ctx(),
        );
        self.state.report_pdf = Some(match started {
            Ok(()) => ReportPdfStatus::Saving { doc, path },
            Err(error) => ReportPdfStatus::Failed { doc, error },
        });
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
                self.send(ToWorker::Api(crate::state::review_history::engineers_call()));
            }
            Err(e) => self.flash(explain(&e), true),
        }
    }

    fn attach_photo(&mut self, path: &str, caption: &str, now: TimestampMs) {
        let path = path.trim();
        let set_notice = |app: &mut Self, msg: String| {
            if let Some(v) = &mut app.state.work_order {
                v.notice = Some(msg);
            }
        };
        let Some(media) = media_type(path) else {
            set_notice(self, t!("eng-cmd-photo-kind"));
            return;
        };
        let bytes = match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_PHOTO_BYTES => {
                set_notice(self, t!("eng-cmd-photo-too-large", path = path));
                return;
            }
            Ok(_) => match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    set_notice(
                        self,
                        t!("eng-cmd-cannot-read", path = path, error = e.to_string()),
                    );
                    return;
                }
            },
            Err(e) => {
                set_notice(
                    self,
                    t!("eng-cmd-cannot-read", path = path, error = e.to_string()),
                );
                return;
            }
        };
        let added = lock(&self.store).add_blob(&bytes, media, now);
        let sha = match added {
            Ok(s) => s,
            Err(e) => {
                set_notice(self, explain(&e));
                return;
            }
        };
        let photo = PhotoRef {
            sha256: sha,
            caption: (!caption.trim().is_empty()).then(|| caption.trim().to_string()),
            checklist_item: None,
            by: Some(self.me()),
            at_ms: Some(now),
        };
        self.edit_work_order(|doc, now| model::put_photo(doc, &photo, now));
        if let Some(v) = &mut self.state.work_order
            && v.notice.is_none()
        {
            v.drafts.photo_path.clear();
            v.drafts.photo_caption.clear();
        }
    }

    fn sign(&mut self, signer: &str, strokes: &[Vec<[f32; 2]>], now: TimestampMs) {
        let notice = |app: &mut Self, msg: String| {
            if let Some(v) = &mut app.state.work_order {
                v.notice = Some(msg);
            }
        };
        if signer.trim().is_empty() {
            return notice(self, t!("eng-cmd-signer-missing"));
        }
        if strokes.iter().all(|s| s.len() < 2) {
            return notice(self, t!("eng-cmd-pad-empty"));
        }
        let png = match crate::signature::render_png(strokes) {
            Ok(p) => p,
            Err(e) => return notice(self, e),
        };
        let added = lock(&self.store).add_blob(&png, "image/png", now);
        let sha = match added {
            Ok(s) => s,
            Err(e) => return notice(self, explain(&e)),
        };
        let pad = crate::signature::SignaturePad::from_strokes(strokes.to_vec());
        let signature = Signature {
            signer_name: signer.trim().to_string(),
            signed_at_ms: now,
            image_sha256: Some(sha),
            strokes: pad.to_flat(),
        };
        self.edit_work_order(|doc, now| model::sign(doc, &signature, now));
        if let Some(v) = &mut self.state.work_order
            && v.notice.is_none()
        {
            v.drafts.signature.clear();
            v.drafts.resign = false;
        }
    }

    fn set_device_field(&mut self, field: &str, value: Option<String>, now: TimestampMs) {
        let Some(view) = &self.state.devices.open else {
            return;
        };
        let id = view.id;
        let value = value
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty());
        let result = lock(&self.store).edit(id, now, |doc| {
            model::device::set_device_field(doc, field, value.as_deref(), now)
        });
        match result {
            Ok(()) => {
                if let Some(v) = &mut self.state.devices.open {
                    v.drafts.remove(field);
                }
                self.flash(
                    t!(
                        "eng-cmd-field-saved",
                        field = crate::state::devices::label_of(field)
                    ),
                    false,
                );
                self.after_edit();
                self.state.devices.searched = None; // search again: the field may be indexed
            }
            Err(e) => self.flash(explain(&e), true),
        }
    }

    fn create_incident(&mut self, now: TimestampMs) {
        let me = self.me();
        let form = &mut self.state.incident;
        form.error = None;
        if me.is_empty() {
            form.error = Some(t!("eng-cmd-incident-sign-in"));
            return;
        }
        if form.title.trim().is_empty() {
            form.error = Some(t!("eng-cmd-incident-title"));
            return;
        }
        let new = NewWorkOrder {
            kind: "incident".into(),
            title: form.title.trim().to_string(),
            description: form.description.clone(),
            customer_id: None,
            site_id: form.site_id.clone(),
            device_ids: form.devices.iter().map(|(d, _)| d.to_string()).collect(),
            category: Some(form.category.clone()),
            impact: Some(form.impact),
            urgency: Some(form.urgency),
            assignees: vec![me.clone()],
            parent_id: form.parent_id.clone(),
            ..Default::default()
        };
        // The customer comes from the site when it is known here.
        let customer = new
            .site_id
            .as_deref()
            .and_then(|s| s.parse::<DocId>().ok())
            .and_then(|s| lock(&self.store).site(s).ok())
            .map(|s| s.customer_id)
            .filter(|c| !c.is_empty());
        let new = NewWorkOrder {
            customer_id: customer,
            ..new
        };
        let created = lock(&self.store).create(DocKind::WorkOrder, now, |doc, id| {
            model::create_work_order(doc, id, &new, &me, now)
        });
        match created {
            Ok(id) => {
                self.state.incident = Default::default();
                self.flash(t!("eng-cmd-incident-created", title = &new.title), false);
                self.refresh();
                self.send(ToWorker::Nudge);
                self.open_work_order(id);
            }
            Err(e) => self.state.incident.error = Some(explain(&e)),
        }
    }

    fn sign_in(&mut self) {
        let form = &mut self.state.sign_in;
        form.error = None;
        let server =
            match crate::runtime::net::check_server_url(&form.server, self.allow_insecure_http) {
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
        let msg = ToWorker::SignIn {
            server,
            username: form.username.trim().to_string(),
            password: form.password.clone(),
            wait_for_server: false,
        };
        self.send(msg);
    }
}
