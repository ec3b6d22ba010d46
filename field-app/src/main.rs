//! `fieldsync-app`: open the profile's local store, start the sync worker and the window.

use anyhow::Context;
use clap::Parser;
use fieldsync::store::LocalStore;
use fieldsync_app::config::Args;
use fieldsync_app::runtime::{WorkerHandle, lock};
use fieldsync_app::{FieldApp, app, fonts, sample};
use std::sync::{Arc, Mutex};

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let dir = args.profile_dir().map_err(anyhow::Error::msg)?;
    let mut store = LocalStore::open(&dir)
        .with_context(|| format!("opening the local store in {}", dir.display()))?;
    tracing::info!(dir = %dir.display(), "local store opened");
    // The language first: `--demo`'s server seeds its customers in it.
    fieldsync_i18n::set_current(app::saved_language(&store));
    if args.sample_data {
        let fresh = store.identity()?.is_none()
            && store
                .meta(fieldsync_app::runtime::meta::SERVER_URL)?
                .is_none();
        anyhow::ensure!(
            fresh,
            "--sample-data needs an empty profile that never signed in (use --data-dir)"
        );
        let now = chrono::Utc::now().timestamp_millis();
        sample::seed(&mut store, &sample::engineer(), now)?;
    }
    #[cfg_attr(not(feature = "demo"), allow(unused_variables))]
    let (demo_server, demo_password) = demo_server(&args)?;
    let store = Arc::new(Mutex::new(store));
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 500.0])
            .with_title("fieldsync"),
        ..Default::default()
    };
    let result = eframe::run_native(
        "fieldsync",
        options,
        Box::new(move |cc| {
            fonts::install(&cc.egui_ctx);
            // Photo previews are PNG files shown through `file://` URIs.
            egui_extras::install_image_loaders(&cc.egui_ctx);
            let ctx = cc.egui_ctx.clone();
            let worker = WorkerHandle::spawn(store.clone(), move || ctx.request_repaint());
            let signed_in = lock(&store).identity().ok().flatten().is_some();
            let mut app = FieldApp::new(store, app::system_clock(), Some(worker));
            app.use_saved_language();
            app.set_allow_insecure_http(args.allow_insecure_http);
            if app.state.sign_in.server.is_empty() {
                app.state.sign_in.server = args.server.clone();
            }
            if args.demo && !signed_in {
                app.start_demo_sign_in(&args.server, &args.demo_user, &demo_password);
            }
            Ok(Box::new(app))
        }),
    );
    // The demo server stops (letting in-flight syncs finish) once the window has closed.
    #[cfg(feature = "demo")]
    drop(demo_server);
    result.map_err(|e| anyhow::anyhow!("the window could not start: {e}"))
}

/// With `--demo`, the in-process demo server (unless one already listens there) and the
/// demo user's password.
#[cfg(feature = "demo")]
fn demo_server(
    args: &fieldsync_app::config::Args,
) -> anyhow::Result<(Option<fieldsync_app::demo::DemoServer>, String)> {
    use fieldsync_app::demo;
    let server = if args.demo {
        let dir = args.demo_server_dir().map_err(anyhow::Error::msg)?;
        let addr = demo::listen_addr(&args.server).with_context(|| {
            format!(
                "--demo runs its server on this machine: --server must be http://127.0.0.1:<port>, not {}",
                args.server
            )
        })?;
        if demo::already_running(&addr) {
            tracing::info!("a server already listens there: using it");
            None
        } else {
            let lang = fieldsync_i18n::current();
            Some(demo::start(&dir, &addr, lang).map_err(anyhow::Error::msg)?)
        }
    } else {
        None
    };
    let password = args
        .demo_password
        .clone()
        .or_else(|| demo::demo_password(&args.demo_user).map(String::from))
        .unwrap_or_default();
    Ok((server, password))
}

/// Built without the `demo` feature: `--demo` signs in to a demo server started elsewhere
/// (`fieldsync-server demo`), with the password given.
#[cfg(not(feature = "demo"))]
fn demo_server(args: &fieldsync_app::config::Args) -> anyhow::Result<((), String)> {
    if args.demo && args.demo_password.is_none() {
        anyhow::bail!(
            "this build has no demo server inside (built without the `demo` feature): start \
             `fieldsync-server demo` and pass --demo-password"
        );
    }
    Ok(((), args.demo_password.clone().unwrap_or_default()))
}
