//! Throw-away PostgreSQL databases for tests: each test creates its own database with a random
//! name on the server named by `FIELDSYNC_TEST_POSTGRES_URL`, and drops it when done, so
//! tests run in parallel without seeing each other.

use crate::storage::{Result, StorageError};
use postgres::{Client, NoTls};

/// The environment variable naming the PostgreSQL server tests may use, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`. Unset: PostgreSQL tests are skipped.
pub const TEST_URL_VAR: &str = "FIELDSYNC_TEST_POSTGRES_URL";

/// The test server's URL, or `None` (after printing a notice naming `test`) when unset.
pub fn test_url_or_skip(test: &str) -> Option<String> {
    match std::env::var(TEST_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            // Straight to the process's stderr: the test harness captures `eprintln!`, and a
            // skip must be seen, not pass silently as if it had run.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test} on PostgreSQL: set {TEST_URL_VAR} to run it"
            );
            None
        }
    }
}

/// A database created for one test and dropped (with its connections) on `Drop`.
#[derive(Debug)]
pub struct ScratchDb {
    /// URL of the new database.
    pub url: String,
    admin_url: String,
    name: String,
}

impl ScratchDb {
    /// Create an empty database with a random name on the server of `admin_url`.
    pub fn create(admin_url: &str) -> Result<Self> {
        let name = format!("fieldsync_test_{}", uuid::Uuid::new_v4().simple());
        let url = with_database(admin_url, &name)?;
        admin(admin_url, &format!("CREATE DATABASE {name}"))?;
        Ok(Self {
            url,
            admin_url: admin_url.to_owned(),
            name,
        })
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(e) = admin(&self.admin_url, &sql) {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
    }
}

/// Run one statement on the admin connection, off any async worker thread.
fn admin(admin_url: &str, sql: &str) -> Result<()> {
    let (url, sql) = (admin_url.to_owned(), sql.to_owned());
    std::thread::spawn(move || -> Result<()> {
        let mut c = Client::connect(&url, NoTls).map_err(|e| {
            StorageError::Backend(format!(
                "cannot connect to {}: {e}",
                crate::config::redact_url(&url)
            ))
        })?;
        c.batch_execute(&sql)?;
        Ok(())
    })
    .join()
    .map_err(|_| StorageError::Backend("admin thread panicked".into()))?
}

/// `url` with its database name replaced by `name` (query parameters kept).
pub fn with_database(url: &str, name: &str) -> Result<String> {
    let scheme_end = url
        .find("://")
        .ok_or_else(|| StorageError::Invalid("a PostgreSQL URL starts with postgres://".into()))?
        + 3;
    let (head, rest) = url.split_at(scheme_end);
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let query = tail.find('?').map(|i| &tail[i..]).unwrap_or("");
    Ok(format!("{head}{authority}/{name}{query}"))
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name() {
        for (url, want) in [
            ("postgres://u@h:5432/postgres", "postgres://u@h:5432/x"),
            ("postgres://u@h", "postgres://u@h/x"),
            (
                "postgres://u:p@h/db?sslmode=disable",
                "postgres://u:p@h/x?sslmode=disable",
            ),
            ("postgresql://h?user=u", "postgresql://h/x?user=u"),
        ] {
            assert_eq!(with_database(url, "x").unwrap(), want);
        }
    }
}
