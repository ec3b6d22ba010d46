//! Reads of the change log for a document's history (when each chunk was received).

use crate::storage::Result;
use fieldsync::{DocId, TimestampMs};
use rusqlite::Connection;

/// A document's change-log rows `(seq, received_at_ms, bytes)` in `seq` order (served by the
/// `change_log_doc (doc_id, seq)` index).
pub fn change_log_rows(conn: &Connection, doc: DocId) -> Result<Vec<(u64, TimestampMs, Vec<u8>)>> {
    let mut st = conn.prepare_cached(
        "SELECT seq, received_at_ms, bytes FROM change_log WHERE doc_id = ?1 ORDER BY seq",
    )?;
    let rows = st.query_map([doc.to_string()], |r| {
        Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
