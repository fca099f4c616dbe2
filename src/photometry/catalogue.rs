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
];

/// The bundled photometry files: (file name, full text).
pub fn bundled() -> &'static [(&'static str, &'static str)] {
    BUNDLED
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
