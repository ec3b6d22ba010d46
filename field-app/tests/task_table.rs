//! The supervisor dashboard saves the quarter's task-completion table
//! (季度维护工作任务完成记录汇总表) as PDF and CSV through the file dialog, fetched from
//! `/v1/kpis/tasks.pdf|csv` for the loaded customer and quarter; a loaded month offers no
//! table and says to choose a quarter. No worker runs: the test answers the calls itself.

mod common;
use common::{calls, kpi_summary};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::TimestampMs;
use fieldsync::store::{Identity, LocalStore};
use fieldsync_app::runtime::FromWorker;
use fieldsync_app::runtime::{ApiAnswer, ApiError, ApiReply};
use fieldsync_app::state::command::Command;
use fieldsync_app::state::supervisor::SummaryFile;
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
    calls(&mut h);
    h
}

fn answer(h: &mut Harness<'static, FieldApp>, tag: &str, result: Result<ApiReply, ApiError>) {
    h.state_mut().on_worker(FromWorker::Api(ApiAnswer {
        tag: tag.into(),
        result,
    }));
    h.run();
}

/// Load the summary of acme for `period` (the canned figures, relabelled).
fn load(h: &mut Harness<'static, FieldApp>, period: &str, kind: &str) {
    h.state_mut().state.supervisor.customer = "acme".into();
    h.state_mut().state.supervisor.period = period.into();
    h.run();
    h.get_by_label("Load").click();
    h.run();
    let sent = calls(h);
    assert!(
        sent[0].path.starts_with("/v1/kpis?customer=acme"),
        "{sent:?}"
    );
    let mut summary = kpi_summary();
    summary["period_kind"] = kind.into();
    summary["current"]["period"] = period.into();
    answer(h, "supervisor.kpis", Ok(ApiReply::json_ok(&summary)));
    calls(h); // notes and the work orders for feedback
}

#[test]
fn the_quarter_table_is_saved_as_pdf_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = supervisor_app();
    assert!(
        h.query_by_label("Save table PDF…").is_none(),
        "nothing to save before a summary is loaded"
    );
    load(&mut h, "2026-Q3", "quarter");
    assert!(h.query_by_label_contains("Choose a quarter").is_none());

    // PDF: the dialog proposes the table's own name; the file is fetched from the table's
    // endpoint for the loaded customer and quarter and written where chosen.
    h.get_by_label("Save table PDF…").click();
    h.run();
    assert_eq!(
        h.state().state.file_picker.file_name,
        "task-completion-acme-2026-Q3.pdf"
    );
    h.state_mut()
        .apply_for_test(Command::PickFile(dir.path().join("q3-tasks")));
    let sent = calls(&mut h);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].path,
        "/v1/kpis/tasks.pdf?customer=acme&quarter=2026-Q3"
    );
    let pdf = ApiReply {
        status: 200,
        content_type: "application/pdf".into(),
        bytes: b"%PDF-1.7 table".to_vec(),
    };
    answer(&mut h, "supervisor.file", Ok(pdf));
    let saved = dir.path().join("q3-tasks.pdf");
    assert_eq!(std::fs::read(&saved).unwrap(), b"%PDF-1.7 table");
    assert_eq!(
        h.state().state.supervisor.file,
        Some(SummaryFile::Saved(saved))
    );
    assert!(h.query_by_label_contains("Saved: ").is_some());

    // CSV: the bytes as the server sent them (its byte-order mark kept).
    h.get_by_label("Save table CSV…").click();
    h.run();
    assert_eq!(
        h.state().state.file_picker.file_name,
        "task-completion-acme-2026-Q3.csv"
    );
    h.state_mut()
        .apply_for_test(Command::PickFile(dir.path().join("q3.csv")));
    let sent = calls(&mut h);
    assert_eq!(
        sent[0].path,
        "/v1/kpis/tasks.csv?customer=acme&quarter=2026-Q3"
    );
    let csv = "\u{feff}季度维护工作任务完成记录汇总表 2026年第3季度\n"
        .as_bytes()
        .to_vec();
    let reply = ApiReply {
        status: 200,
        content_type: "text/csv; charset=utf-8".into(),
        bytes: csv.clone(),
    };
    answer(&mut h, "supervisor.file", Ok(reply));
    assert_eq!(std::fs::read(dir.path().join("q3.csv")).unwrap(), csv);

    // Offline: nothing is written and the reason is shown.
    h.get_by_label("Save table CSV…").click();
    h.run();
    h.state_mut()
        .apply_for_test(Command::PickFile(dir.path().join("again.csv")));
    calls(&mut h);
    answer(
        &mut h,
        "supervisor.file",
        Err(ApiError::Offline("connection refused".into())),
    );
    assert!(!dir.path().join("again.csv").exists());
    assert!(h.query_by_label_contains("Not saved:").is_some());
}

#[test]
fn a_month_has_no_table_and_says_to_choose_a_quarter() {
    let mut h = supervisor_app();
    load(&mut h, "2026-11", "month");
    assert!(h.query_by_label("Save table PDF…").is_none());
    assert!(h.query_by_label("Save table CSV…").is_none());
    assert!(
        h.query_by_label_contains("Choose a quarter for the task completion record")
            .is_some()
    );
    // The summary's own buttons stay.
    assert!(h.query_by_label("Save summary PDF…").is_some());
}
