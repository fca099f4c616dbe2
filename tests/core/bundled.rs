//! The bundled DOLL Living Lab data: what the plan promises (DESIGN.md "The bundled site",
//! issue 2) and that it survives a save/load round trip.

use lysplan::bundled::{DOLL_PLAN_RON, SITE_GEOJSON, doll_plan, site_streets, try_doll_plan};
use lysplan::check::{self, Severity};
use lysplan::frame::{Polyline, bearing_of, grid_to_true_bearing, to_utm32};
use lysplan::index::SiteIndex;
use lysplan::plan::{FORMAT_VERSION, Plan, load_ron, load_ron_str, save_ron_atomic};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The generator of the bundled plan, compiled into this test so the committed plan can be
/// compared with what the committed map produces.
#[allow(dead_code)]
#[path = "../../examples/make_doll_plan.rs"]
mod make_doll_plan;

fn plan() -> Plan {
    try_doll_plan().expect("bundled plan parses")
}

/// (street index, chainage, offset) of every pole on its nearest street.
fn stations(plan: &Plan) -> Vec<(usize, f64, f64)> {
    let index = SiteIndex::build(plan);
    plan.poles
        .iter()
        .map(|p| {
            let (k, st) = index
                .nearest_street(to_utm32(p.lon, p.lat))
                .expect("a street near every pole");
            (k, st.chainage_m, st.offset_m)
        })
        .collect()
}

#[test]
fn at_least_16_vendors_each_with_a_section_and_poles() {
    let plan = plan();
    assert!(plan.vendors.len() >= 16, "{} vendors", plan.vendors.len());
    for v in &plan.vendors {
        assert!(
            plan.sections.iter().any(|s| s.vendor == v.id),
            "vendor {} has no section",
            v.id
        );
        assert!(
            plan.poles.iter().any(|p| p.vendor == v.id),
            "vendor {} has no poles",
            v.id
        );
    }
    let names: HashSet<&str> = plan.vendors.iter().map(|v| v.name.as_str()).collect();
    for named in ["Zumtobel Group", "Cisco", "Global Connect"] {
        assert!(names.contains(named), "{named} missing");
    }
    assert!(plan.description.contains("illustrative") || plan.description.contains("ILLUSTRATIVE"));
}

#[test]
fn at_least_250_poles_with_sane_heights_and_overhangs() {
    let plan = plan();
    assert!(plan.poles.len() >= 250, "{} poles", plan.poles.len());
    for p in &plan.poles {
        assert!(
            (4.0..=10.0).contains(&p.height_m),
            "{}: {} m",
            p.id,
            p.height_m
        );
        assert!((0.0..=1.5).contains(&p.overhang_m), "{}", p.id);
        assert!(plan.luminaire(&p.luminaire).is_some(), "{}", p.id);
    }
}

#[test]
fn consecutive_poles_are_20_to_40_m_apart_along_each_street() {
    let plan = plan();
    let mut by_street: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
    for (k, c, _) in stations(&plan) {
        by_street.entry(k).or_default().push(c);
    }
    assert_eq!(by_street.len(), plan.streets.len(), "every street is lit");
    for (k, mut cs) in by_street {
        cs.sort_by(f64::total_cmp);
        for w in cs.windows(2) {
            let d = w[1] - w[0];
            assert!(
                (20.0..=40.0).contains(&d),
                "{}: poles at {:.1} and {:.1} m are {d:.1} m apart",
                plan.streets[k].id,
                w[0],
                w[1]
            );
        }
    }
}

#[test]
fn poles_stand_at_the_roadside_facing_the_street() {
    let plan = plan();
    let index = SiteIndex::build(&plan);
    for p in &plan.poles {
        let xy = to_utm32(p.lon, p.lat);
        let (k, st) = index.nearest_street(xy).expect("street");
        let half = plan.streets[k].width_m / 2.0;
        assert!(
            st.offset_m > half + 0.5 && st.offset_m < half + 2.5,
            "{}: {:.2} m from the centreline of a {} m street",
            p.id,
            st.offset_m,
            plan.streets[k].width_m
        );
        let toward =
            grid_to_true_bearing(bearing_of(st.foot.x - xy.x, st.foot.y - xy.y), p.lon, p.lat);
        let diff = (toward - p.azimuth_deg + 540.0).rem_euclid(360.0) - 180.0;
        assert!(diff.abs() < 1.0, "{}: azimuth off by {diff:.2}°", p.id);
    }
}

#[test]
fn route_is_9_km_within_5_percent() {
    let plan = plan();
    let total_m: f64 = plan
        .streets
        .iter()
        .map(|s| Polyline::from_lonlat(&s.points).length())
        .sum();
    assert!(
        (8_550.0..=9_450.0).contains(&total_m),
        "route {total_m:.0} m"
    );
    // Paths and roads are both part of the lab.
    let classes: HashSet<char> = plan
        .streets
        .iter()
        .filter_map(|s| s.class.map(|c| c.name().chars().next().unwrap_or('?')))
        .collect();
    assert!(classes.contains(&'P') && (classes.contains(&'C') || classes.contains(&'M')));
}

#[test]
fn plan_streets_equal_the_map() {
    let plan = plan();
    assert_eq!(site_streets().expect("map parses"), plan.streets);
    assert!(
        SITE_GEOJSON.contains("\"note\""),
        "the map says it is approximate"
    );
    assert!(SITE_GEOJSON.contains("APPROXIMATE"));
}

#[test]
fn sections_are_contiguous_along_each_street() {
    let plan = plan();
    for (k, s) in plan.streets.iter().enumerate() {
        let len = Polyline::from_lonlat(&s.points).length();
        let mut secs: Vec<_> = plan.sections.iter().filter(|x| x.street == s.id).collect();
        assert!(!secs.is_empty(), "street {k} {} has no section", s.id);
        secs.sort_by(|a, b| a.from_m.total_cmp(&b.from_m));
        assert!(secs[0].from_m.abs() < 1e-9);
        assert!((secs[secs.len() - 1].to_m - len).abs() < 0.01, "{}", s.id);
        for w in secs.windows(2) {
            assert_eq!(w[0].to_m, w[1].from_m, "{}", s.id);
        }
    }
}

#[test]
fn bundled_plan_passes_the_layout_checks() {
    let plan = plan();
    let findings = check::run(&plan);
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| format!("{} {}", f.rule, f.message))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn doll_plan_is_the_bundled_text() {
    assert_eq!(doll_plan(), plan());
    assert_eq!(
        load_ron_str(DOLL_PLAN_RON, Path::new("x.ron")).expect("parses"),
        plan()
    );
}

#[test]
fn ron_round_trip_of_the_bundled_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("doll.ron");
    let plan = plan();
    save_ron_atomic(&plan, &path).expect("save");
    assert_eq!(load_ron(&path).expect("load"), plan);
}

#[test]
fn ron_round_trip_of_an_edited_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("edited.ron");
    let mut plan = plan();
    let id = plan.next_id("P");
    let mut extra = plan.poles[0].clone();
    extra.id = id.as_str().into();
    extra.lon += 0.000_123_456_789;
    extra.lat -= 0.000_098_765_432_1;
    extra.azimuth_deg = 123.456_789;
    plan.poles.push(extra);
    plan.poles.remove(5);
    if let Some(p) = plan.pole_mut("P010") {
        p.height_m = 7.25;
        p.tilt_deg = 5.0;
    }
    plan.name = "Edited — «æøå»".into();
    plan.streets[0].class = None;
    plan.streets[0].class_schedule.clear();
    plan.sections[0].to_m = 100.0 / 3.0;
    save_ron_atomic(&plan, &path).expect("save");
    let back = load_ron(&path).expect("load");
    assert_eq!(back, plan);
    assert!(back.pole(&id).is_some());
}

#[test]
fn a_newer_format_version_is_refused_clearly() {
    let newer = DOLL_PLAN_RON.replacen(
        &format!("format_version: {FORMAT_VERSION},"),
        &format!("format_version: {},", FORMAT_VERSION + 1),
        1,
    );
    assert_ne!(newer, DOLL_PLAN_RON, "the version line was found");
    let err = load_ron_str(&newer, Path::new("future.ron")).expect_err("refused");
    let msg = err.to_string();
    assert!(msg.contains("future.ron"), "{msg}");
    assert!(msg.contains("format_version"), "{msg}");
    assert!(msg.contains("newer Lysplan"), "{msg}");
}

#[test]
fn committed_plan_is_what_the_generator_makes_from_the_committed_map() {
    let made = make_doll_plan::build(SITE_GEOJSON, Path::new("maps/hersted-industripark.geojson"))
        .expect("generator runs");
    assert_eq!(
        made,
        plan(),
        "assets/plans/doll-living-lab.ron is stale: run `cargo run --example make_doll_plan`"
    );
}

#[test]
fn luminaire_flux_and_power_are_the_files_figures() {
    use lysplan::photometry::catalogue;
    let plan = plan();
    for lum in &plan.luminaires {
        let ph = catalogue::load(&lum.photometry)
            .unwrap_or_else(|e| panic!("{}: bundled photometry unreadable: {e}", lum.id));
        assert!(
            (lum.power_w - ph.power_w).abs() < 0.01,
            "{}: plan says {} W, file {} W",
            lum.id,
            lum.power_w,
            ph.power_w
        );
        // Relative photometry: the flux the file declares. Absolute photometry declares
        // none: the plan carries an estimate, which must match the integrated table.
        let (reference_lm, tolerance) = match ph.declared_flux_lm {
            Some(declared) => (declared, 0.001),
            None => (ph.table.flux_lm(), 0.02),
        };
        assert!(
            ((lum.flux_lm - reference_lm) / reference_lm).abs() < tolerance,
            "{}: plan says {} lm, file {reference_lm:.1} lm",
            lum.id,
            lum.flux_lm
        );
    }
}

#[test]
fn a_version_2_plan_migrates_unchanged() {
    let v2 = DOLL_PLAN_RON.replacen(
        &format!("format_version: {FORMAT_VERSION},"),
        "format_version: 2,",
        1,
    );
    assert_ne!(v2, DOLL_PLAN_RON, "the version line was found");
    let back = load_ron_str(&v2, Path::new("v2.ron")).expect("a version 2 plan reads");
    assert_eq!(back.format_version, FORMAT_VERSION, "migrated on load");
    assert!(back.surveys.is_empty() && back.energy_readings.is_empty());
    assert_eq!(back.rules.dark_pole_share, 0.5);
    assert_eq!(back.rules.dark_pole_ratio, 0.4);
    assert_eq!(back, lysplan::bundled::doll_plan());
}
