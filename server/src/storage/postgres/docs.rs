//! Documents, the change log, briefcases and the delivery/cursor bookkeeping of pulls on
//! PostgreSQL (docs/sync-protocol.md, "Cursor and deliveries" and "The change log").
//!
//! Two rules make several replicas safe:
//! - an append takes the global `seq` from the one-row `log_head` counter as its *last*
//!   statement, so the row lock orders commits by `seq`: once `seq = n` is visible, every
//!   smaller `seq` is too, and a pull that reads `log_head` never skips a change;
//! - an append may be conditional on the document's stored heads (row locked `FOR UPDATE`),
//!   so a replica whose cached copy is stale stores nothing and re-validates instead.

use super::{col, parse, parse_opt};
use crate::storage::{
    AppendOutcome, AppendRecord, DocInfo, PullItem, PullPage, PullParams, Result, StorageError,
};
use fieldsync::{DeviceId, DocId, DocKind, Role, TimestampMs, UserId};
use postgres::{Client, GenericClient, Row};
use std::collections::{HashMap, HashSet};

/// The documents an engineer (`$1` = user id) may hold.
const ENGINEER_BRIEFCASE: &str = "
WITH mine(doc_id) AS (
    SELECT doc_id FROM wo_assignees WHERE user_id = $1
    UNION SELECT doc_id FROM work_orders WHERE created_by = $1
    UNION SELECT doc_id FROM docs WHERE created_by = $1 AND kind = 'work_order'
),
my_sites(doc_id) AS (
    SELECT site_id FROM work_orders WHERE doc_id IN (SELECT doc_id FROM mine) AND site_id IS NOT NULL
),
bc(doc_id) AS (
    SELECT doc_id FROM mine
    UNION SELECT doc_id FROM my_sites
    UNION SELECT device_doc_id FROM wo_devices WHERE doc_id IN (SELECT doc_id FROM mine)
    UNION SELECT doc_id FROM device_records WHERE site_id IN (SELECT doc_id FROM my_sites)
    UNION SELECT doc_id FROM docs WHERE kind IN ('checklist_template', 'knowledge') OR created_by = $1
)";

fn kind_of(r: &Row, idx: usize) -> Result<DocKind> {
    let s: String = col(r, idx)?;
    DocKind::parse(&s).ok_or_else(|| StorageError::Backend(format!("unknown kind {s:?}")))
}

fn split_heads(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .collect()
}

fn info_row(r: &Row) -> Result<DocInfo> {
    let heads: String = col(r, 3)?;
    Ok(DocInfo {
        doc_id: parse(r, 0)?,
        kind: kind_of(r, 1)?,
        created_by: parse_opt(r, 2)?,
        heads: split_heads(&heads),
    })
}

pub fn doc_info(c: &mut Client, doc: DocId) -> Result<Option<DocInfo>> {
    c.query_opt(
        "SELECT doc_id, kind, created_by, heads FROM docs WHERE doc_id = $1",
        &[&doc.to_string()],
    )?
    .map(|r| info_row(&r))
    .transpose()
}

pub fn all_docs(c: &mut Client) -> Result<Vec<DocInfo>> {
    c.query(
        "SELECT doc_id, kind, created_by, heads FROM docs ORDER BY kind, doc_id",
        &[],
    )?
    .iter()
    .map(info_row)
    .collect()
}

/// Snapshot followed by every later chunk: loadable with `Automerge::load`. One statement,
/// so the snapshot and the chunks after it come from one consistent view.
fn whole_bytes(c: &mut impl GenericClient, doc: &str) -> Result<Vec<u8>> {
    let rows = c.query(
        "SELECT 0 AS part, 0::bigint AS seq, snapshot FROM docs WHERE doc_id = $1 AND snapshot IS NOT NULL
         UNION ALL
         SELECT 1, c.seq, c.bytes FROM change_log c JOIN docs d ON d.doc_id = c.doc_id
         WHERE c.doc_id = $1 AND c.seq > d.snapshot_seq
         ORDER BY part, seq",
        &[&doc],
    )?;
    let mut out = Vec::new();
    for r in &rows {
        let b: Vec<u8> = col(r, 2)?;
        out.extend_from_slice(&b);
    }
    Ok(out)
}

/// A document's change-log rows `(seq, received_at_ms, bytes)` in `seq` order.
pub fn change_log_rows(c: &mut Client, doc: DocId) -> Result<Vec<(u64, TimestampMs, Vec<u8>)>> {
    c.query(
        "SELECT seq, received_at_ms, bytes FROM change_log WHERE doc_id = $1 ORDER BY seq",
        &[&doc.to_string()],
    )?
    .iter()
    .map(|r| {
        let seq: i64 = col(r, 0)?;
        Ok((seq as u64, col(r, 1)?, col(r, 2)?))
    })
    .collect()
}

pub fn doc_bytes(c: &mut Client, doc: DocId) -> Result<Option<(DocInfo, Vec<u8>)>> {
    let mut tx = c
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    let Some(row) = tx.query_opt(
        "SELECT doc_id, kind, created_by, heads FROM docs WHERE doc_id = $1",
        &[&doc.to_string()],
    )?
    else {
        return Ok(None);
    };
    let info = info_row(&row)?;
    let bytes = whole_bytes(&mut tx, &doc.to_string())?;
    tx.commit()?;
    Ok(Some((info, bytes)))
}

/// Do two head lists name the same set of changes?
fn same_heads(a: &[String], b: &[String]) -> bool {
    let a: HashSet<&str> = a.iter().map(String::as_str).collect();
    let b: HashSet<&str> = b.iter().map(String::as_str).collect();
    a == b
}

/// Append one change set. With `base = Some(heads)` the append happens only if the stored
/// heads are still `heads` (empty: the document must not exist yet); `Ok(None)` otherwise.
pub fn append(
    c: &mut Client,
    rec: &AppendRecord,
    base: Option<&[String]>,
) -> Result<Option<AppendOutcome>> {
    let mut tx = c.transaction()?;
    if !check_and_write(&mut tx, rec, base)? {
        return Ok(None);
    }
    let out = log(&mut tx, rec)?;
    tx.commit()?;
    Ok(Some(out))
}

/// Several appends in one transaction (one commit): each is checked against its own base
/// heads, and a stale one is skipped (`None`) without touching the others. Documents are
/// locked in id order and every `seq` is taken after every lock, so two replicas' batches
/// cannot deadlock on each other or on `log_head`.
pub fn append_batch(
    c: &mut Client,
    items: &[(&AppendRecord, &[String])],
) -> Result<Vec<Option<AppendOutcome>>> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| items[i].0.doc_id.to_string());
    let mut tx = c.transaction()?;
    let mut fresh = vec![false; items.len()];
    for &i in &order {
        let (rec, base) = items[i];
        fresh[i] = check_and_write(&mut tx, rec, Some(base))?;
    }
    let mut out: Vec<Option<AppendOutcome>> = (0..items.len()).map(|_| None).collect();
    for &i in &order {
        if fresh[i] {
            out[i] = Some(log(&mut tx, items[i].0)?);
        }
    }
    tx.commit()?;
    Ok(out)
}

/// [`append_batch`], all or nothing: a stale record rolls the whole transaction back.
pub fn append_all(
    c: &mut Client,
    items: &[(&AppendRecord, &[String])],
) -> Result<Vec<AppendOutcome>> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| items[i].0.doc_id.to_string());
    let mut tx = c.transaction()?;
    for &i in &order {
        let (rec, base) = items[i];
        if !check_and_write(&mut tx, rec, Some(base))? {
            // Dropping `tx` rolls back what the batch wrote so far.
            return Err(StorageError::Conflict(format!(
                "document {} changed while the batch was prepared; nothing was stored",
                rec.doc_id
            )));
        }
    }
    let mut out: Vec<Option<AppendOutcome>> = (0..items.len()).map(|_| None).collect();
    for &i in &order {
        out[i] = Some(log(&mut tx, items[i].0)?);
    }
    tx.commit()?;
    Ok(out.into_iter().flatten().collect())
}

/// Lock the document row and check its heads against `base`; if they match, create the row
/// if new and write the projection. `false`: stale, nothing written.
fn check_and_write(
    tx: &mut postgres::Transaction<'_>,
    rec: &AppendRecord,
    base: Option<&[String]>,
) -> Result<bool> {
    let id = rec.doc_id.to_string();
    let heads = rec.heads.join(",");
    let existing = tx.query_opt(
        "SELECT kind, heads FROM docs WHERE doc_id = $1 FOR UPDATE",
        &[&id],
    )?;
    match existing {
        Some(row) => {
            let kind: String = col(&row, 0)?;
            if kind != rec.kind.as_str() {
                return Err(StorageError::Invalid(format!(
                    "document {id} is a {kind}, not a {}",
                    rec.kind
                )));
            }
            let stored: String = col(&row, 1)?;
            if base.is_some_and(|b| !same_heads(b, &split_heads(&stored))) {
                return Ok(false);
            }
        }
        None => {
            if base.is_some_and(|b| !b.is_empty()) {
                return Ok(false);
            }
            let n = tx.execute(
                "INSERT INTO docs (doc_id, kind, created_by, created_at_ms, heads, last_seq, updated_at_ms)
                 VALUES ($1, $2, $3, $4, $5, 0, $4) ON CONFLICT (doc_id) DO NOTHING",
                &[&id, &rec.kind.as_str(), &rec.user.map(|u| u.to_string()), &rec.received_at_ms, &heads],
            )?;
            if n == 0 {
                // Another replica created it between our read and our insert.
                return Ok(false);
            }
        }
    }
    if rec.created
        && let Some(dev) = rec.origin_device
    {
        tx.execute(
            "INSERT INTO device_docs (device_id, doc_id, state, delivery_no) VALUES ($1, $2, 'held', 0)
             ON CONFLICT (device_id, doc_id) DO UPDATE SET state = 'held', delivery_no = 0",
            &[&dev.to_string(), &id],
        )?;
    }
    super::projections::write(tx, &id, &rec.projection, rec.received_at_ms)?;
    Ok(true)
}

/// Take the next `seq` and write the change-log row. Called after [`check_and_write`]: the
/// `log_head` row lock is held until commit, so appends commit in seq order and a reader
/// never sees seq n without every smaller seq.
fn log(tx: &mut postgres::Transaction<'_>, rec: &AppendRecord) -> Result<AppendOutcome> {
    let id = rec.doc_id.to_string();
    let heads = rec.heads.join(",");
    let seq: i64 = col(
        &tx.query_one("UPDATE log_head SET seq = seq + 1 RETURNING seq", &[])?,
        0,
    )?;
    tx.execute(
        "INSERT INTO change_log (seq, doc_id, origin_device, user_id, bytes, change_count, received_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &seq,
            &id,
            &rec.origin_device.map(|d| d.to_string()),
            &rec.user.map(|u| u.to_string()),
            &rec.bytes,
            &i64::from(rec.change_count),
            &rec.received_at_ms,
        ],
    )?;
    let row = tx.query_one(
        "UPDATE docs SET heads = $2, last_seq = $3, updated_at_ms = $4 WHERE doc_id = $1
         RETURNING (SELECT COUNT(*) FROM change_log c WHERE c.doc_id = $1 AND c.seq > docs.snapshot_seq)",
        &[&id, &heads, &seq, &rec.received_at_ms],
    )?;
    let chunks_since_snapshot: i64 = col(&row, 0)?;
    announce(tx, &id, rec, seq)?;
    Ok(AppendOutcome {
        seq: seq as u64,
        chunks_since_snapshot: chunks_since_snapshot.max(0) as u64,
    })
}

/// Tell every replica's listener about this append; PostgreSQL delivers the notification at
/// commit, and only if the transaction commits.
fn announce(tx: &mut impl GenericClient, id: &str, rec: &AppendRecord, seq: i64) -> Result<()> {
    let payload = serde_json::to_string(&crate::storage::feed::DocChange {
        doc_id: id.to_owned(),
        kind: rec.kind.as_str().to_owned(),
        seq: seq as u64,
    })
    .map_err(|e| StorageError::Backend(format!("change notification: {e}")))?;
    tx.execute(
        "SELECT pg_notify($1, $2)",
        &[&crate::storage::feed::CHANNEL, &payload],
    )?;
    Ok(())
}

pub fn device_seen_seq(c: &mut Client, device: DeviceId) -> Result<u64> {
    let row = c.query_opt(
        "SELECT seen_seq FROM devices WHERE device_id = $1",
        &[&device.to_string()],
    )?;
    let seen: i64 = match row {
        Some(r) => col(&r, 0)?,
        None => 0,
    };
    Ok(seen.max(0) as u64)
}

pub fn device_holds(c: &mut Client, device: DeviceId, doc: DocId) -> Result<bool> {
    col(
        &c.query_one(
            "SELECT EXISTS (SELECT 1 FROM device_docs WHERE device_id = $1 AND doc_id = $2)",
            &[&device.to_string(), &doc.to_string()],
        )?,
        0,
    )
}

pub fn in_briefcase(c: &mut Client, user: UserId, role: Role, doc: DocId) -> Result<bool> {
    if role != Role::Engineer {
        return Ok(true);
    }
    let sql = format!("{ENGINEER_BRIEFCASE} SELECT EXISTS (SELECT 1 FROM bc WHERE doc_id = $2)");
    col(
        &c.query_one(&sql, &[&user.to_string(), &doc.to_string()])?,
        0,
    )
}

fn briefcase(
    c: &mut impl GenericClient,
    user: UserId,
    role: Role,
) -> Result<Vec<(String, DocKind)>> {
    // Sites and devices first, so a work order arrives after what it refers to.
    let order = "ORDER BY CASE d.kind WHEN 'site' THEN 0 WHEN 'checklist_template' THEN 1
                 WHEN 'device' THEN 2 WHEN 'knowledge' THEN 3 ELSE 4 END, d.doc_id";
    let rows = if role == Role::Engineer {
        let sql = format!(
            "{ENGINEER_BRIEFCASE} SELECT d.doc_id, d.kind FROM docs d JOIN bc ON bc.doc_id = d.doc_id {order}"
        );
        c.query(&sql, &[&user.to_string()])?
    } else {
        c.query(&format!("SELECT d.doc_id, d.kind FROM docs d {order}"), &[])?
    };
    rows.iter()
        .map(|r| Ok((col(r, 0)?, kind_of(r, 1)?)))
        .collect()
}

/// Serialise the sync bookkeeping of one device (a retried request may race its original on
/// another replica). Registered devices have a row; an unknown one needs no lock.
fn lock_device(c: &mut impl GenericClient, dev: &str) -> Result<()> {
    c.execute(
        "SELECT 1 FROM devices WHERE device_id = $1 FOR UPDATE",
        &[&dev],
    )?;
    Ok(())
}

/// Apply what cursor `cursor` proves (the device stored that answer) and return the log
/// position the pull continues from. An unknown cursor counts as 0: the device holds nothing.
pub fn confirm_cursor(c: &mut Client, device: DeviceId, cursor: u64) -> Result<u64> {
    let mut tx = c.transaction()?;
    let dev = device.to_string();
    lock_device(&mut tx, &dev)?;
    let cur = i64::try_from(cursor).unwrap_or(i64::MAX);
    let from: Option<i64> = if cursor == 0 {
        None
    } else {
        tx.query_opt(
            "SELECT log_seq FROM deliveries WHERE device_id = $1 AND delivery_no = $2",
            &[&dev, &cur],
        )?
        .map(|r| col(&r, 0))
        .transpose()?
    };
    match from {
        Some(_) => {
            tx.execute(
                "UPDATE device_docs SET state = 'held' WHERE device_id = $1 AND state = 'pending' AND delivery_no <= $2",
                &[&dev, &cur],
            )?;
            // Whole sends of lost answers: the device does not hold them.
            tx.execute(
                "DELETE FROM device_docs WHERE device_id = $1 AND state = 'pending' AND delivery_no > $2",
                &[&dev, &cur],
            )?;
            // Removals the device has confirmed.
            tx.execute(
                "DELETE FROM device_docs WHERE device_id = $1 AND state = 'removing' AND delivery_no <= $2",
                &[&dev, &cur],
            )?;
            tx.execute(
                "DELETE FROM deliveries WHERE device_id = $1 AND delivery_no < $2",
                &[&dev, &cur],
            )?;
        }
        None => {
            tx.execute("DELETE FROM device_docs WHERE device_id = $1", &[&dev])?;
        }
    }
    tx.commit()?;
    Ok(from.unwrap_or(0).max(0) as u64)
}

pub fn pull(c: &mut Client, p: &PullParams) -> Result<PullPage> {
    let mut tx = c.transaction()?;
    let dev = p.device.to_string();
    lock_device(&mut tx, &dev)?;
    let n: i64 = col(
        &tx.query_one(
            "SELECT COALESCE(MAX(delivery_no), 0) + 1 FROM deliveries WHERE device_id = $1",
            &[&dev],
        )?,
        0,
    )?;
    // Every seq <= top has committed (appends commit in seq order): read it before anything
    // else, so whole documents read later hold at least everything up to it.
    let top: i64 = col(&tx.query_one("SELECT seq FROM log_head", &[])?, 0)?;
    let bc = briefcase(&mut tx, p.user, p.role)?;
    let held: HashMap<String, String> = tx
        .query(
            "SELECT doc_id, state FROM device_docs WHERE device_id = $1",
            &[&dev],
        )?
        .iter()
        .map(|r| Ok((col(r, 0)?, col(r, 1)?)))
        .collect::<Result<_>>()?;
    let in_bc: HashSet<&str> = bc.iter().map(|(id, _)| id.as_str()).collect();

    // Removals: announced (again) until a stored answer confirms them.
    let mut removed = Vec::new();
    for (doc, state) in &held {
        if in_bc.contains(doc.as_str()) {
            if state == "removing" {
                tx.execute(
                    "UPDATE device_docs SET state = 'held' WHERE device_id = $1 AND doc_id = $2",
                    &[&dev, doc],
                )?;
            }
            continue;
        }
        tx.execute(
            "UPDATE device_docs SET state = 'removing', delivery_no = $3 WHERE device_id = $1 AND doc_id = $2",
            &[&dev, doc, &n],
        )?;
        removed.push(doc.parse::<DocId>().map_err(|e| {
            StorageError::Backend(format!("bad document id {doc:?} in device_docs: {e}"))
        })?);
    }
    removed.sort_by_key(|d| d.to_string());

    let mut docs: Vec<PullItem> = Vec::new();
    let mut size: u64 = 0;
    let mut more = false;
    for (doc, kind) in bc.iter().filter(|(d, _)| !held.contains_key(d)) {
        let bytes = whole_bytes(&mut tx, doc)?;
        if !docs.is_empty() && size + bytes.len() as u64 > p.max_bytes {
            more = true;
            break;
        }
        size += bytes.len() as u64;
        tx.execute(
            "INSERT INTO device_docs (device_id, doc_id, state, delivery_no) VALUES ($1, $2, 'pending', $3)
             ON CONFLICT (device_id, doc_id) DO UPDATE SET state = 'pending', delivery_no = $3",
            &[&dev, doc, &n],
        )?;
        docs.push(PullItem {
            doc_id: doc.parse().map_err(|e| {
                StorageError::Backend(format!("bad document id {doc:?} in docs: {e}"))
            })?,
            kind: *kind,
            whole: true,
            bytes,
        });
    }

    let mut upto = p.from_seq as i64;
    if !more {
        let (from, cut) = pull_chunks(&mut tx, &dev, p, top, &mut docs, &mut size)?;
        upto = if cut { from } else { top };
        more = cut;
    }
    tx.execute(
        "INSERT INTO deliveries (device_id, delivery_no, log_seq, created_at_ms) VALUES ($1, $2, $3, $4)",
        &[&dev, &n, &upto, &p.now],
    )?;
    // Whole documents hold everything up to `top` even when the page stops short of it.
    let seen = if docs.iter().any(|d| d.whole) {
        upto.max(top)
    } else {
        upto
    };
    tx.execute(
        "UPDATE devices SET last_sync_ms = $2, seen_seq = GREATEST(seen_seq, $3) WHERE device_id = $1",
        &[&dev, &p.now, &seen],
    )?;
    tx.commit()?;
    Ok(PullPage {
        cursor: n as u64,
        more,
        docs,
        removed,
    })
}

/// Chunks in `(from_seq, top]` of documents the device holds, not its own, until the page is
/// full. Returns the last seq included and whether the page was cut.
fn pull_chunks(
    tx: &mut impl GenericClient,
    dev: &str,
    p: &PullParams,
    top: i64,
    docs: &mut Vec<PullItem>,
    size: &mut u64,
) -> Result<(i64, bool)> {
    let mut upto = p.from_seq as i64;
    let mut index: HashMap<String, usize> = HashMap::new();
    let rows = tx.query(
        "SELECT c.seq, c.doc_id, d.kind, c.bytes FROM change_log c
         JOIN device_docs h ON h.doc_id = c.doc_id AND h.device_id = $1 AND h.state = 'held'
         JOIN docs d ON d.doc_id = c.doc_id
         WHERE c.seq > $2 AND c.seq <= $3 AND (c.origin_device IS NULL OR c.origin_device <> $1)
         ORDER BY c.seq",
        &[&dev, &(p.from_seq as i64), &top],
    )?;
    for r in &rows {
        let seq: i64 = col(r, 0)?;
        let doc: String = col(r, 1)?;
        let bytes: Vec<u8> = col(r, 3)?;
        if !docs.is_empty() && *size + bytes.len() as u64 > p.max_bytes {
            return Ok((upto, true));
        }
        *size += bytes.len() as u64;
        upto = seq;
        match index.get(&doc) {
            Some(&i) => docs[i].bytes.extend_from_slice(&bytes),
            None => {
                index.insert(doc.clone(), docs.len());
                docs.push(PullItem {
                    doc_id: parse(r, 1)?,
                    kind: kind_of(r, 2)?,
                    whole: false,
                    bytes,
                });
            }
        }
    }
    Ok((upto, false))
}

pub fn blob_visible_to(c: &mut Client, sha256: &str, user: UserId, role: Role) -> Result<bool> {
    if role != Role::Engineer {
        return Ok(true);
    }
    let sql = format!(
        "{ENGINEER_BRIEFCASE} SELECT EXISTS (SELECT 1 FROM blobs WHERE sha256 = $2 AND uploaded_by = $1)
         OR EXISTS (SELECT 1 FROM wo_blobs WHERE sha256 = $2 AND doc_id IN (SELECT doc_id FROM bc))"
    );
    col(&c.query_one(&sql, &[&user.to_string(), &sha256])?, 0)
}
