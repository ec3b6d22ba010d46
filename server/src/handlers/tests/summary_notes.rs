//! The supervisor's notes of a customer's service summary (`/v1/kpis/notes`): written by a
//! supervisor or an administrator, read by the office, kept per customer and period, refused
//! when too long, and printed in the summary PDF. On SQLite and on PostgreSQL.

use super::sessions::{env, token};
use crate::handlers::kpis::NOTE_MAX_CHARS;
use crate::storage::postgres::scratch::also_on_postgres;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use fieldsync::DeviceId;
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, Bytes) {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {token}"));
    if body.is_some() {
        b = b.header("content-type", "application/json");
    }
    let body = body.map_or_else(Body::empty, |v| Body::from(v.to_string()));
    let resp = app.clone().oneshot(b.body(body).unwrap()).await.unwrap();
    let status = resp.status();
    (status, resp.into_body().collect().await.unwrap().to_bytes())
}

fn json(bytes: &Bytes) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{e}: {bytes:?}"))
}

fn texts(technical: &str, suggestions: &str, plan: &str) -> serde_json::Value {
    serde_json::json!({
        "technical_summary": technical,
        "suggestions": suggestions,
        "plan_evaluation": plan,
    })
}

const NOV: &str = "/v1/kpis/notes?customer=acme&month=2026-11";

#[tokio::test]
async fn notes_are_kept_per_customer_and_period_and_written_by_supervisors_only() {
    let env = env().await;
    let sup = token(&env.app, "sup", DeviceId::new()).await;
    let disp = token(&env.app, "disp", DeviceId::new()).await;
    let eng = token(&env.app, "eng", DeviceId::new()).await;
    let admin = token(&env.app, "boss", DeviceId::new()).await;

    // Nothing written yet: empty texts, no writer.
    let (s, b) = send(&env.app, "GET", NOV, &disp, None).await;
    assert_eq!(s, StatusCode::OK, "{b:?}");
    let v = json(&b);
    assert_eq!(
        (&v["customer"], &v["period"]),
        (&"acme".into(), &"2026-11".into())
    );
    assert_eq!(v["technical_summary"], "");
    assert!(
        v["updated_by"].is_null() && v["updated_at_ms"].is_null(),
        "{v}"
    );

    let written = texts(
        "核心交换机更换光模块后运行正常。",
        "Replace the UPS batteries.\n更换UPS电池。",
        "每周三巡检按计划完成。",
    );
    let (s, b) = send(&env.app, "PUT", NOV, &sup, Some(written.clone())).await;
    assert_eq!(s, StatusCode::OK, "{b:?}");
    assert_eq!(json(&b)["updated_by"], "sup");
    // Any office role reads them back as written, with who wrote them.
    for reader in [&disp, &sup, &admin] {
        let (s, b) = send(&env.app, "GET", NOV, reader, None).await;
        assert_eq!(s, StatusCode::OK);
        let v = json(&b);
        for key in ["technical_summary", "suggestions", "plan_evaluation"] {
            assert_eq!(v[key], written[key], "{key}");
        }
        assert_eq!(v["updated_by"], "sup");
        assert!(v["updated_at_ms"].as_i64().unwrap() > 0);
    }
    // Another period and another customer have their own (none yet).
    for other in [
        "/v1/kpis/notes?customer=acme&month=2026-10",
        "/v1/kpis/notes?customer=acme&quarter=2026-Q4",
        "/v1/kpis/notes?customer=globex&month=2026-11",
    ] {
        let (s, b) = send(&env.app, "GET", other, &sup, None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(json(&b)["technical_summary"], "", "{other}");
    }
    // An administrator replaces all three; the quarter is kept apart.
    let (s, _) = send(&env.app, "PUT", NOV, &admin, Some(texts("v2", "", ""))).await;
    assert_eq!(s, StatusCode::OK);
    let q4 = "/v1/kpis/notes?customer=acme&quarter=2026-Q4";
    let (s, _) = send(&env.app, "PUT", q4, &sup, Some(texts("", "", "Q4 plan"))).await;
    assert_eq!(s, StatusCode::OK);
    let v = json(&send(&env.app, "GET", NOV, &sup, None).await.1);
    assert_eq!(
        (&v["technical_summary"], &v["suggestions"], &v["updated_by"]),
        (&"v2".into(), &"".into(), &"boss".into())
    );
    let v = json(&send(&env.app, "GET", q4, &sup, None).await.1);
    assert_eq!(
        (&v["period"], &v["plan_evaluation"]),
        (&"2026-Q4".into(), &"Q4 plan".into())
    );

    // A dispatcher reads but does not write; an engineer does neither.
    let (s, _) = send(&env.app, "PUT", NOV, &disp, Some(texts("x", "", ""))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = send(&env.app, "PUT", NOV, &eng, Some(texts("x", "", ""))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = send(&env.app, "GET", NOV, &eng, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let v = json(&send(&env.app, "GET", NOV, &sup, None).await.1);
    assert_eq!(v["technical_summary"], "v2", "nothing refused was stored");
}

#[tokio::test]
async fn notes_too_long_or_without_a_period_are_refused_with_the_reason() {
    let env = env().await;
    let sup = token(&env.app, "sup", DeviceId::new()).await;
    // The limit is in characters, not bytes: 8,000 Chinese characters are kept.
    let full = "巡".repeat(NOTE_MAX_CHARS);
    let (s, b) = send(&env.app, "PUT", NOV, &sup, Some(texts(&full, "", ""))).await;
    assert_eq!(s, StatusCode::OK, "{b:?}");
    let over = "a".repeat(NOTE_MAX_CHARS + 1);
    let (s, b) = send(&env.app, "PUT", NOV, &sup, Some(texts("", &over, ""))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let message = String::from_utf8_lossy(&b);
    assert!(
        message.contains("suggestions is 8001 characters long; at most 8000"),
        "{message}"
    );
    let (s, b) = send(&env.app, "PUT", NOV, &sup, Some(texts("", "", "a\u{0}b"))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&b).contains("U+0000"), "{b:?}");
    let v = json(&send(&env.app, "GET", NOV, &sup, None).await.1);
    assert_eq!(
        v["technical_summary"], full,
        "the refused writes changed nothing"
    );
    assert_eq!(v["suggestions"], "");

    for (uri, why) in [
        ("/v1/kpis/notes?customer=acme", "give the period"),
        (
            "/v1/kpis/notes?month=2026-11&customer=",
            "customer is required",
        ),
        ("/v1/kpis/notes?customer=acme&month=2026-13", "2026-13"),
        ("/v1/kpis/notes?customer=acme&month=2026-Q4", "not YYYY-MM"),
    ] {
        for method in ["GET", "PUT"] {
            let (s, b) = send(&env.app, method, uri, &sup, Some(texts("", "", ""))).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{method} {uri}");
            let message = String::from_utf8_lossy(&b);
            assert!(message.contains(why), "{method} {uri}: {message}");
        }
    }
    // A body missing a text is refused, not half-stored.
    let (s, b) = send(
        &env.app,
        "PUT",
        NOV,
        &sup,
        Some(serde_json::json!({"technical_summary": "only this"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&b).contains("suggestions"), "{b:?}");
    let v = json(&send(&env.app, "GET", NOV, &sup, None).await.1);
    assert_eq!(v["technical_summary"], full);
}

/// The summary PDF prints what was written for its customer and period, not for others.
#[tokio::test]
async fn the_summary_pdf_prints_the_notes_of_its_period() {
    let env = env().await;
    let sup = token(&env.app, "sup", DeviceId::new()).await;
    if let Err(e) = crate::report::fonts::fonts() {
        eprintln!("SKIPPED: {e}");
        return;
    }
    let written = texts(
        "Core switch optics replaced; stable since.",
        "Budget a spare switch for 2027.",
        "All Wednesday rounds done; one late.",
    );
    let (s, _) = send(&env.app, "PUT", NOV, &sup, Some(written)).await;
    assert_eq!(s, StatusCode::OK);
    let oct = "/v1/kpis/notes?customer=acme&month=2026-10";
    let (s, _) = send(
        &env.app,
        "PUT",
        oct,
        &sup,
        Some(texts("October only", "", "")),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, pdf) = send(
        &env.app,
        "GET",
        "/v1/kpis.pdf?customer=acme&month=2026-11",
        &sup,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{pdf:?}");
    let text = crate::testing::pdf_text(&pdf).expect("pdftotext (poppler-utils) reads the PDF");
    for needle in [
        "Technical summary",
        "Core switch optics replaced; stable since.",
        "Budget a spare switch for 2027.",
        "All Wednesday rounds done; one late.",
        "Written by sup",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    assert!(!text.contains("October only"), "{text}");
    // A period nobody wrote about has no notes section.
    let (s, pdf) = send(
        &env.app,
        "GET",
        "/v1/kpis.pdf?customer=acme&month=2026-09",
        &sup,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let text = crate::testing::pdf_text(&pdf).unwrap();
    assert!(!text.contains("Service manager's summary"), "{text}");
}

also_on_postgres!(
    notes_are_kept_per_customer_and_period_and_written_by_supervisors_only,
    notes_too_long_or_without_a_period_are_refused_with_the_reason,
    the_summary_pdf_prints_the_notes_of_its_period,
);
