//! Saving a plan with what the calculation adds for GIS users: a GeoPackage's
//! `survey_points` layer carries the calculated illuminance and the ratio at each point
//! measured on site, which the plan layer's writer cannot compute (it knows no
//! lighting).

use super::{e_h_at, plan_for, ratio};
use crate::error::FileError;
use crate::frame::to_utm32;
use crate::lighting::{Lighting, load_photometry};
use crate::plan::measured::CalculatedAt;
use crate::plan::{Crs, Plan};
use rayon::prelude::*;
use std::path::Path;

/// What the calculation gives at each survey point of `plan`, the surveys' points in
/// turn: the initial illuminance (MF = 1) and the ratio, as `lysplan survey` reports
/// them. `None` when the plan has no survey point, or when a luminaire type its poles
/// use has no readable photometry (the light calculated without it is not the plan's,
/// and `reference.luminaire` reports the type).
pub fn calculated_at_points(plan: &Plan) -> Option<Vec<CalculatedAt>> {
    if plan.surveys.iter().all(|s| s.points.is_empty()) {
        return None;
    }
    let (photometry, _) = load_photometry(plan);
    if plan
        .poles
        .iter()
        .any(|p| !photometry.contains_key(p.luminaire.as_str()))
    {
        return None;
    }
    let lit = plan_for(plan, false);
    let lighting = Lighting::new(&lit, &photometry);
    let points: Vec<_> = plan.surveys.iter().flat_map(|s| &s.points).collect();
    Some(
        points
            .par_iter()
            .map(|p| {
                let (_, calculated_lx) = e_h_at(&lighting, to_utm32(p.lon, p.lat));
                CalculatedAt {
                    calculated_lx,
                    ratio: ratio(p.e_h_lx, calculated_lx),
                }
            })
            .collect(),
    )
}

/// Writes `plan` as a GeoPackage in `crs` to `path` atomically, with the calculated
/// values at its survey points ([`calculated_at_points`]).
pub fn save_gpkg_atomic(plan: &Plan, path: &Path, crs: Crs) -> Result<(), FileError> {
    crate::plan::save_gpkg_atomic(plan, path, crs, calculated_at_points(plan).as_deref())
}

/// [`crate::plan::save_any`] with the calculated values at the survey points where the
/// format holds them (a GeoPackage; computed for that only).
pub fn save_any(plan: &Plan, path: &Path, crs: Crs) -> Result<(), FileError> {
    crate::plan::save_any(plan, path, crs, || calculated_at_points(plan))
}
