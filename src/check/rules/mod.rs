//! The individual rules, as small functions the [`super::Checker`] combines. Each takes
//! what it needs (plan, index, stations) and builds findings whose message states the
//! calculated value and the threshold.
//!
//! Here: positions, `placement.off_route` and `spacing.max`; the pair rules
//! (`spacing.min`, `reference.same_spot`) and their groups in `pairs.rs`; the section rules
//! in `sections.rs`. The `reference.*` rules are in `references.rs`, beside this module.

mod pairs;
mod sections;

use super::{Finding, RuleId, Severity};
use crate::frame::from_utm32;
use crate::index::SiteIndex;
pub use crate::index::{PoleStation, on_route, pole_stations, station_of, valid_lonlat, valid_xy};
use crate::plan::Plan;
pub use pairs::{
    DENSE_NEIGHBOURS, GROUP_IDS_NAMED, PairRule, PoleGroup, group_finding, groups_around,
    groups_of_pairs, pair_groups, pair_groups_in, same_spot_pair, spacing_min_pair,
};
pub use sections::{SectionMap, section_empty, section_outside, section_overlap, street_index_map};

/// `placement.position` for pole `i`: its lon/lat is not a usable position (non-finite
/// or out of range, possible in a hand-edited RON file). Such a pole is left out of
/// every spatial rule.
pub fn pole_position(plan: &Plan, i: usize) -> Option<Finding> {
    let p = plan.poles.get(i)?;
    if valid_lonlat(p.lon, p.lat) {
        return None;
    }
    Some(Finding {
        rule: RuleId::PlacementPosition,
        severity: Severity::Error,
        message: format!(
            "{}: position lon {}, lat {} is not a valid WGS84 position (lon -180..180, lat \
             -90..90); fix the coordinates",
            p.id,
            crate::finding::number(p.lon),
            crate::finding::number(p.lat)
        ),
        poles: vec![p.id.to_string()],
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
        if let Some((k, q)) = s.points.iter().enumerate().find(|(_, q)| !q.is_valid()) {
            out.push(Finding {
                rule: RuleId::PlacementPosition,
                severity: Severity::Error,
                message: format!(
                    "street {}: point {} (lon {}, lat {}) is not a valid WGS84 position; fix the \
                     coordinates (the street is left out of the checks)",
                    s.id,
                    k,
                    crate::finding::number(q.lon),
                    crate::finding::number(q.lat)
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
            rule: RuleId::SpacingMax,
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
                street_name(plan, s.street()),
                max
            ),
            street_id(plan, s.street()),
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
        rule: RuleId::PlacementOffRoute,
        severity: Severity::Error,
        message,
        poles: vec![p.id.to_string()],
        street,
        chainage_m: chainage,
        lon: Some(p.lon),
        lat: Some(p.lat),
    })
}
