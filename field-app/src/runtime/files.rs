//! The app's file I/O: the folder listing of the file dialog, and saving files — the service
//! report PDF made on this computer from the local store (so an engineer without a
//! connection can save it for the customer to read before signing; the pages are the
//! server's, `fieldsync_report::assemble` + `render`, only where the work order, site,
//! devices and attachments come from differs), and any file written through a temporary one.
//! Gathering and rendering run on their own thread.

use super::store::{SharedStore, explain, lock};
use crate::file_names::with_suffix;
use fieldsync::model::{DeviceRecord, Site};
use fieldsync::store::Identity;
use fieldsync::{DocId, TimestampMs};
use fieldsync_i18n::t;
use fieldsync_report::{self as report, ReportData, ReportError, ReportSource};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;

/// What a chosen file is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickPurpose {
    /// A photo for the open work order.
    AttachPhoto,
    /// Where to save the open work order's service report (a folder and a file name).
    SaveReport,
    /// Where to save the loaded service summary (supervisor dashboard), as PDF or CSV.
    SaveSummaryPdf,
    SaveSummaryCsv,
    /// Where to save the loaded quarter's task-completion table, as PDF or CSV.
    SaveTasksPdf,
    SaveTasksCsv,
}

impl PickPurpose {
    /// File name extensions offered (lower case).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            PickPurpose::AttachPhoto => &["jpg", "jpeg", "png", "webp", "heic"],
            PickPurpose::SaveReport | PickPurpose::SaveSummaryPdf | PickPurpose::SaveTasksPdf => {
                &["pdf"]
            }
            PickPurpose::SaveSummaryCsv | PickPurpose::SaveTasksCsv => &["csv"],
        }
    }

    /// The dialog names a new file rather than choosing an existing one.
    pub fn saves(self) -> bool {
        self != PickPurpose::AttachPhoto
    }
}

/// At most this many entries of one folder are listed (a camera dump can hold thousands).
pub const MAX_ENTRIES: usize = 5_000;

/// Read `dir` for `purpose`: sub-folders first, then matching files, each sorted by name
/// (hidden entries left out).
pub fn list_dir(dir: &Path, purpose: PickPurpose) -> Result<Vec<FileEntry>, String> {
    let read = std::fs::read_dir(dir).map_err(|e| {
        t!(
            "eng-picker-cannot-open",
            path = dir.display().to_string(),
            error = e.to_string()
        )
    })?;
    let mut entries = Vec::new();
    for entry in read.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Follow links, so a linked photo folder opens like any other.
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let is_dir = meta.is_dir();
        let wanted = is_dir
            || path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                purpose
                    .extensions()
                    .contains(&e.to_ascii_lowercase().as_str())
            });
        if wanted {
            entries.push(FileEntry {
                name,
                path,
                is_dir,
                bytes: meta.len(),
            });
        }
        if entries.len() >= MAX_ENTRIES {
            break;
        }
    }
    entries.sort_by(|a, b| {
        b.is_dir
            .cmp(&a.is_dir)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    Ok(entries)
}

/// Where browsing starts: the last folder used, else Pictures, else home, else `/`.
pub fn start_dir(last: Option<&Path>) -> PathBuf {
    last.map(Path::to_owned)
        .or_else(|| directories::UserDirs::new().and_then(|u| u.picture_dir().map(Path::to_owned)))
        .or_else(|| directories::UserDirs::new().map(|u| u.home_dir().to_owned()))
        .unwrap_or_else(|| PathBuf::from("/"))
}

/// Where saving starts: the last folder saved to, else Documents, else home, else the
/// temporary folder.
pub fn save_dir(last: Option<&Path>) -> PathBuf {
    last.map(Path::to_owned)
        .or_else(|| directories::UserDirs::new().and_then(|u| u.document_dir().map(Path::to_owned)))
        .or_else(|| directories::UserDirs::new().map(|u| u.home_dir().to_owned()))
        .unwrap_or_else(std::env::temp_dir)
}

/// A file or folder in the dialog's listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub name: String,
    pub path: std::path::PathBuf,
    pub is_dir: bool,
    pub bytes: u64,
}

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
    let wo = lock(store).work_order(id).map_err(|e| explain(&e))?;
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

/// How saving a report went.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSaved {
    pub doc: DocId,
    pub result: Result<PathBuf, String>,
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
