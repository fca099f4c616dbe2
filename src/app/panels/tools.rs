//! The tools panel: the current tool and its hints, the route editor while editing the
//! route, and the template for new poles.

use crate::app::state::{AppState, Tool};
use egui::Ui;

pub fn ui(ui: &mut Ui, state: &mut AppState, route: &mut super::route::RoutePanel) {
    ui.heading(state.tool.label());
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
    let (plan, t) = (state.doc.plan(), &mut state.template);
    let vendor_name = plan
        .vendor(&t.vendor)
        .map(|v| v.name.clone())
        .unwrap_or_else(|| "(none)".into());
    let lum_name: String = plan
        .luminaire(&t.luminaire)
        .map(|l| l.name.clone())
        .unwrap_or_else(|| "(none)".into());
    // Labels left, the boxes as wide as the panel allows; a name still too long is cut
    // with "…" and shown whole on hover and in the list.
    let combo_w = (ui.available_width() - 90.0).max(120.0);
    egui::Grid::new("new_pole").num_columns(2).show(ui, |ui| {
        let l = ui.label("Vendor");
        egui::ComboBox::from_id_salt("template_vendor")
            .width(combo_w)
            .selected_text(vendor_name)
            .show_ui(ui, |ui| {
                for v in &plan.vendors {
                    ui.selectable_value(&mut t.vendor, v.id.clone(), &v.name);
                }
            })
            .response
            .labelled_by(l.id);
        ui.end_row();
        let l = ui.label("Luminaire");
        egui::ComboBox::from_id_salt("template_luminaire")
            .width(combo_w)
            .selected_text(super::shorten(&lum_name, 30))
            .show_ui(ui, |ui| {
                for l in &plan.luminaires {
                    ui.selectable_value(&mut t.luminaire, l.id.clone(), &l.name);
                }
            })
            .response
            .labelled_by(l.id)
            .on_hover_text(lum_name);
        ui.end_row();
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
