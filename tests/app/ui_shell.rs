//! UI tests of the app shell: the unsaved-changes question keeps what was asked, the
//! command palette and the F1 help come from the command table, the wheel zooms about
//! the cursor, Esc cancels a drag, typed paths submit with Enter, the inspector keeps the
//! last good value, and the plan settings edit is undoable.

use egui::{Event, Key, Modifiers, PointerButton, Pos2, accesskit::Role, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lysplan::app::{Command, LysplanApp};
use lysplan::plan::Plan;

use crate::common;

fn harness(plan: Plan) -> Harness<'static, LysplanApp> {
    common::app_harness(plan, vec2(1280.0, 800.0), 0.25)
}

/// The bundled plan with one edit made (a pole deleted), so it has unsaved changes.
fn edited() -> Harness<'static, LysplanApp> {
    let mut h = harness(lysplan::bundled::doll_plan());
    {
        let app = h.state_mut();
        let id = app.state.plan().poles[0].id.to_string();
        app.state.selection = [id].into();
        app.state.delete_selected();
        assert!(app.state.is_dirty());
    }
    h.run_steps(2);
    h
}

fn open_menu_item(h: &mut Harness<'_, LysplanApp>, menu: &str, item: &str) {
    h.get_by_label(menu).click();
    h.run_steps(3);
    h.get_by_label_contains(item).click();
    h.run_steps(3);
}

fn poles(h: &Harness<'_, LysplanApp>) -> usize {
    h.state().state.plan().poles.len()
}

#[test]
fn open_bundled_with_unsaved_changes_asks_and_cancel_keeps_the_edits() {
    let mut h = edited();
    let n = poles(&h);
    open_menu_item(&mut h, "File", "Open the bundled DOLL plan");
    // Nothing is thrown away before the answer.
    assert_eq!(poles(&h), n);
    h.get_by_label_contains("Save them before opening the bundled DOLL plan?");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert_eq!(poles(&h), n, "Cancel keeps the edits");
    assert!(h.state().state.is_dirty(), "and they are still unsaved");
    assert!(h.state().state.title().ends_with('•'));
    // Don't save: the bundled plan opens (not New).
    open_menu_item(&mut h, "File", "Open the bundled DOLL plan");
    h.get_by_label("Don't save").click();
    h.run_steps(2);
    let app = h.state();
    assert_eq!(app.state.plan(), &lysplan::bundled::doll_plan());
    assert!(!app.state.is_dirty());
}

#[test]
fn open_recent_with_unsaved_changes_then_dont_save_opens_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.ron");
    let mut other = lysplan::bundled::doll_plan();
    other.name = "The other plan".into();
    other.poles.truncate(10);
    lysplan::plan::save_ron_atomic(&other, &path).unwrap();
    let mut h = edited();
    h.state_mut().recent = vec![path.clone()];
    h.get_by_label("File").click();
    h.run_steps(3);
    h.get_by_label("Open recent").hover();
    h.run_steps(3);
    h.get_by_label(&path.display().to_string()).click();
    h.run_steps(3);
    h.get_by_label_contains(&format!("Save them before opening {}?", path.display()));
    h.get_by_label("Don't save").click();
    h.run_steps(3);
    let app = h.state();
    assert_eq!(app.state.plan().name, "The other plan");
    assert_eq!(app.state.path(), Some(path.as_path()));
    assert!(
        h.query_by_label("Open plan").is_none(),
        "no file dialog instead"
    );
}

#[test]
fn the_save_button_of_the_question_saves_then_does_what_was_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.ron");
    let mut h = harness(lysplan::bundled::doll_plan());
    assert!(h.state_mut().save_to(&path));
    {
        let app = h.state_mut();
        let id = app.state.plan().poles[0].id.to_string();
        app.state.selection = [id].into();
        app.state.delete_selected();
    }
    let n = poles(&h);
    h.run_steps(1);
    let ctx = h.ctx.clone();
    h.state_mut().run(&ctx, Command::NewPlan);
    h.run_steps(2);
    h.get_by_label("Save").click();
    h.run_steps(3);
    let saved = lysplan::locate::load_any(&path).unwrap();
    assert_eq!(saved.poles.len(), n, "the edits were saved");
    assert_eq!(h.state().state.plan().name, "New plan", "then New ran");
}

#[test]
fn the_window_close_with_unsaved_changes_asks_what_to_do() {
    let mut h = edited();
    h.event(Event::WindowFocused(true));
    let ctx = h.ctx.clone();
    h.state_mut().run(&ctx, Command::Quit);
    h.run_steps(2);
    h.get_by_label_contains("Save them before quitting?");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(h.state().state.is_dirty());
}

#[test]
fn the_inspector_shows_street_names_as_written() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let plan = h.state().state.plan().clone();
    let gl = plan
        .streets
        .iter()
        .position(|s| s.name == "Gl. Landevej")
        .unwrap();
    let i = (0..plan.poles.len())
        .find(|&i| {
            h.state()
                .state
                .checker()
                .station(i)
                .is_some_and(|st| st.street() == gl)
        })
        .expect("a pole on Gl. Landevej");
    h.state_mut().state.selection = [plan.poles[i].id.to_string()].into();
    h.run_steps(3);
    h.get_by_label_contains("Gl. Landevej, chainage");
    assert!(h.query_by_label_contains("gl. landevej").is_none());
}

#[test]
fn the_inspector_keeps_the_last_good_value_after_a_refusal() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let id = h.state().state.plan().poles[0].id.to_string();
    let tilt = h.state().state.plan().poles[0].tilt_deg;
    h.state_mut().state.selection = [id.clone()].into();
    h.run_steps(3);
    for bad in ["abc", "95"] {
        let field = h.get_by_label("Tilt");
        field.focus();
        h.run_steps(1);
        h.key_press_modifiers(Modifiers::COMMAND, Key::A);
        h.run_steps(1);
        h.get_by_label("Tilt").type_text(bad);
        h.run_steps(1);
        h.key_press(Key::Enter);
        h.run_steps(2);
        h.get_by_label_contains("Refused");
        let shown = h.state().inspector.tilt.clone();
        assert_eq!(
            shown,
            format!("{tilt:.2}"),
            "after {bad:?} the field shows the stored value"
        );
        assert_eq!(h.state().state.plan().pole(&id).unwrap().tilt_deg, tilt);
    }
}

#[test]
fn the_palette_finds_and_runs_a_command_by_part_of_its_name() {
    let mut h = harness(lysplan::bundled::doll_plan());
    h.key_press_modifiers(Modifiers::COMMAND, Key::K);
    h.run_steps(2);
    assert!(h.state().dialogs.palette.is_open);
    h.get_by_role(Role::TextInput).type_text("tool: measu");
    h.run_steps(2);
    // Only matching commands are listed.
    h.get_by_label("Tool: Measure");
    assert!(h.query_by_label("Tool: Add pole").is_none());
    h.key_press(Key::Enter);
    h.run_steps(2);
    assert_eq!(
        h.state().state.tool,
        lysplan::app::state::Tool::Measure,
        "Enter ran it"
    );
    assert!(!h.state().dialogs.palette.is_open);
}

#[test]
fn f1_lists_every_command_that_has_a_shortcut_with_that_shortcut() {
    let mut h = harness(lysplan::bundled::doll_plan());
    h.key_press(Key::F1);
    h.run_steps(3);
    h.get_by_label("Keyboard shortcuts and commands");
    let mut listed = 0;
    for c in Command::all() {
        if c.shortcuts().is_empty() {
            continue;
        }
        // A and R are listed twice: for the tools, and for the review while one is open.
        assert!(
            h.query_all_by_label(&c.shortcut_text()).next().is_some(),
            "{c:?}"
        );
        h.get_by_label_contains(&format!("{} — {}", c.label(), c.help()));
        listed += 1;
    }
    assert!(listed >= 15, "{listed}");
}

#[test]
fn the_wheel_zooms_about_the_cursor_and_home_fits_the_plan() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let (_, fitted) = h.state().view();
    let rect = h.state().map_rect().unwrap();
    let at = rect.center() + vec2(-150.0, 80.0);
    h.hover_at(at);
    h.run_steps(2);
    let before = h.state().lonlat_at(at).unwrap();
    for _ in 0..4 {
        h.event(Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: vec2(0.0, 40.0),
            modifiers: Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        h.run_steps(1);
    }
    h.run_steps(10);
    let (_, zoomed) = h.state().view();
    assert!(
        zoomed > fitted + 0.2,
        "the wheel zoomed in: {fitted} → {zoomed}"
    );
    let after = h.state().lonlat_at(at).unwrap();
    let moved_m = before.to_xy().dist(after.to_xy());
    assert!(
        moved_m < 5.0,
        "the place under the cursor stayed put ({moved_m:.1} m)"
    );
    // Home: back to the whole plan.
    h.remove_cursor();
    h.run_steps(1);
    h.key_press(Key::Home);
    h.run_steps(2);
    let (_, home) = h.state().view();
    assert!((home - fitted).abs() < 0.3, "{home} vs {fitted}");
}

#[test]
fn esc_during_a_drag_puts_the_pole_back_and_records_nothing() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let rect = h.state().map_rect().unwrap().shrink(60.0);
    let (i, start) = {
        let app = h.state();
        app.state
            .plan()
            .poles
            .iter()
            .enumerate()
            .find_map(|(i, p)| {
                let s = app.screen_pos(p.lon, p.lat)?;
                rect.contains(s).then_some((i, s))
            })
            .unwrap()
    };
    let before = h.state().state.plan().poles[i].clone();
    let press = |h: &Harness<'_, LysplanApp>, pos: Pos2, pressed: bool| {
        h.event(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        })
    };
    h.hover_at(start);
    h.run_steps(1);
    press(&h, start, true);
    h.run_steps(1);
    for k in 1..=8 {
        h.hover_at(start + vec2(4.0, 3.0) * k as f32);
        h.run_steps(1);
    }
    assert_ne!(h.state().state.plan().poles[i], before, "it moved");
    h.key_press(Key::Escape);
    h.run_steps(1);
    press(&h, start + vec2(32.0, 24.0), false);
    h.run_steps(2);
    let app = h.state();
    assert_eq!(app.state.plan().poles[i], before, "back where it was");
    assert!(!app.state.can_undo() && !app.state.is_dirty());
}

#[test]
fn enter_submits_a_typed_path_resolved_against_the_plan_folder() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.ron");
    let other = dir.path().join("other.ron");
    let mut plan = lysplan::bundled::doll_plan();
    lysplan::plan::save_ron_atomic(&plan, &main).unwrap();
    plan.name = "Typed".into();
    lysplan::plan::save_ron_atomic(&plan, &other).unwrap();
    let mut h = harness(lysplan::bundled::doll_plan());
    h.state_mut().open_path(&main);
    h.run_steps(2);
    open_menu_item(&mut h, "File", "Open by typing a path");
    h.get_by_role(Role::TextInput).type_text("other.ron");
    h.run_steps(2);
    // The window says which file that is.
    h.get_by_label_contains(&other.display().to_string());
    h.key_press(Key::Enter);
    h.run_steps(3);
    assert_eq!(h.state().state.plan().name, "Typed");
    assert_eq!(h.state().state.path(), Some(other.as_path()));
}

#[test]
fn save_as_by_typed_path_proposes_the_folder_and_name() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.ron");
    lysplan::plan::save_ron_atomic(&lysplan::bundled::doll_plan(), &main).unwrap();
    let mut h = harness(lysplan::bundled::doll_plan());
    h.state_mut().open_path(&main);
    h.run_steps(2);
    open_menu_item(&mut h, "File", "Save as (type a path)");
    let text = h.get_by_role(Role::TextInput).value().unwrap_or_default();
    assert_eq!(text, main.display().to_string());
}

#[test]
fn plan_settings_are_edited_as_one_undoable_edit_and_nonsense_is_refused() {
    let mut h = harness(lysplan::bundled::doll_plan());
    open_menu_item(&mut h, "Edit", "Plan settings");
    h.get_by_label("Plan settings");
    let mf0 = h.state().state.plan().maintenance_factor;
    {
        let w = &mut h.state_mut().plan_settings;
        w.values[0] = "1.5".into();
    }
    h.get_by_label("Apply").click();
    h.run_steps(2);
    h.get_by_label_contains(
        "Not applied: maintenance factor 1.5: allowed is maintenance factor in (0, 1]",
    );
    assert_eq!(h.state().state.plan().maintenance_factor, mf0);
    {
        let w = &mut h.state_mut().plan_settings;
        w.values[0] = "0.7".into();
        w.values[2] = "12".into();
    }
    h.get_by_label("Apply").click();
    h.run_steps(2);
    let p = h.state().state.plan().clone();
    assert_eq!((p.maintenance_factor, p.rules.min_spacing_m), (0.7, 12.0));
    assert_eq!(h.state().state.undo_label(), Some("Edit plan settings"));
    h.state_mut().state.undo();
    assert_eq!(h.state().state.plan().maintenance_factor, mf0);
}

#[test]
fn a_new_pole_takes_the_vendor_of_the_section_under_it() {
    let plan = lysplan::bundled::doll_plan();
    let s = &plan.sections[3];
    let street = plan.street(&s.street).unwrap();
    let line = lysplan::frame::Polyline::from_lonlat(&street.points);
    let at = line
        .offset_point((s.from_m + s.to_m) / 2.0, 4.0, lysplan::frame::Side::Right)
        .unwrap();
    let (lon, lat) = lysplan::frame::from_utm32(at);
    let other = plan
        .vendors
        .iter()
        .find(|v| v.id != s.vendor)
        .unwrap()
        .id
        .clone();
    let mut h = harness(plan.clone());
    let app = h.state_mut();
    app.state.template.vendor = other;
    let id = app
        .state
        .add_pole(lysplan::frame::LonLat::new(lon, lat))
        .unwrap();
    assert_eq!(app.state.plan().pole(&id).unwrap().vendor, s.vendor);
}

#[test]
fn the_inspector_refuses_what_the_core_refuses_and_accepts_the_implausible_with_a_warning() {
    let mut h = harness(lysplan::bundled::doll_plan());
    let app = h.state_mut();
    let id = app.state.plan().poles[0].id.to_string();
    app.state.selection = [id.clone()].into();
    // Impossible: refused, nothing changes.
    for (field, v) in [
        ("height", 0.0),
        ("height", f64::NAN),
        ("tilt", 90.0),
        ("overhang", -1.0),
    ] {
        let r = app.state.edit_selected("edit", |p| match field {
            "height" => p.height_m = v,
            "tilt" => p.tilt_deg = v,
            _ => p.overhang_m = v,
        });
        let e = r.expect_err(field).to_string();
        assert!(e.contains(field), "{e}");
    }
    assert!(!app.state.can_undo());
    // Possible but odd: a 75 m pole is taken, with a value.implausible warning naming it.
    assert_eq!(
        app.state.edit_selected("tall", |p| p.height_m = 75.0),
        Ok(true)
    );
    let f = app
        .state
        .findings()
        .iter()
        .find(|f| f.rule == "value.implausible")
        .expect("a warning");
    assert!(
        f.poles.contains(&id) && f.message.contains("height_m"),
        "{f:?}"
    );
}

#[test]
fn the_row_tool_spans_the_new_street_when_the_street_changes() {
    let plan = lysplan::bundled::doll_plan();
    let mut h = common::app_harness(plan.clone(), vec2(1280.0, 1000.0), 0.25);
    let first = h.state().row.spec.street.clone();
    let other = plan.streets.iter().find(|s| s.id != first).unwrap();
    let len = lysplan::frame::Polyline::from_lonlat(&other.points).length();
    h.state_mut().row.spec.to_m = 5.0;
    h.state_mut().row.spec.from_m = 2.0;
    // Choose the other street in the row tool's Street box, as a user would.
    use egui_kittest::kittest::NodeT;
    let combo = h
        .query_all_by_role(Role::ComboBox)
        .find(|n| n.accesskit_node().label().as_deref() == Some("Street"))
        .expect("the row tool's Street box")
        .rect()
        .center();
    h.hover_at(combo);
    h.run_steps(1);
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos: combo,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
        h.run_steps(1);
    }
    h.run_steps(2);
    h.query_all_by_label(&other.name)
        .last()
        .expect("the popup lists the street")
        .click();
    h.run_steps(3);
    let spec = &h.state().row.spec;
    assert_eq!(spec.street, other.id);
    assert_eq!(spec.from_m, 0.0);
    assert!((spec.to_m - len).abs() < 0.11, "{} vs {len}", spec.to_m);
}

#[test]
fn counts_read_as_english_and_no_minus_zero_is_shown() {
    use lysplan::app::panels::{coverage::no_minus_zero, findings::plural};
    assert_eq!(plural(1, "error"), "1 error");
    assert_eq!(plural(0, "warning"), "0 warnings");
    assert_eq!(plural(3, "error"), "3 errors");
    assert_eq!(format!("{:.2}", no_minus_zero(-0.0)), "0.00");
    assert_eq!(format!("{:.2}", no_minus_zero(-1e-9)), "0.00");
    assert_eq!(format!("{:.2}", no_minus_zero(2.345)), "2.35");
}

#[test]
fn an_unsaved_edit_is_autosaved_and_recovered_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(lysplan::bundled::doll_plan());
    h.state_mut().enable_recovery(dir.path().to_path_buf());
    h.state_mut().autosave.delay = std::time::Duration::ZERO;
    {
        let app = h.state_mut();
        let id = app.state.plan().poles[0].id.to_string();
        app.state.selection = [id].into();
        app.state.delete_selected();
    }
    let edited = h.state().state.plan().clone();
    h.run_steps(3);
    h.state_mut().autosave.flush();
    assert!(dir.path().join("recovery.ron").exists(), "autosaved");
    // "Crash": the harness is dropped without a clean exit. The next start offers it.
    drop(h);
    let mut h = harness(lysplan::bundled::doll_plan());
    h.state_mut().enable_recovery(dir.path().to_path_buf());
    h.run_steps(2);
    h.get_by_label_contains("Recover the unsaved changes to the plan");
    h.get_by_label("Recover").click();
    h.run_steps(2);
    let app = h.state();
    assert_eq!(app.state.plan(), &edited);
    assert!(
        app.state.is_dirty(),
        "recovered work is unsaved until saved"
    );
    // Saving it removes the recovery file.
    let target = dir.path().join("saved.ron");
    assert!(h.state_mut().save_to(&target));
    h.run_steps(2);
    h.state_mut().autosave.flush();
    assert!(!dir.path().join("recovery.ron").exists());
}

#[test]
fn discarding_the_recovery_removes_it_and_keeps_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(lysplan::bundled::doll_plan());
    h.state_mut().enable_recovery(dir.path().to_path_buf());
    h.state_mut().autosave.delay = std::time::Duration::ZERO;
    let state = &mut h.state_mut().state;
    let mut settings = lysplan::edit::PlanSettings::of(state.plan());
    settings.name = "Crashed".into();
    state.apply(lysplan::edit::Step {
        label: "Rename".into(),
        edit: lysplan::edit::Edit::Settings(Box::new(settings)),
    });
    h.run_steps(3);
    h.state_mut().autosave.flush();
    drop(h);
    let mut h = harness(lysplan::bundled::doll_plan());
    h.state_mut().enable_recovery(dir.path().to_path_buf());
    h.run_steps(2);
    h.get_by_label("Discard them").click();
    h.run_steps(2);
    assert_eq!(h.state().state.plan(), &lysplan::bundled::doll_plan());
    assert!(!dir.path().join("recovery.ron").exists());
}
