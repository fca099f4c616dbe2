//! Helpers shared by the UI tests (each test crate uses some of them).
#![allow(dead_code)]

use egui_kittest::Harness;
use lysplan::app::LysplanApp;

/// Steps the app until the background EN 13201 coverage is done, so the findings list
/// (and every pixel that depends on it) is complete and stable. Bounded; no timing
/// assertion.
pub fn wait_for_coverage(h: &mut Harness<'_, LysplanApp>) {
    for _ in 0..6000 {
        let app = h.state();
        if !app.coverage.worker.is_busy(app.state.revision) {
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
