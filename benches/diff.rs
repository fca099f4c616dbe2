//! `lysplan::diff::diff` of two synthetic 100,000-pole plans (`check::synth`), the second
//! with 1 % of its poles edited: 0.4 % moved 0.5–5 m, 0.3 % with a new height, 0.2 %
//! removed, 0.1 % added. Run:
//!
//! ```text
//! cargo bench --bench diff
//! ```
//!
//! The figures are in docs/performance.md.

use criterion::{Criterion, criterion_group, criterion_main};
use lysplan::check::synth;
use std::hint::black_box;

/// The second plan: 1 % of the poles edited, deterministically.
fn edited(plan: &lysplan::plan::Plan) -> lysplan::plan::Plan {
    let mut b = plan.clone();
    let n = b.poles.len();
    let mut added = Vec::new();
    for (i, p) in b.poles.iter_mut().enumerate() {
        match i % 1000 {
            0..=3 => p.lat += (0.5 + (i % 10) as f64 * 0.5) / 111_320.0,
            4..=6 => p.height_m += 1.0,
            9 => {
                let mut q = p.clone();
                q.id = format!("NEW{i}").into();
                q.lon += 0.0001;
                added.push(q);
            }
            _ => {}
        }
    }
    b.poles.retain(|p| {
        let k: usize =
            p.id.trim_start_matches(|c: char| !c.is_ascii_digit())
                .parse()
                .unwrap_or(1);
        k % 1000 != 7 && k % 1000 != 8
    });
    b.poles.extend(added);
    assert!(b.poles.len() > n / 2);
    b
}

fn diff_100k(c: &mut Criterion) {
    let a = synth::plan(100_000);
    let b = edited(&a);
    let d = lysplan::diff::diff(&a, &b).expect("unique ids");
    let s = d.summary();
    eprintln!(
        "diff 100k: {} added, {} removed, {} moved, {} changed",
        s.added, s.removed, s.moved, s.changed
    );
    let mut g = c.benchmark_group("diff");
    g.sample_size(10);
    g.bench_function("100k_poles_1pct_changed", |bch| {
        bch.iter(|| lysplan::diff::diff(black_box(&a), black_box(&b)).expect("unique ids"))
    });
    g.finish();
}

criterion_group!(benches, diff_100k);
criterion_main!(benches);
