//! The engineer's screens in 简体中文, and times on the work order shown on the site's clock
//! (labelled with the site's zone) when the machine runs on another zone.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::TimestampMs;
use fieldsync::store::LocalStore;
use fieldsync_app::state::Screen;
use fieldsync_app::{FieldApp, fonts, format, sample};
use fieldsync_i18n::{Lang, ThreadLang};

/// Tue 24 Nov 2026 08:30 UTC, 16:30 on the sample site's clock (Asia/Shanghai).
const NOW: TimestampMs = 1_795_509_000_000;

/// Set in the child process that runs a test on London time.
const CHILD: &str = "FIELDSYNC_TEST_MACHINE_ZONE";

/// Whether this is the child: otherwise run `test` again in a child process whose machine
/// clock is London's (UTC+0 in November), not the site's Shanghai time, and check it passed.
/// (The zone is the process's TZ, which a test cannot change in its own process safely.)
fn in_london(test: &str) -> bool {
    if std::env::var_os(CHILD).is_some() {
        return true;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env("TZ", "Europe/London")
        .env(CHILD, "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("1 passed"),
        "{test} on London time:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    false
}

fn harness() -> Harness<'static, FieldApp> {
    harness_with_ids().0
}

fn harness_with_ids() -> (Harness<'static, FieldApp>, sample::SampleIds) {
    let mut store = LocalStore::open_in_memory().unwrap();
    let ids = sample::seed(&mut store, &sample::engineer(), NOW).unwrap();
    let app = FieldApp::offline(store, NOW);
    let h = Harness::builder()
        .with_size([1280.0, 3000.0])
        .allow_missing_glyphs()
        .with_context_setup(fonts::install)
        .build_ui_state(|ui, app: &mut FieldApp| app.ui(ui), app);
    (h, ids)
}

fn open_inspection(h: &mut Harness<'static, FieldApp>) {
    h.run();
    h.get_by_label_contains("Weekly server room round").click();
    h.run();
    assert_eq!(h.state().state.screen, Screen::WorkOrder);
}

#[test]
fn my_work_and_the_work_order_in_chinese() {
    let _zh = ThreadLang::set(Lang::ZhCn);
    let mut h = harness();
    h.run();
    // My work.
    assert_eq!(
        h.query_all_by_label("我的工作").count(),
        2,
        "menu and heading"
    );
    assert!(h.query_by_label("＋ 新建故障").is_some());
    for col in ["时间", "工单", "现场", "状态", "优先级", "时限", "同步"] {
        assert!(h.query_all_by_label(col).count() > 0, "column {col}");
    }
    assert!(h.query_by_label("When").is_none());
    assert!(h.query_by_label_contains("个工单").is_some());

    open_inspection(&mut h);
    // The status actions, in the order of a visit.
    for b in ["接单", "出发", "到场", "恢复", "完成"] {
        assert!(h.query_all_by_label(b).count() > 0, "button {b}");
    }
    assert!(h.query_by_label("Complete").is_none());
    assert!(h.query_by_label("Accept").is_none());
    for s in [
        "检查项",
        "处理记录",
        "备件使用",
        "照片",
        "服务报告",
        "客户签字确认",
        "历史记录",
    ] {
        assert!(h.query_all_by_label(s).count() > 0, "section {s}");
    }
    assert!(h.query_by_label("保存服务报告 PDF…").is_some());
    assert!(h.query_by_label("保存处理记录").is_some());
    assert!(h.query_by_label("添加备件").is_some());
    assert!(h.query_by_label("客户已同意更换").is_some());
    assert!(h.query_by_label("未使用备件。").is_some());
    // The checklist's pass/fail buttons.
    assert!(
        h.query_by_label("正常: Core switch fans and LEDs normal")
            .is_none()
    );
    assert!(
        h.query_by_label("正常：Core switch fans and LEDs normal")
            .is_some()
    );
    assert!(h.query_all_by_label("必填").count() > 0);
    // The devices with their outage state, and the signature section.
    assert!(h.query_all_by_label("运行中").count() > 0, "serving");
    assert!(h.query_by_label("serving").is_none());
    assert!(h.query_by_label("本次上门新建故障…").is_some());

    // Accept and go on site: the history reads in Chinese too.
    h.get_by_label("接单").click();
    h.run();
    h.get_by_label("到场").click();
    h.run();
    assert!(h.query_by_label_contains("到场时长").is_some());
    // Completing with a required item empty is refused in Chinese.
    h.get_by_label("完成").click();
    h.run();
    let notice = h.state().state.work_order.as_ref().unwrap().notice.clone();
    assert!(
        notice
            .as_deref()
            .is_some_and(|n| n.starts_with("必填检查项尚未填写：")),
        "{notice:?}"
    );
    assert!(
        h.query_by_label_contains("已 ").is_some(),
        "time on site so far"
    );
}

#[test]
fn work_order_times_are_on_the_sites_clock_with_its_label() {
    if !in_london("work_order_times_are_on_the_sites_clock_with_its_label") {
        return;
    }
    let mut h = harness();
    // The machine's own clock is not the site's.
    let device = format::time(NOW);
    assert!(device.contains("UTC"), "{device}");
    assert!(!device.contains("CST"), "{device}");
    open_inspection(&mut h);
    // Scheduled an hour after NOW: 17:30 in Shanghai, 09:30 in London.
    assert!(
        h.query_by_label("Tue 24 Nov 17:30 CST – Tue 24 Nov 20:30 CST")
            .is_some(),
        "scheduled time on the site's clock"
    );
    assert!(h.query_by_label_contains("09:30").is_none());
    assert!(
        h.query_by_label_contains("times on this page are the site's")
            .is_some()
    );
    {
        let _zh = ThreadLang::set(Lang::ZhCn);
        h.run();
        assert!(
            h.query_by_label("11月24日 周二 17:30 北京时间 – 11月24日 周二 20:30 北京时间")
                .is_some(),
            "scheduled time on the site's clock, in Chinese"
        );
        assert!(
            h.query_by_label("11月24日 周二 16:30 北京时间（Asia/Shanghai）；本页时间均为现场时间")
                .is_some(),
            "the site's clock now"
        );
        assert!(h.query_by_label_contains("UTC+0").is_none());
    }
}

#[test]
fn server_errors_are_translated_by_code_with_the_servers_words_kept() {
    use fieldsync_app::runtime::ApiError;
    use fieldsync_app::runtime::net::NetError;
    let refused = NetError::Server {
        code: "forbidden".into(),
        message: "role engineer may not approve".into(),
        refusal: None,
    };
    let busy = NetError::Busy {
        retry_after_secs: 12,
    };
    assert_eq!(
        refused.to_string(),
        "the server refused: your account may not do this; ask your dispatcher or supervisor \
         (role engineer may not approve)"
    );
    let _zh = ThreadLang::set(Lang::ZhCn);
    assert_eq!(
        refused.to_string(),
        "服务器拒绝：你的账号无权执行此操作，请联系调度或主管（role engineer may not approve）"
    );
    assert_eq!(busy.to_string(), "服务器繁忙：12 秒后重试");
    assert_eq!(
        NetError::Unauthorized.to_string(),
        "登录已过期：请重新登录后同步（你的工作已保留）"
    );
    let api = ApiError::Server {
        status: 409,
        code: String::new(),
        message: "changed meanwhile".into(),
        refusal: None,
    };
    assert_eq!(
        api.to_string(),
        "服务器拒绝（409）：有人同时修改了此项，请同步后重试（changed meanwhile）"
    );
    // A rule the request broke is worded here, not shown in the server's English.
    let api = ApiError::Server {
        status: 400,
        code: "bad_request".into(),
        message: "the complaint's reason is required".into(),
        refusal: Some(fieldsync::model::Refusal::TextRequired {
            what: fieldsync::model::FeedbackText::ComplaintReason,
        }),
    };
    assert_eq!(api.to_string(), "请填写投诉原因。");
    // The server's own code, when it sent one, names the problem (not only the status).
    let api = ApiError::Server {
        status: 409,
        code: "actor_taken".into(),
        message: "actor registered to another user".into(),
        refusal: None,
    };
    assert!(
        api.to_string()
            .contains(&fieldsync_app::runtime::net::server_code_words(
                "actor_taken"
            )),
        "{api}"
    );
    // The sync library's own refusals, in the same words.
    let held = fieldsync::store::StoreError::from(fieldsync::model::ModelError::Refused(
        fieldsync::model::Refusal::IllegalTransition {
            action: fieldsync::status::EventKind::Completed,
            status: fieldsync::status::Status::Assigned,
        },
    ));
    assert_eq!(
        fieldsync_app::runtime::store::explain(&held),
        "该工单当前为“已派单”，现在不能记录“完成”。"
    );
    // An address the app refuses, in words.
    let bad =
        fieldsync_app::runtime::net::check_server_url("ftp://hub.example", false).unwrap_err();
    assert!(bad.to_string().contains("不支持的地址协议"), "{bad}");
}

#[test]
fn devices_new_incident_and_knowledge_in_chinese() {
    let _zh = ThreadLang::set(Lang::ZhCn);
    let (mut h, ids) = harness_with_ids();
    h.run();
    // The device page: field names, the ledger status in words, history on the site's clock.
    h.state_mut()
        .apply_for_test(fieldsync_app::state::command::Command::OpenDevice(
            ids.switch,
        ));
    h.run();
    for label in ["配置信息", "固件版本", "资产编号", "维护记录", "状态"] {
        assert!(h.query_all_by_label(label).count() > 0, "{label}");
    }
    // Read as words; in edit mode the status is a choice showing its words too.
    assert!(h.query_by_label("在用").is_some(), "in_service in words");
    h.get_by_label("编辑").click();
    h.run();
    assert_eq!(
        h.get_by_label("修改状态").value().as_deref(),
        Some("在用"),
        "in_service in words"
    );
    assert!(h.query_all_by_label("in_service").next().is_none());
    assert!(h.query_all_by_label("巡检").count() > 0, "kind in words");
    assert!(
        h.query_by_label("11月24日 周二 17:30 北京时间").is_some(),
        "history on the site's clock"
    );
    assert!(
        h.query_by_label("修改固件版本").is_some(),
        "edit field name"
    );
    assert!(h.query_by_label("Configuration").is_none());

    // New incident.
    h.state_mut().state.devices.open = None;
    h.state_mut().state.screen = Screen::NewIncident;
    h.run();
    for label in [
        "标题",
        "描述",
        "类别",
        "影响度 / 紧急度",
        "创建故障工单",
        "取消",
    ] {
        assert!(h.query_all_by_label(label).count() > 0, "{label}");
    }
    assert!(h.query_by_label_contains("→ 优先级").is_some());
    h.get_by_label("创建故障工单").click();
    h.run();
    assert_eq!(
        h.state().state.incident.error.as_deref(),
        Some("请给故障写一个简短的标题。")
    );
    assert!(h.query_by_label("请给故障写一个简短的标题。").is_some());

    // Knowledge base.
    h.state_mut().state.screen = Screen::Knowledge;
    h.run();
    assert!(h.query_all_by_label("知识库").count() > 0);
    assert!(h.query_by_label("请选择一篇文章。").is_some());
    // Each article's category is in words, as the work order's is.
    assert!(h.query_all_by_label_contains("[硬件]").count() > 0);
    for code in fieldsync::model::work_order::CATEGORIES {
        let shown = format!("[{code}]");
        assert!(h.query_by_label_contains(&shown).is_none(), "{shown} shown");
    }
}
