//! Reading a plan from a GeoPackage, opened read-only: each object from its table's
//! row by the one file schema ([`crate::plan::schema`]); the SQLite side is in `table`.

use super::table::{Reader, Row, check_header, immutable_uri};
use crate::error::{FileError, Location};
use crate::plan::schema::{self, Field, Fields, RecordFields};
use crate::plan::validate::ValueError;
use crate::plan::{PhotometrySource, Plan, Unaimed};
use rusqlite::{Connection, OpenFlags};
use std::borrow::Cow;
use std::path::Path;

/// One row as the schema reads it, with the messages that name the table, the row and
/// the column.
struct RowFields<'r, 'a> {
    r: &'r Reader<'a>,
    row: Row<'r>,
}

impl Fields for RowFields<'_, '_> {
    type Error = FileError;

    fn text(&self, field: &Field) -> Result<Option<Cow<'_, str>>, FileError> {
        Ok(self.row.opt_text(self.r, field.name)?.map(Cow::Owned))
    }

    fn number(&self, field: &Field) -> Result<Option<f64>, FileError> {
        self.row.opt_f64(self.r, field.name)
    }

    fn steps(&self, field: &Field) -> Result<Option<Vec<(String, String)>>, FileError> {
        json_col(self.r, &self.row, field.name)
    }

    fn missing(&self, field: &Field, blank: bool) -> FileError {
        let what = field.what;
        self.row.err(
            self.r,
            field.name,
            if blank {
                format!("is blank; give every row {what}, then open the file again")
            } else {
                format!("is empty (NULL); give every row {what}, then open the file again")
            },
        )
    }

    fn refused(&self, e: ValueError) -> FileError {
        self.row.err(
            self.r,
            &e.path,
            format!(
                "is {}, but it must be {}; fix the value",
                e.value, e.allowed
            ),
        )
    }
}

/// GeoPackage's own forms: a colour as `#rrggbb` text, a photometry source as the
/// `photometry_kind`, `photometry_file` and `photometry_text` columns, a nested setting
/// as JSON text.
impl RecordFields for RowFields<'_, '_> {
    fn colour(&self, field: &Field) -> Result<Option<[u8; 3]>, FileError> {
        match self.row.opt_text(self.r, field.name)? {
            None => Ok(None),
            Some(c) => parse_color(&c).map(Some).ok_or_else(|| {
                self.row.err(
                    self.r,
                    field.name,
                    format!("is {c:?}; give the colour as #rrggbb (e.g. #1f77b4)"),
                )
            }),
        }
    }

    fn photometry(&self, _: &Field) -> Result<PhotometrySource, FileError> {
        let (r, row) = (self.r, &self.row);
        let kind = row.text(
            r,
            "photometry_kind",
            "a photometry_kind (bundled or embedded)",
        )?;
        let file = row.text(r, "photometry_file", "a photometry_file name")?;
        match kind.as_str() {
            "bundled" => Ok(PhotometrySource::Bundled(file)),
            "embedded" => Ok(PhotometrySource::Embedded {
                file_name: file,
                text: row.opt_text(r, "photometry_text")?.unwrap_or_default(),
            }),
            other => Err(row.err(
                r,
                "photometry_kind",
                format!(
                    "is {other:?}; use bundled (a file of the bundled catalogue) or \
                     embedded (the file's text in photometry_text)"
                ),
            )),
        }
    }

    fn json<T: serde::de::DeserializeOwned>(&self, field: &Field) -> Result<Option<T>, FileError> {
        json_col(self.r, &self.row, field.name)
    }
}

/// Reads and validates a plan from a GeoPackage file (opened read-only); the default
/// azimuths of poles without one come with `crate::locate::aimed` (reading a
/// GeoPackage whole: `crate::locate::load_gpkg`).
pub fn load_gpkg_unaimed(path: &Path) -> Result<Unaimed, FileError> {
    let quiet_wal = check_header(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // A WAL-mode file (QGIS leaves them so) with nothing in a -wal file: opened immutable,
    // so reading it leaves no -wal and -shm files behind. With a -wal file there (the
    // file is open in QGIS, or QGIS stopped), SQLite reads it.
    let db = match quiet_wal.then(|| immutable_uri(path)).flatten() {
        Some(uri) => Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI),
        None => Connection::open_with_flags(path, flags),
    }
    .map_err(|e| {
        FileError::new(
            path,
            Location::File,
            format!("could not open it as an SQLite database ({e}); check the file"),
        )
    })?;
    let r = Reader { origin: path, db };
    read_plan(&r)
}

fn read_plan(r: &Reader) -> Result<Unaimed, FileError> {
    if !r.table_exists("gpkg_geometry_columns")? || !r.table_exists("gpkg_spatial_ref_sys")? {
        return Err(FileError::new(
            r.origin,
            Location::File,
            "is an SQLite database but not a GeoPackage (no gpkg_geometry_columns or \
             gpkg_spatial_ref_sys table); save the layers as a GeoPackage from QGIS or with \
             ogr2ogr",
        ));
    }
    let streets = r.read_table("streets", true)?;
    let poles = r.read_table("poles", true)?;
    let sections = r.read_table("sections", true)?;
    if streets.is_none() && poles.is_none() && sections.is_none() {
        let names: Vec<String> =
            r.db.prepare("SELECT table_name FROM gpkg_contents ORDER BY table_name")
                .and_then(|mut st| {
                    st.query_map([], |row| row.get::<_, String>(0))?
                        .collect::<Result<Vec<_>, _>>()
                })
                .unwrap_or_default();
        return Err(FileError::new(
            r.origin,
            Location::File,
            format!(
                "has no layer named streets, poles or sections (its tables: {}); rename the \
                 layers to those names (QGIS: Layer Properties > Source, or ogr2ogr -nln)",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ),
        ));
    }

    let mut plan = Plan::default();
    read_settings(r, &mut plan)?;
    let vendors_given = read_vendors(r, &mut plan)?;
    read_luminaires(r, &mut plan)?;

    if let Some((t, rows)) = &streets {
        r.require(t, &["id"])?;
        for (fid, values) in rows {
            let row = Row {
                table: t,
                fid: *fid,
                values,
            };
            let id = row.text(r, "id", "an id")?;
            let points = row.geometry(r, false)?;
            let f = RowFields { r, row };
            plan.streets.push(schema::street(&f, id, points)?);
        }
    }

    if let Some((t, rows)) = &sections {
        r.require(t, &["vendor", "street", "from_m", "to_m"])?;
        for (fid, values) in rows {
            let row = Row {
                table: t,
                fid: *fid,
                values,
            };
            // A row's fid means nothing to the plan: a section without an id gets a
            // fresh one.
            let id = match row.opt_text(r, "id")? {
                Some(id) => id,
                None => plan.next_id("V"),
            };
            let f = RowFields { r, row };
            plan.sections.push(schema::section(&f, id)?);
        }
    }

    // Whether each pole needs the default azimuth.
    let mut aim: Vec<bool> = Vec::new();
    if let Some((t, rows)) = &poles {
        r.require(t, &["id", "vendor", "luminaire", "height_m"])?;
        for (fid, values) in rows {
            let row = Row {
                table: t,
                fid: *fid,
                values,
            };
            let at = row.geometry(r, true)?[0];
            let id = row.text(r, "id", "an id")?;
            let mut f = RowFields { r, row };
            let read = schema::pole(&mut f, id.into(), at)?;
            if let Some(review) = read.review {
                plan.pole_reviews.insert(read.pole.id.to_string(), review);
            }
            aim.push(!read.azimuth_given);
            plan.poles.push(read.pole);
        }
    }
    read_measured(r, &mut plan)?;
    if !vendors_given {
        crate::plan::geojson::add_implied_vendors(&mut plan);
    }
    crate::plan::validate::plan(&plan)
        .map_err(|e| crate::plan::ron_io::value_error(r.origin, e))?;
    // A pole added in QGIS without an azimuth faces the nearest street, as in GeoJSON
    // (`crate::locate::aimed`).
    Ok(Unaimed { plan, aim })
}

/// Parses a JSON text column (`None`: NULL or blank).
fn json_col<T: serde::de::DeserializeOwned>(
    r: &Reader,
    row: &Row,
    col: &str,
) -> Result<Option<T>, FileError> {
    match row.opt_text(r, col)? {
        None => Ok(None),
        Some(t) if t.trim().is_empty() => Ok(None),
        Some(t) => serde_json::from_str(&t).map(Some).map_err(|e| {
            row.err(
                r,
                col,
                format!("is not valid here ({e}); it holds the setting as JSON, fix it there"),
            )
        }),
    }
}

/// The `plan_settings` row (absent: the defaults stay).
fn read_settings(r: &Reader, plan: &mut Plan) -> Result<(), FileError> {
    let Some((t, rows)) = r.read_table("plan_settings", false)? else {
        return Ok(());
    };
    let Some((fid, values)) = rows.first() else {
        return Ok(());
    };
    let row = Row {
        table: &t,
        fid: *fid,
        values,
    };
    // The reviews of poles no longer in the plan: GeoPackage's own column (the others
    // are on their poles' rows).
    plan.pole_reviews = json_col(r, &row, "other_pole_reviews")?.unwrap_or_default();
    schema::settings(&RowFields { r, row }, plan)
}

/// The `vendors` table; false when the file has none.
fn read_vendors(r: &Reader, plan: &mut Plan) -> Result<bool, FileError> {
    let Some((t, rows)) = r.read_table("vendors", false)? else {
        return Ok(false);
    };
    r.require(&t, &["id"])?;
    for (k, (fid, values)) in rows.iter().enumerate() {
        let row = Row {
            table: &t,
            fid: *fid,
            values,
        };
        plan.vendors.push(schema::vendor(&RowFields { r, row }, k)?);
    }
    Ok(true)
}

/// The `survey_points` layer and the `energy_readings` table, each after what
/// `plan_settings` held (files written before the two tables kept the points inside
/// `plan_settings.surveys` and the readings in `plan_settings.energy_readings`). The
/// survey points' `date`, `calculated_lx` and `ratio` are for GIS users, not read.
fn read_measured(r: &Reader, plan: &mut Plan) -> Result<(), FileError> {
    use schema::energy_reading_fields::{FROM, KWH, TO};
    use schema::survey_point_fields::{MEASURED_AT, MEASURED_LX, SURVEY};
    if let Some((t, rows)) = r.read_table("survey_points", true)? {
        r.require(&t, &[SURVEY.name, MEASURED_AT.name, MEASURED_LX.name])?;
        let mut points = Vec::with_capacity(rows.len());
        for (fid, values) in &rows {
            let row = Row {
                table: &t,
                fid: *fid,
                values,
            };
            let at = row.geometry(r, true)?[0];
            points.push(schema::survey_point(
                &RowFields { r, row },
                at,
                &MEASURED_LX,
            )?);
        }
        crate::plan::measured::join_points(&mut plan.surveys, points);
    }
    if let Some((t, rows)) = r.read_table("energy_readings", false)? {
        r.require(&t, &[FROM.name, TO.name, KWH.name])?;
        for (fid, values) in &rows {
            let row = Row {
                table: &t,
                fid: *fid,
                values,
            };
            plan.energy_readings
                .push(schema::energy_reading(&RowFields { r, row })?);
        }
    }
    Ok(())
}

/// `#rrggbb` as sRGB bytes.
fn parse_color(s: &str) -> Option<[u8; 3]> {
    let h = s.trim().strip_prefix('#')?;
    if h.len() != 6 || !h.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// The `luminaire_types` table (absent: none).
fn read_luminaires(r: &Reader, plan: &mut Plan) -> Result<(), FileError> {
    let Some((t, rows)) = r.read_table("luminaire_types", false)? else {
        return Ok(());
    };
    r.require(
        &t,
        &[
            "id",
            "photometry_kind",
            "photometry_file",
            "flux_lm",
            "power_w",
        ],
    )?;
    for (fid, values) in &rows {
        let row = Row {
            table: &t,
            fid: *fid,
            values,
        };
        plan.luminaires
            .push(schema::luminaire(&RowFields { r, row })?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_as_hex() {
        assert_eq!(parse_color("#1f77b4"), Some([0x1f, 0x77, 0xb4]));
        assert_eq!(parse_color("1f77b4"), None);
        assert_eq!(parse_color("#1f77b"), None);
    }
}
