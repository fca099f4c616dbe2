//! Edits of poles: add one facing its street, delete some, change fields of many, set
//! their review status. Each function checks its input against the plan and returns the
//! typed edit with its label; nothing changes until the edit is applied to a
//! [`super::Document`].

use super::document::{Document, Step};
use super::error::EditError;
use super::op::Edit;
use crate::frame::{Xy, to_utm32};
use crate::plan::Pole;

/// Where a pole may be added or moved: the positions the rules can judge.
pub use crate::frame::valid_lonlat;

/// Why a pole's fields are unacceptable, or Ok: the core's validator (the same limits
/// as the RON and GeoJSON readers), plus a position the rules can judge. The message
/// names the field, the value and what is allowed (see [`crate::plan::validate::ValueError::explain`]).
pub fn validate_pole(p: &Pole) -> Result<(), EditError> {
    crate::plan::validate::pole(p)?;
    if !valid_lonlat(p.lon, p.lat) {
        return Err(EditError::rule("the position is not a valid lon/lat"));
    }
    Ok(())
}

/// What a new pole gets besides its place.
#[derive(Debug, Clone, PartialEq)]
pub struct PoleTemplate {
    pub vendor: String,
    pub luminaire: String,
    pub height_m: f64,
    pub overhang_m: f64,
    pub tilt_deg: f64,
}

/// True bearing from the point towards the nearest street centreline (0 if none).
pub fn facing_street(doc: &Document, lon: f64, lat: f64) -> f64 {
    let xy = to_utm32(lon, lat);
    match doc.checker().index().nearest_street(xy) {
        Some((_, st)) if st.offset_m > 1e-6 => {
            let grid = crate::frame::bearing_of(st.foot.x - xy.x, st.foot.y - xy.y);
            crate::frame::grid_to_true_bearing(grid, lon, lat)
        }
        _ => 0.0,
    }
}

/// The vendor whose section covers the road at `xy` (within the plan's `max_offset_m`
/// of the street), if any.
pub fn section_vendor_at(doc: &Document, xy: Xy) -> Option<&str> {
    let plan = doc.plan();
    let (si, st) = doc.checker().index().nearest_street(xy)?;
    if st.offset_m > plan.rules.max_offset_m {
        return None;
    }
    let street = &plan.streets.get(si)?.id;
    plan.sections
        .iter()
        .find(|s| &s.street == street && (s.from_m..=s.to_m).contains(&st.chainage_m))
        .map(|s| s.vendor.as_str())
}

/// A new pole at `lon`/`lat` from the template, facing the nearest street, owned by the
/// vendor whose section it stands in (else the template's): the edit and the new id.
pub fn add_pole(
    doc: &Document,
    template: &PoleTemplate,
    lon: f64,
    lat: f64,
) -> Result<(Step, String), EditError> {
    if !valid_lonlat(lon, lat) {
        return Err(EditError::rule(
            "Cannot add a pole there: the position is not a valid lon/lat",
        ));
    }
    let id = doc.plan().next_id("P");
    let vendor = section_vendor_at(doc, to_utm32(lon, lat))
        .map_or_else(|| template.vendor.clone(), str::to_string);
    let pole = Pole {
        id: id.as_str().into(),
        lon,
        lat,
        height_m: template.height_m,
        overhang_m: template.overhang_m,
        tilt_deg: template.tilt_deg,
        azimuth_deg: facing_street(doc, lon, lat),
        vendor: vendor.into(),
        luminaire: template.luminaire.as_str().into(),
    };
    let at = doc.plan().poles.len();
    let step = Step {
        label: format!("Add pole {id}"),
        edit: Edit::InsertPoles(vec![(at, pole)]),
    };
    Ok((step, id))
}

/// Deletes every pole whose id is in `ids` (unknown ids are skipped). `None` when none
/// of them is in the plan.
pub fn delete_poles(doc: &Document, ids: &std::collections::BTreeSet<String>) -> Option<Step> {
    // One pass over the plan: a duplicated id deletes all its poles, as the reader
    // keeps them all.
    let indices: Vec<usize> = doc
        .plan()
        .poles
        .iter()
        .enumerate()
        .filter(|(_, p)| ids.contains(p.id.as_str()))
        .map(|(i, _)| i)
        .collect();
    let label = match indices.as_slice() {
        [] => return None,
        _ if ids.len() == 1 => format!("Delete pole {}", ids.first()?),
        _ => format!("Delete {} poles", ids.len()),
    };
    Some(Step {
        label,
        edit: Edit::RemovePoles(indices),
    })
}

/// Applies `f` to each pole named in `ids` and checks each result with
/// [`validate_pole`]; the first refusal names its pole. `None` when nothing would change.
pub fn set_poles<'a>(
    doc: &Document,
    ids: impl IntoIterator<Item = &'a str>,
    label: &str,
    f: impl Fn(&mut Pole),
) -> Result<Option<Step>, EditError> {
    let mut items = Vec::new();
    for id in ids {
        let Some(i) = doc.pole_index(id) else {
            continue;
        };
        let p = &doc.plan().poles[i];
        let mut q = p.clone();
        f(&mut q);
        validate_pole(&q).map_err(|e| e.of(p.id.clone()))?;
        if &q != p {
            items.push((i, q));
        }
    }
    if items.is_empty() {
        return Ok(None);
    }
    items.sort_unstable_by_key(|(i, _)| *i);
    items.dedup_by_key(|(i, _)| *i);
    Ok(Some(Step {
        label: label.to_string(),
        edit: Edit::SetPoles(items),
    }))
}
