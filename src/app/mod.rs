//! The desktop application (egui/eframe/walkers). The only place that imports them.

use std::path::PathBuf;

/// Opens the main window, on `path` if given, else on the bundled plan.
pub fn run(path: Option<PathBuf>) -> Result<(), String> {
    let _ = path;
    Err("the desktop app is not built yet".into())
}
