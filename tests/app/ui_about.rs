//! Help → About Lysplan: reached from the command palette (Ctrl+K) and from the Help
//! menu; it shows the version, the licence and the attributions.

use egui::{Key, Modifiers, accesskit::Role, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lysplan::app::LysplanApp;

use crate::common;

fn harness() -> Harness<'static, LysplanApp> {
    common::app_harness(lysplan::bundled::doll_plan(), vec2(1280.0, 800.0), 0.25)
}

/// What the About window must say, whichever way it was opened.
fn assert_about_shown(h: &Harness<'_, LysplanApp>) {
    h.get_by_label("About Lysplan");
    h.get_by_label(&format!("Version {}", env!("CARGO_PKG_VERSION")));
    h.get_by_label("Licence: MIT OR Apache-2.0");
    h.get_by_label_contains("Map data © OpenStreetMap contributors");
    h.get_by_label_contains("Open Database Licence (ODbL)");
    h.get_by_label_contains("Tile Usage Policy");
    // Each bundled photometry file with its source; the synthetic ones marked.
    let sources = lysplan::photometry::catalogue::sources();
    for s in &sources {
        // The generic files share one source (the generator).
        assert!(
            h.query_all_by_label_contains(&format!("Source: {}", s.source))
                .count()
                >= 1,
            "{}",
            s.file
        );
    }
    assert_eq!(
        h.query_all_by_label_contains("Generic: generated from the documented model")
            .count(),
        sources.iter().filter(|s| s.is_generic()).count()
    );
    assert_eq!(
        h.query_all_by_label("Generated (synthetic test file), not a measured luminaire.")
            .count(),
        2
    );
    h.get_by_label_contains("osm-unknown.ies");
}

#[test]
fn about_opens_from_the_palette_with_version_licence_and_attributions() {
    let mut h = harness();
    assert!(
        h.query_by_label(&format!("Version {}", env!("CARGO_PKG_VERSION")))
            .is_none()
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::K);
    h.run_steps(2);
    h.get_by_role(Role::TextInput).type_text("about");
    h.run_steps(2);
    h.key_press(Key::Enter);
    h.run_steps(3);
    assert_about_shown(&h);
}

#[test]
fn about_opens_from_the_help_menu() {
    let mut h = harness();
    h.get_by_label("Help").click();
    h.run_steps(3);
    h.get_by_label("About Lysplan…").click();
    h.run_steps(3);
    assert_about_shown(&h);
}

#[test]
fn the_window_icon_decodes() {
    let icon = lysplan::app::about::icon().expect("the embedded PNG decodes");
    assert_eq!((icon.width, icon.height), (256, 256));
}
