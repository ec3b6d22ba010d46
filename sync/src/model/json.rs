//! A document's current state as plain JSON (text objects become strings), for exports and
//! for showing a document as it was at some heads.

use automerge::{Automerge, ObjId, ObjType, ReadDoc, Value};
use serde_json::{Map, Value as Json};

/// A document's current state as JSON (text objects become strings).
pub fn doc_to_json(doc: &Automerge) -> Json {
    obj_to_json(doc, &automerge::ROOT, ObjType::Map)
}

fn obj_to_json(doc: &Automerge, obj: &ObjId, t: ObjType) -> Json {
    match t {
        ObjType::Map | ObjType::Table => {
            let mut m = Map::new();
            for key in doc.keys(obj) {
                if let Ok(Some((v, id))) = doc.get(obj, key.as_str()) {
                    m.insert(key, value_to_json(doc, v, &id));
                }
            }
            Json::Object(m)
        }
        ObjType::List => Json::Array(
            (0..doc.length(obj))
                .filter_map(|i| doc.get(obj, i).ok().flatten())
                .map(|(v, id)| value_to_json(doc, v, &id))
                .collect(),
        ),
        ObjType::Text => Json::String(doc.text(obj).unwrap_or_default()),
    }
}

fn value_to_json(doc: &Automerge, v: Value<'_>, id: &ObjId) -> Json {
    match v {
        Value::Object(t) => obj_to_json(doc, id, t),
        Value::Scalar(s) => match s.as_ref() {
            automerge::ScalarValue::Str(s) => Json::String(s.to_string()),
            automerge::ScalarValue::Int(i) => Json::from(*i),
            automerge::ScalarValue::Uint(u) => Json::from(*u),
            automerge::ScalarValue::F64(f) => Json::from(*f),
            automerge::ScalarValue::Boolean(b) => Json::Bool(*b),
            automerge::ScalarValue::Timestamp(t) => Json::from(*t),
            automerge::ScalarValue::Counter(c) => Json::from(i64::from(c)),
            automerge::ScalarValue::Null => Json::Null,
            other => Json::String(other.to_string()),
        },
    }
}
