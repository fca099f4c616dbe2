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

use lysplan::frame::{Xy, from_utm32};
use lysplan::index::{SiteIndex, on_route, pole_stations};
use lysplan::lighting::{Lighting, grid, load_photometry};
use lysplan::plan::Plan;
use lysplan::plan::measured::{Survey, SurveyPoint};

/// The EN 13201 grid points of every section on a classed street of `plan`, as the
/// comparison lays them out.
fn section_grid_points(plan: &Plan) -> Vec<Xy> {
    let index = SiteIndex::build(plan);
    let mut chainages: Vec<Vec<f64>> = vec![Vec::new(); plan.streets.len()];
    for st in pole_stations(&index).iter().flatten() {
        if on_route(Some(st), plan.rules.max_offset_m) {
            chainages[st.street()].push(st.chainage_m);
        }
    }
    let mut out = Vec::new();
    for s in &plan.sections {
        let si = plan.streets.iter().position(|x| x.id == s.street).unwrap();
        let street = &plan.streets[si];
        if street.class.is_none() {
            continue;
        }
        let line = &index.streets[si];
        let (from, to) = (s.from_m.min(s.to_m), s.from_m.max(s.to_m));
        for f in grid::fields(line.length(), &chainages[si]) {
            for &ch in f.rows_m.iter().filter(|&&c| c >= from && c <= to) {
                for o in grid::offsets_across(street.width_m) {
                    out.push(grid::point(line, ch, o).unwrap());
                }
            }
        }
    }
    out
}

/// A survey of `layout`'s section grids with the initial E_h (MF = 1) that `lit`
/// calculates there, times `scale(vendor of the nearest section)`.
fn generated_survey(
    layout: &Plan,
    lit: &Plan,
    name: &str,
    date: &str,
    scale: &dyn Fn(&str) -> f64,
) -> Survey {
    let mut initial = lit.clone();
    initial.maintenance_factor = 1.0;
    let (ph, _) = load_photometry(&initial);
    let lighting = Lighting::new(&initial, &ph);
    let index = SiteIndex::build(layout);
    let points = section_grid_points(layout)
        .into_iter()
        .map(|xy| {
            let e: f64 = lighting.e_h_contributions(xy).iter().map(|c| c.1).sum();
            let (si, st) = index.nearest_street(xy).unwrap();
            let vendor = layout
                .sections
                .iter()
                .find(|s| {
                    s.street == layout.streets[si].id
                        && st.chainage_m >= s.from_m.min(s.to_m)
                        && st.chainage_m <= s.from_m.max(s.to_m)
                })
                .map_or("", |s| s.vendor.as_str());
            let (lon, lat) = from_utm32(xy);
            SurveyPoint {
                lon,
                lat,
                measured_at: format!("{date}T21:00:00+01:00"),
                e_h_lx: e * scale(vendor),
                note: String::new(),
            }
        })
        .collect();
    Survey {
        name: name.into(),
        source_file: format!("{name}.csv"),
        sha256: String::new(),
        instrument: String::new(),
        points,
    }
}

fn compare(plan: &Plan, surveys: &[Survey]) -> lysplan::measure::SurveyComparison {
    let (ph, _) = load_photometry(plan);
    lysplan::measure::compare_surveys(plan, &ph, surveys, false)
}

#[test]
fn a_survey_generated_from_the_calculation_reads_one_everywhere() {
    let plan = doll_plan();
    let survey = generated_survey(&plan, &plan, "gen", "2026-11-03", &|_| 1.0);
    let n = survey.points.len();
    assert!(n > 500, "{n} grid points");
    let c = compare(&plan, &[survey]);
    let lit: Vec<f64> = c.points.iter().filter_map(|p| p.ratio).collect();
    assert!(lit.len() > n / 2, "{} of {n} points are lit", lit.len());
    for r in &lit {
        assert!((r - 1.0).abs() < 1e-6, "{r}");
    }
    assert!(!c.sections.is_empty());
    for s in &c.sections {
        assert!((s.mean_ratio - 1.0).abs() < 1e-6, "{s:?}");
        assert!((s.p10_ratio - 1.0).abs() < 1e-6 && (s.p90_ratio - 1.0).abs() < 1e-6);
        // The points are the section's grid: measured E_avg, E_min and U_o beside the
        // calculated ones, the same (to the class' reach) with the same verdict.
        let classed = plan
            .streets
            .iter()
            .any(|x| x.id == s.street && x.class.is_some());
        if !classed {
            assert!(s.measured.is_none());
            continue;
        }
        let (Some(m), Some(k)) = (&s.measured, &s.calculated) else {
            panic!("the grid is covered: {s:?}");
        };
        assert!(
            (m.e_avg_lx - k.e_avg_lx).abs() < 0.01 * k.e_avg_lx.max(0.1),
            "{s:?}"
        );
        assert_eq!(m.pass, k.pass, "{s:?}");
    }
    assert!(c.dark_poles.is_empty(), "{:?}", c.dark_poles);
    for d in &c.depreciation {
        assert!((d.series[0].mean_ratio - 1.0).abs() < 1e-6);
    }
    // Points with their poles named, largest first.
    assert!(c.points.iter().any(|p| !p.poles.is_empty()));
}

#[test]
fn one_vendors_points_scaled_by_0_8_read_0_8() {
    let plan = doll_plan();
    let scaled = plan.sections[0].vendor.clone();
    let survey = generated_survey(&plan, &plan, "gen", "2026-11-03", &|v| {
        if v == scaled { 0.8 } else { 1.0 }
    });
    let c = compare(&plan, &[survey]);
    for s in &c.sections {
        let want = if s.vendor == scaled { 0.8 } else { 1.0 };
        assert!((s.mean_ratio - want).abs() < 1e-6, "{s:?}");
        assert!((s.median_ratio - want).abs() < 1e-6, "{s:?}");
    }
    let d = c.depreciation.iter().find(|d| d.vendor == scaled).unwrap();
    assert!((d.series[0].mean_ratio - 0.8).abs() < 1e-6);
    // 0.8 is no dark pole.
    assert!(c.dark_poles.is_empty());
}

#[test]
fn a_survey_with_one_pole_removed_names_that_pole() {
    let plan = doll_plan();
    // A pole on a classed street's section, lit by its own luminaire.
    let survey_all = generated_survey(&plan, &plan, "x", "2026-11-03", &|_| 1.0);
    let c = compare(&plan, &[survey_all]);
    let owner = c
        .points
        .iter()
        .find_map(|p| p.poles.first().filter(|_| p.section.is_some()).cloned())
        .expect("a point with a pole");
    let mut dark = plan.clone();
    dark.poles.retain(|p| p.id != owner.as_str());
    let survey = generated_survey(&plan, &dark, "dark", "2026-11-03", &|_| 1.0);
    let c = compare(&plan, &[survey]);
    let named: Vec<&str> = c.dark_poles.iter().map(|d| d.pole.as_str()).collect();
    assert_eq!(named, [owner.as_str()], "{:?}", c.dark_poles);
    assert!(c.dark_poles[0].mean_ratio < 0.4 && c.dark_poles[0].points > 0);
    assert!(c.fails());
}

#[test]
fn depreciation_is_a_series_per_vendor() {
    let plan = doll_plan();
    let a = generated_survey(&plan, &plan, "nov", "2026-11-03", &|_| 1.0);
    let b = generated_survey(&plan, &plan, "may", "2027-05-03", &|_| 0.9);
    let c = compare(&plan, &[b, a]);
    for d in &c.depreciation {
        let dates: Vec<&str> = d.series.iter().map(|x| x.date.as_str()).collect();
        assert_eq!(dates, ["2026-11-03", "2027-05-03"], "dates in order");
        assert!((d.series[1].mean_ratio - 0.9).abs() < 1e-6);
    }
}

fn lysplan(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_lysplan"))
        .args(args)
        .output()
        .expect("run lysplan")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `survey` as a CSV file (lon, lat: full precision).
fn survey_csv(survey: &Survey) -> String {
    let mut out = String::from("lon,lat,e_h_lx,measured_at,survey\n");
    for p in &survey.points {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            p.lon, p.lat, p.e_h_lx, p.measured_at, survey.name
        ));
    }
    out
}

#[test]
fn lysplan_survey_prints_the_documented_json_stores_and_exits_by_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let plan = doll_plan();
    let ron = dir.path().join("plan.ron");
    lysplan::plan::save_ron_atomic(&plan, &ron).unwrap();
    let generated = generated_survey(&plan, &plan, "gen", "2026-11-03", &|_| 1.0);
    let csv = write(dir.path(), "gen.csv", &survey_csv(&generated));
    let out = lysplan(&["survey", s(&ron), s(&csv), "--format", "json"]);
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Exit 1 exactly when a measured verdict fails: the bundled plan's own calculated
    // verdicts fail on some sections, and a survey that reads as calculated fails there.
    let failing = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["measured"]["pass"] == false)
        .count();
    for x in v["sections"].as_array().unwrap() {
        assert_eq!(x["measured"]["pass"], x["calculated"]["pass"], "{x}");
    }
    assert_eq!(
        out.status.code(),
        Some(if failing > 0 { 1 } else { 0 }),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let keys =
        |o: &serde_json::Value| -> Vec<String> { o.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        keys(&v),
        ["points", "sections", "dark_poles", "depreciation"]
    );
    assert_eq!(
        keys(&v["points"][0]),
        [
            "survey",
            "measured_at",
            "lon",
            "lat",
            "measured_lx",
            "calculated_lx",
            "ratio",
            "section",
            "vendor",
            "poles"
        ]
    );
    let sec = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| !x["measured"].is_null())
        .unwrap();
    assert_eq!(
        keys(sec),
        [
            "section",
            "vendor",
            "street",
            "survey",
            "date",
            "count",
            "mean_ratio",
            "median_ratio",
            "p10_ratio",
            "p90_ratio",
            "measured",
            "calculated"
        ]
    );
    assert_eq!(
        keys(&sec["measured"]),
        ["e_avg_lx", "e_min_lx", "u_o", "pass"]
    );
    assert_eq!(sec["mean_ratio"], 1.0);
    assert_eq!(keys(&v["depreciation"][0]), ["vendor", "series"]);
    assert_eq!(
        keys(&v["depreciation"][0]["series"][0]),
        ["date", "mean_ratio"]
    );
    for p in v["points"].as_array().unwrap() {
        assert!(p["ratio"].is_null() || p["ratio"] == 1.0, "{p}");
    }

    // Stored with --save, then compared from the plan alone: the same answer.
    let stored = dir.path().join("stored.ron");
    let out = lysplan(&["survey", s(&ron), s(&csv), "--save", s(&stored)]);
    assert!(
        stored.exists() && out.status.code() != Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = lysplan(&["survey", s(&stored), "--format", "json"]);
    assert_eq!(again.stdout, text.as_bytes());
    // The same file into the stored plan: refused, naming the survey.
    let twice = lysplan(&[
        "survey",
        s(&stored),
        s(&csv),
        "--save",
        s(&dir.path().join("x.ron")),
    ]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("\"gen\""));
    // lysplan edit --remove-survey takes it out again; an unknown name is refused,
    // naming the surveys the plan holds.
    let removed = dir.path().join("removed.ron");
    let out = lysplan(&[
        "edit",
        s(&stored),
        "--remove-survey",
        "gen",
        "-o",
        s(&removed),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        lysplan::locate::load_any(&removed)
            .unwrap()
            .surveys
            .is_empty()
    );
    let out = lysplan(&[
        "edit",
        s(&stored),
        "--remove-survey",
        "nope",
        "-o",
        s(&dir.path().join("y.ron")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no survey named \"nope\"") && err.contains("\"gen\""),
        "{err}"
    );

    // A dark pole: exit 1, named in the text.
    let mut dark = plan.clone();
    let c = compare(&plan, std::slice::from_ref(&generated));
    let owner = c
        .points
        .iter()
        .find_map(|p| p.poles.first().filter(|_| p.section.is_some()).cloned())
        .unwrap();
    dark.poles.retain(|p| p.id != owner.as_str());
    let d = generated_survey(&plan, &dark, "dark", "2026-11-04", &|_| 1.0);
    let dcsv = write(dir.path(), "dark.csv", &survey_csv(&d));
    let out = lysplan(&["survey", s(&ron), s(&dcsv)]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("{owner} (")), "{text}");

    // A CSV error: exit 2 naming the file, line and column.
    let bad = write(
        dir.path(),
        "bad.csv",
        "lon,lat,e_h_lx,measured_at\n12.37,55.69,x,2026-11-03\n",
    );
    let out = lysplan(&["survey", s(&ron), s(&bad)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.csv:2:13"));
}

#[test]
fn lysplan_energy_with_readings_sets_measured_beside_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let plan = doll_plan();
    let ron = dir.path().join("plan.ron");
    lysplan::plan::save_ron_atomic(&plan, &ron).unwrap();
    let mut vendors: Vec<&str> = plan.vendors.iter().map(|v| v.id.as_str()).collect();
    vendors.sort();
    let (a, b) = (vendors[0], vendors[1]);
    // The autumn DST week, and a polar-winter-like long night interval in December.
    let from = "2026-10-22T12:00:00+02:00";
    let to = "2026-10-29T12:00:00+01:00";
    let model = lysplan::energy::between(
        &plan,
        lysplan::measure::csv::unix_seconds(from).unwrap(),
        lysplan::measure::csv::unix_seconds(to).unwrap(),
    )
    .unwrap();
    let modelled_a = model
        .vendors
        .iter()
        .find(|v| v.id == a)
        .unwrap()
        .row
        .annual_kwh;
    let text = format!(
        "vendor,from,to,kwh\n{a},{from},{to},{}\n{a},2026-12-01,2026-12-15,10\n",
        modelled_a * 0.9
    );
    let readings = write(dir.path(), "meter.csv", &text);
    let out = lysplan(&[
        "energy",
        s(&ron),
        "--readings",
        s(&readings),
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let vendor = |id: &str| {
        v["vendors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .unwrap()
            .clone()
    };
    let m = vendor(a)["measured"].clone();
    let keys: Vec<&String> = m.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "from",
            "to",
            "kwh",
            "modelled_kwh",
            "ratio",
            "baseline_kwh",
            "savings_pct"
        ]
    );
    assert_eq!(m["from"], from);
    assert_eq!(m["to"], "2026-12-15T00:00:00+01:00");
    assert!(vendor(b)["measured"].is_null(), "no readings: null");
    let first = &v["readings"][0];
    assert!(
        (first["ratio"].as_f64().unwrap() - 0.9).abs() < 1e-3,
        "{first}"
    );
    assert!((first["modelled_kwh"].as_f64().unwrap() - modelled_a).abs() < 1e-3);
    // The week's baseline: the poles at baseline power over the lit hours of the week.
    let poles = plan.poles.iter().filter(|p| p.vendor == a).count() as f64;
    let base = poles * plan.energy.baseline_power_w * model.lit_hours / 1000.0;
    assert!((first["baseline_kwh"].as_f64().unwrap() - base).abs() < 1e-3);
    // Without readings the JSON is as before.
    let plain = lysplan(&["energy", s(&ron), "--format", "json"]);
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("measured"));
    // --save keeps the readings in the plan: the stored plan compares them without the
    // CSV, gives the same "measured", and refuses the same file a second time.
    let stored = dir.path().join("stored.ron");
    let out = lysplan(&[
        "energy",
        s(&ron),
        "--readings",
        s(&readings),
        "--save",
        s(&stored),
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = lysplan(&["energy", s(&stored), "--format", "json"]);
    let w: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    let stored_m = w["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == a)
        .unwrap()["measured"]
        .clone();
    assert_eq!(stored_m, m);
    let twice = lysplan(&["energy", s(&stored), "--readings", s(&readings)]);
    assert_eq!(twice.status.code(), Some(2));
    // The plan being read is never replaced.
    let own = lysplan(&[
        "energy",
        s(&ron),
        "--readings",
        s(&readings),
        "--save",
        s(&ron),
    ]);
    assert_eq!(own.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&own.stderr).contains("the plan being read"));
}

#[test]
fn a_polar_winter_reading_is_modelled_lit_throughout() {
    // One pole moved to Tromsø (69.65 N), the plan in Europe/Oslo: from 1 to 15
    // December the sun stays below the switching elevation, so the model has the
    // luminaire on for all 336 hours at its profile's levels.
    let mut plan = doll_plan();
    plan.poles.truncate(1);
    plan.streets.clear();
    plan.sections.clear();
    (plan.poles[0].lon, plan.poles[0].lat) = (18.96, 69.65);
    plan.energy.time_zone = "Europe/Oslo".into();
    let v = plan.poles[0].vendor.to_string();
    for x in &mut plan.vendors {
        x.control_profile = None;
    }
    let l = plan.poles[0].luminaire.clone();
    let lum = plan.luminaires.iter_mut().find(|x| x.id == l).unwrap();
    (lum.power_w, lum.standby_w) = (40.0, 0.0);
    let text = format!(
        "vendor,pole,from,to,kwh\n{v},,2026-12-01,2026-12-15,12\n,{},2026-12-01,2026-12-15,13.44\n",
        plan.poles[0].id
    );
    let readings = read_readings(&plan, Path::new("polar.csv"), text.as_bytes()).unwrap();
    assert_eq!(readings[0].from, "2026-12-01T00:00:00+01:00");
    let (rows, vendors) = lysplan::measure::compare_readings(&plan, &readings).unwrap();
    let hours = 14.0 * 24.0;
    for r in &rows {
        assert!((r.modelled_kwh - 0.040 * hours).abs() < 1e-9, "{r:?}");
        let base = plan.energy.baseline_power_w * hours / 1000.0;
        assert!((r.baseline_kwh - base).abs() < 1e-9, "{r:?}");
    }
    assert!((rows[1].ratio.unwrap() - 1.0).abs() < 1e-9);
    let m = &vendors[&v];
    assert!(
        (m.kwh - 25.44).abs() < 1e-9,
        "a pole's reading counts for its vendor"
    );
    assert!((m.modelled_kwh - 2.0 * 0.040 * hours).abs() < 1e-9);
}
