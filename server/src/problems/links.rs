//! The incidents a problem links, named by work order id or number (`WO-2026-00012`): each
//! must be an incident the hub holds; the answer is in a stable order without repeats.

use crate::hub::{Hub, HubError};
use fieldsync::model::WorkOrder;
use fieldsync::problem::LinkedIncident;
use fieldsync::{DocId, DocKind};

/// Why a link was refused (a 400 for the person who sent it), or a storage failure.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Hub(#[from] HubError),
}

/// The work order id `name` stands for: an id as it is, a number looked up.
fn doc_id_of(hub: &Hub, name: &str) -> Result<DocId, LinkError> {
    let name = name.trim();
    if let Ok(id) = name.parse::<DocId>() {
        return Ok(id);
    }
    if name.chars().count() > 40 {
        return Err(LinkError::Refused(format!(
            "{:?}… is neither a work order id nor a number",
            name.chars().take(40).collect::<String>()
        )));
    }
    let ids = hub
        .db()
        .blocking()
        .work_orders_numbered(name)
        .map_err(HubError::from)?;
    match ids.as_slice() {
        [one] => one
            .parse()
            .map_err(|_| LinkError::Refused(format!("work order {name} has a bad id"))),
        [] => Err(LinkError::Refused(format!("no work order {name:?}"))),
        _ => Err(LinkError::Refused(format!(
            "the number {name} names several work orders; link them by id"
        ))),
    }
}

/// One linked incident as the office sees it (`None`: the document is gone or unreadable).
pub fn incident(hub: &Hub, id: DocId) -> Result<Option<LinkedIncident>, HubError> {
    let Some((DocKind::WorkOrder, doc)) = hub.load(id)? else {
        return Ok(None);
    };
    let Ok(wo) = WorkOrder::from_doc(&doc) else {
        return Ok(None);
    };
    Ok(Some(LinkedIncident {
        doc_id: id.to_string(),
        number: wo.number.clone(),
        title: wo.title.clone(),
        status: wo.fold().status.as_str().to_owned(),
        site_id: wo.site_id.clone(),
        created_at_ms: wo.created_at_ms,
    }))
}

/// Resolve `names` to incidents, refusing an unknown one or a work order that is not an
/// incident. Oldest first, each once.
pub fn resolve(hub: &Hub, names: &[String]) -> Result<Vec<LinkedIncident>, LinkError> {
    let mut out: Vec<LinkedIncident> = Vec::new();
    for name in names {
        let id = doc_id_of(hub, name)?;
        let unknown = || LinkError::Refused(format!("no incident {:?}", name.trim()));
        let Some((kind, doc)) = hub.load(id)? else {
            return Err(unknown());
        };
        if kind != DocKind::WorkOrder {
            return Err(unknown());
        }
        let wo = WorkOrder::from_doc(&doc).map_err(|_| unknown())?;
        if wo.kind != "incident" {
            return Err(LinkError::Refused(format!(
                "{} is a {} work order, not an incident",
                name.trim(),
                wo.kind
            )));
        }
        if out.iter().any(|l| l.doc_id == id.to_string()) {
            continue;
        }
        if let Some(linked) = incident(hub, id)? {
            out.push(linked);
        }
    }
    out.sort_by(|a, b| (a.created_at_ms, &a.doc_id).cmp(&(b.created_at_ms, &b.doc_id)));
    Ok(out)
}
