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

/// Everything the app knows, independent of how it is drawn.
pub struct AppState {
    pub plan: Plan,
    /// The file the plan was loaded from / last saved to (`None` for the bundled plan).
    pub path: Option<PathBuf>,
    /// Unsaved changes.
    pub dirty: bool,
    pub checker: Checker,
    pub selection: BTreeSet<String>,
    pub tool: Tool,
    pub template: PoleTemplate,
    pub measurement: Option<Measurement>,
    /// Vendors hidden on the map.
    pub hidden_vendors: BTreeSet<String>,
    /// The route editor: selected street and vertex, the street being drawn.
    pub route: super::route::RouteEdit,
    undo: Vec<super::history::Entry>,
    redo: Vec<super::history::Entry>,
    /// The plan when the edit in progress began (made compact by `end_edit`).
    pending: Option<(String, Plan)>,
    /// A message for the status bar (last action or error).
    pub status: String,
    /// New after every finished edit and for every new document, so panels can cache
    /// what they derive from the plan (e.g. the vendor pole counts) and keep it while a
    /// pole is being dragged.
    pub generation: u64,
    /// Changes whenever the plan does (edit, drag step, undo, new document); unique
    /// across documents, so background results and the map's pole layer can be matched
    /// to the plan they are for.
    pub revision: u64,
}

/// A fresh [`AppState::generation`], unique in this process.
fn next_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Source of [`AppState::revision`] values.
static NEXT_REVISION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_revision() -> u64 {
    NEXT_REVISION.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Where a pole may be added or moved: reject positions the rules cannot judge.
fn valid_lonlat(lon: f64, lat: f64) -> bool {
    lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
}

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
            checker: Checker::new(&plan),
            plan,
            path,
            dirty: false,
            selection: BTreeSet::new(),
            tool: Tool::Select,
            template,
            measurement: None,
            hidden_vendors: BTreeSet::new(),
            route: Default::default(),
            undo: Vec::new(),
            redo: Vec::new(),
            pending: None,
            status: String::new(),
            generation: next_generation(),
            revision: next_revision(),
        }
    }

    /// Replaces the document (after Open or New); history and selection start afresh.
    pub fn replace_plan(&mut self, plan: Plan, path: Option<PathBuf>) {
        let hidden = std::mem::take(&mut self.hidden_vendors);
        *self = AppState::new(plan, path);
        self.hidden_vendors = hidden;
    }

    pub fn findings(&self) -> &[Finding] {
        self.checker.findings()
    }

    /// The file name shown in the title.
    pub fn title(&self) -> String {
        format!(
            "Lysplan — {}{}",
            self.plan.name,
            if self.dirty { " •" } else { "" }
        )
    }

    /// Records the current plan as the state before an edit named `label`; the history
    /// entry is made (compactly) by [`AppState::end_edit`].
    pub fn begin_edit(&mut self, label: impl Into<String>) {
        self.close_pending();
        self.pending = Some((label.into(), self.plan.clone()));
        self.redo.clear();
    }

    /// Turns the edit in progress into a history entry holding only what changed.
    fn close_pending(&mut self) {
        if let Some((label, before)) = self.pending.take() {
            if before == self.plan {
                return;
            }
            self.undo
                .push(super::history::Entry::new(label, &before, &self.plan));
            // Bound the memory an hours-long session can take.
            if self.undo.len() > 200 {
                self.undo.remove(0);
            }
        }
    }

    /// Poles held by the whole undo history (a measure of its memory).
    pub fn history_poles_held(&self) -> usize {
        self.undo.iter().map(|e| e.poles_held()).sum::<usize>()
            + self.redo.iter().map(|e| e.poles_held()).sum::<usize>()
    }

    /// After an edit: mark unsaved, re-validate everything, drop vanished selections.
    pub fn end_edit(&mut self) {
        self.close_pending();
        self.dirty = true;
        self.generation = next_generation();
        self.revision = next_revision();
        self.checker.rebuild(&self.plan);
        let plan = &self.plan;
        self.selection.retain(|id| plan.pole(id).is_some());
        self.retain_route_selection();
    }

    /// Marks the plan changed in place (during a drag): unsaved, new revision; the
    /// validation is brought up to date by the caller or by [`AppState::end_edit`].
    pub fn touch_plan(&mut self) {
        self.dirty = true;
        self.revision = next_revision();
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty() || self.pending.is_some()
    }
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
    pub fn undo_label(&self) -> Option<&str> {
        match &self.pending {
            Some((label, _)) => Some(label.as_str()),
            None => self.undo.last().map(|e| e.label.as_str()),
        }
    }
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|e| e.label.as_str())
    }

    pub fn undo(&mut self) {
        self.close_pending();
        if let Some(e) = self.undo.pop() {
            self.status = format!("Undid: {}", e.label);
            let back = e.apply(&mut self.plan);
            self.redo.push(back);
            self.end_edit();
        }
    }

    pub fn redo(&mut self) {
        self.close_pending();
        if let Some(e) = self.redo.pop() {
            self.status = format!("Redid: {}", e.label);
            let back = e.apply(&mut self.plan);
            self.undo.push(back);
            self.end_edit();
        }
    }

    /// Adds a pole at `lon`/`lat` from the template, facing the nearest street. Returns
    /// its id.
    pub fn add_pole(&mut self, lon: f64, lat: f64) -> Option<String> {
        if !valid_lonlat(lon, lat) {
            self.status = "Cannot add a pole there: the position is not a valid lon/lat".into();
            return None;
        }
        let id = self.plan.next_id("P");
        let xy = to_utm32(lon, lat);
        let azimuth_deg = self.facing_street(lon, lat, xy);
        let t = &self.template;
        let pole = Pole {
            id: id.clone(),
            lon,
            lat,
            height_m: t.height_m,
            overhang_m: t.overhang_m,
            tilt_deg: t.tilt_deg,
            azimuth_deg,
            vendor: t.vendor.clone(),
            luminaire: t.luminaire.clone(),
        };
        self.begin_edit(format!("Add pole {id}"));
        self.plan.poles.push(pole);
        self.end_edit();
        self.selection = [id.clone()].into();
        self.status = format!("Added pole {id}");
        Some(id)
    }

    /// True bearing from the point towards the nearest street centreline (0 if none).
    fn facing_street(&self, lon: f64, lat: f64, xy: Xy) -> f64 {
        match self.checker.index().nearest_street(xy) {
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
        self.begin_edit(label.clone());
        let sel = std::mem::take(&mut self.selection);
        self.plan.poles.retain(|p| !sel.contains(&p.id));
        self.end_edit();
        self.status = label;
        n
    }

    /// Index of the pole with `id`.
    pub fn pole_index(&self, id: &str) -> Option<usize> {
        self.plan.poles.iter().position(|p| p.id == id)
    }

    /// Moves pole `i` during a drag: updates the plan and re-validates incrementally
    /// (only the findings that can change). Call [`AppState::begin_edit`] once when the
    /// drag starts.
    pub fn drag_pole_to(&mut self, i: usize, lon: f64, lat: f64) {
        if !valid_lonlat(lon, lat) {
            return;
        }
        if let Some(p) = self.plan.poles.get_mut(i) {
            p.lon = lon;
            p.lat = lat;
            self.dirty = true;
            self.revision = next_revision();
            self.checker.move_pole(&self.plan, i);
        }
    }

    /// The selected poles, in plan order.
    pub fn selected_poles(&self) -> Vec<&Pole> {
        self.plan
            .poles
            .iter()
            .filter(|p| self.selection.contains(&p.id))
            .collect()
    }

    /// Applies `f` to every selected pole as one edit, after validating each result with
    /// [`validate_pole`]. Nothing changes when any pole would become invalid; the reason
    /// is returned; `Ok(false)` when nothing changed.
    pub fn edit_selected(&mut self, label: &str, f: impl Fn(&mut Pole)) -> Result<bool, String> {
        let mut edited = Vec::new();
        for p in self.selected_poles() {
            let mut q = p.clone();
            f(&mut q);
            validate_pole(&q).map_err(|e| format!("{}: {e}", p.id))?;
            edited.push(q);
        }
        let changed = edited
            .iter()
            .any(|q| self.plan.pole(&q.id).is_some_and(|p| p != q));
        if !changed {
            return Ok(false);
        }
        self.begin_edit(label.to_string());
        for q in edited {
            if let Some(p) = self.plan.pole_mut(&q.id) {
                *p = q;
            }
        }
        self.end_edit();
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
                .and_then(|id| self.plan.pole(id))
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
        let pts = self
            .plan
            .streets
            .iter()
            .flat_map(|s| s.points.iter().copied())
            .chain(self.plan.poles.iter().map(|p| [p.lon, p.lat]))
            .filter(|p| valid_lonlat(p[0], p[1]));
        let mut e: Option<[f64; 4]> = None;
        for p in pts {
            let b = e.get_or_insert([p[0], p[1], p[0], p[1]]);
            b[0] = b[0].min(p[0]);
            b[1] = b[1].min(p[1]);
            b[2] = b[2].max(p[0]);
            b[3] = b[3].max(p[1]);
        }
        e
    }

    /// Street id and chainage under a lon/lat, if a street is within 50 m.
    pub fn street_at(&self, lon: f64, lat: f64) -> Option<(String, f64, f64)> {
        let xy = to_utm32(lon, lat);
        let (si, st) = self.checker.index().nearest_street(xy)?;
        if st.offset_m > 50.0 {
            return None;
        }
        let s = self.plan.streets.get(si)?;
        Some((s.name.clone(), st.chainage_m, st.offset_m))
    }

    /// Straight-line and along-street distance of a measurement, metres.
    pub fn measure(&self, a: [f64; 2], b: [f64; 2]) -> (f64, Option<f64>) {
        let (pa, pb) = (to_utm32(a[0], a[1]), to_utm32(b[0], b[1]));
        let straight = pa.dist(pb);
        let idx = self.checker.index();
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
        self.begin_edit(format!("Import {} streets", streets.len()));
        let (mut added, mut replaced) = (0, 0);
        for s in streets {
            match self.plan.streets.iter_mut().find(|x| x.id == s.id) {
                Some(x) => {
                    *x = s;
                    replaced += 1;
                }
                None => {
                    self.plan.streets.push(s);
                    added += 1;
                }
            }
        }
        self.end_edit();
        self.status = format!(
            "Imported streets: {added} added, {replaced} replaced, {skipped} non-line features skipped"
        );
        self.status.clone()
    }
}

/// Why a pole's fields are unacceptable, or Ok.
pub fn validate_pole(p: &Pole) -> Result<(), String> {
    if !(p.height_m.is_finite() && p.height_m > 0.0) {
        return Err(format!(
            "height {} m: a luminaire must be above the ground (height > 0)",
            p.height_m
        ));
    }
    if p.height_m > 60.0 {
        return Err(format!(
            "height {} m: street-lighting poles are at most 60 m",
            p.height_m
        ));
    }
    if !(p.tilt_deg.is_finite() && (0.0..90.0).contains(&p.tilt_deg)) {
        return Err(format!(
            "tilt {}°: tilt must be at least 0° and below 90° (90° would aim the luminaire at the horizon)",
            p.tilt_deg
        ));
    }
    if !(p.overhang_m.is_finite() && (0.0..=10.0).contains(&p.overhang_m)) {
        return Err(format!(
            "overhang {} m: must be between 0 and 10 m",
            p.overhang_m
        ));
    }
    if !p.azimuth_deg.is_finite() {
        return Err("azimuth must be a number of degrees".into());
    }
    if !valid_lonlat(p.lon, p.lat) {
        return Err("position is not a valid lon/lat".into());
    }
    Ok(())
}

/// Converts local metres back to lon/lat (for tools working in metres).
pub fn lonlat_of(xy: Xy) -> [f64; 2] {
    let (lon, lat) = from_utm32(xy);
    [lon, lat]
}
