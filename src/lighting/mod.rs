//! Point-by-point illuminance, EN 13201 classes and grids, energy indicators.
//!
//! E_h(P) = MF × Σ I(C, γ) × h / r³ over the luminaires in range (DESIGN.md "Lighting").
//! [`Lighting`] is built once per plan revision from the plan and the photometry already
//! loaded (keyed by luminaire type id); [`evaluate`] runs the EN 13201-3 grid along every
//! classed street, judges it against EN 13201-2 and computes EN 13201-5 energy figures.
//!
//! Influence radius: each luminaire gets its own radius beyond which its contribution is
//! provably below [`NEGLIGIBLE_LX`] (0.0001 lx, 1/4000 of the lowest class limit, P6
//! E_min 0.4 lx). The bound uses the largest intensity of the table at or beyond the
//! incidence angle (minus the tilt), times MF × h / r³, which only falls with distance.
//! A real cut-off street luminaire (nothing beyond γ ≈ 80°) thus gets about h × tan 80°
//! ≈ 5.7 h; a test table of constant intensity to γ = 90° gets the cube-root distance.

pub mod classes;
pub mod grid;
pub mod luminaire;
mod lut;

pub use classes::{Requirement, Verdict, evaluated_class, requirement, verdict};
pub use luminaire::Luminaire;

use crate::finding::{Finding, Severity};
use crate::frame::{Xy, from_utm32, to_utm32};
use crate::index::{SiteIndex, on_route, pole_stations};
use crate::photometry::{IntensityTable, Photometry};
use crate::plan::{LightingClass, Plan};
use rayon::prelude::*;
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A luminaire's contribution below this is neglected, lx (see the module docs).
pub const NEGLIGIBLE_LX: f64 = 1e-4;

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

type LumPoint = GeomWithData<[f64; 2], usize>;

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

/// Distance, m, beyond which a luminaire contributes less than [`NEGLIGIBLE_LX`].
fn influence_radius(l: &Luminaire, t: &IntensityTable, suffix: &[f64], mf: f64) -> f64 {
    let h = l.height_m;
    let bound = |d: f64| {
        let eps_deg = d.atan2(h).to_degrees();
        let r2 = h * h + d * d;
        mf * intensity_bound(t, suffix, (eps_deg - l.tilt_deg.abs()).max(0.0)) * h
            / (r2 * r2.sqrt())
    };
    if !classes::meets(bound(0.0), NEGLIGIBLE_LX) {
        return 0.0;
    }
    let i_max = suffix.first().copied().unwrap_or(0.0);
    // bound(d) <= mf * i_max * h / d^3.
    let mut hi = (mf * i_max * h / NEGLIGIBLE_LX).cbrt().max(h) + 1.0;
    let mut lo = 0.0;
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if bound(mid) >= NEGLIGIBLE_LX {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// The luminaires of one plan revision, ready to compute illuminance anywhere.
#[derive(Debug, Clone)]
pub struct Lighting {
    /// Placed luminaires (only poles with a valid geometry and photometry).
    pub luminaires: Vec<Luminaire>,
    /// Influence radius of each luminaire, m (parallel to `luminaires`).
    pub radius_m: Vec<f64>,
    /// The largest influence radius, m.
    pub max_radius_m: f64,
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
            let Some(ph) = photometry.get(&pole.luminaire) else {
                unlit_poles.push(pi);
                continue;
            };
            let Some(l) = Luminaire::from_pole(pi, pole, plan.luminaire(&pole.luminaire)) else {
                unlit_poles.push(pi);
                continue;
            };
            let ti = *table_ix.entry(pole.luminaire.as_str()).or_insert_with(|| {
                let t = ph.intensity_table().clone();
                suffixes.push(suffix_max(&t));
                tables.push(lut::Lut::new(t));
                tables.len() - 1
            });
            luminaires.push(l);
            table_of.push(ti);
        }
        // The radius depends only on the table, the height and the tilt: plans repeat
        // few combinations, so compute each once.
        let mut cache: HashMap<(usize, u64, u64), f64> = HashMap::new();
        let radius_m: Vec<f64> = luminaires
            .iter()
            .zip(table_of.iter())
            .map(|(l, &ti)| {
                let key = (ti, l.height_m.to_bits(), l.tilt_deg.abs().to_bits());
                *cache
                    .entry(key)
                    .or_insert_with(|| influence_radius(l, &tables[ti].table, &suffixes[ti], mf))
            })
            .collect();
        let max_radius_m = radius_m.iter().copied().fold(0.0, f64::max);
        let tree = RTree::bulk_load(
            luminaires
                .iter()
                .enumerate()
                .map(|(k, l)| LumPoint::new(l.xy.to_array(), k))
                .collect(),
        );
        Lighting {
            luminaires,
            radius_m,
            max_radius_m,
            maintenance_factor: mf,
            unlit_poles,
            table_of,
            tables,
            tree,
        }
    }

    /// Maintained illuminance, lx, of luminaire `k` (index into `luminaires`) at `p`.
    fn contribution(&self, k: usize, p: Xy) -> f64 {
        let l = &self.luminaires[k];
        let d2 = l.xy.dist2(p);
        let r = self.radius_m[k];
        if d2 > r * r {
            return 0.0;
        }
        let (c, g) = l.c_gamma(p);
        let i = self.tables[self.table_of[k]].intensity(c, g);
        self.maintenance_factor * i * l.h_over_r3(p)
    }

    fn candidates_near(&self, p: Xy) -> impl Iterator<Item = usize> + '_ {
        let r = self.max_radius_m;
        self.tree
            .locate_within_distance(p.to_array(), r * r)
            .map(|g| g.data)
    }

    fn candidates_in_box(&self, min: Xy, max: Xy) -> Vec<usize> {
        let r = self.max_radius_m;
        let mut v: Vec<usize> = self
            .tree
            .locate_in_envelope(&AABB::from_corners(
                [min.x - r, min.y - r],
                [max.x + r, max.y + r],
            ))
            .map(|g| g.data)
            .collect();
        v.sort_unstable();
        v
    }

    /// Maintained horizontal illuminance at ground point `p` (UTM 32N metres), lx.
    pub fn e_h(&self, p: Xy) -> f64 {
        self.candidates_near(p)
            .map(|k| self.contribution(k, p))
            .sum()
    }

    /// E_h at `p` summed over ALL luminaires without any influence radius: slow, for
    /// verifying the radius (the two differ by less than [`NEGLIGIBLE_LX`] per luminaire).
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
        let mut v: Vec<(usize, f64)> = self
            .candidates_near(p)
            .map(|k| (self.luminaires[k].pole, self.contribution(k, p)))
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
                pole: plan.poles.get(pi).map(|p| p.id.clone()).unwrap_or_default(),
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

/// A street's verdict, as the `"streets"` member of `lysplan check --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreetResult {
    pub id: String,
    pub class: LightingClass,
    pub e_avg_lx: f64,
    pub e_min_lx: f64,
    pub u_o: f64,
    pub pass: bool,
}

/// A vendor section's values on its street, judged against the street's class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionResult {
    pub id: String,
    pub vendor: String,
    pub street: String,
    pub e_avg_lx: f64,
    pub e_min_lx: f64,
    pub u_o: f64,
    pub pass: bool,
}

/// A stretch of street below the class' dark threshold (see
/// [`Requirement::dark_below_lx`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DarkStretch {
    pub from_m: f64,
    pub to_m: f64,
    /// Lowest grid value in the stretch, lx.
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

/// EN 13201-5 figures for the whole plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Energy {
    /// Installed power of every pole of the plan, W.
    pub installed_power_w: f64,
    /// Power of the poles on evaluated (classed) streets, W.
    pub evaluated_power_w: f64,
    /// Area of the evaluated streets, m².
    pub area_m2: f64,
    /// D_P = Σ P_i / Σ (E_avg,i × A_i), W/(lx·m²); `None` when nothing is lit.
    pub d_p_w_per_lx_m2: Option<f64>,
    /// D_E = Σ (P_i × t) / Σ A_i, Wh/(m²·year).
    pub d_e_wh_per_m2_year: f64,
    pub burning_hours_per_year: f64,
}

/// The coverage of a plan: per-street results, findings and energy.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub streets: Vec<StreetEvaluation>,
    /// `coverage.class` and `coverage.dark` findings, sorted.
    pub findings: Vec<Finding>,
    pub energy: Energy,
    /// Ids of poles that light nothing (no photometry or invalid geometry).
    pub unlit_poles: Vec<String>,
}

impl Coverage {
    /// The JSON `"streets"` member.
    pub fn street_results(&self) -> Vec<StreetResult> {
        self.streets.iter().map(|s| s.result.clone()).collect()
    }
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

/// Units of work [`evaluate`] reports through its progress counter: one per classed
/// street.
pub fn progress_total(plan: &Plan) -> usize {
    plan.streets.iter().filter(|s| s.class.is_some()).count()
}

/// Builds the lighting and the index of `plan` and evaluates its coverage. `progress`, if
/// given, is incremented once per classed street finished (see [`progress_total`]), so a
/// UI thread can show progress while this runs on a background thread.
pub fn evaluate<T: Photometric>(
    plan: &Plan,
    photometry: &HashMap<String, T>,
    progress: Option<&AtomicUsize>,
) -> Coverage {
    let lighting = Lighting::new(plan, photometry);
    let index = SiteIndex::build(plan);
    evaluate_with(plan, &lighting, &index, progress)
}

/// Row of the grid: chainage, row spacing, centreline value, min across, sum across.
#[derive(Debug, Clone, Copy)]
struct Row {
    ch: f64,
    d: f64,
    centre: f64,
    min: f64,
    sum: f64,
}

#[derive(Debug, Clone, Copy)]
struct Stats {
    e_avg: f64,
    e_min: f64,
    u_o: f64,
}

fn stats<'a>(rows: impl Iterator<Item = &'a Row>, n_across: usize) -> Option<Stats> {
    let (mut wsum, mut w, mut min) = (0.0, 0.0, f64::INFINITY);
    for r in rows {
        wsum += r.sum * r.d;
        w += r.d * n_across as f64;
        min = min.min(r.min);
    }
    if w.is_nan() || w <= 0.0 {
        return None;
    }
    let e_avg = wsum / w;
    Some(Stats {
        e_avg,
        e_min: min,
        u_o: if e_avg > 0.0 { min / e_avg } else { 0.0 },
    })
}

/// As [`evaluate`], with the lighting and index already built.
pub fn evaluate_with(
    plan: &Plan,
    lighting: &Lighting,
    index: &SiteIndex,
    progress: Option<&AtomicUsize>,
) -> Coverage {
    let stations = pole_stations(index);
    let mut by_street: Vec<Vec<usize>> = vec![Vec::new(); plan.streets.len()];
    for (pi, st) in stations.iter().enumerate() {
        if on_route(st.as_ref(), plan.rules.max_offset_m)
            && let Some(s) = st
            && let Some(v) = by_street.get_mut(s.street)
        {
            v.push(pi);
        }
    }
    let power_of = |pi: usize| -> f64 {
        plan.poles
            .get(pi)
            .and_then(|p| plan.luminaire(&p.luminaire))
            .map_or(0.0, |l| {
                if l.power_w.is_finite() {
                    l.power_w
                } else {
                    0.0
                }
            })
    };
    let hours = plan.burning_hours_per_year;
    let classed: Vec<usize> = (0..plan.streets.len())
        .filter(|&si| plan.streets[si].class.is_some())
        .collect();
    let results: Vec<(StreetEvaluation, Vec<Finding>)> = classed
        .par_iter()
        .filter_map(|&si| {
            let chainages: Vec<f64> = by_street[si]
                .iter()
                .filter_map(|&pi| stations[pi].map(|s| s.chainage_m))
                .collect();
            let power: f64 = by_street[si].iter().map(|&pi| power_of(pi)).sum();
            let out = evaluate_street(plan, lighting, index, si, &chainages, power, hours);
            if let Some(p) = progress {
                p.fetch_add(1, Ordering::Relaxed);
            }
            out.map(|mut o| {
                o.0.poles = by_street[si].len();
                o
            })
        })
        .collect();
    let mut streets = Vec::with_capacity(results.len());
    let mut findings = Vec::new();
    for (s, f) in results {
        streets.push(s);
        findings.extend(f);
    }
    crate::finding::sort_findings(&mut findings);

    let installed_power_w: f64 = (0..plan.poles.len()).map(power_of).sum();
    let evaluated_power_w: f64 = streets.iter().map(|s| s.power_w).sum();
    let area_m2: f64 = streets.iter().map(|s| s.area_m2).sum();
    let lit: f64 = streets.iter().map(|s| s.result.e_avg_lx * s.area_m2).sum();
    let energy = Energy {
        installed_power_w,
        evaluated_power_w,
        area_m2,
        d_p_w_per_lx_m2: (lit > 0.0).then(|| evaluated_power_w / lit),
        d_e_wh_per_m2_year: if area_m2 > 0.0 {
            evaluated_power_w * hours / area_m2
        } else {
            0.0
        },
        burning_hours_per_year: hours,
    };
    Coverage {
        streets,
        findings,
        energy,
        unlit_poles: lighting
            .unlit_poles
            .iter()
            .filter_map(|&pi| plan.poles.get(pi).map(|p| p.id.clone()))
            .collect(),
    }
}

fn lonlat_at(line: &crate::frame::Polyline, ch: f64) -> (Option<f64>, Option<f64>) {
    match line.point_at(ch) {
        Some((p, _)) => {
            let (lon, lat) = from_utm32(p);
            (Some(lon), Some(lat))
        }
        None => (None, None),
    }
}

fn evaluate_street(
    plan: &Plan,
    lighting: &Lighting,
    index: &SiteIndex,
    si: usize,
    chainages: &[f64],
    power_w: f64,
    hours: f64,
) -> Option<(StreetEvaluation, Vec<Finding>)> {
    let street = plan.streets.get(si)?;
    let class = street.class?;
    let line = index.streets.get(si)?;
    let length_m = line.length();
    if line.pts.len() < 2 || length_m.is_nan() || length_m <= 0.0 {
        return None;
    }
    let width_m = if street.width_m.is_finite() && street.width_m > 0.0 {
        street.width_m
    } else {
        0.0
    };
    let offsets = if width_m > 0.0 {
        grid::offsets_across(width_m)
    } else {
        vec![0.0]
    };
    let fields = grid::fields(length_m, chainages);
    let rows: Vec<Row> = fields
        .par_iter()
        .flat_map_iter(|f| {
            // One R-tree query per field, reused by all its points.
            let (a, _) = line.point_at(f.from_m).unwrap_or_default();
            let (b, _) = line.point_at(f.to_m).unwrap_or_default();
            // The field may bend at polyline vertices between a and b: include them.
            let mut min = Xy::new(a.x.min(b.x), a.y.min(b.y));
            let mut max = Xy::new(a.x.max(b.x), a.y.max(b.y));
            for (k, p) in line.pts.iter().enumerate() {
                let c = line.cum.get(k).copied().unwrap_or(0.0);
                if c > f.from_m && c < f.to_m {
                    min = Xy::new(min.x.min(p.x), min.y.min(p.y));
                    max = Xy::new(max.x.max(p.x), max.y.max(p.y));
                }
            }
            let half_w = width_m / 2.0;
            let cand = lighting.candidates_in_box(
                Xy::new(min.x - half_w, min.y - half_w),
                Xy::new(max.x + half_w, max.y + half_w),
            );
            let e_at = move |p: Option<Xy>| -> f64 {
                p.map_or(0.0, |p| {
                    cand.iter().map(|&k| lighting.contribution(k, p)).sum()
                })
            };
            let offsets = &offsets;
            f.rows_m
                .iter()
                .map(|&ch| {
                    // Centreline point and direction once per row; grid points lie on
                    // the left normal (-dy, dx), offsets left positive.
                    let at = line.point_at(ch);
                    let centre = e_at(at.map(|(p, _)| p));
                    let (mut mn, mut sum) = (f64::INFINITY, 0.0);
                    for &o in offsets {
                        let e = if o == 0.0 {
                            centre
                        } else {
                            e_at(at.map(|(p, d)| Xy::new(p.x - d.y * o, p.y + d.x * o)))
                        };
                        mn = mn.min(e);
                        sum += e;
                    }
                    Row {
                        ch,
                        d: f.d_along_m,
                        centre,
                        min: mn,
                        sum,
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let n_across = offsets.len();
    let st = stats(rows.iter(), n_across)?;
    let v = verdict(class, st.e_avg, st.e_min, st.u_o);
    let req = requirement(class);
    let street_label = if street.name.is_empty() {
        street.id.clone()
    } else {
        format!("{} ({})", street.name, street.id)
    };

    let mut findings = Vec::new();
    let min_row = rows
        .iter()
        .min_by(|a, b| a.min.total_cmp(&b.min))
        .map_or(0.0, |r| r.ch);
    if !v.pass {
        let (lon, lat) = lonlat_at(line, min_row);
        findings.push(Finding {
            rule: "coverage.class",
            severity: Severity::Error,
            message: format!(
                "{street_label} misses class {class}{}: {} (measured E_avg {:.2} lx, \
                 E_min {:.2} lx, U_o {:.3})",
                if v.evaluated_as != class {
                    format!(" (evaluated as {})", v.evaluated_as)
                } else {
                    String::new()
                },
                v.failures.join(", "),
                st.e_avg,
                st.e_min,
                st.u_o
            ),
            poles: Vec::new(),
            street: Some(street.id.clone()),
            chainage_m: Some(min_row),
            lon,
            lat,
        });
    }
    if v.over_lit {
        let (lon, lat) = lonlat_at(line, length_m / 2.0);
        findings.push(Finding {
            rule: "coverage.class",
            severity: Severity::Warning,
            message: format!(
                "{street_label} is over-lit for class {class}: E_avg {:.2} lx > {:.2} lx \
                 ({} × {:.2} lx); dim or space the luminaires to save energy",
                st.e_avg,
                classes::OVERLIGHT_FACTOR * req.e_avg_lx(),
                classes::OVERLIGHT_FACTOR,
                req.e_avg_lx()
            ),
            poles: Vec::new(),
            street: Some(street.id.clone()),
            chainage_m: None,
            lon,
            lat,
        });
    }

    // Dark stretches: consecutive rows whose lowest value is below the threshold.
    let dark_below = req.dark_below_lx();
    let mut dark: Vec<DarkStretch> = Vec::new();
    let mut prev_dark = false;
    for r in &rows {
        let is_dark = !classes::meets(r.min, dark_below);
        if is_dark {
            let (from, to) = (r.ch - r.d / 2.0, r.ch + r.d / 2.0);
            match dark.last_mut() {
                Some(d) if prev_dark => {
                    d.to_m = to;
                    d.e_min_lx = d.e_min_lx.min(r.min);
                }
                _ => dark.push(DarkStretch {
                    from_m: from,
                    to_m: to,
                    e_min_lx: r.min,
                }),
            }
        }
        prev_dark = is_dark;
    }
    for d in &dark {
        let (lon, lat) = lonlat_at(line, d.from_m);
        findings.push(Finding {
            rule: "coverage.dark",
            severity: Severity::Warning,
            message: format!(
                "{street_label}: {:.0}–{:.0} m, E_min {:.2} lx, class {class} needs {:.2} lx",
                d.from_m, d.to_m, d.e_min_lx, dark_below
            ),
            poles: Vec::new(),
            street: Some(street.id.clone()),
            chainage_m: Some(d.from_m),
            lon,
            lat,
        });
    }

    let sections = plan
        .sections
        .iter()
        .filter(|s| s.street == street.id)
        .filter_map(|s| {
            let (lo, hi) = (s.from_m.min(s.to_m), s.from_m.max(s.to_m));
            let st = stats(rows.iter().filter(|r| r.ch >= lo && r.ch <= hi), n_across)?;
            Some(SectionResult {
                id: s.id.clone(),
                vendor: s.vendor.clone(),
                street: s.street.clone(),
                e_avg_lx: st.e_avg,
                e_min_lx: st.e_min,
                u_o: st.u_o,
                pass: verdict(class, st.e_avg, st.e_min, st.u_o).pass,
            })
        })
        .collect();

    let area_m2 = length_m * width_m;
    let profile = Profile {
        chainage_m: rows.iter().map(|r| r.ch).collect(),
        centre_lx: rows.iter().map(|r| r.centre).collect(),
        min_across_lx: rows.iter().map(|r| r.min).collect(),
    };
    let eval = StreetEvaluation {
        street: si,
        result: StreetResult {
            id: street.id.clone(),
            class,
            e_avg_lx: st.e_avg,
            e_min_lx: st.e_min,
            u_o: st.u_o,
            pass: v.pass,
        },
        verdict: v,
        sections,
        dark,
        grid_points: rows.len() * n_across,
        length_m,
        area_m2,
        poles: 0,
        power_w,
        d_p_w_per_lx_m2: (st.e_avg * area_m2 > 0.0).then(|| power_w / (st.e_avg * area_m2)),
        d_e_wh_per_m2_year: if area_m2 > 0.0 {
            power_w * hours / area_m2
        } else {
            0.0
        },
        profile,
    };
    Some((eval, findings))
}
