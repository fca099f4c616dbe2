//! The tools panel: the current tool and its hints, the route editor while editing the
//! route, and the template for new poles.

use crate::app::state::{AppState, Tool};
use egui::Ui;

pub fn ui(ui: &mut Ui, state: &mut AppState, route: &mut super::route::RoutePanel) {
    ui.heading("Tools");
    for tool in [Tool::Select, Tool::AddPole, Tool::Measure, Tool::EditRoute] {
        if ui
            .selectable_label(state.tool == tool, tool.label())
            .clicked()
        {
            state.tool = tool;
            state.measurement = None;
        }
    }
    ui.label(match state.tool {
        Tool::Select => "Click a pole to select it (Shift adds), drag it to slide it along its street (Alt+drag: freely), Delete removes. Drag empty map to pan; Shift+drag on empty map selects the poles in a box.",
        Tool::AddPole => "Click the map to add a pole with the settings below. Esc returns to Select.",
        Tool::Measure => "Click two points: straight-line and along-street distance.",
        Tool::EditRoute => "Click a street to edit it: drag its square handles to move vertices, its round ones to insert. Or draw a new street below, one vertex per click.",
    });
    if state.tool == Tool::EditRoute {
        ui.separator();
        super::route::ui(ui, state, route);
    }
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
}
