//! Change management over real HTTP, on SQLite and PostgreSQL: the office opens a major change
//! with its class, the engineer may accept and travel but not start, a forged start and forged
//! approvals (engineer, dispatcher) are refused and kept in quarantine on the device, and the
//! supervisor's approval — made offline, synced later — opens the work.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT, ReadDoc};
use fieldsync::model::work_order::{self as wo, EventExtra};
use fieldsync::model::{ApprovalDecision, ApprovalState, ModelError, Refusal, WorkOrder};
use fieldsync::status::{Event, EventKind, Status};
use fieldsync::{DocId, Role};
use fieldsync_server::testing::{TestServer, test_url_or_skip};
use fieldsync_tests::{BoxError, SimDevice, now_ms};

async fn login(server: &TestServer, user: &str, role: Role) -> Result<SimDevice, BoxError> {
    server.add_user(user, "pw", role).await?;
    SimDevice::login(&server.base_url, user, "pw").await
}

fn server_wo(server: &TestServer, id: DocId) -> WorkOrder {
    let (_, doc) = server.state.hub.load(id).unwrap().unwrap();
    WorkOrder::from_doc(&doc).unwrap()
}

/// An on-site event written by hand, past the model's check, as a modified app would.
fn forged_on_site(d: &mut AutoCommit, by: &str, at: i64) -> Result<(), ModelError> {
    let ev = Event {
        id: uuid::Uuid::new_v4().to_string(),
        kind: "on_site".into(),
        at_ms: at,
        by: by.into(),
        from: Some("en_route".into()),
        note: None,
        outcome: None,
        assignee: None,
        ref_id: None,
        received_at_ms: None,
        due_ms: None,
        score: None,
    };
    let (_, events) = d.get(ROOT, "events")?.expect("an event log");
    let len = d.length(&events);
    autosurgeon::reconcile_insert(d, events, len, &ev)?;
    fieldsync::model::commit(d, "forged on site", at);
    Ok(())
}

/// An approval record written by hand in `by`'s name.
fn forged_approval(d: &mut AutoCommit, by: &str, at: i64) -> Result<(), ModelError> {
    let a = d.put_object(ROOT, "change_approval", automerge::ObjType::Map)?;
    d.put(&a, "decision", "approved")?;
    d.put(&a, "by", by)?;
    d.put(&a, "at_ms", at)?;
    fieldsync::model::commit(d, "forged approval", at);
    Ok(())
}

async fn a_major_change_waits_for_the_supervisor(server: TestServer) -> Result<(), BoxError> {
    let mut disp = login(&server, "dana", Role::Dispatcher).await?;
    let mut sup = login(&server, "sam", Role::Supervisor).await?;
    let mut eng = login(&server, "li.wei", Role::Engineer).await?;
    // The office's form: a change needs a known class; an incident takes none.
    for (body, code) in [
        (
            serde_json::json!({"kind": "change", "title": "x", "impact": 2, "urgency": 2}),
            "change_needs_class",
        ),
        (
            serde_json::json!({"kind": "change", "change_class": "seasonal", "title": "x",
                "impact": 2, "urgency": 2}),
            "unknown_change_class",
        ),
        (
            serde_json::json!({"change_class": "major", "title": "x", "impact": 2, "urgency": 2}),
            "class_only_for_changes",
        ),
    ] {
        let (status, answer) = disp.post_json("/v1/work-orders", &body).await?;
        let answer: serde_json::Value = serde_json::from_slice(&answer)?;
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["refusal"]["code"], code, "{answer}");
    }
    let body = serde_json::json!({"kind": "change", "change_class": "major",
        "title": "Replace core switch", "impact": 2, "urgency": 2, "category": "network",
        "assignees": ["li.wei"]});
    let (status, answer) = disp.post_json("/v1/work-orders", &body).await?;
    let answer: serde_json::Value = serde_json::from_slice(&answer)?;
    assert_eq!(status, 201, "{answer}");
    let id: DocId = answer["doc_id"].as_str().unwrap().parse()?;
    assert_eq!(
        server_wo(&server, id).approval_state(),
        Some(ApprovalState::Pending)
    );

    // The engineer accepts and travels; starting is refused by the model in the app.
    eng.sync().await?;
    let me = eng.user_id.clone();
    let now = now_ms();
    for (i, kind) in [EventKind::Accepted, EventKind::EnRoute]
        .into_iter()
        .enumerate()
    {
        let at = now + i as i64;
        eng.store.edit(id, at, |d| {
            wo::record_event(d, kind, &me, at, EventExtra::default())
        })?;
    }
    assert!(eng.sync().await?.rejected.is_empty());
    let refused = eng.store.edit(id, now + 2, |d| {
        wo::record_event(d, EventKind::OnSite, &me, now + 2, EventExtra::default())
    });
    assert!(
        format!("{refused:?}").contains("ChangeNotApproved"),
        "{refused:?}"
    );

    // A forged start is refused by the server and kept in quarantine.
    eng.store
        .edit(id, now + 3, |d| forged_on_site(d, &me, now + 3))?;
    let r = eng.sync().await?;
    assert_eq!(r.rejected.len(), 1, "{r:?}");
    assert_eq!(r.rejected[0].1, "illegal_transition");
    assert_eq!(eng.store.quarantine()?.len(), 1);
    assert_eq!(eng.store.work_order(id)?.fold().status, Status::EnRoute);

    // Forged approvals: the engineer's own, and the dispatcher's in the supervisor's name.
    eng.store
        .edit(id, now + 4, |d| forged_approval(d, &me, now + 4))?;
    let r = eng.sync().await?;
    assert_eq!(r.rejected[0].1, "forbidden");
    assert_eq!(eng.store.quarantine()?.len(), 2);
    disp.sync().await?;
    let sup_id = sup.user_id.clone();
    disp.store
        .edit(id, now + 5, |d| forged_approval(d, &sup_id, now + 5))?;
    let r = disp.sync().await?;
    assert_eq!(r.rejected[0].1, "forbidden");
    assert_eq!(disp.store.quarantine()?.len(), 1);
    assert_eq!(server_wo(&server, id).change_approval, None);

    // The supervisor decides offline; the decision syncs later and opens the work.
    sup.sync().await?;
    sup.store.edit(id, now + 6, |d| {
        fieldsync::model::decide_change(
            d,
            ApprovalDecision::Approved,
            "backout plan ok",
            &sup_id,
            now + 6,
        )
    })?;
    assert!(sup.sync().await?.rejected.is_empty());
    let approval = server_wo(&server, id).change_approval.expect("approved");
    assert_eq!(approval.by, sup_id);
    assert_eq!(approval.reason.as_deref(), Some("backout plan ok"));
    eng.sync().await?;
    eng.store.edit(id, now + 7, |d| {
        wo::record_event(d, EventKind::OnSite, &me, now + 7, EventExtra::default())
    })?;
    assert!(eng.sync().await?.rejected.is_empty());
    assert_eq!(server_wo(&server, id).fold().status, Status::OnSite);
    // A rejection needs a reason, in words the app can translate.
    let no_reason = sup.store.edit(id, now + 8, |d| {
        fieldsync::model::decide_change(d, ApprovalDecision::Rejected, " ", &sup_id, now + 8)
    });
    let refused = match no_reason {
        Err(fieldsync::store::StoreError::Model(e)) => *e,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert!(
        matches!(
            refused,
            ModelError::Refused(Refusal::ChangeRejectionNeedsReason)
        ),
        "{refused:?}"
    );
    Ok(())
}

#[tokio::test]
async fn change_approval_on_sqlite() -> Result<(), BoxError> {
    a_major_change_waits_for_the_supervisor(TestServer::start().await?).await
}

#[tokio::test]
async fn change_approval_on_postgres() -> Result<(), BoxError> {
    let Some(admin) = test_url_or_skip("a_major_change_waits_for_the_supervisor") else {
        return Ok(());
    };
    a_major_change_waits_for_the_supervisor(TestServer::start_postgres(&admin).await?).await
}
