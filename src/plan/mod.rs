//! The plan: the document a planner edits and saves.
//!
//! Files: RON ([`load_ron`], [`save_ron_atomic`]), GeoJSON ([`geojson`]) and GeoPackage
//! ([`gpkg`]) plans, read by [`load_any_unaimed`] by extension. A GeoJSON or GeoPackage
//! pole without an azimuth faces its nearest street, which takes the street index: the
//! readers here leave those poles [`Unaimed`], and `crate::locate` (above both this
//! module and the index) aims them (`crate::locate::load_any` reads a plan whole). Every
//! export is atomic ([`write_atomic`]) and the callers refuse to write over the plan
//! being exported ([`same_file`]).
//!
//! Every object carries a stable string id (`"P017"`); references between objects go by
//! id, never by position, so reviews, diffs and undo survive edits. Geometry is stored as
//! WGS84 longitude/latitude in degrees; computations convert to local metres through
//! [`crate::frame`].

pub mod energy;
pub mod geojson;
pub mod gpkg;
pub mod measured;
pub mod review;
mod ron_io;
pub mod schema;
pub mod street_import;
pub mod validate;
pub mod value;

pub use geojson::{save_geojson_atomic, to_geojson};
pub use gpkg::{Crs, save_gpkg_atomic, to_gpkg};
pub use ron_io::{
    load_ron, load_ron_str, remove_stale_temps, same_file, save_ron_atomic, to_ron_string,
    write_atomic,
};
pub use validate::ValueError;

/// A plan read and validated, whose poles without an azimuth in the file still wait for
/// the default one (their luminaire's C = 90 direction towards the nearest street
/// centreline; `crate::locate::aimed` gives it). Until then such a pole's `azimuth_deg`
/// is 0. What the readers give, so that a caller can let go of the file's text (on a
/// 1M-pole GeoJSON file, 218 MB) before the poles are located.
#[derive(Debug, Clone)]
pub struct Unaimed {
    pub plan: Plan,
    /// Parallel to `plan.poles` (or empty: none waits): whether the pole waits for the
    /// default azimuth.
    pub aim: Vec<bool>,
}

/// Loads a plan from a RON file (`.ron`), a GeoJSON FeatureCollection (`.geojson`,
/// `.json`) or a GeoPackage (`.gpkg`), chosen by the extension (case-insensitive). A
/// RON plan has every azimuth; see [`Unaimed`] for the others.
pub fn load_any_unaimed(path: &std::path::Path) -> Result<Unaimed, crate::error::FileError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "ron" => load_ron(path).map(|plan| Unaimed {
            plan,
            aim: Vec::new(),
        }),
        "geojson" | "json" => geojson::load_unaimed(path),
        "gpkg" => gpkg::load_gpkg_unaimed(path),
        _ => Err(crate::error::FileError::new(
            path,
            crate::error::Location::File,
            format!(
                "unknown plan file type {:?}; use a .ron plan, a .geojson / .json \
                 FeatureCollection or a .gpkg GeoPackage",
                ext
            ),
        )),
    }
}

use crate::frame::LonLat;
use serde::{Deserialize, Serialize};

/// Writes `plan` atomically to `path` in the format its extension names, as
/// [`load_any_unaimed`] reads them: GeoJSON (`.geojson`, `.json`), a GeoPackage (`.gpkg`,
/// in `crs`, with what `calculated` gives at the survey points: it is called for a
/// GeoPackage only; see [`to_gpkg`]), otherwise RON. `crate::measure::save_any` passes
/// the calculation.
pub fn save_any(
    plan: &Plan,
    path: &std::path::Path,
    crs: Crs,
    calculated: impl FnOnce() -> Option<Vec<measured::CalculatedAt>>,
) -> Result<(), crate::error::FileError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "geojson" | "json" => save_geojson_atomic(plan, path),
        "gpkg" => save_gpkg_atomic(plan, path, crs, calculated().as_deref()),
        _ => save_ron_atomic(plan, path),
    }
}

pub use crate::photometry::PhotometrySource;

/// Version of the RON file format written by this build. Files with a higher number are
/// refused with a clear message; lower numbers are migrated on load.
///
/// - 1: the first format.
/// - 2: adds the review record (`pole_reviews`, `submissions`) and the save history
///   (`revision`, `changelog`); all default to empty, so a version 1 file reads unchanged.
/// - 3: adds what was measured on site (`surveys`, `energy_readings`) and the dark-pole
///   thresholds (`rules.dark_pole_share`, `rules.dark_pole_ratio`); all default, so
///   versions 1 and 2 read unchanged.
pub const FORMAT_VERSION: u32 = 3;

/// A lighting plan: vendors, luminaire types, streets, vendor sections and poles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub format_version: u32,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Maintenance factor MF applied to all illuminance (EN 13201), 0 < MF <= 1.
    #[serde(default = "default_mf")]
    pub maintenance_factor: f64,
    /// Annual burning hours for the energy indicator D_E (EN 13201-5).
    #[serde(default = "default_hours")]
    pub burning_hours_per_year: f64,
    #[serde(default)]
    pub rules: Rules,
    #[serde(default)]
    pub vendors: Vec<Vendor>,
    #[serde(default)]
    pub luminaires: Vec<LuminaireType>,
    #[serde(default)]
    pub streets: Vec<Street>,
    #[serde(default)]
    pub sections: Vec<Section>,
    #[serde(default)]
    pub poles: Vec<Pole>,
    /// The annual-energy model's settings (year, time zone, switching, CO2, baseline).
    #[serde(default)]
    pub energy: energy::EnergySettings,
    /// Dimming and presence profiles the vendors' luminaires run (examples in the
    /// bundled plan).
    #[serde(default)]
    pub control_profiles: Vec<energy::ControlProfile>,
    /// Road surfaces (r-tables) a street may name in `surface`, besides the bundled CIE
    /// "C2" (docs/architecture.md "Road luminance").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub surfaces: Vec<RoadSurface>,
    /// Each reviewed pole's latest review, by pole id (review metadata: not part of the
    /// plan's content, never a difference, never checked).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub pole_reviews: std::collections::BTreeMap<String, review::PoleReview>,
    /// The vendor submissions received, with every decision taken on them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub submissions: Vec<review::Submission>,
    /// Raised by one on each save from the app (0: never saved by it).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub revision: u64,
    /// One entry per save: revision, time, author, summary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changelog: Vec<review::ChangelogEntry>,
    /// Illuminance surveys measured on site (EN 13201-4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub surveys: Vec<measured::Survey>,
    /// Energy readings of the vendors' control systems and meters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub energy_readings: Vec<measured::EnergyReading>,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

fn default_mf() -> f64 {
    0.8
}
fn default_hours() -> f64 {
    4000.0
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            format_version: FORMAT_VERSION,
            name: "Untitled plan".into(),
            description: String::new(),
            maintenance_factor: default_mf(),
            burning_hours_per_year: default_hours(),
            rules: Rules::default(),
            vendors: Vec::new(),
            luminaires: Vec::new(),
            streets: Vec::new(),
            sections: Vec::new(),
            poles: Vec::new(),
            energy: energy::EnergySettings::default(),
            control_profiles: Vec::new(),
            surfaces: Vec::new(),
            pole_reviews: Default::default(),
            submissions: Vec::new(),
            revision: 0,
            changelog: Vec::new(),
            surveys: Vec::new(),
            energy_readings: Vec::new(),
        }
    }
}

/// Thresholds of the layout rules (docs/architecture.md "The checks").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(default)]
pub struct Rules {
    /// `spacing.min`: two poles closer than this (straight line, metres).
    pub min_spacing_m: f64,
    /// `spacing.max`: consecutive poles along a street farther apart than this.
    pub max_spacing_m: f64,
    /// `spacing.max`: ... or farther apart than this times the lower mounting height.
    pub max_spacing_to_height: f64,
    /// `placement.off_route`: pole farther than this from every street centreline.
    pub max_offset_m: f64,
    /// `reference.same_spot`: two poles closer than this are "at one spot".
    pub same_spot_m: f64,
    /// Surveys: a pole is judged at the points where it gives more than this share of
    /// the calculated light (0..1).
    pub dark_pole_share: f64,
    /// Surveys: a pole is named dark or mis-aimed when the mean measured/calculated
    /// ratio over its points is under this.
    pub dark_pole_ratio: f64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            min_spacing_m: 10.0,
            max_spacing_m: 45.0,
            max_spacing_to_height: 6.0,
            max_offset_m: 15.0,
            same_spot_m: 0.001,
            dark_pole_share: 0.5,
            dark_pole_ratio: 0.4,
        }
    }
}

/// A company testing luminaires on the site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    pub id: String,
    pub name: String,
    /// Display colour, sRGB.
    pub color: [u8; 3],
    /// Id of the control profile its luminaires run; `None` = always full power.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_profile: Option<String>,
}

/// A luminaire type of the catalogue, referenced by poles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LuminaireType {
    pub id: String,
    pub name: String,
    pub photometry: PhotometrySource,
    /// Rotation added to the azimuth of every pole carrying this type, degrees.
    #[serde(default)]
    pub rotation_deg: f64,
    /// Rated luminous flux of the luminaire, lm (from the photometry file).
    pub flux_lm: f64,
    /// Input power, W (from the photometry file).
    pub power_w: f64,
    /// Power drawn while on but dimmed to 0 (driver, controller, radio), W.
    #[serde(default)]
    pub standby_w: f64,
    /// The driver's set output, in (0, 1]: the lighting scales the photometry by it and
    /// the power follows `standby_w + (power_w - standby_w) * output_level` (a control
    /// profile's level multiplies on top). 1 (the default) is the rated output.
    #[serde(
        default = "LuminaireType::full_output",
        skip_serializing_if = "LuminaireType::is_full_output"
    )]
    pub output_level: f64,
}

impl LuminaireType {
    fn full_output() -> f64 {
        1.0
    }

    fn is_full_output(v: &f64) -> bool {
        *v == 1.0
    }

    /// The power drawn at `level` of the set output (a control profile's level), W:
    /// `standby_w + (power_w - standby_w) * output_level * level`.
    pub fn power_at(&self, level: f64) -> f64 {
        self.standby_w + (self.power_w - self.standby_w) * self.output_level * level
    }

    /// The power drawn at the set output with no dimming, W ([`Self::power_at`] 1).
    pub fn set_power_w(&self) -> f64 {
        self.power_at(1.0)
    }
}

/// A road surface of the catalogue: its reduced luminance coefficients r(β, tan γ), kept
/// in the plan as the CSV text it was imported from (format: `lighting::surface`), so a
/// plan file carries every table its streets use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoadSurface {
    /// What streets name in `surface`, e.g. "R3" or "asphalt-hersted-2026".
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// The r-table as CSV: a `tan_gamma,` header with the β angles, then r × 10⁴ rows.
    pub table_csv: String,
}

/// EN 13201-2 lighting classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum LightingClass {
    P1,
    P2,
    P3,
    P4,
    P5,
    P6,
    C0,
    C1,
    C2,
    C3,
    C4,
    C5,
    M1,
    M2,
    M3,
    M4,
    M5,
    M6,
}

impl LightingClass {
    pub const ALL: [LightingClass; 18] = [
        Self::P1,
        Self::P2,
        Self::P3,
        Self::P4,
        Self::P5,
        Self::P6,
        Self::C0,
        Self::C1,
        Self::C2,
        Self::C3,
        Self::C4,
        Self::C5,
        Self::M1,
        Self::M2,
        Self::M3,
        Self::M4,
        Self::M5,
        Self::M6,
    ];

    /// The class family's letter: 'M', 'C' or 'P'.
    pub fn family(self) -> char {
        self.name().chars().next().unwrap_or('P')
    }

    /// The class name as written in files ("P4").
    /// Whether the class is judged by road luminance (M1–M6) rather than illuminance.
    pub fn is_luminance(self) -> bool {
        matches!(
            self,
            Self::M1 | Self::M2 | Self::M3 | Self::M4 | Self::M5 | Self::M6
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::P1 => "P1",
            Self::P2 => "P2",
            Self::P3 => "P3",
            Self::P4 => "P4",
            Self::P5 => "P5",
            Self::P6 => "P6",
            Self::C0 => "C0",
            Self::C1 => "C1",
            Self::C2 => "C2",
            Self::C3 => "C3",
            Self::C4 => "C4",
            Self::C5 => "C5",
            Self::M1 => "M1",
            Self::M2 => "M2",
            Self::M3 => "M3",
            Self::M4 => "M4",
            Self::M5 => "M5",
            Self::M6 => "M6",
        }
    }

    /// Parses "P4", "c2", ... ; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for LightingClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A street (road or path) centreline. Chainage is measured in metres from `points[0]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Street {
    pub id: String,
    pub name: String,
    /// EN 13201 class; `None` = not evaluated.
    #[serde(default)]
    pub class: Option<LightingClass>,
    #[serde(default = "default_width")]
    pub width_m: f64,
    /// Driving lanes sharing the carriageway (`width_m`) equally; the luminance grid
    /// and the observers of an M class are laid out per lane (default 2).
    #[serde(default = "default_lanes")]
    pub lanes: u32,
    /// Road surface: the id of an r-table (`"C2"`, the bundled CIE surface, or one of
    /// the plan's `surfaces`), used for the luminance of M classes (default "C2").
    #[serde(default = "default_surface")]
    pub surface: String,
    /// Adaptive lighting: `("HH:MM", class)` steps in local clock time, each class
    /// holding from its time until the next step's, wrapping at midnight, with the step
    /// and daylight-saving rules of control profiles' steps (`plan::energy`). Every class
    /// is of the design `class`'s family (M, C or P). Empty: the design class all night.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub class_schedule: Vec<(String, LightingClass)>,
    /// Centreline vertices, WGS84 degrees (written `[lon, lat]`).
    pub points: Vec<LonLat>,
}

impl Street {
    /// The class schedule's steps as (minutes after local midnight, class), sorted by
    /// time; steps whose time does not parse are left out (a valid street has none).
    pub fn class_steps(&self) -> Vec<(u16, LightingClass)> {
        let mut s: Vec<(u16, LightingClass)> = self
            .class_schedule
            .iter()
            .filter_map(|(t, c)| energy::parse_hhmm(t).map(|m| (m, *c)))
            .collect();
        s.sort_by_key(|&(m, _)| m);
        s
    }

    /// The class in force at local clock minute `minute` (0..1440): the last step at or
    /// before it, wrapping at midnight; the design class without a schedule.
    pub fn class_at(&self, minute: u16) -> Option<LightingClass> {
        let steps = self.class_steps();
        match steps
            .iter()
            .rev()
            .find(|&&(m, _)| m <= minute)
            .or(steps.last())
        {
            Some(&(_, c)) => Some(c),
            None => self.class,
        }
    }
}

fn default_width() -> f64 {
    7.0
}

/// Lanes of a street that does not say.
pub const DEFAULT_LANES: u32 = 2;

/// Road surface of a street that does not say: the CIE standard dry surface C2.
pub const DEFAULT_SURFACE: &str = "C2";

fn default_lanes() -> u32 {
    DEFAULT_LANES
}

fn default_surface() -> String {
    DEFAULT_SURFACE.to_owned()
}

/// A vendor's section: a chainage interval on one street.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub vendor: String,
    pub street: String,
    pub from_m: f64,
    pub to_m: f64,
}

/// A pole carrying one luminaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pole {
    /// Inline up to 24 bytes (no allocation of its own, like `vendor` and `luminaire`), so
    /// that a plan of many poles holds no heap string per pole for its names.
    pub id: Name,
    /// Position of the pole foot, degrees (WGS84).
    pub lon: f64,
    pub lat: f64,
    /// Height of the luminaire above flat ground, m (> 0).
    pub height_m: f64,
    /// Distance from the pole to the luminaire along the C = 90 bearing, m.
    #[serde(default)]
    pub overhang_m: f64,
    /// Rotation about the C0–C180 axis lifting the C = 90 side, degrees (0 <= tilt < 90).
    #[serde(default)]
    pub tilt_deg: f64,
    /// True bearing (clockwise from north) of the luminaire's C = 90 direction, degrees.
    #[serde(default)]
    pub azimuth_deg: f64,
    pub vendor: Name,
    pub luminaire: Name,
}

/// A short string stored inline (up to 24 bytes; longer ones on the heap), read and
/// written as a string: the id, vendor and luminaire of each pole.
pub type Name = compact_str::CompactString;

impl Plan {
    /// The plan without its collections (vendors, luminaire types, streets, sections,
    /// poles, control profiles) and its review record: its plan-level settings, cheap to
    /// clone. The destructuring
    /// is exhaustive, so a new plan field must be sorted into one or the other here.
    pub fn settings_only(&self) -> Plan {
        let Plan {
            format_version,
            name,
            description,
            maintenance_factor,
            burning_hours_per_year,
            rules,
            energy,
            vendors: _,
            luminaires: _,
            streets: _,
            sections: _,
            poles: _,
            control_profiles: _,
            surfaces: _,
            pole_reviews: _,
            submissions: _,
            revision: _,
            changelog: _,
            surveys: _,
            energy_readings: _,
        } = self;
        Plan {
            format_version: *format_version,
            name: name.clone(),
            description: description.clone(),
            maintenance_factor: *maintenance_factor,
            burning_hours_per_year: *burning_hours_per_year,
            rules: rules.clone(),
            energy: energy.clone(),
            ..Plan::default()
        }
    }

    pub fn vendor(&self, id: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.id == id)
    }
    pub fn control_profile(&self, id: &str) -> Option<&energy::ControlProfile> {
        self.control_profiles.iter().find(|p| p.id == id)
    }
    pub fn luminaire(&self, id: &str) -> Option<&LuminaireType> {
        self.luminaires.iter().find(|l| l.id == id)
    }
    pub fn street(&self, id: &str) -> Option<&Street> {
        self.streets.iter().find(|s| s.id == id)
    }
    pub fn pole(&self, id: &str) -> Option<&Pole> {
        self.poles.iter().find(|p| p.id == id)
    }
    pub fn pole_mut(&mut self, id: &str) -> Option<&mut Pole> {
        self.poles.iter_mut().find(|p| p.id == id)
    }

    /// A fresh id `"{prefix}{n}"` not used by any object with that prefix, zero-padded to
    /// three digits ("P001").
    pub fn next_id(&self, prefix: &str) -> String {
        FreshIds::of(self).next_id(prefix)
    }
}

/// The ids of a plan's objects, for handing out fresh ones while an edit is being made
/// (the ids given so far count as taken).
pub struct FreshIds<'a> {
    taken: std::collections::HashSet<std::borrow::Cow<'a, str>>,
    /// The prefix last given out and the number after it: the highest with that prefix
    /// is known then, so a row of many fresh ids scans the plan's ids once, not per id.
    after: Option<(String, usize)>,
}

impl<'a> FreshIds<'a> {
    /// Every id of `plan`: poles, streets, sections, vendors and luminaire types.
    pub fn of(plan: &'a Plan) -> Self {
        let taken = plan
            .poles
            .iter()
            .map(|p| p.id.as_str())
            .chain(plan.streets.iter().map(|s| s.id.as_str()))
            .chain(plan.sections.iter().map(|s| s.id.as_str()))
            .chain(plan.vendors.iter().map(|s| s.id.as_str()))
            .chain(plan.luminaires.iter().map(|s| s.id.as_str()))
            .map(std::borrow::Cow::Borrowed)
            .collect();
        FreshIds { taken, after: None }
    }

    /// `id` is free again (its object is being removed by the same edit).
    pub fn forget(&mut self, id: &str) {
        self.taken.remove(id);
        self.after = None;
    }

    /// A fresh id `"{prefix}{n}"`, zero-padded to three digits: the number after the
    /// highest one with that prefix (so ids grow monotonically), else one more than the
    /// number of ids. It counts as taken from then on.
    pub fn next_id(&mut self, prefix: &str) -> String {
        let mut n = match &self.after {
            Some((p, n)) if p == prefix => *n,
            _ => self
                .taken
                .iter()
                .filter_map(|id| id.strip_prefix(prefix)?.parse::<usize>().ok())
                .max()
                .map_or(self.taken.len() + 1, |h| h + 1),
        };
        loop {
            let id = format!("{prefix}{n:03}");
            if !self.taken.contains(id.as_str()) {
                self.taken.insert(std::borrow::Cow::Owned(id.clone()));
                self.after = Some((prefix.to_string(), n + 1));
                return id;
            }
            n += 1;
        }
    }
}
