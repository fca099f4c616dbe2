//! Issue 26: adaptive classes. The periods of a street's night (class schedule and the
//! vendors' dimming steps, lit minutes of the year), each period evaluated from the same
//! geometry with each luminaire's light scaled by its vendor's level, and the
//! `"periods"` of `check --format json`.

use lysplan::bundled::doll_plan;
use lysplan::energy::NightSchedule;
use lysplan::frame::LonLat;
use lysplan::index::SiteIndex;
use lysplan::lighting::periods::{PeriodSpec, VendorLevels, periods};
use lysplan::lighting::{Lighting, PeriodValues, StreetResult, evaluate_with, load_photometry};
use lysplan::plan::LightingClass::{self, C4, M3, M4, M5, P4};
use lysplan::plan::energy::{ControlProfile, Presence};
use lysplan::plan::{Plan, Street, Vendor};
use std::collections::HashMap;

fn street(class: LightingClass, schedule: &[(&str, LightingClass)]) -> Street {
    Street {
        id: "S1".into(),
        name: "Test road".into(),
        class: Some(class),
        width_m: 7.0,
        lanes: 2,
        surface: "C2".into(),
        class_schedule: schedule.iter().map(|(t, c)| (t.to_string(), *c)).collect(),
        points: vec![LonLat::new(12.388, 55.685), LonLat::new(12.390, 55.685)],
    }
}

/// A plan with vendors `a` (profile `pa`) and `b` (profile `pb`).
fn plan_with(pa: Option<ControlProfile>, pb: Option<ControlProfile>) -> Plan {
    let vendor = |id: &str, p: &Option<ControlProfile>| Vendor {
        id: id.into(),
        name: id.into(),
        color: [0, 0, 0],
        control_profile: p.as_ref().map(|p| p.id.clone()),
    };
    Plan {
        vendors: vec![vendor("a", &pa), vendor("b", &pb)],
        control_profiles: pa.into_iter().chain(pb).collect(),
        ..Plan::default()
    }
}

fn spans(ps: &[PeriodSpec]) -> Vec<(String, String, LightingClass)> {
    ps.iter().map(|p| (p.from(), p.to(), p.class)).collect()
}

/// Copenhagen's lit minutes of 2026 by local clock minute.
fn copenhagen() -> Vec<u32> {
    NightSchedule::new(2026, "Europe/Copenhagen", 12.388, 55.685, -0.833)
        .unwrap()
        .histogram()
        .to_vec()
}

#[test]
fn a_street_without_steps_has_one_period_all_day() {
    let plan = plan_with(None, None);
    let levels = VendorLevels::new(&plan);
    let p = periods(&street(M3, &[]), &[0], &levels, None);
    assert_eq!(spans(&p), vec![("00:00".into(), "24:00".into(), M3)]);
    assert!(p[0].is_design(M3));
}

#[test]
fn a_schedule_wraps_at_midnight_and_starts_at_noon() {
    let plan = plan_with(None, None);
    let levels = VendorLevels::new(&plan);
    let s = street(M3, &[("05:00", M3), ("22:00", M4), ("00:00", M5)]);
    let p = periods(&s, &[0], &levels, Some(&copenhagen()));
    assert_eq!(
        spans(&p),
        vec![
            ("05:00".into(), "22:00".into(), M3),
            ("22:00".into(), "00:00".into(), M4),
            ("00:00".into(), "05:00".into(), M5),
        ]
    );
    // One step: the class holds all day, from that step round to it.
    let p = periods(&street(M3, &[("22:00", M4)]), &[0], &levels, None);
    assert_eq!(spans(&p), vec![("22:00".into(), "22:00".into(), M4)]);
    // A period across midnight holding 12:00 comes first.
    let s = street(M3, &[("13:00", M4), ("11:00", M3)]);
    let p = periods(&s, &[0], &levels, None);
    assert_eq!(
        spans(&p),
        vec![
            ("11:00".into(), "13:00".into(), M3),
            ("13:00".into(), "11:00".into(), M4),
        ]
    );
}

#[test]
fn periods_in_daylight_all_year_are_dropped_and_the_next_comes_first() {
    let plan = plan_with(None, None);
    let levels = VendorLevels::new(&plan);
    let s = street(C4, &[("11:00", C4), ("13:00", C4), ("23:00", C4)]);
    // In Copenhagen the lights are never on from 11:00 to 13:00.
    let p = periods(&s, &[0], &levels, Some(&copenhagen()));
    assert_eq!(
        spans(&p),
        vec![
            ("13:00".into(), "23:00".into(), C4),
            ("23:00".into(), "11:00".into(), C4),
        ]
    );
}

#[test]
fn dst_nights_keep_the_local_clock_steps() {
    // 02:00-03:00 is skipped on the spring night and repeated on the autumn one; the
    // period is still one of local clock time, lit on the other nights.
    let pa = ControlProfile::with_steps("pa", "pa", &[("02:00", 0.5), ("03:00", 1.0)]);
    let plan = plan_with(Some(pa), None);
    let levels = VendorLevels::new(&plan);
    let h = copenhagen();
    let p = periods(&street(M3, &[]), &[0], &levels, Some(&h));
    assert_eq!(
        spans(&p),
        vec![
            ("03:00".into(), "02:00".into(), M3),
            ("02:00".into(), "03:00".into(), M3),
        ]
    );
    assert_eq!(p[1].levels[0], 0.5);
    assert_eq!(p[0].levels[0], 1.0);
    // The same clock times in a zone without daylight saving time.
    let utc = NightSchedule::new(2026, "UTC", 12.388, 55.685, -0.833).unwrap();
    let q = periods(&street(M3, &[]), &[0], &levels, Some(utc.histogram()));
    assert_eq!(spans(&q), spans(&p));
}

#[test]
fn presence_profiles_give_the_stepped_level() {
    let mut pa = ControlProfile::with_steps("pa", "pa", &[("22:00", 0.6), ("06:00", 1.0)]);
    pa.presence = Some(Presence {
        idle_level: 0.1,
        occupancy: vec![0.2; 24],
    });
    let plan = plan_with(Some(pa), None);
    let levels = VendorLevels::new(&plan);
    let p = periods(&street(P4, &[]), &[0], &levels, None);
    assert_eq!(p[1].from(), "22:00");
    // The level a road user gets when detected, not the idle or the mean level.
    assert_eq!(p[1].levels[0], 0.6);
}

#[test]
fn a_street_lit_by_two_vendors_is_split_at_both_profiles_steps() {
    let pa = ControlProfile::with_steps("pa", "pa", &[("23:00", 0.5), ("05:00", 1.0)]);
    let pb = ControlProfile::with_steps("pb", "pb", &[("00:00", 0.3), ("06:00", 1.0)]);
    let plan = plan_with(Some(pa), Some(pb));
    let levels = VendorLevels::new(&plan);
    let p = periods(&street(M3, &[]), &[0, 1], &levels, Some(&copenhagen()));
    let got: Vec<(String, String, f64, f64)> = p
        .iter()
        .map(|p| (p.from(), p.to(), p.levels[0], p.levels[1]))
        .collect();
    let want = [
        ("06:00", "23:00", 1.0, 1.0),
        ("23:00", "00:00", 0.5, 1.0),
        ("00:00", "05:00", 0.5, 0.3),
        ("05:00", "06:00", 1.0, 0.3),
    ];
    let want: Vec<(String, String, f64, f64)> = want
        .iter()
        .map(|&(a, b, x, y)| (a.into(), b.into(), x, y))
        .collect();
    assert_eq!(got, want);
    // Only vendor a on the street: b's steps do not split it, b's luminaires nearby
    // count at b's lowest level in each period's lit minutes.
    let p = periods(&street(M3, &[]), &[0], &levels, Some(&copenhagen()));
    assert_eq!(spans(&p).len(), 2);
    assert_eq!((p[1].from(), p[1].levels[1]), ("23:00".into(), 0.3));
    // The unknown-vendor group is always at full.
    assert_eq!(p[1].levels[2], 1.0);
}

/// Every vendor of the bundled plan dims from 23:00 to 05:00 to its own level; the
/// P, C and M streets' 23:00–05:00 period equals a full evaluation of the plan with each
/// luminaire's intensities scaled by its vendor's level, to 1e-9.
#[test]
fn a_period_equals_the_plan_with_each_luminaire_scaled_by_its_level() {
    let mut plan = doll_plan();
    let keep = ["sti-hersted", "fabriksparken", "gl-landevej"];
    for s in &mut plan.streets {
        if !keep.contains(&s.id.as_str()) {
            s.class = None;
        }
        s.class_schedule.clear();
    }
    let level = |i: usize| 0.25 + 0.04 * i as f64;
    assert!(level(plan.vendors.len() - 1) < 1.0);
    plan.control_profiles = (0..plan.vendors.len())
        .map(|i| {
            let id = format!("dim{i}");
            ControlProfile::with_steps(&id, &id, &[("23:00", level(i)), ("05:00", 1.0)])
        })
        .collect();
    for (i, v) in plan.vendors.iter_mut().enumerate() {
        v.control_profile = Some(format!("dim{i}"));
    }
    let (photometry, errors) = load_photometry(&plan);
    assert!(errors.is_empty());
    let lighting = Lighting::new(&plan, &photometry).uncut();
    let index = SiteIndex::build(&plan);
    let cov = evaluate_with(&plan, &lighting, &index, None);

    // The same plan at full level with each vendor's luminaire types scaled.
    let mut scaled = plan.clone();
    scaled.control_profiles.clear();
    let mut scaled_ph = HashMap::new();
    let mut types = Vec::new();
    for (i, v) in plan.vendors.iter().enumerate() {
        scaled.vendors[i].control_profile = None;
        for l in &plan.luminaires {
            let mut t = l.clone();
            t.id = format!("{}@{}", l.id, v.id);
            t.flux_lm *= level(i);
            if let Some(ph) = photometry.get(&l.id) {
                let mut ph = ph.clone();
                ph.table.cd.iter_mut().for_each(|cd| *cd *= level(i));
                scaled_ph.insert(t.id.clone(), ph);
            }
            types.push(t);
        }
    }
    scaled.luminaires = types;
    for p in &mut scaled.poles {
        p.luminaire = format!("{}@{}", p.luminaire, p.vendor).as_str().into();
    }
    let lighting = Lighting::new(&scaled, &scaled_ph).uncut();
    let full = evaluate_with(&scaled, &lighting, &index, None);

    let close = |a: f64, b: f64, what: &str| {
        assert!(
            (a - b).abs() <= 1e-9 * b.abs().max(1e-9),
            "{what}: period {a} vs scaled plan {b}"
        );
    };
    let result = |c: &lysplan::lighting::Coverage, id: &str| -> StreetResult {
        c.streets
            .iter()
            .find(|s| s.result.id == id)
            .unwrap()
            .result
            .clone()
    };
    let mut classes = Vec::new();
    for id in keep {
        let r = result(&cov, id);
        let want = result(&full, id);
        classes.push(r.class);
        let night = r
            .periods
            .iter()
            .find(|p| p.from == "23:00")
            .unwrap_or_else(|| panic!("{id}: {:?}", r.periods));
        assert_eq!(night.to, "05:00");
        assert!(night.levels.values().all(|&l| l < 1.0), "{night:?}");
        match &night.values {
            PeriodValues::Illuminance {
                e_avg_lx,
                e_min_lx,
                u_o,
            } => {
                close(*e_avg_lx, want.e_avg_lx, "E_avg");
                close(*e_min_lx, want.e_min_lx, "E_min");
                close(*u_o, want.u_o.unwrap(), "U_o");
            }
            PeriodValues::Luminance {
                u_o,
                l_avg_cd_m2,
                u_l,
                ti_pct,
                rei,
            } => {
                let l = want.luminance.as_ref().unwrap();
                close(u_o.unwrap(), want.u_o.unwrap(), "U_o");
                close(l_avg_cd_m2.unwrap(), l.l_avg_cd_m2.unwrap(), "L_avg");
                close(u_l.unwrap(), l.u_l.unwrap(), "U_l");
                close(ti_pct.unwrap(), l.ti_pct.unwrap(), "f_TI");
                close(rei.unwrap(), l.rei.unwrap(), "REI");
            }
        }
        assert_eq!(night.pass, want.pass, "{id}");
    }
    assert_eq!(classes, vec![P4, C4, M4]);
}

/// The `"periods"` of `check --format json`: after the street's keys, each period's
/// keys in the documented order, the class's values at full precision (equal to the
/// library's, bit for bit), and the text format listing the failing periods.
#[test]
fn check_json_carries_each_streets_periods_in_the_documented_order() {
    let mut plan = doll_plan();
    let gl = plan
        .streets
        .iter_mut()
        .find(|s| s.id == "gl-landevej")
        .unwrap();
    gl.class_schedule = vec![
        ("22:00".into(), M4),
        ("00:00".into(), M5),
        ("05:00".into(), M4),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.ron");
    lysplan::plan::save_ron_atomic(&plan, &path).unwrap();
    let out = crate::cli::lysplan(&["check", path.to_str().unwrap(), "--format", "json"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let v: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {}", crate::cli::stderr(&out)));
    let (photometry, _) = load_photometry(&plan);
    let cov = lysplan::lighting::evaluate(&plan, &photometry, None);
    for st in v["streets"].as_array().unwrap() {
        let keys: Vec<&str> = st.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.last(), Some(&"periods"), "{keys:?}");
        let id = st["id"].as_str().unwrap();
        let lib = &cov
            .streets
            .iter()
            .find(|s| s.result.id == id)
            .unwrap()
            .result;
        let periods = st["periods"].as_array().unwrap();
        assert_eq!(periods.len(), lib.periods.len());
        for (p, l) in periods.iter().zip(&lib.periods) {
            let keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
            let values: &[&str] = if lib.class.is_luminance() {
                &["u_o", "l_avg_cd_m2", "u_l", "ti_pct", "rei"]
            } else {
                &["e_avg_lx", "e_min_lx", "u_o"]
            };
            let mut want = vec!["from", "to", "class", "levels"];
            if !l.idle_levels.is_empty() {
                want.push("idle_levels");
            }
            want.extend(values);
            want.push("pass");
            assert_eq!(keys, want, "{id}");
            // Full precision: the printed number is the library's value.
            let lib_json = serde_json::to_value(l).unwrap();
            for k in values {
                assert_eq!(p[*k], lib_json[*k], "{id} {k}");
            }
        }
    }
    // Gl. Landevej: from the period holding 12:00, in clock order, M5 after midnight.
    let gl = v["streets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "gl-landevej")
        .unwrap();
    let spans: Vec<(&str, &str, &str)> = gl["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["from"].as_str().unwrap(),
                p["to"].as_str().unwrap(),
                p["class"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("05:00", "22:00", "M4"),
            ("22:00", "00:00", "M4"),
            ("00:00", "05:00", "M5")
        ]
    );
    assert_eq!(gl["periods"][2]["levels"]["osram"], 0.5);
    // The text lists the failing periods under their street.
    let out = crate::cli::lysplan(&["check", path.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let failing = cov
        .streets
        .iter()
        .flat_map(|s| &s.result.periods)
        .filter(|p| !p.pass)
        .count();
    assert_eq!(text.matches("  period ").count(), failing, "{text}");
    assert!(failing > 0);
}
