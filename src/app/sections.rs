//! Assigning vendor sections by chainage: a vendor's sections (street, from, to) are
//! replaced as one undoable edit after each interval is checked against its street.

use super::state::AppState;
use crate::frame::Polyline;
use crate::plan::{Plan, Section};

/// A section being edited: `id` is empty for a new one (a fresh id is given on apply).
#[derive(Debug, Clone, PartialEq)]
pub struct SectionDraft {
    pub id: String,
    pub street: String,
    pub from_m: f64,
    pub to_m: f64,
}

/// Chainages may exceed the street's length by this much (rounding in the panel), metres.
const LENGTH_SLACK_M: f64 = 0.5;

/// Why a section interval is unacceptable on `plan`'s streets, or Ok.
pub fn validate_section(plan: &Plan, d: &SectionDraft) -> Result<(), String> {
    let street = plan
        .street(&d.street)
        .ok_or_else(|| format!("street '{}' is not in the plan: choose a street", d.street))?;
    let len = Polyline::from_lonlat(&street.points).length();
    if !(d.from_m.is_finite() && d.to_m.is_finite()) {
        return Err("from and to must be numbers of metres".into());
    }
    if d.from_m < 0.0 || d.to_m > len + LENGTH_SLACK_M {
        return Err(format!(
            "{:.1}–{:.1} m is outside {} (0–{len:.1} m)",
            d.from_m, d.to_m, street.name
        ));
    }
    if d.to_m - d.from_m < 1.0 {
        return Err(format!(
            "from {:.1} m to {:.1} m: a section must run forwards and be at least 1 m long",
            d.from_m, d.to_m
        ));
    }
    Ok(())
}

impl AppState {
    /// The vendor's sections, as drafts, in plan order.
    pub fn section_drafts(&self, vendor: &str) -> Vec<SectionDraft> {
        self.plan
            .sections
            .iter()
            .filter(|s| s.vendor == vendor)
            .map(|s| SectionDraft {
                id: s.id.clone(),
                street: s.street.clone(),
                from_m: s.from_m,
                to_m: s.to_m,
            })
            .collect()
    }

    /// Replaces `vendor`'s sections with `drafts` as one edit (nothing changes when one
    /// is invalid; the reason names it). Returns `Ok(false)` when nothing changed. The
    /// edited sections keep their place in the plan; new ones are appended.
    pub fn set_vendor_sections(
        &mut self,
        vendor: &str,
        drafts: &[SectionDraft],
    ) -> Result<bool, String> {
        let name = self
            .plan
            .vendor(vendor)
            .map(|v| v.name.clone())
            .ok_or_else(|| format!("vendor '{vendor}' is not in the plan"))?;
        for (k, d) in drafts.iter().enumerate() {
            validate_section(&self.plan, d).map_err(|e| format!("section {}: {e}", k + 1))?;
        }
        if drafts == self.section_drafts(vendor).as_slice() {
            return Ok(false);
        }
        let mut plan = self.plan.clone();
        let kept: Vec<&str> = drafts
            .iter()
            .filter(|d| !d.id.is_empty())
            .map(|d| d.id.as_str())
            .collect();
        plan.sections
            .retain(|s| s.vendor != vendor || kept.contains(&s.id.as_str()));
        for d in drafts {
            let section = |id: String| Section {
                id,
                vendor: vendor.to_string(),
                street: d.street.clone(),
                from_m: d.from_m,
                to_m: d.to_m,
            };
            match plan
                .sections
                .iter_mut()
                .find(|s| !d.id.is_empty() && s.id == d.id && s.vendor == vendor)
            {
                Some(s) => *s = section(d.id.clone()),
                None => {
                    let id = plan.next_id("S");
                    plan.sections.push(section(id));
                }
            }
        }
        let label = format!("Set the sections of {name}");
        self.begin_edit(label.clone());
        self.plan = plan;
        self.end_edit();
        self.status = label;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> AppState {
        let plan = crate::bundled::doll_plan();
        AppState::new(plan, None)
    }

    #[test]
    fn a_vendor_section_is_moved_added_and_removed_as_single_edits() {
        let mut s = state();
        let vendor = s.plan.vendors[0].id.clone();
        let mut d = s.section_drafts(&vendor);
        assert_eq!(d.len(), 1, "the bundled plan gives each vendor one section");
        let others = s.plan.sections.len() - 1;
        d[0].to_m = d[0].from_m + 100.0;
        d.push(SectionDraft {
            id: String::new(),
            street: d[0].street.clone(),
            from_m: 0.0,
            to_m: 20.0,
        });
        assert_eq!(s.set_vendor_sections(&vendor, &d), Ok(true));
        let now = s.section_drafts(&vendor);
        assert_eq!(now.len(), 2);
        assert_eq!(now[0].to_m, d[0].from_m + 100.0);
        assert!(!now[1].id.is_empty() && now[1].id != now[0].id);
        assert_eq!(s.plan.sections.len(), others + 2);
        assert_eq!(s.set_vendor_sections(&vendor, &now), Ok(false));
        assert_eq!(s.set_vendor_sections(&vendor, &now[1..]), Ok(true));
        assert_eq!(s.section_drafts(&vendor).len(), 1);
        s.undo();
        s.undo();
        assert_eq!(s.plan, crate::bundled::doll_plan());
    }

    #[test]
    fn intervals_off_the_street_or_backwards_are_refused_with_the_reason() {
        let mut s = state();
        let vendor = s.plan.vendors[0].id.clone();
        let mut d = s.section_drafts(&vendor);
        d[0].to_m = 1e6;
        let e = s.set_vendor_sections(&vendor, &d).unwrap_err();
        assert!(e.starts_with("section 1:") && e.contains("outside"), "{e}");
        d[0].to_m = d[0].from_m - 5.0;
        let e = s.set_vendor_sections(&vendor, &d).unwrap_err();
        assert!(e.contains("forwards"), "{e}");
        d[0].street = "nowhere".into();
        assert!(s.set_vendor_sections(&vendor, &d).is_err());
        assert!(s.set_vendor_sections("no-such-vendor", &[]).is_err());
        assert!(!s.can_undo(), "refusals record nothing");
    }
}
