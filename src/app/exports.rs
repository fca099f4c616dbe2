//! File → Export GeoPackage… and Export pole schedule (CSV)…, their two settings (the
//! GeoPackage's CRS, the CSV's byte-order mark, both remembered between runs), and the
//! rule every export keeps: it never replaces the open plan's own file.

use super::LysplanApp;
use crate::plan::Crs;
use std::path::Path;

/// How the exports are written; persisted with the app's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ExportSettings {
    /// The GeoPackage in EPSG:4326 (WGS 84 degrees) instead of EPSG:25832 (UTM 32N).
    pub gpkg_wgs84: bool,
    /// The pole schedule starts with a UTF-8 byte-order mark (for spreadsheet programs).
    pub csv_bom: bool,
}

impl ExportSettings {
    /// The GeoPackage's CRS.
    pub fn crs(self) -> Crs {
        if self.gpkg_wgs84 {
            Crs::Wgs84
        } else {
            Crs::Utm32
        }
    }
}

impl LysplanApp {
    /// Whether `path` is the open plan's own file; if so, says so (an export never
    /// replaces it) and returns true.
    pub(super) fn refuse_own_file(&mut self, path: &Path) -> bool {
        let own = self
            .state
            .path()
            .is_some_and(|doc| doc == path || crate::plan::same_file(doc, path));
        if own {
            self.dialogs.error = Some(format!(
                "Not exported: {} is the open plan's own file, and an export never replaces \
                 it. Choose another file name (File > Save writes the plan itself).",
                path.display()
            ));
        }
        own
    }

    /// Writes the plan as a GeoPackage in the chosen CRS, atomically.
    pub fn export_gpkg(&mut self, path: &Path) {
        if self.refuse_own_file(path) {
            return;
        }
        let crs = self.exports.crs();
        match crate::measure::save_gpkg_atomic(self.state.plan(), path, crs) {
            Ok(()) => {
                self.state.status = format!(
                    "Wrote the GeoPackage {} in {} (File > \"GeoPackage in WGS84\" switches)",
                    path.display(),
                    crs.label()
                );
            }
            Err(e) => {
                self.dialogs.error = Some(format!("Could not write the GeoPackage.\n\n{e}"));
            }
        }
    }

    /// Writes the pole schedule (CSV), with a byte-order mark if so set, atomically.
    pub fn export_schedule(&mut self, path: &Path) {
        if self.refuse_own_file(path) {
            return;
        }
        let bom = self.exports.csv_bom;
        match crate::schedule::save_schedule_atomic(self.state.plan(), path, bom) {
            Ok(()) => {
                self.state.status = format!(
                    "Wrote the pole schedule {} ({} poles{})",
                    path.display(),
                    self.state.plan().poles.len(),
                    if bom { ", UTF-8 BOM" } else { "" }
                );
            }
            Err(e) => {
                self.dialogs.error = Some(format!("Could not write the pole schedule.\n\n{e}"));
            }
        }
    }
}
