//! Work orders and images for tests, here and in the server's: a filled-in on-site visit with
//! CJK text, a failed reading, a part without consent, a photo and a signature.

use automerge::AutoCommit;
use fieldsync::TimestampMs;
use fieldsync::model::{self, CheckAnswer, ChecklistItem, NewWorkOrder, PartUsed, PhotoRef};
use fieldsync::status::EventKind;

/// A signature-like PNG (a few strokes), or a flat photo-like one.
pub fn sample_png(w: u32, h: u32, strokes: bool) -> Vec<u8> {
    let mut img = image::RgbaImage::from_pixel(w, h, image::Rgba([255, 255, 255, 255]));
    for x in 0..w {
        let t = x as f32 / w as f32;
        if strokes {
            let y = (h as f32 / 2.0 + (t * 18.0).sin() * h as f32 / 3.0) as u32;
            for dy in 0..3 {
                if let Some(p) = img.get_pixel_mut_checked(x, (y + dy).min(h - 1)) {
                    *p = image::Rgba([20, 30, 120, 255]);
                }
            }
        } else {
            for y in 0..h {
                let v = (120.0 + 100.0 * t) as u8;
                img.put_pixel(x, y, image::Rgba([v, (y * 255 / h) as u8, 160, 255]));
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

pub fn checklist() -> Vec<(String, ChecklistItem)> {
    let item = |label: &str, kind: &str, order: i64| ChecklistItem {
        label: label.into(),
        kind: kind.into(),
        required: true,
        order,
        ..Default::default()
    };
    vec![
        ("c1".into(), item("UPS self-test", "pass_fail", 1)),
        (
            "c2".into(),
            ChecklistItem {
                unit: Some("°C".into()),
                min: Some(18.0),
                max: Some(27.0),
                ..item("Server room temperature 机房温度", "reading", 2)
            },
        ),
        (
            "c3".into(),
            ChecklistItem {
                unit: Some("%".into()),
                min: Some(40.0),
                max: Some(100.0),
                ..item("Battery charge", "reading", 3)
            },
        ),
        ("c4".into(), item("Core switch fans", "pass_fail", 4)),
    ]
}

/// Fill a work order as an engineer would on site, completed at `t + 2h10m`.
pub fn fill_on_site(
    doc: &mut AutoCommit,
    engineer: &str,
    t: TimestampMs,
    signature_sha: Option<&str>,
    photo_sha: Option<&str>,
) {
    let m = 60_000;
    for (kind, at) in [(EventKind::Accepted, t), (EventKind::OnSite, t + 20 * m)] {
        model::record_event(doc, kind, engineer, at, Default::default()).unwrap();
    }
    let answers = [
        ("c1", CheckAnswer::PassFail("pass".into())),
        ("c2", CheckAnswer::Reading(31.5)),
        ("c3", CheckAnswer::Reading(96.0)),
        ("c4", CheckAnswer::PassFail("fail".into())),
    ];
    for (id, a) in answers {
        let note = (id == "c4").then_some("Fan 2 noisy, bearing worn; 风扇噪音");
        model::answer_checklist_item(doc, id, &a, note, engineer, t + 30 * m).unwrap();
    }
    model::set_findings(
        doc,
        "Room too warm: CRAC unit filter clogged, cleaned. Switch fan 2 replaced.\n空调滤网堵塞，已清洁；交换机风扇已更换。",
        t + 40 * m,
    )
    .unwrap();
    let part = |name: &str, consent: bool| PartUsed {
        name: name.into(),
        part_number: Some("FAN-2210".into()),
        serial: Some("SN99812".into()),
        quantity: 1,
        customer_consent: consent,
        by: Some(engineer.into()),
        at_ms: Some(t + 50 * m),
    };
    model::put_part(doc, "p1", &part("Switch fan module", true), t + 50 * m).unwrap();
    model::put_part(doc, "p2", &part("Air filter 空气滤网", false), t + 51 * m).unwrap();
    if let Some(sha) = photo_sha {
        let photo = PhotoRef {
            sha256: sha.into(),
            caption: Some("CRAC filter before cleaning".into()),
            by: Some(engineer.into()),
            at_ms: Some(t + 35 * m),
            ..Default::default()
        };
        model::put_photo(doc, &photo, t + 35 * m).unwrap();
    }
    let sig = model::Signature {
        signer_name: "王丽 (Li Wang)".into(),
        signed_at_ms: t + 125 * m,
        image_sha256: signature_sha.map(Into::into),
        strokes: vec![],
    };
    model::sign(doc, &sig, t + 125 * m).unwrap();
    let done = model::EventExtra {
        outcome: Some("fixed".into()),
        ..Default::default()
    };
    model::record_event(doc, EventKind::Completed, engineer, t + 150 * m, done).unwrap();
}

pub fn new_work_order(title: &str, engineer: &str) -> NewWorkOrder {
    NewWorkOrder {
        kind: "incident".into(),
        title: title.into(),
        description: "Customer reports the server room alarm beeping.".into(),
        customer_id: Some("acme".into()),
        category: Some("hardware".into()),
        impact: Some(2),
        urgency: Some(1),
        assignees: vec![engineer.into()],
        checklist: checklist(),
        number: Some("WO-2026-0042".into()),
        ..Default::default()
    }
}
