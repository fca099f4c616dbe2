//! Full check (index build included, file loading excluded) on synthetic plans of 1k to
//! 1M poles, one incremental pole move, GeoJSON reading (up to 100k poles), and issue
//! 13's GIS workload at 100k and 1M poles checked from its file as `lysplan check FILE
//! --format json` does (`gis_workload_check`). Run:
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
                black_box(lysplan::locate::read_geojson(
                    t,
                    std::path::Path::new("synth.geojson"),
                ))
            })
        });
        // From the file, as `check` and the app read it (in runs, on every core).
        let path = dir.join(format!("synth{n}.geojson"));
        std::fs::write(&path, &text).expect("the bench file is written");
        g.bench_with_input(BenchmarkId::new("file", n), &path, |b, p| {
            b.iter(|| black_box(lysplan::locate::load_geojson(p)))
        });
    }
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 13's GIS workload, as `scripts/grid_workload.py` lays it out (its own random
/// numbers, so not the script's bytes, but the same shape and share of violations): a
/// square grid of straight streets 300 m apart near 55.68 N 12.38 E, each street one
/// LineString with a vertex at every junction; poles every 30 m (±2 m jitter), 3 m right
/// of the street, never within 15 m of a junction, without `azimuth_deg`, 8 m high, four
/// vendors, one LDT file; 0.4 % extra poles 2-8 m after a regular one, 0.4 % poles inside
/// the blocks, 0.2 % regular poles left out. Compact, one feature per line, 7 decimals.
/// Returns the text and the number of poles.
fn grid_workload(target: usize, ldt: &str) -> (String, usize) {
    use std::fmt::Write;
    const LAT0: f64 = 55.68;
    const LON0: f64 = 12.38;
    const M_PER_DEG_LAT: f64 = 111_320.0;
    const SPACING: f64 = 30.0;
    const BLOCK: f64 = 300.0;
    const OFFSET: f64 = 3.0;
    const CLEAR: f64 = 15.0;
    // SplitMix64: a fixed sequence, no crate needed for a bench's jitter.
    let mut state: u64 = 1;
    let mut unit = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let m_per_deg_lon = M_PER_DEG_LAT * LAT0.to_radians().cos();
    let mut n = 2usize;
    while 2 * n * (n - 1) * 9 < target {
        n += 1;
    }
    let length = (n - 1) as f64 * BLOCK;
    let lonlat = |x: f64, y: f64| (LON0 + x / m_per_deg_lon, LAT0 + y / M_PER_DEG_LAT);
    let mut out = String::from(
        "{\"type\":\"FeatureCollection\",\n\"lysplan\":{\"format_version\":2,\"name\":\"Grid workload\",\"vendors\":[",
    );
    for v in 0..4 {
        let sep = if v == 0 { "" } else { "," };
        let _ = write!(
            out,
            "{sep}{{\"id\":\"v{}\",\"name\":\"V{}\",\"color\":[{},100,200]}}",
            v + 1,
            v + 1,
            40 * v
        );
    }
    out.push_str("]},\n\"features\":[\n");
    for k in 0..n {
        let c = k as f64 * BLOCK;
        for (dir, name) in [("WE", "West-east"), ("SN", "South-north")] {
            let sep = if k == 0 && dir == "WE" { "" } else { ",\n" };
            let _ = write!(
                out,
                "{sep}{{\"type\":\"Feature\",\"properties\":{{\"kind\":\"street\",\"id\":\"{dir}{k:03}\",\"name\":\"{name} {k}\",\"width_m\":7.0}},\"geometry\":{{\"type\":\"LineString\",\"coordinates\":["
            );
            for j in 0..n {
                let a = j as f64 * BLOCK;
                let (lon, lat) = if dir == "WE" {
                    lonlat(a, c)
                } else {
                    lonlat(c, a)
                };
                let sep = if j == 0 { "" } else { "," };
                let _ = write!(out, "{sep}[{lon:.7},{lat:.7}]");
            }
            out.push_str("]}}");
        }
    }
    let mut poles = 0usize;
    let mut pole = |out: &mut String, x: f64, y: f64| {
        poles += 1;
        let (lon, lat) = lonlat(x, y);
        let _ = write!(
            out,
            ",\n{{\"type\":\"Feature\",\"properties\":{{\"kind\":\"pole\",\"id\":\"P{poles:07}\",\"vendor\":\"v{}\",\"luminaire\":\"{ldt}\",\"height_m\":8.0}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon:.7},{lat:.7}]}}}}",
            (poles - 1) % 4 + 1
        );
    };
    let mut regular = 0;
    for k in 0..n {
        let c = k as f64 * BLOCK;
        for horizontal in [true, false] {
            let mut s = 15.0;
            while s <= length - 15.0 && regular < target {
                let off = s % BLOCK;
                if !(CLEAR..=BLOCK - CLEAR).contains(&off) {
                    s += SPACING;
                    continue;
                }
                let ch = s + unit() * 4.0 - 2.0;
                let (x, y) = if horizontal {
                    (ch, c - OFFSET)
                } else {
                    (c + OFFSET, ch)
                };
                let r = unit();
                regular += 1;
                if r >= 0.002 {
                    pole(&mut out, x, y);
                    if r < 0.006 {
                        let d = 2.0 + unit() * 6.0;
                        if horizontal {
                            pole(&mut out, x + d, y);
                        } else {
                            pole(&mut out, x, y + d);
                        }
                    }
                }
                s += SPACING;
            }
        }
    }
    for _ in 0..target * 4 / 1000 {
        let bx = (unit() * (n - 1) as f64).floor();
        let by = (unit() * (n - 1) as f64).floor();
        let x = bx * BLOCK + 40.0 + unit() * (BLOCK - 80.0);
        let y = by * BLOCK + 40.0 + unit() * (BLOCK - 80.0);
        pole(&mut out, x, y);
    }
    out.push_str("\n]}\n");
    (out, poles)
}

/// Issue 13's rows: `lysplan check FILE --format json` as the command runs it (read and
/// locate, the rules with the coverage pass beside them, the JSON report) on the GIS
/// workload at 100k and 1M poles, from the file.
fn gis_workload(c: &mut Criterion) {
    use lysplan::report::CheckReport;
    let mut g = c.benchmark_group("gis_workload_check");
    g.sample_size(10);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let ldt = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/luminaires/acme_road_runner.ldt"
    );
    for n in sizes().into_iter().filter(|&n| n >= 100_000) {
        let (text, poles) = grid_workload(n, ldt);
        let path = dir.path().join(format!("grid{n}.geojson"));
        std::fs::write(&path, &text).expect("the bench file is written");
        drop(text);
        let check = |p: &std::path::Path| {
            let (plan, located) = lysplan::locate::load_located(p).expect("the workload reads");
            let (findings, cov) = lysplan::check::run_with_coverage_located(&plan, located);
            let json = CheckReport::new(&plan, &findings)
                .with_coverage(&cov)
                .to_json();
            (findings, json)
        };
        // What it finds, for comparing with the script's counts.
        let (findings, _) = check(&path);
        let count = |rule: &str| findings.iter().filter(|f| f.rule == rule).count();
        eprintln!(
            "gis workload: {poles} poles, {} spacing.min, {} placement.off_route, {} spacing.max",
            count("spacing.min"),
            count("placement.off_route"),
            count("spacing.max")
        );
        g.throughput(criterion::Throughput::Elements(poles as u64));
        g.bench_with_input(BenchmarkId::from_parameter(poles), &path, |b, p| {
            b.iter(|| black_box(check(p)))
        });
    }
    g.finish();
}

criterion_group!(benches, full_check, move_pole, geojson, gis_workload);
criterion_main!(benches);
