//! What happens with a chosen path, however it was chosen (a native dialog or a typed
//! path, both from [`super::files`]): opening, saving, exporting and importing files.

use super::LysplanApp;
use super::files::{DialogOutcome, PendingDialog, Purpose, TypedPath};
use std::path::{Path, PathBuf};

/// Whether `path` names a GeoJSON file (by extension).
pub fn is_geojson(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("geojson") | Some("json")
    )
}

/// Whether `path` names a GeoPackage (by extension).
pub fn is_gpkg(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("gpkg"))
}

impl LysplanApp {
    /// Opens a file into the app; on error the current plan stays and the error is shown.
    pub fn open_path(&mut self, path: &Path) {
        match crate::locate::load_any(path) {
            Ok(plan) => {
                self.state.replace_plan(plan, Some(path.to_path_buf()));
                self.state.status = format!("Opened {}", path.display());
                self.remember(path);
                self.on_new_document();
            }
            Err(e) => self.dialogs.error = Some(format!("Could not open the plan.\n\n{e}")),
        }
    }

    /// Imports the street lines of a GeoJSON file into the plan (undoable).
    pub fn import_streets_from(&mut self, path: &Path) {
        let result = std::fs::read_to_string(path)
            .map_err(|e| crate::error::FileError::io(path, &e))
            .and_then(|text| crate::plan::street_import::read_streets(&text, path));
        match result {
            Ok(imp) => {
                self.state.import_streets(imp.streets, imp.skipped);
            }
            Err(e) => {
                self.dialogs.error = Some(format!(
                    "Could not import streets; the plan is unchanged.\n\n{e}"
                ))
            }
        }
    }

    /// A survey measured on site into the plan, as one undoable edit; an error in the
    /// file (named with its line and column) or a file already imported leaves the plan
    /// unchanged and says why.
    pub fn import_survey_from(&mut self, path: &Path) {
        match crate::edit::measured::import_survey_file(self.state.plan(), path) {
            Ok((step, names)) => {
                if self.state.apply(step) {
                    let points = step_points(&self.state, &names);
                    // What was just brought in is shown at once.
                    self.measurements.layer = true;
                    self.state.status = format!(
                        "Imported survey {} from {} ({} points measured on site); the \
                         Measurements layer shows them against the calculation, \
                         View > Measurements… per section",
                        names.join(", "),
                        path.display(),
                        points
                    );
                }
            }
            Err(e) => {
                self.dialogs.error = Some(format!(
                    "Could not import the survey; the plan is unchanged.\n\n{e}"
                ))
            }
        }
    }

    /// Energy readings into the plan, as one undoable edit (as [`Self::import_survey_from`]).
    pub fn import_readings_from(&mut self, path: &Path) {
        match crate::edit::measured::import_readings_file(self.state.plan(), path) {
            Ok((step, n)) => {
                if self.state.apply(step) {
                    self.state.status = format!(
                        "Imported {n} energy reading{} from {}; lysplan energy compares them \
                         with the model",
                        if n == 1 { "" } else { "s" },
                        path.display()
                    );
                }
            }
            Err(e) => {
                self.dialogs.error = Some(format!(
                    "Could not import the energy readings; the plan is unchanged.\n\n{e}"
                ))
            }
        }
    }

    pub(super) fn remember(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(8);
    }

    /// Saves to `path` (RON, or GeoJSON or GeoPackage by extension), atomically. A RON
    /// save makes the document that file; a GeoJSON or GeoPackage export leaves the
    /// document as it was.
    pub fn save_to(&mut self, path: &Path) -> bool {
        let gpkg = is_gpkg(path);
        let geojson = is_geojson(path) || gpkg;
        // A save of the plan (RON) is a revision: numbered, with who, when and what.
        if !geojson {
            let author = if self.review.reviewer.trim().is_empty() {
                std::env::var("USER").unwrap_or_default()
            } else {
                self.review.reviewer.trim().to_string()
            };
            self.state
                .doc
                .stamp_save(&author, &crate::plan::review::now_rfc3339());
        }
        let r = crate::measure::save_any(self.state.plan(), path, self.exports.crs());
        if r.is_err() && !geojson {
            self.state.doc.unstamp_save();
        }
        match r {
            Ok(()) => {
                if !geojson {
                    self.state.doc.mark_saved(path.to_path_buf());
                }
                self.state.status = format!("Saved {}", path.display());
                self.remember(path);
                true
            }
            Err(e) => {
                self.dialogs.error = Some(format!(
                    "Could not save; the file on disk is unchanged.\n\n{e}"
                ));
                false
            }
        }
    }

    /// The report's suggested file: beside the plan, named for the submitting vendor
    /// when a review is open (`plan-report-cisco.html`).
    fn report_path(&self) -> PathBuf {
        let stem = self.suggested_path().with_extension("");
        let name = stem
            .file_name()
            .map_or_else(|| "plan".to_string(), |n| n.to_string_lossy().into_owned());
        let vendor = self
            .review
            .session
            .as_ref()
            .map(|s| format!("-{}", s.submitter))
            .unwrap_or_default();
        stem.with_file_name(format!("{name}-report{vendor}.html"))
    }

    /// An export's suggested file: beside the plan with extension `ext`, or
    /// `plan-export.ext` when that would be the open plan's own file (which an export
    /// never replaces).
    fn export_path(&self, ext: &str) -> PathBuf {
        let p = self.suggested_path().with_extension(ext);
        if self.state.path() != Some(p.as_path()) {
            return p;
        }
        let stem = p
            .file_stem()
            .map_or_else(|| "plan".to_string(), |n| n.to_string_lossy().into_owned());
        p.with_file_name(format!("{stem}-export.{ext}"))
    }

    /// The pole schedule's suggested file: beside the plan, `plan-poles.csv`.
    fn schedule_path(&self) -> PathBuf {
        let stem = self.suggested_path().with_extension("");
        let name = stem
            .file_name()
            .map_or_else(|| "plan".to_string(), |n| n.to_string_lossy().into_owned());
        stem.with_file_name(format!("{name}-poles.csv"))
    }

    /// Writes the HTML report (for the submitting vendor while a review is open, with
    /// the submission's changes) atomically.
    pub fn export_report(&mut self, path: &Path) {
        if self.refuse_own_file(path) {
            return;
        }
        let source = self.state.path().map_or_else(
            || self.state.plan().name.clone(),
            |p| p.display().to_string(),
        );
        let generated = crate::plan::review::now_rfc3339();
        let session = self.review.session.as_ref();
        let opts = crate::html_report::ReportOptions {
            vendor: session
                .map(|s| s.submitter.as_str())
                .filter(|v| !v.is_empty()),
            against: None,
            source: &source,
            generated: &generated,
        };
        let written = crate::html_report::html(self.state.plan(), &opts)
            .map_err(|e| e.to_string())
            .and_then(|html| {
                crate::plan::write_atomic(path, html.as_bytes()).map_err(|e| e.to_string())
            });
        match written {
            Ok(()) => self.state.status = format!("Wrote the report {}", path.display()),
            Err(e) => self.dialogs.error = Some(format!("Could not write the report.\n\n{e}")),
        }
    }

    /// Saves to the plan's file, or asks where when it has none (or is not RON). Returns
    /// whether the plan was saved now (a dialog may still be open when it returns false).
    pub(super) fn save(&mut self, ctx: &egui::Context) -> bool {
        match self.state.path().map(Path::to_path_buf) {
            Some(p) if p.extension().is_some_and(|e| e == "ron") => self.save_to(&p),
            _ => {
                self.start_dialog(ctx, Purpose::SaveAs);
                false
            }
        }
    }

    /// Where a save is proposed: the plan's file, or the plan's name as a `.ron` file in
    /// the working folder.
    pub(super) fn suggested_path(&self) -> PathBuf {
        match self.state.path() {
            Some(p) if !is_geojson(p) && !is_gpkg(p) => p.to_path_buf(),
            Some(p) => p.with_extension("ron"),
            None => {
                let stem: String = self
                    .state
                    .plan()
                    .name
                    .chars()
                    .map(|c| {
                        if c.is_alphanumeric() {
                            c.to_ascii_lowercase()
                        } else {
                            '-'
                        }
                    })
                    .collect();
                let stem = stem.trim_matches('-');
                let name = if stem.is_empty() {
                    crate::bundled::DOLL_PLAN_FILE_NAME.to_string()
                } else {
                    format!("{stem}.ron")
                };
                std::env::current_dir().unwrap_or_default().join(name)
            }
        }
    }

    pub(super) fn start_dialog(&mut self, ctx: &egui::Context, purpose: Purpose) {
        if self.dialogs.native.is_some() {
            return;
        }
        let suggested = match purpose {
            Purpose::ImportLuminaire
            | Purpose::ImportSurface
            | Purpose::ImportStreets
            | Purpose::ImportSurvey
            | Purpose::ImportReadings
            | Purpose::CompareSubmission => None,
            Purpose::ExportGeoJson => Some(self.export_path("geojson")),
            Purpose::ExportGpkg => Some(self.export_path("gpkg")),
            Purpose::ExportSchedule => Some(self.schedule_path()),
            Purpose::ExportReport => Some(self.report_path()),
            _ => Some(self.suggested_path()),
        };
        let ctx = ctx.clone();
        self.dialogs.native = Some(PendingDialog::start(purpose, suggested, move || {
            ctx.request_repaint()
        }));
    }

    /// The typed-path window for `purpose`, proposing a path where one makes sense.
    pub(super) fn start_typed(&mut self, purpose: Purpose, note: &str) {
        let text = match purpose {
            Purpose::SaveAs => self.suggested_path().display().to_string(),
            Purpose::ExportGeoJson => self.export_path("geojson").display().to_string(),
            Purpose::ExportGpkg => self.export_path("gpkg").display().to_string(),
            Purpose::ExportSchedule => self.schedule_path().display().to_string(),
            Purpose::ExportReport => self.report_path().display().to_string(),
            _ => String::new(),
        };
        self.dialogs.typed = Some(TypedPath {
            purpose,
            text,
            note: note.into(),
        });
    }

    /// Does what `purpose` asked with the chosen `path`. Returns whether it worked.
    pub(super) fn finish_path(&mut self, ctx: &egui::Context, purpose: Purpose, path: PathBuf) {
        match purpose {
            Purpose::Open => self.open_path(&path),
            Purpose::ExportGeoJson if self.refuse_own_file(&path) => {}
            Purpose::SaveAs | Purpose::ExportGeoJson => {
                if self.save_to(&path)
                    && purpose == Purpose::SaveAs
                    && let Some(then) = self.dialogs.after_save.take()
                {
                    self.execute(ctx, then);
                }
            }
            Purpose::ImportStreets => self.import_streets_from(&path),
            Purpose::ImportLuminaire => self.catalogue.import_path(&mut self.state, &path),
            Purpose::ImportSurface => self.catalogue.import_surface(&mut self.state, &path),
            Purpose::CompareSubmission => self.compare_with(&path),
            Purpose::ImportSurvey => self.import_survey_from(&path),
            Purpose::ImportReadings => self.import_readings_from(&path),
            Purpose::ExportReport => self.export_report(&path),
            Purpose::ExportGpkg => self.export_gpkg(&path),
            Purpose::ExportSchedule => self.export_schedule(&path),
        }
    }

    pub(super) fn poll_dialog(&mut self, ctx: &egui::Context) {
        let Some(d) = &self.dialogs.native else {
            return;
        };
        match d.poll() {
            DialogOutcome::Waiting => {}
            DialogOutcome::Chosen(purpose, path) => {
                self.dialogs.native = None;
                self.finish_path(ctx, purpose, path);
            }
            DialogOutcome::Cancelled => {
                self.dialogs.native = None;
                self.dialogs.after_save = None;
            }
            DialogOutcome::NoBackend(purpose) => {
                self.dialogs.native = None;
                self.start_typed(
                    purpose,
                    "No file dialog is available on this desktop (xdg-desktop-portal is not running). Type the path instead.",
                );
            }
        }
    }
}

/// A typed path made absolute: relative to the plan's folder when the plan has a file,
/// else to the working folder. `~/` is the home folder.
pub fn resolve_typed(text: &str, plan_file: Option<&Path>) -> PathBuf {
    let text = text.trim();
    let p = match text.strip_prefix("~/") {
        Some(rest) => directories::UserDirs::new()
            .map(|u| u.home_dir().join(rest))
            .unwrap_or_else(|| PathBuf::from(text)),
        None => PathBuf::from(text),
    };
    if p.is_absolute() {
        return p;
    }
    let base = plan_file
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    base.join(p)
}

/// How many points the plan's surveys `names` hold (after the import is applied).
fn step_points(state: &super::state::AppState, names: &[String]) -> usize {
    state
        .plan()
        .surveys
        .iter()
        .filter(|s| names.contains(&s.name))
        .map(|s| s.points.len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_paths_resolve_against_the_plan_folder() {
        let plan = Path::new("/data/site/plan.ron");
        assert_eq!(
            resolve_typed(" other.ron ", Some(plan)),
            PathBuf::from("/data/site/other.ron")
        );
        assert_eq!(
            resolve_typed("/abs/x.ron", Some(plan)),
            PathBuf::from("/abs/x.ron")
        );
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(resolve_typed("x.ron", None), cwd.join("x.ron"));
    }
}
