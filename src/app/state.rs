//! The application state, separate from the widgets that show it: the plan being edited,
//! its file, the validation state, the selection, the current tool and the edit history.

use crate::check::{Checker, Finding};
use crate::frame::{Xy, from_utm32, to_utm32};
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
#[derive(Debug, Clone, PartialEq)]
pub struct PoleTemplate {
    pub vendor: String,
    pub luminaire: String,
    pub height_m: f64,
    pub overhang_m: f64,
    pub tilt_deg: f64,
}

/// A measurement between two points on the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    pub a: [f64; 2],
    pub b: Option<[f64; 2]>,
}

/// Everything the app knows, independent of how it is drawn: the document (the plan,
/// edited only through its edit API) and the view state around it.
pub struct AppState {
    /// The plan, its file, findings and history.
    pub doc: super::document::Document,
    pub selection: BTreeSet<String>,
    pub tool: Tool,
    pub template: PoleTemplate,
    pub measurement: Option<Measurement>,
    /// Vendors hidden on the map.
    pub hidden_vendors: BTreeSet<String>,
    /// The route editor: selected street and vertex, the street being drawn.
    pub route: super::route::RouteEdit,
    /// A message for the status bar (last action or error).
    pub status: String,
}

/// Where a pole may be added or moved: the positions the rules can judge.
pub use crate::index::valid_lonlat;

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
            doc: super::document::Document::new(plan, path),
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

    /// Changes with every change of the plan (see [`super::document::Document::revision`]).
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

    /// One undoable edit named `label`; the selection follows (vanished poles and
    /// streets are dropped from it).
    pub fn edit<R>(&mut self, label: impl Into<String>, f: impl FnOnce(&mut Plan) -> R) -> R {
        let r = self.doc.edit(label, f);
        self.after_change();
        r
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
        let plan = self.doc.plan();
        self.selection.retain(|id| plan.pole(id).is_some());
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

    /// Adds a pole at `lon`/`lat` from the template, facing the nearest street. Returns
    /// its id.
    pub fn add_pole(&mut self, lon: f64, lat: f64) -> Option<String> {
        if !valid_lonlat(lon, lat) {
            self.status = "Cannot add a pole there: the position is not a valid lon/lat".into();
            return None;
        }
        let id = self.plan().next_id("P");
        let xy = to_utm32(lon, lat);
        let azimuth_deg = self.facing_street(lon, lat, xy);
        let t = &self.template;
        // A pole placed in a vendor's section belongs to that vendor.
        let vendor = self
            .section_vendor_at(lon, lat)
            .map_or_else(|| t.vendor.clone(), str::to_string);
        let pole = Pole {
            id: id.as_str().into(),
            lon,
            lat,
            height_m: t.height_m,
            overhang_m: t.overhang_m,
            tilt_deg: t.tilt_deg,
            azimuth_deg,
            vendor: vendor.into(),
            luminaire: t.luminaire.as_str().into(),
        };
        self.edit(format!("Add pole {id}"), |plan| plan.poles.push(pole));
        self.selection = [id.clone()].into();
        self.status = format!("Added pole {id}");
        Some(id)
    }

    /// True bearing from the point towards the nearest street centreline (0 if none).
    fn facing_street(&self, lon: f64, lat: f64, xy: Xy) -> f64 {
        match self.checker().index().nearest_street(xy) {
            Some((_, st)) if st.offset_m > 1e-6 => {
                let grid = crate::frame::bearing_of(st.foot.x - xy.x, st.foot.y - xy.y);
                crate::frame::grid_to_true_bearing(grid, lon, lat)
            }
            _ => 0.0,
        }
    }

    /// Deletes the selected poles as one edit.
    pub fn delete_selected(&mut self) -> usize {
        if self.selection.is_empty() {
            return 0;
        }
        let n = self.selection.len();
        let label = if n == 1 {
            format!(
                "Delete pole {}",
                self.selection.first().cloned().unwrap_or_default()
            )
        } else {
            format!("Delete {n} poles")
        };
        let sel = std::mem::take(&mut self.selection);
        self.edit(label.clone(), |plan| {
            plan.poles.retain(|p| !sel.contains(p.id.as_str()))
        });
        self.status = label;
        n
    }

    /// Index of the pole with `id`.
    pub fn pole_index(&self, id: &str) -> Option<usize> {
        self.plan().poles.iter().position(|p| p.id == id)
    }

    /// Moves pole `i` during a drag: updates the plan and re-validates incrementally
    /// (only the findings that can change). Call [`AppState::begin_edit`] once when the
    /// drag starts.
    pub fn drag_pole_to(&mut self, i: usize, lon: f64, lat: f64) {
        self.drag_pole_facing(i, lon, lat, None);
    }

    /// [`AppState::drag_pole_to`], turning the pole to `azimuth_deg` in the same step.
    pub fn drag_pole_facing(&mut self, i: usize, lon: f64, lat: f64, azimuth_deg: Option<f64>) {
        if valid_lonlat(lon, lat) {
            self.doc.move_pole(i, lon, lat, azimuth_deg);
        }
    }

    /// The selected poles, in plan order.
    pub fn selected_poles(&self) -> Vec<&Pole> {
        self.plan()
            .poles
            .iter()
            .filter(|p| self.selection.contains(p.id.as_str()))
            .collect()
    }

    /// Applies `f` to every selected pole as one edit, after validating each result with
    /// [`validate_pole`]. Nothing changes when any pole would become invalid; the reason
    /// is returned; `Ok(false)` when nothing changed.
    pub fn edit_selected(
        &mut self,
        label: &str,
        f: impl Fn(&mut Pole),
    ) -> Result<bool, super::error::EditError> {
        let mut edited = Vec::new();
        for p in self.selected_poles() {
            let mut q = p.clone();
            f(&mut q);
            validate_pole(&q).map_err(|e| e.of(p.id.clone()))?;
            edited.push(q);
        }
        let changed = edited
            .iter()
            .any(|q| self.plan().pole(&q.id).is_some_and(|p| p != q));
        if !changed {
            return Ok(false);
        }
        self.edit(label.to_string(), |plan| {
            for q in edited {
                if let Some(p) = plan.pole_mut(&q.id) {
                    *p = q;
                }
            }
        });
        self.status = label.to_string();
        Ok(true)
    }

    /// Selects the poles of a finding and returns where to look.
    pub fn select_finding(&mut self, f: &Finding) -> Option<(f64, f64)> {
        self.selection = f.poles.iter().cloned().collect();
        match (f.lon, f.lat) {
            (Some(lon), Some(lat)) => Some((lon, lat)),
            _ => f
                .poles
                .first()
                .and_then(|id| self.plan().pole(id))
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
                .chain(plan.poles.iter().map(|p| [p.lon, p.lat])),
        )
    }

    /// The extent of the selected poles.
    pub fn selection_extent(&self) -> Option<[f64; 4]> {
        bounds(self.selected_poles().into_iter().map(|p| [p.lon, p.lat]))
    }

    /// The vendor whose section covers the road at `lon`/`lat` (within the plan's
    /// `max_offset_m` of the street), if any.
    pub fn section_vendor_at(&self, lon: f64, lat: f64) -> Option<&str> {
        let plan = self.plan();
        let (si, st) = self.checker().index().nearest_street(to_utm32(lon, lat))?;
        if st.offset_m > plan.rules.max_offset_m {
            return None;
        }
        let street = &plan.streets.get(si)?.id;
        plan.sections
            .iter()
            .find(|s| &s.street == street && (s.from_m..=s.to_m).contains(&st.chainage_m))
            .map(|s| s.vendor.as_str())
    }

    /// Street id and chainage under a lon/lat, if a street is within 50 m.
    pub fn street_at(&self, lon: f64, lat: f64) -> Option<(String, f64, f64)> {
        let xy = to_utm32(lon, lat);
        let (si, st) = self.checker().index().nearest_street(xy)?;
        if st.offset_m > 50.0 {
            return None;
        }
        let s = self.plan().streets.get(si)?;
        Some((s.name.clone(), st.chainage_m, st.offset_m))
    }

    /// Straight-line and along-street distance of a measurement, metres.
    pub fn measure(&self, a: [f64; 2], b: [f64; 2]) -> (f64, Option<f64>) {
        let (pa, pb) = (to_utm32(a[0], a[1]), to_utm32(b[0], b[1]));
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
        let (added, replaced) = self.edit(format!("Import {} streets", streets.len()), |plan| {
            let (mut added, mut replaced) = (0, 0);
            for s in streets {
                match plan.streets.iter_mut().find(|x| x.id == s.id) {
                    Some(x) => {
                        *x = s;
                        replaced += 1;
                    }
                    None => {
                        plan.streets.push(s);
                        added += 1;
                    }
                }
            }
            (added, replaced)
        });
        self.status = format!(
            "Imported streets: {added} added, {replaced} replaced, {skipped} non-line features skipped"
        );
        self.status.clone()
    }
}

/// Why a pole's fields are unacceptable, or Ok: the core's validator (the same limits
/// as the RON and GeoJSON readers), plus a position the rules can judge. The message
/// names the field, the value and what is allowed (see [`explain`]).
pub fn validate_pole(p: &Pole) -> Result<(), super::error::EditError> {
    crate::plan::validate::pole(p)?;
    if !valid_lonlat(p.lon, p.lat) {
        return Err(super::error::EditError::rule(
            "the position is not a valid lon/lat",
        ));
    }
    Ok(())
}

/// A refusal of the validator in words a user reads at a field: the field's plain name
/// and unit, the allowed range, and the exact field of the file, e.g. `height 0 m:
/// allowed is height > 0 m (height_m must be a finite number > 0)`.
pub fn explain(e: &crate::plan::validate::ValueError) -> String {
    e.explain()
}

/// Converts local metres back to lon/lat (for tools working in metres).
pub fn lonlat_of(xy: Xy) -> [f64; 2] {
    let (lon, lat) = from_utm32(xy);
    [lon, lat]
}

/// The lon/lat box around the valid positions among `pts`.
fn bounds(pts: impl Iterator<Item = [f64; 2]>) -> Option<[f64; 4]> {
    let mut e: Option<[f64; 4]> = None;
    for p in pts.filter(|p| valid_lonlat(p[0], p[1])) {
        let b = e.get_or_insert([p[0], p[1], p[0], p[1]]);
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    e
}
