//! The Review window: a submission's changes grouped by vendor and kind, each accepted or
//! rejected with a comment (J/K next and previous, A accept, R reject), the effect of the
//! change in hand (findings and EN 13201 results before and after), "accept all from this
//! vendor", and the merge of the accepted changes. Also the reviewer-name prompt and the
//! "Reject selection…" comment window.

use crate::app::LysplanApp;
use crate::app::review::{Pending, ReviewSession};
use crate::plan::review::{ReviewStatus, Verdict};
use crate::review::ChangeKind;

pub use crate::app::review::shown;

/// What the window asked for this frame.
enum Act {
    Decide(usize, Verdict),
    DecideVendor(String, Verdict),
    Select(usize),
    Merge,
    Report,
    Close,
    Submitter(String),
}

impl LysplanApp {
    /// Runs a decision now, or asks for the reviewer's name first (once).
    pub(crate) fn review_do(&mut self, what: Pending) {
        if self.review.reviewer.trim().is_empty() {
            self.review.name_prompt = Some((String::new(), what));
            return;
        }
        let reviewer = self.review.reviewer.trim().to_string();
        match what {
            Pending::Selection(status, comment) => {
                crate::app::review::set_selection_status(
                    &mut self.state,
                    status,
                    &comment,
                    &reviewer,
                );
            }
            Pending::Decide(i, verdict) => {
                let Some(s) = self.review.session.as_mut() else {
                    return;
                };
                let comment = std::mem::take(&mut s.comment);
                crate::app::review::decide(&mut self.state, s, &[i], verdict, &comment, &reviewer);
                // On to the next change, as a reviewer working down the list expects.
                if i == s.current {
                    s.step(1);
                }
            }
            Pending::DecideVendor(vendor, verdict) => {
                let Some(s) = self.review.session.as_ref() else {
                    return;
                };
                let decided = s.decisions(self.state.plan());
                let which: Vec<usize> = s
                    .changes
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.vendors.contains(&vendor) && !c.outside)
                    .filter(|(_, c)| !decided.contains_key(&c.object_label()))
                    .map(|(i, _)| i)
                    .collect();
                crate::app::review::decide(&mut self.state, s, &which, verdict, "", &reviewer);
            }
        }
        if let Some(s) = self.review.session.as_mut() {
            s.refresh(&self.state);
        }
    }

    /// Starts a review of the submission at `path`.
    pub(crate) fn compare_with(&mut self, path: &std::path::Path) {
        match ReviewSession::open(self.state.plan(), self.state.settled_revision(), path) {
            Ok(s) => {
                self.state.status = format!(
                    "Comparing with {}: {} change{}",
                    s.file_name(),
                    s.changes.len(),
                    if s.changes.len() == 1 { "" } else { "s" }
                );
                self.review.session = Some(s);
                self.centre_on_review();
            }
            Err(e) => {
                self.dialogs.error = Some(format!(
                    "Could not compare with the submission; the plan is unchanged.\n\n{e}"
                ))
            }
        }
    }

    /// The Review window and its prompts.
    pub(crate) fn review_windows(&mut self, ctx: &egui::Context) {
        self.name_prompt(ctx);
        self.reject_selection_window(ctx);
        let Some(mut session) = self.review.session.take() else {
            return;
        };
        session.refresh(&self.state);
        let mut open = true;
        let mut act = None;
        egui::Window::new("Review submission")
            .open(&mut open)
            .default_width(380.0)
            // Over the map's right side, beside the findings: the change in hand is
            // centred in the map, not under the window.
            .pivot(egui::Align2::RIGHT_TOP)
            .default_pos([ctx.content_rect().right() - 345.0, 60.0])
            .show(ctx, |ui| act = self.review_body(ui, &mut session));
        self.review.session = Some(session);
        if !open {
            act = Some(Act::Close);
        }
        match act {
            None => {}
            Some(Act::Decide(i, v)) => self.review_do(Pending::Decide(i, v)),
            Some(Act::DecideVendor(vendor, v)) => self.review_do(Pending::DecideVendor(vendor, v)),
            Some(Act::Select(i)) => {
                if let Some(s) = self.review.session.as_mut() {
                    s.current = i;
                    s.comment.clear();
                }
                self.centre_on_review();
            }
            Some(Act::Merge) => self.merge_review(),
            Some(Act::Report) => self.run(ctx, crate::app::commands::Command::ExportReport),
            Some(Act::Close) => {
                self.review.session = None;
                self.state.status = "Review closed; its decisions are in the plan".into();
            }
            Some(Act::Submitter(v)) => {
                if let Some(s) = self.review.session.as_mut() {
                    s.set_submitter(&self.state, v);
                }
            }
        }
    }

    /// Brings the change in hand into view: at street zoom, a quarter of the map left of
    /// and below its centre, so the Review window (top right) does not cover it.
    pub(crate) fn centre_on_review(&mut self) {
        let Some((lon, lat)) = self
            .review
            .session
            .as_ref()
            .and_then(|s| s.location(self.state.plan()))
        else {
            return;
        };
        self.centre_on(lon, lat, 18.0);
        let Some(rect) = self.map.last_rect else {
            return;
        };
        let m_per_px = 156_543.034 * lat.to_radians().cos() / 2f64.powf(self.map.memory.zoom());
        let (dx, dy) = (
            f64::from(rect.width()) / 4.0 * m_per_px,
            f64::from(rect.height()) / 5.0 * m_per_px,
        );
        let centre = (
            lon + dx / (111_320.0 * lat.to_radians().cos()),
            lat + dy / 110_540.0,
        );
        self.map
            .memory
            .center_at(walkers::lon_lat(centre.0, centre.1));
    }

    pub(crate) fn merge_review(&mut self) {
        let Some(s) = self.review.session.as_ref() else {
            return;
        };
        match crate::app::review::merge_accepted(&mut self.state, s) {
            Ok(0) => self.state.status = "No accepted change to merge".into(),
            Ok(n) => {
                self.state.status = format!(
                    "Merged {n} accepted change{} (Ctrl+Z undoes it)",
                    if n == 1 { "" } else { "s" }
                )
            }
            Err(e) => self.dialogs.error = Some(e),
        }
        if let Some(s) = self.review.session.as_mut() {
            s.refresh(&self.state);
        }
    }

    fn review_body(&mut self, ui: &mut egui::Ui, s: &mut ReviewSession) -> Option<Act> {
        let mut act = None;
        let plan = self.state.plan();
        let decisions = s.decisions(plan);
        ui.label(format!("{}  (SHA-256 {}…)", s.file_name(), &s.sha256[..12]));
        ui.horizontal(|ui| {
            let label = ui.label("Submitted by");
            let name = |id: &str| plan.vendor(id).map_or(id.to_string(), |v| v.name.clone());
            egui::ComboBox::from_id_salt("review_submitter")
                .selected_text(name(&s.submitter))
                .show_ui(ui, |ui| {
                    for v in &plan.vendors {
                        if ui.selectable_label(v.id == s.submitter, &v.name).clicked() {
                            act = Some(Act::Submitter(v.id.clone()));
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label("Reviewer");
            ui.add(
                egui::TextEdit::singleline(&mut self.review.reviewer)
                    .hint_text("your name, for the record")
                    .desired_width(180.0),
            )
            .labelled_by(label.id);
        });
        let n = s.changes.len();
        let accepted = s.with_verdict(plan, Verdict::Accepted).len();
        let rejected = s.with_verdict(plan, Verdict::Rejected).len();
        let outside = s.changes.iter().filter(|c| c.outside).count();
        ui.label(format!(
            "{n} changes: {accepted} accepted, {rejected} rejected, {} pending; {outside} outside {}'s own poles and sections",
            n - accepted - rejected,
            s.submitter
        ));
        if n == 0 {
            ui.label("The submission is the same as the plan: nothing to review.");
        }
        ui.separator();

        // the change in hand
        if let Some(c) = s.changes.get(s.current).cloned() {
            ui.strong(format!(
                "{} of {n}: {} {}",
                s.current + 1,
                c.kind.sign(),
                c.object_label()
            ));
            ui.label(shown(&c.summary()));
            if !c.vendors.is_empty() {
                ui.label(format!("Belongs to: {}", c.vendors.join(", ")));
            }
            if c.outside {
                ui.colored_label(
                    egui::Color32::from_rgb(190, 90, 0),
                    format!("Outside {}'s own poles and sections", s.submitter),
                );
            }
            if let Some(d) = decisions.get(&c.object_label()) {
                ui.label(format!(
                    "Decided: {} by {} at {}{}",
                    d.verdict.name(),
                    if d.reviewer.is_empty() {
                        "?"
                    } else {
                        &d.reviewer
                    },
                    d.time,
                    if d.comment.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", shown(&d.comment))
                    }
                ));
            }
            let ctx = ui.ctx().clone();
            match s.effect(&self.state, &ctx) {
                None => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Checking its effect…");
                    });
                }
                Some(e) => {
                    if e.findings.introduced.is_empty()
                        && e.findings.resolved.is_empty()
                        && e.streets.is_empty()
                    {
                        ui.label("Effect: no finding and no EN 13201 result changes");
                    }
                    // A long effect scrolls, so the window stays off the change on the map.
                    egui::ScrollArea::vertical()
                        .id_salt("review_effect")
                        .max_height(110.0)
                        .show(ui, |ui| {
                            for f in &e.findings.introduced {
                                ui.colored_label(
                                    egui::Color32::from_rgb(190, 30, 30),
                                    shown(&format!(
                                        "New {} {}: {}",
                                        f.severity.name(),
                                        f.rule,
                                        f.message
                                    )),
                                );
                            }
                            for f in &e.findings.resolved {
                                ui.colored_label(
                                    egui::Color32::from_rgb(30, 130, 50),
                                    shown(&format!(
                                        "Resolves {} {}: {}",
                                        f.severity.name(),
                                        f.rule,
                                        f.message
                                    )),
                                );
                            }
                            for st in &e.streets {
                                ui.label(shown(&st.line()));
                            }
                        });
                }
            }
            ui.horizontal(|ui| {
                let label = ui.label("Comment");
                ui.add(
                    egui::TextEdit::singleline(&mut s.comment)
                        .hint_text("what to fix, or why")
                        .desired_width(260.0),
                )
                .labelled_by(label.id);
            });
            ui.horizontal_wrapped(|ui| {
                if ui.button("Accept (A)").clicked() {
                    act = Some(Act::Decide(s.current, Verdict::Accepted));
                }
                if ui.button("Reject (R)").clicked() {
                    act = Some(Act::Decide(s.current, Verdict::Rejected));
                }
                if ui.button("Previous (K)").clicked() {
                    act = Some(Act::Select((s.current + n - 1) % n));
                }
                if ui.button("Next (J)").clicked() {
                    act = Some(Act::Select((s.current + 1) % n));
                }
            });
            ui.separator();
        }

        // the list, grouped by vendor (the submitter's own first), then kind
        // consecutive runs of one group (the session keeps the changes in list order)
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, c) in s.changes.iter().enumerate() {
            let g = crate::app::review::group_of(c);
            match groups.last_mut() {
                Some((name, v)) if *name == g => v.push(i),
                _ => groups.push((g, vec![i])),
            }
        }
        egui::ScrollArea::vertical()
            .id_salt("review_list")
            .max_height(150.0)
            .show(ui, |ui| {
                for (g, items) in &groups {
                    ui.horizontal(|ui| {
                        ui.strong(format!("{g} ({})", items.len()));
                        if !g.starts_with("Site") && !g.contains(" + ") {
                            let pending = items
                                .iter()
                                .filter(|&&i| !s.changes[i].outside)
                                .filter(|&&i| !decisions.contains_key(&s.changes[i].object_label()))
                                .count();
                            if pending > 0
                                && ui
                                    .small_button(format!("Accept all {pending} from {g}"))
                                    .clicked()
                            {
                                act = Some(Act::DecideVendor(g.clone(), Verdict::Accepted));
                            }
                        }
                    });
                    for &i in items {
                        let c = &s.changes[i];
                        let verdict = decisions.get(&c.object_label()).map(|d| d.verdict);
                        let mark = match verdict {
                            Some(Verdict::Accepted) => "accepted",
                            Some(Verdict::Rejected) => "rejected",
                            None => "pending",
                        };
                        let text = format!(
                            "{} {}  {}{}  [{mark}]",
                            c.kind.sign(),
                            c.object_label(),
                            crate::app::panels::shorten(&shown(&c.summary()), 48),
                            if c.outside { "  (outside)" } else { "" }
                        );
                        let mut rich = egui::RichText::new(text);
                        if verdict == Some(Verdict::Rejected) {
                            rich = rich.weak();
                        }
                        if c.kind == ChangeKind::Removed {
                            rich = rich.italics();
                        }
                        let r = ui.selectable_label(i == s.current, rich);
                        if i == s.current && std::mem::take(&mut s.scroll) {
                            r.scroll_to_me(None);
                        }
                        if r.clicked() {
                            act = Some(Act::Select(i));
                        }
                    }
                }
            });
        ui.separator();
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(
                    accepted > 0,
                    egui::Button::new(format!("Merge {accepted} accepted into the plan")),
                )
                .on_hover_text("One undoable edit; rejected changes stay out")
                .clicked()
            {
                act = Some(Act::Merge);
            }
            if ui
                .button(format!("Report for {}…", s.submitter))
                .on_hover_text("The HTML report of this vendor's poles, sections, results and decisions, to send back")
                .clicked()
            {
                act = Some(Act::Report);
            }
            if ui.button("Close review").clicked() {
                act = Some(Act::Close);
            }
        });
        act
    }

    /// "Your name for the review record" (asked once), then the decision it held up.
    fn name_prompt(&mut self, ctx: &egui::Context) {
        let Some((mut name, pending)) = self.review.name_prompt.take() else {
            return;
        };
        let mut done = None;
        let mut open = true;
        egui::Window::new("Reviewer name")
            .collapsible(false)
            .open(&mut open)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label("Your name goes with each review decision in the plan (asked once; change it in the Review window).");
                let label = ui.label("Name");
                let r = ui.add(egui::TextEdit::singleline(&mut name)).labelled_by(label.id);
                r.request_focus();
                let ok = !name.trim().is_empty();
                // Enter answers this prompt only (a focused button elsewhere must not
                // take it too).
                let enter = ok
                    && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter));
                if ui.add_enabled(ok, egui::Button::new("OK")).clicked() || enter {
                    done = Some(name.trim().to_string());
                }
            });
        match done {
            Some(n) => {
                self.review.reviewer = n;
                self.review_do(pending);
            }
            None if open => self.review.name_prompt = Some((name, pending)),
            None => self.state.status = "Nothing was decided (no reviewer name)".into(),
        }
    }

    /// Review → Reject selection…: the comment to send back, then the statuses.
    fn reject_selection_window(&mut self, ctx: &egui::Context) {
        let Some(mut comment) = self.review.reject_comment.take() else {
            return;
        };
        let n = self.state.selected_poles().len();
        let mut open = true;
        let mut go = false;
        egui::Window::new("Reject selection")
            .collapsible(false)
            .open(&mut open)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label(format!(
                    "Reject {n} selected pole{}.",
                    if n == 1 { "" } else { "s" }
                ));
                let label = ui.label("Comment");
                ui.add(
                    egui::TextEdit::singleline(&mut comment)
                        .hint_text("what to fix, or why")
                        .desired_width(300.0),
                )
                .labelled_by(label.id);
                go = ui.button("Reject").clicked();
            });
        if go {
            self.review_do(Pending::Selection(ReviewStatus::Rejected, comment));
        } else if open {
            self.review.reject_comment = Some(comment);
        }
    }
}
