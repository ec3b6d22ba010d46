//! 故障率 by hand: faults ÷ devices in service (overall, per category, per device class), the
//! category shares apart, and the scheme's 故障率考核 table.

use super::tests::{planned, samples, to_csv};
use super::*;
use crate::storage::{DeviceRecordRow, SiteRow};

fn device(
    id: &str,
    class: &str,
    customer: Option<&str>,
    site: Option<&str>,
    status: Option<&str>,
) -> DeviceRecordRow {
    DeviceRecordRow {
        doc_id: id.into(),
        asset_tag: id.to_uppercase(),
        device_type: class.into(),
        vendor: None,
        model: None,
        serial: None,
        ip: None,
        site_id: site.map(Into::into),
        customer_id: customer.map(Into::into),
        location: String::new(),
        status: status.map(Into::into),
    }
}

/// acme's CMDB: 2 switches, 20 printers (and a retired one), 3 servers, 25 PCs (five of them
/// recorded only by their site), a spare switch; another customer's PC.
fn fleet() -> Fleet {
    let mut rows = vec![
        device("sw1", "switch", Some("acme"), None, Some("in_service")),
        device("sw2", "switch", Some("acme"), None, None),
        device("sw3", "switch", Some("acme"), None, Some("spare")),
        device("prn-old", "printer", Some("acme"), None, Some("retired")),
        device("other-pc", "pc", Some("globex"), None, Some("in_service")),
    ];
    rows.extend((0..20).map(|i| device(&format!("prn{i}"), "printer", Some("acme"), None, None)));
    rows.extend((0..3).map(|i| device(&format!("srv{i}"), "server", Some("acme"), None, None)));
    rows.extend((0..20).map(|i| device(&format!("pc{i}"), "pc", Some("acme"), None, None)));
    rows.extend((20..25).map(|i| device(&format!("pc{i}"), "pc", None, Some("site-hq"), None)));
    let sites = [SiteRow {
        doc_id: "site-hq".into(),
        name: "HQ".into(),
        customer_id: "acme".into(),
        customer_name: "Acme".into(),
        address: String::new(),
    }];
    Fleet::of_customer("acme", &rows, &sites)
}

#[test]
fn fault_rates_by_hand() {
    let f = fleet();
    // 2 + 20 + 3 + 25 = 50 in service (the spare switch, the retired printer and globex's PC
    // are not).
    assert_eq!(f.in_service, 50);
    assert_eq!(f.by_class["switch"], 2);
    assert_eq!(f.by_class["pc"], 25);
    // The faults' devices as the CMDB classes them: A and H on the switch, B on a printer,
    // C on a printer and the switch, D on a server; the cancelled E on a server does not
    // count; October's G on a printer.
    let mut work = samples();
    let classes: [&[&str]; 10] = [
        &["switch"],
        &["printer"],
        &["printer", "switch"],
        &["server"],
        &["server"],
        &[],
        &["printer"],
        &["switch"],
        &[],
        &[],
    ];
    for (s, c) in work.iter_mut().zip(classes) {
        s.device_classes = c.iter().map(|c| c.to_string()).collect();
    }
    let records = Records {
        work_orders: work,
        inspections: Some(planned()),
        fleet: Some(f),
        ..Default::default()
    };
    let nov = Period::parse("2026-11").unwrap();
    let r = report("acme", &records, nov, 1_796_083_200_000); // 1 December 2026
    let k = &r.current;
    // November: 7 faults (A B C D H I K) on 50 devices = 14 %.
    assert_eq!(k.devices_in_service, Some(50));
    assert_eq!(k.fault_rate_pct, Some(14.0));
    // Per category, faults ÷ 50: network 2 → 4 %, security 1 → 2 %, software 2 → 4 %,
    // hardware 2 → 4 %, other 0 → 0 %. The shares stay apart: hardware 2 of 7 = 28.57 %.
    let rate = |c: &str| k.faults_by_category[c].rate_pct;
    assert_eq!(
        [
            rate("network"),
            rate("security"),
            rate("software"),
            rate("hardware"),
            rate("other")
        ],
        [Some(4.0), Some(2.0), Some(4.0), Some(4.0), Some(0.0)]
    );
    assert_eq!(k.faults_by_category["hardware"].share_pct, Some(28.57));
    // Per class: switch A, H, C = 3 faults on 2 switches = 150 %; printer B, C = 2 on 20 =
    // 10 %; server D = 1 on 3 = 33.33 %; PCs none of 25 = 0 %.
    let class = |c: &str| {
        let s = &k.fault_rate_by_class[c];
        (s.faults, s.devices, s.rate_pct)
    };
    assert_eq!(class("switch"), (3, 2, Some(150.0)));
    assert_eq!(class("printer"), (2, 20, Some(10.0)));
    assert_eq!(class("server"), (1, 3, Some(33.33)));
    assert_eq!(class("pc"), (0, 25, Some(0.0)));
    // October: G alone, 1 of 50 = 2 %; change +12 points.
    assert_eq!(r.previous.fault_rate_pct, Some(2.0));
    assert_eq!(r.change["fault_rate_pct"], Some(12.0));
    // The 故障率考核 table: columns total, network, security, software, hardware, other.
    let t = &r.fault_table;
    assert_eq!(
        t.columns,
        [
            "total", "network", "security", "software", "hardware", "other"
        ]
    );
    assert_eq!(t.faults, [7, 2, 1, 2, 2, 0]);
    let pcts: Vec<Option<f64>> = [14.0, 4.0, 2.0, 4.0, 4.0, 0.0].map(Some).to_vec();
    assert_eq!(t.fault_rate_pct, pcts);
    // This quarter (Q4 to the end of November): October's G joins: 8, network 3.
    assert_eq!(t.quarter, "2026-Q4");
    assert_eq!(t.quarter_faults, [8, 3, 1, 2, 2, 0]);
    // History: the five months June–October had G alone: 1 / 5 = 0.2 a month.
    assert_eq!(t.history_periods, 5);
    let hist: Vec<Option<f64>> = [0.2, 0.2, 0.0, 0.0, 0.0, 0.0].map(Some).to_vec();
    assert_eq!(t.history_mean, hist);
    let csv = String::from_utf8(to_csv(&r).unwrap()).unwrap();
    assert!(
        csv.contains("acme,fault_rate_pct,14,2,0,0,0,0,12\n"),
        "{csv}"
    );
    assert!(
        csv.contains("acme,fault_rate_hardware_pct,4,0,0,0,0,0,4\n"),
        "{csv}"
    );
    assert!(
        csv.contains("acme,fault_share_hardware_pct,28.57,0,,,,,28.57\n"),
        "{csv}"
    );
    // Without a CMDB count there is no rate, only the shares.
    let none = Records {
        fleet: None,
        ..records
    };
    let k = compute(&none, nov, 0);
    assert_eq!((k.fault_rate_pct, k.devices_in_service), (None, None));
    assert!(k.fault_rate_by_class.is_empty());
    assert_eq!(k.faults_by_category["network"].share_pct, Some(28.57));
}
