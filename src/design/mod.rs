//! The arrangement optimiser (issue 27): for one stretch of a street and one or more
//! luminaire types, the arrangement, mounting height, tilt, overhang, driver level and
//! number of poles that meet the street's EN 13201 class at the least installed power
//! per km (docs/architecture.md "Design search").
//!
//! A candidate's poles are spread evenly from the stretch's start to its end, both ends
//! included (the row tool's "count" mode), along the real centreline, `setback_m` behind
//! the carriageway edge and aimed square at the street as the row tool aims them
//! ([`place`]). It is judged by the check itself: the plan with the stretch's own poles
//! replaced by the candidate's (every other pole as it is) goes through
//! [`crate::lighting::evaluate_street_alone`], and the stretch's grid rows (those whose
//! chainage lies in it) are judged with the check's criteria, as the check judges a
//! vendor section; for a whole street the street's own verdict. The site's layout rules
//! (`spacing.min`, `spacing.max`, `placement.off_route`) are checked on the candidate's
//! poles with the check's rule functions. So the verdict reported for a candidate is the
//! check's verdict on that layout.
//!
//! Pruning: for each geometry (luminaire, arrangement, height, tilt, overhang) the fewest
//! poles passing at the highest level is found by bisection on the pole count between
//! the site rules' bounds; the least passing level for a pole count follows from one
//! evaluation (light is linear in the level: the level times the ratio of the limit to
//! the value, for the linear criteria, snapped up to the list), confirmed by evaluating
//! it and the level below (f_TI and the uniformities are not linear when other poles
//! light the stretch too); a few more poles are tried while they could still use less
//! power. Geometries are searched in parallel (rayon); a geometry that cannot beat, or
//! after its first evaluation does not promise to come within 10 % of, the least W/km
//! found so far is not searched further (docs/architecture.md "Design search").

pub mod layout;
pub mod yardstick;

pub use layout::{Arrangement, place};

use crate::check::rules::{PoleStation, spacing_max_street};
use crate::frame::Polyline;
use crate::index::{SiteIndex, on_route, pole_stations};
use crate::lighting::luminance::LuminanceValues;
use crate::lighting::{
    Lighting, Requirement, StreetEvaluation, classes, evaluate_street_alone, requirement,
};
use crate::photometry::IntensityTable;
use crate::plan::{LightingClass, LuminaireType, Plan, Pole, Section};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// The default search set of the issue.
pub const DEFAULT_SETBACK_M: f64 = 1.0;

/// What to search over.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSet {
    pub arrangements: Vec<Arrangement>,
    pub heights_m: Vec<f64>,
    pub tilts_deg: Vec<f64>,
    pub overhangs_m: Vec<f64>,
    /// Driver levels, fractions in (0, 1].
    pub levels: Vec<f64>,
    /// The pole stands this far behind the carriageway edge, m.
    pub setback_m: f64,
}

impl Default for SearchSet {
    fn default() -> Self {
        SearchSet {
            arrangements: Arrangement::ALL.to_vec(),
            heights_m: (0..=16).map(|k| 4.0 + 0.5 * f64::from(k)).collect(),
            tilts_deg: vec![0.0, 5.0, 10.0, 15.0],
            overhangs_m: (0..=4).map(|k| 0.5 * f64::from(k)).collect(),
            levels: (0..=14)
                .map(|k| (30.0 + 5.0 * f64::from(k)) / 100.0)
                .collect(),
            setback_m: DEFAULT_SETBACK_M,
        }
    }
}

impl SearchSet {
    /// Every value checked (finite, in range), lists sorted and deduplicated, or what is
    /// wrong.
    pub fn checked(mut self) -> Result<Self, String> {
        fn tidy(v: &mut Vec<f64>, what: &str, ok: impl Fn(f64) -> bool) -> Result<(), String> {
            if v.is_empty() {
                return Err(format!("{what}: give at least one value"));
            }
            if let Some(bad) = v.iter().find(|&&x| !(x.is_finite() && ok(x))) {
                return Err(format!("{what}: {bad} is out of range"));
            }
            v.sort_by(f64::total_cmp);
            v.dedup();
            Ok(())
        }
        tidy(&mut self.heights_m, "heights", |h| h > 0.0 && h <= 60.0)?;
        tidy(&mut self.tilts_deg, "tilts", |t| (0.0..90.0).contains(&t))?;
        tidy(&mut self.overhangs_m, "overhangs", |o| {
            (0.0..=15.0).contains(&o)
        })?;
        tidy(&mut self.levels, "levels", |l| l > 0.0 && l <= 1.0)?;
        if !(self.setback_m.is_finite() && self.setback_m >= 0.0) {
            return Err(format!(
                "setback {}: must be 0 m or more behind the carriageway edge",
                self.setback_m
            ));
        }
        if self.arrangements.is_empty() {
            return Err("arrangements: give at least one".into());
        }
        self.arrangements.dedup();
        Ok(self)
    }
}

/// One stretch of one street: chainages from its first vertex, m.
#[derive(Debug, Clone, PartialEq)]
pub struct Stretch {
    pub street: String,
    pub from_m: f64,
    pub to_m: f64,
    /// Whose poles on the stretch the candidate replaces (`None`: every pole on it).
    pub vendor: Option<String>,
}

/// What the search is asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub stretch: Stretch,
    /// Luminaire type ids (empty: the types already on the stretch).
    pub luminaires: Vec<String>,
    pub set: SearchSet,
}

/// The geometry of a candidate, without its pole count and level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub arrangement: Arrangement,
    pub height_m: f64,
    pub tilt_deg: f64,
    pub overhang_m: f64,
    pub setback_m: f64,
}

/// One evaluated arrangement of the stretch.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub luminaire: String,
    pub geometry: Geometry,
    pub level: f64,
    /// Along the street between consecutive stations (a pair for `opposite`), m.
    pub spacing_m: f64,
    /// Stations along the stretch (poles: twice as many for `opposite`).
    pub stations: usize,
    pub poles: usize,
    pub installed_w: f64,
    pub w_per_km: f64,
    /// Power density indicator of the stretch, W/(lx·m²) (P and C classes).
    pub d_p_w_per_lx_m2: Option<f64>,
    /// The class's metrics under the check's key names, in the check's order.
    pub metrics: Vec<(&'static str, f64)>,
    /// Per criterion, (value − limit) / limit (f_TI: (limit − value) / limit).
    pub margins: Vec<(&'static str, f64)>,
    /// Site rules the layout breaks (the check's messages).
    pub rule_failures: Vec<String>,
    /// What the lighting misses (the check's verdict failures).
    pub failures: Vec<String>,
    pub pass: bool,
}

impl Candidate {
    /// The smallest margin (−∞ with none).
    pub fn min_margin(&self) -> f64 {
        self.margins
            .iter()
            .map(|m| m.1)
            .fold(f64::INFINITY, f64::min)
    }

    /// For ranking failing candidates, closest first: the shortfall (larger is closer),
    /// a rule broken counting as far.
    fn closeness(&self) -> f64 {
        let m = self.min_margin();
        let m = if m.is_finite() { m } else { -1e9 };
        if self.rule_failures.is_empty() {
            m
        } else {
            m - 1e6
        }
    }

    /// Objective order: least W/km, then fewer poles, then the larger smallest margin.
    pub fn cmp_objective(&self, o: &Candidate) -> std::cmp::Ordering {
        self.w_per_km
            .total_cmp(&o.w_per_km)
            .then(self.poles.cmp(&o.poles))
            .then(o.min_margin().total_cmp(&self.min_margin()))
    }

    /// What it misses, for people: rule breaks first.
    pub fn misses(&self) -> Vec<String> {
        self.rule_failures
            .iter()
            .chain(&self.failures)
            .cloned()
            .collect()
    }
}

/// The search's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub street: String,
    pub from_m: f64,
    pub to_m: f64,
    pub class: LightingClass,
    /// Best first: passing candidates by the objective; with none passing, the closest.
    pub candidates: Vec<Candidate>,
    /// Layouts evaluated (each a full evaluation of the street).
    pub evaluated: usize,
}

impl Outcome {
    pub fn best(&self) -> Option<&Candidate> {
        self.candidates.first().filter(|c| c.pass)
    }
}

/// Why a search cannot run (bad input: exit 2).
#[derive(Debug, Clone, PartialEq)]
pub struct DesignError(pub String);

impl std::fmt::Display for DesignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DesignError {}

fn err(s: impl Into<String>) -> DesignError {
    DesignError(s.into())
}

/// Progress and cancel for a search run off the UI thread.
#[derive(Debug, Default)]
pub struct Progress {
    /// Geometries finished.
    pub done: AtomicUsize,
    /// Geometries in all.
    pub total: AtomicUsize,
    pub cancel: AtomicBool,
}

/// Most stations one candidate may have.
pub const MAX_STATIONS: usize = 500;

/// The prefix of the luminaire ids the search lays out with (one per searched type).
const TRIAL_PREFIX: &str = "\u{1}design:";
/// The section id standing for the stretch in the evaluated plan.
const STRETCH_SECTION: &str = "\u{1}stretch";

/// The poles on the stretch: on-route poles of its street (of `vendor` when given) whose
/// station lies within it, in plan order.
pub fn stretch_poles(
    plan: &Plan,
    stations: &[Option<PoleStation>],
    si: usize,
    from_m: f64,
    to_m: f64,
    vendor: Option<&str>,
) -> Vec<usize> {
    let (lo, hi) = (from_m.min(to_m), from_m.max(to_m));
    stations
        .iter()
        .enumerate()
        .filter(|(pi, st)| {
            on_route(st.as_ref(), plan.rules.max_offset_m)
                && st.is_some_and(|s| {
                    s.street() == si && s.chainage_m >= lo - 1e-6 && s.chainage_m <= hi + 1e-6
                })
                && vendor.is_none_or(|v| plan.poles[*pi].vendor == v)
        })
        .map(|(pi, _)| pi)
        .collect()
}

/// Everything fixed for one search: the plan without the stretch's poles, the street.
struct Context<'a> {
    plan: &'a Plan,
    /// The plan with the stretch's own poles removed, other streets unclassed, the
    /// stretch as its only section, and a trial luminaire type per searched type.
    base: Plan,
    si: usize,
    line: Polyline,
    from_m: f64,
    to_m: f64,
    whole: bool,
    class: LightingClass,
    width_m: f64,
    photometry: HashMap<String, IntensityTable>,
    evaluated: AtomicUsize,
    /// The least W/km of a passing candidate found so far (f64 bits), for pruning.
    best_w_per_km: AtomicU64,
}

impl Context<'_> {
    fn best_w_per_km(&self) -> f64 {
        f64::from_bits(self.best_w_per_km.load(Ordering::Relaxed))
    }

    fn found_w_per_km(&self, w: f64) {
        self.best_w_per_km.fetch_min(w.to_bits(), Ordering::Relaxed);
    }
}

/// The power a type draws at driver `level`, W.
pub fn power_at_level(t: &LuminaireType, level: f64) -> f64 {
    t.standby_w + (t.power_w - t.standby_w) * level
}

/// Runs the search. `photometry` holds the intensity table of every luminaire type of the
/// plan (as [`crate::lighting::load_photometry`] gives them).
pub fn optimise<T: crate::lighting::Photometric + Sync>(
    plan: &Plan,
    photometry: &HashMap<String, T>,
    req: &Request,
    progress: Option<&Progress>,
) -> Result<Outcome, DesignError> {
    let set = req.set.clone().checked().map_err(err)?;
    let si = plan
        .streets
        .iter()
        .position(|s| s.id == req.stretch.street)
        .ok_or_else(|| err(format!("no street {:?} in the plan", req.stretch.street)))?;
    let street = &plan.streets[si];
    let class = street.class.ok_or_else(|| {
        err(format!(
            "street {} has no lighting class: give it one to design to",
            street.id
        ))
    })?;
    let line = Polyline::from_lonlat(&street.points);
    let len = line.length();
    if line.pts.len() < 2 || len.is_nan() || len <= 0.0 {
        return Err(err(format!("street {} has no length to light", street.id)));
    }
    let (from_m, to_m) = (req.stretch.from_m, req.stretch.to_m);
    if !(from_m.is_finite() && to_m.is_finite()) || from_m < -1e-6 || to_m > len + 0.5 {
        return Err(err(format!(
            "stretch {from_m}–{to_m} m: {} runs from 0 to {len:.1} m",
            street.id
        )));
    }
    let (from_m, to_m) = (from_m.max(0.0), to_m.min(len));
    if (to_m - from_m).is_nan() || to_m - from_m < 1.0 {
        return Err(err(format!(
            "stretch {from_m}–{to_m} m of {} is empty: give --from below --to",
            street.id
        )));
    }
    let index = SiteIndex::build(plan);
    let stations = pole_stations(&index);
    let own = stretch_poles(
        plan,
        &stations,
        si,
        from_m,
        to_m,
        req.stretch.vendor.as_deref(),
    );
    let mut luminaires = req.luminaires.clone();
    if luminaires.is_empty() {
        for &pi in &own {
            let l = &plan.poles[pi].luminaire;
            if !luminaires.iter().any(|x| x == l.as_str()) {
                luminaires.push(l.to_string());
            }
        }
        if luminaires.is_empty() {
            return Err(err(format!(
                "no luminaire on {} {from_m:.0}–{to_m:.0} m: name one with --luminaire",
                street.id
            )));
        }
    }
    let mut tables: HashMap<String, IntensityTable> = HashMap::new();
    for (id, t) in photometry {
        tables.insert(id.clone(), t.intensity_table().clone());
    }
    let mut base = plan.clone();
    let mut types = Vec::new();
    for id in &luminaires {
        let t = plan
            .luminaire(id)
            .ok_or_else(|| err(format!("no luminaire type {id:?} in the plan")))?;
        let table = tables.get(id).cloned().ok_or_else(|| {
            err(format!(
                "luminaire type {id}: its photometry cannot be read (lysplan check names why)"
            ))
        })?;
        let mut trial = t.clone();
        trial.id = format!("{TRIAL_PREFIX}{id}");
        trial.output_level = 1.0;
        tables.insert(trial.id.clone(), table);
        base.luminaires.push(trial);
        types.push(t.clone());
    }
    let keep = |pi: usize| !own.contains(&pi);
    base.poles = plan
        .poles
        .iter()
        .enumerate()
        .filter(|(pi, _)| keep(*pi))
        .map(|(_, p)| p.clone())
        .collect();
    for (k, s) in base.streets.iter_mut().enumerate() {
        if k != si {
            s.class = None;
        }
    }
    // Only the poles whose light can reach the street count: those within the largest
    // influence radius on its class (and spacing.min) of its box. Far poles stay out of
    // every evaluation (they add nothing to its grid and break no rule with its poles).
    {
        let lighting = Lighting::new(&base, &tables);
        let reach = lighting
            .max_radius_for(Some(class))
            .max(plan.rules.min_spacing_m)
            + street.width_m
            + 1.0;
        let (mut min, mut max) = (line.pts[0], line.pts[0]);
        for p in &line.pts {
            min = crate::frame::Xy::new(min.x.min(p.x), min.y.min(p.y));
            max = crate::frame::Xy::new(max.x.max(p.x), max.y.max(p.y));
        }
        if reach.is_finite() {
            base.poles.retain(|p| {
                let xy = crate::frame::to_utm32(p.lon, p.lat);
                !(xy.x.is_finite() && xy.y.is_finite())
                    || (xy.x >= min.x - reach
                        && xy.x <= max.x + reach
                        && xy.y >= min.y - reach
                        && xy.y <= max.y + reach)
            });
        }
        let used: std::collections::HashSet<&str> =
            base.poles.iter().map(|p| p.luminaire.as_str()).collect();
        let keep: Vec<bool> = base
            .luminaires
            .iter()
            .map(|l| used.contains(l.id.as_str()) || l.id.starts_with(TRIAL_PREFIX))
            .collect();
        let mut k = keep.iter();
        base.luminaires.retain(|_| *k.next().unwrap_or(&true));
    }
    base.sections = vec![Section {
        id: STRETCH_SECTION.into(),
        vendor: String::new(),
        street: street.id.clone(),
        from_m,
        to_m,
    }];
    let width_m = street.width_m;
    let ctx = Context {
        plan,
        base,
        si,
        line,
        from_m,
        to_m,
        whole: from_m <= 1e-6 && to_m >= len - 1e-6,
        class,
        width_m,
        photometry: tables,
        evaluated: AtomicUsize::new(0),
        best_w_per_km: AtomicU64::new(f64::INFINITY.to_bits()),
    };
    let mut geometries = Vec::new();
    for t in &types {
        for &arrangement in &set.arrangements {
            for &height_m in &set.heights_m {
                for &tilt_deg in &set.tilts_deg {
                    for &overhang_m in &set.overhangs_m {
                        geometries.push((
                            t,
                            Geometry {
                                arrangement,
                                height_m,
                                tilt_deg,
                                overhang_m,
                                setback_m: set.setback_m,
                            },
                        ));
                    }
                }
            }
        }
    }
    if let Some(p) = progress {
        p.total.store(geometries.len(), Ordering::Relaxed);
    }
    let found: Vec<Candidate> = geometries
        .par_iter()
        .flat_map_iter(|(t, g)| {
            let out = if progress.is_some_and(|p| p.cancel.load(Ordering::Relaxed)) {
                Vec::new()
            } else {
                search_geometry(&ctx, t, g, &set.levels)
            };
            if let Some(p) = progress {
                p.done.fetch_add(1, Ordering::Relaxed);
            }
            out
        })
        .collect();
    let mut passing: Vec<Candidate> = found.iter().filter(|c| c.pass).cloned().collect();
    let candidates = if passing.is_empty() {
        let mut all = found;
        all.sort_by(|a, b| b.closeness().total_cmp(&a.closeness()));
        all
    } else {
        passing.sort_by(|a, b| a.cmp_objective(b));
        passing
    };
    Ok(Outcome {
        street: street.id.clone(),
        from_m,
        to_m,
        class,
        candidates,
        evaluated: ctx.evaluated.load(Ordering::Relaxed),
    })
}

/// Pole offset from the centreline, m.
fn offset_m(ctx: &Context, g: &Geometry) -> f64 {
    ctx.width_m / 2.0 + g.setback_m
}

/// The station counts the site rules allow for this geometry: (fewest, most).
fn station_bounds(ctx: &Context, g: &Geometry) -> Option<(usize, usize)> {
    let r = &ctx.plan.rules;
    let len = ctx.to_m - ctx.from_m;
    let max_gap = r.max_spacing_m.min(r.max_spacing_to_height * g.height_m);
    if max_gap.is_nan() || max_gap <= 0.0 {
        return None;
    }
    // Consecutive poles along the street: stations for single and opposite rows, every
    // pole (alternating sides) for staggered.
    let lo = ((len / max_gap) - 1e-9).ceil().max(1.0) as usize + 1;
    // A spacing of exactly spacing.min is allowed, but the poles' distance computed from
    // their coordinates may fall a hair below it: keep a micrometre clear.
    let hi = if r.min_spacing_m > 0.0 {
        (len / (r.min_spacing_m + 1e-6)).floor() as usize + 1
    } else {
        lo + 200
    };
    let hi = hi.min(lo + 400).min(MAX_STATIONS);
    (lo <= hi).then_some((lo, hi))
}

/// Searches one geometry: the fewest stations passing at the top level, then the least
/// level of that count and of a few more stations while they may use less power.
fn search_geometry(
    ctx: &Context,
    t: &LuminaireType,
    g: &Geometry,
    levels: &[f64],
) -> Vec<Candidate> {
    let r = &ctx.plan.rules;
    if offset_m(ctx, g) > r.max_offset_m {
        return Vec::new();
    }
    if g.arrangement == Arrangement::Opposite && 2.0 * offset_m(ctx, g) < r.min_spacing_m {
        // A pair across the street stands closer than spacing.min: never allowed.
        return Vec::new();
    }
    let Some((lo, hi)) = station_bounds(ctx, g) else {
        return Vec::new();
    };
    let top = *levels.last().unwrap_or(&1.0);
    // No layout of this geometry can use less power than the best found so far: skip.
    let fewest_w = g.arrangement.poles(lo) as f64 * power_at_level(t, levels[0]);
    if fewest_w / ((ctx.to_m - ctx.from_m) / 1000.0) > ctx.best_w_per_km() {
        return Vec::new();
    }
    let out = std::cell::RefCell::new(Vec::new());
    let eval = |n: usize, level: f64| -> Candidate {
        let c = evaluate(ctx, t, g, n, level);
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
        if lo < hi {
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
    let (mut a, mut b); // a fails (or is below lo), b passes
    if guess == hi || eval(guess, top).pass {
        b = guess;
        a = lo.saturating_sub(1);
        let mut step = 1;
        while b > lo {
            let m = b.saturating_sub(step).max(lo);
            if eval(m, top).pass {
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
            if eval(m, top).pass {
                b = m;
                break;
            }
            a = m;
            step *= 2;
        }
    }
    while b - a > 1 {
        let m = (a + b) / 2;
        if eval(m, top).pass {
            b = m;
        } else {
            a = m;
        }
    }
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

/// The poles of a candidate laid out (ids from `id`, vendor and luminaire as given).
#[allow(clippy::too_many_arguments)]
pub fn lay_out(
    line: &Polyline,
    from_m: f64,
    to_m: f64,
    width_m: f64,
    g: &Geometry,
    stations: usize,
    vendor: &str,
    luminaire: &str,
    mut id: impl FnMut() -> String,
) -> Vec<Pole> {
    let offset = width_m / 2.0 + g.setback_m;
    let mut out = Vec::new();
    let n = stations.max(1);
    for k in 0..n {
        let c = if n == 1 {
            from_m
        } else {
            from_m + (to_m - from_m) * k as f64 / (n - 1) as f64
        };
        for side in g.arrangement.sides(k) {
            let Some((lon, lat, azimuth_deg)) = place(line, c, offset, *side) else {
                continue;
            };
            out.push(Pole {
                id: id().into(),
                lon,
                lat,
                height_m: g.height_m,
                overhang_m: g.overhang_m,
                tilt_deg: g.tilt_deg,
                azimuth_deg,
                vendor: vendor.into(),
                luminaire: luminaire.into(),
            });
        }
    }
    out
}

/// Evaluates one layout with the check (module docs).
fn evaluate(ctx: &Context, t: &LuminaireType, g: &Geometry, n: usize, level: f64) -> Candidate {
    ctx.evaluated.fetch_add(1, Ordering::Relaxed);
    let trial_id = format!("{TRIAL_PREFIX}{}", t.id);
    let mut plan = ctx.base.clone();
    if let Some(l) = plan.luminaires.iter_mut().find(|l| l.id == trial_id) {
        l.output_level = level;
    }
    let first_new = plan.poles.len();
    let mut k = 0usize;
    let poles = lay_out(
        &ctx.line,
        ctx.from_m,
        ctx.to_m,
        ctx.width_m,
        g,
        n,
        "",
        &trial_id,
        || {
            k += 1;
            format!("new-pole-{k}")
        },
    );
    let n_poles = poles.len();
    plan.poles.extend(poles);
    let index = SiteIndex::build(&plan);
    let stations = pole_stations(&index);
    let lighting = Lighting::new(&plan, &ctx.photometry);
    let eval = evaluate_street_alone(&plan, &lighting, &index, &stations, ctx.si);
    let len_km = (ctx.to_m - ctx.from_m) / 1000.0;
    let installed_w = n_poles as f64 * power_at_level(t, level);
    let mut c = Candidate {
        luminaire: t.id.clone(),
        geometry: *g,
        level,
        spacing_m: if n > 1 {
            (ctx.to_m - ctx.from_m) / (n - 1) as f64
        } else {
            0.0
        },
        stations: n,
        poles: n_poles,
        installed_w,
        w_per_km: installed_w / len_km,
        d_p_w_per_lx_m2: None,
        metrics: Vec::new(),
        margins: Vec::new(),
        rule_failures: rule_failures(ctx, &plan, &index, &stations, first_new),
        failures: Vec::new(),
        pass: false,
    };
    let Some(eval) = eval else {
        c.failures.push("the street cannot be evaluated".into());
        return c;
    };
    judge(ctx, &eval, &mut c);
    c.pass = c.failures.is_empty() && c.rule_failures.is_empty();
    c
}

/// The class's metrics, margins and failures of the stretch in `eval` (module docs).
fn judge(ctx: &Context, eval: &StreetEvaluation, c: &mut Candidate) {
    let class = ctx.class;
    let section = eval.sections.iter().find(|s| s.id == STRETCH_SECTION);
    let (e_avg, e_min, u_o_ill) = match (ctx.whole, section) {
        (false, Some(s)) => (s.e_avg_lx, s.e_min_lx, s.u_o),
        _ => (
            eval.result.e_avg_lx,
            eval.result.e_min_lx,
            eval.result.u_o.unwrap_or(f64::NAN),
        ),
    };
    let area = (ctx.to_m - ctx.from_m) * ctx.width_m;
    c.d_p_w_per_lx_m2 = (e_avg * area > 0.0).then(|| c.installed_w / (e_avg * area));
    let margin = |v: f64, limit: f64| (v - limit) / limit;
    match requirement(class) {
        Requirement::P { e_avg_lx, e_min_lx } => {
            c.metrics = vec![("e_avg_lx", e_avg), ("e_min_lx", e_min)];
            c.margins = vec![
                ("e_avg_lx", margin(e_avg, e_avg_lx)),
                ("e_min_lx", margin(e_min, e_min_lx)),
            ];
            c.failures = classes::verdict(class, e_avg, e_min, u_o_ill).failures;
        }
        Requirement::C { e_avg_lx, u_o } => {
            c.metrics = vec![("e_avg_lx", e_avg), ("u_o", u_o_ill)];
            c.margins = vec![
                ("e_avg_lx", margin(e_avg, e_avg_lx)),
                ("u_o", margin(u_o_ill, u_o)),
            ];
            c.failures = classes::verdict(class, e_avg, e_min, u_o_ill).failures;
        }
        Requirement::M(req) => {
            let all = eval.luminance.as_ref().and_then(|l| l.values.clone());
            let values: Option<LuminanceValues> = if ctx.whole {
                all
            } else {
                let part = eval
                    .luminance
                    .as_ref()
                    .and_then(|l| l.between(ctx.from_m, ctx.to_m));
                part.zip(all).map(|((a, u), all)| LuminanceValues {
                    l_avg_cd_m2: a,
                    u_o: u,
                    ..all
                })
            };
            let v = classes::luminance_verdict(class, values.as_ref());
            c.failures = v.failures;
            if let Some(v) = values {
                c.metrics = vec![
                    ("l_avg_cd_m2", v.l_avg_cd_m2),
                    ("u_o", v.u_o),
                    ("u_l", v.u_l),
                    ("ti_pct", v.ti_pct),
                    ("rei", v.rei),
                ];
                c.margins = vec![
                    ("l_avg_cd_m2", margin(v.l_avg_cd_m2, req.l_avg_cd_m2)),
                    ("u_o", margin(v.u_o, req.u_o)),
                    ("u_l", margin(v.u_l, req.u_l)),
                    ("ti_pct", (req.ti_max_pct - v.ti_pct) / req.ti_max_pct),
                    ("rei", margin(v.rei, req.rei)),
                ];
            }
        }
    }
    for m in &mut c.margins {
        if m.1.is_nan() {
            m.1 = -1.0;
        }
    }
}

/// The site rules broken by the candidate's poles (indices `first_new..` of `plan`):
/// `spacing.min` against every pole, `spacing.max` along the street, and
/// `placement.off_route`, with the check's messages.
fn rule_failures(
    ctx: &Context,
    plan: &Plan,
    index: &SiteIndex,
    stations: &[Option<PoleStation>],
    first_new: usize,
) -> Vec<String> {
    let r = &plan.rules;
    let mut out = Vec::new();
    for (i, st) in stations.iter().enumerate().skip(first_new) {
        let xy = index.pole_xy[i];
        for j in index.poles_within(xy, r.min_spacing_m) {
            if j == i || (j >= first_new && j < i) {
                continue;
            }
            let d = xy.dist(index.pole_xy[j]);
            if let Some(f) = crate::check::rules::spacing_min_pair(plan, i, j, d) {
                out.push(f.message);
            }
        }
        // placement.off_route (a pole nearer another street, at a junction, belongs to
        // that street for the check, which the evaluation already follows).
        if !on_route(st.as_ref(), r.max_offset_m)
            && let Some(f) = crate::check::rules::off_route(plan, i, st.as_ref())
        {
            out.push(f.message);
        }
    }
    let mut on_street: Vec<(f64, usize)> = stations
        .iter()
        .enumerate()
        .filter_map(|(pi, st)| {
            let s = st.as_ref()?;
            (on_route(Some(s), r.max_offset_m) && s.street() == ctx.si)
                .then_some((s.chainage_m, pi))
        })
        .collect();
    on_street.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for f in spacing_max_street(plan, index, ctx.si, &on_street) {
        let involves_new = plan.poles[first_new..]
            .iter()
            .any(|p| f.poles.iter().any(|id| id == p.id.as_str()));
        if involves_new {
            out.push(f.message);
        }
    }
    out
}
