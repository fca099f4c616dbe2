//! The tools panel: the current tool, the template for new poles, and the vendor legend
//! (pole count, installed power, show/hide).

use crate::app::state::{AppState, Tool};
use egui::{Color32, Ui};
use std::collections::HashMap;
use std::sync::Arc;

pub fn ui(ui: &mut Ui, state: &mut AppState, colors: &HashMap<String, Color32>) {
    ui.heading("Tools");
    for tool in [Tool::Select, Tool::AddPole, Tool::Measure] {
        if ui
            .selectable_label(state.tool == tool, tool.label())
            .clicked()
        {
            state.tool = tool;
            state.measurement = None;
        }
    }
    ui.label(match state.tool {
        Tool::Select => "Click a pole to select it (Shift adds), drag it to move, Delete removes. Drag empty map to pan; Shift+drag on empty map selects the poles in a box.",
        Tool::AddPole => "Click the map to add a pole with the settings below. Esc returns to Select.",
        Tool::Measure => "Click two points: straight-line and along-street distance.",
    });
    if let Some(m) = state.measurement {
        match m.b {
            None => {
                ui.label("Measuring: click the second point.");
            }
            Some(b) => {
                let (straight, along) = state.measure(m.a, b);
                ui.label(match along {
                    Some(s) => {
                        format!("Measured: {straight:.1} m straight, {s:.1} m along the street")
                    }
                    None => {
                        format!("Measured: {straight:.1} m straight (points on different streets)")
                    }
                });
            }
        }
    }
    ui.separator();
    ui.heading("New pole");
    let t = &mut state.template;
    let vendor_name = state
        .plan
        .vendor(&t.vendor)
        .map(|v| v.name.clone())
        .unwrap_or_else(|| "(none)".into());
    egui::ComboBox::from_label("Vendor")
        .width(180.0)
        .selected_text(vendor_name)
        .show_ui(ui, |ui| {
            for v in &state.plan.vendors {
                ui.selectable_value(&mut t.vendor, v.id.clone(), &v.name);
            }
        });
    let lum_name: String = state
        .plan
        .luminaire(&t.luminaire)
        .map(|l| l.name.chars().take(24).collect())
        .unwrap_or_else(|| "(none)".into());
    egui::ComboBox::from_label("Luminaire")
        .width(180.0)
        .selected_text(lum_name)
        .show_ui(ui, |ui| {
            for l in &state.plan.luminaires {
                ui.selectable_value(&mut t.luminaire, l.id.clone(), &l.name);
            }
        });
    ui.horizontal(|ui| {
        ui.label("Height");
        ui.add(
            egui::DragValue::new(&mut t.height_m)
                .range(1.0..=30.0)
                .speed(0.1)
                .suffix(" m"),
        );
        ui.label("Overhang");
        ui.add(
            egui::DragValue::new(&mut t.overhang_m)
                .range(0.0..=5.0)
                .speed(0.05)
                .suffix(" m"),
        );
    });
    ui.separator();
    ui.heading("Vendors");
    let counts = vendor_totals(ui, state);
    let mut toggles = Vec::new();
    egui::Grid::new("vendor_legend")
        .striped(true)
        .show(ui, |ui| {
            for v in &state.plan.vendors {
                let shown = !state.hidden_vendors.contains(&v.id);
                let mut s = shown;
                ui.checkbox(&mut s, "")
                    .on_hover_text("Show this vendor's poles on the map");
                if s != shown {
                    toggles.push(v.id.clone());
                }
                let c = colors.get(&v.id).copied().unwrap_or(Color32::GRAY);
                let (r, painter) =
                    ui.allocate_painter(egui::vec2(12.0, 12.0), egui::Sense::hover());
                painter.circle_filled(r.rect.center(), 5.0, c);
                ui.label(&v.name);
                let (n, w) = counts.get(&v.id).copied().unwrap_or_default();
                ui.label(format!("{n} poles"));
                ui.label(format!("{:.1} kW", w / 1000.0));
                ui.end_row();
            }
        });
    for id in toggles {
        if !state.hidden_vendors.remove(&id) {
            state.hidden_vendors.insert(id);
        }
    }
}

/// Pole count and installed power (W) per vendor id, recounted only when the plan
/// changed (cached in egui's memory under the plan's generation), not in every frame.
fn vendor_totals(ui: &Ui, state: &AppState) -> Arc<HashMap<String, (usize, f64)>> {
    type Totals = (u64, Arc<HashMap<String, (usize, f64)>>);
    let id = ui.scope_id().with("vendor_totals");
    if let Some((generation, totals)) = ui.data(|d| d.get_temp::<Totals>(id))
        && generation == state.generation
    {
        return totals;
    }
    let power: HashMap<&str, f64> = state
        .plan
        .luminaires
        .iter()
        .rev() // the first of duplicate ids wins, as in `Plan::luminaire`
        .map(|l| (l.id.as_str(), l.power_w))
        .collect();
    let mut totals: HashMap<String, (usize, f64)> = HashMap::new();
    for p in &state.plan.poles {
        if !totals.contains_key(&p.vendor) {
            totals.insert(p.vendor.clone(), (0, 0.0));
        }
        if let Some(e) = totals.get_mut(&p.vendor) {
            e.0 += 1;
            e.1 += power.get(p.luminaire.as_str()).copied().unwrap_or(0.0);
        }
    }
    let totals = Arc::new(totals);
    ui.data_mut(|d| d.insert_temp(id, (state.generation, totals.clone())));
    totals
}
