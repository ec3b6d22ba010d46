//! The evidence on the supervisor's report page (egui_kittest): a photo held on this device
//! shows as an image (click: full size, next / previous, close), one the engineer has not
//! uploaded says so, one fetched from the server is kept and shows offline after a restart;
//! the signature and who took each photo are named. And names offline: the people directory
//! received once is kept, so after a restart without a connection the queue names the
//! engineer. No worker runs: calls are taken from `unsent` and answered with canned data.

mod common;
use common::calls;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::TimestampMs;
use fieldsync::model::{self, CheckAnswer, PhotoRef, Signature};
use fieldsync::status::EventKind;
use fieldsync::store::LocalStore;
use fieldsync_app::runtime::{ApiAnswer, ApiError, ApiReply, FromWorker, SharedStore, lock};
use fieldsync_app::state::photos::PhotoState;
use fieldsync_app::{FieldApp, fonts, sample};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Tue 24 Nov 2026 08:30 UTC.
const NOW: TimestampMs = 1_795_509_000_000;
const MIN: TimestampMs = 60_000;

/// A small JPEG-free photo (PNG) and its sha256.
fn photo(seed: u8) -> (Vec<u8>, String) {
    use sha2::Digest;
    let img = image::RgbImage::from_fn(400, 300, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, seed])
    });
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let sha = hex::encode(sha2::Sha256::digest(&png));
    (png, sha)
}

struct Setup {
    _dir: tempfile::TempDir,
    store: SharedStore,
    /// Photo 1 (bytes on this device) and photo 2 (only on the engineer's), by sha256.
    held: String,
    missing: (Vec<u8>, String),
}

/// The sample inspection completed by the engineer with two photos (the first for a check)
/// and the customer's signature, on the supervisor's on-disk store; the first photo's bytes
/// are in its blob store, the second's are not.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut store = LocalStore::open(dir.path()).unwrap();
    let eng = sample::engineer();
    let ids = sample::seed(&mut store, &eng, NOW).unwrap();
    let me = eng.user_id.as_str();
    let (held_bytes, held) = photo(10);
    let missing = photo(200);
    store
        .keep_fetched_blob(&held_bytes, "image/png", NOW)
        .unwrap();
    let (h1, h2) = (held.clone(), missing.1.clone());
    store
        .edit(ids.inspection, NOW, |doc| {
            model::record_event(doc, EventKind::OnSite, me, NOW, Default::default())?;
            let wo = model::WorkOrder::from_doc(doc)?;
            let first_item = wo.checklist_sorted().first().map(|(k, _)| k.to_string());
            for (item_id, item) in wo.checklist_sorted() {
                let answer = match item.kind.as_str() {
                    "pass_fail" => CheckAnswer::PassFail("pass".into()),
                    "reading" => CheckAnswer::Reading(item.min.unwrap_or(1.0) + 20.0),
                    "choice" => {
                        CheckAnswer::Choice(item.choices.first().cloned().unwrap_or_default())
                    }
                    _ => CheckAnswer::Text("ok".into()),
                };
                model::answer_checklist_item(doc, item_id, &answer, None, me, NOW + MIN)?;
            }
            let taken =
                |sha: &str, at: TimestampMs, item: Option<String>, caption: &str| PhotoRef {
                    sha256: sha.into(),
                    caption: Some(caption.into()),
                    checklist_item: item,
                    by: Some(me.into()),
                    at_ms: Some(at),
                };
            let p1 = taken(&h1, NOW + MIN, first_item, "UPS front panel 前面板");
            model::put_photo(doc, &p1, NOW + MIN)?;
            model::put_photo(
                doc,
                &taken(&h2, NOW + 2 * MIN, None, "Rack 机柜"),
                NOW + 2 * MIN,
            )?;
            let signature = Signature {
                signer_name: "Zhang San 张三".into(),
                signed_at_ms: NOW + 3 * MIN,
                image_sha256: None,
                strokes: vec![vec![20.0, 100.0, 120.0, 60.0, 220.0, 110.0]],
            };
            model::sign(doc, &signature, NOW + 3 * MIN)?;
            let done = model::EventExtra {
                outcome: Some("fixed".into()),
                ..Default::default()
            };
            model::record_event(doc, EventKind::Completed, me, NOW + 4 * MIN, done).map(|_| ())
        })
        .unwrap();
    store.set_identity(&sample::supervisor()).unwrap();
    Setup {
        _dir: dir,
        store: Arc::new(std::sync::Mutex::new(store)),
        held,
        missing,
    }
}

fn harness(store: SharedStore) -> Harness<'static, FieldApp> {
    let app = FieldApp::new(store, Arc::new(|| NOW + 10 * MIN), None);
    let mut h = Harness::builder()
        .with_size([1400.0, 2400.0])
        .allow_missing_glyphs()
        .with_context_setup(fonts::install)
        .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app);
    h.run_steps(3); // a supervisor starts on the review queue
    h
}

fn open_report(h: &mut Harness<'static, FieldApp>) {
    h.get_by_label("Report & history").click();
    h.run_steps(3);
}

fn answer(h: &mut Harness<'static, FieldApp>, tag: &str, result: Result<ApiReply, ApiError>) {
    h.state_mut().on_worker(FromWorker::Api(ApiAnswer {
        tag: tag.into(),
        result,
    }));
    h.run_steps(3);
}

/// Step frames and fold in background results until `done` holds (or fail after 20 s).
fn until(h: &mut Harness<'static, FieldApp>, what: &str, done: impl Fn(&FieldApp) -> bool) {
    let end = Instant::now() + Duration::from_secs(20);
    while !done(h.state()) {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        h.state_mut()
            .wait_for_background(Duration::from_millis(100));
        h.run_steps(2);
    }
    h.run_steps(2);
}

fn ready(app: &FieldApp, sha: &str) -> bool {
    matches!(
        app.state.photos.by_sha.get(sha),
        Some(PhotoState::Ready { .. })
    )
}

fn people() -> serde_json::Value {
    serde_json::json!([
        {"user_id": sample::engineer().user_id, "display_name": "Li Wei 李伟", "role": "engineer"},
        {"user_id": sample::supervisor().user_id, "display_name": "Chen Jing", "role": "supervisor"}
    ])
}

#[test]
fn photos_show_at_page_width_and_full_size_and_a_missing_one_says_why() {
    let s = setup();
    let mut h = harness(s.store.clone());
    open_report(&mut h);
    until(&mut h, "the held photo", |app| ready(app, &s.held));
    assert!(
        h.query_by_role_and_label(Role::Image, "Photo 1 of 2")
            .is_some(),
        "the photo on this device is shown as an image"
    );
    // The other is not here: the page asks the server for it (once the background thread
    // has found it missing locally).
    until(&mut h, "the blob call", |app| {
        app.unsent.iter().any(|m| {
            matches!(m, fieldsync_app::runtime::ToWorker::Api(c) if c.path.starts_with("/v1/blobs/"))
        })
    });
    let sent = calls(&mut h);
    let blob = sent
        .iter()
        .find(|c| c.path == format!("/v1/blobs/{}", s.missing.1))
        .expect("the missing photo is fetched");
    let people_call = sent.iter().find(|c| c.path == "/v1/people").unwrap();
    answer(
        &mut h,
        &people_call.tag.clone(),
        Ok(ApiReply::json_ok(&people())),
    );
    answer(
        &mut h,
        &blob.tag.clone(),
        Err(ApiError::Server {
            status: 404,
            code: "not_found".into(),
            message: "no blob".into(),
            refusal: None,
        }),
    );
    assert!(
        h.query_by_label_contains("Not uploaded yet by the engineer")
            .is_some()
    );
    assert!(
        h.query_by_role_and_label(Role::Image, "Photo 2 of 2")
            .is_none()
    );
    // Captions: what, for which check, who and when on the site's clock.
    assert!(h.query_by_label("UPS front panel 前面板").is_some());
    assert!(h.query_by_label_contains("For the check: ").is_some());
    let zone = fieldsync_app::format::Zone::Site(chrono_tz::Asia::Shanghai);
    let when = fieldsync_app::format::time_in(NOW + MIN, zone);
    assert!(when.contains("CST"), "{when}");
    assert!(
        h.query_by_label(&format!("Taken by Li Wei 李伟 at {when}"))
            .is_some(),
        "who took it, when, labelled with the site's zone"
    );
    assert!(h.query_by_label("Customer's signature").is_some());
    assert!(
        h.query_by_label_contains("Signed by Zhang San 张三 at")
            .is_some()
    );

    // Full size: click, step to the next photo, close.
    h.get_by_role_and_label(Role::Image, "Photo 1 of 2").click();
    h.run_steps(3);
    assert!(
        h.query_by_role_and_label(Role::Image, "Photo 1 of 2 at full size")
            .is_some()
    );
    h.get_by_label("Next →").click();
    h.run_steps(3);
    assert!(h.query_by_label("Photo 2 of 2 at full size").is_some());
    assert_eq!(
        h.state().state.photos.viewer.as_deref(),
        Some(s.missing.1.as_str())
    );
    h.get_by_label("← Previous").click();
    h.run_steps(3);
    assert!(
        h.query_by_role_and_label(Role::Image, "Photo 1 of 2 at full size")
            .is_some()
    );
    h.get_by_label("Close").click();
    h.run_steps(3);
    assert!(h.state().state.photos.viewer.is_none());
    assert!(h.query_by_label_contains("at full size").is_none());
}

#[test]
fn a_fetched_photo_is_kept_and_shows_offline_after_a_restart() {
    let s = setup();
    let mut h = harness(s.store.clone());
    open_report(&mut h);
    until(&mut h, "the blob call", |app| {
        app.unsent.iter().any(|m| {
            matches!(m, fieldsync_app::runtime::ToWorker::Api(c) if c.path.starts_with("/v1/blobs/"))
        })
    });
    let sent = calls(&mut h);
    let blob = sent
        .iter()
        .find(|c| c.path == format!("/v1/blobs/{}", s.missing.1))
        .unwrap();
    // Bytes that are not the named photo are refused, not kept.
    answer(
        &mut h,
        &blob.tag.clone(),
        Ok(ApiReply {
            status: 200,
            content_type: "application/octet-stream".into(),
            bytes: s.missing.0[..100].to_vec(),
        }),
    );
    until(&mut h, "the refusal", |app| {
        matches!(
            app.state.photos.by_sha.get(&s.missing.1),
            Some(PhotoState::Failed(_))
        )
    });
    assert!(h.query_by_label_contains("damaged on the way").is_some());
    assert!(lock(&s.store).blob_path(&s.missing.1).is_none());
    h.get_by_label("Try again").click();
    h.run_steps(3);
    until(&mut h, "the blob call again", |app| !app.unsent.is_empty());
    answer(
        &mut h,
        &blob.tag.clone(),
        Ok(ApiReply {
            status: 200,
            content_type: "application/octet-stream".into(),
            bytes: s.missing.0.clone(),
        }),
    );
    until(&mut h, "the fetched photo", |app| ready(app, &s.missing.1));
    assert!(
        h.query_by_role_and_label(Role::Image, "Photo 2 of 2")
            .is_some()
    );
    assert!(lock(&s.store).blob_path(&s.missing.1).is_some(), "kept");
    assert!(
        lock(&s.store).pending_blobs().unwrap().is_empty(),
        "another's photo is not sent back"
    );
    drop(h);

    // Restart, no connection: both photos show from this device, no blob is asked for.
    let mut h = harness(s.store.clone());
    open_report(&mut h);
    until(&mut h, "both photos", |app| {
        ready(app, &s.held) && ready(app, &s.missing.1)
    });
    assert!(
        calls(&mut h)
            .iter()
            .all(|c| !c.path.starts_with("/v1/blobs/"))
    );
}

#[test]
fn after_a_restart_offline_the_queue_names_the_engineer() {
    let s = setup();
    let mut h = harness(s.store.clone());
    assert!(h.query_by_label("Engineer").is_some(), "an engineer column");
    assert!(
        h.query_by_label("user 7d1c2a7e").is_some(),
        "an id until the directory came"
    );
    open_report(&mut h);
    let sent = calls(&mut h);
    let people_call = sent.iter().find(|c| c.path == "/v1/people").unwrap();
    answer(
        &mut h,
        &people_call.tag.clone(),
        Ok(ApiReply::json_ok(&people())),
    );
    until(&mut h, "the directory saved", |app| {
        lock(app.store())
            .meta(fieldsync_app::runtime::meta::PEOPLE)
            .unwrap()
            .is_some()
    });
    drop(h);

    // Started again with no answer from anywhere: the names are there.
    let mut h = harness(s.store.clone());
    assert!(
        h.query_by_label("Li Wei 李伟").is_some(),
        "named in the queue"
    );
    assert!(h.query_by_label("user 7d1c2a7e").is_none());
    open_report(&mut h);
    answer(
        &mut h,
        "people",
        Err(ApiError::Offline("connection refused".into())),
    );
    assert!(
        h.query_by_label("Li Wei 李伟").is_some(),
        "the report names the engineer offline"
    );
}
