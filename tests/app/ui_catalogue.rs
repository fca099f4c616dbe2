//! UI tests of the luminaire catalogue window (egui_kittest, headless, tiles off) and of
//! the catalogue edits on `AppState` (import, rotation, undo, save and reload).

use egui::{Key, Modifiers, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lysplan::app::LysplanApp;

use crate::common;
use lysplan::app::state::AppState;
use lysplan::plan::{PhotometrySource, Plan};
use std::path::{Path, PathBuf};

fn harness(plan: Plan) -> Harness<'static, LysplanApp> {
    common::app_harness(plan, vec2(1400.0, 1000.0), 0.25)
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/photometry")
        .join(name)
}

/// Opens the catalogue through the menu bar, as a user does.
fn open_catalogue(h: &mut Harness<'static, LysplanApp>) {
    h.get_by_label("Luminaires").click();
    h.run_steps(2);
    h.get_by_label("Catalogue…").click();
    h.run_steps(3);
    assert!(
        h.state().catalogue.open,
        "the menu item opens the catalogue"
    );
}

/// Types `path` into the catalogue's import field and presses its Import button.
fn import_typed(h: &mut Harness<'static, LysplanApp>, path: &Path) {
    h.state_mut().catalogue.import_path = path.display().to_string();
    h.run_steps(1);
    h.get_by_label("Import").click();
    h.run_steps(3);
}

#[test]
fn opening_the_catalogue_lists_the_bundled_types_with_flux_and_power() {
    let plan = lysplan::bundled::doll_plan();
    assert!(!plan.luminaires.is_empty());
    let mut h = harness(plan.clone());
    assert!(h.query_by_label("Luminaire catalogue").is_none());
    open_catalogue(&mut h);
    assert!(h.query_by_label("Luminaire catalogue").is_some());
    for l in &plan.luminaires {
        assert!(
            h.query_all_by_label(&l.name).next().is_some(),
            "{} listed",
            l.name
        );
        let PhotometrySource::Bundled(file) = &l.photometry else {
            panic!("bundled plan embeds {}", l.id)
        };
        assert!(
            h.query_all_by_label(&format!("bundled: {file}"))
                .next()
                .is_some(),
            "{file} shown"
        );
        for text in [
            format!("{:.0}", l.flux_lm),
            format!("{:.1}", l.power_w),
            format!("{:.1}", l.flux_lm / l.power_w),
        ] {
            assert!(
                h.query_all_by_label(&text).next().is_some(),
                "{}: {text} shown",
                l.id
            );
        }
    }
    // The flux self-check is shown for each type and flagged exactly where it disagrees.
    let disagreeing = plan
        .luminaires
        .iter()
        .filter_map(|l| lysplan::photometry::catalogue::load(&l.photometry).ok())
        .filter_map(|ph| ph.flux_check())
        .filter(|fc| !fc.agrees())
        .count();
    for ph in plan
        .luminaires
        .iter()
        .filter_map(|l| lysplan::photometry::catalogue::load(&l.photometry).ok())
    {
        let expected = match ph.flux_check() {
            Some(fc) => lysplan::app::panels::catalogue::flux_check_text(&fc).0,
            None => format!("absolute: {:.0} lm integrated", ph.table.flux_lm()),
        };
        assert!(h.query_by_label(&expected).is_some(), "{expected:?} shown");
    }
    assert_eq!(
        h.query_all_by_label_contains("DIFFERS: ").count(),
        disagreeing
    );
    // The polar diagram's legend.
    assert!(h.query_by_label("C0–C180").is_some());
    assert!(h.query_by_label("C90–C270").is_some());
    // Parsed once per type, not once per frame.
    let distinct: std::collections::BTreeSet<_> = plan.luminaires.iter().map(|l| &l.id).collect();
    h.run_steps(5);
    assert_eq!(h.state().catalogue.parse_count(), distinct.len());
}

#[test]
fn importing_an_ldt_by_typed_path_adds_a_type_and_undo_removes_it() {
    let plan = lysplan::bundled::doll_plan();
    let mut h = harness(plan.clone());
    open_catalogue(&mut h);
    let path = fixture("isym1.ldt");
    import_typed(&mut h, &path);
    let expected = lysplan::photometry::read(&path).expect("fixture parses");
    {
        let app = h.state();
        assert_eq!(app.state.plan().luminaires.len(), plan.luminaires.len() + 1);
        let new = app.state.plan().luminaires.last().unwrap();
        assert!(
            plan.luminaires.iter().all(|l| l.id != new.id),
            "fresh id {}",
            new.id
        );
        match &new.photometry {
            PhotometrySource::Embedded { file_name, text } => {
                assert_eq!(file_name, "isym1.ldt");
                assert_eq!(text, &std::fs::read_to_string(&path).unwrap());
            }
            other => panic!("imported as {other:?}"),
        }
        assert_eq!(Some(new.flux_lm), expected.declared_flux_lm);
        assert_eq!(new.power_w, expected.power_w);
        assert!(app.state.is_dirty());
        assert_eq!(app.catalogue.selected.as_deref(), Some(new.id.as_str()));
    }
    assert!(h.query_by_label("embedded: isym1.ldt").is_some());
    assert!(h.query_all_by_label_contains("Imported").next().is_some());
    // Ctrl+Z takes the import back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert_eq!(h.state().state.plan().luminaires, plan.luminaires);
    assert!(h.query_by_label("embedded: isym1.ldt").is_none());
}

#[test]
fn a_truncated_file_is_refused_with_its_line_and_the_plan_untouched() {
    let plan = lysplan::bundled::doll_plan();
    let mut h = harness(plan.clone());
    open_catalogue(&mut h);
    import_typed(&mut h, &fixture("truncated.ldt"));
    assert_eq!(h.state().state.plan(), &plan);
    assert!(!h.state().state.is_dirty());
    assert!(!h.state().state.can_undo());
    // One message: what happened, the file, its line and what was expected.
    for part in [
        "plan is unchanged",
        "truncated.ldt:50:",
        "expected 3 intensities (cd/klm) of plane C0",
    ] {
        assert!(h.query_by_label_contains(part).is_some(), "{part:?} shown");
    }
    // The same for an IES file.
    import_typed(&mut h, &fixture("truncated.ies"));
    assert_eq!(h.state().state.plan(), &plan);
    assert!(h.query_by_label_contains("truncated.ies:9:").is_some());
}

#[test]
fn a_missing_file_is_refused_naming_the_path() {
    let mut s = AppState::new(lysplan::bundled::doll_plan(), None);
    let before = s.plan().clone();
    let e = s
        .import_luminaire_file(Path::new("/nonexistent/lamp.ldt"))
        .unwrap_err();
    assert!(e.contains("/nonexistent/lamp.ldt"), "{e}");
    assert!(e.contains("check the path"), "{e}");
    assert_eq!(s.plan(), &before);
}

#[test]
fn absolute_ies_photometry_takes_the_integrated_flux() {
    let (name, text) = lysplan::photometry::catalogue::bundled()
        .iter()
        .find(|(n, _)| *n == "absolute_led.ies")
        .copied()
        .expect("bundled absolute IES");
    let ph = lysplan::photometry::parse(text, Path::new(name)).unwrap();
    assert_eq!(ph.declared_flux_lm, None);
    let mut s = AppState::new(Plan::default(), None);
    let id = s.import_luminaire(name, text).unwrap();
    let l = s.plan().luminaires.iter().find(|l| l.id == id).unwrap();
    assert_eq!(l.flux_lm, ph.table.flux_lm());
    assert_eq!(l.power_w, ph.power_w);
    assert!(s.can_undo());
}

#[test]
fn each_photometry_fixture_imports_with_a_fresh_id() {
    let mut s = AppState::new(lysplan::bundled::doll_plan(), None);
    let mut ids = std::collections::BTreeSet::new();
    for name in [
        "isym1.ldt",
        "isym2.ldt",
        "isym3.ldt",
        "isym4.ldt",
        "comma_crlf.ldt",
    ] {
        let id = s
            .import_luminaire_file(&fixture(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(ids.insert(id.clone()), "{name}: id {id} reused");
    }
    let n = s.plan().luminaires.len();
    s.undo();
    assert_eq!(s.plan().luminaires.len(), n - 1);
    // No reference findings from the imports.
    assert!(
        s.findings().iter().all(|f| f.rule != "reference.luminaire"),
        "{:?}",
        s.findings()
    );
}

#[test]
fn the_saved_plan_keeps_the_embedded_photometry_and_opens_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    // Import from a copy, then delete it: the plan must not depend on the file.
    let copy = dir.path().join("street_lamp.ldt");
    std::fs::copy(fixture("isym4.ldt"), &copy).unwrap();
    let mut s = AppState::new(lysplan::bundled::doll_plan(), None);
    let id = s.import_luminaire_file(&copy).unwrap();
    let original = lysplan::photometry::read(&copy).unwrap();
    std::fs::remove_file(&copy).unwrap();
    let saved = dir.path().join("plan.ron");
    lysplan::plan::save_ron_atomic(s.plan(), &saved).unwrap();
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(
        !text.contains(&dir.path().display().to_string()),
        "no absolute path in the saved plan"
    );
    let reloaded = lysplan::plan::load_ron(&saved).unwrap();
    let l = reloaded.luminaires.iter().find(|l| l.id == id).unwrap();
    assert!(matches!(
        &l.photometry,
        PhotometrySource::Embedded { file_name, .. } if file_name == "street_lamp.ldt"
    ));
    let ph = lysplan::photometry::catalogue::load(&l.photometry).unwrap();
    assert_eq!(ph.table, original.table);
    assert_eq!(ph.declared_flux_lm, original.declared_flux_lm);
    // And the app opens it with the type in its catalogue.
    let mut h = harness(reloaded);
    open_catalogue(&mut h);
    assert!(h.query_by_label("embedded: street_lamp.ldt").is_some());
}

#[test]
fn rotation_is_validated_and_undoable() {
    let mut s = AppState::new(lysplan::bundled::doll_plan(), None);
    let id = s.plan().luminaires[0].id.clone();
    let before = s.plan().clone();
    for bad in [f64::NAN, f64::INFINITY, 400.0, -361.0] {
        assert!(s.set_luminaire_rotation(&id, bad).is_err(), "{bad}");
    }
    assert!(s.set_luminaire_rotation("no such type", 10.0).is_err());
    assert_eq!(s.plan(), &before);
    assert!(!s.can_undo());
    assert_eq!(s.set_luminaire_rotation(&id, 15.0), Ok(true));
    assert_eq!(s.plan().luminaires[0].rotation_deg, 15.0);
    assert_eq!(
        s.set_luminaire_rotation(&id, 15.0),
        Ok(false),
        "no edit for no change"
    );
    s.undo();
    assert_eq!(s.plan(), &before);
}

#[test]
fn typing_a_rotation_in_the_catalogue_edits_the_type() {
    let mut plan = lysplan::bundled::doll_plan();
    // Distinct rotations so each field can be told apart by its value.
    for (i, l) in plan.luminaires.iter_mut().enumerate() {
        l.rotation_deg = 12.0 + 100.0 * i as f64;
    }
    let id = plan.luminaires[0].id.clone();
    let mut h = harness(plan);
    open_catalogue(&mut h);
    let field = h
        .get_all_by_role(egui::accesskit::Role::TextInput)
        .find(|n| n.value().as_deref() == Some("12"))
        .expect("the rotation field of the first type");
    field.focus();
    h.run_steps(1);
    h.get_all_by_role(egui::accesskit::Role::TextInput)
        .find(|n| n.value().as_deref() == Some("12"))
        .expect("still there")
        .type_text("5");
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(3);
    assert_eq!(h.state().state.plan().luminaires[0].rotation_deg, 125.0);
    assert!(h.state().state.undo_label().unwrap().contains(&id));
    // An invalid rotation is refused with a message; the plan keeps 125.
    let field = h
        .get_all_by_role(egui::accesskit::Role::TextInput)
        .find(|n| n.value().as_deref() == Some("125"))
        .expect("the edited field");
    field.focus();
    h.run_steps(1);
    h.get_all_by_role(egui::accesskit::Role::TextInput)
        .find(|n| n.value().as_deref() == Some("125"))
        .expect("still there")
        .type_text("0");
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(3);
    assert_eq!(h.state().state.plan().luminaires[0].rotation_deg, 125.0);
    assert!(
        h.query_by_label_contains("between -360° and 360°")
            .is_some()
    );
}

#[test]
fn catalogue_window_snapshot() {
    // The polar diagram and the table as drawn; compare by eye when it changes.
    let mut h = harness(lysplan::bundled::doll_plan());
    // The findings panel shows through beside the window: let coverage settle first.
    common::wait_for_coverage(&mut h);
    open_catalogue(&mut h);
    h.run_steps(2);
    h.snapshot("catalogue_window");
}
