//! The monthly summary rendered from six months of hand-made work.

use super::*;
use fieldsync_i18n::Lang;

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
    let pdf = summary::render(&r, None, None, Lang::En).unwrap();
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
    let pdf = summary::render(&rq, None, None, Lang::En).unwrap();
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
    assert_eq!(summary::period_title("2026-11", Lang::En), "November 2026");
    assert_eq!(
        summary::period_title("2026-Q1", Lang::En),
        "Q1 2026 (January–March)"
    );
    assert_eq!(summary::period_title("junk", Lang::En), "junk");
    assert_eq!(summary::period_title("2026-11", Lang::ZhCn), "2026年11月");
    assert_eq!(
        summary::period_title("2026-Q1", Lang::ZhCn),
        "2026年第1季度（1月–3月）"
    );
}

/// A Chinese customer's summary is Chinese throughout: headings, figures, tables, notes,
/// the fault-rate table, page numbers, no internal customer id and no pointer to our docs.
#[test]
fn the_summary_in_chinese() {
    if fonts::fonts().is_err() {
        return;
    }
    let period = crate::kpis::Period::parse("2026-11").unwrap();
    let (_, end) = period.range_ms();
    let records = crate::kpis::Records {
        work_orders: summary_samples(period),
        ..Default::default()
    };
    let mut r = crate::kpis::report("cust-harbour", &records, period, end);
    r.customer_name = Some("海港医院".into());
    let pdf = summary::render(&r, None, None, Lang::ZhCn).unwrap();
    if let Ok(dir) = std::env::var("FIELDSYNC_REPORT_OUT") {
        std::fs::write(Path::new(&dir).join("summary-zh.pdf"), &pdf).unwrap();
    }
    let Some(text) = crate::testing::pdf_text(&pdf) else {
        return;
    };
    for needle in [
        "维护服务总结报告",
        "2026年11月",
        "关键指标",
        "首次修复率",
        "故障率考核",
        "工程师工作量",
        "第 1 页",
        "海港医院",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    for english in [
        "Service summary",
        "Key figures",
        "Customer",
        "Page ",
        "docs/kpis.md",
        "cust-harbour",
    ] {
        assert!(
            !text.contains(english),
            "{english:?} in a Chinese summary:\n{text}"
        );
    }
}
