//! Live dispatch-board updates across replicas: a board connected to replica B hears about a
//! work order a dispatcher created and an engineer changed through replica A, over a real
//! socket (`GET /v1/dispatch/events`, Server-Sent Events). Engineers are refused. Skipped
//! with a notice unless `FIELDSYNC_TEST_POSTGRES_URL` names a server.

mod common;

use common::dispatch;
use fieldsync::Role;
use fieldsync::model::work_order as wo;
use fieldsync_server::testing::{TestServer, test_url_or_skip};
use fieldsync_tests::{BoxError, SimDevice, now_ms};
use std::time::Duration;

/// Upper bound for an expected event (a hang guard, not a timing assertion).
const PATIENCE: Duration = Duration::from_secs(20);

/// Read the stream until a `work_order` event for `doc` arrives; returns its `seq`.
async fn work_order_event(
    resp: &mut reqwest::Response,
    seen: &mut String,
    doc: &str,
) -> Result<u64, BoxError> {
    loop {
        while let Some(end) = seen.find("\n\n") {
            let event: String = seen.drain(..end + 2).collect();
            if let Some(data) = event
                .strip_prefix("event: work_order\ndata: ")
                .map(str::trim)
            {
                let v: serde_json::Value = serde_json::from_str(data)?;
                if v["doc_id"] == doc {
                    return Ok(v["seq"].as_u64().ok_or("seq is not a number")?);
                }
            }
        }
        let chunk = tokio::time::timeout(PATIENCE, resp.chunk())
            .await
            .map_err(|_| format!("no event for {doc}; stream so far: {seen:?}"))??
            .ok_or("the event stream ended")?;
        seen.push_str(std::str::from_utf8(&chunk)?);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_on_one_replica_hears_changes_made_through_the_other() -> Result<(), BoxError> {
    let Some(admin) = test_url_or_skip("a_board_on_one_replica_hears_changes") else {
        return Ok(());
    };
    let a = TestServer::start_postgres(&admin).await?;
    let b = a.replica().await?;
    a.add_user("dana", "pw-dana", Role::Dispatcher).await?;
    a.add_user("li.wei", "pw-li", Role::Engineer).await?;
    let http = reqwest::Client::new();
    let events = b.url("/v1/dispatch/events");

    let mut li = SimDevice::login(&a.base_url, "li.wei", "pw-li").await?;
    let refused = http.get(&events).bearer_auth(&li.token).send().await?;
    assert_eq!(refused.status(), reqwest::StatusCode::FORBIDDEN);

    let board = SimDevice::login(&b.base_url, "dana", "pw-dana").await?;
    let mut stream = http.get(&events).bearer_auth(&board.token).send().await?;
    assert_eq!(stream.status(), reqwest::StatusCode::OK);
    let mut seen = String::new();

    // Created by a dispatcher's device through replica A …
    let mut dana = SimDevice::login(&a.base_url, "dana", "pw-dana").await?;
    let id = dispatch(&mut dana, &[&li]).await?;
    let created = work_order_event(&mut stream, &mut seen, &id.to_string()).await?;
    // … then changed by the engineer's device, also through A.
    li.sync().await?;
    let now = now_ms();
    li.store
        .edit(id, now, |d| wo::set_findings(d, "UPS on bypass", now))?;
    let report = li.sync().await?;
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let changed = work_order_event(&mut stream, &mut seen, &id.to_string()).await?;
    assert!(changed > created, "seq {created} then {changed}");
    Ok(())
}
