//! The demo in each language: seeded as `fieldsync-server demo` seeds it, then read back
//! document by document (and, for knowledge search, synced to an engineer's laptop store).

use super::DemoText;
use crate::config::ServerConfig;
use crate::state::AppState;
use crate::storage::{self, UserRecord};
use fieldsync::model::{ChecklistTemplate, DeviceRecord, KnowledgeArticle, Site, WorkOrder};
use fieldsync::{DocKind, Role};
use fieldsync_i18n::Lang;
use std::collections::BTreeMap;

/// A seeded demo, every document read back.
struct Demo {
    state: AppState,
    users: Vec<UserRecord>,
    sites: Vec<Site>,
    devices: Vec<DeviceRecord>,
    templates: Vec<ChecklistTemplate>,
    articles: Vec<KnowledgeArticle>,
    work_orders: Vec<WorkOrder>,
    _dir: tempfile::TempDir,
}

async fn demo(lang: Lang) -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        data_dir: dir.path().to_owned(),
        ..ServerConfig::default()
    };
    let state = AppState::new(storage::open(&config.database_url()).unwrap(), config).unwrap();
    crate::cli::demo::seed(&state, lang).await.unwrap();
    let mut d = Demo {
        users: state.db.blocking().list_users().unwrap(),
        state,
        sites: Vec::new(),
        devices: Vec::new(),
        templates: Vec::new(),
        articles: Vec::new(),
        work_orders: Vec::new(),
        _dir: dir,
    };
    for info in d.state.db.blocking().all_doc_ids().unwrap() {
        let (kind, doc) = d.state.hub.load(info.doc_id).unwrap().unwrap();
        match kind {
            DocKind::Site => d.sites.push(Site::from_doc(&doc).unwrap()),
            DocKind::Device => d.devices.push(DeviceRecord::from_doc(&doc).unwrap()),
            DocKind::ChecklistTemplate => {
                d.templates.push(ChecklistTemplate::from_doc(&doc).unwrap())
            }
            DocKind::Knowledge => d.articles.push(KnowledgeArticle::from_doc(&doc).unwrap()),
            DocKind::WorkOrder => d.work_orders.push(WorkOrder::from_doc(&doc).unwrap()),
        }
    }
    d
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Devices per (customer, device type).
fn device_counts(d: &Demo) -> BTreeMap<(String, String), usize> {
    let mut counts = BTreeMap::new();
    for dev in &d.devices {
        let key = (
            dev.customer_id.clone().unwrap_or_default(),
            dev.device_type.clone(),
        );
        *counts.entry(key).or_default() += 1;
    }
    counts
}

fn count(d: &Demo, customer: &str, device_type: &str) -> usize {
    device_counts(d)
        .get(&(customer.to_owned(), device_type.to_owned()))
        .copied()
        .unwrap_or(0)
}

/// The knowledge articles an engineer's laptop finds for `query` after syncing the demo.
fn laptop_search(d: &Demo, username: &str, query: &str) -> Vec<String> {
    laptop(d, username)
        .search_knowledge(query)
        .unwrap()
        .into_iter()
        .map(|r| r.title)
        .collect()
}

/// An engineer's laptop store after syncing the demo.
fn laptop(d: &Demo, username: &str) -> fieldsync::store::LocalStore {
    let user = d.users.iter().find(|u| u.username == username).unwrap();
    let hub = &d.state.hub;
    let mut store = fieldsync::store::LocalStore::open_in_memory().unwrap();
    let device = store.device_id().unwrap();
    let db = hub.db().blocking();
    db.upsert_device(device, user.id, "laptop", 0).unwrap();
    db.register_actors(device, user.id, &[store.actor().to_hex_string()], 0)
        .unwrap();
    let caller = crate::hub::CallerCtx::new(
        user.clone(),
        device,
        [store.actor().clone()].into_iter().collect(),
    );
    for _ in 0..200 {
        let out = store.prepare_sync(None).unwrap();
        let (resp, _) = hub.sync(&caller, &out.request, crate::now_ms()).unwrap();
        if !store.apply_sync(&out, resp, crate::now_ms()).unwrap().more {
            break;
        }
    }
    store
}

/// The clinic's UPS failed last month and alarms again: the demo links both incidents to one
/// problem whose known error is published, and an engineer's laptop, synced, finds the
/// workaround for the open alarm without asking the server.
#[tokio::test]
async fn the_demo_links_the_repeated_ups_incidents_to_a_published_problem() {
    for lang in [Lang::En, Lang::ZhCn] {
        let d = demo(lang).await;
        let problems = crate::storage::problems_of(d.state.db.blocking())
            .unwrap()
            .list_problems()
            .unwrap();
        assert_eq!(problems.len(), 1, "{lang:?}");
        let p = &problems[0];
        let ups: Vec<&WorkOrder> = d
            .work_orders
            .iter()
            .filter(|w| p.incidents.contains(&w.id))
            .collect();
        assert_eq!(ups.len(), 2, "{p:?}");
        assert!(
            ups.iter()
                .all(|w| w.kind == "incident" && w.device_ids.len() == 1)
        );
        assert_eq!(ups[0].device_ids, ups[1].device_ids, "the same UPS");
        let article = d
            .articles
            .iter()
            .find(|a| Some(&a.id) == p.article_id.as_ref())
            .expect("published");
        assert_eq!(article.solution, p.workaround);
        assert_eq!(
            lang == Lang::ZhCn,
            has_chinese(&article.title),
            "{article:?}"
        );
        let store = laptop(&d, "li.wei");
        for w in ups {
            let found = store
                .articles_for_work_order(w.id.parse().unwrap())
                .unwrap();
            assert_eq!(found.len(), 1, "{lang:?} {}", w.title);
            assert_eq!(found[0].title, p.title);
        }
    }
}

#[tokio::test]
async fn the_chinese_demo_is_written_in_chinese_with_the_same_office() {
    let zh = demo(Lang::ZhCn).await;
    let text = DemoText::of(Lang::ZhCn);

    assert_eq!(zh.sites.len(), 3);
    for s in &zh.sites {
        assert_eq!(s.language.as_deref(), Some("zh-CN"), "{s:?}");
        assert!(
            has_chinese(&s.name) && has_chinese(&s.customer_name),
            "{s:?}"
        );
        assert!(
            has_chinese(&s.address) && has_chinese(&s.access_notes),
            "{s:?}"
        );
        assert_eq!(s.time_zone.as_deref(), Some("Asia/Shanghai"));
    }
    let office = zh
        .sites
        .iter()
        .find(|s| s.customer_id == "cust-northwind")
        .unwrap();
    assert_eq!(office.name, "华信大厦写字楼");
    assert_eq!(office.customer_name, "华信贸易有限公司");

    // DOMAIN.md's office: 300 PCs and 100 printers, as in the English demo.
    assert_eq!(count(&zh, "cust-northwind", "pc"), 300);
    assert_eq!(count(&zh, "cust-northwind", "printer"), 100);
    let en = demo(Lang::En).await;
    assert_eq!(device_counts(&zh), device_counts(&en));
    assert_eq!(zh.work_orders.len(), en.work_orders.len());
    assert_eq!(zh.articles.len(), en.articles.len());
    // Types stay codes; where a device stands is written in Chinese.
    let pc = zh.devices.iter().find(|d| d.device_type == "pc").unwrap();
    assert_eq!(pc.vendor.as_deref(), Some("Lenovo"));
    for place in [&pc.location.building, &pc.location.floor, &pc.location.room] {
        assert!(has_chinese(place.as_deref().unwrap()), "{:?}", pc.location);
    }

    assert_eq!(zh.templates.len(), 2);
    for t in &zh.templates {
        assert!(has_chinese(&t.name), "{}", t.name);
        for item in t.items.values() {
            assert!(has_chinese(&item.label), "{}: {}", t.name, item.label);
        }
    }
    let labels: Vec<&str> = zh
        .templates
        .iter()
        .flat_map(|t| t.items.values().map(|i| i.label.as_str()))
        .collect();
    for l in ["机房温度", "UPS 负载", "UPS 电池自检"] {
        assert!(labels.contains(&l), "{labels:?}");
    }

    for a in &zh.articles {
        assert!(has_chinese(&a.title) && has_chinese(&a.solution), "{a:?}");
    }
    for wo in &zh.work_orders {
        assert!(has_chinese(&wo.title), "{}", wo.title);
    }
    let titles: Vec<&str> = zh.work_orders.iter().map(|w| w.title.as_str()).collect();
    assert!(titles.contains(&"3楼财务部打印机卡纸"), "{titles:?}");
    // The UPS alarm's outage is recorded with the call in either language.
    let ups_alarm = |d: &Demo, title: &str| {
        let wo = d.work_orders.iter().find(|w| w.title == title).unwrap();
        wo.outages.down_from.len()
    };
    assert_eq!(ups_alarm(&zh, text.incidents[3]), 1);
    assert_eq!(
        ups_alarm(&en, DemoText::of(Lang::En).incidents[3]),
        1,
        "English"
    );

    let names: Vec<&str> = zh.users.iter().map(|u| u.display_name.as_str()).collect();
    for n in ["李伟", "张敏"] {
        assert!(names.contains(&n), "{names:?}");
    }
    // Logins stay as the README prints them.
    let li = zh.users.iter().find(|u| u.username == "li.wei").unwrap();
    assert_eq!(
        (li.display_name.as_str(), li.role),
        ("李伟", Role::Engineer)
    );
}

#[tokio::test]
async fn the_english_demo_is_written_in_english() {
    let en = demo(Lang::En).await;
    for s in &en.sites {
        assert_eq!(s.language.as_deref(), Some("en"), "{s:?}");
        assert!(
            !has_chinese(&s.name) && !has_chinese(&s.customer_name),
            "{s:?}"
        );
    }
    assert!(en.sites.iter().any(|s| s.name == "Northwind Office Tower"));
    assert_eq!(count(&en, "cust-northwind", "pc"), 300);
    assert_eq!(count(&en, "cust-northwind", "printer"), 100);
    for t in &en.templates {
        assert!(t.items.values().all(|i| !has_chinese(&i.label)), "{t:?}");
    }
    let li = en.users.iter().find(|u| u.username == "li.wei").unwrap();
    assert_eq!(li.display_name, "Li Wei");
    assert!(
        en.articles
            .iter()
            .any(|a| a.title == "Printer shows 'Paper jam' with no paper inside")
    );
}

/// 打印 is two characters, shorter than the search index's trigrams: the engineer's laptop
/// still finds the printer article in the Chinese demo's knowledge base (and nothing in the
/// English one).
#[tokio::test]
async fn the_chinese_knowledge_base_finds_the_printer_article_for_a_two_character_word() {
    let zh = demo(Lang::ZhCn).await;
    let printer = DemoText::of(Lang::ZhCn).articles[0].title;
    assert_eq!(
        laptop_search(&zh, "li.wei", "打印"),
        vec![printer.to_owned()]
    );
    assert_eq!(
        laptop_search(&zh, "li.wei", "卡纸"),
        vec![printer.to_owned()]
    );
    let en = demo(Lang::En).await;
    assert!(laptop_search(&en, "li.wei", "打印").is_empty());
    assert_eq!(laptop_search(&en, "li.wei", "paper jam").len(), 1);
}

/// A forged push: an engineer's laptop links the published known error to another incident
/// (so it would show on work that is not the problem's). The hub refuses the change whole and
/// keeps its own article; the laptop is told why.
#[tokio::test]
async fn an_engineer_cannot_link_a_known_error_to_other_incidents() {
    use automerge::ReadDoc;
    use automerge::transaction::Transactable;
    let d = demo(Lang::En).await;
    let p = crate::storage::problems_of(d.state.db.blocking())
        .unwrap()
        .list_problems()
        .unwrap()
        .remove(0);
    let article: fieldsync::DocId = p.article_id.clone().unwrap().parse().unwrap();
    let mut store = laptop(&d, "li.wei");
    let other = d
        .work_orders
        .iter()
        .find(|w| !p.incidents.contains(&w.id))
        .unwrap();
    store
        .edit(article, crate::now_ms(), |doc| {
            let links = match doc.get(automerge::ROOT, "work_orders")? {
                Some((_, id)) => id,
                None => unreachable!("published with links"),
            };
            doc.put(&links, other.id.as_str(), true)?;
            fieldsync::model::commit(doc, "link", crate::now_ms());
            Ok(())
        })
        .unwrap();
    let user = d.users.iter().find(|u| u.username == "li.wei").unwrap();
    let device = store.device_id().unwrap();
    let caller = crate::hub::CallerCtx::new(
        user.clone(),
        device,
        [store.actor().clone()].into_iter().collect(),
    );
    let out = store.prepare_sync(None).unwrap();
    let (resp, _) = d
        .state
        .hub
        .sync(&caller, &out.request, crate::now_ms())
        .unwrap();
    store.apply_sync(&out, resp, crate::now_ms()).unwrap();
    let (code, _) = store.rejection(article).unwrap().expect("refused");
    assert_eq!(code, "forbidden");
    let (_, doc) = d.state.hub.load(article).unwrap().unwrap();
    let on_server = KnowledgeArticle::from_doc(&doc).unwrap();
    assert_eq!(
        on_server.work_orders.keys().cloned().collect::<Vec<_>>(),
        {
            let mut ids = p.incidents.clone();
            ids.sort();
            ids
        },
        "the server's article names only the problem's incidents"
    );
}

/// The office customer's monthly reports carry the supervisor's written summary: last month's
/// (due in the first week of this month) and this month's draft, in the demo's language.
#[tokio::test]
async fn the_demo_office_has_a_written_summary_for_last_month_and_a_draft_for_this_one() {
    use crate::kpis::Period;
    for lang in [Lang::En, Lang::ZhCn] {
        let d = demo(lang).await;
        let sam = d.users.iter().find(|u| u.role == Role::Supervisor).unwrap();
        let this = Period::month_of_in(crate::now_ms(), chrono_tz::Asia::Shanghai);
        for period in [this.previous(), this] {
            let notes = d
                .state
                .db
                .blocking()
                .summary_notes(super::notes::NOTES_CUSTOMER, &period.label())
                .unwrap()
                .unwrap_or_else(|| panic!("no notes for {}", period.label()));
            assert_eq!(notes.updated_by, sam.id);
            for text in [
                &notes.technical_summary,
                &notes.suggestions,
                &notes.plan_evaluation,
            ] {
                assert!(!text.trim().is_empty());
                assert_eq!(lang == Lang::ZhCn, has_chinese(text), "{text}");
            }
        }
    }
}
