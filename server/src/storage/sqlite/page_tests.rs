//! The answer page's log rows (`page_rows`) and the cursor's confirmation statements: both
//! walks find the same rows, the cheaper one is chosen, and the statements SQLite runs on
//! every request use the indexes they were written for.

use super::SqliteStorage;
use super::docs::{CONFIRM_REMOVED, CONFIRM_SENT, FORGET_LOST, STILL_REMOVING};
use super::page_rows::{self, ALONG_HELD, ALONG_LOG};
use crate::storage::Storage;
use rusqlite::{Connection, params};

const DEV: &str = "device-a";
const OTHER: &str = "device-b";

fn storage() -> SqliteStorage {
    let s = SqliteStorage::open_in_memory().unwrap();
    s.migrate().unwrap();
    s
}

fn add_doc(c: &Connection, doc: &str) {
    c.execute(
        "INSERT INTO docs (doc_id, kind, created_at_ms, heads, last_seq, updated_at_ms)
         VALUES (?1, 'knowledge', 0, '', 0, 0)",
        [doc],
    )
    .unwrap();
}

/// Append one row for `doc` from `origin` (as `append_in` does: the log row, then `last_seq`).
fn append(c: &Connection, doc: &str, origin: Option<&str>) -> i64 {
    c.execute(
        "INSERT INTO change_log (doc_id, origin_device, bytes, change_count, received_at_ms)
         VALUES (?1, ?2, x'01', 1, 0)",
        params![doc, origin],
    )
    .unwrap();
    let seq = c.last_insert_rowid();
    c.execute(
        "UPDATE docs SET last_seq = ?2 WHERE doc_id = ?1",
        params![doc, seq],
    )
    .unwrap();
    seq
}

fn hold(c: &Connection, doc: &str, state: &str) {
    c.execute(
        "INSERT INTO device_docs (device_id, doc_id, state, delivery_no) VALUES (?1, ?2, ?3, 1)",
        params![DEV, doc, state],
    )
    .unwrap();
}

fn walk(c: &Connection, sql: &str, from: i64, top: i64) -> Vec<(i64, String)> {
    let mut st = c.prepare(sql).unwrap();
    st.query_map(params![DEV, from, top], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn page(c: &Connection, from: i64, top: i64) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    page_rows::for_each_row(c, DEV, from, top, |row| {
        out.push((row.seq, row.doc_id));
        Ok(true)
    })
    .unwrap();
    out
}

/// Three documents held among forty written by others: the page holds exactly the held
/// documents' rows after the position, not the device's own, in log order — whichever walk.
#[test]
fn both_walks_find_the_held_documents_rows_in_log_order() {
    let s = storage();
    let c = s.conn();
    let docs: Vec<String> = (0..40).map(|i| format!("doc-{i:02}")).collect();
    for d in &docs {
        add_doc(&c, d);
    }
    hold(&c, &docs[1], "held");
    hold(&c, &docs[2], "held");
    hold(&c, &docs[3], "pending"); // sent whole, unconfirmed: not on a page
    let early = append(&c, &docs[1], Some(OTHER)); // before the position
    let mut expected = Vec::new();
    for round in 0..3 {
        for (i, d) in docs.iter().enumerate() {
            let origin = if round == 1 && i == 2 { DEV } else { OTHER };
            let seq = append(&c, d, Some(origin));
            if (i == 1 || i == 2) && origin != DEV {
                expected.push((seq, d.clone()));
            }
        }
    }
    let top = append(&c, &docs[10], None);
    assert_eq!(walk(&c, ALONG_LOG, early, top), expected);
    assert_eq!(walk(&c, ALONG_HELD, early, top), expected);
    assert_eq!(page(&c, early, top), expected);
    // Up to a position below the end: only rows up to it.
    let mid = expected[2].0;
    assert_eq!(page(&c, early, mid), expected[..3].to_vec());
}

/// Few documents held and many rows appended since: the walk along what is held. Many held
/// and few appended: the walk along the log.
#[test]
fn the_walk_with_fewer_rows_is_chosen() {
    let s = storage();
    let c = s.conn();
    for i in 0..30 {
        add_doc(&c, &format!("doc-{i:02}"));
    }
    for i in 0..5 {
        hold(&c, &format!("doc-{i:02}"), "held");
    }
    let from = append(&c, "doc-00", Some(OTHER));
    for i in 0..30 {
        append(&c, &format!("doc-{i:02}"), Some(OTHER));
    }
    let top = from + 30;
    assert!(page_rows::walk_held(&c, DEV, from, top).unwrap());
    assert!(!page_rows::walk_held(&c, DEV, top - 2, top).unwrap());
    assert!(!page_rows::walk_held(&c, DEV, top, top).unwrap());
    assert_eq!(page(&c, top - 2, top), Vec::<(i64, String)>::new());
    assert_eq!(page(&c, from, top).len(), 5);
}

fn plan(c: &Connection, sql: &str, n: usize) -> String {
    let args: Vec<i64> = (1..=n as i64).collect();
    let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let rows = st
        .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
        .unwrap();
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .unwrap()
        .join("; ")
}

/// The confirmation's statements seek in the index of unsettled rows (a full read of what
/// the device holds, four times a request, is what it replaced); the walk along what is held
/// reads each changed document's log by its index.
#[test]
fn the_per_request_statements_use_their_indexes() {
    let s = storage();
    let c = s.conn();
    for (sql, n) in [
        (CONFIRM_SENT, 2),
        (FORGET_LOST, 2),
        (CONFIRM_REMOVED, 2),
        (STILL_REMOVING, 1),
    ] {
        let p = plan(&c, sql, n);
        assert!(p.contains("device_docs_unsettled"), "{sql}\n→ {p}");
    }
    let p = plan(&c, ALONG_HELD, 3);
    assert!(p.contains("change_log_doc"), "{p}");
}

/// Confirming through the index settles exactly what it did before: pending rows up to the
/// cursor become held, later ones are forgotten, confirmed removals go, held rows stay.
#[test]
fn confirming_settles_only_unsettled_rows() {
    let s = storage();
    let c = s.conn();
    let rows = [
        ("a", "pending", 1),
        ("b", "pending", 3),
        ("c", "removing", 1),
        ("d", "removing", 3),
        ("e", "held", 1),
        ("f", "held", 3),
    ];
    for (doc, state, n) in rows {
        c.execute(
            "INSERT INTO device_docs (device_id, doc_id, state, delivery_no) VALUES (?1, ?2, ?3, ?4)",
            params![DEV, doc, state, n],
        )
        .unwrap();
    }
    c.execute(CONFIRM_SENT, params![DEV, 2]).unwrap();
    assert_eq!(c.execute(FORGET_LOST, params![DEV, 2]).unwrap(), 1);
    c.execute(CONFIRM_REMOVED, params![DEV, 2]).unwrap();
    let still: bool = c.query_row(STILL_REMOVING, [DEV], |r| r.get(0)).unwrap();
    assert!(still, "d's removal (answer 3) is not confirmed by cursor 2");
    let mut st = c
        .prepare("SELECT doc_id, state FROM device_docs WHERE device_id = ?1 ORDER BY doc_id")
        .unwrap();
    let left: Vec<(String, String)> = st
        .query_map([DEV], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let want = [
        ("a", "held"),
        ("d", "removing"),
        ("e", "held"),
        ("f", "held"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(d, s)| (d.to_string(), s.to_string()))
        .collect();
    assert_eq!(left, want);
}
