//! UI tests of File → Export GeoPackage… and Export pole schedule (CSV)… (issue 15): run
//! from the File menu with a typed path into a temporary folder, the file is there and
//! reads back; the CRS and BOM settings are menu ticks; an export to the open plan's own
//! file is refused; a bad GeoPackage opened leaves the plan as it was.

use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lysplan::app::{Command, LysplanApp};
use lysplan::locate::load_gpkg;
use lysplan::plan::{Crs, Plan, save_gpkg_atomic};
use std::path::Path;

use crate::common;

type H = Harness<'static, LysplanApp>;

fn harness(plan: Plan) -> H {
    common::app_harness(plan, vec2(1280.0, 900.0), 0.25)
}

/// Clicks File → `item` (its exact label).
fn file_menu(h: &mut H, item: &str) {
    h.get_by_label("File").click();
    h.run_steps(3);
    h.get_by_label(item).click();
    h.run_steps(3);
}

use crate::common::type_path_and_ok;

fn srs_of_poles(path: &Path) -> i64 {
    let db = rusqlite::Connection::open(path).unwrap();
    db.query_row(
        "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'poles'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn export_geopackage_and_pole_schedule_from_the_file_menu_by_typed_path() {
    let dir = tempfile::tempdir().unwrap();
    let plan = lysplan::bundled::doll_plan();
    let mut h = harness(plan.clone());

    let out = dir.path().join("plan.gpkg");
    file_menu(&mut h, "Export GeoPackage (type a path)…");
    type_path_and_ok(&mut h, &out);
    assert!(
        h.state().dialogs.error.is_none(),
        "{:?}",
        h.state().dialogs.error
    );
    let back = load_gpkg(&out).expect("the GeoPackage reads back");
    assert_eq!(back.poles.len(), plan.poles.len());
    assert_eq!(back.sections, plan.sections);
    assert_eq!(srs_of_poles(&out), 25832, "EPSG:25832 unless ticked");
    let status = h.state().state.status.clone();
    assert!(
        status.contains("Wrote the GeoPackage") && status.contains("EPSG:25832"),
        "{status}"
    );

    // The CRS is a tick in the File menu.
    file_menu(&mut h, "GeoPackage in WGS84 (EPSG:4326, not UTM 32N)");
    assert!(h.state().exports.gpkg_wgs84);
    let wgs = dir.path().join("wgs.gpkg");
    let ctx = h.ctx.clone();
    h.state_mut().run(&ctx, Command::ExportGpkgTyped);
    h.run_steps(2);
    type_path_and_ok(&mut h, &wgs);
    assert_eq!(srs_of_poles(&wgs), 4326);
    assert_eq!(
        load_gpkg(&wgs).unwrap(),
        plan,
        "degrees: the same plan bit for bit"
    );

    // The pole schedule, with the BOM ticked.
    file_menu(&mut h, "Pole schedule with a UTF-8 BOM (for Excel)");
    let csv_path = dir.path().join("poles.csv");
    file_menu(&mut h, "Export pole schedule (type a path)…");
    type_path_and_ok(&mut h, &csv_path);
    let bytes = std::fs::read(&csv_path).expect("the schedule was written");
    assert!(bytes.starts_with(b"\xEF\xBB\xBFid,vendor,luminaire,"));
    let mut r = csv::Reader::from_reader(&bytes[..]);
    assert_eq!(&r.headers().unwrap()[0], "id");
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), plan.poles.len());
    assert_eq!(&rows[0][0], plan.poles[0].id);
    assert!(h.state().state.status.contains("Wrote the pole schedule"));
    // Exports leave the document as it was.
    assert_eq!(h.state().state.path(), None);
    assert!(!h.state().state.is_dirty());
}

#[test]
fn an_export_onto_the_open_plan_is_refused_and_a_bad_geopackage_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.gpkg");
    let plan = lysplan::bundled::doll_plan();
    save_gpkg_atomic(&plan, &main, Crs::Utm32, None).unwrap();
    let before = std::fs::read(&main).unwrap();
    let mut h = harness(Plan::default());
    // File → Open takes a GeoPackage like any plan.
    h.state_mut().open_path(&main);
    h.run_steps(2);
    assert_eq!(h.state().state.plan().poles.len(), plan.poles.len());
    assert_eq!(h.state().state.path(), Some(main.as_path()));

    // The proposal is not the plan's own file; typing it is refused.
    let ctx = h.ctx.clone();
    h.state_mut().run(&ctx, Command::ExportGpkgTyped);
    h.run_steps(2);
    let proposed = h.state().dialogs.typed.as_ref().unwrap().text.clone();
    assert!(proposed.ends_with("main-export.gpkg"), "{proposed}");
    type_path_and_ok(&mut h, &main);
    let err = h.state().dialogs.error.clone().expect("refused");
    assert!(
        err.contains("Not exported") && err.contains("own file"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&main).unwrap(),
        before,
        "the plan's file is untouched"
    );
    h.state_mut().dialogs.error = None;
    for cmd in [Command::ExportScheduleTyped, Command::ExportReportTyped] {
        h.state_mut().run(&ctx, cmd.clone());
        h.run_steps(2);
        type_path_and_ok(&mut h, &dir.path().join(".").join("main.gpkg"));
        assert!(h.state().dialogs.error.is_some(), "{cmd:?} refused too");
        h.state_mut().dialogs.error = None;
    }
    assert_eq!(std::fs::read(&main).unwrap(), before);

    // Opening a truncated GeoPackage says so and keeps the plan that was open.
    let cut = dir.path().join("cut.gpkg");
    std::fs::write(&cut, &before[..before.len() / 2]).unwrap();
    h.state_mut().open_path(&cut);
    h.run_steps(2);
    let err = h.state().dialogs.error.clone().expect("an error");
    assert!(
        err.contains("truncated") && err.contains("cut.gpkg"),
        "{err}"
    );
    assert_eq!(h.state().state.path(), Some(main.as_path()));
    assert_eq!(h.state().state.plan().poles.len(), plan.poles.len());
}
