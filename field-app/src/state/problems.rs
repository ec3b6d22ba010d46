//! The office's Problems screen (问题管理): the problem records as `/v1/problems` sends them,
//! the one being written (new or edited), the recurring incidents offered to link, and the
//! calls and answers folded in. The words it shows are in `problems.ftl`.

use super::{AppState, Flash};
use crate::runtime::messages::{ApiAnswer, ApiCall, path_segment};
use fieldsync::TimestampMs;
use fieldsync::problem::{
    Candidate, LinkedIncident, MAX_INCIDENTS, ProblemBody, ProblemStatus, ProblemView,
    TEXT_MAX_CHARS, TITLE_MAX_CHARS,
};
use fieldsync_i18n::t;

/// Every answer of this screen has a tag starting so.
pub const TAG: &str = "problems.";
pub const TAG_LIST: &str = "problems.list";
pub const TAG_SAVE: &str = "problems.save";
pub const TAG_PUBLISH: &str = "problems.publish";
pub const TAG_CANDIDATES: &str = "problems.candidates";

/// How the last save or publish went.
#[derive(Clone, Debug, PartialEq)]
pub enum FormStatus {
    Saved,
    Published,
    NotSaved(String),
}

/// The problem being written: a new one (`id: None`) or a stored one at `revision`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProblemForm {
    pub id: Option<String>,
    pub revision: i64,
    /// The status stored on the server (what the new one must be reachable from).
    pub stored_status: Option<ProblemStatus>,
    pub status: ProblemStatus,
    pub title: String,
    pub description: String,
    pub root_cause: String,
    pub known_error: String,
    pub workaround: String,
    pub category: Option<String>,
    pub device_type: Option<String>,
    pub incidents: Vec<LinkedIncident>,
    pub published_at_ms: Option<TimestampMs>,
    pub created: Option<(String, TimestampMs)>,
    pub updated: Option<(String, TimestampMs)>,
    /// Edited since it was loaded or saved.
    pub dirty: bool,
}

impl ProblemForm {
    pub fn from_view(v: &ProblemView) -> Self {
        ProblemForm {
            id: Some(v.id.clone()),
            revision: v.revision,
            stored_status: v.status,
            status: v.status.unwrap_or_default(),
            title: v.title.clone(),
            description: v.description.clone(),
            root_cause: v.root_cause.clone(),
            known_error: v.known_error.clone(),
            workaround: v.workaround.clone(),
            category: v.category.clone(),
            device_type: v.device_type.clone(),
            incidents: v.incidents.clone(),
            published_at_ms: v.published_at_ms,
            created: Some((v.created_by.clone(), v.created_at_ms)),
            updated: Some((v.updated_by.clone(), v.updated_at_ms)),
            dirty: false,
        }
    }

    /// Statuses the form may be set to: those the stored one may become.
    pub fn reachable(&self) -> Vec<ProblemStatus> {
        let from = self.stored_status.unwrap_or_default();
        ProblemStatus::ALL
            .into_iter()
            .filter(|s| from.may_become(*s))
            .collect()
    }

    /// Link an incident (once).
    pub fn link(&mut self, incident: &LinkedIncident) {
        if !self.is_linked(&incident.doc_id) {
            self.incidents.push(incident.clone());
            self.dirty = true;
        }
    }

    pub fn unlink(&mut self, doc_id: &str) {
        self.incidents.retain(|i| i.doc_id != doc_id);
        self.dirty = true;
    }

    pub fn is_linked(&self, doc_id: &str) -> bool {
        self.incidents.iter().any(|i| i.doc_id == doc_id)
    }

    /// Why the form cannot be saved as it is, in the reader's language (the server checks
    /// the same and more; this says it before asking).
    pub fn refusal(&self) -> Option<String> {
        if self.title.trim().is_empty() {
            return Some(t!("problems-needs-title"));
        }
        if self.title.chars().count() > TITLE_MAX_CHARS {
            return Some(t!("problems-too-long", max = TITLE_MAX_CHARS));
        }
        let texts = [
            &self.description,
            &self.root_cause,
            &self.known_error,
            &self.workaround,
        ];
        if texts.iter().any(|s| s.chars().count() > TEXT_MAX_CHARS) {
            return Some(t!("problems-too-long", max = TEXT_MAX_CHARS));
        }
        if self.incidents.len() > MAX_INCIDENTS {
            return Some(t!("problems-too-many", max = MAX_INCIDENTS));
        }
        let needs_text = self.status.needs_known_error() || self.published_at_ms.is_some();
        if needs_text && (self.known_error.trim().is_empty() || self.workaround.trim().is_empty()) {
            return Some(t!("problems-needs-known-error"));
        }
        None
    }

    /// Whether the known error can go to the knowledge base: saved, unchanged since, with
    /// its known error and workaround written.
    pub fn may_publish(&self) -> bool {
        self.id.is_some()
            && !self.dirty
            && !self.known_error.trim().is_empty()
            && !self.workaround.trim().is_empty()
    }

    pub fn body(&self) -> ProblemBody {
        ProblemBody {
            status: self.status,
            title: self.title.trim().to_owned(),
            description: self.description.clone(),
            root_cause: self.root_cause.clone(),
            known_error: self.known_error.clone(),
            workaround: self.workaround.clone(),
            category: self.category.clone(),
            device_type: self.device_type.clone(),
            incidents: self.incidents.iter().map(|i| i.doc_id.clone()).collect(),
            revision: self.revision,
        }
    }

    /// `POST` a new problem or `PUT` the edited one.
    pub fn save_call(&self) -> ApiCall {
        match &self.id {
            None => ApiCall::post_json(TAG_SAVE, "/v1/problems", &self.body()),
            Some(id) => ApiCall::put_json(
                TAG_SAVE,
                format!("/v1/problems/{}", path_segment(id)),
                &self.body(),
            ),
        }
    }

    pub fn publish_call(&self) -> Option<ApiCall> {
        let id = self.id.as_ref()?;
        Some(ApiCall::post_json(
            TAG_PUBLISH,
            format!("/v1/problems/{}/publish", path_segment(id)),
            &serde_json::json!({ "revision": self.revision }),
        ))
    }
}

/// The screen's state.
#[derive(Clone, Debug)]
pub struct ProblemsState {
    /// `None` until the list arrives.
    pub list: Option<Vec<ProblemView>>,
    pub asked: bool,
    /// Why the list could not be loaded (offline …); the last list stays shown.
    pub error: Option<String>,
    pub form: ProblemForm,
    pub busy: bool,
    pub status: Option<FormStatus>,
    pub candidates: Option<Vec<Candidate>>,
    pub candidates_error: Option<String>,
    /// Incidents in a group at least (2 …).
    pub min: usize,
    /// In the last this many days.
    pub days: i64,
}

impl Default for ProblemsState {
    fn default() -> Self {
        ProblemsState {
            list: None,
            asked: false,
            error: None,
            form: ProblemForm::default(),
            busy: false,
            status: None,
            candidates: None,
            candidates_error: None,
            min: 3,
            days: 30,
        }
    }
}

impl ProblemsState {
    pub fn list_call() -> ApiCall {
        ApiCall::get(TAG_LIST, "/v1/problems")
    }

    pub fn candidates_call(&self) -> ApiCall {
        ApiCall::get(
            TAG_CANDIDATES,
            format!(
                "/v1/problems/candidates?min={}&days={}",
                self.min, self.days
            ),
        )
    }

    /// Open a stored problem in the form (what was typed in another is dropped).
    pub fn open(&mut self, id: &str) {
        if let Some(v) = self.list.iter().flatten().find(|p| p.id == id) {
            self.form = ProblemForm::from_view(v);
            self.status = None;
        }
    }

    pub fn new_problem(&mut self) {
        self.form = ProblemForm::default();
        self.status = None;
    }

    /// A stored problem as the server answered it: into the list and the form.
    fn stored(&mut self, v: ProblemView) {
        let list = self.list.get_or_insert_with(Vec::new);
        list.retain(|p| p.id != v.id);
        list.insert(0, v.clone());
        self.form = ProblemForm::from_view(&v);
    }
}

pub fn on_api_answer(state: &mut AppState, answer: ApiAnswer) {
    let s = &mut state.problems;
    match (answer.tag.as_str(), answer.result) {
        (TAG_LIST, Ok(reply)) => match reply.json::<Vec<ProblemView>>() {
            Ok(list) => {
                s.list = Some(list);
                s.error = None;
            }
            Err(e) => s.error = Some(e),
        },
        (TAG_LIST, Err(e)) => s.error = Some(e.to_string()),
        (TAG_CANDIDATES, Ok(reply)) => match reply.json::<Vec<Candidate>>() {
            Ok(c) => {
                s.candidates = Some(c);
                s.candidates_error = None;
            }
            Err(e) => s.candidates_error = Some(e),
        },
        (TAG_CANDIDATES, Err(e)) => s.candidates_error = Some(e.to_string()),
        (tag @ (TAG_SAVE | TAG_PUBLISH), result) => {
            s.busy = false;
            match result.map_err(|e| e.to_string()).and_then(|r| r.json()) {
                Ok(v) => {
                    s.stored(v);
                    s.status = Some(if tag == TAG_PUBLISH {
                        FormStatus::Published
                    } else {
                        FormStatus::Saved
                    });
                }
                Err(e) => s.status = Some(FormStatus::NotSaved(e)),
            }
        }
        (_, Err(e)) => {
            state.flash = Some(Flash {
                text: e.to_string(),
                error: true,
            });
        }
        (_, Ok(_)) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(id: &str) -> LinkedIncident {
        LinkedIncident {
            doc_id: id.into(),
            title: id.into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_form_links_each_incident_once_and_says_what_is_missing() {
        let mut f = ProblemForm::default();
        assert!(f.refusal().is_some(), "a title is needed");
        f.title = "UPS".into();
        assert_eq!(f.refusal(), None);
        f.link(&incident("a"));
        f.link(&incident("a"));
        f.link(&incident("b"));
        assert_eq!(f.body().incidents, ["a", "b"]);
        f.unlink("a");
        assert_eq!(f.body().incidents, ["b"]);
        f.status = ProblemStatus::KnownError;
        assert!(f.refusal().is_some(), "a known error needs its texts");
        f.known_error = "x".into();
        f.workaround = "y".into();
        assert_eq!(f.refusal(), None);
        assert!(!f.may_publish(), "not saved yet");
    }

    #[test]
    fn a_closed_problem_offers_only_reopening() {
        let f = ProblemForm {
            stored_status: Some(ProblemStatus::Closed),
            ..Default::default()
        };
        assert_eq!(f.reachable(), [ProblemStatus::Open, ProblemStatus::Closed]);
    }
}
