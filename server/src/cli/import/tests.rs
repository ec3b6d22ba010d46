//! The import checked row by row without a server, and against a real hub: a ledger saved by
//! Excel on a Chinese Windows, imported twice (no duplicates), changed (an update, not a new
//! device), contradicting itself (nothing written), and a batch that fails half-way (nothing
//! written).

use super::*;
use crate::hub::HubConfig;
use crate::storage;

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

/// A hub on a fresh SQLite file (or a scratch PostgreSQL database when
/// `FIELDSYNC_TEST_POSTGRES_URL` is set, see `on_both`).
fn hub_on(
    url: Option<&str>,
) -> (
    Hub,
    tempfile::TempDir,
    Option<storage::postgres::scratch::ScratchDb>,
) {
    let dir = tempfile::tempdir().unwrap();
    let pg = url.map(|u| storage::postgres::scratch::ScratchDb::create(u).unwrap());
    let db_url = match &pg {
        Some(p) => p.url.clone(),
        None => storage::url_for_data_dir(dir.path()),
    };
    let db = storage::open(&db_url).unwrap();
    (Hub::new(db, HubConfig::default()).unwrap(), dir, pg)
}

/// What Excel saves as "CSV" on a Chinese Windows: GBK, Chinese headers and values, a column
/// fieldsync has no field for (使用人), dates with slashes and 年月日.
fn gbk_ledger(rows: &[&str]) -> Vec<u8> {
    let mut text =
        String::from("资产编号,设备类型,品牌,型号,序列号,IP地址,位置,使用人,保修截止,状态\r\n");
    for r in rows {
        text.push_str(r);
        text.push_str("\r\n");
    }
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

const ROWS: [&str; 3] = [
    "ZC-001,台式机,联想,ThinkCentre M720,SN001,10.1.3.21,3楼财务部,王丽,2027/12/31,在用",
    "ZC-002,笔记本,戴尔,Latitude 5420,SN002,,5楼会议室,张敏,2027年6月30日,",
    "ZC-003,打印机,惠普,LaserJet M404,SN003,10.1.3.50,3楼财务部,,,备用",
];

fn devices(hub: &Hub) -> Vec<crate::storage::DeviceRecordRow> {
    let mut rows = hub.db().blocking().list_device_records(None, 1000).unwrap();
    rows.sort_by(|a, b| a.asset_tag.cmp(&b.asset_tag));
    rows
}

fn record(hub: &Hub, id: &str) -> DeviceRecord {
    let (_, doc) = hub.load(id.parse().unwrap()).unwrap().unwrap();
    DeviceRecord::from_doc(&doc).unwrap()
}

fn a_chinese_ledger_imports_once_and_updates_on_reimport(url: Option<&str>) {
    let (hub, _dir, _pg) = hub_on(url);
    let opts = ImportOptions::default();
    let r = import_devices(Some(&hub), gbk_ledger(&ROWS).as_slice(), &opts, 1).unwrap();
    assert_eq!(r.encoding, Some(SourceEncoding::Gb18030));
    assert_eq!(r.attribute_columns, vec!["使用人".to_string()]);
    assert_eq!(
        (r.rows, r.good, r.bad.len(), r.written),
        (3, 3, 0, 3),
        "{:?}",
        r.bad
    );
    let rows = devices(&hub);
    let types: Vec<&str> = rows.iter().map(|d| d.device_type.as_str()).collect();
    assert_eq!(types, ["pc", "laptop", "printer"]);
    let first = record(&hub, &rows[0].doc_id);
    assert_eq!(first.vendor.as_deref(), Some("联想"));
    assert_eq!(first.warranty_end.as_deref(), Some("2027-12-31"));
    assert_eq!(first.location.room.as_deref(), Some("3楼财务部"));
    assert_eq!(
        first.attributes.get("使用人").map(String::as_str),
        Some("王丽")
    );
    assert_eq!(first.status.as_deref(), Some("in_service"));
    assert_eq!(
        record(&hub, &rows[1].doc_id).warranty_end.as_deref(),
        Some("2027-06-30")
    );
    assert_eq!(
        record(&hub, &rows[2].doc_id).status.as_deref(),
        Some("spare")
    );

    // The same file again: nothing new, nothing changed.
    let r = import_devices(Some(&hub), gbk_ledger(&ROWS).as_slice(), &opts, 2).unwrap();
    assert_eq!((r.written, r.updated, r.unchanged), (0, 0, 3));
    assert_eq!(devices(&hub).len(), 3);

    // The laptop moved; the printer was re-tagged (found by its serial): updates, same ids.
    let moved = [
        ROWS[0],
        "ZC-002,笔记本,戴尔,Latitude 5420,SN002,,6楼档案室,张敏,2027年6月30日,",
        "ZC-103,打印机,惠普,LaserJet M404,sn003,10.1.3.50,3楼财务部,,,备用",
    ];
    let r = import_devices(Some(&hub), gbk_ledger(&moved).as_slice(), &opts, 3).unwrap();
    assert_eq!(
        (r.written, r.updated, r.unchanged),
        (0, 2, 1),
        "{:?}",
        r.bad
    );
    let after = devices(&hub);
    assert_eq!(after.len(), 3);
    let ids: Vec<&str> = rows.iter().map(|d| d.doc_id.as_str()).collect();
    for d in &after {
        assert!(
            ids.contains(&d.doc_id.as_str()),
            "{} is a new device",
            d.asset_tag
        );
    }
    let laptop = after.iter().find(|d| d.asset_tag == "ZC-002").unwrap();
    assert_eq!(
        record(&hub, &laptop.doc_id).location.room.as_deref(),
        Some("6楼档案室")
    );
    assert!(after.iter().any(|d| d.asset_tag == "ZC-103"));

    // The laptop's row naming the PC's serial contradicts the server: reported (with its
    // line: the header is line 1), nothing written, not even the good row before it.
    let clash = [
        "ZC-001,台式机,联想,ThinkCentre M720,SN001,10.1.3.99,3楼财务部,王丽,2027/12/31,在用",
        "ZC-002,笔记本,戴尔,Latitude 5420,SN003,,6楼档案室,张敏,,",
    ];
    let r = import_devices(Some(&hub), gbk_ledger(&clash).as_slice(), &opts, 4).unwrap();
    assert_eq!(r.bad.len(), 1, "{:?}", r.bad);
    assert!(r.bad[0].reason.contains("belongs to"), "{:?}", r.bad);
    assert_eq!(r.bad[0].line, 3);
    let pc = devices(&hub)
        .into_iter()
        .find(|d| d.asset_tag == "ZC-001")
        .unwrap();
    assert_eq!(
        pc.ip.as_deref(),
        Some("10.1.3.21"),
        "the good row was not written either"
    );
    assert_eq!((r.written, r.updated), (0, 0));
    assert_eq!(devices(&hub).len(), 3);
}

#[test]
fn a_chinese_ledger_imports_once_and_updates_on_reimport_on_sqlite() {
    a_chinese_ledger_imports_once_and_updates_on_reimport(None);
}

#[test]
fn a_chinese_ledger_imports_once_and_updates_on_reimport_on_postgres() {
    if let Some(url) = crate::testing::test_url_or_skip("a_chinese_ledger_imports_once…") {
        a_chinese_ledger_imports_once_and_updates_on_reimport(Some(&url));
    }
}

#[test]
fn duplicate_serials_in_one_file_are_refused() {
    let csv = "资产编号,设备类型,序列号\nA-1,台式机,X1\nA-2,台式机,x1 \n";
    let opts = ImportOptions {
        dry_run: true,
        ..Default::default()
    };
    let r = import_devices(None, csv.as_bytes(), &opts, 0).unwrap();
    assert_eq!(r.bad.len(), 1);
    assert_eq!(r.bad[0].line, 3);
    assert!(r.bad[0].reason.contains("twice"), "{:?}", r.bad);
}

/// The batch behind the import is all or nothing: one write that cannot be stored (its
/// document exists already) and the new device before it is not stored either.
#[test]
fn a_batch_that_fails_half_way_stores_nothing() {
    let (hub, _dir, _pg) = hub_on(None);
    let taken = DocId::new();
    let device = |tag: &str| DeviceRecord {
        asset_tag: tag.into(),
        device_type: "pc".into(),
        ..Default::default()
    };
    let d = device("A-0");
    hub.create_doc(taken, DocKind::Device, None, 1, |doc| {
        model::device::create_device(doc, taken, &d, 1)
    })
    .unwrap();
    let fresh = DocId::new();
    let (a, b) = (device("A-1"), device("A-2"));
    let writes = vec![
        BatchWrite::Create {
            id: fresh,
            kind: DocKind::Device,
            write: Box::new(move |doc| model::device::create_device(doc, fresh, &a, 2)),
        },
        BatchWrite::Create {
            id: taken,
            kind: DocKind::Device,
            write: Box::new(move |doc| model::device::create_device(doc, taken, &b, 2)),
        },
    ];
    let err = hub.write_all(writes, 2).unwrap_err();
    assert!(err.to_string().contains("nothing was stored"), "{err}");
    assert!(hub.load(fresh).unwrap().is_none());
    assert_eq!(devices(&hub).len(), 1);
}

/// Line numbers count the header as line 1, with Windows line ends too (Excel writes CRLF).
#[test]
fn bad_rows_name_their_line_with_crlf_line_ends() {
    let opts = ImportOptions {
        dry_run: true,
        ..Default::default()
    };
    for nl in ["\n", "\r\n"] {
        let csv = ["资产编号,设备类型", "A-1,台式机", "A-2,烤面包机", "A-3,pc"].join(nl);
        let r = import_devices(None, csv.as_bytes(), &opts, 0).unwrap();
        let lines: Vec<u64> = r.bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, vec![3], "{nl:?}");
    }
}

/// More devices than any screen list shows (those stop at 10,000): a second import still
/// finds every one of them and adds nothing.
#[test]
fn a_ledger_of_more_than_ten_thousand_devices_imports_once() {
    let (hub, _dir, _pg) = hub_on(None);
    let mut csv = String::from("资产编号,设备类型,序列号\n");
    for i in 0..10_050 {
        csv.push_str(&format!("ZC-{i:05},台式机,SN{i:05}\n"));
    }
    let opts = ImportOptions::default();
    let r = import_devices(Some(&hub), csv.as_bytes(), &opts, 1).unwrap();
    assert_eq!(r.written, 10_050);
    let r = import_devices(Some(&hub), csv.as_bytes(), &opts, 2).unwrap();
    assert_eq!((r.written, r.unchanged), (0, 10_050));
}
