//! GeoPackage interchange (issue 15): plan → GeoPackage → plan in both CRSs, the tables,
//! the SRS rows and the geometry bytes read with rusqlite (no GDAL), PROJ's coordinates,
//! files edited or made elsewhere, and bad input (truncated, not SQLite, another SRS).

use lysplan::bundled::doll_plan;
use lysplan::frame::{LonLat, from_utm32, to_utm32};
use lysplan::locate::{load_any, load_gpkg, read_geojson};
use lysplan::plan::review::{
    ChangelogEntry, Decision, PoleReview, ReviewStatus, Submission, Verdict,
};
use lysplan::plan::{
    Crs, LuminaireType, PhotometrySource, Plan, save_gpkg_atomic, to_geojson, to_gpkg,
};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// EPSG:4326 → EPSG:25832 by PROJ: pyproj 3.7.2 / PROJ 9.5.1,
/// `Transformer.from_crs(4326, 25832, always_xy=True).transform(lon, lat)` (the
/// operation "Inverse of ETRS89 to WGS 84 (1)" + "UTM zone 32N", a null datum shift).
/// Name, lon, lat, E, N.
const PROJ_POINTS: [(&str, f64, f64, f64, f64); 8] = [
    (
        "P001 of the bundled plan (its earlier layout)",
        12.3736365,
        55.6807857,
        712092.6635,
        6175712.3497,
    ),
    (
        "Albertslund, the site",
        12.388,
        55.6848,
        712973.4497,
        6176202.8619,
    ),
    ("Esbjerg", 8.45, 55.47, 465229.9498, 6147232.0664),
    ("Skagen", 10.59, 57.72, 594710.9164, 6398648.7404),
    ("Gedser", 11.93, 54.58, 689353.4436, 6052002.8466),
    ("Copenhagen", 12.5683, 55.6761, 724351.9286, 6175804.0221),
    ("Roenne, Bornholm", 14.7, 55.1, 863505.6125, 6120769.2755),
    ("central meridian", 9.0, 56.0, 500000.0000, 6206079.5871),
];

/// The bundled plan with everything a plan can carry that the bundled one lacks: pole
/// reviews (one of a pole no longer in the plan), a submission with decisions, a
/// changelog, a revision, an embedded luminaire, an unclassed street, a vendor without
/// a profile, text with quotes, commas and æøå.
fn full_plan() -> Plan {
    let mut plan = doll_plan();
    plan.description = "with \"quotes\", commas, æøå and a\nnewline".into();
    plan.revision = 7;
    plan.streets[1].class = None;
    plan.streets[1].class_schedule.clear();
    plan.streets[2].width_m = 5.25;
    plan.streets[2].lanes = 3;
    plan.streets[2].surface = "R3".into();
    plan.surfaces.push(lysplan::plan::RoadSurface {
        id: "R3".into(),
        name: "R3, a test copy".into(),
        table_csv: lysplan::lighting::surface::C2_CSV.into(),
    });
    plan.poles[3].tilt_deg = 7.5;
    plan.poles[3].overhang_m = 1.2;
    plan.vendors[0].control_profile = None;
    plan.vendors[1].name = "Ærø Lys, Nord".into();
    plan.luminaires.push(LuminaireType {
        id: "L-embedded".into(),
        name: "embedded".into(),
        photometry: PhotometrySource::Embedded {
            file_name: "x.ies".into(),
            text: "IESNA:LM-63-2002\r\n[TEST] x, \"y\"\r\n".into(),
        },
        rotation_deg: 12.0,
        flux_lm: 1234.5,
        power_w: 17.0,
        standby_w: 0.4,
        output_level: 1.0,
    });
    let review = |status, comment: &str| PoleReview {
        status,
        comment: comment.into(),
        reviewer: "Gate 21".into(),
        time: "2026-12-02T09:15:00Z".into(),
    };
    let (a, b) = (plan.poles[0].id.to_string(), plan.poles[5].id.to_string());
    plan.pole_reviews
        .insert(a, review(ReviewStatus::Approved, ""));
    plan.pole_reviews
        .insert(b, review(ReviewStatus::Rejected, "too close, move 2 m"));
    plan.pole_reviews.insert(
        "GONE".into(),
        review(ReviewStatus::Pending, "deleted later"),
    );
    plan.submissions.push(Submission {
        vendor: plan.vendors[0].id.clone(),
        file: "sub.geojson".into(),
        sha256: "ab".repeat(32),
        received: "2026-12-01T08:00:00Z".into(),
        decisions: vec![Decision {
            object: "pole P011".into(),
            change: "moved 2.5 m".into(),
            verdict: Verdict::Accepted,
            comment: String::new(),
            reviewer: "Gate 21".into(),
            time: "2026-12-01T09:00:00Z".into(),
        }],
    });
    plan.changelog.push(ChangelogEntry {
        revision: 7,
        time: "2026-12-02T10:00:00Z".into(),
        author: "ana".into(),
        summary: "moved 3 poles".into(),
    });
    plan
}

/// The largest distance, in metres on the UTM grid, between the positions of two plans
/// with the same objects (poles, then street vertices).
fn max_offset_m(a: &Plan, b: &Plan) -> f64 {
    assert_eq!(a.poles.len(), b.poles.len());
    assert_eq!(a.streets.len(), b.streets.len());
    let d = |p: LonLat, q: LonLat| p.to_xy().dist(q.to_xy());
    let poles = a
        .poles
        .iter()
        .zip(&b.poles)
        .map(|(p, q)| d(LonLat::new(p.lon, p.lat), LonLat::new(q.lon, q.lat)));
    let vertices = a.streets.iter().zip(&b.streets).flat_map(|(s, t)| {
        assert_eq!(s.points.len(), t.points.len(), "street {}", s.id);
        s.points.iter().zip(&t.points).map(move |(p, q)| d(*p, *q))
    });
    poles.chain(vertices).fold(0.0, f64::max)
}

/// `back` with the positions of `orig` (after checking them to 1 mm elsewhere), so the
/// rest can be compared with `==`.
fn with_positions_of(mut back: Plan, orig: &Plan) -> Plan {
    for (p, q) in back.poles.iter_mut().zip(&orig.poles) {
        (p.lon, p.lat) = (q.lon, q.lat);
    }
    for (s, t) in back.streets.iter_mut().zip(&orig.streets) {
        s.points.clone_from(&t.points);
    }
    back
}

fn write_gpkg(dir: &Path, name: &str, plan: &Plan, crs: Crs) -> PathBuf {
    let path = dir.join(name);
    save_gpkg_atomic(plan, &path, crs, None).expect("export");
    path
}

#[test]
fn plan_gpkg_plan_is_the_same_plan_in_both_crss() {
    let dir = tempfile::tempdir().unwrap();
    for plan in [doll_plan(), full_plan()] {
        for crs in [Crs::Utm32, Crs::Wgs84] {
            let path = write_gpkg(dir.path(), "p.gpkg", &plan, crs);
            let back = load_any(&path).expect("own output reads back");
            let off = max_offset_m(&plan, &back);
            eprintln!(
                "{crs:?}: {} poles, {} street vertices: largest position change {:.3e} m",
                back.poles.len(),
                back.streets.iter().map(|s| s.points.len()).sum::<usize>(),
                off
            );
            assert!(off < 0.001, "{crs:?}: a position moved {off} m");
            if crs == Crs::Wgs84 {
                // Degrees are stored as they are: bit for bit the same plan.
                assert_eq!(back, plan);
            } else {
                assert_eq!(with_positions_of(back, &plan), plan);
            }
        }
    }
}

#[test]
fn plan_geojson_plan_is_the_same_plan() {
    for plan in [doll_plan(), full_plan()] {
        let text = to_geojson(&plan);
        let mut back = read_geojson(&text, Path::new("p.geojson")).expect("reads back");
        // GeoJSON carries the reviews of the poles it has (the review of a pole no
        // longer in the plan has no feature to ride on).
        let mut expected = plan.clone();
        expected.pole_reviews.remove("GONE");
        assert_eq!(max_offset_m(&plan, &back), 0.0);
        back.pole_reviews.remove("GONE");
        assert_eq!(back, expected);
    }
}

#[test]
fn to_utm32_agrees_with_proj_to_a_millimetre() {
    for (name, lon, lat, e, n) in PROJ_POINTS {
        let p = to_utm32(lon, lat);
        let d = (p.x - e).hypot(p.y - n);
        assert!(d < 0.001, "{name}: {d} m from PROJ ({} {})", p.x, p.y);
        // And back: PROJ's E/N give the same lon/lat, to well under a millimetre.
        let (lon2, lat2) = from_utm32(lysplan::frame::Xy::new(e, n));
        let back = to_utm32(lon2, lat2);
        assert!((back.x - e).hypot(back.y - n) < 0.001, "{name} inverse");
        assert!(
            (lon2 - lon).abs() < 1e-8 && (lat2 - lat).abs() < 1e-8,
            "{name}"
        );
    }
}

fn open(path: &Path) -> Connection {
    Connection::open(path).expect("rusqlite opens the file")
}

fn count(db: &Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).expect(sql)
}

#[test]
fn the_file_has_the_geopackage_tables_srs_and_contents() {
    let dir = tempfile::tempdir().unwrap();
    let plan = doll_plan();
    for crs in [Crs::Utm32, Crs::Wgs84] {
        let path = write_gpkg(dir.path(), "p.gpkg", &plan, crs);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[..16], b"SQLite format 3\0");
        // application_id 'GPKG' at offset 68, user_version 10300 at 60 (big endian).
        assert_eq!(&bytes[68..72], b"GPKG");
        assert_eq!(i32::from_be_bytes(bytes[60..64].try_into().unwrap()), 10300);
        let db = open(&path);
        assert_eq!(count(&db, "PRAGMA application_id"), 0x4750_4B47);
        assert_eq!(count(&db, "PRAGMA user_version"), 10300);
        assert_eq!(
            db.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
                .unwrap(),
            "ok"
        );
        let violations = db
            .prepare("PRAGMA foreign_key_check")
            .unwrap()
            .query_map([], |_| Ok(()))
            .unwrap()
            .count();
        assert_eq!(violations, 0);

        // The required SRS rows, and 25832 with its WKT.
        let srs: Vec<(i64, String, i64, String)> = db
            .prepare(
                "SELECT srs_id, organization, organization_coordsys_id, definition \
                 FROM gpkg_spatial_ref_sys ORDER BY srs_id",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let ids: Vec<i64> = srs.iter().map(|s| s.0).collect();
        assert_eq!(ids, [-1, 0, 4326, 25832]);
        assert_eq!(srs[0].3, "undefined");
        assert_eq!(srs[1].3, "undefined");
        assert_eq!((srs[2].1.as_str(), srs[2].2), ("EPSG", 4326));
        assert!(srs[2].3.starts_with("GEOGCS[\"WGS 84\""), "{}", srs[2].3);
        assert_eq!((srs[3].1.as_str(), srs[3].2), ("EPSG", 25832));
        let wkt = &srs[3].3;
        assert!(
            wkt.starts_with("PROJCS[\"ETRS89 / UTM zone 32N\"")
                && wkt.contains("PARAMETER[\"central_meridian\",9]")
                && wkt.contains("PARAMETER[\"scale_factor\",0.9996]")
                && wkt.ends_with("AUTHORITY[\"EPSG\",\"25832\"]]"),
            "{wkt}"
        );

        // Contents: four feature layers in the chosen CRS with bounds, four attribute
        // tables without.
        let srs_id = crs.epsg() as i64;
        let mut st = db
            .prepare(
                "SELECT table_name, data_type, srs_id, min_x, min_y, max_x, max_y, last_change \
                 FROM gpkg_contents ORDER BY table_name",
            )
            .unwrap();
        type ContentRow = (
            String,
            String,
            Option<i64>,
            Option<f64>,
            Option<f64>,
            Option<f64>,
            Option<f64>,
            String,
        );
        let contents: Vec<ContentRow> = st
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let kinds: Vec<(&str, &str)> = contents
            .iter()
            .map(|c| (c.0.as_str(), c.1.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("energy_readings", "attributes"),
                ("luminaire_types", "attributes"),
                ("plan_settings", "attributes"),
                ("poles", "features"),
                ("sections", "features"),
                ("streets", "features"),
                ("survey_points", "features"),
                ("vendors", "attributes"),
            ]
        );
        for c in &contents {
            // strftime('%Y-%m-%dT%H:%M:%fZ'), e.g. 2026-12-02T09:15:00.123Z.
            assert!(c.7.len() == 24 && c.7.ends_with('Z'), "{}", c.7);
            if c.1 == "attributes" {
                assert_eq!((c.2, c.3, c.6), (None, None, None), "{}", c.0);
            } else {
                assert_eq!(c.2, Some(srs_id), "{}", c.0);
            }
        }
        // The poles' bounds are the poles' extent in the CRS.
        let pts: Vec<[f64; 2]> = plan
            .poles
            .iter()
            .map(|p| match crs {
                Crs::Utm32 => to_utm32(p.lon, p.lat).to_array(),
                Crs::Wgs84 => [p.lon, p.lat],
            })
            .collect();
        let min_x = pts.iter().map(|p| p[0]).fold(f64::INFINITY, f64::min);
        let max_y = pts.iter().map(|p| p[1]).fold(f64::NEG_INFINITY, f64::max);
        let poles = contents.iter().find(|c| c.0 == "poles").unwrap();
        assert_eq!((poles.3, poles.6), (Some(min_x), Some(max_y)));

        let geom: Vec<(String, String, String, i64, i64, i64)> = db
            .prepare(
                "SELECT table_name, column_name, geometry_type_name, srs_id, z, m \
                 FROM gpkg_geometry_columns ORDER BY table_name",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let g = |t: &str, ty: &str| {
            (
                t.to_string(),
                "geom".to_string(),
                ty.to_string(),
                srs_id,
                0,
                0,
            )
        };
        assert_eq!(
            geom,
            [
                g("poles", "POINT"),
                g("sections", "LINESTRING"),
                g("streets", "LINESTRING"),
                g("survey_points", "POINT")
            ]
        );

        // One row per object, in plan order.
        assert_eq!(
            count(&db, "SELECT count(*) FROM poles"),
            plan.poles.len() as i64
        );
        assert_eq!(
            count(&db, "SELECT count(*) FROM streets"),
            plan.streets.len() as i64
        );
        assert_eq!(
            count(&db, "SELECT count(*) FROM sections"),
            plan.sections.len() as i64
        );
        assert_eq!(
            count(&db, "SELECT count(*) FROM vendors"),
            plan.vendors.len() as i64
        );
        assert_eq!(
            count(&db, "SELECT count(*) FROM luminaire_types"),
            plan.luminaires.len() as i64
        );
        assert_eq!(count(&db, "SELECT count(*) FROM plan_settings"), 1);
        let first: String = db
            .query_row("SELECT id FROM poles ORDER BY fid LIMIT 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(first, plan.poles[0].id);
    }
}

fn f64_le(b: &[u8], at: usize) -> f64 {
    f64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

fn u32_le(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

#[test]
fn geometry_blobs_are_the_standard_header_then_wkb() {
    let dir = tempfile::tempdir().unwrap();
    let mut plan = doll_plan();
    // The first pole at the point PROJ projected (where P001 stood before the LED layout).
    (plan.poles[0].lon, plan.poles[0].lat) = (PROJ_POINTS[0].1, PROJ_POINTS[0].2);
    let p = &plan.poles[0];
    for crs in [Crs::Utm32, Crs::Wgs84] {
        let path = write_gpkg(dir.path(), "p.gpkg", &plan, crs);
        let db = open(&path);
        let blob: Vec<u8> = db
            .query_row(
                "SELECT geom FROM poles WHERE id = ?1",
                [p.id.as_str()],
                |r| r.get(0),
            )
            .unwrap();
        // Header: "GP", version 0, flags 0b0000_0011 (little endian, envelope
        // [minx, maxx, miny, maxy]), int32 srs_id, the envelope.
        assert_eq!(&blob[..4], b"GP\x00\x03");
        assert_eq!(
            i32::from_le_bytes(blob[4..8].try_into().unwrap()),
            crs.epsg()
        );
        // WKB: little endian, type 1 (Point), x, y.
        assert_eq!(blob[40], 1);
        assert_eq!(u32_le(&blob, 41), 1);
        assert_eq!(blob.len(), 8 + 32 + 5 + 16);
        let (x, y) = (f64_le(&blob, 45), f64_le(&blob, 53));
        assert_eq!(
            [
                f64_le(&blob, 8),
                f64_le(&blob, 16),
                f64_le(&blob, 24),
                f64_le(&blob, 32)
            ],
            [x, x, y, y]
        );
        match crs {
            Crs::Wgs84 => assert_eq!((x, y), (p.lon, p.lat)),
            Crs::Utm32 => {
                let (_, _, _, e, n) = PROJ_POINTS[0];
                let d = (x - e).hypot(y - n);
                assert!(d < 0.001, "P001 is {d} m from PROJ's E/N");
            }
        }

        // A street: LineString (type 2), its vertex count, the vertices.
        let s = &plan.streets[0];
        let blob: Vec<u8> = db
            .query_row("SELECT geom FROM streets WHERE id = ?1", [&s.id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(&blob[..4], b"GP\x00\x03");
        assert_eq!((blob[40], u32_le(&blob, 41)), (1, 2));
        let n = u32_le(&blob, 45) as usize;
        assert_eq!(n, s.points.len());
        assert_eq!(blob.len(), 8 + 32 + 9 + 16 * n);
        for (k, q) in s.points.iter().enumerate() {
            let got = [f64_le(&blob, 49 + 16 * k), f64_le(&blob, 57 + 16 * k)];
            let want = match crs {
                Crs::Utm32 => q.to_xy().to_array(),
                Crs::Wgs84 => q.to_array(),
            };
            assert_eq!(got, want, "vertex {k}");
        }
        let env = [
            f64_le(&blob, 8),
            f64_le(&blob, 16),
            f64_le(&blob, 24),
            f64_le(&blob, 32),
        ];
        assert!(env[0] <= env[1] && env[2] <= env[3]);
    }
}

#[test]
fn sections_are_drawn_on_their_street_and_read_from_their_attributes() {
    let dir = tempfile::tempdir().unwrap();
    let plan = doll_plan();
    let path = write_gpkg(dir.path(), "p.gpkg", &plan, Crs::Utm32);
    let db = open(&path);
    let sec = &plan.sections[0];
    let street = plan.street(&sec.street).unwrap();
    let line = lysplan::frame::Polyline::from_lonlat(&street.points);
    let want = line.sub_line(sec.from_m, sec.to_m);
    let blob: Vec<u8> = db
        .query_row("SELECT geom FROM sections WHERE id = ?1", [&sec.id], |r| {
            r.get(0)
        })
        .unwrap();
    let n = u32_le(&blob, 45) as usize;
    assert_eq!(n, want.len());
    assert_eq!([f64_le(&blob, 49), f64_le(&blob, 57)], want[0].to_array());
    // Editing the attributes moves the section; its line is only a drawing.
    drop(db);
    let db = open(&path);
    db.execute(
        "UPDATE sections SET to_m = 12.5, geom = NULL WHERE id = ?1",
        [&sec.id],
    )
    .unwrap();
    drop(db);
    let back = load_gpkg(&path).unwrap();
    assert_eq!(back.sections[0].to_m, 12.5);
    assert_eq!(back.sections[0].from_m, sec.from_m);
}

/// A GeoPackage as another program would make it, from scratch: the core tables, a
/// `poles` layer in `srs_id` (with that SRS row) and the columns Lysplan needs, no
/// attribute tables.
fn foreign_gpkg(path: &Path, srs_id: i32, org: &str, code: i32, x: f64, y: f64) {
    let db = Connection::open(path).unwrap();
    db.execute_batch(
        "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;
         CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
           organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
           definition TEXT NOT NULL, description TEXT);
         CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL,
           identifier TEXT, description TEXT, last_change TEXT, min_x DOUBLE, min_y DOUBLE,
           max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
         CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
           geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT);
         CREATE TABLE poles (fid INTEGER PRIMARY KEY AUTOINCREMENT, geometry POINT, id TEXT,
           vendor TEXT, luminaire TEXT, height_m REAL);",
    )
    .unwrap();
    db.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('x', ?1, ?2, ?3, 'PROJCS[...]', '')",
        rusqlite::params![srs_id, org, code],
    )
    .unwrap();
    db.execute(
        "INSERT INTO gpkg_contents VALUES ('poles', 'features', 'poles', '', \
         '2026-12-02T00:00:00.000Z', NULL, NULL, NULL, NULL, ?1)",
        [srs_id],
    )
    .unwrap();
    db.execute(
        "INSERT INTO gpkg_geometry_columns VALUES ('poles', 'geometry', 'POINT', ?1, 0, 0)",
        [srs_id],
    )
    .unwrap();
    // A big-endian point without an envelope, as some writers make them.
    let mut blob = b"GP\x00\x00".to_vec();
    blob.extend_from_slice(&srs_id.to_be_bytes());
    blob.push(0);
    blob.extend_from_slice(&1u32.to_be_bytes());
    blob.extend_from_slice(&x.to_be_bytes());
    blob.extend_from_slice(&y.to_be_bytes());
    db.execute(
        "INSERT INTO poles (geometry, id, vendor, luminaire, height_m) \
         VALUES (?1, 'Q1', 'acme', 'acme-road-runner', 8)",
        [blob],
    )
    .unwrap();
}

#[test]
fn a_layer_in_another_srs_is_refused_naming_the_table_and_the_remedy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mercator.gpkg");
    foreign_gpkg(&path, 3857, "EPSG", 3857, 1_379_000.0, 7_495_000.0);
    let before = std::fs::read(&path).unwrap();
    let e = load_any(&path).expect_err("EPSG:3857 is refused");
    let msg = e.to_string();
    assert!(msg.starts_with(&path.display().to_string()), "{msg}");
    for part in [
        "table poles",
        "srs_id 3857",
        "EPSG:3857",
        "EPSG:25832",
        "EPSG:4326",
        "ogr2ogr -t_srs",
    ] {
        assert!(msg.contains(part), "{part:?} missing: {msg}");
    }
    // Nothing is lost: the file is only read.
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // An srs_id not listed in gpkg_spatial_ref_sys, and one of another organisation.
    let path = dir.path().join("odd.gpkg");
    foreign_gpkg(&path, 100_000, "ESRI", 102_100, 0.0, 0.0);
    let msg = load_any(&path).unwrap_err().to_string();
    assert!(
        msg.contains("srs_id 100000") && msg.contains("ESRI:102100"),
        "{msg}"
    );

    // Our own file with one layer switched to 3857 names that layer.
    let path = write_gpkg(dir.path(), "p.gpkg", &doll_plan(), Crs::Utm32);
    let db = open(&path);
    db.execute_batch(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 / Pseudo-Mercator', 3857, 'EPSG', \
         3857, 'PROJCS[...]', '');
         UPDATE gpkg_geometry_columns SET srs_id = 3857 WHERE table_name = 'streets';",
    )
    .unwrap();
    drop(db);
    let msg = load_any(&path).unwrap_err().to_string();
    assert!(
        msg.contains("table streets") && msg.contains("3857"),
        "{msg}"
    );
}

#[test]
fn a_geopackage_made_elsewhere_reads_with_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    // EPSG:4326 under GDAL's srs_id, and EPSG:25832 under a srs_id of its own (the
    // organisation's code is what counts).
    let (lon, lat) = (12.3736365, 55.6807857);
    let e = to_utm32(lon, lat);
    for (srs_id, code, x, y) in [(4326, 4326, lon, lat), (100_001, 25832, e.x, e.y)] {
        let path = dir.path().join(format!("{srs_id}.gpkg"));
        foreign_gpkg(&path, srs_id, "epsg", code, x, y);
        let plan = load_any(&path).expect("reads");
        assert_eq!(plan.poles.len(), 1);
        let p = &plan.poles[0];
        assert!(to_utm32(p.lon, p.lat).dist(e) < 0.001);
        assert_eq!(
            (p.id.as_str(), p.height_m, p.tilt_deg, p.overhang_m),
            ("Q1", 8.0, 0.0, 0.0)
        );
        // No vendor table: the vendors the poles name are made, as from GeoJSON.
        assert_eq!(plan.vendors.len(), 1);
        assert_eq!(plan.vendors[0].id, "acme");
        assert!(plan.streets.is_empty() && plan.luminaires.is_empty());
        // A row without a required value (no NOT NULL there to stop it).
        open(&path)
            .execute(
                "INSERT INTO poles (geometry, id, height_m) SELECT geometry, 'Q2', 8 FROM poles",
                [],
            )
            .unwrap();
        let msg = load_any(&path).unwrap_err().to_string();
        assert!(
            msg.contains("table poles (fid 2).vendor: is empty (NULL)")
                && msg.contains("vendor id"),
            "{msg}"
        );
    }
}

#[test]
fn edits_made_in_qgis_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let plan = doll_plan();
    let path = write_gpkg(dir.path(), "p.gpkg", &plan, Crs::Utm32);
    let db = open(&path);
    // A pole added in QGIS: only the required fields filled; the others take the
    // column defaults (tilt and overhang 0) or stay NULL (azimuth, review).
    let first: Vec<u8> = db
        .query_row("SELECT geom FROM poles ORDER BY fid LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mut moved = first.clone();
    let x = f64_le(&first, 45) + 3.0;
    moved[45..53].copy_from_slice(&x.to_le_bytes());
    db.execute(
        "INSERT INTO poles (geom, id, vendor, luminaire, height_m) \
         VALUES (?1, 'NEW1', ?2, ?3, 9)",
        rusqlite::params![
            moved,
            plan.poles[0].vendor.as_str(),
            plan.poles[0].luminaire.as_str()
        ],
    )
    .unwrap();
    db.execute(
        "UPDATE poles SET height_m = 11, review_status = 'approved' WHERE id = ?1",
        [plan.poles[1].id.as_str()],
    )
    .unwrap();
    drop(db);
    let back = load_gpkg(&path).unwrap();
    assert_eq!(back.poles.len(), plan.poles.len() + 1);
    let new = back.pole("NEW1").unwrap();
    let p0 = &plan.poles[0];
    let d = to_utm32(new.lon, new.lat).dist(to_utm32(p0.lon, p0.lat));
    assert!((d - 3.0).abs() < 0.001, "{d}");
    assert_eq!(
        (new.tilt_deg, new.overhang_m, new.height_m),
        (0.0, 0.0, 9.0)
    );
    // No azimuth: it faces the nearest street, as a GeoJSON pole without one does.
    assert!((0.0..360.0).contains(&new.azimuth_deg));
    assert_ne!(new.azimuth_deg, 0.0);
    assert_eq!(back.poles[1].height_m, 11.0);
    assert_eq!(
        back.pole_reviews
            .get(plan.poles[1].id.as_str())
            .map(|r| r.status),
        Some(ReviewStatus::Approved)
    );
}

#[test]
fn bad_values_are_refused_naming_table_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let plan = doll_plan();
    let cases: [(&str, &str, &[&str]); 5] = [
        (
            "UPDATE poles SET height_m = 'tall' WHERE fid = 3",
            "table poles (fid 3).height_m",
            &["the text \"tall\"", "must be a number"],
        ),
        (
            "UPDATE poles SET azimuth_deg = x'00' WHERE fid = 2",
            "table poles (fid 2).azimuth_deg",
            &["a blob of 1 bytes", "must be a number"],
        ),
        (
            "UPDATE poles SET review_status = 'ok' WHERE fid = 1",
            "table poles (fid 1).review_status",
            &["\"pending\", \"approved\" or \"rejected\""],
        ),
        (
            "UPDATE streets SET geom = NULL WHERE fid = 1",
            "table streets (fid 1).geom",
            &["no geometry"],
        ),
        (
            "UPDATE plan_settings SET rules = '{\"min_spacing_m\": ' WHERE fid = 1",
            "table plan_settings (fid 1).rules",
            &["JSON"],
        ),
    ];
    for (sql, place, parts) in cases {
        let path = write_gpkg(dir.path(), "p.gpkg", &plan, Crs::Utm32);
        open(&path).execute(sql, []).unwrap();
        let msg = load_gpkg(&path).unwrap_err().to_string();
        assert!(msg.contains(place), "{sql}: {msg}");
        for part in parts {
            assert!(msg.contains(part), "{sql}: {part:?} missing: {msg}");
        }
    }
    // A value the validator refuses, named at its row (the one schema checks each
    // object where it is read, as the GeoJSON reader names the feature).
    let path = write_gpkg(dir.path(), "p.gpkg", &plan, Crs::Utm32);
    open(&path)
        .execute("UPDATE poles SET height_m = -2 WHERE fid = 1", [])
        .unwrap();
    let msg = load_gpkg(&path).unwrap_err().to_string();
    assert!(
        msg.contains("table poles (fid 1).height_m") && msg.contains("must be a finite number > 0"),
        "{msg}"
    );
}

#[test]
fn truncated_damaged_and_foreign_files_get_a_clear_error_and_no_panic() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_gpkg(dir.path(), "good.gpkg", &doll_plan(), Crs::Utm32);
    let bytes = std::fs::read(&good).unwrap();
    let case = |name: &str, data: &[u8]| -> String {
        let p = dir.path().join(name);
        std::fs::write(&p, data).unwrap();
        let e = load_any(&p).expect_err(name);
        // The file is left as it was.
        assert_eq!(std::fs::read(&p).unwrap(), data, "{name} changed");
        let msg = e.to_string();
        assert!(msg.starts_with(&p.display().to_string()), "{msg}");
        msg
    };
    for cut in [bytes.len() / 2, 4096, 150, 100] {
        let msg = case("cut.gpkg", &bytes[..cut]);
        assert!(msg.contains("truncated"), "cut at {cut}: {msg}");
    }
    let msg = case("cut.gpkg", &bytes[..40]);
    assert!(msg.contains("truncated"), "{msg}");
    let msg = case("empty.gpkg", b"");
    assert!(msg.contains("empty"), "{msg}");
    let msg = case("text.gpkg", br#"{"type": "FeatureCollection"}"#);
    assert!(
        msg.contains("not a GeoPackage") && msg.contains("GeoJSON"),
        "{msg}"
    );
    // Damaged pages after an intact header: SQLite's own message, said as damage.
    let mut damaged = bytes.clone();
    for b in &mut damaged[4096..] {
        *b = 0xA5;
    }
    let msg = case("damaged.gpkg", &damaged);
    assert!(msg.contains("damaged"), "{msg}");
    // An SQLite database that is not a GeoPackage.
    let plain = dir.path().join("plain.gpkg");
    Connection::open(&plain)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let msg = load_any(&plain).unwrap_err().to_string();
    assert!(msg.contains("not a GeoPackage"), "{msg}");
    // A GeoPackage with none of the plan's layers lists what it has.
    let other = dir.path().join("other.gpkg");
    foreign_gpkg(&other, 4326, "EPSG", 4326, 12.0, 55.0);
    open(&other)
        .execute_batch(
            "ALTER TABLE poles RENAME TO lamps; \
             UPDATE gpkg_contents SET table_name = 'lamps'; \
             UPDATE gpkg_geometry_columns SET table_name = 'lamps';",
        )
        .unwrap();
    let msg = load_any(&other).unwrap_err().to_string();
    assert!(
        msg.contains("streets, poles or sections") && msg.contains("lamps"),
        "{msg}"
    );
}

#[test]
fn a_newer_format_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_gpkg(dir.path(), "p.gpkg", &doll_plan(), Crs::Utm32);
    open(&path)
        .execute("UPDATE plan_settings SET format_version = 99", [])
        .unwrap();
    let msg = load_gpkg(&path).unwrap_err().to_string();
    assert!(
        msg.contains("format version 99") && msg.contains("newer Lysplan"),
        "{msg}"
    );
}

#[test]
fn export_replaces_the_target_atomically_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    std::fs::write(&path, b"old").unwrap();
    save_gpkg_atomic(&doll_plan(), &path, Crs::Wgs84, None).unwrap();
    assert_eq!(load_gpkg(&path).unwrap(), doll_plan());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["p.gpkg"]);
    // The same bytes as the in-memory export.
    assert_eq!(
        std::fs::read(&path).unwrap().len(),
        to_gpkg(&doll_plan(), Crs::Wgs84, None).unwrap().len()
    );
    // A folder that does not exist: an error naming the file, no panic.
    let e = save_gpkg_atomic(
        &doll_plan(),
        &dir.path().join("no/such/p.gpkg"),
        Crs::Utm32,
        None,
    )
    .unwrap_err();
    assert!(e.to_string().contains("p.gpkg"), "{e}");
}

#[test]
fn a_file_qgis_left_in_wal_mode_reads_and_is_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let plan = doll_plan();
    let path = write_gpkg(dir.path(), "qgis edits.gpkg", &plan, Crs::Utm32);
    let db = open(&path);
    let mode: String = db
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(db);
    let before = std::fs::read(&path).unwrap();
    assert!(with_positions_of(load_gpkg(&path).unwrap(), &plan) == plan);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let names = |d: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(dir.path()),
        ["qgis edits.gpkg"],
        "no -wal or -shm left behind"
    );

    // While QGIS has it open, an edit it saved may still be in the -wal file: it is read.
    let qgis = open(&path);
    qgis.execute_batch("PRAGMA wal_autocheckpoint = 0;")
        .unwrap();
    qgis.execute("UPDATE poles SET height_m = 12.5 WHERE fid = 1", [])
        .unwrap();
    assert!(dir.path().join("qgis edits.gpkg-wal").exists());
    assert_eq!(load_gpkg(&path).unwrap().poles[0].height_m, 12.5);
}
