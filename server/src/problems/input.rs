//! What a person sends for a problem, checked before anything is stored: texts within their
//! limits and free of control characters, a category and device class from the known lists,
//! a status the stored one may move to, and a known error with its workaround when the
//! status says the error is known.

use fieldsync::model::CATEGORIES;
use fieldsync::model::device::DEVICE_TYPES;
use fieldsync::problem::{
    MAX_INCIDENTS, ProblemBody, ProblemStatus, TEXT_MAX_CHARS, TITLE_MAX_CHARS,
};

/// Why a body is refused, worded for the person who sent it.
pub type Refusal = String;

/// Check `body` for a problem now in `from` (`None`: it is being created).
pub fn check(body: &ProblemBody, from: Option<ProblemStatus>) -> Result<(), Refusal> {
    if body.title.trim().is_empty() {
        return Err("title is required".into());
    }
    check_text("title", &body.title, TITLE_MAX_CHARS, false)?;
    for (name, text) in [
        ("description", &body.description),
        ("root_cause", &body.root_cause),
        ("known_error", &body.known_error),
        ("workaround", &body.workaround),
    ] {
        check_text(name, text, TEXT_MAX_CHARS, true)?;
    }
    if let Some(c) = &body.category
        && !CATEGORIES.contains(&c.as_str())
    {
        return Err(format!("category {c:?} is not one of {CATEGORIES:?}"));
    }
    if let Some(t) = &body.device_type
        && !DEVICE_TYPES.contains(&t.as_str())
    {
        return Err(format!("device_type {t:?} is not one of {DEVICE_TYPES:?}"));
    }
    if body.incidents.len() > MAX_INCIDENTS {
        return Err(format!(
            "{} incidents are linked; at most {MAX_INCIDENTS} are kept",
            body.incidents.len()
        ));
    }
    let from = from.unwrap_or(ProblemStatus::Open);
    if !from.may_become(body.status) {
        return Err(format!(
            "a problem that is {} cannot become {}",
            from.as_str(),
            body.status.as_str()
        ));
    }
    if body.status.needs_known_error() {
        for (name, text) in [
            ("known_error", &body.known_error),
            ("workaround", &body.workaround),
        ] {
            if text.trim().is_empty() {
                return Err(format!("a known error needs its {name} written"));
            }
        }
    }
    Ok(())
}

/// At most `max` characters (not bytes: Chinese counts one per character), and no control
/// characters but line breaks and tabs where the text may have lines.
fn check_text(name: &str, text: &str, max: usize, multiline: bool) -> Result<(), Refusal> {
    let chars = text.chars().count();
    if chars > max {
        return Err(format!(
            "{name} is {chars} characters long; at most {max} are kept"
        ));
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if let Some(c) = text.chars().find(|c| c.is_control() && !allowed(*c)) {
        return Err(format!(
            "{name} contains the control character U+{:04X}",
            c as u32
        ));
    }
    Ok(())
}
