//! The embedded SQLite backend: one file under the data directory, WAL mode, migrations in
//! code. One connection behind a mutex: SQLite serialises writers anyway, and every call
//! already runs on the blocking pool.

mod docs;
mod group_commit;
mod log_rows;
pub(crate) mod migrations;
mod page_rows;
#[cfg(test)]
mod page_tests;
mod problems;
mod projections;
mod readers;
mod refresh;
mod scheduling;

use super::{
    BlobMeta, DeviceRow, NewToken, NewUser, Result, Session, StorageError, SummaryNotes, UserRecord,
};
use fieldsync::{DeviceId, Role, TimestampMs, UserId};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::path::Path;
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard};

/// What a sync request's writes give back: each append's outcome and the answer page.
type SyncWrites = (Vec<Option<super::AppendOutcome>>, super::PullPage);

/// Read connections open at most (SQLite's WAL has few reader slots; see `readers.rs`).
const READERS_MAX: usize = 2;
/// Prepared statements kept per connection. A sync request runs ~30 distinct statements on
/// the writer (cursor, appends, projections, the answer page); rusqlite's default of 16 made
/// the cache miss on most of them, re-parsing 3 in 4 statements of a load round.
pub(crate) const STATEMENT_CACHE: usize = 128;

pub struct SqliteStorage {
    conn: Mutex<Connection>,
    /// Read-only connections for reads that need not wait behind the writer (file only).
    readers: Option<readers::ReadPool>,
    /// Sync requests' writes, committed in groups (one fsync for many requests).
    syncs: group_commit::GroupCommit<SyncWrites>,
    /// Appends of this process, announced after commit (one process: no cross-talk needed).
    feed: super::feed::ChangeFeed,
    /// Names this database for in-process job leases (the file path; unique in memory).
    lease_scope: String,
}

/// Parse a text column holding an id or enum; a bad value is a storage error, not a panic.
pub(crate) fn parse_col<T: FromStr>(idx: usize, s: String) -> rusqlite::Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse::<T>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("bad value {s:?}: {e}").into(),
        )
    })
}

pub(crate) fn role_col(idx: usize, s: String) -> rusqlite::Result<Role> {
    Role::parse(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unknown role {s:?}").into(),
        )
    })
}

const USER_COLS: &str = "id, username, display_name, role, password_hash, disabled, created_at_ms";

fn user_row(r: &Row<'_>) -> rusqlite::Result<UserRecord> {
    Ok(UserRecord {
        id: parse_col(0, r.get(0)?)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        role: role_col(3, r.get(3)?)?,
        password_hash: r.get(4)?,
        disabled: r.get(5)?,
        created_at_ms: r.get(6)?,
    })
}

impl SqliteStorage {
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                StorageError::Backend(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let conn = Connection::open(path)?;
        let scope = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        let readers = readers::ReadPool::new(path.to_owned(), READERS_MAX);
        Self::configure(conn, scope.display().to_string(), Some(readers))
    }

    pub fn open_in_memory() -> Result<Self> {
        let scope = format!("memory:{}", uuid::Uuid::new_v4());
        Self::configure(Connection::open_in_memory()?, scope, None)
    }

    fn configure(
        conn: Connection,
        lease_scope: String,
        readers: Option<readers::ReadPool>,
    ) -> Result<Self> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        fieldsync::store::keep_prepared_plans(&conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            readers,
            syncs: group_commit::GroupCommit::default(),
            feed: super::feed::ChangeFeed::default(),
            lease_scope,
        })
    }

    /// Tell live subscribers about a committed append.
    fn announce(&self, rec: &super::AppendRecord, out: &super::AppendOutcome) {
        self.feed
            .publish(super::feed::FeedEvent::Changed(super::feed::DocChange {
                doc_id: rec.doc_id.to_string(),
                kind: rec.kind.as_str().to_owned(),
                seq: out.seq,
            }));
    }

    /// A connection for a read that may see any committed state: a pooled reader where the
    /// database is a file, else the writer.
    pub(crate) fn reader(&self) -> Result<readers::ReadConn<'_>> {
        Ok(match &self.readers {
            Some(pool) => readers::ReadConn::Pooled(pool.get()?),
            None => readers::ReadConn::Writer(self.conn()),
        })
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a transaction half-done (rusqlite rolls
        // back on drop), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl super::Storage for SqliteStorage {
    fn migrate(&self) -> Result<u32> {
        Ok(migrations::run(&mut self.conn())?)
    }

    fn create_user(&self, u: &NewUser) -> Result<UserRecord> {
        let conn = self.conn();
        let res = conn.execute(
            "INSERT INTO users (id, username, display_name, role, password_hash, disabled, created_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
            params![u.id.to_string(), u.username, u.display_name, u.role.as_str(), u.password_hash, u.now],
        );
        match res {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                return Err(StorageError::Conflict(format!(
                    "user {:?} already exists",
                    u.username
                )));
            }
            Err(e) => return Err(e.into()),
        }
        Ok(UserRecord {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            password_hash: u.password_hash.clone(),
            disabled: false,
            created_at_ms: u.now,
        })
    }

    fn user_by_name(&self, username: &str) -> Result<Option<UserRecord>> {
        let conn = self.reader()?;
        Ok(conn
            .query_row(
                &format!("SELECT {USER_COLS} FROM users WHERE username = ?1"),
                [username],
                user_row,
            )
            .optional()?)
    }

    fn user_by_id(&self, id: UserId) -> Result<Option<UserRecord>> {
        let conn = self.reader()?;
        Ok(conn
            .query_row(
                &format!("SELECT {USER_COLS} FROM users WHERE id = ?1"),
                [id.to_string()],
                user_row,
            )
            .optional()?)
    }

    fn list_users(&self) -> Result<Vec<UserRecord>> {
        let conn = self.reader()?;
        let mut st = conn.prepare(&format!("SELECT {USER_COLS} FROM users ORDER BY username"))?;
        let rows = st.query_map([], user_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn set_user_disabled(&self, username: &str, disabled: bool) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE users SET disabled = ?2 WHERE username = ?1",
            params![username, disabled],
        )?;
        if n == 0 {
            return Err(StorageError::NotFound(format!("no user {username:?}")));
        }
        if disabled {
            tx.execute(
                "UPDATE tokens SET revoked = 1 WHERE user_id = (SELECT id FROM users WHERE username = ?1)",
                [username],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn set_password_hash(&self, username: &str, hash: &str) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE users SET password_hash = ?2 WHERE username = ?1",
            params![username, hash],
        )?;
        if n == 0 {
            return Err(StorageError::NotFound(format!("no user {username:?}")));
        }
        tx.execute(
            "UPDATE tokens SET revoked = 1 WHERE user_id = (SELECT id FROM users WHERE username = ?1)",
            [username],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn insert_token(&self, t: &NewToken) -> Result<()> {
        refresh::insert_token(&self.conn(), t)?;
        Ok(())
    }

    fn revoke_token(&self, token_hash: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE tokens SET revoked = 1 WHERE token_hash = ?1",
            params![token_hash],
        )?;
        Ok(())
    }

    fn revoke_device_tokens(&self, user: UserId, device: DeviceId) -> Result<()> {
        self.conn().execute(
            "UPDATE tokens SET revoked = 1 WHERE user_id = ?1 AND device_id = ?2",
            params![user.to_string(), device.to_string()],
        )?;
        Ok(())
    }

    fn session(
        &self,
        token_hash: &str,
        kind: super::TokenKind,
        now: TimestampMs,
    ) -> Result<Option<Session>> {
        let conn = self.reader()?;
        let cols = USER_COLS
            .split(", ")
            .map(|c| format!("u.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(conn
            .query_row(
                &format!(
                    "SELECT {cols}, t.device_id, t.expires_at_ms FROM tokens t JOIN users u ON u.id = t.user_id
                     WHERE t.token_hash = ?1 AND t.kind = ?3 AND t.revoked = 0 AND t.expires_at_ms > ?2 AND u.disabled = 0
                       AND t.rotated_at_ms IS NULL
                       AND NOT EXISTS (SELECT 1 FROM devices d
                                       WHERE d.device_id = t.device_id AND d.revoked_at_ms IS NOT NULL)
                       AND NOT EXISTS (SELECT 1 FROM token_reuse r WHERE r.family = t.family)"
                ),
                params![token_hash, now, kind.as_str()],
                |r| {
                    let device: Option<String> = r.get(7)?;
                    Ok(Session {
                        user: user_row(r)?,
                        device: device.map(|d| parse_col(7, d)).transpose()?,
                        expires_at_ms: r.get(8)?,
                    })
                },
            )
            .optional()?)
    }

    fn upsert_device(
        &self,
        device: DeviceId,
        user: UserId,
        name: &str,
        now: TimestampMs,
    ) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let owner: Option<String> = tx
            .query_row(
                "SELECT user_id FROM devices WHERE device_id = ?1",
                [device.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        match owner {
            Some(o) if o != user.to_string() => {
                return Err(StorageError::Conflict(format!(
                    "device {device} is registered to another user"
                )));
            }
            Some(_) => {
                tx.execute(
                    "UPDATE devices SET name = ?2 WHERE device_id = ?1",
                    params![device.to_string(), name],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO devices (device_id, user_id, name, registered_at_ms) VALUES (?1, ?2, ?3, ?4)",
                    params![device.to_string(), user.to_string(), name, now],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn register_actors(
        &self,
        device: DeviceId,
        user: UserId,
        actors: &[String],
        now: TimestampMs,
    ) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for actor in actors {
            let bound: Option<(String, String)> = tx
                .query_row(
                    "SELECT device_id, user_id FROM actors WHERE actor = ?1",
                    [actor],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match bound {
                Some((_, u)) if u != user.to_string() => {
                    return Err(StorageError::Conflict(format!(
                        "actor {actor} is bound to another user"
                    )));
                }
                Some((d, _)) if d != device.to_string() => {
                    return Err(StorageError::Conflict(format!(
                        "actor {actor} is bound to another device of this user"
                    )));
                }
                Some(_) => {}
                None => {
                    tx.execute(
                        "INSERT INTO actors (actor, device_id, user_id, registered_at_ms) VALUES (?1, ?2, ?3, ?4)",
                        params![actor, device.to_string(), user.to_string(), now],
                    )?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn actors_of_user(&self, user: UserId) -> Result<Vec<String>> {
        let conn = self.reader()?;
        let mut st = conn.prepare_cached("SELECT actor FROM actors WHERE user_id = ?1")?;
        let rows = st.query_map([user.to_string()], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn actor_names(&self) -> Result<Vec<(String, String)>> {
        let conn = self.reader()?;
        let mut st = conn.prepare(
            "SELECT a.actor, u.display_name FROM actors a JOIN users u ON u.id = a.user_id",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn list_devices(&self) -> Result<Vec<DeviceRow>> {
        let conn = self.reader()?;
        let mut st = conn.prepare(
            "SELECT d.device_id, d.user_id, u.username, d.name, d.registered_at_ms, d.last_sync_ms,
                    (SELECT group_concat(actor, ',') FROM actors a WHERE a.device_id = d.device_id),
                    d.revoked_at_ms
             FROM devices d JOIN users u ON u.id = d.user_id ORDER BY u.username, d.name",
        )?;
        let rows = st.query_map([], |r| {
            let actors: Option<String> = r.get(6)?;
            Ok(DeviceRow {
                device_id: parse_col(0, r.get(0)?)?,
                user_id: parse_col(1, r.get(1)?)?,
                username: r.get(2)?,
                name: r.get(3)?,
                registered_at_ms: r.get(4)?,
                last_sync_ms: r.get(5)?,
                actors: actors
                    .map(|a| a.split(',').map(str::to_owned).collect())
                    .unwrap_or_default(),
                revoked_at_ms: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn set_device_revoked(&self, device: DeviceId, revoked_at: Option<TimestampMs>) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let id = device.to_string();
        let n = tx.execute(
            "UPDATE devices SET revoked_at_ms = ?2 WHERE device_id = ?1",
            params![id, revoked_at],
        )?;
        if n == 0 {
            return Err(StorageError::NotFound(format!("no device {device}")));
        }
        if revoked_at.is_some() {
            tx.execute(
                "UPDATE tokens SET revoked = 1 WHERE device_id = ?1",
                params![id],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn device_revoked_at(&self, device: DeviceId) -> Result<Option<TimestampMs>> {
        Ok(self
            .reader()?
            .query_row(
                "SELECT revoked_at_ms FROM devices WHERE device_id = ?1",
                [device.to_string()],
                |r| r.get::<_, Option<TimestampMs>>(0),
            )
            .optional()?
            .flatten())
    }

    fn token_device_revoked(&self, token_hash: &str) -> Result<bool> {
        Ok(self
            .reader()?
            .query_row(
                "SELECT 1 FROM tokens t JOIN devices d ON d.device_id = t.device_id
                 WHERE t.token_hash = ?1 AND d.revoked_at_ms IS NOT NULL",
                [token_hash],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    fn refresh_view(
        &self,
        token_hash: &str,
        now: TimestampMs,
    ) -> Result<Option<super::RefreshView>> {
        refresh::view(&*self.reader()?, token_hash, now)
    }

    fn rotate_refresh(&self, rotation: &super::RotateRefresh) -> Result<bool> {
        refresh::rotate(&mut self.conn(), rotation)
    }

    fn end_family_for_reuse(
        &self,
        family: &str,
        user: UserId,
        device: Option<DeviceId>,
        now: TimestampMs,
    ) -> Result<bool> {
        refresh::end_family(&mut self.conn(), family, user, device, now)
    }

    fn token_family_reused(&self, token_hash: &str) -> Result<bool> {
        refresh::family_reused(&*self.reader()?, token_hash)
    }

    fn doc_info(&self, doc: fieldsync::DocId) -> Result<Option<super::DocInfo>> {
        docs::doc_info(&*self.reader()?, doc)
    }

    fn doc_bytes(&self, doc: fieldsync::DocId) -> Result<Option<(super::DocInfo, Vec<u8>)>> {
        docs::doc_bytes(&*self.reader()?, doc)
    }

    fn append(&self, rec: &super::AppendRecord) -> Result<super::AppendOutcome> {
        let out = docs::append(&mut self.conn(), rec, None)?
            .ok_or_else(|| StorageError::Backend("unconditional append was refused".into()))?;
        self.announce(rec, &out);
        Ok(out)
    }

    fn append_checked(
        &self,
        rec: &super::AppendRecord,
        base_heads: &[String],
    ) -> Result<Option<super::AppendOutcome>> {
        let out = docs::append(&mut self.conn(), rec, Some(base_heads))?;
        if let Some(o) = &out {
            self.announce(rec, o);
        }
        Ok(out)
    }

    fn append_batch(
        &self,
        items: &[(&super::AppendRecord, &[String])],
    ) -> Result<Vec<Option<super::AppendOutcome>>> {
        let out = docs::append_batch(&mut self.conn(), items)?;
        for ((rec, _), o) in items.iter().zip(&out) {
            if let Some(o) = o {
                self.announce(rec, o);
            }
        }
        Ok(out)
    }

    fn append_all(
        &self,
        items: &[(&super::AppendRecord, &[String])],
    ) -> Result<Vec<super::AppendOutcome>> {
        let out = docs::append_all(&mut self.conn(), items)?;
        for ((rec, _), o) in items.iter().zip(&out) {
            self.announce(rec, o);
        }
        Ok(out)
    }

    fn subscribe_changes(
        &self,
    ) -> Result<tokio::sync::broadcast::Receiver<super::feed::FeedEvent>> {
        Ok(self.feed.subscribe())
    }

    fn job_lease(
        &self,
        job: &str,
        wait: Option<std::time::Duration>,
    ) -> Result<Option<super::JobLease>> {
        Ok(super::local_lease(&self.lease_scope, job, wait))
    }

    fn write_snapshot(&self, doc: fieldsync::DocId, bytes: &[u8], upto_seq: u64) -> Result<()> {
        self.conn().execute(
            "UPDATE docs SET snapshot = ?2, snapshot_seq = ?3 WHERE doc_id = ?1 AND snapshot_seq <= ?3",
            params![doc.to_string(), bytes, upto_seq as i64],
        )?;
        Ok(())
    }

    fn change_log_rows(&self, doc: fieldsync::DocId) -> Result<Vec<(u64, TimestampMs, Vec<u8>)>> {
        log_rows::change_log_rows(&*self.reader()?, doc)
    }

    fn record_rejection(&self, r: &super::RejectionRecord) -> Result<()> {
        self.conn().execute(
            "INSERT INTO rejections (doc_id, user_id, device_id, code, reason, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![r.doc_id.to_string(), r.user.to_string(), r.device.map(|d| d.to_string()), r.code, r.reason, r.at_ms],
        )?;
        Ok(())
    }

    fn all_doc_ids(&self) -> Result<Vec<super::DocInfo>> {
        docs::all_docs(&*self.reader()?)
    }

    fn in_briefcase(&self, user: UserId, role: Role, doc: fieldsync::DocId) -> Result<bool> {
        docs::in_briefcase(&*self.reader()?, user, role, doc)
    }

    fn device_seen_seq(&self, device: DeviceId) -> Result<u64> {
        docs::device_seen_seq(&*self.reader()?, device)
    }

    fn device_holds(&self, device: DeviceId, doc: fieldsync::DocId) -> Result<bool> {
        docs::device_holds(&*self.reader()?, device, doc)
    }

    fn confirm_cursor(&self, device: DeviceId, cursor: u64) -> Result<u64> {
        docs::confirm_cursor(&mut self.conn(), device, cursor)
    }

    fn pull(&self, p: &super::PullParams) -> Result<super::PullPage> {
        docs::pull(&mut self.conn(), p)
    }

    fn commit_sync(
        &self,
        appends: &[(&super::AppendRecord, &[String])],
        cursor: u64,
        pull: &super::PullParams,
    ) -> Result<SyncWrites> {
        // The job may run on another request's thread (the group's leader): it owns its data.
        let owned: Vec<(super::AppendRecord, Vec<String>)> = appends
            .iter()
            .map(|(rec, base)| ((*rec).clone(), base.to_vec()))
            .collect();
        let pull = pull.clone();
        let (appended, page) = self.syncs.run(&self.conn, move |c| {
            let items: Vec<_> = owned.iter().map(|(r, b)| (r, b.as_slice())).collect();
            docs::sync_writes(c, &items, cursor, &pull)
        })?;
        for ((rec, _), o) in appends.iter().zip(&appended) {
            if let Some(o) = o {
                self.announce(rec, o);
            }
        }
        Ok((appended, page))
    }

    fn list_work_orders(&self, f: &super::WorkOrderFilter) -> Result<Vec<super::WorkOrderRow>> {
        projections::list_work_orders(&*self.reader()?, f)
    }

    fn list_device_records(
        &self,
        search: Option<&str>,
        limit: u32,
    ) -> Result<Vec<super::DeviceRecordRow>> {
        projections::list_device_records(&*self.reader()?, search, limit)
    }

    fn device_keys(&self) -> Result<Vec<(String, String, Option<String>)>> {
        let conn = self.reader()?;
        let mut st = conn.prepare("SELECT doc_id, asset_tag, serial FROM device_records")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn list_sites(&self) -> Result<Vec<super::SiteRow>> {
        projections::list_sites(&*self.reader()?)
    }

    fn next_work_order_number(&self, year: i32) -> Result<String> {
        let conn = self.conn();
        let n: i64 = conn.query_row(
            "INSERT INTO wo_numbers (year, last) VALUES (?1, 1)
             ON CONFLICT(year) DO UPDATE SET last = last + 1 RETURNING last",
            [year],
            |r| r.get(0),
        )?;
        Ok(format!("WO-{year}-{n:05}"))
    }

    fn lease_numbers(
        &self,
        device: DeviceId,
        year: i32,
        count: i64,
        now: TimestampMs,
    ) -> Result<fieldsync::model::NumberBlock> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let last: i64 = tx.query_row(
            "INSERT INTO wo_numbers (year, last) VALUES (?1, ?2)
             ON CONFLICT(year) DO UPDATE SET last = last + ?2 RETURNING last",
            params![year, count],
            |r| r.get(0),
        )?;
        let block = fieldsync::model::NumberBlock {
            year,
            first: last - count + 1,
            last,
        };
        tx.execute(
            "INSERT INTO number_blocks (device_id, year, first_no, last_no, leased_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![device.to_string(), year, block.first, block.last, now],
        )?;
        tx.commit()?;
        Ok(block)
    }

    fn number_leased_to(
        &self,
        device: DeviceId,
        number: fieldsync::model::WorkOrderNumber,
    ) -> Result<bool> {
        Ok(self.reader()?.query_row(
            "SELECT EXISTS (SELECT 1 FROM number_blocks WHERE device_id = ?1 AND year = ?2
                 AND first_no <= ?3 AND ?3 <= last_no)",
            params![device.to_string(), number.year, number.seq],
            |r| r.get(0),
        )?)
    }

    fn work_orders_numbered(&self, number: &str) -> Result<Vec<String>> {
        let conn = self.reader()?;
        let mut st = conn.prepare_cached("SELECT doc_id FROM work_orders WHERE number = ?1")?;
        let rows = st.query_map([number], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn put_blob_meta(&self, m: &BlobMeta) -> Result<()> {
        self.conn().execute(
            "INSERT OR IGNORE INTO blobs (sha256, size, uploaded_by, created_at_ms) VALUES (?1, ?2, ?3, ?4)",
            params![m.sha256, m.size as i64, m.uploaded_by.to_string(), m.created_at_ms],
        )?;
        Ok(())
    }

    fn blob_meta(&self, sha256: &str) -> Result<Option<BlobMeta>> {
        let conn = self.reader()?;
        Ok(conn
            .query_row(
                "SELECT sha256, size, uploaded_by, created_at_ms FROM blobs WHERE sha256 = ?1",
                [sha256],
                |r| {
                    Ok(BlobMeta {
                        sha256: r.get(0)?,
                        size: r.get::<_, i64>(1)? as u64,
                        uploaded_by: parse_col(2, r.get(2)?)?,
                        created_at_ms: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    fn blob_visible_to(&self, sha256: &str, user: UserId, role: Role) -> Result<bool> {
        docs::blob_visible_to(&*self.reader()?, sha256, user, role)
    }

    fn scheduling(&self) -> Option<&dyn super::SchedulingStore> {
        Some(self)
    }

    fn problems(&self) -> Option<&dyn super::ProblemStore> {
        Some(self)
    }

    fn summary_notes(&self, customer_id: &str, period: &str) -> Result<Option<SummaryNotes>> {
        let conn = self.reader()?;
        Ok(conn
            .query_row(
                "SELECT customer_id, period, technical_summary, suggestions, plan_evaluation,
                        updated_by, updated_at_ms
                 FROM summary_notes WHERE customer_id = ?1 AND period = ?2",
                params![customer_id, period],
                |r| {
                    Ok(SummaryNotes {
                        customer_id: r.get(0)?,
                        period: r.get(1)?,
                        technical_summary: r.get(2)?,
                        suggestions: r.get(3)?,
                        plan_evaluation: r.get(4)?,
                        updated_by: parse_col(5, r.get(5)?)?,
                        updated_at_ms: r.get(6)?,
                    })
                },
            )
            .optional()?)
    }

    fn put_summary_notes(&self, n: &SummaryNotes) -> Result<()> {
        self.conn().execute(
            "INSERT OR REPLACE INTO summary_notes (customer_id, period, technical_summary,
                 suggestions, plan_evaluation, updated_by, updated_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                n.customer_id,
                n.period,
                n.technical_summary,
                n.suggestions,
                n.plan_evaluation,
                n.updated_by.to_string(),
                n.updated_at_ms
            ],
        )?;
        Ok(())
    }

    fn server_actor(&self) -> Result<String> {
        let conn = self.conn();
        let existing: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'server_actor'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(a) = existing {
            return Ok(a);
        }
        let actor = automerge::ActorId::random().to_hex_string();
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('server_actor', ?1)",
            [&actor],
        )?;
        Ok(conn.query_row(
            "SELECT value FROM meta WHERE key = 'server_actor'",
            [],
            |r| r.get(0),
        )?)
    }
}
