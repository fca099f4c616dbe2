//! Vendors as a planner edits them: add a company, rename it, change its colour, assign
//! its sections by chainage (each interval checked against its street), delete it when
//! no pole is left. Each change is one undoable edit.

use super::state::AppState;
use crate::frame::Polyline;
use crate::plan::{Plan, Section, Vendor};

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
pub fn validate_section(plan: &Plan, d: &SectionDraft) -> Result<(), crate::app::error::EditError> {
    let street = plan
        .street(&d.street)
        .ok_or_else(|| format!("street '{}' is not in the plan: choose a street", d.street))?;
    let len = Polyline::from_lonlat(&street.points).length();
    // The core's limits (the same as the file readers'), for what is not a number; the
    // editor is stricter than a file may be for the rest: a section lies on its street
    // (so >= 0) and runs forwards (so from <= to) for at least a metre.
    for (limit, v) in [
        (crate::plan::validate::SECTION_FROM, d.from_m),
        (crate::plan::validate::SECTION_TO, d.to_m),
    ] {
        if !v.is_finite() {
            limit.check(v).map_err(|e| super::state::explain(&e))?;
        }
    }
    if d.from_m < 0.0 || d.to_m > len + LENGTH_SLACK_M {
        return Err(format!(
            "{:.1}–{:.1} m is outside {} (0–{len:.1} m)",
            d.from_m, d.to_m, street.name
        )
        .into());
    }
    if d.to_m - d.from_m < 1.0 {
        return Err(format!(
            "from {:.1} m to {:.1} m: a section must run forwards and be at least 1 m long",
            d.from_m, d.to_m
        )
        .into());
    }
    Ok(())
}

impl AppState {
    /// The vendor's sections, as drafts, in plan order.
    pub fn section_drafts(&self, vendor: &str) -> Vec<SectionDraft> {
        self.plan()
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

    fn vendor_or_err(&self, vendor: &str) -> Result<&Vendor, crate::app::error::EditError> {
        self.plan()
            .vendor(vendor)
            .ok_or_else(|| crate::app::error::EditError::Missing {
                kind: "vendor",
                id: vendor.to_string(),
            })
    }

    /// Replaces `vendor`'s sections with `drafts` as one edit (nothing changes when one
    /// is invalid; the reason names it). Returns `Ok(false)` when nothing changed.
    pub fn set_vendor_sections(
        &mut self,
        vendor: &str,
        drafts: &[SectionDraft],
    ) -> Result<bool, crate::app::error::EditError> {
        let v = self.vendor_or_err(vendor)?;
        let (name, color) = (v.name.clone(), v.color);
        self.apply_vendor(vendor, &name, color, drafts)
    }

    /// Sets `vendor`'s name, colour and sections as one edit, after checking each (an
    /// empty name, or a section off its street, refuses the whole edit with the reason).
    /// The edited sections keep their place in the plan; new ones are appended.
    /// Returns `Ok(false)` when nothing changed.
    pub fn apply_vendor(
        &mut self,
        vendor: &str,
        name: &str,
        color: [u8; 3],
        drafts: &[SectionDraft],
    ) -> Result<bool, crate::app::error::EditError> {
        let v = self.vendor_or_err(vendor)?;
        let name = name.trim();
        if name.is_empty() {
            return Err("a vendor needs a name".into());
        }
        for (k, d) in drafts.iter().enumerate() {
            validate_section(self.plan(), d).map_err(|e| format!("section {}: {e}", k + 1))?;
        }
        if v.name == name && v.color == color && drafts == self.section_drafts(vendor).as_slice() {
            return Ok(false);
        }
        let mut plan = self.plan().clone();
        if let Some(v) = plan.vendors.iter_mut().find(|v| v.id == vendor) {
            v.name = name.to_string();
            v.color = color;
        }
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
        let label = format!("Edit vendor {name}");
        self.edit(label.clone(), |p| *p = plan);
        self.status = label;
        Ok(true)
    }

    /// Adds a vendor named "New vendor n" in a colour no vendor has yet (as far as the
    /// palette goes), as one edit; returns its id.
    pub fn add_vendor(&mut self) -> String {
        let id = self.plan().next_id("vendor-");
        let name = format!("New vendor {}", id.trim_start_matches("vendor-"));
        let used: Vec<[u8; 3]> = self.plan().vendors.iter().map(|v| v.color).collect();
        let color = distinct_color(&used);
        let vendor = Vendor {
            id: id.clone(),
            name: name.clone(),
            color,
            control_profile: None,
        };
        self.edit(format!("Add vendor {name}"), |plan| {
            plan.vendors.push(vendor)
        });
        self.status = format!("Added vendor {name}: name it, pick its colour, give it a section");
        id
    }

    /// Sets the control profile `vendor`'s luminaires run (`None`: always full) as one
    /// edit, and says so in the status line; nothing happens when it already runs it.
    pub fn set_vendor_profile(&mut self, vendor: &str, profile: Option<String>) {
        let Some(v) = self.plan().vendor(vendor) else {
            return;
        };
        if v.control_profile == profile {
            return;
        }
        let label = format!(
            "Set {}'s control profile to {}",
            v.name,
            profile.as_deref().unwrap_or("always full")
        );
        self.edit(label.clone(), |plan| {
            if let Some(v) = plan.vendors.iter_mut().find(|v| v.id == vendor) {
                v.control_profile = profile;
            }
        });
        self.status = label;
    }

    /// Deletes a vendor and its sections as one edit; refused while poles belong to it.
    pub fn delete_vendor(&mut self, vendor: &str) -> Result<(), crate::app::error::EditError> {
        let name = self.vendor_or_err(vendor)?.name.clone();
        let poles = self
            .plan()
            .poles
            .iter()
            .filter(|p| p.vendor == vendor)
            .count();
        if poles > 0 {
            return Err(format!(
                "{poles} poles belong to {name}: delete them or give them to another vendor first"
            )
            .into());
        }
        self.edit(format!("Delete vendor {name}"), |plan| {
            plan.vendors.retain(|v| v.id != vendor);
            plan.sections.retain(|s| s.vendor != vendor);
        });
        self.hidden_vendors.remove(vendor);
        self.status = format!("Deleted vendor {name}");
        Ok(())
    }
}

/// A saturated colour far from every colour in `used` (readable on the map's paper
/// background): hues a golden angle apart, the first at least a clear step from all the
/// others, else the farthest found.
pub fn distinct_color(used: &[[u8; 3]]) -> [u8; 3] {
    let distance = |c: [u8; 3]| {
        used.iter()
            .map(|u| (0..3).map(|k| u32::from(c[k].abs_diff(u[k]))).sum::<u32>())
            .min()
            .unwrap_or(u32::MAX)
    };
    let mut best = ([200, 40, 40], 0);
    for k in 0..96 {
        let hue = (k as f32 * 0.618_034).fract();
        let (sat, val) = if k % 2 == 0 { (0.8, 0.85) } else { (0.6, 0.6) };
        let c = egui::ecolor::Color32::from(egui::ecolor::Hsva::new(hue, sat, val, 1.0));
        let rgb = [c.r(), c.g(), c.b()];
        let d = distance(rgb);
        if d >= 90 {
            return rgb;
        }
        if d > best.1 {
            best = (rgb, d);
        }
    }
    best.0
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
        let vendor = s.plan().vendors[0].id.clone();
        let mut d = s.section_drafts(&vendor);
        assert_eq!(d.len(), 1, "the bundled plan gives each vendor one section");
        let others = s.plan().sections.len() - 1;
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
        assert_eq!(s.plan().sections.len(), others + 2);
        assert_eq!(s.set_vendor_sections(&vendor, &now), Ok(false));
        assert_eq!(s.set_vendor_sections(&vendor, &now[1..]), Ok(true));
        assert_eq!(s.section_drafts(&vendor).len(), 1);
        s.undo();
        s.undo();
        assert_eq!(s.plan(), &crate::bundled::doll_plan());
    }

    #[test]
    fn intervals_off_the_street_or_backwards_are_refused_with_the_reason() {
        let mut s = state();
        let vendor = s.plan().vendors[0].id.clone();
        let mut d = s.section_drafts(&vendor);
        d[0].to_m = 1e6;
        let e = s.set_vendor_sections(&vendor, &d).unwrap_err().to_string();
        assert!(e.starts_with("section 1:") && e.contains("outside"), "{e}");
        d[0].to_m = d[0].from_m - 5.0;
        let e = s.set_vendor_sections(&vendor, &d).unwrap_err().to_string();
        assert!(e.contains("forwards"), "{e}");
        d[0].street = "nowhere".into();
        assert!(s.set_vendor_sections(&vendor, &d).is_err());
        assert!(s.set_vendor_sections("no-such-vendor", &[]).is_err());
        assert!(!s.can_undo(), "refusals record nothing");
    }

    #[test]
    fn a_vendor_is_added_renamed_recoloured_and_deleted_as_single_edits() {
        let mut s = state();
        let n = s.plan().vendors.len();
        let id = s.add_vendor();
        assert_eq!(s.plan().vendors.len(), n + 1);
        let v = s.plan().vendor(&id).unwrap().clone();
        assert!(v.name.starts_with("New vendor"));
        assert!(
            s.plan().vendors[..n].iter().all(|o| o.color != v.color),
            "a colour no vendor has: {:?}",
            v.color
        );
        assert!(s.apply_vendor(&id, "  ", v.color, &[]).is_err());
        assert_eq!(s.apply_vendor(&id, "Ramboll", [1, 2, 3], &[]), Ok(true));
        assert_eq!(s.plan().vendor(&id).unwrap().name, "Ramboll");
        assert_eq!(s.plan().vendor(&id).unwrap().color, [1, 2, 3]);
        assert_eq!(s.apply_vendor(&id, "Ramboll", [1, 2, 3], &[]), Ok(false));
        // A vendor with poles is kept; an empty one goes with its sections.
        let busy = s.plan().poles[0].vendor.clone();
        let e = s.delete_vendor(&busy).unwrap_err().to_string();
        assert!(e.contains("poles belong to"), "{e}");
        s.delete_vendor(&id).unwrap();
        assert!(s.plan().vendor(&id).is_none());
        for _ in 0..3 {
            s.undo();
        }
        assert_eq!(s.plan(), &crate::bundled::doll_plan());
    }
}
