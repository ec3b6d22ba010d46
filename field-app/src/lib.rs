//! fieldsync-app: the field engineer's offline workday on egui.
//!
//! Four layers, imports pointing one way (`app → screens → state → runtime`), following the
//! egui demo app / rerun habits: [`runtime`] does all I/O (store handle, sync worker, office
//! API thread, files); [`state`] holds what the screens show and edit, the
//! [`state::command::Command`]s they push, and folds server answers in; [`screens`] draw it,
//! by role; [`app::FieldApp`] applies the commands to the local store after drawing. Leaf
//! helpers (`format`, `file_names`, `time_input`, `widgets`, `signature`, `fonts`,
//! `config`, `sample`) import none of the four. UI code never touches the network and never waits.

// Edit closures return `fieldsync::model::ModelError` as `LocalStore::edit` requires; that
// type is the library's (large), so clippy's size lint is not ours to fix here.
#![allow(clippy::result_large_err)]

pub mod app;
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
pub mod time_input;
pub mod widgets;

pub use app::FieldApp;
