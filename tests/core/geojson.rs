//! GeoJSON interchange: round trip, defaults, photometry paths, and the messages for
//! malformed input.

use lysplan::check::synth;
use lysplan::error::Location;
use lysplan::locate::{load_any, read_geojson};
use lysplan::plan::{LightingClass, PhotometrySource, Plan, to_geojson, to_ron_string};
use std::path::Path;

/// A synthetic plan with about 5 % violations.
fn synthetic(poles: usize, seed: u64) -> Plan {
    synth::generate(&synth::SynthOptions {
        poles,
        violation_rate: 0.05,
        seed,
    })
    .plan
}

fn origin() -> &'static Path {
    Path::new("plan.geojson")
}

#[test]
fn round_trip_plan_geojson_plan() {
    let mut plan = synthetic(700, 3);
    plan.streets[1].class = None;
    plan.streets[2].width_m = 5.25;
    plan.poles[3].tilt_deg = 7.5;
    plan.poles[3].overhang_m = 1.2;
    plan.rules.min_spacing_m = 12.5;
    plan.maintenance_factor = 0.73;
    plan.description = "with \"quotes\", æøå and a\nnewline".into();
    plan.luminaires.push(lysplan::plan::LuminaireType {
        id: "L02".into(),
        name: "embedded".into(),
        photometry: PhotometrySource::Embedded {
            file_name: "x.ies".into(),
            text: "IESNA:LM-63-2002\r\n[TEST] x\r\n".into(),
        },
        rotation_deg: 12.0,
        flux_lm: 1234.5,
        power_w: 17.0,
        standby_w: 0.0,
        output_level: 1.0,
    });
    let text = to_geojson(&plan);
    let back = read_geojson(&text, origin()).expect("own output reads back");
    assert_eq!(back, plan);
    // And it is valid JSON with the RFC 7946 shape.
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    assert_eq!(v["features"][0]["geometry"]["type"], "LineString");
    assert_eq!(v["features"][0]["properties"]["kind"], "street");
}

const STREET: &str = r#"{"type":"Feature","properties":{"kind":"street","id":"S1","name":"Fabriksparken","class":"p4"},
 "geometry":{"type":"LineString","coordinates":[[12.3850,55.6840],[12.3900,55.6840]]}}"#;

fn collection(features: &[&str]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

fn pole(props: &str, coords: &str) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"kind":"pole",{props}}},"geometry":{{"type":"Point","coordinates":{coords}}}}}"#
    )
}

#[test]
fn defaults_and_implied_vendors() {
    let north = pole(
        r#""id":"P1","vendor":"ACME","luminaire":"L1","height_m":8"#,
        "[12.3870,55.68402]",
    );
    let south = pole(
        r#""id":"P2","vendor":"Zed","luminaire":"L1","height_m":6,"azimuth_deg":12"#,
        "[12.3880,55.68398]",
    );
    let text = collection(&[STREET, &north, &south]);
    let plan = read_geojson(&text, origin()).unwrap();
    assert_eq!(plan.streets[0].class, Some(LightingClass::P4));
    assert_eq!(plan.streets[0].width_m, 7.0);
    assert_eq!(plan.maintenance_factor, 0.8);
    let ids: Vec<&str> = plan.vendors.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["ACME", "Zed"]);
    // P1 stands north of an east-running street: it faces (true) south, within the few
    // hundredths of a degree the street's own curvature in UTM allows.
    let p1 = &plan.poles[0];
    assert!((p1.azimuth_deg - 180.0).abs() < 0.05, "{}", p1.azimuth_deg);
    assert_eq!(plan.poles[1].azimuth_deg, 12.0);
    assert_eq!((p1.tilt_deg, p1.overhang_m), (0.0, 0.0));
}

#[test]
fn photometry_path_is_embedded_once() {
    let dir = tempfile::tempdir().unwrap();
    let src =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checks/acme_road_runner.ldt");
    std::fs::create_dir(dir.path().join("ldt")).unwrap();
    std::fs::copy(&src, dir.path().join("ldt/acme_road_runner.ldt")).unwrap();
    let a = pole(
        r#""id":"P1","vendor":"V","luminaire":"ldt/acme_road_runner.ldt","height_m":8"#,
        "[12.3870,55.68402]",
    );
    let b = pole(
        r#""id":"P2","vendor":"V","luminaire":"ldt/acme_road_runner.ldt","height_m":8"#,
        "[12.3880,55.68402]",
    );
    let path = dir.path().join("plan.geojson");
    std::fs::write(&path, collection(&[STREET, &a, &b])).unwrap();
    let plan = load_any(&path).unwrap();
    assert_eq!(plan.luminaires.len(), 1);
    let l = &plan.luminaires[0];
    assert_eq!(l.id, "acme_road_runner");
    let PhotometrySource::Embedded { file_name, text } = &l.photometry else {
        panic!("not embedded: {:?}", l.photometry);
    };
    assert_eq!(file_name, "acme_road_runner.ldt");
    assert_eq!(text, &std::fs::read_to_string(&src).unwrap());
    assert!(plan.poles.iter().all(|p| p.luminaire == "acme_road_runner"));

    // A missing file is a reference.luminaire finding naming it (issue 12: the rest of a
    // vendor's plan must still open), not a refusal of the whole plan.
    let c = pole(
        r#""id":"P3","vendor":"V","luminaire":"nope/missing.ies","height_m":8"#,
        "[12.3880,55.68402]",
    );
    std::fs::write(&path, collection(&[STREET, &c])).unwrap();
    let plan = load_any(&path).expect("the plan opens");
    let f = lysplan::check::run(&plan);
    let hit = f
        .iter()
        .find(|f| f.rule == "reference.luminaire")
        .expect("a reference.luminaire finding");
    assert!(
        hit.message.contains("missing.ies") && hit.message.contains("not found"),
        "{}",
        hit.message
    );
    assert!(hit.poles.contains(&"P3".to_string()));
}

#[test]
fn load_any_picks_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let plan = synth::plan(50);
    let ron = dir.path().join("a.RON");
    std::fs::write(&ron, to_ron_string(&plan)).unwrap();
    let gj = dir.path().join("a.json");
    std::fs::write(&gj, to_geojson(&plan)).unwrap();
    assert_eq!(load_any(&ron).unwrap(), plan);
    assert_eq!(load_any(&gj).unwrap(), plan);
    let txt = dir.path().join("a.txt");
    std::fs::write(&txt, "x").unwrap();
    let e = load_any(&txt).unwrap_err();
    assert!(e.message.contains(".geojson"), "{}", e.message);
}

#[test]
fn syntax_errors_have_line_and_column() {
    let text =
        "{\"type\": \"FeatureCollection\",\n  \"features\": [\n    {\"type\": \"Feature\",, }\n]}";
    let e = read_geojson(text, origin()).unwrap_err();
    assert_eq!(e.location, Location::LineCol { line: 3, col: 24 });
    assert!(e.to_string().starts_with("plan.geojson:3:24: "), "{e}");
}

/// Each malformed input and where the error must point.
#[test]
fn malformed_input_names_feature_and_property() {
    let ok_pole = |props: &str| pole(props, "[12.3870,55.68402]");
    let cases: Vec<(String, &str, &str)> = vec![
        (
            collection(&[STREET, &ok_pole(r#""id":"P1","vendor":"V","luminaire":"L","height_m":"eight""#)]),
            "features[1].properties.height_m",
            "must be a number",
        ),
        (
            collection(&[STREET, &ok_pole(r#""id":"P1","vendor":"V","luminaire":"L","height_m":-3"#)]),
            "features[1].properties.height_m",
            "> 0",
        ),
        (
            collection(&[STREET, &ok_pole(r#""id":"P1","vendor":"V","luminaire":"L""#)]),
            "features[1].properties.height_m",
            "is missing",
        ),
        (
            collection(&[STREET, &ok_pole(r#""vendor":"V","luminaire":"L","height_m":8"#)]),
            "features[1].properties.id",
            "is missing",
        ),
        (
            collection(&[r#"{"type":"Feature","properties":{"id":"x"},"geometry":null}"#]),
            "features[0].properties.kind",
            "is missing",
        ),
        (
            collection(&[r#"{"type":"Feature","properties":null,"geometry":null}"#]),
            "features[0].properties.kind",
            "is missing",
        ),
        (
            collection(&[r#"{"type":"Feature","properties":{"kind":"lamp","id":"x"},"geometry":null}"#]),
            "features[0].properties.kind",
            "\"lamp\"",
        ),
        (
            collection(&[STREET, &pole(r#""id":"P1","vendor":"V","luminaire":"L","height_m":8"#, "[212.0,55.6]")]),
            "features[1].geometry.coordinates[0]",
            "outside -180..180",
        ),
        (
            collection(&[STREET, &pole(r#""id":"P1","vendor":"V","luminaire":"L","height_m":8"#, "[12.0,95.6]")]),
            "features[1].geometry.coordinates[1]",
            "outside -90..90",
        ),
        (
            collection(&[STREET, &pole(r#""id":"P1","vendor":"V","luminaire":"L","height_m":8"#, "[12.0,\"NaN\"]")]),
            "features[1].geometry.coordinates[1]",
            "finite number",
        ),
        (
            collection(&[STREET, &pole(r#""id":"P1","vendor":"V","luminaire":"L","height_m":8"#, "[12.0]")]),
            "features[1].geometry.coordinates",
            "[lon, lat]",
        ),
        (
            collection(&[r#"{"type":"Feature","properties":{"kind":"street","id":"S"},"geometry":{"type":"MultiLineString","coordinates":[]}}"#]),
            "features[0].geometry.type",
            "Multipart to singleparts",
        ),
        (
            collection(&[r#"{"type":"Feature","properties":{"kind":"pole","id":"P","vendor":"V","luminaire":"L","height_m":8},"geometry":{"type":"LineString","coordinates":[[12,55],[12.1,55]]}}"#]),
            "features[0].geometry.type",
            "needs a Point",
        ),
        (
            collection(&[r#"{"type":"Feature","properties":{"kind":"street","id":"S"},"geometry":{"type":"LineString","coordinates":[[12,55]]}}"#]),
            "features[0].geometry.coordinates",
            "at least 2 positions",
        ),
        (
            collection(&[r#"{"type":"Feature","properties":{"kind":"street","id":"S","class":"Q9"},"geometry":{"type":"LineString","coordinates":[[12,55],[12.1,55]]}}"#]),
            "features[0].properties.class",
            "P1..P6",
        ),
        (
            collection(&[STREET, r#"{"type":"Feature","properties":{"kind":"section","vendor":"V","street":"S1","from_m":"0","to_m":10},"geometry":null}"#]),
            "features[1].properties.from_m",
            "must be a number",
        ),
        (
            collection(&[STREET, &ok_pole(r#""id":"P1","vendor":"V","luminaire":"L","height_m":8,"tilt_deg":95"#)]),
            "features[1].properties.tilt_deg",
            "0..90",
        ),
        (
            r#"{"type":"FeatureCollection","lysplan":{"maintenance_factor":1.5},"features":[]}"#.into(),
            "lysplan.maintenance_factor",
            "(0, 1]",
        ),
        (
            r#"{"type":"FeatureCollection","lysplan":{"vendors":[{"name":"V"}]},"features":[]}"#.into(),
            "lysplan.vendors[0].id",
            "is missing",
        ),
        (
            r#"{"type":"FeatureCollection","lysplan":{"vendors":[{"id":"V","colour":[1,2,3]}]},"features":[]}"#.into(),
            "lysplan.vendors[0]",
            "unknown field `colour`: did you mean `color`?",
        ),
        (
            r#"{"type":"FeatureCollection","lysplan":{"rules":{"min_spacing_m":"ten"}},"features":[]}"#.into(),
            "lysplan.rules",
            "min_spacing_m",
        ),
        (r#"{"type":"Feature","features":[]}"#.into(), "type", "FeatureCollection"),
        (r#"{"type":"FeatureCollection"}"#.into(), "features", "is missing"),
    ];
    for (text, field, fragment) in cases {
        let e = read_geojson(&text, origin()).expect_err(&text);
        assert_eq!(e.location, Location::Field(field.into()), "{text}\n{e}");
        assert!(e.message.contains(fragment), "{text}\n{e}");
        assert!(e.to_string().starts_with("plan.geojson: "), "{e}");
    }
}

#[test]
fn empty_collection_is_an_empty_plan() {
    let p = read_geojson(r#"{"type":"FeatureCollection","features":[]}"#, origin()).unwrap();
    assert_eq!(p, Plan::default());
}

#[test]
fn member_order_does_not_matter() {
    // The catalogue comes after the features: "L1" must still be a catalogue id.
    let p = pole(
        r#""id":"P1","vendor":"V","luminaire":"L1","height_m":8,"azimuth_deg":0"#,
        "[12.3870,55.68402]",
    );
    let text = format!(
        r#"{{"features":[{STREET},{p}],"bbox":[0,0,1,1],"type":"FeatureCollection",
        "lysplan":{{"name":"late","luminaires":[{{"id":"L1","name":"x","photometry":{{"Bundled":"a.ldt"}},"flux_lm":1,"power_w":1}}]}}}}"#
    );
    let plan = read_geojson(&text, origin()).unwrap();
    assert_eq!(plan.name, "late");
    assert_eq!(plan.poles[0].luminaire, "L1");
    assert_eq!(plan.luminaires.len(), 1);
}

#[test]
fn wrong_shapes_at_the_top() {
    let e = read_geojson("[1, 2]", origin()).unwrap_err();
    assert_eq!(e.location, Location::Field("(root)".into()));
    let e = read_geojson(
        r#"{"type":"FeatureCollection","features":{"a":1}}"#,
        origin(),
    )
    .unwrap_err();
    assert!(
        matches!(e.location, Location::LineCol { line: 1, .. }),
        "{e}"
    );
    assert!(e.message.contains("array of GeoJSON features"), "{e}");
    let e = read_geojson(r#"{"type":"FeatureCollection","features":[]} x"#, origin()).unwrap_err();
    assert!(
        matches!(e.location, Location::LineCol { line: 1, .. }),
        "{e}"
    );
    assert!(e.message.contains("trailing characters"), "{e}");
    let e = read_geojson(r#"{"type":"FeatureCollection","features":[7]}"#, origin()).unwrap_err();
    assert_eq!(e.location, Location::Field("features[0]".into()));
}

#[test]
fn poles_at_the_geographic_pole_do_not_panic() {
    let street = r#"{"type":"Feature","properties":{"kind":"street","id":"S"},"geometry":{"type":"LineString","coordinates":[[12,90],[12.1,89.9]]}}"#;
    let p = pole(
        r#""id":"P1","vendor":"V","luminaire":"L","height_m":8"#,
        "[12.0,90]",
    );
    let q = pole(
        r#""id":"P2","vendor":"V","luminaire":"L","height_m":8"#,
        "[12.0,55.0]",
    );
    let plan = read_geojson(&collection(&[STREET, street, &p, &q]), origin()).unwrap();
    let f = lysplan::check::run(&plan);
    let bad: Vec<&str> = f
        .iter()
        .filter(|x| x.rule == "placement.position")
        .map(|x| x.message.as_str())
        .collect();
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(bad.iter().any(|m| m.starts_with("P1: position")), "{bad:?}");
    assert!(
        bad.iter().any(|m| m.starts_with("street S: point 0")),
        "{bad:?}"
    );
}

/// The fast reader (typed, borrowed) must give exactly the careful reader's plan on every
/// file it accepts, and the careful reader's error on every other.
#[test]
fn fast_and_careful_readers_agree() {
    use lysplan::locate::read_geojson_careful;
    let mut plan = synthetic(400, 11);
    plan.streets[0].name = "Gl. \"Landevej\" \u{e6}\u{f8}\u{e5}".into();
    let mut variants = vec![
        to_geojson(&plan),
        to_geojson(&lysplan::bundled::doll_plan()),
    ];
    // Defaults, escapes, numeric ids (property and feature level), extra members, a z
    // value, a section with a polygon, review fields, a null geometry, unknown keys.
    variants.push(collection(&[
        STREET,
        &pole(
            r#""id":7,"vendor":"v\u00e6","luminaire":"L1","height_m":8,"review_status":"approved","review_comment":"ok","extra":[1,{"a":null}]"#,
            "[12.386,55.6841,3.5]",
        ),
        r#"{"type":"Feature","id":12.5,"properties":{"kind":"pole","vendor":"v","luminaire":"L1","height_m":6.5,"azimuth_deg":90},"geometry":{"type":"Point","coordinates":[12.387,55.6841]}}"#,
        r#"{"type":"Feature","properties":{"kind":"section","vendor":"v","street":"S1","from_m":0,"to_m":50},"geometry":{"type":"Polygon","coordinates":[[[12.385,55.684],[12.386,55.684],[12.386,55.685],[12.385,55.684]]]}}"#,
        r#"{"type":"Feature","properties":{"kind":"section","id":"  ","vendor":"v","street":"S1","from_m":60,"to_m":70},"geometry":null}"#,
    ]));
    // Files the fast path gives up on: the careful path's answer stands.
    for bad in [
        pole(r#""id":"P1","vendor":"v","luminaire":"L1","height_m":"8""#, "[12.386,55.6841]"),
        pole(r#""id":"P1","vendor":"v","luminaire":"L1","height_m":-1"#, "[12.386,55.6841]"),
        pole(r#""id":"P1","id":"P2","vendor":"v","luminaire":"L1","height_m":8"#, "[12.386,55.6841]"),
        pole(r#""id":"P1","vendor":"v","luminaire":"L1","height_m":8"#, "[212.386,55.6841]"),
        r#"{"type":"Feature","properties":["pole","P1"],"geometry":{"type":"Point","coordinates":[12.386,55.6841]}}"#.to_string(),
        pole(r#""id":"","vendor":"v","luminaire":"L1","height_m":8"#, "[12.386,55.6841]"),
    ] {
        variants.push(collection(&[STREET, &bad]));
    }
    variants.push(collection(&[STREET]).replace("]}", "]} x"));
    for (k, text) in variants.iter().enumerate() {
        let fast = read_geojson(text, origin()).map_err(|e| e.to_string());
        let careful = read_geojson_careful(text, origin()).map_err(|e| e.to_string());
        assert_eq!(fast, careful, "variant {k}: {text}");
    }
    // The well-formed ones do read (the comparison is not between two errors).
    for text in &variants[..3] {
        read_geojson(text, origin()).expect("well-formed");
    }
}

/// A file read in runs on every core (`load_geojson`) gives exactly the plan, or the
/// error, of the same text read whole, whatever the run size: cuts next to strings that
/// look like a cut, sections named by their feature's index in later runs, members after
/// the features, and files that only the whole reader can judge.
#[test]
fn reading_in_runs_gives_the_plan_of_the_whole_text() {
    use lysplan::plan::geojson::load_unaimed_in_runs;
    let mut plan = synthetic(300, 5);
    // A cut candidate inside a string, with an escaped newline next to it.
    plan.streets[0].name = "Gl. Landevej },\n{ \"},{\" \u{e6}".into();
    plan.poles[4].id = "P},{4".into();
    let section = |fi: usize, from: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"kind":"section","vendor":"v{fi}","street":"S1","from_m":{from},"to_m":{}}},"geometry":null}}"#,
            from + 10.0
        )
    };
    let p1 = pole(
        r#""id":"P1","vendor":"v","luminaire":"L1","height_m":8"#,
        "[12.386,55.6841]",
    );
    let p2 = pole(
        r#""id":"P2","vendor":"v","luminaire":"L1","height_m":8"#,
        "[12.387,55.6841]",
    );
    let sections = collection(&[
        STREET,
        &section(1, 0.0),
        &p1,
        &section(3, 20.0),
        &p2,
        &section(5, 40.0),
    ])
    .replace("},{\"type\":\"Feature\"", "},\n {\"type\":\"Feature\"");
    let good = [
        to_geojson(&plan),
        to_geojson(&lysplan::bundled::doll_plan()),
        sections,
        // The collection's members after its features, and blanks everywhere.
        format!(
            " \n{{ \"features\" : [ {STREET} ,\n {p1} , {p2} ] ,\n \"type\" : \"FeatureCollection\", \"x\": [1, \"]\"] }}\n"
        ),
        collection(&[]),
    ];
    let open_pole = pole(
        r#""id":"P1","vendor":"v","luminaire":"L1","height_m":8"#,
        "[12.386,55.6841]",
    );
    let bad = [
        // A trailing comma, a missing comma, a feature left open, a second features.
        collection(&[STREET, &p1]).replace("}]}", "},]}"),
        collection(&[STREET, &p1]).replace("},{\"type\"", "} {\"type\""),
        collection(&[STREET, &open_pole[..open_pole.len() - 1]]),
        collection(&[STREET, &p1]).replace("}]}", "}], \"features\": []}"),
        // A feature the fast reader refuses, a byte-order mark, a control character in
        // a string, no plan at all.
        collection(&[
            STREET,
            &pole(
                r#""id":"P1","vendor":"v","luminaire":"L1","height_m":-1"#,
                "[12.386,55.6841]",
            ),
        ]),
        format!("\u{feff}{}", collection(&[STREET, &p1])),
        collection(&[STREET, &p1]).replace("Fabriksparken", "Fabriks\u{1}parken"),
        String::new(),
        "[]".to_string(),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.geojson");
    for (k, text) in good.iter().chain(&bad).enumerate() {
        std::fs::write(&path, text).unwrap();
        let whole = lysplan::error::read_text(&path)
            .and_then(|t| read_geojson(&t, &path))
            .map_err(|e| e.to_string());
        for run in [1, 7, 300, 1 << 20] {
            let (in_runs, split) = match load_unaimed_in_runs(&path, run) {
                Ok((u, split)) => (Ok(lysplan::locate::aimed(u).0), split),
                Err(e) => (Err(e.to_string()), false),
            };
            assert_eq!(in_runs, whole, "file {k}, runs of {run}: {text}");
            // The well-formed files were read in runs (when they make two at least),
            // the others whole.
            let runs = text.len() >= 2 * run;
            assert_eq!(split, k < good.len() && runs, "file {k}, runs of {run}");
        }
        if k < good.len() {
            whole.expect("well-formed");
        }
    }
}

/// A luminaire name too long to be held inline in a pole (a photometry path, or a long
/// id) is held once by the reader and given to each pole at the end: the pole that names
/// a file gets the embedded type's id, the one that names an unknown long id keeps it,
/// and a missing file is named at the feature that first names it; alike whether the
/// file is read in runs, whole, or carefully.
#[test]
fn long_luminaire_names_are_resolved_alike_in_runs_whole_and_careful() {
    use lysplan::locate::read_geojson_careful;
    use lysplan::plan::geojson::load_unaimed_in_runs;
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("photometry-files-of-the-test-bed");
    std::fs::create_dir(&sub).unwrap();
    let ldt = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/luminaires/acme_road_runner.ldt"),
    )
    .unwrap();
    std::fs::write(sub.join("acme_road_runner.ldt"), ldt).unwrap();
    let path_name = "photometry-files-of-the-test-bed/acme_road_runner.ldt";
    let long_id = "AN-UNKNOWN-LUMINAIRE-TYPE-ID-0123456789";
    let names = [path_name, long_id, "L1", path_name];
    let poles: Vec<String> = (0..120)
        .map(|k| {
            pole(
                &format!(
                    r#""id":"P{k}","vendor":"v","luminaire":"{}","height_m":8"#,
                    names[(k / 7) % names.len()]
                ),
                &format!("[{},55.6841]", 12.384 + 0.0001 * k as f64),
            )
        })
        .collect();
    let mut features: Vec<&str> = vec![STREET];
    features.extend(poles.iter().map(String::as_str));
    let text = collection(&features);
    let file = dir.path().join("plan.geojson");
    std::fs::write(&file, &text).unwrap();

    let whole = read_geojson(&text, &file).unwrap();
    let careful = read_geojson_careful(&text, &file).unwrap();
    let (in_runs, split) = load_unaimed_in_runs(&file, 300).unwrap();
    assert!(split, "read in runs");
    let in_runs = lysplan::locate::aimed(in_runs).0;
    assert_eq!(whole, careful);
    assert_eq!(in_runs, whole);
    assert_eq!(whole.luminaires.len(), 1, "{:?}", whole.luminaires);
    let embedded = whole.luminaires[0].id.as_str();
    assert_ne!(embedded, path_name);
    for (k, p) in whole.poles.iter().enumerate() {
        let want = match names[(k / 7) % names.len()] {
            n if n == path_name => embedded,
            n => n,
        };
        assert_eq!(p.luminaire, want, "pole {k}");
    }
    let unknown: Vec<_> = lysplan::check::run(&whole)
        .into_iter()
        .filter(|f| f.rule == "reference.luminaire")
        .collect();
    assert!(
        unknown.iter().any(|f| f.message.contains(long_id)),
        "{unknown:?}"
    );

    // A long path to a file that is not there: a type of that name with no photometry
    // (its findings come from the check), the same on every path.
    let missing = text.replace(
        &format!(r#""luminaire":"{long_id}""#),
        r#""luminaire":"photometry-files-of-the-test-bed/missing.ldt""#,
    );
    std::fs::write(&file, &missing).unwrap();
    let whole = read_geojson(&missing, &file).unwrap();
    let careful = read_geojson_careful(&missing, &file).unwrap();
    let in_runs = lysplan::locate::aimed(load_unaimed_in_runs(&file, 300).unwrap().0).0;
    assert_eq!(whole, careful);
    assert_eq!(in_runs, whole);
    let ids: Vec<&str> = whole.luminaires.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, [embedded, "missing"]);
    assert_eq!(whole.poles[7].luminaire, "missing");
}

/// `valid_lonlat` skips the projection within 60° of the central meridian and 1° of the
/// poles, claiming it is finite there: hold it to that on a fine grid.
#[test]
fn the_projection_is_finite_where_valid_lonlat_does_not_project() {
    for i in 0..=240 {
        for j in 0..=356 {
            let lon = 9.0 - 60.0 + 0.5 * i as f64;
            let lat = -89.0 + 0.5 * j as f64;
            let xy = lysplan::frame::to_utm32(lon, lat);
            assert!(xy.x.is_finite() && xy.y.is_finite(), "{lon} {lat}");
            assert!(lysplan::index::valid_lonlat(lon, lat));
        }
    }
    assert!(
        !lysplan::index::valid_lonlat(99.0, 0.0),
        "90° from the meridian"
    );
}
