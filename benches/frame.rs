//! UI frame CPU time: one full frame of the main window (egui layout of every panel, the
//! map plugins, then tessellation into meshes; no GPU), 1280x800 points, tiles off. Run:
//!
//! ```text
//! cargo bench --bench frame
//! ```
//!
//! Views: "all" = zoomed to fit the whole plan (every pole on screen), view unchanged
//! since the last frame (hover, repaint); "all_pan" = the same with the centre moving
//! every frame (nothing cached can be reused); "street" = zoom 18 on one pole (the R-tree
//! culls the rest); "drag" = the street view while a pole is dragged (the pointer moves
//! every frame, the incremental checker runs every frame).
//!
//! Measured 2026-11-26 on a 2-vCPU AMD EPYC VM, shared (load average about 4 from other
//! builds: figures vary by up to 1.5x between runs), release, median of criterion:
//!
//! | plan | view | before | after |
//! | --- | --- | ---: | ---: |
//! | bundled (DOLL) | all | 1.96 ms | 1.35 ms |
//! | bundled (DOLL) | all_pan | (= all) | 0.39 ms |
//! | bundled (DOLL) | street | 0.31 ms | 0.22 ms |
//! | bundled (DOLL) | drag | 0.70 ms | 0.33 ms |
//! | 50,000 poles | all | 230 ms | 5.9 ms |
//! | 50,000 poles | all_pan | (= all, 230 ms) | 29 ms |
//! | 50,000 poles | street | 6.1 ms | 0.97 ms |
//! | 50,000 poles | drag | 6.1 ms | 2.3 ms |
//!
//! 50k "all" after: run_ui 2.5 ms + tessellate 3.7 ms (87k vertices, mostly the street
//! lines). Before, 50,000 anti-aliased circles made about 1.5 M vertices a frame.
//! What changed: with more than `map::LOD_POLES` (2,000) poles in view the poles are
//! stamped into one image (`app::pole_raster`) shown as a texture and re-rasterised only
//! when the view, the plan or the findings change (the stamping is most of "all_pan"); the
//! vendor pole counts are cached per plan generation instead of recounted (with a linear
//! luminaire search) every frame; findings lists longer than 200 rows lay out only the
//! rows in view; vendor colours and flagged poles use an FNV hash per pole. Not met: a
//! frame that pans the full 50k view (29 ms; the target of 8 ms holds for static full
//! views, street views and dragging).

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Event, Modifiers, PointerButton, Pos2, RawInput, Rect, vec2};
use lysplan::app::LysplanApp;
use lysplan::plan::Plan;
use std::hint::black_box;

/// The app in a 1280x800 window, with a few warm-up frames (the map zooms to fit in its
/// first frames, fonts are laid out once).
struct Window {
    ctx: egui::Context,
    app: LysplanApp,
}

impl Window {
    fn new(plan: Plan) -> Self {
        let ctx = egui::Context::default();
        let app = LysplanApp::new(&ctx, plan, None, false);
        let mut w = Window { ctx, app };
        for _ in 0..5 {
            w.frame(Vec::new());
        }
        w
    }

    /// One frame: layout and paint commands, then tessellation. Returns the number of
    /// clipped primitives (so the work cannot be optimised away).
    fn frame(&mut self, events: Vec<Event>) -> usize {
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0))),
            events,
            ..Default::default()
        };
        let app = &mut self.app;
        let out = self.ctx.run_ui(input, |ui| app.show(ui));
        self.ctx.tessellate(out.shapes, out.pixels_per_point).len()
    }

    /// Prints how one frame splits into passes, layout and tessellation (diagnostics).
    fn split(&mut self, what: &str) {
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0))),
            ..Default::default()
        };
        let app = &mut self.app;
        let passes = self.ctx.cumulative_pass_nr();
        let t0 = std::time::Instant::now();
        let out = self.ctx.run_ui(input, |ui| app.show(ui));
        let t1 = std::time::Instant::now();
        let n: usize = self
            .ctx
            .tessellate(out.shapes, out.pixels_per_point)
            .iter()
            .map(|p| match &p.primitive {
                egui::epaint::Primitive::Mesh(m) => m.vertices.len(),
                _ => 0,
            })
            .sum();
        let t2 = std::time::Instant::now();
        eprintln!(
            "{what}: {} pass(es), run_ui {:?}, tessellate {:?}, {n} vertices",
            self.ctx.cumulative_pass_nr() - passes,
            t1 - t0,
            t2 - t1
        );
    }

    /// Zoom in on pole `k` (a street view) and settle.
    fn street_view(&mut self, k: usize) -> Pos2 {
        let p = self.app.state.plan.poles[k].clone();
        self.app.set_view(p.lon, p.lat, 18.0);
        for _ in 0..3 {
            self.frame(Vec::new());
        }
        self.app.screen_pos(p.lon, p.lat).unwrap_or_default()
    }
}

fn bench_plan(c: &mut Criterion, name: &str, plan: Plan) {
    let mut g = c.benchmark_group(format!("frame_{name}"));
    g.sample_size(20);
    let k = plan.poles.len() / 2;

    let mut w = Window::new(plan.clone());
    w.split(&format!("{name} all"));
    g.bench_function("all", |b| b.iter(|| black_box(w.frame(Vec::new()))));

    // Panning at full view: the centre moves every frame, so nothing cached can be reused.
    let ([lon, lat], zoom) = w.app.view();
    let mut step = 0u32;
    g.bench_function("all_pan", |b| {
        b.iter(|| {
            step += 1;
            let d = f64::from(step % 2) * 1e-4;
            w.app.set_view(lon + d, lat, zoom);
            black_box(w.frame(Vec::new()))
        })
    });

    w.street_view(k);
    w.split(&format!("{name} street"));
    g.bench_function("street", |b| b.iter(|| black_box(w.frame(Vec::new()))));

    // Drag: press on the pole, then move the pointer a little every frame.
    let mut w = Window::new(plan);
    let at = w.street_view(k);
    w.frame(vec![Event::PointerMoved(at)]);
    w.frame(vec![Event::PointerButton {
        pos: at,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    }]);
    let mut step = 0u32;
    g.bench_function("drag", |b| {
        b.iter(|| {
            step += 1;
            let dx = 10.0 + (step % 2) as f32 * 6.0;
            black_box(w.frame(vec![Event::PointerMoved(at + vec2(dx, 4.0))]))
        })
    });
    // The pole really moved (not a pan of the map).
    assert!(
        step == 0 || w.app.state.dirty,
        "the drag bench did not move the pole"
    );
    g.finish();
}

fn frames(c: &mut Criterion) {
    bench_plan(c, "bundled", lysplan::bundled::doll_plan());
    bench_plan(c, "50k", lysplan::check::synth::plan(50_000));
}

criterion_group!(benches, frames);
criterion_main!(benches);
