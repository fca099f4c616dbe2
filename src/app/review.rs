//! The coordinator's review of a vendor submission in the app (issue 10): the session
//! (the submission, its changes against the open plan, the change in hand and its
//! effect), the decisions (each one an undoable edit that records it in the plan's
//! submission log and sets the pole's review status), the merge of the accepted changes
//! (one undoable edit), and the map layer that shows the changes.
//!
//! Decisions live in the plan, not in the session: closing the review, or the app, loses
//! none (the plan is unsaved, and autosave and the save question cover it), and
//! comparing the same file again (same SHA-256) resumes where the review stood.

use super::state::AppState;
use crate::plan::Plan;
use crate::plan::review::{Decision, PoleReview, ReviewStatus, Submission, Verdict, now_rfc3339};
use crate::review::{Change, ChangeKind, Effect, ObjectKind};
use egui::{Color32, Response, Stroke, Ui, vec2};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use walkers::{MapMemory, Plugin, Projector, lon_lat};

/// Text from the review core for the screen: its arrows as "->" (egui's bundled font
/// has no "→"; the files and the CLI keep it).
pub fn shown(s: &str) -> String {
    s.replace('→', "->")
}

/// A decision waiting for the reviewer's name (asked once, then kept as a setting).
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    /// Decide the change at this index of the session.
    Decide(usize, Verdict),
    /// Decide every pending change of this vendor.
    DecideVendor(String, Verdict),
    /// Set the status of the selected poles.
    Selection(ReviewStatus, String),
}

/// The review's app state: the open session, the reviewer's name, the open prompts.
#[derive(Default)]
pub struct ReviewUi {
    pub session: Option<ReviewSession>,
    /// Who decides (recorded with each decision); persisted between runs.
    pub reviewer: String,
    /// The name prompt, with what to do once the name is given.
    pub name_prompt: Option<(String, Pending)>,
    /// The "Reject selection…" window's comment.
    pub reject_comment: Option<String>,
    /// Colour the poles by review status instead of by vendor.
    pub colour_by_status: bool,
}

/// A submission being reviewed against the open plan.
pub struct ReviewSession {
    pub file: PathBuf,
    pub sha256: String,
    pub received: String,
    pub submission: Plan,
    /// The submitting vendor's id.
    pub submitter: String,
    pub changes: Vec<Change>,
    /// The plan's settled revision the changes were computed for.
    revision: u64,
    /// The change in hand.
    pub current: usize,
    /// The comment being typed for the change in hand.
    pub comment: String,
    /// The list scrolls to the change in hand (after J/K).
    pub scroll: bool,
    effect: Option<(String, u64, Effect)>,
    job: Option<(String, u64, Receiver<Effect>)>,
}

impl ReviewSession {
    /// Reads `path` as a submission against `master`. The message names the file and
    /// says what to do; the plan is untouched either way.
    pub fn open(master: &Plan, revision: u64, path: &Path) -> Result<ReviewSession, String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("{}: {e}; check the path", path.display()))?;
        let submission = crate::locate::load_any(path).map_err(|e| e.to_string())?;
        let d = crate::diff::diff(master, &submission)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let submitter = crate::review::likely_submitter(master, &submission, &d)
            .or_else(|| submission.vendors.first().map(|v| v.id.clone()))
            .unwrap_or_default();
        let mut changes = crate::review::changes(master, &submission, &d, &submitter);
        in_review_order(&mut changes, &submitter);
        Ok(ReviewSession {
            file: path.to_path_buf(),
            sha256: crate::plan::review::sha256_hex(&bytes),
            received: now_rfc3339(),
            submission,
            submitter,
            changes,
            revision,
            current: 0,
            comment: String::new(),
            scroll: false,
            effect: None,
            job: None,
        })
    }

    pub fn file_name(&self) -> String {
        self.file.file_name().map_or_else(
            || self.file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    /// Recomputes the changes after the plan changed (a merge, an undo, an edit), keeping
    /// the change in hand where it still exists.
    pub fn refresh(&mut self, state: &AppState) {
        let rev = state.settled_revision();
        if rev == self.revision {
            return;
        }
        let keep = self.changes.get(self.current).map(Change::object_label);
        self.revision = rev;
        self.changes = match crate::diff::diff(state.plan(), &self.submission) {
            Ok(d) => crate::review::changes(state.plan(), &self.submission, &d, &self.submitter),
            Err(_) => Vec::new(),
        };
        in_review_order(&mut self.changes, &self.submitter);
        self.current = keep
            .and_then(|k| self.changes.iter().position(|c| c.object_label() == k))
            .unwrap_or(0)
            .min(self.changes.len().saturating_sub(1));
    }

    /// Sets who submitted; the ownership flags follow.
    pub fn set_submitter(&mut self, state: &AppState, vendor: String) {
        self.submitter = vendor;
        self.revision = u64::MAX;
        self.refresh(state);
    }

    /// The latest decision on each object of this submission, by object label.
    pub fn decisions<'p>(&self, plan: &'p Plan) -> HashMap<String, &'p Decision> {
        let mut out = HashMap::new();
        for s in plan.submissions.iter().filter(|s| s.sha256 == self.sha256) {
            for d in &s.decisions {
                out.insert(d.object.clone(), d);
            }
        }
        out
    }

    /// The changes whose latest decision in `plan` is `verdict`.
    pub fn with_verdict(&self, plan: &Plan, verdict: Verdict) -> Vec<&Change> {
        let decisions = self.decisions(plan);
        self.changes
            .iter()
            .filter(|c| {
                decisions
                    .get(&c.object_label())
                    .is_some_and(|d| d.verdict == verdict)
            })
            .collect()
    }

    /// The effect of the change in hand (computed off the UI thread; `None` while it is
    /// being computed).
    pub fn effect(&mut self, state: &AppState, ctx: &egui::Context) -> Option<&Effect> {
        let c = self.changes.get(self.current)?;
        let key = c.object_label();
        let rev = state.settled_revision();
        if let Some((k, r, rx)) = &self.job
            && let Ok(e) = rx.try_recv()
        {
            self.effect = Some((k.clone(), *r, e));
            self.job = None;
        }
        let fresh = |k: &str, r: u64| k == key && r == rev;
        if !self.effect.as_ref().is_some_and(|(k, r, _)| fresh(k, *r))
            && !self.job.as_ref().is_some_and(|(k, r, _)| fresh(k, *r))
        {
            let master = state.plan().clone();
            let after = crate::review::merge(&master, &self.submission, &[c]);
            let (tx, rx) = channel();
            let ctx = ctx.clone();
            std::thread::spawn(move || {
                if let Ok(after) = after {
                    let _ = tx.send(crate::review::effect(&master, &after));
                }
                ctx.request_repaint();
            });
            self.job = Some((key.clone(), rev, rx));
        }
        self.effect
            .as_ref()
            .filter(|(k, r, _)| fresh(k, *r))
            .map(|(_, _, e)| e)
    }

    /// Moves the change in hand by `step` (wrapping), and its comment box empties.
    pub fn step(&mut self, step: isize) {
        let n = self.changes.len() as isize;
        if n == 0 {
            return;
        }
        self.current = (self.current as isize + step).rem_euclid(n) as usize;
        self.comment.clear();
        self.scroll = true;
    }

    /// Where the change in hand is on the map, `[lon, lat]`.
    pub fn location(&self, master: &Plan) -> Option<(f64, f64)> {
        let c = self.changes.get(self.current)?;
        match c.object {
            ObjectKind::Pole => self
                .submission
                .pole(&c.id)
                .or_else(|| master.pole(&c.id))
                .map(|p| (p.lon, p.lat)),
            ObjectKind::Street => self
                .submission
                .street(&c.id)
                .or_else(|| master.street(&c.id))
                .and_then(|s| s.points.get(s.points.len() / 2))
                .map(|p| (p.lon, p.lat)),
            _ => None,
        }
    }
}

/// The group a change is listed under: the vendors it belongs to, or the site's.
pub fn group_of(c: &Change) -> String {
    if c.vendors.is_empty() {
        "Site (streets, settings, shared)".to_string()
    } else {
        c.vendors.join(" + ")
    }
}

/// The order the Review window lists the changes in, and J/K walk them: the submitter's
/// own first, then the other vendors' by id, the site's last; within a group by kind of
/// object, then added, removed, changed, then id.
fn in_review_order(changes: &mut [Change], submitter: &str) {
    changes.sort_by_cached_key(|c| {
        let g = group_of(c);
        let rank = if g == submitter {
            0
        } else if c.vendors.is_empty() {
            2
        } else {
            1
        };
        (rank, g, c.object, c.kind, c.id.clone())
    });
}

/// Records decisions on `changes` (indices into the session) as one undoable edit: a
/// log entry each in the plan's submission record (created on the first decision) and,
/// for poles, the pole's review status.
pub fn decide(
    state: &mut AppState,
    session: &ReviewSession,
    which: &[usize],
    verdict: Verdict,
    comment: &str,
    reviewer: &str,
) {
    let picked: Vec<&Change> = which
        .iter()
        .filter_map(|&i| session.changes.get(i))
        .collect();
    if picked.is_empty() {
        return;
    }
    let time = now_rfc3339();
    let verb = match verdict {
        Verdict::Accepted => "Accept",
        Verdict::Rejected => "Reject",
    };
    let label = if picked.len() == 1 {
        format!("{verb} {}", picked[0].object_label())
    } else {
        format!("{verb} {} changes", picked.len())
    };
    let decisions: Vec<(Decision, Option<String>)> = picked
        .iter()
        .map(|c| {
            (
                Decision {
                    object: c.object_label(),
                    change: c.summary(),
                    verdict,
                    comment: comment.trim().to_string(),
                    reviewer: reviewer.to_string(),
                    time: time.clone(),
                },
                (c.object == ObjectKind::Pole).then(|| c.id.clone()),
            )
        })
        .collect();
    let entry = Submission {
        vendor: session.submitter.clone(),
        file: session.file_name(),
        sha256: session.sha256.clone(),
        received: session.received.clone(),
        decisions: Vec::new(),
    };
    let step = crate::edit::review::record_decisions(state.plan(), entry, decisions, label);
    state.apply(step);
}

/// Takes the accepted changes of the session into the plan as one undoable edit.
/// Returns how many were merged, or the reason nothing was.
pub fn merge_accepted(state: &mut AppState, session: &ReviewSession) -> Result<usize, String> {
    let accepted = session.with_verdict(state.plan(), Verdict::Accepted);
    if accepted.is_empty() {
        return Ok(0);
    }
    let n = accepted.len();
    let label = format!(
        "Merge {n} accepted change{} from {}",
        plural(n),
        session.file_name()
    );
    // The merged plan must be one the readers would open.
    let step = crate::edit::review::merge(state.plan(), &session.submission, &accepted, label)?;
    state.apply(step);
    Ok(n)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Sets the review status of the selected poles as one undoable edit.
pub fn set_selection_status(
    state: &mut AppState,
    status: ReviewStatus,
    comment: &str,
    reviewer: &str,
) {
    let ids: Vec<String> = state
        .selected_poles()
        .iter()
        .map(|p| p.id.to_string())
        .collect();
    if ids.is_empty() {
        return;
    }
    let review = PoleReview {
        status,
        comment: comment.trim().to_string(),
        reviewer: reviewer.to_string(),
        time: now_rfc3339(),
    };
    let verb = match status {
        ReviewStatus::Approved => "Approve",
        ReviewStatus::Rejected => "Reject",
        ReviewStatus::Pending => "Reset the review of",
    };
    let label = if ids.len() == 1 {
        format!("{verb} pole {}", ids[0])
    } else {
        format!("{verb} {} poles", ids.len())
    };
    state.apply(crate::edit::review::set_status(&ids, &review, label));
}

/// The colour of a review status on the map.
pub fn status_colour(s: Option<ReviewStatus>) -> Color32 {
    match s {
        Some(ReviewStatus::Approved) => Color32::from_rgb(30, 150, 60),
        Some(ReviewStatus::Rejected) => Color32::from_rgb(210, 40, 40),
        Some(ReviewStatus::Pending) | None => Color32::from_rgb(150, 150, 150),
    }
}

const ADDED: Color32 = Color32::from_rgb(20, 160, 70);
const REMOVED: Color32 = Color32::from_rgb(120, 120, 120);
const CHANGED: Color32 = Color32::from_rgb(240, 140, 0);

/// The review layer: the submission's pole changes over the plan. Added poles get a
/// green ring, removed ones a grey ghost with a cross, moved ones a ghost at the old spot
/// and an arrow to the new one with the distance, changed fields an orange ring; the
/// change in hand is ringed thick, and hovering a change shows its old → new values.
pub struct ReviewPlugin<'a> {
    pub session: &'a ReviewSession,
    pub master: &'a Plan,
    pub decisions: HashMap<String, Verdict>,
}

impl Plugin for ReviewPlugin<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut Ui,
        response: &Response,
        projector: &Projector,
        _m: &MapMemory,
    ) {
        let painter = ui.painter();
        let hover = response.hover_pos();
        let mut tip: Option<(egui::Pos2, String)> = None;
        let at = |lon: f64, lat: f64| projector.project(lon_lat(lon, lat)).to_pos2();
        for (i, c) in self.session.changes.iter().enumerate() {
            if c.object != ObjectKind::Pole {
                continue;
            }
            let faded = |col: Color32| match self.decisions.get(&c.object_label()) {
                Some(Verdict::Rejected) => col.gamma_multiply(0.35),
                _ => col,
            };
            let old = self.master.pole(&c.id).map(|p| at(p.lon, p.lat));
            let new = self
                .session
                .submission
                .pole(&c.id)
                .map(|p| at(p.lon, p.lat));
            let Some(here) = new.or(old) else { continue };
            match c.kind {
                ChangeKind::Added => {
                    painter.circle_stroke(here, 9.0, Stroke::new(2.5, faded(ADDED)));
                }
                ChangeKind::Removed => {
                    let col = faded(REMOVED);
                    painter.circle_stroke(here, 7.0, Stroke::new(2.0, col));
                    let d = vec2(5.0, 5.0);
                    painter.line_segment([here - d, here + d], Stroke::new(2.0, col));
                    painter.line_segment(
                        [here + vec2(-5.0, 5.0), here + vec2(5.0, -5.0)],
                        Stroke::new(2.0, col),
                    );
                }
                ChangeKind::Changed => {
                    if let (Some(o), Some(n), Some(m)) = (old, new, &c.moved) {
                        let col = faded(CHANGED);
                        painter.circle_stroke(o, 6.0, Stroke::new(1.5, faded(REMOVED)));
                        painter.arrow(o, n - o, Stroke::new(2.0, col));
                        painter.text(
                            n + vec2(10.0, -10.0),
                            egui::Align2::LEFT_BOTTOM,
                            format!("{:.1} m", m.distance_m),
                            egui::FontId::proportional(12.0),
                            Color32::BLACK,
                        );
                    }
                    if !c.fields.is_empty() {
                        painter.circle_stroke(here, 9.0, Stroke::new(2.5, faded(CHANGED)));
                    }
                }
            }
            if i == self.session.current {
                painter.circle_stroke(
                    here,
                    14.0,
                    Stroke::new(3.0, Color32::from_rgb(20, 110, 255)),
                );
            }
            if let Some(h) = hover
                && h.distance(here) < 10.0
            {
                tip = Some((
                    here,
                    shown(&format!("{}: {}", c.object_label(), c.summary())),
                ));
            }
        }
        if let Some((p, text)) = tip {
            let font = egui::FontId::proportional(13.0);
            let galley = painter.layout_no_wrap(text, font, Color32::BLACK);
            let at = p + vec2(14.0, -galley.size().y - 6.0);
            painter.rect_filled(
                egui::Rect::from_min_size(at - vec2(4.0, 3.0), galley.size() + vec2(8.0, 6.0)),
                3.0,
                Color32::from_white_alpha(235),
            );
            painter.galley(at, galley, Color32::BLACK);
        }
    }
}
