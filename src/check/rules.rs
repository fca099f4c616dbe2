//! The individual rules, as small functions the [`super::Checker`] combines. Each takes
//! what it needs (plan, index, stations) and builds findings whose message states the
//! measured value and the threshold.

pub use super::references::{
    Located, reference_duplicate_id, reference_luminaire, reference_profile, reference_surface,
    reference_vendor_street,
};
use super::{Finding, RuleId, Severity};
use crate::frame::{Xy, from_utm32};
use crate::index::{PointGrid, SiteIndex};
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
        if let Some((k, q)) = s
            .points
            .iter()
            .enumerate()
            .find(|(_, q)| !valid_lonlat(q[0], q[1]))
        {
            out.push(Finding {
                rule: RuleId::PlacementPosition,
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

/// `spacing.min` finding for poles `i`, `j` at distance `d_m`, if it violates the rule.
pub fn spacing_min_pair(plan: &Plan, i: usize, j: usize, d_m: f64) -> Option<Finding> {
    let min = plan.rules.min_spacing_m;
    if d_m >= min {
        return None;
    }
    let (pa, pb) = (plan.poles.get(i)?, plan.poles.get(j)?);
    let ids = sorted_pair(&pa.id, &pb.id);
    Some(Finding {
        rule: RuleId::SpacingMin,
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
        rule: RuleId::ReferenceSameSpot,
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

/// Which pair rule a group of close poles belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PairRule {
    /// `spacing.min`: closer than `rules.min_spacing_m`.
    SpacingMin,
    /// `reference.same_spot`: closer than `rules.same_spot_m`.
    SameSpot,
}

impl PairRule {
    pub const ALL: [PairRule; 2] = [PairRule::SpacingMin, PairRule::SameSpot];

    /// Its position in [`PairRule::ALL`].
    pub fn slot(self) -> usize {
        self as usize
    }

    /// The distance below which two poles are linked by this rule.
    pub fn radius(self, plan: &Plan) -> f64 {
        match self {
            PairRule::SpacingMin => plan.rules.min_spacing_m,
            PairRule::SameSpot => plan.rules.same_spot_m,
        }
    }
}

/// A connected set of poles, each closer than a rule's distance to at least one other
/// (single linkage): the unit a pair rule reports, so 3,000 copies of one pole give one
/// finding instead of 4.5 million.
#[derive(Debug, Clone, PartialEq)]
pub struct PoleGroup {
    /// Pole indices, ascending (at least two).
    pub members: Vec<usize>,
    /// The closest pair `(i, j, distance)`, `i < j`.
    pub closest: (usize, usize, f64),
}

/// A pole with more than this many neighbours within a rule's distance is "dense": its
/// pairs are not listed one by one (3,000 copies of a pole would be 4.5 M pairs).
pub const DENSE_NEIGHBOURS: usize = 16;

/// The groups of close poles for one distance: single-linkage components of "closer than
/// `radius_m`", each with its closest pair, ordered by first member. O(n log n) for any
/// layout: pairs are listed for ordinary poles; dense ones (see [`DENSE_NEIGHBOURS`]) are
/// linked by a search that removes each pole from a tree as it joins, and give their
/// nearest neighbour for the closest distance.
pub fn pair_groups(index: &SiteIndex, radius_m: f64) -> Vec<PoleGroup> {
    let grid = PointGrid::new(&index.pole_xy, radius_m);
    pair_groups_in(index, grid.as_ref(), radius_m)
}

/// As [`pair_groups`], with the neighbours looked up in `grid` (a grid of
/// `index.pole_xy`, of any cell size; `None`: in the index's tree).
pub fn pair_groups_in(
    index: &SiteIndex,
    grid: Option<&PointGrid>,
    radius_m: f64,
) -> Vec<PoleGroup> {
    let n = index.pole_xy.len();
    // NaN or non-positive: no two poles are closer than that.
    if radius_m.is_nan() || radius_m <= 0.0 {
        return Vec::new();
    }
    let xy = &index.pole_xy;
    // One query per pole, all at once: a grid of the poles pays for itself (the tree
    // serves beyond what a grid indexes). Each pole's neighbours, up to one more than a
    // dense pole has (the list of an ordinary pole is then complete).
    let list = |i: usize| -> Vec<(usize, f64)> {
        let a = xy[i];
        if !valid_xy(a) {
            return Vec::new();
        }
        let keep = move |(j, b): (usize, Xy)| {
            let d = a.dist(b);
            (j != i && d < radius_m).then_some((j, d))
        };
        let in_grid = grid.into_iter().flat_map(|g| g.within(a, radius_m));
        let in_tree = grid
            .is_none()
            .then(|| index.poles_within(a, radius_m).map(|j| (j, xy[j])))
            .into_iter()
            .flatten();
        in_grid
            .chain(in_tree)
            .filter_map(keep)
            .take(DENSE_NEIGHBOURS + 1)
            .collect()
    };
    // Only the poles with a neighbour (most have none).
    let lists: Vec<(usize, Vec<(usize, f64)>)> = (0..n)
        .into_par_iter()
        .map(|i| (i, list(i)))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let mut dense = vec![false; n];
    for (i, l) in &lists {
        dense[*i] = l.len() > DENSE_NEIGHBOURS;
    }
    let dense_ref = &dense;
    // Every pair with an ordinary pole in it, once.
    let mut pairs: Vec<(usize, usize, f64)> = lists
        .par_iter()
        .filter(|(i, _)| !dense[*i])
        .flat_map_iter(|&(i, ref l)| {
            l.iter()
                .filter(move |&&(j, _)| j > i || dense_ref[j])
                .map(move |&(j, d)| (i.min(j), i.max(j), d))
        })
        .collect();
    drop(lists);
    // Dense poles: link each to the dense poles within reach, taking each out of the
    // tree as it is reached, so every pole is found once.
    let dense_ix: Vec<usize> = (0..n).filter(|&i| dense[i]).collect();
    if !dense_ix.is_empty() {
        let point = |i: usize| crate::index::PolePoint::new(xy[i].to_array(), i);
        let mut tree: rstar::RTree<crate::index::PolePoint> =
            rstar::RTree::bulk_load(dense_ix.iter().map(|&i| point(i)).collect());
        for &s in &dense_ix {
            if tree.remove(&point(s)).is_none() {
                continue;
            }
            let mut stack = vec![s];
            while let Some(a) = stack.pop() {
                let found: Vec<(usize, f64)> = tree
                    .locate_within_distance(xy[a].to_array(), radius_m * radius_m)
                    .map(|p| p.data)
                    .map(|b| (b, xy[a].dist(xy[b])))
                    .filter(|&(_, d)| d < radius_m)
                    .collect();
                for (b, d) in found {
                    tree.remove(&point(b));
                    pairs.push((a.min(b), a.max(b), d));
                    stack.push(b);
                }
            }
        }
        // The closest distance: each dense pole's nearest neighbour.
        let nearest: Vec<(usize, usize, f64)> = dense_ix
            .par_iter()
            .filter_map(|&i| {
                let j = index
                    .pole_tree()
                    .nearest_neighbor_iter(&xy[i].to_array())
                    .map(|p| p.data)
                    .find(|&j| j != i)?;
                Some((i.min(j), i.max(j), xy[i].dist(xy[j])))
            })
            .collect();
        pairs.extend(nearest);
    }
    groups_of_pairs(n, &pairs, radius_m)
}

/// The groups formed by `pairs` (`(i, j, d)`, over `n` poles) linked when `d < radius_m`, each with at least two members, ordered by first
/// member.
pub fn groups_of_pairs(n: usize, pairs: &[(usize, usize, f64)], radius_m: f64) -> Vec<PoleGroup> {
    let linked = || {
        pairs
            .iter()
            .filter(move |p| p.2 < radius_m && p.0 < n && p.1 < n)
    };
    // The members are the poles of the linked pairs (a group's every member is linked
    // to another), in ascending order; the union-find runs over their places in this
    // list (an array, not a map: millions of pairs in a dense cluster; and not one slot
    // per pole of the plan: on 1M poles, 8 MB at the peak of `check`).
    let mut linked_poles: Vec<usize> = linked().flat_map(|&(i, j, _)| [i, j]).collect();
    linked_poles.sort_unstable();
    linked_poles.dedup();
    let place = |x: usize| linked_poles.binary_search(&x).unwrap_or_default();
    let mut parent: Vec<usize> = (0..linked_poles.len()).collect();
    fn find(parent: &mut [usize], x: usize) -> usize {
        let mut r = x;
        while parent[r] != r {
            r = parent[r];
        }
        let mut c = x;
        while parent[c] != r {
            let next = parent[c];
            parent[c] = r;
            c = next;
        }
        r
    }
    for &(i, j, _) in linked() {
        let (a, b) = (find(&mut parent, place(i)), find(&mut parent, place(j)));
        if a != b {
            parent[a.max(b)] = a.min(b);
        }
    }
    // The closest pair of each group, by root.
    let mut closest: HashMap<usize, (usize, usize, f64)> = HashMap::new();
    for &(i, j, d) in linked() {
        let root = find(&mut parent, place(i));
        let c = closest.entry(root).or_insert((i, j, d));
        if d < c.2 || (d == c.2 && (i, j) < (c.0, c.1)) {
            *c = (i, j, d);
        }
    }
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for (k, &x) in linked_poles.iter().enumerate() {
        let root = find(&mut parent, k);
        members.entry(root).or_default().push(x);
    }
    let mut out: Vec<PoleGroup> = members
        .into_iter()
        .map(|(root, members)| PoleGroup {
            members,
            closest: closest[&root],
        })
        .collect();
    out.sort_unstable_by_key(|g| g.members[0]);
    out
}

/// The group of `rule` around each of `seeds` in the current index, found by a
/// breadth-first search of within-distance queries (what the incremental checker needs
/// after one pole moved). Seeds with an unusable position, or with no neighbour, give
/// no group.
pub fn groups_around(
    index: &SiteIndex,
    seeds: impl IntoIterator<Item = usize>,
    radius_m: f64,
) -> Vec<PoleGroup> {
    if radius_m.is_nan() || radius_m <= 0.0 {
        return Vec::new();
    }
    let mut seen: std::collections::HashSet<usize> = std::collections::HashSet::new();
    let mut out = Vec::new();
    for s in seeds {
        let Some(&xy) = index.pole_xy.get(s) else {
            continue;
        };
        if !valid_xy(xy) || !seen.insert(s) {
            continue;
        }
        let mut members = vec![s];
        let mut closest: Option<(usize, usize, f64)> = None;
        let mut k = 0;
        while k < members.len() {
            let a = members[k];
            let axy = index.pole_xy[a];
            for b in index.poles_within(axy, radius_m) {
                if b == a {
                    continue;
                }
                let d = axy.dist(index.pole_xy[b]);
                if d >= radius_m {
                    continue;
                }
                let pair = (a.min(b), a.max(b), d);
                let better = match closest {
                    None => true,
                    Some(c) => d < c.2 || (d == c.2 && (pair.0, pair.1) < (c.0, c.1)),
                };
                if better {
                    closest = Some(pair);
                }
                if seen.insert(b) {
                    members.push(b);
                }
            }
            k += 1;
        }
        if let Some(closest) = closest {
            members.sort_unstable();
            out.push(PoleGroup { members, closest });
        }
    }
    out.sort_unstable_by_key(|g| g.members[0]);
    out
}

/// How many pole ids a group finding's message names before "and N more" (the finding's
/// `poles` lists all of them).
pub const GROUP_IDS_NAMED: usize = 5;

/// The finding of one group: two poles give the pair finding (`spacing_min_pair`,
/// `same_spot_pair`); three or more give one finding naming them all, at their mean
/// position, with the closest distance.
pub fn group_finding(plan: &Plan, rule: PairRule, g: &PoleGroup) -> Option<Finding> {
    let (i, j, d) = g.closest;
    if g.members.len() == 2 {
        return match rule {
            PairRule::SpacingMin => spacing_min_pair(plan, i, j, d),
            PairRule::SameSpot => same_spot_pair(plan, i, j, d),
        };
    }
    let poles: Vec<&crate::plan::Pole> = g
        .members
        .iter()
        .filter_map(|&k| plan.poles.get(k))
        .collect();
    if poles.len() != g.members.len() {
        return None;
    }
    let mut ids: Vec<String> = poles.iter().map(|p| p.id.to_string()).collect();
    ids.sort();
    let n = poles.len() as f64;
    let lon = poles.iter().map(|p| p.lon).sum::<f64>() / n;
    let lat = poles.iter().map(|p| p.lat).sum::<f64>() / n;
    let (rule_id, message) = match rule {
        PairRule::SpacingMin => (
            RuleId::SpacingMin,
            format!(
                "{}: {} poles each closer than {} m to another; closest {} m apart",
                crate::finding::name_some(&ids, GROUP_IDS_NAMED),
                poles.len(),
                plan.rules.min_spacing_m,
                m(d),
            ),
        ),
        PairRule::SameSpot => (
            RuleId::ReferenceSameSpot,
            format!(
                "{}: {} poles stand at one spot, each within {} m of another (closest \
                 {:.4} m); keep one and move or delete the rest",
                crate::finding::name_some(&ids, GROUP_IDS_NAMED),
                poles.len(),
                plan.rules.same_spot_m,
                d,
            ),
        ),
    };
    Some(Finding {
        rule: rule_id,
        severity: Severity::Error,
        message,
        poles: ids,
        street: None,
        chainage_m: None,
        lon: Some(lon),
        lat: Some(lat),
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
