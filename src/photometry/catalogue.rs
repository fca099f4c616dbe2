//! The luminaire photometries bundled with Lysplan (assets/luminaires/, attribution in
//! assets/luminaires/SOURCES.md).

use super::{Photometry, PhotometrySource};
use crate::error::FileError;
use std::path::Path;

static BUNDLED: &[(&str, &str)] = &[
    (
        "acme_road_runner.ldt",
        include_str!("../../assets/luminaires/acme_road_runner.ldt"),
    ),
    (
        "prolicht_example.ldt",
        include_str!("../../assets/luminaires/prolicht_example.ldt"),
    ),
    (
        "lm63_2002_spec_example.ies",
        include_str!("../../assets/luminaires/lm63_2002_spec_example.ies"),
    ),
    (
        "tilt_include_synthetic.ies",
        include_str!("../../assets/luminaires/tilt_include_synthetic.ies"),
    ),
    (
        "absolute_led.ies",
        include_str!("../../assets/luminaires/absolute_led.ies"),
    ),
    // Generated from a documented model by examples/gen_generic_optics.rs (SOURCES.md).
    (
        "generic_road_2lane_20w.ldt",
        include_str!("../../assets/luminaires/generic_road_2lane_20w.ldt"),
    ),
    (
        "generic_road_2lane_40w.ldt",
        include_str!("../../assets/luminaires/generic_road_2lane_40w.ldt"),
    ),
    (
        "generic_road_2lane_60w.ldt",
        include_str!("../../assets/luminaires/generic_road_2lane_60w.ldt"),
    ),
    (
        "generic_road_2lane_90w.ldt",
        include_str!("../../assets/luminaires/generic_road_2lane_90w.ldt"),
    ),
    (
        "generic_road_2lane_120w.ldt",
        include_str!("../../assets/luminaires/generic_road_2lane_120w.ldt"),
    ),
    (
        "generic_residential_20w.ldt",
        include_str!("../../assets/luminaires/generic_residential_20w.ldt"),
    ),
    (
        "generic_residential_35w.ldt",
        include_str!("../../assets/luminaires/generic_residential_35w.ldt"),
    ),
    (
        "generic_posttop_15w.ldt",
        include_str!("../../assets/luminaires/generic_posttop_15w.ldt"),
    ),
    (
        "generic_posttop_25w.ldt",
        include_str!("../../assets/luminaires/generic_posttop_25w.ldt"),
    ),
    (
        "generic_posttop_35w.ldt",
        include_str!("../../assets/luminaires/generic_posttop_35w.ldt"),
    ),
];

/// The bundled photometry files: (file name, full text).
pub fn bundled() -> &'static [(&'static str, &'static str)] {
    BUNDLED
}

/// Where one bundled photometry file comes from: its row of assets/luminaires/SOURCES.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundledSource {
    pub file: &'static str,
    /// "EULUMDAT", "IES LM-63", ...
    pub format: &'static str,
    /// What it is ("real goniophotometer measurement ...", "synthetic edge case ...").
    pub what: &'static str,
    /// The repository, path and commit it was copied from.
    pub source: &'static str,
    pub licence: &'static str,
}

impl BundledSource {
    /// A file made up for testing (the table says "synthetic"), not a measured luminaire.
    pub fn is_synthetic(&self) -> bool {
        self.what.to_ascii_lowercase().contains("synthetic")
    }

    /// A generic luminaire generated from a documented model (the file name and the
    /// table say "generic"), not a measurement of a product.
    pub fn is_generic(&self) -> bool {
        self.file.starts_with("generic_") && self.what.to_ascii_lowercase().contains("generic")
    }
}

/// The record of the bundled files' sources and licences, embedded from the file the
/// repository keeps it in, so the About window and SOURCES.md cannot disagree.
const SOURCES_MD: &str = include_str!("../../assets/luminaires/SOURCES.md");

/// Each bundled file's source, in the order of SOURCES.md's table (`| file | format |
/// what | source | licence |`).
pub fn sources() -> Vec<BundledSource> {
    SOURCES_MD
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .strip_prefix('|')?
                .strip_suffix('|')?
                .split('|')
                .map(str::trim)
                .collect();
            let [file, format, what, source, licence] = cells[..] else {
                return None;
            };
            // The header row and the row under it are not files.
            if file == "file" || file.starts_with("---") {
                return None;
            }
            Some(BundledSource {
                file,
                format,
                what,
                source,
                licence,
            })
        })
        .collect()
}

/// Reads the photometry a plan refers to: a bundled file by name, or the text embedded
/// in the plan (its format chosen by the file name's extension).
pub fn load(source: &PhotometrySource) -> Result<Photometry, FileError> {
    match source {
        PhotometrySource::Bundled(name) => {
            let Some((file, text)) = BUNDLED.iter().find(|(f, _)| *f == name.as_str()) else {
                let names: Vec<&str> = BUNDLED.iter().map(|(f, _)| *f).collect();
                return Err(FileError::new(
                    Path::new(name),
                    crate::error::Location::File,
                    format!(
                        "no bundled photometry of this name; choose one of {}",
                        names.join(", ")
                    ),
                ));
            };
            super::parse(text, Path::new(file))
        }
        PhotometrySource::Embedded { file_name, text } => super::parse(text, Path::new(file_name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_file_has_exactly_one_source_row() {
        let rows = sources();
        for (file, _) in BUNDLED {
            let n = rows.iter().filter(|r| r.file == *file).count();
            assert_eq!(n, 1, "{file}: {n} rows in assets/luminaires/SOURCES.md");
        }
        for r in &rows {
            assert!(
                BUNDLED.iter().any(|(f, _)| *f == r.file),
                "{} is in SOURCES.md but not bundled",
                r.file
            );
            assert!(!r.source.is_empty() && !r.licence.is_empty(), "{r:?}");
        }
        let synthetic: Vec<&str> = rows
            .iter()
            .filter(|r| r.is_synthetic())
            .map(|r| r.file)
            .collect();
        assert_eq!(
            synthetic,
            ["tilt_include_synthetic.ies", "absolute_led.ies"],
            "the files whose own header says \"Synthetic Test Files\""
        );
        let generic = rows.iter().filter(|r| r.is_generic()).count();
        assert_eq!(generic, 10, "the generated generic LED files");
    }
}
