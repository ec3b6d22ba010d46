//! Plain records passed to and from the storage backends (no backend types leak out).

use fieldsync::{DeviceId, DocId, DocKind, Role, TimestampMs, UserId};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct UserRecord {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    #[serde(skip)]
    pub password_hash: String,
    pub disabled: bool,
    pub created_at_ms: TimestampMs,
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub now: TimestampMs,
}

#[derive(Clone, Debug)]
pub struct NewToken {
    pub token_hash: String,
    pub user: UserId,
    pub device: Option<DeviceId>,
    pub created_at_ms: TimestampMs,
    pub expires_at_ms: TimestampMs,
    pub kind: TokenKind,
    /// The sign-in this token belongs to (one per login of a device): the refresh tokens
    /// rotated from one login and the access tokens they issued. A refresh token presented
    /// again after its rotation ends the whole family (`None`: tokens outside any sign-in).
    pub family: Option<String>,
}

/// A refresh token as `POST /v1/auth/refresh` judges it, whatever its state (a retired or
/// dead one too: how reuse is told from a typo).
#[derive(Clone, Debug)]
pub struct RefreshView {
    pub user: UserId,
    pub device: Option<DeviceId>,
    /// The token's sign-in (its own hash for tokens issued before families existed).
    pub family: String,
    pub expires_at_ms: TimestampMs,
    /// Unrevoked, unexpired and its user enabled (rotation and the device aside).
    pub usable: bool,
    /// An administrator cut its device off.
    pub device_revoked: bool,
    /// Its family was ended because a retired refresh token of it came back.
    pub family_reused: bool,
    /// Set once the token was exchanged for its successor.
    pub rotation: Option<Rotation>,
}

/// How a refresh token was retired: when, and the successor it was exchanged for — its
/// hash, and its secret sealed with the retired token's own secret (`auth::rotation`), so a
/// retry within the grace window gets the same successor while the database holds nothing
/// that signs anyone in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotation {
    pub at_ms: TimestampMs,
    pub successor_hash: String,
    pub successor_sealed: String,
}

/// One rotation to store at once: the presented token retired for `successor`, and the
/// access token issued with it.
#[derive(Clone, Debug)]
pub struct RotateRefresh {
    pub old_hash: String,
    pub successor: NewToken,
    pub successor_sealed: String,
    pub access: NewToken,
    pub now: TimestampMs,
}

/// What a token is good for. An access token authorises requests for a short while; a
/// device's refresh token is sent only to `POST /v1/auth/refresh`, which answers a new access
/// token. Neither is accepted where the other is expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
        }
    }
}

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct Session {
    pub user: UserRecord,
    pub device: Option<DeviceId>,
    pub expires_at_ms: TimestampMs,
}

#[derive(Clone, Debug, Serialize)]
pub struct DeviceRow {
    pub device_id: DeviceId,
    pub user_id: UserId,
    pub username: String,
    pub name: String,
    pub registered_at_ms: TimestampMs,
    pub last_sync_ms: Option<TimestampMs>,
    pub actors: Vec<String>,
    /// When an administrator cut this installation off (a lost or stolen laptop): its tokens
    /// were revoked then and it cannot sign in again until restored.
    pub revoked_at_ms: Option<TimestampMs>,
}

#[derive(Clone, Debug)]
pub struct DocInfo {
    pub doc_id: DocId,
    pub kind: DocKind,
    pub created_by: Option<UserId>,
    /// The stored heads (hex), so a cached copy can be checked against storage.
    pub heads: Vec<String>,
}

/// One accepted change set.
#[derive(Clone, Debug)]
pub struct AppendRecord {
    pub doc_id: DocId,
    pub kind: DocKind,
    /// Author of the push (recorded as the creator when the document is new).
    pub user: Option<UserId>,
    /// The pushing device (`None` for server-side writes).
    pub origin_device: Option<DeviceId>,
    /// The new changes, loadable with `load_incremental`: their raw bytes concatenated, or
    /// for a document new to the server the saved document it was pushed as.
    pub bytes: Vec<u8>,
    pub change_count: u32,
    /// Heads after the merge (hex).
    pub heads: Vec<String>,
    pub received_at_ms: TimestampMs,
    pub projection: Projection,
    /// The document is new on the server: the pushing device holds it already.
    pub created: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct AppendOutcome {
    pub seq: u64,
    /// Chunks appended since the last snapshot (the hub compacts past a threshold).
    pub chunks_since_snapshot: u64,
}

/// Relational rows derived from a merged document.
#[derive(Clone, Debug)]
pub enum Projection {
    WorkOrder(Box<WorkOrderProj>),
    Device(Box<DeviceProj>),
    Site(SiteProj),
    None,
}

#[derive(Clone, Debug, Default)]
pub struct WorkOrderProj {
    pub number: Option<String>,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub conflict: bool,
    pub priority: Option<String>,
    pub category: Option<String>,
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    pub assignees: Vec<String>,
    pub device_ids: Vec<String>,
    pub scheduled_start_ms: Option<TimestampMs>,
    pub scheduled_end_ms: Option<TimestampMs>,
    pub response_due_ms: Option<TimestampMs>,
    pub resolution_due_ms: Option<TimestampMs>,
    pub first_on_site_ms: Option<TimestampMs>,
    pub completed_at_ms: Option<TimestampMs>,
    pub created_by: String,
    pub created_at_ms: TimestampMs,
    pub caller_name: Option<String>,
    pub caller_phone: Option<String>,
    /// Folded text the list's `q` searches: number, title, caller name and phone (also as
    /// bare digits, so `13800138000` finds `138 0013 8000`).
    pub search: String,
    pub events: Vec<EventProj>,
    /// sha256 of every blob the document references (photos, signature image).
    pub blobs: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct EventProj {
    pub id: String,
    pub kind: String,
    pub at_ms: TimestampMs,
    pub by: String,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct DeviceProj {
    pub asset_tag: String,
    pub device_type: String,
    pub vendor: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub ip: Option<String>,
    pub site_id: Option<String>,
    pub customer_id: Option<String>,
    pub location: String,
    pub status: Option<String>,
    pub search: String,
}

#[derive(Clone, Debug, Default)]
pub struct SiteProj {
    pub name: String,
    pub customer_id: String,
    pub customer_name: String,
    pub address: String,
}

#[derive(Clone, Debug)]
pub struct RejectionRecord {
    pub doc_id: DocId,
    pub user: UserId,
    pub device: Option<DeviceId>,
    pub code: String,
    pub reason: String,
    pub at_ms: TimestampMs,
}

#[derive(Clone, Debug)]
pub struct PullParams {
    pub user: UserId,
    pub role: Role,
    pub device: DeviceId,
    /// Log position the pull continues from (from [`super::Storage::confirm_cursor`]).
    pub from_seq: u64,
    pub max_bytes: u64,
    pub now: TimestampMs,
}

#[derive(Clone, Debug)]
pub struct PullItem {
    pub doc_id: DocId,
    pub kind: DocKind,
    pub whole: bool,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct PullPage {
    pub cursor: u64,
    pub more: bool,
    pub docs: Vec<PullItem>,
    pub removed: Vec<DocId>,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct WorkOrderFilter {
    pub status: Option<String>,
    pub assignee: Option<String>,
    pub site: Option<String>,
    pub customer: Option<String>,
    /// Created at or after this time (ms since the epoch).
    pub created_from_ms: Option<TimestampMs>,
    /// Created before this time.
    pub created_before_ms: Option<TimestampMs>,
    /// Words that must all occur in the number, title, caller's name or phone (1- and
    /// 2-character Chinese words too).
    pub q: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Clone, Debug, Serialize)]
pub struct WorkOrderRow {
    pub doc_id: String,
    pub number: Option<String>,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub conflict: bool,
    pub priority: Option<String>,
    pub category: Option<String>,
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    pub assignees: Vec<String>,
    pub device_ids: Vec<String>,
    pub scheduled_start_ms: Option<TimestampMs>,
    pub scheduled_end_ms: Option<TimestampMs>,
    pub response_due_ms: Option<TimestampMs>,
    pub resolution_due_ms: Option<TimestampMs>,
    pub created_by: String,
    pub created_at_ms: TimestampMs,
    pub updated_at_ms: TimestampMs,
    pub caller_name: Option<String>,
    pub caller_phone: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DeviceRecordRow {
    pub doc_id: String,
    pub asset_tag: String,
    pub device_type: String,
    pub vendor: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub ip: Option<String>,
    pub site_id: Option<String>,
    pub customer_id: Option<String>,
    pub location: String,
    pub status: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SiteRow {
    pub doc_id: String,
    pub name: String,
    pub customer_id: String,
    pub customer_name: String,
    pub address: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct BlobMeta {
    pub sha256: String,
    pub size: u64,
    pub uploaded_by: UserId,
    pub created_at_ms: TimestampMs,
}

/// What a supervisor writes for one customer and period of the service summary (月度维护服务
/// 总结报告): the technical summary (技术总结), suggestions for improving the maintenance
/// (建议) and the evaluation of how the inspection plan was carried out (巡检计划执行评价).
/// `period` is named as `/v1/kpis` names it: `2026-11` or `2026-Q4`.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryNotes {
    pub customer_id: String,
    pub period: String,
    pub technical_summary: String,
    pub suggestions: String,
    pub plan_evaluation: String,
    pub updated_by: UserId,
    pub updated_at_ms: TimestampMs,
}
