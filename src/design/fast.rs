//! The fast sums of the search (P and C classes; M below): a layout's illuminance on the
//! stretch's grid as the check computes it, from the light of the poles that stay
//! (fixed for the layout's grid, [`super::context::Spread`]) plus the candidate's own
//! light, which is linear in the driver level. One pass over the candidate's poles gives
//! the stretch's E_avg, E_min and U_o at every level of the search set: each pole's
//! light at a point is counted from the least level whose influence radius (the check's,
//! for the table scaled to that level) reaches the point.
//!
//! M classes: the same structure on the street's luminance fields
//! ([`crate::lighting::luminance_parts`]): the luminance per point and observer, the
//! veiling luminance per eye and the REI strips' illuminance of the poles that stay once
//! per layout grid, the candidate's once per layout, and every level's L_avg, U_o, U_l,
//! f_TI and REI from the two (REI's illuminance counted, as above, from the least level
//! whose radius reaches the point).

use super::Geometry;
use super::context::{Context, Spread, SpreadLuminance};
use crate::lighting::{Luminaire, Optic, Requirement, requirement};
use crate::plan::LuminaireType;

/// Fields of the street probed first for U_l and f_TI (M classes).
const PROBE_FIELDS: usize = 3;

/// One layout's stretch values at every level.
pub(super) struct Screen {
    /// The poles keep `spacing.min`, `spacing.max` and `placement.off_route`.
    pub rules_ok: bool,
    /// Per level of the search set: E_avg, E_min, U_o of the stretch (and two NaN); M
    /// classes: L_avg, U_o, U_l, f_TI, REI (all NaN for a layout that breaks a rule:
    /// it cannot pass, and its luminance is not summed; only U_l, or U_l and f_TI, for
    /// one that fails on those, [`m_values`]).
    pub values: Vec<[f64; 5]>,
}

impl Screen {
    /// Whether the light at level index `i` meets the class (the check's criteria).
    pub fn light_passes(&self, ctx: &Context, i: usize) -> bool {
        let [e_avg, e_min, u_o, ..] = self.values[i];
        match requirement(ctx.class) {
            Requirement::P { e_avg_lx, e_min_lx } => e_avg >= e_avg_lx && e_min >= e_min_lx,
            Requirement::C {
                e_avg_lx,
                u_o: want,
            } => e_avg >= e_avg_lx && u_o >= want,
            Requirement::M(m) => {
                let [l_avg, u_o, u_l, ti, rei] = self.values[i];
                l_avg >= m.l_avg_cd_m2
                    && u_o >= m.u_o
                    && u_l >= m.u_l
                    && !(ti.is_nan() || ti > m.ti_max_pct)
                    && rei >= m.rei
            }
        }
    }

    pub fn passes(&self, ctx: &Context, i: usize) -> bool {
        self.rules_ok && self.light_passes(ctx, i)
    }

    /// The least passing level index.
    pub fn least(&self, ctx: &Context) -> Option<usize> {
        (0..self.values.len()).find(|&i| self.passes(ctx, i))
    }
}

/// The candidate's luminaires of geometry `g` on `spread`'s poles (type `t`).
pub(super) fn luminaires(spread: &Spread, t: &LuminaireType, g: &Geometry) -> Vec<Luminaire> {
    if !(g.height_m.is_finite() && g.height_m > 0.0) {
        return Vec::new();
    }
    spread
        .poles
        .iter()
        .enumerate()
        .map(|(i, p)| {
            Luminaire::from_grid(
                i,
                p.foot,
                g.height_m,
                p.azimuth_grid_deg,
                g.overhang_m,
                g.tilt_deg,
                t.rotation_deg,
            )
        })
        .collect()
}

/// Whether `spread`'s poles, `h` high, keep the site rules: `spacing.min` with every
/// pole, `placement.off_route`, and `spacing.max` along the street.
pub(super) fn keeps_rules(ctx: &Context, spread: &Spread, h: f64) -> bool {
    spread.rules_ok && spacing_max_ok(ctx, spread, h)
}

/// `spacing.max` along the street with the candidate's poles `h` high: no gap next to
/// one of them longer than the check allows.
fn spacing_max_ok(ctx: &Context, spread: &Spread, h: f64) -> bool {
    let r = &ctx.plan.rules;
    spread.on_street.windows(2).all(|w| {
        let [(ca, ha, ia), (cb, hb, ib)] = [w[0], w[1]];
        if ia == usize::MAX && ib == usize::MAX {
            return true;
        }
        let ha = if ha.is_nan() { h } else { ha };
        let hb = if hb.is_nan() { h } else { hb };
        let limit = (r.max_spacing_to_height * ha.min(hb)).min(r.max_spacing_m);
        cb - ca <= limit
    })
}

/// The stretch's values of geometry `g` on `spread` at every level: `optic` the type's
/// table at level 1, `radii[i]` the check's influence radius of one of its luminaires
/// at `levels[i]` (ascending) on the street's class, `rei_radii[i]` where no class
/// decides (REI's strips).
pub(super) fn screen(
    ctx: &Context,
    t: &LuminaireType,
    optic: &Optic,
    (radii, rei_radii): (&[f64], &[f64]),
    g: &Geometry,
    spread: &Spread,
) -> Screen {
    ctx.screened
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let levels = &ctx.set.levels;
    let nl = levels.len();
    let rules_ok = keeps_rules(ctx, spread, g.height_m);
    let lums = luminaires(spread, t, g);
    if ctx.class.is_luminance() {
        // An M layout that breaks a rule cannot pass: its luminance is left out.
        let lum = if rules_ok {
            ctx.luminance(spread)
        } else {
            None
        };
        return Screen {
            rules_ok,
            values: match lum {
                Some(lum) => m_values(ctx, lum, &lums, optic, rei_radii, true),
                None => vec![[f64::NAN; 5]; nl],
            },
        };
    }
    let r2: Vec<f64> = radii.iter().map(|r| r * r).collect();
    let r2_top = r2.last().copied().unwrap_or(0.0);
    // Per point and level: the candidate's light counted from that level on.
    let mut by_level = vec![0.0; spread.points.len() * nl];
    for l in &lums {
        // Box cull: the points lie along the stretch; most luminaires reach few rows.
        let r = radii.last().copied().unwrap_or(0.0);
        for (pi, &p) in spread.points.iter().enumerate() {
            let (dx, dy) = (p.x - l.xy.x, p.y - l.xy.y);
            if dx.abs() > r || dy.abs() > r {
                continue;
            }
            let d2 = dx * dx + dy * dy;
            if d2 > r2_top {
                continue;
            }
            let j = r2.partition_point(|&q| q < d2);
            by_level[pi * nl + j] += optic.e_h(l, p);
        }
    }
    let mut values = Vec::with_capacity(nl);
    let mut acc = vec![0.0; spread.points.len()];
    for (i, &level) in levels.iter().enumerate() {
        let (mut wsum, mut w, mut min) = (0.0, 0.0, f64::INFINITY);
        for (d, range) in &spread.rows {
            let mut sum = 0.0;
            for pi in range.clone() {
                acc[pi] += by_level[pi * nl + i];
                let e = spread.fixed_lx[pi] + level * acc[pi];
                sum += e;
                min = min.min(e);
            }
            wsum += sum * d;
            w += d * range.len() as f64;
        }
        let e_avg = wsum / w;
        let u_o = if e_avg > 0.0 { min / e_avg } else { 0.0 };
        values.push([e_avg, min, u_o, f64::NAN, f64::NAN]);
    }
    Screen { rules_ok, values }
}

/// An M layout's values at every level (L_avg, U_o, U_l, f_TI, REI), the candidate's
/// `lums` on `lum`'s fields. With `probe`, a few fields inside the stretch first: U_l is
/// the street's lowest field and f_TI its highest, so a layout they fail at every level
/// fails (exactly) without the rest of the street, and has only those two values.
pub(super) fn m_values(
    ctx: &Context,
    lum: &SpreadLuminance,
    lums: &[Luminaire],
    optic: &Optic,
    rei_radii: &[f64],
    probe: bool,
) -> Vec<[f64; 5]> {
    let levels = &ctx.set.levels;
    let grid = &lum.grid;
    let probed = if probe {
        grid.probe_fields(ctx.from_m, ctx.to_m, PROBE_FIELDS)
    } else {
        Vec::new()
    };
    if let Requirement::M(m) = requirement(ctx.class)
        && probe
    {
        // U_l first, on the lane centres alone: the probed fields, then the rest.
        let fails = |u: &[f64]| {
            u.iter()
                .all(|&u| !crate::lighting::classes::meets(u, m.u_l))
        };
        let mut u_l = grid.centre_u_l(&lum.fixed, &probed, lums, optic, levels);
        if !fails(&u_l) {
            let rest: Vec<usize> = grid
                .all_fields()
                .into_iter()
                .filter(|f| !probed.contains(f))
                .collect();
            let more = grid.centre_u_l(&lum.fixed, &rest, lums, optic, levels);
            for (a, b) in u_l.iter_mut().zip(more) {
                *a = a.min(b);
            }
        }
        if fails(&u_l) {
            return u_l
                .iter()
                .map(|&u| [f64::NAN, f64::NAN, u, f64::NAN, f64::NAN])
                .collect();
        }
    }
    let mut cand = grid.empty_sums(levels.len());
    grid.add_sums_of(&mut cand, &probed, lums, &lum.own, optic, rei_radii);
    if let Requirement::M(m) = requirement(ctx.class)
        && !probed.is_empty()
    {
        let partial: Vec<(f64, f64)> = levels
            .iter()
            .map(|&l| grid.fields_u_l_ti(&lum.fixed, &cand, l, &probed))
            .collect();
        let fails = |&(u_l, ti): &(f64, f64)| {
            !crate::lighting::classes::meets(u_l, m.u_l) || ti.is_nan() || ti > m.ti_max_pct
        };
        if partial.iter().all(fails) {
            return partial
                .iter()
                .map(|&(u_l, ti)| [f64::NAN, f64::NAN, u_l, ti, f64::NAN])
                .collect();
        }
    }
    let rest: Vec<usize> = grid
        .all_fields()
        .into_iter()
        .filter(|f| !probed.contains(f))
        .collect();
    grid.add_sums_of(&mut cand, &rest, lums, &lum.own, optic, rei_radii);
    let range = (!ctx.whole).then_some((ctx.from_m, ctx.to_m));
    levels
        .iter()
        .enumerate()
        .map(|(i, &level)| {
            grid.values(&lum.fixed, &cand, level, i, range)
                .map_or([f64::NAN; 5], |v| {
                    [v.l_avg_cd_m2, v.u_o, v.u_l, v.ti_pct, v.rei]
                })
        })
        .collect()
}
