//! File names the app proposes and completes: only characters every file system accepts,
//! and the extension the file will have. Pure functions (no I/O).

use fieldsync::model::WorkOrder;
use std::path::{Path, PathBuf};

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

/// `path` with `suffix` added to its file name (`r.pdf` + `.part` = `r.pdf.part`).
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
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
}
