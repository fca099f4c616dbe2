//! The one file schema of the GeoJSON and GeoPackage plans: for each object (pole,
//! street, section, vendor, luminaire type, the plan settings) its fields as the files
//! name them, what each holds, its default, and the checks ([`super::validate`]).
//!
//! The readers (the GeoJSON fast reader, the careful one that names what is wrong, and
//! the GeoPackage reader) each implement [`Fields`] (and [`RecordFields`] where they read
//! vendors, luminaire types and settings): a getter per kind of value, and how they name
//! a missing or refused field. The functions here ([`street`], [`pole`], [`section`],
//! [`vendor`], [`luminaire`], [`settings`]) build each object from those getters, so a
//! field added here is read by every reader, and a new field of one of the structs is a
//! compile error here until it is given a place.
//!
//! What the readers still do themselves: the id of a feature (GeoJSON takes it from the
//! properties or the feature, a number written as text; a section without one gets
//! `section-N` in GeoJSON and a fresh `V...` id in GeoPackage, its feature's index having
//! no meaning there), the geometry (a position or a line, in the file's CRS), how a
//! colour and a photometry source are written (GeoJSON: `[r, g, b]` and the RON form of
//! [`PhotometrySource`]; GeoPackage: `#rrggbb` text and the `photometry_kind`,
//! `photometry_file` and `photometry_text` columns), and the settings held as JSON.
//!
//! The RON plan is the serde form of the structs themselves ([`super::Plan`]); its
//! defaults are the serde attributes there, which these agree with where RON has one.

use super::energy::{ControlProfile, EnergySettings};
use super::measured::{EnergyReading, Survey};
use super::review::{ChangelogEntry, PoleReview, ReviewStatus, Submission};
use super::validate::{self, Allowed, ValueError};
use super::{
    DEFAULT_LANES, DEFAULT_SURFACE, LightingClass, LuminaireType, Name, PhotometrySource, Plan,
    Pole, RoadSurface, Rules, Section, Street, Vendor,
};
use crate::frame::LonLat;
use std::borrow::Cow;

mod measured;
pub use measured::{energy_reading, energy_reading_fields, survey_point, survey_point_fields};

/// What a field that is not given (absent, or null) becomes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Absent {
    /// It must be given: a reader refuses the object, naming the field.
    Required,
    /// Empty: `""`, `None`, no elements.
    Empty,
    /// This number.
    Number(f64),
    /// This text.
    Text(&'static str),
    /// The object's id (the name of a vendor or luminaire type).
    Id,
    /// A colour of the palette, by the vendor's position in the file.
    Palette,
    /// Set later from the rest of the plan: a pole's azimuth faces its nearest street
    /// (`crate::locate`).
    Computed,
    /// As in a new plan ([`Plan::default`], [`Rules::default`], ...).
    PlanDefault,
}

/// What a field holds, as the readers read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    /// A whole number (lanes, revision).
    WholeNumber,
    /// An EN 13201 class name ([`LightingClass::parse`]), or nothing: not evaluated.
    Class,
    /// `pending`, `approved` or `rejected`, or nothing: never reviewed.
    ReviewStatus,
    /// sRGB, written as the format writes colours.
    Colour,
    /// A photometry source, written as the format writes it.
    Photometry,
    /// A list of `[time, class]` steps (GeoJSON: `[["22:00", "M4"], ...]`; GeoPackage:
    /// that JSON as text).
    Steps,
    /// A nested setting, as JSON (in GeoJSON the member itself, in GeoPackage a text
    /// column).
    Json,
}

/// One field of one object.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// The name in files (a GeoJSON property or member, a GeoPackage column).
    pub name: &'static str,
    pub kind: Kind,
    pub absent: Absent,
    /// What it holds, for messages: "the luminaire height above ground in metres".
    pub what: &'static str,
}

const fn field(name: &'static str, kind: Kind, absent: Absent, what: &'static str) -> Field {
    Field {
        name,
        kind,
        absent,
        what,
    }
}

use Absent::{Computed, Empty, Id, Palette, PlanDefault, Required};
use Kind::{Class, Colour, Json, Number, Photometry, Steps, Text, WholeNumber};

/// Street fields (besides the id and the line).
pub mod street_fields {
    use super::*;
    pub const NAME: Field = field("name", Text, Empty, "the street's name");
    pub const CLASS: Field = field("class", Class, Empty, "the EN 13201 lighting class");
    pub const WIDTH: Field = field(
        "width_m",
        Number,
        Absent::Number(7.0),
        "the carriageway width in metres",
    );
    pub const LANES: Field = field(
        "lanes",
        WholeNumber,
        Absent::Number(super::DEFAULT_LANES as f64),
        "the number of lanes",
    );
    pub const SURFACE: Field = field(
        "surface",
        Text,
        Absent::Text(super::DEFAULT_SURFACE),
        "the id of the road surface's r-table",
    );
    pub const CLASS_SCHEDULE: Field = field(
        "class_schedule",
        Steps,
        Empty,
        "the adaptive class schedule, [[\"HH:MM\", class], ...]",
    );
    pub const ALL: [Field; 6] = [NAME, CLASS, WIDTH, LANES, SURFACE, CLASS_SCHEDULE];
}

/// Pole fields (besides the id and the position), then its review's.
pub mod pole_fields {
    use super::*;
    pub const VENDOR: Field = field("vendor", Text, Required, "the vendor id");
    pub const LUMINAIRE: Field = field(
        "luminaire",
        Text,
        Required,
        "the luminaire type id (GeoJSON: or a path to an .ldt/.ies file)",
    );
    pub const HEIGHT: Field = field(
        "height_m",
        Number,
        Required,
        "the luminaire height above ground in metres",
    );
    pub const TILT: Field = field(
        "tilt_deg",
        Number,
        Absent::Number(0.0),
        "the tilt in degrees",
    );
    pub const AZIMUTH: Field = field(
        "azimuth_deg",
        Number,
        Computed,
        "the true bearing of the luminaire's C = 90 direction in degrees",
    );
    pub const OVERHANG: Field = field(
        "overhang_m",
        Number,
        Absent::Number(0.0),
        "the overhang in metres",
    );
    pub const REVIEW_STATUS: Field = field(
        "review_status",
        Kind::ReviewStatus,
        Empty,
        "the review status",
    );
    pub const REVIEW_COMMENT: Field = field("review_comment", Text, Empty, "the review comment");
    pub const REVIEW_REVIEWER: Field = field("review_reviewer", Text, Empty, "the reviewer");
    pub const REVIEW_TIME: Field = field("review_time", Text, Empty, "the time of the review");
    pub const ALL: [Field; 10] = [
        VENDOR,
        LUMINAIRE,
        HEIGHT,
        TILT,
        AZIMUTH,
        OVERHANG,
        REVIEW_STATUS,
        REVIEW_COMMENT,
        REVIEW_REVIEWER,
        REVIEW_TIME,
    ];
}

/// Section fields (besides the id).
pub mod section_fields {
    use super::*;
    pub const VENDOR: Field = field("vendor", Text, Required, "the vendor id");
    pub const STREET: Field = field("street", Text, Required, "the street id");
    pub const FROM: Field = field("from_m", Number, Required, "the start chainage in metres");
    pub const TO: Field = field("to_m", Number, Required, "the end chainage in metres");
    pub const ALL: [Field; 4] = [VENDOR, STREET, FROM, TO];
}

/// Vendor fields.
pub mod vendor_fields {
    use super::*;
    pub const ID: Field = field("id", Text, Required, "an id");
    pub const NAME: Field = field("name", Text, Id, "the vendor's name");
    pub const COLOR: Field = field("color", Colour, Palette, "the display colour");
    pub const CONTROL_PROFILE: Field = field(
        "control_profile",
        Text,
        Empty,
        "the id of the control profile its luminaires run",
    );
    pub const ALL: [Field; 4] = [ID, NAME, COLOR, CONTROL_PROFILE];
}

/// Luminaire type fields.
pub mod luminaire_fields {
    use super::*;
    pub const ID: Field = field("id", Text, Required, "an id");
    pub const NAME: Field = field("name", Text, Id, "the luminaire's name");
    pub const PHOTOMETRY: Field = field(
        "photometry",
        Photometry,
        Required,
        "the photometry: a bundled file or an embedded one",
    );
    pub const ROTATION: Field = field(
        "rotation_deg",
        Number,
        Absent::Number(0.0),
        "the rotation in degrees",
    );
    pub const FLUX: Field = field("flux_lm", Number, Required, "the rated flux in lumen");
    pub const POWER: Field = field("power_w", Number, Required, "the input power in watt");
    pub const STANDBY: Field = field(
        "standby_w",
        Number,
        Absent::Number(0.0),
        "the standby power in watt",
    );
    pub const OUTPUT_LEVEL: Field = field(
        "output_level",
        Number,
        Absent::Number(1.0),
        "the driver's set output, a fraction in (0, 1]",
    );
    pub const ALL: [Field; 8] = [
        ID,
        NAME,
        PHOTOMETRY,
        ROTATION,
        FLUX,
        POWER,
        STANDBY,
        OUTPUT_LEVEL,
    ];
}

/// Plan settings fields.
pub mod settings_fields {
    use super::*;
    pub const VERSION: Field = field(
        "format_version",
        WholeNumber,
        PlanDefault,
        "the file's format version",
    );
    pub const NAME: Field = field("name", Text, PlanDefault, "the plan's name");
    pub const DESCRIPTION: Field = field("description", Text, Empty, "the description");
    pub const MAINTENANCE_FACTOR: Field = field(
        "maintenance_factor",
        Number,
        PlanDefault,
        "the maintenance factor",
    );
    pub const BURNING_HOURS: Field = field(
        "burning_hours_per_year",
        Number,
        PlanDefault,
        "the annual burning hours",
    );
    pub const RULES: Field = field(
        "rules",
        Json,
        PlanDefault,
        "rules are numbers named as in the RON plan (min_spacing_m, ...)",
    );
    pub const ENERGY: Field = field(
        "energy",
        Json,
        PlanDefault,
        "energy holds year, time_zone, switch_sun_elevation_deg, co2_g_per_kwh, \
         co2_source, baseline_power_w, baseline_name and baseline_luminaire (optional)",
    );
    pub const CONTROL_PROFILES: Field = field(
        "control_profiles",
        Json,
        Empty,
        "a profile is {\"id\", \"name\", \"steps\": [[\"22:00\", 0.5], ...], \"presence\": \
         {\"idle_level\", \"occupancy\": [24 values]}}",
    );
    pub const SURFACES: Field = field(
        "surfaces",
        Json,
        Empty,
        "a road surface is {\"id\", \"name\", \"table_csv\"}",
    );
    pub const SUBMISSIONS: Field = field(
        "submissions",
        Json,
        Empty,
        "a submission is {\"vendor\", \"file\", \"sha256\", \"received\", \"decisions\": \
         [{\"object\", \"change\", \"verdict\", \"comment\", \"reviewer\", \"time\"}]}",
    );
    pub const REVISION: Field = field(
        "revision",
        WholeNumber,
        Absent::Number(0.0),
        "the count of saves",
    );
    pub const CHANGELOG: Field = field(
        "changelog",
        Json,
        Empty,
        "a changelog entry is {\"revision\", \"time\", \"author\", \"summary\"}",
    );
    pub const SURVEYS: Field = field(
        "surveys",
        Json,
        Empty,
        "a survey is {\"name\", \"source_file\", \"sha256\", \"instrument\"}, its points \
         measurement features (GeoJSON) or survey_points rows (GeoPackage), or, as in the \
         first version 3 files, \"points\": [{\"lon\", \"lat\", \"measured_at\", \
         \"e_h_lx\", \"note\"}]",
    );
    pub const ENERGY_READINGS: Field = field(
        "energy_readings",
        Json,
        Empty,
        "a reading is {\"of\": {\"vendor\": id} or {\"pole\": id}, \"from\", \"to\", \
         \"kwh\", \"source_file\", \"sha256\"}",
    );
    pub const ALL: [Field; 14] = [
        VERSION,
        NAME,
        DESCRIPTION,
        MAINTENANCE_FACTOR,
        BURNING_HOURS,
        RULES,
        ENERGY,
        CONTROL_PROFILES,
        SURFACES,
        SUBMISSIONS,
        REVISION,
        CHANGELOG,
        SURVEYS,
        ENERGY_READINGS,
    ];
}

/// A reader's view of one object (a feature's properties, a table row): a getter per
/// kind of value, and how the reader names a field that is missing or refused.
pub trait Fields {
    type Error;
    /// The text of `field`; `None` when it is not given. A value of another type is the
    /// reader's to refuse.
    fn text(&self, field: &Field) -> Result<Option<Cow<'_, str>>, Self::Error>;
    /// The number of `field`; `None` when it is not given.
    fn number(&self, field: &Field) -> Result<Option<f64>, Self::Error>;
    /// A required `field` that is not given (`blank`: given, but blank).
    fn missing(&self, field: &Field, blank: bool) -> Self::Error;
    /// A value the schema or the validator refuses; `e.path` is relative to the object
    /// (`"height_m"`).
    fn refused(&self, e: ValueError) -> Self::Error;
    /// The `[time, value]` pairs of a [`Kind::Steps`] field; `None` when not given.
    fn steps(&self, field: &Field) -> Result<Option<Vec<(String, String)>>, Self::Error>;
    /// A pole's luminaire (required, not blank), as the pole holds it. The fast GeoJSON
    /// reader holds long names (photometry paths) apart, once each.
    fn pole_luminaire(&mut self, field: &Field) -> Result<Name, Self::Error> {
        required(self, field).map(|s| Name::from(s.as_ref()))
    }
}

/// The getters of a reader of vendors, luminaire types and the plan settings: values
/// whose form is the format's own.
pub trait RecordFields: Fields {
    /// The colour of `field`; `None` when it is not given.
    fn colour(&self, field: &Field) -> Result<Option<[u8; 3]>, Self::Error>;
    /// A luminaire type's photometry (required).
    fn photometry(&self, field: &Field) -> Result<PhotometrySource, Self::Error>;
    /// A nested setting; `None` when it is not given.
    fn json<T: serde::de::DeserializeOwned>(&self, field: &Field)
    -> Result<Option<T>, Self::Error>;
}

/// The text of a required `field`, not blank.
pub fn required<'f, F: Fields + ?Sized>(f: &'f F, field: &Field) -> Result<Cow<'f, str>, F::Error> {
    match f.text(field)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        Some(_) => Err(f.missing(field, true)),
        None => Err(f.missing(field, false)),
    }
}

fn string<F: Fields + ?Sized>(f: &F, field: &Field) -> Result<Option<String>, F::Error> {
    Ok(f.text(field)?.map(Cow::into_owned))
}

fn number_or<F: Fields + ?Sized>(f: &F, field: &Field, default: f64) -> Result<f64, F::Error> {
    Ok(f.number(field)?.unwrap_or(default))
}

fn required_number<F: Fields + ?Sized>(f: &F, field: &Field) -> Result<f64, F::Error> {
    f.number(field)?.ok_or_else(|| f.missing(field, false))
}

fn refused(field: &Field, value: impl Into<validate::Found>, allowed: Allowed) -> ValueError {
    ValueError {
        path: field.name.into(),
        value: value.into(),
        allowed,
    }
}

/// A limit in words (what no [`Allowed`] case says).
fn described(text: impl Into<String>) -> Allowed {
    Allowed::Described(text.into())
}

/// A whole number in `lo..=hi`, or `None` when not given.
fn whole<F: Fields + ?Sized>(
    f: &F,
    field: &Field,
    lo: f64,
    hi: f64,
    allowed: Allowed,
) -> Result<Option<f64>, F::Error> {
    match f.number(field)? {
        None => Ok(None),
        Some(n) if n.fract() == 0.0 && (lo..=hi).contains(&n) => Ok(Some(n)),
        Some(n) => Err(f.refused(refused(field, n, allowed))),
    }
}

/// A street with `id` and the line `points`, its other fields read from `f` and
/// checked.
pub fn street<F: Fields>(f: &F, id: String, points: Vec<LonLat>) -> Result<Street, F::Error> {
    use street_fields::*;
    let class = match f.text(&CLASS)? {
        None => None,
        Some(s) if s.trim().is_empty() => None,
        Some(s) => Some(LightingClass::parse(&s).ok_or_else(|| {
            f.refused(refused(
                &CLASS,
                format!("{s:?}"),
                described(
                    "an EN 13201 class: one of P1..P6, C0..C5, M1..M6, or none (not evaluated)",
                ),
            ))
        })?),
    };
    let lanes = whole(f, &LANES, 1.0, 12.0, Allowed::Whole { min: 1, max: 12 })?;
    let mut class_schedule = Vec::new();
    for (i, (time, name)) in f
        .steps(&CLASS_SCHEDULE)?
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let Some(c) = LightingClass::parse(&name) else {
            return Err(f.refused(ValueError::new(
                format!("class_schedule[{i}].class"),
                format!("{name:?}"),
                described("an EN 13201 class: one of P1..P6, C0..C5, M1..M6"),
            )));
        };
        class_schedule.push((time, c));
    }
    let street = Street {
        id,
        name: string(f, &NAME)?.unwrap_or_default(),
        class,
        width_m: number_or(f, &WIDTH, 7.0)?,
        lanes: lanes.map_or(DEFAULT_LANES, |n| n as u32),
        surface: string(f, &SURFACE)?.unwrap_or_else(|| DEFAULT_SURFACE.to_owned()),
        class_schedule,
        points,
    };
    validate::street(&street).map_err(|e| f.refused(e))?;
    validate::street_vertices(&street).map_err(|e| f.refused(e))?;
    Ok(street)
}

/// A pole as a file gives it: the pole, whether the file gave its azimuth (else it is 0
/// until `crate::locate` aims it) and its review, if it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct PoleRead {
    pub pole: Pole,
    pub azimuth_given: bool,
    pub review: Option<PoleReview>,
}

/// A pole with `id` at `at`, its other fields and its review read from `f` and checked.
pub fn pole<F: Fields>(
    f: &mut F,
    id: Name,
    LonLat { lon, lat }: LonLat,
) -> Result<PoleRead, F::Error> {
    use pole_fields::*;
    let height_m = required_number(f, &HEIGHT)?;
    let tilt_deg = number_or(f, &TILT, 0.0)?;
    let overhang_m = number_or(f, &OVERHANG, 0.0)?;
    let azimuth = f.number(&AZIMUTH)?;
    let vendor = Name::from(required(f, &VENDOR)?.as_ref());
    let luminaire = f.pole_luminaire(&LUMINAIRE)?;
    let pole = Pole {
        id,
        lon,
        lat,
        height_m,
        overhang_m,
        tilt_deg,
        azimuth_deg: azimuth.unwrap_or(0.0),
        vendor,
        luminaire,
    };
    validate::pole(&pole).map_err(|e| f.refused(e))?;
    let review = match f.text(&REVIEW_STATUS)? {
        None => None,
        Some(s) if s.trim().is_empty() => None,
        Some(s) => {
            let status = ReviewStatus::parse(s.trim()).ok_or_else(|| {
                f.refused(refused(
                    &REVIEW_STATUS,
                    format!("{s:?}"),
                    described("\"pending\", \"approved\" or \"rejected\", or none (not reviewed)"),
                ))
            })?;
            Some(PoleReview {
                status,
                comment: string(f, &REVIEW_COMMENT)?.unwrap_or_default(),
                reviewer: string(f, &REVIEW_REVIEWER)?.unwrap_or_default(),
                time: string(f, &REVIEW_TIME)?.unwrap_or_default(),
            })
        }
    };
    Ok(PoleRead {
        pole,
        azimuth_given: azimuth.is_some(),
        review,
    })
}

/// A section with `id`, its other fields read from `f` and checked.
pub fn section<F: Fields>(f: &F, id: String) -> Result<Section, F::Error> {
    use section_fields::*;
    let section = Section {
        id,
        vendor: required(f, &VENDOR)?.into_owned(),
        street: required(f, &STREET)?.into_owned(),
        from_m: required_number(f, &FROM)?,
        to_m: required_number(f, &TO)?,
    };
    validate::section(&section).map_err(|e| f.refused(e))?;
    Ok(section)
}

/// The vendor of `f`, the `k`-th of the file (its default colour), checked.
pub fn vendor<F: RecordFields>(f: &F, k: usize) -> Result<Vendor, F::Error> {
    use vendor_fields::*;
    let id = required(f, &ID)?.into_owned();
    let vendor = Vendor {
        name: string(f, &NAME)?.unwrap_or_else(|| id.clone()),
        color: f.colour(&COLOR)?.unwrap_or_else(|| palette(k)),
        control_profile: string(f, &CONTROL_PROFILE)?.filter(|s| !s.trim().is_empty()),
        id,
    };
    validate::vendor(&vendor).map_err(|e| f.refused(e))?;
    Ok(vendor)
}

/// The luminaire type of `f`, checked.
pub fn luminaire<F: RecordFields>(f: &F) -> Result<LuminaireType, F::Error> {
    use luminaire_fields::*;
    let id = required(f, &ID)?.into_owned();
    let luminaire = LuminaireType {
        name: string(f, &NAME)?.unwrap_or_else(|| id.clone()),
        photometry: f.photometry(&PHOTOMETRY)?,
        rotation_deg: number_or(f, &ROTATION, 0.0)?,
        flux_lm: required_number(f, &FLUX)?,
        power_w: required_number(f, &POWER)?,
        standby_w: number_or(f, &STANDBY, 0.0)?,
        output_level: number_or(f, &OUTPUT_LEVEL, 1.0)?,
        id,
    };
    validate::luminaire(&luminaire).map_err(|e| f.refused(e))?;
    Ok(luminaire)
}

/// The plan settings of `f` into `plan` (its collections untouched; the reviews of poles
/// are the poles'), checked: a file of a newer format version is refused first.
pub fn settings<F: RecordFields>(f: &F, plan: &mut Plan) -> Result<(), F::Error> {
    use settings_fields::*;
    if let Some(v) = f.number(&VERSION)?
        && v > f64::from(super::FORMAT_VERSION)
    {
        return Err(f.refused(refused(
            &VERSION,
            format!("format version {}", validate::number(v)),
            described(format!(
                "at most version {}, the newest this Lysplan reads; open the file with a \
                 newer Lysplan",
                super::FORMAT_VERSION
            )),
        )));
    }
    let d = Plan::default();
    let revision = whole(
        f,
        &REVISION,
        0.0,
        9.0e15,
        described("a whole number >= 0 (the count of saves)"),
    )?;
    let control_profiles: Vec<ControlProfile> = f.json(&CONTROL_PROFILES)?.unwrap_or_default();
    let energy: EnergySettings = f.json(&ENERGY)?.unwrap_or(d.energy);
    let rules: Rules = f.json(&RULES)?.unwrap_or(d.rules);
    let surfaces: Vec<RoadSurface> = f.json(&SURFACES)?.unwrap_or_default();
    let submissions: Vec<Submission> = f.json(&SUBMISSIONS)?.unwrap_or_default();
    let changelog: Vec<ChangelogEntry> = f.json(&CHANGELOG)?.unwrap_or_default();
    let surveys: Vec<Survey> = f.json(&SURVEYS)?.unwrap_or_default();
    let energy_readings: Vec<EnergyReading> = f.json(&ENERGY_READINGS)?.unwrap_or_default();
    let Plan {
        format_version,
        name,
        description,
        maintenance_factor,
        burning_hours_per_year,
        rules: plan_rules,
        energy: plan_energy,
        control_profiles: plan_profiles,
        surfaces: plan_surfaces,
        submissions: plan_submissions,
        revision: plan_revision,
        changelog: plan_changelog,
        surveys: plan_surveys,
        energy_readings: plan_readings,
        // The collections, each an object of its own; the reviews are the poles'.
        vendors: _,
        luminaires: _,
        streets: _,
        sections: _,
        poles: _,
        pole_reviews: _,
    } = plan;
    *format_version = super::FORMAT_VERSION;
    *name = string(f, &NAME)?.unwrap_or(d.name);
    *description = string(f, &DESCRIPTION)?.unwrap_or_default();
    *maintenance_factor = number_or(f, &MAINTENANCE_FACTOR, d.maintenance_factor)?;
    *burning_hours_per_year = number_or(f, &BURNING_HOURS, d.burning_hours_per_year)?;
    *plan_rules = rules;
    *plan_energy = energy;
    *plan_profiles = control_profiles;
    *plan_surfaces = surfaces;
    *plan_submissions = submissions;
    *plan_revision = revision.map_or(0, |n| n as u64);
    *plan_changelog = changelog;
    *plan_surveys = surveys;
    *plan_readings = energy_readings;
    validate::plan_settings(plan).map_err(|e| f.refused(e))?;
    plan.energy
        .check()
        .map_err(|e| f.refused(e.within(ENERGY.name)))?;
    for (k, p) in plan.control_profiles.iter().enumerate() {
        p.check().map_err(|e| {
            f.refused(e.within(&validate::object_path(CONTROL_PROFILES.name, k, &p.id)))
        })?;
    }
    Ok(())
}

/// Colours for vendors a file names without a colour.
pub const PALETTE: [[u8; 3]; 8] = [
    [31, 119, 180],
    [255, 127, 14],
    [44, 160, 44],
    [214, 39, 40],
    [148, 103, 189],
    [140, 86, 75],
    [227, 119, 194],
    [23, 190, 207],
];

/// The `k`-th colour of the palette.
pub fn palette(k: usize) -> [u8; 3] {
    PALETTE[k % PALETTE.len()]
}
