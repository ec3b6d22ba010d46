//! The storage trait every backend implements, and the plain records it speaks.
//!
//! Methods are coarse-grained (one method = one transaction) and blocking: callers on the
//! async runtime run them through [`Db::call`], which moves the work to the blocking pool.
//! The backend is chosen once from the database URL ([`open`]).

#[cfg(test)]
mod batch_tests;
pub mod feed;
mod lease;
pub mod postgres;
mod problems;
mod scheduling;
pub mod sqlite;
mod types;
pub mod uploads;

pub use lease::{JobLease, lease_key, local_lease};
pub use problems::{ProblemRecord, ProblemStore, problems_of};
pub use scheduling::*;
pub use types::*;

use fieldsync::{DeviceId, DocId, Role, TimestampMs, UserId};
use std::path::Path;
use std::sync::Arc;

/// Storage failures. `Conflict`/`NotFound`/`Invalid` are the caller's fault; `Backend` is ours.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Backend(String),
}

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        StorageError::Backend(e.to_string())
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// Everything the server keeps. One implementation per backend; each owns its migrations.
pub trait Storage: Send + Sync + 'static {
    /// Apply pending migrations; returns the schema version now in place.
    fn migrate(&self) -> Result<u32>;

    // --- users and sessions ---
    fn create_user(&self, user: &NewUser) -> Result<UserRecord>;
    fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>>;
    fn user_by_id(&self, id: UserId) -> Result<Option<UserRecord>>;
    fn list_users(&self) -> Result<Vec<UserRecord>>;
    /// Disabling revokes every token of the user.
    fn set_user_disabled(&self, username: &str, disabled: bool) -> Result<()>;
    /// Changing the password revokes every token of the user.
    fn set_password_hash(&self, username: &str, hash: &str) -> Result<()>;
    fn insert_token(&self, token: &NewToken) -> Result<()>;
    /// Revoke one token; unknown hashes are ignored.
    fn revoke_token(&self, token_hash: &str) -> Result<()>;
    /// Revoke every token (access and refresh) `user` holds on `device`: signing out there.
    fn revoke_device_tokens(&self, user: UserId, device: DeviceId) -> Result<()>;
    /// The session of a live (unexpired, unrevoked, not rotated, user enabled, device not
    /// revoked, family not ended for reuse) token hash of `kind`.
    fn session(
        &self,
        token_hash: &str,
        kind: TokenKind,
        now: TimestampMs,
    ) -> Result<Option<Session>>;

    // --- devices and actors ---
    /// Register (or re-use) a device of `user`; a device id owned by another user is a conflict.
    fn upsert_device(
        &self,
        device: DeviceId,
        user: UserId,
        name: &str,
        now: TimestampMs,
    ) -> Result<()>;
    /// Bind actor ids (hex) to a device of the user, for ever. An actor bound elsewhere is a
    /// conflict and nothing is bound.
    fn register_actors(
        &self,
        device: DeviceId,
        user: UserId,
        actors: &[String],
        now: TimestampMs,
    ) -> Result<()>;
    fn actors_of_user(&self, user: UserId) -> Result<Vec<String>>;
    /// Actor hex → user display name (for history).
    fn actor_names(&self) -> Result<Vec<(String, String)>>;
    fn list_devices(&self) -> Result<Vec<DeviceRow>>;
    /// Cut an installation off (`Some(now)`: every token of the device revoked, no new
    /// sign-in from it) or let it sign in again (`None`). An unknown device is `NotFound`.
    fn set_device_revoked(&self, device: DeviceId, revoked_at: Option<TimestampMs>) -> Result<()>;
    /// When the device was revoked, if it was (unknown devices: `None`).
    fn device_revoked_at(&self, device: DeviceId) -> Result<Option<TimestampMs>>;
    /// Whether `token_hash` was issued to a device that is revoked now: how a refused request
    /// tells "an administrator cut this computer off" from "signed out".
    fn token_device_revoked(&self, token_hash: &str) -> Result<bool>;

    // --- refresh-token rotation ---
    /// The refresh token of `token_hash` in whatever state it is (`None`: never issued).
    fn refresh_view(&self, token_hash: &str, now: TimestampMs) -> Result<Option<RefreshView>>;
    /// Retire `old_hash` for its successor and store the successor and the new access token,
    /// in one transaction — only if `old_hash` is still an unrotated, unrevoked refresh
    /// token: `Ok(false)` stores nothing (another request rotated it first).
    fn rotate_refresh(&self, rotation: &RotateRefresh) -> Result<bool>;
    /// A retired refresh token came back after its grace: end `family` — every token of it
    /// revoked, and the family marked so its tokens are refused as `refresh_reused`. `true`
    /// the first time (the security event to log), `false` when already ended.
    fn end_family_for_reuse(
        &self,
        family: &str,
        user: UserId,
        device: Option<DeviceId>,
        now: TimestampMs,
    ) -> Result<bool>;
    /// Whether `token_hash` belongs to a family ended for reuse: how a refused request tells
    /// "signed out for safety" from "signed out".
    fn token_family_reused(&self, token_hash: &str) -> Result<bool>;

    // --- documents and the change log ---
    fn doc_info(&self, doc: DocId) -> Result<Option<DocInfo>>;
    /// A document's whole bytes (snapshot + later chunks), loadable with `Automerge::load`.
    fn doc_bytes(&self, doc: DocId) -> Result<Option<(DocInfo, Vec<u8>)>>;
    /// Append accepted changes and update the projection, in one transaction.
    fn append(&self, rec: &AppendRecord) -> Result<AppendOutcome>;
    /// Like [`Storage::append`], but only if the document's stored heads are still
    /// `base_heads` (empty: the document must not exist yet), checked in the same
    /// transaction; `Ok(None)` stores nothing. The hub validates a push against its copy with
    /// `base_heads`, so with several replicas nothing is stored on a stale validation.
    fn append_checked(
        &self,
        rec: &AppendRecord,
        base_heads: &[String],
    ) -> Result<Option<AppendOutcome>>;
    /// Several [`Storage::append_checked`]s in one transaction, so a sync request with many
    /// documents pays for one durable commit, not one each. Each record is checked against its
    /// own base heads; a stale one gets `None` and the others are stored. An `Err` stores none.
    fn append_batch(
        &self,
        items: &[(&AppendRecord, &[String])],
    ) -> Result<Vec<Option<AppendOutcome>>>;
    /// [`Storage::append_batch`], all or nothing: if any record is stale (its document
    /// changed since its base heads, or a new one exists already) nothing is stored and the
    /// answer is [`StorageError::Conflict`]. For imports, which a person must be able to trust
    /// to have happened whole or not at all, even if the process is killed half-way.
    fn append_all(&self, items: &[(&AppendRecord, &[String])]) -> Result<Vec<AppendOutcome>>;
    /// Replace a document's snapshot by `bytes`, which hold every chunk with seq ≤ `upto_seq`.
    fn write_snapshot(&self, doc: DocId, bytes: &[u8], upto_seq: u64) -> Result<()>;
    /// Every change-log row of one document as `(seq, received_at_ms, bytes)`, in `seq`
    /// order: when each appended chunk arrived (for the document's history). A snapshot does
    /// not remove the rows it covers, so these are all the appends the document ever had.
    fn change_log_rows(&self, doc: DocId) -> Result<Vec<(u64, TimestampMs, Vec<u8>)>>;
    fn record_rejection(&self, rej: &RejectionRecord) -> Result<()>;
    fn all_doc_ids(&self) -> Result<Vec<DocInfo>>;

    // --- sync ---
    /// May the user hold this document (see "Briefcase" in docs/sync-protocol.md)?
    fn in_briefcase(&self, user: UserId, role: Role, doc: DocId) -> Result<bool>;
    /// The highest change-log position any answer has delivered to the device (whether or not
    /// the device confirmed it), 0 if none. It only grows: a device cannot make the server
    /// forget what it was sent by replaying an old cursor.
    fn device_seen_seq(&self, device: DeviceId) -> Result<u64>;
    /// Does the server count `doc` as on the device: sent to it (confirmed or not), created
    /// by it, or removed from its briefcase without the device having confirmed the removal?
    fn device_holds(&self, device: DeviceId, doc: DocId) -> Result<bool>;
    /// Apply what the device's cursor proves (answers it stored) and return the log position
    /// its pull continues from; an unknown cursor counts as 0 (the device holds nothing).
    fn confirm_cursor(&self, device: DeviceId, cursor: u64) -> Result<u64>;
    /// Build one answer page and record the delivery (the cursor rules of the protocol).
    fn pull(&self, params: &PullParams) -> Result<PullPage>;
    /// The writes of one sync request: the cursor's confirmation, the validated appends
    /// ([`Storage::append_batch`]), then the answer page, whose `from_seq` is what confirming
    /// `cursor` yields (`pull.from_seq` is ignored). A backend that can do all three in one
    /// transaction pays for one durable commit per request instead of three.
    fn commit_sync(
        &self,
        appends: &[(&AppendRecord, &[String])],
        cursor: u64,
        pull: &PullParams,
    ) -> Result<(Vec<Option<AppendOutcome>>, PullPage)> {
        // Confirm first: an unknown cursor forgets what the device held, which must not
        // include the documents it creates in this request.
        let from_seq = self.confirm_cursor(pull.device, cursor)?;
        let appended = if appends.is_empty() {
            Vec::new()
        } else {
            self.append_batch(appends)?
        };
        let page = self.pull(&PullParams {
            from_seq,
            ..pull.clone()
        })?;
        Ok((appended, page))
    }

    // --- projections ---
    fn list_work_orders(&self, filter: &WorkOrderFilter) -> Result<Vec<WorkOrderRow>>;
    fn list_device_records(&self, search: Option<&str>, limit: u32)
    -> Result<Vec<DeviceRecordRow>>;
    /// Every device record's `(doc_id, asset_tag, serial)`, unbounded: how an import tells
    /// which devices exist (the device list is capped for screens).
    fn device_keys(&self) -> Result<Vec<(String, String, Option<String>)>>;
    fn list_sites(&self) -> Result<Vec<SiteRow>>;
    fn next_work_order_number(&self, year: i32) -> Result<String>;
    /// Lease the next `count` numbers of `year`'s sequence to `device` (the office's
    /// numbering then continues after them).
    fn lease_numbers(
        &self,
        device: DeviceId,
        year: i32,
        count: i64,
        now: TimestampMs,
    ) -> Result<fieldsync::model::NumberBlock>;
    /// Was `number` leased to `device`?
    fn number_leased_to(
        &self,
        device: DeviceId,
        number: fieldsync::model::WorkOrderNumber,
    ) -> Result<bool>;
    /// The work orders (doc ids) that carry `number`.
    fn work_orders_numbered(&self, number: &str) -> Result<Vec<String>>;

    // --- blobs ---
    fn put_blob_meta(&self, meta: &BlobMeta) -> Result<()>;
    fn blob_meta(&self, sha256: &str) -> Result<Option<BlobMeta>>;
    /// Is the blob referenced by a document in the user's briefcase (or uploaded by them)?
    fn blob_visible_to(&self, sha256: &str, user: UserId, role: Role) -> Result<bool>;

    // --- the supervisor's notes of the service summary ---
    /// The notes of `customer_id` for `period` (`2026-11`, `2026-Q4`), if any were written.
    fn summary_notes(&self, customer_id: &str, period: &str) -> Result<Option<SummaryNotes>>;
    /// Write (or replace) the notes of their customer and period.
    fn put_summary_notes(&self, notes: &SummaryNotes) -> Result<()>;

    // --- server identity ---
    /// The server's own Automerge actor id (hex), created once and persisted.
    fn server_actor(&self) -> Result<String>;

    // --- dispatch, SLA and inspection plans ---
    /// Contracts, plans, engineer profiles and notifications ([`SchedulingStore`]). A backend
    /// that does not implement them yet keeps this default (`None`); the SLA, plan and
    /// dispatch endpoints then answer that the database does not support them.
    fn scheduling(&self) -> Option<&dyn SchedulingStore> {
        None
    }

    // --- problem management ---
    /// Problem records ([`ProblemStore`]); `None` until a backend keeps them.
    fn problems(&self) -> Option<&dyn ProblemStore> {
        None
    }

    // --- several replicas ---
    /// Take the cluster-wide lease of background job `job` (see [`JobLease`]): `Ok(None)`
    /// when another replica holds it (after waiting up to `wait`, if given).
    fn job_lease(&self, job: &str, wait: Option<std::time::Duration>) -> Result<Option<JobLease>>;

    /// Subscribe to every append stored from now on, by any replica ([`feed`]).
    fn subscribe_changes(&self) -> Result<tokio::sync::broadcast::Receiver<feed::FeedEvent>>;
}

/// A storage handle usable from async code: blocking calls run on the blocking pool.
#[derive(Clone)]
pub struct Db(pub Arc<dyn Storage>);

impl Db {
    pub async fn call<R, F>(&self, f: F) -> Result<R>
    where
        F: FnOnce(&dyn Storage) -> Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let s = self.0.clone();
        tokio::task::spawn_blocking(move || f(s.as_ref()))
            .await
            .map_err(|e| StorageError::Backend(format!("storage task failed: {e}")))?
    }

    pub fn blocking(&self) -> &dyn Storage {
        self.0.as_ref()
    }
}

/// Open the backend named by `url`: `sqlite://path/to/file.db`, `sqlite::memory:` or
/// `postgres://user@host:port/db` (also `postgresql://`). A bare path is taken as a SQLite
/// file. Migrations run on open.
pub fn open(url: &str) -> Result<Db> {
    let storage: Arc<dyn Storage> = if let Some(rest) = url.strip_prefix("sqlite://") {
        Arc::new(sqlite::SqliteStorage::open(Path::new(rest))?)
    } else if url == "sqlite::memory:" {
        Arc::new(sqlite::SqliteStorage::open_in_memory()?)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Arc::new(self::postgres::PgStorage::open(
            url,
            self::postgres::DEFAULT_POOL_SIZE,
        )?)
    } else if url.contains("://") {
        return Err(StorageError::Invalid(format!(
            "unknown database URL scheme in {:?} (expected sqlite://<file> or postgres://…)",
            crate::storage::redact_url(url)
        )));
    } else {
        Arc::new(sqlite::SqliteStorage::open(Path::new(url))?)
    };
    storage.migrate()?;
    Ok(Db(storage))
}

/// The database URL for a data directory.
pub fn url_for_data_dir(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("fieldsync.db").display())
}

/// `scheme://user:password@host/...` → `scheme://user:***@host/...`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((creds, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    let user = creds.split(':').next().unwrap_or("");
    format!("{scheme}://{user}:***@{host}")
}
