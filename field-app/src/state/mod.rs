//! State layer: may import runtime's message and file types, leaf helpers; never screens or app.
//!
//! What the screens show and edit, the `Command`s they push, and the reducers that fold
//! server answers in. Plain data, no handles: the store, the worker and the clock live in
//! `crate::app::FieldApp`. Text being typed lives here until it is saved (on focus loss or a
//! Save button); everything else shown comes from the store. Each server-backed screen has
//! its module here (its state and `on_api_answer`); [`on_api_answer`] routes an answer to it
//! by tag prefix.

pub mod agenda;
pub mod changes;
pub mod command;
pub mod connectivity;
pub mod devices;
pub mod dispatch;
pub mod notices;
pub mod people;
pub mod photos;
pub mod problems;
pub mod review_history;
pub mod screen;
pub mod sla_clocks;
pub mod supervisor;

pub use screen::Screen;

use crate::runtime::files::{FileEntry, PickPurpose};
use crate::runtime::messages::ApiAnswer;
use fieldsync::model::{DeviceRecord, KnowledgeArticle, PartUsed, Site, WorkOrder};
use fieldsync::status::Folded;
use fieldsync::store::{DeviceRow, Identity, KnowledgeRow, SyncBadge, WorkOrderRow};
use fieldsync::{DocId, TimestampMs};
use fieldsync_i18n::t;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a completed report holds that the supervisor weighs in the review queue.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewFacts {
    /// Failed checks and out-of-range readings.
    pub findings: usize,
    pub signed: bool,
    pub on_site_ms: Option<i64>,
}

/// How long a success message stays before it fades (errors stay until dismissed).
pub const FLASH_FADE_MS: TimestampMs = 6_000;

/// A message for the user, shown over the screen's corner (it never moves the content).
#[derive(Clone, Debug, PartialEq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
}

/// Everything the screens read and edit.
#[derive(Debug, Default)]
pub struct AppState {
    pub screen: Screen,
    /// Device clock for this frame (injected in tests).
    pub now_ms: TimestampMs,
    pub identity: Option<Identity>,
    pub flash: Option<Flash>,
    /// Whether the server can be reached: one owner, updated by every answer.
    pub connectivity: connectivity::Connectivity,
    /// The flash on screen and when it first showed (a success fades after
    /// [`FLASH_FADE_MS`]; an error stays until dismissed).
    pub flash_shown: Option<(Flash, TimestampMs)>,
    pub sign_in: SignInForm,
    pub my_work: Vec<WorkOrderRow>,
    pub my_work_badges: BTreeMap<DocId, SyncBadge>,
    pub work_order: Option<WorkOrderView>,
    pub devices: DevicesState,
    pub incident: IncidentForm,
    pub knowledge: KnowledgeState,
    pub sync: SyncStatus,
    /// Sites known locally (for the incident form): id, name.
    pub sites: Vec<(String, String)>,
    /// Completed work orders (supervisor review), oldest completion first.
    pub review_queue: Vec<WorkOrderRow>,
    /// Checklist templates held here (id, name), for the plan form.
    pub templates: Vec<(String, String)>,
    /// Per queued work order: what its report holds that a decision weighs.
    pub review_facts: BTreeMap<DocId, ReviewFacts>,
    /// Draft review comments per work order.
    pub review_comments: BTreeMap<DocId, String>,
    /// Dispatcher screens (server-backed).
    pub dispatch: dispatch::DispatchState,
    /// Contracts on this device and SLA inputs for the offline countdowns.
    pub sla_clocks: sla_clocks::SlaClocks,
    /// Site id → the clock its times are shown on (learnt as sites appear in the lists).
    pub site_zones: BTreeMap<String, crate::format::Zone>,
    /// The file dialog (open while `purpose` is set).
    pub file_picker: FilePicker,
    pub supervisor: supervisor::SupervisorState,
    /// The office's problem records (server-backed).
    pub problems: problems::ProblemsState,
    /// The review page's history of one work order (server-backed) and the past state shown.
    pub review_history: review_history::HistoryState,
    /// The last "Save report PDF" of a work order: running, saved where, or why not.
    pub report_pdf: Option<ReportPdfStatus>,
    /// Who is who (user id → name, role), kept in the store for offline use.
    pub people: people::People,
    /// The review page's photos and signature image, and the full-size viewer.
    pub photos: photos::Photos,
    /// Supervisor: changes awaiting approval (from the local store).
    pub changes: changes::ChangeQueue,
}

/// The in-app file dialog's listing and choice.
#[derive(Debug, Default, Clone)]
pub struct FilePicker {
    pub purpose: Option<PickPurpose>,
    pub dir: std::path::PathBuf,
    /// The folder field as typed.
    pub dir_text: String,
    pub entries: Vec<FileEntry>,
    pub error: Option<String>,
    pub selected: Option<std::path::PathBuf>,
    /// Where the last file was chosen (the next pick starts there).
    pub last_dir: Option<std::path::PathBuf>,
    /// Saving: the file name being typed (in `dir`).
    pub file_name: String,
    /// Where the last report was saved (reports and photos live in different folders).
    pub last_save_dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Default, Clone)]
pub struct SignInForm {
    pub server: String,
    pub username: String,
    pub password: String,
    pub busy: bool,
    pub error: Option<String>,
    /// The server's self-signed certificate this profile trusts (SHA-256), if pinned.
    pub pinned_certificate: Option<String>,
    /// A self-signed certificate met on first contact, waiting for the user to compare its
    /// fingerprint with the server's and trust it (or not).
    pub to_confirm: Option<String>,
}

/// The sync status bar's data.
#[derive(Debug, Default, Clone)]
pub struct SyncStatus {
    pub running: bool,
    pub progress: Option<String>,
    pub last_sync_ms: Option<TimestampMs>,
    pub pending: usize,
    /// What is waiting, by name: document, what it is, when it was last edited here.
    pub pending_items: Vec<PendingLine>,
    pub pending_blobs: usize,
    pub error: Option<String>,
    pub retry_in_secs: Option<u64>,
    pub last_summary: Option<String>,
    /// Rejected changes kept in quarantine: doc, code, reason, when.
    pub quarantine: Vec<QuarantineLine>,
    pub server: Option<String>,
}

/// One document waiting to be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingLine {
    pub doc_id: DocId,
    /// "WO-2026-00007 · Printer jam", "NORTHWIND-0005", or the kind and a short id.
    pub name: String,
    pub is_work_order: bool,
    pub edited_at_ms: TimestampMs,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuarantineLine {
    pub id: i64,
    pub doc_id: DocId,
    pub title: String,
    pub code: String,
    pub reason: String,
    pub at_ms: TimestampMs,
}

/// What the engineer may change on the open work order (from the shared policy).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WorkOrderRights {
    pub checklist: bool,
    pub findings: bool,
    pub parts: bool,
    pub photos: bool,
    pub signature: bool,
    pub outages: bool,
}

/// One same-field clash, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictLine {
    pub path: Vec<String>,
    pub label: String,
    /// Value and who wrote it, in words.
    pub values: Vec<(String, String)>,
    /// Whether the app knows how to set this field (so a person can pick a value).
    pub pickable: bool,
}

/// The open work order, read from the store, plus what is being typed.
#[derive(Debug, Clone)]
pub struct WorkOrderView {
    pub id: DocId,
    pub wo: WorkOrder,
    pub folded: Folded,
    pub site: Option<Site>,
    pub badge: SyncBadge,
    pub rejection: Option<(String, String)>,
    pub conflicts: Vec<ConflictLine>,
    /// Linked devices: id, "asset tag · model".
    pub devices: Vec<(DocId, String)>,
    pub rights: WorkOrderRights,
    /// user id → display name, where known.
    pub names: BTreeMap<String, String>,
    pub drafts: WorkOrderDrafts,
    /// Why the last action was refused (e.g. completion with empty required items).
    pub notice: Option<String>,
    /// Photo previews by sha256.
    pub thumbs: BTreeMap<String, crate::runtime::thumbs::Thumb>,
    /// Follow-up incidents of this work order's findings held here: id → "number · title".
    pub follow_ups: BTreeMap<DocId, String>,
    /// Known errors published for a problem this incident is linked to (held offline).
    pub known_errors: Vec<KnownErrorNote>,
}

/// A published known error as the engineer reads it on a linked incident.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownErrorNote {
    pub article: DocId,
    pub title: String,
    pub known_error: String,
    pub workaround: String,
}

impl WorkOrderView {
    /// The clock the work order's times are shown on: its site's.
    pub fn zone(&self) -> crate::format::Zone {
        crate::format::Zone::of(self.site.as_ref().and_then(|s| s.time_zone.as_deref()))
    }
}

/// Text fields being typed on the work-order screen.
#[derive(Debug, Clone, Default)]
pub struct WorkOrderDrafts {
    pub findings: String,
    pub findings_dirty: bool,
    pub readings: BTreeMap<String, String>,
    pub texts: BTreeMap<String, String>,
    /// Reasons being typed for findings, by checklist item.
    pub notes: BTreeMap<String, String>,
    pub hold_reason: String,
    pub part: PartForm,
    pub photo_path: String,
    pub photo_caption: String,
    /// Photos (their paths) being copied into the store on the background thread; attached
    /// when the copy is durable.
    pub copying_photos: Vec<String>,
    pub signature: crate::signature::SignaturePad,
    pub signer: String,
    /// The customer signs again over an existing signature.
    pub resign: bool,
    /// The completion summary is open: what the report will hold, before "Complete".
    pub confirming_complete: bool,
    /// A device outage being entered or corrected.
    pub outage: Option<OutageForm>,
}

/// A device's outage as typed: times on the screen's clock ("14:05" or "2026-12-02 14:05").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutageForm {
    pub device: String,
    pub down_from: String,
    /// Empty: still down.
    pub restored_at: String,
}

#[derive(Debug, Clone, Default)]
pub struct PartForm {
    /// The part being corrected (its key), `None` while adding a new one.
    pub editing: Option<String>,
    pub name: String,
    pub part_number: String,
    pub serial: String,
    pub quantity: String,
    pub consent: bool,
}

impl PartForm {
    /// The form filled with a recorded part, to correct it.
    pub fn editing(key: &str, p: &fieldsync::model::PartUsed) -> PartForm {
        PartForm {
            editing: Some(key.to_owned()),
            name: p.name.clone(),
            part_number: p.part_number.clone().unwrap_or_default(),
            serial: p.serial.clone().unwrap_or_default(),
            quantity: p.quantity.to_string(),
            consent: p.customer_consent,
        }
    }

    /// Turn the form into a part, or say in words what is missing.
    pub fn to_part(&self, by: &str, now: TimestampMs) -> Result<PartUsed, String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(t!("eng-state-part-name-missing"));
        }
        let quantity: i64 = match self.quantity.trim() {
            "" => 1,
            q => q
                .parse()
                .ok()
                .filter(|q| *q > 0)
                .ok_or_else(|| t!("eng-state-part-quantity-bad", quantity = q))?,
        };
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        Ok(PartUsed {
            name: name.into(),
            part_number: opt(&self.part_number),
            serial: opt(&self.serial),
            quantity,
            customer_consent: self.consent,
            by: Some(by.into()),
            at_ms: Some(now),
        })
    }
}

#[derive(Debug, Default, Clone)]
pub struct DevicesState {
    pub query: String,
    /// The query the results are for (search runs when it changes).
    pub searched: Option<String>,
    pub results: Vec<DeviceRow>,
    pub total: usize,
    pub open: Option<DeviceView>,
}

#[derive(Debug, Clone)]
pub struct DeviceView {
    pub id: DocId,
    pub record: DeviceRecord,
    pub site_name: Option<String>,
    /// The clock the device's history is shown on: its site's.
    pub zone: crate::format::Zone,
    pub history: Vec<WorkOrderRow>,
    pub conflicts: Vec<ConflictLine>,
    pub badge: SyncBadge,
    /// Field → text being typed.
    pub drafts: BTreeMap<String, String>,
    /// Fields the engineer may change.
    pub editable: Vec<String>,
    /// The fields are open for editing ("Edit" pressed); otherwise they read as text.
    pub editing: bool,
}

#[derive(Debug, Clone)]
pub struct IncidentForm {
    pub title: String,
    pub description: String,
    pub site_id: Option<String>,
    pub category: String,
    pub impact: i64,
    pub urgency: i64,
    pub device_query: String,
    pub device_results: Vec<DeviceRow>,
    pub devices: Vec<(DocId, String)>,
    pub parent_id: Option<String>,
    /// The checklist item of the parent whose finding this incident follows up.
    pub parent_check: Option<String>,
    pub error: Option<String>,
}

impl Default for IncidentForm {
    fn default() -> Self {
        IncidentForm {
            title: String::new(),
            description: String::new(),
            site_id: None,
            category: "hardware".into(),
            impact: 2,
            urgency: 2,
            device_query: String::new(),
            device_results: Vec::new(),
            devices: Vec::new(),
            parent_id: None,
            parent_check: None,
            error: None,
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct KnowledgeState {
    pub query: String,
    pub searched: Option<String>,
    pub results: Vec<KnowledgeRow>,
    pub open: Option<ArticleView>,
}

#[derive(Debug, Clone)]
pub struct ArticleView {
    pub id: DocId,
    pub title: String,
    pub category: Option<String>,
    pub symptoms: String,
    pub solution: String,
    pub tags: Vec<String>,
}

impl ArticleView {
    pub fn from_article(id: DocId, a: &KnowledgeArticle) -> Self {
        ArticleView {
            id,
            title: a.title.clone(),
            category: a.category.clone(),
            symptoms: a.symptoms.as_str().to_string(),
            solution: a.solution.as_str().to_string(),
            tags: a.tags.clone(),
        }
    }
}

/// Where the open work order's report stands (shown beside the button).
#[derive(Debug, Clone, PartialEq)]
pub enum ReportPdfStatus {
    Saving { doc: DocId, path: PathBuf },
    Saved { doc: DocId, path: PathBuf },
    Failed { doc: DocId, error: String },
}

impl ReportPdfStatus {
    pub fn doc(&self) -> DocId {
        match self {
            Self::Saving { doc, .. } | Self::Saved { doc, .. } | Self::Failed { doc, .. } => *doc,
        }
    }
}

/// Route an office-API answer to the screen that asked, by tag prefix (`dispatch.`,
/// `supervisor.` …). An error nobody handles becomes a flash, so no failure goes unseen.
pub fn on_api_answer(state: &mut AppState, answer: ApiAnswer) {
    note_contact(state, &answer.result);
    if answer.tag == people::TAG {
        return people::on_api_answer(&mut state.people, answer);
    }
    // Screens hook in here by prefix:
    // `if answer.tag.starts_with("x.") { return x::on_api_answer(state, answer); }`
    if answer.tag.starts_with(dispatch::TAG) {
        return dispatch::on_api_answer(state, answer);
    }
    if answer.tag.starts_with(review_history::TAG) {
        return review_history::on_api_answer(state, answer);
    }
    if answer.tag.starts_with(problems::TAG) {
        return problems::on_api_answer(state, answer);
    }
    if answer.tag.starts_with("supervisor.") {
        return supervisor::on_api_answer(state, answer);
    }
    if let Err(e) = answer.result {
        state.flash = Some(Flash {
            text: e.to_string(),
            error: true,
        });
    }
}

/// What an answer tells about the connection: every answer updates it.
pub fn note_contact(
    state: &mut AppState,
    result: &Result<crate::runtime::messages::ApiReply, crate::runtime::messages::ApiError>,
) {
    match result {
        Err(crate::runtime::messages::ApiError::Offline(_)) => {
            state.connectivity.unreachable(state.now_ms)
        }
        Err(crate::runtime::messages::ApiError::NeedsSignIn) => state.connectivity.signed_out(),
        _ => state.connectivity.reached(),
    }
}

/// What a finding's follow-up incident says at first: the item, its answer or reading with
/// limits, and the engineer's reason.
pub fn finding_description(
    wo: &fieldsync::model::WorkOrder,
    item: &fieldsync::model::ChecklistItem,
) -> String {
    let answer = match (item.reading, item.result.as_deref()) {
        (Some(r), _) => {
            let unit = item.unit.as_deref().unwrap_or("");
            let limits = match (item.min, item.max) {
                (Some(a), Some(b)) => format!(" ({a}–{b}{unit})"),
                (Some(a), None) => format!(" (≥ {a}{unit})"),
                (None, Some(b)) => format!(" (≤ {b}{unit})"),
                (None, None) => String::new(),
            };
            t!("eng-finding-reading", value = format!("{r}{unit}{limits}"))
        }
        _ => t!("eng-finding-failed"),
    };
    let mut text = t!(
        "eng-finding-description",
        work = wo.number.clone().unwrap_or_else(|| wo.title.clone()),
        item = &item.label,
        answer = answer
    );
    if let Some(n) = item.note.as_deref().filter(|n| !n.trim().is_empty()) {
        text.push('\n');
        text.push_str(&t!("eng-finding-reason", reason = n.trim()));
    }
    text
}
