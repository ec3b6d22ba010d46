//! The merged work order read from the checked state before the push plus the top-level fields
//! the push's ops touched, instead of hydrating the whole merged document.
//!
//! A push's new ops can change what the merged document shows only at the keys they write
//! (an op writes one key of one object; an object's visibility is decided by the op that put
//! it in its parent). Every op's path starts with a top-level field of the work order, so
//! the merged work order is the one read from `before` with exactly those fields read again
//! from `after`. Reading the whole document (`Automerge::hydrate` of every field, events and
//! checklist included) was ~45 % of the server's CPU for a one-field edit; this reads only the
//! touched fields. The result goes through the same serde and `validate` as
//! [`WorkOrder::from_doc`], and debug builds compare it with a full read on every call.

use crate::model::read::{convert, scalar};
use crate::model::{ModelError, WorkOrder};
use automerge::{Automerge, ReadDoc, Value};
use serde_json::Value as J;
use std::collections::BTreeSet;

/// The top-level fields the checked ops write into; `None` once an op's path did not start
/// with a field name (then only a full read is sound).
#[derive(Debug, Default)]
pub(super) struct Touched {
    fields: Option<BTreeSet<String>>,
}

impl Touched {
    pub(super) fn new() -> Self {
        Touched {
            fields: Some(BTreeSet::new()),
        }
    }

    pub(super) fn field(&mut self, first: Option<&super::Seg>) {
        match first {
            Some(super::Seg::Key(k)) => {
                if let Some(f) = self.fields.as_mut()
                    && !f.contains(k)
                {
                    f.insert(k.clone());
                }
            }
            _ => self.fields = None,
        }
    }
}

/// `WorkOrder::from_doc(after)`, given the work order read from exactly the state `after`
/// was merged from (`before`) and the fields the merged ops touched.
pub(super) fn merged_work_order(
    before: Option<&WorkOrder>,
    after: &Automerge,
    touched: &Touched,
) -> Result<WorkOrder, ModelError> {
    let (Some(before), Some(fields)) = (before, touched.fields.as_ref()) else {
        return WorkOrder::from_doc(after);
    };
    let wo = match reread(before, after, fields) {
        Ok(wo) => wo,
        // Refused: read it all, so the error is exactly the full read's.
        Err(_) => return WorkOrder::from_doc(after),
    };
    #[cfg(debug_assertions)]
    {
        let full = WorkOrder::from_doc(after);
        assert!(
            full.as_ref()
                .is_ok_and(|f| serde_json::to_value(f).ok() == serde_json::to_value(&wo).ok()),
            "the work order re-read from fields {fields:?} differs from the full read {full:?}"
        );
    }
    Ok(wo)
}

fn reread(
    before: &WorkOrder,
    after: &Automerge,
    fields: &BTreeSet<String>,
) -> Result<WorkOrder, ModelError> {
    let shape = |e: serde_json::Error| ModelError::Shape {
        kind: "work order",
        detail: e.to_string(),
    };
    let mut tree = match serde_json::to_value(before).map_err(shape)? {
        J::Object(m) => m,
        _ => unreachable!("a work order serialises as a map"),
    };
    for f in fields {
        match after.get(automerge::ROOT, f.as_str())? {
            None => {
                tree.remove(f);
            }
            Some((Value::Scalar(s), _)) => {
                tree.insert(f.clone(), scalar(&s));
            }
            Some((Value::Object(_), obj)) => {
                tree.insert(f.clone(), convert(&ReadDoc::hydrate(after, &obj, None)?));
            }
        }
    }
    let wo: WorkOrder = serde_json::from_value(J::Object(tree)).map_err(shape)?;
    wo.validate()?;
    Ok(wo)
}
