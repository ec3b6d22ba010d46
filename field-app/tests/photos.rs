//! Attaching a photo on site: choose it in the in-app file dialog, attach it with a caption,
//! and see its preview appear once the background thread has made the thumbnail. The work
//! order's times read on the site's clock.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::TimestampMs;
use fieldsync::store::LocalStore;
use fieldsync_app::runtime::files::PickPurpose;
use fieldsync_app::runtime::lock;
use fieldsync_app::runtime::thumbs::Thumb;
use fieldsync_app::sample;
use fieldsync_app::state::command::Command;
use fieldsync_app::{FieldApp, fonts};

/// Wed 18 Nov 2026 08:30 UTC.
const NOW: TimestampMs = 1_795_509_000_000;

#[test]
fn choose_attach_and_preview_a_photo() {
    let data = tempfile::tempdir().unwrap();
    let mut store = LocalStore::open(data.path()).unwrap();
    let ids = sample::seed(&mut store, &sample::engineer(), NOW).unwrap();
    let mut app = FieldApp::offline(store, NOW);
    app.apply_for_test(Command::OpenWorkOrder(ids.inspection));

    // A folder with a camera photo, a sub-folder and something that is not a photo.
    let photos = tempfile::tempdir().unwrap();
    std::fs::create_dir(photos.path().join("older")).unwrap();
    std::fs::write(photos.path().join("readme.txt"), "x").unwrap();
    let img = image::RgbImage::from_fn(1600, 1200, |x, y| {
        image::Rgb([(x / 7 % 256) as u8, (y / 5 % 256) as u8, 120])
    });
    img.save(photos.path().join("ups-front.jpg")).unwrap();

    let mut h = Harness::builder()
        .with_size([1280.0, 3000.0])
        .allow_missing_glyphs()
        .with_context_setup(|ctx| {
            fonts::install(ctx);
            egui_extras::install_image_loaders(ctx);
        })
        .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app);
    h.run();
    // The site is in Shanghai: its clock is shown, and the page's times are on it.
    assert!(
        h.query_by_label_contains("(Asia/Shanghai); times on this page are the site's")
            .is_some()
    );
    h.get_by_label("Choose photo…").click();
    h.run();
    assert_eq!(
        h.state().state.file_picker.purpose,
        Some(PickPurpose::AttachPhoto)
    );
    // Browse to our folder as the engineer would by typing it.
    h.state_mut().apply_for_test(Command::BrowseFiles {
        purpose: PickPurpose::AttachPhoto,
        dir: Some(photos.path().to_owned()),
    });
    h.run();
    assert!(
        h.query_by_label_contains("readme.txt").is_none(),
        "only photos are offered"
    );
    assert!(h.query_by_label("older/").is_some(), "folders are offered");
    h.get_by_label_contains("ups-front.jpg").click();
    h.run();
    h.get_by_label("Use this photo").click();
    h.run();
    assert_eq!(
        h.state().state.file_picker.purpose,
        None,
        "the dialog closed"
    );
    let chosen = h
        .state()
        .state
        .work_order
        .as_ref()
        .unwrap()
        .drafts
        .photo_path
        .clone();
    assert!(chosen.ends_with("ups-front.jpg"), "{chosen}");

    h.state_mut()
        .state
        .work_order
        .as_mut()
        .unwrap()
        .drafts
        .photo_caption = "UPS front panel".into();
    h.get_by_label("Attach photo").click();
    // The copy runs on the background thread; the window says so meanwhile. The spinner
    // keeps repainting: step frames instead of waiting to settle.
    h.run_steps(2);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while h
        .state()
        .state
        .work_order
        .as_ref()
        .unwrap()
        .wo
        .photos
        .is_empty()
    {
        let v = h.state().state.work_order.as_ref().unwrap();
        assert!(v.notice.is_none(), "{:?}", v.notice);
        assert!(
            std::time::Instant::now() < deadline,
            "the photo was never attached"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    let v = h.state().state.work_order.as_ref().unwrap();
    assert_eq!(v.wo.photos.len(), 1, "{:?}", v.notice);
    assert!(v.drafts.copying_photos.is_empty(), "the copy is done");
    assert!(
        v.drafts.photo_path.is_empty(),
        "the form is cleared once attached"
    );
    let sha = v.wo.photos.values().next().unwrap().sha256.clone();

    // The preview is made on a background thread; frames keep coming until it is there.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        h.step();
        let t = h
            .state()
            .state
            .work_order
            .as_ref()
            .unwrap()
            .thumbs
            .get(&sha)
            .cloned();
        match t {
            Some(Thumb::Ready(uri)) => {
                assert!(uri.starts_with("file://") && uri.ends_with(".png"), "{uri}");
                let file = uri.trim_start_matches("file://");
                let thumb = image::open(file).unwrap();
                assert_eq!((thumb.width(), thumb.height()), (320, 240));
                break;
            }
            Some(Thumb::Pending(_)) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => panic!("no preview: {other:?}"),
        }
    }
    h.run();
    assert!(h.query_by_label("UPS front panel").is_some());
    // The photo is in the blob store and waits for upload.
    let pending = lock(h.state().store()).pending_blobs().unwrap();
    assert_eq!(pending, vec![(sha, "image/jpeg".to_string())]);
}

/// A photo dropped on the window from the file manager.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_photo_dropped_on_the_window_is_attached() {
    let data = tempfile::tempdir().unwrap();
    let mut store = LocalStore::open(data.path()).unwrap();
    let ids = sample::seed(&mut store, &sample::engineer(), NOW).unwrap();
    let mut app = FieldApp::offline(store, NOW);
    app.apply_for_test(Command::OpenWorkOrder(ids.inspection));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rack-rear.jpg");
    image::RgbImage::from_fn(64, 48, |x, _| image::Rgb([x as u8, 90, 160]))
        .save(&path)
        .unwrap();
    let mut h = Harness::builder()
        .with_size([1280.0, 3000.0])
        .allow_missing_glyphs()
        .with_context_setup(fonts::install)
        .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app);
    h.run();
    assert!(h.query_by_label("or drop photos on this window").is_some());
    let photos = |h: &Harness<'_, FieldApp>| {
        lock(h.state().store())
            .work_order(ids.inspection)
            .unwrap()
            .photos
            .len()
    };
    let before = photos(&h);
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path)));
    // Steps, not run: the copy and the new photo's preview show spinners while they work.
    h.run_steps(3);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while photos(&h) == before {
        assert!(
            std::time::Instant::now() < deadline,
            "the dropped photo was never attached"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    assert_eq!(photos(&h), before + 1, "the dropped photo is attached once");
}
