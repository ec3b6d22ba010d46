//! Commands that touch files: the file dialog's folder listing and choice, and saving the
//! service report PDF (made here from the local store) or the supervisor's summary and task
//! table (fetched from the server) where the person chose. The I/O itself is `crate::runtime::files`.

use super::FieldApp;
use crate::runtime::files::{self, PickPurpose};
use crate::runtime::messages::{ApiError, ApiReply, ToWorker};
use crate::state::supervisor;
use std::path::PathBuf;

impl FieldApp {
    /// Read a folder for the file dialog (here, not in the screen: screens do no I/O).
    pub(super) fn browse_files(&mut self, purpose: PickPurpose, dir: Option<PathBuf>) {
        let opening = self.state.file_picker.purpose != Some(purpose);
        if opening && purpose.saves() {
            let summary = self.state.supervisor.summary.as_ref();
            self.state.file_picker.file_name = match export_of(purpose) {
                Some(export) => summary.map(|s| supervisor::default_file_name(s, export)),
                None => self
                    .state
                    .work_order
                    .as_ref()
                    .map(|v| crate::file_names::default_file_name(&v.wo)),
            }
            .unwrap_or_default();
        }
        let p = &mut self.state.file_picker;
        let dir = dir.unwrap_or_else(|| match purpose {
            PickPurpose::AttachPhoto => files::start_dir(p.last_dir.as_deref()),
            _ => files::save_dir(p.last_save_dir.as_deref()),
        });
        p.purpose = Some(purpose);
        match files::list_dir(&dir, purpose) {
            Ok(entries) => {
                p.dir_text = dir.display().to_string();
                p.dir = dir;
                p.entries = entries;
                p.error = None;
                p.selected = None;
            }
            // Keep showing the folder we were in, with the reason beside it.
            Err(e) => p.error = Some(e),
        }
    }

    pub(super) fn pick_file(&mut self, path: PathBuf) {
        let p = &mut self.state.file_picker;
        let purpose = p.purpose.take();
        let folder = path.parent().map(PathBuf::from);
        p.entries.clear();
        p.selected = None;
        match purpose {
            Some(PickPurpose::AttachPhoto) => {
                p.last_dir = folder;
                if let Some(v) = &mut self.state.work_order {
                    v.drafts.photo_path = path.display().to_string();
                }
            }
            Some(PickPurpose::SaveReport) => {
                p.last_save_dir = folder;
                self.save_report_pdf(path);
            }
            Some(
                purpose @ (PickPurpose::SaveSummaryPdf
                | PickPurpose::SaveSummaryCsv
                | PickPurpose::SaveTasksPdf
                | PickPurpose::SaveTasksCsv),
            ) => {
                p.last_save_dir = folder;
                if let Some(export) = export_of(purpose) {
                    self.fetch_summary_file(path, export);
                }
            }
            None => {}
        }
    }

    /// Ask the server for the loaded summary (or its quarter's task table) as a PDF or CSV,
    /// to be written to `path` when it arrives ([`Self::save_summary_file`]).
    pub(super) fn fetch_summary_file(&mut self, path: PathBuf, export: supervisor::Export) {
        let Some(summary) = &self.state.supervisor.summary else {
            return;
        };
        let call = supervisor::file_call(summary, export);
        let path = crate::file_names::with_extension(&path, export.extension());
        self.state.supervisor.file = Some(supervisor::SummaryFile::Saving(path));
        self.send(ToWorker::Api(call));
    }

    /// The server's answer to [`Self::fetch_summary_file`]: write it (through a temporary
    /// file) where the supervisor chose.
    pub(crate) fn save_summary_file(&mut self, result: Result<ApiReply, ApiError>) {
        use supervisor::SummaryFile;
        let s = &mut self.state.supervisor;
        let Some(SummaryFile::Saving(path)) = s.file.take() else {
            return; // nothing asked (an answer to an earlier session)
        };
        s.file = Some(match result {
            Ok(reply) => match files::write_file(&path, &reply.bytes) {
                Ok(()) => SummaryFile::Saved(path),
                Err(e) => SummaryFile::Failed(e),
            },
            Err(e) => SummaryFile::Failed(e.to_string()),
        });
    }

    /// Make the open work order's service report from the local store and write it to
    /// `path`, on a thread of its own (works offline; the answer arrives in `poll_reports`).
    pub(super) fn save_report_pdf(&mut self, path: PathBuf) {
        use crate::file_names::with_pdf_extension;
        use crate::state::ReportPdfStatus;
        let Some(v) = &self.state.work_order else {
            return;
        };
        let (doc, path) = (v.id, with_pdf_extension(&path));
        let busy = matches!(
            &self.state.report_pdf,
            Some(ReportPdfStatus::Saving { doc: d, .. }) if *d == doc
        );
        if busy {
            return; // the answer of the running save comes first
        }
        let started = files::spawn_save(
            self.store.clone(),
            doc,
            self.state.identity.clone(),
            self.state.now_ms,
            path.clone(),
            self.reports_tx(),
            self.repaint_ctx(),
        );
        self.state.report_pdf = Some(match started {
            Ok(()) => ReportPdfStatus::Saving { doc, path },
            Err(error) => ReportPdfStatus::Failed { doc, error },
        });
    }
}

/// What a save of the supervisor's dashboard fetches (`None`: not such a save).
fn export_of(purpose: PickPurpose) -> Option<supervisor::Export> {
    use supervisor::Export;
    match purpose {
        PickPurpose::SaveSummaryPdf => Some(Export::SummaryPdf),
        PickPurpose::SaveSummaryCsv => Some(Export::SummaryCsv),
        PickPurpose::SaveTasksPdf => Some(Export::TasksPdf),
        PickPurpose::SaveTasksCsv => Some(Export::TasksCsv),
        PickPurpose::AttachPhoto | PickPurpose::SaveReport => None,
    }
}
