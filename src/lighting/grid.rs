//! The EN 13201-3 calculation grid along a street.
//!
//! A street is cut into fields at the chainages of its luminaires (sorted). Between two
//! consecutive luminaires, spacing S: N points along with D = S/N, N = 10 if S ≤ 30 m (to 1 mm),
//! else the smallest N with D ≤ 3 m. The parts before the first and after the last
//! luminaire (the whole street if it has none) are fields too, with the smallest N giving
//! D ≤ 3 m, so unlit stretches show up. Across the width W: n ≥ 3 points, the smallest n
//! with d = W/n ≤ 1.5 m. Outer points sit D/2 and d/2 inside the field.

use crate::frame::{Polyline, Side, Xy};

/// The N = 10 rule holds up to 30 m plus this, metres: a row laid out at 30 m spacing
/// whose chainages come back a hair longer through rounding keeps N = 10.
pub const N10_TOLERANCE_M: f64 = 1e-3;

/// Fields shorter than this (two luminaires at one chainage) are dropped, metres.
pub const MIN_FIELD_M: f64 = 0.01;

/// Number of points along a field of length `s_m`; `between_luminaires` selects the
/// EN 13201-3 rule (N = 10 up to 30 m, within [`N10_TOLERANCE_M`]), otherwise D ≤ 3 m
/// throughout.
pub fn n_along(s_m: f64, between_luminaires: bool) -> usize {
    if between_luminaires && s_m <= 30.0 + N10_TOLERANCE_M {
        10
    } else {
        ((s_m / 3.0 - 1e-9).ceil() as usize).max(1)
    }
}

/// Number of points across a width `w_m`: n ≥ 3 with W/n ≤ 1.5 m.
pub fn n_across(w_m: f64) -> usize {
    ((w_m / 1.5 - 1e-9).ceil() as usize).max(3)
}

/// Offsets across the street from the centreline, metres, left positive (looking along
/// increasing chainage): n points, d/2 inside each edge.
pub fn offsets_across(w_m: f64) -> Vec<f64> {
    let n = n_across(w_m);
    let d = w_m / n as f64;
    (0..n)
        .map(|j| -w_m / 2.0 + d / 2.0 + j as f64 * d)
        .collect()
}

/// The offsets across a street `width_m` wide as the check lays its grid: those of
/// [`offsets_across`], or the centreline alone for no usable width.
pub fn offsets_for(width_m: f64) -> Vec<f64> {
    if width_m.is_finite() && width_m > 0.0 {
        offsets_across(width_m)
    } else {
        vec![0.0]
    }
}

/// One field of the grid: a chainage interval and its points along.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub from_m: f64,
    pub to_m: f64,
    /// Whether the field lies between two luminaires (else an end or unlit stretch).
    pub between_luminaires: bool,
    /// Chainages of the rows of points, D/2 inside the field.
    pub rows_m: Vec<f64>,
    /// Spacing D of the rows, metres.
    pub d_along_m: f64,
}

/// The fields of a street of length `length_m` with luminaires at `chainages_m`
/// (any order; values outside [0, length] are clamped).
pub fn fields(length_m: f64, chainages_m: &[f64]) -> Vec<Field> {
    let mut cuts: Vec<f64> = chainages_m
        .iter()
        .filter(|c| c.is_finite())
        .map(|c| c.clamp(0.0, length_m))
        .collect();
    cuts.sort_by(f64::total_cmp);
    let mut bounds = Vec::with_capacity(cuts.len() + 2);
    bounds.push((0.0, false));
    bounds.extend(cuts.iter().map(|&c| (c, true)));
    bounds.push((length_m, false));
    let mut out = Vec::new();
    for w in bounds.windows(2) {
        let [(a, a_lum), (b, b_lum)] = [w[0], w[1]];
        let s = b - a;
        if s.is_nan() || s <= MIN_FIELD_M {
            continue;
        }
        let between = a_lum && b_lum;
        let n = n_along(s, between);
        let d = s / n as f64;
        out.push(Field {
            from_m: a,
            to_m: b,
            between_luminaires: between,
            rows_m: (0..n).map(|i| a + d / 2.0 + i as f64 * d).collect(),
            d_along_m: d,
        });
    }
    out
}

/// Grid point position: `offset_m` to the left (negative: right) of the centreline at
/// `chainage_m`.
pub fn point(line: &Polyline, chainage_m: f64, offset_m: f64) -> Option<Xy> {
    if offset_m >= 0.0 {
        line.offset_point(chainage_m, offset_m, Side::Left)
    } else {
        line.offset_point(chainage_m, -offset_m, Side::Right)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn n10_holds_to_30_m_within_a_millimetre() {
        assert_eq!(n_along(30.0, true), 10);
        assert_eq!(n_along(30.0 + 4e-15, true), 10);
        assert_eq!(n_along(30.000_9, true), 10);
        assert_eq!(n_along(30.002, true), 11);
        assert_eq!(n_along(30.0005, false), 11);
    }
}
