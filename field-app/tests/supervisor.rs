//! The supervisor dashboard (egui_kittest): it asks `/v1/kpis` over the API channel, shows the
//! figures it gets back, keeps them with their load time when offline, and records a
//! customer complaint against a work order, and the supervisor writes and saves the notes of
//! the summary. No worker runs: the test takes the call from
//! `unsent` and answers it itself.

mod common;
use common::{calls, kpi_summary};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::TimestampMs;
use fieldsync::store::{Identity, LocalStore};
use fieldsync_app::runtime::FromWorker;
use fieldsync_app::runtime::{ApiAnswer, ApiBody, ApiError, ApiMethod, ApiReply};
use fieldsync_app::{FieldApp, fonts};

/// Wed 18 Nov 2026 08:30 UTC.
const NOW: TimestampMs = 1_795_509_000_000;

fn supervisor_app() -> Harness<'static, FieldApp> {
    let store = LocalStore::open_in_memory().unwrap();
    store
        .set_identity(&Identity {
            user_id: "7d1c2a7e-0000-4000-8000-0000000000aa".into(),
            username: "chen.jing".into(),
            display_name: "Chen Jing".into(),
            role: fieldsync::Role::Supervisor,
        })
        .unwrap();
    let mut h = Harness::builder()
        .with_size([1280.0, 1000.0])
        .allow_missing_glyphs()
        .with_context_setup(fonts::install)
        .build_ui_state(
            |ui, app: &mut FieldApp| app.ui(ui),
            FieldApp::offline(store, NOW),
        );
    h.run();
    h.get_by_label("Dashboard").click();
    h.run();
    h
}

fn answer(h: &mut Harness<'static, FieldApp>, tag: &str, result: Result<ApiReply, ApiError>) {
    h.state_mut().on_worker(FromWorker::Api(ApiAnswer {
        tag: tag.into(),
        result,
    }));
    h.run();
}

#[test]
fn dashboard_shows_loaded_figures_and_keeps_them_offline() {
    let mut h = supervisor_app();
    // Only the customers to choose from are asked before a customer is given; offline the
    // id can be typed instead.
    let sent = calls(&mut h);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].tag.as_str(), sent[0].path.as_str()),
        ("supervisor.customers", "/v1/sites")
    );
    answer(
        &mut h,
        "supervisor.customers",
        Err(ApiError::Offline("connection refused".into())),
    );
    assert!(h.query_by_label_contains("Choose a customer").is_some());
    h.state_mut().state.supervisor.customer = "acme hospital".into();
    h.state_mut().state.supervisor.period = "2026-11".into();
    h.run();
    h.get_by_label("Load").click();
    h.run();
    let sent = calls(&mut h);
    assert_eq!(sent.len(), 2, "the customers are asked again with the load");
    assert_eq!(sent[0].tag, "supervisor.kpis");
    assert!(matches!(sent[0].method, ApiMethod::Get));
    assert_eq!(
        sent[0].path,
        "/v1/kpis?customer=acme%20hospital&month=2026-11"
    );
    answer(
        &mut h,
        "supervisor.kpis",
        Ok(ApiReply::json_ok(&kpi_summary())),
    );
    assert!(
        h.query_by_label_contains("Acme Hospital · November 2026")
            .is_some()
    );
    // The supervisor's notes of the loaded customer and period are asked with it.
    // Feedback is recorded against one of the loaded customer's work orders, chosen by
    // number and title: finished ones first, cancelled ones left out.
    let sent = calls(&mut h);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].path, "/v1/kpis/notes?customer=acme&month=2026-11");
    assert_eq!(sent[1].path, "/v1/work-orders?customer=acme&limit=200");
    let targets = serde_json::json!([
        {"doc_id": "w-open", "number": "WO-2026-00009", "title": "Printer jam", "status": "assigned"},
        {"doc_id": "w-done", "number": "WO-2026-00003", "title": "Switch down", "status": "approved"},
        {"doc_id": "w-gone", "number": "WO-2026-00010", "title": "Duplicate", "status": "cancelled"}
    ]);
    answer(
        &mut h,
        "supervisor.work_orders",
        Ok(ApiReply::json_ok(&targets)),
    );
    let targets = h.state().state.supervisor.feedback_targets.clone().unwrap();
    let order: Vec<&str> = targets.iter().map(|t| t.doc_id.as_str()).collect();
    assert_eq!(order, ["w-done", "w-open"]);
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "Work order")
        .scroll_to_me();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "Work order")
        .click();
    h.run();
    h.get_by_label("WO-2026-00003 · Switch down (Approved)")
        .click();
    h.run();
    assert_eq!(h.state().state.supervisor.feedback_wo, "w-done");
    assert!(
        h.query_all_by_label("87.5 %").next().is_some(),
        "SLA resolution figure"
    );
    assert!(
        h.query_all_by_label("42.5 min").next().is_some(),
        "time to arrive"
    );
    assert!(
        h.query_by_label_contains("7 work orders, 6 completed, 1 complaint")
            .is_some(),
        "engineer breakdown"
    );
    assert!(h.query_by_label_contains("Faults per period").is_some());
    // The new figures, this period against the last: phone 23.5 / 22.5 %, device fault
    // hours 17.5 / 16.5 h, recorded downtime 12.5 / 11.5 h, inspections.
    for label in [
        "23.5 %", "22.5 %", "17.5 h", "16.5 h", "12.5 h", "11.5 h", "75.0 %",
    ] {
        assert!(
            h.query_all_by_label(label).next().is_some(),
            "{label} missing"
        );
    }
    assert!(
        h.query_by_label_contains("4 planned: 3 on time, 0 late, 1 missed")
            .is_some()
    );
    // Recorded downtime by device, most first, with what is still down.
    assert!(
        h.query_by_label_contains("Device downtime (recorded)")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("UPS-01 (ups): 2.5 h, 1 outage")
            .is_some()
    );
    assert!(
        h.query_by_label_contains(
            "SW-CORE-01 (switch): 0.0 h, 1 outage, still down (4.0 h so far)"
        )
        .is_some()
    );
    assert!(
        h.query_by_label_contains("1 still down, 4.0 h so far")
            .is_some()
    );
    // Fault time by device, labelled as an upper bound, not downtime.
    assert!(
        h.query_by_label_contains("Device fault time (not downtime)")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("SW-CORE-01 (switch): 13.0 h, 1 fault")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("PRN-07 (printer): 4.4 h, 2 faults, 1 still open")
            .is_some()
    );

    // Offline: the figures stay, with the time they were loaded.
    h.get_by_label("Load").scroll_to_me();
    h.run();
    h.get_by_label("Load").click();
    h.run();
    assert_eq!(calls(&mut h).len(), 1);
    answer(
        &mut h,
        "supervisor.kpis",
        Err(ApiError::Offline("connection refused".into())),
    );
    assert!(
        h.query_by_label_contains("Needs a connection — last loaded at")
            .is_some()
    );
    assert!(
        h.query_all_by_label("87.5 %").next().is_some(),
        "last figures kept"
    );
    // Quarters are asked as quarters.
    let call = fieldsync_app::state::supervisor::kpi_call("acme", "2026-Q4");
    assert_eq!(call.path, "/v1/kpis?customer=acme&quarter=2026-Q4");
}

#[test]
fn a_complaint_is_recorded_against_a_work_order() {
    let mut h = supervisor_app();
    let wo = "0b3c7c0e-8f51-4f7a-9d35-3b1f4c1d2e10";
    calls(&mut h); // the customers to pick from
    h.state_mut().state.supervisor.feedback_wo = wo.into();
    h.state_mut().state.supervisor.complaint_reason = "Engineer left without testing".into();
    h.run();
    h.get_by_label("Record complaint").click();
    h.run();
    let sent = calls(&mut h);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, format!("/v1/work-orders/{wo}/complaints"));
    assert!(matches!(sent[0].method, ApiMethod::Post));
    match &sent[0].body {
        ApiBody::Json(v) => assert_eq!(v["reason"], "Engineer left without testing"),
        other => panic!("not JSON: {other:?}"),
    }
    let reply = ApiReply::json_ok(&serde_json::json!({"id": "c1", "due_ms": NOW + 3 * 86_400_000}));
    answer(&mut h, "supervisor.complaint", Ok(reply));
    assert!(h.query_by_label_contains("Complaint recorded").is_some());
    assert!(h.state().state.supervisor.complaint_reason.is_empty());
    // A refusal is shown, not swallowed.
    h.get_by_label("Record score").click();
    h.run();
    let sent = calls(&mut h);
    assert_eq!(sent[0].path, format!("/v1/work-orders/{wo}/satisfaction"));
    let refused = ApiError::Server {
        status: 403,
        code: "forbidden".into(),
        message: "nobody scores their own work".into(),
        refusal: None,
    };
    answer(&mut h, "supervisor.score", Err(refused));
    assert!(
        h.query_by_label_contains("nobody scores their own work")
            .is_some()
    );
}

#[test]
fn customers_are_picked_by_name_from_the_sites() {
    let mut h = supervisor_app();
    let sites = serde_json::json!([
        {"doc_id": "s1", "name": "Tower", "customer_id": "cust-northwind", "customer_name": "Northwind Trading"},
        {"doc_id": "s2", "name": "Annex", "customer_id": "cust-northwind", "customer_name": "Northwind Trading"},
        {"doc_id": "s3", "name": "Campus", "customer_id": "cust-riverside", "customer_name": "Riverside School"}
    ]);
    assert_eq!(calls(&mut h).len(), 1);
    answer(
        &mut h,
        "supervisor.customers",
        Ok(ApiReply::json_ok(&sites)),
    );
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "Customer")
        .click();
    h.run();
    // Each customer once, by name.
    assert_eq!(h.query_all_by_label("Northwind Trading").count(), 1);
    h.get_by_label("Riverside School").click();
    h.run();
    assert_eq!(h.state().state.supervisor.customer, "cust-riverside");
    h.get_by_label("Load").click();
    h.run();
    let sent = calls(&mut h);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/v1/kpis?customer=cust-riverside");
}

#[test]
fn the_loaded_summary_is_saved_as_pdf_and_csv_where_the_supervisor_chooses() {
    use fieldsync_app::state::command::Command;
    use fieldsync_app::state::supervisor::SummaryFile;
    let dir = tempfile::tempdir().unwrap();
    let mut h = supervisor_app();
    calls(&mut h);
    assert!(
        h.query_by_label("Save summary PDF…").is_none(),
        "nothing to save before a summary is loaded"
    );
    h.state_mut().state.supervisor.customer = "acme".into();
    h.state_mut().state.supervisor.period = "2026-11".into();
    h.run();
    h.get_by_label("Load").click();
    h.run();
    calls(&mut h);
    answer(
        &mut h,
        "supervisor.kpis",
        Ok(ApiReply::json_ok(&kpi_summary())),
    );
    calls(&mut h); // the work orders to record feedback against

    // PDF: the dialog proposes a name; the file is fetched for the loaded customer and
    // period and written where chosen (".pdf" added to a bare name).
    h.get_by_label("Save summary PDF…").click();
    h.run();
    assert_eq!(
        h.state().state.file_picker.file_name,
        "service-summary-acme-2026-11.pdf"
    );
    h.state_mut()
        .apply_for_test(Command::PickFile(dir.path().join("november")));
    let sent = calls(&mut h);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/v1/kpis.pdf?customer=acme&month=2026-11");
    let pdf = ApiReply {
        status: 200,
        content_type: "application/pdf".into(),
        bytes: b"%PDF-1.7 test".to_vec(),
    };
    answer(&mut h, "supervisor.file", Ok(pdf));
    let saved = dir.path().join("november.pdf");
    assert_eq!(std::fs::read(&saved).unwrap(), b"%PDF-1.7 test");
    assert_eq!(
        h.state().state.supervisor.file,
        Some(SummaryFile::Saved(saved.clone()))
    );
    assert!(h.query_by_label_contains("Saved: ").is_some());

    // CSV, offline: nothing is written and the reason is shown.
    h.get_by_label("Save CSV…").click();
    h.run();
    h.state_mut()
        .apply_for_test(Command::PickFile(dir.path().join("nov.csv")));
    let sent = calls(&mut h);
    assert_eq!(sent[0].path, "/v1/kpis.csv?customer=acme&month=2026-11");
    answer(
        &mut h,
        "supervisor.file",
        Err(ApiError::Offline("connection refused".into())),
    );
    assert!(!dir.path().join("nov.csv").exists());
    assert!(h.query_by_label_contains("Not saved:").is_some());
}

#[test]
fn the_period_is_picked_from_recent_months_and_quarters() {
    let mut h = supervisor_app();
    calls(&mut h);
    // No period yet: this month, on the contracts' clock.
    let picker = h.get_by_label("Month or quarter");
    assert_eq!(picker.value().as_deref(), Some("November 2026"));
    picker.click();
    h.run();
    h.get_by_label("October 2026").click();
    h.run();
    h.state_mut().state.supervisor.customer = "acme".into();
    h.run();
    h.get_by_label("Load").click();
    h.run();
    let sent = calls(&mut h);
    assert_eq!(sent[0].path, "/v1/kpis?customer=acme&month=2026-10");

    h.get_by_label("Month or quarter").click();
    h.run();
    assert!(h.query_by_label("Quarters").is_some());
    // Below the months: scrolled to, as a person would.
    h.get_by_label("Q3 2026").scroll_to_me();
    h.run();
    h.get_by_label("Q3 2026").click();
    h.run();
    h.state_mut().state.supervisor.loading = false;
    h.run();
    h.get_by_label("Load").click();
    h.run();
    let sent = calls(&mut h);
    assert_eq!(sent[0].path, "/v1/kpis?customer=acme&quarter=2026-Q3");
}

fn notes_reply(period: &str, technical: &str, suggestions: &str, plan: &str) -> ApiReply {
    ApiReply::json_ok(&serde_json::json!({
        "customer": "acme", "period": period,
        "technical_summary": technical, "suggestions": suggestions, "plan_evaluation": plan,
        "updated_by": "Chen Jing", "updated_at_ms": NOW - 86_400_000,
    }))
}

fn notes_box(h: &Harness<'static, FieldApp>, label: &str) -> Option<String> {
    h.get_by_role_and_label(egui::accesskit::Role::MultilineTextInput, label)
        .value()
}

/// The notes of the loaded summary arrive with it and show in their labelled boxes; what is
/// typed is saved with "Save notes" (a PUT of the three texts), and the outcome is shown.
#[test]
fn the_supervisor_writes_the_notes_of_the_summary_and_saves_them() {
    let mut h = supervisor_app();
    calls(&mut h);
    assert!(
        h.query_by_label("Save notes").is_none(),
        "no notes before a summary is loaded"
    );
    h.state_mut().state.supervisor.customer = "acme".into();
    h.state_mut().state.supervisor.period = "2026-11".into();
    h.run();
    h.get_by_label("Load").click();
    h.run();
    calls(&mut h);
    answer(
        &mut h,
        "supervisor.kpis",
        Ok(ApiReply::json_ok(&kpi_summary())),
    );
    let sent = calls(&mut h);
    let ask = sent
        .iter()
        .find(|c| c.tag == "supervisor.notes")
        .expect("the notes are asked with the summary");
    assert!(matches!(ask.method, ApiMethod::Get));
    assert_eq!(ask.path, "/v1/kpis/notes?customer=acme&month=2026-11");
    assert!(h.query_by_label_contains("Loading the notes").is_some());
    // Nothing to save before the stored notes arrive: clicking does nothing.
    h.get_by_label("Save notes").scroll_to_me();
    h.run();
    h.get_by_label("Save notes").click();
    h.run();
    assert!(calls(&mut h).is_empty(), "saved before the notes arrived");

    answer(
        &mut h,
        "supervisor.notes",
        Ok(notes_reply(
            "2026-11",
            "核心交换机更换光模块后运行正常。",
            "Replace the UPS batteries.",
            "",
        )),
    );
    assert_eq!(
        notes_box(&h, "Technical summary").as_deref(),
        Some("核心交换机更换光模块后运行正常。")
    );
    assert_eq!(
        notes_box(&h, "Suggestions").as_deref(),
        Some("Replace the UPS batteries.")
    );
    assert!(
        h.query_by_label_contains("Last written by Chen Jing")
            .is_some()
    );
    // An answer about another period (a summary no longer shown) is not taken.
    answer(
        &mut h,
        "supervisor.notes",
        Ok(notes_reply("2026-10", "October", "", "")),
    );
    assert_eq!(
        notes_box(&h, "Technical summary").as_deref(),
        Some("核心交换机更换光模块后运行正常。")
    );

    let plan = egui::accesskit::Role::MultilineTextInput;
    h.get_by_role_and_label(plan, "Evaluation of the inspection plan")
        .scroll_to_me();
    h.run();
    h.get_by_role_and_label(plan, "Evaluation of the inspection plan")
        .focus();
    h.run();
    h.get_by_role_and_label(plan, "Evaluation of the inspection plan")
        .type_text("每周三巡检按计划完成，一次延期。");
    h.run();
    h.get_by_label("Save notes").scroll_to_me();
    h.run();
    h.get_by_label("Save notes").click();
    h.run();
    let sent = calls(&mut h);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].tag, "supervisor.notes_save");
    assert!(matches!(sent[0].method, ApiMethod::Put));
    assert_eq!(sent[0].path, "/v1/kpis/notes?customer=acme&month=2026-11");
    match &sent[0].body {
        ApiBody::Json(v) => assert_eq!(
            *v,
            serde_json::json!({
                "technical_summary": "核心交换机更换光模块后运行正常。",
                "suggestions": "Replace the UPS batteries.",
                "plan_evaluation": "每周三巡检按计划完成，一次延期。",
            })
        ),
        other => panic!("not JSON: {other:?}"),
    }
    assert!(h.query_by_label("Saving the notes…").is_some());
    // One save at a time.
    h.get_by_label("Save notes").click();
    h.run();
    assert!(
        calls(&mut h).is_empty(),
        "a second save while the first runs"
    );
    answer(
        &mut h,
        "supervisor.notes_save",
        Ok(notes_reply(
            "2026-11",
            "核心交换机更换光模块后运行正常。",
            "Replace the UPS batteries.",
            "每周三巡检按计划完成，一次延期。",
        )),
    );
    assert!(h.query_by_label("Notes saved.").is_some());

    // A refusal is shown with its reason, and the text stays to save again.
    h.get_by_label("Save notes").click();
    h.run();
    assert_eq!(calls(&mut h).len(), 1);
    let refused = ApiError::Server {
        status: 400,
        code: "bad_request".into(),
        message: "suggestions is 8001 characters long; at most 8000 are kept".into(),
        refusal: None,
    };
    answer(&mut h, "supervisor.notes_save", Err(refused));
    // One message: the outcome with the server's reason.
    let shown = format!(
        "{:?}",
        h.get_by_label_contains("suggestions is 8001 characters long")
    );
    assert!(
        shown.contains("Notes not saved: the server refused (400)"),
        "{shown}"
    );
    assert!(h.query_by_label("Notes saved.").is_none());
    assert_eq!(
        notes_box(&h, "Evaluation of the inspection plan").as_deref(),
        Some("每周三巡检按计划完成，一次延期。")
    );
}
