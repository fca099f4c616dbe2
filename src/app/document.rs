//! The document: the plan being edited, its file, its validation and its edit history.
//!
//! The plan is private. Views get `&Plan` from [`Document::plan`]; every change goes
//! through one edit API that records the undo step, bumps the one revision number and
//! marks the document unsaved:
//!
//! - [`Document::edit`] for a change made at once (`doc.edit("Delete pole P017", |plan| ..)`);
//! - an edit session for a change that follows the pointer (a drag): [`Document::begin`],
//!   any number of [`Document::update`] steps, then [`Document::commit`] (one undo step)
//!   or [`Document::cancel`] (the plan as it was, nothing recorded).
//!
//! Caches key on [`Document::revision`], which changes with every change of the plan
//! (and is unique across documents), or on [`Document::settled_revision`], which holds
//! still while a session is open.

use super::history::Entry;
use crate::check::{Checker, Finding};
use crate::plan::Plan;
use std::path::{Path, PathBuf};

/// How many undo steps are kept (bounds the memory of an hours-long session).
const MAX_UNDO: usize = 200;

/// Source of revision numbers, unique in this process so a background result or a cache
/// can never be matched to another document's plan.
static NEXT_REVISION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_revision() -> u64 {
    NEXT_REVISION.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// An edit session in progress.
struct Session {
    label: String,
    /// The plan when the session began.
    before: Plan,
    /// The revision when the session began.
    revision: u64,
}

/// The plan, its file, its findings and its history.
pub struct Document {
    plan: Plan,
    path: Option<PathBuf>,
    dirty: bool,
    checker: Checker,
    undo: Vec<Entry>,
    redo: Vec<Entry>,
    session: Option<Session>,
    revision: u64,
    /// How many undo entries there were at the last save (the edits since are the
    /// entries above it).
    saved_depth: usize,
}

impl Document {
    /// A document on `plan`, read from `path` (`None`: not saved yet, or the bundled plan).
    pub fn new(plan: Plan, path: Option<PathBuf>) -> Self {
        Document {
            checker: Checker::new(&plan),
            plan,
            path,
            dirty: false,
            undo: Vec::new(),
            redo: Vec::new(),
            session: None,
            revision: next_revision(),
            saved_depth: 0,
        }
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The file the plan was read from or last saved to as RON.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Unsaved changes (a drag in progress that has moved something counts).
    pub fn is_dirty(&self) -> bool {
        self.dirty
            || self
                .session
                .as_ref()
                .is_some_and(|s| s.revision != self.revision)
    }

    /// After a save to `path`: the document is that file now, with nothing unsaved.
    pub fn mark_saved(&mut self, path: PathBuf) {
        self.path = Some(path);
        self.dirty = false;
        self.saved_depth = self.undo.len();
    }

    /// The edits since the last save in one line: `"Move pole P017; Delete 3 poles"`,
    /// the first three and how many more.
    pub fn edits_since_save(&self) -> String {
        let labels: Vec<&str> = self
            .undo
            .get(self.saved_depth..)
            .unwrap_or(&[])
            .iter()
            .map(|e| e.label.as_str())
            .collect();
        match labels.len() {
            0 if self.undo.len() < self.saved_depth => {
                let n = self.saved_depth - self.undo.len();
                format!("Undid {n} edit{}", if n == 1 { "" } else { "s" })
            }
            0 => "No edits".to_string(),
            1..=3 => labels.join("; "),
            n => format!("{}; and {} more", labels[..3].join("; "), n - 3),
        }
    }

    /// Before writing the file: raises the plan's revision and adds its changelog entry
    /// (not an edit: no undo step, nothing unsaved). [`Document::unstamp_save`] takes it
    /// back when the write fails.
    pub fn stamp_save(&mut self, author: &str, time: &str) {
        let summary = self.edits_since_save();
        self.plan.revision += 1;
        self.plan
            .changelog
            .push(crate::plan::review::ChangelogEntry {
                revision: self.plan.revision,
                time: time.to_string(),
                author: author.to_string(),
                summary,
            });
    }

    /// The write after [`Document::stamp_save`] failed: the plan is as before it.
    pub fn unstamp_save(&mut self) {
        self.plan.revision = self.plan.revision.saturating_sub(1);
        self.plan.changelog.pop();
    }

    /// A recovered document: its changes were never saved.
    pub fn mark_recovered(&mut self) {
        self.dirty = true;
    }

    /// The layout findings of the plan as it is now.
    pub fn findings(&self) -> &[Finding] {
        self.checker.findings()
    }

    /// The validation state (R-trees and findings).
    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    /// Findings computed elsewhere for this revision (the EN 13201 coverage, in the
    /// background): kept beside the layout findings until the plan changes again. Not
    /// an edit.
    pub fn set_derived_findings(&mut self, findings: Vec<Finding>) {
        self.checker.set_extra(findings);
    }

    /// Changes with every change of the plan.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The revision of the last finished change: holds still during an edit session.
    pub fn settled_revision(&self) -> u64 {
        self.session.as_ref().map_or(self.revision, |s| s.revision)
    }

    /// Whether an edit session (a drag) is open.
    pub fn in_session(&self) -> bool {
        self.session.is_some()
    }

    /// Makes one undoable change named `label`. A change that leaves the plan as it was
    /// records nothing and leaves the document as it was.
    pub fn edit<R>(&mut self, label: impl Into<String>, f: impl FnOnce(&mut Plan) -> R) -> R {
        self.begin(label);
        let r = f(&mut self.plan);
        self.commit();
        r
    }

    /// Opens an edit session named `label` (closing any open one first).
    pub fn begin(&mut self, label: impl Into<String>) {
        self.commit();
        self.session = Some(Session {
            label: label.into(),
            before: self.plan.clone(),
            revision: self.revision,
        });
    }

    /// One step of the open session (a drag step): the plan changes, the revision moves,
    /// the findings are brought up to date by the caller ([`Document::recheck`] or the
    /// incremental [`Document::move_pole`]) or at [`Document::commit`]. Without a session
    /// the step is made an edit of its own.
    pub fn update<R>(&mut self, f: impl FnOnce(&mut Plan) -> R) -> R {
        if self.session.is_none() {
            return self.edit("Edit", f);
        }
        let r = f(&mut self.plan);
        self.revision = next_revision();
        r
    }

    /// Moves pole `i` within the open session (turning it to `azimuth_deg` if given, as a
    /// pole sliding along a bend does) and re-validates incrementally (only the findings
    /// that can change).
    pub fn move_pole(&mut self, i: usize, lon: f64, lat: f64, azimuth_deg: Option<f64>) {
        let moved = self.update(|plan| match plan.poles.get_mut(i) {
            Some(p) => {
                p.lon = lon;
                p.lat = lat;
                if let Some(az) = azimuth_deg {
                    p.azimuth_deg = az;
                }
                true
            }
            None => false,
        });
        if moved {
            self.checker.move_pole(&self.plan, i);
        }
    }

    /// Re-validates the whole plan now (during a session, for live findings).
    pub fn recheck(&mut self) {
        self.checker.rebuild(&self.plan);
    }

    /// Closes the open session as one undo step (if it changed anything).
    pub fn commit(&mut self) {
        let Some(s) = self.session.take() else {
            return;
        };
        if s.before == self.plan {
            if self.revision != s.revision {
                // Steps that came back to the start: the findings may be mid-drag.
                self.checker.rebuild(&self.plan);
            }
            return;
        }
        self.undo.push(Entry::new(s.label, &s.before, &self.plan));
        if self.undo.len() > MAX_UNDO {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.changed();
    }

    /// Abandons the open session: the plan is as it was when it began, nothing recorded.
    pub fn cancel(&mut self) {
        if let Some(s) = self.session.take() {
            let changed = s.before != self.plan;
            self.plan = s.before;
            if changed {
                self.revision = next_revision();
                self.checker.rebuild(&self.plan);
            }
        }
    }

    /// After a recorded change, undo or redo.
    fn changed(&mut self) {
        self.dirty = true;
        self.revision = next_revision();
        self.checker.rebuild(&self.plan);
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty() || self.session.is_some()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// What Undo would take back.
    pub fn undo_label(&self) -> Option<&str> {
        match &self.session {
            Some(s) => Some(s.label.as_str()),
            None => self.undo.last().map(|e| e.label.as_str()),
        }
    }

    /// What Redo would do again.
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|e| e.label.as_str())
    }

    /// Takes back the last edit; returns its label.
    pub fn undo(&mut self) -> Option<String> {
        self.step(false)
    }

    /// Makes the last undone edit again; returns its label.
    pub fn redo(&mut self) -> Option<String> {
        self.step(true)
    }

    /// Moves one entry from one history stack to the other, applying it.
    fn step(&mut self, forward: bool) -> Option<String> {
        self.commit();
        let (from, to) = if forward {
            (&mut self.redo, &mut self.undo)
        } else {
            (&mut self.undo, &mut self.redo)
        };
        let e = from.pop()?;
        let label = e.label.clone();
        to.push(e.apply(&mut self.plan));
        self.changed();
        Some(label)
    }

    /// Poles held by the whole undo history (a measure of its memory).
    pub fn history_poles_held(&self) -> usize {
        self.undo
            .iter()
            .chain(&self.redo)
            .map(Entry::poles_held)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        Document::new(crate::check::synth::plan(200), None)
    }

    #[test]
    fn a_save_is_a_revision_whose_summary_names_the_edits_since_the_last() {
        let mut d = doc();
        d.edit("Rename", |p| p.name = "x".into());
        d.edit("Move pole P001", |p| p.poles[0].lon += 1e-5);
        d.stamp_save("Gate 21", "2026-12-02T10:00:00Z");
        d.mark_saved("/tmp/x.ron".into());
        for k in 0..5 {
            d.edit(format!("Edit {k}"), |p| p.poles[1].height_m += 1.0);
        }
        d.stamp_save("", "2026-12-02T11:00:00Z");
        let log = &d.plan().changelog;
        assert_eq!(d.plan().revision, 2);
        assert_eq!(log[0].summary, "Rename; Move pole P001");
        assert_eq!(log[0].author, "Gate 21");
        assert_eq!(log[1].summary, "Edit 0; Edit 1; Edit 2; and 2 more");
        // the save history is not an edit: undo keeps it
        d.undo();
        d.undo();
        assert_eq!(d.plan().revision, 2);
        assert_eq!(d.plan().changelog.len(), 2);
        // a failed write takes the stamp back
        d.unstamp_save();
        assert_eq!((d.plan().revision, d.plan().changelog.len()), (1, 1));
    }

    #[test]
    fn an_edit_records_one_step_bumps_the_revision_and_marks_unsaved() {
        let mut d = doc();
        let r0 = d.revision();
        d.edit("Rename", |p| p.name = "x".into());
        assert!(d.is_dirty());
        assert!(d.revision() > r0);
        assert_eq!(d.undo_label(), Some("Rename"));
        assert_eq!(d.undo().as_deref(), Some("Rename"));
        assert_ne!(d.plan().name, "x");
        assert_eq!(d.redo().as_deref(), Some("Rename"));
        assert_eq!(d.plan().name, "x");
    }

    #[test]
    fn an_edit_that_changes_nothing_records_nothing() {
        let mut d = doc();
        let r0 = d.revision();
        d.edit("Nothing", |_| {});
        assert!(!d.is_dirty() && !d.can_undo());
        assert_eq!(d.revision(), r0);
    }

    #[test]
    fn a_session_is_one_step_and_cancel_restores_the_plan() {
        let mut d = doc();
        let before = d.plan().clone();
        let p = before.poles[3].clone();
        d.begin("Move pole");
        let r0 = d.settled_revision();
        for k in 1..5 {
            d.move_pole(3, p.lon + 1e-5 * f64::from(k), p.lat, None);
            assert_eq!(d.settled_revision(), r0, "holds still while dragging");
        }
        assert!(d.is_dirty(), "a drag that moved something is unsaved");
        d.cancel();
        assert_eq!(d.plan(), &before);
        assert!(!d.can_undo() && !d.is_dirty());
        assert_eq!(d.findings(), Checker::new(&before).findings());
        d.begin("Move pole");
        d.move_pole(3, p.lon + 1e-5, p.lat, None);
        d.commit();
        assert!(d.is_dirty());
        assert_eq!(d.history_poles_held(), 1);
        d.undo();
        assert_eq!(d.plan(), &before);
    }
}
