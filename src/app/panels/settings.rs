//! The settings window: where the tile cache lives, and another XYZ tile server (URL
//! template with {z} {x} {y}, and the attribution text its licence requires).

use egui::{Color32, Ui};

/// A user-chosen XYZ tile server, persisted with the app's eframe storage.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct TileServer {
    /// e.g. `https://tile.example.org/{z}/{x}/{y}.png`
    pub url_template: String,
    /// Shown in the map's corner, e.g. "© Example contributors".
    pub attribution: String,
}

impl TileServer {
    /// The server's host name, for the status bar ("tile.example.org").
    pub fn host(&self) -> String {
        let rest = self
            .url_template
            .trim()
            .split_once("://")
            .map_or(self.url_template.as_str(), |(_, r)| r);
        rest.split(['/', '?']).next().unwrap_or(rest).to_string()
    }
}

/// Why a URL template is unusable, or Ok.
pub fn validate_url_template(url: &str) -> Result<(), String> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err("the URL must start with https:// (or http://)".into());
    }
    let missing: Vec<&str> = ["{z}", "{x}", "{y}"]
        .into_iter()
        .filter(|p| !url.contains(p))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the URL must contain {{z}}, {{x}} and {{y}}; missing {}",
            missing.join(" ")
        ));
    }
    Ok(())
}

impl TileServer {
    /// The server, if its template is valid and its attribution is not empty.
    pub fn validated(&self) -> Result<TileServer, String> {
        validate_url_template(&self.url_template)?;
        if self.attribution.trim().is_empty() {
            return Err("enter the attribution text the tile server's licence requires".into());
        }
        Ok(TileServer {
            url_template: self.url_template.trim().to_string(),
            attribution: self.attribution.trim().to_string(),
        })
    }
}

/// A walkers tile source from a URL template.
pub struct TemplateSource(pub String);

impl walkers::sources::TileSource for TemplateSource {
    fn tile_url(&self, t: walkers::TileId) -> String {
        self.0
            .replace("{z}", &t.zoom.to_string())
            .replace("{x}", &t.x.to_string())
            .replace("{y}", &t.y.to_string())
    }

    fn attribution(&self) -> walkers::sources::Attribution {
        // The user's own text is drawn by the app's attribution plugin.
        walkers::sources::Attribution {
            text: "custom tile server",
            url: "",
            logo_light: None,
            logo_dark: None,
        }
    }
}

/// The window's editing state.
#[derive(Debug, Clone, Default)]
pub struct SettingsWindow {
    pub open: bool,
    /// What is being typed.
    pub draft: TileServer,
    pub error: Option<String>,
}

/// What the user did in the window.
#[derive(Debug, Clone, PartialEq)]
pub enum SettingsAction {
    None,
    /// Use this tile server from now on.
    Apply(TileServer),
    /// Back to OpenStreetMap.
    Reset,
}

/// Shows the window contents.
pub fn ui(ui: &mut Ui, w: &mut SettingsWindow) -> SettingsAction {
    let mut action = SettingsAction::None;
    ui.label("Tile cache folder:");
    ui.monospace(
        crate::app::tile_cache_dir()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "(no cache folder on this system)".into()),
    );
    ui.separator();
    ui.label("Tile server URL template ({z}/{x}/{y}):");
    ui.add(
        egui::TextEdit::singleline(&mut w.draft.url_template)
            .desired_width(380.0)
            .id_salt("tile_url"),
    );
    ui.label("Attribution text:");
    ui.add(
        egui::TextEdit::singleline(&mut w.draft.attribution)
            .desired_width(380.0)
            .id_salt("tile_attribution"),
    );
    ui.horizontal(|ui| {
        if ui.button("Apply tile server").clicked() {
            match w.draft.validated() {
                Ok(s) => {
                    w.error = None;
                    action = SettingsAction::Apply(s);
                }
                Err(e) => w.error = Some(e),
            }
        }
        if ui.button("Use OpenStreetMap").clicked() {
            w.error = None;
            action = SettingsAction::Reset;
        }
    });
    if let Some(e) = &w.error {
        ui.colored_label(Color32::from_rgb(200, 30, 30), e);
    }
    action
}

#[cfg(test)]
mod tests {
    use super::*;
    use walkers::sources::TileSource;

    #[test]
    fn url_template_needs_z_x_y_and_http() {
        assert!(validate_url_template("https://t.example.org/{z}/{x}/{y}.png").is_ok());
        let e = validate_url_template("https://t.example.org/{z}/{x}.png").unwrap_err();
        assert!(e.contains("missing {y}"), "{e}");
        assert!(validate_url_template("ftp://t/{z}/{x}/{y}").is_err());
        assert!(
            TileServer {
                url_template: "https://t/{z}/{x}/{y}".into(),
                attribution: " ".into()
            }
            .validated()
            .is_err()
        );
    }

    #[test]
    fn template_source_fills_in_the_tile() {
        let s = TemplateSource("https://t/{z}/{x}/{y}.png".into());
        let url = s.tile_url(walkers::TileId {
            x: 3,
            y: 5,
            zoom: 7,
        });
        assert_eq!(url, "https://t/7/3/5.png");
    }

    #[test]
    fn the_host_of_a_template_names_the_server() {
        let t = TileServer {
            url_template: "https://tile.example.org/{z}/{x}/{y}.png?key=1".into(),
            attribution: String::new(),
        };
        assert_eq!(t.host(), "tile.example.org");
        let odd = TileServer {
            url_template: "tiles/{z}".into(),
            attribution: String::new(),
        };
        assert_eq!(odd.host(), "tiles");
    }
}
