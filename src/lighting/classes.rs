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
//! M classes are luminance classes that need road-surface r-tables; until those exist an
//! M street is evaluated as the C class of the same row (M1 → C0, …, M6 → C5) and the
//! verdict carries a note saying so. A limit is met when the value is at least the limit
//! (no rounding).

use crate::plan::LightingClass;

/// What a class requires, in maintained illuminance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Requirement {
    /// P classes: minimum average and minimum point illuminance, lx.
    P { e_avg_lx: f64, e_min_lx: f64 },
    /// C classes: minimum average illuminance, lx, and overall uniformity E_min/E_avg.
    C { e_avg_lx: f64, u_o: f64 },
}

impl Requirement {
    /// The class' average illuminance, lx.
    pub fn e_avg_lx(self) -> f64 {
        match self {
            Requirement::P { e_avg_lx, .. } | Requirement::C { e_avg_lx, .. } => e_avg_lx,
        }
    }

    /// The illuminance below which a grid point counts as dark, lx: E_min for P classes;
    /// U_o × E_avg for C classes (the lowest point value a street at exactly the class
    /// average may have).
    pub fn dark_below_lx(self) -> f64 {
        match self {
            Requirement::P { e_min_lx, .. } => e_min_lx,
            Requirement::C { e_avg_lx, u_o } => u_o * e_avg_lx,
        }
    }
}

/// Over-lighting threshold for P classes: E_avg above this factor × class value.
pub const OVERLIGHT_FACTOR: f64 = 1.5;

/// The class actually evaluated (M → C of the same row) and a note when it differs.
pub fn evaluated_class(class: LightingClass) -> (LightingClass, Option<String>) {
    use LightingClass::*;
    let c = match class {
        M1 => C0,
        M2 => C1,
        M3 => C2,
        M4 => C3,
        M5 => C4,
        M6 => C5,
        other => return (other, None),
    };
    (
        c,
        Some(format!(
            "{class} is a luminance class (needs road-surface r-tables, not available); \
             evaluated as {c}, the illuminance class of the same row"
        )),
    )
}

/// The requirement of a class (M classes: that of the C class of the same row).
pub fn requirement(class: LightingClass) -> Requirement {
    use LightingClass::*;
    let p = |e_avg_lx, e_min_lx| Requirement::P { e_avg_lx, e_min_lx };
    let c = |e_avg_lx| Requirement::C { e_avg_lx, u_o: 0.4 };
    match evaluated_class(class).0 {
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
        // C5, and unreachable M classes (mapped above).
        _ => c(7.5),
    }
}

/// The judgement of measured values against a class.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The class asked for.
    pub class: LightingClass,
    /// The class evaluated (differs for M classes).
    pub evaluated_as: LightingClass,
    pub pass: bool,
    /// P classes only: E_avg above 1.5 × the class value (wastes energy).
    pub over_lit: bool,
    /// What failed, for people: measured value and limit, e.g. "E_avg 4.2 lx < 5.0 lx".
    pub failures: Vec<String>,
    /// M classes: how they were evaluated.
    pub note: Option<String>,
}

/// Whether `value` reaches `limit`; NaN never does.
pub fn meets(value: f64, limit: f64) -> bool {
    value >= limit
}

/// Judges E_avg, E_min (lx) and U_o against `class`.
pub fn verdict(class: LightingClass, e_avg_lx: f64, e_min_lx: f64, u_o: f64) -> Verdict {
    let (evaluated_as, note) = evaluated_class(class);
    let req = requirement(class);
    let mut failures = Vec::new();
    let mut over_lit = false;
    if !meets(e_avg_lx, req.e_avg_lx()) {
        failures.push(format!("E_avg {e_avg_lx:.2} lx < {:.2} lx", req.e_avg_lx()));
    }
    match req {
        Requirement::P {
            e_avg_lx: want,
            e_min_lx: min,
        } => {
            if !meets(e_min_lx, min) {
                failures.push(format!("E_min {e_min_lx:.2} lx < {min:.2} lx"));
            }
            over_lit = e_avg_lx > OVERLIGHT_FACTOR * want;
        }
        Requirement::C { u_o: want, .. } => {
            if !meets(u_o, want) {
                failures.push(format!("U_o {u_o:.3} < {want:.2}"));
            }
        }
    }
    Verdict {
        class,
        evaluated_as,
        pass: failures.is_empty(),
        over_lit,
        failures,
        note,
    }
}
