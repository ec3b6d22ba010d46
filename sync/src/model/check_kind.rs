//! The kind of a checklist item, as one closed set the compiler checks: the model, the policy,
//! the screens and the report match on it exhaustively, so a new kind cannot be forgotten in
//! one of them. A kind written by a newer version is kept as [`CheckKind::Unknown`] with its
//! text, so reading and writing the item back never loses it.

use autosurgeon::reconcile::NoKey;
use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// What kind of answer a checklist item takes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CheckKind {
    /// Pass, fail or not applicable (`result`).
    PassFail,
    /// A number, with optional unit and limits (`reading`).
    Reading,
    /// Free text (`text`).
    Text,
    /// One of the item's `choices` (`choice`).
    Choice,
    /// A photo, by its blob hash (`photo`).
    Photo,
    /// A kind this version does not know (written by a newer one), kept verbatim.
    Unknown(String),
}

impl CheckKind {
    /// Every kind this version knows, in the order a template editor offers them.
    pub const KNOWN: [CheckKind; 5] = [
        CheckKind::PassFail,
        CheckKind::Reading,
        CheckKind::Text,
        CheckKind::Choice,
        CheckKind::Photo,
    ];

    /// The name stored in documents and templates.
    pub fn as_str(&self) -> &str {
        match self {
            CheckKind::PassFail => "pass_fail",
            CheckKind::Reading => "reading",
            CheckKind::Text => "text",
            CheckKind::Choice => "choice",
            CheckKind::Photo => "photo",
            CheckKind::Unknown(s) => s,
        }
    }

    /// The name as stored; an unknown name becomes [`CheckKind::Unknown`], never an error.
    pub fn from_name(name: &str) -> Self {
        Self::KNOWN
            .iter()
            .find(|k| k.as_str() == name)
            .cloned()
            .unwrap_or_else(|| CheckKind::Unknown(name.to_owned()))
    }

    /// The item field the engineer's answer of this kind is stored in (`None` for a kind
    /// this version does not know: it cannot say where that answer lives).
    pub fn answer_field(&self) -> Option<&'static str> {
        match self {
            CheckKind::PassFail => Some("result"),
            CheckKind::Reading => Some("reading"),
            CheckKind::Text => Some("text"),
            CheckKind::Choice => Some("choice"),
            CheckKind::Photo => Some("photo"),
            CheckKind::Unknown(_) => None,
        }
    }

    /// The kind whose answer lives in `field` (the inverse of [`CheckKind::answer_field`]).
    pub fn for_answer_field(field: &str) -> Option<CheckKind> {
        Self::KNOWN
            .into_iter()
            .find(|k| k.answer_field() == Some(field))
    }

    pub fn is_known(&self) -> bool {
        !matches!(self, CheckKind::Unknown(_))
    }
}

/// An item whose kind was never written reads as an unknown, empty kind, which the model's
/// validation refuses, as it refused the empty string before there was an enum.
impl Default for CheckKind {
    fn default() -> Self {
        CheckKind::Unknown(String::new())
    }
}

impl fmt::Display for CheckKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for CheckKind {
    fn from(name: &str) -> Self {
        Self::from_name(name)
    }
}

impl Serialize for CheckKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CheckKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Ok(Self::from_name(&name))
    }
}

impl Hydrate for CheckKind {
    fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
        Ok(Self::from_name(s))
    }
}

impl Reconcile for CheckKind {
    type Key<'a> = NoKey;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_kind_round_trips_by_name() {
        for k in CheckKind::KNOWN {
            assert_eq!(CheckKind::from_name(k.as_str()), k);
            assert!(k.is_known());
            let field = k.answer_field().unwrap();
            assert_eq!(CheckKind::for_answer_field(field), Some(k));
        }
    }

    #[test]
    fn a_newer_kind_is_kept_verbatim() {
        let k = CheckKind::from_name("signature_pad");
        assert_eq!(k, CheckKind::Unknown("signature_pad".into()));
        assert_eq!(k.as_str(), "signature_pad");
        assert_eq!(k.answer_field(), None);
        let json = serde_json::to_string(&k).unwrap();
        assert_eq!(json, "\"signature_pad\"");
        let back: CheckKind = serde_json::from_str(&json).unwrap();
        assert_eq!(back, k);
    }

    #[test]
    fn kinds_survive_an_automerge_round_trip() {
        #[derive(Debug, PartialEq, Hydrate, Reconcile)]
        struct Item {
            kind: CheckKind,
        }
        for kind in [CheckKind::Reading, CheckKind::Unknown("future".into())] {
            let mut doc = automerge::AutoCommit::new();
            let item = Item { kind };
            autosurgeon::reconcile(&mut doc, &item).unwrap();
            let back: Item = autosurgeon::hydrate(&doc).unwrap();
            assert_eq!(back, item);
        }
    }

    #[test]
    fn a_picked_value_becomes_the_answer_of_its_field() {
        use crate::model::CheckAnswer;
        for kind in CheckKind::KNOWN {
            let field = kind.answer_field().unwrap();
            let value = if kind == CheckKind::Reading {
                "21.5"
            } else {
                "pass"
            };
            let answer = CheckAnswer::from_field_value(field, value.into()).unwrap();
            assert_eq!(answer.kind(), kind);
        }
        assert_eq!(
            CheckAnswer::from_field_value("reading", " 7 ".into()),
            Some(CheckAnswer::Reading(7.0))
        );
        assert_eq!(
            CheckAnswer::from_field_value("reading", "warm".into()),
            None
        );
        assert_eq!(CheckAnswer::from_field_value("note", "x".into()), None);
    }
}
