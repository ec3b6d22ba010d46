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
                crate::storage::redact_url(&url)
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

#[cfg(test)]
thread_local! {
    /// The PostgreSQL server the test on this thread runs on (`None`: SQLite). Set by the
    /// variants [`also_on_postgres!`] generates; `#[tokio::test]` bodies run on the calling
    /// thread, so the one test body sees it.
    static TEST_POSTGRES: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Switch this test thread to PostgreSQL; `false` (after a SKIPPED notice) when no server is
/// configured.
#[cfg(test)]
pub fn enter_postgres(test: &str) -> bool {
    let Some(url) = test_url_or_skip(test) else {
        return false;
    };
    TEST_POSTGRES.with(|u| *u.borrow_mut() = Some(url));
    true
}

/// The database a test on this thread uses: a fresh PostgreSQL database when the thread was
/// switched by [`enter_postgres`] (kept alive by the returned guard), else the SQLite file
/// of `data_dir`.
#[cfg(test)]
pub fn test_database(data_dir: &std::path::Path) -> (String, Option<ScratchDb>) {
    match TEST_POSTGRES.with(|u| u.borrow().clone()) {
        Some(admin) => {
            let db = ScratchDb::create(&admin).expect("create a PostgreSQL test database");
            (db.url.clone(), Some(db))
        }
        None => (crate::storage::url_for_data_dir(data_dir), None),
    }
}

/// For each named `#[tokio::test]`/`#[test]` of the enclosing module, a test of the same name
/// in module `on_postgres` that runs it on a throw-away PostgreSQL database (or prints
/// SKIPPED when `FIELDSYNC_TEST_POSTGRES_URL` is unset). The test body must get its database
/// from [`test_database`].
#[cfg(test)]
macro_rules! also_on_postgres {
    ($($name:ident),* $(,)?) => {
        mod on_postgres {
            $(
                #[test]
                fn $name() {
                    if $crate::storage::postgres::scratch::enter_postgres(stringify!($name)) {
                        super::$name();
                    }
                }
            )*
        }
    };
}
#[cfg(test)]
pub(crate) use also_on_postgres;
