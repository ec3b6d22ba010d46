//! Which column of a ledger is which field. Offices name their columns in Chinese or English
//! and in many ways; the table below is the documented set (README, "Importing an asset
//! ledger"), matched ignoring case, spaces, underscores, hyphens and brackets. `--map
//! "Header=field"` names any other. A column that maps to no field is kept on the device as
//! an attribute under its header, so nothing the ledger holds is dropped.

/// Fields a column may map to.
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

/// Header names recognised for each field (besides the field's own name).
pub const HEADER_NAMES: [(&str, &[&str]); 17] = [
    (
        "asset_tag",
        &[
            "资产编号",
            "资产编码",
            "资产标签",
            "固定资产编号",
            "资产号",
            "asset tag",
            "asset no",
            "tag",
        ],
    ),
    (
        "device_type",
        &[
            "设备类型",
            "设备类别",
            "类型",
            "类别",
            "type",
            "device type",
        ],
    ),
    (
        "vendor",
        &[
            "品牌",
            "厂商",
            "厂家",
            "生产厂商",
            "制造商",
            "brand",
            "manufacturer",
        ],
    ),
    ("model", &["型号", "规格型号", "设备型号"]),
    (
        "serial",
        &[
            "序列号",
            "序列号sn",
            "sn",
            "s/n",
            "serial number",
            "serial no",
        ],
    ),
    ("ip", &["ip地址", "ip address"]),
    ("mac", &["mac地址", "mac address"]),
    ("site_id", &["站点id", "站点编号"]),
    ("customer_id", &["客户id", "客户编号"]),
    ("building", &["楼宇", "大楼", "楼栋", "建筑"]),
    ("floor", &["楼层"]),
    (
        "room",
        &[
            "房间",
            "位置",
            "存放位置",
            "使用位置",
            "安装位置",
            "location",
        ],
    ),
    ("rack", &["机柜", "机架", "机柜位置"]),
    (
        "os_version",
        &["操作系统", "系统版本", "os", "operating system"],
    ),
    ("firmware_version", &["固件版本", "固件", "firmware"]),
    (
        "warranty_end",
        &[
            "保修截止",
            "保修到期",
            "保修截止日期",
            "保修期至",
            "维保到期",
            "warranty",
            "warranty end",
        ],
    ),
    ("status", &["状态", "使用状态", "设备状态"]),
];

/// A header as compared: lower case, without spaces, `_`, `-` and brackets of either width.
fn normalise(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && !"_-()（）[]【】".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field a header names, from the table (not `--map`).
pub fn field_for_header(header: &str) -> Option<&'static str> {
    let h = normalise(header);
    HEADER_NAMES
        .iter()
        .find(|(field, names)| normalise(field) == h || names.iter().any(|n| normalise(n) == h))
        .map(|(field, _)| *field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_headers() {
        for (h, f) in [
            ("资产编号", "asset_tag"),
            (" 设备类型 ", "device_type"),
            ("品牌", "vendor"),
            ("型号", "model"),
            ("序列号(SN)", "serial"),
            ("序列号（SN）", "serial"),
            ("IP地址", "ip"),
            ("ip_address", "ip"),
            ("位置", "room"),
            ("保修截止日期", "warranty_end"),
            ("Asset Tag", "asset_tag"),
            ("asset_tag", "asset_tag"),
            ("\u{feff}资产编号", "asset_tag"),
        ] {
            assert_eq!(field_for_header(h), Some(f), "{h}");
        }
        assert_eq!(field_for_header("使用人"), None);
    }

    #[test]
    fn the_table_names_every_field_once() {
        let fields: Vec<&str> = HEADER_NAMES.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, IMPORT_FIELDS);
        let mut seen = std::collections::HashSet::new();
        for (_, names) in HEADER_NAMES {
            for n in names {
                assert!(seen.insert(normalise(n)), "{n} names two fields");
            }
        }
    }
}
