//! Reading a plan from a GeoPackage, opened read-only.

use super::Crs;
use super::blob::read_blob;
use crate::error::{FileError, Location};
use crate::plan::review::{PoleReview, ReviewStatus};
use crate::plan::{
    FORMAT_VERSION, LightingClass, LuminaireType, PhotometrySource, Plan, Pole, Unaimed,
};
use crate::plan::{Section, Street, Vendor};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use std::collections::HashMap;
use std::path::Path;

/// The reader's state: the file (for messages) and the database.
struct Reader<'a> {
    origin: &'a Path,
    db: Connection,
}

/// One table's columns by (lower-case) name and its primary key.
struct Table {
    name: &'static str,
    cols: HashMap<String, usize>,
    /// The geometry column's index and the layer's CRS (feature tables only).
    geom: Option<(usize, Crs)>,
}

/// One row of a table, with the values it was read with.
struct Row<'t> {
    table: &'t Table,
    fid: i64,
    values: &'t [Value],
}

/// An SQL identifier, quoted.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn value_name(v: &Value) -> String {
    match v {
        Value::Null => "empty (NULL)".into(),
        Value::Integer(i) => format!("the integer {i}"),
        Value::Real(r) => format!("the number {r}"),
        Value::Text(t) => {
            let short: String = t.chars().take(40).collect();
            format!("the text {short:?}")
        }
        Value::Blob(b) => format!("a blob of {} bytes", b.len()),
    }
}

impl Row<'_> {
    fn get(&self, col: &str) -> Option<&Value> {
        self.table.cols.get(col).map(|&i| &self.values[i])
    }

    fn field(&self, col: &str) -> String {
        format!("table {} (fid {}).{col}", self.table.name, self.fid)
    }

    fn err(&self, r: &Reader, col: &str, message: impl Into<String>) -> FileError {
        FileError::new(r.origin, Location::Field(self.field(col)), message)
    }

    /// A text value; `None` for NULL or a missing column.
    fn opt_text(&self, r: &Reader, col: &str) -> Result<Option<String>, FileError> {
        match self.get(col) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Text(t)) => Ok(Some(t.clone())),
            Some(Value::Integer(i)) => Ok(Some(i.to_string())),
            Some(Value::Real(v)) => Ok(Some(v.to_string())),
            Some(v @ Value::Blob(_)) => Err(self.err(
                r,
                col,
                format!("is {}, but it must be text; fix the value", value_name(v)),
            )),
        }
    }

    /// A text value that must be there.
    fn text(&self, r: &Reader, col: &str, what: &str) -> Result<String, FileError> {
        self.opt_text(r, col)?.ok_or_else(|| {
            self.err(
                r,
                col,
                format!("is empty (NULL); give every row {what}, then open the file again"),
            )
        })
    }

    /// A number; `None` for NULL or a missing column.
    fn opt_f64(&self, r: &Reader, col: &str) -> Result<Option<f64>, FileError> {
        match self.get(col) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Real(v)) => Ok(Some(*v)),
            Some(Value::Integer(i)) => Ok(Some(*i as f64)),
            Some(v) => Err(self.err(
                r,
                col,
                format!(
                    "is {}, but it must be a number; fix the value",
                    value_name(v)
                ),
            )),
        }
    }

    fn f64_or(&self, r: &Reader, col: &str, default: f64) -> Result<f64, FileError> {
        Ok(self.opt_f64(r, col)?.unwrap_or(default))
    }

    fn f64(&self, r: &Reader, col: &str, what: &str) -> Result<f64, FileError> {
        self.opt_f64(r, col)?.ok_or_else(|| {
            self.err(
                r,
                col,
                format!("is empty (NULL); give every row {what}, then open the file again"),
            )
        })
    }

    /// The geometry's positions in lon/lat degrees.
    fn geometry(&self, r: &Reader, point: bool) -> Result<Vec<[f64; 2]>, FileError> {
        let Some((i, crs)) = self.table.geom else {
            return Err(FileError::new(
                r.origin,
                Location::Field(format!("table {}", self.table.name)),
                "has no geometry column in gpkg_geometry_columns; register it, or save the \
                 layer again with QGIS or ogr2ogr",
            ));
        };
        let col = self
            .table
            .cols
            .iter()
            .find(|(_, v)| **v == i)
            .map(|(k, _)| k.as_str());
        let col = col.unwrap_or("geom");
        let g = match &self.values[i] {
            Value::Blob(b) => read_blob(b).map_err(|m| self.err(r, col, m))?,
            Value::Null => {
                return Err(self.err(
                    r,
                    col,
                    "has no geometry (NULL); draw the feature or delete the row",
                ));
            }
            v => {
                return Err(self.err(
                    r,
                    col,
                    format!("is {}, not a GeoPackage geometry blob", value_name(v)),
                ));
            }
        };
        if g.point != point {
            return Err(self.err(
                r,
                col,
                if point {
                    "is a line, but a pole is a point; save the poles as a Point layer"
                } else {
                    "is a point, but this layer's features are lines; save it as a LineString layer"
                },
            ));
        }
        Ok(g.pts.into_iter().map(|p| crs.unproject(p)).collect())
    }
}

impl Reader<'_> {
    fn sql_err(&self, e: rusqlite::Error) -> FileError {
        let damaged = matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        );
        let message = if damaged {
            format!(
                "the file is damaged or incomplete (SQLite: {e}); copy or export it again \
                 from where it came from"
            )
        } else {
            format!("could not read it as a GeoPackage (SQLite: {e}); check the file")
        };
        FileError::new(self.origin, Location::File, message)
    }

    fn table_exists(&self, name: &str) -> Result<bool, FileError> {
        self.db
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND \
                 lower(name) = lower(?1)",
                [name],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(|e| self.sql_err(e))
    }

    /// The EPSG code of a GeoPackage srs_id, from `gpkg_spatial_ref_sys`.
    fn epsg_of(&self, srs_id: i64) -> Result<Option<(String, i64, String)>, FileError> {
        let mut st = self
            .db
            .prepare(
                "SELECT organization, organization_coordsys_id, srs_name \
                 FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            )
            .map_err(|e| self.sql_err(e))?;
        let mut rows = st.query([srs_id]).map_err(|e| self.sql_err(e))?;
        match rows.next().map_err(|e| self.sql_err(e))? {
            Some(r) => Ok(Some((
                r.get::<_, String>(0).map_err(|e| self.sql_err(e))?,
                r.get::<_, i64>(1).map_err(|e| self.sql_err(e))?,
                r.get::<_, String>(2).unwrap_or_default(),
            ))),
            None => Ok(None),
        }
    }

    /// The layer's CRS, from its row in `gpkg_geometry_columns`; anything but EPSG:4326
    /// and EPSG:25832 is refused, saying how to reproject.
    fn layer_crs(&self, table: &str) -> Result<Option<(String, Crs)>, FileError> {
        let row = self
            .db
            .query_row(
                "SELECT column_name, srs_id FROM gpkg_geometry_columns \
                 WHERE lower(table_name) = lower(?1)",
                [table],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(self.sql_err(e)),
            })?;
        let Some((column, srs_id)) = row else {
            return Ok(None);
        };
        let srs = self.epsg_of(srs_id)?;
        let epsg = match &srs {
            Some((org, code, _)) if org.eq_ignore_ascii_case("EPSG") => Some(*code),
            _ => None,
        };
        match epsg.and_then(Crs::from_epsg) {
            Some(crs) => Ok(Some((column.to_ascii_lowercase(), crs))),
            None => {
                let what = match &srs {
                    Some((org, code, name)) => format!("{org}:{code} ({name})"),
                    None => "not listed in gpkg_spatial_ref_sys".to_string(),
                };
                Err(FileError::new(
                    self.origin,
                    Location::Field(format!("table {table}")),
                    format!(
                        "its geometry is in srs_id {srs_id}, {what}, but Lysplan reads layers \
                         in EPSG:25832 (ETRS89 / UTM zone 32N) or EPSG:4326 (WGS 84) only; \
                         save the layer again in one of those (QGIS: Export > Save Features \
                         As…, CRS EPSG:25832; or ogr2ogr -t_srs EPSG:25832 out.gpkg in.gpkg)"
                    ),
                ))
            }
        }
    }

    /// The table's columns and rows (each with its key), in key order; `None` when there
    /// is no such table.
    #[allow(clippy::type_complexity)]
    fn read_table(
        &self,
        name: &'static str,
        feature: bool,
    ) -> Result<Option<(Table, Vec<(i64, Vec<Value>)>)>, FileError> {
        if !self.table_exists(name)? {
            return Ok(None);
        }
        let mut cols = HashMap::new();
        let mut key = None;
        {
            let mut st = self
                .db
                .prepare(&format!("PRAGMA table_info(\"{name}\")"))
                .map_err(|e| self.sql_err(e))?;
            let mut rows = st.query([]).map_err(|e| self.sql_err(e))?;
            let mut i = 0;
            while let Some(r) = rows.next().map_err(|e| self.sql_err(e))? {
                let col: String = r.get(1).map_err(|e| self.sql_err(e))?;
                let pk: i64 = r.get(5).map_err(|e| self.sql_err(e))?;
                if pk == 1 {
                    key = Some(col.clone());
                }
                cols.insert(col.to_ascii_lowercase(), i);
                i += 1;
            }
        }
        let geom = if feature {
            match self.layer_crs(name)? {
                Some((column, crs)) => cols.get(&column).map(|&i| (i, crs)),
                None => None,
            }
        } else {
            None
        };
        let key = key.unwrap_or_else(|| "rowid".into());
        let names: Vec<String> = {
            let mut v: Vec<(&String, &usize)> = cols.iter().collect();
            v.sort_by_key(|(_, i)| **i);
            v.into_iter().map(|(c, _)| ident(c)).collect()
        };
        let sql = format!(
            "SELECT {k}, {} FROM {} ORDER BY {k}",
            names.join(", "),
            ident(name),
            k = ident(&key)
        );
        let mut st = self.db.prepare(&sql).map_err(|e| self.sql_err(e))?;
        let n = names.len();
        let rows = st
            .query_map([], |r| {
                let fid = match r.get_ref(0)? {
                    rusqlite::types::ValueRef::Integer(i) => i,
                    _ => -1,
                };
                let values = (1..=n)
                    .map(|i| r.get::<_, Value>(i))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((fid, values))
            })
            .map_err(|e| self.sql_err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sql_err(e))?;
        Ok(Some((Table { name, cols, geom }, rows)))
    }

    /// A required column missing from a table.
    fn require(&self, t: &Table, cols: &[&str]) -> Result<(), FileError> {
        for c in cols {
            if !t.cols.contains_key(*c) {
                let mut have: Vec<&String> = t.cols.keys().collect();
                have.sort();
                return Err(FileError::new(
                    self.origin,
                    Location::Field(format!("table {}", t.name)),
                    format!(
                        "has no column `{c}`; Lysplan needs {} (the table has {})",
                        cols.iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        have.iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        if t.geom.is_none() && matches!(t.name, "streets" | "poles") {
            return Err(FileError::new(
                self.origin,
                Location::Field(format!("table {}", t.name)),
                "is not a feature layer (no row in gpkg_geometry_columns); save it again as a                  layer with QGIS or ogr2ogr",
            ));
        }
        Ok(())
    }
}

/// Checks that `path` looks like a whole SQLite database before SQLite opens it: the
/// header string, and a length that matches the page count the header gives. Returns
/// whether the database is in WAL mode with no `-wal` file beside it (nothing
/// uncheckpointed to read).
fn check_header(path: &Path) -> Result<bool, FileError> {
    use std::io::Read as _;
    let mut f = std::fs::File::open(path).map_err(|e| FileError::io(path, &e))?;
    let len = f.metadata().map_err(|e| FileError::io(path, &e))?.len();
    let mut head = [0u8; 100];
    let got = {
        let mut n = 0;
        while n < head.len() {
            match f.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) => return Err(FileError::io(path, &e)),
            }
        }
        n
    };
    if got == 0 {
        return Err(FileError::new(
            path,
            Location::File,
            "the file is empty (0 bytes); it holds no plan. Check that it was copied \
             completely, or open another file",
        ));
    }
    if got < 16 || &head[..16] != b"SQLite format 3\0" {
        let looks = if head[..got].starts_with(b"{") || head[..got].starts_with(b"(") {
            " (it looks like text: a GeoJSON or RON plan? Give it that extension)"
        } else {
            ""
        };
        return Err(FileError::new(
            path,
            Location::File,
            format!(
                "is not a GeoPackage: it does not start with the SQLite header{looks}; a \
                 .gpkg file is an SQLite database, as QGIS and Lysplan write them"
            ),
        ));
    }
    if got < 100 {
        return Err(FileError::new(
            path,
            Location::File,
            format!(
                "the file is truncated: {len} bytes, shorter than an SQLite header (100); \
                 copy or export it again"
            ),
        ));
    }
    let page = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65536u64,
        p => u64::from(p),
    };
    let pages = u64::from(u32::from_be_bytes([head[28], head[29], head[30], head[31]]));
    let counter_valid = head[24..28] == head[92..96];
    let wal = path
        .file_name()
        .map(|n| path.with_file_name(format!("{}-wal", n.to_string_lossy())))
        .is_some_and(|w| w.exists());
    // Header bytes 18 and 19 (write and read versions) are 2 in WAL mode.
    let wal_mode = head[18] == 2 && head[19] == 2;
    if counter_valid && !wal && pages > 0 && len < page * pages {
        return Err(FileError::new(
            path,
            Location::File,
            format!(
                "the file is truncated: it has {len} bytes, but its header says {} \
                 ({pages} pages of {page}); it was not copied or written completely. Copy or \
                 export it again",
                page * pages
            ),
        ));
    }
    Ok(wal_mode && !wal)
}

/// `path` as an SQLite URI opening it immutable (`file:/a%20b.gpkg?immutable=1`).
#[cfg(unix)]
fn immutable_uri(path: &Path) -> Option<String> {
    use std::os::unix::ffi::OsStrExt as _;
    let abs = std::fs::canonicalize(path).ok()?;
    let mut uri = String::from("file:");
    for &b in abs.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    Some(uri)
}

#[cfg(not(unix))]
fn immutable_uri(_path: &Path) -> Option<String> {
    None
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
            let class = match row.opt_text(r, "class")? {
                None => None,
                Some(c) if c.trim().is_empty() => None,
                Some(c) => Some(LightingClass::parse(&c).ok_or_else(|| {
                    row.err(
                        r,
                        "class",
                        format!(
                            "is {c:?}, not an EN 13201 class; use one of P1..P6, C0..C5, \
                             M1..M6, or leave it empty (not evaluated)"
                        ),
                    )
                })?),
            };
            let lanes = row.f64_or(r, "lanes", f64::from(crate::plan::DEFAULT_LANES))?;
            if lanes.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&lanes) {
                return Err(row.err(
                    r,
                    "lanes",
                    format!("is {lanes}, but it must be a whole number 1..12"),
                ));
            }
            plan.streets.push(Street {
                id: row.text(r, "id", "an id")?,
                name: row.opt_text(r, "name")?.unwrap_or_default(),
                class,
                width_m: row.f64_or(r, "width_m", 7.0)?,
                lanes: lanes as u32,
                surface: row
                    .opt_text(r, "surface")?
                    .unwrap_or_else(|| crate::plan::DEFAULT_SURFACE.to_string()),
                points: row.geometry(r, false)?,
            });
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
            let id = match row.opt_text(r, "id")? {
                Some(id) => id,
                None => plan.next_id("V"),
            };
            plan.sections.push(Section {
                id,
                vendor: row.text(r, "vendor", "a vendor id")?,
                street: row.text(r, "street", "a street id")?,
                from_m: row.f64(r, "from_m", "a start chainage from_m in metres")?,
                to_m: row.f64(r, "to_m", "an end chainage to_m in metres")?,
            });
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
            let [lon, lat] = row.geometry(r, true)?[0];
            let azimuth = row.opt_f64(r, "azimuth_deg")?;
            let id = row.text(r, "id", "an id")?;
            if let Some(s) = row.opt_text(r, "review_status")?
                && !s.trim().is_empty()
            {
                let status = ReviewStatus::parse(s.trim()).ok_or_else(|| {
                    row.err(
                        r,
                        "review_status",
                        format!(
                            "is {s:?}; use pending, approved or rejected, or leave it empty \
                             (not reviewed)"
                        ),
                    )
                })?;
                plan.pole_reviews.insert(
                    id.clone(),
                    PoleReview {
                        status,
                        comment: row.opt_text(r, "review_comment")?.unwrap_or_default(),
                        reviewer: row.opt_text(r, "review_reviewer")?.unwrap_or_default(),
                        time: row.opt_text(r, "review_time")?.unwrap_or_default(),
                    },
                );
            }
            aim.push(azimuth.is_none());
            plan.poles.push(Pole {
                id: id.into(),
                lon,
                lat,
                height_m: row.f64(r, "height_m", "a height_m in metres")?,
                overhang_m: row.f64_or(r, "overhang_m", 0.0)?,
                tilt_deg: row.f64_or(r, "tilt_deg", 0.0)?,
                azimuth_deg: azimuth.unwrap_or(0.0),
                vendor: row.text(r, "vendor", "a vendor id")?.into(),
                luminaire: row.text(r, "luminaire", "a luminaire type id")?.into(),
            });
        }
    }
    if !vendors_given {
        crate::plan::geojson::add_implied_vendors(&mut plan);
    }
    crate::plan::validate::plan(&plan)
        .map_err(|e| crate::plan::ron_io::value_error(r.origin, e))?;
    // A pole added in QGIS without an azimuth faces the nearest street, as in GeoJSON
    // (`crate::locate::aimed`).
    Ok(Unaimed { plan, aim })
}

/// Parses a JSON text column of `plan_settings`.
fn json_col<T: serde::de::DeserializeOwned>(
    r: &Reader,
    row: &Row,
    col: &str,
    default: T,
) -> Result<T, FileError> {
    match row.opt_text(r, col)? {
        None => Ok(default),
        Some(t) if t.trim().is_empty() => Ok(default),
        Some(t) => serde_json::from_str(&t).map_err(|e| {
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
    if let Some(v) = row.opt_f64(r, "format_version")?
        && v > f64::from(FORMAT_VERSION)
    {
        return Err(row.err(
            r,
            "format_version",
            format!(
                "the file is format version {v}, but this Lysplan reads up to version \
                 {FORMAT_VERSION}; open it with a newer Lysplan"
            ),
        ));
    }
    let d = Plan::default();
    plan.name = row.opt_text(r, "name")?.unwrap_or(d.name);
    plan.description = row.opt_text(r, "description")?.unwrap_or_default();
    plan.maintenance_factor = row.f64_or(r, "maintenance_factor", d.maintenance_factor)?;
    plan.burning_hours_per_year =
        row.f64_or(r, "burning_hours_per_year", d.burning_hours_per_year)?;
    let revision = row.f64_or(r, "revision", 0.0)?;
    if revision < 0.0 || revision.fract() != 0.0 {
        return Err(row.err(
            r,
            "revision",
            format!("is {revision}, but it must be a whole number >= 0"),
        ));
    }
    plan.revision = revision as u64;
    plan.rules = json_col(r, &row, "rules", d.rules)?;
    plan.energy = json_col(r, &row, "energy", d.energy)?;
    plan.control_profiles = json_col(r, &row, "control_profiles", Vec::new())?;
    plan.submissions = json_col(r, &row, "submissions", Vec::new())?;
    plan.changelog = json_col(r, &row, "changelog", Vec::new())?;
    plan.pole_reviews = json_col(r, &row, "other_pole_reviews", Default::default())?;
    plan.surfaces = json_col(r, &row, "surfaces", Vec::new())?;
    Ok(())
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
        let id = row.text(r, "id", "an id")?;
        let color = match row.opt_text(r, "color")? {
            None => crate::plan::geojson::palette(k),
            Some(c) => parse_color(&c).ok_or_else(|| {
                row.err(
                    r,
                    "color",
                    format!("is {c:?}; give the colour as #rrggbb (e.g. #1f77b4)"),
                )
            })?,
        };
        plan.vendors.push(Vendor {
            name: row.opt_text(r, "name")?.unwrap_or_else(|| id.clone()),
            id,
            color,
            control_profile: row
                .opt_text(r, "control_profile")?
                .filter(|s| !s.is_empty()),
        });
    }
    Ok(true)
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
        let id = row.text(r, "id", "an id")?;
        let kind = row.text(
            r,
            "photometry_kind",
            "a photometry_kind (bundled or embedded)",
        )?;
        let file = row.text(r, "photometry_file", "a photometry_file name")?;
        let photometry = match kind.as_str() {
            "bundled" => PhotometrySource::Bundled(file),
            "embedded" => PhotometrySource::Embedded {
                file_name: file,
                text: row.opt_text(r, "photometry_text")?.unwrap_or_default(),
            },
            other => {
                return Err(row.err(
                    r,
                    "photometry_kind",
                    format!(
                        "is {other:?}; use bundled (a file of the bundled catalogue) or \
                         embedded (the file's text in photometry_text)"
                    ),
                ));
            }
        };
        plan.luminaires.push(LuminaireType {
            name: row.opt_text(r, "name")?.unwrap_or_else(|| id.clone()),
            id,
            photometry,
            rotation_deg: row.f64_or(r, "rotation_deg", 0.0)?,
            flux_lm: row.f64(r, "flux_lm", "a flux_lm in lumen")?,
            power_w: row.f64(r, "power_w", "a power_w in watt")?,
            standby_w: row.f64_or(r, "standby_w", 0.0)?,
        });
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
