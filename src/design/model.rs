//! The straight model of the M search (docs/architecture.md "Design search"). One pole's
//! luminance on a straight street as wide as the stretch, with its lanes (a profile along
//! the street per point across and observer lane, sampled every [`STEP_M`]), repeated at
//! a layout's spacing and sides, estimates L_avg, U_o and U_l of a long even row. That is
//! what a count needs before any layout is summed: the geometries are searched in the
//! order of the W/km it promises, one whose promise cannot beat the best found is
//! skipped, and the count search starts where the model first passes.
//!
//! These are estimates, not verdicts: the street's bends, the stretch's ends and the poles
//! that stay (but for their average luminance) are left out, and each field's observer
//! stands a fixed distance before every point. So the criteria are relaxed by [`SLACK`]
//! for the estimate, and every layout the search keeps is summed exactly on the real
//! street and the reported ones judged by the check.

use super::Geometry;
use super::layout::Arrangement;
use crate::frame::Xy;
use crate::lighting::luminance::OBSERVER_BEFORE_M;
use crate::lighting::luminance_parts::straight_profiles;
use crate::lighting::surface::RTable;
use crate::lighting::{Luminaire, Optic, grid};

/// The model's criteria are this fraction below the class's limits.
pub(super) const SLACK: f64 = 0.05;
/// Profile sample step along the street, m.
const STEP_M: f64 = 0.5;
/// Luminaires reach this many of their heights along the street (the check's field
/// reach, with the offset across).
const REACH_H: f64 = 13.0;

/// One geometry's profiles, a pole on each side of the street.
pub(super) struct Profiles {
    /// The first sample's position along from the pole, m (`n_x` samples, [`STEP_M`]
    /// apart, trimmed to where the pole lights).
    x0: f64,
    n_x: usize,
    n_obs: usize,
    n_pts: usize,
    /// `[side][(j * n_pts + i) * n_x + k]`, side 0 right, 1 left.
    side: [Vec<f64>; 2],
}

/// A layout's estimate: L_avg at level 1 (cd/m²), U_o and U_l.
#[derive(Debug, Clone, Copy)]
pub(super) struct Estimate {
    pub l_avg_cd_m2: f64,
    pub u_o: f64,
    pub u_l: f64,
}

impl Profiles {
    /// The profiles of geometry `g` (its arrangement aside) of a type with table `optic`
    /// at level 1 and `rotation_deg`, on a street `width_m` wide with `lanes` lanes, its
    /// poles `offset_m` from the centreline, surface `t`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        optic: &Optic,
        rotation_deg: f64,
        g: &Geometry,
        offset_m: f64,
        width_m: f64,
        lanes: u32,
        t: &RTable,
    ) -> Profiles {
        let lanes = lanes.clamp(1, 12);
        let reach = REACH_H * g.height_m + offset_m + g.overhang_m;
        let half = (reach / STEP_M).ceil().min(20_000.0) as i64;
        let xs: Vec<f64> = (-half..=half).map(|k| k as f64 * STEP_M).collect();
        let back = OBSERVER_BEFORE_M + 10.0;
        let pole = |y: f64, azimuth: f64| {
            Luminaire::from_grid(
                0,
                Xy::new(0.0, y),
                g.height_m,
                azimuth,
                g.overhang_m,
                g.tilt_deg,
                rotation_deg,
            )
        };
        // Right of a street running grid east: south, the arm pointing north.
        let right = pole(-offset_m, 0.0);
        let left = pole(offset_m, 180.0);
        let profile = |l: &Luminaire| straight_profiles(l, optic, t, width_m, lanes, &xs, back);
        let side = [profile(&right), profile(&left)];
        // Trimmed to where any profile is lit (the window and the table end short of
        // the reach): the estimate's sums run over this span only.
        let n_x = xs.len();
        let lit = |k: usize| side.iter().any(|p| p.chunks(n_x).any(|row| row[k] != 0.0));
        let first = (0..n_x).find(|&k| lit(k)).unwrap_or(0);
        let last = (0..n_x).rev().find(|&k| lit(k)).unwrap_or(0).max(first);
        // One zero sample either side keeps the interpolation to zero at the ends.
        let (first, last) = (first.saturating_sub(1), (last + 1).min(n_x - 1));
        let keep = |p: &Vec<f64>| -> Vec<f64> {
            p.chunks(n_x)
                .flat_map(|row| row[first..=last].iter().copied())
                .collect()
        };
        Profiles {
            x0: xs[first],
            n_x: last - first + 1,
            n_obs: lanes as usize,
            n_pts: 3 * lanes as usize,
            side: [keep(&side[0]), keep(&side[1])],
        }
    }

    /// Pole on `side`'s luminance at point `i` for observer `j`, the point `x` m along
    /// from the pole (linear between samples; 0 beyond the profile).
    fn at(&self, side: usize, j: usize, i: usize, x: f64) -> f64 {
        let f = (x - self.x0) / STEP_M;
        if f.is_nan() || f < 0.0 {
            return 0.0;
        }
        let k = f as usize;
        if k + 1 >= self.n_x {
            return 0.0;
        }
        let w = f - k as f64;
        let row = &self.side[side][(j * self.n_pts + i) * self.n_x..];
        row[k] * (1.0 - w) + row[k + 1] * w
    }

    /// The estimate for an even row of arrangement `a`, `spacing_m` between consecutive
    /// stations (`None` for a spacing the grid cannot lay).
    pub fn estimate(&self, a: Arrangement, spacing_m: f64) -> Option<Estimate> {
        let s = spacing_m;
        if !(s.is_finite() && s > 0.5) {
            return None;
        }
        let field = grid::fields(s, &[0.0, s])
            .into_iter()
            .find(|f| f.between_luminaires)?;
        // The poles of one period: (position along, side).
        let (period, poles): (f64, &[(f64, usize)]) = match a {
            Arrangement::SingleRight => (s, &[(0.0, 0)]),
            Arrangement::SingleLeft => (s, &[(0.0, 1)]),
            Arrangement::Opposite => (s, &[(0.0, 0), (0.0, 1)]),
            Arrangement::Staggered => (2.0 * s, &[(0.0, 0), (s, 1)]),
        };
        // Staggered rows alternate: the field after a right pole and after a left one.
        let starts: &[f64] = if a == Arrangement::Staggered {
            &[0.0, s]
        } else {
            &[0.0]
        };
        // Sample positions relative to a pole run from x0 to x1.
        let (x0, x1) = (self.x0, self.x0 + (self.n_x - 1) as f64 * STEP_M);
        let (n_obs, n_pts) = (self.n_obs, self.n_pts);
        let mut sum = vec![0.0; n_obs];
        let mut min = vec![f64::INFINITY; n_obs];
        let mut u_l = f64::INFINITY;
        let mut points = 0usize;
        let mut centre_lo = vec![f64::INFINITY; n_obs];
        let mut centre_hi = vec![0.0_f64; n_obs];
        for &f0 in starts {
            centre_lo.iter_mut().for_each(|v| *v = f64::INFINITY);
            centre_hi.iter_mut().for_each(|v| *v = 0.0);
            for &r in &field.rows_m {
                let x = f0 + r;
                let m_lo = ((x - x1 - period) / period).floor() as i64;
                let m_hi = ((x - x0) / period).ceil() as i64;
                points += n_pts;
                for j in 0..n_obs {
                    for i in 0..n_pts {
                        let mut l = 0.0;
                        for m in m_lo..=m_hi {
                            for &(px, side) in poles {
                                l += self.at(side, j, i, x - (m as f64 * period + px));
                            }
                        }
                        sum[j] += l;
                        min[j] = min[j].min(l);
                        if i == 3 * j + 1 {
                            centre_lo[j] = centre_lo[j].min(l);
                            centre_hi[j] = centre_hi[j].max(l);
                        }
                    }
                }
            }
            for j in 0..n_obs {
                let lane = if centre_hi[j] > 0.0 {
                    centre_lo[j] / centre_hi[j]
                } else {
                    0.0
                };
                u_l = u_l.min(lane);
            }
        }
        let mut l_avg = f64::INFINITY;
        let mut u_o = f64::INFINITY;
        for j in 0..n_obs {
            let avg = sum[j] / points as f64;
            l_avg = l_avg.min(avg);
            u_o = u_o.min(if avg > 0.0 { min[j] / avg } else { 0.0 });
        }
        Some(Estimate {
            l_avg_cd_m2: l_avg,
            u_o,
            u_l,
        })
    }
}
