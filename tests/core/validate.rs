//! The one validator (`plan::validate`) as the readers apply it: impossible values are
//! refused by the RON and the GeoJSON reader with the field named; plausible-but-odd
//! values load and give a `value.implausible` warning finding.

use lysplan::check::{self, Finding, Severity};
use lysplan::error::{FileError, Location};
use lysplan::frame::{LonLat, offset_lonlat};
use lysplan::locate::read_geojson;
use lysplan::plan::{
    LuminaireType, PhotometrySource, Plan, Pole, Section, Street, Vendor, load_ron_str, to_geojson,
    to_ron_string, validate,
};
use std::path::Path;

const SITE: LonLat = LonLat::new(12.3880, 55.6848);

/// A small valid plan: one 200 m street, one section, two poles.
fn base() -> Plan {
    let pole = |id: &str, x: f64| {
        let LonLat { lon, lat } = offset_lonlat(SITE, x, 3.0);
        Pole {
            id: id.into(),
            lon,
            lat,
            height_m: 8.0,
            overhang_m: 0.5,
            tilt_deg: 5.0,
            azimuth_deg: 180.0,
            vendor: "acme".into(),
            luminaire: "L1".into(),
        }
    };
    Plan {
        name: "validate".into(),
        vendors: vec![Vendor {
            id: "acme".into(),
            name: "ACME".into(),
            color: [200, 30, 30],
            control_profile: None,
        }],
        luminaires: vec![LuminaireType {
            id: "L1".into(),
            name: "Road runner".into(),
            photometry: PhotometrySource::Bundled("acme_road_runner.ldt".into()),
            rotation_deg: 0.0,
            flux_lm: 10_000.0,
            power_w: 80.0,
            standby_w: 0.0,
            output_level: 1.0,
        }],
        streets: vec![Street {
            lanes: 2,
            surface: "C2".into(),
            class_schedule: Vec::new(),
            id: "S1".into(),
            name: "Fabriksparken".into(),
            class: None,
            width_m: 7.0,
            points: vec![SITE, offset_lonlat(SITE, 200.0, 0.0)],
        }],
        sections: vec![Section {
            id: "SEC1".into(),
            vendor: "acme".into(),
            street: "S1".into(),
            from_m: 0.0,
            to_m: 150.0,
        }],
        poles: vec![pole("P001", 20.0), pole("P002", 50.0)],
        ..Plan::default()
    }
}

fn ron_err(plan: &Plan) -> FileError {
    let text = to_ron_string(plan);
    load_ron_str(&text, Path::new("plan.ron")).expect_err(&text)
}

fn geojson_err(plan: &Plan) -> FileError {
    let text = to_geojson(plan);
    read_geojson(&text, Path::new("plan.geojson")).expect_err(&text)
}

fn field(e: &FileError) -> &str {
    match &e.location {
        Location::Field(f) => f,
        other => panic!("{e}: not a field location: {other:?}"),
    }
}

type Edit = fn(&mut Plan);

/// Refused values: the edit, the RON path and the GeoJSON path of the field.
fn refused() -> Vec<(&'static str, Edit, &'static str, &'static str)> {
    vec![
        (
            "height 0",
            |p| p.poles[1].height_m = 0.0,
            "poles[1] (P002).height_m",
            "features[3].properties.height_m",
        ),
        (
            "height negative",
            |p| p.poles[1].height_m = -3.0,
            "poles[1] (P002).height_m",
            "features[3].properties.height_m",
        ),
        (
            "tilt negative",
            |p| p.poles[0].tilt_deg = -1.0,
            "poles[0] (P001).tilt_deg",
            "features[2].properties.tilt_deg",
        ),
        (
            "tilt 90",
            |p| p.poles[0].tilt_deg = 90.0,
            "poles[0] (P001).tilt_deg",
            "features[2].properties.tilt_deg",
        ),
        (
            "overhang negative",
            |p| p.poles[0].overhang_m = -0.5,
            "poles[0] (P001).overhang_m",
            "features[2].properties.overhang_m",
        ),
        (
            "width 0",
            |p| p.streets[0].width_m = 0.0,
            "streets[0] (S1).width_m",
            "features[0].properties.width_m",
        ),
        (
            "maintenance factor 0",
            |p| p.maintenance_factor = 0.0,
            "maintenance_factor",
            "lysplan.maintenance_factor",
        ),
        (
            "maintenance factor over 1",
            |p| p.maintenance_factor = 1.2,
            "maintenance_factor",
            "lysplan.maintenance_factor",
        ),
        (
            "burning hours negative",
            |p| p.burning_hours_per_year = -1.0,
            "burning_hours_per_year",
            "lysplan.burning_hours_per_year",
        ),
        (
            "burning hours over a leap year",
            |p| p.burning_hours_per_year = 9000.0,
            "burning_hours_per_year",
            "lysplan.burning_hours_per_year",
        ),
        (
            "rule negative",
            |p| p.rules.max_offset_m = -2.0,
            "rules.max_offset_m",
            "lysplan.rules.max_offset_m",
        ),
        (
            "section from negative",
            |p| p.sections[0].from_m = -5.0,
            "sections[0] (SEC1).from_m",
            "features[1].properties.from_m",
        ),
        (
            "section from > to",
            |p| p.sections[0].from_m = 160.0,
            "sections[0] (SEC1).to_m",
            "features[1].properties.to_m",
        ),
        (
            "flux negative",
            |p| p.luminaires[0].flux_lm = -1.0,
            "luminaires[0] (L1).flux_lm",
            "lysplan.luminaires[0].flux_lm",
        ),
        (
            "power negative",
            |p| p.luminaires[0].power_w = -80.0,
            "luminaires[0] (L1).power_w",
            "lysplan.luminaires[0].power_w",
        ),
        (
            "output level 0",
            |p| p.luminaires[0].output_level = 0.0,
            "luminaires[0] (L1).output_level",
            "lysplan.luminaires[0].output_level",
        ),
        (
            "output level over 1",
            |p| p.luminaires[0].output_level = 1.5,
            "luminaires[0] (L1).output_level",
            "lysplan.luminaires[0].output_level",
        ),
    ]
}

#[test]
fn a_valid_plan_passes_everywhere() {
    let plan = base();
    assert_eq!(validate::plan(&plan), Ok(()));
    assert!(validate::warnings(&plan).is_empty());
    let back = load_ron_str(&to_ron_string(&plan), Path::new("plan.ron")).expect("ron");
    assert_eq!(back, plan);
    read_geojson(&to_geojson(&plan), Path::new("plan.geojson")).expect("geojson");
}

#[test]
fn both_readers_refuse_each_impossible_value_naming_the_field() {
    for (what, edit, ron_path, geojson_path) in refused() {
        let mut plan = base();
        edit(&mut plan);
        let e = ron_err(&plan);
        assert_eq!(field(&e), ron_path, "{what}: {e}");
        assert!(e.to_string().starts_with("plan.ron: "), "{what}: {e}");
        assert!(e.message.contains("must be a finite number"), "{what}: {e}");
        let e = geojson_err(&plan);
        assert_eq!(field(&e), geojson_path, "{what}: {e}");
        assert!(e.message.contains("must be a finite number"), "{what}: {e}");
    }
}

#[test]
fn non_finite_values_are_refused_by_the_ron_reader() {
    let cases: [(Edit, &str); 7] = [
        (
            |p| p.poles[1].height_m = f64::NAN,
            "poles[1] (P002).height_m",
        ),
        (
            |p| p.poles[0].azimuth_deg = f64::INFINITY,
            "poles[0] (P001).azimuth_deg",
        ),
        (
            |p| p.luminaires[0].rotation_deg = f64::NAN,
            "luminaires[0] (L1).rotation_deg",
        ),
        (
            |p| p.streets[0].width_m = f64::NAN,
            "streets[0] (S1).width_m",
        ),
        (|p| p.maintenance_factor = f64::NAN, "maintenance_factor"),
        (
            |p| p.rules.min_spacing_m = f64::INFINITY,
            "rules.min_spacing_m",
        ),
        (|p| p.sections[0].to_m = f64::NAN, "sections[0] (SEC1).to_m"),
    ];
    for (edit, path) in cases {
        let mut plan = base();
        edit(&mut plan);
        let e = ron_err(&plan);
        assert_eq!(field(&e), path, "{e}");
    }
    // Written by hand, as RON spells them.
    let text = to_ron_string(&base()).replacen("height_m: 8.0", "height_m: NaN", 1);
    let e = load_ron_str(&text, Path::new("plan.ron")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "plan.ron: poles[0] (P001).height_m: is NaN, but it must be a finite number > 0; \
         fix the value in the file"
    );
}

#[test]
fn blank_ids_are_refused() {
    let cases: [(Edit, &str, &str); 4] = [
        (
            |p| p.poles[1].id = " ".into(),
            "poles[1].id",
            "features[3].properties.id",
        ),
        (
            |p| p.streets[0].id = String::new(),
            "streets[0].id",
            "features[0].properties.id",
        ),
        (
            |p| p.vendors[0].id = String::new(),
            "vendors[0].id",
            "lysplan.vendors[0].id",
        ),
        (
            |p| p.luminaires[0].id = "  ".into(),
            "luminaires[0].id",
            "lysplan.luminaires[0].id",
        ),
    ];
    for (edit, ron_path, geojson_path) in cases {
        let mut plan = base();
        edit(&mut plan);
        let e = ron_err(&plan);
        assert_eq!(field(&e), ron_path, "{e}");
        let e = geojson_err(&plan);
        assert_eq!(field(&e), geojson_path, "{e}");
    }
    let mut plan = base();
    plan.sections[0].id = String::new();
    assert_eq!(field(&ron_err(&plan)), "sections[0].id");
}

fn implausible(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.rule == validate::IMPLAUSIBLE)
        .collect()
}

/// Odd values: the edit, the field and the threshold the message must name.
#[test]
fn implausible_values_load_with_a_warning() {
    let cases: [(Edit, &str, &str); 6] = [
        (|p| p.poles[1].height_m = 75.0, "height_m = 75", "above 60"),
        (|p| p.poles[1].tilt_deg = 40.0, "tilt_deg = 40", "above 30"),
        (
            |p| p.poles[1].overhang_m = 16.0,
            "overhang_m = 16",
            "above 15",
        ),
        (|p| p.streets[0].width_m = 80.0, "width_m = 80", "above 60"),
        (
            |p| p.maintenance_factor = 0.3,
            "maintenance_factor = 0.3",
            "below 0.5",
        ),
        (
            |p| p.sections[0].to_m = 260.0,
            "to_m = 260",
            "beyond the end",
        ),
    ];
    for (edit, named, threshold) in cases {
        let mut plan = base();
        edit(&mut plan);
        let ron = load_ron_str(&to_ron_string(&plan), Path::new("plan.ron")).expect("loads");
        let geo = read_geojson(&to_geojson(&plan), Path::new("plan.geojson")).expect("loads");
        for loaded in [ron, geo] {
            let findings = check::run(&loaded);
            let w = implausible(&findings);
            assert_eq!(w.len(), 1, "{named}: {findings:#?}");
            assert_eq!(w[0].severity, Severity::Warning);
            assert!(w[0].message.contains(named), "{}", w[0].message);
            assert!(w[0].message.contains(threshold), "{}", w[0].message);
        }
    }
}

#[test]
fn pole_warnings_follow_incremental_moves() {
    let mut plan = base();
    plan.poles[1].height_m = 75.0;
    let mut checker = check::Checker::new(&plan);
    plan.poles[1].lon += 0.0001;
    checker.move_pole(&plan, 1);
    assert_eq!(checker.findings(), check::Checker::new(&plan).findings());
    let w = implausible(checker.findings());
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].lon, Some(plan.poles[1].lon));
    // An edit of the value itself, then a rebuild, clears the warning.
    plan.poles[1].height_m = 10.0;
    checker.rebuild(&plan);
    assert!(implausible(checker.findings()).is_empty());
}

#[test]
fn value_error_displays_path_value_and_range() {
    let mut plan = base();
    plan.poles[0].height_m = 0.0;
    assert_eq!(
        validate::pole(&plan.poles[0]).unwrap_err().to_string(),
        "height_m = 0: must be a finite number > 0"
    );
    assert_eq!(
        validate::plan(&plan).unwrap_err().path,
        "poles[0] (P001).height_m"
    );
    plan.poles[0].height_m = 8.0;
    plan.sections[0].to_m = -1.0;
    let e = validate::section(&plan.sections[0]).unwrap_err();
    assert_eq!(
        (e.path.as_str(), e.value.to_string().as_str()),
        ("to_m", "-1")
    );
    plan.sections[0].to_m = 10.0;
    plan.sections[0].from_m = 20.0;
    let e = validate::section(&plan.sections[0]).unwrap_err();
    assert!(e.allowed.to_string().contains("from_m (20)"), "{e}");
}

#[test]
fn streets_of_fewer_than_two_distinct_vertices_are_refused_by_every_reader() {
    // Issue 25 item 5: a RON street of one point was silently ignored, and its poles
    // turned up as off-route; the GeoJSON reader refused it. Both refuse it now, at the
    // street's vertices.
    let cases: [(Edit, &str, &str); 3] = [
        (
            |p| p.streets[0].points.truncate(1),
            "is 1 position, but it must be at least 2 distinct positions",
            "a street needs at least 2 positions, found 1",
        ),
        (
            |p| p.streets[0].points.clear(),
            "is no positions, but it must be at least 2 distinct positions",
            "a street needs at least 2 positions, found 0",
        ),
        (
            |p| p.streets[0].points = vec![SITE, SITE, SITE],
            "is 3 positions, all at one place, but it must be at least 2 distinct positions",
            "a street needs at least 2 distinct positions, found 3 all at one place",
        ),
    ];
    for (edit, ron_message, geojson_message) in cases {
        let mut plan = base();
        edit(&mut plan);
        let e = validate::plan(&plan).unwrap_err();
        assert_eq!(e.path, "streets[0] (S1).points");
        let e = ron_err(&plan);
        assert_eq!(field(&e), "streets[0] (S1).points", "{e}");
        assert!(e.message.starts_with(ron_message), "{e}");
        let e = geojson_err(&plan);
        assert_eq!(field(&e), "features[0].geometry.coordinates", "{e}");
        assert!(e.message.starts_with(geojson_message), "{e}");
    }
    // Two distinct vertices are enough, even with a repeated one between them.
    let mut plan = base();
    let end = plan.streets[0].points[1];
    plan.streets[0].points = vec![SITE, SITE, end];
    assert_eq!(validate::plan(&plan), Ok(()));
    load_ron_str(&to_ron_string(&plan), Path::new("plan.ron")).expect("ron");
}

/// Issue 26: a class schedule mixing families (an M street dimmed to a C class) is
/// refused by both readers, naming the street and the step, with the reason.
#[test]
fn a_mixed_family_class_schedule_is_refused_naming_the_street_and_step() {
    use lysplan::plan::LightingClass::{C3, M3, M4, M5};
    let mut plan = base();
    plan.streets[0].class = Some(M3);
    plan.streets[0].class_schedule = vec![("22:00".into(), M4), ("00:00".into(), M5)];
    assert_eq!(validate::plan(&plan), Ok(()));
    let back = load_ron_str(&to_ron_string(&plan), Path::new("plan.ron")).unwrap();
    assert_eq!(back, plan);

    plan.streets[0].class_schedule[1].1 = C3;
    let e = ron_err(&plan);
    assert_eq!(field(&e), "streets[0] (S1).class_schedule[1].class", "{e}");
    assert!(e.message.contains("C3"), "{e}");
    assert!(e.message.contains("family"), "{e}");
    assert!(e.message.contains("M1..M6"), "{e}");
    let e = geojson_err(&plan);
    assert_eq!(
        field(&e),
        "features[0].properties.class_schedule[1].class",
        "{e}"
    );
    assert!(e.message.contains("family"), "{e}");

    // A schedule needs a design class; step times are "HH:MM" and unique.
    let mut plan = base();
    plan.streets[0].class_schedule = vec![("22:00".into(), M4)];
    assert!(ron_err(&plan).message.contains("design class"));
    plan.streets[0].class = Some(M3);
    plan.streets[0].class_schedule = vec![("22:00".into(), M4), ("22:00".into(), M5)];
    assert_eq!(
        field(&ron_err(&plan)),
        "streets[0] (S1).class_schedule[1].time"
    );
    plan.streets[0].class_schedule = vec![("24:00".into(), M4)];
    assert_eq!(
        field(&ron_err(&plan)),
        "streets[0] (S1).class_schedule[0].time"
    );
}
