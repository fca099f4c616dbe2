//! Issue 28: surveys and energy readings measured on site, read from CSV, stored in the
//! plan by undoable edits, and compared with the calculation and the energy model.

use lysplan::bundled::doll_plan;
use lysplan::edit::Document;
use lysplan::edit::measured::{import_readings_file, import_survey_file, remove_survey};
use lysplan::measure::csv::{read_readings, read_surveys};
use lysplan::plan::measured::ReadingOf;
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const COMMA: &str = "lon,lat,e_h_lx,measured_at,survey,instrument,note\n\
    12.3741,55.6902,12.5,2026-11-03T21:15:00+01:00,nov,Hagner EC1,\"by the hedge, north\"\n\
    12.3745,55.6903,0.75,2026-11-03T21:20:00+01:00,nov,,\n";

const DANISH: &str = "lon;lat;e_h_lx;measured_at;survey;instrument;note\n\
    12,3741;55,6902;12,5;2026-11-03T21:15:00+01:00;nov;Hagner EC1;by the hedge, north\n\
    12,3745;55,6903;0,75;2026-11-03T21:20:00+01:00;nov;;\n";

#[test]
fn the_danish_form_reads_the_same_as_the_comma_form() {
    let plan = doll_plan();
    let a = read_surveys(&plan, Path::new("s.csv"), COMMA.as_bytes()).unwrap();
    let b = read_surveys(&plan, Path::new("s.csv"), DANISH.as_bytes()).unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].name, "nov");
    assert_eq!(a[0].instrument, "Hagner EC1");
    assert_eq!(a[0].points.len(), 2);
    assert_eq!(a[0].points[0].e_h_lx, 12.5);
    assert_eq!(a[0].points[0].note, "by the hedge, north");
    let strip = |mut v: Vec<lysplan::plan::measured::Survey>| {
        for s in &mut v {
            s.sha256.clear();
        }
        v
    };
    assert_eq!(strip(a), strip(b));
}

#[test]
fn csv_errors_give_the_file_line_and_column() {
    let plan = doll_plan();
    let cases = [
        // (file, what the message must hold)
        (
            "lon,lat,e_h_lx,measured_at\n12.37,55.69,12.5,2026-11-03\n12.37,55.69,abc,2026-11-03\n",
            "s.csv:3:13: e_h_lx",
        ),
        (
            "lon,lat,e_h_lx,measured_at\n12.37,55.69,12.5,3 Nov\n",
            "s.csv:2:18: measured_at",
        ),
        (
            "lon;lat;e_h_lx;measured_at\n12,37;55,69;12.5;2026-11-03\n",
            "s.csv:2:13: e_h_lx",
        ),
        ("lon,lat,lux,measured_at\n1,2,3,2026-11-03\n", "s.csv:1:9"),
        (
            "lon,lat,e_25832_m,n_25832_m,e_h_lx,measured_at\n",
            "one form",
        ),
        (
            "street,chainage_m,offset_m,e_h_lx,measured_at\nnowhere,10,2,5,2026-11-03\n",
            "s.csv:2:1: street",
        ),
        ("lon,lat,e_h_lx,measured_at\n12.37,55.69,12.5\n", "s.csv:2:"),
    ];
    for (text, want) in cases {
        let e = read_surveys(&plan, Path::new("s.csv"), text.as_bytes())
            .expect_err(text)
            .to_string();
        assert!(e.contains(want), "{text:?}: {e}");
    }
}

#[test]
fn the_three_position_forms_agree() {
    let plan = doll_plan();
    let street = &plan.streets[0];
    let line = lysplan::frame::Polyline::from_lonlat(&street.points);
    let left = line
        .offset_point(30.0, 2.5, lysplan::frame::Side::Left)
        .unwrap();
    let (lon, lat) = lysplan::frame::from_utm32(left);
    let by_street = format!(
        "street,chainage_m,offset_m,e_h_lx,measured_at\n{},30,2.5,10,2026-11-03\n",
        street.id
    );
    let by_lonlat = format!("lon,lat,e_h_lx,measured_at\n{lon},{lat},10,2026-11-03\n");
    let by_utm = format!(
        "e_25832_m,n_25832_m,e_h_lx,measured_at\n{},{},10,2026-11-03\n",
        left.x, left.y
    );
    let p = |t: &str| {
        let s = read_surveys(&plan, Path::new("s.csv"), t.as_bytes()).unwrap();
        assert_eq!(
            s[0].name, "s.csv 2026-11-03",
            "named after the file and date"
        );
        (s[0].points[0].lon, s[0].points[0].lat)
    };
    for (a, b) in [p(&by_lonlat), p(&by_utm)]
        .into_iter()
        .zip([p(&by_street); 2])
    {
        assert!(
            (a.0 - b.0).abs() < 1e-8 && (a.1 - b.1).abs() < 1e-8,
            "{a:?} {b:?}"
        );
    }
    // Positive offsets are to the left looking along the street, negative to the right.
    let right = by_street.replace(",30,2.5,", ",30,-2.5,");
    let r = p(&right);
    let (rl, rb) = lysplan::frame::from_utm32(
        line.offset_point(30.0, 2.5, lysplan::frame::Side::Right)
            .unwrap(),
    );
    assert!((r.0 - rl).abs() < 1e-9 && (r.1 - rb).abs() < 1e-9);
}

#[test]
fn importing_is_one_undoable_edit_and_the_same_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "nov.csv", COMMA);
    let mut doc = Document::new(doll_plan(), None);
    let (step, names) = import_survey_file(doc.plan(), &path).unwrap();
    assert_eq!(names, ["nov"]);
    doc.apply(step.label, step.edit).unwrap();
    assert_eq!(doc.plan().surveys.len(), 1);
    // The same file again, even under another name: refused, naming the survey.
    let again = write(dir.path(), "copy.csv", COMMA);
    let e = import_survey_file(doc.plan(), &again).unwrap_err();
    assert!(e.contains("copy.csv") && e.contains("\"nov\""), "{e}");
    // Undo takes the import back; redo brings it again; removing is an edit too.
    doc.undo();
    assert!(doc.plan().surveys.is_empty());
    doc.redo();
    assert_eq!(doc.plan().surveys[0].points.len(), 2);
    let step = remove_survey(doc.plan(), "nov").unwrap();
    doc.apply(step.label, step.edit).unwrap();
    assert!(doc.plan().surveys.is_empty());
    doc.undo();
    assert_eq!(doc.plan().surveys.len(), 1);
    assert!(remove_survey(doc.plan(), "dec").is_err());
}

#[test]
fn energy_readings_read_with_an_offset_or_in_the_plans_zone() {
    let plan = doll_plan();
    let vendor = &plan.vendors[0].id;
    let pole = &plan.poles[0].id;
    let text = format!(
        "vendor,pole,from,to,kwh\n\
         {vendor},,2026-11-01T00:00:00+01:00,2026-12-01T00:00:00+01:00,812.5\n\
         {vendor},,2026-07-01T00:00,2026-07-08T00:00,20\n\
         ,{pole},2026-03-28,2026-03-30,1.5\n"
    );
    let r = read_readings(&plan, Path::new("m.csv"), text.as_bytes()).unwrap();
    assert_eq!(r.len(), 3);
    assert_eq!(r[0].of, ReadingOf::Vendor(vendor.clone()));
    assert_eq!(
        r[1].from, "2026-07-01T00:00:00+02:00",
        "summer time in Copenhagen"
    );
    assert_eq!(r[2].of, ReadingOf::Pole(pole.to_string()));
    assert_eq!(
        r[2].to, "2026-03-30T00:00:00+02:00",
        "after the spring change"
    );
    let danish = "vendor;from;to;kwh\nnobody;2026-11-01;2026-11-02;1,5\n";
    let e = read_readings(&plan, Path::new("m.csv"), danish.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("m.csv:2:1: vendor"), "{e}");
    let backwards = format!("vendor,from,to,kwh\n{vendor},2026-11-02,2026-11-01,1\n");
    let e = read_readings(&plan, Path::new("m.csv"), backwards.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("m.csv:2:") && e.contains("to:"), "{e}");
    // Imported once as an edit; the same file again is refused.
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "m.csv", &text);
    let (step, n) = import_readings_file(&plan, &path).unwrap();
    assert_eq!(n, 3);
    let mut doc = Document::new(plan, None);
    doc.apply(step.label, step.edit).unwrap();
    assert!(import_readings_file(doc.plan(), &path).is_err());
}
