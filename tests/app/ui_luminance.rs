//! UI tests of road luminance in the app (issue 14): road surfaces in the catalogue
//! (import with S1/Q0, refusal, undo), the M criteria in the coverage window, and a
//! street's surface or lanes changed and recomputed in the background.

use crate::common;
use egui::{Key, Modifiers, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lysplan::app::LysplanApp;
use lysplan::lighting::surface::C2_CSV;
use std::path::Path;

fn harness() -> Harness<'static, LysplanApp> {
    common::app_harness(lysplan::bundled::doll_plan(), vec2(1500.0, 1000.0), 0.25)
}

/// The C2 table with every r value multiplied by `k`.
fn scaled_c2(k: f64) -> String {
    C2_CSV
        .lines()
        .map(|l| {
            if l.starts_with('#') || l.starts_with("tan_gamma") {
                return l.to_string();
            }
            let mut cells = l.split(',');
            let t = cells.next().unwrap_or_default().to_string();
            std::iter::once(t)
                .chain(cells.map(|c| (c.parse::<f64>().unwrap() * k).to_string()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn open_catalogue(h: &mut Harness<'static, LysplanApp>) {
    h.get_by_label("Luminaires").click();
    h.run_steps(2);
    h.get_by_label("Catalogue…").click();
    h.run_steps(3);
}

/// The app's coverage of `street`, for the current plan.
fn evaluation(h: &Harness<'_, LysplanApp>, street: &str) -> lysplan::lighting::StreetEvaluation {
    common::app_coverage(h)
        .streets
        .into_iter()
        .find(|s| s.result.id == street)
        .expect("the street is evaluated")
}

fn l_avg(h: &Harness<'_, LysplanApp>, street: &str) -> f64 {
    evaluation(h, street)
        .result
        .luminance
        .and_then(|l| l.l_avg_cd_m2)
        .expect("an M street with luminance")
}

#[test]
fn importing_an_r_table_lists_it_with_s1_and_q0_and_undo_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "r-bright.csv", &scaled_c2(1.5));
    let mut h = harness();
    open_catalogue(&mut h);
    // The bundled surface is listed with its self-check values.
    assert!(
        h.query_by_label("CIE C2, standard dry road (bundled)")
            .is_some()
    );
    assert!(h.query_all_by_label("0.97").next().is_some(), "S1 of C2");
    assert!(h.query_all_by_label("0.065").next().is_some(), "Q0 of C2");
    h.state_mut().catalogue.surface_path = path.display().to_string();
    h.run_steps(1);
    h.get_by_label("Import surface").click();
    h.run_steps(3);
    let plan = h.state().state.plan().clone();
    assert_eq!(plan.surfaces.len(), 1);
    assert_eq!(plan.surfaces[0].id, "r-bright");
    assert!(h.query_all_by_label("r-bright").next().is_some());
    // 1.5 x C2: the same S1, 1.5 x its Q0.
    assert!(
        h.query_all_by_label("0.097").next().is_some(),
        "Q0 of 1.5 x C2"
    );
    assert!(
        h.query_all_by_label_contains("as road surface r-bright")
            .next()
            .is_some()
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert!(h.state().state.plan().surfaces.is_empty());
}

#[test]
fn a_bad_r_table_is_refused_naming_line_and_column_and_the_plan_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "broken.csv",
        "tan_gamma,0,2\n0,329,329\n0.25,362,x\n",
    );
    let mut h = harness();
    open_catalogue(&mut h);
    let before = h.state().state.plan().clone();
    h.state_mut().catalogue.surface_path = path.display().to_string();
    h.run_steps(1);
    h.get_by_label("Import surface").click();
    h.run_steps(3);
    assert_eq!(h.state().state.plan(), &before);
    let msg = match &h.state().catalogue.message {
        Some(Err(m)) => m.clone(),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert!(msg.contains("broken.csv:3:10"), "{msg}");
    assert!(msg.contains("plan is unchanged"), "{msg}");
}

#[test]
fn changing_surface_or_lanes_recomputes_the_luminance_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "twice.csv", &scaled_c2(2.0));
    let mut h = harness();
    common::wait_for_coverage(&mut h);
    let base = l_avg(&h, "herstedoestervej");
    let id = h.state_mut().state.import_surface_file(&path).unwrap();
    h.state_mut()
        .state
        .edit_street("herstedoestervej", "surface", |s| s.surface = id.clone())
        .unwrap();
    common::wait_for_coverage(&mut h);
    let twice = l_avg(&h, "herstedoestervej");
    assert!(
        ((twice - 2.0 * base) / base).abs() < 1e-9,
        "{twice} vs 2 x {base}"
    );
    h.state_mut()
        .state
        .edit_street("herstedoestervej", "lanes", |s| s.lanes = 4)
        .unwrap();
    common::wait_for_coverage(&mut h);
    let s = evaluation(&h, "herstedoestervej");
    assert_eq!(s.luminance.unwrap().lanes.len(), 4);
}

#[test]
fn the_coverage_window_shows_the_luminance_criteria_of_m_streets() {
    let mut h = harness();
    common::wait_for_coverage(&mut h);
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Coverage results").click();
    h.run_steps(3);
    for header in ["L_avg cd/m²", "U_l", "f_TI %", "REI"] {
        assert!(h.query_by_label(header).is_some(), "{header}");
    }
    let value = {
        let app = h.state();
        let r = app.coverage.worker.result().unwrap();
        let s = r
            .coverage
            .streets
            .iter()
            .find(|s| s.result.id == "gl-landevej")
            .unwrap();
        format!(
            "{:.2}",
            s.result.luminance.as_ref().unwrap().l_avg_cd_m2.unwrap()
        )
    };
    assert!(
        h.query_all_by_label(&value).next().is_some(),
        "L_avg {value} shown"
    );
}
