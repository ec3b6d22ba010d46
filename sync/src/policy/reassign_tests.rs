//! An engineer taken off a work order: work done before their device learned of it is kept;
//! a change based on an older copy than the device had already received is not theirs.

use super::tests::{NOW, Person, person, server_work_order};
use super::*;
use crate::model::work_order::{self as wo, CheckAnswer};
use automerge::AutoCommit;

/// Versions of one work order as the server held them: `[0]` dispatched to `eng`, then one
/// reassignment per entry of `to_eng` (to `eng` if true, else to `other`).
fn history(disp: &Person, to_eng: &[bool]) -> Vec<Automerge> {
    let mut versions = vec![server_work_order(disp, "eng")];
    let mut office = AutoCommit::load(&versions[0].save())
        .unwrap()
        .with_actor(disp.actor.clone());
    for (i, &eng) in to_eng.iter().enumerate() {
        let at = NOW + 10 * (i as i64 + 1);
        let (from, to) = if eng {
            ("other", "eng")
        } else {
            ("eng", "other")
        };
        wo::unassign(&mut office, from, at).unwrap();
        wo::assign(&mut office, to, "disp", at).unwrap();
        versions.push(Automerge::load(&office.save()).unwrap());
    }
    versions
}

/// `who` edits a copy of `base` (a note and a checklist answer) and pushes it to `server`,
/// their device having received `view`.
fn push_from(
    server: &Automerge,
    base: &Automerge,
    who: &Person,
    view: DeviceView,
) -> Result<(), Rejection> {
    let mut device = AutoCommit::load(&base.save())
        .unwrap()
        .with_actor(who.actor.clone());
    wo::set_findings(&mut device, "fan replaced", NOW + 1_000).unwrap();
    let ups = CheckAnswer::Reading(42.0);
    wo::answer_checklist_item(&mut device, "ups", &ups, None, "eng", NOW + 1_001).unwrap();
    let mut after = server.clone();
    after
        .load_incremental(&device.save_after(&base.get_heads()))
        .unwrap();
    let new = after.get_changes(&server.get_heads());
    let cached = WorkOrder::from_doc(server).unwrap();
    let mut view = Some(view);
    let mut asked = || view.take().expect("the view is asked at most once");
    check_push_viewed(server, Some(&cached), &after, &new, &who.caller, &mut asked).map(|_| ())
}

fn knew(v: &Automerge) -> DeviceView {
    DeviceView::Knew(v.get_heads())
}

#[test]
fn work_done_before_the_device_learned_of_a_reassignment_is_kept() {
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let v = history(&disp, &[false]);
    // The device last received v[0] (still eng's) and worked offline on it.
    push_from(&v[1], &v[0], &eng, knew(&v[0])).expect("honest offline work is kept");
}

#[test]
fn a_change_based_on_an_older_copy_than_the_device_had_is_not_yours() {
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let v = history(&disp, &[false]);
    // The device has received the reassignment, then forges a change on the copy before it.
    let r = push_from(&v[1], &v[0], &eng, knew(&v[1])).unwrap_err();
    assert_eq!(r.code, RejectCode::NotYours, "{r}");
    // Based on the current state: refused as before.
    let r = push_from(&v[1], &v[1], &eng, knew(&v[1])).unwrap_err();
    assert_eq!(r.code, RejectCode::NotYours, "{r}");
    // A device the document was never sent to (or that confirmed its removal) knew the
    // current state, whatever the change is based on.
    let r = push_from(&v[1], &v[0], &eng, DeviceView::NotHeld).unwrap_err();
    assert_eq!(r.code, RejectCode::NotYours, "{r}");
    // Reassigned away and back: theirs again, from any base.
    let v = history(&disp, &[false, true]);
    push_from(&v[2], &v[0], &eng, knew(&v[2])).expect("assigned again");
    push_from(&v[2], &v[1], &eng, knew(&v[2])).expect("assigned again");
}

#[test]
fn the_view_is_not_asked_for_the_current_assignee() {
    let disp = person("disp", Role::Dispatcher);
    let eng = person("eng", Role::Engineer);
    let v = history(&disp, &[]);
    let server = &v[0];
    let mut device = AutoCommit::load(&server.save())
        .unwrap()
        .with_actor(eng.actor.clone());
    wo::set_findings(&mut device, "ok", NOW + 1).unwrap();
    let mut after = server.clone();
    after
        .load_incremental(&device.save_after(&server.get_heads()))
        .unwrap();
    let new = after.get_changes(&server.get_heads());
    check_push_viewed(server, None, &after, &new, &eng.caller, &mut || {
        panic!("the view costs a look at the change log; only asked when needed")
    })
    .expect("their own work order");
}

mod random_histories {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Random reassignments back and forth; the device had received version `k`; it
        /// pushes a change based on version `j <= k` (honest: `j == k`, forging: `j < k`).
        /// Every honest edit made while the work order was theirs survives, and a change is
        /// accepted exactly when the work order was theirs in what the device had received or
        /// is theirs now: no forged one gets through.
        #[test]
        fn honest_edits_survive_and_forged_ones_do_not(
            to_eng in proptest::collection::vec(any::<bool>(), 1..6),
            k_pick in any::<proptest::sample::Index>(),
            j_pick in any::<proptest::sample::Index>(),
        ) {
            let disp = person("disp", Role::Dispatcher);
            let eng = person("eng", Role::Engineer);
            let v = history(&disp, &to_eng);
            let server = v.last().unwrap();
            let k = k_pick.index(v.len());
            let j = j_pick.index(k + 1);
            let theirs = |d: &Automerge| WorkOrder::from_doc(d).unwrap().is_assigned_to("eng");
            let verdict = push_from(server, &v[j], &eng, knew(&v[k]));
            if j == k && theirs(&v[k]) {
                prop_assert!(verdict.is_ok(), "honest edit refused: {verdict:?}");
            }
            if j < k && !theirs(&v[k]) && !theirs(server) {
                prop_assert_eq!(verdict.clone().map_err(|r| r.code), Err(RejectCode::NotYours));
            }
            prop_assert_eq!(verdict.is_ok(), theirs(&v[k]) || theirs(server));
            // The same change from a device the document is not on: only the current state.
            let blind = push_from(server, &v[j], &eng, DeviceView::NotHeld);
            prop_assert_eq!(blind.is_ok(), theirs(server));
        }
    }
}
