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
    #[serde(default)]
    pub points: Vec<SurveyPoint>,
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
        let at = |f: &str| format!("points[{i}].{f}");
        if !crate::frame::valid_lonlat(p.lon, p.lat) {
            return Err(ValueError::new(
                at("lon"),
                format!("{}, {}", p.lon, p.lat),
                Allowed::Described("a WGS84 longitude and latitude in degrees".into()),
            ));
        }
        if !(p.e_h_lx.is_finite() && (0.0..=MAX_E_H_LX).contains(&p.e_h_lx)) {
            return Err(ValueError::new(
                at("e_h_lx"),
                p.e_h_lx,
                Allowed::Described(format!("an illuminance in lx from 0 to {MAX_E_H_LX}")),
            ));
        }
        if p.measured_at.len() < 10 {
            return Err(ValueError::new(
                at("measured_at"),
                format!("{:?}", p.measured_at),
                Allowed::Described("an ISO 8601 date or date-time".into()),
            ));
        }
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
