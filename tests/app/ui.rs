//! UI tests of the desktop app, headless (egui_kittest), with map tiles off (no network).

use egui::{Event, Key, Modifiers, PointerButton, Pos2, accesskit::Role, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lysplan::app::LysplanApp;

use crate::common;
use lysplan::plan::Plan;

fn harness(plan: Plan) -> Harness<'static, LysplanApp> {
    let mut h = common::app_harness(plan, vec2(1280.0, 800.0), 0.25);
    common::wait_for_coverage(&mut h);
    h
}

fn press(h: &Harness<'_, LysplanApp>, pos: Pos2, pressed: bool, modifiers: Modifiers) {
    h.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers,
    });
}

/// Press at `start`, move `step` ten times a frame apart, release at the end.
fn drag(h: &mut Harness<'_, LysplanApp>, start: Pos2, step: egui::Vec2, modifiers: Modifiers) {
    h.hover_at(start);
    h.run_steps(1);
    press(h, start, true, modifiers);
    h.run_steps(1);
    for k in 1..=10 {
        h.hover_at(start + step * k as f32);
        h.run_steps(1);
    }
    press(h, start + step * 10.0, false, modifiers);
}

fn click_at(h: &mut Harness<'_, LysplanApp>, pos: Pos2) {
    h.hover_at(pos);
    h.run_steps(1);
    press(h, pos, true, Modifiers::NONE);
    h.run_steps(1);
    press(h, pos, false, Modifiers::NONE);
    h.run_steps(2);
}

fn pole_screen(h: &Harness<'_, LysplanApp>, id: &str) -> Pos2 {
    let app = h.state();
    let p = app.state.plan().pole(id).expect("pole exists");
    app.screen_pos(p.lon, p.lat).expect("map drawn")
}

/// A pole of the bundled plan that is visible on the map.
fn visible_pole(h: &Harness<'_, LysplanApp>) -> String {
    let rect = h.state().map_rect().expect("map drawn").shrink(40.0);
    h.state()
        .state
        .plan()
        .poles
        .iter()
        .find(|p| rect.contains(h.state().screen_pos(p.lon, p.lat).unwrap_or_default()))
        .map(|p| p.id.to_string())
        .expect("some pole is on screen")
}

#[test]
fn clicking_the_map_adds_a_pole_and_the_findings_update() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let before = h.state().state.plan().poles.len();
    assert!(
        h.state()
            .state
            .findings()
            .iter()
            .all(|f| f.rule != "spacing.min")
    );
    h.get_by_label("Add pole").click();
    h.run_steps(2);
    // 4 m east of an existing pole: closer than the 10 m minimum spacing.
    let near = {
        let app = h.state();
        let p = app.state.plan().pole(&visible_pole(&h)).unwrap().clone();
        app.screen_pos(p.lon + 4.0 / (111_320.0 * p.lat.to_radians().cos()), p.lat)
            .unwrap()
    };
    click_at(&mut h, near);
    let app = h.state();
    assert_eq!(app.state.plan().poles.len(), before + 1);
    let new_id = app.state.plan().poles.last().unwrap().id.clone();
    assert!(app.state.is_dirty());
    let f = app
        .state
        .findings()
        .iter()
        .find(|f| f.rule == "spacing.min")
        .expect("a spacing.min finding");
    assert!(f.poles.contains(&new_id.to_string()), "{f:?}");
    // The findings panel lists it.
    h.get_by_label_contains("spacing.min");
    assert!(h.state().state.title().ends_with('•'));
}

#[test]
fn dragging_a_pole_moves_it_and_undo_puts_it_back() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let id = visible_pole(&h);
    let start = pole_screen(&h, &id);
    let (lon0, lat0) = {
        let p = h.state().state.plan().pole(&id).unwrap();
        (p.lon, p.lat)
    };
    let view_before = h.state().view();
    // Alt frees the pole from its street: it follows the pointer exactly.
    h.event(Event::ModifiersChanged(Modifiers::ALT));
    drag(&mut h, start, vec2(4.0, 3.0), Modifiers::ALT);
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run_steps(2);
    let app = h.state();
    let p = app.state.plan().pole(&id).unwrap();
    assert!(
        (p.lon - lon0).abs() > 1e-6 && (p.lat - lat0).abs() > 1e-6,
        "pole moved"
    );
    let now = app.screen_pos(p.lon, p.lat).unwrap();
    assert!(
        (now - (start + vec2(40.0, 30.0))).length() < 1.0,
        "pole under the pointer: {now:?}, start {start:?}"
    );
    assert_eq!(
        app.view(),
        view_before,
        "the map did not pan under a dragged pole"
    );
    assert_eq!(
        app.state.undo_label(),
        Some(format!("Move pole {id}").as_str())
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    let p = h.state().state.plan().pole(&id).unwrap();
    assert_eq!((p.lon, p.lat), (lon0, lat0));
}

#[test]
fn dragging_a_pole_slides_it_along_its_street_at_the_same_offset() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let id = visible_pole(&h);
    let i = h.state().state.pole_index(&id).unwrap();
    let before = *h.state().state.checker().station(i).unwrap();
    let start = pole_screen(&h, &id);
    drag(&mut h, start, vec2(3.0, 5.0), Modifiers::NONE);
    h.run_steps(2);
    let app = h.state();
    let after = *app.state.checker().station(i).unwrap();
    assert_eq!(after.street(), before.street(), "still on its street");
    assert_eq!(after.side, before.side);
    assert!(
        (after.offset_m - before.offset_m).abs() < 0.01,
        "offset kept: {} -> {}",
        before.offset_m,
        after.offset_m
    );
    assert!(
        (after.chainage_m - before.chainage_m).abs() > 1.0,
        "it moved along the street: {} -> {}",
        before.chainage_m,
        after.chainage_m
    );
    assert_eq!(
        app.state.undo_label(),
        Some(format!("Move pole {id}").as_str())
    );
}

#[test]
fn dragging_empty_map_pans() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let rect = h.state().map_rect().unwrap();
    // A corner of the map far from the route.
    let start = rect.left_bottom() + vec2(15.0, -60.0);
    let view_before = h.state().view();
    h.hover_at(start);
    h.run_steps(1);
    press(&h, start, true, Modifiers::NONE);
    for k in 1..=10 {
        h.hover_at(start + vec2(5.0 * k as f32, 0.0));
        h.run_steps(1);
    }
    press(&h, start + vec2(50.0, 0.0), false, Modifiers::NONE);
    h.run_steps(2);
    assert_ne!(h.state().view().0, view_before.0);
    assert!(!h.state().state.is_dirty(), "panning is not an edit");
}

#[test]
fn select_delete_undo_redo() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let id = visible_pole(&h);
    let n = h.state().state.plan().poles.len();
    let at = pole_screen(&h, &id);
    click_at(&mut h, at);
    assert!(h.state().state.selection.contains(&id));
    assert!(
        !h.state().state.can_undo(),
        "a click on a pole does not move it"
    );
    h.get_by_label_contains(&format!("Pole {id}"));
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert_eq!(h.state().state.plan().poles.len(), n - 1);
    assert!(h.state().state.plan().pole(&id).is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(h.state().state.plan().pole(&id).is_some());
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(2);
    assert!(h.state().state.plan().pole(&id).is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run_steps(2);
    assert!(
        h.state().state.plan().pole(&id).is_none(),
        "Ctrl+Y redoes too"
    );
}

#[test]
fn clicking_a_finding_selects_its_poles_and_centres_the_map() {
    let mut plan = lysplan::bundled::doll_plan();
    // Put the last pole 4 m east of the first: a spacing.min violation.
    let (lon, lat) = (plan.poles[0].lon, plan.poles[0].lat);
    let last = plan.poles.len() - 1;
    plan.poles[last].lon = lon + 4.0 / (111_320.0 * lat.to_radians().cos());
    plan.poles[last].lat = lat;
    let (a, b) = (
        plan.poles[0].id.to_string(),
        plan.poles[last].id.to_string(),
    );
    let mut h = harness(plan);
    let label = format!("{}–{}", a.clone().min(b.clone()), a.clone().max(b.clone()));
    // The coverage findings come first in the list, this one may be scrolled out of
    // view: click it through accesskit.
    h.get_by_label_contains(&label).click_accesskit();
    h.run_steps(3);
    let app = h.state();
    assert!(app.state.selection.contains(&a) && app.state.selection.contains(&b));
    let (centre, zoom) = app.view();
    assert!(
        (centre.lon - lon).abs() < 1e-4 && (centre.lat - lat).abs() < 1e-4,
        "{centre:?}"
    );
    assert!(zoom >= 18.0);
}

/// Replaces the text of the inspector's Height field.
fn retype(h: &mut Harness<'_, LysplanApp>, text: &str) {
    h.get_by_role_and_label(Role::TextInput, "Height").focus();
    h.run_steps(1);
    h.key_press(Key::End);
    for _ in 0..12 {
        h.key_press(Key::Backspace);
    }
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "Height")
        .type_text(text);
    h.run_steps(1);
}

#[test]
fn inspector_refuses_an_invalid_height_with_a_reason() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let id = visible_pole(&h);
    let at = pole_screen(&h, &id);
    click_at(&mut h, at);
    let height_before = h.state().state.plan().pole(&id).unwrap().height_m;
    retype(&mut h, "0");
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(2);
    assert_eq!(
        h.state().state.plan().pole(&id).unwrap().height_m,
        height_before
    );
    h.get_by_label_contains("Refused");
    h.get_by_label_contains("height > 0");
    assert!(!h.state().state.can_undo(), "a refused edit is not an edit");

    // A valid value is applied and undoable.
    retype(&mut h, "6.5");
    h.key_press(Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().state.plan().pole(&id).unwrap().height_m, 6.5);
    assert!(h.state().state.can_undo());
}

#[test]
fn measure_tool_reports_distances() {
    let mut h = harness(lysplan::bundled::doll_plan());
    h.get_by_label("Measure").click();
    h.run_steps(1);
    let rect = h.state().map_rect().unwrap();
    let a = rect.center();
    click_at(&mut h, a);
    click_at(&mut h, a + vec2(100.0, 0.0));
    let m = h.state().state.measurement.expect("a measurement");
    let (straight, _) = h.state().state.measure(m.a, m.b.unwrap());
    assert!(straight > 1.0);
    h.get_by_label_contains(&format!("Measured: {straight:.1} m straight"));
    h.key_press(Key::Escape);
    h.run_steps(1);
    assert!(h.state().state.measurement.is_none());
}

#[test]
fn main_window_snapshot() {
    let mut h = harness(lysplan::bundled::doll_plan());
    h.remove_cursor();
    h.run_steps(2);
    h.snapshot("main_window");
}

/// File → "Import streets (type a path)…", type `path`, OK.
fn import_streets_by_typed_path(h: &mut Harness<'_, LysplanApp>, path: &std::path::Path) {
    h.get_by_label("File").click();
    h.run_steps(3);
    h.get_by_label("Export GeoJSON…").hover();
    h.run_steps(2);
    h.get_by_label("Import streets (type a path)…").click();
    h.run_steps(3);
    h.get_by_role(Role::TextInput).focus();
    h.run_steps(1);
    h.get_by_role(Role::TextInput)
        .type_text(&path.display().to_string());
    h.run_steps(1);
    h.get_by_label("OK").click();
}

#[test]
fn importing_streets_from_a_qgis_export_is_one_undoable_edit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("roads.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"name":"Ny Vej","class":"P4"},
           "geometry":{"type":"LineString","coordinates":[[12.380,55.686],[12.384,55.686]]}}]}"#,
    )
    .expect("write");
    let mut h = harness(lysplan::bundled::doll_plan());
    let n = h.state().state.plan().streets.len();
    // Through the typed-path form, as on a desktop without a file dialog.
    import_streets_by_typed_path(&mut h, &path);
    h.run_steps(2);
    let plan = &h.state().state.plan();
    assert_eq!(plan.streets.len(), n + 1);
    assert_eq!(
        plan.street("ny-vej").map(|s| s.class),
        Some(Some(lysplan::plan::LightingClass::P4))
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().state.plan().streets.len(), n);

    // A broken file: an error naming the file, and no change.
    std::fs::write(&path, "{not json").expect("write");
    import_streets_by_typed_path(&mut h, &path);
    h.run_steps(4);
    h.get_by_label_contains("roads.geojson:1:2");
    assert_eq!(h.state().state.plan().streets.len(), n);
}

/// Opens combo box `label` and picks `item`, with press and release in separate frames
/// as a person clicks (egui's popups ignore a click that opens and closes in one frame).
fn choose(h: &mut Harness<'_, LysplanApp>, label: &str, item: &str) {
    let at = h
        .get_by_role_and_label(Role::ComboBox, label)
        .rect()
        .center();
    click_at(h, at);
    h.run_steps(2);
    // The entry in the popup: the last node with that label (the legend may have one).
    let at = h
        .query_all_by_label(item)
        .last()
        .expect("the popup lists the entry")
        .rect()
        .center();
    click_at(h, at);
}

/// The value a combo box shows.
fn combo_value(h: &Harness<'_, LysplanApp>, label: &str) -> String {
    use egui_kittest::kittest::NodeT;
    h.get_by_role_and_label(Role::ComboBox, label)
        .accesskit_node()
        .value()
        .unwrap_or_default()
}

#[test]
fn inspector_shows_and_changes_the_vendor_and_luminaire_of_the_selection() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let id = visible_pole(&h);
    let at = pole_screen(&h, &id);
    click_at(&mut h, at);
    let (vendor_name, other, other_name, lum) = {
        let plan = &h.state().state.plan();
        let p = plan.pole(&id).unwrap();
        let other = plan.vendors.iter().find(|v| v.id != p.vendor).unwrap();
        let lum = plan
            .luminaires
            .iter()
            .find(|l| l.id != p.luminaire)
            .unwrap();
        (
            plan.vendor(&p.vendor).unwrap().name.clone(),
            other.id.clone(),
            other.name.clone(),
            lum.clone(),
        )
    };
    assert_eq!(combo_value(&h, "Pole vendor"), vendor_name);
    choose(&mut h, "Pole vendor", &other_name);
    assert_eq!(h.state().state.plan().pole(&id).unwrap().vendor, other);
    choose(&mut h, "Pole luminaire", &lum.name);
    assert_eq!(h.state().state.plan().pole(&id).unwrap().luminaire, lum.id);
    assert_eq!(
        h.state().state.undo_label(),
        Some(format!("Fit {}", lum.name).as_str())
    );
    h.run_steps(2);
    assert_eq!(combo_value(&h, "Pole vendor"), other_name);
    assert!(lum.name.starts_with(&combo_value(&h, "Pole luminaire")));
}
