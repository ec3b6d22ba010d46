//! The service desk's records: who called and their number are fields of an incident (not
//! text in its description), found by the work-order list's `q` with the number and title —
//! by a 2-character Chinese name, or by the phone number typed with or without its spaces —
//! and account/password requests have a category of their own. SQLite and PostgreSQL.

use super::sessions::{call, env, token};
use crate::storage::postgres::scratch::also_on_postgres;
use axum::http::StatusCode;
use fieldsync::DeviceId;

#[tokio::test]
async fn a_callers_name_and_number_are_kept_and_found() {
    let env = env().await;
    let disp = token(&env.app, "disp", DeviceId::new()).await;
    let incident = |title: &str, category: &str, name: &str, phone: &str| {
        serde_json::json!({"title": title, "impact": 2, "urgency": 2, "category": category,
            "caller_name": name, "caller_phone": phone})
    };
    let (s, printer) = call(
        &env.app,
        "/v1/work-orders",
        Some(&disp),
        Some(incident(
            "三楼打印机卡纸",
            "hardware",
            " 王芳 ",
            "138 0013 8000",
        )),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{printer}");
    let (s, reset) = call(
        &env.app,
        "/v1/work-orders",
        Some(&disp),
        Some(incident(
            "重置邮箱密码",
            "account",
            "李强",
            "010-6888 1234 转 8021",
        )),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{reset}");
    // A number without digits, or one too long, is refused in words; nothing is created.
    for phone in ["unknown", &"1".repeat(41)] {
        let (s, body) = call(
            &env.app,
            "/v1/work-orders",
            Some(&disp),
            Some(incident("x", "other", "someone", phone)),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("phone"),
            "{body}"
        );
    }

    let find = |q: &str| format!("/v1/work-orders?q={}", urlencode(q));
    let numbers = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["number"].as_str().unwrap().to_owned())
            .collect()
    };
    let printer_no = printer["number"].as_str().unwrap().to_owned();
    let reset_no = reset["number"].as_str().unwrap().to_owned();
    for (q, want) in [
        ("王芳", vec![printer_no.clone()]),
        ("13800138000", vec![printer_no.clone()]),
        ("0013 8000", vec![printer_no.clone()]),
        ("李强 8021", vec![reset_no.clone()]),
        ("密码", vec![reset_no.clone()]),
        (printer_no.as_str(), vec![printer_no.clone()]),
        ("王芳 密码", vec![]),
    ] {
        let (s, rows) = call(&env.app, &find(q), Some(&disp), None).await;
        assert_eq!(s, StatusCode::OK, "{rows}");
        assert_eq!(numbers(&rows), want, "q = {q:?}");
    }
    let (_, rows) = call(&env.app, &find("王芳"), Some(&disp), None).await;
    assert_eq!(rows[0]["caller_name"], "王芳", "trimmed");
    assert_eq!(rows[0]["caller_phone"], "138 0013 8000");
    let (_, rows) = call(&env.app, &find("李强"), Some(&disp), None).await;
    assert_eq!(rows[0]["category"], "account");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

also_on_postgres!(a_callers_name_and_number_are_kept_and_found);
