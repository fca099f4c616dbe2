//! An M street's luminance sums split into parts that add (for the arrangement search,
//! `crate::design`): the geometry of the check's luminance fields (points, observers,
//! eye steps, REI strips) laid once, then the sums of one set of luminaires on it (the
//! poles that stay, or a candidate's at level 1). Luminance, veiling luminance and
//! illuminance are linear in a luminaire's intensity, so the street's L_avg, U_o, U_l,
//! f_TI and REI with the candidate at any driver level follow from the two parts
//! ([`LuminanceGrid::values`]). Every term is computed with the same operations, in the
//! same order, as [`super::luminance::evaluate_street`] (module docs there), so the
//! values equal the check's up to the order of the final additions.

use super::luminance::{
    LRow, LuminanceValues, OBSERVER_BEFORE_M, REI_REACH_H, REI_STRIP_M, Sight, along,
    average_uniformity, field_box, field_ti, field_u_l, lane_offsets, sight_line, term_of, ti_box,
    veil_of,
};
use super::surface::RTable;
use super::{Lighting, Luminaire, Optic, grid};
use crate::frame::{Polyline, Xy};

/// Luminaires farther than this many of their heights from every point of a field add
/// nothing to it (the window reaches 12 h beyond and 5 h aside: √(12² + 5²) = 13).
const FIELD_REACH_H: f64 = 13.0;

/// Where tan γ falls in the r-table ([`RTable::tan_nodes`]).
type TanNodes = Option<(usize, usize, f64)>;

/// One luminance field's geometry (between two consecutive luminaires of the street).
struct FieldGeom {
    d: f64,
    rows_m: Vec<f64>,
    /// Per row, its points (3 per lane).
    points: Vec<Xy>,
    observers: Vec<Xy>,
    /// Per observer lane and eye step (one per row): the eye and the direction.
    eyes: Vec<(Xy, Xy)>,
    /// REI's strip points: (edge: 0 right, 1 left; 0 inside, 1 outside; point).
    strips: Vec<(usize, usize, Xy)>,
    /// The box of the field's points, padded as the check pads it.
    min: Xy,
    max: Xy,
    /// The box the street's own luminaires must lie in to count for f_TI.
    ti_lo: Xy,
    ti_hi: Xy,
}

/// The check's luminance fields of one street with its luminaires at given chainages.
pub struct LuminanceGrid {
    fields: Vec<FieldGeom>,
    n_obs: usize,
    n_pts: usize,
    max_tan: f64,
    t: RTable,
}

/// One set of luminaires' sums on a [`LuminanceGrid`].
pub struct LuminanceSums {
    /// Per field: per row, point and observer the luminance, cd/m².
    lum: Vec<Vec<f64>>,
    /// Per field: per observer and eye step the veiling luminance, cd/m².
    veil: Vec<Vec<f64>>,
    /// Per bucket (a driver level from which the light counts, see
    /// [`LuminanceGrid::sums_of`]): the street's REI sums, [edge][inside, outside], lx.
    rei: Vec<[[f64; 2]; 2]>,
}

impl LuminanceSums {
    /// The REI sums of buckets `0..=k`.
    fn rei_upto(&self, k: usize) -> [[f64; 2]; 2] {
        let mut out = [[0.0; 2]; 2];
        for b in self.rei.iter().take(k + 1) {
            for s in 0..2 {
                for io in 0..2 {
                    out[s][io] += b[s][io];
                }
            }
        }
        out
    }
}

impl LuminanceGrid {
    /// The fields of a street along `line` with its luminaires at `chainages`, `width_m`
    /// wide with `lanes` lanes, surface `t` (as the check lays them).
    pub fn new(line: &Polyline, chainages: &[f64], width_m: f64, lanes: u32, t: &RTable) -> Self {
        let lanes = lanes.clamp(1, 12);
        let fields = grid::fields(line.length(), chainages)
            .into_iter()
            .filter(|f| f.between_luminaires)
            .filter_map(|f| field_geom(line, &f, width_m, lanes))
            .collect();
        LuminanceGrid {
            fields,
            n_obs: lanes as usize,
            n_pts: 3 * lanes as usize,
            max_tan: t.max_tan_gamma(),
            t: t.clone(),
        }
    }

    /// The sums of `lighting`'s luminaires (`own`: those whose glare f_TI judges).
    pub fn sums(&self, lighting: &Lighting, own: &[usize]) -> LuminanceSums {
        let reach = &lighting.reach;
        let mut out = self.empty_sums(1);
        let all: Vec<usize> = (0..self.fields.len()).collect();
        self.add_sums(
            &mut out,
            &all,
            &lighting.luminaires,
            own,
            |k, c, g| {
                lighting.maintenance_factor * lighting.tables[lighting.table_of[k]].intensity(c, g)
            },
            |k, d2| {
                let r = reach.radius_m[k];
                (d2 <= r * r).then_some(0)
            },
        );
        out
    }

    /// Sums with no field computed yet, REI in `buckets` buckets.
    pub fn empty_sums(&self, buckets: usize) -> LuminanceSums {
        LuminanceSums {
            lum: vec![Vec::new(); self.fields.len()],
            veil: vec![Vec::new(); self.fields.len()],
            rei: vec![[[0.0; 2]; 2]; buckets.max(1)],
        }
    }

    /// Adds to `out` (from [`Self::empty_sums`] with one bucket per level) the sums on
    /// `fields` (indices, each once over all calls) of `luminaires` of one type whose
    /// table at level 1 is `optic`; `own` those whose glare f_TI judges. `radii[i]` is
    /// the check's influence radius of one of them at the `i`-th driver level
    /// (ascending, no class): REI's illuminance of a luminaire at a point counts from the
    /// least level whose radius reaches it, in that level's bucket.
    pub fn add_sums_of(
        &self,
        out: &mut LuminanceSums,
        fields: &[usize],
        luminaires: &[Luminaire],
        own: &[usize],
        optic: &Optic,
        radii: &[f64],
    ) {
        let r2: Vec<f64> = radii.iter().map(|r| r * r).collect();
        self.add_sums(
            out,
            fields,
            luminaires,
            own,
            |_, c, g| optic.maintained_cd(c, g),
            |_, d2| {
                let j = r2.partition_point(|&q| q < d2);
                (j < r2.len()).then_some(j)
            },
        );
    }

    /// The fields whose rows lie between `from_m` and `to_m`, up to `n` of them spread
    /// evenly (indices): where a layout is probed first.
    pub fn probe_fields(&self, from_m: f64, to_m: f64, n: usize) -> Vec<usize> {
        let inside: Vec<usize> = (0..self.fields.len())
            .filter(|&i| {
                let r = &self.fields[i].rows_m;
                r.first().is_some_and(|&a| a >= from_m) && r.last().is_some_and(|&b| b <= to_m)
            })
            .collect();
        if inside.len() <= n {
            return inside;
        }
        let mut out: Vec<usize> = (0..n)
            .map(|k| inside[(2 * k + 1) * inside.len() / (2 * n)])
            .collect();
        out.dedup();
        out
    }

    /// Every field index.
    pub fn all_fields(&self) -> Vec<usize> {
        (0..self.fields.len()).collect()
    }

    /// The lowest U_l and the highest f_TI of `fields` alone, with `fixed` at full level
    /// and `cand` at `level`: the street's U_l is at most, and its f_TI at least, these
    /// (each field's values depend on its own rows and eyes only).
    pub fn fields_u_l_ti(
        &self,
        fixed: &LuminanceSums,
        cand: &LuminanceSums,
        level: f64,
        fields: &[usize],
    ) -> (f64, f64) {
        let (mut u_l, mut ti) = (f64::INFINITY, 0.0_f64);
        for &fi in fields {
            let rows = self.field_rows(fi, fixed, cand, level);
            u_l = u_l.min(field_u_l(&rows, self.n_obs));
            ti = ti.max(self.field_ti_of(fi, &rows, fixed, cand, level));
        }
        (u_l, ti)
    }

    /// The lowest U_l of `fields` at each of `levels`, with `fixed` at full level and
    /// `lums` (one type, table `optic` at level 1) at that level: only each lane's centre
    /// points seen by that lane's observer, which is all U_l reads, summed with the same
    /// operations in the same order as [`Self::add_sums_of`] (so bit for bit the values
    /// the full sums give). The street's U_l is at most this: a layout that fails it at
    /// every level fails, for a sixth of the full sums' work on two lanes.
    pub fn centre_u_l(
        &self,
        fixed: &LuminanceSums,
        fields: &[usize],
        lums: &[Luminaire],
        optic: &Optic,
        levels: &[f64],
    ) -> Vec<f64> {
        let t = &self.t;
        let n_obs = self.n_obs;
        let mut out = vec![f64::INFINITY; levels.len()];
        let mut near = Vec::new();
        let mut cand = Vec::new();
        for &fi in fields {
            let f = &self.fields[fi];
            near.clear();
            near.extend((0..lums.len()).filter(|&k| in_reach(f, &lums[k])));
            let n_rows = f.rows_m.len();
            cand.clear();
            cand.resize(n_rows * n_obs, 0.0);
            for r in 0..n_rows {
                for j in 0..n_obs {
                    let p = f.points[r * self.n_pts + 3 * j + 1];
                    let sight = Sight::new(p, f.observers[j]);
                    let mut at = 0.0;
                    for &k in &near {
                        let l = &lums[k];
                        let (dx, dy) = (l.xy.x - p.x, l.xy.y - p.y);
                        let Some(b) = sight.beta_in_window(dx, dy, l.height_m) else {
                            continue;
                        };
                        let Some((base, nodes)) = self.term(l, p, |c, g| optic.maintained_cd(c, g))
                        else {
                            continue;
                        };
                        at += base * t.r_at(nodes, b);
                    }
                    cand[r * n_obs + j] = at;
                }
            }
            let lf = &fixed.lum[fi];
            for (u, &level) in out.iter_mut().zip(levels) {
                for j in 0..n_obs {
                    let (mut lo, mut hi) = (f64::INFINITY, 0.0_f64);
                    for r in 0..n_rows {
                        let i = (r * self.n_pts + 3 * j + 1) * n_obs + j;
                        let l = lf[i] + level * cand[r * n_obs + j];
                        lo = lo.min(l);
                        hi = hi.max(l);
                    }
                    *u = u.min(if hi > 0.0 { lo / hi } else { 0.0 });
                }
            }
        }
        out
    }

    fn field_rows(
        &self,
        fi: usize,
        fixed: &LuminanceSums,
        cand: &LuminanceSums,
        level: f64,
    ) -> Vec<LRow> {
        let f = &self.fields[fi];
        let n_obs = self.n_obs;
        let (lf, lc) = (&fixed.lum[fi], &cand.lum[fi]);
        f.rows_m
            .iter()
            .enumerate()
            .map(|(r, &ch)| {
                let mut row = LRow {
                    ch,
                    d: f.d,
                    sum: vec![0.0; n_obs],
                    min: vec![f64::INFINITY; n_obs],
                    centre: vec![0.0; n_obs],
                };
                for i in 0..self.n_pts {
                    let base = (r * self.n_pts + i) * n_obs;
                    for j in 0..n_obs {
                        let l = lf[base + j] + level * lc[base + j];
                        row.sum[j] += l;
                        row.min[j] = row.min[j].min(l);
                        if i == 3 * j + 1 {
                            row.centre[j] = l;
                        }
                    }
                }
                row
            })
            .collect()
    }

    fn field_ti_of(
        &self,
        fi: usize,
        rows: &[LRow],
        fixed: &LuminanceSums,
        cand: &LuminanceSums,
        level: f64,
    ) -> f64 {
        let n_rows = self.fields[fi].rows_m.len();
        let (vf, vc) = (&fixed.veil[fi], &cand.veil[fi]);
        field_ti(rows, self.n_pts, |j, k| {
            vf[j * n_rows + k] + level * vc[j * n_rows + k]
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn add_sums(
        &self,
        out: &mut LuminanceSums,
        fields: &[usize],
        lums: &[Luminaire],
        own: &[usize],
        cd: impl Fn(usize, f64, f64) -> f64,
        bucket: impl Fn(usize, f64) -> Option<usize>,
    ) {
        let t = &self.t;
        let n_obs = self.n_obs;
        let mut near = Vec::new();
        let mut sight = Vec::with_capacity(n_obs);
        let mut beta = vec![None::<f64>; n_obs];
        for &fi in fields {
            let f = &self.fields[fi];
            near.clear();
            near.extend((0..lums.len()).filter(|&k| in_reach(f, &lums[k])));
            let mut lum = vec![0.0; f.points.len() * n_obs];
            if !near.is_empty() {
                for (pi, &p) in f.points.iter().enumerate() {
                    sight.clear();
                    sight.extend(f.observers.iter().map(|&o| Sight::new(p, o)));
                    let at = &mut lum[pi * n_obs..(pi + 1) * n_obs];
                    for &k in &near {
                        let l = &lums[k];
                        let (dx, dy) = (l.xy.x - p.x, l.xy.y - p.y);
                        if !Sight::betas(&sight, dx, dy, l.height_m, &mut beta[..n_obs]) {
                            continue;
                        }
                        let Some((base, nodes)) = self.term(l, p, |c, g| cd(k, c, g)) else {
                            continue;
                        };
                        for j in 0..n_obs {
                            if let Some(b) = beta[j] {
                                at[j] += base * t.r_at(nodes, b);
                            }
                        }
                    }
                }
                // REI: each strip point from the luminaires within 5 of their heights.
                for &(side, io, p) in &f.strips {
                    for &k in &near {
                        let l = &lums[k];
                        let d2 = l.xy.dist2(p);
                        if d2 > (REI_REACH_H * l.height_m).powi(2) {
                            continue;
                        }
                        if let Some(b) = bucket(k, d2) {
                            let (c, g) = l.c_gamma(p);
                            out.rei[b][side][io] += cd(k, c, g) * l.h_over_r3(p);
                        }
                    }
                }
            }
            out.lum[fi] = lum;
            out.veil[fi] = self.veil(f, lums, own, &cd);
        }
    }

    /// [`term_of`] with the r-table's tan γ nodes.
    #[inline]
    fn term(&self, l: &Luminaire, p: Xy, cd: impl Fn(f64, f64) -> f64) -> Option<(f64, TanNodes)> {
        let (base, tan_g) = term_of(l, p, self.max_tan, cd)?;
        Some((base, self.t.tan_nodes(tan_g)))
    }

    /// Per observer and eye step, the veiling luminance of the `own` luminaires in the
    /// field's f_TI box (as `Lighting::veiling_each`).
    fn veil(
        &self,
        f: &FieldGeom,
        lums: &[Luminaire],
        own: &[usize],
        cd: &impl Fn(usize, f64, f64) -> f64,
    ) -> Vec<f64> {
        let n_rows = f.rows_m.len();
        let mut out = vec![0.0; self.n_obs * n_rows];
        let ti: Vec<usize> = own
            .iter()
            .copied()
            .filter(|&k| {
                lums.get(k).is_some_and(|l| {
                    (f.ti_lo.x..=f.ti_hi.x).contains(&l.xy.x)
                        && (f.ti_lo.y..=f.ti_hi.y).contains(&l.xy.y)
                })
            })
            .collect();
        if ti.is_empty() {
            return out;
        }
        for (e, &(eye, dir)) in f.eyes.iter().enumerate() {
            let s = sight_line(dir);
            let mut sum = 0.0;
            for &k in &ti {
                if let Some(v) = veil_of(&lums[k], eye, dir, s, |c, g| cd(k, c, g)) {
                    sum += v;
                }
            }
            out[e] = sum;
        }
        out
    }

    /// The street's luminance values with `fixed` at full level and `cand` at `level`
    /// (its REI light counted from buckets `0..=bucket`); L_avg and U_o of the rows
    /// between `range` (a stretch) when given, as `StreetLuminance::between`. `None` when
    /// no field or no row there.
    pub fn values(
        &self,
        fixed: &LuminanceSums,
        cand: &LuminanceSums,
        level: f64,
        bucket: usize,
        range: Option<(f64, f64)>,
    ) -> Option<LuminanceValues> {
        let n_obs = self.n_obs;
        let mut rows: Vec<LRow> = Vec::new();
        let (mut u_l, mut ti) = (f64::INFINITY, 0.0_f64);
        for fi in 0..self.fields.len() {
            let field_rows = self.field_rows(fi, fixed, cand, level);
            u_l = u_l.min(field_u_l(&field_rows, n_obs));
            ti = ti.max(self.field_ti_of(fi, &field_rows, fixed, cand, level));
            rows.extend(field_rows);
        }
        let (l_avg, u_o, l_min, _) = average_uniformity(rows.iter())?;
        let (rf, rc) = (fixed.rei_upto(0), cand.rei_upto(bucket));
        let side = |s: usize| {
            let inside = rf[s][0] + level * rc[s][0];
            let outside = rf[s][1] + level * rc[s][1];
            if inside > 0.0 { outside / inside } else { 0.0 }
        };
        let (l_avg, u_o) = match range {
            None => (l_avg, u_o),
            Some((a, b)) => {
                let (lo, hi) = (a.min(b), a.max(b));
                let (l, u, _, _) =
                    average_uniformity(rows.iter().filter(|r| r.ch >= lo && r.ch <= hi))?;
                (l, u)
            }
        };
        Some(LuminanceValues {
            l_avg_cd_m2: l_avg,
            l_min_cd_m2: l_min,
            u_o,
            u_l,
            ti_pct: ti,
            rei: side(0).min(side(1)),
        })
    }

    /// L_avg per observer lane, the highest, of `sums` alone over the rows between
    /// `from_m` and `to_m` (for bounds), cd/m².
    pub fn average(&self, sums: &LuminanceSums, from_m: f64, to_m: f64) -> f64 {
        let mut s = vec![0.0; self.n_obs];
        let mut w = 0.0;
        for (fi, f) in self.fields.iter().enumerate() {
            for (r, &ch) in f.rows_m.iter().enumerate() {
                if ch < from_m || ch > to_m {
                    continue;
                }
                w += f.d * self.n_pts as f64;
                for i in 0..self.n_pts {
                    for (j, sj) in s.iter_mut().enumerate() {
                        *sj += sums.lum[fi][(r * self.n_pts + i) * self.n_obs + j] * f.d;
                    }
                }
            }
        }
        if w > 0.0 {
            s.iter().copied().fold(0.0, f64::max) / w
        } else {
            0.0
        }
    }
}

/// Whether luminaire `l` can add to field `f` (within [`FIELD_REACH_H`] of its heights of
/// the field's box).
fn in_reach(f: &FieldGeom, l: &Luminaire) -> bool {
    let r = FIELD_REACH_H * l.height_m;
    l.xy.x >= f.min.x - r && l.xy.x <= f.max.x + r && l.xy.y >= f.min.y - r && l.xy.y <= f.max.y + r
}

/// A field's geometry as `luminance::evaluate_field` lays it; `None` where it cannot
/// (the check leaves the field out too).
fn field_geom(line: &Polyline, field: &grid::Field, width_m: f64, lanes: u32) -> Option<FieldGeom> {
    let first = *field.rows_m.first()?;
    let obs_ch = first - OBSERVER_BEFORE_M;
    let strip = REI_STRIP_M.min(width_m / 2.0);
    let (min, max) = field_box(line, field, width_m)?;
    let (ti_lo, ti_hi) = ti_box(line, field, (min, max))?;
    let observers: Vec<Xy> = (0..lanes)
        .map(|j| along(line, obs_ch, lane_offsets(width_m, lanes, j).1).map(|o| o.0))
        .collect::<Option<_>>()?;
    let offs: Vec<f64> = (0..lanes)
        .flat_map(|j| lane_offsets(width_m, lanes, j).0)
        .collect();
    let mut points = Vec::with_capacity(field.rows_m.len() * offs.len());
    for &ch in &field.rows_m {
        for &off in &offs {
            points.push(along(line, ch, off)?.0);
        }
    }
    let mut eyes = Vec::with_capacity(lanes as usize * field.rows_m.len());
    for j in 0..lanes {
        let off = lane_offsets(width_m, lanes, j).1;
        for k in 0..field.rows_m.len() {
            eyes.push(along(line, obs_ch + k as f64 * field.d_along_m, off)?);
        }
    }
    let strip_offsets = grid::offsets_across(strip);
    let mut strips = Vec::new();
    for &ch in &field.rows_m {
        for (side, sign) in [(0, -1.0), (1, 1.0)] {
            let edge = sign * width_m / 2.0;
            for &o in &strip_offsets {
                let depth = o + strip / 2.0;
                strips.push((side, 0, along(line, ch, edge - sign * depth)?.0));
                strips.push((side, 1, along(line, ch, edge + sign * depth)?.0));
            }
        }
    }
    Some(FieldGeom {
        d: field.d_along_m,
        rows_m: field.rows_m.clone(),
        points,
        observers,
        eyes,
        strips,
        min,
        max,
        ti_lo,
        ti_hi,
    })
}

/// The luminance of luminaire `l` at road point `p` on a straight street running grid
/// east (grid east along y = 0, lane 0 on the right), seen from each of `observers`, into `out`
/// (zero outside the window or the table).
fn straight_term(
    l: &Luminaire,
    optic: &Optic,
    t: &RTable,
    p: Xy,
    observers: &[Xy],
    out: &mut [f64],
) {
    out.iter_mut().for_each(|v| *v = 0.0);
    let h = l.height_m;
    let Some((base, tan_g)) = term_of(l, p, t.max_tan_gamma(), |c, g| optic.maintained_cd(c, g))
    else {
        return;
    };
    let nodes = t.tan_nodes(tan_g);
    let (dx, dy) = (l.xy.x - p.x, l.xy.y - p.y);
    for (v, &o) in out.iter_mut().zip(observers) {
        if let Some(beta) = Sight::new(p, o).beta_in_window(dx, dy, h) {
            *v = base * t.r_at(nodes, beta);
        }
    }
}

/// One luminaire's luminance on a straight street running grid east along y = 0,
/// `width_m` wide with `lanes` lanes (grid east along y = 0, lane 0 on the right): at each point
/// across (3 per lane, lane by lane) and each position `xs` along, seen by each lane's
/// observer `back_m` before the point on its lane's centre line; cd/m². Indexed
/// `[(j * points_across + i) * xs.len() + k]` for observer lane `j`, point `i`, `xs[k]`.
/// The profile of one pole the arrangement search's straight model repeats
/// (`crate::design`).
pub fn straight_profiles(
    l: &Luminaire,
    optic: &Optic,
    t: &RTable,
    width_m: f64,
    lanes: u32,
    xs: &[f64],
    back_m: f64,
) -> Vec<f64> {
    let lanes = lanes.clamp(1, 12);
    let offs: Vec<f64> = (0..lanes)
        .flat_map(|j| lane_offsets(width_m, lanes, j).0)
        .collect();
    let centres: Vec<f64> = (0..lanes)
        .map(|j| lane_offsets(width_m, lanes, j).1)
        .collect();
    let (n_pts, n_x) = (offs.len(), xs.len());
    let mut out = vec![0.0; lanes as usize * n_pts * n_x];
    if !(l.height_m.is_finite() && l.height_m > 0.0) {
        return out;
    }
    let mut v = vec![0.0; centres.len()];
    let mut observers = vec![Xy::default(); centres.len()];
    for (i, &o) in offs.iter().enumerate() {
        for (k, &x) in xs.iter().enumerate() {
            let p = Xy::new(x, o);
            for (ob, &c) in observers.iter_mut().zip(&centres) {
                *ob = Xy::new(x - back_m, c);
            }
            straight_term(l, optic, t, p, &observers, &mut v);
            for (j, &vj) in v.iter().enumerate() {
                out[(j * n_pts + i) * n_x + k] = vj;
            }
        }
    }
    out
}
