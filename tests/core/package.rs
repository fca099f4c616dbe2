//! The Debian package's metadata (Cargo.toml `[package.metadata.deb]`, built by
//! `cargo deb`), checked without cargo-deb: every asset's source exists in the
//! repository or is written by examples/gen_assets.rs, everything that generator writes
//! is packaged, and the desktop entry names the binary and an icon that is installed.

// The generator itself (it includes src/cli/mod.rs), run here into a temporary folder.
#[path = "../../examples/gen_assets.rs"]
#[allow(dead_code)]
mod gen_assets;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `[package.metadata.deb]` of Cargo.toml.
fn deb_metadata() -> toml::Table {
    let text = std::fs::read_to_string(root().join("Cargo.toml")).expect("read Cargo.toml");
    let manifest: toml::Table = text.parse().expect("Cargo.toml parses");
    manifest["package"]["metadata"]["deb"]
        .as_table()
        .expect("[package.metadata.deb]")
        .clone()
}

/// The assets as (source, destination, mode).
fn assets() -> Vec<(String, String, String)> {
    deb_metadata()["assets"]
        .as_array()
        .expect("assets is an array")
        .iter()
        .map(|a| {
            let a = a.as_array().expect("each asset is [source, dest, mode]");
            let s = |i: usize| a[i].as_str().expect("a string").to_string();
            assert_eq!(a.len(), 3, "{a:?}");
            (s(0), s(1), s(2))
        })
        .collect()
}

/// Whether `path` matches `pattern`, where `pattern` may have one `*` in its last
/// component (the only kind of glob the metadata uses).
fn matches(pattern: &str, path: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == path,
        Some((before, after)) => {
            !after.contains('*')
                && !after.contains('/')
                && path.len() >= before.len() + after.len()
                && path.starts_with(before)
                && path.ends_with(after)
                && !path[before.len()..path.len() - after.len()].contains('/')
        }
    }
}

#[test]
fn every_deb_asset_source_exists_or_is_generated_and_every_generated_file_is_packaged() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let generated: Vec<String> = gen_assets::generate(tmp.path())
        .expect("generate the man pages and completions")
        .iter()
        .map(|f| format!("{}/{}", gen_assets::OUT_DIR, f.display()))
        .collect();
    for f in [
        "man/lysplan.1",
        "man/lysplan-check.1",
        "completions/lysplan.bash",
    ] {
        assert!(
            generated.contains(&format!("{}/{f}", gen_assets::OUT_DIR)),
            "{f} in {generated:?}"
        );
    }
    let assets = assets();
    for (source, dest, mode) in &assets {
        assert!(mode == "644" || mode == "755", "{source}: mode {mode}");
        assert!(
            !dest.starts_with('/'),
            "{dest}: cargo-deb wants it relative"
        );
        if let Some(bin) = source.strip_prefix("target/release/") {
            // cargo-deb builds it; the binary's name is the package's.
            assert_eq!(bin, "lysplan");
            assert_eq!((dest.as_str(), mode.as_str()), ("usr/bin/", "755"));
        } else if source.starts_with(&format!("{}/", gen_assets::OUT_DIR)) {
            assert!(
                generated.iter().any(|g| matches(source, g)),
                "{source}: examples/gen_assets.rs writes no such file ({generated:?})"
            );
        } else {
            assert!(
                !source.contains('*'),
                "{source}: no globs over the repository"
            );
            assert!(root().join(source).is_file(), "{source} does not exist");
        }
    }
    for g in &generated {
        assert!(
            assets.iter().any(|(s, _, _)| matches(s, g)),
            "{g} is generated but not packaged"
        );
    }
    let dests: Vec<&str> = assets.iter().map(|(_, d, _)| d.as_str()).collect();
    for d in [
        "usr/share/man/man1/",
        "usr/share/bash-completion/completions/lysplan",
        "usr/share/zsh/vendor-completions/_lysplan",
        "usr/share/fish/vendor_completions.d/lysplan.fish",
    ] {
        assert!(dests.contains(&d), "{d} in {dests:?}");
    }
}

#[test]
fn the_package_depends_on_the_readme_runtime_packages_and_nothing_to_build() {
    let depends = deb_metadata()["depends"]
        .as_str()
        .expect("depends is a string")
        .to_string();
    let names: Vec<&str> = depends.split(',').map(str::trim).collect();
    // README "Runtime packages": libxkbcommon-x11-0 libgl1 libegl1.
    for p in ["libxkbcommon-x11-0", "libgl1", "libegl1"] {
        assert!(names.contains(&p), "{p} in {depends}");
    }
    for n in &names {
        assert!(
            !n.ends_with("-dev") && !["cargo", "rustc", "gcc", "pkg-config"].contains(n),
            "{n} is only needed to build"
        );
    }
}

/// The value of `key` in the `[Desktop Entry]` group.
fn desktop_key<'a>(entry: &'a str, key: &str) -> &'a str {
    entry
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("{key}= in the desktop entry"))
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).expect("read the PNG");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display());
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
    (be(16), be(20))
}

#[test]
fn the_desktop_entry_runs_lysplan_with_its_icon_and_opens_plans() {
    let entry =
        std::fs::read_to_string(root().join("assets/lysplan.desktop")).expect("desktop entry");
    assert!(entry.starts_with("[Desktop Entry]\n"));
    assert_eq!(desktop_key(&entry, "Exec"), "lysplan %f");
    assert_eq!(desktop_key(&entry, "Icon"), "lysplan");
    assert_eq!(desktop_key(&entry, "Categories"), "Graphics;Engineering;");
    let mime = desktop_key(&entry, "MimeType");
    for t in [
        "application/x-lysplan-ron",
        "application/geo+json",
        "application/geopackage+sqlite3",
    ] {
        assert!(mime.split(';').any(|m| m == t), "{t} in {mime}");
    }
    // The types shared-mime-info lacks are defined by the package.
    let xml = std::fs::read_to_string(root().join("assets/lysplan-mime.xml")).expect("mime xml");
    for t in [
        "application/x-lysplan-ron",
        "application/geopackage+sqlite3",
    ] {
        assert!(xml.contains(&format!("<mime-type type=\"{t}\">")), "{t}");
    }

    let assets = assets();
    let installs = |dest: &str| assets.iter().find(|(_, d, _)| d == dest).map(|a| &a.0);
    assert!(installs("usr/share/applications/lysplan.desktop").is_some());
    // The icon named "lysplan" exists in the theme at every size, and each PNG is that size.
    for n in [16, 32, 48, 64, 128, 256, 512] {
        let dest = format!("usr/share/icons/hicolor/{n}x{n}/apps/lysplan.png");
        let source = installs(&dest).unwrap_or_else(|| panic!("{dest} installed"));
        assert_eq!(png_size(&root().join(source)), (n, n), "{source}");
    }
    let svg = installs("usr/share/icons/hicolor/scalable/apps/lysplan.svg").expect("svg icon");
    assert!(
        std::fs::read_to_string(root().join(svg))
            .expect("read svg")
            .contains("<svg")
    );
}
