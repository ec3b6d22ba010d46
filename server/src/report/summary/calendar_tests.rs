//! The summary PDF's service calendar section: the contract's hours in words, the period's
//! holidays and make-up working days with weekday and name, in the customer's language
//! (text read back with poppler's `pdftotext` when it is installed).

use super::render;
use crate::kpis::{self, Period, Records};
use crate::report::fonts;
use fieldsync::sla::Contract;
use fieldsync_i18n::Lang;

/// The text of the summary of `month` for a customer with `contract`.
fn text(month: &str, contract: Option<Contract>, lang: Lang) -> Option<String> {
    let period = Period::parse(month).unwrap();
    let (_, end) = period.range_ms();
    let records = Records {
        work_orders: crate::report::tests::summary_samples(period),
        time_zone: Some(chrono_tz::Asia::Shanghai),
        contract,
        ..Default::default()
    };
    let pdf = render(
        &kpis::report("cust-northwind", &records, period, end),
        None,
        None,
        lang,
    )
    .unwrap();
    crate::testing::pdf_text(&pdf)
}

fn northwind() -> Contract {
    let mut c = Contract::demo("cust-northwind", "Asia/Shanghai");
    c.calendar = c.calendar.with_prc_holidays();
    c
}

fn assert_contains(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
fn october_shows_national_day_and_the_make_up_working_day() {
    if let Err(e) = fonts::fonts() {
        eprintln!("SKIPPED: {e}");
        return;
    }
    let Some(zh) = text("2026-10", Some(northwind()), Lang::ZhCn) else {
        eprintln!("pdftotext not installed: the text was not checked");
        return;
    };
    assert_contains(
        &zh,
        &[
            "服务日历，2026年10月",
            "现场服务",
            "周一至周五 09:00–17:00（5×8）",
            "电话支持",
            "7×24小时，节假日照常",
            "2026年10月1日 周四",
            "2026年10月7日 周三",
            "国庆节",
            "2026年10月10日 周六",
            "调休工作日",
            "Asia/Shanghai",
        ],
    );
    assert!(!zh.contains("本期无"), "{zh}");
    let en = text("2026-10", Some(northwind()), Lang::En).unwrap();
    assert_contains(
        &en,
        &[
            "Service calendar, October 2026",
            "Mon–Fri 09:00–17:00 (5×8)",
            "7×24, holidays included",
            "Thu 1 Oct 2026",
            "National Day",
            "Sat 10 Oct 2026",
            "Make-up working day",
        ],
    );
    assert!(!en.contains("国庆节"), "{en}");
}

#[test]
fn december_says_none_and_without_a_contract_no_calendar_applies() {
    if let Err(e) = fonts::fonts() {
        eprintln!("SKIPPED: {e}");
        return;
    }
    let Some(zh) = text("2026-12", Some(northwind()), Lang::ZhCn) else {
        eprintln!("pdftotext not installed: the text was not checked");
        return;
    };
    assert_contains(
        &zh,
        &["服务日历，2026年12月", "法定节假日和调休工作日：本期无。"],
    );
    assert!(!zh.contains("国庆节"), "{zh}");
    let en = text("2026-12", Some(northwind()), Lang::En).unwrap();
    assert_contains(
        &en,
        &["Service calendar, December 2026", "none in this period"],
    );
    let none = text("2026-12", None, Lang::En).unwrap();
    assert_contains(
        &none,
        &[
            "Service calendar, December 2026",
            "no contract calendar applies",
        ],
    );
    assert!(!none.contains("On-site service"), "{none}");
    // A year whose dates nobody entered is not passed off as having no holidays.
    let jan = text("2027-01", Some(northwind()), Lang::ZhCn).unwrap();
    assert_contains(&jan, &["合同日历尚未录入2027年的节假日。"]);
}
