//! The inspector: every field of the selected pole(s) with units, edited in place. A value
//! that would make a pole invalid (a height of 0, a tilt of 90°) is refused with the
//! reason shown; with several poles selected an edit applies to all of them.

use crate::app::state::AppState;
use egui::{Color32, RichText, Ui};

/// Text being edited per field, so that an invalid entry can be shown and refused.
#[derive(Debug, Clone, Default)]
pub struct InspectorState {
    pub height: String,
    pub tilt: String,
    pub azimuth: String,
    pub overhang: String,
    pub error: Option<String>,
    /// The selection the texts were filled from.
    pub shown_for: Vec<String>,
    pub shown_rev: u64,
}

fn common<T: PartialEq + Copy>(vals: impl Iterator<Item = T>) -> Option<T> {
    let mut it = vals;
    let first = it.next()?;
    it.all(|v| v == first).then_some(first)
}

fn fill(ins: &mut InspectorState, poles: &[&crate::plan::Pole]) {
    let fmt = |v: Option<f64>| v.map(|x| format!("{x:.2}")).unwrap_or_default();
    ins.height = fmt(common(poles.iter().map(|p| p.height_m)));
    ins.tilt = fmt(common(poles.iter().map(|p| p.tilt_deg)));
    ins.azimuth = fmt(common(poles.iter().map(|p| p.azimuth_deg)));
    ins.overhang = fmt(common(poles.iter().map(|p| p.overhang_m)));
}

/// A combo box choosing one of `items` (id, name) for the selection; `current` is the
/// id all selected poles share (`None`: they differ). Returns the chosen (id, name).
fn id_combo<'a>(
    ui: &mut Ui,
    label: &str,
    current: Option<&str>,
    items: impl Iterator<Item = (&'a str, &'a str)> + Clone,
) -> Option<(String, String)> {
    let full = match current {
        None => "(differ)".to_string(),
        Some(id) => items
            .clone()
            .find(|(i, _)| *i == id)
            .map_or(format!("unknown '{id}'"), |(_, n)| n.to_string()),
    };
    let shown: String = full.chars().take(28).collect();
    let mut chosen = None;
    egui::ComboBox::new(label, label)
        .width(200.0)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for (id, name) in items {
                if ui.selectable_label(current == Some(id), name).clicked() {
                    chosen = Some((id.to_string(), name.to_string()));
                }
            }
        })
        .response
        .on_hover_text(full);
    chosen
}

pub fn ui(ui: &mut Ui, state: &mut AppState, ins: &mut InspectorState) {
    let revision = state.revision();
    ui.heading("Inspector");
    let sel: Vec<String> = state.selection.iter().cloned().collect();
    if sel.is_empty() {
        ui.label("Select a pole on the map to see and edit its fields.");
        return;
    }
    let poles = state.selected_poles();
    if ins.shown_for != sel || ins.shown_rev != revision {
        fill(ins, &poles);
        if ins.shown_for != sel {
            ins.error = None;
        }
        ins.shown_for = sel.clone();
        ins.shown_rev = revision;
    }
    if poles.len() == 1 {
        let p = poles[0];
        let vendor = state
            .plan()
            .vendor(&p.vendor)
            .map(|v| v.name.as_str())
            .unwrap_or("unknown vendor");
        let lum = state
            .plan()
            .luminaire(&p.luminaire)
            .map(|l| l.name.as_str())
            .unwrap_or("unknown luminaire");
        ui.label(format!("Pole {} — {vendor}, {lum}", p.id));
        ui.label(format!("{:.6}° E, {:.6}° N", p.lon, p.lat));
        if let Some(st) = state
            .pole_index(&p.id)
            .and_then(|i| state.checker().station(i))
        {
            let street = state
                .plan()
                .streets
                .get(st.street())
                .map(|s| s.name.as_str())
                .unwrap_or("?");
            // The street's name as written; only the side is a lower-case word.
            let side = format!("{:?}", st.side).to_lowercase();
            ui.label(format!(
                "{street}, chainage {:.1} m, {:.1} m {side} of the centreline",
                st.chainage_m, st.offset_m
            ));
        }
    } else {
        ui.label(format!(
            "{} poles selected: edits apply to all (blank = values differ)",
            poles.len()
        ));
    }
    // Vendor and luminaire: chosen from the plan's lists, applied to every selected pole.
    let vendor = common(poles.iter().map(|p| p.vendor.as_str())).map(str::to_string);
    let luminaire = common(poles.iter().map(|p| p.luminaire.as_str())).map(str::to_string);
    let new_vendor = id_combo(
        ui,
        "Pole vendor",
        vendor.as_deref(),
        state
            .plan()
            .vendors
            .iter()
            .map(|v| (v.id.as_str(), v.name.as_str())),
    );
    let new_luminaire = id_combo(
        ui,
        "Pole luminaire",
        luminaire.as_deref(),
        state
            .plan()
            .luminaires
            .iter()
            .map(|l| (l.id.as_str(), l.name.as_str())),
    );
    if let Some((id, name)) = new_vendor {
        let r = state.edit_selected(&format!("Give poles to {name}"), |p| {
            p.vendor = id.as_str().into()
        });
        ins.error = r.err().map(|e| e.to_string());
    }
    if let Some((id, name)) = new_luminaire {
        let r = state.edit_selected(&format!("Fit {name}"), |p| p.luminaire = id.as_str().into());
        ins.error = r.err().map(|e| e.to_string());
    }
    let mut commit: Option<(&str, String)> = None;
    egui::Grid::new("inspector").num_columns(3).show(ui, |ui| {
        for (label, unit, text) in [
            ("Height", "m", &mut ins.height),
            ("Tilt", "°", &mut ins.tilt),
            ("Azimuth", "° (true bearing of C90)", &mut ins.azimuth),
            ("Overhang", "m", &mut ins.overhang),
        ] {
            let l = ui.label(label);
            let r = ui
                .add(
                    egui::TextEdit::singleline(text)
                        .desired_width(70.0)
                        .min_size(egui::vec2(70.0, 0.0))
                        .id_salt(label),
                )
                .labelled_by(l.id);
            ui.label(unit);
            ui.end_row();
            let entered =
                r.lost_focus() || (r.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)));
            if entered && !text.trim().is_empty() {
                commit = Some((label, text.trim().replace(',', ".")));
            }
        }
    });
    if let Some((field, text)) = commit {
        match text.parse::<f64>() {
            Err(_) => {
                // Keep the last good value visible, as for any other refusal.
                fill(ins, &state.selected_poles());
                ins.error = Some(format!("{field}: '{text}' is not a number"));
            }
            Ok(v) => {
                let label = format!("Set {} to {text}", field.to_lowercase());
                let r = state.edit_selected(&label, |p| match field {
                    "Height" => p.height_m = v,
                    "Tilt" => p.tilt_deg = v,
                    "Azimuth" => p.azimuth_deg = v.rem_euclid(360.0),
                    _ => p.overhang_m = v,
                });
                match r {
                    Err(e) => {
                        // Show the stored values again, with the reason.
                        fill(ins, &state.selected_poles());
                        ins.error = Some(e.to_string());
                    }
                    Ok(true) => ins.error = None,
                    // Re-committing the value already stored keeps the last message.
                    Ok(false) => {}
                }
            }
        }
    }
    if let Some(e) = &ins.error {
        ui.add(
            egui::Label::new(
                RichText::new(format!("Refused: {e}")).color(Color32::from_rgb(200, 30, 30)),
            )
            .wrap(),
        );
    }
    if ui.button("Delete selected (Del)").clicked() {
        state.delete_selected();
    }
}
