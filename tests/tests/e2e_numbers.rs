//! Work-order numbers offline: an engineer's laptop numbers its incidents from a block the
//! server leased to it, the office keeps numbering its calls from the same yearly sequence
//! without colliding, and a number a device was not given (another laptop's, one already
//! used, one never leased) is refused on push and quarantined on the device, never lost.
//! Run on SQLite, and again on PostgreSQL when `FIELDSYNC_TEST_POSTGRES_URL` names a server.

mod common;

use chrono::Datelike;
use fieldsync::model::work_order::{self as wo, NewWorkOrder};
use fieldsync::model::{NumberBlock, WorkOrderNumber};
use fieldsync::{DocId, Role};
use fieldsync_server::testing::{TestServer, test_url_or_skip};
use fieldsync_tests::{BoxError, SimDevice, now_ms};

fn incident(title: &str, me: &str, number: Option<&str>) -> NewWorkOrder {
    NewWorkOrder {
        kind: "incident".into(),
        title: title.into(),
        impact: Some(2),
        urgency: Some(2),
        assignees: vec![me.to_owned()],
        number: number.map(str::to_owned),
        ..Default::default()
    }
}

/// The engineer saves an incident the way the app does: numbered from the leased blocks.
fn numbered_incident(
    dev: &mut SimDevice,
    year: i32,
    title: &str,
) -> Result<(DocId, Option<String>), BoxError> {
    let me = dev.user_id.clone();
    let now = now_ms();
    Ok(dev.store.create_numbered(now, year, |d, id, number| {
        wo::create_work_order(d, id, &incident(title, &me, number), &me, now)
    })?)
}

/// An incident whose number was written by hand (a forged or stale number).
fn incident_numbered_as(dev: &mut SimDevice, title: &str, number: &str) -> Result<DocId, BoxError> {
    let me = dev.user_id.clone();
    let now = now_ms();
    Ok(dev
        .store
        .create(fieldsync::DocKind::WorkOrder, now, |d, id| {
            wo::create_work_order(d, id, &incident(title, &me, Some(number)), &me, now)
        })?)
}

fn in_block(block: &NumberBlock, number: &str) -> bool {
    WorkOrderNumber::parse(number)
        .is_some_and(|n| n.year == block.year && (block.first..=block.last).contains(&n.seq))
}

async fn numbers_across_the_office_and_laptops(server: TestServer) -> Result<(), BoxError> {
    server.add_user("dana", "pw-dana", Role::Dispatcher).await?;
    server.add_user("li.wei", "pw-li", Role::Engineer).await?;
    server
        .add_user("zhang.min", "pw-zhang", Role::Engineer)
        .await?;
    let url = server.base_url.clone();
    let mut disp = SimDevice::login(&url, "dana", "pw-dana").await?;
    let mut a = SimDevice::login(&url, "li.wei", "pw-li").await?;
    let mut b = SimDevice::login(&url, "zhang.min", "pw-zhang").await?;
    let year = chrono::Utc::now().year();

    // Before going on site, A's laptop leases a block; the office then numbers a call.
    let block_a = a.lease_numbers(year).await?;
    assert_eq!(block_a.len(), 20, "{block_a:?}");
    let (status, body) = disp
        .post_json(
            "/v1/work-orders",
            &serde_json::json!({"title": "打印机卡纸", "impact": 3, "urgency": 3}),
        )
        .await?;
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    let office: serde_json::Value = serde_json::from_slice(&body)?;
    let office_number = office["number"].as_str().ok_or("no number")?.to_owned();
    assert!(
        !in_block(&block_a, &office_number),
        "the office gave {office_number}, which is in A's block {block_a:?}"
    );

    // Offline, A opens two incidents: numbered at once, from the block, in order.
    let (first, n1) = numbered_incident(&mut a, year, "UPS 告警")?;
    let (second, n2) = numbered_incident(&mut a, year, "交换机掉电")?;
    let (n1, n2) = (n1.ok_or("no number")?, n2.ok_or("no number")?);
    assert!(
        in_block(&block_a, &n1) && in_block(&block_a, &n2),
        "{n1} {n2}"
    );
    assert_ne!(n1, n2);

    // Back online: accepted with those numbers, which the office sees unchanged.
    let r = a.sync().await?;
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    // The server's numbering job leaves numbered work alone.
    let hub = server.state.hub.clone();
    let renumbered = tokio::task::spawn_blocking(move || {
        fieldsync_server::jobs::numbering::number_work_orders(&hub, now_ms())
    })
    .await??;
    assert_eq!(renumbered, 0);
    disp.sync().await?;
    assert_eq!(disp.store.work_order(first)?.number.as_deref(), Some(&*n1));
    assert_eq!(disp.store.work_order(second)?.number.as_deref(), Some(&*n2));

    // B's laptop writes a number of A's block that A has not used yet: refused.
    b.lease_numbers(year).await?;
    let unused_of_a = WorkOrderNumber {
        year,
        seq: block_a.last,
    }
    .to_string();
    let stolen = incident_numbered_as(&mut b, "借来的单号", &unused_of_a)?;
    let r = b.sync().await?;
    assert_eq!(r.rejected.len(), 1, "{:?}", r.rejected);
    assert!(
        r.rejected[0].2.contains("not leased to this computer"),
        "{:?}",
        r.rejected
    );
    // Quarantined on B's laptop, not lost.
    assert!(b.store.quarantine()?.iter().any(|q| q.doc_id == stolen));

    // A number already given to another work order (a laptop restored from an old copy).
    let again = incident_numbered_as(&mut a, "重复的单号", &n1)?;
    let r = a.sync().await?;
    assert_eq!(r.rejected.len(), 1, "{:?}", r.rejected);
    assert!(
        r.rejected[0].2.contains("already given"),
        "{:?}",
        r.rejected
    );
    assert!(a.store.quarantine()?.iter().any(|q| q.doc_id == again));

    // A number never leased to anyone, and one that is not a number at all.
    for (title, number) in [("编的单号", "WO-2026-99999"), ("乱写的单号", "第一单")] {
        incident_numbered_as(&mut a, title, number)?;
        let r = a.sync().await?;
        assert_eq!(r.rejected.len(), 1, "{number}: {:?}", r.rejected);
    }

    // Leasing needs a signed-in device, and a year the server numbers.
    let anonymous = reqwest::Client::new()
        .post(server.url("/v1/devices/numbers"))
        .json(&serde_json::json!({"year": year}))
        .send()
        .await?;
    assert_eq!(anonymous.status().as_u16(), 401);
    let (status, _) = a
        .post_json(
            "/v1/devices/numbers",
            &serde_json::json!({"year": year - 1}),
        )
        .await?;
    assert_eq!(status, 400);
    Ok(())
}

#[tokio::test]
async fn numbers_on_sqlite() -> Result<(), BoxError> {
    numbers_across_the_office_and_laptops(TestServer::start().await?).await
}

#[tokio::test]
async fn numbers_on_postgres() -> Result<(), BoxError> {
    let Some(admin) = test_url_or_skip("numbers_across_the_office_and_laptops") else {
        return Ok(());
    };
    numbers_across_the_office_and_laptops(TestServer::start_postgres(&admin).await?).await
}
