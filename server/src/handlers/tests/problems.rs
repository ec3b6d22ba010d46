//! Problem records over HTTP: the office creates, edits, links incidents and publishes the
//! known error to the knowledge base (an article document the engineers' devices receive),
//! engineers read but cannot write (forged requests refused), bad input is a 400 that names
//! what was wrong with nothing stored, and a stale edit is a 409. SQLite and PostgreSQL.

use super::sessions::{env, token};
use crate::storage::postgres::scratch::also_on_postgres;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use fieldsync::DeviceId;
use fieldsync::problem::{MAX_INCIDENTS, TEXT_MAX_CHARS};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
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
    let bytes: Bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, v)
}

/// An incident at `site` on `device` as the service desk logs it; answers (id, number).
async fn incident(
    app: &Router,
    disp: &str,
    title: &str,
    site: &str,
    device: &str,
) -> (String, String) {
    let body = json!({"title": title, "impact": 2, "urgency": 2, "category": "hardware",
        "site_id": site, "device_ids": [device]});
    let (s, v) = send(app, "POST", "/v1/work-orders", disp, Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    (
        v["doc_id"]
            .as_str()
            .or(v["id"].as_str())
            .unwrap()
            .to_owned(),
        v["number"].as_str().unwrap().to_owned(),
    )
}

/// A site and a printer there, written as the server writes documents; answers their ids.
fn site_and_printer(env: &super::sessions::Env) -> (String, String) {
    use fieldsync::model::{self, DeviceRecord, Site};
    use fieldsync::{DocId, DocKind};
    let (site, printer) = (DocId::new(), DocId::new());
    let hub = &env.state.hub;
    let s = Site {
        name: "北塔".into(),
        customer_id: "acme".into(),
        ..Default::default()
    };
    hub.create_doc(site, DocKind::Site, None, 1, |d| {
        model::site::create_site(d, site, &s, 1)
    })
    .unwrap();
    let rec = DeviceRecord {
        asset_tag: "PRN-0301".into(),
        device_type: "printer".into(),
        site_id: Some(site.to_string()),
        ..Default::default()
    };
    hub.create_doc(printer, DocKind::Device, None, 1, |d| {
        model::device::create_device(d, printer, &rec, 1)
    })
    .unwrap();
    (site.to_string(), printer.to_string())
}

/// An inspection work order (not an incident), written as a plan would.
fn inspection(env: &super::sessions::Env) -> String {
    use fieldsync::model::{self, NewWorkOrder};
    use fieldsync::{DocId, DocKind};
    let id = DocId::new();
    let new = NewWorkOrder {
        kind: "inspection".into(),
        title: "巡检".into(),
        ..Default::default()
    };
    env.state
        .hub
        .create_doc(id, DocKind::WorkOrder, None, 1, |d| {
            model::create_work_order(d, id, &new, "server", 1)
        })
        .unwrap();
    id.to_string()
}

fn problem(title: &str, incidents: &[&str]) -> Value {
    json!({
        "status": "open",
        "title": title,
        "description": "三楼财务部打印机本月反复卡纸",
        "root_cause": "",
        "known_error": "",
        "workaround": "",
        "category": "hardware",
        "device_type": "printer",
        "incidents": incidents,
    })
}

fn message(v: &Value) -> String {
    v["message"]
        .as_str()
        .map_or_else(|| v.to_string(), str::to_owned)
}

/// The document `id` as it is now, through the office's history endpoint.
async fn document(app: &Router, token: &str, id: &str) -> Value {
    let (s, first) = send(app, "GET", &format!("/v1/docs/{id}/at?upto=1"), token, None).await;
    assert_eq!(s, StatusCode::OK, "{first}");
    let total = first["total"].as_u64().unwrap();
    let (s, now) = send(
        app,
        "GET",
        &format!("/v1/docs/{id}/at?upto={total}"),
        token,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{now}");
    now["doc"].clone()
}

#[tokio::test]
async fn the_office_links_incidents_and_publishes_the_known_error_to_the_knowledge_base() {
    let env = env().await;
    let disp = token(&env.app, "disp", DeviceId::new()).await;
    let sup = token(&env.app, "sup", DeviceId::new()).await;
    let eng = token(&env.app, "eng", DeviceId::new()).await;
    let (site, printer) = site_and_printer(&env);
    let (a, a_no) = incident(&env.app, &disp, "打印机卡纸", &site, &printer).await;
    let (b, _) = incident(&env.app, &disp, "打印机又卡纸", &site, &printer).await;

    // Linked by number and by id (and once only, however often named).
    let (s, p) = send(
        &env.app,
        "POST",
        "/v1/problems",
        &disp,
        Some(problem("3楼打印机反复卡纸", &[&a_no, &b, &a])),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let id = p["id"].as_str().unwrap().to_owned();
    let linked: Vec<&str> = p["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["doc_id"].as_str().unwrap())
        .collect();
    assert_eq!(linked, [a.as_str(), b.as_str()]);
    assert_eq!(p["incidents"][0]["number"], a_no);
    assert_eq!(
        (p["status"].as_str(), p["revision"].as_i64()),
        (Some("open"), Some(1))
    );
    assert_eq!(p["created_by"], "disp");

    // Publishing without a known error and workaround is refused in words.
    let uri = format!("/v1/problems/{id}/publish");
    let (s, v) = send(&env.app, "POST", &uri, &sup, Some(json!({"revision": 1}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        message(&v).contains("known error and its workaround"),
        "{v}"
    );

    // The supervisor writes the diagnosis, then publishes.
    let mut edit = problem("3楼打印机反复卡纸", &[&a, &b]);
    edit["root_cause"] = json!("搓纸轮磨损");
    edit["known_error"] = json!("HP M404 搓纸轮磨损后每天卡纸");
    edit["workaround"] = json!("手动送纸，每次只放 20 张");
    edit["revision"] = json!(1);
    let (s, p) = send(
        &env.app,
        "PUT",
        &format!("/v1/problems/{id}"),
        &sup,
        Some(edit.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(
        (p["revision"].as_i64(), p["updated_by"].as_str()),
        (Some(2), Some("sup"))
    );
    let (s, p) = send(&env.app, "POST", &uri, &sup, Some(json!({"revision": 2}))).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(
        p["status"], "known_error",
        "publishing makes the error known"
    );
    let article = p["article_id"].as_str().unwrap().to_owned();
    assert!(p["published_at_ms"].as_i64().unwrap() > 0);

    // The article is a knowledge document the engineer can read, naming both incidents.
    let doc = document(&env.app, &eng, &article).await;
    assert_eq!(doc["doc_type"], "knowledge");
    assert_eq!(doc["title"], "3楼打印机反复卡纸");
    assert_eq!(doc["symptoms"], "HP M404 搓纸轮磨损后每天卡纸");
    assert_eq!(doc["solution"], "手动送纸，每次只放 20 张");
    assert_eq!(doc["problem_id"], id.as_str());
    assert_eq!(
        doc["work_orders"],
        json!({ a.as_str(): true, b.as_str(): true })
    );

    // Editing a published problem updates the same article: unlink one incident, new text.
    edit["incidents"] = json!([b]);
    edit["workaround"] = json!("更换搓纸轮");
    edit["status"] = json!("known_error");
    edit["revision"] = json!(3);
    let (s, p) = send(
        &env.app,
        "PUT",
        &format!("/v1/problems/{id}"),
        &disp,
        Some(edit.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["article_id"], article.as_str(), "one article per problem");
    let doc = document(&env.app, &eng, &article).await;
    assert_eq!(doc["solution"], "更换搓纸轮");
    assert_eq!(doc["work_orders"], json!({ b.as_str(): true }));
    // Emptying a published workaround is refused; the article keeps its text.
    edit["workaround"] = json!("  ");
    edit["status"] = json!("resolved");
    edit["revision"] = json!(4);
    let (s, v) = send(
        &env.app,
        "PUT",
        &format!("/v1/problems/{id}"),
        &disp,
        Some(edit),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(
        document(&env.app, &eng, &article).await["solution"],
        "更换搓纸轮"
    );

    // Everyone signed in reads problems, the engineer too.
    for t in [&eng, &disp, &sup] {
        let (s, list) = send(&env.app, "GET", "/v1/problems", t, None).await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert_eq!(list.as_array().unwrap().len(), 1);
        let (s, one) = send(&env.app, "GET", &format!("/v1/problems/{id}"), t, None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(one["workaround"], "更换搓纸轮");
    }
}

#[tokio::test]
async fn engineers_read_but_a_forged_write_is_refused_and_nothing_changes() {
    let env = env().await;
    let disp = token(&env.app, "disp", DeviceId::new()).await;
    let eng = token(&env.app, "eng", DeviceId::new()).await;
    let (s, p) = send(
        &env.app,
        "POST",
        "/v1/problems",
        &disp,
        Some(problem("核心交换机端口抖动", &[])),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let id = p["id"].as_str().unwrap().to_owned();
    let mut forged = problem("被工程师改了", &[]);
    forged["revision"] = json!(1);
    forged["known_error"] = json!("x");
    forged["workaround"] = json!("y");
    for (method, uri, body) in [
        ("POST", "/v1/problems".to_owned(), forged.clone()),
        ("PUT", format!("/v1/problems/{id}"), forged.clone()),
        (
            "POST",
            format!("/v1/problems/{id}/publish"),
            json!({"revision": 1}),
        ),
    ] {
        let (s, v) = send(&env.app, method, &uri, &eng, Some(body)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{method} {uri}: {v}");
    }
    let (s, v) = send(&env.app, "GET", "/v1/problems/candidates", &eng, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (_, list) = send(&env.app, "GET", "/v1/problems", &eng, None).await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "the forged create stored nothing"
    );
    assert_eq!(list[0]["title"], "核心交换机端口抖动");
    assert_eq!(list[0]["revision"], 1);
    assert!(list[0]["article_id"].is_null());
    // Without a token, nothing at all.
    let (s, _) = send(&env.app, "GET", "/v1/problems", "forged-token", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_input_is_a_400_that_names_it_and_a_stale_edit_a_409() {
    let env = env().await;
    let disp = token(&env.app, "disp", DeviceId::new()).await;
    let sup = token(&env.app, "sup", DeviceId::new()).await;
    let (s, p) = send(
        &env.app,
        "POST",
        "/v1/problems",
        &disp,
        Some(problem("UPS 告警", &[])),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let id = p["id"].as_str().unwrap().to_owned();
    let put = format!("/v1/problems/{id}");

    let mut cases: Vec<(Value, &str)> = Vec::new();
    let with = |key: &str, value: Value| {
        let mut b = problem("UPS 告警", &[]);
        b[key] = value;
        b["revision"] = json!(1);
        b
    };
    cases.push((
        with("incidents", json!([fieldsync::DocId::new().to_string()])),
        "no incident",
    ));
    cases.push((with("incidents", json!(["WO-2026-99999"])), "no work order"));
    cases.push((
        with("incidents", json!(["'; DROP TABLE problems; --"])),
        "no work order",
    ));
    cases.push((
        with("incidents", json!(["x".repeat(100)])),
        "neither a work order id nor a number",
    ));
    cases.push((
        with("incidents", json!(vec!["WO-2026-00001"; MAX_INCIDENTS + 1])),
        "at most 200",
    ));
    cases.push((
        with("description", json!("巡".repeat(TEXT_MAX_CHARS + 1))),
        "description is 8001 characters",
    ));
    cases.push((
        with("title", json!("a".repeat(201))),
        "title is 201 characters",
    ));
    cases.push((with("title", json!("  ")), "title is required"));
    cases.push((with("title", json!("a\u{7}b")), "U+0007"));
    cases.push((with("category", json!("printer")), "category \"printer\""));
    cases.push((
        with("device_type", json!("toaster")),
        "device_type \"toaster\"",
    ));
    cases.push((with("status", json!("solved")), "unknown variant"));
    cases.push((
        with("status", json!("known_error")),
        "needs its known_error",
    ));
    cases.push((with("surprise", json!(1)), "unknown field `surprise`"));
    cases.push((json!({"title": "only a title"}), "missing field"));
    for (body, why) in cases {
        for (method, uri) in [("POST", "/v1/problems"), ("PUT", put.as_str())] {
            let (s, v) = send(&env.app, method, uri, &sup, Some(body.clone())).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{method} {why}: {v}");
            assert!(message(&v).contains(why), "{method}: {why:?} not in {v}");
        }
    }
    // A work order that is not an incident cannot be linked.
    let patrol = inspection(&env);
    let (s, v) = send(
        &env.app,
        "PUT",
        &put,
        &sup,
        Some(with("incidents", json!([patrol]))),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        message(&v).contains("inspection work order, not an incident"),
        "{v}"
    );
    // Bad ids and unknown problems.
    let (s, _) = send(&env.app, "GET", "/v1/problems/not-a-uuid", &sup, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let unknown = format!("/v1/problems/{}", fieldsync::DocId::new());
    let (s, _) = send(
        &env.app,
        "PUT",
        &unknown,
        &sup,
        Some(with("title", json!("x"))),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = send(&env.app, "GET", "/v1/problems/candidates?min=1", &sup, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, _) = send(
        &env.app,
        "GET",
        "/v1/problems/candidates?days=9999",
        &sup,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = send(
        &env.app,
        "GET",
        "/v1/problems/candidates?limit=3",
        &sup,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Nothing refused was stored.
    let (_, now) = send(&env.app, "GET", &put, &sup, None).await;
    assert_eq!(
        (now["revision"].as_i64(), now["title"].as_str()),
        (Some(1), Some("UPS 告警"))
    );

    // Two people edit revision 1: the second is told to reload, not silently overwritten.
    let (s, _) = send(
        &env.app,
        "PUT",
        &put,
        &sup,
        Some(with("root_cause", json!("电池老化"))),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = send(
        &env.app,
        "PUT",
        &put,
        &disp,
        Some(with("root_cause", json!("风扇"))),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(message(&v).contains("reload"), "{v}");
    let (_, now) = send(&env.app, "GET", &put, &sup, None).await;
    assert_eq!(now["root_cause"], "电池老化");
    // A closed problem only reopens.
    let mut closing = with("status", json!("closed"));
    closing["revision"] = json!(2);
    let (s, v) = send(&env.app, "PUT", &put, &sup, Some(closing.clone())).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    closing["status"] = json!("resolved");
    closing["revision"] = json!(3);
    let (s, v) = send(&env.app, "PUT", &put, &sup, Some(closing)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(message(&v).contains("closed cannot become resolved"), "{v}");
}

#[tokio::test]
async fn recurring_incidents_are_offered_by_device_and_by_site_and_category() {
    let env = env().await;
    let disp = token(&env.app, "disp", DeviceId::new()).await;
    let (site, printer) = site_and_printer(&env);
    let (other_site, pc) = site_and_printer(&env);
    let mut on_printer = Vec::new();
    for t in ["卡纸 1", "卡纸 2", "卡纸 3"] {
        on_printer.push(incident(&env.app, &disp, t, &site, &printer).await.0);
    }
    incident(&env.app, &disp, "电脑蓝屏", &other_site, &pc).await;
    let (s, v) = send(
        &env.app,
        "GET",
        "/v1/problems/candidates?min=3&days=30",
        &disp,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let groups = v.as_array().unwrap();
    assert_eq!(groups.len(), 2, "{v}");
    let by: Vec<&str> = groups
        .iter()
        .map(|g| g["key"]["by"].as_str().unwrap())
        .collect();
    assert!(
        by.contains(&"device") && by.contains(&"site_category"),
        "{v}"
    );
    let labels: Vec<&str> = groups
        .iter()
        .map(|g| g["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"PRN-0301") && labels.contains(&"北塔"),
        "named, not ids: {v}"
    );
    for g in groups {
        let ids: Vec<&str> = g["incidents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["doc_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, on_printer, "oldest first: {g}");
    }
    // Four on the printer are needed at min=4: none.
    let (_, v) = send(
        &env.app,
        "GET",
        "/v1/problems/candidates?min=4",
        &disp,
        None,
    )
    .await;
    assert_eq!(v, json!([]));
}

also_on_postgres!(
    the_office_links_incidents_and_publishes_the_known_error_to_the_knowledge_base,
    engineers_read_but_a_forged_write_is_refused_and_nothing_changes,
    bad_input_is_a_400_that_names_it_and_a_stale_edit_a_409,
    recurring_incidents_are_offered_by_device_and_by_site_and_category,
);
