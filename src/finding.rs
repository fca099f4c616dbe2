//! Findings: what the checks (and the lighting evaluation) report about a plan.
//!
//! A low layer of its own so that both `lighting` (the `coverage.*` findings) and
//! `check` (the layout rules) build findings without one importing the other.
//! [`crate::check`] re-exports everything here.

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

/// The order of findings: by rule, then first pole id, then message; remaining fields
/// break ties so the order is total (equal only if identical).
pub fn cmp_findings(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    fn opt(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
        match (a, b) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (x, y) => x.is_some().cmp(&y.is_some()),
        }
    }
    a.rule
        .cmp(b.rule)
        .then_with(|| a.poles.first().cmp(&b.poles.first()))
        .then_with(|| a.message.cmp(&b.message))
        .then_with(|| a.poles.cmp(&b.poles))
        .then_with(|| a.street.cmp(&b.street))
        .then_with(|| opt(a.chainage_m, b.chainage_m))
        .then_with(|| opt(a.lon, b.lon))
        .then_with(|| opt(a.lat, b.lat))
        .then_with(|| a.severity.cmp(&b.severity))
}

/// Sorts findings as the JSON contract requires: by rule, then first pole id, then message.
pub fn sort_findings(f: &mut [Finding]) {
    f.sort_by(cmp_findings);
}

/// A number as a message shows it: as written for ordinary values, in scientific
/// notation when it is huge or tiny (a longitude of 1e308 is "1.000e308", not 309
/// digits).
pub fn number(v: f64) -> String {
    if v.is_finite() && v != 0.0 && !(1e-4..1e9).contains(&v.abs()) {
        format!("{v:.3e}")
    } else {
        format!("{v}")
    }
}

/// The first `n` of `ids` joined by ", ", then "and K more" for the rest: how a finding
/// or report line names a group of thousands (the finding's `poles` lists them all).
pub fn name_some<S: AsRef<str>>(ids: &[S], n: usize) -> String {
    let named: Vec<&str> = ids.iter().take(n).map(|s| s.as_ref()).collect();
    if ids.len() <= n {
        named.join(", ")
    } else {
        format!("{} and {} more", named.join(", "), ids.len() - n)
    }
}
