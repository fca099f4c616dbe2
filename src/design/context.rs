//! What one search holds fixed: the plan without the stretch's own poles, the street, the
//! light of every pole that stays (on the grid of each layout, computed once per
//! layout and shared by every geometry that uses it), and where a layout's stations
//! stand, the stretch's ends moved inward where a pole that stays would be too close
//! (docs/architecture.md "Design search").

use super::layout::{Arrangement, place};
use super::{DesignError, Request, STRETCH_SECTION, SearchSet, TRIAL_PREFIX, err, stretch_poles};
use crate::frame::{Polyline, Side, Xy, to_utm32, true_to_grid_bearing};
use crate::index::{PoleStation, SiteIndex, on_route, pole_stations, station_of};
use crate::lighting::luminance_parts::{LuminanceGrid, LuminanceSums};
use crate::lighting::surface::RTable;
use crate::lighting::{Lighting, Photometric, grid};
use crate::photometry::IntensityTable;
use crate::plan::{LightingClass, LuminaireType, Plan, Section};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// A layout, computed by the first worker that asks for it.
pub(super) type SpreadCell = Arc<OnceLock<Spread>>;

/// Everything fixed for one search.
pub(super) struct Context<'a> {
    pub plan: &'a Plan,
    pub set: SearchSet,
    /// Candidates to confirm and report ([`Request::top`]).
    pub top: usize,
    /// The plan with the stretch's own poles removed, other streets unclassed, the
    /// stretch as its only section, a trial luminaire type per searched type, and the
    /// poles too far to light the street left out.
    pub base: Plan,
    pub base_index: SiteIndex,
    /// The light of `base`'s poles (the poles that stay).
    pub base_lighting: Lighting,
    pub si: usize,
    pub line: Polyline,
    pub from_m: f64,
    pub to_m: f64,
    pub whole: bool,
    pub class: LightingClass,
    pub width_m: f64,
    /// The searched types (as in the plan, level 1).
    pub types: Vec<LuminaireType>,
    pub photometry: HashMap<String, IntensityTable>,
    /// Chainages of `base`'s on-route poles of the street, with their heights.
    pub kept_on_street: Vec<(f64, f64)>,
    /// M classes: the street's road surface (`None`: a P or C class, or a surface the
    /// check cannot read, where every layout fails), its lanes, and the luminaires of
    /// `base_lighting` whose glare f_TI judges (the kept poles on the street).
    pub rtable: Option<RTable>,
    pub lanes: u32,
    pub kept_own: Vec<usize>,
    /// Whose poles the candidate replaces (it takes their vendor, and so its control
    /// profile, for the night periods).
    pub vendor: Option<String>,
    /// Whether the check judges periods of the night on the street (a class schedule, a
    /// vendor's control profile), and the energy model's lit minutes by local clock
    /// minute for them (`None`: the model cannot run; every period counts).
    pub periods: bool,
    pub lit: Option<Vec<u32>>,
    /// Layouts judged by the fast sums / by the check.
    pub screened: AtomicUsize,
    pub confirmed: AtomicUsize,
    /// The least W/km of a passing layout found so far (f64 bits), for pruning.
    best_w_per_km: AtomicU64,
    spreads: Mutex<HashMap<(Arrangement, usize), SpreadCell>>,
}

/// What keeps an end station from the stretch's end.
#[derive(Debug, Clone, Copy)]
enum Blocker {
    /// A pole that stays within `spacing.min` (index into `base.poles`).
    Pole(usize),
    /// The pole would belong to this other street (index into `plan.streets`).
    Street(usize),
}

/// Where the poles of `n` stations of one arrangement stand, and the grid the check lays
/// on the stretch with them, with the light of the poles that stay on it.
pub(super) struct Spread {
    /// Chainages of the first and the last station (the stretch's ends, or inside them
    /// where a pole that stays stands too close).
    pub first_m: f64,
    pub last_m: f64,
    /// Why an end moved inward, for people.
    pub note: Option<String>,
    /// Each pole: foot, (lon, lat, true azimuth), its station.
    pub poles: Vec<SpreadPole>,
    /// Whether the poles keep `spacing.min` (with every pole) and `placement.off_route`.
    pub rules_ok: bool,
    /// The stretch's grid: per row, its D and the range of its points in `points` (P and
    /// C classes; empty for M).
    pub rows: Vec<(f64, std::ops::Range<usize>)>,
    pub points: Vec<Xy>,
    /// The light of the poles that stay at each point, lx.
    pub fixed_lx: Vec<f64>,
    /// The street's on-route poles by chainage: (chainage, height or NaN for the
    /// candidate's, index among the candidate's poles or `usize::MAX`).
    pub on_street: Vec<(f64, f64, usize)>,
    /// The street's luminaires' chainages, where its luminance fields are cut.
    cuts: Vec<f64>,
    /// M classes: the street's luminance fields with these poles, and the sums of the
    /// poles that stay on them; laid when first asked for ([`Context::luminance`]): a
    /// layout that breaks a site rule is never summed.
    lum: OnceLock<Option<SpreadLuminance>>,
}

/// A layout's luminance fields (M classes, [`crate::lighting::luminance_parts`]).
pub(super) struct SpreadLuminance {
    pub grid: LuminanceGrid,
    /// The poles that stay, at their own levels.
    pub fixed: LuminanceSums,
    /// The candidate's poles on the street (their glare counts for f_TI).
    pub own: Vec<usize>,
}

pub(super) struct SpreadPole {
    pub lon: f64,
    pub lat: f64,
    /// True bearing the arm points to.
    pub azimuth_deg: f64,
    /// The foot in the site frame and the arm's grid bearing, as the lighting places it.
    pub foot: Xy,
    pub azimuth_grid_deg: f64,
}

impl Context<'_> {
    pub fn best_w_per_km(&self) -> f64 {
        f64::from_bits(self.best_w_per_km.load(Ordering::Relaxed))
    }

    pub fn found_w_per_km(&self, w: f64) {
        self.best_w_per_km.fetch_min(w.to_bits(), Ordering::Relaxed);
    }

    pub fn len_km(&self) -> f64 {
        (self.to_m - self.from_m) / 1000.0
    }

    /// Pole offset from the centreline, m.
    pub fn offset_m(&self) -> f64 {
        self.width_m / 2.0 + self.set.setback_m
    }

    /// The layout of `n` stations of arrangement `a` (computed once, shared).
    pub fn spread(&self, a: Arrangement, n: usize) -> SpreadCell {
        let cell = {
            let mut m = self.spreads.lock().unwrap_or_else(|e| e.into_inner());
            m.entry((a, n)).or_default().clone()
        };
        cell.get_or_init(|| self.make_spread(a, n));
        cell
    }

    /// The chainage an end station moves to: from `end` towards `inward` (±1), the
    /// nearest position where its poles (`sides`) stand at least `spacing.min` from every
    /// pole that stays and belong to this street (a pole at a junction's mouth is nearer
    /// the side street, and the check counts it there); `(end, None)` when none is within
    /// reach.
    fn inset(&self, end: f64, inward: f64, sides: &[Side]) -> (f64, Option<Blocker>) {
        let min = self.plan.rules.min_spacing_m;
        let min = if min.is_nan() || min <= 0.0 { 0.0 } else { min };
        let clear_of = |c: f64| -> Option<Blocker> {
            for &side in sides {
                let (lon, lat, _) = place(&self.line, c, self.offset_m(), side)?;
                let xy = to_utm32(lon, lat);
                if min > 0.0
                    && let Some(j) = self
                        .base_index
                        .poles_within(xy, min + 1e-6)
                        .find(|&j| self.base_index.pole_xy[j].dist(xy) < min + 1e-6)
                {
                    return Some(Blocker::Pole(j));
                }
                if let Some(st) = station_of(&self.base_index, xy)
                    && st.street() != self.si
                {
                    return Some(Blocker::Street(st.street()));
                }
            }
            None
        };
        let Some(blocker) = clear_of(end) else {
            return (end, None);
        };
        let reach = (2.0 * min.max(10.0)).min((self.to_m - self.from_m) / 4.0);
        let step = 0.1;
        let mut t = step;
        while t <= reach + 1e-9 {
            if clear_of(end + inward * t).is_none() {
                // Refine between the last blocked and the first clear position.
                let (mut lo, mut hi) = (t - step, t);
                for _ in 0..20 {
                    let mid = 0.5 * (lo + hi);
                    if clear_of(end + inward * mid).is_none() {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                return (end + inward * hi, Some(blocker));
            }
            t += step;
        }
        (end, None)
    }

    /// `s`'s luminance fields and the sums of the poles that stay on them (M classes;
    /// `None` for P and C, or a surface the check cannot read), laid once.
    pub fn luminance<'s>(&self, s: &'s Spread) -> Option<&'s SpreadLuminance> {
        s.lum
            .get_or_init(|| {
                self.rtable.as_ref().map(|t| {
                    let grid = LuminanceGrid::new(&self.line, &s.cuts, self.width_m, self.lanes, t);
                    let fixed = grid.sums(&self.base_lighting, &self.kept_own);
                    let own = s
                        .on_street
                        .iter()
                        .filter(|p| p.2 != usize::MAX)
                        .map(|p| p.2)
                        .collect();
                    SpreadLuminance { grid, fixed, own }
                })
            })
            .as_ref()
    }

    /// The stretch's ends for arrangement `a` with `n` stations, and a note when one
    /// moved (module docs).
    pub fn ends(&self, a: Arrangement, n: usize) -> (f64, f64, Option<String>) {
        let (first, b0) = self.inset(self.from_m, 1.0, a.sides(0));
        let (last, b1) = self.inset(self.to_m, -1.0, a.sides(n.max(1) - 1));
        let name = |b: Blocker| match b {
            Blocker::Pole(j) => {
                let p = &self.base.poles[j];
                format!(
                    "clear of {} ({}, spacing.min {} m)",
                    p.id, p.vendor, self.plan.rules.min_spacing_m
                )
            }
            Blocker::Street(k) => format!(
                "where its pole belongs to this street, not to {} at the junction",
                self.plan.streets[k].id
            ),
        };
        let mut notes = Vec::new();
        if let Some(b) = b0 {
            notes.push(format!(
                "first station {:.1} m inside the stretch's start, {}",
                first - self.from_m,
                name(b)
            ));
        }
        if let Some(b) = b1 {
            notes.push(format!(
                "last station {:.1} m inside the stretch's end, {}",
                self.to_m - last,
                name(b)
            ));
        }
        let note = (!notes.is_empty()).then(|| notes.join("; "));
        (first, last, note)
    }

    fn make_spread(&self, a: Arrangement, n: usize) -> Spread {
        let (first_m, last_m, note) = self.ends(a, n);
        let n = n.max(1);
        let offset = self.offset_m();
        let mut poles = Vec::new();
        let mut xys = Vec::new();
        let mut stations: Vec<Option<PoleStation>> = Vec::new();
        for k in 0..n {
            let c = if n == 1 {
                first_m
            } else {
                first_m + (last_m - first_m) * k as f64 / (n - 1) as f64
            };
            for &side in a.sides(k) {
                let Some((lon, lat, azimuth_deg)) = place(&self.line, c, offset, side) else {
                    continue;
                };
                let xy = to_utm32(lon, lat);
                poles.push(SpreadPole {
                    lon,
                    lat,
                    azimuth_deg,
                    foot: xy,
                    azimuth_grid_deg: true_to_grid_bearing(azimuth_deg, lon, lat),
                });
                stations.push(station_of(&self.base_index, xy));
                xys.push(xy);
            }
        }
        let r = &self.plan.rules;
        // spacing.min with every pole (the check's measure: feet apart), off_route.
        let mut rules_ok = stations
            .iter()
            .all(|s| on_route(s.as_ref(), r.max_offset_m));
        for (i, &xy) in xys.iter().enumerate() {
            if !rules_ok {
                break;
            }
            let near_kept = self
                .base_index
                .poles_within(xy, r.min_spacing_m)
                .any(|j| self.base_index.pole_xy[j].dist(xy) < r.min_spacing_m);
            let near_own = xys[..i].iter().any(|o| o.dist(xy) < r.min_spacing_m);
            rules_ok = !(near_kept || near_own);
        }
        // (chainage, order as the check numbers the poles: the kept ones first, height,
        // candidate's pole).
        let mut keyed: Vec<(f64, usize, f64, usize)> = self
            .kept_on_street
            .iter()
            .enumerate()
            .map(|(k, &(c, h))| (c, k, h, usize::MAX))
            .collect();
        for (i, st) in stations.iter().enumerate() {
            if let Some(s) = st
                && on_route(Some(s), r.max_offset_m)
                && s.street() == self.si
            {
                keyed.push((s.chainage_m, usize::MAX / 2 + i, f64::NAN, i));
            }
        }
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let on_street: Vec<(f64, f64, usize)> =
            keyed.into_iter().map(|(c, _, h, i)| (c, h, i)).collect();
        let cuts: Vec<f64> = on_street.iter().map(|p| p.0).collect();
        // The illuminance grid is what P and C are judged on; M on the luminance fields
        // ([`Context::luminance`]), laid when first asked for.
        let (rows, points) = if self.class.is_luminance() {
            (Vec::new(), Vec::new())
        } else {
            self.stretch_grid(&cuts)
        };
        let fixed_lx = points
            .iter()
            .map(|&p| self.base_lighting.e_h_for(Some(self.class), p))
            .collect();
        Spread {
            first_m,
            last_m,
            note,
            poles,
            rules_ok,
            rows,
            points,
            fixed_lx,
            on_street,
            cuts,
            lum: OnceLock::new(),
        }
    }

    /// The check's grid rows within the stretch for luminaires at chainages `cuts`, and
    /// their points (as `lighting::street` lays them).
    fn stretch_grid(&self, cuts: &[f64]) -> (Vec<(f64, std::ops::Range<usize>)>, Vec<Xy>) {
        let offsets = grid::offsets_for(self.width_m);
        let (lo, hi) = (self.from_m, self.to_m);
        let mut rows = Vec::new();
        let mut points = Vec::new();
        for f in grid::fields(self.line.length(), cuts) {
            for &ch in &f.rows_m {
                if !(self.whole || (ch >= lo && ch <= hi)) {
                    continue;
                }
                let at = points.len();
                let Some((p, d)) = self.line.point_at(ch) else {
                    continue;
                };
                for &o in &offsets {
                    points.push(if o == 0.0 {
                        p
                    } else {
                        Xy::new(p.x - d.y * o, p.y + d.x * o)
                    });
                }
                rows.push((f.d_along_m, at..points.len()));
            }
        }
        (rows, points)
    }
}

/// The search's fixed parts for `req` on `plan` (or why it cannot run).
pub(super) fn context<'a, T: Photometric>(
    plan: &'a Plan,
    photometry: &HashMap<String, T>,
    req: &Request,
) -> Result<Context<'a>, DesignError> {
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
    let periods = !street.class_schedule.is_empty()
        || plan.vendors.iter().any(|v| v.control_profile.is_some());
    let lit = if periods {
        plan.energy
            .check()
            .and_then(|()| crate::energy::annual::schedule(plan, &plan.energy))
            .ok()
            .map(|(_, s)| s.histogram().to_vec())
    } else {
        None
    };
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
        luminaires = super::types_of(plan, &own);
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
    base.poles = plan
        .poles
        .iter()
        .enumerate()
        .filter(|(pi, _)| !own.contains(pi))
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
            min = Xy::new(min.x.min(p.x), min.y.min(p.y));
            max = Xy::new(max.x.max(p.x), max.y.max(p.y));
        }
        if reach.is_finite() {
            base.poles.retain(|p| {
                let xy = to_utm32(p.lon, p.lat);
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
    let base_index = SiteIndex::build(&base);
    let base_stations = pole_stations(&base_index);
    let kept: Vec<usize> = base_stations
        .iter()
        .enumerate()
        .filter(|(_, st)| {
            st.as_ref()
                .is_some_and(|s| on_route(Some(s), plan.rules.max_offset_m) && s.street() == si)
        })
        .map(|(pi, _)| pi)
        .collect();
    let kept_on_street = kept
        .iter()
        .filter_map(|&pi| Some((base_stations[pi]?.chainage_m, base.poles[pi].height_m)))
        .collect();
    let base_lighting = Lighting::new(&base, &tables);
    let kept_own = base_lighting.luminaires_of_poles(&kept);
    let rtable = if class.is_luminance() {
        crate::lighting::surface::table_for(plan, &street.surface)
            .ok()
            .map(std::borrow::Cow::into_owned)
    } else {
        None
    };
    Ok(Context {
        plan,
        set,
        top: req.top,
        vendor: req.stretch.vendor.clone(),
        periods,
        lit,
        base,
        base_index,
        base_lighting,
        si,
        line,
        from_m,
        to_m,
        whole: from_m <= 1e-6 && to_m >= len - 1e-6,
        class,
        width_m: street.width_m,
        types,
        photometry: tables,
        kept_on_street,
        rtable,
        lanes: street.lanes,
        kept_own,
        screened: AtomicUsize::new(0),
        confirmed: AtomicUsize::new(0),
        best_w_per_km: AtomicU64::new(f64::INFINITY.to_bits()),
        spreads: Mutex::new(HashMap::new()),
    })
}
