//! The service report and the monthly summary as the server makes them: the report crate
//! ([`fieldsync_report`]) lays the PDFs out; this module reads what they show from the hub,
//! the user table and the blob folder, and maps their errors to HTTP answers.

pub mod summary;
pub mod tasks;

pub use fieldsync_report::{
    ReportData, ReportError, ReportSource, assemble, chart, check_cells, fonts, layout, render,
    signature,
};

use crate::hub::{Hub, HubError};
use fieldsync::model::{DeviceRecord, Site, WorkOrder};
use fieldsync::{DocId, DocKind, TimestampMs, UserId};
use std::path::Path;

/// A storage or model error met while reading a report's records.
fn from_hub(e: HubError) -> ReportError {
    ReportError::Source(Box::new(e))
}

impl From<ReportError> for crate::error::AppError {
    fn from(e: ReportError) -> Self {
        use crate::error::AppError;
        match e {
            ReportError::Source(s) => match s.downcast::<HubError>() {
                Ok(h) => (*h).into(),
                Err(other) => AppError::Internal(other.to_string()),
            },
            e @ ReportError::NotWorkOrder(_) => AppError::NotFound(e.to_string()),
            ReportError::NoFont(m) => AppError::Unavailable(m),
            ReportError::Render(m) => AppError::Internal(m),
        }
    }
}

/// The server's source: documents from the hub, names from the user table, blobs from the
/// blob folder (all blocking).
struct HubSource<'a> {
    hub: &'a Hub,
    blob_dir: &'a Path,
}

impl HubSource<'_> {
    /// A linked document: `None` if the hub has none under that id (or it is not readable as
    /// the record the report expects), an error if storage failed.
    fn load(&self, id: DocId) -> Result<Option<automerge::Automerge>, ReportError> {
        Ok(self.hub.load(id).map_err(from_hub)?.map(|(_, d)| d))
    }
}

impl ReportSource for HubSource<'_> {
    fn site(&mut self, id: DocId) -> Result<Option<Site>, ReportError> {
        Ok(self.load(id)?.and_then(|d| Site::from_doc(&d).ok()))
    }

    fn device(&mut self, id: DocId) -> Result<Option<DeviceRecord>, ReportError> {
        Ok(self.load(id)?.and_then(|d| DeviceRecord::from_doc(&d).ok()))
    }

    fn user_name(&mut self, user: &str) -> Result<Option<String>, ReportError> {
        let Ok(uid) = user.parse::<UserId>() else {
            return Ok(None);
        };
        let found = self
            .hub
            .db()
            .blocking()
            .user_by_id(uid)
            .map_err(|e| from_hub(e.into()))?;
        Ok(found.map(|u| u.display_name))
    }

    fn blob(&mut self, sha256: &str) -> Option<Vec<u8>> {
        read_blob(self.blob_dir, sha256)
    }
}

/// Read a work order, its site, devices, user names and attachments from the hub (blocking).
/// With `upto`, the work order as it was after the first `upto` changes of its history.
pub fn gather(
    hub: &Hub,
    blob_dir: &Path,
    id: DocId,
    now: TimestampMs,
    upto: Option<usize>,
) -> Result<ReportData, ReportError> {
    let (kind, doc) = hub
        .load(id)
        .map_err(from_hub)?
        .ok_or_else(|| from_hub(HubError::NotFound(id)))?;
    if kind != DocKind::WorkOrder {
        return Err(ReportError::NotWorkOrder(id));
    }
    let doc = match upto {
        Some(n) => crate::review::doc_at(&doc, n).map_err(from_hub)?,
        None => doc,
    };
    let wo = WorkOrder::from_doc(&doc).map_err(|e| from_hub(e.into()))?;
    assemble(wo, &mut HubSource { hub, blob_dir }, now)
}

/// A blob's bytes, if the hash is well-formed and the blob has arrived.
fn read_blob(blob_dir: &Path, sha: &str) -> Option<Vec<u8>> {
    let valid = sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit());
    if !valid {
        return None;
    }
    std::fs::read(blob_dir.join(&sha[..2]).join(sha)).ok()
}

#[cfg(test)]
mod tests;
