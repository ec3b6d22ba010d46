//! PostgreSQL-only properties: concurrent appends from two pools (two replicas) never make a
//! `seq` visible before a smaller one, and conditional appends refuse stale heads. Skipped
//! with a notice unless `FIELDSYNC_TEST_POSTGRES_URL` is set.

use super::PgStorage;
use super::scratch::{ScratchDb, test_url_or_skip};
use crate::storage::Storage;
use crate::storage::batch_tests::record;
use fieldsync::DocId;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

fn open(url: &str) -> PgStorage {
    let s = PgStorage::open(url, 4).unwrap();
    s.migrate().unwrap();
    s
}

#[test]
fn concurrent_appends_on_two_replicas_never_show_a_gap_below_the_head() {
    let Some(admin) = test_url_or_skip("concurrent_appends_on_two_replicas") else {
        return;
    };
    let db = ScratchDb::create(&admin).unwrap();
    let replicas = [Arc::new(open(&db.url)), Arc::new(open(&db.url))];
    let done = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..6)
        .map(|w| {
            let s = replicas[w % 2].clone();
            std::thread::spawn(move || {
                let doc = DocId::new();
                for i in 0..60 {
                    s.append(&record(doc, &format!("{w:02}{i:062}"))).unwrap();
                }
            })
        })
        .collect();
    // The reader checks what a pull relies on: every seq up to the visible head is visible.
    let reader = {
        let s = replicas[1].clone();
        let done = done.clone();
        std::thread::spawn(move || {
            let mut checks = 0;
            while !done.load(Ordering::SeqCst) || checks == 0 {
                let (top, count): (i64, i64) = s
                    .with(|c| {
                        let mut tx = c
                            .build_transaction()
                            .isolation_level(postgres::IsolationLevel::RepeatableRead)
                            .start()?;
                        let top: i64 = tx.query_one("SELECT seq FROM log_head", &[])?.get(0);
                        let n: i64 = tx
                            .query_one("SELECT COUNT(*) FROM change_log WHERE seq <= $1", &[&top])?
                            .get(0);
                        tx.commit()?;
                        Ok((top, n))
                    })
                    .unwrap();
                assert_eq!(count, top, "a seq below the visible head is missing");
                checks += 1;
            }
            checks
        })
    };
    for w in writers {
        w.join().unwrap();
    }
    done.store(true, Ordering::SeqCst);
    assert!(reader.join().unwrap() > 0);
    let top: i64 = replicas[0]
        .with(|c| Ok(c.query_one("SELECT seq FROM log_head", &[])?.get(0)))
        .unwrap();
    assert_eq!(top, 360);
}

#[test]
fn a_conditional_append_refuses_stale_heads() {
    let Some(admin) = test_url_or_skip("a_conditional_append_refuses_stale_heads") else {
        return;
    };
    let db = ScratchDb::create(&admin).unwrap();
    let s = open(&db.url);
    let doc = DocId::new();
    let h1 = "a".repeat(64);
    let h2 = "b".repeat(64);
    // Creating needs an absent document.
    assert!(s.append_checked(&record(doc, &h1), &[]).unwrap().is_some());
    assert!(s.append_checked(&record(doc, &h1), &[]).unwrap().is_none());
    // Appending needs the current heads.
    assert!(
        s.append_checked(&record(doc, &h2), std::slice::from_ref(&h2))
            .unwrap()
            .is_none()
    );
    let out = s
        .append_checked(&record(doc, &h2), std::slice::from_ref(&h1))
        .unwrap()
        .unwrap();
    assert_eq!(out.seq, 2);
    assert_eq!(s.doc_info(doc).unwrap().unwrap().heads, vec![h2]);
}
