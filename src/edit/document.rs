//! The document: the plan being edited, its file, its validation, its edit history and
//! an index of its pole ids (docs/architecture.md "The edit model").
//!
//! The plan is private. Readers get `&Plan` from [`Document::plan`]; every change is a
//! typed [`Edit`] given to [`Document::apply`] (one undo step) or, for a change that
//! follows the pointer (a drag), to a session: [`Document::begin`], any number of
//! [`Document::update`] steps, then [`Document::commit`] (one undo step) or
//! [`Document::cancel`] (the plan as it was, nothing recorded).
//!
//! Caches key on [`Document::revision`], which changes with every change of the plan
//! (and is unique across documents), or on [`Document::settled_revision`], which holds
//! still while a session is open.

use super::op::{ApplyError, Edit, PoleEffect, PoleMove};
use crate::check::{Checker, Finding};
use crate::plan::{Plan, Pole};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How many undo steps are kept at most.
pub const MAX_UNDO: usize = 1000;

/// How many bytes the undo steps may hold together ([`Edit::held_bytes`]); the oldest
/// steps go first. Bounds the memory of an hours-long session of large imports.
pub const MAX_UNDO_BYTES: usize = 256 << 20;

/// Up to this many moved or edited poles the checker is brought up to date pole by pole;
/// beyond it, rebuilt whole.
const INCREMENTAL_POLES: usize = 64;

/// Source of revision numbers, unique in this process so a background result or a cache
/// can never be matched to another document's plan.
static NEXT_REVISION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_revision() -> u64 {
    NEXT_REVISION.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// One undoable step: its label and the edit that makes it (on the redo stack) or takes
/// it back (on the undo stack).
#[derive(Debug, Clone)]
pub struct Step {
    pub label: String,
    pub edit: Edit,
}

/// An edit session in progress.
struct Session {
    label: String,
    /// The inverses of its steps, oldest first.
    inverses: Vec<Edit>,
    /// The revision when the session began.
    revision: u64,
}

/// The plan, its file, its findings and its history.
pub struct Document {
    plan: Plan,
    path: Option<PathBuf>,
    dirty: bool,
    checker: Checker,
    undo: Vec<Step>,
    /// What the undo steps hold together ([`Edit::held_bytes`]), kept as they come and go.
    undo_bytes: usize,
    redo: Vec<Step>,
    session: Option<Session>,
    revision: u64,
    /// How many undo entries there were at the last save (the edits since are the
    /// entries above it); `None` once the saved state has left the history.
    saved_depth: Option<usize>,
    /// Pole id -> index of the first pole with that id.
    ids: HashMap<compact_str::CompactString, usize>,
    /// Session steps made without re-checking ([`Document::update_deferred`]): the
    /// checker is rebuilt when the session ends.
    stale: bool,
}

fn id_index(plan: &Plan) -> HashMap<compact_str::CompactString, usize> {
    let mut ids = HashMap::with_capacity(plan.poles.len());
    for (i, p) in plan.poles.iter().enumerate() {
        ids.entry(p.id.clone()).or_insert(i);
    }
    ids
}

impl Document {
    /// A document on `plan`, read from `path` (`None`: not saved yet, or the bundled plan).
    pub fn new(plan: Plan, path: Option<PathBuf>) -> Self {
        Document {
            checker: Checker::new(&plan),
            ids: id_index(&plan),
            plan,
            path,
            dirty: false,
            undo: Vec::new(),
            undo_bytes: 0,
            redo: Vec::new(),
            session: None,
            revision: next_revision(),
            saved_depth: Some(0),
            stale: false,
        }
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The index of the first pole with `id`, in constant time.
    pub fn pole_index(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }

    /// The first pole with `id`, in constant time.
    pub fn pole(&self, id: &str) -> Option<&Pole> {
        self.plan.poles.get(self.pole_index(id)?)
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
        self.saved_depth = Some(self.undo.len());
    }

    /// The edits since the last save in one line: `"Move pole P017; Delete 3 poles"`,
    /// the first three and how many more.
    pub fn edits_since_save(&self) -> String {
        let depth = self.saved_depth.unwrap_or(0);
        let labels: Vec<&str> = self
            .undo
            .get(depth..)
            .unwrap_or(&[])
            .iter()
            .map(|e| e.label.as_str())
            .collect();
        match labels.len() {
            0 if self.undo.len() < depth => {
                let n = depth - self.undo.len();
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

    /// Makes `edit` as one undoable step named `label`. An edit that would leave the plan
    /// as it is records nothing and returns `Ok(false)`.
    pub fn apply(&mut self, label: impl Into<String>, edit: Edit) -> Result<bool, ApplyError> {
        self.commit();
        if edit.is_noop(&self.plan) {
            return Ok(false);
        }
        let inverse = self.make(edit, true)?;
        self.record(Step {
            label: label.into(),
            edit: inverse,
        });
        Ok(true)
    }

    /// Applies `edit` to the plan and brings the id index and the checker up to date;
    /// returns the inverse. Does not touch the history.
    fn make(&mut self, edit: Edit, check: bool) -> Result<Edit, ApplyError> {
        let effect = edit.pole_effect();
        let inverse = edit.apply(&mut self.plan)?;
        self.revision = next_revision();
        // What the checker can follow pole by pole: moves, and field edits that keep
        // each pole's id, vendor and luminaire (those change the reference rules, which
        // only a whole check finds).
        let incremental = match &effect {
            PoleEffect::Moved(ix) => ix.len() <= INCREMENTAL_POLES,
            PoleEffect::Fields(ix) => {
                ix.len() <= INCREMENTAL_POLES
                    && matches!(&inverse, Edit::SetPoles(old) if old.iter().all(|(i, q)| {
                        self.plan.poles.get(*i).is_some_and(|p| {
                            p.id == q.id && p.vendor == q.vendor && p.luminaire == q.luminaire
                        })
                    }))
            }
            _ => false,
        };
        if inverse.may_change_pole_ids() && !incremental {
            self.ids = id_index(&self.plan);
        }
        match effect {
            PoleEffect::None => {}
            PoleEffect::Moved(ix) | PoleEffect::Fields(ix) if incremental && check => {
                for i in ix {
                    self.checker.move_pole(&self.plan, i);
                }
            }
            _ if check => self.checker.rebuild(&self.plan),
            _ => self.stale = true,
        }
        Ok(inverse)
    }

    /// Pushes a finished step on the undo stack.
    fn record(&mut self, step: Step) {
        self.undo_bytes += step.edit.held_bytes();
        self.undo.push(step);
        while self.undo.len() > 1
            && (self.undo.len() > MAX_UNDO || self.undo_bytes > MAX_UNDO_BYTES)
        {
            self.undo_bytes -= self.undo.remove(0).edit.held_bytes();
            self.saved_depth = self.saved_depth.and_then(|d| d.checked_sub(1));
        }
        self.redo.clear();
        self.dirty = true;
    }

    /// Opens an edit session named `label` (closing any open one first).
    pub fn begin(&mut self, label: impl Into<String>) {
        self.commit();
        self.session = Some(Session {
            label: label.into(),
            inverses: Vec::new(),
            revision: self.revision,
        });
    }

    /// One step of the open session (a drag step): the plan changes, the revision moves,
    /// the findings follow. Without a session the step is made an edit of its own.
    pub fn update(&mut self, edit: Edit) -> Result<(), ApplyError> {
        self.session_step(edit, true)
    }

    /// [`Document::update`] without re-checking: the findings are brought up to date
    /// when the session ends (a vertex dragged in a large plan, where a whole check at
    /// every step would lag behind the pointer).
    pub fn update_deferred(&mut self, edit: Edit) -> Result<(), ApplyError> {
        self.session_step(edit, false)
    }

    fn session_step(&mut self, edit: Edit, check: bool) -> Result<(), ApplyError> {
        if self.session.is_none() {
            return self.apply("Edit", edit).map(|_| ());
        }
        if edit.is_noop(&self.plan) {
            return Ok(());
        }
        let inverse = self.make(edit, check && !self.stale)?;
        if let Some(s) = &mut self.session {
            push_coalesced(&mut s.inverses, inverse);
        }
        Ok(())
    }

    /// Rebuilds the checker if session steps left it behind.
    fn freshen(&mut self) {
        if std::mem::take(&mut self.stale) {
            self.checker.rebuild(&self.plan);
        }
    }

    /// Moves pole `i` within the open session (turning it to `azimuth_deg` if given, as a
    /// pole sliding along a bend does); the findings that can change are re-checked.
    pub fn move_pole(&mut self, i: usize, lon: f64, lat: f64, azimuth_deg: Option<f64>) {
        let Some(p) = self.plan.poles.get(i) else {
            return;
        };
        let m = PoleMove {
            index: i,
            lon,
            lat,
            azimuth_deg: azimuth_deg.unwrap_or(p.azimuth_deg),
        };
        // The index was checked above: the move cannot be out of range.
        let _ = self.update(Edit::MovePoles(vec![m]));
    }

    /// Re-validates the whole plan now.
    pub fn recheck(&mut self) {
        self.stale = false;
        self.checker.rebuild(&self.plan);
    }

    /// Closes the open session as one undo step (if it changed anything).
    pub fn commit(&mut self) {
        let Some(s) = self.session.take() else {
            return;
        };
        self.freshen();
        if s.inverses.is_empty() {
            return;
        }
        let inverse = match s.inverses.len() {
            1 => s
                .inverses
                .into_iter()
                .next()
                .unwrap_or(Edit::Batch(Vec::new())),
            _ => Edit::Batch(s.inverses.into_iter().rev().collect()),
        };
        if inverse.is_noop(&self.plan) {
            // Steps that came back to the start.
            return;
        }
        self.record(Step {
            label: s.label,
            edit: inverse,
        });
    }

    /// Abandons the open session: the plan is as it was when it began, nothing recorded.
    pub fn cancel(&mut self) {
        if let Some(s) = self.session.take() {
            let check = !self.stale;
            for inv in s.inverses.into_iter().rev() {
                // Each inverse was made from the plan it now meets.
                let _ = self.make(inv, check);
            }
            self.freshen();
        }
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
        let step = if forward {
            self.redo.pop()?
        } else {
            let step = self.undo.pop()?;
            self.undo_bytes -= step.edit.held_bytes();
            step
        };
        let label = step.label.clone();
        match self.make(step.edit, true) {
            Ok(inverse) => {
                let back = Step {
                    label: step.label,
                    edit: inverse,
                };
                if forward {
                    self.undo_bytes += back.edit.held_bytes();
                    self.undo.push(back);
                } else {
                    self.redo.push(back);
                }
                self.dirty = true;
                Some(label)
            }
            // A history entry always fits the plan it was recorded on; should one not,
            // it is dropped rather than applied halfway.
            Err(_) => None,
        }
    }

    /// Poles held whole by the undo history (a measure of its memory).
    pub fn history_poles_held(&self) -> usize {
        self.undo
            .iter()
            .chain(&self.redo)
            .map(|s| s.edit.poles_held())
            .sum()
    }

    /// Bytes held by the undo and redo stacks (their edits' [`Edit::held_bytes`]).
    pub fn history_bytes(&self) -> usize {
        self.undo
            .iter()
            .chain(&self.redo)
            .map(|s| s.edit.held_bytes() + s.label.capacity())
            .sum()
    }
}

/// Adds a session step's inverse, folding a move of the same poles into the one before:
/// taking back a whole drag needs only where each pole started.
fn push_coalesced(inverses: &mut Vec<Edit>, inverse: Edit) {
    if let (Some(Edit::MovePoles(first)), Edit::MovePoles(new)) = (inverses.last(), &inverse)
        && first.len() == new.len()
        && first.iter().zip(new).all(|(a, b)| a.index == b.index)
    {
        // The earlier inverse already restores these poles' starting places.
        return;
    }
    if let (
        Some(Edit::StreetPoints {
            street: s0,
            change: super::op::Change::Set(v0, _),
        }),
        Edit::StreetPoints {
            street: s1,
            change: super::op::Change::Set(v1, _),
        },
    ) = (inverses.last(), &inverse)
        && s0 == s1
        && v0 == v1
    {
        return;
    }
    inverses.push(inverse);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::op::PlanSettings;

    fn doc() -> Document {
        Document::new(crate::check::synth::plan(200), None)
    }

    fn rename(d: &Document, name: &str) -> Edit {
        let mut s = PlanSettings::of(d.plan());
        s.name = name.into();
        Edit::Settings(Box::new(s))
    }

    fn set_pole(d: &Document, i: usize, f: impl FnOnce(&mut Pole)) -> Edit {
        let mut p = d.plan().poles[i].clone();
        f(&mut p);
        Edit::SetPoles(vec![(i, p)])
    }

    #[test]
    fn a_save_is_a_revision_whose_summary_names_the_edits_since_the_last() {
        let mut d = doc();
        d.apply("Rename", rename(&d, "x")).unwrap();
        let e = set_pole(&d, 0, |p| p.lon += 1e-5);
        d.apply("Move pole P001", e).unwrap();
        d.stamp_save("Gate 21", "2026-12-02T10:00:00Z");
        d.mark_saved("/tmp/x.ron".into());
        for k in 0..5 {
            let e = set_pole(&d, 1, |p| p.height_m += 1.0);
            d.apply(format!("Edit {k}"), e).unwrap();
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
        d.apply("Rename", rename(&d, "x")).unwrap();
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
        let same = rename(&d, &d.plan().name.clone());
        assert_eq!(d.apply("Nothing", same), Ok(false));
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
        assert_eq!(
            d.history_poles_held(),
            0,
            "a move keeps a position, not a pole"
        );
        d.undo();
        assert_eq!(d.plan(), &before);
    }

    #[test]
    fn a_drag_that_comes_back_to_its_start_records_nothing() {
        let mut d = doc();
        let p = d.plan().poles[3].clone();
        d.begin("Move pole");
        d.move_pole(3, p.lon + 1e-5, p.lat, None);
        d.move_pole(3, p.lon, p.lat, None);
        d.commit();
        assert!(!d.can_undo());
        assert_eq!(d.findings(), Checker::new(d.plan()).findings());
    }

    #[test]
    fn a_thousand_moves_are_held_in_little_memory() {
        let mut d = doc();
        for k in 0..1000 {
            let i = k % 200;
            let p = d.plan().poles[i].clone();
            d.begin(format!("Move pole {}", p.id));
            d.move_pole(i, p.lon + 1e-6, p.lat, None);
            d.commit();
        }
        // All are kept, each a label and one position: under 1 MB together.
        assert_eq!(d.undo.len(), 1000);
        assert!(d.history_bytes() < 1 << 20, "{}", d.history_bytes());
    }

    #[test]
    fn the_running_count_of_undo_bytes_is_the_sum_of_the_steps() {
        let mut d = doc();
        let sum = |d: &Document| d.undo.iter().map(|s| s.edit.held_bytes()).sum::<usize>();
        d.apply("Delete", Edit::RemovePoles(vec![3, 9, 40]))
            .unwrap();
        d.apply("Rename", rename(&d, "y")).unwrap();
        let e = set_pole(&d, 2, |p| p.height_m += 1.0);
        d.apply("Height", e).unwrap();
        assert_eq!(d.undo_bytes, sum(&d));
        d.undo();
        d.undo();
        assert_eq!(d.undo_bytes, sum(&d));
        d.redo();
        assert_eq!(d.undo_bytes, sum(&d));
    }

    #[test]
    fn lookups_by_id_follow_inserts_removals_and_renames() {
        let mut d = doc();
        let id = d.plan().poles[10].id.to_string();
        assert_eq!(d.pole_index(&id), Some(10));
        d.apply("Delete", Edit::RemovePoles(vec![0, 5])).unwrap();
        assert_eq!(d.pole_index(&id), Some(8));
        let e = set_pole(&d, 8, |p| p.id = "renamed".into());
        d.apply("Rename", e).unwrap();
        assert_eq!(d.pole_index(&id), None);
        assert_eq!(d.pole_index("renamed"), Some(8));
        d.undo();
        d.undo();
        assert_eq!(d.pole_index(&id), Some(10));
        assert_eq!(d.pole(&id).map(|p| p.id.as_str()), Some(id.as_str()));
    }

    #[test]
    fn an_edit_that_does_not_fit_is_refused_and_changes_nothing() {
        let mut d = doc();
        let before = d.plan().clone();
        let bad = Edit::Batch(vec![rename(&d, "y"), Edit::RemovePoles(vec![5_000])]);
        assert!(d.apply("Bad", bad).is_err());
        assert_eq!(d.plan(), &before);
        assert!(!d.can_undo());
        assert!(d.apply("Unordered", Edit::RemovePoles(vec![3, 1])).is_err());
    }
}
