//! The `lysplan` foreign member (plan settings, vendors, luminaire types) and photometry
//! files referenced by poles.

use super::feature::Props;
use super::{Reader, type_name};
use crate::error::FileError;
use crate::plan::validate::{self, ValueError};
use crate::plan::{FORMAT_VERSION, LuminaireType, PhotometrySource, Plan, Rules, Vendor};
use serde_json::Value;
use std::path::Path;

/// Colours for vendors created from a GeoJSON without a vendor list.
pub(super) const PALETTE: [[u8; 3]; 8] = [
    [31, 119, 180],
    [255, 127, 14],
    [44, 160, 44],
    [214, 39, 40],
    [148, 103, 189],
    [140, 86, 75],
    [227, 119, 194],
    [23, 190, 207],
];

pub(super) fn is_photometry_path(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.ends_with(".ldt") || l.ends_with(".ies")
}

/// Reads the photometry file `rel` (relative to the GeoJSON file), embeds it as a new
/// luminaire type and returns its id. A file that exists but does not parse is still
/// embedded (flux and power 0); the `reference.luminaire` check reports it.
pub(super) fn embed_photometry(
    r: &Reader,
    field: &str,
    rel: &str,
    plan: &mut Plan,
) -> Result<String, FileError> {
    let base = r.origin.parent().unwrap_or(Path::new("."));
    let path = base.join(rel);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        // A missing file is a finding (`reference.luminaire`, naming it), not a refusal of
        // the whole plan: the coordinator still sees the rest of a vendor's plan. The type
        // is embedded with no text, which the check reports as unreadable.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(r.err(
                field,
                format!(
                    "cannot read photometry file {} ({e}); the path is relative to the \
                     GeoJSON file, or use a luminaire type id of the \"lysplan\" member",
                    path.display()
                ),
            ));
        }
    };
    let text = String::from_utf8(bytes.clone())
        .unwrap_or_else(|_| bytes.iter().map(|&b| b as char).collect());
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| rel.to_string());
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "luminaire".into());
    let mut id = stem.clone();
    let mut n = 2;
    while plan.luminaires.iter().any(|l| l.id == id) {
        id = format!("{stem}-{n}");
        n += 1;
    }
    let (name, flux_lm, power_w) = match crate::photometry::parse(&text, &path) {
        Ok(ph) => {
            let name = [ph.manufacturer.trim(), ph.name.trim()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            (
                if name.is_empty() { stem.clone() } else { name },
                ph.declared_flux_lm.or(ph.lamp_flux_lm).unwrap_or(0.0),
                ph.power_w,
            )
        }
        Err(_) => (stem.clone(), 0.0, 0.0),
    };
    // A file's odd figures (negative, NaN) are not the GeoJSON author's to fix: use 0,
    // as for a file that does not parse.
    let (flux_lm, power_w) = (
        Some(flux_lm)
            .filter(|&v| validate::LUMINAIRE_FLUX.allows(v))
            .unwrap_or(0.0),
        Some(power_w)
            .filter(|&v| validate::LUMINAIRE_POWER.allows(v))
            .unwrap_or(0.0),
    );
    plan.luminaires.push(LuminaireType {
        id: id.clone(),
        name,
        photometry: PhotometrySource::Embedded { file_name, text },
        rotation_deg: 0.0,
        flux_lm,
        power_w,
        standby_w: 0.0,
    });
    Ok(id)
}

/// Reads the `lysplan` foreign member into `plan`; returns whether it listed vendors.
pub(super) fn read_meta(
    r: &Reader,
    meta: Option<&Value>,
    plan: &mut Plan,
) -> Result<bool, FileError> {
    let m = match meta {
        None | Some(Value::Null) => return Ok(false),
        Some(Value::Object(m)) => m,
        Some(v) => {
            return Err(r.err(
                "lysplan",
                format!("must be an object, found {}", type_name(v)),
            ));
        }
    };
    let p = Props {
        r,
        map: m,
        path: "lysplan".into(),
    };
    if let Some(v) = p.opt_num("format_version")?
        && v > FORMAT_VERSION as f64
    {
        return Err(r.err(
            "lysplan.format_version",
            format!(
                "the file is format version {v}, but this Lysplan reads up to version \
                 {FORMAT_VERSION}; open it with a newer Lysplan"
            ),
        ));
    }
    if let Some(s) = p.opt_str("name")? {
        plan.name = s;
    }
    if let Some(s) = p.opt_str("description")? {
        plan.description = s;
    }
    if let Some(v) = p.opt_num("maintenance_factor")? {
        plan.maintenance_factor = v;
    }
    if let Some(v) = p.opt_num("burning_hours_per_year")? {
        plan.burning_hours_per_year = v;
    }
    if let Some(v) = m.get("rules").filter(|v| !v.is_null()) {
        plan.rules = serde_json::from_value::<Rules>(v.clone()).map_err(|e| {
            r.err(
                "lysplan.rules",
                format!("{e}; rules are numbers named as in the RON plan (min_spacing_m, ...)"),
            )
        })?;
    }
    validate::plan_settings(plan).map_err(|e| p.refused(e))?;
    if let Some(v) = m.get("energy").filter(|v| !v.is_null()) {
        plan.energy = serde_json::from_value(v.clone()).map_err(|e| {
            r.err(
                "lysplan.energy",
                format!(
                    "{e}; energy holds year, time_zone, switch_sun_elevation_deg, \
                     co2_g_per_kwh, co2_source, baseline_power_w and baseline_name"
                ),
            )
        })?;
        plan.energy
            .check()
            .map_err(|e| refused(r, "lysplan.energy", e))?;
    }
    match m.get("control_profiles") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) => {
            for (k, v) in a.iter().enumerate() {
                let at = format!("lysplan.control_profiles[{k}]");
                let profile: super::super::energy::ControlProfile =
                    serde_json::from_value(v.clone()).map_err(|e| {
                        r.err(
                            at.clone(),
                            format!(
                                "{e}; a profile is {{\"id\", \"name\", \"steps\": [[\"22:00\", \
                                 0.5], ...], \"presence\": {{\"idle_level\", \"occupancy\": [24 \
                                 values]}}}}"
                            ),
                        )
                    })?;
                profile.check().map_err(|e| refused(r, &at, e))?;
                plan.control_profiles.push(profile);
            }
        }
        Some(v) => {
            return Err(r.err(
                "lysplan.control_profiles",
                format!("must be an array, found {}", type_name(v)),
            ));
        }
    }
    if let Some(v) = p.opt_num("revision")? {
        if !(v >= 0.0 && v.fract() == 0.0 && v <= 9.0e15) {
            return Err(r.err(
                "lysplan.revision",
                format!("is {v}, but it must be a whole number ≥ 0 (the count of saves)"),
            ));
        }
        plan.revision = v as u64;
    }
    if let Some(v) = m.get("changelog").filter(|v| !v.is_null()) {
        plan.changelog = serde_json::from_value(v.clone()).map_err(|e| {
            r.err(
                "lysplan.changelog",
                format!(
                    "{e}; a changelog entry is {{\"revision\", \"time\", \"author\", \
                     \"summary\"}}"
                ),
            )
        })?;
    }
    if let Some(v) = m.get("submissions").filter(|v| !v.is_null()) {
        plan.submissions = serde_json::from_value(v.clone()).map_err(|e| {
            r.err(
                "lysplan.submissions",
                format!(
                    "{e}; a submission is {{\"vendor\", \"file\", \"sha256\", \"received\", \
                     \"decisions\": [{{\"object\", \"change\", \"verdict\", \"comment\", \
                     \"reviewer\", \"time\"}}]}}"
                ),
            )
        })?;
    }
    let vendors_given = match m.get("vendors") {
        None | Some(Value::Null) => false,
        Some(Value::Array(a)) => {
            for (k, v) in a.iter().enumerate() {
                let vendor = serde_json::from_value::<Vendor>(v.clone()).map_err(|e| {
                    r.err(
                        format!("lysplan.vendors[{k}]"),
                        format!("{e}; a vendor is {{\"id\", \"name\", \"color\": [r, g, b]}}"),
                    )
                })?;
                validate::vendor(&vendor)
                    .map_err(|e| refused(r, &format!("lysplan.vendors[{k}]"), e))?;
                plan.vendors.push(vendor);
            }
            true
        }
        Some(v) => {
            return Err(r.err(
                "lysplan.vendors",
                format!("must be an array, found {}", type_name(v)),
            ));
        }
    };
    match m.get("luminaires") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) => {
            for (k, v) in a.iter().enumerate() {
                let lum = serde_json::from_value::<LuminaireType>(v.clone()).map_err(|e| {
                    r.err(
                        format!("lysplan.luminaires[{k}]"),
                        format!(
                            "{e}; a luminaire type is {{\"id\", \"name\", \"photometry\", \
                             \"flux_lm\", \"power_w\"}}"
                        ),
                    )
                })?;
                validate::luminaire(&lum)
                    .map_err(|e| refused(r, &format!("lysplan.luminaires[{k}]"), e))?;
                plan.luminaires.push(lum);
            }
        }
        Some(v) => {
            return Err(r.err(
                "lysplan.luminaires",
                format!("must be an array, found {}", type_name(v)),
            ));
        }
    }
    match m.get("surfaces") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) => {
            for (k, v) in a.iter().enumerate() {
                let surface = serde_json::from_value::<crate::plan::RoadSurface>(v.clone())
                    .map_err(|e| {
                        r.err(
                            format!("lysplan.surfaces[{k}]"),
                            format!("{e}; a road surface is {{\"id\", \"name\", \"table_csv\"}}"),
                        )
                    })?;
                plan.surfaces.push(surface);
            }
        }
        Some(v) => {
            return Err(r.err(
                "lysplan.surfaces",
                format!("must be an array, found {}", type_name(v)),
            ));
        }
    }
    Ok(vendors_given)
}

/// A refused value of the object at `at` (`lysplan.vendors[0]`).
fn refused(r: &Reader, at: &str, e: ValueError) -> FileError {
    r.err(
        format!("{at}.{}", e.path),
        format!("is {}, but it must be {}", e.value, e.allowed),
    )
}
