//! Reading a plan and locating its poles on its streets: above both [`crate::plan`] (the
//! readers) and [`crate::index`] (the street index).
//!
//! A GeoJSON or GeoPackage pole without an azimuth faces the nearest street centreline
//! (its luminaire's C = 90 direction, as a true bearing). The readers of [`crate::plan`]
//! leave such poles [`Unaimed`]; this module aims them, locating every pole on the way,
//! and hands that location on to the checks ([`load_located`],
//! [`crate::check::Checker::from_located`]) so a plan read for `check` asks the segment
//! tree once per pole.

use crate::error::FileError;
use crate::frame::{Xy, bearing_of, grid_to_true_bearing};
use crate::plan::{Plan, Unaimed};
use std::path::Path;

pub use crate::index::Located;

/// Loads a plan from a RON file (`.ron`), a GeoJSON FeatureCollection (`.geojson`,
/// `.json`) or a GeoPackage (`.gpkg`), chosen by the extension (case-insensitive), with
/// the default azimuths.
pub fn load_any(path: &Path) -> Result<Plan, FileError> {
    crate::plan::load_any_unaimed(path).map(|u| aimed(u).0)
}

/// As [`load_any`], with the plan's index and every pole located on its nearest street
/// (a file whose poles need the default azimuth has them located anyway), for
/// [`crate::check::Checker::from_located`].
pub fn load_located(path: &Path) -> Result<(Plan, Located), FileError> {
    crate::plan::load_any_unaimed(path).map(located)
}

/// Reads a plan from a GeoJSON file, with the default azimuths.
pub fn load_geojson(path: &Path) -> Result<Plan, FileError> {
    crate::plan::geojson::load_unaimed(path).map(|u| aimed(u).0)
}

/// Parses a plan from GeoJSON text, with the default azimuths. `origin` names the file in
/// messages and anchors relative photometry paths.
pub fn read_geojson(text: &str, origin: &Path) -> Result<Plan, FileError> {
    crate::plan::geojson::read_unaimed(text, origin).map(|u| aimed(u).0)
}

/// As [`read_geojson`], always on the reader's careful path (every feature through a
/// `serde_json::Value`): the same plan, slower. For tests that hold the fast path to it.
#[doc(hidden)]
pub fn read_geojson_careful(text: &str, origin: &Path) -> Result<Plan, FileError> {
    crate::plan::geojson::read_unaimed_careful(text, origin).map(|u| aimed(u).0)
}

/// Reads a plan from a GeoPackage file (opened read-only), with the default azimuths.
pub fn load_gpkg(path: &Path) -> Result<Plan, FileError> {
    crate::plan::gpkg::load_gpkg_unaimed(path).map(|u| aimed(u).0)
}

/// The plan with the default azimuths, and its location if they needed it (`None`, and
/// no work, when every pole has its azimuth).
pub fn aimed(u: Unaimed) -> (Plan, Option<Located>) {
    let Unaimed { mut plan, aim } = u;
    let located = aim_at_nearest_street(&mut plan, &aim);
    (plan, located)
}

/// The plan with the default azimuths and every pole located on its nearest street.
pub fn located(u: Unaimed) -> (Plan, Located) {
    let (plan, located) = aimed(u);
    let located = located.unwrap_or_else(|| Located::new(&plan));
    (plan, located)
}

/// Points each pole `i` with `aim[i]` (its luminaire's C = 90 direction, as a true
/// bearing) at the nearest street centreline; a pole on a centreline faces the street's
/// right-hand side. Returns the plan's index and its poles' locations, found on the way
/// (`None`, and no work, when no pole is to be aimed).
pub fn aim_at_nearest_street(plan: &mut Plan, aim: &[bool]) -> Option<Located> {
    if !aim.iter().any(|&a| a) {
        return None;
    }
    let located = Located::visiting(plan, |i, p, xy, line, st| {
        if !aim.get(i).copied().unwrap_or(false) {
            return;
        }
        let grid = if st.offset_m > 1e-9 {
            bearing_of(st.foot.x - xy.x, st.foot.y - xy.y)
        } else {
            // On the centreline: face the right-hand side of the street.
            let d = line
                .point_at(st.chainage_m)
                .map(|(_, d)| d)
                .unwrap_or(Xy::new(0.0, 1.0));
            bearing_of(d.y, -d.x)
        };
        p.azimuth_deg = grid_to_true_bearing(grid, p.lon, p.lat);
    });
    Some(located)
}
