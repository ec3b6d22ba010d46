//! App search with Chinese text: 5,000 devices and 1,000 knowledge articles, queried with
//! 1-, 2-, 3+-character and mixed Chinese/Latin words. Words shorter than a trigram are
//! checked row by row (`instr`), so this is where the scan's cost shows.

use crate::report::{Table, ms, percentile};
use fieldsync::DocKind;
use fieldsync::model::device::Location;
use fieldsync::model::{DeviceRecord, device, knowledge};
use fieldsync::store::LocalStore;
use std::time::{Duration, Instant};

const T0: i64 = 1_750_000_000_000;
const DEVICES: usize = 5_000;
const ARTICLES: usize = 1_000;
/// Times each query is run, so the percentiles have a few hundred samples per class.
const ROUNDS: usize = 20;

/// Words field engineers write in knowledge articles.
const WORDS: &[&str] = &[
    "网络",
    "打印机",
    "打印",
    "卡纸",
    "蓝屏",
    "病毒",
    "硬盘",
    "服务器",
    "交换机",
    "路由器",
    "无线",
    "密码",
    "重启",
    "故障",
    "硒鼓",
    "驱动",
    "更新",
    "系统",
    "登录",
    "账号",
    "邮箱",
    "防火墙",
    "端口",
    "光纤",
    "机房",
    "电源",
    "风扇",
    "内存",
    "主板",
    "显示器",
    "键盘",
    "鼠标",
    "备份",
    "恢复",
    "数据库",
    "补丁",
    "权限",
    "共享",
    "文件夹",
    "扫描",
    "复印",
    "投影仪",
    "会议室",
    "摄像头",
    "门禁",
    "考勤",
    "报错",
    "无法",
    "连接",
    "检查",
    "更换",
    "HP",
    "M404",
    "LaserJet",
    "Win10",
    "Windows",
    "Outlook",
    "VPN",
    "DNS",
    "DHCP",
    "0x0000007B",
];

const VENDORS: &[&str] = &["HP", "华为", "联想", "戴尔", "新华三", "思科", "佳能"];
const TYPES: &[(&str, &str)] = &[
    ("printer", "LaserJet M404dn 激光打印机"),
    ("switch", "S5735 千兆交换机"),
    ("pc", "ThinkCentre M720 台式机"),
    ("server", "PowerEdge R740 服务器"),
    ("router", "AR6120 路由器"),
    ("access_point", "AirEngine 无线接入点"),
];
const BUILDINGS: &[&str] = &["总部大楼", "研发中心", "分部A座", "仓库"];
const ROOMS: &[&str] = &[
    "网络机房",
    "三楼打印室",
    "财务室",
    "会议室",
    "前台",
    "档案室",
];

/// The query mix: (class, queries).
const QUERIES: &[(&str, &[&str])] = &[
    ("1 char", &["网", "印", "盘", "屏", "毒", "机"]),
    ("2 chars", &["网络", "打印", "蓝屏", "病毒", "硬盘", "卡纸"]),
    (
        "3+ chars",
        &["打印机", "服务器", "交换机", "LaserJet", "数据库"],
    ),
    (
        "mixed",
        &[
            "打印机 卡纸",
            "HP 打印",
            "M404",
            "华为 交换机",
            "网络 故障 重启",
            "Win10 蓝屏",
        ],
    ),
];

/// A deterministic generator (xorshift), so every run indexes the same text.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }

    /// `n` words, Chinese style: no spaces between Chinese words, some punctuation.
    fn sentence(&mut self, n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            let w = self.pick(WORDS);
            if w.is_ascii() {
                s.push(' ');
                s.push_str(w);
                s.push(' ');
            } else {
                s.push_str(w);
            }
            if i % 6 == 5 {
                s.push('，');
            }
        }
        s.push('。');
        s
    }
}

fn fill(store: &mut LocalStore) -> anyhow::Result<()> {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for i in 0..DEVICES {
        let (device_type, model) = TYPES[rng.below(TYPES.len())];
        let rec = DeviceRecord {
            asset_tag: format!("{}-{i:05}", device_type.to_uppercase()),
            device_type: device_type.into(),
            vendor: Some(rng.pick(VENDORS).into()),
            model: Some(model.into()),
            serial: Some(format!("SN{i:08}")),
            ip: Some(format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256)),
            location: Location {
                building: Some(rng.pick(BUILDINGS).into()),
                floor: Some(format!("{}F", 1 + rng.below(12))),
                room: Some(rng.pick(ROOMS).into()),
                rack: None,
            },
            ..Default::default()
        };
        store.create(DocKind::Device, T0, |d, id| {
            device::create_device(d, id, &rec, T0)
        })?;
    }
    for _ in 0..ARTICLES {
        let title = format!("{}{}{}", rng.pick(WORDS), rng.pick(WORDS), rng.pick(WORDS));
        let (words_a, words_b) = (20 + rng.below(40), 20 + rng.below(60));
        let symptoms = rng.sentence(words_a);
        let solution = rng.sentence(words_b);
        store.create(DocKind::Knowledge, T0, |d, id| {
            knowledge::create_article(d, id, &title, &symptoms, &solution, None, T0)
        })?;
    }
    Ok(())
}

/// Bytes of the full-text table (index and its copy of the text), from SQLite's `dbstat`.
fn search_table_bytes(path: &std::path::Path) -> anyhow::Result<(i64, i64)> {
    let conn = rusqlite::Connection::open(path)?;
    let index: i64 = conn.query_row(
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ('search_data', 'search_idx')",
        [],
        |r| r.get(0),
    )?;
    let all: i64 = conn.query_row(
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'search%'",
        [],
        |r| r.get(0),
    )?;
    Ok((index, all))
}

pub fn run() -> anyhow::Result<Table> {
    let dir = tempfile::tempdir()?;
    let seeding = Instant::now();
    {
        let mut store = LocalStore::open(dir.path())?;
        fill(&mut store)?;
    }
    let seeding = seeding.elapsed();
    let db = dir.path().join("store.sqlite3");
    let (index_bytes, table_bytes) = search_table_bytes(&db)?;
    let file_bytes = std::fs::metadata(&db)?.len();

    let store = LocalStore::open(dir.path())?;
    let mut t = Table::new(&format!(
        "app search: {DEVICES} devices + {ARTICLES} knowledge articles, Chinese text"
    ));
    t.row("seeding the store (not budgeted)", ms(seeding), "-", None);
    t.row(
        "full-text index (search_data + search_idx)",
        format!("{:.1} MiB", index_bytes as f64 / 1048576.0),
        "-",
        None,
    );
    t.row(
        "full-text table with its text copy / whole store file",
        format!(
            "{:.1} MiB / {:.1} MiB",
            table_bytes as f64 / 1048576.0,
            file_bytes as f64 / 1048576.0
        ),
        "-",
        None,
    );
    let mut everything = Vec::new();
    for (class, queries) in QUERIES {
        for (what, limit) in [("devices", Some(10_000)), ("knowledge", None)] {
            let mut times = Vec::with_capacity(ROUNDS * queries.len());
            let mut hits = 0;
            for _ in 0..ROUNDS {
                for q in *queries {
                    let start = Instant::now();
                    hits += match limit {
                        Some(limit) => store.search_devices(q, limit)?.len(),
                        None => store.search_knowledge(q)?.len(),
                    };
                    times.push(start.elapsed());
                }
            }
            times.sort();
            let p99 = percentile(&times, 0.99);
            t.row(
                &format!("{what}, {class} ({}): p50 / p99", queries.join(", ")),
                format!(
                    "{} / {} ({} hits per query)",
                    ms(percentile(&times, 0.5)),
                    ms(p99),
                    hits / times.len()
                ),
                "p99 < 20 ms",
                Some(p99 < Duration::from_millis(20)),
            );
            everything.extend(times);
        }
    }
    everything.sort();
    let p99 = percentile(&everything, 0.99);
    t.row(
        "all queries: p50 / p99",
        format!("{} / {}", ms(percentile(&everything, 0.5)), ms(p99)),
        "p99 < 20 ms",
        Some(p99 < Duration::from_millis(20)),
    );
    Ok(t)
}
