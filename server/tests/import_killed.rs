//! `import devices` killed with SIGKILL at any moment leaves all of the ledger or none of it:
//! the rows are stored in one transaction. The real binary, a real SQLite file, kills at
//! several points from parsing to commit; then an import run to its end stores every row,
//! and a second one adds none.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const ROWS: usize = 3_000;

fn ledger(path: &Path) {
    let mut text = String::from("资产编号,设备类型,品牌,序列号,位置\r\n");
    for i in 0..ROWS {
        text.push_str(&format!("ZC-{i:05},台式机,联想,SN{i:05},{}楼\r\n", i % 30));
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    std::fs::write(path, gbk).unwrap();
}

fn import(data: &Path, file: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fieldsync-server"));
    c.arg("import")
        .arg("--data-dir")
        .arg(data)
        .arg("devices")
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    c
}

fn devices_in(data: &Path) -> usize {
    if !data.join("fieldsync.db").exists() {
        return 0;
    }
    let url = fieldsync_server::storage::url_for_data_dir(data);
    let db = fieldsync_server::storage::open(&url).unwrap();
    db.blocking().device_keys().unwrap().len()
}

#[test]
fn a_killed_import_leaves_all_rows_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.csv");
    ledger(&file);
    // How long a whole import takes here, to spread the kills over it.
    let probe = dir.path().join("probe");
    let t0 = Instant::now();
    let out = import(&probe, &file).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let whole = t0.elapsed();
    assert_eq!(devices_in(&probe), ROWS);
    let data = dir.path().join("data");
    let mut outcomes = Vec::new();
    for fraction in [0.2, 0.5, 0.8, 0.9, 0.95, 0.99] {
        let mut child = import(&data, &file).spawn().unwrap();
        std::thread::sleep(whole.mul_f64(fraction));
        let _ = child.kill(); // SIGKILL on Unix; it may have finished already
        let _ = child.wait();
        let n = devices_in(&data);
        assert!(
            n == 0 || n == ROWS,
            "killed at {fraction}: {n} of {ROWS} devices stored"
        );
        outcomes.push(n);
    }
    let out = import(&data, &file).output().unwrap();
    assert!(out.status.success());
    assert_eq!(devices_in(&data), ROWS, "kills: {outcomes:?}");
    let out = import(&data, &file).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("0 new"), "{said}");
    assert_eq!(devices_in(&data), ROWS);
    // Tell what was exercised (kills before the commit leave 0, after it all).
    println!("{whole:?} per import; devices after each kill: {outcomes:?}");
}
