//! Issue 27: the arrangement optimiser (`lysplan::design`, `lysplan optimise`).

use crate::cli::{lysplan, stderr};
use lysplan::design::{Arrangement, Request, SearchSet, Stretch, optimise};
use lysplan::frame::{LonLat, Xy, to_utm32};
use lysplan::lighting::grid;
use lysplan::photometry::IntensityTable;
use lysplan::plan::{
    LightingClass, LuminaireType, PhotometrySource, Plan, Pole, Street, Vendor, load_any_unaimed,
    save_ron_atomic,
};
use std::collections::HashMap;
use std::path::Path;

/// An isotropic luminaire (400 cd in the lower hemisphere) as an IES file.
const ISO_IES: &str = "IESNA:LM-63-2002\n[TEST] isotropic\n[MANUFAC] test\nTILT=NONE\n\
1 -1 1 3 1 1 2 0 0 0\n1.0 1.0 10\n0 45 90\n0\n400 400 400\n";

const LEN_M: f64 = 300.0;
const WIDTH_M: f64 = 4.0;

fn origin() -> Xy {
    to_utm32(12.388, 55.685)
}

/// A plan with one straight street of `LEN_M` running grid east, class `class`, width
/// `WIDTH_M`, an isotropic luminaire type `L1` (10 W) and vendor `V1` with three poles
/// `A001`.. on its left (the vendor's id pattern).
/// V1's pole `id` of type `luminaire` on the street's left at `x` m, 6 m high, facing it.
fn left_pole(id: &str, x: f64, luminaire: &str) -> Pole {
    let o = origin();
    let LonLat { lon, lat } = LonLat::from_xy(Xy::new(o.x + x, o.y + WIDTH_M / 2.0 + 1.0));
    Pole {
        id: id.into(),
        lon,
        lat,
        height_m: 6.0,
        overhang_m: 0.0,
        tilt_deg: 0.0,
        azimuth_deg: 180.0,
        vendor: "V1".into(),
        luminaire: luminaire.into(),
    }
}

fn plan(class: LightingClass) -> Plan {
    let o = origin();
    let ll = |dx: f64, dy: f64| LonLat::from_xy(Xy::new(o.x + dx, o.y + dy));
    let poles = (0..3)
        .map(|k| left_pole(&format!("A{:03}", k + 1), 50.0 + 100.0 * k as f64, "L1"))
        .collect();
    Plan {
        name: "design test".into(),
        vendors: vec![Vendor {
            id: "V1".into(),
            name: "Vendor one".into(),
            color: [1, 2, 3],
            control_profile: None,
        }],
        luminaires: vec![LuminaireType {
            id: "L1".into(),
            name: "Isotropic".into(),
            photometry: PhotometrySource::Embedded {
                file_name: "iso.ies".into(),
                text: ISO_IES.into(),
            },
            rotation_deg: 0.0,
            flux_lm: 6283.0,
            power_w: 10.0,
            standby_w: 1.0,
            output_level: 1.0,
        }],
        streets: vec![Street {
            id: "S1".into(),
            name: "Straight".into(),
            class: Some(class),
            width_m: WIDTH_M,
            lanes: lysplan::plan::DEFAULT_LANES,
            surface: lysplan::plan::DEFAULT_SURFACE.into(),
            points: vec![ll(0.0, 0.0), ll(LEN_M, 0.0)],
            class_schedule: Vec::new(),
        }],
        poles,
        ..Plan::default()
    }
}

fn iso_photometry(cd: f64) -> HashMap<String, IntensityTable> {
    HashMap::from([(
        "L1".to_string(),
        IntensityTable::constant_lower_hemisphere(cd),
    )])
}

fn one_geometry() -> SearchSet {
    SearchSet {
        arrangements: vec![Arrangement::SingleRight],
        heights_m: vec![6.0],
        tilts_deg: vec![0.0],
        overhangs_m: vec![0.0],
        levels: vec![1.0],
        setback_m: 1.0,
    }
}

fn request(set: SearchSet) -> Request {
    Request {
        stretch: Stretch {
            street: "S1".into(),
            from_m: 0.0,
            to_m: LEN_M,
            vendor: None,
        },
        luminaires: vec!["L1".into()],
        set,
        top: lysplan::design::DEFAULT_TOP,
    }
}

/// E_avg and E_min of the EN 13201-3 grid of the straight street lit by `n` isotropic
/// luminaires of `cd` at height `h`, evenly spread over it on the right, 1 m behind the
/// edge: I h / r³ summed by hand, times the maintenance factor.
fn by_hand(n: usize, cd: f64, h: f64, mf: f64) -> (f64, f64) {
    let s = LEN_M / (n - 1) as f64;
    let lums: Vec<(f64, f64)> = (0..n)
        .map(|k| (k as f64 * s, -(WIDTH_M / 2.0 + 1.0)))
        .collect();
    let chainages: Vec<f64> = lums.iter().map(|l| l.0).collect();
    let offsets = grid::offsets_across(WIDTH_M);
    let (mut sum, mut w, mut min) = (0.0, 0.0, f64::INFINITY);
    for f in grid::fields(LEN_M, &chainages) {
        for &x in &f.rows_m {
            for &y in &offsets {
                let e: f64 = lums
                    .iter()
                    .map(|&(lx, ly)| {
                        let d2 = (x - lx).powi(2) + (y - ly).powi(2);
                        mf * cd * h / (h * h + d2).powf(1.5)
                    })
                    .sum();
                sum += e * f.d_along_m;
                w += f.d_along_m;
                min = min.min(e);
            }
        }
    }
    (sum / w, min)
}

#[test]
fn fewest_poles_match_the_closed_form_on_a_straight_street() {
    let p = plan(LightingClass::P3);
    let cd = 400.0;
    let out = optimise(&p, &iso_photometry(cd), &request(one_geometry()), None).unwrap();
    let best = out
        .best()
        .unwrap_or_else(|| panic!("no passing candidate: {:#?}", out.candidates.first()));
    // By hand: the fewest poles (site rules: spacing ≤ min(45, 6 × 6) m, ≥ 10 m) whose
    // grid meets P3 (E_avg 7.5 lx, E_min 1.5 lx).
    let lo = (LEN_M / 36.0).ceil() as usize + 1;
    let hi = (LEN_M / 10.0).floor() as usize + 1;
    let fewest = (lo..=hi)
        .find(|&n| {
            let (avg, min) = by_hand(n, cd, 6.0, p.maintenance_factor);
            avg >= 7.5 && min >= 1.5
        })
        .expect("some count passes by hand");
    assert!(
        fewest > lo,
        "the light decides, not the spacing rule: {fewest}"
    );
    assert_eq!(best.poles, fewest, "{best:?}");
    let (avg, min) = by_hand(fewest, cd, 6.0, p.maintenance_factor);
    let metric = |k: &str| best.metrics.iter().find(|m| m.0 == k).unwrap().1;
    // The check neglects each luminaire's light where it adds under 0.1 % of the class
    // minimum (its influence radius, docs/architecture.md): under 0.5 % in all.
    assert!(
        (metric("e_avg_lx") - avg).abs() < 5e-3 * avg,
        "{avg} {best:?}"
    );
    assert!(
        (metric("e_min_lx") - min).abs() < 5e-3 * min,
        "{min} {best:?}"
    );
    // One pole fewer fails by hand: the count is the fewest.
    let (avg, min) = by_hand(fewest - 1, cd, 6.0, p.maintenance_factor);
    assert!(avg < 7.5 || min < 1.5);
    // Margins as fractions of the limits.
    let m = best.margins.iter().find(|m| m.0 == "e_avg_lx").unwrap().1;
    assert!((m - (metric("e_avg_lx") - 7.5) / 7.5).abs() < 1e-12);
}

#[test]
fn the_least_level_follows_and_power_follows_the_level() {
    let p = plan(LightingClass::P4);
    let mut set = one_geometry();
    set.levels = SearchSet::default().levels;
    let out = optimise(&p, &iso_photometry(400.0), &request(set), None).unwrap();
    let best = out.best().unwrap();
    // standby + (power − standby) × level per pole.
    let want = best.poles as f64 * (1.0 + 9.0 * best.level);
    assert!((best.installed_w - want).abs() < 1e-9, "{best:?}");
    assert!((best.w_per_km - want / (LEN_M / 1000.0)).abs() < 1e-9);
    // Every candidate's level is the least passing one for its count: the level below
    // fails (checked by searching that level alone).
    for c in out.candidates.iter().take(3) {
        let Some(below) = SearchSet::default()
            .levels
            .into_iter()
            .rev()
            .find(|&l| l < c.level - 1e-9)
        else {
            continue;
        };
        let mut one = one_geometry();
        one.levels = vec![below];
        let o = optimise(&p, &iso_photometry(400.0), &request(one), None).unwrap();
        assert!(
            o.candidates
                .iter()
                .filter(|x| x.pass)
                .all(|x| x.stations != c.stations),
            "{c:?} passes at {below} too"
        );
    }
}

#[test]
fn widening_the_search_never_makes_the_best_worse() {
    let p = plan(LightingClass::P3);
    let ph = iso_photometry(400.0);
    let best = |set: SearchSet| {
        optimise(&p, &ph, &request(set), None)
            .unwrap()
            .best()
            .map(|c| c.w_per_km)
            .unwrap_or(f64::INFINITY)
    };
    let narrow = best(one_geometry());
    let mut wider = one_geometry();
    wider.heights_m.push(8.0);
    let w1 = best(wider.clone());
    wider.tilts_deg.push(10.0);
    let w2 = best(wider.clone());
    wider.arrangements.push(Arrangement::Staggered);
    let w3 = best(wider);
    assert!(
        w1 <= narrow && w2 <= w1 && w3 <= w2,
        "{narrow} {w1} {w2} {w3}"
    );
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

const NARROW: [&str; 8] = [
    "--heights",
    "6,8",
    "--tilts",
    "0",
    "--overhangs",
    "0",
    "--arrangements",
    "single-right,staggered",
];

#[test]
fn json_contract_apply_round_trip_and_check_agree() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.ron");
    save_ron_atomic(&plan(LightingClass::P4), &path).unwrap();
    let mut args = vec!["optimise", s(&path), "--street", "S1", "--format", "json"];
    args.extend(NARROW);
    let o = lysplan(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "street",
            "from_m",
            "to_m",
            "class",
            "candidates",
            "evaluated",
            "seconds"
        ]
    );
    let c = &v["candidates"][0];
    let keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "luminaire",
            "arrangement",
            "height_m",
            "tilt_deg",
            "overhang_m",
            "setback_m",
            "level",
            "spacing_m",
            "poles",
            "installed_w",
            "w_per_km",
            "d_p_w_per_lx_m2",
            "e_avg_lx",
            "e_min_lx",
            "margins",
            "pass"
        ]
    );
    assert_eq!(c["pass"], true);
    assert!(v["evaluated"].as_u64().unwrap() > 0);
    let ws: Vec<f64> = v["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["w_per_km"].as_f64().unwrap())
        .collect();
    assert!(ws.windows(2).all(|w| w[0] <= w[1]), "best first: {ws:?}");

    // --apply: the vendor's poles replaced as one edit; check passes the street.
    let out = dir.path().join("out.ron");
    let mut apply = args.clone();
    apply.extend(["--apply", s(&out), "--vendor", "V1"]);
    let o = lysplan(&apply);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let applied = load_any_unaimed(&out).unwrap().plan;
    let n = c["poles"].as_u64().unwrap() as usize;
    assert_eq!(applied.poles.len(), n, "the three old poles replaced");
    assert!(
        applied.poles.iter().all(|p| p.id.starts_with('A')),
        "vendor's id pattern"
    );
    let level = c["level"].as_f64().unwrap();
    let lum = &applied.poles[0].luminaire;
    if level < 1.0 {
        let t = applied.luminaire(lum).unwrap();
        assert_eq!(lum.as_str(), format!("L1-{}", (level * 100.0).round()));
        assert_eq!(t.output_level, level);
    }
    let o = lysplan(&["check", s(&out), "--format", "json"]);
    let check = json(&o);
    let street = &check["streets"][0];
    assert_eq!(street["id"], "S1");
    assert_eq!(street["pass"], true, "{street}");
    assert!((street["e_avg_lx"].as_f64().unwrap() - c["e_avg_lx"].as_f64().unwrap()).abs() < 1e-9);
    // No candidate breaks a site rule: the check finds no layout error.
    let errors: Vec<&serde_json::Value> = check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");

    // Applying again on the result reuses the dimmed type.
    let out2 = dir.path().join("out2.ron");
    let o = lysplan(&[
        "optimise",
        s(&out),
        "--street",
        "S1",
        "--luminaire",
        "L1",
        "--heights",
        "6,8",
        "--tilts",
        "0",
        "--overhangs",
        "0",
        "--arrangements",
        "single-right,staggered",
        "--apply",
        s(&out2),
        "--vendor",
        "V1",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let again = load_any_unaimed(&out2).unwrap().plan;
    assert_eq!(again.luminaires.len(), applied.luminaires.len());
}

#[test]
fn every_passing_candidate_keeps_the_site_rules() {
    let p = plan(LightingClass::P4);
    let mut set = one_geometry();
    set.arrangements = Arrangement::ALL.to_vec();
    set.heights_m = vec![4.0, 6.0];
    let out = optimise(&p, &iso_photometry(400.0), &request(set), None).unwrap();
    assert!(out.best().is_some());
    for c in out.candidates.iter().filter(|c| c.pass) {
        let step = lysplan::edit::optimise::apply_step(
            &p,
            &request(SearchSet::default()).stretch,
            c,
            "V1",
        )
        .unwrap();
        let mut q = p.clone();
        step.edit.apply(&mut q).unwrap();
        let broken: Vec<_> = lysplan::check::run(&q)
            .into_iter()
            .filter(|f| f.severity == lysplan::check::Severity::Error)
            .collect();
        assert!(broken.is_empty(), "{c:?}: {broken:?}");
        assert!(c.spacing_m >= p.rules.min_spacing_m - 1e-9);
        assert!(c.spacing_m <= p.rules.max_spacing_m.min(6.0 * c.geometry.height_m) + 1e-9);
    }
    // Opposite pairs 2 × (2 + 1) m apart are closer than spacing.min (10 m): never.
    assert!(
        out.candidates
            .iter()
            .all(|c| c.geometry.arrangement != Arrangement::Opposite || !c.pass)
    );
}

#[test]
fn no_passing_candidate_exits_1_with_the_closest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.ron");
    save_ron_atomic(&plan(LightingClass::P1), &path).unwrap();
    let mut args = vec!["optimise", s(&path), "--street", "S1", "--format", "json"];
    args.extend(NARROW);
    let o = lysplan(&args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v = json(&o);
    let c = v["candidates"].as_array().unwrap();
    assert!(!c.is_empty());
    assert!(c.iter().all(|c| c["pass"] == false));
    let shortfall = |c: &serde_json::Value| {
        c["margins"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_f64().unwrap())
            .fold(f64::INFINITY, f64::min)
    };
    assert!(c.windows(2).all(|w| shortfall(&w[0]) >= shortfall(&w[1])));
    let mut text = args.clone();
    text.truncate(4);
    text.extend(NARROW);
    let o = lysplan(&text);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("the closest misses: E_avg"), "{out}");
}

#[test]
fn sections_yardstick_and_report_benchmark() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.ron");
    let mut p = plan(LightingClass::P4);
    p.sections.push(lysplan::plan::Section {
        id: "SEC1".into(),
        vendor: "V1".into(),
        street: "S1".into(),
        from_m: 0.0,
        to_m: LEN_M,
    });
    save_ron_atomic(&p, &path).unwrap();
    let mut args = vec!["optimise", s(&path), "--sections", "--format", "json"];
    args.extend(NARROW);
    let o = lysplan(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    let row = &v["sections"][0];
    assert_eq!(row["section"], "SEC1");
    // Three poles of 10 W on 300 m.
    assert!(
        (row["current_w_per_km"].as_f64().unwrap() - 100.0).abs() < 1e-9,
        "{row}"
    );
    let best = row["best_w_per_km"].as_f64().expect("a best arrangement");
    assert!((row["ratio"].as_f64().unwrap() - 100.0 / best).abs() < 1e-9);
    // The best is what optimise finds on the section with the same luminaire.
    let mut args = vec![
        "optimise",
        s(&path),
        "--street",
        "S1",
        "--section",
        "SEC1",
        "--vendor",
        "V1",
        "--format",
        "json",
    ];
    args.extend(NARROW);
    let one = json(&lysplan(&args));
    assert_eq!(one["candidates"][0]["w_per_km"].as_f64().unwrap(), best);
    // The report's yardstick (the default search set): here a section whose vendor has
    // no pole on it, which needs no search.
    p.sections[0].vendor = "V2".into();
    p.vendors.push(Vendor {
        id: "V2".into(),
        name: "Vendor two".into(),
        color: [4, 5, 6],
        control_profile: None,
    });
    save_ron_atomic(&p, &path).unwrap();
    let html = dir.path().join("r.html");
    let o = lysplan(&["report", s(&path), "--html", s(&html), "--benchmark"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(
        text.contains("<table id=\"benchmark\">") && text.contains("SEC1"),
        "{text}"
    );
    assert!(text.contains("no pole of the vendor on the section"));
}

#[test]
fn bad_input_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.ron");
    save_ron_atomic(&plan(LightingClass::P4), &path).unwrap();
    let p = s(&path);
    for (args, says) in [
        (vec!["--street", "nope"], "no street \"nope\""),
        (
            vec!["--street", "S1", "--luminaire", "L9"],
            "no luminaire type \"L9\"",
        ),
        (
            vec!["--street", "S1", "--from", "100", "--to", "100"],
            "empty",
        ),
        (
            vec!["--street", "S1", "--heights", "6,x"],
            "\"x\" is not a number",
        ),
        (
            vec!["--street", "S1", "--levels", "0,1"],
            "levels: 0 is out of range",
        ),
        (vec!["--street", "S1", "--arrangements", "zigzag"], "zigzag"),
        (vec!["--street", "S1", "--section", "nope"], "no section"),
    ] {
        let mut a = vec!["optimise", p];
        a.extend(args.iter().copied());
        let o = lysplan(&a);
        assert_eq!(o.status.code(), Some(2), "{a:?}");
        assert!(stderr(&o).contains(says), "{a:?}: {}", stderr(&o));
    }
}

#[test]
fn an_end_next_to_a_side_streets_pole_moves_inward_and_passes_the_check() {
    // A side street meets the street's end from the south; its pole stands 5.8 m from
    // where the last station's pole (on the right, 3 m off the centreline) would stand,
    // closer than spacing.min (10 m).
    let p = with_side_street(LEN_M, LEN_M + 3.0, 270.0);
    let (req, best) = best_for_v1(&p);
    let note = best.note.as_deref().expect("the end moved: a note says so");
    assert!(
        note.contains("last station") && note.contains("B001"),
        "{note}"
    );
    // Clear of B001 by spacing.min: (3 + t)² + 5² ≥ 10², t ≥ 5.66 m.
    let inset = LEN_M - best.last_m;
    assert!(inset > 5.6 && inset < 6.0, "{inset}");
    assert_eq!(best.first_m, 0.0);
    // Applied, the check finds no rule broken and the street passing.
    assert_applied_passes(&p, &req, &best);
}

#[test]
fn an_end_at_a_junction_moves_to_where_its_pole_belongs_to_the_street() {
    // A side street meets the street's end from the south, with no pole. The last
    // station's pole (on the right, 3 m off the centreline) would stand on the side
    // street's centreline, so the check would count it there; it belongs to S1 once it
    // is more than 3 m from the side street.
    let mut p = with_side_street(LEN_M, LEN_M, 0.0);
    p.poles.retain(|q| q.id != "B001");
    let (req, best) = best_for_v1(&p);
    let note = best.note.as_deref().expect("the end moved: a note says so");
    assert!(
        note.contains("last station") && note.contains("S2"),
        "{note}"
    );
    let inset = LEN_M - best.last_m;
    assert!(inset > 2.99 && inset < 3.1, "{inset}");
    assert_eq!(best.first_m, 0.0);
    assert_applied_passes(&p, &req, &best);
    // Every new pole is S1's for the check.
    let step = lysplan::edit::optimise::apply_step(&p, &req.stretch, &best, "V1").unwrap();
    let mut q = p.clone();
    step.edit.apply(&mut q).unwrap();
    let index = lysplan::index::SiteIndex::build(&q);
    for st in lysplan::index::pole_stations(&index) {
        assert_eq!(st.expect("on a street").street(), 0);
    }
}

#[test]
fn a_side_streets_pole_inside_the_stretch_still_leaves_a_passing_count() {
    // A side street meets the middle of the street from the south; its pole stands 5 m
    // south of the candidate's row (on the right, 3 m off the centreline), so every row
    // with a pole within 8.7 m of x = 150 m breaks spacing.min: all the dense counts.
    let p = with_side_street(LEN_M / 2.0, LEN_M / 2.0, 0.0);
    let (req, best) = best_for_v1(&p);
    // Applied, the check finds no rule broken and the street passing.
    assert_applied_passes(&p, &req, &best);
}

/// A P4 plan with a side street meeting S1 from the south at `street_x` m, and vendor
/// V2's pole B001 on it at (`pole_x`, −8 m), facing `azimuth_deg`.
fn with_side_street(street_x: f64, pole_x: f64, azimuth_deg: f64) -> Plan {
    let mut p = plan(LightingClass::P4);
    let o = origin();
    let ll = |dx: f64, dy: f64| LonLat::from_xy(Xy::new(o.x + dx, o.y + dy));
    p.streets.push(Street {
        id: "S2".into(),
        name: "Side".into(),
        class: None,
        width_m: WIDTH_M,
        lanes: lysplan::plan::DEFAULT_LANES,
        surface: lysplan::plan::DEFAULT_SURFACE.into(),
        points: vec![ll(street_x, -80.0), ll(street_x, 0.0)],
        class_schedule: Vec::new(),
    });
    let LonLat { lon, lat } = ll(pole_x, -8.0);
    p.vendors.push(Vendor {
        id: "V2".into(),
        name: "Vendor two".into(),
        color: [4, 5, 6],
        control_profile: None,
    });
    p.poles.push(Pole {
        id: "B001".into(),
        lon,
        lat,
        height_m: 6.0,
        overhang_m: 0.0,
        tilt_deg: 0.0,
        azimuth_deg,
        vendor: "V2".into(),
        luminaire: "L1".into(),
    });
    p
}

/// The whole street searched with one geometry for V1's poles: the request and its best
/// candidate (there must be one).
fn best_for_v1(p: &Plan) -> (Request, lysplan::design::Candidate) {
    let mut req = request(one_geometry());
    req.stretch.vendor = Some("V1".into());
    let out = optimise(p, &iso_photometry(400.0), &req, None).unwrap();
    let best = out
        .best()
        .unwrap_or_else(|| panic!("no passing candidate: {:#?}", out.candidates.first()))
        .clone();
    (req, best)
}

/// Candidate `best` applied for V1: the check finds no rule broken and S1 passing.
fn assert_applied_passes(p: &Plan, req: &Request, best: &lysplan::design::Candidate) {
    let step = lysplan::edit::optimise::apply_step(p, &req.stretch, best, "V1").unwrap();
    let mut q = p.clone();
    step.edit.apply(&mut q).unwrap();
    let (findings, coverage) = lysplan::check::run_with_coverage(&q);
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == lysplan::check::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let s1 = coverage
        .street_results()
        .into_iter()
        .find(|s| s.id == "S1")
        .unwrap();
    assert!(s1.pass, "{s1:?}");
}

#[test]
fn top_asks_how_many_are_confirmed_and_the_best_does_not_depend_on_it() {
    let p = plan(LightingClass::P4);
    let ph = iso_photometry(400.0);
    let mut req = request(SearchSet {
        heights_m: vec![5.0, 6.0, 8.0],
        ..SearchSet::default()
    });
    req.top = 25;
    let many = optimise(&p, &ph, &req, None).unwrap();
    assert_eq!(many.candidates.len(), 25);
    assert!(many.confirmed >= 25);
    assert!(many.candidates.iter().all(|c| c.pass));
    assert!(
        many.candidates
            .windows(2)
            .all(|w| w[0].cmp_objective(&w[1]).is_le())
    );
    req.top = 1;
    let one = optimise(&p, &ph, &req, None).unwrap();
    assert_eq!(one.candidates.len(), 1);
    // The same objective (an isotropic optic ties tilts: either may come first).
    let (a, b) = (one.best().unwrap(), many.best().unwrap());
    assert_eq!(a.cmp_objective(b), std::cmp::Ordering::Equal, "{a:?} {b:?}");
    assert!(one.confirmed < many.confirmed);
}

#[test]
fn an_m_street_gets_a_best_that_passes_the_check_and_widening_keeps_it() {
    // The M search orders and prunes by its straight model; the best must still be the
    // check's pass, and more heights never a worse best.
    // A bundled road optic (generated photometry): an isotropic one glares far past any
    // M class's f_TI.
    let mut p = plan(LightingClass::M5);
    p.luminaires[0].photometry = PhotometrySource::Bundled("generic_road_2lane_60w.ldt".into());
    p.luminaires[0].power_w = 60.0;
    let (ph, errors) = lysplan::lighting::load_photometry(&p);
    assert!(errors.is_empty());
    let narrow = SearchSet {
        heights_m: vec![8.0],
        tilts_deg: vec![0.0, 10.0],
        overhangs_m: vec![0.0, 1.0],
        ..SearchSet::default()
    };
    let wide = SearchSet {
        heights_m: vec![6.0, 8.0, 10.0],
        ..narrow.clone()
    };
    let mut req = request(narrow);
    req.stretch.vendor = Some("V1".into());
    let a = optimise(&p, &ph, &req, None).unwrap();
    let best_a = a
        .best()
        .unwrap_or_else(|| panic!("no passing candidate: {:#?}", a.candidates.first()))
        .clone();
    assert_eq!(best_a.metrics.len(), 5, "{best_a:?}");
    assert_applied_passes(&p, &req, &best_a);
    req.set = wide;
    let b = optimise(&p, &ph, &req, None).unwrap();
    let best_b = b.best().expect("a wider search still passes");
    assert!(
        best_b.cmp_objective(&best_a).is_le(),
        "{best_b:?} against {best_a:?}"
    );
}

#[test]
fn a_stretch_that_passes_beside_a_much_brighter_rest_says_the_street_misses() {
    // The stretch 0–150 m is designed to C5 on its own rows; 150–300 m is lit by a
    // far brighter type that stays. The street's U_o (its least light against its
    // average) then fails: the candidate passes, with a note saying so.
    let mut p = plan(LightingClass::C5);
    let mut bright = p.luminaires[0].clone();
    bright.id = "L2".into();
    p.luminaires.push(bright);
    for (k, x) in [170.0, 200.0, 230.0, 260.0, 290.0].into_iter().enumerate() {
        p.poles.push(left_pole(&format!("B{:03}", k + 1), x, "L2"));
    }
    let mut ph = iso_photometry(400.0);
    ph.insert(
        "L2".into(),
        IntensityTable::constant_lower_hemisphere(20_000.0),
    );
    let mut req = request(one_geometry());
    req.stretch.to_m = 150.0;
    req.luminaires = vec!["L1".into()];
    let out = optimise(&p, &ph, &req, None).unwrap();
    let best = out
        .best()
        .unwrap_or_else(|| panic!("no passing candidate: {:#?}", out.candidates.first()));
    let note = best.note.as_deref().unwrap_or_default();
    assert!(
        note.contains("whole street then misses C5") && note.contains("U_o"),
        "{note:?}"
    );
    // The whole street searched: its own verdict, no such note.
    req.stretch.to_m = LEN_M;
    let whole = optimise(&p, &ph, &req, None).unwrap();
    for c in &whole.candidates {
        assert!(
            !c.note
                .as_deref()
                .unwrap_or_default()
                .contains("whole street")
        );
    }
}

#[test]
fn a_best_that_misses_a_night_period_with_the_vendors_dimming_says_which() {
    // V1 dims to 20 % from 22:00 to 06:00 and the street stays P4 all night: the best
    // layout for V1 (designed to P4 at its own level) then misses P4 at night, as the
    // check would say after applying it.
    let mut p = plan(LightingClass::P4);
    let ph = iso_photometry(400.0);
    let mut req = request(one_geometry());
    req.stretch.vendor = Some("V1".into());
    let plain = optimise(&p, &ph, &req, None).unwrap();
    let best = plain.best().expect("a passing candidate");
    assert!(!best.note.as_deref().unwrap_or_default().contains("dimming"));
    p.control_profiles = vec![lysplan::plan::energy::ControlProfile {
        id: "night-20".into(),
        name: "20 % at night".into(),
        steps: vec![("22:00".into(), 0.2), ("06:00".into(), 1.0)],
        presence: None,
    }];
    p.vendors[0].control_profile = Some("night-20".into());
    let dimmed = optimise(&p, &ph, &req, None).unwrap();
    let best = dimmed.best().expect("a passing candidate");
    let note = best.note.as_deref().unwrap_or_default();
    assert!(
        note.contains("misses 22:00–06:00 (class P4)") && note.contains("V1 at 20 %"),
        "{note}"
    );
    // Applied, the check says the same period.
    let step = lysplan::edit::optimise::apply_step(&p, &req.stretch, best, "V1").unwrap();
    let mut q = p.clone();
    step.edit.apply(&mut q).unwrap();
    let (findings, _) = lysplan::check::run_with_coverage(&q);
    assert!(
        findings
            .iter()
            .any(|f| f.rule.as_str() == "coverage.period" && f.message.contains("22:00–06:00")),
        "{findings:?}"
    );
}
