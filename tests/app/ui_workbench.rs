//! UI tests of the planner's workbench tools (egui_kittest, tiles off): the row tool,
//! box select, the findings filters and the settings window.

use egui::{Event, Key, Modifiers, PointerButton, Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lysplan::app::LysplanApp;

use crate::common;
use common::click_button;
use lysplan::edit::row::RowSpacing;
use lysplan::frame::{LonLat, Side, Xy, to_utm32};
use lysplan::plan::{Plan, Street};

fn harness(plan: Plan) -> Harness<'static, LysplanApp> {
    common::app_harness(plan, vec2(1280.0, 800.0), 0.25)
}

fn press(h: &Harness<'_, LysplanApp>, pos: Pos2, pressed: bool) {
    h.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    });
}

/// The bundled catalogue and vendors with one straight 300 m street running east and no
/// poles or sections: chainage along it is unambiguous.
fn straight_plan() -> Plan {
    let mut plan = lysplan::bundled::doll_plan();
    let o = to_utm32(12.388, 55.685);
    let ll = |dx: f64| LonLat::from_xy(Xy::new(o.x + dx, o.y));
    plan.streets = vec![Street {
        lanes: 2,
        surface: "C2".into(),
        class_schedule: Vec::new(),
        id: "S1".into(),
        name: "Test road".into(),
        class: None,
        width_m: 7.0,
        points: vec![ll(0.0), ll(150.0), ll(300.0)],
    }];
    plan.sections.clear();
    plan.poles.clear();
    plan
}

#[test]
fn row_is_previewed_then_added_as_one_edit_and_undo_removes_it_all() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let before = h.state().state.plan().poles.clone();
    {
        let app = h.state_mut();
        let street = app.state.plan().streets[0].id.clone();
        app.row.spec.street = street;
        app.row.spec.from_m = 0.0;
        app.row.spec.to_m = 60.0;
        app.row.by_count = true;
        app.row.count = 5;
    }
    h.run_steps(1);
    assert!(h.state().row.preview_poles().is_empty(), "no preview yet");
    click_button(&mut h, "Preview row");
    assert_eq!(h.state().row.preview_poles().len(), 5);
    assert_eq!(
        h.state().state.plan().poles,
        before,
        "a preview is not an edit"
    );
    assert!(!h.state().state.is_dirty());
    click_button(&mut h, "Add 5 poles");
    let app = h.state();
    assert_eq!(app.state.plan().poles.len(), before.len() + 5);
    assert_eq!(app.state.selection.len(), 5, "the new row is selected");
    assert!(app.row.preview_poles().is_empty(), "preview ends on commit");
    assert!(
        app.state
            .undo_label()
            .is_some_and(|l| l.starts_with("Add a row of 5 poles")),
        "{:?}",
        app.state.undo_label()
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(
        h.state().state.plan().poles,
        before,
        "one undo removes the row"
    );
    assert!(!h.state().state.can_undo());
}

#[test]
fn row_spacing_along_the_street_is_the_requested_spacing() {
    let mut h = harness(straight_plan());
    {
        let app = h.state_mut();
        app.row.spec.street = "S1".into();
        app.row.spec.side = Side::Left;
        app.row.spec.from_m = 12.0;
        app.row.spec.to_m = 290.0;
        app.row.spec.offset_m = 5.5;
        app.row.by_count = false;
        app.row.spacing_m = 27.5;
    }
    h.run_steps(1);
    click_button(&mut h, "Preview row");
    // 12, 39.5, ..., 287: 11 poles.
    click_button(&mut h, "Add 11 poles");
    let app = h.state();
    assert_eq!(app.state.plan().poles.len(), 11);
    let stations: Vec<_> = (0..11)
        .map(|i| *app.state.checker().station(i).expect("pole on the street"))
        .collect();
    for w in stations.windows(2) {
        let d = w[1].chainage_m - w[0].chainage_m;
        assert!((d - 27.5).abs() < 1e-3, "spacing {d}");
    }
    for s in &stations {
        assert!((s.offset_m - 5.5).abs() < 1e-3, "offset {}", s.offset_m);
        assert_eq!(s.side, Side::Left);
    }
    assert!((stations[0].chainage_m - 12.0).abs() < 1e-3);
    // Facing the street: left of an eastward street, so grid south.
    for p in &app.state.plan().poles {
        let grid = lysplan::frame::true_to_grid_bearing(p.azimuth_deg, p.lon, p.lat);
        assert!((grid - 180.0).abs() < 1e-6, "grid bearing {grid}");
    }
    assert!(
        !app.state
            .findings()
            .iter()
            .any(|f| f.rule.as_str().starts_with("spacing")),
        "{:?}",
        app.state.findings()
    );
}

#[test]
fn fill_this_vendors_section_takes_its_chainages() {
    let mut plan = straight_plan();
    let vendor = plan.vendors[0].id.clone();
    plan.sections.push(lysplan::plan::Section {
        id: "SEC1".into(),
        vendor: vendor.clone(),
        street: "S1".into(),
        from_m: 40.0,
        to_m: 160.0,
    });
    let mut h = harness(plan);
    {
        let app = h.state_mut();
        app.row.spec.street = "S1".into();
        app.row.spec.vendor = vendor;
        app.row.spacing_m = 30.0;
    }
    h.run_steps(1);
    click_button(&mut h, "Fill this vendor's section SEC1");
    let app = h.state();
    assert_eq!((app.row.spec.from_m, app.row.spec.to_m), (40.0, 160.0));
    assert_eq!(app.row.spec.spacing, RowSpacing::Every(30.0));
    assert_eq!(app.row.preview_poles().len(), 5, "previewed at once");
}

#[test]
fn shift_drag_selects_exactly_the_poles_in_the_box() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let app = h.state();
    let rect = app.map_rect().unwrap();
    let screen: Vec<(String, Pos2)> = app
        .state
        .plan()
        .poles
        .iter()
        .filter_map(|p| Some((p.id.to_string(), app.screen_pos(p.lon, p.lat)?)))
        .collect();
    // A box around the middle of the map, started on empty ground.
    let centre = rect.center();
    let start = (0..40)
        .map(|k| centre + vec2(-120.0 - 3.0 * k as f32, -90.0 - 2.0 * k as f32))
        .find(|s| screen.iter().all(|(_, p)| p.distance(*s) > 15.0))
        .expect("empty ground for the box corner");
    let end = centre + vec2(130.0, 100.0);
    let boxr = egui::Rect::from_two_pos(start, end);
    let mut expected: Vec<String> = screen
        .iter()
        .filter(|(_, p)| boxr.contains(*p))
        .map(|(id, _)| id.clone())
        .collect();
    expected.sort();
    assert!(expected.len() >= 2, "box holds poles: {}", expected.len());
    assert!(expected.len() < screen.len(), "box does not hold all poles");
    let view_before = h.state().view();
    h.hover_at(start);
    h.run_steps(1);
    h.event(Event::ModifiersChanged(Modifiers::SHIFT));
    press(&h, start, true);
    h.run_steps(1);
    for k in 1..=10 {
        h.hover_at(start + (end - start) * (k as f32 / 10.0));
        h.run_steps(1);
    }
    press(&h, end, false);
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run_steps(2);
    let app = h.state();
    let got: Vec<String> = app.state.selection.iter().cloned().collect();
    assert_eq!(got, expected);
    assert_eq!(app.view(), view_before, "box select does not pan the map");
    assert!(!app.state.is_dirty(), "selecting is not an edit");
}

#[test]
fn findings_filter_by_vendor_and_severity() {
    let mut plan = lysplan::bundled::doll_plan();
    // For two vendors, put a second pole of the vendor 4 m east of its first pole: one
    // spacing.min error per vendor.
    let vendors: Vec<String> = plan.vendors.iter().take(2).map(|v| v.id.clone()).collect();
    let mut pairs = Vec::new();
    for v in &vendors {
        let idx: Vec<usize> = (0..plan.poles.len())
            .filter(|&i| plan.poles[i].vendor == *v)
            .take(2)
            .collect();
        let (a, b) = (idx[0], idx[1]);
        let (lon, lat) = (plan.poles[a].lon, plan.poles[a].lat);
        plan.poles[b].lon = lon + 4.0 / (111_320.0 * lat.to_radians().cos());
        plan.poles[b].lat = lat;
        pairs.push((plan.poles[a].id.to_string(), plan.poles[b].id.to_string()));
    }
    // The finding of each: a pair ("P073–P074: ..."), or a group when a third pole
    // stands within 10 m of the moved one ("P096, P097, P168: 3 poles ..."). The list
    // shows the message up to its colon.
    let findings = lysplan::check::run(&plan);
    let pairs: Vec<String> = pairs
        .iter()
        .map(|(a, b)| {
            let f = findings
                .iter()
                .find(|f| f.rule == "spacing.min" && f.poles.contains(a) && f.poles.contains(b))
                .expect("a spacing.min finding with both poles");
            f.message.split(':').next().unwrap_or_default().to_string()
        })
        .collect();
    let mut h = harness(plan);
    for p in &pairs {
        h.get_by_label_contains(&format!("spacing.min — {p}"));
    }
    h.state_mut().findings_filter.vendor = Some(vendors[0].clone());
    h.run_steps(2);
    h.get_by_label_contains(&format!("spacing.min — {}", pairs[0]));
    assert!(
        h.query_by_label_contains(&format!("spacing.min — {}", pairs[1]))
            .is_none(),
        "the other vendor's finding is filtered out"
    );
    // Severity: only warnings hides the spacing.min errors.
    h.state_mut().findings_filter.vendor = None;
    h.state_mut().findings_filter.severity = Some(lysplan::check::Severity::Warning);
    h.run_steps(2);
    assert!(h.query_by_label_contains("spacing.min — ").is_none());
    // Sorting by pole keeps every finding, ordered by first pole id.
    let app = h.state();
    let mut f = app.findings_filter.clone();
    f.severity = None;
    f.sort = lysplan::app::panels::findings::SortBy::Pole;
    let shown = lysplan::app::panels::findings::visible(app.state.findings(), app.state.plan(), &f);
    assert_eq!(shown.len(), app.state.findings().len());
    let firsts: Vec<_> = shown.iter().filter_map(|f| f.poles.first()).collect();
    assert!(firsts.windows(2).all(|w| w[0] <= w[1]), "{firsts:?}");
}

#[test]
fn settings_refuse_a_tile_url_without_z_x_y() {
    let mut h = harness(lysplan::bundled::doll_plan());
    h.state_mut().settings.open = true;
    h.state_mut().settings.draft.url_template = "https://tiles.example.org/{z}/{x}.png".into();
    h.state_mut().settings.draft.attribution = "© Example".into();
    h.run_steps(2);
    h.get_by_label_contains("Tile cache folder");
    h.get_by_label("Apply tile server").click();
    h.run_steps(2);
    h.get_by_label_contains("must contain {z}, {x} and {y}");
    assert!(h.state().tile_server().is_none());
    h.state_mut().settings.draft.url_template = "https://tiles.example.org/{z}/{x}/{y}.png".into();
    h.run_steps(1);
    h.get_by_label("Apply tile server").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("must contain").is_none());
    let t = h.state().tile_server().expect("applied");
    assert_eq!(t.url_template, "https://tiles.example.org/{z}/{x}/{y}.png");
    assert_eq!(t.attribution, "© Example");
}
