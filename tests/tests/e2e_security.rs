//! Attempts to break the server's checks over real HTTP: a forged actor, someone else's work
//! order, self-approval, priority changes by an engineer, review fields by a dispatcher,
//! disabled and missing tokens. Every rejected device keeps its edits in quarantine and the
//! server's state stays as it was.

mod common;

use automerge::{ActorId, AutoCommit};
use common::{dispatch, team};
use fieldsync::model::WorkOrder;
use fieldsync::model::work_order::{self as wo, CheckAnswer, EventExtra};
use fieldsync::status::{EventKind, Status};
use fieldsync::wire::{self, Heads, PushDoc, PushOutcome, SyncRequest};
use fieldsync::{DocId, DocKind};
use fieldsync_tests::{BoxError, SimDevice, now_ms};

/// Push hand-made bytes for `id` as `dev` and return the outcome.
async fn push_raw(
    dev: &SimDevice,
    id: DocId,
    base: &AutoCommit,
    edited: &mut AutoCommit,
) -> Result<PushOutcome, BoxError> {
    let mut base = base.clone();
    let base_heads = base.get_heads();
    let req = SyncRequest {
        protocol: wire::PROTOCOL_VERSION,
        cursor: 0,
        push: vec![PushDoc {
            doc_id: id,
            kind: DocKind::WorkOrder,
            base_heads: Heads::from(base_heads.clone()),
            changes: edited.save_after(&base_heads),
            heads: Heads::from(edited.get_heads()),
        }],
        max_response_bytes: None,
    };
    let (status, body) = dev.post_sync_raw(wire::encode(&req)).await?;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    Ok(wire::decode_response(&body)?.results.remove(0).outcome)
}

fn code(outcome: PushOutcome) -> String {
    match outcome {
        PushOutcome::Rejected { code, .. } => code.as_str().into(),
        PushOutcome::Accepted { .. } => "accepted".into(),
    }
}

fn server_wo(t: &common::Team, id: DocId) -> WorkOrder {
    let (_, doc) = t.server.state.hub.load(id).unwrap().unwrap();
    WorkOrder::from_doc(&doc).unwrap()
}

#[tokio::test]
async fn a_forged_actor_is_rejected() -> Result<(), BoxError> {
    let mut t = team().await?;
    let id = dispatch(&mut t.disp, &[&t.a]).await?;
    t.a.sync().await?;
    let base = t.a.store.doc(id)?;
    // Same user, but writing as an actor id that was never registered (or is someone else's).
    for actor in [ActorId::random(), t.b.store.actor().clone()] {
        let mut forged = base.clone().with_actor(actor);
        wo::set_findings(&mut forged, "forged", now_ms())?;
        assert_eq!(
            code(push_raw(&t.a, id, &base, &mut forged).await?),
            "foreign_actor"
        );
    }
    assert_eq!(server_wo(&t, id).findings, "");
    Ok(())
}

#[tokio::test]
async fn someone_elses_work_order_is_not_yours() -> Result<(), BoxError> {
    let mut t = team().await?;
    let id = dispatch(&mut t.disp, &[&t.a]).await?;
    t.a.sync().await?;
    // B got hold of the document's bytes somehow and writes with B's own registered actor.
    let base = t.a.store.doc(id)?;
    let mut theirs = base.clone().with_actor(t.b.store.actor().clone());
    wo::set_findings(&mut theirs, "not my job", now_ms())?;
    assert_eq!(
        code(push_raw(&t.b, id, &base, &mut theirs).await?),
        "not_yours"
    );
    // And B's sync never hands it out.
    t.b.sync().await?;
    assert!(!t.b.store.contains(id)?);
    Ok(())
}

#[tokio::test]
async fn an_engineer_approving_their_own_report_is_quarantined() -> Result<(), BoxError> {
    let mut t = team().await?;
    let id = dispatch(&mut t.disp, &[&t.a]).await?;
    t.a.sync().await?;
    let me = t.a.user_id.clone();
    let now = now_ms();
    t.a.store.edit(id, now, |d| {
        wo::record_event(d, EventKind::OnSite, &me, now, EventExtra::default())
    })?;
    t.a.store.edit(id, now + 1, |d| {
        wo::answer_checklist_item(
            d,
            "ups-load",
            &CheckAnswer::Reading(40.0),
            None,
            &me,
            now + 1,
        )
    })?;
    t.a.store.edit(id, now + 2, |d| {
        wo::answer_checklist_item(
            d,
            "aircon",
            &CheckAnswer::PassFail("pass".into()),
            None,
            &me,
            now + 2,
        )
    })?;
    t.a.store.edit(id, now + 3, |d| {
        wo::record_event(
            d,
            EventKind::Completed,
            &me,
            now + 3,
            EventExtra {
                outcome: Some("fixed".into()),
                ..Default::default()
            },
        )
    })?;
    assert!(t.a.sync().await?.rejected.is_empty());
    t.a.store.edit(id, now + 4, |d| {
        wo::record_event(d, EventKind::Approved, &me, now + 4, EventExtra::default())
    })?;
    let r = t.a.sync().await?;
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.rejected[0].1, "forbidden");
    assert_eq!(
        t.a.store.quarantine()?.len(),
        1,
        "the attempt is kept in quarantine"
    );
    assert_eq!(
        t.a.store.work_order(id)?.fold().status,
        Status::Completed,
        "local copy back to the server's"
    );
    assert_eq!(server_wo(&t, id).fold().status, Status::Completed);
    // The supervisor may approve.
    t.sup.sync().await?;
    let sup = t.sup.user_id.clone();
    t.sup.store.edit(id, now + 5, |d| {
        wo::record_event(d, EventKind::Approved, &sup, now + 5, EventExtra::default())
    })?;
    assert!(t.sup.sync().await?.rejected.is_empty());
    assert_eq!(server_wo(&t, id).fold().status, Status::Approved);
    // Approved reports are locked for the engineer.
    t.a.sync().await?;
    t.a.store.edit(id, now + 6, |d| {
        wo::set_findings(d, "late addition", now + 6)
    })?;
    let r = t.a.sync().await?;
    assert_eq!(r.rejected[0].1, "locked");
    assert_eq!(server_wo(&t, id).findings, "");
    Ok(())
}

#[tokio::test]
async fn an_engineer_may_not_change_priority_and_keeps_the_rest() -> Result<(), BoxError> {
    let mut t = team().await?;
    let id = dispatch(&mut t.disp, &[&t.a]).await?;
    t.a.sync().await?;
    let now = now_ms();
    t.a.store.edit(id, now, |d| {
        wo::set_findings(d, "Replaced UPS battery", now)
    })?;
    t.a.store
        .edit(id, now, |d| wo::set_triage(d, 1, 1, None, now))?;
    let r = t.a.sync().await?;
    assert_eq!(r.rejected[0].1, "forbidden");
    // The allowed edit was re-applied and goes through on the next sync.
    assert!(t.a.sync().await?.rejected.is_empty());
    let w = server_wo(&t, id);
    assert_eq!(w.findings, "Replaced UPS battery");
    assert_eq!(w.priority, None);
    Ok(())
}

#[tokio::test]
async fn a_dispatcher_may_not_write_review_fields() -> Result<(), BoxError> {
    let mut t = team().await?;
    let id = dispatch(&mut t.disp, &[&t.a]).await?;
    let now = now_ms();
    let me = t.disp.user_id.clone();
    t.disp.store.edit(id, now, |d| {
        use automerge::transaction::Transactable;
        let m = d.put_object(automerge::ROOT, "review", automerge::ObjType::Map)?;
        d.put(&m, "decision", "approved")?;
        d.put(&m, "by", me.as_str())?;
        fieldsync::model::commit(d, "review", now);
        Ok(())
    })?;
    let r = t.disp.sync().await?;
    assert_eq!(r.rejected[0].1, "forbidden");
    let (_, doc) = t.server.state.hub.load(id)?.unwrap();
    assert!(automerge::ReadDoc::get(&doc, automerge::ROOT, "review")?.is_none());
    Ok(())
}

#[tokio::test]
async fn disabled_users_and_missing_tokens_are_refused() -> Result<(), BoxError> {
    let mut t = team().await?;
    t.a.sync().await?;
    t.server
        .state
        .db
        .call(|s| s.set_user_disabled("li.wei", true))
        .await?;
    let err = t.a.sync().await.unwrap_err();
    assert!(err.to_string().contains("401"), "{err}");
    let resp = reqwest::Client::new()
        .post(t.server.url("/v1/sync"))
        .header("content-type", wire::CONTENT_TYPE)
        .body(vec![1, 2, 3])
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 401);
    let body: serde_json::Value = resp.json().await?;
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    Ok(())
}

/// The office API refuses what points at nothing or makes no sense: an incident naming a
/// site, device or customer that does not exist (it would reach nobody's briefcase), a site
/// of another customer, and a visit rescheduled to the year 292 million or backwards.
#[tokio::test]
async fn the_office_api_refuses_references_to_nothing_and_absurd_times() -> Result<(), BoxError> {
    let mut t = team().await?;
    let id = dispatch(&mut t.disp, &[&t.b]).await?;
    let http = reqwest::Client::new();
    let post = |path: &str, body: serde_json::Value| {
        http.post(t.server.url(path))
            .bearer_auth(&t.disp.token)
            .json(&body)
            .send()
    };
    let incident = |extra: serde_json::Value| {
        let mut v = serde_json::json!({"title": "打印机卡纸", "impact": 2, "urgency": 2});
        if let (Some(v), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
            v.extend(extra.clone());
        }
        v
    };
    for (extra, why) in [
        (
            serde_json::json!({"site_id": DocId::new().to_string()}),
            "names no site",
        ),
        (
            serde_json::json!({"site_id": "not-an-id"}),
            "not a document id",
        ),
        (
            serde_json::json!({"device_ids": [DocId::new().to_string()]}),
            "names no device",
        ),
        (
            serde_json::json!({"device_ids": [id.to_string()]}),
            "names no device",
        ),
        (
            serde_json::json!({"customer_id": "cust-nobody"}),
            "names no customer",
        ),
        (
            serde_json::json!({"scheduled_start_ms": i64::MAX - 5, "scheduled_end_ms": i64::MAX}),
            "between 2000 and 2100",
        ),
        (
            serde_json::json!({"scheduled_start_ms": 1_800_000_000_000i64}),
            "go together",
        ),
    ] {
        let r = post("/v1/work-orders", incident(extra.clone())).await?;
        assert_eq!(r.status().as_u16(), 400, "{extra}");
        let text = r.text().await?;
        assert!(text.contains(why), "{extra}: {text}");
    }
    // Without references it is still created.
    let r = post("/v1/work-orders", incident(serde_json::json!({}))).await?;
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await?);
    let path = format!("/v1/work-orders/{id}/reschedule");
    for (start, end) in [
        (i64::MIN, 0),
        (1_800_000_000_000i64, 1_799_999_000_000i64),
        (1_800_000_000_000i64, 1_800_000_000_000i64 + 40 * 86_400_000),
        (1_800_000_000_000i64, i64::MAX),
    ] {
        let r = post(&path, serde_json::json!({"start_ms": start, "end_ms": end})).await?;
        assert_eq!(
            r.status().as_u16(),
            400,
            "{start}..{end}: {}",
            r.text().await?
        );
    }
    let ok = post(
        &path,
        serde_json::json!({"start_ms": 1_800_000_000_000i64, "end_ms": 1_800_010_800_000i64}),
    )
    .await?;
    assert_eq!(ok.status().as_u16(), 200, "{}", ok.text().await?);
    Ok(())
}

#[tokio::test]
async fn a_work_order_created_in_someone_elses_name_is_refused() -> Result<(), BoxError> {
    let mut t = team().await?;
    // li.wei opens an incident "by" zhang.min (assigned to li, so it passes the assignment rule).
    let new = fieldsync::model::work_order::NewWorkOrder {
        kind: "incident".into(),
        title: "Printer jams".into(),
        impact: Some(3),
        urgency: Some(2),
        assignees: vec![t.a.user_id.clone()],
        ..Default::default()
    };
    let zhang = t.b.user_id.clone();
    let now = now_ms();
    let id = t.a.store.create(DocKind::WorkOrder, now, |d, id| {
        wo::create_work_order(d, id, &new, &zhang, now)
    })?;
    let report = t.a.sync().await?;
    assert_eq!(report.rejected.len(), 1, "{report:?}");
    let (doc, code, reason) = &report.rejected[0];
    assert_eq!((*doc, code.as_str()), (id, "forbidden"));
    assert!(reason.contains("created_by"), "{reason}");
    assert!(t.server.state.hub.load(id)?.is_none(), "nothing was stored");
    // It never reaches zhang's briefcase.
    t.b.sync().await?;
    assert!(!t.b.store.contains(id)?);
    // The same incident in li's own name is accepted.
    let me = t.a.user_id.clone();
    let id = t.a.store.create(DocKind::WorkOrder, now + 1, |d, id| {
        wo::create_work_order(d, id, &new, &me, now + 1)
    })?;
    let report = t.a.sync().await?;
    assert!(report.rejected.is_empty(), "{report:?}");
    assert_eq!(server_wo(&t, id).created_by, me);
    Ok(())
}

/// The dispatcher hands work order `id` from `from` to `to` and syncs it up.
async fn reassign(disp: &mut SimDevice, id: DocId, from: &str, to: &str) -> Result<(), BoxError> {
    let by = disp.user_id.clone();
    let now = now_ms();
    disp.store.edit(id, now, |d| {
        wo::unassign(d, from, now)?;
        wo::assign(d, to, &by, now)
    })?;
    let report = disp.sync().await?;
    assert!(report.rejected.is_empty(), "{report:?}");
    Ok(())
}

/// `dev` writes a note and answers the UPS reading on its copy of `id`.
fn note_and_answer(dev: &mut SimDevice, id: DocId, note: &str) -> Result<(), BoxError> {
    let me = dev.user_id.clone();
    let now = now_ms();
    dev.store
        .edit(id, now, |d| wo::set_findings(d, note, now))?;
    dev.store.edit(id, now + 1, |d| {
        wo::answer_checklist_item(
            d,
            "ups-load",
            &CheckAnswer::Reading(41.0),
            None,
            &me,
            now + 1,
        )
    })?;
    Ok(())
}

#[tokio::test]
async fn work_done_offline_before_a_reassignment_reached_the_device_is_kept() -> Result<(), BoxError>
{
    let mut t = team().await?;
    let id = dispatch(&mut t.disp, &[&t.a]).await?;
    t.a.sync().await?;
    // li works offline …
    note_and_answer(&mut t.a, id, "fan bearing worn, replaced")?;
    // … while the office hands the job to zhang, who gets on with it.
    let (li, zhang) = (t.a.user_id.clone(), t.b.user_id.clone());
    reassign(&mut t.disp, id, &li, &zhang).await?;
    t.b.sync().await?;
    let now = now_ms();
    t.b.store.edit(id, now, |d| {
        wo::answer_checklist_item(
            d,
            "aircon",
            &CheckAnswer::PassFail("pass".into()),
            None,
            &zhang,
            now,
        )
    })?;
    assert!(t.b.sync().await?.rejected.is_empty());
    // li comes back online: the work done before the device knew is accepted.
    let report = t.a.sync().await?;
    assert!(report.rejected.is_empty(), "{report:?}");
    assert!(t.a.store.quarantine()?.is_empty());
    let w = server_wo(&t, id);
    assert_eq!(w.findings, "fan bearing worn, replaced");
    assert!(w.checklist["ups-load"].reading.is_some());
    assert!(
        w.checklist["aircon"].result.is_some(),
        "zhang's answer stays"
    );
    assert!(!w.is_assigned_to(&li));
    // And the job has left li's device.
    assert!(!t.a.store.contains(id)?);
    // The office sees it as late work from the previous assignee.
    let (status, body) = t.disp.get("/v1/notifications").await?;
    assert_eq!(status, 200);
    let notes: Vec<serde_json::Value> = serde_json::from_slice(&body)?;
    let late: Vec<_> = notes.iter().filter(|n| n["kind"] == "late_work").collect();
    assert_eq!(late.len(), 1, "{notes:?}");
    assert_eq!(late[0]["doc_id"], id.to_string());
    Ok(())
}

#[tokio::test]
async fn a_change_based_on_a_copy_from_before_the_reassignment_is_refused() -> Result<(), BoxError>
{
    let mut t = team().await?;
    // li's phone keeps its store on disk, so a copy of it can be put back later.
    let dir = t.server.data_dir().join("li-phone");
    let backup = t.server.data_dir().join("li-phone-backup");
    let mut phone = SimDevice::login_with_store(
        &t.server.base_url,
        "li.wei",
        "pw-li",
        fieldsync::store::LocalStore::open(&dir)?,
    )
    .await?;
    let id = dispatch(&mut t.disp, &[&phone]).await?;
    phone.sync().await?;
    let before_reassignment = phone.store.doc(id)?;
    // A copy of the phone's store from before the reassignment.
    phone.store = fieldsync::store::LocalStore::open_in_memory()?;
    std::fs::create_dir_all(&backup)?;
    for f in std::fs::read_dir(&dir)? {
        let f = f?;
        if f.file_type()?.is_file() {
            std::fs::copy(f.path(), backup.join(f.file_name()))?;
        }
    }
    phone.store = fieldsync::store::LocalStore::open(&dir)?;
    let (li, zhang) = (phone.user_id.clone(), t.b.user_id.clone());
    reassign(&mut t.disp, id, &li, &zhang).await?;
    t.b.sync().await?;
    let now = now_ms();
    t.b.store
        .edit(id, now, |d| wo::set_findings(d, "zhang: checked", now))?;
    assert!(t.b.sync().await?.rejected.is_empty());
    // The phone receives the reassignment (the job leaves it) …
    phone.sync().await?;
    assert!(!phone.store.contains(id)?);
    // … then li puts the old copy back and writes on it: refused and quarantined.
    phone.store = fieldsync::store::LocalStore::open_in_memory()?;
    for f in std::fs::read_dir(&backup)? {
        let f = f?;
        std::fs::copy(f.path(), dir.join(f.file_name()))?;
    }
    phone.store = fieldsync::store::LocalStore::open(&dir)?;
    assert!(phone.store.contains(id)?);
    note_and_answer(&mut phone, id, "li was here")?;
    let report = phone.sync().await?;
    assert_eq!(report.rejected.len(), 1, "{report:?}");
    assert_eq!(
        (report.rejected[0].0, report.rejected[0].1.as_str()),
        (id, "not_yours")
    );
    let q = phone.store.quarantine()?;
    assert_eq!(
        (q.len(), q[0].doc_id, q[0].code.as_str()),
        (1, id, "not_yours")
    );
    let w = server_wo(&t, id);
    assert_eq!(w.findings, "zhang: checked");
    assert!(w.checklist["ups-load"].reading.is_none());
    // The same forgery by hand, now that the device has confirmed the job left it, and from
    // li's other device, which never had the job: refused too.
    phone.sync().await?;
    for dev in [&phone, &t.a] {
        let mut forged = before_reassignment
            .clone()
            .with_actor(dev.store.actor().clone());
        wo::set_findings(&mut forged, "li again", now_ms())?;
        assert_eq!(
            code(push_raw(dev, id, &before_reassignment, &mut forged).await?),
            "not_yours"
        );
    }
    assert_eq!(server_wo(&t, id).findings, "zhang: checked");
    Ok(())
}

/// `/metrics` tells how the server is used (routes, counts, sizes): the scraper's token or an
/// admin reads it, nobody else.
#[tokio::test]
async fn metrics_are_for_the_scraper_and_admins_only() -> Result<(), BoxError> {
    use fieldsync::Role;
    use fieldsync_server::testing::TestServer;
    let server =
        TestServer::start_with(|c| c.metrics_token = Some("scrape-token-7c1e".into())).await?;
    server
        .add_user("root", "pw-root-admin", Role::Admin)
        .await?;
    server.add_user("li.wei", "pw-li", Role::Engineer).await?;
    let admin = SimDevice::login(&server.base_url, "root", "pw-root-admin").await?;
    let li = SimDevice::login(&server.base_url, "li.wei", "pw-li").await?;
    let http = reqwest::Client::new();
    let get = |token: Option<&str>| {
        let r = http.get(server.url("/metrics"));
        match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
        .send()
    };
    assert_eq!(get(None).await?.status().as_u16(), 401);
    assert_eq!(get(Some("guess")).await?.status().as_u16(), 401);
    assert_eq!(get(Some(&li.token)).await?.status().as_u16(), 403);
    for token in [admin.token.as_str(), "scrape-token-7c1e"] {
        let r = get(Some(token)).await?;
        assert_eq!(r.status().as_u16(), 200);
        assert!(!r.text().await?.is_empty());
    }
    assert_eq!(
        http.get(server.url("/healthz"))
            .send()
            .await?
            .status()
            .as_u16(),
        200,
        "health stays open for load balancers"
    );
    Ok(())
}
