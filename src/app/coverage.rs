//! EN 13201 coverage in the app, computed in the background.
//!
//! [`CoverageWorker`] watches [`AppState::revision`]: once the plan has not changed for
//! [`DEBOUNCE`], it clones the plan and runs [`lighting::load_photometry`] and
//! [`lighting::evaluate`] on a `std::thread`. The UI polls it once per frame (never
//! blocking), throws away results for a plan that has changed since, and feeds the
//! `coverage.*` findings of a current result into the findings list with
//! [`crate::check::Checker::set_extra`]. Only one computation runs at a time (the machine
//! may have two cores); an edit during a run starts the next run when it finishes.
//!
//! The worker also prepares, off the UI thread, what the map layer draws
//! ([`LayerStreet`]): each street's illuminance profile as lon/lat pieces and its dark
//! stretches as lon/lat polylines.

use super::state::AppState;
use crate::frame::{LonLat, Polyline};
use crate::lighting::{self, Coverage};
use crate::photometry::Photometry;
use crate::plan::{LuminaireType, Plan};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Quiet time after the last change of the plan before coverage is recomputed.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// A computation running longer than this shows its progress.
pub const SHOW_PROGRESS_AFTER: Duration = Duration::from_millis(150);

/// Photometry of a plan's luminaire types, keyed by luminaire type id.
pub type PhotometryMap = HashMap<String, Photometry>;

/// One piece of a street's route for the map: from, to and its illuminance, lx (the
/// lowest value across the street at that chainage).
#[derive(Debug, Clone, PartialEq)]
pub struct LayerPiece {
    pub from: LonLat,
    pub to: LonLat,
    /// The lowest value across the street: illuminance, lx, or for an M street the
    /// luminance, cd/m² (`luminance` of the street).
    pub value: f64,
}

/// What the map's coverage layer draws for one street.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LayerStreet {
    /// Street id (checked against the plan shown, so a result for another document is
    /// never drawn on the wrong street).
    pub id: String,
    pub pieces: Vec<LayerPiece>,
    /// The pieces hold road luminance (an M street), not illuminance.
    pub luminance: bool,
    /// Each dark stretch as a polyline along the centreline.
    pub dark: Vec<Vec<LonLat>>,
}

/// A finished coverage computation.
#[derive(Debug, Clone)]
pub struct CoverageResult {
    /// The [`AppState::revision`] of the plan it was computed for.
    pub revision: u64,
    pub coverage: Coverage,
    /// Street names by id, at the time of the computation.
    pub street_names: HashMap<String, String>,
    /// Luminaire types whose photometry could not be read (id, message): their poles
    /// light nothing.
    pub photometry_errors: Vec<(String, String)>,
    pub layer: Vec<LayerStreet>,
    /// Wall time of the computation.
    pub elapsed: Duration,
}

impl CoverageResult {
    /// The evaluation of street `id`, if it is classed and was evaluated.
    pub fn street(&self, id: &str) -> Option<&lighting::StreetEvaluation> {
        self.coverage.streets.iter().find(|s| s.result.id == id)
    }

    /// Display name of street `id` (its id when it has no name).
    pub fn street_name<'a>(&'a self, id: &'a str) -> &'a str {
        match self.street_names.get(id) {
            Some(n) if !n.is_empty() => n,
            _ => id,
        }
    }
}

/// Photometry read for a set of luminaire types, and the types that failed (id, message).
type CachedPhotometry = (Arc<PhotometryMap>, Vec<(String, String)>);

struct JobOutput {
    result: CoverageResult,
    luminaires: Vec<LuminaireType>,
    photometry: CachedPhotometry,
}

struct Job {
    revision: u64,
    started: Instant,
    progress: Arc<AtomicUsize>,
    total: usize,
    rx: mpsc::Receiver<JobOutput>,
}

/// Progress of a running computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Classed streets finished.
    pub done: usize,
    /// Classed streets in the plan.
    pub total: usize,
    /// Time since the computation started.
    pub elapsed: Duration,
}

/// Runs the coverage computation in the background and keeps the latest result.
pub struct CoverageWorker {
    result: Option<Arc<CoverageResult>>,
    job: Option<Job>,
    seen_revision: Option<u64>,
    changed_at: Instant,
    /// Photometry already read, valid while the plan's luminaire types are unchanged.
    cache: Option<(Vec<LuminaireType>, CachedPhotometry)>,
    /// A computation that ended without a result (the thread panicked), and for which
    /// revision, so it is not retried in a loop.
    failed: Option<(u64, String)>,
    /// Computations started (for tests and the status line).
    runs: usize,
}

impl Default for CoverageWorker {
    fn default() -> Self {
        CoverageWorker {
            result: None,
            job: None,
            seen_revision: None,
            changed_at: Instant::now(),
            cache: None,
            failed: None,
            runs: 0,
        }
    }
}

impl CoverageWorker {
    /// Call once per frame: collects a finished result, starts a computation when the plan
    /// has been quiet for [`DEBOUNCE`], and asks for the repaints needed to do so.
    pub fn update(&mut self, ctx: &egui::Context, state: &mut AppState) {
        let now = Instant::now();
        match self.seen_revision {
            // The first plan seen is computed at once; later changes are debounced.
            None => self.changed_at = now.checked_sub(DEBOUNCE).unwrap_or(now),
            Some(r) if r != state.revision() => self.changed_at = now,
            Some(_) => {}
        }
        self.seen_revision = Some(state.revision());
        self.poll(state);
        if self.is_current(state.revision()) || self.job.is_some() {
            if self.job.is_some() {
                // Progress updates; the thread also repaints when it finishes.
                ctx.request_repaint_after(Duration::from_millis(100));
            }
            return;
        }
        if self
            .failed
            .as_ref()
            .is_some_and(|(r, _)| *r == state.revision())
        {
            return;
        }
        let quiet = now.saturating_duration_since(self.changed_at);
        if quiet < DEBOUNCE {
            ctx.request_repaint_after(DEBOUNCE - quiet);
            return;
        }
        self.start(ctx, state);
        ctx.request_repaint_after(Duration::from_millis(100));
    }

    fn poll(&mut self, state: &mut AppState) {
        let Some(job) = &self.job else { return };
        match job.rx.try_recv() {
            Err(mpsc::TryRecvError::Empty) => {}
            Err(mpsc::TryRecvError::Disconnected) => {
                self.failed = Some((
                    job.revision,
                    "the coverage computation stopped without a result (internal error); \
                     edit the plan to try again"
                        .into(),
                ));
                self.job = None;
            }
            Ok(out) => {
                self.job = None;
                self.cache = Some((out.luminaires, out.photometry));
                // A result for a plan that has changed since is stale: drop it (the next
                // run starts after the debounce).
                if out.result.revision == state.revision() {
                    state
                        .doc
                        .set_derived_findings(out.result.coverage.findings.clone());
                    self.failed = None;
                    self.result = Some(Arc::new(out.result));
                }
            }
        }
    }

    fn start(&mut self, ctx: &egui::Context, state: &AppState) {
        let plan = state.plan().clone();
        let revision = state.revision();
        let progress = Arc::new(AtomicUsize::new(0));
        let total = lighting::progress_total(&plan);
        let cached = self
            .cache
            .as_ref()
            .filter(|(lums, _)| *lums == plan.luminaires)
            .map(|(_, p)| p.clone());
        let (tx, rx) = mpsc::channel();
        let ctx = ctx.clone();
        let thread_progress = progress.clone();
        let spawned = std::thread::Builder::new()
            .name("lysplan-coverage".into())
            .spawn(move || {
                let out = compute(plan, revision, cached, &thread_progress);
                // The receiver is gone when the app closed meanwhile: nothing to do.
                let _ = tx.send(out);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.runs += 1;
                self.job = Some(Job {
                    revision,
                    started: Instant::now(),
                    progress,
                    total,
                    rx,
                });
            }
            Err(e) => {
                self.failed = Some((revision, format!("could not start the computation: {e}")))
            }
        }
    }

    /// Whether the latest result is for plan revision `revision`.
    pub fn is_current(&self, revision: u64) -> bool {
        self.result.as_ref().is_some_and(|r| r.revision == revision)
    }

    /// Whether a computation is running or due (the shown result is not for `revision`).
    pub fn is_busy(&self, revision: u64) -> bool {
        self.job.is_some()
            || (!self.is_current(revision)
                && self.failed.as_ref().is_none_or(|(r, _)| *r != revision))
    }

    /// The latest result (possibly for an earlier revision of the plan: compare
    /// [`CoverageResult::revision`]).
    pub fn result(&self) -> Option<&Arc<CoverageResult>> {
        self.result.as_ref()
    }

    /// Progress of the running computation, if any.
    pub fn progress(&self) -> Option<Progress> {
        self.job.as_ref().map(|j| Progress {
            done: j.progress.load(Ordering::Relaxed).min(j.total),
            total: j.total,
            elapsed: j.started.elapsed(),
        })
    }

    /// Why the last computation gave no result, if it failed.
    pub fn failure(&self) -> Option<&str> {
        self.failed.as_ref().map(|(_, m)| m.as_str())
    }

    /// Number of computations started so far.
    pub fn runs(&self) -> usize {
        self.runs
    }
}

/// The whole computation, on the worker thread.
fn compute(
    plan: Plan,
    revision: u64,
    cached: Option<CachedPhotometry>,
    progress: &AtomicUsize,
) -> JobOutput {
    let started = Instant::now();
    let (photometry, photometry_errors) = match cached {
        Some(c) => c,
        None => {
            let (ok, errors) = lighting::load_photometry(&plan);
            (
                Arc::new(ok),
                errors
                    .into_iter()
                    .map(|(id, e)| (id, e.to_string()))
                    .collect(),
            )
        }
    };
    let coverage = lighting::evaluate(&plan, photometry.as_ref(), Some(progress));
    let layer = layer_of(&plan, &coverage);
    let street_names = plan
        .streets
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    JobOutput {
        result: CoverageResult {
            revision,
            coverage,
            street_names,
            photometry_errors: photometry_errors.clone(),
            layer,
            elapsed: started.elapsed(),
        },
        luminaires: plan.luminaires,
        photometry: (photometry, photometry_errors),
    }
}

/// Spacing of the points that trace a dark stretch along a bending street, m.
const TRACE_STEP_M: f64 = 2.0;

/// The map layer of a coverage: each grid row becomes a piece of the centreline from the
/// midpoint with the previous row to the midpoint with the next.
pub fn layer_of(plan: &Plan, coverage: &Coverage) -> Vec<LayerStreet> {
    coverage
        .streets
        .iter()
        .filter_map(|ev| {
            let street = plan.streets.get(ev.street)?;
            let line = Polyline::from_lonlat(&street.points);
            let length = line.length();
            let lonlat = |ch: f64| -> Option<LonLat> {
                let (p, _) = line.point_at(ch.clamp(0.0, length))?;
                Some(LonLat::from_xy(p))
            };
            // M streets: the luminance rows (lowest across from any observer).
            let (ch, e) = match &ev.luminance {
                Some(l) => (
                    l.lanes.first().map_or(&[][..], |lane| &lane.chainage_m[..]),
                    &l.row_min_cd_m2[..],
                ),
                None => (&ev.profile.chainage_m[..], &ev.profile.min_across_lx[..]),
            };
            let mut pieces = Vec::with_capacity(ch.len());
            for (i, (&c, &lx)) in ch.iter().zip(e.iter()).enumerate() {
                let from = match i.checked_sub(1).and_then(|j| ch.get(j)) {
                    Some(&prev) => (prev + c) / 2.0,
                    None => 0.0,
                };
                let to = match ch.get(i + 1) {
                    Some(&next) => (c + next) / 2.0,
                    None => length,
                };
                if let (Some(a), Some(b)) = (lonlat(from), lonlat(to)) {
                    pieces.push(LayerPiece {
                        from: a,
                        to: b,
                        value: lx,
                    });
                }
            }
            let dark = ev
                .dark
                .iter()
                .map(|d| {
                    let (a, b) = (d.from_m.max(0.0), d.to_m.min(length));
                    let n = (((b - a) / TRACE_STEP_M).ceil() as usize).clamp(1, 10_000);
                    (0..=n)
                        .filter_map(|k| lonlat(a + (b - a) * k as f64 / n as f64))
                        .collect()
                })
                .collect();
            Some(LayerStreet {
                id: street.id.clone(),
                pieces,
                luminance: ev.luminance.is_some(),
                dark,
            })
        })
        .collect()
}

/// The coverage feature's part of the app: the worker, the map layer toggle and the
/// results window.
#[derive(Default)]
pub struct CoverageUi {
    pub worker: CoverageWorker,
    /// Draw the coverage layer on the map (off: the map looks as without coverage).
    pub layer: bool,
    /// The results window is open.
    pub window_open: bool,
    /// Street whose profile the window plots (street id).
    pub plot_street: Option<String>,
}

impl CoverageUi {
    /// Per frame, before drawing: see [`CoverageWorker::update`].
    pub fn update(&mut self, ctx: &egui::Context, state: &mut AppState) {
        self.worker.update(ctx, state);
    }

    /// Progress in the status bar, only while a computation takes longer than a blink.
    pub fn status_ui(&self, ui: &mut egui::Ui) {
        if let Some(p) = self.worker.progress()
            && p.elapsed >= SHOW_PROGRESS_AFTER
        {
            progress_bar(ui, p, 180.0);
        }
    }
}

/// "Computing coverage… 3/8 streets" as a progress bar.
pub fn progress_bar(ui: &mut egui::Ui, p: Progress, width: f32) {
    let fraction = if p.total > 0 {
        p.done as f32 / p.total as f32
    } else {
        0.0
    };
    ui.add(
        egui::ProgressBar::new(fraction)
            .desired_width(width)
            .text(format!(
                "Computing coverage… {}/{} streets",
                p.done, p.total
            )),
    );
}
