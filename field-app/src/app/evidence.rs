//! The review page's evidence and names: photos opened from this device or fetched from the
//! server's blob endpoint (through the API thread), kept in the blob store and decoded on
//! the background thread; the textures of the few most recently loaded photos; and the people
//! directory, asked when the server is reached and saved off the UI thread.

use super::FieldApp;
use crate::runtime::background::{Done, Job, Opened};
use crate::runtime::messages::{ApiAnswer, ToWorker};
use crate::state::people;
use crate::state::photos::{self, PhotoState};

/// Photo textures kept at once (each up to 1600 × 1200 px, 7.7 MB): the page shows two or
/// three at a time, the viewer one.
pub const MAX_TEXTURES: usize = 8;

impl FieldApp {
    /// The page shows a photo that has no state yet: open it here, else fetch it.
    pub(super) fn load_photo(&mut self, sha256: String) {
        if self.state.photos.by_sha.contains_key(&sha256) {
            return;
        }
        self.state
            .photos
            .by_sha
            .insert(sha256.clone(), PhotoState::Loading);
        self.background.send(Job::OpenPhoto(sha256));
    }

    /// The answer to a photo's blob call: keep and open the bytes, or say why not.
    pub(super) fn photo_answer(&mut self, answer: ApiAnswer) {
        crate::state::note_contact(&mut self.state, &answer.result);
        let Some(sha256) = answer.tag.strip_prefix(photos::TAG) else {
            return;
        };
        if !self.state.photos.by_sha.contains_key(sha256) {
            return; // the page was left meanwhile
        }
        match answer.result {
            Ok(reply) => self.background.send(Job::KeepPhoto {
                sha256: sha256.to_owned(),
                bytes: reply.bytes,
                now: self.state.now_ms,
            }),
            Err(e) => self.state.photos.failed(sha256, &e),
        }
    }

    /// Fold in what the background thread finished.
    pub(super) fn poll_background(&mut self, ctx: &egui::Context) {
        let done: Vec<Done> = self.background.done.try_iter().collect();
        for d in done {
            self.fold_done(ctx, d);
        }
        // Leaving the page lets its photos go.
        if self.state.review_history.doc.is_none() && !self.state.photos.by_sha.is_empty() {
            self.textures.clear();
            self.state.photos = Default::default();
        }
    }

    fn fold_done(&mut self, ctx: &egui::Context, d: Done) {
        match d {
            Done::PhotoCopied {
                work_order,
                path,
                caption,
                at,
                copied,
            } => self.photo_copied(work_order, &path, caption, at, copied),
            Done::Photo { sha256, opened } => self.photo_opened(ctx, sha256, opened),
            Done::PeopleSaved(Ok(())) => {}
            Done::PeopleSaved(Err(e)) => {
                tracing::warn!(error = %e, "people directory not saved; names may show as ids offline");
            }
        }
    }

    fn photo_opened(&mut self, ctx: &egui::Context, sha256: String, opened: Opened) {
        let photos = &mut self.state.photos;
        if !photos.by_sha.contains_key(&sha256) {
            return; // the page was left meanwhile
        }
        match opened {
            Opened::Ready(image) => {
                let size = image.size;
                let handle = ctx.load_texture(
                    format!("photo-{sha256}"),
                    image,
                    egui::TextureOptions::LINEAR,
                );
                let texture = handle.id();
                self.textures.retain(|(s, _)| *s != sha256);
                self.textures.push_back((sha256.clone(), handle));
                while self.textures.len() > MAX_TEXTURES {
                    if let Some((old, _)) = self.textures.pop_front() {
                        // Shown again, it is opened again (from this device now).
                        photos.by_sha.remove(&old);
                    }
                }
                photos
                    .by_sha
                    .insert(sha256, PhotoState::Ready { texture, size });
            }
            Opened::NotHere => {
                let call = photos::blob_call(&sha256);
                self.send(ToWorker::Api(call));
            }
            Opened::Failed(why) => {
                photos.by_sha.insert(sha256, PhotoState::Failed(why));
            }
        }
    }

    /// Ask the server for the people directory once per session (again after a failure).
    pub(super) fn ask_people(&mut self) {
        if self.state.identity.is_some() && !self.state.people.asked {
            self.state.people.asked = true;
            self.send(ToWorker::Api(people::call()));
        }
    }

    /// A newer directory arrived: save it off the UI thread.
    pub(super) fn save_people(&mut self) {
        if let Some(json) = self.state.people.unsaved.take() {
            self.background.send(Job::SavePeople(json));
        }
    }

    /// Wait up to `timeout` for one background job and fold it in (tests; the UI never
    /// waits). Returns whether one finished (`false` before the first frame).
    pub fn wait_for_background(&mut self, timeout: std::time::Duration) -> bool {
        let Some(ctx) = self.ctx.clone() else {
            return false;
        };
        match self.background.done.recv_timeout(timeout) {
            Ok(d) => {
                self.fold_done(&ctx, d);
                true
            }
            Err(_) => false,
        }
    }
}
