//! Report rendering on a hand-made work order with CJK text, a failed reading, a part without
//! consent, a photo and a signature. Set `FIELDSYNC_REPORT_OUT=/some/dir` to keep the PDF for
//! `pdftoppm`.

use super::*;
use automerge::AutoCommit;
use fieldsync::model::{self, CheckAnswer, ChecklistItem, NewWorkOrder, PartUsed, PhotoRef};

/// A signature-like PNG (a few strokes), or a flat photo-like one.
pub(crate) fn sample_png(w: u32, h: u32, strokes: bool) -> Vec<u8> {
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

pub(crate) fn checklist() -> Vec<(String, ChecklistItem)> {
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
pub(crate) fn fill_on_site(
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

pub(crate) fn new_work_order(title: &str, engineer: &str) -> NewWorkOrder {
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

#[test]
fn renders_a_full_report() {
    if let Err(e) = fonts::fonts() {
        eprintln!("SKIPPED: {e}");
        return;
    }
    let t = 1_763_452_800_000; // 2025-11-18 08:00 UTC
    let id = DocId::new();
    let mut doc = AutoCommit::new();
    let new = new_work_order("UPS alarm in server room 机房UPS告警", "eng-1");
    model::create_work_order(&mut doc, id, &new, "disp", t).unwrap();
    let (sig, photo) = (sample_png(300, 100, true), sample_png(320, 240, false));
    let sha = |b: &[u8]| hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b));
    fill_on_site(&mut doc, "eng-1", t, Some(&sha(&sig)), Some(&sha(&photo)));
    let wo = WorkOrder::from_doc(&doc).unwrap();
    let data = ReportData {
        wo,
        names: [("eng-1".to_string(), "Zhang Wei 张伟".to_string())].into(),
        signature_image: Some(sig),
        photos: vec![("CRAC filter before cleaning".into(), photo)],
        generated_at_ms: t + 200 * 60_000,
        ..Default::default()
    };
    let pdf = render(&data).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert!(pdf.windows(3).any(|w| w == b"UPS"), "title in metadata");
    if let Ok(dir) = std::env::var("FIELDSYNC_REPORT_OUT") {
        std::fs::write(Path::new(&dir).join("report.pdf"), &pdf).unwrap();
    }
    // The text layer (ToUnicode) carries the CJK text when poppler is installed.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.pdf");
    std::fs::write(&file, &pdf).unwrap();
    if let Ok(out) = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        for needle in [
            "UPS alarm",
            "机房",
            "out of range",
            "王丽",
            "NO CONSENT",
            "Awaiting",
        ] {
            assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
        }
    }
}

/// Six months of a customer's work: faults of every category, engineers with CJK names,
/// complaints and scores.
pub(crate) fn summary_samples(end: crate::kpis::Period) -> Vec<crate::kpis::Sample> {
    use fieldsync::sla::SlaState;
    let cats = ["network", "security", "software", "hardware", "other"];
    let people = ["Zhang Wei 张伟", "Li Na 李娜", "Tom Becker"];
    let mut out = Vec::new();
    for (m, period) in end.trailing(6).into_iter().enumerate() {
        let (start, _) = period.range_ms();
        for i in 0..(6 + m * 2) {
            let created = start + (i as i64 + 1) * 86_400_000;
            let fixed_first = i % 4 != 0;
            out.push(crate::kpis::Sample {
                kind: if i % 5 == 4 { "inspection" } else { "incident" }.into(),
                category: Some(cats[(i + m) % cats.len()].into()),
                status: "approved".into(),
                created_at_ms: created,
                // The SLA engine's verdicts on a 7×24 contract, 120 min response and 240 min
                // resolution: arrivals after 40, 70, 100 min are met, after 130 min missed;
                // every completion (150–230 min) is met.
                sla_response: Some(if i % 4 == 3 {
                    SlaState::Breached
                } else {
                    SlaState::Met
                }),
                sla_resolution: Some(SlaState::Met),
                first_on_site_ms: Some(created + (40 + 30 * (i as i64 % 4)) * 60_000),
                completed_at_ms: Some(created + (150 + 20 * (i as i64 % 5)) * 60_000),
                outcome: Some("fixed".into()),
                visits: if fixed_first { 1 } else { 2 },
                engineers: vec![people[i % people.len()].into()],
                scores: if i % 3 == 0 {
                    vec![3 + (i % 3) as i64 + (m % 3) as i64]
                } else {
                    vec![]
                },
                ..Default::default()
            });
        }
    }
    out
}

#[test]
fn renders_the_service_summary_with_charts() {
    if let Err(e) = fonts::fonts() {
        eprintln!("SKIPPED: {e}");
        return;
    }
    let period = crate::kpis::Period::parse("2026-11").unwrap();
    let samples = summary_samples(period);
    let (_, end) = period.range_ms();
    let records = crate::kpis::Records {
        work_orders: samples,
        ..Default::default()
    };
    let r = crate::kpis::report("Harbour Hospital 海港医院", &records, period, end);
    let pdf = summary::render(&r).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let needle = b"Service summary";
    assert!(
        pdf.windows(needle.len()).any(|w| w == needle),
        "title in metadata"
    );
    if let Ok(dir) = std::env::var("FIELDSYNC_REPORT_OUT") {
        std::fs::write(Path::new(&dir).join("summary.pdf"), &pdf).unwrap();
    }
    if let Some(text) = crate::testing::pdf_text(&pdf) {
        for needle in [
            "Service summary",
            "November 2026",
            "Key figures",
            "Faults per month, by category",
            "2026-06",
            "Customer satisfaction",
            "By engineer",
            "Li Na",
            "李娜",
            "海港医院",
        ] {
            assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
        }
    }
    let q = crate::kpis::Period::parse("2026-Q4").unwrap();
    let records = crate::kpis::Records {
        truncated: true,
        ..records
    };
    let rq = crate::kpis::report("acme", &records, q, end);
    let pdf = summary::render(&rq).unwrap();
    if let Ok(dir) = std::env::var("FIELDSYNC_REPORT_OUT") {
        std::fs::write(Path::new(&dir).join("summary-q.pdf"), &pdf).unwrap();
    }
    if let Some(text) = crate::testing::pdf_text(&pdf) {
        for needle in [
            "Q4 2026 (October–December)",
            "Faults per quarter",
            "Incomplete",
        ] {
            assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
        }
    }
}

#[test]
fn periods_read_as_words() {
    assert_eq!(summary::period_title("2026-11"), "November 2026");
    assert_eq!(summary::period_title("2026-Q1"), "Q1 2026 (January–March)");
    assert_eq!(summary::period_title("junk"), "junk");
}

#[test]
fn vendor_is_not_repeated_before_a_model_that_names_it() {
    assert_eq!(
        vendor_model(Some("APC"), Some("APC Smart-UPS")),
        "APC Smart-UPS"
    );
    assert_eq!(
        vendor_model(Some("apc"), Some("APC Smart-UPS")),
        "APC Smart-UPS"
    );
    assert_eq!(vendor_model(Some("Huawei"), Some("S5735")), "Huawei S5735");
    assert_eq!(vendor_model(None, Some("S5735")), "S5735");
    assert_eq!(vendor_model(None, None), "");
}

#[test]
fn unknown_user_ids_print_short() {
    let data = ReportData::default();
    assert_eq!(
        data.name("7d1c2a7e-0000-4000-8000-000000000001"),
        "user 7d1c2a7e"
    );
    assert_eq!(data.name("server"), "server");
}
