//! Command-line flags (with `FIELDSYNC_…` environment fallbacks) and where the local store of
//! each profile lives.

use clap::Parser;
use std::path::PathBuf;

/// The fieldsync field app.
#[derive(Debug, Clone, Parser)]
#[command(name = "fieldsync-app", version, about)]
pub struct Args {
    /// Folder for this profile's local store (default: the platform data directory).
    #[arg(long, env = "FIELDSYNC_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Profile name under the platform data directory (one per user on this machine).
    #[arg(long, default_value = "default", env = "FIELDSYNC_PROFILE")]
    pub profile: String,
    /// Server address offered on the sign-in screen.
    #[arg(
        long,
        default_value = "http://127.0.0.1:8080",
        env = "FIELDSYNC_SERVER"
    )]
    pub server: String,
    /// Run the demo server inside the app (demo data on first start, kept afterwards) and
    /// sign in as a demo user.
    #[arg(long)]
    pub demo: bool,
    /// Demo user to sign in as: li.wei or zhang.min (engineers), dana (dispatcher),
    /// sam (supervisor).
    #[arg(long, default_value = "li.wei", env = "FIELDSYNC_DEMO_USER")]
    pub demo_user: String,
    /// Demo password (default: the seeded password of the demo user).
    #[arg(long, env = "FIELDSYNC_DEMO_PASSWORD")]
    pub demo_password: Option<String>,
    /// Allow plain http:// to a server other than this machine (insecure).
    #[arg(long)]
    pub allow_insecure_http: bool,
    /// Fill an empty, never-synced profile with sample data to look around offline.
    #[arg(long)]
    pub sample_data: bool,
}

impl Args {
    /// Where the demo server keeps its database (shared by the demo profiles).
    pub fn demo_server_dir(&self) -> Result<PathBuf, String> {
        let dirs = directories::ProjectDirs::from("org", "fieldsync", "fieldsync-app")
            .ok_or("no home directory found: pass --data-dir")?;
        Ok(dirs.data_dir().join("demo-server"))
    }

    /// The profile's folder: `--data-dir`, or `<platform data dir>/profiles/<profile>`
    /// (`demo-<user>` with `--demo`).
    pub fn profile_dir(&self) -> Result<PathBuf, String> {
        if let Some(d) = &self.data_dir {
            return Ok(d.clone());
        }
        let profile = if self.demo && self.profile == "default" {
            format!("demo-{}", self.demo_user)
        } else {
            self.profile.clone()
        };
        if profile.is_empty() || profile.contains(['/', '\\']) || profile.starts_with('.') {
            return Err(format!("profile name {profile:?} is not a simple name"));
        }
        let dirs = directories::ProjectDirs::from("org", "fieldsync", "fieldsync-app")
            .ok_or("no home directory found: pass --data-dir")?;
        Ok(dirs.data_dir().join("profiles").join(profile))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_dirs() {
        let a = Args::try_parse_from(["x", "--data-dir", "/tmp/p"]).unwrap();
        assert_eq!(a.profile_dir().unwrap(), PathBuf::from("/tmp/p"));
        let a = Args::try_parse_from(["x", "--profile", "../etc"]).unwrap();
        assert!(a.profile_dir().is_err());
        let a = Args::try_parse_from(["x", "--demo"]).unwrap();
        if let Ok(d) = a.profile_dir() {
            assert!(d.ends_with("demo-li.wei"));
        }
    }
}
