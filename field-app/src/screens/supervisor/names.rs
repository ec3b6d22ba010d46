//! Naming people on the supervisor's screens: documents hold user ids; the people directory
//! (kept on this device), the dispatch board and the signed-in user give the names.

use crate::state::AppState;
use fieldsync_i18n::t;
use std::collections::BTreeMap;

/// User id → name where known: the people directory (kept for offline use), the dispatch
/// board's engineers, this device's own user.
pub fn names_of(state: &AppState) -> BTreeMap<String, String> {
    let mut names: BTreeMap<String, String> = state
        .people
        .iter()
        .map(|p| (p.user_id.clone(), p.display_name.clone()))
        .collect();
    for e in &state.dispatch.engineers {
        names
            .entry(e.user_id.clone())
            .or_insert_with(|| e.display_name.clone());
    }
    if let Some(me) = &state.identity {
        names.insert(me.user_id.clone(), me.display_name.clone());
    }
    names
}

/// A person's name, or their short id when this device does not know them.
pub fn who(names: &BTreeMap<String, String>, user: &str) -> String {
    names
        .get(user)
        .cloned()
        .unwrap_or_else(|| t!("review-history-user-id", id = crate::format::short_id(user)))
}
