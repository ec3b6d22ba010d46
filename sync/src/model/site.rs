//! A customer site: address, contacts and how to get in.

use super::doc::{ModelError, commit, new_document};
use crate::ids::{DocId, DocKind};
use automerge::AutoCommit;
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    pub name: String,
    #[autosurgeon(missing = "Option::default")]
    pub phone: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub email: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
#[serde(default)]
pub struct Site {
    pub schema_version: i64,
    pub doc_type: String,
    pub id: String,
    pub name: String,
    pub customer_id: String,
    #[autosurgeon(missing = "String::new")]
    pub customer_name: String,
    #[autosurgeon(missing = "String::new")]
    pub address: String,
    /// IANA time zone of the site (SLA calendars).
    #[autosurgeon(missing = "Option::default")]
    pub time_zone: Option<String>,
    #[autosurgeon(missing = "BTreeMap::new")]
    pub contacts: BTreeMap<String, Contact>,
    #[autosurgeon(missing = "String::new")]
    pub access_notes: String,
    /// The language of the customer's documents (service reports, monthly summaries) for
    /// this site: `zh-CN` or `en`. Absent: the server's default language.
    #[autosurgeon(missing = "Option::default")]
    pub language: Option<String>,
}

impl Site {
    pub fn from_doc(doc: &impl automerge::ReadDoc) -> Result<Self, ModelError> {
        let s: Site = super::read::read(doc, "site")?;
        if s.doc_type != DocKind::Site.as_str() {
            return Err(ModelError::WrongKind {
                expected: DocKind::Site,
                found: s.doc_type,
            });
        }
        Ok(s)
    }
}

pub fn create_site(
    doc: &mut AutoCommit,
    id: DocId,
    site: &Site,
    now: i64,
) -> Result<(), ModelError> {
    new_document(doc, id, DocKind::Site, now)?;
    let mut s = site.clone();
    s.schema_version = super::SCHEMA_VERSION;
    s.doc_type = DocKind::Site.as_str().into();
    s.id = id.to_string();
    autosurgeon::reconcile(doc, &s)?;
    commit(doc, &format!("create site {}", site.name), now);
    Ok(())
}
