//! Two server replicas on one PostgreSQL database, devices syncing through either at random
//! while the replicas also write as the server: everything converges and no change is
//! missed. Skipped with a notice unless `FIELDSYNC_TEST_POSTGRES_URL` names a server.

mod common;

use common::dispatch;
use fieldsync::model::work_order as wo;
use fieldsync::{DocId, Role};
use fieldsync_server::testing::{TestServer, test_url_or_skip};
use fieldsync_tests::{BoxError, SimDevice, now_ms};
use std::sync::Arc;

const ROUNDS: usize = 12;

/// A small deterministic generator (xorshift64*), so a failing run can be replayed by seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

fn sorted_heads(dev: &mut SimDevice, id: DocId) -> Vec<automerge::ChangeHash> {
    let mut h = dev.store.doc(id).unwrap().get_heads();
    h.sort();
    h
}

fn server_heads(server: &TestServer, id: DocId) -> Vec<automerge::ChangeHash> {
    let (_, doc) = server
        .state
        .hub
        .load(id)
        .unwrap()
        .expect("the server has it");
    let mut h = doc.get_heads();
    h.sort();
    h
}

/// Edits and syncs of one device, each sync through a replica picked at random.
async fn device_rounds(
    mut dev: SimDevice,
    name: &'static str,
    urls: Arc<Vec<String>>,
    docs: Arc<Vec<DocId>>,
    seed: u64,
) -> Result<(SimDevice, Vec<(DocId, String)>), BoxError> {
    let mut rng = Rng(seed);
    let mut written = Vec::new();
    dev.sync().await?;
    for round in 0..ROUNDS {
        let id = docs[rng.below(docs.len())];
        let now = now_ms();
        if dev.role == Role::Engineer {
            let tag = format!("[{name}-{round}]");
            let text = format!("{}{tag}", dev.store.work_order(id)?.findings);
            dev.store
                .edit(id, now, |d| wo::set_findings(d, &text, now))?;
            written.push((id, tag));
        } else {
            let start = now + 3_600_000 * (round as i64 + 1);
            dev.store.edit(id, now, |d| {
                wo::set_schedule(d, start, start + 3_600_000, now)
            })?;
        }
        dev.set_base_url(&urls[rng.below(urls.len())]);
        let report = dev.sync().await?;
        assert!(report.rejected.is_empty(), "{name}: {:?}", report.rejected);
    }
    Ok((dev, written))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn devices_syncing_through_two_replicas_converge_without_missing_changes()
-> Result<(), BoxError> {
    let Some(admin) = test_url_or_skip("devices_syncing_through_two_replicas_converge") else {
        return Ok(());
    };
    let seed = now_ms() as u64 | 1;
    println!("seed {seed}");
    let a = TestServer::start_postgres(&admin).await?;
    let b = a.replica().await?;
    a.add_user("dana", "pw-dana", Role::Dispatcher).await?;
    a.add_user("li.wei", "pw-li", Role::Engineer).await?;
    b.add_user("zhang.min", "pw-zhang", Role::Engineer).await?;
    let kim = b.add_user("kim", "pw-kim", Role::Engineer).await?;
    let urls = Arc::new(vec![a.base_url.clone(), b.base_url.clone()]);

    let mut disp = SimDevice::login(&a.base_url, "dana", "pw-dana").await?;
    let li = SimDevice::login(&b.base_url, "li.wei", "pw-li").await?;
    let li2 = SimDevice::login(&a.base_url, "li.wei", "pw-li").await?;
    let zhang = SimDevice::login(&b.base_url, "zhang.min", "pw-zhang").await?;
    let mut docs = Vec::new();
    for _ in 0..3 {
        docs.push(dispatch(&mut disp, &[&li, &zhang]).await?);
    }
    let docs = Arc::new(docs);

    // Both replicas write as the server meanwhile (assign and unassign a third engineer).
    let server_writes = {
        let hubs = [a.state.hub.clone(), b.state.hub.clone()];
        let (docs, dana) = (docs.clone(), disp.user_id.parse()?);
        tokio::task::spawn_blocking(move || -> Result<(), BoxError> {
            let mut rng = Rng(seed ^ 0x5eed);
            for i in 0..ROUNDS * 2 {
                let hub = &hubs[rng.below(2)];
                let id = docs[rng.below(docs.len())];
                if i % 2 == 0 {
                    hub.assign(id, kim.id, dana, now_ms())?;
                } else {
                    hub.unassign(id, kim.id, now_ms())?;
                }
            }
            Ok(())
        })
    };
    // The devices run concurrently in this task (a device is not `Send`); their requests
    // overlap on the wire and the replicas serve them on several threads.
    let (r1, r2, r3, r4) = tokio::join!(
        device_rounds(
            disp,
            "dana",
            urls.clone(),
            docs.clone(),
            seed.wrapping_mul(7)
        ),
        device_rounds(li, "li", urls.clone(), docs.clone(), seed.wrapping_mul(11)),
        device_rounds(
            li2,
            "li2",
            urls.clone(),
            docs.clone(),
            seed.wrapping_mul(13)
        ),
        device_rounds(
            zhang,
            "zhang",
            urls.clone(),
            docs.clone(),
            seed.wrapping_mul(17)
        ),
    );
    let mut devices = Vec::new();
    let mut written = Vec::new();
    for r in [r1, r2, r3, r4] {
        let (dev, w) = r?;
        devices.push(dev);
        written.extend(w);
    }
    server_writes.await??;

    // Two settling rounds, each device through a random replica.
    let mut rng = Rng(seed ^ 0xf1a1);
    for _ in 0..2 {
        for dev in &mut devices {
            dev.set_base_url(&urls[rng.below(2)]);
            let report = dev.sync().await?;
            assert!(report.rejected.is_empty(), "{:?}", report.rejected);
        }
    }
    for &id in docs.iter() {
        let on_a = server_heads(&a, id);
        assert_eq!(on_a, server_heads(&b, id), "the replicas disagree on {id}");
        for dev in &mut devices {
            assert_eq!(
                sorted_heads(dev, id),
                on_a,
                "a device missed a change of {id}"
            );
            let findings = dev.store.work_order(id)?.findings;
            for (_, tag) in written.iter().filter(|(d, _)| *d == id) {
                assert!(findings.contains(tag.as_str()), "{tag} lost: {findings}");
            }
            assert_eq!(dev.store.pending_count()?, 0);
        }
    }
    drop(b);
    Ok(())
}
