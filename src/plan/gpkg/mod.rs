//! GeoPackage interchange (OGC GeoPackage 1.3, an SQLite database): the plan as layers
//! QGIS and GDAL open, and read back whole.
//!
//! The file holds:
//! - feature layers `streets` (LineString), `poles` (Point) and `sections` (LineString:
//!   the piece of its street between `from_m` and `to_m`, written for the map only; the
//!   reader takes a section from its `street`, `from_m` and `to_m` attributes), all in
//!   one CRS: EPSG:25832 (ETRS89 / UTM zone 32N, the default) or EPSG:4326 (WGS 84);
//!   the poles carry their review (`review_status`, `review_comment`, `review_reviewer`,
//!   `review_time`) where they have one;
//! - the feature layer `survey_points` (Point, in the same CRS): each point measured on
//!   site with its survey's name, `measured_at`, `date`, `measured_lx`, `note`, and,
//!   for GIS users only (never read back), `calculated_lx` and `ratio` as the caller
//!   computed them (NULL when it did not);
//! - attribute tables `vendors`, `luminaire_types` (the photometry embedded as text),
//!   `energy_readings` (of a `vendor` or a `pole`, `from`, `to`, `kwh`, `source_file`,
//!   `sha256`) and `plan_settings` (one row: name, description, maintenance factor,
//!   burning hours, and the nested settings as JSON text: rules, energy, control
//!   profiles, road surfaces, submissions, changelog, the surveys without their points,
//!   and the reviews of poles no longer in the plan). Files written before the two
//!   measured tables held the surveys with their points and the readings as JSON in
//!   `plan_settings.surveys` and `plan_settings.energy_readings`; they still read;
//! - the GeoPackage tables `gpkg_spatial_ref_sys` (the required rows 4326, -1 and 0, and
//!   25832), `gpkg_contents` (each table, with the layers' bounds) and
//!   `gpkg_geometry_columns`; `srs_id` is the EPSG code, as GDAL writes it.
//!
//! Geometries are GeoPackage binary blobs: `GP`, version 0, flags `0x03` (little endian,
//! envelope `[minx, maxx, miny, maxy]`), the int32 srs_id, the envelope, then standard
//! little-endian WKB. The reader takes either byte order, any envelope, Z/M values
//! (dropped) and single-part multi geometries, so a layer saved again by QGIS or
//! `ogr2ogr` reads. It accepts each layer in EPSG:4326 or EPSG:25832; anything else is
//! refused with the table named and how to reproject it. The file is opened read-only.

mod blob;
mod read;
mod table;
mod write;

pub use read::load_gpkg_unaimed;
pub use write::{save_gpkg_atomic, to_gpkg};

use crate::frame::{LonLat, Xy};

/// The CRS a GeoPackage's layers are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Crs {
    /// EPSG:25832, ETRS89 / UTM zone 32N: easting and northing in metres (Danish
    /// practice; [`crate::frame::to_utm32`]).
    #[default]
    Utm32,
    /// EPSG:4326, WGS 84: longitude and latitude in degrees, as the plan stores them.
    Wgs84,
}

impl Crs {
    /// The EPSG code, which is also the `srs_id` in the file.
    pub fn epsg(self) -> i32 {
        match self {
            Crs::Utm32 => 25832,
            Crs::Wgs84 => 4326,
        }
    }

    /// The CRS of an EPSG code Lysplan reads (4326 or 25832).
    pub fn from_epsg(code: i64) -> Option<Self> {
        match code {
            25832 => Some(Crs::Utm32),
            4326 => Some(Crs::Wgs84),
            _ => None,
        }
    }

    /// "EPSG:25832 (ETRS89 / UTM zone 32N)".
    pub fn label(self) -> &'static str {
        match self {
            Crs::Utm32 => "EPSG:25832 (ETRS89 / UTM zone 32N)",
            Crs::Wgs84 => "EPSG:4326 (WGS 84)",
        }
    }

    /// A plan position as the pair of this CRS (the file's own coordinates).
    fn project(self, p: LonLat) -> [f64; 2] {
        match self {
            Crs::Utm32 => p.to_xy().to_array(),
            Crs::Wgs84 => p.to_array(),
        }
    }

    /// A pair in this CRS back to a plan position.
    fn unproject(self, [a, b]: [f64; 2]) -> LonLat {
        match self {
            Crs::Utm32 => LonLat::from_xy(Xy::new(a, b)),
            Crs::Wgs84 => LonLat::new(a, b),
        }
    }
}

/// `application_id` of a GeoPackage: the ASCII bytes "GPKG".
pub const APPLICATION_ID: i32 = 0x4750_4B47;
/// `user_version` of GeoPackage 1.3.0.
pub const USER_VERSION: i32 = 10300;

/// The WKT (OGC 01-009) definition of EPSG:25832, as PROJ writes it.
const WKT_25832: &str = "PROJCS[\"ETRS89 / UTM zone 32N\",GEOGCS[\"ETRS89\",DATUM[\"European_Terrestrial_Reference_System_1989\",SPHEROID[\"GRS 1980\",6378137,298.257222101,AUTHORITY[\"EPSG\",\"7019\"]],AUTHORITY[\"EPSG\",\"6258\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4258\"]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",9],PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH],AUTHORITY[\"EPSG\",\"25832\"]]";

/// The WKT definition of EPSG:4326 (the GeoPackage's required row).
const WKT_4326: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]";

/// The tables of the GeoPackage core (OGC 12-128r18, tables 3, 5 and 7), as GDAL
/// creates them.
const CORE_SCHEMA: &str = "
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
";

/// Lysplan's layers and attribute tables.
const PLAN_SCHEMA: &str = "
CREATE TABLE streets (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  geom LINESTRING,
  id TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  class TEXT,
  width_m REAL NOT NULL DEFAULT 7,
  lanes INTEGER NOT NULL DEFAULT 2,
  surface TEXT NOT NULL DEFAULT 'C2',
  class_schedule TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE poles (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  geom POINT,
  id TEXT NOT NULL,
  vendor TEXT NOT NULL,
  luminaire TEXT NOT NULL,
  height_m REAL NOT NULL,
  tilt_deg REAL NOT NULL DEFAULT 0,
  azimuth_deg REAL,
  overhang_m REAL NOT NULL DEFAULT 0,
  review_status TEXT,
  review_comment TEXT,
  review_reviewer TEXT,
  review_time TEXT
);
CREATE TABLE sections (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  geom LINESTRING,
  id TEXT NOT NULL,
  vendor TEXT NOT NULL,
  street TEXT NOT NULL,
  from_m REAL NOT NULL,
  to_m REAL NOT NULL
);
CREATE TABLE vendors (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  color TEXT NOT NULL,
  control_profile TEXT
);
CREATE TABLE luminaire_types (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  photometry_kind TEXT NOT NULL,
  photometry_file TEXT NOT NULL,
  photometry_text TEXT,
  rotation_deg REAL NOT NULL DEFAULT 0,
  flux_lm REAL NOT NULL,
  power_w REAL NOT NULL,
  standby_w REAL NOT NULL DEFAULT 0,
  output_level REAL NOT NULL DEFAULT 1
);
CREATE TABLE plan_settings (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  format_version INTEGER NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  maintenance_factor REAL NOT NULL,
  burning_hours_per_year REAL NOT NULL,
  revision INTEGER NOT NULL,
  rules TEXT NOT NULL,
  energy TEXT NOT NULL,
  control_profiles TEXT NOT NULL,
  submissions TEXT NOT NULL,
  changelog TEXT NOT NULL,
  other_pole_reviews TEXT NOT NULL,
  surfaces TEXT NOT NULL DEFAULT '[]',
  surveys TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE survey_points (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  geom POINT,
  survey TEXT NOT NULL,
  measured_at TEXT NOT NULL,
  date TEXT NOT NULL,
  measured_lx REAL NOT NULL,
  calculated_lx REAL,
  ratio REAL,
  note TEXT
);
CREATE TABLE energy_readings (
  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  vendor TEXT,
  pole TEXT,
  \"from\" TEXT NOT NULL,
  \"to\" TEXT NOT NULL,
  kwh REAL NOT NULL,
  source_file TEXT,
  sha256 TEXT
);
";
