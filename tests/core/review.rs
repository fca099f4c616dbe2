//! The coordinator's review in the core: a submission's changes with their owners,
//! merging an accepted subset (property test: master plus exactly that subset), the
//! review record surviving RON and GeoJSON, and version 1 plans migrating unchanged.

use lysplan::bundled::doll_plan;
use lysplan::diff::diff;
use lysplan::locate::load_any;
use lysplan::plan::review::{Decision, PoleReview, ReviewStatus, Submission, Verdict};
use lysplan::plan::{FORMAT_VERSION, Plan, save_geojson_atomic, save_ron_atomic};
use lysplan::review::{Change, ChangeKind, ObjectKind, changes, likely_submitter, merge};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

/// A submission from the vendor of the bundled plan's first pole: its own poles moved,
/// re-heighted, one removed and one added; plus one pole of another vendor changed, a
/// street renamed and a rule relaxed (the three changes outside its own).
fn submission() -> (Plan, Plan, String) {
    let master = doll_plan();
    let me = master.poles[0].vendor.to_string();
    let mut sub = master.clone();
    let mine: Vec<usize> = (0..sub.poles.len())
        .filter(|&i| sub.poles[i].vendor == me)
        .collect();
    sub.poles[mine[0]].lat += 2.0 / 111_320.0;
    sub.poles[mine[1]].height_m += 1.0;
    sub.poles[mine[1]].lon += 1.0 / 70_000.0;
    let mut added = sub.poles[mine[2]].clone();
    added.id = "NEW1".into();
    added.lon += 0.0001;
    sub.poles.push(added);
    let gone = mine[3];
    sub.poles.remove(gone);
    let other = sub.poles.iter().position(|p| p.vendor != me).unwrap();
    sub.poles[other].tilt_deg = 7.0;
    sub.streets[0].name = "Renamed".into();
    sub.rules.max_spacing_m += 5.0;
    (master, sub, me)
}

fn key(c: &Change) -> (ObjectKind, String, ChangeKind) {
    (c.object, c.id.clone(), c.kind)
}

#[test]
fn changes_are_one_per_object_with_owner_and_outside_flag() {
    let (master, sub, me) = submission();
    let d = diff(&master, &sub).unwrap();
    assert_eq!(likely_submitter(&master, &sub, &d), Some(me.clone()));
    let cs = changes(&master, &sub, &d, &me);
    let poles: Vec<&Change> = cs.iter().filter(|c| c.object == ObjectKind::Pole).collect();
    assert_eq!(poles.len(), 5, "{poles:#?}");
    // the pole both moved and re-heighted is one change with both parts
    let both = poles
        .iter()
        .find(|c| c.moved.is_some() && !c.fields.is_empty())
        .expect("moved and changed");
    assert!(both.summary().starts_with("moved "), "{}", both.summary());
    assert!(both.summary().contains("height_m"), "{}", both.summary());
    let outside: BTreeSet<String> = cs
        .iter()
        .filter(|c| c.outside)
        .map(|c| c.object_label())
        .collect();
    let other = poles
        .iter()
        .find(|c| c.vendors != vec![me.clone()])
        .expect("another vendor's pole");
    assert_eq!(
        outside,
        BTreeSet::from([
            other.object_label(),
            format!("street {}", master.streets[0].id),
            "setting rules.max_spacing_m".to_string(),
        ])
    );
}

#[test]
fn merging_everything_gives_the_submission_and_nothing_gives_the_master() {
    let (master, sub, me) = submission();
    let d = diff(&master, &sub).unwrap();
    let cs = changes(&master, &sub, &d, &me);
    let all: Vec<&Change> = cs.iter().collect();
    let merged = merge(&master, &sub, &all).unwrap();
    assert!(diff(&merged, &sub).unwrap().is_empty());
    assert_eq!(merge(&master, &sub, &[]).unwrap(), master);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Accepting any subset of a submission's changes gives exactly the master plus that
    /// subset: the merged plan's diff against the master is the subset, and against the
    /// submission the rest.
    #[test]
    fn merging_a_subset_adds_exactly_that_subset(pick in prop::collection::vec(any::<bool>(), 7)) {
        let (master, sub, me) = submission();
        let d = diff(&master, &sub).unwrap();
        let cs = changes(&master, &sub, &d, &me);
        prop_assert_eq!(cs.len(), 7);
        let accepted: Vec<&Change> = cs.iter().zip(&pick).filter(|(_, p)| **p).map(|(c, _)| c).collect();
        let merged = merge(&master, &sub, &accepted).unwrap();
        let got: BTreeSet<_> = changes(&master, &merged, &diff(&master, &merged).unwrap(), &me)
            .iter()
            .map(key)
            .collect();
        let want: BTreeSet<_> = accepted.iter().map(|c| key(c)).collect();
        prop_assert_eq!(got, want);
        let rest: BTreeSet<_> = changes(&merged, &sub, &diff(&merged, &sub).unwrap(), &me)
            .iter()
            .map(key)
            .collect();
        let want_rest: BTreeSet<_> = cs.iter().zip(&pick).filter(|(_, p)| !**p).map(|(c, _)| key(c)).collect();
        prop_assert_eq!(rest, want_rest);
    }
}

#[test]
fn the_review_record_survives_ron_and_geojson_and_is_no_difference() {
    let mut plan = doll_plan();
    let id = plan.poles[3].id.to_string();
    plan.pole_reviews.insert(
        id.clone(),
        PoleReview {
            status: ReviewStatus::Rejected,
            comment: "too close to the junction, move it 5 m east".into(),
            reviewer: "Gate 21 coordinator".into(),
            time: "2026-12-02T09:15:00Z".into(),
        },
    );
    plan.submissions.push(Submission {
        vendor: plan.poles[3].vendor.to_string(),
        file: "cisco-2026-12.geojson".into(),
        sha256: "ab".repeat(32),
        received: "2026-12-02T09:00:00Z".into(),
        decisions: vec![Decision {
            object: format!("pole {id}"),
            change: "moved 2.5 m".into(),
            verdict: Verdict::Rejected,
            comment: "too close to the junction".into(),
            reviewer: "Gate 21 coordinator".into(),
            time: "2026-12-02T09:15:00Z".into(),
        }],
    });
    plan.revision = 3;
    plan.changelog.push(lysplan::plan::review::ChangelogEntry {
        revision: 3,
        time: "2026-12-02T09:20:00Z".into(),
        author: "Gate 21 coordinator".into(),
        summary: "Merge 2 accepted changes from cisco-2026-12.geojson".into(),
    });
    let dir = tempfile::tempdir().unwrap();
    for name in ["p.ron", "p.geojson"] {
        let path = dir.path().join(name);
        if name.ends_with("ron") {
            save_ron_atomic(&plan, &path).unwrap();
        } else {
            save_geojson_atomic(&plan, &path).unwrap();
        }
        let back = load_any(&path).unwrap();
        assert_eq!(back.pole_reviews, plan.pole_reviews, "{name}");
        assert_eq!(back.submissions, plan.submissions, "{name}");
        assert_eq!(back.revision, 3, "{name}");
        assert_eq!(back.changelog, plan.changelog, "{name}");
    }
    assert!(diff(&doll_plan(), &plan).unwrap().is_empty());
}

#[test]
fn a_bad_review_status_in_geojson_is_refused_naming_the_property() {
    let plan = doll_plan();
    let text = lysplan::plan::to_geojson(&plan).replacen(
        "\"overhang_m\":",
        "\"review_status\":\"maybe\",\"overhang_m\":",
        1,
    );
    let err = lysplan::locate::read_geojson(&text, Path::new("s.geojson")).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("s.geojson") && msg.contains("review_status"),
        "{msg}"
    );
    assert!(msg.contains("\"approved\""), "{msg}");
}

#[test]
fn every_version_1_plan_in_the_repository_loads_unchanged() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let v1 = load_any(&root.join("tests/fixtures/plans/doll-living-lab-v1.ron")).unwrap();
    assert_eq!(v1.format_version, FORMAT_VERSION, "migrated on load");
    let now = doll_plan();
    assert_eq!(
        v1, now,
        "the version 1 file reads as the current bundled plan"
    );
    let mut found = 0;
    for dir in [
        "tests/fixtures/checks",
        "tests/fixtures/plans",
        "assets/plans",
    ] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "ron") {
                let text = std::fs::read_to_string(&p).unwrap();
                if text.contains("format_version: 1,") {
                    found += 1;
                    load_any(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                }
            }
        }
    }
    assert!(found >= 2, "the version 1 fixtures are found ({found})");
}
