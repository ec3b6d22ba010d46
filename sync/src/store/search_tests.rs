//! Search finds what a case-insensitive substring search finds — Chinese words of one or two
//! characters, mixed Chinese/Latin/digit queries, every word required — and ranks title hits
//! first; existing databases are re-indexed by the migration.

use super::search::fold;
use super::*;
use crate::model::{DeviceRecord, device, knowledge};
use proptest::prelude::*;
use std::collections::BTreeSet;

const T0: TimestampMs = 1_750_000_000_000;

fn add_article(store: &mut LocalStore, title: &str, text: &str) -> DocId {
    store
        .create(DocKind::Knowledge, T0, |d, id| {
            knowledge::create_article(d, id, title, text, "", None, T0)
        })
        .unwrap()
}

fn add_device(store: &mut LocalStore, tag: &str, device_type: &str, model: &str) -> DocId {
    let rec = DeviceRecord {
        asset_tag: tag.into(),
        device_type: device_type.into(),
        model: Some(model.into()),
        ..Default::default()
    };
    store
        .create(DocKind::Device, T0, |d, id| {
            device::create_device(d, id, &rec, T0)
        })
        .unwrap()
}

fn titles(store: &LocalStore, query: &str) -> Vec<String> {
    let rows = store.search_knowledge(query).unwrap();
    rows.into_iter().map(|r| r.title).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// A small knowledge base of the kind field engineers keep.
fn knowledge_base() -> LocalStore {
    let mut store = LocalStore::open_in_memory().unwrap();
    for (title, text) in [
        ("打印机卡纸处理", "打开后盖，取出卡纸，检查搓纸轮"),
        ("打印机驱动安装", "下载 HP 官方驱动"),
        ("HP LaserJet M404 打印模糊", "更换硒鼓；清洁定影组件"),
        ("网络不通排查", "检查网线、交换机端口和 IP 地址"),
        ("蓝屏 0x0000007B", "硬盘模式改为 AHCI"),
        ("病毒清除", "断网后全盘扫描"),
        ("HP 服务器硬盘告警", "更换故障硬盘，重建阵列"),
    ] {
        add_article(&mut store, title, text);
    }
    store
}

#[test]
fn a_two_character_word_finds_only_its_articles() {
    let store = knowledge_base();
    assert_eq!(
        sorted(titles(&store, "打印")),
        [
            "HP LaserJet M404 打印模糊",
            "打印机卡纸处理",
            "打印机驱动安装"
        ]
    );
    assert_eq!(titles(&store, "病毒"), ["病毒清除"]);
    assert_eq!(
        sorted(titles(&store, "硬盘")),
        ["HP 服务器硬盘告警", "蓝屏 0x0000007B"]
    );
    assert!(titles(&store, "鼠标").is_empty());
}

#[test]
fn one_character_finds_every_word_holding_it() {
    let store = knowledge_base();
    // 网 is in 网络 and in 网线 (body) and in 断网 (body).
    assert_eq!(sorted(titles(&store, "网")), ["病毒清除", "网络不通排查"]);
    assert_eq!(titles(&store, "印").len(), 3);
}

#[test]
fn every_word_of_the_query_must_match() {
    let store = knowledge_base();
    assert_eq!(titles(&store, "打印机 卡纸"), ["打印机卡纸处理"]);
    // The full-width space of Chinese input methods separates words too.
    assert_eq!(titles(&store, "打印机\u{3000}卡纸"), ["打印机卡纸处理"]);
    assert!(titles(&store, "打印机 病毒").is_empty());
}

#[test]
fn mixed_latin_chinese_and_digit_queries() {
    let store = knowledge_base();
    // Both words in the title first; 打印 in the title and HP in the text after.
    let both = ["HP LaserJet M404 打印模糊", "打印机驱动安装"];
    assert_eq!(titles(&store, "HP 打印"), both);
    assert_eq!(titles(&store, "hp 打印"), both);
    assert_eq!(
        titles(&store, "HP 打印 M404"),
        ["HP LaserJet M404 打印模糊"]
    );
    assert_eq!(titles(&store, "m404"), ["HP LaserJet M404 打印模糊"]);
    assert_eq!(titles(&store, "7b"), ["蓝屏 0x0000007B"]);
    assert_eq!(
        sorted(titles(&store, "HP")),
        [
            "HP LaserJet M404 打印模糊",
            "HP 服务器硬盘告警",
            "打印机驱动安装"
        ]
    );
}

#[test]
fn title_hits_rank_above_body_hits() {
    let mut store = LocalStore::open_in_memory().unwrap();
    // By title alone 交换机巡检 would come first: 交 sorts before 硬 and 服.
    add_article(&mut store, "交换机巡检", "顺带检查服务器硬盘指示灯");
    add_article(&mut store, "硬盘更换", "关机后更换");
    add_article(&mut store, "服务器重启", "先通知用户");
    assert_eq!(titles(&store, "硬盘"), ["硬盘更换", "交换机巡检"]);
    assert_eq!(titles(&store, "服务器"), ["服务器重启", "交换机巡检"]);
    // A title holding both words beats one holding one of them.
    assert_eq!(titles(&store, "服务器 硬盘")[0], "交换机巡检");
    add_article(&mut store, "服务器硬盘", "");
    assert_eq!(titles(&store, "服务器 硬盘")[0], "服务器硬盘");
}

#[test]
fn devices_are_found_by_short_chinese_and_mixed_words() {
    let mut store = LocalStore::open_in_memory().unwrap();
    let printer = add_device(&mut store, "PRN-001", "打印机", "HP M404dn");
    let switch = add_device(&mut store, "SW-001", "交换机", "华为 S5735");
    let ids = |q: &str| -> Vec<DocId> {
        let rows = store.search_devices(q, 10).unwrap();
        rows.into_iter().map(|r| r.doc_id).collect()
    };
    assert_eq!(ids("打印"), [printer]);
    assert_eq!(ids("交"), [switch]);
    assert_eq!(ids("prn 打印"), [printer]);
    assert_eq!(ids("HP 交换"), Vec::<DocId>::new());
    assert_eq!(ids("机"), [printer, switch]);
    assert_eq!(ids("").len(), 2);
}

/// A database from before migration 2 (trigram index of unfolded text, which cannot find
/// two-character words) is re-indexed on open.
#[test]
fn an_old_database_is_reindexed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let id = DocId::new().to_string();
    {
        let conn = Connection::open(dir.path().join("store.sqlite3")).unwrap();
        conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO knowledge_index (doc_id, title) VALUES (?1, 'HP LaserJet 打印模糊')",
            [&id],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO search (doc_id, kind, title, body)
             VALUES (?1, 'knowledge', 'HP LaserJet 打印模糊', 'Ärger 硒鼓')",
            [&id],
        )
        .unwrap();
    }
    let store = LocalStore::open(dir.path()).unwrap();
    for q in ["打印", "hp", "LASERJET 模糊", "鼓", "ärger"] {
        assert_eq!(titles(&store, q), ["HP LaserJet 打印模糊"], "query {q:?}");
    }
}

// --- property: search = brute-force substring search -------------------------------------

const VOCAB: &[&str] = &[
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
    "HP",
    "hp",
    "M404",
    "m404dn",
    "LaserJet",
    "Win10",
    "192.168.1.1",
    "0x7B",
];

/// Characters the vocabulary shares, so random text and queries meet often.
const CJK: &[char] = &[
    '网', '络', '打', '印', '机', '卡', '纸', '蓝', '屏', '病', '毒', '硬', '盘', '服', '务', '器',
    '交', '换',
];

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(VOCAB).prop_map(String::from),
        2 => prop::sample::select(CJK).prop_map(String::from),
        1 => "[A-Za-z0-9]{1,4}",
        1 => prop::char::range('\u{4e00}', '\u{9fa5}').prop_map(String::from),
    ]
}

/// Chinese runs without spaces as well as space-separated words.
fn text() -> impl Strategy<Value = String> {
    (prop::collection::vec(token(), 0..8), any::<bool>())
        .prop_map(|(tokens, spaced)| tokens.join(if spaced { " " } else { "" }))
}

/// A query word: a piece of a vocabulary word (1 to 4 characters), one CJK character, or a
/// short Latin/digit word in any case.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (prop::sample::select(VOCAB), any::<prop::sample::Index>(), 1..=4usize).prop_map(
            |(w, start, len)| {
                let chars: Vec<char> = w.chars().collect();
                let from = start.index(chars.len());
                chars[from..].iter().take(len).collect()
            }
        ),
        2 => prop::sample::select(CJK).prop_map(String::from),
        1 => "[A-Za-z0-9]{1,3}",
    ]
}

fn query() -> impl Strategy<Value = String> {
    (prop::collection::vec(word(), 1..=3), any::<bool>())
        .prop_map(|(words, wide)| words.join(if wide { "\u{3000}" } else { " " }))
}

/// The reference: every word of the query occurs in one of the texts, ignoring case.
fn brute_force(texts: &[String], query: &str) -> bool {
    query.split_whitespace().all(|w| {
        let w = fold(w);
        texts.iter().any(|t| fold(t).contains(&w))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn search_finds_what_substring_search_finds(
        docs in prop::collection::vec((text(), text()), 1..12),
        queries in prop::collection::vec(query(), 1..6),
    ) {
        let mut store = LocalStore::open_in_memory().unwrap();
        let mut articles = Vec::new();
        let mut devices = Vec::new();
        for (i, (title, body)) in docs.iter().enumerate() {
            articles.push((add_article(&mut store, title, body), [title.clone(), body.clone()]));
            let tag = format!("{title}-{i}");
            let id = add_device(&mut store, &tag, "pc", body);
            let rec = store.device(id).unwrap();
            devices.push((id, [tag, rec.search_text()]));
        }
        for q in &queries {
            let found: BTreeSet<DocId> =
                store.search_knowledge(q).unwrap().into_iter().map(|r| r.doc_id).collect();
            let expected: BTreeSet<DocId> = articles
                .iter()
                .filter(|(_, texts)| brute_force(texts, q))
                .map(|(id, _)| *id)
                .collect();
            prop_assert_eq!(found, expected, "knowledge, query {:?}", q);
            let found: BTreeSet<DocId> =
                store.search_devices(q, 100).unwrap().into_iter().map(|r| r.doc_id).collect();
            let expected: BTreeSet<DocId> = devices
                .iter()
                .filter(|(_, texts)| brute_force(texts, q))
                .map(|(id, _)| *id)
                .collect();
            prop_assert_eq!(found, expected, "devices, query {:?}", q);
        }
    }
}

/// A published known error names its incidents; each incident finds the article, and a
/// republish that unlinks one incident removes it from that incident's list.
#[test]
fn an_incident_finds_the_known_error_published_for_it() {
    let mut store = knowledge_base();
    let (a, b) = (DocId::new(), DocId::new());
    let links = [a.to_string(), b.to_string()];
    let known = knowledge::PublishedKnownError {
        problem_id: "p-1",
        title: "3楼打印机反复卡纸",
        known_error: "搓纸轮磨损",
        workaround: "手动送纸",
        category: Some("hardware"),
        work_orders: &links,
    };
    let article = store
        .create(DocKind::Knowledge, T0, |d, id| {
            knowledge::publish_known_error(d, id, &known, T0)
        })
        .unwrap();
    for wo in [a, b] {
        let found = store.articles_for_work_order(wo).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].doc_id, found[0].title.as_str()),
            (article, "3楼打印机反复卡纸")
        );
    }
    assert!(
        store
            .articles_for_work_order(DocId::new())
            .unwrap()
            .is_empty()
    );
    let only_b = [b.to_string()];
    store
        .edit(article, T0 + 1, |d| {
            let k = knowledge::PublishedKnownError {
                work_orders: &only_b,
                ..known.clone()
            };
            knowledge::publish_known_error(d, article, &k, T0 + 1)
        })
        .unwrap();
    assert!(store.articles_for_work_order(a).unwrap().is_empty());
    assert_eq!(store.articles_for_work_order(b).unwrap().len(), 1);
    // It is still found by the knowledge search, by its workaround.
    assert_eq!(titles(&store, "手动送纸"), ["3楼打印机反复卡纸"]);
}
