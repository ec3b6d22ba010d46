//! `--demo`: start `fieldsync-server demo` as a child process (found next to this program)
//! and stop it when the app exits. The app then signs in as a demo engineer through the
//! worker, which waits for the server to come up.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The demo server child; killed on drop.
#[derive(Debug)]
pub struct DemoServer {
    child: Child,
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `fieldsync-server` next to the running program (cargo puts both in `target/<profile>/`).
pub fn server_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let name = format!("fieldsync-server{}", std::env::consts::EXE_SUFFIX);
    let path = exe.parent()?.join(name);
    path.exists().then_some(path)
}

/// Start `<bin> demo`. Its output (the demo logins) goes to this terminal.
pub fn start(bin: Option<PathBuf>) -> Result<DemoServer, String> {
    let bin = bin.or_else(server_binary).ok_or_else(|| {
        "the demo needs the server program next to this one: run `cargo build -p fieldsync-server` \
         (same profile, e.g. --release) or pass --server-bin"
            .to_string()
    })?;
    let child = Command::new(&bin)
        .arg("demo")
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
    Ok(DemoServer { child })
}
