//! first-sync's server work without HTTP or a child process: `Hub::sync` of the very request
//! the first-sync scenario sends (500 work orders × 20 offline edits, one engineer's device),
//! on a fresh SQLite file each round. For profiling: under `valgrind --tool=callgrind` the
//! instruction counts are repeatable even while other work shares the cores, which wall
//! clock and CPU time are not.
//!
//! ```sh
//! target/release/fieldsync-bench hub-first-sync --save /tmp/req.bin      # build the request once
//! valgrind --tool=callgrind target/release/fieldsync-bench hub-first-sync --load /tmp/req.bin --rounds 1
//! valgrind --tool=callgrind target/release/fieldsync-bench hub-first-sync --load /tmp/req.bin --rounds 0
//! ```
//! (`--rounds 0` does the setup alone: subtract its count to get the sync's.)

use crate::report::{Table, ms};
use crate::sync_bench::seed_work_orders_as;
use fieldsync::store::LocalStore;
use fieldsync::wire::{self, PushOutcome, SyncRequest};
use fieldsync::{DeviceId, Role, UserId};
use fieldsync_server::hub::{CallerCtx, Hub, HubConfig};
use fieldsync_server::storage::{self, NewUser};
use std::time::{Duration, Instant};

/// The saved request: who sent it and the encoded body.
struct Saved {
    user: UserId,
    device: DeviceId,
    actor: String,
    body: Vec<u8>,
}

impl Saved {
    fn build() -> anyhow::Result<Self> {
        let user = UserId::new();
        let mut store = LocalStore::open_in_memory()?;
        seed_work_orders_as(&mut store, 500, 20, &user.to_string())?;
        let out = store.prepare_sync(None)?;
        Ok(Saved {
            user,
            device: store.device_id()?,
            actor: store.actor().to_hex_string(),
            body: wire::encode(&out.request),
        })
    }

    /// `user\ndevice\nactor\n` then the body.
    fn write(&self, path: &str) -> anyhow::Result<()> {
        let mut out = format!("{}\n{}\n{}\n", self.user, self.device, self.actor).into_bytes();
        out.extend_from_slice(&self.body);
        std::fs::write(path, out)?;
        Ok(())
    }

    fn read(path: &str) -> anyhow::Result<Self> {
        let raw = std::fs::read(path)?;
        let mut parts = raw.splitn(4, |b| *b == b'\n');
        let mut line = || -> anyhow::Result<String> {
            let l = parts
                .next()
                .ok_or_else(|| anyhow::anyhow!("{path}: truncated"))?;
            Ok(String::from_utf8(l.to_vec())?)
        };
        let user = line()?.parse()?;
        let device = line()?.parse()?;
        let actor = line()?;
        let body = parts
            .next()
            .ok_or_else(|| anyhow::anyhow!("{path}: no body"))?
            .to_vec();
        Ok(Saved {
            user,
            device,
            actor,
            body,
        })
    }
}

/// CPU time of this process so far (user + system), from /proc/self/stat.
fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i)?.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// One round: a fresh database with the engineer and their device, then the sync.
fn round(saved: &Saved, req: &SyncRequest) -> anyhow::Result<(Duration, Duration, usize)> {
    let dir = tempfile::tempdir()?;
    let db = storage::open(&storage::url_for_data_dir(dir.path()))?;
    let now = fieldsync_tests::now_ms();
    let user = db.blocking().create_user(&NewUser {
        id: saved.user,
        username: "eng".into(),
        display_name: "Engineer".into(),
        role: Role::Engineer,
        password_hash: "-".into(),
        now,
    })?;
    db.blocking()
        .upsert_device(saved.device, saved.user, "bench", now)?;
    db.blocking().register_actors(
        saved.device,
        saved.user,
        std::slice::from_ref(&saved.actor),
        now,
    )?;
    let hub = Hub::new(db, HubConfig::default())?;
    let caller = CallerCtx::new(
        user,
        saved.device,
        [automerge::ActorId::try_from(saved.actor.as_str())?]
            .into_iter()
            .collect(),
    );
    let cpu0 = process_cpu();
    let t = Instant::now();
    let (resp, _) = hub.sync(&caller, req, now)?;
    let wall = t.elapsed();
    let cpu = process_cpu() - cpu0;
    let rejected = resp
        .results
        .iter()
        .filter(|r| matches!(r.outcome, PushOutcome::Rejected { .. }))
        .count();
    anyhow::ensure!(rejected == 0, "{rejected} documents were rejected");
    Ok((wall, cpu, resp.results.len()))
}

/// `hub-first-sync [--save FILE] [--load FILE] [--rounds N]`.
pub fn run(args: &[String]) -> anyhow::Result<Table> {
    let flag = |name: &str| {
        let i = args.iter().position(|a| a == name)?;
        args.get(i + 1).cloned()
    };
    let saved = match flag("--load") {
        Some(path) => Saved::read(&path)?,
        None => Saved::build()?,
    };
    if let Some(path) = flag("--save") {
        saved.write(&path)?;
    }
    let rounds: usize = flag("--rounds").and_then(|n| n.parse().ok()).unwrap_or(3);
    let t0 = Instant::now();
    let req = wire::decode_request(&saved.body)?;
    let decoding = t0.elapsed();
    let mut t = Table::new(&format!(
        "first-sync's server work in process: Hub::sync of {} pushed documents ({} KB body), fresh SQLite file per round",
        req.push.len(),
        saved.body.len() / 1000
    ));
    t.row(
        "decoding the request (zstd + CBOR, one thread)",
        ms(decoding),
        "-",
        None,
    );
    let mut cpus = Vec::new();
    for i in 0..rounds {
        let (wall, cpu, docs) = round(&saved, &req)?;
        t.row(
            &format!("round {}: wall / process CPU ({docs} accepted)", i + 1),
            format!("{} / {}", ms(wall), ms(cpu)),
            "-",
            None,
        );
        cpus.push(cpu);
    }
    if let Some(best) = cpus.iter().min() {
        t.row("least CPU of the rounds", ms(*best), "-", None);
    }
    Ok(t)
}
