//! The layout rules. Each rule turns the plan and its spatial index into findings.

pub mod synth;

use crate::index::SiteIndex;
use crate::plan::Plan;
use serde::Serialize;

/// How bad a finding is. `Error`s make `lysplan check` exit with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One thing wrong (or worth knowing) about a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable rule id, e.g. `"spacing.min"`.
    pub rule: &'static str,
    pub severity: Severity,
    /// For people: the measured value and the threshold.
    pub message: String,
    /// Ids of the poles involved, sorted.
    pub poles: Vec<String>,
    /// Id of the street concerned, if any.
    pub street: Option<String>,
    pub chainage_m: Option<f64>,
    /// Where to look on the map.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

/// Sorts findings as the JSON contract requires: by rule, then first pole id, then message.
pub fn sort_findings(f: &mut [Finding]) {
    f.sort_by(|a, b| {
        a.rule
            .cmp(b.rule)
            .then_with(|| a.poles.first().cmp(&b.poles.first()))
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// `spacing.min`: pairs of poles closer than `rules.min_spacing_m`, found with an R-tree
/// within-distance query per pole (O(n log n) for a sane layout).
pub fn spacing_min(plan: &Plan, index: &SiteIndex) -> Vec<Finding> {
    let min = plan.rules.min_spacing_m;
    let mut out = Vec::new();
    for (i, a) in index.pole_xy.iter().enumerate() {
        for j in index.poles_within(*a, min) {
            if j <= i {
                continue;
            }
            let d = a.dist(index.pole_xy[j]);
            if d >= min {
                continue;
            }
            let (pa, pb) = (&plan.poles[i], &plan.poles[j]);
            let mut ids = vec![pa.id.clone(), pb.id.clone()];
            ids.sort();
            out.push(Finding {
                rule: "spacing.min",
                severity: Severity::Error,
                message: format!("{}–{}: {:.1} m apart, minimum {} m", ids[0], ids[1], d, min),
                poles: ids,
                street: None,
                chainage_m: None,
                lon: Some((pa.lon + pb.lon) / 2.0),
                lat: Some((pa.lat + pb.lat) / 2.0),
            });
        }
    }
    out
}

/// Runs every rule and returns the findings sorted.
pub fn run(plan: &Plan) -> Vec<Finding> {
    let index = SiteIndex::build(plan);
    let mut f = spacing_min(plan, &index);
    sort_findings(&mut f);
    f
}
