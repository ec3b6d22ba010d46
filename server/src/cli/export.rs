//! `export`: every document as JSON (`docs/<kind>/<id>.json`) and the projections as CSV
//! (`work_orders.csv`, `devices.csv`, `sites.csv`) under one directory.

use crate::hub::{Hub, HubError};
use crate::storage::WorkOrderFilter;
use fieldsync::model::doc_to_json;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Hub(#[from] HubError),
    #[error("writing {path}: {message}")]
    Io { path: String, message: String },
}

#[derive(Debug, Default)]
pub struct ExportReport {
    pub documents: usize,
    pub work_orders: usize,
    pub devices: usize,
    pub sites: usize,
}

fn io(path: &Path, e: impl std::fmt::Display) -> ExportError {
    ExportError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Rows as CSV that Excel opens as UTF-8 and that runs no formula ([`crate::spreadsheet`]).
fn write_csv<T: serde::Serialize>(path: &Path, rows: &[T]) -> Result<(), ExportError> {
    let bytes = crate::spreadsheet::to_csv(rows).map_err(|e| io(path, e))?;
    std::fs::write(path, bytes).map_err(|e| io(path, e))
}

/// Flatten list columns so the CSV writer accepts the rows.
#[derive(serde::Serialize)]
struct WoCsv {
    doc_id: String,
    number: Option<String>,
    title: String,
    kind: String,
    status: String,
    conflict: bool,
    priority: Option<String>,
    category: Option<String>,
    customer_id: Option<String>,
    site_id: Option<String>,
    assignees: String,
    device_count: usize,
    created_at_ms: i64,
}

pub fn export_all(hub: &Hub, dir: &Path) -> Result<ExportReport, ExportError> {
    let mut report = ExportReport::default();
    let storage = hub.db().blocking();
    for info in storage.all_doc_ids().map_err(HubError::from)? {
        let Some((_, doc)) = hub.load(info.doc_id)? else {
            continue;
        };
        let kind_dir = dir.join("docs").join(info.kind.as_str());
        std::fs::create_dir_all(&kind_dir).map_err(|e| io(&kind_dir, e))?;
        let path = kind_dir.join(format!("{}.json", info.doc_id));
        let text = serde_json::to_string_pretty(&doc_to_json(&doc)).map_err(|e| io(&path, e))?;
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
        report.documents += 1;
    }
    let wos = storage
        .list_work_orders(&WorkOrderFilter {
            limit: Some(u32::MAX),
            ..Default::default()
        })
        .map_err(HubError::from)?;
    let rows: Vec<WoCsv> = wos
        .into_iter()
        .map(|w| WoCsv {
            device_count: w.device_ids.len(),
            assignees: w.assignees.join(" "),
            doc_id: w.doc_id,
            number: w.number,
            title: w.title,
            kind: w.kind,
            status: w.status,
            conflict: w.conflict,
            priority: w.priority,
            category: w.category,
            customer_id: w.customer_id,
            site_id: w.site_id,
            created_at_ms: w.created_at_ms,
        })
        .collect();
    report.work_orders = rows.len();
    write_csv(&dir.join("work_orders.csv"), &rows)?;
    let devices = storage
        .list_device_records(None, u32::MAX)
        .map_err(HubError::from)?;
    report.devices = devices.len();
    write_csv(&dir.join("devices.csv"), &devices)?;
    let sites = storage.list_sites().map_err(HubError::from)?;
    report.sites = sites.len();
    write_csv(&dir.join("sites.csv"), &sites)?;
    Ok(report)
}
