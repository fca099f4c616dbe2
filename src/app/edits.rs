//! The app's side of the edit operations in [`crate::edit`]: each method makes the
//! operation's edit on the open document and says what happened in the status line (and
//! selects what it added). The checks and the edits themselves live in the core.

use super::state::AppState;
use crate::edit::anchor::StreetAnchor;
use crate::edit::row::RowSpec;
use crate::edit::vendors::{self, SectionDraft};
use crate::edit::{EditError, catalogue};
use std::path::Path;

impl AppState {
    /// The vendor's sections, as drafts, in plan order.
    pub fn section_drafts(&self, vendor: &str) -> Vec<SectionDraft> {
        vendors::section_drafts(self.plan(), vendor)
    }

    /// Replaces `vendor`'s sections with `drafts` as one edit (nothing changes when one
    /// is invalid; the reason names it). Returns `Ok(false)` when nothing changed.
    pub fn set_vendor_sections(
        &mut self,
        vendor: &str,
        drafts: &[SectionDraft],
    ) -> Result<bool, EditError> {
        let v = self
            .plan()
            .vendor(vendor)
            .ok_or_else(|| EditError::Missing {
                kind: "vendor",
                id: vendor.to_string(),
            })?;
        let (name, color) = (v.name.clone(), v.color);
        self.apply_vendor(vendor, &name, color, drafts)
    }

    /// Sets `vendor`'s name, colour and sections as one edit (see
    /// [`vendors::vendor_edit`]). Returns `Ok(false)` when nothing changed.
    pub fn apply_vendor(
        &mut self,
        vendor: &str,
        name: &str,
        color: [u8; 3],
        drafts: &[SectionDraft],
    ) -> Result<bool, EditError> {
        let step = vendors::vendor_edit(self.plan(), vendor, name, color, drafts);
        self.apply_reported(step)
    }

    /// Adds a vendor named "New vendor n" in a colour no vendor has yet, as one edit;
    /// returns its id.
    pub fn add_vendor(&mut self) -> String {
        let (step, id) = vendors::add_vendor(self.plan());
        self.apply(step);
        let name = self
            .plan()
            .vendor(&id)
            .map(|v| v.name.clone())
            .unwrap_or_default();
        self.status = format!("Added vendor {name}: name it, pick its colour, give it a section");
        id
    }

    /// Sets the control profile `vendor`'s luminaires run (`None`: always full) as one
    /// edit, and says so in the status line; nothing happens when it already runs it.
    pub fn set_vendor_profile(&mut self, vendor: &str, profile: Option<String>) {
        let step = vendors::vendor_profile(self.plan(), vendor, profile);
        let _ = self.apply_reported(Ok(step));
    }

    /// Deletes a vendor and its sections as one edit; refused while poles belong to it.
    pub fn delete_vendor(&mut self, vendor: &str) -> Result<(), EditError> {
        let step = vendors::delete_vendor(self.plan(), vendor)?;
        let name = self
            .plan()
            .vendor(vendor)
            .map(|v| v.name.clone())
            .unwrap_or_default();
        self.apply(step);
        self.hidden_vendors.remove(vendor);
        self.status = format!("Deleted vendor {name}");
        Ok(())
    }

    /// Reads the road-surface r-table at `path` and adds it to the plan's surfaces as
    /// one undoable edit (see [`catalogue::import_surface_file`]). Returns the new id.
    pub fn import_surface_file(&mut self, path: &Path) -> Result<String, String> {
        let (step, id) = catalogue::import_surface_file(self.plan(), path)?;
        self.apply(step);
        Ok(id)
    }

    /// Reads the .ldt / .ies file at `path` and adds it as a new luminaire type, as one
    /// undoable edit (see [`catalogue::import_luminaire_file`]). Returns the new id.
    pub fn import_luminaire_file(&mut self, path: &Path) -> Result<String, String> {
        let (step, id) = catalogue::import_luminaire_file(self.plan(), path)?;
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned());
        self.finish_import(
            step,
            id,
            &file.unwrap_or_else(|| path.display().to_string()),
        )
    }

    /// Adds photometry text as a new luminaire type, as one undoable edit (see
    /// [`catalogue::import_luminaire`]). Returns the new id.
    pub fn import_luminaire(&mut self, file_name: &str, text: &str) -> Result<String, String> {
        let (step, id) = catalogue::import_luminaire(self.plan(), file_name, text)?;
        self.finish_import(step, id, file_name)
    }

    fn finish_import(
        &mut self,
        step: crate::edit::Step,
        id: String,
        file: &str,
    ) -> Result<String, String> {
        self.apply(step);
        self.status = format!("Imported {file} as luminaire type {id}");
        Ok(id)
    }

    /// Sets the rotation of luminaire type `id`, as one undoable edit. `Ok(false)` when
    /// the value is unchanged; an error (plan untouched) when invalid or unknown.
    pub fn set_luminaire_rotation(&mut self, id: &str, deg: f64) -> Result<bool, EditError> {
        let step = catalogue::luminaire_rotation(self.plan(), id, deg);
        self.apply_reported(step)
    }

    /// The anchor of pole `i` on its street, if the pole is on the route.
    pub fn street_anchor(&self, i: usize) -> Option<StreetAnchor> {
        StreetAnchor::of(&self.doc, i)
    }
}

/// Adds the row's poles to the plan as ONE undoable edit and selects them. Returns how
/// many were added.
pub fn commit_row(state: &mut AppState, spec: &RowSpec) -> Result<usize, EditError> {
    let (step, ids) = crate::edit::row::row_edit(state.plan(), spec)?;
    state.status = step.label.clone();
    state.apply(step);
    let n = ids.len();
    state.selection = ids.into_iter().collect();
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::row::RowSpacing;
    use crate::edit::row::tests::{plan, spec};

    #[test]
    fn the_app_history_of_a_large_plan_holds_only_what_edits_touched() {
        let mut s = AppState::new(crate::check::synth::plan(5_000), None);
        let p = s.plan().poles[500].clone();
        s.begin_edit("Move");
        s.drag_pole_to(500, p.lon + 1e-5, p.lat);
        s.drag_pole_to(500, p.lon + 2e-5, p.lat);
        s.end_edit();
        s.selection = [s.plan().poles[7].id.to_string()].into();
        s.delete_selected();
        // The move keeps a position, the delete the deleted pole.
        assert_eq!(s.history_poles_held(), 1);
        s.undo();
        s.undo();
        assert_eq!(s.plan().poles[500], p);
        assert_eq!(s.plan(), &crate::check::synth::plan(5_000));
        // Redoing the delete needs only its index, redoing the move a position.
        assert_eq!(s.history_poles_held(), 0);
    }

    #[test]
    fn commit_is_one_undoable_edit() {
        let mut s = AppState::new(plan(), None);
        let n = commit_row(&mut s, &spec(RowSpacing::Every(20.0))).unwrap();
        assert_eq!(n, 10);
        assert_eq!(s.plan().poles.len(), 10);
        assert_eq!(s.selection.len(), 10);
        s.undo();
        assert!(s.plan().poles.is_empty());
        assert!(!s.can_undo());
    }

    fn state() -> AppState {
        let plan = crate::bundled::doll_plan();
        AppState::new(plan, None)
    }

    #[test]
    fn a_vendor_section_is_moved_added_and_removed_as_single_edits() {
        let mut s = state();
        let vendor = s.plan().vendors[0].id.clone();
        let mut d = s.section_drafts(&vendor);
        assert_eq!(d.len(), 1, "the bundled plan gives each vendor one section");
        let others = s.plan().sections.len() - 1;
        d[0].to_m = d[0].from_m + 100.0;
        d.push(SectionDraft {
            id: String::new(),
            street: d[0].street.clone(),
            from_m: 0.0,
            to_m: 20.0,
        });
        assert_eq!(s.set_vendor_sections(&vendor, &d), Ok(true));
        let now = s.section_drafts(&vendor);
        assert_eq!(now.len(), 2);
        assert_eq!(now[0].to_m, d[0].from_m + 100.0);
        assert!(!now[1].id.is_empty() && now[1].id != now[0].id);
        assert_eq!(s.plan().sections.len(), others + 2);
        assert_eq!(s.set_vendor_sections(&vendor, &now), Ok(false));
        assert_eq!(s.set_vendor_sections(&vendor, &now[1..]), Ok(true));
        assert_eq!(s.section_drafts(&vendor).len(), 1);
        s.undo();
        s.undo();
        assert_eq!(s.plan(), &crate::bundled::doll_plan());
    }

    #[test]
    fn intervals_off_the_street_or_backwards_are_refused_with_the_reason() {
        let mut s = state();
        let vendor = s.plan().vendors[0].id.clone();
        let mut d = s.section_drafts(&vendor);
        d[0].to_m = 1e6;
        let e = s.set_vendor_sections(&vendor, &d).unwrap_err().to_string();
        assert!(e.starts_with("section 1:") && e.contains("outside"), "{e}");
        d[0].to_m = d[0].from_m - 5.0;
        let e = s.set_vendor_sections(&vendor, &d).unwrap_err().to_string();
        assert!(e.contains("forwards"), "{e}");
        d[0].street = "nowhere".into();
        assert!(s.set_vendor_sections(&vendor, &d).is_err());
        assert!(s.set_vendor_sections("no-such-vendor", &[]).is_err());
        assert!(!s.can_undo(), "refusals record nothing");
    }

    #[test]
    fn a_vendor_is_added_renamed_recoloured_and_deleted_as_single_edits() {
        let mut s = state();
        let n = s.plan().vendors.len();
        let id = s.add_vendor();
        assert_eq!(s.plan().vendors.len(), n + 1);
        let v = s.plan().vendor(&id).unwrap().clone();
        assert!(v.name.starts_with("New vendor"));
        assert!(
            s.plan().vendors[..n].iter().all(|o| o.color != v.color),
            "a colour no vendor has: {:?}",
            v.color
        );
        assert!(s.apply_vendor(&id, "  ", v.color, &[]).is_err());
        assert_eq!(s.apply_vendor(&id, "Ramboll", [1, 2, 3], &[]), Ok(true));
        assert_eq!(s.plan().vendor(&id).unwrap().name, "Ramboll");
        assert_eq!(s.plan().vendor(&id).unwrap().color, [1, 2, 3]);
        assert_eq!(s.apply_vendor(&id, "Ramboll", [1, 2, 3], &[]), Ok(false));
        // A vendor with poles is kept; an empty one goes with its sections.
        let busy = s.plan().poles[0].vendor.clone();
        let e = s.delete_vendor(&busy).unwrap_err().to_string();
        assert!(e.contains("poles belong to"), "{e}");
        s.delete_vendor(&id).unwrap();
        assert!(s.plan().vendor(&id).is_none());
        for _ in 0..3 {
            s.undo();
        }
        assert_eq!(s.plan(), &crate::bundled::doll_plan());
    }
}
