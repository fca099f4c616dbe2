//! UI tests of route editing (draw a street, move / insert / delete vertices, edit a
//! street's fields), picking a row's ends on the map and assigning vendor sections by
//! chainage: egui_kittest, tiles off, driven by pointer and key events like a user.

use egui::{Event, Key, Modifiers, PointerButton, Pos2, accesskit::Role, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lysplan::app::LysplanApp;

use crate::common;
use common::click_button;
use lysplan::app::state::Tool;
use lysplan::frame::{LonLat, Polyline, Side};
use lysplan::plan::{Plan, Street};

fn harness(plan: Plan) -> Harness<'static, LysplanApp> {
    harness_dt(plan, 0.25)
}

/// The app with frames `dt` seconds apart.
fn harness_dt(plan: Plan, dt: f32) -> Harness<'static, LysplanApp> {
    let mut h = common::app_harness(plan, vec2(1280.0, 800.0), dt);
    // A fixed view (about 0.67 m per point) with the test street well inside the map,
    // whatever width the side panels settle at.
    let c = ll(150.0, 0.0);
    h.state_mut().set_view(c.lon, c.lat, 17.0);
    h.run_steps(3);
    h
}

/// Lon/lat `dx` m east and `dy` m north of the test street's start.
fn ll(dx: f64, dy: f64) -> LonLat {
    lysplan::frame::offset_lonlat(LonLat::new(12.388, 55.685), dx, dy)
}

/// The bundled catalogue and vendors with one straight 300 m street running east (three
/// vertices) and no poles or sections.
fn straight_plan() -> Plan {
    let mut plan = lysplan::bundled::doll_plan();
    plan.streets = vec![Street {
        lanes: 2,
        surface: "C2".into(),
        class_schedule: Vec::new(),
        id: "S1".into(),
        name: "Test road".into(),
        class: None,
        width_m: 7.0,
        points: vec![ll(0.0, 0.0), ll(150.0, 0.0), ll(300.0, 0.0)],
    }];
    plan.sections.clear();
    plan.poles.clear();
    plan
}

fn button(h: &Harness<'_, LysplanApp>, pos: Pos2, b: PointerButton, pressed: bool) {
    h.event(Event::PointerButton {
        pos,
        button: b,
        pressed,
        modifiers: Modifiers::NONE,
    });
}

fn click_with(h: &mut Harness<'_, LysplanApp>, pos: Pos2, b: PointerButton) {
    h.hover_at(pos);
    h.run_steps(1);
    button(h, pos, b, true);
    h.run_steps(1);
    button(h, pos, b, false);
    h.run_steps(2);
}

fn click_at(h: &mut Harness<'_, LysplanApp>, pos: Pos2) {
    click_with(h, pos, PointerButton::Primary);
}

/// Press at `from`, move in ten steps, release at `to`.
fn drag(h: &mut Harness<'_, LysplanApp>, from: Pos2, to: Pos2) {
    h.hover_at(from);
    h.run_steps(1);
    button(h, from, PointerButton::Primary, true);
    h.run_steps(1);
    for k in 1..=10 {
        h.hover_at(from + (to - from) * (k as f32 / 10.0));
        h.run_steps(1);
    }
    button(h, to, PointerButton::Primary, false);
    h.run_steps(2);
}

fn screen(h: &Harness<'_, LysplanApp>, p: LonLat) -> Pos2 {
    h.state().screen_pos(p.lon, p.lat).expect("map drawn")
}

/// Metres per screen point at the test site in the current view.
fn m_per_point(h: &Harness<'_, LysplanApp>) -> f64 {
    let (a, b) = (screen(h, ll(0.0, 0.0)), screen(h, ll(100.0, 0.0)));
    100.0 / f64::from(a.distance(b))
}

/// Edit route tool, then a click on the test road selects it.
fn select_test_road(h: &mut Harness<'_, LysplanApp>) {
    h.key_press(Key::R);
    h.run_steps(1);
    let on_street = screen(h, ll(75.0, 0.0));
    click_at(h, on_street);
}

/// Edit route tool, "Draw a new street", one click per vertex.
fn draw(h: &mut Harness<'_, LysplanApp>, vertices: &[LonLat]) {
    h.key_press(Key::R);
    h.run_steps(1);
    click_button(h, "Draw a new street");
    for p in vertices {
        let at = screen(h, *p);
        click_at(h, at);
    }
}

#[test]
fn a_street_is_drawn_click_by_click_and_finished_with_enter() {
    let mut h = harness(straight_plan());
    h.key_press(Key::R);
    h.run_steps(2);
    assert_eq!(h.state().state.tool, Tool::EditRoute);
    click_button(&mut h, "Draw a new street");
    assert!(h.state().state.route.draft.is_some());
    let corners = [
        ll(0.0, 60.0),
        ll(120.0, 60.0),
        ll(120.0, 140.0),
        ll(60.0, 140.0),
    ];
    for p in corners {
        let at = screen(&h, p);
        click_at(&mut h, at);
    }
    assert_eq!(h.state().state.route.draft.as_ref().map(Vec::len), Some(4));
    // Backspace takes the last vertex back, as in a drawing program.
    h.key_press(Key::Backspace);
    h.run_steps(1);
    assert_eq!(h.state().state.route.draft.as_ref().map(Vec::len), Some(3));
    assert!(
        h.state().state.plan().streets.len() == 1,
        "nothing added yet"
    );
    h.key_press(Key::Enter);
    h.run_steps(2);
    let app = h.state();
    assert_eq!(app.state.plan().streets.len(), 2);
    let s = &app.state.plan().streets[1];
    assert_eq!(s.points.len(), 3);
    assert!(s.name.starts_with("New street"), "{}", s.name);
    let len = Polyline::from_lonlat(&s.points).length();
    // Clicks land on whole screen points: within a point's worth of metres.
    assert!((len - 200.0).abs() < 3.0 * m_per_point(&h), "{len}");
    assert_eq!(app.state.route.street.as_deref(), Some(s.id.as_str()));
    assert!(
        app.state
            .undo_label()
            .is_some_and(|l| l.starts_with("Draw street"))
    );
    // The new street is part of the route at once: the status bar names it.
    let mid = ll(120.0, 100.0);
    assert!(
        app.state
            .street_at(mid)
            .is_some_and(|(name, _, off)| name.starts_with("New street") && off < 3.0)
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().state.plan().streets.len(), 1);
    assert_eq!(h.state().state.route.street, None, "selection follows undo");
}

#[test]
fn escape_cancels_a_drawing_without_an_edit() {
    let mut h = harness(straight_plan());
    draw(&mut h, &[ll(0.0, 60.0), ll(100.0, 60.0)]);
    h.key_press(Key::Escape);
    h.run_steps(2);
    let app = h.state();
    assert!(app.state.route.draft.is_none());
    assert_eq!(app.state.plan().streets.len(), 1);
    assert!(!app.state.can_undo() && !app.state.is_dirty());
}

#[test]
fn vertices_are_moved_inserted_and_deleted_on_the_map() {
    let mut h = harness(straight_plan());
    select_test_road(&mut h);
    assert_eq!(h.state().state.route.street.as_deref(), Some("S1"));
    h.get_by_label_contains("3 vertices");

    // Drag the middle vertex 40 points north (up).
    let v1 = screen(&h, ll(150.0, 0.0));
    let view = h.state().view();
    drag(&mut h, v1, v1 - vec2(0.0, 40.0));
    let mpp = m_per_point(&h);
    {
        let app = h.state();
        assert_eq!(
            app.view(),
            view,
            "the map does not pan under a dragged vertex"
        );
        let p = app.state.plan().streets[0].points[1];
        let moved = p.to_xy();
        let o = ll(150.0, 0.0).to_xy();
        assert!(
            (moved.y - o.y - 40.0 * mpp).abs() < 2.0 * mpp,
            "{}",
            moved.y - o.y
        );
        assert!((moved.x - o.x).abs() < 2.0 * mpp);
        assert_eq!(app.state.undo_label(), Some("Move vertex 2 of Test road"));
        assert_eq!(app.state.route.vertex, Some(1));
    }

    // Drag the round handle in the middle of the first segment: inserts a vertex.
    let (a, b) = {
        let pts = &h.state().state.plan().streets[0].points;
        (screen(&h, pts[0]), screen(&h, pts[1]))
    };
    let mid = a.lerp(b, 0.5);
    drag(&mut h, mid, mid + vec2(0.0, 30.0));
    assert_eq!(h.state().state.plan().streets[0].points.len(), 4);
    assert_eq!(
        h.state().state.undo_label(),
        Some("Insert a vertex in Test road")
    );
    let inserted = screen(&h, h.state().state.plan().streets[0].points[1]);
    assert!(
        inserted.distance(mid + vec2(0.0, 30.0)) < 1.5,
        "{inserted:?}"
    );

    // Right-click deletes a vertex; Delete deletes the selected one; two always stay.
    click_with(&mut h, inserted, PointerButton::Secondary);
    assert_eq!(h.state().state.plan().streets[0].points.len(), 3);
    h.state_mut().state.route.vertex = Some(0);
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert_eq!(h.state().state.plan().streets[0].points.len(), 2);
    h.key_press(Key::Delete);
    h.run_steps(2);
    h.state_mut().state.route.vertex = Some(0);
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert_eq!(
        h.state().state.plan().streets[0].points.len(),
        2,
        "two stay"
    );
    assert!(h.state().state.status.contains("at least two"));

    // Each step is one undo.
    for n in [3, 4, 3] {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run_steps(2);
        assert_eq!(h.state().state.plan().streets[0].points.len(), n);
    }
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().state.plan(), &straight_plan());
}

/// Replaces the text of a field of the street panel and presses Enter.
fn retype(h: &mut Harness<'_, LysplanApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run_steps(1);
    h.key_press(Key::End);
    for _ in 0..20 {
        h.key_press(Key::Backspace);
    }
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(2);
}

#[test]
fn street_name_and_width_are_edited_and_a_bad_width_is_refused() {
    let mut h = harness(straight_plan());
    select_test_road(&mut h);
    retype(&mut h, "Width", "0");
    h.get_by_label_contains("Refused: width 0 m");
    assert_eq!(h.state().state.plan().streets[0].width_m, 7.0);
    assert!(!h.state().state.can_undo());
    retype(&mut h, "Width", "9,5");
    assert_eq!(h.state().state.plan().streets[0].width_m, 9.5);
    retype(&mut h, "Name", "Fabriksparken Øst");
    assert_eq!(h.state().state.plan().streets[0].name, "Fabriksparken Øst");
    assert_eq!(
        h.state().state.undo_label(),
        Some("Rename Test road to Fabriksparken Øst")
    );
}

/// Issue 26: the street editor edits the class schedule, one undoable edit; a class of
/// another family is refused with the reason.
#[test]
fn a_streets_class_schedule_is_edited_and_undone() {
    use lysplan::plan::LightingClass::{M3, M4, M5};
    let mut plan = straight_plan();
    plan.streets[0].class = Some(M3);
    let mut h = harness(plan);
    select_test_road(&mut h);
    retype(&mut h, "Class schedule", "22:00 M4, 00:00 M5");
    assert_eq!(
        h.state().state.plan().streets[0].class_schedule,
        vec![("22:00".to_string(), M4), ("00:00".to_string(), M5)]
    );
    assert_eq!(
        h.state().state.undo_label(),
        Some("Set class schedule of Test road to 22:00 M4, 00:00 M5")
    );
    retype(&mut h, "Class schedule", "22:00 C3");
    h.get_by_label_contains("family");
    assert_eq!(h.state().state.plan().streets[0].class_schedule.len(), 2);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert!(h.state().state.plan().streets[0].class_schedule.is_empty());
    assert!(!h.state().state.can_undo());
}

#[test]
fn a_rows_ends_are_picked_with_two_clicks_on_the_map() {
    let mut h = harness(straight_plan());
    click_button(&mut h, "Pick ends on the map");
    // 8 m south of a street running east: its right-hand side.
    let from = screen(&h, ll(40.0, -8.0));
    click_at(&mut h, from);
    // A click far from any street is refused and picking goes on.
    let nowhere = screen(&h, ll(150.0, -200.0));
    click_at(&mut h, nowhere);
    assert!(h.state().state.status.contains("No street within"));
    let to = screen(&h, ll(250.0, -8.0));
    click_at(&mut h, to);
    let app = h.state();
    assert_eq!(app.row.picking, None);
    assert_eq!(app.row.spec.street, "S1");
    assert_eq!(app.row.spec.side, Side::Right);
    let mpp = m_per_point(&h);
    assert!(
        (app.row.spec.from_m - 40.0).abs() < mpp + 0.1,
        "{}",
        app.row.spec.from_m
    );
    assert!(
        (app.row.spec.to_m - 250.0).abs() < mpp + 0.1,
        "{}",
        app.row.spec.to_m
    );
    assert!(!app.row.preview_poles().is_empty(), "the row is previewed");
    assert!(app.state.plan().poles.is_empty(), "picking adds nothing");
    assert!(!app.state.is_dirty());
}

#[test]
fn a_vendors_section_is_assigned_by_chainage_in_the_vendors_panel() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let (vendor, vendor_name, street) = {
        let plan = &h.state().state.plan();
        let s = &plan.sections[0];
        (
            s.vendor.clone(),
            plan.vendor(&s.vendor).unwrap().name.clone(),
            s.street.clone(),
        )
    };
    h.get_by_role_and_label(Role::Button, &vendor_name)
        .scroll_to_me();
    h.run_steps(3);
    h.get_by_role_and_label(Role::Button, &vendor_name).click();
    h.run_steps(2);
    assert_eq!(
        h.state().vendors_panel.editing.as_deref(),
        Some(vendor.as_str())
    );
    h.get_by_label_contains("Sections of");
    assert_eq!(
        h.state().vendors_panel.editing.as_deref(),
        Some(vendor.as_str())
    );
    // A section beyond the street's end is refused with the reason.
    h.state_mut().vendors_panel.drafts[0].to_m = 1e5;
    click_button(&mut h, "Apply");
    h.get_by_label_contains("Refused: section 1");
    assert!(!h.state().state.is_dirty());
    {
        let d = &mut h.state_mut().vendors_panel.drafts[0];
        d.from_m = 10.0;
        d.to_m = 110.0;
    }
    click_button(&mut h, "Apply");
    let app = h.state();
    let s = app
        .state
        .plan()
        .sections
        .iter()
        .find(|s| s.vendor == vendor)
        .unwrap();
    assert_eq!(
        (s.street.as_str(), s.from_m, s.to_m),
        (street.as_str(), 10.0, 110.0)
    );
    assert_eq!(app.vendors_panel.editing, None);
    assert_eq!(
        app.state.undo_label(),
        Some(format!("Edit vendor {vendor_name}").as_str())
    );
}

#[test]
fn a_double_click_finishes_the_street_and_does_not_zoom() {
    let mut h = harness_dt(straight_plan(), 0.05);
    draw(&mut h, &[ll(0.0, 60.0), ll(100.0, 60.0)]);
    let view = h.state().view();
    let end = screen(&h, ll(100.0, 160.0));
    h.hover_at(end);
    // Half a second after the last click, so this is a double- and not a triple-click.
    h.run_steps(10);
    // Two clicks 0.1 s apart (frames of 0.05 s here), well inside the double-click time.
    for pressed in [true, false, true, false] {
        button(&h, end, PointerButton::Primary, pressed);
        h.run_steps(1);
    }
    h.run_steps(2);
    let app = h.state();
    assert!(
        app.state.route.draft.is_none(),
        "finished: {:?}",
        app.state.route.draft.as_ref().map(Vec::len)
    );
    assert_eq!(app.state.plan().streets.len(), 2);
    assert_eq!(app.state.plan().streets[1].points.len(), 3);
    assert_eq!(app.view(), view, "double-click does not zoom while drawing");
}

/// What a planner sees while editing the route of the bundled plan: the street panel, the
/// selected street's vertex and midpoint handles, a street being drawn. Committed so a
/// change in any of it shows up in review.
#[test]
fn route_editor_snapshot() {
    let mut h = harness(lysplan::bundled::doll_plan());
    common::wait_for_coverage(&mut h);
    h.key_press(Key::R);
    h.run_steps(1);
    h.state_mut()
        .state
        .select_street(Some("fabriksparken".into()));
    h.state_mut().state.route.vertex = Some(1);
    let e = h.state().state.extent().expect("the plan has geometry");
    h.state_mut()
        .set_view((e[0] + e[2]) / 2.0, (e[1] + e[3]) / 2.0, 15.4);
    h.run_steps(2);
    h.remove_cursor();
    h.run_steps(2);
    h.snapshot("route_editor");
}

#[test]
fn a_new_vendor_is_added_named_coloured_and_given_a_section_in_the_app() {
    let mut h = harness(straight_plan());
    let n = h.state().state.plan().vendors.len();
    click_button(&mut h, "Add a vendor");
    let id = h
        .state()
        .vendors_panel
        .editing
        .clone()
        .expect("its editor opens");
    assert_eq!(h.state().state.plan().vendors.len(), n + 1);
    h.get_by_role_and_label(Role::TextInput, "Name").focus();
    h.run_steps(1);
    h.key_press(Key::End);
    for _ in 0..20 {
        h.key_press(Key::Backspace);
    }
    h.get_by_role_and_label(Role::TextInput, "Name")
        .type_text("DTU Lys");
    h.run_steps(1);
    h.state_mut().vendors_panel.color = [10, 200, 30];
    click_button(&mut h, "Add a section");
    {
        let d = &mut h.state_mut().vendors_panel.drafts[0];
        assert_eq!(d.street, "S1");
        d.from_m = 100.0;
        d.to_m = 200.0;
    }
    click_button(&mut h, "Apply");
    let app = h.state();
    let v = app.state.plan().vendor(&id).unwrap();
    assert_eq!((v.name.as_str(), v.color), ("DTU Lys", [10, 200, 30]));
    let s = app
        .state
        .plan()
        .sections
        .iter()
        .find(|s| s.vendor == id)
        .unwrap();
    assert_eq!((s.from_m, s.to_m), (100.0, 200.0));
    // The map and the legend use the new colour at once.
    h.get_by_label("DTU Lys");
    assert_eq!(
        app.vendor_color(&id),
        Some(egui::Color32::from_rgb(10, 200, 30))
    );
}
