//! Full check (index build included, file loading excluded) on synthetic plans of 1k to
//! 1M poles, one incremental pole move, and GeoJSON reading (up to 100k poles). Run:
//!
//! ```text
//! cargo bench --bench check -- --sample-size 10
//! ```
//!
//! Measured 2026-11-26 on a 2-vCPU AMD EPYC VM (23 GB), release, synthetic plans from
//! `lysplan::check::synth` (~1 % violations), machine otherwise idle:
//!
//! | poles | full check (median) | per pole | one pole moved (incremental) |
//! | ---: | ---: | ---: | ---: |
//! | 1,000 | 1.42 ms | 1.42 µs | 3.2 µs |
//! | 10,000 | 14.2 ms | 1.42 µs | 9.7 µs |
//! | 100,000 | 152 ms | 1.52 µs | 41 µs |
//! | 1,000,000 | 1.68 s | 1.68 µs | 382 µs |
//!
//! 1k -> 1M: time x1180 for n x1000 (n log n would allow x2000). Reading GeoJSON:
//! about 105 MB/s (100k poles, 27 MB: 0.25 s). With other builds running on the two
//! cores the same runs take up to 1.6x longer.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use lysplan::check::{Checker, run, synth};
use lysplan::frame::{from_utm32, to_utm32};
use std::hint::black_box;

fn sizes() -> Vec<usize> {
    // LYSPLAN_BENCH_MAX caps the size (e.g. 100000 on a small machine).
    let max: usize = std::env::var("LYSPLAN_BENCH_MAX")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    [1_000, 10_000, 100_000, 1_000_000]
        .into_iter()
        .filter(|&n| n <= max)
        .collect()
}

fn full_check(c: &mut Criterion) {
    let mut g = c.benchmark_group("check_full");
    g.sample_size(10);
    for n in sizes() {
        let plan = synth::plan(n);
        g.throughput(criterion::Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &plan, |b, p| {
            b.iter(|| black_box(run(p)))
        });
    }
    g.finish();
}

fn move_pole(c: &mut Criterion) {
    let mut g = c.benchmark_group("check_move_pole");
    for n in sizes() {
        let mut plan = synth::plan(n);
        let mut checker = Checker::new(&plan);
        let k = n / 2;
        let p = to_utm32(plan.poles[k].lon, plan.poles[k].lat);
        let there = from_utm32(lysplan::frame::Xy::new(p.x + 7.0, p.y + 3.0));
        let here = (plan.poles[k].lon, plan.poles[k].lat);
        let mut flip = false;
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| {
                flip = !flip;
                let (lon, lat) = if flip { there } else { here };
                plan.poles[k].lon = lon;
                plan.poles[k].lat = lat;
                checker.move_pole(&plan, k);
                black_box(checker.findings().len())
            })
        });
    }
    g.finish();
}

fn geojson(c: &mut Criterion) {
    let mut g = c.benchmark_group("geojson_read");
    g.sample_size(10);
    let dir = std::env::temp_dir().join(format!("lysplan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    for n in sizes().into_iter().filter(|&n| n <= 100_000) {
        let text = lysplan::plan::to_geojson(&synth::plan(n));
        g.throughput(criterion::Throughput::Bytes(text.len() as u64));
        // From text in memory, on one core.
        g.bench_with_input(BenchmarkId::new("text", n), &text, |b, t| {
            b.iter(|| {
                black_box(lysplan::plan::read_geojson(
                    t,
                    std::path::Path::new("synth.geojson"),
                ))
            })
        });
        // From the file, as `check` and the app read it (in runs, on every core).
        let path = dir.join(format!("synth{n}.geojson"));
        std::fs::write(&path, &text).expect("the bench file is written");
        g.bench_with_input(BenchmarkId::new("file", n), &path, |b, p| {
            b.iter(|| black_box(lysplan::plan::load_geojson(p)))
        });
    }
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, full_check, move_pole, geojson);
criterion_main!(benches);
