//! The `lysplan` foreign member (plan settings, vendors, luminaire types) and photometry
//! files referenced by poles.

use super::feature::Props;
use super::{Reader, type_name};
use crate::error::FileError;
use crate::plan::schema::{self, Field};
use crate::plan::validate;
use crate::plan::{LuminaireType, PhotometrySource, Plan};
use serde_json::{Map, Value};
use std::path::Path;

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
        output_level: 1.0,
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
    // The settings, then the vendors and luminaire types, each by the schema.
    schema::settings(&p, plan)?;
    let vendors = objects(r, m, "vendors", &schema::vendor_fields::ALL)?;
    let vendors_given = vendors.is_some();
    for (k, o) in vendors.into_iter().flatten().enumerate() {
        plan.vendors.push(schema::vendor(&o, k)?);
    }
    for o in objects(r, m, "luminaires", &schema::luminaire_fields::ALL)?
        .into_iter()
        .flatten()
    {
        plan.luminaires.push(schema::luminaire(&o)?);
    }
    Ok(vendors_given)
}

/// The objects of the array member `key` of the `lysplan` member, each refused with its
/// path if it is not an object or names a field `fields` does not; `None`: no such
/// member.
fn objects<'r, 'a>(
    r: &'r Reader<'a>,
    m: &'r Map<String, Value>,
    key: &str,
    fields: &[Field],
) -> Result<Option<Vec<Props<'r, 'a>>>, FileError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let path = format!("lysplan.{key}[{k}]");
                let Value::Object(map) = v else {
                    return Err(r.err(path, format!("must be an object, found {}", type_name(v))));
                };
                let o = Props { r, map, path };
                o.only(fields)?;
                Ok(o)
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(v) => Err(r.err(
            format!("lysplan.{key}"),
            format!("must be an array, found {}", type_name(v)),
        )),
    }
}
