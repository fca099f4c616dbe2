//! Drawing the app's modal and floating windows: problems, the typed-path window (the
//! view of [`super::files::TypedPath`]), "save the unsaved changes?", the F1 help and the
//! command palette (both made from the command table), and the tile-server settings.

use super::LysplanApp;
use super::commands::{Command, Menu};
use super::fileops::resolve_typed;
use super::files::{PendingDialog, TypedPath};
use super::panels;

/// Mouse gestures on the map, for the help (keys come from the command table).
pub const MOUSE_HELP: &[(&str, &str)] = &[
    ("Wheel / pinch", "Zoom about the cursor"),
    ("Drag empty map", "Pan"),
    ("Click a pole", "Select it (Shift+click adds or removes)"),
    (
        "Drag a pole",
        "Move it along its street at the same offset (Alt+drag: freely)",
    ),
    (
        "Shift+drag empty map",
        "Select the poles inside the rectangle (Select tool)",
    ),
    (
        "Drag a square handle",
        "Move a street vertex (Edit route; round handles insert one)",
    ),
    (
        "Right-click a vertex",
        "Delete it (Edit route; a street keeps two)",
    ),
    (
        "Double-click",
        "Finish the street being drawn; else zoom in",
    ),
];

/// Which windows are open, and what they hold.
#[derive(Default)]
pub struct Dialogs {
    /// A native file dialog running on its worker thread.
    pub native: Option<PendingDialog>,
    pub typed: Option<TypedPath>,
    pub error: Option<String>,
    pub help: bool,
    /// A command waiting for "save the unsaved changes?".
    pub confirm: Option<Command>,
    /// A command to run once the Save As started from that question has saved.
    pub after_save: Option<Command>,
    pub palette: Palette,
    /// Unsaved work a crashed session left, offered at start.
    pub recover: Option<super::recovery::Recovered>,
}

/// The command palette (Ctrl+K): type to filter, arrows choose, Enter runs.
#[derive(Default)]
pub struct Palette {
    pub is_open: bool,
    pub query: String,
    pub selected: usize,
    focus: bool,
}

impl Palette {
    pub fn open(&mut self) {
        *self = Palette {
            is_open: !self.is_open,
            focus: true,
            ..Default::default()
        };
    }
}

/// Whether `label` matches every word of `query` (case-insensitive, in any order).
pub fn matches(label: &str, query: &str) -> bool {
    let label = label.to_lowercase();
    query
        .to_lowercase()
        .split_whitespace()
        .all(|w| label.contains(w))
}

/// Where the first word of `query` starts in `label` (0 when the query is empty).
pub fn match_position(label: &str, query: &str) -> usize {
    query
        .split_whitespace()
        .next()
        .and_then(|w| label.to_lowercase().find(&w.to_lowercase()))
        .unwrap_or(0)
}

/// What a command that replaces the document will do, for the question.
fn what_happens(cmd: &Command) -> String {
    match cmd {
        Command::OpenRecent(p) => format!("opening {}", p.display()),
        Command::OpenBundled => "opening the bundled DOLL plan".into(),
        Command::Open | Command::OpenTyped => "opening another plan".into(),
        Command::NewPlan => "starting a new plan".into(),
        Command::Quit => "quitting".into(),
        other => other.label().to_lowercase(),
    }
}

impl LysplanApp {
    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        self.recover_window(ctx);
        self.problem_window(ctx);
        self.typed_path_window(ctx);
        self.confirm_window(ctx);
        self.settings_window(ctx);
        self.help_window(ctx);
        self.palette_window(ctx);
        if let Some(status) =
            panels::plan_settings::window(ctx, &mut self.state, &mut self.plan_settings)
        {
            self.state.status = status;
        }
        let coverage = self.coverage.worker.result().map(|r| &**r);
        if let Some(status) =
            panels::energy::window(ctx, &mut self.state, &mut self.energy, coverage)
        {
            self.state.status = status;
        }
        if let Some(chosen) = super::osm_import::window(ctx, &mut self.osm) {
            self.state.status = self.add_osm(chosen);
        }
    }

    fn recover_window(&mut self, ctx: &egui::Context) {
        let Some(r) = &self.dialogs.recover else {
            return;
        };
        let what = r.describe();
        let mut answer = None;
        egui::Window::new("Recover unsaved changes")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                ui.label("Lysplan was not closed cleanly last time.");
                ui.label(format!("Recover the unsaved changes to {what}?"));
                ui.horizontal(|ui| {
                    if ui.button("Recover").clicked() {
                        answer = Some(true);
                    }
                    if ui.button("Discard them").clicked() {
                        answer = Some(false);
                    }
                });
            });
        match answer {
            Some(true) => {
                if let Some(r) = self.dialogs.recover.take() {
                    let name = what.clone();
                    self.state.replace_plan(r.plan, r.path);
                    self.state.doc.mark_recovered();
                    self.state.status = format!("Recovered {name}: save it to keep it");
                    self.on_new_document();
                }
            }
            Some(false) => {
                self.dialogs.recover = None;
                self.autosave.discard();
            }
            None => {}
        }
    }

    fn problem_window(&mut self, ctx: &egui::Context) {
        let Some(msg) = self.dialogs.error.clone() else {
            return;
        };
        egui::Window::new("Problem")
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label(msg);
                if ui.button("OK").clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    self.dialogs.error = None;
                }
            });
    }

    fn typed_path_window(&mut self, ctx: &egui::Context) {
        let Some(mut tp) = self.dialogs.typed.take() else {
            return;
        };
        let purpose = tp.purpose;
        let mut keep = true;
        let mut chosen = None;
        let resolved = resolve_typed(&tp.text, self.state.path());
        egui::Window::new(tp.purpose.title())
            .collapsible(false)
            .show(ctx, |ui| {
                if !tp.note.is_empty() {
                    ui.label(&tp.note);
                }
                let mut submit = false;
                ui.horizontal(|ui| {
                    ui.label("Path:");
                    let r = ui.add(
                        egui::TextEdit::singleline(&mut tp.text)
                            .desired_width(420.0)
                            .id_salt("typed_path"),
                    );
                    if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                        submit = true;
                    }
                    if tp.text.is_empty() && !r.has_focus() {
                        r.request_focus();
                    }
                });
                if !tp.text.trim().is_empty() {
                    ui.weak(format!("File: {}", resolved.display()));
                }
                ui.horizontal(|ui| {
                    if ui.button("OK").clicked() {
                        submit = true;
                    }
                    if ui.button("Cancel").clicked() {
                        keep = false;
                        self.dialogs.after_save = None;
                    }
                });
                if submit && !tp.text.trim().is_empty() {
                    keep = false;
                    chosen = Some(resolved.clone());
                }
            });
        if keep {
            self.dialogs.typed = Some(tp);
        }
        if let Some(path) = chosen {
            self.finish_path(ctx, purpose, path);
        }
    }

    fn confirm_window(&mut self, ctx: &egui::Context) {
        let Some(cmd) = self.dialogs.confirm.clone() else {
            return;
        };
        let name = self.state.plan().name.clone();
        egui::Window::new("Unsaved changes")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                ui.label(format!("The plan \"{name}\" has unsaved changes."));
                ui.label(format!("Save them before {}?", what_happens(&cmd)));
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        self.dialogs.confirm = None;
                        if self.save(ctx) {
                            self.execute(ctx, cmd.clone());
                        } else if self.dialogs.native.is_some() || self.dialogs.typed.is_some() {
                            // Saving asks where first; the command runs once it saved.
                            self.dialogs.after_save = Some(cmd.clone());
                        }
                    }
                    if ui.button("Don't save").clicked() {
                        self.dialogs.confirm = None;
                        // Asked and answered: nothing to recover after this.
                        self.autosave.discard();
                        self.execute(ctx, cmd.clone());
                    }
                    if ui.button("Cancel").clicked() {
                        self.dialogs.confirm = None;
                    }
                });
            });
    }

    fn settings_window(&mut self, ctx: &egui::Context) {
        if !self.settings.open {
            return;
        }
        let mut open = true;
        let mut action = panels::settings::SettingsAction::None;
        egui::Window::new("Settings")
            .open(&mut open)
            .show(ctx, |ui| {
                action = panels::settings::ui(ui, &mut self.settings);
                ui.separator();
                let label =
                    ui.label("Overpass endpoint (for File > Import streets from OpenStreetMap):");
                ui.add(
                    egui::TextEdit::singleline(&mut self.osm.endpoint)
                        .hint_text(crate::osm::DEFAULT_ENDPOINT)
                        .desired_width(380.0),
                )
                .labelled_by(label.id);
            });
        self.settings.open = open;
        match action {
            panels::settings::SettingsAction::None => {}
            panels::settings::SettingsAction::Apply(t) => {
                self.state.status = format!("Tiles from {}", t.url_template);
                self.set_tile_server(ctx, Some(t));
            }
            panels::settings::SettingsAction::Reset => {
                self.state.status = "Tiles from OpenStreetMap".into();
                self.set_tile_server(ctx, None);
            }
        }
    }

    fn help_window(&mut self, ctx: &egui::Context) {
        if !self.dialogs.help {
            return;
        }
        let mut open = true;
        egui::Window::new("Keyboard shortcuts and commands")
            .open(&mut open)
            .default_width(620.0)
            .show(ctx, |ui| {
                egui::ScrollArea::vertical()
                    .max_height(560.0)
                    .show(ui, |ui| {
                        help_grid(ui);
                    });
            });
        self.dialogs.help = open;
    }

    fn palette_window(&mut self, ctx: &egui::Context) {
        if !self.dialogs.palette.is_open {
            return;
        }
        let mut candidates: Vec<Command> = Command::all();
        candidates.extend(self.recent.iter().cloned().map(Command::OpenRecent));
        let query = self.dialogs.palette.query.clone();
        let mut shown: Vec<Command> = candidates
            .into_iter()
            .filter(|c| c.enabled(self) && matches(&c.label(), &query))
            .collect();
        // Best first: where the first word typed appears earliest in the name.
        shown.sort_by_key(|c| match_position(&c.label(), &query));
        let p = &mut self.dialogs.palette;
        p.selected = p.selected.min(shown.len().saturating_sub(1));
        let (up, down, esc) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::ArrowUp),
                i.key_pressed(egui::Key::ArrowDown),
                i.key_pressed(egui::Key::Escape),
            )
        });
        if down {
            p.selected = (p.selected + 1).min(shown.len().saturating_sub(1));
        }
        if up {
            p.selected = p.selected.saturating_sub(1);
        }
        let mut run = None;
        egui::Window::new("Command palette")
            .collapsible(false)
            .resizable(false)
            .title_bar(false)
            .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 60.0))
            .fixed_size(egui::vec2(480.0, 0.0))
            .show(ctx, |ui| {
                let r = ui.add(
                    egui::TextEdit::singleline(&mut p.query)
                        .hint_text("Type a command…")
                        .desired_width(f32::INFINITY)
                        .id_salt("palette_query"),
                );
                if p.focus {
                    r.request_focus();
                    p.focus = false;
                }
                if r.changed() {
                    p.selected = 0;
                }
                if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    run = shown.get(p.selected).cloned();
                }
                ui.separator();
                for (k, c) in shown.iter().enumerate().take(14) {
                    ui.horizontal(|ui| {
                        let text = c.label();
                        if ui.selectable_label(k == p.selected, text).clicked() {
                            run = Some(c.clone());
                        }
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            ui.weak(c.shortcut_text());
                        });
                    });
                }
                if shown.is_empty() {
                    ui.weak("No command matches.");
                }
            });
        if esc || run.is_some() {
            self.dialogs.palette = Palette::default();
        }
        if let Some(c) = run {
            self.run(ctx, c);
        }
    }
}

/// Every command, by menu, with its shortcuts; then the mouse gestures.
fn help_grid(ui: &mut egui::Ui) {
    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
        for menu in Menu::ALL {
            ui.strong(menu.title());
            ui.end_row();
            for c in Command::all().iter().filter(|c| c.menu() == Some(menu)) {
                ui.monospace(c.shortcut_text());
                ui.label(format!("{} — {}", c.label(), c.help()));
                ui.end_row();
            }
        }
        ui.strong("Mouse");
        ui.end_row();
        for (k, what) in MOUSE_HELP {
            ui.monospace(*k);
            ui.label(*what);
            ui.end_row();
        }
    });
}
