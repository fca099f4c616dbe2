//! The Plan settings window: the plan's name, the site rules, the maintenance factor and
//! the burning hours, edited as text and applied as one undoable edit after the core's
//! validator accepts them.

use crate::app::state::AppState;
use crate::plan::Plan;

/// One editable number of the plan: label, field name (as in the file), unit, getter and
/// setter.
struct Field {
    label: &'static str,
    name: &'static str,
    unit: &'static str,
    get: fn(&Plan) -> f64,
    set: fn(&mut Plan, f64),
}

const FIELDS: &[Field] = &[
    Field {
        label: "Maintenance factor",
        name: "maintenance_factor",
        unit: "",
        get: |p| p.maintenance_factor,
        set: |p, v| p.maintenance_factor = v,
    },
    Field {
        // D_E comes from the energy model (View > Energy and CO2); these hours are used
        // only when it cannot run (no usable site, an unknown profile).
        label: "Burning hours per year (fallback)",
        name: "burning_hours_per_year",
        unit: "h",
        get: |p| p.burning_hours_per_year,
        set: |p, v| p.burning_hours_per_year = v,
    },
    Field {
        label: "Minimum spacing",
        name: "rules.min_spacing_m",
        unit: "m",
        get: |p| p.rules.min_spacing_m,
        set: |p, v| p.rules.min_spacing_m = v,
    },
    Field {
        label: "Maximum spacing",
        name: "rules.max_spacing_m",
        unit: "m",
        get: |p| p.rules.max_spacing_m,
        set: |p, v| p.rules.max_spacing_m = v,
    },
    Field {
        label: "Maximum spacing / height",
        name: "rules.max_spacing_to_height",
        unit: "×",
        get: |p| p.rules.max_spacing_to_height,
        set: |p, v| p.rules.max_spacing_to_height = v,
    },
    Field {
        label: "Maximum offset from the route",
        name: "rules.max_offset_m",
        unit: "m",
        get: |p| p.rules.max_offset_m,
        set: |p, v| p.rules.max_offset_m = v,
    },
    Field {
        label: "Same spot within",
        name: "rules.same_spot_m",
        unit: "m",
        get: |p| p.rules.same_spot_m,
        set: |p, v| p.rules.same_spot_m = v,
    },
];

/// The window's draft.
#[derive(Default)]
pub struct PlanSettings {
    pub is_open: bool,
    pub name: String,
    pub values: Vec<String>,
    pub error: Option<String>,
}

impl PlanSettings {
    /// Opens the window on the plan's current values.
    pub fn open(&mut self, plan: &Plan) {
        *self = PlanSettings {
            is_open: true,
            name: plan.name.clone(),
            values: FIELDS
                .iter()
                .map(|f| format!("{}", (f.get)(plan)))
                .collect(),
            error: None,
        };
    }

    /// The plan's settings with the draft applied (on a copy of the settings alone), or
    /// the refusal naming the field.
    pub fn applied(&self, plan: &Plan) -> Result<Plan, crate::edit::EditError> {
        let mut p = plan.settings_only();
        if self.name.trim().is_empty() {
            return Err("name: a plan needs a name".into());
        }
        p.name = self.name.trim().to_string();
        for (f, text) in FIELDS.iter().zip(&self.values) {
            let v: f64 = text
                .trim()
                .parse()
                .map_err(|_| format!("{} = '{text}': not a number", f.name))?;
            (f.set)(&mut p, v);
        }
        validate(&p)?;
        Ok(p)
    }
}

/// The core's limits on the plan-wide settings (the same as the file readers').
fn validate(p: &Plan) -> Result<(), crate::edit::EditError> {
    Ok(crate::plan::validate::plan_settings(p)?)
}

/// Draws the window; returns a status message after an applied edit.
pub fn window(ctx: &egui::Context, state: &mut AppState, w: &mut PlanSettings) -> Option<String> {
    if !w.is_open {
        return None;
    }
    let mut open = true;
    let mut apply = false;
    egui::Window::new("Plan settings")
        .open(&mut open)
        .resizable(false)
        .show(ctx, |ui| {
            egui::Grid::new("plan_settings")
                .num_columns(3)
                .show(ui, |ui| {
                    ui.label("Name");
                    ui.add(egui::TextEdit::singleline(&mut w.name).desired_width(220.0));
                    ui.end_row();
                    for (f, text) in FIELDS.iter().zip(w.values.iter_mut()) {
                        ui.label(f.label).on_hover_text(f.name);
                        let r = ui.add(egui::TextEdit::singleline(text).desired_width(100.0));
                        if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                            apply = true;
                        }
                        ui.label(f.unit);
                        ui.end_row();
                    }
                });
            if let Some(e) = &w.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            ui.horizontal(|ui| {
                apply |= ui.button("Apply").clicked();
                if ui.button("Revert").clicked() {
                    w.open(state.plan());
                }
            });
        });
    if !open {
        w.is_open = false;
    }
    if !apply {
        return None;
    }
    match w.applied(state.plan()) {
        Ok(p) => {
            w.error = None;
            let edit = crate::edit::Edit::Settings(Box::new(crate::edit::PlanSettings::of(&p)));
            state
                .apply(crate::edit::Step {
                    label: "Edit plan settings".into(),
                    edit,
                })
                .then(|| "Plan settings changed".into())
        }
        Err(e) => {
            w.error = Some(format!("Not applied: {e}"));
            None
        }
    }
}
