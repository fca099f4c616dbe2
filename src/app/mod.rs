//! The desktop application (egui/eframe/walkers), behind the `gui` cargo feature. The
//! only place that imports them.
//!
//! The shape: [`commands`] is the table of every user command (menus, shortcuts, F1
//! help and the command palette are made from it, [`actions`] says what each does);
//! [`crate::edit::Document`] (in the core) owns the plan and its history (every edit a
//! typed [`crate::edit::Edit`], one revision number); [`state::AppState`] is the
//! document plus the view state, and [`edits`] makes the core's edit operations on it
//! for the panels and tools; the map
//! ([`map_view`]) composes layers (walkers plugins) and the active tool's controller
//! ([`map_tools`]); each panel is a file under [`panels`].

pub mod about;
pub mod actions;
pub mod boxselect;
pub mod commands;
pub mod coverage;
pub mod dialogs;
pub mod edits;
pub mod exports;
pub mod fileops;
pub mod files;
pub mod map;
pub mod map_coverage;
pub mod map_measurements;
pub mod map_sections;
pub mod map_tools;
pub mod map_view;
pub mod measurements;
pub mod menus;
pub mod osm_import;
pub mod panels;
pub mod pole_raster;
pub mod recovery;
pub mod review;
pub mod route;
pub mod state;

use crate::plan::Plan;
use egui::Color32;
use state::AppState;
use std::collections::HashMap;
use std::path::PathBuf;

pub use commands::Command;
pub use map_view::tile_cache_dir;

/// The User-Agent sent to tile servers (OSM tile usage policy: name the application).
pub const USER_AGENT: &str = concat!(
    "Lysplan/",
    env!("CARGO_PKG_VERSION"),
    " (outdoor-lighting test-bed planner; DOLL Living Lab)"
);

/// Attribution of the OpenStreetMap standard tiles, always drawn on the map.
pub const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors";

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

/// The main window.
pub struct LysplanApp {
    pub state: AppState,
    /// The map: view, tiles, layers' caches and the tools' controllers.
    pub map: map_view::MapView,
    colors: HashMap<String, Color32>,
    /// The settled plan revision `colors` was made from.
    colors_revision: u64,
    /// The route editor panel's texts.
    pub route_panel: panels::route::RoutePanel,
    /// The vendors panel's section editor.
    pub vendors_panel: panels::vendors::VendorsPanel,
    /// Findings list filter and sort order.
    pub findings_filter: panels::findings::FindingsFilter,
    /// The "add a row along the route" tool and its preview.
    pub row: panels::row::RowTool,
    /// The tile-server settings window.
    pub settings: panels::settings::SettingsWindow,
    /// The plan settings window (rules, maintenance factor, burning hours).
    pub plan_settings: panels::plan_settings::PlanSettings,
    pub energy: panels::energy::EnergyUi,
    /// The review of a vendor's submission, and the reviewer's name.
    pub review: review::ReviewUi,
    /// The inspector's texts (what the fields show).
    pub inspector: panels::inspector::InspectorState,
    /// The luminaire catalogue window.
    pub catalogue: panels::catalogue::CatalogueState,
    /// "Design this stretch…": the arrangement optimiser's window and its search.
    pub design: panels::design::DesignUi,
    /// The Measurements window's comparison, per plan revision.
    pub measurements: measurements::MeasurementsCache,
    /// EN 13201 coverage: background worker, map layer toggle, results panel.
    pub coverage: coverage::CoverageUi,
    /// Streets from OpenStreetMap: the Overpass request, the preview, the endpoint.
    pub osm: osm_import::OsmImportUi,
    /// Open windows: file dialogs, problems, questions, help, palette.
    pub dialogs: dialogs::Dialogs,
    allow_close: bool,
    /// Autosave to the recovery file (off unless a folder is set; `run` sets it).
    pub autosave: recovery::Autosave,
    /// Files opened or saved before, newest first.
    pub recent: Vec<PathBuf>,
    /// The GeoPackage's CRS and the CSV's byte-order mark (File menu; remembered).
    pub exports: exports::ExportSettings,
}

impl LysplanApp {
    /// The Measurements window's comparison of the surveys (after the window has shown
    /// the current plan).
    pub fn measurements_comparison(&self) -> Option<&crate::measure::SurveyComparison> {
        self.measurements.surveys()
    }

    /// The app on `plan`; `with_tiles` fetches OSM tiles (off in tests: no network there).
    pub fn new(ctx: &egui::Context, plan: Plan, path: Option<PathBuf>, with_tiles: bool) -> Self {
        let state = AppState::new(plan, path);
        let mut app = LysplanApp {
            row: panels::row::RowTool::new(&state),
            map: map_view::MapView::new(ctx, with_tiles),
            state,
            colors: HashMap::new(),
            colors_revision: 0,
            route_panel: Default::default(),
            vendors_panel: Default::default(),
            findings_filter: Default::default(),
            settings: Default::default(),
            plan_settings: Default::default(),
            energy: Default::default(),
            review: Default::default(),
            inspector: Default::default(),
            catalogue: Default::default(),
            design: Default::default(),
            measurements: Default::default(),
            coverage: Default::default(),
            osm: Default::default(),
            dialogs: Default::default(),
            allow_close: false,
            autosave: Default::default(),
            recent: Vec::new(),
            exports: Default::default(),
        };
        app.on_new_document();
        app
    }

    /// After Open / New: fit the map to the plan, forget drags, fresh row tool.
    fn on_new_document(&mut self) {
        self.colors = vendor_colors(self.state.plan());
        self.colors_revision = self.state.settled_revision();
        if let Some(e) = self.state.extent() {
            self.map.center = walkers::lon_lat((e[0] + e[2]) / 2.0, (e[1] + e[3]) / 2.0);
        }
        self.map.memory.center_at(self.map.center);
        self.map.fit_pending = 3;
        self.map.tools.cancel();
        self.row = panels::row::RowTool::new(&self.state);
        // A review compares with the plan it was opened on; its decisions are in that plan.
        self.review.session = None;
    }

    /// Uses `dir` for autosave and recovery, and offers what a crashed session left there.
    pub fn enable_recovery(&mut self, dir: PathBuf) {
        self.autosave.dir = Some(dir);
        self.autosave.delay = recovery::AUTOSAVE_AFTER;
        match self.autosave.find() {
            None => {}
            Some(Ok(r)) => self.dialogs.recover = Some(r),
            Some(Err(e)) => {
                self.dialogs.error = Some(format!(
                    "A recovery file from an earlier session was found but cannot be read; \
                     it is left where it is.\n\n{e}"
                ));
                // Keep it: do not let autosave replace it before the user has seen this.
                self.autosave.dir = None;
            }
        }
    }

    /// The colour the map and the legend draw `vendor` in.
    pub fn vendor_color(&self, vendor: &str) -> Option<Color32> {
        self.colors.get(vendor).copied()
    }

    /// Draws the whole window into `ui` (used by eframe and by the UI tests).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll_dialog(&ctx);
        self.keyboard(&ctx);
        self.coverage.update(&ctx, &mut self.state);
        if self.colors_revision != self.state.settled_revision() {
            // Vendors may have been added, renamed or recoloured.
            self.colors = vendor_colors(self.state.plan());
            self.colors_revision = self.state.settled_revision();
        }
        if ctx.input(|i| i.viewport().close_requested())
            && self.state.is_dirty()
            && !self.allow_close
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialogs.confirm = Some(Command::Quit);
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Title(self.state.title()));
        // Autosave once the plan has been still a moment (not while a recovery is offered:
        // the file is what it offers).
        if self.dialogs.recover.is_none()
            && let Some(wait) = self.autosave.tick(
                self.state.plan(),
                self.state.path(),
                self.state.settled_revision(),
                self.state.is_dirty(),
            )
        {
            ctx.request_repaint_after(wait);
        }

        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        self.left_panel(ui);
        self.right_panel(ui);
        if self.coverage.window_open {
            let mut centre = None;
            egui::Panel::bottom("coverage_dock")
                .resizable(true)
                .default_size(320.0)
                .show(ui, |ui| {
                    centre = panels::coverage::dock(ui, &mut self.coverage, &self.state);
                });
            if let Some((lon, lat)) = centre {
                self.map.memory.center_at(walkers::lon_lat(lon, lat));
            }
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| self.map_ui(ui));
        self.dialogs(&ctx);
        about::window(&ctx);
        if let Some(s) = panels::design::window(&ctx, &mut self.state, &mut self.design) {
            self.state.status = s;
        }
        if let Some(pole) = measurements::window(&ctx, &self.state, &mut self.measurements) {
            self.state.selection = [pole].into();
            self.run(&ctx, Command::ZoomToSelection);
        }
        self.review_windows(&ctx);
        match panels::catalogue::window(&ctx, &mut self.state, &mut self.catalogue) {
            Some(panels::catalogue::Action::ImportDialog) => {
                self.start_dialog(&ctx, files::Purpose::ImportLuminaire);
            }
            Some(panels::catalogue::Action::ImportSurfaceDialog) => {
                self.start_dialog(&ctx, files::Purpose::ImportSurface);
            }
            None => {}
        }
    }

    /// The left panel: the tool's settings, the vendors and the row tool, each
    /// collapsible; fixed width so opening an editor does not shift the map.
    fn left_panel(&mut self, ui: &mut egui::Ui) {
        egui::Panel::left("tools")
            .resizable(true)
            .default_size(280.0)
            .min_size(280.0)
            .max_size(360.0)
            .show(ui, |ui| {
                // A solid scroll bar beside the lists, not floating over their last column.
                ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        panels::tools::ui(ui, &mut self.state, &mut self.route_panel);
                        egui::CollapsingHeader::new("Vendors")
                            .default_open(true)
                            .show(ui, |ui| {
                                panels::vendors::ui(
                                    ui,
                                    &mut self.state,
                                    &self.colors,
                                    &mut self.vendors_panel,
                                )
                            });
                        egui::CollapsingHeader::new("Add a row along the route")
                            .default_open(true)
                            .show(ui, |ui| panels::row::ui(ui, &mut self.state, &mut self.row));
                    });
            });
    }

    /// The right panel: findings above, the inspector of the selection below.
    fn right_panel(&mut self, ui: &mut egui::Ui) {
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
                                panels::inspector::ui(ui, &mut self.state, &mut self.inspector);
                            });
                    });
                centre_on = panels::findings::ui(ui, &mut self.state, &mut self.findings_filter);
            });
        if let Some((lon, lat)) = centre_on {
            self.centre_on(lon, lat, 18.0);
        }
    }
}

/// What eframe persists between runs.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Persisted {
    last_file: Option<PathBuf>,
    recent: Vec<PathBuf>,
    #[serde(default)]
    tile_server: Option<panels::settings::TileServer>,
    /// The reviewer's name for review decisions (asked once).
    #[serde(default)]
    reviewer: String,
    /// The Overpass API endpoint of the OSM street import (empty: the public server).
    #[serde(default)]
    overpass_endpoint: String,
    /// The export settings (GeoPackage CRS, CSV byte-order mark).
    #[serde(default)]
    exports: exports::ExportSettings,
}

struct EframeApp(LysplanApp);

impl eframe::App for EframeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.0.show(ui);
    }

    fn on_exit(&mut self) {
        // A clean exit: nothing unsaved is left (the question was answered), so nothing
        // to recover.
        if !self.0.state.is_dirty() || self.0.allow_close {
            self.0.autosave.discard();
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let p = Persisted {
            last_file: self.0.state.path().map(std::path::Path::to_path_buf),
            recent: self.0.recent.clone(),
            tile_server: self.0.map.tile_server.clone(),
            reviewer: self.0.review.reviewer.clone(),
            overpass_endpoint: self.0.osm.endpoint.clone(),
            exports: self.0.exports,
        };
        if let Ok(s) = ron::to_string(&p) {
            storage.set_string("lysplan", s);
        }
    }
}

/// Opens the main window, on `path` if given, else on the bundled plan.
pub fn run(path: Option<PathBuf>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: about::with_window_icon(
            egui::ViewportBuilder::default()
                .with_inner_size([1280.0, 800.0])
                .with_title("Lysplan")
                .with_app_id("lysplan"),
        ),
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
            if let Some(dir) = recovery::default_dir() {
                app.enable_recovery(dir);
            }
            app.recent = persisted.recent;
            app.review.reviewer = persisted.reviewer;
            app.osm.endpoint = persisted.overpass_endpoint;
            app.exports = persisted.exports;
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
