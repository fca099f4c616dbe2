//! The incremental validation engine: holds the spatial index, every pole's linear
//! reference and the findings of each rule, and after a pole moves recomputes only what
//! can change.

use super::references;
use super::rules::{self, PairRule, PoleGroup, PoleStation, SectionMap};
use super::{Finding, cmp_findings};
use crate::frame::to_utm32;
use crate::index::{Located, PointGrid, SiteIndex};
use crate::plan::{Plan, Rules, validate};
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::HashMap;

/// What a finding depends on, so an edit can drop exactly the findings it invalidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    /// `spacing.min` / `reference.same_spot` of one group of close poles, by its first
    /// (lowest) pole index.
    Group(PairRule, usize),
    /// `placement.off_route` / `section.outside` / `value.implausible` of one pole.
    Pole(usize),
    /// `spacing.max` on one street.
    Street(usize),
    /// Rules independent of pole positions (sections, references).
    Fixed,
    /// Like `Fixed`, but shown at the position of one pole (follows it when it moves).
    At(usize),
    /// Findings supplied from outside (coverage, from the lighting module).
    Extra,
}

/// Validation state of one plan revision.
///
/// ```
/// use lysplan::check::{Checker, synth};
/// let mut plan = synth::plan(200);
/// let mut checker = Checker::new(&plan);
/// plan.poles[5].lon += 0.0001;
/// checker.move_pole(&plan, 5);
/// assert_eq!(checker.findings(), Checker::new(&plan).findings());
/// ```
#[derive(Debug, Clone)]
pub struct Checker {
    index: SiteIndex,
    rules: Rules,
    stations: Vec<Option<PoleStation>>,
    /// Per street: `(chainage_m, pole index)` of its on-route poles, sorted.
    on_street: Vec<Vec<(f64, usize)>>,
    sections: SectionMap,
    /// Per pair rule: the groups of close poles by first member, and each member's group.
    groups: [GroupMap; 2],
    /// All findings, sorted by [`super::sort_findings`]'s order, and their keys.
    findings: Vec<Finding>,
    keys: Vec<Key>,
}

impl Checker {
    /// Builds the index and runs every rule (parallel where it pays).
    pub fn new(plan: &Plan) -> Self {
        Self::from_located(plan, Located::new(plan))
    }

    /// As [`Checker::new`], with the plan already indexed and its poles located (by the
    /// reader, for their default azimuths: [`crate::locate::load_located`]). A location of
    /// another plan (other counts of streets or poles) is not trusted and is redone.
    pub fn from_located(plan: &Plan, located: Located) -> Self {
        let located = if located.fits(plan) {
            located
        } else {
            Located::new(plan)
        };
        let Located { index, stations } = located;
        let sections = SectionMap::build(plan);
        let mut c = Checker {
            on_street: vec![Vec::new(); plan.streets.len()],
            index,
            rules: plan.rules.clone(),
            stations,
            sections,
            groups: Default::default(),
            findings: Vec::new(),
            keys: Vec::new(),
        };
        let mut all: Vec<(Key, Finding)> = Vec::new();

        // Pairs, as groups of close poles, found in one grid of the poles.
        let radii = PairRule::ALL.map(|rule| rule.radius(plan));
        let groups = {
            let grid = PointGrid::new(&c.index.pole_xy, radii.iter().copied().fold(0.0, f64::max));
            radii.map(|radius| rules::pair_groups_in(&c.index, grid.as_ref(), radius))
        };
        for (rule, groups) in PairRule::ALL.into_iter().zip(groups) {
            for g in groups {
                all.extend(c.add_group(plan, rule, g));
            }
        }
        // Streets (their lists made after the pole grid is gone: the two are not held
        // at once).
        c.fill_on_street();
        let per_street: Vec<(usize, Vec<Finding>)> = c
            .on_street
            .par_iter()
            .enumerate()
            .map(|(si, v)| (si, rules::spacing_max_street(plan, &c.index, si, v)))
            .collect();
        for (si, f) in per_street {
            all.extend(f.into_iter().map(|f| (Key::Street(si), f)));
        }
        // Poles.
        let per_pole: Vec<(Key, Finding)> = (0..plan.poles.len())
            .into_par_iter()
            .flat_map_iter(|i| c.pole_findings(plan, i).map(move |f| (Key::Pole(i), f)))
            .collect();
        all.extend(per_pole);
        // Fixed.
        let fixed = [
            validate::plan_warnings(plan),
            rules::street_positions(plan),
            rules::section_overlap(plan, &c.index),
            rules::section_empty(plan, &c.index),
        ];
        for f in fixed.into_iter().flatten() {
            all.push((Key::Fixed, f));
        }
        let located = [
            references::reference_vendor_street(plan),
            references::reference_luminaire(plan),
            references::reference_duplicate_id(plan),
            references::reference_profile(plan),
            references::reference_baseline(plan),
            references::reference_surface(plan),
        ];
        for (at, f) in located.into_iter().flatten() {
            all.push((at.map_or(Key::Fixed, Key::At), f));
        }

        all.par_sort_by(|a, b| cmp_findings(&a.1, &b.1));
        let (keys, findings) = all.into_iter().unzip();
        c.keys = keys;
        c.findings = findings;
        c
    }

    /// Recomputes everything for a plan edited in other ways than moving one pole (poles
    /// added or deleted, rules, sections, streets changed). Keeps findings set with
    /// [`Checker::set_extra`].
    pub fn rebuild(&mut self, plan: &Plan) {
        let extra = self.extra_findings();
        *self = Checker::new(plan);
        self.set_extra(extra);
    }

    /// All findings, sorted by rule, then first pole id (then message).
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The spatial index of the plan revision checked.
    pub fn index(&self) -> &SiteIndex {
        &self.index
    }

    /// The linear reference of pole `i` (`None` when the plan has no streets).
    pub fn station(&self, i: usize) -> Option<&PoleStation> {
        self.stations.get(i).and_then(|s| s.as_ref())
    }

    /// Number of errors among the findings.
    pub fn error_count(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == super::Severity::Error)
            .count()
    }

    /// Replaces the findings supplied from outside (e.g. `coverage.*` from the lighting
    /// module); they are merged into [`Checker::findings`] in sorted order.
    pub fn set_extra(&mut self, extra: Vec<Finding>) {
        self.retain(|k| k != Key::Extra);
        for f in extra {
            self.insert(Key::Extra, f);
        }
    }

    fn extra_findings(&self) -> Vec<Finding> {
        self.keys
            .iter()
            .zip(&self.findings)
            .filter(|(k, _)| **k == Key::Extra)
            .map(|(_, f)| f.clone())
            .collect()
    }

    /// Updates the findings after `plan.poles[i]` moved (only its `lon`/`lat` changed
    /// since the last [`Checker::new`], [`Checker::rebuild`] or `move_pole`). Recomputes
    /// the close pairs around the old and new position, `spacing.max` on the pole's old
    /// and new street, and the pole's `placement.off_route`, `section.outside` and
    /// `value.implausible` (so a height edited along with the move is judged too). Falls
    /// back to a rebuild when the plan no longer matches the checker (pole count changed).
    pub fn move_pole(&mut self, plan: &Plan, i: usize) {
        if plan.poles.len() != self.index.pole_xy.len() || plan.rules != self.rules {
            self.rebuild(plan);
            return;
        }
        let Some(p) = plan.poles.get(i) else {
            return;
        };
        let xy = to_utm32(p.lon, p.lat);
        self.index.move_pole(i, xy);

        // Linear reference and street lists.
        let old = self.stations[i];
        let new = rules::station_of(&self.index, xy);
        self.stations[i] = new;
        let mut streets: Vec<usize> = Vec::new();
        if let Some(s) = old {
            if let Some(v) = self.on_street.get_mut(s.street())
                && let Some(pos) = v.iter().position(|&(_, k)| k == i)
            {
                v.remove(pos);
            }
            streets.push(s.street());
        }
        if let Some(s) = new {
            if rules::on_route(Some(&s), self.rules.max_offset_m)
                && let Some(v) = self.on_street.get_mut(s.street())
            {
                let e = (s.chainage_m, i);
                let pos = v.partition_point(|a| cmp_station(a, &e) == Ordering::Less);
                v.insert(pos, e);
            }
            if !streets.contains(&s.street()) {
                streets.push(s.street());
            }
        }

        let mut fresh: Vec<(Key, Finding)> = Vec::new();
        // Findings shown at this pole follow it.
        for (k, f) in self.keys.iter().zip(&self.findings) {
            if *k == Key::At(i) {
                let mut f = f.clone();
                f.lon = Some(p.lon);
                f.lat = Some(p.lat);
                fresh.push((*k, f));
            }
        }
        // The groups that can change: those of the pole and of its new neighbours.
        let mut dropped: Vec<(PairRule, usize)> = Vec::new();
        let mut seeds: [Vec<usize>; 2] = Default::default();
        for rule in PairRule::ALL {
            let r = rule.slot();
            let mut s = vec![i];
            if rules::valid_xy(xy) {
                s.extend(self.index.poles_within(xy, rule.radius(plan)));
            }
            let mut all = s.clone();
            for p in s {
                if let Some(first) = self.groups[r].of.get(&p).copied()
                    && let Some(members) = self.groups[r].remove(first)
                {
                    dropped.push((rule, first));
                    all.extend(members);
                }
            }
            all.sort_unstable();
            all.dedup();
            seeds[r] = all;
        }
        self.retain(|k| match k {
            Key::Group(rule, first) => !dropped.contains(&(rule, first)),
            Key::Pole(a) | Key::At(a) => a != i,
            Key::Street(s) => !streets.contains(&s),
            Key::Fixed | Key::Extra => true,
        });
        for rule in PairRule::ALL {
            let seeds = std::mem::take(&mut seeds[rule.slot()]);
            for g in rules::groups_around(&self.index, seeds, rule.radius(plan)) {
                fresh.extend(self.add_group(plan, rule, g));
            }
        }
        for &si in &streets {
            if let Some(v) = self.on_street.get(si) {
                fresh.extend(
                    rules::spacing_max_street(plan, &self.index, si, v)
                        .into_iter()
                        .map(|f| (Key::Street(si), f)),
                );
            }
        }
        fresh.extend(self.pole_findings(plan, i).map(|f| (Key::Pole(i), f)));
        for (k, f) in fresh {
            self.insert(k, f);
        }
    }

    /// Records group `g` of `rule` and returns its finding.
    fn add_group(&mut self, plan: &Plan, rule: PairRule, g: PoleGroup) -> Option<(Key, Finding)> {
        let f = rules::group_finding(plan, rule, &g)?;
        let first = g.members[0];
        self.groups[rule.slot()].insert(first, g.members);
        Some((Key::Group(rule, first), f))
    }

    fn pole_findings(&self, plan: &Plan, i: usize) -> impl Iterator<Item = Finding> {
        let st = self.stations.get(i).and_then(|s| s.as_ref());
        let position = rules::pole_position(plan, i);
        let spatial = position.is_none();
        position
            .into_iter()
            .chain(rules::off_route(plan, i, st).filter(|_| spatial))
            .chain(rules::section_outside(plan, &self.sections, i, st))
            .chain(validate::pole_warnings(plan, i))
    }

    fn fill_on_street(&mut self) {
        let max = self.rules.max_offset_m;
        let on_route = |s: &Option<PoleStation>| s.filter(|s| rules::on_route(Some(s), max));
        // Each street's list is allocated once, at its size, and sorted by itself.
        let mut counts = vec![0usize; self.on_street.len()];
        for s in self.stations.iter().filter_map(on_route) {
            if let Some(n) = counts.get_mut(s.street()) {
                *n += 1;
            }
        }
        for (v, n) in self.on_street.iter_mut().zip(counts) {
            *v = Vec::with_capacity(n);
        }
        for (i, s) in self.stations.iter().enumerate() {
            if let Some(s) = on_route(s)
                && let Some(v) = self.on_street.get_mut(s.street())
            {
                v.push((s.chainage_m, i));
            }
        }
        self.on_street
            .par_iter_mut()
            .for_each(|v| v.sort_unstable_by(cmp_station));
    }

    /// Keeps the findings whose key satisfies `keep`, in order.
    fn retain(&mut self, keep: impl Fn(Key) -> bool) {
        let mut w = 0;
        for r in 0..self.keys.len() {
            if keep(self.keys[r]) {
                self.keys.swap(w, r);
                self.findings.swap(w, r);
                w += 1;
            }
        }
        self.keys.truncate(w);
        self.findings.truncate(w);
    }

    fn insert(&mut self, key: Key, f: Finding) {
        let pos = self
            .findings
            .partition_point(|x| cmp_findings(x, &f) != Ordering::Greater);
        self.findings.insert(pos, f);
        self.keys.insert(pos, key);
    }
}

/// The groups of one pair rule: members by first member, and each member's first.
#[derive(Debug, Clone, Default)]
struct GroupMap {
    members: HashMap<usize, Vec<usize>>,
    of: HashMap<usize, usize>,
}

impl GroupMap {
    fn insert(&mut self, first: usize, members: Vec<usize>) {
        for &m in &members {
            self.of.insert(m, first);
        }
        self.members.insert(first, members);
    }

    fn remove(&mut self, first: usize) -> Option<Vec<usize>> {
        let members = self.members.remove(&first)?;
        for m in &members {
            self.of.remove(m);
        }
        Some(members)
    }
}

fn cmp_station(a: &(f64, usize), b: &(f64, usize)) -> Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}
