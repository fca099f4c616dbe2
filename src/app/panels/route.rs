//! The route editor panel (shown with the Edit route tool) and its map layer: draw a new
//! street, pick a street, edit its name, EN 13201 class and width, delete a vertex or the
//! street; on the map the selected street's vertices (square handles) and segment
//! midpoints (round handles, drag to insert) and the street being drawn.

use crate::app::route::HANDLE_RADIUS;
use crate::app::state::AppState;
use crate::frame::{LonLat, Polyline};
use crate::plan::LightingClass;
use egui::{Color32, Pos2, Response, RichText, Stroke, Ui};
use walkers::{MapMemory, Plugin, Projector, lon_lat};

/// Texts being edited, so an invalid entry can be shown and refused.
#[derive(Debug, Clone, Default)]
pub struct RoutePanel {
    pub name: String,
    pub width: String,
    /// The class schedule being edited (`"22:00 M4, 00:00 M5"`).
    pub schedule: String,
    /// The street and plan generation the texts were filled from.
    shown_for: Option<(String, u64)>,
    pub error: Option<String>,
}

fn class_combo(ui: &mut Ui, salt: &str, class: &mut Option<LightingClass>) -> bool {
    let before = *class;
    egui::ComboBox::new(salt, "Class")
        .selected_text(class.map_or("not evaluated".to_string(), |c| c.to_string()))
        .show_ui(ui, |ui| {
            ui.selectable_value(class, None, "not evaluated");
            for c in LightingClass::ALL {
                ui.selectable_value(class, Some(c), c.name());
            }
        });
    *class != before
}

/// Shows the panel.
pub fn ui(ui: &mut Ui, state: &mut AppState, panel: &mut RoutePanel) {
    ui.heading("Streets");
    if let Some(draft) = &state.route.draft {
        let n = draft.len();
        ui.label(format!(
            "Drawing a new street: {n} vertices, {:.0} m. Click the map to add vertices; \
             double-click or Enter finishes.",
            state.draft_length()
        ));
        ui.horizontal(|ui| {
            let l = ui.label("Name");
            ui.add(
                egui::TextEdit::singleline(&mut state.route.new_name)
                    .hint_text("New street")
                    .desired_width(150.0)
                    .id_salt("new_street_name"),
            )
            .labelled_by(l.id);
        });
        class_combo(ui, "new_street_class", &mut state.route.new_class);
        ui.horizontal(|ui| {
            ui.label("Width");
            ui.add(
                egui::DragValue::new(&mut state.route.new_width_m)
                    .range(0.5..=100.0)
                    .speed(0.1)
                    .suffix(" m"),
            );
        });
        ui.horizontal(|ui| {
            if ui
                .add_enabled(n >= 2, egui::Button::new("Finish street"))
                .clicked()
            {
                panel.error = state.finish_street_draft().err().map(|e| e.to_string());
            }
            if ui
                .add_enabled(n > 0, egui::Button::new("Remove last vertex"))
                .clicked()
            {
                state.draft_remove_last();
            }
            if ui.button("Cancel drawing").clicked() {
                state.cancel_street_draft();
            }
        });
        show_error(ui, panel);
        return;
    }
    if ui.button("Draw a new street").clicked() {
        panel.error = None;
        state.start_street_draft();
    }
    let selected_name = state
        .route_street_index()
        .map(|i| state.plan().streets[i].name.clone())
        .unwrap_or_else(|| "(click a street on the map)".into());
    let mut pick = None;
    egui::ComboBox::new("route_street", "Street")
        .width(180.0)
        .selected_text(selected_name)
        .show_ui(ui, |ui| {
            for s in &state.plan().streets {
                if ui
                    .selectable_label(state.route.street.as_deref() == Some(&s.id), &s.name)
                    .clicked()
                {
                    pick = Some(s.id.clone());
                }
            }
        });
    if let Some(id) = pick {
        state.select_street(Some(id));
    }
    let Some(si) = state.route_street_index() else {
        show_error(ui, panel);
        return;
    };
    let street = state.plan().streets[si].clone();
    let key = (street.id.clone(), state.settled_revision());
    if panel.shown_for.as_ref() != Some(&key) {
        if panel.shown_for.as_ref().map(|k| &k.0) != Some(&street.id) {
            panel.error = None;
        }
        panel.name = street.name.clone();
        panel.width = format!("{:.1}", street.width_m);
        panel.schedule = crate::edit::route::format_class_schedule(&street.class_schedule);
        panel.shown_for = Some(key);
    }
    let mut class = street.class;
    let mut commit: Option<&str> = None;
    for (label, unit, text, width) in [
        ("Name", "", &mut panel.name, 190.0),
        ("Width", "m", &mut panel.width, 60.0),
        ("Class schedule", "", &mut panel.schedule, 190.0),
    ] {
        ui.horizontal(|ui| {
            let l = ui.label(label);
            let r = ui
                .add(
                    egui::TextEdit::singleline(text)
                        .desired_width(width)
                        .hint_text(if label == "Class schedule" {
                            "none, or e.g. 22:00 M4, 00:00 M5"
                        } else {
                            ""
                        })
                        .id_salt(("street", label)),
                )
                .labelled_by(l.id);
            ui.label(unit);
            if r.lost_focus() || (r.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))) {
                commit = Some(label);
            }
        });
    }
    if class_combo(ui, "street_class", &mut class) {
        let label = format!(
            "Set class of {} to {}",
            street.name,
            class.map_or("not evaluated".into(), |c| c.to_string())
        );
        panel.error = state
            .edit_street(&street.id, &label, |s| s.class = class)
            .err()
            .map(|e| e.to_string());
    }
    // Lanes and road surface: what an M class's luminance is computed on.
    let mut lanes = street.lanes;
    let mut surface = street.surface.clone();
    ui.horizontal(|ui| {
        let l = ui.label("Lanes");
        egui::ComboBox::new("street_lanes", "")
            .width(50.0)
            .selected_text(lanes.to_string())
            .show_ui(ui, |ui| {
                for n in 1..=6 {
                    ui.selectable_value(&mut lanes, n, n.to_string());
                }
            })
            .response
            .labelled_by(l.id);
        let l = ui.label("Surface");
        let surfaces: Vec<String> = std::iter::once(crate::plan::DEFAULT_SURFACE.to_owned())
            .chain(state.plan().surfaces.iter().map(|s| s.id.clone()))
            .collect();
        egui::ComboBox::new("street_surface", "")
            .width(90.0)
            .selected_text(&surface)
            .show_ui(ui, |ui| {
                for id in surfaces {
                    let text = id.clone();
                    ui.selectable_value(&mut surface, id, text);
                }
            })
            .response
            .on_hover_text("The road surface's r-table, for the luminance of M classes")
            .labelled_by(l.id);
    });
    if lanes != street.lanes {
        let label = format!("Set lanes of {} to {lanes}", street.name);
        report(
            panel,
            state.edit_street(&street.id, &label, |s| s.lanes = lanes),
        );
    }
    if surface != street.surface {
        let label = format!("Set surface of {} to {surface}", street.name);
        report(
            panel,
            state.edit_street(&street.id, &label, |s| s.surface = surface),
        );
    }
    match commit {
        Some("Class schedule") => {
            let text = panel.schedule.clone();
            report(panel, state.set_class_schedule(&street.id, &text));
        }
        Some("Name") => {
            let name = panel.name.trim().to_string();
            let label = format!("Rename {} to {name}", street.name);
            report(
                panel,
                state.edit_street(&street.id, &label, |s| s.name = name),
            );
        }
        Some(_) => match panel.width.trim().replace(',', ".").parse::<f64>() {
            Ok(w) => {
                let label = format!("Set width of {} to {w} m", street.name);
                report(
                    panel,
                    state.edit_street(&street.id, &label, |s| s.width_m = w),
                );
            }
            Err(_) => panel.error = Some(format!("width: '{}' is not a number", panel.width)),
        },
        None => {}
    }
    if panel.error.is_some() && commit.is_some() {
        // Show the stored values again next to the reason (same street: keep the error).
        panel.shown_for = Some((street.id.clone(), u64::MAX));
    }
    let sections = state
        .plan()
        .sections
        .iter()
        .filter(|s| s.street == street.id)
        .count();
    ui.label(format!(
        "{:.0} m, {} vertices, {sections} vendor section(s)",
        Polyline::from_lonlat(&street.points).length(),
        street.points.len()
    ));
    ui.label(
        RichText::new(
            "Drag a square handle to move a vertex, a round one to insert a vertex; \
             right-click a vertex or press Delete to remove the selected one.",
        )
        .small(),
    );
    ui.horizontal(|ui| {
        if let Some(v) = state.route.vertex
            && ui.button(format!("Delete vertex {}", v + 1)).clicked()
        {
            panel.error = state
                .delete_street_vertex(&street.id, v)
                .err()
                .map(|e| e.to_string());
        }
        if ui.button("Delete street").clicked() {
            state.delete_street(&street.id);
        }
    });
    // On its own line: beside the delete buttons it would widen the panel.
    {
        if ui
            .button("Design this street…")
            .on_hover_text("The arrangement that meets its class at the least power")
            .clicked()
        {
            let len = crate::frame::Polyline::from_lonlat(&street.points).length();
            super::design::request(
                ui.ctx(),
                crate::design::Stretch {
                    street: street.id.clone(),
                    from_m: 0.0,
                    to_m: len,
                    vendor: None,
                },
            );
        }
    }
    show_error(ui, panel);
}

fn report(panel: &mut RoutePanel, r: Result<bool, crate::edit::EditError>) {
    match r {
        Ok(true) => panel.error = None,
        // Re-committing the stored value (focus leaving after Enter) keeps the message.
        Ok(false) => {}
        Err(e) => panel.error = Some(e.to_string()),
    }
}

fn show_error(ui: &mut Ui, panel: &RoutePanel) {
    if let Some(e) = &panel.error {
        ui.add(
            egui::Label::new(
                RichText::new(format!("Refused: {e}")).color(Color32::from_rgb(200, 30, 30)),
            )
            .wrap(),
        );
    }
}

/// Draws the selected street's handles and the street being drawn (with a rubber band to
/// the pointer).
pub struct RoutePlugin<'a> {
    pub state: &'a AppState,
    pub hover: Option<LonLat>,
}

const EDIT_BLUE: Color32 = Color32::from_rgb(20, 110, 255);

impl Plugin for RoutePlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _r: &Response, projector: &Projector, _m: &MapMemory) {
        let painter = ui.painter();
        let project = |p: &LonLat| projector.project(lon_lat(p.lon, p.lat)).to_pos2();
        if let Some(si) = self.state.route_street_index() {
            let street = &self.state.plan().streets[si];
            let pts: Vec<Pos2> = street.points.iter().map(project).collect();
            painter.add(egui::Shape::line(pts.clone(), Stroke::new(3.0, EDIT_BLUE)));
            for w in pts.windows(2) {
                let m = w[0].lerp(w[1], 0.5);
                painter.circle(m, 4.0, Color32::WHITE, Stroke::new(1.5, EDIT_BLUE));
            }
            for (i, p) in pts.iter().enumerate() {
                let selected = self.state.route.vertex == Some(i);
                let r = egui::Rect::from_center_size(*p, egui::vec2(9.0, 9.0));
                painter.rect(
                    r,
                    1.0,
                    if selected { EDIT_BLUE } else { Color32::WHITE },
                    Stroke::new(2.0, EDIT_BLUE),
                    egui::StrokeKind::Middle,
                );
            }
        }
        if let Some(draft) = &self.state.route.draft {
            let mut pts: Vec<Pos2> = draft.iter().map(project).collect();
            let color = Color32::from_rgb(230, 90, 0);
            for p in &pts {
                painter.circle(*p, 4.0, Color32::WHITE, Stroke::new(2.0, color));
            }
            if let (Some(h), false) = (self.hover, pts.is_empty()) {
                let end = project(&h);
                if pts
                    .last()
                    .is_some_and(|l| l.distance(end) > HANDLE_RADIUS / 4.0)
                {
                    painter.add(egui::Shape::dashed_line(
                        &[pts[pts.len() - 1], end],
                        Stroke::new(1.5, color),
                        6.0,
                        4.0,
                    ));
                }
            }
            if pts.len() > 1 {
                pts.dedup();
                painter.add(egui::Shape::line(pts, Stroke::new(3.0, color)));
            }
        }
    }
}
