//! `import devices <file.csv>`: an existing asset ledger becomes device records. Every row is
//! checked first; each bad row is reported with its line number and reason, and nothing is
//! written if any row fails (unless bad rows are to be skipped).

use crate::hub::{Hub, HubError};
use fieldsync::model::{self, DeviceRecord, device::Location};
use fieldsync::{DocId, DocKind, TimestampMs};
use std::collections::{HashMap, HashSet};
use std::io::Read;

/// Device types the ledger may name.
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

/// Fields a CSV column may map to.
pub const IMPORT_FIELDS: [&str; 17] = [
    "asset_tag",
    "device_type",
    "vendor",
    "model",
    "serial",
    "ip",
    "mac",
    "site_id",
    "customer_id",
    "building",
    "floor",
    "room",
    "rack",
    "os_version",
    "firmware_version",
    "warranty_end",
    "status",
];

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Column header → field (see [`IMPORT_FIELDS`]); unmapped headers equal to a field name
    /// map to it.
    pub mapping: HashMap<String, String>,
    pub dry_run: bool,
    pub skip_bad_rows: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub rows: usize,
    pub good: usize,
    pub bad: Vec<RowError>,
    pub written: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is not readable CSV: {0}")]
    Csv(String),
    #[error("{0}")]
    Mapping(String),
    #[error(transparent)]
    Hub(#[from] HubError),
}

fn row_to_record(fields: &HashMap<&str, String>) -> Result<DeviceRecord, String> {
    let get = |k: &str| {
        fields
            .get(k)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let asset_tag = get("asset_tag").ok_or("asset_tag is empty")?;
    let device_type = get("device_type")
        .ok_or("device_type is empty")?
        .to_lowercase();
    if !DEVICE_TYPES.contains(&device_type.as_str()) {
        return Err(format!(
            "device_type {device_type:?} is not one of {DEVICE_TYPES:?}"
        ));
    }
    if let Some(ip) = get("ip")
        && ip.parse::<std::net::IpAddr>().is_err()
    {
        return Err(format!("ip {ip:?} is not an IP address"));
    }
    if let Some(d) = get("warranty_end")
        && chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").is_err()
    {
        return Err(format!("warranty_end {d:?} is not a date (YYYY-MM-DD)"));
    }
    if let Some(s) = get("site_id")
        && s.parse::<DocId>().is_err()
    {
        return Err(format!("site_id {s:?} is not a UUID"));
    }
    Ok(DeviceRecord {
        asset_tag,
        device_type,
        vendor: get("vendor"),
        model: get("model"),
        serial: get("serial"),
        ip: get("ip"),
        mac: get("mac"),
        site_id: get("site_id"),
        customer_id: get("customer_id"),
        os_version: get("os_version"),
        firmware_version: get("firmware_version"),
        warranty_end: get("warranty_end"),
        status: get("status").or_else(|| Some("in_service".into())),
        location: Location {
            building: get("building"),
            floor: get("floor"),
            room: get("room"),
            rack: get("rack"),
        },
        ..Default::default()
    })
}

/// Check (and unless `dry_run`, import) a device ledger. `hub` may be `None` for a dry run.
pub fn import_devices(
    hub: Option<&Hub>,
    input: impl Read,
    opts: &ImportOptions,
    now: TimestampMs,
) -> Result<ImportReport, ImportError> {
    for field in opts.mapping.values() {
        if !IMPORT_FIELDS.contains(&field.as_str()) {
            return Err(ImportError::Mapping(format!(
                "unknown field {field:?} in the column mapping (fields: {IMPORT_FIELDS:?})"
            )));
        }
    }
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| ImportError::Csv(e.to_string()))?
        .clone();
    let columns: Vec<Option<&str>> = headers
        .iter()
        .map(|h| {
            let h = h.trim();
            opts.mapping.get(h).map(String::as_str).or_else(|| {
                IMPORT_FIELDS
                    .iter()
                    .copied()
                    .find(|f| f.eq_ignore_ascii_case(h))
            })
        })
        .collect();
    for required in ["asset_tag", "device_type"] {
        if !columns.contains(&Some(required)) {
            return Err(ImportError::Mapping(format!(
                "no column maps to {required:?} (headers: {:?})",
                headers.iter().collect::<Vec<_>>()
            )));
        }
    }
    let mut report = ImportReport::default();
    let mut good = Vec::new();
    let mut seen_tags = HashSet::new();
    for result in reader.records() {
        report.rows += 1;
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                report.bad.push(RowError {
                    line,
                    reason: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let fields: HashMap<&str, String> = columns
            .iter()
            .zip(record.iter())
            .filter_map(|(c, v)| c.map(|c| (c, v.to_owned())))
            .collect();
        match row_to_record(&fields) {
            Ok(rec) if !seen_tags.insert(rec.asset_tag.clone()) => report.bad.push(RowError {
                line,
                reason: format!("asset_tag {:?} appears twice in the file", rec.asset_tag),
            }),
            Ok(rec) => good.push(rec),
            Err(reason) => report.bad.push(RowError { line, reason }),
        }
    }
    report.good = good.len();
    if opts.dry_run || (!report.bad.is_empty() && !opts.skip_bad_rows) {
        return Ok(report);
    }
    let Some(hub) = hub else {
        return Ok(report);
    };
    for rec in good {
        let id = DocId::new();
        hub.create_doc(id, DocKind::Device, None, now, |d| {
            model::device::create_device(d, id, &rec, now)
        })?;
        report.written += 1;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "asset_tag,device_type,vendor,ip,warranty_end\nA-1,pc,Lenovo,10.0.0.5,2027-01-31\nA-2,printer,HP,,\n";

    #[test]
    fn good_rows_pass_a_dry_run() {
        let opts = ImportOptions {
            dry_run: true,
            ..Default::default()
        };
        let r = import_devices(None, GOOD.as_bytes(), &opts, 0).unwrap();
        assert_eq!((r.rows, r.good, r.bad.len()), (2, 2, 0));
    }

    #[test]
    fn bad_rows_are_reported_with_line_numbers() {
        let csv = "Tag,Type,IP\nA-1,pc,10.0.0.1\n,pc,\nA-3,toaster,\nA-4,pc,999.1.1.1\nA-1,pc,\n";
        let mut mapping = HashMap::new();
        mapping.insert("Tag".into(), "asset_tag".into());
        mapping.insert("Type".into(), "device_type".into());
        mapping.insert("IP".into(), "ip".into());
        let opts = ImportOptions {
            mapping,
            dry_run: true,
            ..Default::default()
        };
        let r = import_devices(None, csv.as_bytes(), &opts, 0).unwrap();
        let lines: Vec<u64> = r.bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6], "{:?}", r.bad);
        assert!(r.bad[0].reason.contains("asset_tag"));
        assert!(r.bad[1].reason.contains("toaster"));
        assert!(r.bad[2].reason.contains("IP"));
        assert!(r.bad[3].reason.contains("twice"));
    }

    #[test]
    fn a_missing_required_column_is_named() {
        let err = import_devices(
            None,
            "name,ip\nx,1.2.3.4\n".as_bytes(),
            &ImportOptions::default(),
            0,
        )
        .unwrap_err();
        assert!(err.to_string().contains("asset_tag"), "{err}");
    }
}
