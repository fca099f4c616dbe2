//! The individual rules, as small functions the [`super::Checker`] combines. Each takes
//! what it needs (plan, index, stations) and builds findings whose message states the
//! measured value and the threshold.

pub use super::references::{
    Located, reference_duplicate_id, reference_luminaire, reference_vendor_street,
};
use super::{Finding, Severity};
use crate::frame::from_utm32;
use crate::index::SiteIndex;
pub use crate::index::{PoleStation, on_route, pole_stations, station_of, valid_lonlat, valid_xy};
use crate::plan::Plan;
use rayon::prelude::*;
use std::collections::HashMap;

/// `placement.position` for pole `i`: its lon/lat is not a usable position (non-finite
/// or out of range, possible in a hand-edited RON file). Such a pole is left out of
/// every spatial rule.
pub fn pole_position(plan: &Plan, i: usize) -> Option<Finding> {
    let p = plan.poles.get(i)?;
    if valid_lonlat(p.lon, p.lat) {
        return None;
    }
    Some(Finding {
        rule: "placement.position",
        severity: Severity::Error,
        message: format!(
            "{}: position lon {}, lat {} is not a valid WGS84 position (lon -180..180, lat \
             -90..90); fix the coordinates",
            p.id,
            crate::finding::number(p.lon),
            crate::finding::number(p.lat)
        ),
        poles: vec![p.id.clone()],
        street: None,
        chainage_m: None,
        lon: None,
        lat: None,
    })
}

/// `placement.position` for streets with an unusable vertex; such a street is left out
/// of the street index (it has no geometry for the checks).
pub fn street_positions(plan: &Plan) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in &plan.streets {
        if let Some((k, q)) = s
            .points
            .iter()
            .enumerate()
            .find(|(_, q)| !valid_lonlat(q[0], q[1]))
        {
            out.push(Finding {
                rule: "placement.position",
                severity: Severity::Error,
                message: format!(
                    "street {}: point {} (lon {}, lat {}) is not a valid WGS84 position; fix the \
                     coordinates (the street is left out of the checks)",
                    s.id,
                    k,
                    crate::finding::number(q[0]),
                    crate::finding::number(q[1])
                ),
                poles: Vec::new(),
                street: Some(s.id.clone()),
                chainage_m: None,
                lon: None,
                lat: None,
            });
        }
    }
    out
}

fn sorted_pair(a: &str, b: &str) -> Vec<String> {
    let mut v = vec![a.to_string(), b.to_string()];
    v.sort();
    v
}

fn street_name(plan: &Plan, si: usize) -> String {
    match plan.streets.get(si) {
        Some(s) if !s.name.is_empty() => s.name.clone(),
        Some(s) => s.id.clone(),
        None => format!("street #{si}"),
    }
}

fn street_id(plan: &Plan, si: usize) -> Option<String> {
    plan.streets.get(si).map(|s| s.id.clone())
}

/// Formats a length for messages: one decimal, or more when that would print 0.0.
fn m(v: f64) -> String {
    if v != 0.0 && v.abs() < 0.05 {
        format!("{v:.4}")
    } else {
        format!("{v:.1}")
    }
}

/// All pairs `(i, j, distance)` with `i < j` and distance `< radius_m`, by an R-tree
/// within-distance query per pole (parallel; O(n log n) for a sane layout).
pub fn close_pairs(index: &SiteIndex, radius_m: f64) -> Vec<(usize, usize, f64)> {
    let mut v: Vec<(usize, usize, f64)> = index
        .pole_xy
        .par_iter()
        .enumerate()
        .filter(|(_, a)| valid_xy(**a))
        .flat_map_iter(|(i, &a)| {
            index
                .poles_within(a, radius_m)
                .filter(move |&j| j > i)
                .filter_map(move |j| {
                    let d = a.dist(index.pole_xy[j]);
                    (d < radius_m).then_some((i, j, d))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    v.sort_unstable_by_key(|a| (a.0, a.1));
    v
}

/// Pairs involving pole `k` closer than `radius_m`, as `(min(k,j), max(k,j), d)`.
pub fn close_pairs_of(index: &SiteIndex, k: usize, radius_m: f64) -> Vec<(usize, usize, f64)> {
    let Some(&a) = index.pole_xy.get(k).filter(|a| valid_xy(**a)) else {
        return Vec::new();
    };
    let mut v: Vec<(usize, usize, f64)> = index
        .poles_within(a, radius_m)
        .filter(|&j| j != k)
        .filter_map(|j| {
            let (i, j) = (k.min(j), k.max(j));
            let d = index.pole_xy[i].dist(index.pole_xy[j]);
            (d < radius_m).then_some((i, j, d))
        })
        .collect();
    v.sort_unstable_by_key(|a| (a.0, a.1));
    v
}

/// `spacing.min` finding for poles `i`, `j` at distance `d_m`, if it violates the rule.
pub fn spacing_min_pair(plan: &Plan, i: usize, j: usize, d_m: f64) -> Option<Finding> {
    let min = plan.rules.min_spacing_m;
    if d_m >= min {
        return None;
    }
    let (pa, pb) = (plan.poles.get(i)?, plan.poles.get(j)?);
    let ids = sorted_pair(&pa.id, &pb.id);
    Some(Finding {
        rule: "spacing.min",
        severity: Severity::Error,
        message: format!(
            "{}–{}: {} m apart, minimum {} m",
            ids[0],
            ids[1],
            m(d_m),
            min
        ),
        poles: ids,
        street: None,
        chainage_m: None,
        lon: Some((pa.lon + pb.lon) / 2.0),
        lat: Some((pa.lat + pb.lat) / 2.0),
    })
}

/// `reference.same_spot` finding for poles `i`, `j` at distance `d_m`, if they stand
/// closer than `rules.same_spot_m`.
pub fn same_spot_pair(plan: &Plan, i: usize, j: usize, d_m: f64) -> Option<Finding> {
    let lim = plan.rules.same_spot_m;
    if d_m >= lim {
        return None;
    }
    let (pa, pb) = (plan.poles.get(i)?, plan.poles.get(j)?);
    let ids = sorted_pair(&pa.id, &pb.id);
    Some(Finding {
        rule: "reference.same_spot",
        severity: Severity::Error,
        message: format!(
            "{} and {} stand at one spot: {:.4} m apart, minimum {} m; move or delete one",
            ids[0], ids[1], d_m, lim
        ),
        poles: ids,
        street: None,
        chainage_m: None,
        lon: Some(pa.lon),
        lat: Some(pa.lat),
    })
}

/// `spacing.max` on one street: `on_street` holds `(chainage_m, pole index)` of the
/// on-route poles assigned to street `si`, sorted by chainage (then index). Consecutive
/// pairs farther apart along the street than min(`max_spacing_m`,
/// `max_spacing_to_height` × the lower height) give a finding.
pub fn spacing_max_street(
    plan: &Plan,
    index: &SiteIndex,
    si: usize,
    on_street: &[(f64, usize)],
) -> Vec<Finding> {
    let r = &plan.rules;
    let mut out = Vec::new();
    for w in on_street.windows(2) {
        let [(ca, a), (cb, b)] = [w[0], w[1]];
        let (Some(pa), Some(pb)) = (plan.poles.get(a), plan.poles.get(b)) else {
            continue;
        };
        let gap = cb - ca;
        let h = pa.height_m.min(pb.height_m);
        let by_height = r.max_spacing_to_height * h;
        let (limit, why) = if by_height < r.max_spacing_m {
            (
                by_height,
                format!("{} × {} m height", r.max_spacing_to_height, h),
            )
        } else {
            (r.max_spacing_m, "max_spacing_m".to_string())
        };
        if gap <= limit {
            continue;
        }
        let mid = (ca + cb) / 2.0;
        let (lon, lat) = match index.streets.get(si).and_then(|l| l.point_at(mid)) {
            Some((p, _)) => {
                let (lon, lat) = from_utm32(p);
                (Some(lon), Some(lat))
            }
            None => (None, None),
        };
        out.push(Finding {
            rule: "spacing.max",
            severity: Severity::Error,
            message: format!(
                "{}–{}: {} m apart along {}, maximum {} m ({})",
                pa.id,
                pb.id,
                m(gap),
                street_name(plan, si),
                m(limit),
                why
            ),
            poles: sorted_pair(&pa.id, &pb.id),
            street: street_id(plan, si),
            chainage_m: Some(mid),
            lon,
            lat,
        });
    }
    out
}

/// `placement.off_route` for pole `i`: farther than `max_offset_m` from every street
/// centreline (or the plan has no streets).
pub fn off_route(plan: &Plan, i: usize, st: Option<&PoleStation>) -> Option<Finding> {
    let p = plan.poles.get(i)?;
    let max = plan.rules.max_offset_m;
    let (message, street, chainage) = match st {
        Some(s) if s.offset_m <= max => return None,
        Some(s) => (
            format!(
                "{}: {} m from the nearest street centreline ({}), maximum {} m",
                p.id,
                m(s.offset_m),
                street_name(plan, s.street),
                max
            ),
            street_id(plan, s.street),
            Some(s.chainage_m),
        ),
        None => (
            format!(
                "{}: no street to stand by (the plan has no street with two points), maximum offset {} m",
                p.id, max
            ),
            None,
            None,
        ),
    };
    Some(Finding {
        rule: "placement.off_route",
        severity: Severity::Error,
        message,
        poles: vec![p.id.clone()],
        street,
        chainage_m: chainage,
        lon: Some(p.lon),
        lat: Some(p.lat),
    })
}

/// Sections of the plan grouped for lookups: vendor id -> street index -> intervals
/// `(lo_m, hi_m, section index)`. Sections naming an unknown street are left out (they
/// get a `reference.street` finding).
#[derive(Debug, Clone, Default)]
pub struct SectionMap {
    by_vendor: HashMap<String, StreetIntervals>,
}

/// Street index -> `(lo_m, hi_m, section index)` intervals.
type StreetIntervals = HashMap<usize, Vec<(f64, f64, usize)>>;

impl SectionMap {
    pub fn build(plan: &Plan) -> Self {
        let street_ix = street_index_map(plan);
        let mut by_vendor: HashMap<String, StreetIntervals> = HashMap::new();
        for (k, s) in plan.sections.iter().enumerate() {
            let entry = by_vendor.entry(s.vendor.clone()).or_default();
            if let Some(&si) = street_ix.get(s.street.as_str()) {
                let (lo, hi) = interval(s.from_m, s.to_m);
                entry.entry(si).or_default().push((lo, hi, k));
            }
        }
        SectionMap { by_vendor }
    }

    /// Whether the vendor has any section at all.
    pub fn vendor_has_sections(&self, vendor: &str) -> bool {
        self.by_vendor.contains_key(vendor)
    }
}

fn interval(a: f64, b: f64) -> (f64, f64) {
    if a <= b { (a, b) } else { (b, a) }
}

/// Street id -> index of its first occurrence.
pub fn street_index_map(plan: &Plan) -> HashMap<&str, usize> {
    let mut m = HashMap::with_capacity(plan.streets.len());
    for (i, s) in plan.streets.iter().enumerate() {
        m.entry(s.id.as_str()).or_insert(i);
    }
    m
}

/// Tolerance for chainage comparisons with section ends, metres.
const CHAINAGE_EPS_M: f64 = 1e-6;

/// `section.outside` for pole `i`: its vendor has sections, the pole is on route, and no
/// section of its vendor on the pole's street contains the pole's chainage. Vendors
/// without any section are not checked (their sections are not laid out yet).
pub fn section_outside(
    plan: &Plan,
    sections: &SectionMap,
    i: usize,
    st: Option<&PoleStation>,
) -> Option<Finding> {
    let p = plan.poles.get(i)?;
    let by_street = sections.by_vendor.get(&p.vendor)?;
    let s = st?;
    if s.offset_m > plan.rules.max_offset_m {
        return None; // placement.off_route already reports it
    }
    let here = by_street.get(&s.street);
    let inside = here.is_some_and(|v| {
        v.iter().any(|&(lo, hi, _)| {
            s.chainage_m >= lo - CHAINAGE_EPS_M && s.chainage_m <= hi + CHAINAGE_EPS_M
        })
    });
    if inside {
        return None;
    }
    let name = street_name(plan, s.street);
    let detail = match here {
        Some(v) => {
            let mut parts: Vec<String> = v
                .iter()
                .take(3)
                .map(|&(lo, hi, _)| format!("{}–{} m", m(lo), m(hi)))
                .collect();
            if v.len() > 3 {
                parts.push(format!("and {} more", v.len() - 3));
            }
            format!("{}'s sections there: {}", p.vendor, parts.join(", "))
        }
        None => format!("{} has no section on {}", p.vendor, name),
    };
    Some(Finding {
        rule: "section.outside",
        severity: Severity::Error,
        message: format!(
            "{} (vendor {}) at {} m on {} is outside its vendor's sections; {}",
            p.id,
            p.vendor,
            m(s.chainage_m),
            name,
            detail
        ),
        poles: vec![p.id.clone()],
        street: street_id(plan, s.street),
        chainage_m: Some(s.chainage_m),
        lon: Some(p.lon),
        lat: Some(p.lat),
    })
}

/// `section.overlap`: pairs of sections on the same street whose chainage intervals
/// overlap by more than zero length (touching ends are fine). Sort and sweep per street,
/// output-sensitive.
pub fn section_overlap(plan: &Plan, index: &SiteIndex) -> Vec<Finding> {
    let street_ix = street_index_map(plan);
    let mut per_street: HashMap<usize, Vec<(f64, f64, usize)>> = HashMap::new();
    for (k, s) in plan.sections.iter().enumerate() {
        if let Some(&si) = street_ix.get(s.street.as_str()) {
            let (lo, hi) = interval(s.from_m, s.to_m);
            per_street.entry(si).or_default().push((lo, hi, k));
        }
    }
    let mut out = Vec::new();
    for (si, mut v) in per_street {
        v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
        let mut active: Vec<(f64, f64, usize)> = Vec::new();
        for &(lo, hi, k) in &v {
            active.retain(|a| a.1 > lo);
            for &(alo, ahi, ak) in &active {
                let start = lo.max(alo);
                let end = hi.min(ahi);
                if end - start <= 0.0 {
                    continue;
                }
                let (a, b) = (&plan.sections[ak], &plan.sections[k]);
                let (lon, lat) = match index.streets.get(si).and_then(|l| l.point_at(start)) {
                    Some((p, _)) => {
                        let (lon, lat) = from_utm32(p);
                        (Some(lon), Some(lat))
                    }
                    None => (None, None),
                };
                out.push(Finding {
                    rule: "section.overlap",
                    severity: Severity::Error,
                    message: format!(
                        "sections {} ({}, {}–{} m) and {} ({}, {}–{} m) overlap by {} m on {}, \
                         maximum 0 m",
                        a.id,
                        a.vendor,
                        m(alo),
                        m(ahi),
                        b.id,
                        b.vendor,
                        m(lo),
                        m(hi),
                        m(end - start),
                        street_name(plan, si)
                    ),
                    poles: Vec::new(),
                    street: street_id(plan, si),
                    chainage_m: Some(start),
                    lon,
                    lat,
                });
            }
            active.push((lo, hi, k));
        }
    }
    out
}

/// `section.empty` (warning): a vendor of the plan with no poles.
pub fn section_empty(plan: &Plan, index: &SiteIndex) -> Vec<Finding> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for p in &plan.poles {
        *count.entry(p.vendor.as_str()).or_default() += 1;
    }
    let street_ix = street_index_map(plan);
    plan.vendors
        .iter()
        .filter(|v| !count.contains_key(v.id.as_str()))
        .map(|v| {
            // Point at the vendor's first section, if any.
            let sec = plan.sections.iter().find(|s| s.vendor == v.id);
            let at = sec.and_then(|s| {
                let si = *street_ix.get(s.street.as_str())?;
                let (lo, hi) = interval(s.from_m, s.to_m);
                let (p, _) = index.streets.get(si)?.point_at((lo + hi) / 2.0)?;
                Some((s.street.clone(), (lo + hi) / 2.0, from_utm32(p)))
            });
            let n_sec = plan.sections.iter().filter(|s| s.vendor == v.id).count();
            Finding {
                rule: "section.empty",
                severity: Severity::Warning,
                message: format!(
                    "vendor {} ({}) has 0 poles, minimum 1 ({} section{})",
                    v.id,
                    v.name,
                    n_sec,
                    if n_sec == 1 { "" } else { "s" }
                ),
                poles: Vec::new(),
                street: at.as_ref().map(|a| a.0.clone()),
                chainage_m: at.as_ref().map(|a| a.1),
                lon: at.as_ref().map(|a| a.2.0),
                lat: at.as_ref().map(|a| a.2.1),
            }
        })
        .collect()
}
