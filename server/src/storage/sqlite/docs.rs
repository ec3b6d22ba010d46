//! Documents, the change log, briefcases and the delivery/cursor bookkeeping of pulls
//! (docs/sync-protocol.md, "Cursor and deliveries").

use super::parse_col;
use super::projections::exec;
use crate::storage::{
    AppendOutcome, AppendRecord, DocInfo, PullItem, PullPage, PullParams, Result, StorageError,
};
use fieldsync::{DeviceId, DocId, DocKind, Role, UserId};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::collections::{HashMap, HashSet};

/// The documents an engineer (`?1` = user id) may hold.
const ENGINEER_BRIEFCASE: &str = "
WITH mine(doc_id) AS (
    SELECT doc_id FROM wo_assignees WHERE user_id = ?1
    UNION SELECT doc_id FROM work_orders WHERE created_by = ?1
    UNION SELECT doc_id FROM docs WHERE created_by = ?1 AND kind = 'work_order'
),
my_sites(doc_id) AS (
    SELECT site_id FROM work_orders WHERE doc_id IN mine AND site_id IS NOT NULL
),
bc(doc_id) AS (
    SELECT doc_id FROM mine
    UNION SELECT doc_id FROM my_sites
    UNION SELECT device_doc_id FROM wo_devices WHERE doc_id IN mine
    UNION SELECT doc_id FROM device_records WHERE site_id IN my_sites
    UNION SELECT doc_id FROM docs WHERE kind IN ('checklist_template', 'knowledge')
    UNION SELECT doc_id FROM docs WHERE created_by = ?1
)";

fn kind_col(idx: usize, s: String) -> rusqlite::Result<DocKind> {
    DocKind::parse(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unknown kind {s:?}").into(),
        )
    })
}

fn info_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DocInfo> {
    let created_by: Option<String> = r.get(2)?;
    let heads: String = r.get(3)?;
    Ok(DocInfo {
        doc_id: parse_col(0, r.get(0)?)?,
        kind: kind_col(1, r.get(1)?)?,
        created_by: created_by.map(|c| parse_col(2, c)).transpose()?,
        heads: split_heads(&heads),
    })
}

fn split_heads(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn doc_info(conn: &Connection, doc: DocId) -> Result<Option<DocInfo>> {
    Ok(conn
        .prepare_cached("SELECT doc_id, kind, created_by, heads FROM docs WHERE doc_id = ?1")?
        .query_row([doc.to_string()], info_row)
        .optional()?)
}

pub fn all_docs(conn: &Connection) -> Result<Vec<DocInfo>> {
    let mut st =
        conn.prepare("SELECT doc_id, kind, created_by, heads FROM docs ORDER BY kind, doc_id")?;
    let rows = st.query_map([], info_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Snapshot followed by every later chunk: loadable with `Automerge::load`.
fn whole_bytes(conn: &Connection, doc: &str) -> Result<Vec<u8>> {
    let (snapshot, snapshot_seq): (Option<Vec<u8>>, i64) = conn
        .prepare_cached("SELECT snapshot, snapshot_seq FROM docs WHERE doc_id = ?1")?
        .query_row([doc], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut out = snapshot.unwrap_or_default();
    let mut st = conn.prepare_cached(
        "SELECT bytes FROM change_log WHERE doc_id = ?1 AND seq > ?2 ORDER BY seq",
    )?;
    let mut rows = st.query(params![doc, snapshot_seq])?;
    while let Some(r) = rows.next()? {
        let b: Vec<u8> = r.get(0)?;
        out.extend_from_slice(&b);
    }
    Ok(out)
}

pub fn doc_bytes(conn: &Connection, doc: DocId) -> Result<Option<(DocInfo, Vec<u8>)>> {
    // One read transaction: the heads and the bytes are of the same committed state.
    let tx = conn.unchecked_transaction()?;
    let Some(info) = doc_info(&tx, doc)? else {
        return Ok(None);
    };
    let bytes = whole_bytes(&tx, &doc.to_string())?;
    tx.finish()?;
    Ok(Some((info, bytes)))
}

/// Append one change set. With `base = Some(heads)` the append happens only if the stored
/// heads are still `heads` (empty: the document must not exist yet); `Ok(None)` otherwise.
pub fn append(
    conn: &mut Connection,
    rec: &AppendRecord,
    base: Option<&[String]>,
) -> Result<Option<AppendOutcome>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = append_in(&tx, rec, base)?;
    if out.is_some() {
        tx.commit()?;
    }
    Ok(out)
}

/// Several appends in one transaction (one fsync): each is checked against its own base
/// heads, and a stale one is skipped (`None`) without touching the others.
pub fn append_batch(
    conn: &mut Connection,
    items: &[(&AppendRecord, &[String])],
) -> Result<Vec<Option<AppendOutcome>>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = append_batch_in(&tx, items)?;
    tx.commit()?;
    Ok(out)
}

/// [`append_batch`], all or nothing: a stale record rolls the whole transaction back.
pub fn append_all(
    conn: &mut Connection,
    items: &[(&AppendRecord, &[String])],
) -> Result<Vec<AppendOutcome>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = append_batch_in(&tx, items)?;
    let out = all_stored(items, out)?;
    tx.commit()?;
    Ok(out)
}

/// Every outcome, or the conflict naming the first record that was stale.
fn all_stored(
    items: &[(&AppendRecord, &[String])],
    outcomes: Vec<Option<AppendOutcome>>,
) -> Result<Vec<AppendOutcome>> {
    outcomes
        .into_iter()
        .zip(items)
        .map(|(o, (rec, _))| {
            o.ok_or_else(|| {
                StorageError::Conflict(format!(
                    "document {} changed while the batch was prepared; nothing was stored",
                    rec.doc_id
                ))
            })
        })
        .collect()
}

fn append_batch_in(
    tx: &Connection,
    items: &[(&AppendRecord, &[String])],
) -> Result<Vec<Option<AppendOutcome>>> {
    items
        .iter()
        .map(|(rec, base)| append_in(tx, rec, Some(base)))
        .collect()
}

/// A sync request's writes inside an open transaction (or savepoint): confirm the cursor,
/// append, build the answer page. Confirm runs first: an unknown cursor forgets what the
/// device held, which must not include the documents it creates in this request.
pub fn sync_writes(
    tx: &Connection,
    appends: &[(&AppendRecord, &[String])],
    cursor: u64,
    pull: &PullParams,
) -> Result<(Vec<Option<AppendOutcome>>, PullPage)> {
    let from_seq = confirm_cursor_in(tx, pull.device, cursor)?;
    let appended = append_batch_in(tx, appends)?;
    let page = pull_in(
        tx,
        &PullParams {
            from_seq,
            ..pull.clone()
        },
    )?;
    Ok((appended, page))
}

/// One append inside `tx`; `Ok(None)` (nothing written) when the stored heads are not `base`.
fn append_in(
    tx: &Connection,
    rec: &AppendRecord,
    base: Option<&[String]>,
) -> Result<Option<AppendOutcome>> {
    let id = rec.doc_id.to_string();
    let heads = rec.heads.join(",");
    let existing: Option<(String, String)> = tx
        .prepare_cached("SELECT kind, heads FROM docs WHERE doc_id = ?1")?
        .query_row([&id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let stale = |stored: &[String]| {
        base.is_some_and(|b| {
            let b: HashSet<&String> = b.iter().collect();
            b != stored.iter().collect::<HashSet<_>>()
        })
    };
    match existing {
        Some((k, _)) if k != rec.kind.as_str() => {
            return Err(StorageError::Invalid(format!(
                "document {id} is a {k}, not a {}",
                rec.kind
            )));
        }
        Some((_, stored)) => {
            if stale(&split_heads(&stored)) {
                return Ok(None);
            }
        }
        None if stale(&[]) => return Ok(None),
        None => {
            tx.prepare_cached(
                "INSERT INTO docs (doc_id, kind, created_by, created_at_ms, heads, last_seq, updated_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, ?4)",
            )?
            .execute(
                params![id, rec.kind.as_str(), rec.user.map(|u| u.to_string()), rec.received_at_ms, heads],
            )?;
        }
    }
    tx.prepare_cached(
        "INSERT INTO change_log (doc_id, origin_device, user_id, bytes, change_count, received_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(
        params![
            id,
            rec.origin_device.map(|d| d.to_string()),
            rec.user.map(|u| u.to_string()),
            rec.bytes,
            rec.change_count,
            rec.received_at_ms
        ],
    )?;
    let seq = tx.last_insert_rowid();
    tx.prepare_cached(
        "UPDATE docs SET heads = ?2, last_seq = ?3, updated_at_ms = ?4 WHERE doc_id = ?1",
    )?
    .execute(params![id, heads, seq, rec.received_at_ms])?;
    if rec.created
        && let Some(dev) = rec.origin_device
    {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO device_docs (device_id, doc_id, state, delivery_no) VALUES (?1, ?2, 'held', 0)",
        )?
        .execute(
            params![dev.to_string(), id],
        )?;
    }
    let links_changed = super::projections::write(tx, &id, &rec.projection, rec.received_at_ms)?;
    if rec.created || links_changed {
        set_membership_mark(tx, seq)?;
    }
    let chunks_since_snapshot: i64 = tx
        .prepare_cached(
            "SELECT COUNT(*) FROM change_log c JOIN docs d ON d.doc_id = c.doc_id
             WHERE c.doc_id = ?1 AND c.seq > d.snapshot_seq",
        )?
        .query_row([&id], |r| r.get(0))?;
    Ok(Some(AppendOutcome {
        seq: seq as u64,
        chunks_since_snapshot: chunks_since_snapshot as u64,
    }))
}

pub fn in_briefcase(conn: &Connection, user: UserId, role: Role, doc: DocId) -> Result<bool> {
    if role != Role::Engineer {
        return Ok(true);
    }
    let sql = format!("{ENGINEER_BRIEFCASE} SELECT EXISTS (SELECT 1 FROM bc WHERE doc_id = ?2)");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![user.to_string(), doc.to_string()], |r| r.get(0))?)
}

/// The change-log position of the latest append that may have changed whose briefcase
/// anything is in (a new document, or a work order's or device's links): 0 if none yet.
fn membership_mark(tx: &Connection) -> Result<i64> {
    let mark: Option<i64> = tx
        .prepare_cached("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'membership_mark'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(mark.unwrap_or(0))
}

fn set_membership_mark(tx: &Connection, seq: i64) -> Result<()> {
    exec(
        tx,
        "INSERT INTO meta (key, value) VALUES ('membership_mark', ?1)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [seq.to_string()],
    )?;
    Ok(())
}

/// Forget that `device` was found to hold exactly its briefcase: its next answer page
/// compares the two again.
fn forget_briefcase_match(tx: &Connection, dev: &str) -> Result<()> {
    exec(
        tx,
        "UPDATE devices SET briefcase_mark = NULL WHERE device_id = ?1",
        [dev],
    )?;
    Ok(())
}

fn briefcase(tx: &Connection, user: UserId, role: Role) -> Result<Vec<(String, DocKind)>> {
    let map = |r: &rusqlite::Row<'_>| Ok((r.get::<_, String>(0)?, kind_col(1, r.get(1)?)?));
    // Sites and devices first, so a work order arrives after what it refers to.
    let order = "ORDER BY CASE d.kind WHEN 'site' THEN 0 WHEN 'checklist_template' THEN 1
                 WHEN 'device' THEN 2 WHEN 'knowledge' THEN 3 ELSE 4 END, d.doc_id";
    let rows = if role == Role::Engineer {
        let sql = format!(
            "{ENGINEER_BRIEFCASE} SELECT d.doc_id, d.kind FROM docs d JOIN bc ON bc.doc_id = d.doc_id {order}"
        );
        let mut st = tx.prepare_cached(&sql)?;
        st.query_map([user.to_string()], map)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    } else {
        let mut st = tx.prepare_cached(&format!("SELECT d.doc_id, d.kind FROM docs d {order}"))?;
        st.query_map([], map)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    };
    Ok(rows)
}

pub fn device_seen_seq(conn: &Connection, device: DeviceId) -> Result<u64> {
    let seen: Option<i64> = conn
        .prepare_cached("SELECT seen_seq FROM devices WHERE device_id = ?1")?
        .query_row([device.to_string()], |r| r.get(0))
        .optional()?;
    Ok(seen.unwrap_or(0).max(0) as u64)
}

pub fn device_holds(conn: &Connection, device: DeviceId, doc: DocId) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM device_docs WHERE device_id = ?1 AND doc_id = ?2)",
        )?
        .query_row(params![device.to_string(), doc.to_string()], |r| r.get(0))?)
}

/// Apply what cursor `cursor` proves (the device stored that answer) and return the log
/// position the pull continues from. An unknown cursor counts as 0: the device holds nothing.
pub fn confirm_cursor(conn: &mut Connection, device: DeviceId, cursor: u64) -> Result<u64> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let from = confirm_cursor_in(&tx, device, cursor)?;
    tx.commit()?;
    Ok(from)
}

// What confirming cursor `?2` of device `?1` settles. Each names `state <> 'held'` so that
// SQLite seeks in the small `device_docs_unsettled` index instead of reading every document
// the device holds (four times a request).
/// Sent whole in a stored answer: held now.
pub(super) const CONFIRM_SENT: &str = "UPDATE device_docs SET state = 'held'
     WHERE device_id = ?1 AND state = 'pending' AND state <> 'held' AND delivery_no <= ?2";
/// Sent whole in a lost answer: not on the device.
pub(super) const FORGET_LOST: &str = "DELETE FROM device_docs
     WHERE device_id = ?1 AND state = 'pending' AND state <> 'held' AND delivery_no > ?2";
/// Removal announced in a stored answer: done.
pub(super) const CONFIRM_REMOVED: &str = "DELETE FROM device_docs
     WHERE device_id = ?1 AND state = 'removing' AND state <> 'held' AND delivery_no <= ?2";
/// Is a removal still unconfirmed?
pub(super) const STILL_REMOVING: &str = "SELECT EXISTS (SELECT 1 FROM device_docs
     WHERE device_id = ?1 AND state = 'removing' AND state <> 'held')";

fn confirm_cursor_in(tx: &Connection, device: DeviceId, cursor: u64) -> Result<u64> {
    let dev = device.to_string();
    let from: Option<i64> = if cursor == 0 {
        None
    } else {
        tx.prepare_cached(
            "SELECT log_seq FROM deliveries WHERE device_id = ?1 AND delivery_no = ?2",
        )?
        .query_row(params![dev, cursor as i64], |r| r.get(0))
        .optional()?
    };
    match from {
        Some(_) => {
            let c = cursor as i64;
            exec(tx, CONFIRM_SENT, params![dev, c])?;
            // Whole sends of lost answers: the device does not hold them.
            let lost = exec(tx, FORGET_LOST, params![dev, c])?;
            // Removals the device has confirmed.
            exec(tx, CONFIRM_REMOVED, params![dev, c])?;
            // Documents to send again or removals to announce again: the answer page must
            // compare the briefcase with what the device holds.
            let unconfirmed_removals: bool = tx
                .prepare_cached(STILL_REMOVING)?
                .query_row([&dev], |r| r.get(0))?;
            if lost > 0 || unconfirmed_removals {
                forget_briefcase_match(tx, &dev)?;
            }
            exec(
                tx,
                "DELETE FROM deliveries WHERE device_id = ?1 AND delivery_no < ?2",
                params![dev, c],
            )?;
        }
        None => {
            exec(tx, "DELETE FROM device_docs WHERE device_id = ?1", [&dev])?;
            forget_briefcase_match(tx, &dev)?;
        }
    }
    Ok(from.unwrap_or(0).max(0) as u64)
}

pub fn pull(conn: &mut Connection, p: &PullParams) -> Result<PullPage> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let page = pull_in(&tx, p)?;
    tx.commit()?;
    Ok(page)
}

/// What comparing a device's briefcase with what it holds put on the answer page.
#[derive(Default)]
struct Reconciled {
    /// Documents sent whole (in the briefcase, not held).
    docs: Vec<PullItem>,
    size: u64,
    /// The whole sends did not all fit on the page.
    more: bool,
    /// Documents the device must drop (held, no longer in the briefcase).
    removed: Vec<DocId>,
}

/// How what a device holds differs from its briefcase.
struct Difference<'a> {
    /// In the briefcase, not on the device: sent whole (briefcase order: sites first).
    missing: Vec<&'a (String, DocKind)>,
    /// On the device (or being removed), no longer in the briefcase: announced removed.
    extra: Vec<&'a String>,
    /// Being removed, but back in the briefcase: held again.
    returned: Vec<&'a String>,
}

impl Difference<'_> {
    #[cfg(debug_assertions)]
    fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.returned.is_empty()
    }
}

fn difference<'a>(
    bc: &'a [(String, DocKind)],
    held: &'a HashMap<String, String>,
) -> Difference<'a> {
    let in_bc: HashSet<&str> = bc.iter().map(|(id, _)| id.as_str()).collect();
    let (kept, extra): (Vec<_>, Vec<_>) = held
        .iter()
        .partition(|(doc, _)| in_bc.contains(doc.as_str()));
    Difference {
        missing: bc.iter().filter(|(d, _)| !held.contains_key(d)).collect(),
        extra: extra.into_iter().map(|(doc, _)| doc).collect(),
        returned: kept
            .into_iter()
            .filter(|(_, state)| *state == "removing")
            .map(|(doc, _)| doc)
            .collect(),
    }
}

/// Compare `p.user`'s briefcase with what the device holds: announce removals (again, until
/// confirmed) and send the missing documents whole, as many as fit the page.
fn reconcile_briefcase(tx: &Connection, p: &PullParams, dev: &str, n: i64) -> Result<Reconciled> {
    let bc = briefcase(tx, p.user, p.role)?;
    let held = held_by(tx, dev)?;
    let diff = difference(&bc, &held);
    let mut out = Reconciled::default();
    for doc in diff.returned {
        exec(
            tx,
            "UPDATE device_docs SET state = 'held' WHERE device_id = ?1 AND doc_id = ?2",
            params![dev, doc],
        )?;
    }
    for doc in diff.extra {
        exec(
            tx,
            "UPDATE device_docs SET state = 'removing', delivery_no = ?3 WHERE device_id = ?1 AND doc_id = ?2",
            params![dev, doc, n],
        )?;
        out.removed.push(parse_col::<DocId>(0, doc.clone())?);
    }
    for (doc, kind) in diff.missing {
        let bytes = whole_bytes(tx, doc)?;
        if !out.docs.is_empty() && out.size + bytes.len() as u64 > p.max_bytes {
            out.more = true;
            break;
        }
        out.size += bytes.len() as u64;
        exec(
            tx,
            "INSERT OR REPLACE INTO device_docs (device_id, doc_id, state, delivery_no) VALUES (?1, ?2, 'pending', ?3)",
            params![dev, doc, n],
        )?;
        out.docs.push(PullItem {
            doc_id: parse_col(0, doc.clone())?,
            kind: *kind,
            whole: true,
            bytes,
        });
    }
    Ok(out)
}

/// What the server counts as on the device, by document: `held`, `pending` (sent, not yet
/// confirmed) or `removing`.
fn held_by(tx: &Connection, dev: &str) -> Result<HashMap<String, String>> {
    let mut st = tx.prepare_cached("SELECT doc_id, state FROM device_docs WHERE device_id = ?1")?;
    Ok(st
        .query_map([dev], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

fn pull_in(tx: &Connection, p: &PullParams) -> Result<PullPage> {
    let dev = p.device.to_string();
    let n: i64 = tx
        .prepare_cached(
            "SELECT COALESCE(MAX(delivery_no), 0) + 1 FROM deliveries WHERE device_id = ?1",
        )?
        .query_row([&dev], |r| r.get(0))?;
    let top: i64 = tx
        .prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM change_log")?
        .query_row([], |r| r.get(0))?;
    let mark = membership_mark(tx)?;
    let matched: Option<i64> = tx
        .prepare_cached("SELECT briefcase_mark FROM devices WHERE device_id = ?1")?
        .query_row([&dev], |r| r.get(0))
        .optional()?
        .flatten();
    let page = if matched == Some(mark) {
        // Nothing changed whose briefcase anything is in since the device was found to hold
        // exactly its own, and it confirmed every answer since: only changes to send.
        // Debug builds (every test) check the shortcut against the full comparison.
        #[cfg(debug_assertions)]
        {
            let (bc, held) = (briefcase(tx, p.user, p.role)?, held_by(tx, &dev)?);
            let diff = difference(&bc, &held);
            debug_assert!(
                diff.is_empty(),
                "device {dev} was taken to hold its briefcase: missing {:?}, extra {:?}, returned {:?}",
                diff.missing,
                diff.extra,
                diff.returned
            );
        }
        Reconciled::default()
    } else {
        let r = reconcile_briefcase(tx, p, &dev, n)?;
        if !r.more {
            exec(
                tx,
                "UPDATE devices SET briefcase_mark = ?2 WHERE device_id = ?1",
                params![dev, mark],
            )?;
        }
        r
    };
    let Reconciled {
        mut docs,
        mut size,
        mut more,
        removed,
    } = page;
    let mut upto = p.from_seq as i64;
    if !more {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut cut = false;
        super::page_rows::for_each_row(tx, &dev, p.from_seq as i64, top, |row| {
            if !docs.is_empty() && size + row.bytes.len() as u64 > p.max_bytes {
                cut = true;
                return Ok(false);
            }
            size += row.bytes.len() as u64;
            upto = row.seq;
            match index.get(&row.doc_id) {
                Some(&i) => docs[i].bytes.extend_from_slice(&row.bytes),
                None => {
                    index.insert(row.doc_id.clone(), docs.len());
                    docs.push(PullItem {
                        doc_id: parse_col(1, row.doc_id)?,
                        kind: kind_col(2, row.kind)?,
                        whole: false,
                        bytes: row.bytes,
                    });
                }
            }
            Ok(true)
        })?;
        if cut {
            more = true;
        } else {
            upto = top;
        }
    }
    exec(
        tx,
        "INSERT INTO deliveries (device_id, delivery_no, log_seq, created_at_ms) VALUES (?1, ?2, ?3, ?4)",
        params![dev, n, upto, p.now],
    )?;
    // Whole documents hold everything up to `top` even when the page stops short of it.
    let seen = if docs.iter().any(|d| d.whole) {
        upto.max(top)
    } else {
        upto
    };
    exec(
        tx,
        "UPDATE devices SET last_sync_ms = ?2, seen_seq = MAX(seen_seq, ?3) WHERE device_id = ?1",
        params![dev, p.now, seen],
    )?;
    Ok(PullPage {
        cursor: n as u64,
        more,
        docs,
        removed,
    })
}

pub fn blob_visible_to(conn: &Connection, sha256: &str, user: UserId, role: Role) -> Result<bool> {
    if role != Role::Engineer {
        return Ok(true);
    }
    let sql = format!(
        "{ENGINEER_BRIEFCASE} SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = ?2 AND uploaded_by = ?1)
         OR EXISTS (SELECT 1 FROM wo_blobs WHERE sha256 = ?2 AND doc_id IN (SELECT doc_id FROM bc))"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![user.to_string(), sha256], |r| r.get(0))?)
}
