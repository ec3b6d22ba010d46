//! Relational projections of the documents (dispatch board, device lists, event history):
//! written in the append transaction, read by the JSON endpoints.

use crate::storage::{
    DeviceRecordRow, Projection, Result, SiteRow, WorkOrderFilter, WorkOrderProj, WorkOrderRow,
};
use fieldsync::TimestampMs;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeSet;

/// Write the rows derived from a merged document. Answers whether the write may have changed
/// whose briefcase the document (or what it links) is in: its assignees, creator, site or
/// devices for a work order, its site for a device record. The answer pages of every device
/// are recomputed in full only after such a change (see `docs::pull_in`).
pub fn write(tx: &Connection, id: &str, p: &Projection, now: TimestampMs) -> Result<bool> {
    match p {
        Projection::WorkOrder(w) => {
            let membership_changed = work_order_links_differ(tx, id, w)?;
            exec(
                tx,
                "INSERT OR REPLACE INTO work_orders (doc_id, number, title, kind, status, conflict, priority,
                    category, customer_id, site_id, scheduled_start_ms, scheduled_end_ms, response_due_ms,
                    resolution_due_ms, first_on_site_ms, completed_at_ms, created_by, created_at_ms, updated_at_ms,
                    caller_name, caller_phone, search)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                    ?20, ?21, ?22)",
                params![
                    id, w.number, w.title, w.kind, w.status, w.conflict, w.priority, w.category,
                    w.customer_id, w.site_id, w.scheduled_start_ms, w.scheduled_end_ms,
                    w.response_due_ms, w.resolution_due_ms, w.first_on_site_ms, w.completed_at_ms,
                    w.created_by, w.created_at_ms, now, w.caller_name, w.caller_phone, w.search
                ],
            )?;
            // The link rows are rewritten only when they changed: most merges are a
            // checklist tick, which changes none of them.
            if membership_changed {
                exec(tx, "DELETE FROM wo_assignees WHERE doc_id = ?1", [id])?;
                for a in &w.assignees {
                    exec(
                        tx,
                        "INSERT OR IGNORE INTO wo_assignees (doc_id, user_id) VALUES (?1, ?2)",
                        params![id, a],
                    )?;
                }
                exec(tx, "DELETE FROM wo_devices WHERE doc_id = ?1", [id])?;
                for d in &w.device_ids {
                    exec(
                        tx,
                        "INSERT OR IGNORE INTO wo_devices (doc_id, device_doc_id) VALUES (?1, ?2)",
                        params![id, d],
                    )?;
                }
            }
            exec(tx, "DELETE FROM wo_blobs WHERE doc_id = ?1", [id])?;
            for b in &w.blobs {
                exec(
                    tx,
                    "INSERT OR IGNORE INTO wo_blobs (doc_id, sha256) VALUES (?1, ?2)",
                    params![id, b],
                )?;
            }
            let mut st = tx.prepare_cached(
                "INSERT OR IGNORE INTO wo_events (doc_id, event_id, kind, at_ms, by_user, note, received_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for e in &w.events {
                st.execute(params![id, e.id, e.kind, e.at_ms, e.by, e.note, now])?;
            }
            Ok(membership_changed)
        }
        Projection::Device(d) => {
            let stored_site: Option<Option<String>> = tx
                .prepare_cached("SELECT site_id FROM device_records WHERE doc_id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            exec(
                tx,
                "INSERT OR REPLACE INTO device_records (doc_id, asset_tag, device_type, vendor, model, serial, ip,
                    site_id, customer_id, location, status, search, updated_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    id, d.asset_tag, d.device_type, d.vendor, d.model, d.serial, d.ip, d.site_id,
                    d.customer_id, d.location, d.status, fieldsync::store::fold(&d.search), now
                ],
            )?;
            Ok(stored_site.is_none_or(|site| site != d.site_id))
        }
        Projection::Site(s) => {
            exec(
                tx,
                "INSERT OR REPLACE INTO sites (doc_id, name, customer_id, customer_name, address, updated_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, s.name, s.customer_id, s.customer_name, s.address, now],
            )?;
            // Whose briefcase a site is in follows from the work orders and devices at it.
            Ok(false)
        }
        Projection::None => Ok(false),
    }
}

/// Do the stored links of work order `id` (assignees, devices, site, creator) differ from
/// the new projection's? A work order not yet projected differs.
fn work_order_links_differ(tx: &Connection, id: &str, w: &WorkOrderProj) -> Result<bool> {
    let stored: Option<(Option<String>, String)> = tx
        .prepare_cached("SELECT site_id, created_by FROM work_orders WHERE doc_id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((site, creator)) = stored else {
        return Ok(true);
    };
    if site != w.site_id || creator != w.created_by {
        return Ok(true);
    }
    let column = |sql: &str| -> Result<BTreeSet<String>> {
        let mut st = tx.prepare_cached(sql)?;
        let rows = st.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let assignees = column("SELECT user_id FROM wo_assignees WHERE doc_id = ?1")?;
    if assignees != w.assignees.iter().cloned().collect() {
        return Ok(true);
    }
    let devices = column("SELECT device_doc_id FROM wo_devices WHERE doc_id = ?1")?;
    Ok(devices != w.device_ids.iter().cloned().collect())
}

/// `execute` through the connection's statement cache: the projection statements run for
/// every stored document, and parsing them anew each time showed in profiles.
pub(crate) fn exec(tx: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<usize> {
    Ok(tx.prepare_cached(sql)?.execute(p)?)
}

fn split(s: Option<String>) -> Vec<String> {
    s.map(|v| v.split(',').map(str::to_owned).collect())
        .unwrap_or_default()
}

pub fn list_work_orders(conn: &Connection, f: &WorkOrderFilter) -> Result<Vec<WorkOrderRow>> {
    let mut st = conn.prepare_cached(
        "SELECT w.doc_id, w.number, w.title, w.kind, w.status, w.conflict, w.priority, w.category,
                w.customer_id, w.site_id,
                (SELECT group_concat(user_id, ',') FROM wo_assignees a WHERE a.doc_id = w.doc_id),
                (SELECT group_concat(device_doc_id, ',') FROM wo_devices v WHERE v.doc_id = w.doc_id),
                w.scheduled_start_ms, w.scheduled_end_ms, w.response_due_ms, w.resolution_due_ms,
                w.created_by, w.created_at_ms, w.updated_at_ms, w.caller_name, w.caller_phone
         FROM work_orders w
         WHERE (?1 IS NULL OR w.status = ?1)
           AND NOT EXISTS (SELECT 1 FROM json_each(?8) q WHERE instr(w.search, q.value) = 0)
           AND (?2 IS NULL OR EXISTS (SELECT 1 FROM wo_assignees a WHERE a.doc_id = w.doc_id AND a.user_id = ?2))
           AND (?3 IS NULL OR w.site_id = ?3)
           AND (?4 IS NULL OR w.customer_id = ?4)
           AND (?6 IS NULL OR w.created_at_ms >= ?6)
           AND (?7 IS NULL OR w.created_at_ms < ?7)
         ORDER BY w.priority IS NULL, w.priority, w.created_at_ms DESC
         LIMIT ?5",
    )?;
    let limit = f.limit.unwrap_or(500).min(5000);
    let words = serde_json::Value::from(fieldsync::store::query_words(
        f.q.as_deref().unwrap_or_default(),
    ))
    .to_string();
    let rows = st.query_map(
        params![
            f.status,
            f.assignee,
            f.site,
            f.customer,
            limit,
            f.created_from_ms,
            f.created_before_ms,
            words
        ],
        |r| {
            Ok(WorkOrderRow {
                doc_id: r.get(0)?,
                number: r.get(1)?,
                title: r.get(2)?,
                kind: r.get(3)?,
                status: r.get(4)?,
                conflict: r.get(5)?,
                priority: r.get(6)?,
                category: r.get(7)?,
                customer_id: r.get(8)?,
                site_id: r.get(9)?,
                assignees: split(r.get(10)?),
                device_ids: split(r.get(11)?),
                scheduled_start_ms: r.get(12)?,
                scheduled_end_ms: r.get(13)?,
                response_due_ms: r.get(14)?,
                resolution_due_ms: r.get(15)?,
                created_by: r.get(16)?,
                created_at_ms: r.get(17)?,
                updated_at_ms: r.get(18)?,
                caller_name: r.get(19)?,
                caller_phone: r.get(20)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn list_device_records(
    conn: &Connection,
    search: Option<&str>,
    limit: u32,
) -> Result<Vec<DeviceRecordRow>> {
    // Every word must occur (AND); `search` holds the folded text, so `instr` is a
    // case-insensitive substring test, for 1- and 2-character Chinese words too.
    let words = serde_json::Value::from(fieldsync::store::query_words(search.unwrap_or_default()))
        .to_string();
    let mut st = conn.prepare_cached(
        "SELECT doc_id, asset_tag, device_type, vendor, model, serial, ip, site_id, customer_id, location, status
         FROM device_records
         WHERE NOT EXISTS (SELECT 1 FROM json_each(?1) w WHERE instr(search, w.value) = 0)
         ORDER BY asset_tag LIMIT ?2",
    )?;
    let rows = st.query_map(params![words, limit.min(10_000)], |r| {
        Ok(DeviceRecordRow {
            doc_id: r.get(0)?,
            asset_tag: r.get(1)?,
            device_type: r.get(2)?,
            vendor: r.get(3)?,
            model: r.get(4)?,
            serial: r.get(5)?,
            ip: r.get(6)?,
            site_id: r.get(7)?,
            customer_id: r.get(8)?,
            location: r.get(9)?,
            status: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn list_sites(conn: &Connection) -> Result<Vec<SiteRow>> {
    let mut st = conn.prepare_cached(
        "SELECT doc_id, name, customer_id, customer_name, address FROM sites ORDER BY customer_name, name",
    )?;
    let rows = st.query_map([], |r| {
        Ok(SiteRow {
            doc_id: r.get(0)?,
            name: r.get(1)?,
            customer_id: r.get(2)?,
            customer_name: r.get(3)?,
            address: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
