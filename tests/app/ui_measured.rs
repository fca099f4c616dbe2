//! Issue 28 in the app: File → Import survey… and Import energy readings… (here with a
//! typed path, as where no file dialog answers): one undoable edit each, the same file
//! refused a second time, an error in the file shown with its line and column and the
//! plan left unchanged.

use crate::common;
use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lysplan::app::{Command, LysplanApp};

type H = Harness<'static, LysplanApp>;

use crate::common::type_path_and_ok;

/// Runs a "type a path" import command and gives it `path`.
fn import(h: &mut H, command: Command, path: &std::path::Path) {
    let ctx = h.ctx.clone();
    h.state_mut().run(&ctx, command);
    h.run_steps(2);
    type_path_and_ok(h, path);
}

#[test]
fn a_survey_and_energy_readings_are_imported_undoably_from_the_file_menu() {
    let dir = tempfile::tempdir().unwrap();
    let plan = lysplan::bundled::doll_plan();
    let pole = plan.poles[0].clone();
    let survey = dir.path().join("nov.csv");
    std::fs::write(
        &survey,
        // A Danish spreadsheet's export: semicolons and decimal commas.
        format!(
            "lon;lat;e_h_lx;measured_at\n{};{};12,5;2026-11-20\n{};{};8,25;2026-11-20\n",
            pole.lon,
            pole.lat,
            pole.lon + 0.0001,
            pole.lat
        )
        .replace('.', ","),
    )
    .unwrap();
    let vendor = plan.vendors[0].id.clone();
    let readings = dir.path().join("meter.csv");
    std::fs::write(
        &readings,
        format!("vendor,from,to,kwh\n{vendor},2026-11-01,2026-12-01,120.5\n"),
    )
    .unwrap();
    let mut h = common::app_harness(plan, vec2(1280.0, 900.0), 0.25);
    h.run_steps(2);

    let ctx = h.ctx.clone();
    import(&mut h, Command::ImportSurveyTyped, &survey);
    let surveys = |h: &H| h.state().state.plan().surveys.clone();
    assert_eq!(surveys(&h).len(), 1, "{:?}", h.state().dialogs.error);
    assert_eq!(surveys(&h)[0].points.len(), 2);
    assert!(
        (surveys(&h)[0].points[0].e_h_lx - 12.5).abs() < 1e-12,
        "decimal comma"
    );
    assert!(
        h.state().state.status.contains("2 points"),
        "{}",
        h.state().state.status
    );

    import(&mut h, Command::ImportReadingsTyped, &readings);
    assert_eq!(h.state().state.plan().energy_readings.len(), 1);

    // View → Measurements: the survey per vendor section and the reading against the
    // model, as lysplan survey and lysplan energy --readings give them.
    h.state_mut().run(&ctx, Command::Measurements);
    h.run_steps(3);
    let c = h
        .state()
        .measurements_comparison()
        .expect("the surveys are compared");
    let section = c
        .sections
        .first()
        .expect("the points lie on a vendor section");
    assert_eq!(section.count, 2);
    h.get_by_label(&section.section);
    // Mean and median (of two points) read the same.
    assert!(
        h.query_all_by_label(&format!("{:.3}", section.mean_ratio))
            .count()
            >= 2
    );
    h.get_by_label("Measured kWh");
    h.get_by_label("120.5");
    h.get_by_label_contains("dark or mis-aimed");

    // The same survey again: refused, naming the survey; the plan unchanged.
    import(&mut h, Command::ImportSurveyTyped, &survey);
    let err = h.state().dialogs.error.clone().expect("an error is shown");
    assert!(err.contains("the plan is unchanged"), "{err}");
    assert_eq!(surveys(&h).len(), 1);
    h.state_mut().dialogs.error = None;

    // Each import is one step of the history.
    h.state_mut().run(&ctx, Command::Undo);
    h.run_steps(2);
    assert!(h.state().state.plan().energy_readings.is_empty());
    h.state_mut().run(&ctx, Command::Undo);
    h.run_steps(2);
    assert!(surveys(&h).is_empty());

    // An error in the file: its line and column, nothing imported.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "lon,lat,e_h_lx,measured_at\n12.37,55.69,x,2026-11-03\n",
    )
    .unwrap();
    import(&mut h, Command::ImportSurveyTyped, &bad);
    let err = h.state().dialogs.error.clone().expect("an error is shown");
    assert!(err.contains("bad.csv:2:13"), "{err}");
    assert!(surveys(&h).is_empty());
}

#[test]
fn the_file_menu_lists_both_imports() {
    let mut h = common::app_harness(lysplan::bundled::doll_plan(), vec2(1280.0, 900.0), 0.25);
    h.run_steps(2);
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Import survey (CSV)…");
    h.get_by_label("Import energy readings (CSV)…");
    let mut h = common::app_harness(lysplan::bundled::doll_plan(), vec2(1280.0, 900.0), 0.25);
    h.run_steps(2);
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Measurements…");
}

/// A pole whose light is missing on site is named in the Measurements window; clicking
/// it selects the pole and zooms the map to it.
#[test]
fn a_dark_pole_is_named_and_a_click_selects_it() {
    let dir = tempfile::tempdir().unwrap();
    let plan = lysplan::bundled::doll_plan();
    let pole = plan.poles[0].clone();
    // Three points at the pole's foot, where it gives most of the calculated light,
    // reading almost nothing.
    let mut text = String::from("lon,lat,e_h_lx,measured_at\n");
    for k in 0..3 {
        let lon = pole.lon + 0.000_01 * k as f64;
        text.push_str(&format!("{lon},{},0.01,2026-11-20\n", pole.lat));
    }
    let survey = dir.path().join("dark.csv");
    std::fs::write(&survey, text).unwrap();
    let mut h = common::app_harness(plan, vec2(1280.0, 900.0), 0.25);
    h.run_steps(2);
    let ctx = h.ctx.clone();
    import(&mut h, Command::ImportSurveyTyped, &survey);
    h.state_mut().run(&ctx, Command::Measurements);
    h.run_steps(3);
    let c = h.state().measurements_comparison().expect("compared");
    assert_eq!(c.dark_poles.len(), 1, "{:?}", c.dark_poles);
    assert_eq!(c.dark_poles[0].pole, pole.id.as_str());
    h.get_by_label(pole.id.as_str()).click();
    h.run_steps(3);
    let want: std::collections::BTreeSet<String> = [pole.id.to_string()].into();
    assert_eq!(h.state().state.selection, want);
}

/// The Measurements layer: an imported survey is drawn at once, each point coloured by
/// its ratio; hovering a point shows its measured and calculated illuminance, the ratio,
/// the date and the poles lighting it. Turning the layer off, or undoing the import,
/// takes the points away.
#[test]
fn the_measurements_layer_shows_each_point_and_its_values_on_hover() {
    let dir = tempfile::tempdir().unwrap();
    let plan = lysplan::bundled::doll_plan();
    let pole = plan.poles[0].clone();
    let survey = dir.path().join("street.csv");
    // Two points 30 m apart, beside the pole.
    let dlon = 30.0 / (111_320.0 * pole.lat.to_radians().cos());
    std::fs::write(
        &survey,
        format!(
            "lon,lat,e_h_lx,measured_at\n{},{},9.5,2026-11-20\n{},{},4.25,2026-11-20T21:30\n",
            pole.lon,
            pole.lat,
            pole.lon + dlon,
            pole.lat
        ),
    )
    .unwrap();
    let mut h = common::app_harness(plan, vec2(1280.0, 900.0), 0.25);
    h.run_steps(2);
    let ctx = h.ctx.clone();
    import(&mut h, Command::ImportSurveyTyped, &survey);
    assert!(h.state().measurements.layer, "an imported survey is shown");
    assert!(
        Command::ToggleMeasurementsLayer
            .checked(h.state())
            .expect("a checkable item")
    );
    h.state_mut().state.selection = [pole.id.to_string()].into();
    h.state_mut().run(&ctx, Command::ZoomToSelection);
    h.run_steps(3);
    let c = h
        .state()
        .measurements_comparison()
        .expect("the layer compares the survey")
        .clone();
    assert_eq!(c.points.len(), 2);
    let second = &c.points[1];
    let at = h
        .state()
        .screen_pos(second.lon, second.lat)
        .expect("map drawn");
    h.hover_at(at);
    h.run_steps(2);
    h.get_by_label_contains("Measured point");
    h.get_by_label("4.25 lx");
    h.get_by_label(&format!("{:.2} lx", second.calculated_lx));
    let ratio = second.ratio.expect("light is calculated beside a pole");
    h.get_by_label(&format!("{ratio:.3}"));
    h.get_by_label("2026-11-20T21:30");
    assert!(!second.poles.is_empty());
    h.get_by_label(&second.poles.join(", "));

    // Off: no points, no card.
    h.state_mut().run(&ctx, Command::ToggleMeasurementsLayer);
    h.hover_at(at + vec2(1.0, 0.0));
    h.run_steps(2);
    assert!(h.query_by_label_contains("Measured point").is_none());

    // On again, then the import undone: the points go with it.
    h.state_mut().run(&ctx, Command::ToggleMeasurementsLayer);
    h.hover_at(at);
    h.run_steps(2);
    h.get_by_label_contains("Measured point");
    h.state_mut().run(&ctx, Command::Undo);
    h.hover_at(at + vec2(1.0, 0.0));
    h.run_steps(2);
    assert!(h.state().state.plan().surveys.is_empty());
    assert!(h.query_by_label_contains("Measured point").is_none());
}
