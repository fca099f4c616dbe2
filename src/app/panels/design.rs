//! "Design this stretch…" (issue 27): the arrangement optimiser in the app. The row tool,
//! a vendor's section and a street's panel open it on their stretch; the search
//! ([`crate::design::optimise`], the same as `lysplan optimise`) runs on a worker thread
//! with a progress bar and Cancel; the candidates come ranked, the one selected is drawn
//! on the map with its class results, and "Use this" replaces the vendor's poles on the
//! stretch as one undoable edit ([`crate::edit::optimise::apply_step`], as `--apply`).

use super::search_job::{Polled, SearchJob};
use crate::app::state::AppState;
use crate::design::{Arrangement, Candidate, DesignError, Outcome, Request, SearchSet, Stretch};
use crate::edit::Edit;
use crate::edit::optimise::{apply_step, parse_list};
use crate::plan::{Plan, Pole};
use egui::{Color32, RichText, Ui};

/// The window's title (and the command's label without the "…").
pub const TITLE: &str = "Design this stretch";

const FAIL: Color32 = Color32::from_rgb(220, 38, 38);
const PASS: Color32 = Color32::from_rgb(22, 140, 60);

/// A search running on the worker thread, and the stretch it searches.
struct Job {
    search: SearchJob<Result<Outcome, DesignError>>,
    stretch: Stretch,
}

/// A finished search.
pub struct Finished {
    pub outcome: Outcome,
    pub seconds: f64,
    /// The plan revision it searched.
    pub revision: u64,
    /// The stretch it searched (with the vendor whose poles it replaces).
    pub stretch: Stretch,
}

/// The window's state: the stretch and search set typed, the running search, the last
/// answer and the candidate selected.
pub struct DesignUi {
    pub open: bool,
    pub street: String,
    pub from_m: f64,
    pub to_m: f64,
    /// Whose poles on the stretch the design replaces (and whose the new poles are).
    pub vendor: String,
    /// Luminaire types searched (none ticked: the types already on the stretch).
    pub luminaires: Vec<String>,
    pub arrangements: Vec<(Arrangement, bool)>,
    pub heights: String,
    pub tilts: String,
    pub overhangs: String,
    pub levels: String,
    pub setback_m: f64,
    job: Option<Job>,
    pub finished: Option<Finished>,
    /// The last search's problem, or a cancelled search.
    pub message: Option<String>,
    /// Index into the finished candidates.
    pub selected: Option<usize>,
    /// The selected candidate laid out on the plan (for the map), with what it is of.
    preview: Option<((usize, u64), Vec<Pole>)>,
}

fn list_text(v: &[f64]) -> String {
    v.iter()
        .map(|x| format!("{x}"))
        .collect::<Vec<_>>()
        .join(",")
}

impl Default for DesignUi {
    fn default() -> Self {
        let set = SearchSet::default();
        DesignUi {
            open: false,
            street: String::new(),
            from_m: 0.0,
            to_m: 0.0,
            vendor: String::new(),
            luminaires: Vec::new(),
            arrangements: Arrangement::ALL.iter().map(|&a| (a, true)).collect(),
            heights: list_text(&set.heights_m),
            tilts: list_text(&set.tilts_deg),
            overhangs: list_text(&set.overhangs_m),
            levels: list_text(&set.levels),
            setback_m: set.setback_m,
            job: None,
            finished: None,
            message: None,
            selected: None,
            preview: None,
        }
    }
}

fn request_id() -> egui::Id {
    egui::Id::unique("lysplan_design_request")
}

/// Asks the app to open the window on `stretch` (from any panel; the app takes it up in
/// the same frame).
pub fn request(ctx: &egui::Context, stretch: Stretch) {
    ctx.data_mut(|d| d.insert_temp(request_id(), Some(stretch)));
}

/// The stretch asked for since the last call, if any.
pub fn take_request(ctx: &egui::Context) -> Option<Stretch> {
    ctx.data_mut(|d| d.remove_temp::<Option<Stretch>>(request_id()))
        .flatten()
}

/// The vendor whose sections cover most of the stretch `from_m`–`to_m` of `street`.
pub fn main_vendor(plan: &Plan, street: &str, from_m: f64, to_m: f64) -> Option<String> {
    let (lo, hi) = (from_m.min(to_m), from_m.max(to_m));
    plan.sections
        .iter()
        .filter(|s| s.street == street)
        .map(|s| {
            let overlap = hi.min(s.from_m.max(s.to_m)) - lo.max(s.from_m.min(s.to_m));
            (overlap, s)
        })
        .filter(|(o, _)| *o > 0.0)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, s)| s.vendor.clone())
}

/// The vendor a stretch is designed for: the one asked for when its sections overlap
/// the stretch or no vendor's do, else the vendor whose sections cover most of it (a
/// vendor with no section there would only add poles beside those already standing).
pub fn vendor_for(plan: &Plan, stretch: &Stretch) -> String {
    let on = |v: &str| {
        plan.sections.iter().any(|s| {
            s.vendor == v
                && s.street == stretch.street
                && s.from_m.max(s.to_m) > stretch.from_m.min(stretch.to_m)
                && s.from_m.min(s.to_m) < stretch.from_m.max(stretch.to_m)
        })
    };
    let main = main_vendor(plan, &stretch.street, stretch.from_m, stretch.to_m);
    match (&stretch.vendor, main) {
        (Some(v), _) if on(v) => v.clone(),
        (_, Some(m)) => m,
        (Some(v), None) => v.clone(),
        (None, None) => plan.vendors.first().map_or(String::new(), |v| v.id.clone()),
    }
}

impl DesignUi {
    /// Opens the window on `stretch`; a different stretch forgets the last answer.
    pub fn open_on(&mut self, plan: &Plan, stretch: Stretch) {
        let vendor = vendor_for(plan, &stretch);
        if (
            self.street.as_str(),
            self.from_m,
            self.to_m,
            self.vendor.as_str(),
        ) != (
            stretch.street.as_str(),
            stretch.from_m,
            stretch.to_m,
            vendor.as_str(),
        ) {
            self.finished = None;
            self.selected = None;
            self.preview = None;
            self.message = None;
        }
        self.street = stretch.street;
        self.from_m = stretch.from_m;
        self.to_m = stretch.to_m;
        self.vendor = vendor;
        self.open = true;
    }

    /// Whether a search is running.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// (geometries searched, geometries in all) of the running search.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.job.as_ref().map(|j| j.search.counts())
    }

    /// The search set typed, or what is wrong with it.
    pub fn search_set(&self) -> Result<SearchSet, String> {
        SearchSet {
            arrangements: self
                .arrangements
                .iter()
                .filter(|(_, on)| *on)
                .map(|(a, _)| *a)
                .collect(),
            heights_m: parse_list("heights", &self.heights)?,
            tilts_deg: parse_list("tilts", &self.tilts)?,
            overhangs_m: parse_list("overhangs", &self.overhangs)?,
            levels: parse_list("levels", &self.levels)?,
            setback_m: self.setback_m,
        }
        .checked()
    }

    fn stretch(&self) -> Stretch {
        Stretch {
            street: self.street.clone(),
            from_m: self.from_m,
            to_m: self.to_m,
            vendor: (!self.vendor.is_empty()).then(|| self.vendor.clone()),
        }
    }

    /// Starts the search on a worker thread (a running one is cancelled first).
    pub fn start(&mut self, ctx: &egui::Context, state: &AppState) {
        self.cancel();
        let set = match self.search_set() {
            Ok(s) => s,
            Err(e) => {
                self.message = Some(e);
                return;
            }
        };
        let mut luminaires = self.luminaires.clone();
        if luminaires.is_empty() {
            luminaires = crate::design::stretch_types(state.plan(), &self.stretch());
            if luminaires.is_empty() {
                self.message = Some(
                    "No pole of this vendor stands on the stretch to take the luminaire \
                     from: tick the luminaire types to search."
                        .into(),
                );
                return;
            }
        }
        let req = Request {
            stretch: self.stretch(),
            luminaires,
            set,
            top: crate::design::DEFAULT_TOP,
        };
        let plan = state.plan().clone();
        let search = SearchJob::spawn(ctx, state.revision(), move |p| {
            let (photometry, _) = crate::lighting::load_photometry(&plan);
            crate::design::optimise(&plan, &photometry, &req, Some(p))
        });
        self.job = Some(Job {
            search,
            stretch: self.stretch(),
        });
        self.message = None;
    }

    /// Stops the running search; its partial answer is dropped.
    pub fn cancel(&mut self) {
        if let Some(j) = self.job.take() {
            let (done, total) = j.search.cancel();
            self.message = Some(format!(
                "Search cancelled after {done} of {total} geometries; nothing found so far \
                 is shown."
            ));
        }
    }

    /// Takes the worker's answer when it is there. Returns whether a search still runs.
    pub fn poll(&mut self) -> bool {
        let Some(job) = &self.job else {
            return false;
        };
        match job.search.poll() {
            Polled::Running => return true,
            Polled::Done(Ok(outcome)) => {
                self.selected = (!outcome.candidates.is_empty()).then_some(0);
                self.finished = Some(Finished {
                    outcome,
                    seconds: job.search.started.elapsed().as_secs_f64(),
                    revision: job.search.revision,
                    stretch: job.stretch.clone(),
                });
                self.preview = None;
            }
            Polled::Done(Err(e)) => self.message = Some(e.to_string()),
            Polled::Lost => self.message = Some("the search stopped without an answer".into()),
        }
        self.job = None;
        false
    }

    /// Waits for the running search (tests).
    pub fn wait(&mut self) {
        while self.poll() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// The selected candidate.
    pub fn candidate(&self) -> Option<&Candidate> {
        let f = self.finished.as_ref()?;
        f.outcome.candidates.get(self.selected?)
    }

    /// The selected candidate laid out on `state`'s plan: the poles "Use this" would add.
    /// Nothing once the plan has changed since the search (after "Use this" the poles
    /// are in the plan itself).
    pub fn preview_poles(&mut self, state: &AppState) -> &[Pole] {
        let current = self
            .finished
            .as_ref()
            .is_some_and(|f| f.revision == state.revision());
        let key = self
            .selected
            .filter(|_| current)
            .map(|k| (k, state.revision()));
        if key.is_none() || self.preview.as_ref().map(|p| p.0) != key {
            self.preview = key.and_then(|key| {
                let step = self.step(state.plan()).ok()?;
                Some((key, inserted(&step.edit)))
            });
        }
        self.preview.as_ref().map_or(&[], |p| &p.1)
    }

    fn step(&self, plan: &Plan) -> Result<crate::edit::Step, String> {
        let (Some(f), Some(c)) = (&self.finished, self.candidate()) else {
            return Err("select a candidate first".into());
        };
        let vendor = f.stretch.vendor.as_deref().unwrap_or_default();
        apply_step(plan, &f.stretch, c, vendor)
    }

    /// "Use this": the selected candidate replaces the vendor's poles on the stretch, as
    /// one undoable edit. Returns the status line.
    pub fn use_selected(&mut self, state: &mut AppState) -> Result<String, String> {
        let step = self.step(state.plan())?;
        let label = step.label.clone();
        if state.apply(step) {
            self.preview = None;
            Ok(format!("{label} (Undo takes it back)"))
        } else {
            Err(state.status.clone())
        }
    }
}

/// The poles an edit inserts.
fn inserted(edit: &Edit) -> Vec<Pole> {
    match edit {
        Edit::InsertPoles(v) => v.iter().map(|(_, p)| p.clone()).collect(),
        Edit::Batch(v) => v.iter().flat_map(inserted).collect(),
        _ => Vec::new(),
    }
}

/// Draws the window while it is open; returns a status line after "Use this".
pub fn window(ctx: &egui::Context, state: &mut AppState, d: &mut DesignUi) -> Option<String> {
    if let Some(s) = take_request(ctx) {
        d.open_on(state.plan(), s);
    }
    if d.poll() {
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
    }
    if !d.open {
        return None;
    }
    let mut open = true;
    let mut status = None;
    egui::Window::new(TITLE)
        .open(&mut open)
        .default_width(820.0)
        .default_height(700.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| status = body(ui, state, d));
        });
    if !open {
        d.cancel();
        d.open = false;
        d.preview = None;
    }
    status
}

fn body(ui: &mut Ui, state: &mut AppState, d: &mut DesignUi) -> Option<String> {
    ui.label(
        "The arrangement, mounting height, tilt, overhang, driver level and number of poles \
         that meet the street's class on this stretch at the least installed power per km, \
         each judged by the check itself with every other pole of the plan in place.",
    );
    stretch_ui(ui, state.plan(), d);
    set_ui(ui, state.plan(), d);
    ui.horizontal(|ui| {
        if let Some(j) = &d.job {
            if j.search.progress_ui(ui, "geometries") {
                d.cancel();
            }
        } else if ui.button("Search").clicked() {
            d.start(ui.ctx(), state);
        }
    });
    if let Some(m) = &d.message {
        ui.colored_label(FAIL, m);
    }
    results_ui(ui, state, d)
}

fn stretch_ui(ui: &mut Ui, plan: &Plan, d: &mut DesignUi) {
    let street = plan.street(&d.street);
    let len = street.map_or(0.0, |s| {
        crate::frame::Polyline::from_lonlat(&s.points).length()
    });
    ui.horizontal(|ui| {
        ui.label("Street");
        egui::ComboBox::new("design_street", "")
            .width(180.0)
            .selected_text(street.map_or("(choose)".into(), |s| {
                format!(
                    "{} ({})",
                    s.name,
                    s.class.map_or("no class".into(), |c| c.to_string())
                )
            }))
            .show_ui(ui, |ui| {
                for s in &plan.streets {
                    ui.selectable_value(&mut d.street, s.id.clone(), &s.name);
                }
            });
        ui.label("from");
        ui.add(
            egui::DragValue::new(&mut d.from_m)
                .range(0.0..=len)
                .speed(1.0)
                .suffix(" m"),
        );
        ui.label("to");
        ui.add(
            egui::DragValue::new(&mut d.to_m)
                .range(0.0..=len)
                .speed(1.0)
                .suffix(" m"),
        );
        ui.label(format!("of {len:.0} m"));
    });
    ui.horizontal(|ui| {
        ui.label("Replaces the poles of");
        let name = plan
            .vendors
            .iter()
            .find(|v| v.id == d.vendor)
            .map_or("(choose a vendor)".into(), |v| v.name.clone());
        egui::ComboBox::new("design_vendor", "")
            .width(180.0)
            .selected_text(name)
            .show_ui(ui, |ui| {
                for v in &plan.vendors {
                    ui.selectable_value(&mut d.vendor, v.id.clone(), &v.name);
                }
            });
    });
    // Other vendors' sections on the stretch keep their poles: say so, and offer the
    // vendor's own sections as the stretch.
    let (lo, hi) = (d.from_m.min(d.to_m), d.from_m.max(d.to_m));
    let overlaps = |s: &&crate::plan::Section| {
        s.from_m.max(s.to_m) > lo + 0.5 && s.from_m.min(s.to_m) < hi - 0.5
    };
    let others: Vec<&str> = plan
        .sections
        .iter()
        .filter(|s| s.street == d.street && s.vendor != d.vendor)
        .filter(overlaps)
        .map(|s| s.id.as_str())
        .collect();
    if !others.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "The poles on section{} {} stay as they are.",
                if others.len() == 1 { "" } else { "s" },
                others.join(", ")
            ));
            let own: Vec<(String, f64, f64)> = plan
                .sections
                .iter()
                .filter(|s| s.street == d.street && s.vendor == d.vendor)
                .map(|s| (s.id.clone(), s.from_m.min(s.to_m), s.from_m.max(s.to_m)))
                .collect();
            for (id, a, b) in own {
                if ui
                    .button(format!("Design {id} only ({a:.0}–{b:.0} m)"))
                    .clicked()
                {
                    d.from_m = a;
                    d.to_m = b;
                }
            }
        });
    }
}

fn set_ui(ui: &mut Ui, plan: &Plan, d: &mut DesignUi) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Luminaires")
            .on_hover_text("None ticked: the types already on the stretch");
        for l in &plan.luminaires {
            let mut on = d.luminaires.contains(&l.id);
            if ui.checkbox(&mut on, &l.id).on_hover_text(&l.name).changed() {
                if on {
                    d.luminaires.push(l.id.clone());
                } else {
                    d.luminaires.retain(|x| x != &l.id);
                }
            }
        }
    });
    ui.horizontal(|ui| {
        ui.label("Arrangements");
        for (a, on) in &mut d.arrangements {
            ui.checkbox(on, a.name());
        }
    });
    egui::Grid::new("design_set").num_columns(2).show(ui, |ui| {
        for (label, text) in [
            ("Heights (m)", &mut d.heights),
            ("Tilts (°)", &mut d.tilts),
            ("Overhangs (m)", &mut d.overhangs),
            ("Driver levels (fraction)", &mut d.levels),
        ] {
            let l = ui.label(label);
            ui.add(egui::TextEdit::singleline(text).desired_width(420.0))
                .labelled_by(l.id);
            ui.end_row();
        }
        ui.label("Setback behind the kerb");
        ui.add(
            egui::DragValue::new(&mut d.setback_m)
                .range(0.0..=20.0)
                .speed(0.1)
                .suffix(" m"),
        );
        ui.end_row();
    });
}

fn results_ui(ui: &mut Ui, state: &mut AppState, d: &mut DesignUi) -> Option<String> {
    let f = d.finished.as_ref()?;
    let o = &f.outcome;
    ui.separator();
    let passing = o.candidates.iter().filter(|c| c.pass).count();
    ui.label(format!(
        "{} {:.0}–{:.0} m, class {}: {} layouts evaluated ({} by the check) in {:.1} s; {}",
        o.street,
        o.from_m,
        o.to_m,
        o.class,
        o.evaluated,
        o.confirmed,
        f.seconds,
        if passing > 0 {
            format!("{passing} candidates pass, least power first")
        } else {
            "none passes: the closest first".into()
        }
    ));
    let stale = f.revision != state.revision();
    if stale {
        ui.colored_label(
            FAIL,
            "The plan has changed since this search: search again before using a candidate.",
        );
    }
    let mut pick = None;
    egui::ScrollArea::vertical()
        .id_salt("design_candidates")
        .max_height(200.0)
        .show(ui, |ui| {
            egui::Grid::new("design_candidates_grid")
                .striped(true)
                .num_columns(11)
                .show(ui, |ui| {
                    for h in [
                        "",
                        "luminaire",
                        "arrangement",
                        "poles",
                        "spacing",
                        "height",
                        "tilt",
                        "overhang",
                        "level",
                        "W/km",
                        "smallest margin",
                    ] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for (k, c) in o.candidates.iter().take(50).enumerate() {
                        let mark = if c.pass {
                            RichText::new(format!("{} pass", k + 1)).color(PASS)
                        } else {
                            RichText::new(format!("{} fail", k + 1)).color(FAIL)
                        };
                        if ui
                            .selectable_label(d.selected == Some(k), mark)
                            .on_hover_text("Select to preview on the map")
                            .clicked()
                        {
                            pick = Some(k);
                        }
                        let g = &c.geometry;
                        ui.label(&c.luminaire);
                        ui.label(g.arrangement.name());
                        ui.label(c.poles.to_string());
                        ui.label(format!("{:.1} m", c.spacing_m));
                        ui.label(format!("{} m", g.height_m));
                        ui.label(format!("{}°", g.tilt_deg));
                        ui.label(format!("{} m", g.overhang_m));
                        ui.label(format!("{:.0} %", c.level * 100.0));
                        ui.label(format!("{:.1}", c.w_per_km));
                        ui.label(margin_text(c.min_margin()));
                        ui.end_row();
                    }
                });
        });
    if let Some(k) = pick {
        d.selected = Some(k);
    }
    let c = d.candidate()?.clone();
    ui.separator();
    ui.strong(format!(
        "Selected: {} poles of {}, {}, {} m high, level {:.0} % — {:.1} W/km ({:.0} W)",
        c.poles,
        c.luminaire,
        c.geometry.arrangement,
        c.geometry.height_m,
        c.level * 100.0,
        c.w_per_km,
        c.installed_w
    ));
    egui::Grid::new("design_selected")
        .num_columns(3)
        .show(ui, |ui| {
            ui.strong("criterion");
            ui.strong("calculated");
            ui.strong("margin");
            ui.end_row();
            for (k, v) in &c.metrics {
                ui.label(*k);
                ui.label(format!("{v:.3}"));
                match c.margins.iter().find(|m| m.0 == *k) {
                    Some((_, m)) => {
                        ui.colored_label(if *m >= 0.0 { PASS } else { FAIL }, margin_text(*m))
                    }
                    None => ui.label(""),
                };
                ui.end_row();
            }
        });
    if let Some(n) = &c.note {
        ui.label(format!(
            "Poles from {:.0} m to {:.0} m.",
            c.first_m, c.last_m
        ));
        // One line per thing said; what the street then misses (as a whole, or in a
        // period of the night) in the warning colour: the layout passes its stretch, and
        // check will say these after "Use this".
        let warn = ui.visuals().warn_fg_color;
        for part in n.split("; ") {
            if part.contains("misses") {
                ui.colored_label(warn, part);
            } else {
                ui.label(part);
            }
        }
    }
    for m in c.misses() {
        ui.colored_label(FAIL, m);
    }
    let mut status = None;
    ui.horizontal(|ui| {
        let ok = !stale && !d.vendor.is_empty();
        let r = ui
            .add_enabled(ok, egui::Button::new("Use this"))
            .on_hover_text(
                "Replace the vendor's poles on the stretch with this layout (one undoable edit)",
            );
        if r.clicked() {
            match d.use_selected(state) {
                Ok(s) => status = Some(s),
                Err(e) => d.message = Some(e),
            }
        }
        if !c.pass {
            ui.colored_label(FAIL, "This layout does not meet the class.");
        }
    });
    status
}

/// A margin as a signed percentage ("+12 %"; "—" when there is none).
fn margin_text(m: f64) -> String {
    if m.is_finite() {
        format!("{:+.0} %", m * 100.0)
    } else {
        "—".into()
    }
}
