//! Router tests: the whole HTTP API driven with `oneshot` requests, no socket.

mod http;
mod problems;
mod rotation;
mod scheduling;
mod service_desk;
mod sessions;
mod summary_notes;
mod supervisor;
mod tasks_table;
