//! One luminaire type's photometry at one driver level, for callers that sum light
//! themselves (the arrangement search, `crate::design`): the same table scaling, the
//! same intensity lookup and the same influence radius as [`super::Lighting`] uses, so
//! a sum built from it is the check's sum.

use super::{Luminaire, influence_radius, lut, negligible_lx, suffix_max};
use crate::frame::Xy;
use crate::photometry::IntensityTable;
use crate::plan::LightingClass;

/// An intensity table scaled by a driver level, ready for lookups.
#[derive(Debug, Clone)]
pub struct Optic {
    lut: lut::Lut,
    suffix: Vec<f64>,
    maintenance_factor: f64,
}

impl Optic {
    /// The table at `level` (the photometry scaled as [`super::Lighting::new`] scales a
    /// type's `output_level`), with the plan's maintenance factor.
    pub fn new(table: &IntensityTable, level: f64, maintenance_factor: f64) -> Self {
        let mut t = table.clone();
        if level != 1.0 {
            t.cd.iter_mut().for_each(|v| *v *= level);
        }
        Optic {
            suffix: suffix_max(&t),
            lut: lut::Lut::new(t),
            maintenance_factor,
        }
    }

    /// How far the check follows luminaire `l`'s light on a street of `class`, m.
    pub fn radius_m(&self, l: &Luminaire, class: Option<LightingClass>) -> f64 {
        influence_radius(
            l,
            &self.lut.table,
            &self.suffix,
            self.maintenance_factor,
            negligible_lx(class),
        )
    }

    /// Intensity towards (C, γ), cd, the maintenance factor applied (as the check's
    /// luminance and glare sums take it).
    #[inline]
    pub fn maintained_cd(&self, c_deg: f64, gamma_deg: f64) -> f64 {
        self.maintenance_factor * self.lut.intensity(c_deg, gamma_deg)
    }

    /// Maintained horizontal illuminance from `l` at ground point `p`, lx, with no
    /// radius.
    #[inline]
    pub fn e_h(&self, l: &Luminaire, p: Xy) -> f64 {
        let (c, g) = l.c_gamma(p);
        self.maintenance_factor * self.lut.intensity(c, g) * l.h_over_r3(p)
    }
}
