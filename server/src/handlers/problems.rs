//! Problem records (问题管理), office roles write, everyone signed in reads:
//! `GET/POST /v1/problems`, `GET/PUT /v1/problems/{id}`, `POST /v1/problems/{id}/publish`
//! (the known error into the knowledge base) and `GET /v1/problems/candidates?min=&days=`
//! (recent incidents that recur on one device or at one site in one category).

use super::{parse_doc_id, require_role};
use crate::error::{AppError, AppResult};
use crate::handlers::extract::Auth;
use crate::hub::{Hub, HubError};
use crate::problems::links::{self, LinkError};
use crate::problems::{candidates, input, publish};
use crate::state::AppState;
use crate::storage::{ProblemRecord, Storage, StorageError, WorkOrderFilter, problems_of};
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use fieldsync::model::{DeviceRecord, Site};
use fieldsync::problem::{
    Candidate, LinkedIncident, ProblemBody, ProblemStatus, ProblemView, RecurrenceKey,
};
use fieldsync::{DocId, DocKind, Role, TimestampMs, UserId};
use serde::Deserialize;
use tracing::instrument;

/// Who may create, edit and publish problems.
const WRITERS: [Role; 3] = [Role::Dispatcher, Role::Supervisor, Role::Admin];
/// Engineers read problems too (what is known about the faults they fix).
const READERS: [Role; 4] = [
    Role::Engineer,
    Role::Dispatcher,
    Role::Supervisor,
    Role::Admin,
];

const DAY_MS: i64 = 86_400_000;

impl From<LinkError> for AppError {
    fn from(e: LinkError) -> Self {
        match e {
            LinkError::Refused(m) => AppError::BadRequest(m),
            LinkError::Hub(h) => h.into(),
        }
    }
}

/// Run blocking store and hub work off the async runtime.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Hub) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let hub = state.hub.clone();
    tokio::task::spawn_blocking(move || f(&hub))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
}

fn name_of(s: &dyn Storage, id: UserId) -> Result<String, StorageError> {
    // Someone removed since is still named by their id.
    Ok(s.user_by_id(id)?
        .map_or_else(|| id.to_string(), |u| u.display_name))
}

/// A stored problem as the API sends it; a linked incident whose document is gone is
/// still listed by its id.
fn view(hub: &Hub, p: ProblemRecord) -> Result<ProblemView, HubError> {
    let s = hub.db().blocking();
    let mut incidents = Vec::with_capacity(p.incidents.len());
    for id in &p.incidents {
        let found = match id.parse::<DocId>() {
            Ok(doc) => links::incident(hub, doc)?,
            Err(_) => None,
        };
        incidents.push(found.unwrap_or_else(|| LinkedIncident {
            doc_id: id.clone(),
            ..Default::default()
        }));
    }
    incidents.sort_by(|a, b| (a.created_at_ms, &a.doc_id).cmp(&(b.created_at_ms, &b.doc_id)));
    Ok(ProblemView {
        created_by: name_of(s, p.created_by)?,
        updated_by: name_of(s, p.updated_by)?,
        id: p.id,
        status: Some(p.status),
        title: p.title,
        description: p.description,
        root_cause: p.root_cause,
        known_error: p.known_error,
        workaround: p.workaround,
        category: p.category,
        device_type: p.device_type,
        incidents,
        article_id: p.article_id,
        published_at_ms: p.published_at_ms,
        revision: p.revision,
        created_at_ms: p.created_at_ms,
        updated_at_ms: p.updated_at_ms,
    })
}

fn stored(hub: &Hub, id: &str) -> AppResult<ProblemRecord> {
    problems_of(hub.db().blocking())?
        .problem(id)?
        .ok_or_else(|| AppError::NotFound(format!("no problem {id}")))
}

/// The revision an edit was made from must be the stored one.
fn same_revision(p: &ProblemRecord, revision: i64) -> AppResult<()> {
    if p.revision == revision {
        return Ok(());
    }
    Err(AppError::Conflict(
        "stale",
        format!(
            "problem {} is at revision {}, the edit was made from {revision}; reload it",
            p.id, p.revision
        ),
    ))
}

/// `GET /v1/problems`: every problem, the most recently changed first.
#[instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<ProblemView>>> {
    require_role(session.user.role, &READERS, "read problems")?;
    let views = blocking(&state, |hub| {
        let records = problems_of(hub.db().blocking())?.list_problems()?;
        Ok(records
            .into_iter()
            .map(|p| view(hub, p))
            .collect::<Result<_, _>>()?)
    })
    .await?;
    Ok(Json(views))
}

/// `GET /v1/problems/{id}`.
#[instrument(skip_all)]
pub async fn get(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
) -> AppResult<Json<ProblemView>> {
    require_role(session.user.role, &READERS, "read problems")?;
    let Path(id) = path?;
    let id = parse_doc_id(&id)?.to_string();
    let v = blocking(&state, move |hub| Ok(view(hub, stored(hub, &id)?)?)).await?;
    Ok(Json(v))
}

/// `POST /v1/problems`: a new problem from the body (its `revision` is ignored).
#[instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    Auth(session): Auth,
    payload: Result<Json<ProblemBody>, JsonRejection>,
) -> AppResult<(StatusCode, Json<ProblemView>)> {
    require_role(session.user.role, &WRITERS, "create problems")?;
    let Json(body) = payload?;
    input::check(&body, None).map_err(AppError::BadRequest)?;
    let by = session.user.id;
    let v = blocking(&state, move |hub| {
        let incidents = links::resolve(hub, &body.incidents)?;
        let now = crate::now_ms();
        let p = ProblemRecord {
            id: DocId::new().to_string(),
            status: body.status,
            title: body.title.trim().to_owned(),
            description: body.description,
            root_cause: body.root_cause,
            known_error: body.known_error,
            workaround: body.workaround,
            category: body.category,
            device_type: body.device_type,
            incidents: incidents.into_iter().map(|i| i.doc_id).collect(),
            article_id: None,
            published_at_ms: None,
            revision: 1,
            created_by: by,
            created_at_ms: now,
            updated_by: by,
            updated_at_ms: now,
        };
        problems_of(hub.db().blocking())?.insert_problem(&p)?;
        Ok(view(hub, p)?)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// `PUT /v1/problems/{id}`: replace every field, from the revision the editor saw. A
/// published problem's article is brought up to date in the same request.
#[instrument(skip_all)]
pub async fn update(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<ProblemBody>, JsonRejection>,
) -> AppResult<Json<ProblemView>> {
    require_role(session.user.role, &WRITERS, "edit problems")?;
    let Path(id) = path?;
    let id = parse_doc_id(&id)?.to_string();
    let Json(body) = payload?;
    let by = session.user.id;
    let v = blocking(&state, move |hub| {
        let old = stored(hub, &id)?;
        input::check(&body, Some(old.status)).map_err(AppError::BadRequest)?;
        same_revision(&old, body.revision)?;
        let incidents = links::resolve(hub, &body.incidents)?;
        let now = crate::now_ms();
        let mut p = ProblemRecord {
            status: body.status,
            title: body.title.trim().to_owned(),
            description: body.description,
            root_cause: body.root_cause,
            known_error: body.known_error,
            workaround: body.workaround,
            category: body.category,
            device_type: body.device_type,
            incidents: incidents.into_iter().map(|i| i.doc_id).collect(),
            revision: old.revision + 1,
            updated_by: by,
            updated_at_ms: now,
            ..old
        };
        if p.article_id.is_some() {
            if let Some(why) = publish::refusal(&p) {
                return Err(AppError::BadRequest(format!(
                    "the problem is published: {why}"
                )));
            }
            republish(hub, &mut p, now)?;
        }
        problems_of(hub.db().blocking())?.update_problem(&p)?;
        Ok(view(hub, p)?)
    })
    .await?;
    Ok(Json(v))
}

fn republish(hub: &Hub, p: &mut ProblemRecord, now: TimestampMs) -> AppResult<()> {
    let article = publish::publish(hub, p, now)?;
    p.article_id = Some(article.to_string());
    p.published_at_ms = Some(now);
    Ok(())
}

/// What a publish names: the revision the person saw.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishBody {
    pub revision: i64,
}

/// `POST /v1/problems/{id}/publish`: write the known error and workaround as a knowledge
/// article (an open problem becomes a known error).
#[instrument(skip_all)]
pub async fn publish_known_error(
    State(state): State<AppState>,
    Auth(session): Auth,
    path: Result<Path<String>, PathRejection>,
    payload: Result<Json<PublishBody>, JsonRejection>,
) -> AppResult<Json<ProblemView>> {
    require_role(session.user.role, &WRITERS, "publish known errors")?;
    let Path(id) = path?;
    let id = parse_doc_id(&id)?.to_string();
    let Json(body) = payload?;
    let by = session.user.id;
    let v = blocking(&state, move |hub| {
        let old = stored(hub, &id)?;
        same_revision(&old, body.revision)?;
        if let Some(why) = publish::refusal(&old) {
            return Err(AppError::BadRequest(why));
        }
        let now = crate::now_ms();
        let mut p = ProblemRecord {
            revision: old.revision + 1,
            updated_by: by,
            updated_at_ms: now,
            ..old
        };
        if p.status == ProblemStatus::Open {
            p.status = ProblemStatus::KnownError;
        }
        republish(hub, &mut p, now)?;
        problems_of(hub.db().blocking())?.update_problem(&p)?;
        Ok(view(hub, p)?)
    })
    .await?;
    Ok(Json(v))
}

/// `?min=3&days=30`: groups of at least `min` incidents in the last `days` days.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateQuery {
    pub min: Option<usize>,
    pub days: Option<i64>,
}

/// `GET /v1/problems/candidates`: recurring incidents worth a problem record.
#[instrument(skip_all)]
pub async fn recurring(
    State(state): State<AppState>,
    Auth(session): Auth,
    query: Result<Query<CandidateQuery>, QueryRejection>,
) -> AppResult<Json<Vec<Candidate>>> {
    require_role(session.user.role, &WRITERS, "look for recurring incidents")?;
    let Query(q) = query?;
    let min = q.min.unwrap_or(3);
    let days = q.days.unwrap_or(30);
    if !candidates::MIN_REPEATS.contains(&min) {
        return Err(AppError::BadRequest(format!(
            "min must be {} to {}",
            candidates::MIN_REPEATS.start(),
            candidates::MIN_REPEATS.end()
        )));
    }
    if !candidates::WINDOW_DAYS.contains(&days) {
        return Err(AppError::BadRequest(format!(
            "days must be {} to {}",
            candidates::WINDOW_DAYS.start(),
            candidates::WINDOW_DAYS.end()
        )));
    }
    let since = crate::now_ms() - days * DAY_MS;
    let found = blocking(&state, move |hub| {
        let rows = hub.db().blocking().list_work_orders(&WorkOrderFilter {
            created_from_ms: Some(since),
            limit: Some(5000),
            ..Default::default()
        })?;
        candidates::recurring(&rows, since, min)
            .into_iter()
            .map(|(key, incidents)| {
                Ok(Candidate {
                    label: label_of(hub, &key)?,
                    key,
                    incidents,
                })
            })
            .collect::<AppResult<Vec<_>>>()
    })
    .await?;
    Ok(Json(found))
}

/// The device's asset tag or the site's name (the id if the document does not read).
fn label_of(hub: &Hub, key: &RecurrenceKey) -> Result<String, HubError> {
    let (id, kind) = match key {
        RecurrenceKey::Device { device_id } => (device_id, DocKind::Device),
        RecurrenceKey::SiteCategory { site_id, .. } => (site_id, DocKind::Site),
    };
    let Ok(doc_id) = id.parse::<DocId>() else {
        return Ok(id.clone());
    };
    let named = match hub.load(doc_id)? {
        Some((DocKind::Device, doc)) if kind == DocKind::Device => {
            DeviceRecord::from_doc(&doc).ok().map(|d| d.asset_tag)
        }
        Some((DocKind::Site, doc)) if kind == DocKind::Site => {
            Site::from_doc(&doc).ok().map(|s| s.name)
        }
        _ => None,
    };
    Ok(named.unwrap_or_else(|| id.clone()))
}
