//! Build script: checks the bundled site data before it is embedded in the binary
//! (src/bundled.rs includes it with `include_str!`).
//!
//! - every `maps/*.geojson` must be an RFC 7946 FeatureCollection of LineString street
//!   features with the properties `kind: "street"`, a unique `id`, `name`, a known `class`
//!   (or none) and a positive `width_m`, coordinates in lon/lat range;
//! - `assets/plans/doll-living-lab.ron` must be RON with a `format_version` >= 1.
//!
//! A malformed file fails the build with the file, the place (line:col or the JSON path of
//! the feature and property) and what to fix.

use std::fs;
use std::path::{Path, PathBuf};

const PLAN: &str = "assets/plans/doll-living-lab.ron";
const MAPS: &str = "maps";
const CLASSES: [&str; 18] = [
    "P1", "P2", "P3", "P4", "P5", "P6", "C0", "C1", "C2", "C3", "C4", "C5", "M1", "M2", "M3", "M4",
    "M5", "M6",
];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed={MAPS}");
    println!("cargo::rerun-if-changed={PLAN}");
    pack_relative_relocations();
    let mut errors = Vec::new();
    match map_files() {
        Ok(files) if files.is_empty() => errors.push(format!(
            "{MAPS}/: no .geojson file; the bundled site map is missing"
        )),
        Ok(files) => {
            for f in files {
                println!("cargo::rerun-if-changed={}", f.display());
                if let Err(e) = check_geojson(&f) {
                    errors.push(e);
                }
            }
        }
        Err(e) => errors.push(e),
    }
    if let Err(e) = check_plan(Path::new(PLAN)) {
        errors.push(e);
    }
    if !errors.is_empty() {
        for e in &errors {
            println!("cargo::error={e}");
        }
        std::process::exit(1);
    }
}

/// On Linux with glibc, the `lysplan` binary packs its relative relocations (DT_RELR,
/// glibc >= 2.36) instead of carrying one 24-byte RELA entry for each: the position-
/// independent binary has about 60,000 of them (1.4 MB), and the loader reads them all at
/// every start, so each `lysplan check` held 1.4 MB of them in memory before doing any work.
/// A linker that does not know the option only warns; one whose C library lacks DT_RELR
/// leaves the relocations as they were.
fn pack_relative_relocations() {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

fn map_files() -> Result<Vec<PathBuf>, String> {
    let rd = fs::read_dir(MAPS).map_err(|e| format!("{MAPS}/: {e}; the bundled map folder"))?;
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "geojson"))
        .collect();
    files.sort();
    Ok(files)
}

fn check_geojson(path: &Path) -> Result<(), String> {
    use serde_json::Value;
    let shown = path.display();
    let text = fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    let root: Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{shown}:{}:{}: {e}; fix the JSON syntax there",
            e.line(),
            e.column()
        )
    })?;
    let at = |field: &str, what: &str| format!("{shown}: {field}: {what}");
    if root.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(at("type", "must be \"FeatureCollection\""));
    }
    let Some(features) = root.get("features").and_then(Value::as_array) else {
        return Err(at("features", "must be an array of Feature objects"));
    };
    if features.is_empty() {
        return Err(at(
            "features",
            "is empty; the map needs at least one street",
        ));
    }
    let mut ids = std::collections::HashSet::new();
    for (i, f) in features.iter().enumerate() {
        let fp = format!("features[{i}]");
        if f.get("type").and_then(Value::as_str) != Some("Feature") {
            return Err(at(&format!("{fp}.type"), "must be \"Feature\""));
        }
        let g = f.get("geometry");
        if g.and_then(|g| g.get("type")).and_then(Value::as_str) != Some("LineString") {
            return Err(at(
                &format!("{fp}.geometry.type"),
                "must be \"LineString\" (the map holds street centrelines only)",
            ));
        }
        let coords = g
            .and_then(|g| g.get("coordinates"))
            .and_then(Value::as_array)
            .ok_or_else(|| at(&format!("{fp}.geometry.coordinates"), "must be an array"))?;
        if coords.len() < 2 {
            return Err(at(
                &format!("{fp}.geometry.coordinates"),
                "a LineString needs at least two positions",
            ));
        }
        for (k, c) in coords.iter().enumerate() {
            let lon = c.get(0).and_then(Value::as_f64);
            let lat = c.get(1).and_then(Value::as_f64);
            let ok = matches!((lon, lat), (Some(lon), Some(lat))
                if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat));
            if !ok {
                return Err(at(
                    &format!("{fp}.geometry.coordinates[{k}]"),
                    "must be [lon, lat] in degrees (WGS84, lon first)",
                ));
            }
        }
        let pp = format!("{fp}.properties");
        let Some(props) = f.get("properties").and_then(Value::as_object) else {
            return Err(at(
                &pp,
                "must be an object with kind, id, name, class, width_m",
            ));
        };
        if props.get("kind").and_then(Value::as_str) != Some("street") {
            return Err(at(&format!("{pp}.kind"), "must be \"street\""));
        }
        let Some(id) = props.get("id").and_then(Value::as_str) else {
            return Err(at(
                &format!("{pp}.id"),
                "must be a string (unique street id)",
            ));
        };
        if !ids.insert(id.to_string()) {
            return Err(at(&format!("{pp}.id"), &format!("{id:?} is used twice")));
        }
        if props.get("name").and_then(Value::as_str).is_none() {
            return Err(at(&format!("{pp}.name"), "must be a string (street name)"));
        }
        match props.get("class") {
            None | Some(Value::Null) => {}
            Some(Value::String(c)) if CLASSES.contains(&c.as_str()) => {}
            Some(_) => {
                return Err(at(
                    &format!("{pp}.class"),
                    "must be an EN 13201 class P1..P6, C0..C5 or M1..M6",
                ));
            }
        }
        match props.get("width_m").and_then(Value::as_f64) {
            Some(w) if w > 0.0 && w.is_finite() => {}
            _ => {
                return Err(at(
                    &format!("{pp}.width_m"),
                    "must be a positive number of metres",
                ));
            }
        }
    }
    Ok(())
}

fn check_plan(path: &Path) -> Result<(), String> {
    let shown = path.display();
    let text = fs::read_to_string(path).map_err(|e| {
        format!("{shown}: {e}; regenerate it with `cargo run --example make_doll_plan`")
    })?;
    let value: ron::Value = ron::from_str(&text).map_err(|e| {
        format!(
            "{shown}:{}:{}: {}; fix the RON there",
            e.span.start.line, e.span.start.col, e.code
        )
    })?;
    let ron::Value::Map(map) = value else {
        return Err(format!("{shown}: must be a Plan(...) struct"));
    };
    let version = map
        .iter()
        .find(|(k, _)| matches!(k, ron::Value::String(s) if s == "format_version"))
        .map(|(_, v)| v);
    match version {
        Some(ron::Value::Number(n)) if n.into_f64() >= 1.0 => Ok(()),
        Some(_) => Err(format!(
            "{shown}: format_version: must be a whole number >= 1"
        )),
        None => Err(format!(
            "{shown}: format_version: is missing; the plan must start with Plan(format_version: 1, ...)"
        )),
    }
}
