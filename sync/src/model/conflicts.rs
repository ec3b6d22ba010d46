//! Same-field clashes: two people set one field differently offline. Automerge keeps every
//! concurrent value; this module exposes them so a screen can show "A says X, B says Y".

use automerge::{ActorId, ObjType, ReadDoc, Value};
use serde::{Deserialize, Serialize};

/// One field with more than one concurrent value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// Path from the root, e.g. `["firmware_version"]` or `["checklist", "ups-load", "reading"]`.
    pub path: Vec<String>,
    /// Each value with the actor that wrote it (map actors to users with the actor registry).
    pub values: Vec<(String, ActorId)>,
}

fn render(v: &Value<'_>) -> String {
    match v {
        Value::Scalar(s) => match s.as_ref() {
            automerge::ScalarValue::Str(s) => s.to_string(),
            automerge::ScalarValue::F64(f) => f.to_string(),
            other => other.to_string(),
        },
        Value::Object(t) => format!("<{t:?}>"),
    }
}

/// All values of `key` in the map at `path` (empty path = root). One value means no conflict.
pub fn conflicts_at(doc: &impl ReadDoc, path: &[&str], key: &str) -> Vec<(String, ActorId)> {
    let mut obj = automerge::ROOT;
    for seg in path {
        match doc.get(&obj, *seg) {
            Ok(Some((Value::Object(_), id))) => obj = id,
            _ => return Vec::new(),
        }
    }
    doc.get_all(&obj, key)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(v, id)| {
            let actor = match &id {
                automerge::ObjId::Id(_, actor, _) => actor.clone(),
                automerge::ObjId::Root => return None,
            };
            Some((render(&v), actor))
        })
        .collect()
}

/// Walk every map in the document and list the keys holding concurrent values.
pub fn scan_conflicts(doc: &impl ReadDoc) -> Vec<FieldConflict> {
    let mut out = Vec::new();
    walk(doc, automerge::ROOT, &mut Vec::new(), &mut out);
    out
}

fn walk(
    doc: &impl ReadDoc,
    obj: automerge::ObjId,
    path: &mut Vec<String>,
    out: &mut Vec<FieldConflict>,
) {
    let Some(obj_type) = doc.object_type(&obj).ok() else {
        return;
    };
    match obj_type {
        ObjType::Map | ObjType::Table => {
            let keys: Vec<String> = doc.keys(&obj).collect();
            for key in keys {
                let all = doc.get_all(&obj, key.as_str()).unwrap_or_default();
                if all.len() > 1 {
                    let values = all
                        .iter()
                        .filter_map(|(v, id)| match id {
                            automerge::ObjId::Id(_, actor, _) => Some((render(v), actor.clone())),
                            automerge::ObjId::Root => None,
                        })
                        .collect();
                    let mut p = path.clone();
                    p.push(key.clone());
                    out.push(FieldConflict { path: p, values });
                }
                if let Some((Value::Object(_), child)) = all.last() {
                    path.push(key);
                    walk(doc, child.clone(), path, out);
                    path.pop();
                }
            }
        }
        ObjType::List => {
            for i in 0..doc.length(&obj) {
                if let Ok(Some((Value::Object(_), child))) = doc.get(&obj, i) {
                    path.push(i.to_string());
                    walk(doc, child, path, out);
                    path.pop();
                }
            }
        }
        ObjType::Text => {}
    }
}
