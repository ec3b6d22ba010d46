//! Schema validation of a merged document and the relational rows derived from it.

use crate::storage::{DeviceProj, EventProj, Projection, SiteProj, WorkOrderProj};
use automerge::Automerge;
use fieldsync::DocKind;
use fieldsync::model::{
    ChecklistTemplate, DeviceRecord, KnowledgeArticle, ModelError, Site, WorkOrder,
};

/// Validate `doc` as a `kind` document (the model's `from_doc`) and build its projection.
pub fn project(kind: DocKind, doc: &Automerge) -> Result<Projection, ModelError> {
    project_checked(kind, doc, None)
}

/// [`project`], reusing the work order the policy already read from `doc` (if any).
pub fn project_checked(
    kind: DocKind,
    doc: &Automerge,
    read: Option<&WorkOrder>,
) -> Result<Projection, ModelError> {
    Ok(match kind {
        DocKind::WorkOrder => {
            let wo = match read {
                Some(wo) => std::borrow::Cow::Borrowed(wo),
                None => std::borrow::Cow::Owned(WorkOrder::from_doc(doc)?),
            };
            Projection::WorkOrder(Box::new(work_order(&wo)))
        }
        DocKind::Device => {
            let d = DeviceRecord::from_doc(doc)?;
            Projection::Device(Box::new(DeviceProj {
                search: d.search_text(),
                asset_tag: d.asset_tag,
                device_type: d.device_type,
                vendor: d.vendor,
                model: d.model,
                serial: d.serial,
                ip: d.ip,
                site_id: d.site_id,
                customer_id: d.customer_id,
                location: d.location.display(),
                status: d.status,
            }))
        }
        DocKind::Site => {
            let s = Site::from_doc(doc)?;
            Projection::Site(SiteProj {
                name: s.name,
                customer_id: s.customer_id,
                customer_name: s.customer_name,
                address: s.address,
            })
        }
        DocKind::ChecklistTemplate => {
            ChecklistTemplate::from_doc(doc)?;
            Projection::None
        }
        DocKind::Knowledge => {
            KnowledgeArticle::from_doc(doc)?;
            Projection::None
        }
    })
}

/// What the work-order list's `q` looks in, folded as the device search folds.
fn work_order_search(wo: &WorkOrder) -> String {
    let mut text = format!("{} {}", wo.number.as_deref().unwrap_or_default(), wo.title);
    if let Some(c) = &wo.caller {
        let digits: String = c.phone.chars().filter(char::is_ascii_digit).collect();
        text.push_str(&format!(" {} {} {digits}", c.name, c.phone));
    }
    fieldsync::store::fold(&text)
}

fn work_order(wo: &WorkOrder) -> WorkOrderProj {
    let folded = wo.fold();
    let set = |m: &std::collections::BTreeMap<String, bool>| {
        m.iter()
            .filter(|(_, v)| **v)
            .map(|(k, _)| k.clone())
            .collect::<Vec<_>>()
    };
    let mut blobs: Vec<String> = wo.photos.values().map(|p| p.sha256.clone()).collect();
    blobs.extend(wo.checklist.values().filter_map(|i| i.photo.clone()));
    if let Some(img) = wo.signature.as_ref().and_then(|s| s.image_sha256.clone()) {
        blobs.push(img);
    }
    blobs.sort();
    blobs.dedup();
    WorkOrderProj {
        number: wo.number.clone(),
        title: wo.title.clone(),
        kind: wo.kind.clone(),
        status: folded.status.as_str().to_owned(),
        conflict: !folded.conflicts.is_empty(),
        priority: wo.priority.clone(),
        category: wo.category.clone(),
        customer_id: wo.customer_id.clone(),
        site_id: wo.site_id.clone(),
        assignees: set(&wo.assignees),
        device_ids: set(&wo.device_ids),
        scheduled_start_ms: wo.scheduled_start_ms,
        scheduled_end_ms: wo.scheduled_end_ms,
        response_due_ms: wo.sla.response_due_ms,
        resolution_due_ms: wo.sla.resolution_due_ms,
        first_on_site_ms: folded.first_on_site_ms,
        completed_at_ms: folded.completed_at_ms,
        created_by: wo.created_by.clone(),
        created_at_ms: wo.created_at_ms,
        caller_name: wo.caller.as_ref().map(|c| c.name.clone()),
        caller_phone: wo.caller.as_ref().map(|c| c.phone.clone()),
        search: work_order_search(wo),
        events: wo
            .events
            .iter()
            .map(|e| EventProj {
                id: e.id.clone(),
                kind: e.kind.clone(),
                at_ms: e.at_ms,
                by: e.by.clone(),
                note: e.note.clone(),
            })
            .collect(),
        blobs,
    }
}
