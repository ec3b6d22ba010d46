//! `import devices <file>`: an office's asset ledger becomes device records, as a census
//! should: in whatever encoding Excel saved it ([`decode`]), with Chinese or English column
//! names ([`columns`]) and values ([`values`]); **atomic** — every row is checked first, each
//! bad row reported with its line and reason, and the good ones stored in one transaction (all
//! or none, even if the process is killed); **idempotent** — a device is identified by its
//! asset tag, then its serial number, so importing the same ledger again updates the records
//! (as Automerge changes that merge with engineers' edits) instead of duplicating them.

pub mod columns;
pub mod decode;
pub mod values;

use crate::hub::{BatchOutcome, BatchWrite, Hub, HubError};
use columns::IMPORT_FIELDS;
use decode::SourceEncoding;
use fieldsync::model::{self, DeviceRecord, device::Location};
use fieldsync::{DocId, DocKind, TimestampMs};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

pub use values::DEVICE_TYPES;

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Column header → field (see [`IMPORT_FIELDS`]); other headers are looked up in
    /// [`columns::HEADER_NAMES`].
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
    pub encoding: Option<SourceEncoding>,
    /// Headers kept as device attributes (no field of their own).
    pub attribute_columns: Vec<String>,
    pub rows: usize,
    pub good: usize,
    pub bad: Vec<RowError>,
    /// New device records.
    pub written: usize,
    /// Existing records (same asset tag or serial) the ledger changed.
    pub updated: usize,
    /// Existing records already as the ledger says.
    pub unchanged: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file cannot be read: {0}")]
    Read(String),
    #[error("the file is not readable CSV: {0}")]
    Csv(String),
    #[error("{0}")]
    Mapping(String),
    #[error(transparent)]
    Hub(#[from] HubError),
}

/// What one column holds.
#[derive(Clone, Debug, PartialEq)]
enum Column {
    Field(&'static str),
    /// Kept as an attribute under this header.
    Attribute(String),
    Empty,
}

/// One good row: the record it describes and the attributes its other columns hold.
struct Row {
    line: u64,
    record: DeviceRecord,
}

/// A device already on the server, as the import identifies it.
struct Known {
    id: DocId,
    asset_tag: String,
}

fn row_to_record(
    fields: &HashMap<&'static str, String>,
    attributes: BTreeMap<String, String>,
) -> Result<DeviceRecord, String> {
    let get = |k: &str| {
        fields
            .get(k)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let asset_tag = get("asset_tag").ok_or("asset_tag is empty")?;
    let device_type = values::device_type(&get("device_type").ok_or("device_type is empty")?)?;
    if let Some(ip) = get("ip")
        && ip.parse::<std::net::IpAddr>().is_err()
    {
        return Err(format!("ip {ip:?} is not an IP address"));
    }
    let warranty_end = get("warranty_end")
        .map(|d| values::date(&d).map_err(|e| format!("warranty_end {e}")))
        .transpose()?;
    if let Some(s) = get("site_id")
        && s.parse::<DocId>().is_err()
    {
        return Err(format!("site_id {s:?} is not a UUID"));
    }
    let status = get("status").map(|s| values::status(&s)).transpose()?;
    Ok(DeviceRecord {
        asset_tag,
        device_type: device_type.into(),
        vendor: get("vendor"),
        model: get("model"),
        serial: get("serial"),
        ip: get("ip"),
        mac: get("mac"),
        site_id: get("site_id"),
        customer_id: get("customer_id"),
        os_version: get("os_version"),
        firmware_version: get("firmware_version"),
        warranty_end,
        status: status.map(String::from),
        location: Location {
            building: get("building"),
            floor: get("floor"),
            room: get("room"),
            rack: get("rack"),
        },
        attributes,
        ..Default::default()
    })
}

/// What each header is: `--map` first, then the documented names, else an attribute.
fn columns_of(
    headers: &csv::StringRecord,
    opts: &ImportOptions,
) -> Result<Vec<Column>, ImportError> {
    for field in opts.mapping.values() {
        if !IMPORT_FIELDS.contains(&field.as_str()) {
            return Err(ImportError::Mapping(format!(
                "unknown field {field:?} in the column mapping (fields: {IMPORT_FIELDS:?})"
            )));
        }
    }
    let columns: Vec<Column> = headers
        .iter()
        .map(|h| {
            let h = h.trim().trim_start_matches('\u{feff}');
            let mapped = opts
                .mapping
                .get(h)
                .and_then(|f| IMPORT_FIELDS.iter().copied().find(|x| x == f));
            match mapped.or_else(|| columns::field_for_header(h)) {
                Some(f) => Column::Field(f),
                None if h.is_empty() => Column::Empty,
                None => Column::Attribute(h.to_owned()),
            }
        })
        .collect();
    for required in ["asset_tag", "device_type"] {
        if !columns.contains(&Column::Field(required)) {
            return Err(ImportError::Mapping(format!(
                "no column maps to {required:?} (headers: {:?}); name it e.g. 资产编号 / 设备类型, \
                 or pass --map \"Header={required}\"",
                headers.iter().collect::<Vec<_>>()
            )));
        }
    }
    Ok(columns)
}

/// Check (and unless `dry_run`, import) a device ledger. `hub` may be `None` for a dry run.
pub fn import_devices(
    hub: Option<&Hub>,
    mut input: impl Read,
    opts: &ImportOptions,
    now: TimestampMs,
) -> Result<ImportReport, ImportError> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| ImportError::Read(e.to_string()))?;
    let (text, encoding) = decode::decode(&bytes).map_err(ImportError::Read)?;
    drop(bytes);
    // Excel ends lines with CRLF, on which the csv reader's line numbers run one short.
    let text = text.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .delimiter(decode::delimiter(&text))
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ImportError::Csv(e.to_string()))?
        .clone();
    let columns = columns_of(&headers, opts)?;
    let mut report = ImportReport {
        encoding: Some(encoding),
        attribute_columns: columns
            .iter()
            .filter_map(|c| match c {
                Column::Attribute(h) => Some(h.clone()),
                _ => None,
            })
            .collect(),
        ..Default::default()
    };
    let mut rows = Vec::new();
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
        let mut fields = HashMap::new();
        let mut attributes = BTreeMap::new();
        for (c, v) in columns.iter().zip(record.iter()) {
            match c {
                Column::Field(f) => {
                    fields.insert(*f, v.to_owned());
                }
                Column::Attribute(h) if !v.trim().is_empty() => {
                    attributes.insert(h.clone(), v.trim().to_owned());
                }
                Column::Attribute(_) | Column::Empty => {}
            }
        }
        match row_to_record(&fields, attributes) {
            Ok(record) => rows.push(Row { line, record }),
            Err(reason) => report.bad.push(RowError { line, reason }),
        }
    }
    let known = match hub {
        Some(hub) => known_devices(hub)?,
        None => Vec::new(),
    };
    let targets = identify(&rows, &known, &mut report.bad);
    report.bad.sort_by_key(|b| b.line);
    report.good = targets.len();
    if opts.dry_run || (!report.bad.is_empty() && !opts.skip_bad_rows) {
        return Ok(report);
    }
    let Some(hub) = hub else {
        return Ok(report);
    };
    let writes = targets
        .into_iter()
        .map(|(record, existing)| write_for(record, existing, now))
        .collect();
    let BatchOutcome {
        created,
        edited,
        unchanged,
    } = hub.write_all(writes, now)?;
    (report.written, report.updated, report.unchanged) = (created, edited, unchanged);
    Ok(report)
}

/// Every device record on the server, with its serial.
fn known_devices(hub: &Hub) -> Result<Vec<(Known, Option<String>)>, ImportError> {
    let rows = hub.db().blocking().device_keys().map_err(HubError::from)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, asset_tag, serial)| {
            Some((
                Known {
                    id: id.parse().ok()?,
                    asset_tag,
                },
                serial,
            ))
        })
        .collect())
}

/// Serial numbers compare without case or surrounding spaces.
fn serial_key(s: &str) -> String {
    s.trim().to_uppercase()
}

/// Which device each good row is: an existing one (same asset tag, else same serial) or a new
/// one. Rows that contradict each other or the server are moved to `bad`.
fn identify(
    rows: &[Row],
    known: &[(Known, Option<String>)],
    bad: &mut Vec<RowError>,
) -> Vec<(DeviceRecord, Option<DocId>)> {
    let by_tag: HashMap<&str, &Known> = known
        .iter()
        .map(|(k, _)| (k.asset_tag.as_str(), k))
        .collect();
    let by_serial: HashMap<String, &Known> = known
        .iter()
        .filter_map(|(k, s)| s.as_deref().map(|s| (serial_key(s), k)))
        .collect();
    let mut tag_line: HashMap<&str, u64> = HashMap::new();
    let mut serial_line: HashMap<String, u64> = HashMap::new();
    let mut out = Vec::new();
    for row in rows {
        let rec = &row.record;
        let fail = |reason: String| RowError {
            line: row.line,
            reason,
        };
        if let Some(first) = tag_line.insert(&rec.asset_tag, row.line) {
            bad.push(fail(format!(
                "asset_tag {:?} appears twice in the file (line {first})",
                rec.asset_tag
            )));
            continue;
        }
        let serial = rec.serial.as_deref().map(serial_key);
        if let Some(s) = &serial
            && let Some(first) = serial_line.insert(s.clone(), row.line)
        {
            bad.push(fail(format!(
                "serial {s:?} appears twice in the file (line {first})"
            )));
            continue;
        }
        let tag_match = by_tag.get(rec.asset_tag.as_str()).copied();
        let serial_match = serial.as_ref().and_then(|s| by_serial.get(s).copied());
        let existing = match (tag_match, serial_match) {
            (Some(t), Some(s)) if t.id != s.id => {
                bad.push(fail(format!(
                    "serial {:?} belongs to device {:?}, not to {:?}",
                    rec.serial.as_deref().unwrap_or_default(),
                    s.asset_tag,
                    rec.asset_tag
                )));
                continue;
            }
            (Some(t), _) => Some(t.id),
            (None, Some(s)) => Some(s.id),
            (None, None) => None,
        };
        out.push((rec.clone(), existing));
    }
    out
}

/// The write for one row: a new record, or the ledger's non-empty cells set on the existing
/// one (an empty cell never clears what an engineer recorded on site).
fn write_for(record: DeviceRecord, existing: Option<DocId>, now: TimestampMs) -> BatchWrite {
    match existing {
        None => {
            let id = DocId::new();
            let mut record = record;
            record.status.get_or_insert_with(|| "in_service".into());
            BatchWrite::Create {
                id,
                kind: DocKind::Device,
                write: Box::new(move |d| model::device::create_device(d, id, &record, now)),
            }
        }
        Some(id) => BatchWrite::Edit {
            id,
            write: Box::new(move |d| {
                let current = DeviceRecord::from_doc(d)?;
                for f in field_values(&record, &current) {
                    if f.ledger.is_some() && f.ledger != f.current {
                        model::device::set_device_field(d, &f.path, f.ledger.as_deref(), now)?;
                    }
                }
                Ok(())
            }),
        },
    }
}

/// A field an import may set: its path (as `set_device_field` takes it), the ledger's value
/// and the record's current one.
struct FieldValue {
    path: String,
    ledger: Option<String>,
    current: Option<String>,
}

/// Every field an import may set, with the ledger's and the record's values.
fn field_values(new: &DeviceRecord, cur: &DeviceRecord) -> Vec<FieldValue> {
    let v = |path: &str, ledger: &Option<String>, current: &Option<String>| FieldValue {
        path: path.into(),
        ledger: ledger.clone(),
        current: current.clone(),
    };
    let (nl, cl) = (&new.location, &cur.location);
    let mut out = vec![
        v(
            "asset_tag",
            &Some(new.asset_tag.clone()),
            &Some(cur.asset_tag.clone()),
        ),
        v(
            "device_type",
            &Some(new.device_type.clone()),
            &Some(cur.device_type.clone()),
        ),
        v("vendor", &new.vendor, &cur.vendor),
        v("model", &new.model, &cur.model),
        v("serial", &new.serial, &cur.serial),
        v("ip", &new.ip, &cur.ip),
        v("mac", &new.mac, &cur.mac),
        v("site_id", &new.site_id, &cur.site_id),
        v("customer_id", &new.customer_id, &cur.customer_id),
        v("os_version", &new.os_version, &cur.os_version),
        v(
            "firmware_version",
            &new.firmware_version,
            &cur.firmware_version,
        ),
        v("warranty_end", &new.warranty_end, &cur.warranty_end),
        v("status", &new.status, &cur.status),
        v("location.building", &nl.building, &cl.building),
        v("location.floor", &nl.floor, &cl.floor),
        v("location.room", &nl.room, &cl.room),
        v("location.rack", &nl.rack, &cl.rack),
    ];
    for (k, value) in &new.attributes {
        out.push(v(
            &format!("attributes.{k}"),
            &Some(value.clone()),
            &cur.attributes.get(k).cloned(),
        ));
    }
    out
}

#[cfg(test)]
mod tests;
