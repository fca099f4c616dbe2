//! The layer order of `src/lib.rs`, held by a test: lower layers never name higher ones
//! (photometry knows no plan, lighting knows no check, the core knows no app).

use std::path::Path;

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read src dir") {
        let p = e.expect("dir entry").path();
        if p.is_dir() {
            out.extend(sources(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&p).expect("read source");
            out.push((p.display().to_string(), text));
        }
    }
    out
}

fn src(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(rel)
}

/// Code lines (not comments) of `text` naming any of `higher`.
fn offending<'a>(text: &'a str, higher: &[&str]) -> Vec<&'a str> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .filter(|l| higher.iter().any(|h| l.contains(h)))
        .collect()
}

#[test]
fn lower_layers_do_not_import_higher_ones() {
    let rules: [(&str, &[&str]); 7] = [
        ("osm", &["crate::lighting", "crate::check", "crate::report"]),
        (
            "photometry",
            &[
                "crate::plan",
                "crate::index",
                "crate::lighting",
                "crate::check",
            ],
        ),
        (
            "frame.rs",
            &[
                "crate::plan",
                "crate::index",
                "crate::lighting",
                "crate::check",
            ],
        ),
        (
            "finding.rs",
            &["crate::plan", "crate::lighting", "crate::check"],
        ),
        ("lighting", &["crate::check", "crate::report"]),
        (
            "plan",
            &[
                "crate::index",
                "crate::locate",
                "crate::schedule",
                "crate::energy",
                "crate::lighting",
                "crate::check",
                "crate::report",
            ],
        ),
        (
            "energy",
            &["crate::lighting", "crate::check", "crate::report"],
        ),
    ];
    let mut bad = Vec::new();
    for (dir, higher) in rules {
        let path = src(dir);
        let files = if path.is_dir() {
            sources(&path)
        } else {
            vec![(
                path.display().to_string(),
                std::fs::read_to_string(&path).expect("read source"),
            )]
        };
        for (file, text) in files {
            for line in offending(&text, higher) {
                bad.push(format!("{file}: {}", line.trim()));
            }
        }
    }
    assert!(bad.is_empty(), "layer violations:\n{}", bad.join("\n"));
}

#[test]
fn only_the_app_names_gui_crates() {
    let gui = ["egui", "eframe", "walkers", "rfd::", "winit", "wgpu"];
    let mut bad = Vec::new();
    for (file, text) in sources(&src("")) {
        if file.contains("/src/app/") {
            continue;
        }
        for line in offending(&text, &gui) {
            if !line.contains("cfg(feature") && !line.contains("lysplan::app") {
                bad.push(format!("{file}: {}", line.trim()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "GUI crates outside src/app:\n{}",
        bad.join("\n")
    );
}
