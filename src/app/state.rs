//! The application state, separate from the widgets that show it: the plan being edited,
//! its file, the validation state, the selection, the current tool and the edit history.

use crate::check::{Checker, Finding};
use crate::edit::{Document, EditError, Step, poles};
use crate::frame::{LonLat, to_utm32};
use crate::plan::{Plan, Pole};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// What a click on the map does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Click selects a pole (shift adds), drag moves it, drag on empty map pans.
    Select,
    /// Click on the map adds a pole with the template below.
    AddPole,
    /// Two clicks measure the straight-line and along-street distance.
    Measure,
    /// Draw streets, drag / insert / delete their vertices, edit their fields.
    EditRoute,
}

impl Tool {
    pub fn label(self) -> &'static str {
        match self {
            Tool::Select => "Select / move",
            Tool::AddPole => "Add pole",
            Tool::Measure => "Measure",
            Tool::EditRoute => "Edit route",
        }
    }
}

/// Settings for poles added with the Add tool.
pub use crate::edit::poles::PoleTemplate;

/// A measurement between two points on the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    pub a: LonLat,
    pub b: Option<LonLat>,
}

/// The route editor's state: which street is selected, which of its vertices, and the
/// polyline being drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteEdit {
    /// The street whose vertices are shown as handles (by id).
    pub street: Option<String>,
    /// The selected vertex of that street (Delete removes it).
    pub vertex: Option<usize>,
    /// A new street being drawn, its vertices; `None` when not drawing.
    pub draft: Option<Vec<LonLat>>,
    /// Name, class and width the street being drawn gets (blank name: "New street n").
    pub new_name: String,
    pub new_class: Option<crate::plan::LightingClass>,
    pub new_width_m: f64,
}

impl Default for RouteEdit {
    fn default() -> Self {
        RouteEdit {
            street: None,
            vertex: None,
            draft: None,
            new_name: String::new(),
            new_class: None,
            new_width_m: 6.0,
        }
    }
}

/// Everything the app knows, independent of how it is drawn: the document (the plan,
/// edited only through its edit API) and the view state around it.
pub struct AppState {
    /// The plan, its file, findings and history. Outside the app module the methods
    /// below are the one way in (plan, revision, findings, undo…), not the field too.
    pub(in crate::app) doc: Document,
    pub selection: BTreeSet<String>,
    pub tool: Tool,
    pub template: PoleTemplate,
    pub measurement: Option<Measurement>,
    /// Vendors hidden on the map.
    pub hidden_vendors: BTreeSet<String>,
    /// The route editor: selected street and vertex, the street being drawn.
    pub route: RouteEdit,
    /// A message for the status bar (last action or error).
    pub status: String,
}

/// Where a pole may be added or moved: the positions the rules can judge.
pub use crate::edit::poles::{valid_lonlat, validate_pole};

impl AppState {
    pub fn new(plan: Plan, path: Option<PathBuf>) -> Self {
        let template = PoleTemplate {
            vendor: plan
                .vendors
                .first()
                .map(|v| v.id.clone())
                .unwrap_or_default(),
            luminaire: plan
                .luminaires
                .first()
                .map(|l| l.id.clone())
                .unwrap_or_default(),
            height_m: 8.0,
            overhang_m: 0.5,
            tilt_deg: 0.0,
        };
        AppState {
            doc: Document::new(plan, path),
            selection: BTreeSet::new(),
            tool: Tool::Select,
            template,
            measurement: None,
            hidden_vendors: BTreeSet::new(),
            route: Default::default(),
            status: String::new(),
        }
    }

    /// Replaces the document (after Open or New); history and selection start afresh.
    pub fn replace_plan(&mut self, plan: Plan, path: Option<PathBuf>) {
        let hidden = std::mem::take(&mut self.hidden_vendors);
        *self = AppState::new(plan, path);
        self.hidden_vendors = hidden;
    }

    /// The plan being edited (read-only: edits go through [`AppState::edit`]).
    pub fn plan(&self) -> &Plan {
        self.doc.plan()
    }

    /// The layout findings of the plan.
    pub fn findings(&self) -> &[Finding] {
        self.doc.findings()
    }

    /// The validation state: R-trees and findings.
    pub fn checker(&self) -> &Checker {
        self.doc.checker()
    }

    /// Changes with every change of the plan (see [`Document::revision`]).
    pub fn revision(&self) -> u64 {
        self.doc.revision()
    }

    /// The revision of the last finished edit: holds still while something is dragged.
    pub fn settled_revision(&self) -> u64 {
        self.doc.settled_revision()
    }

    /// Unsaved changes.
    pub fn is_dirty(&self) -> bool {
        self.doc.is_dirty()
    }

    /// The file the plan was read from or saved to.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.doc.path()
    }

    /// The file name shown in the title.
    pub fn title(&self) -> String {
        format!(
            "Lysplan — {}{}",
            self.plan().name,
            if self.is_dirty() { " •" } else { "" }
        )
    }

    /// Makes `step` as one undoable edit; the selection follows (vanished poles and
    /// streets are dropped from it). Returns whether the plan changed.
    pub fn apply(&mut self, step: Step) -> bool {
        // An operation makes its step from the plan in hand, so it fits; should one not,
        // the plan is unchanged and the status line says why.
        match self.doc.apply(step.label, step.edit) {
            Ok(true) => {
                self.after_change();
                true
            }
            Ok(false) => false,
            Err(e) => {
                self.status = format!("Not applied: {e}");
                false
            }
        }
    }

    /// [`AppState::apply`] of an operation's step, saying what was done in the status
    /// line; `Ok(false)` when there was nothing to do.
    pub fn apply_reported(
        &mut self,
        step: Result<Option<Step>, EditError>,
    ) -> Result<bool, EditError> {
        let Some(step) = step? else {
            return Ok(false);
        };
        let label = step.label.clone();
        let changed = self.apply(step);
        if changed {
            self.status = label;
        }
        Ok(changed)
    }

    /// Opens an edit session (a drag): steps follow, then [`AppState::end_edit`] records
    /// it as one undo step, or [`AppState::cancel_edit`] puts the plan back.
    pub fn begin_edit(&mut self, label: impl Into<String>) {
        self.doc.begin(label);
    }

    /// Closes the edit session as one undo step and re-validates.
    pub fn end_edit(&mut self) {
        self.doc.commit();
        self.after_change();
    }

    /// Abandons the edit session (Esc during a drag): the plan is as it was.
    pub fn cancel_edit(&mut self) {
        self.doc.cancel();
        self.after_change();
    }

    /// Drops selections of poles and streets that no longer exist.
    fn after_change(&mut self) {
        let doc = &self.doc;
        self.selection.retain(|id| doc.pole_index(id).is_some());
        self.retain_route_selection();
    }

    /// Poles held by the whole undo history (a measure of its memory).
    pub fn history_poles_held(&self) -> usize {
        self.doc.history_poles_held()
    }

    pub fn can_undo(&self) -> bool {
        self.doc.can_undo()
    }
    pub fn can_redo(&self) -> bool {
        self.doc.can_redo()
    }
    pub fn undo_label(&self) -> Option<&str> {
        self.doc.undo_label()
    }
    pub fn redo_label(&self) -> Option<&str> {
        self.doc.redo_label()
    }

    pub fn undo(&mut self) {
        if let Some(label) = self.doc.undo() {
            self.status = format!("Undid: {label}");
            self.after_change();
        }
    }

    pub fn redo(&mut self) {
        if let Some(label) = self.doc.redo() {
            self.status = format!("Redid: {label}");
            self.after_change();
        }
    }

    /// Index of the street selected in the route editor.
    pub fn route_street_index(&self) -> Option<usize> {
        let id = self.route.street.as_deref()?;
        self.plan().streets.iter().position(|s| s.id == id)
    }

    /// After a route edit is undone or the street vanished: forget a stale selection.
    pub fn retain_route_selection(&mut self) {
        if self.route_street_index().is_none() {
            self.route.street = None;
            self.route.vertex = None;
        }
        let n = self
            .route_street_index()
            .map_or(0, |i| self.plan().streets[i].points.len());
        if self.route.vertex.is_some_and(|v| v >= n) {
            self.route.vertex = None;
        }
    }

    /// Adds a pole at `at` from the template, facing the nearest street. Returns its id.
    pub fn add_pole(&mut self, at: LonLat) -> Option<String> {
        match poles::add_pole(&self.doc, &self.template, at.lon, at.lat) {
            Ok((step, id)) => {
                self.apply(step);
                self.selection = [id.clone()].into();
                self.status = format!("Added pole {id}");
                Some(id)
            }
            Err(e) => {
                self.status = e.to_string();
                None
            }
        }
    }

    /// Deletes the selected poles as one edit.
    pub fn delete_selected(&mut self) -> usize {
        let Some(step) = poles::delete_poles(&self.doc, &self.selection) else {
            return 0;
        };
        let n = self.selection.len();
        self.selection.clear();
        self.status = step.label.clone();
        self.apply(step);
        n
    }

    /// Index of the pole with `id`, in constant time.
    pub fn pole_index(&self, id: &str) -> Option<usize> {
        self.doc.pole_index(id)
    }

    /// Moves pole `i` during a drag: updates the plan and re-validates incrementally
    /// (only the findings that can change). Call [`AppState::begin_edit`] once when the
    /// drag starts.
    pub fn drag_pole_to(&mut self, i: usize, lon: f64, lat: f64) {
        self.drag_pole_facing(i, LonLat::new(lon, lat), None);
    }

    /// [`AppState::drag_pole_to`], turning the pole to `azimuth_deg` in the same step.
    pub fn drag_pole_facing(&mut self, i: usize, to: LonLat, azimuth_deg: Option<f64>) {
        if to.is_valid() {
            self.doc.move_pole(i, to.lon, to.lat, azimuth_deg);
        }
    }

    /// The selected poles, in plan order.
    pub fn selected_poles(&self) -> Vec<&Pole> {
        let mut ix: Vec<usize> = self
            .selection
            .iter()
            .filter_map(|id| self.doc.pole_index(id))
            .collect();
        ix.sort_unstable();
        ix.into_iter().map(|i| &self.plan().poles[i]).collect()
    }

    /// Applies `f` to every selected pole as one edit, after validating each result with
    /// [`validate_pole`]. Nothing changes when any pole would become invalid; the reason
    /// is returned; `Ok(false)` when nothing changed.
    pub fn edit_selected(&mut self, label: &str, f: impl Fn(&mut Pole)) -> Result<bool, EditError> {
        let ids = self.selection.iter().map(String::as_str);
        let step = poles::set_poles(&self.doc, ids, label, f);
        self.apply_reported(step)
    }

    /// Selects the poles of a finding and returns where to look.
    pub fn select_finding(&mut self, f: &Finding) -> Option<(f64, f64)> {
        self.selection = f.poles.iter().cloned().collect();
        match (f.lon, f.lat) {
            (Some(lon), Some(lat)) => Some((lon, lat)),
            _ => f
                .poles
                .first()
                .and_then(|id| self.doc.pole(id))
                .map(|p| (p.lon, p.lat)),
        }
    }

    /// Ids of poles named in any finding of severity error or warning.
    pub fn flagged_poles(&self) -> BTreeSet<&str> {
        self.findings()
            .iter()
            .filter(|f| f.severity != crate::check::Severity::Info)
            .flat_map(|f| f.poles.iter().map(String::as_str))
            .collect()
    }

    /// The plan's extent as (min lon, min lat, max lon, max lat), if it has geometry.
    pub fn extent(&self) -> Option<[f64; 4]> {
        let plan = self.plan();
        bounds(
            plan.streets
                .iter()
                .flat_map(|s| s.points.iter().copied())
                .chain(plan.poles.iter().map(|p| LonLat::new(p.lon, p.lat))),
        )
    }

    /// The extent of the selected poles.
    pub fn selection_extent(&self) -> Option<[f64; 4]> {
        bounds(
            self.selected_poles()
                .into_iter()
                .map(|p| LonLat::new(p.lon, p.lat)),
        )
    }

    /// The vendor whose section covers the road at `lon`/`lat` (within the plan's
    /// `max_offset_m` of the street), if any.
    pub fn section_vendor_at(&self, lon: f64, lat: f64) -> Option<&str> {
        poles::section_vendor_at(&self.doc, to_utm32(lon, lat))
    }

    /// Street name, chainage and offset at `at`, if a street is within 50 m.
    pub fn street_at(&self, at: LonLat) -> Option<(String, f64, f64)> {
        let xy = at.to_xy();
        let (si, st) = self.checker().index().nearest_street(xy)?;
        if st.offset_m > 50.0 {
            return None;
        }
        let s = self.plan().streets.get(si)?;
        Some((s.name.clone(), st.chainage_m, st.offset_m))
    }

    /// Straight-line and along-street distance of a measurement, metres.
    pub fn measure(&self, a: LonLat, b: LonLat) -> (f64, Option<f64>) {
        let (pa, pb) = (a.to_xy(), b.to_xy());
        let straight = pa.dist(pb);
        let idx = self.checker().index();
        let along = match (idx.nearest_street(pa), idx.nearest_street(pb)) {
            (Some((sa, a)), Some((sb, b))) if sa == sb => Some((a.chainage_m - b.chainage_m).abs()),
            _ => None,
        };
        (straight, along)
    }
}

impl AppState {
    /// Imports street centrelines (e.g. a QGIS export of the real streets) as one edit:
    /// a street whose id exists already is replaced, others are added. Returns a summary.
    pub fn import_streets(&mut self, streets: Vec<crate::plan::Street>, skipped: usize) -> String {
        if streets.is_empty() {
            self.status = format!("No street lines found ({skipped} other features skipped)");
            return self.status.clone();
        }
        let (step, added, replaced) = crate::edit::route::import_streets(self.plan(), streets);
        self.apply(step);
        self.status = format!(
            "Imported streets: {added} added, {replaced} replaced, {skipped} non-line features skipped"
        );
        self.status.clone()
    }
}

/// The lon/lat box `[min lon, min lat, max lon, max lat]` around the valid positions
/// among `pts`.
fn bounds(pts: impl Iterator<Item = LonLat>) -> Option<[f64; 4]> {
    let mut e: Option<[f64; 4]> = None;
    for p in pts.filter(|p| p.is_valid()) {
        let b = e.get_or_insert([p.lon, p.lat, p.lon, p.lat]);
        b[0] = b[0].min(p.lon);
        b[1] = b[1].min(p.lat);
        b[2] = b[2].max(p.lon);
        b[3] = b[3].max(p.lat);
    }
    e
}
