//! One classed street: the EN 13201-3 grid along it, its verdict, its dark stretches and
//! its vendor sections, and the `coverage.*` findings.

use super::luminance::{self, StreetLuminance};
use super::periods::{self, PeriodSpec, VendorLevels};
use super::results::{
    DarkStretch, LuminanceSummary, Profile, SectionResult, StreetEvaluation, StreetResult,
};
use super::results::{PeriodResult, PeriodValues};
use super::{Lighting, classes, grid, requirement, surface, verdict};
use crate::finding::{Finding, RuleId, Severity};
use crate::frame::{Xy, from_utm32};
use crate::index::SiteIndex;
use crate::plan::Plan;
use rayon::prelude::*;

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

/// Per vendor group, whether any of its luminaires stands within reach of the street
/// `line` (its light followed as far as the class's threshold says beyond the
/// carriageway; M classes: also the luminance window of 12 mounting heights beyond the
/// REI strips).
fn near_groups(
    lighting: &Lighting,
    line: &crate::frame::Polyline,
    width_m: f64,
    class: crate::plan::LightingClass,
    adaptive: &Adaptive,
) -> Vec<bool> {
    let mut near = vec![false; adaptive.levels.groups()];
    let (mut min, mut max) = (
        Xy::new(f64::INFINITY, f64::INFINITY),
        Xy::new(f64::NEG_INFINITY, f64::NEG_INFINITY),
    );
    for p in &line.pts {
        min = Xy::new(min.x.min(p.x), min.y.min(p.y));
        max = Xy::new(max.x.max(p.x), max.y.max(p.y));
    }
    let half_w = if width_m.is_finite() {
        width_m.max(0.0) / 2.0
    } else {
        0.0
    };
    let pad = if class.is_luminance() {
        half_w + luminance::REI_STRIP_M + lighting.max_height_m * luminance::WINDOW_BEYOND_H
    } else {
        half_w
    };
    let (cand, _) = lighting.street_light(
        Some(class),
        Xy::new(min.x - pad, min.y - pad),
        Xy::new(max.x + pad, max.y + pad),
    );
    for k in cand {
        if let Some(n) = adaptive.group_of.get(k).and_then(|&g| near.get_mut(g)) {
            *n = true;
        }
    }
    near
}

/// Stats of the rows with each vendor group at `levels[g]`, from the rows' sums per
/// group (`groups[r]`: per point across, `gn` groups).
fn scaled_stats(
    rows: &[Row],
    groups: &[Vec<f64>],
    n_across: usize,
    gn: usize,
    levels: &[f64],
) -> Option<Stats> {
    if gn == 0 {
        return None;
    }
    let scaled: Vec<Row> = rows
        .iter()
        .zip(groups)
        .map(|(r, g)| {
            let (mut min, mut sum) = (f64::INFINITY, 0.0);
            for i in 0..n_across {
                let e: f64 = g[i * gn..(i + 1) * gn]
                    .iter()
                    .zip(levels)
                    .map(|(x, l)| x * l)
                    .sum();
                min = min.min(e);
                sum += e;
            }
            Row { min, sum, ..*r }
        })
        .collect();
    stats(scaled.iter(), n_across)
}

/// "philips at 30 % (midnight-30), acme at 100 %": the street's vendors at their levels
/// in period `p`, with their profiles (presence: the idle level too).
fn vendor_levels(plan: &Plan, own: &[usize], near: &[bool], p: &PeriodSpec) -> String {
    let mut parts: Vec<String> = own
        .iter()
        .filter_map(|&g| {
            let vendor = plan.vendors.get(g)?;
            let pct = p.levels[g] * 100.0;
            let profile = vendor
                .control_profile
                .as_deref()
                .and_then(|id| plan.control_profile(id));
            Some(match profile {
                Some(c) => match &c.presence {
                    Some(pr) => format!(
                        "{} at {pct:.0} % when detected ({}, idle {:.0} %)",
                        vendor.id,
                        c.id,
                        pr.idle_level * 100.0
                    ),
                    None => format!("{} at {pct:.0} % ({})", vendor.id, c.id),
                },
                None => format!("{} at {pct:.0} %", vendor.id),
            })
        })
        .collect();
    // Vendors of other streets whose light reaches this one, dimmed in the period.
    let nearby: Vec<String> = (0..plan.vendors.len())
        .filter(|g| !own.contains(g) && near.get(*g) == Some(&true) && p.levels[*g] < 1.0)
        .map(|g| format!("{} at {:.0} %", plan.vendors[g].id, p.levels[g] * 100.0))
        .collect();
    if !nearby.is_empty() {
        parts.push(format!("nearby {}", nearby.join(", ")));
    }
    if parts.is_empty() {
        "no vendor's poles on the street".to_owned()
    } else {
        parts.join(", ")
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

/// What the periods of a plan's streets are judged with (docs/architecture.md "Adaptive
/// lighting"): each luminaire's vendor group, the vendors' levels, and the energy
/// model's lit minutes by local clock minute (`None`: the model cannot run).
pub(super) struct Adaptive<'a> {
    /// Per luminaire of the lighting, its vendor group.
    pub group_of: Vec<usize>,
    pub levels: VendorLevels,
    pub lit: Option<&'a [u32]>,
    /// Judge the design class at full level only, with no periods (the arrangement
    /// search, which designs to the design class).
    pub design_only: bool,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn evaluate_street(
    plan: &Plan,
    lighting: &Lighting,
    index: &SiteIndex,
    si: usize,
    chainages: &[f64],
    poles: &[usize],
    power_w: f64,
    energy_wh: f64,
    adaptive: &Adaptive,
) -> Option<(StreetEvaluation, Vec<Finding>)> {
    let street = plan.streets.get(si)?;
    let class = street.class?;
    let mut own: Vec<usize> = poles
        .iter()
        .filter_map(|&pi| plan.poles.get(pi))
        .map(|p| VendorLevels::group_of(plan, &p.vendor))
        .collect();
    own.sort_unstable();
    own.dedup();
    let mut specs = if adaptive.design_only {
        Vec::new()
    } else {
        periods::periods(street, &own, &adaptive.levels, adaptive.lit)
    };
    // A vendor none of whose luminaires can light the street does not change it.
    let near = near_groups(
        lighting,
        index.streets.get(si)?,
        street.width_m,
        class,
        adaptive,
    );
    for p in &mut specs {
        for (l, near) in p.levels.iter_mut().zip(&near) {
            if !near {
                *l = 1.0;
            }
        }
    }
    // The sums per vendor group are kept only when some period is not the design.
    let gn = if specs.iter().any(|p| !p.is_design(class)) {
        adaptive.levels.groups()
    } else {
        0
    };
    let group_of = &adaptive.group_of;
    let lum_groups = (gn > 0).then_some((group_of.as_slice(), gn));
    let ill_gn = if class.is_luminance() { 0 } else { gn };
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
    let offsets = grid::offsets_for(width_m);
    let fields = grid::fields(length_m, chainages);
    let (rows, row_groups): (Vec<Row>, Vec<Vec<f64>>) = fields
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
            let (cand, light) = lighting.street_light(
                Some(class),
                Xy::new(min.x - half_w, min.y - half_w),
                Xy::new(max.x + half_w, max.y + half_w),
            );
            // The sum over the luminaires, and (with groups) each group's share into `g`.
            let e_at = move |p: Option<Xy>, g: &mut [f64]| -> f64 {
                let Some(p) = p else {
                    return 0.0;
                };
                let mut sum = 0.0;
                for &k in &cand {
                    let e = light(k, p);
                    sum += e;
                    if ill_gn > 0 {
                        g[group_of[k]] += e;
                    }
                }
                sum
            };
            let offsets = &offsets;
            f.rows_m
                .iter()
                .map(|&ch| {
                    // Centreline point and direction once per row; grid points lie on
                    // the left normal (-dy, dx), offsets left positive.
                    let at = line.point_at(ch);
                    let mut centre_g = vec![0.0; ill_gn];
                    let centre = e_at(at.map(|(p, _)| p), &mut centre_g);
                    let (mut mn, mut sum) = (f64::INFINITY, 0.0);
                    let mut groups = vec![0.0; offsets.len() * ill_gn];
                    for (i, &o) in offsets.iter().enumerate() {
                        let g = &mut groups[i * ill_gn..(i + 1) * ill_gn];
                        let e = if o == 0.0 {
                            g.copy_from_slice(&centre_g);
                            centre
                        } else {
                            e_at(at.map(|(p, d)| Xy::new(p.x - d.y * o, p.y + d.x * o)), g)
                        };
                        mn = mn.min(e);
                        sum += e;
                    }
                    let row = Row {
                        ch,
                        d: f.d_along_m,
                        centre,
                        min: mn,
                        sum,
                    };
                    (row, groups)
                })
                .collect::<Vec<_>>()
        })
        .unzip();
    let n_across = offsets.len();
    let st = stats(rows.iter(), n_across)?;
    let street_label = if street.name.is_empty() {
        street.id.clone()
    } else {
        format!("{} ({})", street.name, street.id)
    };
    let mut findings = Vec::new();
    // M classes: road luminance on the street's surface decides.
    let luminance = if class.is_luminance() {
        match surface::table_for(plan, &street.surface) {
            Ok(t) => Some(luminance::evaluate_street(
                lighting,
                line,
                chainages,
                &lighting.luminaires_of_poles(poles),
                width_m,
                street.lanes,
                &t,
                lum_groups,
            )),
            Err(why) => {
                let (lon, lat) = lonlat_at(line, 0.0);
                findings.push(Finding {
                    rule: RuleId::CoverageClass,
                    severity: Severity::Error,
                    message: format!(
                        "{street_label}, class {class}, cannot be judged by luminance: {why}"
                    ),
                    poles: Vec::new(),
                    street: Some(street.id.clone()),
                    chainage_m: None,
                    lon,
                    lat,
                });
                Some(StreetLuminance::default())
            }
        }
    } else {
        None
    };
    // The luminance could be computed (a known surface) and gave values.
    let judged = findings.is_empty() && luminance.as_ref().is_none_or(|l| l.values.is_some());
    let v = match &luminance {
        Some(l) => classes::luminance_verdict(class, l.values.as_ref()),
        None => verdict(class, st.e_avg, st.e_min, st.u_o),
    };
    let req = requirement(class);

    let min_row = rows
        .iter()
        .min_by(|a, b| a.min.total_cmp(&b.min))
        .map_or(0.0, |r| r.ch);
    if !v.pass && findings.is_empty() {
        let (calculated, at) = match luminance
            .as_ref()
            .and_then(|l| l.values.as_ref().zip(l.min_at_m))
        {
            Some((l, at)) => (
                format!(
                    "calculated L_avg {:.2} cd/m², U_o {:.3}, U_l {:.3}, f_TI {:.1} %, REI {:.3}",
                    l.l_avg_cd_m2, l.u_o, l.u_l, l.ti_pct, l.rei
                ),
                at,
            ),
            None if luminance.is_some() => (format!("{} luminaires", chainages.len()), 0.0),
            None => (
                format!(
                    "calculated E_avg {:.2} lx, E_min {:.2} lx, U_o {:.3}",
                    st.e_avg, st.e_min, st.u_o
                ),
                min_row,
            ),
        };
        let (lon, lat) = lonlat_at(line, at);
        findings.push(Finding {
            rule: RuleId::CoverageClass,
            severity: Severity::Error,
            message: format!(
                "{street_label} misses class {class}: {} ({calculated})",
                v.failures.join(", "),
            ),
            poles: Vec::new(),
            street: Some(street.id.clone()),
            chainage_m: Some(at),
            lon,
            lat,
        });
    }
    if v.over_lit
        && let Some(want) = req.e_avg_lx()
    {
        let (lon, lat) = lonlat_at(line, length_m / 2.0);
        findings.push(Finding {
            rule: RuleId::CoverageClass,
            severity: Severity::Warning,
            message: format!(
                "{street_label} is over-lit for class {class}: E_avg {:.2} lx > {:.2} lx \
                 ({} × {want:.2} lx); dim or space the luminaires to save energy",
                st.e_avg,
                classes::OVERLIGHT_FACTOR * want,
                classes::OVERLIGHT_FACTOR,
            ),
            poles: Vec::new(),
            street: Some(street.id.clone()),
            chainage_m: None,
            lon,
            lat,
        });
    }

    // Dark stretches: consecutive rows whose lowest value is below the threshold (the
    // illuminance rows; for M classes the luminance rows, in cd/m²).
    let dark_below = req.dark_below();
    let lrows: Vec<(f64, f64, f64)> = match &luminance {
        Some(l) => l
            .lanes
            .first()
            .map(|lane| {
                lane.chainage_m
                    .iter()
                    .zip(&l.row_min_cd_m2)
                    .zip(l.row_d_m())
                    .map(|((&ch, &m), d)| (ch, d, m))
                    .collect()
            })
            .unwrap_or_default(),
        None => rows.iter().map(|r| (r.ch, r.d, r.min)).collect(),
    };
    let unit = if luminance.is_some() { "cd/m²" } else { "lx" };
    let mut dark: Vec<DarkStretch> = Vec::new();
    let mut prev_dark = false;
    for &(ch, d, min) in &lrows {
        let is_dark = !classes::meets(min, dark_below);
        if is_dark {
            let (from, to) = (ch - d / 2.0, ch + d / 2.0);
            match dark.last_mut() {
                Some(s) if prev_dark && (s.to_m - from).abs() < 1e-6 => {
                    s.to_m = to;
                    s.e_min_lx = s.e_min_lx.min(min);
                }
                _ => dark.push(DarkStretch {
                    from_m: from,
                    to_m: to,
                    e_min_lx: min,
                }),
            }
        }
        prev_dark = is_dark;
    }
    for d in &dark {
        let (lon, lat) = lonlat_at(line, d.from_m);
        findings.push(Finding {
            rule: RuleId::CoverageDark,
            severity: Severity::Warning,
            message: format!(
                "{street_label}: {:.0}–{:.0} m, {} {:.2} {unit}, class {class} needs {:.2} {unit}",
                d.from_m,
                d.to_m,
                if luminance.is_some() {
                    "L_min"
                } else {
                    "E_min"
                },
                d.e_min_lx,
                dark_below
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
            let (pass, u_o, l_avg_cd_m2) = match &luminance {
                Some(l) => {
                    let part = l.between(lo, hi);
                    let values = part.zip(l.values.as_ref()).map(|((a, u), all)| {
                        luminance::LuminanceValues {
                            l_avg_cd_m2: a,
                            u_o: u,
                            ..all.clone()
                        }
                    });
                    (
                        classes::luminance_verdict(class, values.as_ref()).pass,
                        part.map_or(f64::NAN, |p| p.1),
                        Some(part.map_or(f64::NAN, |p| p.0)),
                    )
                }
                None => (
                    verdict(class, st.e_avg, st.e_min, st.u_o).pass,
                    st.u_o,
                    None,
                ),
            };
            Some(SectionResult {
                id: s.id.clone(),
                vendor: s.vendor.clone(),
                street: s.street.clone(),
                e_avg_lx: st.e_avg,
                e_min_lx: st.e_min,
                u_o,
                l_avg_cd_m2,
                pass,
            })
        })
        .collect();

    // Adaptive lighting: each period from the same geometry, scaled.
    let period_results: Vec<PeriodResult> = specs
        .iter()
        .map(|p| {
            let (values, verdict) = if p.is_design(class) {
                let values = match &luminance {
                    Some(l) => PeriodValues::luminance(l.values.as_ref()),
                    None => PeriodValues::Illuminance {
                        e_avg_lx: st.e_avg,
                        e_min_lx: st.e_min,
                        u_o: st.u_o,
                    },
                };
                (values, v.clone())
            } else if let Some(l) = &luminance {
                let at = l.at_levels(&p.levels);
                (
                    PeriodValues::luminance(at.as_ref()),
                    classes::luminance_verdict(p.class, at.as_ref()),
                )
            } else {
                let s = scaled_stats(&rows, &row_groups, n_across, gn, &p.levels).unwrap_or(st);
                (
                    PeriodValues::Illuminance {
                        e_avg_lx: s.e_avg,
                        e_min_lx: s.e_min,
                        u_o: s.u_o,
                    },
                    verdict(p.class, s.e_avg, s.e_min, s.u_o),
                )
            };
            PeriodResult {
                from: p.from(),
                to: p.to(),
                class: p.class,
                levels: own
                    .iter()
                    .filter_map(|&g| Some((plan.vendors.get(g)?.id.clone(), p.levels[g])))
                    .collect(),
                idle_levels: own
                    .iter()
                    .filter_map(|&g| {
                        let vendor = plan.vendors.get(g)?;
                        let profile = plan.control_profile(vendor.control_profile.as_deref()?)?;
                        Some((vendor.id.clone(), profile.presence.as_ref()?.idle_level))
                    })
                    .collect(),
                values,
                pass: verdict.pass,
                verdict,
            }
        })
        .collect();
    if judged {
        let (lon, lat) = lonlat_at(line, length_m / 2.0);
        let name = if street.name.is_empty() {
            &street.id
        } else {
            &street.name
        };
        for (p, r) in specs.iter().zip(&period_results) {
            // The design class with the street's own luminaires at full: the design
            // evaluation's finding says it (a neighbour dimmed changes the JSON only).
            let own_full = p.class == class && own.iter().all(|&g| p.levels[g] == 1.0);
            if own_full || (r.pass && !r.verdict.over_lit) {
                continue;
            }
            let (severity, what) = if r.pass {
                (
                    Severity::Warning,
                    format!(
                        "over-lit (E_avg above {} × the class value); dim to save energy",
                        classes::OVERLIGHT_FACTOR
                    ),
                )
            } else {
                (Severity::Error, r.verdict.failures.join(", "))
            };
            findings.push(Finding {
                rule: RuleId::CoveragePeriod,
                severity,
                message: format!(
                    "{name} {}–{} (class {}): {what} with {}",
                    r.from,
                    r.to,
                    r.class,
                    vendor_levels(plan, &own, &near, p)
                ),
                poles: Vec::new(),
                street: Some(street.id.clone()),
                chainage_m: None,
                lon,
                lat,
            });
        }
    }

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
            u_o: match &luminance {
                Some(l) => l.values.as_ref().map(|v| v.u_o),
                None => Some(st.u_o),
            },
            luminance: luminance
                .as_ref()
                .map(|l| LuminanceSummary::of(l.values.as_ref())),
            pass: v.pass,
            periods: period_results,
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
            energy_wh / area_m2
        } else {
            0.0
        },
        profile,
        luminance,
    };
    Some((eval, findings))
}
