//! Runtime layer (the only one with I/O): may import leaf helpers; never state, screens or app.
//!
//! [`store`] is the shared store handle, [`messages`] what the UI, the sync [`worker`] and
//! the office-API thread ([`api`]) say to each other, [`net`] and [`trust`] the HTTP client
//! and certificate pinning, [`session`] renewing the short-lived access token, [`files`] the
//! file dialog's listing and file saving, [`background`] photo copying, decoding and small
//! store writes off the UI thread, [`thumbs`] the photo previews made on their own thread.

pub mod api;
pub mod background;
pub mod files;
pub mod messages;
pub mod net;
pub mod session;
pub mod store;
pub mod thumbs;
pub mod trust;
pub mod worker;

pub use messages::{
    ApiAnswer, ApiBody, ApiCall, ApiError, ApiMethod, ApiReply, FromWorker, SyncSummary, ToWorker,
};
pub use store::{SharedStore, lock, meta};
pub use worker::WorkerHandle;
