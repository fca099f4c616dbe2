//! `lysplan diff` and [`lysplan::diff`]: plans matched by id, every kind of change, the
//! JSON contract, exit codes, and a property test that the diff of a plan and an edited
//! copy lists exactly the edits.

use lysplan::bundled::doll_plan;
use lysplan::diff::{DiffError, FindingsDiff, Side, diff};
use lysplan::plan::{LightingClass, Plan, save_geojson_atomic, save_ron_atomic};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn lysplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lysplan"))
        .args(args)
        .output()
        .expect("run lysplan")
}

fn save(dir: &Path, name: &str, plan: &Plan) -> PathBuf {
    let p = dir.join(name);
    if name.ends_with(".ron") {
        save_ron_atomic(plan, &p).expect("save ron");
    } else {
        save_geojson_atomic(plan, &p).expect("save geojson");
    }
    p
}

/// Moves `lat` north by `m` metres (approximately; the diff measures geodesically).
fn north(lat: f64, m: f64) -> f64 {
    lat + m / 111_320.0
}

#[test]
fn a_plan_equals_itself_and_its_reordered_copy() {
    let a = doll_plan();
    assert!(diff(&a, &a).unwrap().is_empty());
    let mut b = a.clone();
    b.poles.reverse();
    b.streets.reverse();
    b.vendors.rotate_left(1);
    b.sections.reverse();
    assert!(diff(&a, &b).unwrap().is_empty(), "{:?}", diff(&a, &b));
}

#[test]
fn every_kind_of_pole_change_is_named() {
    let a = doll_plan();
    let mut b = a.clone();
    let removed = b.poles.remove(5).id;
    let mut added = b.poles[0].clone();
    added.id = "PX1".into();
    added.lon += 0.001;
    b.poles.push(added);
    // moved and changed
    b.poles[1].lat = north(b.poles[1].lat, 2.5);
    b.poles[1].height_m += 1.0;
    // changed only, two fields
    b.poles[2].tilt_deg = 5.0;
    b.poles[2].vendor = b.vendors[1].id.as_str().into();
    if b.poles[2].vendor == a.poles[2].vendor {
        b.poles[2].vendor = b.vendors[0].id.as_str().into();
    }
    // a sub-millimetre move is no move
    b.poles[3].lon += 1e-9;
    let d = diff(&a, &b).unwrap();
    assert_eq!(d.poles.added, vec!["PX1".to_string()]);
    assert_eq!(d.poles.removed, vec![removed]);
    assert_eq!(d.poles.moved.len(), 1);
    assert_eq!(d.poles.moved[0].id, a.poles[1].id);
    assert!(
        (d.poles.moved[0].distance_m - 2.5).abs() < 0.02,
        "{:?}",
        d.poles.moved
    );
    let changed: Vec<(String, Vec<&str>)> = d
        .poles
        .changed
        .iter()
        .map(|c| (c.id.clone(), c.field_names()))
        .collect();
    let mut want = vec![
        (a.poles[1].id.to_string(), vec!["height_m"]),
        (a.poles[2].id.to_string(), vec!["tilt_deg", "vendor"]),
    ];
    want.sort();
    assert_eq!(changed, want);
    let s = d.summary();
    assert_eq!((s.added, s.removed, s.moved, s.changed), (1, 1, 1, 2));
}

#[test]
fn streets_sections_vendors_luminaires_and_settings() {
    let a = doll_plan();
    let mut b = a.clone();
    b.streets[0]
        .points
        .push(lysplan::frame::LonLat::new(12.39, 55.69));
    b.streets[1].class = Some(LightingClass::C2);
    b.streets[1].name = "Renamed".into();
    b.sections[0].to_m += 10.0;
    b.vendors[0].name = "Other name".into();
    b.vendors[0].color = [1, 2, 3];
    b.luminaires[0].power_w += 1.0;
    b.luminaires[0].output_level = 0.6;
    b.maintenance_factor = 0.75;
    b.rules.max_spacing_m += 5.0;
    b.energy.year += 1;
    // a number within 1e-9 relative is the same number
    b.rules.min_spacing_m *= 1.0 + 1e-12;
    let d = diff(&a, &b).unwrap();
    let fields = |c: &lysplan::diff::Changes| -> Vec<(String, Vec<String>)> {
        c.changed
            .iter()
            .map(|c| {
                (
                    c.id.clone(),
                    c.field_names().into_iter().map(String::from).collect(),
                )
            })
            .collect()
    };
    let mut streets = vec![
        (a.streets[0].id.clone(), vec!["points".to_string()]),
        (
            a.streets[1].id.clone(),
            vec!["class".to_string(), "name".to_string()],
        ),
    ];
    streets.sort();
    assert_eq!(fields(&d.streets), streets);
    assert_eq!(
        fields(&d.sections),
        vec![(a.sections[0].id.clone(), vec!["to_m".to_string()])]
    );
    assert_eq!(
        fields(&d.vendors),
        vec![(
            a.vendors[0].id.clone(),
            vec!["color".to_string(), "name".to_string()]
        )]
    );
    assert_eq!(
        fields(&d.luminaires),
        vec![(
            a.luminaires[0].id.clone(),
            vec!["output_level".to_string(), "power_w".to_string()]
        )]
    );
    // The level left out of the old file reads as its default, 1.
    let level = &d.luminaires.changed[0].fields[0];
    assert_eq!(
        (level.old.as_f64(), level.new.as_f64()),
        (Some(1.0), Some(0.6))
    );
    let settings: Vec<&str> = d.settings.iter().map(|s| s.field.as_str()).collect();
    assert_eq!(
        settings,
        vec!["energy.year", "maintenance_factor", "rules.max_spacing_m"]
    );
    assert!(d.poles.is_empty());
}

#[test]
fn an_id_used_twice_cannot_be_matched() {
    let a = doll_plan();
    let mut b = a.clone();
    let dup = b.poles[0].clone();
    b.poles.push(dup);
    assert_eq!(
        diff(&a, &b),
        Err(DiffError::DuplicateId {
            which: Side::New,
            kind: "pole",
            id: a.poles[0].id.to_string()
        })
    );
}

#[test]
fn findings_introduced_and_resolved_are_matched_by_rule_poles_and_street() {
    let a = doll_plan();
    let mut b = a.clone();
    // P0 next to P1: a new spacing finding
    b.poles[0].lon = b.poles[1].lon;
    b.poles[0].lat = north(b.poles[1].lat, 1.0);
    let fa = lysplan::check::run(&a);
    let fb = lysplan::check::run(&b);
    let f = FindingsDiff::new(&fa, &fb);
    assert!(
        f.introduced.iter().any(|x| x.rule == "spacing.min"
            && x.poles.contains(&a.poles[0].id.to_string())
            && x.poles.contains(&a.poles[1].id.to_string())),
        "{:?}",
        f.introduced
    );
    // and the reverse change resolves it
    let back = FindingsDiff::new(&fb, &fa);
    assert_eq!(back.resolved, f.introduced);
    assert_eq!(back.introduced, f.resolved);
}

#[test]
fn the_cli_exit_codes_json_keys_and_text_lines() {
    let dir = tempfile::tempdir().unwrap();
    let a = doll_plan();
    let mut b = a.clone();
    b.poles[0].height_m = 9.5;
    let old = save(dir.path(), "a.ron", &a);
    let same = save(dir.path(), "same.geojson", &a);
    let new = save(dir.path(), "b.geojson", &b);
    let (o, s, n) = (
        old.to_str().unwrap(),
        same.to_str().unwrap(),
        new.to_str().unwrap(),
    );

    // RON against its own GeoJSON export: no difference, exit 0
    let out = lysplan(&["diff", o, s]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("no differences"));

    let out = lysplan(&["diff", o, n, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "old",
            "new",
            "poles",
            "streets",
            "sections",
            "vendors",
            "luminaires",
            "control_profiles",
            "settings",
            "summary"
        ]
    );
    assert_eq!(
        v["poles"]["changed"],
        serde_json::json!([{"id": a.poles[0].id, "fields": ["height_m"]}])
    );
    assert_eq!(
        v["summary"],
        serde_json::json!({"added": 0, "removed": 0, "moved": 0, "changed": 1})
    );

    let out = lysplan(&["diff", o, n]);
    let text = String::from_utf8(out.stdout).unwrap();
    let want = format!("~ pole {} height_m {} → 9.5", a.poles[0].id, {
        let h = a.poles[0].height_m;
        if h.fract() == 0.0 {
            format!("{h:.1}")
        } else {
            h.to_string()
        }
    });
    assert!(text.contains(&want), "{text}");

    // --check adds the findings member
    let out = lysplan(&["diff", o, n, "--format", "json", "--check"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["findings"]["introduced"].is_array(), "{v}");
    assert!(v["findings"]["resolved"].is_array());

    // unreadable: exit 2, naming the file
    let bad = dir.path().join("bad.ron");
    std::fs::write(&bad, "(format_version: 1, name: ").unwrap();
    let out = lysplan(&["diff", o, bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.ron"));
}

/// One random edit of the bundled plan, and what the diff must then say about it.
#[derive(Debug, Clone)]
enum Edit {
    Remove(usize),
    Add(usize),
    Move(usize, f64),
    Height(usize, f64),
    Tilt(usize, f64),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0usize..1000).prop_map(Edit::Remove),
        (0usize..1000).prop_map(Edit::Add),
        (0usize..1000, 0.01f64..50.0).prop_map(|(i, m)| Edit::Move(i, m)),
        (0usize..1000, 0.5f64..3.0).prop_map(|(i, h)| Edit::Height(i, h)),
        (0usize..1000, 1.0f64..20.0).prop_map(|(i, t)| Edit::Tilt(i, t)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn the_diff_of_an_edited_copy_lists_exactly_the_edits(edits in prop::collection::vec(edit(), 1..12)) {
        let a = doll_plan();
        let mut b = a.clone();
        // expected, per pole id
        let mut added = BTreeSet::new();
        let mut removed = BTreeSet::new();
        let mut moved = BTreeSet::new();
        let mut changed: std::collections::BTreeMap<String, BTreeSet<&str>> = Default::default();
        for (k, e) in edits.iter().enumerate() {
            match *e {
                Edit::Remove(i) => {
                    let i = i % b.poles.len();
                    let p = b.poles.remove(i);
                    if added.remove(p.id.as_str()) {
                        continue;
                    }
                    moved.remove(p.id.as_str());
                    changed.remove(p.id.as_str());
                    removed.insert(p.id.to_string());
                }
                Edit::Add(i) => {
                    let mut p = b.poles[i % b.poles.len()].clone();
                    p.id = format!("NEW{k}").into();
                    added.insert(p.id.to_string());
                    b.poles.push(p);
                }
                Edit::Move(i, m) => {
                    let i = i % b.poles.len();
                    b.poles[i].lat = north(b.poles[i].lat, m);
                    if !added.contains(b.poles[i].id.as_str()) {
                        moved.insert(b.poles[i].id.to_string());
                    }
                }
                Edit::Height(i, h) => {
                    let i = i % b.poles.len();
                    b.poles[i].height_m += h;
                    if !added.contains(b.poles[i].id.as_str()) {
                        changed.entry(b.poles[i].id.to_string()).or_default().insert("height_m");
                    }
                }
                Edit::Tilt(i, t) => {
                    let i = i % b.poles.len();
                    b.poles[i].tilt_deg += t;
                    if !added.contains(b.poles[i].id.as_str()) {
                        changed.entry(b.poles[i].id.to_string()).or_default().insert("tilt_deg");
                    }
                }
            }
        }
        let d = diff(&a, &b).unwrap();
        prop_assert_eq!(d.poles.added.iter().cloned().collect::<BTreeSet<_>>(), added);
        prop_assert_eq!(d.poles.removed.iter().cloned().collect::<BTreeSet<_>>(), removed);
        prop_assert_eq!(d.poles.moved.iter().map(|m| m.id.clone()).collect::<BTreeSet<_>>(), moved);
        let got: std::collections::BTreeMap<String, BTreeSet<&str>> = d
            .poles
            .changed
            .iter()
            .map(|c| (c.id.clone(), c.field_names().into_iter().collect()))
            .collect();
        prop_assert_eq!(got, changed);
        prop_assert!(d.streets.is_empty() && d.settings.is_empty());
    }
}

/// Issue 26: a changed class schedule is a changed street field.
#[test]
fn a_changed_class_schedule_is_reported() {
    let old = doll_plan();
    let mut new = old.clone();
    let i = new
        .streets
        .iter()
        .position(|s| s.class.is_some_and(|c| c.is_luminance()));
    let i = i.expect("an M street");
    new.streets[i].class_schedule = vec![("00:00".into(), LightingClass::M5)];
    let d = diff(&old, &new).unwrap();
    assert_eq!(d.streets.changed.len(), 1, "{d:?}");
    assert_eq!(d.streets.changed[0].id, new.streets[i].id);
    let f = &d.streets.changed[0].fields;
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].field, "class_schedule");
    assert_eq!(f[0].new, serde_json::json!([["00:00", "M5"]]));
}
