//! Hand-made cases with known answers for every rule, from a RON plan and the same plan
//! as GeoJSON (tests/fixtures/checks/rules.*). The layout, in metres east/north of
//! Fabriksparken 18 (UTM 32N):
//!
//! - S1 "Fabriksparken" runs east (0,0)-(150,0)-(300,0); S2 "Smedeland" north from
//!   (400,0) to (400,300).
//! - Sections A V1 S1 0-150, B V2 S1 140-300 (overlap 10 m), C V1 S2 0-300, D V3 on the
//!   unknown street S9, E of the unknown vendor VX on S2 0-10 (overlapping C). V3 has
//!   no poles.
//! - Poles on S1 (chainage, offset): P01 (10, +2), P02 (40, -2), P03 (48, +2) 8.94 m from
//!   P02, P04 (100, -2) 52 m after P03, P05 (130, +2, 6 m high, vendor V2 outside B),
//!   P06 (170, -2, 6 m) 40 m after P05 > 6 x 6 m, P07 40 m off the street, P08 (210, -2,
//!   unknown luminaire LX) 40 m after P06, P09 0.5 mm from P08. On S2: a second "P01"
//!   of unknown vendor VY, P11 with the unreadable luminaire L2.

use lysplan::check::{Finding, Severity, run};
use lysplan::locate::load_any;
use lysplan::plan::Plan;
use std::path::Path;

fn fixture(name: &str) -> Plan {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/checks")
        .join(name);
    load_any(&p).unwrap_or_else(|e| panic!("{e}"))
}

/// (rule, severity, poles, a piece of the message, street, chainage)
type Expect = (
    &'static str,
    Severity,
    &'static [&'static str],
    &'static str,
    Option<&'static str>,
    Option<f64>,
);

const EXPECTED: &[Expect] = &[
    (
        "placement.off_route",
        Severity::Error,
        &["P07"],
        "P07: 40.0 m from the nearest street centreline (Fabriksparken), maximum 15 m",
        Some("S1"),
        Some(200.0),
    ),
    (
        "reference.duplicate_id",
        Severity::Error,
        &["P01"],
        "id \"P01\" is used 2 times, maximum 1 (pole, pole)",
        None,
        None,
    ),
    (
        "reference.luminaire",
        Severity::Error,
        &["P08"],
        "P08: luminaire \"LX\" is not in the plan's catalogue",
        None,
        None,
    ),
    (
        "reference.luminaire",
        Severity::Error,
        &["P11"],
        "luminaire type L2 (broken.ldt): photometry unreadable",
        None,
        None,
    ),
    (
        "reference.same_spot",
        Severity::Error,
        &["P08", "P09"],
        "P08 and P09 stand at one spot: 0.0005 m apart, minimum 0.001 m",
        None,
        None,
    ),
    (
        "reference.street",
        Severity::Error,
        &[],
        "section D: street \"S9\" is not in the plan",
        None,
        None,
    ),
    (
        "reference.vendor",
        Severity::Error,
        &[],
        "section E: vendor \"VX\" is not in the plan's vendor list",
        Some("S2"),
        None,
    ),
    (
        "reference.vendor",
        Severity::Error,
        &["P01"],
        "P01: vendor \"VY\" is not in the plan's vendor list",
        None,
        None,
    ),
    (
        "section.empty",
        Severity::Warning,
        &[],
        "vendor V3 (Gamma (no poles)) has 0 poles, minimum 1 (1 section)",
        None,
        None,
    ),
    (
        "section.outside",
        Severity::Error,
        &["P05"],
        "P05 (vendor V2) at 130.0 m on Fabriksparken is outside its vendor's sections; V2's sections there: 140.0–300.0 m",
        Some("S1"),
        Some(130.0),
    ),
    (
        "section.overlap",
        Severity::Error,
        &[],
        "sections A (V1, 0.0–150.0 m) and B (V2, 140.0–300.0 m) overlap by 10.0 m on Fabriksparken",
        Some("S1"),
        Some(140.0),
    ),
    (
        "section.overlap",
        Severity::Error,
        &[],
        "sections C (V1, 0.0–300.0 m) and E (VX, 0.0–10.0 m) overlap by 10.0 m on Smedeland",
        Some("S2"),
        Some(0.0),
    ),
    (
        "spacing.max",
        Severity::Error,
        &["P03", "P04"],
        "P03–P04: 52.0 m apart along Fabriksparken, maximum 45.0 m (max_spacing_m)",
        Some("S1"),
        Some(74.0),
    ),
    (
        "spacing.max",
        Severity::Error,
        &["P05", "P06"],
        "P05–P06: 40.0 m apart along Fabriksparken, maximum 36.0 m (6 × 6 m height)",
        Some("S1"),
        Some(150.0),
    ),
    (
        "spacing.max",
        Severity::Error,
        &["P06", "P08"],
        "P06–P08: 40.0 m apart along Fabriksparken, maximum 36.0 m (6 × 6 m height)",
        Some("S1"),
        Some(190.0),
    ),
    (
        "spacing.min",
        Severity::Error,
        &["P02", "P03"],
        "P02–P03: 8.9 m apart, minimum 10 m",
        None,
        None,
    ),
    (
        "spacing.min",
        Severity::Error,
        &["P08", "P09"],
        "P08–P09: 0.0005 m apart, minimum 10 m",
        None,
        None,
    ),
];

fn assert_expected(f: &[Finding], origin: &str) {
    let got: Vec<String> = f
        .iter()
        .map(|x| format!("{} {:?} {}", x.rule, x.poles, x.message))
        .collect();
    assert_eq!(f.len(), EXPECTED.len(), "{origin}: {got:#?}");
    for (x, e) in f.iter().zip(EXPECTED) {
        let (rule, sev, poles, msg, street, chainage) = *e;
        assert_eq!(x.rule, rule, "{origin}: {got:#?}");
        assert_eq!(x.severity, sev, "{origin}: {}", x.message);
        assert_eq!(x.poles, poles, "{origin}: {}", x.message);
        assert!(
            x.message.contains(msg),
            "{origin}: {:?}\n does not contain {msg:?}",
            x.message
        );
        assert_eq!(x.street.as_deref(), street, "{origin}: {}", x.message);
        match (x.chainage_m, chainage) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 0.01, "{origin}: chainage {a} != {b}"),
            (a, b) => assert_eq!(a.is_some(), b.is_some(), "{origin}: {}", x.message),
        }
    }
}

#[test]
fn known_answers_from_ron() {
    assert_expected(&run(&fixture("rules.ron")), "rules.ron");
}

#[test]
fn known_answers_from_geojson() {
    assert_expected(&run(&fixture("rules.geojson")), "rules.geojson");
}

#[test]
fn ron_and_geojson_fixtures_agree() {
    assert_eq!(fixture("rules.ron"), fixture("rules.geojson"));
}

#[test]
fn findings_point_at_the_place() {
    let plan = fixture("rules.ron");
    let f = run(&plan);
    let off = f.iter().find(|x| x.rule == "placement.off_route").unwrap();
    let p07 = plan.pole("P07").unwrap();
    assert_eq!((off.lon, off.lat), (Some(p07.lon), Some(p07.lat)));
    // spacing.max points at the middle of the gap, on the centreline.
    let gap = f.iter().find(|x| x.rule == "spacing.max").unwrap();
    let mid = lysplan::frame::to_utm32(gap.lon.unwrap(), gap.lat.unwrap());
    let o = lysplan::frame::to_utm32(12.3880, 55.6848);
    assert!(
        (mid.x - o.x - 74.0).abs() < 0.01 && (mid.y - o.y).abs() < 0.01,
        "{mid:?}"
    );
}

#[test]
fn thresholds_come_from_the_plan() {
    let mut plan = fixture("rules.ron");
    plan.rules.min_spacing_m = 8.0;
    plan.rules.max_offset_m = 50.0;
    plan.rules.max_spacing_m = 60.0;
    plan.rules.max_spacing_to_height = 10.0;
    let f = run(&plan);
    let rules: Vec<&str> = f.iter().map(|x| x.rule.as_str()).collect();
    // P02–P03 (8.9 m) passes, P07 is now on route: it splits the P06–P08 gap.
    assert_eq!(rules.iter().filter(|r| **r == "spacing.min").count(), 1);
    assert!(!rules.contains(&"placement.off_route"));
    assert!(!rules.contains(&"spacing.max"), "{f:#?}");
}

#[test]
fn extra_findings_are_merged_sorted_and_kept() {
    use lysplan::check::{Checker, run_with};
    let mut plan = fixture("rules.ron");
    let extra = Finding {
        rule: lysplan::check::RuleId::CoverageClass,
        severity: Severity::Error,
        message: "Fabriksparken: E_avg 3.1 lx, minimum 5 lx (P4)".into(),
        poles: Vec::new(),
        street: Some("S1".into()),
        chainage_m: None,
        lon: None,
        lat: None,
    };
    let f = run_with(&plan, vec![extra.clone()]);
    assert_eq!(f.len(), EXPECTED.len() + 1);
    assert_eq!(f[0], extra, "coverage.* sorts before placement.*");
    let mut c = Checker::new(&plan);
    c.set_extra(vec![extra.clone()]);
    assert_eq!(c.findings(), f.as_slice());
    plan.poles[0].lon += 0.0001;
    c.move_pole(&plan, 0);
    assert!(c.findings().contains(&extra));
    c.rebuild(&plan);
    assert!(c.findings().contains(&extra));
    c.set_extra(Vec::new());
    assert_eq!(c.findings(), run(&plan).as_slice());
}

#[test]
fn non_finite_values_from_a_ron_file_do_not_panic() {
    let mut plan = fixture("rules.ron");
    plan.poles[0].lon = f64::NAN;
    plan.poles[1].lat = f64::INFINITY;
    plan.poles[2].height_m = f64::NAN;
    plan.streets[1].points[0] = lysplan::frame::LonLat::new(f64::NAN, 55.0);
    plan.sections[0].to_m = f64::NAN;
    let f = run(&plan);
    let bad: Vec<&str> = f
        .iter()
        .filter(|x| x.rule == "placement.position")
        .map(|x| x.message.as_str())
        .collect();
    assert_eq!(bad.len(), 3, "{bad:?}");
    // Findings without poles sort first.
    assert!(bad[0].starts_with("street S2: point 0"), "{bad:?}");
    assert!(bad[1].starts_with("P01: position lon NaN"), "{bad:?}");
    assert!(bad[2].starts_with("P02: position"), "{bad:?}");
    let mut c = lysplan::check::Checker::new(&plan);
    plan.poles[0].lon = 12.3880;
    plan.poles[0].lat = 55.6848;
    c.move_pole(&plan, 0);
    assert_eq!(c.findings(), lysplan::check::Checker::new(&plan).findings());
    plan.poles[3].lat = f64::NAN;
    c.move_pole(&plan, 3);
    assert_eq!(c.findings(), lysplan::check::Checker::new(&plan).findings());
}

/// One id shared across kinds: one `reference.duplicate_id` finding per id, its kinds
/// listed by kind name (then by index), shown at the first pole with it.
#[test]
fn an_id_shared_across_kinds_is_one_finding_listing_each_use() {
    let mut plan = lysplan::bundled::doll_plan();
    let shared = plan.poles[5].id.to_string();
    plan.poles[2].id = shared.as_str().into();
    plan.streets[1].id = shared.clone();
    plan.vendors[0].id = "X1".into();
    plan.luminaires[0].id = "X1".into();
    let f = run(&plan);
    let dups: Vec<&Finding> = f
        .iter()
        .filter(|x| x.rule == "reference.duplicate_id")
        .collect();
    let of = |id: &str| {
        dups.iter()
            .find(|x| x.message.contains(&format!("id \"{id}\" ")))
            .unwrap_or_else(|| panic!("no finding for {id}: {dups:?}"))
    };
    let a = of(&shared);
    assert!(
        a.message
            .contains("used 3 times, maximum 1 (pole, pole, street)"),
        "{}",
        a.message
    );
    assert_eq!(a.poles, vec![shared.clone()]);
    assert_eq!(a.lon, Some(plan.poles[2].lon));
    let b = of("X1");
    assert!(
        b.message
            .contains("used 2 times, maximum 1 (luminaire type, vendor)"),
        "{}",
        b.message
    );
    assert!(b.poles.is_empty() && b.lon.is_none());
}
