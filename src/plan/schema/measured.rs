//! The schema of what was measured on site, where a format gives it objects of its own:
//! survey points (GeoJSON `measurement` features, GeoPackage `survey_points` rows) and
//! energy readings (GeoPackage `energy_readings` rows; GeoJSON keeps them in the
//! `lysplan` member, in the RON plan's form).

use super::{Field, Fields, described, field, required, required_number, string};
use crate::frame::LonLat;
use crate::plan::measured::{EnergyReading, ReadingOf, SurveyPoint, check_point, check_reading};
use crate::plan::validate::ValueError;

/// Survey point fields (besides the position).
pub mod survey_point_fields {
    use super::super::Absent::{Empty, Required};
    use super::super::Kind::{Number, Text};
    use super::{Field, field};
    pub const SURVEY: Field = field(
        "survey",
        Text,
        Required,
        "the name of the survey the point belongs to",
    );
    pub const MEASURED_AT: Field = field(
        "measured_at",
        Text,
        Required,
        "the ISO 8601 date or date-time of the measurement",
    );
    pub const E_H_LX: Field = field(
        "e_h_lx",
        Number,
        Required,
        "the measured horizontal illuminance at ground level in lx",
    );
    pub const NOTE: Field = field("note", Text, Empty, "a note");
    /// The fields of a GeoJSON `measurement` feature, as the RON plan names them.
    pub const ALL: [Field; 4] = [SURVEY, MEASURED_AT, E_H_LX, NOTE];

    /// The GeoPackage's name for [`E_H_LX`], beside the calculated value.
    pub const MEASURED_LX: Field = field(
        "measured_lx",
        Number,
        Required,
        "the measured horizontal illuminance at ground level in lx",
    );
    /// Written to the GeoPackage for GIS users and never read: the date of
    /// `measured_at`, and what the calculation gives at the point (NULL where nothing was
    /// calculated).
    pub const DATE: Field = field(
        "date",
        Text,
        Empty,
        "the date of measured_at (written for GIS users, not read)",
    );
    pub const CALCULATED_LX: Field = field(
        "calculated_lx",
        Number,
        Empty,
        "the calculated initial horizontal illuminance (MF = 1) in lx (written for GIS \
         users, not read)",
    );
    pub const RATIO: Field = field(
        "ratio",
        Number,
        Empty,
        "measured_lx / calculated_lx (written for GIS users, not read)",
    );
    /// The columns of the GeoPackage's `survey_points` layer, in order.
    pub const GPKG: [Field; 7] = [
        SURVEY,
        MEASURED_AT,
        DATE,
        MEASURED_LX,
        CALCULATED_LX,
        RATIO,
        NOTE,
    ];
}

/// Energy reading fields (the RON plan's `of` is `vendor` or `pole`).
pub mod energy_reading_fields {
    use super::super::Absent::{Empty, Required};
    use super::super::Kind::{Number, Text};
    use super::{Field, field};
    pub const VENDOR: Field = field(
        "vendor",
        Text,
        Empty,
        "the id of the vendor the reading is of (or the pole's id in pole)",
    );
    pub const POLE: Field = field(
        "pole",
        Text,
        Empty,
        "the id of the pole the reading is of (or the vendor's id in vendor)",
    );
    pub const FROM: Field = field(
        "from",
        Text,
        Required,
        "the start of the interval, ISO 8601 with its UTC offset",
    );
    pub const TO: Field = field(
        "to",
        Text,
        Required,
        "the end of the interval, ISO 8601 with its UTC offset",
    );
    pub const KWH: Field = field("kwh", Number, Required, "the energy used in kWh");
    pub const SOURCE_FILE: Field = field(
        "source_file",
        Text,
        Empty,
        "the file the reading was imported from",
    );
    pub const SHA256: Field = field("sha256", Text, Empty, "the SHA-256 of that file, hex");
    pub const ALL: [Field; 7] = [VENDOR, POLE, FROM, TO, KWH, SOURCE_FILE, SHA256];
}

/// A survey point at `at` with the name of its survey, its values read from `f`
/// and checked; the measured illuminance is the field `measured` ([`E_H_LX`] in GeoJSON,
/// [`MEASURED_LX`] in GeoPackage).
///
/// [`E_H_LX`]: survey_point_fields::E_H_LX
/// [`MEASURED_LX`]: survey_point_fields::MEASURED_LX
pub fn survey_point<F: Fields>(
    f: &F,
    LonLat { lon, lat }: LonLat,
    measured: &Field,
) -> Result<(String, SurveyPoint), F::Error> {
    use survey_point_fields::*;
    let survey = required(f, &SURVEY)?.into_owned();
    let point = SurveyPoint {
        lon,
        lat,
        measured_at: required(f, &MEASURED_AT)?.into_owned(),
        e_h_lx: required_number(f, measured)?,
        note: string(f, &NOTE)?.unwrap_or_default(),
    };
    check_point(&point).map_err(|mut e| {
        if e.path == E_H_LX.name {
            e.path = measured.name.into();
        }
        f.refused(e)
    })?;
    Ok((survey, point))
}

/// An energy reading of `f`, checked: of a vendor or of a pole, one of the two given.
pub fn energy_reading<F: Fields>(f: &F) -> Result<EnergyReading, F::Error> {
    use energy_reading_fields::*;
    let given = |field: &Field| -> Result<Option<String>, F::Error> {
        Ok(string(f, field)?.filter(|s| !s.trim().is_empty()))
    };
    let of = match (given(&VENDOR)?, given(&POLE)?) {
        (Some(v), None) => ReadingOf::Vendor(v),
        (None, Some(p)) => ReadingOf::Pole(p),
        (None, None) => return Err(f.missing(&VENDOR, false)),
        (Some(_), Some(p)) => {
            return Err(f.refused(ValueError::new(
                POLE.name,
                format!("{p:?} beside a vendor"),
                described("empty when vendor is given: a reading is of a vendor or of one pole"),
            )));
        }
    };
    let reading = EnergyReading {
        of,
        from: required(f, &FROM)?.into_owned(),
        to: required(f, &TO)?.into_owned(),
        kwh: required_number(f, &KWH)?,
        source_file: string(f, &SOURCE_FILE)?.unwrap_or_default(),
        sha256: string(f, &SHA256)?.unwrap_or_default(),
    };
    check_reading(&reading).map_err(|e| f.refused(e))?;
    Ok(reading)
}
