//! A device record: one configuration item of the customer's CMDB, kept current by the engineer
//! on site (firmware updated, moved, replaced), offline.

use super::doc::{ModelError, commit, ensure_map, new_document, put_opt};
use crate::ids::{DocId, DocKind};
use automerge::{AutoCommit, ROOT, transaction::Transactable};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Device types as the asset ledger stores them (a ledger's Chinese names are mapped to
/// these on import; `fieldsync_i18n::words::device_type` words them).
pub const DEVICE_TYPES: [&str; 16] = [
    "server",
    "switch",
    "router",
    "firewall",
    "storage",
    "ups",
    "pc",
    "laptop",
    "printer",
    "scanner",
    "projector",
    "phone",
    "camera",
    "access_point",
    "monitor",
    "other",
];

/// Scalar text fields of a device record an edit may set (besides location and attributes).
pub const DEVICE_FIELDS: [&str; 15] = [
    "asset_tag",
    "device_type",
    "vendor",
    "model",
    "serial",
    "os_version",
    "firmware_version",
    "ip",
    "mac",
    "site_id",
    "customer_id",
    "warranty_end",
    "contract_end",
    "status",
    "notes",
];

/// Where a device stands.
pub const LOCATION_FIELDS: [&str; 4] = ["building", "floor", "room", "rack"];

#[derive(Clone, Debug, Default, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
#[serde(default)]
pub struct Location {
    #[autosurgeon(missing = "Option::default")]
    pub building: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub floor: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub room: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub rack: Option<String>,
}

impl Location {
    pub fn display(&self) -> String {
        [&self.building, &self.floor, &self.room, &self.rack]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

#[derive(Clone, Debug, Default, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
#[serde(default)]
pub struct DeviceRecord {
    pub schema_version: i64,
    pub doc_type: String,
    pub id: String,
    #[autosurgeon(missing = "String::new")]
    pub asset_tag: String,
    /// server, switch, router, firewall, storage, ups, pc, printer, …
    #[autosurgeon(missing = "String::new")]
    pub device_type: String,
    #[autosurgeon(missing = "Option::default")]
    pub vendor: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub model: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub serial: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub os_version: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub firmware_version: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub ip: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub mac: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub site_id: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub customer_id: Option<String>,
    #[autosurgeon(missing = "Location::default")]
    pub location: Location,
    /// ISO dates (YYYY-MM-DD).
    #[autosurgeon(missing = "Option::default")]
    pub warranty_end: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub contract_end: Option<String>,
    /// in_service, spare, retired, replaced.
    #[autosurgeon(missing = "Option::default")]
    pub status: Option<String>,
    #[autosurgeon(missing = "Option::default")]
    pub notes: Option<String>,
    /// Free attributes (CPU, RAM, ports …).
    #[autosurgeon(missing = "BTreeMap::new")]
    pub attributes: BTreeMap<String, String>,
}

impl DeviceRecord {
    pub fn from_doc(doc: &impl automerge::ReadDoc) -> Result<Self, ModelError> {
        let d: DeviceRecord = super::read::read(doc, "device record")?;
        if d.doc_type != DocKind::Device.as_str() {
            return Err(ModelError::WrongKind {
                expected: DocKind::Device,
                found: d.doc_type,
            });
        }
        if d.id.parse::<DocId>().is_err() {
            return Err(ModelError::Shape {
                kind: "device record",
                detail: format!("id {:?} is not a UUID", d.id),
            });
        }
        Ok(d)
    }

    /// Text the full-text index holds for this device.
    pub fn search_text(&self) -> String {
        let mut parts: Vec<&str> = vec![&self.asset_tag, &self.device_type];
        for v in [
            &self.vendor,
            &self.model,
            &self.serial,
            &self.ip,
            &self.mac,
            &self.os_version,
            &self.firmware_version,
        ]
        .into_iter()
        .flatten()
        {
            parts.push(v);
        }
        format!("{} {}", parts.join(" "), self.location.display())
    }
}

/// Create a device record in one commit.
pub fn create_device(
    doc: &mut AutoCommit,
    id: DocId,
    record: &DeviceRecord,
    now: i64,
) -> Result<(), ModelError> {
    new_document(doc, id, DocKind::Device, now)?;
    let mut r = record.clone();
    r.schema_version = super::SCHEMA_VERSION;
    r.doc_type = DocKind::Device.as_str().into();
    r.id = id.to_string();
    autosurgeon::reconcile(doc, &r)?;
    commit(doc, &format!("create device {}", record.asset_tag), now);
    Ok(())
}

/// Set (or clear) one field of a device record as one commit. Only this key is written, so
/// an office edit of another field merges with it.
pub fn set_device_field(
    doc: &mut AutoCommit,
    field: &str,
    value: Option<&str>,
    now: i64,
) -> Result<(), ModelError> {
    if let Some(loc) = field.strip_prefix("location.") {
        if !LOCATION_FIELDS.contains(&loc) {
            return Err(super::Refusal::UnknownDeviceField {
                field: field.to_owned(),
            }
            .into());
        }
        let map = ensure_map(doc, &ROOT, "location")?;
        put_opt(doc, &map, loc, value)?;
    } else if let Some(attr) = field.strip_prefix("attributes.") {
        let map = ensure_map(doc, &ROOT, "attributes")?;
        put_opt(doc, &map, attr, value)?;
    } else if DEVICE_FIELDS.contains(&field) {
        if field == "asset_tag" || field == "device_type" {
            doc.put(ROOT, field, value.unwrap_or_default())?;
        } else {
            put_opt(doc, &ROOT, field, value)?;
        }
    } else {
        return Err(super::Refusal::UnknownDeviceField {
            field: field.to_owned(),
        }
        .into());
    }
    commit(doc, &format!("device {field}"), now);
    Ok(())
}
