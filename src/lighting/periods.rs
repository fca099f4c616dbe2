//! Adaptive lighting: the periods of the night in which a classed street is judged
//! (docs/architecture.md "Adaptive lighting", the contract).
//!
//! A street's day is split at every step time of its `class_schedule` and of the control
//! profiles of the vendors whose poles stand on it (as the checks assign poles to
//! streets). Periods run between consecutive step times in clock order, starting with
//! the one that contains 12:00; a street with no step time has one period 00:00–24:00.
//! A period in which the lights are never on in the plan's year (the energy model's lit
//! minutes by local clock minute, daylight saving included) is dropped.
//!
//! In a period each vendor's luminaires run at the vendor's stepped level (presence
//! control: the level a road user gets when detected; the idle level is reported, not
//! judged). The street's own vendors' steps split the day, so their level is constant in
//! a period; a vendor lighting the street from another street, whose steps do not split
//! it, counts at its lowest stepped level in the period's lit minutes. Poles of a vendor
//! the plan does not have run at full level.

use crate::plan::energy::format_hhmm;
use crate::plan::{LightingClass, Plan, Street};

/// Minutes in a day.
const DAY: u32 = 1440;

/// One period of a street's night.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodSpec {
    /// Start, minutes after local midnight (0..1440).
    pub from_min: u32,
    /// End, minutes after the start's midnight: greater than `from_min`, up to
    /// `from_min + 1440` (past 1440 when the period wraps at midnight).
    pub to_min: u32,
    /// The class in force.
    pub class: LightingClass,
    /// Level of each vendor group ([`VendorLevels::group_of`]), 0..1.
    pub levels: Vec<f64>,
}

impl PeriodSpec {
    /// `"HH:MM"` of the start.
    pub fn from(&self) -> String {
        format_hhmm(self.from_min)
    }

    /// `"HH:MM"` of the end; `"24:00"` for the one period of a day with no step time.
    pub fn to(&self) -> String {
        if self.from_min == 0 && self.to_min == DAY {
            "24:00".to_owned()
        } else {
            format_hhmm(self.to_min)
        }
    }

    /// Whether the period is the design evaluation (the design class, all at full).
    pub fn is_design(&self, design: LightingClass) -> bool {
        self.class == design && self.levels.iter().all(|&l| l == 1.0)
    }
}

/// Each vendor's stepped level by local clock minute, and the groups luminaires fall in:
/// group `i` is `plan.vendors[i]`, the last group the poles of unknown vendors.
#[derive(Debug, Clone)]
pub struct VendorLevels {
    /// Per group: the profile's step level at each minute (`None`: full all night).
    steps: Vec<Option<Vec<f64>>>,
    /// Per group: the profile's step times, minutes.
    times: Vec<Vec<u16>>,
}

impl VendorLevels {
    pub fn new(plan: &Plan) -> Self {
        let profiles: Vec<Option<&crate::plan::energy::ControlProfile>> = plan
            .vendors
            .iter()
            .map(|v| {
                v.control_profile
                    .as_deref()
                    .and_then(|id| plan.control_profile(id))
            })
            .chain(std::iter::once(None))
            .collect();
        VendorLevels {
            steps: profiles
                .iter()
                .map(|p| p.map(|p| p.step_levels()))
                .collect(),
            times: profiles
                .iter()
                .map(|p| {
                    p.map(|p| p.sorted_steps().into_iter().map(|(m, _)| m).collect())
                        .unwrap_or_default()
                })
                .collect(),
        }
    }

    /// Number of groups (vendors + 1).
    pub fn groups(&self) -> usize {
        self.steps.len()
    }

    /// The group of the vendor with id `vendor` in `plan`.
    pub fn group_of(plan: &Plan, vendor: &str) -> usize {
        plan.vendors
            .iter()
            .position(|v| v.id == vendor)
            .unwrap_or(plan.vendors.len())
    }

    /// The lowest level of group `g` over the minutes `from..to` (taken modulo a day)
    /// that `lit` counts (all of them when none is lit).
    fn level(&self, g: usize, from: u32, to: u32, lit: &dyn Fn(usize) -> bool) -> f64 {
        let Some(steps) = self.steps.get(g).and_then(Option::as_ref) else {
            return 1.0;
        };
        let minutes = || (from..to).map(|m| (m % DAY) as usize);
        let any_lit = minutes().any(lit);
        minutes()
            .filter(|&m| !any_lit || lit(m))
            .map(|m| steps[m])
            .fold(f64::INFINITY, f64::min)
            .min(1.0)
    }
}

/// The periods of `street` (which must have a class) lit by the vendor groups `own`
/// (the groups of the poles standing on it). `lit_by_minute` is the energy model's count
/// of lit minutes by local clock minute (`None`: the model cannot run; no period is
/// dropped). In clock order from the period containing 12:00.
pub fn periods(
    street: &Street,
    own: &[usize],
    levels: &VendorLevels,
    lit_by_minute: Option<&[u32]>,
) -> Vec<PeriodSpec> {
    let Some(design) = street.class else {
        return Vec::new();
    };
    let class_steps = street.class_steps();
    let mut cuts: Vec<u32> = class_steps.iter().map(|&(m, _)| u32::from(m)).collect();
    for &g in own {
        if let Some(t) = levels.times.get(g) {
            cuts.extend(t.iter().map(|&m| u32::from(m)));
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let lit = |m: usize| lit_by_minute.is_none_or(|h| h.get(m).is_some_and(|&n| n > 0));
    let spans: Vec<(u32, u32)> = match cuts.len() {
        0 => vec![(0, DAY)],
        n => (0..n)
            .map(|i| {
                let to = if i + 1 < n {
                    cuts[i + 1]
                } else {
                    cuts[0] + DAY
                };
                (cuts[i], to)
            })
            .collect(),
    };
    // Start with the period that holds 12:00 (12:00 or 36:00 on the unwrapped clock).
    let noon = |&(a, b): &(u32, u32)| (a..b).contains(&720) || (a..b).contains(&(720 + DAY));
    let first = spans.iter().position(noon).unwrap_or(0);
    spans
        .iter()
        .cycle()
        .skip(first)
        .take(spans.len())
        .filter(|&&(a, b)| (a..b).any(|m| lit((m % DAY) as usize)))
        .map(|&(from, to)| PeriodSpec {
            from_min: from,
            to_min: to,
            class: street.class_at(from as u16).unwrap_or(design),
            levels: (0..levels.groups())
                .map(|g| levels.level(g, from, to, &lit))
                .collect(),
        })
        .collect()
}
