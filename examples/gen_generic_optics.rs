//! Writes the bundled GENERIC LED photometries, `assets/luminaires/generic_*.ldt`: intensity
//! distributions generated from the documented model below, not measurements of any
//! product. They exist because no real street-lighting LED file that may be
//! redistributed was at hand (assets/luminaires/SOURCES.md).
//!
//! ```text
//! cargo run --example gen_generic_optics            # writes assets/luminaires/generic_*.ldt
//! cargo run --example gen_generic_optics -- DIR     # writes into DIR instead
//! ```
//!
//! Deterministic: the same code writes the same files, byte for byte (no clock, no
//! randomness). After writing, each file is read back with Lysplan's own EULUMDAT reader
//! and its integrated flux compared with the declared flux (must agree within 1 %).
//!
//! # The model
//!
//! Directions in the CIE C-γ system (γ = 0 straight down, C = 0 along the road, C = 90
//! across the road towards the street side, the convention of docs/architecture.md
//! "Lighting"). A shape function s(C, γ) ≥ 0 is sampled every 5° in C and every 2.5° in
//! γ, then scaled so that the table integrates (the way Lysplan integrates it: linear in
//! γ, trapezoid in C) to exactly 1000 lm: the file's intensities are cd per 1000 lm of
//! luminaire flux, LORL 100 % (an LED luminaire's rated flux is its luminaire flux).
//!
//! - **Along-road profile** p(γ) = cos(γ)^−`rise_power` up to γ = `peak_gamma_deg`,
//!   then p(peak) × cos²(90° × (γ − peak) / (`cutoff_deg` − peak)) down to 0 at
//!   `cutoff_deg`, and 0 above: a sharp cut-off, no light near or above the horizontal.
//!   A power near 3 keeps the horizontal illuminance even (E ∝ I cos³γ); a power below
//!   1 with a high peak (γ ≈ 70°) is the "batwing" of a luminance-designed road optic,
//!   whose light reaches the road far ahead, where it is reflected towards the driver.
//! - **Road optics** (`Road` shapes): I(C, γ) = p(γ) × m(a), with a = tan γ × sin C the
//!   distance across the road, in mounting heights, at which the direction meets the
//!   ground (positive towards the street, C = 90). Towards the street m = 1 up to
//!   a = `street_reach`, then a Gaussian fall of width `street_fade` (little light
//!   beyond the far kerb); behind the pole m = `house_level` + (1 − `house_level`) ×
//!   Gaussian(−a, `house_reach`) (the house side gets the little the edge ratio REI
//!   needs). The shape is mirror-symmetric about the C90–C270 plane (I(C) = I(180 − C)),
//!   stored as EULUMDAT Isym 3. No light above the horizontal: ULOR 0, as a flat-glass
//!   road luminaire.
//! - **Post-top** (`PostTop` shapes): rotationally symmetric (Isym 1), I = p(γ) below
//!   the horizontal and `up` × sin γ (relative to the nadir) above it: the glow of the
//!   lantern's diffuser, a few per cent of the flux upwards, as decorative post-tops
//!   have.
//!
//! Flux packages: a family shares one shape and differs only in flux and power. The
//! efficacies (lm/W of the whole luminaire, driver included) fall from about 150 to 130
//! lm/W with the package, in the range current road LED luminaires are sold at
//! (120–160 lm/W).

use lysplan::photometry::{IntensityTable, parse};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A distribution shape (see the module documentation for each parameter).
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A road optic, mirror-symmetric about the C90–C270 plane.
    Road {
        /// The along-road profile rises as cos(γ)^-`rise_power`...
        rise_power: f64,
        /// ... up to this γ, degrees,
        peak_gamma_deg: f64,
        /// ... and falls as cos² to 0 at this γ (the cut-off), degrees.
        cutoff_deg: f64,
        /// Distance across the road, towards the street, lit at full intensity, in
        /// mounting heights.
        street_reach: f64,
        /// Width of the Gaussian fall beyond `street_reach`, in mounting heights.
        street_fade: f64,
        /// Width of the Gaussian fall behind the pole (the house side), in heights.
        house_reach: f64,
        /// The share of the intensity left far behind the pole (0..1).
        house_level: f64,
    },
    /// A rotationally symmetric post-top.
    PostTop {
        rise_power: f64,
        peak_gamma_deg: f64,
        cutoff_deg: f64,
        /// Upward glow: `up` × sin γ above the horizontal, relative to the nadir.
        up: f64,
    },
}

/// The two-lane road optic, shaped for luminance (M classes): intensity along the road
/// rising as cos(γ)^-0.5 to about 1.7 × the nadir value at γ 70° (the luminaire ahead of
/// a point keeps lighting it up to about 3 mounting heights away, where the road surface
/// reflects it towards the driver), cut off by 80°; full light up to 1.0 × the height
/// across towards the street, 10 % far behind the pole. Meets M3 on a 7 m, two-lane road
/// from 8 m poles 30–34 m apart with the 60 W package (tests/core/photometry.rs).
pub const ROAD_TWO_LANE: Shape = Shape::Road {
    rise_power: 0.5,
    peak_gamma_deg: 70.0,
    cutoff_deg: 80.0,
    street_reach: 1.0,
    street_fade: 0.4,
    house_reach: 0.35,
    house_level: 0.1,
};

/// The narrower residential optic, shaped for illuminance (C and P classes): rising as
/// cos(γ)^-2.5 (nearly the cos³ that keeps the illuminance even) to γ 63°, cut off by
/// 76°, full light to 0.8 × the height across.
pub const RESIDENTIAL: Shape = Shape::Road {
    rise_power: 2.5,
    peak_gamma_deg: 63.0,
    cutoff_deg: 76.0,
    street_reach: 0.8,
    street_fade: 0.3,
    house_reach: 0.3,
    house_level: 0.15,
};

/// The symmetric post-top for paths: rising as cos(γ)^-2 to γ 65°, cut off by 80°, and
/// an upward glow from the lantern of 6 % of the nadir intensity.
pub const POST_TOP: Shape = Shape::PostTop {
    rise_power: 2.0,
    peak_gamma_deg: 65.0,
    cutoff_deg: 80.0,
    up: 0.06,
};

/// One generated file.
#[derive(Debug, Clone, Copy)]
pub struct Generic {
    pub file: &'static str,
    pub name: &'static str,
    pub shape: Shape,
    /// Rated luminaire flux, lm.
    pub flux_lm: f64,
    /// Input power including the driver, W.
    pub power_w: f64,
}

pub const GENERICS: &[Generic] = &[
    Generic {
        file: "generic_road_2lane_20w.ldt",
        name: "Generic LED road optic, two-lane, 20 W (generated)",
        shape: ROAD_TWO_LANE,
        flux_lm: 3000.0,
        power_w: 20.0,
    },
    Generic {
        file: "generic_road_2lane_40w.ldt",
        name: "Generic LED road optic, two-lane, 40 W (generated)",
        shape: ROAD_TWO_LANE,
        flux_lm: 5800.0,
        power_w: 40.0,
    },
    Generic {
        file: "generic_road_2lane_60w.ldt",
        name: "Generic LED road optic, two-lane, 60 W (generated)",
        shape: ROAD_TWO_LANE,
        flux_lm: 8400.0,
        power_w: 60.0,
    },
    Generic {
        file: "generic_road_2lane_90w.ldt",
        name: "Generic LED road optic, two-lane, 90 W (generated)",
        shape: ROAD_TWO_LANE,
        flux_lm: 12_200.0,
        power_w: 90.0,
    },
    Generic {
        file: "generic_road_2lane_120w.ldt",
        name: "Generic LED road optic, two-lane, 120 W (generated)",
        shape: ROAD_TWO_LANE,
        flux_lm: 15_600.0,
        power_w: 120.0,
    },
    Generic {
        file: "generic_residential_20w.ldt",
        name: "Generic LED residential optic, 20 W (generated)",
        shape: RESIDENTIAL,
        flux_lm: 2800.0,
        power_w: 20.0,
    },
    Generic {
        file: "generic_residential_35w.ldt",
        name: "Generic LED residential optic, 35 W (generated)",
        shape: RESIDENTIAL,
        flux_lm: 4900.0,
        power_w: 35.0,
    },
    Generic {
        file: "generic_posttop_15w.ldt",
        name: "Generic LED post-top, symmetric, 15 W (generated)",
        shape: POST_TOP,
        flux_lm: 1800.0,
        power_w: 15.0,
    },
    Generic {
        file: "generic_posttop_25w.ldt",
        name: "Generic LED post-top, symmetric, 25 W (generated)",
        shape: POST_TOP,
        flux_lm: 3000.0,
        power_w: 25.0,
    },
    Generic {
        file: "generic_posttop_35w.ldt",
        name: "Generic LED post-top, symmetric, 35 W (generated)",
        shape: POST_TOP,
        flux_lm: 4200.0,
        power_w: 35.0,
    },
];

/// Step between C planes and between γ angles, degrees.
const DC: f64 = 5.0;
const DG: f64 = 2.5;

fn gauss(x: f64, w: f64) -> f64 {
    (-(x / w) * (x / w)).exp()
}

/// The along-road profile: cos(γ)^-`rise_power` up to `peak`, then cos² down to 0 at
/// `cutoff`, 0 beyond.
fn profile(g: f64, rise_power: f64, peak: f64, cutoff: f64) -> f64 {
    let rise = |g: f64| g.to_radians().cos().powf(-rise_power);
    if g <= peak {
        rise(g)
    } else if g < cutoff {
        let t = (g - peak) / (cutoff - peak) * std::f64::consts::FRAC_PI_2;
        rise(peak) * t.cos() * t.cos()
    } else {
        0.0
    }
}

impl Shape {
    /// The unscaled relative intensity towards (C, γ), degrees.
    pub fn relative(&self, c: f64, g: f64) -> f64 {
        match *self {
            Shape::Road {
                rise_power,
                peak_gamma_deg,
                cutoff_deg,
                street_reach,
                street_fade,
                house_reach,
                house_level,
            } => {
                let p = profile(g, rise_power, peak_gamma_deg, cutoff_deg);
                if p == 0.0 {
                    return 0.0;
                }
                // Where the direction meets the ground, across the road, in heights.
                let across = g.to_radians().tan() * c.to_radians().sin();
                let mask = if across >= 0.0 {
                    if across <= street_reach {
                        1.0
                    } else {
                        gauss(across - street_reach, street_fade)
                    }
                } else {
                    house_level + (1.0 - house_level) * gauss(-across, house_reach)
                };
                p * mask
            }
            Shape::PostTop {
                rise_power,
                peak_gamma_deg,
                cutoff_deg,
                up,
            } => {
                if g > 90.0 {
                    up * g.to_radians().sin()
                } else {
                    profile(g, rise_power, peak_gamma_deg, cutoff_deg)
                }
            }
        }
    }

    fn symmetric(&self) -> bool {
        matches!(self, Shape::PostTop { .. })
    }
}

/// The full table (every C plane 0..=360) of relative intensities scaled to 1000 lm:
/// cd/klm.
pub fn cd_per_klm(shape: &Shape) -> IntensityTable {
    let c_deg: Vec<f64> = (0..=(360.0 / DC) as usize).map(|i| i as f64 * DC).collect();
    let gamma_deg: Vec<f64> = (0..=(180.0 / DG) as usize).map(|i| i as f64 * DG).collect();
    let cd: Vec<f64> = c_deg
        .iter()
        .flat_map(|&c| gamma_deg.iter().map(move |&g| shape.relative(c % 360.0, g)))
        .collect();
    let mut t = IntensityTable {
        c_deg,
        gamma_deg,
        cd,
    };
    let k = 1000.0 / t.flux_lm();
    // Two decimals are what the file keeps: round here so the table written is the
    // table integrated.
    for v in &mut t.cd {
        *v = (*v * k * 100.0).round() / 100.0;
    }
    t
}

/// The EULUMDAT text of one generic luminaire.
pub fn ldt(g: &Generic) -> String {
    let t = cd_per_klm(&g.shape);
    let ng = t.gamma_deg.len();
    let symmetric = g.shape.symmetric();
    // Isym 1: one plane (C0); Isym 3: the planes C270..C355 then C0..C90.
    let stored: Vec<f64> = if symmetric {
        vec![0.0]
    } else {
        let mut v: Vec<f64> = t
            .c_deg
            .iter()
            .copied()
            .filter(|c| *c >= 270.0 && *c < 360.0)
            .collect();
        v.extend(t.c_deg.iter().copied().filter(|c| *c <= 90.0));
        v
    };
    let total = t.flux_lm();
    let up = t.ulor().unwrap_or(0.0);
    let mut s = String::new();
    let mut line = |v: &dyn std::fmt::Display| {
        let _ = writeln!(s, "{v}");
    };
    line(&"Lysplan generic (generated)");
    line(&if symmetric { 1 } else { 3 }); // Ityp: 1 rotationally symmetric, 3 other
    line(&if symmetric { 1 } else { 3 }); // Isym
    line(&((360.0 / DC) as usize)); // Mc
    line(&DC);
    line(&ng);
    line(&DG);
    line(&"generated by examples/gen_generic_optics.rs (model, not a measurement)");
    line(&g.name);
    line(&g.file.trim_end_matches(".ldt"));
    line(&g.file);
    line(&"generated, Lysplan");
    for v in [600, 250, 100, 400, 150, 0, 0, 0, 0] {
        line(&v); // luminaire and luminous-area dimensions, mm (nominal)
    }
    line(&format!("{:.2}", 100.0 * (1.0 - up))); // DFF
    line(&"100"); // LORL: LED rated flux is the luminaire flux
    line(&"1"); // conversion factor
    line(&"0"); // tilt during measurement
    line(&"1"); // one lamp set
    line(&"1");
    line(&"LED module (generic)");
    line(&format!("{}", g.flux_lm));
    line(&"4000K");
    line(&"70");
    line(&format!("{}", g.power_w));
    for _ in 0..10 {
        line(&"0"); // direct ratios (not used)
    }
    for c in &t.c_deg[..t.c_deg.len() - 1] {
        line(c);
    }
    for gm in &t.gamma_deg {
        line(gm);
    }
    for c in stored {
        let ci = t.c_deg.iter().position(|x| *x == c).unwrap_or(0);
        for v in &t.cd[ci * ng..(ci + 1) * ng] {
            line(&format!("{v:.2}"));
        }
    }
    debug_assert!((total - 1000.0).abs() < 1.0);
    s
}

/// Writes every generic file into `dir`, reads each back and checks its flux; returns
/// the paths written.
pub fn generate(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for g in GENERICS {
        let text = ldt(g);
        let path = dir.join(g.file);
        std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
        let p = parse(&text, &path).map_err(|e| e.to_string())?;
        let check = p
            .flux_check()
            .ok_or_else(|| format!("{}: no declared flux", path.display()))?;
        if (check.ratio - 1.0).abs() > 0.01 {
            return Err(format!(
                "{}: integrated {:.0} lm vs declared {:.0} lm",
                path.display(),
                check.integrated_lm,
                check.declared_lm
            ));
        }
        out.push(path);
    }
    Ok(out)
}

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("assets/luminaires"));
    match generate(&dir) {
        Ok(paths) => {
            for (p, g) in paths.iter().zip(GENERICS) {
                let t = cd_per_klm(&g.shape);
                println!(
                    "{}: {} lm, {} W, {:.0} lm/W, integrated / declared {:.4}, ULOR {:.2} %",
                    p.display(),
                    g.flux_lm,
                    g.power_w,
                    g.flux_lm / g.power_w,
                    t.flux_lm() / 1000.0,
                    100.0 * t.ulor().unwrap_or(0.0)
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
