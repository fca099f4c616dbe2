//! The arrangement optimiser (issue 27): for one stretch of a street and one or more
//! luminaire types, the arrangement, mounting height, tilt, overhang, driver level and
//! number of poles that meet the street's EN 13201 class at the least installed power
//! per km (docs/architecture.md "Design search").
//!
//! A candidate's poles are spread evenly along the stretch, both ends included (the row
//! tool's "count" mode), along the real centreline, `setback_m` behind the carriageway
//! edge and aimed square at the street as the row tool aims them ([`place`]). An end
//! station that would stand closer than `spacing.min` to a pole that stays (a
//! neighbouring section's, a side street's at a junction) moves inward to the nearest
//! position that keeps the rule, and the candidate says so in its `note`
//! ([`context`]).
//!
//! Every reported candidate is judged by the check itself ([`judge`]): the plan with the
//! stretch's own poles replaced by the candidate's (every other pole as it is) goes
//! through [`crate::lighting::evaluate_street_alone`], the stretch's grid rows (those
//! whose chainage lies in it) are judged with the check's criteria as the check judges a
//! vendor section (a whole street: the street's own verdict), and the site's layout rules
//! (`spacing.min`, `spacing.max`, `placement.off_route`) with the check's rule
//! functions. So the verdict reported for a candidate is the check's verdict on that
//! layout.
//!
//! The search ([`search`]) finds them with cheaper means. P and C classes: the fast sums
//! ([`fast`]) compute the stretch's grid as the check does, the light of the poles that
//! stay once per layout grid and the candidate's light once per layout, every driver
//! level from that one pass (light is linear in the level; each pole's light counted
//! from the least level whose influence radius reaches the point). Each geometry
//! (luminaire, arrangement, height, tilt, overhang) gets a lower bound on its W/km from
//! the light one pole puts on a straight strip of the street (E_avg grows with the poles
//! and the level); geometries are searched best bound first, and one whose bound cannot
//! beat the best found so far is skipped, as is a pole count whose bound cannot. Per
//! geometry the fewest stations passing at the top level is found by galloping and
//! bisection from the count the bound suggests, then larger counts while their bound
//! promises less power. The best candidates are then confirmed by the check. M classes
//! have the same fast sums on the street's luminance fields (luminance per point and
//! observer, veiling luminance per eye, REI's strips: the poles that stay once per
//! layout grid, the candidate's once per layout, every level's L_avg, U_o, U_l, f_TI
//! and REI from the two), U_l on the lane centres first, and a straight model
//! ([`model`]: one pole's luminance profile repeated at a layout's spacing) that
//! bounds each geometry and picks the counts to sum in the order of the W/km it
//! promises (docs/architecture.md "Design search").

mod checked;
mod context;
mod fast;
#[cfg(test)]
mod fast_m_tests;
mod judge;
pub mod layout;
mod model;
mod search;
pub mod yardstick;

pub use layout::{Arrangement, place};

use crate::check::rules::PoleStation;
use crate::frame::Polyline;
use crate::index::on_route;
use crate::plan::{LightingClass, LuminaireType, Plan, Pole};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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
    /// Candidates to confirm by the check and report ([`DEFAULT_TOP`]; the yardstick
    /// asks for 1).
    pub top: usize,
}

/// The candidates a search reports unless asked for more or fewer.
pub const DEFAULT_TOP: usize = search::REPORTED;

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
    /// Chainages of the first and the last station, m: the stretch's ends, or inside
    /// them where an end moved clear of a pole that stays ([`Candidate::note`]).
    pub first_m: f64,
    pub last_m: f64,
    /// How the layout departs from the even spread over the whole stretch, for people.
    pub note: Option<String>,
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
    /// Layouts evaluated: by the search's fast sums (each gives every level) and by the
    /// check.
    pub evaluated: usize,
    /// Of those, layouts evaluated by the check (a full evaluation of the street).
    pub confirmed: usize,
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

/// The luminaire types of `poles` (indices into `plan.poles`), each once, in plan order:
/// what a stretch is searched with when no type is named.
pub fn types_of(plan: &Plan, poles: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for &pi in poles {
        let l = &plan.poles[pi].luminaire;
        if !out.iter().any(|x| x == l.as_str()) {
            out.push(l.to_string());
        }
    }
    out
}

/// [`types_of`] the poles on `stretch` (of its vendor when given).
pub fn stretch_types(plan: &Plan, stretch: &Stretch) -> Vec<String> {
    let Some(si) = plan.streets.iter().position(|s| s.id == stretch.street) else {
        return Vec::new();
    };
    let index = crate::index::SiteIndex::build(plan);
    let stations = crate::index::pole_stations(&index);
    let own = stretch_poles(
        plan,
        &stations,
        si,
        stretch.from_m,
        stretch.to_m,
        stretch.vendor.as_deref(),
    );
    types_of(plan, &own)
}

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
    let ctx = context::context(plan, photometry, req)?;
    let candidates = search::run(&ctx, progress);
    let screened = ctx.screened.load(Ordering::Relaxed);
    let confirmed = ctx.confirmed.load(Ordering::Relaxed);
    Ok(Outcome {
        street: plan.streets[ctx.si].id.clone(),
        from_m: ctx.from_m,
        to_m: ctx.to_m,
        class: ctx.class,
        candidates,
        evaluated: screened + confirmed,
        confirmed,
    })
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
