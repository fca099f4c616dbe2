//! The menu bar and the toolbar, both made from the command table, and the status bar.

use super::LysplanApp;
use super::commands::{Command, Menu};
use super::state::Tool;

impl LysplanApp {
    /// One menu button for `cmd`: its label (Undo/Redo name what they would do), its
    /// first shortcut, greyed out when disabled, ticked when it is a toggle that is on.
    fn command_button(&mut self, ui: &mut egui::Ui, cmd: Command) {
        let label = match &cmd {
            Command::Undo => self
                .state
                .undo_label()
                .map_or("Undo".into(), |l| format!("Undo {l}")),
            Command::Redo => self
                .state
                .redo_label()
                .map_or("Redo".into(), |l| format!("Redo {l}")),
            c => c.label(),
        };
        let keys = cmd.shortcut_text();
        let mut button = egui::Button::new(label);
        if !keys.is_empty() {
            // (An empty shortcut text would still add a blank to the button's label.)
            button = button.shortcut_text(keys);
        }
        if let Some(on) = cmd.checked(self) {
            button = button.selected(on);
        }
        let r = ui
            .add_enabled(cmd.enabled(self), button)
            .on_hover_text(cmd.help());
        if r.clicked() {
            let ctx = ui.ctx().clone();
            self.run(&ctx, cmd);
            ui.close();
        }
    }

    pub(super) fn menu_bar(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            for menu in Menu::ALL {
                ui.menu_button(menu.title(), |ui| {
                    for cmd in Command::all()
                        .into_iter()
                        .filter(|c| c.menu() == Some(menu))
                    {
                        if cmd.separated() {
                            ui.separator();
                        }
                        let recent_after = cmd == Command::OpenBundled;
                        self.command_button(ui, cmd);
                        if recent_after {
                            self.recent_menu(ui);
                        }
                    }
                });
            }
            // The tools share the menu bar's row: always visible, no height taken from
            // the map.
            ui.separator();
            self.toolbar(ui);
        });
    }

    fn recent_menu(&mut self, ui: &mut egui::Ui) {
        ui.menu_button("Open recent", |ui| {
            if self.recent.is_empty() {
                ui.label("(none yet)");
            }
            for p in self.recent.clone() {
                if ui.button(p.display().to_string()).clicked() {
                    let ctx = ui.ctx().clone();
                    self.run(&ctx, Command::OpenRecent(p));
                    ui.close();
                }
            }
        });
    }

    /// The tools, always visible, with undo/redo and the palette.
    fn toolbar(&mut self, ui: &mut egui::Ui) {
        {
            for tool in [Tool::Select, Tool::AddPole, Tool::Measure, Tool::EditRoute] {
                let cmd = Command::Tool(tool);
                let r = ui
                    .selectable_label(self.state.tool == tool, tool.label())
                    .on_hover_text(format!("{} ({})", cmd.help(), cmd.shortcut_text()));
                if r.clicked() {
                    self.run(ui.ctx(), cmd);
                }
            }
            ui.separator();
            for cmd in [Command::Undo, Command::Redo] {
                let text = if cmd == Command::Undo { "Undo" } else { "Redo" };
                let r = ui
                    .add_enabled(cmd.enabled(self), egui::Button::new(text))
                    .on_hover_text(format!("{} ({})", cmd.label(), cmd.shortcut_text()));
                if r.clicked() {
                    self.run(ui.ctx(), cmd);
                }
            }
            ui.separator();
            if ui
                .button("Commands…")
                .on_hover_text("Command palette (Ctrl+K)")
                .clicked()
            {
                self.run(ui.ctx(), Command::Palette);
            }
            if self.row.picking.is_some() {
                ui.separator();
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "Picking the row's ends on the map (Esc stops)",
                );
            }
        }
    }

    pub(super) fn status_bar(&self, ui: &mut egui::Ui) {
        // One line, always: a wrapping status bar would change the map's height (and
        // move the map under the pointer) whenever the text grows.
        ui.horizontal(|ui| {
            if let Some(at) = self.map.tools.hover {
                let (lon, lat, xy) = (at.lon, at.lat, at.to_xy());
                ui.monospace(format!(
                    "{lon:.6}° E {lat:.6}° N  |  E {:.1} N {:.1} (EPSG:25832)",
                    xy.x, xy.y
                ));
                if let Some((street, ch, off)) = self.state.street_at(at) {
                    ui.separator();
                    ui.label(format!(
                        "{street} at {ch:.0} m, {off:.0} m from the centreline"
                    ));
                }
                ui.separator();
            }
            ui.label(format!(
                "{} poles, {} selected",
                self.state.plan().poles.len(),
                self.state.selection.len()
            ));
            ui.separator();
            ui.label(self.map.tiles_status());
            self.coverage.status_ui(ui);
            if !self.state.status.is_empty() {
                ui.separator();
                // Cut at the window's edge with "…", the whole message on hover.
                ui.add(egui::Label::new(&self.state.status).truncate())
                    .on_hover_text(&self.state.status);
            }
        });
    }
}
