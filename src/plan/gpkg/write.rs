//! Writing a plan as a GeoPackage: built in memory, then written atomically.

use super::blob::geometry_blob;
use super::{APPLICATION_ID, CORE_SCHEMA, Crs, PLAN_SCHEMA, USER_VERSION, WKT_4326, WKT_25832};
use crate::error::{FileError, Location};
use crate::frame::{LonLat, Polyline, from_utm32};
use crate::plan::measured::{CalculatedAt, ReadingOf};
use crate::plan::review::PoleReview;
use crate::plan::{FORMAT_VERSION, LightingClass, PhotometrySource, Plan};
use rusqlite::{Connection, params};
use std::collections::HashMap;
use std::path::Path;

/// A failure of SQLite while building the file (none is expected: the database is in
/// memory and every value is bound).
fn write_err(path: &Path, e: rusqlite::Error) -> FileError {
    FileError::new(
        path,
        Location::File,
        format!("could not build the GeoPackage ({e}); nothing was written"),
    )
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// The bounds `[min_x, min_y, max_x, max_y]` of some positions (`None` if there are none).
fn bounds<'a>(pts: impl Iterator<Item = &'a [f64; 2]>) -> Option<[f64; 4]> {
    let mut b: Option<[f64; 4]> = None;
    for p in pts {
        let e = b.get_or_insert([p[0], p[1], p[0], p[1]]);
        e[0] = e[0].min(p[0]);
        e[1] = e[1].min(p[1]);
        e[2] = e[2].max(p[0]);
        e[3] = e[3].max(p[1]);
    }
    b
}

/// The plan as the bytes of a GeoPackage file with its layers in `crs`. `calculated`
/// holds what the calculation gives at each survey point, the surveys' points in turn
/// (computed above the plan layer: `crate::measure::save_gpkg_atomic`); `None`, or a list
/// that does not match the points, leaves `survey_points.calculated_lx` and `ratio`
/// NULL.
pub fn to_gpkg(
    plan: &Plan,
    crs: Crs,
    calculated: Option<&[CalculatedAt]>,
) -> Result<Vec<u8>, rusqlite::Error> {
    let mut db = Connection::open_in_memory()?;
    db.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {USER_VERSION};"
    ))?;
    let srs = crs.epsg();
    let tx = db.transaction()?;
    tx.execute_batch(CORE_SCHEMA)?;
    {
        let mut ins = tx.prepare(
            "INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, \
             organization_coordsys_id, definition, description) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        ins.execute(params![
            "WGS 84 geodetic",
            4326,
            "EPSG",
            4326,
            WKT_4326,
            "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"
        ])?;
        ins.execute(params![
            "Undefined cartesian SRS",
            -1,
            "NONE",
            -1,
            "undefined",
            "undefined cartesian coordinate reference system"
        ])?;
        ins.execute(params![
            "Undefined geographic SRS",
            0,
            "NONE",
            0,
            "undefined",
            "undefined geographic coordinate reference system"
        ])?;
        ins.execute(params![
            "ETRS89 / UTM zone 32N",
            25832,
            "EPSG",
            25832,
            WKT_25832,
            "ETRS89 / UTM zone 32N: easting and northing in metres (Denmark)"
        ])?;
    }
    tx.execute_batch(PLAN_SCHEMA)?;

    let lines: Vec<Polyline> = plan
        .streets
        .iter()
        .map(|s| Polyline::from_lonlat(&s.points))
        .collect();
    let street_pts: Vec<Vec<[f64; 2]>> = plan
        .streets
        .iter()
        .zip(&lines)
        .map(|(s, l)| match crs {
            Crs::Utm32 => l.pts.iter().map(|p| p.to_array()).collect(),
            Crs::Wgs84 => s.points.iter().map(|p| p.to_array()).collect(),
        })
        .collect();
    {
        let mut ins = tx.prepare(
            "INSERT INTO streets (geom, id, name, class, width_m, lanes, surface, \
             class_schedule) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for (s, pts) in plan.streets.iter().zip(&street_pts) {
            ins.execute(params![
                geometry_blob(srs, pts, false),
                s.id,
                s.name,
                s.class.map(LightingClass::name),
                s.width_m,
                s.lanes,
                s.surface,
                json(&s.class_schedule)
            ])?;
        }
    }

    // Sections: the piece of the street between their chainages, for the map.
    let street_index: HashMap<&str, usize> = plan
        .streets
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut section_pts: Vec<[f64; 2]> = Vec::new();
    {
        let mut ins = tx.prepare(
            "INSERT INTO sections (geom, id, vendor, street, from_m, to_m) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for s in &plan.sections {
            let piece: Vec<[f64; 2]> = street_index
                .get(s.street.as_str())
                .map(|&i| lines[i].sub_line(s.from_m, s.to_m))
                .unwrap_or_default()
                .into_iter()
                .map(|p| match crs {
                    Crs::Utm32 => p.to_array(),
                    Crs::Wgs84 => {
                        let (lon, lat) = from_utm32(p);
                        [lon, lat]
                    }
                })
                .collect();
            let geom = (piece.len() >= 2).then(|| geometry_blob(srs, &piece, false));
            section_pts.extend(&piece);
            ins.execute(params![geom, s.id, s.vendor, s.street, s.from_m, s.to_m])?;
        }
    }

    let pole_pts: Vec<[f64; 2]> = plan
        .poles
        .iter()
        .map(|p| crs.project(LonLat::new(p.lon, p.lat)))
        .collect();
    {
        let mut ins = tx.prepare(
            "INSERT INTO poles (geom, id, vendor, luminaire, height_m, tilt_deg, azimuth_deg, \
             overhang_m, review_status, review_comment, review_reviewer, review_time) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        for (p, xy) in plan.poles.iter().zip(&pole_pts) {
            let r = plan.pole_reviews.get(p.id.as_str());
            let text = |f: fn(&PoleReview) -> &String| {
                r.map(f).filter(|s| !s.is_empty()).map(String::as_str)
            };
            ins.execute(params![
                geometry_blob(srs, std::slice::from_ref(xy), true),
                p.id.as_str(),
                p.vendor.as_str(),
                p.luminaire.as_str(),
                p.height_m,
                p.tilt_deg,
                p.azimuth_deg,
                p.overhang_m,
                r.map(|r| r.status.name()),
                text(|r| &r.comment),
                text(|r| &r.reviewer),
                text(|r| &r.time),
            ])?;
        }
    }

    {
        let mut ins = tx.prepare(
            "INSERT INTO vendors (id, name, color, control_profile) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for v in &plan.vendors {
            let [r, g, b] = v.color;
            ins.execute(params![
                v.id,
                v.name,
                format!("#{r:02x}{g:02x}{b:02x}"),
                v.control_profile
            ])?;
        }
    }
    {
        let mut ins = tx.prepare(
            "INSERT INTO luminaire_types (id, name, photometry_kind, photometry_file, \
             photometry_text, rotation_deg, flux_lm, power_w, standby_w, output_level) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for l in &plan.luminaires {
            let (kind, file, text) = match &l.photometry {
                PhotometrySource::Bundled(f) => ("bundled", f.as_str(), None),
                PhotometrySource::Embedded { file_name, text } => {
                    ("embedded", file_name.as_str(), Some(text.as_str()))
                }
            };
            ins.execute(params![
                l.id,
                l.name,
                kind,
                file,
                text,
                l.rotation_deg,
                l.flux_lm,
                l.power_w,
                l.standby_w,
                l.output_level
            ])?;
        }
    }
    {
        let pole_ids: std::collections::HashSet<&str> =
            plan.poles.iter().map(|p| p.id.as_str()).collect();
        let other_reviews: std::collections::BTreeMap<&String, &PoleReview> = plan
            .pole_reviews
            .iter()
            .filter(|(id, _)| !pole_ids.contains(id.as_str()))
            .collect();
        tx.execute(
            "INSERT INTO plan_settings (format_version, name, description, maintenance_factor, \
             burning_hours_per_year, revision, rules, energy, control_profiles, submissions, \
             changelog, other_pole_reviews, surfaces, surveys) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                FORMAT_VERSION,
                plan.name,
                plan.description,
                plan.maintenance_factor,
                plan.burning_hours_per_year,
                plan.revision as i64,
                json(&plan.rules),
                json(&plan.energy),
                json(&plan.control_profiles),
                json(&plan.submissions),
                json(&plan.changelog),
                json(&other_reviews),
                json(&plan.surfaces),
                // The points are the survey_points layer's.
                json(
                    &plan
                        .surveys
                        .iter()
                        .map(crate::plan::measured::Survey::without_points)
                        .collect::<Vec<_>>()
                ),
            ],
        )?;
    }

    let survey_pts = write_measured(&tx, plan, crs, calculated)?;

    // The contents: features with their bounds and CRS, attributes without.
    {
        let mut contents = tx.prepare(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, \
             min_x, min_y, max_x, max_y, srs_id) VALUES (?1, ?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut columns = tx.prepare(
            "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, \
             srs_id, z, m) VALUES (?1, 'geom', ?2, ?3, 0, 0)",
        )?;
        let layers: [(&str, &str, &str, Option<[f64; 4]>); 4] = [
            (
                "streets",
                "LINESTRING",
                "Street centrelines (chainage from the first vertex)",
                bounds(street_pts.iter().flatten()),
            ),
            (
                "poles",
                "POINT",
                "Poles, each carrying one luminaire",
                bounds(pole_pts.iter()),
            ),
            (
                "sections",
                "LINESTRING",
                "Vendor sections: street, from_m and to_m define them; the line is drawn from them",
                bounds(section_pts.iter()),
            ),
            (
                "survey_points",
                "POINT",
                "Illuminance measured on site; calculated_lx and ratio are written for GIS \
                 users (initial values, MF = 1) and not read back",
                bounds(survey_pts.iter()),
            ),
        ];
        for (table, kind, description, b) in layers {
            let b = b.map(|b| b.map(Some)).unwrap_or([None; 4]);
            contents.execute(params![
                table,
                "features",
                description,
                b[0],
                b[1],
                b[2],
                b[3],
                srs
            ])?;
            columns.execute(params![table, kind, srs])?;
        }
        for (table, description) in [
            ("vendors", "Vendors testing luminaires on the site"),
            (
                "luminaire_types",
                "Luminaire types with their photometry (EULUMDAT / IES text)",
            ),
            (
                "energy_readings",
                "Energy readings of a vendor's luminaires or of one pole, kWh from..to",
            ),
            (
                "plan_settings",
                "The plan's settings (one row; nested settings as JSON)",
            ),
        ] {
            contents.execute(params![
                table,
                "attributes",
                description,
                None::<f64>,
                None::<f64>,
                None::<f64>,
                None::<f64>,
                None::<i32>
            ])?;
        }
    }
    tx.commit()?;
    let data = db.serialize(rusqlite::MAIN_DB)?;
    Ok(data.to_vec())
}

/// The `survey_points` layer (with `calculated`, as [`to_gpkg`] takes it) and the
/// `energy_readings` table; the survey points' positions in `crs`.
fn write_measured(
    tx: &rusqlite::Transaction,
    plan: &Plan,
    crs: Crs,
    calculated: Option<&[CalculatedAt]>,
) -> Result<Vec<[f64; 2]>, rusqlite::Error> {
    let srs = crs.epsg();
    let count: usize = plan.surveys.iter().map(|s| s.points.len()).sum();
    let calculated = calculated.filter(|c| c.len() == count);
    let mut pts = Vec::with_capacity(count);
    let mut ins = tx.prepare(
        "INSERT INTO survey_points (geom, survey, measured_at, date, measured_lx, \
         calculated_lx, ratio, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let points = plan
        .surveys
        .iter()
        .flat_map(|s| s.points.iter().map(move |p| (s, p)));
    for (k, (s, p)) in points.enumerate() {
        let xy = crs.project(LonLat::new(p.lon, p.lat));
        let c = calculated.and_then(|c| c.get(k));
        ins.execute(params![
            geometry_blob(srs, std::slice::from_ref(&xy), true),
            s.name,
            p.measured_at,
            p.date(),
            p.e_h_lx,
            c.map(|c| c.calculated_lx),
            c.and_then(|c| c.ratio),
            Some(p.note.as_str()).filter(|n| !n.is_empty()),
        ])?;
        pts.push(xy);
    }
    let mut ins = tx.prepare(
        "INSERT INTO energy_readings (vendor, pole, \"from\", \"to\", kwh, source_file, sha256) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let given = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    for r in &plan.energy_readings {
        let (vendor, pole) = match &r.of {
            ReadingOf::Vendor(v) => (Some(v.as_str()), None),
            ReadingOf::Pole(p) => (None, Some(p.as_str())),
        };
        ins.execute(params![
            vendor,
            pole,
            r.from,
            r.to,
            r.kwh,
            given(&r.source_file),
            given(&r.sha256),
        ])?;
    }
    Ok(pts)
}

/// Writes `plan` as a GeoPackage to `path` atomically (temporary file, sync, rename);
/// `calculated` as [`to_gpkg`] takes it.
pub fn save_gpkg_atomic(
    plan: &Plan,
    path: &Path,
    crs: Crs,
    calculated: Option<&[CalculatedAt]>,
) -> Result<(), FileError> {
    let bytes = to_gpkg(plan, crs, calculated).map_err(|e| write_err(path, e))?;
    crate::plan::write_atomic(path, &bytes)
}
