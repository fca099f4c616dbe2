//! The search of one geometry for the M classes, every layout judged by the check (the
//! fast sums of [`super::fast`] cover illuminance only): the fewest stations passing at
//! the top level by bisection, then the least level of that count and of a few more
//! stations while they may use less power (docs/architecture.md "Design search").

use super::context::Context;
use super::judge::evaluate;
use super::{Candidate, Geometry, power_at_level};
use crate::lighting::{Requirement, requirement};
use crate::plan::{LightingClass, LuminaireType};

/// Searches one geometry: the fewest stations passing at the top level, then the least
/// level of that count and of a few more stations while they may use less power.
pub(super) fn search_checked(
    ctx: &Context,
    t: &LuminaireType,
    g: &Geometry,
    (lo, hi): (usize, usize),
    cancelled: &dyn Fn() -> bool,
) -> Vec<Candidate> {
    let levels = &ctx.set.levels[..];
    let top = *levels.last().unwrap_or(&1.0);
    // No layout of this geometry can use less power than the best found so far: skip.
    let fewest_w = g.arrangement.poles(lo) as f64 * power_at_level(t, levels[0]);
    if fewest_w / ((ctx.to_m - ctx.from_m) / 1000.0) > ctx.best_w_per_km() {
        return Vec::new();
    }
    let out = std::cell::RefCell::new(Vec::new());
    let eval = |n: usize, level: f64| -> Candidate {
        if cancelled() {
            // Stops the search promptly: a failing layout ends every loop below.
            return Candidate::cancelled(t, g, n);
        }
        let cell = ctx.spread(g.arrangement, n);
        let spread = cell.get().expect("spread initialised");
        let c = evaluate(ctx, t, g, spread, n, level);
        out.borrow_mut().push(c.clone());
        c
    };
    // Bisection for the fewest passing stations (pass assumed monotonic in the count).
    // The most stations may break a site rule on a bend (spacing.min between poles on
    // its inside): step down while only a rule fails.
    let mut hi = hi;
    let mut at_hi = eval(hi, top);
    // (A few steps: a pole of another street too close at a junction breaks the rule
    // at every count.)
    let mut steps = 0;
    while !at_hi.pass
        && !at_hi.rule_failures.is_empty()
        && hi > lo
        && at_hi.failures.is_empty()
        && steps < 3
    {
        hi -= 1;
        steps += 1;
        at_hi = eval(hi, top);
    }
    if !at_hi.pass {
        // The fewest stations only matter for the closest layout while none passes.
        if lo < hi && !ctx.best_w_per_km().is_finite() {
            eval(lo, top);
        }
        return keep_candidates(out.into_inner());
    }
    // What this geometry should reach at best, the light growing with the number of
    // gaps (level and count traded, the level snapped up to the list): a geometry that
    // promises more than 10 % above the best found so far is not searched further.
    let len_km = (ctx.to_m - ctx.from_m) / 1000.0;
    let best_so_far = ctx.best_w_per_km();
    if best_so_far.is_finite() {
        let need_hi = top * linear_scale(&at_hi, ctx.class);
        let promise = (lo..=hi)
            .filter_map(|n| {
                let want = need_hi * (hi - 1).max(1) as f64 / (n - 1).max(1) as f64;
                let k = levels.partition_point(|&l| l < want - 1e-12);
                levels
                    .get(k)
                    .map(|&l| g.arrangement.poles(n) as f64 * power_at_level(t, l))
            })
            .fold(f64::INFINITY, f64::min)
            / len_km;
        if promise > 1.1 * best_so_far {
            return keep_candidates(out.into_inner());
        }
    }
    // The light grows about with the number of gaps: the count that just meets the
    // linear criteria is the first guess; gallop from it to a passing and a failing
    // count, then bisect between them.
    let guess = 1 + ((hi - 1) as f64 * linear_scale(&at_hi, ctx.class)).ceil() as usize;
    let guess = guess.clamp(lo, hi);
    let b = fewest_passing(lo, hi, guess, |n| eval(n, top).pass);
    let mut best_w = f64::INFINITY;
    let lowest = levels.first().copied().unwrap_or(top);
    let mut n = b;
    // More poles at a lower level may draw less: a count is evaluated when the level
    // it should need (the light growing with the number of gaps, snapped up to the
    // list) promises less power than the best so far; a few counts at most.
    let mut need_b = f64::NAN;
    while n <= hi && n <= b + 6 {
        let poles = g.arrangement.poles(n);
        let bound = poles as f64 * power_at_level(t, lowest);
        if bound >= best_w || bound / len_km > ctx.best_w_per_km() {
            break;
        }
        if n > b && need_b.is_finite() {
            let want = need_b * (b - 1).max(1) as f64 / (n - 1).max(1) as f64;
            let k = levels
                .partition_point(|&l| l < want - 1e-12)
                .min(levels.len() - 1);
            if poles as f64 * power_at_level(t, levels[k]) > best_w * 1.005 {
                n += 1;
                continue;
            }
        }
        let at_top = if n == b {
            out.borrow()
                .iter()
                .find(|c| c.stations == n && c.level == top)
                .cloned()
        } else {
            Some(eval(n, top))
        };
        let Some(at_top) = at_top.filter(|c| c.pass) else {
            n += 1;
            continue;
        };
        // The least level from the linear criteria, snapped up to the list; confirmed
        // by evaluating it and the levels below it until one fails (others' light, the
        // uniformities and f_TI are not linear in the level), or the levels above it
        // until one passes.
        let top_k = levels.len() - 1;
        let want = top * linear_scale(&at_top, ctx.class);
        if n == b {
            need_b = want;
        }
        let k0 = levels.partition_point(|&l| l < want - 1e-12).min(top_k);
        let mut best = at_top;
        let mut down_from = Some(top_k);
        if k0 < top_k {
            let c = eval(n, levels[k0]);
            if c.pass {
                best = c;
                down_from = Some(k0);
            } else {
                down_from = None;
                for &l in &levels[k0 + 1..top_k] {
                    let c = eval(n, l);
                    if c.pass {
                        best = c;
                        break;
                    }
                }
            }
        }
        if let Some(mut j) = down_from {
            while j > 0 {
                j -= 1;
                let c = eval(n, levels[j]);
                if !c.pass {
                    break;
                }
                best = c;
            }
        }
        best_w = best_w.min(best.installed_w);
        ctx.found_w_per_km(best.w_per_km);
        if best.level <= lowest + 1e-12 {
            break;
        }
        n += 1;
    }
    keep_candidates(out.into_inner())
}

/// Of one geometry's evaluations, the passing ones at their least level per count (the
/// "fewest poles for that level" frontier) and the failing ones (for the closest).
fn keep_candidates(mut all: Vec<Candidate>) -> Vec<Candidate> {
    all.sort_by(|a, b| {
        a.stations
            .cmp(&b.stations)
            .then(a.level.total_cmp(&b.level))
    });
    all.dedup_by(|a, b| a.stations == b.stations && a.level == b.level);
    let mut out: Vec<Candidate> = Vec::new();
    for c in all {
        if c.pass {
            // Per count, only the least passing level.
            if out.iter().any(|o| o.pass && o.stations == c.stations) {
                continue;
            }
            // A level already reached with fewer stations is not "the fewest" here.
            if out.iter().any(|o| o.pass && o.level <= c.level) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The factor (≤ 1 when passing) the light of a passing layout can be scaled by and
/// still meet the linear criteria (E_avg, E_min; L_avg).
fn linear_scale(c: &Candidate, class: LightingClass) -> f64 {
    let value = |k: &str| c.metrics.iter().find(|m| m.0 == k).map(|m| m.1);
    let ratio = |v: Option<f64>, limit: f64| match v {
        Some(v) if v > 0.0 => limit / v,
        _ => 1.0,
    };
    match requirement(class) {
        Requirement::P { e_avg_lx, e_min_lx } => {
            ratio(value("e_avg_lx"), e_avg_lx).max(ratio(value("e_min_lx"), e_min_lx))
        }
        Requirement::C { e_avg_lx, .. } => ratio(value("e_avg_lx"), e_avg_lx),
        Requirement::M(m) => ratio(value("l_avg_cd_m2"), m.l_avg_cd_m2),
    }
}

/// The fewest of the counts `lo..=hi` that pass (`hi` passes; pass assumed monotonic in
/// the count): gallop from `guess` to a passing and a failing count, then bisect.
pub(super) fn fewest_passing(
    lo: usize,
    hi: usize,
    guess: usize,
    mut passes: impl FnMut(usize) -> bool,
) -> usize {
    let (mut a, mut b); // a fails (or is below lo), b passes
    if guess >= hi || passes(guess) {
        b = guess.min(hi);
        a = lo.saturating_sub(1);
        let mut step = 1;
        while b > lo {
            let m = b.saturating_sub(step).max(lo);
            if passes(m) {
                b = m;
                step *= 2;
            } else {
                a = m;
                break;
            }
        }
    } else {
        a = guess;
        b = hi;
        let mut step = 1;
        while a + step < hi {
            let m = a + step;
            if passes(m) {
                b = m;
                break;
            }
            a = m;
            step *= 2;
        }
    }
    while b - a > 1 {
        let m = (a + b) / 2;
        if passes(m) {
            b = m;
        } else {
            a = m;
        }
    }
    b
}
