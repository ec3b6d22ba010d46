//! `GET /v1/people`: user id → display name and role for everyone a work order may name, so
//! the app can keep a copy and name people offline (documents hold ids). Login names stay
//! out. What a caller sees follows the role the server holds for them now, not their token:
//! the office also sees disabled accounts (their names stand in old reports); an engineer
//! sees the active colleagues.

use crate::error::AppResult;
use crate::handlers::extract::Auth;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use fieldsync::Role;
use fieldsync::wire::Person;
use tracing::instrument;

#[instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    Auth(session): Auth,
) -> AppResult<Json<Vec<Person>>> {
    let office = session.user.role != Role::Engineer;
    let users = state.db.call(|s| s.list_users()).await?;
    let mut people: Vec<Person> = users
        .into_iter()
        .filter(|u| office || !u.disabled)
        .map(|u| Person {
            user_id: u.id.to_string(),
            display_name: u.display_name,
            role: u.role,
            active: !u.disabled,
        })
        .collect();
    people.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    Ok(Json(people))
}
