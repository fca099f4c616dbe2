//! UI tests of the EN 13201 coverage in the app (egui_kittest, tiles off): the background
//! worker, the results window, the findings, the map layer toggle. No timing assertions:
//! the tests step frames until the worker is idle, with a generous bound.

use crate::common;
use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lysplan::app::LysplanApp;
use lysplan::lighting::{self, Coverage};
use lysplan::plan::Plan;
use std::time::Duration;

fn harness(plan: Plan) -> Harness<'static, LysplanApp> {
    let app = LysplanApp::new(&egui::Context::default(), plan, None, false);
    let mut h = Harness::builder()
        .with_size(vec2(1280.0, 900.0))
        .build_ui_state(|ui, app: &mut LysplanApp| app.show(ui), app);
    h.run_steps(2);
    h
}

fn busy(h: &Harness<'_, LysplanApp>) -> bool {
    let app = h.state();
    app.coverage.worker.is_busy(app.state.revision())
}

/// Steps frames until the coverage worker has a result for the current plan (bounded:
/// panics after about two minutes, far beyond any real run).
fn wait_for_coverage(h: &mut Harness<'_, LysplanApp>) {
    for _ in 0..6000 {
        h.run_steps(1);
        if !busy(h) {
            h.run_steps(2);
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the coverage worker did not finish");
}

fn direct(plan: &Plan) -> Coverage {
    let (photometry, errors) = lighting::load_photometry(plan);
    assert!(errors.is_empty(), "{errors:?}");
    lighting::evaluate(plan, &photometry, None)
}

fn open_window(h: &mut Harness<'_, LysplanApp>) {
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Coverage results").click();
    h.run_steps(3);
    assert!(h.state().coverage.window_open);
}

/// The bundled plan with Fabriksparken asked for C1 (30 lx), which its 35 W LEDs miss:
/// every street of the bundled plan meets its own class.
fn failing_plan() -> lysplan::plan::Plan {
    let mut plan = lysplan::bundled::doll_plan();
    let fab = plan
        .streets
        .iter_mut()
        .find(|s| s.id == "fabriksparken")
        .expect("Fabriksparken");
    fab.class = Some(lysplan::plan::LightingClass::C1);
    plan
}

#[test]
fn results_table_shows_each_classed_street_with_the_verdict_of_evaluate() {
    let plan = failing_plan();
    let expected = direct(&plan);
    assert!(expected.streets.len() >= 3);
    assert!(expected.streets.iter().any(|s| s.result.pass));
    assert!(expected.streets.iter().any(|s| !s.result.pass));
    let mut h = harness(plan.clone());
    wait_for_coverage(&mut h);
    assert_eq!(
        common::app_coverage(&h).street_results(),
        expected.street_results()
    );
    open_window(&mut h);
    let passed = expected.streets.iter().filter(|s| s.result.pass).count();
    h.get_by_label_contains(&format!(
        "{passed} of {} classed streets pass",
        expected.streets.len()
    ));
    for s in &expected.streets {
        let street = plan.streets.iter().find(|p| p.id == s.result.id).unwrap();
        let name = h.get_by_label(&street.name);
        let y = name.rect().center().y;
        // The verdict in the same row of the table.
        let verdicts: Vec<&str> = ["pass", "fail"]
            .into_iter()
            .flat_map(|v| {
                h.query_all_by_label(v)
                    .filter(|n| (n.rect().center().y - y).abs() < 4.0)
                    .map(move |_| v)
                    .collect::<Vec<_>>()
            })
            .collect();
        let want = if s.result.pass { "pass" } else { "fail" };
        assert_eq!(verdicts, vec![want], "row of {}", street.name);
        // E_avg in the row too.
        let e_avg = format!("{:.2}", s.result.e_avg_lx);
        assert!(
            h.query_all_by_label(&e_avg)
                .any(|n| (n.rect().center().y - y).abs() < 4.0),
            "E_avg {e_avg} in the row of {}",
            street.name
        );
    }
    // Energy and the plot heading of the first street.
    let kw = format!("{:.2} kW", expected.energy.installed_power_w / 1000.0);
    assert!(h.get_all_by_label(&kw).count() >= 1);
    let first = plan
        .streets
        .iter()
        .find(|p| p.id == expected.streets[0].result.id)
        .unwrap();
    // An M street plots its luminance, the others their illuminance.
    let quantity = if first.class.is_some_and(|c| c.is_luminance()) {
        "Luminance"
    } else {
        "Illuminance"
    };
    h.get_by_label_contains(&format!("{quantity} along {}", first.name));
}

/// Index of a pole on a street that passes.
fn pole_on_passing_street(plan: &Plan, cov: &Coverage) -> usize {
    let index = lysplan::index::SiteIndex::build(plan);
    let passing: Vec<usize> = cov
        .streets
        .iter()
        .filter(|s| s.result.pass)
        .map(|s| s.street)
        .collect();
    plan.poles
        .iter()
        .position(|p| {
            index
                .nearest_street(lysplan::frame::to_utm32(p.lon, p.lat))
                .is_some_and(|(si, st)| passing.contains(&si) && st.offset_m < 10.0)
        })
        .expect("a pole on a passing street")
}

#[test]
fn moving_a_pole_away_recomputes_and_the_result_changes() {
    let plan = lysplan::bundled::doll_plan();
    let mut h = harness(plan.clone());
    wait_for_coverage(&mut h);
    let before = common::app_coverage(&h);
    let runs = h.state().coverage.worker.runs();
    let i = pole_on_passing_street(&plan, &before);
    // The same calls as dragging the pole on the map: 400 m north, off every street.
    {
        let app = h.state_mut();
        let (lon, lat) = (app.state.plan().poles[i].lon, app.state.plan().poles[i].lat);
        app.state.begin_edit("Move pole");
        app.state.drag_pole_to(i, lon, lat + 0.0036);
        app.state.end_edit();
    }
    assert!(busy(&h), "an edit makes the result out of date");
    wait_for_coverage(&mut h);
    let after = common::app_coverage(&h);
    assert!(h.state().coverage.worker.runs() > runs, "recomputed");
    assert_ne!(after.street_results(), before.street_results());
    let edited = h.state().state.plan().clone();
    assert_eq!(after.street_results(), direct(&edited).street_results());
    assert_eq!(after.findings, direct(&edited).findings);
    // Undo brings the first result back.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    wait_for_coverage(&mut h);
    assert_eq!(
        common::app_coverage(&h).street_results(),
        before.street_results()
    );
}

#[test]
fn a_result_for_an_edited_plan_is_discarded() {
    let plan = lysplan::bundled::doll_plan();
    let mut h = harness(plan.clone());
    wait_for_coverage(&mut h);
    let i = pole_on_passing_street(&plan, &common::app_coverage(&h));
    let step = |h: &mut Harness<'_, LysplanApp>, dlat: f64| {
        let app = h.state_mut();
        let (lon, lat) = (app.state.plan().poles[i].lon, app.state.plan().poles[i].lat);
        app.state.begin_edit("Move pole");
        app.state.drag_pole_to(i, lon, lat + dlat);
        app.state.end_edit();
        app.state.revision()
    };
    let first = step(&mut h, 0.0036);
    // Step until the computation for `first` has started, then edit again before any
    // frame could collect it: its result must never be taken.
    for _ in 0..6000 {
        h.run_steps(1);
        if h.state().coverage.worker.progress().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(h.state().coverage.worker.progress().is_some(), "started");
    let runs = h.state().coverage.worker.runs();
    let second = step(&mut h, 0.0036);
    for _ in 0..6000 {
        h.run_steps(1);
        let r = h.state().coverage.worker.result().map(|r| r.revision);
        assert_ne!(r, Some(first), "the stale result was not shown");
        if !busy(&h) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        h.state().coverage.worker.result().map(|r| r.revision),
        Some(second)
    );
    assert_eq!(h.state().coverage.worker.runs(), runs + 1);
    let edited = h.state().state.plan().clone();
    assert_eq!(
        common::app_coverage(&h).street_results(),
        direct(&edited).street_results()
    );
}

#[test]
fn coverage_findings_appear_in_the_findings_panel() {
    let plan = failing_plan();
    let expected = direct(&plan);
    assert!(!expected.findings.is_empty());
    let mut h = harness(plan);
    wait_for_coverage(&mut h);
    let findings = h.state().state.findings().to_vec();
    for f in &expected.findings {
        assert!(findings.contains(f), "{f:?} in the findings list");
    }
    // The panel lists them ("rule — message").
    let first = &expected.findings[0];
    h.get_by_label(&format!("{} — {}", first.rule, first.message));
    // After an edit (a rebuild of the other rules) they are still there.
    h.state_mut().state.begin_edit("nothing");
    h.state_mut().state.end_edit();
    h.run_steps(1);
    assert!(h.state().state.findings().contains(first));
}

#[test]
fn coverage_layer_and_window_toggle_from_the_view_menu() {
    // The bundled plan has no dark stretch; take out every other pole of Smedeland to
    // make some.
    let mut plan = lysplan::bundled::doll_plan();
    let index = lysplan::index::SiteIndex::build(&plan);
    let smedeland = plan
        .streets
        .iter()
        .position(|s| s.id == "smedeland")
        .expect("street");
    let mut k = 0;
    let keep: Vec<bool> = index
        .pole_xy
        .iter()
        .map(|xy| match index.nearest_street(*xy) {
            Some((si, st)) if si == smedeland && st.offset_m < 15.0 => {
                k += 1;
                k % 2 == 0
            }
            _ => true,
        })
        .collect();
    let mut it = keep.iter();
    plan.poles.retain(|_| *it.next().unwrap_or(&true));
    let mut h = harness(plan);
    wait_for_coverage(&mut h);
    assert!(
        !h.state().coverage.layer,
        "off at start: the map looks as before"
    );
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Coverage layer").click();
    h.run_steps(3);
    assert!(h.state().coverage.layer);
    // The layer has a piece per grid row of every evaluated street and a trace per dark
    // stretch.
    let app = h.state();
    let r = app.coverage.worker.result().unwrap();
    assert_eq!(r.layer.len(), r.coverage.streets.len());
    for (l, s) in r.layer.iter().zip(&r.coverage.streets) {
        assert_eq!(l.id, s.result.id);
        // M streets: one piece per luminance row.
        let rows = s
            .luminance
            .as_ref()
            .map_or(s.profile.chainage_m.len(), |l| l.row_min_cd_m2.len());
        assert_eq!(l.pieces.len(), rows);
        assert_eq!(l.luminance, s.luminance.is_some());
        assert_eq!(l.dark.len(), s.dark.len());
        assert!(l.dark.iter().all(|d| d.len() >= 2));
    }
    assert!(r.layer.iter().any(|l| !l.dark.is_empty()));
}

/// Issue 26: the results table says how many night periods miss the class in force and
/// lists each under its street, with its hours, class, vendors' levels and values. On
/// the bundled plan that is Herstedøstervej after midnight (Philips at 30 %, Thorn at
/// 50 %, class M5), although every street meets its design class.
#[test]
fn results_table_lists_the_night_periods_that_miss_their_class() {
    let plan = lysplan::bundled::doll_plan();
    let expected = direct(&plan);
    let failing: Vec<_> = expected
        .streets
        .iter()
        .flat_map(|s| &s.result.periods)
        .filter(|p| !p.pass)
        .collect();
    assert_eq!(failing.len(), 1);
    let mut h = harness(plan);
    wait_for_coverage(&mut h);
    open_window(&mut h);
    h.get_by_label_contains("10 of 10 classed streets pass; 1 night period misses its class");
    let row = h.get_by_label("   00:00–05:00 (philips 30 %, thorn 50 %)");
    let y = row.rect().center().y;
    let same_row = |label: &str| {
        h.query_all_by_label(label)
            .any(|n| (n.rect().center().y - y).abs() < 4.0)
    };
    assert!(same_row("M5"));
    assert!(same_row("period fail"));
    assert!(same_row("0.33"), "U_o of the period");
}
