//! What was measured on site, held in the plan (format version 3): illuminance surveys
//! (EN 13201-4) and the energy readings of the vendors' control systems and meters.
//! Read from CSV by `crate::measure::csv`, compared with the calculation by
//! `crate::measure`.

use super::value::{Allowed, ValueError};
use serde::{Deserialize, Serialize};

/// One survey: the points measured on one visit, from one CSV file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Survey {
    /// The survey's name (unique in the plan).
    pub name: String,
    /// The name of the file it was imported from.
    #[serde(default)]
    pub source_file: String,
    /// SHA-256 of the file's bytes, hex: the same file is not imported twice.
    #[serde(default)]
    pub sha256: String,
    /// The meter used, as the file names it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub instrument: String,
    /// GeoJSON and GeoPackage write the points apart from the survey (a `measurement`
    /// feature or a `survey_points` row each), so their survey lists have none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<SurveyPoint>,
}

impl Survey {
    /// The survey without its points: what GeoJSON's `lysplan.surveys` and GeoPackage's
    /// `plan_settings.surveys` hold, the points being features or rows of their own.
    pub fn without_points(&self) -> Survey {
        let Survey {
            name,
            source_file,
            sha256,
            instrument,
            points: _,
        } = self;
        Survey {
            name: name.clone(),
            source_file: source_file.clone(),
            sha256: sha256.clone(),
            instrument: instrument.clone(),
            points: Vec::new(),
        }
    }
}

/// Gives each survey of `surveys` the points a file holds apart from its list of surveys
/// (GeoJSON `measurement` features, GeoPackage `survey_points` rows), each point with the
/// name of its survey: after the points the list gave it (the form of the first format
/// version 3 files, points inside the survey), in file order. A name the list does not
/// hold adds a survey of that name (no file, no instrument), in order of first use.
pub fn join_points(surveys: &mut Vec<Survey>, points: Vec<(String, SurveyPoint)>) {
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (k, s) in surveys.iter().enumerate() {
        at.entry(s.name.clone()).or_insert(k);
    }
    for (name, p) in points {
        let k = *at.entry(name).or_insert_with_key(|name| {
            surveys.push(Survey {
                name: name.clone(),
                source_file: String::new(),
                sha256: String::new(),
                instrument: String::new(),
                points: Vec::new(),
            });
            surveys.len() - 1
        });
        surveys[k].points.push(p);
    }
}

/// What the calculation gives at one survey point, for the writers that set it beside
/// the measured value (the GeoPackage's `survey_points` layer). Computed above the plan
/// layer, which knows no lighting (`crate::measure::calculated_at_points`); never read
/// back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalculatedAt {
    /// The calculated horizontal illuminance at ground level, lx.
    pub calculated_lx: f64,
    /// measured / calculated; `None` where nothing is calculated.
    pub ratio: Option<f64>,
}

/// One measured point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyPoint {
    /// WGS84 degrees.
    pub lon: f64,
    pub lat: f64,
    /// ISO 8601 date or date-time, as measured.
    pub measured_at: String,
    /// The measured horizontal illuminance at ground level, lx.
    pub e_h_lx: f64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl SurveyPoint {
    /// The date part of `measured_at` (`"2026-11-03"`).
    pub fn date(&self) -> &str {
        self.measured_at.get(..10).unwrap_or(&self.measured_at)
    }
}

/// What one reading is of: a vendor's luminaires together, or one pole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadingOf {
    Vendor(String),
    Pole(String),
}

/// One energy reading: kWh over `[from, to)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnergyReading {
    pub of: ReadingOf,
    /// ISO 8601 date-time with its UTC offset (a reading given in the plan's time zone
    /// is stored with the offset it had there).
    pub from: String,
    pub to: String,
    pub kwh: f64,
    /// The file it was imported from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source_file: String,
    /// SHA-256 of that file, hex.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sha256: String,
}

/// The highest illuminance accepted as measured at ground level, lx (far above any
/// street's; a typo's 10 000 is refused).
pub const MAX_E_H_LX: f64 = 5000.0;

/// A survey's values: a name, points at a usable position with an illuminance in
/// `0..=MAX_E_H_LX` and a date.
pub fn check_survey(s: &Survey) -> Result<(), ValueError> {
    if s.name.trim().is_empty() {
        return Err(ValueError::new(
            "name",
            "blank",
            Allowed::Described("a survey name".into()),
        ));
    }
    for (i, p) in s.points.iter().enumerate() {
        check_point(p).map_err(|e| e.within(&format!("points[{i}]")))?;
    }
    Ok(())
}

/// A measured point's values (paths from the point: `e_h_lx`): a usable position, an
/// illuminance in `0..=MAX_E_H_LX` and a date.
pub fn check_point(p: &SurveyPoint) -> Result<(), ValueError> {
    if !crate::frame::valid_lonlat(p.lon, p.lat) {
        return Err(ValueError::new(
            "lon",
            format!("{}, {}", p.lon, p.lat),
            Allowed::Described("a WGS84 longitude and latitude in degrees".into()),
        ));
    }
    if !(p.e_h_lx.is_finite() && (0.0..=MAX_E_H_LX).contains(&p.e_h_lx)) {
        return Err(ValueError::new(
            "e_h_lx",
            p.e_h_lx,
            Allowed::Described(format!("an illuminance in lx from 0 to {MAX_E_H_LX}")),
        ));
    }
    if p.measured_at.len() < 10 {
        return Err(ValueError::new(
            "measured_at",
            format!("{:?}", p.measured_at),
            Allowed::Described("an ISO 8601 date or date-time".into()),
        ));
    }
    Ok(())
}

/// A reading's values: kWh finite and >= 0.
pub fn check_reading(r: &EnergyReading) -> Result<(), ValueError> {
    if !(r.kwh.is_finite() && r.kwh >= 0.0) {
        return Err(ValueError::new(
            "kwh",
            r.kwh,
            Allowed::Described("an energy in kWh, 0 or more".into()),
        ));
    }
    Ok(())
}
