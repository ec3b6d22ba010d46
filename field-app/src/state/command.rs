//! What the screens ask for, as plain data: each frame's drawing pushes [`Command`]s, and the
//! app applies them after drawing (`crate::app::command`).

use super::screen::Screen;
use crate::runtime::files::PickPurpose;
use crate::runtime::messages::ApiCall;
use fieldsync::model::{CheckAnswer, PartUsed};
use fieldsync::status::EventKind;
use fieldsync::{DocId, TimestampMs};
use std::path::PathBuf;

/// One thing a screen asked for, applied by the app after the frame is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Go(Screen),
    /// Ask the server's office API (answers come back to `state::on_api_answer`).
    Api(ApiCall),
    /// Open a server event stream (see `crate::runtime::api`); `Unsubscribe` closes it by tag.
    Subscribe(ApiCall),
    Unsubscribe(String),
    OpenWorkOrder(DocId),
    OpenDevice(DocId),
    OpenArticle(DocId),
    SearchDevices(String),
    SearchKnowledge(String),
    SearchIncidentDevices(String),
    /// A status action on the open work order.
    Status {
        kind: EventKind,
        note: Option<String>,
    },
    Answer {
        item: String,
        answer: CheckAnswer,
    },
    /// The user compared the fingerprint and trusts the certificate: pin it and sign in.
    TrustAndSignIn(String),
    /// Do not trust the certificate met on first contact.
    DistrustCertificate,
    /// Sign out of the server (unsent work stays here).
    SignOut,
    /// Complete after the summary was looked at (the "Complete" button opens the summary).
    ConfirmComplete,
    /// Close the completion summary without completing.
    CancelComplete,
    /// The reason for a finding (a failed check or an out-of-range reading).
    CheckNote {
        item: String,
        note: String,
    },
    /// Show a photo of the work order as the evidence of a checklist item (`None`: of none).
    LinkPhoto {
        sha: String,
        item: Option<String>,
    },
    /// Open the new-incident form for a finding, filled from the item and the work order; the
    /// incident and the item then name each other.
    IncidentFromCheck(String),
    SaveFindings(String),
    /// Add a part (`key: None`) or replace the one under `key` (an edit).
    PutPart {
        key: Option<String>,
        part: PartUsed,
    },
    /// Take a part off the work order.
    RemovePart(String),
    /// Record or correct a linked device's outage (`None`: still down).
    RecordOutage {
        device: String,
        down_from_ms: TimestampMs,
        restored_at_ms: Option<TimestampMs>,
    },
    /// The device is serving again, now.
    DeviceRestored(String),
    /// Remove an outage entered by mistake.
    ClearOutage(String),
    CancelOutageForm,
    AttachPhoto {
        path: String,
        caption: String,
    },
    /// Open the file dialog (or another folder in it); `None` = where the last pick was.
    BrowseFiles {
        purpose: PickPurpose,
        dir: Option<PathBuf>,
    },
    /// The file chosen in the dialog.
    PickFile(PathBuf),
    ClosePicker,
    Sign {
        signer: String,
        strokes: Vec<Vec<[f32; 2]>>,
    },
    /// Pick one of several concurrent values of a work-order field.
    PickWorkOrderValue {
        path: Vec<String>,
        value: String,
    },
    SetDeviceField {
        field: String,
        value: Option<String>,
    },
    /// Prefill the incident form from the open work order (site, devices, parent).
    IncidentFromWorkOrder,
    CreateIncident,
    SignIn,
    SyncNow,
    /// Supervisor decision on a change: approve or reject, with a reason (required to reject).
    DecideChange {
        id: DocId,
        decision: fieldsync::model::ApprovalDecision,
        reason: String,
    },
    /// Supervisor decision on a completed work order: `Approved` or `Rejected` (send back).
    Review {
        id: DocId,
        kind: EventKind,
        comment: String,
    },
    DismissQuarantine(i64),
    DismissFlash,
    /// Show the app in this language from the next frame on, and remember it.
    SetLanguage(fieldsync_i18n::Lang),
    /// Review page: show this work order's report with its change history (asks the server).
    OpenReviewHistory(DocId),
    /// Review page: load this photo (sha256) from this device, or else from the server.
    LoadPhoto(String),
}
