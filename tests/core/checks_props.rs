//! Property tests: on random layouts every R-tree-based rule returns exactly what a
//! brute-force (all pairs, all segments) implementation returns, and incremental moves
//! equal a full rebuild.

#![allow(clippy::needless_range_loop)] // brute force reads best with indices

use lysplan::check::{Checker, Finding, run};
use lysplan::frame::{LonLat, Xy, from_utm32, to_utm32};
use lysplan::plan::{Plan, Pole, Rules, Section, Street, Vendor};
use proptest::prelude::*;
use std::collections::BTreeSet;

const ORIGIN: (f64, f64) = (12.3880, 55.6848);

fn ll(o: Xy, x: f64, y: f64) -> (f64, f64) {
    from_utm32(Xy::new(o.x + x, o.y + y))
}

#[derive(Debug, Clone)]
struct Layout {
    streets: Vec<Vec<(f64, f64)>>,
    poles: Vec<(f64, f64, f64, usize)>,
    /// (pole index, copy offset) for poles placed right next to another one.
    twins: Vec<(usize, f64)>,
    sections: Vec<(usize, usize, f64, f64)>,
    rules: (f64, f64, f64, f64),
}

fn layout() -> impl Strategy<Value = Layout> {
    let pt = || (0.0..300.0f64, 0.0..300.0f64);
    (
        prop::collection::vec(prop::collection::vec(pt(), 2..6), 0..5),
        prop::collection::vec(
            (0.0..300.0f64, 0.0..300.0f64, 3.0..12.0f64, 0..4usize),
            0..70,
        ),
        prop::collection::vec(
            (
                0..70usize,
                prop_oneof![Just(0.0), 0.0..0.002f64, 0.0..8.0f64],
            ),
            0..6,
        ),
        prop::collection::vec((0..4usize, 0..5usize, 0.0..400.0f64, 0.0..400.0f64), 0..8),
        (2.0..30.0f64, 15.0..90.0f64, 2.0..8.0f64, 3.0..40.0f64),
    )
        .prop_map(|(streets, poles, twins, sections, rules)| Layout {
            streets,
            poles,
            twins,
            sections,
            rules,
        })
}

fn build(l: &Layout) -> Plan {
    let o = to_utm32(ORIGIN.0, ORIGIN.1);
    let mut plan = Plan {
        rules: Rules {
            min_spacing_m: l.rules.0,
            max_spacing_m: l.rules.1,
            max_spacing_to_height: l.rules.2,
            max_offset_m: l.rules.3,
            same_spot_m: 0.001,
            ..Rules::default()
        },
        ..Plan::default()
    };
    for v in 0..3 {
        plan.vendors.push(Vendor {
            id: format!("V{v}"),
            name: format!("Vendor {v}"),
            color: [0, 0, 0],
            control_profile: None,
        });
    }
    for (k, s) in l.streets.iter().enumerate() {
        plan.streets.push(Street {
            lanes: 2,
            surface: "C2".into(),
            class_schedule: Vec::new(),
            id: format!("S{k}"),
            name: format!("Street {k}"),
            class: None,
            width_m: 7.0,
            points: s
                .iter()
                .map(|&(x, y)| {
                    let (lon, lat) = ll(o, x, y);
                    LonLat::new(lon, lat)
                })
                .collect(),
        });
    }
    let mut pts: Vec<(f64, f64, f64, usize)> = l.poles.clone();
    for &(k, d) in &l.twins {
        if let Some(&(x, y, h, v)) = l.poles.get(k) {
            pts.push((x + d, y, h, v));
        }
    }
    for (k, &(x, y, h, v)) in pts.iter().enumerate() {
        let (lon, lat) = ll(o, x, y);
        plan.poles.push(Pole {
            id: format!("P{k:03}").into(),
            lon,
            lat,
            height_m: h,
            overhang_m: 0.0,
            tilt_deg: 0.0,
            azimuth_deg: 0.0,
            vendor: format!("V{v}").into(), // V3 is unknown on purpose
            luminaire: "L".into(),
        });
    }
    for (k, &(v, s, a, b)) in l.sections.iter().enumerate() {
        plan.sections.push(Section {
            id: format!("X{k}"),
            vendor: format!("V{v}"),
            street: format!("S{s}"), // may name a missing street
            from_m: a,
            to_m: b,
        });
    }
    plan
}

/// Moves pole `k` by (dx, dy) metres.
fn move_by(plan: &mut Plan, k: usize, dx: f64, dy: f64) {
    let p = to_utm32(plan.poles[k].lon, plan.poles[k].lat);
    let (lon, lat) = from_utm32(Xy::new(p.x + dx, p.y + dy));
    plan.poles[k].lon = lon;
    plan.poles[k].lat = lat;
}

/// Brute force: distance from `p` to the segment a-b.
fn seg_dist(p: Xy, a: Xy, b: Xy) -> (f64, f64) {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let f = Xy::new(a.x + t * dx, a.y + t * dy);
    (f.dist(p), t * len2.sqrt())
}

/// Brute force station: (street, chainage, offset) over every segment of every street;
/// first minimum wins.
fn brute_station(plan: &Plan, p: Xy) -> Option<(usize, f64, f64)> {
    let mut best: Option<(usize, f64, f64)> = None;
    for (si, s) in plan.streets.iter().enumerate() {
        let pts: Vec<Xy> = s.points.iter().map(|q| q.to_xy()).collect();
        let mut cum = 0.0;
        for w in pts.windows(2) {
            let (d, along) = seg_dist(p, w[0], w[1]);
            if best.is_none_or(|b| d < b.2) {
                best = Some((si, cum + along, d));
            }
            cum += w[0].dist(w[1]);
        }
    }
    best
}

fn pairs(f: &[Finding], rule: &str) -> BTreeSet<Vec<String>> {
    f.iter()
        .filter(|x| x.rule == rule)
        .map(|x| x.poles.clone())
        .collect()
}

/// The groups of poles linked by `pairs` (single linkage, brute force), as sorted id lists.
fn groups(plan: &Plan, n: usize, pairs: &[(usize, usize)]) -> BTreeSet<Vec<String>> {
    let mut label: Vec<usize> = (0..n).collect();
    // Relabel until stable: slow, obviously right.
    loop {
        let mut changed = false;
        for &(i, j) in pairs {
            let m = label[i].min(label[j]);
            if label[i] != m || label[j] != m {
                label[i] = m;
                label[j] = m;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut by: std::collections::BTreeMap<usize, Vec<String>> = Default::default();
    for &(i, j) in pairs {
        by.entry(label[i])
            .or_default()
            .push(plan.poles[i].id.to_string());
        by.entry(label[j])
            .or_default()
            .push(plan.poles[j].id.to_string());
    }
    by.into_values()
        .map(|mut v| {
            v.sort();
            v.dedup();
            v
        })
        .collect()
}

fn ids(plan: &Plan, v: impl IntoIterator<Item = (usize, usize)>) -> BTreeSet<Vec<String>> {
    v.into_iter()
        .map(|(i, j)| {
            let mut p = vec![plan.poles[i].id.to_string(), plan.poles[j].id.to_string()];
            p.sort();
            p
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn rtree_rules_equal_brute_force(l in layout()) {
        let plan = build(&l);
        let f = run(&plan);
        let r = &plan.rules;
        let xy: Vec<Xy> = plan.poles.iter().map(|p| to_utm32(p.lon, p.lat)).collect();
        let n = xy.len();

        // spacing.min and reference.same_spot: all pairs.
        let mut min = Vec::new();
        let mut same = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                let d = xy[i].dist(xy[j]);
                if d < r.min_spacing_m { min.push((i, j)); }
                if d < r.same_spot_m { same.push((i, j)); }
            }
        }
        // Close poles are reported per group (two poles: the pair).
        prop_assert_eq!(pairs(&f, "spacing.min"), groups(&plan, n, &min));
        prop_assert_eq!(pairs(&f, "reference.same_spot"), groups(&plan, n, &same));

        // Stations and placement.off_route: all segments.
        let st: Vec<Option<(usize, f64, f64)>> = xy.iter().map(|&p| brute_station(&plan, p)).collect();
        let checker = Checker::new(&plan);
        for i in 0..n {
            match (checker.station(i), st[i]) {
                (None, None) => {}
                (Some(a), Some(b)) => prop_assert!((a.offset_m - b.2).abs() < 1e-6, "pole {}: {} vs {}", i, a.offset_m, b.2),
                (a, b) => prop_assert!(false, "pole {}: {:?} vs {:?}", i, a, b),
            }
        }
        let off: BTreeSet<Vec<String>> = (0..n)
            .filter(|&i| st[i].is_none_or(|s| s.2 > r.max_offset_m))
            .map(|i| vec![plan.poles[i].id.to_string()])
            .collect();
        prop_assert_eq!(pairs(&f, "placement.off_route"), off);

        // spacing.max: per street, sort on-route poles by chainage, check neighbours.
        let mut gaps = Vec::new();
        let mut ambiguous: BTreeSet<String> = BTreeSet::new();
        for si in 0..plan.streets.len() {
            let mut on: Vec<(f64, usize)> = (0..n)
                .filter_map(|i| st[i].filter(|s| s.0 == si && s.2 <= r.max_offset_m).map(|s| (s.1, i)))
                .collect();
            on.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            // Poles at the same chainage (to rounding) have no defined order along the
            // street: either neighbour pairing is right, so such poles are left out of
            // the comparison on both sides.
            for w in on.windows(2) {
                if (w[1].0 - w[0].0).abs() < 1e-6 {
                    ambiguous.insert(plan.poles[w[0].1].id.to_string());
                    ambiguous.insert(plan.poles[w[1].1].id.to_string());
                }
            }
            for w in on.windows(2) {
                let (a, b) = (w[0].1, w[1].1);
                let h = plan.poles[a].height_m.min(plan.poles[b].height_m);
                let limit = r.max_spacing_m.min(r.max_spacing_to_height * h);
                if w[1].0 - w[0].0 > limit { gaps.push((a, b)); }
            }
        }
        let clear = |set: BTreeSet<Vec<String>>| -> BTreeSet<Vec<String>> {
            set.into_iter().filter(|p| !p.iter().any(|id| ambiguous.contains(id))).collect()
        };
        prop_assert_eq!(clear(pairs(&f, "spacing.max")), clear(ids(&plan, gaps)));

        // section.outside: linear scan over sections.
        let mut outside = BTreeSet::new();
        for i in 0..n {
            let p = &plan.poles[i];
            let mine: Vec<&Section> = plan.sections.iter().filter(|s| s.vendor == p.vendor).collect();
            let Some(s) = st[i] else { continue };
            if mine.is_empty() || s.2 > r.max_offset_m { continue; }
            let sid = &plan.streets[s.0].id;
            let inside = mine.iter().any(|x| &x.street == sid
                && s.1 >= x.from_m.min(x.to_m) - 1e-6 && s.1 <= x.from_m.max(x.to_m) + 1e-6);
            if !inside { outside.insert(vec![p.id.to_string()]); }
        }
        prop_assert_eq!(pairs(&f, "section.outside"), outside);

        // section.overlap: all pairs of sections on an existing street, one finding per
        // set of sections linked by overlaps.
        let mut linked = Vec::new();
        for (a, x) in plan.sections.iter().enumerate() {
            for (b, y) in plan.sections.iter().enumerate().skip(a + 1) {
                if x.street != y.street || plan.street(&x.street).is_none() { continue; }
                let lo = x.from_m.min(x.to_m).max(y.from_m.min(y.to_m));
                let hi = x.from_m.max(x.to_m).min(y.from_m.max(y.to_m));
                if hi - lo > 0.0 { linked.push((a, b)); }
            }
        }
        let mut label: Vec<usize> = (0..plan.sections.len()).collect();
        for _ in 0..plan.sections.len() {
            for &(a, b) in &linked {
                let m = label[a].min(label[b]);
                label[a] = m;
                label[b] = m;
            }
        }
        let sets: BTreeSet<usize> = linked.iter().map(|&(a, _)| label[a]).collect();
        prop_assert_eq!(f.iter().filter(|x| x.rule == "section.overlap").count(), sets.len());
    }

    #[test]
    fn incremental_moves_equal_rebuild(
        l in layout(),
        moves in prop::collection::vec((0..80usize, -60.0..60.0f64, -60.0..60.0f64), 1..12),
    ) {
        let mut plan = build(&l);
        prop_assume!(!plan.poles.is_empty());
        let mut checker = Checker::new(&plan);
        for (k, dx, dy) in moves {
            let k = k % plan.poles.len();
            move_by(&mut plan, k, dx, dy);
            checker.move_pole(&plan, k);
            let fresh = Checker::new(&plan);
            prop_assert_eq!(checker.findings(), fresh.findings());
        }
    }

    /// Dense clusters (more than `DENSE_NEIGHBOURS` poles within `min_spacing_m`) take
    /// the other path of the grouping; it gives the same groups and closest distances as
    /// brute force, and dragging a pole in and out of them agrees with a rebuild.
    #[test]
    fn dense_clusters_group_like_brute_force(
        pts in prop::collection::vec((0.0..14.0f64, 0.0..14.0f64, 0..3usize), 20..70),
        moves in prop::collection::vec((0..70usize, -40.0..40.0f64, -40.0..40.0f64), 1..6),
    ) {
        let o = to_utm32(ORIGIN.0, ORIGIN.1);
        let mut plan = Plan { rules: Rules { same_spot_m: 0.5, ..Rules::default() }, ..Plan::default() };
        plan.vendors.push(Vendor { id: "V0".into(), name: "V0".into(), color: [1, 2, 3], control_profile: None });
        // Clusters around three centres 200 m apart, some poles exactly on a centre.
        for (k, &(x, y, c)) in pts.iter().enumerate() {
            let (x, y) = if k % 5 == 0 { (0.0, 0.0) } else { (x, y) };
            let (lon, lat) = ll(o, 200.0 * c as f64 + x, y);
            plan.poles.push(Pole {
                id: format!("P{k:03}").into(), lon, lat, height_m: 6.0, overhang_m: 0.0,
                tilt_deg: 0.0, azimuth_deg: 0.0, vendor: "V0".into(), luminaire: "L".into(),
            });
        }
        let brute = |plan: &Plan| {
            let xy: Vec<Xy> = plan.poles.iter().map(|p| to_utm32(p.lon, p.lat)).collect();
            let (mut min, mut same) = (Vec::new(), Vec::new());
            for i in 0..xy.len() {
                for j in i + 1..xy.len() {
                    let d = xy[i].dist(xy[j]);
                    if d < plan.rules.min_spacing_m { min.push((i, j)); }
                    if d < plan.rules.same_spot_m { same.push((i, j)); }
                }
            }
            (groups(plan, xy.len(), &min), groups(plan, xy.len(), &same))
        };
        let mut checker = Checker::new(&plan);
        let f = checker.findings().to_vec();
        let (min, same) = brute(&plan);
        prop_assert_eq!(pairs(&f, "spacing.min"), min);
        prop_assert_eq!(pairs(&f, "reference.same_spot"), same);
        for (k, dx, dy) in moves {
            let k = k % plan.poles.len();
            move_by(&mut plan, k, dx, dy);
            checker.move_pole(&plan, k);
            let fresh = Checker::new(&plan);
            prop_assert_eq!(checker.findings(), fresh.findings());
            let (min, _) = brute(&plan);
            prop_assert_eq!(pairs(checker.findings(), "spacing.min"), min);
        }
    }
}
