//! Geometry of one luminaire: where it hangs (UTM 32N metres, height) and how a ground
//! point maps to a direction (C, gamma) of its photometric frame.
//!
//! Conventions (docs/architecture.md "Lighting"): a pole's `azimuth_deg` is the TRUE
//! bearing of the luminaire's C = 90 direction; C angles grow counter-clockwise seen from
//! above, so a ground point at true bearing b lies in plane C = azimuth + 90° − b. Bearings
//! are turned into UTM grid bearings with [`crate::frame::true_to_grid_bearing`] at the
//! pole (grid north is about 2.8° off true north at the site).
//!
//! Physical set-up versus file convention: the pole's azimuth is where the arm points
//! (towards the street). `overhang_m` moves the luminaire along that bearing and
//! `tilt_deg` lifts that side, i.e. a rotation about the horizontal axis across the arm
//! (the C0–C180 axis). The luminaire type's `rotation_deg` only says which plane of the
//! *file* faces the street, so it is added to C after the physical geometry:
//! `C_file = C + rotation_deg`. With rotation 0 (the default) this is exactly the rule of
//! docs/architecture.md "Lighting"; with rotation 180 (a file whose main beam sits at
//! C = 270) the arm, the overhang and the tilt still point at the street.

use crate::frame::{Xy, to_utm32, true_to_grid_bearing};
use crate::plan::{LuminaireType, Pole};

/// A luminaire placed in the site frame, with its orientation precomputed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Luminaire {
    /// Index of the pole in `plan.poles`.
    pub pole: usize,
    /// Position of the luminaire (pole foot + overhang), UTM 32N metres.
    pub xy: Xy,
    /// Height of the luminaire above flat ground, m.
    pub height_m: f64,
    /// Grid bearing (clockwise from UTM grid north) of the physical C = 90 direction, deg.
    pub azimuth_grid_deg: f64,
    /// Tilt lifting the C = 90 side, degrees.
    pub tilt_deg: f64,
    /// Added to C before looking up the file (luminaire type rotation), degrees.
    pub rotation_deg: f64,
    /// Unit vector (grid) of C = 0.
    u0: Xy,
    /// Unit vector (grid) of C = 90.
    u90: Xy,
    cos_tilt: f64,
    sin_tilt: f64,
}

impl Luminaire {
    /// Places the luminaire of `pole` (index `pole_index`), with its type's rotation
    /// (`None`: rotation 0). `None` when the height is not a positive finite number or a
    /// coordinate or angle is not finite (such a pole lights nothing; the reference checks
    /// report it).
    pub fn from_pole(pole_index: usize, pole: &Pole, kind: Option<&LuminaireType>) -> Option<Self> {
        if !Self::placeable(pole, kind) {
            return None;
        }
        let rotation_deg = kind.map_or(0.0, |k| k.rotation_deg);
        let foot = to_utm32(pole.lon, pole.lat);
        let az = true_to_grid_bearing(pole.azimuth_deg, pole.lon, pole.lat);
        Some(Self::from_grid(
            pole_index,
            foot,
            pole.height_m,
            az,
            pole.overhang_m,
            pole.tilt_deg,
            rotation_deg,
        ))
    }

    /// Whether [`Luminaire::from_pole`] can place this pole's luminaire (finite values,
    /// a positive height).
    pub fn placeable(pole: &Pole, kind: Option<&LuminaireType>) -> bool {
        let rotation_deg = kind.map_or(0.0, |k| k.rotation_deg);
        let finite = [
            pole.lon,
            pole.lat,
            pole.overhang_m,
            pole.tilt_deg,
            pole.azimuth_deg,
            rotation_deg,
        ]
        .iter()
        .all(|v| v.is_finite());
        finite && pole.height_m.is_finite() && pole.height_m > 0.0
    }

    /// Places a luminaire from grid quantities directly: pole foot, height, GRID bearing
    /// of C = 90, overhang along that bearing, tilt and type rotation.
    pub fn from_grid(
        pole_index: usize,
        foot: Xy,
        height_m: f64,
        azimuth_grid_deg: f64,
        overhang_m: f64,
        tilt_deg: f64,
        rotation_deg: f64,
    ) -> Self {
        let a = azimuth_grid_deg.to_radians();
        // A grid bearing beta has direction (sin beta, cos beta) in (east, north).
        let u90 = Xy::new(a.sin(), a.cos());
        // C = 0 lies at bearing azimuth + 90°.
        let u0 = Xy::new(a.cos(), -a.sin());
        let t = tilt_deg.to_radians();
        Luminaire {
            pole: pole_index,
            xy: Xy::new(foot.x + overhang_m * u90.x, foot.y + overhang_m * u90.y),
            height_m,
            azimuth_grid_deg,
            tilt_deg,
            rotation_deg,
            u0,
            u90,
            cos_tilt: t.cos(),
            sin_tilt: t.sin(),
        }
    }

    /// Direction (C, gamma) in degrees, in the photometric file's frame, from the
    /// luminaire to the ground point `p`. C in [0, 360), gamma in [0, 180].
    pub fn c_gamma(&self, p: Xy) -> (f64, f64) {
        self.c_gamma_to(p, 0.0)
    }

    /// As [`Self::c_gamma`], towards the point `z_m` metres above the ground at `p` (an
    /// observer's eye).
    pub fn c_gamma_to(&self, p: Xy, z_m: f64) -> (f64, f64) {
        let dx = p.x - self.xy.x;
        let dy = p.y - self.xy.y;
        let h = self.height_m - z_m;
        // Components of v = (dx, dy, -h) along the untilted C0 and C90 axes.
        let a = dx * self.u0.x + dy * self.u0.y;
        let b = dx * self.u90.x + dy * self.u90.y;
        // Tilt about the C0 axis: C90 axis y' = u90 cos t + up sin t; nadir axis
        // d' = u90 sin t + down cos t. v·up = -h, v·down = h.
        let b_t = b * self.cos_tilt - h * self.sin_tilt;
        let down_t = b * self.sin_tilt + h * self.cos_tilt;
        let gamma = (a * a + b_t * b_t).sqrt().atan2(down_t).to_degrees();
        let mut c = b_t.atan2(a).to_degrees() + self.rotation_deg;
        // atan2 gives (-180, 180]; with |rotation| < 360 two steps normalise it, the
        // general case falls back to rem_euclid.
        if c < 0.0 {
            c += 360.0;
        }
        if !(0.0..360.0).contains(&c) {
            c = c.rem_euclid(360.0);
        }
        (c, gamma)
    }

    /// Geometric factor h / r³ of horizontal illuminance at ground point `p`, 1/m².
    pub fn h_over_r3(&self, p: Xy) -> f64 {
        let d2 = self.xy.dist2(p);
        let r2 = d2 + self.height_m * self.height_m;
        self.height_m / (r2 * r2.sqrt())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untilted_c_follows_bearing_rule() {
        // Azimuth (grid) 30°: a point at bearing b is in C = 30 + 90 - b.
        let l = Luminaire::from_grid(0, Xy::new(0.0, 0.0), 8.0, 30.0, 0.0, 0.0, 0.0);
        for b in [0.0_f64, 30.0, 77.0, 120.0, 200.0, 300.0] {
            let r = b.to_radians();
            let (c, g) = l.c_gamma(Xy::new(8.0 * r.sin(), 8.0 * r.cos()));
            let want = (30.0 + 90.0 - b).rem_euclid(360.0);
            let diff = (c - want + 540.0).rem_euclid(360.0) - 180.0;
            assert!(diff.abs() < 1e-9, "b {b}: c {c} want {want}");
            assert!((g - 45.0).abs() < 1e-9);
        }
    }

    #[test]
    fn nadir_is_gamma_zero_without_tilt_and_tilt_with_it() {
        let l = Luminaire::from_grid(0, Xy::new(0.0, 0.0), 8.0, 0.0, 0.0, 0.0, 0.0);
        assert!(l.c_gamma(Xy::new(0.0, 0.0)).1.abs() < 1e-12);
        let l = Luminaire::from_grid(0, Xy::new(0.0, 0.0), 8.0, 0.0, 0.0, 15.0, 0.0);
        assert!((l.c_gamma(Xy::new(0.0, 0.0)).1 - 15.0).abs() < 1e-9);
    }
}
