//! The `fieldsync-server` binary: serve, demo, user management, CSV import, export, migrate.

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use fieldsync::Role;
use fieldsync_server::config::{Layer, ServerConfig};
use fieldsync_server::tls::Tls;
use fieldsync_server::{AppState, storage};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "fieldsync-server", version, about = "fieldsync hub server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Default)]
struct DbArgs {
    /// Data directory (SQLite file and blobs).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Database URL, e.g. sqlite:///var/lib/fieldsync/fieldsync.db (overrides --data-dir's file).
    #[arg(long)]
    database_url: Option<String>,
    /// TOML config file (defaults → file → FIELDSYNC_* env → flags).
    #[arg(long)]
    config: Option<PathBuf>,
}

/// https: a certificate of your own, or a self-signed one for a small office.
#[derive(Args, Clone, Default)]
struct TlsArgs {
    /// TLS certificate chain (PEM); with --tls-key the server speaks only https.
    #[arg(long, requires = "tls_key", conflicts_with = "tls_self_signed")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM) of --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Serve https with a self-signed certificate made once and kept in the data directory;
    /// its SHA-256 fingerprint is printed at start for users to compare.
    #[arg(long)]
    tls_self_signed: bool,
    /// At most this many open connections (others wait).
    #[arg(long)]
    max_connections: Option<usize>,
    /// Seconds a client has to send a request's headers.
    #[arg(long)]
    header_read_timeout_secs: Option<u64>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Listen address.
        #[arg(long)]
        addr: Option<SocketAddr>,
        #[command(flatten)]
        tls: TlsArgs,
    },
    /// Seed a fresh database with the demo customers, print the logins, then serve. The demo
    /// is written in FIELDSYNC_LANGUAGE (zh-CN or en), else in the machine's locale.
    Demo {
        /// Keep the data here instead of a temporary directory (must not hold a database yet).
        #[arg(long)]
        data_dir: Option<PathBuf>,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        action: UserCmd,
        #[command(flatten)]
        db: DbArgs,
    },
    /// App installations: list them, cut off a lost laptop, or let it back.
    Device {
        #[command(subcommand)]
        action: DeviceCmd,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Import data.
    Import {
        #[command(subcommand)]
        what: ImportCmd,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Export documents (JSON) and projections (CSV) into a directory.
    Export {
        /// Output directory.
        out: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Apply database migrations and print the schema version.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Copy a SQLite deployment into an empty PostgreSQL database, then verify row counts and
    /// every document's heads. The copy is one transaction: on any error nothing is written.
    MigrateToPostgres {
        /// The SQLite database file (e.g. fieldsync-data/fieldsync.db). Stop the server first.
        #[arg(long)]
        from: PathBuf,
        /// The PostgreSQL URL, e.g. postgres://fieldsync@db.internal/fieldsync.
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    Add {
        username: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        #[arg(long)]
        display_name: Option<String>,
        #[command(flatten)]
        password: PasswordArgs,
    },
    List,
    Disable {
        username: String,
    },
    Enable {
        username: String,
    },
    ResetPassword {
        username: String,
        #[command(flatten)]
        password: PasswordArgs,
    },
}

/// Where a new password comes from: never the command line, which other users of the machine
/// can read (`ps`) and shells keep in their history.
#[derive(Args)]
struct PasswordArgs {
    /// Read the password from the first line of standard input (else FIELDSYNC_PASSWORD).
    #[arg(long)]
    password_stdin: bool,
}

impl PasswordArgs {
    fn read(&self) -> Result<String> {
        let password = if self.password_stdin {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .context("reading the password from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        } else {
            std::env::var("FIELDSYNC_PASSWORD").map_err(|_| {
                anyhow::anyhow!(
                    "give the password on standard input with --password-stdin, or in \
                     FIELDSYNC_PASSWORD (never on the command line)"
                )
            })?
        };
        if password.chars().count() < 8 {
            bail!("the password must have at least 8 characters");
        }
        Ok(password)
    }
}

#[derive(Subcommand)]
enum DeviceCmd {
    /// Every installation: its user, name, last sync and whether it is revoked.
    List {
        /// Only this user's devices.
        #[arg(long)]
        user: Option<String>,
    },
    /// Revoke a device (a lost or stolen laptop): its tokens stop working at once and it
    /// cannot sign in again; the user's other devices are untouched. Its unsent work stays on
    /// the device. Reset the user's password too if it may be known.
    Revoke { device_id: String },
    /// Let a revoked device sign in again (its old tokens stay revoked).
    Restore { device_id: String },
}

#[derive(Subcommand)]
enum ImportCmd {
    /// Device records from an asset ledger (CSV or Excel's "Unicode text"; UTF-8, UTF-16 or
    /// GB18030/GBK; Chinese or English headers). Re-importing updates, never duplicates.
    Devices {
        file: PathBuf,
        /// Column mapping, `Header=field` (repeatable), e.g. --map "Asset No=asset_tag".
        #[arg(long = "map")]
        map: Vec<String>,
        /// Check every row and report; write nothing (exits non-zero if any row is bad).
        #[arg(long)]
        dry_run: bool,
        /// Import the good rows even if some rows are bad.
        #[arg(long)]
        skip_bad_rows: bool,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s)
        .ok_or_else(|| format!("unknown role {s:?} (engineer, dispatcher, supervisor, admin)"))
}

fn config_for(db: &DbArgs, addr: Option<SocketAddr>) -> Result<ServerConfig> {
    config_with_tls(db, addr, &TlsArgs::default())
}

fn config_with_tls(db: &DbArgs, addr: Option<SocketAddr>, tls: &TlsArgs) -> Result<ServerConfig> {
    let flags = Layer {
        addr,
        tls_cert: tls.tls_cert.clone(),
        tls_key: tls.tls_key.clone(),
        tls_self_signed: tls.tls_self_signed.then_some(true),
        max_connections: tls.max_connections,
        header_read_timeout_secs: tls.header_read_timeout_secs,
        data_dir: db.data_dir.clone(),
        database_url: db.database_url.clone(),
        ..Layer::default()
    };
    let env = |k: &str| std::env::var(k).ok();
    let config = ServerConfig::layered(db.config.as_deref(), &env, &flags)?;
    // Customer documents of sites that name no language are written in this one.
    fieldsync_i18n::set_current(config.document_language());
    Ok(config)
}

async fn open_state(config: ServerConfig) -> Result<AppState> {
    fieldsync_server::cli::demo::open_state(config).await
}

async fn run_server(state: AppState) -> Result<()> {
    let addr = state.config.addr;
    let tls = match state.config.tls_files()? {
        Some(files) => {
            let tls = Arc::new(Tls::load(files)?);
            println!(
                "TLS certificate {} SHA-256 fingerprint {}",
                tls.files().cert.display(),
                tls.fingerprint()
            );
            // What an administrator hands to engineers: the app trusts it as given.
            println!(
                "address for the app: https://<this host>:{}#sha256={}",
                addr.port(),
                tls.fingerprint()
            );
            fieldsync_server::cli::serve::reload_on_sighup(tls.clone());
            Some(tls)
        }
        None => {
            if !addr.ip().is_loopback() {
                tracing::warn!(
                    %addr,
                    "serving plain http beyond this machine: pass --tls-self-signed or \
                     --tls-cert/--tls-key unless a TLS proxy sits in front"
                );
            }
            None
        }
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(%addr, scheme, "listening");
    fieldsync_server::cli::demo::serve_with_jobs(
        state,
        listener,
        tls,
        fieldsync_server::cli::serve::shutdown_signal(),
    )
    .await
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve { db, addr, tls } => {
            let config = config_with_tls(&db, addr, &tls)?;
            tracing::info!(?config, "starting");
            run_server(open_state(config).await?).await
        }
        Command::Demo { data_dir, addr } => demo(data_dir, addr).await,
        Command::User { action, db } => {
            user(action, open_state(config_for(&db, None)?).await?).await
        }
        Command::Device { action, db } => {
            device(action, open_state(config_for(&db, None)?).await?).await
        }
        Command::Import { what, db } => {
            import(what, open_state(config_for(&db, None)?).await?).await
        }
        Command::Export { out, db } => {
            let state = open_state(config_for(&db, None)?).await?;
            let hub = state.hub.clone();
            let out2 = out.clone();
            let r = tokio::task::spawn_blocking(move || {
                fieldsync_server::cli::export::export_all(&hub, &out2)
            })
            .await??;
            println!(
                "exported {} documents, {} work orders, {} devices, {} sites to {}",
                r.documents,
                r.work_orders,
                r.devices,
                r.sites,
                out.display()
            );
            Ok(())
        }
        Command::Migrate { db } => {
            let config = config_for(&db, None)?;
            let url = config.database_url();
            let version = tokio::task::spawn_blocking(move || -> Result<u32> {
                let db = storage::open(&url)?;
                Ok(db.blocking().migrate()?)
            })
            .await??;
            println!("schema version {version}");
            Ok(())
        }
        Command::MigrateToPostgres { from, to } => {
            let shown = fieldsync_server::storage::redact_url(&to);
            let report = tokio::task::spawn_blocking(move || {
                fieldsync_server::cli::pg_migrate::copy_sqlite_to_postgres(&from, &to)
            })
            .await?
            .with_context(|| format!("copying into {shown}"))?;
            for (table, rows) in &report.tables {
                println!("{table:<24} {rows:>10} rows");
            }
            println!(
                "verified: row counts of {} tables and the heads of {} documents match",
                report.tables.len(),
                report.docs_verified
            );
            Ok(())
        }
    }
}

async fn demo(data_dir: Option<PathBuf>, addr: SocketAddr) -> Result<()> {
    let (dir, _temp) = match data_dir {
        Some(d) => {
            if d.join("fieldsync.db").exists() {
                bail!(
                    "{} already holds a database; demo needs a fresh directory",
                    d.display()
                );
            }
            (d, None)
        }
        None => {
            let t = tempfile::tempdir()?;
            (t.path().to_owned(), Some(t))
        }
    };
    // The demo speaks FIELDSYNC_LANGUAGE (zh-CN or en), else the machine's locale: its
    // customers, sites and documents are seeded in that language.
    let config = ServerConfig {
        addr,
        data_dir: dir.clone(),
        language: std::env::var("FIELDSYNC_LANGUAGE").ok(),
        ..ServerConfig::default()
    };
    config.validate()?;
    let lang = config.document_language();
    fieldsync_i18n::set_current(lang);
    let started = Instant::now();
    let state = open_state(config).await?;
    let report = fieldsync_server::cli::demo::seed(&state, lang).await?;
    println!(
        "demo data loaded in {:.2} s: {} sites, {} devices, {} templates, {} articles, {} work orders; problem records: {}; months of written summary: {}",
        started.elapsed().as_secs_f64(),
        report.sites,
        report.devices,
        report.templates,
        report.articles,
        report.work_orders,
        report.problems,
        report.summary_notes
    );
    println!("data directory: {}", dir.display());
    println!("logins (username / password / role):");
    for (username, role, password) in fieldsync_server::seed::DEMO_USERS {
        println!("  {username:<10} {password:<16} {role}");
    }
    println!("serving on http://{addr}  (Ctrl-C to stop)");
    run_server(state).await
}

async fn user(action: UserCmd, state: AppState) -> Result<()> {
    let db = state.db.clone();
    match action {
        UserCmd::Add {
            username,
            role,
            display_name,
            password,
        } => {
            let password = password.read()?;
            let name = display_name.unwrap_or_else(|| username.clone());
            let u = fieldsync_server::handlers::auth::create_user(
                &db, &username, &name, &password, role,
            )
            .await?;
            println!("created {} ({}) id {}", u.username, u.role, u.id);
        }
        UserCmd::List => {
            for u in db.call(|s| s.list_users()).await? {
                println!(
                    "{:<16} {:<11} {:<9} {}",
                    u.username,
                    u.role.as_str(),
                    if u.disabled { "disabled" } else { "active" },
                    u.display_name
                );
            }
        }
        UserCmd::Disable { username } => {
            let u = username.clone();
            db.call(move |s| s.set_user_disabled(&u, true)).await?;
            println!("disabled {username}; their tokens are revoked");
        }
        UserCmd::Enable { username } => {
            let u = username.clone();
            db.call(move |s| s.set_user_disabled(&u, false)).await?;
            println!("enabled {username}");
        }
        UserCmd::ResetPassword { username, password } => {
            let password = password.read()?;
            let hash = tokio::task::spawn_blocking(move || {
                fieldsync_server::auth::hash_password(&password)
            })
            .await??;
            let u = username.clone();
            db.call(move |s| s.set_password_hash(&u, &hash)).await?;
            println!("password of {username} reset; their tokens are revoked");
        }
    }
    Ok(())
}

async fn device(action: DeviceCmd, state: AppState) -> Result<()> {
    use fieldsync_server::cli::devices;
    match action {
        DeviceCmd::List { user } => {
            let rows = state.db.call(|s| s.list_devices()).await?;
            print!("{}", devices::table(&rows, user.as_deref()));
        }
        DeviceCmd::Revoke { device_id } => {
            let d = devices::set_revoked(&state.db, &device_id, true).await?;
            println!(
                "revoked {} ({} of {}): its tokens no longer work and it cannot sign in",
                d.device_id, d.name, d.username
            );
        }
        DeviceCmd::Restore { device_id } => {
            let d = devices::set_revoked(&state.db, &device_id, false).await?;
            println!(
                "restored {} ({} of {}): it may sign in again",
                d.device_id, d.name, d.username
            );
        }
    }
    Ok(())
}

async fn import(what: ImportCmd, state: AppState) -> Result<()> {
    let ImportCmd::Devices {
        file,
        map,
        dry_run,
        skip_bad_rows,
    } = what;
    let mut mapping = std::collections::HashMap::new();
    for m in map {
        let (h, f) = m
            .split_once('=')
            .with_context(|| format!("--map {m:?}: expected Header=field"))?;
        mapping.insert(h.trim().to_owned(), f.trim().to_owned());
    }
    let opts = fieldsync_server::cli::import::ImportOptions {
        mapping,
        dry_run,
        skip_bad_rows,
    };
    let input =
        std::fs::File::open(&file).with_context(|| format!("opening {}", file.display()))?;
    let hub = state.hub.clone();
    let now = fieldsync_server::now_ms();
    let report = tokio::task::spawn_blocking(move || {
        fieldsync_server::cli::import::import_devices(
            Some(&hub),
            std::io::BufReader::new(input),
            &opts,
            now,
        )
    })
    .await??;
    if let Some(enc) = report.encoding {
        println!("read as {}", enc.label());
    }
    if !report.attribute_columns.is_empty() {
        println!(
            "kept as device attributes (no field of their own): {}",
            report.attribute_columns.join(", ")
        );
    }
    for bad in &report.bad {
        println!("line {}: {}", bad.line, bad.reason);
    }
    println!(
        "{} rows: {} good, {} bad; {} new, {} updated, {} unchanged{}",
        report.rows,
        report.good,
        report.bad.len(),
        report.written,
        report.updated,
        report.unchanged,
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    if !report.bad.is_empty() && dry_run {
        let n = report.bad.len();
        bail!(
            "{n} bad row{}: fix before importing",
            if n == 1 { "" } else { "s" }
        );
    }
    if !report.bad.is_empty() && !skip_bad_rows {
        bail!("nothing imported: fix the rows above or pass --skip-bad-rows");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A password is never a command-line argument (other users see it in `ps`).
    #[test]
    fn passwords_are_not_taken_from_the_command_line() {
        let add = |extra: &[&str]| {
            let mut args = vec![
                "fieldsync-server",
                "user",
                "add",
                "li",
                "--role",
                "engineer",
            ];
            args.extend_from_slice(extra);
            Cli::try_parse_from(args)
        };
        assert!(add(&["--password", "correct-horse"]).is_err());
        assert!(add(&["--password-stdin"]).is_ok());
        assert!(
            add(&[]).is_ok(),
            "the password may come from FIELDSYNC_PASSWORD"
        );
        let reset = Cli::try_parse_from([
            "fieldsync-server",
            "user",
            "reset-password",
            "li",
            "--password",
            "x",
        ]);
        assert!(reset.is_err());
    }
}
