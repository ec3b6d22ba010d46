//! The service report PDF made on the engineer's laptop from the local store, offline: the
//! sample inspection filled in on site (readings, CJK findings, a photo and the customer's
//! signature from the local blob store) renders through the server's report code, and
//! "Save report PDF…" writes it where the engineer chose and says where.

use fieldsync::TimestampMs;
use fieldsync::model::{self, CheckAnswer, PhotoRef, Signature};
use fieldsync::status::EventKind;
use fieldsync::store::LocalStore;
use fieldsync_app::runtime::SharedStore;
use fieldsync_app::runtime::files as report_pdf;
use fieldsync_app::runtime::files::PickPurpose;
use fieldsync_app::state::ReportPdfStatus;
use fieldsync_app::state::command::Command;
use fieldsync_app::{FieldApp, sample};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Tue 24 Nov 2026 08:30 UTC.
const NOW: TimestampMs = 1_795_509_000_000;

/// A PNG of `w`×`h` (a flat colour), as a camera or the signature pad would leave.
fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(w, h, image::Rgba([40, 90, 160, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// The sample inspection, done on site on this (offline) laptop.
fn filled_store(dir: &std::path::Path) -> (SharedStore, fieldsync::DocId) {
    let mut store = LocalStore::open(dir).unwrap();
    let me = sample::engineer();
    store.set_identity(&me).unwrap();
    let ids = sample::seed(&mut store, &me, NOW).unwrap();
    let photo = store.add_blob(&png(320, 240), "image/png", NOW).unwrap();
    let sig =
        fieldsync_app::signature::render_png(&[vec![[0.1, 0.5], [0.5, 0.2], [0.9, 0.6]]]).unwrap();
    let sig = store.add_blob(&sig, "image/png", NOW).unwrap();
    let by = me.user_id.as_str();
    store
        .edit(ids.inspection, NOW, |doc| {
            model::record_event(doc, EventKind::Accepted, by, NOW, Default::default())?;
            model::record_event(doc, EventKind::OnSite, by, NOW + 60_000, Default::default())?;
            let answers = [
                ("ups-load", CheckAnswer::Reading(42.5)),
                ("room-temp", CheckAnswer::Reading(31.5)),
                ("switch-fans", CheckAnswer::PassFail("pass".into())),
            ];
            for (item, a) in answers {
                model::answer_checklist_item(doc, item, &a, None, by, NOW + 120_000)?;
            }
            model::set_findings(doc, "空调滤网堵塞，已清洁。 CRAC filter cleaned.", NOW)?;
            let p = PhotoRef {
                sha256: photo.clone(),
                caption: Some("Rack after cleaning".into()),
                by: Some(by.into()),
                at_ms: Some(NOW),
                ..Default::default()
            };
            model::put_photo(doc, &p, NOW)?;
            let s = Signature {
                signer_name: "王丽".into(),
                signed_at_ms: NOW + 600_000,
                image_sha256: Some(sig.clone()),
                strokes: vec![],
            };
            model::sign(doc, &s, NOW + 600_000)
        })
        .unwrap();
    (Arc::new(Mutex::new(store)), ids.inspection)
}

fn fonts_missing() -> bool {
    match fieldsync_report::fonts::fonts() {
        Ok(_) => false,
        Err(e) => {
            eprintln!("SKIPPED: {e}");
            true
        }
    }
}

#[test]
fn the_offline_report_has_the_title_readings_cjk_and_attachments() {
    if fonts_missing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = filled_store(dir.path());
    let me = sample::engineer();
    let data = report_pdf::gather_local(&store, id, Some(&me), NOW).unwrap();
    assert_eq!(data.photos.len(), 1, "photo read from the local blob store");
    assert!(data.signature_image.is_some(), "signature image read");
    assert!(data.site.is_some() && !data.devices.is_empty());
    let pdf = report_pdf::build_pdf(&store, id, Some(&me), NOW).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    if let Ok(out) = std::env::var("FIELDSYNC_REPORT_OUT") {
        std::fs::write(std::path::Path::new(&out).join("offline-report.pdf"), &pdf).unwrap();
    }
    let Some(text) = fieldsync_server::testing::pdf_text(&pdf) else {
        eprintln!("pdftotext not installed: text not checked");
        return;
    };
    for needle in [
        "Weekly server room round",
        "WO-2026-00412",
        "31.5 °C (out of range)",
        "42.5 %",
        "空调滤网堵塞",
        "王丽",
        "Li Wei",
        "Rack after cleaning",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
fn save_report_pdf_writes_the_file_off_the_ui_thread_and_says_where() {
    if fonts_missing() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = filled_store(&dir.path().join("profile"));
    let mut app = FieldApp::new(store, Arc::new(|| NOW), None);
    app.apply_for_test(Command::OpenWorkOrder(id));
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    app.apply_for_test(Command::BrowseFiles {
        purpose: PickPurpose::SaveReport,
        dir: Some(out_dir.clone()),
    });
    assert_eq!(
        app.state.file_picker.file_name, "service-report-WO-2026-00412.pdf",
        "the name is suggested"
    );
    // A name typed without the ending gets `.pdf`.
    app.apply_for_test(Command::PickFile(out_dir.join("for-customer")));
    let want = out_dir.join("for-customer.pdf");
    assert_eq!(
        app.state.report_pdf,
        Some(ReportPdfStatus::Saving {
            doc: id,
            path: want.clone()
        })
    );
    assert!(app.wait_for_report(Duration::from_secs(60)), "finished");
    assert_eq!(
        app.state.report_pdf,
        Some(ReportPdfStatus::Saved {
            doc: id,
            path: want.clone()
        })
    );
    let flash = app.state.flash.clone().unwrap();
    assert!(
        !flash.error && flash.text.contains("for-customer.pdf"),
        "{flash:?}"
    );
    assert!(std::fs::read(&want).unwrap().starts_with(b"%PDF"));
    assert_eq!(app.state.file_picker.last_save_dir, Some(out_dir.clone()));

    // A folder that cannot be written says so in words.
    app.apply_for_test(Command::BrowseFiles {
        purpose: PickPurpose::SaveReport,
        dir: Some(out_dir.clone()),
    });
    app.apply_for_test(Command::PickFile(out_dir.join("missing/r.pdf")));
    assert!(app.wait_for_report(Duration::from_secs(60)));
    match &app.state.report_pdf {
        Some(ReportPdfStatus::Failed { error, .. }) => {
            assert!(error.contains("cannot write"), "{error}")
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    assert!(app.state.flash.as_ref().unwrap().error);
}
