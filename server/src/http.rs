//! The router: every route, the request-metrics middleware, tracing and body limits.

use crate::handlers;
use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};
use tower_http::trace::TraceLayer;

/// JSON bodies are small; sync and blob routes set their own limits.
const JSON_BODY_LIMIT: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let sync_limit = state.config.max_sync_body_bytes;
    let blob_limit = state.config.max_blob_bytes;
    Router::new()
        .route("/healthz", get(handlers::health::healthz))
        .route("/metrics", get(handlers::health::metrics))
        .route("/v1/auth/login", post(handlers::auth::login))
        .route("/v1/auth/refresh", post(handlers::refresh::refresh))
        .route("/v1/logout", post(handlers::auth::logout))
        .route("/v1/devices/actors", post(handlers::auth::add_actors))
        .route("/v1/devices/numbers", post(handlers::numbers::lease))
        .route(
            "/v1/sync",
            post(handlers::sync::sync).layer(DefaultBodyLimit::max(sync_limit)),
        )
        .route(
            "/v1/work-orders",
            get(handlers::work_orders::list).post(handlers::work_orders::create_incident),
        )
        .route(
            "/v1/work-orders/{id}/assign",
            post(handlers::work_orders::assign),
        )
        .route(
            "/v1/work-orders/{id}/unassign",
            post(handlers::work_orders::unassign),
        )
        .route(
            "/v1/work-orders/{id}/reschedule",
            post(handlers::dispatch::reschedule),
        )
        .route(
            "/v1/work-orders/{id}/suggestions",
            get(handlers::dispatch::suggestions),
        )
        .route(
            "/v1/work-orders/{id}/sla",
            get(handlers::dispatch::work_order_sla),
        )
        .route("/v1/contracts", get(handlers::dispatch::list_contracts))
        .route(
            "/v1/contracts/{customer_id}",
            get(handlers::dispatch::get_contract).put(handlers::dispatch::put_contract),
        )
        .route("/v1/people", get(handlers::people::list))
        .route("/v1/engineers", get(handlers::dispatch::list_profiles))
        .route(
            "/v1/engineers/{user}/profile",
            put(handlers::dispatch::put_profile),
        )
        .route("/v1/notifications", get(handlers::dispatch::notifications))
        .route("/v1/sla/sweep", post(handlers::dispatch::sweep))
        .route(
            "/v1/dispatch/events",
            get(handlers::events::dispatch_events),
        )
        .route(
            "/v1/plans",
            get(handlers::plans::list).post(handlers::plans::create),
        )
        .route("/v1/plans/preview", post(handlers::plans::preview_draft))
        .route("/v1/plans/generate", post(handlers::plans::run_generator))
        .route(
            "/v1/plans/{id}",
            get(handlers::plans::get)
                .put(handlers::plans::update)
                .delete(handlers::plans::delete),
        )
        .route("/v1/plans/{id}/preview", get(handlers::plans::preview))
        .route(
            "/v1/plans/{id}/adherence",
            get(handlers::plans::adherence_of),
        )
        .route("/v1/reviews", get(handlers::review::queue))
        .route(
            "/v1/work-orders/{id}/review",
            post(handlers::review::decide),
        )
        .route(
            "/v1/work-orders/{id}/report.pdf",
            get(handlers::review::report_pdf),
        )
        .route(
            "/v1/work-orders/{id}/feedback",
            get(handlers::feedback::get),
        )
        .route(
            "/v1/work-orders/{id}/complaints",
            post(handlers::feedback::add_complaint),
        )
        .route(
            "/v1/work-orders/{id}/complaints/{complaint_id}/close",
            post(handlers::feedback::close_complaint),
        )
        .route(
            "/v1/work-orders/{id}/satisfaction",
            post(handlers::feedback::add_score),
        )
        .route("/v1/kpis", get(handlers::kpis::json))
        .route("/v1/kpis.csv", get(handlers::kpis::csv))
        .route("/v1/kpis.pdf", get(handlers::kpis::pdf))
        .route("/v1/kpis/tasks", get(handlers::tasks_table::tasks_json))
        .route("/v1/kpis/tasks.csv", get(handlers::tasks_table::tasks_csv))
        .route("/v1/kpis/tasks.pdf", get(handlers::tasks_table::tasks_pdf))
        .route(
            "/v1/kpis/notes",
            get(handlers::kpis::get_notes).put(handlers::kpis::put_notes),
        )
        .route(
            "/v1/problems",
            get(handlers::problems::list).post(handlers::problems::create),
        )
        .route(
            "/v1/problems/candidates",
            get(handlers::problems::recurring),
        )
        .route(
            "/v1/problems/{id}",
            get(handlers::problems::get).put(handlers::problems::update),
        )
        .route(
            "/v1/problems/{id}/publish",
            post(handlers::problems::publish_known_error),
        )
        .route("/v1/devices", get(handlers::devices::list_records))
        .route(
            "/v1/registered-devices",
            get(handlers::devices::list_registered),
        )
        .route(
            "/v1/registered-devices/{id}/revoke",
            post(handlers::devices::revoke),
        )
        .route(
            "/v1/registered-devices/{id}/restore",
            post(handlers::devices::restore),
        )
        .route("/v1/sites", get(handlers::devices::list_sites))
        .route("/v1/docs/{id}/history", get(handlers::docs::history))
        .route("/v1/docs/{id}/at", get(handlers::docs::at))
        .route("/v1/docs/{id}/conflicts", get(handlers::docs::conflicts))
        .route(
            "/v1/blobs/{sha256}",
            put(handlers::blobs::put_blob)
                .get(handlers::blobs::get_blob)
                .head(handlers::blobs::head_blob)
                .patch(handlers::blobs::patch_blob)
                .layer(DefaultBodyLimit::max(blob_limit)),
        )
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn count_requests(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let resp = next.run(req).await;
    state
        .metrics
        .request(&method, &route, resp.status().as_u16());
    resp
}
