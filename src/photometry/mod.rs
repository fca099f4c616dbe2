//! Luminaire photometry: EULUMDAT (.ldt) and IES LM-63 (.ies) files read into one
//! intensity table in candela.

pub mod catalogue;
mod ies;
mod ldt;
mod tokens;

use crate::error::FileError;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where a luminaire type's photometry comes from. Plans never store absolute paths:
/// either a file of the bundled catalogue (assets/luminaires) or the file text itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PhotometrySource {
    /// A file name in the bundled catalogue, e.g. `"acme_road_runner.ldt"`.
    Bundled(String),
    /// An imported file kept inside the plan: its original file name and full text.
    Embedded { file_name: String, text: String },
}

/// Luminous intensity in candela over the full sphere of directions of a luminaire, in
/// the C-gamma system: C (0..=360°, counter-clockwise seen from above) and gamma
/// (0° straight down .. 180° straight up).
///
/// Invariants (kept by the readers): `c_deg` ascending from 0 to 360 inclusive with the
/// 360 plane equal to the 0 plane (symmetries already expanded); `gamma_deg` ascending,
/// starting at 0 or above; `cd.len() == c_deg.len() * gamma_deg.len()`, row-major by C.
#[derive(Debug, Clone, PartialEq)]
pub struct IntensityTable {
    pub c_deg: Vec<f64>,
    pub gamma_deg: Vec<f64>,
    pub cd: Vec<f64>,
}

/// Indices `(i, j)` with `axis[i] <= v <= axis[j]` in an ascending axis and the fraction
/// of the way from `axis[i]` to `axis[j]`; clamped to the ends.
pub(crate) fn bracket(axis: &[f64], v: f64) -> (usize, usize, f64) {
    match axis.binary_search_by(|a| a.total_cmp(&v)) {
        Ok(i) => (i, i, 0.0),
        Err(0) => (0, 0, 0.0),
        Err(i) if i >= axis.len() => (axis.len() - 1, axis.len() - 1, 0.0),
        Err(i) => {
            let (a, b) = (axis[i - 1], axis[i]);
            let t = if b > a { (v - a) / (b - a) } else { 0.0 };
            (i - 1, i, t)
        }
    }
}

impl IntensityTable {
    /// A table of constant intensity `cd` over the lower hemisphere (gamma 0..=90) and 0
    /// above, for tests and closed-form checks.
    pub fn constant_lower_hemisphere(cd: f64) -> Self {
        let gamma_deg: Vec<f64> = (0..=180).map(|g| g as f64).collect();
        let row: Vec<f64> = gamma_deg
            .iter()
            .map(|&g| if g <= 90.0 { cd } else { 0.0 })
            .collect();
        IntensityTable {
            c_deg: vec![0.0, 360.0],
            cd: [row.clone(), row].concat(),
            gamma_deg,
        }
    }

    /// Intensity in candela towards (C, gamma), degrees; bilinear in C and gamma. C is
    /// taken modulo 360; gamma outside the table's range gives 0 (docs/architecture.md
    /// "Lighting": intensities beyond the last gamma of a file are 0).
    pub fn intensity(&self, c_deg: f64, gamma_deg: f64) -> f64 {
        let (Some(&g0), Some(&g1)) = (self.gamma_deg.first(), self.gamma_deg.last()) else {
            return 0.0;
        };
        if !(gamma_deg >= g0 && gamma_deg <= g1) || self.c_deg.is_empty() {
            return 0.0;
        }
        let c = c_deg.rem_euclid(360.0);
        let (ci0, ci1, ct) = bracket(&self.c_deg, c);
        let (gi0, gi1, gt) = bracket(&self.gamma_deg, gamma_deg);
        let n = self.gamma_deg.len();
        let at = |ci: usize, gi: usize| self.cd.get(ci * n + gi).copied().unwrap_or(0.0);
        let a = at(ci0, gi0) * (1.0 - gt) + at(ci0, gi1) * gt;
        let b = at(ci1, gi0) * (1.0 - gt) + at(ci1, gi1) * gt;
        a * (1.0 - ct) + b * ct
    }

    /// Luminous flux, lm: the intensity integrated over the sphere, weighted by solid
    /// angle. Exact for the bilinear interpolant [`IntensityTable::intensity`] uses:
    /// piecewise linear in gamma (times sin gamma, integrated in closed form) and
    /// trapezoid in C.
    pub fn flux_lm(&self) -> f64 {
        self.flux_between_lm(f64::NEG_INFINITY, f64::INFINITY)
    }

    /// The flux, lm, into the directions with gamma between `lo_deg` and `hi_deg`,
    /// integrated as [`IntensityTable::flux_lm`] does (the interpolant cut at the
    /// bounds).
    pub fn flux_between_lm(&self, lo_deg: f64, hi_deg: f64) -> f64 {
        let n = self.gamma_deg.len();
        let plane = |ci: usize| -> f64 {
            let row = self.cd.get(ci * n..(ci + 1) * n).unwrap_or(&[]);
            let mut sum = 0.0;
            for (g, i) in self.gamma_deg.windows(2).zip(row.windows(2)) {
                let (a, b) = (g[0].max(lo_deg), g[1].min(hi_deg));
                if g[1] <= g[0] || b <= a {
                    continue;
                }
                // The interpolant's values at the cut ends (the table's own where uncut).
                let at = |x: f64, own: f64, edge: f64| {
                    if x == edge {
                        own
                    } else {
                        i[0] + (i[1] - i[0]) * (x - g[0]) / (g[1] - g[0])
                    }
                };
                let (i0, i1) = (at(a, i[0], g[0]), at(b, i[1], g[1]));
                let (g0, g1) = (a.to_radians(), b.to_radians());
                let h = g1 - g0;
                // Integral of (i0 + (i1 - i0) (g - g0) / h) sin g over [g0, g1].
                sum += i0 * (g0.cos() - g1.cos())
                    + (i1 - i0) / h * (-h * g1.cos() + g1.sin() - g0.sin());
            }
            sum
        };
        self.c_deg
            .windows(2)
            .enumerate()
            .map(|(ci, c)| (c[1] - c[0]).to_radians() * 0.5 * (plane(ci) + plane(ci + 1)))
            .sum()
    }

    /// ULOR, the upward light output ratio as Lysplan reports it: the share (0..1) of
    /// the luminaire's flux sent above the horizontal (gamma > 90°), from the intensity
    /// table. It is taken of the luminaire's own (integrated) flux, so it does not
    /// depend on the lamp data; the lamp-referenced ratio of CIE/EULUMDAT is this times
    /// the light output ratio (the same for LED luminaires, whose LOR is 100 %).
    /// `None` when the table sends no light at all.
    pub fn ulor(&self) -> Option<f64> {
        let total = self.flux_lm();
        (total > 0.0 && total.is_finite())
            .then(|| self.flux_between_lm(90.0, f64::INFINITY) / total)
    }

    /// The intensity curve in the plane C = `c_deg` for the polar diagram: (gamma in
    /// degrees, candela) at every gamma angle of the table within 0..=180. The curve of
    /// `c_deg + 180` completes the full section through the luminaire.
    pub fn plane_curve(&self, c_deg: f64) -> Vec<(f64, f64)> {
        self.gamma_deg
            .iter()
            .filter(|g| (0.0..=180.0).contains(*g))
            .map(|&g| (g, self.intensity(c_deg, g)))
            .collect()
    }
}

/// The luminous flux integrated from a photometry's intensities against the flux the
/// file declares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FluxCheck {
    /// Flux integrated over the intensity table, lm.
    pub integrated_lm: f64,
    /// Flux the file declares, lm.
    pub declared_lm: f64,
    /// `integrated_lm / declared_lm`.
    pub ratio: f64,
}

impl FluxCheck {
    /// Largest relative difference [`FluxCheck::agrees`] accepts.
    pub const TOLERANCE: f64 = 0.03;

    /// Whether the integrated and declared flux agree within 3 %.
    pub fn agrees(&self) -> bool {
        (self.ratio - 1.0).abs() <= Self::TOLERANCE
    }
}

/// Which file format a photometry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Eulumdat,
    Ies,
}

/// A luminaire's photometry as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Photometry {
    pub format: Format,
    pub manufacturer: String,
    pub name: String,
    /// Intensities in candela (already scaled: LDT cd/klm x lamp flux / 1000; IES x
    /// multiplier x ballast factor).
    pub table: IntensityTable,
    /// Total lamp flux declared by the file, lm (`None` for absolute photometry).
    pub lamp_flux_lm: Option<f64>,
    /// Luminaire flux the file declares: LDT LORL x lamp flux; IES lumens x lamps for
    /// relative photometry; `None` when the file declares none (absolute IES).
    pub declared_flux_lm: Option<f64>,
    /// Input power, W.
    pub power_w: f64,
}

impl Photometry {
    /// Compares the integrated flux with the flux the file declares; `None` when the file
    /// declares none (absolute IES photometry) or declares zero.
    pub fn flux_check(&self) -> Option<FluxCheck> {
        let declared_lm = self.declared_flux_lm.filter(|f| *f > 0.0)?;
        let integrated_lm = self.table.flux_lm();
        Some(FluxCheck {
            integrated_lm,
            declared_lm,
            ratio: integrated_lm / declared_lm,
        })
    }
}

impl Photometry {
    /// Why this photometry cannot light a plan honestly, if it cannot: an empty or all-zero
    /// table, a negative or non-finite intensity, lamp flux or power, or intensities that
    /// integrate to more than twice or less than half the flux the file declares.
    pub fn nonsense(&self) -> Option<String> {
        let t = &self.table;
        if t.cd.is_empty() || t.cd.iter().all(|&v| v == 0.0) {
            return Some("the intensity table is empty (every intensity is 0 cd)".into());
        }
        let ng = t.gamma_deg.len().max(1);
        if let Some(k) = t.cd.iter().position(|v| !v.is_finite() || *v < 0.0) {
            let (c, g) = (t.c_deg.get(k / ng), t.gamma_deg.get(k % ng));
            return Some(format!(
                "intensity {} cd at C {}°, gamma {}° is {}",
                crate::finding::number(t.cd[k]),
                c.copied().unwrap_or(f64::NAN),
                g.copied().unwrap_or(f64::NAN),
                if t.cd[k].is_finite() {
                    "negative"
                } else {
                    "not a number"
                }
            ));
        }
        for (what, v) in [
            ("lamp flux", self.lamp_flux_lm),
            ("power", Some(self.power_w)),
        ] {
            if let Some(v) = v.filter(|v| !v.is_finite() || *v < 0.0) {
                return Some(format!(
                    "{what} {} is negative or not a number",
                    crate::finding::number(v)
                ));
            }
        }
        match self.flux_check() {
            Some(f) if !(0.5..=2.0).contains(&f.ratio) || !f.ratio.is_finite() => Some(format!(
                "the intensities integrate to {} lm but the file declares {} lm (off by more than \
                 a factor of 2: check the units, the multiplier or the lamp flux)",
                crate::finding::number(f.integrated_lm.round()),
                crate::finding::number(f.declared_lm.round())
            )),
            _ => None,
        }
    }
}

/// Reads an .ldt or .ies file by extension (case-insensitive).
pub fn read(path: &Path) -> Result<Photometry, FileError> {
    let bytes = std::fs::read(path).map_err(|e| FileError::io(path, &e))?;
    // Photometry files are often Latin-1; decode leniently.
    let text = String::from_utf8(bytes.clone())
        .unwrap_or_else(|_| bytes.iter().map(|&b| b as char).collect());
    parse(&text, path)
}

/// Parses photometry text; the format is chosen by the extension of `origin`, or sniffed
/// from the content when the extension is neither .ldt nor .ies.
pub fn parse(text: &str, origin: &Path) -> Result<Photometry, FileError> {
    let ext = origin
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("ldt") => ldt::parse(text, origin),
        Some("ies") => ies::parse(text, origin),
        _ if looks_like_ies(text) => ies::parse(text, origin),
        _ => ldt::parse(text, origin),
    }
}

/// IES files start with "IESNA" (1991 and later) or carry a `TILT=` line near the top.
fn looks_like_ies(text: &str) -> bool {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.get(..5)
        .is_some_and(|s| s.eq_ignore_ascii_case("IESNA"))
        || text
            .lines()
            .take(200)
            .any(|l| l.trim_start().to_ascii_uppercase().starts_with("TILT="))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn table(c_deg: Vec<f64>, gamma_deg: Vec<f64>, f: impl Fn(f64, f64) -> f64) -> IntensityTable {
        let cd = c_deg
            .iter()
            .flat_map(|&c| gamma_deg.iter().map(move |&g| (c, g)))
            .map(|(c, g)| f(c, g))
            .collect();
        IntensityTable {
            c_deg,
            gamma_deg,
            cd,
        }
    }

    #[test]
    fn uniform_sphere_flux_is_four_pi_i() {
        let t = table(vec![0.0, 90.0, 360.0], vec![0.0, 30.0, 180.0], |_, _| 100.0);
        assert!((t.flux_lm() - 4.0 * PI * 100.0).abs() < 1e-9);
    }

    #[test]
    fn uniform_lower_hemisphere_flux_is_two_pi_i() {
        let t = table(vec![0.0, 360.0], vec![0.0, 45.0, 90.0], |_, _| 50.0);
        assert!((t.flux_lm() - 2.0 * PI * 50.0).abs() < 1e-9);
    }

    #[test]
    fn lambertian_flux_is_pi_i0() {
        // I = I0 cos gamma below the horizon: flux = pi I0; 1-degree steps.
        let gammas: Vec<f64> = (0..=90).map(f64::from).collect();
        let cs: Vec<f64> = (0..=24).map(|i| f64::from(i) * 15.0).collect();
        let t = table(cs, gammas, |_, g| 1000.0 * g.to_radians().cos());
        let rel = (t.flux_lm() - PI * 1000.0).abs() / (PI * 1000.0);
        assert!(rel < 1e-4, "relative error {rel}");
    }

    #[test]
    fn flux_weights_each_c_sector_by_its_width() {
        // 200 cd in C 0..90 only (linear fall to 0 at C 90..180 is part of the model).
        let t = table(vec![0.0, 90.0, 180.0, 360.0], vec![0.0, 180.0], |c, _| {
            if c <= 90.0 { 200.0 } else { 0.0 }
        });
        // Solid angle of the sector 0..90 is pi, plus half of the 90..180 sector (pi/2).
        assert!((t.flux_lm() - 200.0 * (PI + PI / 2.0)).abs() < 1e-9);
    }

    #[test]
    fn ulor_is_the_share_above_the_horizon() {
        // 100 cd straight down falling linearly to 30 cd at the horizon, 30 cd above.
        // Per steradian of C: below, the integral of (100 - 70 g / (pi/2)) sin g over
        // 0..pi/2 = 100 - 140/pi; above, 30 (the integral of sin g over pi/2..pi is 1).
        let t = table(vec![0.0, 360.0], vec![0.0, 90.0, 180.0], |_, g| {
            if g < 90.0 { 100.0 } else { 30.0 }
        });
        let below = 100.0 - 140.0 / PI;
        assert!((t.flux_lm() - 2.0 * PI * (below + 30.0)).abs() < 1e-9);
        assert!((t.flux_between_lm(90.0, f64::INFINITY) - 2.0 * PI * 30.0).abs() < 1e-9);
        let ulor = t.ulor().unwrap();
        assert!((ulor - 30.0 / (below + 30.0)).abs() < 1e-12, "{ulor}");
        assert!((ulor - 0.3511).abs() < 1e-4);
        // A cut inside a step: the interpolant is split at 90°, nothing lost.
        let ramp = table(vec![0.0, 360.0], vec![0.0, 80.0, 100.0, 180.0], |_, g| g);
        let (lo, hi) = (
            ramp.flux_between_lm(f64::NEG_INFINITY, 90.0),
            ramp.flux_between_lm(90.0, f64::INFINITY),
        );
        assert!((lo + hi - ramp.flux_lm()).abs() < 1e-9);
        // Nothing above the horizon: 0; no light at all: no ratio.
        let down = table(vec![0.0, 360.0], vec![0.0, 90.0, 180.0], |_, g| {
            if g < 90.0 { 100.0 } else { 0.0 }
        });
        assert_eq!(down.ulor(), Some(0.0));
        let dark = table(vec![0.0, 360.0], vec![0.0, 180.0], |_, _| 0.0);
        assert_eq!(dark.ulor(), None);
    }

    #[test]
    fn flux_check_agrees_within_three_per_cent() {
        let mk = |declared: f64| Photometry {
            format: Format::Eulumdat,
            manufacturer: String::new(),
            name: String::new(),
            table: table(vec![0.0, 360.0], vec![0.0, 90.0], |_, _| 100.0),
            lamp_flux_lm: Some(declared),
            declared_flux_lm: Some(declared),
            power_w: 0.0,
        };
        // 100 cd over the lower hemisphere: 2 pi 100 lm.
        let flux = 2.0 * PI * 100.0;
        assert!(mk(flux * 1.02).flux_check().unwrap().agrees());
        assert!(!mk(flux * 1.05).flux_check().unwrap().agrees());
        let none = Photometry {
            declared_flux_lm: None,
            ..mk(1.0)
        };
        assert!(none.flux_check().is_none());
    }

    #[test]
    fn plane_curve_reads_the_plane_at_table_gammas() {
        let t = table(vec![0.0, 180.0, 360.0], vec![0.0, 90.0, 180.0], |c, g| {
            c + g
        });
        assert_eq!(
            t.plane_curve(180.0),
            vec![(0.0, 180.0), (90.0, 270.0), (180.0, 360.0)]
        );
        assert_eq!(t.plane_curve(90.0)[1], (90.0, 180.0));
    }

    #[test]
    fn decimal_comma_numbers() {
        assert_eq!(tokens::number("84,42"), Some(84.42));
        assert_eq!(tokens::number(" 1.5 "), Some(1.5));
        assert_eq!(tokens::number("NaN"), None);
        assert_eq!(tokens::number("1,2.3"), None);
    }
}
