//! The vendors panel: colour, show/hide, pole count and installed power of every vendor;
//! clicking a vendor's name opens its editor (name, colour, sections assigned by street
//! and chainage, checked against the street, applied as one undoable edit); vendors are
//! added and, once they have no poles, deleted here.

use crate::app::state::AppState;
use crate::edit::vendors::SectionDraft;
use crate::frame::Polyline;
use egui::{Color32, RichText, Ui};
use std::collections::HashMap;
use std::sync::Arc;

/// The section editor: which vendor, its sections being edited, the last refusal.
#[derive(Debug, Clone, Default)]
pub struct VendorsPanel {
    pub editing: Option<String>,
    /// Name and colour being edited.
    pub name: String,
    pub color: [u8; 3],
    pub drafts: Vec<SectionDraft>,
    pub error: Option<String>,
}

/// A short description of a vendor's sections: "Smedeland 0–240 m (+1)".
fn sections_summary(state: &AppState, vendor: &str) -> String {
    let mut it = state.plan().sections.iter().filter(|s| s.vendor == vendor);
    let Some(first) = it.next() else {
        return "no section".into();
    };
    let street = state
        .plan()
        .street(&first.street)
        .map_or(first.street.as_str(), |s| s.name.as_str());
    let more = it.count();
    let more = if more > 0 {
        format!(" (+{more})")
    } else {
        String::new()
    };
    format!("{street} {:.0}–{:.0} m{more}", first.from_m, first.to_m)
}

pub fn ui(
    ui: &mut Ui,
    state: &mut AppState,
    colors: &HashMap<String, Color32>,
    panel: &mut VendorsPanel,
) {
    let counts = vendor_totals(ui, state);
    let mut toggles = Vec::new();
    let mut edit = None;
    egui::Grid::new("vendor_legend")
        .striped(true)
        .show(ui, |ui| {
            for v in &state.plan().vendors {
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
                // The name opens the vendor's section editor; its sections on hover.
                let editing = panel.editing.as_deref() == Some(v.id.as_str());
                if ui
                    .selectable_label(editing, &v.name)
                    // Built only while hovered, not for every vendor in every frame.
                    .on_hover_ui(|ui| {
                        ui.label(format!(
                            "Sections: {}. Click to edit them (street, from/to chainage).",
                            sections_summary(state, &v.id)
                        ));
                    })
                    .clicked()
                {
                    edit = Some(v.id.clone());
                }
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
    if ui
        .button("Add a vendor")
        .on_hover_text(
            "A new company on the test bed: then name it, pick its colour, give it a section",
        )
        .clicked()
    {
        edit = Some(state.add_vendor());
    }
    if let Some(id) = edit {
        panel.drafts = state.section_drafts(&id);
        if let Some(v) = state.plan().vendor(&id) {
            panel.name = v.name.clone();
            panel.color = v.color;
        }
        panel.editing = Some(id);
        panel.error = None;
    }
    section_editor(ui, state, panel);
}

/// The editor of one vendor's sections, under the legend.
fn section_editor(ui: &mut Ui, state: &mut AppState, panel: &mut VendorsPanel) {
    let Some(vendor) = panel.editing.clone() else {
        return;
    };
    let Some(name) = state.plan().vendor(&vendor).map(|v| v.name.clone()) else {
        panel.editing = None;
        return;
    };
    ui.separator();
    ui.label(RichText::new(format!("Vendor {name}")).strong());
    ui.horizontal(|ui| {
        let l = ui.label("Name");
        ui.add(
            egui::TextEdit::singleline(&mut panel.name)
                .desired_width(150.0)
                .id_salt("vendor_name"),
        )
        .labelled_by(l.id);
        ui.label("Colour");
        egui::color_picker::color_edit_button_srgb(ui, &mut panel.color);
    });
    // The control profile its luminaires run (energy): applied at once, undoably.
    ui.horizontal(|ui| {
        let l = ui.label("Control profile");
        let (pick, r) = super::energy::profile_combo(ui, "vendor_profile", state.plan(), &vendor);
        r.labelled_by(l.id)
            .on_hover_text("Dimming and presence control (View > Energy and CO2 edits profiles)");
        if let Some(profile) = pick {
            state.set_vendor_profile(&vendor, profile);
        }
    });
    ui.label(RichText::new(format!("Sections of {name}")).strong());
    if panel.drafts.is_empty() {
        ui.label("No section yet: add one.");
    }
    let lengths: HashMap<String, f64> = state
        .plan()
        .streets
        .iter()
        .map(|s| (s.id.clone(), Polyline::from_lonlat(&s.points).length()))
        .collect();
    let mut remove = None;
    for (k, d) in panel.drafts.iter_mut().enumerate() {
        ui.push_id(("section", k), |ui| {
            let street_name = state
                .plan()
                .street(&d.street)
                .map_or("(choose)".to_string(), |s| s.name.clone());
            ui.horizontal(|ui| {
                // Shortened: a long street name pushed the buttons out of the panel.
                egui::ComboBox::new("section_street", "")
                    .width(130.0)
                    .selected_text(super::shorten(&street_name, 18))
                    .show_ui(ui, |ui| {
                        for s in &state.plan().streets {
                            ui.selectable_value(&mut d.street, s.id.clone(), &s.name);
                        }
                    })
                    .response
                    .on_hover_text(&street_name);
                if ui.small_button("Remove").clicked() {
                    remove = Some(k);
                }
                if ui
                    .small_button("Design…")
                    .on_hover_text("Design this section to its street's class at the least power")
                    .clicked()
                {
                    super::design::request(
                        ui.ctx(),
                        crate::design::Stretch {
                            street: d.street.clone(),
                            from_m: d.from_m.min(d.to_m),
                            to_m: d.from_m.max(d.to_m),
                            vendor: Some(vendor.clone()),
                        },
                    );
                }
            });
            let len = lengths.get(d.street.as_str()).copied().unwrap_or(0.0);
            ui.horizontal(|ui| {
                ui.label("From");
                ui.add(egui::DragValue::new(&mut d.from_m).speed(1.0).suffix(" m"));
                ui.label("to");
                ui.add(egui::DragValue::new(&mut d.to_m).speed(1.0).suffix(" m"));
                ui.label(format!("of {len:.0} m"));
            });
        });
    }
    if let Some(k) = remove {
        panel.drafts.remove(k);
    }
    ui.horizontal(|ui| {
        if ui.button("Add a section").clicked() {
            let street = panel
                .drafts
                .last()
                .map(|d| d.street.clone())
                .or_else(|| state.plan().streets.first().map(|s| s.id.clone()))
                .unwrap_or_default();
            let len = lengths.get(street.as_str()).copied().unwrap_or(0.0);
            panel.drafts.push(SectionDraft {
                id: String::new(),
                street,
                from_m: 0.0,
                to_m: (len * 10.0).floor() / 10.0,
            });
        }
        if ui.button("Apply").clicked() {
            match state.apply_vendor(&vendor, &panel.name, panel.color, &panel.drafts) {
                Ok(_) => {
                    panel.error = None;
                    panel.editing = None;
                }
                Err(e) => panel.error = Some(e.to_string()),
            }
        }
        if ui.button("Cancel").clicked() {
            panel.editing = None;
            panel.error = None;
        }
        if ui.button("Delete vendor").clicked() {
            match state.delete_vendor(&vendor) {
                Ok(()) => {
                    panel.editing = None;
                    panel.error = None;
                }
                Err(e) => panel.error = Some(e.to_string()),
            }
        }
    });
    if let Some(e) = &panel.error {
        ui.add(
            egui::Label::new(
                RichText::new(format!("Refused: {e}")).color(Color32::from_rgb(200, 30, 30)),
            )
            .wrap(),
        );
    }
}

/// Pole count and installed power (W) per vendor id, recounted only when the plan
/// changed (cached in egui's memory under the plan's generation), not in every frame.
fn vendor_totals(ui: &Ui, state: &AppState) -> Arc<HashMap<String, (usize, f64)>> {
    type Totals = (u64, Arc<HashMap<String, (usize, f64)>>);
    let id = ui.scope_id().with("vendor_totals");
    if let Some((generation, totals)) = ui.data(|d| d.get_temp::<Totals>(id))
        && generation == state.settled_revision()
    {
        return totals;
    }
    let power: HashMap<&str, f64> = state
        .plan()
        .luminaires
        .iter()
        .rev() // the first of duplicate ids wins, as in `Plan::luminaire`
        .map(|l| (l.id.as_str(), l.power_w))
        .collect();
    let mut totals: HashMap<String, (usize, f64)> = HashMap::new();
    for p in &state.plan().poles {
        if !totals.contains_key(p.vendor.as_str()) {
            totals.insert(p.vendor.to_string(), (0, 0.0));
        }
        if let Some(e) = totals.get_mut(p.vendor.as_str()) {
            e.0 += 1;
            e.1 += power.get(p.luminaire.as_str()).copied().unwrap_or(0.0);
        }
    }
    let totals = Arc::new(totals);
    ui.data_mut(|d| d.insert_temp(id, (state.settled_revision(), totals.clone())));
    totals
}
