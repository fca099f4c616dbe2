//! Edits written as text, for `lysplan edit` and scripts: `P017.height_m=9.5`,
//! `P017=12.3901,55.6842` (a move), `P017` (a delete) and a row along the route as
//! `street=S1,side=left,from_m=0,to_m=200,count=8,...`. Each parses into an
//! [`Instruction`]; [`Instruction::step`] checks it against the plan with the same
//! operations the app uses and gives the typed edit.

use super::document::{Document, Step};
use super::error::EditError;
use super::op::{Edit, PoleMove};
use super::row::{RowSpacing, RowSpec, row_edit};
use crate::frame::Side;
use crate::plan::Pole;

/// One edit given as text.
#[derive(Debug, Clone, PartialEq)]
pub enum Instruction {
    /// Set one field of a pole.
    Set {
        pole: String,
        field: PoleField,
        value: String,
    },
    /// Move a pole to `lon`/`lat` (its azimuth kept).
    Move { pole: String, lon: f64, lat: f64 },
    /// Delete a pole.
    Delete { pole: String },
    /// Add a row of poles along a street.
    Row(Box<RowSpec>),
    /// Set (or, with an empty text, remove) a street's class schedule, written as the
    /// street editor writes it: `"22:00 M4, 00:00 M5, 05:00 M3"`.
    ClassSchedule { street: String, schedule: String },
    /// Remove a survey measured on site (and its points) by name.
    RemoveSurvey { name: String },
}

/// The fields of a pole `--set` can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoleField {
    HeightM,
    OverhangM,
    TiltDeg,
    AzimuthDeg,
    Lon,
    Lat,
    Vendor,
    Luminaire,
}

impl PoleField {
    pub const ALL: [PoleField; 8] = [
        PoleField::HeightM,
        PoleField::OverhangM,
        PoleField::TiltDeg,
        PoleField::AzimuthDeg,
        PoleField::Lon,
        PoleField::Lat,
        PoleField::Vendor,
        PoleField::Luminaire,
    ];

    /// The field's name in the plan file.
    pub fn name(self) -> &'static str {
        match self {
            PoleField::HeightM => "height_m",
            PoleField::OverhangM => "overhang_m",
            PoleField::TiltDeg => "tilt_deg",
            PoleField::AzimuthDeg => "azimuth_deg",
            PoleField::Lon => "lon",
            PoleField::Lat => "lat",
            PoleField::Vendor => "vendor",
            PoleField::Luminaire => "luminaire",
        }
    }

    fn parse(name: &str) -> Result<PoleField, String> {
        PoleField::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = PoleField::ALL.iter().map(|f| f.name()).collect();
                format!("no pole field {name:?}; use one of {}", names.join(", "))
            })
    }
}

fn number(what: &str, text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .map_err(|_| format!("{what} = {text:?}: not a number"))
}

impl Instruction {
    /// `POLE.FIELD=VALUE`.
    pub fn parse_set(text: &str) -> Result<Instruction, String> {
        let (target, value) = text.split_once('=').ok_or_else(|| {
            format!("{text:?}: expected POLE.FIELD=VALUE, e.g. P017.height_m=9.5")
        })?;
        let (pole, field) = target
            .rsplit_once('.')
            .ok_or_else(|| format!("{target:?}: expected POLE.FIELD, e.g. P017.height_m"))?;
        Ok(Instruction::Set {
            pole: pole.trim().to_string(),
            field: PoleField::parse(field.trim())?,
            value: value.trim().to_string(),
        })
    }

    /// `POLE=LON,LAT`.
    pub fn parse_move(text: &str) -> Result<Instruction, String> {
        let usage = || format!("{text:?}: expected POLE=LON,LAT, e.g. P017=12.3901,55.6842");
        let (pole, at) = text.split_once('=').ok_or_else(usage)?;
        let (lon, lat) = at.split_once(',').ok_or_else(usage)?;
        Ok(Instruction::Move {
            pole: pole.trim().to_string(),
            lon: number("lon", lon)?,
            lat: number("lat", lat)?,
        })
    }

    /// `STREET=HH:MM CLASS, HH:MM CLASS, ...` (after `=` nothing: remove the schedule).
    pub fn parse_class_schedule(text: &str) -> Result<Instruction, String> {
        let (street, schedule) = text.split_once('=').ok_or_else(|| {
            format!(
                "{text:?}: expected STREET=HH:MM CLASS, ..., e.g. gl-landevej=22:00 M5, 05:00 M4"
            )
        })?;
        // The steps are read here, so a typo is refused before the plan is loaded.
        super::route::parse_class_schedule(schedule)?;
        Ok(Instruction::ClassSchedule {
            street: street.trim().to_string(),
            schedule: schedule.to_string(),
        })
    }

    /// `KEY=VALUE,...` with the keys street, side (left or right), from_m, to_m, count
    /// or spacing_m, height_m, offset_m, overhang_m, tilt_deg, vendor and luminaire.
    pub fn parse_row(text: &str) -> Result<Instruction, String> {
        let mut spec = RowSpec {
            street: String::new(),
            side: Side::Right,
            from_m: 0.0,
            to_m: 0.0,
            spacing: RowSpacing::Count(0),
            height_m: 8.0,
            offset_m: 0.0,
            overhang_m: 0.0,
            tilt_deg: 0.0,
            vendor: String::new(),
            luminaire: String::new(),
        };
        let mut seen = Vec::new();
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: expected KEY=VALUE"))?;
            let (k, v) = (k.trim(), v.trim());
            match k {
                "street" => spec.street = v.to_string(),
                "vendor" => spec.vendor = v.to_string(),
                "luminaire" => spec.luminaire = v.to_string(),
                "side" => {
                    spec.side = match v {
                        "left" => Side::Left,
                        "right" => Side::Right,
                        _ => return Err(format!("side = {v:?}: use left or right")),
                    }
                }
                "from_m" => spec.from_m = number(k, v)?,
                "to_m" => spec.to_m = number(k, v)?,
                "count" => {
                    spec.spacing = RowSpacing::Count(
                        v.parse()
                            .map_err(|_| format!("count = {v:?}: not a whole number"))?,
                    )
                }
                "spacing_m" => spec.spacing = RowSpacing::Every(number(k, v)?),
                "height_m" => spec.height_m = number(k, v)?,
                "offset_m" => spec.offset_m = number(k, v)?,
                "overhang_m" => spec.overhang_m = number(k, v)?,
                "tilt_deg" => spec.tilt_deg = number(k, v)?,
                _ => {
                    return Err(format!(
                        "no row key {k:?}; use street, side, from_m, to_m, count or \
                         spacing_m, height_m, offset_m, overhang_m, tilt_deg, vendor, luminaire"
                    ));
                }
            }
            seen.push(k);
        }
        for required in ["street", "to_m", "vendor", "luminaire"] {
            if !seen.contains(&required) {
                return Err(format!("the row needs {required}=..."));
            }
        }
        if !seen.contains(&"count") && !seen.contains(&"spacing_m") {
            return Err("the row needs count=N or spacing_m=M".into());
        }
        Ok(Instruction::Row(Box::new(spec)))
    }

    /// The typed edit this instruction makes on `doc`'s plan, checked as the app checks
    /// the same edit.
    pub fn step(&self, doc: &Document) -> Result<Step, EditError> {
        let pole = |id: &str| -> Result<(usize, &Pole), EditError> {
            let i = doc.pole_index(id).ok_or_else(|| EditError::Missing {
                kind: "pole",
                id: id.to_string(),
            })?;
            Ok((i, &doc.plan().poles[i]))
        };
        match self {
            Instruction::Set {
                pole: id,
                field,
                value,
            } => {
                let (i, p) = pole(id)?;
                let mut q = p.clone();
                match field {
                    PoleField::Vendor => {
                        if doc.plan().vendor(value).is_none() {
                            return Err(EditError::Missing {
                                kind: "vendor",
                                id: value.clone(),
                            });
                        }
                        q.vendor = value.as_str().into();
                    }
                    PoleField::Luminaire => {
                        if doc.plan().luminaire(value).is_none() {
                            return Err(EditError::Missing {
                                kind: "luminaire type",
                                id: value.clone(),
                            });
                        }
                        q.luminaire = value.as_str().into();
                    }
                    f => {
                        let v = number(f.name(), value)?;
                        *match f {
                            PoleField::HeightM => &mut q.height_m,
                            PoleField::OverhangM => &mut q.overhang_m,
                            PoleField::TiltDeg => &mut q.tilt_deg,
                            PoleField::AzimuthDeg => &mut q.azimuth_deg,
                            PoleField::Lon => &mut q.lon,
                            _ => &mut q.lat,
                        } = v;
                    }
                }
                super::poles::validate_pole(&q).map_err(|e| e.of(id.clone()))?;
                Ok(Step {
                    label: format!("Set {}.{} to {value}", id, field.name()),
                    edit: Edit::SetPoles(vec![(i, q)]),
                })
            }
            Instruction::Move { pole: id, lon, lat } => {
                let (i, p) = pole(id)?;
                let mut q = p.clone();
                (q.lon, q.lat) = (*lon, *lat);
                super::poles::validate_pole(&q).map_err(|e| e.of(id.clone()))?;
                Ok(Step {
                    label: format!("Move pole {id} to {lon}, {lat}"),
                    edit: Edit::MovePoles(vec![PoleMove {
                        index: i,
                        lon: *lon,
                        lat: *lat,
                        azimuth_deg: p.azimuth_deg,
                    }]),
                })
            }
            Instruction::Delete { pole: id } => {
                pole(id)?;
                let ids = [id.clone()].into_iter().collect();
                super::poles::delete_poles(doc, &ids).ok_or_else(|| EditError::Missing {
                    kind: "pole",
                    id: id.clone(),
                })
            }
            Instruction::Row(spec) => row_edit(doc.plan(), spec).map(|(step, _)| step),
            Instruction::RemoveSurvey { name } => {
                Ok(super::measured::remove_survey(doc.plan(), name)?)
            }
            Instruction::ClassSchedule { street, schedule } => {
                // Unchanged: an empty batch, which the document reports as unchanged.
                Ok(
                    super::route::set_class_schedule(doc.plan(), street, schedule)?.unwrap_or_else(
                        || Step {
                            label: format!("Class schedule of {street}"),
                            edit: Edit::Batch(Vec::new()),
                        },
                    ),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_parse_and_refuse_with_the_reason() {
        assert_eq!(
            Instruction::parse_set("P017.height_m=9.5"),
            Ok(Instruction::Set {
                pole: "P017".into(),
                field: PoleField::HeightM,
                value: "9.5".into()
            })
        );
        let e = Instruction::parse_set("P017.colour=red").unwrap_err();
        assert!(e.contains("height_m"), "{e}");
        assert!(Instruction::parse_set("P017").is_err());
        assert!(Instruction::parse_move("P1=12.3,55.6").is_ok());
        assert!(Instruction::parse_move("P1=12.3").is_err());
        assert!(Instruction::parse_row("street=S1,to_m=90,vendor=v,luminaire=l").is_err());
        let e = Instruction::parse_row("street=S1,side=up").unwrap_err();
        assert!(e.contains("left or right"), "{e}");
    }

    #[test]
    fn steps_are_checked_against_the_plan() {
        let d = Document::new(crate::bundled::doll_plan(), None);
        let id = d.plan().poles[0].id.to_string();
        let set = |text: &str| Instruction::parse_set(text).unwrap().step(&d);
        assert!(set(&format!("{id}.height_m=9.5")).is_ok());
        let e = set(&format!("{id}.height_m=-1")).unwrap_err().to_string();
        assert!(e.contains(&id) && e.contains("height"), "{e}");
        let e = set(&format!("{id}.vendor=nobody")).unwrap_err().to_string();
        assert!(e.contains("vendor nobody is not in the plan"), "{e}");
        let e = set("NOPE.height_m=9").unwrap_err().to_string();
        assert!(e.contains("pole NOPE is not in the plan"), "{e}");
        let mv = Instruction::parse_move(&format!("{id}=200,55")).unwrap();
        assert!(mv.step(&d).is_err(), "not a lon/lat");
    }
}
