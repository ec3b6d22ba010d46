//! The office screens (review queue, supervisor dashboard, dispatch board, inspection plans)
//! drawn in 简体中文 with egui_kittest: their labels come from the Chinese translation files,
//! and times beside a site's work carry the site's zone label (北京时间).

mod common;
use common::{calls, completed_store, dispatcher_board, window};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use fieldsync::TimestampMs;
use fieldsync::store::{Identity, LocalStore};
use fieldsync_app::runtime::FromWorker;
use fieldsync_app::runtime::{ApiAnswer, ApiError, ApiReply};
use fieldsync_app::{FieldApp, sample};
use fieldsync_i18n::{Lang, ThreadLang};

/// Tue 24 Nov 2026 08:30 UTC.
const NOW: TimestampMs = 1_795_509_000_000;

fn harness(app: FieldApp) -> Harness<'static, FieldApp> {
    window(app, [1280.0, 1000.0])
}

fn answer(h: &mut Harness<'static, FieldApp>, tag: &str, result: Result<ApiReply, ApiError>) {
    h.state_mut().on_worker(FromWorker::Api(ApiAnswer {
        tag: tag.into(),
        result,
    }));
    h.run();
}

#[test]
fn review_queue_in_chinese_with_the_sites_clock() {
    let _zh = ThreadLang::set(Lang::ZhCn);
    let (store, _) = completed_store(NOW);
    store.set_identity(&sample::supervisor()).unwrap();
    let mut h = harness(FieldApp::offline(store, NOW + 60_000));
    h.run();
    for label in [
        "审核",
        "通过",
        "退回",
        "报告与历史",
        "完成时间",
        "优先级",
        "审核意见",
    ] {
        assert!(
            h.query_all_by_label(label).next().is_some(),
            "{label} missing"
        );
    }
    assert!(h.query_by_label_contains("张待审核").is_some());
    assert!(h.query_by_label("Send back").is_none(), "no English left");
    // Completed 08:30 UTC = 16:30 on the site's clock in Shanghai, labelled as such.
    assert!(
        h.query_by_label("11月24日 周二 16:30 北京时间").is_some(),
        "completion time on the site's clock"
    );
}

#[test]
fn dashboard_in_chinese() {
    let _zh = ThreadLang::set(Lang::ZhCn);
    let store = LocalStore::open_in_memory().unwrap();
    store
        .set_identity(&Identity {
            user_id: "7d1c2a7e-0000-4000-8000-0000000000aa".into(),
            username: "chen.jing".into(),
            display_name: "Chen Jing".into(),
            role: fieldsync::Role::Supervisor,
        })
        .unwrap();
    let mut h = harness(FieldApp::offline(store, NOW));
    h.run();
    h.get_by_label("看板").click();
    h.run();
    calls(&mut h);
    assert!(h.query_by_label("主管看板").is_some());
    assert!(h.query_by_label_contains("请选择客户").is_some());
    let figures = |p: &str| {
        serde_json::json!({
            "period": p, "work_orders": 9, "faults": 7,
            "faults_by_category": {"network": {"count": 3}, "hardware": {"count": 4}},
            "mean_time_to_arrive_min": 42.5,
            "sla_resolution": {"rate_pct": 87.5},
            "first_time_fix_rate_pct": 75.0,
            "complaints": 1,
            "customer_satisfaction_pct": 96.0,
            "inspections": {"planned": 4, "done_on_time": 3, "late": 0, "missed": 1, "adherence_pct": 75.0},
            "by_engineer": {"李娜": {"work_orders": 7, "completed": 6, "complaints": 1}}
        })
    };
    let summary = serde_json::json!({
        "customer": "acme", "customer_name": "Acme 医院", "period_kind": "month",
        "current": figures("2026-11"), "previous": figures("2026-10"),
        "trend": [figures("2026-10"), figures("2026-11")]
    });
    answer(&mut h, "supervisor.kpis", Ok(ApiReply::json_ok(&summary)));
    for label in [
        "首次修复率",
        "客户满意度",
        "平均到场时间",
        "解决时限达成率",
        "2026年11月",
        "2026年10月",
        "42.5 分钟",
        "87.5 %",
        "客户反馈",
        "登记投诉",
    ] {
        assert!(
            h.query_all_by_label(label).next().is_some(),
            "{label} missing"
        );
    }
    assert!(
        h.query_by_label_contains("李娜：工单 7 张，完成 6 张，投诉 1 次")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("计划 4 次：按时 3 次，延迟 0 次，漏检 1 次")
            .is_some()
    );
    assert!(
        h.query_by_label("First-time fix").is_none(),
        "no English left"
    );
}

#[test]
fn dispatch_board_in_chinese_with_the_sites_zone_beside_the_due_time() {
    let _zh = ThreadLang::set(Lang::ZhCn);
    let mut h = dispatcher_board([1280.0, 1000.0]);
    for label in [
        "调度",
        "派工看板",
        "电话报修 → 故障",
        "巡检计划",
        "工程师日程",
        "今天",
        "待派工（1）",
        "优先级",
        "SLA 时限",
        "正常",
        "临近超时",
    ] {
        assert!(
            h.query_all_by_label(label).next().is_some(),
            "{label} missing"
        );
    }
    assert!(h.query_by_label("2026年11月18日 周三").is_some(), "the day");
    assert!(
        h.query_by_label("北风大厦 · 网络").is_some(),
        "site and category"
    );
    // Due 11:00 in Shanghai, labelled with the site's zone in Chinese.
    assert!(
        h.query_all_by_label_contains("响应时限 11:00 北京时间（还有 2小时0分钟）")
            .next()
            .is_some(),
        "due time with the zone label"
    );
    h.get_by_label("P2 · WO-2026-00042 · 核心交换机宕机")
        .click();
    h.run();
    for label in [
        "已派工程师",
        "尚未派工。",
        "派工程师",
        "时段",
        "时长",
        "站点：北风大厦",
    ] {
        assert!(
            h.query_all_by_label(label).next().is_some(),
            "{label} missing"
        );
    }
    assert!(
        h.query_all_by_label_contains("响应时限：正常 · 11月18日 周三 11:00 北京时间")
            .next()
            .is_some()
    );
    assert!(h.query_by_label("Assigned").is_none(), "no English left");
}

#[test]
fn inspection_plan_form_in_chinese() {
    let _zh = ThreadLang::set(Lang::ZhCn);
    let mut h = dispatcher_board([1280.0, 1000.0]);
    h.get_by_label("巡检计划").click();
    h.run();
    calls(&mut h);
    answer(
        &mut h,
        "dispatch.plans",
        Ok(ApiReply::json_ok(&serde_json::json!([]))),
    );
    assert!(h.query_by_label_contains("还没有巡检计划。").is_some());
    h.get_by_label("＋ 新建计划").click();
    h.run();
    for label in [
        "新建巡检计划",
        "标题",
        "站点",
        "设备",
        "站点全部设备",
        "检查模板",
        "周期",
        "开始日期",
        "开始时间",
        "结束时间",
        "时区",
        "提前生成（天）",
        "默认工程师",
        "优先级",
        "接下来的巡检",
        "保存计划",
        "取消",
    ] {
        assert!(
            h.query_all_by_label(label).next().is_some(),
            "{label} missing"
        );
    }
    // The first problem of the empty form, in Chinese.
    assert!(
        h.query_by_label("请输入标题，例如“每周机房巡检”。")
            .is_some()
    );
    assert!(h.query_by_label("Save plan").is_none(), "no English left");
    // The builder's weekdays (Monday first) and the working-day choice, in Chinese.
    for label in [
        "周一",
        "周三",
        "周日",
        "仅工作日（跳过法定节假日）",
        "开始时间：时",
        "结束时间：分",
    ] {
        assert!(
            h.query_all_by_label(label).next().is_some(),
            "{label} missing"
        );
    }
    // The recurrence choices by their Chinese names.
    h.get_by_label("周期").click();
    h.run();
    for label in [
        "每天",
        "每周",
        "每月",
        "每个工作日（按站点日历）",
        "自定义 RRULE",
    ] {
        assert!(
            h.query_all_by_label(label).next().is_some(),
            "{label} missing"
        );
    }
}

#[test]
fn phone_call_form_in_chinese() {
    let _zh = ThreadLang::set(Lang::ZhCn);
    let mut h = dispatcher_board([1280.0, 1000.0]);
    h.get_by_label("电话报修 → 故障").click();
    h.run();
    for label in [
        "报修人",
        "客户",
        "站点",
        "标题",
        "故障描述",
        "类别",
        "影响度 / 紧急度",
        "影响度",
        "紧急度",
        "保存故障单",
        "清空",
        "优先级 P3",
        "选择客户后显示各项时限",
    ] {
        assert!(
            h.query_all_by_label(label).next().is_some(),
            "{label} missing"
        );
    }
    assert!(
        h.query_by_label("Save incident").is_none(),
        "no English left"
    );
}
