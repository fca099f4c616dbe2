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

/// Reads a text file as UTF-8. A UTF-8 byte-order mark is skipped (editors on Windows
/// write one); text in another encoding is refused naming the byte offset of the first
/// byte that is not UTF-8 and what the file looks like.
pub fn read_text(path: &Path) -> Result<String, FileError> {
    let bytes = std::fs::read(path).map_err(|e| FileError::io(path, &e))?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::new(
            path,
            Location::File,
            format!(
                "the file is empty ({} bytes{}); it holds no plan. Check that it was saved \
                 completely, or open another file",
                bytes.len(),
                if bytes.is_empty() { "" } else { ", all blank" }
            ),
        ));
    }
    text_of(path, bytes)
}

/// The UTF-8 text in `bytes` read from `path` (see [`read_text`]).
pub fn text_of(path: &Path, mut bytes: Vec<u8>) -> Result<String, FileError> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let b = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let looks = if b.starts_with(&[0xFF, 0xFE]) || b.starts_with(&[0xFE, 0xFF]) {
            "UTF-16 (it starts with a UTF-16 byte-order mark)".to_string()
        } else if b.iter().take(4096).any(|&c| c == 0) {
            "binary or UTF-16 (it holds zero bytes)".to_string()
        } else {
            format!("Latin-1 or another 8-bit encoding (byte 0x{:02X})", b[at])
        };
        FileError::new(
            path,
            Location::File,
            format!(
                "byte {at} is not UTF-8: the file looks like {looks}; save it as UTF-8 and open \
                 it again"
            ),
        )
    })
}
