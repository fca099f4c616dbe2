//! What the evaluation of one classed street gives: its verdict, its sections, its dark
//! stretches and its profile. A module below both `street` (which computes them) and
//! `coverage` (which gathers them for the plan), so neither imports the other's types.

use super::Verdict;
use crate::plan::LightingClass;
use serde::Serialize;

/// A street's verdict, as the `"streets"` member of `lysplan check --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreetResult {
    pub id: String,
    pub class: LightingClass,
    pub e_avg_lx: f64,
    pub e_min_lx: f64,
    /// E_min / E_avg; for M classes the luminance uniformity L_min / L_avg (`None`,
    /// `null` in JSON, when no luminance field could be evaluated).
    pub u_o: Option<f64>,
    /// M classes: the road luminance values.
    #[serde(flatten)]
    pub luminance: Option<LuminanceSummary>,
    pub pass: bool,
    /// Adaptive lighting: the verdict of each period of the night (docs/architecture.md
    /// "Adaptive lighting"), in clock order from the one containing 12:00.
    pub periods: Vec<PeriodResult>,
}

/// One period of a street's night, judged against the class in force then with each
/// vendor's luminaires at its level: an element of a street's `"periods"` in
/// `lysplan check --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodResult {
    /// Local clock time `"HH:MM"` the period starts.
    pub from: String,
    /// Local clock time `"HH:MM"` it ends (`"24:00"`: a day with no step time).
    pub to: String,
    /// The class in force.
    pub class: LightingClass,
    /// The level (0..1) of each vendor whose poles stand on the street, by vendor id;
    /// with presence control the level when a road user is detected.
    pub levels: std::collections::BTreeMap<String, f64>,
    /// Vendors with presence control: the level while nobody is there (reported, not
    /// judged).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub idle_levels: std::collections::BTreeMap<String, f64>,
    /// The class's values under the street's key names.
    #[serde(flatten)]
    pub values: PeriodValues,
    pub pass: bool,
    /// The judgement (failures for people).
    #[serde(skip)]
    pub verdict: Verdict,
}

/// A period's values: illuminance for P and C classes, road luminance for M classes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PeriodValues {
    Illuminance {
        e_avg_lx: f64,
        e_min_lx: f64,
        u_o: f64,
    },
    /// Each `null` when no luminance field could be evaluated.
    Luminance {
        u_o: Option<f64>,
        l_avg_cd_m2: Option<f64>,
        u_l: Option<f64>,
        ti_pct: Option<f64>,
        rei: Option<f64>,
    },
}

impl PeriodValues {
    /// The luminance values of an M class period.
    pub fn luminance(v: Option<&super::luminance::LuminanceValues>) -> Self {
        PeriodValues::Luminance {
            u_o: v.map(|v| v.u_o),
            l_avg_cd_m2: v.map(|v| v.l_avg_cd_m2),
            u_l: v.map(|v| v.u_l),
            ti_pct: v.map(|v| v.ti_pct),
            rei: v.map(|v| v.rei),
        }
    }
}

/// The luminance members of an M street's result: each `null` in JSON when no field can
/// be evaluated (fewer than two luminaires along the street).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LuminanceSummary {
    pub l_avg_cd_m2: Option<f64>,
    pub u_l: Option<f64>,
    pub ti_pct: Option<f64>,
    pub rei: Option<f64>,
}

impl StreetResult {
    /// "L_avg 2.85 cd/m², U_l 0.59, f_TI 12.2 %, REI 0.41" for an M street ("no
    /// luminance field" when none could be evaluated); `None` for other classes.
    pub fn luminance_text(&self) -> Option<String> {
        let l = self.luminance.as_ref()?;
        Some(match (l.l_avg_cd_m2, l.u_l, l.ti_pct, l.rei) {
            (Some(a), Some(u), Some(t), Some(r)) => {
                format!("L_avg {a:.2} cd/m², U_l {u:.2}, f_TI {t:.1} %, REI {r:.2}")
            }
            _ => "no luminance field (fewer than two luminaires)".to_owned(),
        })
    }
}

/// `v` with `decimals`, or "-" when there is none.
pub fn show_optional(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => "-".to_owned(),
    }
}

impl LuminanceSummary {
    pub fn of(v: Option<&super::luminance::LuminanceValues>) -> Self {
        LuminanceSummary {
            l_avg_cd_m2: v.map(|v| v.l_avg_cd_m2),
            u_l: v.map(|v| v.u_l),
            ti_pct: v.map(|v| v.ti_pct),
            rei: v.map(|v| v.rei),
        }
    }
}

/// A vendor section's values on its street, judged against the street's class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionResult {
    pub id: String,
    pub vendor: String,
    pub street: String,
    pub e_avg_lx: f64,
    pub e_min_lx: f64,
    /// As in [`StreetResult::u_o`].
    pub u_o: f64,
    /// M classes: the section's average luminance, cd/m².
    #[serde(skip_serializing_if = "Option::is_none")]
    pub l_avg_cd_m2: Option<f64>,
    pub pass: bool,
}

/// A stretch of street below the class' dark threshold (see
/// [`super::Requirement::dark_below`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DarkStretch {
    pub from_m: f64,
    pub to_m: f64,
    /// Lowest grid value in the stretch, lx (M classes: the lowest luminance, cd/m²).
    pub e_min_lx: f64,
}

/// Illuminance along a street, one entry per grid row, for plots.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Profile {
    pub chainage_m: Vec<f64>,
    /// On the centreline, lx.
    pub centre_lx: Vec<f64>,
    /// The lowest value across the street at that chainage, lx.
    pub min_across_lx: Vec<f64>,
}

/// Everything computed for one classed street.
#[derive(Debug, Clone, PartialEq)]
pub struct StreetEvaluation {
    /// Index in `plan.streets`.
    pub street: usize,
    pub result: StreetResult,
    pub verdict: Verdict,
    pub sections: Vec<SectionResult>,
    pub dark: Vec<DarkStretch>,
    pub profile: Profile,
    /// M classes: the road luminance (values, lane profiles).
    pub luminance: Option<super::luminance::StreetLuminance>,
    /// Grid points evaluated (rows × points across).
    pub grid_points: usize,
    pub length_m: f64,
    /// Length × width, m².
    pub area_m2: f64,
    /// Poles assigned to the street (on route, nearest street).
    pub poles: usize,
    /// Installed power of those poles, W.
    pub power_w: f64,
    /// Power density indicator D_P = P / (E_avg × A), W/(lx·m²); `None` when unlit.
    pub d_p_w_per_lx_m2: Option<f64>,
    /// Annual energy consumption indicator D_E = P × t / A, Wh/(m²·year).
    pub d_e_wh_per_m2_year: f64,
}
