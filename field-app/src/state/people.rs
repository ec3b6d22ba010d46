//! The people directory: user id → display name and role, from `GET /v1/people`. The app
//! keeps the last one received in the local store (written off the UI thread) and reads it
//! at start-up, so a supervisor who starts offline sees names, not ids; it is asked again
//! whenever the server is reached.

use crate::runtime::messages::{ApiAnswer, ApiCall, ApiError};
use fieldsync::wire::Person;
use std::collections::BTreeMap;

/// Tag of the directory call.
pub const TAG: &str = "people";

/// Who is who, as far as this device knows.
#[derive(Clone, Debug, Default)]
pub struct People {
    by_id: BTreeMap<String, Person>,
    /// Asked the server this session (asked again after a failure).
    pub asked: bool,
    /// A newer directory arrived that the store does not hold yet: its JSON.
    pub unsaved: Option<String>,
}

impl People {
    /// The directory saved in the store (`meta::PEOPLE`); unreadable JSON is an empty one
    /// (it is replaced by the next answer).
    pub fn from_saved(json: Option<&str>) -> Self {
        let list: Vec<Person> = match json.map(serde_json::from_str) {
            Some(Ok(list)) => list,
            Some(Err(e)) => {
                tracing::warn!(error = %e, "the saved people directory is unreadable");
                Vec::new()
            }
            None => Vec::new(),
        };
        People {
            by_id: list.into_iter().map(|p| (p.user_id.clone(), p)).collect(),
            ..Default::default()
        }
    }

    pub fn name(&self, user_id: &str) -> Option<&str> {
        self.by_id.get(user_id).map(|p| p.display_name.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = &Person> {
        self.by_id.values()
    }

    /// Take a list from the server; it is to be saved when it differs from what is held.
    fn replace(&mut self, list: Vec<Person>) {
        let by_id: BTreeMap<String, Person> =
            list.into_iter().map(|p| (p.user_id.clone(), p)).collect();
        if by_id != self.by_id {
            let list: Vec<&Person> = by_id.values().collect();
            self.unsaved = serde_json::to_string(&list).ok();
            self.by_id = by_id;
        }
    }
}

pub fn call() -> ApiCall {
    ApiCall::get(TAG, "/v1/people")
}

/// The server's answer. Names are a help, not the work: a failure keeps the directory held
/// and is logged; the next contact asks again.
pub fn on_api_answer(people: &mut People, answer: ApiAnswer) {
    let list = answer
        .result
        .and_then(|r| r.json::<Vec<Person>>().map_err(ApiError::Other));
    match list {
        Ok(list) => people.replace(list),
        Err(e) => {
            people.asked = false;
            tracing::info!(error = %e, "people directory not refreshed; keeping the saved one");
        }
    }
}
