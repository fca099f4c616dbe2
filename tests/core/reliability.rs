//! Bad input and unlucky moments: a width no grid fits, a reader that goes away, a save
//! killed half-way, a symlinked or read-only-for-others plan, a BOM, a Latin-1 file.

use lysplan::bundled::doll_plan;
use lysplan::locate::load_any;
use lysplan::plan::save_ron_atomic;
use std::path::Path;
use std::process::{Command, Stdio};

fn lysplan(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lysplan"))
        .args(args)
        .output()
        .expect("run lysplan")
}

/// The save temp files (`.plan.ron.tmp-<pid>`) left in `dir`.
fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

#[test]
fn a_street_too_wide_for_any_grid_is_a_finding_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    for width in [1e308, 1e9] {
        let mut plan = doll_plan();
        let i = plan.streets.iter().position(|s| s.class.is_some()).unwrap();
        plan.streets[i].width_m = width;
        let id = plan.streets[i].id.clone();
        let path = dir.path().join("wide.ron");
        save_ron_atomic(&plan, &path).unwrap();
        let o = lysplan(&["check", s(&path), "--format", "json"]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains("cannot be evaluated") && out.contains(&format!("({id})")),
            "{out}"
        );
        assert!(out.contains("value.implausible"), "and the validator warns");
    }
}

#[test]
fn a_classed_street_thousands_of_km_long_is_a_finding_not_seconds_of_grid() {
    // What the RON fuzzer found: one vertex's latitude mistyped 55.68 -> 43.68.
    let mut plan = doll_plan();
    let i = plan.streets.iter().position(|s| s.class.is_some()).unwrap();
    let last = plan.streets[i].points.len() - 1;
    plan.streets[i].points[last].lat -= 12.0;
    let f = lysplan::lighting::evaluate(&plan, &lysplan::lighting::load_photometry(&plan).0, None)
        .findings;
    assert!(
        f.iter()
            .any(|f| f.rule == "coverage.class" && f.message.contains("km long")),
        "{f:?}"
    );
}

#[test]
fn a_classed_street_without_length_is_a_finding() {
    let mut plan = doll_plan();
    let i = plan.streets.iter().position(|s| s.class.is_some()).unwrap();
    let p = plan.streets[i].points[0];
    plan.streets[i].points = vec![p, p];
    let f = lysplan::lighting::evaluate(&plan, &lysplan::lighting::load_photometry(&plan).0, None)
        .findings;
    assert!(
        f.iter()
            .any(|f| f.rule == "coverage.class" && f.message.contains("has no length")),
        "{f:?}"
    );
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let dir = tempfile::tempdir().unwrap();
    // Enough findings that the output is larger than a pipe's buffer.
    let mut plan = lysplan::check::synth::plan(2_000);
    let base = plan.poles.clone();
    for (k, p) in base.iter().enumerate() {
        let mut q = p.clone();
        q.id = format!("X{k}").into();
        q.lon += 3e-5;
        plan.poles.push(q);
    }
    let path = dir.path().join("many.ron");
    save_ron_atomic(&plan, &path).unwrap();
    for format in ["text", "json"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lysplan"))
            .args(["check", s(&path), "--no-coverage", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Like `| head -c 0`: the reader closes at once.
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(o.status.code(), Some(1), "exit as the check says: {err}");
    }
}

// Unix file modes and symlinks: the test binary must still build elsewhere.
#[cfg(unix)]
#[test]
fn a_save_keeps_a_symlink_and_the_file_mode_and_clears_stale_temp_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.ron");
    let link = dir.path().join("plan.ron");
    save_ron_atomic(&doll_plan(), &real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    // What a save killed between create and rename left behind (a pid that is gone).
    let stale = dir.path().join(".real.ron.tmp-4000000");
    std::fs::write(&stale, "half a plan").unwrap();
    let mut plan = doll_plan();
    plan.name = "Through the link".into();
    save_ron_atomic(&plan, &link).unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    assert_eq!(load_any(&real).unwrap().name, "Through the link");
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(!stale.exists(), "the stale temp file is gone");
    let left = temp_files(dir.path());
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_utf8_bom_is_accepted_and_other_encodings_are_named_with_the_offset() {
    let dir = tempfile::tempdir().unwrap();
    let ron = lysplan::plan::to_ron_string(&doll_plan());
    let with_bom = dir.path().join("bom.ron");
    std::fs::write(
        &with_bom,
        [&[0xEF, 0xBB, 0xBF][..], ron.as_bytes()].concat(),
    )
    .unwrap();
    assert_eq!(load_any(&with_bom).unwrap(), doll_plan());
    let geo = dir.path().join("bom.geojson");
    let text = lysplan::plan::to_geojson(&doll_plan());
    std::fs::write(&geo, [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat()).unwrap();
    assert_eq!(load_any(&geo).unwrap().poles.len(), doll_plan().poles.len());

    // Latin-1: "Gl. Landevej" is fine, "Herstedøstervej" is 0xF8 in Latin-1.
    let latin1: Vec<u8> = ron
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    // One byte per character: the first non-ASCII Latin-1 byte is at its char index.
    let at = latin1
        .iter()
        .position(|&b| b >= 0x80)
        .expect("an ø in the plan");
    let bad = dir.path().join("latin1.ron");
    std::fs::write(&bad, latin1).unwrap();
    let e = load_any(&bad).unwrap_err().to_string();
    assert!(e.contains("latin1.ron"), "{e}");
    assert!(e.contains(&format!("byte {at} ")), "{e}");
    assert!(e.contains("Latin-1"), "{e}");

    let utf16 = dir.path().join("utf16.geojson");
    let mut bytes = vec![0xFF, 0xFE];
    for u in "{\"type\":\"FeatureCollection\"}".encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    std::fs::write(&utf16, bytes).unwrap();
    let e = load_any(&utf16).unwrap_err().to_string();
    assert!(e.contains("UTF-16") && e.contains("byte 0"), "{e}");
}

#[test]
fn a_misspelt_field_is_refused_with_a_suggestion_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let ron = lysplan::plan::to_ron_string(&doll_plan());
    let typo = ron.replacen("tilt_deg:", "tilt_dgs:", 1);
    assert_ne!(typo, ron);
    let path = dir.path().join("typo.ron");
    std::fs::write(&path, &typo).unwrap();
    let e = load_any(&path).unwrap_err().to_string();
    assert!(e.contains("typo.ron:"), "{e}");
    assert!(
        e.contains("unknown field `tilt_dgs`: did you mean `tilt_deg`?"),
        "{e}"
    );
    let line = typo[..typo.find("tilt_dgs").unwrap()].lines().count();
    assert!(e.contains(&format!(":{line}:")), "line {line} named: {e}");
    // Something far from any field: the fields are listed.
    let odd = ron.replacen("tilt_deg:", "zzzzzzzzzzzz:", 1);
    std::fs::write(&path, &odd).unwrap();
    let e = load_any(&path).unwrap_err().to_string();
    assert!(
        e.contains("the fields here are") && e.contains("`tilt_deg`"),
        "{e}"
    );
}

#[test]
fn messages_say_what_was_found_in_the_file_words_not_rust_debug_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.geojson");
    for (text, want) in [
        (r#"{"features": []}"#, "type: is missing"),
        (
            r#"{"type": "Feature", "features": []}"#,
            r#"type: is "Feature""#,
        ),
        (r#"{"type": 7, "features": []}"#, "type: is 7, not a string"),
    ] {
        std::fs::write(&path, text).unwrap();
        let e = load_any(&path).unwrap_err().to_string();
        assert!(e.contains(want), "{e}");
        assert!(!e.contains("None") && !e.contains("Some("), "{e}");
    }
}

#[test]
fn huge_numbers_are_shown_short_in_messages() {
    let mut plan = doll_plan();
    plan.poles[0].lon = 1e308;
    let f = lysplan::check::run(&plan);
    let m = &f
        .iter()
        .find(|f| f.rule == "placement.position")
        .expect("a position finding")
        .message;
    assert!(m.contains("1.000e308") && m.len() < 200, "{m}");
    assert_eq!(lysplan::finding::number(12.5), "12.5");
}

#[test]
fn a_missing_bundled_photometry_file_is_a_finding_naming_it() {
    let mut plan = doll_plan();
    let used = plan.poles[0].luminaire.clone();
    let l = plan.luminaires.iter_mut().find(|l| l.id == used).unwrap();
    l.photometry = lysplan::plan::PhotometrySource::Bundled("no_such_file.ldt".into());
    let f = lysplan::check::run(&plan);
    let hit = f
        .iter()
        .find(|f| f.rule == "reference.luminaire")
        .expect("a reference.luminaire finding");
    assert!(hit.message.contains("no_such_file.ldt"), "{}", hit.message);
    assert!(hit.poles.contains(&plan.poles[0].id.to_string()));
    assert_eq!(hit.severity, lysplan::check::Severity::Error);
}

#[test]
fn photometry_that_lights_nothing_honestly_is_a_reference_luminaire_finding() {
    let ies = include_str!("../../assets/luminaires/absolute_led.ies");
    let cases = [
        // Multiplier -1: every intensity negative.
        (
            ies.replacen("1 -1 1.0 19 37", "1 -1 -1.0 19 37", 1),
            "negative",
        ),
        // Multiplier 0: the table is empty.
        (ies.replacen("1 -1 1.0 19 37", "1 -1 0.0 19 37", 1), "empty"),
    ];
    for (text, why) in cases {
        let mut plan = doll_plan();
        let used = plan.poles[0].luminaire.clone();
        let l = plan.luminaires.iter_mut().find(|l| l.id == used).unwrap();
        l.photometry = lysplan::plan::PhotometrySource::Embedded {
            file_name: "vendor_led.ies".into(),
            text,
        };
        let f = lysplan::check::run(&plan);
        let hit = f
            .iter()
            .find(|f| f.rule == "reference.luminaire")
            .unwrap_or_else(|| panic!("a finding for {why}"));
        assert!(
            hit.message.contains("vendor_led.ies") && hit.message.contains(why),
            "{}",
            hit.message
        );
    }
    // Intensities that integrate to 3x the declared flux (the bundled TILT test fixture).
    let mut plan = doll_plan();
    let used = plan.poles[0].luminaire.clone();
    let l = plan.luminaires.iter_mut().find(|l| l.id == used).unwrap();
    l.photometry = lysplan::plan::PhotometrySource::Embedded {
        file_name: "tilt.ies".into(),
        text: include_str!("../../assets/luminaires/tilt_include_synthetic.ies").into(),
    };
    let f = lysplan::check::run(&plan);
    assert!(
        f.iter()
            .any(|f| f.rule == "reference.luminaire" && f.message.contains("factor of 2")),
        "{f:?}"
    );
    // The bundled plan's own photometry is fine.
    assert!(
        !lysplan::check::run(&doll_plan())
            .iter()
            .any(|f| f.rule == "reference.luminaire")
    );
}

#[test]
fn a_save_killed_at_any_moment_leaves_the_old_or_the_new_file() {
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let src_old = dir.path().join("old.ron");
    let src_new = dir.path().join("new.geojson");
    let target = dir.path().join("plan.ron");
    let old = doll_plan();
    let mut new = lysplan::check::synth::plan(20_000);
    new.name = "New".into();
    save_ron_atomic(&old, &src_old).unwrap();
    lysplan::plan::save_geojson_atomic(&new, &src_new).unwrap();
    let new_ron = lysplan::plan::to_ron_string(&load_any(&src_new).unwrap());
    let old_ron = std::fs::read_to_string(&src_old).unwrap();
    // How long one whole export takes here, so the kills are spread over it.
    let t0 = std::time::Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_lysplan"))
        .args([
            "export",
            s(&src_new),
            "--ron",
            s(&dir.path().join("probe.ron")),
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let whole = t0.elapsed().as_secs_f64();
    let (mut saw_old, mut saw_new) = (0, 0);
    for k in 0..50u64 {
        std::fs::copy(&src_old, &target).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_lysplan"))
            .args(["export", s(&src_new), "--ron", s(&target)])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill at a different moment each run: while reading, writing or renaming.
        // Spread over twice a whole export (a loaded machine is slower than the probe);
        // the last run is not killed, so the new file is always among the outcomes.
        if k < 49 {
            std::thread::sleep(Duration::from_secs_f64(whole * 2.0 * (k as f64) / 49.0));
            let _ = child.kill();
        }
        let _ = child.wait();
        let now = std::fs::read_to_string(&target).unwrap();
        assert!(now == old_ron || now == new_ron, "run {k}: a torn file");
        if now == old_ron {
            saw_old += 1;
        } else {
            saw_new += 1;
        }
    }
    eprintln!("kills left the old file {saw_old} times, the new one {saw_new} times");
    // The next save cleans up whatever the killed ones left.
    save_ron_atomic(&old, &target).unwrap();
    let left = temp_files(dir.path());
    assert!(left.is_empty(), "{left:?}");
}

/// 3,000 copies of one pole under new ids (issue 12 #3): once 4.5 M pair findings and an
/// abort at 2.8 GB; now one `spacing.min` and one `reference.same_spot` finding naming
/// all of them, and the text report names ten and counts the rest.
#[test]
fn thousands_of_copies_of_one_pole_are_one_finding_per_rule() {
    let mut plan = doll_plan();
    let p = plan.poles[0].clone();
    for k in 0..3_000 {
        let mut q = p.clone();
        q.id = format!("COPY{k:04}").into();
        plan.poles.push(q);
    }
    let f = lysplan::check::run(&plan);
    let of = |rule: &str| -> Vec<&lysplan::finding::Finding> {
        f.iter()
            .filter(|x| x.rule == rule && x.poles.contains(&p.id.to_string()))
            .collect()
    };
    for rule in ["spacing.min", "reference.same_spot"] {
        let g = of(rule);
        assert_eq!(g.len(), 1, "{rule}: {g:?}");
        assert_eq!(g[0].poles.len(), 3_001, "{rule} lists every pole");
        assert!(
            g[0].message.contains("3001 poles") && g[0].message.contains("and 2996 more"),
            "{}",
            g[0].message
        );
    }
    assert!(f.len() < 100, "{} findings", f.len());

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copies.ron");
    save_ron_atomic(&plan, &path).unwrap();
    let o = lysplan(&["check", s(&path), "--no-coverage"]);
    let text = String::from_utf8_lossy(&o.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("[spacing.min]") && l.contains("COPY0000"))
        .expect("the group's line");
    assert!(line.contains("and 2991 more"), "{line}");
    assert!(line.len() < 1_000, "{} characters", line.len());
    let o = lysplan(&["check", s(&path), "--no-coverage", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let listed = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "spacing.min" && f["poles"][0] == "COPY0000")
        .expect("the group in json");
    assert_eq!(listed["poles"].as_array().unwrap().len(), 3_001);
}

/// 3,000 identical sections: one `section.overlap` finding, not 4.5 M (issue 12 #3).
#[test]
fn thousands_of_identical_sections_are_one_overlap_finding() {
    let mut plan = doll_plan();
    let s0 = plan.sections[0].clone();
    for k in 0..3_000 {
        let mut c = s0.clone();
        c.id = format!("SC{k:04}");
        plan.sections.push(c);
    }
    let f = lysplan::check::run(&plan);
    let overlaps: Vec<_> = f
        .iter()
        .filter(|x| x.rule == "section.overlap" && x.message.contains("SC0000"))
        .collect();
    assert_eq!(overlaps.len(), 1, "{overlaps:?}");
    assert!(
        overlaps[0].message.starts_with("3001 sections overlap"),
        "{}",
        overlaps[0].message
    );
}

/// A row of three poles 4 m apart is one group; dragging the middle one away splits it
/// into nothing, and back joins it again, and the incremental checker agrees with a
/// fresh one at each step.
#[test]
fn a_group_of_close_poles_follows_a_drag() {
    use lysplan::check::Checker;
    use lysplan::frame::{Xy, from_utm32, to_utm32};
    let mut plan = doll_plan();
    let o = to_utm32(plan.poles[0].lon, plan.poles[0].lat);
    let base = plan.poles[0].clone();
    let at = |dx: f64| from_utm32(Xy::new(o.x + 2_000.0 + dx, o.y + 2_000.0));
    for (k, dx) in [0.0, 4.0, 8.0].into_iter().enumerate() {
        let mut q = base.clone();
        q.id = format!("ROW{k}").into();
        (q.lon, q.lat) = at(dx);
        plan.poles.push(q);
    }
    let mid = plan.poles.len() - 2;
    let groups = |f: &[lysplan::finding::Finding]| -> Vec<Vec<String>> {
        f.iter()
            .filter(|x| x.rule == "spacing.min" && x.poles.iter().any(|p| p.starts_with("ROW")))
            .map(|x| x.poles.clone())
            .collect()
    };
    let mut checker = Checker::new(&plan);
    assert_eq!(
        groups(checker.findings()),
        vec![vec!["ROW0", "ROW1", "ROW2"]]
    );
    // Away: ROW0 and ROW2 are 8 m apart, still a pair.
    (plan.poles[mid].lon, plan.poles[mid].lat) = at(500.0);
    checker.move_pole(&plan, mid);
    assert_eq!(groups(checker.findings()), vec![vec!["ROW0", "ROW2"]]);
    assert_eq!(checker.findings(), Checker::new(&plan).findings());
    // Back between them.
    (plan.poles[mid].lon, plan.poles[mid].lat) = at(4.0);
    checker.move_pole(&plan, mid);
    assert_eq!(
        groups(checker.findings()),
        vec![vec!["ROW0", "ROW1", "ROW2"]]
    );
    assert_eq!(checker.findings(), Checker::new(&plan).findings());
}

/// What the RON fuzzer found (this session, ron_plan after ~90 k runs): a street vertex
/// written `55.e848` reads as an infinite latitude, and building the coverage index
/// panicked inside the R-tree's bulk load. Now the street is indexed without geometry and
/// the check names the vertex.
#[test]
fn an_infinite_street_vertex_is_a_finding_not_a_panic() {
    let plan = doll_plan();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inf.ron");
    save_ron_atomic(&plan, &path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let i = plan.streets.iter().position(|s| s.class.is_some()).unwrap();
    let lysplan::frame::LonLat { lon, lat } = plan.streets[i].points[1];
    let needle = format!("({lon}, {lat})");
    assert!(text.contains(&needle), "the vertex as written: {needle}");
    std::fs::write(
        &path,
        text.replacen(&needle, &format!("({lon}, 55.e848)"), 1),
    )
    .unwrap();
    let o = lysplan(&["check", s(&path), "--format", "json"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(o.status.code(), Some(1), "{err}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(&plan.streets[i].id), "{out}");
}

/// Issue 12 #5: a negative value in a photometry file is reported at its line, naming
/// the value (the LDT intensity at its C plane and gamma angle; the IES multiplier and a
/// candela value at theirs), and the plan's finding carries that place.
#[test]
fn negative_photometry_values_are_named_at_their_line() {
    use lysplan::photometry::parse;
    use std::path::Path;
    // EULUMDAT: one value a line; make the 5th intensity of the file negative.
    let ldt = include_str!("../../assets/luminaires/acme_road_runner.ldt");
    let ok = parse(ldt, Path::new("a.ldt")).expect("the bundled file reads");
    let lines: Vec<&str> = ldt.lines().collect();
    let n = lines.len();
    assert!(!ok.table.gamma_deg.is_empty());
    // The intensities are the file's last lines: the last line whose negation the
    // reader refuses is one of them.
    let target = (1..=n)
        .rev()
        .find(|&l| {
            let mut v: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
            v[l - 1] = format!("-{}", v[l - 1].trim());
            parse(&v.join("\n"), Path::new("a.ldt")).is_err()
        })
        .expect("some intensity line");
    let mut v: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    v[target - 1] = format!("-{}", v[target - 1].trim());
    let e = parse(&v.join("\n"), Path::new("a.ldt"))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with(&format!("a.ldt:{target}:")), "{e}");
    assert!(
        e.contains("intensity at C ") && e.contains("negative"),
        "{e}"
    );

    // IES: the multiplier, on line 9 of the bundled file, and a candela value.
    let ies = include_str!("../../assets/luminaires/absolute_led.ies");
    let bad = ies.replacen("1 -1 1.0 19 37", "1 -1 -1.0 19 37", 1);
    let e = parse(&bad, Path::new("b.ies")).unwrap_err().to_string();
    assert!(
        e.starts_with("b.ies:9:") && e.contains("the candela multiplier is -1"),
        "{e}"
    );
    let last = ies.lines().count();
    let mut v: Vec<String> = ies.lines().map(|s| s.to_string()).collect();
    v[last - 1] = format!("-5 {}", v[last - 1]);
    let e = parse(&v.join("\n"), Path::new("b.ies"))
        .unwrap_err()
        .to_string();
    assert!(e.contains(&format!("b.ies:{last}:")), "{e}");
    assert!(
        e.contains("candela value at horizontal") && e.contains("-5"),
        "{e}"
    );

    // In a plan: the reference.luminaire finding names the file and the line.
    let mut plan = doll_plan();
    let used = plan.poles[0].luminaire.clone();
    let l = plan.luminaires.iter_mut().find(|l| l.id == used).unwrap();
    l.photometry = lysplan::plan::PhotometrySource::Embedded {
        file_name: "vendor_led.ies".into(),
        text: bad,
    };
    let f = lysplan::check::run(&plan);
    assert!(
        f.iter().any(|f| f.rule == "reference.luminaire"
            && f.message.contains("vendor_led.ies:9")
            && f.message.contains("multiplier")),
        "{f:?}"
    );
}

/// Issue 12 #10: an empty file says it is empty (not a syntax error at `:1:0`), and a
/// blank id is called blank, not missing.
#[test]
fn an_empty_file_and_a_blank_id_are_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["empty.ron", "empty.geojson", "blank.ron"] {
        let path = dir.path().join(name);
        std::fs::write(&path, if name == "blank.ron" { "  \n\n" } else { "" }).unwrap();
        let o = lysplan(&["check", s(&path)]);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(name) && err.contains("the file is empty"),
            "{err}"
        );
        assert!(!err.contains(":1:0"), "{err}");
    }
    let path = dir.path().join("blank-id.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[12.388,55.6848]},"properties":{"kind":"pole","id":"  ","height_m":6,"vendor":"v","luminaire":"l"}}]}"#,
    )
    .unwrap();
    let o = lysplan(&["check", s(&path)]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("features[0].properties.id") && err.contains("is blank"),
        "{err}"
    );
    // A syntax error on the first line counts columns from 1.
    let path = dir.path().join("bad.geojson");
    std::fs::write(&path, "[").unwrap();
    let o = lysplan(&["check", s(&path)]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.geojson:1:1"), "{err}");
}
