//! The desktop application (egui/eframe/walkers). The only place that imports them.
//!
//! [`state::AppState`] holds the document and everything the app knows; the panels and
//! the map plugins only show it and turn user input into edits on it.

pub mod anchor;
pub mod boxselect;
pub mod catalogue_ops;
pub mod coverage;
pub mod files;
pub mod history;
pub mod map;
pub mod map_coverage;
pub mod map_sections;
pub mod panels;
pub mod pole_raster;
pub mod route;
pub mod row;
pub mod state;
pub mod vendor_ops;

use crate::plan::Plan;
use egui::{Color32, Key, KeyboardShortcut, Modifiers};
use files::{DialogOutcome, PendingDialog, Purpose, TypedPath};
use state::{AppState, Measurement, Tool};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use walkers::{HttpOptions, HttpTiles, MapMemory, lon_lat};

/// The User-Agent sent to tile servers (OSM tile usage policy: name the application).
pub const USER_AGENT: &str = concat!(
    "Lysplan/",
    env!("CARGO_PKG_VERSION"),
    " (outdoor-lighting test-bed planner; DOLL Living Lab)"
);

/// Attribution of the OpenStreetMap standard tiles, always drawn on the map.
pub const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors";

/// The tile cache folder in the user's cache directory.
pub fn tile_cache_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("dk", "Lysplan", "lysplan").map(|d| d.cache_dir().join("tiles"))
}

const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl+O", "Open a plan (RON or GeoJSON)"),
    ("Ctrl+S", "Save"),
    ("Ctrl+Shift+S", "Save as"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z / Ctrl+Y", "Redo"),
    (
        "Delete",
        "Delete the selected poles (Edit route: the selected vertex)",
    ),
    (
        "Escape",
        "Cancel the current tool (back to Select), clear the measurement; while drawing a street, cancel the drawing",
    ),
    (
        "S / A / M / R",
        "Select, Add pole, Measure, Edit route tool",
    ),
    ("Enter / double-click", "Finish the street being drawn"),
    (
        "Backspace",
        "Remove the last vertex of the street being drawn",
    ),
    (
        "Right-click a vertex",
        "Delete it (Edit route; a street keeps two)",
    ),
    (
        "Click a row end",
        "Row tool \"Pick ends on the map\": from, then to",
    ),
    ("Shift+click", "Add a pole to the selection"),
    (
        "Shift+drag empty map",
        "Select the poles inside the rectangle (Select tool)",
    ),
    (
        "Drag a pole",
        "Move it along its street at the same offset (findings update while dragging)",
    ),
    ("Alt+drag a pole", "Move it freely"),
    ("Drag the map / wheel", "Pan / zoom"),
    ("F1", "This help"),
];

/// A pole being dragged.
struct Drag {
    index: usize,
    moved: bool,
    /// The pole's place on its street: the drag slides it along (Alt frees it).
    anchor: Option<anchor::StreetAnchor>,
    /// Pole position minus press position on screen, so the pole does not jump.
    grab_offset: egui::Vec2,
    origin: egui::Pos2,
}

/// A street vertex being dragged (Edit route tool).
struct VertexDrag {
    street: usize,
    vertex: usize,
    /// Pressed on a segment midpoint: the vertex to insert there first.
    insert: Option<[f64; 2]>,
    moved: bool,
    grab_offset: egui::Vec2,
    origin: egui::Pos2,
}

/// Pointer travel, in points, before a press on a pole becomes a move.
const DRAG_THRESHOLD: f32 = 3.0;

/// The main window.
pub struct LysplanApp {
    pub state: AppState,
    memory: MapMemory,
    tiles: Option<HttpTiles>,
    center: walkers::Position,
    colors: HashMap<String, Color32>,
    /// The plan generation `colors` was made from.
    colors_generation: u64,
    /// Vendor section bands for the map, kept per plan revision.
    bands: map_sections::BandCache,
    drag: Option<Drag>,
    vertex_drag: Option<VertexDrag>,
    /// The route editor panel's texts.
    pub route_panel: panels::route::RoutePanel,
    /// The vendors panel's section editor.
    pub vendors_panel: panels::vendors::VendorsPanel,
    boxsel: Option<boxselect::BoxSelect>,
    last_map_rect: Option<egui::Rect>,
    /// Findings list filter and sort order.
    pub findings_filter: panels::findings::FindingsFilter,
    /// The "add a row along the route" tool and its preview.
    pub row: panels::row::RowTool,
    /// The settings window.
    pub settings: panels::settings::SettingsWindow,
    /// A user-chosen XYZ tile server instead of OpenStreetMap.
    tile_server: Option<panels::settings::TileServer>,
    with_tiles: bool,
    inspector: panels::inspector::InspectorState,
    /// The luminaire catalogue window.
    pub catalogue: panels::catalogue::CatalogueState,
    dialog: Option<PendingDialog>,
    typed_path: Option<TypedPath>,
    error: Option<String>,
    show_help: bool,
    /// Bumped after every edit so panels refresh their cached texts.
    revision: usize,
    last_dirty_rev: (bool, usize),
    hover_lonlat: Option<[f64; 2]>,
    confirm_discard: Option<PendingAction>,
    allow_close: bool,
    recent: Vec<PathBuf>,
    /// Zoom to the plan's extent once the map's size is known.
    fit_pending: u8,
    /// Whether the tile server is reachable: NET_* below.
    online: Arc<AtomicU8>,
    /// EN 13201 coverage: background worker, map layer toggle, results window.
    pub coverage: coverage::CoverageUi,
}

const NET_CHECKING: u8 = 0;
const NET_ONLINE: u8 = 1;
const NET_OFFLINE: u8 = 2;
const NET_OFF: u8 = 3;

/// Finds out once, off the UI thread, whether the tile server can be reached, so the
/// status bar can say "offline" instead of leaving a blank map unexplained.
fn spawn_network_probe(flag: Arc<AtomicU8>, ctx: egui::Context) {
    std::thread::spawn(move || {
        use std::net::ToSocketAddrs;
        let ok = ("tile.openstreetmap.org", 443)
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .is_some_and(|addr| {
                std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(3))
                    .is_ok()
            });
        flag.store(if ok { NET_ONLINE } else { NET_OFFLINE }, Ordering::Relaxed);
        ctx.request_repaint();
    });
}

/// Zoom level at which `span_m` metres fill `px` pixels at latitude `lat` (Web Mercator:
/// 156 543 m per pixel at zoom 0 on the equator).
fn zoom_to_fit(span_m: f64, px: f64, lat: f64) -> f64 {
    let m_per_px = span_m.max(100.0) / px.max(100.0);
    (156_543.034 * lat.to_radians().cos() / m_per_px)
        .log2()
        .clamp(2.0, 19.0)
}

/// Each vendor's display colour, by vendor id.
pub fn vendor_colors(plan: &Plan) -> HashMap<String, Color32> {
    plan.vendors
        .iter()
        .map(|v| {
            (
                v.id.clone(),
                Color32::from_rgb(v.color[0], v.color[1], v.color[2]),
            )
        })
        .collect()
}

/// An action waiting for "discard unsaved changes?".
#[derive(Debug, Clone)]
enum PendingAction {
    Open,
    New,
    Close,
}

impl LysplanApp {
    /// The app on `plan`; `with_tiles` fetches OSM tiles (off in tests: no network there).
    pub fn new(ctx: &egui::Context, plan: Plan, path: Option<PathBuf>, with_tiles: bool) -> Self {
        let tiles = with_tiles.then(|| {
            let options = HttpOptions {
                cache: tile_cache_dir(),
                user_agent: Some(walkers::HeaderValue::from_static(USER_AGENT)),
                ..Default::default()
            };
            HttpTiles::with_options(walkers::sources::OpenStreetMap, options, ctx.clone())
        });
        let state = AppState::new(plan, path);
        let mut app = LysplanApp {
            row: panels::row::RowTool::new(&state),
            settings: Default::default(),
            tile_server: None,
            with_tiles,
            state,
            memory: MapMemory::default(),
            tiles,
            center: lon_lat(12.388, 55.685),
            colors: HashMap::new(),
            colors_generation: 0,
            bands: Default::default(),
            drag: None,
            vertex_drag: None,
            route_panel: Default::default(),
            vendors_panel: Default::default(),
            boxsel: None,
            last_map_rect: None,
            findings_filter: Default::default(),
            inspector: Default::default(),
            catalogue: Default::default(),
            dialog: None,
            typed_path: None,
            error: None,
            show_help: false,
            revision: 0,
            last_dirty_rev: (false, 0),
            hover_lonlat: None,
            confirm_discard: None,
            allow_close: false,
            recent: Vec::new(),
            fit_pending: 3,
            online: Arc::new(AtomicU8::new(if with_tiles {
                NET_CHECKING
            } else {
                NET_OFF
            })),
            coverage: Default::default(),
        };
        if with_tiles {
            spawn_network_probe(app.online.clone(), ctx.clone());
        }
        app.on_new_document();
        app
    }

    /// Uses `server` for the map tiles (`None`: OpenStreetMap).
    pub fn set_tile_server(
        &mut self,
        ctx: &egui::Context,
        server: Option<panels::settings::TileServer>,
    ) {
        self.tile_server = server;
        if self.with_tiles {
            let options = HttpOptions {
                cache: tile_cache_dir(),
                user_agent: Some(walkers::HeaderValue::from_static(USER_AGENT)),
                ..Default::default()
            };
            self.tiles = Some(match &self.tile_server {
                Some(t) => HttpTiles::with_options(
                    panels::settings::TemplateSource(t.url_template.clone()),
                    options,
                    ctx.clone(),
                ),
                None => {
                    HttpTiles::with_options(walkers::sources::OpenStreetMap, options, ctx.clone())
                }
            });
        }
    }

    /// The tile server in use, if not OpenStreetMap.
    pub fn tile_server(&self) -> Option<&panels::settings::TileServer> {
        self.tile_server.as_ref()
    }

    fn on_new_document(&mut self) {
        self.colors = vendor_colors(&self.state.plan);
        if let Some(e) = self.state.extent() {
            self.center = lon_lat((e[0] + e[2]) / 2.0, (e[1] + e[3]) / 2.0);
        }
        self.memory.center_at(self.center);
        self.fit_pending = 3;
        self.revision += 1;
        self.drag = None;
        self.vertex_drag = None;
        self.row = panels::row::RowTool::new(&self.state);
    }

    /// Opens a file into the app; on error the current plan stays and the error is shown.
    pub fn open_path(&mut self, path: &Path) {
        match crate::plan::load_any(path) {
            Ok(plan) => {
                self.state.replace_plan(plan, Some(path.to_path_buf()));
                self.state.status = format!("Opened {}", path.display());
                self.remember(path);
                self.on_new_document();
            }
            Err(e) => self.error = Some(format!("Could not open the plan.\n\n{e}")),
        }
    }

    /// Imports the street lines of a GeoJSON file into the plan (undoable).
    pub fn import_streets_from(&mut self, path: &Path) {
        let result = std::fs::read_to_string(path)
            .map_err(|e| crate::error::FileError::io(path, &e))
            .and_then(|text| crate::plan::street_import::read_streets(&text, path));
        match result {
            Ok(imp) => {
                self.state.import_streets(imp.streets, imp.skipped);
                self.revision += 1;
            }
            Err(e) => {
                self.error = Some(format!(
                    "Could not import streets; the plan is unchanged.\n\n{e}"
                ))
            }
        }
    }

    fn remember(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(8);
    }

    /// Saves to `path` (RON, or GeoJSON by extension), atomically.
    pub fn save_to(&mut self, path: &Path) -> bool {
        let is_geojson = matches!(
            path.extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("geojson") | Some("json")
        );
        let r = if is_geojson {
            crate::plan::geojson::save_geojson_atomic(&self.state.plan, path)
        } else {
            crate::plan::save_ron_atomic(&self.state.plan, path)
        };
        match r {
            Ok(()) => {
                if !is_geojson {
                    self.state.path = Some(path.to_path_buf());
                    self.state.dirty = false;
                }
                self.state.status = format!("Saved {}", path.display());
                self.remember(path);
                true
            }
            Err(e) => {
                self.error = Some(format!(
                    "Could not save; the file on disk is unchanged.\n\n{e}"
                ));
                false
            }
        }
    }

    fn save(&mut self, ctx: &egui::Context) {
        match self.state.path.clone() {
            Some(p) if p.extension().is_some_and(|e| e == "ron") => {
                self.save_to(&p);
            }
            _ => self.start_dialog(ctx, Purpose::SaveAs),
        }
    }

    fn start_dialog(&mut self, ctx: &egui::Context, purpose: Purpose) {
        if self.dialog.is_some() {
            return;
        }
        let suggested = match purpose {
            Purpose::ImportLuminaire => None,
            _ => self
                .state
                .path
                .clone()
                .or_else(|| Some(PathBuf::from(crate::bundled::DOLL_PLAN_FILE_NAME))),
        };
        let ctx = ctx.clone();
        self.dialog = Some(PendingDialog::start(purpose, suggested, move || {
            ctx.request_repaint()
        }));
    }

    fn finish_path(&mut self, purpose: Purpose, path: PathBuf) {
        match purpose {
            Purpose::Open => self.open_path(&path),
            Purpose::SaveAs | Purpose::ExportGeoJson => {
                self.save_to(&path);
            }
            Purpose::ImportStreets => self.import_streets_from(&path),
            Purpose::ImportLuminaire => self.catalogue.import_path(&mut self.state, &path),
        }
    }

    fn poll_dialog(&mut self) {
        let Some(d) = &self.dialog else { return };
        match d.poll() {
            DialogOutcome::Waiting => {}
            DialogOutcome::Chosen(purpose, path) => {
                self.dialog = None;
                self.finish_path(purpose, path);
            }
            DialogOutcome::Cancelled => self.dialog = None,
            DialogOutcome::NoBackend(purpose) => {
                self.dialog = None;
                self.typed_path = Some(TypedPath {
                    purpose,
                    text: match purpose {
                        Purpose::ImportLuminaire => String::new(),
                        _ => self.state.path.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
                    },
                    note: "No file dialog is available on this desktop (xdg-desktop-portal is not running). Type the path instead.".into(),
                });
            }
        }
    }

    /// Runs `action` now, or asks first when there are unsaved changes.
    fn guarded(&mut self, ctx: &egui::Context, action: PendingAction) {
        if self.state.dirty {
            self.confirm_discard = Some(action);
        } else {
            self.run_action(ctx, action);
        }
    }

    fn run_action(&mut self, ctx: &egui::Context, action: PendingAction) {
        match action {
            PendingAction::Open => self.start_dialog(ctx, Purpose::Open),
            PendingAction::New => {
                let plan = Plan {
                    name: "New plan".into(),
                    vendors: self.state.plan.vendors.clone(),
                    luminaires: self.state.plan.luminaires.clone(),
                    streets: self.state.plan.streets.clone(),
                    ..Plan::default()
                };
                self.state.replace_plan(plan, None);
                self.on_new_document();
            }
            PendingAction::Close => {
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        let sc = |m, k| KeyboardShortcut::new(m, k);
        let shift_cmd = Modifiers::COMMAND | Modifiers::SHIFT;
        let (save_as, save, open, redo_z, redo_y, undo) = ctx.input_mut(|i| {
            (
                i.consume_shortcut(&sc(shift_cmd, Key::S)),
                i.consume_shortcut(&sc(Modifiers::COMMAND, Key::S)),
                i.consume_shortcut(&sc(Modifiers::COMMAND, Key::O)),
                i.consume_shortcut(&sc(shift_cmd, Key::Z)),
                i.consume_shortcut(&sc(Modifiers::COMMAND, Key::Y)),
                i.consume_shortcut(&sc(Modifiers::COMMAND, Key::Z)),
            )
        });
        if save_as {
            self.start_dialog(ctx, Purpose::SaveAs);
        } else if save {
            self.save(ctx);
        }
        if open {
            self.guarded(ctx, PendingAction::Open);
        }
        if redo_z || redo_y {
            self.state.redo();
        } else if undo {
            self.state.undo();
        }
        // Single keys only when no text field has focus.
        if ctx.memory(|m| m.focused().is_some()) {
            return;
        }
        let (del, esc, f1, s, a, m, r, enter) = ctx.input(|i| {
            (
                i.key_pressed(Key::Delete) || i.key_pressed(Key::Backspace),
                i.key_pressed(Key::Escape),
                i.key_pressed(Key::F1),
                i.key_pressed(Key::S) && i.modifiers.is_none(),
                i.key_pressed(Key::A) && i.modifiers.is_none(),
                i.key_pressed(Key::M) && i.modifiers.is_none(),
                i.key_pressed(Key::R) && i.modifiers.is_none(),
                i.key_pressed(Key::Enter),
            )
        });
        let drawing = self.state.route.draft.is_some();
        if del {
            if drawing {
                self.state.draft_remove_last();
            } else if self.state.tool == Tool::EditRoute {
                if let (Some(si), Some(v)) =
                    (self.state.route_street_index(), self.state.route.vertex)
                {
                    let id = self.state.plan.streets[si].id.clone();
                    if let Err(e) = self.state.delete_street_vertex(&id, v) {
                        self.state.status = format!("Vertex not deleted: {e}");
                    }
                }
            } else {
                self.state.delete_selected();
            }
        }
        if enter && drawing {
            self.finish_drawing();
        }
        if esc {
            if drawing {
                self.state.cancel_street_draft();
            } else {
                self.state.tool = Tool::Select;
                self.state.measurement = None;
                self.row.picking = None;
            }
        }
        if f1 {
            self.show_help = !self.show_help;
        }
        for (pressed, tool) in [
            (s, Tool::Select),
            (a, Tool::AddPole),
            (m, Tool::Measure),
            (r, Tool::EditRoute),
        ] {
            if pressed {
                self.state.tool = tool;
                self.state.measurement = None;
            }
        }
        if self.state.tool != Tool::EditRoute {
            self.state.route.draft = None;
        }
    }

    /// Ends drawing a street; a refusal is shown in the route panel.
    fn finish_drawing(&mut self) {
        self.route_panel.error = self.state.finish_street_draft().err();
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("New (keep streets and catalogue)").clicked() {
                    self.guarded(&ctx, PendingAction::New);
                }
                if ui
                    .add(egui::Button::new("Open…").shortcut_text("Ctrl+O"))
                    .clicked()
                {
                    self.guarded(&ctx, PendingAction::Open);
                }
                if ui.button("Open by typing a path…").clicked() {
                    self.typed_path = Some(TypedPath {
                        purpose: Purpose::Open,
                        text: String::new(),
                        note: String::new(),
                    });
                }
                if ui.button("Open the bundled DOLL plan").clicked() {
                    if self.state.dirty {
                        self.confirm_discard = Some(PendingAction::New);
                    }
                    self.state.replace_plan(crate::bundled::doll_plan(), None);
                    self.on_new_document();
                }
                ui.menu_button("Open recent", |ui| {
                    if self.recent.is_empty() {
                        ui.label("(none yet)");
                    }
                    for p in self.recent.clone() {
                        if ui.button(p.display().to_string()).clicked() {
                            if self.state.dirty {
                                self.confirm_discard = Some(PendingAction::Open);
                            } else {
                                self.open_path(&p);
                            }
                        }
                    }
                });
                ui.separator();
                if ui
                    .add(egui::Button::new("Save").shortcut_text("Ctrl+S"))
                    .clicked()
                {
                    self.save(&ctx);
                }
                if ui
                    .add(egui::Button::new("Save as…").shortcut_text("Ctrl+Shift+S"))
                    .clicked()
                {
                    self.start_dialog(&ctx, Purpose::SaveAs);
                }
                if ui.button("Save as (type a path)…").clicked() {
                    self.typed_path = Some(TypedPath {
                        purpose: Purpose::SaveAs,
                        text: String::new(),
                        note: String::new(),
                    });
                }
                if ui.button("Export GeoJSON…").clicked() {
                    self.start_dialog(&ctx, Purpose::ExportGeoJson);
                }
                if ui.button("Import streets from GeoJSON…").clicked() {
                    self.start_dialog(&ctx, Purpose::ImportStreets);
                }
                if ui.button("Import streets (type a path)…").clicked() {
                    self.typed_path = Some(TypedPath {
                        purpose: Purpose::ImportStreets,
                        text: String::new(),
                        note: String::new(),
                    });
                }
                ui.separator();
                if ui.button("Quit").clicked() {
                    self.guarded(&ctx, PendingAction::Close);
                }
            });
            ui.menu_button("Edit", |ui| {
                let undo = self
                    .state
                    .undo_label()
                    .map(|l| format!("Undo {l}"))
                    .unwrap_or_else(|| "Undo".into());
                if ui
                    .add_enabled(
                        self.state.can_undo(),
                        egui::Button::new(undo).shortcut_text("Ctrl+Z"),
                    )
                    .clicked()
                {
                    self.state.undo();
                }
                let redo = self
                    .state
                    .redo_label()
                    .map(|l| format!("Redo {l}"))
                    .unwrap_or_else(|| "Redo".into());
                if ui
                    .add_enabled(
                        self.state.can_redo(),
                        egui::Button::new(redo).shortcut_text("Ctrl+Shift+Z"),
                    )
                    .clicked()
                {
                    self.state.redo();
                }
                if ui
                    .add_enabled(
                        !self.state.selection.is_empty(),
                        egui::Button::new("Delete selected").shortcut_text("Del"),
                    )
                    .clicked()
                {
                    self.state.delete_selected();
                }
            });
            ui.menu_button("View", |ui| self.coverage.view_menu(ui));
            ui.menu_button("Luminaires", |ui| {
                if ui.button("Catalogue…").clicked() {
                    self.catalogue.open = true;
                }
            });
            ui.menu_button("Settings", |ui| {
                if ui.button("Tiles and cache…").clicked() {
                    self.settings.open = true;
                    if let Some(t) = &self.tile_server {
                        self.settings.draft = t.clone();
                    }
                }
            });
            ui.menu_button("Help", |ui| {
                if ui
                    .add(egui::Button::new("Keyboard shortcuts").shortcut_text("F1"))
                    .clicked()
                {
                    self.show_help = true;
                }
            });
        });
    }

    fn status_bar(&self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            if let Some([lon, lat]) = self.hover_lonlat {
                let xy = crate::frame::to_utm32(lon, lat);
                ui.monospace(format!(
                    "{lon:.6}° E {lat:.6}° N  |  E {:.1} N {:.1} (EPSG:25832)",
                    xy.x, xy.y
                ));
                if let Some((street, ch, off)) = self.state.street_at(lon, lat) {
                    ui.separator();
                    ui.label(format!("{street} {ch:.0} m (±{off:.0} m)"));
                }
                ui.separator();
            }
            ui.label(format!(
                "{} poles, {} selected",
                self.state.plan.poles.len(),
                self.state.selection.len()
            ));
            ui.separator();
            let tiles = match (&self.tiles, self.online.load(Ordering::Relaxed)) {
                (None, _) | (_, NET_OFF) => {
                    "tiles off: bundled streets drawn as the basemap".to_string()
                }
                (Some(_), NET_OFFLINE) => {
                    "tiles offline: bundled streets drawn as the basemap".to_string()
                }
                (Some(t), state) => {
                    use walkers::Tiles;
                    let n = t.stats().in_progress;
                    let what = if state == NET_ONLINE {
                        "online"
                    } else {
                        "checking network"
                    };
                    if n > 0 {
                        format!("tiles {what}: loading {n}")
                    } else {
                        let server = self
                            .tile_server
                            .as_ref()
                            .map_or("OpenStreetMap".to_string(), |t| t.host());
                        format!("tiles {what} ({server}, cached)")
                    }
                }
            };
            ui.label(tiles);
            self.coverage.status_ui(ui);
            if !self.state.status.is_empty() {
                ui.separator();
                ui.label(&self.state.status);
            }
        });
    }

    fn map_ui(&mut self, ui: &mut egui::Ui) {
        let rect = ui.available_rect_before_wrap();
        ui.painter().rect_filled(rect, 0.0, map::BASEMAP_FILL);
        // Fit during the first frames: panel sizes settle over the first two frames.
        if self.fit_pending > 0 {
            self.fit_pending -= 1;
            if let Some(e) = self.state.extent() {
                let (a, b) = (
                    crate::frame::to_utm32(e[0], e[1]),
                    crate::frame::to_utm32(e[2], e[3]),
                );
                let zx = zoom_to_fit((b.x - a.x).abs() * 1.1, rect.width() as f64, e[1]);
                let zy = zoom_to_fit((b.y - a.y).abs() * 1.1, rect.height() as f64, e[1]);
                let _ = self.memory.set_zoom(zx.min(zy));
            }
        }
        let pointer = ui.input(|i| {
            (
                i.pointer.primary_pressed(),
                i.pointer.press_origin(),
                i.pointer.primary_down(),
                i.modifiers.shift,
                i.modifiers.alt,
            )
        });
        // Decide before the map handles gestures whether this press grabs a pole, so the
        // map does not pan under a dragged pole.
        if self.vertex_drag.is_none()
            && self.state.tool == Tool::EditRoute
            && self.state.route.draft.is_none()
            && self.row.picking.is_none()
            && pointer.0
            && let (Some(origin), Some(last), Some(si)) = (
                pointer.1,
                self.last_map_rect,
                self.state.route_street_index(),
            )
        {
            let projector = walkers::Projector::new(
                last,
                &walkers::MercatorProjection,
                &self.memory,
                self.center,
            );
            let pts = &self.state.plan.streets[si].points;
            let screen: Vec<egui::Pos2> = pts
                .iter()
                .map(|p| projector.project(lon_lat(p[0], p[1])).to_pos2())
                .collect();
            let grab = match route::hit_handle(&screen, origin) {
                Some(route::Handle::Vertex(v)) => Some((v, None, screen[v])),
                Some(route::Handle::Mid(i)) => route::segment_midpoint(pts, i)
                    .map(|m| (i + 1, Some(m), screen[i].lerp(screen[i + 1], 0.5))),
                None => None,
            };
            if let Some((vertex, insert, at)) = grab {
                if insert.is_none() {
                    self.state.route.vertex = Some(vertex);
                }
                self.vertex_drag = Some(VertexDrag {
                    street: si,
                    vertex,
                    insert,
                    moved: false,
                    grab_offset: at - origin,
                    origin,
                });
            }
        }
        if self.drag.is_none()
            && self.boxsel.is_none()
            && self.state.tool == Tool::Select
            && self.row.picking.is_none()
            && pointer.0
            && let (Some(origin), Some(last)) = (pointer.1, self.last_map_rect)
        {
            let projector = walkers::Projector::new(
                last,
                &walkers::MercatorProjection,
                &self.memory,
                self.center,
            );
            if let Some(i) = hit_pole(&self.state, &projector, origin) {
                let p = &self.state.plan.poles[i];
                let at = projector.project(lon_lat(p.lon, p.lat)).to_pos2();
                self.drag = Some(Drag {
                    index: i,
                    moved: false,
                    anchor: self.state.street_anchor(i),
                    grab_offset: at - origin,
                    origin,
                });
            } else if pointer.3 {
                self.boxsel = Some(boxselect::BoxSelect {
                    origin,
                    current: origin,
                });
            }
        }
        let boxsel = self.boxsel;
        let mut box_now: Option<egui::Pos2> = None;
        let mut box_ids: Option<Vec<String>> = None;
        let dragging = self.drag.is_some() || boxsel.is_some() || self.vertex_drag.is_some();
        let vertex_press = self.vertex_drag.is_some();
        let grab_offset = self
            .drag
            .as_ref()
            .map(|d| d.grab_offset)
            .or(self.vertex_drag.as_ref().map(|d| d.grab_offset))
            .unwrap_or_default();
        let mut drag_pointer: Option<egui::Pos2> = None;
        let mut clicked_at: Option<(egui::Pos2, [f64; 2])> = None;
        let mut hover: Option<[f64; 2]> = None;
        let mut drag_to: Option<[f64; 2]> = None;
        let mut hit_on_click: Option<usize> = None;
        let mut street_on_click: Option<usize> = None;
        let mut double_clicked = false;
        let mut secondary_at: Option<egui::Pos2> = None;
        let measurement = self.state.measurement;
        let drawing = self.state.route.draft.is_some();
        {
            let state = &self.state;
            let mut m = walkers::Map::new(
                self.tiles.as_mut().map(|t| t as &mut dyn walkers::Tiles),
                &mut self.memory,
                self.center,
            )
            .panning(!dragging)
            .drag_pan_buttons(if dragging {
                egui::DragPanButtons::empty()
            } else {
                egui::DragPanButtons::PRIMARY
            })
            .double_click_to_zoom(!drawing)
            .with_plugin(map::StreetsPlugin { plan: &state.plan })
            .with_plugin(map_sections::SectionsPlugin {
                bands: self
                    .bands
                    .get(state, &self.colors, self.vertex_drag.is_some()),
            });
            if self.coverage.layer
                && let Some(result) = self.coverage.worker.result()
            {
                m = m.with_plugin(map_coverage::CoveragePlugin {
                    plan: &state.plan,
                    result,
                    stale: result.revision != state.revision,
                });
            }
            m = m.with_plugin(map::PolesPlugin {
                state,
                colors: &self.colors,
            });
            let preview = self.row.preview_poles();
            if !preview.is_empty() {
                m = m.with_plugin(panels::row::RowPreviewPlugin { poles: preview });
            }
            if let Some(b) = boxsel {
                m = m.with_plugin(boxselect::BoxPlugin { rect: b.rect() });
            }
            if state.tool == Tool::EditRoute {
                m = m.with_plugin(panels::route::RoutePlugin {
                    state,
                    hover: self.hover_lonlat,
                });
            }
            if let Some(ms) = measurement {
                m = m.with_plugin(map::MeasurePlugin {
                    state,
                    measurement: ms,
                    hover: self.hover_lonlat,
                });
            }
            let out = m
                .with_plugin(map::AttributionPlugin {
                    text: self
                        .tile_server
                        .as_ref()
                        .map_or(OSM_ATTRIBUTION, |t| t.attribution.as_str()),
                })
                .show(ui, |_ui, response, projector, _mem| {
                    if let Some(p) = response.hover_pos() {
                        let q = projector.unproject(p.to_vec2());
                        hover = Some([q.x(), q.y()]);
                    }
                    if dragging
                        && let Some(p) = response.interact_pointer_pos().or(response.hover_pos())
                    {
                        let q = projector.unproject((p + grab_offset).to_vec2());
                        drag_to = Some([q.x(), q.y()]);
                        drag_pointer = Some(p);
                    }
                    if let Some(b) = boxsel {
                        let cur = drag_pointer.unwrap_or(b.current);
                        box_now = Some(cur);
                        if !pointer.2 && cur.distance(b.origin) > DRAG_THRESHOLD {
                            let r = egui::Rect::from_two_pos(b.origin, cur);
                            box_ids = Some(boxselect::poles_in_screen_rect(state, projector, r));
                        }
                    }
                    if response.clicked()
                        && let Some(p) = response.interact_pointer_pos()
                    {
                        let q = projector.unproject(p.to_vec2());
                        clicked_at = Some((p, [q.x(), q.y()]));
                        hit_on_click = hit_pole(state, projector, p);
                        street_on_click = hit_street(state, projector, p);
                    }
                    double_clicked = response.double_clicked() || response.triple_clicked();
                    if response.secondary_clicked() {
                        secondary_at = response.interact_pointer_pos();
                    }
                });
            self.last_map_rect = Some(out.response.rect);
        }
        self.hover_lonlat = hover;
        if let Some(b) = &mut self.boxsel {
            if let Some(p) = box_now {
                b.current = p;
            }
            if !pointer.2 {
                self.boxsel = None;
            }
        }
        if let Some(ids) = box_ids {
            self.state.status = format!("Selected {} poles in the box", ids.len());
            self.state.selection = ids.into_iter().collect();
        }
        // Drag in progress / finished.
        if let Some(d) = &mut self.drag {
            let index = d.index;
            let past_threshold =
                d.moved || drag_pointer.is_some_and(|p| p.distance(d.origin) > DRAG_THRESHOLD);
            if let (true, true, Some(pointer_at)) = (pointer.2, past_threshold, drag_to) {
                // Along the street at the pole's offset, unless Alt frees it.
                let (target, azimuth) = match d.anchor.as_ref().filter(|_| !pointer.4) {
                    Some(a) => a
                        .target(pointer_at[0], pointer_at[1])
                        .map_or((pointer_at, None), |(p, az)| (p, Some(az))),
                    None => (pointer_at, None),
                };
                let [lon, lat] = target;
                let moved_now = self
                    .state
                    .plan
                    .poles
                    .get(index)
                    .is_some_and(|p| (p.lon - lon).abs() > 1e-9 || (p.lat - lat).abs() > 1e-9);
                if moved_now && !d.moved {
                    d.moved = true;
                    let id = self
                        .state
                        .plan
                        .poles
                        .get(index)
                        .map(|p| p.id.clone())
                        .unwrap_or_default();
                    self.state.begin_edit(format!("Move pole {id}"));
                    self.state.selection = [id].into();
                }
                if moved_now {
                    self.state.drag_pole_to(index, lon, lat);
                    if let (Some(az), Some(p)) = (azimuth, self.state.plan.poles.get_mut(index)) {
                        p.azimuth_deg = az;
                    }
                }
            }
            if !pointer.2 {
                let moved = d.moved;
                self.drag = None;
                if moved {
                    // The incremental checker is already current; refresh derived state.
                    self.state.end_edit();
                    self.state.status = "Moved pole".into();
                }
            }
        }
        self.vertex_drag_step(pointer.2, drag_pointer, drag_to);
        if let Some(at) = secondary_at {
            self.delete_vertex_at(at);
        }
        if let Some((_, [lon, lat])) = clicked_at
            && let Some(end) = self.row.picking
        {
            self.row.pick_on_map(&mut self.state, end, lon, lat);
            return;
        }
        if let Some((_, [lon, lat])) = clicked_at {
            match self.state.tool {
                Tool::EditRoute if drawing => {
                    self.state.draft_add(lon, lat);
                    if double_clicked {
                        self.finish_drawing();
                    }
                }
                Tool::EditRoute if vertex_press => {}
                Tool::EditRoute => {
                    let id = street_on_click
                        .and_then(|i| self.state.plan.streets.get(i))
                        .map(|s| s.id.clone());
                    self.state.select_street(id);
                }
                Tool::AddPole => {
                    self.state.add_pole(lon, lat);
                }
                Tool::Select => match hit_on_click
                    .and_then(|i| self.state.plan.poles.get(i))
                    .map(|p| p.id.clone())
                {
                    Some(id) if pointer.3 && !self.state.selection.remove(&id) => {
                        self.state.selection.insert(id);
                    }
                    Some(id) => self.state.selection = [id].into(),
                    None if !pointer.3 => self.state.selection.clear(),
                    None => {}
                },
                Tool::Measure => {
                    self.state.measurement = match self.state.measurement {
                        Some(Measurement { a, b: None }) => Some(Measurement {
                            a,
                            b: Some([lon, lat]),
                        }),
                        _ => Some(Measurement {
                            a: [lon, lat],
                            b: None,
                        }),
                    };
                }
            }
        }
    }

    /// Moves (or inserts, then moves) the street vertex being dragged; at release the
    /// edit is finished and the validation rebuilt. A click on a midpoint handle without
    /// moving inserts a vertex there.
    fn vertex_drag_step(
        &mut self,
        down: bool,
        pointer_now: Option<egui::Pos2>,
        to: Option<[f64; 2]>,
    ) {
        let Some(d) = &mut self.vertex_drag else {
            return;
        };
        let name = self
            .state
            .plan
            .streets
            .get(d.street)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let past = d.moved || pointer_now.is_some_and(|p| p.distance(d.origin) > DRAG_THRESHOLD);
        if down
            && past
            && let Some([lon, lat]) = to
        {
            if !d.moved {
                d.moved = true;
                self.state.begin_edit(match d.insert {
                    Some(_) => format!("Insert a vertex in {name}"),
                    None => format!("Move vertex {} of {name}", d.vertex + 1),
                });
                if let Some(at) = d.insert {
                    self.state.insert_vertex_in_place(d.street, d.vertex, at);
                }
            }
            self.state.drag_vertex_to(d.street, d.vertex, lon, lat);
        }
        if down {
            return;
        }
        let (moved, insert, vertex, street) = (d.moved, d.insert, d.vertex, d.street);
        self.vertex_drag = None;
        if moved {
            self.state.end_edit();
            self.state.status = format!("Moved vertex {} of {name}", vertex + 1);
        } else if let Some(at) = insert {
            self.state.begin_edit(format!("Insert a vertex in {name}"));
            self.state.insert_vertex_in_place(street, vertex, at);
            self.state.end_edit();
            self.state.status = format!("Inserted vertex {} in {name}", vertex + 1);
        }
        self.state.route.vertex = Some(vertex);
    }

    /// Right-click on a vertex of the selected street deletes it (Edit route tool).
    fn delete_vertex_at(&mut self, at: egui::Pos2) {
        if self.state.tool != Tool::EditRoute || self.state.route.draft.is_some() {
            return;
        }
        let (Some(si), Some(last)) = (self.state.route_street_index(), self.last_map_rect) else {
            return;
        };
        let projector = walkers::Projector::new(
            last,
            &walkers::MercatorProjection,
            &self.memory,
            self.center,
        );
        let street = &self.state.plan.streets[si];
        let screen: Vec<egui::Pos2> = street
            .points
            .iter()
            .map(|p| projector.project(lon_lat(p[0], p[1])).to_pos2())
            .collect();
        if let Some(route::Handle::Vertex(v)) = route::hit_handle(&screen, at) {
            let id = street.id.clone();
            if let Err(e) = self.state.delete_street_vertex(&id, v) {
                self.state.status = format!("Vertex not deleted: {e}");
            }
        }
    }

    fn dialogs(&mut self, ctx: &egui::Context) {
        if let Some(msg) = self.error.clone() {
            egui::Window::new("Problem")
                .collapsible(false)
                .resizable(false)
                .show(ctx, |ui| {
                    ui.label(msg);
                    if ui.button("OK").clicked() {
                        self.error = None;
                    }
                });
        }
        if let Some(mut tp) = self.typed_path.take() {
            let mut keep = true;
            egui::Window::new(tp.purpose.title())
                .collapsible(false)
                .show(ctx, |ui| {
                    if !tp.note.is_empty() {
                        ui.label(&tp.note);
                    }
                    ui.horizontal(|ui| {
                        ui.label("Path:");
                        ui.add(
                            egui::TextEdit::singleline(&mut tp.text)
                                .desired_width(360.0)
                                .id_salt("typed_path"),
                        );
                    });
                    ui.horizontal(|ui| {
                        if ui.button("OK").clicked() && !tp.text.trim().is_empty() {
                            keep = false;
                            self.finish_path(tp.purpose, PathBuf::from(tp.text.trim()));
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                });
            if keep {
                self.typed_path = Some(tp);
            }
        }
        if let Some(action) = self.confirm_discard.clone() {
            egui::Window::new("Unsaved changes")
                .collapsible(false)
                .resizable(false)
                .show(ctx, |ui| {
                    ui.label("The plan has unsaved changes. Discard them?");
                    ui.horizontal(|ui| {
                        if ui.button("Discard changes").clicked() {
                            self.confirm_discard = None;
                            self.state.dirty = false;
                            self.run_action(ctx, action.clone());
                        }
                        if ui.button("Cancel").clicked() {
                            self.confirm_discard = None;
                        }
                    });
                });
        }
        if self.settings.open {
            let mut open = true;
            let mut action = panels::settings::SettingsAction::None;
            egui::Window::new("Settings")
                .open(&mut open)
                .show(ctx, |ui| {
                    action = panels::settings::ui(ui, &mut self.settings)
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
        if self.show_help {
            let mut open = true;
            egui::Window::new("Keyboard shortcuts")
                .open(&mut open)
                .show(ctx, |ui| {
                    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                        for (k, what) in SHORTCUTS {
                            ui.monospace(*k);
                            ui.label(*what);
                            ui.end_row();
                        }
                    });
                });
            self.show_help = open;
        }
    }

    /// Where the map was drawn in the last frame.
    pub fn map_rect(&self) -> Option<egui::Rect> {
        self.last_map_rect
    }

    /// Screen position of a lon/lat in the last frame's map (for tests and tools).
    pub fn screen_pos(&self, lon: f64, lat: f64) -> Option<egui::Pos2> {
        let rect = self.last_map_rect?;
        let projector = walkers::Projector::new(
            rect,
            &walkers::MercatorProjection,
            &self.memory,
            self.center,
        );
        Some(projector.project(lon_lat(lon, lat)).to_pos2())
    }

    /// The colour the map and the legend draw `vendor` in.
    pub fn vendor_color(&self, vendor: &str) -> Option<Color32> {
        self.colors.get(vendor).copied()
    }

    /// The lon/lat the map is centred on, and its zoom.
    pub fn view(&self) -> ([f64; 2], f64) {
        let p = self.memory.detached().unwrap_or(self.center);
        ([p.x(), p.y()], self.memory.zoom())
    }

    /// Centres the map on a lon/lat at `zoom` (for benchmarks and tools).
    pub fn set_view(&mut self, lon: f64, lat: f64, zoom: f64) {
        self.fit_pending = 0;
        self.memory.center_at(lon_lat(lon, lat));
        let _ = self.memory.set_zoom(zoom);
    }

    /// Draws the whole window into `ui` (used by eframe and by the UI tests).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll_dialog();
        self.shortcuts(&ctx);
        self.coverage.update(&ctx, &mut self.state);
        if self.colors_generation != self.state.generation {
            // Vendors may have been added, renamed or recoloured.
            self.colors = vendor_colors(&self.state.plan);
            self.colors_generation = self.state.generation;
        }
        if ctx.input(|i| i.viewport().close_requested()) && self.state.dirty && !self.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm_discard = Some(PendingAction::Close);
        }
        let title = self.state.title();
        ctx.send_viewport_cmd(egui::ViewportCommand::Title(title));

        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        egui::Panel::left("tools")
            .resizable(true)
            .default_size(280.0)
            .max_size(360.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    panels::tools::ui(ui, &mut self.state, &mut self.route_panel);
                    ui.separator();
                    panels::vendors::ui(ui, &mut self.state, &self.colors, &mut self.vendors_panel);
                    ui.separator();
                    panels::row::ui(ui, &mut self.state, &mut self.row);
                });
            });
        let mut centre_on = None;
        egui::Panel::right("findings")
            .resizable(true)
            .default_size(330.0)
            .show(ui, |ui| {
                // Tall enough for every field of a selected pole without scrolling.
                let inspector_min = if self.state.selection.is_empty() {
                    60.0
                } else {
                    330.0
                };
                egui::Panel::bottom("inspector")
                    .resizable(true)
                    .default_size(320.0)
                    .min_size(inspector_min)
                    .show(ui, |ui| {
                        egui::ScrollArea::vertical()
                            .id_salt("inspector_scroll")
                            .show(ui, |ui| {
                                panels::inspector::ui(
                                    ui,
                                    &mut self.state,
                                    &mut self.inspector,
                                    self.revision,
                                );
                            });
                    });
                centre_on = panels::findings::ui(ui, &mut self.state, &mut self.findings_filter);
            });
        if let Some((lon, lat)) = centre_on {
            self.memory.center_at(lon_lat(lon, lat));
            let _ = self.memory.set_zoom(self.memory.zoom().max(18.0));
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| self.map_ui(ui));
        self.dialogs(&ctx);
        if let Some((lon, lat)) = panels::coverage::window(&ctx, &mut self.coverage, &self.state) {
            self.memory.center_at(lon_lat(lon, lat));
        }
        if let Some(panels::catalogue::Action::ImportDialog) =
            panels::catalogue::window(&ctx, &mut self.state, &mut self.catalogue)
        {
            self.start_dialog(&ctx, Purpose::ImportLuminaire);
        }
        let key = (
            self.state.dirty,
            self.state.findings().len() + self.state.plan.poles.len(),
        );
        if key != self.last_dirty_rev {
            self.last_dirty_rev = key;
            self.revision += 1;
        }
    }
}

/// The pole under screen point `at` (within 8 px), nearest first, via the R-tree.
fn hit_pole(state: &AppState, projector: &walkers::Projector, at: egui::Pos2) -> Option<usize> {
    let q = projector.unproject(at.to_vec2());
    let xy = crate::frame::to_utm32(q.x(), q.y());
    let px_per_m = projector.scale_pixel_per_meter(q).max(1e-6) as f64;
    let radius_m = 8.0 / px_per_m;
    state
        .checker
        .index()
        .poles_within(xy, radius_m)
        .filter(|&i| {
            state
                .plan
                .poles
                .get(i)
                .is_some_and(|p| !state.hidden_vendors.contains(&p.vendor))
        })
        .min_by(|&a, &b| {
            let ia = state.checker.index().pole_xy[a].dist(xy);
            let ib = state.checker.index().pole_xy[b].dist(xy);
            ia.total_cmp(&ib)
        })
}

/// The street under screen point `at`: its centreline within 8 px or within half its
/// width, via the R-tree of street segments.
fn hit_street(state: &AppState, projector: &walkers::Projector, at: egui::Pos2) -> Option<usize> {
    let q = projector.unproject(at.to_vec2());
    let xy = crate::frame::to_utm32(q.x(), q.y());
    let px_per_m = f64::from(projector.scale_pixel_per_meter(q).max(1e-6));
    let (si, st) = state.checker.index().nearest_street(xy)?;
    let half = state.plan.streets.get(si)?.width_m / 2.0;
    (st.offset_m <= (8.0 / px_per_m).max(half)).then_some(si)
}

/// What eframe persists between runs.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Persisted {
    last_file: Option<PathBuf>,
    recent: Vec<PathBuf>,
    #[serde(default)]
    tile_server: Option<panels::settings::TileServer>,
}

struct EframeApp(LysplanApp);

impl eframe::App for EframeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.0.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let p = Persisted {
            last_file: self.0.state.path.clone(),
            recent: self.0.recent.clone(),
            tile_server: self.0.tile_server.clone(),
        };
        if let Ok(s) = ron::to_string(&p) {
            storage.set_string("lysplan", s);
        }
    }
}

/// Opens the main window, on `path` if given, else on the bundled plan.
pub fn run(path: Option<PathBuf>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_title("Lysplan"),
        persist_window: true,
        ..Default::default()
    };
    eframe::run_native(
        "Lysplan",
        options,
        Box::new(move |cc| {
            let persisted: Persisted = cc
                .storage
                .and_then(|s| s.get_string("lysplan"))
                .and_then(|s| ron::from_str(&s).ok())
                .unwrap_or_default();
            let mut app = LysplanApp::new(&cc.egui_ctx, crate::bundled::doll_plan(), None, true);
            app.recent = persisted.recent;
            if let Some(t) = persisted.tile_server.and_then(|t| t.validated().ok()) {
                app.set_tile_server(&cc.egui_ctx, Some(t));
            }
            // A file named on the command line wins; otherwise reopen the last plan, if it
            // still exists and reads (else the bundled plan stays).
            if let Some(p) = path.or(persisted.last_file.filter(|p| p.exists())) {
                app.open_path(&p);
            }
            Ok(Box::new(EframeApp(app)))
        }),
    )
    .map_err(|e| format!("could not open the window: {e}"))
}
