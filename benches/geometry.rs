//! geo's polyline algorithms against `lysplan::frame`'s hand-written ones, on the same
//! inputs: a wiggly 2 km street of 200 vertices and points scattered around it. Run:
//!
//! ```text
//! cargo bench --bench geometry
//! ```
//!
//! The core uses geo where it is as fast (segment lengths for the cumulative chainage in
//! `Polyline::from_xy`) and keeps its own code where geo is slower (the station of a
//! point: geo needs `ClosestPoint` and `LineLocatePoint`, two projections and an enum,
//! where the check's hot path needs one projection giving foot, chainage, offset and
//! side at once). Figures: docs/performance.md.

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{
    Closest, ClosestPoint, Euclidean, Length, Line, LineLocatePoint, LineString, Point, Simplify,
};
use lysplan::frame::{Polyline, Xy};
use std::hint::black_box;

struct Input {
    pts: Vec<Xy>,
    line: Polyline,
    ls: LineString<f64>,
    /// (segment, point) pairs, each point near its segment.
    queries: Vec<(usize, Xy)>,
}

fn input() -> Input {
    let pts: Vec<Xy> = (0..200)
        .map(|i| {
            let x = i as f64 * 10.0;
            Xy::new(x, 30.0 * (x / 150.0).sin())
        })
        .collect();
    let mut s = 0x1234_5678_u64;
    let mut rnd = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let queries = (0..1000)
        .map(|_| {
            let seg = (rnd() * 199.0) as usize;
            let a = pts[seg];
            (seg, Xy::new(a.x + rnd() * 10.0, a.y + (rnd() - 0.5) * 40.0))
        })
        .collect();
    Input {
        line: Polyline::from_xy(pts.clone()),
        ls: pts.iter().map(|p| p.coord()).collect(),
        pts,
        queries,
    }
}

fn station_on_segment(c: &mut Criterion) {
    let d = input();
    let mut g = c.benchmark_group("station_on_segment_x1000");
    g.bench_function("hand", |b| {
        b.iter(|| {
            d.queries
                .iter()
                .map(|&(k, p)| {
                    let st = d.line.station_on_segment(k, p);
                    st.chainage_m + st.offset_m
                })
                .sum::<f64>()
        })
    });
    g.bench_function("geo", |b| {
        b.iter(|| {
            d.queries
                .iter()
                .map(|&(k, p)| {
                    let l = Line::new(d.pts[k].coord(), d.pts[k + 1].coord());
                    let pp = Point::new(p.x, p.y);
                    let foot = match l.closest_point(&pp) {
                        Closest::Intersection(f) | Closest::SinglePoint(f) => f,
                        Closest::Indeterminate => l.start_point(),
                    };
                    let t = l.line_locate_point(&pp).unwrap_or(0.0);
                    d.line.cum[k]
                        + t * Euclidean.length(&l)
                        + (foot.x() - p.x).hypot(foot.y() - p.y)
                })
                .sum::<f64>()
        })
    });
    g.finish();
}

fn station_on_line(c: &mut Criterion) {
    let d = input();
    let q = &d.queries[..100];
    let mut g = c.benchmark_group("station_on_line_x100");
    g.bench_function("hand", |b| {
        b.iter(|| {
            q.iter()
                .map(|&(_, p)| d.line.station(p).map_or(0.0, |s| s.chainage_m))
                .sum::<f64>()
        })
    });
    g.bench_function("geo", |b| {
        b.iter(|| {
            let total = Euclidean.length(&d.ls);
            q.iter()
                .map(|&(_, p)| {
                    let pp = Point::new(p.x, p.y);
                    let foot = match d.ls.closest_point(&pp) {
                        Closest::Intersection(f) | Closest::SinglePoint(f) => f.x(),
                        Closest::Indeterminate => 0.0,
                    };
                    d.ls.line_locate_point(&pp).unwrap_or(0.0) * total + foot * 0.0
                })
                .sum::<f64>()
        })
    });
    g.finish();
}

fn length(c: &mut Criterion) {
    let d = input();
    let mut g = c.benchmark_group("length_200_vertices");
    g.bench_function("hand_cumulative_hypot", |b| {
        b.iter(|| {
            let p = black_box(&d.pts);
            let mut acc = 0.0;
            let mut cum = Vec::with_capacity(p.len());
            cum.push(0.0);
            for w in p.windows(2) {
                acc += w[0].dist(w[1]);
                cum.push(acc);
            }
            cum
        })
    });
    g.bench_function("polyline_from_xy_geo", |b| {
        b.iter(|| Polyline::from_xy(black_box(&d.pts).clone()).length())
    });
    g.bench_function("geo_linestring_total", |b| {
        b.iter(|| Euclidean.length(black_box(&d.ls)))
    });
    g.bench_function("geo_simplify_0.5m", |b| {
        b.iter(|| black_box(&d.ls).simplify(0.5).0.len())
    });
    g.finish();
}

criterion_group!(benches, station_on_segment, station_on_line, length);
criterion_main!(benches);
