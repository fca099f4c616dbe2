//! The edit layer without any GUI crate: random sequences of typed edits on a generated
//! plan undo back to the original exactly and redo to the final plan, and after every
//! edit, undo and redo the document's findings and id lookups are those of a fresh
//! check of the plan as it is.

use lysplan::check::{Checker, synth};
use lysplan::edit::{Change, Document, Edit, PlanSettings, PoleMove};
use lysplan::frame::LonLat;
use lysplan::plan::Plan;
use proptest::prelude::*;

/// One random edit, made to fit the plan in hand.
#[derive(Debug, Clone)]
enum Op {
    Move(usize, f64, f64),
    Height(usize, f64),
    Vendor(usize),
    Insert(usize, usize),
    Remove(usize, usize),
    Vertex(usize, usize, f64),
    Settings(f64),
    Section(usize, f64),
    Batch(usize, f64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..1000, -30.0..30.0f64, -30.0..30.0f64).prop_map(|(i, dx, dy)| Op::Move(i, dx, dy)),
        (0usize..1000, 4.0..12.0f64).prop_map(|(i, h)| Op::Height(i, h)),
        (0usize..1000).prop_map(Op::Vendor),
        (0usize..1000, 1usize..4).prop_map(|(i, n)| Op::Insert(i, n)),
        (0usize..1000, 1usize..5).prop_map(|(i, n)| Op::Remove(i, n)),
        (0usize..10, 0usize..10, -20.0..20.0f64).prop_map(|(s, v, d)| Op::Vertex(s, v, d)),
        (2.0..6.0f64).prop_map(Op::Settings),
        (0usize..10, 0.0..50.0f64).prop_map(|(s, d)| Op::Section(s, d)),
        (0usize..1000, 4.0..12.0f64).prop_map(|(i, h)| Op::Batch(i, h)),
    ]
}

fn moved(lonlat: LonLat, dx: f64, dy: f64) -> LonLat {
    lysplan::frame::offset_lonlat(lonlat, dx, dy)
}

/// The typed edit for `op` on `plan` (`None` where it does not apply, e.g. no poles).
fn edit_for(plan: &Plan, op: &Op, fresh: &mut u32) -> Option<Edit> {
    let n = plan.poles.len();
    Some(match *op {
        Op::Move(i, dx, dy) => {
            let i = i % n.max(1);
            let p = plan.poles.get(i)?;
            let LonLat { lon, lat } = moved(LonLat::new(p.lon, p.lat), dx, dy);
            Edit::MovePoles(vec![PoleMove {
                index: i,
                lon,
                lat,
                azimuth_deg: (p.azimuth_deg + dx).rem_euclid(360.0),
            }])
        }
        Op::Height(i, h) => {
            let i = i % n.max(1);
            let mut p = plan.poles.get(i)?.clone();
            p.height_m = h;
            Edit::SetPoles(vec![(i, p)])
        }
        Op::Vendor(i) => {
            let i = i % n.max(1);
            let mut p = plan.poles.get(i)?.clone();
            let v = &plan.vendors[i % plan.vendors.len()];
            p.vendor = v.id.as_str().into();
            Edit::SetPoles(vec![(i, p)])
        }
        Op::Insert(i, k) => {
            let at = i % (n + 1);
            let template = plan.poles.get(at.min(n.saturating_sub(1)))?.clone();
            let items = (0..k)
                .map(|j| {
                    *fresh += 1;
                    let mut p = template.clone();
                    p.id = format!("NEW{fresh}").into();
                    let LonLat { lon, lat } = moved(LonLat::new(p.lon, p.lat), 3.0 * j as f64, 0.0);
                    (p.lon, p.lat) = (lon, lat);
                    (at + j, p)
                })
                .collect();
            Edit::InsertPoles(items)
        }
        Op::Remove(i, k) => {
            if n == 0 {
                return None;
            }
            let start = i % n;
            Edit::RemovePoles((start..(start + k).min(n)).collect())
        }
        Op::Vertex(s, v, d) => {
            let si = s % plan.streets.len();
            let pts = &plan.streets[si].points;
            let v = v % pts.len();
            Edit::StreetPoints {
                street: si,
                change: Change::Set(v, moved(pts[v], d, d)),
            }
        }
        Op::Settings(r) => {
            let mut s = PlanSettings::of(plan);
            s.rules.max_spacing_to_height = r;
            Edit::Settings(Box::new(s))
        }
        Op::Section(s, d) => {
            let k = s % plan.sections.len().max(1);
            let mut sec = plan.sections.get(k)?.clone();
            sec.to_m = sec.from_m + 10.0 + d;
            Edit::Sections(Change::Set(k, sec))
        }
        Op::Batch(i, h) => {
            let i = i % n.max(1);
            let mut p = plan.poles.get(i)?.clone();
            p.height_m = h;
            let mut s = PlanSettings::of(plan);
            s.name = format!("renamed {h}");
            Edit::Batch(vec![
                Edit::SetPoles(vec![(i, p)]),
                Edit::Settings(Box::new(s)),
                Edit::RemovePoles(vec![i]),
            ])
        }
    })
}

/// The document's derived state is what a fresh look at its plan gives.
fn consistent(d: &Document) -> Result<(), TestCaseError> {
    let fresh = Checker::new(d.plan());
    prop_assert_eq!(d.findings(), fresh.findings());
    for (i, p) in d.plan().poles.iter().enumerate() {
        let first = d.plan().poles.iter().position(|q| q.id == p.id);
        prop_assert_eq!(d.pole_index(&p.id), first, "pole {} at {}", p.id, i);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Undoing every edit gives back the original plan exactly; redoing every one gives
    /// the final plan; the findings and the id index hold at every state.
    #[test]
    fn random_edits_undo_to_the_original_and_redo_to_the_final(
        ops in proptest::collection::vec(op(), 1..14)
    ) {
        let original = synth::plan(120);
        let mut d = Document::new(original.clone(), None);
        let mut states = vec![original.clone()];
        let mut fresh = 0;
        for op in &ops {
            let Some(edit) = edit_for(d.plan(), op, &mut fresh) else { continue };
            if d.apply(format!("{op:?}"), edit).expect("the edit fits the plan") {
                states.push(d.plan().clone());
            }
            consistent(&d)?;
        }
        let last = d.plan().clone();
        for k in (0..states.len() - 1).rev() {
            prop_assert!(d.undo().is_some());
            prop_assert_eq!(d.plan(), &states[k]);
            consistent(&d)?;
        }
        prop_assert!(!d.can_undo());
        prop_assert_eq!(d.plan(), &original);
        for state in &states[1..] {
            prop_assert!(d.redo().is_some());
            prop_assert_eq!(d.plan(), state);
        }
        consistent(&d)?;
        prop_assert_eq!(d.plan(), &last);
    }

    /// A drag session of many steps is one undo step that restores the start exactly.
    #[test]
    fn a_drag_session_is_one_step(steps in proptest::collection::vec((0usize..3, -20.0..20.0f64), 1..30)) {
        let original = synth::plan(80);
        let mut d = Document::new(original.clone(), None);
        d.begin("Drag");
        for (which, dx) in &steps {
            let i = 5 + which;
            let p = d.plan().poles[i].clone();
            let LonLat { lon, lat } = moved(LonLat::new(p.lon, p.lat), *dx, 0.0);
            d.move_pole(i, lon, lat, None);
        }
        let dragged = d.plan().clone();
        d.commit();
        consistent(&d)?;
        if d.can_undo() {
            d.undo();
            prop_assert_eq!(d.plan(), &original);
            d.redo();
            prop_assert_eq!(d.plan(), &dragged);
        } else {
            prop_assert_eq!(&dragged, &original);
        }
    }
}

#[test]
fn the_command_line_can_make_an_edit_with_no_gui_crate() {
    // A row along a bundled street, made and undone through the core alone.
    let plan = lysplan::bundled::doll_plan();
    let street = plan.streets[0].id.clone();
    let mut d = Document::new(plan.clone(), None);
    let spec = lysplan::edit::row::RowSpec {
        street,
        side: lysplan::frame::Side::Left,
        from_m: 0.0,
        to_m: 100.0,
        spacing: lysplan::edit::row::RowSpacing::Count(3),
        height_m: 8.0,
        offset_m: 6.0,
        overhang_m: 0.5,
        tilt_deg: 0.0,
        vendor: plan.vendors[0].id.clone(),
        luminaire: plan.luminaires[0].id.clone(),
    };
    let (step, ids) = lysplan::edit::row::row_edit(d.plan(), &spec).unwrap();
    assert!(d.apply(step.label, step.edit).unwrap());
    assert_eq!(d.plan().poles.len(), plan.poles.len() + 3);
    assert!(ids.iter().all(|id| d.pole(id).is_some()));
    d.undo();
    assert_eq!(d.plan(), &plan);
}

/// Issue 26: a street's class schedule is set from the editor's text as one edit and
/// undone; a bad step and a class of another family are refused with the reason.
#[test]
fn a_class_schedule_is_set_and_undone_through_the_edit_layer() {
    use lysplan::edit::route::{format_class_schedule, parse_class_schedule, set_class_schedule};
    use lysplan::plan::LightingClass::{M4, M5};
    let plan = lysplan::bundled::doll_plan();
    let s = plan
        .streets
        .iter()
        .find(|s| s.class.is_some_and(|c| c.is_luminance()))
        .expect("an M street");
    let id = s.id.clone();
    let mut d = Document::new(plan.clone(), None);
    let step = set_class_schedule(d.plan(), &id, "22:00 M4; 00:00 m5")
        .unwrap()
        .unwrap();
    assert!(d.apply(step.label, step.edit).unwrap());
    let steps = &d.plan().street(&id).unwrap().class_schedule;
    assert_eq!(
        steps,
        &vec![("22:00".to_string(), M4), ("00:00".to_string(), M5)]
    );
    assert_eq!(format_class_schedule(steps), "22:00 M4, 00:00 M5");
    assert!(
        set_class_schedule(d.plan(), &id, "22:00 M4, 00:00 M5")
            .unwrap()
            .is_none()
    );
    let e = set_class_schedule(d.plan(), &id, "22:00 C3")
        .unwrap_err()
        .to_string();
    assert!(e.contains("family"), "{e}");
    let e = parse_class_schedule("22:00").unwrap_err();
    assert!(e.contains("step 1"), "{e}");
    d.undo();
    assert_eq!(d.plan(), &plan);
}
