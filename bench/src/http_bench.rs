//! Sync against the real server over HTTP on loopback: first sync, reconnect, an engineer's
//! first briefcase, and many devices at once. The server runs as a child process; bytes are
//! counted by a proxy in front of it.

use crate::floor::{self, FloorInput};
use crate::report::{Table, ms, percentile};
use crate::server_proc::{Cluster, Counters, ServerProc, counting_proxy};
use crate::sync_bench::{fill_devices_at, new_work_order, seed_work_orders_as};
use fieldsync::model::work_order::{self as wo};
use fieldsync::store::LocalStore;
use fieldsync::{DocId, DocKind};
use fieldsync_tests::{SimDevice, now_ms};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn users(list: &[(&str, &str)]) -> Vec<(String, String, &'static str)> {
    list.iter()
        .map(|(name, role)| {
            let role: &'static str = match *role {
                "engineer" => "engineer",
                "dispatcher" => "dispatcher",
                _ => "admin",
            };
            (name.to_string(), format!("password-{name}"), role)
        })
        .collect()
}

/// Sync until done, counting round trips; also returns the time spent applying answers.
async fn sync_timed(dev: &mut SimDevice) -> anyhow::Result<(usize, usize, Duration)> {
    let (mut trips, mut rejected, mut applying) = (0, 0, Duration::ZERO);
    loop {
        let (out, resp) = dev.exchange().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        trips += 1;
        let t = Instant::now();
        let r = dev.store.apply_sync(&out, resp, now_ms())?;
        applying += t.elapsed();
        rejected += r.rejected.len();
        if !r.more {
            return Ok((trips, rejected, applying));
        }
    }
}

async fn sync_counting(dev: &mut SimDevice) -> anyhow::Result<(usize, usize)> {
    sync_timed(dev).await.map(|(t, r, _)| (t, r))
}

fn kb(b: u64) -> String {
    format!("{:.1} KB", b as f64 / 1000.0)
}

/// first-sync and reconnect, in one run (reconnect reuses the first sync's device).
pub async fn first_sync_and_reconnect() -> anyhow::Result<Vec<Table>> {
    let server = ServerProc::start(&users(&[("eng", "engineer")]))?;
    let counters = Arc::new(Counters::default());
    let proxy = counting_proxy(server.addr, counters.clone()).await?;
    let url = format!("http://{proxy}");
    let dir = tempfile::tempdir()?;
    let mut dev =
        SimDevice::login_with_store(&url, "eng", "password-eng", LocalStore::open(dir.path())?)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    let me = dev.user_id.clone();
    let ids = seed_work_orders_as(&mut dev.store, 500, 20, &me)?;
    let saved: usize = ids
        .iter()
        .map(|id| dev.store.doc(*id).map(|mut d| d.save().len()).unwrap_or(0))
        .sum();
    let first_floor_input = FloorInput::of_next_sync(&mut dev.store)?;

    let (up0, down0) = counters.snapshot();
    let cpu0 = server.cpu();
    let t = Instant::now();
    let (trips, rejected, applying) = sync_timed(&mut dev).await?;
    let wall = t.elapsed();
    let first_wall = wall;
    let (up1, down1) = counters.snapshot();
    let cpu = server.cpu() - cpu0;
    anyhow::ensure!(rejected == 0, "{rejected} documents were rejected");
    let up = up1 - up0;
    let budget = 1.2 * saved as f64 + 1024.0;
    let mut first =
        Table::new("first-sync over HTTP: 500 work orders × 20 offline edits, one device");
    first.row(
        "sum of the documents' save() sizes",
        kb(saved as u64),
        "-",
        None,
    );
    first.row(
        "wall time",
        ms(wall),
        "< 300 ms",
        Some(wall < Duration::from_millis(300)),
    );
    first.row(
        "of which the device applying the answer",
        ms(applying),
        "-",
        None,
    );
    first.row(
        "HTTP round trips",
        trips.to_string(),
        "≤ 2",
        Some(trips <= 2),
    );
    first.row(
        "bytes up (on the wire, with HTTP headers)",
        kb(up),
        &format!("≤ {}", kb(budget as u64)),
        Some(up as f64 <= budget),
    );
    first.row("bytes down", kb(down1 - down0), "-", None);
    first.row("server CPU time", ms(cpu), "-", None);
    first.row(
        "server RSS (now / peak)",
        format!("{:.1} / {:.1} MiB", server.rss_mib().0, server.rss_mib().1),
        "-",
        None,
    );

    // The app restarts: reopen the store from disk, change 50 documents, reconnect.
    let store = {
        drop(std::mem::replace(
            &mut dev.store,
            LocalStore::open_in_memory()?,
        ));
        LocalStore::open(dir.path())?
    };
    let mut dev = dev.reopen(store);
    let mut change_bytes = 0usize;
    for (n, id) in ids.iter().take(50).enumerate() {
        let before = dev.store.doc(*id)?.get_heads();
        let now = now_ms();
        dev.store.edit(*id, now, |d| {
            wo::set_findings(d, &format!("checked again, round {n}"), now)
        })?;
        change_bytes += dev.store.doc(*id)?.save_after(&before).len();
    }
    let reconnect_floor_input = FloorInput::of_next_sync(&mut dev.store)?;
    let (up0, down0) = counters.snapshot();
    let t = Instant::now();
    let (trips, _) = sync_counting(&mut dev).await?;
    let wall = t.elapsed();
    let (up1, down1) = counters.snapshot();
    let up = up1 - up0;
    let budget = 1.2 * change_bytes as f64 + 1024.0;
    let mut re = Table::new("reconnect over HTTP: app restarted, 50 of 500 documents changed");
    re.row("Automerge change bytes", kb(change_bytes as u64), "-", None);
    re.row("wall time", ms(wall), "-", None);
    re.row("HTTP round trips", trips.to_string(), "1", Some(trips == 1));
    re.row(
        "bytes up (on the wire)",
        kb(up),
        &format!("≤ {}", kb(budget as u64)),
        Some(up as f64 <= budget),
    );
    re.row("bytes down", kb(down1 - down0), "-", None);
    // The floors, measured in this run once the syncs are over (the server is idle).
    drop(dev);
    drop(server);
    let first_floor = floor::measure(&first_floor_input)?;
    let reconnect_floor = floor::measure(&reconnect_floor_input)?;
    let against = floor::multiples(
        "first-sync and reconnect against their floors (measured in this run, see `floor`)",
        &[
            floor::Versus {
                sync: "first sync",
                wall: Ok(first_wall),
                floor: &first_floor,
                budget: Some(floor::FIRST_SYNC_BUDGET),
            },
            floor::Versus {
                sync: "reconnect",
                wall: Ok(wall),
                floor: &reconnect_floor,
                budget: None,
            },
        ],
    );
    Ok(vec![first, re, against])
}

/// An engineer's first sync of a briefcase of 500 work orders + 5,000 devices made in the office.
pub async fn briefcase() -> anyhow::Result<Table> {
    let server = ServerProc::start(&users(&[("eng", "engineer"), ("office", "dispatcher")]))?;
    let url = format!("http://{}", server.addr);
    let mut office = SimDevice::login(&url, "office", "password-office")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut eng = SimDevice::login(&url, "eng", "password-eng")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let site = DocId::new().to_string();
    let (me, by) = (eng.user_id.clone(), office.user_id.clone());
    for i in 0..500 {
        let mut new = new_work_order(i, 20, &me);
        new.kind = "inspection".into();
        new.site_id = Some(site.clone());
        office.store.create(DocKind::WorkOrder, 0, |d, id| {
            wo::create_work_order(d, id, &new, &by, 0)
        })?;
    }
    fill_devices_at(&mut office.store, 5_000, Some(&site))?;
    let t = Instant::now();
    let (office_trips, rejected) = sync_counting(&mut office).await?;
    let office_wall = t.elapsed();
    anyhow::ensure!(rejected == 0, "{rejected} office documents rejected");
    let t = Instant::now();
    let (trips, _, applying) = sync_timed(&mut eng).await?;
    let wall = t.elapsed();
    let got = eng.store.list_work_orders(None)?.len();
    let devices = eng.store.device_count()?;
    let mut tab =
        Table::new("briefcase: an engineer's first sync, 500 work orders + 5,000 devices");
    tab.row(
        "office upload of the 5,500 documents (not budgeted)",
        format!("{} in {office_trips} trips", ms(office_wall)),
        "-",
        None,
    );
    tab.row(
        "engineer's first sync",
        ms(wall),
        "< 3 s",
        Some(wall < Duration::from_secs(3)),
    );
    tab.row(
        "of which the device applying and indexing",
        ms(applying),
        "-",
        None,
    );
    tab.row("pages (round trips)", trips.to_string(), "-", None);
    tab.row(
        "documents received",
        format!("{got} work orders, {devices} devices"),
        "500 + 5,000",
        Some(got == 500 && devices == 5_000),
    );
    tab.row(
        "server peak RSS",
        format!("{:.1} MiB", server.rss_mib().1),
        "-",
        None,
    );
    Ok(tab)
}

/// `devices` devices (10 per engineer account) syncing at once, 10 changed documents each,
/// against one SQLite server.
pub async fn load(devices: usize, rounds: usize) -> anyhow::Result<Table> {
    load_on(devices, rounds, None, 1).await
}

/// [`load`] against `replicas` servers on PostgreSQL (`postgres`: admin URL of the
/// PostgreSQL server; a throw-away database is created on it), devices spread over them.
pub async fn load_on(
    devices: usize,
    rounds: usize,
    postgres: Option<&str>,
    replicas: usize,
) -> anyhow::Result<Table> {
    let engineers = devices.div_ceil(10);
    let mut list: Vec<(String, String)> = (0..engineers)
        .map(|i| (format!("eng{i:03}"), "engineer".to_string()))
        .collect();
    list.push(("office".into(), "dispatcher".into()));
    let refs: Vec<(&str, &str)> = list.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let server = Cluster::start(&users(&refs), postgres, replicas)?;
    let mut office = SimDevice::login(&server.url_for(0), "office", "password-office")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut devs: Vec<SimDevice> = Vec::with_capacity(devices);
    for d in 0..devices {
        let name = format!("eng{:03}", d / 10);
        let dev = SimDevice::login(&server.url_for(d), &name, &format!("password-{name}"))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        devs.push(dev);
    }
    // Sign-ins alone raise the server's RSS (password hashing); report it apart from syncing.
    let signed_in_peak = server.rss_mib().1;
    // 100 work orders per engineer; device k of an engineer edits its own 10 of them.
    let by = office.user_id.clone();
    let mut owned: Vec<Vec<DocId>> = vec![Vec::new(); devices];
    for (d, dev) in devs.iter().enumerate() {
        if d % 10 != 0 {
            continue;
        }
        for k in 0..100 {
            let mut new = new_work_order(k, 5, &dev.user_id);
            new.kind = "inspection".into();
            let id = office.store.create(DocKind::WorkOrder, 0, |doc, id| {
                wo::create_work_order(doc, id, &new, &by, 0)
            })?;
            owned[d + k / 10].push(id);
        }
    }
    sync_counting(&mut office).await?;
    let office_peak = server.rss_mib().1;
    let mut handles = Vec::new();
    for mut dev in devs.drain(..) {
        handles.push(tokio::spawn(async move {
            sync_counting(&mut dev).await.map(|_| dev)
        }));
    }
    for h in handles {
        devs.push(h.await??);
    }
    let mut latencies: Vec<Duration> = Vec::new();
    let mut round_walls: Vec<Duration> = Vec::new();
    let mut device_apply = Duration::ZERO;
    let (mut errors, mut merged) = (0usize, 0usize);
    let cpu0 = server.cpu();
    // Peak before the timed rounds: the office's upload and every device's first briefcase.
    let setup_peak = server.rss_mib().1;
    let mut round_peaks: Vec<f64> = Vec::new();
    for round in 0..rounds {
        for (d, dev) in devs.iter_mut().enumerate() {
            for id in &owned[d] {
                let now = now_ms();
                dev.store.edit(*id, now, |doc| {
                    wo::set_findings(doc, &format!("round {round}"), now)
                })?;
            }
        }
        // The devices' own work (building the request, storing the answer) runs on the
        // devices' CPUs in the field; here 200 simulated devices share the server's two cores,
        // so it is done before and after the timed part. Timed: all 200 requests in flight at
        // once, each from sending to the whole answer received.
        let mut prepared = Vec::with_capacity(devs.len());
        for mut dev in devs.drain(..) {
            let out = dev.store.prepare_sync(None)?;
            let body = fieldsync::wire::encode(&out.request);
            prepared.push((dev, out, body));
        }
        let t_round = Instant::now();
        let mut handles = Vec::new();
        for (dev, out, body) in prepared {
            let send = dev.post_sync_raw(body);
            handles.push(tokio::spawn(async move {
                let t = Instant::now();
                let r = send.await;
                (dev, out, t.elapsed(), r)
            }));
        }
        let mut answered = Vec::with_capacity(handles.len());
        for h in handles {
            answered.push(h.await?);
        }
        round_walls.push(t_round.elapsed());
        round_peaks.push(server.rss_mib().1);
        let t_apply = Instant::now();
        for (mut dev, out, took, r) in answered {
            let applied = match r {
                Ok((200, body)) => fieldsync::wire::decode_response(&body)
                    .map_err(anyhow::Error::from)
                    .and_then(|resp| Ok(dev.store.apply_sync(&out, resp, now_ms())?)),
                Ok((status, _)) => Err(anyhow::anyhow!("HTTP {status}")),
                Err(e) => Err(anyhow::anyhow!("{e}")),
            };
            match applied {
                Ok(rep) if rep.rejected.is_empty() && rep.accepted == 10 => {
                    latencies.push(took);
                    merged += 10;
                    if rep.more {
                        // Rest of the answer (not timed): the next round starts settled.
                        dev.sync().await.map_err(|e| anyhow::anyhow!("{e}"))?;
                    }
                }
                _ => errors += 1,
            }
            devs.push(dev);
        }
        device_apply += t_apply.elapsed();
    }
    let wall: Duration = round_walls.iter().sum();
    let cpu = server.cpu() - cpu0;
    latencies.sort();
    let p99 = percentile(&latencies, 0.99);
    let (rss, peak) = server.rss_mib();
    let mut tab = Table::new(&format!(
        "load: {devices} devices syncing at once, 10 changed documents each, {rounds} rounds ({})",
        server.label
    ));
    tab.row(
        "sync latency (request sent → answer received) p50",
        ms(percentile(&latencies, 0.5)),
        "-",
        None,
    );
    tab.row(
        "sync latency p95",
        ms(percentile(&latencies, 0.95)),
        "-",
        None,
    );
    tab.row(
        "sync latency p99",
        ms(p99),
        "< 500 ms",
        Some(p99 < Duration::from_millis(500)),
    );
    tab.row("errors", errors.to_string(), "0", Some(errors == 0));
    tab.row(
        "documents merged per second",
        format!("{:.0}", merged as f64 / wall.as_secs_f64()),
        "-",
        None,
    );
    tab.row(
        "round wall time (all requests answered), slowest round",
        ms(round_walls.iter().max().copied().unwrap_or_default()),
        "-",
        None,
    );
    tab.row(
        "devices storing their answers (not timed above), all rounds",
        ms(device_apply),
        "-",
        None,
    );
    tab.row("server CPU time", ms(cpu), "-", None);
    tab.row(
        "server peak RSS after the sign-ins, before any sync",
        format!("{signed_in_peak:.1} MiB"),
        "-",
        None,
    );
    tab.row(
        "server peak RSS after the office's upload of the work orders",
        format!("{office_peak:.1} MiB"),
        "-",
        None,
    );
    tab.row(
        "server peak RSS after the setup (office upload, every first briefcase), before the rounds",
        format!("{setup_peak:.1} MiB"),
        "-",
        None,
    );
    tab.row(
        "server peak RSS after each round",
        round_peaks
            .iter()
            .map(|p| format!("{p:.1}"))
            .collect::<Vec<_>>()
            .join(" / ")
            + " MiB",
        "-",
        None,
    );
    tab.row(
        "server RSS now / peak",
        format!("{rss:.1} / {peak:.1} MiB"),
        "< 100 MB",
        Some(peak < 95.4),
    );
    Ok(tab)
}
