//! The coordinator's yardstick (`lysplan optimise --sections`, `lysplan report
//! --benchmark`): for every vendor section, the vendor's installed W/km on it against the
//! best W/km the search finds with the same luminaire type(s), default search set.

use super::{Outcome, Progress, Request, SearchSet, Stretch, optimise, stretch_poles};
use crate::index::{SiteIndex, pole_stations};
use crate::lighting::Photometric;
use crate::plan::Plan;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::Ordering;

/// One section's line of the yardstick.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionYardstick {
    pub section: String,
    pub vendor: String,
    pub street: String,
    pub from_m: f64,
    pub to_m: f64,
    /// The luminaire types of the vendor's poles on the section (searched with).
    pub luminaires: Vec<String>,
    /// The vendor's poles on the section.
    pub poles: usize,
    /// Their installed power (at the set output) per km of the section.
    pub current_w_per_km: f64,
    /// The best passing candidate's W/km (`None`: none passes, or nothing to search:
    /// an unclassed street, no pole on the section).
    pub best_w_per_km: Option<f64>,
    /// current ÷ best.
    pub ratio: Option<f64>,
    /// Layouts evaluated for this section.
    pub evaluated: usize,
    /// Why there is no best, when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The yardstick of every section of `plan`, in plan order, with the default search set.
pub fn sections<T: Photometric + Sync>(
    plan: &Plan,
    photometry: &HashMap<String, T>,
) -> Vec<SectionYardstick> {
    sections_with(plan, photometry, &SearchSet::default())
}

/// [`sections`] with the search set `set`.
pub fn sections_with<T: Photometric + Sync>(
    plan: &Plan,
    photometry: &HashMap<String, T>,
    set: &SearchSet,
) -> Vec<SectionYardstick> {
    sections_with_progress(plan, photometry, set, None)
}

/// [`sections_with`], counting the sections done in `progress` (`total`: the plan's
/// sections) and stopping before the next section once `progress.cancel` is set (the
/// sections not searched then say so in their note).
pub fn sections_with_progress<T: Photometric + Sync>(
    plan: &Plan,
    photometry: &HashMap<String, T>,
    set: &SearchSet,
    progress: Option<&Progress>,
) -> Vec<SectionYardstick> {
    let index = SiteIndex::build(plan);
    let stations = pole_stations(&index);
    if let Some(p) = progress {
        p.total.store(plan.sections.len(), Ordering::Relaxed);
    }
    let cancelled = || progress.is_some_and(|p| p.cancel.load(Ordering::Relaxed));
    let done = || {
        if let Some(p) = progress {
            p.done.fetch_add(1, Ordering::Relaxed);
        }
    };
    // Sections side by side: each search is parallel inside too, but its set-up and
    // the check's confirmation leave cores idle.
    use rayon::prelude::*;
    plan.sections
        .par_iter()
        .map(|s| {
            let si = plan.streets.iter().position(|st| st.id == s.street);
            let own = si.map_or_else(Vec::new, |si| {
                stretch_poles(plan, &stations, si, s.from_m, s.to_m, Some(&s.vendor))
            });
            let luminaires = super::types_of(plan, &own);
            let watts: f64 = own
                .iter()
                .filter_map(|&pi| plan.luminaire(&plan.poles[pi].luminaire))
                .map(|l| l.set_power_w())
                .sum();
            let len_km = (s.to_m - s.from_m).abs() / 1000.0;
            let current_w_per_km = if len_km > 0.0 { watts / len_km } else { 0.0 };
            let mut row = SectionYardstick {
                section: s.id.clone(),
                vendor: s.vendor.clone(),
                street: s.street.clone(),
                from_m: s.from_m,
                to_m: s.to_m,
                luminaires: luminaires.clone(),
                poles: own.len(),
                current_w_per_km,
                best_w_per_km: None,
                ratio: None,
                evaluated: 0,
                note: None,
            };
            if own.is_empty() {
                row.note = Some("no pole of the vendor on the section".into());
                done();
                return row;
            }
            if cancelled() {
                row.note = Some("not searched: cancelled".into());
                return row;
            }
            let req = Request {
                stretch: Stretch {
                    street: s.street.clone(),
                    from_m: s.from_m,
                    to_m: s.to_m,
                    vendor: Some(s.vendor.clone()),
                },
                luminaires,
                set: set.clone(),
                // The yardstick needs the best alone.
                top: 1,
            };
            match optimise(plan, photometry, &req, None) {
                Ok(Outcome {
                    candidates,
                    evaluated,
                    ..
                }) => {
                    row.evaluated = evaluated;
                    match candidates.first().filter(|c| c.pass) {
                        Some(best) => {
                            row.best_w_per_km = Some(best.w_per_km);
                            row.ratio =
                                (best.w_per_km > 0.0).then(|| current_w_per_km / best.w_per_km);
                        }
                        None => row.note = Some("no candidate passes".into()),
                    }
                }
                Err(e) => row.note = Some(e.to_string()),
            }
            done();
            row
        })
        .collect()
}
