//! Typed edits of a plan. Each [`Edit`] names exactly what it changes; [`Edit::apply`]
//! makes the change and returns the edit that takes it back, built from what the edit
//! replaced. An undo step therefore holds what one edit touched (one moved pole keeps one
//! position, a deleted row keeps its poles), never a copy of the plan
//! (docs/architecture.md "The edit model").

use crate::frame::LonLat;
use crate::plan::energy::{ControlProfile, EnergySettings};
use crate::plan::measured::{EnergyReading, Survey};
use crate::plan::review::{PoleReview, Submission};
use crate::plan::{LuminaireType, Plan, Pole, RoadSurface, Rules, Section, Street, Vendor};

/// An edit that cannot be applied to the plan in hand (an index past the end): the
/// plan is unchanged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("edit out of range: {what} {index} of {len}")]
pub struct ApplyError {
    pub what: &'static str,
    pub index: usize,
    pub len: usize,
}

fn out_of_range(what: &'static str, index: usize, len: usize) -> ApplyError {
    ApplyError { what, index, len }
}

/// A change of one list of the plan (streets, sections, vendors, ...), by position.
#[derive(Debug, Clone, PartialEq)]
pub enum Change<T> {
    /// Inserts the item at the index (`len` appends).
    Insert(usize, T),
    /// Removes the item at the index.
    Remove(usize),
    /// Replaces the item at the index.
    Set(usize, T),
    /// Replaces the whole list (imports and merges that rewrite a small list).
    Replace(Vec<T>),
}

impl<T> Change<T> {
    /// Applies the change to `list`; returns its inverse.
    pub fn apply(self, list: &mut Vec<T>, what: &'static str) -> Result<Change<T>, ApplyError> {
        let len = list.len();
        Ok(match self {
            Change::Insert(i, item) if i <= len => {
                list.insert(i, item);
                Change::Remove(i)
            }
            Change::Remove(i) if i < len => Change::Insert(i, list.remove(i)),
            Change::Set(i, item) if i < len => {
                Change::Set(i, std::mem::replace(&mut list[i], item))
            }
            Change::Replace(items) => Change::Replace(std::mem::replace(list, items)),
            Change::Insert(i, _) | Change::Remove(i) | Change::Set(i, _) => {
                return Err(out_of_range(what, i, len));
            }
        })
    }
}

impl<T: PartialEq> Change<T> {
    /// Whether applying this change to `list` would leave it as it is.
    fn is_noop(&self, list: &[T]) -> bool {
        match self {
            Change::Set(i, item) => list.get(*i) == Some(item),
            Change::Replace(items) => items.as_slice() == list,
            Change::Insert(..) | Change::Remove(_) => false,
        }
    }
}

/// The plan's settings: everything that is not a list of objects nor the review and
/// save record.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSettings {
    pub name: String,
    pub description: String,
    pub maintenance_factor: f64,
    pub burning_hours_per_year: f64,
    pub rules: Rules,
    pub energy: EnergySettings,
}

impl PlanSettings {
    /// The settings of `plan`.
    pub fn of(plan: &Plan) -> PlanSettings {
        PlanSettings {
            name: plan.name.clone(),
            description: plan.description.clone(),
            maintenance_factor: plan.maintenance_factor,
            burning_hours_per_year: plan.burning_hours_per_year,
            rules: plan.rules.clone(),
            energy: plan.energy.clone(),
        }
    }

    /// Puts these settings into `plan`; returns the ones it had.
    fn swap_into(self, plan: &mut Plan) -> PlanSettings {
        PlanSettings {
            name: std::mem::replace(&mut plan.name, self.name),
            description: std::mem::replace(&mut plan.description, self.description),
            maintenance_factor: std::mem::replace(
                &mut plan.maintenance_factor,
                self.maintenance_factor,
            ),
            burning_hours_per_year: std::mem::replace(
                &mut plan.burning_hours_per_year,
                self.burning_hours_per_year,
            ),
            rules: std::mem::replace(&mut plan.rules, self.rules),
            energy: std::mem::replace(&mut plan.energy, self.energy),
        }
    }
}

/// A pole's new position (and, when given, its new azimuth): the edit of a drag.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoleMove {
    pub index: usize,
    pub lon: f64,
    pub lat: f64,
    pub azimuth_deg: f64,
}

/// One typed change of a plan. See the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Inserts poles; the indices are their places in the resulting list, ascending.
    InsertPoles(Vec<(usize, Pole)>),
    /// Removes the poles at these indices (ascending, distinct).
    RemovePoles(Vec<usize>),
    /// Replaces whole pole records (a field edit of one or many poles).
    SetPoles(Vec<(usize, Pole)>),
    /// Moves poles (and turns them): the edit a drag makes at every step.
    MovePoles(Vec<PoleMove>),
    /// Replaces the run `at..at + remove` of the poles with `insert` (an import or a
    /// merge that rewrote a stretch of the list).
    SplicePoles {
        at: usize,
        remove: usize,
        insert: Vec<Pole>,
    },
    Streets(Change<Street>),
    /// A change of one street's vertices (the route editor).
    StreetPoints {
        street: usize,
        change: Change<LonLat>,
    },
    Sections(Change<Section>),
    Vendors(Change<Vendor>),
    Luminaires(Change<LuminaireType>),
    ControlProfiles(Change<ControlProfile>),
    Surfaces(Change<RoadSurface>),
    Settings(Box<PlanSettings>),
    /// Sets (`Some`) or clears (`None`) the review status of poles, by pole id.
    PoleReviews(Vec<(String, Option<PoleReview>)>),
    Submissions(Change<Submission>),
    /// Surveys measured on site (an import inserts one; removing one removes it).
    Surveys(Change<Survey>),
    EnergyReadings(Change<EnergyReading>),
    /// Several edits made as one, in order.
    Batch(Vec<Edit>),
}

impl Edit {
    /// Makes the change; returns the edit that takes it back. On error the plan is as it
    /// was (a batch takes back the parts it had made).
    pub fn apply(self, plan: &mut Plan) -> Result<Edit, ApplyError> {
        Ok(match self {
            Edit::InsertPoles(items) => {
                let n = plan.poles.len() + items.len();
                if let Some(i) = misordered(items.iter().map(|(i, _)| *i), n) {
                    return Err(out_of_range("pole", i, n));
                }
                let indices = items.iter().map(|(i, _)| *i).collect();
                insert_sorted(&mut plan.poles, items);
                Edit::RemovePoles(indices)
            }
            Edit::RemovePoles(indices) => {
                let n = plan.poles.len();
                if let Some(i) = misordered(indices.iter().copied(), n) {
                    return Err(out_of_range("pole", i, n));
                }
                Edit::InsertPoles(remove_sorted(&mut plan.poles, &indices))
            }
            Edit::SetPoles(items) => {
                let n = plan.poles.len();
                if let Some((i, _)) = items.iter().find(|(i, _)| *i >= n) {
                    return Err(out_of_range("pole", *i, n));
                }
                let old = items
                    .into_iter()
                    .rev()
                    .map(|(i, p)| (i, std::mem::replace(&mut plan.poles[i], p)))
                    .collect::<Vec<_>>();
                Edit::SetPoles(old.into_iter().rev().collect())
            }
            Edit::MovePoles(moves) => {
                let n = plan.poles.len();
                if let Some(m) = moves.iter().find(|m| m.index >= n) {
                    return Err(out_of_range("pole", m.index, n));
                }
                let mut old = Vec::with_capacity(moves.len());
                for m in moves.into_iter().rev() {
                    let p = &mut plan.poles[m.index];
                    old.push(PoleMove {
                        index: m.index,
                        lon: std::mem::replace(&mut p.lon, m.lon),
                        lat: std::mem::replace(&mut p.lat, m.lat),
                        azimuth_deg: std::mem::replace(&mut p.azimuth_deg, m.azimuth_deg),
                    });
                }
                old.reverse();
                Edit::MovePoles(old)
            }
            Edit::SplicePoles { at, remove, insert } => {
                let n = plan.poles.len();
                if at > n || remove > n - at {
                    return Err(out_of_range("pole", at + remove, n));
                }
                let added = insert.len();
                let removed = plan.poles.splice(at..at + remove, insert).collect();
                Edit::SplicePoles {
                    at,
                    remove: added,
                    insert: removed,
                }
            }
            Edit::Streets(c) => Edit::Streets(c.apply(&mut plan.streets, "street")?),
            Edit::StreetPoints { street, change } => {
                let n = plan.streets.len();
                let s = plan
                    .streets
                    .get_mut(street)
                    .ok_or_else(|| out_of_range("street", street, n))?;
                Edit::StreetPoints {
                    street,
                    change: change.apply(&mut s.points, "vertex")?,
                }
            }
            Edit::Sections(c) => Edit::Sections(c.apply(&mut plan.sections, "section")?),
            Edit::Vendors(c) => Edit::Vendors(c.apply(&mut plan.vendors, "vendor")?),
            Edit::Luminaires(c) => {
                Edit::Luminaires(c.apply(&mut plan.luminaires, "luminaire type")?)
            }
            Edit::ControlProfiles(c) => {
                Edit::ControlProfiles(c.apply(&mut plan.control_profiles, "control profile")?)
            }
            Edit::Surfaces(c) => Edit::Surfaces(c.apply(&mut plan.surfaces, "surface")?),
            Edit::Settings(s) => Edit::Settings(Box::new(s.swap_into(plan))),
            Edit::PoleReviews(items) => {
                let mut old: Vec<_> = items
                    .into_iter()
                    .rev()
                    .map(|(id, r)| {
                        let before = match r {
                            Some(r) => plan.pole_reviews.insert(id.clone(), r),
                            None => plan.pole_reviews.remove(&id),
                        };
                        (id, before)
                    })
                    .collect();
                old.reverse();
                Edit::PoleReviews(old)
            }
            Edit::Submissions(c) => {
                Edit::Submissions(c.apply(&mut plan.submissions, "submission")?)
            }
            Edit::Surveys(c) => Edit::Surveys(c.apply(&mut plan.surveys, "survey")?),
            Edit::EnergyReadings(c) => {
                Edit::EnergyReadings(c.apply(&mut plan.energy_readings, "energy reading")?)
            }
            Edit::Batch(edits) => {
                let mut inverses = Vec::with_capacity(edits.len());
                for e in edits {
                    match e.apply(plan) {
                        Ok(inv) => inverses.push(inv),
                        Err(err) => {
                            for inv in inverses.into_iter().rev() {
                                // Each inverse was made from the plan it now meets.
                                let _ = inv.apply(plan);
                            }
                            return Err(err);
                        }
                    }
                }
                inverses.reverse();
                Edit::Batch(inverses)
            }
        })
    }

    /// Whether applying this edit to `plan` would leave it as it is (a field set to the
    /// value it has, a drag that came back to where it began).
    pub fn is_noop(&self, plan: &Plan) -> bool {
        match self {
            Edit::InsertPoles(v) | Edit::SetPoles(v) if v.is_empty() => true,
            Edit::RemovePoles(v) => v.is_empty(),
            Edit::InsertPoles(_) => false,
            Edit::SetPoles(items) => items.iter().all(|(i, p)| plan.poles.get(*i) == Some(p)),
            Edit::MovePoles(moves) => moves.iter().all(|m| {
                plan.poles.get(m.index).is_some_and(|p| {
                    p.lon == m.lon && p.lat == m.lat && p.azimuth_deg == m.azimuth_deg
                })
            }),
            Edit::SplicePoles { at, remove, insert } => plan
                .poles
                .get(*at..at + remove)
                .is_some_and(|run| run == insert.as_slice()),
            Edit::Streets(c) => c.is_noop(&plan.streets),
            Edit::StreetPoints { street, change } => plan
                .streets
                .get(*street)
                .is_some_and(|s| change.is_noop(&s.points)),
            Edit::Sections(c) => c.is_noop(&plan.sections),
            Edit::Vendors(c) => c.is_noop(&plan.vendors),
            Edit::Luminaires(c) => c.is_noop(&plan.luminaires),
            Edit::ControlProfiles(c) => c.is_noop(&plan.control_profiles),
            Edit::Surfaces(c) => c.is_noop(&plan.surfaces),
            Edit::Settings(s) => **s == PlanSettings::of(plan),
            Edit::PoleReviews(items) => items
                .iter()
                .all(|(id, r)| plan.pole_reviews.get(id) == r.as_ref()),
            Edit::Submissions(c) => c.is_noop(&plan.submissions),
            Edit::Surveys(c) => c.is_noop(&plan.surveys),
            Edit::EnergyReadings(c) => c.is_noop(&plan.energy_readings),
            // Parts of a batch may depend on one another; only an empty one is known to
            // do nothing without making it.
            Edit::Batch(edits) => edits.is_empty(),
        }
    }

    /// How the edit can touch the pole list: which caches it invalidates.
    pub fn pole_effect(&self) -> PoleEffect {
        match self {
            Edit::MovePoles(m) => PoleEffect::Moved(m.iter().map(|m| m.index).collect()),
            Edit::SetPoles(items) => PoleEffect::Fields(items.iter().map(|(i, _)| *i).collect()),
            Edit::InsertPoles(_) | Edit::RemovePoles(_) | Edit::SplicePoles { .. } => {
                PoleEffect::Reordered
            }
            Edit::PoleReviews(_)
            | Edit::Submissions(_)
            | Edit::Surveys(_)
            | Edit::EnergyReadings(_) => PoleEffect::None,
            Edit::Batch(edits) => edits
                .iter()
                .fold(PoleEffect::None, |acc, e| acc.and(e.pole_effect())),
            _ => PoleEffect::Other,
        }
    }

    /// Whether the edit can change which pole has which id (or where): the document's id
    /// index is brought up to date after these.
    pub fn may_change_pole_ids(&self) -> bool {
        match self {
            Edit::InsertPoles(_)
            | Edit::RemovePoles(_)
            | Edit::SetPoles(_)
            | Edit::SplicePoles { .. } => true,
            Edit::Batch(edits) => edits.iter().any(Edit::may_change_pole_ids),
            _ => false,
        }
    }

    /// A rough count of bytes this edit holds (for the history's memory bound and its
    /// tests): the fixed size plus what its items own on the heap.
    pub fn held_bytes(&self) -> usize {
        fn pole(p: &Pole) -> usize {
            std::mem::size_of::<Pole>()
                + [&p.id, &p.vendor, &p.luminaire]
                    .iter()
                    .map(|s| if s.is_heap_allocated() { s.len() } else { 0 })
                    .sum::<usize>()
        }
        std::mem::size_of::<Edit>()
            + match self {
                Edit::InsertPoles(v) | Edit::SetPoles(v) => {
                    v.iter().map(|(_, p)| 8 + pole(p)).sum()
                }
                Edit::RemovePoles(v) => v.len() * 8,
                Edit::MovePoles(v) => v.len() * std::mem::size_of::<PoleMove>(),
                Edit::SplicePoles { insert, .. } => insert.iter().map(pole).sum(),
                Edit::Batch(v) => v.iter().map(Edit::held_bytes).sum(),
                Edit::Surveys(Change::Insert(_, s) | Change::Set(_, s)) => {
                    s.points.len() * std::mem::size_of::<crate::plan::measured::SurveyPoint>()
                }
                // Streets, sections, vendors, settings: small objects; counted by their
                // fixed size (their strings are short).
                _ => 256,
            }
    }

    /// Poles this edit holds whole records of (for tests of the history's memory).
    pub fn poles_held(&self) -> usize {
        match self {
            Edit::InsertPoles(v) | Edit::SetPoles(v) => v.len(),
            Edit::SplicePoles { insert, .. } => insert.len(),
            Edit::Batch(v) => v.iter().map(Edit::poles_held).sum(),
            _ => 0,
        }
    }

    /// The typed edit that turns `before` into `after`: the poles as one splice (the run
    /// between the first and the last pole that differ), every other list that differs
    /// replaced whole (they are small), the settings and review record where they
    /// differ. For changes computed on a whole plan (a merge, an OSM import).
    pub fn between(before: &Plan, after: &Plan) -> Edit {
        let mut edits = Vec::new();
        let (a, b) = (&before.poles, &after.poles);
        let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let max_suffix = a.len().min(b.len()) - prefix;
        let suffix = a
            .iter()
            .rev()
            .zip(b.iter().rev())
            .take(max_suffix)
            .take_while(|(x, y)| x == y)
            .count();
        if prefix != a.len() || a.len() != b.len() {
            edits.push(Edit::SplicePoles {
                at: prefix,
                remove: a.len() - prefix - suffix,
                insert: b[prefix..b.len() - suffix].to_vec(),
            });
        }
        macro_rules! list {
            ($field:ident, $variant:ident) => {
                if before.$field != after.$field {
                    edits.push(Edit::$variant(Change::Replace(after.$field.clone())));
                }
            };
        }
        list!(streets, Streets);
        list!(sections, Sections);
        list!(vendors, Vendors);
        list!(luminaires, Luminaires);
        list!(control_profiles, ControlProfiles);
        list!(surfaces, Surfaces);
        list!(submissions, Submissions);
        list!(surveys, Surveys);
        list!(energy_readings, EnergyReadings);
        let settings = PlanSettings::of(after);
        if settings != PlanSettings::of(before) {
            edits.push(Edit::Settings(Box::new(settings)));
        }
        let reviews: Vec<(String, Option<PoleReview>)> = before
            .pole_reviews
            .keys()
            .filter(|id| !after.pole_reviews.contains_key(*id))
            .map(|id| (id.clone(), None))
            .chain(
                after
                    .pole_reviews
                    .iter()
                    .filter(|(id, r)| before.pole_reviews.get(*id) != Some(r))
                    .map(|(id, r)| (id.clone(), Some(r.clone()))),
            )
            .collect();
        if !reviews.is_empty() {
            edits.push(Edit::PoleReviews(reviews));
        }
        match edits.len() {
            1 => edits.pop().unwrap_or(Edit::Batch(Vec::new())),
            _ => Edit::Batch(edits),
        }
    }
}

/// What an edit did to the pole list, from the narrowest to the widest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoleEffect {
    /// No pole and nothing the checks read changed.
    None,
    /// These poles moved (their other fields as they were).
    Moved(Vec<usize>),
    /// These poles changed fields, possibly their ids, vendors or luminaires.
    Fields(Vec<usize>),
    /// Poles were inserted or removed: indices shifted.
    Reordered,
    /// Something other than the poles changed (streets, sections, settings, ...).
    Other,
}

impl PoleEffect {
    fn and(self, other: PoleEffect) -> PoleEffect {
        use PoleEffect::*;
        match (self, other) {
            (None, x) | (x, None) => x,
            (Moved(mut a), Moved(b)) => {
                a.extend(b);
                Moved(a)
            }
            (Moved(mut a) | Fields(mut a), Moved(b) | Fields(b)) => {
                a.extend(b);
                Fields(a)
            }
            (Other, _) | (_, Other) => Other,
            _ => Reordered,
        }
    }
}

/// The first index that is not below `n` or not above the one before it (the pole
/// lists of [`Edit::InsertPoles`] and [`Edit::RemovePoles`] are strictly ascending).
fn misordered(indices: impl Iterator<Item = usize>, n: usize) -> Option<usize> {
    let mut last: Option<usize> = None;
    for i in indices {
        if i >= n || last.is_some_and(|l| i <= l) {
            return Some(i);
        }
        last = Some(i);
    }
    None
}

/// Inserts `items` (ascending final indices, all valid) in one pass.
fn insert_sorted(list: &mut Vec<Pole>, items: Vec<(usize, Pole)>) {
    if items.len() == 1 {
        if let Some((i, p)) = items.into_iter().next() {
            list.insert(i, p);
        }
        return;
    }
    let old = std::mem::take(list);
    let total = old.len() + items.len();
    let mut out = Vec::with_capacity(total);
    let mut old = old.into_iter();
    let mut items = items.into_iter().peekable();
    while out.len() < total {
        match items.next_if(|(i, _)| *i == out.len()) {
            Some((_, p)) => out.push(p),
            None => match old.next() {
                Some(p) => out.push(p),
                None => out.extend(items.by_ref().map(|(_, p)| p)),
            },
        }
    }
    *list = out;
}

/// Removes the poles at `indices` (ascending, distinct, valid) in one pass; returns them
/// with their indices.
fn remove_sorted(list: &mut Vec<Pole>, indices: &[usize]) -> Vec<(usize, Pole)> {
    if let [i] = indices {
        return vec![(*i, list.remove(*i))];
    }
    let mut removed = Vec::with_capacity(indices.len());
    let mut kept = Vec::with_capacity(list.len() - indices.len());
    let mut next = indices.iter().peekable();
    for (i, p) in std::mem::take(list).into_iter().enumerate() {
        if next.next_if(|&&k| k == i).is_some() {
            removed.push((i, p));
        } else {
            kept.push(p);
        }
    }
    *list = kept;
    removed
}
