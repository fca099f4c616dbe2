//! The coordinator's yardstick in the Energy window (issue 27): each vendor section's
//! installed W/km beside the best W/km the arrangement optimiser finds on the same
//! stretch with the same luminaire type(s) ([`crate::design::yardstick`], as `lysplan
//! optimise --sections`). Computed on request on a worker thread, with progress and
//! Cancel, for one plan revision; a section's row opens "Design this stretch…" on it.

use super::search_job::{Polled, SearchJob};
use crate::app::state::AppState;
use crate::design::yardstick::{SectionYardstick, sections_with_progress};
use crate::design::{SearchSet, Stretch};
use egui::{Color32, Ui};

const OVER: Color32 = Color32::from_rgb(200, 120, 0);

/// The yardstick's part of the Energy window.
#[derive(Default)]
pub struct YardstickUi {
    /// What each section is searched over (the optimiser's default set).
    pub set: SearchSet,
    job: Option<SearchJob<Vec<SectionYardstick>>>,
    /// The last yardstick and the plan revision it is for.
    pub result: Option<(u64, Vec<SectionYardstick>)>,
    /// A cancelled computation.
    pub message: Option<String>,
}

impl YardstickUi {
    /// Starts the computation for the plan in `state` (the default search set).
    pub fn start(&mut self, ctx: &egui::Context, state: &AppState) {
        self.cancel();
        self.message = None;
        let plan = state.plan().clone();
        let set = self.set.clone();
        self.job = Some(SearchJob::spawn(ctx, state.revision(), move |p| {
            let (photometry, _) = crate::lighting::load_photometry(&plan);
            sections_with_progress(&plan, &photometry, &set, Some(p))
        }));
    }

    /// Stops the computation; nothing of it is kept.
    pub fn cancel(&mut self) {
        if let Some(j) = self.job.take() {
            let (done, total) = j.cancel();
            self.message = Some(format!(
                "Yardstick cancelled after {done} of {total} sections."
            ));
        }
    }

    /// Whether a computation runs.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Takes the worker's answer when it is there; returns whether one still runs.
    pub fn poll(&mut self) -> bool {
        let Some(j) = &self.job else {
            return false;
        };
        match j.poll() {
            Polled::Running => return true,
            Polled::Done(rows) => self.result = Some((j.revision, rows)),
            Polled::Lost => self.message = Some("the yardstick stopped without an answer".into()),
        }
        self.job = None;
        false
    }

    /// Waits for the running computation (tests).
    pub fn wait(&mut self) {
        while self.poll() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

/// The yardstick block: the button or progress, then the table. Returns the stretch of
/// a section whose "Design…" was clicked.
pub fn ui(ui: &mut Ui, state: &AppState, y: &mut YardstickUi) -> Option<Stretch> {
    if y.poll() {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(100));
    }
    ui.label(
        "Each vendor's installed W/km on its section beside the least W/km of an arrangement \
         of the same luminaire that meets the street's class there (the optimiser's default \
         search, judged by the check with every other pole in place).",
    );
    ui.horizontal(|ui| {
        if let Some(j) = &y.job {
            if j.progress_ui(ui, "sections") {
                y.cancel();
            }
        } else if ui.button("Compute the yardstick").clicked() {
            y.start(ui.ctx(), state);
        }
    });
    if let Some(m) = &y.message {
        ui.colored_label(OVER, m);
    }
    let (rev, rows) = y.result.as_ref()?;
    if *rev != state.revision() {
        ui.colored_label(
            OVER,
            "Computed for the plan before the last edit: compute again for the current one.",
        );
    }
    let mut design = None;
    egui::Grid::new("yardstick")
        .striped(true)
        .num_columns(8)
        .show(ui, |ui| {
            for h in [
                "Section",
                "Vendor",
                "Stretch",
                "W/km now",
                "Best W/km",
                "Now ÷ best",
                "",
                "",
            ] {
                ui.strong(h);
            }
            ui.end_row();
            for r in rows {
                ui.label(&r.section);
                ui.label(&r.vendor);
                ui.label(format!("{} {:.0}–{:.0} m", r.street, r.from_m, r.to_m));
                ui.label(format!("{:.1}", r.current_w_per_km));
                ui.label(r.best_w_per_km.map_or("—".into(), |b| format!("{b:.1}")));
                ui.label(r.ratio.map_or("—".into(), |q| format!("{q:.2}")));
                ui.label(r.note.as_deref().unwrap_or(""));
                if ui
                    .small_button("Design…")
                    .on_hover_text("Open Design this stretch… on this section")
                    .clicked()
                {
                    design = Some(Stretch {
                        street: r.street.clone(),
                        from_m: r.from_m.min(r.to_m),
                        to_m: r.from_m.max(r.to_m),
                        vendor: Some(r.vendor.clone()),
                    });
                }
                ui.end_row();
            }
        });
    design
}
