//! Cell values as offices write them: device types and statuses in Chinese or as the codes
//! fieldsync stores, dates as 2027-12-31, 2027/12/31, 2027.12.31 or 2027年12月31日.

/// Device types a ledger may name, as stored (the model owns the list).
pub use fieldsync::model::device::DEVICE_TYPES;

/// Chinese (and common English) names of each device type.
const DEVICE_TYPE_NAMES: [(&str, &[&str]); 16] = [
    ("server", &["服务器"]),
    ("switch", &["交换机"]),
    ("router", &["路由器"]),
    ("firewall", &["防火墙"]),
    ("storage", &["存储", "存储设备", "磁盘阵列", "nas"]),
    ("ups", &["不间断电源", "ups电源"]),
    ("pc", &["台式机", "台式电脑", "电脑", "计算机", "desktop"]),
    ("laptop", &["笔记本", "笔记本电脑", "notebook"]),
    ("printer", &["打印机", "复印机", "一体机"]),
    ("scanner", &["扫描仪"]),
    ("projector", &["投影仪"]),
    ("phone", &["电话", "电话机", "ip电话"]),
    ("camera", &["摄像头", "摄像机", "监控摄像头"]),
    ("access_point", &["无线ap", "ap", "无线接入点"]),
    ("monitor", &["显示器"]),
    ("other", &["其他", "其它"]),
];

/// Statuses as stored, with their Chinese names.
const STATUS_NAMES: [(&str, &[&str]); 4] = [
    ("in_service", &["在用", "使用中", "正常"]),
    ("spare", &["备用", "闲置", "库存"]),
    ("retired", &["报废", "停用"]),
    ("replaced", &["已更换", "更换"]),
];

fn lookup(table: &[(&'static str, &[&str])], value: &str) -> Option<&'static str> {
    let v = value.trim().to_lowercase();
    table
        .iter()
        .find(|(code, names)| *code == v || names.iter().any(|n| *n == v))
        .map(|(code, _)| *code)
}

/// The stored device type a cell names.
pub fn device_type(value: &str) -> Result<&'static str, String> {
    lookup(&DEVICE_TYPE_NAMES, value).ok_or_else(|| {
        format!(
            "device type {:?} is not one of {DEVICE_TYPES:?} (or 台式机, 笔记本, 打印机, 交换机, 服务器 …)",
            value.trim()
        )
    })
}

/// The stored status a cell names.
pub fn status(value: &str) -> Result<&'static str, String> {
    lookup(&STATUS_NAMES, value).ok_or_else(|| {
        format!(
            "status {:?} is not one of in_service/在用, spare/备用, retired/报废, replaced/已更换",
            value.trim()
        )
    })
}

/// A date as the ISO `YYYY-MM-DD` fieldsync stores.
pub fn date(value: &str) -> Result<String, String> {
    let v = value.trim();
    let unified: String = v
        .replace(['年', '月', '/', '.'], "-")
        .trim_end_matches('日')
        .to_owned();
    chrono::NaiveDate::parse_from_str(&unified, "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| format!("{v:?} is not a date (2027-12-31, 2027/12/31 or 2027年12月31日)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_types_in_chinese_and_as_codes() {
        for (v, t) in [
            ("台式机", "pc"),
            ("笔记本", "laptop"),
            ("打印机", "printer"),
            ("交换机", "switch"),
            ("服务器", "server"),
            (" UPS ", "ups"),
            ("Printer", "printer"),
            ("其它", "other"),
        ] {
            assert_eq!(device_type(v), Ok(t), "{v}");
        }
        assert!(device_type("烤面包机").unwrap_err().contains("烤面包机"));
        for t in DEVICE_TYPES {
            assert_eq!(device_type(t), Ok(t));
        }
    }

    #[test]
    fn statuses() {
        assert_eq!(status("在用"), Ok("in_service"));
        assert_eq!(status("报废"), Ok("retired"));
        assert_eq!(status("spare"), Ok("spare"));
        assert!(status("lost").is_err());
    }

    #[test]
    fn dates_as_offices_write_them() {
        for v in [
            "2027-12-31",
            "2027/12/31",
            "2027.12.31",
            "2027年12月31日",
            " 2027/1/5 ",
        ] {
            assert!(date(v).is_ok(), "{v}");
        }
        assert_eq!(date("2027年12月31日").unwrap(), "2027-12-31");
        assert_eq!(date("2027/1/5").unwrap(), "2027-01-05");
        assert!(date("2027年2月30日").is_err());
        assert!(date("next year").is_err());
    }
}
