//! Road luminance for the M classes, as EN 13201-3 computes it (docs/architecture.md
//! "Road luminance", the contract).
//!
//! - Point luminance seen from an observer O: L(P) = MF × Σ_k I_k(C, γ) × r(β_k, tan γ_k) /
//!   h_k², r from the street's r-table ([`super::surface`]); β_k = 180° − the angle at P
//!   between P→O and P→luminaire (0 when the luminaire stands beyond P on the line of
//!   sight), tan γ_k = the luminaire's horizontal distance to P over its height.
//! - Luminaires included (CIE 140's window, h the luminaire's height): those from 5 h
//!   before the point (towards the observer) to 12 h beyond it along the line of sight,
//!   and up to 5 h to either side of it, and inside the r-table (tan γ ≤ 12 on the CIE
//!   grid). Outside this window a luminaire adds well under 1 % (large tan γ, where r is
//!   a few 10⁻⁴, and far from its beam); the window is what keeps a dense network fast.
//! - Fields: between consecutive luminaires of the street (at the chainages of its poles),
//!   N rows along as for illuminance (N = 10 if S ≤ 30 m, else D ≤ 3 m), 3 points across
//!   each lane at 1/6, 1/2 and 5/6 of the lane width; the `lanes` share `width_m`, lane 0
//!   on the right of the direction of travel (first vertex to last).
//! - Observers: eye 1.5 m above the road, 60 m before each field's first row, at the centre
//!   of each lane in turn, looking along the street. The street's L_avg and U_o are those
//!   of the observer lane that gives the lowest (the rows of all fields, each seen from its
//!   own observer, weighted by D); U_l = L_min / L_max along a lane's centre line seen
//!   from that lane's observer, the lowest lane and field.
//! - f_TI = 65 × L_v / L_avg^0.8 % (L_avg ≤ 5 cd/m², else 95 × L_v / L_avg^1.05), L_v = 10 ×
//!   Σ E_eye / θ² (θ in degrees, at least 1.5°, luminaires beyond 60° of the line of sight
//!   left out), line of sight 1° down along the road, luminaires more than 20° above the
//!   eye's horizontal screened by the car roof, the street's own luminaires (the
//!   installation judged; another street's poles light their own road) up to 500 m
//!   ahead counted. The
//!   observer moves from 60 m before the field in steps of D across the field; the
//!   highest value of any field and lane counts, with that field's L_avg.
//! - REI: mean E_h on a strip just outside each carriageway edge over the mean on the strip
//!   just inside, strip width min(5 m, W/2), each strip as wide a grid as illuminance uses
//!   (d ≤ 1.5 m, at least 3 points), on the rows of the fields, from the luminaires within
//!   5 h of each point ([`REI_REACH_H`]); the lower side counts.

use super::surface::RTable;
use super::{Lighting, grid};
use crate::frame::{Polyline, Xy, to_utm32};
use crate::plan::Plan;
use rayon::prelude::*;
use serde::Serialize;

mod levels;
mod terms;

pub(super) use terms::{sight_line, term_of, veil_of};

/// Eye height of the observer above the road, m.
pub const EYE_HEIGHT_M: f64 = 1.5;
/// The observer stands this far before the field's first row, m.
pub const OBSERVER_BEFORE_M: f64 = 60.0;
/// Luminaires this far ahead of the eye count for the threshold increment, m.
pub const TI_AHEAD_M: f64 = 500.0;
/// Above this elevation at the eye a luminaire is screened by the car roof, degrees.
pub const CAR_ROOF_DEG: f64 = 20.0;
/// The line of sight looks this much below the horizontal, degrees.
pub const SIGHT_DOWN_DEG: f64 = 1.0;
/// The street's luminaires count for f_TI up to this far to either side of the road's
/// box, m.
pub const TI_SIDE_M: f64 = 50.0;
/// REI sums the illuminance of the luminaires within this many of their heights from a
/// strip point: a ratio of two means of nearby light, which the far luminaires (a few
/// 10⁻³ of it) change by well under 1 % (tested on the bundled plan).
pub const REI_REACH_H: f64 = 5.0;
/// Widest edge strip for REI, m.
pub const REI_STRIP_M: f64 = 5.0;

/// One luminaire's share of the luminance at a point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LuminanceContribution {
    /// Pole id.
    pub pole: String,
    pub l_cd_m2: f64,
    pub beta_deg: f64,
    pub tan_gamma: f64,
}

/// The maintained luminance at one road point seen from one observer position, as
/// `lysplan luminance --format json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LuminanceReport {
    pub lon: f64,
    pub lat: f64,
    pub l_cd_m2: f64,
    pub contributions: Vec<LuminanceContribution>,
}

/// The angle β, degrees in 0 … 180, at road point `p` between the observer `o` and the
/// luminaire at `l` (docs/architecture.md "Road luminance": 180° − the angle between P→O
/// and P→L).
pub fn beta_deg(p: Xy, o: Xy, l: Xy) -> f64 {
    let (ax, ay) = (o.x - p.x, o.y - p.y);
    let (bx, by) = (l.x - p.x, l.y - p.y);
    if (ax == 0.0 && ay == 0.0) || (bx == 0.0 && by == 0.0) {
        return 0.0;
    }
    let angle = (ax * by - ay * bx)
        .abs()
        .atan2(ax * bx + ay * by)
        .to_degrees();
    (180.0 - angle).clamp(0.0, 180.0)
}

/// Luminaires counted before the point (towards the observer), in heights.
pub const WINDOW_BEFORE_H: f64 = 5.0;
/// Luminaires counted beyond the point, in heights.
pub const WINDOW_BEYOND_H: f64 = 12.0;
/// Luminaires counted to either side of the point, in heights.
pub const WINDOW_SIDE_H: f64 = 5.0;

/// An observer's line of sight through a road point `p`: the unit vector from the
/// observer to `p`, `None` when the observer stands on `p` (and sees no direction).
#[derive(Debug, Clone, Copy)]
pub(super) struct Sight(Option<(f64, f64)>);

impl Sight {
    pub(super) fn new(p: Xy, o: Xy) -> Self {
        let (sx, sy) = (p.x - o.x, p.y - o.y);
        let n = (sx * sx + sy * sy).sqrt();
        Sight((n != 0.0).then(|| (sx / n, sy / n)))
    }

    /// β, degrees, of a luminaire `h` high standing `(dx, dy)` from the point, if it lies
    /// in the point's window (module docs); `None` outside. The luminaire's distance
    /// along and across the line of sight give both: the window, and β = 180° − the angle
    /// between P→O and P→L = atan2(across, along) (as [`beta_deg`]). An observer on the
    /// point counts every luminaire within the side distance, at β = 0.
    /// Each observer's β of a luminaire `h` high standing `(dx, dy)` from the point, into
    /// `beta` (one per sight); whether any observer has it in the window.
    pub(super) fn betas(
        sights: &[Sight],
        dx: f64,
        dy: f64,
        h: f64,
        beta: &mut [Option<f64>],
    ) -> bool {
        let mut any = false;
        for (b, s) in beta.iter_mut().zip(sights) {
            *b = s.beta_in_window(dx, dy, h);
            any |= b.is_some();
        }
        any
    }

    pub(super) fn beta_in_window(self, dx: f64, dy: f64, h: f64) -> Option<f64> {
        let Some((ux, uy)) = self.0 else {
            return (dx * dx + dy * dy <= (WINDOW_SIDE_H * h).powi(2)).then_some(0.0);
        };
        let along = dx * ux + dy * uy;
        let side = (dx * uy - dy * ux).abs();
        let inside = along >= -WINDOW_BEFORE_H * h
            && along <= WINDOW_BEYOND_H * h
            && side <= WINDOW_SIDE_H * h;
        inside.then(|| {
            if dx == 0.0 && dy == 0.0 {
                0.0
            } else {
                side.atan2(along).to_degrees().clamp(0.0, 180.0)
            }
        })
    }
}

/// The observer-independent part of a luminaire's luminance at a road point: MF · I / h²
/// towards the point and tan γ; `None` beyond the table.
fn term(lighting: &Lighting, k: usize, p: Xy, t: &RTable) -> Option<(f64, f64)> {
    term_of(&lighting.luminaires[k], p, t.max_tan_gamma(), |c, g| {
        lighting.maintenance_factor * lighting.tables[lighting.table_of[k]].intensity(c, g)
    })
}

/// What one luminaire adds at `p` seen from `o`: (L cd/m², β°, tan γ); `None` outside the
/// window or the table.
fn luminance_of(
    lighting: &Lighting,
    k: usize,
    p: Xy,
    o: Xy,
    t: &RTable,
) -> Option<(f64, f64, f64)> {
    let l = &lighting.luminaires[k];
    let beta = Sight::new(p, o).beta_in_window(l.xy.x - p.x, l.xy.y - p.y, l.height_m)?;
    let (base, tan_g) = term(lighting, k, p, t)?;
    Some((base * t.r(beta, tan_g), beta, tan_g))
}

/// Where a luminance sum is also kept per vendor group (docs/architecture.md "Adaptive
/// lighting"): `of[k]` the group of luminaire `k`, `n` groups, `out` the sums, observer
/// `j` group `g` at `j * n + g`.
pub(super) struct Grouped<'a> {
    pub of: &'a [usize],
    pub n: usize,
    pub out: &'a mut [f64],
}

/// Luminance at road point `p` from each observer of `observers` (written to `out`, one
/// per observer), over the luminaires `cand`: each observer's line of sight is worked out
/// once per point, and each luminaire's intensity and tan γ once for all the observers
/// whose window holds it.
fn luminance_seen_by(
    lighting: &Lighting,
    cand: &[usize],
    p: Xy,
    observers: &[Xy],
    t: &RTable,
    out: &mut [f64],
    mut grouped: Option<Grouped<'_>>,
) {
    // Lanes are validated to 1..12 in a plan.
    const MAX_OBSERVERS: usize = 12;
    out.iter_mut().for_each(|v| *v = 0.0);
    if let Some(g) = grouped.as_mut() {
        g.out.iter_mut().for_each(|v| *v = 0.0);
    }
    let n_obs = observers.len().min(MAX_OBSERVERS);
    let mut sight = [Sight(None); MAX_OBSERVERS];
    for (s, o) in sight.iter_mut().zip(observers) {
        *s = Sight::new(p, *o);
    }
    let mut beta = [None::<f64>; MAX_OBSERVERS];
    for &k in cand {
        let l = &lighting.luminaires[k];
        let (dx, dy) = (l.xy.x - p.x, l.xy.y - p.y);
        if !Sight::betas(&sight[..n_obs], dx, dy, l.height_m, &mut beta[..n_obs]) {
            continue;
        }
        let Some((base, tan_g)) = term(lighting, k, p, t) else {
            continue;
        };
        let nodes = t.tan_nodes(tan_g);
        for j in 0..n_obs {
            if let Some(b) = beta[j] {
                let v = base * t.r_at(nodes, b);
                out[j] += v;
                if let Some(g) = grouped.as_mut() {
                    g.out[j * g.n + g.of[k]] += v;
                }
            }
        }
    }
}

impl Lighting {
    /// Luminaires that may add luminance anywhere in the box `min`–`max` (sorted).
    fn luminance_candidates(&self, min: Xy, max: Xy, t: &RTable) -> Vec<usize> {
        // Beyond the window (12 h) or the table, no luminaire adds luminance.
        let r = self.max_height_m * t.max_tan_gamma().min(WINDOW_BEYOND_H);
        let mut v: Vec<usize> = self
            .tree
            .locate_in_envelope(&rstar::AABB::from_corners(
                Xy::new(min.x - r, min.y - r),
                Xy::new(max.x + r, max.y + r),
            ))
            .map(|g| g.data)
            .collect();
        v.sort_unstable();
        v
    }

    /// Maintained luminance, cd/m², at road point `p` seen from an observer at `o` (both
    /// UTM 32N metres), over the luminaires `cand`.
    fn luminance_from(&self, cand: &[usize], p: Xy, o: Xy, t: &RTable) -> f64 {
        let mut out = [0.0];
        luminance_seen_by(self, cand, p, &[o], t, &mut out, None);
        out[0]
    }

    /// Luminance at `p` seen from `o` summed over ALL luminaires inside the r-table, with
    /// no window: slow, for verifying the window (module docs).
    pub fn luminance_unbounded(&self, p: Xy, o: Xy, t: &RTable) -> f64 {
        (0..self.luminaires.len())
            .filter_map(|k| {
                let (base, tan_g) = term(self, k, p, t)?;
                Some(base * t.r(beta_deg(p, o, self.luminaires[k].xy), tan_g))
            })
            .sum()
    }

    /// Maintained luminance, cd/m², at road point `p` seen from `o`, with road surface `t`.
    pub fn luminance(&self, p: Xy, o: Xy, t: &RTable) -> f64 {
        let cand = self.luminance_candidates(p, p, t);
        self.luminance_from(&cand, p, o, t)
    }

    /// The `lysplan luminance` answer: the point and the observer in WGS84 degrees.
    pub fn luminance_report(
        &self,
        plan: &Plan,
        (lon, lat): (f64, f64),
        observer: (f64, f64),
        t: &RTable,
    ) -> LuminanceReport {
        let p = to_utm32(lon, lat);
        let o = to_utm32(observer.0, observer.1);
        let contributions: Vec<LuminanceContribution> = self
            .luminance_candidates(p, p, t)
            .into_iter()
            .filter_map(|k| {
                let (l, beta_deg, tan_gamma) = luminance_of(self, k, p, o, t)?;
                (l > 0.0).then(|| LuminanceContribution {
                    pole: plan
                        .poles
                        .get(self.luminaires[k].pole)
                        .map(|p| p.id.to_string())
                        .unwrap_or_default(),
                    l_cd_m2: l,
                    beta_deg,
                    tan_gamma,
                })
            })
            .collect();
        LuminanceReport {
            lon,
            lat,
            l_cd_m2: contributions.iter().map(|c| c.l_cd_m2).sum(),
            contributions,
        }
    }

    /// Veiling luminance L_v, cd/m², at an eye `EYE_HEIGHT_M` above `eye` looking along the
    /// unit direction `dir` (1° down), over the luminaires `cand`.
    pub fn veiling_luminance(&self, cand: &[usize], eye: Xy, dir: Xy) -> f64 {
        let mut sum = 0.0;
        self.veiling_each(cand, eye, dir, |_, v| sum += v);
        sum
    }

    /// Each luminaire's share of [`Lighting::veiling_luminance`], `each(k, L_v)`, in the
    /// order of `cand`.
    fn veiling_each(&self, cand: &[usize], eye: Xy, dir: Xy, mut each: impl FnMut(usize, f64)) {
        let s = sight_line(dir);
        for &k in cand {
            let veil = veil_of(&self.luminaires[k], eye, dir, s, |c, g| {
                self.maintenance_factor * self.tables[self.table_of[k]].intensity(c, g)
            });
            if let Some(v) = veil {
                each(k, v);
            }
        }
    }
}

/// Threshold increment f_TI, %, from the veiling luminance and the road's average
/// luminance (EN 13201-3); `None` when the road is unlit.
pub fn threshold_increment(l_v: f64, l_avg: f64) -> Option<f64> {
    if l_avg.is_nan() || l_avg <= 0.0 {
        return None;
    }
    Some(if l_avg <= 5.0 {
        65.0 * l_v / l_avg.powf(0.8)
    } else {
        95.0 * l_v / l_avg.powf(1.05)
    })
}

/// Luminance results of one M street (each value the one that counts, see module docs).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct LuminanceValues {
    pub l_avg_cd_m2: f64,
    pub l_min_cd_m2: f64,
    pub u_o: f64,
    pub u_l: f64,
    pub ti_pct: f64,
    pub rei: f64,
}

/// Luminance along one lane's centre line, seen from that lane's observer, for plots.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct LaneProfile {
    pub chainage_m: Vec<f64>,
    pub l_cd_m2: Vec<f64>,
}

/// Everything the luminance calculation gives for one M street.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StreetLuminance {
    /// `None` when no field can be evaluated (fewer than two luminaires along it).
    pub values: Option<LuminanceValues>,
    /// Fields evaluated (between consecutive luminaires).
    pub fields: usize,
    /// Chainage of the lowest luminance point, m.
    pub min_at_m: Option<f64>,
    /// One per lane, lane 0 on the right.
    pub lanes: Vec<LaneProfile>,
    /// Per row (parallel to the lane profiles' chainages): the lowest luminance across
    /// the carriageway from any observer, cd/m².
    pub row_min_cd_m2: Vec<f64>,
    rows: Vec<LRow>,
    /// Per field, the sums per vendor group (empty unless asked for).
    groups: Vec<FieldGroups>,
}

/// One row of the luminance grid.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LRow {
    pub(super) ch: f64,
    pub(super) d: f64,
    /// Per observer lane: the sum over the row's points, its minimum, and the value on
    /// that lane's centre line.
    pub(super) sum: Vec<f64>,
    pub(super) min: Vec<f64>,
    pub(super) centre: Vec<f64>,
}

/// A field's result: its rows, its lowest U_l and highest f_TI, and the REI sums.
struct LField {
    rows: Vec<LRow>,
    u_l: f64,
    ti: f64,
    /// (inside, outside) E_h sums for the right and the left edge.
    rei: [(f64, f64); 2],
    /// The same sums per vendor group, for the periods (`None`: not asked for).
    groups: Option<FieldGroups>,
}

/// A field's sums per vendor group (docs/architecture.md "Adaptive lighting"): the
/// geometry done once, each period a weighted sum of these.
#[derive(Debug, Clone, PartialEq)]
struct FieldGroups {
    /// Groups.
    n: usize,
    /// Points per row.
    n_pts: usize,
    /// Observers (lanes).
    n_obs: usize,
    /// Per row, point, observer and group: the luminance, cd/m².
    lum: Vec<f64>,
    /// Per observer, eye step (one per row) and group: the veiling luminance, cd/m².
    veil: Vec<f64>,
    /// Per edge (right, left), inside / outside and group: the E_h sums.
    rei: [[Vec<f64>; 2]; 2],
}

/// A point `ch` metres along `line` (extended straight before its start) and `offset`
/// to the left, with the direction there.
pub(super) fn along(line: &Polyline, ch: f64, offset: f64) -> Option<(Xy, Xy)> {
    let (p, d) = line.point_at(ch)?;
    let back = ch.min(0.0);
    let c = Xy::new(p.x + d.x * back, p.y + d.y * back);
    Some((Xy::new(c.x - d.y * offset, c.y + d.x * offset), d))
}

/// Offsets (left positive) of lane `j`'s three points and its centre, for `lanes` lanes on
/// a carriageway `width_m` wide.
pub fn lane_offsets(width_m: f64, lanes: u32, j: u32) -> ([f64; 3], f64) {
    let w = width_m / f64::from(lanes.max(1));
    let right = -width_m / 2.0 + f64::from(j) * w;
    (
        [right + w / 6.0, right + w / 2.0, right + 5.0 * w / 6.0],
        right + w / 2.0,
    )
}

/// The box of a field's points, padded by half the width and REI's strip (the
/// observers only choose the window).
pub(super) fn field_box(line: &Polyline, field: &grid::Field, width_m: f64) -> Option<(Xy, Xy)> {
    let (a, _) = along(line, field.from_m, 0.0)?;
    let (b, _) = along(line, field.to_m, 0.0)?;
    let mut min = Xy::new(a.x.min(b.x), a.y.min(b.y));
    let mut max = Xy::new(a.x.max(b.x), a.y.max(b.y));
    for (k, p) in line.pts.iter().enumerate() {
        let c = line.cum.get(k).copied().unwrap_or(0.0);
        if c > field.from_m && c < field.to_m {
            min = Xy::new(min.x.min(p.x), min.y.min(p.y));
            max = Xy::new(max.x.max(p.x), max.y.max(p.y));
        }
    }
    let pad = width_m / 2.0 + REI_STRIP_M.min(width_m / 2.0);
    Some((
        Xy::new(min.x - pad, min.y - pad),
        Xy::new(max.x + pad, max.y + pad),
    ))
}

/// The box the street's own luminaires must lie in to count for a field's f_TI: from
/// the first eye to 500 m beyond the field, around the field's `bbox`.
pub(super) fn ti_box(line: &Polyline, field: &grid::Field, bbox: (Xy, Xy)) -> Option<(Xy, Xy)> {
    let (min, max) = bbox;
    let obs_ch = field.rows_m.first()? - OBSERVER_BEFORE_M;
    let (far, _) = along(line, field.to_m + TI_AHEAD_M, 0.0)?;
    let (eye, _) = along(line, obs_ch, 0.0)?;
    Some((
        Xy::new(
            min.x.min(far.x).min(eye.x) - TI_SIDE_M,
            min.y.min(far.y).min(eye.y) - TI_SIDE_M,
        ),
        Xy::new(
            max.x.max(far.x).max(eye.x) + TI_SIDE_M,
            max.y.max(far.y).max(eye.y) + TI_SIDE_M,
        ),
    ))
}

#[allow(clippy::too_many_arguments)]
fn evaluate_field(
    lighting: &Lighting,
    line: &Polyline,
    field: &grid::Field,
    width_m: f64,
    lanes: u32,
    t: &RTable,
    own: &[usize],
    group_of: Option<(&[usize], usize)>,
) -> Option<LField> {
    let first = *field.rows_m.first()?;
    let obs_ch = first - OBSERVER_BEFORE_M;
    let strip = REI_STRIP_M.min(width_m / 2.0);
    let (min, max) = field_box(line, field, width_m)?;
    let cand = lighting.luminance_candidates(min, max, t);
    let observers: Vec<Xy> = (0..lanes)
        .map(|j| along(line, obs_ch, lane_offsets(width_m, lanes, j).1).map(|o| o.0))
        .collect::<Option<_>>()?;
    let points: Vec<f64> = (0..lanes)
        .flat_map(|j| lane_offsets(width_m, lanes, j).0)
        .collect();
    let n_obs = observers.len();
    let n_rows = field.rows_m.len();
    let mut rows = Vec::with_capacity(n_rows);
    let mut seen = vec![0.0; n_obs];
    let gn = group_of.map_or(0, |g| g.1);
    let no_groups: &[usize] = &[];
    let gof = group_of.map_or(no_groups, |g| g.0);
    let mut fg = FieldGroups {
        n: gn,
        n_pts: points.len(),
        n_obs,
        lum: Vec::with_capacity(n_rows * points.len() * n_obs * gn),
        veil: vec![0.0; n_obs * n_rows * gn],
        rei: [
            [vec![0.0; gn], vec![0.0; gn]],
            [vec![0.0; gn], vec![0.0; gn]],
        ],
    };
    let mut seen_g = vec![0.0; n_obs * gn];
    for &ch in &field.rows_m {
        let mut row = LRow {
            ch,
            d: field.d_along_m,
            sum: vec![0.0; n_obs],
            min: vec![f64::INFINITY; n_obs],
            centre: vec![0.0; n_obs],
        };
        for (i, &off) in points.iter().enumerate() {
            let (p, _) = along(line, ch, off)?;
            let grouped = (gn > 0).then(|| Grouped {
                of: gof,
                n: gn,
                out: &mut seen_g,
            });
            luminance_seen_by(lighting, &cand, p, &observers, t, &mut seen, grouped);
            fg.lum.extend_from_slice(&seen_g);
            for (j, &l) in seen.iter().enumerate() {
                row.sum[j] += l;
                row.min[j] = row.min[j].min(l);
                // The middle of lane j's three points is its centre line.
                if i == 3 * j + 1 {
                    row.centre[j] = l;
                }
            }
        }
        rows.push(row);
    }
    let u_l = field_u_l(&rows, n_obs);
    // f_TI: each lane's observer moved across the field in steps of D.
    // The street's own luminaires (the installation judged), in the box from the first
    // eye to 500 m beyond the field.
    let ti_cand: Vec<usize> = {
        let (lo, hi) = ti_box(line, field, (min, max))?;
        own.iter()
            .copied()
            .filter(|&k| {
                lighting.luminaires.get(k).is_some_and(|l| {
                    (lo.x..=hi.x).contains(&l.xy.x) && (lo.y..=hi.y).contains(&l.xy.y)
                })
            })
            .collect()
    };
    let mut l_v = vec![0.0; n_obs * n_rows];
    for j in 0..n_obs {
        let off = lane_offsets(width_m, lanes, j as u32).1;
        for k in 0..n_rows {
            let (eye, dir) = along(line, obs_ch + k as f64 * field.d_along_m, off)?;
            let mut sum = 0.0;
            let at = (j * n_rows + k) * gn;
            lighting.veiling_each(&ti_cand, eye, dir, |q, v| {
                sum += v;
                if gn > 0 {
                    fg.veil[at + gof[q]] += v;
                }
            });
            l_v[j * n_rows + k] = sum;
        }
    }
    let ti = field_ti(&rows, points.len(), |j, k| l_v[j * n_rows + k]);
    // REI: strips either side of each edge.
    let strip_offsets = grid::offsets_across(strip);
    let mut rei = [(0.0, 0.0); 2];
    for &ch in &field.rows_m {
        for (side, sign) in [(0, -1.0), (1, 1.0)] {
            let edge = sign * width_m / 2.0;
            for &o in &strip_offsets {
                // offsets_across is centred on 0: shift it to lie inside / outside.
                let depth = o + strip / 2.0;
                let inside = along(line, ch, edge - sign * depth)?.0;
                let outside = along(line, ch, edge + sign * depth)?.0;
                for (io, p) in [inside, outside].into_iter().enumerate() {
                    let mut sum = 0.0;
                    let sums = &mut fg.rei[side][io];
                    lighting.e_h_among_each(&cand, p, REI_REACH_H, |q, e| {
                        sum += e;
                        if gn > 0 {
                            sums[gof[q]] += e;
                        }
                    });
                    if io == 0 {
                        rei[side].0 += sum;
                    } else {
                        rei[side].1 += sum;
                    }
                }
            }
        }
    }
    Some(LField {
        rows,
        u_l,
        ti,
        rei,
        groups: (gn > 0).then_some(fg),
    })
}

/// U_l of a field: per lane along its centre line, the lowest lane.
pub(super) fn field_u_l(rows: &[LRow], n_obs: usize) -> f64 {
    (0..n_obs)
        .map(|j| {
            let (lo, hi) = rows.iter().fold((f64::INFINITY, 0.0_f64), |(lo, hi), r| {
                (lo.min(r.centre[j]), hi.max(r.centre[j]))
            });
            if hi > 0.0 { lo / hi } else { 0.0 }
        })
        .fold(f64::INFINITY, f64::min)
}

/// The highest f_TI of a field: each lane's observer at each eye step `k`, `l_v(j, k)`
/// its veiling luminance, against that lane's L_avg over the field's `n_pts` points a
/// row.
pub(super) fn field_ti(rows: &[LRow], n_pts: usize, l_v: impl Fn(usize, usize) -> f64) -> f64 {
    let n_obs = rows.first().map_or(0, |r| r.sum.len());
    let mut ti = 0.0_f64;
    for j in 0..n_obs {
        let l_avg = rows.iter().map(|r| r.sum[j]).sum::<f64>() / (n_pts as f64 * rows.len() as f64);
        for k in 0..rows.len() {
            if let Some(v) = threshold_increment(l_v(j, k), l_avg) {
                ti = ti.max(v);
            }
        }
    }
    ti
}

/// Evaluates an M street: `line` its centreline, `chainages` its luminaires' chainages,
/// `own` their indices in `lighting.luminaires` (the installation whose glare f_TI
/// judges), `t` its road surface. With `group_of` (each luminaire's vendor group and the
/// number of groups) the sums are also kept per group, for [`StreetLuminance::at_levels`].
#[allow(clippy::too_many_arguments)]
pub fn evaluate_street(
    lighting: &Lighting,
    line: &Polyline,
    chainages: &[f64],
    own: &[usize],
    width_m: f64,
    lanes: u32,
    t: &RTable,
    group_of: Option<(&[usize], usize)>,
) -> StreetLuminance {
    // Lanes are validated to 1..12 in a plan; the observers' windows are kept for 12.
    let lanes = lanes.clamp(1, 12);
    let fields: Vec<grid::Field> = grid::fields(line.length(), chainages)
        .into_iter()
        .filter(|f| f.between_luminaires)
        .collect();
    let results: Vec<LField> = fields
        .par_iter()
        .filter_map(|f| evaluate_field(lighting, line, f, width_m, lanes, t, own, group_of))
        .collect();
    let mut out = StreetLuminance {
        fields: results.len(),
        lanes: vec![LaneProfile::default(); lanes as usize],
        ..Default::default()
    };
    if results.is_empty() {
        return out;
    }
    for r in results.iter().flat_map(|f| &f.rows) {
        for (j, lane) in out.lanes.iter_mut().enumerate() {
            lane.chainage_m.push(r.ch);
            lane.l_cd_m2.push(r.centre[j]);
        }
        out.row_min_cd_m2
            .push(r.min.iter().copied().fold(f64::INFINITY, f64::min));
    }
    out.rows = results
        .iter()
        .flat_map(|f| f.rows.iter().cloned())
        .collect();
    let parts: Vec<FieldPart> = results.iter().map(|f| (f.u_l, f.ti, f.rei)).collect();
    let Some((values, min_at)) = street_values(&out.rows, &parts) else {
        return out;
    };
    out.values = Some(values);
    out.min_at_m = Some(min_at);
    out.groups = results.into_iter().filter_map(|f| f.groups).collect();
    out
}

/// A field's U_l, f_TI and (inside, outside) E_h sums of the right and the left edge.
type FieldPart = (f64, f64, [(f64, f64); 2]);

/// The street's values from all its fields' rows and each field's (U_l, f_TI, REI
/// sums), and the chainage of the lowest point; `None` for no rows.
fn street_values(rows: &[LRow], parts: &[FieldPart]) -> Option<(LuminanceValues, f64)> {
    let (l_avg, u_o, l_min, min_at) = average_uniformity(rows.iter())?;
    let rei_side = |s: usize| {
        let (inside, outside) = parts
            .iter()
            .fold((0.0, 0.0), |(a, b), f| (a + f.2[s].0, b + f.2[s].1));
        if inside > 0.0 { outside / inside } else { 0.0 }
    };
    Some((
        LuminanceValues {
            l_avg_cd_m2: l_avg,
            l_min_cd_m2: l_min,
            u_o,
            u_l: parts.iter().map(|f| f.0).fold(f64::INFINITY, f64::min),
            ti_pct: parts.iter().map(|f| f.1).fold(0.0, f64::max),
            rei: rei_side(0).min(rei_side(1)),
        },
        min_at,
    ))
}

/// L_avg and U_o of the observer lane that gives the lowest, the lowest point value and
/// its chainage, over `rows` (weighted by their D); `None` for no rows.
pub(super) fn average_uniformity<'a>(
    rows: impl Iterator<Item = &'a LRow>,
) -> Option<(f64, f64, f64, f64)> {
    let mut sums: Vec<f64> = Vec::new();
    let mut mins: Vec<f64> = Vec::new();
    let (mut weight, mut l_min, mut min_at) = (0.0, f64::INFINITY, f64::NAN);
    for r in rows {
        if sums.is_empty() {
            sums = vec![0.0; r.sum.len()];
            mins = vec![f64::INFINITY; r.sum.len()];
        }
        // Three points per lane.
        weight += r.d * (3 * r.sum.len()) as f64;
        for j in 0..sums.len().min(r.sum.len()) {
            sums[j] += r.sum[j] * r.d;
            mins[j] = mins[j].min(r.min[j]);
            if r.min[j] < l_min {
                (l_min, min_at) = (r.min[j], r.ch);
            }
        }
    }
    if sums.is_empty() || weight.is_nan() || weight <= 0.0 {
        return None;
    }
    let avg: Vec<f64> = sums.iter().map(|s| s / weight).collect();
    let l_avg = avg.iter().copied().fold(f64::INFINITY, f64::min);
    let u_o = avg
        .iter()
        .zip(&mins)
        .map(|(&a, &m)| if a > 0.0 { m / a } else { 0.0 })
        .fold(f64::INFINITY, f64::min);
    Some((l_avg, u_o, l_min, min_at))
}
