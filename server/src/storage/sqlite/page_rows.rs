//! The change-log rows of an answer page: those after the device's log position, of documents
//! it holds, not pushed by itself, in log order. Two ways to find them, chosen per page by
//! which walks fewer rows: along the log since the position (a device that synced a moment
//! ago), or along what the device holds (one that missed the rest of the office's work: an
//! engineer behind by a round of 200 devices holds ~100 documents but ~2,000 rows were
//! appended since, and the log walk probed every one of them).

use crate::storage::Result;
use rusqlite::{Connection, Row, params};

/// One row of the page: log position, document id, its kind (text) and the chunk's bytes.
pub(super) struct LogRow {
    pub seq: i64,
    pub doc_id: String,
    pub kind: String,
    pub bytes: Vec<u8>,
}

/// Walk the log from the position: cost grows with the rows appended since.
pub(super) const ALONG_LOG: &str = "SELECT c.seq, c.doc_id, d.kind, c.bytes FROM change_log c
     JOIN device_docs h ON h.doc_id = c.doc_id AND h.device_id = ?1 AND h.state = 'held'
     JOIN docs d ON d.doc_id = c.doc_id
     WHERE c.seq > ?2 AND c.seq <= ?3 AND (c.origin_device IS NULL OR c.origin_device != ?1)
     ORDER BY c.seq";

/// Walk what the device holds, skip documents unchanged since the position (`docs.last_seq`),
/// read the log of the rest by its `(doc_id, seq)` index: cost grows with the documents held.
/// `CROSS JOIN` keeps SQLite from reordering the walk.
pub(super) const ALONG_HELD: &str = "SELECT c.seq, c.doc_id, d.kind, c.bytes FROM device_docs h
     CROSS JOIN docs d ON d.doc_id = h.doc_id
     CROSS JOIN change_log c ON c.doc_id = h.doc_id
     WHERE h.device_id = ?1 AND h.state = 'held' AND d.last_seq > ?2
       AND c.seq > ?2 AND c.seq <= ?3 AND (c.origin_device IS NULL OR c.origin_device != ?1)
     ORDER BY c.seq";

/// Which walk costs less: the rows appended after `from` (at most `top - from`) against the
/// documents the device holds, counted only up to that many.
pub(super) fn walk_held(tx: &Connection, dev: &str, from: i64, top: i64) -> Result<bool> {
    let appended = top - from;
    if appended <= 0 {
        return Ok(false);
    }
    let held: i64 = tx
        .prepare_cached(
            "SELECT COUNT(*) FROM (SELECT 1 FROM device_docs WHERE device_id = ?1 LIMIT ?2)",
        )?
        .query_row(params![dev, appended], |r| r.get(0))?;
    Ok(held < appended)
}

fn log_row(r: &Row<'_>) -> rusqlite::Result<LogRow> {
    Ok(LogRow {
        seq: r.get(0)?,
        doc_id: r.get(1)?,
        kind: r.get(2)?,
        bytes: r.get(3)?,
    })
}

/// Feed the page's rows with `from < seq <= top`, in `seq` order, to `take` until it answers
/// `false` (the page is full).
pub(super) fn for_each_row(
    tx: &Connection,
    dev: &str,
    from: i64,
    top: i64,
    mut take: impl FnMut(LogRow) -> Result<bool>,
) -> Result<()> {
    let sql = if walk_held(tx, dev, from, top)? {
        ALONG_HELD
    } else {
        ALONG_LOG
    };
    // Debug builds (every test) check that both walks find the same rows.
    #[cfg(debug_assertions)]
    {
        let seqs = |sql: &str| -> Result<Vec<i64>> {
            let mut st = tx.prepare_cached(sql)?;
            let rows = st.query_map(params![dev, from, top], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let (log, held) = (seqs(ALONG_LOG)?, seqs(ALONG_HELD)?);
        debug_assert_eq!(log, held, "the page's two walks disagree for device {dev}");
    }
    let mut st = tx.prepare_cached(sql)?;
    let mut rows = st.query(params![dev, from, top])?;
    while let Some(r) = rows.next()? {
        if !take(log_row(r)?)? {
            break;
        }
    }
    Ok(())
}
