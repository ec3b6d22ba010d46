//! What the fuzz targets of the `fieldsync` crate run on one input. Shared, by `#[path]`, by
//! `fuzz/fuzz_targets/*.rs` and the corpus replay in `sync/tests/fuzz_corpus.rs`, so the
//! fuzzer and `cargo test` call exactly the same entry points. Must never panic.

/// The hub's decoder of a `POST /v1/sync` body.
pub fn wire_request(data: &[u8]) {
    let _ = fieldsync::wire::decode_request(data);
}

/// The app's decoder of the hub's answer.
pub fn wire_response(data: &[u8]) {
    let _ = fieldsync::wire::decode_response(data);
}

/// The work order the hub already holds in [`pushed_changes`]: made by the server's actor,
/// assigned to `eng1`.
pub fn server_work_order() -> automerge::AutoCommit {
    use fieldsync::model::{self, work_order::NewWorkOrder};
    let mut doc = automerge::AutoCommit::new().with_actor(automerge::ActorId::from(b"server"));
    let new = NewWorkOrder {
        kind: "incident".into(),
        title: "UPS 告警".into(),
        description: "机房 UPS 电池告警".into(),
        category: Some("hardware".into()),
        assignees: vec!["eng1".into()],
        checklist: vec![],
        ..Default::default()
    };
    let id = fieldsync::DocId(uuid::Uuid::from_u128(
        0x6d1f_3c2a_8b4e_4f57_9a0c_51e2_7d3b_9f10,
    ));
    model::create_work_order(&mut doc, id, &new, "server", 1_796_601_600_000)
        .expect("the sample work order is valid");
    doc
}

/// A pushed change set (`PushDoc::changes`) as the hub checks it: loaded onto the server's
/// copy (none, or [`server_work_order`]), dependencies checked, then the change policy for an
/// engineer and a supervisor whose registered actors are the changes' own, so the check runs
/// past the actor test into paths, events and the schema.
pub fn pushed_changes(data: &[u8]) {
    use automerge::ReadDoc;
    use fieldsync::policy::{Caller, check_push};
    static SERVER_DOC: std::sync::OnceLock<automerge::Automerge> = std::sync::OnceLock::new();
    let held = SERVER_DOC.get_or_init(|| {
        automerge::Automerge::load(&server_work_order().save()).expect("saved just now")
    });
    for before in [automerge::Automerge::new(), held.clone()] {
        let mut after = before.clone();
        if after.load_incremental(data).is_err() || !after.get_missing_deps(&[]).is_empty() {
            continue;
        }
        let new_changes = after.get_changes(&before.get_heads());
        let actors: std::collections::HashSet<_> =
            new_changes.iter().map(|c| c.actor_id().clone()).collect();
        for role in [fieldsync::Role::Engineer, fieldsync::Role::Supervisor] {
            let caller = Caller {
                user_id: "eng1".into(),
                role,
                actors: actors.clone(),
            };
            let _ = check_push(&before, &after, &new_changes, &caller);
        }
    }
}
