//! Check reports for people (text) and for scripts (JSON), as `lysplan check` prints them.
//!
//! The JSON contract (issue 3), keys exactly in this order:
//!
//! ```json
//! {"findings": [{"rule": "spacing.min", "severity": "error", "message": "...",
//!                "poles": ["P017", "P018"], "street": "fabriksparken",
//!                "chainage_m": 123.4, "lon": 12.388, "lat": 55.6848}],
//!  "summary": {"poles": 304, "streets": 10, "errors": 1, "warnings": 0}}
//! ```
//!
//! Findings are sorted by rule, then first pole id ([`crate::check::sort_findings`]).
//! Absent values are `null`. With coverage computed ([`CheckReport::with_coverage`]) the
//! object gains, after `"summary"`, `"streets": [{"id", "class", "e_avg_lx", "e_min_lx",
//! "u_o", "pass", "periods"}]` (EN 13201 verdict per classed street; M streets also
//! `"l_avg_cd_m2", "u_l", "ti_pct", "rei"` before `"pass"`; `"periods"` the verdict of
//! each period of the night, docs/architecture.md "Adaptive lighting": `{"from", "to",
//! "class", "levels": {vendor: level}, ["idle_levels"], the class's values under the
//! same names, "pass"}`) and `"energy": {
//! "installed_power_w", "evaluated_power_w", "area_m2", "d_p_w_per_lx_m2",
//! "d_e_wh_per_m2_year", "evaluated_kwh_per_year", "lit_hours_per_year"}` (EN 13201-5; D_E
//! from the energy model, `lysplan energy`); both are left out when
//! coverage was not computed.

use crate::check::{Finding, RuleId, Severity, sort_findings};
use crate::lighting::{Coverage, Energy, StreetResult};
use crate::plan::Plan;
use serde::Serialize;
use std::fmt::Write as _;

/// One finding as the JSON contract spells it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingJson {
    pub rule: RuleId,
    pub severity: Severity,
    pub message: String,
    pub poles: Vec<String>,
    pub street: Option<String>,
    pub chainage_m: Option<f64>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

/// How many pole ids a finding's line in the text report names; JSON lists all.
pub const TEXT_POLES: usize = 10;

impl From<&Finding> for FindingJson {
    fn from(f: &Finding) -> Self {
        FindingJson {
            rule: f.rule,
            severity: f.severity,
            message: f.message.clone(),
            poles: f.poles.clone(),
            street: f.street.clone(),
            chainage_m: f.chainage_m.filter(|v| v.is_finite()),
            lon: f.lon.filter(|v| v.is_finite()),
            lat: f.lat.filter(|v| v.is_finite()),
        }
    }
}

/// Counts over the plan and its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub poles: usize,
    pub streets: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// The whole report of one `lysplan check` run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    pub findings: Vec<FindingJson>,
    pub summary: Summary,
    /// Per-street EN 13201 results, omitted when coverage was not computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streets: Option<Vec<StreetResult>>,
    /// EN 13201-5 energy indicators, omitted when coverage was not computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub energy: Option<Energy>,
}

impl CheckReport {
    /// Builds the report of `plan` from its findings (sorted here, whatever their order).
    pub fn new(plan: &Plan, findings: &[Finding]) -> Self {
        let mut sorted = findings.to_vec();
        sort_findings(&mut sorted);
        let count = |s: Severity| sorted.iter().filter(|f| f.severity == s).count();
        CheckReport {
            summary: Summary {
                poles: plan.poles.len(),
                streets: plan.streets.len(),
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
            },
            findings: sorted.iter().map(FindingJson::from).collect(),
            streets: None,
            energy: None,
        }
    }

    /// Adds the per-street results and energy figures of `coverage` (its findings belong
    /// in the `findings` given to [`CheckReport::new`]).
    pub fn with_coverage(mut self, coverage: &Coverage) -> Self {
        self.streets = Some(coverage.street_results());
        self.energy = Some(coverage.energy.clone());
        self
    }

    /// True when there is no error (exit code 0).
    pub fn is_clean(&self) -> bool {
        self.summary.errors == 0
    }

    /// The report as one JSON object (pretty-printed, trailing newline).
    pub fn to_json(&self) -> String {
        // Plain data with string keys: serialisation cannot fail.
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }

    /// The report for people: a header line, one line per finding, a summary line.
    /// `source` names the checked file.
    pub fn to_text(&self, source: &str) -> String {
        let mut out = String::new();
        let s = &self.summary;
        let _ = writeln!(out, "{source}: {} poles on {} streets", s.poles, s.streets);
        for f in &self.findings {
            let _ = write!(out, "{}[{}] {}", f.severity.name(), f.rule, f.message);
            let mut place = Vec::new();
            if !f.poles.is_empty() {
                // A group of thousands of poles: the text names the first few and counts
                // the rest; `--format json` lists them all.
                place.push(format!(
                    "poles {}",
                    crate::finding::name_some(&f.poles, TEXT_POLES)
                ));
            }
            match (&f.street, f.chainage_m) {
                (Some(st), Some(c)) => place.push(format!("{st} at {c:.1} m")),
                (Some(st), None) => place.push(st.clone()),
                _ => {}
            }
            if let (Some(lon), Some(lat)) = (f.lon, f.lat) {
                place.push(format!("{lat:.6} N {lon:.6} E"));
            }
            if !place.is_empty() {
                let _ = write!(out, " ({})", place.join("; "));
            }
            out.push('\n');
        }
        if let Some(streets) = &self.streets {
            for r in streets {
                let _ = writeln!(
                    out,
                    "street {} {}: E_avg {:.2} lx, E_min {:.2} lx, U_o {}{}: {}",
                    r.id,
                    r.class,
                    r.e_avg_lx,
                    r.e_min_lx,
                    crate::lighting::show_optional(r.u_o, 2),
                    r.luminance_text()
                        .map_or(String::new(), |t| format!(", {t}")),
                    if r.pass { "pass" } else { "FAIL" }
                );
                // Adaptive lighting: the periods that miss the class in force.
                for p in r.periods.iter().filter(|p| !p.pass) {
                    let levels: Vec<String> = p
                        .levels
                        .iter()
                        .map(|(v, l)| format!("{v} {:.0} %", l * 100.0))
                        .collect();
                    let _ = writeln!(
                        out,
                        "  period {}–{} class {} ({}): FAIL: {}",
                        p.from,
                        p.to,
                        p.class,
                        levels.join(", "),
                        p.verdict.failures.join(", ")
                    );
                }
            }
        }
        if let Some(e) = &self.energy {
            let d_p = e
                .d_p_w_per_lx_m2
                .map_or("-".to_string(), |v| format!("{v:.4}"));
            let _ = writeln!(
                out,
                "energy: installed {:.0} W ({:.0} W on classed streets, {:.0} m²), \
                 D_P {d_p} W/(lx·m²), D_E {:.1} Wh/(m²·year) ({:.0} kWh/year, {:.0} h lit)",
                e.installed_power_w,
                e.evaluated_power_w,
                e.area_m2,
                e.d_e_wh_per_m2_year,
                e.evaluated_kwh_per_year,
                e.lit_hours_per_year
            );
        }
        let infos = self.findings.len() - s.errors - s.warnings;
        let _ = write!(
            out,
            "{} error{}, {} warning{}",
            s.errors,
            if s.errors == 1 { "" } else { "s" },
            s.warnings,
            if s.warnings == 1 { "" } else { "s" },
        );
        if infos > 0 {
            let _ = write!(out, ", {infos} note{}", if infos == 1 { "" } else { "s" });
        }
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: RuleId, severity: Severity, poles: &[&str]) -> Finding {
        Finding {
            rule,
            severity,
            message: format!("{rule} on {poles:?}"),
            poles: poles.iter().map(|p| p.to_string()).collect(),
            street: Some("s1".into()),
            chainage_m: Some(12.5),
            lon: Some(12.388),
            lat: Some(55.6848),
        }
    }

    #[test]
    fn json_keys_order_and_sorting() {
        let plan = Plan::default();
        let fs = vec![
            finding(RuleId::SpacingMin, Severity::Error, &["P2", "P3"]),
            finding(RuleId::SectionEmpty, Severity::Warning, &[]),
            finding(RuleId::SpacingMin, Severity::Error, &["P1", "P9"]),
        ];
        let r = CheckReport::new(&plan, &fs);
        assert_eq!(r.summary.errors, 2);
        assert_eq!(r.summary.warnings, 1);
        assert!(!r.is_clean());
        let json = r.to_json();
        let order = [
            "\"findings\"",
            "\"rule\"",
            "\"severity\"",
            "\"message\"",
            "\"poles\"",
            "\"street\"",
            "\"chainage_m\"",
            "\"lon\"",
            "\"lat\"",
        ];
        let pos: Vec<usize> = order
            .iter()
            .map(|k| json.find(k).unwrap_or(usize::MAX))
            .collect();
        assert!(pos.windows(2).all(|w| w[0] < w[1]), "{json}");
        let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        let rules: Vec<&str> = v["findings"]
            .as_array()
            .expect("array")
            .iter()
            .map(|f| f["rule"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(rules, ["section.empty", "spacing.min", "spacing.min"]);
        assert_eq!(v["findings"][1]["poles"][0], "P1");
        assert!(v.get("streets").is_none() && v.get("energy").is_none());
    }

    #[test]
    fn text_lists_each_finding_and_a_summary() {
        let plan = Plan::default();
        let fs = vec![finding(RuleId::SpacingMin, Severity::Error, &["P1", "P2"])];
        let text = CheckReport::new(&plan, &fs).to_text("x.ron");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[1].starts_with("error[spacing.min]"), "{text}");
        assert!(lines[1].contains("poles P1, P2") && lines[1].contains("s1 at 12.5 m"));
        assert_eq!(lines[2], "1 error, 0 warnings");
    }

    #[test]
    fn non_finite_numbers_become_null() {
        let mut f = finding(RuleId::SpacingMin, Severity::Info, &[]);
        f.chainage_m = Some(f64::NAN);
        let j = FindingJson::from(&f);
        assert_eq!(j.chainage_m, None);
    }
}
