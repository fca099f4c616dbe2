//! Helpers shared by the UI tests (each test crate uses some of them).
#![allow(dead_code)]

use egui_kittest::Harness;
use lysplan::app::LysplanApp;
use lysplan::plan::Plan;

/// Steps the app until the background EN 13201 coverage is done, so the findings list
/// (and every pixel that depends on it) is complete and stable. Bounded; no timing
/// assertion.
pub fn wait_for_coverage(h: &mut Harness<'_, LysplanApp>) {
    for _ in 0..6000 {
        let app = h.state();
        if !app.coverage.worker.is_busy(app.state.revision()) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.run_steps(1);
    }
    h.run_steps(2);
}

/// Scrolls the widget labelled `label` into view (the side panels scroll) and clicks it
/// like a user.
pub fn click_button(h: &mut Harness<'_, LysplanApp>, label: &str) {
    use egui_kittest::kittest::Queryable;
    h.get_by_label_contains(label).scroll_to_me();
    h.run_steps(3);
    h.get_by_label_contains(label).click();
    h.run_steps(2);
}

/// The app on `plan` in a window of `size` points, frames `dt` seconds apart (tiles off),
/// after the first frames (the map fits the plan, panels settle).
pub fn app_harness(plan: Plan, size: egui::Vec2, dt: f32) -> Harness<'static, LysplanApp> {
    let app = LysplanApp::new(&egui::Context::default(), plan, None, false);
    let mut h = Harness::builder()
        .with_size(size)
        .with_step_dt(dt)
        .build_ui_state(|ui, app: &mut LysplanApp| app.show(ui), app);
    h.run_steps(4);
    h
}

/// The app's coverage result, checked to be for the current plan.
pub fn app_coverage(h: &Harness<'_, LysplanApp>) -> lysplan::lighting::Coverage {
    let app = h.state();
    let r = app.coverage.worker.result().expect("a coverage result");
    assert_eq!(
        r.revision,
        app.state.revision(),
        "result for the current plan"
    );
    r.coverage.clone()
}

/// Types `path` into the open typed-path window and presses OK.
pub fn type_path_and_ok(h: &mut Harness<'static, LysplanApp>, path: &std::path::Path) {
    use egui_kittest::kittest::Queryable;
    h.state_mut()
        .dialogs
        .typed
        .as_mut()
        .expect("the typed-path window is open")
        .text = path.display().to_string();
    h.run_steps(1);
    h.get_by_label("OK").click();
    h.run_steps(3);
}
