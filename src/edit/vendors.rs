//! Vendors as a planner edits them: add a company, rename it, change its colour, assign
//! its sections by chainage (each interval checked against its street), set its control
//! profile, delete it when no pole is left. Each function returns one typed edit.

use super::document::Step;
use super::error::EditError;
use super::op::{Change, Edit};
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
pub fn validate_section(plan: &Plan, d: &SectionDraft) -> Result<(), EditError> {
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
            limit.check(v).map_err(|e| e.explain())?;
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

/// The vendor's sections, as drafts, in plan order.
pub fn section_drafts(plan: &Plan, vendor: &str) -> Vec<SectionDraft> {
    plan.sections
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

fn vendor_index(plan: &Plan, vendor: &str) -> Result<usize, EditError> {
    plan.vendors
        .iter()
        .position(|v| v.id == vendor)
        .ok_or_else(|| EditError::Missing {
            kind: "vendor",
            id: vendor.to_string(),
        })
}

/// `vendor`'s name, colour and sections set as one edit, after checking each (an empty
/// name, or a section off its street, refuses the whole edit with the reason). The
/// edited sections keep their place in the plan; new ones are appended with fresh ids.
/// `None` when nothing would change.
pub fn vendor_edit(
    plan: &Plan,
    vendor: &str,
    name: &str,
    color: [u8; 3],
    drafts: &[SectionDraft],
) -> Result<Option<Step>, EditError> {
    let vi = vendor_index(plan, vendor)?;
    let v = &plan.vendors[vi];
    let name = name.trim();
    if name.is_empty() {
        return Err("a vendor needs a name".into());
    }
    for (k, d) in drafts.iter().enumerate() {
        validate_section(plan, d).map_err(|e| format!("section {}: {e}", k + 1))?;
    }
    if v.name == name && v.color == color && drafts == section_drafts(plan, vendor).as_slice() {
        return Ok(None);
    }
    let kept: Vec<&str> = drafts
        .iter()
        .filter(|d| !d.id.is_empty())
        .map(|d| d.id.as_str())
        .collect();
    let mut sections: Vec<Section> = plan
        .sections
        .iter()
        .filter(|s| s.vendor != vendor || kept.contains(&s.id.as_str()))
        .cloned()
        .collect();
    // Fresh ids are counted against the plan as it is with the dropped sections gone.
    let mut taken = super::FreshIds::of(plan);
    for s in plan.sections.iter().filter(|s| !sections.contains(s)) {
        taken.forget(&s.id);
    }
    for d in drafts {
        let section = |id: String| Section {
            id,
            vendor: vendor.to_string(),
            street: d.street.clone(),
            from_m: d.from_m,
            to_m: d.to_m,
        };
        match sections
            .iter_mut()
            .find(|s| !d.id.is_empty() && s.id == d.id && s.vendor == vendor)
        {
            Some(s) => *s = section(d.id.clone()),
            None => {
                let id = taken.next_id("S");
                sections.push(section(id));
            }
        }
    }
    let mut edited = v.clone();
    edited.name = name.to_string();
    edited.color = color;
    let mut edits = vec![Edit::Vendors(Change::Set(vi, edited))];
    if sections != plan.sections {
        edits.push(Edit::Sections(Change::Replace(sections)));
    }
    Ok(Some(Step {
        label: format!("Edit vendor {name}"),
        edit: Edit::Batch(edits),
    }))
}

/// A vendor named "New vendor n" in a colour no vendor has yet (as far as the palette
/// goes): the edit and its id.
pub fn add_vendor(plan: &Plan) -> (Step, String) {
    let id = plan.next_id("vendor-");
    let name = format!("New vendor {}", id.trim_start_matches("vendor-"));
    let used: Vec<[u8; 3]> = plan.vendors.iter().map(|v| v.color).collect();
    let vendor = Vendor {
        id: id.clone(),
        name: name.clone(),
        color: distinct_color(&used),
        control_profile: None,
    };
    let step = Step {
        label: format!("Add vendor {name}"),
        edit: Edit::Vendors(Change::Insert(plan.vendors.len(), vendor)),
    };
    (step, id)
}

/// `vendor`'s luminaires run `profile` (`None`: always full). `None` when it already
/// does, or there is no such vendor.
pub fn vendor_profile(plan: &Plan, vendor: &str, profile: Option<String>) -> Option<Step> {
    let vi = vendor_index(plan, vendor).ok()?;
    let v = &plan.vendors[vi];
    if v.control_profile == profile {
        return None;
    }
    let label = format!(
        "Set {}'s control profile to {}",
        v.name,
        profile.as_deref().unwrap_or("always full")
    );
    let mut edited = v.clone();
    edited.control_profile = profile;
    Some(Step {
        label,
        edit: Edit::Vendors(Change::Set(vi, edited)),
    })
}

/// Deletes a vendor and its sections; refused while poles belong to it.
pub fn delete_vendor(plan: &Plan, vendor: &str) -> Result<Step, EditError> {
    let vi = vendor_index(plan, vendor)?;
    let name = &plan.vendors[vi].name;
    let poles = plan.poles.iter().filter(|p| p.vendor == vendor).count();
    if poles > 0 {
        return Err(format!(
            "{poles} poles belong to {name}: delete them or give them to another vendor first"
        )
        .into());
    }
    let mut edits = remove_sections(plan, |s| s.vendor == vendor);
    edits.push(Edit::Vendors(Change::Remove(vi)));
    Ok(Step {
        label: format!("Delete vendor {name}"),
        edit: Edit::Batch(edits),
    })
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
        let rgb = hsv_to_srgb(hue, sat, val);
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

/// A colour given as hue, saturation and value (each 0..=1) in 8-bit sRGB.
fn hsv_to_srgb(h: f32, s: f32, v: f32) -> [u8; 3] {
    let h6 = (h.rem_euclid(1.0)) * 6.0;
    let c = v * s;
    let x = c * (1.0 - (h6 % 2.0 - 1.0).abs());
    let (r, g, b) = match h6 as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = v - c;
    let byte = |f: f32| ((f + m).clamp(0.0, 1.0) * 255.0).round() as u8;
    [byte(r), byte(g), byte(b)]
}

/// The edits that remove every section `which` picks, from the last, so each index is
/// still right when its section goes.
pub fn remove_sections(plan: &Plan, which: impl Fn(&Section) -> bool) -> Vec<Edit> {
    plan.sections
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, s)| which(s))
        .map(|(k, _)| Edit::Sections(Change::Remove(k)))
        .collect()
}

/// Deletes control profile `id`; the vendors that ran it run always full from then on.
pub fn delete_profile(plan: &Plan, id: &str, label: String) -> Step {
    let mut edits: Vec<Edit> = plan
        .vendors
        .iter()
        .enumerate()
        .filter(|(_, v)| v.control_profile.as_deref() == Some(id))
        .map(|(i, v)| {
            let mut v = v.clone();
            v.control_profile = None;
            Edit::Vendors(Change::Set(i, v))
        })
        .collect();
    if let Some(k) = plan.control_profiles.iter().position(|p| p.id == id) {
        edits.push(Edit::ControlProfiles(Change::Remove(k)));
    }
    Step {
        label,
        edit: Edit::Batch(edits),
    }
}
