//! Problem management (问题管理): the office links recurring incidents to one problem record,
//! writes down the root cause, the known error and its workaround, and publishes the known
//! error to the knowledge base so engineers find it offline. The records are the hub's own
//! rows (`crate::storage::ProblemStore`); the routes are in `crate::handlers::problems`.
//!
//! - [`input`]: checks of what a person sends (lengths, lists, the lifecycle);
//! - [`links`]: turning work order ids or numbers into linked incidents;
//! - [`candidates`]: recent incidents that look like one recurring problem;
//! - [`publish`]: the known error as a knowledge article document.

pub mod candidates;
pub mod input;
pub mod links;
pub mod publish;

#[cfg(test)]
mod tests;
