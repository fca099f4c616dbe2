//! The dialog machinery, without drawing or acting: native dialogs (rfd, xdg-portal
//! backend) on a worker thread so the UI never blocks, and the state of the typed-path
//! fallback ([`TypedPath`]) where no backend answers. [`super::dialogs`] draws it;
//! [`super::fileops`] does what the chosen path asks.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

/// What a dialog was opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Open,
    SaveAs,
    ExportGeoJson,
    /// An OGC GeoPackage (.gpkg) for QGIS.
    ExportGpkg,
    /// The pole schedule (.csv) for procurement.
    ExportSchedule,
    /// The HTML report (for the submitting vendor when a review is open).
    ExportReport,
    ImportStreets,
    /// Import an .ldt / .ies photometry file into the luminaire catalogue.
    ImportLuminaire,
    /// Import a road-surface r-table (.csv) into the catalogue.
    ImportSurface,
    /// A vendor's submission to review against the open plan.
    CompareSubmission,
    /// A survey measured on site (CSV) into the plan.
    ImportSurvey,
    /// Energy readings (CSV) into the plan.
    ImportReadings,
}

impl Purpose {
    pub fn title(self) -> &'static str {
        match self {
            Purpose::Open => "Open plan",
            Purpose::SaveAs => "Save plan as",
            Purpose::ExportGeoJson => "Export GeoJSON",
            Purpose::ExportGpkg => "Export GeoPackage",
            Purpose::ExportSchedule => "Export pole schedule (CSV)",
            Purpose::ExportReport => "Export report",
            Purpose::ImportStreets => "Import streets from GeoJSON",
            Purpose::ImportLuminaire => "Import luminaire photometry",
            Purpose::ImportSurface => "Import road surface r-table",
            Purpose::CompareSubmission => "Compare with a submission",
            Purpose::ImportSurvey => "Import survey measured on site",
            Purpose::ImportReadings => "Import energy readings",
        }
    }
}

/// A native dialog running on a worker thread.
pub struct PendingDialog {
    pub purpose: Purpose,
    rx: Receiver<Option<PathBuf>>,
    started: Instant,
}

/// The outcome of polling a dialog.
pub enum DialogOutcome {
    Waiting,
    Chosen(Purpose, PathBuf),
    Cancelled,
    /// The dialog returned at once without a choice: most likely no portal is running.
    /// The caller offers a typed path instead.
    NoBackend(Purpose),
}

impl PendingDialog {
    /// Starts a native dialog; `ctx_repaint` is called when it finishes so the UI wakes.
    pub fn start(
        purpose: Purpose,
        suggested: Option<PathBuf>,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut d = rfd::FileDialog::new().set_title(purpose.title());
            d = match purpose {
                Purpose::ExportGeoJson | Purpose::ImportStreets => {
                    d.add_filter("GeoJSON", &["geojson", "json"])
                }
                Purpose::ExportReport => d.add_filter("HTML report", &["html", "htm"]),
                Purpose::ImportSurface => d.add_filter("r-table (CSV)", &["csv", "CSV"]),
                Purpose::ImportSurvey => d.add_filter("survey (CSV)", &["csv", "CSV"]),
                Purpose::ImportReadings => d.add_filter("energy readings (CSV)", &["csv", "CSV"]),
                Purpose::ExportGpkg => d.add_filter("GeoPackage", &["gpkg"]),
                Purpose::ExportSchedule => d.add_filter("CSV", &["csv"]),
                Purpose::ImportLuminaire => {
                    d.add_filter("Photometry (EULUMDAT, IES)", &["ldt", "LDT", "ies", "IES"])
                }
                _ => d
                    .add_filter("Lysplan plan", &["ron"])
                    .add_filter("GeoJSON", &["geojson", "json"])
                    .add_filter("GeoPackage", &["gpkg"]),
            };
            if let Some(p) = &suggested {
                if let Some(dir) = p.parent() {
                    d = d.set_directory(dir);
                }
                if let Some(name) = p.file_name() {
                    d = d.set_file_name(name.to_string_lossy());
                }
            }
            let r = match purpose {
                Purpose::Open
                | Purpose::ImportStreets
                | Purpose::ImportLuminaire
                | Purpose::ImportSurface
                | Purpose::ImportSurvey
                | Purpose::ImportReadings
                | Purpose::CompareSubmission => d.pick_file(),
                Purpose::SaveAs
                | Purpose::ExportGeoJson
                | Purpose::ExportGpkg
                | Purpose::ExportSchedule
                | Purpose::ExportReport => d.save_file(),
            };
            let _ = tx.send(r);
            wake();
        });
        PendingDialog {
            purpose,
            rx,
            started: Instant::now(),
        }
    }

    pub fn poll(&self) -> DialogOutcome {
        match self.rx.try_recv() {
            Ok(Some(p)) => DialogOutcome::Chosen(self.purpose, p),
            Ok(None) if self.started.elapsed().as_millis() < 400 => {
                DialogOutcome::NoBackend(self.purpose)
            }
            Ok(None) => DialogOutcome::Cancelled,
            Err(std::sync::mpsc::TryRecvError::Empty) => DialogOutcome::Waiting,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                DialogOutcome::NoBackend(self.purpose)
            }
        }
    }
}

/// The typed-path fallback: a small form asking for a file path.
#[derive(Debug, Clone)]
pub struct TypedPath {
    pub purpose: Purpose,
    pub text: String,
    pub note: String,
}
