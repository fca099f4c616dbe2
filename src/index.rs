//! R-trees (rstar) over the plan's geometry in local metres: pole positions and street
//! segments. Built once per plan revision (bulk load, O(n log n)); queries are
//! logarithmic. Also each pole's linear reference ([`PoleStation`]) on its nearest
//! street, which both the checks and the lighting evaluation use.

use crate::frame::{Polyline, Side, Station, Xy, to_utm32};
/// The coordinate checks live in [`crate::frame`]; named here too, where the checks and
/// the app have always found them.
pub use crate::frame::{valid_lonlat, valid_xy};
use crate::plan::{Plan, Pole};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Line};
use rstar::{AABB, RTree};

/// A pole position tagged with its index in `plan.poles`.
pub type PolePoint = GeomWithData<Xy, usize>;
/// A street segment tagged with (street index in `plan.streets`, segment index).
pub type StreetSegment = GeomWithData<Line<Xy>, (usize, usize)>;

/// Spatial index of a plan. Indices refer to positions in the plan the index was built
/// from; rebuild (or update) it after edits.
#[derive(Debug, Clone)]
pub struct SiteIndex {
    /// Street centrelines in local metres, parallel to `plan.streets`.
    pub streets: Vec<Polyline>,
    /// Pole feet in local metres, parallel to `plan.poles`.
    pub pole_xy: Vec<Xy>,
    /// The tree of `pole_xy`, built when first asked for ([`SiteIndex::pole_tree`]):
    /// `lysplan check` finds its close pairs with a [`PointGrid`] and never needs it, so
    /// it never pays for building it.
    pole_tree: std::sync::OnceLock<RTree<PolePoint>>,
    pub segment_tree: RTree<StreetSegment>,
}

impl SiteIndex {
    /// The index of a plan. A street with an unusable vertex (non-finite or out of range,
    /// possible in a hand-edited RON file) is indexed without geometry and a pole at an
    /// unusable position stays out of the pole tree, as the checks treat them (their
    /// findings name them); nothing here panics on such a plan.
    pub fn build(plan: &Plan) -> Self {
        let streets = street_lines(plan);
        let pole_xy: Vec<Xy> = plan.poles.iter().map(|p| to_utm32(p.lon, p.lat)).collect();
        Self::from_parts(streets, pole_xy)
    }

    pub fn from_parts(streets: Vec<Polyline>, pole_xy: Vec<Xy>) -> Self {
        let mut segs = Vec::new();
        for (si, line) in streets.iter().enumerate() {
            for k in 0..line.segments() {
                // A non-finite vertex would panic inside the tree's bulk load.
                if !valid_xy(line.pts[k]) || !valid_xy(line.pts[k + 1]) {
                    continue;
                }
                segs.push(StreetSegment::new(
                    Line::new(line.pts[k], line.pts[k + 1]),
                    (si, k),
                ));
            }
        }
        SiteIndex {
            streets,
            pole_xy,
            pole_tree: Default::default(),
            segment_tree: RTree::bulk_load(segs),
        }
    }

    /// The tree of the poles at usable positions, tagged with their indices (built on
    /// first use).
    pub fn pole_tree(&self) -> &RTree<PolePoint> {
        self.pole_tree.get_or_init(|| pole_tree(&self.pole_xy))
    }

    /// The street nearest to `p` and the station on it (nearest point of the polyline,
    /// ends included). `None` when the plan has no street segments.
    pub fn nearest_street(&self, p: Xy) -> Option<(usize, Station)> {
        let (si, k) = nearest_segment(&self.segment_tree, p)?;
        Some((si, self.streets[si].station_on_segment(k, p)))
    }

    /// Indices of poles within `radius` metres of `p` (inclusive).
    pub fn poles_within(&self, p: Xy, radius: f64) -> impl Iterator<Item = usize> + '_ {
        self.pole_tree()
            .locate_within_distance(p, radius * radius)
            .map(|g| g.data)
    }

    /// Indices of poles inside an axis-aligned box.
    pub fn poles_in_box(&self, min: Xy, max: Xy) -> impl Iterator<Item = usize> + '_ {
        self.pole_tree()
            .locate_in_envelope(&AABB::from_corners(min, max))
            .map(|g| g.data)
    }

    /// The pole nearest to `p`, with its distance.
    pub fn nearest_pole(&self, p: Xy) -> Option<(usize, f64)> {
        self.pole_tree()
            .nearest_neighbor(&p)
            .map(|g| (g.data, self.pole_xy[g.data].dist(p)))
    }

    /// Moves pole `idx` to `xy` in the index (for incremental updates while dragging);
    /// an unusable position stays out of the tree.
    pub fn move_pole(&mut self, idx: usize, xy: Xy) {
        if let Some(old) = self.pole_xy.get(idx).copied() {
            // A tree not built yet is built from the new positions when asked for.
            if let Some(tree) = self.pole_tree.get_mut() {
                if valid_xy(old) {
                    tree.remove(&PolePoint::new(old, idx));
                }
                if valid_xy(xy) {
                    tree.insert(PolePoint::new(xy, idx));
                }
            }
            self.pole_xy[idx] = xy;
        }
    }
}

/// The tree of the poles at usable positions (a non-finite one would panic in the bulk
/// load), tagged with their indices.
fn pole_tree(pole_xy: &[Xy]) -> RTree<PolePoint> {
    RTree::bulk_load(
        pole_xy
            .iter()
            .enumerate()
            .filter(|(_, p)| valid_xy(**p))
            .map(|(i, p)| PolePoint::new(*p, i))
            .collect(),
    )
}

/// Each street's centreline in metres; a street with an unusable vertex (non-finite or
/// out of range) gets an empty line, so it is indexed without geometry (its findings
/// name it).
pub fn street_lines(plan: &Plan) -> Vec<Polyline> {
    use rayon::prelude::*;
    plan.streets
        .par_iter()
        .map(|s| {
            if s.points.iter().all(|q| q.is_valid()) {
                Polyline::from_lonlat(&s.points)
            } else {
                Polyline::from_xy(Vec::new())
            }
        })
        .collect()
}

/// A pole's linear reference: the street nearest to it (by distance to the centreline,
/// ends included), the chainage of the foot of the perpendicular, the distance from the
/// centreline and the side (looking along increasing chainage).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoleStation {
    pub chainage_m: f64,
    pub offset_m: f64,
    /// Index into `plan.streets` ([`PoleStation::street`]); 32 bits keep a station at 24
    /// bytes, as the checker holds one for every pole.
    street: u32,
    pub side: Side,
}

impl PoleStation {
    /// The linear reference of a station on street `street`.
    /// `None` for a street index past 32 bits (no plan has four billion streets; such a
    /// pole is treated as one without a street, not placed on the wrong one).
    pub(crate) fn on((street, s): (usize, Station)) -> Option<Self> {
        Some(PoleStation {
            street: u32::try_from(street).ok()?,
            chainage_m: s.chainage_m,
            offset_m: s.offset_m,
            side: s.side,
        })
    }

    /// The station's street: an index into `plan.streets`.
    pub fn street(&self) -> usize {
        self.street as usize
    }
}

/// The station of a point on the nearest street (R-tree of street segments); `None`
/// when the plan has no street with at least two vertices.
pub fn station_of(index: &SiteIndex, xy: Xy) -> Option<PoleStation> {
    if !valid_xy(xy) {
        return None;
    }
    index.nearest_street(xy).and_then(PoleStation::on)
}

/// Stations of all poles of the index, computed in parallel.
pub fn pole_stations(index: &SiteIndex) -> Vec<Option<PoleStation>> {
    index
        .pole_xy
        .par_iter()
        .map(|&xy| station_of(index, xy))
        .collect()
}

/// Whether a station counts as "on route" (the pole then belongs to that street).
pub fn on_route(st: Option<&PoleStation>, max_offset_m: f64) -> bool {
    st.is_some_and(|s| s.offset_m <= max_offset_m)
}

/// The segment (street, segment index) nearest to `p`. A pole stands a few metres from
/// its street, so the segments within [`NEAR_M`] are tried first: a plain walk of the
/// tree's boxes, cheaper than the best-first search `nearest_neighbor` does. Ties go
/// to the lower street, then segment, index.
fn nearest_segment(tree: &RTree<StreetSegment>, p: Xy) -> Option<(usize, usize)> {
    closest_near(tree.locate_within_distance(p, NEAR_M * NEAR_M), p)
        .or_else(|| tree.nearest_neighbor(&p).map(|s| s.data))
}

/// Of `segments`, the one closest to `q` among those within [`NEAR_M`] of it (ties: the
/// lower street and segment).
fn closest_near<'s>(
    segments: impl Iterator<Item = &'s StreetSegment>,
    q: Xy,
) -> Option<(usize, usize)> {
    use rstar::PointDistance;
    segments
        .map(|s| (s.geom().distance_2(&q), s.data))
        .filter(|&(d2, _)| d2 <= NEAR_M * NEAR_M)
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
        .map(|(_, d)| d)
}

/// How far from a point the first, cheap nearest-segment search looks, metres.
const NEAR_M: f64 = 20.0;

/// The street segments in a uniform grid of square cells, each cell listing (in
/// compressed rows) the segments that come within [`NEAR_M`] of it: for locating many
/// points at once, each one cell lookup instead of a tree walk. [`SegmentGrid::nearest`]
/// gives exactly what [`nearest_segment`] gives.
struct SegmentGrid<'t> {
    tree: &'t RTree<StreetSegment>,
    segments: Vec<&'t StreetSegment>,
    cells: CellRows,
}

impl<'t> SegmentGrid<'t> {
    /// Most cells and entries a grid may have (beyond, the tree alone serves).
    const MAX_CELLS: usize = 1 << 23;
    const MAX_ENTRIES_PER_SEGMENT: usize = 64;

    /// The grid of `tree`'s segments; `None` where a grid would not pay (few segments,
    /// or a network so spread out or with such long segments that it would be large).
    fn new(tree: &'t RTree<StreetSegment>) -> Option<Self> {
        let segments: Vec<&StreetSegment> = tree.iter().collect();
        let n = segments.len();
        if n < 64 || n >= u32::MAX as usize {
            return None;
        }
        let boxes: Vec<[[f64; 2]; 2]> = segments
            .iter()
            .map(|s| {
                let (a, b) = (s.geom().from.to_array(), s.geom().to.to_array());
                [
                    [a[0].min(b[0]) - NEAR_M, a[1].min(b[1]) - NEAR_M],
                    [a[0].max(b[0]) + NEAR_M, a[1].max(b[1]) + NEAR_M],
                ]
            })
            .collect();
        let lo = [0, 1].map(|k| boxes.iter().map(|b| b[0][k]).fold(f64::INFINITY, f64::min));
        let hi = [0, 1].map(|k| {
            boxes
                .iter()
                .map(|b| b[1][k])
                .fold(f64::NEG_INFINITY, f64::max)
        });
        if !(lo.iter().chain(&hi).all(|v| v.is_finite())) {
            return None;
        }
        // Cells about as wide as the search: a point's cell lists few segments.
        let cell_m = 4.0 * NEAR_M;
        let cols = ((hi[0] - lo[0]) / cell_m).floor() as usize + 1;
        let rows = ((hi[1] - lo[1]) / cell_m).floor() as usize + 1;
        if cols.checked_mul(rows).is_none_or(|c| c > Self::MAX_CELLS) {
            return None;
        }
        let cells = CellRows::new(
            lo,
            cell_m,
            (cols, rows),
            n,
            |i| Some(boxes[i]),
            Self::MAX_ENTRIES_PER_SEGMENT * n,
        )?;
        Some(SegmentGrid {
            tree,
            segments,
            cells,
        })
    }

    /// As [`nearest_segment`]: the segments within [`NEAR_M`] of `p` all lie in `p`'s
    /// cell's row, the same distances pick the same one, and beyond it the tree decides.
    fn nearest(&self, p: Xy) -> Option<(usize, usize)> {
        let row = self
            .cells
            .in_box([p.to_array(); 2])
            .map(|i| self.segments[i]);
        closest_near(row, p).or_else(|| self.tree.nearest_neighbor(&p).map(|s| s.data))
    }
}

/// Items in a uniform grid of square cells, each cell listing (in compressed rows) the
/// items whose box overlaps it: what [`SegmentGrid`] and [`PointGrid`] are built on.
struct CellRows {
    origin: [f64; 2],
    cell_m: f64,
    cols: usize,
    rows: usize,
    /// Cell `c`'s items: `entries[starts[c]..starts[c + 1]]`.
    starts: Vec<u32>,
    entries: Vec<u32>,
}

impl CellRows {
    /// `cols` × `rows` cells of `cell_m` from `origin`, listing each of `n` items in the
    /// cells its box (`boxes(i)` = `[low corner, high corner]`; `None`: in no cell)
    /// overlaps. `None` past `max_entries` entries (or more than `u32` counts).
    fn new(
        origin: [f64; 2],
        cell_m: f64,
        (cols, rows): (usize, usize),
        n: usize,
        boxes: impl Fn(usize) -> Option<[[f64; 2]; 2]>,
        max_entries: usize,
    ) -> Option<Self> {
        let mut grid = CellRows {
            origin,
            cell_m,
            cols,
            rows,
            starts: Vec::new(),
            entries: Vec::new(),
        };
        // Each item's cells, visited twice: to count the rows, then (last item first) to
        // fill them.
        let each_cell = |items: &mut dyn Iterator<Item = usize>,
                         visit: &mut dyn FnMut(usize, u32)| {
            for i in items {
                let Some((c0, r0, c1, r1)) = boxes(i).and_then(|b| grid.span(b)) else {
                    continue;
                };
                for r in r0..=r1 {
                    for c in c0..=c1 {
                        visit(r * cols + c, i as u32);
                    }
                }
            }
        };
        // One slot past the last cell: its start is the total. The counts become each
        // cell's end, and filling from the end back makes them its start (one array for
        // both, not two as long as the cells).
        let mut starts = vec![0u32; cols * rows + 1];
        let mut total = 0usize;
        each_cell(&mut (0..n), &mut |c, _| {
            starts[c] += 1;
            total += 1;
        });
        if total > max_entries || total >= u32::MAX as usize {
            return None;
        }
        let mut run = 0u32;
        for k in &mut starts {
            run += *k;
            *k = run;
        }
        // Each cell's items in increasing order, as they were visited.
        let mut entries = vec![0u32; total];
        each_cell(&mut (0..n).rev(), &mut |c, i| {
            starts[c] -= 1;
            entries[starts[c] as usize] = i;
        });
        grid.starts = starts;
        grid.entries = entries;
        Some(grid)
    }

    /// The cells (first column, first row, last column, last row) a box overlaps;
    /// `None` outside the grid (or for a NaN corner).
    fn span(&self, [lo, hi]: [[f64; 2]; 2]) -> Option<(usize, usize, usize, usize)> {
        let axis = |lo: f64, hi: f64, o: f64, n: usize| {
            let (a, b) = (
                ((lo - o) / self.cell_m).floor(),
                ((hi - o) / self.cell_m).floor(),
            );
            if a.is_nan() || b.is_nan() {
                return None;
            }
            let (a, b) = (a.max(0.0), b.min(n as f64 - 1.0));
            (a <= b).then_some((a as usize, b as usize))
        };
        let (c0, c1) = axis(lo[0], hi[0], self.origin[0], self.cols)?;
        let (r0, r1) = axis(lo[1], hi[1], self.origin[1], self.rows)?;
        Some((c0, r0, c1, r1))
    }

    /// The items listed in the cells a box overlaps (an item in several, several times).
    fn in_box(&self, b: [[f64; 2]; 2]) -> impl Iterator<Item = usize> + '_ {
        self.span(b).into_iter().flat_map(move |(c0, r0, c1, r1)| {
            (r0..=r1).flat_map(move |r| {
                let a = self.starts[r * self.cols + c0] as usize;
                let e = self.starts[r * self.cols + c1 + 1] as usize;
                self.entries[a..e].iter().map(|&i| i as usize)
            })
        })
    }
}

/// The nearest street to a position and the station there, as [`Located`] finds them.
type Locate<'a> = &'a (dyn Fn(Xy) -> Option<(usize, Station)> + Sync);
/// Each pole's station, parallel to the poles.
type Stations = Vec<Option<PoleStation>>;

/// Every pole of a plan located on its street network once: the plan's index and each
/// pole's station on its nearest street. The readers use it for the default azimuth and
/// the checks for their stations, so a plan read for `check` asks the segment tree once
/// per pole.
#[derive(Debug, Clone)]
pub struct Located {
    pub index: SiteIndex,
    /// Parallel to `plan.poles`: the station on the nearest street; `None` for an
    /// unusable position or a plan without street segments.
    pub stations: Vec<Option<PoleStation>>,
}

impl Located {
    /// Indexes `plan` and locates every pole (in parallel).
    pub fn new(plan: &Plan) -> Self {
        let (segments, pole_xy) = Self::prepare(plan);
        Self::on_streets(segments, pole_xy, |locate, _, pole_xy| {
            pole_xy
                .par_iter()
                .map(|&xy| locate(xy).and_then(PoleStation::on))
                .collect()
        })
    }

    /// As [`Located::new`], and on the way calls `visit(i, pole, xy, street, station)`
    /// for each pole located: its projected position, its nearest street and the full
    /// station there (with the foot of the perpendicular, which is not kept).
    pub fn visiting(
        plan: &mut Plan,
        visit: impl Fn(usize, &mut Pole, Xy, &Polyline, &Station) + Sync,
    ) -> Self {
        let (segments, pole_xy) = Self::prepare(plan);
        Self::on_streets(segments, pole_xy, |locate, streets, pole_xy| {
            plan.poles
                .par_iter_mut()
                .zip(pole_xy.par_iter())
                .enumerate()
                .map(|(i, (pole, &xy))| {
                    let (si, st) = locate(xy)?;
                    visit(i, pole, xy, &streets[si], &st);
                    PoleStation::on((si, st))
                })
                .collect()
        })
    }

    /// The location of poles at `pole_xy` on the streets of `segments`, with their
    /// stations from `stations(locate, streets, pole_xy)`, which asks `locate` for the
    /// nearest street of each position and the station there (by a grid of the
    /// segments when there is one: many points at once, it pays for itself).
    fn on_streets(
        segments: SiteIndex,
        pole_xy: Vec<Xy>,
        stations: impl FnOnce(Locate, &[Polyline], &[Xy]) -> Stations,
    ) -> Self {
        let grid = SegmentGrid::new(&segments.segment_tree);
        let locate = |xy: Xy| -> Option<(usize, Station)> {
            if !valid_xy(xy) {
                return None;
            }
            let (si, k) = match &grid {
                Some(g) => g.nearest(xy)?,
                None => nearest_segment(&segments.segment_tree, xy)?,
            };
            Some((si, segments.streets[si].station_on_segment(k, xy)))
        };
        let stations = stations(&locate, &segments.streets, &pole_xy);
        drop(grid);
        Located {
            index: SiteIndex {
                pole_xy,
                ..segments
            },
            stations,
        }
    }

    /// The street index without poles, and each pole's projected position.
    fn prepare(plan: &Plan) -> (SiteIndex, Vec<Xy>) {
        let segments = SiteIndex::from_parts(street_lines(plan), Vec::new());
        let pole_xy = plan
            .poles
            .par_iter()
            .map(|p| to_utm32(p.lon, p.lat))
            .collect();
        (segments, pole_xy)
    }

    /// Whether this can be the location of `plan` (as many streets and poles). A plan
    /// edited since is the caller's mistake; this catches the grossest.
    pub fn fits(&self, plan: &Plan) -> bool {
        self.index.streets.len() == plan.streets.len()
            && self.index.pole_xy.len() == plan.poles.len()
            && self.stations.len() == plan.poles.len()
    }
}

/// Points in a uniform grid of square cells, each cell listing its points: for many
/// within-distance queries at once, a few cell lookups each instead of a tree walk.
/// Gives the same points as [`SiteIndex::poles_within`], in another order.
pub struct PointGrid<'a> {
    xy: &'a [Xy],
    cells: CellRows,
}

impl<'a> PointGrid<'a> {
    /// The grid of the usable points of `xy`, with cells of about `cell_m` (wider where
    /// the points spread so far that there would be more cells than about two per
    /// point). `None` for more points than `u32` counts.
    pub fn new(xy: &'a [Xy], cell_m: f64) -> Option<Self> {
        if xy.len() >= u32::MAX as usize {
            return None;
        }
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in xy.iter().filter(|p| valid_xy(**p)) {
            lo = [lo[0].min(p.x), lo[1].min(p.y)];
            hi = [hi[0].max(p.x), hi[1].max(p.y)];
        }
        let limit = (2 * xy.len()).max(1 << 10) as f64;
        let mut cell = if cell_m.is_finite() && cell_m > 1e-3 {
            cell_m
        } else {
            1e-3
        };
        let span = |cell: f64| {
            if lo[0] > hi[0] {
                return (1.0, 1.0);
            }
            (
                ((hi[0] - lo[0]) / cell).floor() + 1.0,
                ((hi[1] - lo[1]) / cell).floor() + 1.0,
            )
        };
        while span(cell).0 * span(cell).1 > limit {
            cell *= 2.0;
        }
        let (cols, rows) = span(cell);
        let origin = if lo[0] > hi[0] { [0.0; 2] } else { lo };
        let point = |i: usize| {
            let p = xy[i];
            valid_xy(p).then_some([p.to_array(); 2])
        };
        let cells = CellRows::new(
            origin,
            cell,
            (cols as usize, rows as usize),
            xy.len(),
            point,
            usize::MAX,
        )?;
        Some(PointGrid { xy, cells })
    }

    /// The indices of the points within `radius` of `p` (inclusive), with their
    /// positions.
    pub fn within(&self, p: Xy, radius: f64) -> impl Iterator<Item = (usize, Xy)> + '_ {
        let r2 = radius * radius;
        let corner = |d: f64| [p.x + d, p.y + d];
        self.cells
            .in_box([corner(-radius), corner(radius)])
            .filter_map(move |i| {
                let q = self.xy[i];
                let (dx, dy) = (q.x - p.x, q.y - p.y);
                (dx * dx + dy * dy <= r2).then_some((i, q))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn station() -> Station {
        Station {
            chainage_m: 12.5,
            offset_m: 3.0,
            side: Side::Right,
            segment: 1,
            foot: Xy::default(),
        }
    }

    #[test]
    fn a_pole_station_is_24_bytes_with_or_without_a_street() {
        // The checker holds one per pole: a larger station is megabytes more on a big plan.
        assert_eq!(std::mem::size_of::<PoleStation>(), 24);
        assert_eq!(std::mem::size_of::<Option<PoleStation>>(), 24);
    }

    #[test]
    fn a_station_keeps_its_street_and_refuses_an_index_past_32_bits() {
        let s = PoleStation::on((7, station())).unwrap();
        assert_eq!(s.street(), 7);
        assert_eq!((s.chainage_m, s.offset_m, s.side), (12.5, 3.0, Side::Right));
        let last = u32::MAX as usize;
        assert_eq!(PoleStation::on((last, station())).unwrap().street(), last);
        assert!(PoleStation::on((last + 1, station())).is_none());
    }
}
