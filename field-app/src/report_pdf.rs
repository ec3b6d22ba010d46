//! The service report PDF made on this computer from the local store, so an engineer without
//! a connection can save it for the customer to read before signing. The pages are the
//! server's (`fieldsync_report::assemble` + `render`); only where the work order, site,
//! devices and attachments come from differs. Gathering and rendering run on their own thread.

use crate::worker::{SharedStore, lock};
use fieldsync::model::{DeviceRecord, Site, WorkOrder};
use fieldsync::store::Identity;
use fieldsync::{DocId, TimestampMs};
use fieldsync_i18n::t;
use fieldsync_report::{self as report, ReportData, ReportError, ReportSource};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;

/// Reads for the report from the local store. The store is locked per read, never while a
/// photo file is read, so the window stays responsive during a long render.
struct LocalSource<'a> {
    store: &'a SharedStore,
    /// The only name this device knows for sure: its signed-in user's.
    names: HashMap<String, String>,
}

impl ReportSource for LocalSource<'_> {
    fn site(&mut self, id: DocId) -> Result<Option<Site>, ReportError> {
        held(lock(self.store).site(id))
    }

    fn device(&mut self, id: DocId) -> Result<Option<DeviceRecord>, ReportError> {
        held(lock(self.store).device(id))
    }

    fn user_name(&mut self, user: &str) -> Result<Option<String>, ReportError> {
        Ok(self.names.get(user).cloned())
    }

    fn blob(&mut self, sha256: &str) -> Option<Vec<u8>> {
        let path = lock(self.store).blob_path(sha256)?;
        std::fs::read(path).ok()
    }
}

/// A record this laptop holds, `None` if it does not hold it (or cannot read it as that
/// record: a gap the report shows), an error if the local database failed.
fn held<T>(read: fieldsync::store::Result<T>) -> Result<Option<T>, ReportError> {
    use fieldsync::store::StoreError;
    match read {
        Ok(t) => Ok(Some(t)),
        Err(StoreError::NotFound(_) | StoreError::Model(_)) => Ok(None),
        Err(e @ (StoreError::Sqlite(_) | StoreError::Io(_) | StoreError::Corrupt { .. })) => {
            Err(ReportError::Source(Box::new(e)))
        }
    }
}

/// Everything the report shows, from the local store.
pub fn gather_local(
    store: &SharedStore,
    id: DocId,
    me: Option<&Identity>,
    now: TimestampMs,
) -> Result<ReportData, String> {
    let wo = lock(store)
        .work_order(id)
        .map_err(|e| crate::command::explain(&e))?;
    let names = me
        .map(|m| (m.user_id.clone(), m.display_name.clone()))
        .into_iter()
        .collect();
    let mut src = LocalSource { store, names };
    report::assemble(wo, &mut src, now).map_err(|e| e.to_string())
}

/// The PDF of work order `id` as it stands on this device.
pub fn build_pdf(
    store: &SharedStore,
    id: DocId,
    me: Option<&Identity>,
    now: TimestampMs,
) -> Result<Vec<u8>, String> {
    let data = gather_local(store, id, me, now)?;
    report::render(&data).map_err(|e| t!("eng-report-not-made", error = e.to_string()))
}

/// `service-report-<number>.pdf`, with only characters every file system accepts.
pub fn default_file_name(wo: &WorkOrder) -> String {
    let base = wo.number.as_deref().unwrap_or(&wo.id);
    format!("service-report-{}.pdf", safe_file_part(base))
}

/// `s` with every character but ASCII letters, digits and `-` replaced by `_`, so any file
/// system accepts it in a file name.
pub fn safe_file_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `path` with a `.pdf` ending (added when the engineer typed a name without one).
pub fn with_pdf_extension(path: &Path) -> PathBuf {
    with_extension(path, "pdf")
}

/// `path`, ending in `.ext` (added when the name typed lacks it; any case kept).
pub fn with_extension(path: &Path, ext: &str) -> PathBuf {
    let has = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext));
    if has {
        path.to_owned()
    } else {
        with_suffix(path, &format!(".{ext}"))
    }
}

/// Write through a temporary file, so an open PDF viewer never sees half a report.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = with_suffix(path, ".part");
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            t!(
                "eng-report-cannot-write",
                path = path.display().to_string(),
                error = e.to_string()
            )
        })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// How saving a report went.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSaved {
    pub doc: DocId,
    pub result: Result<PathBuf, String>,
}

/// Where the open work order's report stands (shown beside the button).
#[derive(Debug, Clone, PartialEq)]
pub enum ReportPdfStatus {
    Saving { doc: DocId, path: PathBuf },
    Saved { doc: DocId, path: PathBuf },
    Failed { doc: DocId, error: String },
}

impl ReportPdfStatus {
    pub fn doc(&self) -> DocId {
        match self {
            Self::Saving { doc, .. } | Self::Saved { doc, .. } | Self::Failed { doc, .. } => *doc,
        }
    }
}

/// One save on its own thread: gather, render, write, then report through `done` and wake
/// the window (`repaint`). Fails only when no thread can be started.
pub fn spawn_save(
    store: SharedStore,
    id: DocId,
    me: Option<Identity>,
    now: TimestampMs,
    path: PathBuf,
    done: Sender<ReportSaved>,
    repaint: Option<egui::Context>,
) -> Result<(), String> {
    let job = move || {
        let result = build_pdf(&store, id, me.as_ref(), now)
            .and_then(|pdf| write_file(&path, &pdf))
            .map(|()| path);
        let _ = done.send(ReportSaved { doc: id, result });
        if let Some(ctx) = repaint {
            ctx.request_repaint();
        }
    };
    std::thread::Builder::new()
        .name("fieldsync-report".into())
        .spawn(job)
        .map(drop)
        .map_err(|e| t!("eng-report-not-started", error = e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_end_in_pdf() {
        let wo = WorkOrder {
            number: Some("WO-2026/0042 张".into()),
            ..Default::default()
        };
        assert_eq!(default_file_name(&wo), "service-report-WO-2026_0042__.pdf");
        assert_eq!(
            with_pdf_extension(Path::new("/tmp/r")),
            PathBuf::from("/tmp/r.pdf")
        );
        assert_eq!(
            with_pdf_extension(Path::new("/tmp/r.PDF")),
            PathBuf::from("/tmp/r.PDF")
        );
    }

    #[test]
    fn a_write_into_a_missing_folder_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_file(&dir.path().join("nope/r.pdf"), b"%PDF").unwrap_err();
        assert!(
            err.contains("cannot write") && err.contains("nope"),
            "{err}"
        );
        assert!(!dir.path().join("nope/r.pdf.part").exists());
    }
}
