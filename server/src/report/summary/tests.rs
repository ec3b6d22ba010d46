//! The summary PDF shows the phone resolution, inspection adherence, device downtime and
//! device fault time sections (text read back with poppler's `pdftotext` when it is installed).

use super::render;
use crate::kpis::{self, Period, PlannedInspection, Records};
use crate::report::fonts;

const HOUR: i64 = 3_600_000;

/// The six months of `summary_samples` with devices on the faults, two resolved by phone,
/// and a weekly inspection plan per month (one missed, one late each month).
fn records(period: Period) -> Records {
    let mut work_orders = crate::report::tests::summary_samples(period);
    let devices = ["SW-CORE-01 (switch)", "PRN-07 (printer)", "UPS-1 (ups)"];
    for (i, s) in work_orders.iter_mut().enumerate() {
        if s.kind == "incident" && i % 3 != 2 {
            s.devices = vec![devices[i % devices.len()].into()];
            s.device_classes = vec![["switch", "printer", "ups"][i % devices.len()].into()];
            // Every other fault on a device has its outage recorded: down 20 minutes before
            // the call, restored two hours later.
            if i % 2 == 0 {
                s.outages = vec![kpis::OutageSample {
                    device: devices[i % devices.len()].into(),
                    down_from_ms: s.created_at_ms - HOUR / 3,
                    restored_at_ms: Some(s.created_at_ms + 2 * HOUR),
                }];
            }
        }
        if i % 7 == 3 {
            s.visits = 0;
            s.first_on_site_ms = None;
        }
    }
    let mut inspections = Vec::new();
    for month in period.trailing(kpis::TREND_PERIODS) {
        let (start, _) = month.range_ms();
        for week in 0..4 {
            let start_ms = start + (week * 7 + 2) * 24 * HOUR + 9 * HOUR;
            let end_ms = start_ms + 3 * HOUR;
            let (status, done) = match week {
                0 => (None, None),
                1 => (Some("approved"), Some(end_ms + HOUR)),
                _ => (Some("completed"), Some(end_ms - HOUR)),
            };
            inspections.push(PlannedInspection {
                start_ms,
                end_ms,
                status: status.map(Into::into),
                completed_at_ms: done,
                ..Default::default()
            });
        }
    }
    Records {
        work_orders,
        inspections: Some(inspections),
        truncated: false,
        time_zone: None,
        sites: Default::default(),
        contract: None,
        // DOMAIN.md's office building: 300 PCs, 100 printers and the server room.
        fleet: Some(kpis::Fleet {
            in_service: 412,
            by_class: [
                ("pc", 300),
                ("printer", 100),
                ("server", 8),
                ("switch", 2),
                ("ups", 2),
            ]
            .into_iter()
            .map(|(c, n)| (c.to_owned(), n))
            .collect(),
            ..Default::default()
        }),
    }
}

#[test]
fn the_summary_shows_phone_resolution_inspections_and_device_fault_time() {
    if let Err(e) = fonts::fonts() {
        eprintln!("SKIPPED: {e}");
        return;
    }
    let period = Period::parse("2026-11").unwrap();
    let (_, end) = period.range_ms();
    let mut r = kpis::report("cust-harbour", &records(period), period, end);
    r.customer_name = Some("Harbour Hospital 港湾医院".into());
    let i = r.current.inspections.as_ref().unwrap();
    // Each month: week 0 missed (no work order), week 1 late, weeks 2 and 3 on time.
    assert_eq!((i.planned, i.done_on_time, i.late, i.missed), (4, 2, 1, 1));
    assert!(r.current.phone_resolutions > 0);
    assert!(r.current.device_faults.fault_hours.is_some());
    let pdf = render(&r, None, None, fieldsync_i18n::Lang::En).unwrap();
    if let Ok(dir) = std::env::var("FIELDSYNC_REPORT_OUT") {
        std::fs::write(std::path::Path::new(&dir).join("summary-more.pdf"), &pdf).unwrap();
    }
    let Some(text) = crate::testing::pdf_text(&pdf) else {
        eprintln!("pdftotext not installed: the text was not checked");
        return;
    };
    for needle in [
        // The customer reads their name (the internal id is the office's, not theirs).
        "Harbour Hospital 港湾医院",
        // The scheme's 故障率考核 table, in English (cells wrap, so short needles).
        "Fault rate assessment, November 2026",
        "Faults this month",
        "Overall fault rate",
        "This quarter",
        "History",
        "Virus",
        "Fault rate (faults ÷ devices)",
        "Resolved by phone (no visit)",
        "Inspections done on time",
        "Inspection plan adherence, November 2026",
        "Device fault time, November 2026",
        "Not downtime",
        "Device downtime, November 2026",
        "Device downtime (recorded)",
        "SW-CORE-01 (switch)",
        "Resolved by phone",
        "Inspections on time",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    assert!(
        !text.contains("cust-harbour"),
        "internal id printed:\n{text}"
    );
}

#[test]
fn without_plans_or_devices_the_summary_says_so() {
    if let Err(e) = fonts::fonts() {
        eprintln!("SKIPPED: {e}");
        return;
    }
    let period = Period::parse("2026-11").unwrap();
    let (_, end) = period.range_ms();
    let records = Records {
        work_orders: crate::report::tests::summary_samples(period),
        ..Default::default()
    };
    let pdf = render(
        &kpis::report("acme", &records, period, end),
        None,
        None,
        fieldsync_i18n::Lang::En,
    )
    .unwrap();
    let Some(text) = crate::testing::pdf_text(&pdf) else {
        eprintln!("pdftotext not installed: the text was not checked");
        return;
    };
    for needle in [
        "This database keeps no inspection plans.",
        "No fault of this period was linked to a device.",
        "No outage was recorded on this period's work orders.",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

/// The customer's spreadsheet reads in their language: figures in words with the code kept,
/// months as the language writes them (Excel would turn a bare 2026-11 into a date), a
/// byte-order mark for Excel on a Chinese Windows, and the same numbers in both languages.
#[test]
fn the_kpi_spreadsheet_is_in_the_customers_language() {
    use fieldsync_i18n::Lang;
    let period = Period::parse("2026-11").unwrap();
    let mut r = kpis::report("acme", &records(period), period, 1_796_000_000_000);
    r.customer_name = Some("=示例科技有限公司".into());
    let zh = String::from_utf8(super::csv::to_csv(&r, Lang::ZhCn).unwrap()).unwrap();
    let en = String::from_utf8(super::csv::to_csv(&r, Lang::En).unwrap()).unwrap();
    assert!(
        zh.starts_with("\u{feff}指标,客户,代码,2026年11月,2026年10月,"),
        "{zh}"
    );
    assert!(zh.lines().next().unwrap().ends_with(",变化"), "{zh}");
    assert!(
        en.starts_with("\u{feff}Figure,Customer,Code,November 2026,"),
        "{en}"
    );
    // A customer name that looks like a formula is defused, not run.
    assert!(zh.contains(",'=示例科技有限公司,"), "{zh}");
    let row = |csv: &str, code: &str| -> Vec<String> {
        csv.lines()
            .map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>())
            .find(|cells| cells.get(2).map(String::as_str) == Some(code))
            .unwrap_or_else(|| panic!("no row {code} in {csv}"))
    };
    let rate = row(&zh, "fault_rate_pct");
    assert_eq!(rate[0], "故障率（故障数 ÷ 设备数）");
    assert_eq!(rate[3..], row(&en, "fault_rate_pct")[3..], "same numbers");
    assert_eq!(row(&zh, "faults_hardware")[0], "硬件故障数");
    assert_eq!(row(&zh, "fault_share_network_pct")[0], "网络故障占比");
    // Every figure has words: no row falls back to its code.
    for line in zh.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_ne!(cells[0], cells[2], "no words for {}", cells[2]);
    }
}

/// The supervisor's notes follow the figures under headings in the customer's language, the
/// texts as written (Chinese in the embedded font); blank notes or none add nothing.
#[test]
fn the_supervisors_notes_follow_the_figures_in_the_customers_language() {
    use fieldsync_i18n::Lang;
    if let Err(e) = fonts::fonts() {
        eprintln!("SKIPPED: {e}");
        return;
    }
    let period = Period::parse("2026-11").unwrap();
    let (_, end) = period.range_ms();
    let r = kpis::report("acme", &records(period), period, end);
    let notes = super::Notes {
        technical_summary: "核心交换机SW-CORE-01本月两次端口故障，已更换光模块。".into(),
        suggestions: "Replace the UPS batteries before winter.\nKeep a spare switch on site."
            .into(),
        plan_evaluation: "每周三巡检按计划完成，一次延期。".into(),
        written_by: "陈静".into(),
        written_at_ms: end + 2 * 24 * HOUR,
    };
    let text_of = |notes: Option<&super::Notes>, lang| {
        crate::testing::pdf_text(&render(&r, notes, None, lang).unwrap())
            .expect("pdftotext (poppler-utils) reads the PDF back")
    };
    let zh = text_of(Some(&notes), Lang::ZhCn);
    for needle in [
        "服务经理总结，2026年11月",
        "撰写：陈静",
        "技术总结",
        "维护管理工作改善建议",
        "巡检计划执行情况评价",
        "核心交换机SW-CORE-01本月两次端口故障，已更换光模块。",
        "Replace the UPS batteries before winter.",
        "Keep a spare switch on site.",
        "每周三巡检按计划完成，一次延期。",
    ] {
        assert!(zh.contains(needle), "{needle:?} missing from:\n{zh}");
    }
    // Device classes in the fault-rate note are words, not the ledger's codes.
    let note = zh.split("故障率 = ").nth(1).unwrap_or_default();
    let note = note.split("各月").next().unwrap_or_default();
    assert!(note.contains("台中"), "per-class rates missing:\n{zh}");
    for code in ["switch", "printer", "ups ", "firewall"] {
        assert!(
            !note.contains(code),
            "{code:?} in the fault-rate note:\n{note}"
        );
    }
    // After the figures.
    let figures = zh.find("巡检计划执行情况，2026年11月").unwrap();
    assert!(zh.find("服务经理总结").unwrap() > figures, "{zh}");
    let en = text_of(Some(&notes), Lang::En);
    for needle in [
        "Service manager's summary, November 2026",
        "Written by 陈静",
        "Technical summary",
        "Suggestions for improving the maintenance",
        "Evaluation of how the inspection plan was carried out",
        "每周三巡检按计划完成，一次延期。",
    ] {
        assert!(en.contains(needle), "{needle:?} missing from:\n{en}");
    }
    // Only what was written gets a heading.
    let partial = super::Notes {
        technical_summary: "  \n".into(),
        plan_evaluation: String::new(),
        ..notes.clone()
    };
    let en = text_of(Some(&partial), Lang::En);
    assert!(en.contains("Keep a spare switch on site."), "{en}");
    assert!(!en.contains("Technical summary"), "{en}");
    assert!(!en.contains("inspection plan was carried out"), "{en}");
    let blank = super::Notes {
        suggestions: " ".into(),
        ..partial
    };
    for notes in [None, Some(&blank)] {
        let en = text_of(notes, Lang::En);
        assert!(!en.contains("Service manager's summary"), "{en}");
        assert!(!en.contains("Written by"), "{en}");
    }
}
