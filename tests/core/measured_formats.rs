//! Issue 28, storage: what was measured on site in the three plan files. GeoJSON gives
//! each survey point a `measurement` feature and keeps the surveys (without their
//! points) and the energy readings in the `lysplan` member; a GeoPackage has a
//! `survey_points` layer, with the calculated value and the ratio for GIS users, and an
//! `energy_readings` table. The form of the first version 3 files (the points inside the
//! surveys in the `lysplan` member or in `plan_settings.surveys`, the readings in
//! `plan_settings.energy_readings`) still reads.

use lysplan::bundled::doll_plan;
use lysplan::error::Location;
use lysplan::frame::LonLat;
use lysplan::lighting::{Lighting, load_photometry};
use lysplan::locate::{load_any, read_geojson, read_geojson_careful};
use lysplan::plan::measured::{EnergyReading, ReadingOf, Survey, SurveyPoint};
use lysplan::plan::{
    Crs, PhotometrySource, Plan, load_ron_str, save_gpkg_atomic, to_geojson, to_ron_string,
};
use rusqlite::Connection;
use serde_json::{Value, json};
use std::path::Path;

/// A point `dx` m east and 2 m north of pole `i` of `plan`.
fn near_pole(plan: &Plan, i: usize, dx: f64) -> LonLat {
    let p = &plan.poles[i];
    lysplan::frame::offset_lonlat(LonLat::new(p.lon, p.lat), dx, 2.0)
}

fn point(at: LonLat, measured_at: &str, e_h_lx: f64, note: &str) -> SurveyPoint {
    SurveyPoint {
        lon: at.lon,
        lat: at.lat,
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
fn measurements_survive_ron_geojson_geopackage_ron() {
    let plan = measured_plan();
    let ron = load_ron_str(&to_ron_string(&plan), Path::new("plan.ron")).expect("RON");
    assert_eq!(ron, plan);
    let text = to_geojson(&ron);
    let geojson = read_geojson(&text, origin()).expect("GeoJSON");
    assert_eq!(geojson.surveys, plan.surveys);
    assert_eq!(geojson.energy_readings, plan.energy_readings);
    assert_eq!(geojson, plan);
    assert_eq!(
        read_geojson_careful(&text, origin()).expect("careful"),
        plan
    );
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("plan.gpkg");
    lysplan::measure::save_gpkg_atomic(&geojson, &gpkg, Crs::Wgs84).expect("GeoPackage");
    let back = load_any(&gpkg).expect("reads back");
    assert_eq!(back.surveys, plan.surveys);
    assert_eq!(back.energy_readings, plan.energy_readings);
    let again = load_ron_str(&to_ron_string(&back), Path::new("plan.ron")).expect("RON");
    assert_eq!(again, plan);

    // In EPSG:25832 the points come back to a millimetre, the rest as it was.
    let utm = dir.path().join("plan-25832.gpkg");
    lysplan::measure::save_gpkg_atomic(&plan, &utm, Crs::Utm32).expect("GeoPackage");
    let back = load_any(&utm).expect("reads back");
    assert_eq!(back.energy_readings, plan.energy_readings);
    assert_eq!(back.surveys.len(), plan.surveys.len());
    for (b, s) in back.surveys.iter().zip(&plan.surveys) {
        assert_eq!(b.without_points(), s.without_points());
        assert_eq!(b.points.len(), s.points.len());
        for (q, p) in b.points.iter().zip(&s.points) {
            assert!((q.lon - p.lon).abs() < 1e-8 && (q.lat - p.lat).abs() < 1e-8);
            assert_eq!(
                (&q.measured_at, q.e_h_lx, &q.note),
                (&p.measured_at, p.e_h_lx, &p.note)
            );
        }
    }
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
    let extra = point(LonLat::new(p.lon, p.lat), "2027-03-01", 4.0, "");
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

/// Every row `sql` selects, each as a tuple of its columns.
fn rows<T>(db: &Connection, sql: &str) -> Vec<T>
where
    T: for<'a> TryFrom<&'a rusqlite::Row<'a>, Error = rusqlite::Error>,
{
    db.prepare(sql)
        .unwrap()
        .query_map([], |r| T::try_from(r))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn columns(db: &Connection, table: &str) -> Vec<String> {
    let info: Vec<(i64, String)> = rows(
        db,
        &format!("SELECT cid, name FROM pragma_table_info('{table}')"),
    );
    info.into_iter().map(|c| c.1).collect()
}

#[test]
fn the_geopackage_has_a_survey_points_layer_and_an_energy_readings_table() {
    let plan = measured_plan();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.gpkg");
    // Nothing calculated: the derived columns are NULL, not made up.
    save_gpkg_atomic(&plan, &path, Crs::Utm32, None).unwrap();
    let db = Connection::open(&path).unwrap();
    assert_eq!(
        columns(&db, "survey_points"),
        [
            "fid",
            "geom",
            "survey",
            "measured_at",
            "date",
            "measured_lx",
            "calculated_lx",
            "ratio",
            "note"
        ]
    );
    type PointRow = (
        String,
        String,
        String,
        f64,
        Option<f64>,
        Option<f64>,
        Option<String>,
    );
    let points: Vec<PointRow> = rows(
        &db,
        "SELECT survey, measured_at, date, measured_lx, calculated_lx, ratio, note \
             FROM survey_points ORDER BY fid",
    );
    assert_eq!(points.len(), 5);
    assert_eq!(
        points[0],
        (
            "nov".into(),
            "2026-11-03T21:15:00+01:00".into(),
            "2026-11-03".into(),
            12.5,
            None,
            None,
            Some("by the hedge, \"north\"".into())
        )
    );
    assert_eq!(points[1].6, None);
    assert_eq!(
        (points[4].0.as_str(), points[4].2.as_str()),
        ("feb", "2027-02-10")
    );
    let (kind, srs): (String, i64) = db
        .query_row(
            "SELECT geometry_type_name, srs_id FROM gpkg_geometry_columns \
             WHERE table_name = 'survey_points'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((kind.as_str(), srs), ("POINT", 25832));

    assert_eq!(
        columns(&db, "energy_readings"),
        [
            "fid",
            "vendor",
            "pole",
            "from",
            "to",
            "kwh",
            "source_file",
            "sha256"
        ]
    );
    type ReadingRow = (
        Option<String>,
        Option<String>,
        String,
        String,
        f64,
        Option<String>,
    );
    let readings: Vec<ReadingRow> = rows(
        &db,
        "SELECT vendor, pole, \"from\", \"to\", kwh, source_file FROM energy_readings \
             ORDER BY fid",
    );
    assert_eq!(
        readings[0],
        (
            Some(plan.vendors[0].id.clone()),
            None,
            "2026-11-01T00:00:00+01:00".into(),
            "2026-12-01T00:00:00+01:00".into(),
            812.5,
            Some("meter.csv".into())
        )
    );
    assert_eq!(readings[1].0, None);
    assert_eq!(readings[1].1.as_deref(), Some(plan.poles[4].id.as_str()));
    let data_type: String = db
        .query_row(
            "SELECT data_type FROM gpkg_contents WHERE table_name = 'energy_readings'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(data_type, "attributes");
    // The surveys' own fields stay in plan_settings, without the points; the readings
    // are the table's only.
    let surveys: String = db
        .query_row("SELECT surveys FROM plan_settings", [], |r| r.get(0))
        .unwrap();
    let surveys: Value = serde_json::from_str(&surveys).unwrap();
    assert_eq!(surveys[0]["name"], "nov");
    assert!(surveys[0].get("points").is_none(), "{surveys}");
    assert!(!columns(&db, "plan_settings").contains(&"energy_readings".to_string()));
}

#[test]
fn the_geopackage_survey_points_carry_the_calculated_values() {
    // A survey generated from the calculation (initial values, MF = 1) at points near
    // the first 40 poles: its ratio is 1 wherever light is calculated.
    let mut plan = doll_plan();
    let mut initial = plan.clone();
    initial.maintenance_factor = 1.0;
    let (ph, _) = load_photometry(&initial);
    let lighting = Lighting::new(&initial, &ph);
    let points = (0..40)
        .map(|i| {
            let at = near_pole(&plan, i, 4.0);
            let xy = at.to_xy();
            let e: f64 = lighting.e_h_contributions(xy).iter().map(|c| c.1).sum();
            point(at, "2026-11-03", e, "")
        })
        .collect();
    plan.surveys.push(Survey {
        name: "generated".into(),
        source_file: "generated.csv".into(),
        sha256: String::new(),
        instrument: String::new(),
        points,
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.gpkg");
    lysplan::measure::save_gpkg_atomic(&plan, &path, Crs::Utm32).unwrap();
    let db = Connection::open(&path).unwrap();
    let written: Vec<(f64, Option<f64>, Option<f64>)> = rows(
        &db,
        "SELECT measured_lx, calculated_lx, ratio FROM survey_points ORDER BY fid",
    );
    assert_eq!(written.len(), 40);
    // The values `lysplan survey` reports.
    let (ph, _) = load_photometry(&plan);
    let c = lysplan::measure::compare_surveys(&plan, &ph, &plan.surveys, false);
    let mut lit = 0;
    for ((measured, calculated, ratio), p) in written.iter().zip(&c.points) {
        let calculated = calculated.expect("calculated");
        assert!((calculated - p.calculated_lx).abs() <= 1e-9 * p.calculated_lx.max(1.0));
        assert!(calculated >= 0.0 && *measured >= 0.0);
        match ratio {
            Some(r) => {
                assert!((r - 1.0).abs() < 1e-9, "{r}");
                lit += 1;
            }
            None => assert_eq!(calculated, 0.0),
        }
    }
    assert!(lit > 30, "{lit} of 40 points lit");
    drop(db);
    // Derived values are not read back.
    let back = load_any(&path).unwrap();
    let measured = |s: &[Survey]| -> Vec<f64> { s[0].points.iter().map(|p| p.e_h_lx).collect() };
    assert_eq!(measured(&back.surveys), measured(&plan.surveys));
    assert_eq!(
        back.surveys[0].without_points(),
        plan.surveys[0].without_points()
    );

    // A luminaire type its poles use without readable photometry: nothing calculated.
    let used = plan.poles[0].luminaire.to_string();
    let k = plan.luminaires.iter().position(|l| l.id == used).unwrap();
    plan.luminaires[k].photometry = PhotometrySource::Bundled("no_such_file.ldt".into());
    let broken = dir.path().join("broken.gpkg");
    lysplan::measure::save_gpkg_atomic(&plan, &broken, Crs::Utm32).unwrap();
    let db = Connection::open(&broken).unwrap();
    let calculated: i64 = db
        .query_row(
            "SELECT count(*) FROM survey_points WHERE calculated_lx IS NOT NULL OR ratio IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(calculated, 0);
}

/// Rewrites the GeoPackage at `path` into the form of the first version 3 files: the
/// surveys with their points and the readings as JSON in `plan_settings`.
fn to_first_v3_gpkg(path: &Path, plan: &Plan) {
    let db = Connection::open(path).unwrap();
    db.execute_batch(
        "DROP TABLE survey_points; DROP TABLE energy_readings;
         DELETE FROM gpkg_geometry_columns WHERE table_name = 'survey_points';
         DELETE FROM gpkg_contents WHERE table_name IN ('survey_points', 'energy_readings');
         ALTER TABLE plan_settings ADD COLUMN energy_readings TEXT NOT NULL DEFAULT '[]';",
    )
    .unwrap();
    db.execute(
        "UPDATE plan_settings SET surveys = ?1, energy_readings = ?2",
        [
            serde_json::to_string(&plan.surveys).unwrap(),
            serde_json::to_string(&plan.energy_readings).unwrap(),
        ],
    )
    .unwrap();
}

#[test]
fn the_geopackage_reads_the_json_columns_of_the_first_version_3_files() {
    let plan = measured_plan();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.gpkg");
    save_gpkg_atomic(&plan, &path, Crs::Wgs84, None).unwrap();
    to_first_v3_gpkg(&path, &plan);
    assert_eq!(load_any(&path).expect("reads"), plan);
}

#[test]
fn a_bad_survey_point_or_reading_row_is_named() {
    let plan = measured_plan();
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "UPDATE survey_points SET survey = ' ' WHERE fid = 2",
            "table survey_points (fid 2).survey",
            "is blank",
        ),
        (
            "UPDATE survey_points SET measured_lx = 'bright' WHERE fid = 3",
            "table survey_points (fid 3).measured_lx",
            "must be a number",
        ),
        (
            "UPDATE survey_points SET measured_lx = 9000 WHERE fid = 1",
            "table survey_points (fid 1).measured_lx",
            "from 0 to 5000",
        ),
        (
            "UPDATE energy_readings SET pole = 'P001' WHERE fid = 1",
            "table energy_readings (fid 1).pole",
            "a vendor or of one pole",
        ),
        (
            "UPDATE energy_readings SET pole = NULL WHERE fid = 2",
            "table energy_readings (fid 2).vendor",
            "is empty (NULL)",
        ),
        (
            "UPDATE energy_readings SET kwh = -1 WHERE fid = 2",
            "table energy_readings (fid 2).kwh",
            "0 or more",
        ),
    ];
    for (k, (sql, field, fragment)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("bad{k}.gpkg"));
        save_gpkg_atomic(&plan, &path, Crs::Utm32, None).unwrap();
        Connection::open(&path).unwrap().execute(sql, []).unwrap();
        let e = load_any(&path).expect_err(sql);
        assert_eq!(e.location, Location::Field(field.into()), "{sql}: {e}");
        assert!(e.message.contains(fragment), "{sql}: {e}");
    }
}
