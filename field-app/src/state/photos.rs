//! Photos and the signature image on the review page: what each shows — loading, not
//! uploaded yet by the engineer, offline, failed (why), or ready as a texture the app holds
//! — and which photo the full-size viewer shows. The app fetches and decodes them
//! (`crate::app`); the page asks with [`Command::LoadPhoto`](super::command::Command).

use crate::runtime::messages::{ApiCall, ApiError};
use fieldsync::model::{PhotoRef, WorkOrder};
use fieldsync_i18n::t;
use std::collections::BTreeMap;

/// Tag prefix of a photo's blob call: `photo:<sha256>`.
pub const TAG: &str = "photo:";

/// What one photo shows.
#[derive(Clone, Debug, PartialEq)]
pub enum PhotoState {
    Loading,
    /// The server does not have it: the engineer's device has not sent it yet.
    NotUploaded,
    /// The server cannot be reached; it loads when it can.
    Offline,
    Failed(String),
    /// Decoded; the texture is held by the app (it may let it go to bound memory, and the
    /// entry goes with it).
    Ready {
        texture: egui::TextureId,
        size: [usize; 2],
    },
}

/// The review page's photos by sha256, and the viewer.
#[derive(Clone, Debug, Default)]
pub struct Photos {
    pub by_sha: BTreeMap<String, PhotoState>,
    /// The photo open at full size (its sha256).
    pub viewer: Option<String>,
}

impl Photos {
    /// After the server was reached: photos that were offline or not uploaded yet are asked
    /// again when shown.
    pub fn retry_unreachable(&mut self) {
        self.by_sha
            .retain(|_, s| !matches!(s, PhotoState::Offline | PhotoState::NotUploaded));
    }

    /// The server's answer to a blob call failed: what the photo shows.
    pub fn failed(&mut self, sha256: &str, e: &ApiError) {
        let state = match e {
            e if e.is_not_found() => PhotoState::NotUploaded,
            ApiError::Offline(_) => PhotoState::Offline,
            ApiError::NeedsSignIn => PhotoState::Failed(t!("review-photo-sign-in")),
            e => PhotoState::Failed(e.to_string()),
        };
        self.by_sha.insert(sha256.to_owned(), state);
    }
}

/// `GET /v1/blobs/{sha256}`.
pub fn blob_call(sha256: &str) -> ApiCall {
    // The name comes from a document: escaped, so it can only ever name a blob.
    let segment = crate::runtime::messages::path_segment(sha256);
    ApiCall::get(format!("{TAG}{sha256}"), format!("/v1/blobs/{segment}"))
}

/// A work order's photos in the order they were taken (then by key, for photos without a
/// time), as the page and the viewer step through them.
pub fn in_order(wo: &WorkOrder) -> Vec<&PhotoRef> {
    let mut list: Vec<(&String, &PhotoRef)> = wo.photos.iter().collect();
    list.sort_by(|a, b| (a.1.at_ms, a.0).cmp(&(b.1.at_ms, b.0)));
    list.into_iter().map(|(_, p)| p).collect()
}
