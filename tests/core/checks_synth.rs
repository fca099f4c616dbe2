//! The checker on synthetic plans: a clean grid gives no layout findings, injected
//! violations are found one for one, and incremental updates equal a full rebuild.

use lysplan::check::synth::{SynthOptions, generate};
use lysplan::check::{Checker, Finding, run};
use lysplan::frame::{from_utm32, to_utm32};

fn count(f: &[Finding], rule: &str) -> usize {
    f.iter().filter(|x| x.rule == rule).count()
}

#[test]
fn clean_grid_has_only_the_empty_vendor() {
    let s = generate(&SynthOptions {
        poles: 3000,
        violation_rate: 0.0,
        ..Default::default()
    });
    let f = run(&s.plan);
    assert_eq!(f.len(), 1, "{:#?}", &f[..f.len().min(5)]);
    assert_eq!(f[0].rule, "section.empty");
    assert!(f[0].message.contains("V09"), "{}", f[0].message);
}

#[test]
fn injected_violations_are_found() {
    let s = generate(&SynthOptions {
        poles: 20_000,
        violation_rate: 0.01,
        seed: 42,
    });
    let f = run(&s.plan);
    let i = s.injected;
    assert_eq!(count(&f, "spacing.min"), i.too_close);
    assert_eq!(count(&f, "placement.off_route"), i.off_route);
    assert_eq!(count(&f, "section.outside"), i.wrong_vendor);
    // Each gap and each off-route pole leaves one 60 m gap (two adjacent ones merge
    // into one finding, so allow fewer).
    let max = count(&f, "spacing.max");
    assert!(
        max <= i.gaps + i.off_route && max + 5 >= i.gaps + i.off_route,
        "{max} {i:?}"
    );
    assert_eq!(count(&f, "section.empty"), 1);
    for rule in [
        "reference.vendor",
        "reference.luminaire",
        "reference.duplicate_id",
        "reference.same_spot",
        "section.overlap",
    ] {
        assert_eq!(count(&f, rule), 0, "{rule}");
    }
    // Messages carry measured value and threshold.
    let m = f
        .iter()
        .find(|x| x.rule == "spacing.max")
        .map(|x| x.message.clone());
    assert!(m.is_some_and(|m| m.contains("60.0 m apart") && m.contains("maximum 45.0 m")));
}

/// Tiny LCG for the move sequence (no dependency).
struct Lcg(u64);
impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn incremental_moves_equal_rebuild() {
    let mut plan = generate(&SynthOptions {
        poles: 2000,
        violation_rate: 0.03,
        seed: 9,
    })
    .plan;
    let mut checker = Checker::new(&plan);
    let mut rng = Lcg(1);
    let n = plan.poles.len();
    for step in 0..300 {
        let k = ((rng.unit() * n as f64) as usize).min(n - 1);
        let p = &plan.poles[k];
        let xy = to_utm32(p.lon, p.lat);
        // Mostly small drags, sometimes jumps onto another pole or far away.
        let target = match step % 10 {
            0 => {
                let o = &plan.poles[(k + 1) % n];
                to_utm32(o.lon, o.lat)
            }
            1 => lysplan::frame::Xy::new(
                xy.x + 300.0 * (rng.unit() - 0.5),
                xy.y + 300.0 * (rng.unit() - 0.5),
            ),
            _ => lysplan::frame::Xy::new(
                xy.x + 30.0 * (rng.unit() - 0.5),
                xy.y + 30.0 * (rng.unit() - 0.5),
            ),
        };
        let (lon, lat) = from_utm32(target);
        plan.poles[k].lon = lon;
        plan.poles[k].lat = lat;
        checker.move_pole(&plan, k);
        if step % 25 == 0 {
            assert_eq!(
                checker.findings(),
                Checker::new(&plan).findings(),
                "step {step}"
            );
        }
    }
    assert_eq!(checker.findings(), Checker::new(&plan).findings());
    assert_eq!(checker.findings(), run(&plan).as_slice());
}

/// Locating every pole at once (`index::Located`, through a grid of the street segments)
/// finds for each pole exactly the street and station that asking the index for that one
/// pole finds (through the segment tree): on a synthetic network with poles off the route
/// (beyond the 20 m first search) and poles moved far outside it.
#[test]
fn locating_all_poles_at_once_agrees_with_asking_pole_by_pole() {
    let mut plan = lysplan::check::synth::plan(6_000);
    // A few poles far from every street, where the nearest comes from the tree's search.
    for (k, p) in plan.poles.iter_mut().enumerate().step_by(500) {
        let xy = to_utm32(p.lon, p.lat);
        let (lon, lat) = from_utm32(lysplan::frame::Xy::new(
            xy.x + 400.0 + k as f64,
            xy.y - 3000.0,
        ));
        p.lon = lon;
        p.lat = lat;
    }
    let located = lysplan::index::Located::new(&plan);
    assert!(located.fits(&plan));
    // Enough segments for the grid (it serves from 64 up).
    assert!(located.index.segment_tree.size() >= 64);
    let (mut near, mut far) = (0, 0);
    for (i, got) in located.stations.iter().enumerate() {
        let want = located.index.nearest_street(located.index.pole_xy[i]);
        assert_eq!(got.map(|g| g.street()), want.map(|w| w.0), "pole {i}");
        let (Some(g), Some((_, w))) = (got, want) else {
            continue;
        };
        assert_eq!(g.chainage_m.to_bits(), w.chainage_m.to_bits(), "pole {i}");
        assert_eq!(g.offset_m.to_bits(), w.offset_m.to_bits(), "pole {i}");
        assert_eq!(g.side, w.side, "pole {i}");
        if w.offset_m <= 20.0 {
            near += 1;
        } else {
            far += 1;
        }
    }
    // The full station each pole is visited with (segment and foot included, which the
    // location does not keep) is the one asked for, and the visits reach every pole
    // located, with the stations of `Located::new`.
    let index = located.index.clone();
    let visits = std::sync::atomic::AtomicUsize::new(0);
    let mut visited_plan = plan.clone();
    let visited = lysplan::index::Located::visiting(&mut visited_plan, |i, _, xy, line, st| {
        let (si, w) = index.nearest_street(xy).expect("a street");
        assert_eq!(*line, index.streets[si], "pole {i}");
        assert_eq!(*st, w, "pole {i}");
        visits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    assert_eq!(visited.stations, located.stations);
    assert_eq!(visits.into_inner(), near + far);
    // Both paths were exercised.
    assert!(near > 5_000 && far >= 12, "{near} near, {far} far");
}

/// The grid of the poles (`index::PointGrid`, which `check` finds close pairs with) gives
/// exactly the poles the pole tree gives within a distance: for radii from a millimetre
/// to past a cell, around every pole and around points between them, with poles at
/// unusable positions and one far away (which widens the cells).
#[test]
fn the_pole_grid_finds_what_the_pole_tree_finds() {
    let mut plan = lysplan::check::synth::plan(3_000);
    plan.poles[7].lon = f64::NAN;
    plan.poles[8].lon = plan.poles[9].lon; // the same spot
    plan.poles[8].lat = plan.poles[9].lat;
    let index = lysplan::index::SiteIndex::build(&plan);
    let mut far = plan.clone();
    far.poles[11].lat += 0.5;
    let far_index = lysplan::index::SiteIndex::build(&far);
    let mut found = 0usize;
    for index in [&index, &far_index] {
        for cell in [0.0, 1.0, 10.0, 35.0] {
            let grid = lysplan::index::PointGrid::new(&index.pole_xy, cell).expect("a grid");
            for (i, &xy) in index.pole_xy.iter().enumerate().step_by(7) {
                let probe = lysplan::frame::Xy::new(xy.x + 3.7, xy.y - 1.3);
                for p in [xy, probe] {
                    if !lysplan::index::valid_xy(p) {
                        assert_eq!(grid.within(p, 10.0).count(), 0);
                        continue;
                    }
                    for r in [0.001, 4.0, 10.0, 60.0] {
                        let mut want: Vec<usize> = index.poles_within(p, r).collect();
                        let mut got: Vec<usize> = grid.within(p, r).map(|(j, _)| j).collect();
                        want.sort_unstable();
                        got.sort_unstable();
                        assert_eq!(got, want, "pole {i}, cell {cell}, radius {r}");
                        found += got.len();
                    }
                }
            }
        }
    }
    // Not a comparison of empty lists.
    assert!(found > 10_000, "{found}");
}
