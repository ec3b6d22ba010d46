//! The app's local document store (SQLite): documents, what was last shared with the server,
//! quarantine of rejected states, the blob queue, and index tables for fast lists and
//! full-text search.
//!
//! Every edit is one Automerge commit and one SQLite transaction with `synchronous=FULL`:
//! when [`LocalStore::edit`] returns, the edit survives a crash or power loss.

mod index;
mod numbers;
mod schema;
mod search;

pub(crate) use index::unindex;
pub use index::{DeviceRow, KnowledgeRow, WorkOrderRow};
pub use search::{fold, query_words};

use crate::ids::{DeviceId, DocId, DocKind, Role, TimestampMs};
use crate::model::{self, ModelError};
use automerge::{ActorId, AutoCommit, ChangeHash};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("local database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Model(Box<ModelError>),
    #[error("document {0} is not in the local store")]
    NotFound(DocId),
    #[error("stored document {doc} is unreadable: {detail}")]
    Corrupt { doc: String, detail: String },
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
}

impl From<ModelError> for StoreError {
    fn from(e: ModelError) -> Self {
        StoreError::Model(Box::new(e))
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Who is signed in on this store (one store per user profile).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

/// A rejected local state kept for the user; never deleted, only dismissed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuarantineEntry {
    pub id: i64,
    pub doc_id: DocId,
    pub kind: DocKind,
    pub code: String,
    pub reason: String,
    pub created_at_ms: TimestampMs,
    pub bytes: Vec<u8>,
}

/// Per-document sync badge shown in lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncBadge {
    Synced,
    Pending,
    Rejected,
}

/// Loaded documents kept in memory; the rest stays on disk (a loaded document costs memory).
const CACHE_DOCS: usize = 64;

pub struct LocalStore {
    pub(crate) conn: Connection,
    actor: ActorId,
    blob_dir: Option<PathBuf>,
    cache: HashMap<DocId, AutoCommit>,
}

impl std::fmt::Debug for LocalStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalStore")
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

pub(crate) fn heads_to_blob(heads: &[ChangeHash]) -> Vec<u8> {
    let mut sorted = heads.to_vec();
    sorted.sort();
    sorted.iter().flat_map(|h| h.0).collect()
}

pub(crate) fn heads_from_blob(blob: &[u8]) -> Vec<ChangeHash> {
    blob.chunks_exact(32)
        .map(|c| ChangeHash(c.try_into().expect("chunks_exact yields 32 bytes")))
        .collect()
}

/// Keep each cached statement's query plan across re-binds.
///
/// The bundled SQLite is built with `SQLITE_ENABLE_STAT4`, which marks a statement that
/// compares an indexed column to a bound parameter "re-prepare when that binding changes";
/// every use of a cached statement binds afresh, so without this each cached
/// `WHERE doc_id = ?` was compiled again on every call — 21 % of the server's group-commit
/// CPU in callgrind. fieldsync never runs `ANALYZE`, so there are no stat4 samples a fresh
/// plan could use: the stable plan costs nothing and keeps the cache a cache.
pub fn keep_prepared_plans(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

impl LocalStore {
    /// Open (or create) the store in `dir` (`store.sqlite3` plus a `blobs/` folder).
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir.join("blobs"))?;
        let conn = Connection::open(dir.join("store.sqlite3"))?;
        Self::init(conn, Some(dir.join("blobs")))
    }

    /// A throw-away store (tests, simulated devices).
    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?, None)
    }

    fn init(conn: Connection, blob_dir: Option<PathBuf>) -> Result<Self> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Room for every statement a sync writes per document (see `exec_cached`).
        conn.set_prepared_statement_cache_capacity(64);
        keep_prepared_plans(&conn)?;
        search::register_functions(&conn)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.unchecked_transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        let actor_hex: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'actor'", [], |r| {
                r.get(0)
            })
            .optional()?;
        let actor = match actor_hex.and_then(|h| hex::decode(h).ok()) {
            Some(bytes) => ActorId::from(bytes),
            None => {
                // One actor per store: two live replicas must never share one.
                let actor = ActorId::random();
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('actor', ?1), ('device_id', ?2)",
                    params![actor.to_hex_string(), DeviceId::new().to_string()],
                )?;
                actor
            }
        };
        Ok(LocalStore {
            conn,
            actor,
            blob_dir,
            cache: HashMap::new(),
        })
    }

    /// The Automerge actor this store writes with.
    pub fn actor(&self) -> &ActorId {
        &self.actor
    }

    pub fn device_id(&self) -> Result<DeviceId> {
        let s = self.meta("device_id")?.unwrap_or_default();
        s.parse().map_err(|_| StoreError::Corrupt {
            doc: "meta".into(),
            detail: format!("device_id {s:?}"),
        })
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: Option<&str>) -> Result<()> {
        match value {
            Some(v) => self.conn.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, v],
            )?,
            None => self.conn.execute("DELETE FROM meta WHERE key = ?1", [key])?,
        };
        Ok(())
    }

    pub fn identity(&self) -> Result<Option<Identity>> {
        let (Some(user_id), Some(role)) = (self.meta("user_id")?, self.meta("role")?) else {
            return Ok(None);
        };
        Ok(Role::parse(&role).map(|role| Identity {
            user_id,
            username: self.meta("username").ok().flatten().unwrap_or_default(),
            display_name: self.meta("display_name").ok().flatten().unwrap_or_default(),
            role,
        }))
    }

    pub fn set_identity(&self, id: &Identity) -> Result<()> {
        self.set_meta("user_id", Some(&id.user_id))?;
        self.set_meta("username", Some(&id.username))?;
        self.set_meta("display_name", Some(&id.display_name))?;
        self.set_meta("role", Some(id.role.as_str()))
    }

    /// The sync cursor from the last answer applied.
    pub fn cursor(&self) -> Result<u64> {
        Ok(self
            .meta("cursor")?
            .and_then(|c| c.parse().ok())
            .unwrap_or(0))
    }

    /// Load a document (from the cache or disk), writing as this store's actor.
    fn load(&mut self, id: DocId) -> Result<&mut AutoCommit> {
        if !self.cache.contains_key(&id) {
            let bytes: Vec<u8> = query_cached(
                &self.conn,
                "SELECT bytes FROM docs WHERE doc_id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NotFound(id))?;
            let doc = AutoCommit::load(&bytes)
                .map_err(|e| StoreError::Corrupt {
                    doc: id.to_string(),
                    detail: e.to_string(),
                })?
                .with_actor(self.actor.clone());
            if self.cache.len() >= CACHE_DOCS {
                let evict = *self.cache.keys().next().expect("cache is not empty");
                self.cache.remove(&evict);
            }
            self.cache.insert(id, doc);
        }
        Ok(self.cache.get_mut(&id).expect("inserted above"))
    }

    /// A read-only copy of a document.
    pub fn doc(&mut self, id: DocId) -> Result<AutoCommit> {
        Ok(self.load(id)?.clone())
    }

    pub fn contains(&self, id: DocId) -> Result<bool> {
        Ok(query_cached(
            &self.conn,
            "SELECT 1 FROM docs WHERE doc_id = ?1",
            [id.to_string()],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
    }

    pub fn kind_of(&self, id: DocId) -> Result<Option<DocKind>> {
        let k: Option<String> = query_cached(
            &self.conn,
            "SELECT kind FROM docs WHERE doc_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
        Ok(k.as_deref().and_then(DocKind::parse))
    }

    /// Create a document; `build` makes its first commit(s). Durable on return.
    pub fn create(
        &mut self,
        kind: DocKind,
        now: TimestampMs,
        build: impl FnOnce(&mut AutoCommit, DocId) -> Result<(), ModelError>,
    ) -> Result<DocId> {
        let (id, mut doc) = self.build_new(kind, build)?;
        let tx = self.conn.unchecked_transaction()?;
        write_doc(&tx, id, kind, &mut doc, &[], now)?;
        tx.commit()?;
        self.cache.insert(id, doc);
        Ok(id)
    }

    /// A new document of `kind` made by `build` under this device's actor, its header checked.
    fn build_new(
        &self,
        kind: DocKind,
        build: impl FnOnce(&mut AutoCommit, DocId) -> Result<(), ModelError>,
    ) -> Result<(DocId, AutoCommit)> {
        let id = DocId::new();
        let mut doc = AutoCommit::new().with_actor(self.actor.clone());
        build(&mut doc, id)?;
        let (hid, hkind, _) = model::header(&doc)?;
        if hid != id || hkind != kind {
            return Err(ModelError::Invalid(
                "document header does not match its id and kind".into(),
            )
            .into());
        }
        Ok((id, doc))
    }

    /// Apply one user action to a document. The change and the index update are committed in
    /// one transaction before this returns; on error nothing is kept.
    pub fn edit<T>(
        &mut self,
        id: DocId,
        now: TimestampMs,
        action: impl FnOnce(&mut AutoCommit) -> Result<T, ModelError>,
    ) -> Result<T> {
        let kind = self.kind_of(id)?.ok_or(StoreError::NotFound(id))?;
        let synced = self.synced_heads(id)?;
        let doc = self.load(id)?;
        let before = doc.get_heads();
        let result = action(doc);
        let outcome = match result {
            Ok(v) => {
                let doc = self.cache.get_mut(&id).expect("loaded above");
                if doc.get_heads() == before {
                    return Ok(v);
                }
                let tx = self.conn.unchecked_transaction()?;
                write_doc(&tx, id, kind, doc, &synced, now)?;
                tx.commit()?;
                Ok(v)
            }
            Err(e) => Err(e.into()),
        };
        if outcome.is_err() {
            // Drop whatever the failed action left in memory; disk has the truth.
            self.cache.remove(&id);
        }
        outcome
    }

    /// The heads last shared with the server (sorted; empty if never shared).
    pub(crate) fn synced_heads(&self, id: DocId) -> Result<Vec<ChangeHash>> {
        self.heads_column(id, "synced_heads")
    }

    /// A heads column of a document's row, decoded.
    fn heads_column(&self, id: DocId, column: &'static str) -> Result<Vec<ChangeHash>> {
        let sql = format!("SELECT {column} FROM docs WHERE doc_id = ?1");
        let blob: Option<Vec<u8>> =
            query_cached(&self.conn, &sql, [id.to_string()], |r| r.get(0)).optional()?;
        Ok(blob.map(|b| heads_from_blob(&b)).unwrap_or_default())
    }

    /// The saved bytes of a document, as stored (no Automerge work).
    pub(crate) fn stored_bytes(&self, id: DocId) -> Result<Vec<u8>> {
        query_cached(
            &self.conn,
            "SELECT bytes FROM docs WHERE doc_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(StoreError::NotFound(id))
    }

    /// A document's current heads as stored (sorted).
    pub(crate) fn heads(&self, id: DocId) -> Result<Vec<ChangeHash>> {
        self.heads_column(id, "heads")
    }

    pub(crate) fn is_dirty(&self, id: DocId) -> Result<bool> {
        Ok(query_cached(
            &self.conn,
            "SELECT dirty FROM docs WHERE doc_id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false))
    }

    pub(crate) fn forget_cached(&mut self, id: DocId) {
        self.cache.remove(&id);
    }

    /// Keep a document loaded, within the cache's bound (a first sync of thousands of
    /// documents must not keep them all in memory).
    pub(crate) fn cache_doc(&mut self, id: DocId, doc: AutoCommit) {
        if self.cache.len() >= CACHE_DOCS && !self.cache.contains_key(&id) {
            return;
        }
        self.cache.insert(id, doc);
    }

    pub fn work_order(&mut self, id: DocId) -> Result<model::WorkOrder> {
        Ok(model::WorkOrder::from_doc(self.load(id)?)?)
    }

    pub fn device(&mut self, id: DocId) -> Result<model::DeviceRecord> {
        Ok(model::DeviceRecord::from_doc(self.load(id)?)?)
    }

    pub fn site(&mut self, id: DocId) -> Result<model::Site> {
        Ok(model::Site::from_doc(self.load(id)?)?)
    }

    pub fn article(&mut self, id: DocId) -> Result<model::KnowledgeArticle> {
        Ok(model::KnowledgeArticle::from_doc(self.load(id)?)?)
    }

    /// The checklist templates held here, by name: what a plan's form offers.
    pub fn templates(&mut self) -> Result<Vec<(DocId, String)>> {
        let ids: Vec<String> = {
            let mut st = self
                .conn
                .prepare_cached("SELECT doc_id FROM docs WHERE kind = ?1")?;
            st.query_map([DocKind::ChecklistTemplate.as_str()], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut out = Vec::new();
        for id in ids.iter().filter_map(|i| i.parse::<DocId>().ok()) {
            // One this version cannot read is left out of the choice, not an error.
            if let Ok(t) = self.template(id) {
                out.push((id, t.name));
            }
        }
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }

    pub fn template(&mut self, id: DocId) -> Result<model::ChecklistTemplate> {
        Ok(model::ChecklistTemplate::from_doc(self.load(id)?)?)
    }

    /// Number of documents with changes the server has not acknowledged.
    pub fn pending_count(&self) -> Result<usize> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM docs WHERE dirty = 1", [], |r| {
                r.get::<_, i64>(0)
            })? as usize)
    }

    /// The documents with changes the server has not acknowledged, oldest edit first: what
    /// the Sync page names as waiting.
    pub fn pending_docs(&self) -> Result<Vec<(DocId, DocKind, TimestampMs)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT doc_id, kind, updated_at_ms FROM docs WHERE dirty = 1 ORDER BY updated_at_ms",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, TimestampMs>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, at) = row?;
            // A row this version cannot read is skipped here; it still counts as pending.
            if let (Ok(id), Some(kind)) = (id.parse::<DocId>(), DocKind::parse(&kind)) {
                out.push((id, kind, at));
            }
        }
        Ok(out)
    }

    pub fn badge(&self, id: DocId) -> Result<SyncBadge> {
        let rejected: bool = self
            .conn
            .query_row(
                "SELECT 1 FROM rejections WHERE doc_id = ?1",
                [id.to_string()],
                |_| Ok(true),
            )
            .optional()?
            .unwrap_or(false);
        if rejected {
            return Ok(SyncBadge::Rejected);
        }
        let dirty: bool = self
            .conn
            .query_row(
                "SELECT dirty FROM docs WHERE doc_id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(false);
        Ok(if dirty {
            SyncBadge::Pending
        } else {
            SyncBadge::Synced
        })
    }

    /// The last rejection of a document (code, reason), until it syncs cleanly again.
    pub fn rejection(&self, id: DocId) -> Result<Option<(String, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT code, reason FROM rejections WHERE doc_id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn quarantine(&self) -> Result<Vec<QuarantineEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, doc_id, kind, code, reason, created_at_ms, bytes FROM quarantine WHERE dismissed = 0 ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, doc, kind, code, reason, created_at_ms, bytes) = row?;
            let (Ok(doc_id), Some(kind)) = (doc.parse(), DocKind::parse(&kind)) else {
                continue;
            };
            out.push(QuarantineEntry {
                id,
                doc_id,
                kind,
                code,
                reason,
                created_at_ms,
                bytes,
            });
        }
        Ok(out)
    }

    /// Hide a quarantine entry from the list (it stays in the database).
    pub fn dismiss_quarantine(&self, id: i64) -> Result<()> {
        self.conn
            .execute("UPDATE quarantine SET dismissed = 1 WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Copy a file's bytes into the blob store (content-addressed) and queue it for upload.
    pub fn add_blob(&self, bytes: &[u8], media_type: &str, now: TimestampMs) -> Result<String> {
        self.put_blob(bytes, media_type, now, false)
    }

    /// Keep a blob fetched from the server (another device's photo), so it shows offline
    /// next time. It is already on the server: it is not queued for upload.
    pub fn keep_fetched_blob(
        &self,
        bytes: &[u8],
        media_type: &str,
        now: TimestampMs,
    ) -> Result<String> {
        self.put_blob(bytes, media_type, now, true)
    }

    fn put_blob(
        &self,
        bytes: &[u8],
        media_type: &str,
        now: TimestampMs,
        uploaded: bool,
    ) -> Result<String> {
        use sha2::Digest;
        let sha = hex::encode(sha2::Sha256::digest(bytes));
        if let Some(dir) = &self.blob_dir {
            let path = dir.join(&sha);
            if !path.exists() {
                let tmp = dir.join(format!("{sha}.part"));
                {
                    use std::io::Write;
                    let mut f = std::fs::File::create(&tmp)?;
                    f.write_all(bytes)?;
                    f.sync_all()?;
                }
                std::fs::rename(&tmp, &path)?;
            }
        }
        self.conn.execute(
            "INSERT OR IGNORE INTO blobs (sha256, size, media_type, uploaded, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![sha, bytes.len() as i64, media_type, uploaded, now],
        )?;
        Ok(sha)
    }

    pub fn blob_path(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
        let path = self.blob_dir.as_ref()?.join(sha256);
        (valid && path.exists()).then_some(path)
    }

    /// Blobs not yet uploaded: (sha256, media type).
    pub fn pending_blobs(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT sha256, media_type FROM blobs WHERE uploaded = 0 ORDER BY created_at_ms",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn mark_blob_uploaded(&self, sha256: &str) -> Result<()> {
        self.conn
            .execute("UPDATE blobs SET uploaded = 1 WHERE sha256 = ?1", [sha256])?;
        Ok(())
    }
}

/// Run a statement through the connection's statement cache: a first sync writes thousands
/// of documents with the same few statements, and parsing each one again per document was a
/// large part of applying a briefcase.
pub(crate) fn exec_cached(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// [`exec_cached`] for a query of one row.
pub(crate) fn query_cached<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, f)
}

/// Write a document's bytes, heads and index rows (inside the caller's transaction).
pub(crate) fn write_doc(
    tx: &rusqlite::Transaction<'_>,
    id: DocId,
    kind: DocKind,
    doc: &mut AutoCommit,
    synced: &[ChangeHash],
    now: TimestampMs,
) -> Result<()> {
    let bytes = doc.save();
    write_doc_bytes(tx, id, kind, doc, synced, now, bytes)
}

/// Like [`write_doc`], storing `bytes` (which must load to `doc`, e.g. a document received
/// whole) instead of saving the document again.
pub(crate) fn write_doc_bytes(
    tx: &rusqlite::Transaction<'_>,
    id: DocId,
    kind: DocKind,
    doc: &mut AutoCommit,
    synced: &[ChangeHash],
    now: TimestampMs,
    bytes: Vec<u8>,
) -> Result<()> {
    let mut heads = doc.get_heads();
    heads.sort();
    let mut synced_sorted = synced.to_vec();
    synced_sorted.sort();
    let dirty = heads != synced_sorted;
    exec_cached(
                tx,
        "INSERT INTO docs (doc_id, kind, bytes, heads, synced_heads, dirty, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(doc_id) DO UPDATE SET bytes = excluded.bytes, heads = excluded.heads,
           synced_heads = excluded.synced_heads, dirty = excluded.dirty, updated_at_ms = excluded.updated_at_ms",
        params![id.to_string(), kind.as_str(), bytes, heads_to_blob(&heads), heads_to_blob(&synced_sorted), dirty, now],
    )?;
    index::reindex(tx, id, kind, doc)?;
    Ok(())
}

#[cfg(test)]
mod search_tests;
#[cfg(test)]
mod tests;
