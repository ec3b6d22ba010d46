//! Router tests: the whole HTTP API driven with `oneshot` requests, no socket.

mod http;
mod scheduling;
mod sessions;
mod supervisor;
