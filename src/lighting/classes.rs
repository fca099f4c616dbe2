//! EN 13201-2 lighting classes (maintained values) and verdicts.
//!
//! | class | E_avg lx | E_min lx | | class | E_avg lx | U_o |
//! | --- | --- | --- | --- | --- | --- | --- |
//! | P1 | 15 | 3.0 | | C0 | 50 | 0.40 |
//! | P2 | 10 | 2.0 | | C1 | 30 | 0.40 |
//! | P3 | 7.5 | 1.5 | | C2 | 20 | 0.40 |
//! | P4 | 5.0 | 1.0 | | C3 | 15 | 0.40 |
//! | P5 | 3.0 | 0.6 | | C4 | 10 | 0.40 |
//! | P6 | 2.0 | 0.4 | | C5 | 7.5 | 0.40 |
//!
//! M classes are judged by road luminance (docs/architecture.md "Road luminance"):
//!
//! | class | L_avg cd/m² ≥ | U_o ≥ | U_l ≥ | f_TI % ≤ | REI ≥ |
//! | --- | --- | --- | --- | --- | --- |
//! | M1 | 2.0 | 0.40 | 0.70 | 10 | 0.35 |
//! | M2 | 1.5 | 0.40 | 0.70 | 10 | 0.35 |
//! | M3 | 1.0 | 0.40 | 0.60 | 15 | 0.30 |
//! | M4 | 0.75 | 0.40 | 0.60 | 15 | 0.30 |
//! | M5 | 0.5 | 0.35 | 0.40 | 15 | 0.30 |
//! | M6 | 0.3 | 0.35 | 0.40 | 20 | 0.30 |
//!
//! A limit is met when the value is at least the limit (f_TI: at most), with no rounding.

use crate::plan::LightingClass;

/// What a class requires, in maintained illuminance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Requirement {
    /// P classes: minimum average and minimum point illuminance, lx.
    P { e_avg_lx: f64, e_min_lx: f64 },
    /// C classes: minimum average illuminance, lx, and overall uniformity E_min/E_avg.
    C { e_avg_lx: f64, u_o: f64 },
    /// M classes: road luminance.
    M(LuminanceRequirement),
}

/// What an M class requires of the road luminance (EN 13201-2, maintained values).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LuminanceRequirement {
    /// Minimum average luminance, cd/m².
    pub l_avg_cd_m2: f64,
    /// Minimum overall uniformity L_min / L_avg.
    pub u_o: f64,
    /// Minimum longitudinal uniformity along the lane centre lines.
    pub u_l: f64,
    /// Maximum threshold increment, %.
    pub ti_max_pct: f64,
    /// Minimum edge illuminance ratio.
    pub rei: f64,
}

impl Requirement {
    /// The class' average illuminance, lx (`None` for M classes, judged by luminance).
    pub fn e_avg_lx(self) -> Option<f64> {
        match self {
            Requirement::P { e_avg_lx, .. } | Requirement::C { e_avg_lx, .. } => Some(e_avg_lx),
            Requirement::M(_) => None,
        }
    }

    /// The value below which a grid point counts as dark: E_min for P classes; U_o ×
    /// E_avg for C classes (the lowest point value a street at exactly the class average
    /// may have), lx; for M classes U_o × L_avg, cd/m².
    pub fn dark_below(self) -> f64 {
        match self {
            Requirement::P { e_min_lx, .. } => e_min_lx,
            Requirement::C { e_avg_lx, u_o } => u_o * e_avg_lx,
            Requirement::M(m) => m.u_o * m.l_avg_cd_m2,
        }
    }
}

/// Over-lighting threshold for P classes: E_avg above this factor × class value.
pub const OVERLIGHT_FACTOR: f64 = 1.5;

/// The requirement of a class.
pub fn requirement(class: LightingClass) -> Requirement {
    use LightingClass::*;
    let p = |e_avg_lx, e_min_lx| Requirement::P { e_avg_lx, e_min_lx };
    let c = |e_avg_lx| Requirement::C { e_avg_lx, u_o: 0.4 };
    let m = |l_avg_cd_m2, u_o, u_l, ti_max_pct, rei| {
        Requirement::M(LuminanceRequirement {
            l_avg_cd_m2,
            u_o,
            u_l,
            ti_max_pct,
            rei,
        })
    };
    match class {
        P1 => p(15.0, 3.0),
        P2 => p(10.0, 2.0),
        P3 => p(7.5, 1.5),
        P4 => p(5.0, 1.0),
        P5 => p(3.0, 0.6),
        P6 => p(2.0, 0.4),
        C0 => c(50.0),
        C1 => c(30.0),
        C2 => c(20.0),
        C3 => c(15.0),
        C4 => c(10.0),
        C5 => c(7.5),
        M1 => m(2.0, 0.40, 0.70, 10.0, 0.35),
        M2 => m(1.5, 0.40, 0.70, 10.0, 0.35),
        M3 => m(1.0, 0.40, 0.60, 15.0, 0.30),
        M4 => m(0.75, 0.40, 0.60, 15.0, 0.30),
        M5 => m(0.5, 0.35, 0.40, 15.0, 0.30),
        M6 => m(0.3, 0.35, 0.40, 20.0, 0.30),
    }
}

/// The judgement of calculated values against a class.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The class asked for.
    pub class: LightingClass,
    pub pass: bool,
    /// P classes only: E_avg above 1.5 × the class value (wastes energy).
    pub over_lit: bool,
    /// What failed, for people: calculated value and limit, e.g. "E_avg 4.2 lx < 5.0 lx".
    pub failures: Vec<String>,
}

/// Whether `value` reaches `limit`; NaN never does.
pub fn meets(value: f64, limit: f64) -> bool {
    value >= limit
}

/// Judges E_avg, E_min (lx) and U_o against a P or C `class`. An M class fails here
/// with a note that it is judged by luminance ([`luminance_verdict`]).
pub fn verdict(class: LightingClass, e_avg_lx: f64, e_min_lx: f64, u_o: f64) -> Verdict {
    let mut failures = Vec::new();
    let mut over_lit = false;
    match requirement(class) {
        Requirement::P {
            e_avg_lx: want,
            e_min_lx: min,
        } => {
            if !meets(e_avg_lx, want) {
                failures.push(format!("E_avg {e_avg_lx:.2} lx < {want:.2} lx"));
            }
            if !meets(e_min_lx, min) {
                failures.push(format!("E_min {e_min_lx:.2} lx < {min:.2} lx"));
            }
            over_lit = e_avg_lx > OVERLIGHT_FACTOR * want;
        }
        Requirement::C {
            e_avg_lx: want,
            u_o: want_u,
        } => {
            if !meets(e_avg_lx, want) {
                failures.push(format!("E_avg {e_avg_lx:.2} lx < {want:.2} lx"));
            }
            if !meets(u_o, want_u) {
                failures.push(format!("U_o {u_o:.3} < {want_u:.2}"));
            }
        }
        Requirement::M(_) => failures.push(format!(
            "{class} is a luminance class: it is judged by L_avg, U_o, U_l, f_TI and REI"
        )),
    }
    Verdict {
        class,
        pass: failures.is_empty(),
        over_lit,
        failures,
    }
}

/// Judges road luminance values against an M `class` (`None`: no field could be
/// evaluated). A P or C class fails with a note that it is judged by illuminance.
pub fn luminance_verdict(
    class: LightingClass,
    values: Option<&super::luminance::LuminanceValues>,
) -> Verdict {
    let mut failures = Vec::new();
    match (requirement(class), values) {
        (Requirement::M(req), Some(v)) => {
            if !meets(v.l_avg_cd_m2, req.l_avg_cd_m2) {
                failures.push(format!(
                    "L_avg {:.2} cd/m² < {:.2} cd/m²",
                    v.l_avg_cd_m2, req.l_avg_cd_m2
                ));
            }
            if !meets(v.u_o, req.u_o) {
                failures.push(format!("U_o {:.3} < {:.2}", v.u_o, req.u_o));
            }
            if !meets(v.u_l, req.u_l) {
                failures.push(format!("U_l {:.3} < {:.2}", v.u_l, req.u_l));
            }
            if v.ti_pct.is_nan() || v.ti_pct > req.ti_max_pct {
                failures.push(format!("f_TI {:.1} % > {:.0} %", v.ti_pct, req.ti_max_pct));
            }
            if !meets(v.rei, req.rei) {
                failures.push(format!("REI {:.3} < {:.2}", v.rei, req.rei));
            }
        }
        (Requirement::M(_), None) => failures
            .push("no luminance field: fewer than two luminaires along the street".to_owned()),
        _ => failures.push(format!(
            "{class} is an illuminance class, not judged by luminance"
        )),
    }
    Verdict {
        class,
        pass: failures.is_empty(),
        over_lit: false,
        failures,
    }
}
