//! Commands that are edits beyond one model call: a supervisor's review decision, a photo
//! copied into the store, the customer's signature, a device field, a new incident. Each is
//! durable when `LocalStore::edit` returns, then the worker is nudged.

use super::FieldApp;
use crate::runtime::background::Job;
use crate::runtime::messages::ToWorker;
use crate::runtime::store::{explain, lock};
use fieldsync::model::{self, ModelError, NewWorkOrder, PhotoRef, Signature};
use fieldsync::status::EventKind;
use fieldsync::{DocId, TimestampMs};
use fieldsync_i18n::t;
use std::path::{Path, PathBuf};

/// The media type of a photo by its file name (`None`: not a kind the app takes).
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
    /// A supervisor's decision on a completed work order (never on their own work).
    pub(super) fn review(&mut self, id: DocId, kind: EventKind, comment: String, now: TimestampMs) {
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

    /// A supervisor's decision on a change: a document edit, sent at the next sync.
    pub(super) fn decide_change(
        &mut self,
        id: DocId,
        decision: model::ApprovalDecision,
        reason: String,
        now: TimestampMs,
    ) {
        let me = self.me();
        let approved = decision == model::ApprovalDecision::Approved;
        let result = lock(&self.store).edit(id, now, |doc| {
            model::decide_change(doc, decision, &reason, &me, now)
        });
        match result {
            Ok(()) => {
                self.state.changes.reasons.remove(&id);
                let text = if approved {
                    t!("changes-approved")
                } else {
                    t!("changes-rejected")
                };
                self.flash(text, false);
                self.after_edit();
            }
            Err(e) => self.flash(explain(&e), true),
        }
    }

    /// Start copying a chosen photo into the store on the background thread; the photo is
    /// attached (and shown as saved) when the copy is durable: [`Self::photo_copied`].
    pub(super) fn attach_photo(&mut self, path: &str, caption: &str, now: TimestampMs) {
        let path = path.trim();
        let Some(v) = &mut self.state.work_order else {
            return;
        };
        let Some(media) = media_type(path) else {
            v.notice = Some(t!("eng-cmd-photo-kind"));
            return;
        };
        v.notice = None;
        v.drafts.copying_photos.push(path.to_string());
        self.background.send(Job::CopyPhoto {
            work_order: v.id,
            path: PathBuf::from(path),
            media,
            caption: (!caption.trim().is_empty()).then(|| caption.trim().to_string()),
            now,
        });
    }

    /// A photo's copy finished: attach it to its work order (open or not), or say why not.
    pub(super) fn photo_copied(
        &mut self,
        work_order: DocId,
        path: &Path,
        caption: Option<String>,
        at: TimestampMs,
        copied: Result<String, String>,
    ) {
        let shown = path.display().to_string();
        if let Some(v) = self.shown_work_order(work_order) {
            v.drafts.copying_photos.retain(|p| *p != shown);
        }
        let attached = copied.and_then(|sha256| {
            let photo = PhotoRef {
                sha256,
                caption,
                checklist_item: None,
                by: Some(self.me()),
                at_ms: Some(at),
            };
            let now = self.state.now_ms;
            lock(&self.store)
                .edit(work_order, now, |doc| model::put_photo(doc, &photo, now))
                .map_err(|e| explain(&e))
        });
        match attached {
            Ok(()) => {
                if let Some(v) = self.shown_work_order(work_order)
                    && v.drafts.photo_path.trim() == shown
                {
                    v.drafts.photo_path.clear();
                    v.drafts.photo_caption.clear();
                }
                self.after_edit();
            }
            Err(words) => match self.shown_work_order(work_order) {
                Some(v) => v.notice = Some(words),
                None => self.flash(words, true),
            },
        }
    }

    /// The work order's view, if it is the one open.
    fn shown_work_order(&mut self, id: DocId) -> Option<&mut crate::state::WorkOrderView> {
        self.state.work_order.as_mut().filter(|v| v.id == id)
    }

    pub(super) fn sign(&mut self, signer: &str, strokes: &[Vec<[f32; 2]>], now: TimestampMs) {
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

    pub(super) fn set_device_field(
        &mut self,
        field: &str,
        value: Option<String>,
        now: TimestampMs,
    ) {
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

    pub(super) fn create_incident(&mut self, now: TimestampMs) {
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
            parent_check: form.parent_check.clone(),
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
        // Numbered from this laptop's leased numbers at once, offline too (the year's
        // sequence is the server's UTC year, as its own numbering uses).
        let year = chrono::DateTime::from_timestamp_millis(now)
            .map_or(1970, |t| chrono::Datelike::year(&t));
        let created = lock(&self.store).create_numbered(now, year, |doc, id, number| {
            let new = NewWorkOrder {
                number: number.map(str::to_owned),
                ..new.clone()
            };
            model::create_work_order(doc, id, &new, &me, now)
        });
        let number = created.as_ref().ok().and_then(|(_, n)| n.clone());
        let created = created.map(|(id, _)| id);
        // A finding's incident: the inspection's item names it back, in the same store, so
        // both travel in the next sync.
        let link = match (&new.parent_id, &new.parent_check, &created) {
            (Some(parent), Some(item), Ok(id)) => parent.parse::<DocId>().ok().map(|p| {
                lock(&self.store).edit(p, now, |doc| {
                    model::set_check_follow_up(doc, item, *id, now)
                })
            }),
            _ => None,
        };
        if let Some(Err(e)) = link {
            self.flash(explain(&e), true);
        }
        match created {
            Ok(id) => {
                self.state.incident = Default::default();
                let words = match &number {
                    Some(n) => t!(
                        "eng-cmd-incident-created-numbered",
                        number = n,
                        title = &new.title
                    ),
                    None => t!("eng-cmd-incident-created", title = &new.title),
                };
                self.flash(words, false);
                self.refresh();
                self.send(ToWorker::Nudge);
                self.open_work_order(id);
            }
            Err(e) => self.state.incident.error = Some(explain(&e)),
        }
    }
}
