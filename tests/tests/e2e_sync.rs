//! Two engineers and a dispatcher as devices against a real server: offline edits, several
//! sync orders, convergence, and reassignment between briefcases.

mod common;

use common::{dispatch, team};
use fieldsync::model::work_order::{self as wo, CheckAnswer};
use fieldsync::{DocId, UserId};
use fieldsync_tests::{BoxError, SimDevice, now_ms};

fn heads(dev: &mut SimDevice, id: DocId) -> Vec<automerge::ChangeHash> {
    let mut h = dev.store.doc(id).unwrap().get_heads();
    h.sort();
    h
}

#[tokio::test]
async fn offline_edits_on_all_sides_converge_in_any_order() -> Result<(), BoxError> {
    let mut t = team().await?;
    let id = dispatch(&mut t.disp, &[&t.a, &t.b]).await?;
    t.a.sync().await?;
    t.b.sync().await?;
    let (ua, ub) = (t.a.user_id.clone(), t.b.user_id.clone());
    let now = now_ms();
    t.a.store.edit(id, now, |d| {
        wo::answer_checklist_item(
            d,
            "ups-load",
            &CheckAnswer::Reading(91.5),
            Some("overloaded"),
            &ua,
            now,
        )
    })?;
    t.a.store
        .edit(id, now, |d| wo::set_findings(d, "UPS at 91 %. ", now))?;
    t.b.store.edit(id, now, |d| {
        wo::answer_checklist_item(
            d,
            "aircon",
            &CheckAnswer::PassFail("pass".into()),
            None,
            &ub,
            now,
        )
    })?;
    t.b.store
        .edit(id, now, |d| wo::set_findings(d, "机房空调正常。", now))?;
    t.disp.store.edit(id, now, |d| {
        wo::set_schedule(d, now + 3_600_000, now + 7_200_000, now)
    })?;
    // Sync in an awkward order, twice round.
    for _ in 0..2 {
        for dev in [&mut t.b, &mut t.disp, &mut t.a] {
            let r = dev.sync().await?;
            assert!(r.rejected.is_empty(), "{:?}", r.rejected);
        }
    }
    let (_, server_doc) = t.server.state.hub.load(id)?.expect("server has it");
    let mut server_heads = server_doc.get_heads();
    server_heads.sort();
    for dev in [&mut t.a, &mut t.b, &mut t.disp] {
        assert_eq!(heads(dev, id), server_heads);
        let w = dev.store.work_order(id)?;
        assert_eq!(w.checklist["ups-load"].reading, Some(91.5));
        assert!(w.checklist["ups-load"].out_of_range());
        assert_eq!(w.checklist["aircon"].result.as_deref(), Some("pass"));
        assert!(
            w.findings.contains("UPS at 91 %.") && w.findings.contains("机房空调正常。"),
            "{}",
            w.findings
        );
        assert!(w.scheduled_start_ms.is_some());
        assert_eq!(dev.store.pending_count()?, 0);
    }
    Ok(())
}

#[tokio::test]
async fn reassignment_moves_the_work_order_without_losing_unsynced_notes() -> Result<(), BoxError> {
    let mut t = team().await?;
    let id = dispatch(&mut t.disp, &[&t.a]).await?;
    t.a.sync().await?;
    t.b.sync().await?;
    assert!(t.a.store.contains(id)?);
    assert!(!t.b.store.contains(id)?, "not in B's briefcase yet");
    // A writes notes offline; meanwhile the office hands the job to B.
    let now = now_ms();
    t.a.store.edit(id, now, |d| {
        wo::set_findings(d, "Fan bearing worn, part ordered", now)
    })?;
    let (a_id, b_id, disp_id): (UserId, UserId, UserId) = (
        t.a.user_id.parse()?,
        t.b.user_id.parse()?,
        t.disp.user_id.parse()?,
    );
    t.server.state.hub.unassign(id, a_id, now)?;
    t.server.state.hub.assign(id, b_id, disp_id, now)?;
    let r = t.a.sync().await?;
    assert!(
        r.rejected.is_empty(),
        "notes written while assigned are accepted: {:?}",
        r.rejected
    );
    assert!(
        !t.a.store.contains(id)?,
        "the work order left A's briefcase once its notes were safe"
    );
    t.b.sync().await?;
    assert_eq!(
        t.b.store.work_order(id)?.findings,
        "Fan bearing worn, part ordered"
    );
    assert!(
        t.b.store
            .list_work_orders(Some(&t.b.user_id))?
            .iter()
            .any(|r| r.doc_id == id)
    );
    Ok(())
}

#[tokio::test]
async fn an_engineer_opens_an_incident_offline_and_it_syncs_once() -> Result<(), BoxError> {
    let mut t = team().await?;
    let me = t.a.user_id.clone();
    let now = now_ms();
    let new = wo::NewWorkOrder {
        kind: "incident".into(),
        title: "Printer on 3F jams".into(),
        category: Some("hardware".into()),
        impact: Some(3),
        urgency: Some(2),
        assignees: vec![me.clone()],
        ..Default::default()
    };
    let id =
        t.a.store
            .create(fieldsync::DocKind::WorkOrder, now, |d, id| {
                wo::create_work_order(d, id, &new, &me, now)
            })?;
    // The first answer is lost; the retry must not create a second work order.
    let _lost = t.a.exchange().await?;
    let r = t.a.sync().await?;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    t.disp.sync().await?;
    let titles: Vec<String> = t
        .disp
        .store
        .list_work_orders(None)?
        .into_iter()
        .map(|r| r.title)
        .collect();
    assert_eq!(
        titles
            .iter()
            .filter(|t| t.as_str() == "Printer on 3F jams")
            .count(),
        1
    );
    assert_eq!(t.disp.store.work_order(id)?.priority.as_deref(), Some("P4"));
    Ok(())
}
