//! Point-by-point illuminance, EN 13201 classes and grids, energy indicators.
//!
//! E_h(P) = MF × Σ I(C, γ) × h / r³ over the luminaires in range (docs/architecture.md
//! "Lighting").
//! [`Lighting`] is built once per plan revision from the plan and the photometry already
//! loaded (keyed by luminaire type id); [`evaluate`] runs the EN 13201-3 grid along every
//! classed street, judges it against EN 13201-2 and computes EN 13201-5 energy figures.
//!
//! Influence radius (the light that still matters): each luminaire's light is followed
//! out to where it provably adds less than [`NEGLECT_SHARE`] (0.1 %) of the lowest
//! illuminance the street's class requires (its E_min for P classes, U_o × E_avg for C
//! classes), and never less than [`MIN_REACH_H`] (5) times its mounting height while it
//! still gives light there. Where no class decides (the `lux` point check, M streets,
//! whose illuminance only feeds REI), the threshold is [`NEGLIGIBLE_LX`], 0.1 % of the
//! lowest class minimum of all (P6, E_min 0.4 lx). The bound uses the largest intensity of
//! the table at or beyond the incidence angle (minus the tilt), times MF × h / r³, which
//! only falls with distance. A real cut-off street luminaire (nothing beyond γ ≈ 80°) thus
//! gets about h × tan 80° ≈ 5.7 h; an optic with light to γ = 90° gets the cube-root
//! distance (the bundled ACME at 8 m: 138 m at 0.4 mlx and less on brighter classes,
//! where a fixed 0.1 mlx cut-off followed it to 204 m). The neglected tail changes the
//! bundled plan's results by under 0.5 % (0.13 % at most, test
//! `influence_radius_changes_the_bundled_plan_by_under_half_a_percent`).

pub mod classes;
mod coverage;
pub mod grid;
pub mod luminaire;
pub mod luminance;
pub mod luminance_parts;
mod lut;
mod optic;
pub mod periods;
mod results;
mod street;
pub mod surface;

pub use classes::{
    LuminanceRequirement, Requirement, Verdict, luminance_verdict, requirement, verdict,
};
pub use coverage::{
    Coverage, Energy, evaluate, evaluate_street_alone, evaluate_street_with_periods, evaluate_with,
    progress_total,
};
pub use luminaire::Luminaire;
pub use optic::Optic;
pub use results::{
    DarkStretch, LuminanceSummary, PeriodResult, PeriodValues, Profile, SectionResult,
    StreetEvaluation, StreetResult, show_optional,
};

use crate::frame::{Xy, to_utm32};
use crate::photometry::{IntensityTable, Photometry};
use crate::plan::Plan;
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};
use serde::Serialize;
use std::collections::HashMap;

/// A luminaire's light is neglected where it adds less than this share of the lowest
/// illuminance its street's class requires (module docs).
pub const NEGLECT_SHARE: f64 = 1e-3;
/// Light is followed to at least this many mounting heights from the luminaire (as far as
/// it reaches), whatever the threshold.
pub const MIN_REACH_H: f64 = 5.0;
/// Where no class decides, a luminaire's contribution below this is neglected, lx: 0.1 %
/// of P6's E_min (0.4 lx), the lowest minimum of any class (module docs).
pub const NEGLIGIBLE_LX: f64 = 4e-4;

/// The illuminance below which one luminaire's light is neglected on a street of `class`,
/// lx (module docs).
pub fn negligible_lx(class: Option<crate::plan::LightingClass>) -> f64 {
    match class.map(classes::requirement) {
        Some(r @ (classes::Requirement::P { .. } | classes::Requirement::C { .. })) => {
            (NEGLECT_SHARE * r.dark_below()).max(NEGLIGIBLE_LX)
        }
        _ => NEGLIGIBLE_LX,
    }
}

/// Anything that carries an intensity table: [`IntensityTable`] itself or a whole
/// [`Photometry`] read from a file.
pub trait Photometric {
    fn intensity_table(&self) -> &IntensityTable;
}

impl Photometric for IntensityTable {
    fn intensity_table(&self) -> &IntensityTable {
        self
    }
}

impl Photometric for Photometry {
    fn intensity_table(&self) -> &IntensityTable {
        &self.table
    }
}

type LumPoint = GeomWithData<Xy, usize>;

/// Largest intensity at gamma ≥ each tabulated gamma (over all C), for radius bounds.
fn suffix_max(t: &IntensityTable) -> Vec<f64> {
    let n = t.gamma_deg.len();
    let mut out = vec![0.0_f64; n];
    let mut run = 0.0_f64;
    for gi in (0..n).rev() {
        for ci in 0..t.c_deg.len() {
            if let Some(&v) = t.cd.get(ci * n + gi) {
                run = run.max(v.abs());
            }
        }
        out[gi] = run;
    }
    out
}

/// Upper bound of the intensity at any gamma ≥ `gamma_deg`.
fn intensity_bound(t: &IntensityTable, suffix: &[f64], gamma_deg: f64) -> f64 {
    let Some(&last) = t.gamma_deg.last() else {
        return 0.0;
    };
    if gamma_deg > last {
        return 0.0;
    }
    // Last tabulated gamma <= gamma_deg (bilinear values lie between it and the next).
    let i = t.gamma_deg.partition_point(|&g| g <= gamma_deg);
    suffix.get(i.saturating_sub(1)).copied().unwrap_or(0.0)
}

/// The largest `d` in `[0, hi]` (to 60 halvings) for which `holds(d)` is true, for a
/// `holds` that is true up to some distance and false beyond; 0 if it never holds.
fn last_true(hi: f64, holds: impl Fn(f64) -> bool) -> f64 {
    if !holds(0.0) {
        return 0.0;
    }
    if holds(hi) {
        return hi;
    }
    let (mut lo, mut hi) = (0.0, hi);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if holds(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// Distance, m, beyond which a luminaire contributes less than `negligible_lx`, but at
/// least [`MIN_REACH_H`] heights as far as it gives any light.
fn influence_radius(
    l: &Luminaire,
    t: &IntensityTable,
    suffix: &[f64],
    mf: f64,
    negligible_lx: f64,
) -> f64 {
    let h = l.height_m;
    let bound = |d: f64| {
        let eps_deg = d.atan2(h).to_degrees();
        let r2 = h * h + d * d;
        mf * intensity_bound(t, suffix, (eps_deg - l.tilt_deg.abs()).max(0.0)) * h
            / (r2 * r2.sqrt())
    };
    let i_max = suffix.first().copied().unwrap_or(0.0);
    // bound(d) <= mf * i_max * h / d^3.
    let hi = (mf * i_max * h / negligible_lx).cbrt().max(h) + 1.0;
    let cut = last_true(hi, |d| bound(d) >= negligible_lx);
    let lit = last_true(MIN_REACH_H * h, |d| bound(d) > 0.0);
    cut.max(lit)
}

/// How far each luminaire's light is followed for one threshold (module docs).
#[derive(Debug, Clone)]
struct Reach {
    negligible_lx: f64,
    /// Parallel to `Lighting::luminaires`, m.
    radius_m: Vec<f64>,
    max_radius_m: f64,
}

impl Reach {
    /// The radii for `negligible_lx` of luminaires that fall into the few distinct
    /// (table, height, tilt) combinations `combos`, luminaire `k` in `combo_of[k]`.
    fn new(
        combos: &[(usize, &Luminaire)],
        combo_of: &[usize],
        tables: &[lut::Lut],
        suffixes: &[Vec<f64>],
        mf: f64,
        negligible_lx: f64,
    ) -> Self {
        let per_combo: Vec<f64> = combos
            .iter()
            .map(|&(ti, l)| {
                influence_radius(l, &tables[ti].table, &suffixes[ti], mf, negligible_lx)
            })
            .collect();
        let radius_m: Vec<f64> = combo_of.iter().map(|&c| per_combo[c]).collect();
        let max_radius_m = per_combo.iter().copied().fold(0.0, f64::max);
        Reach {
            negligible_lx,
            radius_m,
            max_radius_m,
        }
    }

    /// Every luminaire followed everywhere.
    fn unbounded(n: usize) -> Self {
        Reach {
            negligible_lx: 0.0,
            radius_m: vec![f64::INFINITY; n],
            max_radius_m: f64::INFINITY,
        }
    }
}

/// The luminaires of one plan revision, ready to compute illuminance anywhere.
#[derive(Debug, Clone)]
pub struct Lighting {
    /// Placed luminaires (only poles with a valid geometry and photometry).
    pub luminaires: Vec<Luminaire>,
    /// How far each luminaire's light is followed where no class decides ([`NEGLIGIBLE_LX`]).
    reach: Reach,
    /// The same for each threshold of the plan's P and C streets ([`negligible_lx`]).
    class_reach: Vec<Reach>,
    /// The tallest luminaire's height, m (0 with none).
    pub max_height_m: f64,
    /// Maintenance factor applied to every value.
    pub maintenance_factor: f64,
    /// Indices of poles that light nothing: no photometry for their luminaire id, or a
    /// height/coordinate that is not a positive finite number.
    pub unlit_poles: Vec<usize>,
    table_of: Vec<usize>,
    tables: Vec<lut::Lut>,
    tree: RTree<LumPoint>,
}

impl Lighting {
    /// Places every pole's luminaire. `photometry` maps luminaire type ids
    /// (`pole.luminaire`) to their intensity tables.
    pub fn new<T: Photometric>(plan: &Plan, photometry: &HashMap<String, T>) -> Self {
        let mf = plan.maintenance_factor;
        let mut tables: Vec<lut::Lut> = Vec::new();
        let mut suffixes: Vec<Vec<f64>> = Vec::new();
        let mut table_ix: HashMap<&str, usize> = HashMap::new();
        let mut luminaires = Vec::new();
        let mut table_of = Vec::new();
        let mut unlit_poles = Vec::new();
        for (pi, pole) in plan.poles.iter().enumerate() {
            let Some(ph) = photometry.get(pole.luminaire.as_str()) else {
                unlit_poles.push(pi);
                continue;
            };
            let Some(l) = Luminaire::from_pole(pi, pole, plan.luminaire(&pole.luminaire)) else {
                unlit_poles.push(pi);
                continue;
            };
            let ti = *table_ix.entry(pole.luminaire.as_str()).or_insert_with(|| {
                let mut t = ph.intensity_table().clone();
                // The driver's set output scales the whole photometry.
                if let Some(k) = plan.luminaire(&pole.luminaire)
                    && k.output_level != 1.0
                {
                    t.cd.iter_mut().for_each(|v| *v *= k.output_level);
                }
                suffixes.push(suffix_max(&t));
                tables.push(lut::Lut::new(t));
                tables.len() - 1
            });
            luminaires.push(l);
            table_of.push(ti);
        }
        // The radius depends only on the table, the height and the tilt: plans repeat
        // few combinations, so each threshold's radius is computed once per combination.
        let mut combo_ix: HashMap<(usize, u64, u64), usize> = HashMap::new();
        let mut combos: Vec<(usize, &Luminaire)> = Vec::new();
        let combo_of: Vec<usize> = luminaires
            .iter()
            .zip(table_of.iter())
            .map(|(l, &ti)| {
                let key = (ti, l.height_m.to_bits(), l.tilt_deg.abs().to_bits());
                *combo_ix.entry(key).or_insert_with(|| {
                    combos.push((ti, l));
                    combos.len() - 1
                })
            })
            .collect();
        let reach_at = |lx: f64| Reach::new(&combos, &combo_of, &tables, &suffixes, mf, lx);
        let reach = reach_at(NEGLIGIBLE_LX);
        let mut levels: Vec<f64> = plan
            .streets
            .iter()
            .map(|s| negligible_lx(s.class))
            .filter(|&lx| lx != NEGLIGIBLE_LX)
            .collect();
        levels.sort_by(f64::total_cmp);
        levels.dedup();
        let class_reach = levels.into_iter().map(reach_at).collect();
        let max_height_m = luminaires.iter().map(|l| l.height_m).fold(0.0, f64::max);
        let tree = RTree::bulk_load(
            luminaires
                .iter()
                .enumerate()
                .map(|(k, l)| LumPoint::new(l.xy, k))
                .collect(),
        );
        Lighting {
            luminaires,
            reach,
            class_reach,
            max_height_m,
            maintenance_factor: mf,
            unlit_poles,
            table_of,
            tables,
            tree,
        }
    }

    /// No luminaire placed, only the poles that would light nothing found: the lighting
    /// of a plan with no street to evaluate, where placing 100,000 luminaires (and their
    /// tree) would be work for nothing.
    pub fn unlit_only<T: Photometric>(plan: &Plan, photometry: &HashMap<String, T>) -> Self {
        let unlit_poles = plan
            .poles
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                !photometry.contains_key(p.luminaire.as_str())
                    || !Luminaire::placeable(p, plan.luminaire(&p.luminaire))
            })
            .map(|(pi, _)| pi)
            .collect();
        Lighting {
            luminaires: Vec::new(),
            reach: Reach::unbounded(0),
            class_reach: Vec::new(),
            max_height_m: 0.0,
            maintenance_factor: plan.maintenance_factor,
            unlit_poles,
            table_of: Vec::new(),
            tables: Vec::new(),
            tree: RTree::new(),
        }
    }

    /// Indices in `luminaires` of the poles `poles` (indices in `plan.poles`) that light
    /// something.
    pub fn luminaires_of_poles(&self, poles: &[usize]) -> Vec<usize> {
        // Luminaires are placed in pole order.
        poles
            .iter()
            .filter_map(|&pi| self.luminaires.binary_search_by_key(&pi, |l| l.pole).ok())
            .collect()
    }

    /// The same lighting with every luminaire's light followed everywhere, with no
    /// influence radius: slow, for verifying the radius on whole plans.
    pub fn uncut(mut self) -> Self {
        self.reach = Reach::unbounded(self.luminaires.len());
        self.class_reach.clear();
        self
    }

    /// The largest influence radius where no class decides, m.
    pub fn max_radius_m(&self) -> f64 {
        self.reach.max_radius_m
    }

    /// The largest influence radius on a street of `class`, m.
    pub fn max_radius_for(&self, class: Option<crate::plan::LightingClass>) -> f64 {
        self.reach_for(class).max_radius_m
    }

    fn reach_for(&self, class: Option<crate::plan::LightingClass>) -> &Reach {
        let lx = negligible_lx(class);
        self.class_reach
            .iter()
            .find(|r| r.negligible_lx == lx)
            .unwrap_or(&self.reach)
    }

    /// Maintained illuminance, lx, of luminaire `k` (index into `luminaires`) at `p`,
    /// followed as far as `reach` says.
    fn contribution_in(&self, reach: &Reach, k: usize, p: Xy) -> f64 {
        let l = &self.luminaires[k];
        let d2 = l.xy.dist2(p);
        let r = reach.radius_m[k];
        if d2 > r * r {
            return 0.0;
        }
        let (c, g) = l.c_gamma(p);
        let i = self.tables[self.table_of[k]].intensity(c, g);
        self.maintenance_factor * i * l.h_over_r3(p)
    }

    /// Luminaires (sorted) that may light any point of the box `min`–`max` on a street of
    /// `class`, and their contribution at a point.
    fn street_light(
        &self,
        class: Option<crate::plan::LightingClass>,
        min: Xy,
        max: Xy,
    ) -> (Vec<usize>, impl Fn(usize, Xy) -> f64 + '_) {
        let reach = self.reach_for(class);
        let r = reach.max_radius_m;
        let mut v: Vec<usize> = if r.is_infinite() {
            (0..self.luminaires.len()).collect()
        } else {
            self.tree
                .locate_in_envelope(&AABB::from_corners(
                    Xy::new(min.x - r, min.y - r),
                    Xy::new(max.x + r, max.y + r),
                ))
                .map(|g| g.data)
                .collect()
        };
        v.sort_unstable();
        (v, move |k, p| self.contribution_in(reach, k, p))
    }

    /// Maintained horizontal illuminance at ground point `p` (UTM 32N metres) as the grid
    /// of a street of `class` sums it (each luminaire followed as far as that class'
    /// threshold says, module docs), lx.
    pub fn e_h_for(&self, class: Option<crate::plan::LightingClass>, p: Xy) -> f64 {
        let (cand, light) = self.street_light(class, p, p);
        cand.into_iter().map(|k| light(k, p)).sum()
    }

    /// Maintained horizontal illuminance at ground point `p` (UTM 32N metres), lx.
    pub fn e_h(&self, p: Xy) -> f64 {
        self.e_h_for(None, p)
    }

    /// E_h at `p` from those of the luminaires `cand` within `heights` times their own
    /// height (horizontally) of `p`, lx: the near light, for ratios such as REI.
    pub fn e_h_among(&self, cand: &[usize], p: Xy, heights: f64) -> f64 {
        let mut sum = 0.0;
        self.e_h_among_each(cand, p, heights, |_, e| sum += e);
        sum
    }

    /// Each luminaire's share of [`Lighting::e_h_among`], `each(k, lx)`, in the order of
    /// `cand`.
    fn e_h_among_each(
        &self,
        cand: &[usize],
        p: Xy,
        heights: f64,
        mut each: impl FnMut(usize, f64),
    ) {
        for &k in cand {
            let l = &self.luminaires[k];
            if l.xy.dist2(p) <= (heights * l.height_m).powi(2) {
                each(k, self.contribution_in(&self.reach, k, p));
            }
        }
    }

    /// E_h at `p` summed over ALL luminaires without any influence radius: slow, for
    /// verifying the radius (the two differ by less than [`NEGLIGIBLE_LX`] per luminaire
    /// beyond [`MIN_REACH_H`] heights).
    pub fn e_h_exhaustive(&self, p: Xy) -> f64 {
        (0..self.luminaires.len())
            .map(|k| {
                let l = &self.luminaires[k];
                let (c, g) = l.c_gamma(p);
                self.maintenance_factor
                    * self.tables[self.table_of[k]].intensity(c, g)
                    * l.h_over_r3(p)
            })
            .sum()
    }

    /// Contributions at `p`: (pole index in `plan.poles`, lx), in pole order, zero
    /// contributions left out.
    pub fn e_h_contributions(&self, p: Xy) -> Vec<(usize, f64)> {
        let (cand, light) = self.street_light(None, p, p);
        let mut v: Vec<(usize, f64)> = cand
            .into_iter()
            .map(|k| (self.luminaires[k].pole, light(k, p)))
            .filter(|&(_, e)| e > 0.0)
            .collect();
        v.sort_by_key(|&(pole, _)| pole);
        v
    }

    /// The `lysplan lux` answer at WGS84 `lon`, `lat`.
    pub fn lux_report(&self, plan: &Plan, lon: f64, lat: f64) -> LuxReport {
        let p = to_utm32(lon, lat);
        let contributions: Vec<Contribution> = self
            .e_h_contributions(p)
            .into_iter()
            .map(|(pi, e)| Contribution {
                pole: plan
                    .poles
                    .get(pi)
                    .map(|p| p.id.to_string())
                    .unwrap_or_default(),
                e_h_lx: e,
            })
            .collect();
        LuxReport {
            lon,
            lat,
            e_h_lx: contributions.iter().map(|c| c.e_h_lx).sum(),
            contributions,
        }
    }
}

/// One pole's share of the illuminance at a point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// Pole id.
    pub pole: String,
    pub e_h_lx: f64,
}

/// Maintained horizontal illuminance at a point, as `lysplan lux --format json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LuxReport {
    pub lon: f64,
    pub lat: f64,
    pub e_h_lx: f64,
    pub contributions: Vec<Contribution>,
}

/// Loads the photometry of every luminaire type of `plan` (bundled catalogue or embedded
/// text) into the map [`Lighting::new`] and [`evaluate`] take, keyed by luminaire type id.
/// Types whose photometry cannot be read are left out and returned with their error
/// (their poles then light nothing; `reference.luminaire` reports them too).
pub fn load_photometry(
    plan: &Plan,
) -> (
    HashMap<String, Photometry>,
    Vec<(String, crate::error::FileError)>,
) {
    let mut ok = HashMap::new();
    let mut errors = Vec::new();
    for l in &plan.luminaires {
        match crate::photometry::catalogue::load(&l.photometry) {
            Ok(p) => {
                ok.insert(l.id.clone(), p);
            }
            Err(e) => errors.push((l.id.clone(), e)),
        }
    }
    (ok, errors)
}
