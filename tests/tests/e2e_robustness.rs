//! Replays, cut-off bodies and a server restart between push and pull: no duplicates, no loss.

mod common;

use common::{dispatch, team};
use fieldsync::DocId;
use fieldsync::model::work_order as wo;
use fieldsync::wire;
use fieldsync_tests::{BoxError, now_ms};

fn server_changes(t: &common::Team, id: DocId) -> usize {
    let (_, doc) = t.server.state.hub.load(id).unwrap().unwrap();
    doc.get_changes(&[]).len()
}

#[tokio::test]
async fn a_replayed_request_stores_nothing_twice() -> Result<(), BoxError> {
    let mut t = team().await?;
    let id = dispatch(&mut t.disp, &[&t.a]).await?;
    t.a.sync().await?;
    let now = now_ms();
    t.a.store
        .edit(id, now, |d| wo::set_findings(d, "checked", now))?;
    let out = t.a.store.prepare_sync(None)?;
    let body = wire::encode(&out.request);
    let (s1, _) = t.a.post_sync_raw(body.clone()).await?;
    let before = server_changes(&t, id);
    let (s2, answer) = t.a.post_sync_raw(body).await?;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(server_changes(&t, id), before, "the replay added no change");
    t.a.store
        .apply_sync(&out, wire::decode_response(&answer)?, now)?;
    assert_eq!(t.a.store.pending_count()?, 0);
    Ok(())
}

#[tokio::test]
async fn a_body_cut_off_mid_way_is_refused_and_the_retry_works() -> Result<(), BoxError> {
    let mut t = team().await?;
    let id = dispatch(&mut t.disp, &[&t.a]).await?;
    t.a.sync().await?;
    let now = now_ms();
    t.a.store.edit(id, now, |d| {
        wo::set_findings(d, "long note ".repeat(200).as_str(), now)
    })?;
    let out = t.a.store.prepare_sync(None)?;
    let body = wire::encode(&out.request);
    let (status, msg) = t.a.post_sync_raw(body[..body.len() / 2].to_vec()).await?;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&msg));
    assert_eq!(
        server_changes(&t, id),
        2,
        "nothing stored from the cut body"
    );
    let r = t.a.sync().await?;
    assert_eq!(r.accepted, 1);
    assert!(t.server.state.hub.load(id)?.is_some());
    Ok(())
}

#[tokio::test]
async fn a_server_restart_between_push_and_pull_loses_nothing() -> Result<(), BoxError> {
    let mut t = team().await?;
    let id = dispatch(&mut t.disp, &[&t.a]).await?;
    t.a.sync().await?;
    let now = now_ms();
    t.a.store
        .edit(id, now, |d| wo::set_findings(d, "before the restart", now))?;
    // The push lands, but the answer never reaches the device.
    let _lost = t.a.exchange().await?;
    let server = t.server.restart().await?;
    t.a.set_base_url(&server.base_url);
    t.disp.set_base_url(&server.base_url);
    t.server = server;
    let r = t.a.sync().await?;
    assert!(r.rejected.is_empty());
    assert_eq!(t.a.store.pending_count()?, 0);
    t.disp.sync().await?;
    assert_eq!(t.disp.store.work_order(id)?.findings, "before the restart");
    let (_, doc) = t.server.state.hub.load(id)?.unwrap();
    let hashes: Vec<_> = doc.get_changes(&[]).iter().map(|c| c.hash()).collect();
    let unique: std::collections::HashSet<_> = hashes.iter().collect();
    assert_eq!(hashes.len(), unique.len());
    Ok(())
}
