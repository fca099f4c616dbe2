//! View → Measurements: the surveys and energy readings stored in the plan against the
//! calculation and the energy model (issue 28; the same comparison as `lysplan survey`
//! and `lysplan energy --readings`, `crate::measure`).
//!
//! Whether the window is open lives in egui's memory; the comparison is kept per plan
//! revision and recomputed only when the plan changes while the window is open.

use super::state::AppState;
use crate::measure::{MeasuredEnergy, SurveyComparison};
use egui::{Color32, RichText};
use std::collections::{BTreeMap, HashMap};

type Photometries = HashMap<String, crate::photometry::Photometry>;

/// The window's title (and the command's label without the "…").
pub const TITLE: &str = "Measurements";

/// The comparison of one plan revision.
pub struct MeasurementsCache {
    /// Draw the surveyed points on the map (View → Measurements layer).
    pub layer: bool,
    revision: Option<u64>,
    /// The photometry last loaded and the luminaire types it is for: an edit that moves
    /// poles does not read the luminaires' files again.
    photometry: Option<(Vec<crate::plan::LuminaireType>, Photometries)>,
    surveys: Option<SurveyComparison>,
    energy: Result<BTreeMap<String, MeasuredEnergy>, String>,
}

fn open_id() -> egui::Id {
    egui::Id::unique("lysplan_measurements_open")
}

/// Opens the Measurements window.
pub fn open(ctx: &egui::Context) {
    ctx.data_mut(|d| d.insert_temp(open_id(), true));
}

/// Whether the Measurements window is open.
pub fn is_open(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp::<bool>(open_id()).unwrap_or(false))
}

impl Default for MeasurementsCache {
    fn default() -> Self {
        MeasurementsCache {
            layer: false,
            revision: None,
            photometry: None,
            surveys: None,
            energy: Ok(BTreeMap::new()),
        }
    }
}

impl MeasurementsCache {
    /// The surveys' comparison last shown (`None`: none yet, or no survey).
    pub fn surveys(&self) -> Option<&SurveyComparison> {
        self.surveys.as_ref()
    }

    /// The comparison for the plan in `state`, computed when the plan has changed.
    pub fn refresh(&mut self, state: &AppState) {
        if self.revision == Some(state.revision()) {
            return;
        }
        let plan = state.plan();
        self.surveys = if plan.surveys.is_empty() {
            None
        } else {
            if self
                .photometry
                .as_ref()
                .is_none_or(|(types, _)| *types != plan.luminaires)
            {
                let (photometry, _) = crate::lighting::load_photometry(plan);
                self.photometry = Some((plan.luminaires.clone(), photometry));
            }
            let photometry = self.photometry.as_ref().map(|(_, p)| p);
            photometry.map(|p| crate::measure::compare_surveys(plan, p, &plan.surveys, false))
        };
        self.energy = if plan.energy_readings.is_empty() {
            Ok(BTreeMap::new())
        } else {
            crate::measure::compare_readings(plan, &plan.energy_readings)
                .map(|(_, by_vendor)| by_vendor)
                .map_err(|e| e.explain())
        };
        self.revision = Some(state.revision());
    }
}

const FAIL: Color32 = Color32::from_rgb(220, 38, 38);

/// Days since 1970-01-01 of a survey date ("YYYY-MM-DD", or the date of a date-time).
fn day_number(date: &str) -> Option<f64> {
    let d: jiff::civil::Date = date.get(..10)?.parse().ok()?;
    let epoch = jiff::civil::date(1970, 1, 1);
    Some(epoch.until(d).ok()?.get_days() as f64)
}

/// Each vendor's mean ratio over the survey dates: how output falls over the months.
fn ratio_plot(ui: &mut egui::Ui, depreciation: &[crate::measure::Depreciation]) {
    use egui_plot::{HLine, Legend, Line, Plot};
    Plot::new("measured_ratio_by_date")
        .height(320.0)
        .legend(Legend::default())
        .allow_scroll(false)
        .include_y(0.0)
        .include_y(1.2)
        .x_axis_label("survey date")
        .y_axis_label("measured / calculated")
        .x_axis_formatter(|m, _| {
            let days = m.value.round() as i64;
            jiff::civil::date(1970, 1, 1)
                .checked_add(jiff::Span::new().days(days))
                .map_or(String::new(), |d| d.to_string())
        })
        .show(ui, |p| {
            p.hline(HLine::new("as calculated", 1.0).color(Color32::GRAY));
            for d in depreciation.iter().filter(|d| d.series.len() > 1) {
                let pts: Vec<[f64; 2]> = d
                    .series
                    .iter()
                    .filter_map(|x| Some([day_number(&x.date)?, x.mean_ratio]))
                    .collect();
                p.line(Line::new(d.vendor.clone(), pts).width(1.5));
            }
        });
}

/// Draws the Measurements window while it is open. Returns the dark pole clicked, to
/// select and zoom to.
pub fn window(
    ctx: &egui::Context,
    state: &AppState,
    cache: &mut MeasurementsCache,
) -> Option<String> {
    let mut open = is_open(ctx);
    if !open {
        return None;
    }
    cache.refresh(state);
    let mut clicked = None;
    egui::Window::new(TITLE)
        .open(&mut open)
        .default_width(760.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| clicked = body(ui, state, cache));
        });
    if !open {
        ctx.data_mut(|d| d.insert_temp(open_id(), false));
    }
    clicked
}

fn body(ui: &mut egui::Ui, state: &AppState, cache: &MeasurementsCache) -> Option<String> {
    let mut clicked = None;
    let plan = state.plan();
    ui.label(
        "Measured on site against the calculated initial illuminance (MF = 1) and the \
         energy model; ratio = measured / calculated. File > Import survey (CSV)… and \
         Import energy readings (CSV)… bring them in.",
    );
    ui.separator();
    ui.heading("Surveys");
    match &cache.surveys {
        None => {
            ui.label("No survey in the plan.");
        }
        Some(c) => {
            egui::Grid::new("measured_sections")
                .striped(true)
                .num_columns(9)
                .show(ui, |ui| {
                    for h in [
                        "Section", "Vendor", "Survey", "Date", "Points", "Mean", "Median", "p10",
                        "p90",
                    ] {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.end_row();
                    for r in &c.sections {
                        ui.label(&r.section);
                        ui.label(&r.vendor);
                        ui.label(&r.survey);
                        ui.label(&r.date);
                        ui.label(r.count.to_string());
                        ui.label(format!("{:.3}", r.mean_ratio));
                        ui.label(format!("{:.3}", r.median_ratio));
                        ui.label(format!("{:.3}", r.p10_ratio));
                        ui.label(format!("{:.3}", r.p90_ratio));
                        ui.end_row();
                    }
                });
            let off = c.points.iter().filter(|p| p.section.is_none()).count();
            if off > 0 {
                ui.weak(format!("{off} point(s) on no vendor section."));
            }
            ui.add_space(6.0);
            if c.dark_poles.is_empty() {
                ui.label("No pole is dark or mis-aimed.");
            } else {
                ui.label(
                    RichText::new("Dark or mis-aimed poles")
                        .color(FAIL)
                        .strong(),
                );
                for d in &c.dark_poles {
                    ui.horizontal(|ui| {
                        if ui
                            .link(&d.pole)
                            .on_hover_text("Select this pole and zoom to it")
                            .clicked()
                        {
                            clicked = Some(d.pole.clone());
                        }
                        ui.label(format!(
                            "({}) in {}: mean ratio {:.3} over {} points",
                            d.vendor, d.survey, d.mean_ratio, d.points
                        ));
                    });
                }
            }
            if c.depreciation.iter().any(|d| d.series.len() > 1) {
                ui.add_space(6.0);
                ui.label(RichText::new("Mean ratio by survey date").strong());
                for d in &c.depreciation {
                    let series: Vec<String> = d
                        .series
                        .iter()
                        .map(|x| format!("{} {:.3}", x.date, x.mean_ratio))
                        .collect();
                    ui.label(format!("{}: {}", d.vendor, series.join(", ")));
                }
                ratio_plot(ui, &c.depreciation);
            }
        }
    }
    ui.separator();
    ui.heading("Energy readings");
    match &cache.energy {
        Err(e) => {
            ui.colored_label(FAIL, format!("The readings cannot be modelled: {e}"));
        }
        Ok(m) if m.is_empty() => {
            ui.label(if plan.energy_readings.is_empty() {
                "No energy reading in the plan."
            } else {
                "No vendor has readings."
            });
        }
        Ok(m) => {
            egui::Grid::new("measured_energy")
                .striped(true)
                .num_columns(7)
                .show(ui, |ui| {
                    for h in [
                        "Vendor",
                        "From – to",
                        "Measured kWh",
                        "Modelled kWh",
                        "Ratio",
                        "Baseline kWh",
                        "Measured saving",
                    ] {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.end_row();
                    for (vendor, e) in m {
                        ui.label(vendor);
                        ui.label(format!("{} – {}", e.from, e.to));
                        ui.label(format!("{:.1}", e.kwh));
                        ui.label(format!("{:.1}", e.modelled_kwh));
                        ui.label(e.ratio.map_or("—".into(), |r| format!("{r:.3}")));
                        ui.label(format!("{:.1}", e.baseline_kwh));
                        ui.label(e.savings_pct.map_or("—".into(), |s| format!("{s:.1} %")));
                        ui.end_row();
                    }
                });
        }
    }
    clicked
}

#[cfg(test)]
mod tests {
    use super::day_number;

    #[test]
    fn survey_dates_are_days_since_1970_on_the_plots_axis() {
        assert_eq!(day_number("1970-01-02"), Some(1.0));
        assert_eq!(day_number("2026-11-20"), Some(20777.0));
        assert_eq!(day_number("2026-11-20T22:15:00+01:00"), Some(20777.0));
        assert_eq!(day_number("20-11-2026"), None);
    }
}
