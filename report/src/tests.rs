//! Report rendering on a hand-made work order with CJK text, a failed reading, a part without
//! consent, a photo and a signature. Set `FIELDSYNC_REPORT_OUT=/some/dir` to keep the PDF for
//! `pdftoppm`.

use super::*;
use crate::testing::{fill_on_site, new_work_order, sample_png};
use automerge::AutoCommit;
use fieldsync::model;
use std::path::Path;

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

/// A source whose storage fails: the report is refused, not made without its site.
#[test]
fn a_storage_failure_is_an_error_not_a_report_without_its_site() {
    struct Failing;
    impl ReportSource for Failing {
        fn site(&mut self, _: DocId) -> Result<Option<Site>, ReportError> {
            Err(ReportError::Source("disk I/O error".into()))
        }
        fn device(&mut self, _: DocId) -> Result<Option<DeviceRecord>, ReportError> {
            Ok(None)
        }
        fn user_name(&mut self, _: &str) -> Result<Option<String>, ReportError> {
            Ok(None)
        }
        fn blob(&mut self, _: &str) -> Option<Vec<u8>> {
            None
        }
    }
    let mut wo = WorkOrder::default();
    assert!(
        assemble(wo.clone(), &mut Failing, 0).is_ok(),
        "no site linked: nothing to read"
    );
    wo.site_id = Some(DocId::new().to_string());
    let err = assemble(wo, &mut Failing, 0).unwrap_err();
    assert!(err.to_string().contains("disk I/O error"), "{err}");
}

/// The report is in the site's language, whatever the language of whoever makes it.
#[test]
fn the_report_speaks_the_customers_language() {
    struct OneSite(Site);
    impl ReportSource for OneSite {
        fn site(&mut self, _: DocId) -> Result<Option<Site>, ReportError> {
            Ok(Some(self.0.clone()))
        }
        fn device(&mut self, _: DocId) -> Result<Option<DeviceRecord>, ReportError> {
            Ok(None)
        }
        fn user_name(&mut self, _: &str) -> Result<Option<String>, ReportError> {
            Ok(None)
        }
        fn blob(&mut self, _: &str) -> Option<Vec<u8>> {
            None
        }
    }
    let site = Site {
        name: "金融大厦".into(),
        customer_name: "华信金融".into(),
        time_zone: Some("Asia/Shanghai".into()),
        language: Some("zh-CN".into()),
        ..Default::default()
    };
    let t = 1_763_452_800_000; // 2025-11-18 08:00 UTC, 16:00 in Shanghai
    let id = DocId::new();
    let mut doc = AutoCommit::new();
    let new = new_work_order("打印机卡纸", "eng-1");
    model::create_work_order(&mut doc, id, &new, "disp", t).unwrap();
    fill_on_site(&mut doc, "eng-1", t, None, None);
    let mut wo = WorkOrder::from_doc(&doc).unwrap();
    wo.site_id = Some(DocId::new().to_string());
    let data = {
        let _en = fieldsync_i18n::ThreadLang::set(Lang::En);
        assemble(wo.clone(), &mut OneSite(site.clone()), t).unwrap()
    };
    assert_eq!(
        data.lang,
        Lang::ZhCn,
        "the site's language, not the maker's"
    );
    let mut no_language = site;
    no_language.language = None;
    let _zh = fieldsync_i18n::ThreadLang::set(Lang::ZhCn);
    let fallback = assemble(wo, &mut OneSite(no_language), t).unwrap();
    assert_eq!(
        fallback.lang,
        Lang::ZhCn,
        "no language on the site: the maker's"
    );

    if fonts::fonts().is_err() {
        return;
    }
    let pdf = render(&data).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.pdf");
    std::fs::write(&file, &pdf).unwrap();
    if let Ok(dir) = std::env::var("FIELDSYNC_REPORT_OUT") {
        std::fs::write(Path::new(&dir).join("report-zh.pdf"), &pdf).unwrap();
    }
    if let Ok(out) = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        for needle in [
            "服务报告",
            "客户签字确认",
            "超出范围",
            "北京时间",
            "华信金融",
            "2025年11月18日",
        ] {
            assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
        }
        for english in [
            "Service report",
            "Customer sign-off",
            "out of range",
            "Awaiting",
            "Page ",
        ] {
            assert!(
                !text.contains(english),
                "{english:?} in a Chinese report:\n{text}"
            );
        }
    }
}
