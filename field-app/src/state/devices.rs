//! A device record's fields in words (labels) and as text (edit boxes), shared by the device
//! page, the conflict lines read from the store, and the "field saved" message.

use fieldsync_i18n::t;

/// A device field (`firmware_version`, `location.room`) in words.
pub fn label_of(field: &str) -> String {
    let f = field.strip_prefix("location.").unwrap_or(field);
    match f {
        "asset_tag" => t!("eng-dev-field-asset-tag"),
        "device_type" => t!("eng-dev-field-device-type"),
        "vendor" => t!("eng-dev-field-vendor"),
        "model" => t!("eng-dev-field-model"),
        "serial" => t!("eng-dev-field-serial"),
        "os_version" => t!("eng-dev-field-os-version"),
        "firmware_version" => t!("eng-dev-field-firmware-version"),
        "ip" => t!("eng-dev-field-ip"),
        "mac" => t!("eng-dev-field-mac"),
        "warranty_end" => t!("eng-dev-field-warranty-end"),
        "contract_end" => t!("eng-dev-field-contract-end"),
        "status" => t!("eng-dev-field-status"),
        "notes" => t!("eng-dev-field-notes"),
        "building" => t!("eng-dev-field-building"),
        "floor" => t!("eng-dev-field-floor"),
        "room" => t!("eng-dev-field-room"),
        "rack" => t!("eng-dev-field-rack"),
        other => other.replace('_', " "),
    }
}

/// The current value of a device field as text (for edit boxes).
pub fn device_field(d: &fieldsync::model::DeviceRecord, field: &str) -> String {
    let v: Option<&String> = match field {
        "asset_tag" => Some(&d.asset_tag),
        "device_type" => Some(&d.device_type),
        "vendor" => d.vendor.as_ref(),
        "model" => d.model.as_ref(),
        "serial" => d.serial.as_ref(),
        "os_version" => d.os_version.as_ref(),
        "firmware_version" => d.firmware_version.as_ref(),
        "ip" => d.ip.as_ref(),
        "mac" => d.mac.as_ref(),
        "site_id" => d.site_id.as_ref(),
        "customer_id" => d.customer_id.as_ref(),
        "warranty_end" => d.warranty_end.as_ref(),
        "contract_end" => d.contract_end.as_ref(),
        "status" => d.status.as_ref(),
        "notes" => d.notes.as_ref(),
        "location.building" => d.location.building.as_ref(),
        "location.floor" => d.location.floor.as_ref(),
        "location.room" => d.location.room.as_ref(),
        "location.rack" => d.location.rack.as_ref(),
        other => other
            .strip_prefix("attributes.")
            .and_then(|a| d.attributes.get(a)),
    };
    v.cloned().unwrap_or_default()
}
