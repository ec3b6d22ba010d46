//! fieldsync-app: the field engineer's offline workday on egui.
//!
//! Layout (following the egui demo app / rerun habits): [`state`] holds what the screens show
//! and edit; [`screens`] draw it and return [`command::Command`]s; [`app::FieldApp`] applies
//! the commands to the local store after drawing; [`worker`] syncs in a background thread and
//! reports back through a channel. UI code never touches the network and never waits.

// Edit closures return `fieldsync::model::ModelError` as `LocalStore::edit` requires; that
// type is the library's (large), so clippy's size lint is not ours to fix here.
#![allow(clippy::result_large_err)]

pub mod app;
pub mod command;
pub mod config;
#[cfg(feature = "demo")]
pub mod demo;
pub mod file_names;
pub mod fonts;
pub mod format;
pub mod runtime;
pub mod sample;
pub mod screens;
pub mod signature;
pub mod state;
pub mod thumbs;
pub mod time_input;
pub mod views;

pub use app::FieldApp;
