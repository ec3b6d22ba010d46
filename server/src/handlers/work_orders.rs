//! Work orders: the dispatch board list, creating an incident (impact × urgency → priority),
//! assigning and unassigning engineers. Writes are server-side Automerge changes.

use super::{parse_doc_id, require_role};
use crate::error::{AppError, AppResult};
use crate::handlers::extract::Auth;
use crate::state::AppState;
use crate::storage::{UserRecord, WorkOrderFilter, WorkOrderRow};
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::Datelike;
use fieldsync::model::{self, CATEGORIES, NewWorkOrder};
use fieldsync::{DocId, DocKind, Role};
use serde::{Deserialize, Serialize};
use tracing::instrument;

const DISPATCH: [Role; 2] = [Role::Dispatcher, Role::Admin];

/// Find a user by username or id.
pub(crate) async fn resolve_user(state: &AppState, who: &str) -> AppResult<UserRecord> {
    let who = who.to_owned();
    state
        .db
        .call(move |s| match who.parse::<fieldsync::UserId>() {
            Ok(id) => s.user_by_id(id),
            Err(_) => s.user_by_name(&who),
        })
        .await?
        .ok_or_else(|| AppError::NotFound("no such user".into()))
}

#[instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<WorkOrderFilter>, QueryRejection>,
) -> AppResult<Json<Vec<WorkOrderItem>>> {
    let Query(mut f) = query?;
    if let Some(a) = f.assignee.take() {
        f.assignee = Some(resolve_user(&state, &a).await?.id.to_string());
    }
    if session.user.role == Role::Engineer {
        f.assignee = Some(session.user.id.to_string());
    }
    let now = crate::now_ms();
    let hub = state.hub.clone();
    let items = tokio::task::spawn_blocking(move || {
        let s = hub.db().blocking();
        let rows = s.list_work_orders(&f)?;
        // SLA clocks need contracts; a backend without them lists without clocks.
        let mut reports = match s.scheduling() {
            Some(_) => {
                let contracts = crate::sla::all_contracts(s)?;
                crate::sla::reports_for(s, &rows, &contracts, now)?
            }
            None => Default::default(),
        };
        Ok::<_, crate::hub::HubError>(
            rows.into_iter()
                .map(|row| WorkOrderItem {
                    sla: reports.remove(&row.doc_id),
                    row,
                })
                .collect::<Vec<_>>(),
        )
    })
    .await??;
    Ok(Json(items))
}

/// A row of the work-order list with its SLA clocks (incidents of customers with a
/// contract): `sla.response`/`sla.resolution` carry state, due time and business time left.
#[derive(Debug, Serialize)]
pub struct WorkOrderItem {
    #[serde(flatten)]
    pub row: WorkOrderRow,
    pub sla: Option<fieldsync::sla::SlaReport>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewIncident {
    /// `incident` (the default) or `change`.
    #[serde(default = "incident_kind")]
    pub kind: String,
    /// A change's class: `standard`, `emergency` or `major` (required for a change).
    pub change_class: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    #[serde(default)]
    pub device_ids: Vec<String>,
    pub category: Option<String>,
    /// 1 (high) … 3 (low).
    pub impact: i64,
    /// 1 (high) … 3 (low).
    pub urgency: i64,
    /// Usernames or user ids of engineers to assign at once.
    #[serde(default)]
    pub assignees: Vec<String>,
    pub scheduled_start_ms: Option<i64>,
    pub scheduled_end_ms: Option<i64>,
    /// Who called and their number (fields of their own, searchable; not in the text).
    #[serde(default)]
    pub caller_name: String,
    #[serde(default)]
    pub caller_phone: String,
}

fn incident_kind() -> String {
    "incident".into()
}

/// The kinds the office opens by this call (inspections come from plans), and a change's
/// class read as the model reads it.
fn kind_and_class(n: &NewIncident) -> AppResult<Option<model::ChangeClass>> {
    if !["incident", model::change::CHANGE_KIND].contains(&n.kind.as_str()) {
        return Err(AppError::BadRequest(
            "kind must be \"incident\" or \"change\"".into(),
        ));
    }
    let class = n.change_class.as_deref().map(model::ChangeClass::from_name);
    model::change::check_new(&n.kind, class.as_ref()).map_err(AppError::Refused)?;
    Ok(class)
}

#[derive(Debug, Serialize)]
pub struct Created {
    pub doc_id: DocId,
    pub number: String,
    pub priority: &'static str,
    /// From the customer's contract, if it has one.
    pub response_due_ms: Option<i64>,
    pub resolution_due_ms: Option<i64>,
}

#[instrument(skip_all)]
pub async fn create_incident(
    State(state): State<AppState>,
    Auth(session): Auth,
    payload: Result<Json<NewIncident>, JsonRejection>,
) -> AppResult<(StatusCode, Json<Created>)> {
    require_role(session.user.role, &DISPATCH, "create incidents")?;
    let Json(n) = payload?;
    if n.title.trim().is_empty() {
        return Err(AppError::BadRequest("title is required".into()));
    }
    let change_class = kind_and_class(&n)?;
    if !(1..=3).contains(&n.impact) || !(1..=3).contains(&n.urgency) {
        return Err(AppError::BadRequest(
            "impact and urgency are 1 (high) … 3 (low)".into(),
        ));
    }
    if let Some(c) = &n.category
        && !CATEGORIES.contains(&c.as_str())
    {
        return Err(AppError::BadRequest(format!(
            "category must be one of {CATEGORIES:?}"
        )));
    }
    if let (Some(start), Some(end)) = (n.scheduled_start_ms, n.scheduled_end_ms) {
        crate::dispatch::check_window(start, end).map_err(AppError::BadRequest)?;
    } else if n.scheduled_start_ms.is_some() || n.scheduled_end_ms.is_some() {
        return Err(AppError::BadRequest(
            "scheduled_start_ms and scheduled_end_ms go together".into(),
        ));
    }
    let caller = model::Caller::new(&n.caller_name, &n.caller_phone);
    if let Some(c) = &caller {
        c.check().map_err(AppError::BadRequest)?;
    }
    check_references(&state, &n).await?;
    let mut assignees = Vec::new();
    for a in &n.assignees {
        let u = resolve_user(&state, a).await?;
        if u.role != Role::Engineer {
            return Err(AppError::BadRequest(format!(
                "{} is not an engineer",
                u.username
            )));
        }
        assignees.push(u.id.to_string());
    }
    let now = crate::now_ms();
    let year = chrono::Utc::now().year();
    let hub = state.hub.clone();
    let by = session.user.id;
    let id = DocId::new();
    let priority = model::priority_for(n.impact, n.urgency);
    let number = tokio::task::spawn_blocking(
        move || -> AppResult<(String, Option<model::work_order::Sla>)> {
            let number = hub.db().blocking().next_work_order_number(year)?;
            let new = NewWorkOrder {
                kind: n.kind,
                change_class,
                title: n.title,
                description: n.description,
                customer_id: n.customer_id,
                site_id: n.site_id,
                device_ids: n.device_ids,
                category: n.category,
                impact: Some(n.impact),
                urgency: Some(n.urgency),
                scheduled_start_ms: n.scheduled_start_ms,
                scheduled_end_ms: n.scheduled_end_ms,
                assignees,
                number: Some(number.clone()),
                caller,
                ..Default::default()
            };
            hub.create_doc(id, DocKind::WorkOrder, Some(by), now, |doc| {
                model::create_work_order(doc, id, &new, &by.to_string(), now)
            })?;
            // The contract's priority matrix and due times, written by the server's actor.
            let sla = match hub.db().blocking().scheduling() {
                Some(_) => crate::sla::apply_due_times(&hub, id, now).unwrap_or_else(|e| {
                    tracing::warn!(%id, error = %e, "SLA due times not written");
                    None
                }),
                None => None,
            };
            Ok((number, sla))
        },
    )
    .await??;
    let (number, sla) = number;
    let sla = sla.unwrap_or_default();
    tracing::info!(%id, %number, priority, "work order created");
    Ok((
        StatusCode::CREATED,
        Json(Created {
            doc_id: id,
            number,
            priority,
            response_due_ms: sla.response_due_ms,
            resolution_due_ms: sla.resolution_due_ms,
        }),
    ))
}

/// The customer (by a site or a contract), site and devices an incident names must exist
/// (and the site belong to the customer): a work order pointing at nothing would reach no engineer's briefcase and no
/// report.
async fn check_references(state: &AppState, n: &NewIncident) -> AppResult<()> {
    let site = n
        .site_id
        .as_deref()
        .map(|s| parse_ref("site_id", s))
        .transpose()?;
    let devices = n
        .device_ids
        .iter()
        .map(|d| parse_ref("device_ids", d))
        .collect::<AppResult<Vec<_>>>()?;
    let customer = n.customer_id.clone();
    state
        .db
        .call(move |s| {
            let kind_of = |id: DocId| s.doc_info(id).map(|i| i.map(|i| i.kind));
            if let Some(site) = site
                && kind_of(site)? != Some(DocKind::Site)
            {
                return Ok(Err(format!("site_id {site} names no site")));
            }
            for d in &devices {
                if kind_of(*d)? != Some(DocKind::Device) {
                    return Ok(Err(format!("device_ids: {d} names no device")));
                }
            }
            if let Some(c) = &customer {
                // A customer is known by its sites or its service contract.
                let sites = s.list_sites()?;
                let has_contract = match s.scheduling() {
                    Some(sched) => sched.contract(c)?.is_some(),
                    None => false,
                };
                if !has_contract && !sites.iter().any(|x| &x.customer_id == c) {
                    return Ok(Err(format!("customer_id {c:?} names no customer")));
                }
                if let Some(site) = site
                    && !sites
                        .iter()
                        .any(|x| x.doc_id == site.to_string() && &x.customer_id == c)
                {
                    return Ok(Err(format!("site {site} is not a site of customer {c:?}")));
                }
            }
            Ok(Ok(()))
        })
        .await?
        .map_err(AppError::BadRequest)
}

fn parse_ref(field: &str, id: &str) -> AppResult<DocId> {
    id.parse()
        .map_err(|_| AppError::BadRequest(format!("{field}: {id:?} is not a document id")))
}

#[derive(Debug, Deserialize)]
pub struct AssignRequest {
    /// Username or user id.
    pub user: String,
}

#[derive(Debug, Serialize)]
pub struct AssignResponse {
    pub doc_id: DocId,
    pub assignees: Vec<String>,
}

async fn change_assignment(
    state: AppState,
    session: crate::storage::Session,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<AssignRequest>, JsonRejection>,
    assign: bool,
) -> AppResult<Json<AssignResponse>> {
    require_role(session.user.role, &DISPATCH, "assign work orders")?;
    let Path(id) = path?;
    let id = parse_doc_id(&id)?;
    let Json(req) = payload?;
    let target = resolve_user(&state, &req.user).await?;
    if assign && target.role != Role::Engineer {
        return Err(AppError::BadRequest(format!(
            "{} is not an engineer",
            target.username
        )));
    }
    let hub = state.hub.clone();
    let by = session.user.id;
    let now = crate::now_ms();
    tokio::task::spawn_blocking(move || {
        if assign {
            hub.assign(id, target.id, by, now)
        } else {
            hub.unassign(id, target.id, now)
        }
    })
    .await??;
    let filter = WorkOrderFilter::default();
    let rows = state.db.call(move |s| s.list_work_orders(&filter)).await?;
    let assignees = rows
        .into_iter()
        .find(|r| r.doc_id == id.to_string())
        .map(|r| r.assignees)
        .unwrap_or_default();
    Ok(Json(AssignResponse {
        doc_id: id,
        assignees,
    }))
}

#[instrument(skip_all)]
pub async fn assign(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<AssignRequest>, JsonRejection>,
) -> AppResult<Json<AssignResponse>> {
    change_assignment(state, session, path, payload, true).await
}

#[instrument(skip_all)]
pub async fn unassign(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<AssignRequest>, JsonRejection>,
) -> AppResult<Json<AssignResponse>> {
    change_assignment(state, session, path, payload, false).await
}
