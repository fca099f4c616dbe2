//! Reading one feature (street, pole, section or measurement) and its typed properties.

use super::{Reader, short, type_name};
use crate::error::FileError;
use crate::frame::LonLat;
use crate::plan::measured::SurveyPoint;
use crate::plan::schema::{self, Field, Fields, RecordFields};
use crate::plan::validate::ValueError;
use crate::plan::{PhotometrySource, Plan};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Typed access to one properties object, with the path prefix for messages.
pub(super) struct Props<'r, 'a> {
    pub(super) r: &'r Reader<'a>,
    pub(super) map: &'r Map<String, Value>,
    pub(super) path: String,
}

impl Props<'_, '_> {
    pub(super) fn field(&self, key: &str) -> String {
        format!("{}.{}", self.path, key)
    }

    pub(super) fn opt_str(&self, key: &str) -> Result<Option<String>, FileError> {
        Ok(self.str_at(key)?.map(str::to_owned))
    }

    fn str_at(&self, key: &str) -> Result<Option<&str>, FileError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.r.err(
                self.field(key),
                format!("must be a string, found {}; quote the value", type_name(v)),
            )),
        }
    }

    pub(super) fn req_str(&self, key: &str, what: &str) -> Result<String, FileError> {
        match self.opt_str(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            Some(_) => Err(self
                .r
                .err(self.field(key), format!("is empty; give the {what}"))),
            None => Err(self.r.err(
                self.field(key),
                format!("is missing; add \"{key}\" with the {what}"),
            )),
        }
    }

    pub(super) fn opt_num(&self, key: &str) -> Result<Option<f64>, FileError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(x) if x.is_finite() => Ok(Some(x)),
                _ => Err(self
                    .r
                    .err(self.field(key), "is not a finite number; fix the value")),
            },
            Some(v) => Err(self.r.err(
                self.field(key),
                format!(
                    "must be a number, found {} ({}); write a plain JSON number such as 8.5",
                    type_name(v),
                    short(v)
                ),
            )),
        }
    }

    /// A value of `key` deserialized as `T`; `hint` says what is expected.
    fn value_as<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
        hint: &str,
    ) -> Result<Option<T>, FileError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => T::deserialize(v)
                .map(Some)
                .map_err(|e| self.r.err(self.field(key), format!("{e}; {hint}"))),
        }
    }
}

/// The GeoJSON properties (and the objects of the `lysplan` member) as the schema reads
/// them: each value's type judged here, with its path in the message.
impl Fields for Props<'_, '_> {
    type Error = FileError;

    fn text(&self, field: &Field) -> Result<Option<Cow<'_, str>>, FileError> {
        Ok(self.str_at(field.name)?.map(Cow::Borrowed))
    }

    fn number(&self, field: &Field) -> Result<Option<f64>, FileError> {
        self.opt_num(field.name)
    }

    fn steps(&self, field: &Field) -> Result<Option<Vec<(String, String)>>, FileError> {
        self.value_as(field.name, field.what)
    }

    fn missing(&self, field: &Field, blank: bool) -> FileError {
        let key = field.name;
        let what = field.what;
        self.r.err(
            self.field(key),
            if blank {
                format!("is empty; give {what}")
            } else {
                format!("is missing; add \"{key}\" with {what}")
            },
        )
    }

    /// A value the schema or the validator refused, named as this object's property.
    fn refused(&self, e: ValueError) -> FileError {
        self.r.err(
            self.field(&e.path),
            format!("is {}, but it must be {}", e.value, e.allowed),
        )
    }
}

impl RecordFields for Props<'_, '_> {
    fn colour(&self, field: &Field) -> Result<Option<[u8; 3]>, FileError> {
        self.value_as(field.name, "give the colour as [r, g, b], each 0..255")
    }

    fn photometry(&self, field: &Field) -> Result<PhotometrySource, FileError> {
        self.value_as(
            field.name,
            "the photometry is {\"Bundled\": \"file.ldt\"} or {\"Embedded\": {\"file_name\", \
             \"text\"}}",
        )?
        .ok_or_else(|| self.missing(field, false))
    }

    fn json<T: serde::de::DeserializeOwned>(&self, field: &Field) -> Result<Option<T>, FileError> {
        self.value_as(field.name, field.what)
    }
}

impl Props<'_, '_> {
    /// Refuses a key the schema's table of this object does not name (a typo must not be
    /// dropped silently).
    pub(super) fn only(&self, fields: &[Field]) -> Result<(), FileError> {
        let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
        match self.map.keys().find(|k| !names.contains(&k.as_str())) {
            Some(k) => Err(self.r.err(
                self.path.clone(),
                crate::plan::ron_io::unknown_field(k, &names),
            )),
            None => Ok(()),
        }
    }
}

/// A `[lon, lat(, z)]` position.
fn position(r: &Reader, v: &Value, path: &str) -> Result<LonLat, FileError> {
    let Value::Array(a) = v else {
        return Err(r.err(
            path,
            format!(
                "a position must be an array [lon, lat], found {}",
                type_name(v)
            ),
        ));
    };
    if a.len() < 2 {
        return Err(r.err(
            path,
            format!("a position needs [lon, lat], found {} number(s)", a.len()),
        ));
    }
    let mut out = [0.0; 2];
    for (k, slot) in out.iter_mut().enumerate() {
        let x = match &a[k] {
            Value::Number(n) => n.as_f64().filter(|x| x.is_finite()),
            _ => None,
        };
        let Some(x) = x else {
            return Err(r.err(
                format!("{path}[{k}]"),
                format!("must be a finite number of degrees, found {}", short(&a[k])),
            ));
        };
        *slot = x;
    }
    let [lon, lat] = out;
    if !(-180.0..=180.0).contains(&lon) {
        return Err(r.err(
            format!("{path}[0]"),
            format!(
                "longitude {lon} is outside -180..180; GeoJSON is [lon, lat] in WGS84 degrees \
                 (reproject from local metres, e.g. EPSG:25832, in QGIS)"
            ),
        ));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(r.err(
            format!("{path}[1]"),
            format!(
                "latitude {lat} is outside -90..90; GeoJSON is [lon, lat] in WGS84 degrees \
                 (check the axis order and the CRS)"
            ),
        ));
    }
    Ok(LonLat::new(lon, lat))
}

fn geometry<'v>(
    r: &Reader,
    f: &'v Map<String, Value>,
    fpath: &str,
    want: &str,
) -> Result<&'v Value, FileError> {
    let gpath = format!("{fpath}.geometry");
    let g = match f.get("geometry") {
        Some(Value::Object(g)) => g,
        None | Some(Value::Null) => {
            return Err(r.err(
                gpath,
                format!("is missing; this feature needs a {want} geometry"),
            ));
        }
        Some(v) => {
            return Err(r.err(gpath, format!("must be an object, found {}", type_name(v))));
        }
    };
    let t = g.get("type").and_then(Value::as_str).unwrap_or("");
    if t != want {
        return Err(r.err(
            format!("{gpath}.type"),
            format!(
                "is {:?}, but this kind of feature needs a {want}{}",
                t,
                if t.starts_with("Multi") {
                    "; split multi-part geometries into single parts (QGIS: Multipart to singleparts)"
                } else {
                    ""
                }
            ),
        ));
    }
    g.get("coordinates")
        .ok_or_else(|| r.err(format!("{gpath}.coordinates"), "is missing"))
}

/// What the reader keeps of each pole of `plan.poles` (parallel to it) until its
/// luminaire is resolved and its azimuth defaulted: where it was read, and whether the
/// file gave its azimuth. Kept beside the poles, not around them, so that the poles need
/// no copy into the plan afterwards (which would hold the poles twice at the peak).
#[derive(Debug, Clone, Copy)]
pub(super) struct PoleNote {
    pub(super) feature: usize,
    /// The pole's luminaire name in the reader's long names
    /// ([`super::Collected::long_luminaires`]), or [`PoleNote::INLINE`]: the pole holds
    /// it.
    pub(super) long_luminaire: u32,
    pub(super) azimuth_given: bool,
}

impl PoleNote {
    /// The pole holds its luminaire's name.
    pub(super) const INLINE: u32 = u32::MAX;
}

/// Reads feature `fi` into `plan` (a pole's note into `notes`, a survey point with the
/// name of its survey into `measurements`).
pub(super) fn read_feature(
    r: &Reader,
    fi: usize,
    fv: &Value,
    plan: &mut Plan,
    notes: &mut Vec<PoleNote>,
    measurements: &mut Vec<(String, SurveyPoint)>,
) -> Result<(), FileError> {
    let fpath = format!("features[{fi}]");
    let Value::Object(f) = fv else {
        return Err(r.err(
            fpath,
            format!("must be a Feature object, found {}", type_name(fv)),
        ));
    };
    let ppath = format!("{fpath}.properties");
    let map = match f.get("properties") {
        Some(Value::Object(m)) => m,
        None | Some(Value::Null) => {
            return Err(r.err(
                format!("{ppath}.kind"),
                "is missing (the feature has no properties); set kind to \"street\", \"pole\", \
                 \"section\" or \"measurement\"",
            ));
        }
        Some(v) => {
            return Err(r.err(ppath, format!("must be an object, found {}", type_name(v))));
        }
    };
    let mut p = Props {
        r,
        map,
        path: ppath,
    };
    let kind = p.req_str(
        "kind",
        "feature kind: \"street\", \"pole\", \"section\" or \"measurement\"",
    )?;
    let id = match map.get("id") {
        None | Some(Value::Null) => match f.get("id") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        },
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(v) => {
            return Err(r.err(
                p.field("id"),
                format!("must be a string, found {}", type_name(v)),
            ));
        }
    };
    // A blank id on a street or pole is refused as blank (not "missing"); a section
    // without an id, or with a blank one, gets "section-N"; a measurement has no id.
    if let Some(blank) = id
        .as_ref()
        .filter(|s| s.trim().is_empty() && matches!(kind.as_str(), "street" | "pole"))
    {
        return Err(r.err(
            p.field("id"),
            format!(
                "is blank ({blank:?}); give every {kind} a unique id such as {}",
                if kind == "street" {
                    "\"S01\""
                } else {
                    "\"P017\""
                }
            ),
        ));
    }
    let id = id.filter(|s| !s.trim().is_empty());
    match kind.as_str() {
        "street" => {
            let id = id.ok_or_else(|| {
                r.err(
                    p.field("id"),
                    "is missing; give every street a unique id such as \"S01\"",
                )
            })?;
            let coords = geometry(r, f, &fpath, "LineString")?;
            let cpath = format!("{fpath}.geometry.coordinates");
            let Value::Array(a) = coords else {
                return Err(r.err(cpath, "must be an array of positions"));
            };
            if a.len() < 2 {
                return Err(r.err(
                    cpath,
                    format!("a street needs at least 2 positions, found {}", a.len()),
                ));
            }
            let points = a
                .iter()
                .enumerate()
                .map(|(k, v)| position(r, v, &format!("{cpath}[{k}]")))
                .collect::<Result<Vec<_>, _>>()?;
            if points.iter().all(|q| *q == points[0]) {
                return Err(r.err(
                    cpath,
                    format!(
                        "a street needs at least 2 distinct positions, found {} all at one \
                         place",
                        points.len()
                    ),
                ));
            }
            let street = schema::street(&p, id, points)?;
            plan.streets.push(street);
        }
        "pole" => {
            let id = id.ok_or_else(|| {
                r.err(
                    p.field("id"),
                    "is missing; give every pole a unique id such as \"P017\"",
                )
            })?;
            let coords = geometry(r, f, &fpath, "Point")?;
            let at = position(r, coords, &format!("{fpath}.geometry.coordinates"))?;
            // The luminaire, a type id or a file path, is resolved once the whole file
            // (and the catalogue) is read.
            let read = schema::pole(&mut p, id.into(), at)?;
            if let Some(review) = read.review {
                plan.pole_reviews.insert(read.pole.id.to_string(), review);
            }
            plan.poles.push(read.pole);
            notes.push(PoleNote {
                feature: fi,
                long_luminaire: PoleNote::INLINE,
                azimuth_given: read.azimuth_given,
            });
        }
        "section" => {
            let section = schema::section(&p, id.unwrap_or_else(|| super::default_section_id(fi)))?;
            plan.sections.push(section);
        }
        "measurement" => {
            let coords = geometry(r, f, &fpath, "Point")?;
            let at = position(r, coords, &format!("{fpath}.geometry.coordinates"))?;
            measurements.push(schema::survey_point(
                &p,
                at,
                &schema::survey_point_fields::E_H_LX,
            )?);
        }
        other => {
            return Err(r.err(
                p.field("kind"),
                format!(
                    "{other:?} is not a kind Lysplan knows; use \"street\", \"pole\", \
                     \"section\" or \"measurement\""
                ),
            ));
        }
    }
    Ok(())
}
