//! Photo thumbnails: a small PNG per attached photo, made once on a background thread (a
//! 12-megapixel JPEG takes a while to decode) and kept beside the blob store, so a work order
//! with many photos opens at once and the window never decodes full-size images.

use fieldsync_i18n::t;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};

/// Longest side of a thumbnail, in pixels.
pub const THUMB_SIZE: u32 = 320;

/// What the photo list can show for one photo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Thumb {
    /// An image URI for `egui::Image` (`file://…png`).
    Ready(String),
    /// Not made yet: the photo's file on this device.
    Pending(PathBuf),
    /// No preview, and why ("kept on the device that took it", "HEIC has no preview").
    Unavailable(String),
}

/// Where the thumbnail of the blob at `blob` lives: `<store>/thumbs/<sha256>.png`.
pub fn thumb_path(blob: &Path) -> Option<PathBuf> {
    let name = blob.file_name()?.to_str()?;
    let store = blob.parent()?.parent()?;
    Some(store.join("thumbs").join(format!("{name}.png")))
}

/// The `egui::Image` URI of a thumbnail file.
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// What to show for a photo whose blob is at `blob` (if the photo is on this device).
pub fn state_of(blob: Option<&Path>) -> Thumb {
    let Some(blob) = blob else {
        return Thumb::Unavailable(t!("eng-thumb-elsewhere"));
    };
    match thumb_path(blob) {
        Some(t) if t.exists() => Thumb::Ready(uri(&t)),
        Some(_) => Thumb::Pending(blob.to_owned()),
        None => Thumb::Unavailable(t!("eng-thumb-no-preview")),
    }
}

/// Decode `blob`, shrink it to [`THUMB_SIZE`] and write the PNG atomically to `out`.
pub fn make(blob: &Path, out: &Path) -> Result<(), String> {
    let img = image::ImageReader::open(blob)
        .map_err(|e| {
            t!(
                "eng-thumb-cannot-read",
                path = blob.display().to_string(),
                error = e.to_string()
            )
        })?
        .with_guessed_format()
        .map_err(|e| {
            t!(
                "eng-thumb-cannot-read",
                path = blob.display().to_string(),
                error = e.to_string()
            )
        })?
        .decode()
        .map_err(|e| t!("eng-thumb-not-image", error = e.to_string()))?;
    let thumb = img.thumbnail(THUMB_SIZE, THUMB_SIZE);
    let dir = out.parent().ok_or_else(|| t!("eng-thumb-no-folder"))?;
    std::fs::create_dir_all(dir).map_err(|e| {
        t!(
            "eng-thumb-cannot-create",
            path = dir.display().to_string(),
            error = e.to_string()
        )
    })?;
    let tmp = out.with_extension("png.part");
    thumb
        .save_with_format(&tmp, image::ImageFormat::Png)
        .map_err(|e| t!("eng-thumb-cannot-write", error = e.to_string()))?;
    std::fs::rename(&tmp, out).map_err(|e| t!("eng-thumb-cannot-write", error = e.to_string()))
}

/// A finished thumbnail: the photo's sha256 and its URI, or why there is none.
pub type Made = (String, Result<String, String>);

/// The background thread that makes thumbnails, one at a time.
pub struct Thumbnailer {
    jobs: Sender<(String, PathBuf)>,
    pub done: Receiver<Made>,
}

impl std::fmt::Debug for Thumbnailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Thumbnailer").finish_non_exhaustive()
    }
}

impl Thumbnailer {
    pub fn spawn() -> Self {
        let (jobs, rx) = std::sync::mpsc::channel::<(String, PathBuf)>();
        let (tx, done) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("fieldsync-thumbs".into())
            .spawn(move || {
                for (sha, blob) in rx {
                    let result = match thumb_path(&blob) {
                        Some(out) if out.exists() => Ok(uri(&out)),
                        Some(out) => make(&blob, &out).map(|()| uri(&out)),
                        None => Err(t!("eng-thumb-no-preview")),
                    };
                    if tx.send((sha, result)).is_err() {
                        return;
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no thumbnail thread; photos show without previews");
        }
        Thumbnailer { jobs, done }
    }

    /// Queue a photo (its sha256 and blob path).
    pub fn request(&self, sha256: &str, blob: PathBuf) {
        let _ = self.jobs.send((sha256.to_string(), blob));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever a photo file holds, making its thumbnail answers an error or a PNG —
        /// never a panic, never a half-written file.
        #[test]
        fn arbitrary_files_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let dir = tempfile::tempdir().unwrap();
            let blob = dir.path().join("blobs").join("c".repeat(64));
            std::fs::create_dir_all(blob.parent().unwrap()).unwrap();
            std::fs::write(&blob, &bytes).unwrap();
            let out = thumb_path(&blob).unwrap();
            match make(&blob, &out) {
                Ok(()) => prop_assert!(image::open(&out).is_ok()),
                Err(_) => prop_assert!(!out.exists()),
            }
        }
    }

    #[test]
    fn makes_a_small_png_once_and_reports_unreadable_files() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = dir.path().join("blobs");
        std::fs::create_dir_all(&blobs).unwrap();
        let blob = blobs.join("a".repeat(64));
        let img = image::RgbImage::from_fn(1200, 900, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        img.save_with_format(&blob, image::ImageFormat::Jpeg)
            .unwrap();

        assert_eq!(state_of(Some(&blob)), Thumb::Pending(blob.clone()));
        let out = thumb_path(&blob).unwrap();
        assert!(out.starts_with(dir.path().join("thumbs")));
        make(&blob, &out).unwrap();
        let t = image::open(&out).unwrap();
        assert_eq!((t.width(), t.height()), (320, 240));
        assert_eq!(state_of(Some(&blob)), Thumb::Ready(uri(&out)));

        let junk = blobs.join("b".repeat(64));
        std::fs::write(&junk, b"not an image").unwrap();
        let err = make(&junk, &thumb_path(&junk).unwrap()).unwrap_err();
        assert!(err.contains("not a readable image"), "{err}");
        assert!(
            !thumb_path(&junk).unwrap().exists(),
            "no half-written thumbnail"
        );

        assert!(matches!(state_of(None), Thumb::Unavailable(_)));
    }
}
