//! The two per-luminaire terms of road luminance and glare, in one place for the check
//! ([`super`]), the arrangement search's sums (`lighting::luminance_parts`) and its
//! straight model: a luminaire's observer-independent luminance term at a road point, and
//! its veiling luminance on a driver's eye.

use super::{CAR_ROOF_DEG, EYE_HEIGHT_M, SIGHT_DOWN_DEG, TI_AHEAD_M};
use crate::frame::Xy;
use crate::lighting::Luminaire;

/// [`super::term`] of luminaire `l` whose maintained intensity at (C, γ) is `cd`, the table
/// ending at tan γ `max_tan`: cd / h² and tan γ. The one place the luminance
/// calculation, the search's sums (`luminance_parts`) and its straight model compute it.
#[inline]
pub(in crate::lighting) fn term_of(
    l: &Luminaire,
    p: Xy,
    max_tan: f64,
    cd: impl Fn(f64, f64) -> f64,
) -> Option<(f64, f64)> {
    let h = l.height_m;
    // sqrt of the sum of squares, not hypot: metres on a site never overflow, and this is
    // the luminance calculation's innermost loop.
    let tan_g = l.xy.dist2(p).sqrt() / h;
    if tan_g.is_nan() || tan_g > max_tan {
        return None;
    }
    let (c, g) = l.c_gamma(p);
    Some((cd(c, g) / (h * h), tan_g))
}

/// The driver's line of sight along `dir`, looking [`SIGHT_DOWN_DEG`] down.
pub(in crate::lighting) fn sight_line(dir: Xy) -> [f64; 3] {
    let down = SIGHT_DOWN_DEG.to_radians();
    [dir.x * down.cos(), dir.y * down.cos(), -down.sin()]
}

/// The veiling luminance luminaire `l` (maintained intensity `cd` at (C, γ)) puts on an
/// eye at `eye` looking along `dir` (its line of sight `s`, [`sight_line`]); `None` when
/// it is behind, beyond [`TI_AHEAD_M`], above the car roof or more than 60° off the line
/// of sight. The one place the check and the search's sums (`luminance_parts`) compute it.
#[inline]
pub(in crate::lighting) fn veil_of(
    l: &Luminaire,
    eye: Xy,
    dir: Xy,
    s: [f64; 3],
    cd: impl Fn(f64, f64) -> f64,
) -> Option<f64> {
    let v = [l.xy.x - eye.x, l.xy.y - eye.y, l.height_m - EYE_HEIGHT_M];
    let horiz = v[0].hypot(v[1]);
    let ahead = v[0] * dir.x + v[1] * dir.y;
    if ahead <= 0.0 || ahead > TI_AHEAD_M {
        return None;
    }
    if v[2].atan2(horiz).to_degrees() > CAR_ROOF_DEG {
        return None;
    }
    let d2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
    let cos_t = (v[0] * s[0] + v[1] * s[1] + v[2] * s[2]) / d2.sqrt();
    let theta = cos_t.clamp(-1.0, 1.0).acos().to_degrees();
    if theta > 60.0 {
        return None;
    }
    let (c, g) = l.c_gamma_to(eye, EYE_HEIGHT_M);
    let e_eye = cd(c, g) * cos_t / d2;
    Some(10.0 * e_eye / theta.max(1.5).powi(2))
}
