//! The edit layer on a 100,000-pole synthetic plan: one field edit and its undo, one
//! pole moved and its undo, deleting 100 poles and the undo, a lookup by id (the
//! document's index against the plan's linear search), and what 1,000 single-pole moves
//! hold in the history (printed, not timed). Figures: docs/performance.md "Editing".
//!
//! ```text
//! cargo bench --bench edit
//! ```

use criterion::{Criterion, criterion_group, criterion_main};
use lysplan::check::synth;
use lysplan::edit::{Document, Edit};
use std::hint::black_box;
use std::time::{Duration, Instant};

const POLES: usize = 100_000;

fn doc() -> Document {
    Document::new(synth::plan(POLES), None)
}

/// Times `make` and `back` separately over many rounds of make-then-back.
fn pair(c: &mut Criterion, name: &str, d: &mut Document, make: impl Fn(&Document) -> Edit) {
    c.bench_function(&format!("{name}/apply"), |b| {
        b.iter_custom(|n| {
            let mut t = Duration::ZERO;
            for _ in 0..n {
                let e = make(d);
                let s = Instant::now();
                black_box(d.apply("bench", e).expect("fits"));
                t += s.elapsed();
                d.undo();
            }
            t
        })
    });
    c.bench_function(&format!("{name}/undo"), |b| {
        b.iter_custom(|n| {
            let mut t = Duration::ZERO;
            for _ in 0..n {
                let e = make(d);
                d.apply("bench", e).expect("fits");
                let s = Instant::now();
                black_box(d.undo());
                t += s.elapsed();
            }
            t
        })
    });
}

fn edits(c: &mut Criterion) {
    let mut d = doc();
    let i = POLES / 2;
    pair(c, "field_edit_100k", &mut d, |d| {
        let mut p = d.plan().poles[i].clone();
        p.height_m += 0.5;
        Edit::SetPoles(vec![(i, p)])
    });
    pair(c, "move_pole_100k", &mut d, |d| {
        let p = &d.plan().poles[i];
        Edit::MovePoles(vec![lysplan::edit::PoleMove {
            index: i,
            lon: p.lon + 1e-5,
            lat: p.lat,
            azimuth_deg: p.azimuth_deg,
        }])
    });
    pair(c, "delete_100_poles_100k", &mut d, |_| {
        Edit::RemovePoles((0..100).map(|k| k * 997).collect())
    });
}

fn lookup(c: &mut Criterion) {
    let d = doc();
    let ids: Vec<String> = (0..64)
        .map(|k| d.plan().poles[k * (POLES / 64) + 31].id.to_string())
        .collect();
    c.bench_function("pole_by_id_100k/document_index", |b| {
        b.iter(|| {
            for id in &ids {
                black_box(d.pole(id));
            }
        })
    });
    c.bench_function("pole_by_id_100k/plan_linear", |b| {
        b.iter(|| {
            for id in &ids {
                black_box(d.plan().pole(id));
            }
        })
    });
}

fn history_memory(_c: &mut Criterion) {
    let mut d = doc();
    for k in 0..1000 {
        let i = (k * 101) % POLES;
        let p = d.plan().poles[i].clone();
        d.begin(format!("Move pole {}", p.id));
        d.move_pole(i, p.lon + 1e-6, p.lat, None);
        d.commit();
    }
    eprintln!(
        "history of 1,000 single-pole moves on {POLES} poles: {} bytes ({} poles held whole)",
        d.history_bytes(),
        d.history_poles_held()
    );
}

criterion_group!(benches, edits, lookup, history_memory);
criterion_main!(benches);
