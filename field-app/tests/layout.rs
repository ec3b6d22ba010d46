//! Every screen of every role, in English and 简体中文, in an 800×500 and a 1920×1080 window,
//! checked for text that overlaps other text or is cut off (issue 24). How a frame is read
//! and what counts as an overlap or a cut is in `common/layout_check.rs`; each finding names
//! the screen, language, window size, the words and their rectangles, like a bug report.
//! The detector's own tests paint deliberately bad layouts and expect it to complain.

mod common;
#[path = "common/layout_check.rs"]
mod layout_check;

use common::{
    BOARD_NOW, answer_ok, calls, canned_history, completed_store, dispatcher_board, kpi_summary,
    window,
};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::TimestampMs;
use fieldsync::model::{CheckAnswer, PartUsed};
use fieldsync::status::EventKind;
use fieldsync::store::LocalStore;
use fieldsync_app::runtime::thumbs::Thumb;
use fieldsync_app::runtime::{ApiAnswer, ApiReply, FromWorker};
use fieldsync_app::state::Screen;
use fieldsync_app::state::command::Command;
use fieldsync_app::state::dispatch::DispatchTab;
use fieldsync_app::{FieldApp, sample};
use fieldsync_i18n::{Lang, ThreadLang, t};
use layout_check::{Finding, findings, report};

/// Tue 24 Nov 2026 08:30 UTC.
const NOW: TimestampMs = 1_795_509_000_000;

/// The smallest window the app supports and a common desktop.
const SIZES: [[f32; 2]; 2] = [[800.0, 500.0], [1920.0, 1080.0]];

/// Findings known and not fixed here: (how the finding's place starts — role, screen and
/// maybe `[language size` — words the finding contains, why). A finding matching an entry
/// is let through; an entry that matches nothing fails the test, so the list only shrinks.
const ALLOWED: &[(&str, &str, &str)] = &[];

/// The findings collected over one role's tour.
struct Tour {
    lang: Lang,
    size: [f32; 2],
    found: Vec<Finding>,
}

impl Tour {
    fn new(lang: Lang, size: [f32; 2]) -> Self {
        Self {
            lang,
            size,
            found: Vec::new(),
        }
    }

    /// Draw a few frames (enough for egui to size what it measures in a first pass; not
    /// `run`, since a spinner repaints while a call is out) and check the last as `screen`,
    /// which shows `marker` (so a tour that lost its way fails instead of checking another
    /// screen twice).
    fn look(&mut self, h: &mut Harness<'static, FieldApp>, screen: &str, marker: &str) {
        h.run_steps(4);
        let place = format!(
            "{screen} [{} {}×{}]",
            self.lang.code(),
            self.size[0],
            self.size[1]
        );
        assert!(
            h.query_all_by_label_contains(marker).next().is_some(),
            "{place}: {marker:?} is not shown; is this the screen?"
        );
        self.found.extend(findings(h, &place));
    }
}

/// Run `tour` in both languages at both sizes and fail with every finding not allowed.
fn check_everywhere(role: &str, tour: fn(&mut Tour)) {
    let mut found = Vec::new();
    for lang in [Lang::En, Lang::ZhCn] {
        let _lang = ThreadLang::set(lang);
        for size in SIZES {
            let mut t = Tour::new(lang, size);
            tour(&mut t);
            found.extend(t.found);
        }
    }
    let mut used = vec![false; ALLOWED.len()];
    found.retain(|f| {
        let line = f.to_string();
        let hit = ALLOWED
            .iter()
            .position(|(place, what, _)| f.place.starts_with(place) && line.contains(what));
        if let Some(i) = hit {
            used[i] = true;
        }
        hit.is_none()
    });
    let found = report(&found);
    let stale: Vec<_> = ALLOWED
        .iter()
        .zip(&used)
        .filter(|((place, ..), used)| !**used && place.starts_with(&format!("{role} ")))
        .map(|((place, words, _), _)| format!("{place}: {words}"))
        .collect();
    assert!(
        found.is_empty(),
        "{} layout problems:\n{}",
        found.len(),
        found.join("\n")
    );
    assert!(
        stale.is_empty(),
        "allow-list entries that no longer match anything (remove them):\n{}",
        stale.join("\n")
    );
}

/// Click the first widget named `label`, through accessibility: it may be scrolled out of
/// a small window.
fn click(h: &mut Harness<'static, FieldApp>, label: &str) {
    h.get_all_by_label(label)
        .next()
        .unwrap_or_else(|| panic!("no {label:?} to click"))
        .click_accesskit();
    h.run_steps(4);
}

fn engineer_tour(t: &mut Tour) {
    // On disk: photos and the signature are stored as files.
    let data = tempfile::tempdir().unwrap();
    let mut store = LocalStore::open(data.path()).unwrap();
    let ids = sample::seed(&mut store, &sample::engineer(), NOW).unwrap();
    let mut h = window(FieldApp::offline(store, NOW), t.size);
    t.look(&mut h, "engineer my-work", &t!("eng-mywork-heading"));

    let app = h.state_mut();
    app.apply_for_test(Command::OpenWorkOrder(ids.inspection));
    app.apply_for_test(Command::PutPart {
        key: None,
        part: PartUsed {
            name: "Fan module 风扇模块 FAN-S5850".into(),
            part_number: Some("FAN-S5850-01".into()),
            serial: Some("SN2026112400017".into()),
            quantity: 2,
            customer_consent: true,
            ..Default::default()
        },
    });
    app.apply_for_test(Command::Sign {
        signer: "张敏 (Zhang Min)".into(),
        strokes: vec![vec![[10.0, 10.0], [60.0, 40.0], [120.0, 15.0]]],
    });
    // A failed check asks for its reason and offers an incident.
    app.apply_for_test(Command::Answer {
        item: "switch-fans".into(),
        answer: CheckAnswer::PassFail("fail".into()),
    });
    attach_photo(&mut h, data.path());
    t.look(
        &mut h,
        "engineer work-order (inspection: checklist with a finding, parts, photo, signature)",
        "UPS front panel",
    );
    // Complete refused (a long notice naming the items), then the summary before completing.
    h.state_mut().apply_for_test(Command::Status {
        kind: EventKind::Completed,
        note: None,
    });
    let v = h.state_mut().state.work_order.as_mut().unwrap();
    assert!(
        v.notice.is_some(),
        "completing with checks missing is refused"
    );
    v.drafts.confirming_complete = true;
    t.look(
        &mut h,
        "engineer work-order (refused, then the summary)",
        &t!("eng-complete-title"),
    );

    h.state_mut()
        .apply_for_test(Command::OpenWorkOrder(ids.incident));
    t.look(
        &mut h,
        "engineer work-order (incident)",
        &t!("eng-wo-devices"),
    );
    click(&mut h, &t!("eng-outage-device-down"));
    t.look(
        &mut h,
        "engineer work-order outage form",
        &t!("eng-outage-save"),
    );

    h.state_mut()
        .apply_for_test(Command::Go(Screen::NewIncident));
    t.look(&mut h, "engineer new-incident", &t!("eng-incident-create"));
    h.state_mut().apply_for_test(Command::Go(Screen::Devices));
    t.look(&mut h, "engineer devices", &t!("eng-dev-col-location"));
    h.state_mut()
        .apply_for_test(Command::OpenDevice(ids.switch));
    t.look(&mut h, "engineer device", &t!("eng-dev-configuration"));
    click(&mut h, &t!("eng-dev-edit"));
    t.look(
        &mut h,
        "engineer device (editing)",
        &t!("eng-dev-configuration"),
    );
    h.state_mut().apply_for_test(Command::Go(Screen::Knowledge));
    h.state_mut().state.knowledge.query = "UPS".into();
    t.look(&mut h, "engineer knowledge", "UPS load above 80 %");
    h.get_all_by_label_contains("UPS load above 80 %")
        .next()
        .expect("the article in the list")
        .click();
    t.look(&mut h, "engineer knowledge article", &t!("eng-kb-symptoms"));
    h.state_mut()
        .apply_for_test(Command::Go(Screen::SyncDetails));
    t.look(&mut h, "engineer sync", &t!("sync-quarantine"));

    let mut h = window(
        FieldApp::offline(LocalStore::open_in_memory().unwrap(), NOW),
        t.size,
    );
    t.look(&mut h, "engineer sign-in", &t!("sign-in-heading"));
    // First contact with a self-signed server: its SHA-256 fingerprint to compare.
    h.state_mut()
        .on_worker(FromWorker::CertificateToConfirm("3f9a".repeat(16)));
    t.look(
        &mut h,
        "engineer sign-in (fingerprint to confirm)",
        &t!("sign-in-confirm-trust"),
    );
}

/// Attach a camera photo to the open work order and wait for its preview (made on a
/// background thread), so the photo section is drawn as the engineer sees it.
fn attach_photo(h: &mut Harness<'static, FieldApp>, dir: &std::path::Path) {
    let path = dir.join("ups-front.jpg");
    image::RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x / 3 % 256) as u8, (y / 2 % 256) as u8, 120])
    })
    .save(&path)
    .unwrap();
    h.state_mut().apply_for_test(Command::AttachPhoto {
        path: path.to_string_lossy().into_owned(),
        caption: "UPS front panel 前面板".into(),
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        h.step();
        let v = h.state().state.work_order.as_ref().unwrap();
        assert!(v.notice.is_none(), "{:?}", v.notice);
        assert!(v.wo.photos.len() <= 1);
        if v.wo.photos.len() == 1
            && v.thumbs.values().all(|t| matches!(t, Thumb::Ready(_)))
            && !v.thumbs.is_empty()
        {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "no preview");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The board's work orders with two more for 张敏: one on the timeline (10:00–12:00 on the
/// site's clock) and one assigned but not scheduled, both with long titles.
fn busy_board() -> serde_json::Value {
    const HOUR: i64 = 3_600_000;
    let row = |id: &str, n: u32, title: &str, window: Option<(i64, i64)>| {
        serde_json::json!({
            "doc_id": id, "number": format!("WO-2026-{n:05}"), "title": title,
            "kind": "incident", "status": if n == 42 { "new" } else { "assigned" },
            "priority": "P2", "category": "network", "customer_id": "cust-northwind",
            "site_id": "site-tower",
            "assignees": if n == 42 { vec![] } else { vec!["7d1c2a7e-0000-4000-8000-00000000000b"] },
            "device_ids": [], "created_at_ms": BOARD_NOW,
            "scheduled_start_ms": window.map(|w| w.0), "scheduled_end_ms": window.map(|w| w.1),
        })
    };
    serde_json::json!([
        row(common::BOARD_WO, 42, "核心交换机宕机", None),
        row(
            "1b2c3d4e-0000-4000-8000-000000000043",
            43,
            "三楼开放办公区全部电脑无法登录域控制器 — all PCs on 3F cannot log on to the domain",
            Some((BOARD_NOW + HOUR, BOARD_NOW + 3 * HOUR)),
        ),
        row(
            "1b2c3d4e-0000-4000-8000-000000000044",
            44,
            "Finance share unreachable from the seventh floor after the switch firmware upgrade",
            None,
        ),
    ])
}

fn dispatcher_tour(t: &mut Tour) {
    let mut h = dispatcher_board(t.size);
    answer_ok(&mut h, "dispatch.board", &busy_board());
    t.look(&mut h, "dispatcher board", &t!("board-engineers-day"));
    // A block names its work by title, the row of the unscheduled by number.
    for n in ["三楼开放办公区", "WO-2026-00044"] {
        assert!(
            h.query_all_by_label_contains(n).next().is_some(),
            "{n} on the timeline"
        );
    }
    h.get_all_by_label_contains("WO-2026-00042")
        .next()
        .expect("the card")
        .click();
    t.look(
        &mut h,
        "dispatcher board (card open) [",
        &t!("board-assigned"),
    );

    h.state_mut().state.dispatch.tab = DispatchTab::PhoneCall;
    t.look(&mut h, "dispatcher phone-call", &t!("call-save"));
    // The customer and site chosen: the SLA's times for the priority show.
    let call = &mut h.state_mut().state.dispatch.call;
    call.caller_name = "王海燕（北风贸易 IT 主管）".into();
    call.caller_phone = "+86 21 6888 1234 ext. 8021".into();
    call.customer_id = Some("cust-northwind".into());
    call.site_id = Some("site-tower".into());
    call.title = "核心交换机宕机，三楼全部断网 — core switch down, 3F offline".into();
    t.look(
        &mut h,
        "dispatcher phone-call (customer chosen)",
        &t!("call-save"),
    );

    h.state_mut().state.dispatch.tab = DispatchTab::Plans;
    h.run();
    calls(&mut h);
    answer_ok(
        &mut h,
        "dispatch.plans",
        &serde_json::json!([{
            "id": "5b0c8f1e-1111-4222-8333-944455556666",
            "title": "Weekly on-site inspection 每周现场巡检",
            "customer_id": "cust-northwind", "site_id": "site-tower", "device_ids": [],
            "device_filter": null, "template_id": "tmpl-1", "rrule": "FREQ=WEEKLY;BYDAY=WE",
            "starts_on": "2026-11-01", "window_start": "09:00", "window_end": "12:00",
            "time_zone": "Asia/Shanghai", "horizon_days": 42,
            "default_engineer": "7d1c2a7e-0000-4000-8000-00000000000b",
            "priority": "P4", "paused": false, "effective_from_ms": 0, "revision": 1
        }]),
    );
    t.look(&mut h, "dispatcher plans", "Weekly on-site inspection");
    click(&mut h, &t!("plans-new-button"));
    t.look(&mut h, "dispatcher plan editor", &t!("plans-new-heading"));

    // Problems: a published known error with its incidents, and recurring ones to link.
    click(&mut h, &t!("screen-problems"));
    calls(&mut h);
    let incident = |n: u32, title: &str| {
        serde_json::json!({"doc_id": format!("00000000-0000-4000-8000-00000000000{n}"),
            "number": format!("WO-2026-0004{n}"), "title": title, "status": "completed",
            "site_id": "site-tower", "created_at_ms": NOW - i64::from(n) * 86_400_000})
    };
    answer_ok(
        &mut h,
        "problems.list",
        &serde_json::json!([{
            "id": "5b0e0000-0000-4000-8000-000000000001", "status": "known_error",
            "title": "诊所 UPS 反复告警：电池组老化 — clinic UPS alarms recur (battery pack ageing)",
            "description": "诊所 UPS 上月报电池故障，本月再次告警；两次报修均来自弱电间。",
            "root_cause": "电池组已超过四年使用寿命，带载时容量下降。",
            "known_error": "APC Smart-UPS 3000 在市电正常时报“更换电池”告警 (replace battery alarm on mains).",
            "workaround": "在前面板运行 UPS 自检；自检通过则消除告警，负载保持在 60% 以下。Run the self-test; keep the load under 60 %.",
            "category": "hardware", "device_type": "ups",
            "incidents": [incident(1, "诊所弱电间 UPS 告警"), incident(2, "UPS 报电池故障 UPS reports battery fault")],
            "article_id": "5b0e0000-0000-4000-8000-0000000000aa", "published_at_ms": NOW,
            "revision": 3, "created_by": "Sam 萨姆", "created_at_ms": NOW - 86_400_000,
            "updated_by": "Dana 达娜", "updated_at_ms": NOW
        }]),
    );
    answer_ok(
        &mut h,
        "problems.candidates",
        &serde_json::json!([{
            "key": {"by": "site_category", "site_id": "site-tower", "category": "hardware"},
            "label": "北风贸易大厦 Northwind Tower",
            "incidents": [incident(3, "3楼财务部打印机卡纸"), incident(4, "3楼打印机又卡纸 printer jams again"),
                incident(5, "打印机卡纸 paper jam")]
        }]),
    );
    t.look(&mut h, "dispatcher problems", &t!("problems-candidates"));
    h.get_all_by_label_contains("诊所 UPS 反复告警")
        .next()
        .expect("the problem's row")
        .click_accesskit();
    h.run_steps(4);
    t.look(&mut h, "dispatcher problem open", &t!("problems-publish"));
}

fn supervisor_tour(t: &mut Tour) {
    let (store, _) = completed_store(NOW);
    store.set_identity(&sample::supervisor()).unwrap();
    let mut h = window(FieldApp::offline(store, NOW + 60_000), t.size);
    t.look(&mut h, "supervisor review", &t!("review-approve"));
    click(&mut h, &t!("review-open-history"));
    let sent = calls(&mut h);
    let history = sent
        .iter()
        .find(|c| c.path.ends_with("/history"))
        .unwrap_or_else(|| panic!("the history is asked for: {sent:?}"));
    // Stepped, as the other answers here are.
    h.state_mut().on_worker(FromWorker::Api(ApiAnswer {
        tag: history.tag.clone(),
        result: Ok(ApiReply::json_ok(&canned_history(NOW))),
    }));
    t.look(
        &mut h,
        "supervisor report-and-history [zh-CN 800×500]",
        "Dana Dispatcher",
    );

    h.state_mut()
        .apply_for_test(Command::Go(Screen::Supervisor));
    h.run();
    calls(&mut h);
    answer_ok(
        &mut h,
        "supervisor.customers",
        &serde_json::json!([
            {"doc_id": "s1", "name": "北风大厦", "customer_id": "cust-northwind",
             "customer_name": "北风贸易（上海）有限公司"},
            {"doc_id": "s2", "name": "Campus", "customer_id": "cust-riverside",
             "customer_name": "Riverside International School"}
        ]),
    );
    answer_ok(&mut h, "supervisor.kpis", &kpi_summary());
    h.state_mut().state.supervisor.complaint_reason =
        "工程师未测试就离开，三楼打印机当天再次卡纸 — left without testing".into();
    t.look(&mut h, "supervisor dashboard", &t!("dash-first-time-fix"));

    h.state_mut().apply_for_test(Command::Go(Screen::Devices));
    t.look(&mut h, "supervisor devices", &t!("eng-dev-col-location"));
}

#[test]
fn engineer_screens_have_no_cut_or_overlapping_text() {
    check_everywhere("engineer", engineer_tour);
}

#[test]
fn dispatcher_screens_have_no_cut_or_overlapping_text() {
    check_everywhere("dispatcher", dispatcher_tour);
}

#[test]
fn supervisor_screens_have_no_cut_or_overlapping_text() {
    check_everywhere("supervisor", supervisor_tour);
}

/// Narrowing the window to 800 px wraps a supervisor's navigation bar onto a second row in
/// the same frame: the row is not clipped to the one-row bar of the frame before.
#[test]
fn the_navigation_bar_wraps_without_a_blank_row() {
    let (store, _) = completed_store(NOW);
    store.set_identity(&sample::supervisor()).unwrap();
    let mut h = window(FieldApp::offline(store, NOW), [1280.0, 500.0]);
    h.run();
    h.set_size(egui::vec2(800.0, 500.0));
    h.step();
    let first = h.get_by_label("My work").rect();
    let last = h.get_by_label("Dashboard").rect();
    assert!(last.top() > first.bottom(), "wrapped: {first:?} {last:?}");
    assert_eq!(report(&findings(&h, "nav at 800 px")), Vec::<String>::new());
}

/// The detector itself, on layouts made bad on purpose.
mod detector {
    use super::layout_check::{findings, report};
    use egui_kittest::Harness;
    use fieldsync_app::fonts;

    fn drawn(size: [f32; 2], draw: impl FnMut(&mut egui::Ui) + 'static) -> Vec<String> {
        let mut h = Harness::builder()
            .with_size(size)
            .with_context_setup(fonts::install)
            .build_ui(draw);
        h.run();
        report(&findings(&h, "test"))
    }

    #[test]
    fn two_labels_in_one_place_overlap() {
        let found = drawn([400.0, 200.0], |ui| {
            let at = egui::Rect::from_min_size(egui::pos2(20.0, 20.0), egui::vec2(120.0, 20.0));
            ui.put(at, egui::Label::new("Accept"));
            ui.put(
                at.translate(egui::vec2(30.0, 4.0)),
                egui::Label::new("接单"),
            );
        });
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("OVERLAP"), "{found:#?}");
        assert!(
            found[0].contains("«Accept» at [20,20 – 140,40]"),
            "{found:#?}"
        );
        assert!(
            found[0].contains("«接单» at [50,24 – 170,44]"),
            "{found:#?}"
        );
    }

    #[test]
    fn a_row_wider_than_the_window_is_cut_at_the_right() {
        let found = drawn([300.0, 200.0], |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label("Accept");
                    ui.label("Travel to the site, then record the arrival on site and the time");
                });
            });
        });
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].contains("CUT 1 text(s) past the right edge"),
            "{found:#?}"
        );
        assert!(found[0].contains("«Travel to the site"), "{found:#?}");
        assert!(found[0].contains("right edge"), "{found:#?}");
    }

    #[test]
    fn a_column_taller_than_the_window_is_cut_at_the_bottom_without_a_scroll_area() {
        let found = drawn([300.0, 120.0], |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                for i in 0..10 {
                    ui.label(format!("line {i}"));
                }
            });
        });
        assert!(!found.is_empty());
        assert!(
            found.iter().all(|f| f.contains("bottom edge")),
            "{found:#?}"
        );
    }

    #[test]
    fn scrolled_away_text_wrapped_text_and_text_in_a_button_are_fine() {
        let found = drawn([300.0, 120.0], |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    ui.horizontal_wrapped(|ui| {
                        for w in ["Accept", "Travel", "On site", "Resume", "Complete"] {
                            let _ = ui.button(w);
                        }
                    });
                    ui.label("A long finding that wraps onto several lines inside the panel");
                    ui.add(
                        egui::Label::new("一个被截断的很长的标签一个被截断的很长的标签").truncate(),
                    );
                    for i in 0..10 {
                        ui.label(format!("line {i}"));
                    }
                });
            });
        });
        assert_eq!(found, Vec::<String>::new());
    }

    #[test]
    fn an_overlap_below_the_fold_of_a_scroll_area_is_found() {
        let found = drawn([300.0, 120.0], |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for i in 0..10 {
                        ui.label(format!("line {i}"));
                    }
                    let below = ui.cursor().min + egui::vec2(0.0, 40.0);
                    let at = egui::Rect::from_min_size(below, egui::vec2(120.0, 20.0));
                    ui.put(at, egui::Label::new("Accept"));
                    ui.put(
                        at.translate(egui::vec2(30.0, 4.0)),
                        egui::Label::new("接单"),
                    );
                });
            });
        });
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("OVERLAP"), "{found:#?}");
    }

    #[test]
    fn a_vertical_scroll_area_does_not_excuse_text_past_its_right_edge() {
        let found = drawn([300.0, 120.0], |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.label("Accept");
                        ui.label(
                            "Travel to the site, then record the arrival on site and the time",
                        );
                    });
                    for i in 0..10 {
                        ui.label(format!("line {i}"));
                    }
                });
            });
        });
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("right edge"), "{found:#?}");
    }
}
