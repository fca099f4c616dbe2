//! Errors about input files, written for the person who has to fix the file: which file,
//! where in it, what is wrong and what to do.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a file a problem sits.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// The whole file (it could not be read at all).
    File,
    /// 1-based line and column.
    LineCol { line: usize, col: usize },
    /// 1-based line only.
    Line(usize),
    /// A field or path inside the document, e.g. `features[3].properties.height_m`.
    Field(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => Ok(()),
            Location::LineCol { line, col } => write!(f, ":{line}:{col}"),
            Location::Line(line) => write!(f, ":{line}"),
            Location::Field(field) => write!(f, ": {field}"),
        }
    }
}

/// An input file that could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{}: {}", path.display(), location, message)]
pub struct FileError {
    pub path: PathBuf,
    pub location: Location,
    pub message: String,
}

impl FileError {
    pub fn new(path: &Path, location: Location, message: impl Into<String>) -> Self {
        FileError {
            path: path.to_path_buf(),
            location,
            message: message.into(),
        }
    }

    pub fn io(path: &Path, e: &std::io::Error) -> Self {
        let hint = match e.kind() {
            std::io::ErrorKind::NotFound => "check the path",
            std::io::ErrorKind::PermissionDenied => "check the file permissions",
            _ => "check the file and the disk",
        };
        FileError::new(path, Location::File, format!("{e}; {hint}"))
    }
}
