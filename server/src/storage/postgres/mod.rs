//! The PostgreSQL backend, for several stateless server replicas on one database.
//!
//! A pool of synchronous `postgres` connections (r2d2); every trait method is one transaction
//! on one pooled connection. Appends allocate their `seq` from a one-row counter as their last
//! step, so they commit in `seq` order (docs/sync-protocol.md, "The change log"), and refuse
//! to store when the document's heads moved under the caller (another replica wrote it).

mod docs;
mod listen;
mod migrations;
mod problems;
mod projections;
mod refresh;
mod scheduling;
pub mod scratch;
pub mod tls;
mod users;

use super::{Result, StorageError};
use postgres::{Client, Row};
use r2d2_postgres::PostgresConnectionManager;
use std::str::FromStr;
use std::time::Duration;

type Pool = r2d2::Pool<PostgresConnectionManager<tokio_postgres_rustls::MakeRustlsConnect>>;

/// Connections per server process unless the caller asks otherwise.
pub const DEFAULT_POOL_SIZE: u32 = 16;

pub struct PgStorage {
    /// `None` only while dropping (see the `Drop` impl).
    pool: Option<Pool>,
    /// For connections outside the pool: job leases and the change listener.
    target: tls::Target,
    /// Appends of every replica, as heard by this replica's listener (`listen`).
    feed: super::feed::ChangeFeed,
    /// Has the listener been started (on the first subscription)?
    listening: std::sync::Mutex<bool>,
    /// Tells the listener thread to end when the storage is dropped.
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl From<postgres::Error> for StorageError {
    fn from(e: postgres::Error) -> Self {
        // `Display` of a server error is only its severity; the detail is in the source.
        match e.as_db_error() {
            Some(db) => StorageError::Backend(format!("{}: {}", db.code().code(), db.message())),
            // A failed connection or TLS handshake says why only in its sources (e.g. the
            // certificate's issuer is unknown): keep them.
            None => {
                let mut text = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    text.push_str(&format!(": {s}"));
                    source = s.source();
                }
                StorageError::Backend(text)
            }
        }
    }
}

/// A unique-key violation (another writer got there first).
pub(crate) fn is_unique_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION)
}

/// Read column `idx`; a type mismatch is a storage error, not a panic.
pub(crate) fn col<'a, T: postgres::types::FromSql<'a>>(row: &'a Row, idx: usize) -> Result<T> {
    row.try_get(idx)
        .map_err(|e| StorageError::Backend(format!("column {idx}: {e}")))
}

/// Read and parse a text column holding an id or enum.
pub(crate) fn parse<T: FromStr>(row: &Row, idx: usize) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    let s: String = col(row, idx)?;
    s.parse::<T>()
        .map_err(|e| StorageError::Backend(format!("column {idx}: bad value {s:?}: {e}")))
}

/// Like [`parse`] for a nullable column.
pub(crate) fn parse_opt<T: FromStr>(row: &Row, idx: usize) -> Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    let s: Option<String> = col(row, idx)?;
    s.map(|s| {
        s.parse::<T>()
            .map_err(|e| StorageError::Backend(format!("column {idx}: bad value {s:?}: {e}")))
    })
    .transpose()
}

impl PgStorage {
    /// Connect a pool of up to `pool_size` connections to `url` (`postgres://user@host/db`).
    /// Nothing is created or migrated here: call [`super::Storage::migrate`].
    pub fn open(url: &str, pool_size: u32) -> Result<Self> {
        let mut target = tls::Target::parse(url)?;
        if target.config.get_application_name().is_none() {
            target.config.application_name("fieldsync-server");
        }
        // One connection first: its error names the cause (refused, password, the
        // certificate's issuer or name), which the pool's retry loop would reduce to
        // "timed out" after ten seconds.
        // (Closed on that thread: a client must not be dropped on an async worker.)
        off_runtime(|| target.connect().map(drop)).map_err(|e| {
            StorageError::Backend(format!(
                "cannot connect to PostgreSQL at {}: {e}",
                crate::storage::redact_url(url)
            ))
        })?;
        let manager = PostgresConnectionManager::new(target.config.clone(), target.tls.clone());
        let pool = off_runtime(|| {
            r2d2::Pool::builder()
                .max_size(pool_size.max(1))
                .min_idle(Some(1))
                .connection_timeout(Duration::from_secs(10))
                .build(manager)
                .map_err(|e| {
                    StorageError::Backend(format!(
                        "cannot connect to PostgreSQL at {}: {e}",
                        crate::storage::redact_url(url)
                    ))
                })
        })?;
        Ok(Self {
            pool: Some(pool),
            target,
            feed: super::feed::ChangeFeed::default(),
            listening: std::sync::Mutex::new(false),
            stop: Default::default(),
        })
    }

    /// Run `f` on a pooled connection. The synchronous client drives its own small runtime,
    /// which must not be entered from an async worker thread: called from one (tests, or a
    /// forgotten `Db::call`), the work moves to a short-lived thread instead of panicking.
    pub(crate) fn with<R: Send>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<R> + Send,
    ) -> Result<R> {
        off_runtime(|| {
            let pool = self
                .pool
                .as_ref()
                .ok_or_else(|| StorageError::Backend("storage is closing".into()))?;
            let mut conn = pool
                .get()
                .map_err(|e| StorageError::Backend(format!("no PostgreSQL connection: {e}")))?;
            f(&mut conn)
        })
    }
}

/// A job lease: a session advisory lock on a connection of its own. Dropping it unlocks and
/// closes the connection; if the replica dies, the server ends the session and the lock.
struct AdvisoryLease {
    client: Option<Client>,
    key: i64,
}

impl Drop for AdvisoryLease {
    fn drop(&mut self) {
        if let Some(mut client) = self.client.take() {
            let key = self.key;
            let _ = off_runtime(move || {
                let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&key]);
                drop(client);
                Ok(())
            });
        }
    }
}

/// Take the advisory lock of `job` on a new connection (see [`super::Storage::job_lease`]).
fn advisory_lease(
    target: &tls::Target,
    job: &str,
    wait: Option<Duration>,
) -> Result<Option<super::JobLease>> {
    let key = super::lease_key(job);
    off_runtime(|| {
        let mut client = target.connect()?;
        let got = match wait {
            None => col(
                &client.query_one("SELECT pg_try_advisory_lock($1)", &[&key])?,
                0,
            )?,
            Some(w) => {
                client.batch_execute(&format!("SET lock_timeout = {}", w.as_millis().max(1)))?;
                match client.execute("SELECT pg_advisory_lock($1)", &[&key]) {
                    Ok(_) => true,
                    Err(e) if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) => {
                        false
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        };
        if !got {
            return Ok(None);
        }
        Ok(Some(super::JobLease::holding(Box::new(AdvisoryLease {
            client: Some(client),
            key,
        }))))
    })
}

/// Run `f` here, or on a scoped thread when this thread is inside a tokio runtime.
pub(crate) fn off_runtime<R: Send>(f: impl FnOnce() -> Result<R> + Send) -> Result<R> {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| {
        s.spawn(f)
            .join()
            .map_err(|_| StorageError::Backend("PostgreSQL worker thread panicked".into()))?
    })
}

impl Drop for PgStorage {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        // Closing a connection blocks on the client's runtime: do it off any async worker.
        if let Some(pool) = self.pool.take() {
            let _ = off_runtime(move || {
                drop(pool);
                Ok(())
            });
        }
    }
}

impl super::Storage for PgStorage {
    fn migrate(&self) -> Result<u32> {
        self.with(|c| Ok(migrations::run(c)?))
    }

    fn create_user(&self, u: &super::NewUser) -> Result<super::UserRecord> {
        self.with(|c| users::create_user(c, u))
    }

    fn user_by_name(&self, username: &str) -> Result<Option<super::UserRecord>> {
        self.with(|c| users::user_where(c, "username", username))
    }

    fn user_by_id(&self, id: fieldsync::UserId) -> Result<Option<super::UserRecord>> {
        self.with(|c| users::user_where(c, "id", &id.to_string()))
    }

    fn list_users(&self) -> Result<Vec<super::UserRecord>> {
        self.with(users::list_users)
    }

    fn set_user_disabled(&self, username: &str, disabled: bool) -> Result<()> {
        self.with(|c| users::set_user_disabled(c, username, disabled))
    }

    fn set_password_hash(&self, username: &str, hash: &str) -> Result<()> {
        self.with(|c| users::set_password_hash(c, username, hash))
    }

    fn insert_token(&self, t: &super::NewToken) -> Result<()> {
        self.with(|c| users::insert_token(c, t))
    }

    fn revoke_token(&self, token_hash: &str) -> Result<()> {
        self.with(|c| users::revoke_token(c, token_hash))
    }

    fn revoke_device_tokens(
        &self,
        user: fieldsync::UserId,
        device: fieldsync::DeviceId,
    ) -> Result<()> {
        self.with(|c| users::revoke_device_tokens(c, user, device))
    }

    fn session(
        &self,
        token_hash: &str,
        kind: super::TokenKind,
        now: fieldsync::TimestampMs,
    ) -> Result<Option<super::Session>> {
        self.with(|c| users::session(c, token_hash, kind, now))
    }

    fn refresh_view(
        &self,
        token_hash: &str,
        now: fieldsync::TimestampMs,
    ) -> Result<Option<super::RefreshView>> {
        self.with(|c| refresh::view(c, token_hash, now))
    }

    fn rotate_refresh(&self, rotation: &super::RotateRefresh) -> Result<bool> {
        self.with(|c| refresh::rotate(c, rotation))
    }

    fn end_family_for_reuse(
        &self,
        family: &str,
        user: fieldsync::UserId,
        device: Option<fieldsync::DeviceId>,
        now: fieldsync::TimestampMs,
    ) -> Result<bool> {
        self.with(|c| refresh::end_family(c, family, user, device, now))
    }

    fn token_family_reused(&self, token_hash: &str) -> Result<bool> {
        self.with(|c| refresh::family_reused(c, token_hash))
    }

    fn upsert_device(
        &self,
        device: fieldsync::DeviceId,
        user: fieldsync::UserId,
        name: &str,
        now: fieldsync::TimestampMs,
    ) -> Result<()> {
        self.with(|c| users::upsert_device(c, device, user, name, now))
    }

    fn register_actors(
        &self,
        device: fieldsync::DeviceId,
        user: fieldsync::UserId,
        actors: &[String],
        now: fieldsync::TimestampMs,
    ) -> Result<()> {
        self.with(|c| users::register_actors(c, device, user, actors, now))
    }

    fn actors_of_user(&self, user: fieldsync::UserId) -> Result<Vec<String>> {
        self.with(|c| users::actors_of_user(c, user))
    }

    fn actor_names(&self) -> Result<Vec<(String, String)>> {
        self.with(users::actor_names)
    }

    fn list_devices(&self) -> Result<Vec<super::DeviceRow>> {
        self.with(users::list_devices)
    }

    fn set_device_revoked(
        &self,
        device: fieldsync::DeviceId,
        revoked_at: Option<fieldsync::TimestampMs>,
    ) -> Result<()> {
        self.with(|c| users::set_device_revoked(c, device, revoked_at))
    }

    fn device_revoked_at(
        &self,
        device: fieldsync::DeviceId,
    ) -> Result<Option<fieldsync::TimestampMs>> {
        self.with(|c| users::device_revoked_at(c, device))
    }

    fn token_device_revoked(&self, token_hash: &str) -> Result<bool> {
        self.with(|c| users::token_device_revoked(c, token_hash))
    }

    fn doc_info(&self, doc: fieldsync::DocId) -> Result<Option<super::DocInfo>> {
        self.with(|c| docs::doc_info(c, doc))
    }

    fn doc_bytes(&self, doc: fieldsync::DocId) -> Result<Option<(super::DocInfo, Vec<u8>)>> {
        self.with(|c| docs::doc_bytes(c, doc))
    }

    fn append(&self, rec: &super::AppendRecord) -> Result<super::AppendOutcome> {
        self.with(|c| docs::append(c, rec, None))?
            .ok_or_else(|| StorageError::Backend("unconditional append was refused".into()))
    }

    fn append_checked(
        &self,
        rec: &super::AppendRecord,
        base_heads: &[String],
    ) -> Result<Option<super::AppendOutcome>> {
        self.with(|c| docs::append(c, rec, Some(base_heads)))
    }

    fn append_batch(
        &self,
        items: &[(&super::AppendRecord, &[String])],
    ) -> Result<Vec<Option<super::AppendOutcome>>> {
        self.with(|c| docs::append_batch(c, items))
    }

    fn append_all(
        &self,
        items: &[(&super::AppendRecord, &[String])],
    ) -> Result<Vec<super::AppendOutcome>> {
        self.with(|c| docs::append_all(c, items))
    }

    fn write_snapshot(&self, doc: fieldsync::DocId, bytes: &[u8], upto_seq: u64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE docs SET snapshot = $2, snapshot_seq = $3 WHERE doc_id = $1 AND snapshot_seq <= $3",
                &[&doc.to_string(), &bytes, &(upto_seq as i64)],
            )?;
            Ok(())
        })
    }

    fn change_log_rows(
        &self,
        doc: fieldsync::DocId,
    ) -> Result<Vec<(u64, fieldsync::TimestampMs, Vec<u8>)>> {
        self.with(|c| docs::change_log_rows(c, doc))
    }

    fn record_rejection(&self, r: &super::RejectionRecord) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO rejections (doc_id, user_id, device_id, code, reason, at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&r.doc_id.to_string(), &r.user.to_string(), &r.device.map(|d| d.to_string()), &r.code, &r.reason, &r.at_ms],
            )?;
            Ok(())
        })
    }

    fn all_doc_ids(&self) -> Result<Vec<super::DocInfo>> {
        self.with(docs::all_docs)
    }

    fn device_seen_seq(&self, device: fieldsync::DeviceId) -> Result<u64> {
        self.with(|c| docs::device_seen_seq(c, device))
    }

    fn device_holds(&self, device: fieldsync::DeviceId, doc: fieldsync::DocId) -> Result<bool> {
        self.with(|c| docs::device_holds(c, device, doc))
    }

    fn in_briefcase(
        &self,
        user: fieldsync::UserId,
        role: fieldsync::Role,
        doc: fieldsync::DocId,
    ) -> Result<bool> {
        self.with(|c| docs::in_briefcase(c, user, role, doc))
    }

    fn confirm_cursor(&self, device: fieldsync::DeviceId, cursor: u64) -> Result<u64> {
        self.with(|c| docs::confirm_cursor(c, device, cursor))
    }

    fn pull(&self, p: &super::PullParams) -> Result<super::PullPage> {
        self.with(|c| docs::pull(c, p))
    }

    fn list_work_orders(&self, f: &super::WorkOrderFilter) -> Result<Vec<super::WorkOrderRow>> {
        self.with(|c| projections::list_work_orders(c, f))
    }

    fn list_device_records(
        &self,
        search: Option<&str>,
        limit: u32,
    ) -> Result<Vec<super::DeviceRecordRow>> {
        self.with(|c| projections::list_device_records(c, search, limit))
    }

    fn device_keys(&self) -> Result<Vec<(String, String, Option<String>)>> {
        self.with(|c| {
            let rows = c.query("SELECT doc_id, asset_tag, serial FROM device_records", &[])?;
            Ok(rows
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect())
        })
    }

    fn list_sites(&self) -> Result<Vec<super::SiteRow>> {
        self.with(projections::list_sites)
    }

    fn next_work_order_number(&self, year: i32) -> Result<String> {
        self.with(|c| {
            let row = c.query_one(
                "INSERT INTO wo_numbers (year, last) VALUES ($1, 1)
                 ON CONFLICT (year) DO UPDATE SET last = wo_numbers.last + 1 RETURNING last",
                &[&year],
            )?;
            let n: i64 = col(&row, 0)?;
            Ok(format!("WO-{year}-{n:05}"))
        })
    }

    fn lease_numbers(
        &self,
        device: fieldsync::DeviceId,
        year: i32,
        count: i64,
        now: fieldsync::TimestampMs,
    ) -> Result<fieldsync::model::NumberBlock> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let last: i64 = col(
                &tx.query_one(
                    "INSERT INTO wo_numbers (year, last) VALUES ($1, $2)
                     ON CONFLICT (year) DO UPDATE SET last = wo_numbers.last + $2 RETURNING last",
                    &[&year, &count],
                )?,
                0,
            )?;
            let block = fieldsync::model::NumberBlock {
                year,
                first: last - count + 1,
                last,
            };
            tx.execute(
                "INSERT INTO number_blocks (device_id, year, first_no, last_no, leased_at_ms)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&device.to_string(), &year, &block.first, &block.last, &now],
            )?;
            tx.commit()?;
            Ok(block)
        })
    }

    fn number_leased_to(
        &self,
        device: fieldsync::DeviceId,
        number: fieldsync::model::WorkOrderNumber,
    ) -> Result<bool> {
        self.with(|c| {
            col(
                &c.query_one(
                    "SELECT EXISTS (SELECT 1 FROM number_blocks WHERE device_id = $1 AND year = $2
                         AND first_no <= $3 AND $3 <= last_no)",
                    &[&device.to_string(), &number.year, &number.seq],
                )?,
                0,
            )
        })
    }

    fn work_orders_numbered(&self, number: &str) -> Result<Vec<String>> {
        self.with(|c| {
            c.query(
                "SELECT doc_id FROM work_orders WHERE number = $1",
                &[&number],
            )?
            .iter()
            .map(|r| col(r, 0))
            .collect()
        })
    }

    fn put_blob_meta(&self, m: &super::BlobMeta) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO blobs (sha256, size, uploaded_by, created_at_ms) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (sha256) DO NOTHING",
                &[&m.sha256, &(m.size as i64), &m.uploaded_by.to_string(), &m.created_at_ms],
            )?;
            Ok(())
        })
    }

    fn blob_meta(&self, sha256: &str) -> Result<Option<super::BlobMeta>> {
        self.with(|c| {
            let row = c.query_opt(
                "SELECT sha256, size, uploaded_by, created_at_ms FROM blobs WHERE sha256 = $1",
                &[&sha256],
            )?;
            row.map(|r| {
                Ok(super::BlobMeta {
                    sha256: col(&r, 0)?,
                    size: col::<i64>(&r, 1)?.max(0) as u64,
                    uploaded_by: parse(&r, 2)?,
                    created_at_ms: col(&r, 3)?,
                })
            })
            .transpose()
        })
    }

    fn blob_visible_to(
        &self,
        sha256: &str,
        user: fieldsync::UserId,
        role: fieldsync::Role,
    ) -> Result<bool> {
        self.with(|c| docs::blob_visible_to(c, sha256, user, role))
    }

    fn server_actor(&self) -> Result<String> {
        self.with(|c| {
            let fresh = automerge::ActorId::random().to_hex_string();
            c.execute(
                "INSERT INTO meta (key, value) VALUES ('server_actor', $1) ON CONFLICT (key) DO NOTHING",
                &[&fresh],
            )?;
            let row = c.query_one("SELECT value FROM meta WHERE key = 'server_actor'", &[])?;
            col(&row, 0)
        })
    }

    fn scheduling(&self) -> Option<&dyn super::SchedulingStore> {
        Some(self)
    }

    fn problems(&self) -> Option<&dyn super::ProblemStore> {
        Some(self)
    }

    fn summary_notes(
        &self,
        customer_id: &str,
        period: &str,
    ) -> Result<Option<super::SummaryNotes>> {
        self.with(|c| {
            let row = c.query_opt(
                "SELECT customer_id, period, technical_summary, suggestions, plan_evaluation,
                        updated_by, updated_at_ms
                 FROM summary_notes WHERE customer_id = $1 AND period = $2",
                &[&customer_id, &period],
            )?;
            row.map(|r| {
                Ok(super::SummaryNotes {
                    customer_id: col(&r, 0)?,
                    period: col(&r, 1)?,
                    technical_summary: col(&r, 2)?,
                    suggestions: col(&r, 3)?,
                    plan_evaluation: col(&r, 4)?,
                    updated_by: parse(&r, 5)?,
                    updated_at_ms: col(&r, 6)?,
                })
            })
            .transpose()
        })
    }

    fn put_summary_notes(&self, n: &super::SummaryNotes) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO summary_notes (customer_id, period, technical_summary, suggestions,
                     plan_evaluation, updated_by, updated_at_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (customer_id, period) DO UPDATE SET
                     technical_summary = EXCLUDED.technical_summary,
                     suggestions = EXCLUDED.suggestions,
                     plan_evaluation = EXCLUDED.plan_evaluation,
                     updated_by = EXCLUDED.updated_by,
                     updated_at_ms = EXCLUDED.updated_at_ms",
                &[
                    &n.customer_id,
                    &n.period,
                    &n.technical_summary,
                    &n.suggestions,
                    &n.plan_evaluation,
                    &n.updated_by.to_string(),
                    &n.updated_at_ms,
                ],
            )?;
            Ok(())
        })
    }

    fn job_lease(&self, job: &str, wait: Option<Duration>) -> Result<Option<super::JobLease>> {
        advisory_lease(&self.target, job, wait)
    }

    fn subscribe_changes(
        &self,
    ) -> Result<tokio::sync::broadcast::Receiver<super::feed::FeedEvent>> {
        // Subscribe first: nothing the listener hears after it starts can be missed.
        let rx = self.feed.subscribe();
        let mut listening = self.listening.lock().unwrap_or_else(|p| p.into_inner());
        if !*listening {
            let (target, feed, stop) = (self.target.clone(), self.feed.clone(), self.stop.clone());
            off_runtime(move || listen::start(target, feed, stop))?;
            *listening = true;
        }
        Ok(rx)
    }
}

#[cfg(test)]
mod tests;
