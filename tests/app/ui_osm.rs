//! File → Import streets from OpenStreetMap…, headless: the preview of a recorded
//! Overpass response (the hand-made fixture) becomes one undoable edit of the ticked
//! streets and lamps, and an endpoint that cannot be reached (a closed port on the
//! loopback interface; no network) gives a clear message and changes nothing.

use crate::common::{app_harness, click_button};
use egui_kittest::kittest::Queryable;
use lysplan::app::commands::Command;
use lysplan::osm;
use std::path::Path;

fn harness() -> egui_kittest::Harness<'static, lysplan::app::LysplanApp> {
    app_harness(
        lysplan::bundled::doll_plan(),
        egui::vec2(1400.0, 1000.0),
        1.0 / 30.0,
    )
}

fn fixture_import() -> osm::OsmImport {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osm/overpass-hersted.json");
    let text = std::fs::read_to_string(&path).expect("the fixture");
    osm::to_import(&osm::parse_response(&text, &path).expect("parses"))
}

#[test]
fn the_preview_imports_the_ticked_streets_as_one_undoable_edit() {
    let mut h = harness();
    let before = h.state().state.plan().clone();
    let import = fixture_import();
    let fab = lysplan::frame::Polyline::from_lonlat(&import.streets[0].street.points).length();
    h.state_mut().osm.show_preview(import);
    h.run_steps(3);
    h.get_by_label_contains("4 streets from 5 OSM ways (1 ways skipped)");
    h.get_by_label_contains(&format!("Fabriksparken - P3, {fab:.0} m, 2 ways"));
    // Untick the service road, tick the lamps.
    click_button(&mut h, "Unnamed service (OSM way 2004) - P5");
    click_button(
        &mut h,
        "Also add the 3 street lamps as poles of osm-existing",
    );
    assert_eq!(
        h.state().state.plan(),
        &before,
        "nothing changes before the import"
    );
    click_button(&mut h, "Import 3 streets");
    let app = h.state();
    let plan = app.state.plan();
    assert_eq!(plan.streets.len(), before.streets.len() + 3);
    assert!(plan.street("osm-w2004").is_none());
    assert_eq!(plan.poles.len(), before.poles.len() + 3);
    assert!(plan.description.contains("© OpenStreetMap contributors"));
    assert!(
        app.state
            .status
            .contains("3 streets and 3 street lamps added"),
        "{}",
        app.state.status
    );
    assert!(app.osm.preview.is_none(), "the window closes");
    let ctx = h.ctx.clone();
    h.state_mut().run(&ctx, Command::Undo);
    h.run_steps(2);
    assert_eq!(
        h.state().state.plan(),
        &before,
        "one undo takes it all back"
    );
}

#[test]
fn no_network_says_so_and_changes_nothing() {
    let mut h = harness();
    let before = h.state().state.plan().clone();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    h.state_mut().osm.endpoint = format!("http://127.0.0.1:{port}/api/interpreter");
    let ctx = h.ctx.clone();
    h.state_mut().run(&ctx, Command::ImportOsm);
    // The worker answers at once (connection refused); bounded wait, no timing claim.
    for _ in 0..500 {
        h.run_steps(1);
        if !h.state().osm.busy() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run_steps(2);
    let e = h.state().osm.error.clone().expect("an error is shown");
    assert!(
        e.contains("could not reach the Overpass endpoint http://127.0.0.1:"),
        "{e}"
    );
    h.get_by_label_contains("check the network connection");
    assert_eq!(h.state().state.plan(), &before);
}

#[test]
fn the_endpoint_is_typed_in_the_settings_window() {
    let mut h = harness();
    let ctx = h.ctx.clone();
    h.state_mut().run(&ctx, Command::TileSettings);
    h.run_steps(2);
    assert_eq!(h.state().osm.endpoint(), osm::DEFAULT_ENDPOINT);
    let label = "Overpass endpoint (for File > Import streets from OpenStreetMap):";
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, label)
        .focus();
    h.run_steps(2);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, label)
        .type_text("https://overpass.example.org/api/interpreter");
    h.run_steps(2);
    assert_eq!(
        h.state().osm.endpoint(),
        "https://overpass.example.org/api/interpreter"
    );
}
