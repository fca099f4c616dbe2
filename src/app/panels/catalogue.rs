//! The luminaire catalogue window: the plan's luminaire types with flux, power, efficacy,
//! the flux self-check and rotation; a polar diagram of the selected type; import of
//! .ldt / .ies files into the plan.
//!
//! Photometry is parsed once per type and cached (keyed by the type's photometry source),
//! never every frame.

use crate::app::state::AppState;
use crate::photometry::{FluxCheck, IntensityTable, Photometry};
use crate::plan::PhotometrySource;
use egui::{Align2, Color32, FontId, Pos2, RichText, Sense, Stroke, vec2};
use std::collections::HashMap;
use std::path::Path;

/// Colour of the C0–C180 curve in the polar diagram.
pub const C0_COLOR: Color32 = Color32::from_rgb(220, 60, 40);
/// Colour of the C90–C270 curve in the polar diagram.
pub const C90_COLOR: Color32 = Color32::from_rgb(40, 100, 220);

/// A parsed photometry, remembered with the source it was parsed from.
struct Cached {
    source: PhotometrySource,
    result: Result<Photometry, String>,
}

/// What the window asks its owner to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Start the native "Import .ldt/.ies" dialog (off-thread, see `files.rs`).
    ImportDialog,
    /// Start the native "Import r-table" dialog.
    ImportSurfaceDialog,
}

/// A road surface's (S1, Q0), or why its table does not read.
type SurfaceCheck = Result<(f64, f64), String>;

/// The catalogue window's own state: open or not, the selected type, the parse cache,
/// the rotation fields being edited and the last import outcome.
#[derive(Default)]
pub struct CatalogueState {
    /// Whether the window is shown.
    pub open: bool,
    /// Id of the luminaire type whose polar diagram is drawn.
    pub selected: Option<String>,
    /// The typed path of the import fallback.
    pub import_path: String,
    /// The typed path of the r-table import.
    pub surface_path: String,
    /// Outcome of the last import or rotation edit: Ok(message) or Err(message).
    pub message: Option<Result<String, String>>,
    cache: HashMap<String, Cached>,
    /// Each road surface's self-check (S1, Q0) or why its table does not read, keyed by
    /// surface id with the CSV it was computed from (parsed once, not every frame).
    surface_checks: HashMap<String, (String, SurfaceCheck)>,
    rotation_text: HashMap<String, String>,
    parses: usize,
}

impl CatalogueState {
    /// How many photometry parses the cache has done (for tests: once per type).
    pub fn parse_count(&self) -> usize {
        self.parses
    }

    /// The parsed photometry of luminaire type `id`, parsing only when the type's source
    /// changed since the last call.
    fn photometry(&mut self, id: &str, source: &PhotometrySource) -> &Result<Photometry, String> {
        let parses = &mut self.parses;
        let parse = |parses: &mut usize| {
            *parses += 1;
            crate::photometry::catalogue::load(source).map_err(|e| e.to_string())
        };
        let c = self.cache.entry(id.to_string()).or_insert_with(|| Cached {
            source: source.clone(),
            result: parse(parses),
        });
        if &c.source != source {
            c.source = source.clone();
            c.result = parse(parses);
        }
        &c.result
    }

    /// Imports the r-table at `path` into the plan's road surfaces and records the outcome
    /// for the window.
    pub fn import_surface(&mut self, state: &mut AppState, path: &Path) {
        self.open = true;
        self.message = Some(match state.import_surface_file(path) {
            Ok(id) => Ok(format!("Imported {} as road surface {id}", path.display())),
            Err(e) => Err(format!("Not imported; the plan is unchanged.\n{e}")),
        });
    }

    /// Imports the file at `path` into the plan and records the outcome for the window.
    pub fn import_path(&mut self, state: &mut AppState, path: &Path) {
        self.open = true;
        self.message = Some(match state.import_luminaire_file(path) {
            Ok(id) => {
                self.selected = Some(id.clone());
                Ok(format!("Imported {} as {id}", path.display()))
            }
            Err(e) => Err(format!("Not imported; the plan is unchanged.\n{e}")),
        });
    }
}

/// Relative difference text of a flux check, and whether it is flagged (> 3 %).
pub fn flux_check_text(fc: &FluxCheck) -> (String, bool) {
    let pct = (fc.ratio - 1.0) * 100.0;
    let flagged = !fc.agrees();
    (
        format!(
            "{}{:.0} / {:.0} lm ({pct:+.1} %)",
            if flagged { "DIFFERS: " } else { "" },
            fc.integrated_lm,
            fc.declared_lm
        ),
        flagged,
    )
}

/// Parses a user-typed number, accepting a decimal comma.
fn parse_number(s: &str) -> Option<f64> {
    s.trim().replace(',', ".").parse::<f64>().ok()
}

/// Draws the catalogue window when open; returns an action for the owner.
pub fn window(
    ctx: &egui::Context,
    state: &mut AppState,
    cat: &mut CatalogueState,
) -> Option<Action> {
    if !cat.open {
        return None;
    }
    let mut open = true;
    let mut action = None;
    egui::Window::new("Luminaire catalogue")
        .open(&mut open)
        .default_width(820.0)
        .resizable(true)
        .show(ctx, |ui| {
            action = contents(ui, state, cat);
        });
    cat.open = open;
    action
}

fn contents(ui: &mut egui::Ui, state: &mut AppState, cat: &mut CatalogueState) -> Option<Action> {
    let mut action = None;
    ui.horizontal(|ui| {
        if ui.button("Import .ldt/.ies…").clicked() {
            action = Some(Action::ImportDialog);
        }
        ui.label("or type a path:");
        let edit = ui.add(
            egui::TextEdit::singleline(&mut cat.import_path)
                .desired_width(300.0)
                .id_salt("catalogue_import_path")
                .hint_text("/path/to/luminaire.ldt"),
        );
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Import").clicked() || enter) && !cat.import_path.trim().is_empty() {
            let path = std::path::PathBuf::from(cat.import_path.trim());
            cat.import_path.clear();
            cat.import_path(state, &path);
        }
    });
    match &cat.message {
        Some(Ok(m)) => {
            ui.label(m);
        }
        Some(Err(m)) => {
            ui.colored_label(ui.visuals().error_fg_color, m);
        }
        None => {}
    }
    ui.separator();
    egui::CollapsingHeader::new("Road surfaces (r-tables)")
        .default_open(true)
        .show(ui, |ui| {
            if let Some(a) = surfaces(ui, state, cat) {
                action = Some(a);
            }
        });
    ui.separator();
    if state.plan().luminaires.is_empty() {
        ui.label("The plan has no luminaire types yet: import an .ldt or .ies file.");
        return action;
    }
    if cat
        .selected
        .as_ref()
        .is_none_or(|s| !state.plan().luminaires.iter().any(|l| &l.id == s))
    {
        cat.selected = state.plan().luminaires.first().map(|l| l.id.clone());
    }
    table(ui, state, cat);
    ui.separator();
    let selected = cat
        .selected
        .clone()
        .and_then(|id| state.plan().luminaires.iter().find(|l| l.id == id).cloned());
    if let Some(l) = selected {
        ui.label(RichText::new(format!("{} — {}", l.id, l.name)).strong());
        match cat.photometry(&l.id, &l.photometry) {
            Ok(ph) => polar_diagram(ui, &ph.table, 380.0),
            Err(e) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
        }
    }
    action
}

/// The road surfaces: the bundled C2 and the plan's own, each with the self-check values
/// computed from its table (S1, Q0) and the streets using it; an import row.
fn surfaces(ui: &mut egui::Ui, state: &mut AppState, cat: &mut CatalogueState) -> Option<Action> {
    use crate::lighting::surface::{C2_CSV, RTable};
    let mut action = None;
    let plan = state.plan();
    let mut rows: Vec<(&str, &str, &str)> = vec![(
        crate::plan::DEFAULT_SURFACE,
        "CIE C2, standard dry road (bundled)",
        C2_CSV,
    )];
    rows.extend(
        plan.surfaces
            .iter()
            .map(|s| (s.id.as_str(), s.name.as_str(), s.table_csv.as_str())),
    );
    let mut checks = Vec::with_capacity(rows.len());
    for &(id, _, csv) in &rows {
        let fresh = cat
            .surface_checks
            .get(id)
            .is_some_and(|(seen, _)| seen == csv);
        if !fresh {
            let check = RTable::parse(csv, Path::new(id))
                .map(|t| (t.s1(), t.q0()))
                .map_err(|e| e.to_string());
            cat.surface_checks
                .insert(id.to_owned(), (csv.to_owned(), check));
        }
        checks.push(cat.surface_checks[id].1.clone());
    }
    egui::Grid::new("surfaces_table")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            for h in ["Surface", "Name", "S1", "Q0", "Streets"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for (&(id, name, _), check) in rows.iter().zip(&checks) {
                ui.label(id);
                ui.label(name);
                match check {
                    Ok((s1, q0)) => {
                        ui.label(format!("{s1:.2}"));
                        ui.label(format!("{q0:.3}"));
                    }
                    Err(e) => {
                        ui.colored_label(ui.visuals().error_fg_color, "unreadable")
                            .on_hover_text(e);
                        ui.label("");
                    }
                }
                let used = plan.streets.iter().filter(|s| s.surface == id).count();
                ui.label(used.to_string());
                ui.end_row();
            }
        });
    ui.horizontal(|ui| {
        if ui.button("Import r-table (.csv)…").clicked() {
            action = Some(Action::ImportSurfaceDialog);
        }
        ui.label("or type a path:");
        let edit = ui.add(
            egui::TextEdit::singleline(&mut cat.surface_path)
                .desired_width(260.0)
                .id_salt("catalogue_surface_path")
                .hint_text("/path/to/r3.csv"),
        );
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Import surface").clicked() || enter) && !cat.surface_path.trim().is_empty() {
            let path = std::path::PathBuf::from(cat.surface_path.trim());
            cat.surface_path.clear();
            cat.import_surface(state, &path);
        }
    });
    ui.label(
        RichText::new(
            "S1 = r(0, 2) / r(0, 0); Q0 = the average of r / cos³γ over the table's solid \
             angle (trapezoidal rule): C2 nominal 0.97 and 0.07.",
        )
        .small(),
    );
    action
}

fn table(ui: &mut egui::Ui, state: &mut AppState, cat: &mut CatalogueState) {
    let warn = ui.visuals().warn_fg_color;
    let err = ui.visuals().error_fg_color;
    let mut rotate: Option<(String, String)> = None;
    egui::ScrollArea::vertical()
        .id_salt("catalogue_scroll")
        .max_height(240.0)
        .show(ui, |ui| {
            egui::Grid::new("catalogue_grid")
                .striped(true)
                .num_columns(9)
                .show(ui, |ui| {
                    for h in [
                        "Id",
                        "Name",
                        "File",
                        "Flux (lm)",
                        "Power (W)",
                        "Output (%)",
                        "Efficacy (lm/W)",
                        "Flux integrated / declared",
                        "ULOR (%)",
                    ] {
                        ui.strong(h);
                    }
                    let rotation_header = ui.strong("Rotation (°)").id;
                    ui.end_row();
                    let types = state.plan().luminaires.clone();
                    for l in &types {
                        let selected = cat.selected.as_deref() == Some(l.id.as_str());
                        if ui.selectable_label(selected, &l.id).clicked() {
                            cat.selected = Some(l.id.clone());
                        }
                        if ui.selectable_label(selected, &l.name).clicked() {
                            cat.selected = Some(l.id.clone());
                        }
                        ui.label(match &l.photometry {
                            PhotometrySource::Bundled(f) => format!("bundled: {f}"),
                            PhotometrySource::Embedded { file_name, .. } => {
                                format!("embedded: {file_name}")
                            }
                        });
                        ui.label(format!("{:.0}", l.flux_lm));
                        ui.label(format!("{:.1}", l.power_w));
                        // The driver's set output (`output_level`); the rated flux and
                        // power are the file's, the lighting and energy scale them.
                        ui.label(format!("{:.0}", l.output_level * 100.0))
                            .on_hover_text(format!(
                                "driver set to {:.0} % of the rated output: {:.1} W",
                                l.output_level * 100.0,
                                l.set_power_w()
                            ));
                        if l.power_w > 0.0 && l.flux_lm.is_finite() {
                            ui.label(format!("{:.1}", l.flux_lm / l.power_w));
                        } else {
                            ui.label("—");
                        }
                        match cat.photometry(&l.id, &l.photometry) {
                            Ok(ph) => match ph.flux_check() {
                                Some(fc) => {
                                    let (text, flagged) = flux_check_text(&fc);
                                    if flagged {
                                        ui.colored_label(warn, text).on_hover_text(
                                            "The flux integrated from the intensity table \
                                             differs from the file's declared flux by more \
                                             than 3 %: check the file's lamp data and LORL.",
                                        );
                                    } else {
                                        ui.label(text);
                                    }
                                }
                                None => {
                                    ui.label(format!(
                                        "absolute: {:.0} lm integrated",
                                        ph.table.flux_lm()
                                    ));
                                }
                            },
                            Err(e) => {
                                ui.colored_label(err, "unreadable")
                                    .on_hover_text(e.as_str());
                            }
                        }
                        // Upward light: the share of the flux above the horizontal.
                        match cat
                            .photometry(&l.id, &l.photometry)
                            .as_ref()
                            .ok()
                            .and_then(|ph| ph.table.ulor())
                        {
                            Some(u) => ui.label(format!("{:.1}", 100.0 * u)).on_hover_text(
                                "Upward light output ratio: the share of the luminaire's \
                                 flux sent above the horizontal (sky glow).",
                            ),
                            None => ui.label("—"),
                        };
                        let text = cat
                            .rotation_text
                            .entry(l.id.clone())
                            .or_insert_with(|| format!("{}", l.rotation_deg));
                        let r = ui
                            .add(
                                egui::TextEdit::singleline(text)
                                    .desired_width(60.0)
                                    .id_salt(("rotation", l.id.as_str())),
                            )
                            .labelled_by(rotation_header);
                        if r.lost_focus() {
                            rotate = Some((l.id.clone(), text.clone()));
                        } else if !r.has_focus() {
                            // Follow undo/redo and other edits while not being typed in.
                            let shown = format!("{}", l.rotation_deg);
                            if *text != shown {
                                *text = shown;
                            }
                        }
                        ui.end_row();
                    }
                });
        });
    if let Some((id, text)) = rotate {
        let result = match parse_number(&text) {
            Some(deg) => state.set_luminaire_rotation(&id, deg),
            None => Err(format!("rotation {text:?}: type a number of degrees").into()),
        };
        match result {
            Ok(true) => cat.message = Some(Ok(state.status.clone())),
            Ok(false) => {}
            Err(e) => {
                cat.message = Some(Err(format!("{id}: {e}")));
                cat.rotation_text.remove(&id);
            }
        }
    }
}

/// A step of 1, 2 or 5 times a power of ten, at least `x`.
fn nice_step(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|s| *s >= x)
        .unwrap_or(10.0 * p)
}

/// Draws the polar intensity diagram of `table`: the C0–C180 and C90–C270 planes, gamma 0
/// pointing down (as photometric polar plots are drawn), rings labelled in cd, a legend.
pub fn polar_diagram(ui: &mut egui::Ui, table: &IntensityTable, size: f32) {
    let planes = [
        (0.0, 180.0, C0_COLOR, "C0–C180"),
        (90.0, 270.0, C90_COLOR, "C90–C270"),
    ];
    let curves: Vec<_> = planes
        .iter()
        .map(|&(a, b, color, label)| (table.plane_curve(a), table.plane_curve(b), color, label))
        .collect();
    let max_cd = curves
        .iter()
        .flat_map(|(a, b, ..)| a.iter().chain(b.iter()).map(|&(_, cd)| cd))
        .filter(|cd| cd.is_finite())
        .fold(0.0f64, f64::max);
    let step = nice_step(max_cd / 4.0);
    let rings = ((max_cd / step).ceil() as usize).clamp(1, 10);
    let full = step * rings as f64;

    // Legend.
    ui.horizontal(|ui| {
        for (_, _, color, label) in &curves {
            let (r, p) = ui.allocate_painter(vec2(24.0, 12.0), Sense::hover());
            p.line_segment(
                [r.rect.left_center(), r.rect.right_center()],
                Stroke::new(2.5, *color),
            );
            ui.label(*label);
        }
        ui.label(format!("peak {max_cd:.0} cd, rings every {step:.0} cd"));
    });

    let (resp, painter) = ui.allocate_painter(vec2(size, size), Sense::hover());
    let rect = resp.rect;
    let centre = rect.center();
    let radius = size * 0.5 - 24.0;
    let grid = ui.visuals().weak_text_color();
    let text = ui.visuals().text_color();
    let font = FontId::proportional(10.0);
    let scale = |cd: f64| (cd / full) as f32 * radius;
    // Rings with their cd values along the downward axis.
    for k in 1..=rings {
        let r = scale(step * k as f64);
        painter.circle_stroke(centre, r, Stroke::new(0.5, grid));
        painter.text(
            centre + vec2(3.0, r - 1.0),
            Align2::LEFT_BOTTOM,
            format!("{:.0} cd", step * k as f64),
            font.clone(),
            grid,
        );
    }
    // Radial lines every 30 degrees of gamma, both sides; gamma labels.
    for g in (0..=180).step_by(30) {
        let gr = (g as f32).to_radians();
        for side in [-1.0f32, 1.0] {
            let dir = vec2(side * gr.sin(), gr.cos());
            painter.line_segment([centre, centre + dir * radius], Stroke::new(0.5, grid));
            if side > 0.0 || (g != 0 && g != 180) {
                painter.text(
                    centre + dir * (radius + 11.0),
                    Align2::CENTER_CENTER,
                    format!("{g}°"),
                    font.clone(),
                    grid,
                );
            }
        }
    }
    // Plane labels on their sides.
    painter.text(
        rect.left_top() + vec2(4.0, 2.0),
        Align2::LEFT_TOP,
        "C180 / C270",
        font.clone(),
        text,
    );
    painter.text(
        rect.right_top() + vec2(-4.0, 2.0),
        Align2::RIGHT_TOP,
        "C0 / C90",
        font.clone(),
        text,
    );
    // The curves: C0 (C90) to the right, C180 (C270) to the left, gamma 0 down.
    let point = |side: f32, g_deg: f64, cd: f64| -> Pos2 {
        let g = g_deg.to_radians() as f32;
        let r = scale(cd.max(0.0));
        centre + vec2(side * r * g.sin(), r * g.cos())
    };
    for (right, left, color, _) in &curves {
        let mut pts: Vec<Pos2> = right
            .iter()
            .filter(|(_, cd)| cd.is_finite())
            .map(|&(g, cd)| point(1.0, g, cd))
            .collect();
        pts.splice(
            0..0,
            left.iter()
                .rev()
                .filter(|(_, cd)| cd.is_finite())
                .map(|&(g, cd)| point(-1.0, g, cd)),
        );
        if pts.len() >= 2 {
            painter.line(pts, Stroke::new(2.0, *color));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(130.0), 200.0);
        assert_eq!(nice_step(400.0), 500.0);
        assert_eq!(nice_step(2000.0), 2000.0);
        assert_eq!(nice_step(0.0), 1.0);
    }

    #[test]
    fn flux_check_text_flags_over_three_per_cent() {
        let ok = FluxCheck {
            integrated_lm: 1010.0,
            declared_lm: 1000.0,
            ratio: 1.01,
        };
        let bad = FluxCheck {
            integrated_lm: 1050.0,
            declared_lm: 1000.0,
            ratio: 1.05,
        };
        assert!(!flux_check_text(&ok).1);
        assert!(flux_check_text(&bad).1);
        assert!(flux_check_text(&bad).0.contains("+5.0 %"));
    }

    #[test]
    fn decimal_comma_rotation() {
        assert_eq!(parse_number(" 12,5 "), Some(12.5));
        assert_eq!(parse_number("abc"), None);
    }
}
