//! File → Import streets from OpenStreetMap…: the Overpass request on a worker thread
//! (bytes received, Cancel), then a preview window where the planner ticks the streets
//! to keep, drawn on the map, and one undoable edit. Until that edit nothing in the plan
//! changes; without a network the window says so.

use crate::osm::{self, BBox, ImportedStreet, OsmImport};
use egui::{Color32, Stroke};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use walkers::{MapMemory, Plugin, Projector, lon_lat};

/// A request under way.
pub struct Job {
    rx: mpsc::Receiver<Result<OsmImport, String>>,
    bytes: Arc<AtomicU64>,
    cancel: Arc<AtomicBool>,
    endpoint: String,
}

/// What was found, and what the planner keeps.
#[derive(Debug, Clone)]
pub struct Preview {
    pub import: OsmImport,
    /// One tick per street of `import`.
    pub keep: Vec<bool>,
    pub with_lamps: bool,
}

/// The import's app state; `endpoint` is the persisted setting (empty: the default).
#[derive(Default)]
pub struct OsmImportUi {
    pub endpoint: String,
    pub job: Option<Job>,
    pub preview: Option<Preview>,
    /// Why the last request gave nothing (the window stays open to say so).
    pub error: Option<String>,
}

impl OsmImportUi {
    /// The endpoint to ask: the setting, or the public Overpass server.
    pub fn endpoint(&self) -> String {
        match self.endpoint.trim() {
            "" => osm::DEFAULT_ENDPOINT.to_string(),
            e => e.to_string(),
        }
    }

    /// Whether a request is under way.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Starts the request for `bbox` on a worker thread (fetch, read, make streets).
    pub fn start(&mut self, ctx: &egui::Context, bbox: BBox) {
        let (tx, rx) = mpsc::channel();
        let bytes = Arc::new(AtomicU64::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let endpoint = self.endpoint();
        let (b, c, e, ctx) = (bytes.clone(), cancel.clone(), endpoint.clone(), ctx.clone());
        std::thread::spawn(move || {
            let q = osm::query(&bbox);
            let mut progress = |n| {
                b.store(n, Ordering::Relaxed);
                ctx.request_repaint();
                !c.load(Ordering::Relaxed)
            };
            let result = osm::fetch(&e, &q, osm::FetchOptions::default(), &mut progress)
                .map_err(|err| err.to_string())
                .and_then(|text| {
                    osm::parse_response(&text, std::path::Path::new(&e))
                        .map(|d| osm::to_import(&d))
                        .map_err(|err| format!("{err}; nothing was changed"))
                });
            // The window may have been cancelled and closed: then nobody listens.
            let _ = tx.send(result);
            ctx.request_repaint();
        });
        self.error = None;
        self.preview = None;
        self.job = Some(Job {
            rx,
            bytes,
            cancel,
            endpoint,
        });
    }

    /// Opens the preview on `import` (what a finished request does; tests call it
    /// with a parsed response).
    pub fn show_preview(&mut self, import: OsmImport) {
        let keep = vec![true; import.streets.len()];
        self.preview = Some(Preview {
            import,
            keep,
            with_lamps: false,
        });
    }

    /// Takes the worker's answer, if it has come.
    fn poll(&mut self) {
        let Some(job) = &self.job else { return };
        match job.rx.try_recv() {
            Ok(Ok(import)) => {
                self.job = None;
                self.show_preview(import);
            }
            Ok(Err(e)) => {
                self.job = None;
                self.error = Some(e);
            }
            Err(mpsc::TryRecvError::Empty) => {}
            Err(mpsc::TryRecvError::Disconnected) => {
                self.job = None;
                self.error = Some("the import stopped unexpectedly; nothing was changed".into());
            }
        }
    }

    /// Stops waiting: the worker is told to stop and its answer is dropped.
    fn cancel(&mut self) {
        if let Some(job) = self.job.take() {
            job.cancel.store(true, Ordering::Relaxed);
        }
    }
}

/// What the planner chose in the preview: the streets and lamps to add.
pub struct Chosen {
    pub streets: Vec<crate::plan::Street>,
    pub lamps: Vec<osm::Lamp>,
}

/// The request and preview window; `Some` when "Import N streets" was clicked.
pub fn window(ctx: &egui::Context, ui_state: &mut OsmImportUi) -> Option<Chosen> {
    ui_state.poll();
    if ui_state.job.is_none() && ui_state.preview.is_none() && ui_state.error.is_none() {
        return None;
    }
    let mut open = true;
    let mut chosen = None;
    egui::Window::new("Import streets from OpenStreetMap")
        .open(&mut open)
        .default_width(520.0)
        .show(ctx, |ui| {
            if let Some(job) = &ui_state.job {
                let kb = job.bytes.load(Ordering::Relaxed) as f64 / 1024.0;
                let endpoint = job.endpoint.clone();
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!("Asking {endpoint}: {kb:.0} KB received"));
                });
                if ui.button("Cancel").clicked() {
                    ui_state.cancel();
                    ui_state.error = Some("Cancelled; nothing was changed".into());
                }
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            } else if let Some(e) = &ui_state.error {
                ui.colored_label(Color32::from_rgb(200, 30, 30), e);
            } else if let Some(p) = &mut ui_state.preview {
                chosen = preview_ui(ui, p);
            }
            ui.separator();
            ui.small(osm::ATTRIBUTION);
        });
    if !open || chosen.is_some() {
        ui_state.cancel();
        ui_state.preview = None;
        ui_state.error = None;
    }
    chosen
}

/// The list of streets with their ticks, the lamps option and the import button.
fn preview_ui(ui: &mut egui::Ui, p: &mut Preview) -> Option<Chosen> {
    let n_ways: usize = p.import.streets.iter().map(|s| s.way_ids.len()).sum();
    ui.label(format!(
        "{} streets from {} OSM ways ({} ways skipped). Tick the streets to import:",
        p.import.streets.len(),
        n_ways,
        p.import.skipped.len()
    ));
    ui.horizontal(|ui| {
        if ui.button("All").clicked() {
            p.keep.iter_mut().for_each(|k| *k = true);
        }
        if ui.button("None").clicked() {
            p.keep.iter_mut().for_each(|k| *k = false);
        }
    });
    egui::ScrollArea::vertical()
        .max_height(300.0)
        .show(ui, |ui| {
            for (s, keep) in p.import.streets.iter().zip(p.keep.iter_mut()) {
                ui.checkbox(keep, street_line(s));
            }
        });
    let lamps = p.import.lamps.len();
    if lamps > 0 {
        ui.checkbox(
            &mut p.with_lamps,
            format!(
                "Also add the {lamps} street lamps as poles of {}",
                osm::LAMP_VENDOR
            ),
        );
    }
    let n = p.keep.iter().filter(|k| **k).count();
    let lamps_chosen = if p.with_lamps { lamps } else { 0 };
    let can = n > 0 || lamps_chosen > 0;
    let clicked = ui
        .add_enabled(can, egui::Button::new(format!("Import {n} streets")))
        .clicked();
    clicked.then(|| Chosen {
        streets: p
            .import
            .streets
            .iter()
            .zip(&p.keep)
            .filter(|(_, k)| **k)
            .map(|(s, _)| s.street.clone())
            .collect(),
        lamps: if p.with_lamps {
            p.import.lamps.clone()
        } else {
            Vec::new()
        },
    })
}

/// "Fabriksparken - P3, 380 m, 2 ways".
fn street_line(s: &ImportedStreet) -> String {
    let class = s.street.class.map_or("no class".into(), |c| c.to_string());
    let ways = match s.way_ids.len() {
        1 => "1 way".to_string(),
        n => format!("{n} ways"),
    };
    format!(
        "{} - {class}, {:.0} m, {ways}",
        s.street.name,
        crate::frame::Polyline::from_lonlat(&s.street.points).length()
    )
}

/// Draws the previewed streets on the map: ticked ones in orange, the others faint.
pub struct OsmPreviewPlugin<'a> {
    pub preview: &'a Preview,
}

impl Plugin for OsmPreviewPlugin<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut egui::Ui,
        _r: &egui::Response,
        projector: &Projector,
        _m: &MapMemory,
    ) {
        let painter = ui.painter();
        for (s, keep) in self.preview.import.streets.iter().zip(&self.preview.keep) {
            let pts: Vec<egui::Pos2> = s
                .street
                .points
                .iter()
                .map(|p| projector.project(lon_lat(p.lon, p.lat)).to_pos2())
                .collect();
            let colour = if *keep {
                Color32::from_rgb(230, 120, 0)
            } else {
                Color32::from_rgba_unmultiplied(230, 120, 0, 70)
            };
            painter.add(egui::Shape::line(pts, Stroke::new(4.0, colour)));
        }
    }
}

impl super::LysplanApp {
    /// The map's visible area as a box, once the map has been drawn.
    pub fn visible_bbox(&self) -> Result<BBox, String> {
        let rect = self
            .map_rect()
            .ok_or("the map has not been drawn yet; try again")?;
        let (Some(nw), Some(se)) = (
            self.lonlat_at(rect.left_top()),
            self.lonlat_at(rect.right_bottom()),
        ) else {
            return Err("the map has not been drawn yet; try again".into());
        };
        BBox::new(nw.lon, se.lat, se.lon, nw.lat)
    }

    /// File → Import streets from OpenStreetMap…: asks for the visible area.
    pub(super) fn start_osm_import(&mut self, ctx: &egui::Context) {
        match self.visible_bbox() {
            Ok(b) => {
                self.osm.start(ctx, b);
                self.state.status =
                    format!("Asking {} for the streets in view", self.osm.endpoint());
            }
            Err(e) => {
                self.osm.preview = None;
                self.osm.error = Some(format!("Cannot import the visible area: {e}"));
            }
        }
    }

    /// Adds the chosen streets and lamps as one undoable edit; returns the status line.
    pub(super) fn add_osm(&mut self, chosen: Chosen) -> String {
        let label = format!("Import {} streets from OpenStreetMap", chosen.streets.len());
        // The import works on a copy of the plan; the edit keeps only what it added.
        let mut plan = self.state.plan().clone();
        let added = osm::add_to_plan(&mut plan, &chosen.streets, &chosen.lamps);
        let edit = crate::edit::Edit::between(self.state.plan(), &plan);
        self.state.apply(crate::edit::Step { label, edit });
        added.summary()
    }
}
