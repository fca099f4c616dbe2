//! The section rules: `section.outside`, `section.overlap` and `section.empty`, with the
//! lookup of sections by vendor and street they share.

use super::{GROUP_IDS_NAMED, m, street_id, street_name};
use crate::check::{Finding, RuleId, Severity};
use crate::frame::from_utm32;
use crate::index::{PoleStation, SiteIndex};
use crate::plan::Plan;
use std::collections::HashMap;

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
    let by_street = sections.by_vendor.get(p.vendor.as_str())?;
    let s = st?;
    if s.offset_m > plan.rules.max_offset_m {
        return None; // placement.off_route already reports it
    }
    let here = by_street.get(&s.street());
    let inside = here.is_some_and(|v| {
        v.iter().any(|&(lo, hi, _)| {
            s.chainage_m >= lo - CHAINAGE_EPS_M && s.chainage_m <= hi + CHAINAGE_EPS_M
        })
    });
    if inside {
        return None;
    }
    let name = street_name(plan, s.street());
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
        rule: RuleId::SectionOutside,
        severity: Severity::Error,
        message: format!(
            "{} (vendor {}) at {} m on {} is outside its vendor's sections; {}",
            p.id,
            p.vendor,
            m(s.chainage_m),
            name,
            detail
        ),
        poles: vec![p.id.to_string()],
        street: street_id(plan, s.street()),
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
        // Sets of sections linked by overlaps: a sweep by start, a section joining the
        // set when it overlaps the one reaching farthest (linear, so 3,000 copies of one
        // section are one finding, not 4.5 million).
        let mut set: Vec<(f64, f64, usize)> = Vec::new();
        let mut reach = f64::NEG_INFINITY;
        for &(lo, hi, k) in
            v.iter()
                .chain(std::iter::once(&(f64::INFINITY, f64::INFINITY, usize::MAX)))
        {
            if k != usize::MAX && !set.is_empty() && hi.min(reach) - lo > 0.0 {
                set.push((lo, hi, k));
                reach = reach.max(hi);
                continue;
            }
            if set.len() >= 2 {
                out.push(overlap_finding(plan, index, si, &set));
            }
            set.clear();
            set.push((lo, hi, k));
            reach = hi;
        }
    }
    out
}

/// The `section.overlap` finding of a set of overlapping sections on street `si` (sorted
/// by start): two name both with their chainages and the overlap; more name them all
/// with the chainage range they share.
fn overlap_finding(
    plan: &Plan,
    index: &SiteIndex,
    si: usize,
    set: &[(f64, f64, usize)],
) -> Finding {
    // Where the first overlap starts: the second section's start.
    let start = set[1].0;
    let (lon, lat) = match index.streets.get(si).and_then(|l| l.point_at(start)) {
        Some((p, _)) => {
            let (lon, lat) = from_utm32(p);
            (Some(lon), Some(lat))
        }
        None => (None, None),
    };
    let message = if let [(alo, ahi, ak), (lo, hi, k)] = set {
        let (a, b) = (&plan.sections[*ak], &plan.sections[*k]);
        format!(
            "sections {} ({}, {}–{} m) and {} ({}, {}–{} m) overlap by {} m on {}, maximum 0 m",
            a.id,
            a.vendor,
            m(*alo),
            m(*ahi),
            b.id,
            b.vendor,
            m(*lo),
            m(*hi),
            m(hi.min(*ahi) - lo),
            street_name(plan, si)
        )
    } else {
        let mut ids: Vec<&str> = set.iter().map(|s| plan.sections[s.2].id.as_str()).collect();
        ids.sort_unstable();
        let mut vendors: Vec<&str> = set
            .iter()
            .map(|s| plan.sections[s.2].vendor.as_str())
            .collect();
        vendors.sort_unstable();
        vendors.dedup();
        let named = crate::finding::name_some(&ids, GROUP_IDS_NAMED);
        let end = set.iter().map(|s| s.1).fold(f64::NEG_INFINITY, f64::max);
        format!(
            "{} sections overlap one another on {} between {}–{} m ({named}; vendors {}), \
             maximum 0 m",
            set.len(),
            street_name(plan, si),
            m(set[0].0),
            m(end),
            vendors.join(", ")
        )
    };
    Finding {
        rule: RuleId::SectionOverlap,
        severity: Severity::Error,
        message,
        poles: Vec::new(),
        street: street_id(plan, si),
        chainage_m: Some(start),
        lon,
        lat,
    }
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
                rule: RuleId::SectionEmpty,
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
