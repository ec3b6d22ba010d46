//! Index tables (projections) for lists and full-text search, so that opening the app with
//! thousands of documents reads rows, not documents.

use super::search::fold;
use super::{LocalStore, Result};
use crate::ids::{DocId, DocKind, TimestampMs};
use crate::model::{DeviceRecord, KnowledgeArticle, Site, WorkOrder};
use crate::status::Status;
use automerge::AutoCommit;
use rusqlite::{Transaction, params};

/// One line of the "My work" list.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkOrderRow {
    pub doc_id: DocId,
    pub number: Option<String>,
    pub title: String,
    pub kind: String,
    pub status: Status,
    pub conflict: bool,
    pub priority: Option<String>,
    pub category: Option<String>,
    pub site_id: Option<String>,
    pub site_name: Option<String>,
    pub scheduled_start_ms: Option<TimestampMs>,
    pub scheduled_end_ms: Option<TimestampMs>,
    pub response_due_ms: Option<TimestampMs>,
    pub resolution_due_ms: Option<TimestampMs>,
    pub first_on_site_ms: Option<TimestampMs>,
    pub completed_at_ms: Option<TimestampMs>,
    pub assignees: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceRow {
    pub doc_id: DocId,
    pub asset_tag: String,
    pub device_type: String,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub ip: Option<String>,
    pub location: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnowledgeRow {
    pub doc_id: DocId,
    pub title: String,
    pub category: Option<String>,
}

/// A document's full-text row has the rowid of its `docs` row: deleting by rowid is a lookup,
/// while deleting by the (unindexed) `doc_id` column scans the whole FTS table, which made a
/// first sync of thousands of documents quadratic. The `docs` row must exist.
const DELETE_SEARCH_ROW: &str =
    "DELETE FROM search WHERE rowid = (SELECT rowid FROM docs WHERE doc_id = ?1)";

/// Title and body are stored case-folded (see [`super::search::fold`]): the table is only
/// searched, never displayed.
fn insert_search_row(kind: &str) -> String {
    format!(
        "INSERT INTO search (rowid, doc_id, kind, title, body)
         VALUES ((SELECT rowid FROM docs WHERE doc_id = ?1), ?1, '{kind}', ?2, ?3)"
    )
}

/// Refresh the index rows of one document. A document this version cannot read is still
/// stored; it only stays out of the lists (and a warning is logged).
pub(crate) fn reindex(
    tx: &Transaction<'_>,
    id: DocId,
    kind: DocKind,
    doc: &AutoCommit,
) -> Result<()> {
    let key = id.to_string();
    super::exec_cached(tx, DELETE_SEARCH_ROW, [&key])?;
    let indexed = match kind {
        DocKind::WorkOrder => WorkOrder::from_doc(doc).map(|wo| index_work_order(tx, &key, &wo)),
        DocKind::Device => DeviceRecord::from_doc(doc).map(|d| index_device(tx, &key, &d)),
        DocKind::Site => Site::from_doc(doc).map(|s| {
            super::exec_cached(
                tx,
                "INSERT OR REPLACE INTO site_index (doc_id, name, customer_name, address) VALUES (?1, ?2, ?3, ?4)",
                params![key, s.name, s.customer_name, s.address],
            )
            .map(|_| ())
            .map_err(Into::into)
        }),
        DocKind::Knowledge => KnowledgeArticle::from_doc(doc).map(|k| {
            super::exec_cached(
                tx,
                "INSERT OR REPLACE INTO knowledge_index (doc_id, title, category) VALUES (?1, ?2, ?3)",
                params![key, k.title, k.category],
            )?;
            super::exec_cached(
                tx,
                &insert_search_row("knowledge"),
                params![key, fold(&k.title), fold(&format!("{}\n{}\n{}", k.symptoms.as_str(), k.solution.as_str(), k.tags.join(" ")))],
            )?;
            index_knowledge_links(tx, &key, &k)
        }),
        DocKind::ChecklistTemplate => Ok(Ok(())),
    };
    match indexed {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(doc = %id, error = %e, "document kept but not indexed");
            Ok(())
        }
    }
}

/// The incidents an article explains (links whose value is not `true` are unlinked).
fn index_knowledge_links(tx: &Transaction<'_>, key: &str, k: &KnowledgeArticle) -> Result<()> {
    super::exec_cached(
        tx,
        "DELETE FROM knowledge_links WHERE article_id = ?1",
        [key],
    )?;
    for (wo, linked) in &k.work_orders {
        if *linked {
            super::exec_cached(
                tx,
                "INSERT OR IGNORE INTO knowledge_links (wo_id, article_id) VALUES (?1, ?2)",
                params![wo, key],
            )?;
        }
    }
    Ok(())
}

fn index_work_order(tx: &Transaction<'_>, key: &str, wo: &WorkOrder) -> Result<()> {
    let f = wo.fold();
    let assignees: Vec<&str> = wo
        .assignees
        .iter()
        .filter(|(_, v)| **v)
        .map(|(k, _)| k.as_str())
        .collect();
    super::exec_cached(
                tx,
        "INSERT OR REPLACE INTO wo_index (doc_id, number, title, kind, status, conflict, priority, category,
           customer_id, site_id, scheduled_start_ms, scheduled_end_ms, response_due_ms, resolution_due_ms,
           first_on_site_ms, completed_at_ms, assignees, created_by, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        params![
            key, wo.number, wo.title, wo.kind, f.status.as_str(), !f.conflicts.is_empty(), wo.priority, wo.category,
            wo.customer_id, wo.site_id, wo.scheduled_start_ms, wo.scheduled_end_ms, wo.sla.response_due_ms,
            wo.sla.resolution_due_ms, f.first_on_site_ms, f.completed_at_ms, assignees.join(","), wo.created_by,
            wo.created_at_ms
        ],
    )?;
    super::exec_cached(tx, "DELETE FROM wo_devices WHERE wo_id = ?1", [key])?;
    for (device, linked) in &wo.device_ids {
        if *linked {
            super::exec_cached(
                tx,
                "INSERT OR IGNORE INTO wo_devices (wo_id, device_id) VALUES (?1, ?2)",
                params![key, device],
            )?;
        }
    }
    super::exec_cached(
        tx,
        &insert_search_row("work_order"),
        params![
            key,
            fold(&wo.title),
            fold(&format!(
                "{}\n{}",
                wo.description.as_str(),
                wo.findings.as_str()
            ))
        ],
    )?;
    Ok(())
}

fn index_device(tx: &Transaction<'_>, key: &str, d: &DeviceRecord) -> Result<()> {
    super::exec_cached(
                tx,
        "INSERT OR REPLACE INTO device_index (doc_id, asset_tag, device_type, vendor, model, serial, ip, site_id, location)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![key, d.asset_tag, d.device_type, d.vendor, d.model, d.serial, d.ip, d.site_id, d.location.display()],
    )?;
    super::exec_cached(
        tx,
        &insert_search_row("device"),
        params![key, fold(&d.asset_tag), fold(&d.search_text())],
    )?;
    Ok(())
}

/// Remove a document's index rows (it left the briefcase). Call before deleting its `docs` row.
pub(crate) fn unindex(tx: &Transaction<'_>, id: DocId) -> Result<()> {
    let key = id.to_string();
    for sql in [
        DELETE_SEARCH_ROW,
        "DELETE FROM wo_index WHERE doc_id = ?1",
        "DELETE FROM wo_devices WHERE wo_id = ?1",
        "DELETE FROM device_index WHERE doc_id = ?1",
        "DELETE FROM site_index WHERE doc_id = ?1",
        "DELETE FROM knowledge_index WHERE doc_id = ?1",
        "DELETE FROM knowledge_links WHERE article_id = ?1",
    ] {
        super::exec_cached(tx, sql, [&key])?;
    }
    Ok(())
}

const WO_COLUMNS: &str = "w.doc_id, w.number, w.title, w.kind, w.status, w.conflict, w.priority, w.category, w.site_id,
    s.name, w.scheduled_start_ms, w.scheduled_end_ms, w.response_due_ms, w.resolution_due_ms, w.first_on_site_ms,
    w.completed_at_ms, w.assignees";

fn wo_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<WorkOrderRow>> {
    let id: String = r.get(0)?;
    let status: String = r.get(4)?;
    let (Ok(doc_id), Some(status)) = (id.parse(), Status::parse(&status)) else {
        return Ok(None);
    };
    let assignees: String = r.get(16)?;
    Ok(Some(WorkOrderRow {
        doc_id,
        number: r.get(1)?,
        title: r.get(2)?,
        kind: r.get(3)?,
        status,
        conflict: r.get(5)?,
        priority: r.get(6)?,
        category: r.get(7)?,
        site_id: r.get(8)?,
        site_name: r.get(9)?,
        scheduled_start_ms: r.get(10)?,
        scheduled_end_ms: r.get(11)?,
        response_due_ms: r.get(12)?,
        resolution_due_ms: r.get(13)?,
        first_on_site_ms: r.get(14)?,
        completed_at_ms: r.get(15)?,
        assignees: assignees
            .split(',')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    }))
}

impl LocalStore {
    /// Work orders for the "My work" list: open ones first, by scheduled time, then priority.
    /// `assignee`: only those assigned to this user (or created by them).
    pub fn list_work_orders(&self, assignee: Option<&str>) -> Result<Vec<WorkOrderRow>> {
        let sql = format!(
            "SELECT {WO_COLUMNS} FROM wo_index w LEFT JOIN site_index s ON s.doc_id = w.site_id
             WHERE ?1 IS NULL OR (',' || w.assignees || ',') LIKE ('%,' || ?1 || ',%') OR w.created_by = ?1
             ORDER BY w.status IN ('completed', 'approved', 'cancelled'),
               coalesce(w.scheduled_start_ms, w.response_due_ms, w.created_at_ms), coalesce(w.priority, 'P9'), w.title"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([assignee], wo_row)?;
        Ok(rows
            .filter_map(|r| r.transpose())
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Every work order that touched a device: its maintenance history, newest first.
    pub fn device_history(&self, device: DocId) -> Result<Vec<WorkOrderRow>> {
        let sql = format!(
            "SELECT {WO_COLUMNS} FROM wo_devices d JOIN wo_index w ON w.doc_id = d.wo_id
             LEFT JOIN site_index s ON s.doc_id = w.site_id
             WHERE d.device_id = ?1 ORDER BY coalesce(w.completed_at_ms, w.scheduled_start_ms, w.created_at_ms) DESC"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([device.to_string()], wo_row)?;
        Ok(rows
            .filter_map(|r| r.transpose())
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Number of device records (for the device list's virtual scrolling).
    pub fn device_count(&self) -> Result<usize> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM device_index", [], |r| {
                r.get::<_, i64>(0)
            })? as usize)
    }

    /// Every site in the store (id, name, customer), by customer then name: for pickers such as
    /// the new-incident form.
    pub fn list_sites(&self) -> Result<Vec<(DocId, String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT doc_id, name, customer_name FROM site_index ORDER BY customer_name, name",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, customer) = row?;
            if let Ok(id) = id.parse() {
                out.push((id, name, customer));
            }
        }
        Ok(out)
    }

    /// Site names by id, for lists.
    pub fn site_name(&self, id: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT name FROM site_index WHERE doc_id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// The knowledge articles (published known errors) that name `work_order` as one of
    /// their problem's incidents, by title.
    pub fn articles_for_work_order(&self, work_order: DocId) -> Result<Vec<KnowledgeRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT k.doc_id, k.title, k.category FROM knowledge_links l
             JOIN knowledge_index k ON k.doc_id = l.article_id
             WHERE l.wo_id = ?1 ORDER BY k.title",
        )?;
        let rows = stmt.query_map([work_order.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, title, category) = row?;
            if let Ok(doc_id) = id.parse() {
                out.push(KnowledgeRow {
                    doc_id,
                    title,
                    category,
                });
            }
        }
        Ok(out)
    }
}
