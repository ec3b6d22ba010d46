//! `--demo`: start `fieldsync-server demo` as a child process (found next to this program,
//! not in-process, so the app does not link the server) and stop it when the app exits. The app then signs in as a demo engineer through the
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

/// Demo logins of `fieldsync-server demo` (server/src/seed.rs `DEMO_USERS`): the engineers.
pub const DEMO_ENGINEERS: [(&str, &str); 2] =
    [("li.wei", "engineer-li"), ("zhang.min", "engineer-zhang")];

/// The demo password of a demo engineer.
pub fn demo_password(user: &str) -> Option<&'static str> {
    DEMO_ENGINEERS
        .iter()
        .find(|(u, _)| *u == user)
        .map(|(_, p)| *p)
}

/// `host:port` of a loopback `http://` server address, for the demo server to listen on.
pub fn listen_addr(server: &str) -> Option<String> {
    let rest = server.strip_prefix("http://")?;
    let hostport = rest.split('/').next()?;
    let loopback = hostport.starts_with("127.") || hostport.starts_with("localhost:");
    (loopback && hostport.contains(':')).then(|| hostport.replace("localhost", "127.0.0.1"))
}

/// Is a server already listening at `addr` (e.g. started by the other demo engineer's window)?
pub fn already_running(addr: &str) -> bool {
    addr.parse::<std::net::SocketAddr>().is_ok_and(|a| {
        std::net::TcpStream::connect_timeout(&a, std::time::Duration::from_millis(300)).is_ok()
    })
}

/// Start the demo server keeping its data in `data_dir`: `<bin> demo` the first time (fresh
/// demo data, logins printed to this terminal), `<bin> serve` afterwards, so the demo keeps
/// what was synced across restarts.
pub fn start(
    bin: Option<PathBuf>,
    data_dir: &std::path::Path,
    addr: Option<&str>,
) -> Result<DemoServer, String> {
    let bin = bin.or_else(server_binary).ok_or_else(|| {
        "the demo needs the server program next to this one: run `cargo build -p fieldsync-server` \
         (same profile, e.g. --release) or pass --server-bin"
            .to_string()
    })?;
    let fresh = !data_dir.join("fieldsync.db").exists();
    std::fs::create_dir_all(data_dir)
        .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let mut cmd = Command::new(&bin);
    cmd.arg(if fresh { "demo" } else { "serve" });
    cmd.arg("--data-dir").arg(data_dir);
    if let Some(a) = addr {
        cmd.arg("--addr").arg(a);
    }
    let child = cmd
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
    Ok(DemoServer { child })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_addresses_and_passwords() {
        assert_eq!(
            listen_addr("http://127.0.0.1:8080").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(
            listen_addr("http://localhost:9000/").as_deref(),
            Some("127.0.0.1:9000")
        );
        assert_eq!(listen_addr("https://hub.example.com"), None);
        assert_eq!(demo_password("zhang.min"), Some("engineer-zhang"));
        assert_eq!(demo_password("nobody"), None);
    }
}
