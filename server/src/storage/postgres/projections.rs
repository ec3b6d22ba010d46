//! Relational projections on PostgreSQL: written in the append transaction, read by the JSON
//! endpoints. Same rows and orders as the SQLite backend.

use super::col;
use crate::storage::{DeviceRecordRow, Projection, Result, SiteRow, WorkOrderFilter, WorkOrderRow};
use fieldsync::TimestampMs;
use postgres::{Client, Transaction};

pub fn write(tx: &mut Transaction<'_>, id: &str, p: &Projection, now: TimestampMs) -> Result<()> {
    match p {
        Projection::WorkOrder(w) => {
            tx.execute(
                "INSERT INTO work_orders (doc_id, number, title, kind, status, conflict, priority,
                    category, customer_id, site_id, scheduled_start_ms, scheduled_end_ms, response_due_ms,
                    resolution_due_ms, first_on_site_ms, completed_at_ms, created_by, created_at_ms, updated_at_ms,
                    caller_name, caller_phone, search)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
                    $20, $21, $22)
                 ON CONFLICT (doc_id) DO UPDATE SET number = excluded.number, title = excluded.title,
                    kind = excluded.kind, status = excluded.status, conflict = excluded.conflict,
                    priority = excluded.priority, category = excluded.category,
                    customer_id = excluded.customer_id, site_id = excluded.site_id,
                    scheduled_start_ms = excluded.scheduled_start_ms, scheduled_end_ms = excluded.scheduled_end_ms,
                    response_due_ms = excluded.response_due_ms, resolution_due_ms = excluded.resolution_due_ms,
                    first_on_site_ms = excluded.first_on_site_ms, completed_at_ms = excluded.completed_at_ms,
                    created_by = excluded.created_by, created_at_ms = excluded.created_at_ms,
                    updated_at_ms = excluded.updated_at_ms, caller_name = excluded.caller_name,
                    caller_phone = excluded.caller_phone, search = excluded.search",
                &[
                    &id, &w.number, &w.title, &w.kind, &w.status, &w.conflict, &w.priority, &w.category,
                    &w.customer_id, &w.site_id, &w.scheduled_start_ms, &w.scheduled_end_ms,
                    &w.response_due_ms, &w.resolution_due_ms, &w.first_on_site_ms, &w.completed_at_ms,
                    &w.created_by, &w.created_at_ms, &now, &w.caller_name, &w.caller_phone, &w.search,
                ],
            )?;
            replace_set(tx, "wo_assignees", "user_id", id, &w.assignees)?;
            replace_set(tx, "wo_devices", "device_doc_id", id, &w.device_ids)?;
            replace_set(tx, "wo_blobs", "sha256", id, &w.blobs)?;
            let st = tx.prepare(
                "INSERT INTO wo_events (doc_id, event_id, kind, at_ms, by_user, note, received_at_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (doc_id, event_id) DO NOTHING",
            )?;
            for e in &w.events {
                tx.execute(&st, &[&id, &e.id, &e.kind, &e.at_ms, &e.by, &e.note, &now])?;
            }
        }
        Projection::Device(d) => {
            tx.execute(
                "INSERT INTO device_records (doc_id, asset_tag, device_type, vendor, model, serial, ip,
                    site_id, customer_id, location, status, search, updated_at_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                 ON CONFLICT (doc_id) DO UPDATE SET asset_tag = excluded.asset_tag,
                    device_type = excluded.device_type, vendor = excluded.vendor, model = excluded.model,
                    serial = excluded.serial, ip = excluded.ip, site_id = excluded.site_id,
                    customer_id = excluded.customer_id, location = excluded.location,
                    status = excluded.status, search = excluded.search, updated_at_ms = excluded.updated_at_ms",
                &[
                    &id, &d.asset_tag, &d.device_type, &d.vendor, &d.model, &d.serial, &d.ip,
                    &d.site_id, &d.customer_id, &d.location, &d.status, &fieldsync::store::fold(&d.search), &now,
                ],
            )?;
        }
        Projection::Site(s) => {
            tx.execute(
                "INSERT INTO sites (doc_id, name, customer_id, customer_name, address, updated_at_ms)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (doc_id) DO UPDATE SET name = excluded.name, customer_id = excluded.customer_id,
                    customer_name = excluded.customer_name, address = excluded.address,
                    updated_at_ms = excluded.updated_at_ms",
                &[&id, &s.name, &s.customer_id, &s.customer_name, &s.address, &now],
            )?;
        }
        Projection::None => {}
    }
    Ok(())
}

/// Replace the `(doc_id, column)` rows of `table` (fixed names, never input) by `values`.
fn replace_set(
    tx: &mut Transaction<'_>,
    table: &str,
    column: &str,
    id: &str,
    values: &[String],
) -> Result<()> {
    tx.execute(&format!("DELETE FROM {table} WHERE doc_id = $1"), &[&id])?;
    if !values.is_empty() {
        tx.execute(
            &format!(
                "INSERT INTO {table} (doc_id, {column}) SELECT $1, v FROM unnest($2::text[]) AS v
                 ON CONFLICT DO NOTHING"
            ),
            &[&id, &values],
        )?;
    }
    Ok(())
}

fn split(s: Option<String>) -> Vec<String> {
    s.map(|v| v.split(',').map(str::to_owned).collect())
        .unwrap_or_default()
}

pub fn list_work_orders(c: &mut Client, f: &WorkOrderFilter) -> Result<Vec<WorkOrderRow>> {
    let limit = i64::from(f.limit.unwrap_or(500).min(5000));
    let rows = c.query(
        "SELECT w.doc_id, w.number, w.title, w.kind, w.status, w.conflict, w.priority, w.category,
                w.customer_id, w.site_id,
                (SELECT string_agg(user_id, ',' ORDER BY user_id) FROM wo_assignees a WHERE a.doc_id = w.doc_id),
                (SELECT string_agg(device_doc_id, ',' ORDER BY device_doc_id) FROM wo_devices v WHERE v.doc_id = w.doc_id),
                w.scheduled_start_ms, w.scheduled_end_ms, w.response_due_ms, w.resolution_due_ms,
                w.created_by, w.created_at_ms, w.updated_at_ms, w.caller_name, w.caller_phone
         FROM work_orders w
         WHERE ($1::text IS NULL OR w.status = $1)
           AND NOT EXISTS (SELECT 1 FROM unnest($8::text[]) q(word) WHERE strpos(w.search, q.word) = 0)
           AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM wo_assignees a WHERE a.doc_id = w.doc_id AND a.user_id = $2))
           AND ($3::text IS NULL OR w.site_id = $3)
           AND ($4::text IS NULL OR w.customer_id = $4)
           AND ($6::bigint IS NULL OR w.created_at_ms >= $6)
           AND ($7::bigint IS NULL OR w.created_at_ms < $7)
         ORDER BY w.priority IS NULL, w.priority, w.created_at_ms DESC
         LIMIT $5",
        &[
            &f.status,
            &f.assignee,
            &f.site,
            &f.customer,
            &limit,
            &f.created_from_ms,
            &f.created_before_ms,
            &fieldsync::store::query_words(f.q.as_deref().unwrap_or_default()),
        ],
    )?;
    rows.iter()
        .map(|r| {
            Ok(WorkOrderRow {
                doc_id: col(r, 0)?,
                number: col(r, 1)?,
                title: col(r, 2)?,
                kind: col(r, 3)?,
                status: col(r, 4)?,
                conflict: col(r, 5)?,
                priority: col(r, 6)?,
                category: col(r, 7)?,
                customer_id: col(r, 8)?,
                site_id: col(r, 9)?,
                assignees: split(col(r, 10)?),
                device_ids: split(col(r, 11)?),
                scheduled_start_ms: col(r, 12)?,
                scheduled_end_ms: col(r, 13)?,
                response_due_ms: col(r, 14)?,
                resolution_due_ms: col(r, 15)?,
                created_by: col(r, 16)?,
                created_at_ms: col(r, 17)?,
                updated_at_ms: col(r, 18)?,
                caller_name: col(r, 19)?,
                caller_phone: col(r, 20)?,
            })
        })
        .collect()
}

pub fn list_device_records(
    c: &mut Client,
    search: Option<&str>,
    limit: u32,
) -> Result<Vec<DeviceRecordRow>> {
    // Every word must occur (AND); `search` holds the folded text, so `strpos` is a
    // case-insensitive substring test, for 1- and 2-character Chinese words too.
    let words = fieldsync::store::query_words(search.unwrap_or_default());
    let rows = c.query(
        "SELECT doc_id, asset_tag, device_type, vendor, model, serial, ip, site_id, customer_id, location, status
         FROM device_records
         WHERE NOT EXISTS (SELECT 1 FROM unnest($1::text[]) w(word) WHERE strpos(search, w.word) = 0)
         ORDER BY asset_tag LIMIT $2",
        &[&words, &i64::from(limit.min(10_000))],
    )?;
    rows.iter()
        .map(|r| {
            Ok(DeviceRecordRow {
                doc_id: col(r, 0)?,
                asset_tag: col(r, 1)?,
                device_type: col(r, 2)?,
                vendor: col(r, 3)?,
                model: col(r, 4)?,
                serial: col(r, 5)?,
                ip: col(r, 6)?,
                site_id: col(r, 7)?,
                customer_id: col(r, 8)?,
                location: col(r, 9)?,
                status: col(r, 10)?,
            })
        })
        .collect()
}

pub fn list_sites(c: &mut Client) -> Result<Vec<SiteRow>> {
    let rows = c.query(
        "SELECT doc_id, name, customer_id, customer_name, address FROM sites ORDER BY customer_name, name",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(SiteRow {
                doc_id: col(r, 0)?,
                name: col(r, 1)?,
                customer_id: col(r, 2)?,
                customer_name: col(r, 3)?,
                address: col(r, 4)?,
            })
        })
        .collect()
}
