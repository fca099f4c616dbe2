//! Full EN 13201 coverage of a synthetic network: `lysplan::check::synth` with 35,000
//! poles (about 1,080 km of streets, poles every 30 m, 7 m wide, classes P4 and C3).
//!
//! The photometry parsers are not used here: the luminaire is a hand-built cut-off
//! street distribution (about 10,000 cd peak towards the street at gamma 65°, nothing
//! beyond gamma 80°), its main beam at C = 270 like the synthetic plan's catalogue entry
//! (rotation 180 in the plan turns it to the street).
//!
//! The same plan is then evaluated with its own catalogue file (acme_road_runner.ldt), and
//! the bundled DOLL plan (assets/plans/doll-living-lab.ron) with its photometry.
//!
//! Run: `cargo bench --bench coverage -- --sample-size 10`.

use criterion::{Criterion, criterion_group, criterion_main};
use lysplan::frame::Xy;
use lysplan::index::SiteIndex;
use lysplan::lighting::{self, Lighting};
use lysplan::photometry::IntensityTable;
use std::collections::HashMap;
use std::hint::black_box;

fn street_luminaire() -> IntensityTable {
    let c_deg: Vec<f64> = (0..=72).map(|i| i as f64 * 5.0).collect();
    let gamma_deg: Vec<f64> = (0..=72).map(|i| i as f64 * 2.5).collect();
    let mut cd = Vec::with_capacity(c_deg.len() * gamma_deg.len());
    for &c in &c_deg {
        // Forward (C = 270) beam, weaker backwards and sideways.
        let towards_street = 0.5 * (1.0 - c.to_radians().sin());
        for &g in &gamma_deg {
            let v = if g > 80.0 {
                0.0
            } else {
                let lift = (g / 65.0).min(1.0).powi(2) * (1.0 - ((g - 65.0).max(0.0) / 15.0));
                2500.0 + 7500.0 * towards_street * lift + 1500.0 * (1.0 - towards_street) * lift
            };
            cd.push(v);
        }
    }
    IntensityTable {
        c_deg,
        gamma_deg,
        cd,
    }
}

/// CPU time (user + system) of this process so far, seconds, from /proc (Linux);
/// `None` elsewhere. Benchmarks on a shared machine are easier to judge in CPU time.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14, 15.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn bench(c: &mut Criterion) {
    let plan = lysplan::check::synth::plan(35_000);
    let ph = HashMap::from([("L01".to_string(), street_luminaire())]);
    let index = SiteIndex::build(&plan);
    let lighting = Lighting::new(&plan, &ph);
    let km: f64 = index.streets.iter().map(|s| s.length()).sum::<f64>() / 1000.0;
    let cpu0 = cpu_seconds();
    let wall0 = std::time::Instant::now();
    let cov = lighting::evaluate(&plan, &ph, None);
    let wall = wall0.elapsed().as_secs_f64();
    if let (Some(a), Some(b)) = (cpu0, cpu_seconds()) {
        eprintln!(
            "one full evaluate: {wall:.3} s wall, {:.2} s CPU ({} threads)",
            b - a,
            rayon::current_num_threads()
        );
    }
    let points: usize = cov.streets.iter().map(|s| s.grid_points).sum();
    let passing = cov.streets.iter().filter(|s| s.result.pass).count();
    eprintln!(
        "synthetic plan: {} poles, {} streets, {km:.0} km, {points} grid points, \
         max influence radius {:.1} m, {passing}/{} streets pass, {} findings, \
         D_P {:.4} W/(lx m²), D_E {:.1} Wh/(m² year)",
        plan.poles.len(),
        plan.streets.len(),
        lighting.max_radius_m(),
        cov.streets.len(),
        cov.findings.len(),
        cov.energy.d_p_w_per_lx_m2.unwrap_or(0.0),
        cov.energy.d_e_wh_per_m2_year,
    );

    // The same plan with its catalogue photometry (acme_road_runner.ldt, read by the
    // photometry module), as a planner would run it.
    let (acme, errors) = lighting::load_photometry(&plan);
    assert!(errors.is_empty(), "{errors:?}");
    let acme_light = Lighting::new(&plan, &acme);
    let acme_cov = lighting::evaluate_with(&plan, &acme_light, &index, None);
    eprintln!(
        "synthetic plan with acme_road_runner.ldt: max influence radius {:.1} m \
         (P4 streets {:.1} m, C3 {:.1} m), {}/{} streets pass",
        acme_light.max_radius_m(),
        acme_light.max_radius_for(Some(lysplan::plan::LightingClass::P4)),
        acme_light.max_radius_for(Some(lysplan::plan::LightingClass::C3)),
        acme_cov.streets.iter().filter(|s| s.result.pass).count(),
        acme_cov.streets.len()
    );

    let mut g = c.benchmark_group("coverage_35k_poles");
    g.bench_function("evaluate, hand-built table", |b| {
        b.iter(|| lighting::evaluate(black_box(&plan), &ph, None))
    });
    g.bench_function("evaluate, acme_road_runner.ldt", |b| {
        b.iter(|| lighting::evaluate(black_box(&plan), &acme, None))
    });
    g.bench_function("Lighting::new", |b| {
        b.iter(|| Lighting::new(black_box(&plan), &ph))
    });
    let p = index.pole_xy.first().copied().unwrap_or_default();
    let p = Xy::new(p.x + 3.0, p.y + 5.0);
    g.bench_function("e_h one point", |b| b.iter(|| lighting.e_h(black_box(p))));
    g.finish();

    let bundled =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/plans/doll-living-lab.ron");
    if let Ok(site) = lysplan::plan::load_ron(&bundled) {
        let (site_ph, _) = lighting::load_photometry(&site);
        let mut g = c.benchmark_group("coverage_bundled_plan");
        g.bench_function("evaluate (photometry loaded)", |b| {
            b.iter(|| lighting::evaluate(black_box(&site), &site_ph, None))
        });
        g.bench_function("load_photometry + evaluate", |b| {
            b.iter(|| {
                let (p, _) = lighting::load_photometry(black_box(&site));
                lighting::evaluate(&site, &p, None)
            })
        });
        g.finish();
    }
}

/// The road luminance of every M street of `plan` (as `evaluate` computes it for them),
/// on 2 cores, streets in parallel.
fn luminance_of_m_streets(
    plan: &lysplan::plan::Plan,
    lighting: &Lighting,
    index: &SiteIndex,
) -> usize {
    use rayon::prelude::*;
    let stations = lysplan::index::pole_stations(index);
    (0..plan.streets.len())
        .into_par_iter()
        .filter(|&si| plan.streets[si].class.is_some_and(|c| c.is_luminance()))
        .map(|si| {
            let on_street: Vec<usize> = (0..stations.len())
                .filter(|&pi| {
                    stations[pi].as_ref().is_some_and(|s| {
                        s.street() == si
                            && lysplan::index::on_route(Some(s), plan.rules.max_offset_m)
                    })
                })
                .collect();
            let chainages: Vec<f64> = on_street
                .iter()
                .filter_map(|&pi| stations[pi].as_ref().map(|s| s.chainage_m))
                .collect();
            let st = &plan.streets[si];
            lighting::luminance::evaluate_street(
                lighting,
                &index.streets[si],
                &chainages,
                &lighting.luminaires_of_poles(&on_street),
                st.width_m,
                st.lanes,
                lighting::surface::RTable::c2(),
                None,
            )
            .fields
        })
        .sum()
}

/// Issue 14's rows: the luminance of the bundled plan's M streets, and of the synthetic
/// network with every street M3.
fn bench_luminance(c: &mut Criterion) {
    let mut g = c.benchmark_group("luminance");
    g.sample_size(10);
    let site = lysplan::bundled::doll_plan();
    let (site_ph, _) = lighting::load_photometry(&site);
    let site_light = Lighting::new(&site, &site_ph);
    let site_index = SiteIndex::build(&site);
    eprintln!(
        "bundled plan: {} luminance fields on its M streets",
        luminance_of_m_streets(&site, &site_light, &site_index)
    );
    g.bench_function("bundled plan, M streets", |b| {
        b.iter(|| luminance_of_m_streets(black_box(&site), &site_light, &site_index))
    });
    let mut plan = lysplan::check::synth::plan(35_000);
    for s in &mut plan.streets {
        s.class = Some(lysplan::plan::LightingClass::M3);
    }
    let index = SiteIndex::build(&plan);
    let (acme, _) = lighting::load_photometry(&plan);
    let light = Lighting::new(&plan, &acme);
    let t = std::time::Instant::now();
    let cpu = cpu_seconds();
    let fields = luminance_of_m_streets(&plan, &light, &index);
    eprintln!(
        "synthetic network, all M3, acme_road_runner.ldt: {fields} fields in {:.2} s wall, \
         {:.2} s CPU",
        t.elapsed().as_secs_f64(),
        cpu.zip(cpu_seconds()).map_or(f64::NAN, |(a, b)| b - a)
    );
    g.bench_function("synthetic 1,083 km, all streets M3", |b| {
        b.iter(|| luminance_of_m_streets(black_box(&plan), &light, &index))
    });
    g.finish();
}

criterion_group!(benches, bench, bench_luminance);
criterion_main!(benches);
