//! The fast sums for the M classes give the check's luminance values: on the bundled
//! plan's M3 and M4 streets, for a few layouts and levels, the values of
//! [`super::fast::screen`] against [`super::judge::evaluate`] (the check's
//! `evaluate_street_alone`).

use super::context::context;
use super::fast::{luminaires, m_values, screen};
use super::judge::evaluate;
use super::{Arrangement, Geometry, Request, SearchSet, Stretch};
use crate::lighting::Optic;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12)
}

/// The bundled plan and its photometry.
fn bundled() -> (
    crate::plan::Plan,
    std::collections::HashMap<String, crate::photometry::Photometry>,
) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/plans/doll-living-lab.ron");
    let plan = crate::locate::load_any(&path).unwrap();
    let (photometry, _) = crate::lighting::load_photometry(&plan);
    (plan, photometry)
}

/// A search of `street` from `from_m` to `to_m` (every pole on it replaced) at `levels`.
fn request(street: &str, from_m: f64, to_m: f64, levels: Vec<f64>) -> Request {
    Request {
        stretch: Stretch {
            street: street.into(),
            from_m,
            to_m,
            vendor: None,
        },
        luminaires: Vec::new(),
        set: SearchSet {
            levels,
            ..SearchSet::default()
        },
        top: super::DEFAULT_TOP,
    }
}

/// `arrangement` at this height, tilt and overhang, the search set's setback.
fn geometry(
    ctx: &super::context::Context,
    arrangement: Arrangement,
    (height_m, tilt_deg, overhang_m): (f64, f64, f64),
) -> Geometry {
    Geometry {
        arrangement,
        height_m,
        tilt_deg,
        overhang_m,
        setback_m: ctx.set.setback_m,
    }
}

fn check_street(street: &str, from_m: f64, to_m: f64) {
    let (plan, photometry) = bundled();
    let req = request(street, from_m, to_m, vec![0.4, 0.75, 1.0]);
    let ctx = context(&plan, &photometry, &req).unwrap();
    assert!(ctx.class.is_luminance() && ctx.rtable.is_some());
    let t = &ctx.types[0];
    let table = &ctx.photometry[&t.id];
    let mf = plan.maintenance_factor;
    let full = Optic::new(table, 1.0, mf);
    let mut compared = 0;
    for (arrangement, n, height_m, tilt_deg, overhang_m) in [
        (Arrangement::SingleLeft, 30, 10.0, 0.0, 0.5),
        (Arrangement::Staggered, 24, 8.0, 10.0, 1.0),
        (Arrangement::Opposite, 14, 12.0, 5.0, 0.0),
        (Arrangement::SingleRight, 9, 6.0, 15.0, 2.0),
    ] {
        let g = geometry(&ctx, arrangement, (height_m, tilt_deg, overhang_m));
        let probe = super::search::probe_luminaire(height_m, tilt_deg, overhang_m, t.rotation_deg);
        let at: Vec<Optic> = ctx
            .set
            .levels
            .iter()
            .map(|&l| Optic::new(table, l, mf))
            .collect();
        let radii: Vec<f64> = at
            .iter()
            .map(|o| o.radius_m(&probe, Some(ctx.class)))
            .collect();
        let rei: Vec<f64> = at.iter().map(|o| o.radius_m(&probe, None)).collect();
        let cell = ctx.spread(arrangement, n);
        let spread = cell.get().unwrap();
        let s = screen(&ctx, t, &full, (&radii, &rei), &g, spread);
        // Every field summed (the search probes a few first and skips a layout that
        // breaks a rule).
        let lums = luminaires(spread, t, &g);
        let lum = ctx.luminance(spread).unwrap();
        let values = m_values(&ctx, lum, &lums, &full, &rei, false);
        let centre = lum.grid.centre_u_l(
            &lum.fixed,
            &lum.grid.all_fields(),
            &lums,
            &full,
            &ctx.set.levels,
        );
        for (i, &level) in ctx.set.levels.iter().enumerate() {
            let c = evaluate(&ctx, t, &g, spread, n, level);
            let want: Vec<f64> = c.metrics.iter().map(|m| m.1).collect();
            assert_eq!(
                want.len(),
                5,
                "{street} {g:?} {n} {level}: {:?}",
                c.failures
            );
            for (k, (&w, &got)) in want.iter().zip(&values[i]).enumerate() {
                assert!(
                    close(w, got),
                    "{street} {from_m}–{to_m} {g:?} n {n} level {level}: {} check {w} fast {got}",
                    c.metrics[k].0
                );
            }
            assert_eq!(s.rules_ok, c.rule_failures.is_empty());
            // U_l from the lane centres alone, as the search first tries it, is the
            // full sums' U_l bit for bit.
            assert_eq!(centre[i].to_bits(), values[i][2].to_bits(), "{g:?} n {n}");
            if s.rules_ok {
                assert_eq!(s.light_passes(&ctx, i), c.failures.is_empty());
            } else {
                assert!(!s.passes(&ctx, i) && !c.pass);
            }
            compared += 1;
        }
    }
    assert_eq!(compared, 12);
}

#[test]
fn m3_stretch_fast_sums_equal_the_check() {
    check_street("herstedoestervej", 100.0, 800.0);
}

#[test]
fn m3_whole_street_fast_sums_equal_the_check() {
    check_street("herstedoestervej", 0.0, 1038.5);
}

#[test]
fn m4_stretch_fast_sums_equal_the_check() {
    check_street("gl-landevej", 400.0, 1100.0);
}

/// The straight model's estimates against the exact sums on the bundled plan's M streets
/// laid out whole (no pole of the plan on them): what the search's pruning rests on is
/// that the model, relaxed by its slack, does not fail a layout the sums pass.
fn model_against_sums(street: &str) {
    let (plan, photometry) = bundled();
    let len = crate::frame::Polyline::from_lonlat(
        &plan.streets.iter().find(|s| s.id == street).unwrap().points,
    )
    .length();
    let req = request(street, 0.0, len, vec![1.0]);
    let ctx = context(&plan, &photometry, &req).unwrap();
    let t = &ctx.types[0];
    let table = &ctx.photometry[&t.id];
    let full = Optic::new(table, 1.0, plan.maintenance_factor);
    let keep = 1.0 - super::model::SLACK;
    let mut worst = [f64::INFINITY; 3];
    for arrangement in Arrangement::ALL {
        for shape in [(6.0, 0.0, 0.0), (8.5, 5.0, 2.0), (11.0, 15.0, 1.0)] {
            let g = geometry(&ctx, arrangement, shape);
            let model = super::model::Profiles::new(
                &full,
                t.rotation_deg,
                &g,
                ctx.offset_m(),
                ctx.width_m,
                ctx.lanes,
                ctx.rtable.as_ref().unwrap(),
            );
            for spacing_m in [15.0, 25.0, 35.0, 45.0] {
                let n = (len / spacing_m).round() as usize + 1;
                let cell = ctx.spread(arrangement, n);
                let spread = cell.get().unwrap();
                let (first, last) = (spread.first_m, spread.last_m);
                let lum = ctx.luminance(spread).unwrap();
                let lums = luminaires(spread, t, &g);
                let v = m_values(&ctx, lum, &lums, &full, &[1e9], false)[0];
                let e = model
                    .estimate(arrangement, (last - first) / (n - 1) as f64)
                    .unwrap();
                for (k, (m, x)) in [(e.l_avg_cd_m2, v[0]), (e.u_o, v[1]), (e.u_l, v[2])]
                    .into_iter()
                    .enumerate()
                {
                    worst[k] = worst[k].min(m / x);
                    assert!(
                        m >= keep * x,
                        "{street} {g:?} n {n}: model {:?} against the sums {v:?}",
                        (e.l_avg_cd_m2, e.u_o, e.u_l)
                    );
                }
            }
        }
    }
    eprintln!("{street}: least model/sums ratio L_avg, U_o, U_l: {worst:?}");
}

#[test]
fn the_straight_model_within_its_slack_on_m3() {
    model_against_sums("herstedoestervej");
}

#[test]
fn the_straight_model_within_its_slack_on_m4() {
    model_against_sums("gl-landevej");
}
