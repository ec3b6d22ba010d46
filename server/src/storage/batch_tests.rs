//! Storage behaviour both backends must share: `append_batch` (one transaction, each record
//! checked on its own) and the work-order list's creation-time filter.

use super::{AppendRecord, Projection, Storage};
use fieldsync::{DocId, DocKind};

/// A small record of a knowledge document with the given heads (storage tests).
pub(crate) fn record(doc: DocId, heads: &str) -> AppendRecord {
    AppendRecord {
        doc_id: doc,
        kind: DocKind::Knowledge,
        user: None,
        origin_device: None,
        bytes: vec![1, 2, 3],
        change_count: 1,
        heads: vec![heads.to_owned()],
        received_at_ms: 1,
        projection: Projection::None,
        created: false,
    }
}

/// A stale record in the middle of a batch is skipped; the others are stored with
/// consecutive sequence numbers; a batch that fails stores nothing.
pub(crate) fn a_batch_stores_the_fresh_and_skips_the_stale(s: &dyn Storage) {
    let (a, b, c) = (DocId::new(), DocId::new(), DocId::new());
    let (h1, h2, h3) = ("1".repeat(64), "2".repeat(64), "3".repeat(64));
    assert!(s.append_checked(&record(b, &h1), &[]).unwrap().is_some());
    let base_a: Vec<String> = Vec::new();
    let stale_b = vec![h3.clone()];
    let base_c: Vec<String> = Vec::new();
    let (ra, rb, rc) = (record(a, &h1), record(b, &h2), record(c, &h1));
    let out = s
        .append_batch(&[(&ra, &base_a), (&rb, &stale_b), (&rc, &base_c)])
        .unwrap();
    assert_eq!(out.len(), 3);
    let (oa, oc) = (out[0].as_ref().unwrap(), out[2].as_ref().unwrap());
    assert!(
        out[1].is_none(),
        "b's stored heads are not the batch's base"
    );
    assert_eq!(oa.seq.abs_diff(oc.seq), 1);
    assert_eq!(s.doc_info(a).unwrap().unwrap().heads, vec![h1.clone()]);
    assert_eq!(s.doc_info(b).unwrap().unwrap().heads, vec![h1.clone()]);
    assert_eq!(s.doc_info(c).unwrap().unwrap().heads, vec![h1.clone()]);

    // A record of the wrong kind fails the whole batch: nothing of it is stored.
    let d = DocId::new();
    let rd = record(d, &h1);
    let mut wrong = record(a, &h2);
    wrong.kind = DocKind::Device;
    let base_a = vec![h1.clone()];
    assert!(
        s.append_batch(&[(&rd, &base_c), (&wrong, &base_a)])
            .is_err()
    );
    assert!(s.doc_info(d).unwrap().is_none());
    assert_eq!(s.doc_info(a).unwrap().unwrap().heads, vec![h1]);
}

#[test]
fn sqlite_batch_stores_the_fresh_and_skips_the_stale() {
    let s = super::sqlite::SqliteStorage::open_in_memory().unwrap();
    s.migrate().unwrap();
    a_batch_stores_the_fresh_and_skips_the_stale(&s);
}

#[test]
fn postgres_batch_stores_the_fresh_and_skips_the_stale() {
    let Some(admin) = super::postgres::scratch::test_url_or_skip(
        "postgres_batch_stores_the_fresh_and_skips_the_stale",
    ) else {
        return;
    };
    let db = super::postgres::scratch::ScratchDb::create(&admin).unwrap();
    let s = super::postgres::PgStorage::open(&db.url, 2).unwrap();
    s.migrate().unwrap();
    a_batch_stores_the_fresh_and_skips_the_stale(&s);
}

/// The work-order list filters by creation time (the monthly KPIs read one period at a time,
/// so the row bound applies to a month, not to a customer's whole history).
pub(crate) fn work_orders_filter_by_creation_time(s: &dyn Storage) {
    let at = |ms: i64| {
        let mut r = record(DocId::new(), &"a".repeat(64));
        r.kind = DocKind::WorkOrder;
        r.projection = Projection::WorkOrder(Box::new(crate::storage::WorkOrderProj {
            title: format!("at {ms}"),
            kind: "incident".into(),
            status: "new".into(),
            customer_id: Some("cust-1".into()),
            created_by: "office".into(),
            created_at_ms: ms,
            ..Default::default()
        }));
        assert!(s.append_checked(&r, &[]).unwrap().is_some());
    };
    for ms in [100, 200, 300] {
        at(ms);
    }
    let titles = |from: Option<i64>, before: Option<i64>| -> Vec<String> {
        let mut t: Vec<String> = s
            .list_work_orders(&crate::storage::WorkOrderFilter {
                customer: Some("cust-1".into()),
                created_from_ms: from,
                created_before_ms: before,
                ..Default::default()
            })
            .unwrap()
            .into_iter()
            .map(|r| r.title)
            .collect();
        t.sort();
        t
    };
    assert_eq!(titles(Some(150), Some(300)), vec!["at 200"]);
    assert_eq!(titles(Some(200), None), vec!["at 200", "at 300"]);
    assert_eq!(titles(None, Some(200)), vec!["at 100"]);
    assert_eq!(titles(None, None).len(), 3);
}

#[test]
fn sqlite_work_orders_filter_by_creation_time() {
    let s = super::sqlite::SqliteStorage::open_in_memory().unwrap();
    s.migrate().unwrap();
    work_orders_filter_by_creation_time(&s);
}

#[test]
fn postgres_work_orders_filter_by_creation_time() {
    let Some(admin) =
        super::postgres::scratch::test_url_or_skip("postgres_work_orders_filter_by_creation_time")
    else {
        return;
    };
    let db = super::postgres::scratch::ScratchDb::create(&admin).unwrap();
    let s = super::postgres::PgStorage::open(&db.url, 2).unwrap();
    s.migrate().unwrap();
    work_orders_filter_by_creation_time(&s);
}

/// What a device has been sent (`device_seen_seq`) only grows: replaying an old cursor with a
/// page cut short does not lower it. `device_holds` follows the deliveries.
pub(crate) fn a_device_never_unsees(s: &dyn Storage) {
    let user = s
        .create_user(&crate::storage::NewUser {
            id: fieldsync::UserId::new(),
            username: "dana".into(),
            display_name: "Dana".into(),
            role: fieldsync::Role::Dispatcher,
            password_hash: "x".into(),
            now: 1,
        })
        .unwrap();
    let dev = fieldsync::DeviceId::new();
    s.upsert_device(dev, user.id, "tablet", 1).unwrap();
    assert_eq!(s.device_seen_seq(dev).unwrap(), 0);
    assert_eq!(s.device_seen_seq(fieldsync::DeviceId::new()).unwrap(), 0);
    let (a, b) = (DocId::new(), DocId::new());
    let mut seqs = Vec::new();
    for (doc, h) in [(a, "1"), (b, "1")] {
        let o = s.append_checked(&record(doc, &h.repeat(64)), &[]).unwrap();
        seqs.push(o.unwrap().seq);
    }
    assert!(!s.device_holds(dev, a).unwrap());
    let pull = |from_seq: u64, max_bytes: u64| crate::storage::PullParams {
        user: user.id,
        role: user.role,
        device: dev,
        from_seq,
        max_bytes,
        now: 2,
    };
    // Both documents whole: the device has seen the log's end.
    let (_, first) = s.commit_sync(&[], 0, &pull(0, 1 << 20)).unwrap();
    assert_eq!(first.docs.len(), 2);
    assert_eq!(s.device_seen_seq(dev).unwrap(), seqs[1]);
    assert!(s.device_holds(dev, a).unwrap());
    // Two more chunks, delivered in full.
    for (doc, base, h) in [(a, "1", "2"), (b, "1", "2")] {
        let base = vec![base.repeat(64)];
        let o = s
            .append_checked(&record(doc, &h.repeat(64)), &base)
            .unwrap();
        seqs.push(o.unwrap().seq);
    }
    let (_, second) = s.commit_sync(&[], first.cursor, &pull(0, 1 << 20)).unwrap();
    assert_eq!(second.docs.len(), 2);
    assert_eq!(s.device_seen_seq(dev).unwrap(), seqs[3]);
    // The old cursor again, one chunk a page: the answer covers less, `seen` stays.
    let (_, replay) = s.commit_sync(&[], first.cursor, &pull(0, 1)).unwrap();
    assert!(replay.more && replay.docs.len() == 1);
    assert_eq!(s.device_seen_seq(dev).unwrap(), seqs[3]);
}

#[test]
fn sqlite_a_device_never_unsees() {
    let s = super::sqlite::SqliteStorage::open_in_memory().unwrap();
    s.migrate().unwrap();
    a_device_never_unsees(&s);
}

#[test]
fn postgres_a_device_never_unsees() {
    let Some(admin) = super::postgres::scratch::test_url_or_skip("postgres_a_device_never_unsees")
    else {
        return;
    };
    let db = super::postgres::scratch::ScratchDb::create(&admin).unwrap();
    let s = super::postgres::PgStorage::open(&db.url, 2).unwrap();
    s.migrate().unwrap();
    a_device_never_unsees(&s);
}
