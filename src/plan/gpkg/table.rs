//! The SQLite side of reading a GeoPackage: the file's header checked before SQLite
//! opens it, the tables read whole, their rows and values with the messages that name
//! them (`table poles (fid 3).height_m`).

use super::Crs;
use super::blob::read_blob;
use crate::error::{FileError, Location};
use crate::frame::LonLat;
use rusqlite::Connection;
use rusqlite::types::Value;
use std::collections::HashMap;
use std::path::Path;

/// The reader's state: the file (for messages) and the database.
pub(super) struct Reader<'a> {
    pub(super) origin: &'a Path,
    pub(super) db: Connection,
}

/// One table's columns by (lower-case) name and its primary key.
pub(super) struct Table {
    pub(super) name: &'static str,
    pub(super) cols: HashMap<String, usize>,
    /// The geometry column's index and the layer's CRS (feature tables only).
    pub(super) geom: Option<(usize, Crs)>,
}

/// One row of a table, with the values it was read with.
pub(super) struct Row<'t> {
    pub(super) table: &'t Table,
    pub(super) fid: i64,
    pub(super) values: &'t [Value],
}

/// An SQL identifier, quoted.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub(super) fn value_name(v: &Value) -> String {
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
    pub(super) fn get(&self, col: &str) -> Option<&Value> {
        self.table.cols.get(col).map(|&i| &self.values[i])
    }

    pub(super) fn field(&self, col: &str) -> String {
        format!("table {} (fid {}).{col}", self.table.name, self.fid)
    }

    pub(super) fn err(&self, r: &Reader, col: &str, message: impl Into<String>) -> FileError {
        FileError::new(r.origin, Location::Field(self.field(col)), message)
    }

    /// A text value; `None` for NULL or a missing column.
    pub(super) fn opt_text(&self, r: &Reader, col: &str) -> Result<Option<String>, FileError> {
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
    pub(super) fn text(&self, r: &Reader, col: &str, what: &str) -> Result<String, FileError> {
        self.opt_text(r, col)?.ok_or_else(|| {
            self.err(
                r,
                col,
                format!("is empty (NULL); give every row {what}, then open the file again"),
            )
        })
    }

    /// A number; `None` for NULL or a missing column.
    pub(super) fn opt_f64(&self, r: &Reader, col: &str) -> Result<Option<f64>, FileError> {
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

    /// The geometry's positions, from the layer's CRS to lon/lat degrees.
    pub(super) fn geometry(&self, r: &Reader, point: bool) -> Result<Vec<LonLat>, FileError> {
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
                    "is a line, but this layer's features are points (poles, survey points); \
                     save it as a Point layer"
                } else {
                    "is a point, but this layer's features are lines; save it as a LineString layer"
                },
            ));
        }
        Ok(g.pts.into_iter().map(|p| crs.unproject(p)).collect())
    }
}

impl Reader<'_> {
    pub(super) fn sql_err(&self, e: rusqlite::Error) -> FileError {
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

    pub(super) fn table_exists(&self, name: &str) -> Result<bool, FileError> {
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
    pub(super) fn epsg_of(&self, srs_id: i64) -> Result<Option<(String, i64, String)>, FileError> {
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
    pub(super) fn layer_crs(&self, table: &str) -> Result<Option<(String, Crs)>, FileError> {
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
    pub(super) fn read_table(
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
    pub(super) fn require(&self, t: &Table, cols: &[&str]) -> Result<(), FileError> {
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
        if t.geom.is_none() && matches!(t.name, "streets" | "poles" | "survey_points") {
            return Err(FileError::new(
                self.origin,
                Location::Field(format!("table {}", t.name)),
                "is not a feature layer (no row in gpkg_geometry_columns); save it again as a \
                 layer with QGIS or ogr2ogr",
            ));
        }
        Ok(())
    }
}

/// Checks that `path` looks like a whole SQLite database before SQLite opens it: the
/// header string, and a length that matches the page count the header gives. Returns
/// whether the database is in WAL mode with no `-wal` file beside it (nothing
/// uncheckpointed to read).
pub(super) fn check_header(path: &Path) -> Result<bool, FileError> {
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
pub(super) fn immutable_uri(path: &Path) -> Option<String> {
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
pub(super) fn immutable_uri(_path: &Path) -> Option<String> {
    None
}
