//! The route editor's controller: the street being drawn, the selected street and
//! vertex, and the handles under the pointer. The edits themselves (a new street, a
//! street's fields, its vertices) are made by [`crate::edit::route`]; every finished
//! change is one undoable edit, a vertex being dragged is one session.

pub use super::state::RouteEdit;
use super::state::{AppState, Tool};
use crate::edit::EditError;
use crate::edit::route as ops;
use crate::frame::{LonLat, Polyline};
use egui::Pos2;

pub use crate::edit::route::{segment_midpoint, validate_street};

/// A handle of the selected street under the pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handle {
    /// Vertex `i`.
    Vertex(usize),
    /// The middle of segment `i` (between vertex `i` and `i + 1`): dragging it inserts a
    /// vertex there.
    Mid(usize),
}

/// Up to this many poles the whole plan is re-validated at every step of a vertex drag
/// (a whole check of a plan this size keeps up with the pointer; docs/performance.md).
pub const LIVE_REBUILD_POLES: usize = 5_000;

/// Grab radius of a handle, points.
pub const HANDLE_RADIUS: f32 = 8.0;

/// The handle of a polyline (given in screen points) nearest to `at` within
/// [`HANDLE_RADIUS`]; vertices win over midpoints at equal distance.
pub fn hit_handle(screen: &[Pos2], at: Pos2) -> Option<Handle> {
    let vertices = screen
        .iter()
        .enumerate()
        .map(|(i, p)| (Handle::Vertex(i), p.distance(at)));
    let mids = screen
        .windows(2)
        .enumerate()
        .map(|(i, w)| (Handle::Mid(i), w[0].lerp(w[1], 0.5).distance(at)));
    vertices
        .chain(mids)
        .filter(|(_, d)| *d <= HANDLE_RADIUS)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(h, _)| h)
}

impl AppState {
    /// Selects a street for editing (or none).
    pub fn select_street(&mut self, id: Option<String>) {
        if self.route.street != id {
            self.route.vertex = None;
        }
        self.route.street = id;
    }

    /// Starts drawing a new street: clicks on the map add vertices.
    pub fn start_street_draft(&mut self) {
        self.tool = Tool::EditRoute;
        self.route.draft = Some(Vec::new());
        self.status = "Drawing a street: click to add vertices, double-click or Enter to finish, Backspace removes the last, Esc cancels".into();
    }

    /// Adds a vertex to the street being drawn.
    pub fn draft_add(&mut self, at: LonLat) {
        if let Some(d) = &mut self.route.draft
            && at.lon.is_finite()
            && at.lat.is_finite()
        {
            d.push(at);
        }
    }

    /// Removes the last vertex of the street being drawn.
    pub fn draft_remove_last(&mut self) {
        if let Some(d) = &mut self.route.draft {
            d.pop();
        }
    }

    /// Abandons the street being drawn.
    pub fn cancel_street_draft(&mut self) {
        if self.route.draft.take().is_some() {
            self.status = "Street drawing cancelled".into();
        }
    }

    /// Length of the street being drawn, metres.
    pub fn draft_length(&self) -> f64 {
        self.route
            .draft
            .as_deref()
            .map(|d| Polyline::from_lonlat(d).length())
            .unwrap_or(0.0)
    }

    /// Turns the drawn polyline into a new street (one edit) and selects it. On error the
    /// drawing continues and the reason is returned.
    pub fn finish_street_draft(&mut self) -> Result<String, EditError> {
        let Some(points) = self.route.draft.clone() else {
            return Err("no street is being drawn".into());
        };
        let r = &self.route;
        let (step, id) =
            ops::new_street(self.plan(), points, &r.new_name, r.new_class, r.new_width_m)?;
        let street = match &step.edit {
            crate::edit::Edit::Streets(crate::edit::Change::Insert(_, s)) => Some((
                s.name.clone(),
                Polyline::from_lonlat(&s.points).length(),
                s.points.len(),
            )),
            _ => None,
        };
        self.apply(step);
        if let Some((name, len, n)) = street {
            self.status = format!("Added street {name} ({len:.0} m, {n} vertices)");
        }
        self.route.draft = None;
        self.route.new_name.clear();
        self.select_street(Some(id.clone()));
        Ok(id)
    }

    /// Applies `f` to street `id` as one edit, after validating the result. `Ok(false)`
    /// when nothing changed.
    pub fn edit_street(
        &mut self,
        id: &str,
        label: &str,
        f: impl FnOnce(&mut crate::plan::Street),
    ) -> Result<bool, EditError> {
        let step = ops::edit_street(self.plan(), id, label, f);
        self.apply_reported(step)
    }

    /// Sets street `id`'s class schedule from the editor's text
    /// ([`ops::parse_class_schedule`]), as one undoable edit.
    pub fn set_class_schedule(&mut self, id: &str, text: &str) -> Result<bool, EditError> {
        let step = ops::set_class_schedule(self.plan(), id, text);
        self.apply_reported(step)
    }

    /// Deletes street `id` and the vendor sections on it, as one edit. Poles stay (the
    /// checks then show the ones left off the route). Returns the number of sections
    /// removed.
    pub fn delete_street(&mut self, id: &str) -> Option<usize> {
        let (step, removed) = ops::delete_street(self.plan(), id)?;
        let label = step.label.clone();
        self.apply(step);
        self.select_street(None);
        self.status = if removed > 0 {
            format!("{label} and its {removed} vendor section(s)")
        } else {
            label
        };
        Some(removed)
    }

    /// Deletes vertex `v` of street `id` (one edit); a street keeps at least two.
    pub fn delete_street_vertex(&mut self, id: &str, v: usize) -> Result<(), EditError> {
        let step = ops::delete_vertex(self.plan(), id, v)?;
        self.status = step.label.clone();
        self.apply(step);
        self.route.vertex = None;
        Ok(())
    }

    /// Inserts a vertex at `at` before vertex `v` of street index `si`, as a step of the
    /// open session (the caller has called [`AppState::begin_edit`]; a drag follows).
    pub fn insert_vertex_in_place(&mut self, si: usize, v: usize, at: LonLat) {
        self.vertex_step(ops::insert_vertex(si, v, at));
    }

    /// Moves vertex `v` of street index `si` during a drag. Plans of up to
    /// [`LIVE_REBUILD_POLES`] poles are re-validated at every step, so the findings
    /// follow the vertex; larger ones when the drag ends ([`AppState::end_edit`]).
    pub fn drag_vertex_to(&mut self, si: usize, v: usize, to: LonLat) {
        if !to.is_valid() {
            return;
        }
        self.vertex_step(ops::move_vertex(si, v, to));
    }

    fn vertex_step(&mut self, edit: crate::edit::Edit) {
        // A step that does not fit the plan (a stale index) is ignored, as a drag
        // outside the street would be.
        let _ = if self.plan().poles.len() <= LIVE_REBUILD_POLES {
            self.doc.update(edit)
        } else {
            self.doc.update_deferred(edit)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{LightingClass, Street};
    use egui::pos2;

    fn ll(x: f64, y: f64) -> LonLat {
        crate::frame::offset_lonlat(LonLat::new(12.388, 55.685), x, y)
    }

    fn state() -> AppState {
        let mut plan = crate::plan::Plan::default();
        plan.streets.push(Street {
            lanes: crate::plan::DEFAULT_LANES,
            surface: crate::plan::DEFAULT_SURFACE.into(),
            class_schedule: Vec::new(),
            id: "a".into(),
            name: "A road".into(),
            class: None,
            width_m: 7.0,
            points: vec![ll(0.0, 0.0), ll(100.0, 0.0), ll(200.0, 0.0)],
        });
        plan.sections.push(crate::plan::Section {
            id: "S1".into(),
            vendor: "v".into(),
            street: "a".into(),
            from_m: 0.0,
            to_m: 50.0,
        });
        AppState::new(plan, None)
    }

    #[test]
    fn handles_are_hit_within_the_radius_and_vertices_win() {
        let pts = [pos2(0.0, 0.0), pos2(100.0, 0.0), pos2(100.0, 10.0)];
        assert_eq!(hit_handle(&pts, pos2(3.0, 4.0)), Some(Handle::Vertex(0)));
        assert_eq!(hit_handle(&pts, pos2(50.0, 2.0)), Some(Handle::Mid(0)));
        // (100, 5) is 5 from both vertex 1 and 2 and 0 from the middle of segment 1.
        assert_eq!(hit_handle(&pts, pos2(100.0, 5.0)), Some(Handle::Mid(1)));
        assert_eq!(hit_handle(&pts, pos2(100.0, 1.0)), Some(Handle::Vertex(1)));
        assert_eq!(hit_handle(&pts, pos2(30.0, 0.0)), None);
        assert_eq!(hit_handle(&[], pos2(0.0, 0.0)), None);
    }

    #[test]
    fn a_drawn_street_is_one_edit_and_double_points_are_merged() {
        let mut s = state();
        s.start_street_draft();
        assert_eq!(s.tool, Tool::EditRoute);
        s.draft_add(ll(0.0, 50.0));
        assert!(s.finish_street_draft().is_err(), "one vertex");
        assert!(s.route.draft.is_some(), "drawing continues after a refusal");
        for p in [ll(80.0, 50.0), ll(80.0, 50.01), ll(80.0, 120.0)] {
            s.draft_add(p);
        }
        assert!(
            (s.draft_length() - 150.0).abs() < 1e-3,
            "{}",
            s.draft_length()
        );
        s.route.new_name = "  Ny vej ".into();
        s.route.new_class = Some(LightingClass::P4);
        let id = s.finish_street_draft().unwrap();
        let st = s.plan().street(&id).unwrap();
        assert_eq!(st.name, "Ny vej");
        assert_eq!(st.points.len(), 3, "the 1 cm double point was merged");
        assert_eq!(st.class, Some(LightingClass::P4));
        assert_eq!(s.route.street.as_deref(), Some(id.as_str()));
        assert!(s.route.draft.is_none());
        assert!(s.is_dirty());
        s.undo();
        assert_eq!(s.plan().streets.len(), 1);
        s.redo();
        assert_eq!(s.plan().streets.len(), 2);
    }

    #[test]
    fn street_fields_are_validated_and_vertices_keep_a_minimum() {
        let mut s = state();
        assert!(s.edit_street("a", "w", |st| st.width_m = 0.0).is_err());
        assert!(s.edit_street("a", "n", |st| st.name = "  ".into()).is_err());
        assert!(!s.can_undo(), "refused edits record nothing");
        assert_eq!(s.edit_street("a", "w", |st| st.width_m = 9.0), Ok(true));
        assert_eq!(s.edit_street("a", "w", |st| st.width_m = 9.0), Ok(false));
        s.delete_street_vertex("a", 1).unwrap();
        assert_eq!(s.plan().streets[0].points.len(), 2);
        assert!(s.delete_street_vertex("a", 0).is_err(), "two vertices stay");
        assert!(s.delete_street_vertex("a", 7).is_err());
        s.undo();
        assert_eq!(s.plan().streets[0].points.len(), 3);
    }

    #[test]
    fn dragging_and_inserting_vertices_then_one_undo() {
        let mut s = state();
        s.begin_edit("Move vertex");
        let m = segment_midpoint(&s.plan().streets[0].points, 0).unwrap();
        assert!(m.to_xy().dist(ll(50.0, 0.0).to_xy()) < 1e-3);
        s.insert_vertex_in_place(0, 1, m);
        let t = ll(50.0, 30.0);
        s.drag_vertex_to(0, 1, t);
        s.drag_vertex_to(0, 1, LonLat::new(f64::NAN, 0.0));
        // Re-validated during the drag: the index already has the moved vertex.
        let (_, st) = s.checker().index().nearest_street(t.to_xy()).unwrap();
        assert!(st.offset_m < 1e-6, "{}", st.offset_m);
        s.end_edit();
        assert_eq!(s.plan().streets[0].points.len(), 4);
        assert_eq!(s.plan().streets[0].points[1], t);
        // The checker sees the new geometry: the street is longer now.
        let len = Polyline::from_lonlat(&s.plan().streets[0].points).length();
        assert!((len - (2.0 * 58.309_5 + 100.0)).abs() < 0.01, "{len}");
        s.undo();
        assert_eq!(s.plan().streets[0].points.len(), 3);
    }

    #[test]
    fn deleting_a_street_takes_its_sections_and_undo_restores_both() {
        let mut s = state();
        s.select_street(Some("a".into()));
        assert_eq!(s.delete_street("a"), Some(1));
        assert!(s.plan().streets.is_empty() && s.plan().sections.is_empty());
        assert_eq!(s.route.street, None);
        s.undo();
        assert_eq!((s.plan().streets.len(), s.plan().sections.len()), (1, 1));
    }
}
