//! Editing the route: drawing a new street centreline, moving, inserting and deleting its
//! vertices, and setting its name, lighting class and width. Every finished change is one
//! undoable edit on [`AppState`]; a vertex being dragged changes the plan in place and
//! the validation is rebuilt when it is dropped.

use super::state::{AppState, Tool, lonlat_of};
use crate::frame::{Polyline, to_utm32};
use crate::plan::{LightingClass, Street};
use egui::Pos2;

/// The route editor's state: which street is selected, which of its vertices, and the
/// polyline being drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteEdit {
    /// The street whose vertices are shown as handles (by id).
    pub street: Option<String>,
    /// The selected vertex of that street (Delete removes it).
    pub vertex: Option<usize>,
    /// A new street being drawn, vertices `[lon, lat]`; `None` when not drawing.
    pub draft: Option<Vec<[f64; 2]>>,
    /// Name, class and width the street being drawn gets (blank name: "New street n").
    pub new_name: String,
    pub new_class: Option<LightingClass>,
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
/// (a full check of 5,000 poles takes about 7 ms, see README).
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

/// Why a street's fields are unacceptable, or Ok.
pub fn validate_street(s: &Street) -> Result<(), crate::app::error::EditError> {
    if s.name.trim().is_empty() {
        return Err("a street needs a name".into());
    }
    // The core's limits (the same as the file readers'); a street wider than 60 m is
    // allowed and gets a value.implausible warning.
    crate::plan::validate::street(s).map_err(|e| super::state::explain(&e))?;
    if s.points.len() < 2 {
        return Err("a street needs at least two vertices".into());
    }
    if let Some(i) = s.points.iter().position(|p| {
        !(p[0].is_finite() && p[1].is_finite()) || p[0].abs() > 180.0 || p[1].abs() > 90.0
    }) {
        return Err(format!("vertex {} is not a valid lon/lat", i + 1).into());
    }
    if Polyline::from_lonlat(&s.points).length() < 1.0 {
        return Err("a street must be at least 1 m long".into());
    }
    Ok(())
}

/// Drops vertices closer than 5 cm to the previous one (a double-click adds the same
/// point twice).
fn dedup_close(points: &mut Vec<[f64; 2]>) {
    let mut out: Vec<[f64; 2]> = Vec::with_capacity(points.len());
    for p in points.drain(..) {
        match out.last() {
            Some(q) if to_utm32(q[0], q[1]).dist(to_utm32(p[0], p[1])) < 0.05 => {}
            _ => out.push(p),
        }
    }
    *points = out;
}

/// The midpoint of segment `i` of `points`, in lon/lat (taken in metres).
pub fn segment_midpoint(points: &[[f64; 2]], i: usize) -> Option<[f64; 2]> {
    let (a, b) = (points.get(i)?, points.get(i + 1)?);
    let (pa, pb) = (to_utm32(a[0], a[1]), to_utm32(b[0], b[1]));
    Some(lonlat_of(crate::frame::Xy::new(
        (pa.x + pb.x) / 2.0,
        (pa.y + pb.y) / 2.0,
    )))
}

impl AppState {
    /// Index of the street selected in the route editor.
    pub fn route_street_index(&self) -> Option<usize> {
        let id = self.route.street.as_deref()?;
        self.plan().streets.iter().position(|s| s.id == id)
    }

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
    pub fn draft_add(&mut self, lon: f64, lat: f64) {
        if let Some(d) = &mut self.route.draft
            && lon.is_finite()
            && lat.is_finite()
        {
            d.push([lon, lat]);
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
    pub fn finish_street_draft(&mut self) -> Result<String, crate::app::error::EditError> {
        let (name, class, width_m) = (
            self.route.new_name.clone(),
            self.route.new_class,
            self.route.new_width_m,
        );
        let Some(mut points) = self.route.draft.clone() else {
            return Err("no street is being drawn".into());
        };
        dedup_close(&mut points);
        let id = self.plan().next_id("street-");
        let name = if name.trim().is_empty() {
            format!("New street {}", id.trim_start_matches("street-"))
        } else {
            name.trim().to_string()
        };
        let street = Street {
            lanes: crate::plan::DEFAULT_LANES,
            surface: crate::plan::DEFAULT_SURFACE.into(),
            id: id.clone(),
            name,
            class,
            width_m,
            points,
        };
        validate_street(&street)?;
        self.status = format!(
            "Added street {} ({:.0} m, {} vertices)",
            street.name,
            Polyline::from_lonlat(&street.points).length(),
            street.points.len()
        );
        self.edit(format!("Draw street {}", street.name), |plan| {
            plan.streets.push(street)
        });
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
        f: impl FnOnce(&mut Street),
    ) -> Result<bool, crate::app::error::EditError> {
        let Some(s) = self.plan().street(id) else {
            return Err(format!("street {id} is not in the plan").into());
        };
        let mut edited = s.clone();
        f(&mut edited);
        validate_street(&edited)?;
        if &edited == s {
            return Ok(false);
        }
        self.edit(label, |plan| {
            if let Some(s) = plan.streets.iter_mut().find(|s| s.id == id) {
                *s = edited;
            }
        });
        self.status = label.to_string();
        Ok(true)
    }

    /// Deletes street `id` and the vendor sections on it, as one edit. Poles stay (the
    /// checks then show the ones left off the route). Returns the number of sections
    /// removed.
    pub fn delete_street(&mut self, id: &str) -> Option<usize> {
        let s = self.plan().street(id)?;
        let label = format!("Delete street {}", s.name);
        let removed = self.edit(label.clone(), |plan| {
            plan.streets.retain(|s| s.id != id);
            let before = plan.sections.len();
            plan.sections.retain(|s| s.street != id);
            before - plan.sections.len()
        });
        self.select_street(None);
        self.status = if removed > 0 {
            format!("{label} and its {removed} vendor section(s)")
        } else {
            label
        };
        Some(removed)
    }

    /// Deletes vertex `v` of street `id` (one edit); a street keeps at least two.
    pub fn delete_street_vertex(
        &mut self,
        id: &str,
        v: usize,
    ) -> Result<(), crate::app::error::EditError> {
        let n = self.plan().street(id).map_or(0, |s| s.points.len());
        if v >= n {
            return Err(format!("street {id} has no vertex {}", v + 1).into());
        }
        if n <= 2 {
            return Err("a street keeps at least two vertices; delete the street instead".into());
        }
        self.edit_street(id, &format!("Delete vertex {} of {id}", v + 1), |s| {
            s.points.remove(v);
        })?;
        self.route.vertex = None;
        Ok(())
    }

    /// Inserts a vertex at `at` before vertex `v` of street index `si`, without recording
    /// an edit (the caller has called [`AppState::begin_edit`]; a drag follows).
    pub fn insert_vertex_in_place(&mut self, si: usize, v: usize, at: [f64; 2]) {
        self.doc.update(|plan| {
            if let Some(s) = plan.streets.get_mut(si)
                && v <= s.points.len()
            {
                s.points.insert(v, at);
            }
        });
    }

    /// Moves vertex `v` of street index `si` during a drag (no edit recorded). Plans of
    /// up to [`LIVE_REBUILD_POLES`] poles are re-validated at every step, so the findings
    /// follow the vertex; larger ones when the drag ends ([`AppState::end_edit`]).
    pub fn drag_vertex_to(&mut self, si: usize, v: usize, lon: f64, lat: f64) {
        if !crate::index::valid_lonlat(lon, lat) {
            return;
        }
        let moved = self.doc.update(|plan| {
            match plan.streets.get_mut(si).and_then(|s| s.points.get_mut(v)) {
                Some(p) => {
                    *p = [lon, lat];
                    true
                }
                None => false,
            }
        });
        if moved && self.plan().poles.len() <= LIVE_REBUILD_POLES {
            self.doc.recheck();
        }
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    fn ll(x: f64, y: f64) -> [f64; 2] {
        crate::frame::offset_lonlat([12.388, 55.685], x, y)
    }

    fn state() -> AppState {
        let mut plan = crate::plan::Plan::default();
        plan.streets.push(Street {
            lanes: crate::plan::DEFAULT_LANES,
            surface: crate::plan::DEFAULT_SURFACE.into(),
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
        s.draft_add(ll(0.0, 50.0)[0], ll(0.0, 50.0)[1]);
        assert!(s.finish_street_draft().is_err(), "one vertex");
        assert!(s.route.draft.is_some(), "drawing continues after a refusal");
        for p in [ll(80.0, 50.0), ll(80.0, 50.01), ll(80.0, 120.0)] {
            s.draft_add(p[0], p[1]);
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
        assert!((to_utm32(m[0], m[1]).dist(to_utm32(ll(50.0, 0.0)[0], ll(50.0, 0.0)[1]))) < 1e-3);
        s.insert_vertex_in_place(0, 1, m);
        let t = ll(50.0, 30.0);
        s.drag_vertex_to(0, 1, t[0], t[1]);
        s.drag_vertex_to(0, 1, f64::NAN, 0.0);
        // Re-validated during the drag: the index already has the moved vertex.
        let (_, st) = s
            .checker()
            .index()
            .nearest_street(to_utm32(t[0], t[1]))
            .unwrap();
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
