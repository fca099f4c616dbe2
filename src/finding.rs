//! Findings: what the checks (and the lighting evaluation) report about a plan.
//!
//! A low layer of its own so that both `lighting` (the `coverage.*` findings) and
//! `check` (the layout rules) build findings without one importing the other.
//! [`crate::check`] re-exports everything here.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The id of a rule: what a finding is about. Its string form (`"spacing.min"`, ...) is
/// the stable id of the JSON contract; it is written in [`RuleId::as_str`] alone, and
/// `Display` and serde use it.
///
/// The variants are in the order of their string forms, so the derived `Ord` sorts
/// findings by rule id as the JSON contract requires (a test holds this).
///
/// The full list of rules, with the severity of their findings:
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleId {
    /// `coverage.class` (error; warning when over-lit): a classed street misses its
    /// EN 13201 class, cannot be evaluated, or is over-lit ([`crate::lighting`]).
    CoverageClass,
    /// `coverage.dark` (warning): a stretch of a classed street below the class's dark
    /// threshold ([`crate::lighting`]).
    CoverageDark,
    /// `coverage.period` (error; warning when over-lit): in a period of the night (the
    /// street's class schedule and its vendors' dimming steps) a classed street misses the
    /// class in force then, with its luminaires at their vendors' levels
    /// ([`crate::lighting`], docs/architecture.md "Adaptive lighting").
    CoveragePeriod,
    /// `placement.off_route` (error): a pole farther than `max_offset_m` from every
    /// street centreline.
    PlacementOffRoute,
    /// `placement.position` (error): a pole or street vertex with an unusable lon/lat
    /// (NaN, out of range); left out of the spatial rules.
    PlacementPosition,
    /// `reference.duplicate_id` (error): an id used by more than one object (one id space
    /// for all kinds).
    ReferenceDuplicateId,
    /// `reference.luminaire` (error): a pole naming an unknown luminaire type; embedded
    /// photometry that cannot be read.
    ReferenceLuminaire,
    /// `reference.profile` (error): a pole or section naming an unknown control profile.
    ReferenceProfile,
    /// `reference.same_spot` (error): two poles less than `same_spot_m` (1 mm) apart.
    ReferenceSameSpot,
    /// `reference.street` (error): a section naming an unknown street.
    ReferenceStreet,
    /// `reference.surface` (error): a street naming an unknown road surface.
    ReferenceSurface,
    /// `reference.vendor` (error): a pole or section naming an unknown vendor.
    ReferenceVendor,
    /// `section.empty` (warning): a vendor without poles.
    SectionEmpty,
    /// `section.outside` (error): a pole of a vendor that has sections, outside all of
    /// them (off-route poles are left to `placement.off_route`).
    SectionOutside,
    /// `section.overlap` (error): two sections of one street overlapping by more than
    /// zero length.
    SectionOverlap,
    /// `spacing.max` (error): consecutive on-route poles of a street farther apart along
    /// it than min(`max_spacing_m`, `max_spacing_to_height` × lower height).
    SpacingMax,
    /// `spacing.min` (error): two poles closer than `min_spacing_m` (straight line).
    SpacingMin,
    /// `value.implausible` (warning): a value that loads but is probably wrong: pole
    /// height > 60 m, tilt > 30°, overhang > 15 m, street width > 60 m, maintenance
    /// factor < 0.5, a section reaching past its street's end
    /// ([`crate::plan::validate`]).
    ValueImplausible,
}

impl RuleId {
    /// Every rule, in the order of their ids.
    pub const ALL: [RuleId; 18] = [
        RuleId::CoverageClass,
        RuleId::CoverageDark,
        RuleId::CoveragePeriod,
        RuleId::PlacementOffRoute,
        RuleId::PlacementPosition,
        RuleId::ReferenceDuplicateId,
        RuleId::ReferenceLuminaire,
        RuleId::ReferenceProfile,
        RuleId::ReferenceSameSpot,
        RuleId::ReferenceStreet,
        RuleId::ReferenceSurface,
        RuleId::ReferenceVendor,
        RuleId::SectionEmpty,
        RuleId::SectionOutside,
        RuleId::SectionOverlap,
        RuleId::SpacingMax,
        RuleId::SpacingMin,
        RuleId::ValueImplausible,
    ];

    /// The stable id, as the JSON contract and the reports spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            RuleId::CoverageClass => "coverage.class",
            RuleId::CoverageDark => "coverage.dark",
            RuleId::CoveragePeriod => "coverage.period",
            RuleId::PlacementOffRoute => "placement.off_route",
            RuleId::PlacementPosition => "placement.position",
            RuleId::ReferenceDuplicateId => "reference.duplicate_id",
            RuleId::ReferenceLuminaire => "reference.luminaire",
            RuleId::ReferenceProfile => "reference.profile",
            RuleId::ReferenceSameSpot => "reference.same_spot",
            RuleId::ReferenceStreet => "reference.street",
            RuleId::ReferenceSurface => "reference.surface",
            RuleId::ReferenceVendor => "reference.vendor",
            RuleId::SectionEmpty => "section.empty",
            RuleId::SectionOutside => "section.outside",
            RuleId::SectionOverlap => "section.overlap",
            RuleId::SpacingMax => "spacing.max",
            RuleId::SpacingMin => "spacing.min",
            RuleId::ValueImplausible => "value.implausible",
        }
    }

    /// The rule whose id is `s`, if any.
    pub fn from_id(s: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AsRef<str> for RuleId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for RuleId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for RuleId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<RuleId> for str {
    fn eq(&self, other: &RuleId) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<RuleId> for &str {
    fn eq(&self, other: &RuleId) -> bool {
        *self == other.as_str()
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RuleId::from_id(&s)
            .ok_or_else(|| serde::de::Error::custom(format_args!("unknown rule id {s:?}")))
    }
}

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
    /// What rule found it; serialised as its stable id, e.g. `"spacing.min"`.
    pub rule: RuleId,
    pub severity: Severity,
    /// For people: the calculated value and the threshold.
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
        .cmp(&b.rule)
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

#[cfg(test)]
mod tests {
    use super::RuleId;

    #[test]
    fn rule_ids_are_listed_once_in_the_order_of_their_strings() {
        let ids: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted, "ALL sorted by id, no duplicates");
        // The derived Ord agrees with the order of the strings (the JSON contract sorts
        // findings by the string).
        for w in RuleId::ALL.windows(2) {
            assert!(w[0] < w[1] && w[0].as_str() < w[1].as_str());
        }
        for r in RuleId::ALL {
            assert_eq!(RuleId::from_id(r.as_str()), Some(r));
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{r}\""));
            assert_eq!(
                serde_json::from_str::<RuleId>(&format!("\"{r}\"")).unwrap(),
                r
            );
        }
        assert_eq!(RuleId::from_id("spacing.nope"), None);
    }
}
