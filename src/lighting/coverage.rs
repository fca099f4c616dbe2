//! Coverage of a whole plan: every classed street evaluated (in parallel), judged
//! against its EN 13201 class, with the plan's EN 13201-5 energy figures.

use super::periods::VendorLevels;
use super::results::{StreetEvaluation, StreetResult};
use super::street::{Adaptive, evaluate_street};
use super::{Lighting, Photometric};
use crate::finding::{Finding, RuleId};
use crate::index::{SiteIndex, on_route, pole_stations};
use crate::plan::Plan;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    /// D_E = Σ E_i / Σ A_i, Wh/(m²·year), E_i the annual energy of the poles on the
    /// evaluated streets from the energy model (switching times, control profiles,
    /// standby); `burning_hours_per_year` × power only when the model cannot run (no
    /// usable site, or a vendor names an unknown profile).
    pub d_e_wh_per_m2_year: f64,
    /// Annual energy of the poles on evaluated streets, kWh.
    pub evaluated_kwh_per_year: f64,
    /// The year's lit hours the energy comes from (the model's, or the plan's
    /// `burning_hours_per_year` when it falls back).
    pub lit_hours_per_year: f64,
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

    /// Adaptive lighting: per vendor whose poles stand on a classed street, its first
    /// failing period (streets in plan order, periods in their order), `None` when every
    /// period of every street it lights passes (docs/architecture.md "Adaptive
    /// lighting").
    pub fn first_failures(&self) -> HashMap<String, Option<crate::energy::PeriodFailure>> {
        let mut streets: Vec<&StreetEvaluation> = self.streets.iter().collect();
        streets.sort_by_key(|s| s.street);
        let mut out: HashMap<String, Option<crate::energy::PeriodFailure>> = HashMap::new();
        for s in streets {
            for p in &s.result.periods {
                for vendor in p.levels.keys() {
                    let slot = out.entry(vendor.clone()).or_insert(None);
                    if slot.is_none() && !p.pass {
                        *slot = Some(crate::energy::PeriodFailure {
                            street: s.result.id.clone(),
                            from: p.from.clone(),
                            to: p.to.clone(),
                            class: p.class.to_string(),
                        });
                    }
                }
            }
        }
        out
    }
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
    // Nothing classed: no grid to lay out, no luminaire to place and no pole to place on
    // a street, so no index (on a 100,000-pole network that was most of the time `check`
    // spent on coverage).
    let (lighting, index) = if progress_total(plan) == 0 {
        (
            Lighting::unlit_only(plan, photometry),
            SiteIndex::from_parts(Vec::new(), Vec::new()),
        )
    } else {
        (Lighting::new(plan, photometry), SiteIndex::build(plan))
    };
    evaluate_with(plan, &lighting, &index, progress)
}

/// As [`evaluate`], with the lighting and index already built.
pub fn evaluate_with(
    plan: &Plan,
    lighting: &Lighting,
    index: &SiteIndex,
    progress: Option<&AtomicUsize>,
) -> Coverage {
    // The poles' stations place them on the classed streets; with none, none are needed.
    let stations = if progress_total(plan) == 0 {
        Vec::new()
    } else {
        pole_stations(index)
    };
    let mut by_street: Vec<Vec<usize>> = vec![Vec::new(); plan.streets.len()];
    for (pi, st) in stations.iter().enumerate() {
        if on_route(st.as_ref(), plan.rules.max_offset_m)
            && let Some(s) = st
            && let Some(v) = by_street.get_mut(s.street())
        {
            v.push(pi);
        }
    }
    let power_of = |pi: usize| -> f64 {
        plan.poles
            .get(pi)
            .and_then(|p| plan.luminaire(&p.luminaire))
            .map_or(0.0, |l| {
                if l.set_power_w().is_finite() {
                    l.set_power_w()
                } else {
                    0.0
                }
            })
    };
    // Each pole's annual energy from the energy model (sun, time zone, profiles); the
    // fixed burning hours only when the model cannot run.
    let model = plan
        .energy
        .check()
        .and_then(|()| crate::energy::annual::schedule(plan, &plan.energy))
        .ok()
        .map(|(_, s)| s);
    let classed: Vec<usize> = (0..plan.streets.len())
        .filter(|&si| plan.streets[si].class.is_some())
        .collect();
    // A classed street the grid cannot be laid out on is a finding, not a silent gap
    // (nor a grid of 10^300 points).
    let mut findings: Vec<Finding> = Vec::new();
    let classed: Vec<usize> = classed
        .into_iter()
        .filter(|&si| match not_evaluable(plan, index, si) {
            Some(f) => {
                findings.push(f);
                false
            }
            None => true,
        })
        .collect();
    if let Some(p) = progress {
        p.fetch_add(findings.len(), Ordering::Relaxed);
    }
    // Each pole's annual energy, for the sums over the classed streets' poles (none to
    // sum when no street is evaluated, so then none is held).
    let hours = model
        .as_ref()
        .map_or(plan.burning_hours_per_year, |s| s.lit_hours());
    let pole_wh: Vec<f64> = match &model {
        _ if classed.is_empty() => Vec::new(),
        Some(s) => crate::energy::annual::pole_wh(plan, s),
        None => (0..plan.poles.len())
            .map(|pi| power_of(pi) * plan.burning_hours_per_year)
            .collect(),
    };
    let wh_of = |pi: usize| {
        pole_wh
            .get(pi)
            .copied()
            .filter(|v| v.is_finite())
            .unwrap_or(0.0)
    };
    // Adaptive lighting: each luminaire's vendor group, the vendors' levels, and the lit
    // minutes of the year by local clock minute.
    let vendor_ix = vendor_index(plan);
    let adaptive = Adaptive {
        group_of: if classed.is_empty() {
            Vec::new()
        } else {
            vendor_groups(plan, lighting, &vendor_ix)
        },
        levels: VendorLevels::new(plan),
        lit: model.as_ref().map(|s| s.histogram()),
        design_only: false,
    };
    let results: Vec<(StreetEvaluation, Vec<Finding>)> = classed
        .par_iter()
        .filter_map(|&si| {
            let chainages: Vec<f64> = by_street[si]
                .iter()
                .filter_map(|&pi| stations[pi].map(|s| s.chainage_m))
                .collect();
            let power: f64 = by_street[si].iter().map(|&pi| power_of(pi)).sum();
            let wh: f64 = by_street[si].iter().map(|&pi| wh_of(pi)).sum();
            let out = evaluate_street(
                plan,
                lighting,
                index,
                si,
                &chainages,
                &by_street[si],
                power,
                wh,
                &adaptive,
            );
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
    for (s, f) in results {
        streets.push(s);
        findings.extend(f);
    }
    crate::finding::sort_findings(&mut findings);

    let installed_power_w: f64 = (0..plan.poles.len()).map(power_of).sum();
    let evaluated_power_w: f64 = streets.iter().map(|s| s.power_w).sum();
    let area_m2: f64 = streets.iter().map(|s| s.area_m2).sum();
    let evaluated_wh: f64 = streets
        .iter()
        .map(|s| s.d_e_wh_per_m2_year * s.area_m2)
        .sum();
    let lit: f64 = streets.iter().map(|s| s.result.e_avg_lx * s.area_m2).sum();
    let energy = Energy {
        installed_power_w,
        evaluated_power_w,
        area_m2,
        d_p_w_per_lx_m2: (lit > 0.0).then(|| evaluated_power_w / lit),
        d_e_wh_per_m2_year: if area_m2 > 0.0 {
            evaluated_wh / area_m2
        } else {
            0.0
        },
        evaluated_kwh_per_year: evaluated_wh / 1000.0,
        lit_hours_per_year: hours,
    };
    Coverage {
        streets,
        findings,
        energy,
        unlit_poles: lighting
            .unlit_poles
            .iter()
            .filter_map(|&pi| plan.poles.get(pi).map(|p| p.id.to_string()))
            .collect(),
    }
}

/// The widest carriageway an EN 13201 grid is laid out on here, metres. Wider values are
/// possible in a file (the validator warns above 60 m) but no road is this wide; a grid
/// across 1e308 m would not fit in memory.
pub const MAX_EVALUATED_WIDTH_M: f64 = 500.0;

/// The longest street an EN 13201 grid is laid out on here, metres. A street of 1,334 km
/// (one vertex's latitude mistyped by 12°, found by fuzzing) is slow to lay a grid on and
/// describes nothing real.
pub const MAX_EVALUATED_LENGTH_M: f64 = 100_000.0;

/// Why classed street `si` cannot be evaluated (a `coverage.class` error naming the
/// street and the reason), or `None` when it can.
fn not_evaluable(plan: &Plan, index: &SiteIndex, si: usize) -> Option<Finding> {
    let street = plan.streets.get(si)?;
    let class = street.class?;
    let line = index.streets.get(si);
    let length_m = line.map_or(f64::NAN, |l| l.length());
    let why = if line.is_none_or(|l| l.pts.len() < 2) || !(length_m > 0.0 && length_m.is_finite()) {
        format!(
            "has no length ({} vertices, {length_m:.1} m): draw at least two distinct vertices",
            street.points.len()
        )
    } else if length_m > MAX_EVALUATED_LENGTH_M {
        format!(
            "is {:.0} km long, beyond the {:.0} km a grid is laid out on: check its vertices \
             (a mistyped coordinate?)",
            length_m / 1000.0,
            MAX_EVALUATED_LENGTH_M / 1000.0
        )
    } else if street.width_m > MAX_EVALUATED_WIDTH_M {
        format!(
            "width_m {:.3e} m is beyond the {MAX_EVALUATED_WIDTH_M:.0} m a grid is laid out on: \
             fix the width",
            street.width_m
        )
    } else {
        return None;
    };
    let (lon, lat) = street
        .points
        .first()
        .map_or((None, None), |p| (Some(p.lon), Some(p.lat)));
    Some(Finding {
        rule: RuleId::CoverageClass,
        severity: crate::finding::Severity::Error,
        message: format!(
            "{} ({}), class {class}, cannot be evaluated: it {why}",
            street.name, street.id
        ),
        poles: Vec::new(),
        street: Some(street.id.clone()),
        chainage_m: None,
        lon,
        lat,
    })
}

/// Each vendor's index in `plan.vendors`, by id.
fn vendor_index(plan: &Plan) -> HashMap<&str, usize> {
    plan.vendors
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.as_str(), i))
        .collect()
}

/// Per luminaire of `lighting`, its pole's vendor group (`plan.vendors.len()`: none).
fn vendor_groups(plan: &Plan, lighting: &Lighting, vendor_ix: &HashMap<&str, usize>) -> Vec<usize> {
    lighting
        .luminaires
        .iter()
        .map(|l| {
            plan.poles
                .get(l.pole)
                .and_then(|p| vendor_ix.get(p.vendor.as_str()).copied())
                .unwrap_or(plan.vendors.len())
        })
        .collect()
}

/// [`evaluate_street_alone`] with the street's periods of the night as `check` judges
/// them (its class schedule, each vendor's control profile on its poles): `lit` the
/// energy model's lit minutes by local clock minute (`None`: every period counts). For
/// the arrangement search, which designs to the design class and reports the periods a
/// candidate then misses.
pub fn evaluate_street_with_periods(
    plan: &Plan,
    lighting: &Lighting,
    index: &SiteIndex,
    stations: &[Option<crate::index::PoleStation>],
    si: usize,
    lit: Option<&[u32]>,
) -> Option<StreetEvaluation> {
    let adaptive = Adaptive {
        group_of: vendor_groups(plan, lighting, &vendor_index(plan)),
        levels: VendorLevels::new(plan),
        lit,
        design_only: false,
    };
    evaluate_street_with(plan, lighting, index, stations, si, &adaptive)
}

/// One classed street `si` of `plan` evaluated as [`evaluate_with`] evaluates it (the
/// same grid, luminaires and verdict, its sections' results included), without the
/// rest of the plan's streets or the energy model: the installed power and energy of the
/// street are left 0. For the arrangement search (`crate::design`), which judges many
/// layouts of one stretch. `None` when the street is unclassed or cannot be evaluated.
/// `stations` are the poles' stations ([`pole_stations`] of `index`).
pub fn evaluate_street_alone(
    plan: &Plan,
    lighting: &Lighting,
    index: &SiteIndex,
    stations: &[Option<crate::index::PoleStation>],
    si: usize,
) -> Option<StreetEvaluation> {
    let design = Adaptive {
        group_of: Vec::new(),
        levels: VendorLevels::new(plan),
        lit: None,
        design_only: true,
    };
    evaluate_street_with(plan, lighting, index, stations, si, &design)
}

/// One street evaluated on its own with `adaptive` ([`evaluate_street_alone`]).
fn evaluate_street_with(
    plan: &Plan,
    lighting: &Lighting,
    index: &SiteIndex,
    stations: &[Option<crate::index::PoleStation>],
    si: usize,
    adaptive: &Adaptive,
) -> Option<StreetEvaluation> {
    plan.streets.get(si)?.class?;
    if not_evaluable(plan, index, si).is_some() {
        return None;
    }
    let on_street: Vec<usize> = stations
        .iter()
        .enumerate()
        .filter(|(_, st)| {
            on_route(st.as_ref(), plan.rules.max_offset_m) && st.is_some_and(|s| s.street() == si)
        })
        .map(|(pi, _)| pi)
        .collect();
    let chainages: Vec<f64> = on_street
        .iter()
        .filter_map(|&pi| stations[pi].map(|s| s.chainage_m))
        .collect();
    evaluate_street(
        plan, lighting, index, si, &chainages, &on_street, 0.0, 0.0, adaptive,
    )
    .map(|(mut e, _)| {
        e.poles = on_street.len();
        e
    })
}
