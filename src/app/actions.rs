//! What each [`Command`] does. Commands that would replace or close the document ask
//! first when there are unsaved changes, and keep their payload while asking.

use super::LysplanApp;
use super::commands::Command;
use super::files::Purpose;
use super::state::Tool;
use crate::plan::Plan;

/// The commands that throw the current document away.
fn replaces_document(cmd: &Command) -> bool {
    matches!(
        cmd,
        Command::NewPlan
            | Command::Open
            | Command::OpenTyped
            | Command::OpenBundled
            | Command::OpenRecent(_)
            | Command::Quit
    )
}

impl LysplanApp {
    /// Runs `cmd` if it is enabled; asks "save the changes?" first where it would
    /// discard unsaved work.
    pub fn run(&mut self, ctx: &egui::Context, cmd: Command) {
        if !cmd.enabled(self) {
            return;
        }
        if replaces_document(&cmd) && self.state.is_dirty() {
            self.dialogs.confirm = Some(cmd);
            return;
        }
        self.execute(ctx, cmd);
    }

    /// Runs `cmd` now, without asking.
    pub(super) fn execute(&mut self, ctx: &egui::Context, cmd: Command) {
        use Command::*;
        match cmd {
            NewPlan => {
                let p = self.state.plan();
                let plan = Plan {
                    name: "New plan".into(),
                    vendors: p.vendors.clone(),
                    luminaires: p.luminaires.clone(),
                    streets: p.streets.clone(),
                    ..Plan::default()
                };
                self.state.replace_plan(plan, None);
                self.on_new_document();
            }
            Open => self.start_dialog(ctx, Purpose::Open),
            OpenTyped => self.start_typed(Purpose::Open, ""),
            OpenBundled => {
                self.state.replace_plan(crate::bundled::doll_plan(), None);
                self.state.status = "Opened the bundled DOLL Living Lab plan".into();
                self.on_new_document();
            }
            OpenRecent(path) => self.open_path(&path),
            Save => {
                self.save(ctx);
            }
            SaveAs => self.start_dialog(ctx, Purpose::SaveAs),
            SaveAsTyped => self.start_typed(Purpose::SaveAs, ""),
            ExportGeoJson => self.start_dialog(ctx, Purpose::ExportGeoJson),
            ExportGpkg => self.start_dialog(ctx, Purpose::ExportGpkg),
            ExportGpkgTyped => self.start_typed(Purpose::ExportGpkg, ""),
            ExportSchedule => self.start_dialog(ctx, Purpose::ExportSchedule),
            ExportScheduleTyped => self.start_typed(Purpose::ExportSchedule, ""),
            ToggleGpkgWgs84 => self.exports.gpkg_wgs84 = !self.exports.gpkg_wgs84,
            ToggleCsvBom => self.exports.csv_bom = !self.exports.csv_bom,
            ExportReport => self.start_dialog(ctx, Purpose::ExportReport),
            ExportReportTyped => self.start_typed(Purpose::ExportReport, ""),
            ImportStreets => self.start_dialog(ctx, Purpose::ImportStreets),
            ImportStreetsTyped => self.start_typed(Purpose::ImportStreets, ""),
            ImportSurvey => self.start_dialog(ctx, Purpose::ImportSurvey),
            ImportSurveyTyped => self.start_typed(Purpose::ImportSurvey, ""),
            ImportReadings => self.start_dialog(ctx, Purpose::ImportReadings),
            ImportReadingsTyped => self.start_typed(Purpose::ImportReadings, ""),
            ImportOsm => self.start_osm_import(ctx),
            Quit => {
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Undo => self.state.undo(),
            Redo => self.state.redo(),
            DeleteSelection => self.delete_selection(),
            SelectAll => {
                let s = &mut self.state;
                let ids: Vec<String> = s
                    .plan()
                    .poles
                    .iter()
                    .filter(|p| !s.hidden_vendors.contains(p.vendor.as_str()))
                    .map(|p| p.id.to_string())
                    .collect();
                s.status = format!("Selected {} poles", ids.len());
                s.selection = ids.into_iter().collect();
            }
            Cancel => self.cancel(),
            FinishStreet => self.finish_drawing(),
            RemoveLastVertex => self.state.draft_remove_last(),
            Tool(t) => {
                self.state.tool = t;
                self.state.measurement = None;
                if t != super::state::Tool::EditRoute {
                    self.state.route.draft = None;
                }
            }
            ToggleCoverageLayer => self.coverage.layer = !self.coverage.layer,
            ToggleMeasurementsLayer => self.measurements.layer = !self.measurements.layer,
            DesignStretch => {
                let s = self.row.stretch();
                self.design.open_on(self.state.plan(), s);
            }
            ToggleCoverageResults => self.coverage.window_open = !self.coverage.window_open,
            ZoomIn => {
                let _ = self.map.memory.zoom_in();
            }
            ZoomOut => {
                let _ = self.map.memory.zoom_out();
            }
            ZoomToPlan => {
                if let Some(e) = self.state.extent() {
                    self.map.fit(e);
                }
            }
            ZoomToSelection => {
                if let Some(e) = self.state.selection_extent() {
                    self.map.fit(e);
                }
            }
            Catalogue => self.catalogue.open = true,
            ImportLuminaire => self.start_dialog(ctx, Purpose::ImportLuminaire),
            ImportSurface => self.start_dialog(ctx, Purpose::ImportSurface),
            PlanSettings => self.plan_settings.open(self.state.plan()),
            Energy => self.energy.open = true,
            CompareSubmission => self.start_dialog(ctx, Purpose::CompareSubmission),
            CompareSubmissionTyped => self.start_typed(Purpose::CompareSubmission, ""),
            ReviewNext | ReviewPrevious => {
                if let Some(r) = self.review.session.as_mut() {
                    r.step(if cmd == ReviewNext { 1 } else { -1 });
                }
                self.centre_on_review();
            }
            ReviewAccept | ReviewReject => {
                if let Some(r) = self.review.session.as_ref() {
                    let verdict = if cmd == ReviewAccept {
                        crate::plan::review::Verdict::Accepted
                    } else {
                        crate::plan::review::Verdict::Rejected
                    };
                    self.review_do(super::review::Pending::Decide(r.current, verdict));
                    self.centre_on_review();
                }
            }
            MergeAccepted => self.merge_review(),
            CloseReview => self.review.session = None,
            ApproveSelection => self.review_do(super::review::Pending::Selection(
                crate::plan::review::ReviewStatus::Approved,
                String::new(),
            )),
            RejectSelection => self.review.reject_comment = Some(String::new()),
            ToggleReviewColours => self.review.colour_by_status = !self.review.colour_by_status,
            TileSettings => {
                self.settings.open = true;
                if let Some(t) = &self.map.tile_server {
                    self.settings.draft = t.clone();
                }
            }
            Help => self.dialogs.help = !self.dialogs.help,
            Palette => self.dialogs.palette.open(),
            About => super::about::open(ctx),
            Measurements => super::measurements::open(ctx),
        }
    }

    /// Delete: the selected vertex while editing the route, else the selected poles.
    fn delete_selection(&mut self) {
        let s = &mut self.state;
        if s.tool == Tool::EditRoute
            && s.route.draft.is_none()
            && let (Some(si), Some(v)) = (s.route_street_index(), s.route.vertex)
        {
            let id = s.plan().streets[si].id.clone();
            if let Err(e) = s.delete_street_vertex(&id, v) {
                s.status = format!("Vertex not deleted: {e}");
            }
            return;
        }
        s.delete_selected();
    }

    /// Esc: a drag in progress goes back; else the street being drawn is abandoned; else
    /// the measurement and the row picking end and the Select tool returns.
    fn cancel(&mut self) {
        if self.map.tools.grabbing() {
            let was_dragging = self.map.tools.dragging();
            self.map.tools.cancel();
            if was_dragging {
                self.state.cancel_edit();
                self.state.status = "Drag cancelled: back where it was".into();
            }
        } else if self.state.route.draft.is_some() {
            self.state.cancel_street_draft();
        } else {
            self.state.tool = Tool::Select;
            self.state.measurement = None;
            self.row.picking = None;
        }
    }

    /// The shortcuts pressed this frame, run.
    pub(super) fn keyboard(&mut self, ctx: &egui::Context) {
        let reviewing = self.review.session.is_some();
        for cmd in super::commands::pressed(ctx, reviewing) {
            self.run(ctx, cmd);
        }
    }
}
