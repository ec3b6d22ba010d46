//! The building blocks of the `fieldsync-server` command line: serving, the demo, CSV
//! import, JSON export, app installations (list, revoke) and the move from SQLite to
//! PostgreSQL.

pub mod demo;
pub mod devices;
pub mod export;
pub mod import;
pub mod pg_migrate;
pub mod serve;
