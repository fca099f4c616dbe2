//! The one validator of plan values: what a valid pole, street, section, luminaire type
//! and plan setting is. Every reader (RON, GeoJSON, the street import), the app's
//! inspector and the CLI use it.
//!
//! Two levels, as a coordinator needs them:
//! - impossible values (NaN, a height <= 0, a maintenance factor over 1, a section ending
//!   before it starts, a blank id) are *refused*: the readers fail with the file and the
//!   field named ([`ValueError`]), and `lysplan check` exits with 2;
//! - possible but implausible values (a 75 m pole, a 40° tilt) load and give a
//!   `value.implausible` warning finding ([`warnings`]), so a vendor's odd plan still
//!   opens.
//!
//! Each numeric limit is stated once, as a [`Limit`] constant (all of them in [`ALL`]);
//! [`pole_values`] and [`settings_values`] pair limits with fields. Positions (lon/lat)
//! are not judged here: an unusable position in a RON plan is the `placement.position`
//! error finding of the checks.
//!
//! ```
//! use lysplan::plan::{Plan, validate};
//! let mut plan = lysplan::check::synth::plan(10);
//! assert!(validate::plan(&plan).is_ok());
//! plan.poles[3].height_m = f64::NAN;
//! let e = validate::plan(&plan).unwrap_err();
//! assert_eq!(e.path, format!("poles[3] ({}).height_m", plan.poles[3].id));
//! assert_eq!(e.to_string(), format!("{} = NaN: must be a finite number > 0", e.path));
//! ```

use super::{LuminaireType, Plan, Pole, Section, Street};
use crate::finding::{Finding, RuleId, Severity};
use crate::frame::Polyline;

/// Rule id of the warning findings for plausible-but-odd values.
pub const IMPLAUSIBLE: RuleId = RuleId::ValueImplausible;

/// A section may end this much beyond its street's last vertex before it is called
/// implausible (chainages typed by hand, or rounded when read from a GIS).
pub const SECTION_END_TOLERANCE_M: f64 = 0.5;

pub use super::value::{Allowed, Bound, Found, Limit, Unit, ValueError};

use Bound::{Excl, Incl};

/// Pole `height_m`: the luminaire's height above ground.
pub const POLE_HEIGHT: Limit = Limit::any("height_m").min(Excl(0.0)).warn_above(60.0);
/// Pole `tilt_deg`.
pub const POLE_TILT: Limit = Limit::any("tilt_deg")
    .min(Incl(0.0))
    .max(Excl(90.0))
    .warn_above(30.0);
/// Pole `overhang_m`.
pub const POLE_OVERHANG: Limit = Limit::any("overhang_m").min(Incl(0.0)).warn_above(15.0);
/// Pole `azimuth_deg` (any bearing; taken modulo 360).
pub const POLE_AZIMUTH: Limit = Limit::any("azimuth_deg");
/// Street `width_m`: the carriageway width.
pub const STREET_WIDTH: Limit = Limit::any("width_m").min(Excl(0.0)).warn_above(60.0);
/// Street `lanes`: how many lanes share the carriageway (a whole number).
pub const STREET_LANES: Limit = Limit::any("lanes").min(Incl(1.0)).max(Incl(12.0));

/// Section `from_m` (and `to_m`, with the same range): chainage from the street's first
/// vertex. `to_m` must also be at least `from_m`; it is implausible beyond the street's
/// length.
pub const SECTION_FROM: Limit = Limit::any("from_m").min(Incl(0.0));
/// Section `to_m`.
pub const SECTION_TO: Limit = Limit::any("to_m").min(Incl(0.0));

/// Luminaire type `rotation_deg`.
pub const LUMINAIRE_ROTATION: Limit = Limit::any("rotation_deg");
/// Luminaire type `flux_lm`.
pub const LUMINAIRE_FLUX: Limit = Limit::any("flux_lm").min(Incl(0.0));
/// Luminaire type `power_w`.
pub const LUMINAIRE_POWER: Limit = Limit::any("power_w").min(Incl(0.0));
/// Luminaire type `standby_w` (what it draws on at level 0).
pub const LUMINAIRE_STANDBY: Limit = Limit::any("standby_w").min(Incl(0.0));
/// Luminaire type `output_level`: the driver's set output, a fraction of the rated one.
pub const LUMINAIRE_OUTPUT_LEVEL: Limit = Limit::any("output_level").min(Excl(0.0)).max(Incl(1.0));
/// Plan `maintenance_factor` (EN 13201: 0 < MF <= 1).
pub const MAINTENANCE_FACTOR: Limit = Limit::any("maintenance_factor")
    .min(Excl(0.0))
    .max(Incl(1.0))
    .warn_below(0.5);
/// Plan `burning_hours_per_year` (at most a leap year's 8784 hours).
pub const BURNING_HOURS: Limit = Limit::any("burning_hours_per_year")
    .min(Incl(0.0))
    .max(Incl(8784.0));
/// Any of the plan's `rules.*` thresholds.
pub const RULE_THRESHOLD: Limit = Limit::any("rules").min(Incl(0.0));
/// Every limit, for documentation and for editors that show the allowed range.
pub const ALL: [Limit; 13] = [
    POLE_HEIGHT,
    POLE_TILT,
    POLE_OVERHANG,
    POLE_AZIMUTH,
    STREET_WIDTH,
    SECTION_FROM,
    SECTION_TO,
    LUMINAIRE_ROTATION,
    LUMINAIRE_FLUX,
    LUMINAIRE_POWER,
    LUMINAIRE_STANDBY,
    MAINTENANCE_FACTOR,
    BURNING_HOURS,
];

/// A pole's numeric fields with their limits.
pub fn pole_values(p: &Pole) -> [(Limit, f64); 4] {
    [
        (POLE_HEIGHT, p.height_m),
        (POLE_TILT, p.tilt_deg),
        (POLE_OVERHANG, p.overhang_m),
        (POLE_AZIMUTH, p.azimuth_deg),
    ]
}

/// The plan settings' numeric fields (without `rules.*`) with their limits.
pub fn settings_values(plan: &Plan) -> [(Limit, f64); 2] {
    [
        (MAINTENANCE_FACTOR, plan.maintenance_factor),
        (BURNING_HOURS, plan.burning_hours_per_year),
    ]
}

/// A number as found in a file ("NaN", "inf", "-3", "0.25").
pub(crate) fn number(v: f64) -> String {
    crate::finding::number(v)
}

fn id(value: &str, example: &'static str) -> Result<(), ValueError> {
    if value.trim().is_empty() {
        Err(ValueError::new(
            "id",
            format!("{value:?}"),
            Allowed::Id { example },
        ))
    } else {
        Ok(())
    }
}

fn all(values: impl IntoIterator<Item = (Limit, f64)>) -> Result<(), ValueError> {
    values.into_iter().try_for_each(|(limit, v)| limit.check(v))
}

/// A pole's values (not its position, not its references). Paths are relative
/// (`"height_m"`).
pub fn pole(p: &Pole) -> Result<(), ValueError> {
    id(&p.id, "P017")?;
    all(pole_values(p))
}

/// A street's values (not its vertices).
pub fn street(s: &Street) -> Result<(), ValueError> {
    id(&s.id, "S01")?;
    STREET_WIDTH.check(s.width_m)?;
    STREET_LANES.check(f64::from(s.lanes))?;
    if s.surface.trim().is_empty() {
        return Err(ValueError::new(
            "surface",
            format!("{:?}", s.surface),
            Allowed::Described("the id of a road surface r-table, such as \"C2\"".into()),
        ));
    }
    class_schedule(s)
}

/// A street's `class_schedule`: `"HH:MM"` times, no two the same, and every class of
/// the design class's family (a schedule needs a design class). Paths
/// `"class_schedule[i].time"` and `"class_schedule[i].class"`.
pub fn class_schedule(s: &Street) -> Result<(), ValueError> {
    super::energy::check_step_times(
        "class_schedule",
        s.class_schedule.iter().map(|(t, _)| t.as_str()),
    )?;
    for (i, &(_, c)) in s.class_schedule.iter().enumerate() {
        let allowed = match s.class {
            None => "no class: a schedule needs a design class (set class first)".to_owned(),
            Some(d) if d.family() != c.family() => format!(
                "a class of the design class {d}'s family ({}): a schedule may not mix M, \
                 C and P classes",
                match d.family() {
                    'M' => "M1..M6",
                    'C' => "C0..C5",
                    _ => "P1..P6",
                }
            ),
            Some(_) => continue,
        };
        return Err(ValueError::new(
            format!("class_schedule[{i}].class"),
            c.name(),
            Allowed::Described(allowed),
        ));
    }
    Ok(())
}

/// A street's vertices: at least two distinct positions, as every file format asks
/// (path `"points"`). A street of one point has no length and no direction, and every
/// pole would be off its route. Whether the positions are usable lon/lat is not judged
/// here (`placement.position`).
pub fn street_vertices(s: &Street) -> Result<(), ValueError> {
    let distinct = match s.points.split_first() {
        Some((first, rest)) => 1 + usize::from(rest.iter().any(|q| q != first)),
        None => 0,
    };
    if distinct >= 2 {
        return Ok(());
    }
    let n = s.points.len();
    Err(ValueError {
        path: "points".into(),
        value: match n {
            0 => "no positions".into(),
            1 => "1 position".into(),
            n => format!("{n} positions, all at one place").into(),
        },
        allowed: Allowed::Described(
            "at least 2 distinct positions [lon, lat]; a street runs from its first vertex \
             to its last"
                .into(),
        ),
    })
}

/// A section's values: an id, chainages >= 0 and `from_m <= to_m`. Whether it fits its
/// street is a warning ([`warnings`]).
pub fn section(s: &Section) -> Result<(), ValueError> {
    id(&s.id, "SEC01")?;
    all([(SECTION_FROM, s.from_m), (SECTION_TO, s.to_m)])?;
    if s.from_m > s.to_m {
        return Err(ValueError::new(
            "to_m",
            s.to_m,
            Allowed::AtLeastField {
                field: "from_m",
                value: s.from_m,
                why: "; a section runs from its lower chainage to its higher one",
            },
        ));
    }
    Ok(())
}

/// A luminaire type's values (not its photometry).
pub fn luminaire(l: &LuminaireType) -> Result<(), ValueError> {
    id(&l.id, "L01")?;
    all([
        (LUMINAIRE_ROTATION, l.rotation_deg),
        (LUMINAIRE_FLUX, l.flux_lm),
        (LUMINAIRE_POWER, l.power_w),
        (LUMINAIRE_STANDBY, l.standby_w),
        (LUMINAIRE_OUTPUT_LEVEL, l.output_level),
    ])?;
    if l.standby_w > l.power_w {
        return Err(ValueError::new(
            "standby_w",
            l.standby_w,
            Allowed::AtMostField {
                field: "power_w",
                value: l.power_w,
                why: ": standby is what it draws dimmed to 0",
            },
        ));
    }
    Ok(())
}

/// A vendor's id.
pub fn vendor(v: &super::Vendor) -> Result<(), ValueError> {
    id(&v.id, "acme")
}

/// The plan settings: maintenance factor, burning hours and every `rules.*` threshold
/// (paths `"maintenance_factor"`, `"rules.min_spacing_m"`).
pub fn plan_settings(plan: &Plan) -> Result<(), ValueError> {
    all(settings_values(plan))?;
    for (name, v) in rule_values(&plan.rules) {
        RULE_THRESHOLD.check(v).map_err(|e| ValueError {
            path: format!("rules.{name}"),
            ..e
        })?;
    }
    if plan.rules.dark_pole_share > 1.0 {
        return Err(ValueError::new(
            "rules.dark_pole_share",
            plan.rules.dark_pole_share,
            Allowed::Described("a share of the calculated light from 0 to 1".into()),
        ));
    }
    Ok(())
}

/// The `rules.*` thresholds by name.
pub fn rule_values(r: &super::Rules) -> [(&'static str, f64); 7] {
    [
        ("min_spacing_m", r.min_spacing_m),
        ("max_spacing_m", r.max_spacing_m),
        ("max_spacing_to_height", r.max_spacing_to_height),
        ("max_offset_m", r.max_offset_m),
        ("same_spot_m", r.same_spot_m),
        ("dark_pole_share", r.dark_pole_share),
        ("dark_pole_ratio", r.dark_pole_ratio),
    ]
}

/// How [`plan`] names object `i` with id `id` in paths: `poles[3] (P017)`.
pub fn object_path(list: &str, i: usize, id: &str) -> String {
    if id.trim().is_empty() {
        format!("{list}[{i}]")
    } else {
        format!("{list}[{i}] ({id})")
    }
}

/// Everything: settings, vendors, luminaire types, streets, sections and poles, the
/// first refusal with its full path (`"poles[3] (P017).height_m"`).
pub fn plan(plan: &Plan) -> Result<(), ValueError> {
    plan_settings(plan)?;
    fn each<T: Sync>(
        list: &str,
        items: &[T],
        id: impl Fn(&T) -> &str + Sync,
        check: impl Fn(&T) -> Result<(), ValueError> + Sync,
    ) -> Result<(), ValueError> {
        use rayon::prelude::*;
        // On all cores (a million poles), the first refusal in order.
        match items
            .par_iter()
            .enumerate()
            .find_map_first(|(i, x)| check(x).err().map(|e| (i, e)))
        {
            Some((i, e)) => Err(e.within(&object_path(list, i, id(&items[i])))),
            None => Ok(()),
        }
    }
    each("vendors", &plan.vendors, |v| &v.id, vendor)?;
    each("luminaires", &plan.luminaires, |l| &l.id, luminaire)?;
    each(
        "streets",
        &plan.streets,
        |s| &s.id,
        |s| {
            street(s)?;
            street_vertices(s)
        },
    )?;
    each("sections", &plan.sections, |s| &s.id, section)?;
    each("poles", &plan.poles, |p| &p.id, pole)?;
    plan.energy.check().map_err(|e| e.within("energy"))?;
    each(
        "control_profiles",
        &plan.control_profiles,
        |p| &p.id,
        super::energy::ControlProfile::check,
    )?;
    each(
        "surveys",
        &plan.surveys,
        |s| &s.name,
        super::measured::check_survey,
    )?;
    each(
        "energy_readings",
        &plan.energy_readings,
        |_| "",
        super::measured::check_reading,
    )?;
    // Profile ids are unique (vendors name them). An unknown id on a vendor is not
    // refused here: the plan opens and `reference.profile` reports it.
    for (i, p) in plan.control_profiles.iter().enumerate() {
        if plan.control_profiles[..i].iter().any(|q| q.id == p.id) {
            return Err(ValueError::new(
                format!("{}.id", object_path("control_profiles", i, &p.id)),
                format!("{:?}", p.id),
                Allowed::Described("an id no other control profile has".into()),
            ));
        }
    }
    Ok(())
}

fn warning(message: String) -> Finding {
    Finding {
        rule: IMPLAUSIBLE,
        severity: Severity::Warning,
        message,
        poles: Vec::new(),
        street: None,
        chainage_m: None,
        lon: None,
        lat: None,
    }
}

/// `value.implausible` warnings of pole `i` (height, tilt, overhang), at the pole.
pub fn pole_warnings(plan: &Plan, i: usize) -> Vec<Finding> {
    let Some(p) = plan.poles.get(i) else {
        return Vec::new();
    };
    pole_values(p)
        .into_iter()
        .filter_map(|(limit, v)| {
            let beyond = limit.implausible(v)?;
            let mut f = warning(format!(
                "{}: {} = {} is implausible ({beyond}); check the value",
                p.id,
                limit.field,
                number(v)
            ));
            f.poles = vec![p.id.to_string()];
            if crate::frame::valid_lonlat(p.lon, p.lat) {
                f.lon = Some(p.lon);
                f.lat = Some(p.lat);
            }
            Some(f)
        })
        .collect()
}

/// `value.implausible` warnings that do not depend on any pole: plan settings, street
/// widths, sections reaching beyond their street's end.
pub fn plan_warnings(plan: &Plan) -> Vec<Finding> {
    let mut out = Vec::new();
    for (limit, v) in settings_values(plan) {
        if let Some(beyond) = limit.implausible(v) {
            out.push(warning(format!(
                "{} = {} is implausible ({beyond}); check the value",
                limit.field,
                number(v)
            )));
        }
    }
    for s in &plan.streets {
        if let Some(beyond) = STREET_WIDTH.implausible(s.width_m) {
            let mut f = warning(format!(
                "street {}: width_m = {} is implausible ({beyond}); check the value",
                s.id,
                number(s.width_m)
            ));
            f.street = Some(s.id.clone());
            out.push(f);
        }
    }
    let mut lengths: std::collections::HashMap<&str, Option<f64>> = Default::default();
    for sec in &plan.sections {
        let length = *lengths.entry(sec.street.as_str()).or_insert_with(|| {
            let s = plan.street(&sec.street)?;
            let usable = s.points.len() >= 2 && s.points.iter().all(|q| q.is_valid());
            usable.then(|| Polyline::from_lonlat(&s.points).length())
        });
        let Some(length) = length else {
            // An unknown street is `reference.street`; unusable vertices are
            // `placement.position`.
            continue;
        };
        let end = length + SECTION_END_TOLERANCE_M;
        // Refused values (NaN, from > to) are the readers' business, not a warning.
        let (field, v) = if sec.from_m.is_finite() && sec.from_m > end {
            ("from_m", sec.from_m)
        } else if sec.to_m.is_finite() && sec.to_m > end {
            ("to_m", sec.to_m)
        } else {
            continue;
        };
        let mut f = warning(format!(
            "section {} ({}): {field} = {} is implausible (beyond the end of street {} at \
             {length:.1} m); check the chainage",
            sec.id,
            sec.vendor,
            number(v),
            sec.street
        ));
        f.street = Some(sec.street.clone());
        f.chainage_m = Some(v);
        out.push(f);
    }
    out
}

/// Every `value.implausible` warning of the plan: values that load but are probably
/// wrong (a 75 m pole, a 40° tilt, a maintenance factor of 0.3, a section past its
/// street's end). The checks include them in their findings.
pub fn warnings(plan: &Plan) -> Vec<Finding> {
    let mut out = plan_warnings(plan);
    for i in 0..plan.poles.len() {
        out.extend(pole_warnings(plan, i));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_texts() {
        assert_eq!(POLE_HEIGHT.allowed(), "a finite number > 0");
        assert_eq!(POLE_TILT.allowed(), "a finite number in 0..90, 90 excluded");
        assert_eq!(MAINTENANCE_FACTOR.allowed(), "a finite number in (0, 1]");
        assert_eq!(BURNING_HOURS.allowed(), "a finite number in 0..8784");
        assert_eq!(POLE_AZIMUTH.allowed(), "a finite number");
    }

    #[test]
    fn limits_refuse_and_warn() {
        assert!(POLE_HEIGHT.check(f64::NAN).is_err());
        assert!(POLE_HEIGHT.check(0.0).is_err());
        assert!(POLE_HEIGHT.check(f64::INFINITY).is_err());
        assert_eq!(POLE_HEIGHT.implausible(60.0), None);
        assert_eq!(POLE_HEIGHT.implausible(61.0).as_deref(), Some("above 60"));
        assert!(POLE_TILT.check(90.0).is_err());
        assert!(POLE_TILT.check(89.9).is_ok());
        assert!(MAINTENANCE_FACTOR.check(1.0).is_ok());
        assert!(MAINTENANCE_FACTOR.check(1.01).is_err());
        assert_eq!(
            MAINTENANCE_FACTOR.implausible(0.4).as_deref(),
            Some("below 0.5")
        );
        let e = POLE_HEIGHT.check(0.0).unwrap_err();
        assert_eq!(e.to_string(), "height_m = 0: must be a finite number > 0");
    }
}
