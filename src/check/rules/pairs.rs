//! The pair rules, `spacing.min` and `reference.same_spot`: poles closer than a distance,
//! found in groups (single linkage) so that a pile of copies gives one finding.

use super::{m, sorted_pair};
use crate::check::{Finding, RuleId, Severity};
use crate::frame::Xy;
use crate::index::{PointGrid, SiteIndex, valid_xy};
use crate::plan::Plan;
use rayon::prelude::*;
use std::collections::HashMap;

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
        let point = |i: usize| crate::index::PolePoint::new(xy[i], i);
        let mut tree: rstar::RTree<crate::index::PolePoint> =
            rstar::RTree::bulk_load(dense_ix.iter().map(|&i| point(i)).collect());
        for &s in &dense_ix {
            if tree.remove(&point(s)).is_none() {
                continue;
            }
            let mut stack = vec![s];
            while let Some(a) = stack.pop() {
                let found: Vec<(usize, f64)> = tree
                    .locate_within_distance(xy[a], radius_m * radius_m)
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
                    .nearest_neighbor_iter(&xy[i])
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
    // per pole of the plan, which a large plan would pay for at the peak of `check`).
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
