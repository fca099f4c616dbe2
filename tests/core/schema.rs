//! Issue 25 item 3: one file schema. Every field of `Pole`, `Street`, `Section`, `Vendor`,
//! `LuminaireType` and the plan settings, each with a value other than its default,
//! written and read back through RON, GeoJSON (the fast reader, the careful one) and
//! GeoPackage (both CRSs), and compared field by field.
//!
//! The objects are built with struct literals without `..Default::default()`: a field
//! added to one of the structs does not compile here until it is given a value, and then
//! fails here until every format carries it (or the exception is written down below).
//!
//! What a format legitimately does not carry:
//! - `format_version`: every reader gives the current version (an older file is
//!   migrated); the value written is the current one, so it is the default here too;
//! - GeoJSON carries a pole's review on the pole's feature, so the reviews of poles no
//!   longer in the plan (`pole_reviews` of other ids) are not written (GeoPackage keeps
//!   them in `plan_settings.other_pole_reviews`);
//! - GeoPackage in EPSG:25832 (the default) gives positions back to about a millimetre,
//!   not to the bit (`tests/core/gpkg.rs` holds it to that); in EPSG:4326 they are exact.

use lysplan::frame::LonLat;
use lysplan::locate::{load_any, read_geojson, read_geojson_careful};
use lysplan::plan::energy::{ControlProfile, EnergySettings, Presence};
use lysplan::plan::measured::{EnergyReading, ReadingOf, Survey, SurveyPoint};
use lysplan::plan::review::{
    ChangelogEntry, Decision, PoleReview, ReviewStatus, Submission, Verdict,
};
use lysplan::plan::{
    Crs, FORMAT_VERSION, LightingClass, LuminaireType, PhotometrySource, Plan, Pole, RoadSurface,
    Rules, Section, Street, Vendor, load_ron_str, save_gpkg_atomic, schema, to_geojson,
    to_ron_string,
};
use std::path::Path;

const SITE: LonLat = LonLat::new(12.3880, 55.6848);

fn at(dx: f64, dy: f64) -> LonLat {
    lysplan::frame::offset_lonlat(SITE, dx, dy)
}

/// A plan in which every field of every object differs from its default.
fn every_field() -> Plan {
    let defaults = Plan::default();
    let vendor = Vendor {
        id: "acme".into(),
        name: "ACME Lighting".into(),
        color: [12, 34, 56],
        control_profile: Some("night".into()),
    };
    let luminaire = LuminaireType {
        id: "L1".into(),
        name: "Road runner 40".into(),
        photometry: PhotometrySource::Embedded {
            file_name: "road_runner.ldt".into(),
            text: "an embedded file's text\nsecond line".into(),
        },
        rotation_deg: 12.5,
        flux_lm: 4321.0,
        power_w: 33.5,
        standby_w: 0.25,
        output_level: 0.6,
    };
    let bundled = LuminaireType {
        id: "L2".into(),
        name: "Bundled".into(),
        photometry: PhotometrySource::Bundled("acme_road_runner.ldt".into()),
        rotation_deg: -3.0,
        flux_lm: 1000.0,
        power_w: 10.0,
        standby_w: 0.5,
        output_level: 0.85,
    };
    let street = Street {
        id: "S1".into(),
        name: "Fabriksparken".into(),
        class: Some(LightingClass::M3),
        width_m: 8.25,
        lanes: 3,
        surface: "R3".into(),
        class_schedule: vec![
            ("22:00".into(), LightingClass::M4),
            ("00:00".into(), LightingClass::M5),
            ("05:00".into(), LightingClass::M3),
        ],
        points: vec![SITE, at(100.0, 5.0), at(200.0, 0.0)],
    };
    let section = Section {
        id: "SEC1".into(),
        vendor: "acme".into(),
        street: "S1".into(),
        from_m: 12.5,
        to_m: 150.25,
    };
    let LonLat { lon, lat } = at(50.0, 4.0);
    let pole = Pole {
        id: "P001".into(),
        lon,
        lat,
        height_m: 8.5,
        overhang_m: 1.25,
        tilt_deg: 5.5,
        azimuth_deg: 187.25,
        vendor: "acme".into(),
        luminaire: "L1".into(),
    };
    let energy = EnergySettings {
        year: 2027,
        time_zone: "Europe/Berlin".into(),
        switch_sun_elevation_deg: -3.5,
        co2_g_per_kwh: 101.5,
        co2_source: "a source".into(),
        baseline_power_w: 70.5,
        baseline_name: "a baseline".into(),
        baseline_luminaire: Some("L2".into()),
    };
    assert_ne!(energy, defaults.energy);
    let rules = Rules {
        min_spacing_m: 11.0,
        max_spacing_m: 44.0,
        max_spacing_to_height: 5.5,
        max_offset_m: 14.0,
        same_spot_m: 0.002,
        dark_pole_share: 0.6,
        dark_pole_ratio: 0.35,
    };
    assert_ne!(rules, defaults.rules);
    Plan {
        format_version: FORMAT_VERSION,
        name: "Every field".into(),
        description: "a description".into(),
        maintenance_factor: 0.7,
        burning_hours_per_year: 3900.0,
        rules,
        vendors: vec![vendor],
        luminaires: vec![luminaire, bundled],
        streets: vec![street],
        sections: vec![section],
        poles: vec![pole],
        energy,
        control_profiles: vec![ControlProfile {
            id: "night".into(),
            name: "Night dimming".into(),
            steps: vec![("22:00".into(), 0.5), ("05:00".into(), 1.0)],
            presence: Some(Presence {
                idle_level: 0.2,
                occupancy: vec![0.5; 24],
            }),
        }],
        surfaces: vec![RoadSurface {
            id: "R3".into(),
            name: "R3 table".into(),
            table_csv: "tan_gamma,0\n0,100\n".into(),
        }],
        pole_reviews: [(
            "P001".to_string(),
            PoleReview {
                status: ReviewStatus::Rejected,
                comment: "too close".into(),
                reviewer: "kim".into(),
                time: "2026-03-01T10:00:00Z".into(),
            },
        )]
        .into(),
        submissions: vec![Submission {
            vendor: "acme".into(),
            file: "acme.geojson".into(),
            sha256: "ab".repeat(32),
            received: "2026-03-01T09:00:00Z".into(),
            decisions: vec![Decision {
                object: "pole P001".into(),
                change: "moved".into(),
                verdict: Verdict::Rejected,
                comment: "too close".into(),
                reviewer: "kim".into(),
                time: "2026-03-01T10:00:00Z".into(),
            }],
        }],
        revision: 7,
        changelog: vec![ChangelogEntry {
            revision: 7,
            time: "2026-03-02T08:00:00Z".into(),
            author: "kim".into(),
            summary: "a save".into(),
        }],
        surveys: vec![Survey {
            name: "November walk".into(),
            source_file: "survey-nov.csv".into(),
            sha256: "cd".repeat(32),
            instrument: "Hagner EC1".into(),
            points: vec![
                SurveyPoint {
                    lon: at(40.0, 2.0).lon,
                    lat: at(40.0, 2.0).lat,
                    measured_at: "2026-11-03T21:15:00+01:00".into(),
                    e_h_lx: 12.5,
                    note: "by the hedge".into(),
                },
                SurveyPoint {
                    lon: at(60.0, -1.0).lon,
                    lat: at(60.0, -1.0).lat,
                    measured_at: "2026-11-03".into(),
                    e_h_lx: 0.0,
                    note: String::new(),
                },
            ],
        }],
        energy_readings: vec![
            EnergyReading {
                of: ReadingOf::Vendor("acme".into()),
                from: "2026-11-01T00:00:00+01:00".into(),
                to: "2026-12-01T00:00:00+01:00".into(),
                kwh: 321.5,
                source_file: "meter.csv".into(),
                sha256: "ef".repeat(32),
            },
            EnergyReading {
                of: ReadingOf::Pole("P001".into()),
                from: "2026-11-01T00:00:00+01:00".into(),
                to: "2026-11-08T00:00:00+01:00".into(),
                kwh: 2.25,
                source_file: String::new(),
                sha256: String::new(),
            },
        ],
    }
}

/// `back` equals `plan`, object by object and field by field (for a readable failure),
/// then whole.
fn assert_same(format: &str, back: &Plan, plan: &Plan) {
    let Plan {
        format_version,
        name,
        description,
        maintenance_factor,
        burning_hours_per_year,
        rules,
        vendors,
        luminaires,
        streets,
        sections,
        poles,
        energy,
        control_profiles,
        surfaces,
        pole_reviews,
        submissions,
        revision,
        changelog,
        surveys,
        energy_readings,
    } = plan;
    assert_eq!(
        &back.format_version, format_version,
        "{format}: format_version"
    );
    assert_eq!(&back.name, name, "{format}: name");
    assert_eq!(&back.description, description, "{format}: description");
    assert_eq!(
        &back.maintenance_factor, maintenance_factor,
        "{format}: maintenance_factor"
    );
    assert_eq!(
        &back.burning_hours_per_year, burning_hours_per_year,
        "{format}: burning_hours_per_year"
    );
    assert_eq!(&back.rules, rules, "{format}: rules");
    assert_eq!(&back.vendors, vendors, "{format}: vendors");
    assert_eq!(&back.luminaires, luminaires, "{format}: luminaires");
    assert_eq!(&back.streets, streets, "{format}: streets");
    assert_eq!(&back.sections, sections, "{format}: sections");
    assert_eq!(&back.poles, poles, "{format}: poles");
    assert_eq!(&back.energy, energy, "{format}: energy");
    assert_eq!(
        &back.control_profiles, control_profiles,
        "{format}: control_profiles"
    );
    assert_eq!(&back.surfaces, surfaces, "{format}: surfaces");
    assert_eq!(&back.pole_reviews, pole_reviews, "{format}: pole_reviews");
    assert_eq!(&back.submissions, submissions, "{format}: submissions");
    assert_eq!(&back.revision, revision, "{format}: revision");
    assert_eq!(&back.changelog, changelog, "{format}: changelog");
    assert_eq!(&back.surveys, surveys, "{format}: surveys");
    assert_eq!(
        &back.energy_readings, energy_readings,
        "{format}: energy_readings"
    );
    assert_eq!(back, plan, "{format}");
}

#[test]
fn every_field_survives_ron_geojson_and_geopackage() {
    let plan = every_field();
    lysplan::plan::validate::plan(&plan).expect("the plan is valid");

    let ron = load_ron_str(&to_ron_string(&plan), Path::new("plan.ron")).expect("RON");
    assert_same("RON", &ron, &plan);

    let text = to_geojson(&plan);
    let fast = read_geojson(&text, Path::new("plan.geojson")).expect("GeoJSON");
    assert_same("GeoJSON", &fast, &plan);
    let careful = read_geojson_careful(&text, Path::new("plan.geojson")).expect("GeoJSON");
    assert_same("GeoJSON, careful reader", &careful, &plan);

    let dir = tempfile::tempdir().unwrap();
    let wgs = dir.path().join("plan-4326.gpkg");
    save_gpkg_atomic(&plan, &wgs, Crs::Wgs84, None).expect("GeoPackage");
    assert_same("GeoPackage EPSG:4326", &load_any(&wgs).unwrap(), &plan);
    let utm = dir.path().join("plan-25832.gpkg");
    save_gpkg_atomic(&plan, &utm, Crs::Utm32, None).expect("GeoPackage");
    let mut back = load_any(&utm).unwrap();
    // Positions to a millimetre, then compared as the rest.
    let close = |a: LonLat, b: LonLat| (a.lon - b.lon).abs() < 1e-7 && (a.lat - b.lat).abs() < 1e-7;
    for (b, p) in back.poles.iter_mut().zip(&plan.poles) {
        assert!(
            close(LonLat::new(b.lon, b.lat), LonLat::new(p.lon, p.lat)),
            "{b:?}"
        );
        (b.lon, b.lat) = (p.lon, p.lat);
    }
    for (b, s) in back.streets.iter_mut().zip(&plan.streets) {
        assert_eq!(b.points.len(), s.points.len());
        for (q, r) in b.points.iter_mut().zip(&s.points) {
            assert!(close(*q, *r), "{q:?}");
            *q = *r;
        }
    }
    for (b, s) in back.surveys.iter_mut().zip(&plan.surveys) {
        assert_eq!(b.points.len(), s.points.len());
        for (q, r) in b.points.iter_mut().zip(&s.points) {
            assert!(
                close(LonLat::new(q.lon, q.lat), LonLat::new(r.lon, r.lat)),
                "{q:?}"
            );
            (q.lon, q.lat) = (r.lon, r.lat);
        }
    }
    assert_same("GeoPackage EPSG:25832", &back, &plan);
}

#[test]
fn the_reviews_of_poles_no_longer_in_the_plan_are_kept_where_the_format_can() {
    let mut plan = every_field();
    let gone = PoleReview {
        status: ReviewStatus::Approved,
        comment: "fine".into(),
        reviewer: "kim".into(),
        time: "2026-03-01T11:00:00Z".into(),
    };
    plan.pole_reviews.insert("P999".into(), gone);
    let ron = load_ron_str(&to_ron_string(&plan), Path::new("plan.ron")).unwrap();
    assert_eq!(ron, plan);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.gpkg");
    save_gpkg_atomic(&plan, &path, Crs::Wgs84, None).unwrap();
    assert_eq!(load_any(&path).unwrap(), plan);
    // GeoJSON writes a review on its pole's feature only.
    let back = read_geojson(&to_geojson(&plan), Path::new("plan.geojson")).unwrap();
    assert!(!back.pole_reviews.contains_key("P999"));
    assert_eq!(back.pole_reviews.len(), 1);
}

/// The schema's tables name every field of every struct once (a field of the struct
/// missing from its table would be read by no one; the struct literals above hold the
/// other direction).
#[test]
fn the_schema_tables_name_each_field_once() {
    let tables: [(&str, &[schema::Field]); 9] = [
        ("street", &schema::street_fields::ALL),
        ("pole", &schema::pole_fields::ALL),
        ("section", &schema::section_fields::ALL),
        ("vendor", &schema::vendor_fields::ALL),
        ("luminaire", &schema::luminaire_fields::ALL),
        ("settings", &schema::settings_fields::ALL),
        ("survey point", &schema::survey_point_fields::ALL),
        (
            "survey point (GeoPackage)",
            &schema::survey_point_fields::GPKG,
        ),
        ("energy reading", &schema::energy_reading_fields::ALL),
    ];
    for (object, fields) in tables {
        let mut names: Vec<&str> = fields.iter().map(|f| f.name).collect();
        names.sort_unstable();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "{object}: a field named twice");
        for f in fields {
            assert!(
                !f.what.is_empty(),
                "{object}.{}: says what it holds",
                f.name
            );
        }
    }
    // The RON names of each struct, as serde writes them, are the files' names, apart
    // from what the readers take besides the table (ids, positions, lines).
    let plan = every_field();
    let json =
        |v: serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let names = |fields: &[schema::Field]| -> Vec<String> {
        fields.iter().map(|f| f.name.to_string()).collect()
    };
    let mut street = json(serde_json::to_value(&plan.streets[0]).unwrap());
    street.retain(|k| k != "id" && k != "points");
    assert_same_names("street", street, names(&schema::street_fields::ALL));
    let mut pole = json(serde_json::to_value(&plan.poles[0]).unwrap());
    pole.retain(|k| k != "id" && k != "lon" && k != "lat");
    let mut table = names(&schema::pole_fields::ALL);
    table.retain(|k| !k.starts_with("review_"));
    assert_same_names("pole", pole, table);
    let mut section = json(serde_json::to_value(&plan.sections[0]).unwrap());
    section.retain(|k| k != "id");
    assert_same_names("section", section, names(&schema::section_fields::ALL));
    let vendor = json(serde_json::to_value(&plan.vendors[0]).unwrap());
    assert_same_names("vendor", vendor, names(&schema::vendor_fields::ALL));
    let luminaire = json(serde_json::to_value(&plan.luminaires[0]).unwrap());
    assert_same_names(
        "luminaire",
        luminaire,
        names(&schema::luminaire_fields::ALL),
    );
    let mut settings = json(serde_json::to_value(plan.settings_only()).unwrap());
    settings.retain(|k| {
        !matches!(
            k.as_str(),
            "vendors" | "luminaires" | "streets" | "sections" | "poles" | "pole_reviews"
        )
    });
    // `settings_only` leaves out what serde skips when empty; every_field has them all.
    for k in [
        "control_profiles",
        "surfaces",
        "submissions",
        "revision",
        "changelog",
        "surveys",
        "energy_readings",
    ] {
        if !settings.iter().any(|s| s == k) {
            settings.push(k.into());
        }
    }
    assert_same_names("settings", settings, names(&schema::settings_fields::ALL));
    // A survey point's fields besides its position, and the survey it names; a reading's,
    // its `of` being `vendor` or `pole`.
    let mut point = json(serde_json::to_value(&plan.surveys[0].points[0]).unwrap());
    point.retain(|k| k != "lon" && k != "lat");
    point.push("survey".into());
    assert_same_names(
        "survey point",
        point,
        names(&schema::survey_point_fields::ALL),
    );
    let mut reading = json(serde_json::to_value(&plan.energy_readings[0]).unwrap());
    reading.retain(|k| k != "of");
    reading.extend(["vendor".into(), "pole".into()]);
    assert_same_names(
        "energy reading",
        reading,
        names(&schema::energy_reading_fields::ALL),
    );
}

fn assert_same_names(object: &str, mut a: Vec<String>, mut b: Vec<String>) {
    a.sort();
    b.sort();
    assert_eq!(a, b, "{object}: the struct's fields and the schema's table");
}
