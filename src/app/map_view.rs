//! The map: tiles, view (centre, zoom, fitting), the layers drawn on it and the active
//! tool's controller. `map_ui` composes walkers plugins; the controllers return
//! [`MapAction`]s that are applied to the document here, after the frame's map is drawn.

use super::LysplanApp;
use super::map_tools::MapAction;
use super::state::{Measurement, Tool};
use super::{OSM_ATTRIBUTION, USER_AGENT, map, map_coverage, map_sections, panels};
use crate::frame::LonLat;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use walkers::{HttpOptions, HttpTiles, MapMemory, lon_lat};

pub const NET_CHECKING: u8 = 0;
pub const NET_ONLINE: u8 = 1;
pub const NET_OFFLINE: u8 = 2;
pub const NET_OFF: u8 = 3;

/// Lysplan's folders in the user's home (cache, data), per platform.
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("dk", "Lysplan", "lysplan")
}

/// The tile cache folder in the user's cache directory.
pub fn tile_cache_dir() -> Option<std::path::PathBuf> {
    project_dirs().map(|d| d.cache_dir().join("tiles"))
}

/// The map's view and tiles.
pub struct MapView {
    pub memory: MapMemory,
    pub tiles: Option<HttpTiles>,
    pub center: walkers::Position,
    /// Zoom to the plan's extent once the map's size is known (frames left).
    pub fit_pending: u8,
    /// Where the map was drawn in the last frame.
    pub last_rect: Option<egui::Rect>,
    /// A user-chosen XYZ tile server instead of OpenStreetMap.
    pub tile_server: Option<panels::settings::TileServer>,
    pub with_tiles: bool,
    /// Whether the tile server is reachable: NET_* above.
    pub online: Arc<AtomicU8>,
    /// Vendor section bands, kept per plan revision.
    pub bands: map_sections::BandCache,
    /// The controllers of the map tools.
    pub tools: super::map_tools::MapTools,
}

impl MapView {
    pub fn new(ctx: &egui::Context, with_tiles: bool) -> Self {
        let v = MapView {
            memory: MapMemory::default(),
            tiles: None,
            center: lon_lat(12.388, 55.685),
            fit_pending: 3,
            last_rect: None,
            tile_server: None,
            with_tiles,
            online: Arc::new(AtomicU8::new(if with_tiles {
                NET_CHECKING
            } else {
                NET_OFF
            })),
            bands: Default::default(),
            tools: Default::default(),
        };
        let mut v = v;
        v.set_tile_server(ctx, None);
        if with_tiles {
            spawn_network_probe(v.online.clone(), ctx.clone());
        }
        v
    }

    /// Uses `server` for the map tiles (`None`: OpenStreetMap).
    pub fn set_tile_server(
        &mut self,
        ctx: &egui::Context,
        server: Option<panels::settings::TileServer>,
    ) {
        self.tile_server = server;
        if !self.with_tiles {
            return;
        }
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
            None => HttpTiles::with_options(walkers::sources::OpenStreetMap, options, ctx.clone()),
        });
    }

    /// Zooms and centres so that the lon/lat box `e` (min lon, min lat, max lon, max lat)
    /// fills the map with a margin.
    pub fn fit(&mut self, e: [f64; 4]) {
        let Some(rect) = self.last_rect else {
            self.fit_pending = 3;
            return;
        };
        let (a, b) = (
            crate::frame::to_utm32(e[0], e[1]),
            crate::frame::to_utm32(e[2], e[3]),
        );
        let zx = zoom_to_fit((b.x - a.x).abs() * 1.1, f64::from(rect.width()), e[1]);
        let zy = zoom_to_fit((b.y - a.y).abs() * 1.1, f64::from(rect.height()), e[1]);
        self.center = lon_lat((e[0] + e[2]) / 2.0, (e[1] + e[3]) / 2.0);
        self.memory.center_at(self.center);
        let _ = self.memory.set_zoom(zx.min(zy));
    }

    /// The tiles' state for the status bar.
    pub fn tiles_status(&self) -> String {
        match (&self.tiles, self.online.load(Ordering::Relaxed)) {
            (None, _) | (_, NET_OFF) => "tiles off: bundled streets drawn as the basemap".into(),
            (Some(_), NET_OFFLINE) => "tiles offline: bundled streets drawn as the basemap".into(),
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
        }
    }
}

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
pub fn zoom_to_fit(span_m: f64, px: f64, lat: f64) -> f64 {
    let m_per_px = span_m.max(30.0) / px.max(100.0);
    (156_543.034 * lat.to_radians().cos() / m_per_px)
        .log2()
        .clamp(2.0, 19.0)
}

impl LysplanApp {
    pub(super) fn map_ui(&mut self, ui: &mut egui::Ui) {
        let rect = ui.available_rect_before_wrap();
        ui.painter().rect_filled(rect, 0.0, map::BASEMAP_FILL);
        // Fit during the first frames: panel sizes settle over the first two frames.
        if self.map.fit_pending > 0 {
            self.map.fit_pending -= 1;
            self.map.last_rect = Some(rect);
            if let Some(e) = self.state.extent() {
                self.map.fit(e);
            }
        }
        if self.measurements.layer {
            self.measurements.refresh(&self.state);
        }
        let design_preview = if self.design.open {
            self.design.preview_poles(&self.state).to_vec()
        } else {
            Vec::new()
        };
        let grabbing = self.map.tools.grabbing();
        let drawing = self.state.route.draft.is_some();
        let state = &self.state;
        let view = &mut self.map;
        let mut m = walkers::Map::new(
            view.tiles.as_mut().map(|t| t as &mut dyn walkers::Tiles),
            &mut view.memory,
            view.center,
        )
        // The wheel zooms about the cursor (smoothly; a trackpad pinch too).
        .zoom_with_ctrl(false)
        .panning(!grabbing)
        .drag_pan_buttons(if grabbing {
            egui::DragPanButtons::empty()
        } else {
            egui::DragPanButtons::PRIMARY
        })
        .double_click_to_zoom(!drawing)
        .with_plugin(map::StreetsPlugin { plan: state.plan() })
        .with_plugin(map_sections::SectionsPlugin {
            bands: view
                .bands
                .get(state, &self.colors, view.tools.route.drag.is_some()),
        });
        m = m.with_plugin(map::PolesPlugin {
            state,
            colors: &self.colors,
            by_status: self.review.colour_by_status,
        });
        if let Some(session) = &self.review.session {
            m = m.with_plugin(super::review::ReviewPlugin {
                session,
                master: state.plan(),
                decisions: session
                    .decisions(state.plan())
                    .into_iter()
                    .map(|(k, d)| (k, d.verdict))
                    .collect(),
            });
        }
        // The coverage layer goes above the pole markers, so it stays visible at site zoom.
        if self.coverage.layer
            && let Some(result) = self.coverage.worker.result()
        {
            m = m.with_plugin(map_coverage::CoveragePlugin {
                plan: state.plan(),
                result,
                stale: result.revision != state.revision(),
            });
        }
        if self.measurements.layer
            && let Some(c) = self.measurements.surveys()
        {
            m = m.with_plugin(super::map_measurements::MeasurementsPlugin {
                points: &c.points,
                legend_lift_px: if self.coverage.layer { 110.0 } else { 0.0 },
            });
        }
        if let Some(p) = &self.osm.preview {
            m = m.with_plugin(super::osm_import::OsmPreviewPlugin { preview: p });
        }
        let preview = self.row.preview_poles();
        if !preview.is_empty() {
            m = m.with_plugin(panels::row::RowPreviewPlugin { poles: preview });
        }
        if !design_preview.is_empty() {
            m = m.with_plugin(panels::row::RowPreviewPlugin {
                poles: &design_preview,
            });
        }
        if let Some(b) = view.tools.select.boxsel {
            m = m.with_plugin(super::boxselect::BoxPlugin { rect: b.rect() });
        }
        let hover = view.tools.hover;
        if state.tool == Tool::EditRoute {
            m = m.with_plugin(panels::route::RoutePlugin { state, hover });
        }
        if let Some(ms) = state.measurement {
            m = m.with_plugin(map::MeasurePlugin {
                state,
                measurement: ms,
                hover,
            });
        }
        let attribution = view
            .tile_server
            .as_ref()
            .map_or(OSM_ATTRIBUTION, |t| t.attribution.as_str());
        let out = m
            .with_plugin(view.tools.plugin(state, self.row.picking))
            .with_plugin(map::AttributionPlugin { text: attribution })
            .show(ui, |_, _, _, _| ());
        self.map.last_rect = Some(out.response.rect);
        self.zoom_buttons(ui, out.response.rect);
        let actions = self.map.tools.take_actions();
        for a in actions {
            self.apply(a);
        }
    }

    /// +, − and "fit the plan" buttons in the map's top-right corner.
    fn zoom_buttons(&mut self, ui: &mut egui::Ui, rect: egui::Rect) {
        use super::commands::Command;
        let size = egui::vec2(34.0, 28.0);
        let mut at = rect.right_top() + egui::vec2(-size.x - 10.0, 10.0);
        for (text, cmd) in [
            ("+", Command::ZoomIn),
            ("-", Command::ZoomOut),
            ("Fit", Command::ZoomToPlan),
        ] {
            let r = egui::Rect::from_min_size(at, size);
            let b = ui
                .put(r, egui::Button::new(egui::RichText::new(text).size(16.0)))
                .on_hover_text(format!("{} ({})", cmd.label(), cmd.shortcut_text()));
            if b.clicked() {
                self.run(ui.ctx(), cmd);
            }
            at.y += size.y + 4.0;
        }
    }

    /// Applies what a map controller asked for.
    fn apply(&mut self, a: MapAction) {
        let s = &mut self.state;
        match a {
            MapAction::Select(ids) => s.selection = ids.into_iter().collect(),
            MapAction::Toggle(id) => {
                if !s.selection.remove(&id) {
                    s.selection.insert(id);
                }
            }
            MapAction::AddPole(at) => {
                s.add_pole(at);
            }
            MapAction::Measure(p) => {
                s.measurement = match s.measurement {
                    Some(Measurement { a, b: None }) => Some(Measurement { a, b: Some(p) }),
                    _ => Some(Measurement { a: p, b: None }),
                };
            }
            MapAction::Begin(label) => s.begin_edit(label),
            MapAction::MovePole {
                index,
                to,
                azimuth_deg,
            } => s.drag_pole_facing(index, to, azimuth_deg),
            MapAction::InsertVertex { street, vertex, at } => {
                s.insert_vertex_in_place(street, vertex, at)
            }
            MapAction::MoveVertex { street, vertex, to } => s.drag_vertex_to(street, vertex, to),
            MapAction::SelectVertex(v) => s.route.vertex = Some(v),
            MapAction::Commit(status) => {
                s.end_edit();
                s.status = status;
            }
            MapAction::SelectStreet(id) => s.select_street(id),
            MapAction::DraftAdd(at) => s.draft_add(at),
            MapAction::FinishDraft => self.finish_drawing(),
            MapAction::DeleteVertex { street, vertex } => {
                if let Err(e) = s.delete_street_vertex(&street, vertex) {
                    s.status = format!("Vertex not deleted: {e}");
                }
            }
            MapAction::PickRowEnd(end, at) => self.row.pick_on_map(&mut self.state, end, at),
            MapAction::Status(text) => s.status = text,
        }
    }

    /// Ends drawing a street; a refusal is shown in the route panel.
    pub(super) fn finish_drawing(&mut self) {
        self.route_panel.error = self
            .state
            .finish_street_draft()
            .err()
            .map(|e| e.to_string());
    }

    /// Where the map was drawn in the last frame.
    pub fn map_rect(&self) -> Option<egui::Rect> {
        self.map.last_rect
    }

    /// The last frame's map projection, if the map has been drawn.
    fn last_projector(&self) -> Option<walkers::Projector<'static>> {
        Some(walkers::Projector::new(
            self.map.last_rect?,
            &walkers::MercatorProjection,
            &self.map.memory,
            self.map.center,
        ))
    }

    /// Screen position of a lon/lat in the last frame's map (for tests and tools).
    pub fn screen_pos(&self, lon: f64, lat: f64) -> Option<egui::Pos2> {
        let p = self.last_projector()?;
        Some(p.project(lon_lat(lon, lat)).to_pos2())
    }

    /// The position under a screen position in the last frame's map.
    pub fn lonlat_at(&self, pos: egui::Pos2) -> Option<LonLat> {
        let q = self.last_projector()?.unproject(pos.to_vec2());
        Some(LonLat::new(q.x(), q.y()))
    }

    /// The position the map is centred on, and its zoom.
    pub fn view(&self) -> (LonLat, f64) {
        let p = self.map.memory.detached().unwrap_or(self.map.center);
        (LonLat::new(p.x(), p.y()), self.map.memory.zoom())
    }

    /// Centres the map on a lon/lat at `zoom` (for benchmarks and tools).
    pub fn set_view(&mut self, lon: f64, lat: f64, zoom: f64) {
        self.map.fit_pending = 0;
        self.map.memory.center_at(lon_lat(lon, lat));
        let _ = self.map.memory.set_zoom(zoom);
    }

    /// Centres the map on a lon/lat, zooming in to at least `min_zoom`.
    pub fn centre_on(&mut self, lon: f64, lat: f64, min_zoom: f64) {
        self.map.memory.center_at(lon_lat(lon, lat));
        let _ = self
            .map
            .memory
            .set_zoom(self.map.memory.zoom().max(min_zoom));
    }

    /// The tile server in use, if not OpenStreetMap.
    pub fn tile_server(&self) -> Option<&panels::settings::TileServer> {
        self.map.tile_server.as_ref()
    }

    /// Uses `server` for the map tiles (`None`: OpenStreetMap).
    pub fn set_tile_server(
        &mut self,
        ctx: &egui::Context,
        server: Option<panels::settings::TileServer>,
    ) {
        self.map.set_tile_server(ctx, server);
    }
}
