//! Issue 28, storage: what was measured on site in the three plan files. GeoJSON gives
//! each survey point a `measurement` feature and keeps the surveys (without their
//! points) and the energy readings in the `lysplan` member; a GeoPackage has a
//! `survey_points` layer, with the calculated value and the ratio for GIS users, and an
//! `energy_readings` table. The form of the first version 3 files (the points inside the
//! surveys in the `lysplan` member or in `plan_settings.surveys`, the readings in
//! `plan_settings.energy_readings`) still reads.

use lysplan::bundled::doll_plan;
use lysplan::error::Location;
use lysplan::locate::{read_geojson, read_geojson_careful};
use lysplan::plan::measured::{EnergyReading, ReadingOf, Survey, SurveyPoint};
use lysplan::plan::{Plan, to_geojson};
use serde_json::{Value, json};
use std::path::Path;

/// A point `dx` m east and 2 m north of pole `i` of `plan`.
fn near_pole(plan: &Plan, i: usize, dx: f64) -> [f64; 2] {
    let p = &plan.poles[i];
    lysplan::frame::offset_lonlat([p.lon, p.lat], dx, 2.0)
}

fn point(at: [f64; 2], measured_at: &str, e_h_lx: f64, note: &str) -> SurveyPoint {
    SurveyPoint {
        lon: at[0],
        lat: at[1],
        measured_at: measured_at.into(),
        e_h_lx,
        note: note.into(),
    }
}

/// The bundled plan with two surveys (one point with a note, one survey without an
/// instrument) and two readings, one of a vendor and one of a pole.
fn measured_plan() -> Plan {
    let mut plan = doll_plan();
    let nov = "2026-11-03T21:15:00+01:00";
    plan.surveys = vec![
        Survey {
            name: "nov".into(),
            source_file: "survey-nov.csv".into(),
            sha256: "cd".repeat(32),
            instrument: "Hagner EC1".into(),
            points: vec![
                point(
                    near_pole(&plan, 0, 3.0),
                    nov,
                    12.5,
                    "by the hedge, \"north\"",
                ),
                point(near_pole(&plan, 1, -4.0), nov, 0.0, ""),
                point(near_pole(&plan, 2, 0.5), nov, 7.25, ""),
            ],
        },
        Survey {
            name: "feb".into(),
            source_file: "feb.csv".into(),
            sha256: "ab".repeat(32),
            instrument: String::new(),
            points: vec![
                point(near_pole(&plan, 0, 3.0), "2027-02-10", 11.0, ""),
                point(near_pole(&plan, 3, 1.0), "2027-02-10", 9.5, "æøå"),
            ],
        },
    ];
    plan.energy_readings = vec![
        EnergyReading {
            of: ReadingOf::Vendor(plan.vendors[0].id.clone()),
            from: "2026-11-01T00:00:00+01:00".into(),
            to: "2026-12-01T00:00:00+01:00".into(),
            kwh: 812.5,
            source_file: "meter.csv".into(),
            sha256: "ef".repeat(32),
        },
        EnergyReading {
            of: ReadingOf::Pole(plan.poles[4].id.to_string()),
            from: "2026-11-01T00:00:00+01:00".into(),
            to: "2026-11-08T00:00:00+01:00".into(),
            kwh: 2.25,
            source_file: String::new(),
            sha256: String::new(),
        },
    ];
    lysplan::plan::validate::plan(&plan).expect("valid");
    plan
}

fn origin() -> &'static Path {
    Path::new("plan.geojson")
}

#[test]
fn geojson_writes_each_survey_point_as_a_measurement_feature() {
    let plan = measured_plan();
    let v: Value = serde_json::from_str(&to_geojson(&plan)).unwrap();
    let measured: Vec<&Value> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["kind"] == "measurement")
        .collect();
    assert_eq!(measured.len(), 5);
    let p = &plan.surveys[0].points[0];
    assert_eq!(
        *measured[0],
        json!({"type": "Feature",
               "properties": {"kind": "measurement", "survey": "nov",
                              "measured_at": "2026-11-03T21:15:00+01:00", "e_h_lx": 12.5,
                              "note": "by the hedge, \"north\""},
               "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]}})
    );
    // No note: no property.
    assert!(measured[1]["properties"].get("note").is_none());
    assert_eq!(measured[4]["properties"]["survey"], "feb");
    // The surveys keep their own fields in the `lysplan` member, the readings all.
    assert_eq!(
        v["lysplan"]["surveys"],
        json!([{"name": "nov", "source_file": "survey-nov.csv", "sha256": "cd".repeat(32),
                "instrument": "Hagner EC1"},
               {"name": "feb", "source_file": "feb.csv", "sha256": "ab".repeat(32)}])
    );
    assert_eq!(
        v["lysplan"]["energy_readings"],
        serde_json::to_value(&plan.energy_readings).unwrap()
    );
}

/// `plan`'s GeoJSON with its surveys written as the first version 3 files had them: the
/// points inside the surveys of the `lysplan` member, no measurement features.
fn first_v3_geojson(plan: &Plan) -> Value {
    let mut v: Value = serde_json::from_str(&to_geojson(plan)).unwrap();
    v["lysplan"]["surveys"] = serde_json::to_value(&plan.surveys).unwrap();
    v["features"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["properties"]["kind"] != "measurement");
    v
}

#[test]
fn geojson_reads_the_points_inside_the_lysplan_member_of_the_first_version_3_files() {
    let plan = measured_plan();
    let old = first_v3_geojson(&plan);
    assert!(old["lysplan"]["surveys"][0]["points"].is_array());
    let text = old.to_string();
    assert_eq!(read_geojson(&text, origin()).expect("fast"), plan);
    assert_eq!(
        read_geojson_careful(&text, origin()).expect("careful"),
        plan
    );

    // Both at once: a survey's own points first, then its measurement features; a
    // measurement naming a survey the member does not list makes that survey.
    let mut mixed = old;
    let features = mixed["features"].as_array_mut().unwrap();
    let p = &plan.surveys[1].points[0];
    for survey in ["feb", "walk"] {
        features.push(json!({"type": "Feature",
            "properties": {"kind": "measurement", "survey": survey, "measured_at": "2027-03-01",
                           "e_h_lx": 4},
            "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]}}));
    }
    let text = mixed.to_string();
    let back = read_geojson(&text, origin()).expect("fast");
    assert_eq!(
        read_geojson_careful(&text, origin()).expect("careful"),
        back
    );
    let extra = point([p.lon, p.lat], "2027-03-01", 4.0, "");
    let mut want = plan.surveys.clone();
    want[1].points.push(extra.clone());
    want.push(Survey {
        name: "walk".into(),
        source_file: String::new(),
        sha256: String::new(),
        instrument: String::new(),
        points: vec![extra],
    });
    assert_eq!(back.surveys, want);
}

#[test]
fn measurement_features_read_in_runs_as_read_whole() {
    use lysplan::plan::geojson::load_unaimed_in_runs;
    let plan = measured_plan();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.geojson");
    std::fs::write(&path, to_geojson(&plan)).unwrap();
    let (u, in_runs) = load_unaimed_in_runs(&path, 4096).expect("reads");
    assert!(in_runs);
    assert_eq!(u.plan.surveys, plan.surveys);
    assert_eq!(u.plan.energy_readings, plan.energy_readings);
}

#[test]
fn a_bad_measurement_feature_is_named() {
    let plan = measured_plan();
    let v: Value = serde_json::from_str(&to_geojson(&plan)).unwrap();
    let fi = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .position(|f| f["properties"]["kind"] == "measurement")
        .unwrap();
    let with = |key: &str, value: Value| {
        let mut v = v.clone();
        let props = &mut v["features"][fi]["properties"];
        if value.is_null() {
            props.as_object_mut().unwrap().remove(key);
        } else {
            props[key] = value;
        }
        v.to_string()
    };
    let cases = [
        (with("e_h_lx", json!("12")), "e_h_lx", "must be a number"),
        (with("e_h_lx", json!(-1)), "e_h_lx", "from 0 to 5000"),
        (with("e_h_lx", Value::Null), "e_h_lx", "is missing"),
        (with("survey", Value::Null), "survey", "is missing"),
        (with("survey", json!(" ")), "survey", "is empty"),
        (with("measured_at", json!("nov")), "measured_at", "ISO 8601"),
    ];
    for (text, key, fragment) in cases {
        let e = read_geojson(&text, origin()).expect_err(key);
        let field = format!("features[{fi}].properties.{key}");
        assert_eq!(e.location, Location::Field(field), "{e}");
        assert!(e.message.contains(fragment), "{e}");
    }
    let mut line = v.clone();
    line["features"][fi]["geometry"] = json!({"type": "LineString",
        "coordinates": [[12.38, 55.68], [12.39, 55.68]]});
    let e = read_geojson(&line.to_string(), origin()).expect_err("a line");
    assert_eq!(
        e.location,
        Location::Field(format!("features[{fi}].geometry.type"))
    );
}
