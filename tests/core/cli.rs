//! The `lysplan` binary as a script sees it: exit codes, messages, the JSON contract.

use lysplan::bundled::{DOLL_PLAN_RON, doll_plan};
use lysplan::plan::{Plan, load_ron, save_ron_atomic};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn lysplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lysplan"))
        .args(args)
        .output()
        .expect("run lysplan")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code, not a signal")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// The bundled plan with two extra poles: one 4 m from P001 (spacing.min) and one far off
/// the route (placement.off_route).
fn plan_with_errors() -> Plan {
    let mut plan = doll_plan();
    let mut near = plan.poles[0].clone();
    near.id = "X001".into();
    near.lat += 4.0 / 111_300.0;
    let mut far = plan.poles[0].clone();
    far.id = "X002".into();
    far.lat += 0.01;
    plan.poles.push(far);
    plan.poles.push(near);
    plan
}

#[test]
fn check_clean_plan_exits_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "doll.ron", DOLL_PLAN_RON);
    // Layout rules only: the bundled plan is clean there (coverage depends on the sample
    // photometry, see the lighting tests).
    let out = lysplan(&["check", "--no-coverage", s(&path)]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("0 errors"), "{text}");
    assert!(text.contains("doll.ron"), "{text}");
}

#[test]
fn check_with_errors_exits_1_and_lists_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.ron");
    save_ron_atomic(&plan_with_errors(), &path).expect("save");
    let out = lysplan(&["check", s(&path)]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("error[spacing.min]"), "{text}");
    assert!(text.contains("error[placement.off_route]"), "{text}");
    assert!(text.contains("X001") && text.contains("X002"), "{text}");
}

#[test]
fn broken_ron_exits_2_naming_file_and_line_col() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "Plan(\n  format_version: 1,\n  name: \"x\",\n  poles: [Pole(id: \"P1\", lon: 12.0, lat: oops)],\n)\n";
    let path = write(dir.path(), "broken.ron", text);
    for format in ["text", "json"] {
        let out = lysplan(&["check", s(&path), "--format", format]);
        assert_eq!(code(&out), 2);
        assert!(
            stdout(&out).is_empty(),
            "nothing on stdout: {}",
            stdout(&out)
        );
        let msg = stderr(&out);
        let want = format!("{}:4:", path.display());
        assert!(msg.contains(&want), "{msg} lacks {want}");
        // file:line:col: what
        let after = msg.split(&want).nth(1).unwrap_or("");
        let col: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
        assert!(
            !col.is_empty() && after[col.len()..].starts_with(": "),
            "{msg}"
        );
        assert!(msg.contains("Expected float"), "{msg}");
    }
}

#[test]
fn missing_file_and_unknown_type_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nothere.ron");
    let out = lysplan(&["check", s(&missing)]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("nothere.ron"), "{}", stderr(&out));
    let txt = write(dir.path(), "plan.txt", "hello");
    let out = lysplan(&["check", s(&txt)]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("plan.txt"), "{}", stderr(&out));
}

#[test]
fn newer_version_exits_2_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let version = format!("format_version: {},", lysplan::plan::FORMAT_VERSION);
    assert!(DOLL_PLAN_RON.contains(&version));
    let text = DOLL_PLAN_RON.replacen(&version, "format_version: 99,", 1);
    let path = write(dir.path(), "future.ron", &text);
    let out = lysplan(&["check", s(&path)]);
    assert_eq!(code(&out), 2);
    let msg = stderr(&out);
    assert!(
        msg.contains("future.ron") && msg.contains("newer Lysplan"),
        "{msg}"
    );
}

#[test]
fn malformed_geojson_exits_2_naming_feature_and_property() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = r#"{"type": "FeatureCollection", "features": [
      {"type": "Feature", "properties": {"kind": "street", "id": "s1", "name": "A"},
       "geometry": {"type": "LineString", "coordinates": [[12.388, 55.684], [12.390, 55.684]]}},
      {"type": "Feature", "properties": {"kind": "pole", "id": "p1", "vendor": "v",
       "luminaire": "l", "height_m": "tall"},
       "geometry": {"type": "Point", "coordinates": [12.389, 55.6841]}}]}"#;
    let path = write(dir.path(), "bad.geojson", text);
    let out = lysplan(&["check", s(&path)]);
    assert_eq!(code(&out), 2);
    let msg = stderr(&out);
    assert!(msg.contains("bad.geojson"), "{msg}");
    assert!(msg.contains("features[1].properties.height_m"), "{msg}");

    let syntax = write(
        dir.path(),
        "syntax.geojson",
        "{\"type\": \"FeatureCollection\",\n  \"features\": [,]}",
    );
    let out = lysplan(&["check", s(&syntax)]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("syntax.geojson:2:"),
        "{}",
        stderr(&out)
    );
}

/// The exact key order of the JSON contract, read from the raw text.
fn assert_key_order(json: &str, keys: &[&str]) {
    let mut at = 0;
    for k in keys {
        let needle = format!("\"{k}\":");
        match json[at..].find(&needle) {
            Some(i) => at += i + needle.len(),
            None => panic!("key {k} missing or out of order in {json}"),
        }
    }
}

#[test]
fn json_contract_keys_order_and_sorting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.ron");
    let plan = plan_with_errors();
    save_ron_atomic(&plan, &path).expect("save");
    let out = lysplan(&["check", s(&path), "--format", "json"]);
    assert_eq!(code(&out), 1);
    let json = stdout(&out);
    assert_key_order(
        &json,
        &[
            "findings",
            "rule",
            "severity",
            "message",
            "poles",
            "street",
            "chainage_m",
            "lon",
            "lat",
        ],
    );
    let summary_at = json.find("\"summary\":").expect("summary");
    assert_key_order(
        &json[summary_at..],
        &["summary", "poles", "streets", "errors", "warnings"],
    );

    let v: serde_json::Value = serde_json::from_str(&json).expect("one JSON object");
    let obj = v.as_object().expect("object");
    // serde_json::Value sorts keys; the printed order is checked just below.
    let mut members: Vec<&str> = obj.keys().map(String::as_str).collect();
    members.sort();
    assert_eq!(
        members,
        ["energy", "findings", "streets", "summary"],
        "top-level members"
    );
    assert_key_order(&json, &["findings", "summary", "streets", "energy"]);
    for st in v["streets"].as_array().expect("streets array") {
        let keys: Vec<&str> = st
            .as_object()
            .expect("street")
            .keys()
            .map(String::as_str)
            .collect();
        let mut want = vec![
            "class", "e_avg_lx", "e_min_lx", "id", "pass", "periods", "u_o",
        ];
        if st["class"].as_str().is_some_and(|c| c.starts_with('M')) {
            want.extend(["l_avg_cd_m2", "u_l", "ti_pct", "rei"]);
        }
        want.sort();
        let mut got = keys.clone();
        got.sort();
        assert_eq!(got, want);
    }
    let findings = v["findings"].as_array().expect("findings array");
    for f in findings {
        let keys: Vec<&str> = f
            .as_object()
            .expect("finding")
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut want = vec![
            "rule",
            "severity",
            "message",
            "poles",
            "street",
            "chainage_m",
            "lon",
            "lat",
        ];
        want.sort_unstable();
        let mut got = keys.clone();
        got.sort_unstable();
        assert_eq!(got, want);
    }
    let order: Vec<(String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["poles"][0].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "sorted by rule then first pole");
    assert!(order.iter().any(|(r, p)| r == "spacing.min" && p == "P001"));
    assert!(
        order
            .iter()
            .any(|(r, p)| r == "placement.off_route" && p == "X002")
    );

    let sum = &v["summary"];
    assert_eq!(sum["poles"], plan.poles.len());
    assert_eq!(sum["streets"], plan.streets.len());
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    assert!(errors >= 2);
    assert_eq!(sum["errors"], errors);
    assert_eq!(
        sum["warnings"],
        findings
            .iter()
            .filter(|f| f["severity"] == "warning")
            .count()
    );
}

#[test]
fn export_geojson_then_check_and_convert_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ron = write(dir.path(), "doll.ron", DOLL_PLAN_RON);
    let geo = dir.path().join("doll.geojson");
    let out = lysplan(&["export", s(&ron), "--geojson", s(&geo)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = std::fs::read_to_string(&geo).expect("written");
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(v["type"], "FeatureCollection");

    let a = lysplan(&["check", s(&ron), "--format", "json"]);
    let b = lysplan(&["check", s(&geo), "--format", "json"]);
    assert_eq!(code(&a), code(&b), "{}", stderr(&b));
    assert_eq!(stdout(&a), stdout(&b), "same findings from RON and GeoJSON");

    let back = dir.path().join("back.ron");
    let out = lysplan(&["export", s(&geo), "--ron", s(&back)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let plan = load_ron(&back).expect("load");
    assert_eq!(plan.poles, doll_plan().poles);
    assert_eq!(plan.streets, doll_plan().streets);
}

#[test]
fn export_of_unreadable_input_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = write(dir.path(), "bad.ron", "Plan(");
    let out = lysplan(&[
        "export",
        s(&bad),
        "--geojson",
        s(&dir.path().join("o.geojson")),
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("bad.ron:"), "{}", stderr(&out));
    assert!(!dir.path().join("o.geojson").exists());
}

#[test]
fn check_json_with_coverage_has_streets_and_energy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "doll.ron", DOLL_PLAN_RON);
    let out = lysplan(&["check", s(&path), "--format", "json"]);
    let c = code(&out);
    assert!(c == 0 || c == 1, "{}", stderr(&out));
    let json = stdout(&out);
    assert_key_order(&json, &["findings", "summary", "streets", "energy"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let streets = v["streets"].as_array().expect("streets");
    let plan = doll_plan();
    assert_eq!(
        streets.len(),
        plan.streets.iter().filter(|s| s.class.is_some()).count()
    );
    for st in streets {
        let mut keys: Vec<&str> = st
            .as_object()
            .expect("obj")
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort_unstable();
        if st["class"].as_str().is_some_and(|c| c.starts_with('M')) {
            assert_eq!(
                keys,
                [
                    "class",
                    "e_avg_lx",
                    "e_min_lx",
                    "id",
                    "l_avg_cd_m2",
                    "pass",
                    "periods",
                    "rei",
                    "ti_pct",
                    "u_l",
                    "u_o"
                ]
            );
        } else {
            assert_eq!(
                keys,
                [
                    "class", "e_avg_lx", "e_min_lx", "id", "pass", "periods", "u_o"
                ]
            );
        }
        assert!(st["e_avg_lx"].as_f64().is_some_and(|e| e > 0.0), "{st}");
    }
    // Exit 1 exactly when some finding is an error.
    let errors = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .count();
    assert_eq!(c == 1, errors > 0);
    let installed = v["energy"]["installed_power_w"].as_f64().expect("power");
    let want: f64 = plan
        .poles
        .iter()
        .filter_map(|p| plan.luminaire(&p.luminaire))
        .map(|l| l.power_w)
        .sum();
    assert!((installed - want).abs() < 1e-6, "{installed} vs {want}");
    assert!(v["energy"]["d_e_wh_per_m2_year"].as_f64().is_some());
}

#[test]
fn lux_at_a_pole_foot_sums_its_contributions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "doll.ron", DOLL_PLAN_RON);
    let plan = doll_plan();
    let p = &plan.poles[10];
    let (lon, lat) = (p.lon.to_string(), p.lat.to_string());
    let out = lysplan(&["lux", s(&path), &lon, &lat, "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let json = stdout(&out);
    assert_key_order(
        &json,
        &["lon", "lat", "e_h_lx", "contributions", "pole", "e_h_lx"],
    );
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let e = v["e_h_lx"].as_f64().expect("e_h_lx");
    assert!(e > 0.0, "lit under a pole: {json}");
    let parts = v["contributions"].as_array().expect("contributions");
    let sum: f64 = parts.iter().filter_map(|c| c["e_h_lx"].as_f64()).sum();
    assert!((sum - e).abs() < 1e-9 * e.max(1.0));
    assert!(parts.iter().any(|c| c["pole"] == p.id.as_str()), "{json}");

    let text = lysplan(&["lux", s(&path), &lon, &lat]);
    assert_eq!(code(&text), 0);
    assert!(
        stdout(&text).contains(" lx maintained"),
        "{}",
        stdout(&text)
    );
}

#[test]
fn lux_far_from_every_pole_is_zero_and_bad_points_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "doll.ron", DOLL_PLAN_RON);
    let out = lysplan(&["lux", s(&path), "12.50", "55.60", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(v["e_h_lx"].as_f64(), Some(0.0));
    assert!(v["contributions"].as_array().is_some_and(|a| a.is_empty()));

    let out = lysplan(&["lux", s(&path), "12.39", "95.0"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("LAT"), "{}", stderr(&out));
    let out = lysplan(&["lux", s(&path), "-200", "55.68"]);
    assert_eq!(code(&out), 2, "negative numbers parse as values");
    let out = lysplan(&["lux", s(&dir.path().join("none.ron")), "12.39", "55.68"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("none.ron"));
}

#[test]
fn lux_prints_illuminance_and_contributions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "doll.ron", DOLL_PLAN_RON);
    let plan = doll_plan();
    // Right under the first pole's luminaire region: lit by it.
    let (lon, lat) = (plan.poles[0].lon, plan.poles[0].lat);
    let out = lysplan(&[
        "lux",
        s(&path),
        &lon.to_string(),
        &lat.to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let json = stdout(&out);
    assert_key_order(&json, &["lon", "lat", "e_h_lx", "contributions"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let e = v["e_h_lx"].as_f64().expect("e_h_lx");
    assert!(e > 0.5, "a pole's foot is lit: {e}");
    let parts = v["contributions"].as_array().expect("contributions");
    let sum: f64 = parts
        .iter()
        .map(|c| c["e_h_lx"].as_f64().unwrap_or(0.0))
        .sum();
    assert!(
        (sum - e).abs() < 1e-6 * e.max(1.0),
        "contributions add up: {sum} vs {e}"
    );
    assert!(parts.iter().any(|c| c["pole"] == plan.poles[0].id.as_str()));

    let text = lysplan(&["lux", s(&path), &lon.to_string(), &lat.to_string()]);
    assert_eq!(code(&text), 0);
    assert!(
        stdout(&text).contains(" lx maintained horizontal illuminance"),
        "{}",
        stdout(&text)
    );

    let bad = lysplan(&["lux", s(&path), "200", "55.6"]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).contains("not a WGS84"), "{}", stderr(&bad));
}

#[test]
fn check_refuses_a_nan_height_naming_the_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut plan = doll_plan();
    plan.poles[3].height_m = f64::NAN;
    let id = plan.poles[3].id.to_string();
    let path = dir.path().join("plan.ron");
    save_ron_atomic(&plan, &path).expect("save");
    let out = lysplan(&["check", "--no-coverage", s(&path)]);
    assert_eq!(code(&out), 2, "{}{}", stdout(&out), stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("plan.ron: poles[3] ({id}).height_m: is NaN")),
        "{err}"
    );
    assert!(err.contains("must be a finite number > 0"), "{err}");
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
}

#[test]
fn export_gpkg_and_csv_then_read_the_gpkg_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ron = write(dir.path(), "doll.ron", DOLL_PLAN_RON);
    let gpkg = dir.path().join("doll.gpkg");
    let csv = dir.path().join("poles.csv");
    let out = lysplan(&[
        "export",
        s(&ron),
        "--gpkg",
        s(&gpkg),
        "--csv",
        s(&csv),
        "--bom",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("EPSG:25832") && err.contains("UTF-8 BOM"),
        "{err}"
    );
    assert!(
        std::fs::read(&csv)
            .expect("csv")
            .starts_with(b"\xEF\xBB\xBFid,")
    );
    // The GeoPackage is a plan for every verb: check gives the same findings, diff none.
    let a = lysplan(&["check", "--no-coverage", s(&ron), "--format", "json"]);
    let b = lysplan(&["check", "--no-coverage", s(&gpkg), "--format", "json"]);
    assert_eq!(code(&b), 0, "{}", stderr(&b));
    assert_eq!(stdout(&a), stdout(&b));
    let d = lysplan(&["diff", s(&ron), s(&gpkg)]);
    assert_eq!(code(&d), 0, "{}{}", stdout(&d), stderr(&d));

    let wgs = dir.path().join("wgs.gpkg");
    let out = lysplan(&["export", s(&gpkg), "--gpkg", s(&wgs), "--crs", "4326"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("EPSG:4326"));
    let back = dir.path().join("back.ron");
    let out = lysplan(&["export", s(&wgs), "--ron", s(&back)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        load_ron(&back).expect("load").poles.len(),
        doll_plan().poles.len()
    );
}

#[test]
fn export_refuses_to_overwrite_its_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ron = write(dir.path(), "doll.ron", DOLL_PLAN_RON);
    let gpkg = dir.path().join("doll.gpkg");
    assert_eq!(code(&lysplan(&["export", s(&ron), "--gpkg", s(&gpkg)])), 0);
    let before = std::fs::read(&gpkg).unwrap();
    let other = dir.path().join("other.geojson");
    // The same file by another spelling, and through a symlink.
    let dotted = dir.path().join(".").join("doll.gpkg");
    let link = dir.path().join("link.gpkg");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&gpkg, &link).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(&gpkg, &link).unwrap();
    for (flag, target) in [("--gpkg", &gpkg), ("--csv", &dotted), ("--ron", &gpkg)]
        .into_iter()
        .chain(cfg!(unix).then_some(("--gpkg", &link)))
    {
        let out = lysplan(&["export", s(&gpkg), "--geojson", s(&other), flag, s(target)]);
        assert_eq!(code(&out), 2, "{flag}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("never overwrites its input") && err.contains("nothing was written"),
            "{err}"
        );
        assert_eq!(
            std::fs::read(&gpkg).unwrap(),
            before,
            "the input is untouched"
        );
        assert!(!other.exists(), "no output at all was written");
    }
    let out = lysplan(&["export", s(&ron), "--geojson", s(&ron)]);
    assert_eq!(code(&out), 2);
    assert_eq!(std::fs::read_to_string(&ron).unwrap(), DOLL_PLAN_RON);
    // The report, too, never replaces a plan it reads.
    let out = lysplan(&["report", s(&ron), "--html", s(&ron)]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&ron).unwrap(), DOLL_PLAN_RON);
}

#[test]
fn export_usage_errors_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ron = write(dir.path(), "doll.ron", DOLL_PLAN_RON);
    let o = dir.path().join("o.gpkg");
    for args in [
        vec!["export", s(&ron)],
        vec!["export", s(&ron), "--gpkg", s(&o), "--crs", "3857"],
        vec!["export", s(&ron), "--geojson", "x.geojson", "--crs", "4326"],
        vec!["export", s(&ron), "--geojson", "x.geojson", "--bom"],
    ] {
        let out = lysplan(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
    }
    assert!(!o.exists());
    assert!(!Path::new("x.geojson").exists());
}

#[test]
fn export_of_a_truncated_gpkg_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gpkg = dir.path().join("doll.gpkg");
    lysplan::plan::save_gpkg_atomic(&doll_plan(), &gpkg, lysplan::plan::Crs::Utm32, None).unwrap();
    let bytes = std::fs::read(&gpkg).unwrap();
    std::fs::write(&gpkg, &bytes[..bytes.len() / 3]).unwrap();
    let csv = dir.path().join("poles.csv");
    std::fs::write(&csv, "kept").unwrap();
    let out = lysplan(&["export", s(&gpkg), "--csv", s(&csv)]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("doll.gpkg") && err.contains("truncated"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "kept");
    let out = lysplan(&["check", s(&gpkg)]);
    assert_eq!(code(&out), 2);
}

#[test]
fn edit_sets_moves_deletes_and_adds_a_row_with_the_apps_checks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "doll.ron", DOLL_PLAN_RON);
    let out_path = dir.path().join("edited.ron");
    let plan = doll_plan();
    let (a, b, c) = (&plan.poles[0], &plan.poles[1], &plan.poles[2]);
    let street = &plan.streets[0].id;
    let vendor = &plan.vendors[0].id;
    let lum = &plan.luminaires[0].id;
    let moved = format!("{}={},{}", b.id, b.lon + 1e-5, b.lat);
    let row = format!(
        "street={street},side=left,from_m=10,to_m=50,count=3,offset_m=6,vendor={vendor},\
         luminaire={lum}"
    );
    let out = lysplan(&[
        "edit",
        s(&path),
        "--set",
        &format!("{}.height_m=9.5", a.id),
        "--move",
        &moved,
        "--delete",
        &c.id,
        "--row",
        &row,
        "-o",
        s(&out_path),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let edited = load_ron(&out_path).expect("the edited plan reads");
    assert_eq!(edited.pole(&a.id).unwrap().height_m, 9.5);
    assert_eq!(edited.pole(&b.id).unwrap().lon, b.lon + 1e-5);
    assert!(edited.pole(&c.id).is_none());
    assert_eq!(edited.poles.len(), plan.poles.len() - 1 + 3);
    assert!(
        stderr(&out).contains("Add a row of 3 poles"),
        "{}",
        stderr(&out)
    );
    // The input is untouched.
    assert_eq!(load_ron(&path).unwrap(), plan);
}

#[test]
fn edit_refuses_a_bad_value_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "doll.ron", DOLL_PLAN_RON);
    let out_path = dir.path().join("edited.ron");
    let id = doll_plan().poles[0].id.to_string();
    let bad = format!("{id}.height_m=-3");
    let out = lysplan(&["edit", s(&path), "--set", &bad, "-o", s(&out_path)]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains(&bad) && err.contains("height"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!out_path.exists());
    // Unknown poles and fields are named; the input is never replaced without asking.
    let out = lysplan(&["edit", s(&path), "--delete", "NOPE", "-o", s(&out_path)]);
    assert!(
        stderr(&out).contains("pole NOPE is not in the plan"),
        "{}",
        stderr(&out)
    );
    let out = lysplan(&[
        "edit",
        s(&path),
        "--set",
        "P001.colour=red",
        "-o",
        s(&out_path),
    ]);
    assert!(stderr(&out).contains("no pole field"), "{}", stderr(&out));
    let out = lysplan(&[
        "edit",
        s(&path),
        "--set",
        &format!("{id}.tilt_deg=5"),
        "-o",
        s(&path),
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("--in-place"), "{}", stderr(&out));
    let out = lysplan(&[
        "edit",
        s(&path),
        "--set",
        &format!("{id}.tilt_deg=5"),
        "--in-place",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(load_ron(&path).unwrap().pole(&id).unwrap().tilt_deg, 5.0);
}

#[test]
fn version_prints_the_package_version() {
    let o = lysplan(&["--version"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        stdout(&o),
        format!("lysplan {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_lists_every_verb_on_one_line_each() {
    let o = lysplan(&["--help"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    let commands: Vec<&str> = out
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    let verbs: Vec<&str> = commands
        .iter()
        .map(|l| l.split_whitespace().next().expect("a verb"))
        .collect();
    assert_eq!(
        verbs,
        [
            "check",
            "lux",
            "luminance",
            "energy",
            "survey",
            "diff",
            "report",
            "export",
            "osm-import",
            "edit",
            "optimise",
            "help"
        ],
        "{out}"
    );
    for line in &commands {
        // The verb, then what it does, on its own line.
        assert!(line.split_whitespace().count() >= 3, "{line:?}");
    }
}

/// Issue 26: `lysplan edit --class-schedule` sets a street's night classes with the
/// app's checks (a class of another family is refused with the reason and nothing is
/// written), and `STREET=` removes the schedule.
#[test]
fn edit_sets_and_removes_a_class_schedule() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "doll.ron", DOLL_PLAN_RON);
    let out_path = dir.path().join("edited.ron");
    let out = lysplan(&[
        "edit",
        s(&path),
        "--class-schedule",
        "formervangen=22:00 C5, 23:30 C5",
        "--class-schedule",
        "gl-landevej=",
        "-o",
        s(&out_path),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let back = lysplan::locate::load_any(&out_path).unwrap();
    let street = |id: &str| back.streets.iter().find(|x| x.id == id).unwrap().clone();
    assert_eq!(
        street("formervangen").class_schedule,
        vec![
            ("22:00".to_string(), lysplan::plan::LightingClass::C5),
            ("23:30".to_string(), lysplan::plan::LightingClass::C5)
        ]
    );
    assert!(street("gl-landevej").class_schedule.is_empty());
    // An M class on a C street: refused, naming the step; nothing written.
    std::fs::remove_file(&out_path).unwrap();
    let out = lysplan(&[
        "edit",
        s(&path),
        "--class-schedule",
        "formervangen=22:00 M5",
        "-o",
        s(&out_path),
    ]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("class_schedule") && err.contains("M5"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!out_path.exists());
    // A step that is not "HH:MM CLASS" is refused before the plan is read.
    let out = lysplan(&[
        "edit",
        s(&path),
        "--class-schedule",
        "formervangen=late C5",
        "-o",
        s(&out_path),
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(!out_path.exists());
}
