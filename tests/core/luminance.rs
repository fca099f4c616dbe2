//! Road luminance for M classes (issue 14): r-tables, point luminance in closed form at the
//! table's nodes, symmetry, the threshold increment by hand, class verdicts at the limits,
//! whole streets and the `luminance` verb.

use crate::lighting::{photometry, plan_with, pole, rel, site, straight_street_plan, table};
use lysplan::frame::{Xy, from_utm32};
use lysplan::lighting::luminance::{self, LuminanceValues, threshold_increment};
use lysplan::lighting::surface::RTable;
use lysplan::lighting::{self, Lighting, classes};
use lysplan::plan::{LightingClass, Plan, RoadSurface};

/// An isotropic luminaire of 2000 cd at `h` m, at the site point.
fn isotropic_at_site(h: f64) -> (Plan, Lighting) {
    let plan = plan_with(vec![pole("P1", site(), h, 0.0)], 0.8);
    let l = Lighting::new(&plan, &photometry(table(90.0, 90.0, |_, _| 2000.0)));
    (plan, l)
}

#[test]
fn c2_self_check_values() {
    let t = RTable::c2();
    let s1 = t.s1();
    assert!((s1 - 0.97).abs() < 0.005, "S1 {s1}");
    // Q0 by the trapezoidal rule on the table's nodes (lighting::surface docs): 0.0648.
    let q0 = t.q0();
    assert!(rel(q0, 0.07) < 0.10, "Q0 {q0}");
    assert!((q0 - 0.0648).abs() < 0.0005, "Q0 {q0}");
}

#[test]
fn closed_form_at_table_nodes() {
    let (_, l) = isotropic_at_site(6.0);
    let t = RTable::c2();
    let o = site();
    let mf = 0.8;
    // Directly below: r(beta, 0) for any observer.
    for obs in [
        Xy::new(o.x + 60.0, o.y),
        Xy::new(o.x, o.y - 60.0),
        Xy::new(o.x - 42.0, o.y + 17.0),
    ] {
        let got = l.luminance(o, obs, t);
        let want = mf * 2000.0 * t.r(0.0, 0.0) / 36.0;
        assert!(rel(got, want) < 1e-9, "{got} vs {want}");
        assert!(rel(want, mf * 2000.0 * 329e-4 / 36.0) < 1e-12);
    }
    // 3 m from the foot (tan gamma 0.5), observer on the line through foot and point with
    // the luminaire beyond the point: beta = 0.
    let p = Xy::new(o.x + 3.0, o.y);
    let got = l.luminance(p, Xy::new(o.x + 63.0, o.y), t);
    let want = mf * 2000.0 * 379e-4 / 36.0;
    assert!(rel(got, want) < 1e-9, "beta 0: {got} vs {want}");
    // The observer at a right angle: beta = 90.
    let got = l.luminance(p, Xy::new(o.x + 3.0, o.y + 60.0), t);
    let want = mf * 2000.0 * 249e-4 / 36.0;
    assert!(rel(got, want) < 1e-9, "beta 90: {got} vs {want}");
    // The observer between the luminaire and the point: beta = 180.
    let got = l.luminance(p, Xy::new(o.x + 1.0, o.y), t);
    let want = mf * 2000.0 * 235e-4 / 36.0;
    assert!(rel(got, want) < 1e-9, "beta 180: {got} vs {want}");
    // Beyond the table (tan gamma > 12): nothing.
    assert_eq!(l.luminance(Xy::new(o.x + 73.0, o.y), o, t), 0.0);
}

#[test]
fn beta_follows_the_design_convention() {
    let p = Xy::new(0.0, 0.0);
    let obs = Xy::new(0.0, -60.0);
    assert!((luminance::beta_deg(p, obs, Xy::new(0.0, 10.0))).abs() < 1e-12);
    assert!((luminance::beta_deg(p, obs, Xy::new(5.0, 0.0)) - 90.0).abs() < 1e-12);
    assert!((luminance::beta_deg(p, obs, Xy::new(-5.0, 0.0)) - 90.0).abs() < 1e-12);
    assert!((luminance::beta_deg(p, obs, Xy::new(0.0, -10.0)) - 180.0).abs() < 1e-12);
    assert!((luminance::beta_deg(p, obs, Xy::new(5.0, 5.0)) - 45.0).abs() < 1e-9);
}

#[test]
fn mirrored_road_and_observer_see_the_same_luminance() {
    // A table that varies with gamma and C, brightest towards C = 90 (the street side),
    // symmetric about the C90-C270 plane (mirroring turns C into 180 - C), poles on both
    // sides; mirror everything about the road axis (grid east-west through the site).
    let t = table(15.0, 5.0, |c, g| {
        1000.0 + 800.0 * (g.to_radians()).cos() + 300.0 * c.to_radians().sin()
    });
    let o = site();
    let layout = [
        (0.0, 4.0, 90.0),
        (25.0, -4.0, 270.0),
        (50.0, 4.5, 80.0),
        (80.0, -3.0, 300.0),
    ];
    let mk = |sign: f64| {
        let poles = layout
            .iter()
            .enumerate()
            .map(|(k, &(x, y, az))| {
                // Mirror a grid bearing about the east-west axis: b -> 180 - b.
                let az = if sign > 0.0 { az } else { 180.0 - az };
                let xy = Xy::new(o.x + x, o.y + sign * y);
                let (lon, lat) = from_utm32(xy);
                let true_az = lysplan::frame::grid_to_true_bearing(az, lon, lat);
                pole(&format!("P{k}"), xy, 8.0, true_az)
            })
            .collect();
        let plan = plan_with(poles, 0.8);
        Lighting::new(&plan, &photometry(t.clone()))
    };
    let (a, b) = (mk(1.0), mk(-1.0));
    let r = RTable::c2();
    for (px, py, ox, oy) in [
        (30.0, 1.5, -30.0, -2.0),
        (12.0, -2.5, -48.0, 1.0),
        (60.0, 0.0, 0.0, 3.0),
    ] {
        let la = a.luminance(Xy::new(o.x + px, o.y + py), Xy::new(o.x + ox, o.y + oy), r);
        let lb = b.luminance(Xy::new(o.x + px, o.y - py), Xy::new(o.x + ox, o.y - oy), r);
        assert!(la > 0.0);
        // Grid convergence differs by micro-degrees between mirrored poles.
        assert!(rel(la, lb) < 1e-6, "{la} vs {lb}");
    }
}

#[test]
fn threshold_increment_of_one_luminaire_by_hand() {
    let (_, l) = isotropic_at_site(10.0);
    let lum = l.luminaires[0].xy;
    // The eye 50 m before the luminaire looking at it along grid north.
    let eye = Xy::new(lum.x, lum.y - 50.0);
    let dir = Xy::new(0.0, 1.0);
    let got = l.veiling_luminance(&[0], eye, dir);
    let v = [0.0, 50.0, 10.0 - 1.5];
    let d2: f64 = v.iter().map(|x| x * x).sum();
    let down = 1.0_f64.to_radians();
    let cos_t = (v[1] * down.cos() - v[2] * down.sin()) / d2.sqrt();
    let theta = cos_t.acos().to_degrees();
    let e_eye = 0.8 * 2000.0 * cos_t / d2;
    let want = 10.0 * e_eye / (theta * theta);
    assert!(rel(got, want) < 1e-9, "{got} vs {want}");
    assert!((theta - 10.65).abs() < 0.02, "theta {theta}");
    let ti = threshold_increment(got, 1.0).unwrap();
    assert!(rel(ti, 65.0 * want) < 1e-12);
    assert!(
        rel(
            threshold_increment(got, 8.0).unwrap(),
            95.0 * want / 8.0_f64.powf(1.05)
        ) < 1e-12
    );
    assert_eq!(threshold_increment(got, 0.0), None);
    // Closer than the car roof allows (8.5 m up at 10 m ahead is 40 degrees): screened.
    assert_eq!(
        l.veiling_luminance(&[0], Xy::new(lum.x, lum.y - 10.0), dir),
        0.0
    );
    // Behind the eye: not seen.
    assert_eq!(
        l.veiling_luminance(&[0], Xy::new(lum.x, lum.y + 50.0), dir),
        0.0
    );
}

#[test]
fn m_class_verdicts_just_above_and_below_each_limit() {
    let rows = [
        (LightingClass::M1, 2.0, 0.40, 0.70, 10.0, 0.35),
        (LightingClass::M2, 1.5, 0.40, 0.70, 10.0, 0.35),
        (LightingClass::M3, 1.0, 0.40, 0.60, 15.0, 0.30),
        (LightingClass::M4, 0.75, 0.40, 0.60, 15.0, 0.30),
        (LightingClass::M5, 0.5, 0.35, 0.40, 15.0, 0.30),
        (LightingClass::M6, 0.3, 0.35, 0.40, 20.0, 0.30),
    ];
    let (up, dn) = (1.0 + 1e-9, 1.0 - 1e-9);
    for (class, l_avg, u_o, u_l, ti, rei) in rows {
        let ok = LuminanceValues {
            l_avg_cd_m2: l_avg * up,
            l_min_cd_m2: l_avg * u_o,
            u_o: u_o * up,
            u_l: u_l * up,
            ti_pct: ti * dn,
            rei: rei * up,
        };
        let v = classes::luminance_verdict(class, Some(&ok));
        assert!(v.pass, "{class}: {v:?}");
        let fails = |values: LuminanceValues, starts: &str| {
            let v = classes::luminance_verdict(class, Some(&values));
            assert!(
                !v.pass && v.failures.len() == 1 && v.failures[0].starts_with(starts),
                "{class} {starts}: {v:?}"
            );
        };
        fails(
            LuminanceValues {
                l_avg_cd_m2: l_avg * dn,
                ..ok.clone()
            },
            "L_avg",
        );
        fails(
            LuminanceValues {
                u_o: u_o * dn,
                ..ok.clone()
            },
            "U_o",
        );
        fails(
            LuminanceValues {
                u_l: u_l * dn,
                ..ok.clone()
            },
            "U_l",
        );
        fails(
            LuminanceValues {
                ti_pct: ti * up,
                ..ok.clone()
            },
            "f_TI",
        );
        fails(
            LuminanceValues {
                rei: rei * dn,
                ..ok.clone()
            },
            "REI",
        );
        fails(
            LuminanceValues {
                ti_pct: f64::NAN,
                ..ok.clone()
            },
            "f_TI",
        );
        let none = classes::luminance_verdict(class, None);
        assert!(!none.pass && none.failures[0].contains("fewer than two luminaires"));
    }
    assert!(!classes::luminance_verdict(LightingClass::C2, None).pass);
}

/// A straight M street with the bundled ACME optic every 30 m on the north side.
fn m_street(chainages: &[f64], class: LightingClass) -> (Plan, lighting::Coverage) {
    let mut plan = straight_street_plan(300.0, chainages, class);
    plan.luminaires[0].photometry =
        lysplan::plan::PhotometrySource::Bundled("acme_road_runner.ldt".into());
    let (ph, errors) = lighting::load_photometry(&plan);
    assert!(errors.is_empty(), "{errors:?}");
    let cov = lighting::evaluate(&plan, &ph, None);
    (plan, cov)
}

#[test]
fn an_m_street_is_judged_by_luminance_and_reports_every_criterion() {
    let chain: Vec<f64> = (0..10).map(|k| 15.0 + 30.0 * k as f64).collect();
    let (_, cov) = m_street(&chain, LightingClass::M5);
    let s = &cov.streets[0];
    let lum = s.luminance.as_ref().expect("an M street has luminance");
    // Nine fields between ten luminaires, 10 rows each, two lanes.
    assert_eq!(lum.fields, 9);
    assert_eq!(lum.lanes.len(), 2);
    assert_eq!(lum.lanes[0].chainage_m.len(), 90);
    let v = lum.values.as_ref().unwrap();
    assert!(v.l_avg_cd_m2 > 0.0 && v.l_min_cd_m2 <= v.l_avg_cd_m2);
    assert!((0.0..=1.0).contains(&v.u_o) && (0.0..=1.0).contains(&v.u_l));
    assert!(v.ti_pct > 0.0 && v.rei > 0.0);
    assert!(
        rel(s.result.u_o.unwrap(), v.u_o) < 1e-12,
        "U_o is the luminance one"
    );
    let json = serde_json::to_value(s.result.clone()).unwrap();
    for key in ["l_avg_cd_m2", "u_o", "u_l", "ti_pct", "rei", "pass"] {
        assert!(json.get(key).is_some_and(|x| !x.is_null()), "{key}: {json}");
    }
    assert_eq!(json["pass"], serde_json::json!(s.verdict.pass));
    // The finding names the criteria that fail, with the values.
    let expected = classes::luminance_verdict(LightingClass::M5, Some(v));
    let finding = cov.findings.iter().find(|f| f.rule == "coverage.class");
    assert_eq!(finding.is_some(), !expected.pass);
    if let Some(f) = finding {
        assert!(f.message.contains("cd/m²") && f.message.contains(&expected.failures[0]));
    }
    // More lanes share the same carriageway: 3 lanes give 3 profiles.
    let mut plan = straight_street_plan(300.0, &chain, LightingClass::M5);
    plan.streets[0].lanes = 3;
    let cov3 = lighting::evaluate(
        &plan,
        &photometry(table(15.0, 5.0, |_, g| if g < 80.0 { 3000.0 } else { 0.0 })),
        None,
    );
    assert_eq!(cov3.streets[0].luminance.as_ref().unwrap().lanes.len(), 3);
}

#[test]
fn an_m_street_with_one_luminaire_has_null_values_and_fails() {
    let (_, cov) = m_street(&[150.0], LightingClass::M4);
    let s = &cov.streets[0];
    assert!(s.luminance.as_ref().unwrap().values.is_none());
    assert!(!s.result.pass);
    let json = serde_json::to_value(s.result.clone()).unwrap();
    for key in ["l_avg_cd_m2", "u_o", "u_l", "ti_pct", "rei"] {
        assert!(json.get(key).is_some_and(|x| x.is_null()), "{key}: {json}");
    }
    let f = cov
        .findings
        .iter()
        .find(|f| f.rule == "coverage.class")
        .unwrap();
    assert!(
        f.message.contains("fewer than two luminaires"),
        "{}",
        f.message
    );
}

#[test]
fn a_brighter_surface_gives_more_luminance_and_an_unknown_one_is_a_finding() {
    let chain: Vec<f64> = (0..10).map(|k| 15.0 + 30.0 * k as f64).collect();
    let (mut plan, cov) = m_street(&chain, LightingClass::M5);
    let base = cov.streets[0]
        .result
        .luminance
        .clone()
        .unwrap()
        .l_avg_cd_m2
        .unwrap();
    // A surface reflecting exactly twice as much as C2.
    let doubled: String = lysplan::lighting::surface::C2_CSV
        .lines()
        .map(|l| {
            if l.starts_with('#') || l.starts_with("tan_gamma") {
                l.to_string()
            } else {
                let mut cells = l.split(',');
                let t = cells.next().unwrap().to_string();
                std::iter::once(t)
                    .chain(cells.map(|c| (c.parse::<f64>().unwrap() * 2.0).to_string()))
                    .collect::<Vec<_>>()
                    .join(",")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    plan.surfaces.push(RoadSurface {
        id: "C2x2".into(),
        name: "twice C2".into(),
        table_csv: doubled,
    });
    plan.streets[0].surface = "C2x2".into();
    let (ph, _) = lighting::load_photometry(&plan);
    let cov2 = lighting::evaluate(&plan, &ph, None);
    let twice = cov2.streets[0]
        .result
        .luminance
        .clone()
        .unwrap()
        .l_avg_cd_m2
        .unwrap();
    assert!(rel(twice, 2.0 * base) < 1e-9, "{twice} vs 2 x {base}");
    // An unknown surface: the check says so, the street is not judged.
    plan.streets[0].surface = "R3".into();
    let findings = lysplan::check::run(&plan);
    let f = findings
        .iter()
        .find(|f| f.rule == "reference.surface")
        .expect("reference.surface");
    assert!(
        f.message.contains("\"R3\"") && f.message.contains("C2x2"),
        "{}",
        f.message
    );
    let cov3 = lighting::evaluate(&plan, &ph, None);
    assert!(!cov3.streets[0].result.pass);
    assert!(
        cov3.findings
            .iter()
            .any(|f| f.message.contains("cannot be judged by luminance"))
    );
}

#[test]
fn bundled_m_streets_are_judged_by_luminance() {
    let plan = lysplan::bundled::doll_plan();
    let (ph, _) = lighting::load_photometry(&plan);
    let cov = lighting::evaluate(&plan, &ph, None);
    let m: Vec<_> = cov
        .streets
        .iter()
        .filter(|s| s.result.class.is_luminance())
        .collect();
    assert_eq!(m.len(), 2, "Herstedøstervej M3 and Gl. Landevej M4");
    for s in m {
        let v = s.luminance.as_ref().unwrap().values.as_ref().unwrap();
        println!(
            "{} {}: L_avg {:.2} cd/m², U_o {:.2}, U_l {:.2}, f_TI {:.1} %, REI {:.2}, {}",
            s.result.id,
            s.result.class,
            v.l_avg_cd_m2,
            v.u_o,
            v.u_l,
            v.ti_pct,
            v.rei,
            if s.result.pass { "pass" } else { "fail" }
        );
        // A dry asphalt returns roughly Q0 of the light as luminance (L ~ q E / pi ...
        // here simply: the same order as Q0 x E_avg).
        let ratio = v.l_avg_cd_m2 / s.result.e_avg_lx;
        assert!((0.03..0.15).contains(&ratio), "L/E {ratio}");
    }
}

/// Runs `lysplan luminance` on the bundled plan at the site point, seen from `observer`.
fn luminance_verb(observer: [&str; 2], json: bool) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_lysplan"));
    cmd.args([
        "luminance",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/plans/doll-living-lab.ron"
        ),
        "12.3880",
        "55.6848",
        "--observer",
        observer[0],
        observer[1],
    ]);
    if json {
        cmd.args(["--format", "json"]);
    }
    cmd.output().unwrap()
}

#[test]
fn luminance_verb_prints_the_point_and_its_contributions() {
    let out = luminance_verb(["12.3870", "55.6848"], true);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["lon", "lat", "l_cd_m2", "contributions"]);
    let parts = v["contributions"].as_array().unwrap();
    assert!(!parts.is_empty());
    let sum: f64 = parts.iter().map(|c| c["l_cd_m2"].as_f64().unwrap()).sum();
    assert!(rel(sum, v["l_cd_m2"].as_f64().unwrap()) < 1e-12);
    for c in parts {
        let k: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(k, ["pole", "l_cd_m2", "beta_deg", "tan_gamma"]);
    }
    let text = luminance_verb(["12.3870", "55.6848"], false);
    assert!(String::from_utf8_lossy(&text.stdout).contains("cd/m² maintained luminance"));
    // A bad observer position is refused with exit 2 and says what to give.
    let out = luminance_verb(["NaN", "55.6848"], false);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the observer"));
}

#[test]
fn the_luminaire_window_changes_the_bundled_roads_by_well_under_one_per_cent() {
    // CIE 140's window (5 h before, 12 h beyond, 5 h aside) against every luminaire inside
    // the r-table, at points along both M streets of the bundled plan, observer 60 m back.
    let plan = lysplan::bundled::doll_plan();
    let (ph, _) = lighting::load_photometry(&plan);
    let l = Lighting::new(&plan, &ph);
    let t = RTable::c2();
    let mut worst: f64 = 0.0;
    for id in ["herstedoestervej", "gl-landevej"] {
        let street = plan.streets.iter().find(|s| s.id == id).unwrap();
        let line = lysplan::frame::Polyline::from_lonlat(&street.points);
        for k in 0..40 {
            let ch = 80.0 + k as f64 * 23.0;
            if ch > line.length() {
                break;
            }
            let (p, d) = line.point_at(ch).unwrap();
            let o = Xy::new(p.x - 60.0 * d.x, p.y - 60.0 * d.y);
            let (cut, all) = (l.luminance(p, o, t), l.luminance_unbounded(p, o, t));
            assert!(cut <= all * (1.0 + 1e-12) && cut > 0.0);
            worst = worst.max(1.0 - cut / all);
        }
    }
    println!(
        "largest share left out by the window: {:.3} %",
        worst * 100.0
    );
    assert!(worst < 0.01, "{worst}");
}

#[test]
fn rei_from_the_near_luminaires_matches_the_full_illuminance_on_the_bundled_roads() {
    // Strip means just inside and outside both edges of both M streets, from the luminaires
    // within 5 h (what REI sums) and from all of them within their influence radius.
    let plan = lysplan::bundled::doll_plan();
    let (ph, _) = lighting::load_photometry(&plan);
    let l = Lighting::new(&plan, &ph);
    let all: Vec<usize> = (0..l.luminaires.len()).collect();
    let reach = luminance::REI_REACH_H;
    for id in ["herstedoestervej", "gl-landevej"] {
        let street = plan.streets.iter().find(|s| s.id == id).unwrap();
        let line = lysplan::frame::Polyline::from_lonlat(&street.points);
        let half = street.width_m / 2.0;
        let (mut near, mut full) = ([0.0; 4], [0.0; 4]);
        let mut ch = 50.0;
        while ch < line.length() - 50.0 {
            let (p, d) = line.point_at(ch).unwrap();
            for (i, off) in [-half - 2.5, -half + 2.5, half - 2.5, half + 2.5]
                .into_iter()
                .enumerate()
            {
                let q = Xy::new(p.x - d.y * off, p.y + d.x * off);
                near[i] += l.e_h_among(&all, q, reach);
                full[i] += l.e_h(q);
            }
            ch += 7.0;
        }
        let ratio = |m: [f64; 4]| [m[0] / m[1], m[3] / m[2]];
        for (a, b) in ratio(near).into_iter().zip(ratio(full)) {
            println!("{id}: edge ratio {a:.4} near, {b:.4} full");
            assert!(rel(a, b) < 0.01, "{a} vs {b}");
        }
    }
}
