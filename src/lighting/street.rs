//! One classed street: the EN 13201-3 grid along it, its verdict, its dark stretches and
//! its vendor sections, and the `coverage.*` findings.

use super::luminance::{self, StreetLuminance};
use super::results::{
    DarkStretch, LuminanceSummary, Profile, SectionResult, StreetEvaluation, StreetResult,
};
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

fn lonlat_at(line: &crate::frame::Polyline, ch: f64) -> (Option<f64>, Option<f64>) {
    match line.point_at(ch) {
        Some((p, _)) => {
            let (lon, lat) = from_utm32(p);
            (Some(lon), Some(lat))
        }
        None => (None, None),
    }
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
            let (cand, light) = lighting.street_light(
                Some(class),
                Xy::new(min.x - half_w, min.y - half_w),
                Xy::new(max.x + half_w, max.y + half_w),
            );
            let e_at = move |p: Option<Xy>| -> f64 {
                p.map_or(0.0, |p| cand.iter().map(|&k| light(k, p)).sum())
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
