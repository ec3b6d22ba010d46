//! Shared set-up: a server with an office (dispatcher, supervisor) and two engineers.

#![allow(dead_code)]

use fieldsync::model::work_order::{self as wo, ChecklistItem, NewWorkOrder};
use fieldsync::{DocId, DocKind, Role};
use fieldsync_server::testing::TestServer;
use fieldsync_tests::{BoxError, SimDevice, now_ms};

pub struct Team {
    pub server: TestServer,
    pub disp: SimDevice,
    pub sup: SimDevice,
    pub a: SimDevice,
    pub b: SimDevice,
}

pub async fn team() -> Result<Team, BoxError> {
    let server = TestServer::start().await?;
    server.add_user("dana", "pw-dana", Role::Dispatcher).await?;
    server.add_user("sam", "pw-sam", Role::Supervisor).await?;
    server.add_user("li.wei", "pw-li", Role::Engineer).await?;
    server
        .add_user("zhang.min", "pw-zhang", Role::Engineer)
        .await?;
    let url = server.base_url.clone();
    Ok(Team {
        disp: SimDevice::login(&url, "dana", "pw-dana").await?,
        sup: SimDevice::login(&url, "sam", "pw-sam").await?,
        a: SimDevice::login(&url, "li.wei", "pw-li").await?,
        b: SimDevice::login(&url, "zhang.min", "pw-zhang").await?,
        server,
    })
}

pub fn checklist() -> Vec<(String, ChecklistItem)> {
    vec![
        (
            "ups-load".into(),
            ChecklistItem {
                label: "UPS load".into(),
                kind: "reading".into(),
                unit: Some("%".into()),
                min: Some(0.0),
                max: Some(80.0),
                required: true,
                order: 1,
                ..Default::default()
            },
        ),
        (
            "aircon".into(),
            ChecklistItem {
                label: "Air conditioning running".into(),
                kind: "pass_fail".into(),
                required: true,
                order: 2,
                ..Default::default()
            },
        ),
    ]
}

/// The dispatcher creates an inspection assigned to `assignees` and syncs it up.
pub async fn dispatch(disp: &mut SimDevice, assignees: &[&SimDevice]) -> Result<DocId, BoxError> {
    let new = NewWorkOrder {
        kind: "inspection".into(),
        title: "Weekly server room round".into(),
        assignees: assignees.iter().map(|d| d.user_id.clone()).collect(),
        checklist: checklist(),
        ..Default::default()
    };
    let by = disp.user_id.clone();
    let now = now_ms();
    let id = disp.store.create(DocKind::WorkOrder, now, |d, id| {
        wo::create_work_order(d, id, &new, &by, now)
    })?;
    let report = disp.sync().await?;
    assert!(
        report.rejected.is_empty(),
        "dispatch rejected: {:?}",
        report.rejected
    );
    Ok(id)
}
