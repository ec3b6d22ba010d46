//! The task-completion table's PDF and CSV read back: the quarter of
//! `kpis::tasks::tests::records` (worked out by hand there) in Chinese and English, and the
//! quarterly summary with the table as its appendix.

use crate::kpis::tasks::tests::{now, records};
use crate::kpis::{self, Period};
use crate::report::fonts;
use fieldsync_i18n::Lang;

fn q4_table() -> kpis::TaskTable {
    let mut t = kpis::tasks::table("cust", &records(), Period::parse("2026-Q4").unwrap(), now());
    t.customer_name = Some("Harbour Hospital 港湾医院".into());
    t
}

/// `pdftotext` output of the rendered table, or `None` (with the reason printed) when the
/// fonts or poppler are missing.
fn text_of(pdf: &[u8], name: &str) -> Option<String> {
    if let Ok(dir) = std::env::var("FIELDSYNC_REPORT_OUT") {
        std::fs::write(std::path::Path::new(&dir).join(name), pdf).unwrap();
    }
    let text = crate::testing::pdf_text(pdf);
    if text.is_none() {
        eprintln!("pdftotext not installed: the text was not checked");
    }
    text
}

#[test]
fn the_table_pdf_in_chinese_names_every_task_its_site_zone_and_outcome() {
    if let Err(e) = fonts::fonts() {
        eprintln!("SKIPPED: {e}");
        return;
    }
    let pdf = super::render(&q4_table(), Lang::ZhCn).unwrap();
    let Some(text) = text_of(&pdf, "tasks-zh.pdf") else {
        return;
    };
    for needle in [
        "季度维护工作任务完成记录汇总表",
        "2026年第4季度",
        "Harbour Hospital 港湾医院",
        "按现场统计计划与完成",
        "按工程师统计计划与完成",
        "任务明细",
        // Sites by name (a name may wrap in its cell).
        "主楼",
        "数据中心",
        "无现场",
        "未指派",
        // Totals worked out by hand in kpis::tasks::tests: 10 planned, 6 done, 60 %.
        "计划任务 10 项，已完成 6 项（60 %），其中按时完成 3 项。",
        "WO-6 Fault 6",
        // The data centre's times on its own clock (Ürümqi, UTC+6), the main building's in
        // Beijing time: patrol 1, 14 October 09:00–12:00 (cells wrap: short needles).
        "UTC+6",
        "2026年10月14日",
        "09:00–12:00 北京时间",
        "按时完成",
        "逾期完成",
        "未完成",
        "进行中",
        "已取消",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    assert!(!text.contains("cust"), "internal id printed:\n{text}");
}

#[test]
fn the_table_pdf_in_english_and_the_quarterly_summary_appendix() {
    if let Err(e) = fonts::fonts() {
        eprintln!("SKIPPED: {e}");
        return;
    }
    let table = q4_table();
    let pdf = super::render(&table, Lang::En).unwrap();
    if let Some(text) = text_of(&pdf, "tasks-en.pdf") {
        for needle in [
            "Quarterly task completion record",
            "10 tasks planned, 6 done (60 %), 3 of them on time.",
            "Done late",
            "Not done",
            "09:00–12:00 CST",
            "Nobody",
        ] {
            assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
        }
    }
    // The quarterly summary of the same records carries the table after everything else.
    let q4 = Period::parse("2026-Q4").unwrap();
    let mut r = kpis::report("cust", &records(), q4, now());
    r.customer_name = table.customer_name.clone();
    let pdf = crate::report::summary::render(&r, None, Some(&table), Lang::ZhCn).unwrap();
    let Some(text) = text_of(&pdf, "summary-q4-appendix.pdf") else {
        return;
    };
    let appendix = text
        .find("附录：季度维护工作任务完成记录汇总表，2026年第4季度")
        .unwrap_or_else(|| panic!("no appendix in:\n{text}"));
    let figures = text.find("故障率考核").expect("the summary's figures");
    assert!(figures < appendix, "the table comes after the figures");
    assert!(text[appendix..].contains("按工程师统计计划与完成"));
}

#[test]
fn the_table_csv_opens_in_excel_with_every_task_and_the_counts() {
    let bytes = super::csv::to_csv(&q4_table(), Lang::ZhCn).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "byte-order mark for Excel"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let lines: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    // Title, customer, header, 11 tasks; then per block an empty line, its title, header,
    // 3 groups and the total.
    assert_eq!(lines.len(), 3 + 11 + 2 * (1 + 1 + 1 + 3 + 1));
    assert!(lines[0][0].starts_with("季度维护工作任务完成记录汇总表 2026年第4季度"));
    assert_eq!(lines[2][..3], ["序号", "工单号", "标题"]);
    // Task 6 (the last, called 31 December 23:30 Shanghai) on the data centre's clock, 21:30.
    let six = lines.iter().find(|l| l[1] == "WO-6").unwrap();
    assert_eq!(
        six[3..],
        [
            "故障",
            "Data centre 数据中心",
            "2026-12-31 21:30",
            "2027-01-01 01:30",
            "2026-12-31 23:30",
            "UTC+6 (Asia/Urumqi)",
            "Zhang Wei 张伟, Li Na 李娜",
            "按时完成",
            "done_on_time",
        ]
    );
    // Counts by site as worked out by hand: the main building 5 planned, 4 done, 1 on time,
    // 2 late, 0 not done, 1 open, 1 cancelled, 80 %, 33.33 %.
    let main = lines.iter().find(|l| l[0] == "Main building 主楼").unwrap();
    assert_eq!(
        main[1..10],
        ["5", "4", "1", "2", "0", "1", "1", "80", "33.33"]
    );
    let total = lines.iter().rfind(|l| l[0] == "合计").unwrap();
    assert_eq!(
        total[1..10],
        ["10", "6", "3", "2", "3", "1", "1", "60", "37.5"]
    );
}
