//! The search over geometries, pole counts and levels (module docs of [`super`]):
//! bounds, order, pruning, and the confirmation of the reported candidates by the check.

use super::checked::fewest_passing;
use super::context::{Context, Spread};
use super::fast::{Screen, keeps_rules, screen};
use super::judge::evaluate;
use super::model::{self, Profiles};
use super::{Arrangement, Candidate, Geometry, MAX_STATIONS, Progress, power_at_level};
use crate::frame::Xy;
use crate::lighting::{Luminaire, Optic, Requirement, requirement};
use crate::plan::{LightingClass, LuminaireType};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Candidates confirmed by the check and reported (best first), unless asked otherwise
/// ([`super::Request::top`]).
pub const REPORTED: usize = 15;
/// Passing layouts confirmed by the check, at most this many times the candidates asked
/// for (when the check keeps disagreeing with the fast sums).
const CONFIRM_AT_MOST: usize = 4;

/// The W/km bound from one pole's light on a straight strip is an estimate on bends and
/// at the stretch's ends: it is relaxed by this factor.
const BOUND_SLACK: f64 = 1.05;

/// Counts beyond the fewest passing tried for a lower level, at most.
const MORE_COUNTS: usize = 12;
/// M classes: counts summed per geometry in the straight model's order, at most.
const MODEL_COUNTS: usize = 64;
/// When the most stations break a site rule a few counts down too, the counts below are
/// looked at in about this many even steps for one that keeps the rules and passes.
const RULE_STEPS: usize = 16;

/// One luminaire type, ready for the fast sums.
struct TypeOptics<'t> {
    t: &'t LuminaireType,
    /// Its table at level 1.
    full: Optic,
    /// At each level of the search set (for the check's influence radius there).
    at_level: Vec<Optic>,
}

/// One geometry to search, with what is known of it before any layout.
struct Job {
    ty: usize,
    g: Geometry,
    /// The check's influence radius of one of its luminaires at each level, m (on the
    /// street's class, and where no class decides: REI's strips).
    radii: Vec<f64>,
    rei_radii: Vec<f64>,
    /// The light one pole puts on the stretch, summed along a straight strip: E_avg of
    /// the stretch ≤ poles × level × this / length (lx·m); unused for M classes, whose
    /// bound is the straight model's (`model`).
    strip_lx_m: f64,
    /// Station counts the site rules allow.
    lo: usize,
    hi: usize,
    /// The stretch's length its stations spread over, m.
    len_m: f64,
    /// M classes: per count `lo..=hi`, the least level the straight model passes at
    /// (`None`: none), [`super::model`]; empty for P and C.
    model: Vec<Option<usize>>,
    /// The least W/km any count and level could reach (∞: none; 0: unknown).
    bound: f64,
}

/// A layout the search judged: geometry, count, level.
#[derive(Clone)]
struct Found {
    ty: usize,
    g: Geometry,
    n: usize,
    level: f64,
    pass: bool,
    w_per_km: f64,
    poles: usize,
    /// The fast values at its level ([`Screen::values`]).
    values: [f64; 5],
    rules_ok: bool,
}

/// The least linear criterion the fast sums need on the stretch: E_avg (E_min ≤ E_avg),
/// lx; M classes: L_avg, cd/m².
fn e_needed(class: LightingClass) -> Option<f64> {
    match requirement(class) {
        Requirement::P { e_avg_lx, e_min_lx } => Some(e_avg_lx.max(e_min_lx)),
        Requirement::C { e_avg_lx, .. } => Some(e_avg_lx),
        Requirement::M(m) => Some(m.l_avg_cd_m2),
    }
}

/// The least level of `levels` (ascending) at or above `want`, its index.
fn snap_up(levels: &[f64], want: f64) -> Option<usize> {
    let k = levels.partition_point(|&l| l < want - 1e-12);
    (k < levels.len()).then_some(k)
}

impl Context<'_> {
    /// The station counts the site rules allow for height `h` over `len_m`.
    fn station_bounds(&self, h: f64, len_m: f64) -> Option<(usize, usize)> {
        let r = &self.plan.rules;
        let max_gap = r.max_spacing_m.min(r.max_spacing_to_height * h);
        if max_gap.is_nan() || max_gap <= 0.0 || len_m.is_nan() || len_m <= 0.0 {
            return None;
        }
        let lo = ((len_m / max_gap) - 1e-9).ceil().max(1.0) as usize + 1;
        // A spacing of exactly spacing.min is allowed, but the poles' distance computed
        // from their coordinates may fall a hair below it: keep a micrometre clear.
        let hi = if r.min_spacing_m > 0.0 {
            (len_m / (r.min_spacing_m + 1e-6)).floor() as usize + 1
        } else {
            lo + 200
        };
        let hi = hi.min(lo + 400).min(MAX_STATIONS);
        (lo <= hi).then_some((lo, hi))
    }

    /// The least W/km reachable with `n` stations by the bound of `job` (∞ when no level
    /// reaches the class), and the least level index that bound needs.
    fn count_bound(&self, job: &Job, t: &LuminaireType, n: usize, e_fixed: f64) -> (f64, usize) {
        self.count_bound_for(e_needed(self.class), job, t, n, e_fixed)
    }

    /// [`Context::count_bound`] for a stretch that needs E_avg `need`, lx.
    fn count_bound_for(
        &self,
        need: Option<f64>,
        job: &Job,
        t: &LuminaireType,
        n: usize,
        e_fixed: f64,
    ) -> (f64, usize) {
        let levels = &self.set.levels;
        let poles = job.g.arrangement.poles(n) as f64;
        if !job.model.is_empty() {
            return match n.checked_sub(job.lo).and_then(|i| job.model.get(i)) {
                Some(Some(k)) => (poles * power_at_level(t, levels[*k]) / self.len_km(), *k),
                _ => (f64::INFINITY, levels.len()),
            };
        }
        let k = match need {
            Some(need) if job.strip_lx_m > 0.0 => {
                let len = self.to_m - self.from_m;
                let want = (need - e_fixed) * len / (poles * job.strip_lx_m * BOUND_SLACK);
                match snap_up(levels, want) {
                    Some(k) => k,
                    None => return (f64::INFINITY, levels.len()),
                }
            }
            Some(_) => return (f64::INFINITY, levels.len()),
            None => 0,
        };
        (poles * power_at_level(t, levels[k]) / self.len_km(), k)
    }
}

/// One luminaire `height_m` high at the origin, its arm grid north: whose influence
/// radius stands for every pole of that shape.
pub(super) fn probe_luminaire(
    height_m: f64,
    tilt_deg: f64,
    overhang_m: f64,
    rotation_deg: f64,
) -> Luminaire {
    Luminaire::from_grid(
        0,
        Xy::default(),
        height_m,
        0.0,
        overhang_m,
        tilt_deg,
        rotation_deg,
    )
}

/// A luminaire of geometry `g` on the right of a straight street running grid east
/// along y = 0, its arm pointing north.
fn strip_pole(ctx: &Context, g: &Geometry, rotation_deg: f64) -> Luminaire {
    Luminaire::from_grid(
        0,
        Xy::new(0.0, -ctx.offset_m()),
        g.height_m,
        0.0,
        g.overhang_m,
        g.tilt_deg,
        rotation_deg,
    )
}

/// The light one luminaire of geometry `g` puts on a straight strip as wide as the
/// street, summed over the grid's points across and along (1 m steps), lx·m per point
/// across: what it adds to the average of a long stretch times its length.
fn strip_light(ctx: &Context, optic: &Optic, rotation_deg: f64, g: &Geometry, reach: f64) -> f64 {
    let offsets = crate::lighting::grid::offsets_for(ctx.width_m);
    let l = strip_pole(ctx, g, rotation_deg);
    let steps = reach.min(2000.0).ceil() as i64;
    let mut sum = 0.0;
    for i in -steps..=steps {
        for &o in &offsets {
            let p = Xy::new(i as f64, o);
            if l.xy.dist2(p) <= reach * reach {
                sum += optic.e_h(&l, p);
            }
        }
    }
    sum / offsets.len() as f64
}

/// Runs the search: the reported candidates, best first (module docs of [`super`]).
pub(super) fn run(ctx: &Context, progress: Option<&Progress>) -> Vec<Candidate> {
    let mf = ctx.plan.maintenance_factor;
    let levels = &ctx.set.levels;
    let optics: Vec<TypeOptics> = ctx
        .types
        .iter()
        .map(|t| {
            let table = &ctx.photometry[&t.id];
            TypeOptics {
                t,
                full: Optic::new(table, 1.0, mf),
                at_level: levels.iter().map(|&l| Optic::new(table, l, mf)).collect(),
            }
        })
        .collect();
    let r = &ctx.plan.rules;
    // The stretch's length the stations spread over, per arrangement (the shorter of
    // the two end parities).
    let spread_len = |a: Arrangement| {
        [2, 3]
            .iter()
            .map(|&n| {
                let (f, l, _) = ctx.ends(a, n);
                l - f
            })
            .fold(f64::INFINITY, f64::min)
    };
    let lens: Vec<(Arrangement, f64)> = ctx
        .set
        .arrangements
        .iter()
        .map(|&a| (a, spread_len(a)))
        .collect();
    // The influence radii of one luminaire per type, height, tilt and overhang (the
    // arrangements share them), in parallel: each is a search over the table.
    use rayon::prelude::*;
    let mut shapes = Vec::new();
    for ty in 0..optics.len() {
        for &height_m in &ctx.set.heights_m {
            for &tilt_deg in &ctx.set.tilts_deg {
                for &overhang_m in &ctx.set.overhangs_m {
                    shapes.push((ty, height_m, tilt_deg, overhang_m));
                }
            }
        }
    }
    let radii: Vec<(Vec<f64>, Vec<f64>)> = if ctx.offset_m() > r.max_offset_m {
        Vec::new()
    } else {
        shapes
            .par_iter()
            .map(|&(ty, height_m, tilt_deg, overhang_m)| {
                let o = &optics[ty];
                let probe = probe_luminaire(height_m, tilt_deg, overhang_m, o.t.rotation_deg);
                let at = |class: Option<LightingClass>| -> Vec<f64> {
                    o.at_level
                        .iter()
                        .map(|op| op.radius_m(&probe, class))
                        .collect()
                };
                (at(Some(ctx.class)), at(None))
            })
            .collect()
    };
    let mut jobs = Vec::new();
    for (&(ty, height_m, tilt_deg, overhang_m), (radii, rei_radii)) in shapes.iter().zip(&radii) {
        for &(arrangement, len) in &lens {
            let Some((lo, hi)) = ctx.station_bounds(height_m, len) else {
                continue;
            };
            if arrangement == Arrangement::Opposite && 2.0 * ctx.offset_m() < r.min_spacing_m {
                continue;
            }
            jobs.push(Job {
                ty,
                g: Geometry {
                    arrangement,
                    height_m,
                    tilt_deg,
                    overhang_m,
                    setback_m: ctx.set.setback_m,
                },
                radii: radii.clone(),
                rei_radii: rei_radii.clone(),
                strip_lx_m: 0.0,
                lo,
                hi,
                len_m: len,
                model: Vec::new(),
                bound: 0.0,
            });
        }
    }
    if let Some(p) = progress {
        p.total.store(jobs.len(), Ordering::Relaxed);
    }
    let strip = |j: &mut Job| {
        let o = &optics[j.ty];
        // (M classes are bounded by the straight model, [`model_level`].)
        j.strip_lx_m = strip_light(
            ctx,
            &o.full,
            o.t.rotation_deg,
            &j.g,
            j.radii.last().copied().unwrap_or(0.0),
        );
    };
    // The light of the poles that stay, averaged on the stretch (on the grid of a layout
    // of the first arrangement; the same light on any other grid); M: their L_avg.
    let e_fixed = jobs.first().map_or(0.0, |j| {
        let cell = ctx.spread(j.g.arrangement, j.lo);
        let s = cell.get().expect("spread initialised");
        let fixed = match ctx.luminance(s) {
            Some(l) => l.grid.average(&l.fixed, ctx.from_m, ctx.to_m),
            None => fixed_average(s),
        };
        fixed * BOUND_SLACK + 1e-3
    });
    // M classes: the straight model's profiles, one per type and geometry but for its
    // arrangement, which the model lays ([`super::model`]).
    let key = |j: &Job| {
        (
            j.ty,
            j.g.height_m.to_bits(),
            j.g.tilt_deg.to_bits(),
            j.g.overhang_m.to_bits(),
        )
    };
    let profiles: Vec<(_, Profiles)> = match &ctx.rtable {
        Some(t) if ctx.class.is_luminance() => {
            let mut keys: Vec<_> = jobs.iter().map(|j| (key(j), j.ty, j.g)).collect();
            keys.sort_by_key(|k| k.0);
            keys.dedup_by_key(|k| k.0);
            keys.into_par_iter()
                .map(|(k, ty, g)| {
                    let o = &optics[ty];
                    let p = Profiles::new(
                        &o.full,
                        o.t.rotation_deg,
                        &g,
                        ctx.offset_m(),
                        ctx.width_m,
                        ctx.lanes,
                        t,
                    );
                    (k, p)
                })
                .collect()
        }
        _ => Vec::new(),
    };
    jobs.par_iter_mut().for_each(|j| {
        match profiles.binary_search_by_key(&key(j), |p| p.0) {
            Ok(i) => {
                let p = &profiles[i].1;
                j.model = (j.lo..=j.hi)
                    .map(|n| model_level(ctx, p, j, n, e_fixed))
                    .collect();
            }
            Err(_) => strip(j),
        }
        let o = &optics[j.ty];
        j.bound = (j.lo..=j.hi)
            .map(|n| ctx.count_bound(j, o.t, n, e_fixed).0)
            .fold(f64::INFINITY, f64::min);
    });
    jobs.sort_by(|a, b| a.bound.total_cmp(&b.bound));
    let found = run_jobs(ctx, &jobs, progress, |job| {
        search_fast(ctx, &optics[job.ty], job, e_fixed)
    });
    confirm(ctx, found)
}

/// The least level index at which the straight model passes `n` stations of `job`
/// (M classes, [`super::model`]), the poles that stay adding `e_fixed` to L_avg.
fn model_level(ctx: &Context, p: &Profiles, job: &Job, n: usize, e_fixed: f64) -> Option<usize> {
    let Requirement::M(m) = requirement(ctx.class) else {
        return None;
    };
    let s = job.len_m / n.checked_sub(1).filter(|&g| g > 0)? as f64;
    let e = p.estimate(job.g.arrangement, s)?;
    let keep = 1.0 - model::SLACK;
    let l = e.l_avg_cd_m2;
    if e.u_o < m.u_o * keep || e.u_l < m.u_l * keep || l.is_nan() || l <= 0.0 {
        return None;
    }
    snap_up(&ctx.set.levels, (m.l_avg_cd_m2 * keep - e_fixed) / l)
}

/// The weighted average of the light of the poles that stay on `s`'s stretch, lx.
fn fixed_average(s: &Spread) -> f64 {
    let (mut sum, mut w) = (0.0, 0.0);
    for (d, range) in &s.rows {
        for pi in range.clone() {
            sum += s.fixed_lx[pi] * d;
            w += d;
        }
    }
    if w > 0.0 { sum / w } else { 0.0 }
}

/// Searches the jobs best bound first, on every worker: each takes the next job in the
/// order, so the best layouts are found early and the bound prunes the rest.
fn run_jobs(
    ctx: &Context,
    jobs: &[Job],
    progress: Option<&Progress>,
    search: impl Fn(&Job) -> Vec<Found> + Sync,
) -> Vec<Found> {
    let next = AtomicUsize::new(0);
    let cancelled = || progress.is_some_and(|p| p.cancel.load(Ordering::Relaxed));
    let workers = rayon::current_num_threads().max(1);
    let parts: Vec<Vec<Found>> = {
        use rayon::prelude::*;
        (0..workers)
            .into_par_iter()
            .map(|_| {
                let mut out = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else {
                        break;
                    };
                    if !cancelled() && job.bound <= ctx.best_w_per_km() {
                        out.extend(search(job));
                    }
                    if let Some(p) = progress {
                        p.done.fetch_add(1, Ordering::Relaxed);
                    }
                }
                out
            })
            .collect()
    };
    parts.into_iter().flatten().collect()
}

/// A layout's record from its fast sums at level index `k`.
fn found_fast(
    ctx: &Context,
    job: &Job,
    t: &LuminaireType,
    n: usize,
    s: &Screen,
    k: usize,
) -> Found {
    let level = ctx.set.levels[k];
    let poles = job.g.arrangement.poles(n);
    Found {
        ty: job.ty,
        g: job.g,
        n,
        level,
        pass: s.passes(ctx, k),
        w_per_km: poles as f64 * power_at_level(t, level) / ctx.len_km(),
        poles,
        values: s.values[k],
        rules_ok: s.rules_ok,
    }
}

/// One geometry by the fast sums (module docs of [`super`]).
fn search_fast(ctx: &Context, o: &TypeOptics, job: &Job, e_fixed: f64) -> Vec<Found> {
    let t = o.t;
    let levels = &ctx.set.levels;
    let top = levels.len() - 1;
    let mut screens: Vec<(usize, Screen)> = Vec::new();
    let probe = |screens: &mut Vec<(usize, Screen)>, n: usize| -> usize {
        if let Some(i) = screens.iter().position(|s| s.0 == n) {
            return i;
        }
        let cell = ctx.spread(job.g.arrangement, n);
        let spread = cell.get().expect("spread initialised");
        let s = screen(
            ctx,
            t,
            &o.full,
            (&job.radii, &job.rei_radii),
            &job.g,
            spread,
        );
        screens.push((n, s));
        screens.len() - 1
    };
    let (lo, hi) = (job.lo, job.hi);
    let keeps = |n: usize| {
        let cell = ctx.spread(job.g.arrangement, n);
        keeps_rules(ctx, cell.get().expect("spread initialised"), job.g.height_m)
    };
    // The most stations may break a site rule (spacing.min on the inside of a bend, a
    // pole that stays too close, a side street's pole inside the stretch): the densest
    // count that keeps them, a few counts down one by one, then in even steps. The rules
    // alone, no light: the densest layouts are the dearest to sum.
    let mut top_n = hi;
    let mut ok = keeps(top_n);
    for _ in 0..3 {
        if ok || top_n <= lo {
            break;
        }
        top_n -= 1;
        ok = keeps(top_n);
    }
    let step = ((hi - lo) / RULE_STEPS).max(1);
    while !ok && top_n > lo {
        top_n = top_n.saturating_sub(step).max(lo);
        ok = keeps(top_n);
    }
    // M classes: the counts in the order of the W/km the straight model promises, each
    // summed for its least passing level, until the promise cannot beat the best of this
    // geometry or of the search ([`super::model`]).
    let promised: Vec<(f64, usize)> = if ok && !job.model.is_empty() {
        let mut v: Vec<(f64, usize)> = (lo..=top_n)
            .map(|n| (ctx.count_bound(job, t, n, e_fixed).0, n))
            .filter(|p| p.0.is_finite())
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        v
    } else {
        Vec::new()
    };
    if !promised.is_empty() {
        let mut best_w = f64::INFINITY;
        for &(bound, n) in promised.iter().take(MODEL_COUNTS) {
            if bound >= best_w || bound > ctx.best_w_per_km() {
                break;
            }
            let i = probe(&mut screens, n);
            if let Some(k) = screens[i].1.least(ctx) {
                let poles = job.g.arrangement.poles(n) as f64;
                let w = poles * power_at_level(t, levels[k]) / ctx.len_km();
                best_w = best_w.min(w);
                ctx.found_w_per_km(w);
            }
        }
        // The model promised counts the street does not pass, and nothing has passed
        // anywhere yet: search as for P and C rather than give up on the geometry.
        if screens.iter().any(|(_, s)| s.least(ctx).is_some()) || ctx.best_w_per_km().is_finite() {
            return records(ctx, job, t, screens);
        }
    }
    let passes_top = |screens: &Vec<(usize, Screen)>, i: usize| screens[i].1.passes(ctx, top);
    // The fewest passing at the top level: gallop from the count the bound says the top
    // level needs, then bisect (pass assumed monotonic in the count).
    let guess = (lo..=top_n)
        .find(|&n| ctx.count_bound(job, t, n, e_fixed).1 <= top)
        .unwrap_or(top_n);
    let fewest = if ok {
        fewest_passing(lo, top_n, guess, |n| {
            let i = probe(&mut screens, n);
            passes_top(&screens, i)
        })
    } else {
        None
    };
    let Some(b) = fewest else {
        // None passes: what was tried (at least the densest and the sparsest), for the
        // closest when no geometry passes.
        probe(&mut screens, hi);
        probe(&mut screens, lo);
        return screens
            .iter()
            .map(|(n, s)| found_fast(ctx, job, t, *n, s, top))
            .collect();
    };
    let hi = top_n;
    // From the fewest, more stations while their bound promises less power than the
    // best of this geometry and of the search.
    let mut best_w = f64::INFINITY;
    let mut tried = 0;
    for n in b..=hi {
        if tried > MORE_COUNTS {
            break;
        }
        let (bound, _) = ctx.count_bound(job, t, n, e_fixed);
        if n > b && (bound >= best_w || bound > ctx.best_w_per_km()) {
            continue;
        }
        tried += 1;
        let i = probe(&mut screens, n);
        if let Some(k) = screens[i].1.least(ctx) {
            let w = job.g.arrangement.poles(n) as f64 * power_at_level(t, levels[k]) / ctx.len_km();
            best_w = best_w.min(w);
            ctx.found_w_per_km(w);
            if k == 0 {
                break;
            }
        }
    }
    records(ctx, job, t, screens)
}

/// What a geometry's search keeps of the layouts it summed: per count its least passing
/// level, a count kept only where it lowers the level; the failing counts at the top
/// level (for the closest when none passes).
fn records(
    ctx: &Context,
    job: &Job,
    t: &LuminaireType,
    mut screens: Vec<(usize, Screen)>,
) -> Vec<Found> {
    let top = ctx.set.levels.len() - 1;
    screens.sort_by_key(|s| s.0);
    let mut out = Vec::new();
    let mut least_so_far = usize::MAX;
    for (n, s) in &screens {
        match s.least(ctx) {
            Some(k) if k < least_so_far => {
                least_so_far = k;
                out.push(found_fast(ctx, job, t, *n, s, k));
            }
            Some(_) => {}
            None => out.push(found_fast(ctx, job, t, *n, s, top)),
        }
    }
    out
}

/// The class's metrics and margins of fast values `v` (P and C classes).
fn fast_margin(ctx: &Context, f: &Found) -> f64 {
    let [e_avg, e_min, u_o, ..] = f.values;
    let m = |v: f64, l: f64| if v.is_nan() { -1.0 } else { (v - l) / l };
    let light = match requirement(ctx.class) {
        Requirement::P { e_avg_lx, e_min_lx } => m(e_avg, e_avg_lx).min(m(e_min, e_min_lx)),
        Requirement::C {
            e_avg_lx,
            u_o: want,
        } => m(e_avg, e_avg_lx).min(m(u_o, want)),
        Requirement::M(r) => {
            // L_avg, U_o, U_l, f_TI, REI.
            let [l_avg, u_o, u_l, ti, rei] = f.values;
            // A layout failed on its lane centres has only U_l, on its probed fields only
            // U_l and f_TI (the others NaN); one that breaks a rule has none (−1).
            let ti = (!ti.is_nan()).then(|| (r.ti_max_pct - ti) / r.ti_max_pct);
            [
                (l_avg, r.l_avg_cd_m2),
                (u_o, r.u_o),
                (u_l, r.u_l),
                (rei, r.rei),
            ]
            .iter()
            .filter(|(v, _)| !v.is_nan())
            .map(|&(v, l)| (v - l) / l)
            .chain(ti)
            .reduce(f64::min)
            .unwrap_or(-1.0)
        }
    };
    if f.rules_ok { light } else { light - 1e6 }
}

/// The fast search's findings confirmed by the check: the best passing ones (or, with
/// none passing, the closest), each evaluated by the check; a layout the check fails at
/// its level is tried a few levels up. Passing ones are confirmed best first, a batch at
/// a time, until `ctx.top` pass and no one left can beat them: the check's W/km of a
/// layout is never below its fast W/km (the same at the same level, more a level up).
fn confirm(ctx: &Context, mut found: Vec<Found>) -> Vec<Candidate> {
    let top = ctx.top.max(1);
    let passing: Vec<Found> = {
        let mut p: Vec<Found> = found.iter().filter(|f| f.pass).cloned().collect();
        p.sort_by(|a, b| {
            a.w_per_km
                .total_cmp(&b.w_per_km)
                .then(a.poles.cmp(&b.poles))
                .then(fast_margin(ctx, b).total_cmp(&fast_margin(ctx, a)))
        });
        p
    };
    if passing.is_empty() {
        found.sort_by(|a, b| fast_margin(ctx, b).total_cmp(&fast_margin(ctx, a)));
        found.truncate(top);
        return rank(check_each(ctx, &found));
    }
    let batch = top.max(rayon::current_num_threads());
    let mut checked: Vec<Candidate> = Vec::new();
    let mut at = 0;
    while at < passing.len() && at < CONFIRM_AT_MOST * top.max(REPORTED) {
        let end = (at + batch).min(passing.len());
        checked.extend(check_each(ctx, &passing[at..end]));
        at = end;
        let mut w: Vec<f64> = checked
            .iter()
            .filter(|c| c.pass)
            .map(|c| c.w_per_km)
            .collect();
        w.sort_by(f64::total_cmp);
        if let (Some(&kth), Some(next)) = (w.get(top - 1), passing.get(at))
            && next.w_per_km > kth
        {
            break;
        }
    }
    let mut ranked = rank(checked);
    if ranked.first().is_some_and(|c| c.pass) {
        ranked.truncate(top);
    }
    ranked
}

/// Each of `pick` evaluated by the check (in parallel); one the fast sums passed that
/// the check fails at its level is tried up to three levels up.
fn check_each(ctx: &Context, pick: &[Found]) -> Vec<Candidate> {
    use rayon::prelude::*;
    let levels = &ctx.set.levels;
    pick.par_iter()
        .map(|f| {
            let t = &ctx.types[f.ty];
            let cell = ctx.spread(f.g.arrangement, f.n);
            let spread = cell.get().expect("spread initialised");
            let mut c = evaluate(ctx, t, &f.g, spread, f.n, f.level);
            if f.pass && !c.pass {
                let k = levels.partition_point(|&l| l <= f.level);
                for &l in levels.iter().skip(k).take(3) {
                    let up = evaluate(ctx, t, &f.g, spread, f.n, l);
                    if up.pass {
                        c = up;
                        break;
                    }
                }
            }
            c
        })
        .collect()
}

/// Passing candidates by the objective; with none passing, every one by its closeness.
fn rank(mut all: Vec<Candidate>) -> Vec<Candidate> {
    let mut passing: Vec<Candidate> = all.iter().filter(|c| c.pass).cloned().collect();
    if passing.is_empty() {
        all.sort_by(|a, b| b.closeness().total_cmp(&a.closeness()));
        all
    } else {
        passing.sort_by(|a, b| a.cmp_objective(b));
        passing.dedup_by(|a, b| a == b);
        passing
    }
}
