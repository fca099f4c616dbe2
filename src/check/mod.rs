//! The layout rules. Each rule turns the plan and its spatial index into findings.
//!
//! Every rule, its id and the severity of its findings: [`RuleId`] (the one list).
//!
//! Impossible values (NaN, a height <= 0, ...) never reach the rules: the readers refuse
//! them ([`crate::plan::validate`]).
//!
//! Errors make `lysplan check` exit with 1; warnings only inform. Every street with at
//! least two on-route poles counts as lit for `spacing.max`, whatever its class.
//! [`Checker`] holds the state for incremental re-checks (the app, while dragging);
//! [`run`] and [`run_with`] are the one-shot entry points.

mod engine;
mod references;
pub mod rules;
pub mod synth;

pub use engine::Checker;
pub use rules::PoleStation;

pub use crate::finding::{Finding, RuleId, Severity, cmp_findings, sort_findings};

use crate::index::SiteIndex;
use crate::plan::Plan;

/// `spacing.min` alone: groups of poles closer than `rules.min_spacing_m` (a pair, or
/// one finding for three or more linked poles), found with an R-tree within-distance
/// query per pole (O(n log n) for a sane layout).
pub fn spacing_min(plan: &Plan, index: &SiteIndex) -> Vec<Finding> {
    let rule = rules::PairRule::SpacingMin;
    rules::pair_groups(index, rule.radius(plan))
        .iter()
        .filter_map(|g| rules::group_finding(plan, rule, g))
        .collect()
}

/// Runs every rule (index build included) and returns the findings sorted.
pub fn run(plan: &Plan) -> Vec<Finding> {
    run_with(plan, Vec::new())
}

/// Every finding of `plan` with its EN 13201 coverage, as `lysplan check` reports them
/// (the photometry is loaded; a luminaire type whose file cannot be read lights nothing
/// and `reference.luminaire` names it).
pub fn run_with_coverage(plan: &Plan) -> (Vec<Finding>, crate::lighting::Coverage) {
    run_with_coverage_located(plan, crate::index::Located::new(plan))
}

/// As [`run_with_coverage`], with the plan already indexed and located (by the reader:
/// [`crate::locate::load_located`]). The rules and the coverage run side by side.
pub fn run_with_coverage_located(
    plan: &Plan,
    located: crate::index::Located,
) -> (Vec<Finding>, crate::lighting::Coverage) {
    let coverage = || {
        let (photometry, _) = crate::lighting::load_photometry(plan);
        crate::lighting::evaluate(plan, &photometry, None)
    };
    // Beside the rules when there is a classed street to evaluate; otherwise coverage
    // is a moment's work, and the rules run on this thread (on a worker, a large check
    // without classes peaked higher, in the worker's allocator arena).
    let (checker, cov) = if crate::lighting::progress_total(plan) > 0 {
        rayon::join(|| Checker::from_located(plan, located), coverage)
    } else {
        let cov = coverage();
        (Checker::from_located(plan, located), cov)
    };
    (findings_with(checker, cov.findings.clone()), cov)
}

/// As [`run`], with the plan already indexed and located.
pub fn run_located(plan: &Plan, located: crate::index::Located) -> Vec<Finding> {
    Checker::from_located(plan, located).findings().to_vec()
}

/// Runs every rule and merges `extra` findings (e.g. `coverage.*` from the lighting
/// module) into the sorted result.
pub fn run_with(plan: &Plan, extra: Vec<Finding>) -> Vec<Finding> {
    findings_with(Checker::new(plan), extra)
}

/// The checker's findings with `extra` merged in.
fn findings_with(mut c: Checker, extra: Vec<Finding>) -> Vec<Finding> {
    if !extra.is_empty() {
        c.set_extra(extra);
    }
    c.findings().to_vec()
}
