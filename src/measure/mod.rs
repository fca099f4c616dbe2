//! Planned against measured: surveys measured on site compared with the calculated
//! illuminance, and energy readings with the modelled kWh (issue 28; docs/coordinator.md
//! "Measured on site").

pub mod csv;
mod save;

pub use save::{calculated_at_points, save_any, save_gpkg_atomic};

use crate::frame::{Xy, to_utm32};
use crate::index::{PointGrid, SiteIndex, on_route, pole_stations};
use crate::lighting::{Lighting, Photometric, classes, grid};
use crate::plan::measured::{EnergyReading, ReadingOf, Survey};
use crate::plan::validate::ValueError;
use crate::plan::{LightingClass, Plan};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// How far a measured point may lie from an EN 13201 grid point and still stand for it,
/// m (EN 13201-4 surveys set out the grid with a tape; a metre is generous).
pub const GRID_MATCH_M: f64 = 1.0;

/// The poles named at a point: the largest contributions until they give this share of
/// the calculated light (at most [`MAX_POLES_NAMED`]).
pub const POLES_NAMED_SHARE: f64 = 0.8;
pub const MAX_POLES_NAMED: usize = 3;

/// One measured point against the calculation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointResult {
    pub survey: String,
    pub measured_at: String,
    pub lon: f64,
    pub lat: f64,
    pub measured_lx: f64,
    pub calculated_lx: f64,
    /// measured / calculated; `None` where nothing is calculated.
    pub ratio: Option<f64>,
    /// The vendor section the point lies on (`None`: on none).
    pub section: Option<String>,
    pub vendor: Option<String>,
    /// The poles giving most of the calculated light, largest first.
    pub poles: Vec<String>,
    /// The pole giving more than `rules.dark_pole_share` of the light, if one does.
    #[serde(skip)]
    pub dominant: Option<usize>,
}

/// E_avg, E_min, U_o over a section's grid and the verdict against its class (`pass`:
/// `None` for an M class, judged by luminance, which a survey of E_h does not give).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridValues {
    pub e_avg_lx: f64,
    pub e_min_lx: f64,
    pub u_o: f64,
    pub pass: Option<bool>,
}

/// A vendor section on one survey date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionComparison {
    pub section: String,
    pub vendor: String,
    pub street: String,
    pub survey: String,
    pub date: String,
    pub count: usize,
    pub mean_ratio: f64,
    pub median_ratio: f64,
    pub p10_ratio: f64,
    pub p90_ratio: f64,
    /// Where the points cover the section's grid: the measured values there ...
    pub measured: Option<GridValues>,
    /// ... and the calculated ones at the same grid points.
    pub calculated: Option<GridValues>,
}

/// A pole whose light is missing: over the points where it gives more than
/// `rules.dark_pole_share` of the calculated light, the mean ratio is under
/// `rules.dark_pole_ratio`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DarkPole {
    pub pole: String,
    pub vendor: String,
    pub survey: String,
    pub points: usize,
    pub mean_ratio: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatedRatio {
    pub date: String,
    pub mean_ratio: f64,
}

/// A vendor's mean ratio per survey date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Depreciation {
    pub vendor: String,
    pub series: Vec<DatedRatio>,
}

/// Surveys against the calculation (`lysplan survey`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurveyComparison {
    pub points: Vec<PointResult>,
    pub sections: Vec<SectionComparison>,
    pub dark_poles: Vec<DarkPole>,
    pub depreciation: Vec<Depreciation>,
}

impl SurveyComparison {
    /// Whether the comparison finds a fault: a pole named dark or a measured verdict
    /// failing (`lysplan survey` exits 1).
    pub fn fails(&self) -> bool {
        !self.dark_poles.is_empty()
            || self
                .sections
                .iter()
                .any(|s| s.measured.as_ref().is_some_and(|m| m.pass == Some(false)))
    }
}

/// The value at quantile `q` (0..1) of sorted `v`, linearly interpolated.
fn quantile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let x = q * (v.len() - 1) as f64;
    let (lo, hi) = (x.floor() as usize, x.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (x - lo as f64)
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// The plan with the maintenance factor of the comparison: 1 (initial values, what a
/// new installation is measured against) unless `maintained`.
fn plan_for(plan: &Plan, maintained: bool) -> Plan {
    let mut p = plan.clone();
    if !maintained {
        p.maintenance_factor = 1.0;
    }
    p
}

/// Compares `surveys` with the calculated illuminance of `plan` (initial, MF = 1,
/// unless `maintained`), with the luminaire types' photometry in `photometry`.
pub fn compare_surveys<T: Photometric + Sync>(
    plan: &Plan,
    photometry: &HashMap<String, T>,
    surveys: &[Survey],
    maintained: bool,
) -> SurveyComparison {
    let lit = plan_for(plan, maintained);
    let lighting = Lighting::new(&lit, photometry);
    let index = SiteIndex::build(plan);
    let share = plan.rules.dark_pole_share;
    // Each point: where it is, what is calculated there, its section.
    let section_at = |xy: Xy| -> Option<usize> {
        let (si, st) = index.nearest_street(xy)?;
        if st.offset_m > plan.rules.max_offset_m {
            return None;
        }
        let street = &plan.streets[si].id;
        plan.sections.iter().position(|s| {
            &s.street == street
                && st.chainage_m >= s.from_m.min(s.to_m)
                && st.chainage_m <= s.from_m.max(s.to_m)
        })
    };
    let flat: Vec<(usize, usize)> = surveys
        .iter()
        .enumerate()
        .flat_map(|(k, s)| (0..s.points.len()).map(move |j| (k, j)))
        .collect();
    let points: Vec<PointResult> = flat
        .par_iter()
        .map(|&(k, j)| {
            let s = &surveys[k];
            let p = &s.points[j];
            let xy = to_utm32(p.lon, p.lat);
            let (mut contrib, calculated) = e_h_at(&lighting, xy);
            contrib.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let mut named = Vec::new();
            let mut acc = 0.0;
            for &(pi, e) in &contrib {
                if named.len() >= MAX_POLES_NAMED || acc >= POLES_NAMED_SHARE * calculated {
                    break;
                }
                acc += e;
                named.push(plan.poles[pi].id.to_string());
            }
            let dominant = contrib
                .first()
                .filter(|c| calculated > 0.0 && c.1 > share * calculated)
                .map(|c| c.0);
            let section = section_at(xy);
            PointResult {
                survey: s.name.clone(),
                measured_at: p.measured_at.clone(),
                lon: p.lon,
                lat: p.lat,
                measured_lx: p.e_h_lx,
                calculated_lx: calculated,
                ratio: ratio(p.e_h_lx, calculated),
                section: section.map(|i| plan.sections[i].id.clone()),
                vendor: section.map(|i| plan.sections[i].vendor.clone()),
                poles: named,
                dominant,
            }
        })
        .collect();
    let sections = section_rows(plan, &lighting, &index, &points);
    let dark_poles = dark_poles(plan, &points);
    let depreciation = depreciation(&points);
    SurveyComparison {
        points,
        sections,
        dark_poles,
        depreciation,
    }
}

/// The calculated E_h at `xy`, lx: each pole's share (by pole index, those that give
/// light) and their sum.
fn e_h_at(lighting: &Lighting, xy: Xy) -> (Vec<(usize, f64)>, f64) {
    let contrib = lighting.e_h_contributions(xy);
    let calculated = contrib.iter().map(|c| c.1).sum();
    (contrib, calculated)
}

/// measured / calculated; `None` where nothing is calculated.
fn ratio(measured_lx: f64, calculated_lx: f64) -> Option<f64> {
    (calculated_lx > 0.0).then(|| measured_lx / calculated_lx)
}

fn date_of(measured_at: &str) -> &str {
    measured_at.get(..10).unwrap_or(measured_at)
}

/// Per section, survey and date: the ratio's statistics and, where the points cover the
/// section's grid, the measured and calculated grid values.
fn section_rows(
    plan: &Plan,
    lighting: &Lighting,
    index: &SiteIndex,
    points: &[PointResult],
) -> Vec<SectionComparison> {
    let mut groups: BTreeMap<(&str, &str, &str), Vec<usize>> = BTreeMap::new();
    // The grid of a section is matched against all points of the survey and date (a
    // grid point at a junction may lie nearer the crossing street).
    let mut visits: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, p) in points.iter().enumerate() {
        visits
            .entry((p.survey.as_str(), date_of(&p.measured_at)))
            .or_default()
            .push(i);
        if let Some(sec) = &p.section {
            groups
                .entry((sec.as_str(), p.survey.as_str(), date_of(&p.measured_at)))
                .or_default()
                .push(i);
        }
    }
    let stations = pole_stations(index);
    let mut chainages: Vec<Vec<f64>> = vec![Vec::new(); plan.streets.len()];
    for st in stations.iter().flatten() {
        if on_route(Some(st), plan.rules.max_offset_m) {
            chainages[st.street()].push(st.chainage_m);
        }
    }
    let mut out = Vec::new();
    // Section order as in the plan, then survey and date.
    let order: HashMap<&str, usize> = plan
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut keys: Vec<_> = groups.keys().copied().collect();
    keys.sort_by_key(|k| (order.get(k.0).copied(), k.1, k.2));
    for key in keys {
        let idx = &groups[&key];
        let Some(section) = plan.sections.iter().find(|s| s.id == key.0) else {
            continue;
        };
        let mut ratios: Vec<f64> = idx.iter().filter_map(|&i| points[i].ratio).collect();
        ratios.sort_by(f64::total_cmp);
        let (measured, calculated) = grid_values(
            plan,
            lighting,
            index,
            &chainages,
            section,
            points,
            &visits[&(key.1, key.2)],
        )
        .map_or((None, None), |(m, c)| (Some(m), Some(c)));
        out.push(SectionComparison {
            section: section.id.clone(),
            vendor: section.vendor.clone(),
            street: section.street.clone(),
            survey: key.1.to_string(),
            date: key.2.to_string(),
            count: ratios.len(),
            mean_ratio: if ratios.is_empty() {
                f64::NAN
            } else {
                mean(&ratios)
            },
            median_ratio: quantile(&ratios, 0.5),
            p10_ratio: quantile(&ratios, 0.1),
            p90_ratio: quantile(&ratios, 0.9),
            measured,
            calculated,
        });
    }
    out
}

/// E_avg, E_min, U_o of `values` and the verdict against `class`.
fn grid_stats(values: &[f64], class: LightingClass) -> GridValues {
    let e_avg = mean(values);
    let e_min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let u_o = if e_avg > 0.0 { e_min / e_avg } else { 0.0 };
    GridValues {
        e_avg_lx: e_avg,
        e_min_lx: e_min,
        u_o,
        pass: (!class.is_luminance()).then(|| classes::verdict(class, e_avg, e_min, u_o).pass),
    }
}

/// The measured and calculated grid values of `section` when each point of its EN
/// 13201-3 grid (the fields of its street between the section's chainages) has a
/// measured point within [`GRID_MATCH_M`]; `None` otherwise or on an unclassed street.
fn grid_values(
    plan: &Plan,
    lighting: &Lighting,
    index: &SiteIndex,
    chainages: &[Vec<f64>],
    section: &crate::plan::Section,
    points: &[PointResult],
    idx: &[usize],
) -> Option<(GridValues, GridValues)> {
    let si = plan.streets.iter().position(|s| s.id == section.street)?;
    let street = &plan.streets[si];
    let class = street.class?;
    let line = index.streets.get(si)?;
    let (from, to) = (
        section.from_m.min(section.to_m),
        section.from_m.max(section.to_m),
    );
    let offsets = if street.width_m > 0.0 {
        grid::offsets_across(street.width_m)
    } else {
        vec![0.0]
    };
    let xy: Vec<Xy> = idx
        .iter()
        .map(|&i| to_utm32(points[i].lon, points[i].lat))
        .collect();
    let near = PointGrid::new(&xy, GRID_MATCH_M)?;
    let (mut measured, mut calculated) = (Vec::new(), Vec::new());
    for f in grid::fields(line.length(), &chainages[si]) {
        for &ch in f.rows_m.iter().filter(|&&c| c >= from && c <= to) {
            for &o in &offsets {
                let g = grid::point(line, ch, o)?;
                let (k, _) = near
                    .within(g, GRID_MATCH_M)
                    .min_by(|a, b| a.1.dist2(g).total_cmp(&b.1.dist2(g)))?;
                measured.push(points[idx[k]].measured_lx);
                calculated.push(lighting.e_h_for(Some(class), g));
            }
        }
    }
    if measured.is_empty() {
        return None;
    }
    Some((grid_stats(&measured, class), grid_stats(&calculated, class)))
}

/// The dark or mis-aimed poles of each survey.
fn dark_poles(plan: &Plan, points: &[PointResult]) -> Vec<DarkPole> {
    let mut by: BTreeMap<(&str, usize), Vec<f64>> = BTreeMap::new();
    for p in points {
        if let (Some(pi), Some(r)) = (p.dominant, p.ratio) {
            by.entry((p.survey.as_str(), pi)).or_default().push(r);
        }
    }
    by.into_iter()
        .filter_map(|((survey, pi), ratios)| {
            let m = mean(&ratios);
            (m < plan.rules.dark_pole_ratio).then(|| DarkPole {
                pole: plan.poles[pi].id.to_string(),
                vendor: plan.poles[pi].vendor.to_string(),
                survey: survey.to_string(),
                points: ratios.len(),
                mean_ratio: m,
            })
        })
        .collect()
}

/// Each vendor's mean ratio per survey date, dates in order.
fn depreciation(points: &[PointResult]) -> Vec<Depreciation> {
    let mut by: BTreeMap<&str, BTreeMap<&str, Vec<f64>>> = BTreeMap::new();
    for p in points {
        if let (Some(v), Some(r)) = (&p.vendor, p.ratio) {
            by.entry(v.as_str())
                .or_default()
                .entry(date_of(&p.measured_at))
                .or_default()
                .push(r);
        }
    }
    by.into_iter()
        .map(|(vendor, dates)| Depreciation {
            vendor: vendor.to_string(),
            series: dates
                .into_iter()
                .map(|(date, r)| DatedRatio {
                    date: date.to_string(),
                    mean_ratio: mean(&r),
                })
                .collect(),
        })
        .collect()
}

/// One energy reading beside the model over its interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadingResult {
    /// `vendor` or `pole`.
    pub kind: &'static str,
    /// The vendor's or the pole's id.
    pub id: String,
    /// The vendor it counts for (a pole's vendor).
    pub vendor: String,
    pub from: String,
    pub to: String,
    pub kwh: f64,
    pub modelled_kwh: f64,
    pub ratio: Option<f64>,
    /// The baseline installation on the same poles over the same interval.
    pub baseline_kwh: f64,
    pub savings_pct: Option<f64>,
}

/// A vendor's readings summed: `from` and `to` span them; the sums cover them only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasuredEnergy {
    pub from: String,
    pub to: String,
    pub kwh: f64,
    pub modelled_kwh: f64,
    pub ratio: Option<f64>,
    pub baseline_kwh: f64,
    pub savings_pct: Option<f64>,
}

fn ratio_and_saving(kwh: f64, modelled: f64, baseline: f64) -> (Option<f64>, Option<f64>) {
    (
        (modelled > 0.0).then(|| kwh / modelled),
        (baseline > 0.0).then(|| (1.0 - kwh / baseline) * 100.0),
    )
}

/// Each reading beside the modelled kWh of exactly its interval (the astronomical
/// switching and the vendor's profile, `crate::energy`), and each vendor's sum (by
/// vendor id; a pole's reading counts for the pole's vendor). Refuses, naming the
/// reading, what the model cannot compute.
pub fn compare_readings(
    plan: &Plan,
    readings: &[EnergyReading],
) -> Result<(Vec<ReadingResult>, BTreeMap<String, MeasuredEnergy>), ValueError> {
    use crate::energy::annual::{interval_schedule, pole_wh, usable_site};
    let site = usable_site(plan)?;
    let mut cache: HashMap<(i64, i64), (Vec<f64>, f64)> = HashMap::new();
    let mut rows = Vec::with_capacity(readings.len());
    let mut spans: BTreeMap<String, (i64, String, i64, String)> = BTreeMap::new();
    let mut sums: BTreeMap<String, (f64, f64, f64)> = BTreeMap::new();
    for (i, r) in readings.iter().enumerate() {
        let at = |f: &str| format!("energy_readings[{i}].{f}");
        let time = |t: &str, f: &str| {
            csv::unix_seconds(t).ok_or_else(|| {
                ValueError::new(
                    at(f),
                    format!("{t:?}"),
                    crate::plan::validate::Allowed::Described(
                        "an ISO 8601 date-time with its offset".into(),
                    ),
                )
            })
        };
        let (from, to) = (time(&r.from, "from")?, time(&r.to, "to")?);
        let (wh, lit) = match cache.entry((from, to)) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let s = interval_schedule(&plan.energy, site, from, to)
                    .map_err(|e| e.within(&format!("energy_readings[{i}]")))?;
                e.insert((pole_wh(plan, &s), s.lit_hours()))
            }
        };
        let (wh, lit) = (&*wh, *lit);
        let (kind, id, poles): (&'static str, &str, Vec<usize>) = match &r.of {
            ReadingOf::Vendor(v) => (
                "vendor",
                v,
                (0..plan.poles.len())
                    .filter(|&p| plan.poles[p].vendor == v.as_str())
                    .collect(),
            ),
            ReadingOf::Pole(p) => (
                "pole",
                p,
                plan.poles
                    .iter()
                    .position(|q| q.id == p.as_str())
                    .into_iter()
                    .collect(),
            ),
        };
        let vendor = match &r.of {
            ReadingOf::Vendor(v) => v.clone(),
            ReadingOf::Pole(_) => poles
                .first()
                .map(|&p| plan.poles[p].vendor.to_string())
                .unwrap_or_default(),
        };
        let modelled: f64 = poles.iter().map(|&p| wh[p]).sum::<f64>() / 1000.0;
        let baseline = poles.len() as f64 * plan.energy.baseline_power_w * lit / 1000.0;
        let (ratio, savings_pct) = ratio_and_saving(r.kwh, modelled, baseline);
        let span = spans
            .entry(vendor.clone())
            .or_insert((from, r.from.clone(), to, r.to.clone()));
        if from < span.0 {
            (span.0, span.1) = (from, r.from.clone());
        }
        if to > span.2 {
            (span.2, span.3) = (to, r.to.clone());
        }
        let sum = sums.entry(vendor.clone()).or_default();
        sum.0 += r.kwh;
        sum.1 += modelled;
        sum.2 += baseline;
        rows.push(ReadingResult {
            kind,
            id: id.to_string(),
            vendor,
            from: r.from.clone(),
            to: r.to.clone(),
            kwh: r.kwh,
            modelled_kwh: modelled,
            ratio,
            baseline_kwh: baseline,
            savings_pct,
        });
    }
    let vendors = sums
        .into_iter()
        .map(|(v, (kwh, modelled, baseline))| {
            let (ratio, savings_pct) = ratio_and_saving(kwh, modelled, baseline);
            let span = &spans[&v];
            (
                v,
                MeasuredEnergy {
                    from: span.1.clone(),
                    to: span.3.clone(),
                    kwh,
                    modelled_kwh: modelled,
                    ratio,
                    baseline_kwh: baseline,
                    savings_pct,
                },
            )
        })
        .collect();
    Ok((rows, vendors))
}

/// `v` with every number rounded: `lon`/`lat` to 8 decimals (about a millimetre), the
/// rest to 4 (lx and ratios); non-finite numbers are null.
fn rounded(v: serde_json::Value, key: &str) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if n.is_f64() {
                let k = if key == "lon" || key == "lat" {
                    1e8
                } else {
                    1e4
                };
                serde_json::Number::from_f64((f * k).round() / k).map_or(Value::Null, Value::Number)
            } else {
                Value::Number(n)
            }
        }
        Value::Array(a) => Value::Array(a.into_iter().map(|x| rounded(x, key)).collect()),
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, x)| {
                    let x = rounded(x, &k);
                    (k, x)
                })
                .collect(),
        ),
        other => other,
    }
}

/// `value` as rounded JSON (see [`rounded`]).
pub fn json_value<T: Serialize>(value: &T) -> serde_json::Value {
    rounded(
        serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
        "",
    )
}

impl SurveyComparison {
    /// The JSON of `lysplan survey --format json` (keys in the documented order).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&json_value(self)).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }

    /// The tables for people.
    pub fn to_text(&self, maintained: bool) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let f = |v: f64| {
            if v.is_finite() {
                format!("{v:.3}")
            } else {
                "-".into()
            }
        };
        let surveys: std::collections::BTreeSet<&str> =
            self.points.iter().map(|p| p.survey.as_str()).collect();
        let _ = writeln!(
            out,
            "{} points in {} survey(s) against the calculated {} E_h; ratio = measured / calculated",
            self.points.len(),
            surveys.len(),
            if maintained {
                "maintained (MF of the plan)"
            } else {
                "initial (MF = 1)"
            }
        );
        let off = self.points.iter().filter(|p| p.section.is_none()).count();
        if off > 0 {
            let _ = writeln!(out, "{off} points lie on no vendor section");
        }
        let _ = writeln!(
            out,
            "\n{:<10} {:<14} {:<22} {:<10} {:>5} {:>6} {:>6} {:>6} {:>6}  grid (measured | calculated)",
            "section", "vendor", "survey", "date", "n", "mean", "median", "p10", "p90"
        );
        let grid = |g: &Option<GridValues>| match g {
            Some(g) => format!(
                "E_avg {:.2} lx, E_min {:.2} lx, U_o {:.2}{}",
                g.e_avg_lx,
                g.e_min_lx,
                g.u_o,
                match g.pass {
                    Some(true) => ", pass",
                    Some(false) => ", FAIL",
                    None => "",
                }
            ),
            None => "-".into(),
        };
        for s in &self.sections {
            let _ = writeln!(
                out,
                "{:<10} {:<14} {:<22} {:<10} {:>5} {:>6} {:>6} {:>6} {:>6}  {}{}",
                s.section,
                s.vendor,
                s.survey,
                s.date,
                s.count,
                f(s.mean_ratio),
                f(s.median_ratio),
                f(s.p10_ratio),
                f(s.p90_ratio),
                grid(&s.measured),
                if s.measured.is_some() {
                    format!(" | {}", grid(&s.calculated))
                } else {
                    String::new()
                }
            );
        }
        if self.dark_poles.is_empty() {
            let _ = writeln!(out, "\nno dark or mis-aimed pole");
        } else {
            let _ = writeln!(out, "\ndark or mis-aimed poles:");
            for d in &self.dark_poles {
                let _ = writeln!(
                    out,
                    "  {} ({}) in {}: mean ratio {:.3} over {} points",
                    d.pole, d.vendor, d.survey, d.mean_ratio, d.points
                );
            }
        }
        if !self.depreciation.is_empty() {
            let _ = writeln!(out, "\nmean ratio per vendor and date:");
            for d in &self.depreciation {
                let series: Vec<String> = d
                    .series
                    .iter()
                    .map(|x| format!("{} {:.3}", x.date, x.mean_ratio))
                    .collect();
                let _ = writeln!(out, "  {:<14} {}", d.vendor, series.join(", "));
            }
        }
        out
    }
}

/// The readings and each vendor's sum, for people (after `lysplan energy`'s table).
pub fn readings_text(rows: &[ReadingResult], vendors: &BTreeMap<String, MeasuredEnergy>) -> String {
    use std::fmt::Write as _;
    let opt = |v: Option<f64>, d: usize| v.map_or("-".into(), |v| format!("{v:.d$}"));
    let mut out =
        String::from("\nmeasured (energy readings) against the model over the same intervals:\n");
    let _ = writeln!(
        out,
        "{:<7} {:<14} {:<25} {:<25} {:>10} {:>10} {:>6} {:>10} {:>8}",
        "of", "id", "from", "to", "kWh", "modelled", "ratio", "baseline", "saving"
    );
    for r in rows {
        let _ = writeln!(
            out,
            "{:<7} {:<14} {:<25} {:<25} {:>10.1} {:>10.1} {:>6} {:>10.1} {:>7}%",
            r.kind,
            r.id,
            r.from,
            r.to,
            r.kwh,
            r.modelled_kwh,
            opt(r.ratio, 3),
            r.baseline_kwh,
            opt(r.savings_pct, 1)
        );
    }
    for (v, m) in vendors {
        let _ = writeln!(
            out,
            "{:<7} {:<14} {:<25} {:<25} {:>10.1} {:>10.1} {:>6} {:>10.1} {:>7}%",
            "vendor",
            format!("{v} total"),
            m.from,
            m.to,
            m.kwh,
            m.modelled_kwh,
            opt(m.ratio, 3),
            m.baseline_kwh,
            opt(m.savings_pct, 1)
        );
    }
    out
}
