//! Local work the window must not wait for, on one background thread: copying a photo the
//! engineer chose into the blob store (up to 50 MB read, hashed and written durably), opening
//! a photo from the blob store (decoded and shrunk to at most [`VIEW_SIDE`] pixels, so a 12-megapixel
//! photo never becomes a full-size texture), keeping a photo fetched from the server (its
//! hash checked) so it shows offline next time, and saving the people directory. Results
//! come back on a channel the app reads each frame; the window is woken when one is ready.

use super::store::{SharedStore, explain, lock, meta};
use fieldsync::{DocId, TimestampMs};
use fieldsync_i18n::t;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, OnceLock};

/// Longest side of a photo as the app shows it, in pixels: sharp at full window size on a
/// 1920 px screen, 7.7 MB as a texture.
pub const VIEW_SIDE: u32 = 1600;

/// Largest photo the app copies into its store.
pub const MAX_PHOTO_BYTES: u64 = 50 * 1024 * 1024;

/// What the thread is asked to do.
#[derive(Debug)]
pub enum Job {
    /// Copy the photo at `path` into the blob store for `work_order`; the app attaches it
    /// to the work order when the copy is durable.
    CopyPhoto {
        work_order: DocId,
        path: PathBuf,
        media: &'static str,
        caption: Option<String>,
        now: TimestampMs,
    },
    /// Open the photo with this sha256 if this device holds it.
    OpenPhoto(String),
    /// Keep a photo fetched from the server (`bytes` must hash to `sha256`), then open it.
    KeepPhoto {
        sha256: String,
        bytes: Vec<u8>,
        now: TimestampMs,
    },
    /// Save the people directory (JSON) in the store.
    SavePeople(String),
}

/// What opening a photo gave.
#[derive(Debug)]
pub enum Opened {
    /// Decoded and shrunk to fit [`VIEW_SIDE`].
    Ready(egui::ColorImage),
    /// This device does not hold it (ask the server).
    NotHere,
    /// Why it cannot be shown.
    Failed(String),
}

/// A finished job.
#[derive(Debug)]
pub enum Done {
    /// A photo copied into the blob store (its sha256), or why not, in words.
    PhotoCopied {
        work_order: DocId,
        path: PathBuf,
        caption: Option<String>,
        at: TimestampMs,
        copied: Result<String, String>,
    },
    Photo {
        sha256: String,
        opened: Opened,
    },
    PeopleSaved(Result<(), String>),
}

/// The app's handle on the thread.
pub struct Background {
    jobs: Sender<Job>,
    pub done: Receiver<Done>,
    waker: Arc<OnceLock<egui::Context>>,
}

impl std::fmt::Debug for Background {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Background").finish_non_exhaustive()
    }
}

impl Background {
    pub fn spawn(store: SharedStore) -> Self {
        let (jobs, rx) = std::sync::mpsc::channel::<Job>();
        let (tx, done) = std::sync::mpsc::channel();
        let waker: Arc<OnceLock<egui::Context>> = Arc::default();
        let wake = waker.clone();
        let spawned = std::thread::Builder::new()
            .name("fieldsync-local".into())
            .spawn(move || {
                for job in rx {
                    if tx.send(run(&store, job)).is_err() {
                        return;
                    }
                    if let Some(ctx) = wake.get() {
                        ctx.request_repaint();
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no background thread; photos and names are not kept");
        }
        Background { jobs, done, waker }
    }

    /// Wake this window when a job is done (set on the first frame).
    pub fn wake(&self, ctx: &egui::Context) {
        let _ = self.waker.set(ctx.clone());
    }

    pub fn send(&self, job: Job) {
        let _ = self.jobs.send(job);
    }
}

fn run(store: &SharedStore, job: Job) -> Done {
    match job {
        Job::CopyPhoto {
            work_order,
            path,
            media,
            caption,
            now,
        } => {
            let copied = copy_photo(store, &path, media, now);
            Done::PhotoCopied {
                work_order,
                path,
                caption,
                at: now,
                copied,
            }
        }
        Job::OpenPhoto(sha256) => {
            let path = lock(store).blob_path(&sha256);
            let opened = match path {
                None => Opened::NotHere,
                Some(p) => match std::fs::read(&p) {
                    Ok(bytes) => decode_fitted(&bytes),
                    Err(e) => Opened::Failed(t!(
                        "eng-thumb-cannot-read",
                        path = p.display().to_string(),
                        error = e.to_string()
                    )),
                },
            };
            Done::Photo { sha256, opened }
        }
        Job::KeepPhoto { sha256, bytes, now } => {
            let opened = keep(store, &sha256, &bytes, now);
            Done::Photo { sha256, opened }
        }
        Job::SavePeople(json) => Done::PeopleSaved(
            lock(store)
                .set_meta(meta::PEOPLE, Some(&json))
                .map_err(|e| explain(&e)),
        ),
    }
}

/// Read a chosen photo (refused above [`MAX_PHOTO_BYTES`]) and keep it in the blob store;
/// its sha256, or why not. The store is locked only for the write, not for the read.
fn copy_photo(
    store: &SharedStore,
    path: &std::path::Path,
    media: &str,
    now: TimestampMs,
) -> Result<String, String> {
    let shown = path.display().to_string();
    let cannot_read = |e: std::io::Error| {
        t!(
            "eng-cmd-cannot-read",
            path = shown.as_str(),
            error = e.to_string()
        )
    };
    let size = std::fs::metadata(path).map_err(cannot_read)?.len();
    if size > MAX_PHOTO_BYTES {
        return Err(t!("eng-cmd-photo-too-large", path = shown.as_str()));
    }
    let bytes = std::fs::read(path).map_err(cannot_read)?;
    lock(store)
        .add_blob(&bytes, media, now)
        .map_err(|e| explain(&e))
}

/// Check a fetched photo against its name, keep it in the blob store, and open it. A photo
/// that cannot be kept still shows; it is fetched again next time.
fn keep(store: &SharedStore, sha256: &str, bytes: &[u8], now: TimestampMs) -> Opened {
    use sha2::Digest;
    if hex::encode(sha2::Sha256::digest(bytes)) != sha256 {
        return Opened::Failed(t!("review-photo-damaged"));
    }
    let media = image::guess_format(bytes)
        .map(|f| f.to_mime_type())
        .unwrap_or("application/octet-stream");
    if let Err(e) = lock(store).keep_fetched_blob(bytes, media, now) {
        tracing::warn!(error = %e, sha256, "a fetched photo could not be kept on this device");
    }
    decode_fitted(bytes)
}

/// Decode an image, turn it upright (camera orientation) and shrink it to fit
/// [`VIEW_SIDE`].
pub fn decode_fitted(bytes: &[u8]) -> Opened {
    use image::ImageDecoder;
    let not_image =
        |e: image::ImageError| Opened::Failed(t!("eng-thumb-not-image", error = e.to_string()));
    let reader = match image::ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format() {
        Ok(r) => r,
        Err(e) => return Opened::Failed(t!("eng-thumb-not-image", error = e.to_string())),
    };
    let mut decoder = match reader.into_decoder() {
        Ok(d) => d,
        Err(e) => return not_image(e),
    };
    let orientation = decoder.orientation().ok();
    let mut img = match image::DynamicImage::from_decoder(decoder) {
        Ok(i) => i,
        Err(e) => return not_image(e),
    };
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    if img.width() > VIEW_SIDE || img.height() > VIEW_SIDE {
        img = img.thumbnail(VIEW_SIDE, VIEW_SIDE);
    }
    let rgba = img.to_rgba8();
    let size = [rgba.width() as usize, rgba.height() as usize];
    Opened::Ready(egui::ColorImage::from_rgba_unmultiplied(
        size,
        rgba.as_raw(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever bytes the server or the disk hold, opening them answers an image or a
        /// reason, never a panic.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            match decode_fitted(&bytes) {
                Opened::Ready(img) => prop_assert!(img.width() <= VIEW_SIDE as usize),
                Opened::Failed(why) => prop_assert!(!why.is_empty()),
                Opened::NotHere => prop_assert!(false, "bytes are here"),
            }
        }
    }

    #[test]
    fn a_chosen_photo_is_copied_into_the_store_and_a_missing_one_explained() {
        let dir = tempfile::tempdir().unwrap();
        let store: SharedStore = Arc::new(std::sync::Mutex::new(
            fieldsync::store::LocalStore::open(dir.path()).unwrap(),
        ));
        let photo = dir.path().join("ups.jpg");
        std::fs::write(&photo, b"jpeg bytes").unwrap();
        let sha = copy_photo(&store, &photo, "image/jpeg", 1).unwrap();
        assert!(lock(&store).blob_path(&sha).is_some());
        assert_eq!(
            lock(&store).pending_blobs().unwrap().len(),
            1,
            "to be uploaded"
        );
        let missing = dir.path().join("gone.jpg");
        let why = copy_photo(&store, &missing, "image/jpeg", 1).unwrap_err();
        assert!(why.contains("gone.jpg"), "{why}");
    }

    #[test]
    fn a_large_photo_is_shrunk_and_a_damaged_download_refused() {
        let img = image::RgbImage::from_fn(4000, 3000, |x, _| image::Rgb([(x % 256) as u8, 0, 0]));
        let mut jpeg = Vec::new();
        img.write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
        match decode_fitted(&jpeg) {
            Opened::Ready(c) => assert_eq!(c.size, [1600, 1200]),
            other => panic!("{other:?}"),
        }
        let dir = tempfile::tempdir().unwrap();
        let store: SharedStore = Arc::new(std::sync::Mutex::new(
            fieldsync::store::LocalStore::open(dir.path()).unwrap(),
        ));
        let wrong = "0".repeat(64);
        assert!(matches!(keep(&store, &wrong, &jpeg, 1), Opened::Failed(_)));
        assert!(lock(&store).blob_path(&wrong).is_none());
        use sha2::Digest;
        let sha = hex::encode(sha2::Sha256::digest(&jpeg));
        assert!(matches!(keep(&store, &sha, &jpeg, 1), Opened::Ready(_)));
        assert!(lock(&store).blob_path(&sha).is_some(), "kept for offline");
        assert!(
            lock(&store).pending_blobs().unwrap().is_empty(),
            "not sent back"
        );
    }
}
