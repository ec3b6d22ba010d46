//! `fieldsync-server migrate-to-postgres`: copy a SQLite deployment into an empty PostgreSQL
//! database in one transaction, then verify row counts and every document's heads.
//!
//! Tables are copied by name and column, so tables added by later SQLite migrations copy too
//! as long as the PostgreSQL schema has them; a non-empty SQLite table that PostgreSQL lacks
//! stops the copy with nothing written.

use crate::storage::postgres::PgStorage;
use crate::storage::sqlite::SqliteStorage;
use crate::storage::{Result, Storage, StorageError};
use postgres::types::{ToSql, Type};
use rusqlite::types::Value;
use std::path::Path;

/// Parents before children (foreign keys); other tables follow in name order.
const FIRST: &[&str] = &[
    "meta",
    "users",
    "devices",
    "tokens",
    "actors",
    "docs",
    "change_log",
];

/// SQLite-only bookkeeping the PostgreSQL backend does without: not copied. (`briefcase_mark`
/// lets a SQLite answer page skip comparing a device's briefcase with what it holds; without
/// it the pages compare, as PostgreSQL's always do.)
const SQLITE_ONLY: &[(&str, &str)] = &[("devices", "briefcase_mark")];

/// What was copied.
#[derive(Clone, Debug, Default)]
pub struct CopyReport {
    /// `(table, rows)` in copy order.
    pub tables: Vec<(String, u64)>,
    /// Documents whose heads were checked on both sides.
    pub docs_verified: u64,
}

/// Copy the SQLite database at `from` into the (empty) PostgreSQL database at `to`.
pub fn copy_sqlite_to_postgres(from: &Path, to: &str) -> Result<CopyReport> {
    crate::storage::postgres::off_runtime(|| copy(from, to))
}

fn copy(from: &Path, to: &str) -> Result<CopyReport> {
    if !from.exists() {
        return Err(StorageError::NotFound(format!(
            "no SQLite database at {}",
            from.display()
        )));
    }
    let src = SqliteStorage::open(from)?;
    src.migrate()?;
    let dst = PgStorage::open(to, 2)?;
    dst.migrate()?;
    let mut report = CopyReport::default();
    {
        let conn = src.conn();
        let tables = sqlite_tables(&conn)?;
        let mut pg = crate::storage::postgres::tls::Target::parse(to)?.connect()?;
        report.tables = copy_tables(&conn, &mut pg, &tables)?;
    }
    report.docs_verified = verify(&src, &dst, &report.tables)?;
    Ok(report)
}

fn sqlite_tables(conn: &rusqlite::Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let mut names: Vec<String> = st
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    names.sort_by_key(|n| FIRST.iter().position(|f| f == n).unwrap_or(FIRST.len()));
    Ok(names)
}

/// PostgreSQL columns of `table` with their types (empty: no such table).
fn pg_columns(pg: &mut postgres::Transaction<'_>, table: &str) -> Result<Vec<(String, Type)>> {
    let stmt = pg.prepare(&format!("SELECT * FROM \"{table}\" LIMIT 0"));
    match stmt {
        Ok(s) => Ok(s
            .columns()
            .iter()
            .map(|c| (c.name().to_owned(), c.type_().clone()))
            .collect()),
        Err(e) if e.code() == Some(&postgres::error::SqlState::UNDEFINED_TABLE) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

fn copy_tables(
    conn: &rusqlite::Connection,
    pg: &mut postgres::Client,
    tables: &[String],
) -> Result<Vec<(String, u64)>> {
    let mut tx = pg.transaction()?;
    let existing: i64 = tx
        .query_one(
            "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM docs)",
            &[],
        )?
        .get(0);
    if existing > 0 {
        return Err(StorageError::Conflict(
            "the PostgreSQL database already holds users or documents; copy into an empty one"
                .into(),
        ));
    }
    // The target's own fresh server identity gives way to the source's.
    tx.execute("DELETE FROM meta", &[])?;
    let mut copied = Vec::new();
    for table in tables {
        let rows: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM \"{table}\""), [], |r| {
            r.get(0)
        })?;
        let cols = pg_columns(&mut tx, table)?;
        if cols.is_empty() {
            if rows > 0 {
                return Err(StorageError::Invalid(format!(
                    "SQLite table {table} has {rows} row(s) but the PostgreSQL schema has no such table; nothing was copied"
                )));
            }
            continue;
        }
        let n = copy_table(conn, &mut tx, table, &cols)?;
        copied.push((table.clone(), n));
    }
    // Counters that continue after the copied rows.
    tx.execute(
        "UPDATE log_head SET seq = (SELECT COALESCE(MAX(seq), 0) FROM change_log)",
        &[],
    )?;
    for table in ["rejections", "notifications"] {
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
            ),
            &[],
        )?;
    }
    tx.commit()?;
    Ok(copied)
}

fn copy_table(
    conn: &rusqlite::Connection,
    tx: &mut postgres::Transaction<'_>,
    table: &str,
    pg_cols: &[(String, Type)],
) -> Result<u64> {
    let sqlite_cols: Vec<String> = {
        let st = conn.prepare(&format!("SELECT * FROM \"{table}\" LIMIT 0"))?;
        st.column_names()
            .filter(|c| !SQLITE_ONLY.contains(&(table, *c)))
            .map(str::to_owned)
            .collect()
    };
    let cols: Vec<&(String, Type)> = pg_cols
        .iter()
        .filter(|(name, _)| sqlite_cols.contains(name))
        .collect();
    if let Some(missing) = sqlite_cols
        .iter()
        .find(|c| !pg_cols.iter().any(|(n, _)| n == *c))
    {
        return Err(StorageError::Invalid(format!(
            "SQLite column {table}.{missing} has no PostgreSQL counterpart; nothing was copied"
        )));
    }
    let names = cols
        .iter()
        .map(|(n, _)| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let params = (1..=cols.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let insert = tx.prepare(&format!(
        "INSERT INTO \"{table}\" ({names}) VALUES ({params})"
    ))?;
    let mut st = conn.prepare(&format!("SELECT {names} FROM \"{table}\""))?;
    let mut rows = st.query([])?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let mut values: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(cols.len());
        for (i, (name, ty)) in cols.iter().enumerate() {
            let v: Value = r.get(i)?;
            values.push(convert(v, ty).map_err(|why| {
                StorageError::Invalid(format!("{table}.{name}: {why}; nothing was copied"))
            })?);
        }
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|b| b.as_ref()).collect();
        tx.execute(&insert, &refs)?;
        n += 1;
    }
    Ok(n)
}

/// A SQLite value as a parameter of PostgreSQL type `ty`.
fn convert(v: Value, ty: &Type) -> std::result::Result<Box<dyn ToSql + Sync>, String> {
    Ok(match (v, ty) {
        (Value::Null, t) if *t == Type::BOOL => Box::new(None::<bool>),
        (Value::Null, t) if *t == Type::INT4 => Box::new(None::<i32>),
        (Value::Null, t) if *t == Type::INT8 => Box::new(None::<i64>),
        (Value::Null, t) if *t == Type::FLOAT8 => Box::new(None::<f64>),
        (Value::Null, t) if *t == Type::BYTEA => Box::new(None::<Vec<u8>>),
        (Value::Null, _) => Box::new(None::<String>),
        (Value::Integer(i), t) if *t == Type::BOOL => Box::new(i != 0),
        (Value::Integer(i), t) if *t == Type::INT4 => {
            Box::new(i32::try_from(i).map_err(|_| format!("{i} is out of range"))?)
        }
        (Value::Integer(i), t) if *t == Type::INT8 => Box::new(i),
        (Value::Integer(i), t) if *t == Type::FLOAT8 => Box::new(i as f64),
        (Value::Integer(i), t) if *t == Type::TEXT => Box::new(i.to_string()),
        (Value::Real(f), t) if *t == Type::FLOAT8 => Box::new(f),
        (Value::Text(s), t) if *t == Type::TEXT || *t == Type::VARCHAR => Box::new(s),
        (Value::Blob(b), t) if *t == Type::BYTEA => Box::new(b),
        (v, t) => return Err(format!("cannot store SQLite {:?} as {t}", v.data_type())),
    })
}

/// Every copied table has the same row count on both sides, and every document loads on
/// PostgreSQL with the heads it has on SQLite. Returns the number of documents checked.
fn verify(src: &SqliteStorage, dst: &PgStorage, tables: &[(String, u64)]) -> Result<u64> {
    for (table, rows) in tables {
        let t = table.clone();
        let on_pg: i64 = dst.with(move |c| {
            Ok(c.query_one(&format!("SELECT COUNT(*) FROM \"{t}\""), &[])?
                .get(0))
        })?;
        if on_pg as u64 != *rows {
            return Err(StorageError::Backend(format!(
                "table {table}: {rows} row(s) read from SQLite, {on_pg} on PostgreSQL"
            )));
        }
    }
    verify_scheduling(src, dst)?;
    let docs = src.all_doc_ids()?;
    for info in &docs {
        let heads_of = |s: &dyn Storage| -> Result<Vec<String>> {
            let (_, bytes) = s.doc_bytes(info.doc_id)?.ok_or_else(|| {
                StorageError::Backend(format!("document {} vanished", info.doc_id))
            })?;
            let doc = automerge::Automerge::load(&bytes).map_err(|e| {
                StorageError::Backend(format!("document {} does not load: {e}", info.doc_id))
            })?;
            let mut h: Vec<String> = doc.get_heads().iter().map(|h| h.to_string()).collect();
            h.sort();
            Ok(h)
        };
        let (a, b) = (heads_of(src)?, heads_of(dst)?);
        if a != b {
            return Err(StorageError::Backend(format!(
                "document {}: heads differ after the copy ({a:?} on SQLite, {b:?} on PostgreSQL)",
                info.doc_id
            )));
        }
    }
    Ok(docs.len() as u64)
}

/// Contracts, plans and engineer profiles read back through PostgreSQL's scheduling store
/// exactly as SQLite's answers them (bodies included, not only counts).
fn verify_scheduling(src: &SqliteStorage, dst: &PgStorage) -> Result<()> {
    use crate::storage::SchedulingStore;
    let differs = |what: &str| {
        StorageError::Backend(format!(
            "{what} read back from PostgreSQL differ from SQLite's after the copy"
        ))
    };
    let contracts = |s: &dyn SchedulingStore| -> Result<Vec<(String, String, i64)>> {
        Ok(s.list_contracts()?
            .into_iter()
            .map(|c| (c.customer_id, c.body, c.updated_at_ms))
            .collect())
    };
    if contracts(src)? != contracts(dst)? {
        return Err(differs("contracts"));
    }
    let plans = |s: &dyn SchedulingStore| -> Result<Vec<(String, bool, String)>> {
        Ok(s.list_plans()?
            .into_iter()
            .map(|p| (p.id, p.paused, p.body))
            .collect())
    };
    if plans(src)? != plans(dst)? {
        return Err(differs("plans"));
    }
    if src.profiles()? != dst.profiles()? {
        return Err(differs("engineer profiles"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::config::ServerConfig;
    use crate::state::AppState;
    use crate::storage;
    use crate::storage::postgres::scratch::{ScratchDb, test_url_or_skip};

    #[tokio::test]
    async fn a_demo_deployment_copies_with_counts_and_heads_verified() {
        let Some(admin) = test_url_or_skip("a_demo_deployment_copies") else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let config = ServerConfig {
            data_dir: dir.path().to_owned(),
            ..ServerConfig::default()
        };
        let state = AppState::new(storage::open(&config.database_url()).unwrap(), config).unwrap();
        let mut users = Vec::new();
        for (username, name, role, password) in crate::seed::demo_users(fieldsync_i18n::Lang::En) {
            users.push(
                crate::handlers::auth::create_user(&state.db, username, name, password, role)
                    .await
                    .unwrap(),
            );
        }
        let hub = state.hub.clone();
        let seed_users = users.clone();
        let seeded = tokio::task::spawn_blocking(move || {
            crate::seed::seed_demo(&hub, &seed_users, None, 1, fieldsync_i18n::Lang::En)
        })
        .await
        .unwrap()
        .unwrap();
        let sup = users
            .iter()
            .find(|u| u.role == fieldsync::Role::Supervisor)
            .unwrap()
            .id
            .to_string();
        crate::storage::scheduling_of(state.db.blocking())
            .unwrap()
            .add_notification(&crate::storage::NewNotification {
                user_id: sup.clone(),
                doc_id: None,
                kind: "sla".into(),
                message: "breached".into(),
                created_at_ms: 5,
            })
            .unwrap();
        let summary_notes = crate::storage::SummaryNotes {
            customer_id: "cust-northwind".into(),
            period: "2026-11".into(),
            technical_summary: "核心交换机运行正常。".into(),
            suggestions: "Replace the UPS batteries.".into(),
            plan_evaluation: "每周三巡检按计划完成。".into(),
            updated_by: sup.parse().unwrap(),
            updated_at_ms: 7,
        };
        state
            .db
            .blocking()
            .put_summary_notes(&summary_notes)
            .unwrap();
        let server_actor = state.db.blocking().server_actor().unwrap();
        let docs = state.db.blocking().all_doc_ids().unwrap().len();
        drop(state);

        let target = ScratchDb::create(&admin).unwrap();
        let file = dir.path().join("fieldsync.db");
        let url = target.url.clone();
        let report =
            tokio::task::spawn_blocking(move || super::copy_sqlite_to_postgres(&file, &url))
                .await
                .unwrap()
                .unwrap();
        assert_eq!(report.docs_verified as usize, docs);
        assert!(seeded.work_orders > 0);
        let rows = |t: &str| report.tables.iter().find(|(n, _)| n == t).map(|(_, r)| *r);
        assert_eq!(rows("users"), Some(5));
        assert!(rows("change_log").unwrap() >= docs as u64);
        // The scheduling tables: the demo's contracts, profiles, plans and their occurrences.
        assert_eq!(rows("contracts"), Some(3));
        assert_eq!(rows("engineer_profiles"), Some(2));
        assert!(rows("plans").unwrap() > 0);
        assert!(rows("plan_occurrences").unwrap() > 0);
        assert_eq!(rows("notifications"), Some(1));
        // The demo's written summaries (two months) and the one written above.
        assert_eq!(rows("summary_notes"), Some(seeded.summary_notes as u64 + 1));

        let url = target.url.clone();
        let again = tokio::task::spawn_blocking(move || {
            let pg = storage::open(&url).unwrap();
            assert_eq!(pg.blocking().server_actor().unwrap(), server_actor);
            assert_eq!(pg.blocking().list_users().unwrap().len(), 5);
            assert_eq!(
                pg.blocking()
                    .summary_notes("cust-northwind", "2026-11")
                    .unwrap(),
                Some(summary_notes)
            );
            assert_eq!(pg.blocking().all_doc_ids().unwrap().len(), docs);
            let sched = crate::storage::scheduling_of(pg.blocking()).unwrap();
            assert_eq!(sched.list_contracts().unwrap().len(), 3);
            let notes = sched.notifications(&sup, 10).unwrap();
            assert_eq!(notes.len(), 1);
            assert_eq!(notes[0].message, "breached");
            // New notifications continue after the copied ids.
            sched
                .add_notification(&crate::storage::NewNotification {
                    user_id: sup.clone(),
                    doc_id: None,
                    kind: "sla".into(),
                    message: "second".into(),
                    created_at_ms: 6,
                })
                .unwrap();
            assert_eq!(sched.notifications(&sup, 10).unwrap()[0].message, "second");
            let file = dir.path().join("fieldsync.db");
            super::copy_sqlite_to_postgres(&file, &url)
        })
        .await
        .unwrap();
        assert!(
            again.is_err(),
            "a second copy into a full database must be refused"
        );
    }
}
